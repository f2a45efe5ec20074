//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use envwall::graph::{EdgeKind, Graph};
use envwall::input;
use petgraph::visit::EdgeRef;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// Every reference and containment edge of the graph of `paths`, in the referencing direction
/// (`FROM -> TO ATTRIBUTE DERIVATION`, the member first for containment), with
/// node names as `envwall graph` prints them.
pub fn edges(paths: &[PathBuf]) -> BTreeSet<String> {
    let sources = input::read_sources(paths).expect("inputs read");
    let model = input::load(&sources).expect("inputs load");
    let graph = Graph::build(&model);
    graph
        .inner
        .edge_references()
        .filter_map(|e| {
            let (from, to) = match e.weight().kind {
                EdgeKind::References => (e.source(), e.target()),
                EdgeKind::Contains => (e.target(), e.source()),
                // Traffic and peering edges are the rules' business (tests/rules.rs).
                EdgeKind::AllowsTraffic | EdgeKind::Peers | EdgeKind::ConnectsTo | EdgeKind::Grants => return None,
            };
            let attribute = if e.weight().attribute.is_empty() { "-" } else { &e.weight().attribute };
            Some(format!(
                "{} -> {} {} {}",
                strip(&graph.node_name(from)),
                strip(&graph.node_name(to)),
                attribute,
                e.weight().derivation.as_str()
            ))
        })
        .collect()
}

/// Node names carry the input path when there are several inputs; tests compare
/// them relative to the repository.
fn strip(name: &str) -> String {
    let prefix = format!("{}/", root().display());
    name.strip_prefix(&prefix).unwrap_or(name).to_owned()
}

/// The lines of an expectation file, without blanks and `#` comments.
pub fn expected(path: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// Every finding of `inputs` as `CODE FROM -> TO`, with the `env` file of `case`
/// (if any) as `--env`. Ends that are not graph nodes (a stack) are named by their
/// label with the case directory left out.
pub fn findings(inputs: &[PathBuf], case: &Path) -> BTreeSet<String> {
    use envwall::env::{StackOptions, classify};
    use envwall::policy::Policy;
    use envwall::rules::Context;
    let sources = input::read_sources(inputs).unwrap();
    let model = input::load(&sources).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
    let graph = Graph::build(&model);
    let policy = Policy::builtin();
    let env = std::fs::read_to_string(case.join("env"))
        .ok()
        .map(|s| policy.environment(s.trim()).expect("env file names an environment"));
    let envs = classify(&graph, &policy, &StackOptions { env, workspace: None });
    let ctx = Context { graph: &graph, envs: &envs, policy: &policy };
    let prefix = format!("{}/", case.display());
    envwall::rules::run(&ctx)
        .into_iter()
        .map(|f| {
            let end = |e: &envwall::rules::End| match (e.node, &e.label) {
                (Some(n), _) => graph.node_name(n).replace(&prefix, ""),
                (None, Some(l)) => l.replace(&prefix, ""),
                (None, None) => "?".to_owned(),
            };
            format!("{} {} -> {}", f.rule, end(&f.from), end(&f.to))
        })
        .collect()
}

/// A temporary directory holding `files`, removed when dropped.
pub struct Tree(PathBuf);

impl Tree {
    pub fn new(files: &[(&str, &str)]) -> Tree {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("envwall-hcl-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Tree(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An empty directory of its own for one test, removed afterwards.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("envwall-scratch-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// A path inside it.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// A path inside it, as a string (for command lines).
    pub fn file(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A miette report as one line: wrapped lines joined, frame characters dropped.
pub fn flat(report: &str) -> String {
    report.split_whitespace().filter(|w| !matches!(*w, "│" | "×" | "·")).collect::<Vec<_>>().join(" ")
}

/// Runs the `envwall` binary from the repository root, as a user in CI would
/// (no workspace in the environment, no colour, today fixed for exceptions), and
/// returns its exit code, standard output and standard error.
pub fn envwall(args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("envwall")
        .unwrap()
        .current_dir(root())
        .env_remove("TF_WORKSPACE")
        .env("ENVWALL_TODAY", "2026-11-26")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// Whether every test must run: `ENVWALL_TEST_ALL=1` (CI, after `.ci/run` has
/// installed what the tests need). Otherwise a test that needs something outside
/// the repository is skipped, saying so on standard error.
pub fn all_required() -> bool {
    std::env::var_os("ENVWALL_TEST_ALL").is_some_and(|v| v == "1")
}

/// The first of `commands` that runs (each with the flag that prints its
/// version), or `None` when none does and the test may be skipped: then `test` is
/// reported skipped on standard error, with `why`. With `ENVWALL_TEST_ALL=1` a
/// missing command fails the test.
pub fn external(test: &str, commands: &[(&str, &str)], why: &str) -> Option<String> {
    let found = commands
        .iter()
        .find(|(c, version)| std::process::Command::new(c).arg(version).output().is_ok_and(|o| o.status.success()));
    if let Some((c, _)) = found {
        return Some((*c).to_owned());
    }
    let names: Vec<&str> = commands.iter().map(|(c, _)| *c).collect();
    skip(test, &format!("needs `{}` ({why})", names.join("` or `")));
    None
}

/// Reports `test` skipped because of `why`; with `ENVWALL_TEST_ALL=1` it fails instead.
pub fn skip(test: &str, why: &str) {
    assert!(!all_required(), "{test}: {why}; ENVWALL_TEST_ALL=1 makes it required");
    // Past the test harness's capture, so that it shows when the test passes.
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {why}; set ENVWALL_TEST_ALL=1 to require it");
}

/// The findings of a JSON report, one line each as `line` writes it.
pub fn report_lines(out: &str, line: impl Fn(&serde_json::Value) -> String) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    report["findings"].as_array().expect("a findings list").iter().map(line).collect()
}

/// A report end as findings name it: its address, else its endpoint.
pub fn end_name(e: &serde_json::Value) -> String {
    e["address"].as_str().or(e["endpoint"].as_str()).unwrap_or("?").to_owned()
}
