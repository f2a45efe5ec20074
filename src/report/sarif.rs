//! SARIF 2.1.0 (`check --format sarif`), as GitHub code scanning reads it: every
//! rule with its full documentation, every finding located in its input file with
//! a stable partial fingerprint, suppressed findings carried as suppressions.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::findings::{Report, ReportFinding};
use crate::policy::Severity;
use crate::rules::RULES;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` scale (0.0–10.0).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// The first paragraph under `## What it does`.
pub(crate) fn section<'d>(docs: &'d str, heading: &str) -> &'d str {
    let Some(start) = docs.find(heading) else { return "" };
    let rest = docs[start + heading.len()..].trim_start();
    let end = rest.find("\n\n").unwrap_or(rest.len());
    rest[..end].trim()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn result(f: &ReportFinding, rule_index: usize) -> Value {
    let mut r = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "partialFingerprints": { "envwall/v1": f.fingerprint },
        "properties": {
            "direction": f.direction,
            "status": f.status,
            "from": f.from.address.clone().or_else(|| f.from.endpoint.clone()),
            "fromEnvironment": f.from.environment,
            "to": f.to.address.clone().or_else(|| f.to.endpoint.clone()),
            "toEnvironment": f.to.environment,
            "via": f.via.address,
            "attribute": f.via.attribute,
        },
    });
    if let Some(loc) = &f.location {
        let mut region = json!({ "startLine": loc.line, "startColumn": loc.column });
        if let (Some(end_line), Some(end_column)) = (loc.end_line, loc.end_column) {
            region["endLine"] = json!(end_line);
            region["endColumn"] = json!(end_column);
        }
        r["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": loc.file.replace('\\', "/") },
                "region": region,
            },
            "logicalLocations": [{ "fullyQualifiedName": f.via.address, "kind": "resource" }],
        }]);
    }
    if let Some(s) = &f.suppressed {
        // SARIF's `inSource` is a comment in the analysed source; `external` is
        // anything else (a policy exception).
        let kind = if s.kind == "inline" { "inSource" } else { "external" };
        r["suppressions"] =
            json!([{ "kind": kind, "justification": format!("{} `{}`: {}", s.kind, s.name, s.reason) }]);
    }
    r
}

/// Writes the SARIF log.
pub fn write(w: &mut dyn Write, report: &Report) -> io::Result<()> {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": one_line(section(r.docs, "## What it does")) },
                "help": { "text": r.docs, "markdown": r.docs },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": {
                    "tags": ["security", "network", "environment-isolation"],
                    "precision": "high",
                    "security-severity": security_severity(r.severity),
                },
            })
        })
        .collect();
    let results: Vec<Value> =
        report.findings.iter().map(|f| result(f, RULES.iter().position(|r| r.code == f.rule).unwrap_or(0))).collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "envwall",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/envwall/envwall",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut log = log;
    if !report.errors.is_empty() {
        // Stacks an audit could not analyse: the run is incomplete, and says where.
        let notifications: Vec<Value> = report
            .errors
            .iter()
            .map(|(stack, message)| {
                json!({
                    "level": "error",
                    "message": { "text": format!("stack {stack} was not analysed: {message}") },
                    "descriptor": { "id": "stack-not-analysed" },
                })
            })
            .collect();
        log["runs"][0]["invocations"] = json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": notifications,
        }]);
    }
    serde_json::to_writer_pretty(&mut *w, &log)?;
    writeln!(w)
}
