//! Source and state of one stack → one picture.
//!
//! In: a stack's resources read from its source (what is declared: locations,
//! references, values unknown until apply) and the same stack's state (what exists:
//! ids, endpoints, host names, ARNs). Out: the source's resources with every value
//! the source leaves unknown or unset filled from the state object of the same
//! address, and the state's objects the source no longer declares added as
//! [`Action::PendingRemoval`]: they still exist, and their links with them, until
//! the next apply.
use std::path::Path;

use crate::hash::FastMap;
use crate::model::value::AttrValue;
use crate::model::{Action, InputId, Model, Warning};

/// Merges `state` (a model holding one state input, of serial `serial`) into the
/// source input `input` of `model`. A state older than the source (it lacks
/// resources the source declares: they were added after the last apply) is still
/// used, with a warning.
pub fn merge_state<'a>(
    model: &mut Model<'a>,
    input: InputId,
    state: Model<'a>,
    state_path: &Path,
    serial: Option<u64>,
) {
    let Model { resources, warnings, .. } = state;
    model.warnings.extend(warnings.into_iter().map(|w| Warning::about(input, w.message)));
    let mut by_address: FastMap<String, usize> = FastMap::default();
    for (i, r) in model.resources.iter().enumerate() {
        if r.input == input {
            by_address.insert(r.address.to_string(), i);
        }
    }
    // Modules whose source was not read: their resources are in the state, not
    // gone from the source.
    let unread: Vec<Vec<crate::model::address::ModuleStep>> = model
        .resources
        .iter()
        .filter(|r| r.input == input && r.is_unread_module())
        .map(|r| {
            let step = crate::model::address::ModuleStep { name: r.address.name.clone(), key: r.address.key.clone() };
            r.address.module.iter().cloned().chain([step]).collect()
        })
        .collect();
    let mut pending = 0usize;
    let mut applied = vec![false; model.resources.len()];
    for mut actual in resources {
        match by_address.get(&actual.address.to_string()) {
            Some(&i) => {
                applied[i] = true;
                let declared = &mut model.resources[i];
                fill(&mut declared.values, actual.values);
                if declared.provider.is_none() {
                    declared.provider = actual.provider;
                }
            }
            None if unread.iter().any(|m| actual.address.module.starts_with(m)) => {
                actual.input = input;
                actual.provider_config = None;
                model.resources.push(actual);
            }
            None => {
                actual.input = input;
                actual.action = Action::PendingRemoval;
                actual.provider_config = None;
                pending += 1;
                model.resources.push(actual);
            }
        }
    }
    let unapplied: Vec<String> = model
        .resources
        .iter()
        .zip(&applied)
        .filter(|(r, seen)| {
            r.input == input
                && !**seen
                && r.address.mode == crate::model::address::Mode::Managed
                && !r.is_unread_module()
        })
        .map(|(r, _)| r.address.to_string())
        .collect();
    if !unapplied.is_empty() {
        let serial = serial.map_or_else(String::new, |s| format!(" (serial {s})"));
        let shown: Vec<&str> = unapplied.iter().take(3).map(String::as_str).collect();
        let more = if unapplied.len() > 3 { format!(" and {} more", unapplied.len() - 3) } else { String::new() };
        model.warnings.push(Warning::about(input, format!(
            "{}{serial} is older than the source: {} {} it declares {} not in the state yet ({}{more}); the state is still used for the rest",
            state_path.display(),
            unapplied.len(),
            if unapplied.len() == 1 { "resource" } else { "resources" },
            if unapplied.len() == 1 { "is" } else { "are" },
            shown.join(", ")
        )));
    }
    if pending > 0 {
        model.warnings.push(Warning::about(input, format!(
            "{}: {pending} object(s) in the state are no longer in the source; they exist until the next apply removes them (reported as pending-removal)",
            state_path.display()
        )));
    }
}

/// Fills what `declared` leaves unknown or unset from `actual`; a value the source
/// decides stays as the source has it.
pub fn fill<'a>(declared: &mut AttrValue<'a>, actual: AttrValue<'a>) {
    match (declared, actual) {
        (d @ AttrValue::Unknown, a) => *d = a,
        (AttrValue::Sensitive(d), AttrValue::Sensitive(a)) => fill(d, *a),
        (AttrValue::Sensitive(d), a) => fill(d, a),
        (d, AttrValue::Sensitive(a)) if matches!(d, AttrValue::Map(_) | AttrValue::List(_)) => fill(d, *a),
        (AttrValue::Map(d), AttrValue::Map(a)) => {
            for (k, v) in a {
                match d.iter_mut().rev().find(|(dk, _)| *dk == k) {
                    Some((_, existing)) => fill(existing, v),
                    None => d.push((k, v)),
                }
            }
        }
        (AttrValue::List(d), AttrValue::List(a)) if d.len() == a.len() => {
            for (x, y) in d.iter_mut().zip(a) {
                fill(x, y);
            }
        }
        // The lists differ in length (a set the provider completed, a dynamic block
        // unknown in source): where the source could not decide it, what exists wins.
        (d @ AttrValue::List(_), a @ AttrValue::List(_)) if d.contains_unknown() => *d = a,
        (d @ AttrValue::Null, a) => *d = a,
        _ => {}
    }
}

/// The `serial` of a raw state, if the text is one.
pub fn state_serial(state: &super::Source) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct Head {
        serial: Option<u64>,
    }
    state.parse_as::<Head>()?.serial
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(j: serde_json::Value) -> AttrValue<'static> {
        AttrValue::from_json(j)
    }

    #[test]
    fn unknown_and_unset_values_come_from_the_state() {
        let mut declared = v(serde_json::json!({"cidr_block": "10.0.0.0/16", "tags": {"Name": "a"}}));
        if let AttrValue::Map(m) = &mut declared {
            m.push(("vpc_id".into(), AttrValue::Unknown));
        }
        let actual = v(serde_json::json!({
            "id": "sg-1", "vpc_id": "vpc-9", "cidr_block": "10.9.0.0/16", "tags": {"Name": "b", "Env": "prod"}
        }));
        fill(&mut declared, actual);
        assert_eq!(declared.get("id").and_then(AttrValue::as_str), Some("sg-1"));
        assert_eq!(declared.get("vpc_id").and_then(AttrValue::as_str), Some("vpc-9"));
        assert_eq!(declared.get("cidr_block").and_then(AttrValue::as_str), Some("10.0.0.0/16"), "the source decides");
        let tags = declared.get("tags").unwrap();
        assert_eq!(tags.get("Name").and_then(AttrValue::as_str), Some("a"));
        assert_eq!(tags.get("Env").and_then(AttrValue::as_str), Some("prod"));
    }

    #[test]
    fn a_list_the_source_could_not_decide_is_what_exists() {
        let mut declared = AttrValue::List(vec![AttrValue::Unknown]);
        fill(&mut declared, v(serde_json::json!(["a", "b"])));
        assert_eq!(declared, v(serde_json::json!(["a", "b"])));
        let mut known = v(serde_json::json!(["x"]));
        fill(&mut known, v(serde_json::json!(["a", "b"])));
        assert_eq!(known, v(serde_json::json!(["x"])));
    }
}
