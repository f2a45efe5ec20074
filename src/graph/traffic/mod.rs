//! `allows-traffic` and `peers` edges: which rules let one thing open connections
//! to another, and which peerings join two networks.
//!
//! In: the graph with its `references` and `contains` edges (which already say which
//! group a rule belongs to and which groups, ranges and networks it names, whether
//! known at plan time or traced through configuration). Out: new edges, each with
//! the [`Link`] that creates it. Covered: AWS security groups (inline blocks and the
//! three standalone rule types, `self`, managed prefix lists), VPC peering and
//! transit gateway route tables; Google firewall rules (priority, deny, disabled,
//! tags), Cloud SQL authorized networks, GKE master authorized networks, network
//! peering and shared VPC; Azure network security groups (inline and standalone,
//! priority, deny, application security groups), database firewall rules and
//! virtual network peering; Kubernetes network policies.

use crate::hash::{FastMap, FastSet};

use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::{Edge, EdgeKind, Endpoint, EndpointKind, Graph, Link, Node};
use crate::model::value::AttrValue;
use crate::model::{Derivation, Resource};

mod aws;
mod azure;
mod google;
mod kubernetes;

/// An edge to add.
struct NewEdge {
    from: NodeIndex,
    to: NodeIndex,
    kind: EdgeKind,
    attribute: String,
    derivation: Derivation,
    link: Link,
}

/// What makes two traffic edges the same.
type TrafficKey = (NodeIndex, NodeIndex, NodeIndex, String, String, Vec<(u32, u32)>);

struct Builder<'g, 'm, 'a> {
    graph: &'g mut Graph<'m, 'a>,
    endpoints: crate::hash::FastMap<(EndpointKind, String), NodeIndex>,
    edges: Vec<NewEdge>,
    traffic_seen: FastSet<TrafficKey>,
    peers_seen: FastSet<(NodeIndex, NodeIndex)>,
    /// Resource nodes by type, so lookups scan only the type they need.
    by_kind: FastMap<smol_str::SmolStr, Vec<NodeIndex>>,
    /// Google instances by network tag.
    by_tag: FastMap<String, Vec<NodeIndex>>,
}

