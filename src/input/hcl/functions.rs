//! Terraform's built-in functions, for the partial HCL evaluator.
//!
//! In: a function name and evaluated arguments (sensitive marks stripped at the top,
//! never inside lists and maps; no top-level unknowns). Out: the result, Unknown when it
//! depends on a value known only after apply, or a message saying what is wrong with the
//! arguments, phrased like Terraform's and prefixed with the function's name.
//!
//! Semantics follow Terraform's `internal/lang/funcs` and go-cty's stdlib, reduced to
//! envwall's values: a "character" is a Unicode scalar value rather than a grapheme
//! cluster, numbers are `f64`, lists/sets/tuples are one kind and so are maps/objects.
//! Like Terraform, a function that reads inside its arguments (rather than passing
//! elements through) marks its whole result sensitive when anything inside an argument is
//! sensitive. Regular expressions (`replace` with `/re/`) are not supported. Collections a
//! function builds are capped at 1,000,000 elements and strings at 64 MiB; `range` keeps
//! Terraform's own cap of 1024 elements.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::value::{Map, Str, Val, format_number};

/// Most elements a function may produce in one collection.
const MAX_ELEMENTS: usize = 1_000_000;

/// Most bytes a function may produce in one string.
const MAX_STRING_BYTES: usize = 64 << 20;

/// Terraform's own limit on `range`.
const RANGE_LIMIT: usize = 1024;

/// Largest width, precision or argument index a `format` verb may ask for.
const MAX_FORMAT_NUMBER: usize = 1_000_000;

/// Every function [`call`] implements, sorted.
const NAMES: &[&str] = &[
    "abs",
    "base64decode",
    "base64encode",
    "basename",
    "ceil",
    "chunklist",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "dirname",
    "distinct",
    "element",
    "endswith",
    "flatten",
    "floor",
    "format",
    "formatlist",
    "index",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "lookup",
    "lower",
    "max",
    "merge",
    "min",
    "one",
    "range",
    "regex",
    "regexall",
    "replace",
    "reverse",
    "setintersection",
    "setsubtract",
    "setunion",
    "slice",
    "sort",
    "split",
    "startswith",
    "strcontains",
    "substr",
    "sum",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "transpose",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "upper",
    "values",
    "zipmap",
];

/// Functions whose arguments Terraform lets carry sensitive marks inside: they pass
/// elements through with their marks (or, like `length` and `keys`, never read them).
/// Every other function's result is marked when anything inside an argument is.
const KEEPS_INNER_MARKS: &[&str] = &[
    "abs",
    "base64decode",
    "chunklist",
    "concat",
    "element",
    "flatten",
    "keys",
    "length",
    "lookup",
    "merge",
    "reverse",
    "slice",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "tostring",
    "values",
    "zipmap",
];

static NULL: Val = Val::Null;

/// Calls the Terraform function `name`. `Err` is a message saying what is wrong with the
/// arguments, phrased like Terraform's ("cidrsubnet: prefix extension of 8 does not
/// accommodate a subnet numbered 300").
pub fn call(name: &str, args: Vec<Val>) -> Result<Val, String> {
    if !exists(name) {
        return Err(format!("there is no function named {name:?}"));
    }
    if args.iter().any(Val::is_unknown) {
        // The evaluator answers these itself; answer as it would.
        return Ok(Val::unknown());
    }
    let result = dispatch(&Call { name, args: &args })?;
    let inner_marks = !KEEPS_INNER_MARKS.contains(&name) && args.iter().any(contains_sensitive);
    Ok(result.marked(inner_marks))
}

/// Whether `name` is a function this module implements.
pub fn exists(name: &str) -> bool {
    NAMES.binary_search(&name).is_ok()
}

/// Runs the function; `call` has checked the name and handles marks.
fn dispatch(c: &Call) -> Result<Val, String> {
    match c.name {
        "cidrhost" => cidrhost(c),
        "cidrnetmask" => cidrnetmask(c),
        "cidrsubnet" => cidrsubnet(c),
        "cidrsubnets" => cidrsubnets(c),
        "format" => format(c),
        "formatlist" => formatlist(c),
        "join" => join(c),
        "split" => split(c),
        "replace" => replace(c),
        "regex" => regex(c, false),
        "regexall" => regex(c, true),
        "lower" => map_string(c, |s| s.chars().map(|ch| ch.to_lowercase().next().unwrap_or(ch)).collect()),
        "upper" => map_string(c, |s| s.chars().map(|ch| single(ch.to_uppercase()).unwrap_or(ch)).collect()),
        "title" => map_string(c, title_case),
        "trimspace" => map_string(c, |s| s.trim().to_owned()),
        // Paths as Terraform treats them: `/`-separated text, nothing read from disk.
        "basename" => map_string(c, |s| {
            let t = s.trim_end_matches('/');
            if t.is_empty() && s.starts_with('/') {
                "/".to_owned()
            } else {
                t.rsplit('/').next().unwrap_or_default().to_owned()
            }
        }),
        "dirname" => map_string(c, |s| match s.trim_end_matches('/').rsplit_once('/') {
            Some(("", _)) => "/".to_owned(),
            Some((dir, _)) => dir.to_owned(),
            None => ".".to_owned(),
        }),
        "trim" => string_pair(c, ["str", "cutset"], |s, cut| Val::str(s.trim_matches(|ch| cut.contains(ch)))),
        "trimprefix" => string_pair(c, ["str", "prefix"], |s, p| Val::str(s.strip_prefix(p).unwrap_or(s))),
        "trimsuffix" => string_pair(c, ["str", "suffix"], |s, p| Val::str(s.strip_suffix(p).unwrap_or(s))),
        "startswith" => string_pair(c, ["str", "prefix"], |s, p| Val::Bool(s.starts_with(p))),
        "endswith" => string_pair(c, ["str", "suffix"], |s, p| Val::Bool(s.ends_with(p))),
        "strcontains" => string_pair(c, ["str", "substr"], |s, p| Val::Bool(s.contains(p))),
        "substr" => substr(c),
        "length" => length(c),
        "lookup" => lookup(c),
        "merge" => merge(c),
        "concat" => concat(c),
        "flatten" => flatten(c),
        "distinct" => distinct(c),
        "contains" => contains(c),
        "index" => index(c),
        "element" => element(c),
        "keys" => keys(c),
        "values" => values(c),
        "zipmap" => zipmap(c),
        "slice" => slice(c),
        "reverse" => reverse(c),
        "sort" => sort(c),
        "range" => range(c),
        "compact" => compact(c),
        "one" => one(c),
        "chunklist" => chunklist(c),
        "transpose" => transpose(c),
        "coalesce" => coalesce(c),
        "coalescelist" => coalescelist(c),
        "tostring" => tostring(c),
        "tonumber" => tonumber(c),
        "tobool" => tobool(c),
        "tolist" => tolist(c),
        "tomap" => tomap(c),
        "toset" => toset(c),
        "jsonencode" => jsonencode(c),
        "jsondecode" => jsondecode(c),
        "base64encode" => base64encode(c),
        "base64decode" => base64decode(c),
        "min" => min_max(c, f64::min),
        "max" => min_max(c, f64::max),
        "abs" => map_number(c, f64::abs),
        "ceil" => map_number(c, f64::ceil),
        "floor" => map_number(c, f64::floor),
        "sum" => sum(c),
        "setunion" => set_operation(c, SetOp::Union),
        "setintersection" => set_operation(c, SetOp::Intersection),
        "setsubtract" => set_operation(c, SetOp::Subtract),
        _ => Err(format!("there is no function named {:?}", c.name)),
    }
}

// ---------------------------------------------------------------------------------------
// Arguments

/// A call under way: the function's name, for messages, and its arguments.
struct Call<'a> {
    name: &'a str,
    args: &'a [Val],
}

impl<'a> Call<'a> {
    /// A message about the call.
    fn err(&self, msg: impl fmt::Display) -> String {
        format!("{}: {msg}", self.name)
    }

    /// A message about one parameter, as Terraform words it.
    fn param_err(&self, param: &str, msg: impl fmt::Display) -> String {
        self.err(format_args!("invalid value for {param:?} parameter: {msg}"))
    }

    /// Checks the number of arguments (`max` is `usize::MAX` for variadic functions).
    fn arity(&self, min: usize, max: usize) -> Result<(), String> {
        let got = self.args.len();
        if (min..=max).contains(&got) {
            return Ok(());
        }
        let expected = match (min, max) {
            (min, max) if min == max => min.to_string(),
            (min, usize::MAX) => format!("at least {min}"),
            (min, max) => format!("{min} to {max}"),
        };
        Err(self.err(format_args!("expects {expected} argument(s), got {got}")))
    }

    /// Argument `i`, unmarked; null when absent.
    fn arg(&self, i: usize) -> &'a Val {
        self.args.get(i).map_or(&NULL, Val::unmarked)
    }

    /// Argument `i`, which must not be null.
    fn non_null(&self, i: usize, param: &str) -> Result<&'a Val, String> {
        match self.arg(i) {
            Val::Null => Err(self.param_err(param, "argument must not be null")),
            v => Ok(v),
        }
    }

    /// Argument `i` converted to a string.
    fn string_arg(&self, i: usize, param: &str) -> Result<Cow<'a, str>, String> {
        let v = self.non_null(i, param)?;
        v.to_text().ok_or_else(|| self.param_err(param, "string required"))
    }

    /// Argument `i` converted to a (finite) number.
    fn number_arg(&self, i: usize, param: &str) -> Result<f64, String> {
        let v = self.non_null(i, param)?;
        match v.to_number() {
            Some(n) if n.is_finite() => Ok(n),
            _ if matches!(v, Val::String(_)) => Err(self.param_err(param, "a number is required")),
            _ => Err(self.param_err(param, "number required")),
        }
    }

    /// Argument `i` converted to a whole number.
    fn int_arg(&self, i: usize, param: &str) -> Result<i64, String> {
        let n = self.number_arg(i, param)?;
        whole(n).ok_or_else(|| self.param_err(param, "a whole number is required"))
    }

    /// Argument `i`, which must be a list (or set, or tuple).
    fn list_arg(&self, i: usize, param: &str) -> Result<&'a [Val], String> {
        match self.non_null(i, param)? {
            Val::List(items) => Ok(items),
            _ => Err(self.param_err(param, "list required")),
        }
    }

    /// Argument `i`, which must be a map (or object).
    fn map_arg(&self, i: usize, param: &str) -> Result<&'a Map, String> {
        match self.non_null(i, param)? {
            Val::Map(m) => Ok(m),
            _ => Err(self.param_err(param, "map required")),
        }
    }

    /// Fails when a result would hold more than [`MAX_ELEMENTS`] elements.
    fn check_len(&self, len: usize) -> Result<(), String> {
        if len > MAX_ELEMENTS {
            return Err(
                self.err(format_args!("result would have {len} elements, more than the limit of {MAX_ELEMENTS}"))
            );
        }
        Ok(())
    }

    /// Fails when a result would be longer than [`MAX_STRING_BYTES`].
    fn check_bytes(&self, len: usize) -> Result<(), String> {
        if len > MAX_STRING_BYTES {
            return Err(
                self.err(format_args!("result would be {len} bytes long, more than the limit of {MAX_STRING_BYTES}"))
            );
        }
        Ok(())
    }
}

/// The number as an `i64` when it is whole and fits.
fn whole(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() < 9.2e18).then_some(n as i64)
}

/// The number as a `u128` when it is whole, not negative and fits.
fn whole_u128(n: f64) -> Option<u128> {
    (n.fract() == 0.0 && (0.0..3.4e38).contains(&n)).then_some(n as u128)
}

/// Whether anything inside the value (or the value itself) is marked sensitive.
fn contains_sensitive(v: &Val) -> bool {
    match v {
        Val::Sensitive(_) => true,
        Val::List(items) => items.iter().any(contains_sensitive),
        Val::Map(m) => m.values().any(contains_sensitive),
        _ => false,
    }
}

/// Whether the value carries a sensitive mark at its top.
fn is_marked(v: &Val) -> bool {
    matches!(v, Val::Sensitive(_))
}

/// Applies `f` under the value's sensitive marks, keeping them.
fn map_marked(v: &Val, f: &dyn Fn(&Val) -> Val) -> Val {
    match v {
        Val::Sensitive(inner) => Val::Sensitive(Box::new(map_marked(inner, f))),
        v => f(v),
    }
}

// ---------------------------------------------------------------------------------------
// Network

/// A network prefix: its first address, the address width (32 or 128) and prefix length.
#[derive(Clone, Copy)]
struct Prefix {
    addr: u128,
    bits: u32,
    len: u32,
}

impl Prefix {
    /// Parses argument `i` as CIDR notation; host bits are cleared, as Terraform does.
    fn parse(c: &Call, i: usize) -> Result<Prefix, String> {
        let text = c.string_arg(i, "prefix")?;
        let net: IpNet = text
            .parse()
            .ok()
            .or_else(|| without_leading_zeros(&text)?.parse().ok())
            .ok_or_else(|| c.err(format_args!("invalid CIDR expression: invalid CIDR address: {text}")))?;
        Ok(match net.trunc() {
            IpNet::V4(n) => Prefix { addr: u128::from(u32::from(n.addr())), bits: 32, len: u32::from(n.prefix_len()) },
            // Go treats an IPv4-mapped prefix as the IPv4 prefix it maps.
            IpNet::V6(n) if n.prefix_len() >= 96 && u128::from(n.addr()) >> 32 == 0xffff => Prefix {
                addr: u128::from(n.addr()) & u128::from(u32::MAX),
                bits: 32,
                len: u32::from(n.prefix_len()) - 96,
            },
            IpNet::V6(n) => Prefix { addr: u128::from(n.addr()), bits: 128, len: u32::from(n.prefix_len()) },
        })
    }

    /// Whether `addr` lies inside the prefix.
    fn contains(&self, addr: u128) -> bool {
        addr & net_mask(self.bits, self.len) == self.addr
    }
}

