//! A whole `envwall audit --format json` of generated repositories of stacks (source
//! and raw state, see `support/gen_repo.rs`), against reading and parsing their files
//! alone, on 20 stacks with 2,000 resources and 200 stacks with 20,000.
//!
//! `cargo bench --bench audit` (add `-- --quick` for the 20-stack repository only).
//! Each measurement runs in a child process so that its peak memory (VmHWM) is its
//! own, and is the fastest of several runs; the process uses mimalloc, as the binary
//! does. The audit is the CLI's pipeline: discover the stacks, read their states,
//! load every stack (source and state merged, remote states and data sources linked
//! across stacks), build the graph, classify environments, run the rules, build the
//! report, the stack summaries and the matrix, and write them as JSON. The baseline
//! reads every `.tf` and state file and parses them (hcl-edit, `serde_json::Value`)
//! on as many threads as envwall's own loading uses. The table shows the audit's
//! stages of its fastest run, its findings against the links the generator planted
//! and its warnings against those the generator means to cause.
//! Targets: the 200-stack audit finishes in seconds (here: ≤ 10 s) on a 2-core
//! machine, and peak memory stays proportional to the input: what the larger
//! repository adds to the peak, per byte it adds to the input (source + state), is
//! within 1.5× of the larger repository's peak per input byte (a fixed overhead
//! weighs on the small one's multiple; growth faster than the input would show here).

#[path = "support/gen_repo.rs"]
mod gen_repo;
#[path = "support/measure.rs"]
mod measure;

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEED: u64 = 7;
const TARGET_SECONDS: f64 = 10.0;
const TARGET_MEMORY_DRIFT: f64 = 1.5;
const STAGES: [&str; 6] = ["discover", "load", "graph", "envs", "rules", "report"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(&args[i + 1], Path::new(&args[i + 2]), args[i + 3].parse().expect("runs"));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let sizes: &[(usize, usize)] = if quick { &[(20, 2_000)] } else { &[(20, 2_000), (200, 20_000)] };
    println!(
        "{:>6} {:>9} {:>7} {:>9} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "stacks",
        "resources",
        "src MB",
        "state MB",
        "findings",
        "warnings",
        "parse ms",
        "audit ms",
        "peak MB",
        "parse mem",
        "audit mem"
    );
    let mut results = Vec::new();
    for &(stacks, resources) in sizes {
        let (dir, stats) = repo(stacks, resources);
        let input = (stats.source_bytes + stats.state_bytes) as f64;
        let runs = if resources >= 20_000 { 3 } else { 5 };
        let parse = measure("parse", &dir, runs);
        let audit = measure("audit", &dir, runs);
        println!(
            "{:>6} {:>9} {:>7.2} {:>9.1} {:>8} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>8.1}× {:>8.1}×",
            audit.stacks,
            audit.resources,
            stats.source_bytes as f64 / 1e6,
            stats.state_bytes as f64 / 1e6,
            format!("{}/{}", audit.findings, stats.cross_env_links),
            format!("{}/{}", audit.warnings, stats.warnings),
            measure::ms(parse.time),
            measure::ms(audit.time),
            audit.peak as f64 / 1e6,
            parse.peak as f64 / input,
            audit.peak as f64 / input,
        );
        let stages: Vec<String> =
            STAGES.iter().zip(&audit.stages).map(|(name, t)| format!("{name} {:.0}", measure::ms(*t))).collect();
        println!("       stages (ms): {}", stages.join(", "));
        if audit.findings != stats.cross_env_links || audit.warnings != stats.warnings {
            // Every planted link is one finding and every warning is meant; anything
            // else is an envwall gap (see `envwall audit DIR` for the messages).
            println!(
                "       (expected {} findings and {} warnings: see envwall audit {})",
                stats.cross_env_links,
                stats.warnings,
                dir.display()
            );
        }
        results.push((audit.stacks, audit.time, audit.peak as f64, input));
    }
    let holds = |ok: bool| if ok { "holds" } else { "does NOT hold" };
    if let Some(&(stacks, time, _, _)) = results.last() {
        let secs = time.as_secs_f64();
        println!(
            "target: {stacks} stacks audited in {secs:.2} s (≤ {TARGET_SECONDS} s: {})",
            holds(secs <= TARGET_SECONDS)
        );
    }
    if let [(_, _, peak_a, input_a), .., (big, _, peak_b, input_b)] = results.as_slice() {
        let (multiple, marginal) = (peak_b / input_b, (peak_b - peak_a) / (input_b - input_a));
        let drift = (multiple / marginal).max(marginal / multiple);
        println!(
            "target: peak memory {multiple:.1}× the input at {big} stacks, {marginal:.1}× the input it adds (proportional, within {TARGET_MEMORY_DRIFT}×: {})",
            holds(drift <= TARGET_MEMORY_DRIFT)
        );
    }
}

/// The generated repository, written once under target/ (with its stats beside it)
/// and reused while the generator and its arguments are the same.
fn repo(stacks: usize, resources: usize) -> (PathBuf, gen_repo::RepoStats) {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let name = format!("repo-{stacks}-{resources}-{SEED}");
    let dir = base.join(&name);
    let stats_file = base.join(format!("{name}.stats"));
    let header = format!("generator {}\n", gen_repo::VERSION);
    let kept = std::fs::read_to_string(&stats_file)
        .ok()
        .and_then(|text| text.strip_prefix(&header).and_then(gen_repo::RepoStats::parse));
    if let Some(stats) = kept.filter(|_| dir.is_dir()) {
        return (dir, stats);
    }
    let tmp = base.join(format!("{name}.tmp"));
    for old in [&tmp, &dir] {
        if old.exists() {
            std::fs::remove_dir_all(old).expect("remove an old repository");
        }
    }
    let stats = gen_repo::write_repo(&tmp, stacks, resources, SEED).expect("write repository");
    std::fs::rename(&tmp, &dir).expect("rename repository");
    std::fs::write(&stats_file, header + &stats.to_text()).expect("write stats");
    (dir, stats)
}

