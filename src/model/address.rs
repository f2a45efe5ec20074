//! Terraform addresses, parsed rather than split on dots.
//!
//! In: address strings as Terraform writes them in plan and state JSON
//! (`module.app["eu.west"].aws_security_group.db[0]`) and reference strings from
//! `configuration` expressions (`module.net.sg_id`, `var.ids[0]`, `each.key`).
//! Out: [`Address`] (a resource instance with its module instance path) and
//! [`Traversal`] (a reference as a list of steps). Instance keys may contain any
//! character, so keys are parsed as quoted strings with Go-style escapes, the form
//! Terraform prints them in (`%q`). Printing an address gives back its canonical text.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use smol_str::SmolStr;

/// A count index or a for_each key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// `[0]`: a `count` index.
    Int(i64),
    /// `["a"]`: a `for_each` key.
    Str(SmolStr),
}

/// One module call instance on a module path: `module.app["prod"]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleStep {
    /// The module call name.
    pub name: SmolStr,
    /// The instance key when the call uses count or for_each.
    pub key: Option<Key>,
}

/// Whether an address names a managed resource or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// `resource` blocks.
    Managed,
    /// `data` blocks.
    Data,
}

impl Mode {
    /// The spelling Terraform uses in JSON (`managed` / `data`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Managed => "managed",
            Mode::Data => "data",
        }
    }
}

/// An absolute resource instance address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    /// Module instances from the root down; empty for the root module. Shared by
    /// the addresses of one module instance.
    pub module: Arc<[ModuleStep]>,
    /// Managed resource or data source.
    pub mode: Mode,
    /// Resource type, e.g. `aws_security_group`.
    pub kind: SmolStr,
    /// Resource name.
    pub name: SmolStr,
    /// Instance key, when the resource uses count or for_each.
    pub key: Option<Key>,
}

/// Why an address or a reference could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at byte {offset} of `{text}`")]
pub struct AddressError {
    /// What was wrong.
    pub message: &'static str,
    /// Byte offset of the problem in `text`.
    pub offset: usize,
    /// The text that was being parsed.
    pub text: String,
}

/// One step of a reference traversal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// `.name` (or the leading name).
    Attr(String),
    /// `[0]` or `["key"]`.
    Index(Key),
}

/// A parsed reference such as `module.app["x"].sg_id` or `var.ids[0]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Traversal(pub Vec<Step>);

impl Address {
    /// Parses an absolute resource instance address.
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        let steps = Traversal::parse(text)?.0;
        Self::from_steps(text, &steps)
    }

    fn from_steps(text: &str, steps: &[Step]) -> Result<Self, AddressError> {
        let err = |message| AddressError { message, offset: 0, text: text.to_owned() };
        let mut module = Vec::new();
        let mut i = 0;
        while let Some(Step::Attr(first)) = steps.get(i) {
            if first != "module" {
                break;
            }
            let Some(Step::Attr(name)) = steps.get(i + 1) else {
                return Err(err("expected a module name after `module.`"));
            };
            let key = match steps.get(i + 2) {
                Some(Step::Index(k)) => Some(k.clone()),
                _ => None,
            };
            i += 2 + usize::from(key.is_some());
            module.push(ModuleStep { name: name.clone().into(), key });
        }
        let mut mode = Mode::Managed;
        if matches!(steps.get(i), Some(Step::Attr(s)) if s == "data") {
            mode = Mode::Data;
            i += 1;
        }
        let (Some(Step::Attr(kind)), Some(Step::Attr(name))) = (steps.get(i), steps.get(i + 1)) else {
            return Err(err("expected `TYPE.NAME`"));
        };
        let key = match steps.get(i + 2) {
            Some(Step::Index(k)) => Some(k.clone()),
            None => None,
            Some(Step::Attr(_)) => return Err(err("unexpected attribute after the resource name")),
        };
        if steps.len() > i + 2 + usize::from(key.is_some()) {
            return Err(err("unexpected text after the instance key"));
        }
        Ok(Address { module: module.into(), mode, kind: super::shared(kind), name: super::shared(name), key })
    }

    /// The same address without its instance key.
    pub fn without_key(&self) -> Address {
        Address { key: None, ..self.clone() }
    }

    /// Whether `other` is the same resource (same module instance, mode, type
    /// and name), whatever its instance key.
    pub fn same_resource(&self, other: &Address) -> bool {
        self.mode == other.mode && self.name == other.name && self.kind == other.kind && self.module == other.module
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_module_path(f, &self.module)?;
        if !self.module.is_empty() {
            f.write_char('.')?;
        }
        if self.mode == Mode::Data {
            f.write_str("data.")?;
        }
        f.write_str(&self.kind)?;
        f.write_char('.')?;
        f.write_str(&self.name)?;
        if let Some(key) = &self.key {
            write!(f, "{key}")?;
        }
        Ok(())
    }
}

