//! Collections: lists, maps and sets — `length`, `lookup`, `merge`, `concat`, `flatten`, the set operations and the equality they rest on.

use super::*;

/// `length(value)`: characters of a string, elements of a list or map.
pub(super) fn length(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let len = match c.non_null(0, "value")? {
        EvalValue::String(s) => s.chars().count(),
        EvalValue::List(items) => items.len(),
        EvalValue::Map(m) => m.len(),
        _ => return Err(c.err("argument must be a string, a collection type, or a structural type")),
    };
    Ok(EvalValue::int(len))
}

/// `lookup(map, key, default?)`.
pub(super) fn lookup(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 3)?;
    let EvalValue::Map(m) = c.non_null(0, "inputMap")? else {
        return Err(c.err("lookup() requires a map as the first argument"));
    };
    let key = c.string_arg(1, "key")?;
    match (m.get(&*key), c.args.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(c.err(format_args!("lookup failed to find key {key:?}"))),
    }
}

/// `merge(maps...)`: later keys win; null arguments are skipped.
pub(super) fn merge(c: &Call) -> Result<EvalValue, String> {
    let entries = c.args.iter().map(|a| if let EvalValue::Map(m) = a { m.len() } else { 0 }).sum();
    let mut out = Map::with_capacity(entries);
    for (i, _) in c.args.iter().enumerate() {
        match c.arg(i) {
            EvalValue::Null => {}
            EvalValue::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
            v => return Err(c.err(format_args!("arguments must be maps or objects, got {:?}", v.type_name()))),
        }
    }
    Ok(EvalValue::Map(out))
}

/// `concat(lists...)`.
pub(super) fn concat(c: &Call) -> Result<EvalValue, String> {
    if c.args.is_empty() {
        return Err(c.err("at least one argument is required"));
    }
    let mut out = Vec::new();
    for i in 0..c.args.len() {
        let EvalValue::List(items) = c.arg(i) else {
            return Err(c.err(format_args!("all arguments must be lists or tuples; got {}", c.arg(i).type_name())));
        };
        c.check_len(out.len() + items.len())?;
        out.extend_from_slice(items);
    }
    Ok(EvalValue::List(out))
}

/// `flatten(list)`: nested lists spliced in, recursively. Unknown when an element that
/// might be a list is unknown; marked when a nested list it opens is marked.
pub(super) fn flatten(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let EvalValue::List(items) = c.non_null(0, "list")? else {
        return Err(c.err("can only flatten lists, sets and tuples"));
    };
    let mut out = Vec::new();
    let mut marked = false;
    if !flatten_into(c, items, &mut out, &mut marked)? {
        return Ok(EvalValue::unknown());
    }
    Ok(EvalValue::List(out).marked(marked))
}

/// Appends `items` flattened to `out`; `false` when an element is unknown.
pub(super) fn flatten_into(
    c: &Call,
    items: &[EvalValue],
    out: &mut Vec<EvalValue>,
    marked: &mut bool,
) -> Result<bool, String> {
    for item in items {
        match item.unmarked() {
            EvalValue::Unknown(_) => return Ok(false),
            EvalValue::List(inner) => {
                *marked |= is_marked(item);
                if !flatten_into(c, inner, out, marked)? {
                    return Ok(false);
                }
            }
            _ => {
                c.check_len(out.len() + 1)?;
                out.push(item.clone());
            }
        }
    }
    Ok(true)
}

/// `distinct(list)`: first occurrences, in order.
pub(super) fn distinct(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let items = c.list_arg(0, "list")?;
    if items.iter().any(EvalValue::has_unknown) {
        return Ok(EvalValue::unknown());
    }
    let items = &same_type_elements(c, items)?;
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&i, &j| set_cmp(&items[i], &items[j]));
    let mut keep = vec![false; items.len()];
    for (k, &i) in order.iter().enumerate() {
        keep[i] = k == 0 || set_cmp(&items[order[k - 1]], &items[i]) != Ordering::Equal;
    }
    Ok(EvalValue::List(items.iter().zip(keep).filter(|(_, keep)| *keep).map(|(v, _)| v.clone()).collect()))
}

/// `contains(list, value)`: unknown only when no element is known to match and some
/// comparison is unknown.
pub(super) fn contains(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let EvalValue::List(items) = c.non_null(0, "list")? else {
        return Err(c.err("argument must be list, tuple, or set"));
    };
    let wanted = c.arg(1);
    let mut unknown = false;
    for item in items {
        match equal(item, wanted) {
            Some(true) => return Ok(EvalValue::Bool(true)),
            Some(false) => {}
            None => unknown = true,
        }
    }
    Ok(if unknown { EvalValue::unknown() } else { EvalValue::Bool(false) })
}

