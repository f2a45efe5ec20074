//! Encodings: JSON and base64.

use super::*;

/// `jsonencode(value)`: compact, keys sorted, `<`, `>`, `&` escaped as Go does.
pub(super) fn jsonencode(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    match json_text(c.arg(0)).map_err(|e| c.err(e))? {
        Some(text) => Ok(EvalValue::str(text)),
        None => Ok(EvalValue::unknown()),
    }
}

/// `jsondecode(string)`.
pub(super) fn jsondecode(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let text = c.string_arg(0, "str")?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| c.err(e))?;
    Ok(EvalValue::from_json(json))
}

/// The value as Terraform's JSON; `Ok(None)` when something in it is unknown.
pub(super) fn json_text(v: &EvalValue) -> Result<Option<String>, String> {
    let mut out = String::new();
    Ok(write_json(v, &mut out)?.then_some(out))
}

/// Appends the value as JSON; `false` when something in it is unknown.
pub(super) fn write_json(v: &EvalValue, out: &mut String) -> Result<bool, String> {
    match v {
        EvalValue::Null => out.push_str("null"),
        EvalValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        EvalValue::Number(n) => out.push_str(&n.to_string()),
        EvalValue::String(s) => json_quote(s, out),
        EvalValue::List(items) => {
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
        EvalValue::Map(m) => {
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
        EvalValue::Unknown(_) => return Ok(false),
        EvalValue::Sensitive(inner) => return write_json(inner, out),
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
pub(super) fn base64encode(c: &Call) -> Result<EvalValue, String> {
    use base64::Engine as _;
    c.arity(1, 1)?;
    let text = c.string_arg(0, "str")?;
    Ok(EvalValue::str(BASE64.encode(text.as_bytes())))
}

/// `base64decode(string)`: padding required, line breaks ignored (as Go's decoder
/// does); the result must be UTF-8. Messages never quote the data: it may be secret.
pub(super) fn base64decode(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let text = c.string_arg(0, "str")?;
    let bytes = base64_bytes(&text).ok_or_else(|| c.err("failed to decode base64 data"))?;
    String::from_utf8(bytes)
        .map(EvalValue::str)
        .map_err(|_| c.err("the result of decoding the provided string is not valid UTF-8"))
}

/// Decodes standard, padded base64, line breaks ignored; `None` when it is not base64.
pub(super) fn base64_bytes(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let clean: Vec<u8> = text.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).collect();
    BASE64.decode(clean).ok()
}

/// `yamldecode(string)`: one YAML document, as Terraform reads it (YAML 1.2:
/// `yes` is a string; anchors and aliases resolved; `<<` merge keys applied).
pub(super) fn yamldecode(c: &Call) -> Result<EvalValue, String> {
    use yaml_rust2::YamlLoader;
    c.arity(1, 1)?;
    let text = c.string_arg(0, "src")?;
    let docs =
        YamlLoader::load_from_str(&text).map_err(|e| c.err(format_args!("on line {}: {e}", e.marker().line())))?;
    match docs.as_slice() {
        [] => Ok(EvalValue::Null),
        [one] => from_yaml(c, one, 0),
        _ => Err(c.err("unexpected extra content after the first document")),
    }
}

/// How deep YAML is read (aliases can make a small document a deep one).
const MAX_YAML_DEPTH: usize = 1_000;

fn from_yaml(c: &Call, y: &yaml_rust2::Yaml, depth: usize) -> Result<EvalValue, String> {
    use yaml_rust2::Yaml;
    if depth > MAX_YAML_DEPTH {
        return Err(c.err("the document nests too deeply"));
    }
    Ok(match y {
        Yaml::Null => EvalValue::Null,
        Yaml::Boolean(b) => EvalValue::Bool(*b),
        Yaml::Integer(i) => EvalValue::int(*i),
        Yaml::Real(text) => match Number::parse(text) {
            Some(n) => EvalValue::Number(n),
            None => return Err(c.err(format_args!("cannot decode {text:?} as a number"))),
        },
        Yaml::String(s) => EvalValue::str(s.as_str()),
        Yaml::Array(items) => {
            c.check_len(items.len())?;
            EvalValue::List(items.iter().map(|i| from_yaml(c, i, depth + 1)).collect::<Result<_, _>>()?)
        }
        Yaml::Hash(hash) => {
            let mut out = Map::new();
            // Merge keys (`<<: *base`) first: the mapping's own keys win over them.
            for (k, v) in hash {
                if k.as_str() == Some("<<") {
                    let merged = match v {
                        Yaml::Array(all) => all.iter().collect(),
                        one => vec![one],
                    };
                    for m in merged {
                        match from_yaml(c, m, depth + 1)? {
                            EvalValue::Map(m) => {
                                let fresh: Vec<(SmolStr, EvalValue)> =
                                    m.into_iter().filter(|(k, _)| out.get(k.as_str()).is_none()).collect();
                                out.extend(fresh);
                            }
                            _ => return Err(c.err("a merge key (<<) must name a mapping")),
                        }
                    }
                }
            }
            for (k, v) in hash {
                let key = match k {
                    Yaml::String(s) if s == "<<" => continue,
                    Yaml::String(s) => s.clone(),
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Real(r) => r.clone(),
                    Yaml::Boolean(b) => b.to_string(),
                    Yaml::Null => "null".to_owned(),
                    _ => return Err(c.err("a mapping key must be a scalar")),
                };
                out.insert(key, from_yaml(c, v, depth + 1)?);
            }
            EvalValue::Map(out)
        }
        Yaml::Alias(_) | Yaml::BadValue => return Err(c.err("the document holds a value that cannot be read")),
    })
}

/// `yamlencode(value)`: block style, strings double-quoted, as Terraform writes it.
pub(super) fn yamlencode(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let mut out = String::new();
    if !write_yaml(c.arg(0), 0, &mut out)? {
        return Ok(EvalValue::unknown());
    }
    c.check_bytes(out.len())?;
    Ok(EvalValue::str(out))
}

/// Appends `v` as YAML at `indent`, ending with a newline; `false` when something
/// in it is unknown.
fn write_yaml(v: &EvalValue, indent: usize, out: &mut String) -> Result<bool, String> {
    match v.unmarked() {
        EvalValue::Map(m) if !m.is_empty() => {
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(&" ".repeat(indent));
                }
                json_quote(k, out);
                out.push(':');
                if !write_yaml_value(item, indent, out)? {
                    return Ok(false);
                }
            }
        }
        EvalValue::List(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str("- ");
                let ok = match item.unmarked() {
                    EvalValue::Map(m) if !m.is_empty() => write_yaml(item, indent + 2, out)?,
                    EvalValue::List(l) if !l.is_empty() => write_yaml(item, indent + 2, out)?,
                    _ => write_scalar(item, out)?,
                };
                if !ok {
                    return Ok(false);
                }
            }
        }
        _ => return write_scalar(v, out),
    }
    Ok(true)
}

/// A mapping's value after `key:`.
fn write_yaml_value(v: &EvalValue, indent: usize, out: &mut String) -> Result<bool, String> {
    match v.unmarked() {
        EvalValue::Map(m) if !m.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            write_yaml(v, indent + 2, out)
        }
        EvalValue::List(items) if !items.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            write_yaml(v, indent, out)
        }
        _ => {
            out.push(' ');
            write_scalar(v, out)
        }
    }
}

/// A scalar (or an empty collection) and a newline.
fn write_scalar(v: &EvalValue, out: &mut String) -> Result<bool, String> {
    match v.unmarked() {
        EvalValue::Null => out.push_str("null"),
        EvalValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        EvalValue::Number(n) => out.push_str(&n.to_string()),
        EvalValue::String(s) => json_quote(s, out),
        EvalValue::Map(_) => out.push_str("{}"),
        EvalValue::List(_) => out.push_str("[]"),
        EvalValue::Unknown(_) => return Ok(false),
        EvalValue::Sensitive(_) => unreachable!("unmarked"),
    }
    out.push('\n');
    Ok(true)
}
