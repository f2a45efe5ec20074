//! The evaluator's values: Terraform's types reduced to what envwall needs.
//!
//! A [`Val`] is known, [`Val::Unknown`] (it only exists after apply: a resource's id,
//! an endpoint) or [`Val::Sensitive`] (known, never printed). Where an unknown value
//! comes from is not kept in the value itself: the evaluator records every resource
//! a expression reads as it evaluates, which is exactly what the plan front-end
//! learns from a plan's `configuration` references.
//!
//! Maps keep their keys sorted, as Terraform iterates them; lists stand for lists,
//! sets and tuples alike (a set is a sorted, de-duplicated list).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use crate::model::value::Value;

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Val {
    /// `null`.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number. Terraform's are arbitrary precision; addresses, ports, counts and
    /// CIDR arithmetic all fit an `f64` exactly.
    Number(f64),
    /// A string.
    String(String),
    /// A list, set or tuple.
    List(Vec<Val>),
    /// A map or object, keys sorted.
    Map(BTreeMap<String, Val>),
    /// Known only after apply.
    Unknown,
    /// Marked sensitive (a `sensitive = true` variable, or derived from one).
    Sensitive(Box<Val>),
}

impl Val {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Val {
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
            Val::Unknown => Val::Unknown,
            v if sensitive => Val::Sensitive(Box::new(v)),
            v => v,
        }
    }

    /// Whether the value itself (not something inside it) is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self.unmarked(), Val::Unknown)
    }

    /// Whether the value or anything inside it is unknown.
    pub fn has_unknown(&self) -> bool {
        match self.unmarked() {
            Val::Unknown => true,
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
            Val::Unknown => "unknown",
            Val::Sensitive(_) => unreachable!("unmarked"),
        }
    }

    /// Converts to a string as Terraform does for primitives (`tostring`, template
    /// interpolation): numbers without a trailing `.0`, bools as `true`/`false`.
    /// `None` for null, unknown, and collections.
    pub fn to_text(&self) -> Option<Cow<'_, str>> {
        match self.unmarked() {
            Val::String(s) => Some(Cow::Borrowed(s)),
            Val::Number(n) => Some(Cow::Owned(format_number(*n))),
            Val::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            _ => None,
        }
    }

    /// Converts to a number as Terraform does (`"8"` is 8).
    pub fn to_number(&self) -> Option<f64> {
        match self.unmarked() {
            Val::Number(n) => Some(*n),
            Val::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Converts to a bool as Terraform does (`"true"` is true).
    pub fn to_bool(&self) -> Option<bool> {
        match self.unmarked() {
            Val::Bool(b) => Some(*b),
            Val::String(s) if s == "true" => Some(true),
            Val::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// Lowers into the model's value tree.
    pub fn into_model(self) -> Value<'static> {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(b),
            Val::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Value::Int(n as i64),
            Val::Number(n) => Value::Float(n),
            Val::String(s) => Value::String(Cow::Owned(s)),
            Val::List(items) => Value::List(items.into_iter().map(Val::into_model).collect()),
            Val::Map(m) => Value::Map(m.into_iter().map(|(k, v)| (Cow::Owned(k), v.into_model())).collect()),
            Val::Unknown => Value::Unknown,
            Val::Sensitive(v) => Value::Sensitive(Box::new(v.into_model())),
        }
    }

    /// Reads a JSON document (`jsondecode`, `.tf.json` literals, `TF_VAR_*`).
    pub fn from_json(v: serde_json::Value) -> Val {
        match v {
            serde_json::Value::Null => Val::Null,
            serde_json::Value::Bool(b) => Val::Bool(b),
            serde_json::Value::Number(n) => Val::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Val::String(s),
            serde_json::Value::Array(a) => Val::List(a.into_iter().map(Val::from_json).collect()),
            serde_json::Value::Object(m) => Val::Map(m.into_iter().map(|(k, v)| (k, Val::from_json(v))).collect()),
        }
    }

    /// Writes the value as JSON (`jsonencode`); `None` when anything in it is unknown.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self.unmarked() {
            Val::Null => serde_json::Value::Null,
            Val::Bool(b) => serde_json::Value::Bool(*b),
            Val::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => serde_json::Value::from(*n as i64),
            Val::Number(n) => {
                serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
            Val::String(s) => serde_json::Value::String(s.clone()),
            Val::List(items) => serde_json::Value::Array(items.iter().map(Val::to_json).collect::<Option<_>>()?),
            Val::Map(m) => serde_json::Value::Object(
                m.iter().map(|(k, v)| Some((k.clone(), v.to_json()?))).collect::<Option<_>>()?,
            ),
            Val::Unknown => return None,
            Val::Sensitive(_) => unreachable!("unmarked"),
        })
    }
}

/// Formats a number as Terraform prints it: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 { format!("{}", n as i64) } else { format!("{n}") }
}

impl fmt::Display for Val {
    /// For messages: sensitive values print as `(sensitive)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Null => f.write_str("null"),
            Val::Unknown => f.write_str("(known after apply)"),
            Val::Sensitive(_) => f.write_str("(sensitive)"),
            Val::String(s) => write!(f, "{s:?}"),
            Val::Number(n) => f.write_str(&format_number(*n)),
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
