//! Terraform source → model: reading a root module without a plan.
//!
//! In: a directory of `.tf`/`.tf.json` files (or one such file), the variable
//! values given on the command line, in `.tfvars` files and in `TF_VAR_*`. Out: the
//! resource instances the configuration declares, in the same [`Model`] the plan
//! front-end fills: values known where the configuration decides them, unknown where
//! only the provider does (an id, an endpoint), and for each attribute the resource
//! instances its expression reads — through locals, module inputs and outputs,
//! `count`/`for_each` keys and `dynamic` blocks. Every resource keeps its location
//! and its `# envwall:ignore` comments.

mod eval;
pub mod functions;
mod instance;
mod ir;
pub mod map;
mod native;
pub mod number;
mod overrides;
mod parse;
pub mod terragrunt;
pub mod value;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use super::InputError;
use crate::hash::{FastMap, FastSet};
use crate::model::address::Address;
use crate::model::value::{AttrValue, InputStr};

use crate::model::{
    Action, Derivation, Input, InputKind, Model, ProviderConfig, Reference, Resource, SourceFile, SourceLocation,
    Warning,
};
pub use crate::vocab::paths::normalize;
use instance::{EvaluatedBody, FileId, RootValue, World};

use parse::{Tree, line_column};
use value::EvalValue;

/// What the command line says about the variables and workspace of source inputs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--var-file` paths, in order.
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, in order; later ones win.
    pub vars: Vec<String>,
    /// `TF_VAR_name` values from the environment.
    pub env: Vec<(String, String)>,
    /// The workspace (`terraform.workspace`).
    pub workspace: Option<String>,
    /// `--source` directories: the Nth gives locations (and the links plan JSON
    /// loses) to the Nth plan or state input.
    pub sources: Vec<PathBuf>,
    /// Root variable values set from outside as values (a Terragrunt unit's
    /// `inputs`), ranked like `TF_VAR_*`.
    pub inputs: Vec<(String, EvalValue)>,
    /// Files written into the root module's directory before it is read (a
    /// Terragrunt unit's `generate` blocks).
    pub generated: Vec<terragrunt::config::Generated>,
    /// Other stacks' states that `terraform_remote_state` data sources may read,
    /// shared by every stack of an audit.
    pub remote_states: Arc<[RemoteState]>,
    /// From this much source (bytes), the root module's module instances are
    /// evaluated on two threads; `None` is [`SPLIT_FROM_BYTES`].
    pub split_from_bytes: Option<usize>,
}

/// How much source makes evaluating on two threads pay for a second world.
pub const SPLIT_FROM_BYTES: usize = 512 * 1024;

/// A stack's state as other stacks' `terraform_remote_state` find it.
#[derive(Debug, Clone)]
pub struct RemoteState {
    /// The backend type: `local`, `s3`, `gcs`, `azurerm`, `remote`, ...
    pub backend: String,
    /// The settings that say where the state is (`bucket` and `key`; for `local`,
    /// `path`, normalised).
    pub config: std::collections::BTreeMap<String, String>,
    /// The stack's outputs.
    pub outputs: EvalValue,
}

/// Whether a file name is a Terraform or OpenTofu configuration file (`.tf`,
/// `.tf.json`, `.tofu`, `.tofu.json`).
pub fn is_configuration_file(name: &str) -> bool {
    parse::terraform_name(name).is_some()
}

/// The backend a root module declares (`terraform { backend "s3" { ... } }`), with
/// its constant string settings.
pub fn backend(dir: &Path) -> Option<(String, std::collections::BTreeMap<String, String>)> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tf" || x == "tofu"))
        .collect();
    files.sort();
    for file in files {
        let Some(text) = super::read::text_if_readable(&file, super::read::FileKind::Source) else { continue };
        if !text.contains("backend") {
            continue;
        }
        let Ok(body) = hcl_edit::parser::parse_body(text.trim_start_matches('\u{feff}')) else { continue };
        for terraform in body.get_blocks("terraform") {
            if let Some(b) = terraform.body.get_blocks("backend").next() {
                let kind = b.labels.first().map(ir::label_str).unwrap_or_default().to_owned();
                let config = b
                    .body
                    .attributes()
                    .filter_map(|a| match &a.value {
                        hcl_edit::expr::Expression::String(s) => {
                            Some((a.key.value().as_str().to_owned(), s.value().clone()))
                        }
                        _ => None,
                    })
                    .collect();
                return Some((kind, config));
            }
        }
    }
    None
}

