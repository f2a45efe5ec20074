//! Google Cloud: firewall rules (priority, deny, disabled, tags, service
//! accounts), network peering and shared VPC.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn shared_vpc(&mut self, node: NodeIndex, r: &Resource<'_>) {
        let host = r.values.get("host_project").and_then(AttrValue::as_str).map(str::to_owned);
        let service = r.values.get("service_project").and_then(AttrValue::as_str).map(str::to_owned);
        if let (Some(host), Some(service)) = (host, service) {
            let a = self.project(&host);
            let b = self.project(&service);
            self.peer(a, b, node, "host_project", Vec::new());
        }
    }

    /// A Google project: its `google_project` resource, else a name endpoint.
    pub(super) fn project(&mut self, id: &str) -> NodeIndex {
        let model = self.graph.model;
        let found = self.of_kind(&["google_project"]).into_iter().find(|&n| {
            let Node::Resource(i) = self.graph.inner[n] else { return false };
            model.resources[i].values.get("project_id").and_then(AttrValue::as_str) == Some(id)
        });
        found.unwrap_or_else(|| self.endpoint(EndpointKind::Name, id))
    }

    pub(super) fn google_firewalls(&mut self, firewalls: &[NodeIndex]) {
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

    pub(super) fn tagged_instances(&self, tag: &str, network: Option<NodeIndex>) -> Vec<NodeIndex> {
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

    pub(super) fn service_account_instances(&self, account: &str) -> Vec<NodeIndex> {
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
                email.and_then(AttrValue::as_str) == Some(account)
            })
            .collect()
    }
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
        if matches!(r.values.get("disabled"), Some(AttrValue::Bool(true))) {
            return None;
        }
        let ingress =
            r.values.get("direction").and_then(AttrValue::as_str).is_none_or(|d| d.eq_ignore_ascii_case("INGRESS"));
        let deny = matches!(r.values.get("deny"), Some(AttrValue::List(items)) if !items.is_empty());
        let blocks = r.values.get(if deny { "deny" } else { "allow" });
        let protocols = match blocks {
            Some(AttrValue::List(items)) => items
                .iter()
                .map(|blk| {
                    let proto = protocol(blk.get("protocol").and_then(AttrValue::as_str).unwrap_or("all"));
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
