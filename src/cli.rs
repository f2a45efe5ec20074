//! The command line: flags parsed by clap, turned into one validated run.
//!
//! In: `std::env::args`. Out: the exit code. `main` stays thin; every command is a
//! function here that returns `Result<ExitCode, Error>`, and [`Error`] says which
//! errors are the user's (exit 2).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::env::{self, Environments, StackOptions};
use crate::graph::Graph;
use crate::input::{self, InputError};
use crate::policy::{POLICY_FILE, Policy, PolicyError, Severity};
use crate::report;
use crate::rules::{self, Context, Finding};

/// envwall finds where production can talk to non-production in Terraform.
#[derive(Debug, Parser)]
#[command(name = "envwall", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// The largest file envwall reads, of any kind (`2G`, `500M`) [default: 1G for
    /// plan and state, 32M for Terraform source and variable files, 16M for files
    /// the configuration reads, 4M for policy].
    #[arg(long, global = true, value_name = "SIZE", value_parser = crate::input::read::parse_size)]
    pub max_file_size: Option<u64>,
    /// Read a remote module source from a local checkout: `PREFIX=DIR` maps every
    /// Terragrunt unit source that starts with PREFIX (`git::git@github.com:acme/modules.git`)
    /// to DIR, its `//subdir` followed and its `?ref=` dropped. Repeatable.
    #[arg(long, global = true, value_name = "PREFIX=DIR")]
    pub module_source: Vec<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find links between production and non-production; exit 1 when there are any.
    Check(CheckArgs),
    /// Audit a repository of stacks (source and state together): every link between
    /// production and non-production, per-stack environments, and the environment matrix.
    Audit(AuditArgs),
    /// Print the resource graph of one or more plan/state files, with each node's environment.
    Graph(GraphArgs),
    /// Explain why a resource is in its environment, and show its links.
    Explain(ExplainArgs),
    /// Write a commented starter policy (.envwall.hcl).
    Init(InitArgs),
    /// List the rules, or print one rule's documentation.
    Rules(RulesArgs),
    /// Print a shell completion script (`envwall completions bash > /etc/bash_completion.d/envwall`).
    Completions(CompletionsArgs),
    /// Write the man pages (`envwall man --dir /usr/local/share/man/man1`), or print envwall(1).
    Man(ManArgs),
}

/// `envwall completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `envwall man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write envwall.1 and a page per command (envwall-check.1, ...) into this
    /// directory [default: print envwall.1].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Inputs and how to place them in environments; shared by the analysing commands.
#[derive(Debug, clap::Args)]
pub struct AnalysisArgs {
    /// Plan JSON (`terraform show -json PLANFILE`), state JSON (`terraform show -json`),
    /// raw `terraform.tfstate` files, or Terraform source (a root module directory, a
    /// `.tf` or `.tf.json` file); several form one graph.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Set a root variable of Terraform source inputs (`NAME=VALUE`, as `terraform -var`).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read root variables of Terraform source inputs from a `.tfvars` file (after
    /// terraform.tfvars and *.auto.tfvars; `--var` wins over all).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// The Terraform source a plan or state input was made from: findings point at
    /// its lines, and links plan JSON loses (locals, dynamic blocks) are recovered.
    /// Give one per plan/state input, in the same order.
    #[arg(long, value_name = "DIR")]
    pub source: Vec<PathBuf>,
    /// Policy file, or a directory of *.hcl policy files [default: the nearest .envwall.hcl, else built in].
    #[arg(long, value_name = "PATH")]
    pub policy: Option<PathBuf>,
    /// The environment the inputs belong to (a policy environment name or alias).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// The Terraform workspace the inputs come from.
    #[arg(long, value_name = "NAME", env = "TF_WORKSPACE")]
    pub workspace: Option<String>,
    /// Print no warnings (what could not be read or worked out).
    #[arg(long, short)]
    pub quiet: bool,
    /// The `terraform` or `tofu` that renders a binary planfile input (`show -json`)
    /// [default: `terraform`, else `tofu`, on PATH].
    #[arg(long, value_name = "PATH")]
    pub terraform: Option<PathBuf>,
    /// Analyse the directory of each Terraform file given (`.tf`, `.tf.json`,
    /// `.tofu`, `.tfvars`), once each: the files a commit changes, as pre-commit
    /// passes them, become the stacks they belong to.
    #[arg(long)]
    pub dirs_of_files: bool,
}