/// `index(list, value)`: the first index holding the value.
pub(super) fn index(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let EvalValue::List(items) = c.non_null(0, "list")? else {
        return Err(c.err("argument must be a list or tuple"));
    };
    if items.is_empty() {
        return Err(c.err("cannot search an empty list"));
    }
    let wanted = c.arg(1);
    for (i, item) in items.iter().enumerate() {
        match equal(item, wanted) {
            Some(true) => return Ok(EvalValue::int(i)),
            Some(false) => {}
            None => return Ok(EvalValue::unknown()),
        }
    }
    Err(c.err("item not found"))
}

/// `element(list, index)`: wraps around in both directions (Terraform 1.8 and later).
pub(super) fn element(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let EvalValue::List(items) = c.non_null(0, "list")? else {
        return Err(c.err(format_args!("cannot read elements from {}", c.arg(0).type_name())));
    };
    let index = c.int_arg(1, "index")?;
    if items.is_empty() {
        return Err(c.err("cannot use element function with an empty list"));
    }
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let at = usize::try_from(index.rem_euclid(len)).unwrap_or(0);
    Ok(items.get(at).cloned().unwrap_or(EvalValue::Null))
}

/// `keys(map)`: sorted; known even when values are not.
pub(super) fn keys(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let EvalValue::Map(m) = c.non_null(0, "inputMap")? else {
        return Err(c.param_err("inputMap", "must have map or object type"));
    };
    Ok(EvalValue::List(m.keys().map(|k| EvalValue::String(k.clone())).collect()))
}

/// `values(map)`: in key order.
pub(super) fn values(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let EvalValue::Map(m) = c.non_null(0, "mapping")? else {
        return Err(c.err("values() requires a map as the first argument"));
    };
    Ok(EvalValue::List(m.values().cloned().collect()))
}

/// `zipmap(keys, values)`; marked when a key is.
pub(super) fn zipmap(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let keys = c.list_arg(0, "keys")?;
    let EvalValue::List(values) = c.non_null(1, "values")? else {
        return Err(c.err("values argument must be a list or tuple value"));
    };
    if keys.iter().any(EvalValue::has_unknown) {
        return Ok(EvalValue::unknown());
    }
    if keys.len() != values.len() {
        return Err(c.err(format_args!(
            "number of keys ({}) does not match number of values ({})",
            keys.len(),
            values.len()
        )));
    }
    let mut out = Map::new();
    for (i, (key, value)) in keys.iter().zip(values).enumerate() {
        let key = match key.unmarked() {
            EvalValue::Null => return Err(c.err(format_args!("keys list has null value at index {i}"))),
            k => k.to_text().ok_or_else(|| c.param_err("keys", format_args!("element {i}: string required")))?,
        };
        out.insert(key, value.clone());
    }
    Ok(EvalValue::Map(out).marked(keys.iter().any(is_marked)))
}

/// `slice(list, start, end)`: elements `start` up to (not including) `end`.
pub(super) fn slice(c: &Call) -> Result<EvalValue, String> {
    c.arity(3, 3)?;
    let EvalValue::List(items) = c.non_null(0, "list")? else {
        return Err(c.param_err("list", "must be a list or tuple value"));
    };
    let start = c.int_arg(1, "start_index")?;
    let end = c.int_arg(2, "end_index")?;
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let problem = if start < 0 {
        Some("start index must not be less than zero")
    } else if start > len {
        Some("start index must not be greater than the length of the list")
    } else if end < 0 {
        Some("end index must not be less than zero")
    } else if end > len {
        Some("end index must not be greater than the length of the list")
    } else if start > end {
        Some("start index must not be greater than end index")
    } else {
        None
    };
    if let Some(problem) = problem {
        return Err(c.err(problem));
    }
    let (start, end) = (usize::try_from(start).unwrap_or(0), usize::try_from(end).unwrap_or(0));
    Ok(EvalValue::List(items.get(start..end).unwrap_or_default().to_vec()))
}

/// `reverse(list)`.
pub(super) fn reverse(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let EvalValue::List(items) = c.non_null(0, "list")? else {
        return Err(c.err(format_args!("can only reverse list or tuple values, not {}", c.arg(0).type_name())));
    };
    Ok(EvalValue::List(items.iter().rev().cloned().collect()))
}

