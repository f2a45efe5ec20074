//! What a report may quote of a configuration: the code, never the values.
//!
//! A finding quotes the source around the setting or rule that makes a link.
//! The code says what it is (attribute names, references, function calls), but
//! any value written in it may be a secret, and no list of secret key names is
//! ever complete (`DB_PWD`, `REDIS_AUTH`, a YAML `password:` inside a heredoc, the
//! `value` beside a `name` in a list of variables). So values are masked by what
//! they are, not by how their key is spelled: every value is masked except what a
//! reader needs and what is never a secret.
//! - Endpoints: the hosts and ports envwall reads in a value (in URLs, JDBC and
//!   key=value connection strings always; bare `host:port` only under a key that
//!   holds an endpoint, as settings are read), IP addresses and CIDR ranges, and
//!   URL schemes. The user info of a URL is masked.
//! - Keys: attribute names, object keys, JSON and YAML keys, `Key=` in connection
//!   strings.
//! - Labels: the value of a key that names or places a thing (`name`,
//!   `function_name`, `environment`, `namespace`, `protocol`, ...), which the
//!   reports print as evidence anyway.
//!
//! Masking keeps every byte offset: a masked character becomes as many `*` as
//! its UTF-8 bytes, so the spans into the source still point at the same code.
//! The source is scanned once, without recursion, whatever it holds.

use std::ops::Range;

use super::connstr;

/// Terraform source text (native syntax or JSON) with its values masked.
pub fn mask_source(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    Scanner { text, bytes: text.as_bytes(), out: &mut out }.run();
    // Only whole characters were replaced, by ASCII: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// What the scanner is inside.
enum Mode {
    /// Code; `braces` open since it began (inside `${ }`, the `}` that closes
    /// it ends it).
    Code { braces: usize },
    /// A quoted template: its key, where its current literal part began, and
    /// whether it has interpolations.
    Quoted { key: Option<String>, from: usize, interpolated: bool },
    /// A heredoc template: its closing marker, its key, and where its current
    /// literal part began.
    Heredoc { marker: String, key: Option<String>, from: usize },
}

struct Scanner<'t, 'o> {
    text: &'t str,
    bytes: &'t [u8],
    out: &'o mut Vec<u8>,
}

impl Scanner<'_, '_> {
    fn run(&mut self) {
        let bytes = self.bytes;
        let mut stack = vec![Mode::Code { braces: 0 }];
        let mut i = 0;
        while i < bytes.len() {
            let Some(mode) = stack.last_mut() else { break };
            match mode {
                Mode::Code { braces } => match bytes[i] {
                    b'#' => i = line_end(bytes, i),
                    b'/' if bytes.get(i + 1) == Some(&b'/') => i = line_end(bytes, i),
                    b'/' if bytes.get(i + 1) == Some(&b'*') => {
                        i = memchr::memmem::find(&bytes[i + 2..], b"*/").map_or(bytes.len(), |n| i + 2 + n + 2);
                    }
                    b'"' => {
                        let key = key_before(self.text, i);
                        stack.push(Mode::Quoted { key, from: i + 1, interpolated: false });
                        i += 1;
                    }
                    b'<' if bytes.get(i + 1) == Some(&b'<') => match heredoc_start(self.text, i) {
                        Some((marker, body)) => {
                            let key = key_before(self.text, i);
                            stack.push(Mode::Heredoc { marker, key, from: body });
                            i = body;
                        }
                        None => i += 2,
                    },
                    b'{' => {
                        *braces += 1;
                        i += 1;
                    }
                    b'}' if *braces == 0 => {
                        // The end of an interpolation: back to its template.
                        if stack.len() > 1 {
                            stack.pop();
                            set_from(&mut stack, i + 1);
                        }
                        i += 1;
                    }
                    b'}' => {
                        *braces -= 1;
                        i += 1;
                    }
                    _ => i += 1,
                },
                Mode::Quoted { key, from, interpolated } => match bytes[i] {
                    b'\\' => i += 2,
                    b'"' | b'\n' => {
                        let (key, from) = (key.take(), *from);
                        // A quoted object key (`"DB_PASSWORD" = ...`, JSON's
                        // `"name": ...`) and a block's label name, not value.
                        let named = !*interpolated
                            && bytes[i] == b'"'
                            && (is_quoted_key(self.text, from - 1, i + 1)
                                || (key.is_none() && is_block_label(self.text, from - 1, i + 1)));
                        if !named {
                            self.literal(from..i, key.as_deref());
                        }
                        stack.pop();
                        i += usize::from(bytes[i] == b'"');
                    }
                    b'$' | b'%' if bytes.get(i + 1) == Some(&bytes[i]) && bytes.get(i + 2) == Some(&b'{') => i += 3,
                    b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                        let from = *from;
                        *interpolated = true;
                        self.literal(from..i, key.as_deref());
                        stack.push(Mode::Code { braces: 0 });
                        i += 2;
                    }
                    _ => i += 1,
                },
                Mode::Heredoc { marker, key, from } => {
                    let line_start = i == 0 || bytes[i - 1] == b'\n';
                    if line_start && self.text[i..line_end(bytes, i)].trim() == marker.as_str() {
                        let (key, from) = (key.take(), *from);
                        self.literal(from..i, key.as_deref());
                        stack.pop();
                        i = line_end(bytes, i);
                        continue;
                    }
                    match bytes[i] {
                        b'$' | b'%' if bytes.get(i + 1) == Some(&bytes[i]) && bytes.get(i + 2) == Some(&b'{') => i += 3,
                        b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                            let from = *from;
                            self.literal(from..i, key.as_deref());
                            stack.push(Mode::Code { braces: 0 });
                            i += 2;
                        }
                        _ => i += 1,
                    }
                }
            }
        }
        // A template the file leaves open: its last literal part is a value too.
        // (Those below it ended where their open interpolations began.)
        if let Some(Mode::Quoted { key, from, .. } | Mode::Heredoc { key, from, .. }) = stack.pop() {
            self.literal(from..bytes.len(), key.as_deref());
        }
    }

    /// Masks the literal part `range` of a template written as the value of `key`.
    fn literal(&mut self, range: Range<usize>, key: Option<&str>) {
        let range = range.start.min(self.text.len())..range.end.min(self.text.len());
        if range.is_empty() || !self.text.is_char_boundary(range.start) || !self.text.is_char_boundary(range.end) {
            return;
        }
        for masked in masked_ranges(&self.text[range.clone()], key) {
            star(self.out, self.text, range.start + masked.start..range.start + masked.end);
        }
    }
}

