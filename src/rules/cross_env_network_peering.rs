//! EW103 `cross-env-network-peering`: a peering, transit gateway route table or
//! shared VPC joins a production network and a non-production one.

use petgraph::visit::EdgeRef;

use super::traffic::{env_name, finding};
use super::{Context, Finding, Rule, all_exist, end};
use crate::graph::EdgeKind;
use crate::policy::{Severity, Tier};

/// The rule.
pub static RULE: Rule = Rule {
    code: "EW103",
    name: "cross-env-network-peering",
    severity: Severity::High,
    summary: "a peering, transit gateway or shared VPC joins production and non-production networks",
    docs: include_str!("cross_env_network_peering/docs.md"),
    check: cross_env_network_peering,
};

fn cross_env_network_peering(ctx: &Context<'_, '_, '_, '_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in ctx.graph.inner.edge_references() {
        let (Some(link), EdgeKind::Peers) = (e.weight().link.as_deref(), e.weight().kind) else { continue };
        let (a, b) = (ctx.envs.of(e.source()), ctx.envs.of(e.target()));
        if !a.tier.crosses(b.tier) || !all_exist(ctx, &[e.source(), e.target(), link.via]) {
            continue;
        }
        // `from` is the production side.
        let (p, n) = if a.tier == Tier::Production { (e.source(), e.target()) } else { (e.target(), e.source()) };
        let (from, to) = (end(ctx, p), end(ctx, n));
        let mut message = format!(
            "{} joins {} ({}) and {} ({})",
            ctx.graph.short_name(link.via),
            ctx.graph.short_name(p),
            env_name(ctx, &from),
            ctx.graph.short_name(n),
            env_name(ctx, &to),
        );
        if !link.related.is_empty() {
            let names: Vec<String> = link.related.iter().map(|&r| ctx.graph.short_name(r)).collect();
            message.push_str(&format!("; also involved: {}", names.join(", ")));
        }
        out.push(finding(RULE.code, from, to, link, &e.weight().attribute, message));
    }
    out
}