/// The root outputs of the root module at `dir`, as far as its source decides them.
pub fn root_outputs(dir: &Path, options: &Options) -> Result<EvalValue, InputError> {
    let (tree, var_dir) = read_root(dir, options)?;
    Ok(world(&tree, var_dir, options).root_outputs())
}

/// Reads the root module at `path` with what `options` add to it (generated
/// files, variable files); the index of the variable files' directory. A root
/// module call whose `source` is an expression is read from the source its
/// variables and locals give (OpenTofu's early evaluation), when they give one.
fn read_root(path: &Path, options: &Options) -> Result<(Tree, usize), InputError> {
    let read = |early: &FastMap<String, String>| -> Result<(Tree, usize), InputError> {
        let mut tree = parse::read_tree(path, early)?;
        parse::add_generated(&mut tree, &options.generated)?;
        let var_dir = read_var_files(&mut tree, options)?;
        Ok((tree, var_dir))
    };
    let (tree, var_dir) = read(&FastMap::default())?;
    let early = early_sources(&tree, var_dir, options);
    if early.is_empty() { Ok((tree, var_dir)) } else { read(&early) }
}

/// The root module calls whose `source` is an expression that the variables and
/// locals decide, with the source they give (`./modules/${var.tier}`).
fn early_sources(tree: &Tree, var_dir: usize, options: &Options) -> FastMap<String, String> {
    let expressions: Vec<((usize, usize), &str, &ir::Expr)> = tree.dirs[0]
        .files
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| {
            f.body.get_blocks("module").filter_map(move |b| {
                let source = b.body.get_attribute("source")?;
                let literal = matches!(&source.value.kind, ir::Kind::String(_))
                    || matches!(&source.value.kind, ir::Kind::Template(e) if e.iter().all(|x| matches!(x, ir::Element::Literal(_))));
                let name = b.labels.first()?;
                (!literal).then_some(((0, fi), &**name, &source.value))
            })
        })
        .collect();
    if expressions.is_empty() {
        return FastMap::default();
    }
    let world = world(tree, var_dir, options);
    expressions
        .into_iter()
        .filter_map(|(file, name, expr)| {
            let value = world.eval_setting(0, file, expr);
            value.to_text().map(|s| (name.to_owned(), s.into_owned()))
        })
        .collect()
}

impl Options {
    /// Options with `TF_VAR_*` read from this process's environment.
    pub fn from_env() -> Options {
        let env = std::env::vars().filter_map(|(k, v)| k.strip_prefix("TF_VAR_").map(|n| (n.to_owned(), v))).collect();
        Options { env, ..Options::default() }
    }
}

/// Where `attribute` (`ingress[0].cidr_blocks`, or the longest prefix of it the
/// block writes, such as `ingress[0]`) of the resource block at `location` is
/// written: the file (index in `files`) and range, in the last override block
/// that writes it, else in the block; else the block's own range (always, for
/// `.tf.json` blocks).
pub fn attribute_span(
    files: &[SourceFile],
    location: &SourceLocation,
    attribute: Option<&str>,
) -> (usize, Range<usize>) {
    let found = |file: usize, block: &Range<usize>| {
        let f = files.get(file)?;
        if f.path.to_string_lossy().ends_with(".json") {
            return None;
        }
        ir::attribute_range(&f.text, block.clone(), attribute?)
    };
    location
        .overrides
        .iter()
        .rev()
        .find_map(|(file, block)| Some((*file, found(*file, block)?)))
        .or_else(|| Some((location.file, found(location.file, &location.span)?)))
        .unwrap_or((location.file, location.span.clone()))
}

/// What one `.tf` or `.tf.json` file says about the module it belongs to, for
/// finding the stacks of a repository.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// The `source` of each `module` block, where it is a constant.
    pub module_sources: Vec<String>,
    /// Whether it declares a `terraform_remote_state` data source.
    pub reads_remote_state: bool,
    /// Whether it says where its state is kept (`terraform { backend }` or
    /// `cloud`) or configures a provider: what a root module does and a reusable
    /// module leaves to its caller.
    pub configures_root: bool,
}

