//! The value tree of a resource: what every input format lowers attribute values into.
//!
//! In: JSON values borrowed from the input text, plus Terraform's `after_unknown` and
//! `after_sensitive` shape-mirroring trees. Out: one [`AttrValue`] tree whose leaves are
//! known, [`AttrValue::Unknown`] (the value only exists after apply; where it comes from
//! is kept beside it as the resource's references) or [`AttrValue::Sensitive`]. Strings
//! borrow from the input whenever they contain no escapes, so a large plan costs
//! little more memory than its own text.

use std::borrow::Cow;
use std::fmt;

use smol_str::SmolStr;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// An attribute value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum AttrValue<'a> {
    /// `null`, or an attribute that is not set.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number that fits in an `i64`.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    String(InputStr<'a>),
    /// A list, set or tuple.
    List(Vec<AttrValue<'a>>),
    /// A map, object or single nested block, in input order.
    Map(Vec<(InputStr<'a>, AttrValue<'a>)>),
    /// Known only after apply.
    Unknown,
    /// Marked sensitive by Terraform: usable for linking, never printed.
    Sensitive(Box<AttrValue<'a>>),
}

impl<'a> AttrValue<'a> {
    /// The value under `key` when this is a map.
    pub fn get(&self, key: &str) -> Option<&AttrValue<'a>> {
        match self.unwrap_sensitive() {
            AttrValue::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The strings at `path`, through lists and blocks (`["settings",
    /// "ip_configuration", "authorized_networks", "value"]` gives every authorized
    /// network's value).
    pub fn strings_at(&self, path: &[&str]) -> Vec<&str> {
        let mut at = vec![self];
        for key in path {
            at = at
                .into_iter()
                .flat_map(|v| match v.get(key).map(AttrValue::unwrap_sensitive) {
                    Some(AttrValue::List(items)) => items.iter().collect::<Vec<_>>(),
                    Some(other) => vec![other],
                    None => Vec::new(),
                })
                .collect();
        }
        at.into_iter().filter_map(AttrValue::as_str).collect()
    }

    /// The value with any sensitive wrapper removed.
    pub fn unwrap_sensitive(&self) -> &AttrValue<'a> {
        match self {
            AttrValue::Sensitive(inner) => inner.unwrap_sensitive(),
            v => v,
        }
    }

    /// The string, when this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self.unwrap_sensitive() {
            AttrValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// Follows a path such as `environment[0].variables`, treating a list where a
    /// map is expected as "every element" would be ambiguous, so it takes the first
    /// element (the `MaxItems: 1` block convention) and an object where a list is
    /// expected as a one-element list.
    pub fn at(&self, path: &[PathStep<'_>]) -> Option<&AttrValue<'a>> {
        let mut cur = self;
        for step in path {
            cur = match (step, cur.unwrap_sensitive()) {
                (PathStep::Key(k), AttrValue::Map(_)) => cur.get(k)?,
                (PathStep::Key(k), AttrValue::List(items)) => items.first()?.get(k)?,
                (PathStep::Index(i), AttrValue::List(items)) => items.get(*i)?,
                (PathStep::Index(0), v @ AttrValue::Map(_)) => v,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Calls `f` on every leaf with its path; `sensitive` tells whether the leaf is
    /// under a sensitive mark.
    pub fn walk<'s>(&'s self, f: &mut impl FnMut(&Path<'s>, &'s AttrValue<'a>, bool)) {
        let mut path = Path::default();
        self.walk_inner(&mut path, false, f);
    }

    fn walk_inner<'s>(
        &'s self,
        path: &mut Path<'s>,
        sensitive: bool,
        f: &mut impl FnMut(&Path<'s>, &'s AttrValue<'a>, bool),
    ) {
        match self {
            AttrValue::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.0.push(PathStep::Index(i));
                    item.walk_inner(path, sensitive, f);
                    path.0.pop();
                }
            }
            AttrValue::Map(entries) => {
                for (k, v) in entries {
                    path.0.push(PathStep::Key(k));
                    v.walk_inner(path, sensitive, f);
                    path.0.pop();
                }
            }
            AttrValue::Sensitive(inner) => inner.walk_inner(path, true, f),
            leaf => f(path, leaf, sensitive),
        }
    }

    /// Converts an owned `serde_json::Value` (used for small documents built in tests
    /// and by the legacy state reader).
    pub fn from_json(v: serde_json::Value) -> AttrValue<'static> {
        match v {
            serde_json::Value::Null => AttrValue::Null,
            serde_json::Value::Bool(b) => AttrValue::Bool(b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => AttrValue::Int(i),
                None => AttrValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => AttrValue::String(s.into()),
            serde_json::Value::Array(a) => AttrValue::List(a.into_iter().map(AttrValue::from_json).collect()),
            serde_json::Value::Object(m) => {
                AttrValue::Map(m.into_iter().map(|(k, v)| (k.into(), AttrValue::from_json(v))).collect())
            }
        }
    }

    /// Marks the parts of `self` that `unknown` (Terraform's `after_unknown`) says are
    /// unknown, and wraps the parts `sensitive` (`after_sensitive`) says are sensitive.
    pub fn annotate(&mut self, unknown: Option<&AttrValue<'_>>, sensitive: Option<&AttrValue<'_>>) {
        if let Some(u) = unknown {
            self.mark_unknown(u);
        }
        if let Some(s) = sensitive {
            self.mark_sensitive(s);
        }
        self.shrink();
    }

    /// Gives back what its lists and maps hold beyond their length (a map grown
    /// by the unknown entries above has up to twice the room it needs): the
    /// model of a large plan is mostly these.
    pub fn shrink(&mut self) {
        match self {
            AttrValue::List(items) => {
                exact(items);
                items.iter_mut().for_each(AttrValue::shrink);
            }
            AttrValue::Map(entries) => {
                exact(entries);
                entries.iter_mut().for_each(|(_, v)| v.shrink());
            }
            AttrValue::Sensitive(inner) => inner.shrink(),
            _ => {}
        }
    }

    fn mark_unknown(&mut self, unknown: &AttrValue<'_>) {
        match (unknown, &mut *self) {
            (AttrValue::Bool(true), v) => *v = AttrValue::Unknown,
            (AttrValue::Map(marks), AttrValue::Map(entries)) => {
                for (k, mark) in marks {
                    let k = k.as_str();
                    match entries.iter_mut().find(|(ek, _)| ek.as_str() == k) {
                        Some((_, v)) => v.mark_unknown(mark),
                        None if mark.has_true() => {
                            let mut v = AttrValue::Null;
                            v.mark_unknown(mark);
                            entries.push((InputStr::from(k).to_owned(), v));
                        }
                        None => {}
                    }
                }
            }
            (AttrValue::Map(marks), v @ AttrValue::Null) if marks.iter().any(|(_, m)| m.has_true()) => {
                let mut entries = Vec::new();
                for (k, mark) in marks {
                    let mut child = AttrValue::Null;
                    child.mark_unknown(mark);
                    if !matches!(child, AttrValue::Null) {
                        entries.push((InputStr::from(&**k).to_owned(), child));
                    }
                }
                *v = AttrValue::Map(entries);
            }
            (AttrValue::List(marks), AttrValue::List(items)) => {
                for (mark, item) in marks.iter().zip(items.iter_mut()) {
                    item.mark_unknown(mark);
                }
            }
            _ => {}
        }
    }

    fn mark_sensitive(&mut self, sensitive: &AttrValue<'_>) {
        match (sensitive, &mut *self) {
            (AttrValue::Bool(true), v) if !matches!(v, AttrValue::Sensitive(_)) => {
                *v = AttrValue::Sensitive(Box::new(std::mem::take(v)));
            }
            (AttrValue::Map(marks), AttrValue::Map(entries)) => {
                for (k, mark) in marks {
                    let k = k.as_str();
                    if let Some((_, v)) = entries.iter_mut().find(|(ek, _)| ek.as_str() == k) {
                        v.mark_sensitive(mark);
                    }
                }
            }
            (AttrValue::List(marks), AttrValue::List(items)) => {
                for (mark, item) in marks.iter().zip(items.iter_mut()) {
                    item.mark_sensitive(mark);
                }
            }
            _ => {}
        }
    }

    /// Whether any part of the value is unknown.
    pub fn contains_unknown(&self) -> bool {
        match self {
            AttrValue::Unknown => true,
            AttrValue::List(items) => items.iter().any(AttrValue::contains_unknown),
            AttrValue::Map(entries) => entries.iter().any(|(_, v)| v.contains_unknown()),
            AttrValue::Sensitive(inner) => inner.contains_unknown(),
            _ => false,
        }
    }

    fn has_true(&self) -> bool {
        match self {
            AttrValue::Bool(b) => *b,
            AttrValue::List(items) => items.iter().any(AttrValue::has_true),
            AttrValue::Map(entries) => entries.iter().any(|(_, v)| v.has_true()),
            _ => false,
        }
    }
}

/// One step of an attribute path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathStep<'s> {
    /// A map key or attribute name.
    Key(&'s str),
    /// A list element.
    Index(usize),
}

/// An attribute path inside a resource, e.g. `environment[0].variables.DATABASE_URL`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Path<'s>(pub Vec<PathStep<'s>>);

impl Path<'_> {
    /// The last named step: the attribute or map key the leaf sits under.
    pub fn last_key(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|s| match s {
            PathStep::Key(k) => Some(*k),
            PathStep::Index(_) => None,
        })
    }

    /// Whether `prefix` is a prefix of this path (the same attribute or one above it).
    pub fn starts_with(&self, prefix: &[PathStep<'_>]) -> bool {
        self.0.len() >= prefix.len() && self.0.iter().zip(prefix).all(|(a, b)| a == b)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_path(f, &self.0)
    }
}

/// Writes a path as `a[0].b.c` (keys that are not plain names as `["k.x"]`).
pub fn write_path(f: &mut impl fmt::Write, steps: &[PathStep<'_>]) -> fmt::Result {
    for (i, step) in steps.iter().enumerate() {
        match step {
            PathStep::Index(n) => write!(f, "[{n}]")?,
            PathStep::Key(k) if is_plain_name(k) => {
                if i > 0 {
                    f.write_char('.')?;
                }
                f.write_str(k)?;
            }
            PathStep::Key(k) => {
                f.write_char('[')?;
                write!(f, "{}", serde_json::Value::String((*k).to_owned()))?;
                f.write_char(']')?;
            }
        }
    }
    Ok(())
}

fn is_plain_name(k: &str) -> bool {
    !k.is_empty()
        && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !k.as_bytes()[0].is_ascii_digit()
}

/// Parses a path written by [`write_path`] into owned steps.
pub fn parse_path(text: &str) -> Option<Vec<OwnedStep>> {
    let mut steps = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let end = if r.starts_with('"') {
                let mut de = serde_json::Deserializer::from_str(r).into_iter::<String>();
                let key = de.next()?.ok()?;
                let used = de.byte_offset();
                steps.push(OwnedStep::Key(key.into()));
                used
            } else {
                let end = r.find(']')?;
                steps.push(OwnedStep::Index(r[..end].parse().ok()?));
                end
            };
            rest = r[end..].strip_prefix(']')?;
        } else {
            let r = rest.strip_prefix('.').unwrap_or(rest);
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return None;
            }
            steps.push(OwnedStep::Key(r[..end].into()));
            rest = &r[end..];
        }
    }
    Some(steps)
}

/// An owned path step, for paths kept beyond the value tree they came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OwnedStep {
    /// A map key or attribute name (short ones held inline, longer ones shared).
    Key(smol_str::SmolStr),
    /// A list element.
    Index(usize),
}

impl OwnedStep {
    /// Borrows the step.
    pub fn as_step(&self) -> PathStep<'_> {
        match self {
            OwnedStep::Key(k) => PathStep::Key(k),
            OwnedStep::Index(i) => PathStep::Index(*i),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for AttrValue<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::DeserializeSeed::deserialize(ValueReader(Borrow, std::marker::PhantomData), deserializer)
    }
}

/// Reads a value whose strings are all its own, whatever it is read from: for
/// a value whose text is dropped after (a slice of a file read piece by piece).
#[derive(Clone, Copy)]
pub struct Owned;

impl<'de> de::DeserializeSeed<'de> for Owned {
    type Value = AttrValue<'static>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<AttrValue<'static>, D::Error> {
        de::DeserializeSeed::deserialize(ValueReader(self, std::marker::PhantomData), deserializer)
    }
}

/// Borrows the strings it can from the text read.
#[derive(Clone, Copy)]
struct Borrow;

/// How a reader holds a string it could borrow from the text it reads: [`Borrow`]
/// keeps the borrow, [`Owned`] copies it. Strings with escapes are owned either way.
trait Strings<'de, 'a>: Copy {
    fn borrowed(self, s: &'de str) -> InputStr<'a>;
}

impl<'de: 'a, 'a> Strings<'de, 'a> for Borrow {
    #[inline]
    fn borrowed(self, s: &'de str) -> InputStr<'a> {
        InputStr::Borrowed(s)
    }
}

impl<'de> Strings<'de, 'static> for Owned {
    #[inline]
    fn borrowed(self, s: &'de str) -> InputStr<'static> {
        InputStr::Owned(SmolStr::new(s))
    }
}

/// Reads a value tree, its strings held as `S` says.
struct ValueReader<'a, S>(S, std::marker::PhantomData<&'a ()>);

impl<'de, 'a, S: Strings<'de, 'a>> de::DeserializeSeed<'de> for ValueReader<'a, S> {
    type Value = AttrValue<'a>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<AttrValue<'a>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, 'a, S: Strings<'de, 'a>> Visitor<'de> for ValueReader<'a, S> {
    type Value = AttrValue<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(AttrValue::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(AttrValue::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(AttrValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(AttrValue::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).map_or(AttrValue::Float(v as f64), AttrValue::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(AttrValue::Float(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(AttrValue::String(self.0.borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(AttrValue::String(InputStr::Owned(SmolStr::new(v))))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(AttrValue::String(InputStr::Owned(v.into())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(ValueReader(self.0, std::marker::PhantomData))? {
            items.push(item);
        }
        Ok(AttrValue::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(key) = map.next_key_seed(StrReader(self.0, std::marker::PhantomData))? {
            entries.push((key, map.next_value_seed(ValueReader(self.0, std::marker::PhantomData))?));
        }
        Ok(AttrValue::Map(entries))
    }
}

/// Reads a string, held as `S` says.
struct StrReader<'a, S>(S, std::marker::PhantomData<&'a ()>);

impl<'de, 'a, S: Strings<'de, 'a>> de::DeserializeSeed<'de> for StrReader<'a, S> {
    type Value = InputStr<'a>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<InputStr<'a>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'a, S: Strings<'de, 'a>> Visitor<'de> for StrReader<'a, S> {
    type Value = InputStr<'a>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<InputStr<'a>, E> {
        Ok(self.0.borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<InputStr<'a>, E> {
        Ok(InputStr::Owned(SmolStr::new(v)))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<InputStr<'a>, E> {
        Ok(InputStr::Owned(v.into()))
    }
}

/// A string read from an input: a value tree's strings and keys, and the names and
/// addresses of a plan's documents. Borrowed from the input text when it can be,
/// else owned; an owned one holds up to 23 bytes inline and shares longer ones, so
/// the evaluator's strings become the model's without a copy.
#[derive(Clone)]
pub enum InputStr<'a> {
    /// Borrowed from the input.
    Borrowed(&'a str),
    /// Owned.
    Owned(SmolStr),
}

impl InputStr<'_> {
    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match self {
            InputStr::Borrowed(s) => s,
            InputStr::Owned(s) => s,
        }
    }

    /// The same text, owned.
    #[inline]
    pub fn to_owned(&self) -> InputStr<'static> {
        InputStr::Owned(SmolStr::new(self.as_str()))
    }
}

impl std::ops::Deref for InputStr<'_> {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for InputStr<'_> {
    #[inline]
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for InputStr<'_> {
    #[inline]
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for InputStr<'_> {
    #[inline]
    fn eq(&self, other: &InputStr<'_>) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for InputStr<'_> {}

impl PartialOrd for InputStr<'_> {
    #[inline]
    fn partial_cmp(&self, other: &InputStr<'_>) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for InputStr<'_> {
    #[inline]
    fn cmp(&self, other: &InputStr<'_>) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Default for InputStr<'_> {
    #[inline]
    fn default() -> Self {
        InputStr::Borrowed("")
    }
}

impl PartialEq<str> for InputStr<'_> {
    #[inline]
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for InputStr<'_> {
    #[inline]
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::hash::Hash for InputStr<'_> {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for InputStr<'_> {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for InputStr<'_> {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'a> From<&'a str> for InputStr<'a> {
    #[inline]
    fn from(s: &'a str) -> InputStr<'a> {
        InputStr::Borrowed(s)
    }
}

impl From<String> for InputStr<'_> {
    #[inline]
    fn from(s: String) -> Self {
        InputStr::Owned(s.into())
    }
}

impl From<SmolStr> for InputStr<'_> {
    #[inline]
    fn from(s: SmolStr) -> Self {
        InputStr::Owned(s)
    }
}

impl<'a> From<Cow<'a, str>> for InputStr<'a> {
    #[inline]
    fn from(s: Cow<'a, str>) -> InputStr<'a> {
        match s {
            Cow::Borrowed(s) => InputStr::Borrowed(s),
            Cow::Owned(s) => s.into(),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for InputStr<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::DeserializeSeed::deserialize(StrReader(Borrow, std::marker::PhantomData), deserializer)
    }
}

/// A list moved to an allocation of exactly its length, when it has more. Not
/// `shrink_to_fit`: the allocator keeps a block that shrinks by half or less in
/// place, so a map of two entries grown to room for four would keep it.
fn exact<T>(list: &mut Vec<T>) {
    if list.capacity() > list.len() {
        let mut fitted = Vec::with_capacity(list.len());
        fitted.append(list);
        *list = fitted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> AttrValue<'_> {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn strings_borrow_from_the_input_unless_escaped() {
        let v = parse(r#"{"plain": "sg-0abc", "escaped": "a\"b", "long\u0041": "x"}"#);
        let AttrValue::Map(entries) = &v else { panic!("a map: {v:?}") };
        let kinds: Vec<(&str, bool)> =
            entries.iter().map(|(k, _)| (k.as_str(), matches!(k, InputStr::Borrowed(_)))).collect();
        assert_eq!(kinds, [("plain", true), ("escaped", true), ("longA", false)]);
        assert!(matches!(v.get("plain"), Some(AttrValue::String(InputStr::Borrowed("sg-0abc")))));
        assert!(matches!(v.get("escaped"), Some(AttrValue::String(InputStr::Owned(s))) if s == "a\"b"));
    }

    #[test]
    fn text_compares_and_hashes_by_its_content() {
        use std::hash::BuildHasher;
        let long = "a string longer than twenty-three bytes";
        let hasher = std::collections::hash_map::RandomState::new();
        for s in ["sg-0abc", long] {
            let borrowed = InputStr::Borrowed(s);
            let owned = InputStr::from(s.to_owned());
            assert!(matches!(owned, InputStr::Owned(_)));
            assert_eq!(borrowed, owned);
            assert_eq!(owned, s);
            assert_eq!(hasher.hash_one(&borrowed), hasher.hash_one(&owned));
            // As `Borrow<str>` requires: the hash of the text is that of the `str`.
            assert_eq!(hasher.hash_one(&owned), hasher.hash_one(s));
            assert_eq!(borrowed.to_owned(), owned);
            assert_eq!(format!("{owned:?} {owned}"), format!("{s:?} {s}"));
        }
        assert_ne!(InputStr::Borrowed("prod"), InputStr::from("stage".to_owned()));
    }

    #[test]
    fn unknown_attributes_are_added_and_list_elements_replaced() {
        let mut after = parse(r#"{"a": 1, "ids": [null, "sg-1"], "blk": [{"x": "k"}]}"#);
        let unknown = parse(r#"{"id": true, "ids": [true, false], "blk": [{"y": true}]}"#);
        after.annotate(Some(&unknown), None);
        assert_eq!(after.get("id"), Some(&AttrValue::Unknown));
        assert_eq!(after.at(&[PathStep::Key("ids"), PathStep::Index(0)]), Some(&AttrValue::Unknown));
        assert_eq!(after.at(&[PathStep::Key("ids"), PathStep::Index(1)]).and_then(AttrValue::as_str), Some("sg-1"));
        assert_eq!(
            after.at(&[PathStep::Key("blk"), PathStep::Index(0), PathStep::Key("y")]),
            Some(&AttrValue::Unknown)
        );
    }

    #[test]
    fn sensitive_leaves_are_wrapped() {
        let mut after = parse(r#"{"password": "hunter2", "env": [{"variables": {"A": "1", "B": "2"}}]}"#);
        let sens = parse(r#"{"password": true, "env": [{"variables": {"B": true}}]}"#);
        after.annotate(None, Some(&sens));
        assert!(matches!(after.get("password"), Some(AttrValue::Sensitive(_))));
        let mut seen = Vec::new();
        after.walk(&mut |p, _, s| seen.push((p.to_string(), s)));
        assert_eq!(
            seen,
            vec![
                ("password".to_owned(), true),
                ("env[0].variables.A".to_owned(), false),
                ("env[0].variables.B".to_owned(), true),
            ]
        );
    }

    #[test]
    fn paths_print_and_parse() {
        let p = Path(vec![PathStep::Key("tags"), PathStep::Key("kubernetes.io/role"), PathStep::Index(2)]);
        let s = p.to_string();
        assert_eq!(s, r#"tags["kubernetes.io/role"][2]"#);
        assert_eq!(
            parse_path(&s).unwrap(),
            vec![OwnedStep::Key("tags".into()), OwnedStep::Key("kubernetes.io/role".into()), OwnedStep::Index(2)]
        );
    }
}
