//! A unit's configuration, evaluated as Terragrunt evaluates it.
//!
//! In: a `terragrunt.hcl` and, for its `dependency` blocks, the producing units'
//! outputs. Out: what envwall needs of the unit ([`Unit`]): the module source,
//! the inputs, the dependencies, the files its `generate` blocks write and the
//! environment names the configurations it reads declare.
//!
//! As Terragrunt does: each `include` is evaluated in the unit's context
//! (`find_in_parent_folders` searches above the unit, not above the included
//! file); an exposed include is `include.NAME` with its `locals`, `inputs` and
//! settings; the includes are merged in their order by their `merge_strategy`,
//! the unit last. Terragrunt's functions are evaluated where they need only the
//! file system (`find_in_parent_folders`, `read_terragrunt_config`,
//! `get_terragrunt_dir`, `path_relative_to_include`, `get_repo_root`, ...) and
//! the environment (`get_env`); they are unknown where they need a cloud or a
//! command (`get_aws_account_id`, `run_cmd`, `sops_decrypt_file`). Nothing is
//! run and nothing is fetched.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use smol_str::SmolStr;

use super::super::instance::{Host, World, relative_to};
use super::super::ir::Body;
use super::super::parse::{self, Tree};
use super::super::value::{EvalValue, Map};
use crate::hash::FastMap;
use crate::input::InputError;
use crate::model::Through;
use crate::vocab::paths::normalize;

/// The values a Terragrunt stack writes beside each unit it generates.
const VALUES_FILE: &str = "terragrunt.values.hcl";

/// How deep `read_terragrunt_config` may nest: a file that reads itself stops here.
const MAX_DEPTH: usize = 8;

/// The locals that conventionally name an environment.
pub const ENV_LOCALS: [&str; 4] = ["environment", "env", "stage", "account_name"];

/// The inputs that name an environment.
const ENV_INPUTS: [&str; 3] = ["environment", "env", "stage"];

/// A unit's configuration, evaluated and merged with what it includes.
#[derive(Debug, Default)]
pub struct Unit {
    /// `terraform { source }`.
    pub source: Option<Source>,
    /// `inputs`, merged across includes: the module's variables.
    pub inputs: Vec<(String, EvalValue)>,
    /// `dependency` blocks, enabled ones only.
    pub dependencies: Vec<Dependency>,
    /// `dependencies { paths }`, absolute.
    pub dependency_paths: Vec<PathBuf>,
    /// The `.tf` files `generate` blocks write into the module's directory.
    pub generated: Vec<Generated>,
    /// The environment names the configurations the unit reads declare, the
    /// deepest first, each with where it is written.
    pub labels: Vec<(String, String)>,
    /// What could not be evaluated, and why.
    pub warnings: Vec<String>,
}

/// A unit's module source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Its value.
    Known(String),
    /// An expression whose value is not known here, as written.
    Unknown(String),
}

/// A `dependency` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// Its name (`dependency "vpc"`).
    pub name: SmolStr,
    /// The producing unit's directory (`config_path`), absolute and normalised.
    pub dir: PathBuf,
    /// Whether it has `mock_outputs`.
    pub mocked: bool,
    /// `skip_outputs = true`: its outputs are not read.
    pub skip_outputs: bool,
}

/// A file a `generate` block writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Its path, relative to the module's directory (`provider.tf`).
    pub path: String,
    /// What it holds.
    pub contents: String,
    /// `if_exists`: what happens when the module has a file of that name
    /// (`overwrite`, `overwrite_terragrunt`, `skip`, `error`).
    pub if_exists: String,
}

