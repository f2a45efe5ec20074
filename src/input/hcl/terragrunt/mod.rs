//! Terragrunt units (`terragrunt.hcl`) as inputs: the module a unit takes
//! (`terraform { source }`) read with the unit's `inputs` as its variables, or,
//! when the source is not a local path (envwall does not fetch modules), the unit
//! listed with its inputs and no resources, with a warning that says why. Shared by
//! `check` (a unit's directory or its `terragrunt.hcl`) and `audit`.

pub mod config;

use std::path::{Path, PathBuf};

use super::Options;
use super::value::EvalValue;
use crate::input::InputError;
use crate::model::{Input, InputKind, Model, Warning};

/// The unit file's name.
pub const UNIT_FILE: &str = "terragrunt.hcl";

/// Where a unit's module is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitSource {
    /// A local directory (`../../modules//vpc`), or a remote module's local copy.
    Local(PathBuf),
    /// A remote module (`git::…`, `tfr:///…`) that is not here: envwall does not
    /// fetch modules.
    Remote(String),
    /// An expression whose value is not known here, as written.
    Unknown(String),
}

impl UnitSource {
    /// Why a unit with this source has no resources, when it has none.
    fn why_unread(&self) -> String {
        match self {
            UnitSource::Local(dir) => format!("its module directory {} cannot be read", dir.display()),
            UnitSource::Remote(s) => format!(
                "its module source `{s}` is not a local path, and envwall does not fetch modules (run `terragrunt init` to fill .terragrunt-cache, or map the source to a checkout with --module-source)"
            ),
            UnitSource::Unknown(s) => format!("its module source `{s}` is not known here"),
        }
    }
}

