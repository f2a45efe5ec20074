//! `connects-to` edges: which endpoint each application setting points at.
//!
//! In: the graph and every resource's settings (see [`crate::settings`]). Out: an
//! edge from the resource holding a setting to what it names. A known value is
//! parsed into endpoints; each host is looked up among the host names, addresses
//! and connection names the inputs' resources export (RDS and Aurora endpoints,
//! ElastiCache, MSK brokers, OpenSearch, load balancers, Azure SQL, Redis and
//! Service Bus, Cloud SQL connection names, ...), else it becomes a host endpoint.
//! A value unknown at plan time links to the resources its configuration
//! references (the string does not exist yet, but where it will point does).

use crate::hash::{FastMap, FastSet};

use petgraph::graph::NodeIndex;

use super::{Edge, EdgeKind, Endpoint, EndpointKind, Graph, Link, Node};
use crate::model::Derivation;
use crate::model::value::{AttrValue, OwnedStep, PathStep, write_path};
use crate::settings::settings;
use crate::vocab::connstr::{self, endpoint_key};

/// Whether `key` is an attribute through which resources export their host names
/// and addresses. (A `match`: every resource's every attribute is asked.)
fn is_export(key: &str) -> bool {
    matches!(
        key,
        "address"
            | "endpoint"
            | "reader_endpoint"
            | "fqdn"
            | "private_fqdn"
            | "dns_name"
            | "hostname"
            | "host"
            | "primary_endpoint_address"
            | "reader_endpoint_address"
            | "configuration_endpoint_address"
            | "configuration_endpoint"
            | "cluster_address"
            | "default_hostname"
            | "fully_qualified_domain_name"
            | "connection_name"
            | "public_ip_address"
            | "private_ip_address"
            | "private_ip"
            | "public_ip"
            | "private_dns"
            | "public_dns"
            | "service_url"
            | "uri"
            | "invoke_url"
            | "api_endpoint"
            | "vault_uri"
            | "primary_blob_endpoint"
            | "bucket_regional_domain_name"
            | "bootstrap_brokers"
            | "bootstrap_brokers_tls"
            | "bootstrap_brokers_sasl_scram"
            | "bootstrap_brokers_sasl_iam"
            | "zookeeper_connect_string"
    )
}

/// Resource types whose exports are not their own endpoints (settings that merely
/// mention hosts, records that alias them).
fn exports_hosts(kind: &str) -> bool {
    !matches!(
        kind,
        "aws_route53_record"
            | "google_dns_record_set"
            | "aws_ssm_parameter"
            | "aws_sns_topic_subscription"
            | "aws_lambda_function"
    ) && !kind.starts_with("aws_api_gateway")
        && !kind.starts_with("aws_apigatewayv2_integration")
}

pub(super) fn add(graph: &mut Graph<'_, '_>, mut endpoints: crate::hash::FastMap<(EndpointKind, String), NodeIndex>) {
    let model = graph.model;
    // host → owners
    let mut hosts: FastMap<String, Vec<NodeIndex>> = FastMap::default();
    for &n in &graph.resource_nodes {
        let Node::Resource(i) = graph.inner[n] else { continue };
        let r = &model.resources[i];
        if !exports_hosts(&r.address.kind) {
            continue;
        }
        // One pass over the attributes; a repeated key counts once, as `get` reads it.
        let AttrValue::Map(entries) = r.values.unwrap_sensitive() else { continue };
        let mut values: Vec<&str> = entries
            .iter()
            .filter(|(k, v)| is_export(k) && r.values.get(k).is_some_and(|last| std::ptr::eq(last, v)))
            .filter_map(|(_, v)| v.as_str())
            .collect();
        if let Some(AttrValue::List(nodes)) = r.values.get("cache_nodes") {
            values.extend(nodes.iter().filter_map(|c| c.get("address").and_then(AttrValue::as_str)));
        }
        for v in values {
            for e in connstr::parse(v, true) {
                let owners = hosts.entry(e.host).or_default();
                if !owners.contains(&n) {
                    owners.push(n);
                }
            }
        }
    }
    let mut edges: Vec<(NodeIndex, NodeIndex, Edge)> = Vec::new();
    let mut seen: FastSet<(NodeIndex, NodeIndex, String)> = FastSet::default();
    for &n in &graph.resource_nodes.clone() {
        let Node::Resource(i) = graph.inner[n] else { continue };
        let r = &model.resources[i];
        let found = settings(r);
        if found.is_empty() {
            continue;
        }
        for s in found {
            let mut targets: Vec<(NodeIndex, Derivation, Option<String>, Option<String>)> = Vec::new();
            match &s.value {
                Some(value) => {
                    let bare = endpoint_key(&s.key) || bare_attribute(&r.address.kind, &s.key);
                    for e in connstr::parse(value, bare) {
                        let address = Some(e.address());
                        let scheme = e.scheme.clone();
                        let owners: Vec<NodeIndex> = hosts
                            .get(&e.host)
                            .map(|o| o.iter().copied().filter(|&o| o != n).collect())
                            .unwrap_or_default();
                        if owners.is_empty() {
                            let key = (EndpointKind::Host, e.host.clone());
                            let node = *endpoints.entry(key).or_insert_with(|| {
                                graph.inner.add_node(Node::Endpoint(Endpoint {
                                    kind: EndpointKind::Host,
                                    value: e.host.clone(),
                                }))
                            });
                            targets.push((node, Derivation::KnownValue, address, scheme));
                        } else {
                            targets.extend(
                                owners
                                    .into_iter()
                                    .map(|o| (o, Derivation::KnownValue, address.clone(), scheme.clone())),
                            );
                        }
                    }
                }
                None => {
                    // Unknown until apply: where the configuration takes it from.
                    for reference in &r.references {
                        if !path_within(&s.path, &reference.attribute) {
                            continue;
                        }
                        if let Some(&j) = graph.by_address(r.input, &reference.target) {
                            targets.push((graph.resource_nodes[j], reference.derivation, None, None));
                        }
                    }
                }
            }
            for (to, derivation, endpoint, scheme) in targets {
                if to == n || !seen.insert((n, to, s.path.clone())) {
                    continue;
                }
                let ports = endpoint
                    .as_deref()
                    .and_then(|e| e.rsplit_once(':'))
                    .and_then(|(_, p)| p.parse::<u32>().ok())
                    .map(|p| vec![(p, p)])
                    .unwrap_or_default();
                let link = Link { via: n, protocol: scheme.unwrap_or_default(), ports, related: Vec::new(), endpoint };
                edges.push((
                    n,
                    to,
                    Edge {
                        kind: EdgeKind::ConnectsTo,
                        attribute: s.path.clone(),
                        derivation,
                        link: Some(Box::new(link)),
                    },
                ));
            }
        }
    }
    for (from, to, edge) in edges {
        graph.inner.add_edge(from, to, edge);
    }
}

/// Attributes that hold a bare host by nature (DNS records, DMS server names).
fn bare_attribute(kind: &str, key: &str) -> bool {
    matches!(key, "records" | "rrdatas" | "record" | "domain_name" | "server_name" | "name")
        || (kind == "aws_ssm_parameter" && matches!(key, "value" | "insecure_value"))
}

/// Whether setting path `path` is `attribute` or below it.
fn path_within(path: &str, attribute: &[OwnedStep]) -> bool {
    let steps: Vec<PathStep<'_>> = attribute.iter().map(OwnedStep::as_step).collect();
    let mut prefix = String::new();
    let _ = write_path(&mut prefix, &steps);
    path.strip_prefix(&prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}
