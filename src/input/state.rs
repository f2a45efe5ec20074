//! Lowering state into the model: `terraform show -json` of a state, and raw
//! `terraform.tfstate` files (v4, and the v3 layout of Terraform 0.11 and earlier).
//!
//! In: the parsed document. Out: one [`Resource`] per instance, every value known
//! (state has no unknowns), sensitive paths marked, `dependencies` kept as
//! resource-level links. Legacy flatmap attributes (`"ingress.#": "1"`) are unflattened
//! into the same nested shape newer formats use.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use smol_str::SmolStr;

use super::InputError;
use super::raw::{RawDoc, RawV3Module, RawV4Resource};
use crate::hash::FastSet;
use crate::model::address::{Address, Mode, ModuleStep, parse_module_path};
use crate::model::value::{AttrValue, InputStr};
use crate::model::{Action, Input, InputId, InputKind, Model, Resource};

pub(crate) fn lower_show<'a>(
    path: &Path,
    _id: InputId,
    doc: RawDoc<'a>,
    model: &mut Model<'a>,
) -> Result<(), InputError> {
    let mut resources = doc.values.unwrap_or_default();
    // A resource written twice is read once, as it first is. Hashes first, so
    // that the usual file, without any, costs no copy of its addresses.
    let state = crate::hash::Hasher::default();
    let mut hashes = crate::hash::FastSet::default();
    if !resources.iter().all(|r| hashes.insert(std::hash::BuildHasher::hash_one(&state, &r.address))) {
        let mut seen = crate::hash::FastSet::default();
        resources.retain(|r| seen.insert(r.address.clone()));
    }
    if model.resources.is_empty() {
        model.resources = resources;
    } else {
        model.resources.extend(resources);
    }
    model.inputs.push(input(path, InputKind::ShowState, doc.terraform_version));
    Ok(())
}

pub(crate) fn lower_raw<'a>(
    path: &Path,
    id: InputId,
    kind: InputKind,
    doc: RawDoc<'a>,
    model: &mut Model<'a>,
) -> Result<(), InputError> {
    let resources = doc.resources.unwrap_or_default();
    if model.resources.is_empty() {
        model.resources = resources;
    } else {
        model.resources.extend(resources);
    }
    for (i, m) in doc.modules.into_iter().flatten().enumerate() {
        lower_v3_module(path, id, i, m, &mut model.resources)?;
    }
    model.inputs.push(input(path, kind, doc.terraform_version));
    Ok(())
}

fn input<'a>(path: &Path, kind: InputKind, terraform_version: Option<String>) -> Input<'a> {
    Input {
        path: path.to_owned(),
        place: PathBuf::new(),
        kind,
        terraform_version,
        variables: Vec::new(),
        providers: Vec::new(),
        name: None,
        workspace: None,
        labels: Vec::new(),
    }
}

fn invalid(path: &Path, pointer: String, message: String) -> InputError {
    InputError::Invalid { path: path.to_owned(), pointer, message }
}

pub(crate) fn lower_v4_resource<'a>(
    path: &Path,
    id: InputId,
    i: usize,
    r: RawV4Resource<'_>,
    out: &mut Vec<Resource<'a>>,
) -> Result<(), InputError> {
    let module_text = r.module.as_deref().unwrap_or("");
    let module = parse_module_path(module_text).map_err(|e| {
        invalid(
            path,
            format!("resources[{i}].module"),
            format!("`{module_text}` is not a module address ({})", e.message),
        )
    })?;
    let mode = if r.mode.as_deref() == Some("data") { Mode::Data } else { Mode::Managed };
    let provider = r.provider.as_deref().map(provider_source);
    let module: Arc<[ModuleStep]> = module.into();
    let (kind, name) = (SmolStr::from(&*r.kind), SmolStr::from(&*r.name));
    for (j, instance) in r.instances.into_iter().enumerate() {
        if instance.deposed.is_some() {
            continue;
        }
        let mut values = match (instance.attributes, instance.attributes_flat) {
            (Some(v), _) => super::attribute_values(path, || format!("resources[{i}].instances[{j}].attributes"), v)?,
            (None, Some(flat)) => unflatten(flat.iter().map(|(k, v)| (&**k, &**v))),
            (None, None) => AttrValue::Null,
        };
        if let Some(AttrValue::List(paths)) = &instance.sensitive_attributes {
            for p in paths {
                mark_sensitive_path(&mut values, p);
            }
        }
        let depends_on =
            instance.dependencies.iter().chain(&instance.depends_on).filter_map(|d| Address::parse(d).ok()).collect();
        out.push(Resource {
            input: id,
            address: Address {
                module: Arc::clone(&module),
                mode,
                kind: kind.clone(),
                name: name.clone(),
                key: instance.index_key,
            },
            provider: provider.clone(),
            values,
            action: Action::Existing,
            references: Vec::new(),
            depends_on,
            provider_config: None,
            location: None,
        });
    }
    Ok(())
}

