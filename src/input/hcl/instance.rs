//! Module instances and what they declare: variables, locals, outputs, resources.
//!
//! In: the parsed [`Tree`] and the root's variable values. Out: through [`World`],
//! the value of any name an expression can read, each worked out once, on demand,
//! in whatever order expressions need them (the order Terraform's graph walk would
//! take), and every resource instance with its evaluated body. `count` and
//! `for_each` on resources and module calls expand into keyed instances when their
//! values are known.
//!
//! While an expression is evaluated, every resource instance it reads is recorded
//! in the innermost open "sink"; values that are cached (variables, locals, outputs)
//! keep the references their own evaluation made and hand them on to every reader,
//! so a reference through a local, a module output or an input variable still lands
//! on the resource it names.

use std::cell::RefCell;

use crate::vocab::paths::normalize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;

use super::eval::{Eval, EvalError};
use super::ir::{Block, Body, Expr, Kind, Op, OpKind};
use super::parse::{Tree, line_column};
use super::value::{EvalValue, Map, Origin, Origins};
use crate::hash::{FastMap, FastSet};
use crate::model::address::{Address, Key, Mode, ModuleStep};
use crate::model::value::{AttrValue, InputStr, OwnedStep};
use smol_str::SmolStr;

/// `(directory, file)` indexes of a file in the tree.
pub(crate) type FileId = (usize, usize);

/// What one module directory declares.
pub(crate) struct ModuleConfig<'t> {
    pub variables: FastMap<&'t str, (&'t Block, FileId)>,
    pub locals: FastMap<&'t str, (&'t Expr, FileId)>,
    pub outputs: FastMap<&'t str, (&'t Expr, FileId)>,
    pub resources: Vec<ResourceDecl<'t>>,
    pub resource_index: FastMap<(Mode, &'t str, &'t str), usize>,
    pub calls: Vec<(&'t str, &'t Block, FileId)>,
    pub providers: Vec<(&'t Block, FileId)>,
}

/// A `resource` or `data` block.
pub(crate) struct ResourceDecl<'t> {
    pub mode: Mode,
    pub kind: &'t str,
    pub name: &'t str,
    pub block: &'t Block,
    pub file: FileId,
}

impl<'t> ModuleConfig<'t> {
    /// What module directory `dir` declares; the first thing declared twice, as
    /// Terraform refuses it, in `fatal`.
    fn index(tree: &'t Tree, dir: usize, fatal: &mut Option<Fatal>) -> ModuleConfig<'t> {
        let mut c = ModuleConfig {
            variables: FastMap::default(),
            locals: FastMap::default(),
            outputs: FastMap::default(),
            resources: Vec::new(),
            resource_index: FastMap::default(),
            calls: Vec::new(),
            providers: Vec::new(),
        };
        let twice = |fatal: &mut Option<Fatal>, id: FileId, span: Option<Range<usize>>, what: String| {
            fatal.get_or_insert((id, span, format!("{what} is declared twice (Terraform refuses a duplicate)")));
        };
        for (fi, file) in tree.dirs[dir].files.iter().enumerate() {
            let id = (dir, fi);
            for block in file.body.blocks.iter() {
                let labels: Vec<&str> = block.labels.iter().map(|l| &**l).collect();
                let span = block.span.get();
                match (&*block.ident, labels.as_slice()) {
                    ("variable", [name]) => {
                        if let Some(t) = block.body.get_attribute("type")
                            && let Kind::String(quoted) = &t.value.kind
                        {
                            fatal.get_or_insert((
                                id,
                                t.value.span.get(),
                                format!(
                                    "variable `{name}`: the quoted type \"{quoted}\" is Terraform 0.11 syntax, which Terraform refuses since 0.15 (write `type = {quoted}(...)` or `type = string`)"
                                ),
                            ));
                        }
                        if c.variables.insert(name, (block, id)).is_some() {
                            twice(fatal, id, span, format!("variable `{name}`"));
                        }
                    }
                    ("locals", []) => {
                        for attr in block.body.attributes.iter() {
                            if c.locals.insert(&attr.key, (&attr.value, id)).is_some() {
                                twice(fatal, id, attr.value.span.get(), format!("local value `{}`", attr.key));
                            }
                        }
                    }
                    ("output", [name]) => {
                        let value = block.body.get_attribute("value");
                        if let Some(v) = value
                            && c.outputs.insert(name, (&v.value, id)).is_some()
                        {
                            twice(fatal, id, span, format!("output `{name}`"));
                        }
                    }
                    (kind @ ("resource" | "data"), [ty, name]) => {
                        // `tags { ... }` was how Terraform 0.11 wrote a map: since 0.12 it is
                        // an argument, and as a block Terraform refuses it.
                        if let Some(tags) = block.body.blocks.iter().find(|b| matches!(&*b.ident, "tags" | "labels")) {
                            fatal.get_or_insert((
                                id,
                                tags.span.get(),
                                format!(
                                    "{kind} `{ty}.{name}`: `{0} {{ ... }}` is Terraform 0.11 syntax; since Terraform 0.12 a map is written `{0} = {{ ... }}`",
                                    tags.ident
                                ),
                            ));
                        }
                        let mode = if kind == "data" { Mode::Data } else { Mode::Managed };
                        if c.resource_index.contains_key(&(mode, ty, name)) {
                            twice(fatal, id, span, format!("{kind} `{ty}.{name}`"));
                            continue;
                        }
                        c.resource_index.insert((mode, ty, name), c.resources.len());
                        c.resources.push(ResourceDecl { mode, kind: ty, name, block, file: id });
                    }
                    ("module", [name]) => {
                        if c.calls.iter().any(|(n, _, _)| n == name) {
                            twice(fatal, id, span, format!("module `{name}`"));
                            continue;
                        }
                        c.calls.push((name, block, id));
                    }
                    ("provider", [_]) => c.providers.push((block, id)),
                    _ => {}
                }
            }
        }
        c
    }
}

/// One module instance.
pub(crate) struct Instance {
    /// Its module path.
    pub path: Arc<[ModuleStep]>,
    /// Its directory, `None` when the module's source is not available.
    pub dir: Option<usize>,
    /// The calling instance, the call's index there, and this instance's key and
    /// `each.value`.
    pub parent: Option<(usize, usize, Option<Key>, EvalValue)>,
    /// Whether it may not exist: it, or a module instance above it, stands for a
    /// `count` or `for_each` known only after apply, which may make none.
    pub uncertain: bool,
}

/// The instances `count` or `for_each` expand to.
pub(crate) struct Expansion {
    /// Each instance's key (none without count/for_each) and `each.value`.
    pub keys: Vec<(Option<Key>, EvalValue)>,
}

/// A resource block of a module instance: its instances, and each one's address
/// and evaluated body, made once and found by the instance's position (not by a
/// hash of its key, cloned at every read).
pub(crate) struct ResourceInstances {
    /// Each instance's key (none without count/for_each) and `each.value`.
    pub keys: Vec<(Option<Key>, EvalValue)>,
    addresses: RefCell<Vec<Option<Arc<Address>>>>,
    bodies: RefCell<Vec<Option<Slot<Rc<EvaluatedBody>>>>>,
}

impl ResourceInstances {
    fn new(keys: Vec<(Option<Key>, EvalValue)>) -> ResourceInstances {
        // A reference to a block with no instances (`count = 0`) reads one unkeyed
        // instance, as if the block had no count.
        let slots = keys.len().max(1);
        ResourceInstances { keys, addresses: RefCell::new(vec![None; slots]), bodies: RefCell::new(vec![None; slots]) }
    }

