//! Baselines: the findings a team has accepted, so that CI fails only on new ones.
//!
//! `--write-baseline FILE` writes a run's open findings, each with its fingerprint,
//! rule, both ends and the resource that links them, and a `reason` left for
//! people to fill in. `--baseline FILE` accepts the findings whose fingerprint is
//! in the file: they stay in every report, suppressed with kind `baseline`, and
//! never fail the run. Entries that match no finding any more are stale, reported
//! (`baseline_stale` in JSON, a note on standard error), and fail the run with
//! `--fail-on-stale`. A fingerprint stays the same when unrelated resources come
//! and go, when a plan becomes state, when lines move and when the inputs move
//! (see `findings::stack_keys`); it changes when either end or the link does.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::findings::{Report, ReportEnd, ReportFinding, ReportSuppression, Summary};
use crate::rules::SuppressionKind;

/// The version of the file's format, in its `envwall_baseline` field.
pub const VERSION: u32 = 1;

/// A baseline file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The format's version.
    pub envwall_baseline: u32,
    /// The accepted findings.
    pub findings: Vec<Entry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The finding's fingerprint: what matches.
    pub fingerprint: String,
    /// Its rule, for people.
    pub rule: String,
    /// Its `from` end, for people.
    pub from: String,
    /// Its `to` end, for people.
    pub to: String,
    /// The resource that makes the link, for people.
    pub via: String,
    /// Why it is accepted: empty until someone says.
    #[serde(default)]
    pub reason: String,
}

/// An end as a baseline names it: `STACK:ADDRESS`, or the address or endpoint.
fn end_name(e: &ReportEnd) -> String {
    match &e.stack {
        Some(stack) => format!("{stack}:{}", e.name()),
        None => e.name().to_owned(),
    }
}

impl Entry {
    fn of(f: &ReportFinding) -> Entry {
        Entry {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.to_owned(),
            from: end_name(&f.from),
            to: end_name(&f.to),
            via: f.via_text(),
            reason: String::new(),
        }
    }
}

/// Reads a baseline file; the error says what is wrong and where.
pub fn read(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let baseline: Baseline = serde_json::from_str(&text)
        .map_err(|e| format!("{}:{}:{}: not an envwall baseline: {e}", path.display(), e.line(), e.column()))?;
    if baseline.envwall_baseline != VERSION {
        return Err(format!(
            "{}: baseline format {} is not one this envwall reads (it reads {VERSION})",
            path.display(),
            baseline.envwall_baseline
        ));
    }
    Ok(baseline)
}

/// The baseline of a report's open findings, keeping the reasons `previous` gave
/// those it already accepted.
pub fn of(report: &Report, previous: Option<&Baseline>) -> Baseline {
    let mut findings: Vec<Entry> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.as_ref().is_none_or(|s| s.kind == SuppressionKind::Baseline))
        .map(|f| {
            let mut e = Entry::of(f);
            if let Some(old) = previous.and_then(|b| b.findings.iter().find(|o| o.fingerprint == e.fingerprint)) {
                e.reason.clone_from(&old.reason);
            }
            e
        })
        .collect();
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    Baseline { envwall_baseline: VERSION, findings }
}

/// Writes a baseline file (pretty JSON, one entry per finding, in report order).
pub fn write(path: &Path, baseline: &Baseline) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(baseline).map_err(|e| e.to_string())?;
    text.push('\n');
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Accepts the report's findings that the baseline lists, and records its stale
/// entries; the summary is counted again.
pub fn apply(report: &mut Report, baseline: &Baseline) {
    for f in report.findings.iter_mut().filter(|f| f.suppressed.is_none()) {
        if let Some(e) = baseline.findings.iter().find(|e| e.fingerprint == f.fingerprint) {
            let reason = if e.reason.is_empty() { "accepted in the baseline".to_owned() } else { e.reason.clone() };
            f.suppressed =
                Some(ReportSuppression { kind: SuppressionKind::Baseline, name: e.fingerprint.clone(), reason });
        }
    }
    report.baseline_stale = baseline
        .findings
        .iter()
        .filter(|e| !report.findings.iter().any(|f| f.fingerprint == e.fingerprint))
        .cloned()
        .collect();
    report.summary = Summary::of(&report.findings, report.summary.resources);
}
