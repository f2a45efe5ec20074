//! A fast reader of Terraform's native syntax, straight into the [`ir`].
//!
//! hcl-edit builds a tree that keeps every blank and comment, about 38 times the size
//! of the file, which lowering then copies into the IR and drops: most of a source
//! check's parsing time went there. This parser reads the same grammar the way
//! hcl-edit reads it (the same spans, the same tree once lowered) for what Terraform
//! files are made of, and gives up (`None`) on anything else: a syntax error, a
//! repeated attribute or object key, a template directive (`%{ if }`), an empty
//! heredoc, a newline inside quotes, a non-ASCII identifier, deep nesting. The
//! caller then parses the file with hcl-edit, which gives the error with its
//! location, or the tree. So this parser never has to be right about what it
//! refuses, only about what it accepts; the tests compare both parsers' trees on
//! every file the repository has and on snippets of each construct.
//!
//! hcl-edit's grammar, which this follows (`hcl-edit/src/parser`):
//! - `ws` is blanks, newlines and comments; `sp` is spaces, tabs and `/* */`.
//! - A body is structures, each ended by an optional line comment and a line
//!   ending. A block body is either `{`, a line ending and a body, `}`; or `{` and at
//!   most one attribute, `}`.
//! - Inside `()`, `[]`, function arguments and `${}` newlines are blanks; in an
//!   attribute value, an object key or value, or a `for` collection they end it.
//! - A term is followed by any number of `.name`, `.0`, `.*`, `[x]`, `[*]`; binary
//!   operators bind by precedence, left to right; `? :` takes whole expressions.

use hcl_edit::expr::{BinaryOperator, UnaryOperator};

use super::ir::{
    self, Body, Call, Element, Expr, ForExpr, Kind, ObjectKey, Op, OpKind, Outline, OutlineAttribute, OutlineBlock,
    Span, Traversal,
};
use super::value::Number;

/// A file's body, and the object keys it repeats: where each later one starts,
/// and its text.
pub(crate) type Parsed = (Body, Vec<(usize, String)>);

/// The body of a `.tf` file and the object keys it repeats (where each later
/// one starts, and its text); else, where the file nests deeper than envwall
/// reads, `Err(Some(offset))`, and `Err(None)` where hcl-edit must decide.
pub(crate) fn parse_or_limit(text: &str) -> Result<Parsed, Option<(usize, Limit)>> {
    parse_telling(text).map(|(parsed, _)| parsed)
}

/// As [`parse_or_limit`], and whether the text uses what Terraform reads and
/// hcl-edit refuses (a newline inside an object `for`, more than 128 chained
/// operators, deep nesting, a number beyond a float), for the differential fuzz
/// target. It errs towards saying so.
pub(crate) fn parse_telling(text: &str) -> Result<(Parsed, bool), Option<(usize, Limit)>> {
    let mut p = Parser::new(text);
    match p.body(true, false) {
        Some((body, _)) if p.pos == p.b.len() => Ok(((body, p.repeated_keys), p.extended)),
        _ => Err(p.beyond),
    }
}

/// A limit of envwall's that a file went past, where Terraform has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Limit {
    /// Nesting deeper than [`MAX_NESTING`], or a longer chain of operators.
    Nesting,
    /// A number literal of more than [`super::number::MAX_DIGITS`] digits.
    Digits,
}

/// The deepest nesting envwall reads, in levels as people count them (brackets,
/// parentheses, blocks, calls): Terraform has none, hcl-edit stops at 64.
pub(crate) const MAX_NESTING: u32 = MAX_DEPTH / 3;

/// The outline of the body of the one block that `text` is (a `resource` or `data`
/// block cut from its file), or `None` where hcl-edit must decide.
pub(crate) fn block_outline(text: &str) -> Option<Outline<'_>> {
    let mut p = Parser::new(text);
    let start = p.pos;
    let ident = p.ident()?;
    p.sp()?;
    let (_, outline) = p.block(ident, start, "", false, true)?;
    (p.pos == p.b.len()).then_some(outline?.body)
}

/// Deeper than this, hcl-edit decides (and refuses: it stops at 64 levels, where
/// Terraform has no limit). Every level of nesting counts two or three here (an
/// expression and its term); the threads that parse have stacks for it.
pub(crate) const MAX_DEPTH: u32 = 30_000;
/// Longer chains of binary operators, hcl-edit decides (and refuses past 128,
/// where Terraform has no limit). Each operator is a level of the tree the
/// evaluator walks.
const MAX_OPERATORS: usize = 10_000;

struct Parser<'t> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    depth: u32,
    /// Where the last quoted string without interpolations began: an object key
    /// written `"name"` is a name, `"${name}"` an expression.
    plain_string_at: usize,
    /// Whether the text has any `# envwall:ignore`: only then do `resource` and
    /// `data` blocks need an outline, to find them.
    suppressible: bool,
    /// Object keys written twice in one object constructor: where the later one
    /// starts, and its text. Terraform keeps the last; hcl-edit refuses them.
    repeated_keys: Vec<(usize, String)>,
    /// Where the nesting went deeper than [`MAX_DEPTH`] or an operator chain
    /// longer than [`MAX_OPERATORS`], if it did.
    beyond: Option<(usize, Limit)>,
    /// Whether the text used what Terraform reads and hcl-edit refuses.
    extended: bool,
}

/// A part of a template before lowering.
enum Piece {
    Text(String),
    /// The expression and its `~` strip markers, before and after.
    Interpolation(Expr, bool, bool),
}

