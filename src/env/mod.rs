//! Environments: every node of the graph gets an environment, a tier and the
//! evidence for them.
//!
//! In: the [`Graph`] (resources, endpoints and `contains` edges) and the
//! [`Policy`]. Out: [`Environments`], one [`Classification`] per node and the
//! environment of each input (stack). Signals, strongest first: the policy's
//! inventory (address and path patterns, accounts, projects, subscriptions, CIDR
//! ranges, domains), tags and labels, name words, containment (a subnet is where
//! its VPC is), and the stack's own environment (`--env`, a path like `envs/prod`,
//! the workspace, a root `environment` variable). All signals are kept as evidence;
//! the strongest level wins, and production against non-production at that level
//! is ambiguous rather than guessed. Rules read this; they never re-derive it.

pub mod networks;

use std::fmt;

use ipnet::IpNet;
use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::graph::{EdgeKind, Endpoint, EndpointKind, Graph, Node};
use crate::model::Model;
use crate::model::value::{AttrValue, PathStep};
use crate::model::{InputId, Resource};
use crate::policy::{Policy, Tier, key_is};
use crate::vocab::ranges::{PrefixIndex, parse_range};
use crate::vocab::tokens::{Tokens, Vocabulary, find_in_run};
use networks::{Networks, is_public};

/// How strong a signal is; earlier variants are stronger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// The policy's inventory says so.
    Inventory,
    /// A tag or label says so.
    Tag,
    /// A word in a name says so.
    Name,
    /// The container it is placed in is in that environment.
    Containment,
    /// The stack (input) it belongs to is in that environment.
    Stack,
    /// A word in a name the code gives it (its module call or resource name), which
    /// says what it is for rather than where it runs.
    Address,
}

impl Strength {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Inventory => "inventory",
            Strength::Tag => "tag",
            Strength::Name => "name",
            Strength::Containment => "containment",
            Strength::Stack => "stack",
            Strength::Address => "address",
        }
    }
}

/// One signal about a node's environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// How strong it is.
    pub strength: Strength,
    /// The environment it points to (index in the policy's environments).
    pub environment: usize,
    /// What was seen, for people: `tag Environment = "prod"`.
    pub detail: String,
    /// The container it was inherited from, for containment evidence.
    pub container: Option<NodeIndex>,
    /// Whether the stack signal is the user's `--env` declaration.
    pub declared: bool,
}

/// The environment of one node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Classification {
    /// The winning environment, if any.
    pub environment: Option<usize>,
    /// Its tier (`Unknown` when there is none or the signals disagree).
    pub tier: Tier,
    /// Every signal, strongest first; the winner's evidence comes first.
    pub evidence: Vec<Evidence>,
    /// Whether the strongest signals disagree between production and non-production.
    pub ambiguous: bool,
    /// A public address range: the internet, not an environment.
    pub internet: bool,
}

/// Options that say which environment the inputs themselves are in.
#[derive(Debug, Clone, Default)]
pub struct StackOptions {
    /// `--env NAME`: the environment of every input (validated against the policy).
    pub env: Option<usize>,
    /// `--workspace` or `TF_WORKSPACE`.
    pub workspace: Option<String>,
}

/// The result of the environment stage.
#[derive(Debug)]
pub struct Environments<'p> {
    /// The policy the environments come from.
    pub policy: &'p Policy,
    /// One classification per graph node, by node index.
    pub nodes: Vec<Classification>,
    /// The stack evidence of each input.
    pub stacks: Vec<Vec<Evidence>>,
    /// The environment each input (stack) has of its own: from its path,
    /// workspace, root variables or `--env`, decided as a resource's is.
    pub stack_classes: Vec<Classification>,
    /// The network ranges of the inputs.
    pub networks: Networks,
    /// The policy's CIDR ranges, by environment.
    pub policy_ranges: Vec<(IpNet, usize)>,
}

impl Environments<'_> {
    /// The classification of a node.
    pub fn of(&self, node: NodeIndex) -> &Classification {
        &self.nodes[node.index()]
    }

    /// The name of an environment index.
    pub fn name(&self, env: usize) -> &str {
        &self.policy.environments[env].name
    }
}

/// Root variables that commonly hold the stack's environment.
const ENV_VARIABLES: &[&str] =
    &["environment", "env", "stage", "environment_name", "env_name", "deployment_environment"];

