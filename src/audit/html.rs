//! The audit as one self-contained HTML page.
//!
//! In: the report, the stack summaries and the environment matrix. Out: a page
//! with no external resource (styles, the drawing and its few lines of script are
//! inline, so it opens offline and can be attached to a ticket): the environment
//! graph drawn as SVG — one column per environment, each finding's two ends in
//! their columns, the finding drawn between them and highlighted when it joins
//! production and non-production — then the findings, the matrix and the stacks.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::summary::{Matrix, StackSummary};
use crate::findings::EndTier;
use crate::findings::{Report, ReportEnd};
use crate::rules::Status;

const NODE_W: usize = 300;
const NODE_H: usize = 34;
const COL_GAP: usize = 120;
const ROW_GAP: usize = 14;
const TOP: usize = 64;

/// Writes the page.
pub fn write(
    w: &mut dyn Write,
    title: &str,
    report: &Report,
    stacks: &[StackSummary],
    matrix: &Matrix,
) -> io::Result<()> {
    let mut page = String::with_capacity(64 * 1024);
    let s = &report.summary;
    // Names the user chose (a directory called `<i>x</i>`) are text, not markup.
    let title = esc(title);
    let _ = writeln!(
        page,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#1d2330;background:#fff}}
h1{{font-size:22px;margin:0 0 4px}} h2{{font-size:17px;margin:28px 0 8px}}
.sub{{color:#5b6475}} table{{border-collapse:collapse;width:100%;margin:6px 0}}
th,td{{border-bottom:1px solid #e3e6ec;padding:5px 8px;text-align:left;vertical-align:top}}
th{{background:#f5f6f9;font-weight:600}} code{{font:12px ui-monospace,monospace}}
.sev-critical,.sev-high{{color:#b3261e;font-weight:600}} .sev-medium{{color:#9a6700}} .sev-low,.sev-info{{color:#5b6475}}
.cross{{color:#b3261e;font-weight:600}} .suppressed{{opacity:.55}}
svg text{{font:12px system-ui,sans-serif}} .env-box{{fill:#f7f8fb;stroke:#cfd5df}}
.env-production{{fill:#fff4f2;stroke:#f0b5ac}} .env-title{{font-weight:600;font-size:13px}}
.node rect{{fill:#fff;stroke:#8f9bb0}} .node.active rect,.finding.active{{stroke-width:3}}
.finding{{fill:none;stroke:#9aa3b5;stroke-width:1.6}} .finding.crossing{{stroke:#d93025;stroke-width:2.2}}
.finding.pending{{stroke-dasharray:6 4}} td code{{word-break:break-all}} td:first-child{{white-space:nowrap}}
tr.active td{{background:#fff4d6}}
</style></head>
<body data-ready="no">
<h1>{title}</h1>
<p class="sub">{} stacks · {} resources · {} findings ({} suppressed)</p>"#,
        stacks.len(),
        s.resources,
        s.findings,
        s.suppressed
    );
    draw(&mut page, report, matrix);
    findings_table(&mut page, report);
    matrix_table(&mut page, matrix);
    stacks_table(&mut page, stacks);
    page.push_str(SCRIPT);
    page.push_str("</body></html>\n");
    w.write_all(page.as_bytes())
}

/// The name a finding end is drawn with.
fn end_name(e: &ReportEnd) -> String {
    let name = e.address.as_deref().or(e.endpoint.as_deref()).unwrap_or("?");
    match &e.stack {
        Some(stack) => format!("{stack}: {name}"),
        None => name.to_owned(),
    }
}

fn end_column(e: &ReportEnd) -> String {
    e.environment.clone().unwrap_or_else(|| e.tier.as_str().to_owned())
}

fn draw(page: &mut String, report: &Report, matrix: &Matrix) {
    // Columns: every environment of the matrix, then any other an end is in.
    let mut columns: Vec<String> = matrix.environments.clone();
    for f in &report.findings {
        for e in [&f.from, &f.to] {
            let c = end_column(e);
            if !columns.contains(&c) {
                columns.push(c);
            }
        }
    }
    let mut nodes: Vec<Vec<String>> = vec![Vec::new(); columns.len()];
    for f in &report.findings {
        for e in [&f.from, &f.to] {
            let col = columns.iter().position(|c| *c == end_column(e)).unwrap_or(0);
            let name = end_name(e);
            if !nodes[col].contains(&name) {
                nodes[col].push(name);
            }
        }
    }
    let rows = nodes.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let width = columns.len().max(1) * (NODE_W + COL_GAP) + 40;
    let height = TOP + rows * (NODE_H + ROW_GAP) + 40;
    let _ = writeln!(
        page,
        r#"<h2>Environment graph</h2>
<svg id="graph" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="environments and the links between them">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="context-stroke"/></marker></defs>
"#
    );
    let x_of = |col: usize| 20 + col * (NODE_W + COL_GAP);
    let y_of = |row: usize| TOP + row * (NODE_H + ROW_GAP);
    for (col, name) in columns.iter().enumerate() {
        let production = report
            .findings
            .iter()
            .flat_map(|f| [&f.from, &f.to])
            .any(|e| end_column(e) == *name && e.tier == EndTier::Production);
        let class = if production || name == "production" { "env-box env-production" } else { "env-box" };
        let _ = write!(
            page,
            r#"<g class="environment" data-environment="{n}"><rect class="{class}" x="{}" y="20" width="{}" height="{}" rx="8"/><text class="env-title" x="{}" y="44">{n}</text></g>"#,
            x_of(col) - 10,
            NODE_W + 20,
            height - 30,
            x_of(col),
            n = esc(name)
        );
    }
    let place = |name: &str, column: &str| -> (usize, usize) {
        let col = columns.iter().position(|c| c == column).unwrap_or(0);
        let row = nodes[col].iter().position(|n| n == name).unwrap_or(0);
        (col, row)
    };
    for (i, f) in report.findings.iter().enumerate() {
        let (fc, fr) = place(&end_name(&f.from), &end_column(&f.from));
        let (tc, tr) = place(&end_name(&f.to), &end_column(&f.to));
        let crossing = matches!(
            (f.from.tier, f.to.tier),
            (EndTier::Production, EndTier::NonProduction) | (EndTier::NonProduction, EndTier::Production)
        );
        let (y1, y2) = (y_of(fr) + NODE_H / 2, y_of(tr) + NODE_H / 2);
        let d = if fc == tc {
            // Both ends in one column: a loop out to the right.
            let x = x_of(fc) + NODE_W;
            let out = x + 60 + 10 * (i % 5);
            format!("M{x},{y1} C{out},{y1} {out},{y2} {x},{y2}")
        } else {
            let (x1, x2) = if tc > fc { (x_of(fc) + NODE_W, x_of(tc)) } else { (x_of(fc), x_of(tc) + NODE_W) };
            let mid = (x1 + x2) / 2;
            format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}")
        };
        let mut class = String::from(if crossing { "finding crossing" } else { "finding" });
        if f.status == Status::PendingRemoval {
            class.push_str(" pending");
        }
        let _ = writeln!(
            page,
            r#"<path class="{class}" data-finding="{i}" data-rule="{}" d="{d}" marker-end="url(#arrow)"><title>{} {}: {}</title></path>"#,
            f.rule,
            f.rule,
            esc(f.name),
            esc(&f.message)
        );
    }
    for (col, column) in nodes.iter().enumerate() {
        for (row, name) in column.iter().enumerate() {
            let short: String = if name.chars().count() > 44 {
                format!("…{}", name.chars().rev().take(43).collect::<Vec<_>>().into_iter().rev().collect::<String>())
            } else {
                name.clone()
            };
            let _ = writeln!(
                page,
                r#"<g class="node" data-node="{n}"><rect x="{}" y="{}" width="{NODE_W}" height="{NODE_H}" rx="5"/><text x="{}" y="{}">{}</text><title>{n}</title></g>"#,
                x_of(col),
                y_of(row),
                x_of(col) + 8,
                y_of(row) + 21,
                esc(&short),
                n = esc(name)
            );
        }
    }
    page.push_str("</svg>\n");
}

fn findings_table(page: &mut String, report: &Report) {
    page.push_str("<h2>Findings</h2>\n<table id=\"findings\"><tr><th>rule</th><th>severity</th><th>from</th><th>to</th><th>via</th><th>status</th><th>where</th></tr>\n");
    for (i, f) in report.findings.iter().enumerate() {
        let class = if f.suppressed.is_some() { " class=\"suppressed\"" } else { "" };
        let end = |e: &ReportEnd| format!("{} <span class=\"sub\">[{}]</span>", esc(&end_name(e)), esc(&end_column(e)));
        let via = match &f.via.attribute {
            Some(a) => format!("{} ({})", f.via.address, a),
            None => f.via.address.clone(),
        };
        let place = f.location.as_ref().map_or_else(String::new, |l| format!("{}:{}:{}", l.file, l.line, l.column));
        let status = match &f.suppressed {
            Some(s) => format!("suppressed ({}: {})", s.kind, s.reason),
            None => f.status.as_str().to_owned(),
        };
        let _ = writeln!(
            page,
            "<tr{class} data-finding=\"{i}\"><td><code>{}</code><br>{}</td><td class=\"sev-{sev}\">{sev}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td><code>{}</code></td></tr>",
            f.rule,
            esc(f.name),
            end(&f.from),
            end(&f.to),
            esc(&via),
            esc(&status),
            esc(&place),
            sev = f.severity.as_str()
        );
    }
    if report.findings.is_empty() {
        page.push_str("<tr><td colspan=\"7\">No links between production and non-production.</td></tr>\n");
    }
    page.push_str("</table>\n");
}

fn matrix_table(page: &mut String, matrix: &Matrix) {
    page.push_str("<h2>Which environment reaches which</h2>\n<table id=\"matrix\"><tr><th>from \\ to</th>");
    for e in &matrix.environments {
        let _ = write!(page, "<th>{}</th>", esc(e));
    }
    page.push_str("</tr>\n");
    for from in &matrix.environments {
        let _ = write!(page, "<tr><th>{}</th>", esc(from));
        for to in &matrix.environments {
            let cells: Vec<String> = matrix
                .links
                .iter()
                .filter(|c| &c.from == from && &c.to == to)
                .map(|c| format!("{} {}", c.count, c.kind))
                .collect();
            let crosses = matrix.links.iter().any(|c| &c.from == from && &c.to == to && c.crosses);
            let class = if crosses { " class=\"cross\"" } else { "" };
            let _ = write!(page, "<td{class}>{}</td>", cells.join(", "));
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</table>\n");
}

fn stacks_table(page: &mut String, stacks: &[StackSummary]) {
    page.push_str("<h2>Stacks</h2>\n<table id=\"stacks\"><tr><th>stack</th><th>environment</th><th>why</th><th>resources</th><th>read</th><th>findings</th></tr>\n");
    for s in stacks {
        let env = s.environment.clone().unwrap_or_else(|| s.tier.to_owned());
        let pending =
            if s.pending_removal > 0 { format!(" ({} pending removal)", s.pending_removal) } else { String::new() };
        let why = match &s.error {
            Some(error) => format!("<strong>not analysed</strong>: {}", esc(error)),
            None => esc(&s.evidence.first().cloned().unwrap_or_default()),
        };
        let _ = writeln!(
            page,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.name),
            esc(&env),
            why,
            s.resources,
            pending,
            s.read.join(" + "),
            s.findings
        );
    }
    page.push_str("</table>\n");
}

/// Hovering a finding's line or row highlights both, and its ends.
const SCRIPT: &str = r##"<script>
(function () {
  var rows = document.querySelectorAll("#findings tr[data-finding]");
  var paths = document.querySelectorAll("#graph path[data-finding]");
  function mark(i, on) {
    [].forEach.call(document.querySelectorAll('[data-finding="' + i + '"]'), function (el) {
      el.classList.toggle("active", on);
    });
  }
  [].forEach.call(rows, function (el) {
    el.addEventListener("mouseenter", function () { mark(el.dataset.finding, true); });
    el.addEventListener("mouseleave", function () { mark(el.dataset.finding, false); });
  });
  [].forEach.call(paths, function (el) {
    el.addEventListener("mouseenter", function () { mark(el.dataset.finding, true); });
    el.addEventListener("mouseleave", function () { mark(el.dataset.finding, false); });
  });
  document.body.dataset.ready = paths.length === rows.length ? "ok" : "mismatch";
})();
</script>
"##;

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
