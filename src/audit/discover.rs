//! Finding the stacks of a repository.
//!
//! In: the directories to audit, and `--state STACK=FILE` mappings. Out: every
//! [`Stack`]: a root module (a directory of `.tf`/`.tf.json` files that no other
//! directory calls as a local module), a Terragrunt unit (`terragrunt.hcl`), or a
//! directory holding only state or plan files; with the states (`terraform.tfstate`,
//! `*.tfstate`, workspace states under `terraform.tfstate.d/`, `terraform show
//! -json` output) and plan JSON found beside it. Symbolic links are followed (a
//! loop is reported, not followed twice); a directory reached twice is one
//! directory. Directories Terraform and tools keep for themselves (`.terraform`,
//! `.terragrunt-cache`, `.git`, any hidden one but `.terragrunt-stack`, where
//! `terragrunt stack generate` writes a stack's units, `node_modules`) are not
//! searched.
//! Only regular files are read. Stacks are named by their path relative to the
//! common root of the audited directories, so every name is unique.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::hash::{FastMap, FastSet};
use crate::input::hcl::terragrunt::{
    UnitSource as TerragruntSource, is_local, module_dir, unit_source as terragrunt_source,
};
use crate::input::place;

/// One stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    /// Its path relative to the common root of the audited directories
    /// (`live/prod/network`), or that root's own name for the root itself.
    pub name: String,
    /// Its directory, as reached from the directories given.
    pub dir: PathBuf,
    /// Where it sits in its repository, for its environment: its path relative to
    /// the repository root (`.git`), else to the audited directories' common root.
    pub place: PathBuf,
    /// The root module to read: the directory itself, a Terragrunt unit's module, or
    /// none when the stack is only state.
    pub source: Option<PathBuf>,
    /// A Terragrunt unit's file, whose `inputs` set the module's variables.
    pub terragrunt: Option<PathBuf>,
    /// State files, with the workspace each belongs to (`None`: the default one).
    pub states: Vec<(PathBuf, Option<String>)>,
    /// Plan JSON files.
    pub plans: Vec<PathBuf>,
    /// Whether its source reads another stack's outputs (`terraform_remote_state`).
    pub reads_remote_state: bool,
    /// The workspace, for a stack whose states live in `terraform.tfstate.d/`:
    /// each workspace is its own stack (`network@staging`).
    pub workspace: Option<String>,
}

/// The stacks found, and what got in the way of finding them.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Every stack, by name.
    pub stacks: Vec<Stack>,
    /// Directories or files that could not be read, link loops.
    pub warnings: Vec<String>,
    /// Directories left out as reusable modules (see [`discover`]), by name.
    pub modules: Vec<String>,
}

/// What one directory holds.
#[derive(Default)]
struct DirFiles {
    /// The directory as reached from the directories given.
    dir: PathBuf,
    /// Its name: its path relative to the common root.
    name: String,
    tf: Vec<PathBuf>,
    /// Variable files or a provider lock file: what a root module has.
    root_files: bool,
    terragrunt: bool,
    states: Vec<(PathBuf, Option<String>)>,
    plans: Vec<PathBuf>,
}

/// Why discovery failed (exit 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum DiscoverError {
    /// A directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    #[diagnostic(code(envwall::audit::io))]
    Io {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// `--state` names no stack.
    #[error("--state {spec}: {message}")]
    #[diagnostic(
        code(envwall::audit::state),
        help("write --state STACK=FILE, STACK being a stack name listed by the audit or its directory")
    )]
    State {
        /// The argument.
        spec: String,
        /// What is wrong.
        message: String,
    },
}

