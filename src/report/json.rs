//! The JSON report (`check --format json`); its fields are documented in
//! `docs/json-report.md` and versioned by `version`.

use std::io::{self, Write};

use crate::findings::Report;

/// Writes the report as pretty JSON.
pub fn write(w: &mut dyn Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report)?;
    writeln!(w)
}