/// What a child process measured.
struct Measured {
    /// Fastest run.
    time: Duration,
    /// Peak memory growth, bytes.
    peak: u64,
    /// Stacks discovered (audit only).
    stacks: usize,
    /// Resource instances in the model (audit only).
    resources: usize,
    /// Findings in the report (audit only).
    findings: usize,
    /// Warnings of the load (audit only).
    warnings: usize,
    /// The fastest run's stages (audit only).
    stages: Vec<Duration>,
}

/// Runs one measurement in a child process.
fn measure(mode: &str, dir: &Path, runs: usize) -> Measured {
    let dir = dir.to_string_lossy();
    let n = measure::child_numbers(&["--child", mode, &dir, &runs.to_string()]);
    Measured {
        time: Duration::from_nanos(n[0]),
        peak: n[1],
        stacks: n[2] as usize,
        resources: n[3] as usize,
        findings: n[4] as usize,
        warnings: n[5] as usize,
        stages: n[6..].iter().map(|&t| Duration::from_nanos(t)).collect(),
    }
}

fn child(mode: &str, dir: &Path, runs: usize) {
    let before = measure::peak_rss();
    let mut best = Duration::MAX;
    let mut counts = [0usize; 4];
    let mut stages = vec![Duration::ZERO; STAGES.len()];
    for _ in 0..runs {
        let start = Instant::now();
        if mode == "parse" {
            let parsed = parse_all(dir);
            best = best.min(start.elapsed());
            assert!(parsed > 0);
            continue;
        }
        let (found, times) = audit(dir);
        let total = start.elapsed();
        if total < best {
            (best, counts, stages) = (total, found, times);
        }
    }
    let numbers: Vec<String> = [best.as_nanos(), u128::from(measure::peak_rss().saturating_sub(before))]
        .into_iter()
        .chain(counts.iter().map(|&c| c as u128))
        .chain(stages.iter().map(Duration::as_nanos))
        .map(|n| n.to_string())
        .collect();
    println!("{}", numbers.join(" "));
}

/// `envwall audit DIR --format json > /dev/null`, as `src/cli.rs` runs it: stacks,
/// resources, findings and warnings, and how long each stage took.
fn audit(dir: &Path) -> ([usize; 4], Vec<Duration>) {
    use envwall::{audit, env, findings, input, policy, rules};
    let mut lap = Lap(Instant::now(), Vec::new());
    let dirs = [dir.to_owned()];
    let policy = policy::Policy::discover(None, dir, &envwall::rules::codes()).expect("policy");
    let stacks = audit::discover(&dirs, &[], false).expect("stacks").stacks;
    let files = audit::read(&stacks);
    lap.lap();
    let audit::Loaded { model, stack_of, errors, dependencies } =
        audit::load(&stacks, &files, &input::hcl::Options::from_env(), &audit::Progress::hidden());
    assert!(errors.iter().all(Option::is_none), "{errors:?}");
    lap.lap();
    // As the CLI does: resource evidence gathered while the graph is built.
    let (graph, evidence) = env::build_graph(&model, &policy);
    lap.lap();
    let envs = env::classify_with(&graph, &policy, &env::StackOptions { env: None, workspace: None }, evidence);
    lap.lap();
    let found = rules::run(&rules::Context { graph: &graph, envs: &envs, policy: &policy });
    lap.lap();
    let report = findings::report(
        &graph,
        &envs,
        &policy,
        &envwall::input::Locator::new(&[]),
        found,
        findings::Filter::default(),
        policy::Date::now(),
    );
    let summaries = audit::summary::stacks(&stacks, &stack_of, &errors, &dependencies, &graph, &envs, &report);
    let matrix = audit::summary::matrix(&graph, &envs);
    audit::summary::write_json(&mut std::io::sink(), &report, &summaries, &matrix).expect("writes");
    lap.lap();
    ([stacks.len(), model.resources.len(), report.findings.len(), model.warnings.len()], lap.1)
}

/// Stage times.
struct Lap(Instant, Vec<Duration>);

impl Lap {
    fn lap(&mut self) {
        let now = Instant::now();
        self.1.push(now - self.0);
        self.0 = now;
    }
}

/// Reads every `.tf` and state file under `dir` and parses them (hcl-edit,
/// `serde_json::Value`), on as many threads as envwall's loading uses; returns how
/// many files it parsed.
fn parse_all(dir: &Path) -> usize {
    let mut paths = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("read repository dir") {
            let path = entry.expect("repository dir entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "tf" || x == "tfstate") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let parsed = paths
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("read file");
            if path.extension().is_some_and(|x| x == "tf") {
                let body: hcl_edit::structure::Body = text.parse().expect("valid HCL");
                body.len()
            } else {
                let state: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
                state.as_object().map_or(0, serde_json::Map::len)
            }
        })
        .collect::<Vec<_>>();
    parsed.len()
}
