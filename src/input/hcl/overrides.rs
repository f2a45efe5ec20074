//! Override files (`override.tf`, `*_override.tf` and their `.tf.json` forms),
//! merged into the blocks they override, as Terraform merges them.
//!
//! In: a module directory's files, its override files last, each in name order.
//! Out: the same files with every override applied and the override files gone.
//! Per Terraform's rules, a top-level block of an override file replaces, in the
//! block of the same kind and labels, each attribute it sets and every nested
//! block of each type it writes (a `dynamic "x"` block counts as blocks of type
//! `x`); `lifecycle` is merged attribute by attribute; a `locals` attribute replaces
//! the local of that name wherever it is defined; in `terraform`, a
//! `required_providers` entry replaces that provider's, and a `backend` or `cloud`
//! block replaces the other. A block with nothing to override is an error, as in
//! Terraform, but for `terraform`, whose settings are the module's either way, and
//! for a provider's default configuration, which is empty when absent.
//!
//! Each merged block remembers where its overrides are written, so a finding on an
//! attribute an override set points into the override file. The expressions an
//! override brings lose their own spans (they would point into the wrong file),
//! so a warning about one names the block's file.

use std::path::Path;

use super::super::InputError;
use super::ir::{Attribute, Block, Body, Element, Expr, Kind, ObjectKey, OpKind, Span};
use super::parse::File;

/// Whether a file name is an override file's.
pub(crate) fn is_override(name: &str) -> bool {
    let stem = name
        .strip_suffix(".tf.json")
        .or_else(|| name.strip_suffix(".tf"))
        .or_else(|| name.strip_suffix(".tofu.json"))
        .or_else(|| name.strip_suffix(".tofu"));
    stem.is_some_and(|s| s == "override" || s.ends_with("_override"))
}

/// Applies the override files among `files` (which come after the others) to the
/// others, in order. They stay in the list, their blocks gone, for the text the
/// merged attributes are written in.
pub(crate) fn apply(files: &mut [File]) -> Result<(), InputError> {
    let first = files.iter().position(|f| f.path.file_name().is_some_and(|n| is_override(&n.to_string_lossy())));
    let Some(first) = first else { return Ok(()) };
    let (primary, overrides) = files.split_at_mut(first);
    for (i, file) in overrides.iter_mut().enumerate() {
        let Body { attributes, blocks } = std::mem::take(&mut file.body);
        if let Some(a) = attributes.first() {
            return Err(invalid(&file.path, &a.key, "an override file holds blocks, not attributes"));
        }
        for mut block in blocks.into_vec() {
            let at = (first + i, block.span);
            clear_block_spans(&mut block);
            override_block(primary, block, at, &file.path)?;
        }
    }
    Ok(())
}

fn invalid(path: &Path, pointer: &str, message: &str) -> InputError {
    InputError::Invalid { path: path.to_owned(), pointer: pointer.to_owned(), message: message.to_owned() }
}

/// Merges one top-level block of an override file (written at `at`: its file's
/// index and range) into the module's files.
fn override_block(files: &mut [File], over: Block, at: (usize, Span), path: &Path) -> Result<(), InputError> {
    let what = std::iter::once(&*over.ident).chain(over.labels.iter().map(|l| &**l)).collect::<Vec<_>>().join(".");
    match &*over.ident {
        "locals" => {
            for attr in over.body.attributes.into_vec() {
                let target = files
                    .iter_mut()
                    .flat_map(|f| f.body.blocks.iter_mut())
                    .filter(|b| &*b.ident == "locals")
                    .find_map(|b| b.body.attributes.iter_mut().find(|a| a.key == attr.key));
                let Some(target) = target else {
                    let message =
                        format!("there is no local value `{}` to override in the module's other files", attr.key);
                    return Err(invalid(path, &format!("locals.{}", attr.key), &message));
                };
                *target = attr;
            }
            Ok(())
        }
        kind => {
            let provider_alias = |b: &Block| match b.body.get_attribute("alias").map(|a| &a.value.kind) {
                Some(Kind::String(s)) => Some(s.clone()),
                _ => None,
            };
            let target = files.iter_mut().flat_map(|f| f.body.blocks.iter_mut()).find(|b| {
                b.ident == over.ident
                    && b.labels == over.labels
                    && (kind != "provider" || provider_alias(b) == provider_alias(&over))
            });
            let Some(target) = target else {
                // `terraform` settings need no block to override: they are the
                // module's; nor does a provider's default configuration, which is
                // empty when absent. (An aliased one does: a typo would go unseen.)
                let unaliased_provider = kind == "provider" && provider_alias(&over).is_none();
                if (kind == "terraform" || unaliased_provider)
                    && let Some(first) = files.first_mut()
                {
                    let mut blocks = std::mem::take(&mut first.body.blocks).into_vec();
                    blocks.push(over);
                    first.body.blocks = blocks.into_boxed_slice();
                    return Ok(());
                }
                let message = format!("there is no {kind} block `{what}` to override in the module's other files");
                return Err(invalid(path, &what, &message));
            };
            target.overrides.push(at);
            if kind == "terraform" {
                merge_terraform(&mut target.body, over.body);
            } else {
                merge_body(&mut target.body, over.body, matches!(kind, "resource" | "data"));
            }
            Ok(())
        }
    }
}

