//! Azure: network security groups (inline and standalone, priority, deny,
//! application security groups) and database firewall rules.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn azure_nsg_rules(&mut self, rules: &[(NodeIndex, NodeIndex, Option<usize>, &AttrValue<'_>)]) {
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

    pub(super) fn azure_database_rule(&mut self, node: NodeIndex, r: &Resource<'_>) {
        let server = ["server_id", "server_name", "server"].iter().find_map(|a| self.named(node, a).first().copied());
        let Some(server) = server else { return };
        // An address computed from a resource (a public IP, an app's outbound
        // address) is that resource, whatever its value turns out to be.
        for attribute in ["start_ip_address", "start_ip"] {
            self.push_computed(node, server, &[attribute], "tcp", |_| true);
        }
        let start = r.values.get("start_ip_address").or_else(|| r.values.get("start_ip")).and_then(AttrValue::as_str);
        let end = r.values.get("end_ip_address").or_else(|| r.values.get("end_ip")).and_then(AttrValue::as_str);
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
        v: &AttrValue<'_>,
    ) -> NsgRule {
        let text = |k: &str| v.get(k).and_then(AttrValue::as_str).unwrap_or("");
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
                    p if crate::graph::catalog::is_range(p) => NsgEnd::Range(p.to_owned()),
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