/// The attributes of a resource that say where it is, read in one pass over its
/// top-level attributes (resources have dozens; looking each up by name is slow).
#[derive(Default)]
struct View<'v, 'a> {
    /// `arn`, `id`, `self_link`, `owner_id`, `project` values.
    identities: Vec<(&'static str, &'v str)>,
    /// A bare Google project id.
    project: Option<&'v str>,
    /// The resource's own ranges and addresses.
    ranges: Vec<(&'static str, &'v str)>,
    /// Its own host names.
    hosts: Vec<(&'static str, &'v str)>,
    /// Its names, with the attribute they came from.
    names: Vec<(&'static str, &'v str)>,
    /// Label maps, in order of preference: `tags_all`, `tags`, `labels`,
    /// `user_labels`, `terraform_labels`, `effective_labels`, `metadata.labels`.
    labels: [Option<(&'v AttrValue<'a>, &'static str)>; 7],
}

impl<'v, 'a> View<'v, 'a> {
    fn of(values: &'v AttrValue<'a>) -> Self {
        let mut view = View::default();
        let AttrValue::Map(entries) = values else { return view };
        let text = |v: &'v AttrValue<'a>| match v {
            AttrValue::String(s) => Some(&**s),
            _ => None,
        };
        let texts = |v: &'v AttrValue<'a>| -> Vec<&'v str> {
            match v {
                AttrValue::List(items) => items.iter().filter_map(&text).collect(),
                other => text(other).into_iter().collect(),
            }
        };
        for (key, value) in entries {
            match key.as_ref() {
                k @ ("arn" | "id" | "self_link" | "owner_id") => {
                    let k = match k {
                        "arn" => "arn",
                        "id" => "id",
                        "self_link" => "self_link",
                        _ => "owner_id",
                    };
                    view.identities.extend(text(value).map(|v| (k, v)));
                }
                "project" => {
                    view.project = text(value);
                    view.identities.extend(text(value).map(|v| ("project", v)));
                }
                k @ ("cidr_block" | "ipv6_cidr_block" | "address_space" | "address_prefixes" | "address_prefix"
                | "ip_cidr_range" | "private_ip" | "private_ips") => {
                    let k = RANGE_KEYS.iter().find(|r| **r == k).copied().unwrap_or("range");
                    view.ranges.extend(texts(value).into_iter().map(|v| (k, v)));
                }
                "network_interface" => {
                    if let AttrValue::List(items) = value {
                        for item in items {
                            view.ranges.extend(
                                item.get("network_ip").and_then(text).map(|v| ("network_interface.network_ip", v)),
                            );
                        }
                    }
                }
                k @ ("fqdn"
                | "endpoint"
                | "address"
                | "dns_name"
                | "hostname"
                | "domain_name"
                | "default_hostname"
                | "primary_endpoint_address"
                | "private_dns") => {
                    let k = HOST_KEYS.iter().find(|r| **r == k).copied().unwrap_or("host");
                    view.hosts.extend(text(value).map(|v| (k, v)));
                }
                k @ ("name" | "name_prefix" | "identifier" | "cluster_identifier" | "bucket" | "function_name"
                | "cluster_name" | "project_id" | "display_name" | "secret_id" | "topic_arn" | "service") => {
                    let k = NAME_KEYS.iter().find(|r| **r == k).copied().unwrap_or("name");
                    view.names.extend(text(value).map(|v| (k, v)));
                }
                "tags_all" => view.labels[0] = Some((value, "tag")),
                "tags" => {
                    view.labels[1] = Some((value, "tag"));
                    view.names.extend(value.get("Name").and_then(text).map(|v| ("tags.Name", v)));
                }
                "labels" => view.labels[2] = Some((value, "label")),
                "user_labels" => view.labels[3] = Some((value, "label")),
                "terraform_labels" => view.labels[4] = Some((value, "label")),
                "effective_labels" => view.labels[5] = Some((value, "label")),
                "metadata" => {
                    let meta = match value {
                        AttrValue::List(items) => items.first(),
                        other => Some(other),
                    };
                    if let Some(meta) = meta {
                        view.names.extend(meta.get("name").and_then(text).map(|v| ("metadata.name", v)));
                        view.labels[6] = meta.get("labels").map(|l| (l, "label"));
                    }
                }
                _ => {}
            }
        }
        view
    }
}

const RANGE_KEYS: &[&str] = &[
    "cidr_block",
    "ipv6_cidr_block",
    "address_space",
    "address_prefixes",
    "address_prefix",
    "ip_cidr_range",
    "private_ip",
    "private_ips",
];
const HOST_KEYS: &[&str] = &[
    "fqdn",
    "endpoint",
    "address",
    "dns_name",
    "hostname",
    "domain_name",
    "default_hostname",
    "primary_endpoint_address",
    "private_dns",
];
const NAME_KEYS: &[&str] = &[
    "name",
    "name_prefix",
    "identifier",
    "cluster_identifier",
    "bucket",
    "function_name",
    "cluster_name",
    "project_id",
    "display_name",
    // The parent a resource belongs to, named (types with no tags of their own).
    "secret_id",
    "topic_arn",
    "service",
];

/// Resource types that are parts of a container (a rule of a security group): their
/// names usually describe the peer (`db_from_prod`), not where they are.
const PARTS: &[&str] = &[
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_acl_rule",
    "aws_route",
    "azurerm_network_security_rule",
    "google_compute_firewall",
    "google_compute_firewall_policy_rule",
    "google_compute_network_firewall_policy_rule",
    "kubernetes_network_policy",
    "kubernetes_network_policy_v1",
    "azurerm_mssql_firewall_rule",
    "azurerm_postgresql_flexible_server_firewall_rule",
    "azurerm_mysql_flexible_server_firewall_rule",
    // Peerings join two networks; their names say which other one (`to_prod`).
    "aws_vpc_peering_connection",
    "aws_vpc_peering_connection_accepter",
    "google_compute_network_peering",
    "azurerm_virtual_network_peering",
];

/// Resource types whose names cannot hold separators.
const RUN_TOGETHER_NAMES: &[&str] = &["azurerm_storage_account", "azurerm_container_registry"];

struct EnvVocabulary {
    words: Vocabulary,
    /// Environment of each alias.
    owner: Vec<usize>,
}

/// What the policy looks for, ready to match against the model: all a resource's
/// own evidence needs. It reads no edge of the graph, so it can be gathered while
/// the graph is built.
struct Matcher<'m, 'a, 'p> {
    model: &'m Model<'a>,
    policy: &'p Policy,
    vocab: EnvVocabulary,
    cidrs: PrefixIndex<usize>,
    /// Whether any environment lists accounts, projects or subscriptions.
    has_identities: bool,
    /// Whether any environment lists domains.
    has_domains: bool,
}

