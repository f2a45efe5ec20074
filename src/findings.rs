//! Findings → report: rule results made ready for every reporter.
//!
//! In: the rules' [`Finding`]s, the graph and environments they point into, the
//! policy's exceptions and the input texts. Out: a [`Report`]: findings with every
//! name resolved to text, a source location in the input file, exceptions applied
//! (suppressed findings stay, marked), a stable fingerprint, in a deterministic
//! order. Reporters see only this.

use serde::Serialize;

use petgraph::graph::NodeIndex;

use crate::env::Environments;
use crate::graph::{Graph, Node};
use crate::hash::FastMap;
use crate::model::{Locator, line_column};
use crate::policy::{Date, Policy, Severity};
use crate::rules::{End, Finding, Suppression, SuppressionKind};

/// The report of one run.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Schema version of the JSON report.
    pub version: u32,
    /// The findings, most severe first.
    pub findings: Vec<ReportFinding>,
    /// Counts.
    pub summary: Summary,
    /// The policy files the run read, after the built-in policy (which is always
    /// read): empty when it used the built-in one alone.
    pub policy_files: Vec<String>,
    /// Terraform source files the findings point into, for snippets (not in JSON).
    #[serde(skip)]
    pub files: Vec<ReportFile>,
    /// Stacks of an audit that could not be analysed, with why (in JSON as
    /// `stacks[].error`; SARIF notifications).
    #[serde(skip)]
    pub errors: Vec<(String, String)>,
    /// Entries of the `--baseline` file that match no finding any more.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub baseline_stale: Vec<crate::baseline::Entry>,
}

/// A source file a finding points into.
#[derive(Debug)]
pub struct ReportFile {
    /// Its path.
    pub path: String,
    /// Its text.
    pub text: String,
}

/// A labelled byte range in a [`ReportFile`].
#[derive(Debug, Clone)]
pub struct ReportLabel {
    /// Index in [`Report::files`].
    pub file: usize,
    /// Byte offset.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
    /// What is there.
    pub text: String,
}

/// Counts for the report.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Resources in all inputs.
    pub resources: usize,
    /// Findings that are not suppressed.
    pub findings: usize,
    /// Findings accepted by an exception.
    pub suppressed: usize,
    /// Unsuppressed findings per severity (critical, high, medium, low, info).
    pub by_severity: SeverityCounts,
}

impl ReportEnd {
    /// Its address, else its endpoint.
    pub fn name(&self) -> &str {
        self.address.as_deref().or(self.endpoint.as_deref()).unwrap_or("?")
    }
}

impl ReportFinding {
    /// What creates the link: `aws_security_group_rule.x (cidr_blocks)`.
    pub fn via_text(&self) -> String {
        match &self.via.attribute {
            Some(a) => format!("{} ({a})", self.via.address),
            None => self.via.address.clone(),
        }
    }
}

impl Summary {
    /// The counts of `findings`, among `resources` resources.
    pub fn of(findings: &[ReportFinding], resources: usize) -> Summary {
        let mut by_severity = SeverityCounts::default();
        for f in findings.iter().filter(|f| f.suppressed.is_none()) {
            match f.severity {
                Severity::Critical => by_severity.critical += 1,
                Severity::High => by_severity.high += 1,
                Severity::Medium => by_severity.medium += 1,
                Severity::Low => by_severity.low += 1,
                Severity::Info => by_severity.info += 1,
            }
        }
        let suppressed = findings.iter().filter(|f| f.suppressed.is_some()).count();
        Summary { resources, findings: findings.len() - suppressed, suppressed, by_severity }
    }
}

/// Counts per severity.
#[derive(Debug, Default, Serialize)]
pub struct SeverityCounts {
    /// Critical.
    pub critical: usize,
    /// High.
    pub high: usize,
    /// Medium.
    pub medium: usize,
    /// Low.
    pub low: usize,
    /// Info.
    pub info: usize,
}

/// One finding, every name resolved.
#[derive(Debug, Clone, Serialize)]
pub struct ReportFinding {
    /// Rule code.
    pub rule: &'static str,
    /// Rule name.
    pub name: &'static str,
    /// Severity.
    pub severity: Severity,
    /// `prod-to-nonprod` or `nonprod-to-prod`.
    pub direction: crate::rules::Direction,
    /// The side that opens the connection.
    pub from: ReportEnd,
    /// The other side.
    pub to: ReportEnd,
    /// What creates the link.
    pub via: ReportVia,
    /// Protocol, for traffic.
    pub protocol: Option<String>,
    /// Ports, for traffic (`5432`, `8000-8080`, `all`).
    pub ports: Option<String>,
    /// `added` (this plan creates or changes it), `existing` or
    /// `pending-removal`.
    pub status: crate::rules::Status,
    /// The message.
    pub message: String,
    /// Where in the input the resource that creates the link is.
    pub location: Option<Location>,
    /// Stable across runs and unrelated changes.
    pub fingerprint: String,
    /// Set when an exception accepts the finding.
    pub suppressed: Option<ReportSuppression>,
    /// Notes (an exception that expired).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Source ranges of the rule and the two ends, for snippets (not in JSON).
    #[serde(skip)]
    pub labels: Vec<ReportLabel>,
}

