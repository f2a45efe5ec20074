//! Lowering a plan (`terraform show -json PLANFILE`) into the model.
//!
//! In: the parsed plan document. Out: one [`Resource`] per instance, from
//! `resource_changes` first (after-apply values with `after_unknown` and
//! `after_sensitive` folded in; before values for objects the plan destroys), then
//! `prior_state` and `planned_values` for instances the changes do not list (data
//! sources read during planning). References come from `configuration`.
use std::path::{Path, PathBuf};

use serde_json::value::RawValue;

use super::InputError;
use super::config::{ConfigModule, Instances, Resolver};
use super::raw::{Pending, RawConfig, RawDoc, RawResourceChange, RawResourceValues};
use crate::hash::FastSet;
use crate::model::address::{Address, Key};
use crate::model::value::{AttrValue, OwnedStep, PathStep, write_path};
use crate::model::{Action, Input, InputId, InputKind, Model, ProviderConfig, Reference, Resource, Warning};

pub(crate) fn lower<'a>(path: &Path, id: InputId, doc: RawDoc<'a>, model: &mut Model<'a>) -> Result<(), InputError> {
    let first = model.resources.len();
    let RawDoc { changes, prior, planned, configuration, variables, terraform_version, .. } = doc;
    let sections = [("prior_state", prior), ("planned_values", planned)];
    let deposed = changes.as_ref().map_or(0, |c| c.deposed);
    let unlisted = pending_resources(path, id, sections, |a| changes.as_ref().is_some_and(|c| c.lists(a)))?;
    if let Some(changes) = changes {
        // Moved, not copied: the model of a large plan is mostly these.
        if model.resources.is_empty() {
            model.resources = changes.resources;
        } else {
            model.resources.extend(changes.resources);
        }
    }
    model.resources.extend(unlisted);
    if deposed > 0 {
        model.warnings.push(Warning::about(id, format!(
            "{}: skipped {deposed} deposed object(s) (left over from create_before_destroy; the plan destroys them)",
            path.display()
        )));
    }
    let mut providers = Vec::new();
    if let Some(configuration) = &configuration {
        providers = provider_configs(configuration);
        let keys = ConfigModule::provider_keys(configuration.root_module.as_ref());
        for resource in &mut model.resources[first..] {
            let key = keys.get(&config_key(&resource.address));
            resource.provider_config = key.and_then(|k| providers.iter().position(|p| p.key == *k));
        }
    }
    if let Some(root) = configuration.as_ref().and_then(|c| c.root_module.as_ref()) {
        let config = ConfigModule::from_raw(root);
        let instances = Instances::new(model.resources[first..].iter().map(|r| &r.address));
        let resolver = Resolver { root: &config, instances: &instances };
        let mut through_locals = Vec::new();
        for resource in &mut model.resources[first..] {
            let found = resolver.resource_references(&resource.address);
            resource.references = found
                .targets
                .into_iter()
                .map(|(attribute, t)| Reference {
                    attribute: attribute.into(),
                    target: t.address.into(),
                    target_attribute: t.attribute.map(Into::into),
                    derivation: t.derivation,
                    through: None,
                })
                .collect();
            for (attribute, locals) in found.through_locals {
                let steps: Vec<PathStep<'_>> = attribute.iter().map(OwnedStep::as_step).collect();
                if resource.values.at(&steps).is_some_and(AttrValue::contains_unknown) {
                    let mut name = format!("{}.", resource.address);
                    let _ = write_path(&mut name, &steps);
                    through_locals.push(format!("{name} ({})", locals.join(", ")));
                }
            }
        }
        if !through_locals.is_empty() {
            let shown = through_locals.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
            let more = through_locals.len().saturating_sub(5);
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            model.warnings.push(Warning::about(id, format!(
                "{}: {} value(s) unknown at plan time come through locals, which plan JSON leaves out, so their links are not followed: {shown}{more}",
                path.display(),
                through_locals.len()
            )));
        }
    }
    model.inputs.push(Input {
        path: path.to_owned(),
        place: PathBuf::new(),
        kind: InputKind::Plan,
        terraform_version,
        variables: variables.into_iter().flatten().map(|(k, v)| (k, v.value)).collect(),
        providers,
        name: None,
        workspace: None,
        labels: Vec::new(),
    });
    Ok(())
}

