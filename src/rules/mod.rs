//! Rules: questions asked of the graph and its environments, answered with
//! findings.
//!
//! In: the [`Graph`], the [`Environments`] and the [`Policy`]. Out: [`Finding`]s.
//! Each rule is one file with its documentation and fixtures in a folder beside
//! it; [`RULES`] lists them all, once. Rules never re-derive an environment: they
//! read the classification and its evidence.

mod access;
pub mod cross_env_network_peering;
pub mod environment_label_conflict;
pub mod nonprod_principal_can_access_prod;
pub mod nonprod_setting_points_to_prod;
pub mod nonprod_traffic_into_prod;
pub mod prod_principal_can_access_nonprod;
pub mod prod_setting_points_to_nonprod;
pub mod prod_traffic_into_nonprod;
pub mod rule_range_spans_environments;
mod settings;
mod traffic;

use petgraph::graph::NodeIndex;

use crate::env::Environments;
use crate::graph::Graph;
use crate::hash::FastMap;
use crate::policy::{Policy, Severity, Tier};

/// What a rule needs to look at.
pub struct Context<'c, 'm, 'a, 'p> {
    /// The graph.
    pub graph: &'c Graph<'m, 'a>,
    /// Every node's environment.
    pub envs: &'c Environments<'p>,
    /// The policy.
    pub policy: &'p Policy,
}

/// A rule's metadata and its check.
pub struct Rule {
    /// Stable code, e.g. `EW301`.
    pub code: &'static str,
    /// Kebab-case name of the pattern it flags.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line: what it flags.
    pub summary: &'static str,
    /// Its documentation (What it does / Why is this bad? / How to fix / Example).
    pub docs: &'static str,
    /// The check.
    pub check: fn(&Context<'_, '_, '_, '_>) -> Vec<Finding>,
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &nonprod_traffic_into_prod::RULE,
    &prod_traffic_into_nonprod::RULE,
    &cross_env_network_peering::RULE,
    &rule_range_spans_environments::RULE,
    &prod_setting_points_to_nonprod::RULE,
    &nonprod_setting_points_to_prod::RULE,
    &environment_label_conflict::RULE,
    &nonprod_principal_can_access_prod::RULE,
    &prod_principal_can_access_nonprod::RULE,
];

/// The rules as a Markdown table (code, name, default severity, what it flags),
/// as the README shows it.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | name | default | flags |\n|---|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!("| {} | `{}` | {} | {} |\n", r.code, r.name, r.severity.as_str(), r.summary));
    }
    out
}

/// The rules reference (`docs/rules.md`): the table, then each rule's
/// documentation, all from [`RULES`].
pub fn markdown_reference() -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Written by `envwall rules --format markdown > docs/rules.md`; a test checks it. -->\n\n",
    );
    out.push_str(&markdown_table());
    for r in RULES {
        out.push_str(&format!(
            "\n## {} `{}`\n\nDefault severity: **{}**. {}.\n\n",
            r.code,
            r.name,
            r.severity.as_str(),
            capitalized(r.summary)
        ));
        // Each rule's own headings sit one level below its title.
        for line in r.docs.trim_end().lines() {
            if line.starts_with("## ") {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |first| first.to_uppercase().chain(c).collect())
}

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// Which way a finding points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// The production side opens toward non-production.
    ProdToNonprod,
    /// The non-production side opens toward production.
    NonprodToProd,
}

impl Direction {
    /// From the tier of the `from` end.
    pub fn from_tier(tier: Tier) -> Direction {
        if tier == Tier::Production { Direction::ProdToNonprod } else { Direction::NonprodToProd }
    }

    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::ProdToNonprod => "prod-to-nonprod",
            Direction::NonprodToProd => "nonprod-to-prod",
        }
    }
}

/// One end of a finding: a node of the graph, or something outside it (a stack).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct End {
    /// The node, when the end is a resource or an endpoint of the graph.
    pub node: Option<NodeIndex>,
    /// A description when the end is not a node (`stack plan.json`).
    pub label: Option<String>,
    /// Its environment.
    pub environment: Option<usize>,
    /// Its tier.
    pub tier: Tier,
    /// Why it is in that environment, strongest signal first.
    pub evidence: Vec<String>,
}

/// What creates the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// The resource that creates it.
    pub node: NodeIndex,
    /// The attribute path, if one attribute does.
    pub attribute: Option<String>,
}

/// One result of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's code.
    pub rule: &'static str,
    /// Its severity (the policy may change the default).
    pub severity: Severity,
    /// Which way it points.
    pub direction: Direction,
    /// The side that opens the link (for a label conflict, the mislabelled resource).
    pub from: End,
    /// The other side.
    pub to: End,
    /// What creates it.
    pub via: Via,
    /// The message, in plain words.
    pub message: String,
    /// Protocol and ports, for traffic.
    pub traffic: Option<(String, String)>,
    /// Whether this plan adds the link or it exists already.
    pub status: Status,
    /// Set when a policy exception accepts the finding.
    pub suppressed: Option<Suppression>,
    /// Notes for people (an exception that expired).
    pub notes: Vec<String>,
}