/// `sort(list)`: the elements as strings, in lexical (byte) order.
pub(super) fn sort(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let items = c.list_arg(0, "list")?;
    if items.iter().any(EvalValue::has_unknown) {
        return Ok(EvalValue::unknown());
    }
    let mut texts = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item.unmarked() {
            EvalValue::Null => {
                return Err(c.err(format_args!("given list element {i} is null; a null string cannot be sorted")));
            }
            v => texts
                .push(v.to_text().ok_or_else(|| c.param_err("list", format_args!("element {i}: string required")))?),
        }
    }
    texts.sort();
    Ok(EvalValue::List(texts.into_iter().map(EvalValue::str).collect()))
}

/// `range(end)`, `range(start, end)`, `range(start, end, step)`; at most 1024 numbers, as
/// Terraform allows. Points are computed in decimal, so `range(0, 0.35, 0.1)` ends at `0.3`.
///
/// Terraform adds the step in 512-bit binary floating point, so when a point lands exactly
/// on `end` and the step or start is not a binary fraction (`range(0, 3, 0.3)`), whether that
/// point is included is a rounding accident this module cannot reproduce: the result is
/// unknown rather than possibly wrong.
pub(super) fn range(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 3)?;
    let nums = (0..c.args.len()).map(|i| c.exact_arg(i, "params")).collect::<Result<Vec<_>, _>>()?;
    let zero = Number::Int(0);
    let toward = |from: &Number, to: &Number| Number::Int(if to < from { -1 } else { 1 });
    let (start, end, step) = match nums.as_slice() {
        [end] => (zero.clone(), end.clone(), toward(&zero, end)),
        [start, end] => (start.clone(), end.clone(), toward(start, end)),
        [start, end, step] => (start.clone(), end.clone(), step.clone()),
        _ => return Err(c.err("must have one, two, or three arguments")),
    };
    if step.is_zero() {
        return Err(c.err("step must not be zero"));
    }
    let down = step < zero;
    if down && end > start {
        return Err(c.err("end must be less than start when step is negative"));
    }
    if !down && end < start {
        return Err(c.err("end must be greater than start when step is positive"));
    }
    let binary = start.is_binary_fraction() && step.is_binary_fraction();
    let mut out = Vec::new();
    let mut num = Some(start);
    for _ in 0..=RANGE_LIMIT {
        let Some(point) = num else { return Ok(EvalValue::unknown()) };
        match point.cmp(&end) {
            Ordering::Equal if !binary => return Ok(EvalValue::unknown()),
            Ordering::Equal => return Ok(EvalValue::List(out)),
            order if order.is_gt() != down => return Ok(EvalValue::List(out)),
            _ => {}
        }
        num = point.add(&step);
        out.push(EvalValue::Number(point));
    }
    Err(c.err(format_args!(
        "more than {RANGE_LIMIT} values were generated; either decrease the difference between start and end or use a smaller step"
    )))
}

/// `compact(list)`: without nulls and empty strings.
pub(super) fn compact(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let items = c.list_arg(0, "list")?;
    if items.iter().any(EvalValue::has_unknown) {
        return Ok(EvalValue::unknown());
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item.is_null() {
            continue;
        }
        let text = item.to_text().ok_or_else(|| c.param_err("list", format_args!("element {i}: string required")))?;
        if !text.is_empty() {
            out.push(EvalValue::str(text));
        }
    }
    Ok(EvalValue::List(out))
}

/// `one(list)`: null for an empty list, the element of a one-element list.
pub(super) fn one(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    match c.non_null(0, "list")? {
        EvalValue::List(items) if items.len() <= 1 => Ok(items.first().cloned().unwrap_or(EvalValue::Null)),
        _ => Err(c.param_err("list", "must be a list, set, or tuple value with either zero or one elements")),
    }
}

