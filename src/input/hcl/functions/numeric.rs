//! Numbers: `abs`, `ceil`, `floor`, `min`, `max`, `sum`.

use super::*;

/// Applies `f` to the single number argument.
pub(super) fn map_number(c: &Call, f: fn(f64) -> f64) -> Result<Val, String> {
    c.arity(1, 1)?;
    Ok(Val::Number(f(c.number_arg(0, "num")?)))
}

/// `min(numbers...)` / `max(numbers...)`.
pub(super) fn min_max(c: &Call, pick: fn(f64, f64) -> f64) -> Result<Val, String> {
    if c.args.is_empty() {
        return Err(c.err("must pass at least one number"));
    }
    let nums = (0..c.args.len()).map(|i| c.number_arg(i, "numbers")).collect::<Result<Vec<_>, _>>()?;
    Ok(Val::Number(nums.into_iter().reduce(pick).unwrap_or(0.0)))
}

/// `sum(list)`: added in decimal, so `sum([0.1, 0.2])` is `0.3` as in Terraform.
pub(super) fn sum(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let items = match c.non_null(0, "list")? {
        Val::List(items) => items,
        Val::Map(_) => return Err(c.err("argument must be list, set, or tuple. Received map")),
        _ => return Err(c.err("cannot sum noniterable")),
    };
    if items.is_empty() {
        return Err(c.err("cannot sum an empty list"));
    }
    if items.iter().any(Val::has_unknown) {
        return Ok(Val::unknown());
    }
    let mut total = 0.0;
    let mut exact = Some(Decimal { mant: 0, scale: 0 });
    for item in items {
        let n = match item.unmarked() {
            Val::Null => None,
            v => v.to_number().filter(|n| n.is_finite()),
        }
        .ok_or_else(|| c.err("argument must be list, set, or tuple of number values"))?;
        total += n;
        exact = exact.and_then(|sum| sum.add(Decimal::of(n)?));
    }
    Ok(Val::Number(exact.map_or(total, Decimal::to_f64)))
}

/// An exact decimal `mant / 10^scale`, so that sums print as Terraform's
/// arbitrary-precision numbers do.
#[derive(Clone, Copy)]
pub(super) struct Decimal {
    pub(super) mant: i128,
    pub(super) scale: u32,
}

impl Decimal {
    /// The decimal `x` prints as, when it has at most 30 digits.
    pub(super) fn of(x: f64) -> Option<Decimal> {
        if !x.is_finite() {
            return None;
        }
        let text = format!("{x}");
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        if int.len() + frac.len() > 30 {
            return None;
        }
        Some(Decimal { mant: format!("{int}{frac}").parse().ok()?, scale: u32::try_from(frac.len()).ok()? })
    }

    /// The mantissa at a larger scale.
    pub(super) fn at_scale(self, scale: u32) -> Option<i128> {
        self.mant.checked_mul(10i128.checked_pow(scale.checked_sub(self.scale)?)?)
    }

    /// The exact sum, unless it overflows.
    pub(super) fn add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal { mant: self.at_scale(scale)?.checked_add(other.at_scale(scale)?)?, scale })
    }

    /// The exact product with a whole number, unless it overflows.
    pub(super) fn times(self, k: i128) -> Option<Decimal> {
        Some(Decimal { mant: self.mant.checked_mul(k)?, scale: self.scale })
    }

    /// How it compares with another, unless aligning them overflows.
    pub(super) fn compare(self, other: Decimal) -> Option<Ordering> {
        let scale = self.scale.max(other.scale);
        Some(self.at_scale(scale)?.cmp(&other.at_scale(scale)?))
    }

    /// Whether it is a binary fraction (exact in binary floating point).
    pub(super) fn is_binary(self) -> bool {
        5i128.checked_pow(self.scale).is_some_and(|p| self.mant % p == 0)
    }

    /// The nearest `f64`.
    pub(super) fn to_f64(self) -> f64 {
        format!("{}e-{}", self.mant, self.scale).parse().unwrap_or(f64::NAN)
    }
}

/// `pow(base, exponent)`.
pub(super) fn pow(c: &Call) -> Result<Val, String> {
    c.arity(2, 2)?;
    let (b, e) = (c.number_arg(0, "num1")?, c.number_arg(1, "num2")?);
    let n = b.powf(e);
    if !n.is_finite() {
        return Err(c.err("the result is too large"));
    }
    Ok(Val::Number(n))
}

/// `signum(number)`: -1, 0 or 1.
pub(super) fn signum(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let n = c.number_arg(0, "num")?;
    Ok(Val::Number(if n > 0.0 {
        1.0
    } else if n < 0.0 {
        -1.0
    } else {
        0.0
    }))
}

/// `log(number, base)`.
pub(super) fn log(c: &Call) -> Result<Val, String> {
    c.arity(2, 2)?;
    let (n, base) = (c.number_arg(0, "num")?, c.number_arg(1, "base")?);
    let v = n.ln() / base.ln();
    if v.is_nan() {
        return Err(c.err("the logarithm is not a number"));
    }
    Ok(Val::Number(v))
}

/// `parseint(string, base)`: bases 2 to 62, digits then lowercase then uppercase.
pub(super) fn parseint(c: &Call) -> Result<Val, String> {
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
    let mut n: f64 = 0.0;
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
        n = n * base as f64 + f64::from(d);
    }
    Ok(Val::Number(if negative { -n } else { n }))
}
