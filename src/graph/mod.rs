//! The resource graph: resources and the external things they point at, linked by
//! typed edges.
//!
//! In: the [`Model`] of all inputs. Out: a petgraph [`DiGraph`] whose nodes are
//! resource instances and external endpoints (an id, range or name that no input
//! owns), and whose edges are `references` (an attribute names another resource) and
//! `contains` (a VPC holds a subnet, a resource group holds a resource). Links are
//! found from known values first (an id, ARN or self link that some resource in any
//! input owns, which is how inputs join), then from the references the input stage
//! resolved from configuration, then from state `depends_on`. Each edge keeps its
//! attribute path and [`Derivation`]. The graph knows edge kinds, not rules.

pub mod access;
pub mod catalog;
mod nacl;
mod settings;
mod traffic;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::hash::FastMap;
use crate::model::address::{Address, Mode, ModuleStep};
use crate::model::value::{AttrValue, PathStep, write_path};
use crate::model::{Derivation, InputId, Model};
use catalog::By;

/// A node: a resource instance (its index in [`Model::resources`]) or an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// `model.resources[i]`.
    Resource(usize),
    /// Something referenced that no input owns.
    Endpoint(Endpoint),
}

/// A thing outside every input: an id, an address range, a container name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// What kind of value it is.
    pub kind: EndpointKind,
    /// The value itself; it is the node's name in every output.
    pub value: String,
}

/// Kinds of external endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndpointKind {
    /// An id, ARN, self link or Azure resource id.
    Id,
    /// An IP address or CIDR range.
    Range,
    /// A host name a setting points at that no input owns.
    Host,
    /// A container named by its name (a resource group, a namespace).
    Name,
}

impl EndpointKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointKind::Id => "id",
            EndpointKind::Range => "range",
            EndpointKind::Host => "host",
            EndpointKind::Name => "name",
        }
    }
}

/// An edge between two nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// What the edge means.
    pub kind: EdgeKind,
    /// The attribute of the referencing resource that makes the link (empty for
    /// dependency edges).
    pub attribute: String,
    /// How the link was established.
    pub derivation: Derivation,
    /// For `allows-traffic` and `peers` edges: what creates the link.
    pub link: Option<Box<Link>>,
}

/// What lets traffic through, or joins two networks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The resource that creates it (a rule, a security group, a firewall, a peering).
    pub via: NodeIndex,
    /// The protocol (`tcp`, `udp`, `icmp`, `all`); empty for peerings.
    pub protocol: String,
    /// Port ranges; empty means every port.
    pub ports: Vec<(u32, u32)>,
    /// Other resources that take part (the routes that use a peering).
    pub related: Vec<NodeIndex>,
    /// For a setting: the host and port it names (`db.stg.example.com:5432`).
    pub endpoint: Option<String>,
    /// For a setting whose value is another stack's output: the Terragrunt
    /// dependency it comes through.
    pub through: Option<std::sync::Arc<crate::model::Through>>,
    /// For a grant: what it allows.
    pub access: Option<Box<access::Access>>,
}

impl Link {
    /// The ports as people write them: `5432`, `8000-8080`, `all`.
    pub fn ports_text(&self) -> String {
        if self.ports.is_empty() {
            return "all".to_owned();
        }
        self.ports
            .iter()
            .map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Edge kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// `from`'s attribute names `to`.
    References,
    /// `from` (a VPC, subnet, resource group, namespace) holds `to`.
    Contains,
    /// A rule lets `from` open connections to `to`.
    AllowsTraffic,
    /// A peering, transit gateway or shared network joins `from` and `to` (both ways).
    Peers,
    /// An application setting of `from` points at `to` (a connection string, a URL).
    ConnectsTo,
    /// A policy lets `from` (a principal) act on `to`.
    Grants,
}

impl EdgeKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::References => "references",
            EdgeKind::Contains => "contains",
            EdgeKind::AllowsTraffic => "allows-traffic",
            EdgeKind::Peers => "peers",
            EdgeKind::ConnectsTo => "connects-to",
            EdgeKind::Grants => "grants",
        }
    }
}

