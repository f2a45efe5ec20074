//! The reality check for the loaders: every real plan and state file in
//! `../shared/corpus/plans` loads, and a handful give exactly the model and graph
//! they should.

mod common;

use std::path::{Path, PathBuf};

use envwall::graph::Graph;
use envwall::input;

/// `../shared/corpus/plans` beside the repository, or `None` when it is not there
/// (a fresh clone): then the test is skipped, unless `ENVWALL_TEST_ALL=1`.
fn corpus_dir(test: &str) -> Option<PathBuf> {
    let dir = common::root().join("../shared/corpus/plans");
    if dir.is_dir() {
        return Some(dir);
    }
    common::skip(test, &format!("needs the plan corpus at {}, which CI keeps beside the clone", dir.display()));
    None
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("the corpus must sit beside the repository at {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// (resources, reference and containment edges, traffic and peering edges) of one file.
fn counts(path: &Path) -> Result<(usize, usize, usize), String> {
    let sources = input::read_sources(&[path.to_owned()]).map_err(|e| e.to_string())?;
    let model = input::load(&sources).map_err(|e| e.to_string())?;
    let graph = Graph::build(&model);
    let links = graph.inner.edge_weights().filter(|e| e.link.is_some()).count();
    Ok((model.resources.len(), graph.inner.edge_count() - links, links))
}

#[test]
fn every_corpus_file_loads() {
    let Some(dir) = corpus_dir("every_corpus_file_loads") else { return };
    let mut all = Vec::new();
    files(&dir, &mut all);
    assert_eq!(all.len(), 250, "the corpus has 250 files");
    let failures: Vec<String> =
        all.iter().filter_map(|p| counts(p).err().map(|e| format!("{}: {e}", p.display()))).collect();
    assert!(failures.is_empty(), "{} files failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn selected_corpus_files_give_exact_counts() {
    let Some(dir) = corpus_dir("selected_corpus_files_give_exact_counts") else { return };
    let cases: &[(&str, (usize, usize, usize))] = &[
        // UTF-16 LE with a byte-order mark.
        ("bridgecrewio__checkov/tests__terraform__parser__resources__plan_encodings__tfplan_win_utf16.json", (1, 0, 0)),
        // Legacy v3 state with flatmap attributes in a child module.
        ("cycloidio__inframap/generate__testdata__version_3_state.json", (12, 33, 12)),
        // Duplicate keys in a v4 state (the last one wins).
        (
            "opentofu__opentofu/internal__states__statefile__testdata__roundtrip__v4-legacy-modules.in.tfstate.json",
            (4, 2, 0),
        ),
        // Google firewall rules: one disabled, two that deny: no traffic edges.
        ("GoogleCloudPlatform__terraform-validator/testdata__templates__full_compute_firewall.tfplan.json", (4, 7, 0)),
        // An empty plan from Terraform 0.13.
        ("GoogleCloudPlatform__terraform-google-conversion/tfplan2cai__testdata__empty-0.13.7.tfplan.json", (0, 0, 0)),
        // A state whose groups reference each other by id, with a standalone rule.
        ("cycloidio__inframap/generate__testdata__aws_state_sgr.json", (9, 9, 7)),
        // A rule whose group is created in the same plan (config reference).
        ("terraform-compliance__cli/tests__functional__test_issue-275__plan.out.json", (2, 3, 1)),
        // Format 0.1: instance keys beside the address, child modules' resources
        // without their module (3 instances of one counted resource, and one in a
        // module, are 4 resources more than the addresses say).
        ("hashicorp__terraform-json/testdata__no_changes__state.json", (7, 8, 0)),
        // Format 0.1 prior state: a child module's resources are the plan's, not
        // root ones besides.
        ("terraform-compliance__cli/tests__functional__test_issue-242__plan.out.json", (6, 3, 0)),
    ];
    for (rel, want) in cases {
        let got = counts(&dir.join(rel)).unwrap();
        assert_eq!(got, *want, "{rel}");
    }
}