/// The tier of a finding's end, as reports name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndTier {
    /// Production.
    Production,
    /// Staging, test, development and the like.
    NonProduction,
    /// Platform and hub networks.
    Shared,
    /// Not known.
    Unknown,
    /// The internet (a public range).
    Internet,
    /// Evidence for more than one environment, none declared.
    Ambiguous,
}

impl EndTier {
    /// The name reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            EndTier::Production => "production",
            EndTier::NonProduction => "non-production",
            EndTier::Shared => "shared",
            EndTier::Unknown => "unknown",
            EndTier::Internet => "internet",
            EndTier::Ambiguous => "ambiguous",
        }
    }
}

impl From<crate::policy::Tier> for EndTier {
    fn from(tier: crate::policy::Tier) -> EndTier {
        use crate::policy::Tier;
        match tier {
            Tier::Production => EndTier::Production,
            Tier::NonProduction => EndTier::NonProduction,
            Tier::Shared => EndTier::Shared,
            Tier::Unknown => EndTier::Unknown,
        }
    }
}

impl std::fmt::Display for EndTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One end of a finding.
#[derive(Debug, Clone, Serialize)]
pub struct ReportEnd {
    /// Resource address, when the end is a resource.
    pub address: Option<String>,
    /// The endpoint (a range, an id, a stack), when it is not a resource.
    pub endpoint: Option<String>,
    /// The resource that holds a range endpoint and places it: the network it is
    /// inside, or the resource that owns the address (`aws_eip.nat`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// The input the holder comes from, when several inputs are analysed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_stack: Option<String>,
    /// The input it comes from, when several inputs are analysed.
    pub stack: Option<String>,
    /// Environment name.
    pub environment: Option<String>,
    /// Tier.
    pub tier: EndTier,
    /// Why it is in that environment, strongest first.
    pub evidence: Vec<String>,
    /// The workloads it protects, when it is a security group or NSG.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub protects: Vec<String>,
}

/// What creates the link.
#[derive(Debug, Clone, Serialize)]
pub struct ReportVia {
    /// The resource.
    pub address: String,
    /// The input (stack) it comes from, when several inputs are analysed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    /// The attribute.
    pub attribute: Option<String>,
}

/// A place in an input file.
#[derive(Debug, Clone, Serialize)]
pub struct Location {
    /// The input file, as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// 1-based last line, when the location is a range in Terraform source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<usize>,
    /// 1-based column just past the range's end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<usize>,
}

/// Why a finding is suppressed.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSuppression {
    /// `exception` (policy) or `inline` (source comment).
    pub kind: SuppressionKind,
    /// The exception's name.
    pub name: String,
    /// Its reason.
    pub reason: String,
}

impl Serialize for Severity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What `check` was asked to keep.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    /// Only links this plan adds.
    pub only_changes: bool,
}

/// Builds the report.
pub fn report(
    graph: &Graph<'_, '_>,
    envs: &Environments<'_>,
    policy: &Policy,
    locator: &dyn Locator,
    findings: Vec<Finding>,
    filter: Filter,
    today: Date,
) -> Report {
    // Ends name their stack when there are several inputs, and always in an audit.
    let several = graph.model.inputs.len() > 1 || graph.model.inputs.iter().any(|i| i.name.is_some());
    let stacks = Stacks { several, keys: stack_keys(&graph.model.inputs) };
    let findings: Vec<Finding> =
        findings.into_iter().filter(|f| !filter.only_changes || f.status == crate::rules::Status::Added).collect();
    let locations = locate_all(graph, locator, &findings);
    let workloads = Workloads::default();
    let mut files = Files::default();
    let mut out: Vec<ReportFinding> = findings
        .into_iter()
        .map(|mut f| {
            apply_exceptions(graph, policy, &mut f, today);
            apply_inline(graph, &mut f);
            let labels = source_labels(graph, envs, locator, &f, &mut files);
            let mut r = resolve(graph, envs, locator, &locations, &workloads, &stacks, f);
            r.labels = labels;
            r
        })
        .collect();
    out.sort_by(|a, b| {
        (
            b.severity,
            a.rule,
            &a.via.address,
            &a.via.attribute,
            &a.from.address,
            &a.from.endpoint,
            &a.to.address,
            &a.to.endpoint,
        )
            .cmp(&(
                a.severity,
                b.rule,
                &b.via.address,
                &b.via.attribute,
                &b.from.address,
                &b.from.endpoint,
                &b.to.address,
                &b.to.endpoint,
            ))
    });
    let resources = graph.model.resources.iter().filter(|r| !r.is_unread_module()).count();
    let summary = Summary::of(&out, resources);
    let files = files
        .order
        .into_iter()
        .map(|i| {
            let f = &graph.model.files[i];
            // Snippets quote the source: its values masked, every offset kept.
            ReportFile { path: f.path.display().to_string(), text: crate::vocab::mask::mask_source(&f.text) }
        })
        .collect();
    let policy_files = policy.files.iter().map(|p| p.display().to_string()).collect();
    Report { version: 1, findings: out, summary, policy_files, files, errors: Vec::new(), baseline_stale: Vec::new() }
}