/// Attributes replace attributes of the same name; the nested blocks of each type
/// the override writes replace all of that type (`lifecycle` in a resource merges).
fn merge_body(base: &mut Body, over: Body, resource: bool) {
    let Body { attributes, blocks } = over;
    let mut attrs = std::mem::take(&mut base.attributes).into_vec();
    for a in attributes.into_vec() {
        match attrs.iter_mut().find(|b| b.key == a.key) {
            Some(existing) => *existing = a,
            None => attrs.push(a),
        }
    }
    base.attributes = attrs.into_boxed_slice();
    let mut kept = std::mem::take(&mut base.blocks).into_vec();
    let mut added: Vec<Block> = Vec::new();
    let mut replaced: Vec<String> = Vec::new();
    for b in blocks.into_vec() {
        let kind = block_type(&b).to_owned();
        if resource && kind == "lifecycle" {
            match kept.iter_mut().find(|k| &*k.ident == "lifecycle") {
                Some(existing) => merge_body(&mut existing.body, b.body, false),
                None => added.push(b),
            }
            continue;
        }
        if !replaced.contains(&kind) {
            kept.retain(|k| block_type(k) != kind);
            replaced.push(kind);
        }
        added.push(b);
    }
    kept.extend(added);
    base.blocks = kept.into_boxed_slice();
}

/// `terraform`: `required_providers` entries replace their own; a `backend` or
/// `cloud` block replaces either; everything else as in [`merge_body`].
fn merge_terraform(base: &mut Body, over: Body) {
    let Body { attributes, blocks } = over;
    let mut rest = Vec::new();
    for b in blocks.into_vec() {
        match &*b.ident {
            "required_providers" => match base.blocks.iter_mut().find(|k| &*k.ident == "required_providers") {
                Some(existing) => merge_body(&mut existing.body, b.body, false),
                None => rest.push(b),
            },
            "backend" | "cloud" => {
                let mut kept = std::mem::take(&mut base.blocks).into_vec();
                kept.retain(|k| !matches!(&*k.ident, "backend" | "cloud"));
                kept.push(b);
                base.blocks = kept.into_boxed_slice();
            }
            _ => rest.push(b),
        }
    }
    merge_body(base, Body { attributes, blocks: rest.into_boxed_slice() }, false);
}

/// The type of blocks a block stands for: a `dynamic "x"` block's is `x`.
fn block_type(b: &Block) -> &str {
    if &*b.ident == "dynamic" { b.label() } else { &b.ident }
}

fn clear_block_spans(b: &mut Block) {
    b.span = Span::NONE;
    clear_body_spans(&mut b.body);
}

fn clear_body_spans(body: &mut Body) {
    for Attribute { value, .. } in body.attributes.iter_mut() {
        clear_spans(value);
    }
    for b in body.blocks.iter_mut() {
        clear_block_spans(b);
    }
}

/// Forgets where an expression and everything in it are written.
fn clear_spans(e: &mut Expr) {
    e.span = Span::NONE;
    match &mut e.kind {
        Kind::Null | Kind::Bool(_) | Kind::Number(_) | Kind::String(_) | Kind::Variable(_) => {}
        Kind::Array(items) => items.iter_mut().for_each(clear_spans),
        Kind::Object(items) => {
            for (k, v) in items.iter_mut() {
                if let ObjectKey::Expr(k) = k {
                    clear_spans(k);
                }
                clear_spans(v);
            }
        }
        Kind::Template(elements) => elements.iter_mut().for_each(clear_element_spans),
        Kind::Conditional(parts) => parts.iter_mut().for_each(clear_spans),
        Kind::Call(call) => call.args.iter_mut().for_each(clear_spans),
        Kind::Traversal(t) => {
            clear_spans(&mut t.root);
            for op in t.ops.iter_mut() {
                op.span = Span::NONE;
                if let OpKind::Index(i) = &mut op.kind {
                    clear_spans(i);
                }
            }
        }
        Kind::Unary(u) => clear_spans(&mut u.1),
        Kind::Binary(b) => {
            clear_spans(&mut b.1);
            clear_spans(&mut b.2);
        }
        Kind::For(f) => {
            for e in
                [Some(&mut f.collection), f.key.as_mut(), Some(&mut f.value), f.cond.as_mut()].into_iter().flatten()
            {
                clear_spans(e);
            }
        }
    }
}

fn clear_element_spans(el: &mut Element) {
    match el {
        Element::Literal(_) => {}
        Element::Interpolation(e) => clear_spans(e),
        Element::If(d) => {
            clear_spans(&mut d.cond);
            d.then.iter_mut().chain(d.otherwise.iter_mut()).for_each(clear_element_spans);
        }
        Element::For(d) => {
            clear_spans(&mut d.collection);
            d.body.iter_mut().for_each(clear_element_spans);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn override_files_are_known_by_name() {
        for name in ["override.tf", "override.tf.json", "a_override.tf", "net_override.tf.json"] {
            assert!(super::is_override(name), "{name}");
        }
        for name in ["overrides.tf", "my-override.tf", "override.tfvars", "main.tf", "a_override.hcl"] {
            assert!(!super::is_override(name), "{name}");
        }
    }
}
