//! Terraform's numbers: exact, of any size.
//!
//! Terraform reads `123456789012345678901234567890` and `1e400` exactly, and
//! `1e308 * 10` is `1e309`, not infinity. A [`Number`] is a whole number that fits
//! an `i64` (nearly all of them: ports, counts, indexes, CIDR arithmetic), or else
//! an exact decimal. Sums, differences and products are exact; a quotient keeps
//! 155 significant digits (Terraform's 512 bits). Functions that only make sense
//! on a machine number (`log`, `pow`, a CIDR's host count) read [`Number::to_f64`].

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use bigdecimal::num_bigint::{BigInt, Sign};
use bigdecimal::{BigDecimal, RoundingMode, ToPrimitive, Zero};

/// Significant digits a quotient keeps.
const DIVISION_DIGITS: u64 = 155;

/// The most digits a number written out may have. Terraform's have no bound;
/// past this one (`1e10000`), a literal is refused and a result is unknown, so
/// that `1e999999999 + 1` does not write a billion zeros.
pub const MAX_DIGITS: u64 = 10_000;

/// A number, exactly.
#[derive(Clone)]
pub enum Number {
    /// A whole number that fits.
    Int(i64),
    /// Any other number.
    Dec(Arc<BigDecimal>),
}

impl Number {
    /// Parses a literal (`42`, `-1.5`, `1e400`, `2.5E-3`).
    pub fn parse(text: &str) -> Option<Number> {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::Int(i));
        }
        if !is_decimal(text) {
            return None;
        }
        BigDecimal::from_str(text).ok().and_then(Number::from_decimal)
    }

    /// The number a machine number stands for, as it prints (`0.1` is `0.1`);
    /// `None` for infinity and NaN.
    pub fn from_f64(x: f64) -> Option<Number> {
        if !x.is_finite() {
            return None;
        }
        if x.fract() == 0.0 && x.abs() < 9.0e15 {
            return Some(Number::Int(x as i64));
        }
        Number::parse(&format!("{x}"))
    }

    /// A decimal, made an `Int` when it is whole and fits; `None` past
    /// [`MAX_DIGITS`].
    fn from_decimal(d: BigDecimal) -> Option<Number> {
        let d = d.normalized();
        let (mantissa, scale) = d.as_bigint_and_exponent();
        // Digits of the mantissa (a bound from its bits), then the zeros that
        // the scale adds before or after them.
        let digits = mantissa.bits() * 30_103 / 100_000 + 1;
        if digits.saturating_add(scale.unsigned_abs()) > MAX_DIGITS {
            return None;
        }
        if scale <= 0
            && let Some(i) = d.to_i64()
        {
            return Some(Number::Int(i));
        }
        Some(Number::Dec(Arc::new(d)))
    }

    fn decimal(&self) -> BigDecimal {
        match self {
            Number::Int(i) => BigDecimal::from(*i),
            Number::Dec(d) => (**d).clone(),
        }
    }

    /// The nearest machine number (infinite past its range).
    pub fn to_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::Dec(d) => {
                d.to_f64().unwrap_or(if d.sign() == Sign::Minus { f64::NEG_INFINITY } else { f64::INFINITY })
            }
        }
    }

    /// The number as an `i64`, when it is whole and fits.
    pub fn to_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Dec(d) => d.is_integer().then(|| d.to_i64()).flatten(),
        }
    }

    /// The number as a `u128`, when it is whole, not negative and fits.
    pub fn to_u128(&self) -> Option<u128> {
        match self {
            Number::Int(i) => u128::try_from(*i).ok(),
            Number::Dec(d) => d.is_integer().then(|| d.to_u128()).flatten(),
        }
    }

    /// `a + b`, exactly; `None` past [`MAX_DIGITS`].
    pub fn add(&self, other: &Number) -> Option<Number> {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) if let Some(s) = a.checked_add(*b) => Some(Number::Int(s)),
            _ => Number::from_decimal(self.decimal() + other.decimal()),
        }
    }

    /// `a - b`, exactly; `None` past [`MAX_DIGITS`].
    pub fn sub(&self, other: &Number) -> Option<Number> {
        self.add(&other.neg())
    }

    /// `a * b`, exactly; `None` past [`MAX_DIGITS`].
    pub fn mul(&self, other: &Number) -> Option<Number> {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) if let Some(s) = a.checked_mul(*b) => Some(Number::Int(s)),
            _ => Number::from_decimal(self.decimal() * other.decimal()),
        }
    }

    /// `a / b`; `None` when `b` is zero, or past [`MAX_DIGITS`].
    pub fn div(&self, other: &Number) -> Option<Number> {
        if other.is_zero() {
            return None;
        }
        match (self, other) {
            (Number::Int(a), Number::Int(b)) if a.checked_rem(*b) == Some(0) => a.checked_div(*b).map(Number::Int),
            _ => {
                // `a / b` as whole numbers `q = ma·10^p / mb` at a scale that keeps
                // the digits wanted (bigdecimal's `/` keeps 100).
                let (ma, sa) = self.decimal().into_bigint_and_exponent();
                let (mb, sb) = other.decimal().into_bigint_and_exponent();
                let digits = |m: &BigInt| i64::try_from(m.bits() * 30_103 / 100_000 + 1).unwrap_or(i64::MAX);
                let p = (DIVISION_DIGITS as i64 + 2 + digits(&mb) - digits(&ma)).max(0);
                let q = ma * BigInt::from(10).pow(p as u32) / mb;
                Number::from_decimal(BigDecimal::new(q, sa - sb + p).with_prec(DIVISION_DIGITS))
            }
        }
    }

    /// `a % b`, with the sign of `a` (as Terraform's); `None` when `b` is zero.
    pub fn rem(&self, other: &Number) -> Option<Number> {
        if other.is_zero() {
            return None;
        }
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a.checked_rem(*b).map(Number::Int),
            _ => Number::from_decimal(self.decimal() % other.decimal()),
        }
    }

    /// `-a`.
    pub fn neg(&self) -> Number {
        match self {
            Number::Int(a) if let Some(n) = a.checked_neg() => Number::Int(n),
            Number::Int(a) => Number::Dec(Arc::new(-BigDecimal::from(*a))),
            Number::Dec(d) => Number::Dec(Arc::new(-(**d).clone())),
        }
    }

    /// `|a|`.
    pub fn abs(&self) -> Number {
        if *self < Number::Int(0) { self.neg() } else { self.clone() }
    }

    /// The greatest whole number not above it.
    pub fn floor(&self) -> Number {
        self.round(RoundingMode::Floor)
    }

    /// The least whole number not below it.
    pub fn ceil(&self) -> Number {
        self.round(RoundingMode::Ceiling)
    }

    fn round(&self, mode: RoundingMode) -> Number {
        match self {
            Number::Dec(d) if !d.is_integer() => {
                // Fewer digits than it had: always within bounds.
                Number::from_decimal(d.with_scale_round(0, mode)).unwrap_or_else(|| self.clone())
            }
            _ => self.clone(),
        }
    }

    /// Whether binary floating point holds it exactly (`0.5` yes, `0.1` no).
    pub fn is_binary_fraction(&self) -> bool {
        match self {
            Number::Int(_) => true,
            Number::Dec(d) => {
                let (mantissa, scale) = d.as_bigint_and_exponent();
                // Beyond a double's 1074 fractional digits, no.
                scale <= 0 || (scale <= 1074 && (mantissa % BigInt::from(5).pow(scale.unsigned_abs() as u32)).is_zero())
            }
        }
    }

    /// Whether it is zero.
    pub fn is_zero(&self) -> bool {
        match self {
            Number::Int(i) => *i == 0,
            Number::Dec(d) => d.is_zero(),
        }
    }

    /// Whether it is a whole number.
    pub fn is_whole(&self) -> bool {
        match self {
            Number::Int(_) => true,
            Number::Dec(d) => d.is_integer(),
        }
    }
}