pub(super) fn add(
    graph: &mut Graph<'_, '_>,
    endpoints: crate::hash::FastMap<(EndpointKind, String), NodeIndex>,
) -> crate::hash::FastMap<(EndpointKind, String), NodeIndex> {
    let mut b = Builder {
        graph,
        endpoints,
        edges: Vec::new(),
        traffic_seen: FastSet::default(),
        peers_seen: FastSet::default(),
        by_kind: FastMap::default(),
        by_tag: FastMap::default(),
    };
    b.index();
    let nodes: Vec<NodeIndex> = b.graph.resource_nodes.clone();
    let model = b.graph.model;
    let mut firewalls = Vec::new();
    let mut nsg_rules = Vec::new();
    let mut attachments = Vec::new();
    for node in nodes {
        let Node::Resource(i) = b.graph.inner[node] else { continue };
        let r = &model.resources[i];
        if !r.exists_after() {
            continue;
        }
        match r.address.kind.as_str() {
            "aws_security_group" | "aws_default_security_group" => b.aws_inline_group(node, r),
            "aws_security_group_rule" => b.aws_group_rule(node, r),
            "aws_vpc_security_group_ingress_rule" => b.aws_vpc_rule(node, r, true),
            "aws_vpc_security_group_egress_rule" => b.aws_vpc_rule(node, r, false),
            "aws_vpc_peering_connection" | "aws_vpc_peering_connection_accepter" => b.aws_peering(node),
            "aws_ec2_transit_gateway_vpc_attachment" => attachments.push(node),
            "google_compute_firewall" => firewalls.push(node),
            "google_sql_database_instance" => {
                b.allowlist(node, node, r, &["settings", "ip_configuration", "authorized_networks", "value"], "tcp")
            }
            "google_container_cluster" => {
                b.allowlist(node, node, r, &["master_authorized_networks_config", "cidr_blocks", "cidr_block"], "tcp")
            }
            "aws_eks_cluster" => b.allowlist(node, node, r, &["vpc_config", "public_access_cidrs"], "tcp"),
            "azurerm_kubernetes_cluster" => {
                b.allowlist(node, node, r, &["api_server_authorized_ip_ranges"], "tcp");
                b.allowlist(node, node, r, &["api_server_access_profile", "authorized_ip_ranges"], "tcp");
            }
            "azurerm_storage_account" => b.allowlist(node, node, r, &["network_rules", "ip_rules"], "tcp"),
            "aws_s3_bucket" => b.source_ip_policy(node, node, r, "policy"),
            "aws_s3_bucket_policy" => {
                let bucket = b.named(node, "bucket").first().copied().unwrap_or(node);
                b.source_ip_policy(node, bucket, r, "policy");
            }
            "aws_opensearch_domain" | "aws_elasticsearch_domain" => {
                b.source_ip_policy(node, node, r, "access_policies")
            }
            "aws_opensearch_domain_policy" | "aws_elasticsearch_domain_policy" => {
                let domain = b.named(node, "domain_name").first().copied().unwrap_or(node);
                b.source_ip_policy(node, domain, r, "access_policies");
            }
            "azurerm_storage_account_network_rules" => {
                let account = b.named(node, "storage_account_id").first().copied().unwrap_or(node);
                b.allowlist(node, account, r, &["ip_rules"], "tcp");
            }
            "azurerm_key_vault" => b.allowlist(node, node, r, &["network_acls", "ip_rules"], "tcp"),
            "azurerm_cosmosdb_account" => b.allowlist(node, node, r, &["ip_range_filter"], "tcp"),
            "azurerm_linux_web_app"
            | "azurerm_windows_web_app"
            | "azurerm_linux_function_app"
            | "azurerm_windows_function_app"
            | "azurerm_app_service"
            | "azurerm_function_app" => {
                for block in ["ip_restriction", "scm_ip_restriction"] {
                    b.allowlist(node, node, r, &["site_config", block, "ip_address"], "tcp");
                }
            }
            "google_compute_network_peering" => b.peering(node, "network", "peer_network"),
            "google_compute_shared_vpc_service_project" => b.shared_vpc(node, r),
            "azurerm_network_security_group" => {
                if let Some(AttrValue::List(rules)) = r.values.get("security_rule") {
                    for (k, rule) in rules.iter().enumerate() {
                        nsg_rules.push((node, node, Some(k), rule));
                    }
                }
            }
            "azurerm_network_security_rule" => {
                let group = b.container(node, "network_security_group_name").unwrap_or(node);
                nsg_rules.push((node, group, None, &r.values));
            }
            "azurerm_mssql_firewall_rule"
            | "azurerm_sql_firewall_rule"
            | "azurerm_postgresql_firewall_rule"
            | "azurerm_postgresql_flexible_server_firewall_rule"
            | "azurerm_mysql_firewall_rule"
            | "azurerm_mysql_flexible_server_firewall_rule"
            | "azurerm_mariadb_firewall_rule" => b.azure_database_rule(node, r),
            "azurerm_virtual_network_peering" => b.peering(node, "virtual_network_name", "remote_virtual_network_id"),
            "kubernetes_network_policy" | "kubernetes_network_policy_v1" => b.network_policy(node, r),
            _ => {}
        }
    }
    b.google_firewalls(&firewalls);
    b.azure_nsg_rules(&nsg_rules);
    b.transit_gateways(&attachments);
    b.network_acls();
    let Builder { graph, edges, endpoints, .. } = b;
    for e in edges {
        let edge =
            Edge { kind: e.kind, attribute: e.attribute, derivation: e.derivation, link: Some(Box::new(e.link)) };
        graph.inner.add_edge(e.from, e.to, edge);
    }
    endpoints
}