/// Whether a module source is a local path.
pub fn is_local(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

/// A module source's directory: `../modules//vpc` is `../modules/vpc`.
pub fn module_dir(source: &str) -> PathBuf {
    PathBuf::from(source.replace("//", "/"))
}

/// `--module-source PREFIX=DIR`: remote module sources that are local checkouts
/// in this run, set once before anything is read.
static MODULE_SOURCES: std::sync::OnceLock<Vec<(String, PathBuf)>> = std::sync::OnceLock::new();

/// Sets the run's `--module-source` mappings (the first call wins).
pub fn set_module_sources(mappings: Vec<(String, PathBuf)>) {
    let _ = MODULE_SOURCES.set(mappings);
}

/// The local checkout a remote source maps to: the longest `--module-source`
/// prefix it starts with (at a `/`, `//` or `?` boundary), its `?ref=` dropped and
/// its `//subdir` followed (`git::…/modules.git//vpc?ref=v1` with
/// `git::…/modules.git=../modules` is `../modules/vpc`).
pub fn mapped_source(source: &str, mappings: &[(String, PathBuf)]) -> Option<PathBuf> {
    let without_query = source.split('?').next().unwrap_or(source);
    let (prefix, dir) = mappings
        .iter()
        .filter(|(prefix, _)| {
            without_query.strip_prefix(prefix.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .max_by_key(|(prefix, _)| prefix.len())?;
    let rest = without_query[prefix.len()..].trim_start_matches('/');
    Some(super::normalize(&dir.join(module_dir(rest))))
}

/// A unit's configuration and where its module is (`None`: it names none).
pub struct EvaluatedUnit {
    /// The configuration, merged with its includes.
    pub config: config::Unit,
    /// Its module.
    pub source: Option<UnitSource>,
}

/// Evaluates the unit `file` (see [`config::evaluate`]) and finds its module: a
/// local path is read where it is; a remote source from the unit's
/// `.terragrunt-cache` when Terragrunt has downloaded it, else from the checkout
/// `--module-source` maps it to.
pub fn evaluate_unit(
    file: &Path,
    outputs: &dyn Fn(&config::Dependency) -> Option<EvalValue>,
) -> Result<EvaluatedUnit, InputError> {
    let config = config::evaluate(file, outputs)?;
    let unit_dir = file.parent().unwrap_or(Path::new("."));
    let source = config.source.as_ref().map(|source| match source {
        config::Source::Known(s) if is_local(s) || Path::new(s).is_absolute() => {
            UnitSource::Local(super::normalize(&unit_dir.join(module_dir(s))))
        }
        config::Source::Known(s) => {
            let local =
                cached_module(unit_dir).or_else(|| mapped_source(s, MODULE_SOURCES.get().map_or(&[], Vec::as_slice)));
            local.map_or_else(|| UnitSource::Remote(s.clone()), UnitSource::Local)
        }
        // What Terragrunt downloaded is there whatever the expression says.
        config::Source::Unknown(s) => {
            cached_module(unit_dir).map_or_else(|| UnitSource::Unknown(s.clone()), UnitSource::Local)
        }
    });
    Ok(EvaluatedUnit { config, source })
}

/// A unit's module (`None` when it names none, or the unit cannot be read).
pub fn unit_source(file: &Path) -> Option<UnitSource> {
    evaluate_unit(file, &|_| None).ok()?.source
}

/// The outputs of the unit at `dir` as its source decides them: its module's
/// outputs with the unit's inputs. `None` when the unit or its module cannot be
/// read.
pub fn source_outputs(dir: &Path) -> Option<EvalValue> {
    let unit = evaluate_unit(&dir.join(UNIT_FILE), &|_| None).ok()?;
    let Some(UnitSource::Local(module)) = unit.source else { return None };
    let options = Options { inputs: unit.config.inputs, ..Options::default() };
    super::root_outputs(&module, &options).ok()
}

/// The working directory Terragrunt prepared for a unit in its
/// `.terragrunt-cache`: the downloaded module's directory, where Terragrunt
/// copies the unit's `terragrunt.hcl` beside the module's `.tf` files
/// (`.terragrunt-cache/<hash>/<hash>/<subdir>`). The most recently changed one
/// when there are several.
fn cached_module(unit_dir: &Path) -> Option<PathBuf> {
    let cache = unit_dir.join(".terragrunt-cache");
    if !cache.is_dir() {
        return None;
    }
    walkdir::WalkDir::new(&cache)
        .max_depth(6)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir() && e.file_name() != ".terraform")
        .filter(|e| {
            let dir = e.path();
            dir.join(UNIT_FILE).is_file()
                && std::fs::read_dir(dir)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .any(|f| super::is_configuration_file(&f.file_name().to_string_lossy()))
        })
        .max_by_key(|e| e.metadata().ok().and_then(|m| m.modified().ok()))
        .map(|e| e.path().to_owned())
}

/// Whether a `terragrunt.hcl` is a root configuration that units include, not a
/// unit: it sets `remote_state` or `generate`, takes no module (a `terraform`
/// block of `extra_arguments` alone names none), includes nothing and depends on
/// nothing. Its `inputs` are the ones every unit shares.
pub fn is_root_config(file: &Path) -> bool {
    let Some(text) = crate::input::read::text_if_readable(file, crate::input::read::FileKind::Source) else {
        return false;
    };
    let Ok(body) = hcl_edit::parser::parse_body(text.trim_start_matches('\u{feff}')) else { return false };
    let sets_up = body.get_blocks("remote_state").next().is_some()
        || body.get_blocks("generate").next().is_some()
        || body.get_attribute("remote_state").is_some();
    let unit = body.get_blocks("terraform").any(|t| t.body.get_attribute("source").is_some())
        || ["include", "dependency", "dependencies"].iter().any(|b| body.get_blocks(b).next().is_some());
    sets_up && !unit
}

/// The unit file an input names: the `terragrunt.hcl` itself, or a directory that
/// holds one and no Terraform or OpenTofu files of its own.
pub fn unit_file(path: &Path) -> Option<PathBuf> {
    if path.file_name().is_some_and(|n| n == UNIT_FILE) {
        return Some(path.to_owned());
    }
    if !path.is_dir() || !path.join(UNIT_FILE).is_file() {
        return None;
    }
    let own_configuration = std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| super::is_configuration_file(&e.file_name().to_string_lossy()));
    (!own_configuration).then(|| path.join(UNIT_FILE))
}

/// The files whose locals say a unit's environment, as Terragrunt layouts keep
/// them in the unit's parent directories.
const ENV_FILES: [&str; 3] = ["env.hcl", "region.hcl", "account.hcl"];

/// The environment names the unit's parent folders declare, for a unit whose
/// configuration reads none of them: the conventional locals (`environment`,
/// `env`, `stage`, `account_name`) of the nearest `env.hcl`, `region.hcl` and
/// `account.hcl` above it, nearest first, each with where it is written. The
/// search stops at the repository's root.
pub fn parent_labels(file: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut found = [false; ENV_FILES.len()];
    let mut dir = file.parent().map(Path::to_owned);
    while let Some(d) = dir {
        for (k, name) in ENV_FILES.iter().enumerate() {
            let path = d.join(name);
            if found[k] || !path.is_file() {
                continue;
            }
            found[k] = true;
            let Some(text) = crate::input::read::text_if_readable(&path, crate::input::read::FileKind::Source) else {
                continue;
            };
            let Ok(body) = hcl_edit::parser::parse_body(text.trim_start_matches('\u{feff}')) else { continue };
            for locals in body.get_blocks("locals") {
                for key in config::ENV_LOCALS {
                    if let Some(hcl_edit::expr::Expression::String(s)) =
                        locals.body.get_attribute(key).map(|a| &a.value)
                    {
                        out.push((format!("local `{key}` in {}", path.display()), s.value().clone()));
                    }
                }
            }
        }
        if d.join(".git").exists() {
            break;
        }
        dir = d.parent().map(Path::to_owned);
    }
    out
}

/// The environment names a unit declares: those of the configurations it reads,
/// else those of its parent folders' conventional files.
pub fn unit_labels(file: &Path, unit: &config::Unit) -> Vec<(String, String)> {
    if unit.labels.is_empty() { parent_labels(file) } else { unit.labels.clone() }
}

/// The options a unit's module is read with: the unit's inputs as its root
/// variables (ranked like `TF_VAR_*`), and the files its `generate` blocks write.
pub fn unit_options(unit: &config::Unit, options: &Options) -> Options {
    let mut options = options.clone();
    options.inputs.extend(unit.inputs.iter().cloned());
    options.generated.clone_from(&unit.generated);
    options
}

/// Loads the unit `file` into `model`: its module with its inputs, or the unit
/// alone (see [`unread_unit`]). The input is named by the unit's directory. A
/// dependency's outputs are read from the producing unit's source.
pub fn load_unit(file: &Path, options: &Options, model: &mut Model<'_>) -> Result<(), InputError> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_owned();
    let unit = evaluate_unit(file, &|d| source_outputs(&d.dir))?;
    let options = unit_options(&unit.config, options);
    let first = model.inputs.len();
    model.warnings.extend(unit.config.warnings.iter().map(|w| Warning::about(first, w.clone())));
    match &unit.source {
        Some(UnitSource::Local(module)) if module.is_dir() => super::load(module, &options, model)?,
        other => unread_unit(model, &dir, &options, other.as_ref(), file),
    }
    let labels = unit_labels(file, &unit.config);
    for input in &mut model.inputs[first..] {
        input.path.clone_from(&dir);
        input.labels.clone_from(&labels);
    }
    Ok(())
}

/// A unit whose module is not read is still an input: its inputs say where it
/// is. The warning says why it has no resources.
pub fn unread_unit(model: &mut Model<'_>, dir: &Path, options: &Options, source: Option<&UnitSource>, file: &Path) {
    let id = model.inputs.len();
    model.inputs.push(Input {
        path: dir.to_owned(),
        place: PathBuf::new(),
        kind: InputKind::Source,
        terraform_version: None,
        variables: options.inputs.iter().map(|(k, v)| (k.clone().into(), v.clone().into_model())).collect(),
        providers: Vec::new(),
        name: None,
        workspace: None,
        labels: Vec::new(),
    });
    let why = match source {
        Some(s) => s.why_unread(),
        None => "it names no module source (`terraform { source }`)".to_owned(),
    };
    model.warnings.push(Warning::about(
        id,
        format!("{}: the unit's module is not read: {why}; it is listed with no resources", file.display()),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_sources_map_to_local_checkouts() {
        let m = vec![
            ("git::git@github.com:acme/modules.git".to_owned(), PathBuf::from("/src/modules")),
            ("git::git@github.com:acme/modules.git//net".to_owned(), PathBuf::from("/src/net")),
            ("tfr:///terraform-aws-modules/vpc/aws".to_owned(), PathBuf::from("/src/vpc")),
        ];
        let map = |s| mapped_source(s, &m);
        assert_eq!(map("git::git@github.com:acme/modules.git//mysql?ref=v0.8.0"), Some("/src/modules/mysql".into()));
        assert_eq!(map("git::git@github.com:acme/modules.git//net/vpc?ref=v1"), Some("/src/net/vpc".into()));
        assert_eq!(map("git::git@github.com:acme/modules.git?ref=v1"), Some("/src/modules".into()));
        assert_eq!(map("tfr:///terraform-aws-modules/vpc/aws?version=5.0.0"), Some("/src/vpc".into()));
        // A prefix that stops inside a name maps nothing.
        assert_eq!(map("git::git@github.com:acme/modules.git-old//x"), None);
        assert_eq!(map("git::https://github.com/other/modules.git//x"), None);
    }
}