/// The graph over one model.
pub struct Graph<'m, 'a> {
    /// The model the nodes refer to.
    pub model: &'m Model<'a>,
    /// Nodes and edges.
    pub inner: DiGraph<Node, Edge>,
    /// The node of each resource, by resource index.
    pub resource_nodes: Vec<NodeIndex>,
    /// (input, address) → resource index.
    addresses: FastMap<(InputId, &'m Address), usize>,
}

impl<'m, 'a> Graph<'m, 'a> {
    /// Builds the graph of a model.
    pub fn build(model: &'m Model<'a>) -> Self {
        Builder::new(model).build()
    }

    /// The resource index of an address in an input.
    pub(crate) fn by_address(&self, input: InputId, address: &'m Address) -> Option<&usize> {
        self.addresses.get(&(input, address))
    }

    /// The resource of a node, if it is one.
    pub fn resource(&self, node: NodeIndex) -> Option<&'m crate::model::Resource<'a>> {
        match &self.inner[node] {
            Node::Resource(i) => Some(&self.model.resources[*i]),
            Node::Endpoint(_) => None,
        }
    }

    /// The workloads a security group, network security group or network protects:
    /// resources that attach it (`vpc_security_group_ids`, `security_group_ids`,
    /// `security_groups`, `network_interface[].network`), and the subnets an NSG is
    /// associated with. Other groups that name it in their own rules are not
    /// workloads.
    pub fn protected_by(&self, node: NodeIndex) -> Vec<NodeIndex> {
        use petgraph::Direction::{Incoming, Outgoing};
        use petgraph::visit::EdgeRef;
        let is_group = |n: NodeIndex| {
            self.resource(n)
                .is_some_and(|r| matches!(r.address.kind.as_str(), "aws_security_group" | "aws_default_security_group"))
        };
        let group_kind = self.resource(node).map(|r| r.address.kind.as_str());
        if !matches!(
            group_kind,
            Some("aws_security_group" | "aws_default_security_group" | "azurerm_network_security_group")
        ) {
            return Vec::new();
        }
        let mut out: Vec<NodeIndex> = Vec::new();
        for e in self.inner.edges_directed(node, Incoming) {
            let attribute = e.weight().attribute.as_str();
            let key = attribute.rsplit('.').next().unwrap_or(attribute).split('[').next().unwrap_or("");
            let attaches = e.weight().kind == EdgeKind::References
                && matches!(key, "vpc_security_group_ids" | "security_group_ids" | "security_groups")
                && !is_group(e.source());
            if attaches && !out.contains(&e.source()) {
                out.push(e.source());
            }
        }
        // Azure: NSG → association (contains, network_security_group_id) → subnet.
        for e in self.inner.edges_directed(node, Outgoing) {
            let association = self
                .resource(e.target())
                .is_some_and(|r| r.address.kind.ends_with("_network_security_group_association"));
            if e.weight().kind == EdgeKind::Contains && association {
                for s in self.inner.edges_directed(e.target(), Incoming) {
                    if s.weight().kind == EdgeKind::Contains && s.source() != node && !out.contains(&s.source()) {
                        out.push(s.source());
                    }
                }
            }
        }
        out.sort();
        out
    }

    /// The resource address or endpoint value, without the input prefix.
    pub fn short_name(&self, node: NodeIndex) -> String {
        match &self.inner[node] {
            Node::Resource(i) => self.model.resources[*i].address.to_string(),
            Node::Endpoint(e) => e.value.clone(),
        }
    }