struct Classifier<'g, 'm, 'a, 'p> {
    graph: &'g Graph<'m, 'a>,
    m: Matcher<'m, 'a, 'p>,
    networks: Networks,
}

/// The number of resources from which evidence is gathered on every core.
const PARALLEL_NODES: usize = 5_000;

/// What each resource of a model says of its own environment (its values, tags,
/// labels and names), by resource index: the first half of [`classify`], which
/// needs the model alone.
#[derive(Debug)]
pub struct ResourceEvidence(Vec<Vec<Evidence>>);

/// Gathers each resource's own evidence. It needs no graph: the CLI gathers it
/// on a thread of its own while the graph is built.
pub fn resource_evidence(model: &Model<'_>, policy: &Policy) -> ResourceEvidence {
    let m = Matcher::new(model, policy);
    // A second thread costs megabytes of allocator heap of its own; from about
    // 5,000 resources that is below the peak the load already reached.
    ResourceEvidence(if model.resources.len() >= PARALLEL_NODES {
        crate::parallel::map(&model.resources, |r| m.resource_evidence(r), |_| {})
    } else {
        model.resources.iter().map(|r| m.resource_evidence(r)).collect()
    })
}

/// Builds the graph of `model` and, on another thread meanwhile (from
/// 5,000 resources), gathers its resources' own evidence (most of
/// [`classify`]'s work): the graph's stages are mostly serial, and leave a core to
/// spare.
pub fn build_graph<'m, 'a>(model: &'m Model<'a>, policy: &Policy) -> (Graph<'m, 'a>, ResourceEvidence) {
    // A thread has an allocator heap of its own: below a few thousand resources
    // that costs more memory than the overlap saves time.
    if model.resources.len() < PARALLEL_NODES {
        return (Graph::build(model), resource_evidence(model, policy));
    }
    std::thread::scope(|scope| {
        let evidence = crate::parallel::spawn(scope, || resource_evidence(model, policy));
        let graph = Graph::build(model);
        (graph, crate::parallel::join(evidence))
    })
}

/// Classifies every node of the graph.
pub fn classify<'p>(graph: &Graph<'_, '_>, policy: &'p Policy, options: &StackOptions) -> Environments<'p> {
    classify_with(graph, policy, options, resource_evidence(graph.model, policy))
}

/// Classifies every node of the graph, given its resources' own evidence
/// ([`resource_evidence`] of the graph's model).
pub fn classify_with<'p>(
    graph: &Graph<'_, '_>,
    policy: &'p Policy,
    options: &StackOptions,
    resources: ResourceEvidence,
) -> Environments<'p> {
    debug_assert_eq!(resources.0.len(), graph.model.resources.len(), "evidence gathered from another model");
    let c = Classifier { graph, m: Matcher::new(graph.model, policy), networks: Networks::of(graph) };
    let stacks: Vec<Vec<Evidence>> =
        graph.model.inputs.iter().enumerate().map(|(id, _)| c.m.stack_evidence(id, options)).collect();
    let mut resources: Vec<Option<Vec<Evidence>>> = resources.0.into_iter().map(Some).collect();
    let mut own: Vec<Vec<Evidence>> = graph
        .inner
        .node_indices()
        .map(|n| match &graph.inner[n] {
            Node::Resource(i) => resources.get_mut(*i).and_then(Option::take).unwrap_or_default(),
            Node::Endpoint(e) => c.m.endpoint_evidence(e),
        })
        .collect();
    let mut nodes: Vec<Option<Classification>> = vec![None; own.len()];
    let mut visiting = vec![false; own.len()];
    for n in graph.inner.node_indices() {
        c.resolve(n, &mut own, &stacks, &mut nodes, &mut visiting);
    }
    let policy_ranges =
        policy.environments.iter().enumerate().flat_map(|(i, e)| e.cidrs.iter().map(move |c| (*c, i))).collect();
    let stack_classes = stacks.iter().map(|e| decide(policy, e.clone())).collect();
    Environments {
        policy,
        nodes: nodes.into_iter().map(Option::unwrap_or_default).collect(),
        stacks,
        stack_classes,
        networks: c.networks,
        policy_ranges,
    }
}

