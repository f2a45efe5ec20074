//! The audit's view beside the findings: one line per stack, and which environment
//! reaches which.
//!
//! In: the stacks, the graph and environments of all of them, and the report's
//! findings. Out: [`StackSummary`]s (the stack's environment with its evidence, its
//! resources, where they were read from, its findings) and the [`Matrix`]: for every
//! pair of environments, how many links of each kind go from one to the other —
//! traffic a rule allows, peerings, settings that point across — counted over the
//! whole graph, so a matrix also shows the links that stay inside an environment.

use std::collections::BTreeMap;

use petgraph::visit::EdgeRef;
use serde::Serialize;

use super::Stack;
use crate::env::Environments;
use crate::findings::{EndTier, Report};
use crate::graph::{EdgeKind, Graph};
use crate::policy::Tier;
use crate::report::terminal::clean;

/// One stack in the audit report.
#[derive(Debug, Clone, Serialize)]
pub struct StackSummary {
    /// Its name (path relative to the common root of the audited directories).
    pub name: String,
    /// Its directory.
    pub dir: String,
    /// Its workspace, when its state is a workspace's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// The environment the stack is in, if any.
    pub environment: Option<String>,
    /// That environment's tier; `ambiguous` when its own signals say production
    /// and non-production at once; `unknown` when it has none.
    pub tier: EndTier,
    /// Why: the stack's own signals (path, workspace, variables), else what its
    /// resources are.
    pub evidence: Vec<String>,
    /// Resource instances.
    pub resources: usize,
    /// Of those, in state but no longer in source.
    pub pending_removal: usize,
    /// What was read: `source`, `state`, `plan`.
    pub read: Vec<&'static str>,
    /// Unsuppressed findings whose link is made in this stack (by the resource
    /// that makes it), so that the stacks' counts add up to the report's.
    pub findings: usize,
    /// Why the stack could not be analysed; its other fields are then what was
    /// found before the error.
    pub error: Option<String>,
    /// The stacks a Terragrunt unit depends on (`dependency` blocks and
    /// `dependencies { paths }`), by name; a directory that is no stack of the
    /// audit by its path.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

/// Links between environments.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    /// Row and column names: the environments, then `internet` and `unknown` when used.
    pub environments: Vec<String>,
    /// Non-zero cells.
    pub links: Vec<MatrixCell>,
}

/// Links of one kind from one environment to another.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct MatrixCell {
    /// The environment that opens the connection (or points its setting).
    pub from: String,
    /// The other one.
    pub to: String,
    /// What kind of link.
    pub kind: LinkKind,
    /// How many.
    pub count: usize,
    /// Whether it joins production and non-production.
    pub crosses: bool,
}

/// The kind of a link between environments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    // In the order of their names: the matrix is sorted by them.
    /// A policy that lets one act on the other.
    Access,
    /// A network peering.
    Peering,
    /// A setting that points one at the other.
    Setting,
    /// Traffic allowed by a rule.
    Traffic,
}

impl LinkKind {
    /// The name reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Traffic => "traffic",
            LinkKind::Access => "access",
            LinkKind::Peering => "peering",
            LinkKind::Setting => "setting",
        }
    }
}

