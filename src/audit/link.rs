//! Links that cross stacks through lookups rather than values.
//!
//! In: the stacks (their backends, states and sources) and, once loaded, the model
//! of all of them. Out: for `terraform_remote_state`, each stack's outputs where
//! other stacks can find them (by backend settings, or for a local backend by the
//! state's path), taken from its state and, where the state lacks them, its source;
//! for data sources that look up a resource (`data "aws_vpc"` by id, name, tags or
//! filters), the values of the one resource in another stack that matches, so that
//! the data source is known for what it is. Literal ids, ARNs, ranges and host names
//! need nothing here: the graph joins them across inputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{Stack, StackFiles};
use crate::hash::FastMap;
use crate::input;
use crate::input::hcl::value::{EvalValue, Map};
use crate::input::hcl::{self, RemoteState};
use crate::model::address::Mode;
use crate::model::value::AttrValue;
use crate::model::{Model, Resource};

/// Every stack's outputs, reachable by its backend settings and state paths.
pub(crate) fn remote_state_producers(
    stacks: &[Stack],
    files: &[Result<StackFiles, crate::input::InputError>],
) -> std::sync::Arc<[RemoteState]> {
    let consumers = stacks.iter().any(|s| s.reads_remote_state);
    if !consumers {
        return std::sync::Arc::from(Vec::new());
    }
    let indexes: Vec<usize> = (0..stacks.len()).collect();
    let per_stack = crate::parallel::map(
        &indexes,
        |&i| files[i].as_ref().map(|f| producers_of(&stacks[i], f)).unwrap_or_default(),
        |_| {},
    );
    per_stack.into_iter().flatten().collect::<Vec<_>>().into()
}

/// Where other stacks can find one stack's outputs.
fn producers_of(stack: &Stack, files: &StackFiles) -> Vec<RemoteState> {
    // The state's outputs are what other stacks read; the source's only stand in
    // for a stack that has no state here.
    let mut outputs = Map::new();
    for state in &files.states {
        outputs.extend(state_outputs(state));
    }
    if outputs.is_empty()
        && let Some(dir) = &stack.source
        && let Ok(EvalValue::Map(m)) = hcl::root_outputs(dir, &hcl::Options::default())
    {
        outputs.extend(m);
    }
    let outputs = EvalValue::Map(outputs);
    let mut out = Vec::new();
    if let Some((backend, config)) = stack.source.as_deref().and_then(hcl::backend) {
        let config = match backend.as_str() {
            "local" => {
                let path = config.get("path").cloned().unwrap_or_else(|| "terraform.tfstate".into());
                let dir = stack.source.clone().unwrap_or_default();
                BTreeMap::from([("path".to_owned(), path_text(&dir.join(path)))])
            }
            _ => config.into_iter().filter(|(k, _)| LOCATION_KEYS.contains(&k.as_str())).collect(),
        };
        out.push(RemoteState { backend, config, outputs: outputs.clone() });
    }
    for (state, _) in &stack.states {
        let config = BTreeMap::from([("path".to_owned(), path_text(state))]);
        out.push(RemoteState { backend: "local".into(), config, outputs: outputs.clone() });
    }
    out
}

/// Backend settings that say where a state is (not how to reach it).
const LOCATION_KEYS: &[&str] = &[
    "bucket",
    "key",
    "prefix",
    "storage_account_name",
    "container_name",
    "organization",
    "workspaces",
    "path",
    "address",
];

fn path_text(p: &std::path::Path) -> String {
    super::discover::normalize(p).display().to_string()
}

/// The root outputs of a raw or `show -json` state, read without the rest of it.
fn state_outputs(state: &input::Source) -> Map {
    type Outputs = std::collections::BTreeMap<String, Output>;
    #[derive(serde::Deserialize)]
    struct Output {
        value: Option<serde_json::Value>,
        #[serde(default)]
        sensitive: bool,
    }
    #[derive(serde::Deserialize)]
    struct Outer {
        outputs: Option<Outputs>,
    }
    #[derive(serde::Deserialize)]
    struct Doc {
        /// A raw state v4.
        outputs: Option<Outputs>,
        /// `terraform show -json`.
        values: Option<Outer>,
        /// A raw state v3: the root module's.
        modules: Option<Vec<Outer>>,
    }
    let Some(doc) = state.parse_as::<Doc>() else { return Map::new() };
    let outputs = doc
        .outputs
        .or_else(|| doc.values.and_then(|v| v.outputs))
        .or_else(|| doc.modules.and_then(|m| m.into_iter().next()).and_then(|m| m.outputs));
    outputs
        .into_iter()
        .flatten()
        .map(|(k, o)| (k, o.value.map_or_else(EvalValue::unknown, EvalValue::from_json).marked(o.sensitive)))
        .collect()
}