/// Whether the quoted string from `open` (its `"`) to `after` (past its
/// closing `"`) is an object key: `=` or `:` follows it, and no `?` comes
/// before it (`c ? "a" : "b"` chooses between values).
fn is_quoted_key(text: &str, open: usize, after: usize) -> bool {
    let rest = text[after..].trim_start_matches([' ', '\t']);
    let marked = rest.starts_with(':') || (rest.starts_with('=') && !rest.starts_with("=="));
    marked && !text[..open].trim_end().ends_with('?')
}

/// Whether the quoted string from `open` to `after` is a block label
/// (`resource "aws_vpc" "main" {`): a block type or another label comes before
/// it, and another label or the block's `{` after it.
fn is_block_label(text: &str, open: usize, after: usize) -> bool {
    let rest = text[after..].trim_start_matches([' ', '\t']);
    let before = text[..open].trim_end_matches([' ', '\t']);
    (rest.starts_with('{') || rest.starts_with('"'))
        && (before.ends_with('"') || before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
}

/// Sets where the literal part of the template on top of `stack` begins.
fn set_from(stack: &mut [Mode], at: usize) {
    if let Some(Mode::Quoted { from, .. } | Mode::Heredoc { from, .. }) = stack.last_mut() {
        *from = at;
    }
}

fn line_end(bytes: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n)
}

