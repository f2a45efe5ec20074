//! Finding the stacks of a repository.
//!
//! In: the directories to audit, and `--state STACK=FILE` mappings. Out: every
//! [`Stack`]: a root module (a directory of `.tf`/`.tf.json` files that no other
//! directory calls as a local module), a Terragrunt unit (`terragrunt.hcl` whose
//! `terraform { source }` is a local module), or a directory holding only state or
//! plan files; with the states (`terraform.tfstate`, `*.tfstate`, workspace states
//! under `terraform.tfstate.d/`, `terraform show -json` output) and plan JSON found
//! beside it. Directories Terraform and tools keep for themselves (`.terraform`,
//! `.terragrunt-cache`, `.git`, any hidden one) are not searched.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// One stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    /// Its path relative to the audited directory (`live/prod/network`), or the
    /// directory's own name for the audited directory itself.
    pub name: String,
    /// Its directory.
    pub dir: PathBuf,
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

/// What one directory holds.
#[derive(Default)]
struct DirFiles {
    tf: bool,
    /// A `.tf` file mentions `terraform_remote_state`.
    remote_state: bool,
    terragrunt: bool,
    states: Vec<(PathBuf, Option<String>)>,
    plans: Vec<PathBuf>,
    /// Local module directories its files call.
    calls: Vec<PathBuf>,
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

/// Finds every stack under `roots`.
pub fn discover(roots: &[PathBuf], state_overrides: &[String]) -> Result<Vec<Stack>, DiscoverError> {
    let mut dirs: BTreeMap<PathBuf, DirFiles> = BTreeMap::new();
    let mut names: BTreeMap<PathBuf, String> = BTreeMap::new();
    for root in roots {
        let meta = std::fs::metadata(root).map_err(|source| DiscoverError::Io { path: root.clone(), source })?;
        if !meta.is_dir() {
            return Err(DiscoverError::Io {
                path: root.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
            });
        }
        walk(root, root, &mut dirs, &mut names)?;
    }
    let called: HashSet<PathBuf> = dirs.values().flat_map(|d| d.calls.iter().cloned()).collect();
    // Whether each searched directory's source reads remote state; a module outside
    // the searched directories is read for it.
    let remote: std::collections::HashMap<PathBuf, bool> =
        dirs.iter().map(|(d, f)| (normalize(d), f.remote_state)).collect();
    let reads_remote_state = |source: &Path| {
        remote.get(&normalize(source)).copied().unwrap_or_else(|| {
            std::fs::read_dir(source).is_ok_and(|entries| {
                entries.flatten().any(|e| {
                    e.path().extension().is_some_and(|x| x == "tf")
                        && std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("terraform_remote_state"))
                })
            })
        })
    };
    let mut stacks = Vec::new();
    for (dir, files) in &mut dirs {
        let is_module = called.contains(&normalize(dir));
        let has_state = !files.states.is_empty() || !files.plans.is_empty();
        let source = if files.terragrunt {
            terragrunt_source(&dir.join("terragrunt.hcl"))
        } else if files.tf && !is_module {
            Some(dir.clone())
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
        for workspace in workspaces {
            let name = match &workspace {
                Some(w) => format!("{}@{w}", names[dir]),
                None => names[dir].clone(),
            };
            stacks.push(Stack {
                name,
                dir: dir.clone(),
                source: source.clone(),
                terragrunt: files.terragrunt.then(|| dir.join("terragrunt.hcl")),
                states: states.iter().filter(|(_, w)| *w == workspace).cloned().collect(),
                plans: if workspace.is_none() { std::mem::take(&mut files.plans) } else { Vec::new() },
                reads_remote_state: source.as_deref().is_some_and(reads_remote_state),
                workspace,
            });
        }
    }
    for spec in state_overrides {
        let Some((name, file)) = spec.split_once('=') else {
            return Err(DiscoverError::State { spec: spec.clone(), message: "expected STACK=FILE".into() });
        };
        let file = PathBuf::from(file);
        if !file.is_file() {
            return Err(DiscoverError::State {
                spec: spec.clone(),
                message: format!("{} is not a file", file.display()),
            });
        }
        let wanted = normalize(Path::new(name));
        let Some(stack) = stacks.iter_mut().find(|s| s.name == name || normalize(&s.dir) == wanted) else {
            let known: Vec<&str> = stacks.iter().map(|s| s.name.as_str()).take(8).collect();
            return Err(DiscoverError::State {
                spec: spec.clone(),
                message: format!("no stack named `{name}` (stacks: {})", known.join(", ")),
            });
        };
        stack.states.push((file, None));
    }
    Ok(stacks)
}

fn walk(
    root: &Path,
    dir: &Path,
    dirs: &mut BTreeMap<PathBuf, DirFiles>,
    names: &mut BTreeMap<PathBuf, String>,
) -> Result<(), DiscoverError> {
    let entries = std::fs::read_dir(dir).map_err(|source| DiscoverError::Io { path: dir.to_owned(), source })?;
    let mut files = DirFiles::default();
    let mut subdirs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            if name == "terraform.tfstate.d" {
                workspace_states(&path, &mut files.states);
            } else if !name.starts_with('.') && name != "node_modules" {
                subdirs.push(path);
            }
            continue;
        }
        if name.ends_with(".tf") || name.ends_with(".tf.json") {
            files.tf = true;
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            files.remote_state |= text.contains("terraform_remote_state");
            files.calls.extend(local_calls(&text, dir));
        } else if name == "terragrunt.hcl" {
            files.terragrunt = true;
            if let Some(source) = terragrunt_source(&path) {
                files.calls.push(normalize(&source));
            }
        } else if name.ends_with(".tfstate") {
            files.states.push((path, None));
        } else if name.ends_with(".json") && !name.ends_with(".tfvars.json") {
            match json_kind(&path) {
                Some(JsonKind::Plan) => files.plans.push(path),
                Some(JsonKind::State) => files.states.push((path, None)),
                None => {}
            }
        }
    }
    let rel = dir.strip_prefix(root).unwrap_or(dir);
    let name = if rel.as_os_str().is_empty() {
        root.file_name().map_or_else(|| root.display().to_string(), |n| n.to_string_lossy().into_owned())
    } else {
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    };
    names.insert(dir.to_owned(), name);
    dirs.insert(dir.to_owned(), files);
    subdirs.sort();
    for sub in subdirs {
        walk(root, &sub, dirs, names)?;
    }
    Ok(())
}

