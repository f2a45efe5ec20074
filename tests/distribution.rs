//! How envwall reaches its users: the GitHub Action's steps (run here with the
//! environment GitHub gives them), the pre-commit hooks, shell completions and
//! man pages.

mod common;

use common::Scratch;

use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Runs one of the action's step scripts as GitHub would: bash, from the
/// repository (the workspace), with `env` set.
fn step(script: &str, env: &[(&str, String)]) -> (i32, String, String) {
    let mut command = std::process::Command::new("bash");
    command.arg(common::root().join("action").join(script)).current_dir(common::root());
    command.env("ENVWALL_TODAY", "2026-11-26").env("NO_COLOR", "1").env_remove("TF_WORKSPACE");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn binary() -> String {
    assert_cmd::cargo::cargo_bin("envwall").display().to_string()
}

#[test]
fn the_action_annotates_summarises_and_writes_sarif() {
    let scratch = Scratch::new("action-run");
    let (output, summary) = (scratch.path("github_output"), scratch.path("step_summary"));
    let env = |args: &str| {
        vec![
            ("ENVWALL_ARGS", args.to_owned()),
            ("ENVWALL_BINARY", binary()),
            ("ENVWALL_SARIF", "true".to_owned()),
            ("ENVWALL_SUMMARY", "true".to_owned()),
            ("GITHUB_OUTPUT", output.display().to_string()),
            ("GITHUB_STEP_SUMMARY", summary.display().to_string()),
            ("RUNNER_TEMP", scratch.0.display().to_string()),
        ]
    };
    let args = "check fixtures/incident/prod/plan.json 'fixtures/incident/staging/terraform.tfstate' --fail-on high";
    let (code, out, err) = step("run.sh", &env(args));
    assert_eq!(code, 0, "{err}");
    let annotations: Vec<&str> = out.lines().filter(|l| l.starts_with("::error file=")).collect();
    assert_eq!(annotations.len(), 3, "{out}");
    assert_eq!(out.lines().last(), Some("envwall: 3 findings (1 critical, 2 high) in 14 resources"));
    let sarif = scratch.path("envwall.sarif");
    assert_eq!(read(&output), format!("exit-code=1\nsarif={}\n", sarif.display()));
    assert!(read(&summary).starts_with("## envwall: 3 findings (1 critical, 2 high) in 14 resources\n"));
    let log: serde_json::Value = serde_json::from_str(&read(&sarif)).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 3);

    // A clean run: exit code 0, a summary that says so.
    std::fs::remove_file(&output).unwrap();
    std::fs::remove_file(&summary).unwrap();
    let (code, _, err) = step("run.sh", &env("check src/rules/nonprod_traffic_into_prod/good/plan.json"));
    assert_eq!(code, 0, "{err}");
    assert!(read(&output).starts_with("exit-code=0\n"));
    assert!(read(&summary).contains("No production and non-production link found."));

    // Bad input: exit code 2 for the last step to fail the job, and nothing more.
    std::fs::remove_file(&output).unwrap();
    std::fs::remove_file(&summary).unwrap();
    let (code, _, err) = step("run.sh", &env("check fixtures/does-not-exist.json"));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("cannot read fixtures/does-not-exist.json"), "{err}");
    assert_eq!(read(&output), "exit-code=2\n");
    assert_eq!(read(&summary), "");
}

#[cfg(unix)]
#[test]
fn the_action_installs_with_cargo_unless_cached() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new("action-install");
    let (bin, root, path_file, calls) =
        (scratch.path("fake"), scratch.path("tools/envwall"), scratch.path("github_path"), scratch.path("calls"));
    std::fs::create_dir_all(&bin).unwrap();
    // A stand-in `cargo` that records its arguments and installs an empty binary.
    let cargo = bin.join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nmkdir -p \"$4/bin\" && printf '#!/bin/sh\\n' > \"$4/bin/envwall\" && chmod +x \"$4/bin/envwall\"\n",
            calls.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let env = |version: &str| {
        vec![
            ("PATH", path.clone()),
            ("ENVWALL_VERSION", version.to_owned()),
            ("ENVWALL_ROOT", root.display().to_string()),
            ("GITHUB_PATH", path_file.display().to_string()),
            ("GITHUB_ACTION_PATH", common::root().display().to_string()),
        ]
    };
    let (code, _, err) = step("install.sh", &env(""));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(&calls),
        format!("install --locked --root {} --path {} envwall\n", root.display(), common::root().display())
    );
    assert_eq!(read(&path_file), format!("{}/bin\n", root.display()));
    // Cached: no install.
    let (code, out, err) = step("install.sh", &env("v1.4.0"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("using the cached"), "{out}");
    assert_eq!(read(&calls).lines().count(), 1);
    // A version: from the repository at that tag, or commit.
    std::fs::remove_dir_all(&root).unwrap();
    step("install.sh", &env("v1.4.0"));
    std::fs::remove_dir_all(&root).unwrap();
    step("install.sh", &env("0123abcd"));
    let lines: Vec<String> = read(&calls).lines().skip(1).map(str::to_owned).collect();
    let r = root.display();
    assert_eq!(
        lines,
        [
            format!("install --locked --root {r} --git https://github.com/envwall/envwall --tag v1.4.0 envwall"),
            format!("install --locked --root {r} --git https://github.com/envwall/envwall --rev 0123abcd envwall"),
        ]
    );
}

