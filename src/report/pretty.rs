//! The report for people (`check`, the default): one miette diagnostic per finding
//! with its severity and code, the two ends and why each is in its environment, the
//! link, where it is written, and how to fix it; then a summary.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, LabeledSpan, NamedSource};

use crate::findings::{Report, ReportEnd, ReportFinding};

use crate::policy::Severity;
use crate::report::sarif::section;
use crate::report::terminal::clean;
use crate::rules::Status;

struct FindingDiagnostic<'r> {
    finding: &'r ReportFinding,
    help: String,
    /// The file of the first label, with the labels in it.
    snippet: Option<Snippet>,
    /// Labels in other files, each shown as a related snippet.
    others: Vec<Snippet>,
}

/// Labels in one source file.
#[derive(Debug)]
struct Snippet {
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Display for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.source.name())
    }
}

impl std::error::Error for Snippet {}

impl Diagnostic for Snippet {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// Groups a finding's labels by file, the file of its first label first.
fn snippets(report: &Report, finding: &ReportFinding) -> Vec<Snippet> {
    let mut out: Vec<(usize, Snippet)> = Vec::new();
    for label in &finding.labels {
        let Some(file) = report.files.get(label.file) else { continue };
        let span = LabeledSpan::new(Some(label.text.clone()), label.offset, label.len);
        match out.iter_mut().find(|(f, _)| *f == label.file) {
            Some((_, s)) => s.labels.push(span),
            None => out.push((
                label.file,
                Snippet {
                    source: NamedSource::new(clean(&file.path), super::terminal::clean_source(file.text.clone())),
                    labels: vec![span],
                },
            )),
        }
    }
    out.into_iter().map(|(_, s)| s).collect()
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.finding;
        writeln!(f, "{}", clean(&x.message))?;
        end_lines(f, "from", &x.from)?;
        end_lines(f, "to", &x.to)?;
        let attribute = x.via.attribute.as_deref().map_or_else(String::new, |a| format!(" ({})", clean(a)));
        write!(f, "via   {}{attribute}", clean(&x.via.address))?;
        if let (Some(p), Some(ports)) = (&x.protocol, &x.ports) {
            write!(f, ", {} ports {}", clean(p), clean(ports))?;
        }
        if let Some(loc) = &x.location {
            write!(f, "\n      at {}:{}:{}", clean(&loc.file), loc.line, loc.column)?;
        }
        let status = match x.status {
            Status::Added => "added by this plan",
            Status::PendingRemoval => "pending removal: in state, no longer in source; gone after the next apply",
            Status::Existing => "already exists",
        };
        write!(f, "\nstatus {status}")?;
        if let Some(s) = &x.suppressed {
            write!(f, "\nsuppressed by {} `{}`: {}", s.kind, clean(&s.name), clean(&s.reason))?;
        }
        for note in &x.notes {
            write!(f, "\nnote: {}", clean(note))?;
        }
        Ok(())
    }
}

fn end_lines(f: &mut fmt::Formatter<'_>, label: &str, e: &ReportEnd) -> fmt::Result {
    let name = clean(e.address.as_deref().or(e.endpoint.as_deref()).unwrap_or("?"));
    let stack = e.stack.as_deref().map_or_else(String::new, |s| format!(" in {}", clean(s)));
    let holder = match (&e.holder, &e.holder_stack) {
        (Some(h), Some(s)) => format!(" ({} in {})", clean(h), clean(s)),
        (Some(h), None) => format!(" ({})", clean(h)),
        _ => String::new(),
    };
    let env = match &e.environment {
        Some(env) if env == e.tier.as_str() => env.clone(),
        Some(env) => format!("{env}, {}", e.tier),
        None => e.tier.as_str().to_owned(),
    };
    writeln!(f, "{label:<5} {name}{holder}{stack} [{env}]")?;
    if !e.protects.is_empty() {
        let more = if e.protects.len() > 3 { format!(" and {} more", e.protects.len() - 3) } else { String::new() };
        let shown: Vec<String> = e.protects.iter().take(3).map(|p| clean(p).into_owned()).collect();
        writeln!(f, "        protects {}{more}", shown.join(", "))?;
    }
    for ev in e.evidence.iter().take(3) {
        writeln!(f, "        because {}", clean(ev))?;
    }
    Ok(())
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("{} {} ({})", self.finding.rule, self.finding.name, self.finding.severity.as_str())))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Critical | Severity::High => miette::Severity::Error,
            Severity::Medium | Severity::Low => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet.as_ref().map(|s| &s.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.snippet.as_ref().map(|s| Box::new(s.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.others.is_empty() {
            return None;
        }
        Some(Box::new(self.others.iter().map(|s| s as &dyn Diagnostic)))
    }
}

/// Writes every finding and a summary. `color` picks the terminal theme; lines
/// wrap at `width` (a terminal's), or not at all.
pub fn write(w: &mut dyn Write, report: &Report, color: bool, width: Option<usize>) -> io::Result<()> {
    let handler = super::terminal::findings_handler(color, width);
    for finding in &report.findings {
        let docs = crate::rules::rule(finding.rule).map_or("", |r| r.docs);
        let help = format!(
            "{} (`envwall rules {}`)",
            section(docs, "## How to fix").split_whitespace().collect::<Vec<_>>().join(" "),
            finding.rule
        );
        let mut snippets = snippets(report, finding).into_iter();
        let snippet = snippets.next();
        let diagnostic = FindingDiagnostic { finding, help, snippet, others: snippets.collect() };
        let mut out = String::new();
        handler.render_report(&mut out, &diagnostic).map_err(io::Error::other)?;
        w.write_all(out.as_bytes())?;
        writeln!(w)?;
    }
    writeln!(w, "envwall: {}", super::headline(&report.summary))?;
    let policy = match report.policy_files.as_slice() {
        [] => "the built-in policy".to_owned(),
        files => format!("the built-in policy and {}", clean(&files.join(", "))),
    };
    writeln!(w, "policy: {policy}")
}