fn is_id_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_id_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Parser<'t> {
        Parser {
            text,
            b: text.as_bytes(),
            pos: 0,
            depth: 0,
            plain_string_at: usize::MAX,
            suppressible: ir::has_suppressions(text),
            repeated_keys: Vec::new(),
            beyond: None,
            extended: false,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.b.get(self.pos + n).copied()
    }

    fn starts(&self, s: &[u8]) -> bool {
        self.b[self.pos..].starts_with(s)
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        self.pos += usize::from(hit);
        hit
    }

    fn eat_str(&mut self, s: &[u8]) -> bool {
        let hit = self.starts(s);
        if hit {
            self.pos += s.len();
        }
        hit
    }

    fn enter(&mut self) -> Option<()> {
        self.enter_by(1)
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// A level hcl-edit counts once and this parser would count once too: a block
    /// body, a unary operator's operand.
    fn enter_by(&mut self, weight: u32) -> Option<()> {
        self.depth += weight;
        // hcl-edit stops at 64 levels, each two or three here.
        self.extended |= self.depth > 127;
        if self.depth > MAX_DEPTH {
            self.beyond.get_or_insert((self.pos, Limit::Nesting));
            return None;
        }
        Some(())
    }

    // ---- blanks and comments ----

    /// Spaces, tabs and `/* */` comments: hcl-edit's `sp`.
    fn sp(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'/') if self.peek_at(1) == Some(b'*') => self.block_comment()?,
                _ => return Some(()),
            }
        }
    }

    /// Blanks, newlines and comments of every kind: hcl-edit's `ws`.
    fn ws(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(b'#') => self.line_comment()?,
                Some(b'/') => match self.peek_at(1) {
                    Some(b'/') => self.line_comment()?,
                    Some(b'*') => self.block_comment()?,
                    _ => return Some(()),
                },
                _ => return Some(()),
            }
        }
    }

    /// `ws` where newlines are blanks, `sp` where they end the expression.
    fn skip(&mut self, newlines: bool) -> Option<()> {
        if newlines { self.ws() } else { self.sp() }
    }

    fn block_comment(&mut self) -> Option<()> {
        let end = self.text[self.pos + 2..].find("*/")?;
        self.pos += end + 4;
        Some(())
    }

    /// `#` or `//` up to the line ending; a lone carriage return is hcl-edit's to judge.
    fn line_comment(&mut self) -> Option<()> {
        let rest = &self.b[self.pos..];
        let n = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
        let line = &rest[..n];
        let end = if n < rest.len() && line.last() == Some(&b'\r') { n - 1 } else { n };
        if line[..end].contains(&b'\r') {
            return None;
        }
        self.pos += end;
        Some(())
    }

    /// An optional `#` or `//` comment.
    fn opt_line_comment(&mut self) -> Option<()> {
        if self.peek() == Some(b'#') || self.starts(b"//") { self.line_comment() } else { Some(()) }
    }

    fn line_ending(&mut self) -> bool {
        self.eat(b'\n') || self.eat_str(b"\r\n")
    }

    fn ident(&mut self) -> Option<&'t str> {
        let start = self.pos;
        if !self.peek().is_some_and(is_id_start) {
            return None;
        }
        self.pos += 1;
        while self.peek().is_some_and(is_id_continue) {
            self.pos += 1;
        }
        // Unicode identifiers are hcl-edit's.
        if self.peek().is_some_and(|c| !c.is_ascii()) {
            return None;
        }
        Some(&self.text[start..self.pos])
    }

    // ---- structure ----

    /// A body up to the end of the text (`top`) or up to its closing brace. With
    /// `outline`, also what locating needs of it.
    fn body(&mut self, top: bool, outline: bool) -> Option<(Body, Outline<'t>)> {
        let mut attributes = Vec::new();
        let mut blocks = Vec::new();
        let mut lines = Outline::default();
        loop {
            let prefix_start = self.pos;
            self.ws()?;
            match self.peek() {
                None if top => break,
                Some(b'}') if !top => break,
                _ => {}
            }
            let start = self.pos;
            let prefix = &self.text[prefix_start..start];
            let ident = self.ident()?;
            self.sp()?;
            if self.eat(b'=') {
                self.sp()?;
                let value = self.expr(false)?;
                let end = self.pos;
                attributes.push(ir::Attribute { key: ident.into(), value });
                self.sp()?;
                self.opt_line_comment()?;
                if outline {
                    let suffix = &self.text[end..self.pos];
                    lines.attributes.push(OutlineAttribute { key: ident, span: Some(start..end), prefix, suffix });
                }
            } else {
                let (block, inner) = self.block(ident, start, prefix, top, outline)?;
                lines.blocks.extend(inner);
                blocks.push(block);
                self.sp()?;
                self.opt_line_comment()?;
            }
            let ended = self.line_ending() || (top && self.pos == self.b.len());
            if !ended {
                return None;
            }
        }
        if repeats(attributes.iter().map(|a| &*a.key)) {
            return None;
        }
        Some((Body { attributes: exact(attributes), blocks: exact(blocks) }, lines))
    }

    /// `ident labels... { body }`, the identifier read. Inside a located `resource`
    /// or `data` block, also its outline.
    fn block(
        &mut self,
        ident: &'t str,
        start: usize,
        prefix: &'t str,
        top: bool,
        in_located: bool,
    ) -> Option<(ir::Block, Option<OutlineBlock<'t>>)> {
        let mut labels: Vec<Box<str>> = Vec::new();
        let mut first_label = None;
        loop {
            let from = self.pos;
            let label = match self.peek() {
                Some(b'"') => {
                    let Expr { kind: Kind::String(s), .. } = self.quoted()? else { return None };
                    let raw = &self.text[from + 1..self.pos - 1];
                    // Labels are plain strings; an outline borrows one without escapes.
                    if self.plain_string_at != from || (in_located && raw != &*s) {
                        return None;
                    }
                    first_label.get_or_insert(raw);
                    s
                }
                Some(c) if is_id_start(c) => {
                    let name = self.ident()?;
                    first_label.get_or_insert(name);
                    name.into()
                }
                _ => break,
            };
            labels.push(label.as_str().into());
            self.sp()?;
        }
        if !self.eat(b'{') {
            return None;
        }
        self.enter_by(2)?;
        let locate = top && matches!(ident, "resource" | "data") && self.suppressible;
        let outline = locate || in_located;
        let after_brace = self.pos;
        self.sp()?;
        self.opt_line_comment()?;
        let (body, lines) = if self.line_ending() {
            self.body(false, outline)?
        } else {
            self.pos = after_brace;
            self.one_line_body(outline)?
        };
        if !self.eat(b'}') {
            return None;
        }
        self.depth -= 2;
        let span = start..self.pos;
        let suppressions = locate.then(|| ir::locate(self.text, Some(span.clone()), prefix, &lines)).flatten();
        let block = ir::Block {
            ident: ident.into(),
            labels: exact(labels),
            body,
            span: Span::new(span.start, span.end),
            suppressions,
            overrides: Vec::new(),
        };
        let outline =
            in_located.then_some(OutlineBlock { ident, label: first_label, span: Some(span), prefix, body: lines });
        Some((block, outline))
    }

    /// `{ key = value }` or `{}` after the brace, up to the closing one.
    fn one_line_body(&mut self, outline: bool) -> Option<(Body, Outline<'t>)> {
        let mut lines = Outline::default();
        let mut attributes = Vec::new();
        let prefix_start = self.pos;
        self.sp()?;
        if self.peek().is_some_and(is_id_start) {
            let start = self.pos;
            let prefix = &self.text[prefix_start..start];
            let key = self.ident()?;
            self.sp()?;
            if !self.eat(b'=') {
                return None;
            }
            self.sp()?;
            let value = self.expr(false)?;
            let end = self.pos;
            self.sp()?;
            if outline {
                let suffix = &self.text[end..self.pos];
                lines.attributes.push(OutlineAttribute { key, span: Some(start..end), prefix, suffix });
            }
            attributes.push(ir::Attribute { key: key.into(), value });
        }
        Some((Body { attributes: exact(attributes), blocks: Box::default() }, lines))
    }

    // ---- expressions ----

    /// An expression: terms, binary operators, a conditional.
    fn expr(&mut self, newlines: bool) -> Option<Expr> {
        self.enter()?;
        let start = self.pos;
        let mut lhs = self.term(newlines)?;
        loop {
            let save = self.pos;
            self.skip(newlines)?;
            match (self.peek(), self.peek_at(1)) {
                (Some(b'?'), _) => {
                    self.pos += 1;
                    self.skip(newlines)?;
                    let then = self.expr(newlines)?;
                    self.skip(newlines)?;
                    if !self.eat(b':') {
                        return None;
                    }
                    self.skip(newlines)?;
                    let otherwise = self.expr(newlines)?;
                    self.leave();
                    let kind = Kind::Conditional(Box::new([lhs, then, otherwise]));
                    return Some(Expr { kind, span: Span::new(start, self.pos) });
                }
                (Some(c), next) if starts_operator(c, next) => {
                    self.pos = save;
                    lhs = self.binary(newlines, lhs, Span::new(start, save))?;
                }
                _ => {
                    self.pos = save;
                    self.leave();
                    return Some(lhs);
                }
            }
        }
    }

    /// A chain of binary operators after `lhs` (which spans `outer`, parentheses
    /// included), grouped by precedence.
    fn binary(&mut self, newlines: bool, lhs: Expr, outer: Span) -> Option<Expr> {
        let mut operands = vec![(lhs, outer)];
        let mut operators = Vec::new();
        loop {
            let save = self.pos;
            self.skip(newlines)?;
            let Some(op) = self.operator() else {
                if operators.is_empty() {
                    return None;
                }
                self.pos = save;
                break;
            };
            self.skip(newlines)?;
            let from = self.pos;
            let term = self.term(newlines)?;
            operands.push((term, Span::new(from, self.pos)));
            operators.push(op);
        }
        self.extended |= operators.len() > 128;
        if operators.len() > MAX_OPERATORS {
            self.beyond.get_or_insert((self.pos, Limit::Nesting));
            return None;
        }
        Some(group(operands, operators))
    }

    fn operator(&mut self) -> Option<BinaryOperator> {
        use BinaryOperator as B;
        let (op, len) = match (self.peek()?, self.peek_at(1)) {
            (b'=', Some(b'=')) => (B::Eq, 2),
            (b'!', Some(b'=')) => (B::NotEq, 2),
            (b'<', Some(b'=')) => (B::LessEq, 2),
            (b'>', Some(b'=')) => (B::GreaterEq, 2),
            (b'<', _) => (B::Less, 1),
            (b'>', _) => (B::Greater, 1),
            (b'+', _) => (B::Plus, 1),
            (b'-', _) => (B::Minus, 1),
            (b'*', _) => (B::Mul, 1),
            (b'/', Some(b'/' | b'*')) => return None,
            (b'/', _) => (B::Div, 1),
            (b'%', _) => (B::Mod, 1),
            (b'&', Some(b'&')) => (B::And, 2),
            (b'|', Some(b'|')) => (B::Or, 2),
            _ => return None,
        };
        self.pos += len;
        Some(op)
    }

    /// A term and the traversal steps after it.
    fn term(&mut self, newlines: bool) -> Option<Expr> {
        self.enter()?;
        let start = self.pos;
        let kind = match self.peek()? {
            b'"' => {
                let e = self.quoted()?;
                self.leave();
                return self.traversal(newlines, start, e);
            }
            b'[' => self.array()?,
            b'{' => self.object()?,
            b'0'..=b'9' => self.number(false)?,
            b'<' => self.heredoc()?,
            b'-' => {
                self.pos += 1;
                self.sp()?;
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.number(true)?
                } else {
                    self.unary(UnaryOperator::Neg, newlines)?
                }
            }
            b'!' => {
                self.pos += 1;
                self.sp()?;
                self.unary(UnaryOperator::Not, newlines)?
            }
            b'(' => {
                self.pos += 1;
                self.ws()?;
                let inner = self.expr(true)?;
                self.ws()?;
                if !self.eat(b')') {
                    return None;
                }
                // A parenthesized expression is the expression itself.
                self.leave();
                return self.traversal(newlines, start, inner);
            }
            c if is_id_start(c) => self.identlike(newlines)?,
            _ => return None,
        };
        self.leave();
        self.traversal(newlines, start, Expr { kind, span: Span::new(start, self.pos) })
    }

    /// The operand of `op`, just read.
    fn unary(&mut self, op: UnaryOperator, newlines: bool) -> Option<Kind> {
        self.enter_by(1)?;
        let operand = self.term(newlines)?;
        self.leave();
        Some(Kind::Unary(Box::new((op, operand))))
    }

    /// `root` and the traversal steps after it, if any.
    fn traversal(&mut self, newlines: bool, start: usize, root: Expr) -> Option<Expr> {
        let mut ops = Vec::new();
        loop {
            let save = self.pos;
            self.skip(newlines)?;
            match self.peek() {
                Some(b'[') => ops.push(self.index()?),
                Some(b'.') if !self.starts(b"..") => ops.push(self.attr()?),
                _ => {
                    self.pos = save;
                    break;
                }
            }
        }
        if ops.is_empty() {
            return Some(root);
        }
        let kind = Kind::Traversal(Box::new(Traversal { root, ops: exact(ops) }));
        Some(Expr { kind, span: Span::new(start, self.pos) })
    }

    /// `.name`, `.0`, `.*`.
    fn attr(&mut self) -> Option<Op> {
        let start = self.pos;
        self.pos += 1;
        self.ws()?;
        let kind = match self.peek()? {
            b'*' => {
                self.pos += 1;
                OpKind::AttrSplat
            }
            b'0'..=b'9' => {
                let from = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
                // `.01` is index 1 to Terraform; hcl-edit refuses a leading zero.
                self.extended |= self.pos - from > 1 && self.b[from] == b'0';
                OpKind::LegacyIndex(self.text[from..self.pos].parse().ok()?)
            }
            c if is_id_start(c) => OpKind::GetAttr(self.ident()?.into()),
            _ => return None,
        };
        Some(Op { kind, span: Span::new(start, self.pos) })
    }

    /// `[x]`, `[*]`.
    fn index(&mut self) -> Option<Op> {
        let start = self.pos;
        self.pos += 1;
        self.ws()?;
        let kind = if self.eat(b'*') { OpKind::FullSplat } else { OpKind::Index(self.expr(true)?) };
        self.ws()?;
        if !self.eat(b']') {
            return None;
        }
        Some(Op { kind, span: Span::new(start, self.pos) })
    }

    /// A number; `negative` after a `-`.
    fn number(&mut self, negative: bool) -> Option<Kind> {
        let from = self.pos;
        let digits = |p: &mut Self| {
            let at = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos > at
        };
        digits(self);
        if self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
            digits(self);
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            let _ = self.eat(b'+') || self.eat(b'-');
            if !digits(self) {
                return None;
            }
        }
        // Exact, as Terraform's (`1e400` is a 1 and 400 zeros).
        let Some(value) = Number::parse(&self.text[from..self.pos]) else {
            self.beyond.get_or_insert((from, Limit::Digits));
            return None;
        };
        self.extended |= self.text[from..self.pos].parse::<f64>().is_ok_and(|f| !f.is_finite());
        Some(Kind::Number(if negative { value.neg() } else { value }))
    }

    /// A name: a variable, a keyword, or a function call.
    fn identlike(&mut self, newlines: bool) -> Option<Kind> {
        let mut name = self.ident()?;
        let save = self.pos;
        self.skip(newlines)?;
        if !(self.starts(b"::") || self.peek() == Some(b'(')) {
            self.pos = save;
            return Some(match name {
                "null" => Kind::Null,
                "true" => Kind::Bool(true),
                "false" => Kind::Bool(false),
                _ => Kind::Variable(name.into()),
            });
        }
        let mut namespaced = false;
        while self.eat_str(b"::") {
            self.skip(newlines)?;
            name = self.ident()?;
            self.skip(newlines)?;
            namespaced = true;
        }
        if !self.eat(b'(') {
            return None;
        }
        let mut args = Vec::new();
        let mut expand_final = false;
        self.ws()?;
        if !self.eat(b')') {
            loop {
                if matches!(self.peek()?, b',' | b'.' | b')') {
                    return None;
                }
                args.push(self.expr(true)?);
                self.ws()?;
                if self.eat(b',') {
                    self.ws()?;
                    if self.eat(b')') {
                        break;
                    }
                } else if self.eat_str(b"...") {
                    expand_final = true;
                    self.ws()?;
                    if !self.eat(b')') {
                        return None;
                    }
                    break;
                } else if self.eat(b')') {
                    break;
                } else {
                    return None;
                }
            }
        }
        Some(Kind::Call(Box::new(Call { name: name.into(), namespaced, args: exact(args), expand_final })))
    }

    /// Whether `for` opens the brackets just read.
    fn for_follows(&mut self) -> Option<bool> {
        let save = self.pos;
        self.ws()?;
        let found = self.starts(b"for") && matches!(self.peek_at(3), Some(b' ' | b'\t' | b'#' | b'/' | b'\n'));
        self.pos = save;
        Some(found)
    }

    /// `for k, v in collection :`, returning the two names and the collection.
    fn for_intro(&mut self) -> Option<(Option<Box<str>>, Box<str>, Expr)> {
        self.ws()?;
        self.pos += 3;
        self.ws()?;
        let first = self.ident()?;
        self.ws()?;
        let second = if self.eat(b',') {
            self.ws()?;
            let second = self.ident()?;
            self.ws()?;
            Some(second)
        } else {
            None
        };
        if !self.eat_str(b"in") {
            return None;
        }
        self.ws()?;
        let collection = self.expr(true)?;
        self.ws()?;
        if !self.eat(b':') {
            return None;
        }
        Some(match second {
            Some(value) => (Some(first.into()), value.into(), collection),
            None => (None, first.into(), collection),
        })
    }

    /// An optional `if cond` at the end of a `for`.
    fn for_cond(&mut self) -> Option<Option<Expr>> {
        self.ws()?;
        if !self.eat_str(b"if") {
            return Some(None);
        }
        self.ws()?;
        let cond = self.expr(true)?;
        self.ws()?;
        Some(Some(cond))
    }

    fn array(&mut self) -> Option<Kind> {
        self.pos += 1;
        if self.for_follows()? {
            let (key_var, value_var, collection) = self.for_intro()?;
            self.ws()?;
            let value = self.expr(true)?;
            let cond = self.for_cond()?;
            if !self.eat(b']') {
                return None;
            }
            let f = ForExpr { key_var, value_var, collection, key: None, value, cond, grouping: false };
            return Some(Kind::For(Box::new(f)));
        }
        let mut items = Vec::new();
        loop {
            self.ws()?;
            if self.eat(b']') {
                break;
            }
            items.push(self.expr(true)?);
            self.ws()?;
            if !self.eat(b',') {
                if self.eat(b']') {
                    break;
                }
                return None;
            }
        }
        Some(Kind::Array(exact(items)))
    }

    fn object(&mut self) -> Option<Kind> {
        self.pos += 1;
        if self.for_follows()? {
            let (key_var, value_var, collection) = self.for_intro()?;
            self.ws()?;
            // Inside a `for`, newlines are blanks, as in Terraform (hcl-edit ends
            // the key and the value at one, and refuses `k =>` then a value split
            // over lines).
            let key_at = self.pos;
            let key = self.expr(true)?;
            self.ws()?;
            if !self.eat_str(b"=>") {
                return None;
            }
            self.ws()?;
            let value = self.expr(true)?;
            self.extended |= self.b[key_at..self.pos].contains(&b'\n');
            self.ws()?;
            let grouping = self.eat_str(b"...");
            let cond = self.for_cond()?;
            if !self.eat(b'}') {
                return None;
            }
            let f = ForExpr { key_var, value_var, collection, key: Some(key), value, cond, grouping };
            return Some(Kind::For(Box::new(f)));
        }
        let mut items = Vec::new();
        // Each key as written (an expression by its text without blanks), to find
        // the repeated ones.
        let mut seen_keys: Vec<String> = Vec::new();
        loop {
            self.ws()?;
            if self.eat(b'}') {
                break;
            }
            let start = self.pos;
            let first = self.peek()?;
            // A key starting otherwise would continue the previous value in hcl-edit.
            if !(is_id_start(first) || matches!(first, b'"' | b'(' | b'0'..=b'9')) {
                return None;
            }
            let key = self.expr(false)?;
            let (key, written) = match key.kind {
                Kind::Variable(name) if is_id_start(first) => (ObjectKey::Name(name.clone()), format!("n{name}")),
                Kind::String(s) if self.plain_string_at == start => (ObjectKey::Name(s.clone()), format!("n{s}")),
                kind => {
                    let text = self.text[start..self.pos].replace(|c: char| c.is_ascii_whitespace(), "");
                    (ObjectKey::Expr(Expr { kind, span: key.span }), format!("e{text}"))
                }
            };
            if seen_keys.contains(&written) {
                self.repeated_keys.push((start, written[1..].to_owned()));
            } else {
                seen_keys.push(written);
            }
            self.sp()?;
            if !(self.eat(b'=') || self.eat(b':')) {
                return None;
            }
            self.sp()?;
            let value = self.expr(false)?;
            self.sp()?;
            items.push((key, value));
            match self.peek()? {
                b'}' => {
                    self.pos += 1;
                    break;
                }
                b',' => self.pos += 1,
                b'#' | b'/' => {
                    if !self.starts(b"/*") {
                        self.line_comment()?;
                    }
                    if !self.line_ending() {
                        return None;
                    }
                }
                _ => {
                    if !self.line_ending() {
                        return None;
                    }
                }
            }
        }
        Some(Kind::Object(exact(items)))
    }

    // ---- strings ----

    /// A quoted string: a string, the expression of `"${x}"` (with its own span),
    /// or a template.
    fn quoted(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.pos += 1;
        let mut pieces = Vec::new();
        let mut text = String::new();
        loop {
            let rest = &self.b[self.pos..];
            let n = rest.iter().position(|&c| matches!(c, b'"' | b'\\' | b'$' | b'%' | b'\n' | b'\r'))?;
            // Most strings are plain (no escape, no template): made from the text
            // itself, with no buffer.
            if rest[n] == b'"' && pieces.is_empty() && text.is_empty() {
                let kind = Kind::String(self.text[self.pos..self.pos + n].into());
                self.pos += n + 1;
                self.plain_string_at = start;
                return Some(Expr { kind, span: Span::new(start, self.pos) });
            }
            text.push_str(&self.text[self.pos..self.pos + n]);
            self.pos += n;
            match self.b[self.pos] {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => text.push(self.escape()?),
                b'$' | b'%' => self.template_marker(&mut text, &mut pieces)?,
                // hcl-edit takes a newline inside quotes; Terraform does not.
                _ => return None,
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        let kind = match (pieces.len(), pieces.pop()) {
            (0, _) => Kind::String("".into()),
            (1, Some(Piece::Text(text))) => Kind::String(text.as_str().into()),
            // `"${x}"` is x itself, not its string.
            (1, Some(Piece::Interpolation(e, ..))) => return Some(e),
            (_, last) => {
                pieces.extend(last);
                Kind::Template(lower(pieces))
            }
        };
        if matches!(kind, Kind::String(_)) {
            self.plain_string_at = start;
        }
        Some(Expr { kind, span: Span::new(start, self.pos) })
    }

    /// At `$` or `%` in a template: an escape, an interpolation, or a literal sign.
    fn template_marker(&mut self, text: &mut String, pieces: &mut Vec<Piece>) -> Option<()> {
        let sign = self.b[self.pos];
        if self.starts(b"$${") || self.starts(b"%%{") {
            text.push(char::from(sign));
            text.push('{');
            self.pos += 3;
        } else if self.peek_at(1) == Some(b'{') {
            // Directives are hcl-edit's.
            if sign == b'%' {
                return None;
            }
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(text)));
            }
            self.pos += 2;
            let strip_start = self.eat(b'~');
            self.ws()?;
            let e = self.expr(true)?;
            self.ws()?;
            let strip_end = self.eat(b'~');
            if !self.eat(b'}') {
                return None;
            }
            pieces.push(Piece::Interpolation(e, strip_start, strip_end));
        } else {
            text.push(char::from(sign));
            self.pos += 1;
        }
        Some(())
    }

    /// `\n`, `\r`, `\t`, `\\`, `\"`, `\uXXXX`, `\UXXXXXXXX`.
    fn escape(&mut self) -> Option<char> {
        self.pos += 1;
        let c = self.peek()?;
        self.pos += 1;
        Some(match c {
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'\\' => '\\',
            b'"' => '"',
            b'u' | b'U' => {
                let len = if c == b'u' { 4 } else { 8 };
                let hex = self.text.get(self.pos..self.pos + len)?;
                if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                    return None;
                }
                self.pos += len;
                char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
            }
            _ => return None,
        })
    }

    /// `<<EOF` or `<<-EOF`, its lines, and the closing delimiter.
    fn heredoc(&mut self) -> Option<Kind> {
        if !self.eat_str(b"<<") {
            return None;
        }
        let indented = self.eat(b'-');
        let delimiter = self.ident()?;
        if !self.line_ending() {
            return None;
        }
        // An empty heredoc: hcl-edit reads it its own way.
        if self.at_delimiter(self.pos, delimiter)? {
            return None;
        }
        let mut pieces = Vec::new();
        let mut text = String::new();
        let line_ending = loop {
            let rest = &self.b[self.pos..];
            let n = rest.iter().position(|&c| matches!(c, b'$' | b'%' | b'\n' | b'\r'))?;
            text.push_str(&self.text[self.pos..self.pos + n]);
            self.pos += n;
            match self.b[self.pos] {
                b'$' | b'%' => self.template_marker(&mut text, &mut pieces)?,
                c => {
                    let ending: &'static str = if c == b'\n' {
                        "\n"
                    } else if self.starts(b"\r\n") {
                        "\r\n"
                    } else {
                        ""
                    };
                    if !ending.is_empty() && self.at_delimiter(self.pos + ending.len(), delimiter)? {
                        self.pos += ending.len();
                        break ending;
                    }
                    text.push(char::from(c));
                    self.pos += 1;
                }
            }
        };
        // The last line ending belongs to the last literal.
        text.push_str(line_ending);
        pieces.push(Piece::Text(text));
        merge_trailing_text(&mut pieces);
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.pos += delimiter.len();
        if indented {
            dedent(&mut pieces);
        }
        Some(Kind::Template(lower(pieces)))
    }

    /// Whether the line at `at` is blanks, then `delimiter`, then no identifier
    /// character; `None` when a non-ASCII character makes that hcl-edit's call.
    fn at_delimiter(&self, at: usize, delimiter: &str) -> Option<bool> {
        let mut p = at;
        while matches!(self.b.get(p), Some(b' ' | b'\t')) {
            p += 1;
        }
        if !self.b[p..].starts_with(delimiter.as_bytes()) {
            return Some(false);
        }
        match self.b.get(p + delimiter.len()) {
            Some(c) if !c.is_ascii() => None,
            Some(&c) => Some(!is_id_continue(c)),
            None => Some(true),
        }
    }
}

