//! Terraform's built-in functions, for the partial HCL evaluator.
//!
//! In: a function name and evaluated arguments (sensitive marks stripped at the top,
//! never inside lists and maps; no top-level unknowns). Out: the result, Unknown when it
//! depends on a value known only after apply, or a message saying what is wrong with the
//! arguments, phrased like Terraform's and prefixed with the function's name.
//!
//! Every function is one row of `FUNCTIONS`: its name, how it runs, and whether
//! its arguments may carry sensitive marks inside. The implementations are grouped
//! by what they work on, one file each: strings, `format`, collections, network,
//! encodings, numbers, type conversions.
//!
//! Semantics follow Terraform's `internal/lang/funcs` and go-cty's stdlib, reduced to
//! envwall's values: a "character" is a Unicode scalar value rather than a grapheme
//! cluster, numbers are `f64`, lists/sets/tuples are one kind and so are maps/objects.
//! Like Terraform, a function that reads inside its arguments (rather than passing
//! elements through) marks its whole result sensitive when anything inside an argument is
//! sensitive. Regular expressions (`replace` with `/re/`) are not supported. Collections a
//! function builds are capped at 1,000,000 elements and strings at 64 MiB; `range` keeps
//! Terraform's own cap of 1024 elements.

mod collections;
mod conversion;
mod encoding;
pub(crate) mod files;
mod format;
mod hashes;
mod network;
mod numeric;
mod strings;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::value::{EvalValue, Map, Number};
use collections::*;
use conversion::*;
use encoding::*;
use files::*;
use format::*;
use hashes::*;
use network::*;
use numeric::*;
use smol_str::SmolStr;
use strings::*;

/// Most elements a function may produce in one collection.
const MAX_ELEMENTS: usize = 1_000_000;

/// Most bytes a function may produce in one string.
const MAX_STRING_BYTES: usize = 64 << 20;

/// Terraform's own limit on `range`.
const RANGE_LIMIT: usize = 1024;

/// Largest width, precision or argument index a `format` verb may ask for.
const MAX_FORMAT_NUMBER: usize = 1_000_000;

/// One function.
struct Function {
    /// Its name.
    name: &'static str,
    /// How it is computed.
    run: Run,
    /// Whether Terraform lets its arguments carry sensitive marks inside: it passes
    /// elements through with their marks (or, like `length` and `keys`, never reads
    /// them). Every other function's result is marked when anything inside an
    /// argument is.
    keeps_inner_marks: bool,
}

/// How a function is computed.
#[derive(Clone, Copy)]
enum Run {
    /// From its arguments' values.
    Values(fn(&Call) -> Result<EvalValue, String>),
    /// From files of the configuration, read through [`FileAccess`].
    Files(fn(&Call, &FileAccess) -> Result<EvalValue, String>),
    /// By the evaluator itself: `try` and `can` decide which arguments are
    /// evaluated, `sensitive`, `nonsensitive` and `issensitive` read or change
    /// marks, `templatefile` and `templatestring` evaluate a template.
    Evaluator,
    /// Only when Terraform applies the plan (`timestamp`, `uuid`): unknown, as a
    /// resource's id is.
    AtApply,
}

/// A function that marks its result when anything in its arguments is marked.
const fn reads(name: &'static str, run: fn(&Call) -> Result<EvalValue, String>) -> Function {
    Function { name, run: Run::Values(run), keeps_inner_marks: false }
}

/// A function whose arguments' inner marks pass through to its result.
const fn passes(name: &'static str, run: fn(&Call) -> Result<EvalValue, String>) -> Function {
    Function { name, run: Run::Values(run), keeps_inner_marks: true }
}

/// A function that reads files.
const fn reads_files(name: &'static str, run: fn(&Call, &FileAccess) -> Result<EvalValue, String>) -> Function {
    Function { name, run: Run::Files(run), keeps_inner_marks: false }
}

/// A function the evaluator computes itself.
const fn evaluator(name: &'static str) -> Function {
    Function { name, run: Run::Evaluator, keeps_inner_marks: true }
}

/// A function whose result exists only when the plan is applied.
const fn at_apply(name: &'static str) -> Function {
    Function { name, run: Run::AtApply, keeps_inner_marks: true }
}

