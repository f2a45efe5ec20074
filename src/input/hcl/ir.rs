//! The compact syntax tree the evaluator reads.
//!
//! [`native`](super::native) builds it straight from `.tf` text. This module also
//! lowers what hcl-edit parsed (what the native parser leaves, and bodies built from
//! `.tf.json`): In: a body as hcl-edit parsed it. Out: the
//! same body with only what evaluation and locations need: names, expressions,
//! byte spans, and for each `resource` and `data` block its attributes' ranges and
//! `# envwall:ignore` comments. Each file is lowered as soon as it is parsed, on
//! the parsing thread, and its hcl-edit tree dropped: that tree keeps every blank
//! and comment, and is about five times the size of this one.
//!
//! Lowering also settles what does not depend on any value: a repeated object key's
//! real name, template literals with their escapes and `~` strip markers applied,
//! and a quoted template that is one interpolation, which is that expression.
use std::ops::Range;
use std::sync::Arc;

use hcl_edit::expr::{self as hx, BinaryOperator, Expression, UnaryOperator};
use hcl_edit::structure as hs;
use hcl_edit::template as ht;
use hcl_edit::{Decorate, Span as _};

use super::value::Number;
use crate::hash::FastMap;
use crate::model::InlineSuppression;
use smol_str::SmolStr;

/// A byte range in a file, or none (parts built from `.tf.json`, command-line
/// values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// No location.
    pub const NONE: Span = Span { start: u32::MAX, end: u32::MAX };

    fn from_range(range: Option<Range<usize>>) -> Span {
        match range {
            Some(r) if r.end < u32::MAX as usize => Span { start: r.start as u32, end: r.end as u32 },
            _ => Span::NONE,
        }
    }

    /// The range `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span::from_range(Some(start..end))
    }

    /// From the start of `a` to the end of `b`.
    pub fn join(a: Span, b: Span) -> Span {
        if a == Span::NONE || b == Span::NONE { Span::NONE } else { Span { start: a.start, end: b.end } }
    }

    /// The range, when known.
    pub fn get(self) -> Option<Range<usize>> {
        (self != Span::NONE).then_some(self.start as usize..self.end as usize)
    }
}

/// A block body: its attributes and nested blocks, each in file order.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub attributes: Box<[Attribute]>,
    pub blocks: Box<[Block]>,
}

impl Body {
    /// The attribute `name`.
    pub fn get_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| &*a.key == name)
    }

    /// Whether the attribute `name` is set.
    pub fn has_attribute(&self, name: &str) -> bool {
        self.get_attribute(name).is_some()
    }

    /// The nested blocks of type `ident`.
    pub fn get_blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| &*b.ident == ident)
    }
}

/// `key = value`.
#[derive(Debug)]
pub(crate) struct Attribute {
    pub key: SmolStr,
    pub value: Expr,
}

/// `ident "label" ... { body }`.
#[derive(Debug)]
pub(crate) struct Block {
    pub ident: SmolStr,
    pub labels: Box<[Box<str>]>,
    pub body: Body,
    /// The whole block.
    pub span: Span,
    /// For `resource` and `data` blocks in a file that has any: the
    /// `# envwall:ignore` comments written in and before the block.
    pub suppressions: Option<Arc<[InlineSuppression]>>,
    /// The blocks of override files merged into this one, in order: the index of
    /// each one's file in its directory, and where it is written there.
    pub overrides: Vec<(usize, Span)>,
}

impl Block {
    /// The first label, or `""`.
    pub fn label(&self) -> &str {
        self.labels.first().map_or("", |l| l)
    }

    /// The suppressions every instance of this block shares (none for blocks other
    /// than `resource` and `data`).
    pub fn suppressions(&self) -> Arc<[InlineSuppression]> {
        self.suppressions.clone().unwrap_or_else(|| Arc::from([]))
    }
}

/// An expression and where it is.
#[derive(Debug)]
pub(crate) struct Expr {
    pub kind: Kind,
    pub span: Span,
}

