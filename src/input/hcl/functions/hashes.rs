//! Hashes and name-based UUIDs: `md5`, `sha1`, `sha256`, `sha512`,
//! `base64sha256`, `base64sha512`, `uuidv5`, and their `file…` forms.

use super::*;

/// A digest of some bytes, and how it is written.
#[derive(Clone, Copy)]
pub(super) enum Digest {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

/// The digest of `bytes`, in hex or base64.
pub(super) fn digest(kind: Digest, bytes: &[u8], base64: bool) -> EvalValue {
    use base64::Engine as _;
    use sha2::Digest as _;
    let raw: Vec<u8> = match kind {
        Digest::Md5 => md5::Md5::digest(bytes).to_vec(),
        Digest::Sha1 => sha1::Sha1::digest(bytes).to_vec(),
        Digest::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
        Digest::Sha512 => sha2::Sha512::digest(bytes).to_vec(),
    };
    if base64 {
        return EvalValue::str(base64::engine::general_purpose::STANDARD.encode(raw));
    }
    let mut hex = String::with_capacity(raw.len() * 2);
    for b in raw {
        let _ = write!(hex, "{b:02x}");
    }
    EvalValue::str(hex)
}

/// `md5(string)` and its kin: the digest of the string's UTF-8 bytes.
pub(super) fn hash(c: &Call, kind: Digest, base64: bool) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let text = c.string_arg(0, "str")?;
    Ok(digest(kind, text.as_bytes(), base64))
}

/// `filemd5(path)` and its kin: the digest of a file's bytes.
pub(super) fn file_hash(c: &Call, files: &FileAccess, kind: Digest, base64: bool) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let path = c.string_arg(0, "path")?;
    let bytes = files.read(&path).map_err(|e| c.err(e))?;
    Ok(digest(kind, &bytes, base64))
}

/// `uuidv5(namespace, name)`: `dns`, `url`, `oid`, `x500` or a UUID as the namespace.
pub(super) fn uuidv5(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let namespace = c.string_arg(0, "namespace")?;
    let name = c.string_arg(1, "name")?;
    let ns = match &*namespace {
        "dns" => uuid::Uuid::NAMESPACE_DNS,
        "url" => uuid::Uuid::NAMESPACE_URL,
        "oid" => uuid::Uuid::NAMESPACE_OID,
        "x500" => uuid::Uuid::NAMESPACE_X500,
        other => uuid::Uuid::parse_str(other)
            .map_err(|_| c.err(format_args!("uuidv5() doesn't support namespace {other:?}")))?,
    };
    Ok(EvalValue::str(uuid::Uuid::new_v5(&ns, name.as_bytes()).to_string()))
}