/// Every function [`call`] implements, sorted by name.
static FUNCTIONS: &[Function] = &[
    passes("abs", |c| map_number(c, Number::abs)),
    reads("alltrue", |c| all_or_any(c, true)),
    reads("anytrue", |c| all_or_any(c, false)),
    passes("base64decode", base64decode),
    reads("base64encode", base64encode),
    reads("base64sha256", |c| hash(c, Digest::Sha256, true)),
    reads("base64sha512", |c| hash(c, Digest::Sha512, true)),
    // Paths as Terraform treats them: `/`-separated text, nothing read from disk.
    reads("basename", |c| {
        map_string(c, |s| {
            let t = s.trim_end_matches('/');
            if t.is_empty() && s.starts_with('/') {
                "/".to_owned()
            } else {
                t.rsplit('/').next().unwrap_or_default().to_owned()
            }
        })
    }),
    at_apply("bcrypt"),
    evaluator("can"),
    reads("ceil", |c| map_number(c, Number::ceil)),
    reads("chomp", chomp),
    passes("chunklist", chunklist),
    reads("cidrhost", cidrhost),
    reads("cidrnetmask", cidrnetmask),
    reads("cidrsubnet", cidrsubnet),
    reads("cidrsubnets", cidrsubnets),
    reads("coalesce", coalesce),
    reads("coalescelist", coalescelist),
    reads("compact", compact),
    passes("concat", concat),
    reads("contains", contains),
    reads("dirname", |c| {
        map_string(c, |s| match s.trim_end_matches('/').rsplit_once('/') {
            Some(("", _)) => "/".to_owned(),
            Some((dir, _)) => dir.to_owned(),
            None => ".".to_owned(),
        })
    }),
    reads("distinct", distinct),
    passes("element", element),
    reads("endswith", |c| string_pair(c, ["str", "suffix"], |s, p| EvalValue::Bool(s.ends_with(p)))),
    reads_files("file", file),
    reads_files("filebase64", filebase64),
    reads_files("filebase64sha256", |c, f| file_hash(c, f, Digest::Sha256, true)),
    reads_files("filebase64sha512", |c, f| file_hash(c, f, Digest::Sha512, true)),
    reads_files("fileexists", fileexists),
    reads_files("filemd5", |c, f| file_hash(c, f, Digest::Md5, false)),
    reads_files("fileset", fileset),
    reads_files("filesha1", |c, f| file_hash(c, f, Digest::Sha1, false)),
    reads_files("filesha256", |c, f| file_hash(c, f, Digest::Sha256, false)),
    reads_files("filesha512", |c, f| file_hash(c, f, Digest::Sha512, false)),
    passes("flatten", flatten),
    reads("floor", |c| map_number(c, Number::floor)),
    reads("format", format),
    reads("formatlist", formatlist),
    reads("indent", indent),
    reads("index", index),
    evaluator("issensitive"),
    reads("join", join),
    reads("jsondecode", jsondecode),
    reads("jsonencode", jsonencode),
    passes("keys", keys),
    passes("length", length),
    reads("log", log),
    passes("lookup", lookup),
    reads("lower", |c| map_string(c, |s| s.chars().map(|ch| ch.to_lowercase().next().unwrap_or(ch)).collect())),
    reads("matchkeys", matchkeys),
    reads("max", |c| min_max(c, Ord::max)),
    reads("md5", |c| hash(c, Digest::Md5, false)),
    passes("merge", merge),
    reads("min", |c| min_max(c, Ord::min)),
    evaluator("nonsensitive"),
    reads("one", one),
    reads("parseint", parseint),
    reads("pathexpand", pathexpand),
    at_apply("plantimestamp"),
    reads("pow", pow),
    reads("range", range),
    reads("regex", |c| regex(c, false)),
    reads("regexall", |c| regex(c, true)),
    reads("replace", replace),
    passes("reverse", reverse),
    evaluator("sensitive"),
    reads("setintersection", |c| set_operation(c, SetOp::Intersection)),
    reads("setproduct", setproduct),
    reads("setsubtract", |c| set_operation(c, SetOp::Subtract)),
    reads("setunion", |c| set_operation(c, SetOp::Union)),
    reads("sha1", |c| hash(c, Digest::Sha1, false)),
    reads("sha256", |c| hash(c, Digest::Sha256, false)),
    reads("sha512", |c| hash(c, Digest::Sha512, false)),
    reads("signum", signum),
    passes("slice", slice),
    reads("sort", sort),
    reads("split", split),
    reads("startswith", |c| string_pair(c, ["str", "prefix"], |s, p| EvalValue::Bool(s.starts_with(p)))),
    reads("strcontains", |c| string_pair(c, ["str", "substr"], |s, p| EvalValue::Bool(s.contains(p)))),
    reads("strrev", strrev),
    reads("substr", substr),
    reads("sum", sum),
    evaluator("templatefile"),
    evaluator("templatestring"),
    at_apply("timestamp"),
    reads("title", |c| map_string(c, title_case)),
    passes("tobool", tobool),
    passes("tolist", tolist),
    passes("tomap", tomap),
    passes("tonumber", tonumber),
    reads("toset", toset),
    passes("tostring", tostring),
    reads("transpose", transpose),
    reads("trim", |c| {
        string_pair(c, ["str", "cutset"], |s, cut| EvalValue::str(s.trim_matches(|ch| cut.contains(ch))))
    }),
    reads("trimprefix", |c| string_pair(c, ["str", "prefix"], |s, p| EvalValue::str(s.strip_prefix(p).unwrap_or(s)))),
    reads("trimspace", |c| map_string(c, |s| s.trim().to_owned())),
    reads("trimsuffix", |c| string_pair(c, ["str", "suffix"], |s, p| EvalValue::str(s.strip_suffix(p).unwrap_or(s)))),
    evaluator("try"),
    reads("upper", |c| map_string(c, |s| s.chars().map(|ch| single(ch.to_uppercase()).unwrap_or(ch)).collect())),
    reads("urlencode", urlencode),
    at_apply("uuid"),
    reads("uuidv5", uuidv5),
    passes("values", values),
    reads("yamldecode", yamldecode),
    reads("yamlencode", yamlencode),
    passes("zipmap", zipmap),
];

