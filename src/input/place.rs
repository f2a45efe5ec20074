//! Where an input sits in its repository, for the path signal of its environment.
//!
//! In: a path as the user typed it. Out: its canonical path relative to the
//! repository root (the nearest directory above it holding `.git`), else relative
//! to a root the caller gives (the audited directory), else nothing: outside a
//! repository only the directory given is known, and nothing above it counts. So
//! `check envs/prod/app`, `cd envs/prod/app && check .` and `check
//! /home/dev/repo/envs/prod/app` all place the input at `envs/prod/app`, and nothing
//! above the repository (`/home/dev`) says anything about it.

use std::path::{Component, Path, PathBuf};

/// The nearest directory at or above `path` (canonical) that holds `.git`.
pub fn repository_root(path: &Path) -> Option<PathBuf> {
    let canonical = canonical(path);
    canonical.ancestors().find(|d| d.join(".git").exists()).map(Path::to_owned)
}

/// `path` made absolute, with symbolic links resolved where it exists.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        let absolute =
            if path.is_absolute() { path.to_owned() } else { std::env::current_dir().unwrap_or_default().join(path) };
        crate::input::hcl::normalize(&absolute)
    })
}

/// The place of `path`: relative to its repository root, else to `fallback`
/// when it is inside it, else empty (no place: a directory outside any
/// repository says nothing of itself).
pub fn place(path: &Path, fallback: Option<&Path>) -> PathBuf {
    let full = canonical(path);
    let roots = repository_root(&full).into_iter().chain(fallback.map(canonical));
    for root in roots {
        if let Ok(rel) = full.strip_prefix(&root) {
            return rel.components().filter(|c| matches!(c, Component::Normal(_))).collect();
        }
    }
    PathBuf::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_inputs_relative_to_the_repository_however_they_are_typed() {
        let dir = std::env::temp_dir().join(format!("envwall-place-{}", std::process::id()));
        let app = dir.join("dev/repo/envs/prod/app");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::create_dir_all(dir.join("dev/repo/.git")).unwrap();
        assert_eq!(place(&app, None), PathBuf::from("envs/prod/app"));
        assert_eq!(place(&app.join("../app/./"), None), PathBuf::from("envs/prod/app"));
        assert_eq!(repository_root(&app), Some(canonical(&dir.join("dev/repo"))));
        // Without a repository, the root the caller gives.
        std::fs::remove_dir_all(dir.join("dev/repo/.git")).unwrap();
        assert_eq!(place(&app, Some(&dir.join("dev/repo/envs"))), PathBuf::from("prod/app"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