/// What an expression is.
#[derive(Debug)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    Number(Number),
    String(SmolStr),
    Array(Box<[Expr]>),
    Object(Box<[(ObjectKey, Expr)]>),
    /// A template that renders a string (a heredoc, or a quoted string with more
    /// than one part).
    Template(Box<[Element]>),
    Variable(SmolStr),
    /// `cond ? a : b`.
    Conditional(Box<[Expr; 3]>),
    Call(Box<Call>),
    Traversal(Box<Traversal>),
    Unary(Box<(UnaryOperator, Expr)>),
    Binary(Box<(BinaryOperator, Expr, Expr)>),
    For(Box<ForExpr>),
}

/// An object constructor's key.
#[derive(Debug)]
pub(crate) enum ObjectKey {
    /// A name or a literal string.
    Name(SmolStr),
    /// `(expression) = ...`, or a template.
    Expr(Expr),
}

/// `name(args...)`.
#[derive(Debug)]
pub(crate) struct Call {
    pub name: Box<str>,
    /// `provider::aws::...`: a function only the provider evaluates.
    pub namespaced: bool,
    pub args: Box<[Expr]>,
    /// `f(list...)`.
    pub expand_final: bool,
}

/// `root.a[0].*.b`.
#[derive(Debug)]
pub(crate) struct Traversal {
    pub root: Expr,
    pub ops: Box<[Op]>,
}

impl Expr {
    /// Calls `f` on this expression and every expression inside it.
    pub fn walk<'e>(&'e self, f: &mut impl FnMut(&'e Expr)) {
        f(self);
        match &self.kind {
            Kind::Null | Kind::Bool(_) | Kind::Number(_) | Kind::String(_) | Kind::Variable(_) => {}
            Kind::Array(items) => items.iter().for_each(|e| e.walk(f)),
            Kind::Object(entries) => {
                for (key, value) in entries.iter() {
                    if let ObjectKey::Expr(k) = key {
                        k.walk(f);
                    }
                    value.walk(f);
                }
            }
            Kind::Template(elements) => walk_elements(elements, f),
            Kind::Conditional(parts) => parts.iter().for_each(|e| e.walk(f)),
            Kind::Call(call) => call.args.iter().for_each(|e| e.walk(f)),
            Kind::Traversal(t) => {
                t.root.walk(f);
                for op in t.ops.iter() {
                    if let OpKind::Index(i) = &op.kind {
                        i.walk(f);
                    }
                }
            }
            Kind::Unary(u) => u.1.walk(f),
            Kind::Binary(b) => {
                b.1.walk(f);
                b.2.walk(f);
            }
            Kind::For(e) => {
                for part in [Some(&e.collection), e.key.as_ref(), Some(&e.value), e.cond.as_ref()].into_iter().flatten()
                {
                    part.walk(f);
                }
            }
        }
    }

    /// The names `local.NAME` reads, anywhere inside.
    pub fn locals_read(&self) -> Vec<&SmolStr> {
        let mut names = Vec::new();
        self.walk(&mut |e| {
            if let Kind::Traversal(t) = &e.kind
                && matches!(&t.root.kind, Kind::Variable(v) if &**v == "local")
                && let Some(name) = t.ops.first().and_then(Op::attr)
            {
                names.push(name);
            }
        });
        names
    }
}

fn walk_elements<'e>(elements: &'e [Element], f: &mut impl FnMut(&'e Expr)) {
    for element in elements {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(e) => e.walk(f),
            Element::If(d) => {
                d.cond.walk(f);
                walk_elements(&d.then, f);
                walk_elements(&d.otherwise, f);
            }
            Element::For(d) => {
                d.collection.walk(f);
                walk_elements(&d.body, f);
            }
        }
    }
}

/// One traversal step and where it is.
#[derive(Debug)]
pub(crate) struct Op {
    pub kind: OpKind,
    pub span: Span,
}

#[derive(Debug)]
pub(crate) enum OpKind {
    GetAttr(SmolStr),
    Index(Expr),
    LegacyIndex(u64),
    AttrSplat,
    FullSplat,
}

