//! `grants` edges: which principal may act on which resource.
//!
//! In: the graph. Out: an edge from a principal to the resource a policy lets it
//! act on, through the resource that holds the policy, with the actions, the
//! statement and the conditions that narrow it.
//!
//! - **AWS.** Role trust policies (`aws_iam_role.assume_role_policy`) and resource
//!   policies (bucket, KMS key, queue, topic, ECR repository, secret, API Gateway
//!   and OpenSearch policies, standalone or inline), and `aws_lambda_permission`.
//!   A policy known as JSON is read statement by statement: `Allow` statements
//!   grant, `Deny` statements take back what they name, `NotPrincipal` grants no
//!   one envwall can name. A principal is a role or user ARN (the resource that
//!   has it, or will: a role the plan creates is found by its name), an account
//!   (`arn:aws:iam::123456789012:root` or the bare id: an endpoint the policy's
//!   `accounts` place), or a service narrowed by `aws:SourceArn` /
//!   `aws:SourceAccount`. A wildcard principal is no one unless
//!   `aws:PrincipalAccount`, `aws:SourceAccount` or `aws:SourceVpc` names who.
//!   A policy unknown until apply (a role ARN the plan creates) grants to the
//!   principals its configuration references, directly or through a
//!   `data.aws_iam_policy_document`'s statements.
//! - **Google.** `google_*_iam_member`, `_binding` and `_policy`: members
//!   `serviceAccount:NAME@PROJECT.iam.gserviceaccount.com` are the service account
//!   (or an id endpoint in that project); the resource is what the binding's
//!   resource attribute names (a project is its `google_project`, else an id
//!   endpoint `projects/P`).
//! - **Azure.** `azurerm_role_assignment` (`principal_id` → the identity that
//!   has it, `scope` → the resource, group or subscription) and Key Vault access
//!   policies (`object_id` → the identity, the vault).
//! - **Kubernetes.** `RoleBinding` subjects that are service accounts: the
//!   service account (or its namespace) may act in the binding's namespace.

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::{Edge, EdgeKind, Endpoint, EndpointKind, Graph, Link, Node};
use crate::hash::FastMap;
use crate::model::value::{AttrValue, OwnedStep, PathStep, write_path};
use crate::model::{Derivation, Resource};

/// What a grant allows, for findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// The actions or role, summarised (`sts:AssumeRole`, `s3:GetObject`,
    /// `roles/pubsub.publisher`); empty when not known until apply.
    pub actions: Vec<String>,
    /// The statement: its `Sid`, else its index (`statement 0`); `None` when the
    /// policy is not known until apply.
    pub statement: Option<String>,
    /// The conditions that narrow it, as written (`StringEquals aws:SourceAccount = 111111111111`).
    pub conditions: Vec<String>,
}

/// Where a resource holds a policy and what the policy governs.
struct Holder {
    /// The attribute that holds the policy.
    attribute: &'static str,
    /// The attribute that names the governed resource; `None`: the holder itself.
    target: Option<&'static str>,
    /// A role's trust policy: its principals may assume the role.
    trust: bool,
}

/// The AWS resources that hold a policy.
fn aws_holder(kind: &str) -> Option<Holder> {
    let h = |attribute, target| Some(Holder { attribute, target, trust: false });
    match kind {
        "aws_iam_role" => Some(Holder { attribute: "assume_role_policy", target: None, trust: true }),
        "aws_s3_bucket_policy" => h("policy", Some("bucket")),
        "aws_kms_key_policy" => h("policy", Some("key_id")),
        "aws_sqs_queue_policy" => h("policy", Some("queue_url")),
        "aws_sns_topic_policy" => h("policy", Some("arn")),
        "aws_ecr_repository_policy" => h("policy", Some("repository")),
        "aws_secretsmanager_secret_policy" => h("policy", Some("secret_arn")),
        "aws_api_gateway_rest_api_policy" => h("policy", Some("rest_api_id")),
        "aws_opensearch_domain_policy" | "aws_elasticsearch_domain_policy" => h("access_policies", Some("domain_name")),
        "aws_s3_bucket"
        | "aws_kms_key"
        | "aws_sqs_queue"
        | "aws_sns_topic"
        | "aws_secretsmanager_secret"
        | "aws_api_gateway_rest_api" => h("policy", None),
        "aws_opensearch_domain" | "aws_elasticsearch_domain" => h("access_policies", None),
        _ => None,
    }
}

/// Resource kinds that are principals.
fn is_principal_kind(kind: &str) -> bool {
    matches!(
        kind,
        "aws_iam_role"
            | "aws_iam_user"
            | "google_service_account"
            | "azurerm_user_assigned_identity"
            | "kubernetes_service_account"
            | "kubernetes_service_account_v1"
    )
}

/// A grant found: who, on what, through which resource and attribute.
struct Grant {
    principal: NodeIndex,
    target: NodeIndex,
    via: NodeIndex,
    attribute: String,
    derivation: Derivation,
    access: Access,
}

