//! `envwall graph` end to end: the exact output of each format, and DOT that
//! Graphviz renders.

mod common;

use std::io::Write;
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;

fn graph(args: &[&str]) -> String {
    let out =
        Command::cargo_bin("envwall").unwrap().current_dir(common::root()).arg("graph").args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn json_output() {
    insta::assert_snapshot!(graph(&["--format", "json", "fixtures/resolve/same-plan/plan.json"]));
}

#[test]
fn mermaid_output() {
    insta::assert_snapshot!(graph(&["--format", "mermaid", "fixtures/resolve/for-each/plan.json"]));
}

#[test]
fn dot_output_of_several_inputs() {
    insta::assert_snapshot!(graph(&["fixtures/multi/app/plan.json", "fixtures/multi/network/state.json"]));
}

#[test]
fn dot_renders_with_graphviz() {
    let Some(dot_command) = common::external(
        "dot_renders_with_graphviz",
        &[("dot", "-V")],
        "Graphviz; .ci/run installs the graphviz package",
    ) else {
        return;
    };
    let dot = graph(&["fixtures/resolve/splat/plan.json"]);
    let mut child = Process::new(dot_command)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "dot failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "dot warned: {}", String::from_utf8_lossy(&out.stderr));
    let svg = String::from_utf8(out.stdout).unwrap();
    // Keys with dots, slashes and brackets survive quoting.
    assert!(svg.contains("aws_security_group.zone[&quot;svc/x[1]&quot;]"), "{svg}");
    assert_eq!(svg.matches("class=\"node\"").count(), 13);
}

#[test]
fn output_flag_writes_the_file() {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("graph.json");
    let _ = std::fs::remove_file(&path);
    let stdout = graph(&["--format", "json", "fixtures/resolve/count/plan.json", "--output", path.to_str().unwrap()]);
    assert_eq!(stdout, "");
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, graph(&["--format", "json", "fixtures/resolve/count/plan.json"]));
}

#[test]
fn usage_errors_are_exit_2() {
    let out = Command::cargo_bin("envwall").unwrap().args(["graph"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::cargo_bin("envwall").unwrap().args(["graph", "--format", "svg", "x.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value 'svg'"));
}

#[test]
fn unknown_values_through_locals_are_warned_about() {
    let out = Command::cargo_bin("envwall")
        .unwrap()
        .current_dir(common::root())
        .args(["graph", "--format", "json", "fixtures/resolve/each-value/plan.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "warning: fixtures/resolve/each-value/plan.json: 1 value(s) unknown at plan time come through locals, which plan \
         JSON leaves out, so their links are not followed: aws_security_group_rule.via_local.source_security_group_id \
         (local.blue_sg)\nenvwall: 1 warning; -q hides them\n"
    );
}