impl Op {
    /// The name of a `.name` step.
    pub fn attr(&self) -> Option<&SmolStr> {
        match &self.kind {
            OpKind::GetAttr(a) => Some(a),
            _ => None,
        }
    }
}

/// `[for k, v in collection : key => value if cond]`.
#[derive(Debug)]
pub(crate) struct ForExpr {
    pub key_var: Option<Box<str>>,
    pub value_var: Box<str>,
    pub collection: Expr,
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    /// `...` after the value: group values by key.
    pub grouping: bool,
}

/// A part of a template.
#[derive(Debug)]
pub(crate) enum Element {
    /// Text, with escapes and strip markers already applied.
    Literal(Box<str>),
    Interpolation(Expr),
    If(Box<IfDirective>),
    For(Box<ForDirective>),
}

/// `%{ if cond }...%{ else }...%{ endif }`.
#[derive(Debug)]
pub(crate) struct IfDirective {
    pub cond: Expr,
    pub then: Box<[Element]>,
    pub otherwise: Box<[Element]>,
}

/// `%{ for k, v in collection }...%{ endfor }`.
#[derive(Debug)]
pub(crate) struct ForDirective {
    pub key_var: Option<Box<str>>,
    pub value_var: Box<str>,
    pub collection: Expr,
    pub body: Box<[Element]>,
}

/// What lowering a file needs beside its tree.
pub(crate) struct Lowering<'a> {
    /// The file's text, for comments.
    pub text: &'a str,
    /// Byte offset of a renamed repeated object key → its real name.
    pub renamed_keys: &'a FastMap<usize, String>,
    /// Whether the tree's spans point into `text` (not for trees built from JSON or
    /// from command-line values).
    pub spans: bool,
    /// Whether `text` has any `# envwall:ignore` ([`has_suppressions`]), asked once.
    pub suppressible: bool,
}

/// Whether `text` has any `# envwall:ignore` comment: most files have none, and
/// their blocks need no outline.
pub(crate) fn has_suppressions(text: &str) -> bool {
    text.contains("envwall:ignore")
}

