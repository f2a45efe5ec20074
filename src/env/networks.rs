//! The address ranges of the networks in the inputs (VPCs, subnets, virtual
//! networks, subnetworks), indexed two ways: which networks contain a range (a
//! prefix index) and which networks a range covers (sorted by start address).
//! Neither query compares a range against every network.
//!
//! Beside them, the addresses resources own: elastic and static IPs, NAT and
//! instance public addresses, the outbound addresses of App Service apps. An
//! allowlist entry inside one is that resource's address, not the internet.

use ipnet::IpNet;
use petgraph::graph::NodeIndex;

use crate::graph::{Graph, Node};
use crate::model::value::AttrValue;
use crate::vocab::ranges::{PrefixIndex, parse_range};

/// Network ranges of the inputs.
#[derive(Debug, Default)]
pub struct Networks {
    containing: PrefixIndex<NodeIndex>,
    /// (first address, last address, range, node), sorted; IPv4 mapped into u128.
    sorted: Vec<(u128, u128, IpNet, NodeIndex)>,
    /// Addresses (and public prefixes) resources own, with the attribute each is in.
    owned: PrefixIndex<(NodeIndex, &'static str)>,
}

/// An address a resource owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owned {
    /// The owned address or prefix.
    pub range: IpNet,
    /// The owner.
    pub node: NodeIndex,
    /// The attribute it is in (`public_ip`, `outbound_ip_address_list`).
    pub attribute: &'static str,
}

/// The attributes that hold a network resource's own ranges.
fn range_attributes(kind: &str) -> &'static [&'static str] {
    match kind {
        "aws_vpc"
        | "aws_subnet"
        | "aws_default_vpc"
        | "aws_default_subnet"
        | "aws_vpc_ipv4_cidr_block_association"
        | "aws_vpc_ipv6_cidr_block_association" => &["cidr_block", "ipv6_cidr_block"],
        "azurerm_virtual_network" => &["address_space"],
        "azurerm_subnet" => &["address_prefixes", "address_prefix"],
        "google_compute_subnetwork" => {
            &["ip_cidr_range", "ipv6_cidr_range", "internal_ipv6_prefix", "external_ipv6_prefix"]
        }
        _ => &[],
    }
}

fn bounds(net: &IpNet) -> (u128, u128) {
    match net {
        IpNet::V4(n) => (u128::from(u32::from(n.network())), u128::from(u32::from(n.broadcast()))),
        IpNet::V6(n) => (u128::from(n.network()) | (1 << 127), u128::from(n.broadcast()) | (1 << 127)),
    }
}

impl Networks {
    /// Indexes the networks of a graph.
    pub fn of(graph: &Graph<'_, '_>) -> Networks {
        let mut nets = Networks::default();
        for &n in &graph.resource_nodes {
            let Node::Resource(i) = graph.inner[n] else { continue };
            let r = &graph.model.resources[i];
            if !r.exists_after() {
                continue;
            }
            for attr in range_attributes(&r.address.kind) {
                let values: Vec<&str> = match r.values.get(attr).map(AttrValue::unwrap_sensitive) {
                    Some(AttrValue::List(items)) => items.iter().filter_map(AttrValue::as_str).collect(),
                    Some(v) => v.as_str().into_iter().collect(),
                    None => Vec::new(),
                };
                for v in values {
                    if let Some(net) = parse_range(v) {
                        nets.add(net.trunc(), n);
                    }
                }
            }
            for path in crate::graph::catalog::owned_address_attributes(&r.address.kind) {
                // A string may list several, comma-separated (App Service outbound addresses).
                for v in r.values.strings_at(path).into_iter().flat_map(|s| s.split(',')).map(str::trim) {
                    if let Some(net) = parse_range(v) {
                        nets.owned.insert(net.trunc(), (n, path[path.len() - 1]));
                    }
                }
            }
            if r.address.kind == "google_compute_subnetwork"
                && let Some(AttrValue::List(secondary)) = r.values.get("secondary_ip_range")
            {
                for s in secondary {
                    if let Some(net) = s.get("ip_cidr_range").and_then(AttrValue::as_str).and_then(parse_range) {
                        nets.add(net.trunc(), n);
                    }
                }
            }
        }
        nets.sorted.sort_by_key(|&(a, b, _, n)| (a, b, n));
        nets
    }