fn invalid(path: &Path, pointer: String, message: impl Into<String>) -> InputError {
    InputError::Invalid { path: path.to_owned(), pointer, message: message.into() }
}

fn parse_address(path: &Path, pointer: impl FnOnce() -> String, text: &str) -> Result<Address, InputError> {
    Address::parse(text)
        .map_err(|e| invalid(path, pointer(), format!("`{text}` is not a resource address ({})", e.message)))
}

/// Parses a raw JSON slice kept aside while reading, into a value of its own
/// (the slice is dropped after).
pub(crate) fn parse_raw<'a>(
    path: &Path,
    pointer: impl Fn() -> String,
    raw: Option<&RawValue>,
) -> Result<Option<AttrValue<'a>>, InputError> {
    use serde::de::DeserializeSeed as _;
    raw.map(|r| {
        // Every string the value's own: the slice is dropped after.
        let mut de = serde_json::Deserializer::from_str(r.get());
        crate::model::value::Owned.deserialize(&mut de).map_err(|e| invalid(path, pointer(), e.to_string()))
    })
    .transpose()
}

/// Lowers one `resource_changes` entry (the `i`th), right after it is read.
pub(crate) fn change_to_resource<'a>(
    path: &Path,
    id: InputId,
    i: usize,
    rc: RawResourceChange<'_>,
) -> Result<Resource<'a>, InputError> {
    let at = |field: &str| format!("resource_changes[{i}]{field}");
    let address = parse_address(path, || at(".address"), &rc.address)?;
    let action = Action::from_actions(&rc.change.actions).ok_or_else(|| {
        let actions: Vec<&str> = rc.change.actions.iter().map(|a| &**a).collect();
        invalid(path, at(".change.actions"), format!("unknown actions {actions:?}"))
    })?;
    let change = rc.change;
    let values = if action.exists_after() {
        let after = change.after.unwrap_or_default();
        let mut after = super::attribute_values(path, || at(".change.after"), after)?;
        after.annotate(change.after_unknown.as_ref(), change.after_sensitive.as_ref());
        after
    } else {
        let before = parse_raw(path, || at(".change.before"), change.before)?.unwrap_or_default();
        let mut before = super::attribute_values(path, || at(".change.before"), before)?;
        let sensitive = parse_raw(path, || at(".change.before_sensitive"), change.before_sensitive)?;
        before.annotate(None, sensitive.as_ref());
        before
    };
    Ok(Resource {
        input: id,
        address,
        provider: rc.provider_name.as_deref().map(crate::model::shared),
        values,
        action,
        references: Vec::new(),
        depends_on: Vec::new(),
        provider_config: None,
        location: None,
    })
}

/// The resources of `planned_values` and `prior_state` that the changes do not
/// list (a data source read while planning, a resource left out by `-target`),
/// each once: `prior_state`'s first.
fn pending_resources<'a>(
    path: &Path,
    id: InputId,
    sections: [(&'static str, Pending); 2],
    listed: impl Fn(&Address) -> bool,
) -> Result<Vec<Resource<'a>>, InputError> {
    let mut added: FastSet<Address> = FastSet::default();
    let mut out = Vec::new();
    for (section, pending) in sections {
        for kept in pending.resources {
            // Read once already, when it was kept.
            let r: RawResourceValues<'_> =
                serde_json::from_str(&kept.text).map_err(|e| invalid(path, section.to_owned(), e.to_string()))?;
            let resource = values_to_resource(path, id, section, &r, kept.module.as_deref())?;
            if listed(&resource.address) || !added.insert(resource.address.clone()) {
                continue;
            }
            out.push(resource);
        }
    }
    Ok(out)
}

