//! GitHub Actions workflow commands (`--format github`): one annotation per open
//! finding, on the line of the resource that makes the link, then a summary line.
//! `::error file=F,line=L,col=C,endLine=E,endColumn=EC,title=T::MESSAGE`, escaped
//! as GitHub's toolkit escapes them. Critical and high findings are errors, medium
//! warnings, low and info notices; accepted findings are left out.

use std::io::{self, Write};

use super::sarif::Root;
use super::{end_text, headline, open_findings};
use crate::findings::Report;
use crate::policy::Severity;

/// A command's message: `%`, carriage returns and newlines escaped.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A command's property value: as a message, and `:` and `,` too.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// Writes the annotations and the summary line.
pub fn write(w: &mut dyn Write, report: &Report, root: &Root) -> io::Result<()> {
    for f in open_findings(&report.findings) {
        let mut properties: Vec<String> = Vec::new();
        if let Some(loc) = &f.location {
            properties.push(format!("file={}", escape_property(&root.relative(&loc.file))));
            properties.push(format!("line={}", loc.line));
            properties.push(format!("col={}", loc.column));
            if let (Some(end_line), Some(end_column)) = (loc.end_line, loc.end_column) {
                properties.push(format!("endLine={end_line}"));
                properties.push(format!("endColumn={end_column}"));
            }
        }
        properties
            .push(format!("title={}", escape_property(&format!("{} {} ({})", f.rule, f.name, f.severity.as_str()))));
        let message =
            format!("{}\nfrom: {}\nto: {}\nvia: {}", f.message, end_text(&f.from), end_text(&f.to), f.via_text());
        writeln!(w, "::{} {}::{}", command(f.severity), properties.join(","), escape_data(&message))?;
    }
    writeln!(w, "envwall: {}", headline(&report.summary))
}