/// Finds every stack under `roots`. A directory below one named `modules` that
/// nothing here calls, and that holds nothing a root module has (a backend, a
/// provider's settings, variable files, a lock file, state), is a reusable module
/// others call from elsewhere, not a stack: it is left out unless
/// `include_modules`.
pub fn discover(
    roots: &[PathBuf],
    state_overrides: &[String],
    include_modules: bool,
) -> Result<Discovery, DiscoverError> {
    let mut warnings = Vec::new();
    let absolute: Vec<PathBuf> = roots.iter().map(|r| lexical_absolute(r)).collect();
    let common = common_root(&absolute);
    // Directories by identity (canonical path), so one reached twice is one.
    let mut dirs: BTreeMap<PathBuf, DirFiles> = BTreeMap::new();
    for (root, abs) in roots.iter().zip(&absolute) {
        let meta = std::fs::metadata(root).map_err(|source| DiscoverError::Io { path: root.clone(), source })?;
        if !meta.is_dir() {
            return Err(DiscoverError::Io {
                path: root.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
            });
        }
        walk(root, abs, &common, &mut dirs, &mut warnings);
    }
    // Local modules that some directory's source calls are modules, not stacks.
    let mut called: FastSet<PathBuf> = FastSet::default();
    let mut reads_remote: FastSet<PathBuf> = FastSet::default();
    let mut configures_root: FastSet<PathBuf> = FastSet::default();
    // Each unit's module source, read once (it may mean a walk of its cache).
    let mut unit_sources: FastMap<PathBuf, TerragruntSource> = FastMap::default();
    for (id, files) in &dirs {
        for tf in &files.tf {
            // A file that does not parse: loading the stack meets the same error and reports it.
            if let Ok(facts) = crate::input::hcl::file_facts(tf) {
                if facts.reads_remote_state {
                    reads_remote.insert(id.clone());
                }
                if facts.configures_root {
                    configures_root.insert(id.clone());
                }
                for source in facts.module_sources.iter().filter(|s| is_local(s)) {
                    called.insert(identity(&files.dir.join(module_dir(source))));
                }
            }
        }
        if files.terragrunt
            && let Some(source) = terragrunt_source(&files.dir.join("terragrunt.hcl"))
        {
            if let TerragruntSource::Local(dir) = &source {
                called.insert(identity(dir));
            }
            unit_sources.insert(id.clone(), source);
        }
    }
    let searched: FastSet<PathBuf> = dirs.keys().cloned().collect();
    let reads_remote_state = |source: &Path| {
        let id = identity(source);
        reads_remote.contains(&id)
            || (!searched.contains(&id) && {
                // A module outside the searched directories is read for it.
                std::fs::read_dir(source).is_ok_and(|entries| {
                    entries.flatten().any(|e| {
                        is_tf(&e.file_name().to_string_lossy())
                            && crate::input::hcl::file_facts(&e.path()).is_ok_and(|f| f.reads_remote_state)
                    })
                })
            })
    };
    let repository = place::repository_root(&common);
    let mut stacks = Vec::new();
    let mut modules = Vec::new();
    for (id, files) in &mut dirs {
        let has_state = !files.states.is_empty() || !files.plans.is_empty();
        let library = !include_modules
            && !has_state
            && !files.terragrunt
            && !files.root_files
            && !configures_root.contains(id)
            && files.name.split('/').any(|seg| seg.eq_ignore_ascii_case("modules"));
        if library && !files.tf.is_empty() && !called.contains(id) {
            modules.push(files.name.clone());
        }
        let is_module = called.contains(id) || library;
        let source = if files.terragrunt {
            match unit_sources.remove(id) {
                Some(TerragruntSource::Local(dir)) => Some(dir),
                _ => None,
            }
        } else if !files.tf.is_empty() && !is_module {
            Some(files.dir.clone())
        } else {
            None
        };
        if source.is_none() && !has_state && !files.terragrunt {
            continue;
        }
        files.states.sort();
        files.plans.sort();
        let states = std::mem::take(&mut files.states);
        let mut workspaces: Vec<Option<String>> = states.iter().map(|(_, w)| w.clone()).collect();
        workspaces.dedup();
        if workspaces.is_empty() {
            workspaces.push(None);
        }
        let logical = common.join(&files.name);
        let stack_place = repository
            .as_ref()
            .and_then(|r| logical.strip_prefix(r).ok().map(Path::to_owned))
            .unwrap_or_else(|| PathBuf::from(&files.name));
        for workspace in workspaces {
            let name = match &workspace {
                Some(w) => format!("{}@{w}", files.name),
                None => files.name.clone(),
            };
            stacks.push(Stack {
                name,
                dir: files.dir.clone(),
                place: stack_place.clone(),
                source: source.clone(),
                terragrunt: files.terragrunt.then(|| files.dir.join("terragrunt.hcl")),
                states: states.iter().filter(|(_, w)| *w == workspace).cloned().collect(),
                plans: if workspace.is_none() { std::mem::take(&mut files.plans) } else { Vec::new() },
                reads_remote_state: source.as_deref().is_some_and(reads_remote_state),
                workspace,
            });
        }
    }
    stacks.sort_by(|a, b| a.name.cmp(&b.name));
    for spec in state_overrides {
        let Some((name, file)) = spec.split_once('=') else {
            return Err(DiscoverError::State { spec: spec.clone(), message: "expected STACK=FILE".into() });
        };
        let file = PathBuf::from(file);
        if !std::fs::metadata(&file).is_ok_and(|m| m.is_file()) {
            return Err(DiscoverError::State {
                spec: spec.clone(),
                message: format!("{} is not a file", file.display()),
            });
        }
        if !matches!(json_kind(&file), Some(JsonKind::State)) {
            return Err(DiscoverError::State {
                spec: spec.clone(),
                message: format!(
                    "{} is not Terraform state (a terraform.tfstate, `terraform state pull` or `terraform show -json` output)",
                    file.display()
                ),
            });
        }
        let wanted = identity(Path::new(name));
        let by_name = stacks.iter().position(|s| s.name == name);
        let by_dir = || stacks.iter().position(|s| s.workspace.is_none() && identity(&s.dir) == wanted);
        let Some(at) = by_name.or_else(by_dir) else {
            let known: Vec<&str> = stacks.iter().map(|s| s.name.as_str()).take(8).collect();
            return Err(DiscoverError::State {
                spec: spec.clone(),
                message: format!("no stack named `{name}` (stacks: {})", known.join(", ")),
            });
        };
        stacks[at].states.push((file, None));
    }
    Ok(Discovery { stacks, warnings, modules })
}

