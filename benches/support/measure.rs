//! What every benchmark harness here shares: running a measurement in a child
//! process of the bench binary (so its peak memory is its own) and reading the
//! numbers it prints; the process's peak memory; milliseconds for tables.

use std::process::Command;
use std::time::Duration;

/// Runs this bench binary again with `args` and returns the numbers it prints on
/// standard output, in order.
pub fn child_numbers(args: &[&str]) -> Vec<u64> {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe).args(args).output().expect("run child");
    assert!(out.status.success(), "child failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf8");
    text.split_whitespace().map(|s| s.parse().expect("a number")).collect()
}

/// Peak resident memory of this process, in bytes (Linux `VmHWM`).
pub fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