/// Evaluates the unit `file`. `outputs` gives a dependency's producing unit's
/// outputs when they can be read (its state, else its source); a dependency
/// whose outputs cannot be read is unknown, whatever its `mock_outputs` say.
pub fn evaluate(file: &Path, outputs: &dyn Fn(&Dependency) -> Option<EvalValue>) -> Result<Unit, InputError> {
    let dir = absolute(file.parent().unwrap_or(Path::new(".")));
    let ctx = Context {
        dir: dir.clone(),
        original: dir,
        include: None,
        includes: Vec::new(),
        depth: 0,
        reads: Rc::default(),
        values: EvalValue::unknown(),
    };
    let values_file = ctx.dir.join(VALUES_FILE);
    let ctx = match values_file.is_file() {
        true => Context {
            values: EvalValue::Map(evaluate_file(&values_file, &ctx, &EvalValue::unknown())?.attributes),
            ..ctx
        },
        false => ctx,
    };
    let first = evaluate_file(file, &ctx, &EvalValue::unknown())?;
    let merged = Merged::of(&first);
    // Their `config_path` may read locals and includes, never outputs: the first
    // pass knows them.
    let dependencies = merged.dependencies(&ctx, &mut Vec::new());
    if dependencies.is_empty() {
        return Ok(merged.into_unit(&ctx, first));
    }
    // Again, with the producers' outputs where `dependency.NAME.outputs` is read.
    let mut root = Map::new();
    for d in &dependencies {
        let through =
            Arc::new(Through { dependency: d.name.clone(), unit: d.dir.clone(), mocked: d.mocked, input: None });
        let value = match outputs(d) {
            Some(v) if !d.skip_outputs => v.through(&through),
            _ => EvalValue::unknown(),
        };
        let mut block = Map::new();
        block.insert("outputs", value);
        block.insert("config_path", EvalValue::str(d.dir.display().to_string()));
        root.insert(d.name.clone(), EvalValue::Map(block));
    }
    ctx.reads.borrow_mut().clear();
    let second = evaluate_file(file, &ctx, &EvalValue::Map(root))?;
    Ok(Merged::of(&second).into_unit(&ctx, second))
}

/// Where an evaluation is: what Terragrunt's functions answer.
#[derive(Clone)]
struct Context {
    /// `get_terragrunt_dir()`: the unit's directory, or a file's that
    /// `read_terragrunt_config` reads. Absolute.
    dir: PathBuf,
    /// `get_original_terragrunt_dir()`: the unit's.
    original: PathBuf,
    /// In an included file: the include's name and the file's directory.
    include: Option<(SmolStr, PathBuf)>,
    /// The unit's includes, by name, with their directories.
    includes: Vec<(SmolStr, PathBuf)>,
    /// How many `read_terragrunt_config` calls deep.
    depth: usize,
    /// Every file read or included, with its locals: where environment names are
    /// declared.
    reads: Rc<RefCell<Vec<(PathBuf, Map)>>>,
    /// `values`: what a Terragrunt stack gave the unit, from the
    /// `terragrunt.values.hcl` `terragrunt stack generate` writes beside it.
    values: EvalValue,
}

/// One configuration file, evaluated.
struct FileConfig {
    /// The file.
    path: PathBuf,
    /// Its `locals`.
    locals: Map,
    /// Its top-level attributes (`inputs`, `download_dir`, ...).
    attributes: Map,
    /// `terraform { source }`: its value and how it is written.
    source: Option<(EvalValue, String)>,
    /// `dependency` blocks.
    dependencies: Vec<(SmolStr, DependencyBlock)>,
    /// `dependencies { paths }`.
    dependency_paths: Option<EvalValue>,
    /// `generate` blocks: each one's attributes.
    generated: Vec<(SmolStr, Map)>,
    /// What it includes, in order.
    includes: Vec<Included>,
    /// What could not be evaluated.
    warnings: Vec<String>,
}

/// A `dependency` block, evaluated.
#[derive(Clone)]
struct DependencyBlock {
    config_path: EvalValue,
    mocked: bool,
    skip_outputs: bool,
    enabled: bool,
}

/// An `include` block and the file it includes.
struct Included {
    name: SmolStr,
    expose: bool,
    strategy: Strategy,
    config: FileConfig,
}