/// Walks one audited directory, following symbolic links.
fn walk(
    root: &Path,
    absolute: &Path,
    common: &Path,
    dirs: &mut BTreeMap<PathBuf, DirFiles>,
    warnings: &mut Vec<String>,
) {
    let mut entries = walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| shown(root, p)).unwrap_or_default();
                if let Some(ancestor) = e.loop_ancestor() {
                    warnings.push(format!(
                        "{path}: a symbolic link back to {}, which is searched already; not followed",
                        ancestor.display()
                    ));
                } else if !e.path().is_some_and(|p| p.is_symlink() && !matters(p)) {
                    // A link to nothing that no stack needs is not worth a word.
                    let why = e.io_error().map_or_else(|| e.to_string(), ToString::to_string);
                    warnings.push(format!("{path}: cannot be read ({why}); skipped"));
                }
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if entry.file_type().is_dir() {
            // The units `terragrunt stack generate` writes are stacks like any.
            if entry.depth() > 0 && (name.starts_with('.') && name != ".terragrunt-stack" || name == "node_modules") {
                entries.skip_current_dir();
                continue;
            }
            if name == "terraform.tfstate.d" {
                if let Some(parent) = path.parent() {
                    let states = workspace_states(path);
                    dir_files(dirs, parent, root, absolute, common).states.extend(states);
                }
                entries.skip_current_dir();
                continue;
            }
            dir_files(dirs, path, root, absolute, common);
            continue;
        }
        let Some(parent) = path.parent() else { continue };
        if !entry.file_type().is_file() {
            if matters(path) {
                warnings.push(format!("{}: not a regular file; skipped", shown(root, path)));
            }
            continue;
        }
        let files = dir_files(dirs, parent, root, absolute, common);
        if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") || name == ".terraform.lock.hcl" {
            files.root_files = true;
        } else if is_tf(&name) {
            files.tf.push(path.to_owned());
        } else if name == "terragrunt.hcl" && !crate::input::hcl::terragrunt::is_root_config(path) {
            files.terragrunt = true;
        } else if name == "terragrunt.stack.hcl" && !parent.join(".terragrunt-stack").is_dir() {
            warnings.push(format!(
                "{}: a Terragrunt stack: envwall reads the units `terragrunt stack generate` writes into .terragrunt-stack/, and none are there; run it, then audit again",
                shown(root, path)
            ));
        } else if name.ends_with(".tfstate") {
            files.states.push((path.to_owned(), None));
        } else if name.ends_with(".json") && !name.ends_with(".tfvars.json") {
            match json_kind(path) {
                Some(JsonKind::Plan) => files.plans.push(path.to_owned()),
                Some(JsonKind::State) => files.states.push((path.to_owned(), None)),
                None => {}
            }
        }
    }
}

