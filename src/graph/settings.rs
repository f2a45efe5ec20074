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
//!
//! A setting may also name a resource rather than a host: a queue's URL or ARN, a
//! bucket's name or `s3://` / `gs://` URL, a Pub/Sub topic's `projects/P/topics/T`.
//! Those match the resource that has that identity, by the whole identifier (a
//! queue URL's host is every queue's; its path is the queue). An ARN or resource
//! name no input owns is an id endpoint, placed by the policy's accounts and
//! projects.

use std::borrow::Cow;

use crate::hash::{FastMap, FastSet};

use petgraph::graph::NodeIndex;

use super::{Edge, EdgeKind, Endpoint, EndpointKind, Graph, Link, Node};
use crate::model::Derivation;
use crate::model::address::Mode;
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
            | "primary_queue_endpoint"
            | "primary_table_endpoint"
            | "primary_file_endpoint"
            | "primary_dfs_endpoint"
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

/// The host names a cloud gives a resource from its name, known at plan time even
/// when the attribute that will hold them is not (a new server's
/// `fully_qualified_domain_name`, a new bucket's domain names).
fn derived_hosts(r: &crate::model::Resource<'_>) -> Vec<String> {
    if r.address.kind == "aws_s3_bucket" {
        let Some(bucket) = r.values.get("bucket").and_then(AttrValue::as_str).filter(|b| !b.is_empty()) else {
            return Vec::new();
        };
        let mut hosts = vec![format!("{bucket}.s3.amazonaws.com")];
        if let Some(region) = r.values.get("region").and_then(AttrValue::as_str).filter(|r| !r.is_empty()) {
            hosts.push(format!("{bucket}.s3.{region}.amazonaws.com"));
        }
        return hosts;
    }
    let suffixes: &[&str] = match r.address.kind.as_str() {
        "azurerm_servicebus_namespace" | "azurerm_eventhub_namespace" => &["servicebus.windows.net"],
        "azurerm_key_vault" => &["vault.azure.net"],
        "azurerm_storage_account" => &[
            "blob.core.windows.net",
            "queue.core.windows.net",
            "table.core.windows.net",
            "file.core.windows.net",
            "dfs.core.windows.net",
        ],
        "azurerm_cosmosdb_account" => &["documents.azure.com"],
        "azurerm_mssql_server" | "azurerm_sql_server" => &["database.windows.net"],
        "azurerm_redis_cache" => &["redis.cache.windows.net"],
        "azurerm_postgresql_flexible_server" | "azurerm_postgresql_server" => &["postgres.database.azure.com"],
        "azurerm_mysql_flexible_server" | "azurerm_mysql_server" => &["mysql.database.azure.com"],
        "azurerm_linux_web_app"
        | "azurerm_windows_web_app"
        | "azurerm_linux_function_app"
        | "azurerm_windows_function_app" => &["azurewebsites.net"],
        _ => return Vec::new(),
    };
    let Some(name) = r.values.get("name").and_then(AttrValue::as_str).filter(|n| !n.is_empty()) else {
        return Vec::new();
    };
    suffixes.iter().map(|suffix| format!("{}.{suffix}", name.to_ascii_lowercase())).collect()
}

/// Names that identify a resource of these types on their own (globally or in an
/// account), at these paths.
fn identity_names(kind: &str) -> &'static [&'static str] {
    match kind {
        "aws_s3_bucket" => &["bucket"],
        "aws_dynamodb_table"
        | "aws_kinesis_stream"
        | "aws_secretsmanager_secret"
        | "aws_ssm_parameter"
        | "aws_kms_alias"
        | "aws_cloudwatch_event_bus"
        | "google_storage_bucket" => &["name"],
        _ => &[],
    }
}