/// Parses one file for its [`FileFacts`].
pub fn file_facts(path: &Path) -> Result<FileFacts, InputError> {
    let (file, _) = parse::parse_file(path)?;
    let module_sources = parse::module_calls(std::slice::from_ref(&file)).into_iter().map(|c| c.source).collect();
    let reads_remote_state =
        file.body.get_blocks("data").any(|b| b.labels.first().is_some_and(|l| &**l == "terraform_remote_state"));
    let backend = file
        .body
        .get_blocks("terraform")
        .any(|t| t.body.blocks.iter().any(|b| matches!(&*b.ident, "backend" | "cloud")));
    let provider = file.body.get_blocks("provider").any(|p| !p.body.attributes.is_empty() || !p.body.blocks.is_empty());
    Ok(FileFacts { module_sources, reads_remote_state, configures_root: backend || provider })
}

/// Reads the root module at `path` into `model`.
pub(crate) fn load(path: &Path, options: &Options, model: &mut Model<'_>) -> Result<(), InputError> {
    let (mut tree, var_dir) = read_root(path, options)?;
    let input = model.inputs.len();
    model.warnings.extend(tree.warnings.drain(..).map(|m| Warning::about(input, m)));
    let first_file = model.files.len();
    let mut file_base = Vec::with_capacity(tree.dirs.len());
    let mut n = first_file;
    for dir in &tree.dirs {
        file_base.push(n);
        n += dir.files.len();
    }
    let file_index = |f: FileId| file_base[f.0] + f.1;
    let evaluated = evaluate(&tree, var_dir, options);
    if let Some((file, span, message)) = evaluated.fatal {
        let f = &tree.dirs[file.0].files[file.1];
        let offset = span.map_or(0, |s| s.start);
        let (line, column) = line_column(&f.text, offset);
        return Err(InputError::Syntax(Box::new(super::SyntaxError {
            path: f.path.clone(),
            line,
            column,
            message,
            src: miette::NamedSource::new(
                f.path.display().to_string(),
                crate::text::clean_source(crate::vocab::mask::mask_source(&f.text)),
            ),
            span: (offset, 1).into(),
        })));
    }
    model.warnings.extend(evaluated.warnings.into_iter().map(|m| Warning::about(input, m)));
    let Evaluated { lowered, providers, variables, .. } = evaluated;
    let split = lowered.len() > 1;
    // Evaluation is over: the syntax trees go before the model is filled, so the
    // memory they held is reused for it.
    for file in tree.dirs.iter_mut().flat_map(|d| d.files.iter_mut()) {
        file.body = ir::Body::default();
    }
    // A world makes each address once, so within one an address is known by its
    // pointer; two worlds may each have made the same one.
    let key = |a: &Arc<Address>| Arc::as_ptr(a) as usize;
    let count = lowered.iter().map(Vec::len).sum();
    let mut existing: FastSet<usize> = FastSet::with_capacity_and_hasher(count, Default::default());
    existing.extend(lowered.iter().flatten().map(|l| key(&l.address)));
    let mut by_value: FastSet<Arc<Address>> = FastSet::default();
    if split {
        by_value.reserve(count);
        by_value.extend(lowered.iter().flatten().map(|l| Arc::clone(&l.address)));
    }
    let resource = |l: Lowered<EvaluatedBody>| {
        let body = l.body;
        // One link per attribute and target; the first attribute read names it.
        let mut references = Vec::new();
        for (attribute, origins) in body.references {
            let mut seen: FastSet<usize> = FastSet::default();
            for o in origins {
                let target = key(&o.address);
                // Another stack's resource, through a Terragrunt dependency, is
                // found once the stacks are loaded together.
                let known =
                    o.through.is_some() || existing.contains(&target) || (split && by_value.contains(&o.address));
                if target == key(&l.address) || !known || !seen.insert(target) {
                    continue;
                }
                references.push(Reference {
                    attribute: Arc::clone(&attribute),
                    target: o.address,
                    target_attribute: o.attribute,
                    derivation: Derivation::ConfigReference,
                    through: o.through,
                });
            }
        }
        let overrides = l.overrides.iter().map(|&(f, ref span)| (file_index(f), span.clone())).collect();
        let location =
            SourceLocation { file: file_index(l.file), span: l.span, suppressions: l.suppressions, overrides };
        let provider_config = providers.iter().position(|p: &ProviderConfig<'_>| p.key == l.provider_key);
        Resource {
            input,
            address: (*l.address).clone(),
            provider: None,
            values: body.value.into_model(),
            action: Action::Existing,
            references,
            depends_on: Vec::new(),
            provider_config,
            location: Some(Box::new(location)),
        }
    };
    model.resources.reserve(count);
    let mut parts = lowered.into_iter();
    let (first, second) = (parts.next().unwrap_or_default(), parts.next());
    if let Some(second) = second {
        // Evaluated by two worlds, each share filled on a thread of its own, in order.
        let second = std::thread::scope(|scope| {
            let other = crate::parallel::spawn(scope, || second.into_iter().map(resource).collect::<Vec<_>>());
            model.resources.extend(first.into_iter().map(resource));
            crate::parallel::join(other)
        });
        model.resources.extend(second);
    } else {
        model.resources.extend(first.into_iter().map(resource));
    }
    model.inputs.push(Input {
        path: path.to_owned(),
        place: PathBuf::new(),
        kind: InputKind::Source,
        terraform_version: None,
        variables,
        providers,
        name: None,
        workspace: None,
        labels: Vec::new(),
    });
    for dir in tree.dirs {
        for file in dir.files {
            model.files.push(SourceFile { path: file.path, text: file.text });
        }
    }
    Ok(())
}

/// Gives the resources of input `input` (a plan or state) the locations of the
/// same addresses in the source at `dir`, and the references the plan could not
/// record: those through locals and `dynamic` blocks, which plan JSON leaves out.
/// An attribute the plan already links keeps the plan's links.
pub(crate) fn attach(dir: &Path, options: &Options, input: usize, model: &mut Model<'_>) -> Result<(), InputError> {
    let mut source = Model::default();
    load(dir, options, &mut source)?;
    let offset = model.files.len();
    model.files.append(&mut source.files);
    model.warnings.extend(source.warnings.drain(..).map(|w| Warning::about(input, w.message)));
    let by_address: FastMap<String, Resource<'static>> =
        source.resources.into_iter().map(|r| (r.address.to_string(), r)).collect();
    let existing: FastSet<String> =
        model.resources.iter().filter(|r| r.input == input).map(|r| r.address.to_string()).collect();
    let mut matched = 0usize;
    for r in model.resources.iter_mut().filter(|r| r.input == input) {
        let Some(src) = by_address.get(&r.address.to_string()) else { continue };
        matched += 1;
        if let Some(mut location) = src.location.clone() {
            location.file += offset;
            r.location = Some(location);
        }
        for reference in &src.references {
            let linked = r.references.iter().any(|x| x.attribute == reference.attribute);
            if !linked && existing.contains(&reference.target.to_string()) && !r.references.contains(reference) {
                r.references.push(reference.clone());
            }
        }
    }
    if matched == 0 && !by_address.is_empty() {
        model.warnings.push(Warning::about(
            input,
            format!(
                "--source {}: none of its {} resources is in {}; is it the configuration the plan was made from?",
                dir.display(),
                by_address.len(),
                model.inputs[input].path.display()
            ),
        ));
    }
    Ok(())
}

/// A resource instance ready for the model; its body shared with the world that
/// evaluated it, then (`B = EvaluatedBody`) its own.
struct Lowered<B = Rc<EvaluatedBody>> {
    address: Arc<Address>,
    body: B,
    file: FileId,
    span: Range<usize>,
    /// The block's suppressions, shared by its instances.
    suppressions: Arc<[crate::model::InlineSuppression]>,
    /// The override blocks merged into it.
    overrides: Arc<[(FileId, Range<usize>)]>,
    provider_key: String,
}

impl Lowered {
    /// With the world gone, the body is this instance's alone.
    fn unshared(self) -> Lowered<EvaluatedBody> {
        let body = Rc::try_unwrap(self.body).unwrap_or_else(|shared| EvaluatedBody {
            value: shared.value.clone(),
            references: shared.references.clone(),
        });
        Lowered {
            address: self.address,
            body,
            file: self.file,
            span: self.span,
            suppressions: self.suppressions,
            overrides: self.overrides,
            provider_key: self.provider_key,
        }
    }
}

/// What evaluating a root module gives the model.
struct Evaluated {
    /// The resource instances each world lowered, in order: one list, or two when
    /// two worlds split the evaluation.
    lowered: Vec<Vec<Lowered<EvaluatedBody>>>,
    providers: Vec<ProviderConfig<'static>>,
    variables: Vec<(InputStr<'static>, AttrValue<'static>)>,
    warnings: Vec<String>,
    /// The `count`/`for_each` values known only after apply, and the functions not
    /// evaluated, for the summary warnings.
    summary: (Vec<String>, Vec<String>),
    fatal: Option<instance::Fatal>,
}

/// Which resource instances a world lowers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    All,
    /// Those of the first module instances, in lowering order, up to about half
    /// the source ([`balance_point`]); the root module's come first.
    First,
    /// Those of the other module instances.
    Second,
}

