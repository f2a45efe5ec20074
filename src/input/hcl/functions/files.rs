//! Files the configuration reads: `file`, `fileexists`, `fileset`, `filebase64`,
//! and (for the evaluator) the text `templatefile` renders.
//!
//! A relative path is read from the root module's directory, where Terraform runs
//! (`path.module` and `path.root` are relative to it, `path.cwd` is it). Only
//! regular files inside the repository are read (its root is the nearest
//! directory holding `.git`, else the root module's own directory), after every
//! symbolic link is resolved, and only up to the limit for such files (16 MiB,
//! or `--max-file-size`; see [`crate::input::read`]): a path that leads
//! out of the repository, a device, a FIFO or a huge file is not read, and the
//! value is unknown, with a warning saying why.

use std::path::{Path, PathBuf};

use super::*;
use crate::input::InputError;
use crate::input::read::{FileKind, size_text};

/// Where files may be read from.
#[derive(Debug, Clone)]
pub(crate) struct FileAccess {
    /// The root module's directory, as reached from where envwall runs.
    base: PathBuf,
    /// What may be read: the canonical repository root.
    allowed: Option<PathBuf>,
}

impl FileAccess {
    /// Access for the root module at `root_module`.
    pub(crate) fn new(root_module: &Path) -> FileAccess {
        let allowed = std::fs::canonicalize(root_module)
            .ok()
            .map(|dir| dir.ancestors().find(|d| d.join(".git").exists()).map_or_else(|| dir.clone(), Path::to_owned));
        FileAccess { base: root_module.to_owned(), allowed }
    }

    /// The absolute, canonical directory Terraform would run in (`path.cwd`).
    pub(crate) fn cwd(&self) -> String {
        std::fs::canonicalize(&self.base).unwrap_or_else(|_| self.base.clone()).display().to_string()
    }

    /// The path a configuration's `path` names, where it is, when it may be read;
    /// else why not.
    fn resolve(&self, path: &str) -> Result<PathBuf, String> {
        let given = Path::new(path);
        let full = if given.is_absolute() { given.to_owned() } else { self.base.join(given) };
        let canonical = std::fs::canonicalize(&full).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("no file {path:?}"),
            _ => format!("cannot read {path:?}: {e}"),
        })?;
        match &self.allowed {
            Some(root) if canonical.starts_with(root) => Ok(canonical),
            _ => Err(format!("{path:?} is outside the repository, so envwall does not read it")),
        }
    }

    /// The bytes of a regular file inside the repository.
    pub(crate) fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let file = self.resolve(path)?;
        crate::input::read::read(&file, FileKind::Configuration).map_err(|e| match e {
            InputError::Io { source, .. } => format!("cannot read {path:?}: {source}"),
            InputError::NotRegular { what, .. } => format!("{path:?} is {what}, not a regular file"),
            InputError::TooLarge { size, limit, .. } => format!(
                "{path:?} is {}, more than the {} envwall reads (--max-file-size raises it)",
                size_text(size),
                size_text(limit)
            ),
            other => other.to_string(),
        })
    }

    /// A file's text, which must be UTF-8.
    pub(crate) fn text(&self, path: &str) -> Result<String, String> {
        let bytes = self.read(path)?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").map_or(bytes.clone(), <[u8]>::to_vec);
        String::from_utf8(bytes).map_err(|_| format!("the contents of {path:?} are not valid UTF-8"))
    }
}

/// `file(path)`.
pub(super) fn file(c: &Call, files: &FileAccess) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let path = c.string_arg(0, "path")?;
    files.text(&path).map(EvalValue::str).map_err(|e| c.err(e))
}

/// `filebase64(path)`.
pub(super) fn filebase64(c: &Call, files: &FileAccess) -> Result<EvalValue, String> {
    use base64::Engine as _;
    c.arity(1, 1)?;
    let path = c.string_arg(0, "path")?;
    let bytes = files.read(&path).map_err(|e| c.err(e))?;
    Ok(EvalValue::str(base64::engine::general_purpose::STANDARD.encode(bytes)))
}

/// `fileexists(path)`: whether a regular file is there; unknown outside the
/// repository, where envwall does not look.
pub(super) fn fileexists(c: &Call, files: &FileAccess) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let path = c.string_arg(0, "path")?;
    match files.resolve(&path) {
        Ok(p) => match std::fs::metadata(&p) {
            Ok(m) if m.is_file() => Ok(EvalValue::Bool(true)),
            Ok(m) if m.is_dir() => Err(c.err(format_args!("{path:?} is a directory, not a file"))),
            Ok(_) => Ok(EvalValue::Bool(false)),
            Err(e) => Err(c.err(format_args!("cannot read {path:?}: {e}"))),
        },
        Err(e) if e.starts_with("no file") => Ok(EvalValue::Bool(false)),
        Err(e) => Err(c.err(e)),
    }
}

/// `fileset(path, pattern)`: the regular files below `path` whose path relative to
/// it matches `pattern` (`*`, `**`, `?`, `[...]`, `{a,b}`), sorted, `/`-separated.
pub(super) fn fileset(c: &Call, files: &FileAccess) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let path = c.string_arg(0, "path")?;
    let pattern = c.string_arg(1, "pattern")?;
    let matcher = globset::GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| c.err(format_args!("failed to glob pattern {pattern:?}: {e}")))?
        .compile_matcher();
    let dir = match files.resolve(&path) {
        Ok(dir) => dir,
        // Terraform gives an empty set for a directory that is not there.
        Err(e) if e.starts_with("no file") => return Ok(EvalValue::List(Vec::new())),
        Err(e) => return Err(c.err(e)),
    };
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).follow_links(true).into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&dir) else { continue };
        let rel: Vec<String> = rel.components().map(|p| p.as_os_str().to_string_lossy().into_owned()).collect();
        let rel = rel.join("/");
        if matcher.is_match(&rel) {
            c.check_len(out.len() + 1)?;
            out.push(EvalValue::str(rel));
        }
    }
    out.sort_by(|a, b| a.to_text().cmp(&b.to_text()));
    Ok(EvalValue::List(out))
}

/// `pathexpand(path)`: a leading `~` is the home directory of wherever Terraform
/// runs, which envwall does not know; any other path is itself.
pub(super) fn pathexpand(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let path = c.string_arg(0, "path")?;
    Ok(if path.starts_with('~') { EvalValue::unknown() } else { EvalValue::str(path.into_owned()) })
}