    /// The name of a node in reports: the resource address (prefixed with its input
    /// when several inputs are loaded), or the endpoint's value.
    pub fn node_name(&self, node: NodeIndex) -> String {
        match &self.inner[node] {
            Node::Resource(i) => {
                let r = &self.model.resources[*i];
                if self.model.inputs.len() > 1 {
                    format!("{}:{}", self.model.inputs[r.input].label(), r.address)
                } else {
                    r.address.to_string()
                }
            }
            Node::Endpoint(e) => e.value.clone(),
        }
    }
}

/// Where an outgoing link of a resource points before nodes exist for endpoints.
#[derive(PartialEq, Eq)]
enum To {
    Resource(usize),
    Endpoint(EndpointKind, String),
}

struct Candidate {
    to: To,
    attribute: String,
    derivation: Derivation,
    contains: bool,
}

/// Of several owners of one identity, the managed resources: a data source that
/// reads a resource another input manages has its id too; the id is the resource's.
fn keep_managed<T>(owners: &mut Vec<T>, managed: impl Fn(&T) -> bool) {
    if owners.len() > 1 && owners.iter().any(&managed) {
        owners.retain(managed);
    }
}

type ResourceKey<'m> = (InputId, &'m [ModuleStep], Mode, &'m str, &'m str);

struct Builder<'m, 'a> {
    model: &'m Model<'a>,
    graph: DiGraph<Node, Edge>,
    resource_nodes: Vec<NodeIndex>,
    /// id / ARN / self link → owners.
    identities: FastMap<&'m str, Vec<usize>>,
    /// (container type, name) → owners.
    names: FastMap<(&'m str, &'m str), Vec<usize>>,
    by_address: FastMap<(InputId, &'m Address), usize>,
    by_resource: FastMap<ResourceKey<'m>, Vec<usize>>,
    endpoints: FastMap<(EndpointKind, String), NodeIndex>,
}

impl<'m, 'a> Builder<'m, 'a> {
    fn new(model: &'m Model<'a>) -> Self {
        let n = model.resources.len();
        let mut graph = DiGraph::with_capacity(n, n * 2);
        let resource_nodes = (0..n).map(|i| graph.add_node(Node::Resource(i))).collect();
        let mut b = Builder {
            model,
            graph,
            resource_nodes,
            // Sized as they fill: most resources have no known id (a plan's new
            // ones), and the instances of one counted resource share one entry.
            identities: FastMap::default(),
            names: FastMap::default(),
            by_address: FastMap::with_capacity_and_hasher(n, Default::default()),
            by_resource: FastMap::default(),
            endpoints: FastMap::default(),
        };
        b.index();
        b
    }

    fn index(&mut self) {
        let model: &'m Model<'a> = self.model;
        for (i, r) in model.resources.iter().enumerate() {
            for attr in catalog::IDENTITY_ATTRIBUTES {
                if let Some(s) = r.values.get(attr).and_then(AttrValue::as_str)
                    && catalog::is_distinctive(s)
                {
                    let owners = self.identities.entry(s).or_default();
                    if owners.last() != Some(&i) {
                        owners.push(i);
                    }
                }
            }
            if let Some((_, path)) = catalog::NAMED_CONTAINERS.iter().find(|(t, _)| *t == r.address.kind) {
                let steps: Vec<PathStep<'_>> = path.iter().map(|k| PathStep::Key(k)).collect();
                if let Some(name) = r.values.at(&steps).and_then(AttrValue::as_str) {
                    self.names.entry((r.address.kind.as_str(), name)).or_default().push(i);
                }
            }
            self.by_address.insert((r.input, &r.address), i);
            let a = &r.address;
            self.by_resource.entry((r.input, &a.module, a.mode, &a.kind, &a.name)).or_default().push(i);
        }
        for owners in self.identities.values_mut() {
            keep_managed(owners, |&j| model.resources[j].address.mode == Mode::Managed);
        }
    }