impl std::fmt::Display for LinkKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The summary of every stack; `errors` holds why each stack could not be
/// analysed, when it could not.
pub fn stacks(
    stacks: &[Stack],
    stack_of: &[usize],
    errors: &[Option<String>],
    dependencies: &[Vec<std::path::PathBuf>],
    graph: &Graph<'_, '_>,
    envs: &Environments<'_>,
    report: &Report,
) -> Vec<StackSummary> {
    let model = graph.model;
    let mut resources = vec![0usize; stacks.len()];
    let mut pending = vec![0usize; stacks.len()];
    let mut tiers: Vec<BTreeMap<String, usize>> = vec![BTreeMap::new(); stacks.len()];
    for (i, r) in model.resources.iter().enumerate().filter(|(_, r)| !r.is_unread_module()) {
        let s = stack_of[r.input];
        resources[s] += 1;
        if r.action == crate::model::Action::PendingRemoval {
            pending[s] += 1;
        }
        let c = envs.of(graph.resource_nodes[i]);
        let name = match c.environment {
            Some(e) => envs.name(e).to_owned(),
            None if c.ambiguous => "ambiguous".to_owned(),
            None => "no environment".to_owned(),
        };
        *tiers[s].entry(name).or_default() += 1;
    }
    let by_dir: crate::hash::FastMap<std::path::PathBuf, &str> =
        stacks.iter().map(|s| (super::link::unit_key(&s.dir), s.name.as_str())).collect();
    let by_name: crate::hash::FastMap<&str, usize> =
        stacks.iter().enumerate().map(|(i, s)| (s.name.as_str(), i)).collect();
    let mut inputs_of: Vec<Vec<usize>> = vec![Vec::new(); stacks.len()];
    for (input, &s) in stack_of.iter().enumerate() {
        inputs_of[s].push(input);
    }
    // Each finding counts once, for the stack whose resource makes the link.
    let mut findings = vec![0usize; stacks.len()];
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        if let Some(&s) = f.via.stack.as_deref().and_then(|label| by_name.get(label)) {
            findings[s] += 1;
        }
    }
    stacks
        .iter()
        .enumerate()
        .map(|(s, stack)| {
            let (environment, tier, evidence) = stack_environment(envs, &inputs_of[s], &tiers[s], resources[s]);
            let mut read = Vec::new();
            if stack.source.is_some() {
                read.push("source");
            }
            if !stack.states.is_empty() {
                read.push("state");
            }
            if stack.source.is_none() && !stack.plans.is_empty() {
                read.push("plan");
            }
            StackSummary {
                name: stack.name.clone(),
                dir: stack.dir.display().to_string(),
                workspace: stack.workspace.clone(),
                environment,
                tier,
                evidence,
                resources: resources[s],
                pending_removal: pending[s],
                read,
                findings: findings[s],
                error: errors.get(s).cloned().flatten(),
                depends_on: dependencies
                    .get(s)
                    .into_iter()
                    .flatten()
                    .map(|d| by_dir.get(d).map_or_else(|| d.display().to_string(), |n| (*n).to_owned()))
                    .collect(),
            }
        })
        .collect()
}

/// A stack's environment: what its own signals decide (the path, workspace,
/// root variables), ambiguous only when they say production and non-production
/// at once; without any, the one environment all its resources are in; else none,
/// with what its resources are.
fn stack_environment(
    envs: &Environments<'_>,
    inputs: &[usize],
    counts: &BTreeMap<String, usize>,
    total: usize,
) -> (Option<String>, EndTier, Vec<String>) {
    let lines = |evidence: &[&crate::env::Evidence]| -> Vec<String> {
        evidence.iter().map(|e| format!("{} ({}): {}", envs.name(e.environment), e.strength, e.detail)).collect()
    };
    let own: Vec<&crate::env::Classification> =
        inputs.iter().map(|&i| &envs.stack_classes[i]).filter(|c| !c.evidence.is_empty()).collect();
    let evidence: Vec<&crate::env::Evidence> = own.iter().flat_map(|c| &c.evidence).collect();
    let decided: Vec<usize> = own.iter().filter_map(|c| c.environment).collect();
    let crosses = own.iter().any(|c| c.ambiguous)
        || decided.iter().any(|&a| {
            decided.iter().any(|&b| envs.policy.environments[a].tier.crosses(envs.policy.environments[b].tier))
        });
    if crosses {
        return (None, EndTier::Ambiguous, lines(&evidence));
    }
    if let Some(&env) = decided.first() {
        return (Some(envs.name(env).to_owned()), envs.policy.environments[env].tier.into(), lines(&evidence));
    }
    let described: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
    match counts.iter().next() {
        Some((name, &n)) if counts.len() == 1 && n == total => {
            if let Some(env) = envs.policy.environments.iter().find(|e| &e.name == name) {
                let why = if n == 1 {
                    format!("{name} (resources): no signal of its own; its one resource is {name}")
                } else {
                    format!("{name} (resources): no signal of its own; its {n} resources are all {name}")
                };
                return (Some(name.clone()), env.tier.into(), vec![why]);
            }
            (
                None,
                EndTier::Unknown,
                vec![format!("no environment of its own; its resources: {}", described.join(", "))],
            )
        }
        Some(_) => (
            None,
            EndTier::Unknown,
            vec![format!("no environment of its own; its resources: {}", described.join(", "))],
        ),
        None => (None, EndTier::Unknown, vec!["no environment of its own, and no resources".to_owned()]),
    }
}

