//! `format` and `formatlist`: Go's `fmt` verbs as Terraform's stdlib implements them.

use super::*;

/// `format(spec, values...)`.
pub(super) fn format(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, usize::MAX)?;
    let spec = c.string_arg(0, "format")?;
    let values = &c.args[1..];
    if values.iter().any(EvalValue::has_unknown) {
        return Ok(EvalValue::unknown());
    }
    let values: Vec<&EvalValue> = values.iter().collect();
    sprintf(c, &spec, &values).map(EvalValue::str).map_err(|e| c.err(e))
}

/// `formatlist(spec, values...)`: list values are iterated in parallel, others repeat.
pub(super) fn formatlist(c: &Call) -> Result<EvalValue, String> {
    c.arity(1, usize::MAX)?;
    let spec = c.string_arg(0, "format")?;
    let values = &c.args[1..];
    let mut iterations: Option<(usize, usize)> = None;
    for (i, v) in values.iter().enumerate() {
        let EvalValue::List(items) = v.unmarked() else { continue };
        match iterations {
            None => iterations = Some((items.len(), i)),
            Some((len, first)) if len != items.len() => {
                return Err(c.err(format_args!(
                    "argument {} has length {}, which is inconsistent with argument {} of length {len}",
                    i + 1,
                    items.len(),
                    first + 1
                )));
            }
            Some(_) => {}
        }
    }
    let count = iterations.map_or(1, |(len, _)| len);
    let mut out = Vec::with_capacity(count);
    let mut bytes = 0usize;
    for k in 0..count {
        let row: Vec<&EvalValue> = values
            .iter()
            .map(|v| match v.unmarked() {
                EvalValue::List(items) => items.get(k).unwrap_or(&NULL),
                v => v,
            })
            .collect();
        if row.iter().any(|v| v.has_unknown()) {
            out.push(EvalValue::unknown());
            continue;
        }
        let text = sprintf(c, &spec, &row).map_err(|e| c.err(format_args!("error on format iteration {k}: {e}")))?;
        bytes += text.len();
        c.check_bytes(bytes)?;
        out.push(EvalValue::str(text));
    }
    Ok(EvalValue::List(out))
}

/// One `%` sequence of a format string.
#[derive(Default)]
pub(super) struct Verb<'s> {
    pub(super) raw: &'s str,
    pub(super) offset: usize,
    pub(super) arg: usize,
    pub(super) mode: char,
    pub(super) zero: bool,
    pub(super) sharp: bool,
    pub(super) plus: bool,
    pub(super) minus: bool,
    pub(super) space: bool,
    pub(super) width: Option<usize>,
    pub(super) prec: Option<usize>,
}

/// go-cty's `format`: `spec` applied to known `values`. Messages carry no function name.
pub(super) fn sprintf(c: &Call, spec: &str, values: &[&EvalValue]) -> Result<String, String> {
    let bytes = spec.as_bytes();
    let mut out = String::new();
    let mut next_arg = 1;
    let mut highest = 0;
    let mut p = 0;
    while p < bytes.len() {
        if bytes[p] != b'%' {
            let end = spec[p..].find('%').map_or(spec.len(), |i| p + i);
            out.push_str(&spec[p..end]);
            p = end;
            continue;
        }
        if bytes.get(p + 1) == Some(&b'%') {
            out.push('%');
            p += 2;
            continue;
        }
        let (verb, end) = parse_verb(spec, p, next_arg)?;
        highest = highest.max(verb.arg);
        out.push_str(&format_verb(&verb, values)?);
        if out.len() > MAX_STRING_BYTES {
            c.too_large.set(true);
            return Err(format!("result would be more than the limit of {MAX_STRING_BYTES} bytes"));
        }
        next_arg = verb.arg + 1;
        p = end;
    }
    if highest < values.len() {
        return Err(if highest == 0 {
            "too many arguments; no verbs in format string".to_owned()
        } else {
            format!("too many arguments; only {highest} used by format string")
        });
    }
    Ok(out)
}