/// Writes `module.a["x"].module.b` (nothing for the root module).
pub fn write_module_path(f: &mut impl fmt::Write, module: &[ModuleStep]) -> fmt::Result {
    for (i, step) in module.iter().enumerate() {
        if i > 0 {
            f.write_char('.')?;
        }
        f.write_str("module.")?;
        f.write_str(&step.name)?;
        if let Some(key) = &step.key {
            write!(f, "{key}")?;
        }
    }
    Ok(())
}

/// Parses a module instance path such as `module.app["x"].module.db[0]` (empty
/// text is the root module).
pub fn parse_module_path(text: &str) -> Result<Vec<ModuleStep>, AddressError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let steps = Traversal::parse(text)?.0;
    let mut module = Vec::new();
    let mut it = steps.into_iter().peekable();
    while let Some(step) = it.next() {
        let (Step::Attr(m), Some(Step::Attr(name))) = (step, it.next()) else {
            return Err(AddressError { message: "expected `module.NAME`", offset: 0, text: text.to_owned() });
        };
        if m != "module" {
            return Err(AddressError { message: "expected `module.NAME`", offset: 0, text: text.to_owned() });
        }
        let key = match it.peek() {
            Some(Step::Index(_)) => match it.next() {
                Some(Step::Index(k)) => Some(k),
                _ => None,
            },
            _ => None,
        };
        module.push(ModuleStep { name: name.into(), key });
    }
    Ok(module)
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Int(i) => write!(f, "[{i}]"),
            Key::Str(s) => {
                f.write_str("[\"")?;
                // Nearly every key needs no escape: written whole.
                if !s.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
                    f.write_str(s)?;
                    return f.write_str("\"]");
                }
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\r' => f.write_str("\\r")?,
                        '\t' => f.write_str("\\t")?,
                        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                            write!(f, "\\x{:02x}", c as u32)?;
                        }
                        c if c.is_control() => write!(f, "\\u{:04x}", c as u32)?,
                        c => f.write_char(c)?,
                    }
                }
                f.write_str("\"]")
            }
        }
    }
}

impl Traversal {
    /// Parses `name(.name | [key])*`.
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        Parser { text, pos: 0 }.traversal()
    }

    /// The first step's name, e.g. `var`, `module`, `aws_instance`.
    pub fn root(&self) -> &str {
        match self.0.first() {
            Some(Step::Attr(s)) => s,
            _ => "",
        }
    }

    /// The name at position `i`, if that step is an attribute.
    pub fn attr(&self, i: usize) -> Option<&str> {
        match self.0.get(i) {
            Some(Step::Attr(s)) => Some(s),
            _ => None,
        }
    }

    /// The key at position `i`, if that step is an index.
    pub fn key(&self, i: usize) -> Option<&Key> {
        match self.0.get(i) {
            Some(Step::Index(k)) => Some(k),
            _ => None,
        }
    }
}

