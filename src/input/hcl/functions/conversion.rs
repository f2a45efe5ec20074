//! Type conversions: `tostring`, `tonumber`, `tobool`, `tolist`, `tomap`, `toset`.

use super::*;

/// `tostring(value)`; null stays null.
pub(super) fn tostring(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        EvalValue::Null => Ok(EvalValue::Null),
        v => v
            .to_text()
            .map(EvalValue::str)
            .ok_or_else(|| c.err(format_args!("cannot convert {} to string", v.type_name()))),
    }
}

/// `tonumber(value)`; null stays null. Messages never quote the value: it may be secret.
pub(super) fn tonumber(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        EvalValue::Null => Ok(EvalValue::Null),
        v @ EvalValue::Number(_) => Ok(v.clone()),
        v @ EvalValue::String(text) => match v.to_exact() {
            Some(n) if text.trim() == text => Ok(EvalValue::Number(n)),
            _ => {
                Err(c.err("cannot convert string to number; given string must be a decimal representation of a number"))
            }
        },
        v => Err(c.err(format_args!("cannot convert {} to number", v.type_name()))),
    }
}

/// `tobool(value)`; null stays null.
pub(super) fn tobool(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        EvalValue::Null => Ok(EvalValue::Null),
        v => v.to_bool().map(EvalValue::Bool).ok_or_else(|| match v {
            EvalValue::String(_) => {
                c.err("cannot convert string to bool; only the strings \"true\" or \"false\" are allowed")
            }
            v => c.err(format_args!("cannot convert {} to bool", v.type_name())),
        }),
    }
}

/// `tolist(value)`: elements converted to one type; null stays null.
pub(super) fn tolist(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        EvalValue::Null => Ok(EvalValue::Null),
        EvalValue::List(items) => {
            unify(items).map(EvalValue::List).ok_or_else(|| c.err("cannot convert tuple to list of any single type"))
        }
        v => Err(c.err(format_args!("cannot convert {} to list", v.type_name()))),
    }
}

/// `tomap(value)`: values converted to one type; null stays null.
pub(super) fn tomap(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        EvalValue::Null => Ok(EvalValue::Null),
        EvalValue::Map(m) => {
            let values: Vec<EvalValue> = m.values().cloned().collect();
            let values = unify(&values).ok_or_else(|| c.err("cannot convert object to map of any single type"))?;
            Ok(EvalValue::Map(m.keys().cloned().zip(values).collect()))
        }
        v => Err(c.err(format_args!("cannot convert {} to map", v.type_name()))),
    }
}

/// `toset(value)`: converted to one type, sorted and de-duplicated; unknown when an
/// element is (its position and uniqueness are not known); null stays null.
pub(super) fn toset(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        EvalValue::Null => Ok(EvalValue::Null),
        EvalValue::List(items) if items.iter().any(EvalValue::has_unknown) => Ok(EvalValue::unknown()),
        EvalValue::List(items) => {
            let items = unify(items).ok_or_else(|| c.err("cannot convert tuple to set of any single type"))?;
            Ok(EvalValue::List(set_of(items)))
        }
        v => Err(c.err(format_args!("cannot convert {} to set", v.type_name()))),
    }
}

/// The elements of a `list` argument converted to one type, as Terraform converts a
/// tuple given for a list parameter.
pub(super) fn same_type_elements(c: &Call, items: &[EvalValue]) -> Result<Vec<EvalValue>, String> {
    unify(items).ok_or_else(|| c.param_err("list", "all list elements must have the same type"))
}

/// Converts a sequence's elements to one type as Terraform's type unification does:
/// primitives of mixed types become strings when a string is among them. `None` when
/// there is no common type (numbers with bools, primitives with collections).
pub(super) fn unify(items: &[EvalValue]) -> Option<Vec<EvalValue>> {
    let (mut bools, mut numbers, mut strings, mut collections) = (false, false, false, false);
    for item in items {
        match item.unmarked() {
            EvalValue::Bool(_) => bools = true,
            EvalValue::Number(_) => numbers = true,
            EvalValue::String(_) => strings = true,
            EvalValue::List(_) | EvalValue::Map(_) => collections = true,
            _ => {}
        }
    }
    let primitive_kinds = usize::from(bools) + usize::from(numbers) + usize::from(strings);
    if collections && primitive_kinds > 0 {
        return None;
    }
    if primitive_kinds <= 1 {
        return Some(items.to_vec());
    }
    if !strings {
        return None;
    }
    let to_string = |v: &EvalValue| v.to_text().map_or_else(|| v.clone(), EvalValue::str);
    Some(items.iter().map(|v| map_marked(v, &to_string)).collect())
}
