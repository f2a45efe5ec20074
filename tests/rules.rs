//! Every rule against its own fixtures: `src/rules/<name>/<case>/` holds the inputs
//! (`*.json`), optionally `env` (the `--env` value), and `expected.txt` listing the
//! findings exactly, as `CODE FROM -> TO`. Cases named `good*` have none. A new rule
//! needs no new test code, only its folder.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use envwall::env::{StackOptions, classify};
use envwall::graph::Graph;
use envwall::policy::Policy;
use envwall::rules::{Context, RULES};

fn findings(case: &Path, code: &str) -> BTreeSet<String> {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(case)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    inputs.sort();
    let sources = envwall::input::read_sources(&inputs).unwrap();
    let model = envwall::input::load(&sources).unwrap();
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
        .filter(|f| f.rule == code)
        .map(|f| {
            let end = |e: &envwall::rules::End| match (e.node, &e.label) {
                (Some(n), _) => graph.node_name(n),
                (None, Some(l)) => l.replace(&prefix, ""),
                (None, None) => "?".to_owned(),
            };
            format!("{} {} -> {}", f.rule, end(&f.from), end(&f.to))
        })
        .collect()
}

#[test]
fn every_rule_flags_exactly_its_bad_fixtures_and_nothing_in_its_good_ones() {
    for rule in RULES {
        let dir = common::root().join("src/rules").join(rule.name.replace('-', "_"));
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        cases.sort();
        let names: Vec<String> = cases.iter().map(|c| c.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert!(names.iter().any(|n| n.starts_with("bad")), "{}: no bad case", rule.code);
        assert!(names.iter().any(|n| n.starts_with("good")), "{}: no good case", rule.code);
        for (case, name) in cases.iter().zip(&names) {
            let got = findings(case, rule.code);
            let want =
                if name.starts_with("good") { BTreeSet::new() } else { common::expected(&case.join("expected.txt")) };
            assert_eq!(got, want, "{} {name}", rule.code);
        }
    }
}

#[test]
fn every_rule_documents_itself_with_the_fixed_headings() {
    for rule in RULES {
        for heading in ["## What it does", "## Why is this bad?", "## How to fix", "## Example"] {
            assert!(rule.docs.contains(heading), "{} docs lack `{heading}`", rule.code);
        }
        assert!(rule.code.starts_with("EW") && rule.code.len() == 5, "{}", rule.code);
        assert!(rule.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", rule.name);
    }
}
