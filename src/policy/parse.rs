//! Reading one policy file with hcl-edit, so every mistake points at its line.
//!
//! In: the text of a policy file. Out: a [`PolicyFile`], or a [`PolicyError`] with a
//! labelled span: a syntax error, an unknown block or attribute, a value of the
//! wrong type, a bad CIDR or date, an unknown tier, severity or rule code, a
//! duplicate environment.

use std::ops::Range;
use std::path::Path;

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, BlockLabel, Body, Structure};
use ipnet::IpNet;
use miette::{Diagnostic, NamedSource, SourceSpan};

use super::{Date, Environment, Exception, Origin, Pattern, RuleSetting, Severity, Tier};

/// The contents of one policy file.
#[derive(Debug)]
pub(crate) struct PolicyFile {
    pub origin: Origin,
    pub environments: Vec<Environment>,
    pub label_keys: Vec<String>,
    pub ignore_words: Vec<String>,
    pub rules: Vec<RuleSetting>,
    pub exceptions: Vec<Exception>,
}

/// A mistake in a policy file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(envwall::policy))]
pub struct PolicyError {
    /// What is wrong.
    pub message: String,
    #[source_code]
    src: std::sync::Arc<NamedSource<String>>,
    /// Where.
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    label: String,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
}

impl PolicyError {
    pub(crate) fn io(path: &Path, e: &dyn std::fmt::Display) -> PolicyError {
        PolicyError::unreadable(path, format!("cannot read policy {}: {e}", path.display()))
    }

    /// A policy file that could not be read, and why (the message names the file).
    pub(crate) fn unreadable(path: &Path, message: String) -> PolicyError {
        PolicyError {
            message,
            src: std::sync::Arc::new(NamedSource::new(path.display().to_string(), String::new())),
            span: None,
            label: String::new(),
            help: None,
        }
    }
}

struct Ctx<'t> {
    name: &'t str,
    text: &'t str,
}

impl Ctx<'_> {
    fn err(
        &self,
        span: Option<Range<usize>>,
        message: impl Into<String>,
        label: &str,
        help: Option<String>,
    ) -> PolicyError {
        PolicyError {
            message: message.into(),
            src: std::sync::Arc::new(NamedSource::new(self.name, crate::text::clean_source(self.text.to_owned()))),
            span: span.map(|r| SourceSpan::from(r.start..r.end.max(r.start))),
            label: label.to_owned(),
            help,
        }
    }
}

pub(crate) fn parse(
    origin: Origin,
    name: &str,
    text: &str,
    builtin_envs: &[String],
    known: &[&str],
) -> Result<PolicyFile, PolicyError> {
    let ctx = Ctx { name, text };
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let at = e.location().offset().min(text.len());
        ctx.err(
            Some(at..at + usize::from(at < text.len())),
            format!("policy syntax error: {}", e.message()),
            "here",
            None,
        )
    })?;
    let mut file = PolicyFile {
        origin,
        environments: Vec::new(),
        label_keys: Vec::new(),
        ignore_words: Vec::new(),
        rules: Vec::new(),
        exceptions: Vec::new(),
    };
    for structure in body.iter() {
        match structure {
            Structure::Attribute(a) => {
                return Err(ctx.err(
                    a.key.span(),
                    format!("unknown top-level attribute `{}`", a.key.as_str()),
                    "not a policy setting",
                    Some("a policy holds `environment`, `labels`, `rule` and `exception` blocks".to_owned()),
                ));
            }
            Structure::Block(b) => match b.ident.as_str() {
                "environment" => {
                    let env = environment(&ctx, b, &file.origin, builtin_envs)?;
                    if file.environments.iter().any(|e| e.name == env.name) {
                        return Err(ctx.err(
                            b.labels.first().and_then(Span::span),
                            format!("environment `{}` is declared twice", env.name),
                            "second declaration",
                            Some("merge the two blocks into one".to_owned()),
                        ));
                    }
                    file.environments.push(env);
                }
                "labels" => {
                    let (keys, ignore) = labels(&ctx, b)?;
                    file.label_keys.extend(keys);
                    file.ignore_words.extend(ignore);
                }
                "rule" => file.rules.push(rule(&ctx, b, known)?),
                "exception" => file.exceptions.push(exception(&ctx, b, known)?),
                other => {
                    return Err(ctx.err(
                        b.ident.span(),
                        format!("unknown block `{other}`"),
                        "not a policy block",
                        Some("a policy holds `environment`, `labels`, `rule` and `exception` blocks".to_owned()),
                    ));
                }
            },
        }
    }
    Ok(file)
}

fn one_label(ctx: &Ctx<'_>, b: &Block, what: &str) -> Result<String, PolicyError> {
    match b.labels.as_slice() {
        [label] => Ok(match label {
            BlockLabel::String(s) => s.value().to_string(),
            BlockLabel::Ident(i) => i.as_str().to_owned(),
        }),
        _ => Err(ctx.err(
            b.ident.span(),
            format!("`{}` needs exactly one label: {what}", b.ident.as_str()),
            "here",
            Some(format!("write `{} \"NAME\" {{ ... }}`", b.ident.as_str())),
        )),
    }
}

