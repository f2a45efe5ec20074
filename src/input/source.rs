//! An input file, and refusing what is not JSON text early.
//!
//! In: a path (or `-`, standard input). Out: a [`Source`], or an [`InputError`]
//! for the files users hand us by mistake: a binary planfile, a pre-0.12 plan, an
//! empty file, text that is not UTF-8 or UTF-16.
//!
//! A plan or state file is not held in memory: its first bytes are looked at
//! here, and the loader parses it as it reads it (`input::raw`), so that a
//! plan of hundreds of megabytes costs the model it makes, not its text as well.
//! Standard input, and a file in UTF-16 (as Windows PowerShell writes
//! `terraform show -json > plan.json`), are decoded into memory instead.

use std::io::{BufRead, BufReader, Read as _};
use std::path::{Path, PathBuf};

use serde::de::DeserializeSeed;

use super::InputError;
use super::read::{self, FileKind};

/// One input.
#[derive(Debug)]
pub struct Source {
    /// The path as the user gave it (`-` for standard input).
    pub path: PathBuf,
    body: Body,
    /// The text rewritten without duplicate object keys (last one wins, as in
    /// Terraform's own decoder), made only for the rare file that has them.
    pub(crate) deduplicated: std::sync::OnceLock<String>,
    /// Top-level values of the document kept as text for the model to borrow
    /// from (`configuration`, `variables`): each with its key and offset.
    kept: std::sync::OnceLock<Vec<(String, u64, String)>>,
}

/// Where an input's content is.
#[derive(Debug)]
enum Body {
    /// Terraform source (a directory, `.tf` or `.tf.json`), read by the HCL
    /// front-end.
    Terraform,
    /// UTF-8 JSON in the file, read as it is parsed, after `skip` bytes (a
    /// byte-order mark).
    File { skip: usize },
    /// JSON decoded into memory.
    Text(String),
}

/// How much of a file is looked at before it is parsed.
const HEAD: usize = 4096;

/// Whether `path` is Terraform source: a directory, a `.tf` file, or a `.tf.json`.
fn is_terraform_source(path: &Path) -> bool {
    path.is_dir()
        || crate::input::hcl::is_configuration_file(&path.to_string_lossy())
        || path.file_name().is_some_and(|n| n == crate::input::hcl::terragrunt::UNIT_FILE)
}

impl Source {
    /// Opens an input: looks at its first bytes; `-` is standard input.
    pub fn read(path: &Path) -> Result<Source, InputError> {
        if path.as_os_str() == read::STDIN {
            return Source::from_bytes(path, read::read_stdin(FileKind::PlanOrState)?);
        }
        if is_terraform_source(path) {
            if !path.exists() {
                let source = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
                return Err(InputError::Io { path: path.to_owned(), source });
            }
            return Ok(Source { path: path.to_owned(), body: Body::Terraform, ..Source::empty(path) });
        }
        let size = read::check(path, FileKind::PlanOrState)?;
        let head = read::head(path, HEAD).unwrap_or_default();
        refuse_planfiles(path, &head)?;
        let utf8 = match std::str::from_utf8(&head) {
            Ok(_) => true,
            // A character cut at the end of the head is not an error.
            Err(e) => e.error_len().is_none() && size > head.len() as u64,
        };
        let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) || looks_utf16(&head);
        let blank = head.iter().all(u8::is_ascii_whitespace);
        if !utf8 || utf16 || (blank && size <= HEAD as u64) {
            // The rare file that needs decoding, or an error that quotes it.
            return Source::from_bytes(path, read::read(path, FileKind::PlanOrState)?);
        }
        let skip = if head.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
        Ok(Source { body: Body::File { skip }, ..Source::empty(path) })
    }

    /// Decodes bytes read from `path` into memory.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Source, InputError> {
        let path = path.to_owned();
        refuse_planfiles(&path, &bytes)?;
        let text = decode(bytes).map_err(|detail| InputError::Encoding { path: path.clone(), detail })?;
        if text.trim().is_empty() {
            return Err(InputError::Empty { path });
        }
        Ok(Source { body: Body::Text(text), ..Source::empty(&path) })
    }

    fn empty(path: &Path) -> Source {
        Source {
            path: path.to_owned(),
            body: Body::Terraform,
            deduplicated: Default::default(),
            kept: Default::default(),
        }
    }

    /// Whether it is Terraform source, which the HCL front-end reads.
    pub fn is_terraform_source(&self) -> bool {
        matches!(self.body, Body::Terraform)
    }

    /// The JSON text, when it is held in memory.
    pub fn text(&self) -> Option<&str> {
        match &self.body {
            Body::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The JSON text held in memory, given up.
    pub fn into_text(self) -> Option<String> {
        match self.body {
            Body::Text(t) => Some(t),
            _ => None,
        }
    }

    /// Parses the JSON as a `T`, reading the file as it goes (a byte at a time:
    /// for small parts of a document, such as a state's serial); `None` when it
    /// cannot be read so.
    pub(crate) fn parse_as<'a, T: serde::Deserialize<'a>>(&'a self) -> Option<T> {
        match &self.body {
            Body::Text(t) => parse_with(serde_json::Deserializer::from_str(t), std::marker::PhantomData::<T>),
            Body::File { skip } => parse_with(
                serde_json::Deserializer::from_reader(self.open(*skip as u64).ok()?),
                std::marker::PhantomData::<T>,
            ),
            Body::Terraform => None,
        }
    }

    /// Reads the JSON as bytes, from the start (for scanning, not parsing).
    /// The length of the JSON document in bytes (0 for Terraform source, or a
    /// file that cannot be read).
    pub(crate) fn len(&self) -> u64 {
        match &self.body {
            Body::Text(t) => t.len() as u64,
            Body::File { skip } => std::fs::metadata(&self.path).map_or(0, |m| m.len().saturating_sub(*skip as u64)),
            Body::Terraform => 0,
        }
    }

    pub(crate) fn bytes(&self) -> Result<Box<dyn BufRead + '_>, InputError> {
        self.bytes_from(0)
    }

    /// Reads the JSON as bytes, from `offset` on.
    pub(crate) fn bytes_from(&self, offset: u64) -> Result<Box<dyn BufRead + '_>, InputError> {
        match &self.body {
            Body::Text(t) => Ok(Box::new(t.as_bytes().get(offset as usize..).unwrap_or_default())),
            Body::File { skip } => Ok(Box::new(self.open(*skip as u64 + offset)?)),
            Body::Terraform => Ok(Box::new(&[][..])),
        }
    }

    /// The whole JSON text, read into memory (for the rare path that needs it).
    pub(crate) fn whole_text(&self) -> Result<std::borrow::Cow<'_, str>, InputError> {
        match &self.body {
            Body::Text(t) => Ok(std::borrow::Cow::Borrowed(t)),
            _ => {
                let mut text = String::new();
                self.bytes()?
                    .read_to_string(&mut text)
                    .map_err(|source| InputError::Io { path: self.path.clone(), source })?;
                Ok(std::borrow::Cow::Owned(text))
            }
        }
    }

    /// Keeps top-level values of the document as text, for the model to borrow
    /// from; the first values kept stay.
    pub(crate) fn keep(&self, kept: Vec<(String, u64, String)>) -> &[(String, u64, String)] {
        self.kept.get_or_init(|| kept)
    }

    /// The file, opened again, past its byte-order mark; never more than the
    /// limit for its kind (it may have grown since it was looked at).
    fn open(&self, skip: u64) -> Result<impl BufRead + use<>, InputError> {
        use std::io::Seek as _;
        let io = |source| InputError::Io { path: self.path.clone(), source };
        let mut file = std::fs::File::open(&self.path).map_err(io)?;
        if skip > 0 {
            file.seek(std::io::SeekFrom::Start(skip)).map_err(io)?;
        }
        Ok(BufReader::with_capacity(1 << 16, file.take(read::limit(FileKind::PlanOrState))))
    }
}