/// Evaluates the root module and every module instance, in one world, or, from
/// [`SPLIT_FROM_BYTES`] of source, in two worlds on two threads that each lower
/// the resources of about half the module instances, by source. The worlds share the syntax trees
/// and each computes what both halves read (variables, locals, a module's outputs
/// the other half uses) for itself; results come back in the order one world
/// gives them.
fn evaluate(tree: &Tree, var_dir: usize, options: &Options) -> Evaluated {
    let bytes: usize = tree.dirs.iter().flat_map(|d| &d.files).map(|f| f.text.len()).sum();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut evaluated = if cores < 2 || bytes < options.split_from_bytes.unwrap_or(SPLIT_FROM_BYTES) {
        evaluate_part(tree, var_dir, options, Part::All)
    } else {
        let (mut first, second) = std::thread::scope(|scope| {
            let second = crate::parallel::spawn(scope, || evaluate_part(tree, var_dir, options, Part::Second));
            let first = evaluate_part(tree, var_dir, options, Part::First);
            (first, crate::parallel::join(second))
        });
        first.lowered.extend(second.lowered);
        first.warnings.extend(second.warnings);
        first.summary.0.extend(second.summary.0);
        first.summary.1.extend(second.summary.1);
        first.fatal = first.fatal.or(second.fatal);
        first
    };
    // Each thing is said once: both worlds of a split read what both halves use, and
    // a warning about a module's declaration comes from each of its instances.
    let (expansions, functions) = (once(&evaluated.summary.0), once(&evaluated.summary.1));
    evaluated.warnings = once(&evaluated.warnings);
    evaluated.warnings.extend(instance::summary_warnings(&expansions, &functions));
    evaluated
}