/// Model file index → report file index, in first-use order.
#[derive(Default)]
struct Files {
    order: Vec<usize>,
    index: FastMap<usize, usize>,
}

impl Files {
    fn get(&mut self, model_file: usize) -> usize {
        *self.index.entry(model_file).or_insert_with(|| {
            self.order.push(model_file);
            self.order.len() - 1
        })
    }
}

/// `# envwall:ignore` comments: on the resource that creates the link (its block,
/// or the attribute the link is made by), or on the block of either end.
fn apply_inline(graph: &Graph<'_, '_>, f: &mut Finding) {
    if f.suppressed.is_some() {
        return;
    }
    let via_attribute = f.via.attribute.clone();
    let candidates = [(Some(f.via.node), true), (f.from.node, false), (f.to.node, false)];
    for (node, is_via) in candidates {
        let Some(r) = node.and_then(|n| graph.resource(n)) else { continue };
        let Some(location) = &r.location else { continue };
        for s in location.suppressions.iter() {
            let rule_matches = s.rules.is_empty() || s.rules.iter().any(|c| c == f.rule);
            let place_matches = match &s.attribute {
                None => true,
                Some(a) => {
                    is_via
                        && via_attribute.as_deref().is_some_and(|v| {
                            v == a || v.strip_prefix(a.as_str()).is_some_and(|r| r.starts_with(['.', '[']))
                        })
                }
            };
            if rule_matches && place_matches {
                let file = &graph.model.files[location.file];
                let reason = if s.reason.is_empty() { "no reason given".to_owned() } else { s.reason.clone() };
                f.suppressed = Some(Suppression {
                    kind: SuppressionKind::Inline,
                    name: format!("{}:{}", file.path.display(), s.line),
                    reason,
                });
                return;
            }
        }
    }
}

/// Labels on the rule's attribute and on both ends, where they come from source.
fn source_labels(
    graph: &Graph<'_, '_>,
    envs: &Environments<'_>,
    locator: &dyn Locator,
    f: &Finding,
    files: &mut Files,
) -> Vec<ReportLabel> {
    let mut out = Vec::new();
    let mut label = |node: Option<NodeIndex>, attribute: Option<&str>, text: String| {
        let Some(r) = node.and_then(|n| graph.resource(n)) else { return };
        let Some(location) = &r.location else { return };
        let (file, span) = locator.attribute_span(&graph.model.files, location, attribute);
        // A block label covers only its first line; an attribute all of itself.
        let text_of = &graph.model.files[file].text;
        let end = if attribute.is_none() {
            text_of[span.start..span.end.min(text_of.len())].find('\n').map_or(span.end, |n| span.start + n)
        } else {
            span.end
        };
        out.push(ReportLabel { file: files.get(file), offset: span.start, len: end - span.start, text });
    };
    label(Some(f.via.node), f.via.attribute.as_deref(), "this creates the link".to_owned());
    for (end, side) in [(&f.from, "from"), (&f.to, "to")] {
        if end.node != Some(f.via.node) {
            let env = end.environment.map_or_else(|| end.tier.as_str().to_owned(), |e| envs.name(e).to_owned());
            label(end.node, None, format!("{side}: {env}"));
        }
    }
    out
}