/// The attributes of a block body, refusing nested blocks and unknown keys.
fn attributes<'b>(
    ctx: &Ctx<'_>,
    body: &'b Body,
    block: &str,
    allowed: &[&str],
) -> Result<Vec<&'b Attribute>, PolicyError> {
    let mut out = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Block(b) => {
                return Err(ctx.err(
                    b.ident.span(),
                    format!("unexpected block `{}` in `{block}`", b.ident.as_str()),
                    "not allowed here",
                    None,
                ));
            }
            Structure::Attribute(a) => {
                if !allowed.contains(&a.key.as_str()) {
                    return Err(ctx.err(
                        a.key.span(),
                        format!("unknown attribute `{}` in `{block}`", a.key.as_str()),
                        "unknown attribute",
                        Some(format!(
                            "`{block}` takes {}",
                            allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                        )),
                    ));
                }
                out.push(a);
            }
        }
    }
    Ok(out)
}

fn string(ctx: &Ctx<'_>, a: &Attribute) -> Result<String, PolicyError> {
    match &a.value {
        Expression::String(s) => Ok(s.value().to_string()),
        other => Err(ctx.err(
            other.span(),
            format!("`{}` must be a string", a.key.as_str()),
            "expected a quoted string",
            None,
        )),
    }
}

/// A string of a list, with the span of its literal.
type Spanned = (String, Option<Range<usize>>);

fn strings(ctx: &Ctx<'_>, a: &Attribute) -> Result<Vec<Spanned>, PolicyError> {
    let Expression::Array(items) = &a.value else {
        return Err(ctx.err(
            a.value.span(),
            format!("`{}` must be a list of strings", a.key.as_str()),
            "expected [\"...\", ...]",
            None,
        ));
    };
    items
        .iter()
        .map(|e| match e {
            Expression::String(s) => Ok((s.value().to_string(), e.span())),
            other => Err(ctx.err(
                other.span(),
                format!("`{}` must be a list of strings", a.key.as_str()),
                "expected a quoted string",
                None,
            )),
        })
        .collect()
}

fn boolean(ctx: &Ctx<'_>, a: &Attribute) -> Result<bool, PolicyError> {
    match &a.value {
        Expression::Bool(b) => Ok(*b.value()),
        other => Err(ctx.err(
            other.span(),
            format!("`{}` must be true or false", a.key.as_str()),
            "expected a boolean",
            None,
        )),
    }
}

fn environment(ctx: &Ctx<'_>, b: &Block, origin: &Origin, builtin_envs: &[String]) -> Result<Environment, PolicyError> {
    let name = one_label(ctx, b, "the environment's name")?;
    const ALLOWED: &[&str] =
        &["tier", "aliases", "cidrs", "accounts", "projects", "subscriptions", "domains", "addresses", "paths"];
    let mut env = Environment {
        name,
        tier: Tier::Unknown,
        aliases: Vec::new(),
        cidrs: Vec::new(),
        accounts: Vec::new(),
        projects: Vec::new(),
        subscriptions: Vec::new(),
        domains: Vec::new(),
        addresses: Vec::new(),
        paths: Vec::new(),
        origin: origin.clone(),
    };
    let mut has_tier = false;
    for a in attributes(ctx, &b.body, "environment", ALLOWED)? {
        match a.key.as_str() {
            "tier" => {
                let value = string(ctx, a)?;
                env.tier = Tier::parse(&value).ok_or_else(|| {
                    ctx.err(
                        a.value.span(),
                        format!("unknown tier `{value}`"),
                        "unknown tier",
                        Some("a tier is \"production\", \"non-production\" or \"shared\"".to_owned()),
                    )
                })?;
                has_tier = true;
            }
            "cidrs" => {
                for (c, span) in strings(ctx, a)? {
                    let net = c.parse::<IpNet>().or_else(|_| c.parse::<std::net::IpAddr>().map(IpNet::from)).map_err(
                        |_| {
                            ctx.err(
                                span.clone(),
                                format!("`{c}` is not a CIDR range"),
                                "not a CIDR",
                                Some("write ranges like \"10.10.0.0/16\" or \"2001:db8::/32\"".to_owned()),
                            )
                        },
                    )?;
                    if net.trunc() != net {
                        return Err(ctx.err(
                            span,
                            format!("`{c}` has host bits set"),
                            "not a network address",
                            Some(format!("did you mean \"{}\"?", net.trunc())),
                        ));
                    }
                    env.cidrs.push(net);
                }
            }
            "aliases" => env.aliases = strings(ctx, a)?.into_iter().map(|(s, _)| s.to_lowercase()).collect(),
            "accounts" => {
                for (acct, span) in strings(ctx, a)? {
                    if acct.len() != 12 || !acct.bytes().all(|c| c.is_ascii_digit()) {
                        return Err(ctx.err(
                            span,
                            format!("`{acct}` is not an AWS account id"),
                            "expected 12 digits",
                            None,
                        ));
                    }
                    env.accounts.push(acct);
                }
            }
            "projects" => env.projects = strings(ctx, a)?.into_iter().map(|(s, _)| s).collect(),
            "subscriptions" => {
                env.subscriptions = strings(ctx, a)?.into_iter().map(|(s, _)| s.to_lowercase()).collect()
            }
            "domains" => {
                env.domains = strings(ctx, a)?
                    .into_iter()
                    .map(|(s, _)| s.trim_start_matches('.').trim_end_matches('.').to_lowercase())
                    .collect();
            }
            "addresses" => env.addresses = strings(ctx, a)?.into_iter().map(|(s, _)| Pattern::new(s)).collect(),
            "paths" => env.paths = strings(ctx, a)?.into_iter().map(|(s, _)| Pattern::new(s)).collect(),
            _ => {}
        }
    }
    // A user environment that extends a built-in one may leave the tier out (the
    // merge keeps the built-in tier); a new one must say.
    if !has_tier && !builtin_envs.contains(&env.name) {
        return Err(ctx.err(
            b.labels.first().and_then(Span::span),
            format!("environment `{}` has no tier", env.name),
            "needs `tier`",
            Some("add tier = \"production\", \"non-production\" or \"shared\"".to_owned()),
        ));
    }
    Ok(env)
}