/// Google resource names built from the project and the resource's name, known
/// at plan time even when the id is not.
fn google_name(r: &crate::model::Resource<'_>) -> Option<String> {
    let (collection, key) = match r.address.kind.as_str() {
        "google_pubsub_topic" => ("topics", "name"),
        "google_pubsub_subscription" => ("subscriptions", "name"),
        "google_secret_manager_secret" => ("secrets", "secret_id"),
        "google_bigquery_dataset" => ("datasets", "dataset_id"),
        "google_spanner_instance" => ("instances", "name"),
        _ => return None,
    };
    let project = r.values.get("project").and_then(AttrValue::as_str)?;
    let name = r.values.get(key).and_then(AttrValue::as_str)?;
    Some(format!("projects/{project}/{collection}/{name}"))
}

/// The part of an AWS ARN that a resource's name gives it (`sqs:orders`,
/// `lambda:function:api`), for resources whose ARN is not known yet: a queue, a
/// topic or a function the plan creates. The account and region are left out; they
/// are the resource's stack's.
fn pending_arn(r: &crate::model::Resource<'_>) -> Option<String> {
    let (service, prefix, attr) = match r.address.kind.as_str() {
        "aws_sqs_queue" => ("sqs", "", "name"),
        "aws_sns_topic" => ("sns", "", "name"),
        "aws_dynamodb_table" => ("dynamodb", "table/", "name"),
        "aws_kinesis_stream" => ("kinesis", "stream/", "name"),
        "aws_kinesis_firehose_delivery_stream" => ("firehose", "deliverystream/", "name"),
        "aws_lambda_function" => ("lambda", "function:", "function_name"),
        "aws_sfn_state_machine" => ("states", "stateMachine:", "name"),
        "aws_cloudwatch_event_bus" => ("events", "event-bus/", "name"),
        "aws_ecr_repository" => ("ecr", "repository/", "name"),
        "aws_kms_alias" => ("kms", "", "name"),
        "aws_secretsmanager_secret" => ("secretsmanager", "secret:", "name"),
        "aws_ssm_parameter" => ("ssm", "parameter", "name"),
        _ => return None,
    };
    if r.values.get("arn").and_then(AttrValue::as_str).is_some() {
        return None;
    }
    let name = r.values.get(attr).and_then(AttrValue::as_str).filter(|n| !n.is_empty())?;
    let slash = if service == "ssm" && !name.starts_with('/') { "/" } else { "" };
    Some(format!("{service}:{prefix}{slash}{name}"))
}

/// The key [`pending_arn`] gives the resource a literal ARN or queue URL names,
/// and the account the literal carries.
fn pending_key(value: &str) -> Option<(String, &str)> {
    let value = value.trim();
    let account = crate::vocab::ids::aws_account(value)?;
    if crate::vocab::ids::is_queue_url(value) {
        let name = value.split('/').nth(4)?;
        return Some((format!("sqs:{name}"), account));
    }
    let mut parts = value.splitn(6, ':');
    let (service, resource) = (parts.nth(2)?, parts.nth(2)?);
    let resource = match service {
        // A function's ARN may carry a version or alias.
        "lambda" => resource.splitn(3, ':').take(2).collect::<Vec<_>>().join(":"),
        // A secret's ARN ends in `-` and six random characters.
        "secretsmanager" => match resource.rsplit_once('-') {
            Some((name, random)) if random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                name.to_owned()
            }
            _ => resource.to_owned(),
        },
        _ => resource.to_owned(),
    };
    Some((format!("{service}:{resource}"), account))
}

/// Resources whose ARN is not known yet, by [`pending_arn`], each with the AWS
/// accounts it may be in (empty when none is known).
#[derive(Default)]
struct Pending<'m> {
    by_key: FastMap<String, Vec<(NodeIndex, Vec<&'m str>)>>,
}