/// Adds every `grants` edge; `endpoints` are the id endpoints made so far.
pub(super) fn add<'m>(
    graph: &mut Graph<'m, '_>,
    endpoints: &FastMap<(EndpointKind, String), NodeIndex>,
    identities: super::settings::Identities<'m>,
) {
    let index = Index::new(graph, identities);
    let mut grants = Vec::new();
    let mut reserved =
        Reserved { existing: endpoints, base: graph.inner.node_count(), new: Vec::new(), at: FastMap::default() };
    for &n in &graph.resource_nodes {
        let Node::Resource(i) = graph.inner[n] else { continue };
        let r = &graph.model.resources[i];
        let kind = r.address.kind.as_str();
        let mut found = Found { graph, index: &index, endpoints: &mut reserved, out: &mut grants, via: n, r };
        if let Some(holder) = aws_holder(kind) {
            found.aws_policy(&holder);
        } else if kind == "aws_lambda_permission" {
            found.lambda_permission();
        } else if kind == "aws_iam_role_policy" {
            found.identity_policy("role");
        } else if kind == "aws_iam_user_policy" {
            found.identity_policy("user");
        } else if kind.starts_with("google_") && (kind.ends_with("_iam_member") || kind.ends_with("_iam_binding")) {
            found.google_binding();
        } else if kind.starts_with("google_") && kind.ends_with("_iam_policy") {
            found.google_policy();
        } else if kind == "azurerm_role_assignment" {
            found.azure_role_assignment();
        } else if kind == "azurerm_key_vault_access_policy" || kind == "azurerm_key_vault" {
            found.key_vault_access();
        } else if matches!(
            kind,
            "kubernetes_role_binding"
                | "kubernetes_role_binding_v1"
                | "kubernetes_cluster_role_binding"
                | "kubernetes_cluster_role_binding_v1"
        ) {
            found.role_binding();
        }
    }
    let new = std::mem::take(&mut reserved.new);
    for value in new {
        graph.inner.add_node(Node::Endpoint(Endpoint { kind: EndpointKind::Id, value }));
    }
    let mut seen = crate::hash::FastSet::default();
    for g in grants {
        if g.principal == g.target || !seen.insert((g.principal, g.target, g.via, g.attribute.clone())) {
            continue;
        }
        let link = Link {
            via: g.via,
            protocol: String::new(),
            ports: Vec::new(),
            related: Vec::new(),
            endpoint: None,
            through: None,
            access: Some(Box::new(g.access)),
        };
        graph.inner.add_edge(
            g.principal,
            g.target,
            Edge {
                kind: EdgeKind::Grants,
                attribute: g.attribute,
                derivation: g.derivation,
                link: Some(Box::new(link)),
            },
        );
    }
}

/// What principals and resources are known by.
struct Index<'m> {
    /// Every resource's distinctive identities (ARNs, URLs, ids, names), as
    /// settings match them.
    identities: super::settings::Identities<'m>,
    /// ARNs, ids, emails and names of resources, by value.
    ids: FastMap<String, Vec<NodeIndex>>,
    /// IAM roles and users by name (a role the plan creates has no ARN yet).
    iam_names: FastMap<String, Vec<NodeIndex>>,
}

impl<'m> Index<'m> {
    fn new(graph: &Graph<'m, '_>, identities: super::settings::Identities<'m>) -> Index<'m> {
        let mut ids: FastMap<String, Vec<NodeIndex>> = FastMap::default();
        let mut iam_names: FastMap<String, Vec<NodeIndex>> = FastMap::default();
        for &n in &graph.resource_nodes {
            let Node::Resource(i) = graph.inner[n] else { continue };
            let r = &graph.model.resources[i];
            if r.address.mode != crate::model::address::Mode::Managed {
                continue;
            }
            let text = |k: &str| r.values.get(k).and_then(AttrValue::as_str).filter(|v| !v.is_empty());
            let mut add = |v: &str| ids.entry(v.to_owned()).or_default().push(n);
            match r.address.kind.as_str() {
                "aws_iam_role" | "aws_iam_user" => {
                    if let Some(arn) = text("arn") {
                        add(arn);
                    }
                    if let Some(name) = text("name") {
                        iam_names.entry(name.to_owned()).or_default().push(n);
                    }
                }
                "google_service_account" => {
                    if let Some(email) = text("email") {
                        add(email);
                    } else if let (Some(id), Some(project)) = (text("account_id"), text("project")) {
                        add(&format!("{id}@{project}.iam.gserviceaccount.com"));
                    }
                }
                // What `aws:SourceVpc` and `aws:SourceVpce` name.
                "aws_vpc" | "aws_vpc_endpoint" => {
                    if let Some(id) = text("id") {
                        add(id);
                    }
                }
                "google_project" => {
                    if let Some(p) = text("project_id") {
                        add(&format!("projects/{p}"));
                    }
                }
                "azurerm_user_assigned_identity" => {
                    for k in ["principal_id", "id"] {
                        if let Some(v) = text(k) {
                            add(v);
                        }
                    }
                }
                "kubernetes_service_account"
                | "kubernetes_service_account_v1"
                | "kubernetes_namespace"
                | "kubernetes_namespace_v1" => {
                    let meta = |k: &str| {
                        r.values
                            .at(&[PathStep::Key("metadata"), PathStep::Index(0), PathStep::Key(k)])
                            .and_then(AttrValue::as_str)
                    };
                    let kind = if r.address.kind.contains("namespace") { "namespace" } else { "serviceaccount" };
                    let ns = if kind == "namespace" { meta("name") } else { meta("namespace").or(Some("default")) };
                    let name = meta("name");
                    if let (Some(ns), Some(name)) = (ns, name) {
                        add(&format!("k8s:{kind}:{ns}/{name}"));
                    }
                }
                _ => {
                    for k in ["arn", "id"] {
                        if let Some(v) = text(k).filter(|v| v.starts_with("arn:") || v.starts_with("/subscriptions/")) {
                            add(v);
                        }
                    }
                    // Azure resources with a system-assigned identity.
                    if let Some(p) = r
                        .values
                        .at(&[PathStep::Key("identity"), PathStep::Index(0), PathStep::Key("principal_id")])
                        .and_then(AttrValue::as_str)
                        .filter(|v| !v.is_empty())
                    {
                        add(p);
                    }
                }
            }
        }
        Index { identities, ids, iam_names }
    }

    /// The first resource known by `id`.
    fn first(&self, id: &str) -> Option<NodeIndex> {
        self.ids.get(id).and_then(|owners| owners.first().copied())
    }
}

/// The grants of one resource, being found.
struct Found<'f, 'g, 'm, 'a> {
    graph: &'g Graph<'m, 'a>,
    index: &'f Index<'m>,
    /// Id endpoints, existing or to be added ([`Reserved`]).
    endpoints: &'f mut Reserved<'g>,
    out: &'f mut Vec<Grant>,
    /// The resource that holds the policy.
    via: NodeIndex,
    r: &'m Resource<'a>,
}

/// One statement of an AWS policy, read.
struct Statement {
    label: String,
    allow: bool,
    /// Principal strings (`arn:aws:iam::1:role/x`, `123456789012`, `*`), by type.
    principals: Vec<(String, String)>,
    not_principal: bool,
    actions: Vec<String>,
    /// What it applies to (`Resource`), for an identity policy.
    resources: Vec<String>,
    /// (operator, key, values)
    conditions: Vec<(String, String, Vec<String>)>,
}

impl<'m, 'a> Found<'_, '_, 'm, 'a> {
    fn graph_text(&self, k: &str) -> Option<&str> {
        self.r.values.get(k).and_then(AttrValue::as_str).filter(|v| !v.is_empty())
    }