/// `envwall check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    analysis: AnalysisArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Pretty)]
    pub format: CheckFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The lowest severity that fails the run (exit code 1).
    #[arg(long, value_enum, default_value_t = FailOn::Medium, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Report only links this plan adds (for CI gates), not those that exist already.
    #[arg(long)]
    pub only_changes: bool,
    /// Baselines and links, for CI.
    #[command(flatten)]
    pub ci: CiArgs,
}

/// What CI pipelines use: baselines, links to the repository.
#[derive(Debug, clap::Args)]
pub struct CiArgs {
    /// Accept the findings of this baseline file: they stay in the report, marked
    /// `baseline`, and never fail the run.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write this run's findings to a baseline file (to accept them from now on).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Fail the run (exit 1) when baseline entries no longer match a finding.
    #[arg(long, requires = "baseline")]
    pub fail_on_stale: bool,
    /// Base URL of the repository's files, for links in `--format markdown`
    /// (`https://github.com/org/repo/blob/SHA`).
    #[arg(long, value_name = "URL")]
    pub link_base: Option<String>,
}

/// Formats of `envwall check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// For people, with the evidence for each end.
    Pretty,
    /// The JSON report (docs/json-report.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, for GitLab, Jenkins and Azure DevOps test reports.
    Junit,
    /// GitHub Actions annotations.
    Github,
    /// Markdown, for a job summary or a pull-request comment.
    Markdown,
    /// The GitLab Code Quality report.
    Gitlab,
}

/// `envwall audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Directories to search for stacks [default: the current directory].
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// State of a stack kept elsewhere (pulled from its backend): `STACK=FILE`, STACK
    /// being the stack's name or directory. Repeatable.
    #[arg(long = "state", value_name = "STACK=FILE")]
    pub states: Vec<String>,
    /// Policy file, or a directory of *.hcl policy files [default: the nearest .envwall.hcl, else built in].
    #[arg(long, value_name = "PATH")]
    pub policy: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Pretty)]
    pub format: AuditFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The lowest severity that fails the run (exit code 1).
    #[arg(long, value_enum, default_value_t = FailOn::Medium, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Print no warnings or notes (what could not be read or worked out).
    #[arg(long, short)]
    pub quiet: bool,
    /// Audit reusable modules too: directories under `modules/` that nothing here
    /// calls and that have no backend, provider settings, variable files or state.
    #[arg(long)]
    pub include_modules: bool,
    /// Baselines and links, for CI.
    #[command(flatten)]
    pub ci: CiArgs,
}

/// `audit --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// For people: findings, then the stacks and the matrix.
    Pretty,
    /// The JSON report with `stacks` and `matrix` (docs/json-report.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// One self-contained page with the environment graph drawn.
    Html,
    /// JUnit XML, for GitLab, Jenkins and Azure DevOps test reports.
    Junit,
    /// GitHub Actions annotations.
    Github,
    /// Markdown, for a job summary or a pull-request comment.
    Markdown,
    /// The GitLab Code Quality report.
    Gitlab,
}

/// `--fail-on` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any finding.
    Info,
    /// Low and above.
    Low,
    /// Medium and above.
    Medium,
    /// High and above.
    High,
    /// Critical only.
    Critical,
    /// Never fail on findings.
    None,
}

/// `envwall graph`.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    #[command(flatten)]
    analysis: AnalysisArgs,
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
    /// Graphviz DOT (`dot -Tsvg`), nodes grouped per environment.
    Dot,
    /// A Mermaid flowchart, nodes grouped per environment.
    Mermaid,
    /// JSON: `{"nodes": [...], "edges": [...]}`.
    Json,
}