impl<'m, 'a, 'p> Matcher<'m, 'a, 'p> {
    fn new(model: &'m Model<'a>, policy: &'p Policy) -> Self {
        let (aliases, owner) = policy.words().into_iter().unzip();
        let mut cidrs = PrefixIndex::default();
        for (i, env) in policy.environments.iter().enumerate() {
            for net in &env.cidrs {
                cidrs.insert(*net, i);
            }
        }
        let vocab = EnvVocabulary { words: Vocabulary::new(aliases, policy.ignore_words.clone()), owner };
        let envs = &policy.environments;
        let has_identities =
            envs.iter().any(|e| !e.accounts.is_empty() || !e.projects.is_empty() || !e.subscriptions.is_empty());
        let has_domains = envs.iter().any(|e| !e.domains.is_empty());
        Matcher { model, policy, vocab, cidrs, has_identities, has_domains }
    }
}

impl Matcher<'_, '_, '_> {
    fn evidence(&self, strength: Strength, environment: usize, detail: String) -> Evidence {
        Evidence { strength, environment, detail, container: None, declared: false }
    }

    /// Environments named by the words of `text`.
    fn words(&self, text: &str) -> Vec<(usize, String)> {
        let tokens = Tokens::of(text);
        let mut out: Vec<(usize, String)> = Vec::new();
        for hit in self.vocab.words.find(&tokens) {
            let env = self.vocab.owner[hit.alias];
            if !out.iter().any(|(e, _)| *e == env) {
                out.push((env, hit.words));
            }
        }
        out
    }

    fn stack_evidence(&self, input: InputId, options: &StackOptions) -> Vec<Evidence> {
        let model = self.model;
        let mut out = Vec::new();
        if let Some(env) = options.env {
            let mut e = self.evidence(Strength::Stack, env, "declared with --env".to_owned());
            e.declared = true;
            out.push(e);
        }
        out.extend(self.path_evidence(&model.inputs[input]));
        if let Some(ws) = model.inputs[input].workspace.as_ref().or(options.workspace.as_ref()) {
            for (env, word) in self.words(ws) {
                out.push(self.evidence(Strength::Stack, env, format!("workspace `{ws}` (word `{word}`)")));
            }
        }
        // The nearest declaration that names an environment (a unit's `env.hcl`
        // before its `account.hcl`).
        if let Some(found) = model.inputs[input].labels.iter().find_map(|(what, value)| {
            let words = self.words(value);
            (!words.is_empty()).then(|| {
                words
                    .into_iter()
                    .map(|(env, word)| {
                        self.evidence(Strength::Stack, env, format!("{what} = \"{value}\" (word `{word}`)"))
                    })
                    .collect::<Vec<_>>()
            })
        }) {
            out.extend(found);
        }
        for (name, value) in &model.inputs[input].variables {
            if ENV_VARIABLES.contains(&name.as_ref())
                && let Some(v) = value.as_str()
                && !matches!(value, AttrValue::Sensitive(_))
            {
                for (env, word) in self.words(v) {
                    out.push(self.evidence(
                        Strength::Stack,
                        env,
                        format!("root variable {name} = \"{v}\" (word `{word}`)"),
                    ));
                }
            }
        }
        out
    }

    /// The environment the input's place in its repository names: the innermost
    /// directory that is an environment (`prod/us-east-1/qa/mysql` is `qa`). A
    /// directory is one when its name is an environment word (`prod/`,
    /// `non-production/`), or when it sits in a directory of environments
    /// (`envs/prod-eu/`). Without one, the innermost directory whose name holds an
    /// environment word (`orders-prod/`). `live/` holds every environment in
    /// Terragrunt layouts, so it never is one when something follows it.
    fn path_evidence(&self, input: &crate::model::Input<'_>) -> Vec<Evidence> {
        let place = &input.place;
        // A file's directories place it; a source directory's own name does too.
        let dir = if input.kind == crate::model::InputKind::Source && input.path.is_dir() {
            Some(place.as_path())
        } else {
            place.parent()
        };
        let segments: Vec<String> = dir
            .into_iter()
            .flat_map(|p| p.components())
            .filter(|c| matches!(c, std::path::Component::Normal(_)))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        // First the innermost directory that is an environment; else the innermost
        // whose name holds an environment word (`orders-prod`, `bootstrap-dev`).
        for whole_only in [true, false] {
            for (i, seg) in segments.iter().enumerate().rev() {
                if seg == "live" && i + 1 < segments.len() {
                    continue;
                }
                let parent = i.checked_sub(1).map(|p| segments[p].to_ascii_lowercase());
                let in_env_dir = parent.as_deref().is_some_and(|p| {
                    matches!(p, "envs" | "env" | "environments" | "environment" | "live" | "stages" | "stacks")
                });
                let tokens = Tokens::of(seg);
                let whole = self.vocab.words.aliases().iter().any(|a| tokens.equals(a));
                if whole_only && !whole && !in_env_dir {
                    continue;
                }
                let words = self.words(seg);
                if words.is_empty() {
                    continue;
                }
                return words
                    .into_iter()
                    .map(|(env, word)| {
                        self.evidence(
                            Strength::Stack,
                            env,
                            format!("path segment `{seg}` of {} (word `{word}`)", place.display()),
                        )
                    })
                    .collect();
            }
        }
        Vec::new()
    }

    /// What an endpoint's value says of its environment.
    fn endpoint_evidence(&self, e: &Endpoint) -> Vec<Evidence> {
        let mut out = Vec::new();
        match e.kind {
            EndpointKind::Range => {
                if let Some(net) = parse_range(&e.value) {
                    out.extend(self.range_evidence(net, "range"));
                }
            }
            EndpointKind::Id => {
                out.extend(self.identity_evidence(&e.value, "id"));
                // A Google group, user or domain member: only the policy's domains place it.
                let member_domain = ["group:", "user:", "domain:"].iter().find_map(|p| {
                    let rest = e.value.strip_prefix(p)?;
                    Some(rest.rsplit_once('@').map_or(rest, |(_, d)| d))
                });
                if let Some(domain) = member_domain {
                    if let Some((env, d)) = self.domain_of(domain) {
                        out.push(self.evidence(
                            Strength::Inventory,
                            env,
                            format!("member `{}` is in policy domain {d}", e.value),
                        ));
                    }
                } else if e.value.starts_with("/subscriptions/") || e.value.contains("projects/") {
                    for (env, word) in self.words(&e.value) {
                        out.push(self.evidence(Strength::Name, env, format!("word `{word}` in id `{}`", e.value)));
                    }
                } else if let Some((_, name)) = e.value.split_once(":role/").or_else(|| e.value.split_once(":user/")) {
                    // An IAM role or user no input owns: its name (and path) says where.
                    for (env, word) in self.words(name) {
                        out.push(self.evidence(
                            Strength::Name,
                            env,
                            format!("word `{word}` in IAM name `{}`", e.value),
                        ));
                    }
                }
            }
            EndpointKind::Host => {
                let host = e.value.as_str();
                if self.has_domains
                    && let Some((env, domain)) = self.domain_of(host)
                {
                    out.push(self.evidence(
                        Strength::Inventory,
                        env,
                        format!(
                            "host {host} is in domain {domain} of policy environment {}",
                            self.policy.environments[env].name
                        ),
                    ));
                }
                if let Some(net) = parse_range(host) {
                    out.extend(self.range_evidence(net, "address"));
                } else {
                    for (env, word) in self.words(host) {
                        out.push(self.evidence(Strength::Name, env, format!("word `{word}` in host name {host}")));
                    }
                }
            }
            EndpointKind::Name => {
                for (env, word) in self.words(&e.value) {
                    out.push(self.evidence(Strength::Name, env, format!("word `{word}` in name `{}`", e.value)));
                }
            }
        }
        out
    }

    fn range_evidence(&self, net: IpNet, what: &str) -> Vec<Evidence> {
        let mut out = Vec::new();
        if let Some((found, &env)) = self.cidrs.containing(net).into_iter().next() {
            let name = &self.policy.environments[env].name;
            out.push(self.evidence(
                Strength::Inventory,
                env,
                format!("{what} {net} is inside {found}, a range of policy environment {name}"),
            ));
        }
        out
    }

    /// Accounts in ARNs, Azure subscriptions, Google projects in an id or self link.
    fn identity_evidence(&self, value: &str, what: &str) -> Vec<Evidence> {
        let mut out = Vec::new();
        let envs = &self.policy.environments;
        if let Some(account) = crate::vocab::ids::aws_account(value)
            && let Some(env) = envs.iter().position(|e| e.accounts.iter().any(|a| a == account))
        {
            out.push(self.evidence(
                Strength::Inventory,
                env,
                format!("account {account} in {what} `{value}` belongs to policy environment {}", envs[env].name),
            ));
        }
        if let Some(sub) = value.strip_prefix("/subscriptions/").and_then(|r| r.split('/').next()) {
            let sub = sub.to_lowercase();
            if let Some(env) = envs.iter().position(|e| e.subscriptions.contains(&sub)) {
                out.push(self.evidence(
                    Strength::Inventory,
                    env,
                    format!("subscription {sub} of {what} belongs to policy environment {}", envs[env].name),
                ));
            }
        }
        if let Some(project) = project_of(value)
            && let Some(env) = envs.iter().position(|e| e.projects.iter().any(|p| p == project))
        {
            out.push(self.evidence(
                Strength::Inventory,
                env,
                format!("project {project} of {what} belongs to policy environment {}", envs[env].name),
            ));
        }
        out
    }

    fn resource_evidence(&self, r: &Resource<'_>) -> Vec<Evidence> {
        let mut out = Vec::new();
        let envs = &self.policy.environments;
        // Inventory: patterns, accounts, projects, subscriptions, ranges, domains.
        if envs.iter().any(|e| !e.addresses.is_empty() || !e.paths.is_empty()) {
            let address = r.address.to_string();
            let input = &self.model.inputs[r.input];
            // The path as typed, or its place in the repository.
            let path = input.path.to_string_lossy();
            let place = input.place.to_string_lossy();
            for (i, env) in envs.iter().enumerate() {
                if let Some(p) = env.addresses.iter().find(|p| p.matches(&address)) {
                    out.push(self.evidence(
                        Strength::Inventory,
                        i,
                        format!("address matches `{}` of policy environment {}", p.as_str(), env.name),
                    ));
                }
                let matched = env
                    .paths
                    .iter()
                    .find_map(|p| [&path, &place].into_iter().find(|t| !t.is_empty() && p.matches(t)).map(|t| (p, t)));
                if let Some((p, text)) = matched {
                    out.push(self.evidence(
                        Strength::Inventory,
                        i,
                        format!("input {text} matches `{}` of policy environment {}", p.as_str(), env.name),
                    ));
                }
            }
        }
        let view = View::of(&r.values);
        if self.has_identities {
            for (attr, v) in &view.identities {
                let owned;
                let v: &str = if *attr == "owner_id" {
                    owned = format!("arn:aws:::{v}:");
                    &owned
                } else {
                    v
                };
                for e in self.identity_evidence(v, attr) {
                    if !out
                        .iter()
                        .any(|o: &Evidence| o.environment == e.environment && o.strength == Strength::Inventory)
                    {
                        out.push(e);
                    }
                }
            }
            if let Some(project) = view.project
                && let Some(env) = envs.iter().position(|e| e.projects.iter().any(|p| p == project))
                && !out.iter().any(|o| o.environment == env)
            {
                out.push(self.evidence(
                    Strength::Inventory,
                    env,
                    format!("project {project} belongs to policy environment {}", envs[env].name),
                ));
            }
            out.extend(self.provider_evidence(r));
        }
        if !self.cidrs.is_empty() {
            for (attr, s) in &view.ranges {
                if let Some(net) = parse_range(s) {
                    out.extend(self.range_evidence(net, attr));
                }
            }
        }
        if self.has_domains {
            // The same parser as settings use: URLs, `host:port`, bare hosts.
            for (attr, value) in &view.hosts {
                for endpoint in crate::vocab::connstr::parse(value, true) {
                    let host = endpoint.host;
                    if let Some((env, domain)) = self.domain_of(&host) {
                        out.push(self.evidence(
                            Strength::Inventory,
                            env,
                            format!("{attr} {host} is in domain {domain} of policy environment {}", envs[env].name),
                        ));
                    }
                }
            }
        }
        // Tags and labels.
        out.extend(self.label_evidence(&view));
        // Names: attributes, then the address (module names and keys, the resource name).
        if PARTS.contains(&r.address.kind.as_str()) {
            return out;
        }
        // Details are joined, not formatted: tens of thousands of resources have them.
        let mut names: Vec<Evidence> = Vec::new();
        for (shown, name) in &view.names {
            let mut hits = self.words(name);
            if hits.is_empty()
                && RUN_TOGETHER_NAMES.contains(&r.address.kind.as_str())
                && let Some(hit) = find_in_run(name, self.vocab.words.aliases())
            {
                hits.push((self.vocab.owner[hit.alias], hit.words));
            }
            for (env, word) in hits {
                names.push(self.evidence(
                    Strength::Name,
                    env,
                    ["word `", &word, "` in ", shown, " \"", name, "\""].concat(),
                ));
            }
        }
        // The address: instance keys are data (`for_each = var.environments`), like
        // a deployed name; module and resource names are the code's own, and say
        // what a thing is for (`module.shared_vpc`, `aws_ses_domain_identity.test`),
        // not where it runs: the weakest signal of all.
        let mut code_text = String::new();
        let mut key_text = String::new();
        for step in r.address.module.iter() {
            code_text.push_str(&step.name);
            code_text.push(' ');
            if let Some(k) = &step.key {
                key_text.push_str(&k.to_string());
                key_text.push(' ');
            }
        }
        code_text.push_str(&r.address.name);
        if let Some(k) = &r.address.key {
            key_text.push_str(&k.to_string());
        }
        if !key_text.is_empty() {
            for (env, word) in self.words(&key_text) {
                names.push(self.evidence(
                    Strength::Name,
                    env,
                    ["word `", &word, "` in an instance key of ", &r.address.to_string()].concat(),
                ));
            }
        }
        for (env, word) in self.words(&code_text) {
            out.push(self.evidence(
                Strength::Address,
                env,
                ["word `", &word, "` in address ", &r.address.to_string()].concat(),
            ));
        }
        for e in names {
            if !out.iter().any(|o| o.strength == Strength::Name && o.environment == e.environment) {
                out.push(e);
            }
        }
        out.sort_by_key(|e| e.strength);
        out
    }

    /// The provider configuration: the account of the role it assumes, its only
    /// allowed account, its project or subscription, its default tags.
    fn provider_evidence(&self, r: &Resource<'_>) -> Vec<Evidence> {
        let mut out = Vec::new();
        let Some(p) = r.provider_config.and_then(|i| self.model.inputs[r.input].providers.get(i)) else {
            return out;
        };
        let what = format!("provider {}", p.key);
        let role = p
            .settings
            .at(&[PathStep::Key("assume_role"), PathStep::Index(0), PathStep::Key("role_arn")])
            .and_then(AttrValue::as_str);
        if let Some(role) = role {
            out.extend(self.identity_evidence(role, &format!("{what} assume_role")));
        }
        if let Some(AttrValue::List(ids)) = p.settings.get("allowed_account_ids")
            && let [only] = ids.as_slice()
            && let Some(id) = only.as_str()
        {
            out.extend(self.identity_evidence(&format!("arn:aws:::{id}:"), &format!("{what} allowed_account_ids")));
        }
        let envs = &self.policy.environments;
        if let Some(project) = p.settings.get("project").and_then(AttrValue::as_str)
            && let Some(env) = envs.iter().position(|e| e.projects.iter().any(|x| x == project))
        {
            out.push(self.evidence(
                Strength::Inventory,
                env,
                format!("{what} project {project} belongs to policy environment {}", envs[env].name),
            ));
        }
        if let Some(sub) = p.settings.get("subscription_id").and_then(AttrValue::as_str)
            && let Some(env) = envs.iter().position(|e| e.subscriptions.contains(&sub.to_lowercase()))
        {
            out.push(self.evidence(
                Strength::Inventory,
                env,
                format!("{what} subscription {sub} belongs to policy environment {}", envs[env].name),
            ));
        }
        out
    }

    fn label_evidence(&self, view: &View<'_, '_>) -> Vec<Evidence> {
        let mut out: Vec<Evidence> = Vec::new();
        for (map, what) in view.labels.iter().flatten() {
            let AttrValue::Map(entries) = map.unwrap_sensitive() else { continue };
            // Keys in the policy's order of preference.
            for wanted in &self.policy.label_keys {
                for (key, value) in entries {
                    if !key_is(key, wanted) || matches!(value, AttrValue::Sensitive(_)) {
                        continue;
                    }
                    let Some(v) = value.as_str() else { continue };
                    for (env, word) in self.words(v) {
                        if !out.iter().any(|o| o.environment == env) {
                            let detail = if word == v.to_lowercase() {
                                [what, " ", key, " = \"", v, "\""].concat()
                            } else {
                                [what, " ", key, " = \"", v, "\" (word `", &word, "`)"].concat()
                            };
                            out.push(self.evidence(Strength::Tag, env, detail));
                        }
                    }
                }
            }
            if !out.is_empty() {
                break; // `tags_all` already holds `tags`; GCP's label maps repeat each other.
            }
        }
        out
    }

    fn domain_of(&self, host: &str) -> Option<(usize, String)> {
        let host = host.trim_end_matches('.').to_lowercase();
        let mut best: Option<(usize, &String)> = None;
        for (i, env) in self.policy.environments.iter().enumerate() {
            for d in &env.domains {
                let inside = crate::vocab::connstr::is_last_part(&host, d, '.');
                if inside && best.is_none_or(|(_, b)| d.len() > b.len()) {
                    best = Some((i, d));
                }
            }
        }
        best.map(|(i, d)| (i, d.clone()))
    }
}

