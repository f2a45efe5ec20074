//! Strings: case, trimming, `join`, `split`, `replace`, `regex`, `substr` and their kin.

use super::*;

/// Applies `f` to the single string argument.
pub(super) fn map_string(c: &Call, f: impl Fn(&str) -> String) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let s = c.string_arg(0, "str")?;
    Ok(EvalValue::str(f(&s)))
}

/// Applies `f` to two string arguments named `params`.
pub(super) fn string_pair(
    c: &Call,
    params: [&str; 2],
    f: impl Fn(&str, &str) -> EvalValue,
) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let a = c.string_arg(0, params[0])?;
    let b = c.string_arg(1, params[1])?;
    Ok(f(&a, &b))
}

/// The only item of an iterator, if it has exactly one (Go maps case one rune to one rune).
pub(super) fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let first = it.next()?;
    it.next().is_none().then_some(first)
}

/// Go's `strings.Title`: upper-cases the first letter of each word.
pub(super) fn title_case(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|ch| {
            let out = if is_word_separator(prev) { title_char(ch) } else { ch };
            prev = ch;
            out
        })
        .collect()
}

/// Go's `unicode.ToTitle`: the upper case, except for the digraphs that have a title case
/// of their own and Georgian letters, which have none.
pub(super) fn title_char(ch: char) -> char {
    match ch {
        '\u{1c4}'..='\u{1c6}' => '\u{1c5}',
        '\u{1c7}'..='\u{1c9}' => '\u{1c8}',
        '\u{1ca}'..='\u{1cc}' => '\u{1cb}',
        '\u{1f1}'..='\u{1f3}' => '\u{1f2}',
        '\u{10d0}'..='\u{10ff}' => ch,
        _ => single(ch.to_uppercase()).unwrap_or(ch),
    }
}

/// Whether `ch` separates words for `title`, as Go's `strings.Title` decides.
pub(super) fn is_word_separator(ch: char) -> bool {
    if ch.is_ascii() {
        return !(ch.is_ascii_alphanumeric() || ch == '_');
    }
    !ch.is_alphanumeric() && ch.is_whitespace()
}

/// `join(separator, lists...)`.
pub(super) fn join(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, usize::MAX)?;
    let sep = c.string_arg(0, "separator")?;
    if c.args.len() < 2 {
        return Err(c.err("at least one list is required"));
    }
    let lists = (1..c.args.len()).map(|i| c.list_arg(i, "lists")).collect::<Result<Vec<_>, _>>()?;
    if lists.iter().any(|list| list.iter().any(EvalValue::has_unknown)) {
        return Ok(EvalValue::unknown());
    }
    let mut parts = Vec::new();
    for (li, list) in lists.iter().enumerate() {
        for (ei, item) in list.iter().enumerate() {
            let item = item.unmarked();
            if item.is_null() {
                return Err(if lists.len() > 1 {
                    c.err(format_args!("element {ei} of list {} is null; cannot concatenate null values", li + 1))
                } else {
                    c.err(format_args!("element {ei} is null; cannot concatenate null values"))
                });
            }
            parts.push(
                item.to_text().ok_or_else(|| c.param_err("lists", format_args!("element {ei}: string required")))?,
            );
        }
    }
    let total = parts.iter().map(|p| p.len()).sum::<usize>() + sep.len().saturating_mul(parts.len().saturating_sub(1));
    c.check_bytes(total)?;
    Ok(EvalValue::str(parts.join(&*sep)))
}

/// `split(separator, str)`; an empty separator splits into characters.
pub(super) fn split(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let sep = c.string_arg(0, "separator")?;
    let s = c.string_arg(1, "str")?;
    if sep.is_empty() {
        c.check_len(s.chars().count())?;
        return Ok(EvalValue::List(s.chars().map(|ch| EvalValue::String(ch.into())).collect()));
    }
    c.check_len(s.matches(&*sep).count() + 1)?;
    Ok(EvalValue::List(s.split(&*sep).map(EvalValue::str).collect()))
}