fn labels(ctx: &Ctx<'_>, b: &Block) -> Result<(Vec<String>, Vec<String>), PolicyError> {
    if !b.labels.is_empty() {
        return Err(ctx.err(b.labels[0].span(), "`labels` takes no label", "remove this", None));
    }
    let (mut keys, mut ignore) = (Vec::new(), Vec::new());
    for a in attributes(ctx, &b.body, "labels", &["keys", "ignore"])? {
        let values = strings(ctx, a)?.into_iter().map(|(s, _)| s);
        match a.key.as_str() {
            "keys" => keys.extend(values),
            _ => ignore.extend(values),
        }
    }
    Ok((keys, ignore))
}

fn rule_code(ctx: &Ctx<'_>, code: &str, span: Option<Range<usize>>, known: &[&str]) -> Result<(), PolicyError> {
    if known.contains(&code) {
        return Ok(());
    }
    Err(ctx.err(
        span,
        format!("unknown rule `{code}`"),
        "no such rule",
        Some(format!("the rules are {}; `envwall rules` lists them", known.join(", "))),
    ))
}

fn rule(ctx: &Ctx<'_>, b: &Block, known: &[&str]) -> Result<RuleSetting, PolicyError> {
    let code = one_label(ctx, b, "the rule code")?;
    rule_code(ctx, &code, b.labels.first().and_then(Span::span), known)?;
    let mut setting = RuleSetting { code, enabled: None, severity: None };
    for a in attributes(ctx, &b.body, "rule", &["enabled", "severity"])? {
        match a.key.as_str() {
            "enabled" => setting.enabled = Some(boolean(ctx, a)?),
            _ => {
                let s = string(ctx, a)?;
                setting.severity = Some(Severity::parse(&s).ok_or_else(|| {
                    ctx.err(
                        a.value.span(),
                        format!("unknown severity `{s}`"),
                        "unknown severity",
                        Some("a severity is info, low, medium, high or critical".to_owned()),
                    )
                })?);
            }
        }
    }
    Ok(setting)
}

fn exception(ctx: &Ctx<'_>, b: &Block, known: &[&str]) -> Result<Exception, PolicyError> {
    let name = one_label(ctx, b, "the exception's name")?;
    let (mut rules, mut address, mut reason, mut expires) = (Vec::new(), None, None, None);
    for a in attributes(ctx, &b.body, "exception", &["rules", "address", "reason", "expires"])? {
        match a.key.as_str() {
            "rules" => {
                for (code, span) in strings(ctx, a)? {
                    rule_code(ctx, &code, span, known)?;
                    rules.push(code);
                }
            }
            "address" => address = Some(Pattern::new(string(ctx, a)?)),
            "reason" => reason = Some(string(ctx, a)?),
            _ => {
                let s = string(ctx, a)?;
                expires = Some(Date::parse(&s).ok_or_else(|| {
                    ctx.err(
                        a.value.span(),
                        format!("`{s}` is not a date"),
                        "expected YYYY-MM-DD",
                        Some("write a calendar date such as \"2027-03-31\"".to_owned()),
                    )
                })?);
            }
        }
    }
    let missing = |what: &str| ctx.err(b.ident.span(), format!("exception `{name}` needs `{what}`"), "here", None);
    let address = address.ok_or_else(|| missing("address"))?;
    let reason = reason.ok_or_else(|| missing("reason"))?;
    Ok(Exception { name, rules, address, reason, expires })
}