/// Which environment reaches which, by link kind.
pub fn matrix(graph: &Graph<'_, '_>, envs: &Environments<'_>) -> Matrix {
    let mut cells: BTreeMap<(String, String, LinkKind), (usize, bool)> = BTreeMap::new();
    let name = |n| {
        let c = envs.of(n);
        match c.environment {
            _ if c.internet => ("internet".to_owned(), None),
            Some(e) => (envs.name(e).to_owned(), Some(envs.policy.environments[e].tier)),
            None => ("unknown".to_owned(), None),
        }
    };
    for e in graph.inner.edge_references() {
        let kind = match e.weight().kind {
            EdgeKind::AllowsTraffic => LinkKind::Traffic,
            EdgeKind::Peers => LinkKind::Peering,
            EdgeKind::ConnectsTo => LinkKind::Setting,
            EdgeKind::Grants => LinkKind::Access,
            EdgeKind::References | EdgeKind::Contains => continue,
        };
        if let Some(link) = &e.weight().link
            && !graph.resource(link.via).is_none_or(|r| r.exists_after())
        {
            continue;
        }
        let (mut from, mut from_tier) = name(e.source());
        let (mut to, mut to_tier) = name(e.target());
        // A peering has no direction: its production side is named first, as
        // findings name it.
        if kind == LinkKind::Peering && to_tier == Some(Tier::Production) && from_tier != Some(Tier::Production) {
            std::mem::swap(&mut from, &mut to);
            std::mem::swap(&mut from_tier, &mut to_tier);
        }
        let crosses = matches!(
            (from_tier, to_tier),
            (Some(Tier::Production), Some(Tier::NonProduction)) | (Some(Tier::NonProduction), Some(Tier::Production))
        );
        let cell = cells.entry((from, to, kind)).or_insert((0, crosses));
        cell.0 += 1;
    }
    let mut environments: Vec<String> = envs.policy.environments.iter().map(|e| e.name.clone()).collect();
    let used = |n: &str| cells.keys().any(|(a, b, _)| a == n || b == n);
    environments.retain(|e| used(e));
    for extra in ["internet", "unknown"] {
        if used(extra) {
            environments.push(extra.to_owned());
        }
    }
    let links = cells
        .into_iter()
        .map(|((from, to, kind), (count, crosses))| MatrixCell { from, to, kind, count, crosses })
        .collect();
    Matrix { environments, links }
}

/// The JSON audit report: the `check` report's fields, plus `stacks` and `matrix`.
pub fn write_json(
    w: &mut dyn std::io::Write,
    report: &Report,
    stacks: &[StackSummary],
    matrix: &Matrix,
) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Audit<'r> {
        #[serde(flatten)]
        report: &'r Report,
        stacks: &'r [StackSummary],
        matrix: &'r Matrix,
    }
    serde_json::to_writer_pretty(&mut *w, &Audit { report, stacks, matrix }).map_err(std::io::Error::other)?;
    writeln!(w)
}

/// `1 finding`, `2 findings`.
fn count(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// The stacks and the matrix as text, after the findings.
pub fn write_text(w: &mut dyn std::io::Write, stacks: &[StackSummary], matrix: &Matrix) -> std::io::Result<()> {
    writeln!(w, "\nstacks")?;
    let width = stacks.iter().map(|s| s.name.len()).max().unwrap_or(5).max(5);
    for s in stacks {
        let env = s.environment.clone().unwrap_or_else(|| match s.tier {
            EndTier::Ambiguous => "ambiguous".to_owned(),
            _ => "none".to_owned(),
        });
        let name = clean(&s.name);
        if let Some(error) = &s.error {
            writeln!(w, "  {:<width$}  {:<12} not analysed: {}", name, clean(&env), clean(error))?;
            continue;
        }
        let pending =
            if s.pending_removal > 0 { format!(", {} pending removal", s.pending_removal) } else { String::new() };
        let read = if s.read.is_empty() { "nothing read".to_owned() } else { s.read.join(" + ") };
        writeln!(
            w,
            "  {:<width$}  {:<12} {:>5} {}{pending} ({read}), {}",
            name,
            clean(&env),
            s.resources,
            if s.resources == 1 { "resource " } else { "resources" },
            count(s.findings, "finding"),
        )?;
        match (s.tier, s.evidence.first()) {
            (EndTier::Ambiguous, _) => writeln!(w, "  {:<width$}  because {}", "", clean(&s.evidence.join("; ")))?,
            (_, Some(why)) if s.environment.is_some() => writeln!(w, "  {:<width$}  because {}", "", clean(why))?,
            (_, Some(why)) => writeln!(w, "  {:<width$}  {}", "", clean(why))?,
            (_, None) => {}
        }
        if !s.depends_on.is_empty() {
            writeln!(w, "  {:<width$}  depends on {}", "", clean(&s.depends_on.join(", ")))?;
        }
    }
    writeln!(w, "\nenvironment matrix (from → to: links by kind; * joins production and non-production)")?;
    for c in &matrix.links {
        let mark = if c.crosses { "*" } else { " " };
        writeln!(w, "  {mark} {} → {}: {} {}", clean(&c.from), clean(&c.to), c.count, c.kind)?;
    }
    Ok(())
}
