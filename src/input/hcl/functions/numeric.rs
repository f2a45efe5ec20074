//! Numbers: `abs`, `ceil`, `floor`, `min`, `max`, `sum`.

use super::*;

/// Applies `f` to the single number argument.
pub(super) fn map_number(c: &Call, f: fn(&Number) -> Number) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    Ok(EvalValue::Number(f(&c.exact_arg(0, "num")?)))
}

/// `min(numbers...)` / `max(numbers...)`.
pub(super) fn min_max(c: &Call, pick: fn(Number, Number) -> Number) -> Result<EvalValue, String> {
    if c.args.is_empty() {
        return Err(c.err("must pass at least one number"));
    }
    let nums = (0..c.args.len()).map(|i| c.exact_arg(i, "numbers")).collect::<Result<Vec<_>, _>>()?;
    Ok(nums.into_iter().reduce(pick).map_or_else(EvalValue::unknown, EvalValue::Number))
}

/// `sum(list)`: exact, so `sum([0.1, 0.2])` is `0.3` as in Terraform.
pub(super) fn sum(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let items = match c.non_null(0, "list")? {
        EvalValue::List(items) => items,
        EvalValue::Map(_) => return Err(c.err("argument must be list, set, or tuple. Received map")),
        _ => return Err(c.err("cannot sum noniterable")),
    };
    if items.is_empty() {
        return Err(c.err("cannot sum an empty list"));
    }
    if items.iter().any(EvalValue::has_unknown) {
        return Ok(EvalValue::unknown());
    }
    let mut total = Some(Number::Int(0));
    for item in items {
        let n = match item.unmarked() {
            EvalValue::Null => None,
            v => v.to_exact(),
        }
        .ok_or_else(|| c.err("argument must be list, set, or tuple of number values"))?;
        total = total.and_then(|t| t.add(&n));
    }
    Ok(total.map_or_else(EvalValue::unknown, EvalValue::Number))
}

/// `pow(base, exponent)`.
pub(super) fn pow(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let (b, e) = (c.number_arg(0, "num1")?, c.number_arg(1, "num2")?);
    let n = b.powf(e);
    if !n.is_finite() {
        return Err(c.err("the result is too large"));
    }
    Ok(EvalValue::num(n))
}

/// `signum(number)`: -1, 0 or 1.
pub(super) fn signum(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, 1)?;
    let n = c.exact_arg(0, "num")?;
    Ok(EvalValue::int(n.cmp(&Number::Int(0)) as i64))
}

/// `log(number, base)`.
pub(super) fn log(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let (n, base) = (c.number_arg(0, "num")?, c.number_arg(1, "base")?);
    let v = n.ln() / base.ln();
    if v.is_nan() {
        return Err(c.err("the logarithm is not a number"));
    }
    Ok(EvalValue::num(v))
}

/// `parseint(string, base)`: bases 2 to 62, digits then lowercase then uppercase.
pub(super) fn parseint(c: &Call) -> Result<EvalValue, String> {
    c.arity(2, 2)?;
    let text = c.string_arg(0, "number")?;
    let base = c.int_arg(1, "base")?;
    if !(2..=62).contains(&base) {
        return Err(c.param_err("base", "base must be a whole number between 2 and 62 inclusive"));
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let mut n = Some(Number::Int(0));
    if digits.is_empty() {
        return Err(c.err(format_args!("cannot parse {text:?} as a base {base} integer")));
    }
    for ch in digits.chars() {
        let d = match ch {
            '0'..='9' => u32::from(ch) - u32::from('0'),
            'a'..='z' => u32::from(ch) - u32::from('a') + 10,
            'A'..='Z' if base > 36 => u32::from(ch) - u32::from('A') + 36,
            'A'..='Z' => u32::from(ch) - u32::from('A') + 10,
            _ => u32::MAX,
        };
        if i64::from(d) >= base {
            return Err(c.err(format_args!("cannot parse {text:?} as a base {base} integer")));
        }
        n = n.and_then(|n| n.mul(&Number::Int(base))?.add(&Number::Int(i64::from(d))));
    }
    Ok(n.map_or_else(EvalValue::unknown, |n| EvalValue::Number(if negative { n.neg() } else { n })))
}