/// `chunklist(list, size)`: consecutive chunks; size 0 gives the whole list as one chunk.
pub(super) fn chunklist(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let items = &same_type_elements(c, c.list_arg(0, "list")?)?;
    let size = c.int_arg(1, "size")?;
    if size < 0 {
        return Err(c.err("the size argument must be positive"));
    }
    if items.is_empty() {
        return Ok(EvalValue::List(Vec::new()));
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if size == 0 {
        return Ok(EvalValue::List(vec![EvalValue::List(items.to_vec())]));
    }
    Ok(EvalValue::List(items.chunks(size).map(|chunk| EvalValue::List(chunk.to_vec())).collect()))
}

/// `transpose(map of lists of strings)`: swaps keys and values, lists sorted.
pub(super) fn transpose(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let m = c.map_arg(0, "values")?;
    if m.values().any(EvalValue::has_unknown) {
        return Ok(EvalValue::unknown());
    }
    let mut out: BTreeMap<String, Vec<SmolStr>> = BTreeMap::new();
    let mut count = 0;
    for (key, list) in m {
        let items = match list.unmarked() {
            EvalValue::Null => return Err(c.err("input must not contain null list")),
            EvalValue::List(items) => items,
            _ => return Err(c.err("input must be a map of lists of strings")),
        };
        for item in items {
            let name = match item.unmarked() {
                EvalValue::Null => return Err(c.err("input list must not contain null string")),
                v => v.to_text().ok_or_else(|| c.err("input must be a map of lists of strings"))?,
            };
            count += 1;
            c.check_len(count)?;
            out.entry(name.into_owned()).or_default().push(key.clone());
        }
    }
    Ok(EvalValue::Map(
        out.into_iter()
            .map(|(k, mut v)| {
                v.sort();
                (k, EvalValue::List(v.into_iter().map(EvalValue::String).collect()))
            })
            .collect(),
    ))
}

/// `coalesce(values...)`: the first that is not null or an empty string.
pub(super) fn coalesce(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, usize::MAX)?;
    let unified = unify(c.args).ok_or_else(|| c.err("all arguments must have the same type"))?;
    for v in unified {
        match v.unmarked() {
            EvalValue::Null => {}
            EvalValue::String(s) if s.is_empty() => {}
            EvalValue::Unknown(_) => return Ok(EvalValue::unknown()),
            _ => return Ok(v),
        }
    }
    Err(c.err("no non-null, non-empty-string arguments"))
}

/// `coalescelist(lists...)`: the first non-empty list.
pub(super) fn coalescelist(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, usize::MAX)?;
    if (0..c.args.len()).any(|i| !matches!(c.arg(i), EvalValue::List(_) | EvalValue::Null)) {
        return Err(c.err("coalescelist arguments must be lists or tuples"));
    }
    (0..c.args.len())
        .map(|i| c.arg(i))
        .find(|v| matches!(v, EvalValue::List(items) if !items.is_empty()))
        .cloned()
        .ok_or_else(|| c.err("no non-null arguments"))
}

/// Terraform's `==`: `None` when the answer depends on an unknown value.
pub(super) fn equal(a: &EvalValue, b: &EvalValue) -> Option<bool> {
    match (a.unmarked(), b.unmarked()) {
        (EvalValue::Unknown(_), _) | (_, EvalValue::Unknown(_)) => None,
        (EvalValue::List(x), EvalValue::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_equal(x.iter().zip(y))
        }
        (EvalValue::Map(x), EvalValue::Map(y)) => {
            if !x.keys().eq(y.keys()) {
                return Some(false);
            }
            all_equal(x.values().zip(y.values()))
        }
        (x, y) => Some(x == y),
    }
}

/// Whether every pair is equal: false as soon as one pair is known to differ.
pub(super) fn all_equal<'v>(pairs: impl Iterator<Item = (&'v EvalValue, &'v EvalValue)>) -> Option<bool> {
    let mut unknown = false;
    for (x, y) in pairs {
        match equal(x, y) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown { None } else { Some(true) }
}

/// The order of set elements: by kind, then numbers numerically, strings lexically,
/// collections element by element. Equal exactly when [`equal`] says so, for known values.
pub(super) fn set_cmp(a: &EvalValue, b: &EvalValue) -> Ordering {
    match (a.unmarked(), b.unmarked()) {
        (EvalValue::Bool(x), EvalValue::Bool(y)) => x.cmp(y),
        (EvalValue::Number(x), EvalValue::Number(y)) => x.cmp(y),
        (EvalValue::String(x), EvalValue::String(y)) => x.cmp(y),
        (EvalValue::List(x), EvalValue::List(y)) => {
            x.iter().zip(y).map(|(p, q)| set_cmp(p, q)).find(|o| o.is_ne()).unwrap_or_else(|| x.len().cmp(&y.len()))
        }
        (EvalValue::Map(x), EvalValue::Map(y)) => x
            .iter()
            .zip(y)
            .map(|((kp, p), (kq, q))| kp.cmp(kq).then_with(|| set_cmp(p, q)))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| x.len().cmp(&y.len())),
        (x, y) => kind_rank(x).cmp(&kind_rank(y)),
    }
}

/// The position of a value's kind in the set order.
pub(super) fn kind_rank(v: &EvalValue) -> u8 {
    match v.unmarked() {
        EvalValue::Null => 0,
        EvalValue::Bool(_) => 1,
        EvalValue::Number(_) => 2,
        EvalValue::String(_) => 3,
        EvalValue::List(_) => 4,
        EvalValue::Map(_) => 5,
        EvalValue::Unknown(_) | EvalValue::Sensitive(_) => 6,
    }
}