    /// The node an attribute of the holder names: the resource a `references`
    /// edge made from it leads to, else the one whose identity (name, ARN, URL)
    /// is its value; else the holder itself.
    fn linked(&self, attribute: Option<&str>) -> NodeIndex {
        let Some(attribute) = attribute else { return self.via };
        let by_edge = self.graph.inner.edges_directed(self.via, petgraph::Direction::Outgoing).find(|e| {
            e.weight().kind == EdgeKind::References
                && (e.weight().attribute == attribute || e.weight().attribute.starts_with(&format!("{attribute}[")))
                && matches!(self.graph.inner[e.target()], Node::Resource(_))
        });
        if let Some(e) = by_edge {
            return e.target();
        }
        // Wiring that is part of what it names (a permission in its function).
        let container = self.graph.inner.edges_directed(self.via, petgraph::Direction::Incoming).find(|e| {
            e.weight().kind == EdgeKind::Contains
                && e.weight().attribute == attribute
                && matches!(self.graph.inner[e.source()], Node::Resource(_))
        });
        if let Some(e) = container {
            return e.source();
        }
        let by_identity = self
            .graph_text(attribute)
            .and_then(|v| self.index.identities.get(v))
            .and_then(|owners| owners.iter().copied().find(|&o| o != self.via));
        by_identity.unwrap_or(self.via)
    }

    /// The resources the holder's configuration references under `attribute`, by
    /// an attribute that names them (an ARN, an id, a name), not an address or
    /// range (`aws:SourceIp` is traffic, which the traffic rules read).
    fn referenced(&self, attribute: &str) -> Vec<(usize, String)> {
        self.resolved(self.r)
            .into_iter()
            .filter(|(_, path, reference)| {
                let under =
                    path == attribute || path.strip_prefix(attribute).is_some_and(|rest| rest.starts_with(['.', '[']));
                let names = reference.target_attribute.as_deref().is_none_or(|a| {
                    matches!(
                        a,
                        "arn"
                            | "id"
                            | "name"
                            | "email"
                            | "member"
                            | "principal_id"
                            | "object_id"
                            | "unique_id"
                            | "json"
                    )
                });
                under && names
            })
            .map(|(j, path, _)| (j, path))
            .collect()
    }

    /// Each reference of `r` whose target the graph has: the target's resource
    /// index, the referencing attribute's path, and the reference.
    fn resolved(&self, r: &'m Resource<'a>) -> Vec<(usize, String, &'m crate::model::Reference)> {
        r.references
            .iter()
            .filter_map(|reference| {
                let input = reference.target_input(r.input)?;
                let &j = self.graph.by_address(input, &reference.target)?;
                let steps: Vec<PathStep<'_>> = reference.attribute.iter().map(OwnedStep::as_step).collect();
                let mut path = String::new();
                let _ = write_path(&mut path, &steps);
                Some((j, path, reference))
            })
            .collect()
    }

    fn endpoint(&mut self, value: String) -> NodeIndex {
        self.endpoints.node(value)
    }

    fn push(
        &mut self,
        principal: NodeIndex,
        target: NodeIndex,
        attribute: String,
        derivation: Derivation,
        access: Access,
    ) {
        self.out.push(Grant { principal, target, via: self.via, attribute, derivation, access });
    }

    /// One grant of `access` on `target` to each principal found.
    fn push_all(&mut self, principals: Vec<(NodeIndex, String, Derivation)>, target: NodeIndex, access: &Access) {
        for (p, attribute, derivation) in principals {
            self.push(p, target, attribute, derivation, access.clone());
        }
    }

    // ---- AWS ----