    fn build(mut self) -> Graph<'m, 'a> {
        // Each resource's links read only the indexes: found on every core, added in
        // order.
        let all_links = crate::parallel::map_indices(self.model.resources.len(), |i| self.links_of(i), |_| {});
        for (i, links) in all_links.into_iter().enumerate() {
            for link in links {
                let to = match link.to {
                    To::Resource(j) => self.resource_nodes[j],
                    To::Endpoint(kind, value) => self.endpoint(kind, value),
                };
                let from = self.resource_nodes[i];
                let edge = Edge {
                    kind: if link.contains { EdgeKind::Contains } else { EdgeKind::References },
                    attribute: link.attribute,
                    derivation: link.derivation,
                    link: None,
                };
                if link.contains {
                    self.graph.add_edge(to, from, edge);
                } else {
                    self.graph.add_edge(from, to, edge);
                }
            }
        }
        let mut graph = Graph {
            model: self.model,
            inner: self.graph,
            resource_nodes: self.resource_nodes,
            addresses: self.by_address,
        };
        let endpoints = traffic::add(&mut graph, self.endpoints);
        let (endpoints, identities) = settings::add(&mut graph, endpoints);
        access::add(&mut graph, &endpoints, identities);
        graph
    }

    fn endpoint(&mut self, kind: EndpointKind, value: String) -> NodeIndex {
        if let Some(&n) = self.endpoints.get(&(kind, value.clone())) {
            return n;
        }
        let n = self.graph.add_node(Node::Endpoint(Endpoint { kind, value: value.clone() }));
        self.endpoints.insert((kind, value), n);
        n
    }

    /// Owners of a value, preferring those in the same input.
    fn prefer_same_input(&self, owners: &[usize], input: InputId, me: usize) -> Vec<usize> {
        let same: Vec<usize> =
            owners.iter().copied().filter(|&j| j != me && self.model.resources[j].input == input).collect();
        if !same.is_empty() {
            return same;
        }
        owners.iter().copied().filter(|&j| j != me).collect()
    }