/// `terraform.tfstate.d/<workspace>/terraform.tfstate`.
fn workspace_states(dir: &Path, out: &mut Vec<(PathBuf, Option<String>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let state = entry.path().join("terraform.tfstate");
        if state.is_file() {
            out.push((state, Some(entry.file_name().to_string_lossy().into_owned())));
        }
    }
}

enum JsonKind {
    Plan,
    State,
}

/// Whether a `.json` file is a plan or a `show -json` state, by its first bytes.
fn json_kind(path: &Path) -> Option<JsonKind> {
    let mut head = vec![0u8; 4096];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).ok()?;
    let head = String::from_utf8_lossy(&head[..n]);
    if !head.contains("\"format_version\"") && !head.contains("\"terraform_version\"") {
        return None;
    }
    if head.contains("\"resource_changes\"") || head.contains("\"planned_values\"") || head.contains("\"prior_state\"")
    {
        Some(JsonKind::Plan)
    } else {
        Some(JsonKind::State)
    }
}

/// The local module directories a `.tf` file calls (`source = "./modules/x"`).
fn local_calls(text: &str, dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start().trim_start_matches('"');
        let Some(rest) = line.strip_prefix("source") else { continue };
        let rest = rest.trim_start().trim_start_matches('"').trim_start();
        let Some(rest) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) else { continue };
        let Some(value) = rest.trim().strip_prefix('"').and_then(|v| v.split('"').next()) else { continue };
        if value.starts_with("./") || value.starts_with("../") {
            out.push(normalize(&dir.join(value.replace("//", "/"))));
        }
    }
    out
}

/// A Terragrunt unit's local module: `terraform { source = "../../modules//vpc" }`.
fn terragrunt_source(file: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(file).ok()?;
    let body = hcl_edit::parser::parse_body(&text).ok()?;
    let block = body.get_blocks("terraform").next()?;
    let source = match &block.body.get_attribute("source")?.value {
        hcl_edit::expr::Expression::String(s) => s.value().clone(),
        _ => return None,
    };
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    Some(normalize(&file.parent()?.join(source.replace("//", "/"))))
}

pub use crate::input::hcl::normalize;