/// Parses the verb starting at the `%` at `start`: `%`, flags, width, `.precision`,
/// `[argument]`, letter. Returns it and the offset after it.
pub(super) fn parse_verb(spec: &str, start: usize, next_arg: usize) -> Result<(Verb<'_>, usize), String> {
    let bytes = spec.as_bytes();
    let mut v = Verb { offset: start, arg: next_arg, ..Verb::default() };
    let mut p = start + 1;
    while let Some(flag) = bytes.get(p) {
        match flag {
            b'0' => v.zero = true,
            b'#' => v.sharp = true,
            b'-' => v.minus = true,
            b'+' => v.plus = true,
            b' ' => v.space = true,
            _ => break,
        }
        p += 1;
    }
    if matches!(bytes.get(p), Some(b'1'..=b'9')) {
        let (width, end) = parse_digits(bytes, p)?;
        v.width = Some(width);
        p = end;
    }
    if bytes.get(p) == Some(&b'.') {
        let (prec, end) = parse_digits(bytes, p + 1)?;
        v.prec = Some(prec);
        p = end;
    }
    if bytes.get(p) == Some(&b'[') {
        if !matches!(bytes.get(p + 1), Some(b'1'..=b'9')) {
            return Err(bad_format_char(spec, p + 1));
        }
        let (arg, end) = parse_digits(bytes, p + 1)?;
        if bytes.get(end) != Some(&b']') {
            return Err(bad_format_char(spec, end));
        }
        v.arg = arg;
        p = end + 1;
    }
    match bytes.get(p) {
        Some(letter) if letter.is_ascii_alphabetic() => v.mode = char::from(*letter),
        _ => return Err(bad_format_char(spec, p)),
    }
    v.raw = &spec[start..=p];
    Ok((v, p + 1))
}

/// Reads a decimal number at `p` (possibly no digits: zero).
pub(super) fn parse_digits(bytes: &[u8], mut p: usize) -> Result<(usize, usize), String> {
    let mut n = 0usize;
    while let Some(d) = bytes.get(p).filter(|b| b.is_ascii_digit()) {
        n = n * 10 + usize::from(d - b'0');
        if n > MAX_FORMAT_NUMBER {
            return Err(format!("width, precision or argument index larger than {MAX_FORMAT_NUMBER}"));
        }
        p += 1;
    }
    Ok((n, p))
}

/// The message for a character that cannot appear at offset `p` of a verb, or for a
/// verb cut short by the end of the string (reported, as go-cty does, at the end).
pub(super) fn bad_format_char(spec: &str, p: usize) -> String {
    match spec.get(p..).and_then(|rest| rest.chars().next()) {
        Some(ch) => format!("unrecognized format character {ch:?} at offset {p}"),
        None => format!("invalid format string starting at offset {}", spec.len()),
    }
}

/// Formats one verb's value.
pub(super) fn format_verb(v: &Verb, values: &[&EvalValue]) -> Result<String, String> {
    let Some(arg) = v.arg.checked_sub(1).and_then(|i| values.get(i)) else {
        return Err(format!(
            "not enough arguments for {:?} at {}: need index {} but have {} total",
            v.raw,
            v.offset,
            v.arg,
            values.len()
        ));
    };
    let arg = arg.unmarked();
    if v.mode != 'v' && arg.is_null() {
        return Err(unsupported(v, "null value cannot be formatted"));
    }
    match v.mode {
        'v' => format_as_is(v, arg),
        't' => format_bool(v, arg),
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => format_numeric(v, arg),
        's' | 'q' => format_text(v, arg),
        mode => Err(format!("unsupported format verb {mode:?} in {:?} at offset {}", v.raw, v.offset)),
    }
}

/// The message for a value a verb cannot format.
pub(super) fn unsupported(v: &Verb, msg: impl fmt::Display) -> String {
    format!("unsupported value for {:?} at {}: {msg}", v.raw, v.offset)
}

/// `%v`: strings as they are, numbers as `%g`, everything else (and `%#v`) as JSON.
pub(super) fn format_as_is(v: &Verb, arg: &EvalValue) -> Result<String, String> {
    if !v.sharp {
        match arg {
            EvalValue::String(s) => return Ok(pad(v, s)),
            EvalValue::Number(n) => return Ok(pad(v, &general_text(n.to_f64(), None, false))),
            _ => {}
        }
    }
    let json = json_text(arg).map_err(|e| unsupported(v, e))?.unwrap_or_default();
    Ok(pad(v, &json))
}