/// `envwall explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The resource address (`module.app["x"].aws_instance.web[0]`), or
    /// `INPUT:ADDRESS` to pick one input, or an endpoint (`10.0.0.0/8`).
    #[arg(value_name = "ADDRESS")]
    pub address: String,
    #[command(flatten)]
    analysis: AnalysisArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

/// Text or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// For people.
    Text,
    /// For scripts.
    Json,
}

/// `envwall init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(default_value = POLICY_FILE, value_name = "PATH")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// `envwall rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// A rule code (`EW301`) or name (`environment-label-conflict`).
    #[arg(value_name = "CODE")]
    pub code: Option<String>,
    /// Output format: a list for the terminal, or the Markdown reference
    /// (`docs/rules.md`).
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

/// `rules --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// One line per rule, or one rule's documentation.
    Text,
    /// Markdown: the reference of every rule (`docs/rules.md`).
    Markdown,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// An input could not be read or understood.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Input(#[from] InputError),
    /// The policy has a mistake.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Policy(Box<PolicyError>),
    /// A command-line value that is not valid.
    #[error("{message}")]
    #[diagnostic(code(envwall::usage))]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },
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

impl From<PolicyError> for Error {
    fn from(e: PolicyError) -> Self {
        Error::Policy(Box::new(e))
    }
}

impl Error {
    /// Whether the error is a closed pipe (`envwall graph x | head`), which is not
    /// a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Runs a parsed command line, on a thread whose stack holds what Terraform
/// allows: nesting and chains of locals of any depth.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    crate::parallel::with_stack(|| run_here(cli))
}

fn run_here(cli: Cli) -> Result<ExitCode, Error> {
    crate::input::read::set_max_file_size(cli.max_file_size);
    let mut mappings = Vec::new();
    for pair in &cli.module_source {
        match pair.split_once('=') {
            Some((prefix, dir)) if !prefix.is_empty() && !dir.is_empty() => {
                mappings.push((prefix.to_owned(), PathBuf::from(dir)));
            }
            _ => {
                return Err(Error::Usage {
                    message: format!("--module-source {pair}: expected PREFIX=DIR"),
                    help: Some("for example --module-source git::git@github.com:acme/modules.git=../modules".into()),
                });
            }
        }
    }
    crate::input::hcl::terragrunt::set_module_sources(mappings);
    // Before any work: a run must not quietly take another day than the one asked for.
    let today = crate::policy::Date::today().map_err(|message| Error::Usage {
        message,
        help: Some("unset it, or set a date such as 2026-12-31".to_owned()),
    })?;
    match cli.command {
        Command::Check(args) => check(&args, today),
        Command::Audit(args) => audit(&args, today),
        Command::Graph(args) => graph(&args),
        Command::Explain(args) => explain(&args),
        Command::Init(args) => init(&args),
        Command::Rules(args) => rules_command(&args),
        Command::Completions(args) => {
            use clap::CommandFactory as _;
            let mut command = Cli::command();
            let mut out = std::io::stdout().lock();
            clap_complete::generate(args.shell, &mut command, "envwall", &mut out);
            Ok(ExitCode::SUCCESS)
        }
        Command::Man(args) => man(&args),
    }
}

/// Everything an analysing command works on.
struct Analysis<'g, 'm, 'a, 'p> {
    graph: &'g Graph<'m, 'a>,
    envs: &'g Environments<'p>,
    policy: &'p Policy,
    sources: &'g [input::Source],
    findings: Vec<Finding>,
    timer: Timings,
}