/// `<<EOT` or `<<-EOT` at `i`, then a line ending: the marker, and where the body
/// begins.
fn heredoc_start(text: &str, i: usize) -> Option<(String, usize)> {
    let rest = &text[i + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let start = text.len() - rest.len();
    let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
    let marker = &rest[..len];
    if marker.is_empty() || !marker.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let after = &rest[len..];
    let body = after.strip_prefix("\r\n").or_else(|| after.strip_prefix('\n'))?;
    Some((marker.to_owned(), start + len + (after.len() - body.len())))
}

/// The key a value at `at` is written under: the attribute or object key before
/// its `=` or `:`, past an opening `[` or `(` (`values = [<<EOT`).
fn key_before(text: &str, at: usize) -> Option<String> {
    let before = text[..at].trim_end_matches([' ', '\t', '\r', '\n', '[', '(']);
    let before =
        before.strip_suffix('=').filter(|b| !b.ends_with(['=', '!', '<', '>'])).or_else(|| before.strip_suffix(':'))?;
    let before = before.trim_end();
    if let Some(quoted) = before.strip_suffix('"') {
        let start = quoted.rfind('"')?;
        return Some(quoted[start + 1..].to_owned());
    }
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |n| n + before[n..].chars().next().map_or(1, char::len_utf8));
    let key = &before[start..];
    (!key.is_empty()).then(|| key.to_owned())
}

/// Whether a key's value names or places a thing, never a secret: `name`,
/// `*_name`, the environment, the namespace, the protocol.
pub(crate) fn is_label(key: &str) -> bool {
    let k: String = key.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    k.ends_with("name")
        || matches!(
            k.as_str(),
            "env"
                | "environment"
                | "stage"
                | "tier"
                | "workspace"
                | "namespace"
                | "family"
                | "image"
                | "identifier"
                | "project"
                | "region"
                | "location"
                | "zone"
                | "type"
                | "kind"
                | "protocol"
                | "ipprotocol"
                | "direction"
                | "action"
                | "access"
        )
}

/// The byte ranges of `value` to mask, for a value written under `key`.
pub(crate) fn masked_ranges(value: &str, key: Option<&str>) -> Vec<Range<usize>> {
    let tokens = tokens(value);
    // Endpoints the whole value names (`Server=tcp:h,1433;...` spans tokens).
    let whole = connstr::parse(value, key.is_some_and(connstr::endpoint_key));
    let mut out = Vec::new();
    let mut last_key = key;
    for token in &tokens {
        let text = &value[token.range.clone()];
        if token.is_key {
            last_key = Some(text);
            continue;
        }
        if last_key.is_some_and(is_label) {
            out.extend(user_info(text).map(|r| token.range.start + r.start..token.range.start + r.end));
            continue;
        }
        let bare = last_key.is_some_and(connstr::endpoint_key);
        let keep = kept(text, bare, &whole);
        let mut at = 0;
        for k in keep {
            if k.start > at {
                out.push(token.range.start + at..token.range.start + k.start);
            }
            at = at.max(k.end);
        }
        if at < text.len() {
            out.push(token.range.start + at..token.range.end);
        }
    }
    out
}

/// A run of a value between separators, and whether it is a key.
struct Token {
    range: Range<usize>,
    is_key: bool,
}

/// The tokens of a value: runs between blanks, quotes, brackets and `,;=`, and
/// `:` where it ends a key (`key: value`, `"key":`). A token is a key when it
/// begins an entry and a `=` or such a `:` follows it.
fn tokens(value: &str) -> Vec<Token> {
    let bytes = value.as_bytes();
    let key_colon = |i: usize| {
        bytes[i] == b':'
            && (i + 1 == bytes.len()
                || matches!(bytes[i + 1], b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'{' | b'[')
                || (i > 0 && matches!(bytes[i - 1], b'"' | b'\'')))
    };
    let separator = |i: usize| {
        matches!(
            bytes[i],
            b' ' | b'\t'
                | b'\r'
                | b'\n'
                | b'"'
                | b'\''
                | b'`'
                | b'{'
                | b'}'
                | b'['
                | b']'
                | b'('
                | b')'
                | b','
                | b';'
                | b'='
                | b'\\'
        ) || key_colon(i)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if separator(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !separator(i) {
            i += 1;
        }
        // An entry begins after the start, a blank, `{`, `,`, `;`, `&`, `?` or a
        // YAML list's `-`; a key is followed (past quotes and blanks) by `=` or `:`.
        let entry = value[..start]
            .trim_end_matches(['"', '\''])
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || matches!(c, '{' | ',' | ';' | '&' | '?' | '-' | '['));
        let mut j = i;
        while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b' ' | b'\t') {
            j += 1;
        }
        let marked = j < bytes.len() && (bytes[j] == b'=' && bytes.get(j + 1) != Some(&b'=') || key_colon(j));
        out.push(Token { range: start..i, is_key: entry && marked });
    }
    out
}