fn apply_exceptions(graph: &Graph<'_, '_>, policy: &Policy, f: &mut Finding, today: Date) {
    let names: Vec<String> = [Some(f.via.node), f.from.node, f.to.node]
        .into_iter()
        .flatten()
        .filter_map(|n| graph.resource(n).map(|r| r.address.to_string()))
        .collect();
    for e in &policy.exceptions {
        if !(e.rules.is_empty() || e.rules.iter().any(|r| r == f.rule)) || !names.iter().any(|n| e.address.matches(n)) {
            continue;
        }
        match e.expires {
            Some(until) if until < today => {
                f.notes
                    .push(format!("exception `{}` expired on {until} and no longer suppresses this finding", e.name));
            }
            _ => {
                f.suppressed = Some(Suppression {
                    kind: SuppressionKind::Exception,
                    name: e.name.clone(),
                    reason: e.reason.clone(),
                });
                return;
            }
        }
    }
}

fn resolve(
    graph: &Graph<'_, '_>,
    envs: &Environments<'_>,
    locator: &dyn Locator,
    locations: &Locations,
    workloads: &Workloads,
    stacks: &Stacks,
    f: Finding,
) -> ReportFinding {
    let several = stacks.several;
    let rule = crate::rules::rule(f.rule);
    let protects = |n: NodeIndex| -> Vec<String> {
        workloads
            .borrow_mut()
            .entry(n)
            .or_insert_with(|| graph.protected_by(n).into_iter().map(|w| graph.short_name(w)).collect())
            .clone()
    };
    let end = |e: &End| -> ReportEnd {
        let (address, endpoint, stack) = match e.node.map(|n| &graph.inner[n]) {
            Some(Node::Resource(i)) => {
                let r = &graph.model.resources[*i];
                let stack = several.then(|| graph.model.inputs[r.input].label());
                (Some(r.address.to_string()), e.label.clone(), stack)
            }
            Some(Node::Endpoint(x)) => (None, Some(e.label.clone().unwrap_or_else(|| x.value.clone())), None),
            None => (None, e.label.clone(), None),
        };
        let class = e.node.map(|n| envs.of(n));
        // What placed a range: the container of the evidence that decided it.
        let held_by = match (e.node.map(|n| &graph.inner[n]), class) {
            (Some(Node::Endpoint(_)), Some(c)) => c
                .evidence
                .iter()
                .find(|ev| Some(ev.environment) == c.environment)
                .and_then(|ev| ev.container)
                .and_then(|h| graph.resource(h)),
            _ => None,
        };
        let holder = held_by.map(|r| r.address.to_string());
        let holder_stack = held_by.filter(|_| several).map(|r| graph.model.inputs[r.input].label());
        let tier = match class {
            Some(c) if c.internet => EndTier::Internet,
            Some(c) if c.ambiguous && e.environment.is_none() => EndTier::Ambiguous,
            _ => e.tier.into(),
        };
        ReportEnd {
            address,
            endpoint,
            holder,
            holder_stack,
            stack,
            environment: e.environment.map(|x| envs.name(x).to_owned()),
            tier,
            evidence: e.evidence.clone(),
            protects: e.node.map(protects).unwrap_or_default(),
        }
    };
    let via = graph.resource(f.via.node);
    let location = via.and_then(|r| {
        if let Some(at) = &r.location {
            let (file, span) = locator.attribute_span(&graph.model.files, at, f.via.attribute.as_deref());
            let file = &graph.model.files[file];
            let (line, column) = line_column(&file.text, span.start);
            let (end_line, end_column) = line_column(&file.text, span.end);
            return Some(Location {
                file: file.path.display().to_string(),
                line,
                column,
                end_line: Some(end_line),
                end_column: Some(end_column),
            });
        }
        let file = locator.input_path(r.input)?;
        let (line, column) = locations.get(&(r.input, r.address.to_string())).copied().unwrap_or((1, 1));
        Some(Location { file, line, column, end_line: None, end_column: None })
    });
    let via_address = via.map_or_else(|| graph.node_name(f.via.node), |r| r.address.to_string());
    let via_stack = via.filter(|_| several).map(|r| graph.model.inputs[r.input].label());
    let (from, to) = (end(&f.from), end(&f.to));
    // The stack of each end, by a key that does not move with the inputs' paths.
    let key = |e: &End| match e.node.map(|n| &graph.inner[n]) {
        Some(Node::Resource(i)) => stacks.keys[graph.model.resources[*i].input].as_str(),
        _ => "",
    };
    let fingerprint = fingerprint(&[
        f.rule,
        from.address.as_deref().or(from.endpoint.as_deref()).unwrap_or(""),
        to.address.as_deref().or(to.endpoint.as_deref()).unwrap_or(""),
        &via_address,
        f.via.attribute.as_deref().unwrap_or(""),
        key(&f.from),
        key(&f.to),
    ]);
    let (protocol, ports) = f.traffic.map_or((None, None), |(p, q)| (Some(p), Some(q)));
    ReportFinding {
        rule: f.rule,
        name: rule.map_or("", |r| r.name),
        severity: f.severity,
        direction: f.direction,
        from,
        to,
        via: ReportVia { address: via_address, stack: via_stack, attribute: f.via.attribute },
        protocol,
        ports,
        status: f.status,
        message: f.message,
        location,
        fingerprint,
        suppressed: f.suppressed.map(|s| ReportSuppression { kind: s.kind, name: s.name, reason: s.reason }),
        notes: f.notes,
        labels: Vec::new(),
    }
}