impl Classifier<'_, '_, '_, '_> {
    /// The final classification of a node: its own evidence, what its containers
    /// say (resolved first), and its stack's.
    fn resolve(
        &self,
        node: NodeIndex,
        own: &mut [Vec<Evidence>],
        stacks: &[Vec<Evidence>],
        done: &mut Vec<Option<Classification>>,
        visiting: &mut Vec<bool>,
    ) -> Resolved {
        if let Some(c) = &done[node.index()] {
            return Resolved { environment: c.environment, ambiguous: c.ambiguous };
        }
        // Each node is resolved once (then remembered): its own evidence moves in.
        let mut evidence = std::mem::take(&mut own[node.index()]);
        if !visiting[node.index()] {
            visiting[node.index()] = true;
            let containers: Vec<(NodeIndex, String)> = self
                .graph
                .inner
                .edges_directed(node, Direction::Incoming)
                .filter(|e| e.weight().kind == EdgeKind::Contains)
                .map(|e| (e.source(), e.weight().attribute.clone()))
                .collect();
            for (container, attribute) in containers {
                let c = self.resolve(container, own, stacks, done, visiting);
                if let (Some(env), false) = (c.environment, c.ambiguous) {
                    let name = self.graph.node_name(container);
                    let mut e = self.m.evidence(
                        Strength::Containment,
                        env,
                        format!("inside {name} (via {attribute}), which is {}", self.m.policy.environments[env].name),
                    );
                    e.container = Some(container);
                    if !evidence.iter().any(|o| o.container == e.container) {
                        evidence.push(e);
                    }
                }
            }
            visiting[node.index()] = false;
        }
        let mut internet = false;
        match &self.graph.inner[node] {
            Node::Resource(i) => evidence.extend(stacks[self.graph.model.resources[*i].input].iter().cloned()),
            Node::Endpoint(e) if e.kind == EndpointKind::Host && networks::is_saas(&e.value) => internet = true,
            Node::Endpoint(e) if matches!(e.kind, EndpointKind::Range | EndpointKind::Host) => {
                if let Some(net) = parse_range(&e.value) {
                    // A network of the inputs places a range first, public or not
                    // (AWS gives VPCs public IPv6 ranges), and an address a
                    // resource owns is that resource's; a public range nothing
                    // places is the internet.
                    let public = is_public(&net);
                    let owners = self.networks.owners(net);
                    evidence.extend(self.range_network_evidence(net, &owners, own, stacks, done, visiting));
                    // An address a resource owns is never the internet, even when
                    // the owner's environment is not known.
                    internet = public && evidence.is_empty() && owners.is_empty();
                }
            }
            Node::Endpoint(_) => {}
        }
        let mut c = decide(self.m.policy, evidence);
        c.internet = internet;
        let resolved = Resolved { environment: c.environment, ambiguous: c.ambiguous };
        done[node.index()] = Some(c);
        resolved
    }
}

