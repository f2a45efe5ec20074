//! What the two settings rules share: `connects-to` edges from one tier to the other.

use petgraph::visit::EdgeRef;

use super::traffic::{env_name, finding};
use super::{Context, Finding, all_exist, end};
use crate::graph::EdgeKind;
use crate::policy::Tier;

pub(crate) fn crossing_settings(
    ctx: &Context<'_, '_, '_, '_>,
    from: Tier,
    to: Tier,
    code: &'static str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in ctx.graph.inner.edge_references() {
        let (Some(link), EdgeKind::ConnectsTo) = (e.weight().link.as_deref(), e.weight().kind) else { continue };
        let (a, b) = (ctx.envs.of(e.source()), ctx.envs.of(e.target()));
        if a.tier != from || b.tier != to || b.internet || !all_exist(ctx, &[e.source(), e.target()]) {
            continue;
        }
        let (f, mut t) = (end(ctx, e.source()), end(ctx, e.target()));
        let target = match (&link.endpoint, ctx.graph.resource(e.target())) {
            (Some(endpoint), Some(_)) => {
                format!("{endpoint} ({}, {})", ctx.graph.short_name(e.target()), env_name(ctx, &t))
            }
            (Some(endpoint), None) => format!("{endpoint} ({})", env_name(ctx, &t)),
            (None, _) => format!("{} ({})", ctx.graph.short_name(e.target()), env_name(ctx, &t)),
        };
        let message = format!(
            "{} ({}) points {} at {target}",
            ctx.graph.short_name(e.source()),
            e.weight().attribute,
            env_name(ctx, &f),
        );
        t.label = link.endpoint.clone();
        let mut finding = finding(ctx, code, f, t, link, &e.weight().attribute, message, e.id());
        finding.traffic = None;
        out.push(finding);
    }
    out
}
