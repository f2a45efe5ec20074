//! Lowering a plan (`terraform show -json PLANFILE`) into the model.
//!
//! In: the parsed plan document. Out: one [`Resource`] per instance, from
//! `resource_changes` first (after-apply values with `after_unknown` and
//! `after_sensitive` folded in; before values for objects the plan destroys), then
//! `prior_state` and `planned_values` for instances the changes do not list (data
//! sources read during planning). References come from `configuration`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::value::RawValue;

use super::InputError;
use super::config::{ConfigModule, Instances, Resolver};
use super::raw::{RawConfig, RawDoc, RawModuleValues, RawResourceChange};
use crate::model::address::Address;
use crate::model::value::{OwnedStep, PathStep, Value, write_path};
use crate::model::{Action, Input, InputId, InputKind, Model, ProviderConfig, Reference, Resource, Warning};

pub(crate) fn lower<'a>(path: &Path, id: InputId, doc: RawDoc<'a>, model: &mut Model<'a>) -> Result<(), InputError> {
    let first = model.resources.len();
    let mut seen: HashSet<Cow<'a, str>> = HashSet::new();
    let mut deposed = 0usize;
    let RawDoc { resource_changes, prior_state, planned_values, configuration, variables, terraform_version, .. } = doc;
    for (i, rc) in resource_changes.into_iter().flatten().enumerate() {
        if rc.deposed.is_some() {
            deposed += 1;
            continue;
        }
        let resource = change_to_resource(path, id, i, rc, &mut seen)?;
        model.resources.push(resource);
    }
    let state_modules = prior_state.and_then(|s| s.values).and_then(|v| v.root_module);
    let planned_modules = planned_values.and_then(|v| v.root_module);
    for (section, module) in [("prior_state", state_modules), ("planned_values", planned_modules)] {
        if let Some(module) = module {
            add_values(path, id, section, module, &mut seen, &mut model.resources)?;
        }
    }
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
                })
                .collect();
            for (attribute, locals) in found.through_locals {
                let steps: Vec<PathStep<'_>> = attribute.iter().map(OwnedStep::as_step).collect();
                if resource.values.at(&steps).is_some_and(Value::contains_unknown) {
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
        terraform_version: terraform_version.map(|v| v.0.into_owned()),
        variables: variables.into_iter().flatten().map(|(k, v)| (k.0, v.value)).collect(),
        providers,
        name: None,
        workspace: None,
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

/// Parses a raw JSON slice kept aside during the first pass.
pub(crate) fn parse_raw<'a>(
    path: &Path,
    pointer: impl Fn() -> String,
    raw: Option<&'a RawValue>,
) -> Result<Option<Value<'a>>, InputError> {
    raw.map(|r| serde_json::from_str::<Value<'a>>(r.get()).map_err(|e| invalid(path, pointer(), e.to_string())))
        .transpose()
}

fn change_to_resource<'a>(
    path: &Path,
    id: InputId,
    i: usize,
    rc: RawResourceChange<'a>,
    seen: &mut HashSet<Cow<'a, str>>,
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
    seen.insert(rc.address.0);
    Ok(Resource {
        input: id,
        address,
        provider: rc.provider_name.map(|p| p.0),
        values,
        action,
        references: Vec::new(),
        depends_on: Vec::new(),
        provider_config: None,
        location: None,
    })
}

/// Adds the resources of a values representation that are not yet in the model.
pub(crate) fn add_values<'a>(
    path: &Path,
    id: InputId,
    section: &str,
    root: RawModuleValues<'a>,
    seen: &mut HashSet<Cow<'a, str>>,
    out: &mut Vec<Resource<'a>>,
) -> Result<(), InputError> {
    let mut stack = vec![root];
    while let Some(module) = stack.pop() {
        for r in module.resources {
            if r.deposed_key.is_some() {
                continue;
            }
            let address_text: &str = &r.address;
            if seen.contains(address_text) {
                continue;
            }
            let at = || format!("{section}: resource `{address_text}`");
            let address = parse_address(path, at, address_text)?;
            let values = parse_raw(path, at, r.values)?.unwrap_or_default();
            let mut values = super::attribute_values(path, at, values)?;
            let sensitive = parse_raw(path, at, r.sensitive_values)?;
            values.annotate(None, sensitive.as_ref());
            let depends_on = r.depends_on.iter().filter_map(|d| Address::parse(d).ok()).collect();
            seen.insert(r.address.0.clone());
            out.push(Resource {
                input: id,
                address,
                provider: r.provider_name.map(|p| p.0),
                values,
                action: Action::Existing,
                references: Vec::new(),
                depends_on,
                provider_config: None,
                location: None,
            });
        }
        stack.extend(module.child_modules.into_iter().rev());
    }
    Ok(())
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
                Some(Value::Map(entries)) => Value::Map(
                    entries
                        .iter()
                        .filter(|(k, _)| PROVIDER_SETTINGS.contains(&&**k))
                        .map(|(k, v)| (k.clone(), expression_value(v)))
                        .collect(),
                ),
                _ => Value::Null,
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
fn expression_value<'a>(v: &Value<'a>) -> Value<'a> {
    match v {
        Value::Map(entries) if entries.iter().any(|(k, _)| k == "constant_value" || k == "references") => {
            v.get("constant_value").cloned().unwrap_or(Value::Unknown)
        }
        Value::Map(entries) => Value::Map(entries.iter().map(|(k, v)| (k.clone(), expression_value(v))).collect()),
        Value::List(items) => Value::List(items.iter().map(expression_value).collect()),
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