/// CIDR notation without leading zeros in IPv4 octets and the prefix length, which
/// Terraform reads as decimal (`010.0.0.0/08` is `10.0.0.0/8`); `None` when there are none
/// to drop or the text is not of that shape.
fn without_leading_zeros(text: &str) -> Option<String> {
    let (addr, len) = text.split_once('/')?;
    let octets: Vec<&str> = addr.split('.').collect();
    let ipv4 = octets.len() == 4 && octets.iter().all(|o| is_decimal(o));
    if !is_decimal(len) || !(ipv4 || addr.contains(':')) {
        return None;
    }
    let addr = if ipv4 { octets.iter().map(|o| trim_zeros(o)).collect::<Vec<_>>().join(".") } else { addr.to_owned() };
    Some(format!("{addr}/{}", trim_zeros(len)))
}

/// Whether the text is one or more ASCII digits.
fn is_decimal(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Decimal digits without leading zeros ("0" stays).
fn trim_zeros(digits: &str) -> &str {
    match digits.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    }
}

/// A number with the low `n` bits set.
fn ones(n: u32) -> u128 {
    if n >= 128 { u128::MAX } else { (1 << n) - 1 }
}

/// The network mask of a `len`-bit prefix of a `bits`-bit address.
fn net_mask(bits: u32, len: u32) -> u128 {
    ones(bits) & !ones(bits.saturating_sub(len))
}

/// Prints an address as Go's `net.IP` does.
fn ip_text(addr: u128, bits: u32) -> String {
    if bits == 32 {
        Ipv4Addr::from(u32::try_from(addr).unwrap_or(u32::MAX)).to_string()
    } else {
        Ipv6Addr::from(addr).to_string()
    }
}

/// Prints a network in CIDR notation.
fn net_text(addr: u128, bits: u32, len: u32) -> String {
    format!("{}/{len}", ip_text(addr, bits))
}

/// `cidrhost(prefix, hostnum)`: a host's address; negative numbers count from the end.
fn cidrhost(c: &Call) -> Result<Val, String> {
    c.arity(2, 2)?;
    let p = Prefix::parse(c, 0)?;
    let hostnum = c.number_arg(1, "hostnum")?;
    if hostnum.fract() != 0.0 {
        return Err(c.param_err("hostnum", "a whole number is required"));
    }
    let max = ones(p.bits - p.len);
    let host = if hostnum >= 0.0 {
        whole_u128(hostnum)
    } else {
        whole_u128(-hostnum - 1.0).and_then(|back| max.checked_sub(back))
    };
    let host = host.filter(|h| *h <= max).ok_or_else(|| {
        c.err(format_args!("prefix of {} does not accommodate a host numbered {}", p.len, format_number(hostnum)))
    })?;
    Ok(Val::str(ip_text(p.addr | host, p.bits)))
}

/// `cidrnetmask(prefix)`: an IPv4 prefix's mask in dotted-decimal form.
fn cidrnetmask(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let p = Prefix::parse(c, 0)?;
    if p.bits != 32 {
        let text = c.string_arg(0, "prefix")?;
        return Err(c.err(format_args!("IPv6 addresses cannot have a netmask: {text}")));
    }
    Ok(Val::str(ip_text(net_mask(32, p.len), 32)))
}

/// `cidrsubnet(prefix, newbits, netnum)`: subnet `netnum` of the prefix extended by `newbits`.
fn cidrsubnet(c: &Call) -> Result<Val, String> {
    c.arity(3, 3)?;
    let p = Prefix::parse(c, 0)?;
    let newbits = c.int_arg(1, "newbits")?;
    let netnum = c.number_arg(2, "netnum")?;
    if netnum.fract() != 0.0 {
        return Err(c.param_err("netnum", "a whole number is required"));
    }
    let new_len =
        u32::try_from(newbits).ok().and_then(|nb| p.len.checked_add(nb)).filter(|len| *len <= p.bits).ok_or_else(
            || c.err(format_args!("insufficient address space to extend prefix of {} by {newbits}", p.len)),
        )?;
    let num = whole_u128(netnum).filter(|n| *n <= ones(new_len - p.len)).ok_or_else(|| {
        c.err(format_args!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {}",
            format_number(netnum)
        ))
    })?;
    let addr = p.addr | num.checked_shl(p.bits - new_len).unwrap_or(0);
    Ok(Val::str(net_text(addr, p.bits, new_len)))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets, each aligned to its own size.
///
/// Follows Terraform's allocation step for step, including its refusal (hashicorp/terraform#35486)
/// to allocate inside a prefix that starts at the all-zeros address.
fn cidrsubnets(c: &Call) -> Result<Val, String> {
    c.arity(1, usize::MAX)?;
    let p = Prefix::parse(c, 0)?;
    let protocol = if p.bits == 32 { "IPv4" } else { "IPv6" };
    let mut current = (0u128, 0u32);
    let mut out = Vec::with_capacity(c.args.len() - 1);
    for i in 1..c.args.len() {
        let newbits = c.int_arg(i, "newbits")?;
        if newbits < 1 {
            return Err(c.err("must extend prefix by at least one bit"));
        }
        if newbits > 32 {
            return Err(c.err("may not extend prefix by more than 32 bits"));
        }
        let len = p.len + u32::try_from(newbits).unwrap_or(32);
        if len > p.bits {
            return Err(
                c.err(format_args!("would extend prefix to {len} bits, which is too long for an {protocol} address"))
            );
        }
        if i == 1 {
            // The subnet of the first size just below the prefix's start.
            current = (p.addr.wrapping_sub(1) & net_mask(p.bits, len), len);
        }
        let (next, rollover) = next_subnet(current, len, p.bits);
        if rollover || !p.contains(next) {
            return Err(c.err(format_args!(
                "not enough remaining address space for a subnet with a prefix of {len} bits after {}",
                net_text(current.0, p.bits, current.1)
            )));
        }
        current = (next, len);
        out.push(Val::str(net_text(next, p.bits, len)));
    }
    Ok(Val::List(out))
}

/// The first `len`-bit subnet after `current`, and whether finding it wrapped past the
/// top of the address space (go-cidr's `NextSubnet`).
fn next_subnet(current: (u128, u32), len: u32, bits: u32) -> (u128, bool) {
    let last = current.0 | ones(bits - current.1);
    let containing = last & net_mask(bits, len);
    let after = (containing | ones(bits - len)).wrapping_add(1) & ones(bits);
    (after & net_mask(bits, len), after == 0)
}

// ---------------------------------------------------------------------------------------
// Strings

/// Applies `f` to the single string argument.
fn map_string(c: &Call, f: impl Fn(&str) -> String) -> Result<Val, String> {
    c.arity(1, 1)?;
    let s = c.string_arg(0, "str")?;
    Ok(Val::str(f(&s)))
}

/// Applies `f` to two string arguments named `params`.
fn string_pair(c: &Call, params: [&str; 2], f: impl Fn(&str, &str) -> Val) -> Result<Val, String> {
    c.arity(2, 2)?;
    let a = c.string_arg(0, params[0])?;
    let b = c.string_arg(1, params[1])?;
    Ok(f(&a, &b))
}

/// The only item of an iterator, if it has exactly one (Go maps case one rune to one rune).
fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let first = it.next()?;
    it.next().is_none().then_some(first)
}

/// Go's `strings.Title`: upper-cases the first letter of each word.
fn title_case(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|ch| {
            let out = if is_word_separator(prev) { title_char(ch) } else { ch };
            prev = ch;
            out
        })
        .collect()
}

/// Go's `unicode.ToTitle`: the upper case, except for the digraphs that have a title case
/// of their own and Georgian letters, which have none.
fn title_char(ch: char) -> char {
    match ch {
        '\u{1c4}'..='\u{1c6}' => '\u{1c5}',
        '\u{1c7}'..='\u{1c9}' => '\u{1c8}',
        '\u{1ca}'..='\u{1cc}' => '\u{1cb}',
        '\u{1f1}'..='\u{1f3}' => '\u{1f2}',
        '\u{10d0}'..='\u{10ff}' => ch,
        _ => single(ch.to_uppercase()).unwrap_or(ch),
    }
}

/// Whether `ch` separates words for `title`, as Go's `strings.Title` decides.
fn is_word_separator(ch: char) -> bool {
    if ch.is_ascii() {
        return !(ch.is_ascii_alphanumeric() || ch == '_');
    }
    !ch.is_alphanumeric() && ch.is_whitespace()
}

/// `join(separator, lists...)`.
fn join(c: &Call) -> Result<Val, String> {
    c.arity(1, usize::MAX)?;
    let sep = c.string_arg(0, "separator")?;
    if c.args.len() < 2 {
        return Err(c.err("at least one list is required"));
    }
    let lists = (1..c.args.len()).map(|i| c.list_arg(i, "lists")).collect::<Result<Vec<_>, _>>()?;
    if lists.iter().any(|list| list.iter().any(Val::has_unknown)) {
        return Ok(Val::unknown());
    }
    let mut parts = Vec::new();
    for (li, list) in lists.iter().enumerate() {
        for (ei, item) in list.iter().enumerate() {
            let item = item.unmarked();
            if item.is_null() {
                return Err(if lists.len() > 1 {
                    c.err(format_args!("element {ei} of list {} is null; cannot concatenate null values", li + 1))
                } else {
                    c.err(format_args!("element {ei} is null; cannot concatenate null values"))
                });
            }
            parts.push(
                item.to_text().ok_or_else(|| c.param_err("lists", format_args!("element {ei}: string required")))?,
            );
        }
    }
    let total = parts.iter().map(|p| p.len()).sum::<usize>() + sep.len().saturating_mul(parts.len().saturating_sub(1));
    c.check_bytes(total)?;
    Ok(Val::str(parts.join(&*sep)))
}

/// `split(separator, str)`; an empty separator splits into characters.
fn split(c: &Call) -> Result<Val, String> {
    c.arity(2, 2)?;
    let sep = c.string_arg(0, "separator")?;
    let s = c.string_arg(1, "str")?;
    if sep.is_empty() {
        c.check_len(s.chars().count())?;
        return Ok(Val::List(s.chars().map(|ch| Val::String(ch.into())).collect()));
    }
    c.check_len(s.matches(&*sep).count() + 1)?;
    Ok(Val::List(s.split(&*sep).map(Val::str).collect()))
}

/// `replace(string, substring, replacement)`; `/regex/` substrings are refused.
fn replace(c: &Call) -> Result<Val, String> {
    c.arity(3, 3)?;
    let s = c.string_arg(0, "str")?;
    let from = c.string_arg(1, "substr")?;
    let to = c.string_arg(2, "replace")?;
    if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
        let re = compile(c, &from[1..from.len() - 1])?;
        // Go's `$1` / `${name}` expansion is the regex crate's too.
        let out = re.replace_all(&s, &*to).into_owned();
        c.check_bytes(out.len())?;
        return Ok(Val::str(out));
    }
    let hits = if from.is_empty() { s.chars().count() + 1 } else { s.matches(&*from).count() };
    c.check_bytes(s.len().saturating_add(hits.saturating_mul(to.len())))?;
    Ok(Val::str(s.replace(&*from, &to)))
}

/// Compiles an RE2-syntax pattern, as Terraform's regular expression functions take.
fn compile(c: &Call, pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern).size_limit(1 << 20).build().map_err(|e| {
        c.err(format!("invalid regular expression pattern: {}", e.to_string().lines().last().unwrap_or("")))
    })
}

/// `regex(pattern, string)` and `regexall(pattern, string)`: a match is the
/// matched text when the pattern has no groups, a map when its groups are named,
/// else the list of the groups (null for a group that took no part).
fn regex(c: &Call, all: bool) -> Result<Val, String> {
    c.arity(2, 2)?;
    let pattern = c.string_arg(0, "pattern")?;
    let s = c.string_arg(1, "string")?;
    let re = compile(c, &pattern)?;
    let groups = re.captures_len() - 1;
    let named = groups > 0 && re.capture_names().skip(1).all(|n| n.is_some());
    let shape = |caps: regex::Captures<'_>| -> Val {
        let text = |m: Option<regex::Match<'_>>| m.map_or(Val::Null, |m| Val::str(m.as_str()));
        if groups == 0 {
            text(caps.get(0))
        } else if named {
            Val::Map(re.capture_names().flatten().map(|n| (n.to_owned(), text(caps.name(n)))).collect())
        } else {
            Val::List((1..=groups).map(|i| text(caps.get(i))).collect())
        }
    };
    if all {
        let found: Vec<Val> = re.captures_iter(&s).take(1_000_000).map(shape).collect();
        return Ok(Val::List(found));
    }
    re.captures(&s).map(shape).ok_or_else(|| c.err("pattern did not match any part of the given string"))
}

/// `substr(string, offset, length)`, counting characters, as go-cty does: a negative
/// offset counts from the end, a negative length takes the rest.
fn substr(c: &Call) -> Result<Val, String> {
    c.arity(3, 3)?;
    let s = c.string_arg(0, "str")?;
    let offset = c.int_arg(1, "offset")?;
    let length = c.int_arg(2, "length")?;
    if offset >= 0 && length == 0 {
        return Ok(Val::str(""));
    }
    let total = i64::try_from(s.chars().count()).unwrap_or(i64::MAX);
    let start = if offset < 0 { offset.saturating_add(total).max(0) } else { offset };
    if start >= total {
        return Ok(Val::str(""));
    }
    let rest = total - start;
    // go-cty takes the rest for a zero length after a negative offset, too.
    let take = if length <= 0 { rest } else { length.min(rest) };
    let (start, take) = (usize::try_from(start).unwrap_or(0), usize::try_from(take).unwrap_or(0));
    Ok(Val::String(s.chars().skip(start).take(take).collect()))
}

// ---------------------------------------------------------------------------------------
// format and formatlist

/// `format(spec, values...)`.
fn format(c: &Call) -> Result<Val, String> {
    c.arity(1, usize::MAX)?;
    let spec = c.string_arg(0, "format")?;
    let values = &c.args[1..];
    if values.iter().any(Val::has_unknown) {
        return Ok(Val::unknown());
    }
    let values: Vec<&Val> = values.iter().collect();
    sprintf(&spec, &values).map(Val::str).map_err(|e| c.err(e))
}

