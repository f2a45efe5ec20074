//! The evaluator's values: Terraform's types reduced to what envwall needs.
//!
//! An [`EvalValue`] is known, [`EvalValue::Unknown`] (it only exists after apply: a resource's id,
//! an endpoint) or [`EvalValue::Sensitive`] (known, never printed). An unknown value
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

use smol_str::SmolStr;

use crate::model::address::Address;
use crate::model::value::{AttrValue, InputStr};

/// A resource instance attribute a value was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The instance.
    pub address: Arc<Address>,
    /// The attribute read (`id`), when the expression names one.
    pub attribute: Option<SmolStr>,
    /// When the instance is another stack's: the Terragrunt dependency whose
    /// outputs lead there.
    pub through: Option<Arc<crate::model::Through>>,
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
pub enum EvalValue {
    /// `null`.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, exactly (Terraform's are of any size).
    Number(Number),
    /// A string.
    String(SmolStr),
    /// A list, set or tuple.
    List(Vec<EvalValue>),
    /// A map or object, keys sorted.
    Map(Map),
    /// Known only after apply, computed from these resource attributes.
    Unknown(Origins),
    /// Marked sensitive (a `sensitive = true` variable, or derived from one).
    Sensitive(Box<EvalValue>),
}

impl EvalValue {
    /// A string value.
    pub fn str(s: impl Into<SmolStr>) -> EvalValue {
        EvalValue::String(s.into())
    }

    /// The value with sensitive marks removed.
    pub fn unmarked(&self) -> &EvalValue {
        match self {
            EvalValue::Sensitive(v) => v.unmarked(),
            v => v,
        }
    }

    /// Removes sensitive marks at the top, telling whether there were any.
    pub fn into_unmarked(self) -> (EvalValue, bool) {
        match self {
            EvalValue::Sensitive(v) => (v.into_unmarked().0, true),
            v => (v, false),
        }
    }

    /// Wraps in a sensitive mark when `sensitive` (and the value is not already).
    pub fn marked(self, sensitive: bool) -> EvalValue {
        match self {
            v @ EvalValue::Sensitive(_) => v,
            u @ EvalValue::Unknown(_) => u,
            v if sensitive => EvalValue::Sensitive(Box::new(v)),
            v => v,
        }
    }

    /// An unknown value whose origin is not known.
    pub const fn unknown() -> EvalValue {
        EvalValue::Unknown(Origins(None))
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

    /// The value with every unknown's origins marked as another stack's,
    /// reached through the Terragrunt dependency `through`.
    pub fn through(self, through: &Arc<crate::model::Through>) -> EvalValue {
        match self {
            EvalValue::Unknown(o) => {
                EvalValue::Unknown(Origins(o.0.map(|all| {
                    all.iter().map(|x| Origin { through: Some(Arc::clone(through)), ..x.clone() }).collect()
                })))
            }
            EvalValue::List(items) => EvalValue::List(items.into_iter().map(|v| v.through(through)).collect()),
            EvalValue::Map(m) => EvalValue::Map(m.into_iter().map(|(k, v)| (k, v.through(through))).collect()),
            EvalValue::Sensitive(v) => EvalValue::Sensitive(Box::new(v.through(through))),
            v => v,
        }
    }

    /// The union of the origins of every unknown in the value.
    pub fn all_origins(&self) -> Origins {
        let mut out = Origins::default();
        self.each_unknown(&mut |o| out = out.union(o));
        out
    }

    fn each_unknown(&self, f: &mut impl FnMut(&Origins)) {
        match self.unmarked() {
            EvalValue::Unknown(o) => f(o),
            EvalValue::List(items) => items.iter().for_each(|v| v.each_unknown(f)),
            EvalValue::Map(m) => m.values().for_each(|v| v.each_unknown(f)),
            _ => {}
        }
    }

    /// Whether the value itself (not something inside it) is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self.unmarked(), EvalValue::Unknown(_))
    }

