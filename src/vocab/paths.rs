//! Paths as configurations and reports write them.

/// A path with `.` and `..` steps resolved lexically; `.` when nothing is left.
pub fn normalize(path: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if out.file_name().is_some_and(|n| n != "..") => {
                out.pop();
            }
            // `/..` is `/`.
            std::path::Component::ParentDir if out.has_root() && out.parent().is_none() => {}
            c => out.push(c),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}
