//! AWS network ACLs: whether the subnets of a security group's workloads deny an
//! address range before any rule allows it. Network ACLs are stateless and
//! ordered by rule number; the first rule that matches decides, and a network ACL
//! ends with an implicit deny. A security-group rule whose traffic every workload's
//! subnet denies is not a link.

use petgraph::Direction::{Incoming, Outgoing};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::{EdgeKind, Graph};
use crate::model::value::AttrValue;
use crate::vocab::ranges::parse_range;

/// One network ACL entry.
struct Entry {
    number: i64,
    egress: bool,
    allow: bool,
    protocol: String,
    ports: (i64, i64),
    range: Option<ipnet::IpNet>,
}

/// What the network ACLs of a group's workloads make of the traffic a rule lets
/// from (ingress) or to (egress) a range.
#[derive(Debug, Default)]
pub(crate) struct Verdict {
    /// Every workload's every subnet denies the range (first match, or the
    /// implicit final deny). Unknown placement never denies.
    pub denied: bool,
    /// The ranges narrower than the rule's that an ACL admits before anything
    /// denies them, with that ACL: a group open to `0.0.0.0/0` behind an ACL that
    /// allows one NAT address admits that address.
    pub narrowed: Vec<(ipnet::IpNet, NodeIndex)>,
}

/// The [`Verdict`] of the ACLs of `group`'s workloads' subnets, each ACL's entries
/// read once.
pub(crate) fn verdict(
    graph: &Graph<'_, '_>,
    group: NodeIndex,
    range: &str,
    ingress: bool,
    protocol: &str,
    ports: &[(u32, u32)],
) -> Verdict {
    let mut out = Verdict::default();
    let Some(range) = parse_range(range) else { return out };
    let workloads = graph.protected_by(group);
    let mut denied = !workloads.is_empty();
    for w in workloads {
        let subnets = subnets_of(graph, w);
        denied &= !subnets.is_empty();
        for s in subnets {
            let acls = acls_of(graph, s);
            let mut subnet_denies = false;
            for acl in acls {
                let entries: Vec<Entry> = entries(graph, acl).into_iter().filter(|e| e.egress != ingress).collect();
                subnet_denies |= denies(&entries, range, protocol, ports);
                for inner in admitted_within(&entries, range, protocol, ports) {
                    if !out.narrowed.contains(&(inner, acl)) {
                        out.narrowed.push((inner, acl));
                    }
                }
            }
            denied &= subnet_denies;
        }
    }
    out.denied = denied;
    out
}

/// The subnets a workload is placed in: directly (`subnet_id`, `subnet_ids`,
/// `vpc_config`), or through a DB or cache subnet group.
fn subnets_of(graph: &Graph<'_, '_>, node: NodeIndex) -> Vec<NodeIndex> {
    let mut out = Vec::new();
    let mut stack = vec![(node, 0)];
    while let Some((n, depth)) = stack.pop() {
        for e in graph.inner.edges_directed(n, Incoming).filter(|e| e.weight().kind == EdgeKind::Contains) {
            match graph.resource(e.source()).map(|r| r.address.kind.as_str()) {
                Some("aws_subnet" | "aws_default_subnet") if !out.contains(&e.source()) => out.push(e.source()),
                Some("aws_db_subnet_group" | "aws_elasticache_subnet_group" | "aws_redshift_subnet_group")
                    if depth == 0 =>
                {
                    stack.push((e.source(), 1));
                }
                _ => {}
            }
        }
    }
    out
}

