//! What the two settings rules share: `connects-to` edges from one tier to the other.

use petgraph::visit::EdgeRef;

use super::traffic::{env_name, finding};
use super::{Context, Finding, end};
use crate::graph::EdgeKind;
use crate::policy::Tier;

pub(crate) fn crossing_settings(
    ctx: &Context<'_, '_, '_, '_>,
    from: Tier,
    to: Tier,
    code: &'static str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (e, link) in super::traffic::crossing(ctx, EdgeKind::ConnectsTo, from, to) {
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
        let mut finding = finding(code, f, t, link, &e.weight().attribute, message);
        finding.traffic = None;
        if let Some(through) = &link.through {
            finding.notes.push(through_note(ctx, through));
        }
        out.push(finding);
    }
    out
}

/// How a value reaches another stack: the Terragrunt dependency it is an output of.
fn through_note(ctx: &Context<'_, '_, '_, '_>, through: &crate::model::Through) -> String {
    let unit = through
        .input
        .and_then(|i| ctx.graph.model.inputs[i].name.clone())
        .unwrap_or_else(|| through.unit.display().to_string());
    let mut note =
        format!("the value is an output of unit `{unit}`, through Terragrunt `dependency \"{}\"`", through.dependency);
    if through.mocked {
        note.push_str(
            "; the block's `mock_outputs`, which Terragrunt gives before that unit is applied, are not followed",
        );
    }
    note
}