impl fmt::Display for Traversal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Attr(a) if i == 0 => f.write_str(a)?,
                Step::Attr(a) => write!(f, ".{a}")?,
                Step::Index(k) => write!(f, "{k}")?,
            }
        }
        Ok(())
    }
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, message: &'static str) -> AddressError {
        AddressError { message, offset: self.pos, text: self.text.to_owned() }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn traversal(mut self) -> Result<Traversal, AddressError> {
        let mut steps = vec![Step::Attr(self.ident()?)];
        while let Some(b) = self.peek() {
            match b {
                b'.' => {
                    self.pos += 1;
                    steps.push(Step::Attr(self.ident()?));
                }
                b'[' => {
                    self.pos += 1;
                    steps.push(Step::Index(self.key()?));
                    if self.peek() != Some(b']') {
                        return Err(self.err("expected `]`"));
                    }
                    self.pos += 1;
                }
                _ => return Err(self.err("expected `.` or `[`")),
            }
        }
        Ok(Traversal(steps))
    }

    fn ident(&mut self) -> Result<String, AddressError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            let ok = b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'*';
            if !ok {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err("expected a name"));
        }
        Ok(self.text[start..self.pos].to_owned())
    }

    fn key(&mut self) -> Result<Key, AddressError> {
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                self.quoted().map(|k| Key::Str(k.into()))
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                self.pos += 1;
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
                self.text[start..self.pos].parse().map(Key::Int).map_err(|_| self.err("invalid number"))
            }
            Some(b'*') => {
                self.pos += 1;
                Ok(Key::Str("*".into()))
            }
            _ => Err(self.err("expected a number or a quoted key")),
        }
    }

    /// A Go `%q` string body, after the opening quote.
    fn quoted(&mut self) -> Result<String, AddressError> {
        let mut out = String::new();
        let rest = &self.text[self.pos..];
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\\' => {
                    let Some((_, e)) = chars.next() else { break };
                    let simple = match e {
                        'a' => Some('\x07'),
                        'b' => Some('\x08'),
                        'f' => Some('\x0c'),
                        'n' => Some('\n'),
                        'r' => Some('\r'),
                        't' => Some('\t'),
                        'v' => Some('\x0b'),
                        '\\' | '"' | '\'' | '/' => Some(e),
                        _ => None,
                    };
                    if let Some(s) = simple {
                        out.push(s);
                        continue;
                    }
                    let digits = match e {
                        'x' => 2,
                        'u' => 4,
                        'U' => 8,
                        _ => {
                            self.pos += i;
                            return Err(self.err("invalid escape in key"));
                        }
                    };
                    let mut code = 0u32;
                    for _ in 0..digits {
                        let d = chars.next().and_then(|(_, d)| d.to_digit(16));
                        let Some(d) = d else {
                            self.pos += i;
                            return Err(self.err("invalid hex escape in key"));
                        };
                        code = code * 16 + d;
                    }
                    match char::from_u32(code) {
                        Some(ch) => out.push(ch),
                        None => {
                            self.pos += i;
                            return Err(self.err("invalid character escape in key"));
                        }
                    }
                }
                c => out.push(c),
            }
        }
        self.pos = self.text.len();
        Err(self.err("unterminated quoted key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_module_path_data_and_keys() {
        let a = Address::parse(r#"module.app["eu.west"].module.db[0].data.aws_vpc.main["a\"]b"]"#).unwrap();
        assert_eq!(a.module.len(), 2);
        assert_eq!(a.module[0], ModuleStep { name: "app".into(), key: Some(Key::Str("eu.west".into())) });
        assert_eq!(a.module[1], ModuleStep { name: "db".into(), key: Some(Key::Int(0)) });
        assert_eq!(a.mode, Mode::Data);
        assert_eq!((a.kind.as_str(), a.name.as_str()), ("aws_vpc", "main"));
        assert_eq!(a.key, Some(Key::Str("a\"]b".into())));
        assert_eq!(a.to_string(), r#"module.app["eu.west"].module.db[0].data.aws_vpc.main["a\"]b"]"#);
    }

    #[test]
    fn a_resource_may_be_named_module_or_data_in_a_module() {
        let a = Address::parse("module.x.aws_instance.data").unwrap();
        assert_eq!((a.kind.as_str(), a.name.as_str(), a.mode), ("aws_instance", "data", Mode::Managed));
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "aws_instance",
            "aws_instance.web.",
            "aws_instance.web[",
            "a.b[\"x]",
            "a.b[x]",
            "module.m",
            "a.b.c",
            "a.b[0]x",
        ] {
            assert!(Address::parse(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn parses_go_escapes() {
        let a = Address::parse(r#"a.b["\x41\u00e9\t\\"]"#).unwrap();
        assert_eq!(a.key, Some(Key::Str("Aé\t\\".into())));
    }

    #[test]
    fn parses_references() {
        let t = Traversal::parse(r#"module.app["x"].sg_id"#).unwrap();
        assert_eq!(t.root(), "module");
        assert_eq!(t.key(2), Some(&Key::Str("x".into())));
        assert_eq!(t.attr(3), Some("sg_id"));
        assert_eq!(t.to_string(), r#"module.app["x"].sg_id"#);
    }

    fn key_strategy() -> impl Strategy<Value = Option<Key>> {
        prop_oneof![
            Just(None),
            any::<i64>().prop_map(|i| Some(Key::Int(i))),
            any::<String>().prop_map(|s| Some(Key::Str(s.into()))),
        ]
    }

    fn name() -> impl Strategy<Value = String> {
        "[a-z_][a-z0-9_-]{0,12}"
    }

    proptest! {
        #[test]
        fn address_round_trips(
            module in proptest::collection::vec((name(), key_strategy()), 0..3),
            data in any::<bool>(),
            kind in name(), rname in name(), key in key_strategy(),
        ) {
            prop_assume!(kind != "module" && kind != "data");
            let a = Address {
                module: module.into_iter().map(|(name, key)| ModuleStep { name: name.into(), key }).collect(),
                mode: if data { Mode::Data } else { Mode::Managed },
                kind: kind.into(), name: rname.into(), key,
            };
            let text = a.to_string();
            prop_assert_eq!(Address::parse(&text).unwrap(), a);
        }

        #[test]
        fn parsing_never_panics(text in any::<String>()) {
            let _ = Address::parse(&text);
            let _ = Traversal::parse(&text);
        }
    }
}