    /// Whether the value or anything inside it is unknown.
    pub fn has_unknown(&self) -> bool {
        match self.unmarked() {
            EvalValue::Unknown(_) => true,
            EvalValue::List(items) => items.iter().any(EvalValue::has_unknown),
            EvalValue::Map(m) => m.values().any(EvalValue::has_unknown),
            _ => false,
        }
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self.unmarked(), EvalValue::Null)
    }

    /// Terraform's type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.unmarked() {
            EvalValue::Null => "null",
            EvalValue::Bool(_) => "bool",
            EvalValue::Number(_) => "number",
            EvalValue::String(_) => "string",
            EvalValue::List(_) => "list",
            EvalValue::Map(_) => "map",
            EvalValue::Unknown(_) => "unknown",
            EvalValue::Sensitive(_) => unreachable!("unmarked"),
        }
    }

    /// Converts to a string as Terraform does for primitives (`tostring`, template
    /// interpolation): numbers without a trailing `.0`, bools as `true`/`false`.
    /// `None` for null, unknown, and collections.
    pub fn to_text(&self) -> Option<Cow<'_, str>> {
        match self.unmarked() {
            EvalValue::String(s) => Some(Cow::Borrowed(s)),
            EvalValue::Number(n) => Some(Cow::Owned(n.to_string())),
            EvalValue::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
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
            EvalValue::Number(n) => Some(n.clone()),
            EvalValue::String(s) => Number::parse(s.trim()),
            _ => None,
        }
    }

    /// A number, from a machine number; unknown for infinity and NaN, which
    /// Terraform's numbers never are.
    pub fn num(x: f64) -> EvalValue {
        Number::from_f64(x).map_or_else(EvalValue::unknown, EvalValue::Number)
    }

    /// A whole number.
    pub fn int(i: impl Into<Number>) -> EvalValue {
        EvalValue::Number(i.into())
    }

    /// Converts to a bool as Terraform does (`"true"` is true).
    pub fn to_bool(&self) -> Option<bool> {
        match self.unmarked() {
            EvalValue::Bool(b) => Some(*b),
            // As cty converts a string where a bool is needed.
            EvalValue::String(s) if s == "true" || s == "1" => Some(true),
            EvalValue::String(s) if s == "false" || s == "0" => Some(false),
            _ => None,
        }
    }

    /// Lowers into the model's value tree.
    pub fn into_model(self) -> AttrValue<'static> {
        match self {
            EvalValue::Null => AttrValue::Null,
            EvalValue::Bool(b) => AttrValue::Bool(b),
            // The model's numbers are machine numbers; one past their range
            // (`1e400`) keeps its digits as text.
            EvalValue::Number(n) => match (n.to_i64(), n.to_f64()) {
                (Some(i), _) => AttrValue::Int(i),
                (None, x) if x.is_finite() => AttrValue::Float(x),
                (None, _) => AttrValue::String(InputStr::Owned(n.to_string().into())),
            },
            EvalValue::String(s) => AttrValue::String(InputStr::Owned(s)),
            EvalValue::List(items) => AttrValue::List(items.into_iter().map(EvalValue::into_model).collect()),
            EvalValue::Map(m) => {
                AttrValue::Map(m.into_iter().map(|(k, v)| (InputStr::Owned(k), v.into_model())).collect())
            }
            EvalValue::Unknown(_) => AttrValue::Unknown,
            EvalValue::Sensitive(v) => AttrValue::Sensitive(Box::new(v.into_model())),
        }
    }

    /// Reads a JSON document (`jsondecode`, `.tf.json` literals, `TF_VAR_*`).
    pub fn from_json(v: serde_json::Value) -> EvalValue {
        match v {
            serde_json::Value::Null => EvalValue::Null,
            serde_json::Value::Bool(b) => EvalValue::Bool(b),
            serde_json::Value::Number(n) => {
                Number::parse(&n.to_string()).map_or_else(EvalValue::unknown, EvalValue::Number)
            }
            serde_json::Value::String(s) => EvalValue::String(s.into()),
            serde_json::Value::Array(a) => EvalValue::List(a.into_iter().map(EvalValue::from_json).collect()),
            serde_json::Value::Object(m) => {
                EvalValue::Map(m.into_iter().map(|(k, v)| (k, EvalValue::from_json(v))).collect())
            }
        }
    }

    /// Writes the value as JSON (`jsonencode`); `None` when anything in it is unknown.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self.unmarked() {
            EvalValue::Null => serde_json::Value::Null,
            EvalValue::Bool(b) => serde_json::Value::Bool(*b),
            EvalValue::Number(n) => match n.to_i64() {
                Some(i) => serde_json::Value::from(i),
                None => serde_json::Number::from_f64(n.to_f64())
                    .map_or_else(|| serde_json::Value::String(n.to_string()), serde_json::Value::Number),
            },
            EvalValue::String(s) => serde_json::Value::String(s.to_string()),
            EvalValue::List(items) => {
                serde_json::Value::Array(items.iter().map(EvalValue::to_json).collect::<Option<_>>()?)
            }
            EvalValue::Map(m) => serde_json::Value::Object(
                m.iter().map(|(k, v)| Some((k.to_string(), v.to_json()?))).collect::<Option<_>>()?,
            ),
            EvalValue::Unknown(_) => return None,
            EvalValue::Sensitive(_) => unreachable!("unmarked"),
        })
    }
}

impl fmt::Display for EvalValue {
    /// For messages: sensitive values print as `(sensitive)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalValue::Null => f.write_str("null"),
            EvalValue::Unknown(_) => f.write_str("(known after apply)"),
            EvalValue::Sensitive(_) => f.write_str("(sensitive)"),
            EvalValue::String(s) => write!(f, "{s:?}"),
            EvalValue::Number(n) => write!(f, "{n}"),
            EvalValue::Bool(b) => write!(f, "{b}"),
            EvalValue::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            EvalValue::Map(m) => {
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
