//! `envwall audit` on generated repositories of stacks, source and state.
//!
//! `cargo bench --bench audit` (add `-- --quick` for the small one only). Each
//! measurement runs in a child process so that its peak memory (VmHWM) is its own.
//! Target: an audit of 200 stacks and 20,000 resources finishes in seconds on a
//! 2-core machine (here: within 10 s), with memory proportional to the input.

#[path = "support/gen_repo.rs"]
mod gen_repo;
#[path = "support/measure.rs"]
mod measure;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEED: u64 = 7;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(Path::new(&args[i + 1]), args[i + 2].parse().expect("runs"));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let sizes: &[(usize, usize)] = if quick { &[(20, 2_000)] } else { &[(20, 2_000), (200, 20_000)] };
    println!(
        "{:>6} {:>9} {:>9} {:>8} {:>9} {:>9} {:>8}",
        "stacks", "resources", "input MB", "findings", "audit ms", "peak MB", "memory"
    );
    let mut last = None;
    for &(stacks, resources) in sizes {
        let (dir, stats) = repo(stacks, resources);
        let n = measure::child_numbers(&["--child", &dir.to_string_lossy(), "3"]);
        let (time, peak, found, loaded) = (Duration::from_nanos(n[0]), n[1], n[2], n[3]);
        println!(
            "{:>6} {loaded:>9} {:>9.1} {found:>8} {:>9.1} {:>9.1} {:>7.1}×",
            stats.stacks,
            stats.bytes as f64 / 1e6,
            measure::ms(time),
            peak as f64 / 1e6,
            peak as f64 / stats.bytes as f64
        );
        last = Some((stacks, time));
    }
    if let Some((stacks, time)) = last {
        let holds = if time.as_secs_f64() <= 10.0 { "holds" } else { "does NOT hold" };
        println!("target: {stacks} stacks audited in {:.2} s (≤ 10 s: {holds})", time.as_secs_f64());
    }
}

/// The generated repository, written once under target/.
fn repo(stacks: usize, resources: usize) -> (PathBuf, gen_repo::RepoStats) {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let dir = base.join(format!("repo-{stacks}-{resources}-{SEED}"));
    let tmp = base.join(format!("repo-{stacks}-{resources}-{SEED}.tmp"));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).expect("bench data dir");
    let stats = gen_repo::write_repo(&tmp, stacks, resources, SEED).expect("write repo");
    if !dir.exists() {
        std::fs::rename(&tmp, &dir).expect("rename repo");
    } else {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    (dir, stats)
}

/// Audits `dir` `runs` times as `envwall audit --format json` does; prints the
/// fastest time, peak memory growth, findings and resources.
fn child(dir: &Path, runs: usize) {
    let before = measure::peak_rss();
    let mut best = Duration::MAX;
    let (mut findings, mut resources) = (0, 0);
    for _ in 0..runs {
        let start = Instant::now();
        let stacks = envwall::audit::discover(&[dir.to_owned()], &[]).expect("stacks");
        let files = envwall::audit::read(&stacks).expect("reads");
        let options = envwall::input::hcl::Options::default();
        let (model, stack_of) =
            envwall::audit::load(&stacks, &files, &options, &envwall::audit::Progress::hidden()).expect("loads");
        let graph = envwall::graph::Graph::build(&model);
        let policy = envwall::policy::Policy::builtin();
        let envs = envwall::env::classify(&graph, &policy, &envwall::env::StackOptions::default());
        let ctx = envwall::rules::Context { graph: &graph, envs: &envs, policy: &policy };
        let found = envwall::rules::run(&ctx);
        let report = envwall::findings::report(
            &graph,
            &envs,
            &policy,
            &[],
            found,
            envwall::findings::Filter::default(),
            envwall::policy::Date::today(),
        );
        let summaries = envwall::audit::summary::stacks(&stacks, &stack_of, &graph, &envs, &report);
        let matrix = envwall::audit::summary::matrix(&graph, &envs);
        envwall::audit::summary::write_json(&mut std::io::sink(), &report, &summaries, &matrix).expect("writes");
        best = best.min(start.elapsed());
        findings = report.findings.len();
        resources = model.resources.len();
    }
    println!("{} {} {findings} {resources}", best.as_nanos(), measure::peak_rss().saturating_sub(before));
}