    fn links_of(&self, i: usize) -> Vec<Candidate> {
        let r = &self.model.resources[i];
        let mut links: Vec<Candidate> = Vec::new();
        let push = |links: &mut Vec<Candidate>, link: Candidate| {
            // One containment edge per container is enough; references keep one edge
            // per attribute.
            let dup = links.iter().any(|l| {
                l.to == link.to && l.contains == link.contains && (link.contains || l.attribute == link.attribute)
            });
            if !dup {
                links.push(link);
            }
        };
        // 1. Known values.
        r.values.walk(&mut |path, leaf, sensitive| {
            let Some(PathStep::Key(first)) = path.0.first() else { return };
            if catalog::SKIPPED_ATTRIBUTES.contains(first)
                || (path.0.len() == 1 && catalog::IDENTITY_ATTRIBUTES.contains(first))
            {
                return;
            }
            let AttrValue::String(s) = leaf else { return };
            let s: &str = s;
            if s.is_empty() {
                return;
            }
            let key = path.last_key().unwrap_or("");
            let top_level = if path.0.len() == 1 { Some(key) } else { None };
            let containment = catalog::containment_at(&r.address.kind, first, top_level, key);
            let contains = containment.is_some();
            // Most leaves link nowhere: their path is written only for those that do.
            let known = |to| Candidate {
                to,
                attribute: attribute_label(&path.0),
                derivation: Derivation::KnownValue,
                contains,
            };
            if let Some(owners) = self.identities.get(s) {
                for j in self.prefer_same_input(owners, r.input, i) {
                    push(&mut links, known(To::Resource(j)));
                }
                return;
            }
            if let Some(By::Name(types)) = containment {
                let mut found = false;
                for t in types {
                    if let Some(owners) = self.names.get(&(*t, s)) {
                        for j in self.prefer_same_input(owners, r.input, i) {
                            found = true;
                            push(&mut links, known(To::Resource(j)));
                        }
                    }
                }
                if !found && !sensitive && !is_default_name(key, s) {
                    push(&mut links, known(To::Endpoint(EndpointKind::Name, s.to_owned())));
                }
                return;
            }
            if sensitive || catalog::is_owned_child(key) {
                return;
            }
            if catalog::RANGE_ATTRIBUTES.contains(&key) && catalog::is_range(s) {
                push(&mut links, known(To::Endpoint(EndpointKind::Range, s.to_owned())));
            } else if catalog::is_identity_shaped(s) {
                push(&mut links, known(To::Endpoint(EndpointKind::Id, s.to_owned())));
            }
        });
        // 2. Configuration references, where no known value already made the link.
        for reference in &r.references {
            let Some(input) = reference.target_input(r.input) else { continue };
            let Some(&j) = self.by_address.get(&(input, &reference.target)) else { continue };
            // Another stack's outputs pass through `terraform_remote_state`: the values
            // it gives make the links, the data source itself is no end.
            if reference.target.mode == Mode::Data && reference.target.kind == "terraform_remote_state" {
                continue;
            }
            let mut attribute = String::new();
            let steps: Vec<PathStep<'_>> = reference.attribute.iter().map(|s| s.as_step()).collect();
            let _ = write_path(&mut attribute, &steps);
            let known = links.iter().any(|l| {
                l.to == To::Resource(j)
                    && l.derivation == Derivation::KnownValue
                    && path_within(&l.attribute, &attribute)
            });
            if known {
                continue;
            }
            let last_key = steps.iter().rev().find_map(|s| match s {
                PathStep::Key(k) => Some(*k),
                PathStep::Index(_) => None,
            });
            let top_level = match steps.as_slice() {
                [PathStep::Key(k)] => Some(*k),
                _ => None,
            };
            let first = match steps.first() {
                Some(PathStep::Key(k)) => *k,
                _ => "",
            };
            let contains =
                last_key.and_then(|key| catalog::containment_at(&r.address.kind, first, top_level, key)).is_some();
            // A value known at plan time that the configuration takes from a resource
            // (`cidr_ipv4 = aws_vpc.staging.cidr_block`): link the resource, not a
            // detached endpoint.
            links.retain(|l| !(matches!(l.to, To::Endpoint(..)) && l.attribute == attribute));
            push(&mut links, Candidate { to: To::Resource(j), attribute, derivation: reference.derivation, contains });
        }
        // 3. State dependencies, the weakest evidence.
        for dep in &r.depends_on {
            let targets: Vec<usize> = match &dep.key {
                Some(_) => self.by_address.get(&(r.input, dep)).copied().into_iter().collect(),
                None => self
                    .by_resource
                    .get(&(r.input, &*dep.module, dep.mode, dep.kind.as_str(), dep.name.as_str()))
                    .cloned()
                    .unwrap_or_default(),
            };
            for j in targets {
                if j != i && !links.iter().any(|l| l.to == To::Resource(j)) {
                    push(
                        &mut links,
                        Candidate {
                            to: To::Resource(j),
                            attribute: String::new(),
                            derivation: Derivation::Dependency,
                            contains: false,
                        },
                    );
                }
            }
        }
        links
    }
}

/// The attribute path of a leaf without its trailing list indexes:
/// `vpc_security_group_ids[1]` → `vpc_security_group_ids`, while block indexes stay
/// (`ingress[0].security_groups`).
fn attribute_label(steps: &[PathStep<'_>]) -> String {
    let end = steps.iter().rposition(|s| matches!(s, PathStep::Key(_))).map_or(0, |p| p + 1);
    let mut out = String::new();
    let _ = write_path(&mut out, &steps[..end]);
    out
}

/// Whether attribute path `inner` is `outer` or below it.
fn path_within(inner: &str, outer: &str) -> bool {
    inner.strip_prefix(outer).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Names that say nothing about a container (`default` namespace or network).
fn is_default_name(key: &str, value: &str) -> bool {
    value == "default" && matches!(key, "namespace" | "network")
}