/// `replace(string, substring, replacement)`; `/regex/` substrings are refused.
pub(super) fn replace(c: &Call) -> Result<EvalValue, String> {
    c.arity(3, 3)?;
    let s = c.string_arg(0, "str")?;
    let from = c.string_arg(1, "substr")?;
    let to = c.string_arg(2, "replace")?;
    if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
        let re = compile(c, &from[1..from.len() - 1])?;
        // Go's `$1` / `${name}` expansion is the regex crate's too.
        let out = re.replace_all(&s, &*to).into_owned();
        c.check_bytes(out.len())?;
        return Ok(EvalValue::str(out));
    }
    let hits = if from.is_empty() { s.chars().count() + 1 } else { s.matches(&*from).count() };
    c.check_bytes(s.len().saturating_add(hits.saturating_mul(to.len())))?;
    Ok(EvalValue::str(s.replace(&*from, &to)))
}

/// Compiles an RE2-syntax pattern, as Terraform's regular expression functions take.
pub(super) fn compile(c: &Call, pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern).size_limit(1 << 20).build().map_err(|e| {
        c.err(format!("invalid regular expression pattern: {}", e.to_string().lines().last().unwrap_or("")))
    })
}

/// `regex(pattern, string)` and `regexall(pattern, string)`: a match is the
/// matched text when the pattern has no groups, a map when its groups are named,
/// else the list of the groups (null for a group that took no part).
pub(super) fn regex(c: &Call, all: bool) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let pattern = c.string_arg(0, "pattern")?;
    let s = c.string_arg(1, "string")?;
    let re = compile(c, &pattern)?;
    let groups = re.captures_len() - 1;
    let named = groups > 0 && re.capture_names().skip(1).all(|n| n.is_some());
    let shape = |caps: regex::Captures<'_>| -> EvalValue {
        let text = |m: Option<regex::Match<'_>>| m.map_or(EvalValue::Null, |m| EvalValue::str(m.as_str()));
        if groups == 0 {
            text(caps.get(0))
        } else if named {
            EvalValue::Map(re.capture_names().flatten().map(|n| (n.to_owned(), text(caps.name(n)))).collect())
        } else {
            EvalValue::List((1..=groups).map(|i| text(caps.get(i))).collect())
        }
    };
    if all {
        let found: Vec<EvalValue> = re.captures_iter(&s).take(1_000_000).map(shape).collect();
        return Ok(EvalValue::List(found));
    }
    re.captures(&s).map(shape).ok_or_else(|| c.err("pattern did not match any part of the given string"))
}

/// `substr(string, offset, length)`, counting characters, as go-cty does: a negative
/// offset counts from the end, a negative length takes the rest.
pub(super) fn substr(c: &Call) -> Result<EvalValue, String> {
    c.arity(3, 3)?;
    let s = c.string_arg(0, "str")?;
    let offset = c.int_arg(1, "offset")?;
    let length = c.int_arg(2, "length")?;
    if offset >= 0 && length == 0 {
        return Ok(EvalValue::str(""));
    }
    let total = i64::try_from(s.chars().count()).unwrap_or(i64::MAX);
    let start = if offset < 0 { offset.saturating_add(total).max(0) } else { offset };
    if start >= total {
        return Ok(EvalValue::str(""));
    }
    let rest = total - start;
    // go-cty takes the rest for a zero length after a negative offset, too.
    let take = if length <= 0 { rest } else { length.min(rest) };
    let (start, take) = (usize::try_from(start).unwrap_or(0), usize::try_from(take).unwrap_or(0));
    Ok(EvalValue::String(s.chars().skip(start).take(take).collect()))
}

/// `chomp(string)`: the newlines at the end removed.
pub(super) fn chomp(c: &Call) -> Result<EvalValue, String> {
    map_string(c, |s| s.trim_end_matches(['\n', '\r']).to_owned())
}

/// `indent(spaces, string)`: every line but the first indented.
pub(super) fn indent(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let n = usize::try_from(c.int_arg(0, "spaces")?).map_err(|_| c.param_err("spaces", "must not be negative"))?;
    let text = c.string_arg(1, "str")?;
    c.check_bytes(text.len().saturating_add(n.saturating_mul(text.matches('\n').count())))?;
    Ok(EvalValue::str(text.replace('\n', &format!("\n{}", " ".repeat(n)))))
}

/// `strrev(string)`.
pub(super) fn strrev(c: &Call) -> Result<EvalValue, String> {
    map_string(c, |s| s.chars().rev().collect())
}

/// `urlencode(string)`: as Go's `url.QueryEscape`.
pub(super) fn urlencode(c: &Call) -> Result<EvalValue, String> {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    map_string(c, |s| utf8_percent_encode(s, QUERY).to_string().replace("%20", "+"))
}