    fn add(&mut self, net: IpNet, node: NodeIndex) {
        self.containing.insert(net, node);
        let (a, b) = bounds(&net);
        self.sorted.push((a, b, net, node));
    }

    /// The resources that own `range` (it is one of their addresses, or inside a
    /// prefix they own), smallest first, each owner once.
    pub fn owners(&self, range: IpNet) -> Vec<Owned> {
        let mut out: Vec<Owned> = Vec::new();
        for (net, &(node, attribute)) in self.owned.containing(range) {
            if !out.iter().any(|o| o.node == node) {
                out.push(Owned { range: net, node, attribute });
            }
        }
        out
    }

    /// The networks that contain `range`, smallest first.
    pub fn containing(&self, range: IpNet) -> Vec<(IpNet, NodeIndex)> {
        self.containing.containing(range).into_iter().map(|(net, &n)| (net, n)).collect()
    }

    /// The networks inside `range` (smaller than it; equal ranges count as containing).
    pub fn covered_by(&self, range: IpNet) -> Vec<(IpNet, NodeIndex)> {
        let (a, b) = bounds(&range);
        let start = self.sorted.partition_point(|&(s, _, _, _)| s < a);
        self.sorted[start..]
            .iter()
            .take_while(|&&(s, _, _, _)| s <= b)
            .filter(|&&(_, e, net, _)| e <= b && net.prefix_len() > range.prefix_len())
            .map(|&(_, _, net, n)| (net, n))
            .collect()
    }
}

/// Whether a range is public internet address space (not private, loopback,
/// link-local, shared CGNAT or unique-local).
pub fn is_public(net: &IpNet) -> bool {
    match net {
        IpNet::V4(n) => {
            let a = n.network();
            let o = a.octets();
            let private =
                a.is_private() || a.is_loopback() || a.is_link_local() || (o[0] == 100 && (o[1] & 0xC0) == 64);
            !private || n.prefix_len() < 8
        }
        IpNet::V6(n) => {
            let s = n.network().segments()[0];
            let private = n.network().is_loopback() || (s & 0xfe00) == 0xfc00 || (s & 0xffc0) == 0xfe80;
            !private || n.prefix_len() < 7
        }
    }
}

/// Public software-as-a-service hosts: the internet, not an environment.
pub fn is_saas(host: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "stripe.com",
        "slack.com",
        "github.com",
        "githubusercontent.com",
        "datadoghq.com",
        "datadoghq.eu",
        "sentry.io",
        "newrelic.com",
        "pagerduty.com",
        "okta.com",
        "auth0.com",
        "twilio.com",
        "sendgrid.net",
        "mailgun.org",
        "segment.io",
        "googleapis.com",
        "login.microsoftonline.com",
        "graph.microsoft.com",
        "salesforce.com",
        "hubspot.com",
        "zendesk.com",
        "atlassian.net",
        "algolia.net",
        "cloudflare.com",
        "pypi.org",
        "npmjs.org",
        "docker.io",
        "gcr.io",
        "ghcr.io",
    ];
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    SUFFIXES.iter().any(|s| crate::vocab::connstr::is_last_part(&host, s, '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_ranges() {
        for (r, public) in [
            ("0.0.0.0/0", true),
            ("::/0", true),
            ("8.8.8.8/32", true),
            ("10.0.0.0/8", false),
            ("10.20.0.0/16", false),
            ("172.16.0.0/12", false),
            ("192.168.1.0/24", false),
            ("100.64.0.0/10", false),
            ("fd00::/8", false),
            ("2001:db8::/32", true),
        ] {
            assert_eq!(is_public(&r.parse().unwrap()), public, "{r}");
        }
    }
}