/// `merge_strategy`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strategy {
    /// `shallow`, the default: the includer's settings replace the included
    /// ones, `inputs` key by key.
    Shallow,
    /// `deep`: maps are merged and lists joined, at every level.
    Deep,
    /// `no_merge`: the included file is only read (for `expose`).
    NoMerge,
}

/// Evaluates one file in `ctx`; `dependency` is what `dependency` names.
fn evaluate_file(path: &Path, ctx: &Context, dependency: &EvalValue) -> Result<FileConfig, InputError> {
    let (file, _) = parse::parse_file_as_hcl(path)?;
    let tree = Tree {
        dirs: vec![parse::Dir { path: ctx.dir.clone(), files: vec![file] }],
        calls: FastMap::default(),
        warnings: Vec::new(),
    };
    let body = &tree.dirs[0].files[0].body;
    let mut warnings = Vec::new();
    // The includes first: their paths may use functions, not locals.
    let mut found = Vec::new();
    {
        let host = TerragruntHost { ctx, include: EvalValue::unknown(), dependency: EvalValue::unknown() };
        let world = host_world(&tree, &host);
        for block in body.get_blocks("include") {
            let name: SmolStr = block.labels.first().map(|l| SmolStr::from(&**l)).unwrap_or_default();
            let at = world.at((0, 0), block.span.get().as_ref());
            if ctx.include.is_some() {
                warnings.push(format!(
                    "{at}: an included configuration cannot include another (Terragrunt refuses it); ignored"
                ));
                continue;
            }
            let value = block.body.get_attribute("path").map(|a| world.eval_setting(0, (0, 0), &a.value));
            let Some(included) = value.as_ref().and_then(EvalValue::to_text).map(|p| normalize(&ctx.dir.join(&*p)))
            else {
                warnings.push(format!("{at}: include `{name}`: its path is not known here; what it sets is not read"));
                continue;
            };
            if !included.is_file() {
                warnings.push(format!(
                    "{at}: include `{name}`: {} does not exist; what it sets is not read",
                    shown(&included)
                ));
                continue;
            }
            let flag = |key: &str| block.body.get_attribute(key).map(|a| world.eval_setting(0, (0, 0), &a.value));
            let expose = flag("expose").and_then(|v| v.unmarked().to_bool()).unwrap_or(false);
            let strategy = match flag("merge_strategy").as_ref().and_then(EvalValue::to_text).as_deref() {
                Some("deep") => Strategy::Deep,
                Some("no_merge") => Strategy::NoMerge,
                _ => Strategy::Shallow,
            };
            found.push((name, included, expose, strategy));
        }
        warnings.extend(world.warnings.borrow_mut().drain(..));
    }
    let includes_by_name: Vec<(SmolStr, PathBuf)> =
        found.iter().map(|(n, p, ..)| (n.clone(), p.parent().map(Path::to_owned).unwrap_or_default())).collect();
    let mut includes = Vec::new();
    for (name, included, expose, strategy) in found {
        let parent = included.parent().map(Path::to_owned).unwrap_or_default();
        let inner =
            Context { include: Some((name.clone(), parent)), includes: includes_by_name.clone(), ..ctx.clone() };
        let config = evaluate_file(&included, &inner, dependency)?;
        ctx.reads.borrow_mut().push((included, config.locals.clone()));
        includes.push(Included { name, expose, strategy, config });
    }
    let exposed: Map = includes.iter().filter(|i| i.expose).map(|i| (i.name.clone(), i.config.exported())).collect();
    let ctx = Context { includes: includes_by_name, ..ctx.clone() };
    let host = TerragruntHost { ctx: &ctx, include: EvalValue::Map(exposed), dependency: dependency.clone() };
    let world = host_world(&tree, &host);
    let eval = |body: &Body, key: &str| body.get_attribute(key).map(|a| world.eval_setting(0, (0, 0), &a.value));
    let text = &tree.dirs[0].files[0].text;
    let locals = world.root_locals();
    let attributes: Map =
        body.attributes.iter().map(|a| (a.key.clone(), world.eval_setting(0, (0, 0), &a.value))).collect();
    let source = body.get_blocks("terraform").find_map(|b| b.body.get_attribute("source")).map(|a| {
        let written = a.value.span.get().and_then(|s| text.get(s)).unwrap_or_default().to_owned();
        (world.eval_setting(0, (0, 0), &a.value), written)
    });
    let dependencies = body
        .get_blocks("dependency")
        .map(|b| {
            let name: SmolStr = b.labels.first().map(|l| SmolStr::from(&**l)).unwrap_or_default();
            let flag =
                |key: &str, default: bool| eval(&b.body, key).and_then(|v| v.unmarked().to_bool()).unwrap_or(default);
            let block = DependencyBlock {
                config_path: eval(&b.body, "config_path").unwrap_or(EvalValue::Null),
                mocked: b.body.has_attribute("mock_outputs"),
                skip_outputs: flag("skip_outputs", false),
                enabled: flag("enabled", true),
            };
            (name, block)
        })
        .collect();
    let dependency_paths = body.get_blocks("dependencies").find_map(|b| eval(&b.body, "paths"));
    let generated = body
        .get_blocks("generate")
        .map(|b| {
            let name: SmolStr = b.labels.first().map(|l| SmolStr::from(&**l)).unwrap_or_default();
            let attrs: Map =
                b.body.attributes.iter().map(|a| (a.key.clone(), world.eval_setting(0, (0, 0), &a.value))).collect();
            (name, attrs)
        })
        .collect();
    warnings.extend(world.warnings.borrow_mut().drain(..));
    let (_, unsupported) = world.summary_lists();
    if !unsupported.is_empty() {
        warnings.push(format!(
            "{}: functions envwall does not evaluate, whose results are unknown: {}",
            shown(path),
            unsupported.join(", ")
        ));
    }
    Ok(FileConfig {
        path: path.to_owned(),
        locals,
        attributes,
        source,
        dependencies,
        dependency_paths,
        generated,
        includes,
        warnings,
    })
}