/// `%t` (go-cty applies no width to it).
pub(super) fn format_bool(v: &Verb, arg: &EvalValue) -> Result<String, String> {
    match arg.to_bool() {
        Some(b) => Ok(b.to_string()),
        None if matches!(arg, EvalValue::String(_)) => Err(unsupported(v, "a bool is required")),
        None => Err(unsupported(v, format_args!("bool required, but have {}", arg.type_name()))),
    }
}

/// `%b %d %o %x %X %e %E %f %g %G`.
pub(super) fn format_numeric(v: &Verb, arg: &EvalValue) -> Result<String, String> {
    let n = match arg.to_exact() {
        Some(n) => n,
        _ if matches!(arg, EvalValue::String(_)) => return Err(unsupported(v, "a number is required")),
        _ => return Err(unsupported(v, format_args!("number required, but have {}", arg.type_name()))),
    };
    match v.mode {
        'e' | 'E' | 'f' | 'g' | 'G' => match n.to_f64() {
            x if x.is_finite() => Ok(format_float(v, x)),
            _ => Err(unsupported(v, "the number is too large to format")),
        },
        _ => format_integer(v, &n),
    }
}

/// An integer verb, laid out as Go's `big.Int` formats itself.
pub(super) fn format_integer(v: &Verb, n: &Number) -> Result<String, String> {
    if !n.is_whole() {
        return Err(unsupported(v, "an integer is required"));
    }
    let magnitude = n.abs();
    let in_base = |f: fn(u128) -> String| {
        magnitude.to_u128().map(f).ok_or_else(|| unsupported(v, "the integer is too large to format"))
    };
    let digits = match v.mode {
        'b' => in_base(|m| format!("{m:b}"))?,
        'o' => in_base(|m| format!("{m:o}"))?,
        'x' => in_base(|m| format!("{m:x}"))?,
        'X' => in_base(|m| format!("{m:X}"))?,
        _ => magnitude.to_string(),
    };
    let sign = sign_text(v, if *n < Number::Int(0) { -1.0 } else { 0.0 });
    let prefix = match (v.sharp, v.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(prec) = v.prec {
        if digits.len() < prec {
            zeros = prec - digits.len();
        } else if digits == "0" && prec == 0 {
            return Ok(String::new());
        }
    }
    let len = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(gap) = v.width.and_then(|w| w.checked_sub(len)) {
        if v.minus {
            right = gap;
        } else if v.zero && v.prec.is_none() {
            zeros += gap;
        } else {
            left = gap;
        }
    }
    Ok(format!("{}{sign}{prefix}{}{digits}{}", " ".repeat(left), "0".repeat(zeros), " ".repeat(right)))
}

/// A floating-point verb, laid out as Go's `big.Float` formats itself.
pub(super) fn format_float(v: &Verb, n: f64) -> String {
    let body = match v.mode {
        'e' | 'E' => exponent_text(n.abs(), v.prec.unwrap_or(6), v.mode == 'E'),
        'f' => format!("{:.*}", v.prec.unwrap_or(6), n.abs()),
        _ => general_text(n.abs(), v.prec, v.mode == 'G'),
    };
    let sign = sign_text(v, n);
    let padding = v.width.unwrap_or(0).saturating_sub(sign.len() + body.len());
    if v.zero {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if v.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

/// The sign a number verb prints.
pub(super) fn sign_text(v: &Verb, n: f64) -> &'static str {
    if n < 0.0 {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    }
}

/// `%e`: `d.dddddde±dd`.
pub(super) fn exponent_text(x: f64, prec: usize, upper: bool) -> String {
    let text = format!("{x:.prec$e}");
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    format!("{mantissa}{}", exponent_suffix(exp, upper))
}

/// `e+03`, `E-23`: Go's exponent, at least two digits.
pub(super) fn exponent_suffix(exp: i64, upper: bool) -> String {
    let e = if upper { 'E' } else { 'e' };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{e}{sign}{:02}", exp.unsigned_abs())
}

/// `%g` (and `%v` for numbers): `%e` for large or small exponents, `%f` otherwise;
/// `prec` is significant digits, `None` for the shortest that reads back the same.
pub(super) fn general_text(x: f64, prec: Option<usize>, upper: bool) -> String {
    let sign = if x < 0.0 { "-" } else { "" };
    let shortest = prec.is_none();
    let mut prec = prec.map_or(0, |p| p.max(1));
    let d = Digits::of(x.abs(), (!shortest).then_some(prec));
    if shortest {
        prec = d.mant.len();
    }
    let mut eprec = prec;
    if eprec > d.mant.len() && d.mant.len() as i64 >= d.exp {
        eprec = d.mant.len();
    }
    if shortest {
        eprec = 6;
    }
    let exp = d.exp - 1;
    if exp < -4 || exp >= eprec as i64 {
        prec = prec.min(d.mant.len());
        return format!("{sign}{}", d.exponent_form(prec.saturating_sub(1), upper));
    }
    if prec as i64 > d.exp {
        prec = d.mant.len();
    }
    format!("{sign}{}", d.fixed_form((prec as i64 - d.exp).max(0) as usize))
}

/// A non-negative number's decimal digits: `0.mant × 10^exp`, no trailing zeros.
pub(super) struct Digits {
    pub(super) mant: Vec<u8>,
    pub(super) exp: i64,
}

impl Digits {
    /// The digits of `x` rounded to `sig` significant digits, or the shortest exact ones.
    pub(super) fn of(x: f64, sig: Option<usize>) -> Digits {
        if x == 0.0 {
            return Digits { mant: Vec::new(), exp: 0 };
        }
        let text = match sig {
            None => format!("{x:e}"),
            Some(sig) => format!("{x:.*e}", sig.saturating_sub(1)),
        };
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let mut mant: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        while mant.last() == Some(&b'0') {
            mant.pop();
        }
        Digits { mant, exp: exp.parse::<i64>().unwrap_or(0) + 1 }
    }

    /// The digit at `i`, zero outside the mantissa.
    pub(super) fn at(&self, i: i64) -> char {
        usize::try_from(i).ok().and_then(|i| self.mant.get(i)).map_or('0', |d| char::from(*d))
    }

    /// `d.ddde±dd` with `prec` digits after the point.
    pub(super) fn exponent_form(&self, prec: usize, upper: bool) -> String {
        let mut out = String::new();
        out.push(self.at(0));
        if prec > 0 {
            out.push('.');
            (1..=prec as i64).for_each(|i| out.push(self.at(i)));
        }
        let exp = if self.mant.is_empty() { 0 } else { self.exp - 1 };
        out + &exponent_suffix(exp, upper)
    }

    /// `ddd.ddd` with `prec` digits after the point.
    pub(super) fn fixed_form(&self, prec: usize) -> String {
        let mut out = String::new();
        if self.exp > 0 {
            (0..self.exp).for_each(|i| out.push(self.at(i)));
        } else {
            out.push('0');
        }
        if prec > 0 {
            out.push('.');
            (0..prec as i64).for_each(|i| out.push(self.at(self.exp + i)));
        }
        out
    }
}

/// `%s` and `%q`; a precision truncates the string (in characters) before quoting.
pub(super) fn format_text(v: &Verb, arg: &EvalValue) -> Result<String, String> {
    let text =
        arg.to_text().ok_or_else(|| unsupported(v, format_args!("string required, but have {}", arg.type_name())))?;
    let text: Cow<str> = match v.prec {
        Some(prec) if prec > 0 => Cow::Owned(text.chars().take(prec).collect()),
        _ => text,
    };
    if v.mode == 'q' {
        let mut quoted = String::new();
        json_quote(&text, &mut quoted);
        return Ok(pad(v, &quoted));
    }
    Ok(pad(v, &text))
}

/// Pads to the verb's width in characters, as go-cty's `formatPadWidth` does.
pub(super) fn pad(v: &Verb, text: &str) -> String {
    let len = text.chars().count();
    let Some(gap) = v.width.and_then(|w| w.checked_sub(len)).filter(|gap| *gap > 0) else {
        return text.to_owned();
    };
    let fill = if v.zero { "0" } else { " " }.repeat(gap);
    if v.minus { format!("{text}{fill}") } else { format!("{fill}{text}") }
}
