//! Type conversions: `tostring`, `tonumber`, `tobool`, `tolist`, `tomap`, `toset`.

use super::*;

/// `tostring(value)`; null stays null.
pub(super) fn tostring(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        Val::Null => Ok(Val::Null),
        v => v.to_text().map(Val::str).ok_or_else(|| c.err(format_args!("cannot convert {} to string", v.type_name()))),
    }
}

/// `tonumber(value)`; null stays null. Messages never quote the value: it may be secret.
pub(super) fn tonumber(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        Val::Null => Ok(Val::Null),
        v @ Val::Number(_) => Ok(v.clone()),
        v @ Val::String(text) => match v.to_exact() {
            Some(n) if text.trim() == text => Ok(Val::Number(n)),
            _ => {
                Err(c.err("cannot convert string to number; given string must be a decimal representation of a number"))
            }
        },
        v => Err(c.err(format_args!("cannot convert {} to number", v.type_name()))),
    }
}

/// `tobool(value)`; null stays null.
pub(super) fn tobool(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        Val::Null => Ok(Val::Null),
        v => v.to_bool().map(Val::Bool).ok_or_else(|| match v {
            Val::String(_) => {
                c.err("cannot convert string to bool; only the strings \"true\" or \"false\" are allowed")
            }
            v => c.err(format_args!("cannot convert {} to bool", v.type_name())),
        }),
    }
}

/// `tolist(value)`: elements converted to one type; null stays null.
pub(super) fn tolist(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        Val::Null => Ok(Val::Null),
        Val::List(items) => {
            unify(items).map(Val::List).ok_or_else(|| c.err("cannot convert tuple to list of any single type"))
        }
        v => Err(c.err(format_args!("cannot convert {} to list", v.type_name()))),
    }
}

/// `tomap(value)`: values converted to one type; null stays null.
pub(super) fn tomap(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        Val::Null => Ok(Val::Null),
        Val::Map(m) => {
            let values: Vec<Val> = m.values().cloned().collect();
            let values = unify(&values).ok_or_else(|| c.err("cannot convert object to map of any single type"))?;
            Ok(Val::Map(m.keys().cloned().zip(values).collect()))
        }
        v => Err(c.err(format_args!("cannot convert {} to map", v.type_name()))),
    }
}

/// `toset(value)`: converted to one type, sorted and de-duplicated; unknown when an
/// element is (its position and uniqueness are not known); null stays null.
pub(super) fn toset(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        Val::Null => Ok(Val::Null),
        Val::List(items) if items.iter().any(Val::has_unknown) => Ok(Val::unknown()),
        Val::List(items) => {
            let items = unify(items).ok_or_else(|| c.err("cannot convert tuple to set of any single type"))?;
            Ok(Val::List(set_of(items)))
        }
        v => Err(c.err(format_args!("cannot convert {} to set", v.type_name()))),
    }
}

/// The elements of a `list` argument converted to one type, as Terraform converts a
/// tuple given for a list parameter.
pub(super) fn same_type_elements(c: &Call, items: &[Val]) -> Result<Vec<Val>, String> {
    unify(items).ok_or_else(|| c.param_err("list", "all list elements must have the same type"))
}

/// Converts a sequence's elements to one type as Terraform's type unification does:
/// primitives of mixed types become strings when a string is among them. `None` when
/// there is no common type (numbers with bools, primitives with collections).
pub(super) fn unify(items: &[Val]) -> Option<Vec<Val>> {
    let (mut bools, mut numbers, mut strings, mut collections) = (false, false, false, false);
    for item in items {
        match item.unmarked() {
            Val::Bool(_) => bools = true,
            Val::Number(_) => numbers = true,
            Val::String(_) => strings = true,
            Val::List(_) | Val::Map(_) => collections = true,
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
    let to_string = |v: &Val| v.to_text().map_or_else(|| v.clone(), Val::str);
    Some(items.iter().map(|v| map_marked(v, &to_string)).collect())
}
