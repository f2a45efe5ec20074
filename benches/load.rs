//! Load + graph, and a whole `check --format json`, against a plain
//! `serde_json::Value` parse, on generated plans of 1k, 5k, 10k and 50k resources,
//! and a plan of a million tiny resources.
//!
//! `cargo bench --bench load` (add `-- --quick` for 1k and 10k only). Each
//! measurement runs in a child process so that its peak memory (VmHWM) is its own;
//! the process uses mimalloc, as the baseline the targets are stated against does.
//! envwall reads the file as the command line does (streamed, never held whole);
//! the `Value` parse reads it into memory first.
//! Targets: load + graph of the 50k plan takes no longer than the `Value` parse,
//! and `check --format json` at most 1.25× it; peak memory of `check` at most 2×
//! the file size, the million tiny resources included; 10× more resources cost at
//! most 12× the time.

#[path = "support/gen_plan.rs"]
mod gen_plan;
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
        child(&args[i + 1], Path::new(&args[i + 2]), args[i + 3].parse().expect("runs"));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let sizes: &[usize] = if quick { &[1_000, 10_000] } else { &[1_000, 5_000, 10_000, 50_000] };
    println!(
        "{:>9} {:>8} {:>9} {:>11} {:>6} {:>11} {:>6} {:>9} {:>9} {:>9}",
        "resources",
        "file MB",
        "Value ms",
        "load+graph",
        "ratio",
        "check json",
        "ratio",
        "Value mem",
        "load mem",
        "check mem"
    );
    let mut ours = Vec::new();
    let mut plans: Vec<(usize, PathBuf)> = sizes.iter().map(|&n| (n, plan_file(n))).collect();
    if !quick {
        plans.push((1_000_000, tiny_plan_file(1_000_000)));
    }
    for (n, file) in plans {
        let size = std::fs::metadata(&file).expect("plan file").len() as f64;
        let runs = if n >= 1_000_000 {
            2
        } else if n >= 50_000 {
            5
        } else {
            7
        };
        let (base_t, base_m) = measure("value", &file, runs);
        let (our_t, our_m) = measure("envwall", &file, runs);
        let (check_t, check_m) = measure("check", &file, runs);
        ours.push((n, our_t));
        println!(
            "{n:>9} {:>8.1} {:>9.1} {:>11.1} {:>6.2} {:>11.1} {:>6.2} {:>8.2}× {:>8.2}× {:>8.2}×",
            size / 1e6,
            measure::ms(base_t),
            measure::ms(our_t),
            our_t.as_secs_f64() / base_t.as_secs_f64(),
            measure::ms(check_t),
            check_t.as_secs_f64() / base_t.as_secs_f64(),
            base_m as f64 / size,
            our_m as f64 / size,
            check_m as f64 / size,
        );
    }
    for (small, big) in [(1_000, 10_000), (5_000, 50_000)] {
        let t = |n| ours.iter().find(|(m, _)| *m == n).map(|(_, t)| t.as_secs_f64());
        if let (Some(a), Some(b)) = (t(small), t(big)) {
            println!("scaling {small} → {big} resources: {:.1}× the time (target ≤ 12×)", b / a);
        }
    }
}

/// The generated plan with `n` resources, written once under target/.
fn plan_file(n: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data dir");
    let path = dir.join(format!("plan-{n}-{SEED}.json"));
    if !path.exists() {
        let tmp = path.with_extension("tmp");
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp).expect("create plan"));
        gen_plan::write_plan(&mut w, n, SEED).expect("write plan");
        drop(w);
        std::fs::rename(&tmp, &path).expect("rename plan");
    }
    path
}

/// The plan of `n` tiny resources, written once under target/.
fn tiny_plan_file(n: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data dir");
    let path = dir.join(format!("tiny-{n}.json"));
    if !path.exists() {
        let tmp = path.with_extension("tmp");
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp).expect("create plan"));
        gen_plan::write_tiny_plan(&mut w, n).expect("write plan");
        std::io::Write::flush(&mut w).expect("write plan");
        drop(w);
        std::fs::rename(&tmp, &path).expect("rename plan");
    }
    path
}

/// Runs one measurement in a child process: (fastest run, peak memory growth).
fn measure(mode: &str, file: &Path, runs: usize) -> (Duration, u64) {
    let file = file.to_string_lossy();
    let n = measure::child_numbers(&["--child", mode, &file, &runs.to_string()]);
    (Duration::from_nanos(n[0]), n[1])
}

fn child(mode: &str, file: &Path, runs: usize) {
    let before = measure::peak_rss();
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        match mode {
            "value" => {
                let bytes = std::fs::read(file).expect("read plan");
                let start = Instant::now();
                let v: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
                best = best.min(start.elapsed());
                drop(v);
            }
            "check" => {
                let source = envwall::input::Source::read(file).expect("reads");
                let sources = [source];
                let model = envwall::input::load(&sources).expect("loads");
                let report = envwall::findings::check(
                    &model,
                    &envwall::policy::Policy::builtin(),
                    &envwall::input::Locator::new(&sources),
                );
                let mut out = Vec::new();
                envwall::report::json::write(&mut out, &report).expect("writes");
                best = best.min(start.elapsed());
                assert!(!out.is_empty());
            }
            _ => {
                let source = envwall::input::Source::read(file).expect("reads");
                let sources = [source];
                let model = envwall::input::load(&sources).expect("loads");
                let graph = envwall::graph::Graph::build(&model);
                best = best.min(start.elapsed());
                assert!(graph.inner.node_count() >= model.resources.len());
            }
        }
    }
    println!("{} {}", best.as_nanos(), measure::peak_rss().saturating_sub(before));
}
