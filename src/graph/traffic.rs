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

use crate::hash::FastMap as HashMap;

use ipnet::IpNet;
use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::{Edge, EdgeKind, Endpoint, EndpointKind, Graph, Link, Node};
use crate::model::value::Value;
use crate::model::{Derivation, Resource};

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
    traffic_seen: std::collections::HashSet<TrafficKey>,
    peers_seen: std::collections::HashSet<(NodeIndex, NodeIndex)>,
    /// Resource nodes by type, so lookups scan only the type they need.
    by_kind: HashMap<smol_str::SmolStr, Vec<NodeIndex>>,
    /// Google instances by network tag.
    by_tag: HashMap<String, Vec<NodeIndex>>,
}

pub(super) fn add(
    graph: &mut Graph<'_, '_>,
    endpoints: crate::hash::FastMap<(EndpointKind, String), NodeIndex>,
) -> crate::hash::FastMap<(EndpointKind, String), NodeIndex> {
    let mut b = Builder {
        graph,
        endpoints,
        edges: Vec::new(),
        traffic_seen: std::collections::HashSet::default(),
        peers_seen: std::collections::HashSet::default(),
        by_kind: HashMap::default(),
        by_tag: HashMap::default(),
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
                b.ranges_into(node, r, &["settings", "ip_configuration", "authorized_networks", "value"], "tcp")
            }
            "google_container_cluster" => {
                b.ranges_into(node, r, &["master_authorized_networks_config", "cidr_blocks", "cidr_block"], "tcp")
            }
            "google_compute_network_peering" => b.peering(node, "network", "peer_network"),
            "google_compute_shared_vpc_service_project" => b.shared_vpc(node, r),
            "azurerm_network_security_group" => {
                if let Some(Value::List(rules)) = r.values.get("security_rule") {
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
    let Builder { graph, edges, endpoints, .. } = b;
    let edges: Vec<NewEdge> = edges.into_iter().filter(|e| !denied_by_network_acl(graph, e)).collect();
    for e in edges {
        let edge =
            Edge { kind: e.kind, attribute: e.attribute, derivation: e.derivation, link: Some(Box::new(e.link)) };
        graph.inner.add_edge(e.from, e.to, edge);
    }
    endpoints
}

/// Whether an AWS security-group edge between a range and a group is denied by the
/// network ACLs of every subnet the group's workloads are in.
fn denied_by_network_acl(graph: &Graph<'_, '_>, e: &NewEdge) -> bool {
    if e.kind != EdgeKind::AllowsTraffic {
        return false;
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
        (Some(r), None) if aws_group(e.to) => {
            super::nacl::denied(graph, e.to, &r, true, &e.link.protocol, &e.link.ports)
        }
        (None, Some(r)) if aws_group(e.from) => {
            super::nacl::denied(graph, e.from, &r, false, &e.link.protocol, &e.link.ports)
        }
        _ => false,
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

fn int(v: Option<&Value<'_>>) -> Option<i64> {
    match v?.unwrap_sensitive() {
        Value::Int(i) => Some(*i),
        Value::String(s) => s.parse().ok(),
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

fn strings<'v>(v: Option<&'v Value<'_>>) -> Vec<&'v str> {
    match v.map(Value::unwrap_sensitive) {
        Some(Value::List(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![&**s],
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
            let link = Link { via, protocol: protocol.to_owned(), ports, related: Vec::new(), endpoint: None };
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
            let link = Link { via, protocol: String::new(), ports: Vec::new(), related, endpoint: None };
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

    /// A managed prefix list's entries as range endpoints.
    fn prefix_list_ranges(&mut self, list: NodeIndex) -> Vec<NodeIndex> {
        let Some(r) = self.graph.resource(list) else { return vec![list] };
        if r.address.kind != "aws_ec2_managed_prefix_list" {
            return vec![list];
        }
        let cidrs: Vec<String> = match r.values.get("entry") {
            Some(Value::List(entries)) => {
                entries.iter().filter_map(|e| e.get("cidr")?.as_str().map(str::to_owned)).collect()
            }
            _ => Vec::new(),
        };
        cidrs.iter().map(|c| self.endpoint(EndpointKind::Range, c)).collect()
    }

    /// `ingress`/`egress` blocks of an `aws_security_group`.
    fn aws_inline_group(&mut self, group: NodeIndex, r: &Resource<'_>) {
        for (direction, ingress) in [("ingress", true), ("egress", false)] {
            let blocks: Vec<&Value<'_>> = match r.values.get(direction) {
                Some(Value::List(items)) => items.iter().collect(),
                _ => Vec::new(),
            };
            // Configuration references for the whole attribute (Terraform merges the
            // blocks of an attribute-as-blocks into one expression).
            let whole = self.named_with(group, direction).into_iter().filter(|&(n, _)| n != group).collect::<Vec<_>>();
            let unknown_blocks = blocks.iter().filter(|b| b.contains_unknown()).count();
            for (i, block) in blocks.iter().enumerate() {
                let proto = protocol(block.get("protocol").and_then(Value::as_str).unwrap_or("-1"));
                let ports = port_range(&proto, int(block.get("from_port")), int(block.get("to_port")));
                let mut peers: Vec<(NodeIndex, String, Derivation)> = Vec::new();
                for attr in ["cidr_blocks", "ipv6_cidr_blocks", "security_groups"] {
                    let path = format!("{direction}[{i}].{attr}");
                    peers.extend(self.named_with(group, &path).into_iter().map(|(n, d)| (n, path.clone(), d)));
                }
                let lists = format!("{direction}[{i}].prefix_list_ids");
                for (list, d) in self.named_with(group, &lists) {
                    for n in self.prefix_list_ranges(list) {
                        peers.push((n, lists.clone(), d));
                    }
                }
                if matches!(block.get("self"), Some(Value::Bool(true))) {
                    peers.push((group, format!("{direction}[{i}].self"), Derivation::KnownValue));
                }
                if block.contains_unknown() || (unknown_blocks == 0 && blocks.len() == 1) {
                    peers.extend(whole.iter().map(|&(n, d)| (n, direction.to_owned(), d)));
                }
                for (peer, attribute, d) in peers {
                    let (from, to) = if ingress { (peer, group) } else { (group, peer) };
                    self.push_derived(from, to, &attribute, group, &proto, ports.clone(), d);
                }
            }
            if blocks.is_empty() {
                // The blocks themselves are unknown: link what the configuration names.
                for &(peer, d) in &whole {
                    let (from, to) = if ingress { (peer, group) } else { (group, peer) };
                    self.push_derived(from, to, direction, group, "all", Vec::new(), d);
                }
            }
        }
    }

    fn aws_group_rule(&mut self, rule: NodeIndex, r: &Resource<'_>) {
        let ingress = r.values.get("type").and_then(Value::as_str) != Some("egress");
        let proto = protocol(r.values.get("protocol").and_then(Value::as_str).unwrap_or("-1"));
        let peers = ["source_security_group_id", "cidr_blocks", "ipv6_cidr_blocks"];
        self.aws_rule(rule, r, ingress, &proto, &peers, "prefix_list_ids");
    }

    fn aws_vpc_rule(&mut self, rule: NodeIndex, r: &Resource<'_>, ingress: bool) {
        let proto = protocol(r.values.get("ip_protocol").and_then(Value::as_str).unwrap_or("-1"));
        let peers = ["referenced_security_group_id", "cidr_ipv4", "cidr_ipv6"];
        self.aws_rule(rule, r, ingress, &proto, &peers, "prefix_list_id");
    }

    /// A standalone AWS rule: the group it belongs to, and the peers its
    /// attributes name (groups, ranges, managed prefix lists, `self`).
    fn aws_rule(
        &mut self,
        rule: NodeIndex,
        r: &Resource<'_>,
        ingress: bool,
        proto: &str,
        peer_attributes: &[&'static str],
        lists: &'static str,
    ) {
        let Some(group) = self.container(rule, "security_group_id") else { return };
        let ports = port_range(proto, int(r.values.get("from_port")), int(r.values.get("to_port")));
        let mut peers: Vec<(NodeIndex, &str, Derivation)> = Vec::new();
        for &attr in peer_attributes {
            peers.extend(self.named_with(rule, attr).into_iter().map(|(n, d)| (n, attr, d)));
        }
        for (list, d) in self.named_with(rule, lists) {
            for n in self.prefix_list_ranges(list) {
                peers.push((n, lists, d));
            }
        }
        if matches!(r.values.get("self"), Some(Value::Bool(true))) {
            peers.push((group, "self", Derivation::KnownValue));
        }
        for (peer, attribute, d) in peers {
            let (from, to) = if ingress { (peer, group) } else { (group, peer) };
            self.push_derived(from, to, attribute, rule, proto, ports.clone(), d);
        }
    }

    /// Address ranges at `path` (through lists and blocks) allowed into `node`.
    fn ranges_into(&mut self, node: NodeIndex, r: &Resource<'_>, path: &[&str], proto: &str) {
        let mut values = vec![&r.values];
        for key in path {
            values = values
                .into_iter()
                .flat_map(|v| match v.get(key).map(Value::unwrap_sensitive) {
                    Some(Value::List(items)) => items.iter().collect::<Vec<_>>(),
                    Some(other) => vec![other],
                    None => Vec::new(),
                })
                .collect();
        }
        let attribute = path.join(".");
        for cidr in values.iter().filter_map(|v| v.as_str()).map(str::to_owned).collect::<Vec<_>>() {
            if super::catalog::is_range(&cidr) {
                let from = self.endpoint(EndpointKind::Range, &cidr);
                self.push(from, node, &attribute, node, proto, Vec::new());
            }
        }
    }

    fn aws_peering(&mut self, peering: NodeIndex) {
        let (Some(a), Some(b)) =
            (self.named(peering, "vpc_id").first().copied(), self.named(peering, "peer_vpc_id").first().copied())
        else {
            return;
        };
        // The routes that send traffic over this peering.
        let routes: Vec<NodeIndex> = self
            .graph
            .inner
            .edges_directed(peering, Direction::Incoming)
            .filter(|e| {
                e.weight().kind == EdgeKind::References && e.weight().attribute.ends_with("vpc_peering_connection_id")
            })
            .map(|e| e.source())
            .collect();
        self.peer(a, b, peering, "peer_vpc_id", routes);
    }

    /// Generic peering: `local` names this side's network, `remote` the other's.
    fn peering(&mut self, node: NodeIndex, local: &str, remote: &str) {
        if let (Some(a), Some(b)) =
            (self.named(node, local).first().copied(), self.named(node, remote).first().copied())
        {
            self.peer(a, b, node, remote, Vec::new());
        }
    }

    fn shared_vpc(&mut self, node: NodeIndex, r: &Resource<'_>) {
        let host = r.values.get("host_project").and_then(Value::as_str).map(str::to_owned);
        let service = r.values.get("service_project").and_then(Value::as_str).map(str::to_owned);
        if let (Some(host), Some(service)) = (host, service) {
            let a = self.project(&host);
            let b = self.project(&service);
            self.peer(a, b, node, "host_project", Vec::new());
        }
    }

    /// A Google project: its `google_project` resource, else a name endpoint.
    fn project(&mut self, id: &str) -> NodeIndex {
        let model = self.graph.model;
        let found = self.of_kind(&["google_project"]).into_iter().find(|&n| {
            let Node::Resource(i) = self.graph.inner[n] else { return false };
            model.resources[i].values.get("project_id").and_then(Value::as_str) == Some(id)
        });
        found.unwrap_or_else(|| self.endpoint(EndpointKind::Name, id))
    }

    fn google_firewalls(&mut self, firewalls: &[NodeIndex]) {
        let model = self.graph.model;
        let rules: Vec<Firewall> = firewalls.iter().filter_map(|&n| Firewall::read(self, n)).collect();
        for rule in rules.iter().filter(|f| !f.deny) {
            for (proto, ports) in &rule.protocols {
                let denied = |source: &Source| {
                    rules.iter().any(|d| {
                        d.deny
                            && d.network == rule.network
                            && d.ingress == rule.ingress
                            && d.priority < rule.priority
                            && (d.targets.is_empty() || d.targets == rule.targets)
                            && d.sources_cover(source)
                            && d.protocols.iter().any(|(p, dp)| (p == "all" || p == proto) && ports_within(ports, dp))
                    })
                };
                let targets = self.firewall_targets(rule, model);
                for source in &rule.sources {
                    if denied(source) {
                        continue;
                    }
                    let (nodes, attribute) = match source {
                        Source::Range(r) => (vec![self.endpoint(EndpointKind::Range, r)], "source_ranges"),
                        Source::Tag(t) => (self.tagged_instances(t, rule.network), "source_tags"),
                        Source::Account(a) => (self.service_account_instances(a), "source_service_accounts"),
                    };
                    let attribute = if rule.ingress { attribute } else { "destination_ranges" };
                    for &s in &nodes {
                        for &t in &targets {
                            let (from, to) = if rule.ingress { (s, t) } else { (t, s) };
                            self.push(from, to, attribute, rule.node, proto, ports.clone());
                        }
                    }
                }
            }
        }
    }

    fn firewall_targets(&mut self, rule: &Firewall, _model: &crate::model::Model<'_>) -> Vec<NodeIndex> {
        if rule.targets.is_empty() {
            return rule.network.into_iter().collect();
        }
        let mut out = Vec::new();
        for t in &rule.targets {
            match t {
                Source::Tag(tag) => out.extend(self.tagged_instances(tag, rule.network)),
                Source::Account(a) => out.extend(self.service_account_instances(a)),
                Source::Range(_) => {}
            }
        }
        if out.is_empty() {
            out.extend(rule.network);
        }
        out
    }

    fn tagged_instances(&self, tag: &str, network: Option<NodeIndex>) -> Vec<NodeIndex> {
        let Some(tagged) = self.by_tag.get(tag) else { return Vec::new() };
        tagged
            .iter()
            .copied()
            .filter(|&n| {
                network.is_none_or(|net| {
                    self.named(n, "network_interface[0].network").contains(&net)
                        || self.container(n, "network").is_none_or(|c| c == net)
                })
            })
            .collect()
    }

    fn service_account_instances(&self, account: &str) -> Vec<NodeIndex> {
        let model = self.graph.model;
        self.of_kind(&["google_compute_instance"])
            .into_iter()
            .filter(|&n| {
                let Node::Resource(i) = self.graph.inner[n] else { return false };
                let email = model.resources[i].values.at(&[
                    crate::model::value::PathStep::Key("service_account"),
                    crate::model::value::PathStep::Index(0),
                    crate::model::value::PathStep::Key("email"),
                ]);
                email.and_then(Value::as_str) == Some(account)
            })
            .collect()
    }

    fn azure_nsg_rules(&mut self, rules: &[(NodeIndex, NodeIndex, Option<usize>, &Value<'_>)]) {
        let parsed: Vec<NsgRule> =
            rules.iter().map(|&(via, group, index, v)| NsgRule::read(self, via, group, index, v)).collect();
        for rule in parsed.iter().filter(|r| r.allow) {
            for (source, source_attr) in &rule.sources {
                for (dest, dest_attr) in &rule.destinations {
                    let denied = parsed.iter().any(|d| {
                        !d.allow
                            && d.group == rule.group
                            && d.inbound == rule.inbound
                            && d.priority < rule.priority
                            && (d.protocol == "all" || d.protocol == rule.protocol)
                            && ports_within(&rule.ports, &d.ports)
                            && d.covers_source(source)
                            && d.covers_destination(dest)
                    });
                    if denied {
                        continue;
                    }
                    let from = self.nsg_end(source, rule.group);
                    let to = self.nsg_end(dest, rule.group);
                    let attribute = match rule.index {
                        Some(k) => format!("security_rule[{k}].{}", if rule.inbound { source_attr } else { dest_attr }),
                        None => (*if rule.inbound { source_attr } else { dest_attr }).to_owned(),
                    };
                    self.push(from, to, &attribute, rule.via, &rule.protocol, rule.ports.clone());
                }
            }
        }
    }

    fn nsg_end(&mut self, end: &NsgEnd, group: NodeIndex) -> NodeIndex {
        match end {
            NsgEnd::Range(r) => self.endpoint(EndpointKind::Range, r),
            NsgEnd::Node(n) => *n,
            NsgEnd::Group => group,
        }
    }

    fn azure_database_rule(&mut self, node: NodeIndex, r: &Resource<'_>) {
        let server = ["server_id", "server_name", "server"].iter().find_map(|a| self.named(node, a).first().copied());
        let Some(server) = server else { return };
        let start = r.values.get("start_ip_address").or_else(|| r.values.get("start_ip")).and_then(Value::as_str);
        let end = r.values.get("end_ip_address").or_else(|| r.values.get("end_ip")).and_then(Value::as_str);
        let (Some(start), Some(end)) = (start, end) else { return };
        let ranges = if start == "0.0.0.0" && end == "0.0.0.0" {
            // "Allow Azure services": every tenant's Azure addresses, the internet for our purposes.
            vec!["0.0.0.0/0".to_owned()]
        } else {
            cover(start, end)
        };
        for range in ranges {
            let from = self.endpoint(EndpointKind::Range, &range);
            self.push(from, server, "start_ip_address", node, "tcp", Vec::new());
        }
    }

    fn network_policy(&mut self, node: NodeIndex, r: &Resource<'_>) {
        let own = self.container(node, "metadata[0].namespace").or_else(|| {
            let ns = r.values.at(&[
                crate::model::value::PathStep::Key("metadata"),
                crate::model::value::PathStep::Index(0),
                crate::model::value::PathStep::Key("namespace"),
            ]);
            Some(ns.and_then(Value::as_str).unwrap_or("default").to_owned()).map(|n| self.namespace(&n))
        });
        let Some(own) = own else { return };
        let spec = match r.values.get("spec") {
            Some(Value::List(items)) => items.first(),
            other => other,
        };
        let Some(spec) = spec else { return };
        for (direction, peers_key, ingress) in [("ingress", "from", true), ("egress", "to", false)] {
            let Some(Value::List(rules)) = spec.get(direction) else { continue };
            for (i, rule) in rules.iter().enumerate() {
                let ports: Vec<(u32, u32)> = match rule.get("ports") {
                    Some(Value::List(ps)) => ps
                        .iter()
                        .filter_map(|p| {
                            let port = int(p.get("port"))?;
                            let end = int(p.get("end_port")).unwrap_or(port);
                            Some((u32::try_from(port).ok()?, u32::try_from(end).ok()?))
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let Some(Value::List(peers)) = rule.get(peers_key) else { continue };
                for (j, peer) in peers.iter().enumerate() {
                    let attribute = format!("spec[0].{direction}[{i}].{peers_key}[{j}]");
                    for other in self.policy_peers(peer, own) {
                        let (from, to) = if ingress { (other, own) } else { (own, other) };
                        self.push(from, to, &attribute, node, "tcp", ports.clone());
                    }
                }
            }
        }
    }

    /// The namespaces (or range) a network policy peer selects.
    fn policy_peers(&mut self, peer: &Value<'_>, own: NodeIndex) -> Vec<NodeIndex> {
        let first = |v: Option<&Value<'_>>| -> Option<Value<'static>> {
            match v {
                Some(Value::List(items)) => items.first().map(|x| Value::from_json(to_json(x))),
                Some(other) if !matches!(other, Value::Null) => Some(Value::from_json(to_json(other))),
                _ => None,
            }
        };
        if let Some(block) = first(peer.get("ip_block"))
            && let Some(cidr) = block.get("cidr").and_then(Value::as_str)
        {
            return vec![self.endpoint(EndpointKind::Range, cidr)];
        }
        let Some(selector) = first(peer.get("namespace_selector")) else { return vec![own] };
        let labels: Vec<(String, String)> = match selector.get("match_labels") {
            Some(Value::Map(entries)) => {
                entries.iter().filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_owned()))).collect()
            }
            _ => Vec::new(),
        };
        let model = self.graph.model;
        self.of_kind(&["kubernetes_namespace", "kubernetes_namespace_v1"])
            .into_iter()
            .filter(|&n| {
                let Node::Resource(i) = self.graph.inner[n] else { return false };
                let r = &model.resources[i];
                let meta = r.values.get("metadata").and_then(|m| match m {
                    Value::List(items) => items.first(),
                    other => Some(other),
                });
                labels.iter().all(|(k, v)| {
                    meta.and_then(|m| m.get("labels")).and_then(|l| l.get(k)).and_then(Value::as_str) == Some(v)
                })
            })
            .filter(|&n| n != own)
            .collect()
    }

    fn namespace(&mut self, name: &str) -> NodeIndex {
        self.endpoint(EndpointKind::Name, name)
    }

    /// Transit gateways: attachments whose VPCs can reach each other through a shared
    /// route table (an attachment associated with a table reaches the attachments
    /// that propagate into it); without route tables in the inputs, the default
    /// table joins every attachment that keeps default association and propagation.
    fn transit_gateways(&mut self, attachments: &[NodeIndex]) {
        let model = self.graph.model;
        let mut by_gateway: HashMap<NodeIndex, Vec<NodeIndex>> = HashMap::default();
        for &a in attachments {
            if let Some(tgw) = self.named(a, "transit_gateway_id").first().copied() {
                by_gateway.entry(tgw).or_default().push(a);
            }
        }
        let mut gateways: Vec<NodeIndex> = by_gateway.keys().copied().collect();
        gateways.sort();
        // association/propagation resources: attachment → route tables
        let mut associated: HashMap<NodeIndex, Vec<NodeIndex>> = HashMap::default();
        let mut propagates: HashMap<NodeIndex, Vec<NodeIndex>> = HashMap::default();
        let tables = self.of_kind(&[
            "aws_ec2_transit_gateway_route_table_association",
            "aws_ec2_transit_gateway_route_table_propagation",
        ]);
        for n in tables {
            let Node::Resource(i) = self.graph.inner[n] else { continue };
            let target = match model.resources[i].address.kind.as_str() {
                "aws_ec2_transit_gateway_route_table_association" => &mut associated,
                _ => &mut propagates,
            };
            if let (Some(att), Some(rt)) = (
                self.named(n, "transit_gateway_attachment_id").first().copied(),
                self.named(n, "transit_gateway_route_table_id").first().copied(),
            ) {
                target.entry(att).or_default().push(rt);
            }
        }
        for tgw in gateways {
            let members = &by_gateway[&tgw];
            let explicit = members.iter().any(|a| associated.contains_key(a) || propagates.contains_key(a));
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    let joined = if explicit {
                        let reaches = |from: NodeIndex, to: NodeIndex| {
                            associated.get(&from).is_some_and(|rts| {
                                rts.iter().any(|rt| propagates.get(&to).is_some_and(|p| p.contains(rt)))
                            })
                        };
                        reaches(a, b) || reaches(b, a)
                    } else {
                        let default = |n: NodeIndex| {
                            let r = self.graph.resource(n);
                            let flag = |k: &str| r.and_then(|r| r.values.get(k)) != Some(&Value::Bool(false));
                            flag("transit_gateway_default_route_table_association")
                                && flag("transit_gateway_default_route_table_propagation")
                        };
                        default(a) && default(b)
                    };
                    if !joined {
                        continue;
                    }
                    if let (Some(va), Some(vb)) =
                        (self.named(a, "vpc_id").first().copied(), self.named(b, "vpc_id").first().copied())
                    {
                        self.peer(va, vb, a, "transit_gateway_id", vec![b, tgw]);
                    }
                }
            }
        }
    }
}

fn to_json(v: &Value<'_>) -> serde_json::Value {
    match v {
        Value::Null | Value::Unknown => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::json!(i),
        Value::Float(f) => serde_json::json!(f),
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::List(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => {
            serde_json::Value::Object(entries.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect())
        }
        Value::Sensitive(inner) => to_json(inner),
    }
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

/// A Google firewall rule, read once.
struct Firewall {
    node: NodeIndex,
    network: Option<NodeIndex>,
    ingress: bool,
    deny: bool,
    priority: i64,
    protocols: Vec<(String, Vec<(u32, u32)>)>,
    sources: Vec<Source>,
    targets: Vec<Source>,
}

#[derive(PartialEq, Eq)]
enum Source {
    Range(String),
    Tag(String),
    Account(String),
}

impl Firewall {
    fn read(b: &Builder<'_, '_, '_>, node: NodeIndex) -> Option<Firewall> {
        let r = b.graph.resource(node)?;
        if matches!(r.values.get("disabled"), Some(Value::Bool(true))) {
            return None;
        }
        let ingress =
            r.values.get("direction").and_then(Value::as_str).is_none_or(|d| d.eq_ignore_ascii_case("INGRESS"));
        let deny = matches!(r.values.get("deny"), Some(Value::List(items)) if !items.is_empty());
        let blocks = r.values.get(if deny { "deny" } else { "allow" });
        let protocols = match blocks {
            Some(Value::List(items)) => items
                .iter()
                .map(|blk| {
                    let proto = protocol(blk.get("protocol").and_then(Value::as_str).unwrap_or("all"));
                    let ports = port_strings(&strings(blk.get("ports")));
                    (proto, ports)
                })
                .collect(),
            _ => Vec::new(),
        };
        let ranges = strings(r.values.get(if ingress { "source_ranges" } else { "destination_ranges" }));
        let mut sources: Vec<Source> = ranges.iter().map(|s| Source::Range((*s).to_owned())).collect();
        if ingress {
            sources.extend(strings(r.values.get("source_tags")).iter().map(|t| Source::Tag((*t).to_owned())));
            sources.extend(
                strings(r.values.get("source_service_accounts")).iter().map(|t| Source::Account((*t).to_owned())),
            );
        }
        let mut targets: Vec<Source> =
            strings(r.values.get("target_tags")).iter().map(|t| Source::Tag((*t).to_owned())).collect();
        targets
            .extend(strings(r.values.get("target_service_accounts")).iter().map(|t| Source::Account((*t).to_owned())));
        Some(Firewall {
            node,
            network: b.named(node, "network").first().copied(),
            ingress,
            deny,
            priority: int(r.values.get("priority")).unwrap_or(1000),
            protocols,
            sources,
            targets,
        })
    }

    /// Whether this (deny) rule's sources include `source`.
    fn sources_cover(&self, source: &Source) -> bool {
        self.sources.iter().any(|s| match (s, source) {
            (Source::Range(d), Source::Range(a)) => range_within(a, d),
            (a, b) => a == b,
        })
    }
}

fn range_within(inner: &str, outer: &str) -> bool {
    match (crate::vocab::ranges::parse_range(inner), crate::vocab::ranges::parse_range(outer)) {
        (Some(i), Some(o)) => o.contains(&i),
        _ => false,
    }
}

/// An Azure security rule, read once.
struct NsgRule {
    via: NodeIndex,
    group: NodeIndex,
    index: Option<usize>,
    inbound: bool,
    allow: bool,
    priority: i64,
    protocol: String,
    ports: Vec<(u32, u32)>,
    sources: Vec<(NsgEnd, &'static str)>,
    destinations: Vec<(NsgEnd, &'static str)>,
}

#[derive(Clone, PartialEq, Eq)]
enum NsgEnd {
    Range(String),
    Node(NodeIndex),
    /// `*` or `VirtualNetwork`: whatever the group protects.
    Group,
}

impl NsgRule {
    fn read(
        b: &mut Builder<'_, '_, '_>,
        via: NodeIndex,
        group: NodeIndex,
        index: Option<usize>,
        v: &Value<'_>,
    ) -> NsgRule {
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("");
        let mut ports: Vec<&str> = strings(v.get("destination_port_ranges"));
        if ports.is_empty() {
            ports.push(text("destination_port_range"));
        }
        let prefix = format!("security_rule[{}].", index.unwrap_or(0));
        let ends = |single: &'static str, plural: &'static str, groups: &'static str| -> Vec<(NsgEnd, &'static str)> {
            let mut out = Vec::new();
            let mut values: Vec<(&str, &'static str)> =
                strings(v.get(plural)).into_iter().map(|p| (p, plural)).collect();
            let one = text(single);
            if !one.is_empty() {
                values.push((one, single));
            }
            for (p, attr) in values {
                let end = match p {
                    "*" | "VirtualNetwork" | "Any" => NsgEnd::Group,
                    "Internet" => NsgEnd::Range("0.0.0.0/0".to_owned()),
                    p if super::catalog::is_range(p) => NsgEnd::Range(p.to_owned()),
                    _ => continue, // other service tags: Azure's own addresses
                };
                out.push((end, attr));
            }
            let path = if index.is_some() { format!("{prefix}{groups}") } else { groups.to_owned() };
            for n in b.named(via, &path) {
                out.push((NsgEnd::Node(n), groups));
            }
            out
        };
        let sources = ends("source_address_prefix", "source_address_prefixes", "source_application_security_group_ids");
        let destinations = ends(
            "destination_address_prefix",
            "destination_address_prefixes",
            "destination_application_security_group_ids",
        );
        NsgRule {
            via,
            group,
            index,
            inbound: !text("direction").eq_ignore_ascii_case("Outbound"),
            allow: !text("access").eq_ignore_ascii_case("Deny"),
            priority: int(v.get("priority")).unwrap_or(4096),
            protocol: protocol(text("protocol")),
            ports: port_strings(&ports),
            sources,
            destinations,
        }
    }

    fn covers(ends: &[(NsgEnd, &'static str)], end: &NsgEnd) -> bool {
        ends.iter().any(|(e, _)| match (e, end) {
            (NsgEnd::Group, _) => true,
            (NsgEnd::Range(d), NsgEnd::Range(a)) => range_within(a, d),
            (a, b) => a == b,
        })
    }

    fn covers_source(&self, end: &NsgEnd) -> bool {
        Self::covers(&self.sources, end)
    }

    fn covers_destination(&self, end: &NsgEnd) -> bool {
        Self::covers(&self.destinations, end)
    }
}

#[allow(dead_code)]
fn is_public(net: &IpNet) -> bool {
    match net {
        IpNet::V4(n) => {
            let a = n.network();
            !(a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || a.octets()[0] == 100 && (a.octets()[1] & 0xC0) == 64)
        }
        IpNet::V6(n) => {
            let a = n.network();
            !(a.is_loopback() || (a.segments()[0] & 0xfe00) == 0xfc00 || (a.segments()[0] & 0xffc0) == 0xfe80)
        }
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
    fn attribute_paths() {
        assert!(attribute_is("cidr_blocks", "cidr_blocks"));
        assert!(attribute_is("vpc_security_group_ids[1]", "vpc_security_group_ids"));
        assert!(!attribute_is("cidr_blocks_extra", "cidr_blocks"));
        assert!(!attribute_is("ingress[0].cidr_blocks", "ingress"));
    }
}
