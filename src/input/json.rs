//! Reading a JSON document too large to hold in memory.
//!
//! A plan of 50,000 resources is 228 MB of JSON, most of it in a few lists
//! (`resource_changes`, the resources of `planned_values` and `prior_state`). A
//! [`Cursor`] walks the document's outer structure as it reads the file, and
//! hands each element of those lists (and each other top-level value) to
//! serde_json as a slice of its own: the loader lowers the element into the model
//! and the slice is dropped. So the document is never in memory whole, and every
//! value is still parsed by serde_json from a slice, its fastest path
//! (`serde_json::from_reader` reads a byte at a time and took the load of that
//! plan from 0.9 s to 2.7 s).
//!
//! The cursor finds where a value ends without judging what is inside it: every
//! byte it hands over is parsed by serde_json, which says what is wrong with it
//! and where. Where the outer structure itself is broken, the loader has
//! serde_json read the whole document to say how.

use std::io::{self, BufRead};

/// Where in a document reading stopped, and why.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The file could not be read.
    Io(io::Error),
    /// The document is not well-formed JSON at `offset`.
    Syntax { offset: u64 },
    /// A value at `offset` is not the object or list expected there.
    Type { offset: u64 },
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Stop {
        Stop::Io(e)
    }
}

/// A step of the path from the top of the document to the cursor.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// Writes a path as the loader's messages show one: `resource_changes[3].change`.
pub(crate) fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A reader of a JSON document's outer structure.
pub(crate) struct Cursor<R> {
    reader: R,
    /// The offset in the document of the reader's next byte.
    offset: u64,
    /// From the top of the document to the value being read, for messages.
    pub path: Vec<Step>,
}

impl<R: BufRead> Cursor<R> {
    pub fn new(reader: R) -> Cursor<R> {
        Cursor::at(reader, 0)
    }

    /// A cursor whose reader starts `offset` bytes into the document.
    pub fn at(reader: R, offset: u64) -> Cursor<R> {
        Cursor { reader, offset, path: Vec::new() }
    }