/// A world that evaluates one Terragrunt file with `host`'s names and functions.
fn host_world<'t>(tree: &'t Tree, host: &'t TerragruntHost<'_>) -> World<'t> {
    let mut world = World::new(tree, FastMap::default(), "default".into());
    world.host = Some(host);
    world
}

impl FileConfig {
    /// What `include.NAME` and `read_terragrunt_config` give of the file: its
    /// top-level attributes, `locals`, `terraform` and `dependency` settings.
    fn exported(&self) -> EvalValue {
        let mut out = self.attributes.clone();
        out.insert("locals", EvalValue::Map(self.locals.clone()));
        if let Some((source, _)) = &self.source {
            out.insert("terraform", EvalValue::Map([("source", source.clone())].into_iter().collect()));
        }
        let dependencies: Map = self
            .dependencies
            .iter()
            .map(|(name, d)| {
                (name.clone(), EvalValue::Map([("config_path", d.config_path.clone())].into_iter().collect()))
            })
            .collect();
        if !dependencies.is_empty() {
            out.insert("dependency", EvalValue::Map(dependencies));
        }
        EvalValue::Map(out)
    }
}

/// The settings of a unit and its includes, merged.
#[derive(Default)]
struct Merged {
    inputs: Map,
    source: Option<(EvalValue, String)>,
    dependencies: Vec<(SmolStr, DependencyBlock)>,
    dependency_paths: Vec<EvalValue>,
    generated: Vec<(SmolStr, Map)>,
}

impl Merged {
    /// The includes in their order, then the unit.
    fn of(unit: &FileConfig) -> Merged {
        let mut merged = Merged::default();
        for include in &unit.includes {
            merged.merge(&include.config, include.strategy);
        }
        merged.merge(unit, Strategy::Shallow);
        merged
    }