impl Lowering<'_> {
    /// A lowering of something with no file behind it.
    pub fn detached(renamed_keys: &FastMap<usize, String>) -> Lowering<'_> {
        Lowering { text: "", renamed_keys, spans: false, suppressible: false }
    }

    /// The text at `range`, when the tree's spans point into `text`.
    fn source(&self, range: Option<Range<usize>>) -> Option<&str> {
        self.spans.then(|| self.text.get(range?)).flatten()
    }

    fn span(&self, range: Option<Range<usize>>) -> Span {
        if self.spans { Span::from_range(range) } else { Span::NONE }
    }

    /// Lowers a file's body.
    pub fn body(&self, body: &hs::Body) -> Body {
        self.body_at(body, true)
    }

    fn body_at(&self, body: &hs::Body, top: bool) -> Body {
        let attributes = body.attributes().map(|a| self.attribute(a)).collect();
        let blocks = body.blocks().map(|b| self.block(b, top)).collect();
        Body { attributes, blocks }
    }

    fn attribute(&self, a: &hs::Attribute) -> Attribute {
        Attribute { key: a.key.value().as_str().into(), value: self.expr(&a.value) }
    }

    fn block(&self, b: &hs::Block, top: bool) -> Block {
        let ident = b.ident.value().as_str();
        let suppressions = (top && matches!(ident, "resource" | "data") && self.suppressible)
            .then(|| {
                let prefix = b.decor().prefix().map_or("", |p| p);
                locate(self.text, b.span(), prefix, &Outline::of(&b.body))
            })
            .flatten();
        Block {
            ident: ident.into(),
            labels: b.labels.iter().map(|l| label_str(l).into()).collect(),
            body: self.body_at(&b.body, false),
            span: self.span(b.span()),
            suppressions,
            overrides: Vec::new(),
        }
    }

    /// Lowers an expression.
    pub fn expr(&self, e: &Expression) -> Expr {
        let kind = match e {
            Expression::Null(_) => Kind::Null,
            Expression::Bool(b) => Kind::Bool(*b.value()),
            // Exact, from the text where there is one (hcl-edit's are `f64`s).
            // hcl-edit folds a minus into the literal after it (`-1.5`): its span
            // then starts with the minus.
            // The text first: a float hcl-edit rounded to a whole number looks
            // like an integer.
            Expression::Number(n) => match (self.source(n.span()).and_then(exact_number), n.value().as_i64()) {
                (Some(exact), _) => Kind::Number(exact),
                (None, Some(i)) => Kind::Number(Number::Int(i)),
                _ => n.value().as_f64().and_then(Number::from_f64).map_or(Kind::Null, Kind::Number),
            },
            Expression::String(s) => Kind::String(s.value().as_str().into()),
            Expression::Array(items) => Kind::Array(items.iter().map(|x| self.expr(x)).collect()),
            Expression::Object(object) => {
                Kind::Object(object.iter().map(|(k, v)| (self.object_key(k), self.expr(v.expr()))).collect())
            }
            Expression::StringTemplate(t) => {
                let elements: Vec<&ht::Element> = t.iter().collect();
                // `"${x}"` is x itself, not its string.
                if let [ht::Element::Interpolation(only)] = elements.as_slice() {
                    return self.expr(&only.expr);
                }
                Kind::Template(self.elements(&elements, false, false))
            }
            Expression::HeredocTemplate(h) => {
                let elements: Vec<&ht::Element> = h.template.iter().collect();
                Kind::Template(self.elements(&elements, false, false))
            }
            Expression::Parenthesis(p) => return self.expr(p.inner()),
            Expression::Variable(v) => Kind::Variable(v.value().as_str().into()),
            Expression::Conditional(c) => Kind::Conditional(Box::new([
                self.expr(&c.cond_expr),
                self.expr(&c.true_expr),
                self.expr(&c.false_expr),
            ])),
            Expression::FuncCall(call) => Kind::Call(Box::new(Call {
                name: call.name.name.value().as_str().into(),
                namespaced: !call.name.namespace.is_empty(),
                args: call.args.iter().map(|a| self.expr(a)).collect(),
                expand_final: call.args.expand_final(),
            })),
            Expression::Traversal(t) => Kind::Traversal(Box::new(Traversal {
                root: self.expr(&t.expr),
                ops: t.operators.iter().map(|o| self.op(o)).collect(),
            })),
            Expression::UnaryOp(op) => Kind::Unary(Box::new((*op.operator.value(), self.expr(&op.expr)))),
            Expression::BinaryOp(op) => {
                Kind::Binary(Box::new((*op.operator.value(), self.expr(&op.lhs_expr), self.expr(&op.rhs_expr))))
            }
            Expression::ForExpr(f) => Kind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.value().as_str().into()),
                value_var: f.intro.value_var.value().as_str().into(),
                collection: self.expr(&f.intro.collection_expr),
                key: f.key_expr.as_ref().map(|k| self.expr(k)),
                value: self.expr(&f.value_expr),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr)),
                grouping: f.grouping,
            })),
        };
        Expr { kind, span: self.span(e.span()) }
    }

    fn object_key(&self, key: &hx::ObjectKey) -> ObjectKey {
        let renamed = |span: Option<Range<usize>>| {
            let start = span.filter(|_| self.spans)?.start;
            // A quoted key is renamed inside its quotes.
            self.renamed_keys.get(&start).or_else(|| self.renamed_keys.get(&(start + 1)))
        };
        match key {
            hx::ObjectKey::Ident(id) => {
                ObjectKey::Name(renamed(id.span()).map_or_else(|| id.value().as_str().into(), |n| n.as_str().into()))
            }
            hx::ObjectKey::Expression(Expression::String(s)) => {
                ObjectKey::Name(renamed(s.span()).map_or_else(|| s.value().as_str().into(), |n| n.as_str().into()))
            }
            hx::ObjectKey::Expression(e) => ObjectKey::Expr(self.expr(e)),
        }
    }

    fn op(&self, op: &hcl_edit::Decorated<hx::TraversalOperator>) -> Op {
        let kind = match op.value() {
            hx::TraversalOperator::GetAttr(a) => OpKind::GetAttr(a.value().as_str().into()),
            hx::TraversalOperator::Index(e) => OpKind::Index(self.expr(e)),
            hx::TraversalOperator::LegacyIndex(n) => OpKind::LegacyIndex(*n.value()),
            hx::TraversalOperator::AttrSplat(_) => OpKind::AttrSplat,
            hx::TraversalOperator::FullSplat(_) => OpKind::FullSplat,
        };
        Op { kind, span: self.span(op.span()) }
    }

    /// A template's elements; `strip_first` and `strip_last` trim the outer ends
    /// (a directive's own `~` markers, for the template inside it).
    fn elements(&self, elements: &[&ht::Element], strip_first: bool, strip_last: bool) -> Box<[Element]> {
        let mut out = Vec::with_capacity(elements.len());
        let mut strip_next = strip_first;
        for (i, element) in elements.iter().enumerate() {
            let strip_before = match elements.get(i + 1) {
                Some(next) => strips_start(next),
                None => strip_last,
            };
            out.push(match element {
                ht::Element::Literal(lit) => {
                    let mut s: &str = lit.as_str();
                    if strip_next {
                        s = s.trim_start();
                    }
                    if strip_before {
                        s = s.trim_end();
                    }
                    Element::Literal(unescape_literal(s).into())
                }
                ht::Element::Interpolation(interp) => Element::Interpolation(self.expr(&interp.expr)),
                ht::Element::Directive(d) => match &**d {
                    ht::Directive::If(d) => {
                        let then: Vec<&ht::Element> = d.if_expr.template.iter().collect();
                        let then_ends = match &d.else_expr {
                            Some(e) => e.strip.strip_start(),
                            None => d.endif_expr.strip.strip_start(),
                        };
                        let otherwise = match &d.else_expr {
                            Some(e) => {
                                let items: Vec<&ht::Element> = e.template.iter().collect();
                                self.elements(&items, e.strip.strip_end(), d.endif_expr.strip.strip_start())
                            }
                            None => Box::default(),
                        };
                        Element::If(Box::new(IfDirective {
                            cond: self.expr(&d.if_expr.cond_expr),
                            then: self.elements(&then, d.if_expr.strip.strip_end(), then_ends),
                            otherwise,
                        }))
                    }
                    ht::Directive::For(d) => {
                        let body: Vec<&ht::Element> = d.for_expr.template.iter().collect();
                        Element::For(Box::new(ForDirective {
                            key_var: d.for_expr.key_var.as_ref().map(|k| k.value().as_str().into()),
                            value_var: d.for_expr.value_var.value().as_str().into(),
                            collection: self.expr(&d.for_expr.collection_expr),
                            body: self.elements(&body, d.for_expr.strip.strip_end(), d.endfor_expr.strip.strip_start()),
                        }))
                    }
                },
            });
            strip_next = strips_end(element);
        }
        out.into_boxed_slice()
    }
}