/// The workloads each security group protects, worked out once per group.
type Workloads = std::cell::RefCell<FastMap<NodeIndex, Vec<String>>>;

/// (input, address) → (line, column).
type Locations = FastMap<(usize, String), (usize, usize)>;

/// Where the resources that create the findings are written in their input files:
/// their `"address"` (plan, `show -json`), else their `"name"` after their
/// `"type"` (raw state). One pass over each input that has findings, however many
/// findings there are.
fn locate_all(graph: &Graph<'_, '_>, locator: &dyn Locator, findings: &[Finding]) -> Locations {
    let mut wanted: FastMap<usize, Vec<&crate::model::address::Address>> = FastMap::default();
    for f in findings {
        if let Some(r) = graph.resource(f.via.node) {
            wanted.entry(r.input).or_default().push(&r.address);
        }
    }
    let mut out = Locations::default();
    for (input, addresses) in wanted {
        for (address, place) in locator.positions(input, &addresses) {
            out.insert((input, address), place);
        }
    }
    out
}

/// Whether ends name their stacks, and each input's key in fingerprints.
struct Stacks {
    several: bool,
    keys: Vec<String>,
}

/// Each input's key in fingerprints, the same wherever the inputs are: an audited
/// stack's name (relative to the audited directory); else, with several inputs,
/// the input's directory relative to the directory all of them are in (a plan and
/// the state it becomes have the same key), or its path relative to it when two
/// inputs share a directory; nothing for a single input.
fn stack_keys(inputs: &[crate::model::Input<'_>]) -> Vec<String> {
    use std::path::{Component, Path};
    if inputs.len() < 2 && inputs.iter().all(|i| i.name.is_none()) {
        return vec![String::new(); inputs.len()];
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let parts = |p: &Path| -> Vec<String> {
        crate::vocab::paths::normalize(&cwd.join(p))
            .components()
            .filter_map(|c| match c {
                Component::Normal(x) => Some(x.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect()
    };
    let relative = |paths: &[Vec<String>]| -> Vec<String> {
        let common = paths.first().map_or(0, |first| {
            (0..first.len()).take_while(|&k| paths.iter().all(|p| p.get(k) == first.get(k))).count()
        });
        paths.iter().map(|p| p[common.min(p.len())..].join("/")).collect()
    };
    let files: Vec<Vec<String>> = inputs.iter().map(|i| parts(&i.path)).collect();
    let dirs: Vec<Vec<String>> = inputs
        .iter()
        .zip(&files)
        .map(|(i, f)| if i.path.is_dir() { f.clone() } else { f[..f.len().saturating_sub(1)].to_vec() })
        .collect();
    let by_dir = relative(&dirs);
    let unique = by_dir.iter().collect::<std::collections::BTreeSet<_>>().len() == by_dir.len();
    let by_path = if unique { by_dir } else { relative(&files) };
    inputs.iter().zip(by_path).map(|(i, key)| i.name.clone().unwrap_or(key)).collect()
}

/// FNV-1a over the parts, as 16 hex digits.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Everything after loading, as `envwall check` runs it with the built-in defaults
/// (no `--env`, no workspace, every finding kept): graph, environments, rules and
/// the report. For benchmarks and embedders; the command line runs the stages one by
/// one to time them.
pub fn check(model: &crate::model::Model<'_>, policy: &Policy, locator: &dyn Locator) -> Report {
    let (graph, evidence) = crate::env::build_graph(model, policy);
    let envs = crate::env::classify_with(&graph, policy, &crate::env::StackOptions::default(), evidence);
    let found = crate::rules::run(&crate::rules::Context { graph: &graph, envs: &envs, policy });
    report(&graph, &envs, policy, locator, found, Filter::default(), Date::today().unwrap_or_else(|_| Date::now()))
}

/// Whether a run fails: an unsuppressed finding at or above `threshold`.
pub fn fails(report: &Report, threshold: Severity) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.suppressed.is_none() && f.status != crate::rules::Status::PendingRemoval && f.severity >= threshold)
}