    /// The offset in the document of the next byte to read.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The next byte that is not whitespace, not consumed; `None` at the end.
    fn peek(&mut self) -> Result<Option<u8>, Stop> {
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Stop::Io(e)),
            };
            if buf.is_empty() {
                return Ok(None);
            }
            match buf.iter().position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t')) {
                Some(n) => {
                    let next = buf[n];
                    self.consume(n);
                    return Ok(Some(next));
                }
                None => {
                    let n = buf.len();
                    self.consume(n);
                }
            }
        }
    }

    fn consume(&mut self, n: usize) {
        self.reader.consume(n);
        self.offset += n as u64;
    }

    /// Consumes `byte`, which must come next.
    fn expect(&mut self, byte: u8) -> Result<(), Stop> {
        match self.peek()? {
            Some(b) if b == byte => {
                self.consume(1);
                Ok(())
            }
            _ => Err(Stop::Syntax { offset: self.offset }),
        }
    }

    /// Whether the value is `null` (consumed), else leaves it.
    pub fn null(&mut self) -> Result<bool, Stop> {
        if self.peek()? != Some(b'n') {
            return Ok(false);
        }
        let mut word = Vec::new();
        self.capture(&mut word)?;
        if word != b"null" {
            return Err(Stop::Syntax { offset: self.offset });
        }
        Ok(true)
    }

    /// Enters an object: `true` past its `{`, `false` for `null`.
    pub fn object(&mut self) -> Result<bool, Stop> {
        self.open(b'{')
    }

    /// Enters a list: `true` past its `[`, `false` for `null`.
    pub fn list(&mut self) -> Result<bool, Stop> {
        self.open(b'[')
    }

    fn open(&mut self, bracket: u8) -> Result<bool, Stop> {
        if self.null()? {
            return Ok(false);
        }
        match self.peek()? {
            Some(b) if b == bracket => {
                self.consume(1);
                Ok(true)
            }
            Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f') => Err(Stop::Type { offset: self.offset }),
            _ => Err(Stop::Syntax { offset: self.offset }),
        }
    }

    /// The next key of the object entered (the cursor then at its value), or
    /// `None` past the object's `}`. `first` is whether no key has been read.
    pub fn key(&mut self, first: bool) -> Result<Option<String>, Stop> {
        match self.peek()? {
            Some(b'}') => {
                self.consume(1);
                return Ok(None);
            }
            Some(b',') if !first => self.consume(1),
            Some(_) if first => {}
            _ => return Err(Stop::Syntax { offset: self.offset }),
        }
        if self.peek()? != Some(b'"') {
            return Err(Stop::Syntax { offset: self.offset });
        }
        let at = self.offset;
        let mut raw = Vec::new();
        self.capture(&mut raw)?;
        let key = if raw.contains(&b'\\') {
            serde_json::from_slice::<String>(&raw).map_err(|_| Stop::Syntax { offset: at })?
        } else {
            String::from_utf8(raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default().to_vec())
                .map_err(|_| Stop::Syntax { offset: at })?
        };
        self.expect(b':')?;
        Ok(Some(key))
    }

    /// Whether the list entered has another element (the cursor then at it);
    /// `false` past the list's `]`. `first` is whether none has been read.
    pub fn element(&mut self, first: bool) -> Result<bool, Stop> {
        match self.peek()? {
            Some(b']') => {
                self.consume(1);
                Ok(false)
            }
            Some(b',') if !first => {
                self.consume(1);
                Ok(true)
            }
            Some(_) if first => Ok(true),
            _ => Err(Stop::Syntax { offset: self.offset }),
        }
    }

    /// Copies the next value's bytes into `out` (emptied first), and gives its
    /// offset. Only where the value ends is worked out here; what it holds is
    /// for serde_json to judge.
    pub fn capture(&mut self, out: &mut Vec<u8>) -> Result<u64, Stop> {
        out.clear();
        let Some(first) = self.peek()? else { return Err(Stop::Syntax { offset: self.offset }) };
        let start = self.offset;
        match first {
            b'"' => {
                self.take(out, 1);
                self.string_rest(out)?;
            }
            b'{' | b'[' => self.nested(Some(out))?,
            b'}' | b']' | b',' | b':' => return Err(Stop::Syntax { offset: start }),
            _ => self.scalar(out)?,
        }
        Ok(start)
    }

    /// Passes over the next value, an object or a list, without copying it or
    /// judging what it holds (for a part read again later, where serde_json
    /// judges it); its offset.
    pub fn pass(&mut self) -> Result<u64, Stop> {
        let start = self.offset;
        match self.peek()? {
            Some(b'{' | b'[') => self.nested(None)?,
            _ => return Err(Stop::Type { offset: start }),
        }
        Ok(start)
    }

    /// Moves `n` bytes of the reader's buffer into `out`.
    fn take(&mut self, out: &mut Vec<u8>, n: usize) {
        if let Ok(buf) = self.reader.fill_buf() {
            out.extend_from_slice(&buf[..n]);
        }
        self.consume(n);
    }

    /// The rest of a string, after its opening quote, up to its closing one.
    fn string_rest(&mut self, out: &mut Vec<u8>) -> Result<(), Stop> {
        let mut escaped = false;
        loop {
            let buf = self.fill()?;
            let mut i = 0;
            if escaped {
                i = 1;
                escaped = false;
            }
            match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                Some(n) if buf[i + n] == b'"' => {
                    self.take(out, i + n + 1);
                    return Ok(());
                }
                Some(n) => {
                    // A backslash: the byte after it is part of the string.
                    let end = i + n + 2;
                    if end <= buf.len() {
                        self.take(out, end);
                    } else {
                        let len = buf.len();
                        self.take(out, len);
                        escaped = true;
                    }
                }
                None => {
                    let len = buf.len();
                    self.take(out, len);
                }
            }
        }
    }

    /// An object or a list, brackets counted (strings skipped over), however
    /// deep: no recursion. Each buffer of the reader is scanned and copied whole.
    fn nested(&mut self, mut out: Option<&mut Vec<u8>>) -> Result<(), Stop> {
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        loop {
            let buf = self.fill()?;
            let mut i = 0;
            let mut end = None;
            while i < buf.len() {
                if in_string {
                    if escaped {
                        escaped = false;
                        i += 1;
                        continue;
                    }
                    match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                        Some(k) => {
                            i += k;
                            if buf[i] == b'\\' {
                                escaped = true;
                            } else {
                                in_string = false;
                            }
                            i += 1;
                        }
                        None => i = buf.len(),
                    }
                    continue;
                }
                let b = buf[i];
                i += 1;
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(i);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let n = end.unwrap_or(buf.len());
            if let Some(out) = out.as_deref_mut() {
                out.extend_from_slice(&buf[..n]);
            }
            self.consume(n);
            if end.is_some() {
                return Ok(());
            }
        }
    }

    /// A number, `true`, `false` or `null` (or a mistake for serde_json to name):
    /// up to the next delimiter.
    fn scalar(&mut self, out: &mut Vec<u8>) -> Result<(), Stop> {
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Stop::Io(e)),
            };
            if buf.is_empty() {
                return Ok(());
            }
            match buf.iter().position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' | b':')) {
                Some(n) => {
                    self.take(out, n);
                    return Ok(());
                }
                None => {
                    let len = buf.len();
                    self.take(out, len);
                }
            }
        }
    }

    /// The reader's buffer, refilled; the end of the document inside a value is
    /// a syntax error.
    fn fill(&mut self) -> Result<&[u8], Stop> {
        loop {
            match self.reader.fill_buf() {
                Ok([]) => return Err(Stop::Syntax { offset: self.offset }),
                Ok(_) => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Stop::Io(e)),
            }
        }
        Ok(self.reader.fill_buf().unwrap_or_default())
    }

    /// Whether the document ends here (nothing but whitespace left).
    pub fn at_end(&mut self) -> Result<bool, Stop> {
        Ok(self.peek()?.is_none())
    }
}