    fn aws_policy(&mut self, holder: &Holder) {
        let target = self.linked(holder.target);
        let trust_actions = || vec!["sts:AssumeRole".to_owned()];
        match self.r.values.get(holder.attribute).map(AttrValue::unwrap_sensitive) {
            Some(AttrValue::String(text)) => {
                let Some(statements) = parse_policy(text) else { return };
                self.statements(&statements, target, holder.attribute);
            }
            Some(AttrValue::Null) | None => {}
            Some(_) => {
                // Unknown until apply: the principals the configuration names.
                for (j, path) in self.referenced(holder.attribute) {
                    let t = &self.graph.model.resources[j];
                    let node = self.graph.resource_nodes[j];
                    // In a resource policy, another resource it names is who may
                    // act (an `aws:SourceArn`, a VPC endpoint), not what.
                    let source = !holder.trust && node != target && node != self.via;
                    if is_principal_kind(&t.address.kind) || (source && t.address.kind != "aws_iam_policy_document") {
                        let actions = if holder.trust { trust_actions() } else { Vec::new() };
                        let p = self.graph.resource_nodes[j];
                        self.push(
                            p,
                            target,
                            path,
                            Derivation::ConfigReference,
                            Access { actions, statement: None, conditions: Vec::new() },
                        );
                    } else if t.address.kind == "aws_iam_policy_document" {
                        self.policy_document(j, target, &path, holder.trust);
                    }
                }
            }
        }
    }

    /// A `data.aws_iam_policy_document` a policy is made from: its `json` when
    /// known, else its `statement` blocks as configured.
    fn policy_document(&mut self, j: usize, target: NodeIndex, path: &str, trust: bool) {
        let doc = &self.graph.model.resources[j];
        if let Some(json) = doc.values.get("json").and_then(AttrValue::as_str)
            && let Some(statements) = parse_policy(json)
        {
            self.statements(&statements, target, path);
            return;
        }
        let Some(AttrValue::List(blocks)) = doc.values.get("statement") else { return };
        let mut statements = Vec::new();
        for (k, s) in blocks.iter().enumerate() {
            let text_list = |key: &str| -> Vec<String> {
                match s.get(key) {
                    Some(AttrValue::List(items)) => {
                        items.iter().filter_map(AttrValue::as_str).map(str::to_owned).collect()
                    }
                    _ => Vec::new(),
                }
            };
            let mut principals = Vec::new();
            let mut not_principal = false;
            for (key, not) in [("principals", false), ("not_principals", true)] {
                if let Some(AttrValue::List(ps)) = s.get(key) {
                    for p in ps {
                        let ty = p.get("type").and_then(AttrValue::as_str).unwrap_or("AWS").to_owned();
                        if let Some(AttrValue::List(ids)) = p.get("identifiers") {
                            principals
                                .extend(ids.iter().filter_map(AttrValue::as_str).map(|i| (ty.clone(), i.to_owned())));
                        }
                        not_principal |= not;
                    }
                }
            }
            let mut conditions = Vec::new();
            if let Some(AttrValue::List(cs)) = s.get("condition") {
                for c in cs {
                    let text = |k: &str| c.get(k).and_then(AttrValue::as_str).unwrap_or_default().to_owned();
                    let values = match c.get("values") {
                        Some(AttrValue::List(v)) => v.iter().filter_map(AttrValue::as_str).map(str::to_owned).collect(),
                        _ => Vec::new(),
                    };
                    conditions.push((text("test"), text("variable"), values));
                }
            }
            let label = s
                .get("sid")
                .and_then(AttrValue::as_str)
                .filter(|s| !s.is_empty())
                .map_or_else(|| format!("statement {k}"), |sid| format!("Sid `{sid}`"));
            statements.push(Statement {
                label,
                allow: s.get("effect").and_then(AttrValue::as_str).is_none_or(|e| e == "Allow"),
                principals,
                not_principal,
                actions: text_list("actions"),
                resources: text_list("resources"),
                conditions,
            });
        }
        self.statements(&statements, target, path);
        // Principals only known after apply: those the statements reference.
        let doc_node_refs: Vec<(usize, String)> = self
            .resolved(doc)
            .into_iter()
            .filter(|(_, p, _)| p.contains("principals"))
            .map(|(t, p, _)| (t, p))
            .collect();
        for (t, p) in doc_node_refs {
            if !is_principal_kind(&self.graph.model.resources[t].address.kind) {
                continue;
            }
            // The statement the reference is in.
            let k: Option<usize> =
                p.strip_prefix("statement[").and_then(|r| r.split(']').next()).and_then(|n| n.parse().ok());
            let s = k.and_then(|k| statements.get(k));
            if s.is_some_and(|s| !s.allow || s.not_principal) {
                continue;
            }
            let actions = match s {
                Some(s) if !s.actions.is_empty() => summarise(&s.actions),
                _ if trust => vec!["sts:AssumeRole".to_owned()],
                _ => Vec::new(),
            };
            let access = Access {
                actions,
                statement: s.map(|s| s.label.clone()),
                conditions: s.map(|s| condition_texts(&s.conditions)).unwrap_or_default(),
            };
            let principal = self.graph.resource_nodes[t];
            self.push(principal, target, path.to_owned(), Derivation::ConfigReference, access);
        }
    }