/// For an AWS security-group edge between a range and a group: the group, the
/// range, and whether the edge is ingress.
fn group_range_edge(graph: &Graph<'_, '_>, e: &NewEdge) -> Option<(NodeIndex, String, bool)> {
    if e.kind != EdgeKind::AllowsTraffic {
        return None;
    }
    let aws_group = |n: NodeIndex| {
        graph
            .resource(n)
            .is_some_and(|r| matches!(r.address.kind.as_str(), "aws_security_group" | "aws_default_security_group"))
    };
    let range = |n: NodeIndex| match &graph.inner[n] {
        Node::Endpoint(x) if x.kind == EndpointKind::Range => Some(x.value.clone()),
        _ => None,
    };
    match (range(e.from), range(e.to)) {
        (Some(r), None) if aws_group(e.to) => Some((e.to, r, true)),
        (None, Some(r)) if aws_group(e.from) => Some((e.from, r, false)),
        _ => None,
    }
}

/// `-1`, `all`, `*` → `all`; numbers to names; lowercase.
fn protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "-1" | "all" | "*" | "" => "all".to_owned(),
        "6" => "tcp".to_owned(),
        "17" => "udp".to_owned(),
        "1" => "icmp".to_owned(),
        "58" => "icmpv6".to_owned(),
        other => other.to_owned(),
    }
}

