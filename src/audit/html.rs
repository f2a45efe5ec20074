//! The audit as one self-contained HTML page.
//!
//! In: the report, the stack summaries and the environment matrix. Out: a page
//! with no external resource (styles, the drawing and its few lines of script are
//! inline, so it opens offline and can be attached to a ticket): the environment
//! graph drawn as SVG — one column per environment, each finding's two ends in
//! their columns, the finding drawn between them and highlighted when it joins
//! production and non-production — then the findings, the matrix and the stacks.

use std::io::{self, Write};

use askama::Template;

use super::summary::{Matrix, StackSummary};
use crate::findings::EndTier;
use crate::findings::{Report, ReportEnd, Summary};
use crate::rules::Status;

const NODE_W: usize = 300;
const NODE_H: usize = 34;
const COL_GAP: usize = 120;
const ROW_GAP: usize = 14;
const TOP: usize = 64;

/// The page: `templates/audit.html`, which escapes every value it is given, so a
/// name the user chose (a directory called `<i>x</i>`) is text, never markup.
#[derive(Template)]
#[template(path = "audit.html")]
struct Page<'a> {
    title: &'a str,
    summary: &'a Summary,
    stacks: &'a [StackSummary],
    graph: Graph<'a>,
    findings: Vec<FindingRow<'a>>,
    matrix: &'a Matrix,
    matrix_rows: Vec<MatrixRow<'a>>,
    stack_rows: Vec<StackRow<'a>>,
}

/// The drawing: one column per environment, a node per finding end, a line per finding.
struct Graph<'a> {
    width: usize,
    height: usize,
    node_width: usize,
    node_height: usize,
    columns: Vec<Column>,
    links: Vec<Link<'a>>,
    nodes: Vec<Node>,
}

struct Column {
    name: String,
    production: bool,
    x: usize,
    title_x: usize,
    width: usize,
    height: usize,
}

struct Link<'a> {
    rule: &'a str,
    name: &'a str,
    message: &'a str,
    d: String,
    crossing: bool,
    pending: bool,
}

struct Node {
    name: String,
    short: String,
    x: usize,
    y: usize,
}

struct FindingRow<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'static str,
    suppressed: bool,
    /// The end's name and its column.
    from: (String, String),
    to: (String, String),
    via: String,
    status: String,
    place: String,
}

struct MatrixRow<'a> {
    from: &'a str,
    cells: Vec<MatrixCell>,
}

struct MatrixCell {
    text: String,
    crosses: bool,
}

struct StackRow<'a> {
    name: &'a str,
    environment: String,
    error: Option<&'a str>,
    why: &'a str,
    resources: usize,
    pending_removal: usize,
    read: String,
    findings: usize,
    /// The units a Terragrunt unit depends on, joined.
    depends_on: String,
}

/// Writes the page.
pub fn write(
    w: &mut dyn Write,
    title: &str,
    report: &Report,
    stacks: &[StackSummary],
    matrix: &Matrix,
) -> io::Result<()> {
    let page = Page {
        title,
        summary: &report.summary,
        stacks,
        graph: draw(report, matrix),
        findings: report.findings.iter().map(finding_row).collect(),
        matrix,
        matrix_rows: matrix_rows(matrix),
        stack_rows: stacks.iter().map(stack_row).collect(),
    };
    page.write_into(w)?;
    // Templates lose their last newline; a file ends with one.
    w.write_all(b"\n")
}

/// The name a finding end is drawn with.
fn end_name(e: &ReportEnd) -> String {
    let name = e.address.as_deref().or(e.endpoint.as_deref()).unwrap_or("?");
    let name = match (&e.holder, &e.holder_stack) {
        (Some(h), Some(s)) => format!("{name} ({s}: {h})"),
        (Some(h), None) => format!("{name} ({h})"),
        _ => name.to_owned(),
    };
    match &e.stack {
        Some(stack) => format!("{stack}: {name}"),
        None => name,
    }
}

fn end_column(e: &ReportEnd) -> String {
    e.environment.clone().unwrap_or_else(|| e.tier.as_str().to_owned())
}