/// Whether `text` is a decimal number: a sign, digits, a fraction, an exponent
/// (not `inf`, `0x10` or `1_000`).
fn is_decimal(text: &str) -> bool {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    let int = digits(rest);
    let rest = &rest[int..];
    let (frac, rest) = match rest.strip_prefix('.') {
        Some(r) => (digits(r), &r[digits(r)..]),
        None => (0, rest),
    };
    if int + frac == 0 {
        return false;
    }
    match rest.strip_prefix(['e', 'E']) {
        None => rest.is_empty(),
        Some(exp) => {
            let exp = exp.strip_prefix(['-', '+']).unwrap_or(exp);
            !exp.is_empty() && digits(exp) == exp.len()
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a.cmp(b),
            _ => self.decimal().cmp(&other.decimal()),
        }
    }
}

/// As Terraform writes a number: every digit, no exponent (`1e3` is `1000`).
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Dec(d) => f.write_str(&d.normalized().to_plain_string()),
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        Number::Int(i)
    }
}

impl From<usize> for Number {
    fn from(i: usize) -> Number {
        i64::try_from(i).map_or_else(|_| Number::Dec(Arc::new(BigDecimal::from(i as u64))), Number::Int)
    }
}

#[cfg(test)]
mod tests {
    use super::Number;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn numbers_are_exact_as_terraform_s() {
        assert_eq!(n("123456789012345678901234567890").to_string(), "123456789012345678901234567890");
        assert_eq!(n("1e400").to_string(), format!("1{}", "0".repeat(400)));
        assert_eq!(n("1e308").mul(&n("10")).unwrap().to_string(), format!("1{}", "0".repeat(309)));
        assert_eq!(n("0.1").add(&n("0.2")).unwrap().to_string(), "0.3");
        assert_eq!(n("2.5E-3").to_string(), "0.0025");
        assert_eq!(n("9223372036854775807").add(&n("1")).unwrap().to_string(), "9223372036854775808");
        assert_eq!(n("7").div(&n("2")).unwrap().to_string(), "3.5");
        assert_eq!(n("6").div(&n("3")).unwrap().to_i64(), Some(2));
        assert!(n("1").div(&n("0")).is_none());
        assert_eq!(n("-7").rem(&n("3")).unwrap().to_string(), "-1");
        assert_eq!(n("5.5").rem(&n("2")).unwrap().to_string(), "1.5");
        assert_eq!(n("1.0"), n("1"));
        assert_eq!(n("1.0").to_i64(), Some(1));
        assert!(n("1e400") > n("1e308"));
        assert_eq!(Number::from_f64(0.1).unwrap().to_string(), "0.1");
        assert_eq!(n("1").div(&n("3")).unwrap().to_string().len(), 157);
        assert_eq!(n("-2.5").abs().to_string(), "2.5");
        assert_eq!(n("-2.5").floor().to_string(), "-3");
        assert_eq!(n("-2.5").ceil().to_string(), "-2");
        assert_eq!(n("2.1").ceil().to_i64(), Some(3));
        assert!(n("0.25").is_binary_fraction());
        assert!(!n("0.1").is_binary_fraction());
        assert!(n("1e400").is_binary_fraction());
        assert!(n("-9223372036854775808").neg() > n("9223372036854775807"));
    }

    #[test]
    fn only_decimal_text_is_a_number() {
        for text in ["inf", "NaN", "0x10", "1_000", "", ".", "1e", "e5", "1.2.3", " 1"] {
            assert!(Number::parse(text).is_none(), "{text}");
        }
        for text in ["+5", "-0.5", ".5", "5.", "1E+3", "1e-3"] {
            assert!(Number::parse(text).is_some(), "{text}");
        }
    }

    #[test]
    fn numbers_past_the_bound_are_refused_not_written_out() {
        assert!(Number::parse("1e999999999").is_none());
        assert!(Number::parse("1e-999999999").is_none());
        assert!(Number::parse("1e9999").is_some());
        let big = n("1e9999");
        assert!(big.mul(&big).is_none());
        assert!(big.add(&n("1e-5")).is_none());
    }
}
