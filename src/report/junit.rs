//! JUnit XML (`--format junit`), as GitLab, Jenkins and Azure DevOps read test
//! reports: one `testsuite` per rule, one `testcase` per finding, a `failure` with
//! the message, both ends and where the link is written. A finding an exception, a
//! comment or the baseline accepts is a `skipped` test case; a rule with no
//! finding is one passing test case, so a clean run shows green tests, not none.
//! The shape is the JUnit 4 schema Jenkins publishes (no attributes it does not
//! declare); `tests/ci_formats.rs` validates it with `xmllint --schema`.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::end_text;
use super::sarif::Root;
use crate::findings::{Report, ReportFinding};
use crate::rules::RULES;

/// Text for XML content and attribute values: the five special characters
/// escaped, and characters XML 1.0 cannot carry at all dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// The body of a finding's `failure`: the message, both ends, the rule's resource
/// and where it is written.
fn details(f: &ReportFinding, root: &Root) -> String {
    let mut out =
        format!("{}\nfrom: {}\nto:   {}\nvia:  {}", f.message, end_text(&f.from), end_text(&f.to), f.via_text());
    if let Some(loc) = &f.location {
        let _ = write!(out, "\nat:   {}:{}:{}", root.relative(&loc.file), loc.line, loc.column);
    }
    let _ = write!(out, "\nfingerprint: {}", f.fingerprint);
    out
}

/// Writes the report as JUnit XML.
pub fn write(w: &mut dyn Write, report: &Report, root: &Root) -> io::Result<()> {
    let mut suites = String::new();
    let (mut tests, mut failures) = (0usize, 0usize);
    for rule in RULES {
        let findings: Vec<&ReportFinding> = report.findings.iter().filter(|f| f.rule == rule.code).collect();
        let suite_skipped = findings.iter().filter(|f| f.suppressed.is_some()).count();
        let suite_failures = findings.len() - suite_skipped;
        let suite_tests = findings.len().max(1);
        let classname = escape(&format!("envwall.{}", rule.code));
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{suite_tests}\" failures=\"{suite_failures}\" errors=\"0\" skipped=\"{suite_skipped}\">",
            escape(&format!("{} {}", rule.code, rule.name))
        );
        if findings.is_empty() {
            let _ = writeln!(suites, "    <testcase name=\"no findings\" classname=\"{classname}\"/>");
        }
        for f in &findings {
            let name = format!("{} -> {}", end_text(&f.from), end_text(&f.to));
            let _ = writeln!(suites, "    <testcase name=\"{}\" classname=\"{classname}\">", escape(&name));
            match &f.suppressed {
                Some(s) => {
                    let why = format!("accepted by {} `{}`: {}", s.kind.as_str(), s.name, s.reason);
                    let _ = writeln!(suites, "      <skipped>{}</skipped>", escape(&why));
                }
                None => {
                    let _ = writeln!(
                        suites,
                        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                        escape(&f.message),
                        f.severity.as_str(),
                        escape(&details(f, root))
                    );
                }
            }
            let _ = writeln!(suites, "    </testcase>");
        }
        let _ = writeln!(suites, "  </testsuite>");
        tests += suite_tests;
        failures += suite_failures;
    }
    writeln!(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(w, "<testsuites name=\"envwall\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">")?;
    w.write_all(suites.as_bytes())?;
    writeln!(w, "</testsuites>")
}
