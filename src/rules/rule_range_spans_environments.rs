//! EW104 `rule-range-spans-environments`: one address range in a rule covers both
//! production and non-production networks, so the rule opens more than it means to.

use ipnet::IpNet;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::traffic::{env_name, finding, traffic_text};
use super::{Context, End, Finding, Rule, all_exist, end};
use crate::graph::{EdgeKind, EndpointKind, Node};
use crate::hash::FastMap;
use crate::policy::{Severity, Tier};
use crate::vocab::ranges::parse_range;

/// The rule.
pub static RULE: Rule = Rule {
    code: "EW104",
    name: "rule-range-spans-environments",
    severity: Severity::Medium,
    summary: "one CIDR in a rule covers both production and non-production ranges",
    docs: include_str!("rule_range_spans_environments/docs.md"),
    check: rule_range_spans_environments,
};

fn rule_range_spans_environments(ctx: &Context<'_, '_, '_, '_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut cache: FastMap<NodeIndex, Option<(String, String)>> = FastMap::default();
    for e in ctx.graph.inner.edge_references() {
        let (Some(link), EdgeKind::AllowsTraffic) = (e.weight().link.as_deref(), e.weight().kind) else { continue };
        let (range_node, other) = match (&ctx.graph.inner[e.source()], &ctx.graph.inner[e.target()]) {
            (Node::Endpoint(x), _) if x.kind == EndpointKind::Range => (e.source(), e.target()),
            (_, Node::Endpoint(x)) if x.kind == EndpointKind::Range => (e.target(), e.source()),
            _ => continue,
        };
        let Node::Endpoint(range) = &ctx.graph.inner[range_node] else { continue };
        let Some(net) = parse_range(&range.value) else { continue };
        if ctx.envs.of(range_node).internet || !all_exist(ctx, &[other, link.via]) {
            continue;
        }
        // What the range covers: networks of the inputs and ranges of the policy,
        // worked out once per range.
        let spans = cache.entry(range_node).or_insert_with(|| spans(ctx, net)).clone();
        let Some((prod, nonprod)) = spans else { continue };
        let from = End {
            node: Some(range_node),
            label: None,
            environment: None,
            tier: Tier::Unknown,
            evidence: vec![format!("covers production {prod}"), format!("covers non-production {nonprod}")],
        };
        let to = end(ctx, other);
        let message = format!(
            "{} allows {} over {}, a range that covers production ({}) and non-production ({}); other end {} ({})",
            ctx.graph.short_name(link.via),
            range.value,
            traffic_text(link),
            prod,
            nonprod,
            ctx.graph.short_name(other),
            env_name(ctx, &to),
        );
        let mut f = finding(RULE.code, from, to, link, &e.weight().attribute, message);
        f.direction = super::Direction::from_tier(if ctx.envs.of(other).tier == Tier::Production {
            Tier::NonProduction
        } else {
            Tier::Production
        });
        out.push(f);
    }
    out
}

/// The production and non-production networks a range covers, described (the
/// first few of each), when it covers both.
fn spans(ctx: &Context<'_, '_, '_, '_>, net: IpNet) -> Option<(String, String)> {
    enum Covered {
        Network(IpNet, NodeIndex),
        Policy(IpNet, usize),
    }
    let mut prod: Vec<Covered> = Vec::new();
    let mut nonprod: Vec<Covered> = Vec::new();
    for (found, node) in ctx.envs.networks.covered_by(net) {
        match ctx.envs.of(node).tier {
            Tier::Production => prod.push(Covered::Network(found, node)),
            Tier::NonProduction => nonprod.push(Covered::Network(found, node)),
            _ => {}
        }
    }
    for (cidr, env) in &ctx.envs.policy_ranges {
        if net.contains(cidr) && net != *cidr {
            match ctx.policy.environments[*env].tier {
                Tier::Production => prod.push(Covered::Policy(*cidr, *env)),
                Tier::NonProduction => nonprod.push(Covered::Policy(*cidr, *env)),
                _ => {}
            }
        }
    }
    if prod.is_empty() || nonprod.is_empty() {
        return None;
    }
    let describe = |items: &[Covered]| {
        const SHOWN: usize = 3;
        let mut out = items
            .iter()
            .take(SHOWN)
            .map(|c| match c {
                Covered::Network(found, node) => {
                    let env = ctx.envs.of(*node).environment.map_or("?", |x| ctx.envs.name(x));
                    format!("{} ({found}, {env})", ctx.graph.short_name(*node))
                }
                Covered::Policy(cidr, env) => format!("{cidr} (policy environment {})", ctx.envs.name(*env)),
            })
            .collect::<Vec<_>>()
            .join(", ");
        if items.len() > SHOWN {
            out.push_str(&format!(" and {} more", items.len() - SHOWN));
        }
        out
    };
    Some((describe(&prod), describe(&nonprod)))
}