/// The entry of a directory, made on first sight.
fn dir_files<'d>(
    dirs: &'d mut BTreeMap<PathBuf, DirFiles>,
    dir: &Path,
    root: &Path,
    absolute: &Path,
    common: &Path,
) -> &'d mut DirFiles {
    dirs.entry(identity(dir)).or_insert_with(|| {
        let rel = dir.strip_prefix(root).unwrap_or(dir);
        let logical = crate::input::hcl::normalize(&absolute.join(rel));
        let name = match logical.strip_prefix(common) {
            Ok(r) if !r.as_os_str().is_empty() => slash_path(r),
            _ => common.file_name().map_or_else(|| ".".to_owned(), |n| n.to_string_lossy().into_owned()),
        };
        DirFiles { dir: shown_path(root, dir), name, ..DirFiles::default() }
    })
}

/// A path as reached from `root`, without a leading `./` when `root` is `.`.
fn shown_path(root: &Path, path: &Path) -> PathBuf {
    if root == Path::new(".") {
        match path.strip_prefix(".") {
            Ok(rest) if !rest.as_os_str().is_empty() => return rest.to_owned(),
            _ => {}
        }
    }
    path.to_owned()
}

fn shown(root: &Path, path: &Path) -> String {
    shown_path(root, path).display().to_string()
}

/// A relative path with `/` between its parts, on every platform.
fn slash_path(p: &Path) -> String {
    p.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Files whose absence or odd kind matters to finding stacks.
fn matters(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    is_tf(&name) || name == "terragrunt.hcl" || name.ends_with(".tfstate")
}

fn is_tf(name: &str) -> bool {
    crate::input::hcl::is_configuration_file(name)
}

/// `path` made absolute without resolving links: the directory as the user sees it.
fn lexical_absolute(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() { path.to_owned() } else { std::env::current_dir().unwrap_or_default().join(path) };
    crate::input::hcl::normalize(&abs)
}

/// The deepest directory holding every one of `paths`.
fn common_root(paths: &[PathBuf]) -> PathBuf {
    let mut common: Vec<Component<'_>> = match paths.first() {
        Some(p) => p.components().collect(),
        None => return PathBuf::from("."),
    };
    for p in &paths[1..] {
        let n = common.iter().zip(p.components()).take_while(|(a, b)| **a == *b).count();
        common.truncate(n);
    }
    common.into_iter().collect()
}

/// A directory's identity: its canonical path, or its lexical one when it does not exist.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| lexical_absolute(path))
}

/// Whether a module source is a local path.
/// `terraform.tfstate.d/<workspace>/terraform.tfstate`.
fn workspace_states(dir: &Path) -> Vec<(PathBuf, Option<String>)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let state = entry.path().join("terraform.tfstate");
        if std::fs::metadata(&state).is_ok_and(|m| m.is_file()) {
            out.push((state, Some(entry.file_name().to_string_lossy().into_owned())));
        }
    }
    out.sort();
    out
}

enum JsonKind {
    Plan,
    State,
}

/// Whether a `.json` file is a plan or a `show -json` state, by its first bytes.
fn json_kind(path: &Path) -> Option<JsonKind> {
    let head = crate::input::read::head(path, 4096)?;
    let head = String::from_utf8_lossy(&head);
    // JSON (an object), with Terraform's version fields near the top.
    let object = head.trim_start_matches('\u{feff}').trim_start().starts_with('{');
    if !object || (!head.contains("\"format_version\"") && !head.contains("\"terraform_version\"")) {
        return None;
    }
    if head.contains("\"resource_changes\"") || head.contains("\"planned_values\"") || head.contains("\"prior_state\"")
    {
        Some(JsonKind::Plan)
    } else {
        Some(JsonKind::State)
    }
}

pub use crate::input::hcl::normalize;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_root_is_the_deepest_shared_directory() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(common_root(&[p("/r/a/app"), p("/r/b/app")]), p("/r"));
        assert_eq!(common_root(&[p("/r/a")]), p("/r/a"));
        assert_eq!(common_root(&[p("/r/a"), p("/r/a/b")]), p("/r/a"));
        assert_eq!(common_root(&[p("/x"), p("/y")]), p("/"));
    }
}
