//! The inputs users hand envwall by mistake: each is exit code 2 with a message
//! that says what is wrong and where, never a panic.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// `envwall graph` with no `terraform` or `tofu` on `PATH`: a binary planfile is
/// refused, not rendered (tests/planfile.rs renders them).
fn envwall_graph(path: &Path) -> (i32, String) {
    let out = Command::cargo_bin("envwall")
        .unwrap()
        .env("PATH", "")
        .args(["graph", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let code = out.status.code().expect("exited, not killed by a signal");
    assert!(out.stdout.is_empty(), "{}: no partial output on error", path.display());
    (code, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad-inputs");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Each message fragment must appear in stderr (miette wraps long lines, so
/// whitespace is normalised first).
fn assert_error(path: &Path, fragments: &[&str]) {
    let (code, stderr) = envwall_graph(path);
    assert_eq!(code, 2, "{}: {stderr}", path.display());
    let flat: String = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat = flat.replace("│ ", "");
    for f in fragments {
        assert!(flat.contains(f), "{}: expected `{f}` in:\n{stderr}", path.display());
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_inputs_are_exit_2_with_what_and_where() {
    let bad = |name: &str| common::fixture(&format!("bad/{name}"));
    let cases: Vec<(PathBuf, Vec<&str>)> = vec![
        (scratch("plan.out", b"PK\x03\x04\x14\x00\x00\x00tfplan"), vec!["is a binary plan file", "terraform show -json"]),
        (scratch("old.tfplan", b"tfplan\x00\x00\x01"), vec!["Terraform 0.11 or earlier"]),
        (bad("empty.json"), vec!["empty.json is empty"]),
        (bad("truncated.json"), vec!["truncated.json:6:1", "EOF while parsing"]),
        (bad("malformed.json"), vec!["malformed.json:4:70", "trailing comma"]),
        (bad("package.json"), vec!["not Terraform plan or state output", "`name`, `version`, `dependencies`"]),
        (bad("array.json"), vec!["not Terraform", "the top level is an array"]),
        (bad("format-2.json"), vec!["format_version 2.0", "reads versions 0.x and 1.x"]),
        (bad("wrong-type.json"), vec!["wrong-type.json:6:36", "invalid type: a string of 6 characters, expected a sequence", "resource_changes[0].change.actions"]),
        (bad("state-v2.json"), vec!["raw state file of version 2"]),
        (bad("bad-address.json"), vec!["resource_changes[0].address", "`aws_instance` is not a resource address"]),
        (bad("unknown-action.json"), vec!["resource_changes[0].change.actions", "unknown actions [\"explode\"]"]),
        (scratch("latin1.json", b"{\"format_version\": \"1.0\", \"x\": \"caf\xe9\"}"), vec!["not UTF-8", "line 1, column 36"]),
        (scratch("deep.json", &[b"{\"format_version\":\"1.2\",\"checks\":".as_slice(), &[b'['; 100_000]].concat()), vec!["EOF while parsing a list", "(at `checks`)"]),
        (scratch("deep-vars.json", &[b"{\"format_version\":\"1.2\",\"variables\":{\"x\":{\"value\":".as_slice(), &[b'['; 100_000], &[b']'; 100_000], b"}}}"].concat()), vec!["deep-vars.json:1:176: recursion limit exceeded", "(at `variables.x.value[0][0]", "[0][0]`)"]),
        (scratch("deep-vars-cut.json", &[b"{\"format_version\":\"1.2\",\"variables\":{\"x\":{\"value\":".as_slice(), &[b'['; 100_000]].concat()), vec!["deep-vars-cut.json:1:100050: EOF while parsing a list", "(at `variables`)"]),
        (scratch("deep-values.json", &[b"{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"a.b\",\"change\":{\"actions\":[\"create\"],\"after\":".as_slice(), &b"{\"a\":".repeat(50_000), b"1", &b"}".repeat(50_000), b"}}]}"].concat()), vec!["deep-values.json:1:726: recursion limit exceeded", "(at `resource_changes[0].change.after.a.a"]),
        (PathBuf::from("/nonexistent/plan.json"), vec!["cannot read /nonexistent/plan.json"]),
    ];
    for (path, fragments) in &cases {
        assert_error(path, fragments);
    }
}

#[test]
fn deep_nesting_in_a_section_envwall_skips_loads_without_overflow() {
    let body =
        [b"{\"format_version\":\"1.0\",\"checks\":".as_slice(), &[b'['; 200_000], &[b']'; 200_000], b"}"].concat();
    let path = scratch("deep-balanced.json", &body);
    let out = Command::cargo_bin("envwall").unwrap().args(["graph", "--format", "json"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "{\n  \"nodes\": [],\n  \"edges\": []\n}\n");
}
