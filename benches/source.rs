//! A whole `check --format json` of a Terraform source directory, against reading
//! and parsing its files with hcl-edit alone (the parser envwall used before its
//! own), on generated trees of 200, 1,000 and
//! 2,500 `.tf` files.
//!
//! `cargo bench --bench source` (add `-- --quick` for the 200-file tree only). Each
//! measurement runs in child processes that use mimalloc, as the binary does: time
//! is the fastest of several runs in one child; peak memory (VmHWM growth) is that
//! of a child that runs once, as `envwall check` does (a child that runs several
//! times also keeps what its allocator retained between runs).
//! Both measurements read every file from disk (the page cache, after the first
//! run), and the baseline parses on as many threads as envwall's own parser uses.
//! The check is the CLI's pipeline: read the sources, load (parse, evaluate
//! variables, locals, modules, `count`/`for_each`), build the graph, classify
//! environments, run the rules, build the report and write it as JSON; each row is
//! followed by the fastest run's time per stage.
//! Targets: the check of the 2,500-file tree runs at 15 MB/s of source or faster,
//! with peak memory under 30× the source size.

#[path = "support/gen_source.rs"]
mod gen_source;
#[path = "support/measure.rs"]
mod measure;

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEED: u64 = 7;
const TARGET_MB_S: f64 = 15.0;
const TARGET_MEMORY: f64 = 30.0;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(&args[i + 1], Path::new(&args[i + 2]), args[i + 3].parse().expect("runs"));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let sizes: &[usize] = if quick { &[200] } else { &[200, 1_000, 2_500] };
    println!(
        "{:>6} {:>7} {:>7} {:>9} {:>8} {:>11} {:>8} {:>9} {:>8} {:>12} {:>9}",
        "files",
        "src MB",
        "blocks",
        "instances",
        "findings",
        "hcl-edit ms",
        "MB/s",
        "check ms",
        "MB/s",
        "hcl-edit mem",
        "check mem"
    );
    let mut last = None;
    for &n in sizes {
        let dir = tree_dir(n);
        let stats = tree_stats(&dir);
        let size = stats.bytes as f64;
        let runs = if n >= 2_500 { 5 } else { 7 };
        let parse = measure("parse", &dir, runs);
        let check = measure("check", &dir, runs);
        let (parse_peak, check_peak) = (measure("parse", &dir, 1).peak, measure("check", &dir, 1).peak);
        let mb_s = |t: Duration| size / 1e6 / t.as_secs_f64();
        println!(
            "{:>6} {:>7.2} {:>7} {:>9} {:>8} {:>11.1} {:>8.1} {:>9.1} {:>8.1} {:>11.1}× {:>8.1}×",
            stats.files,
            size / 1e6,
            stats.resources,
            check.resources,
            check.findings,
            measure::ms(parse.time),
            mb_s(parse.time),
            measure::ms(check.time),
            mb_s(check.time),
            parse_peak as f64 / size,
            check_peak as f64 / size,
        );
        println!(
            "       check stages: load {:.1} ms, graph {:.1} ms, environments + rules + report {:.1} ms",
            measure::ms(check.stages[0]),
            measure::ms(check.stages[1]),
            measure::ms(check.stages[2])
        );
        if check.warnings > 0 {
            // The generator writes trees envwall evaluates fully; a warning means an
            // evaluator gap (see `envwall check DIR` for the messages).
            println!("       ({} warnings loading {})", check.warnings, dir.display());
        }
        last = Some((stats.files, mb_s(check.time), check_peak as f64 / size));
    }
    if let Some((files, speed, memory)) = last {
        let holds = |ok: bool| if ok { "holds" } else { "does NOT hold" };
        println!(
            "targets on {files} files: check at {speed:.1} MB/s (≥ {TARGET_MB_S} MB/s: {}), peak memory {memory:.1}× the source (< {TARGET_MEMORY}×: {})",
            holds(speed >= TARGET_MB_S),
            holds(memory < TARGET_MEMORY),
        );
    }
}

/// The generated tree with `n` `.tf` files, written once under target/.
fn tree_dir(n: usize) -> PathBuf {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let dir = base.join(format!("source-{n}-{SEED}"));
    if !dir.exists() {
        let tmp = base.join(format!("source-{n}-{SEED}.tmp"));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).expect("remove a half-written tree");
        }
        gen_source::write_tree(&tmp, n, SEED).expect("write tree");
        std::fs::rename(&tmp, &dir).expect("rename tree");
    }
    dir
}