    fn merge(&mut self, config: &FileConfig, strategy: Strategy) {
        if strategy == Strategy::NoMerge {
            return;
        }
        if let Some(EvalValue::Map(inputs)) = config.attributes.get("inputs").map(EvalValue::unmarked) {
            for (k, v) in inputs.iter() {
                let v = match (strategy, self.inputs.remove(k)) {
                    (Strategy::Deep, Some(old)) => deep_merge(old, v.clone()),
                    _ => v.clone(),
                };
                self.inputs.insert(k.clone(), v);
            }
        }
        if config.source.is_some() {
            self.source.clone_from(&config.source);
        }
        for (name, block) in &config.dependencies {
            self.dependencies.retain(|(n, _)| n != name);
            self.dependencies.push((name.clone(), block.clone()));
        }
        if let Some(paths) = &config.dependency_paths {
            if strategy == Strategy::Shallow {
                self.dependency_paths.clear();
            }
            self.dependency_paths.push(paths.clone());
        }
        for (name, attrs) in &config.generated {
            self.generated.retain(|(n, _)| n != name);
            self.generated.push((name.clone(), attrs.clone()));
        }
    }

    /// The enabled `dependency` blocks whose `config_path` is known; a warning
    /// for each other one.
    fn dependencies(&self, ctx: &Context, warnings: &mut Vec<String>) -> Vec<Dependency> {
        let mut out = Vec::new();
        for (name, block) in &self.dependencies {
            if !block.enabled {
                continue;
            }
            let Some(path) = block.config_path.to_text() else {
                warnings
                    .push(format!("dependency `{name}`: its config_path is not known here; its outputs are unknown"));
                continue;
            };
            out.push(Dependency {
                name: name.clone(),
                dir: normalize(&ctx.dir.join(&*path)),
                mocked: block.mocked,
                skip_outputs: block.skip_outputs,
            });
        }
        out
    }

    fn into_unit(self, ctx: &Context, file: FileConfig) -> Unit {
        let mut warnings = Vec::new();
        collect_warnings(&file, &mut warnings);
        let dependencies = self.dependencies(ctx, &mut warnings);
        let source = self.source.map(|(value, written)| match value.to_text() {
            Some(s) => Source::Known(s.into_owned()),
            None => Source::Unknown(written),
        });
        let mut dependency_paths = Vec::new();
        for paths in &self.dependency_paths {
            match paths.unmarked() {
                EvalValue::List(items) => dependency_paths
                    .extend(items.iter().filter_map(EvalValue::to_text).map(|p| normalize(&ctx.dir.join(&*p)))),
                _ => warnings.push(format!("{}: `dependencies {{ paths }}` is not a known list", shown(&file.path))),
            }
        }
        let mut generated = Vec::new();
        for (name, attrs) in &self.generated {
            let text = |k: &str| attrs.get(k).and_then(EvalValue::to_text).map(|t| t.into_owned());
            if attrs.get("disable").and_then(|v| v.unmarked().to_bool()) == Some(true) {
                continue;
            }
            match (text("path"), text("contents")) {
                (Some(path), Some(contents)) => generated.push(Generated {
                    path,
                    contents,
                    if_exists: text("if_exists").unwrap_or_else(|| "overwrite_terragrunt".to_owned()),
                }),
                _ => warnings.push(format!(
                    "{}: generate `{name}`: its path or contents are not known here; the file is not read",
                    shown(&file.path)
                )),
            }
        }
        let mut sources: Vec<(PathBuf, Map)> = vec![(file.path.clone(), file.locals.clone())];
        sources.extend(ctx.reads.borrow().iter().cloned());
        let labels = labels(&mut sources, &self.inputs, &file.path);
        Unit {
            source,
            inputs: self.inputs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            dependencies,
            dependency_paths,
            generated,
            labels,
            warnings,
        }
    }
}

/// Every warning of a file and of what it includes, once each.
fn collect_warnings(file: &FileConfig, out: &mut Vec<String>) {
    for w in &file.warnings {
        if !out.contains(w) {
            out.push(w.clone());
        }
    }
    for include in &file.includes {
        collect_warnings(&include.config, out);
    }
}

