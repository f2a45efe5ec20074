//! AWS: security groups (inline blocks, the three standalone rule types, `self`,
//! managed prefix lists), VPC peering and transit gateway route tables.

use super::*;
use crate::hash::FastMap;

impl Builder<'_, '_, '_> {
    /// A managed prefix list's entries as range endpoints.
    pub(super) fn prefix_list_ranges(&mut self, list: NodeIndex) -> Vec<NodeIndex> {
        let Some(r) = self.graph.resource(list) else { return vec![list] };
        if r.address.kind != "aws_ec2_managed_prefix_list" {
            return vec![list];
        }
        let cidrs: Vec<String> = match r.values.get("entry") {
            Some(AttrValue::List(entries)) => {
                entries.iter().filter_map(|e| e.get("cidr")?.as_str().map(str::to_owned)).collect()
            }
            _ => Vec::new(),
        };
        cidrs.iter().map(|c| self.endpoint(EndpointKind::Range, c)).collect()
    }

    /// `ingress`/`egress` blocks of an `aws_security_group`.
    pub(super) fn aws_inline_group(&mut self, group: NodeIndex, r: &Resource<'_>) {
        for (direction, ingress) in [("ingress", true), ("egress", false)] {
            let blocks: Vec<&AttrValue<'_>> = match r.values.get(direction) {
                Some(AttrValue::List(items)) => items.iter().collect(),
                _ => Vec::new(),
            };
            // Configuration references for the whole attribute (Terraform merges the
            // blocks of an attribute-as-blocks into one expression).
            let whole = self.named_with(group, direction).into_iter().filter(|&(n, _)| n != group).collect::<Vec<_>>();
            let unknown_blocks = blocks.iter().filter(|b| b.contains_unknown()).count();
            for (i, block) in blocks.iter().enumerate() {
                let proto = protocol(block.get("protocol").and_then(AttrValue::as_str).unwrap_or("-1"));
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
                if matches!(block.get("self"), Some(AttrValue::Bool(true))) {
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

    pub(super) fn aws_group_rule(&mut self, rule: NodeIndex, r: &Resource<'_>) {
        let ingress = r.values.get("type").and_then(AttrValue::as_str) != Some("egress");
        let proto = protocol(r.values.get("protocol").and_then(AttrValue::as_str).unwrap_or("-1"));
        let peers = ["source_security_group_id", "cidr_blocks", "ipv6_cidr_blocks"];
        self.aws_rule(rule, r, ingress, &proto, &peers, "prefix_list_ids");
    }

    pub(super) fn aws_vpc_rule(&mut self, rule: NodeIndex, r: &Resource<'_>, ingress: bool) {
        let proto = protocol(r.values.get("ip_protocol").and_then(AttrValue::as_str).unwrap_or("-1"));
        let peers = ["referenced_security_group_id", "cidr_ipv4", "cidr_ipv6"];
        self.aws_rule(rule, r, ingress, &proto, &peers, "prefix_list_id");
    }

    /// A standalone AWS rule: the group it belongs to, and the peers its
    /// attributes name (groups, ranges, managed prefix lists, `self`).
    pub(super) fn aws_rule(
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
        if matches!(r.values.get("self"), Some(AttrValue::Bool(true))) {
            peers.push((group, "self", Derivation::KnownValue));
        }
        for (peer, attribute, d) in peers {
            let (from, to) = if ingress { (peer, group) } else { (group, peer) };
            self.push_derived(from, to, attribute, rule, proto, ports.clone(), d);
        }
    }

    pub(super) fn aws_peering(&mut self, peering: NodeIndex) {
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

    /// Transit gateways: attachments whose VPCs can reach each other through a shared
    /// route table (an attachment associated with a table reaches the attachments
    /// that propagate into it); without route tables in the inputs, the default
    /// table joins every attachment that keeps default association and propagation.
    pub(super) fn transit_gateways(&mut self, attachments: &[NodeIndex]) {
        let model = self.graph.model;
        let mut by_gateway: FastMap<NodeIndex, Vec<NodeIndex>> = FastMap::default();
        for &a in attachments {
            if let Some(tgw) = self.named(a, "transit_gateway_id").first().copied() {
                by_gateway.entry(tgw).or_default().push(a);
            }
        }
        let mut gateways: Vec<NodeIndex> = by_gateway.keys().copied().collect();
        gateways.sort();
        // association/propagation resources: attachment → route tables
        let mut associated: FastMap<NodeIndex, Vec<NodeIndex>> = FastMap::default();
        let mut propagates: FastMap<NodeIndex, Vec<NodeIndex>> = FastMap::default();
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
                            let flag = |k: &str| r.and_then(|r| r.values.get(k)) != Some(&AttrValue::Bool(false));
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