/// A template literal with `$${` and `%%{` read as `${` and `%{`.
pub(crate) fn unescape_literal(s: &str) -> String {
    s.replace("$${", "${").replace("%%{", "%{")
}

fn strips_start(e: &ht::Element) -> bool {
    match e {
        ht::Element::Interpolation(i) => i.strip.strip_start(),
        ht::Element::Directive(d) => match &**d {
            ht::Directive::If(d) => d.if_expr.strip.strip_start(),
            ht::Directive::For(d) => d.for_expr.strip.strip_start(),
        },
        ht::Element::Literal(_) => false,
    }
}

fn strips_end(e: &ht::Element) -> bool {
    match e {
        ht::Element::Interpolation(i) => i.strip.strip_end(),
        ht::Element::Directive(d) => match &**d {
            ht::Directive::If(d) => d.endif_expr.strip.strip_end(),
            ht::Directive::For(d) => d.endfor_expr.strip.strip_end(),
        },
        ht::Element::Literal(_) => false,
    }
}

/// A block label's text.
pub(crate) fn label_str(label: &hs::BlockLabel) -> &str {
    match label {
        hs::BlockLabel::String(s) => s.value().as_str(),
        hs::BlockLabel::Ident(i) => i.value().as_str(),
    }
}

/// What locating reads of a resource block's body, from either parser: each
/// attribute's and nested block's name, range and the blanks and comments around it.
#[derive(Debug, Default)]
pub(crate) struct Outline<'t> {
    pub attributes: Vec<OutlineAttribute<'t>>,
    pub blocks: Vec<OutlineBlock<'t>>,
}

