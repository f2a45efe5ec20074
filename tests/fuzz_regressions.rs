//! The fuzz targets' functions, run on every input a fuzzer ever crashed
//! (`fuzz/regressions/<target>/`, kept when each was fixed) and on the project's
//! own fixtures, so that `cargo test` guards what fuzzing found.

mod common;

use std::path::Path;

use envwall::fuzzing;

type Target = fn(&[u8]);

const TARGETS: &[(&str, Target)] = &[
    ("plan", fuzzing::plan_or_state),
    ("state", fuzzing::plan_or_state),
    ("hcl_native", fuzzing::hcl_native),
    ("hcl_differential", fuzzing::hcl_differential),
    ("evaluate", fuzzing::evaluate),
    ("policy", fuzzing::policy),
    ("connection_string", fuzzing::connection_string),
    ("address", fuzzing::address),
];

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_crash_fuzzing_found_stays_fixed() {
    let mut ran = 0;
    for (target, run) in TARGETS {
        let mut inputs = Vec::new();
        files(&common::root().join("fuzz/regressions").join(target), &mut inputs);
        for input in inputs {
            run(&std::fs::read(&input).unwrap());
            ran += 1;
        }
    }
    eprintln!("{ran} regression inputs");
}

#[test]
fn the_targets_take_the_fixtures() {
    let mut inputs = Vec::new();
    files(&common::root().join("fixtures"), &mut inputs);
    files(&common::root().join("src/rules"), &mut inputs);
    assert!(inputs.len() > 100, "{} fixture files", inputs.len());
    for input in &inputs {
        let bytes = std::fs::read(input).unwrap();
        let name = input.to_string_lossy();
        if name.ends_with(".json") || name.ends_with(".tfstate") {
            fuzzing::plan_or_state(&bytes);
        } else if name.ends_with(".tf") {
            fuzzing::hcl_native(&bytes);
            fuzzing::hcl_differential(&bytes);
        } else if name.ends_with(".hcl") {
            fuzzing::policy(&bytes);
        }
    }
    for value in [
        "postgresql://u:p@db.example.com:5432/x",
        "Server=tcp:h.example.com,1433;Pwd={a;b}",
        "module.a[\"k\"].aws_vpc.b[0]",
    ] {
        fuzzing::connection_string(value.as_bytes());
        fuzzing::address(value.as_bytes());
    }
    fuzzing::evaluate(b"resource \"aws_vpc\" \"prod\" { cidr_block = \"10.0.0.0/16\" }\n");
}
