//! Encodings: JSON and base64.

use super::*;

/// `jsonencode(value)`: compact, keys sorted, `<`, `>`, `&` escaped as Go does.
pub(super) fn jsonencode(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    match json_text(c.arg(0)).map_err(|e| c.err(e))? {
        Some(text) => Ok(Val::str(text)),
        None => Ok(Val::unknown()),
    }
}

/// `jsondecode(string)`.
pub(super) fn jsondecode(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let text = c.string_arg(0, "str")?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| c.err(e))?;
    Ok(Val::from_json(json))
}

/// The value as Terraform's JSON; `Ok(None)` when something in it is unknown.
pub(super) fn json_text(v: &Val) -> Result<Option<String>, String> {
    let mut out = String::new();
    Ok(write_json(v, &mut out)?.then_some(out))
}

/// Appends the value as JSON; `false` when something in it is unknown.
pub(super) fn write_json(v: &Val, out: &mut String) -> Result<bool, String> {
    match v {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Number(n) if n.is_finite() => out.push_str(&format_number(*n)),
        Val::Number(_) => return Err("cannot encode an infinite or NaN number as JSON".to_owned()),
        Val::String(s) => json_quote(s, out),
        Val::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !write_json(item, out)? {
                    return Ok(false);
                }
            }
            out.push(']');
        }
        Val::Map(m) => {
            out.push('{');
            for (i, (key, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_quote(key, out);
                out.push(':');
                if !write_json(item, out)? {
                    return Ok(false);
                }
            }
            out.push('}');
        }
        Val::Unknown(_) => return Ok(false),
        Val::Sensitive(inner) => return write_json(inner, out),
    }
    Ok(true)
}

/// Appends a JSON string literal as Go's `encoding/json` writes it.
pub(super) fn json_quote(s: &str, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\u{1f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(ch));
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
}

/// Base64 as Go's `encoding/base64` standard encoding reads and writes it: the
/// standard alphabet, padded; non-zero trailing bits accepted, as Go's non-strict
/// decoder does.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// `base64encode(string)`: the UTF-8 bytes, standard alphabet, padded.
pub(super) fn base64encode(c: &Call) -> Result<Val, String> {
    use base64::Engine as _;
    c.arity(1, 1)?;
    let text = c.string_arg(0, "str")?;
    Ok(Val::str(BASE64.encode(text.as_bytes())))
}

/// `base64decode(string)`: padding required, line breaks ignored (as Go's decoder
/// does); the result must be UTF-8. Messages never quote the data: it may be secret.
pub(super) fn base64decode(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let text = c.string_arg(0, "str")?;
    let bytes = base64_bytes(&text).ok_or_else(|| c.err("failed to decode base64 data"))?;
    String::from_utf8(bytes)
        .map(Val::str)
        .map_err(|_| c.err("the result of decoding the provided string is not valid UTF-8"))
}

/// Decodes standard, padded base64, line breaks ignored; `None` when it is not base64.
pub(super) fn base64_bytes(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let clean: Vec<u8> = text.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).collect();
    BASE64.decode(clean).ok()
}
