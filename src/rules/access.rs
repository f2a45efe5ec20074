//! What the two access rules share: `grants` edges from a principal of one tier to
//! a resource of the other.

use petgraph::visit::EdgeRef;

use super::traffic::{env_name, finding};
use super::{Context, Finding, end};
use crate::graph::EdgeKind;
use crate::policy::Tier;

pub(crate) fn crossing_access(ctx: &Context<'_, '_, '_, '_>, from: Tier, to: Tier, code: &'static str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (e, link) in super::traffic::crossing(ctx, EdgeKind::Grants, from, to) {
        let Some(access) = link.access.as_deref() else { continue };
        let (f, t) = (end(ctx, e.source()), end(ctx, e.target()));
        let actions = if access.actions.is_empty() {
            "access (the policy is known after apply)".to_owned()
        } else {
            access.actions.join(", ")
        };
        let mut by = format!("{} ({}", ctx.graph.short_name(link.via), e.weight().attribute);
        if let Some(statement) = &access.statement {
            by.push_str(&format!(", {statement}"));
        }
        by.push(')');
        let message = format!(
            "{} ({}) is granted {actions} on {} ({}), by {by}",
            ctx.graph.short_name(e.source()),
            env_name(ctx, &f),
            ctx.graph.short_name(e.target()),
            env_name(ctx, &t),
        );
        let mut finding = finding(code, f, t, link, &e.weight().attribute, message);
        finding.traffic = None;
        let acts_as =
            |a: &String| a.ends_with("iam.serviceAccountUser") || a.ends_with("iam.serviceAccountTokenCreator");
        if access.actions.iter().any(acts_as) {
            finding.notes.push(format!(
                "the role lets the principal act as {}, with everything it may do",
                ctx.graph.short_name(e.target())
            ));
        }
        if !access.conditions.is_empty() {
            finding.notes.push(format!("narrowed by {}", access.conditions.join("; ")));
        }
        out.push(finding);
    }
    out
}