/// Loads the inputs and the policy, builds the graph, classifies it, runs the rules,
/// and hands the result to `f`.
fn analyse<R>(
    args: &AnalysisArgs,
    output: Option<&PathBuf>,
    f: impl FnOnce(&Analysis<'_, '_, '_, '_>) -> Result<R, Error>,
) -> Result<R, Error> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let policy = Policy::discover(args.policy.as_deref(), &cwd, &rules::codes())?;
    let env = match &args.env {
        Some(name) => Some(policy.environment(name).ok_or_else(|| Error::Usage {
            message: format!("--env {name}: no such environment"),
            help: Some(format!(
                "the policy's environments are {}",
                policy.environments.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(", ")
            )),
        })?),
        None => None,
    };
    let timer = Timings::new();
    let inputs = if args.dirs_of_files { dirs_of_files(&args.inputs) } else { args.inputs.clone() };
    let planfiles = inputs.iter().any(|p| input::is_planfile(p));
    let terraform = if planfiles { input::find_terraform(args.terraform.as_deref()) } else { None };
    let sources = input::read_sources_with(&inputs, terraform.as_deref())?;
    timer.lap("read");
    let mut hcl_options = input::hcl::Options::from_env();
    for pair in &args.vars {
        if pair.split_once('=').is_none_or(|(k, _)| k.trim().is_empty()) {
            return Err(Error::Usage {
                message: format!("--var {pair}: expected NAME=VALUE"),
                help: Some("for example --var environment=prod".into()),
            });
        }
    }
    hcl_options.vars.clone_from(&args.vars);
    hcl_options.var_files.clone_from(&args.var_files);
    hcl_options.sources.clone_from(&args.source);
    hcl_options.workspace = args.workspace.clone().filter(|w| !w.is_empty());
    let model = input::load_with(&sources, &hcl_options)?;
    timer.lap("load");
    // A `--var` no source input declares is a mistake, as Terraform says.
    for pair in &args.vars {
        let name = pair.split_once('=').map_or(pair.as_str(), |(k, _)| k.trim());
        let declared = model
            .inputs
            .iter()
            .any(|i| i.kind == crate::model::InputKind::Source && i.variables.iter().any(|(v, _)| v == name));
        if !declared {
            return Err(Error::Usage {
                message: format!("--var {pair}: no Terraform source input declares a variable `{name}`"),
                help: Some("declare it with a `variable` block, or drop the --var".to_owned()),
            });
        }
    }
    let read = inputs.iter().chain(&args.var_files).chain(&policy.files).cloned();
    refuse_output_over_input(output, read.chain(model.files.iter().map(|f| f.path.clone())))?;
    if !args.quiet {
        report::warnings::write(&mut std::io::stderr().lock(), &model)
            .map_err(|source| Error::Output { target: "standard error".into(), source })?;
    }
    let (graph, evidence) = env::build_graph(&model, &policy);
    timer.lap("graph");
    let options = StackOptions { env, workspace: args.workspace.clone().filter(|w| !w.is_empty()) };
    let envs = env::classify_with(&graph, &policy, &options, evidence);
    timer.lap("environments");
    let findings = rules::run(&Context { graph: &graph, envs: &envs, policy: &policy });
    timer.lap("rules");
    let result = f(&Analysis { graph: &graph, envs: &envs, policy: &policy, sources: &sources, findings, timer });
    // The process ends after this, once per run: freeing the model, the graph and
    // the classification object by object takes longer than the OS takes to reclaim
    // them.
    std::mem::forget(envs);
    std::mem::forget(graph);
    std::mem::forget(model);
    result
}

