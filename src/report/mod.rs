//! Reporters: turning results into text for people and machines. They see what
//! they render and nothing else; output is deterministic.

pub mod explain;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod pretty;
pub mod sarif;
pub mod terminal;
pub mod warnings;

use crate::findings::{ReportEnd, ReportFinding, Summary};

/// `3 findings (1 critical, 2 high), 1 suppressed in 40 resources`.
pub(crate) fn headline(s: &Summary) -> String {
    let counts: Vec<String> = [
        (s.by_severity.critical, "critical"),
        (s.by_severity.high, "high"),
        (s.by_severity.medium, "medium"),
        (s.by_severity.low, "low"),
        (s.by_severity.info, "info"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, l)| format!("{n} {l}"))
    .collect();
    let findings = match s.findings {
        0 => "no cross-environment findings".to_owned(),
        1 => format!("1 finding ({})", counts.join(", ")),
        n => format!("{n} findings ({})", counts.join(", ")),
    };
    let suppressed = if s.suppressed > 0 { format!(", {} suppressed", s.suppressed) } else { String::new() };
    let resources = if s.resources == 1 { "1 resource".to_owned() } else { format!("{} resources", s.resources) };
    format!("{findings}{suppressed} in {resources}")
}

/// An end as one line: `aws_sqs_queue.jobs (staging)`, with its stack when there
/// are several.
pub(crate) fn end_text(e: &ReportEnd) -> String {
    let name = e.name();
    let env = e.environment.clone().unwrap_or_else(|| e.tier.as_str().to_owned());
    match &e.stack {
        Some(stack) => format!("{name} in {stack} ({env})"),
        None => format!("{name} ({env})"),
    }
}

/// The findings a CI gate shows: those no exception, comment or baseline accepts.
pub(crate) fn open_findings(findings: &[ReportFinding]) -> impl Iterator<Item = &ReportFinding> {
    findings.iter().filter(|f| f.suppressed.is_none())
}