    fn statements(&mut self, statements: &[Statement], target: NodeIndex, attribute: &str) {
        // What Deny statements take back: principals (or `*`) denied every action
        // or the same actions.
        let denied: Vec<(&str, &[String])> = statements
            .iter()
            .filter(|s| !s.allow && !s.not_principal)
            .flat_map(|s| s.principals.iter().map(move |(_, p)| (p.as_str(), s.actions.as_slice())))
            .collect();
        for s in statements.iter().filter(|s| s.allow && !s.not_principal) {
            let takes_back = |p: &str| {
                denied.iter().any(|(d, actions)| {
                    (*d == p || *d == "*")
                        && (actions.iter().any(|a| a == "*") || s.actions.iter().all(|a| actions.contains(a)))
                })
            };
            let access = Access {
                actions: summarise(&s.actions),
                statement: Some(s.label.clone()),
                conditions: condition_texts(&s.conditions),
            };
            let condition = |key: &str| -> Vec<&str> {
                s.conditions
                    .iter()
                    .filter(|(op, k, _)| {
                        k.eq_ignore_ascii_case(key) && !op.starts_with("StringNot") && !op.starts_with("ArnNot")
                    })
                    .flat_map(|(_, _, v)| v.iter().map(String::as_str))
                    .collect()
            };
            for (ty, p) in &s.principals {
                if takes_back(p) {
                    continue;
                }
                let principals: Vec<NodeIndex> = match ty.as_str() {
                    "AWS" if is_wildcard(p) => {
                        // No one, unless a condition names who.
                        let mut out: Vec<NodeIndex> = Vec::new();
                        for account in
                            condition("aws:PrincipalAccount").into_iter().chain(condition("aws:SourceAccount"))
                        {
                            out.push(self.endpoint(format!("arn:aws:iam::{account}:root")));
                        }
                        for vpc in condition("aws:SourceVpc") {
                            if let Some(n) = self.index.first(vpc) {
                                out.push(n);
                            }
                        }
                        for vpce in condition("aws:SourceVpce") {
                            if let Some(n) = self.index.first(vpce) {
                                out.push(n);
                            }
                        }
                        out
                    }
                    "AWS" => self.aws_principal(p).into_iter().collect(),
                    "Service" => {
                        let mut out: Vec<NodeIndex> = Vec::new();
                        for arn in condition("aws:SourceArn") {
                            if let Some(owners) = self.index.ids.get(arn) {
                                out.extend(owners.iter().copied());
                            } else if crate::vocab::ids::aws_account(arn).is_some() {
                                out.push(self.endpoint(arn.to_owned()));
                            }
                        }
                        if out.is_empty() {
                            for account in condition("aws:SourceAccount") {
                                out.push(self.endpoint(format!("arn:aws:iam::{account}:root")));
                            }
                        }
                        out
                    }
                    _ => Vec::new(),
                };
                for principal in principals {
                    self.push(principal, target, attribute.to_owned(), Derivation::KnownValue, access.clone());
                }
            }
        }
    }

    /// The node an AWS principal string stands for: the role or user with that
    /// ARN or name, else an id endpoint (an account's root for a bare account id).
    fn aws_principal(&mut self, p: &str) -> Option<NodeIndex> {
        let p = p.trim();
        if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
            return Some(self.endpoint(format!("arn:aws:iam::{p}:root")));
        }
        if !p.starts_with("arn:") {
            return None;
        }
        if let Some(owners) = self.index.ids.get(p) {
            return owners.first().copied();
        }
        // A role or user the plan creates: by its name, in the ARN's account.
        if let Some((_, name)) = p.split_once(":role/").or_else(|| p.split_once(":user/"))
            && let Some(owners) = self.index.iam_names.get(name.rsplit('/').next().unwrap_or(name))
            && let [only] = owners.as_slice()
        {
            return Some(*only);
        }
        Some(self.endpoint(p.to_owned()))
    }

    /// An identity policy (`aws_iam_role_policy`, `aws_iam_user_policy`): the role
    /// or user it is attached to may act on the resources its `Allow` statements
    /// name by ARN (a pattern with `*` inside names none), or, when the policy is
    /// known only after apply, on the resources its configuration names, directly
    /// or in a `data.aws_iam_policy_document`'s `resources`.
    fn identity_policy(&mut self, principal_attribute: &str) {
        let mut principal = self.linked(Some(principal_attribute));
        if principal == self.via {
            let by_name = self.graph_text(principal_attribute).and_then(|n| self.index.iam_names.get(n));
            match by_name.map(Vec::as_slice) {
                Some([only]) => principal = *only,
                _ => return,
            }
        }
        match self.r.values.get("policy").map(AttrValue::unwrap_sensitive) {
            Some(AttrValue::String(text)) => {
                if let Some(statements) = parse_policy(text) {
                    self.identity_statements(principal, &statements);
                }
            }
            Some(AttrValue::Null) | None => {}
            Some(_) => {
                for (j, path) in self.referenced("policy") {
                    let t = &self.graph.model.resources[j];
                    if t.address.kind == "aws_iam_policy_document" {
                        self.identity_document(principal, j);
                        continue;
                    }
                    let node = self.graph.resource_nodes[j];
                    if node != principal && !is_principal_kind(&t.address.kind) {
                        let access = Access { actions: Vec::new(), statement: None, conditions: Vec::new() };
                        self.push(principal, node, path, Derivation::ConfigReference, access);
                    }
                }
            }
        }
    }

    /// What an identity policy's known statements let `principal` act on.
    fn identity_statements(&mut self, principal: NodeIndex, statements: &[Statement]) {
        for s in statements.iter().filter(|s| s.allow) {
            let access = Access {
                actions: summarise(&s.actions),
                statement: Some(s.label.clone()),
                conditions: condition_texts(&s.conditions),
            };
            for resource in &s.resources {
                let named = resource.trim_end_matches("/*");
                if named.contains('*') {
                    continue;
                }
                let targets: Vec<NodeIndex> = super::settings::identity_forms(named)
                    .into_iter()
                    .find_map(|form| self.index.identities.get(form))
                    .cloned()
                    .unwrap_or_default();
                for target in targets {
                    self.push(principal, target, "policy".to_owned(), Derivation::KnownValue, access.clone());
                }
            }
        }
    }

