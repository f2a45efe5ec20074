//! The evaluator's values: Terraform's types reduced to what envwall needs.
//!
//! A [`Val`] is known, [`Val::Unknown`] (it only exists after apply: a resource's id,
//! an endpoint) or [`Val::Sensitive`] (known, never printed). An unknown value
//! remembers where it comes from — the resource instance attributes it was computed
//! from ([`Origins`]) — through operators, templates, indexes and functions, so an
//! attribute set from `module.net.subnet_ids["b"]` links to that one subnet, exactly
//! as a plan's `configuration` references do.
//!
//! Maps keep their keys sorted, as Terraform iterates them; lists stand for lists,
//! sets and tuples alike (a set is a sorted, de-duplicated list).

use std::borrow::Cow;

pub use super::map::Map;
pub use super::number::Number;
use std::fmt;
use std::sync::Arc;

use crate::model::address::Address;

/// The evaluator's strings and map keys: up to 23 bytes held inline, longer ones
/// shared, so copying a value never copies its text.
pub type Str = smol_str::SmolStr;
use crate::model::value::{Text, Value};

/// A resource instance attribute a value was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The instance.
    pub address: Arc<Address>,
    /// The attribute read (`id`), when the expression names one.
    pub attribute: Option<Str>,
}

/// Where an unknown value comes from; empty when it is not known (a function lost
/// track). Two unknowns are equal whatever their origins.
#[derive(Debug, Clone, Default)]
pub struct Origins(Option<Arc<[Origin]>>);

impl PartialEq for Origins {
    fn eq(&self, _: &Origins) -> bool {
        true
    }
}

impl Origins {
    /// One origin.
    pub fn one(origin: Origin) -> Origins {
        Origins(Some(Arc::from([origin])))
    }

    /// The origins, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Origin> {
        self.0.iter().flat_map(|o| o.iter())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|o| o.is_empty())
    }

    /// Both sets, without repeats.
    pub fn union(&self, other: &Origins) -> Origins {
        match (&self.0, &other.0) {
            (None, _) => other.clone(),
            (_, None) => self.clone(),
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => self.clone(),
            (Some(a), Some(b)) => {
                let mut all: Vec<Origin> = a.to_vec();
                for o in b.iter() {
                    if !all.contains(o) {
                        all.push(o.clone());
                    }
                }
                Origins(Some(Arc::from(all)))
            }
        }
    }
}

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Val {
    /// `null`.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, exactly (Terraform's are of any size).
    Number(Number),
    /// A string.
    String(Str),
    /// A list, set or tuple.
    List(Vec<Val>),
    /// A map or object, keys sorted.
    Map(Map),
    /// Known only after apply, computed from these resource attributes.
    Unknown(Origins),
    /// Marked sensitive (a `sensitive = true` variable, or derived from one).
    Sensitive(Box<Val>),
}

impl Val {
    /// A string value.
    pub fn str(s: impl Into<Str>) -> Val {
        Val::String(s.into())
    }

    /// The value with sensitive marks removed.
    pub fn unmarked(&self) -> &Val {
        match self {
            Val::Sensitive(v) => v.unmarked(),
            v => v,
        }
    }

    /// Removes sensitive marks at the top, telling whether there were any.
    pub fn into_unmarked(self) -> (Val, bool) {
        match self {
            Val::Sensitive(v) => (v.into_unmarked().0, true),
            v => (v, false),
        }
    }

    /// Wraps in a sensitive mark when `sensitive` (and the value is not already).
    pub fn marked(self, sensitive: bool) -> Val {
        match self {
            v @ Val::Sensitive(_) => v,
            u @ Val::Unknown(_) => u,
            v if sensitive => Val::Sensitive(Box::new(v)),
            v => v,
        }
    }

    /// An unknown value whose origin is not known.
    pub const fn unknown() -> Val {
        Val::Unknown(Origins(None))
    }

    /// The origins of every unknown in the value; `None` when one of them has none.
    pub fn origins(&self) -> Option<Origins> {
        let mut out = Origins::default();
        let mut complete = true;
        self.each_unknown(&mut |o| {
            if o.is_empty() {
                complete = false;
            } else {
                out = out.union(o);
            }
        });
        complete.then_some(out)
    }

    /// The union of the origins of every unknown in the value.
    pub fn all_origins(&self) -> Origins {
        let mut out = Origins::default();
        self.each_unknown(&mut |o| out = out.union(o));
        out
    }

    fn each_unknown(&self, f: &mut impl FnMut(&Origins)) {
        match self.unmarked() {
            Val::Unknown(o) => f(o),
            Val::List(items) => items.iter().for_each(|v| v.each_unknown(f)),
            Val::Map(m) => m.values().for_each(|v| v.each_unknown(f)),
            _ => {}
        }
    }