    /// Instance `i`'s key and `each.value`.
    fn key(&self, i: usize) -> (Option<&Key>, &EvalValue) {
        static NULL: EvalValue = EvalValue::Null;
        self.keys.get(i).map_or((None, &NULL), |(k, each)| (k.as_ref(), each))
    }
}

/// A resource instance's evaluated body.
pub(crate) struct EvaluatedBody {
    /// The attributes and nested blocks set in configuration.
    pub value: EvalValue,
    /// Attribute path → the resource instances its expression read.
    pub references: Vec<(Arc<[OwnedStep]>, Vec<Origin>)>,
}

#[derive(Clone)]
enum Slot<T> {
    Busy,
    Done(T),
}

/// A named value (or the error evaluating it gave) and what it read.
type Cached = Rc<(Result<EvalValue, EvalError>, Vec<Origin>)>;

/// A module call's instances: each key with the module instance it made.
type CallInstances = Rc<Vec<(Option<Key>, usize)>>;

/// What makes the configuration invalid, and where.
pub(crate) type Fatal = (FileId, Option<Range<usize>>, String);

/// One warning for every `count`/`for_each` value known only after apply, and one
/// for every function not evaluated.
pub fn summary_warnings(expansions: &[String], functions: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let list = |items: &[String]| {
        let shown: Vec<&str> = items.iter().take(4).map(String::as_str).collect();
        let more = if items.len() > 4 { format!(" and {} more", items.len() - 4) } else { String::new() };
        format!("{}{more}", shown.join(", "))
    };
    if !expansions.is_empty() {
        out.push(format!(
            "{} count/for_each value(s) are not known before apply (they depend on a resource, a data source, or a value envwall could not work out); each is analysed as one instance that may not exist: {}",
            expansions.len(),
            list(expansions)
        ));
    }
    if !functions.is_empty() {
        out.push(format!(
            "envwall does not evaluate {} function(s); their results are treated as unknown: {}",
            functions.len(),
            list(functions)
        ));
    }
    out
}

/// What an evaluation read, each resource attribute once: a local read by every
/// local of a chain of locals would otherwise be recorded once per path to it.
#[derive(Default)]
struct Sink {
    list: Vec<Origin>,
    seen: crate::hash::FastSet<(usize, Option<SmolStr>)>,
}

impl Sink {
    fn add(&mut self, origin: Origin) {
        // Within one world an address is known by its pointer.
        if self.seen.insert((Arc::as_ptr(&origin.address) as usize, origin.attribute.clone())) {
            self.list.push(origin);
        }
    }
}

/// A variable, local or output, named by its declaration's key.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Named<'t> {
    Var(&'t str),
    Local(&'t str),
    Output(&'t str),
}

/// Everything evaluation can reach, with its caches.
pub(crate) struct World<'t> {
    pub tree: &'t Tree,
    pub configs: Vec<ModuleConfig<'t>>,
    pub instances: RefCell<Vec<Rc<Instance>>>,
    root_values: FastMap<String, RootValue>,
    workspace: String,
    named: RefCell<FastMap<(usize, Named<'t>), Slot<Cached>>>,
    /// Locals whose dependencies [`World::warm_locals`] is evaluating.
    warming: RefCell<crate::hash::FastSet<(usize, &'t str)>>,
    /// (module instance, resource block) → its instances; each read of an instance
    /// shares its address and body.
    resources: RefCell<FastMap<(usize, usize), Rc<ResourceInstances>>>,
    calls: RefCell<FastMap<(usize, usize), CallInstances>>,
    sinks: RefCell<Vec<Sink>>,
    pub warnings: RefCell<Vec<String>>,
    /// The first error that makes the configuration invalid (a cycle between locals).
    pub fatal: RefCell<Option<Fatal>>,
    unsupported: RefCell<Vec<String>>,
    /// Other stacks' states, for `terraform_remote_state`.
    pub remote_states: std::sync::Arc<[super::RemoteState]>,
    /// What `file`, `templatefile` and their kin may read.
    pub files: super::functions::files::FileAccess,
    /// The address of each module instance whose source was not read, made once.
    unread: RefCell<FastMap<usize, Arc<Address>>>,
    /// Above zero while evaluating what may not exist ([`Instance::uncertain`]):
    /// errors then give unknown values without a warning.
    quiet: std::cell::Cell<usize>,
    /// Resources and modules whose count or for_each is unknown before apply.
    unknown_expansions: RefCell<Vec<String>>,
    /// What the evaluation in progress may still spend.
    budget: std::cell::Cell<Budget>,
    /// What all evaluations together may still spend ([`MAX_TOTAL_STEPS`]), and
    /// whether running out has been said.
    total: std::cell::Cell<u64>,
    total_said: std::cell::Cell<bool>,
    /// The names and functions a language built on HCL adds (Terragrunt's
    /// `include`, `dependency`, `find_in_parent_folders`), when evaluating one.
    pub host: Option<&'t dyn Host>,
}

/// What a language built on HCL adds to Terraform's expressions: root names and
/// functions. Terraform's own come first only where the host has none of that
/// name.
pub(crate) trait Host {
    /// The value of the root name `name` (`include`), when the host has it.
    fn root(&self, name: &str) -> Option<EvalValue>;
    /// The result of the function `name`, when the host has it: `Err` says what
    /// is wrong with the arguments. Never called with unknown arguments.
    fn call(&self, name: &str, args: &[EvalValue]) -> Option<Result<EvalValue, String>>;
}

/// The most steps one evaluation may take: a local, an output, a variable, a
/// resource's body. A step is an element of a `for` expression or a `%{ for }`
/// directive, an element of a collection a function makes, or 64 bytes of a
/// string a template or a function makes. Terraform has no limit; three nested
/// `for` over `range(1000)` would take a billion. Past it, the expression that
/// ran out is unknown, with a warning, and the rest of that evaluation ends
/// quickly: every further step is refused.
pub(crate) const MAX_STEPS: u64 = 1_000_000; // "a million" in messages

/// The most steps the evaluation of one stack may take in all: a thousand
/// locals of a million steps each would take as long as one of a billion.
pub(crate) const MAX_TOTAL_STEPS: u64 = 20_000_000; // "20 million" in messages

/// What one evaluation may still spend ([`MAX_STEPS`]), and whether running out
/// has been said.
#[derive(Clone, Copy)]
struct Budget {
    steps: u64,
    said: bool,
}

impl Budget {
    const FULL: Budget = Budget { steps: MAX_STEPS, said: false };
}

/// A root variable's value given from outside, with where it came from.
pub(crate) enum RootValue {
    /// A value from a `.tfvars` file (named), or a Terragrunt unit's `inputs`.
    Value(EvalValue, String),
    /// A string from `--var` or `TF_VAR_*` (named), read by the variable's
    /// declared type.
    Raw(String, String),
}

impl<'t> World<'t> {
    pub fn new(tree: &'t Tree, root_values: FastMap<String, RootValue>, workspace: String) -> World<'t> {
        let mut fatal = None;
        let configs = (0..tree.dirs.len()).map(|d| ModuleConfig::index(tree, d, &mut fatal)).collect();
        let root = Instance { path: Arc::new([]), dir: Some(0), parent: None, uncertain: false };
        World {
            tree,
            configs,
            instances: RefCell::new(vec![Rc::new(root)]),
            root_values,
            workspace,
            named: RefCell::default(),
            warming: RefCell::default(),
            resources: RefCell::default(),
            calls: RefCell::default(),
            sinks: RefCell::default(),
            warnings: RefCell::default(),
            fatal: RefCell::new(fatal),
            unsupported: RefCell::default(),
            remote_states: std::sync::Arc::from(Vec::new()),
            files: super::functions::files::FileAccess::new(&tree.dirs[0].path),
            unread: RefCell::default(),
            quiet: std::cell::Cell::new(0),
            unknown_expansions: RefCell::default(),
            budget: std::cell::Cell::new(Budget::FULL),
            total: std::cell::Cell::new(MAX_TOTAL_STEPS),
            total_said: std::cell::Cell::new(false),
            host: None,
        }
    }

    fn instance(&self, i: usize) -> Rc<Instance> {
        Rc::clone(&self.instances.borrow()[i])
    }

    fn config(&self, instance: usize) -> Option<&ModuleConfig<'t>> {
        let dir = self.instances.borrow()[instance].dir;
        dir.map(|d| &self.configs[d])
    }

    /// Notes a function envwall does not evaluate (reported once, with the first place).
    pub fn unsupported_function(&self, name: &str, file: FileId, span: Option<Range<usize>>) {
        if self.unsupported.borrow().iter().any(|n| n.starts_with(&format!("`{name}`"))) {
            return;
        }
        let at = self.at(file, span.as_ref());
        self.unsupported.borrow_mut().push(format!("`{name}` ({at})"));
    }

    /// The warnings gathered per kind, one line each: unknown counts and for_each,
    /// functions not evaluated.
    /// What the summary warnings list: the `count`/`for_each` values known only
    /// after apply, and the functions not evaluated.
    pub fn summary_lists(&self) -> (Vec<String>, Vec<String>) {
        (self.unknown_expansions.borrow().clone(), self.unsupported.borrow().clone())
    }

    pub fn warn(&self, message: String) {
        self.warnings.borrow_mut().push(message);
    }

    /// `path:line:column` of a span.
    pub fn at(&self, file: FileId, span: Option<&Range<usize>>) -> String {
        let f = &self.tree.dirs[file.0].files[file.1];
        let (line, column) = line_column(&f.text, span.map_or(0, |s| s.start));
        format!("{}:{line}:{column}", f.path.display())
    }

    fn record(&self, origin: Origin) {
        if let Some(sink) = self.sinks.borrow_mut().last_mut() {
            sink.add(origin);
        }
    }

    /// Evaluates `f` with a fresh sink; returns its result and what it read, each
    /// once.
    /// Runs one evaluation (of a named value, a body): with its own budget, and
    /// what it reads gathered.
    fn collect<T>(&self, f: impl FnOnce() -> T) -> (T, Vec<Origin>) {
        self.sinks.borrow_mut().push(Sink::default());
        let outer = self.budget.replace(Budget::FULL);
        let out = f();
        self.budget.set(outer);
        let refs = self.sinks.borrow_mut().pop().unwrap_or_default().list;
        (out, refs)
    }

    /// Takes `n` steps from the evaluation's budget; `false` when it has run out,
    /// and the first time, a warning that `expr` is treated as unknown.
    pub fn spend(&self, n: u64, file: FileId, expr: &Expr) -> bool {
        let mut budget = self.budget.get();
        let total = self.total.get();
        if budget.steps >= n && total >= n {
            budget.steps -= n;
            self.budget.set(budget);
            self.total.set(total - n);
            return true;
        }
        if total >= n {
            let message = "evaluating it takes more than a million steps, envwall's limit for one value".to_owned();
            self.too_large(file, expr, message);
        } else if !self.total_said.replace(true) {
            let message = "the stack takes more than 20 million steps to evaluate, envwall's limit for one stack, so values evaluated after this one are unknown too".to_owned();
            self.too_large(file, expr, message);
        } else {
            self.budget.set(Budget { steps: 0, said: true });
        }
        false
    }

    /// Says (once per evaluation) that `expr` makes a value larger than envwall
    /// makes, which is treated as unknown; every further step is refused.
    pub fn too_large(&self, file: FileId, expr: &Expr, message: String) {
        let said = self.budget.get().said;
        self.budget.set(Budget { steps: 0, said: true });
        if !said {
            self.eval_warning(file, expr, &EvalError { message, span: None });
        }
    }

    fn evaluator<'e>(&'e self, instance: usize, file: FileId, base: &'e [(String, EvalValue)]) -> Eval<'e, 't> {
        Eval { world: self, instance, file, base, scope: Vec::new(), isolated: false, trying: 0 }
    }

    /// Evaluates an expression; an error becomes a warning and an unknown value.
    fn value_or_unknown(&self, instance: usize, file: FileId, scope: &[(String, EvalValue)], e: &Expr) -> EvalValue {
        let mut ev = self.evaluator(instance, file, scope);
        match ev.expr(e) {
            Ok(v) => v,
            Err(err) => {
                self.eval_warning(file, e, &err);
                EvalValue::unknown()
            }
        }
    }

    /// Sets the root variables' values given from outside, forgetting anything
    /// evaluated before.
    pub fn set_root_values(&mut self, values: FastMap<String, RootValue>) {
        self.root_values = values;
        self.named.get_mut().clear();
        self.resources.get_mut().clear();
    }

    /// Evaluates a setting outside any resource (tfvars, provider blocks).
    pub fn eval_setting(&self, instance: usize, file: FileId, e: &Expr) -> EvalValue {
        self.value_or_unknown(instance, file, &[], e)
    }

    /// Says that `expr` could not be evaluated: where the part that is wrong is,
    /// the expression as written, and why.
    fn eval_warning(&self, file: FileId, expr: &Expr, err: &EvalError) {
        if self.quiet.get() > 0 {
            return;
        }
        let at = self.at(file, err.span.as_ref().or(expr.span.get().as_ref()));
        let text = &self.tree.dirs[file.0].files[file.1].text;
        let quoted = expr.span.get().and_then(|s| text.get(s)).map(|t| {
            let first = t.lines().next().unwrap_or_default().trim();
            let cut: String = first.chars().take(80).collect();
            let more = cut.len() < first.len() || t.trim().contains('\n');
            format!("`{cut}{}`: ", if more { "…" } else { "" })
        });
        self.warn(format!("{at}: {}{}; the value is treated as unknown", quoted.unwrap_or_default(), err.message));
    }

    /// A cached named value, evaluated once; its references are handed to the reader.
    fn named(
        &self,
        instance: usize,
        key: Named<'t>,
        compute: impl FnOnce() -> Result<EvalValue, EvalError>,
    ) -> Result<EvalValue, EvalError> {
        let slot = self.named.borrow().get(&(instance, key)).cloned();
        let cached = match slot {
            Some(Slot::Done(c)) => c,
            Some(Slot::Busy) => {
                let what = match &key {
                    Named::Var(n) => format!("var.{n}"),
                    Named::Local(n) => format!("local.{n}"),
                    Named::Output(n) => format!("output {n}"),
                };
                return Err(EvalError { message: format!("`{what}` refers to itself (a cycle)"), span: None });
            }
            None => {
                self.named.borrow_mut().insert((instance, key), Slot::Busy);
                let c = Rc::new(self.collect(compute));
                self.named.borrow_mut().insert((instance, key), Slot::Done(Rc::clone(&c)));
                c
            }
        };
        let value = cached.0.clone()?;
        if let Some(sink) = self.sinks.borrow_mut().last_mut() {
            for origin in &cached.1 {
                sink.add(origin.clone());
            }
        }
        Ok(value)
    }

    /// Evaluates the locals that local `name` reads, and the ones they read,
    /// deepest first: then each reads values already made, and a chain of
    /// 100,000 locals is evaluated link after link, not link inside link (as
    /// deep as the thread's stack). What they read is not the reader's: a local
    /// named in a branch not taken is evaluated here but not recorded.
    fn warm_locals(&self, instance: usize, name: &'t str) {
        let Some(config) = self.config(instance) else { return };
        // A local being warmed, or evaluated, is not warmed again: in a cycle
        // its evaluation meets itself and says so.
        let done = |n: &'t str| {
            self.named.borrow().contains_key(&(instance, Named::Local(n)))
                || self.warming.borrow().contains(&(instance, n))
        };
        if done(name) {
            return;
        }
        let mut seen = FastSet::default();
        let mut order = Vec::new();
        let mut stack = vec![(name, false)];
        while let Some((n, expanded)) = stack.pop() {
            if expanded {
                order.push(n);
                continue;
            }
            let Some((&key, &(expr, _))) = config.locals.get_key_value(n) else { continue };
            if done(key) || !seen.insert(key) {
                continue;
            }
            stack.push((key, true));
            stack.extend(expr.locals_read().into_iter().map(|dep| (&**dep, false)));
        }
        // The last is `name` itself, for the caller.
        order.pop();
        if order.is_empty() {
            return;
        }
        self.warming.borrow_mut().insert((instance, name));
        let _ = self.collect(|| {
            for n in order {
                let _ = self.local(instance, n, None);
            }
        });
        self.warming.borrow_mut().remove(&(instance, name));
    }

    /// `local.name` in an instance.
    fn local(&self, instance: usize, name: &str, span: Option<Range<usize>>) -> Result<EvalValue, EvalError> {
        let Some((&key, &(expr, file))) = self.config(instance).and_then(|c| c.locals.get_key_value(name)) else {
            return Err(EvalError { message: format!("there is no local value `{name}`"), span });
        };
        self.warm_locals(instance, key);
        let result = self.named(instance, Named::Local(key), || self.evaluator(instance, file, &[]).expr(expr));
        match result {
            Err(e) if e.message.contains("a cycle") => {
                self.fatal.borrow_mut().get_or_insert((
                    file,
                    expr.span.get(),
                    format!("local.{name} is part of a cycle"),
                ));
                Err(e)
            }
            other => other,
        }
    }

    /// `var.name` in an instance.
    fn variable(&self, instance: usize, name: &str, span: Option<Range<usize>>) -> Result<EvalValue, EvalError> {
        let Some((&key, &(decl, file))) = self.config(instance).and_then(|c| c.variables.get_key_value(name)) else {
            return Err(EvalError { message: format!("there is no variable `{name}`"), span });
        };
        self.named(instance, Named::Var(key), || {
            let sensitive =
                decl.body.get_attribute("sensitive").is_some_and(|a| matches!(a.value.kind, Kind::Bool(true)));
            let inst = self.instance(instance);
            let given = match &inst.parent {
                None => self.root_value(name, decl, file),
                Some((parent, call, key, each)) => {
                    let (_, block, call_file) = self.config(*parent).expect("a parent has a config").calls[*call];
                    block.body.get_attribute(name).map(|a| {
                        let scope = instance_scope(key.as_ref(), each);
                        self.value_or_unknown(*parent, call_file, &scope, &a.value)
                    })
                }
            };
            let value = match given {
                Some(v) => v,
                None => match decl.body.get_attribute("default") {
                    Some(d) => self.value_or_unknown(instance, file, &[], &d.value),
                    // A required variable nobody set: Terraform would ask for it.
                    None => EvalValue::unknown(),
                },
            };
            Ok(value.marked(sensitive))
        })
    }

    /// The value given from outside for root variable `name`, checked against its
    /// declared type as Terraform checks it (a mismatch makes the configuration
    /// invalid).
    fn root_value(&self, name: &str, decl: &Block, file: FileId) -> Option<EvalValue> {
        let (value, from) = match self.root_values.get(name)? {
            RootValue::Value(v, from) => (v.clone(), from),
            RootValue::Raw(s, from) => (self.raw_root_value(s, decl, file), from),
        };
        if let Some(t) = decl.body.get_attribute("type")
            && let Err(why) = conforms(&t.value, &value)
        {
            let message = format!("variable `{name}`: the value from {from} does not fit its type: {why}");
            self.fatal.borrow_mut().get_or_insert((file, t.value.span.get(), message));
        }
        Some(value)
    }

    /// A `--var` or `TF_VAR_*` string, read as Terraform reads it: as it is for a
    /// string variable, else as an HCL expression.
    fn raw_root_value(&self, s: &str, decl: &Block, file: FileId) -> EvalValue {
        let is_string = match decl.body.get_attribute("type").map(|a| &a.value.kind) {
            Some(Kind::Variable(t)) => &**t == "string",
            Some(_) => false,
            None => true,
        };
        if is_string {
            return EvalValue::str(s);
        }
        match hcl_edit::parser::parse_expr(s) {
            Ok(e) => {
                let e = super::ir::Lowering::detached(&FastMap::default()).expr(&e);
                self.value_or_unknown(0, file, &[], &e)
            }
            Err(_) => EvalValue::str(s),
        }
    }

    /// The outputs of the stack a `terraform_remote_state` body names, when it is
    /// one of [`World::remote_states`]: same backend, and every setting that says
    /// where the producer's state is equal (a `local` path is read relative to the
    /// reading module).
    fn remote_outputs(&self, instance: usize, body: &Map) -> Option<EvalValue> {
        let backend = body.get("backend")?.unmarked().to_text()?.into_owned();
        let config = match body.get("config").map(EvalValue::unmarked) {
            Some(EvalValue::Map(m)) => m.clone(),
            _ => Map::new(),
        };
        let module_dir = self.instance(instance).dir.map(|d| self.tree.dirs[d].path.clone()).unwrap_or_default();
        let text = |k: &str| config.get(k).and_then(|v| v.unmarked().to_text()).map(|t| t.into_owned());
        let found = self.remote_states.iter().find(|r| {
            r.backend == backend
                && match backend.as_str() {
                    "local" => {
                        let path = text("path").unwrap_or_else(|| "terraform.tfstate".to_owned());
                        let path = std::path::Path::new(&path);
                        let full = if path.is_absolute() { path.to_owned() } else { module_dir.join(path) };
                        r.config.get("path").is_some_and(|p| std::path::Path::new(p) == normalize(&full))
                    }
                    _ => !r.config.is_empty() && r.config.iter().all(|(k, v)| text(k).as_deref() == Some(v.as_str())),
                }
        })?;
        Some(found.outputs.clone())
    }

    /// The root module's locals, by name.
    pub fn root_locals(&self) -> Map {
        let Some(config) = self.config(0) else { return Map::new() };
        let names: Vec<&str> = config.locals.keys().copied().collect();
        names.into_iter().map(|n| (n.to_owned(), self.local(0, n, None).unwrap_or(EvalValue::unknown()))).collect()
    }

    /// The root module's outputs.
    pub fn root_outputs(&self) -> EvalValue {
        let Some(config) = self.config(0) else { return EvalValue::Map(Map::new()) };
        let mut names: Vec<&str> = config.outputs.keys().copied().collect();
        names.sort_unstable();
        EvalValue::Map(
            names.into_iter().map(|n| (n.to_owned(), self.output(0, n).unwrap_or(EvalValue::unknown()))).collect(),
        )
    }

    /// The root module's variables and their values, by name.
    pub fn root_variables(&self) -> Vec<(InputStr<'static>, AttrValue<'static>)> {
        let Some(config) = self.config(0) else { return Vec::new() };
        let mut names: Vec<&str> = config.variables.keys().copied().collect();
        names.sort_unstable();
        names
            .into_iter()
            .map(|n| {
                let v = self.variable(0, n, None).unwrap_or(EvalValue::unknown());
                (InputStr::from(n.to_owned()), v.into_model())
            })
            .collect()
    }

    /// `module.name.output` in an instance.
    fn output(&self, instance: usize, name: &str) -> Result<EvalValue, EvalError> {
        if let Some(module) = self.unread_module(instance) {
            return Ok(self.unread_output(module, Some(name.into())));
        }
        let Some((&key, &(expr, file))) = self.config(instance).and_then(|c| c.outputs.get_key_value(name)) else {
            return Ok(EvalValue::unknown());
        };
        self.named(instance, Named::Output(key), || Ok(self.value_or_unknown(instance, file, &[], expr)))
    }

    /// The address that stands for module instance `instance` when its source
    /// was not read (`module.eks`, `module.net["a"]`): what it creates is unknown,
    /// but it is of this stack, so its outputs lead there.
    pub fn unread_module(&self, instance: usize) -> Option<Arc<Address>> {
        let inst = self.instance(instance);
        if inst.dir.is_some() {
            return None;
        }
        if let Some(found) = self.unread.borrow().get(&instance) {
            return Some(Arc::clone(found));
        }
        let (parent, call, key, _) = inst.parent.as_ref()?;
        let (name, _, _) = self.config(*parent)?.calls[*call];
        let module = inst.path.get(..inst.path.len().saturating_sub(1)).unwrap_or_default();
        let address = Arc::new(Address {
            module: Arc::from(module),
            mode: Mode::Managed,
            kind: "module".into(),
            name: name.into(),
            key: key.clone(),
        });
        self.unread.borrow_mut().insert(instance, Arc::clone(&address));
        Some(address)
    }

    /// An output of a module that was not read: unknown, from the module.
    fn unread_output(&self, module: Arc<Address>, output: Option<SmolStr>) -> EvalValue {
        let origin = Origin { address: module, attribute: output, through: None };
        self.record(origin.clone());
        EvalValue::Unknown(Origins::one(origin))
    }

    /// The instances of module call `call` in `instance`, created on first use.
    pub fn call_instances(&self, instance: usize, call: usize) -> CallInstances {
        if let Some(found) = self.calls.borrow().get(&(instance, call)) {
            return Rc::clone(found);
        }
        let config = self.config(instance).expect("calls exist only in modules with a config");
        let (name, block, file) = config.calls[call];
        let expansion = self.expand(instance, file, &block.body, &|| format!("module.{name}"));
        let parent = self.instance(instance);
        let mut call_key: Vec<&str> = parent.path.iter().map(|s| s.name.as_str()).collect();
        call_key.push(name);
        let dir = self.tree.calls.get(&call_key.join(".")).copied().flatten();
        let mut out = Vec::with_capacity(expansion.keys.len());
        let uncertain = parent.uncertain || expansion_unknown(&block.body, &expansion.keys);
        for (key, each) in &expansion.keys {
            let step = ModuleStep { name: name.into(), key: key.clone() };
            let path = parent.path.iter().cloned().chain([step]).collect();
            let parent_of = Some((instance, call, key.clone(), each.clone()));
            let child = Instance { path, dir, parent: parent_of, uncertain };
            let mut instances = self.instances.borrow_mut();
            instances.push(Rc::new(child));
            out.push((key.clone(), instances.len() - 1));
        }
        let out = Rc::new(out);
        self.calls.borrow_mut().insert((instance, call), Rc::clone(&out));
        out
    }

    /// The keys (and `each.value`s) a block's `count` or `for_each` expands to; one
    /// unkeyed instance without them. `what` names the block in a warning when they
    /// are known only after apply.
    fn expand(&self, instance: usize, file: FileId, body: &Body, what: &dyn Fn() -> String) -> Rc<Expansion> {
        Rc::new(Expansion { keys: self.expand_keys(instance, file, body, what) })
    }

    fn expand_keys(
        &self,
        instance: usize,
        file: FileId,
        body: &Body,
        what: &dyn Fn() -> String,
    ) -> Vec<(Option<Key>, EvalValue)> {
        if let Some(count) = body.get_attribute("count") {
            let v = self.value_or_unknown(instance, file, &[], &count.value);
            let invalid = |why: String| {
                let message = format!("invalid count for {}: {why}", what());
                self.fatal.borrow_mut().get_or_insert((file, count.value.span.get(), message));
                vec![(None, EvalValue::Null)]
            };
            let number = match v.unmarked() {
                EvalValue::Bool(_) => return invalid("a number is required, not a bool".to_owned()),
                EvalValue::Null => return invalid("it cannot be null".to_owned()),
                u @ EvalValue::Unknown(_) => u.to_number(),
                known => match known.to_number() {
                    Some(n) if n < 0.0 || n.fract() != 0.0 => {
                        return invalid(format!(
                            "it must be a whole number, zero or more, not {}",
                            super::value::Number::from_f64(n).map_or_else(|| n.to_string(), |n| n.to_string())
                        ));
                    }
                    None => return invalid(format!("a number is required, not {}", known.type_name())),
                    n => n,
                },
            };
            return match number {
                Some(n) if n <= 100_000.0 => (0..n as i64).map(|i| (Some(Key::Int(i)), EvalValue::Null)).collect(),
                _ => {
                    let at = self.at(file, count.value.span.get().as_ref());
                    self.unknown_expansions.borrow_mut().push(format!("{} (count, {at})", what()));
                    vec![(None, EvalValue::Null)]
                }
            };
        }
        if let Some(for_each) = body.get_attribute("for_each") {
            let v = self.value_or_unknown(instance, file, &[], &for_each.value);
            let keys: Option<Vec<(Option<Key>, EvalValue)>> = match v.unmarked() {
                EvalValue::Map(m) => Some(m.iter().map(|(k, v)| (Some(Key::Str(k.clone())), v.clone())).collect()),
                EvalValue::List(items) if items.iter().all(|i| i.to_text().is_some()) => {
                    let mut keys: Vec<String> =
                        items.iter().filter_map(|i| i.to_text().map(|t| t.into_owned())).collect();
                    keys.sort();
                    keys.dedup();
                    Some(
                        keys.into_iter()
                            .map(SmolStr::from)
                            .map(|k| (Some(Key::Str(k.clone())), EvalValue::String(k)))
                            .collect(),
                    )
                }
                _ => None,
            };
            return keys.unwrap_or_else(|| {
                let at = self.at(file, for_each.value.span.get().as_ref());
                self.unknown_expansions.borrow_mut().push(format!("{} (for_each, {at})", what()));
                vec![(None, EvalValue::Null)]
            });
        }
        vec![(None, EvalValue::Null)]
    }

    /// Resource block `r` of the module `instance` is an instance of. Resources
    /// are only ever named by index within a module whose source was read.
    fn decl(&self, instance: usize, r: usize) -> &ResourceDecl<'t> {
        &self.config(instance).expect("resources exist only in modules with a config").resources[r]
    }

    /// The instances of resource `r` in `instance`.
    pub fn resource_instances(&self, instance: usize, r: usize) -> Rc<ResourceInstances> {
        if let Some(found) = self.resources.borrow().get(&(instance, r)) {
            return Rc::clone(found);
        }
        let decl = self.decl(instance, r);
        let keys = self.expand_keys(instance, decl.file, &decl.block.body, &|| format!("{}.{}", decl.kind, decl.name));
        let instances = Rc::new(ResourceInstances::new(keys));
        self.resources.borrow_mut().insert((instance, r), Rc::clone(&instances));
        instances
    }

    /// The address of instance `i` of resource `r` (by its position in
    /// [`World::resource_instances`]).
    pub fn address(&self, instance: usize, r: usize, i: usize) -> Arc<Address> {
        let instances = self.resource_instances(instance, r);
        if let Some(Some(found)) = instances.addresses.borrow().get(i) {
            return Arc::clone(found);
        }
        let decl = self.decl(instance, r);
        let address = Arc::new(Address {
            module: Arc::clone(&self.instance(instance).path),
            mode: decl.mode,
            kind: decl.kind.into(),
            name: decl.name.into(),
            key: instances.key(i).0.cloned(),
        });
        if let Some(slot) = instances.addresses.borrow_mut().get_mut(i) {
            *slot = Some(Arc::clone(&address));
        }
        address
    }

    /// The body of instance `i` of resource `r`, evaluated once.
    pub fn body(&self, instance: usize, r: usize, i: usize) -> Option<Rc<EvaluatedBody>> {
        let instances = self.resource_instances(instance, r);
        match instances.bodies.borrow().get(i) {
            Some(Some(Slot::Done(b))) => return Some(Rc::clone(b)),
            Some(Some(Slot::Busy)) | None => return None,
            Some(None) => {}
        }
        instances.bodies.borrow_mut()[i] = Some(Slot::Busy);
        let (key, each) = instances.key(i);
        let decl = self.decl(instance, r);
        let scope = instance_scope(key, each);
        let mut references = Vec::new();
        let mut path = Vec::new();
        // An instance that may not exist (its count known only after apply) is read
        // for its links; what cannot be evaluated in it is no error, as Terraform
        // would not evaluate it at all if it makes none.
        let uncertain = self.instance(instance).uncertain || expansion_unknown(&decl.block.body, &instances.keys);
        self.quiet.set(self.quiet.get() + usize::from(uncertain));
        let value = self.eval_body(instance, decl.file, &scope, &decl.block.body, &mut path, &mut references, true);
        self.quiet.set(self.quiet.get() - usize::from(uncertain));
        let mut value = value;
        if decl.mode == Mode::Data
            && decl.kind == "terraform_remote_state"
            && let Some(outputs) = self.remote_outputs(instance, &value)
        {
            value.insert("outputs", outputs);
        }
        let body = Rc::new(EvaluatedBody { value: EvalValue::Map(value), references });
        instances.bodies.borrow_mut()[i] = Some(Slot::Done(Rc::clone(&body)));
        Some(body)
    }

    /// Evaluates a block body into an object; nested blocks become lists of objects
    /// (`dynamic` blocks expanded), meta-arguments are left out.
    #[allow(clippy::too_many_arguments)]
    fn eval_body(
        &self,
        instance: usize,
        file: FileId,
        scope: &[(String, EvalValue)],
        body: &Body,
        path: &mut Vec<OwnedStep>,
        references: &mut Vec<(Arc<[OwnedStep]>, Vec<Origin>)>,
        top: bool,
    ) -> Map {
        let mut out = Map::with_capacity(body.attributes.len() + body.blocks.len());
        for attr in body.attributes.iter() {
            let key = &*attr.key;
            if top && matches!(key, "count" | "for_each" | "provider" | "depends_on") {
                continue;
            }
            let (value, read) = self.collect(|| self.value_or_unknown(instance, file, scope, &attr.value));
            // Where the value is unknown, its unknowns say exactly which instances it
            // comes from; otherwise everything the expression read links it.
            let origins = if value.has_unknown() { value.origins() } else { None };
            let refs = match origins {
                Some(origins) if !origins.is_empty() => origins.iter().cloned().collect(),
                _ => read,
            };
            if !refs.is_empty() {
                let at = path.iter().cloned().chain([OwnedStep::Key(attr.key.clone())]).collect();
                references.push((at, refs));
            }
            out.insert(attr.key.clone(), value);
        }
        let mut blocks: BTreeMap<SmolStr, Vec<EvalValue>> = BTreeMap::new();
        for block in body.blocks.iter() {
            let ident = &*block.ident;
            if top && matches!(ident, "lifecycle" | "provisioner" | "connection" | "precondition" | "postcondition") {
                continue;
            }
            if ident == "dynamic" {
                self.dynamic_block(instance, file, scope, block, path, references, &mut blocks);
                continue;
            }
            let list = blocks.entry(block.ident.clone()).or_default();
            path.push(OwnedStep::Key(block.ident.clone()));
            path.push(OwnedStep::Index(list.len()));
            let inner = self.eval_body(instance, file, scope, &block.body, path, references, false);
            path.truncate(path.len() - 2);
            list.push(EvalValue::Map(inner));
        }
        for (k, v) in blocks {
            out.insert(k, EvalValue::List(v));
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn dynamic_block(
        &self,
        instance: usize,
        file: FileId,
        scope: &[(String, EvalValue)],
        block: &Block,
        path: &mut Vec<OwnedStep>,
        references: &mut Vec<(Arc<[OwnedStep]>, Vec<Origin>)>,
        blocks: &mut BTreeMap<SmolStr, Vec<EvalValue>>,
    ) {
        let Some(label) = block.labels.first().map(|l| &**l) else { return };
        let iterator = match block.body.get_attribute("iterator").map(|a| &a.value.kind) {
            Some(Kind::Variable(v)) => v.to_string(),
            _ => label.to_owned(),
        };
        let Some(content) = block.body.get_blocks("content").next() else { return };
        let Some(for_each) = block.body.get_attribute("for_each") else { return };
        let (collection, refs) = self.collect(|| self.value_or_unknown(instance, file, scope, &for_each.value));
        let items: Vec<(EvalValue, EvalValue)> = match collection.unmarked() {
            EvalValue::List(items) => items.iter().enumerate().map(|(i, v)| (EvalValue::int(i), v.clone())).collect(),
            EvalValue::Map(m) => m.iter().map(|(k, v)| (EvalValue::String(k.clone()), v.clone())).collect(),
            _ => {
                // Unknown until apply: one block stands for all, its values read from
                // an unknown iterator.
                vec![(EvalValue::unknown(), EvalValue::unknown())]
            }
        };
        let list = blocks.entry(label.into()).or_default();
        for (k, v) in items {
            let mut inner_scope = scope.to_vec();
            inner_scope.push((iterator.clone(), EvalValue::Map(Map::from([("key", k), ("value", v)]))));
            path.push(OwnedStep::Key(label.into()));
            path.push(OwnedStep::Index(list.len()));
            let first = references.len();
            let inner = self.eval_body(instance, file, &inner_scope, &content.body, path, references, false);
            // What the collection read flows into every attribute of the block.
            if !refs.is_empty() {
                for (_, r) in &mut references[first..] {
                    r.extend(refs.iter().cloned());
                }
                if references.len() == first {
                    references.push((path.as_slice().into(), refs.clone()));
                }
            }
            path.truncate(path.len() - 2);
            list.push(EvalValue::Map(inner));
        }
    }

    /// Resolves a traversal rooted at `name` when it names something only the world
    /// knows (`var`, `local`, `module`, `data`, a resource, `path`, `terraform`).
    /// `None` leaves it to the evaluator's scope.
    pub fn resolve_root(&self, ev: &mut Eval<'_, 't>, name: &str, ops: &[Op]) -> Result<Option<EvalValue>, EvalError> {
        if ev.bound(name).is_some() {
            return Ok(None);
        }
        let instance = ev.instance;
        let attr = |i: usize| ops.get(i).and_then(|o| Some((o.attr()?.as_str(), o.span.get())));
        if let Some(v) = self.host.and_then(|h| h.root(name)) {
            return ev.operators(v, ops).map(Some);
        }
        let value = match name {
            "var" | "local" => {
                let Some((n, span)) = attr(0) else { return Ok(None) };
                let v = if name == "var" { self.variable(instance, n, span)? } else { self.local(instance, n, span)? };
                ev.operators(v, &ops[1..])?
            }
            "module" => {
                let Some((n, _)) = attr(0) else { return Ok(None) };
                self.module_value(ev, n, &ops[1..])?
            }
            "data" => {
                let (Some((ty, _)), Some((n, _))) = (attr(0), attr(1)) else { return Ok(None) };
                match self.resource_value(ev, Mode::Data, ty, n, &ops[2..])? {
                    Some(v) => v,
                    None => EvalValue::unknown(),
                }
            }
            "path" => {
                let Some((n, _)) = attr(0) else { return Ok(None) };
                // As Terraform gives them: the module's directory relative to the
                // root module's, where Terraform runs (`path.cwd`, absolute).
                let inst = self.instance(instance);
                let v = match (n, inst.dir) {
                    ("module", Some(d)) => {
                        EvalValue::str(relative_to(&self.tree.dirs[d].path, &self.tree.dirs[0].path))
                    }
                    ("root", _) => EvalValue::str("."),
                    ("cwd", _) => EvalValue::str(self.files.cwd()),
                    _ => EvalValue::unknown(),
                };
                ev.operators(v, &ops[1..])?
            }
            "terraform" => match attr(0) {
                Some(("workspace", _)) => ev.operators(EvalValue::str(self.workspace.clone()), &ops[1..])?,
                _ => EvalValue::unknown(),
            },
            "each" | "count" | "self" => return Ok(Some(EvalValue::unknown())),
            // `resource.TYPE.NAME`: the long form of `TYPE.NAME`.
            "resource" => {
                let (Some((ty, _)), Some((n, _))) = (attr(0), attr(1)) else { return Ok(None) };
                match self.resource_value(ev, Mode::Managed, ty, n, &ops[2..])? {
                    Some(v) => v,
                    None => EvalValue::unknown(),
                }
            }
            resource_type => {
                let Some((n, _)) = attr(0) else { return Ok(None) };
                match self.resource_value(ev, Mode::Managed, resource_type, n, &ops[1..])? {
                    Some(v) => v,
                    None => return Ok(None),
                }
            }
        };
        Ok(Some(value))
    }

    fn module_value(&self, ev: &mut Eval<'_, 't>, name: &str, ops: &[Op]) -> Result<EvalValue, EvalError> {
        let instance = ev.instance;
        let Some(call) = self.config(instance).and_then(|c| c.calls.iter().position(|(n, _, _)| *n == name)) else {
            return Ok(EvalValue::unknown());
        };
        let instances = self.call_instances(instance, call);
        let keyed = instances.first().is_some_and(|(k, _)| k.is_some());
        let get_attr_at = |i: usize| ops.get(i).and_then(Op::attr);
        if !keyed {
            let Some(&(_, child)) = instances.first() else { return Ok(EvalValue::unknown()) };
            // A count or for_each unknown before apply leaves one instance: an index
            // (`module.project[0]`) names it.
            let (_, block, _) = self.config(instance).expect("a module with calls has a config").calls[call];
            let repeats = block.body.has_attribute("count") || block.body.has_attribute("for_each");
            let indexed = matches!(ops.first().map(|o| &o.kind), Some(OpKind::Index(_) | OpKind::LegacyIndex(_)));
            if repeats && !indexed {
                // How many there are is known only after apply: the whole is unknown.
                let all = self.outputs_of(child)?;
                return Ok(EvalValue::Unknown(all.all_origins()));
            }
            let ops = if indexed && repeats { &ops[1..] } else { ops };
            if let Some(out) = ops.first().and_then(Op::attr) {
                let v = self.output(child, out)?;
                return ev.operators(v, &ops[1..]);
            }
            let all = self.outputs_of(child)?;
            return ev.operators(all, ops);
        }
        if let Some(OpKind::Index(k)) = ops.first().map(|o| &o.kind) {
            let key = ev.expr(k)?;
            let found = instances.iter().find(|(ik, _)| key_matches(ik.as_ref(), key.unmarked()));
            if let Some(&(_, child)) = found {
                if let Some(out) = get_attr_at(1) {
                    let v = self.output(child, out)?;
                    return ev.operators(v, &ops[2..]);
                }
                let all = self.outputs_of(child)?;
                return ev.operators(all, &ops[1..]);
            }
        }
        let mut list = Vec::new();
        let mut map = Map::new();
        for (k, child) in instances.iter() {
            let all = self.outputs_of(*child)?;
            match k {
                Some(Key::Str(s)) => {
                    map.insert(s.clone(), all);
                }
                _ => list.push(all),
            }
        }
        let whole = if map.is_empty() { EvalValue::List(list) } else { EvalValue::Map(map) };
        ev.operators(whole, ops)
    }

    fn outputs_of(&self, instance: usize) -> Result<EvalValue, EvalError> {
        if let Some(module) = self.unread_module(instance) {
            return Ok(self.unread_output(module, None));
        }
        let Some(config) = self.config(instance) else { return Ok(EvalValue::unknown()) };
        let names: Vec<&str> = config.outputs.keys().copied().collect();
        let mut out = Map::new();
        for n in names {
            out.insert(n, self.output(instance, n)?);
        }
        Ok(EvalValue::Map(out))
    }

    /// A resource or data source read by a traversal: records which instances (and
    /// which attribute) were read, and returns the configured values, unknown
    /// where only the provider knows them.
    fn resource_value(
        &self,
        ev: &mut Eval<'_, 't>,
        mode: Mode,
        kind: &str,
        name: &str,
        ops: &[Op],
    ) -> Result<Option<EvalValue>, EvalError> {
        let instance = ev.instance;
        let Some(&r) = self.config(instance).and_then(|c| c.resource_index.get(&(mode, kind, name))) else {
            return Ok(None);
        };
        let expansion = self.resource_instances(instance, r);
        let instances = &expansion.keys;
        let keyed = instances.first().is_some_and(|(k, _)| k.is_some());
        let attr_at = |i: usize| ops.get(i).and_then(Op::attr).cloned();
        // One instance as the traversal reads it: with `attribute`, just that
        // attribute (unknown, from this instance, when only the provider knows it);
        // else the object of its configured values.
        let read = |i: usize, attribute: Option<SmolStr>| {
            let origin = Origin { address: self.address(instance, r, i), attribute, through: None };
            self.record(origin.clone());
            let body = self.body(instance, r, i);
            match (&origin.attribute, body) {
                (Some(a), Some(b)) => match b.value.unmarked() {
                    EvalValue::Map(m) => match m.get(a.as_str()) {
                        Some(v) if !v.is_null() => v.clone(),
                        _ => EvalValue::Unknown(Origins::one(origin)),
                    },
                    _ => EvalValue::Unknown(Origins::one(origin)),
                },
                (Some(_), None) => EvalValue::Unknown(Origins::one(origin)),
                (None, Some(b)) => as_read(&b.value),
                (None, None) => EvalValue::unknown(),
            }
        };
        // `read` with an attribute gives the attribute: the traversal goes on after it.
        let after_attr = |ops: &[Op]| usize::from(ops.first().and_then(Op::attr).is_some());
        if !keyed {
            // A count or for_each unknown before apply leaves one instance: an index
            // (`aws_subnet.this[0]`) names it; the whole collection is unknown (how
            // many there are is), from that instance.
            let indexed = matches!(ops.first().map(|o| &o.kind), Some(OpKind::Index(_) | OpKind::LegacyIndex(_)));
            let repeats = decl_repeats(self.decl(instance, r));
            if repeats && !indexed {
                let attribute = match ops.first().map(|o| &o.kind) {
                    Some(OpKind::AttrSplat | OpKind::FullSplat) => attr_at(1),
                    _ => None,
                };
                if instances.is_empty() {
                    // None at all (`count = 0`): an empty collection.
                    let empty = if self.decl(instance, r).block.body.has_attribute("for_each") {
                        EvalValue::Map(Map::new())
                    } else {
                        EvalValue::List(Vec::new())
                    };
                    return ev.resource_operators(empty, ops).map(Some);
                }
                let origin = Origin { address: self.address(instance, r, 0), attribute, through: None };
                self.record(origin.clone());
                return Ok(Some(EvalValue::Unknown(Origins::one(origin))));
            }
            let rest = if indexed && repeats { &ops[1..] } else { ops };
            let v = read(0, rest.first().and_then(Op::attr).cloned());
            return ev.resource_operators(v, &rest[after_attr(rest)..]).map(Some);
        }
        let index = match ops.first().map(|o| &o.kind) {
            Some(OpKind::Index(k)) => Some(ev.expr(k)?),
            Some(OpKind::LegacyIndex(n)) => Some(EvalValue::num(*n as f64)),
            _ => None,
        };
        if let Some(key) = &index
            && !key.is_unknown()
        {
            let Some(i) = instances.iter().position(|(ik, _)| key_matches(ik.as_ref(), key.unmarked())) else {
                let at = ev.world.at(ev.file, ops[0].span.get().as_ref());
                return Err(EvalError {
                    message: format!("{kind}.{name} has no instance {key} ({at})"),
                    span: ops[0].span.get(),
                });
            };
            let v = read(i, attr_at(1));
            return ev.resource_operators(v, &ops[1 + after_attr(&ops[1..])..]).map(Some);
        }
        // The whole collection (a splat, a for-expression, an unknown key).
        let attribute = match ops.first().map(|o| &o.kind) {
            Some(OpKind::AttrSplat | OpKind::FullSplat) => attr_at(1),
            _ => None,
        };
        let mut list = Vec::new();
        let mut map = Map::new();
        for (i, (k, _)) in instances.iter().enumerate() {
            // A splat reads one attribute of each: an object of just that one.
            let v = match &attribute {
                Some(a) => EvalValue::Map(Map::from([(a.clone(), read(i, attribute.clone()))])),
                None => read(i, None),
            };
            match k {
                Some(Key::Str(s)) => {
                    map.insert(s.clone(), v);
                }
                _ => list.push(v),
            }
        }
        if let Some(key) = index {
            let mut origins = key.all_origins();
            for i in 0..instances.len() {
                let address = self.address(instance, r, i);
                origins = origins.union(&Origins::one(Origin { address, attribute: attr_at(1), through: None }));
            }
            return Ok(Some(EvalValue::Unknown(origins)));
        }
        let whole = if map.is_empty() { EvalValue::List(list) } else { EvalValue::Map(map) };
        ev.resource_operators(whole, ops).map(Some)
    }
}

/// `path` relative to `base` (`modules/net`, `../shared/net`, `.`), lexically.
pub(crate) fn relative_to(path: &std::path::Path, base: &std::path::Path) -> String {
    let (path, base) = (normalize(path), normalize(base));
    fn parts(p: &std::path::Path) -> Vec<std::path::Component<'_>> {
        p.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
    }
    let (p, b) = (parts(&path), parts(&base));
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_owned(), b.len() - common).collect();
    parts.extend(p[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    if parts.is_empty() { ".".to_owned() } else { parts.join("/") }
}

/// Whether `v` fits the type constraint `t` (a variable's `type`), as Terraform
/// converts a value given for it: `Err` says why not. Unknown and null values fit.
fn conforms(t: &Expr, v: &EvalValue) -> Result<(), String> {
    let v = v.unmarked();
    if matches!(v, EvalValue::Unknown(_) | EvalValue::Null) {
        return Ok(());
    }
    let not = |what: &str| Err(format!("{what} is required, not {}", v.type_name()));
    match &t.kind {
        Kind::Variable(name) => match &**name {
            "any" => Ok(()),
            "string" if matches!(v, EvalValue::String(_) | EvalValue::Number(_) | EvalValue::Bool(_)) => Ok(()),
            "string" => not("a string"),
            "number" if v.to_number().is_some() => Ok(()),
            "number" => not("a number"),
            "bool" if v.to_bool().is_some() => Ok(()),
            "bool" => not("a bool"),
            _ => Ok(()),
        },
        Kind::Call(call) => {
            let element = call.args.first();
            match (&*call.name, v) {
                ("optional", _) => element.map_or(Ok(()), |e| conforms(e, v)),
                ("list" | "set", EvalValue::List(items)) => {
                    items.iter().try_for_each(|i| element.map_or(Ok(()), |e| conforms(e, i)))
                }
                ("tuple", EvalValue::List(items)) => match element.map(|e| &e.kind) {
                    Some(Kind::Array(types)) if types.len() == items.len() => {
                        types.iter().zip(items).try_for_each(|(t, i)| conforms(t, i))
                    }
                    Some(Kind::Array(types)) => {
                        Err(format!("{} elements are required, not {}", types.len(), items.len()))
                    }
                    _ => Ok(()),
                },
                ("map", EvalValue::Map(m)) => m.values().try_for_each(|i| element.map_or(Ok(()), |e| conforms(e, i))),
                ("object", EvalValue::Map(m)) => match element.map(|e| &e.kind) {
                    Some(Kind::Object(fields)) => fields.iter().try_for_each(|(k, t)| {
                        let key = match k {
                            super::ir::ObjectKey::Name(n) => n.as_str(),
                            super::ir::ObjectKey::Expr(_) => return Ok(()),
                        };
                        match m.get(key) {
                            Some(field) => conforms(t, field).map_err(|e| format!("attribute `{key}`: {e}")),
                            None if matches!(&t.kind, Kind::Call(c) if &*c.name == "optional") => Ok(()),
                            None => Err(format!("attribute `{key}` is required")),
                        }
                    }),
                    _ => Ok(()),
                },
                ("list" | "set" | "tuple", _) => not("a list"),
                ("map" | "object", _) => not("a map or object"),
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// Whether `keys` are what a block's `count` or `for_each` known only after apply
/// leaves: one unkeyed instance standing for all.
fn expansion_unknown(body: &Body, keys: &[(Option<Key>, EvalValue)]) -> bool {
    matches!(keys, [(None, _)]) && (body.has_attribute("count") || body.has_attribute("for_each"))
}

/// Whether a resource block has `count` or `for_each`.
fn decl_repeats(decl: &ResourceDecl<'_>) -> bool {
    decl.block.body.has_attribute("count") || decl.block.body.has_attribute("for_each")
}

/// A resource's configured values as another expression reads them: an argument
/// set to null is left for the provider to compute, so it is unknown, not null.
fn as_read(body: &EvalValue) -> EvalValue {
    match body {
        EvalValue::Map(m) => EvalValue::Map(
            m.iter().map(|(k, v)| (k.clone(), if v.is_null() { EvalValue::unknown() } else { v.clone() })).collect(),
        ),
        other => other.clone(),
    }
}

/// `each` and `count` for an instance key.
fn instance_scope(key: Option<&Key>, each: &EvalValue) -> Vec<(String, EvalValue)> {
    match key {
        Some(Key::Int(i)) => {
            vec![("count".into(), EvalValue::Map(Map::from([("index", EvalValue::int(*i))])))]
        }
        Some(Key::Str(k)) => {
            vec![(
                "each".into(),
                EvalValue::Map(Map::from([("key", EvalValue::String(k.clone())), ("value", each.clone())])),
            )]
        }
        None => Vec::new(),
    }
}

fn key_matches(key: Option<&Key>, v: &EvalValue) -> bool {
    match key {
        Some(Key::Int(i)) => v.to_number() == Some(*i as f64),
        Some(Key::Str(s)) => v.to_text().is_some_and(|t| t == s.as_str()),
        None => false,
    }
}
