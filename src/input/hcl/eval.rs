//! The partial evaluator: expressions of the [`ir`](super::ir) to [`EvalValue`]s, with unknowns.
//!
//! In: an expression, the module instance it is written in, and the names in scope
//! (`each`, `count`, for-expression and `dynamic` iterators). Out: its value, or an
//! [`EvalError`] with the span of the part that is wrong. What only exists after
//! apply (a resource's id) evaluates to [`EvalValue::Unknown`]; every resource an
//! expression reads is recorded by the [`World`] as it goes, which is how an unknown
//! value remembers where it comes from.
//!
//! Terraform's semantics that decide addresses and endpoints are kept: conversions
//! between strings, numbers and bools; maps iterate in key order; a template that is
//! one interpolation is that value, not its string; `try` and `can` are lazy; an
//! unknown condition makes the result unknown. Reading an attribute that is not in an
//! object gives an unknown rather than an error, because a resource's object only
//! holds what its configuration sets and the rest comes from the provider; inside
//! `try` and `can` it is the error they catch, except in what a resource holds.

use std::collections::BTreeMap;
use std::ops::Range;

use hcl_edit::expr::{BinaryOperator, UnaryOperator};

use super::functions;
use super::instance::World;
use super::ir::{Call, Element, Expr, ForDirective, ForExpr, Kind, ObjectKey, Op, OpKind, Span};
use super::value::{EvalValue, Map, Number, Origins};
use crate::hash::FastMap;
use smol_str::SmolStr;

/// An expression that Terraform would refuse, with where it is.
#[derive(Debug, Clone)]
pub(crate) struct EvalError {
    /// What is wrong.
    pub message: String,
    /// Byte range in the file, when known.
    pub span: Option<Range<usize>>,
}

impl EvalError {
    fn new(message: impl Into<String>, span: Option<Range<usize>>) -> EvalError {
        EvalError { message: message.into(), span }
    }
}

type Result<T> = std::result::Result<T, EvalError>;

/// Evaluates expressions of one module instance.
pub(crate) struct Eval<'w, 't> {
    /// Everything the expression can name.
    pub world: &'w World<'t>,
    /// The module instance the expression is written in.
    pub instance: usize,
    /// The file the expression is in (for renamed duplicate keys).
    pub file: (usize, usize),
    /// Names the surrounding block binds (`each`, `count`, a `dynamic` iterator).
    pub base: &'w [(String, EvalValue)],
    /// Names bound inside the expression (for-expression variables), innermost last.
    pub scope: Vec<(String, EvalValue)>,
    /// Whether only the names bound here may be read: a template `templatefile`
    /// renders sees its variables and nothing of the module.
    pub isolated: bool,
    /// How many `try` and `can` arguments are being evaluated: there, reading an
    /// attribute an object does not have is the error they catch (see [`get_attr`]).
    pub trying: u32,
}

