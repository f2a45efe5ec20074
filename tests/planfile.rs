//! Binary planfiles: `envwall check plan.out` runs `terraform show -json` (or
//! `tofu`, or `--terraform PATH`) on the planfile in its own directory and reads
//! what it prints, saying so on standard error; a failed rendering is exit 2 with
//! what the tool said; with no tool, the message says how to render it.

mod common;

use common::Scratch;

use std::path::Path;

/// `envwall ARGS` with `PATH` set to `path`.
fn envwall_with_path(args: &[&str], path: &str) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("envwall")
        .unwrap()
        .current_dir(common::root())
        .env("PATH", path)
        .env("ENVWALL_TODAY", "2026-11-26")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// A planfile's first bytes: a ZIP archive, as `terraform plan -out` writes.
const PLANFILE: &[u8] = b"PK\x03\x04\x14\x00\x08\x00\x08\x00tfplan";

#[cfg(unix)]
fn executable(path: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, script).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A stand-in `terraform` that checks it is asked for `show -json plan.out` in the
/// planfile's directory, and prints the plan JSON beside it (with shell builtins
/// only: `PATH` holds nothing else).
#[cfg(unix)]
#[test]
fn a_planfile_is_rendered_by_terraform_in_its_directory() {
    let scratch = Scratch::new("fake");
    let (bin, stack) = (scratch.0.join("bin"), scratch.0.join("stack"));
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&stack).unwrap();
    std::fs::write(stack.join("plan.out"), PLANFILE).unwrap();
    let case = common::root().join("src/rules/nonprod_traffic_into_prod/bad");
    std::fs::copy(case.join("plan.json"), stack.join("rendered.json")).unwrap();
    executable(
        &bin.join("terraform"),
        "#!/bin/sh\n[ \"$1 $2 $3\" = \"show -json plan.out\" ] || { echo \"unexpected arguments: $*\" >&2; exit 3; }\n[ -f rendered.json ] || { echo \"not in the planfile's directory: $PWD\" >&2; exit 4; }\nwhile IFS= read -r line || [ -n \"$line\" ]; do printf '%s\\n' \"$line\"; done < rendered.json\n",
    );
    let planfile = stack.join("plan.out");
    let (code, out, err) =
        envwall_with_path(&["check", planfile.to_str().unwrap(), "--format", "json"], bin.to_str().unwrap());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "envwall: rendering {} with `{} show -json` in {}",
            planfile.display(),
            bin.join("terraform").display(),
            stack.display()
        )),
        "{err}"
    );
    let got = common::report_lines(&out, |f| {
        format!("{} {} -> {}", f["rule"].as_str().unwrap(), common::end_name(&f["from"]), common::end_name(&f["to"]))
    });
    let want: Vec<String> = common::expected(&case.join("expected.txt")).into_iter().collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    assert_eq!(got_sorted, want);

    // `--terraform` names the program; `tofu` is found when `terraform` is not.
    std::fs::rename(bin.join("terraform"), bin.join("tofu")).unwrap();
    let (code, _, err) = envwall_with_path(&["check", planfile.to_str().unwrap(), "-q"], bin.to_str().unwrap());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("tofu show -json"), "{err}");
    let tofu = bin.join("tofu");
    let (code, _, err) =
        envwall_with_path(&["check", planfile.to_str().unwrap(), "--terraform", tofu.to_str().unwrap(), "-q"], "");
    assert_eq!(code, 1, "{err}");

    // A rendering that fails is exit 2 with what the tool said.
    executable(&tofu, "#!/bin/sh\necho 'Error: Failed to load plan: plugin missing' >&2\nexit 1\n");
    let (code, out, err) = envwall_with_path(&["check", planfile.to_str().unwrap()], bin.to_str().unwrap());
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    let flat = common::flat(&err);
    assert!(flat.contains("tofu show -json"), "{err}");
    assert!(flat.contains("failed: exit 1: Error: Failed to load plan: plugin missing"), "{err}");
    assert!(flat.contains("run `terraform init` in the planfile's directory first"), "{err}");

    // No tool at all: the planfile is refused, with how to render it.
    let (code, _, err) = envwall_with_path(&["check", planfile.to_str().unwrap()], "");
    assert_eq!(code, 2, "{err}");
    assert!(common::flat(&err).contains("is a binary plan file, not JSON"), "{err}");
    assert!(common::flat(&err).contains("terraform show -json"), "{err}");
}

/// A real planfile, made by the `terraform` on this machine with the built-in
/// `terraform_data` resource (no provider to download). The issue asks for this
/// test to be skipped when terraform is absent: CI machines have no terraform, and
/// the test above covers the same path with a stand-in.
#[test]
fn a_real_planfile_made_by_terraform_is_read() {
    let ok = std::process::Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: a_real_planfile_made_by_terraform_is_read: needs `terraform` on PATH");
        return;
    }
    let scratch = Scratch::new("real");
    std::fs::write(
        scratch.0.join("main.tf"),
        "resource \"terraform_data\" \"release\" {\n  input = \"orders-prod\"\n}\n",
    )
    .unwrap();
    let terraform = |args: &[&str]| {
        let out = std::process::Command::new("terraform")
            .args(args)
            .current_dir(&scratch.0)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .unwrap();
        assert!(out.status.success(), "terraform {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    terraform(&["init", "-input=false", "-no-color"]);
    terraform(&["plan", "-input=false", "-no-color", "-out", "plan.out"]);
    let planfile = scratch.0.join("plan.out");
    let (code, out, err) = common::envwall(&["check", planfile.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("envwall: rendering ") && err.contains("show -json` in "), "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["resources"], 1);
    assert_eq!(report["findings"], serde_json::json!([]));
}