/// What a Terragrunt unit's `dependency` blocks read: each producing unit's
/// outputs, from its state when the audit has one, else from its source (worked
/// out once per unit, when a dependency first asks).
pub(crate) struct UnitOutputs {
    /// Units with state: their outputs, by directory (absolute, normalised).
    states: FastMap<PathBuf, EvalValue>,
    /// Units without: their source's outputs, once worked out.
    sources: Mutex<FastMap<PathBuf, Option<EvalValue>>>,
}

impl UnitOutputs {
    pub(crate) fn new(stacks: &[Stack], files: &[Result<StackFiles, crate::input::InputError>]) -> UnitOutputs {
        let mut states = FastMap::default();
        for (stack, files) in stacks.iter().zip(files) {
            let Ok(files) = files else { continue };
            if stack.terragrunt.is_none() || files.states.is_empty() {
                continue;
            }
            let mut outputs = Map::new();
            for state in &files.states {
                outputs.extend(state_outputs(state));
            }
            states.insert(unit_key(&stack.dir), EvalValue::Map(outputs));
        }
        UnitOutputs { states, sources: Mutex::default() }
    }

    /// The outputs of the unit at `dir`, when they can be read.
    pub(crate) fn outputs(&self, dir: &Path) -> Option<EvalValue> {
        let key = unit_key(dir);
        if let Some(v) = self.states.get(&key) {
            return Some(v.clone());
        }
        if let Some(v) = self.sources.lock().ok()?.get(&key) {
            return v.clone();
        }
        // Worked out without the lock: units may read each other's.
        let v = hcl::terragrunt::source_outputs(dir);
        self.sources.lock().ok()?.insert(key, v.clone());
        v
    }
}

/// A unit's directory as dependencies name it: absolute and normalised.
pub(crate) fn unit_key(dir: &Path) -> PathBuf {
    let abs = if dir.is_absolute() { dir.to_owned() } else { std::env::current_dir().unwrap_or_default().join(dir) };
    super::discover::normalize(&abs)
}

/// Gives each reference through a Terragrunt dependency the input of the
/// producing unit, so that the graph finds the resource it names there.
pub(crate) fn dependencies(model: &mut Model<'_>, stacks: &[Stack], stack_of: &[usize]) {
    let mut input_of: FastMap<PathBuf, usize> = FastMap::default();
    for (input, &s) in stack_of.iter().enumerate() {
        input_of.entry(unit_key(&stacks[s].dir)).or_insert(input);
    }
    for r in &mut model.resources {
        for reference in &mut r.references {
            if let Some(through) = &reference.through
                && through.input.is_none()
            {
                let input = input_of.get(&through.unit).copied();
                reference.through = Some(std::sync::Arc::new(crate::model::Through { input, ..(**through).clone() }));
            }
        }
    }
}