/// `items` without repeats, in order.
fn once(items: &[String]) -> Vec<String> {
    let mut seen = FastSet::default();
    items.iter().filter(|i| seen.insert(i.as_str())).cloned().collect()
}

/// One world's share of [`evaluate`].
fn evaluate_part(tree: &Tree, var_dir: usize, options: &Options, part: Part) -> Evaluated {
    let mut lowered = Vec::new();
    let mut evaluated = {
        let world = world(tree, var_dir, options);
        let mut order = Vec::new();
        preorder(&world, 0, &mut order);
        let mine = match part {
            Part::All => &order[..],
            Part::First => &order[..balance_point(&world, &order)],
            Part::Second => &order[balance_point(&world, &order)..],
        };
        for &instance in mine {
            lower_resources(&world, instance, &mut lowered);
        }
        let root = part != Part::Second;
        let warnings = world.warnings.borrow_mut().drain(..).collect();
        Evaluated {
            lowered: Vec::new(),
            providers: if root { provider_configs(&world) } else { Vec::new() },
            variables: if root { world.root_variables() } else { Vec::new() },
            warnings,
            summary: world.summary_lists(),
            fatal: world.fatal.borrow_mut().take(),
        }
    };
    // The world is gone: each body has one owner.
    evaluated.lowered = vec![lowered.into_iter().map(Lowered::unshared).collect()];
    evaluated
}

/// The module instances `instance` calls, in order.
fn module_instances(world: &World<'_>, instance: usize) -> Vec<usize> {
    let inst = Rc::clone(&world.instances.borrow()[instance]);
    let Some(dir) = inst.dir else { return Vec::new() };
    let mut out = Vec::new();
    for call in 0..world.configs[dir].calls.len() {
        out.extend(world.call_instances(instance, call).iter().map(|&(_, child)| child));
    }
    out
}

/// `instance` and the module instances below it, each before those it calls: the
/// order resource instances are lowered in.
fn preorder(world: &World<'_>, instance: usize, out: &mut Vec<usize>) {
    out.push(instance);
    for child in module_instances(world, instance) {
        preorder(world, child, out);
    }
}