impl Pending<'_> {
    /// The resources a literal ARN or queue URL names by name: those in its
    /// account, else the only one whose account is not known. Ambiguous names
    /// match nothing (the literal is then placed by its account).
    fn matching(&self, value: &str) -> Vec<NodeIndex> {
        let Some((key, account)) = pending_key(value) else { return Vec::new() };
        let Some(candidates) = self.by_key.get(&key) else { return Vec::new() };
        let same: Vec<NodeIndex> =
            candidates.iter().filter(|(_, accounts)| accounts.contains(&account)).map(|(n, _)| *n).collect();
        if !same.is_empty() {
            return same;
        }
        let unplaced: Vec<NodeIndex> =
            candidates.iter().filter(|(_, accounts)| accounts.is_empty()).map(|(n, _)| *n).collect();
        if unplaced.len() == 1 { unplaced } else { Vec::new() }
    }
}

/// The managed resources whose ARN is not known yet, with their accounts: their
/// provider configuration's (its only allowed account, the role it assumes), else
/// those of the known ARNs and caller identity of their input.
fn pending<'m>(graph: &Graph<'m, '_>) -> Pending<'m> {
    let model = graph.model;
    let mut by_input: FastMap<crate::model::InputId, Vec<&'m str>> = FastMap::default();
    let mut found: Vec<(String, NodeIndex, usize)> = Vec::new();
    for &n in &graph.resource_nodes {
        let Node::Resource(i) = graph.inner[n] else { continue };
        let r = &model.resources[i];
        let account = match r.address.mode {
            Mode::Data if r.address.kind == "aws_caller_identity" => {
                r.values.get("account_id").and_then(AttrValue::as_str)
            }
            _ => r.values.get("arn").and_then(AttrValue::as_str).and_then(crate::vocab::ids::aws_account),
        };
        if let Some(account) = account {
            let accounts = by_input.entry(r.input).or_default();
            if !accounts.contains(&account) {
                accounts.push(account);
            }
        }
        if r.address.mode == Mode::Managed
            && let Some(key) = pending_arn(r)
        {
            found.push((key, n, i));
        }
    }
    let mut out = Pending::default();
    for (key, n, i) in found {
        let r = &model.resources[i];
        let accounts = match provider_account(model, r) {
            Some(account) => vec![account],
            None => by_input.get(&r.input).cloned().unwrap_or_default(),
        };
        out.by_key.entry(key).or_default().push((n, accounts));
    }
    out
}

/// The AWS account a resource's provider configuration names: its only allowed
/// account, else the account of the role it assumes.
fn provider_account<'m>(model: &'m crate::model::Model<'_>, r: &crate::model::Resource<'_>) -> Option<&'m str> {
    let p = model.inputs[r.input].providers.get(r.provider_config?)?;
    if let Some(AttrValue::List(ids)) = p.settings.get("allowed_account_ids")
        && let [only] = ids.as_slice()
    {
        return only.as_str();
    }
    let role = p.settings.at(&[PathStep::Key("assume_role"), PathStep::Index(0), PathStep::Key("role_arn")])?;
    role.as_str().and_then(crate::vocab::ids::aws_account)
}

/// The identities of every resource: ids, ARNs, URLs and self links that are
/// distinctive, and the names of resources a name identifies.
fn identities<'m>(graph: &Graph<'m, '_>) -> Identities<'m> {
    let model = graph.model;
    let mut out: FastMap<Cow<'m, str>, Vec<NodeIndex>> = FastMap::default();
    let mut add = |key: Cow<'m, str>, n: NodeIndex| {
        let owners = out.entry(key).or_default();
        if !owners.contains(&n) {
            owners.push(n);
        }
    };
    for &n in &graph.resource_nodes {
        let Node::Resource(i) = graph.inner[n] else { continue };
        let r = &model.resources[i];
        for attr in ["arn", "id", "url", "self_link"] {
            if let Some(v) = r.values.get(attr).and_then(AttrValue::as_str)
                && (v.starts_with("arn:")
                    || v.starts_with("https://")
                    || v.starts_with("projects/")
                    || v.starts_with("/subscriptions/"))
                && crate::graph::catalog::is_distinctive(v)
            {
                add(Cow::Borrowed(v), n);
            }
        }
        for attr in identity_names(&r.address.kind) {
            if let Some(v) = r.values.get(attr).and_then(AttrValue::as_str)
                && v.len() >= 3
                && v != "default"
            {
                add(Cow::Borrowed(v), n);
            }
        }
        if let Some(name) = google_name(r) {
            add(Cow::Owned(name), n);
        }
    }
    for owners in out.values_mut() {
        super::keep_managed(owners, |&n| graph.resource(n).is_some_and(|r| r.address.mode == Mode::Managed));
    }
    out
}