/// Each Terraform file's directory, once, in the order given; other inputs as they are.
fn dirs_of_files(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let terraform_file = |p: &std::path::Path| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        input::hcl::is_configuration_file(&name) || name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
    };
    let mut out: Vec<PathBuf> = Vec::new();
    for p in inputs {
        let p = if terraform_file(p) {
            p.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), |d| d.to_owned())
        } else {
            p.clone()
        };
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Stage times on standard error when `ENVWALL_TIMINGS` is set.
struct Timings {
    enabled: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Timings {
    fn new() -> Self {
        Timings {
            enabled: std::env::var_os("ENVWALL_TIMINGS").is_some(),
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    fn lap(&self, stage: &str) {
        if self.enabled {
            let now = std::time::Instant::now();
            // Peak memory so far, where the OS says (Linux).
            let peak = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l[6..].trim().to_owned()))
                .map_or_else(String::new, |p| format!("  peak {p}"));
            eprintln!("timing: {stage:<13} {:>8.1} ms{peak}", (now - self.last.get()).as_secs_f64() * 1e3);
            self.last.set(now);
        }
    }
}

fn check(args: &CheckArgs, today: crate::policy::Date) -> Result<ExitCode, Error> {
    analyse(&args.analysis, args.output.as_ref(), |a| {
        let filter = crate::findings::Filter { only_changes: args.only_changes };
        let report = crate::findings::report(
            a.graph,
            a.envs,
            a.policy,
            &crate::input::Locator::new(a.sources),
            a.findings.clone(),
            filter,
            today,
        );
        let mut report = report;
        let stale = baseline(&args.ci, &mut report, !args.only_changes)?;
        let color = args.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let wrap = if args.output.is_none() { report::terminal::width(&std::io::stdout()) } else { None };
        let failed = threshold(args.fail_on).is_some_and(|t| crate::findings::fails(&report, t));
        let status: u8 = if failed || stale { 1 } else { 0 };
        let code = ExitCode::from(status);
        let written = write_output(args.output.as_ref(), |w| match args.format {
            CheckFormat::Pretty => report::pretty::write(w, &report, color, wrap),
            CheckFormat::Json => report::json::write(w, &report),
            CheckFormat::Sarif => report::sarif::write(w, &report, &sarif_root(), status),
            CheckFormat::Junit => report::junit::write(w, &report, &sarif_root()),
            CheckFormat::Github => report::github::write(w, &report, &sarif_root()),
            CheckFormat::Markdown => report::markdown::write(w, &report, &sarif_root(), args.ci.link_base.as_deref()),
            CheckFormat::Gitlab => report::gitlab::write(w, &report, &sarif_root()),
        });
        a.timer.lap("report");
        finished(written, code)
    })
}

fn audit(args: &AuditArgs, today: crate::policy::Date) -> Result<ExitCode, Error> {
    use crate::audit;
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let dirs = if args.dirs.is_empty() { vec![PathBuf::from(".")] } else { args.dirs.clone() };
    let policy = Policy::discover(args.policy.as_deref(), dirs.first().map_or(&cwd, |d| d.as_path()), &rules::codes())?;
    let timer = Timings::new();
    let discovery = audit::discover(&dirs, &args.states, args.include_modules)
        .map_err(|e| Error::Usage { message: e.to_string(), help: None })?;
    let stacks = discovery.stacks;
    if stacks.is_empty() {
        // What discovery met may be why (a Terragrunt stack not generated yet).
        for w in &discovery.warnings {
            eprintln!("warning: {w}");
        }
        return Err(Error::Usage {
            message: format!(
                "no Terraform stacks under {}",
                dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
            ),
            help: Some(
                "a stack is a directory of .tf files, a terragrunt.hcl unit (a Terragrunt stack's once `terragrunt stack generate` has written them), or a directory holding terraform.tfstate"
                    .into(),
            ),
        });
    }
    let files = audit::read(&stacks);
    timer.lap("discover");
    let progress = audit::Progress::for_terminal();
    let audit::Loaded { mut model, stack_of, errors, dependencies } =
        audit::load(&stacks, &files, &input::hcl::Options::from_env(), &progress);
    model.warnings.extend(discovery.warnings.into_iter().map(|message| crate::model::Warning { input: None, message }));
    timer.lap("load");
    let read = stacks.iter().flat_map(|s| {
        s.states.iter().map(|(p, _)| p.clone()).chain(s.plans.iter().cloned()).chain(s.terragrunt.iter().cloned())
    });
    let files = model.files.iter().map(|f| f.path.clone());
    refuse_output_over_input(args.output.as_ref(), read.chain(files).chain(policy.files.iter().cloned()))?;
    if !args.quiet {
        let mut err = std::io::stderr().lock();
        let mut write = || -> std::io::Result<()> {
            if !discovery.modules.is_empty() {
                let n = discovery.modules.len();
                let shown: Vec<&str> = discovery.modules.iter().take(3).map(String::as_str).collect();
                let more = if n > 3 { format!(" and {} more", n - 3) } else { String::new() };
                writeln!(
                    err,
                    "note: {n} director{} under modules/ that nothing here calls look like reusable modules, not stacks, and are left out ({}{more}); --include-modules audits them too",
                    if n == 1 { "y" } else { "ies" },
                    shown.join(", ")
                )?;
            }
            for note in &model.notes {
                writeln!(err, "note: {note}")?;
            }
            report::warnings::write(&mut err, &model)
        };
        write().map_err(|source| Error::Output { target: "standard error".into(), source })?;
    }
    let (graph, evidence) = env::build_graph(&model, &policy);
    timer.lap("graph");
    let envs = env::classify_with(&graph, &policy, &StackOptions { env: None, workspace: None }, evidence);
    timer.lap("environments");
    let findings = rules::run(&Context { graph: &graph, envs: &envs, policy: &policy });
    timer.lap("rules");
    let report = crate::findings::report(
        &graph,
        &envs,
        &policy,
        &crate::input::Locator::new(&[]),
        findings,
        crate::findings::Filter::default(),
        today,
    );
    let mut report = report;
    report.errors = stacks.iter().zip(&errors).filter_map(|(s, e)| Some((s.name.clone(), e.clone()?))).collect();
    let stale = baseline(&args.ci, &mut report, true)?;
    let summaries = audit::summary::stacks(&stacks, &stack_of, &errors, &dependencies, &graph, &envs, &report);
    let matrix = audit::summary::matrix(&graph, &envs);
    let color = args.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let wrap = if args.output.is_none() { report::terminal::width(&std::io::stdout()) } else { None };
    let title =
        format!("envwall audit of {}", dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "));
    let failed = threshold(args.fail_on).is_some_and(|t| crate::findings::fails(&report, t));
    // Stacks that could not be read fail the run, once everything else is reported.
    let status: u8 = if !report.errors.is_empty() {
        2
    } else if failed || stale {
        1
    } else {
        0
    };
    let code = ExitCode::from(status);
    let written = write_output(args.output.as_ref(), |w| match args.format {
        AuditFormat::Pretty => {
            report::pretty::write(w, &report, color, wrap)?;
            audit::summary::write_text(w, &summaries, &matrix)
        }
        AuditFormat::Json => audit::summary::write_json(w, &report, &summaries, &matrix),
        AuditFormat::Sarif => report::sarif::write(w, &report, &sarif_root(), status),
        AuditFormat::Html => audit::html::write(w, &title, &report, &summaries, &matrix),
        AuditFormat::Junit => report::junit::write(w, &report, &sarif_root()),
        AuditFormat::Github => report::github::write(w, &report, &sarif_root()),
        AuditFormat::Markdown => report::markdown::write(w, &report, &sarif_root(), args.ci.link_base.as_deref()),
        AuditFormat::Gitlab => report::gitlab::write(w, &report, &sarif_root()),
    });
    timer.lap("report");
    if !report.errors.is_empty() {
        eprintln!(
            "envwall: {} of {} stacks could not be analysed (listed with their errors in the report)",
            report.errors.len(),
            stacks.len()
        );
    }
    finished(written, code)
}

/// Applies `--baseline` and writes `--write-baseline`; whether stale baseline
/// entries fail the run (`--fail-on-stale`). With `complete` false (the report
/// leaves findings out, `--only-changes`), no entry is judged stale.
fn baseline(args: &CiArgs, report: &mut crate::findings::Report, complete: bool) -> Result<bool, Error> {
    let usage = |message: String| Error::Usage {
        message,
        help: Some("write a baseline with --write-baseline FILE (docs/ci.md)".to_owned()),
    };
    let previous = args.baseline.as_deref().map(crate::baseline::read).transpose().map_err(usage)?;
    if let Some(b) = &previous {
        crate::baseline::apply(report, b);
        if !complete {
            report.baseline_stale.clear();
        }
    }
    if let Some(path) = &args.write_baseline {
        let written = crate::baseline::of(report, previous.as_ref());
        crate::baseline::write(path, &written).map_err(|message| Error::Usage { message, help: None })?;
        eprintln!("envwall: wrote {} finding(s) to the baseline {}", written.findings.len(), path.display());
    }
    let stale = &report.baseline_stale;
    if !stale.is_empty() {
        eprintln!(
            "envwall: {} baseline entr{} match no finding any more (fixed, or changed); rewrite the baseline with --write-baseline:",
            stale.len(),
            if stale.len() == 1 { "y" } else { "ies" }
        );
        for e in stale {
            eprintln!("  {} {} {} -> {} via {}", e.fingerprint, e.rule, e.from, e.to, e.via);
        }
    }
    Ok(args.fail_on_stale && !stale.is_empty())
}

/// The exit code of a run whose report was written (or not): the run's own code
/// when standard output closed early (`| head`), so that a gate with `pipefail`
/// still fails on findings.
fn finished(written: Result<(), Error>, code: ExitCode) -> Result<ExitCode, Error> {
    match written {
        Ok(()) => Ok(code),
        Err(e) if e.is_broken_pipe() => Ok(code),
        Err(e) => Err(e),
    }
}

/// Refuses to write the report over a file the run reads (`-o plan.json`), before
/// anything is written.
fn refuse_output_over_input(output: Option<&PathBuf>, read: impl Iterator<Item = PathBuf>) -> Result<(), Error> {
    let Some(output) = output else { return Ok(()) };
    let Ok(target) = std::fs::canonicalize(output) else { return Ok(()) };
    for path in read {
        let files: Vec<PathBuf> = if path.is_dir() {
            std::fs::read_dir(&path).into_iter().flatten().flatten().map(|e| e.path()).collect()
        } else {
            vec![path]
        };
        if files.iter().any(|f| std::fs::canonicalize(f).is_ok_and(|c| c == target)) {
            return Err(Error::Usage {
                message: format!("--output {} is a file this run reads", output.display()),
                help: Some("write the report to another file".to_owned()),
            });
        }
    }
    Ok(())
}

/// What SARIF paths are relative to: the repository envwall runs in, else the
/// directory it runs in.
fn sarif_root() -> report::sarif::Root {
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = input::place::canonical(&cwd);
    let dir = input::place::repository_root(&cwd).unwrap_or_else(|| cwd.clone());
    report::sarif::Root { dir, cwd }
}

fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Info => Some(Severity::Info),
        FailOn::Low => Some(Severity::Low),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::High => Some(Severity::High),
        FailOn::Critical => Some(Severity::Critical),
        FailOn::None => None,
    }
}