/// Lowers one resource of a values section (`values`, `planned_values`,
/// `prior_state`): it exists, with the values given.
pub(crate) fn values_to_resource<'a>(
    path: &Path,
    id: InputId,
    section: &str,
    r: &RawResourceValues<'_>,
    module: Option<&str>,
) -> Result<Resource<'a>, InputError> {
    let address_text: &str = &r.address;
    let at = || format!("{section}: resource `{address_text}`");
    let mut address = parse_address(path, at, address_text)?;
    // Format 0.1 leaves the instance key and the module out of the address.
    if address.key.is_none()
        && let Some(index) = r.index
    {
        address.key = match serde_json::from_str::<serde_json::Value>(index.get()) {
            Ok(serde_json::Value::Number(n)) => n.as_i64().map(Key::Int),
            Ok(serde_json::Value::String(s)) => Some(Key::Str(s.into())),
            _ => None,
        };
    }
    if address.module.is_empty()
        && let Some(module) = module
    {
        address.module = crate::model::address::parse_module_path(module)
            .map(std::sync::Arc::from)
            .map_err(|e| invalid(path, at(), format!("`{module}` is not a module address: {}", e.message)))?;
    }
    let values = parse_raw(path, at, r.values)?.unwrap_or_default();
    let mut values = super::attribute_values(path, at, values)?;
    let sensitive = parse_raw(path, at, r.sensitive_values)?;
    values.annotate(None, sensitive.as_ref());
    let depends_on = r.depends_on.iter().filter_map(|d| Address::parse(d).ok()).collect();
    Ok(Resource {
        input: id,
        address,
        provider: r.provider_name.as_deref().map(crate::model::shared),
        values,
        action: Action::Existing,
        references: Vec::new(),
        depends_on,
        provider_config: None,
        location: None,
    })
}

/// Provider settings worth keeping: where resources live, never credentials.
pub(crate) const PROVIDER_SETTINGS: &[&str] = &[
    "region",
    "assume_role",
    "allowed_account_ids",
    "forbidden_account_ids",
    "default_tags",
    "profile",
    "project",
    "default_labels",
    "subscription_id",
    "tenant_id",
    "config_context",
    "host",
];

fn provider_configs<'a>(configuration: &RawConfig<'a>) -> Vec<ProviderConfig<'a>> {
    configuration
        .provider_config
        .iter()
        .map(|(key, p)| {
            let settings = match &p.expressions {
                Some(AttrValue::Map(entries)) => AttrValue::Map(
                    entries
                        .iter()
                        .filter(|(k, _)| PROVIDER_SETTINGS.contains(&&**k))
                        .map(|(k, v)| (k.clone(), expression_value(v)))
                        .collect(),
                ),
                _ => AttrValue::Null,
            };
            ProviderConfig {
                key: key.to_string(),
                name: p.name.as_deref().or(p.full_name.as_deref()).unwrap_or(key).to_owned(),
                alias: p.alias.as_deref().map(str::to_owned),
                settings,
            }
        })
        .collect()
}

/// A block-expressions tree as values: an expression's `constant_value`, or
/// unknown when it has references.
fn expression_value<'a>(v: &AttrValue<'a>) -> AttrValue<'a> {
    match v {
        AttrValue::Map(entries) if entries.iter().any(|(k, _)| k == "constant_value" || k == "references") => {
            v.get("constant_value").cloned().unwrap_or(AttrValue::Unknown)
        }
        AttrValue::Map(entries) => {
            AttrValue::Map(entries.iter().map(|(k, v)| (k.clone(), expression_value(v))).collect())
        }
        AttrValue::List(items) => AttrValue::List(items.iter().map(expression_value).collect()),
        other => other.clone(),
    }
}

/// The key of a resource's configuration block: its module path without instance
/// keys, mode, type and name.
fn config_key(address: &Address) -> String {
    let mut s = String::new();
    for step in address.module.iter() {
        s.push_str(&step.name);
        s.push('.');
    }
    s.push_str(address.mode.as_str());
    s.push('.');
    s.push_str(&address.kind);
    s.push('.');
    s.push_str(&address.name);
    s
}