/// Counts what a written tree holds, as [`gen_source::write_tree`] reported it.
fn tree_stats(dir: &Path) -> gen_source::TreeStats {
    let mut stats = gen_source::TreeStats::default();
    for path in files_under(dir, |_| true) {
        let text = std::fs::read_to_string(&path).expect("read tree file");
        stats.bytes += text.len() as u64;
        if path.extension().is_some_and(|x| x == "tf") {
            stats.files += 1;
            stats.resources += text.lines().filter(|l| l.starts_with("resource \"")).count();
        }
    }
    stats
}

/// Files under `dir` that `keep` accepts, recursively, sorted.
fn files_under(dir: &Path, keep: fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("read tree dir") {
            let path = entry.expect("tree dir entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if keep(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// What a child process measured.
struct Measured {
    /// Fastest run.
    time: Duration,
    /// The fastest run's stages (check only): load, graph, the rest (environments,
    /// rules, report).
    stages: [Duration; 3],
    /// Peak memory growth, bytes.
    peak: u64,
    /// Resource instances in the model (check only).
    resources: usize,
    /// Findings in the report (check only).
    findings: usize,
    /// Warnings of the load (check only).
    warnings: usize,
}

/// Runs one measurement in a child process.
fn measure(mode: &str, dir: &Path, runs: usize) -> Measured {
    let dir = dir.to_string_lossy();
    let n = measure::child_numbers(&["--child", mode, &dir, &runs.to_string()]);
    Measured {
        time: Duration::from_nanos(n[0]),
        peak: n[1],
        resources: n[2] as usize,
        findings: n[3] as usize,
        warnings: n[4] as usize,
        stages: [Duration::from_nanos(n[5]), Duration::from_nanos(n[6]), Duration::from_nanos(n[7])],
    }
}

fn child(mode: &str, dir: &Path, runs: usize) {
    let before = measure::peak_rss();
    let mut best = Duration::MAX;
    let mut stages = [Duration::ZERO; 3];
    let (mut resources, mut findings, mut warnings) = (0, 0, 0);
    for _ in 0..runs {
        let start = Instant::now();
        match mode {
            "parse" => {
                let bodies = parse_all(dir);
                best = best.min(start.elapsed());
                assert!(!bodies.is_empty());
            }
            _ => {
                // The stages of `findings::check`, timed one by one.
                let sources = envwall::input::read_sources(&[dir.to_owned()]).expect("reads");
                let model =
                    envwall::input::load_with(&sources, &envwall::input::hcl::Options::default()).expect("loads");
                let loaded = start.elapsed();
                let policy = envwall::policy::Policy::builtin();
                let (graph, evidence) = envwall::env::build_graph(&model, &policy);
                let built = start.elapsed();
                let envs =
                    envwall::env::classify_with(&graph, &policy, &envwall::env::StackOptions::default(), evidence);
                let found =
                    envwall::rules::run(&envwall::rules::Context { graph: &graph, envs: &envs, policy: &policy });
                let report = envwall::findings::report(
                    &graph,
                    &envs,
                    &policy,
                    &envwall::input::Locator::new(&sources),
                    found,
                    envwall::findings::Filter::default(),
                    envwall::policy::Date::now(),
                );
                envwall::report::json::write(&mut std::io::sink(), &report).expect("writes");
                let total = start.elapsed();
                if total < best {
                    best = total;
                    stages = [loaded, built - loaded, total - built];
                }
                resources = model.resources.len();
                findings = report.findings.len();
                warnings = model.warnings.len();
            }
        }
    }
    let [load, graph, rest] = stages.map(|d| d.as_nanos());
    println!(
        "{} {} {resources} {findings} {warnings} {load} {graph} {rest}",
        best.as_nanos(),
        measure::peak_rss().saturating_sub(before)
    );
}

/// Reads and parses every `.tf` file under `dir` with hcl-edit, on as many threads
/// as envwall's parser uses.
fn parse_all(dir: &Path) -> Vec<hcl_edit::structure::Body> {
    let paths = files_under(dir, |p| p.extension().is_some_and(|x| x == "tf"));
    paths
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("read .tf file");
            text.parse::<hcl_edit::structure::Body>().expect("valid HCL")
        })
        .collect::<Vec<_>>()
}