/// Where to cut `order` so that both worlds of a split lower about as much: each
/// module instance weighs the source of its module. (The root module's own calls
/// are often few and unequal, a `prod` beside a smaller `staging`: cutting among
/// them left one thread idle for a third of the evaluation.)
fn balance_point(world: &World<'_>, order: &[usize]) -> usize {
    let instances = world.instances.borrow();
    let weight = |&i: &usize| -> usize {
        instances[i].dir.map_or(0, |d| world.tree.dirs[d].files.iter().map(|f| f.text.len()).sum())
    };
    let total: usize = order.iter().map(weight).sum();
    let mut sum = 0;
    order
        .iter()
        .position(|i| {
            sum += weight(i);
            2 * sum >= total
        })
        .map_or(order.len(), |p| p + 1)
}

/// The resource instances of `instance` itself.
fn lower_resources(world: &World<'_>, instance: usize, out: &mut Vec<Lowered>) {
    let inst = Rc::clone(&world.instances.borrow()[instance]);
    let Some(dir) = inst.dir else {
        out.extend(unread_module(world, instance));
        return;
    };
    let config = &world.configs[dir];
    for (r, decl) in config.resources.iter().enumerate() {
        let expansion = world.resource_instances(instance, r);
        // What every instance of the block shares, found once.
        let file = &world.tree.dirs[decl.file.0].files[decl.file.1];
        let span = if file.json {
            json_span(&file.text, decl.kind, decl.name)
        } else {
            decl.block.span.get().unwrap_or_default()
        };
        let suppressions = decl.block.suppressions();
        let overrides: Arc<[(FileId, Range<usize>)]> =
            decl.block.overrides.iter().filter_map(|&(f, span)| Some(((decl.file.0, f), span.get()?))).collect();
        let provider = provider_key(world, instance, decl);
        for i in 0..expansion.keys.len() {
            let Some(body) = world.body(instance, r, i) else { continue };
            out.push(Lowered {
                address: world.address(instance, r, i),
                body,
                file: decl.file,
                span: span.clone(),
                suppressions: Arc::clone(&suppressions),
                overrides: Arc::clone(&overrides),
                provider_key: provider.clone(),
            });
        }
    }
}

/// A module instance whose source was not read, as one node of its stack
/// (`module.eks`, of type `module`) that its outputs come from: a rule that admits
/// `module.eks.worker_security_group_id` admits something of this stack.
fn unread_module(world: &World<'_>, instance: usize) -> Option<Lowered> {
    let address = world.unread_module(instance)?;
    let inst = Rc::clone(&world.instances.borrow()[instance]);
    let &(parent, call, _, _) = inst.parent.as_ref()?;
    let parent_dir = world.instances.borrow()[parent].dir?;
    let (_, block, file) = world.configs[parent_dir].calls[call];
    let source = match block.body.get_attribute("source").map(|a| &a.value.kind) {
        Some(ir::Kind::String(s)) => EvalValue::String(s.clone()),
        _ => EvalValue::unknown(),
    };
    let body = instance::EvaluatedBody {
        value: EvalValue::Map(value::Map::from([("source", source)])),
        references: Vec::new(),
    };
    Some(Lowered {
        address,
        body: Rc::new(body),
        file,
        span: block.span.get().unwrap_or_default(),
        suppressions: Arc::from([]),
        overrides: Arc::from([]),
        provider_key: String::new(),
    })
}

/// Where a resource of a `.tf.json` file is: its name key after its type key
/// (JSON keeps no spans; the first match is close enough to point a reader at).
fn json_span(text: &str, kind: &str, name: &str) -> Range<usize> {
    let Some(type_at) = text.find(&format!("\"{kind}\"")) else { return 0..0 };
    match text[type_at..].find(&format!("\"{name}\"")) {
        Some(n) => type_at + n..type_at + n + name.len() + 2,
        None => type_at..type_at + kind.len() + 2,
    }
}

