//! Following a plan's `configuration` references to the resource instances they name.
//!
//! In: the plan's `configuration` tree (module calls, outputs, resource expressions
//! with their `references`) and the set of resource and module instances that exist
//! in the same plan. Out: for each resource instance, the instances its attributes
//! reference, each with its [`Derivation`]. This is how a value that is unknown at
//! plan time (a security group id that does not exist yet) is still traced to the
//! resource it will come from: through module outputs and input variables, resolved
//! in the referencing resource's own module instance, with count/for_each instances
//! paired by key where the expression indexes by `each.key` or `count.index`.
//! Locals are not in plan JSON (Terraform leaves them out), so a reference through a
//! local ends here.

use super::raw::RawConfigModule;
use crate::hash::FastMap;
use crate::model::Derivation;
use crate::model::address::{Address, Key, Mode, ModuleStep, Traversal, write_module_path};
use crate::model::value::{AttrValue, InputStr, OwnedStep};

/// One module of the configuration, with its expressions reduced to references.
#[derive(Default)]
pub(crate) struct ConfigModule<'c> {
    resources: FastMap<(Mode, &'c str, &'c str), ConfigResource>,
    outputs: FastMap<&'c str, Vec<Traversal>>,
    calls: FastMap<&'c str, ModuleCall<'c>>,
}

struct ConfigResource {
    /// Attribute path → the references of its expression.
    attributes: Vec<(Vec<OwnedStep>, Vec<Traversal>)>,
    for_each: Vec<Traversal>,
}

struct ModuleCall<'c> {
    inputs: FastMap<&'c str, Vec<Traversal>>,
    for_each: Vec<Traversal>,
    module: ConfigModule<'c>,
}

impl<'c> ConfigModule<'c> {
    pub(crate) fn from_raw(raw: &'c RawConfigModule<'_>) -> Self {
        let mut module = ConfigModule::default();
        for r in &raw.resources {
            let mode = if r.mode.as_deref() == Some("data") { Mode::Data } else { Mode::Managed };
            let mut attributes = Vec::new();
            if let Some(AttrValue::Map(entries)) = &r.expressions {
                for (k, v) in entries {
                    collect_expressions(v, &mut vec![OwnedStep::Key(k.as_ref().into())], &mut attributes);
                }
            }
            let for_each = r.for_each_expression.as_ref().map(expression_references).unwrap_or_default();
            module.resources.insert((mode, &*r.kind, &*r.name), ConfigResource { attributes, for_each });
        }
        for (name, output) in &raw.outputs {
            let refs = output.expression.as_ref().map(expression_references).unwrap_or_default();
            module.outputs.insert(name, refs);
        }
        for (name, call) in &raw.module_calls {
            let mut inputs = FastMap::default();
            if let Some(AttrValue::Map(entries)) = &call.expressions {
                for (k, v) in entries {
                    inputs.insert(&**k, expression_references(v));
                }
            }
            let for_each = call.for_each_expression.as_ref().map(expression_references).unwrap_or_default();
            let module_cfg = call.module.as_ref().map(ConfigModule::from_raw).unwrap_or_default();
            module.calls.insert(name, ModuleCall { inputs, for_each, module: module_cfg });
        }
        module
    }

    /// `module.path.mode.type.name` (module names without keys) → provider config key.
    pub(crate) fn provider_keys(root: Option<&RawConfigModule<'_>>) -> FastMap<String, String> {
        fn walk(m: &RawConfigModule<'_>, prefix: &str, out: &mut FastMap<String, String>) {
            for r in &m.resources {
                if let Some(key) = &r.provider_config_key {
                    let mode = if r.mode.as_deref() == Some("data") { "data" } else { "managed" };
                    out.insert(format!("{prefix}{mode}.{}.{}", &*r.kind, &*r.name), key.to_string());
                }
            }
            for (name, call) in &m.module_calls {
                if let Some(child) = &call.module {
                    walk(child, &format!("{prefix}{}.", &**name), out);
                }
            }
        }
        let mut out = FastMap::default();
        if let Some(root) = root {
            walk(root, "", &mut out);
        }
        out
    }

    fn at(&self, path: &[ModuleStep]) -> Option<&ConfigModule<'c>> {
        let mut cur = self;
        for step in path {
            cur = &cur.calls.get(step.name.as_str())?.module;
        }
        Some(cur)
    }
}

