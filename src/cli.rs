//! The command line: flags parsed by clap, turned into one validated run.
//!
//! In: `std::env::args`. Out: the exit code. `main` stays thin; every command is a
//! function here that returns `Result<ExitCode, Error>`, and [`Error`] says which
//! errors are the user's (exit 2).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::graph::Graph;
use crate::input::{self, InputError};
use crate::report;

/// envwall finds where production can talk to non-production in Terraform.
#[derive(Debug, Parser)]
#[command(name = "envwall", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the resource graph of one or more plan/state files.
    Graph(GraphArgs),
}

/// `envwall graph`.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Plan JSON (`terraform show -json PLANFILE`), state JSON (`terraform show -json`)
    /// or raw `terraform.tfstate` files; several form one graph.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// Write the output to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Formats of `envwall graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// JSON: `{"nodes": [...], "edges": [...]}`.
    Json,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// An input could not be read or understood.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Input(#[from] InputError),
    /// Writing the output failed.
    #[error("cannot write {target}: {source}")]
    #[diagnostic(code(envwall::output))]
    Output {
        /// Where the output went.
        target: String,
        /// The OS error.
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the error is a closed pipe (`envwall graph x | head`), which is not
    /// a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Graph(args) => graph(&args),
    }
}

fn graph(args: &GraphArgs) -> Result<ExitCode, Error> {
    let sources = input::read_sources(&args.inputs)?;
    let model = input::load(&sources)?;
    for warning in &model.warnings {
        eprintln!("warning: {warning}");
    }
    let graph = Graph::build(&model);
    write_output(args.output.as_ref(), |w| match args.format {
        GraphFormat::Dot => report::graph::write_dot(w, &graph),
        GraphFormat::Mermaid => report::graph::write_mermaid(w, &graph),
        GraphFormat::Json => report::graph::write_json(w, &graph),
    })?;
    Ok(ExitCode::SUCCESS)
}

fn write_output(
    path: Option<&PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let target = path.map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
    let result = match path {
        Some(p) => std::fs::File::create(p).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            write(&mut w)?;
            w.flush()
        }),
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            write(&mut w).and_then(|()| w.flush())
        }
    };
    result.map_err(|source| Error::Output { target, source })
}