fn parse_with<'de, R: serde_json::de::Read<'de>, S: DeserializeSeed<'de>>(
    mut de: serde_json::Deserializer<R>,
    seed: S,
) -> Option<S::Value> {
    let value = seed.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(value)
}

/// Refuses a binary planfile and a pre-0.12 plan by their first bytes.
fn refuse_planfiles(path: &Path, head: &[u8]) -> Result<(), InputError> {
    if head.starts_with(b"PK\x03\x04") {
        return Err(InputError::BinaryPlan { path: path.to_owned() });
    }
    if head.starts_with(b"tfplan") {
        return Err(InputError::LegacyPlan { path: path.to_owned() });
    }
    Ok(())
}

/// UTF-16 without a byte-order mark: JSON starts with an ASCII character, so one
/// of its first two bytes is zero.
fn looks_utf16(bytes: &[u8]) -> bool {
    bytes.len() >= 4
        && ((bytes[0] != 0 && bytes[1] == 0 && bytes[3] == 0) || (bytes[0] == 0 && bytes[1] != 0 && bytes[2] == 0))
}

fn decode(mut bytes: Vec<u8>) -> Result<String, String> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes);
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes);
    } else if bytes.len().is_multiple_of(2) && looks_utf16(&bytes) {
        let little_endian = bytes[1] == 0;
        return decode_utf16(&bytes, if little_endian { u16::from_le_bytes } else { u16::from_be_bytes });
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let (line, column) = line_column(&bytes[..at]);
        format!("the file is not UTF-8 text: invalid byte at line {line}, column {column}")
    })
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err("the file looks like UTF-16 but has an odd number of bytes".to_owned());
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units).collect::<Result<String, _>>().map_err(|e| {
        format!("the file looks like UTF-16 but holds an unpaired surrogate {:#06x}", e.unpaired_surrogate())
    })
}

/// 1-based line and column (in characters) of the end of `prefix`.
pub fn line_column(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = prefix.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&prefix[line_start..]).chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for u in s.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    #[test]
    fn decodes_boms_and_utf16() {
        let json = r#"{"format_version":"1.0","é":1}"#;
        let p = Path::new("x.json");
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend_from_slice(json.as_bytes());
        assert_eq!(Source::from_bytes(p, bom8).unwrap().text(), Some(json));
        assert_eq!(Source::from_bytes(p, utf16le(json, true)).unwrap().text(), Some(json));
        assert_eq!(Source::from_bytes(p, utf16le(json, false)).unwrap().text(), Some(json));
        let mut be = vec![0xFE, 0xFF];
        for u in json.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(Source::from_bytes(p, be).unwrap().text(), Some(json));
    }

    #[test]
    fn refuses_planfiles_and_empty_files() {
        let p = Path::new("x");
        assert!(matches!(Source::from_bytes(p, b"PK\x03\x04rest".to_vec()), Err(InputError::BinaryPlan { .. })));
        assert!(matches!(Source::from_bytes(p, b"tfplan\x00".to_vec()), Err(InputError::LegacyPlan { .. })));
        assert!(matches!(Source::from_bytes(p, b" \n\t".to_vec()), Err(InputError::Empty { .. })));
        assert!(matches!(Source::from_bytes(p, b"{\n\"a\xff".to_vec()), Err(InputError::Encoding { .. })));
    }
}