/// `key = value` in an [`Outline`].
#[derive(Debug)]
pub(crate) struct OutlineAttribute<'t> {
    pub key: &'t str,
    pub span: Option<Range<usize>>,
    /// The blanks and comments on the lines before it.
    pub prefix: &'t str,
    /// The blanks and comment after it on its line.
    pub suffix: &'t str,
}

/// A nested block in an [`Outline`].
#[derive(Debug)]
pub(crate) struct OutlineBlock<'t> {
    pub ident: &'t str,
    pub label: Option<&'t str>,
    pub span: Option<Range<usize>>,
    /// The blanks and comments on the lines before it.
    pub prefix: &'t str,
    pub body: Outline<'t>,
}

impl<'t> Outline<'t> {
    /// The outline of a body hcl-edit parsed.
    fn of(body: &'t hs::Body) -> Outline<'t> {
        let decor = |d: &'t hcl_edit::Decor| (d.prefix().map_or("", |p| p), d.suffix().map_or("", |s| s));
        Outline {
            attributes: body
                .attributes()
                .map(|a| {
                    let (prefix, suffix) = decor(a.decor());
                    OutlineAttribute { key: a.key.value().as_str(), span: a.span(), prefix, suffix }
                })
                .collect(),
            blocks: body
                .blocks()
                .map(|b| OutlineBlock {
                    ident: b.ident.value().as_str(),
                    label: b.labels.first().map(label_str),
                    span: b.span(),
                    prefix: decor(b.decor()).0,
                    body: Outline::of(&b.body),
                })
                .collect(),
        }
    }
}

/// The `# envwall:ignore` comments of a `resource` or `data` block at `span` in
/// `text`, with `prefix` the blanks and comments before it; `None` when it has none.
pub(crate) fn locate(
    text: &str,
    span: Option<Range<usize>>,
    prefix: &str,
    body: &Outline,
) -> Option<Arc<[InlineSuppression]>> {
    let found = suppressions(text, span, prefix, body);
    (!found.is_empty()).then(|| found.into())
}

/// The range of `attribute` (`ingress[0].cidr_blocks`, or the longest prefix of it
/// the block writes, such as `ingress[0]`) in the `resource` or `data` block that
/// `block` spans in `text`; `None` when the block writes none of it. The block is
/// read again: only findings ask, so no run pays for the ranges of every block.
pub(crate) fn attribute_range(text: &str, block: Range<usize>, attribute: &str) -> Option<Range<usize>> {
    let snippet = text.get(block.clone())?;
    let mut ranges = Vec::new();
    match super::native::block_outline(snippet) {
        Some(outline) => attribute_ranges(&outline, "", &mut ranges),
        None => {
            // What the native parser leaves to hcl-edit.
            let body = hcl_edit::parser::parse_body(snippet).ok()?;
            let b = body.blocks().next()?;
            attribute_ranges(&Outline::of(&b.body), "", &mut ranges);
        }
    }
    let mut best: Option<&(SmolStr, Range<usize>)> = None;
    for entry in &ranges {
        let a = entry.0.as_str();
        let is_prefix = attribute == a
            || attribute.strip_prefix(a).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['));
        if is_prefix && best.is_none_or(|b| b.0.len() < a.len()) {
            best = Some(entry);
        }
    }
    best.map(|b| b.1.start + block.start..b.1.end + block.start)
}

/// `ingress[0].cidr_blocks` → its range, for every attribute and nested block.
fn attribute_ranges(body: &Outline, prefix: &str, out: &mut Vec<(SmolStr, Range<usize>)>) {
    for attr in &body.attributes {
        if let Some(span) = &attr.span {
            out.push((joined(&[prefix, attr.key]), span.clone()));
        }
    }
    let mut seen = BlockCounts::default();
    for block in &body.blocks {
        let dynamic = block.ident == "dynamic";
        let ident = if dynamic { block.label.unwrap_or(block.ident) } else { block.ident };
        let name = format!("{prefix}{ident}[{}]", seen.next(ident));
        if let Some(span) = &block.span {
            out.push((SmolStr::from(&name), span.clone()));
        }
        let inner = format!("{name}.");
        let body = if dynamic {
            match block.body.blocks.iter().find(|b| b.ident == "content") {
                Some(c) => &c.body,
                None => continue,
            }
        } else {
            &block.body
        };
        attribute_ranges(body, &inner, out);
    }
}

/// `parts` joined, without an allocation when short (most attribute paths are).
fn joined(parts: &[&str]) -> SmolStr {
    let mut out = smol_str::SmolStrBuilder::new();
    for part in parts {
        out.push_str(part);
    }
    out.finish()
}

/// How many blocks of each type a body has had so far: a block's index among its
/// kind. A body has a handful of block types, so a list beats a hash map (which
/// every body of every resource would build).
#[derive(Default)]
struct BlockCounts<'a>(Vec<(&'a str, usize)>);

