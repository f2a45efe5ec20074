//! Where resources are written in a plan or state file: the line and column of
//! each one's `"address"` (plans, `show -json` states), or of the `"name"` after
//! its `"type"` (raw states), for reports that point into the file.
//!
//! The file is scanned as it is read, a megabyte at a time, never held whole:
//! plan JSON is often one line of hundreds of megabytes.

use std::io::BufRead;
use std::ops::ControlFlow;

use super::Source;
use crate::hash::{FastMap, FastSet};

/// A resource to find: its address, type and name.
pub struct Wanted {
    /// Its address, as the plan writes it.
    pub address: String,
    /// Its type, for a raw state's `"type"`.
    pub kind: String,
    /// Its name, for a raw state's `"name"`.
    pub name: String,
}

/// The line and column (1-based, in characters) of each wanted resource, by
/// address; `(1, 1)` for one not found.
pub fn positions(source: &Source, wanted: &[Wanted]) -> FastMap<String, (usize, usize)> {
    let addresses: FastSet<&str> = wanted.iter().map(|w| w.address.as_str()).collect();
    let mut found: FastMap<String, (usize, usize)> = FastMap::default();
    scan(source, b"\"address\"", |after, place| {
        if let Some(value) = next_string(after)
            && addresses.contains(value.as_str())
            && !found.contains_key(&value)
        {
            found.insert(value, place);
            if found.len() == addresses.len() {
                // Every address found: the rest of the file need not be read.
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    if found.is_empty() {
        // A raw state: `"type"`, then its `"name"` close after.
        let mut by_type_name: FastMap<(String, String), (usize, usize)> = FastMap::default();
        scan(source, b"\"type\"", |after, place| {
            let Some(kind) = next_string(after) else { return ControlFlow::Continue(()) };
            let window = &after[..after.len().min(TYPE_NAME_WINDOW)];
            if let Some(n) = memchr::memmem::find(window, b"\"name\"")
                && let Some(name) = next_string(&window[n + 6..])
            {
                let column = place.1 + 6 + chars(&after[..n]);
                // The `"name"` is on the line of the `"type"` unless a newline
                // comes between them.
                let place = match after[..n].iter().rposition(|&b| b == b'\n') {
                    Some(last) => (place.0 + count_newlines(&after[..n]), 1 + chars(&after[last + 1..n])),
                    None => (place.0, column),
                };
                by_type_name.entry((kind, name)).or_insert(place);
            }
            ControlFlow::Continue(())
        });
        for w in wanted {
            if let Some(place) = by_type_name.get(&(w.kind.clone(), w.name.clone())) {
                found.insert(w.address.clone(), *place);
            }
        }
    }
    for w in wanted {
        found.entry(w.address.clone()).or_insert((1, 1));
    }
    found
}

/// How far after a `"type"` its `"name"` is looked for.
const TYPE_NAME_WINDOW: usize = 400;

/// Bytes read at a time.
const CHUNK: usize = 1 << 20;

/// Bytes after a match that are always there to read it (unless the file ends).
const LOOKAHEAD: usize = 8 << 10;

/// Calls `f` with the bytes after each occurrence of `pattern` (at least
/// [`LOOKAHEAD`] of them, unless the file ends sooner) and the occurrence's line
/// and column, in file order, until it breaks.
fn scan(source: &Source, pattern: &[u8], mut f: impl FnMut(&[u8], (usize, usize)) -> ControlFlow<()>) {
    let Ok(mut reader) = source.bytes() else { return };
    let finder = memchr::memmem::Finder::new(pattern);
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + LOOKAHEAD);
    // The line and the characters of the current line, counted up to `counted`.
    let (mut line, mut column, mut counted) = (1usize, 0usize, 0usize);
    let mut eof = false;
    loop {
        while !eof && buf.len() < CHUNK + LOOKAHEAD {
            match reader.fill_buf() {
                Ok([]) => eof = true,
                Ok(bytes) => {
                    let n = bytes.len().min(CHUNK + LOOKAHEAD - buf.len());
                    buf.extend_from_slice(&bytes[..n]);
                    reader.consume(n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => eof = true,
            }
        }
        let limit = if eof { buf.len() } else { buf.len() - LOOKAHEAD };
        // A match must start before `limit`, but may end past it.
        let window = (limit + pattern.len() - 1).min(buf.len());
        for at in finder.find_iter(&buf[..window]) {
            if at < counted || at >= limit {
                continue;
            }
            advance(&buf[counted..at], &mut line, &mut column);
            counted = at;
            if f(&buf[at + pattern.len()..], (line, column + 1)).is_break() {
                return;
            }
        }
        if eof {
            return;
        }
        advance(&buf[counted..limit], &mut line, &mut column);
        buf.drain(..limit);
        counted = 0;
    }
}

/// Counts lines and characters over `bytes`.
fn advance(bytes: &[u8], line: &mut usize, column: &mut usize) {
    match bytes.iter().rposition(|&b| b == b'\n') {
        Some(last) => {
            *line += count_newlines(bytes);
            *column = chars(&bytes[last + 1..]);
        }
        None => *column += chars(bytes),
    }
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Characters in UTF-8 bytes (a loop the compiler vectorises).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// The JSON string after a key (`: "value"`), decoded.
fn next_string(after: &[u8]) -> Option<String> {
    let after = &after[..after.len().min(LOOKAHEAD)];
    let text = match std::str::from_utf8(after) {
        Ok(t) => t,
        // A character cut at the end of what was read.
        Err(e) => std::str::from_utf8(&after[..e.valid_up_to()]).ok()?,
    };
    let rest = text.trim_start().strip_prefix(':')?.trim_start();
    let body = rest.strip_prefix('"')?;
    let end = body.find('"')?;
    let raw = &body[..end];
    if !raw.contains('\\') {
        return Some(raw.to_owned());
    }
    // Escapes (a for_each key): decode the string.
    serde_json::Deserializer::from_str(rest).into_iter::<String>().next()?.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source::from_bytes(std::path::Path::new("x.json"), text.as_bytes().to_vec()).unwrap()
    }

    fn wanted(address: &str, kind: &str, name: &str) -> Wanted {
        Wanted { address: address.into(), kind: kind.into(), name: name.into() }
    }

    #[test]
    fn finds_each_address_and_type_name_with_its_line_and_column() {
        let plan =
            "{\"resource_changes\":[\n  {\"address\":\"aws_vpc.a\"},\n  {\"address\":\"aws_vpc.b[\\\"é\\\"]\"}]}";
        let found = positions(&source(plan), &[wanted("aws_vpc.a", "", ""), wanted("aws_vpc.b[\"é\"]", "", "")]);
        assert_eq!(found["aws_vpc.a"], (2, 4));
        assert_eq!(found["aws_vpc.b[\"é\"]"], (3, 4));
        let state = "{\"resources\":[{\"mode\":\"managed\",\"type\":\"aws_vpc\",\n\"name\":\"main\"}]}";
        let found = positions(&source(state), &[wanted("aws_vpc.main", "aws_vpc", "main"), wanted("x.y", "x", "y")]);
        assert_eq!(found["aws_vpc.main"], (2, 1));
        assert_eq!(found["x.y"], (1, 1));
    }

    #[test]
    fn a_match_across_chunks_is_found_where_it_is() {
        // One line of three chunks: an address across the end of the first
        // chunk's part, another past it, with a character of two bytes between.
        let pad = " ".repeat(CHUNK - 3);
        let tail = " ".repeat(2 * CHUNK);
        let plan = format!("{{{pad}\"address\":\"aws_vpc.a\", \"é\": 1, {pad}\"address\":\"aws_vpc.b\"{tail}}}");
        let column = |at: usize| plan[..at].chars().count() + 1;
        let found = positions(&source(&plan), &[wanted("aws_vpc.a", "", ""), wanted("aws_vpc.b", "", "")]);
        assert_eq!(found["aws_vpc.a"], (1, column(plan.find("\"address\"").unwrap())));
        assert_eq!(found["aws_vpc.b"], (1, column(plan.rfind("\"address\"").unwrap())));
    }
}