fn graph(args: &GraphArgs) -> Result<ExitCode, Error> {
    analyse(&args.analysis, args.output.as_ref(), |a| {
        write_output(args.output.as_ref(), |w| match args.format {
            GraphFormat::Dot => report::graph::write_dot(w, a.graph, a.envs),
            GraphFormat::Mermaid => report::graph::write_mermaid(w, a.graph, a.envs),
            GraphFormat::Json => report::graph::write_json(w, a.graph, a.envs),
        })
    })?;
    Ok(ExitCode::SUCCESS)
}

fn explain(args: &ExplainArgs) -> Result<ExitCode, Error> {
    analyse(&args.analysis, None, |a| {
        let nodes = report::explain::find(a.graph, &args.address);
        if nodes.is_empty() {
            let near = report::explain::suggestions(a.graph, &args.address);
            return Err(Error::Usage {
                message: format!("no resource or endpoint `{}` in the inputs", args.address),
                help: (!near.is_empty()).then(|| format!("did you mean {}?", near.join(", "))),
            });
        }
        write_output(None, |w| match args.format {
            TextFormat::Text => report::explain::write_text(w, a.graph, a.envs, &a.findings, &nodes),
            TextFormat::Json => report::explain::write_json(w, a.graph, a.envs, &a.findings, &nodes),
        })
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The starter policy `envwall init` writes.
pub const STARTER_POLICY: &str = include_str!("../policies/starter.hcl");

fn init(args: &InitArgs) -> Result<ExitCode, Error> {
    // Never through a symbolic link (it could point anywhere), even with --force.
    if args.path.is_symlink() {
        return Err(Error::Usage {
            message: format!("{} is a symbolic link; envwall init does not write through one", args.path.display()),
            help: Some("remove the link, or name the file it points to".to_owned()),
        });
    }
    if args.path.exists() && !args.force {
        return Err(Error::Usage {
            message: format!("{} already exists", args.path.display()),
            help: Some("pass --force to overwrite it".to_owned()),
        });
    }
    let write = || -> std::io::Result<()> {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true);
        // Without --force, only a new file: nothing that appeared meanwhile is overwritten.
        if args.force {
            options.create(true).truncate(true)
        } else {
            options.create_new(true)
        };
        options.open(&args.path)?.write_all(STARTER_POLICY.as_bytes())
    };
    write().map_err(|source| Error::Output { target: args.path.display().to_string(), source })?;
    eprintln!("wrote {}; declare your environments' accounts, ranges and domains in it", args.path.display());
    Ok(ExitCode::SUCCESS)
}

/// The man pages, from the same definitions as `--help`.
fn man(args: &ManArgs) -> Result<ExitCode, Error> {
    use clap::CommandFactory as _;
    let command = Cli::command();
    let io = |target: String| move |source| Error::Output { target, source };
    let Some(dir) = &args.dir else {
        clap_mangen::Man::new(command).render(&mut std::io::stdout().lock()).map_err(io("standard output".into()))?;
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(dir).map_err(io(dir.display().to_string()))?;
    let mut pages = vec![("envwall".to_owned(), command.clone())];
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("envwall-{}", sub.get_name());
        let page = sub.clone().display_name(name.clone()).bin_name(format!("envwall {}", sub.get_name()));
        pages.push((name, page));
    }
    for (name, page) in pages {
        let path = dir.join(format!("{name}.1"));
        let mut text = Vec::new();
        clap_mangen::Man::new(page)
            .title(name.to_uppercase())
            .render(&mut text)
            .map_err(io(path.display().to_string()))?;
        std::fs::write(&path, text).map_err(io(path.display().to_string()))?;
        eprintln!("envwall: wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn rules_command(args: &RulesArgs) -> Result<ExitCode, Error> {
    if args.format == RulesFormat::Markdown {
        write_output(None, |w| w.write_all(rules::markdown_reference().as_bytes()))?;
        return Ok(ExitCode::SUCCESS);
    }
    match &args.code {
        None => write_output(None, |w| {
            for r in rules::RULES {
                writeln!(w, "{}  {:<32} {:<8} {}", r.code, r.name, r.severity.as_str(), r.summary)?;
            }
            Ok(())
        })?,
        Some(code) => {
            let rule =
                rules::RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code).ok_or_else(|| {
                    Error::Usage {
                        message: format!("no rule `{code}`"),
                        help: Some(format!(
                            "the rules are {}",
                            rules::RULES.iter().map(|r| r.code).collect::<Vec<_>>().join(", ")
                        )),
                    }
                })?;
            write_output(None, |w| {
                writeln!(
                    w,
                    "# {} {}\n\nDefault severity: {}. {}\n",
                    rule.code,
                    rule.name,
                    rule.severity.as_str(),
                    rule.summary
                )?;
                w.write_all(rule.docs.as_bytes())
            })?;
        }
    }
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