/// Whether the plan adds a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The plan creates or changes what makes the link.
    Added,
    /// The link exists before and after this plan.
    Existing,
    /// What makes the link, or one of its ends, is in a stack's state but no longer
    /// in its source: the link lasts until the next apply. Reported at info
    /// severity; it never fails a run.
    PendingRemoval,
}

impl Status {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Existing => "existing",
            Status::PendingRemoval => "pending-removal",
        }
    }
}

/// Where a suppression is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionKind {
    /// A policy exception.
    Exception,
    /// An `envwall:ignore` comment in the source.
    Inline,
    /// An entry of the `--baseline` file.
    Baseline,
}

impl SuppressionKind {
    /// The name reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Exception => "exception",
            SuppressionKind::Inline => "inline",
            SuppressionKind::Baseline => "baseline",
        }
    }
}

impl std::fmt::Display for SuppressionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a finding is suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// Where it is written.
    pub kind: SuppressionKind,
    /// The exception's name.
    pub name: String,
    /// Its reason.
    pub reason: String,
}

/// The code of every rule, for the policy to check the codes it names.
pub fn codes() -> Vec<&'static str> {
    RULES.iter().map(|r| r.code).collect()
}

/// Runs every enabled rule and applies the policy's severities.
pub fn run(ctx: &Context<'_, '_, '_, '_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES {
        let setting = ctx.policy.rule(rule.code);
        if setting.and_then(|s| s.enabled) == Some(false) {
            continue;
        }
        let severity = setting.and_then(|s| s.severity).unwrap_or(rule.severity);
        findings.extend((rule.check)(ctx).into_iter().map(|f| Finding { severity, ..f }));
    }
    for f in &mut findings {
        f.status = status(ctx, f);
        if f.status == Status::PendingRemoval {
            f.severity = crate::policy::Severity::Info;
        }
    }
    dedupe(&mut findings);
    findings
}

/// A group's inline blocks repeat its standalone rules (state shows both): keep one
/// finding per link, the one made by the standalone rule.
fn dedupe(findings: &mut Vec<Finding>) {
    let standalone = |f: &Finding| Some(f.via.node) != f.from.node && Some(f.via.node) != f.to.node;
    type LinkKey<'f> = (&'f str, Option<NodeIndex>, Option<NodeIndex>, Option<&'f (String, String)>);
    let mut by_link: FastMap<LinkKey<'_>, bool> = FastMap::default();
    for f in findings.iter() {
        *by_link.entry((f.rule, f.from.node, f.to.node, f.traffic.as_ref())).or_default() |= standalone(f);
    }
    let keep: Vec<bool> = findings
        .iter()
        .map(|f| standalone(f) || !by_link[&(f.rule, f.from.node, f.to.node, f.traffic.as_ref())])
        .collect();
    let mut it = keep.into_iter();
    findings.retain(|_| it.next().unwrap_or(true));
}

/// A link is added by this plan when what creates it, or one of its ends, is
/// created, replaced or updated by it; pending removal when one of them is only
/// left in state.
fn status(ctx: &Context<'_, '_, '_, '_>, f: &Finding) -> Status {
    let pending = |n: Option<NodeIndex>| {
        n.and_then(|n| ctx.graph.resource(n)).is_some_and(|r| r.action == crate::model::Action::PendingRemoval)
    };
    if pending(Some(f.via.node)) || pending(f.from.node) || pending(f.to.node) {
        return Status::PendingRemoval;
    }
    let changed = |n: Option<NodeIndex>| {
        n.and_then(|n| ctx.graph.resource(n))
            .is_some_and(|r| r.action.creates() || r.action == crate::model::Action::Update)
    };
    if changed(Some(f.via.node)) || changed(f.from.node) || changed(f.to.node) {
        Status::Added
    } else {
        Status::Existing
    }
}

/// Whether every resource a finding names exists after the plan is applied.
pub(crate) fn all_exist(ctx: &Context<'_, '_, '_, '_>, nodes: &[NodeIndex]) -> bool {
    nodes.iter().all(|&n| ctx.graph.resource(n).is_none_or(|r| r.exists_after()))
}

/// An end of a finding for a node, with its environment and evidence.
pub(crate) fn end(ctx: &Context<'_, '_, '_, '_>, node: NodeIndex) -> End {
    let c = ctx.envs.of(node);
    End {
        node: Some(node),
        label: None,
        environment: c.environment,
        tier: c.tier,
        evidence: evidence_lines(ctx.envs, node),
    }
}

/// The evidence lines of a classification.
pub(crate) fn evidence_lines(envs: &Environments<'_>, node: NodeIndex) -> Vec<String> {
    envs.of(node)
        .evidence
        .iter()
        .map(|e| format!("{} ({}): {}", envs.name(e.environment), e.strength, e.detail))
        .collect()
}
