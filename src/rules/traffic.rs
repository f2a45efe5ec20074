//! What the traffic and peering rules share: the `allows-traffic` and `peers` edges
//! whose two ends are in different tiers, as findings.

use petgraph::visit::EdgeRef;

use super::{Context, Direction, Finding, Status, Via, all_exist, end};
use crate::graph::{EdgeKind, Graph, Link};
use crate::policy::Tier;

/// The edges of `kind` from a node of tier `from` to one of tier `to`, whose ends
/// and whose link exist after the plan, and neither end of which is the internet.
pub(crate) fn crossing<'c>(
    ctx: &'c Context<'_, '_, '_, '_>,
    kind: EdgeKind,
    from: Tier,
    to: Tier,
) -> impl Iterator<Item = (petgraph::graph::EdgeReference<'c, crate::graph::Edge>, &'c Link)> + 'c {
    ctx.graph.inner.edge_references().filter_map(move |e| {
        let link = e.weight().link.as_deref().filter(|_| e.weight().kind == kind)?;
        let (a, b) = (ctx.envs.of(e.source()), ctx.envs.of(e.target()));
        let crosses = a.tier == from && b.tier == to && !a.internet && !b.internet;
        (crosses && all_exist(ctx, &[e.source(), e.target(), link.via])).then_some((e, link))
    })
}

/// An `allows-traffic` edge from a tier to another; and where the edge's target is
/// a security group or NSG, each workload it protects whose tier is not the
/// group's own: the rule admits its sources into those workloads too.
pub(crate) fn crossing_traffic(
    ctx: &Context<'_, '_, '_, '_>,
    from: Tier,
    to: Tier,
    code: &'static str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (e, link) in crossing(ctx, EdgeKind::AllowsTraffic, from, to) {
        let (f, t) = (end(ctx, e.source()), end(ctx, e.target()));
        let message = format!(
            "{} lets {} ({}) reach {} ({}) over {}",
            describe_via(ctx.graph, link, &e.weight().attribute),
            ctx.graph.short_name(e.source()),
            env_name(ctx, &f),
            ctx.graph.short_name(e.target()),
            env_name(ctx, &t),
            traffic_text(link),
        );
        out.push(finding(code, f, t, link, &e.weight().attribute, message));
    }
    out.extend(into_protected_workloads(ctx, from, to, code));
    out
}

/// Traffic a rule admits into a group, reaching a workload the group protects
/// whose tier is not the group's (a production group attached to a staging
/// database): the workload is the end.
fn into_protected_workloads(ctx: &Context<'_, '_, '_, '_>, from: Tier, to: Tier, code: &'static str) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in ctx.graph.inner.edge_references() {
        let Some(link) = e.weight().link.as_deref().filter(|_| e.weight().kind == EdgeKind::AllowsTraffic) else {
            continue;
        };
        let (source, group) = (ctx.envs.of(e.source()), ctx.envs.of(e.target()));
        if source.tier != from || source.internet || !all_exist(ctx, &[e.source(), e.target(), link.via]) {
            continue;
        }
        for workload in ctx.graph.protected_by(e.target()) {
            let w = ctx.envs.of(workload);
            if w.tier != to || w.tier == group.tier || !all_exist(ctx, &[workload]) {
                continue;
            }
            let (f, t) = (end(ctx, e.source()), end(ctx, workload));
            let message = format!(
                "{} lets {} ({}) reach {} ({}), which {} protects, over {}",
                describe_via(ctx.graph, link, &e.weight().attribute),
                ctx.graph.short_name(e.source()),
                env_name(ctx, &f),
                ctx.graph.short_name(workload),
                env_name(ctx, &t),
                ctx.graph.short_name(e.target()),
                traffic_text(link),
            );
            out.push(finding(code, f, t, link, &e.weight().attribute, message));
        }
    }
    out
}

pub(crate) fn env_name(ctx: &Context<'_, '_, '_, '_>, e: &super::End) -> String {
    e.environment.map_or_else(|| e.tier.as_str().to_owned(), |env| ctx.envs.name(env).to_owned())
}

/// The rule, and the network ACLs that admit what it lets through (a rule open to
/// a wide range behind an ACL that allows part of it).
fn describe_via(graph: &Graph<'_, '_>, link: &Link, attribute: &str) -> String {
    let mut out = graph.short_name(link.via);
    if !attribute.is_empty() {
        out.push_str(&format!(" ({attribute})"));
    }
    if !link.related.is_empty() {
        let acls: Vec<String> = link.related.iter().map(|&r| graph.short_name(r)).collect();
        out.push_str(&format!(" with {}", acls.join(", ")));
    }
    out
}

/// `tcp/5432`, `all traffic`.
pub(crate) fn traffic_text(link: &Link) -> String {
    match (link.protocol.as_str(), link.ports.is_empty()) {
        ("all", _) => "all traffic".to_owned(),
        (p, true) => format!("{p} on every port"),
        (p, false) => format!("{p}/{}", link.ports_text()),
    }
}

pub(crate) fn finding(
    code: &'static str,
    from: super::End,
    to: super::End,
    link: &Link,
    attribute: &str,
    message: String,
) -> Finding {
    Finding {
        rule: code,
        severity: crate::policy::Severity::Info,
        direction: Direction::from_tier(from.tier),
        from,
        to,
        via: Via { node: link.via, attribute: (!attribute.is_empty()).then(|| attribute.to_owned()) },
        message,
        traffic: (!link.protocol.is_empty()).then(|| (link.protocol.clone(), link.ports_text())),
        status: Status::Existing,
        suppressed: None,
        notes: Vec::new(),
    }
}