/// The network ACLs of a subnet (`aws_network_acl.subnet_ids`, associations).
fn acls_of(graph: &Graph<'_, '_>, subnet: NodeIndex) -> Vec<NodeIndex> {
    let mut out = Vec::new();
    for e in graph.inner.edges_directed(subnet, Outgoing).filter(|e| e.weight().kind == EdgeKind::Contains) {
        match graph.resource(e.target()).map(|r| r.address.kind.as_str()) {
            Some("aws_network_acl" | "aws_default_network_acl") => out.push(e.target()),
            Some("aws_network_acl_association") => {
                for a in graph.inner.edges_directed(e.target(), Outgoing) {
                    if a.weight().attribute == "network_acl_id"
                        && graph.resource(a.target()).is_some_and(|r| r.address.kind == "aws_network_acl")
                    {
                        out.push(a.target());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn entries(graph: &Graph<'_, '_>, acl: NodeIndex) -> Vec<Entry> {
    let mut out = Vec::new();
    let Some(r) = graph.resource(acl) else { return out };
    let int = |v: Option<&AttrValue<'_>>| match v {
        Some(AttrValue::Int(i)) => Some(*i),
        Some(AttrValue::String(s)) => s.parse().ok(),
        _ => None,
    };
    for (key, egress) in [("ingress", false), ("egress", true)] {
        if let Some(AttrValue::List(blocks)) = r.values.get(key) {
            for b in blocks {
                out.push(Entry {
                    number: int(b.get("rule_no")).unwrap_or(i64::MAX),
                    egress,
                    allow: b.get("action").and_then(AttrValue::as_str) == Some("allow"),
                    protocol: b.get("protocol").and_then(AttrValue::as_str).unwrap_or("-1").to_owned(),
                    ports: (int(b.get("from_port")).unwrap_or(0), int(b.get("to_port")).unwrap_or(65535)),
                    range: b.get("cidr_block").and_then(AttrValue::as_str).and_then(parse_range),
                });
            }
        }
    }
    // Standalone rules: `aws_network_acl_rule.network_acl_id` names the ACL.
    for e in graph.inner.edges_directed(acl, Incoming) {
        let Some(rule) = graph.resource(e.source()) else { continue };
        if rule.address.kind != "aws_network_acl_rule" || !rule.exists_after() {
            continue;
        }
        let v = &rule.values;
        out.push(Entry {
            number: int(v.get("rule_number")).unwrap_or(i64::MAX),
            egress: matches!(v.get("egress"), Some(AttrValue::Bool(true))),
            allow: v.get("rule_action").and_then(AttrValue::as_str) == Some("allow"),
            protocol: v.get("protocol").and_then(AttrValue::as_str).unwrap_or("-1").to_owned(),
            ports: (int(v.get("from_port")).unwrap_or(0), int(v.get("to_port")).unwrap_or(65535)),
            range: v.get("cidr_block").and_then(AttrValue::as_str).and_then(parse_range),
        });
    }
    out.sort_by_key(|e| e.number);
    out
}

/// Whether entries (of one direction, in rule order) deny `range`: the first that
/// holds all of it decides, and the implicit final deny.
fn denies(entries: &[Entry], range: ipnet::IpNet, protocol: &str, ports: &[(u32, u32)]) -> bool {
    for e in entries {
        let Some(rule_range) = e.range else { continue };
        if !rule_range.contains(&range) {
            continue;
        }
        if matches(e, protocol, ports) {
            return !e.allow;
        }
        if e.allow && protocol_matches(e, protocol) {
            // An allow for part of the ports: the traffic is not wholly denied.
            return false;
        }
    }
    true // the implicit final deny
}

/// The ranges strictly inside `range` that entries (of one direction, in rule
/// order) allow before any earlier entry decides them.
fn admitted_within(entries: &[Entry], range: ipnet::IpNet, protocol: &str, ports: &[(u32, u32)]) -> Vec<ipnet::IpNet> {
    let matching: Vec<&Entry> = entries.iter().filter(|e| matches(e, protocol, ports)).collect();
    let mut out = Vec::new();
    for (k, e) in matching.iter().enumerate() {
        let Some(inner) = e.range else { continue };
        let shadowed = matching[..k].iter().any(|d| d.range.is_some_and(|d| d.contains(&inner)));
        if e.allow && inner != range && range.contains(&inner) && !shadowed {
            out.push(inner);
        }
    }
    out
}

/// Whether an entry applies to traffic of `protocol` on all of `ports`.
fn matches(e: &Entry, protocol: &str, ports: &[(u32, u32)]) -> bool {
    protocol_matches(e, protocol)
        && (all_protocols(e)
            || (!ports.is_empty()
                && ports.iter().all(|&(a, b)| i64::from(a) >= e.ports.0 && i64::from(b) <= e.ports.1)))
}

/// Whether an entry applies to traffic of `protocol`, on some port at least.
fn protocol_matches(e: &Entry, protocol: &str) -> bool {
    all_protocols(e) || e.protocol.eq_ignore_ascii_case(protocol) || protocol_number(protocol) == e.protocol
}

fn all_protocols(e: &Entry) -> bool {
    matches!(e.protocol.as_str(), "-1" | "all")
}

fn protocol_number(p: &str) -> &'static str {
    match p {
        "tcp" => "6",
        "udp" => "17",
        "icmp" => "1",
        _ => "",
    }
}