/// The parts of a value token that are endpoints: its URL scheme, the hosts
/// and ports envwall reads in it (or in the whole value), IP addresses and CIDR
/// ranges. Sorted, not overlapping.
fn kept(token: &str, bare_hosts: bool, whole: &[connstr::Endpoint]) -> Vec<Range<usize>> {
    if token.parse::<ipnet::IpNet>().is_ok() || token.parse::<std::net::IpAddr>().is_ok() {
        return std::iter::once(0..token.len()).collect();
    }
    let own = connstr::parse(token, bare_hosts);
    let mut keep = Vec::new();
    if let Some(n) = token.find("://")
        && token[..n].chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        keep.push(0..n + 3);
    }
    // Hosts in the order they are written, each with the port after it.
    let lower = token.to_ascii_lowercase();
    for e in own.iter().chain(whole) {
        if e.host.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(n) = lower[from..].find(&e.host) {
            let start = from + n;
            let mut end = start + e.host.len();
            if let Some(port) = e.port.map(|p| p.to_string())
                && let Some(after) = token[end..].strip_prefix([':', ','])
                && after.starts_with(&port)
                && !after[port.len()..].starts_with(|c: char| c.is_ascii_digit())
            {
                end += 1 + port.len();
            }
            keep.push(start..end);
            from = end;
        }
    }
    // A port written apart from its host (`tcp:h,1433` splits at the comma).
    if !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && whole.iter().chain(&own).any(|e| e.port.is_some_and(|p| p.to_string() == token))
    {
        keep.push(0..token.len());
    }
    // The user info of a URL is never kept, even where it repeats a host.
    let hidden = user_info(token);
    keep.retain(|k| hidden.iter().all(|h| k.end <= h.start || k.start >= h.end));
    keep.sort_by_key(|r| r.start);
    keep
}

/// The user info of a URL in `token` (`user:secret` in `scheme://user:secret@host`).
fn user_info(token: &str) -> Option<Range<usize>> {
    let start = token.find("://")? + 3;
    let authority = &token[start..];
    // The user info ends at the last `@` before the path (a password may hold `@`).
    let path = authority.rfind('@').and_then(|at| authority[at..].find(['/', '?', '#']).map(|p| at + p));
    let at = authority[..path.unwrap_or(authority.len())].rfind('@')?;
    (at > 0).then(|| start..start + at)
}