static NULL: EvalValue = EvalValue::Null;

/// The function `name`.
fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.binary_search_by(|f| f.name.cmp(name)).ok().map(|i| &FUNCTIONS[i])
}

/// Calls the Terraform function `name`, reading files through `files` (none: a
/// function that reads files gives an unknown). `Err` is a message saying what is
/// wrong with the arguments, phrased like Terraform's ("cidrsubnet: prefix
/// extension of 8 does not accommodate a subnet numbered 300").
pub(crate) fn call(name: &str, args: Vec<EvalValue>, files: Option<&FileAccess>) -> Result<EvalValue, CallError> {
    let Some(f) = function(name) else {
        return Err(CallError { message: format!("there is no function named {name:?}"), too_large: false });
    };
    if args.iter().any(EvalValue::is_unknown) {
        // The evaluator answers these itself; answer as it would.
        return Ok(EvalValue::unknown());
    }
    let c = Call { name, args: &args, too_large: Cell::new(false) };
    let result = match (f.run, files) {
        (Run::Values(run), _) => run(&c),
        (Run::Files(run), Some(files)) => run(&c, files),
        (Run::Files(_), None) | (Run::AtApply, _) => Ok(EvalValue::unknown()),
        (Run::Evaluator, _) => Err(c.err("is evaluated by the evaluator")),
    };
    let result = result.map_err(|message| CallError { message, too_large: c.too_large.get() })?;
    let inner_marks = !f.keeps_inner_marks && args.iter().any(contains_sensitive);
    Ok(result.marked(inner_marks))
}

/// Why a function gave no value.
#[derive(Debug)]
pub(crate) struct CallError {
    /// What went wrong, as Terraform words it.
    pub message: String,
    /// Whether the result would have been larger than envwall makes (where
    /// Terraform has no limit): then its value is unknown, not an error that
    /// `try` and `can` could catch.
    pub too_large: bool,
}

/// Whether `name` is a function envwall evaluates.
pub(crate) fn exists(name: &str) -> bool {
    function(name).is_some()
}

// ---------------------------------------------------------------------------------------
// Arguments

