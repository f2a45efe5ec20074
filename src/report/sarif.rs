//! SARIF 2.1.0 (`check --format sarif`), as GitHub code scanning reads it: every
//! rule with its full documentation, every finding located in its input file with
//! a stable partial fingerprint, suppressed findings carried as suppressions.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::findings::{Report, ReportFinding};
use crate::policy::Severity;
use crate::rules::{RULES, SuppressionKind};

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

/// Where the files a log names are: `%SRCROOT%`, the repository root (or the
/// directory envwall ran in), so results carry paths relative to it as code
/// scanning expects; a file outside it gets an absolute `file://` URI.
#[derive(Debug, Clone)]
pub struct Root {
    /// The absolute directory `%SRCROOT%` stands for.
    pub dir: std::path::PathBuf,
    /// The directory relative paths in the report are relative to (where envwall ran).
    pub cwd: std::path::PathBuf,
}

impl Root {
    /// The artifact location of a file the report names, percent-encoded.
    fn location(&self, file: &str) -> Value {
        let path = std::path::Path::new(file);
        let absolute = crate::vocab::paths::normalize(&self.cwd.join(path));
        match absolute.strip_prefix(&self.dir) {
            Ok(rel) => json!({ "uri": uri_path(rel), "uriBaseId": "%SRCROOT%" }),
            Err(_) => json!({ "uri": format!("file://{}", uri_path(&absolute)) }),
        }
    }

    /// A file the report names, relative to the root with `/` between its parts
    /// (as CI annotations and code-quality reports name files), or absolute when
    /// it is outside the root.
    pub fn relative(&self, file: &str) -> String {
        let absolute = crate::vocab::paths::normalize(&self.cwd.join(file));
        let path = absolute.strip_prefix(&self.dir).unwrap_or(&absolute);
        let parts: Vec<String> = path
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let joined = parts.join("/");
        if path.is_absolute() { format!("/{joined}") } else { joined }
    }

    /// `file:///…/` for `originalUriBaseIds`.
    fn base_uri(&self) -> String {
        let mut uri = format!("file://{}", uri_path(&self.dir));
        if !uri.ends_with('/') {
            uri.push('/');
        }
        uri
    }
}

/// A path as the path of a URI: `/` between its parts, each percent-encoded
/// (spaces, non-ASCII characters, `%`, `#`, `?`, and the brackets and
/// parentheses that end a Markdown link).
pub(crate) fn uri_path(path: &std::path::Path) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'(')
        .add(b')')
        .add(b'[')
        .add(b']');
    let mut out = String::new();
    for c in path.components() {
        match c {
            std::path::Component::RootDir => out.push('/'),
            std::path::Component::Normal(part) => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.extend(utf8_percent_encode(&part.to_string_lossy(), SEGMENT));
            }
            _ => {}
        }
    }
    out
}

fn result(f: &ReportFinding, rule_index: usize, root: &Root) -> Value {
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
                "artifactLocation": root.location(&loc.file),
                "region": region,
            },
            "logicalLocations": [{ "fullyQualifiedName": f.via.address, "kind": "resource" }],
        }]);
    }
    if let Some(s) = &f.suppressed {
        // SARIF's `inSource` is a comment in the analysed source; `external` is
        // anything else (a policy exception, a baseline entry).
        let kind = match s.kind {
            SuppressionKind::Inline => "inSource",
            SuppressionKind::Exception | SuppressionKind::Baseline => "external",
        };
        r["suppressions"] =
            json!([{ "kind": kind, "justification": format!("{} `{}`: {}", s.kind, s.name, s.reason) }]);
    }
    r
}

/// Where a rule's documentation is on the web: its section of `docs/rules.md`.
pub fn help_uri(code: &str, name: &str) -> String {
    format!("https://github.com/envwall/envwall/blob/main/docs/rules.md#{}-{name}", code.to_ascii_lowercase())
}

/// Writes the SARIF log, naming files relative to `root`; `exit_code` is the
/// run's.
pub fn write(w: &mut dyn Write, report: &Report, root: &Root, exit_code: u8) -> io::Result<()> {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": one_line(section(r.docs, "## What it does")) },
                "help": { "text": r.docs, "markdown": r.docs },
                "helpUri": help_uri(r.code, r.name),
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": {
                    "tags": ["security", "network", "environment-isolation"],
                    "precision": "high",
                    "security-severity": security_severity(r.severity),
                },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, RULES.iter().position(|r| r.code == f.rule).unwrap_or(0), root))
        .collect();
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
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root.base_uri() } },
            "results": results,
        }],
    });
    let mut log = log;
    // The run itself: whether it analysed everything, and the policy it used.
    log["runs"][0]["invocations"] = json!([{
        "executionSuccessful": report.errors.is_empty(),
        "exitCode": exit_code,
        "properties": { "policyFiles": report.policy_files },
    }]);
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
        log["runs"][0]["invocations"][0]["toolExecutionNotifications"] = json!(notifications);
    }
    serde_json::to_writer_pretty(&mut *w, &log)?;
    writeln!(w)
}
