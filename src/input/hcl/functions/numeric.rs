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