impl<'a> BlockCounts<'a> {
    /// The index of the next `ident` block.
    fn next(&mut self, ident: &'a str) -> usize {
        match self.0.iter_mut().find(|(i, _)| *i == ident) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                self.0.push((ident, 1));
                0
            }
        }
    }
}

/// `# envwall:ignore EW101 -- reason` comments before the block, on its first
/// line, or before or after an attribute or nested block.
fn suppressions(text: &str, span: Option<Range<usize>>, prefix: &str, body: &Outline) -> Vec<InlineSuppression> {
    let mut out = Vec::new();
    let start = span.map_or(0, |s| s.start);
    scan_comments(text, prefix, start.saturating_sub(prefix.len()), None, &mut out);
    // A comment right after the opening brace.
    if let Some(open) = text.get(start..).and_then(|t| t.find('{')) {
        let from = start + open + 1;
        let line_end = text[from..].find('\n').map_or(text.len(), |e| from + e);
        scan_comments(text, &text[from..line_end], from, None, &mut out);
    }
    attribute_comments(text, body, "", &mut out);
    out
}

fn attribute_comments(text: &str, body: &Outline, prefix: &str, out: &mut Vec<InlineSuppression>) {
    for attr in &body.attributes {
        let Some(span) = &attr.span else { continue };
        let name = format!("{prefix}{}", attr.key);
        scan_comments(text, attr.prefix, span.start.saturating_sub(attr.prefix.len()), Some(&name), out);
        scan_comments(text, attr.suffix, span.end, Some(&name), out);
    }
    let mut seen = BlockCounts::default();
    for block in &body.blocks {
        let name = format!("{prefix}{}[{}]", block.ident, seen.next(block.ident));
        if let Some(span) = &block.span {
            scan_comments(text, block.prefix, span.start.saturating_sub(block.prefix.len()), Some(&name), out);
        }
        attribute_comments(text, &block.body, &format!("{name}."), out);
    }
}

/// Reads the suppressions in `raw`, a stretch of comments and blanks that starts at
/// byte `raw_start` of `text`.
fn scan_comments(text: &str, raw: &str, raw_start: usize, attribute: Option<&str>, out: &mut Vec<InlineSuppression>) {
    if !raw.contains("envwall:ignore") {
        return;
    }
    let mut offset = raw_start;
    for line in raw.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let comment = line.trim().trim_start_matches('#').trim_start_matches("//").trim_start_matches("/*").trim();
        let Some(rest) = comment.strip_prefix("envwall:ignore") else { continue };
        let (codes, reason) = match rest.split_once("--") {
            Some((c, r)) => (c, r.trim().trim_end_matches("*/").trim()),
            None => (rest, ""),
        };
        let rules = codes.split([' ', ',', '\t']).filter(|c| !c.is_empty()).map(str::to_uppercase).collect();
        let (line, _) = crate::model::line_column(text, at + (line.len() - line.trim_start().len()));
        out.push(InlineSuppression { rules, reason: reason.to_owned(), attribute: attribute.map(str::to_owned), line });
    }
}

