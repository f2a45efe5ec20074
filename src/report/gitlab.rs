//! The GitLab Code Quality report (`--format gitlab`): a JSON array of issues with
//! `description`, `check_name`, `fingerprint`, `severity` and `location` (`path`
//! relative to the repository, `lines.begin`), as GitLab shows them in merge
//! requests. Severities move up one step into GitLab's five (envwall's critical is
//! GitLab's blocker; info stays info). Accepted findings are left out.

use std::io::{self, Write};

use serde_json::json;

use super::sarif::Root;
use super::{end_text, open_findings};
use crate::findings::Report;
use crate::policy::Severity;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

/// Writes the report.
pub fn write(w: &mut dyn Write, report: &Report, root: &Root) -> io::Result<()> {
    let issues: Vec<serde_json::Value> = open_findings(&report.findings)
        .map(|f| {
            // Code Quality needs a place: the file the link is written in, else the
            // input that holds its resource.
            let (path, line) = match &f.location {
                Some(loc) => (root.relative(&loc.file), loc.line),
                None => (f.via.stack.as_deref().map(|s| root.relative(s)).unwrap_or_default(), 1),
            };
            json!({
                "type": "issue",
                "description": format!("{}: {} (from {}, to {}, via {})", f.rule, f.message, end_text(&f.from), end_text(&f.to), f.via_text()),
                "check_name": format!("{} {}", f.rule, f.name),
                "fingerprint": f.fingerprint,
                "severity": severity(f.severity),
                "categories": ["Security"],
                "location": { "path": path, "lines": { "begin": line } },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *w, &issues)?;
    writeln!(w)
}