/// Where, in `bytes`, serde_json's line (1-based) and column (bytes after the
/// line's start) point.
pub(crate) fn index_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match memchr::memchr(b'\n', &bytes[start..]) {
            Some(n) => start += n + 1,
            None => return bytes.len(),
        }
    }
    (start + column).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(text: &str) -> Cursor<&[u8]> {
        Cursor::new(text.as_bytes())
    }

    fn captured(text: &str) -> String {
        let mut out = Vec::new();
        cursor(text).capture(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn captures_each_kind_of_value_up_to_its_end() {
        assert_eq!(captured(r#"  "a\"b\\" , 1"#), r#""a\"b\\""#);
        assert_eq!(captured(r#"{"a": [1, "]}"], "b": {"c": "\\"}} tail"#), r#"{"a": [1, "]}"], "b": {"c": "\\"}}"#);
        assert_eq!(captured("-1.5e3,"), "-1.5e3");
        assert_eq!(captured("true]"), "true");
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(captured(&deep).len(), 200_000);
    }

    #[test]
    fn walks_objects_and_lists() {
        let mut c = cursor(r#"{"x": [1, {"y": 2}], "k\"ey": null, "z": {}}"#);
        assert!(c.object().unwrap());
        assert_eq!(c.key(true).unwrap().as_deref(), Some("x"));
        assert!(c.list().unwrap());
        let mut out = Vec::new();
        let mut items = Vec::new();
        let mut first = true;
        while c.element(first).unwrap() {
            first = false;
            c.capture(&mut out).unwrap();
            items.push(String::from_utf8(out.clone()).unwrap());
        }
        assert_eq!(items, ["1", r#"{"y": 2}"#]);
        assert_eq!(c.key(false).unwrap().as_deref(), Some("k\"ey"));
        assert!(!c.object().unwrap());
        assert_eq!(c.key(false).unwrap().as_deref(), Some("z"));
        assert!(c.object().unwrap());
        assert_eq!(c.key(true).unwrap(), None);
        assert_eq!(c.key(false).unwrap(), None);
        assert!(c.at_end().unwrap());
    }

    #[test]
    fn says_where_the_outer_structure_breaks() {
        let mut c = cursor(r#"{"x": 1 "y": 2}"#);
        c.object().unwrap();
        c.key(true).unwrap();
        c.capture(&mut Vec::new()).unwrap();
        assert!(matches!(c.key(false), Err(Stop::Syntax { offset: 8 })));
        assert!(matches!(cursor(r#""s""#).object(), Err(Stop::Type { offset: 0 })));
        assert!(matches!(cursor("[1, 2").capture(&mut Vec::new()), Err(Stop::Syntax { offset: 5 })));
        assert!(matches!(cursor(r#""abc"#).capture(&mut Vec::new()), Err(Stop::Syntax { .. })));
    }

    #[test]
    fn a_line_and_column_point_at_a_byte() {
        let text = b"ab\ncd\nef";
        assert_eq!(index_of(text, 1, 0), 0);
        assert_eq!(index_of(text, 2, 1), 4);
        assert_eq!(index_of(text, 3, 2), 8);
        assert_eq!(path_text(&[Step::Key("a".into()), Step::Index(2), Step::Key("b".into())]), "a[2].b");
    }
}