/// Whether `c` (then `next`) starts a binary operator after a term. `//` and `/*`
/// start comments, and a lone `=` belongs to an object item.
fn starts_operator(c: u8, next: Option<u8>) -> bool {
    match c {
        b'/' => !matches!(next, Some(b'/' | b'*')),
        b'=' => next == Some(b'='),
        b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'%' | b'&' | b'|' => true,
        _ => false,
    }
}

/// Operands (with their spans, parentheses included) and the operators between
/// them, as a tree: higher precedence first, then left to right.
fn group(operands: Vec<(Expr, Span)>, operators: Vec<BinaryOperator>) -> Expr {
    fn reduce(out: &mut Vec<(Expr, Span)>, op: BinaryOperator) {
        let (Some((rhs, rhs_span)), Some((lhs, lhs_span))) = (out.pop(), out.pop()) else { return };
        let span = Span::join(lhs_span, rhs_span);
        out.push((Expr { kind: Kind::Binary(Box::new((op, lhs, rhs))), span }, span));
    }
    let mut operands = operands.into_iter();
    let mut out: Vec<(Expr, Span)> = operands.next().into_iter().collect();
    let mut pending: Vec<BinaryOperator> = Vec::new();
    for (op, rhs) in operators.into_iter().zip(operands) {
        while let Some(&top) = pending.last() {
            if top.precedence() < op.precedence() {
                break;
            }
            pending.pop();
            reduce(&mut out, top);
        }
        pending.push(op);
        out.push(rhs);
    }
    while let Some(op) = pending.pop() {
        reduce(&mut out, op);
    }
    out.pop().expect("one operand is left").0
}