/// What a node's dependants need of its classification.
#[derive(Clone, Copy)]
struct Resolved {
    environment: Option<usize>,
    ambiguous: bool,
}

impl Classifier<'_, '_, '_, '_> {
    /// A range is where the resources that own it are (`owners`), else where the
    /// smallest input network holding it is; a private range holding networks is
    /// where they all are (if they agree).
    fn range_network_evidence(
        &self,
        net: IpNet,
        owners: &[networks::Owned],
        own: &mut [Vec<Evidence>],
        stacks: &[Vec<Evidence>],
        done: &mut Vec<Option<Classification>>,
        visiting: &mut Vec<bool>,
    ) -> Vec<Evidence> {
        let mut out = Vec::new();
        let envs = &self.m.policy.environments;
        // An address a resource owns is that resource's, whatever network it is in.
        if !owners.is_empty() {
            for owner in owners {
                let c = self.resolve(owner.node, own, stacks, done, visiting);
                if let (Some(env), false) = (c.environment, c.ambiguous) {
                    let whose = if owner.range.prefix_len() == owner.range.max_prefix_len() {
                        format!("is {}'s {}", self.graph.node_name(owner.node), owner.attribute)
                    } else {
                        format!("is inside {}, {}'s {}", owner.range, self.graph.node_name(owner.node), owner.attribute)
                    };
                    let mut e = self.m.evidence(
                        Strength::Containment,
                        env,
                        format!("address {net} {whose}, which is {}", envs[env].name),
                    );
                    e.container = Some(owner.node);
                    out.push(e);
                }
            }
            return out;
        }
        if let Some((found, network)) = self.networks.containing(net).into_iter().next() {
            let c = self.resolve(network, own, stacks, done, visiting);
            if let (Some(env), false) = (c.environment, c.ambiguous) {
                let mut e = self.m.evidence(
                    Strength::Containment,
                    env,
                    format!(
                        "range {net} is inside {} ({found}), which is {}",
                        self.graph.node_name(network),
                        envs[env].name
                    ),
                );
                e.container = Some(network);
                out.push(e);
            }
            return out;
        }
        // A public range that holds networks (`0.0.0.0/0`) is the internet, not
        // where they are.
        if is_public(&net) {
            return out;
        }
        for (found, network) in self.networks.covered_by(net) {
            let c = self.resolve(network, own, stacks, done, visiting);
            if let (Some(env), false) = (c.environment, c.ambiguous)
                && !out.iter().any(|o: &Evidence| o.environment == env)
            {
                out.push(self.m.evidence(
                    Strength::Containment,
                    env,
                    format!(
                        "range {net} covers {} ({found}), which is {}",
                        self.graph.node_name(network),
                        envs[env].name
                    ),
                ));
            }
        }
        out
    }
}