/// The environment names declared by the conventional locals of the files read
/// (the deepest file first) and by the unit's inputs.
fn labels(sources: &mut [(PathBuf, Map)], inputs: &Map, unit: &Path) -> Vec<(String, String)> {
    sources.sort_by_key(|(p, _)| std::cmp::Reverse(p.components().count()));
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |what: String, value: &EvalValue| {
        if let Some(v) = value.unmarked().to_text().filter(|_| !matches!(value, EvalValue::Sensitive(_)))
            && !out.iter().any(|(w, _)| *w == what)
        {
            out.push((what, v.into_owned()));
        }
    };
    for (path, locals) in sources.iter() {
        for key in ENV_LOCALS {
            if let Some(v) = locals.get(key) {
                push(format!("local `{key}` in {}", shown(path)), v);
            }
        }
    }
    for key in ENV_INPUTS {
        if let Some(v) = inputs.get(key) {
            push(format!("input `{key}` of {}", shown(unit)), v);
        }
    }
    out
}

/// Maps merged at every level, lists joined; otherwise the newer value.
fn deep_merge(old: EvalValue, new: EvalValue) -> EvalValue {
    match (old, new) {
        (EvalValue::Map(mut a), EvalValue::Map(b)) => {
            for (k, v) in b {
                let v = match a.remove(&k) {
                    Some(o) => deep_merge(o, v),
                    None => v,
                };
                a.insert(k, v);
            }
            EvalValue::Map(a)
        }
        (EvalValue::List(mut a), EvalValue::List(b)) => {
            a.extend(b);
            EvalValue::List(a)
        }
        (_, new) => new,
    }
}

/// Terragrunt's names (`include`, `dependency`) and functions.
struct TerragruntHost<'c> {
    ctx: &'c Context,
    include: EvalValue,
    dependency: EvalValue,
}

impl Host for TerragruntHost<'_> {
    fn root(&self, name: &str) -> Option<EvalValue> {
        match name {
            "include" => Some(self.include.clone()),
            "dependency" => Some(self.dependency.clone()),
            "values" => Some(self.ctx.values.clone()),
            // Feature flags are set from outside.
            "feature" => Some(EvalValue::unknown()),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[EvalValue]) -> Option<Result<EvalValue, String>> {
        let ctx = self.ctx;
        let text = |i: usize| args.get(i).and_then(EvalValue::to_text).map(|t| t.into_owned());
        let path = |p: &Path| EvalValue::str(p.display().to_string());
        let include_dir = || match text(0) {
            Some(n) => ctx.includes.iter().find(|(name, _)| *name == n).map(|(_, d)| d.clone()),
            None => ctx.include.as_ref().map(|(_, d)| d.clone()),
        };
        Some(match name {
            "find_in_parent_folders" => find_in_parent_folders(ctx, text(0), args.get(1)),
            "read_terragrunt_config" => match text(0) {
                Some(p) => read_config(ctx, &p, args.get(1)),
                None => Err("expects the path of a configuration".to_owned()),
            },
            "get_terragrunt_dir" => Ok(path(&ctx.dir)),
            "get_original_terragrunt_dir" => Ok(path(&ctx.original)),
            "get_parent_terragrunt_dir" => Ok(path(&include_dir().unwrap_or_else(|| ctx.dir.clone()))),
            "path_relative_to_include" => {
                Ok(EvalValue::str(include_dir().map_or_else(|| ".".to_owned(), |d| relative_to(&ctx.dir, &d))))
            }
            "path_relative_from_include" => {
                Ok(EvalValue::str(include_dir().map_or_else(|| ".".to_owned(), |d| relative_to(&d, &ctx.dir))))
            }
            "get_repo_root" | "get_path_from_repo_root" | "get_path_to_repo_root" => {
                match crate::input::place::repository_root(&ctx.dir) {
                    Some(root) => Ok(match name {
                        "get_repo_root" => path(&root),
                        "get_path_from_repo_root" => {
                            EvalValue::str(relative_to(&crate::input::place::canonical(&ctx.dir), &root))
                        }
                        _ => EvalValue::str(relative_to(&root, &crate::input::place::canonical(&ctx.dir))),
                    }),
                    None => Err(format!("{} is not in a git repository", shown(&ctx.dir))),
                }
            }
            "get_env" => match text(0) {
                Some(n) => Ok(EvalValue::str(std::env::var(&n).ok().or_else(|| text(1)).unwrap_or_default())),
                None => Err("expects the name of an environment variable".to_owned()),
            },
            "get_platform" => Ok(EvalValue::str(match std::env::consts::OS {
                "macos" => "darwin",
                os => os,
            })),
            "mark_as_read" => Ok(args.first().cloned().unwrap_or_default()),
            "sops_decrypt_file" => Ok(EvalValue::Sensitive(Box::new(EvalValue::unknown()))),
            // What a cloud, a command or the command line answers.
            "get_aws_account_id"
            | "get_aws_account_alias"
            | "get_aws_caller_identity_arn"
            | "get_aws_caller_identity_user_id"
            | "get_terraform_command"
            | "get_terraform_cli_args"
            | "get_terraform_commands_that_need_vars"
            | "get_terraform_commands_that_need_input"
            | "get_terraform_commands_that_need_locking"
            | "get_terraform_commands_that_need_parallelism"
            | "get_terragrunt_source_cli_flag"
            | "get_default_retryable_errors"
            | "get_working_dir"
            | "run_cmd"
            | "read_tfvars_file"
            | "constraint_check"
            | "mark_glob_as_read" => Ok(EvalValue::unknown()),
            _ => return None,
        })
    }
}