fn is_expression(entries: &[(InputStr<'_>, AttrValue<'_>)]) -> bool {
    entries.iter().any(|(k, _)| k == "references" || k == "constant_value")
}

/// Walks block-expressions: an expression object, a nested block (an object of
/// expressions) or a list of blocks.
fn collect_expressions(v: &AttrValue<'_>, path: &mut Vec<OwnedStep>, out: &mut Vec<(Vec<OwnedStep>, Vec<Traversal>)>) {
    match v {
        AttrValue::Map(entries) if is_expression(entries) => {
            let refs = expression_references(v);
            if !refs.is_empty() {
                out.push((path.clone(), refs));
            }
        }
        AttrValue::Map(entries) => {
            for (k, child) in entries {
                path.push(OwnedStep::Key(k.as_ref().into()));
                collect_expressions(child, path, out);
                path.pop();
            }
        }
        AttrValue::List(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(OwnedStep::Index(i));
                collect_expressions(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The references of one expression object, keeping only the most specific form of
/// each (Terraform lists every prefix: `a.b[0].id`, `a.b[0]`, `a.b`).
fn expression_references(v: &AttrValue<'_>) -> Vec<Traversal> {
    let Some(AttrValue::List(items)) = v.get("references") else { return Vec::new() };
    let parsed: Vec<Traversal> =
        items.iter().filter_map(AttrValue::as_str).filter_map(|s| Traversal::parse(s).ok()).collect();
    let mut kept: Vec<Traversal> = Vec::with_capacity(parsed.len());
    for (i, t) in parsed.iter().enumerate() {
        let is_prefix_of_other =
            parsed.iter().enumerate().any(|(j, o)| i != j && o.0.len() > t.0.len() && o.0.starts_with(&t.0));
        if !is_prefix_of_other && !kept.contains(t) {
            kept.push(t.clone());
        }
    }
    kept
}

/// A resolved reference target.
pub(crate) struct Target {
    pub address: Address,
    pub attribute: Option<String>,
    pub derivation: Derivation,
}

/// What resolving an expression found: targets, and the locals it passed through
/// (which plan JSON does not describe, so they end the trail).
#[derive(Default)]
pub(crate) struct Found {
    targets: Vec<Target>,
    locals: Vec<String>,
    /// A module was referenced without naming an output (Terraform drops the
    /// output name from `module.x[each.key].out`), so every output was followed.
    every_output: bool,
}

/// The references of one resource instance.
#[derive(Default)]
pub(crate) struct ResourceReferences {
    /// (attribute path, target).
    pub targets: Vec<(Vec<OwnedStep>, Target)>,
    /// Attributes whose expression found no resource because it goes through a
    /// local, with the locals named.
    pub through_locals: Vec<(Vec<OwnedStep>, Vec<String>)>,
}

/// The instances that exist in one plan, for resolving references against.
pub(crate) struct Instances {
    /// `module path|mode|type|name` → instance keys.
    resources: FastMap<String, Vec<Option<Key>>>,
    /// `module path|call` → module instance keys.
    modules: FastMap<String, Vec<Option<Key>>>,
}

fn resource_key(module: &[ModuleStep], mode: Mode, kind: &str, name: &str) -> String {
    let mut s = String::new();
    let _ = write_module_path(&mut s, module);
    s.push('|');
    s.push_str(mode.as_str());
    s.push('|');
    s.push_str(kind);
    s.push('|');
    s.push_str(name);
    s
}

fn module_key(parent: &[ModuleStep], call: &str) -> String {
    let mut s = String::new();
    let _ = write_module_path(&mut s, parent);
    s.push('|');
    s.push_str(call);
    s
}

impl Instances {
    pub(crate) fn new<'x>(addresses: impl Iterator<Item = &'x Address>) -> Self {
        let mut resources: FastMap<String, Vec<Option<Key>>> = FastMap::default();
        let mut modules: FastMap<String, Vec<Option<Key>>> = FastMap::default();
        for a in addresses {
            let keys = resources.entry(resource_key(&a.module, a.mode, &a.kind, &a.name)).or_default();
            if !keys.contains(&a.key) {
                keys.push(a.key.clone());
            }
            for depth in 0..a.module.len() {
                let step = &a.module[depth];
                let keys = modules.entry(module_key(&a.module[..depth], &step.name)).or_default();
                if !keys.contains(&step.key) {
                    keys.push(step.key.clone());
                }
            }
        }
        Instances { resources, modules }
    }
}

/// Where an expression is evaluated.
struct Scope<'s, 'c> {
    module: Vec<ModuleStep>,
    config: &'s ConfigModule<'c>,
    /// The count index or for_each key of the object the expression belongs to.
    each_key: Option<Key>,
    /// That object's for_each references, for `each.value`.
    for_each: &'s [Traversal],
}

const MAX_DEPTH: usize = 64;

/// Resolves references against one plan's configuration and instances.
pub(crate) struct Resolver<'s, 'c> {
    pub root: &'s ConfigModule<'c>,
    pub instances: &'s Instances,
}

impl<'s, 'c> Resolver<'s, 'c> {
    /// Every attribute reference of the resource instance at `address`, as
    /// (attribute path, target).
    pub(crate) fn resource_references(&self, address: &Address) -> ResourceReferences {
        let mut out = ResourceReferences::default();
        let Some(config) = self.root.at(&address.module) else { return out };
        let Some(resource) = config.resources.get(&(address.mode, address.kind.as_str(), address.name.as_str())) else {
            return out;
        };
        let scope = Scope {
            module: address.module.to_vec(),
            config,
            each_key: address.key.clone(),
            for_each: &resource.for_each,
        };
        for (path, refs) in &resource.attributes {
            let mut found = Found::default();
            self.expression(refs, &scope, 0, Derivation::ConfigReference, &mut found);
            if found.targets.is_empty() && !found.locals.is_empty() {
                out.through_locals.push((path.clone(), found.locals));
                continue;
            }
            if found.every_output {
                narrow_to_attribute(path, &mut found.targets);
            }
            for t in found.targets {
                if t.address == *address {
                    continue;
                }
                let same = |(p, o): &&mut (Vec<OwnedStep>, Target)| p == path && o.address == t.address;
                match out.targets.iter_mut().find(same) {
                    Some((_, existing)) => existing.derivation = existing.derivation.min(t.derivation),
                    None => out.targets.push((path.clone(), t)),
                }
            }
        }
        out
    }

    fn expression(
        &self,
        refs: &[Traversal],
        scope: &Scope<'_, 'c>,
        depth: usize,
        derivation: Derivation,
        out: &mut Found,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let pairs = refs.iter().any(|t| matches!(t.root(), "each" | "count"));
        for t in refs {
            self.reference(t, pairs, scope, depth, derivation, out);
        }
    }

    fn reference(
        &self,
        t: &Traversal,
        pairs: bool,
        scope: &Scope<'_, 'c>,
        depth: usize,
        derivation: Derivation,
        out: &mut Found,
    ) {
        match t.root() {
            "var" => self.variable(t, scope, depth, derivation, out),
            "module" => self.module_output(t, pairs, scope, depth, derivation, out),
            "each" if t.attr(1) == Some("value") && !scope.for_each.is_empty() => {
                // `each.value` is an element of the for_each collection: the instance
                // of whatever it iterates over that has the same key.
                for r in scope.for_each {
                    self.reference(r, true, scope, depth + 1, derivation, out);
                }
            }
            "local" => out.locals.push(t.to_string()),
            "each" | "count" | "path" | "terraform" | "self" => {}
            "data" => self.resource(Mode::Data, t, 1, pairs, scope, derivation, out),
            // `resource.TYPE.NAME`: the long form of `TYPE.NAME`.
            "resource" => self.resource(Mode::Managed, t, 1, pairs, scope, derivation, out),
            _ => self.resource(Mode::Managed, t, 0, pairs, scope, derivation, out),
        }
    }

    fn variable(&self, t: &Traversal, scope: &Scope<'_, 'c>, depth: usize, derivation: Derivation, out: &mut Found) {
        let (Some(name), Some((call, parent))) = (t.attr(1), scope.module.split_last()) else {
            return; // a root variable holds a value, not a resource
        };
        let Some(parent_config) = self.root.at(parent) else { return };
        let Some(module_call) = parent_config.calls.get(call.name.as_str()) else { return };
        let Some(refs) = module_call.inputs.get(name) else { return };
        let parent_scope = Scope {
            module: parent.to_vec(),
            config: parent_config,
            each_key: call.key.clone(),
            for_each: &module_call.for_each,
        };
        self.expression(refs, &parent_scope, depth + 1, derivation, out);
    }

    fn module_output(
        &self,
        t: &Traversal,
        pairs: bool,
        scope: &Scope<'_, 'c>,
        depth: usize,
        derivation: Derivation,
        out: &mut Found,
    ) {
        let Some(call_name) = t.attr(1) else { return };
        let Some(call) = scope.config.calls.get(call_name) else { return };
        let (key, output_at) = match t.key(2) {
            Some(k) => (Some(k), 3),
            None => (None, 2),
        };
        let output = t.attr(output_at);
        let keys = self.instances.modules.get(&module_key(&scope.module, call_name));
        let (chosen, how) = choose(key, keys.map_or(&[][..], Vec::as_slice), pairs, scope.each_key.as_ref());
        for k in chosen {
            let mut module = scope.module.clone();
            module.push(ModuleStep { name: call_name.into(), key: k });
            let child = Scope { module, config: &call.module, each_key: None, for_each: &[] };
            let d = derivation.max(how);
            match output {
                Some(o) => {
                    if let Some(refs) = call.module.outputs.get(o) {
                        self.expression(refs, &child, depth + 1, d, out);
                    }
                }
                None => {
                    out.every_output = true;
                    let mut names: Vec<&&str> = call.module.outputs.keys().collect();
                    names.sort();
                    for o in names {
                        self.expression(&call.module.outputs[*o], &child, depth + 1, d, out);
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn resource(
        &self,
        mode: Mode,
        t: &Traversal,
        at: usize,
        pairs: bool,
        scope: &Scope<'_, 'c>,
        derivation: Derivation,
        out: &mut Found,
    ) {
        let (Some(kind), Some(name)) = (t.attr(at), t.attr(at + 1)) else { return };
        let (key, attr_at) = match t.key(at + 2) {
            Some(k) => (Some(k), at + 3),
            None => (None, at + 2),
        };
        let attribute = t.attr(attr_at).map(str::to_owned);
        let Some(keys) = self.instances.resources.get(&resource_key(&scope.module, mode, kind, name)) else { return };
        let (chosen, how) = choose(key, keys, pairs, scope.each_key.as_ref());
        for k in chosen {
            out.targets.push(Target {
                address: Address {
                    module: scope.module.as_slice().into(),
                    mode,
                    kind: kind.into(),
                    name: name.into(),
                    key: k,
                },
                attribute: attribute.clone(),
                derivation: derivation.max(how),
            });
        }
    }
}

/// When every output of a module had to be followed, keep the targets whose type
/// fits the attribute (`referenced_security_group_id` → `*_security_group`,
/// `subnet_ids` → `*_subnet`), if any does.
fn narrow_to_attribute(path: &[OwnedStep], targets: &mut Vec<Target>) {
    let Some(OwnedStep::Key(key)) = path.iter().rev().find(|s| matches!(s, OwnedStep::Key(_))) else { return };
    let hint = ["_ids", "_id", "_arns", "_arn", "_names", "_name", "s"]
        .iter()
        .find_map(|suffix| key.strip_suffix(suffix))
        .unwrap_or(key);
    let fits = |t: &Target| t.address.kind.split_once('_').is_some_and(|(_, name)| hint.ends_with(name));
    if targets.iter().any(fits) {
        targets.retain(fits);
    }
}

/// Picks the instances a reference names: the explicit key; the only instance; the
/// instance with the referencing object's own key when the expression indexes by
/// `each.key`/`count.index`; otherwise all of them (splats, for-expressions).
fn choose(
    key: Option<&Key>,
    keys: &[Option<Key>],
    pairs: bool,
    each_key: Option<&Key>,
) -> (Vec<Option<Key>>, Derivation) {
    if let Some(k) = key {
        let found = keys.iter().any(|x| x.as_ref() == Some(k));
        return (if found { vec![Some(k.clone())] } else { Vec::new() }, Derivation::ConfigReference);
    }
    if let (true, Some(own)) = (pairs, each_key)
        && (keys.len() > 1 || keys.first().is_some_and(Option::is_some))
        && keys.iter().any(|x| x.as_ref() == Some(own))
    {
        return (vec![Some(own.clone())], Derivation::InferredKey);
    }
    (keys.to_vec(), Derivation::ConfigReference)
}
