//! Reading an input file into text, and refusing what is not JSON text early.
//!
//! In: a path. Out: a [`Source`] holding UTF-8 text, whatever encoding the file was
//! saved in (UTF-8 with or without a byte-order mark, UTF-16 LE/BE as Windows tools
//! write it), or an [`InputError`] for the files users hand us by mistake: a binary
//! planfile, a pre-0.12 plan, an empty file.

use std::path::{Path, PathBuf};

use super::InputError;

/// One input file, decoded to UTF-8.
#[derive(Debug)]
pub struct Source {
    /// The path as the user gave it.
    pub path: PathBuf,
    /// The decoded text.
    pub text: String,
    /// The text rewritten without duplicate object keys (last one wins, as in
    /// Terraform's own decoder), made only for the rare file that has them.
    pub(crate) deduplicated: std::sync::OnceLock<String>,
    /// Terraform source (a directory, `.tf` or `.tf.json`), read by the HCL
    /// front-end rather than from `text`.
    pub terraform_source: bool,
}

impl Source {
    /// Reads and decodes a file.
    pub fn read(path: &Path) -> Result<Source, InputError> {
        if super::hcl::is_source(path) {
            if !path.exists() {
                let source = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
                return Err(InputError::Io { path: path.to_owned(), source });
            }
            return Ok(Source {
                path: path.to_owned(),
                text: String::new(),
                deduplicated: std::sync::OnceLock::new(),
                terraform_source: true,
            });
        }
        let bytes = std::fs::read(path).map_err(|source| InputError::Io { path: path.to_owned(), source })?;
        Source::from_bytes(path, bytes)
    }

    /// Decodes bytes read from `path`.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Source, InputError> {
        let path = path.to_owned();
        if bytes.starts_with(b"PK\x03\x04") {
            return Err(InputError::BinaryPlan { path });
        }
        if bytes.starts_with(b"tfplan") {
            return Err(InputError::LegacyPlan { path });
        }
        let text = decode(bytes).map_err(|detail| InputError::Encoding { path: path.clone(), detail })?;
        if text.trim().is_empty() {
            return Err(InputError::Empty { path });
        }
        Ok(Source { path, text, deduplicated: std::sync::OnceLock::new(), terraform_source: false })
    }
}

fn decode(mut bytes: Vec<u8>) -> Result<String, String> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes);
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes);
    } else if bytes.len() >= 4 && bytes.len().is_multiple_of(2) {
        // UTF-16 without a byte-order mark: JSON starts with an ASCII character, so
        // one of its first two bytes is zero.
        if bytes[0] != 0 && bytes[1] == 0 && bytes[3] == 0 {
            return decode_utf16(&bytes, u16::from_le_bytes);
        }
        if bytes[0] == 0 && bytes[1] != 0 && bytes[2] == 0 {
            return decode_utf16(&bytes, u16::from_be_bytes);
        }
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
        assert_eq!(Source::from_bytes(p, bom8).unwrap().text, json);
        assert_eq!(Source::from_bytes(p, utf16le(json, true)).unwrap().text, json);
        assert_eq!(Source::from_bytes(p, utf16le(json, false)).unwrap().text, json);
        let mut be = vec![0xFE, 0xFF];
        for u in json.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(Source::from_bytes(p, be).unwrap().text, json);
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