    /// An identity policy made from a policy document: its `json` when known,
    /// else the resources its statements reference.
    fn identity_document(&mut self, principal: NodeIndex, j: usize) {
        let doc = &self.graph.model.resources[j];
        if let Some(statements) = doc.values.get("json").and_then(AttrValue::as_str).and_then(parse_policy) {
            self.identity_statements(principal, &statements);
            return;
        }
        let targets: Vec<(NodeIndex, String)> = self
            .resolved(doc)
            .into_iter()
            .filter(|(_, p, _)| p.contains("resources"))
            .map(|(t, p, _)| (self.graph.resource_nodes[t], p))
            .collect();
        for (target, path) in targets {
            let access = Access { actions: Vec::new(), statement: None, conditions: Vec::new() };
            self.push(principal, target, format!("policy ({path})"), Derivation::ConfigReference, access);
        }
    }

    fn lambda_permission(&mut self) {
        let target = self.linked(Some("function_name"));
        let action = self.graph_text("action").unwrap_or("lambda:InvokeFunction").to_owned();
        let access = |conditions: Vec<String>| Access { actions: vec![action.clone()], statement: None, conditions };
        let principal = self.graph_text("principal").map(str::to_owned);
        let source_arn = self.graph_text("source_arn").map(str::to_owned);
        let source_account = self.graph_text("source_account").map(str::to_owned);
        let mut conditions = Vec::new();
        if let Some(a) = &source_arn {
            conditions.push(format!("source_arn = {a}"));
        }
        if let Some(a) = &source_account {
            conditions.push(format!("source_account = {a}"));
        }
        let mut principals: Vec<(NodeIndex, String, Derivation)> = Vec::new();
        match principal.as_deref() {
            Some(p) if p.ends_with(".amazonaws.com") => {
                if let Some(arn) = &source_arn {
                    if let Some(owners) = self.index.ids.get(arn.as_str()) {
                        principals.extend(owners.iter().map(|&o| (o, "source_arn".to_owned(), Derivation::KnownValue)));
                    }
                } else if let Some(account) = &source_account {
                    principals.push((
                        self.endpoint(format!("arn:aws:iam::{account}:root")),
                        "source_account".into(),
                        Derivation::KnownValue,
                    ));
                }
            }
            Some(p) if !is_wildcard(p) => {
                if let Some(n) = self.aws_principal(p) {
                    principals.push((n, "principal".into(), Derivation::KnownValue));
                }
            }
            _ => {}
        }
        if principals.is_empty() {
            // The source or principal is unknown until apply: what it references.
            for attribute in ["source_arn", "principal"] {
                for (j, path) in self.referenced(attribute) {
                    if attribute == "source_arn" || is_principal_kind(&self.graph.model.resources[j].address.kind) {
                        principals.push((self.graph.resource_nodes[j], path, Derivation::ConfigReference));
                    }
                }
            }
        }
        self.push_all(principals, target, &access(conditions));
    }

    // ---- Google ----

    /// The resource a Google IAM binding governs: what its resource attribute
    /// links to, else (a project) the project's id endpoint.
    fn google_target(&mut self) -> NodeIndex {
        for key in [
            "bucket",
            "topic",
            "subscription",
            "secret_id",
            "dataset_id",
            "service_account_id",
            "repository",
            "instance",
            "cloud_run_service",
            "name",
            "project",
        ] {
            if self.r.values.get(key).is_none()
                && !self
                    .r
                    .references
                    .iter()
                    .any(|x| x.attribute.first().is_some_and(|s| matches!(s, OwnedStep::Key(k) if k == key)))
            {
                continue;
            }
            let linked = self.linked(Some(key));
            if linked != self.via {
                return linked;
            }
            if key == "project"
                && let Some(project) = self.graph_text("project")
            {
                let id = format!("projects/{project}");
                return match self.index.first(&id) {
                    Some(owner) => owner,
                    None => self.endpoint(id),
                };
            }
        }
        self.via
    }

    fn google_member(&mut self, member: &str, attribute: &str, out: &mut Vec<(NodeIndex, String, Derivation)>) {
        if ["group:", "user:", "domain:"].iter().any(|p| member.starts_with(p)) {
            // Placed only by the policy's domains.
            out.push((self.endpoint(member.to_owned()), attribute.to_owned(), Derivation::KnownValue));
            return;
        }
        let Some(email) = member.strip_prefix("serviceAccount:") else { return };
        if let Some(owners) = self.index.ids.get(email) {
            out.extend(owners.iter().map(|&o| (o, attribute.to_owned(), Derivation::KnownValue)));
            return;
        }
        // `NAME@PROJECT.iam.gserviceaccount.com`: an account of project PROJECT.
        if let Some(project) = email.split_once('@').and_then(|(_, d)| d.strip_suffix(".iam.gserviceaccount.com")) {
            out.push((
                self.endpoint(format!("projects/{project}/serviceAccounts/{email}")),
                attribute.to_owned(),
                Derivation::KnownValue,
            ));
        }
    }