/// The provider configuration key of a resource: its `provider` meta-argument or
/// the provider its type names, looked up in its module then its ancestors.
fn provider_key(world: &World<'_>, instance: usize, decl: &instance::ResourceDecl<'_>) -> String {
    let local = match decl.block.body.get_attribute("provider").map(|a| &a.value.kind) {
        Some(ir::Kind::Traversal(t)) => {
            let root = match &t.root.kind {
                ir::Kind::Variable(v) => v.to_string(),
                _ => String::new(),
            };
            let alias = t.ops.iter().find_map(ir::Op::attr);
            alias.map_or(root.clone(), |a| format!("{root}.{a}"))
        }
        Some(ir::Kind::Variable(v)) => v.to_string(),
        _ => decl.kind.split('_').next().unwrap_or_default().to_owned(),
    };
    // A module's own provider block wins; else the nearest ancestor's.
    let mut current = Some(instance);
    while let Some(i) = current {
        let inst = Rc::clone(&world.instances.borrow()[i]);
        if let Some(dir) = inst.dir
            && world.configs[dir].providers.iter().any(|(b, _)| provider_block_key(b) == local)
        {
            return module_prefix(&inst.path) + &local;
        }
        current = inst.parent.as_ref().map(|p| p.0);
    }
    local
}

fn module_prefix(path: &[crate::model::address::ModuleStep]) -> String {
    if path.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = path.iter().map(|s| s.name.as_str()).collect();
    format!("module.{}:", names.join(".module."))
}

fn provider_block_key(block: &ir::Block) -> String {
    let name = block.label();
    match block.body.get_attribute("alias").map(|a| &a.value.kind) {
        Some(ir::Kind::String(s)) => format!("{name}.{s}"),
        _ => name.to_owned(),
    }
}

/// Provider configurations of every module, with only the settings envwall reads.
fn provider_configs(world: &World<'_>) -> Vec<ProviderConfig<'static>> {
    let mut out = Vec::new();
    let instances: Vec<Rc<instance::Instance>> = world.instances.borrow().iter().cloned().collect();
    let mut seen = FastSet::default();
    for (i, inst) in instances.iter().enumerate() {
        let Some(dir) = inst.dir else { continue };
        for &(block, file) in &world.configs[dir].providers {
            let key = module_prefix(&inst.path) + &provider_block_key(block);
            if !seen.insert(key.clone()) {
                continue;
            }
            let mut settings = value::Map::new();
            for attr in block.body.attributes.iter() {
                let name = &*attr.key;
                if super::plan::PROVIDER_SETTINGS.contains(&name) {
                    settings.insert(name.to_owned(), world.eval_setting(i, file, &attr.value));
                }
            }
            for b in block.body.blocks.iter() {
                let name = &*b.ident;
                if super::plan::PROVIDER_SETTINGS.contains(&name) {
                    let mut inner = value::Map::new();
                    for attr in b.body.attributes.iter() {
                        inner.insert(attr.key.to_string(), world.eval_setting(i, file, &attr.value));
                    }
                    settings.insert(name.to_owned(), EvalValue::List(vec![EvalValue::Map(inner)]));
                }
            }
            let name = block.label().to_owned();
            let alias = match block.body.get_attribute("alias").map(|a| &a.value.kind) {
                Some(ir::Kind::String(s)) => Some(s.to_string()),
                _ => None,
            };
            out.push(ProviderConfig { key, name, alias, settings: EvalValue::Map(settings).into_model() });
        }
    }
    out
}

/// Adds `terraform.tfvars`, `*.auto.tfvars` and `--var-file`s to the tree as one
/// extra directory, so their expressions evaluate like any other; returns its index.
fn read_var_files(tree: &mut Tree, options: &Options) -> Result<usize, InputError> {
    let root = tree.dirs[0].path.clone();
    let mut paths = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = root.join(name);
        if p.is_file() {
            paths.push(p);
        }
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                })
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    paths.extend(auto);
    // Files Terraform finds by name are read when they can be; a `--var-file` the
    // user names must be.
    let optional = paths.len();
    paths.extend(options.var_files.iter().cloned());
    let mut files = Vec::new();
    for (i, p) in paths.into_iter().enumerate() {
        if i < optional
            && let Some(why) = unreadable(&p)
        {
            tree.warnings.push(format!("{}: {why}; the stack is analysed without it", p.display()));
            continue;
        }
        let (file, warnings) = parse::parse_var_file(&p)?;
        tree.warnings.extend(warnings);
        files.push(file);
    }
    tree.dirs.push(parse::Dir { path: root.join("(variables)"), files });
    Ok(tree.dirs.len() - 1)
}