/// The identities a setting's value may name: the value itself, a bucket named by
/// its `s3://` or `gs://` URL or by its ARN (with or without an object path).
pub(super) fn identity_forms(value: &str) -> Vec<&str> {
    let value = value.trim();
    let mut out = vec![value];
    for scheme in ["s3://", "gs://"] {
        if let Some(rest) = value.strip_prefix(scheme) {
            out.push(rest.split('/').next().unwrap_or(rest));
        }
    }
    if let Some(rest) = value.strip_prefix("arn:aws:s3:::") {
        let bucket = rest.split('/').next().unwrap_or(rest);
        // The bucket's ARN, and its name (the ARN is unknown until a new bucket exists).
        out.push(&value[..value.len() - rest.len() + bucket.len()]);
        out.push(bucket);
    }
    out
}

/// Whether a value names a resource by an identifier that carries its account or
/// project: an ARN, a Google resource name.
fn names_a_resource(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with("arn:") && crate::graph::catalog::is_identity_shaped(v))
        || (v.starts_with("projects/") && v.split('/').count() >= 4)
        || crate::vocab::ids::is_queue_url(v)
}

/// Adds the `connects-to` edges; gives back the endpoints, now with those the
/// settings name, and every resource's identities (see [`identities`]).
pub(super) fn add<'m>(
    graph: &mut Graph<'m, '_>,
    mut endpoints: crate::hash::FastMap<(EndpointKind, String), NodeIndex>,
) -> (crate::hash::FastMap<(EndpointKind, String), NodeIndex>, Identities<'m>) {
    let model = graph.model;
    let ids = identities(graph);
    let pending = pending(graph);
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
        let derived = derived_hosts(r);
        values.extend(derived.iter().map(String::as_str));
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
            let mut targets: Vec<Target> = Vec::new();
            match &s.value {
                Some(value) => {
                    // A resource named by its whole identifier.
                    let named: Vec<NodeIndex> = identity_forms(value)
                        .into_iter()
                        .filter_map(|form| ids.get(form))
                        .flatten()
                        .copied()
                        .filter(|&o| o != n)
                        .collect();
                    // Else one the plan creates, whose ARN or URL is not known yet.
                    let named = if named.is_empty() {
                        pending.matching(value).into_iter().filter(|&o| o != n).collect()
                    } else {
                        named
                    };
                    if !named.is_empty() {
                        targets.extend(named.into_iter().map(Target::known));
                        push_edges(&mut edges, &mut seen, n, &s.path, targets);
                        continue;
                    }
                    if names_a_resource(value) {
                        let key = (EndpointKind::Id, value.trim().to_owned());
                        let node = *endpoints.entry(key).or_insert_with(|| {
                            graph.inner.add_node(Node::Endpoint(Endpoint {
                                kind: EndpointKind::Id,
                                value: value.trim().to_owned(),
                            }))
                        });
                        targets.push(Target::known(node));
                        push_edges(&mut edges, &mut seen, n, &s.path, targets);
                        continue;
                    }
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
                            targets.push(Target { endpoint: address, scheme, ..Target::known(node) });
                        } else {
                            targets.extend(owners.into_iter().map(|o| Target {
                                endpoint: address.clone(),
                                scheme: scheme.clone(),
                                ..Target::known(o)
                            }));
                        }
                    }
                }
                None => {
                    // Unknown until apply: where the configuration takes it from.
                    for reference in &r.references {
                        if !path_within(&s.path, &reference.attribute) {
                            continue;
                        }
                        let Some(input) = reference.target_input(r.input) else { continue };
                        if let Some(&j) = graph.by_address(input, &reference.target) {
                            targets.push(Target {
                                derivation: reference.derivation,
                                through: reference.through.clone(),
                                ..Target::known(graph.resource_nodes[j])
                            });
                        }
                    }
                }
            }
            push_edges(&mut edges, &mut seen, n, &s.path, targets);
        }
    }
    for (from, to, edge) in edges {
        graph.inner.add_edge(from, to, edge);
    }
    (endpoints, ids)
}