/// `formatlist(spec, values...)`: list values are iterated in parallel, others repeat.
fn formatlist(c: &Call) -> Result<Val, String> {
    c.arity(1, usize::MAX)?;
    let spec = c.string_arg(0, "format")?;
    let values = &c.args[1..];
    let mut iterations: Option<(usize, usize)> = None;
    for (i, v) in values.iter().enumerate() {
        let Val::List(items) = v.unmarked() else { continue };
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
        let row: Vec<&Val> = values
            .iter()
            .map(|v| match v.unmarked() {
                Val::List(items) => items.get(k).unwrap_or(&NULL),
                v => v,
            })
            .collect();
        if row.iter().any(|v| v.has_unknown()) {
            out.push(Val::unknown());
            continue;
        }
        let text = sprintf(&spec, &row).map_err(|e| c.err(format_args!("error on format iteration {k}: {e}")))?;
        bytes += text.len();
        c.check_bytes(bytes)?;
        out.push(Val::str(text));
    }
    Ok(Val::List(out))
}

/// One `%` sequence of a format string.
#[derive(Default)]
struct Verb<'s> {
    raw: &'s str,
    offset: usize,
    arg: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// go-cty's `format`: `spec` applied to known `values`. Messages carry no function name.
fn sprintf(spec: &str, values: &[&Val]) -> Result<String, String> {
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
fn parse_verb(spec: &str, start: usize, next_arg: usize) -> Result<(Verb<'_>, usize), String> {
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
fn parse_digits(bytes: &[u8], mut p: usize) -> Result<(usize, usize), String> {
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
fn bad_format_char(spec: &str, p: usize) -> String {
    match spec.get(p..).and_then(|rest| rest.chars().next()) {
        Some(ch) => format!("unrecognized format character {ch:?} at offset {p}"),
        None => format!("invalid format string starting at offset {}", spec.len()),
    }
}

/// Formats one verb's value.
fn format_verb(v: &Verb, values: &[&Val]) -> Result<String, String> {
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
fn unsupported(v: &Verb, msg: impl fmt::Display) -> String {
    format!("unsupported value for {:?} at {}: {msg}", v.raw, v.offset)
}

/// `%v`: strings as they are, numbers as `%g`, everything else (and `%#v`) as JSON.
fn format_as_is(v: &Verb, arg: &Val) -> Result<String, String> {
    if !v.sharp {
        match arg {
            Val::String(s) => return Ok(pad(v, s)),
            Val::Number(n) => return Ok(pad(v, &general_text(*n, None, false))),
            _ => {}
        }
    }
    let json = json_text(arg).map_err(|e| unsupported(v, e))?.unwrap_or_default();
    Ok(pad(v, &json))
}

/// `%t` (go-cty applies no width to it).
fn format_bool(v: &Verb, arg: &Val) -> Result<String, String> {
    match arg.to_bool() {
        Some(b) => Ok(b.to_string()),
        None if matches!(arg, Val::String(_)) => Err(unsupported(v, "a bool is required")),
        None => Err(unsupported(v, format_args!("bool required, but have {}", arg.type_name()))),
    }
}

/// `%b %d %o %x %X %e %E %f %g %G`.
fn format_numeric(v: &Verb, arg: &Val) -> Result<String, String> {
    let n = match arg.to_number() {
        Some(n) if n.is_finite() => n,
        _ if matches!(arg, Val::String(_)) => return Err(unsupported(v, "a number is required")),
        _ => return Err(unsupported(v, format_args!("number required, but have {}", arg.type_name()))),
    };
    match v.mode {
        'e' | 'E' | 'f' | 'g' | 'G' => Ok(format_float(v, n)),
        _ => format_integer(v, n),
    }
}

/// An integer verb, laid out as Go's `big.Int` formats itself.
fn format_integer(v: &Verb, n: f64) -> Result<String, String> {
    if n.fract() != 0.0 {
        return Err(unsupported(v, "an integer is required"));
    }
    let magnitude = whole_u128(n.abs()).ok_or_else(|| unsupported(v, "the integer is too large to format"))?;
    let digits = match v.mode {
        'b' => format!("{magnitude:b}"),
        'o' => format!("{magnitude:o}"),
        'x' => format!("{magnitude:x}"),
        'X' => format!("{magnitude:X}"),
        _ => magnitude.to_string(),
    };
    let sign = sign_text(v, n);
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
fn format_float(v: &Verb, n: f64) -> String {
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
fn sign_text(v: &Verb, n: f64) -> &'static str {
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
fn exponent_text(x: f64, prec: usize, upper: bool) -> String {
    let text = format!("{x:.prec$e}");
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    format!("{mantissa}{}", exponent_suffix(exp, upper))
}

/// `e+03`, `E-23`: Go's exponent, at least two digits.
fn exponent_suffix(exp: i64, upper: bool) -> String {
    let e = if upper { 'E' } else { 'e' };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{e}{sign}{:02}", exp.unsigned_abs())
}

/// `%g` (and `%v` for numbers): `%e` for large or small exponents, `%f` otherwise;
/// `prec` is significant digits, `None` for the shortest that reads back the same.
fn general_text(x: f64, prec: Option<usize>, upper: bool) -> String {
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
struct Digits {
    mant: Vec<u8>,
    exp: i64,
}

impl Digits {
    /// The digits of `x` rounded to `sig` significant digits, or the shortest exact ones.
    fn of(x: f64, sig: Option<usize>) -> Digits {
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
    fn at(&self, i: i64) -> char {
        usize::try_from(i).ok().and_then(|i| self.mant.get(i)).map_or('0', |d| char::from(*d))
    }

    /// `d.ddde±dd` with `prec` digits after the point.
    fn exponent_form(&self, prec: usize, upper: bool) -> String {
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
    fn fixed_form(&self, prec: usize) -> String {
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
fn format_text(v: &Verb, arg: &Val) -> Result<String, String> {
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
fn pad(v: &Verb, text: &str) -> String {
    let len = text.chars().count();
    let Some(gap) = v.width.and_then(|w| w.checked_sub(len)).filter(|gap| *gap > 0) else {
        return text.to_owned();
    };
    let fill = if v.zero { "0" } else { " " }.repeat(gap);
    if v.minus { format!("{text}{fill}") } else { format!("{fill}{text}") }
}

// ---------------------------------------------------------------------------------------
// Collections

/// `length(value)`: characters of a string, elements of a list or map.
fn length(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let len = match c.non_null(0, "value")? {
        Val::String(s) => s.chars().count(),
        Val::List(items) => items.len(),
        Val::Map(m) => m.len(),
        _ => return Err(c.err("argument must be a string, a collection type, or a structural type")),
    };
    Ok(Val::Number(len as f64))
}

/// `lookup(map, key, default?)`.
fn lookup(c: &Call) -> Result<Val, String> {
    c.arity(2, 3)?;
    let Val::Map(m) = c.non_null(0, "inputMap")? else {
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
fn merge(c: &Call) -> Result<Val, String> {
    let entries = c.args.iter().map(|a| if let Val::Map(m) = a { m.len() } else { 0 }).sum();
    let mut out = Map::with_capacity(entries);
    for (i, _) in c.args.iter().enumerate() {
        match c.arg(i) {
            Val::Null => {}
            Val::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
            v => return Err(c.err(format_args!("arguments must be maps or objects, got {:?}", v.type_name()))),
        }
    }
    Ok(Val::Map(out))
}

/// `concat(lists...)`.
fn concat(c: &Call) -> Result<Val, String> {
    if c.args.is_empty() {
        return Err(c.err("at least one argument is required"));
    }
    let mut out = Vec::new();
    for i in 0..c.args.len() {
        let Val::List(items) = c.arg(i) else {
            return Err(c.err(format_args!("all arguments must be lists or tuples; got {}", c.arg(i).type_name())));
        };
        c.check_len(out.len() + items.len())?;
        out.extend_from_slice(items);
    }
    Ok(Val::List(out))
}

/// `flatten(list)`: nested lists spliced in, recursively. Unknown when an element that
/// might be a list is unknown; marked when a nested list it opens is marked.
fn flatten(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let Val::List(items) = c.non_null(0, "list")? else {
        return Err(c.err("can only flatten lists, sets and tuples"));
    };
    let mut out = Vec::new();
    let mut marked = false;
    if !flatten_into(c, items, &mut out, &mut marked)? {
        return Ok(Val::unknown());
    }
    Ok(Val::List(out).marked(marked))
}

/// Appends `items` flattened to `out`; `false` when an element is unknown.
fn flatten_into(c: &Call, items: &[Val], out: &mut Vec<Val>, marked: &mut bool) -> Result<bool, String> {
    for item in items {
        match item.unmarked() {
            Val::Unknown(_) => return Ok(false),
            Val::List(inner) => {
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
fn distinct(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let items = c.list_arg(0, "list")?;
    if items.iter().any(Val::has_unknown) {
        return Ok(Val::unknown());
    }
    let items = &same_type_elements(c, items)?;
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&i, &j| set_cmp(&items[i], &items[j]));
    let mut keep = vec![false; items.len()];
    for (k, &i) in order.iter().enumerate() {
        keep[i] = k == 0 || set_cmp(&items[order[k - 1]], &items[i]) != Ordering::Equal;
    }
    Ok(Val::List(items.iter().zip(keep).filter(|(_, keep)| *keep).map(|(v, _)| v.clone()).collect()))
}

/// `contains(list, value)`: unknown only when no element is known to match and some
/// comparison is unknown.
fn contains(c: &Call) -> Result<Val, String> {
    c.arity(2, 2)?;
    let Val::List(items) = c.non_null(0, "list")? else {
        return Err(c.err("argument must be list, tuple, or set"));
    };
    let wanted = c.arg(1);
    let mut unknown = false;
    for item in items {
        match equal(item, wanted) {
            Some(true) => return Ok(Val::Bool(true)),
            Some(false) => {}
            None => unknown = true,
        }
    }
    Ok(if unknown { Val::unknown() } else { Val::Bool(false) })
}

/// `index(list, value)`: the first index holding the value.
fn index(c: &Call) -> Result<Val, String> {
    c.arity(2, 2)?;
    let Val::List(items) = c.non_null(0, "list")? else {
        return Err(c.err("argument must be a list or tuple"));
    };
    if items.is_empty() {
        return Err(c.err("cannot search an empty list"));
    }
    let wanted = c.arg(1);
    for (i, item) in items.iter().enumerate() {
        match equal(item, wanted) {
            Some(true) => return Ok(Val::Number(i as f64)),
            Some(false) => {}
            None => return Ok(Val::unknown()),
        }
    }
    Err(c.err("item not found"))
}

/// `element(list, index)`: wraps around in both directions (Terraform 1.8 and later).
fn element(c: &Call) -> Result<Val, String> {
    c.arity(2, 2)?;
    let Val::List(items) = c.non_null(0, "list")? else {
        return Err(c.err(format_args!("cannot read elements from {}", c.arg(0).type_name())));
    };
    let index = c.int_arg(1, "index")?;
    if items.is_empty() {
        return Err(c.err("cannot use element function with an empty list"));
    }
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let at = usize::try_from(index.rem_euclid(len)).unwrap_or(0);
    Ok(items.get(at).cloned().unwrap_or(Val::Null))
}

/// `keys(map)`: sorted; known even when values are not.
fn keys(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let Val::Map(m) = c.non_null(0, "inputMap")? else {
        return Err(c.param_err("inputMap", "must have map or object type"));
    };
    Ok(Val::List(m.keys().map(|k| Val::String(k.clone())).collect()))
}

/// `values(map)`: in key order.
fn values(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let Val::Map(m) = c.non_null(0, "mapping")? else {
        return Err(c.err("values() requires a map as the first argument"));
    };
    Ok(Val::List(m.values().cloned().collect()))
}

/// `zipmap(keys, values)`; marked when a key is.
fn zipmap(c: &Call) -> Result<Val, String> {
    c.arity(2, 2)?;
    let keys = c.list_arg(0, "keys")?;
    let Val::List(values) = c.non_null(1, "values")? else {
        return Err(c.err("values argument must be a list or tuple value"));
    };
    if keys.iter().any(Val::has_unknown) {
        return Ok(Val::unknown());
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
            Val::Null => return Err(c.err(format_args!("keys list has null value at index {i}"))),
            k => k.to_text().ok_or_else(|| c.param_err("keys", format_args!("element {i}: string required")))?,
        };
        out.insert(key, value.clone());
    }
    Ok(Val::Map(out).marked(keys.iter().any(is_marked)))
}

/// `slice(list, start, end)`: elements `start` up to (not including) `end`.
fn slice(c: &Call) -> Result<Val, String> {
    c.arity(3, 3)?;
    let Val::List(items) = c.non_null(0, "list")? else {
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
    Ok(Val::List(items.get(start..end).unwrap_or_default().to_vec()))
}

/// `reverse(list)`.
fn reverse(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let Val::List(items) = c.non_null(0, "list")? else {
        return Err(c.err(format_args!("can only reverse list or tuple values, not {}", c.arg(0).type_name())));
    };
    Ok(Val::List(items.iter().rev().cloned().collect()))
}

/// `sort(list)`: the elements as strings, in lexical (byte) order.
fn sort(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let items = c.list_arg(0, "list")?;
    if items.iter().any(Val::has_unknown) {
        return Ok(Val::unknown());
    }
    let mut texts = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item.unmarked() {
            Val::Null => {
                return Err(c.err(format_args!("given list element {i} is null; a null string cannot be sorted")));
            }
            v => texts
                .push(v.to_text().ok_or_else(|| c.param_err("list", format_args!("element {i}: string required")))?),
        }
    }
    texts.sort();
    Ok(Val::List(texts.into_iter().map(Val::str).collect()))
}

/// `range(end)`, `range(start, end)`, `range(start, end, step)`; at most 1024 numbers, as
/// Terraform allows. Points are computed in decimal, so `range(0, 0.35, 0.1)` ends at `0.3`.
///
/// Terraform adds the step in 512-bit binary floating point, so when a point lands exactly
/// on `end` and the step or start is not a binary fraction (`range(0, 3, 0.3)`), whether that
/// point is included is a rounding accident this module cannot reproduce: the result is
/// unknown rather than possibly wrong.
fn range(c: &Call) -> Result<Val, String> {
    c.arity(1, 3)?;
    let nums = (0..c.args.len()).map(|i| c.number_arg(i, "params")).collect::<Result<Vec<_>, _>>()?;
    let (start, end, step) = match *nums.as_slice() {
        [end] => (0.0, end, if end < 0.0 { -1.0 } else { 1.0 }),
        [start, end] => (start, end, if end < start { -1.0 } else { 1.0 }),
        [start, end, step] => (start, end, step),
        _ => return Err(c.err("must have one, two, or three arguments")),
    };
    if step == 0.0 {
        return Err(c.err("step must not be zero"));
    }
    let down = step < 0.0;
    if down && end > start {
        return Err(c.err("end must be less than start when step is negative"));
    }
    if !down && end < start {
        return Err(c.err("end must be greater than start when step is positive"));
    }
    let exact = Decimal::of(start).zip(Decimal::of(step)).zip(Decimal::of(end));
    let mut out = Vec::new();
    for i in 0..=RANGE_LIMIT {
        let k = i as i128;
        let point = exact.and_then(|((start, step), end)| {
            let num = start.add(step.times(k)?)?;
            Some((num.to_f64(), num.compare(end)?, start.is_binary() && step.is_binary()))
        });
        let (num, order) = match point {
            Some((_, Ordering::Equal, false)) => return Ok(Val::unknown()),
            Some((num, order, _)) => (num, order),
            None => {
                let num = start + i as f64 * step;
                (num, num.partial_cmp(&end).unwrap_or(Ordering::Equal))
            }
        };
        if order.is_eq() || (order.is_gt() != down) {
            return Ok(Val::List(out));
        }
        out.push(Val::Number(num));
    }
    Err(c.err(format_args!(
        "more than {RANGE_LIMIT} values were generated; either decrease the difference between start and end or use a smaller step"
    )))
}

/// `compact(list)`: without nulls and empty strings.
fn compact(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let items = c.list_arg(0, "list")?;
    if items.iter().any(Val::has_unknown) {
        return Ok(Val::unknown());
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item.is_null() {
            continue;
        }
        let text = item.to_text().ok_or_else(|| c.param_err("list", format_args!("element {i}: string required")))?;
        if !text.is_empty() {
            out.push(Val::str(text));
        }
    }
    Ok(Val::List(out))
}

/// `one(list)`: null for an empty list, the element of a one-element list.
fn one(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    match c.non_null(0, "list")? {
        Val::List(items) if items.len() <= 1 => Ok(items.first().cloned().unwrap_or(Val::Null)),
        _ => Err(c.param_err("list", "must be a list, set, or tuple value with either zero or one elements")),
    }
}

/// `chunklist(list, size)`: consecutive chunks; size 0 gives the whole list as one chunk.
fn chunklist(c: &Call) -> Result<Val, String> {
    c.arity(2, 2)?;
    let items = &same_type_elements(c, c.list_arg(0, "list")?)?;
    let size = c.int_arg(1, "size")?;
    if size < 0 {
        return Err(c.err("the size argument must be positive"));
    }
    if items.is_empty() {
        return Ok(Val::List(Vec::new()));
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if size == 0 {
        return Ok(Val::List(vec![Val::List(items.to_vec())]));
    }
    Ok(Val::List(items.chunks(size).map(|chunk| Val::List(chunk.to_vec())).collect()))
}

/// `transpose(map of lists of strings)`: swaps keys and values, lists sorted.
fn transpose(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let m = c.map_arg(0, "values")?;
    if m.values().any(Val::has_unknown) {
        return Ok(Val::unknown());
    }
    let mut out: BTreeMap<String, Vec<Str>> = BTreeMap::new();
    let mut count = 0;
    for (key, list) in m {
        let items = match list.unmarked() {
            Val::Null => return Err(c.err("input must not contain null list")),
            Val::List(items) => items,
            _ => return Err(c.err("input must be a map of lists of strings")),
        };
        for item in items {
            let name = match item.unmarked() {
                Val::Null => return Err(c.err("input list must not contain null string")),
                v => v.to_text().ok_or_else(|| c.err("input must be a map of lists of strings"))?,
            };
            count += 1;
            c.check_len(count)?;
            out.entry(name.into_owned()).or_default().push(key.clone());
        }
    }
    Ok(Val::Map(
        out.into_iter()
            .map(|(k, mut v)| {
                v.sort();
                (k, Val::List(v.into_iter().map(Val::String).collect()))
            })
            .collect(),
    ))
}

/// `coalesce(values...)`: the first that is not null or an empty string.
fn coalesce(c: &Call) -> Result<Val, String> {
    c.arity(1, usize::MAX)?;
    let unified = unify(c.args).ok_or_else(|| c.err("all arguments must have the same type"))?;
    for v in unified {
        match v.unmarked() {
            Val::Null => {}
            Val::String(s) if s.is_empty() => {}
            Val::Unknown(_) => return Ok(Val::unknown()),
            _ => return Ok(v),
        }
    }
    Err(c.err("no non-null, non-empty-string arguments"))
}

/// `coalescelist(lists...)`: the first non-empty list.
fn coalescelist(c: &Call) -> Result<Val, String> {
    c.arity(1, usize::MAX)?;
    if (0..c.args.len()).any(|i| !matches!(c.arg(i), Val::List(_) | Val::Null)) {
        return Err(c.err("coalescelist arguments must be lists or tuples"));
    }
    (0..c.args.len())
        .map(|i| c.arg(i))
        .find(|v| matches!(v, Val::List(items) if !items.is_empty()))
        .cloned()
        .ok_or_else(|| c.err("no non-null arguments"))
}

// ---------------------------------------------------------------------------------------
// Type conversions

/// `tostring(value)`; null stays null.
fn tostring(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        Val::Null => Ok(Val::Null),
        v => v.to_text().map(Val::str).ok_or_else(|| c.err(format_args!("cannot convert {} to string", v.type_name()))),
    }
}

/// `tonumber(value)`; null stays null. Messages never quote the value: it may be secret.
fn tonumber(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    match c.arg(0) {
        Val::Null => Ok(Val::Null),
        v @ Val::Number(_) => Ok(v.clone()),
        v @ Val::String(text) => match v.to_number() {
            Some(n) if n.is_finite() && text.trim() == text => Ok(Val::Number(n)),
            _ => {
                Err(c.err("cannot convert string to number; given string must be a decimal representation of a number"))
            }
        },
        v => Err(c.err(format_args!("cannot convert {} to number", v.type_name()))),
    }
}

/// `tobool(value)`; null stays null.
fn tobool(c: &Call) -> Result<Val, String> {
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
fn tolist(c: &Call) -> Result<Val, String> {
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
fn tomap(c: &Call) -> Result<Val, String> {
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
fn toset(c: &Call) -> Result<Val, String> {
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
fn same_type_elements(c: &Call, items: &[Val]) -> Result<Vec<Val>, String> {
    unify(items).ok_or_else(|| c.param_err("list", "all list elements must have the same type"))
}

/// Converts a sequence's elements to one type as Terraform's type unification does:
/// primitives of mixed types become strings when a string is among them. `None` when
/// there is no common type (numbers with bools, primitives with collections).
fn unify(items: &[Val]) -> Option<Vec<Val>> {
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

// ---------------------------------------------------------------------------------------
// Sets and equality

/// Terraform's `==`: `None` when the answer depends on an unknown value.
fn equal(a: &Val, b: &Val) -> Option<bool> {
    match (a.unmarked(), b.unmarked()) {
        (Val::Unknown(_), _) | (_, Val::Unknown(_)) => None,
        (Val::List(x), Val::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_equal(x.iter().zip(y))
        }
        (Val::Map(x), Val::Map(y)) => {
            if !x.keys().eq(y.keys()) {
                return Some(false);
            }
            all_equal(x.values().zip(y.values()))
        }
        (x, y) => Some(x == y),
    }
}

/// Whether every pair is equal: false as soon as one pair is known to differ.
fn all_equal<'v>(pairs: impl Iterator<Item = (&'v Val, &'v Val)>) -> Option<bool> {
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
fn set_cmp(a: &Val, b: &Val) -> Ordering {
    match (a.unmarked(), b.unmarked()) {
        (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
        (Val::Number(x), Val::Number(y)) if x == y => Ordering::Equal,
        (Val::Number(x), Val::Number(y)) => x.total_cmp(y),
        (Val::String(x), Val::String(y)) => x.cmp(y),
        (Val::List(x), Val::List(y)) => {
            x.iter().zip(y).map(|(p, q)| set_cmp(p, q)).find(|o| o.is_ne()).unwrap_or_else(|| x.len().cmp(&y.len()))
        }
        (Val::Map(x), Val::Map(y)) => x
            .iter()
            .zip(y)
            .map(|((kp, p), (kq, q))| kp.cmp(kq).then_with(|| set_cmp(p, q)))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| x.len().cmp(&y.len())),
        (x, y) => kind_rank(x).cmp(&kind_rank(y)),
    }
}

/// The position of a value's kind in the set order.
fn kind_rank(v: &Val) -> u8 {
    match v.unmarked() {
        Val::Null => 0,
        Val::Bool(_) => 1,
        Val::Number(_) => 2,
        Val::String(_) => 3,
        Val::List(_) => 4,
        Val::Map(_) => 5,
        Val::Unknown(_) | Val::Sensitive(_) => 6,
    }
}

/// The items as a set: sorted, de-duplicated.
fn set_of(mut items: Vec<Val>) -> Vec<Val> {
    items.sort_by(set_cmp);
    items.dedup_by(|a, b| set_cmp(a, b) == Ordering::Equal);
    items
}

/// The set functions.
#[derive(Clone, Copy)]
enum SetOp {
    Union,
    Intersection,
    Subtract,
}

/// `setunion(sets...)`, `setintersection(sets...)`, `setsubtract(a, b)`: elements are
/// converted to one type first; unknown when any element is.
fn set_operation(c: &Call, op: SetOp) -> Result<Val, String> {
    match op {
        SetOp::Subtract => c.arity(2, 2)?,
        SetOp::Union | SetOp::Intersection => c.arity(1, usize::MAX)?,
    }
    let lists = (0..c.args.len()).map(|i| c.list_arg(i, "sets")).collect::<Result<Vec<_>, _>>()?;
    if lists.iter().any(|list| list.iter().any(Val::has_unknown)) {
        return Ok(Val::unknown());
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
    let has = |set: &[Val], v: &Val| set.binary_search_by(|x| set_cmp(x, v)).is_ok();
    let result = match op {
        SetOp::Union => set_of(first.into_iter().chain(sets.flatten()).collect()),
        SetOp::Intersection => {
            let others: Vec<Vec<Val>> = sets.collect();
            first.into_iter().filter(|v| others.iter().all(|set| has(set, v))).collect()
        }
        SetOp::Subtract => {
            let other = sets.next().unwrap_or_default();
            first.into_iter().filter(|v| !has(&other, v)).collect()
        }
    };
    Ok(Val::List(result))
}

// ---------------------------------------------------------------------------------------
// Encodings

/// `jsonencode(value)`: compact, keys sorted, `<`, `>`, `&` escaped as Go does.
fn jsonencode(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    match json_text(c.arg(0)).map_err(|e| c.err(e))? {
        Some(text) => Ok(Val::str(text)),
        None => Ok(Val::unknown()),
    }
}

/// `jsondecode(string)`.
fn jsondecode(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let text = c.string_arg(0, "str")?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| c.err(e))?;
    Ok(Val::from_json(json))
}

/// The value as Terraform's JSON; `Ok(None)` when something in it is unknown.
fn json_text(v: &Val) -> Result<Option<String>, String> {
    let mut out = String::new();
    Ok(write_json(v, &mut out)?.then_some(out))
}

/// Appends the value as JSON; `false` when something in it is unknown.
fn write_json(v: &Val, out: &mut String) -> Result<bool, String> {
    match v {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Number(n) if n.is_finite() => out.push_str(&format_number(*n)),
        Val::Number(_) => return Err("cannot encode an infinite or NaN number as JSON".to_owned()),
        Val::String(s) => json_quote(s, out),
        Val::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !write_json(item, out)? {
                    return Ok(false);
                }
            }
            out.push(']');
        }
        Val::Map(m) => {
            out.push('{');
            for (i, (key, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_quote(key, out);
                out.push(':');
                if !write_json(item, out)? {
                    return Ok(false);
                }
            }
            out.push('}');
        }
        Val::Unknown(_) => return Ok(false),
        Val::Sensitive(inner) => return write_json(inner, out),
    }
    Ok(true)
}

/// Appends a JSON string literal as Go's `encoding/json` writes it.
fn json_quote(s: &str, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\u{1f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(ch));
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
}

/// The standard base64 alphabet.
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `base64encode(string)`: the UTF-8 bytes, standard alphabet, padded.
fn base64encode(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let text = c.string_arg(0, "str")?;
    let mut out = String::with_capacity(text.len().div_ceil(3) * 4);
    for chunk in text.as_bytes().chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    Ok(Val::str(out))
}

/// `base64decode(string)`: padding required, line breaks ignored (as Go's decoder
/// does); the result must be UTF-8. Messages never quote the data: it may be secret.
fn base64decode(c: &Call) -> Result<Val, String> {
    c.arity(1, 1)?;
    let text = c.string_arg(0, "str")?;
    let bytes = base64_bytes(&text).ok_or_else(|| c.err("failed to decode base64 data"))?;
    String::from_utf8(bytes)
        .map(Val::str)
        .map_err(|_| c.err("the result of decoding the provided string is not valid UTF-8"))
}

/// Decodes standard, padded base64; `None` when it is not.
fn base64_bytes(text: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let chunks = clean.len() / 4;
    let mut out = Vec::with_capacity(chunks * 3);
    for (i, chunk) in clean.chunks(4).enumerate() {
        let padding = chunk.iter().rev().take_while(|b| **b == b'=').count();
        if padding > 2 || (padding > 0 && i + 1 != chunks) {
            return None;
        }
        let mut n = 0u32;
        for b in &chunk[..4 - padding] {
            let sextet = BASE64.iter().position(|x| x == b)?;
            n = (n << 6) | u32::try_from(sextet).ok()?;
        }
        n <<= 6 * padding;
        let [_, b0, b1, b2] = n.to_be_bytes();
        out.extend_from_slice(&[b0, b1, b2][..3 - padding]);
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------
// Numbers

/// Applies `f` to the single number argument.
fn map_number(c: &Call, f: fn(f64) -> f64) -> Result<Val, String> {
    c.arity(1, 1)?;
    Ok(Val::Number(f(c.number_arg(0, "num")?)))
}

/// `min(numbers...)` / `max(numbers...)`.
fn min_max(c: &Call, pick: fn(f64, f64) -> f64) -> Result<Val, String> {
    if c.args.is_empty() {
        return Err(c.err("must pass at least one number"));
    }
    let nums = (0..c.args.len()).map(|i| c.number_arg(i, "numbers")).collect::<Result<Vec<_>, _>>()?;
    Ok(Val::Number(nums.into_iter().reduce(pick).unwrap_or(0.0)))
}

/// `sum(list)`: added in decimal, so `sum([0.1, 0.2])` is `0.3` as in Terraform.
fn sum(c: &Call) -> Result<Val, String> {
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
struct Decimal {
    mant: i128,
    scale: u32,
}

impl Decimal {
    /// The decimal `x` prints as, when it has at most 30 digits.
    fn of(x: f64) -> Option<Decimal> {
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
    fn at_scale(self, scale: u32) -> Option<i128> {
        self.mant.checked_mul(10i128.checked_pow(scale.checked_sub(self.scale)?)?)
    }

    /// The exact sum, unless it overflows.
    fn add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal { mant: self.at_scale(scale)?.checked_add(other.at_scale(scale)?)?, scale })
    }

    /// The exact product with a whole number, unless it overflows.
    fn times(self, k: i128) -> Option<Decimal> {
        Some(Decimal { mant: self.mant.checked_mul(k)?, scale: self.scale })
    }

    /// How it compares with another, unless aligning them overflows.
    fn compare(self, other: Decimal) -> Option<Ordering> {
        let scale = self.scale.max(other.scale);
        Some(self.at_scale(scale)?.cmp(&other.at_scale(scale)?))
    }

    /// Whether it is a binary fraction (exact in binary floating point).
    fn is_binary(self) -> bool {
        5i128.checked_pow(self.scale).is_some_and(|p| self.mant % p == 0)
    }

    /// The nearest `f64`.
    fn to_f64(self) -> f64 {
        format!("{}e-{}", self.mant, self.scale).parse().unwrap_or(f64::NAN)
    }
}

#[cfg(test)]
mod path_tests {
    use super::*;

    fn one(name: &str, arg: &str) -> Val {
        call(name, vec![Val::String(arg.into())]).unwrap()
    }

    #[test]
    fn basename_and_dirname_split_paths_as_terraform_does() {
        assert_eq!(one("basename", "/work/infra/prod"), Val::String("prod".into()));
        assert_eq!(one("basename", "foo/bar.tf"), Val::String("bar.tf".into()));
        assert_eq!(one("basename", "/"), Val::String("/".into()));
        assert_eq!(one("dirname", "/work/infra/prod"), Val::String("/work/infra".into()));
        assert_eq!(one("dirname", "main.tf"), Val::String(".".into()));
        assert_eq!(one("dirname", "/main.tf"), Val::String("/".into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Val {
        Val::str(x)
    }
    fn n(x: f64) -> Val {
        Val::Number(x)
    }
    fn b(x: bool) -> Val {
        Val::Bool(x)
    }
    fn l(items: Vec<Val>) -> Val {
        Val::List(items)
    }
    fn ls(items: &[&str]) -> Val {
        Val::List(items.iter().map(|x| s(x)).collect())
    }
    fn m(pairs: Vec<(&str, Val)>) -> Val {
        Val::Map(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }
    fn secret(v: Val) -> Val {
        Val::Sensitive(Box::new(v))
    }
    const U: Val = Val::unknown();

    #[test]
    fn names_are_sorted_and_all_dispatch() {
        assert!(NAMES.windows(2).all(|w| w[0] < w[1]));
        for name in NAMES {
            assert!(exists(name));
            // Every name reaches its function: none answers "no such function".
            if let Err(e) = call(name, vec![]) {
                assert!(!e.contains("no function named"), "{name}: {e}");
            }
        }
        assert!(!exists("timestamp"));
        assert_eq!(call("timestamp", vec![]), Err("there is no function named \"timestamp\"".to_owned()));
        assert!(KEEPS_INNER_MARKS.iter().all(|name| exists(name)));
    }

    #[test]
    fn wrong_arity_and_types_are_errors() {
        assert_eq!(call("upper", vec![]), Err("upper: expects 1 argument(s), got 0".to_owned()));
        assert_eq!(call("lookup", vec![m(vec![])]), Err("lookup: expects 2 to 3 argument(s), got 1".to_owned()));
        assert_eq!(call("join", vec![]), Err("join: expects at least 1 argument(s), got 0".to_owned()));
        assert_eq!(
            call("upper", vec![ls(&["a"])]),
            Err("upper: invalid value for \"str\" parameter: string required".to_owned())
        );
        assert_eq!(
            call("upper", vec![Val::Null]),
            Err("upper: invalid value for \"str\" parameter: argument must not be null".to_owned())
        );
    }

    #[test]
    fn top_level_unknown_is_unknown() {
        assert_eq!(call("upper", vec![U]), Ok(U));
    }

    // --- network ---------------------------------------------------------------------

    #[test]
    fn cidrsubnet_documentation_examples() {
        assert_eq!(call("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(2.0)]), Ok(s("10.0.2.0/24")));
        assert_eq!(call("cidrsubnet", vec![s("172.16.0.0/12"), n(4.0), n(2.0)]), Ok(s("172.18.0.0/16")));
        assert_eq!(call("cidrsubnet", vec![s("10.1.2.0/24"), n(4.0), n(15.0)]), Ok(s("10.1.2.240/28")));
        assert_eq!(
            call("cidrsubnet", vec![s("fd00:fd12:3456:7890::/56"), n(16.0), n(162.0)]),
            Ok(s("fd00:fd12:3456:7800:a200::/72"))
        );
    }

    #[test]
    fn cidrsubnet_converts_and_checks() {
        assert_eq!(call("cidrsubnet", vec![s("10.0.0.0/16"), s("8"), n(1.0)]), Ok(s("10.0.1.0/24")));
        assert_eq!(call("cidrsubnet", vec![s("10.0.7.9/16"), n(0.0), n(0.0)]), Ok(s("10.0.0.0/16")));
        assert_eq!(call("cidrsubnet", vec![s("010.001.0.0/016"), n(8.0), n(3.0)]), Ok(s("10.1.3.0/24")));
        assert_eq!(call("cidrsubnet", vec![s("fd00::/08"), n(8.0), n(1.0)]), Ok(s("fd01::/16")));
        assert_eq!(call("cidrsubnet", vec![s("::ffff:10.0.0.0/104"), n(8.0), n(1.0)]), Ok(s("10.1.0.0/16")));
        assert!(call("cidrsubnet", vec![s("1000.0.0.0/8"), n(8.0), n(1.0)]).is_err());
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(300.0)]),
            Err("cidrsubnet: prefix extension of 8 does not accommodate a subnet numbered 300".to_owned())
        );
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(17.0), n(0.0)]),
            Err("cidrsubnet: insufficient address space to extend prefix of 16 by 17".to_owned())
        );
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(-1.0)]),
            Err("cidrsubnet: prefix extension of 8 does not accommodate a subnet numbered -1".to_owned())
        );
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0/16"), n(8.0), n(1.0)]),
            Err("cidrsubnet: invalid CIDR expression: invalid CIDR address: 10.0.0/16".to_owned())
        );
        assert!(call("cidrsubnet", vec![s("10.0.0.0/8"), n(1e18), n(1e18)]).is_err());
        assert!(call("cidrsubnet", vec![s("::/0"), n(128.0), n(1e300)]).is_err());
        assert_eq!(call("cidrsubnet", vec![s("::/0"), n(128.0), n(5.0)]), Ok(s("::5/128")));
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(8.5), n(1.0)]),
            Err("cidrsubnet: invalid value for \"newbits\" parameter: a whole number is required".to_owned())
        );
    }

    #[test]
    fn cidrsubnets_documentation_examples() {
        assert_eq!(
            call("cidrsubnets", vec![s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]),
            Ok(ls(&["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]))
        );
        assert_eq!(
            call("cidrsubnets", vec![s("fd00:fd12:3456:7890::/56"), n(16.0), n(16.0), n(16.0), n(32.0)]),
            Ok(ls(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ]))
        );
    }

    #[test]
    fn cidrsubnets_aligns_and_runs_out() {
        assert_eq!(call("cidrsubnets", vec![s("10.0.0.0/16")]), Ok(l(vec![])));
        assert_eq!(
            call("cidrsubnets", vec![s("10.0.0.0/24"), n(2.0), n(1.0)]),
            Ok(ls(&["10.0.0.0/26", "10.0.0.128/25"]))
        );
        assert_eq!(
            call("cidrsubnets", vec![s("10.0.0.0/24"), n(1.0), n(1.0), n(1.0)]),
            Err("cidrsubnets: not enough remaining address space for a subnet with a prefix of 25 bits after \
                 10.0.0.128/25"
                .to_owned())
        );
        assert_eq!(
            call("cidrsubnets", vec![s("10.0.0.0/24"), n(0.0)]),
            Err("cidrsubnets: must extend prefix by at least one bit".to_owned())
        );
        assert_eq!(
            call("cidrsubnets", vec![s("10.0.0.0/24"), n(9.0)]),
            Err("cidrsubnets: would extend prefix to 33 bits, which is too long for an IPv4 address".to_owned())
        );
        assert_eq!(
            call("cidrsubnets", vec![s("fd00::/16"), n(33.0)]),
            Err("cidrsubnets: may not extend prefix by more than 32 bits".to_owned())
        );
        // Terraform refuses prefixes starting at the all-zeros address (terraform#35486).
        assert!(call("cidrsubnets", vec![s("0.0.0.0/8"), n(8.0)]).is_err());
    }

    #[test]
    fn cidrhost_documentation_examples() {
        assert_eq!(call("cidrhost", vec![s("10.12.112.0/20"), n(16.0)]), Ok(s("10.12.112.16")));
        assert_eq!(call("cidrhost", vec![s("10.12.112.0/20"), n(268.0)]), Ok(s("10.12.113.12")));
        assert_eq!(
            call("cidrhost", vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34.0)]),
            Ok(s("fd00:fd12:3456:7890::22"))
        );
        assert_eq!(call("cidrhost", vec![s("10.0.0.0/8"), n(2.0)]), Ok(s("10.0.0.2")));
        assert_eq!(call("cidrhost", vec![s("10.0.0.0/8"), n(-2.0)]), Ok(s("10.255.255.254")));
    }

    #[test]
    fn cidrhost_counts_back_and_checks() {
        assert_eq!(call("cidrhost", vec![s("10.0.0.0/24"), n(-1.0)]), Ok(s("10.0.0.255")));
        assert_eq!(call("cidrhost", vec![s("10.0.0.0/24"), n(-256.0)]), Ok(s("10.0.0.0")));
        assert_eq!(call("cidrhost", vec![s("10.0.0.0/24"), s("5")]), Ok(s("10.0.0.5")));
        assert_eq!(
            call("cidrhost", vec![s("10.0.0.0/24"), n(256.0)]),
            Err("cidrhost: prefix of 24 does not accommodate a host numbered 256".to_owned())
        );
        assert_eq!(
            call("cidrhost", vec![s("10.0.0.0/24"), n(-257.0)]),
            Err("cidrhost: prefix of 24 does not accommodate a host numbered -257".to_owned())
        );
        assert_eq!(call("cidrhost", vec![s("::/0"), n(-1.0)]), Ok(s("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assert!(call("cidrhost", vec![s("10.0.0.0/8"), n(1e300)]).is_err());
    }

    #[test]
    fn cidrnetmask_ipv4_only() {
        assert_eq!(call("cidrnetmask", vec![s("172.16.0.0/12")]), Ok(s("255.240.0.0")));
        assert_eq!(call("cidrnetmask", vec![s("0.0.0.0/0")]), Ok(s("0.0.0.0")));
        assert_eq!(call("cidrnetmask", vec![s("10.0.0.1/32")]), Ok(s("255.255.255.255")));
        assert_eq!(
            call("cidrnetmask", vec![s("fd00::/8")]),
            Err("cidrnetmask: IPv6 addresses cannot have a netmask: fd00::/8".to_owned())
        );
    }

    // --- format --------------------------------------------------------------------------

    fn fmt(spec: &str, args: Vec<Val>) -> Result<Val, String> {
        let mut all = vec![s(spec)];
        all.extend(args);
        call("format", all)
    }

    #[test]
    fn format_documentation_examples() {
        assert_eq!(fmt("Hello, %s!", vec![s("Ander")]), Ok(s("Hello, Ander!")));
        assert_eq!(fmt("There are %d lights", vec![n(4.0)]), Ok(s("There are 4 lights")));
        assert_eq!(fmt("%#v", vec![s("hello")]), Ok(s("\"hello\"")));
        assert_eq!(fmt("%#v", vec![b(true)]), Ok(s("true")));
        assert_eq!(fmt("%#v", vec![n(1.0)]), Ok(s("1")));
        assert_eq!(fmt("%#v", vec![m(vec![("a", n(1.0))])]), Ok(s("{\"a\":1}")));
        assert_eq!(fmt("%#v", vec![l(vec![b(true)])]), Ok(s("[true]")));
        assert_eq!(fmt("%#v", vec![Val::Null]), Ok(s("null")));
    }

    #[test]
    fn format_verbs() {
        assert_eq!(fmt("%v %v %v", vec![s("x"), n(2.0), b(true)]), Ok(s("x 2 true")));
        assert_eq!(fmt("%v", vec![n(1_000_000.0)]), Ok(s("1e+06")));
        assert_eq!(fmt("%v", vec![n(0.5)]), Ok(s("0.5")));
        assert_eq!(fmt("%v", vec![ls(&["a"])]), Ok(s("[\"a\"]")));
        assert_eq!(fmt("%t", vec![s("false")]), Ok(s("false")));
        assert_eq!(fmt("%b %o %x %X", vec![n(5.0), n(9.0), n(254.0), n(254.0)]), Ok(s("101 11 fe FE")));
        assert_eq!(fmt("%#x %#o %#b", vec![n(255.0), n(8.0), n(5.0)]), Ok(s("0xff 010 0b101")));
        assert_eq!(fmt("%d", vec![s("12")]), Ok(s("12")));
        assert_eq!(fmt("%d", vec![n(-7.0)]), Ok(s("-7")));
        assert_eq!(fmt("%f", vec![n(10.0)]), Ok(s("10.000000")));
        assert_eq!(fmt("%.2f", vec![n(1.23456)]), Ok(s("1.23")));
        assert_eq!(fmt("%.1f", vec![s("1.06")]), Ok(s("1.1")));
        assert_eq!(fmt("%e", vec![n(1000.0)]), Ok(s("1.000000e+03")));
        assert_eq!(fmt("%E", vec![n(1000.0)]), Ok(s("1.000000E+03")));
        assert_eq!(fmt("%.2e", vec![n(-0.000123)]), Ok(s("-1.23e-04")));
        assert_eq!(fmt("%g", vec![n(1000.0)]), Ok(s("1000")));
        assert_eq!(fmt("%g", vec![s("0.00000000000000000000001")]), Ok(s("1e-23")));
        assert_eq!(fmt("%G", vec![s("0.00000000000000000000001")]), Ok(s("1E-23")));
        assert_eq!(fmt("%.3g", vec![n(1.23456)]), Ok(s("1.23")));
        assert_eq!(fmt("%.2g", vec![n(1234.0)]), Ok(s("1.2e+03")));
        assert_eq!(fmt("%q", vec![s("Hello\nWorld")]), Ok(s("\"Hello\\nWorld\"")));
        assert_eq!(fmt("%q", vec![b(false)]), Ok(s("\"false\"")));
        assert_eq!(fmt("%q", vec![s("a<b")]), Ok(s("\"a\\u003cb\"")));
        assert_eq!(fmt("100%%", vec![]), Ok(s("100%")));
        assert_eq!(fmt("%%%v", vec![b(false)]), Ok(s("%false")));
    }

    #[test]
    fn format_width_flags_and_precision() {
        assert_eq!(fmt("%10s|", vec![s("hello")]), Ok(s("     hello|")));
        assert_eq!(fmt("%-10s|", vec![s("hello")]), Ok(s("hello     |")));
        assert_eq!(fmt("%.2s", vec![s("hello")]), Ok(s("he")));
        assert_eq!(fmt("%4.2s", vec![s("hello")]), Ok(s("  he")));
        assert_eq!(fmt("%6.2q", vec![s("hello")]), Ok(s("  \"he\"")));
        assert_eq!(fmt("%.5s", vec![s("日本語日本語")]), Ok(s("日本語日本")));
        assert_eq!(fmt("%05d", vec![n(42.0)]), Ok(s("00042")));
        assert_eq!(fmt("%05d", vec![n(-42.0)]), Ok(s("-0042")));
        assert_eq!(fmt("%+d", vec![n(10.0)]), Ok(s("+10")));
        assert_eq!(fmt("% d", vec![n(10.0)]), Ok(s(" 10")));
        assert_eq!(fmt("%5d|%-5d|", vec![n(10.0), n(10.0)]), Ok(s("   10|10   |")));
        assert_eq!(fmt("%.3d", vec![n(7.0)]), Ok(s("007")));
        assert_eq!(fmt("[%.0d]", vec![n(0.0)]), Ok(s("[]")));
        assert_eq!(fmt("%+f", vec![n(10.0)]), Ok(s("+10.000000")));
        assert_eq!(fmt("%8.3f|", vec![n(1.23456)]), Ok(s("   1.235|")));
        assert_eq!(fmt("%-8.3f|", vec![n(-1.23456)]), Ok(s("-1.235  |")));
        assert_eq!(fmt("%08.3f", vec![n(-1.23456)]), Ok(s("-001.235")));
        assert_eq!(fmt("%5v|", vec![n(1.0)]), Ok(s("    1|")));
        assert_eq!(fmt("%5t|", vec![b(true)]), Ok(s("true|")));
    }

    #[test]
    fn format_argument_indexes() {
        assert_eq!(fmt("%[2]s %[1]s", vec![s("a"), s("b")]), Ok(s("b a")));
        assert_eq!(fmt("%[2]d %d", vec![n(1.0), n(2.0), n(3.0)]), Ok(s("2 3")));
        assert_eq!(fmt("%[2]d %[1]d %d", vec![n(1.0), n(2.0)]), Ok(s("2 1 2")));
        assert_eq!(
            fmt("%[2]d", vec![n(1.0), n(2.0), n(3.0)]),
            Err("format: too many arguments; only 2 used by format string".to_owned())
        );
    }

    #[test]
    fn format_errors() {
        assert_eq!(
            fmt("%s is not in the args list", vec![]),
            Err("format: not enough arguments for \"%s\" at 0: need index 1 but have 0 total".to_owned())
        );
        assert_eq!(
            fmt("%[3]s", vec![b(true), b(true)]),
            Err("format: not enough arguments for \"%[3]s\" at 0: need index 3 but have 2 total".to_owned())
        );
        assert_eq!(
            fmt("%[0]s", vec![b(true)]),
            Err("format: unrecognized format character '0' at offset 2".to_owned())
        );
        assert_eq!(
            fmt("%z is not a valid sequence", vec![n(10.0)]),
            Err("format: unsupported format verb 'z' in \"%z\" at offset 0".to_owned())
        );
        assert_eq!(
            fmt("%☠ is not a valid sequence", vec![n(10.0)]),
            Err("format: unrecognized format character '☠' at offset 1".to_owned())
        );
        assert_eq!(
            fmt("no format verbs at all", vec![n(10.0)]),
            Err("format: too many arguments; no verbs in format string".to_owned())
        );
        assert_eq!(
            fmt("only one verb %d", vec![n(10.0), n(11.0)]),
            Err("format: too many arguments; only 1 used by format string".to_owned())
        );
        assert_eq!(
            fmt("%d", vec![b(true)]),
            Err("format: unsupported value for \"%d\" at 0: number required, but have bool".to_owned())
        );
        assert_eq!(
            fmt("%d", vec![n(1.5)]),
            Err("format: unsupported value for \"%d\" at 0: an integer is required".to_owned())
        );
        assert_eq!(
            fmt("This statement is %t", vec![Val::Null]),
            Err("format: unsupported value for \"%t\" at 18: null value cannot be formatted".to_owned())
        );
        assert_eq!(fmt("abc%", vec![]), Err("format: invalid format string starting at offset 4".to_owned()));
        assert!(fmt("%99999999999999999999d", vec![n(1.0)]).is_err());
    }

    #[test]
    fn format_with_unknown_is_unknown() {
        assert_eq!(fmt("Hello, %s!", vec![U]), Ok(U));
        assert_eq!(fmt("%v", vec![l(vec![s("a"), U])]), Ok(U));
    }

    #[test]
    fn formatlist_documentation_examples() {
        assert_eq!(
            call("formatlist", vec![s("Hello, %s!"), ls(&["Valentina", "Ander", "Olivia", "Sam"])]),
            Ok(ls(&["Hello, Valentina!", "Hello, Ander!", "Hello, Olivia!", "Hello, Sam!"]))
        );
        assert_eq!(
            call("formatlist", vec![s("%s, %s!"), s("Salutations"), ls(&["Valentina", "Ander", "Olivia", "Sam"])]),
            Ok(ls(&["Salutations, Valentina!", "Salutations, Ander!", "Salutations, Olivia!", "Salutations, Sam!"]))
        );
    }

    #[test]
    fn formatlist_parallel_lists_and_errors() {
        assert_eq!(
            call("formatlist", vec![s("%s=%d"), ls(&["a", "b"]), l(vec![n(1.0), n(2.0)])]),
            Ok(ls(&["a=1", "b=2"]))
        );
        assert_eq!(call("formatlist", vec![s("%s"), l(vec![])]), Ok(l(vec![])));
        assert_eq!(call("formatlist", vec![s("x")]), Ok(ls(&["x"])));
        assert_eq!(call("formatlist", vec![s("%v"), Val::Null]), Ok(ls(&["null"])));
        assert_eq!(call("formatlist", vec![s("%s"), l(vec![s("a"), U])]), Ok(l(vec![s("a"), U])));
        assert_eq!(
            call("formatlist", vec![s("%s %s"), ls(&["a", "b"]), ls(&["c"])]),
            Err("formatlist: argument 2 has length 1, which is inconsistent with argument 1 of length 2".to_owned())
        );
        assert_eq!(
            call("formatlist", vec![s("%d"), ls(&["x"])]),
            Err("formatlist: error on format iteration 0: unsupported value for \"%d\" at 0: a number is required"
                .to_owned())
        );
    }

    // --- strings -------------------------------------------------------------------------

    #[test]
    fn join_lists() {
        assert_eq!(call("join", vec![s(", "), ls(&["foo", "bar", "baz"])]), Ok(s("foo, bar, baz")));
        assert_eq!(call("join", vec![s(","), l(vec![])]), Ok(s("")));
        assert_eq!(call("join", vec![s("-"), ls(&["a"]), l(vec![n(1.0), b(true)])]), Ok(s("a-1-true")));
        assert_eq!(call("join", vec![s(","), l(vec![s("a"), U])]), Ok(U));
        assert_eq!(call("join", vec![s(",")]), Err("join: at least one list is required".to_owned()));
        assert_eq!(
            call("join", vec![s(","), l(vec![s("a"), Val::Null])]),
            Err("join: element 1 is null; cannot concatenate null values".to_owned())
        );
    }

    #[test]
    fn split_strings() {
        assert_eq!(call("split", vec![s(","), s("foo,bar,baz")]), Ok(ls(&["foo", "bar", "baz"])));
        assert_eq!(call("split", vec![s(","), s("")]), Ok(ls(&[""])));
        assert_eq!(call("split", vec![s(""), s("añb")]), Ok(ls(&["a", "ñ", "b"])));
        assert_eq!(call("split", vec![s(""), s("")]), Ok(l(vec![])));
    }

    #[test]
    fn replace_strings() {
        assert_eq!(call("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]), Ok(s("1 - 2 - 3")));
        assert_eq!(call("replace", vec![s("abc"), s(""), s("-")]), Ok(s("-a-b-c-")));
        assert_eq!(call("replace", vec![s("a/b"), s("/"), s("_")]), Ok(s("a_b")));
        assert_eq!(call("replace", vec![s("hello world"), s("/w.*d/"), s("everybody")]), Ok(s("hello everybody")));
        assert_eq!(call("replace", vec![s("orders_db-prod"), s("/[^a-z0-9]/"), s("-")]), Ok(s("orders-db-prod")));
        assert_eq!(call("replace", vec![s("eu-west-1a"), s("/^([a-z]+)-(.*)$/"), s("$2:$1")]), Ok(s("west-1a:eu")));
        assert_eq!(
            call("replace", vec![s("x"), s("/(/"), s("y")]),
            Err("replace: invalid regular expression pattern: error: unclosed group".to_owned())
        );
    }

    #[test]
    fn regex_and_regexall_shape_matches_as_terraform_does() {
        let m = |pairs: &[(&str, &str)]| Val::Map(pairs.iter().map(|(k, v)| (k.to_string(), s(v))).collect());
        assert_eq!(call("regex", vec![s("[a-z]+"), s("53454 abc 543")]), Ok(s("abc")));
        assert_eq!(
            call("regex", vec![s("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)"), s("2019-02-01")]),
            Ok(l(vec![s("2019"), s("02"), s("01")]))
        );
        assert_eq!(
            call(
                "regex",
                vec![s("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"), s("https://terraform.io/docs/")]
            ),
            Ok(m(&[("authority", "terraform.io"), ("scheme", "https")]))
        );
        assert_eq!(
            call("regex", vec![s("[0-9]+"), s("abc")]),
            Err("regex: pattern did not match any part of the given string".to_owned())
        );
        assert_eq!(call("regexall", vec![s("[a-z]+"), s("1234abcd5678efgh9")]), Ok(l(vec![s("abcd"), s("efgh")])));
        assert_eq!(call("length", vec![call("regexall", vec![s("^[a-z]{2}-"), s("eu-west-1a")]).unwrap()]), Ok(n(1.0)));
        assert_eq!(call("regexall", vec![s("[a-z]+"), s("1234")]), Ok(l(vec![])));
    }

    #[test]
    fn case_functions() {
        assert_eq!(call("lower", vec![s("HELLO ÀÉ")]), Ok(s("hello àé")));
        assert_eq!(call("upper", vec![s("hello àé")]), Ok(s("HELLO ÀÉ")));
        assert_eq!(call("upper", vec![s("straße")]), Ok(s("STRAßE")));
        assert_eq!(call("upper", vec![n(1.0)]), Ok(s("1")));
        assert_eq!(call("title", vec![s("hello world")]), Ok(s("Hello World")));
        assert_eq!(call("title", vec![s("foo-bar_baz qux.quux")]), Ok(s("Foo-Bar_baz Qux.Quux")));
        assert_eq!(call("title", vec![s("ǆemal élan")]), Ok(s("ǅemal Élan")));
        assert_eq!(call("lower", vec![s("İ Σ")]), Ok(s("i σ")));
    }

    #[test]
    fn trim_functions() {
        assert_eq!(call("trimspace", vec![s("  hello\n\t")]), Ok(s("hello")));
        assert_eq!(call("trimspace", vec![s("")]), Ok(s("")));
        assert_eq!(call("trim", vec![s("?!hello?!"), s("!?")]), Ok(s("hello")));
        assert_eq!(call("trim", vec![s("foobar"), s("")]), Ok(s("foobar")));
        assert_eq!(call("trimprefix", vec![s("helloworld"), s("hello")]), Ok(s("world")));
        assert_eq!(call("trimprefix", vec![s("helloworld"), s("cat")]), Ok(s("helloworld")));
        assert_eq!(call("trimsuffix", vec![s("helloworld"), s("world")]), Ok(s("hello")));
        assert_eq!(call("trimsuffix", vec![s("helloworld"), s("hello")]), Ok(s("helloworld")));
    }

    #[test]
    fn substr_counts_characters() {
        assert_eq!(call("substr", vec![s("hello world"), n(1.0), n(4.0)]), Ok(s("ello")));
        assert_eq!(call("substr", vec![s("🤔🤷"), n(0.0), n(1.0)]), Ok(s("🤔")));
        assert_eq!(call("substr", vec![s("hello world"), n(-5.0), n(3.0)]), Ok(s("wor")));
        assert_eq!(call("substr", vec![s("hello"), n(1.0), n(-1.0)]), Ok(s("ello")));
        assert_eq!(call("substr", vec![s("hello"), n(10.0), n(2.0)]), Ok(s("")));
        assert_eq!(call("substr", vec![s("hello"), n(-10.0), n(2.0)]), Ok(s("he")));
        assert_eq!(call("substr", vec![s("hello"), n(1.0), n(100.0)]), Ok(s("ello")));
        assert_eq!(call("substr", vec![s("hello"), n(0.0), n(0.0)]), Ok(s("")));
        assert_eq!(
            call("substr", vec![s("hello"), n(0.5), n(1.0)]),
            Err("substr: invalid value for \"offset\" parameter: a whole number is required".to_owned())
        );
    }

    #[test]
    fn string_predicates() {
        assert_eq!(call("startswith", vec![s("hello world"), s("hello")]), Ok(b(true)));
        assert_eq!(call("startswith", vec![s("hello world"), s("world")]), Ok(b(false)));
        assert_eq!(call("endswith", vec![s("hello world"), s("world")]), Ok(b(true)));
        assert_eq!(call("endswith", vec![s("hello world"), s("hello")]), Ok(b(false)));
        assert_eq!(call("strcontains", vec![s("hello world"), s("o w")]), Ok(b(true)));
        assert_eq!(call("strcontains", vec![s("hello world"), s("banana")]), Ok(b(false)));
        assert!(call("strcontains", vec![s("a")]).is_err());
    }

    // --- collections ---------------------------------------------------------------------

    #[test]
    fn length_of_strings_lists_maps() {
        assert_eq!(call("length", vec![s("héllo")]), Ok(n(5.0)));
        assert_eq!(call("length", vec![l(vec![U, n(1.0)])]), Ok(n(2.0)));
        assert_eq!(call("length", vec![m(vec![("a", U)])]), Ok(n(1.0)));
        assert_eq!(call("length", vec![l(vec![])]), Ok(n(0.0)));
        assert_eq!(
            call("length", vec![n(5.0)]),
            Err("length: argument must be a string, a collection type, or a structural type".to_owned())
        );
    }

    #[test]
    fn lookup_keys() {
        let map = m(vec![("a", s("ay")), ("b", s("bee")), ("u", U)]);
        assert_eq!(call("lookup", vec![map.clone(), s("a"), s("what?")]), Ok(s("ay")));
        assert_eq!(call("lookup", vec![map.clone(), s("c"), s("what?")]), Ok(s("what?")));
        assert_eq!(call("lookup", vec![map.clone(), s("u"), s("d")]), Ok(U));
        assert_eq!(call("lookup", vec![map.clone(), s("b")]), Ok(s("bee")));
        assert_eq!(call("lookup", vec![map, s("c")]), Err("lookup: lookup failed to find key \"c\"".to_owned()));
        assert_eq!(
            call("lookup", vec![ls(&["a"]), s("a")]),
            Err("lookup: lookup() requires a map as the first argument".to_owned())
        );
    }

    #[test]
    fn merge_maps() {
        assert_eq!(
            call("merge", vec![m(vec![("a", s("b")), ("c", s("d"))]), m(vec![("e", s("f")), ("c", s("z"))])]),
            Ok(m(vec![("a", s("b")), ("c", s("z")), ("e", s("f"))]))
        );
        assert_eq!(
            call("merge", vec![m(vec![("a", U)]), m(vec![("b", n(1.0))])]),
            Ok(m(vec![("a", U), ("b", n(1.0))]))
        );
        assert_eq!(call("merge", vec![]), Ok(m(vec![])));
        assert_eq!(call("merge", vec![Val::Null, m(vec![("a", n(1.0))])]), Ok(m(vec![("a", n(1.0))])));
        assert_eq!(
            call("merge", vec![m(vec![]), ls(&["a"])]),
            Err("merge: arguments must be maps or objects, got \"list\"".to_owned())
        );
    }

    #[test]
    fn concat_lists() {
        assert_eq!(call("concat", vec![ls(&["a", ""]), ls(&["b", "c"])]), Ok(ls(&["a", "", "b", "c"])));
        assert_eq!(call("concat", vec![l(vec![U]), l(vec![])]), Ok(l(vec![U])));
        assert_eq!(
            call("concat", vec![ls(&["a"]), s("b")]),
            Err("concat: all arguments must be lists or tuples; got string".to_owned())
        );
    }

    #[test]
    fn flatten_lists() {
        assert_eq!(call("flatten", vec![l(vec![ls(&["a", "b"]), l(vec![]), ls(&["c"])])]), Ok(ls(&["a", "b", "c"])));
        assert_eq!(
            call("flatten", vec![l(vec![l(vec![s("a"), l(vec![s("b"), Val::Null])]), s("c")])]),
            Ok(l(vec![s("a"), s("b"), Val::Null, s("c")]))
        );
        assert_eq!(call("flatten", vec![l(vec![l(vec![n(1.0)]), U])]), Ok(U));
        assert_eq!(call("flatten", vec![s("a")]), Err("flatten: can only flatten lists, sets and tuples".to_owned()));
    }

    #[test]
    fn distinct_keeps_first_occurrences() {
        assert_eq!(call("distinct", vec![ls(&["a", "b", "a", "c", "d", "b"])]), Ok(ls(&["a", "b", "c", "d"])));
        assert_eq!(call("distinct", vec![l(vec![n(1.0), s("1"), n(1.0)])]), Ok(ls(&["1"])));
        assert_eq!(call("distinct", vec![l(vec![n(1.0), n(2.0), n(1.0)])]), Ok(l(vec![n(1.0), n(2.0)])));
        assert_eq!(
            call("distinct", vec![l(vec![n(1.0), b(true)])]),
            Err("distinct: invalid value for \"list\" parameter: all list elements must have the same type".to_owned())
        );
        assert_eq!(call("distinct", vec![l(vec![s("a"), U])]), Ok(U));
    }

    #[test]
    fn contains_values() {
        assert_eq!(call("contains", vec![ls(&["a", "b", "c"]), s("a")]), Ok(b(true)));
        assert_eq!(call("contains", vec![ls(&["a", "b", "c"]), s("d")]), Ok(b(false)));
        assert_eq!(call("contains", vec![l(vec![s("a"), U]), s("a")]), Ok(b(true)));
        assert_eq!(call("contains", vec![l(vec![s("a"), U]), s("b")]), Ok(U));
        assert_eq!(call("contains", vec![l(vec![ls(&["x", "y"])]), ls(&["x", "y"])]), Ok(b(true)));
        assert_eq!(
            call("contains", vec![s("abc"), s("a")]),
            Err("contains: argument must be list, tuple, or set".to_owned())
        );
    }

    #[test]
    fn index_finds_first() {
        assert_eq!(call("index", vec![ls(&["a", "b", "c"]), s("b")]), Ok(n(1.0)));
        assert_eq!(call("index", vec![l(vec![U, s("b")]), s("b")]), Ok(U));
        assert_eq!(call("index", vec![ls(&["a"]), s("z")]), Err("index: item not found".to_owned()));
        assert_eq!(call("index", vec![l(vec![]), s("z")]), Err("index: cannot search an empty list".to_owned()));
    }

    #[test]
    fn element_wraps_around() {
        assert_eq!(call("element", vec![ls(&["a", "b", "c"]), n(1.0)]), Ok(s("b")));
        assert_eq!(call("element", vec![ls(&["a", "b", "c"]), n(3.0)]), Ok(s("a")));
        assert_eq!(call("element", vec![ls(&["a", "b", "c"]), n(-1.0)]), Ok(s("c")));
        assert_eq!(call("element", vec![l(vec![s("a"), U]), n(1.0)]), Ok(U));
        assert_eq!(call("element", vec![l(vec![s("a"), U]), n(0.0)]), Ok(s("a")));
        assert_eq!(
            call("element", vec![l(vec![]), n(0.0)]),
            Err("element: cannot use element function with an empty list".to_owned())
        );
    }

    #[test]
    fn keys_and_values() {
        let map = m(vec![("b", U), ("a", n(1.0))]);
        assert_eq!(call("keys", vec![map.clone()]), Ok(ls(&["a", "b"])));
        assert_eq!(call("values", vec![map]), Ok(l(vec![n(1.0), U])));
        assert_eq!(call("keys", vec![m(vec![])]), Ok(l(vec![])));
        assert_eq!(
            call("keys", vec![ls(&["a"])]),
            Err("keys: invalid value for \"inputMap\" parameter: must have map or object type".to_owned())
        );
        assert_eq!(
            call("values", vec![s("a")]),
            Err("values: values() requires a map as the first argument".to_owned())
        );
    }

    #[test]
    fn zipmap_pairs() {
        assert_eq!(call("zipmap", vec![ls(&["a", "b"]), l(vec![n(1.0), U])]), Ok(m(vec![("a", n(1.0)), ("b", U)])));
        assert_eq!(call("zipmap", vec![l(vec![s("a"), U]), ls(&["x", "y"])]), Ok(U));
        assert_eq!(
            call("zipmap", vec![ls(&["a"]), ls(&["x", "y"])]),
            Err("zipmap: number of keys (1) does not match number of values (2)".to_owned())
        );
    }

    #[test]
    fn slice_lists() {
        assert_eq!(call("slice", vec![ls(&["a", "b", "c", "d"]), n(1.0), n(3.0)]), Ok(ls(&["b", "c"])));
        assert_eq!(call("slice", vec![ls(&["a"]), n(1.0), n(1.0)]), Ok(l(vec![])));
        assert_eq!(
            call("slice", vec![ls(&["a"]), n(0.0), n(2.0)]),
            Err("slice: end index must not be greater than the length of the list".to_owned())
        );
        assert_eq!(
            call("slice", vec![ls(&["a", "b"]), n(2.0), n(1.0)]),
            Err("slice: start index must not be greater than end index".to_owned())
        );
    }

    #[test]
    fn reverse_lists() {
        assert_eq!(call("reverse", vec![l(vec![n(1.0), n(2.0), U])]), Ok(l(vec![U, n(2.0), n(1.0)])));
        assert_eq!(call("reverse", vec![l(vec![])]), Ok(l(vec![])));
        assert_eq!(
            call("reverse", vec![s("abc")]),
            Err("reverse: can only reverse list or tuple values, not string".to_owned())
        );
    }

    #[test]
    fn sort_lexically() {
        assert_eq!(call("sort", vec![ls(&["e", "d", "a", "x"])]), Ok(ls(&["a", "d", "e", "x"])));
        assert_eq!(call("sort", vec![l(vec![n(3.0), n(10.0), n(1.0)])]), Ok(ls(&["1", "10", "3"])));
        assert_eq!(call("sort", vec![l(vec![s("b"), U])]), Ok(U));
        assert_eq!(
            call("sort", vec![l(vec![s("b"), Val::Null])]),
            Err("sort: given list element 1 is null; a null string cannot be sorted".to_owned())
        );
    }

    #[test]
    fn range_sequences() {
        assert_eq!(call("range", vec![n(3.0)]), Ok(l(vec![n(0.0), n(1.0), n(2.0)])));
        assert_eq!(call("range", vec![n(1.0), n(4.0)]), Ok(l(vec![n(1.0), n(2.0), n(3.0)])));
        assert_eq!(call("range", vec![n(3.0), n(0.0)]), Ok(l(vec![n(3.0), n(2.0), n(1.0)])));
        assert_eq!(call("range", vec![n(0.0), n(0.35), n(0.1)]), Ok(l(vec![n(0.0), n(0.1), n(0.2), n(0.3)])));
        assert_eq!(call("range", vec![n(1.0), n(3.0), n(0.5)]), Ok(l(vec![n(1.0), n(1.5), n(2.0), n(2.5)])));
        assert_eq!(call("range", vec![n(1.0), n(0.0), n(-0.25)]), Ok(l(vec![n(1.0), n(0.75), n(0.5), n(0.25)])));
        // Terraform includes 2.9999… here by a rounding accident; we do not guess.
        assert_eq!(call("range", vec![n(0.0), n(3.0), n(0.3)]), Ok(U));
        assert_eq!(call("range", vec![n(-3.0)]), Ok(l(vec![n(0.0), n(-1.0), n(-2.0)])));
        assert_eq!(call("range", vec![n(0.0)]), Ok(l(vec![])));
        assert_eq!(call("range", vec![n(1.0), n(2.0), n(0.0)]), Err("range: step must not be zero".to_owned()));
        assert_eq!(
            call("range", vec![n(1.0), n(2.0), n(-1.0)]),
            Err("range: end must be less than start when step is negative".to_owned())
        );
        assert_eq!(
            call("range", vec![n(1e18)]),
            Err("range: more than 1024 values were generated; either decrease the difference between start and end \
                 or use a smaller step"
                .to_owned())
        );
        assert!(call("range", vec![n(1e18), n(1e18 + 1e5), n(1e-300)]).is_err());
    }

    #[test]
    fn compact_drops_empty() {
        assert_eq!(call("compact", vec![l(vec![s("a"), s(""), s("b"), Val::Null, s("c")])]), Ok(ls(&["a", "b", "c"])));
        assert_eq!(call("compact", vec![l(vec![s("a"), U])]), Ok(U));
        assert!(call("compact", vec![l(vec![ls(&["a"])])]).is_err());
    }

    #[test]
    fn one_element() {
        assert_eq!(call("one", vec![l(vec![])]), Ok(Val::Null));
        assert_eq!(call("one", vec![ls(&["hello"])]), Ok(s("hello")));
        assert_eq!(
            call("one", vec![ls(&["a", "b"])]),
            Err("one: invalid value for \"list\" parameter: must be a list, set, or tuple value with either zero or \
                 one elements"
                .to_owned())
        );
    }

    #[test]
    fn chunklist_splits() {
        assert_eq!(
            call("chunklist", vec![ls(&["a", "b", "c", "d", "e"]), n(2.0)]),
            Ok(l(vec![ls(&["a", "b"]), ls(&["c", "d"]), ls(&["e"])]))
        );
        assert_eq!(call("chunklist", vec![ls(&["a", "b"]), n(0.0)]), Ok(l(vec![ls(&["a", "b"])])));
        assert_eq!(call("chunklist", vec![l(vec![]), n(3.0)]), Ok(l(vec![])));
        assert_eq!(
            call("chunklist", vec![ls(&["a"]), n(-1.0)]),
            Err("chunklist: the size argument must be positive".to_owned())
        );
    }

    #[test]
    fn transpose_maps() {
        assert_eq!(
            call("transpose", vec![m(vec![("a", ls(&["1", "2"])), ("b", ls(&["2", "3"]))])]),
            Ok(m(vec![("1", ls(&["a"])), ("2", ls(&["a", "b"])), ("3", ls(&["b"]))]))
        );
        assert_eq!(call("transpose", vec![m(vec![("a", l(vec![U]))])]), Ok(U));
        assert_eq!(
            call("transpose", vec![m(vec![("a", Val::Null)])]),
            Err("transpose: input must not contain null list".to_owned())
        );
    }

    #[test]
    fn coalesce_values() {
        assert_eq!(call("coalesce", vec![s("a"), s("b")]), Ok(s("a")));
        assert_eq!(call("coalesce", vec![s(""), s("b")]), Ok(s("b")));
        assert_eq!(call("coalesce", vec![Val::Null, n(1.0), n(2.0)]), Ok(n(1.0)));
        assert_eq!(call("coalesce", vec![n(1.0), s("a")]), Ok(s("1")));
        assert_eq!(call("coalesce", vec![l(vec![U])]), Ok(l(vec![U])));
        assert_eq!(
            call("coalesce", vec![Val::Null, s("")]),
            Err("coalesce: no non-null, non-empty-string arguments".to_owned())
        );
        assert_eq!(
            call("coalesce", vec![n(1.0), b(true)]),
            Err("coalesce: all arguments must have the same type".to_owned())
        );
    }

    #[test]
    fn coalescelist_lists() {
        assert_eq!(call("coalescelist", vec![ls(&["a", "b"]), ls(&["c", "d"])]), Ok(ls(&["a", "b"])));
        assert_eq!(call("coalescelist", vec![l(vec![]), Val::Null, ls(&["c", "d"])]), Ok(ls(&["c", "d"])));
        assert_eq!(
            call("coalescelist", vec![l(vec![]), l(vec![])]),
            Err("coalescelist: no non-null arguments".to_owned())
        );
        assert_eq!(
            call("coalescelist", vec![s("a")]),
            Err("coalescelist: coalescelist arguments must be lists or tuples".to_owned())
        );
    }

    // --- conversions ---------------------------------------------------------------------

    #[test]
    fn tostring_tonumber_tobool() {
        assert_eq!(call("tostring", vec![n(1.5)]), Ok(s("1.5")));
        assert_eq!(call("tostring", vec![b(true)]), Ok(s("true")));
        assert_eq!(call("tostring", vec![Val::Null]), Ok(Val::Null));
        assert_eq!(call("tostring", vec![ls(&["a"])]), Err("tostring: cannot convert list to string".to_owned()));
        assert_eq!(call("tonumber", vec![s("1")]), Ok(n(1.0)));
        assert_eq!(call("tonumber", vec![Val::Null]), Ok(Val::Null));
        assert_eq!(
            call("tonumber", vec![s("no")]),
            Err("tonumber: cannot convert string to number; given string must be a decimal representation of a number"
                .to_owned())
        );
        assert!(call("tonumber", vec![s("inf")]).is_err());
        assert!(call("tonumber", vec![s(" 5")]).is_err());
        assert_eq!(call("tobool", vec![s("true")]), Ok(b(true)));
        assert_eq!(call("tobool", vec![Val::Null]), Ok(Val::Null));
        assert_eq!(
            call("tobool", vec![s("yes")]),
            Err("tobool: cannot convert string to bool; only the strings \"true\" or \"false\" are allowed".to_owned())
        );
        assert_eq!(call("tobool", vec![n(1.0)]), Err("tobool: cannot convert number to bool".to_owned()));
    }

    #[test]
    fn tolist_tomap_toset() {
        assert_eq!(call("tolist", vec![l(vec![s("a"), n(1.0), b(true)])]), Ok(ls(&["a", "1", "true"])));
        assert_eq!(call("tolist", vec![l(vec![n(1.0), U])]), Ok(l(vec![n(1.0), U])));
        assert_eq!(
            call("tolist", vec![l(vec![n(1.0), b(true)])]),
            Err("tolist: cannot convert tuple to list of any single type".to_owned())
        );
        assert_eq!(call("tolist", vec![m(vec![])]), Err("tolist: cannot convert map to list".to_owned()));
        assert_eq!(
            call("tomap", vec![m(vec![("a", n(1.0)), ("b", s("x"))])]),
            Ok(m(vec![("a", s("1")), ("b", s("x"))]))
        );
        assert_eq!(call("tomap", vec![ls(&["a"])]), Err("tomap: cannot convert list to map".to_owned()));
        assert_eq!(call("toset", vec![ls(&["c", "b", "b"])]), Ok(ls(&["b", "c"])));
        assert_eq!(call("toset", vec![l(vec![s("a"), s("b"), n(3.0)])]), Ok(ls(&["3", "a", "b"])));
        assert_eq!(call("toset", vec![l(vec![n(10.0), n(2.0), n(2.0)])]), Ok(l(vec![n(2.0), n(10.0)])));
        assert_eq!(call("toset", vec![l(vec![s("a"), U])]), Ok(U));
        assert_eq!(call("toset", vec![Val::Null]), Ok(Val::Null));
    }

    // --- sets ------------------------------------------------------------------------------

    #[test]
    fn set_functions() {
        assert_eq!(call("setunion", vec![ls(&["a", "b"]), ls(&["b", "c"]), ls(&["d"])]), Ok(ls(&["a", "b", "c", "d"])));
        assert_eq!(call("setunion", vec![ls(&["a"]), l(vec![n(1.0)])]), Ok(ls(&["1", "a"])));
        assert_eq!(call("setunion", vec![ls(&["a"]), l(vec![U])]), Ok(U));
        assert_eq!(call("setintersection", vec![ls(&["a", "b"]), ls(&["b", "c"]), ls(&["b", "d"])]), Ok(ls(&["b"])));
        assert_eq!(call("setintersection", vec![ls(&["a"]), l(vec![])]), Ok(l(vec![])));
        assert_eq!(call("setsubtract", vec![ls(&["a", "b", "c"]), ls(&["a", "c"])]), Ok(ls(&["b"])));
        assert_eq!(call("setsubtract", vec![ls(&["a"])]), Err("setsubtract: expects 2 argument(s), got 1".to_owned()));
        assert_eq!(
            call("setunion", vec![l(vec![n(1.0)]), l(vec![b(true)])]),
            Err("setunion: given sets must all have compatible element types".to_owned())
        );
    }

    // --- encodings ---------------------------------------------------------------------

    #[test]
    fn jsonencode_values() {
        assert_eq!(
            call(
                "jsonencode",
                vec![m(vec![("hello", s("world")), ("a", l(vec![n(1.0), n(1.5), b(true), Val::Null]))])]
            ),
            Ok(s("{\"a\":[1,1.5,true,null],\"hello\":\"world\"}"))
        );
        assert_eq!(call("jsonencode", vec![s("<a> & \"b\"\n")]), Ok(s("\"\\u003ca\\u003e \\u0026 \\\"b\\\"\\n\"")));
        assert_eq!(call("jsonencode", vec![n(1e21)]), Ok(s("1000000000000000000000")));
        assert_eq!(call("jsonencode", vec![l(vec![s("a"), U])]), Ok(U));
        assert_eq!(call("jsonencode", vec![Val::Null]), Ok(s("null")));
    }

    #[test]
    fn jsondecode_values() {
        assert_eq!(
            call("jsondecode", vec![s("{\"hello\": \"world\", \"n\": [1, 2.5, null]}")]),
            Ok(m(vec![("hello", s("world")), ("n", l(vec![n(1.0), n(2.5), Val::Null]))]))
        );
        assert_eq!(call("jsondecode", vec![s("true")]), Ok(b(true)));
        assert!(call("jsondecode", vec![s("{nope")]).is_err_and(|e| e.starts_with("jsondecode: ")));
        assert!(call("jsondecode", vec![s("")]).is_err());
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(call("base64encode", vec![s("Hello World")]), Ok(s("SGVsbG8gV29ybGQ=")));
        assert_eq!(call("base64encode", vec![s("")]), Ok(s("")));
        assert_eq!(call("base64encode", vec![s("ab")]), Ok(s("YWI=")));
        assert_eq!(call("base64encode", vec![s("abc")]), Ok(s("YWJj")));
        assert_eq!(call("base64decode", vec![s("SGVsbG8gV29ybGQ=")]), Ok(s("Hello World")));
        assert_eq!(call("base64decode", vec![s("YW\nI=")]), Ok(s("ab")));
        assert_eq!(call("base64decode", vec![s("YWI")]), Err("base64decode: failed to decode base64 data".to_owned()));
        assert_eq!(call("base64decode", vec![s("YW=I")]), Err("base64decode: failed to decode base64 data".to_owned()));
        assert_eq!(
            call("base64decode", vec![s("YQ==YQ==")]),
            Err("base64decode: failed to decode base64 data".to_owned())
        );
        assert_eq!(
            call("base64decode", vec![s("/w==")]),
            Err("base64decode: the result of decoding the provided string is not valid UTF-8".to_owned())
        );
    }

    // --- numbers -----------------------------------------------------------------------

    #[test]
    fn min_max_abs_ceil_floor() {
        assert_eq!(call("min", vec![n(12.0), n(54.0), n(3.0)]), Ok(n(3.0)));
        assert_eq!(call("max", vec![n(12.0), s("54"), n(3.0)]), Ok(n(54.0)));
        assert_eq!(call("min", vec![]), Err("min: must pass at least one number".to_owned()));
        assert_eq!(
            call("max", vec![n(1.0), s("x")]),
            Err("max: invalid value for \"numbers\" parameter: a number is required".to_owned())
        );
        assert_eq!(call("abs", vec![n(-12.4)]), Ok(n(12.4)));
        assert_eq!(call("abs", vec![n(0.0)]), Ok(n(0.0)));
        assert_eq!(call("ceil", vec![n(5.1)]), Ok(n(6.0)));
        assert_eq!(call("ceil", vec![n(-5.1)]), Ok(n(-5.0)));
        assert_eq!(call("floor", vec![n(4.9)]), Ok(n(4.0)));
        assert_eq!(call("floor", vec![n(-4.1)]), Ok(n(-5.0)));
        assert_eq!(
            call("floor", vec![b(true)]),
            Err("floor: invalid value for \"num\" parameter: number required".to_owned())
        );
    }

    #[test]
    fn sum_numbers() {
        assert_eq!(call("sum", vec![l(vec![n(10.0), n(13.0), n(6.0), n(4.5)])]), Ok(n(33.5)));
        assert_eq!(call("sum", vec![l(vec![n(0.1), n(0.2)])]), Ok(n(0.3)));
        assert_eq!(call("sum", vec![l(vec![n(1.0), s("2")])]), Ok(n(3.0)));
        assert_eq!(call("sum", vec![l(vec![n(1.0), U])]), Ok(U));
        assert_eq!(call("sum", vec![l(vec![])]), Err("sum: cannot sum an empty list".to_owned()));
        assert_eq!(
            call("sum", vec![l(vec![n(1.0), s("x")])]),
            Err("sum: argument must be list, set, or tuple of number values".to_owned())
        );
    }

    // --- marks and limits --------------------------------------------------------------

    #[test]
    fn inner_marks_reach_derived_results() {
        assert_eq!(call("join", vec![s(","), l(vec![s("a"), secret(s("b"))])]), Ok(secret(s("a,b"))));
        assert_eq!(call("length", vec![l(vec![secret(s("b"))])]), Ok(n(1.0)));
        assert_eq!(call("keys", vec![m(vec![("k", secret(s("v")))])]), Ok(ls(&["k"])));
        assert_eq!(call("element", vec![l(vec![s("a"), secret(s("b"))]), n(1.0)]), Ok(secret(s("b"))));
        assert_eq!(call("flatten", vec![l(vec![secret(ls(&["a"]))])]), Ok(secret(ls(&["a"]))));
        assert_eq!(call("contains", vec![l(vec![secret(s("a"))]), s("a")]), Ok(secret(b(true))));
        assert_eq!(call("tolist", vec![l(vec![secret(n(1.0)), s("a")])]), Ok(l(vec![secret(s("1")), s("a")])));
        assert_eq!(call("jsonencode", vec![m(vec![("p", secret(s("x")))])]), Ok(secret(s("{\"p\":\"x\"}"))));
    }

    #[test]
    fn large_results_are_refused() {
        let big = s(&"a".repeat(MAX_ELEMENTS + 1));
        assert!(call("split", vec![s(""), big.clone()]).is_err_and(|e| e.contains("limit")));
        assert!(call("replace", vec![big, s(""), s(&"x".repeat(100))]).is_err_and(|e| e.contains("limit")));
        assert!(fmt("%1000000d%1000000d", vec![n(1.0), n(2.0)]).is_ok());
        let many = l(vec![n(1.0); MAX_ELEMENTS / 2 + 1]);
        assert!(call("concat", vec![many.clone(), many]).is_err_and(|e| e.contains("limit")));
    }

    #[test]
    fn no_function_panics_on_odd_arguments() {
        let pool = vec![
            Val::Null,
            b(true),
            n(-1.0),
            n(0.5),
            n(1e300),
            n(f64::NAN),
            s(""),
            s("%[9]-05.3q%"),
            s("/x/"),
            s("10.0.0.0/31"),
            s("::/0"),
            s("💃🏿é"),
            l(vec![]),
            l(vec![U, n(1.0), s("a"), Val::Null]),
            l(vec![secret(ls(&["x"])), m(vec![])]),
            m(vec![("a", l(vec![s("b"), U])), ("c", secret(n(2.0)))]),
        ];
        for name in NAMES {
            for a in &pool {
                let _ = call(name, vec![a.clone()]);
                for b in &pool {
                    let _ = call(name, vec![a.clone(), b.clone()]);
                    for c in &pool {
                        let _ = call(name, vec![a.clone(), b.clone(), c.clone()]);
                    }
                }
            }
        }
    }
}