/// `items` in an allocation of their size: a shrinking reallocation may keep the
/// larger block, and these live until evaluation ends.
fn exact<T>(items: Vec<T>) -> Box<[T]> {
    if items.len() == items.capacity() {
        return items.into_boxed_slice();
    }
    let mut out = Vec::with_capacity(items.len());
    out.extend(items);
    out.into_boxed_slice()
}

/// Whether any name comes twice.
fn repeats<'a>(names: impl Iterator<Item = &'a str>) -> bool {
    let mut names: Vec<&str> = names.collect();
    if names.len() < 2 {
        return false;
    }
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}

/// Two literals in a row (a heredoc's last line ending after a literal) are one.
fn merge_trailing_text(pieces: &mut Vec<Piece>) {
    if let [.., Piece::Text(_), Piece::Text(_)] = pieces.as_slice()
        && let Some(Piece::Text(last)) = pieces.pop()
        && let Some(Piece::Text(before)) = pieces.last_mut()
    {
        before.push_str(&last);
    }
}

/// A `<<-` heredoc's literals without the indent every line shares, as hcl-edit
/// computes it (`Template::dedent`).
fn dedent(pieces: &mut [Piece]) {
    let mut indent: Option<usize> = None;
    let mut skip_first_line = false;
    for piece in pieces.iter() {
        match piece {
            Piece::Text(text) => {
                if let Some(n) = min_leading_whitespace(text, skip_first_line) {
                    indent = Some(indent.map_or(n, |i| i.min(n)));
                }
                skip_first_line = !text.ends_with('\n');
            }
            // An interpolation at the start of a line: nothing can be stripped.
            Piece::Interpolation(..) if !skip_first_line => return,
            Piece::Interpolation(..) => {}
        }
    }
    let Some(indent) = indent else { return };
    skip_first_line = false;
    for piece in pieces.iter_mut() {
        match piece {
            Piece::Text(text) => {
                *text = dedent_by(text, indent, skip_first_line);
                skip_first_line = !text.ends_with('\n');
            }
            Piece::Interpolation(..) => skip_first_line = true,
        }
    }
}

