//! Every rule against its own fixtures: `src/rules/<name>/<case>/` holds the inputs
//! (`*.json`), optionally `env` (the `--env` value), and `expected.txt` listing the
//! findings exactly, as `CODE FROM -> TO`. Cases named `good*` have none. A new rule
//! needs no new test code, only its folder.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use envwall::rules::RULES;

fn findings(case: &Path, code: &str) -> BTreeSet<String> {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(case)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    inputs.sort();
    common::findings(&inputs, case).into_iter().filter(|f| f.starts_with(code)).collect()
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

/// Each rule case's pretty report, as a user reads it, kept beside the case
/// (`src/rules/<name>/<case>/pretty.snap`): a change of wording, evidence or
/// snippet shows in review. `INSTA_UPDATE=always cargo test --test rules` rewrites
/// them.
#[test]
fn every_rule_case_keeps_its_pretty_report() {
    for rule in RULES {
        let dir = common::root().join("src/rules").join(rule.name.replace('-', "_"));
        let mut cases: Vec<PathBuf> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
        cases.sort();
        for case in cases {
            let rel = case.strip_prefix(common::root()).unwrap().to_string_lossy().into_owned();
            let mut inputs: Vec<String> = std::fs::read_dir(&case)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .map(|p| format!("{rel}/{}", p.file_name().unwrap().to_string_lossy()))
                .collect();
            inputs.sort();
            let env = std::fs::read_to_string(case.join("env")).ok().map(|e| e.trim().to_owned());
            let mut args: Vec<&str> = vec!["check"];
            args.extend(inputs.iter().map(String::as_str));
            if let Some(env) = &env {
                args.extend(["--env", env.as_str()]);
            }
            let (_, out, _) = common::envwall(&args);
            insta::with_settings!({ snapshot_path => &case, prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!("pretty", out);
            });
        }
    }
}