/// Gives each data source that looks up a resource of another stack that
/// resource's values, when exactly one matches.
pub(crate) fn data_sources(model: &mut Model<'_>, stack_of: &[usize]) {
    // Managed resources by type: a lookup compares only with its own type.
    let mut managed: FastMap<&str, Vec<usize>> = FastMap::default();
    for (j, r) in model.resources.iter().enumerate() {
        if r.address.mode == Mode::Managed {
            managed.entry(r.address.kind.as_str()).or_default().push(j);
        }
    }
    let mut fills: Vec<(usize, usize)> = Vec::new();
    let mut warnings = Vec::new();
    for (i, d) in model.resources.iter().enumerate() {
        if d.address.mode != Mode::Data {
            continue;
        }
        let criteria = criteria(&d.values);
        if criteria.is_empty() {
            continue;
        }
        let candidates = managed.get(d.address.kind.as_str()).map_or(&[][..], Vec::as_slice);
        // A lookup its own stack can answer reads its own stack (a module that
        // either makes a network or reads the one it would have made).
        let own = candidates.iter().any(|&j| {
            let r = &model.resources[j];
            stack_of[r.input] == stack_of[d.input] && criteria.iter().all(|c| c.holds(r))
        });
        if own {
            continue;
        }
        let matches: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&j| {
                let r = &model.resources[j];
                stack_of[r.input] != stack_of[d.input] && criteria.iter().all(|c| c.holds(r))
            })
            .collect();
        match matches.as_slice() {
            [one] => fills.push((i, *one)),
            [] => {}
            many => {
                let names: Vec<String> = many.iter().take(3).map(|&j| model.resources[j].address.to_string()).collect();
                warnings.push(crate::model::Warning::about(
                    d.input,
                    format!(
                        "{} matches {} resources of other stacks ({}, ...); it is left unresolved",
                        d.address,
                        many.len(),
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    model.warnings.extend(warnings);
    for &(i, j) in &fills {
        let found = model.resources[j].values.clone();
        let note = format!(
            "{}: {} finds {} of stack {}",
            model.inputs[model.resources[i].input].label(),
            model.resources[i].address,
            model.resources[j].address,
            model.inputs[model.resources[j].input].label()
        );
        crate::input::merge::fill(&mut model.resources[i].values, found);
        model.notes.push(note);
    }
    known_through(model, &fills);
}

/// Now that the data sources `fills` found are known, the values their readers
/// could not know are: a reader's attribute that is unknown and reads a data
/// source's attribute takes its value, so the reader links to the resource itself
/// by that value. One pass over the resources, whatever the number of lookups.
fn known_through(model: &mut Model<'_>, fills: &[(usize, usize)]) {
    let filled: FastMap<(usize, &crate::model::address::Address), usize> =
        fills.iter().map(|&(d, _)| ((model.resources[d].input, &model.resources[d].address), d)).collect();
    let mut updates: Vec<(usize, Vec<crate::model::value::OwnedStep>, AttrValue<'static>)> = Vec::new();
    for (i, r) in model.resources.iter().enumerate() {
        for reference in r.references.iter().filter(|x| x.through.is_none()) {
            let Some(&d) = filled.get(&(r.input, &reference.target)) else { continue };
            let Some(attr) = &reference.target_attribute else { continue };
            let Some(value) = model.resources[d].values.get(attr).and_then(AttrValue::as_str) else { continue };
            updates.push((i, reference.attribute.to_vec(), AttrValue::String(value.to_owned().into())));
        }
    }
    for (i, path, value) in updates {
        let Some(slot) = at_mut(&mut model.resources[i].values, &path) else { continue };
        match slot {
            AttrValue::Unknown => *slot = value,
            AttrValue::List(items) if items.len() == 1 && items[0] == AttrValue::Unknown => items[0] = value,
            _ => {}
        }
    }
}

fn at_mut<'v, 'a>(v: &'v mut AttrValue<'a>, path: &[crate::model::value::OwnedStep]) -> Option<&'v mut AttrValue<'a>> {
    use crate::model::value::OwnedStep;
    let Some((first, rest)) = path.split_first() else { return Some(v) };
    let next = match (first, v) {
        (OwnedStep::Key(k), AttrValue::Map(entries)) => {
            entries.iter_mut().rev().find(|(ek, _)| **ek == **k).map(|(_, x)| x)?
        }
        (OwnedStep::Index(i), AttrValue::List(items)) => items.get_mut(*i)?,
        _ => return None,
    };
    at_mut(next, rest)
}

/// One thing a data source asks of the resource it looks up.
enum Criterion {
    /// An attribute equals a value.
    Equals(String, String),
    /// A tag has one of these values.
    Tag(String, Vec<String>),
}

impl Criterion {
    fn holds(&self, r: &Resource<'_>) -> bool {
        match self {
            Criterion::Equals(attr, want) => r.values.get(attr).and_then(AttrValue::as_str) == Some(want.as_str()),
            Criterion::Tag(key, wants) => ["tags_all", "tags", "labels"].iter().any(|t| {
                r.values
                    .get(t)
                    .and_then(|m| m.get(key))
                    .and_then(AttrValue::as_str)
                    .is_some_and(|v| wants.iter().any(|w| w == v))
            }),
        }
    }
}

/// What a data source's known arguments ask: `id`, `name`, `cidr_block`-like
/// attributes, `tags`, and `filter { name = "tag:Environment" values = [...] }`.
fn criteria(values: &AttrValue<'_>) -> Vec<Criterion> {
    let mut out = Vec::new();
    let AttrValue::Map(entries) = values else { return out };
    for (key, v) in entries {
        match (&**key, v) {
            ("tags", AttrValue::Map(tags)) => {
                for (k, tv) in tags {
                    if let Some(s) = tv.as_str() {
                        out.push(Criterion::Tag(k.to_string(), vec![s.to_owned()]));
                    }
                }
            }
            ("filter", AttrValue::List(filters)) => {
                for f in filters {
                    let Some(name) = f.get("name").and_then(AttrValue::as_str) else { continue };
                    let values: Vec<String> = match f.get("values") {
                        Some(AttrValue::List(items)) => {
                            items.iter().filter_map(AttrValue::as_str).map(str::to_owned).collect()
                        }
                        _ => continue,
                    };
                    match name.strip_prefix("tag:") {
                        Some(tag) => out.push(Criterion::Tag(tag.to_owned(), values)),
                        None if values.len() == 1 => {
                            let attr = match name {
                                "cidr" | "cidr-block" => "cidr_block".to_owned(),
                                "group-name" => "name".to_owned(),
                                other => other.replace('-', "_"),
                            };
                            out.push(Criterion::Equals(attr, values[0].clone()));
                        }
                        None => {}
                    }
                }
            }
            ("id" | "name" | "cidr_block" | "vpc_id" | "arn" | "identifier" | "db_instance_identifier", v) => {
                if let Some(s) = v.as_str() {
                    // `data "aws_db_instance"` asks by the identifier the resource calls `identifier`.
                    let attr = if key == "db_instance_identifier" { "identifier" } else { &**key };
                    out.push(Criterion::Equals(attr.to_owned(), s.to_owned()));
                }
            }
            _ => {}
        }
    }
    out
}