/// Why a file found by name cannot be read, if it cannot: a symbolic link to
/// nothing (the foundation's `*.auto.tfvars`, which each user creates), a
/// directory, a device.
pub(crate) fn unreadable(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => None,
        Ok(_) => Some("not a regular file".to_owned()),
        Err(_) if path.is_symlink() => Some(match std::fs::read_link(path) {
            Ok(to) => format!("a symbolic link to {}, which does not exist", to.display()),
            Err(_) => "a symbolic link to nothing".to_owned(),
        }),
        Err(e) => Some(format!("cannot be read ({e})")),
    }
}

/// The world of a read tree: its root variables set from `options` and the
/// `.tfvars` files in `var_dir`, and the remote states it may read.
fn world<'t>(tree: &'t Tree, var_dir: usize, options: &Options) -> World<'t> {
    let workspace = options.workspace.clone().unwrap_or_else(|| "default".into());
    let mut world = World::new(tree, FastMap::default(), workspace);
    // `.tfvars` values are constants: they evaluate in a world without root values.
    let values = root_values(&world, var_dir, options);
    world.set_root_values(values);
    world.remote_states = Arc::clone(&options.remote_states);
    world
}

/// Root variable values, lowest precedence first: `TF_VAR_*`, the `.tfvars`
/// files in order, then `--var`.
fn root_values(world: &World<'_>, var_dir: usize, options: &Options) -> FastMap<String, RootValue> {
    let mut out = FastMap::default();
    for (k, v) in &options.env {
        out.insert(k.clone(), RootValue::Raw(v.clone(), format!("TF_VAR_{k}")));
    }
    for (k, v) in &options.inputs {
        out.insert(k.clone(), RootValue::Value(v.clone(), "the Terragrunt unit's inputs".to_owned()));
    }
    for (fi, file) in world.tree.dirs[var_dir].files.iter().enumerate() {
        for attr in file.body.attributes.iter() {
            let v = world.eval_setting(0, (var_dir, fi), &attr.value);
            out.insert(attr.key.to_string(), RootValue::Value(v, file.path.display().to_string()));
        }
    }
    for pair in &options.vars {
        if let Some((k, v)) = pair.split_once('=') {
            out.insert(k.trim().to_owned(), RootValue::Raw(v.to_owned(), format!("--var {pair}")));
        }
    }
    out
}

/// For the fuzz targets: whether the native parser reads `text` (a
/// nesting or digit limit counts as refusing it).
#[doc(hidden)]
pub fn native_parses(text: &str) -> bool {
    native::parse_or_limit(text).is_ok()
}

/// For the fuzz targets: the native parser and hcl-edit agree on `text`.
/// When the native parser reads it, hcl-edit must read it too, to the same tree
/// once lowered, unless it is what Terraform reads beyond hcl-edit; when the
/// native parser refuses it, hcl-edit decides, as in [`load`]. The error says
/// how they differ.
#[doc(hidden)]
pub fn parsers_agree(text: &str) -> Result<(), String> {
    let Ok(((native, repeated), extended)) = native::parse_telling(text) else { return Ok(()) };
    let Ok(body) = hcl_edit::parser::parse_body(text) else {
        // What Terraform reads beyond hcl-edit (repeated keys among it) is read.
        if extended || !repeated.is_empty() {
            return Ok(());
        }
        return Err("the native parser reads what hcl-edit refuses".to_owned());
    };
    let renamed = FastMap::default();
    let reference =
        ir::Lowering { text, renamed_keys: &renamed, spans: true, suppressible: ir::has_suppressions(text) }
            .body(&body);
    // Compact: the indented form costs time in the square of the nesting.
    let (native, reference) = (format!("{native:?}"), format!("{reference:?}"));
    if native == reference {
        return Ok(());
    }
    let at = native.bytes().zip(reference.bytes()).position(|(a, b)| a != b).unwrap_or(0);
    // Characters before the first difference, counted on bytes (it may fall
    // inside a character).
    let window = |t: &str| {
        let before = t.as_bytes()[..at.min(t.len())].iter().filter(|&&b| (b & 0xC0) != 0x80).count();
        t.chars().skip(before.saturating_sub(80)).take(160).collect::<String>()
    };
    Err(format!("the trees differ at byte {at}:\nnative:   {}\nhcl-edit: {}", window(&native), window(&reference)))
}