impl Eval<'_, '_> {
    /// Evaluates an expression.
    pub fn expr(&mut self, e: &Expr) -> Result<EvalValue> {
        match &e.kind {
            Kind::Null => Ok(EvalValue::Null),
            Kind::Bool(b) => Ok(EvalValue::Bool(*b)),
            Kind::Number(n) => Ok(EvalValue::Number(n.clone())),
            Kind::String(s) => Ok(EvalValue::String(s.clone())),
            Kind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.expr(item)?);
                }
                Ok(EvalValue::List(out))
            }
            Kind::Object(object) => {
                let mut out = Map::with_capacity(object.len());
                for (key, value) in object.iter() {
                    let name = match key {
                        ObjectKey::Name(name) => name.clone(),
                        ObjectKey::Expr(k) => match self.expr(k)? {
                            v if v.is_unknown() => return Ok(EvalValue::Unknown(v.all_origins())),
                            v => v.to_text().map(SmolStr::from).ok_or_else(|| {
                                EvalError::new(
                                    format!("an object key must be a string, not {}", v.type_name()),
                                    k.span.get(),
                                )
                            })?,
                        },
                    };
                    let v = self.expr(value)?;
                    out.insert(name, v);
                }
                Ok(EvalValue::Map(out))
            }
            Kind::Template(elements) => self.template(elements, e),
            Kind::Variable(name) => self.variable(name, e.span.get()),
            Kind::Conditional(c) => {
                let [cond_expr, true_expr, false_expr] = &**c;
                let cond = self.expr(cond_expr)?;
                let (cond, sensitive) = cond.into_unmarked();
                match cond.to_bool() {
                    Some(true) => Ok(self.expr(true_expr)?.marked(sensitive)),
                    Some(false) => Ok(self.expr(false_expr)?.marked(sensitive)),
                    None if cond.is_unknown() => {
                        // Both branches may be taken: read both so their references count.
                        // Like Terraform, an error in either is no error of the whole.
                        let a = self.expr(true_expr).unwrap_or_else(|_| EvalValue::unknown());
                        let b = self.expr(false_expr).unwrap_or_else(|_| EvalValue::unknown());
                        Ok(if a == b && !a.has_unknown() { a } else { unknown_from(&[&cond, &a, &b]) })
                    }
                    None => Err(EvalError::new(
                        format!("a condition must be a bool, not {}", cond.type_name()),
                        cond_expr.span.get(),
                    )),
                }
            }
            Kind::Call(call) => self.call(call, e),
            Kind::Traversal(t) => {
                if let Kind::Variable(name) = &t.root.kind
                    && !self.isolated
                    && let Some(v) = self.world.resolve_root(self, name, &t.ops)?
                {
                    return Ok(v);
                }
                let base = self.expr(&t.root)?;
                self.operators(base, &t.ops)
            }
            Kind::Unary(op) => {
                let (operator, operand) = &**op;
                let (v, sensitive) = self.expr(operand)?.into_unmarked();
                if v.is_unknown() {
                    return Ok(v);
                }
                let out = match operator {
                    UnaryOperator::Neg => v.to_exact().map(|n| EvalValue::Number(n.neg())),
                    UnaryOperator::Not => v.to_bool().map(|b| EvalValue::Bool(!b)),
                };
                out.map(|x| x.marked(sensitive)).ok_or_else(|| {
                    EvalError::new(format!("invalid operand type {}", v.type_name()), operand.span.get())
                })
            }
            Kind::Binary(op) => self.binary(op, e.span),
            Kind::For(f) => self.for_expr(f, e),
        }
    }

    fn variable(&self, name: &str, span: Option<Range<usize>>) -> Result<EvalValue> {
        if let Some(v) = self.bound(name) {
            return Ok(v.clone());
        }
        Err(EvalError::new(format!("`{name}` is not defined here"), span))
    }

    /// `f` as an argument of `try` or `can`.
    fn trying<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.trying += 1;
        let out = f(self);
        self.trying -= 1;
        out
    }

    /// Traversal operators applied to what a resource's configuration holds: an
    /// attribute it does not set is the provider's to compute, unknown even inside
    /// `try` (`try(aws_eks_cluster.x.vpc_config[0].cluster_security_group_id, "")`).
    pub fn resource_operators(&mut self, v: EvalValue, ops: &[Op]) -> Result<EvalValue> {
        let trying = std::mem::replace(&mut self.trying, 0);
        let out = self.operators(v, ops);
        self.trying = trying;
        out
    }

    /// Looks a bound name up (for-expression variables, `each`, `count`, iterators).
    pub fn bound(&self, name: &str) -> Option<&EvalValue> {
        self.scope.iter().rev().chain(self.base.iter().rev()).find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Applies traversal operators (`.a`, `[0]`, `[*]`, `.*`) to a value.
    pub fn operators(&mut self, mut v: EvalValue, ops: &[Op]) -> Result<EvalValue> {
        for (i, op) in ops.iter().enumerate() {
            let (current, sensitive) = v.into_unmarked();
            v = match &op.kind {
                OpKind::GetAttr(name) => match current {
                    EvalValue::Map(m) if self.trying > 0 && m.get(name.as_str()).is_none() => {
                        return Err(EvalError::new(format!("the object has no attribute `{name}`"), op.span.get()));
                    }
                    current => get_attr(current, name),
                },
                OpKind::LegacyIndex(n) => index(current, &EvalValue::num(*n as f64), None)?,
                OpKind::Index(e) => {
                    let key = self.expr(e)?;
                    index(current, key.unmarked(), e.span.get())?
                }
                OpKind::AttrSplat | OpKind::FullSplat => {
                    let full = matches!(op.kind, OpKind::FullSplat);
                    let rest = &ops[i + 1..];
                    let take = if full { rest.len() } else { rest.iter().take_while(|o| o.attr().is_some()).count() };
                    let items = match current {
                        u @ EvalValue::Unknown(_) => return Ok(u),
                        EvalValue::Null => Vec::new(),
                        EvalValue::List(items) => items,
                        other => vec![other],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.operators(item, &rest[..take])?);
                    }
                    let after = self.operators(EvalValue::List(out), &rest[take..])?;
                    return Ok(after.marked(sensitive));
                }
            }
            .marked(sensitive);
        }
        Ok(v)
    }

    fn binary(&mut self, op: &(BinaryOperator, Expr, Expr), span: Span) -> Result<EvalValue> {
        use BinaryOperator as B;
        let (operator, lhs, rhs) = op;
        let operator = *operator;
        let (l, ls) = self.expr(lhs)?.into_unmarked();
        // `false && x` and `true || x` do not need x (Terraform evaluates it anyway,
        // but an unknown there does not make the answer unknown).
        if matches!(operator, B::And | B::Or) {
            let r = self.expr(rhs)?;
            let (r, rs) = r.into_unmarked();
            let (a, b) = (l.to_bool(), r.to_bool());
            let out = match (operator, a, b) {
                (B::And, Some(false), _) | (B::And, _, Some(false)) => EvalValue::Bool(false),
                (B::Or, Some(true), _) | (B::Or, _, Some(true)) => EvalValue::Bool(true),
                // Both known, and no short cut above: `true && true` or `false || false`.
                (_, Some(x), Some(_)) => EvalValue::Bool(x),
                _ if l.is_unknown() || r.is_unknown() => unknown_from(&[&l, &r]),
                _ => return Err(EvalError::new("logical operators take bools", span.get())),
            };
            return Ok(out.marked(ls || rs));
        }
        let (r, rs) = self.expr(rhs)?.into_unmarked();
        let sensitive = ls || rs;
        if matches!(operator, B::Eq | B::NotEq) {
            if l.has_unknown() || r.has_unknown() {
                return Ok(unknown_from(&[&l, &r]));
            }
            let equal = strip_marks(&l) == strip_marks(&r);
            return Ok(EvalValue::Bool(equal == (operator == B::Eq)).marked(sensitive));
        }
        if l.is_unknown() || r.is_unknown() {
            return Ok(unknown_from(&[&l, &r]));
        }
        let (Some(a), Some(b)) = (l.to_exact(), r.to_exact()) else {
            return Err(EvalError::new(
                format!("arithmetic needs numbers, not {} and {}", l.type_name(), r.type_name()),
                span.get(),
            ));
        };
        if matches!(operator, B::Div | B::Mod) && b.is_zero() {
            let what = if operator == B::Div { "division" } else { "modulo" };
            return Err(EvalError::new(format!("{what} by zero"), span.get()));
        }
        // Past the digits envwall writes out, a result is unknown.
        let exact = |n: Option<Number>| n.map_or_else(EvalValue::unknown, EvalValue::Number);
        let out = match operator {
            B::Plus => exact(a.add(&b)),
            B::Minus => exact(a.sub(&b)),
            B::Mul => exact(a.mul(&b)),
            B::Div => exact(a.div(&b)),
            B::Mod => exact(a.rem(&b)),
            B::Less => EvalValue::Bool(a < b),
            B::LessEq => EvalValue::Bool(a <= b),
            B::Greater => EvalValue::Bool(a > b),
            B::GreaterEq => EvalValue::Bool(a >= b),
            B::Eq | B::NotEq | B::And | B::Or => unreachable!("handled above"),
        };
        Ok(out.marked(sensitive))
    }

    /// A function call: `whole` is the expression it is.
    fn call(&mut self, call: &Call, whole: &Expr) -> Result<EvalValue> {
        let span = whole.span;
        let name = &*call.name;
        if call.namespaced {
            // Provider-defined functions (`provider::aws::arn_parse`) run in the provider.
            let mut args = Vec::new();
            for arg in call.args.iter() {
                args.push(self.expr(arg)?);
            }
            return Ok(unknown_from(&args.iter().collect::<Vec<_>>()));
        }
        match name {
            "try" => {
                for arg in call.args.iter() {
                    if let Ok(v) = self.trying(|ev| ev.expr(arg)) {
                        return Ok(v);
                    }
                }
                return Err(EvalError::new("try: no argument could be evaluated", span.get()));
            }
            "can" => {
                let Some(arg) = call.args.first() else {
                    return Err(EvalError::new("can: one argument expected", span.get()));
                };
                return Ok(match self.trying(|ev| ev.expr(arg)) {
                    Ok(v) if v.has_unknown() => EvalValue::Unknown(v.all_origins()),
                    Ok(_) => EvalValue::Bool(true),
                    Err(_) => EvalValue::Bool(false),
                });
            }
            "templatefile" | "templatestring" if self.isolated => {
                return Err(EvalError::new(format!("{name}: a template cannot render another"), span.get()));
            }
            _ => {}
        }
        let mut args = Vec::with_capacity(call.args.len());
        for arg in call.args.iter() {
            args.push(self.expr(arg)?);
        }
        match name {
            "sensitive" | "nonsensitive" => {
                let [arg] = <[EvalValue; 1]>::try_from(args)
                    .map_err(|a| EvalError::new(format!("{name}: expects 1 argument, got {}", a.len()), span.get()))?;
                return Ok(if name == "sensitive" { arg.marked(true) } else { arg.into_unmarked().0 });
            }
            "issensitive" => {
                let [arg] = <[EvalValue; 1]>::try_from(args)
                    .map_err(|a| EvalError::new(format!("{name}: expects 1 argument, got {}", a.len()), span.get()))?;
                return Ok(if arg.is_unknown() {
                    arg
                } else {
                    EvalValue::Bool(matches!(arg, EvalValue::Sensitive(_)))
                });
            }
            "templatefile" | "templatestring" => return self.template_function(name, args, span),
            _ => {}
        }
        if call.expand_final {
            match args.pop().map(EvalValue::into_unmarked) {
                Some((EvalValue::List(items), sensitive)) => {
                    args.extend(items.into_iter().map(|v| v.marked(sensitive)))
                }
                Some((u @ EvalValue::Unknown(_), _)) => return Ok(u),
                _ => return Err(EvalError::new("only a list can be expanded with `...`", span.get())),
            }
        }
        if let Some(host) = self.world.host
            && !functions::exists(name)
        {
            if args.iter().any(EvalValue::has_unknown) {
                return Ok(unknown_from(&args.iter().collect::<Vec<_>>()));
            }
            if let Some(result) = host.call(name, &args) {
                return result.map_err(|message| EvalError::new(format!("{name}: {message}"), span.get()));
            }
        }
        if !functions::exists(name) {
            self.world.unsupported_function(name, self.file, span.get());
            return Ok(unknown_from(&args.iter().collect::<Vec<_>>()));
        }
        if args.iter().any(EvalValue::is_unknown) {
            return Ok(unknown_from(&args.iter().collect::<Vec<_>>()));
        }
        let mut sensitive = false;
        let mut plain = Vec::with_capacity(args.len());
        for arg in args {
            let (v, s) = arg.into_unmarked();
            sensitive |= s;
            plain.push(v);
        }
        // A function that answers unknown from an unknown inside its arguments does
        // not say which: the result comes from all of them.
        let nested = plain.iter().any(EvalValue::has_unknown).then(|| unknown_from(&plain.iter().collect::<Vec<_>>()));
        let result = match (functions::call(name, plain, Some(&self.world.files)), nested) {
            (Ok(EvalValue::Unknown(o)), Some(from)) if o.is_empty() => Ok(from),
            (other, _) => other,
        };
        match result {
            Ok(v) if !self.world.spend(steps_of(&v), self.file, whole) => Ok(EvalValue::unknown()),
            Ok(v) => Ok(v.marked(sensitive)),
            Err(e) if e.too_large => {
                self.world.too_large(self.file, whole, e.message);
                Ok(EvalValue::unknown())
            }
            // A function's message may quote its arguments: not when one is secret.
            Err(_) if sensitive => Err(EvalError::new(format!("{name}: invalid sensitive argument"), span.get())),
            Err(e) => Err(EvalError::new(e.message, span.get())),
        }
    }

    /// `templatefile(path, vars)` and `templatestring(template, vars)`: a file's
    /// text, or a string, read as a template and rendered with `vars` as the only
    /// names it may read.
    fn template_function(&mut self, name: &str, args: Vec<EvalValue>, span: Span) -> Result<EvalValue> {
        let err = |m: String| EvalError::new(format!("{name}: {m}"), span.get());
        let [source, vars] =
            <[EvalValue; 2]>::try_from(args).map_err(|a| err(format!("expects 2 arguments, got {}", a.len())))?;
        if source.is_unknown() || vars.is_unknown() {
            return Ok(unknown_from(&[&source, &vars]));
        }
        let (source, path_marked) = source.into_unmarked();
        let (vars, vars_marked) = vars.into_unmarked();
        let source = source.to_text().ok_or_else(|| err("the template must be a string".to_owned()))?.into_owned();
        let EvalValue::Map(vars) = vars else { return Err(err("the variables must be an object or a map".to_owned())) };
        let (path, text) = if name == "templatefile" {
            let text = self.world.files.text(&source).map_err(err)?;
            (source, text)
        } else {
            ("the template".to_owned(), source)
        };
        let template = hcl_edit::parser::parse_template(&text).map_err(|e| {
            let at = e.location();
            err(format!("{path}:{}:{}: {}", at.line(), at.column(), e.message()))
        })?;
        let template = hcl_edit::expr::Expression::StringTemplate(template.iter().cloned().collect());
        // Spans would point into the template file, not the file this call is in.
        let template = super::ir::Lowering::detached(&FastMap::default()).expr(&template);
        let base: Vec<(String, EvalValue)> = vars.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        let mut inner = Eval {
            world: self.world,
            instance: self.instance,
            file: self.file,
            base: &base,
            scope: Vec::new(),
            isolated: true,
            trying: 0,
        };
        let rendered = inner.expr(&template).map_err(|e| err(format!("{path}: {}", e.message)))?;
        let (rendered, marked) = rendered.into_unmarked();
        let rendered = match rendered.to_text() {
            Some(t) if !matches!(rendered, EvalValue::String(_)) => EvalValue::str(t.into_owned()),
            _ => rendered,
        };
        Ok(rendered.marked(marked || path_marked || vars_marked))
    }

    fn for_expr(&mut self, f: &ForExpr, e: &Expr) -> Result<EvalValue> {
        if !self.world.spend(1, self.file, e) {
            return Ok(EvalValue::unknown());
        }
        let (collection, sensitive) = self.expr(&f.collection)?.into_unmarked();
        let origins = collection.all_origins();
        let items: Vec<(EvalValue, EvalValue)> = match collection {
            u @ EvalValue::Unknown(_) => return Ok(u),
            EvalValue::List(items) => items.into_iter().enumerate().map(|(i, v)| (EvalValue::int(i), v)).collect(),
            EvalValue::Map(m) => m.into_iter().map(|(k, v)| (EvalValue::String(k), v)).collect(),
            EvalValue::Null => return Err(EvalError::new("cannot iterate over null", f.collection.span.get())),
            other => {
                return Err(EvalError::new(
                    format!("cannot iterate over a {}", other.type_name()),
                    f.collection.span.get(),
                ));
            }
        };
        let mut list = Vec::new();
        let mut map = Map::new();
        let mut groups: BTreeMap<String, Vec<EvalValue>> = BTreeMap::new();
        let mut unknown = false;
        for (k, v) in items {
            if !self.world.spend(1, self.file, e) {
                return Ok(EvalValue::unknown());
            }
            let depth = self.scope.len();
            if let Some(kv) = &f.key_var {
                self.scope.push((kv.to_string(), k));
            }
            self.scope.push((f.value_var.to_string(), v));
            let result = self.for_item(f, &mut list, &mut map, &mut groups);
            self.scope.truncate(depth);
            unknown |= result?;
        }
        if unknown {
            return Ok(EvalValue::Unknown(origins));
        }
        let out = match &f.key {
            None => EvalValue::List(list),
            Some(_) if f.grouping => EvalValue::Map(groups.into_iter().map(|(k, v)| (k, EvalValue::List(v))).collect()),
            Some(_) => EvalValue::Map(map),
        };
        Ok(out.marked(sensitive))
    }

    /// One element of a for-expression; `Ok(true)` when it makes the result unknown.
    fn for_item(
        &mut self,
        f: &ForExpr,
        list: &mut Vec<EvalValue>,
        map: &mut Map,
        groups: &mut BTreeMap<String, Vec<EvalValue>>,
    ) -> Result<bool> {
        if let Some(cond) = &f.cond {
            match self.expr(cond)?.unmarked().to_bool() {
                Some(true) => {}
                Some(false) => return Ok(false),
                None => return Ok(true),
            }
        }
        let value = self.expr(&f.value)?;
        match &f.key {
            None => list.push(value),
            Some(key_expr) => {
                let key = self.expr(key_expr)?;
                if key.is_unknown() {
                    return Ok(true);
                }
                let Some(key) = key.to_text().map(|k| k.into_owned()) else {
                    return Err(EvalError::new("a for-expression key must be a string", key_expr.span.get()));
                };
                if f.grouping {
                    groups.entry(key).or_default().push(value);
                } else if map.insert(key.clone(), value).is_some() {
                    return Err(EvalError::new(
                        format!("duplicate key `{key}` in a for-expression (add `...` to group)"),
                        key_expr.span.get(),
                    ));
                }
            }
        }
        Ok(false)
    }

    /// A template's string.
    fn template(&mut self, elements: &[Element], e: &Expr) -> Result<EvalValue> {
        let mut r = Rendering { out: String::new(), sensitive: false, origins: Origins::default(), unknown: false };
        let complete = self.elements(elements, &mut r, e)?;
        if !complete {
            return Ok(EvalValue::unknown());
        }
        if r.unknown {
            return Ok(EvalValue::Unknown(r.origins));
        }
        if !self.world.spend(r.out.len() as u64 / BYTES_PER_STEP, self.file, e) {
            return Ok(EvalValue::unknown());
        }
        Ok(EvalValue::str(r.out).marked(r.sensitive))
    }

    /// Renders elements of template `e`; `Ok(false)` when the string would be
    /// larger than envwall makes (then it is unknown).
    fn elements(&mut self, elements: &[Element], r: &mut Rendering, e: &Expr) -> Result<bool> {
        for element in elements {
            match element {
                Element::Literal(lit) => r.out.push_str(lit),
                Element::Interpolation(expr) => {
                    let (v, s) = self.expr(expr)?.into_unmarked();
                    r.sensitive |= s;
                    if v.has_unknown() {
                        r.unknown = true;
                        r.origins = r.origins.union(&v.all_origins());
                    } else if v.is_null() {
                        return Err(EvalError::new("a template cannot interpolate null", expr.span.get()));
                    } else {
                        let text = v.to_text().ok_or_else(|| {
                            EvalError::new(
                                format!(
                                    "a template can interpolate only strings, numbers and bools, not a {}",
                                    v.type_name()
                                ),
                                expr.span.get(),
                            )
                        })?;
                        r.out.push_str(&text);
                    }
                }
                Element::If(d) => {
                    let (cond, s) = self.expr(&d.cond)?.into_unmarked();
                    r.sensitive |= s;
                    let branch = match cond.to_bool() {
                        Some(true) => &d.then,
                        Some(false) => &d.otherwise,
                        None if cond.is_unknown() => {
                            r.origins = r.origins.union(&cond.all_origins());
                            r.unknown = true;
                            continue;
                        }
                        None => return Err(EvalError::new("an %{if} condition must be a bool", d.cond.span.get())),
                    };
                    if !self.elements(branch, r, e)? {
                        return Ok(false);
                    }
                }
                Element::For(d) => {
                    if !self.for_directive(d, r, e)? {
                        return Ok(false);
                    }
                }
            }
            if r.out.len() > MAX_TEMPLATE_BYTES {
                let message =
                    format!("the string it makes is longer than {} MiB, envwall's limit", MAX_TEMPLATE_BYTES >> 20);
                self.world.too_large(self.file, e, message);
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `%{ for }` in template `e`; `Ok(false)` as for [`Eval::elements`].
    fn for_directive(&mut self, d: &ForDirective, r: &mut Rendering, e: &Expr) -> Result<bool> {
        if !self.world.spend(1, self.file, e) {
            return Ok(false);
        }
        let (collection, s) = self.expr(&d.collection)?.into_unmarked();
        r.sensitive |= s;
        let items: Vec<(EvalValue, EvalValue)> = match collection {
            u @ EvalValue::Unknown(_) => {
                r.origins = r.origins.union(&u.all_origins());
                r.unknown = true;
                return Ok(true);
            }
            EvalValue::List(items) => items.into_iter().enumerate().map(|(i, v)| (EvalValue::int(i), v)).collect(),
            EvalValue::Map(m) => m.into_iter().map(|(k, v)| (EvalValue::String(k), v)).collect(),
            _ => return Err(EvalError::new("%{for} needs a list or map", d.collection.span.get())),
        };
        for (k, v) in items {
            if !self.world.spend(1, self.file, e) {
                return Ok(false);
            }
            let depth = self.scope.len();
            if let Some(kv) = &d.key_var {
                self.scope.push((kv.to_string(), k));
            }
            self.scope.push((d.value_var.to_string(), v));
            let complete = self.elements(&d.body, r, e);
            self.scope.truncate(depth);
            if !complete? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Bytes of a string made that count as one step of the budget
/// ([`super::instance::MAX_STEPS`]).
const BYTES_PER_STEP: u64 = 64;

/// The steps a function's result counts for: its elements, or its length.
fn steps_of(v: &EvalValue) -> u64 {
    match v.unmarked() {
        EvalValue::List(items) => items.len() as u64,
        EvalValue::Map(m) => m.len() as u64,
        EvalValue::String(s) => s.len() as u64 / BYTES_PER_STEP,
        _ => 0,
    }
}

/// A template being rendered.
struct Rendering {
    out: String,
    sensitive: bool,
    /// Whether an unknown makes the string unknown; what it comes from.
    unknown: bool,
    origins: Origins,
}

/// The longest string a template may make (as a function's result may be).
/// Terraform has no limit; forty templates that each double the one before
/// would make a terabyte. Past it, the template is unknown with a warning.
pub(crate) const MAX_TEMPLATE_BYTES: usize = 64 << 20;

/// `v.name`: missing attributes are unknown (see the module docs), except in the
/// arguments of `try` and `can` ([`Eval::operators`]), where a variable's, a local's
/// or an `each.value`'s object is complete and a missing attribute is the error
/// they are written to catch (`try(each.value.timeout, null)`).
pub(crate) fn get_attr(v: EvalValue, name: &str) -> EvalValue {
    match v {
        EvalValue::Map(mut m) => m.remove(name).unwrap_or_else(EvalValue::unknown),
        EvalValue::Sensitive(inner) => get_attr(*inner, name).marked(true),
        u @ EvalValue::Unknown(_) => u,
        _ => EvalValue::unknown(),
    }
}

/// `v[key]`.
pub(crate) fn index(v: EvalValue, key: &EvalValue, span: Option<Range<usize>>) -> Result<EvalValue> {
    if key.is_unknown() {
        return Ok(EvalValue::Unknown(key.all_origins()));
    }
    match v {
        u @ EvalValue::Unknown(_) => Ok(u),
        EvalValue::List(mut items) => {
            let i = key.to_number().filter(|n| n.fract() == 0.0 && *n >= 0.0).ok_or_else(|| {
                EvalError::new(format!("a list index must be a whole number, not {key}"), span.clone())
            })?;
            let len = items.len();
            if (i as usize) < len {
                Ok(items.swap_remove(i as usize))
            } else {
                Err(EvalError::new(format!("index {i} is out of range for a list of {len}"), span))
            }
        }
        EvalValue::Map(mut m) => {
            let k = key.to_text().ok_or_else(|| EvalError::new("a map key must be a string", span.clone()))?;
            m.remove(k.as_ref()).ok_or_else(|| EvalError::new(format!("the map has no key {k:?}"), span))
        }
        EvalValue::Sensitive(inner) => index(*inner, key, span).map(|v| v.marked(true)),
        EvalValue::Null => Err(EvalError::new("cannot index null", span)),
        other => Err(EvalError::new(format!("cannot index a {}", other.type_name()), span)),
    }
}

/// An unknown computed from these values: all their unknowns' origins.
fn unknown_from(values: &[&EvalValue]) -> EvalValue {
    let mut origins = Origins::default();
    for v in values {
        origins = origins.union(&v.all_origins());
    }
    EvalValue::Unknown(origins)
}

fn strip_marks(v: &EvalValue) -> EvalValue {
    match v.unmarked() {
        EvalValue::List(items) => EvalValue::List(items.iter().map(strip_marks).collect()),
        EvalValue::Map(m) => EvalValue::Map(m.iter().map(|(k, v)| (k.clone(), strip_marks(v))).collect()),
        other => other.clone(),
    }
}