/// The exact number a literal's text writes, a minus folded into it included
/// (with the blanks and comments hcl-edit allows between them).
fn exact_number(text: &str) -> Option<Number> {
    let Some(mut rest) = text.strip_prefix('-') else { return Number::parse(text) };
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/*") {
            rest = &after[after.find("*/")? + 2..];
        } else if rest.starts_with('#') || rest.starts_with("//") {
            rest = &rest[rest.find('\n')? + 1..];
        } else {
            return Number::parse(rest).map(|n| n.neg());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nested blocks are numbered within their type, `dynamic` ones by their label,
    /// and attributes inside them are named by that number.
    #[test]
    fn attribute_ranges_number_blocks_within_their_type() {
        let text = r#"resource "aws_security_group" "a" {
  name = "x"
  ingress { from_port = 1 }
  egress { from_port = 2 }
  ingress { from_port = 3 }
  dynamic "ingress" {
    for_each = []
    content { to_port = 4 }
  }
}
"#;
        let ranges = |outline: &Outline<'_>| {
            let mut out = Vec::new();
            attribute_ranges(outline, "", &mut out);
            out
        };
        let native = ranges(&super::super::native::block_outline(text.trim_end()).expect("parses"));
        // hcl-edit, which reads what the native parser leaves, gives the same.
        let body = hcl_edit::parser::parse_body(text).expect("parses");
        let edit = ranges(&Outline::of(&body.blocks().next().expect("a block").body));
        assert_eq!(native, edit);
        let names: Vec<&str> = native.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "name",
                "ingress[0]",
                "ingress[0].from_port",
                "egress[0]",
                "egress[0].from_port",
                "ingress[1]",
                "ingress[1].from_port",
                "ingress[2]",
                "ingress[2].to_port",
            ]
        );
    }

    /// A finding's attribute is found when asked, in the block cut from its file:
    /// the attribute itself, else its longest written prefix, in the file's offsets.
    #[test]
    fn attribute_range_reads_the_block_again() {
        let text = r#"# comment
resource "aws_security_group" "a" {
  name = "x"
  ingress {
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_instance" "b" {
  user_data = "%{ if true }x%{ endif }"
  tags      = { Name = "b" }
}
"#;
        let block = |address: &str| {
            let start = text.find(address).expect("the block");
            start..start + text[start..].find("\n}").expect("its end") + 2
        };
        let sg = block(r#"resource "aws_security_group""#);
        let at = |block: &Range<usize>, a: &str| attribute_range(text, block.clone(), a).map(|r| &text[r]);
        assert_eq!(at(&sg, "name"), Some(r#"name = "x""#));
        assert_eq!(at(&sg, "ingress[0].cidr_blocks"), Some(r#"cidr_blocks = ["10.0.0.0/8"]"#));
        assert_eq!(at(&sg, "ingress[0].cidr_blocks[0]"), Some(r#"cidr_blocks = ["10.0.0.0/8"]"#));
        assert_eq!(at(&sg, "ingress[0].from_port"), Some("ingress {\n    cidr_blocks = [\"10.0.0.0/8\"]\n  }"));
        assert_eq!(at(&sg, "egress[0].to_port"), None);
        assert_eq!(at(&sg, "nam"), None);
        // A template directive is hcl-edit's to read: the range is found all the same.
        let instance = block(r#"resource "aws_instance""#);
        assert!(super::super::native::block_outline(&text[instance.clone()]).is_none());
        assert_eq!(at(&instance, "tags.Name"), Some(r#"tags      = { Name = "b" }"#));
        // A range that is not a block gives none.
        assert_eq!(attribute_range(text, 0..9, "name"), None);
    }
}
