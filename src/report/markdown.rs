//! Markdown (`--format markdown`), for `$GITHUB_STEP_SUMMARY` and pull-request
//! comments: a headline with the counts, a table of the open findings (severity,
//! rule, both ends with their environments, what links them, where), then each
//! finding's message and evidence folded in `<details>`. The output is stable and
//! kept under GitHub's 65,536-character limit for a comment: past it, the rest is
//! left out with a note that says how many and where to find them.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::sarif::Root;
use super::{end_text, headline, open_findings};
use crate::findings::{Report, ReportEnd, ReportFinding};

/// GitHub's limit on a comment's body, in characters.
pub const LIMIT: usize = 65_536;

/// Room kept for the truncation note and the report's last lines.
const RESERVE: usize = 1_024;

/// Text inside a table cell or a line: `|` would end the cell, `<` and `>` open
/// HTML, and Markdown's emphasis and link characters are taken literally.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Where a finding's link is written, as a link when `link_base` is given.
fn location(f: &ReportFinding, root: &Root, link_base: Option<&str>) -> String {
    let Some(loc) = &f.location else { return String::new() };
    let path = root.relative(&loc.file);
    let text = code(&format!("{path}:{}", loc.line));
    match link_base {
        Some(base) if !path.starts_with('/') => {
            let url = format!(
                "{}/{}#L{}",
                base.trim_end_matches('/'),
                super::sarif::uri_path(std::path::Path::new(&path)),
                loc.line
            );
            format!("[{text}]({url})")
        }
        _ => text,
    }
}

/// Code: an address, a path. Backticks cannot be escaped in a code span and become
/// quotes; `|` is escaped for tables (GitHub reads `\|` in a code span in a cell).
fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'").replace('|', "\\|").replace(['\n', '\r'], " "))
}

/// An end: `` `aws_sqs_queue.jobs` in `staging.json` (staging) ``.
fn end_cell(e: &ReportEnd) -> String {
    let env = e.environment.clone().unwrap_or_else(|| e.tier.as_str().to_owned());
    match &e.stack {
        Some(stack) => format!("{} in {} ({})", code(e.name()), code(stack), escape(&env)),
        None => format!("{} ({})", code(e.name()), escape(&env)),
    }
}

/// What creates the link: `` `aws_security_group_rule.x` `cidr_blocks` ``.
fn via_cell(f: &ReportFinding) -> String {
    match &f.via.attribute {
        Some(a) => format!("{} {}", code(&f.via.address), code(a)),
        None => code(&f.via.address),
    }
}

fn details(f: &ReportFinding) -> String {
    let mut out = String::new();
    let summary = format!("{} {}: {} → {}", f.rule, f.name, end_text(&f.from), end_text(&f.to));
    // A summary is HTML: only `&`, `<` and `>` need escaping there.
    let summary = summary.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let _ = writeln!(out, "<details><summary>{summary}</summary>\n");
    let _ = writeln!(out, "{}\n", escape(&f.message));
    for (label, end) in [("from", &f.from), ("to", &f.to)] {
        let _ = writeln!(out, "- **{label}** {}", end_cell(end));
        for e in &end.evidence {
            let _ = writeln!(out, "  - {}", escape(e));
        }
    }
    let _ = writeln!(out, "- **via** {}", via_cell(f));
    let _ = writeln!(out, "- **fingerprint** `{}`\n\n</details>\n", f.fingerprint);
    out
}

/// Writes the report as Markdown, at most [`LIMIT`] characters.
pub fn write(w: &mut dyn Write, report: &Report, root: &Root, link_base: Option<&str>) -> io::Result<()> {
    let open: Vec<&ReportFinding> = open_findings(&report.findings).collect();
    let mut out = format!("## envwall: {}\n\n", escape(&headline(&report.summary)));
    if open.is_empty() {
        out.push_str("No production and non-production link found.\n");
        return w.write_all(out.as_bytes());
    }
    let budget = LIMIT - RESERVE;
    let mut length = out.chars().count();
    let mut push = |out: &mut String, text: &str| -> bool {
        let n = text.chars().count();
        if length + n > budget {
            return false;
        }
        length += n;
        out.push_str(text);
        true
    };
    let header = "| Severity | Rule | From | To | Via | Location |\n|---|---|---|---|---|---|\n";
    push(&mut out, header);
    let mut rows = 0;
    for f in &open {
        let row = format!(
            "| {} | {} {} | {} | {} | {} | {} |\n",
            f.severity.as_str(),
            f.rule,
            escape(f.name),
            end_cell(&f.from),
            end_cell(&f.to),
            via_cell(f),
            location(f, root, link_base)
        );
        if !push(&mut out, &row) {
            break;
        }
        rows += 1;
    }
    let mut detailed = 0;
    if rows == open.len() && push(&mut out, "\n") {
        for f in &open {
            if !push(&mut out, &details(f)) {
                break;
            }
            detailed += 1;
        }
    }
    if rows < open.len() || detailed < open.len() {
        let _ = write!(
            out,
            "\n> **Truncated** to fit GitHub's {LIMIT}-character limit: {} of {} findings in the table, {} with their evidence. `--format json` or `--format sarif` has them all.\n",
            rows,
            open.len(),
            detailed
        );
    }
    w.write_all(out.as_bytes())
}