fn int(v: Option<&AttrValue<'_>>) -> Option<i64> {
    match v?.unwrap_sensitive() {
        AttrValue::Int(i) => Some(*i),
        AttrValue::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A port range from `from`/`to` numbers; every port when the protocol carries none.
fn port_range(proto: &str, from: Option<i64>, to: Option<i64>) -> Vec<(u32, u32)> {
    if proto == "all" || proto.starts_with("icmp") {
        return Vec::new();
    }
    match (from, to) {
        (Some(a), Some(b)) if (a, b) != (0, 65535) && a >= 0 && b >= a => {
            vec![(u32::try_from(a).unwrap_or(0), u32::try_from(b).unwrap_or(0))]
        }
        (Some(a), None) if a > 0 => vec![(a as u32, a as u32)],
        _ => Vec::new(),
    }
}

/// Port ranges written as strings: `["22", "8000-8080"]`, `"*"`, `"443"`.
fn port_strings(values: &[&str]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for v in values {
        let v = v.trim();
        if v.is_empty() || v == "*" || v == "0-65535" {
            return Vec::new();
        }
        let (a, b) = v.split_once('-').unwrap_or((v, v));
        if let (Ok(a), Ok(b)) = (a.trim().parse(), b.trim().parse()) {
            out.push((a, b));
        }
    }
    out
}

fn strings<'v>(v: Option<&'v AttrValue<'_>>) -> Vec<&'v str> {
    match v.map(AttrValue::unwrap_sensitive) {
        Some(AttrValue::List(items)) => items.iter().filter_map(AttrValue::as_str).collect(),
        Some(AttrValue::String(s)) => vec![&**s],
        _ => Vec::new(),
    }
}

/// Whether ports `inner` are all within `outer` (empty = every port).
fn ports_within(inner: &[(u32, u32)], outer: &[(u32, u32)]) -> bool {
    outer.is_empty() || (!inner.is_empty() && inner.iter().all(|&(a, b)| outer.iter().any(|&(c, d)| c <= a && b <= d)))
}

impl Builder<'_, '_, '_> {
    fn index(&mut self) {
        let model = self.graph.model;
        for &n in &self.graph.resource_nodes {
            let Node::Resource(i) = self.graph.inner[n] else { continue };
            let r = &model.resources[i];
            self.by_kind.entry(r.address.kind.clone()).or_default().push(n);
            if matches!(r.address.kind.as_str(), "google_compute_instance" | "google_compute_instance_template") {
                for tag in strings(r.values.get("tags")) {
                    self.by_tag.entry(tag.to_owned()).or_default().push(n);
                }
            }
        }
    }

    fn of_kind(&self, kinds: &[&str]) -> Vec<NodeIndex> {
        kinds.iter().flat_map(|k| self.by_kind.get(*k).into_iter().flatten().copied()).collect()
    }

    /// Adds a traffic edge. `derivation` is how the peer was found (a known id, a
    /// configuration reference); literal ranges are known values.
    #[allow(clippy::too_many_arguments)]
    fn push_derived(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        attribute: &str,
        via: NodeIndex,
        protocol: &str,
        ports: Vec<(u32, u32)>,
        derivation: Derivation,
    ) {
        if from == to && from != via {
            return;
        }
        let key = (from, to, via, attribute.to_owned(), protocol.to_owned(), ports.clone());
        if self.traffic_seen.insert(key) {
            let link = Link {
                via,
                protocol: protocol.to_owned(),
                ports,
                related: Vec::new(),
                endpoint: None,
                through: None,
                access: None,
            };
            self.edges.push(NewEdge {
                from,
                to,
                kind: EdgeKind::AllowsTraffic,
                attribute: attribute.to_owned(),
                derivation,
                link,
            });
        }
    }

    fn push(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        attribute: &str,
        via: NodeIndex,
        protocol: &str,
        ports: Vec<(u32, u32)>,
    ) {
        self.push_derived(from, to, attribute, via, protocol, ports, Derivation::KnownValue);
    }

    fn peer(&mut self, a: NodeIndex, b: NodeIndex, via: NodeIndex, attribute: &str, related: Vec<NodeIndex>) {
        if a == b {
            return;
        }
        if self.peers_seen.insert((a.min(b), a.max(b))) {
            let link = Link {
                via,
                protocol: String::new(),
                ports: Vec::new(),
                related,
                endpoint: None,
                through: None,
                access: None,
            };
            self.edges.push(NewEdge {
                from: a,
                to: b,
                kind: EdgeKind::Peers,
                attribute: attribute.to_owned(),
                derivation: Derivation::KnownValue,
                link,
            });
        }
    }

    /// AWS network ACLs: security-group edges whose traffic every workload's subnet
    /// denies are dropped; narrower ranges an ACL admits before it denies them are
    /// edges of their own, through the same rule (a group open to the world behind an ACL that
    /// allows one NAT address admits that address).
    fn network_acls(&mut self) {
        let edges = std::mem::take(&mut self.edges);
        let mut kept = Vec::with_capacity(edges.len());
        for e in edges {
            let Some((group, range, ingress)) = group_range_edge(self.graph, &e) else {
                kept.push(e);
                continue;
            };
            let verdict = super::nacl::verdict(self.graph, group, &range, ingress, &e.link.protocol, &e.link.ports);
            let mut more = Vec::with_capacity(verdict.narrowed.len());
            for (inner, acl) in verdict.narrowed {
                let node = self.endpoint(EndpointKind::Range, &inner.to_string());
                let (from, to) = if ingress { (node, group) } else { (group, node) };
                let mut link = e.link.clone();
                link.related.push(acl);
                more.push(NewEdge {
                    from,
                    to,
                    kind: e.kind,
                    attribute: e.attribute.clone(),
                    derivation: e.derivation,
                    link,
                });
            }
            // The range as a whole may be denied while parts of it are admitted first.
            if !verdict.denied {
                kept.push(e);
            }
            kept.extend(more);
        }
        self.edges = kept;
    }

    fn endpoint(&mut self, kind: EndpointKind, value: &str) -> NodeIndex {
        if let Some(&n) = self.endpoints.get(&(kind, value.to_owned())) {
            return n;
        }
        let n = self.graph.inner.add_node(Node::Endpoint(Endpoint { kind, value: value.to_owned() }));
        self.endpoints.insert((kind, value.to_owned()), n);
        n
    }

    /// Nodes `node`'s attribute names: references out of it whose attribute is
    /// `attribute` (or below it, for `[i]` elements), and the container it sits in
    /// through that attribute.
    fn named(&self, node: NodeIndex, attribute: &str) -> Vec<NodeIndex> {
        self.named_with(node, attribute).into_iter().map(|(n, _)| n).collect()
    }

    /// [`Self::named`], with how each link was derived.
    fn named_with(&self, node: NodeIndex, attribute: &str) -> Vec<(NodeIndex, Derivation)> {
        let g = &self.graph.inner;
        let mut out: Vec<(NodeIndex, Derivation)> = g
            .edges_directed(node, Direction::Outgoing)
            .filter(|e| e.weight().kind == EdgeKind::References && attribute_is(&e.weight().attribute, attribute))
            .map(|e| (e.target(), e.weight().derivation))
            .collect();
        out.extend(
            g.edges_directed(node, Direction::Incoming)
                .filter(|e| e.weight().kind == EdgeKind::Contains && attribute_is(&e.weight().attribute, attribute))
                .map(|e| (e.source(), e.weight().derivation)),
        );
        out.reverse(); // petgraph lists the newest edge first
        out.dedup_by_key(|(n, _)| *n);
        out
    }

    fn container(&self, node: NodeIndex, attribute: &str) -> Option<NodeIndex> {
        self.graph
            .inner
            .edges_directed(node, Direction::Incoming)
            .find(|e| e.weight().kind == EdgeKind::Contains && attribute_is(&e.weight().attribute, attribute))
            .map(|e| e.source())
    }

    /// An allowlist: the addresses and ranges at `path` (through lists and blocks;
    /// a string may list several, comma-separated) of `rule` are allowed into
    /// `target`. A value known at plan time is a range; one computed from another
    /// resource (an elastic IP's `public_ip`, an app's outbound addresses) is that
    /// resource, known or not.
    fn allowlist(&mut self, rule: NodeIndex, target: NodeIndex, r: &Resource<'_>, path: &[&str], proto: &str) {
        let attribute = path.join(".");
        let ranges: Vec<String> = r
            .values
            .strings_at(path)
            .into_iter()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| super::catalog::is_range(s))
            .map(str::to_owned)
            .collect();
        for cidr in ranges {
            let from = self.endpoint(EndpointKind::Range, &cidr);
            self.push(from, target, &attribute, rule, proto, Vec::new());
        }
        self.push_computed(rule, target, path, proto, |_| true);
    }

    /// Traffic into `target` from every resource that `rule`'s attribute at `path`
    /// is computed from (by a known value or a configuration reference), among
    /// those `keep` accepts.
    pub(super) fn push_computed(
        &mut self,
        rule: NodeIndex,
        target: NodeIndex,
        path: &[&str],
        proto: &str,
        keep: impl Fn(&Resource<'_>) -> bool,
    ) {
        let g = &self.graph.inner;
        let model = self.graph.model;
        let computed: Vec<(NodeIndex, Derivation)> = g
            .edges_directed(rule, Direction::Outgoing)
            .filter(|e| e.weight().kind == EdgeKind::References && path_is(&e.weight().attribute, path))
            .filter(|e| matches!(g[e.target()], Node::Resource(i) if keep(&model.resources[i])))
            .map(|e| (e.target(), e.weight().derivation))
            .collect();
        let attribute = path.join(".");
        for (from, derivation) in computed {
            self.push_derived(from, target, &attribute, rule, proto, Vec::new(), derivation);
        }
    }

    /// The addresses an IAM policy document at `attribute` allows by an
    /// `aws:SourceIp` condition (an S3 bucket or OpenSearch domain policy), into
    /// `target`. A policy built from a resource's address (`jsonencode` of an
    /// elastic IP's `public_ip`) is that resource, known or not.
    fn source_ip_policy(&mut self, rule: NodeIndex, target: NodeIndex, r: &Resource<'_>, attribute: &str) {
        if let Some(text) = r.values.get(attribute).and_then(AttrValue::as_str) {
            for range in source_ip_ranges(text) {
                let from = self.endpoint(EndpointKind::Range, &range);
                self.push(from, target, attribute, rule, "tcp", Vec::new());
            }
        }
        // Only addresses: a policy also names principals and the resource itself.
        self.push_computed(rule, target, &[attribute], "tcp", |owner| {
            !super::catalog::owned_address_attributes(&owner.address.kind).is_empty()
        });
    }

    /// Generic peering: `local` names this side's network, `remote` the other's.
    fn peering(&mut self, node: NodeIndex, local: &str, remote: &str) {
        if let (Some(a), Some(b)) =
            (self.named(node, local).first().copied(), self.named(node, remote).first().copied())
        {
            self.peer(a, b, node, remote, Vec::new());
        }
    }
}

fn to_json(v: &AttrValue<'_>) -> serde_json::Value {
    match v {
        AttrValue::Null | AttrValue::Unknown => serde_json::Value::Null,
        AttrValue::Bool(b) => serde_json::Value::Bool(*b),
        AttrValue::Int(i) => serde_json::json!(i),
        AttrValue::Float(f) => serde_json::json!(f),
        AttrValue::String(s) => serde_json::Value::String(s.to_string()),
        AttrValue::List(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        AttrValue::Map(entries) => {
            serde_json::Value::Object(entries.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect())
        }
        AttrValue::Sensitive(inner) => to_json(inner),
    }
}

/// The ranges an IAM policy document allows by `aws:SourceIp` in its `Allow`
/// statements' `IpAddress` conditions.
fn source_ip_ranges(text: &str) -> Vec<String> {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else { return Vec::new() };
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(items) => items.iter().collect(),
        serde_json::Value::Object(_) => vec![&doc["Statement"]],
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for st in statements {
        if st["Effect"].as_str() != Some("Allow") {
            continue;
        }
        let Some(conditions) = st["Condition"].as_object() else { continue };
        for (operator, tests) in conditions {
            if !operator.eq_ignore_ascii_case("IpAddress") && !operator.eq_ignore_ascii_case("ForAnyValue:IpAddress") {
                continue;
            }
            let Some(tests) = tests.as_object() else { continue };
            for (key, value) in tests {
                if !key.eq_ignore_ascii_case("aws:SourceIp") {
                    continue;
                }
                let values = match value {
                    serde_json::Value::Array(items) => items.iter().filter_map(|v| v.as_str()).collect(),
                    serde_json::Value::String(s) => vec![s.as_str()],
                    _ => Vec::new(),
                };
                out.extend(values.into_iter().filter(|v| super::catalog::is_range(v)).map(str::to_owned));
            }
        }
    }
    out
}

/// Whether edge attribute `have` is the path `want` once its indexes are dropped:
/// `settings[0].ip_configuration[0].authorized_networks[1].value`.
fn path_is(have: &str, want: &[&str]) -> bool {
    let mut keys = have.split('.').map(|k| k.split_once('[').map_or(k, |(name, _)| name));
    want.iter().all(|w| keys.next() == Some(*w)) && keys.next().is_none()
}

/// Whether edge attribute `have` is `want` or an element of it (`want[3]`).
fn attribute_is(have: &str, want: &str) -> bool {
    have.strip_prefix(want).is_some_and(|rest| rest.is_empty() || (rest.starts_with('[') && !rest.contains('.')))
}

/// The CIDR blocks that exactly cover an inclusive IPv4 address range.
fn cover(start: &str, end: &str) -> Vec<String> {
    let (Ok(a), Ok(b)) = (start.parse::<std::net::Ipv4Addr>(), end.parse::<std::net::Ipv4Addr>()) else {
        return Vec::new();
    };
    let (mut lo, hi) = (u64::from(u32::from(a)), u64::from(u32::from(b)));
    let mut out = Vec::new();
    while lo <= hi && out.len() < 64 {
        let mut size = if lo == 0 { 1u64 << 32 } else { 1u64 << lo.trailing_zeros().min(32) };
        while lo + size - 1 > hi {
            size >>= 1;
        }
        let len = 32 - size.trailing_zeros();
        out.push(format!("{}/{len}", std::net::Ipv4Addr::from(lo as u32)));
        lo += size;
    }
    out
}

/// Whether range `inner` lies within range `outer`.
fn range_within(inner: &str, outer: &str) -> bool {
    match (crate::vocab::ranges::parse_range(inner), crate::vocab::ranges::parse_range(outer)) {
        (Some(i), Some(o)) => o.contains(&i),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_address_ranges_with_cidrs() {
        assert_eq!(cover("10.20.0.0", "10.20.255.255"), ["10.20.0.0/16"]);
        assert_eq!(cover("10.0.0.5", "10.0.0.5"), ["10.0.0.5/32"]);
        assert_eq!(cover("10.0.0.1", "10.0.0.6"), ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"]);
        assert_eq!(cover("0.0.0.0", "255.255.255.255"), ["0.0.0.0/0"]);
        assert!(cover("x", "y").is_empty());
    }

    #[test]
    fn ports_and_protocols() {
        assert_eq!(protocol("-1"), "all");
        assert_eq!(protocol("TCP"), "tcp");
        assert_eq!(port_range("tcp", Some(5432), Some(5432)), [(5432, 5432)]);
        assert!(port_range("tcp", Some(0), Some(65535)).is_empty());
        assert!(port_range("all", Some(0), Some(0)).is_empty());
        assert_eq!(port_strings(&["22", "8000-8080"]), [(22, 22), (8000, 8080)]);
        assert!(port_strings(&["*"]).is_empty());
        assert!(ports_within(&[(5432, 5432)], &[]));
        assert!(ports_within(&[(5432, 5432)], &[(5000, 6000)]));
        assert!(!ports_within(&[], &[(5000, 6000)]));
    }

    #[test]
    fn source_ip_conditions_of_allow_statements() {
        let policy = r#"{"Statement": [
            {"Effect": "Allow", "Condition": {"IpAddress": {"aws:SourceIp": ["52.18.7.9/32", "not an address"]}}},
            {"Effect": "Allow", "Condition": {"IpAddress": {"aws:sourceip": "34.120.5.6"}}},
            {"Effect": "Deny", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
            {"Effect": "Allow", "Condition": {"NotIpAddress": {"aws:SourceIp": "10.1.0.0/16"}}}
        ]}"#;
        assert_eq!(source_ip_ranges(policy), ["52.18.7.9/32", "34.120.5.6"]);
        let one = r#"{"Statement": {"Effect": "Allow", "Condition": {"IpAddress": {"aws:SourceIp": "1.2.3.4/32"}}}}"#;
        assert_eq!(source_ip_ranges(one), ["1.2.3.4/32"]);
        assert!(source_ip_ranges("not json").is_empty());
    }

    #[test]
    fn nested_attribute_paths_without_indexes() {
        let path = ["settings", "ip_configuration", "authorized_networks", "value"];
        assert!(path_is("settings[0].ip_configuration[0].authorized_networks[1].value", &path));
        assert!(!path_is("settings[0].ip_configuration[0].authorized_networks[1]", &path));
        assert!(!path_is("settings[0].ip_configuration[0].authorized_networks[1].value.x", &path));
    }

    #[test]
    fn attribute_paths() {
        assert!(attribute_is("cidr_blocks", "cidr_blocks"));
        assert!(attribute_is("vpc_security_group_ids[1]", "vpc_security_group_ids"));
        assert!(!attribute_is("cidr_blocks_extra", "cidr_blocks"));
        assert!(!attribute_is("ingress[0].cidr_blocks", "ingress"));
    }
}