/// `find_in_parent_folders(name, fallback)`: the first `name` in the
/// directories above the unit's, absolute. Without a name, Terragrunt looks for
/// `terragrunt.hcl`; since the root configuration is now `root.hcl` by
/// convention, envwall then looks for that.
fn find_in_parent_folders(
    ctx: &Context,
    name: Option<String>,
    fallback: Option<&EvalValue>,
) -> Result<EvalValue, String> {
    let names = match &name {
        Some(n) => vec![n.as_str()],
        None => vec![super::UNIT_FILE, "root.hcl"],
    };
    for name in &names {
        for dir in ctx.dir.ancestors().skip(1) {
            let candidate = dir.join(name);
            if candidate.exists() {
                return Ok(EvalValue::str(normalize(&candidate).display().to_string()));
            }
        }
    }
    match fallback {
        Some(v) => Ok(v.clone()),
        None => Err(format!("no {} in any folder above {}", names.join(" or "), shown(&ctx.dir))),
    }
}

/// `read_terragrunt_config(path, default)`: the file evaluated in its own
/// directory, as [`FileConfig::exported`] gives it.
fn read_config(ctx: &Context, path: &str, default: Option<&EvalValue>) -> Result<EvalValue, String> {
    let file = normalize(&ctx.dir.join(path));
    if !file.is_file() {
        return default.cloned().ok_or_else(|| format!("{} does not exist", shown(&file)));
    }
    if ctx.depth >= MAX_DEPTH {
        return Err(format!("configurations read each other more than {MAX_DEPTH} deep (a cycle?)"));
    }
    let inner = Context {
        dir: file.parent().map(Path::to_owned).unwrap_or_default(),
        original: ctx.original.clone(),
        include: None,
        includes: Vec::new(),
        depth: ctx.depth + 1,
        reads: Rc::clone(&ctx.reads),
        values: EvalValue::unknown(),
    };
    let config = evaluate_file(&file, &inner, &EvalValue::unknown()).map_err(|e| e.to_string())?;
    ctx.reads.borrow_mut().push((file, config.locals.clone()));
    Ok(config.exported())
}

/// `path` made absolute without resolving links.
fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() { Path::new(".") } else { path };
    let abs = if path.is_absolute() { path.to_owned() } else { std::env::current_dir().unwrap_or_default().join(path) };
    normalize(&abs)
}

/// A path as messages show it: relative to the working directory when it is below it.
pub fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    match path.strip_prefix(&cwd) {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.display().to_string(),
        _ => path.display().to_string(),
    }
}
