//! Terraform source as input: every fixture that exists as plan JSON also exists as
//! the HCL it was planned from, and both must give the same findings. Source inputs
//! are the case directory plus `existing.tfstate` when the case has one: what the
//! provider knows of objects that already exist (a server's host name), which a
//! plan carries in its prior state and source cannot know. Other JSON beside the
//! plan (another stack's state) is an input of both forms.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for base in ["src/rules", "fixtures"] {
        for entry in walk(&common::root().join(base)) {
            // `fixtures/source/locals` shows what plan JSON loses: its findings differ by design.
            if entry.join("plan.json").is_file() && has_tf(&entry) && !entry.ends_with("source/locals") {
                out.push(entry);
            }
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_owned()];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() && e.file_name() != "modules" {
            out.extend(walk(&e.path()));
        }
    }
    out
}

fn has_tf(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|e| e.path().extension().is_some_and(|x| x == "tf"))
}

fn json_inputs(dir: &Path) -> Vec<PathBuf> {
    with_ext(dir, "json")
}

fn with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

/// Stack endpoints name their input; the plan's is `<case>/plan.json`, the
/// source's is `<case>`.
fn normalized(findings: BTreeSet<String>) -> BTreeSet<String> {
    findings.into_iter().map(|f| f.replace("stack plan.json", "stack <case>")).collect()
}

#[test]
fn every_plan_fixture_gives_the_same_findings_from_its_source() {
    let cases = cases();
    assert!(cases.len() >= 45, "only {} cases with both plan JSON and source", cases.len());
    let mut differ = Vec::new();
    for case in &cases {
        let plan: BTreeSet<String> = normalized(common::findings(&json_inputs(case), case))
            .into_iter()
            .map(|f| f.replace("plan.json:", ""))
            .collect();
        let mut source_inputs = vec![case.clone()];
        let existing = case.join("existing.tfstate");
        if existing.is_file() {
            source_inputs.push(existing.clone());
        }
        // Other stacks beside the plan (their state) are inputs of both forms.
        source_inputs.extend(json_inputs(case).into_iter().filter(|p| !p.ends_with("plan.json")));
        // With several inputs, resource names carry their input; leave it out.
        let source: BTreeSet<String> = common::findings(&source_inputs, case)
            .into_iter()
            .map(|f| {
                f.replace("existing.tfstate:", "")
                    .replace(&format!("{}:", case.display()), "")
                    .replace(&format!("stack {}", case.display()), "stack <case>")
            })
            .collect();
        if plan != source {
            differ.push(format!("{}:\n  plan   {plan:?}\n  source {source:?}", case.display()));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