/// `provider["registry.terraform.io/hashicorp/aws"].alias` → the source address.
fn provider_source(text: &str) -> SmolStr {
    match (text.find("[\""), text.rfind("\"]")) {
        (Some(start), Some(end)) if end > start + 2 => crate::model::shared(&text[start + 2..end]),
        _ => crate::model::shared(text),
    }
}

/// Marks one `sensitive_attributes` path (`[{"type":"get_attr","value":"password"}]`).
fn mark_sensitive_path(values: &mut AttrValue<'_>, path: &AttrValue<'_>) {
    let AttrValue::List(steps) = path else { return };
    let mut cur = values;
    for step in steps {
        let next = match (step.get("type").and_then(AttrValue::as_str), step.get("value"), cur) {
            (Some("get_attr"), Some(AttrValue::String(name)), AttrValue::Map(entries)) => {
                entries.iter_mut().find(|(k, _)| k == name).map(|(_, v)| v)
            }
            (Some("index"), Some(key), AttrValue::List(items)) => {
                let i = key.get("value").and_then(|v| match v {
                    AttrValue::Int(i) => usize::try_from(*i).ok(),
                    _ => None,
                });
                i.and_then(|i| items.get_mut(i))
            }
            (Some("index"), Some(key), AttrValue::Map(entries)) => {
                let k = key.get("value").and_then(AttrValue::as_str);
                k.and_then(|k| entries.iter_mut().find(|(ek, _)| ek == k).map(|(_, v)| v))
            }
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if !matches!(cur, AttrValue::Sensitive(_)) {
        *cur = AttrValue::Sensitive(Box::new(std::mem::take(cur)));
    }
}

fn lower_v3_module<'a>(
    path: &Path,
    id: InputId,
    i: usize,
    m: RawV3Module<'a>,
    out: &mut Vec<Resource<'a>>,
) -> Result<(), InputError> {
    // `path` is ["root", "child", "grandchild"]; legacy modules had no count/for_each.
    let module: Arc<[ModuleStep]> =
        m.path.iter().skip(1).map(|name| ModuleStep { name: (&**name).into(), key: None }).collect();
    for (name, r) in m.resources {
        let pointer = || format!("modules[{i}].resources[\"{}\"]", &*name);
        let (mode, rest) = match name.strip_prefix("data.") {
            Some(rest) => (Mode::Data, rest),
            None => (Mode::Managed, &*name),
        };
        let mut parts = rest.split('.');
        let (Some(kind), Some(rname)) = (parts.next(), parts.next()) else {
            return Err(invalid(
                path,
                pointer(),
                format!("`{}` is not a legacy resource key (TYPE.NAME[.INDEX])", &*name),
            ));
        };
        let key = match parts.next() {
            None => None,
            Some(index) => Some(crate::model::address::Key::Int(
                index.parse().map_err(|_| invalid(path, pointer(), format!("`{index}` is not a count index")))?,
            )),
        };
        let kind = r.kind.as_deref().unwrap_or(kind).into();
        let values = r.primary.map_or(AttrValue::Null, |p| unflatten(p.attributes.iter().map(|(k, v)| (&**k, &**v))));
        let depends_on = r.depends_on.iter().filter_map(|d| legacy_dependency(&module, d)).collect();
        out.push(Resource {
            input: id,
            address: Address { module: Arc::clone(&module), mode, kind, name: rname.into(), key },
            provider: r.provider.as_deref().map(crate::model::shared),
            values,
            action: Action::Existing,
            references: Vec::new(),
            depends_on,
            provider_config: None,
            location: None,
        });
    }
    Ok(())
}

/// Legacy `depends_on` entries are module-relative (`aws_security_group.x`,
/// `data.aws_ami.y`, `aws_instance.web.*`).
fn legacy_dependency(module: &[ModuleStep], text: &str) -> Option<Address> {
    let text = text.trim_end_matches(".*");
    let (mode, rest) = match text.strip_prefix("data.") {
        Some(rest) => (Mode::Data, rest),
        None => (Mode::Managed, text),
    };
    let mut parts = rest.split('.');
    let (kind, name) = (parts.next()?, parts.next()?);
    if kind == "module" {
        return None;
    }
    Some(Address { module: module.into(), mode, kind: kind.into(), name: name.into(), key: None })
}

/// Rebuilds nested values from Terraform's legacy flatmap encoding:
/// `"tags.%"` counts a map, `"ingress.#"` a list or set whose elements are keyed by
/// index or by set hash.
pub(crate) fn unflatten<'k>(entries: impl Iterator<Item = (&'k str, &'k str)>) -> AttrValue<'static> {
    let flat: BTreeMap<&str, &str> = entries.collect();
    build(&flat, "")
}

fn build(flat: &BTreeMap<&str, &str>, prefix: &str) -> AttrValue<'static> {
    let mut entries: Vec<(InputStr<'static>, AttrValue<'static>)> = Vec::new();
    let mut seen: FastSet<&str> = FastSet::default();
    for key in flat.range(prefix..).map(|(k, _)| *k).take_while(|k| k.starts_with(prefix)) {
        let rest = &key[prefix.len()..];
        let seg = rest.split('.').next().unwrap_or(rest);
        if seg.is_empty() || !seen.insert(seg) {
            continue;
        }
        let value = child(flat, prefix, seg);
        entries.push((InputStr::Owned(seg.into()), value));
    }
    AttrValue::Map(entries)
}