/// Replaces every character in `range` of `text` by `*`s, one per byte.
fn star(out: &mut [u8], text: &str, range: Range<usize>) {
    if let Some(part) = out.get_mut(range.clone())
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end)
    {
        part.fill(b'*');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        let out = mask_source(text);
        assert_eq!(out.len(), text.len(), "offsets kept");
        out
    }

    #[test]
    fn values_are_masked_and_endpoints_kept() {
        let cases = [
            ("password = \"hunter2\"\n", "password = \"*******\"\n"),
            ("SECRET_KEY = \"LEAK01\"\n", "SECRET_KEY = \"******\"\n"),
            (
                "DATABASE_URL = \"postgresql://orders:s3cr3t@db.example.com:5432/orders\"\n",
                "DATABASE_URL = \"postgresql://**************db.example.com:5432*******\"\n",
            ),
            ("name = \"orders-prod\"\nteam = \"payments\"\n", "name = \"orders-prod\"\nteam = \"********\"\n"),
            ("ref = \"${var.password}\"\n", "ref = \"${var.password}\"\n"),
            ("x = \"pre-${lookup(m, \"k\")}-post\"\n", "x = \"****${lookup(m, \"*\")}*****\"\n"),
            (
                "cidr_blocks = [\"10.0.0.0/16\", \"2001:db8::/32\"]\n",
                "cidr_blocks = [\"10.0.0.0/16\", \"2001:db8::/32\"]\n",
            ),
            ("DB_HOST = \"db.internal.example.com:5432\"\n", "DB_HOST = \"db.internal.example.com:5432\"\n"),
            ("NOTE = \"Pa55.word\"\n", "NOTE = \"*********\"\n"),
            (
                "CONN = \"Driver={ODBC};Server=tcp:db14.example.com,1433;Uid=a;Pwd={Hunter2;Secret14};\"\n",
                "CONN = \"Driver={****};Server=****db14.example.com,1433;Uid=*;Pwd={*******;********};\"\n",
            ),
            (
                "CONN2 = \"Server=db21.example.com;Password=\\\"Hunter2;Secret21\\\";User Id=sa\"\n",
                "CONN2 = \"Server=db21.example.com;Password=\\\"*******;********\\\";**** Id=**\"\n",
            ),
            ("k = \"AccountKey=abc==;x\"\n", "k = \"AccountKey=***==;*\"\n"),
            ("pwd = \"é\\\"x\"\n", "pwd = \"**\\\"*\"\n"),
            ("a = \"unterminated\n", "a = \"************\n"),
            ("# password = \"in a comment\"\n", "# password = \"in a comment\"\n"),
            (
                "resource \"aws_vpc\" \"main\" {\n  x = [\"a\", \"b\"]\n}\n",
                "resource \"aws_vpc\" \"main\" {\n  x = [\"*\", \"*\"]\n}\n",
            ),
            (
                "variable \"n\"{ type = number }\nx = c ? \"s1\" : \"s2\"\n",
                "variable \"n\"{ type = number }\nx = c ? \"**\" : \"**\"\n",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(masked(text), want, "{text}");
        }
    }

    #[test]
    fn heredocs_mask_yaml_and_json_values_keeping_keys() {
        let helm = "values = [<<EOT\ndatabase:\n  url: postgresql://u:HELMPW3@db3.staging.example.com:5432/x\n  password: HELMLEAK4\nEOT\n]\n";
        assert_eq!(
            masked(helm),
            "values = [<<EOT\ndatabase:\n  url: postgresql://**********db3.staging.example.com:5432**\n  password: *********\nEOT\n]\n"
        );
        let ecs = "c = <<-EOT\n  [{\"name\":\"DB_PASSWORD\",\"value\":\"ECSLEAK5\"}, {\"name\":\"URL\",\"value\":\"https://api.example.com/x\"}]\n  EOT\nd = \"x\"\n";
        assert_eq!(
            masked(ecs),
            "c = <<-EOT\n  [{\"name\":\"DB_PASSWORD\",\"value\":\"********\"}, {\"name\":\"URL\",\"value\":\"https://api.example.com**\"}]\n  EOT\nd = \"*\"\n"
        );
        let interpolated = "u = <<EOT\nhost: ${var.host}\ntoken: abc\nEOT\n";
        assert_eq!(masked(interpolated), "u = <<EOT\nhost: ${var.host}\ntoken: ***\nEOT\n");
    }

    #[test]
    fn name_value_lists_show_the_name_and_mask_the_value() {
        let hcl = "environment = [\n  { name = \"DB_PASSWORD\", value = \"ECSLEAK2\" },\n]\n";
        assert_eq!(masked(hcl), "environment = [\n  { name = \"DB_PASSWORD\", value = \"********\" },\n]\n");
        let json = "{\"resource\": {\"x\": {\"y\": {\"name\": \"orders\", \"password\": \"JSONLEAK\"}}}}";
        assert_eq!(
            masked(json),
            "{\"resource\": {\"x\": {\"y\": {\"name\": \"orders\", \"password\": \"********\"}}}}"
        );
    }

    #[test]
    fn deep_nesting_and_garbage_neither_overflow_nor_panic() {
        let deep = format!("a = \"{}\"", "${\"".repeat(200_000));
        assert_eq!(mask_source(&deep).len(), deep.len());
        for text in ["<<", "<<-", "\"${", "${}}}}", "\"\\", "a = <<EOT\n", "é\"é", "/*", "\"$${x}%%{y}\""] {
            assert_eq!(mask_source(text).len(), text.len(), "{text}");
        }
    }
}
