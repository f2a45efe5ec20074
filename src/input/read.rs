//! Reading files from disk: regular files only, each kind within a size limit.
//!
//! Every file envwall reads goes through here, whatever reads it: plan and state
//! JSON, Terraform source and variable files, the policy, the files a
//! configuration reads with `file()`. A repository is untrusted input: a FIFO named
//! `terraform.tfstate` would block a read forever, and a `*.auto.tfvars` linked to
//! `/dev/urandom` would be read until memory runs out. So a file is read only when
//! it is a regular file (after following links), and only up to the limit of its
//! kind; `--max-file-size` sets one limit for every kind.

use std::io::Read as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::InputError;

/// What a file is read as; each kind has its own default size limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Plan or state JSON, or a raw state file.
    PlanOrState,
    /// Terraform source: `.tf`, `.tf.json`, `terragrunt.hcl`, Terraform's own
    /// metadata beside it.
    Source,
    /// `.tfvars` and `.tfvars.json`.
    Variables,
    /// A file the configuration reads (`file()`, `templatefile()`).
    Configuration,
    /// An envwall policy file.
    Policy,
}

impl FileKind {
    /// The limit when `--max-file-size` is not given. The largest plan the
    /// benchmarks read is 228 MB (50,000 resources); the largest `.tf` file
    /// among 3,222 real ones is under 1 MB.
    pub const fn default_limit(self) -> u64 {
        match self {
            FileKind::PlanOrState => 1 << 30,
            FileKind::Source | FileKind::Variables => 32 << 20,
            FileKind::Configuration => 16 << 20,
            FileKind::Policy => 4 << 20,
        }
    }

    /// How a message names the kind.
    pub const fn name(self) -> &'static str {
        match self {
            FileKind::PlanOrState => "plan or state file",
            FileKind::Source => "Terraform source file",
            FileKind::Variables => "variable file",
            FileKind::Configuration => "file the configuration reads",
            FileKind::Policy => "policy file",
        }
    }
}

/// `--max-file-size`, or zero for each kind's default.
static MAX_FILE_BYTES: AtomicU64 = AtomicU64::new(0);

/// Sets one size limit for every kind of file (`--max-file-size`); `None`
/// restores each kind's default.
pub fn set_max_file_size(bytes: Option<u64>) {
    MAX_FILE_BYTES.store(bytes.unwrap_or(0), Ordering::Relaxed);
}

/// The size limit for files of `kind` in this run.
pub fn limit(kind: FileKind) -> u64 {
    match MAX_FILE_BYTES.load(Ordering::Relaxed) {
        0 => kind.default_limit(),
        n => n,
    }
}

/// Reads a regular file of `kind`, refusing anything else and anything larger
/// than the kind's limit.
pub fn read(path: &Path, kind: FileKind) -> Result<Vec<u8>, InputError> {
    let size = check(path, kind)?;
    let limit = limit(kind);
    let file = std::fs::File::open(path).map_err(|source| InputError::Io { path: path.to_owned(), source })?;
    // The file may grow after the check (or be a file whose size the system
    // does not know): never read more than the limit allows.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|source| InputError::Io { path: path.to_owned(), source })?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge { path: path.to_owned(), size: bytes.len() as u64, limit, kind: kind.name() });
    }
    Ok(bytes)
}

/// Checks that `path` is a regular file within the limit for `kind`; its size.
pub fn check(path: &Path, kind: FileKind) -> Result<u64, InputError> {
    let meta = std::fs::metadata(path).map_err(|source| InputError::Io { path: path.to_owned(), source })?;
    if !meta.is_file() {
        return Err(InputError::NotRegular { path: path.to_owned(), what: what_it_is(&meta) });
    }
    let limit = limit(kind);
    if meta.len() > limit {
        return Err(InputError::TooLarge { path: path.to_owned(), size: meta.len(), limit, kind: kind.name() });
    }
    Ok(meta.len())
}

/// Reads standard input as a file of `kind`, up to its limit.
pub fn read_stdin(kind: FileKind) -> Result<Vec<u8>, InputError> {
    let path = Path::new(STDIN);
    let limit = limit(kind);
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Io { path: path.to_owned(), source })?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge { path: path.to_owned(), size: bytes.len() as u64, limit, kind: kind.name() });
    }
    Ok(bytes)
}

/// The name standard input goes by, as an input argument and in messages.
pub const STDIN: &str = "-";

/// The first bytes of a regular file (at most `n`); `None` for anything else.
pub fn head(path: &Path, n: usize) -> Option<Vec<u8>> {
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let mut head = Vec::with_capacity(n);
    std::fs::File::open(path).ok()?.take(n as u64).read_to_end(&mut head).ok()?;
    Some(head)
}

/// Reads a regular file of `kind` as UTF-8 text; `None` for anything that cannot
/// be read so (for files only looked into, such as a backend's settings).
pub fn text_if_readable(path: &Path, kind: FileKind) -> Option<String> {
    String::from_utf8(read(path, kind).ok()?).ok()
}

/// What a file that is not a regular file is, for a message.
pub fn what_it_is(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// A size as people read it: `1 GiB`, `32 MiB`, `1.5 KiB`, `12 bytes`.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let whole = bytes / size;
            let tenths = (bytes % size) * 10 / size;
            return if tenths == 0 { format!("{whole} {unit}") } else { format!("{whole}.{tenths} {unit}") };
        }
    }
    format!("{bytes} bytes")
}

/// A `--max-file-size` value that admits `bytes`: the next power of two, as
/// `64M` or `2G`.
pub fn flag_size(bytes: u64) -> String {
    let n = bytes.max(1).checked_next_power_of_two().unwrap_or(1 << 63);
    match n {
        n if n >= 1 << 30 => format!("{}G", n >> 30),
        n if n >= 1 << 20 => format!("{}M", n >> 20),
        n if n >= 1 << 10 => format!("{}K", n >> 10),
        n => n.to_string(),
    }
}

/// Parses a size as `--max-file-size` takes it: bytes, or a number with `K`,
/// `M` or `G` (powers of 1024; `KiB`, `MB` and the like are read the same).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (number, unit) = t.split_at(digits);
    let number: u64 = number.parse().map_err(|_| format!("{text:?} is not a size (such as 2G, 500M or 1048576)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("{text:?} is not a size (such as 2G, 500M or 1048576)")),
    };
    number
        .checked_mul(1 << shift)
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{text:?} is not a size envwall can use (more than zero bytes, less than 16 EiB)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_and_print_as_people_write_them() {
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("64 KiB"), Ok(64 << 10));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert!(parse_size("0").is_err());
        assert!(parse_size("2X").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("99999999999T").is_err());
        assert_eq!(size_text(1 << 30), "1 GiB");
        assert_eq!(size_text(3 << 19), "1.5 MiB");
        assert_eq!(size_text(12), "12 bytes");
        assert_eq!(flag_size(40 << 20), "64M");
        assert_eq!(flag_size((1 << 30) + 1), "2G");
    }
}