/// Picks the winner: the strongest level with evidence; production against
/// non-production at that level is ambiguous.
fn decide(policy: &Policy, mut evidence: Vec<Evidence>) -> Classification {
    evidence.sort_by_key(|e| (e.strength, !e.declared));
    let Some((top, declared)) = evidence.first().map(|e| (e.strength, e.declared)) else {
        return Classification::default();
    };
    // What the user declared (`--env`) outranks what the stack's path or workspace suggests.
    let level: Vec<&Evidence> = evidence.iter().filter(|e| e.strength == top && e.declared == declared).collect();
    let tiers: Vec<Tier> = level.iter().map(|e| policy.environments[e.environment].tier).collect();
    let ambiguous = tiers.iter().any(|t| tiers.iter().any(|u| t.crosses(*u)));
    if ambiguous {
        return Classification { environment: None, tier: Tier::Unknown, evidence, ambiguous: true, internet: false };
    }
    // Prefer a production or non-production environment over a shared one at the
    // same level (`prod-network` is production).
    let winner =
        level.iter().find(|e| policy.environments[e.environment].tier != Tier::Shared).unwrap_or(&level[0]).environment;
    let winner_at = evidence
        .iter()
        .position(|e| e.environment == winner && e.strength == top && e.declared == declared)
        .unwrap_or(0);
    let first = evidence.remove(winner_at);
    evidence.insert(0, first);
    Classification {
        environment: Some(winner),
        tier: policy.environments[winner].tier,
        evidence,
        ambiguous: false,
        internet: false,
    }
}

/// The project in a Google id or self link (`projects/<p>/...`).
fn project_of(value: &str) -> Option<&str> {
    let at = value.find("projects/")?;
    value[at + "projects/".len()..].split('/').next().filter(|p| !p.is_empty())
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