fn min_leading_whitespace(s: &str, skip_first: bool) -> Option<usize> {
    if s.is_empty() {
        return None;
    }
    let mut least: Option<usize> = None;
    for (i, line) in s.lines().enumerate() {
        if (i == 0 && skip_first) || line.is_empty() {
            continue;
        }
        let n = line.chars().take_while(|c| c.is_whitespace()).count();
        if n == 0 {
            return None;
        }
        least = Some(least.map_or(n, |l| l.min(n)));
    }
    least
}

fn dedent_by(s: &str, n: usize, skip_first: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.lines().enumerate() {
        if i == 0 && skip_first {
            out.push_str(line);
        } else if !line.is_empty() {
            out.extend(line.chars().skip(n));
        }
        out.push('\n');
    }
    if out.ends_with('\n') && !s.ends_with('\n') {
        out.pop();
    }
    out
}

/// A template's pieces as IR elements, with `~` strip markers applied to the
/// literals beside them (as [`ir::Lowering`] does).
fn lower(pieces: Vec<Piece>) -> Box<[Element]> {
    let strips: Vec<(bool, bool)> = pieces
        .iter()
        .map(|p| match p {
            Piece::Interpolation(_, start, end) => (*start, *end),
            Piece::Text(_) => (false, false),
        })
        .collect();
    pieces
        .into_iter()
        .enumerate()
        .map(|(i, piece)| match piece {
            Piece::Text(text) => {
                let mut s = text.as_str();
                if i > 0 && strips[i - 1].1 {
                    s = s.trim_start();
                }
                if strips.get(i + 1).is_some_and(|n| n.0) {
                    s = s.trim_end();
                }
                Element::Literal(ir::unescape_literal(s).into())
            }
            Piece::Interpolation(e, ..) => Element::Interpolation(e),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::hash::FastMap;
    use std::path::Path;

    use super::super::ir::Lowering;

    /// The IR hcl-edit and lowering give, as text, or `None` on a syntax error.
    fn by_hcl_edit(text: &str) -> Option<String> {
        let body = hcl_edit::parser::parse_body(text).ok()?;
        let renamed = FastMap::default();
        Some(format!(
            "{:#?}",
            Lowering { text, renamed_keys: &renamed, spans: true, suppressible: super::ir::has_suppressions(text) }
                .body(&body)
        ))
    }

    fn by_native(text: &str) -> Option<String> {
        super::parse_or_limit(text).ok().map(|(body, _)| format!("{body:#?}"))
    }

    /// Whether this parser read `text`; when it did, its tree is hcl-edit's.
    fn agrees(text: &str) -> bool {
        let Some(native) = by_native(text) else { return false };
        let Some(reference) = by_hcl_edit(text) else {
            panic!("hcl-edit refuses what this parser read:\n{text}\n{native}")
        };
        assert_same(&native, &reference, text);
        true
    }

    /// Fails with the first lines where the two trees differ.
    fn assert_same(native: &str, reference: &str, what: &str) {
        if native == reference {
            return;
        }
        let (a, b): (Vec<&str>, Vec<&str>) = (native.lines().collect(), reference.lines().collect());
        let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
        let from = at.saturating_sub(12);
        panic!(
            "trees differ for:\n{what}\n--- this parser, from line {from}:\n{}\n--- hcl-edit:\n{}",
            a[from..(at + 4).min(a.len())].join("\n"),
            b[from..(at + 4).min(b.len())].join("\n")
        );
    }

    /// Snippets this parser reads, one per construct.
    const READ: &[&str] = &[
        "",
        "\n\n",
        "a = 1",
        "a = 1\n",
        "a = 1\r\nb = 2\r\n",
        "# c\na = 1 # after\n// c2\nb = 2 // after\n/* block */ c = 3 /* x */\n",
        "a = 1.5\nb = 1e3\nc = 2.5E-3\nd = -7\ne = - 0\nf = 18446744073709551616\ng = -1.0\n",
        "a = true\nb = false\nc = null\nd = nullable\n",
        "a = \"x\"\nb = \"\"\nc = \"tab\\there \\\"q\\\" \\\\ \\u00e9 \\U0001F600\"\n",
        "a = \"$${x} %%{y} $ % $$ 100%\"\n",
        "a = \"${var.x}\"\nb = \"pre-${var.x}-post\"\nc = \"${a}${b}\"\n",
        "a = \"x ${~ var.y ~} z\"\nb = \"${ var.y ~}  tail\"\n",
        "a = [1, 2, 3]\nb = []\nc = [\n  1,\n  2,\n]\nd = [ # c\n  x, // c\n  y /* c */\n]\n",
        "a = {}\nb = { x = 1, y = 2 }\nc = {\n  x = 1\n  \"y\" = 2\n  z : 3,\n  (k) = 4\n  \"${k}\" = 5 # c\n  k.v = 6\n  7 = 8\n}\n",
        "a = { \"a b\" = 1 }\n",
        "a = var.x\nb = var.x.y\nc = var.list[0]\nd = var.l.0.name\ne = var.l[*].id\nf = var.l.*.id\ng = aws_instance.web[count.index].id\nh = var.m[\"k\"]\n",
        "a = var.l [0]\nb = var.o . name\nc = var.l[\n  0\n]\n",
        "a = f()\nb = f(1)\nc = f(1, 2,)\nd = f(\n  1,\n  2\n)\ne = f(var.l...)\ng = provider::aws::arn_parse(x)\nh = f (1)\n",
        "a = 1 + 2 * 3\nb = (1 + 2) * 3\nc = a || b && c == d\nd = a < b\ne = a <= b\nf = a > b\ng = a >= b\nh = a != b\ni = a - b - c\nj = a / b % c\n",
        "a = -x\nb = !x\nc = !x == y\nd = -x.y\ne = - x\nf = a - -1\n",
        "a = x ? 1 : 2\nb = x ? y ? 1 : 2 : 3\nc = x == 1 ? a : b + 1\nd = (x\n  ? 1\n  : 2)\n",
        "a = [for x in var.l : x]\nb = [for i, x in var.l : x if i > 0]\nc = {for k, v in var.m : k => v}\nd = {for k, v in var.m : v => k...}\ne = {for k, v in var.m : k => v if v != null}\n",
        "a = [\n  for x in var.l :\n  upper(x)\n  if x != \"\"\n]\nb = {\n  for k, v in var.m :\n  k => v\n}\n",
        "a = <<EOF\nline one\n  ${var.x}\nEOF\n",
        "a = <<-EOT\n    indented\n      more\n    ${var.x} end\n    EOT\n",
        "a = <<EOF\n{\n  \"Version\": \"2012-10-17\",\n  \"Id\": \"${var.id}\"\n}\nEOF\nb = 1\n",
        "a = <<EOF\r\nwindows\r\nEOF\r\n",
        "a = <<-EOF\n  x\n\n  y\n  EOF\n",
        "a = <<EOF\n${x}\nEOF\n",
        "a = <<EOF\ntext $${literal}\nEOF\n",
        "a = jsonencode({\n  Statement = [{\n    Effect = \"Allow\"\n    Action = [\"s3:*\"]\n  }]\n})\n",
        "resource \"aws_instance\" \"web\" {\n  ami = \"ami-1\"\n  tags = {\n    Name = \"web\"\n  }\n}\n",
        "resource aws_instance web {\n}\n",
        "locals {}\nlocals { a = 1 }\nterraform {\n  required_version = \">= 1.0\"\n}\n",
        "resource \"aws_security_group\" \"sg\" {\n  # envwall:ignore EW101 -- reason\n  ingress {\n    from_port = 443 # envwall:ignore EW102\n    cidr_blocks = [\"10.0.0.0/8\"]\n  }\n  dynamic \"egress\" {\n    for_each = var.rules\n    content {\n      cidr_blocks = egress.value\n    }\n  }\n}\n",
        "# envwall:ignore EW101 -- before\nresource \"a_b\" \"c\" { # envwall:ignore EW103\n  x = 1 /* envwall:ignore EW104 */\n}\n",
        "data \"aws_vpc\" \"v\" { id = 1 }\n",
        "module \"m\" {\n  source = \"./m\"\n  count  = 2\n  for_each = toset([\"a\"])\n}\n",
        "variable \"v\" {\n  type = object({\n    a = optional(string, \"x\")\n  })\n  validation {\n    condition     = length(var.v.a) > 0\n    error_message = \"No.\"\n  }\n}\n",
        "a = x[*]\nb = x[*].y[0]\nc = x.*.y.z\n",
        "a = \"${jsonencode({a = \"b\"})}\"\n",
        "a = \"${x}\"\nb = [\"${x}\", \"${y.z}\"]\n",
        "a = {\n  # only a comment\n}\n",
        "a=1\nb=[1,2]\nc={x=1}\n",
        "a = \"\u{e9}t\u{e9}\"\n",
        "m = {\n  for k in\n  var.l : k => 1\n}\n",
    ];

    /// Snippets this parser leaves to hcl-edit.
    const REFUSED: &[&str] = &[
        "a = \"%{ if x }y%{ endif }\"\n",
        "a = <<EOF\n%{ for x in y }${x}%{ endfor }\nEOF\n",
        "a = 1\na = 2\n",
        "a = <<EOF\nEOF\n",
        "a = \"line\nbreak\"\n",
        "a = [,]\n",
        "é = 1\n",
        "a = \n",
        "a = 1 b = 2\n",
        "resource \"x\" \"y\" {\n",
        "a = \"unterminated\n",
        "a = f(,)\n",
        "a = \"\\q\"\n",
        "a = 1e\n",
    ];

    /// What Terraform reads and hcl-edit refuses: newlines inside a `for`, which
    /// are blanks there in Terraform. Each reads as hcl-edit reads the same text
    /// with those newlines made spaces (same length, so the same spans).
    const NEWLINES_IN_FOR: &[&str] = &[
        "m = {\n  for k in [\"a\"] : k =>\n  true\n  ? 1\n  : 2\n}\n",
        "m = {\n  for k in [\"a\"] : k =>\n  true &&\n  false\n}\n",
        "m = {\n  for k in [\"a\"] : k ==\n  \"a\" ? \"x\" : \"y\" => 1\n}\n",
        "m = {\n  for k in [\"a\"] : k => local.x\n  .a\n}\n",
    ];

    /// `text` with the newlines between its first `for` and its last line made spaces.
    fn without_newlines_in_for(text: &str) -> String {
        let (from, to) = (text.find("for").unwrap(), text.trim_end().rfind('\n').unwrap());
        format!("{}{}{}", &text[..from], text[from..to].replace('\n', " "), &text[to..])
    }

    #[test]
    fn reads_each_construct_as_hcl_edit_does() {
        for text in READ {
            assert!(agrees(text), "not read:\n{text}");
        }
    }

    #[test]
    fn leaves_the_rest_to_hcl_edit() {
        for text in REFUSED {
            assert!(!agrees(text), "read, though it should be left to hcl-edit:\n{text}");
        }
    }

    #[test]
    fn reads_what_terraform_reads_beyond_hcl_edit() {
        for text in NEWLINES_IN_FOR {
            assert!(by_hcl_edit(text).is_none(), "hcl-edit reads it now:\n{text}");
            let native = by_native(text).unwrap_or_else(|| panic!("not read:\n{text}"));
            let equivalent = without_newlines_in_for(text);
            let reference = by_hcl_edit(&equivalent).unwrap_or_else(|| panic!("hcl-edit refuses:\n{equivalent}"));
            assert_same(&native, &reference, text);
        }
        // 129 chained operators (hcl-edit stops at 128): one tree level each.
        let chain = format!("a = {}1\n", "1 + ".repeat(129));
        assert!(by_hcl_edit(&chain).is_none());
        assert_eq!(by_native(&chain).unwrap().matches("Binary(").count(), 129);
        // `1e400`: read exactly, as Terraform does.
        let tree = by_native("a = 1e400\n").unwrap().replace([' ', '\n'], "");
        assert!(tree.contains(&format!("Number(1{},)", "0".repeat(400))), "{tree}");
    }

    /// Keys repeated in an object constructor: Terraform keeps the last, hcl-edit
    /// refuses them. This parser reads them into the tree the renaming path gives
    /// hcl-edit's, and says where each repeat is.
    #[test]
    fn reads_repeated_object_keys_as_the_renaming_path_does() {
        for text in [
            "a = {\n  x = 1\n  x = 2\n}\n",
            "a = {\n  \"${x}\" = 1\n  \"${x}\" = 2\n}\n",
            "a = {\n  \"\" = 1\n  \"\" = 2\n}\n",
            "a = {\n  (local.k) = 1\n  (local.k) = 2\n}\n",
            "a = {\n  \"q\\\"k\" = 1\n  \"q\\\"k\" = 2\n}\n",
        ] {
            let (body, repeated) = super::parse_or_limit(text).ok().unwrap_or_else(|| panic!("not read:\n{text}"));
            assert_eq!(repeated.len(), 1, "{text}");
            let at = text.rfind("\n  ").unwrap() + 3;
            assert_eq!(repeated[0].0, at, "{text}");
            // Keys written as names the renaming path reads into the same tree;
            // it turns a renamed expression key into a name, and cannot rename an
            // empty key or one with an escaped quote.
            if !text.contains(['(', '$', '\\']) && !text.contains("\"\"") {
                let (file, _) =
                    super::super::parse::parse_with_hcl_edit(Path::new("x.tf"), (*text).to_owned()).unwrap();
                assert_same(&format!("{body:#?}"), &format!("{:#?}", file.body), text);
            }
        }
    }

    /// Nesting: the trees agree as far as hcl-edit reads (64 levels); deeper,
    /// where Terraform has no limit and hcl-edit refuses, this parser reads on.
    #[test]
    fn nesting_beyond_hcl_edit_is_read() {
        // On a stack as deep as the CLI's threads have.
        crate::parallel::with_stack(nesting_beyond_hcl_edit);
    }

    fn nesting_beyond_hcl_edit() {
        for n in [10, 31, 32, 33, 60, 63, 64, 65, 66, 70, 130, 1000] {
            let texts = [
                format!("a = {}1{}\n", "[".repeat(n), "]".repeat(n)),
                format!("a = {}x\n", "-".repeat(n)),
                format!("a = {}x\n", "!(".repeat(n)).replace('x', &format!("x{}", ")".repeat(n))),
                format!("{}a = 1\n{}", "b {\n".repeat(n), "}\n".repeat(n)),
                format!("a = {}\n", "f(".repeat(n) + &")".repeat(n)),
                format!("a = \"{}x{}\"\n", "${\"".repeat(n), "\"}".repeat(n)),
            ];
            for text in &texts {
                if n > 130 {
                    // Printed, a tree this deep is mostly indentation.
                    assert!(super::parse_or_limit(text).is_ok(), "{n} levels not read");
                    continue;
                }
                let native = by_native(text).unwrap_or_else(|| panic!("{n} levels not read:\n{text}"));
                if let Some(reference) = by_hcl_edit(text) {
                    assert_same(&native, &reference, text);
                }
            }
        }
        assert!(by_hcl_edit(&format!("a = {}1{}\n", "[".repeat(100), "]".repeat(100))).is_none());
    }

    /// The `.tf` files below `dir`, sorted.
    fn tf_files(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        let mut dirs = vec![dir.to_owned()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "tf") {
                    out.push(path);
                }
            }
        }
        out.sort();
        out
    }

    /// Every `.tf` file in the repository's fixtures and examples.
    #[test]
    fn reads_every_fixture_as_hcl_edit_does() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut read = 0;
        for dir in ["fixtures", "examples"] {
            for path in tf_files(&root.join(dir)) {
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    if by_hcl_edit(&text).is_none() {
                        // What Terraform reads and hcl-edit does not is read here:
                        // `fixtures/source/syntax` holds those, tested on their own.
                        let beyond = path.parent().is_some_and(|d| d.ends_with("source/syntax"));
                        assert_eq!(by_native(&text).is_some(), beyond, "{}", path.display());
                        continue;
                    }
                    assert!(agrees(&text), "not read: {}", path.display());
                    read += 1;
                }
            }
        }
        assert!(read >= 40, "only {read} files");
    }

    /// Compares both parsers on every `.tf` file under `$ENVWALL_HCL_CORPUS`:
    /// `ENVWALL_HCL_CORPUS=dir cargo test --release corpus -- --ignored --nocapture`.
    #[test]
    #[ignore = "needs a directory of Terraform files"]
    fn corpus() {
        let dir = std::env::var("ENVWALL_HCL_CORPUS").expect("ENVWALL_HCL_CORPUS");
        let (mut same, mut left, mut refused, mut beyond) = (0, 0, 0, 0);
        for path in tf_files(Path::new(&dir)) {
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            match (by_native(text), by_hcl_edit(text)) {
                (Some(a), Some(b)) => {
                    assert_same(&a, &b, &path.display().to_string());
                    same += 1;
                }
                // Terraform reads it, hcl-edit does not (see `reads_what_terraform_reads_beyond_hcl_edit`).
                (Some(_), None) => {
                    println!("beyond hcl-edit: {}", path.display());
                    beyond += 1;
                }
                (None, Some(_)) => {
                    println!("left to hcl-edit: {}", path.display());
                    left += 1;
                }
                (None, None) => refused += 1,
            }
        }
        println!(
            "same tree: {same}, left to hcl-edit: {left}, read beyond hcl-edit: {beyond}, refused by both: {refused}"
        );
    }
}