/// Resources by their distinctive identities.
pub(super) type Identities<'m> = FastMap<Cow<'m, str>, Vec<NodeIndex>>;

/// A setting's target.
struct Target {
    /// The node.
    node: NodeIndex,
    /// How it was found.
    derivation: Derivation,
    /// The endpoint the setting names (`db.stg.example.com:5432`).
    endpoint: Option<String>,
    /// The scheme it names (`postgres`).
    scheme: Option<String>,
    /// The Terragrunt dependency the value comes through.
    through: Option<std::sync::Arc<crate::model::Through>>,
}

impl Target {
    /// A node a known value names.
    fn known(node: NodeIndex) -> Target {
        Target { node, derivation: Derivation::KnownValue, endpoint: None, scheme: None, through: None }
    }
}

/// The `connects-to` edges from `n`'s setting at `path` to its targets, once each.
fn push_edges(
    edges: &mut Vec<(NodeIndex, NodeIndex, Edge)>,
    seen: &mut FastSet<(NodeIndex, NodeIndex, String)>,
    n: NodeIndex,
    path: &str,
    targets: Vec<Target>,
) {
    for Target { node: to, derivation, endpoint, scheme, through } in targets {
        if to == n || !seen.insert((n, to, path.to_owned())) {
            continue;
        }
        let ports = endpoint
            .as_deref()
            .and_then(|e| e.rsplit_once(':'))
            .and_then(|(_, p)| p.parse::<u32>().ok())
            .map(|p| vec![(p, p)])
            .unwrap_or_default();
        let link = Link {
            via: n,
            protocol: scheme.unwrap_or_default(),
            ports,
            related: Vec::new(),
            endpoint,
            through,
            access: None,
        };
        edges.push((
            n,
            to,
            Edge { kind: EdgeKind::ConnectsTo, attribute: path.to_owned(), derivation, link: Some(Box::new(link)) },
        ));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_arns_and_queue_urls_name_resources_by_name() {
        let key = |v| pending_key(v).map(|(k, a)| format!("{k} {a}"));
        assert_eq!(
            key("https://sqs.eu-west-1.amazonaws.com/111111111111/jobs").as_deref(),
            Some("sqs:jobs 111111111111")
        );
        assert_eq!(key("arn:aws:sqs:eu-west-1:111111111111:jobs").as_deref(), Some("sqs:jobs 111111111111"));
        assert_eq!(
            key("arn:aws:lambda:eu-west-1:111111111111:function:api:live").as_deref(),
            Some("lambda:function:api 111111111111")
        );
        assert_eq!(
            key("arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders/db-a1B2c3").as_deref(),
            Some("secretsmanager:secret:orders/db 111111111111")
        );
        assert_eq!(
            key("arn:aws:dynamodb:eu-west-1:111111111111:table/orders").as_deref(),
            Some("dynamodb:table/orders 111111111111")
        );
        // No account: a bucket ARN, a managed policy, the shared SQS host.
        assert_eq!(key("arn:aws:s3:::bucket"), None);
        assert_eq!(key("arn:aws:iam::aws:policy/ReadOnlyAccess"), None);
        assert_eq!(key("https://sqs.eu-west-1.amazonaws.com"), None);
    }
}