/// The keys of a YAML mapping, in order.
fn keys(yaml: &yaml_rust2::Yaml) -> Vec<String> {
    yaml.as_hash().map(|h| h.keys().filter_map(|k| k.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

#[test]
fn the_action_and_the_hooks_are_what_their_runners_read() {
    let action = &yaml_rust2::YamlLoader::load_from_str(&read(&common::root().join("action.yml"))).unwrap()[0];
    assert_eq!(keys(&action["inputs"]), ["args", "version", "binary", "sarif", "summary"]);
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_vec().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.contains(&"\"$GITHUB_ACTION_PATH/action/install.sh\""));
    assert!(runs.contains(&"\"$GITHUB_ACTION_PATH/action/run.sh\""));
    assert!(steps.iter().all(|s| s["run"].is_badvalue() || s["shell"].as_str() == Some("bash")));
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert_eq!(uses, ["actions/cache@v4", "github/codeql-action/upload-sarif@v3"]);

    let hooks =
        &yaml_rust2::YamlLoader::load_from_str(&read(&common::root().join(".pre-commit-hooks.yaml"))).unwrap()[0];
    let hooks = hooks.as_vec().unwrap();
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["envwall-check", "envwall-audit"]);
    for h in hooks {
        assert_eq!(h["language"].as_str(), Some("rust"));
        let files = regex::Regex::new(h["files"].as_str().unwrap()).unwrap();
        assert!(files.is_match("live/prod/main.tf") && files.is_match("env/qa.tfvars") && !files.is_match("README.md"));
    }
    assert_eq!(hooks[0]["entry"].as_str(), Some("envwall check --dirs-of-files"));
}

#[test]
fn the_check_hook_checks_the_directories_of_the_files_it_is_given() {
    let case = "src/rules/nonprod_traffic_into_prod/bad";
    let (code, by_dir, err) = common::envwall(&["check", case, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let files = [format!("{case}/main.tf"), format!("{case}/providers.tf")];
    let (code, by_files, err) =
        common::envwall(&["check", "--dirs-of-files", &files[0], &files[1], "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(by_files, by_dir);
}

#[test]
fn completions_for_every_shell_and_man_pages_for_every_command() {
    for (shell, marker) in [
        ("bash", "complete -F _envwall"),
        ("zsh", "#compdef envwall"),
        ("fish", "complete -c envwall"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, out, err) = common::envwall(&["completions", shell]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(marker), "{shell}: no `{marker}`");
        assert!(out.contains("write-baseline"), "{shell}");
    }
    let (code, _, err) = common::envwall(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{err}");

    let scratch = Scratch::new("man");
    let (code, _, err) = common::envwall(&["man", "--dir", scratch.0.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut pages: Vec<String> =
        std::fs::read_dir(&scratch.0).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "envwall-audit.1",
            "envwall-check.1",
            "envwall-completions.1",
            "envwall-explain.1",
            "envwall-graph.1",
            "envwall-init.1",
            "envwall-man.1",
            "envwall-rules.1",
            "envwall.1"
        ]
    );
    let check = read(&scratch.path("envwall-check.1"));
    assert!(check.contains(".TH ENVWALL-CHECK 1"), "{}", &check[..200]);
    assert!(check.contains("envwall\\-check") && check.contains("\\-\\-baseline"), "{check}");
    let (code, top, _) = common::envwall(&["man"]);
    assert_eq!(code, 0);
    assert!(top.contains(".TH envwall 1"), "{}", &top[..200]);
}