/// A call under way: the function's name, for messages, and its arguments.
struct Call<'a> {
    name: &'a str,
    args: &'a [EvalValue],
    /// Set when the result would be too large ([`CallError::too_large`]).
    too_large: Cell<bool>,
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
    fn arg(&self, i: usize) -> &'a EvalValue {
        self.args.get(i).map_or(&NULL, EvalValue::unmarked)
    }

    /// Argument `i`, which must not be null.
    fn non_null(&self, i: usize, param: &str) -> Result<&'a EvalValue, String> {
        match self.arg(i) {
            EvalValue::Null => Err(self.param_err(param, "argument must not be null")),
            v => Ok(v),
        }
    }

    /// Argument `i` converted to a string.
    fn string_arg(&self, i: usize, param: &str) -> Result<Cow<'a, str>, String> {
        let v = self.non_null(i, param)?;
        v.to_text().ok_or_else(|| self.param_err(param, "string required"))
    }

    /// Argument `i` converted to a number, exactly.
    fn exact_arg(&self, i: usize, param: &str) -> Result<Number, String> {
        let v = self.non_null(i, param)?;
        match v.to_exact() {
            Some(n) => Ok(n),
            None if matches!(v, EvalValue::String(_)) => Err(self.param_err(param, "a number is required")),
            None => Err(self.param_err(param, "number required")),
        }
    }

    /// Argument `i` converted to a machine number, for what only has a machine
    /// answer (`log`, `pow`, `format("%f")`).
    fn number_arg(&self, i: usize, param: &str) -> Result<f64, String> {
        let n = self.exact_arg(i, param)?.to_f64();
        if n.is_finite() { Ok(n) } else { Err(self.param_err(param, "the number is too large")) }
    }

    /// Argument `i` converted to a whole number.
    fn int_arg(&self, i: usize, param: &str) -> Result<i64, String> {
        let n = self.exact_arg(i, param)?;
        n.to_i64().ok_or_else(|| self.param_err(param, "a whole number is required"))
    }

    /// Argument `i`, which must be a list (or set, or tuple).
    fn list_arg(&self, i: usize, param: &str) -> Result<&'a [EvalValue], String> {
        match self.non_null(i, param)? {
            EvalValue::List(items) => Ok(items),
            _ => Err(self.param_err(param, "list required")),
        }
    }

    /// Argument `i`, which must be a map (or object).
    fn map_arg(&self, i: usize, param: &str) -> Result<&'a Map, String> {
        match self.non_null(i, param)? {
            EvalValue::Map(m) => Ok(m),
            _ => Err(self.param_err(param, "map required")),
        }
    }

    /// Fails when a result would hold more than [`MAX_ELEMENTS`] elements.
    fn check_len(&self, len: usize) -> Result<(), String> {
        if len > MAX_ELEMENTS {
            self.too_large.set(true);
            return Err(
                self.err(format_args!("result would have {len} elements, more than the limit of {MAX_ELEMENTS}"))
            );
        }
        Ok(())
    }

    /// Fails when a result would be longer than [`MAX_STRING_BYTES`].
    fn check_bytes(&self, len: usize) -> Result<(), String> {
        if len > MAX_STRING_BYTES {
            self.too_large.set(true);
            return Err(
                self.err(format_args!("result would be {len} bytes long, more than the limit of {MAX_STRING_BYTES}"))
            );
        }
        Ok(())
    }
}

/// The number as an `i64` when it is whole and fits.
/// Whether anything inside the value (or the value itself) is marked sensitive.
fn contains_sensitive(v: &EvalValue) -> bool {
    match v {
        EvalValue::Sensitive(_) => true,
        EvalValue::List(items) => items.iter().any(contains_sensitive),
        EvalValue::Map(m) => m.values().any(contains_sensitive),
        _ => false,
    }
}

/// Whether the value carries a sensitive mark at its top.
fn is_marked(v: &EvalValue) -> bool {
    matches!(v, EvalValue::Sensitive(_))
}

/// Applies `f` under the value's sensitive marks, keeping them.
fn map_marked(v: &EvalValue, f: &dyn Fn(&EvalValue) -> EvalValue) -> EvalValue {
    match v {
        EvalValue::Sensitive(inner) => EvalValue::Sensitive(Box::new(map_marked(inner, f))),
        v => f(v),
    }
}