    /// Whether the value itself (not something inside it) is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self.unmarked(), Val::Unknown(_))
    }

    /// Whether the value or anything inside it is unknown.
    pub fn has_unknown(&self) -> bool {
        match self.unmarked() {
            Val::Unknown(_) => true,
            Val::List(items) => items.iter().any(Val::has_unknown),
            Val::Map(m) => m.values().any(Val::has_unknown),
            _ => false,
        }
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self.unmarked(), Val::Null)
    }

    /// Terraform's type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.unmarked() {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Number(_) => "number",
            Val::String(_) => "string",
            Val::List(_) => "list",
            Val::Map(_) => "map",
            Val::Unknown(_) => "unknown",
            Val::Sensitive(_) => unreachable!("unmarked"),
        }
    }

    /// Converts to a string as Terraform does for primitives (`tostring`, template
    /// interpolation): numbers without a trailing `.0`, bools as `true`/`false`.
    /// `None` for null, unknown, and collections.
    pub fn to_text(&self) -> Option<Cow<'_, str>> {
        match self.unmarked() {
            Val::String(s) => Some(Cow::Borrowed(s)),
            Val::Number(n) => Some(Cow::Owned(n.to_string())),
            Val::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            _ => None,
        }
    }

    /// Converts to a machine number as Terraform converts to a number (`"8"` is
    /// 8): for what needs one (counts, indexes, CIDR arithmetic, `log`).
    pub fn to_number(&self) -> Option<f64> {
        self.to_exact().map(|n| n.to_f64())
    }

    /// Converts to a number, exactly, as Terraform does (`"8"` is 8).
    pub fn to_exact(&self) -> Option<Number> {
        match self.unmarked() {
            Val::Number(n) => Some(n.clone()),
            Val::String(s) => Number::parse(s.trim()),
            _ => None,
        }
    }

    /// A number, from a machine number; unknown for infinity and NaN, which
    /// Terraform's numbers never are.
    pub fn num(x: f64) -> Val {
        Number::from_f64(x).map_or_else(Val::unknown, Val::Number)
    }

    /// A whole number.
    pub fn int(i: impl Into<Number>) -> Val {
        Val::Number(i.into())
    }

    /// Converts to a bool as Terraform does (`"true"` is true).
    pub fn to_bool(&self) -> Option<bool> {
        match self.unmarked() {
            Val::Bool(b) => Some(*b),
            // As cty converts a string where a bool is needed.
            Val::String(s) if s == "true" || s == "1" => Some(true),
            Val::String(s) if s == "false" || s == "0" => Some(false),
            _ => None,
        }
    }

    /// Lowers into the model's value tree.
    pub fn into_model(self) -> Value<'static> {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(b),
            // The model's numbers are machine numbers; one past their range
            // (`1e400`) keeps its digits as text.
            Val::Number(n) => match (n.to_i64(), n.to_f64()) {
                (Some(i), _) => Value::Int(i),
                (None, x) if x.is_finite() => Value::Float(x),
                (None, _) => Value::String(Text::Owned(n.to_string().into())),
            },
            Val::String(s) => Value::String(Text::Owned(s)),
            Val::List(items) => Value::List(items.into_iter().map(Val::into_model).collect()),
            Val::Map(m) => Value::Map(m.into_iter().map(|(k, v)| (Text::Owned(k), v.into_model())).collect()),
            Val::Unknown(_) => Value::Unknown,
            Val::Sensitive(v) => Value::Sensitive(Box::new(v.into_model())),
        }
    }

    /// Reads a JSON document (`jsondecode`, `.tf.json` literals, `TF_VAR_*`).
    pub fn from_json(v: serde_json::Value) -> Val {
        match v {
            serde_json::Value::Null => Val::Null,
            serde_json::Value::Bool(b) => Val::Bool(b),
            serde_json::Value::Number(n) => Number::parse(&n.to_string()).map_or_else(Val::unknown, Val::Number),
            serde_json::Value::String(s) => Val::String(s.into()),
            serde_json::Value::Array(a) => Val::List(a.into_iter().map(Val::from_json).collect()),
            serde_json::Value::Object(m) => Val::Map(m.into_iter().map(|(k, v)| (k, Val::from_json(v))).collect()),
        }
    }

    /// Writes the value as JSON (`jsonencode`); `None` when anything in it is unknown.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self.unmarked() {
            Val::Null => serde_json::Value::Null,
            Val::Bool(b) => serde_json::Value::Bool(*b),
            Val::Number(n) => match n.to_i64() {
                Some(i) => serde_json::Value::from(i),
                None => serde_json::Number::from_f64(n.to_f64())
                    .map_or_else(|| serde_json::Value::String(n.to_string()), serde_json::Value::Number),
            },
            Val::String(s) => serde_json::Value::String(s.to_string()),
            Val::List(items) => serde_json::Value::Array(items.iter().map(Val::to_json).collect::<Option<_>>()?),
            Val::Map(m) => serde_json::Value::Object(
                m.iter().map(|(k, v)| Some((k.to_string(), v.to_json()?))).collect::<Option<_>>()?,
            ),
            Val::Unknown(_) => return None,
            Val::Sensitive(_) => unreachable!("unmarked"),
        })
    }
}

impl fmt::Display for Val {
    /// For messages: sensitive values print as `(sensitive)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Null => f.write_str("null"),
            Val::Unknown(_) => f.write_str("(known after apply)"),
            Val::Sensitive(_) => f.write_str("(sensitive)"),
            Val::String(s) => write!(f, "{s:?}"),
            Val::Number(n) => write!(f, "{n}"),
            Val::Bool(b) => write!(f, "{b}"),
            Val::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Val::Map(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k:?} = {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}