fn draw<'a>(report: &'a Report, matrix: &Matrix) -> Graph<'a> {
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
    let x_of = |col: usize| 20 + col * (NODE_W + COL_GAP);
    let y_of = |row: usize| TOP + row * (NODE_H + ROW_GAP);
    let place = |name: &str, column: &str| -> (usize, usize) {
        let col = columns.iter().position(|c| c == column).unwrap_or(0);
        let row = nodes[col].iter().position(|n| n == name).unwrap_or(0);
        (col, row)
    };
    let links = report
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (fc, fr) = place(&end_name(&f.from), &end_column(&f.from));
            let (tc, tr) = place(&end_name(&f.to), &end_column(&f.to));
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
            Link {
                rule: f.rule,
                name: f.name,
                message: &f.message,
                d,
                crossing: matches!(
                    (f.from.tier, f.to.tier),
                    (EndTier::Production, EndTier::NonProduction) | (EndTier::NonProduction, EndTier::Production)
                ),
                pending: f.status == Status::PendingRemoval,
            }
        })
        .collect();
    let drawn_nodes = nodes
        .iter()
        .enumerate()
        .flat_map(|(col, column)| {
            column.iter().enumerate().map(move |(row, name)| Node {
                short: if name.chars().count() > 44 {
                    let tail: Vec<char> = name.chars().rev().take(43).collect();
                    format!("…{}", tail.into_iter().rev().collect::<String>())
                } else {
                    name.clone()
                },
                name: name.clone(),
                x: x_of(col),
                y: y_of(row),
            })
        })
        .collect();
    let columns = columns
        .iter()
        .enumerate()
        .map(|(col, name)| Column {
            production: name == "production"
                || report
                    .findings
                    .iter()
                    .flat_map(|f| [&f.from, &f.to])
                    .any(|e| end_column(e) == *name && e.tier == EndTier::Production),
            name: name.clone(),
            x: x_of(col) - 10,
            title_x: x_of(col),
            width: NODE_W + 20,
            height: height - 30,
        })
        .collect();
    Graph { width, height, node_width: NODE_W, node_height: NODE_H, columns, links, nodes: drawn_nodes }
}

fn finding_row(f: &crate::findings::ReportFinding) -> FindingRow<'_> {
    FindingRow {
        rule: f.rule,
        name: f.name,
        severity: f.severity.as_str(),
        suppressed: f.suppressed.is_some(),
        from: (end_name(&f.from), end_column(&f.from)),
        to: (end_name(&f.to), end_column(&f.to)),
        via: match &f.via.attribute {
            Some(a) => format!("{} ({})", f.via.address, a),
            None => f.via.address.clone(),
        },
        status: match &f.suppressed {
            Some(s) => format!("suppressed ({}: {})", s.kind, s.reason),
            None => f.status.as_str().to_owned(),
        },
        place: f.location.as_ref().map_or_else(String::new, |l| format!("{}:{}:{}", l.file, l.line, l.column)),
    }
}

fn matrix_rows(matrix: &Matrix) -> Vec<MatrixRow<'_>> {
    let cell = |from: &str, to: &str| MatrixCell {
        text: matrix
            .links
            .iter()
            .filter(|c| c.from == from && c.to == to)
            .map(|c| format!("{} {}", c.count, c.kind))
            .collect::<Vec<_>>()
            .join(", "),
        crosses: matrix.links.iter().any(|c| c.from == from && c.to == to && c.crosses),
    };
    matrix
        .environments
        .iter()
        .map(|from| MatrixRow { from, cells: matrix.environments.iter().map(|to| cell(from, to)).collect() })
        .collect()
}

fn stack_row(s: &StackSummary) -> StackRow<'_> {
    StackRow {
        name: &s.name,
        environment: s.environment.clone().unwrap_or_else(|| s.tier.as_str().to_owned()),
        error: s.error.as_deref(),
        why: s.evidence.first().map_or("", String::as_str),
        resources: s.resources,
        pending_removal: s.pending_removal,
        read: s.read.join(" + "),
        findings: s.findings,
        depends_on: s.depends_on.join(", "),
    }
}
