//! Kubernetes: network policies between namespaces and pods.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn network_policy(&mut self, node: NodeIndex, r: &Resource<'_>) {
        let own = self.container(node, "metadata[0].namespace").or_else(|| {
            let ns = r.values.at(&[
                crate::model::value::PathStep::Key("metadata"),
                crate::model::value::PathStep::Index(0),
                crate::model::value::PathStep::Key("namespace"),
            ]);
            Some(ns.and_then(AttrValue::as_str).unwrap_or("default").to_owned()).map(|n| self.namespace(&n))
        });
        let Some(own) = own else { return };
        let spec = match r.values.get("spec") {
            Some(AttrValue::List(items)) => items.first(),
            other => other,
        };
        let Some(spec) = spec else { return };
        for (direction, peers_key, ingress) in [("ingress", "from", true), ("egress", "to", false)] {
            let Some(AttrValue::List(rules)) = spec.get(direction) else { continue };
            for (i, rule) in rules.iter().enumerate() {
                let ports: Vec<(u32, u32)> = match rule.get("ports") {
                    Some(AttrValue::List(ps)) => ps
                        .iter()
                        .filter_map(|p| {
                            let port = int(p.get("port"))?;
                            let end = int(p.get("end_port")).unwrap_or(port);
                            Some((u32::try_from(port).ok()?, u32::try_from(end).ok()?))
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let Some(AttrValue::List(peers)) = rule.get(peers_key) else { continue };
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
    pub(super) fn policy_peers(&mut self, peer: &AttrValue<'_>, own: NodeIndex) -> Vec<NodeIndex> {
        let first = |v: Option<&AttrValue<'_>>| -> Option<AttrValue<'static>> {
            match v {
                Some(AttrValue::List(items)) => items.first().map(|x| AttrValue::from_json(to_json(x))),
                Some(other) if !matches!(other, AttrValue::Null) => Some(AttrValue::from_json(to_json(other))),
                _ => None,
            }
        };
        if let Some(block) = first(peer.get("ip_block"))
            && let Some(cidr) = block.get("cidr").and_then(AttrValue::as_str)
        {
            return vec![self.endpoint(EndpointKind::Range, cidr)];
        }
        let Some(selector) = first(peer.get("namespace_selector")) else { return vec![own] };
        let labels: Vec<(String, String)> = match selector.get("match_labels") {
            Some(AttrValue::Map(entries)) => {
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
                    AttrValue::List(items) => items.first(),
                    other => Some(other),
                });
                labels.iter().all(|(k, v)| {
                    meta.and_then(|m| m.get("labels")).and_then(|l| l.get(k)).and_then(AttrValue::as_str) == Some(v)
                })
            })
            .filter(|&n| n != own)
            .collect()
    }

    pub(super) fn namespace(&mut self, name: &str) -> NodeIndex {
        self.endpoint(EndpointKind::Name, name)
    }
}