fn child(flat: &BTreeMap<&str, &str>, prefix: &str, seg: &str) -> AttrValue<'static> {
    let base = format!("{prefix}{seg}");
    let inner = format!("{base}.");
    let under =
        || flat.range(inner.as_str()..).map(|(k, v)| (*k, *v)).take_while(|(k, _)| k.starts_with(inner.as_str()));
    if flat.contains_key(format!("{base}.#").as_str()) {
        let mut ids: Vec<&str> = Vec::new();
        for (k, _) in under() {
            let id = k[inner.len()..].split('.').next().unwrap_or("");
            if id != "#" && !id.is_empty() && !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids.sort_by_key(|id| id.parse::<u64>().unwrap_or(u64::MAX));
        let items = ids
            .into_iter()
            .map(|id| match flat.get(format!("{inner}{id}").as_str()) {
                Some(v) => AttrValue::String(InputStr::Owned((*v).into())),
                None => build(flat, &format!("{inner}{id}.")),
            })
            .collect();
        AttrValue::List(items)
    } else if flat.contains_key(format!("{base}.%").as_str()) {
        let entries = under()
            .filter(|(k, _)| &k[inner.len()..] != "%")
            .map(|(k, v)| (InputStr::Owned(k[inner.len()..].into()), AttrValue::String(InputStr::Owned(v.into()))))
            .collect();
        AttrValue::Map(entries)
    } else if let Some(v) = flat.get(base.as_str()) {
        AttrValue::String(InputStr::Owned((*v).into()))
    } else {
        build(flat, &inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::value::PathStep;

    #[test]
    fn unflattens_lists_sets_and_maps_with_dotted_keys() {
        let v = unflatten(
            [
                ("id", "sg-1"),
                ("ingress.#", "1"),
                ("ingress.2541437006.cidr_blocks.#", "2"),
                ("ingress.2541437006.cidr_blocks.0", "10.0.0.0/8"),
                ("ingress.2541437006.cidr_blocks.1", "10.1.0.0/16"),
                ("ingress.2541437006.from_port", "22"),
                ("tags.%", "2"),
                ("tags.kubernetes.io/cluster/x", "owned"),
                ("tags.Environment", "prod"),
            ]
            .into_iter(),
        );
        assert_eq!(v.get("id").and_then(AttrValue::as_str), Some("sg-1"));
        let cidr =
            v.at(&[PathStep::Key("ingress"), PathStep::Index(0), PathStep::Key("cidr_blocks"), PathStep::Index(1)]);
        assert_eq!(cidr.and_then(AttrValue::as_str), Some("10.1.0.0/16"));
        assert_eq!(
            v.at(&[PathStep::Key("tags"), PathStep::Key("kubernetes.io/cluster/x")]).and_then(AttrValue::as_str),
            Some("owned")
        );
        assert_eq!(
            v.at(&[PathStep::Key("tags"), PathStep::Key("Environment")]).and_then(AttrValue::as_str),
            Some("prod")
        );
    }

    #[test]
    fn provider_source_is_read_from_the_configuration_address() {
        assert_eq!(
            provider_source(r#"module.x.provider["registry.terraform.io/hashicorp/aws"].east"#),
            "registry.terraform.io/hashicorp/aws"
        );
        assert_eq!(provider_source("provider.aws"), "provider.aws");
    }
}