/// The items as a set: sorted, de-duplicated.
pub(super) fn set_of(mut items: Vec<EvalValue>) -> Vec<EvalValue> {
    items.sort_by(set_cmp);
    items.dedup_by(|a, b| set_cmp(a, b) == Ordering::Equal);
    items
}

/// The set functions.
#[derive(Clone, Copy)]
pub(super) enum SetOp {
    Union,
    Intersection,
    Subtract,
}

/// `setunion(sets...)`, `setintersection(sets...)`, `setsubtract(a, b)`: elements are
/// converted to one type first; unknown when any element is.
pub(super) fn set_operation(c: &Call, op: SetOp) -> Result<EvalValue, String> {
    match op {
        SetOp::Subtract => c.arity(2, 2)?,
        SetOp::Union | SetOp::Intersection => c.arity(1, usize::MAX)?,
    }
    let lists = (0..c.args.len()).map(|i| c.list_arg(i, "sets")).collect::<Result<Vec<_>, _>>()?;
    if lists.iter().any(|list| list.iter().any(EvalValue::has_unknown)) {
        return Ok(EvalValue::unknown());
    }
    let total = lists.iter().map(|list| list.len()).sum();
    c.check_len(total)?;
    let all = unify(&lists.concat()).ok_or_else(|| c.err("given sets must all have compatible element types"))?;
    let mut rest = all.as_slice();
    let mut sets = Vec::with_capacity(lists.len());
    for list in &lists {
        let (head, tail) = rest.split_at(list.len().min(rest.len()));
        sets.push(set_of(head.to_vec()));
        rest = tail;
    }
    let mut sets = sets.into_iter();
    let first = sets.next().unwrap_or_default();
    let has = |set: &[EvalValue], v: &EvalValue| set.binary_search_by(|x| set_cmp(x, v)).is_ok();
    let result = match op {
        SetOp::Union => set_of(first.into_iter().chain(sets.flatten()).collect()),
        SetOp::Intersection => {
            let others: Vec<Vec<EvalValue>> = sets.collect();
            first.into_iter().filter(|v| others.iter().all(|set| has(set, v))).collect()
        }
        SetOp::Subtract => {
            let other = sets.next().unwrap_or_default();
            first.into_iter().filter(|v| !has(&other, v)).collect()
        }
    };
    Ok(EvalValue::List(result))
}

/// `alltrue(list)` / `anytrue(list)`: of bools (or `"true"` and `"false"`).
pub(super) fn all_or_any(c: &Call, all: bool) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let items = c.list_arg(0, "list")?;
    let mut unknown = false;
    for item in items {
        match item.unmarked() {
            EvalValue::Unknown(_) => unknown = true,
            v => match v.to_bool() {
                Some(b) if b != all => return Ok(EvalValue::Bool(!all)),
                Some(_) => {}
                None => return Err(c.param_err("list", "a list of bools is required")),
            },
        }
    }
    Ok(if unknown { EvalValue::unknown() } else { EvalValue::Bool(all) })
}

/// `matchkeys(values, keys, searchset)`: the values whose key is in the search set.
pub(super) fn matchkeys(c: &Call) -> Result<EvalValue, String> {
    c.arity(3, 3)?;
    let (values, keys, search) = (c.list_arg(0, "values")?, c.list_arg(1, "keys")?, c.list_arg(2, "searchset")?);
    if values.len() != keys.len() {
        return Err(c.err("length of keys and values should be equal"));
    }
    let mut out = Vec::new();
    for (v, k) in values.iter().zip(keys) {
        if search.iter().any(|s| equal(s, k) == Some(true)) {
            out.push(v.clone());
        }
    }
    Ok(EvalValue::List(out))
}

/// `setproduct(sets...)`: every combination, one element from each.
pub(super) fn setproduct(c: &Call) -> Result<EvalValue, String> {
    if c.args.len() < 2 {
        return Err(c.err("at least two arguments are required"));
    }
    let mut out: Vec<Vec<EvalValue>> = vec![Vec::new()];
    for i in 0..c.args.len() {
        let items = c.list_arg(i, "sets")?;
        c.check_len(out.len().saturating_mul(items.len()))?;
        out = out
            .into_iter()
            .flat_map(|prefix| {
                items.iter().map(move |item| {
                    let mut next = prefix.clone();
                    next.push(item.clone());
                    next
                })
            })
            .collect();
    }
    Ok(EvalValue::List(out.into_iter().map(EvalValue::List).collect()))
}