    fn google_binding(&mut self) {
        let target = self.google_target();
        let role = self.graph_text("role").unwrap_or_default().to_owned();
        let mut principals = Vec::new();
        let members: Vec<String> = match (self.r.values.get("member"), self.r.values.get("members")) {
            (Some(AttrValue::String(m)), _) => vec![m.to_string()],
            (_, Some(AttrValue::List(ms))) => ms.iter().filter_map(AttrValue::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        let attribute = if self.r.values.get("member").is_some() { "member" } else { "members" };
        for m in &members {
            self.google_member(m, attribute, &mut principals);
        }
        for (j, path) in self.referenced(attribute) {
            if is_principal_kind(&self.graph.model.resources[j].address.kind) {
                principals.push((self.graph.resource_nodes[j], path, Derivation::ConfigReference));
            }
        }
        let conditions = self.google_condition();
        self.push_all(
            principals,
            target,
            &Access { actions: vec![role.clone()], statement: None, conditions: conditions.clone() },
        );
    }

    fn google_condition(&self) -> Vec<String> {
        self.r
            .values
            .at(&[PathStep::Key("condition"), PathStep::Index(0), PathStep::Key("expression")])
            .and_then(AttrValue::as_str)
            .map(|e| vec![e.to_owned()])
            .unwrap_or_default()
    }

    fn google_policy(&mut self) {
        let Some(text) = self.graph_text("policy_data").map(str::to_owned) else { return };
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else { return };
        let target = self.google_target();
        let Some(bindings) = doc.get("bindings").and_then(|b| b.as_array()) else { return };
        for b in bindings {
            let role = b.get("role").and_then(|r| r.as_str()).unwrap_or_default().to_owned();
            let mut principals = Vec::new();
            for m in b.get("members").and_then(|m| m.as_array()).into_iter().flatten().filter_map(|m| m.as_str()) {
                self.google_member(m, "policy_data", &mut principals);
            }
            self.push_all(
                principals,
                target,
                &Access { actions: vec![role.clone()], statement: None, conditions: Vec::new() },
            );
        }
    }

    // ---- Azure ----

    fn azure_principal(&mut self, attribute: &str, out: &mut Vec<(NodeIndex, String, Derivation)>) {
        if let Some(id) = self.graph_text(attribute).map(str::to_owned) {
            if let Some(owners) = self.index.ids.get(&id) {
                out.extend(owners.iter().map(|&o| (o, attribute.to_owned(), Derivation::KnownValue)));
            }
            return;
        }
        for (j, path) in self.referenced(attribute) {
            out.push((self.graph.resource_nodes[j], path, Derivation::ConfigReference));
        }
    }

    fn azure_role_assignment(&mut self) {
        let mut target = self.linked(Some("scope"));
        if target == self.via
            && let Some(scope) = self.graph_text("scope").map(str::to_owned)
        {
            target = match self.index.first(&scope) {
                Some(owner) => owner,
                None => self.endpoint(scope),
            };
        }
        let role = self
            .graph_text("role_definition_name")
            .or(self.graph_text("role_definition_id"))
            .unwrap_or_default()
            .to_owned();
        let mut principals = Vec::new();
        self.azure_principal("principal_id", &mut principals);
        self.push_all(
            principals,
            target,
            &Access { actions: vec![role.clone()], statement: None, conditions: Vec::new() },
        );
    }

    /// Key Vault access policies: a standalone one's `object_id` on its vault, or
    /// each `access_policy` block of a vault.
    fn key_vault_access(&mut self) {
        if self.r.address.kind == "azurerm_key_vault" {
            let Some(AttrValue::List(policies)) = self.r.values.get("access_policy") else { return };
            for (k, p) in policies.iter().enumerate() {
                let object_id = p.get("object_id").and_then(AttrValue::as_str).map(str::to_owned);
                self.vault_grant(self.via, &format!("access_policy[{k}].object_id"), object_id, vault_permissions(p));
            }
        } else {
            let target = self.linked(Some("key_vault_id"));
            let object_id = self.graph_text("object_id").map(str::to_owned);
            self.vault_grant(target, "object_id", object_id, vault_permissions(&self.r.values));
        }
    }

    fn vault_grant(&mut self, target: NodeIndex, attribute: &str, object_id: Option<String>, permissions: Vec<String>) {
        let mut principals: Vec<(NodeIndex, String, Derivation)> = Vec::new();
        match object_id.and_then(|id| self.index.ids.get(&id).cloned()) {
            Some(owners) => {
                principals.extend(owners.into_iter().map(|o| (o, attribute.to_owned(), Derivation::KnownValue)))
            }
            None => {
                for (j, path) in self.referenced(attribute) {
                    principals.push((self.graph.resource_nodes[j], path, Derivation::ConfigReference));
                }
            }
        }
        let access = Access { actions: summarise(&permissions), statement: None, conditions: Vec::new() };
        self.push_all(principals, target, &access);
    }

    // ---- Kubernetes ----

    /// A role binding: its subjects may act in its namespace. A cluster role
    /// binding has none: its subjects may act on the cluster, which is where the
    /// binding is.
    fn role_binding(&mut self) {
        let meta = |k: &str| {
            self.r
                .values
                .at(&[PathStep::Key("metadata"), PathStep::Index(0), PathStep::Key(k)])
                .and_then(AttrValue::as_str)
        };
        let cluster = self.r.address.kind.contains("cluster");
        let namespace = match meta("namespace") {
            _ if cluster => String::new(),
            Some(ns) => ns.to_owned(),
            None => return,
        };
        let target = match self.index.first(&format!("k8s:namespace:{namespace}/{namespace}")) {
            Some(owner) if !cluster => owner,
            _ => self.via,
        };
        let role = self
            .r
            .values
            .at(&[PathStep::Key("role_ref"), PathStep::Index(0), PathStep::Key("name")])
            .and_then(AttrValue::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some(AttrValue::List(subjects)) = self.r.values.get("subject") else { return };
        let mut principals = Vec::new();
        for (k, s) in subjects.iter().enumerate() {
            if s.get("kind").and_then(AttrValue::as_str) != Some("ServiceAccount") {
                continue;
            }
            let (Some(name), ns) =
                (s.get("name").and_then(AttrValue::as_str), s.get("namespace").and_then(AttrValue::as_str))
            else {
                continue;
            };
            let Some(ns) = ns.or((!cluster).then_some(namespace.as_str())) else { continue };
            if ns == namespace {
                continue;
            }
            let found = self
                .index
                .ids
                .get(&format!("k8s:serviceaccount:{ns}/{name}"))
                .or_else(|| self.index.ids.get(&format!("k8s:namespace:{ns}/{ns}")))
                .and_then(|o| o.first().copied());
            if let Some(p) = found {
                principals.push((p, format!("subject[{k}]"), Derivation::KnownValue));
            }
        }
        self.push_all(principals, target, &Access { actions: vec![role], statement: None, conditions: Vec::new() });
    }
}

/// A Key Vault access policy's permissions, as `secret:Get`.
fn vault_permissions(policy: &AttrValue<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for (key, what) in
        [("secret_permissions", "secret"), ("key_permissions", "key"), ("certificate_permissions", "certificate")]
    {
        if let Some(AttrValue::List(v)) = policy.get(key) {
            out.extend(v.iter().filter_map(AttrValue::as_str).map(|p| format!("{what}:{p}")));
        }
    }
    out
}

/// Whether an AWS principal is everyone.
fn is_wildcard(p: &str) -> bool {
    p == "*" || p == "arn:aws:iam::*:root"
}

/// Actions as a finding shows them: each once, at most five, then how many more.
fn summarise(actions: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in actions {
        if !out.contains(a) {
            out.push(a.clone());
        }
    }
    if out.len() > 5 {
        let more = out.len() - 4;
        out.truncate(4);
        out.push(format!("{more} more"));
    }
    out
}

fn condition_texts(conditions: &[(String, String, Vec<String>)]) -> Vec<String> {
    conditions.iter().map(|(op, key, values)| format!("{op} {key} = {}", values.join(", "))).collect()
}

/// The statements of an AWS policy document; `None` when it is not one.
fn parse_policy(text: &str) -> Option<Vec<Statement>> {
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    let list = |v: Option<&serde_json::Value>| -> Vec<String> {
        match v {
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(|i| i.as_str()).map(str::to_owned).collect()
            }
            _ => Vec::new(),
        }
    };
    let statements = match doc.get("Statement")? {
        serde_json::Value::Array(items) => items.clone(),
        one @ serde_json::Value::Object(_) => vec![one.clone()],
        _ => return None,
    };
    let mut out = Vec::new();
    for (k, s) in statements.iter().enumerate() {
        let principal_of = |key: &str| -> Vec<(String, String)> {
            match s.get(key) {
                Some(serde_json::Value::String(p)) => vec![("AWS".to_owned(), p.clone())],
                Some(serde_json::Value::Object(m)) => {
                    m.iter().flat_map(|(ty, v)| list(Some(v)).into_iter().map(move |p| (ty.clone(), p))).collect()
                }
                _ => Vec::new(),
            }
        };
        let (principals, not_principal) = match principal_of("Principal") {
            p if !p.is_empty() => (p, false),
            _ => (principal_of("NotPrincipal"), s.get("NotPrincipal").is_some()),
        };
        let mut conditions = Vec::new();
        if let Some(serde_json::Value::Object(ops)) = s.get("Condition") {
            for (op, keys) in ops {
                if let serde_json::Value::Object(keys) = keys {
                    for (key, values) in keys {
                        let values = match values {
                            serde_json::Value::Bool(b) => vec![b.to_string()],
                            v => list(Some(v)),
                        };
                        conditions.push((op.clone(), key.clone(), values));
                    }
                }
            }
        }
        let label = s
            .get("Sid")
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map_or_else(|| format!("statement {k}"), |sid| format!("Sid `{sid}`"));
        out.push(Statement {
            label,
            allow: s.get("Effect").and_then(|e| e.as_str()) != Some("Deny"),
            principals,
            not_principal,
            actions: list(s.get("Action")),
            resources: list(s.get("Resource")),
            conditions,
        });
    }
    Some(out)
}

/// The id endpoints grants end at: those the graph has, and new ones, given
/// the indexes the graph will give them when they are added in order after the
/// grants are found (the graph is read, not written, while they are).
struct Reserved<'g> {
    existing: &'g FastMap<(EndpointKind, String), NodeIndex>,
    /// The graph's node count when the search began.
    base: usize,
    new: Vec<String>,
    at: FastMap<String, usize>,
}

impl Reserved<'_> {
    fn node(&mut self, value: String) -> NodeIndex {
        if let Some(&n) = self.existing.get(&(EndpointKind::Id, value.clone())) {
            return n;
        }
        let k = *self.at.entry(value.clone()).or_insert_with(|| {
            self.new.push(value);
            self.new.len() - 1
        });
        NodeIndex::new(self.base + k)
    }
}
