//! One test per defect a hostile test of envwall found (D01–D24; the scripts
//! that reproduced them are in `../shared/repro/hardening/`). Each builds its
//! input here and asserts exactly what envwall does with it now.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;
use serde_json::Value;

/// A fresh scratch directory. `outside` puts it under the system's temporary
/// directory, outside this repository (for what depends on the repository
/// root); otherwise under the target directory.
fn scratch(name: &str, outside: bool) -> PathBuf {
    let base = if outside {
        std::env::temp_dir().join(format!("envwall-hardening-{}", std::process::id()))
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hardening")
    };
    let dir = base.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs envwall in `cwd`: (exit code, stdout, stderr).
fn run(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("envwall")
        .unwrap()
        .current_dir(cwd)
        .env_remove("TF_WORKSPACE")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or_else(|| panic!("{args:?} was killed by a signal"));
    (code, String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// stderr with miette's wrapping undone.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace("│ ", "")
}

/// (rule, from address or endpoint, to address or endpoint) of each finding in
/// a JSON report, sorted.
fn findings(json: &str) -> Vec<(String, String, String)> {
    let report: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let side = |s: &Value| s["address"].as_str().or(s["endpoint"].as_str()).unwrap_or("").to_owned();
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_owned(), side(&f["from"]), side(&f["to"])))
        .collect();
    out.sort();
    out
}

fn triple(rule: &str, from: &str, to: &str) -> (String, String, String) {
    (rule.to_owned(), from.to_owned(), to.to_owned())
}

const LAMBDA_TO_STAGING: &str = "resource \"aws_lambda_function\" \"api\" {\n  function_name = \"api-prod\"\n  environment {\n    variables = { DATABASE_URL = \"postgresql://u:pw@db.staging.example.com:5432/x\" }\n  }\n}\n";

#[test]
fn d01_heredoc_content_is_masked_in_the_quoted_source() {
    let dir = scratch("d01", false);
    write(
        &dir.join("main.tf"),
        "resource \"helm_release\" \"app\" {\n  name      = \"app-prod\"\n  namespace = \"prod\"\n  values = [<<EOT\ndatabase:\n  url: postgresql://u:HELMPW3@db3.staging.example.com:5432/x\n  password: HELMLEAK4\nEOT\n  ]\n}\n",
    );
    let (code, pretty, _) = run(&dir, &["check", "."]);
    assert_eq!(code, 1);
    assert!(!pretty.contains("HELMPW3") && !pretty.contains("HELMLEAK4"), "{pretty}");
    assert!(pretty.contains("url: postgresql://**********db3.staging.example.com:5432**"), "{pretty}");
    assert!(pretty.contains("password: *********"), "{pretty}");
    let (_, json, _) = run(&dir, &["check", "--format", "json", "."]);
    assert_eq!(findings(&json), [triple("EW201", "helm_release.app", "db3.staging.example.com:5432")]);
}

#[test]
fn d02_name_value_lists_mask_the_value_not_the_key() {
    let dir = scratch("d02", false);
    write(
        &dir.join("main.tf"),
        "resource \"aws_ecs_task_definition\" \"prod\" {\n  family                = \"orders2-prod\"\n  container_definitions = <<EOT\n[{\"name\":\"app\",\"image\":\"app:1\",\"environment\":[\n  {\"name\":\"DATABASE_URL\",\"value\":\"postgresql://u:pw@db2.staging.example.com:5432/x\"},\n  {\"name\":\"DB_PASSWORD\",\"value\":\"ECSLEAK5\"}\n]}]\nEOT\n}\nresource \"aws_ecs_task_definition\" \"prod3\" {\n  family = \"orders3-prod\"\n  container_definitions = jsonencode([{ name = \"app\", image = \"app:1\", environment = [\n    { name = \"DATABASE_URL\", value = \"postgresql://u:pw@db.staging.example.com:5432/x\" },\n    { name = \"DB_PASSWORD\", value = \"ECSLEAK2\" }\n  ] }])\n}\n",
    );
    let (code, pretty, _) = run(&dir, &["check", "."]);
    assert_eq!(code, 1);
    assert!(!pretty.contains("ECSLEAK"), "{pretty}");
    assert!(pretty.contains("{\"name\":\"DB_PASSWORD\",\"value\":\"********\"}"), "{pretty}");
    assert!(pretty.contains("{ name = \"DB_PASSWORD\", value = \"********\" }"), "{pretty}");
    let (_, json, _) = run(&dir, &["check", "--format", "json", "."]);
    assert_eq!(
        findings(&json),
        [
            triple("EW201", "aws_ecs_task_definition.prod", "db2.staging.example.com:5432"),
            triple("EW201", "aws_ecs_task_definition.prod3", "db.staging.example.com:5432"),
        ]
    );
}

#[test]
fn d03_values_are_masked_whatever_their_key_is_called() {
    let dir = scratch("d03", false);
    write(
        &dir.join("main.tf"),
        "resource \"aws_lambda_function\" \"api\" {\n  function_name = \"orders-prod\"\n  environment {\n    variables = {\n      DATABASE_URL    = \"postgresql://u:pw@db.staging.example.com:5432/x\"\n      SECRET_KEY      = \"LEAK01\"\n      DB_PWD          = \"LEAK02\"\n      JWT_SIGNING_KEY = \"LEAK03\"\n      ENCRYPTION_KEY  = \"LEAK04\"\n      x_password_x    = \"LEAK05\"\n      REDIS_AUTH      = \"LEAK06\"\n      CONN            = \"Driver={ODBC};Server=tcp:db14.staging.example.com,1433;Uid=a;Pwd={Hunter2;Secret14};\"\n      CONN2           = \"Server=db21.staging.example.com;Password=\\\"Hunter2;Secret21\\\";User Id=sa\"\n    }\n  }\n}\n",
    );
    let (code, pretty, _) = run(&dir, &["check", "."]);
    assert_eq!(code, 1);
    for secret in ["LEAK0", "Hunter2", "Secret14", "Secret21"] {
        assert!(!pretty.contains(secret), "{secret}:\n{pretty}");
    }
    assert!(pretty.contains("Server=****db14.staging.example.com,1433;Uid=*;Pwd={*******;********};"), "{pretty}");
    let (_, json, _) = run(&dir, &["check", "--format", "json", "."]);
    assert_eq!(
        findings(&json),
        [
            triple("EW201", "aws_lambda_function.api", "db.staging.example.com:5432"),
            triple("EW201", "aws_lambda_function.api", "db14.staging.example.com:1433"),
            triple("EW201", "aws_lambda_function.api", "db21.staging.example.com"),
        ]
    );
}

#[test]
fn d04_a_stack_is_placed_the_same_however_its_path_is_spelled() {
    let dir = scratch("d04", true);
    let git = Process::new("git").args(["init", "-q"]).current_dir(&dir).status();
    if !git.is_ok_and(|s| s.success()) {
        common::skip("d04", "needs `git` (a repository root to place the stack in)");
        return;
    }
    let config = "resource \"aws_lambda_function\" \"api\" {\n  function_name = \"orders-api\"\n  environment {\n    variables = { DATABASE_URL = \"postgresql://u:pw@orders.staging.example.com:5432/x\" }\n  }\n}\n";
    write(&dir.join("envs/prod/app/main.tf"), config);
    write(&dir.join("dev/envs/prod/app/main.tf"), config);
    let absolute = dir.join("dev/envs/prod/app");
    let runs: [(PathBuf, &str); 4] = [
        (dir.clone(), "envs/prod/app"),
        (dir.join("envs/prod/app"), "."),
        (dir.join("envs/prod"), "app"),
        (dir.clone(), absolute.to_str().unwrap()),
    ];
    for (cwd, path) in &runs {
        let (code, json, stderr) = run(cwd, &["check", "--format", "json", path]);
        assert_eq!(code, 1, "{path} in {}: {stderr}", cwd.display());
        assert_eq!(findings(&json), [triple("EW201", "aws_lambda_function.api", "orders.staging.example.com:5432")]);
    }
}

/// `n` locals, each the one before, the last in a resource's tag.
fn locals_chain(n: usize) -> String {
    let mut text = String::from("locals { l0 = \"x\" }\n");
    for i in 1..n {
        text.push_str(&format!("locals {{ l{i} = local.l{} }}\n", i - 1));
    }
    text.push_str(&format!(
        "resource \"aws_vpc\" \"prod\" {{\n  cidr_block = \"10.0.0.0/16\"\n  tags = {{ a = local.l{} }}\n}}\n",
        n - 1
    ));
    text
}

#[test]
fn d05_a_chain_of_100_000_locals_is_evaluated() {
    let dir = scratch("d05", false);
    write(&dir.join("main.tf"), &locals_chain(100_000));
    let (code, _, stderr) = run(&dir, &["graph", "--format", "json", "."]);
    assert_eq!(code, 0, "{stderr}");
    let (_, explained, _) = run(&dir, &["explain", "aws_vpc.prod", "--format", "json", "."]);
    assert!(explained.contains("\"address\": \"aws_vpc.prod\""), "{explained}");
}

#[test]
fn d06_a_value_too_large_to_evaluate_is_unknown_with_a_warning() {
    let dir = scratch("d06", false);
    let mut doubling = String::from("locals { l0 = \"ab\" }\n");
    for i in 1..=40 {
        doubling.push_str(&format!("locals {{ l{i} = \"${{local.l{p}}}${{local.l{p}}}\" }}\n", p = i - 1));
    }
    doubling
        .push_str("resource \"aws_vpc\" \"prod\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags = { a = local.l40 }\n}\n");
    write(&dir.join("a/main.tf"), &doubling);
    write(
        &dir.join("b/main.tf"),
        "locals {\n  a = [for i in range(1000) : tostring(i)]\n  f = [for x in local.a : [for y in local.a : [for z in local.a : \"${x}-${y}-${z}\"]]]\n}\nresource \"aws_vpc\" \"prod\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags       = { n = length(local.f) }\n}\n",
    );
    let (code, _, stderr) = run(&dir, &["check", "a"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        flat(&stderr).contains(
            "warning: a/main.tf:26:16: `\"${local.l24}${local.l24}\"`: evaluating it takes more than a million steps, envwall's limit for one value; the value is treated as unknown"
        ),
        "{stderr}"
    );
    let (code, _, stderr) = run(&dir, &["check", "b"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        flat(&stderr).contains("warning: b/main.tf:3:47: `[for z in local.a : \"${x}-${y}-${z}\"]`: evaluating it takes more than a million steps"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn d07_a_tfvars_file_that_is_not_a_regular_file_is_skipped() {
    let dir = scratch("d07", false);
    write(&dir.join("main.tf"), "resource \"aws_vpc\" \"prod\" { cidr_block = \"10.0.0.0/16\" }\n");
    std::os::unix::fs::symlink("/dev/urandom", dir.join("a.auto.tfvars")).unwrap();
    let (code, _, stderr) = run(&dir, &["check", "."]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: ./a.auto.tfvars: not a regular file; the stack is analysed without it"),
        "{stderr}"
    );
    // A file too large for its kind is refused, and the flag raises the limit.
    write(&dir.join("b.auto.tfvars"), &format!("x = \"{}\"\n", "a".repeat(2000)));
    std::fs::remove_file(dir.join("a.auto.tfvars")).unwrap();
    let (code, _, stderr) = run(&dir, &["--max-file-size", "1K", "check", "."]);
    assert_eq!(code, 2);
    assert!(
        flat(&stderr).contains(
            "./b.auto.tfvars is 1.9 KiB, more than the 1 KiB envwall reads of a variable file help: if the file is what you meant to pass, raise the limit: --max-file-size 2K"
        ),
        "{stderr}"
    );
    let (code, _, stderr) = run(&dir, &["--max-file-size", "2K", "check", "."]);
    assert_eq!(code, 0, "{stderr}");
}

#[cfg(unix)]
#[test]
fn d08_a_fifo_named_like_a_state_is_skipped_not_opened() {
    let dir = scratch("d08", false);
    write(&dir.join("prod/app/main.tf"), "resource \"aws_vpc\" \"prod\" { cidr_block = \"10.0.0.0/16\" }\n");
    let fifo = Process::new("mkfifo").arg(dir.join("prod/app/terraform.tfstate")).status();
    if !fifo.is_ok_and(|s| s.success()) {
        common::skip("d08", "needs `mkfifo` (a FIFO named like a state)");
        return;
    }
    let (code, _, stderr) = run(&dir, &["audit", "."]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: prod/app/terraform.tfstate: not a regular file; skipped"), "{stderr}");
}

#[test]
fn d09_output_onto_an_input_is_refused_before_anything_is_written() {
    let dir = scratch("d09", false);
    write(&dir.join("prod/net/main.tf"), "resource \"aws_vpc\" \"prod\" { cidr_block = \"10.0.0.0/16\" }\n");
    let state = "{\"version\":4,\"terraform_version\":\"1.11.4\",\"serial\":1,\"lineage\":\"x\",\"outputs\":{},\"resources\":[]}\n";
    write(&dir.join("prod/net/terraform.tfstate"), state);
    for args in [["audit", ".", "-o", "prod/net/terraform.tfstate"], ["check", "prod/net", "-o", "prod/net/main.tf"]] {
        let (code, stdout, stderr) = run(&dir, &args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty());
        assert!(flat(&stderr).contains(&format!("--output {} is a file this run reads", args[3])), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(dir.join("prod/net/terraform.tfstate")).unwrap(), state);
}

#[test]
fn d10_a_value_of_the_wrong_type_is_exit_2_with_its_path() {
    let dir = scratch("d10", false);
    let mut plan: Value =
        serde_json::from_str(&std::fs::read_to_string(common::fixture("incident/prod/plan.json")).unwrap()).unwrap();
    let changes = plan["resource_changes"].as_array_mut().unwrap();
    let n = changes.iter().position(|c| c["address"] == "aws_lambda_function.orders_api").unwrap();
    changes[n]["change"]["after"] = Value::from("oops");
    write(&dir.join("plan.json"), &plan.to_string());
    let (code, stdout, stderr) = run(&dir, &["check", "plan.json"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        flat(&stderr).contains(&format!(
            "plan.json: resource_changes[{n}].change.after: expected an object of attribute values, found a string"
        )),
        "{stderr}"
    );
}

#[test]
fn d11_the_exit_code_survives_a_closed_stdout() {
    let dir = scratch("d11", false);
    let mut resources = Vec::new();
    for i in 0..2000 {
        let env = if i % 2 == 1 { "prod" } else { "staging" };
        resources.push(serde_json::json!({"mode":"managed","type":"aws_vpc","name":format!("v{i}"),"instances":[{"attributes":{"id":format!("vpc-0{i:016x}"),"cidr_block":format!("10.{}.{}.0/24", i / 256, i % 256),"tags":{"Environment":env}}}]}));
        resources.push(serde_json::json!({"mode":"managed","type":"aws_security_group","name":format!("s{i}"),"instances":[{"attributes":{"id":format!("sg-0{i:016x}"),"vpc_id":format!("vpc-0{i:016x}"),"name":format!("sg{i}"),"ingress":[{"cidr_blocks":[format!("10.{}.{}.0/24", (i + 1) / 256, (i + 1) % 256)],"from_port":22,"to_port":22,"protocol":"tcp","self":false,"security_groups":[]}],"egress":[]}}]}));
    }
    let state = serde_json::json!({"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"x","outputs":{},"resources":resources});
    write(&dir.join("d11.tfstate"), &state.to_string());
    let (code, _, _) = run(&dir, &["check", "--format", "json", "d11.tfstate"]);
    assert_eq!(code, 1);
    // The reader takes ten bytes and goes: the report's writes then fail.
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("envwall"))
        .current_dir(&dir)
        .args(["check", "--format", "json", "d11.tfstate"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut head = [0u8; 10];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut head).unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

#[test]
fn d12_control_characters_are_escaped_on_the_terminal() {
    let dir = scratch("d12", false);
    let e = "\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[31mRED\r\nFAKE: all clear\u{8}\u{8}";
    let plan = serde_json::json!({"format_version":"1.2","resource_changes":[{"address":"aws_security_group.app","mode":"managed","type":"aws_security_group","name":"app",
        "change":{"actions":["create"],"before":null,"after":{"name":format!("orders-app-prod{e}"),"tags":{"Environment":format!("prod{e}")}},"after_unknown":{}}}]});
    write(&dir.join("d12.json"), &plan.to_string());
    let (code, text, _) = run(&dir, &["explain", "aws_security_group.app", "d12.json"]);
    assert_eq!(code, 0);
    assert!(!text.contains(['\u{1b}', '\u{7}', '\r', '\u{8}']), "{text:?}");
    assert!(
        text.contains(
            r#"tag Environment = "prod\x1b]0;PWNED\x07\x1b[2J\x1b[31mRED\r\nFAKE: all clear\x08\x08" (word `prod`)"#
        ),
        "{text}"
    );
}

#[test]
fn d13_stacks_of_two_directories_are_named_apart() {
    let root = common::root();
    let (code, json, stderr) =
        run(&root, &["audit", "--format", "json", "fixtures/audit/repo/prod", "fixtures/audit/repo/staging"]);
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&json).unwrap();
    let stacks: Vec<(String, u64)> = report["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_owned(), s["findings"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        stacks,
        [("prod/app".into(), 3), ("prod/network".into(), 0), ("staging/app".into(), 2), ("staging/network".into(), 0)]
    );
    let (code, _, stderr) = run(
        &root,
        &[
            "audit",
            "fixtures/audit/repo/prod",
            "fixtures/audit/repo/staging",
            "--state",
            "app=fixtures/audit/pulled/staging-app.tfstate",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        flat(&stderr).contains("--state app=fixtures/audit/pulled/staging-app.tfstate: no stack named `app` (stacks: prod/app, prod/network, staging/app, staging/network)"),
        "{stderr}"
    );
}

#[test]
fn d14_a_single_stack_audit_counts_its_findings() {
    let dir = scratch("d14", false);
    write(
        &dir.join("prod/app/main.tf"),
        "resource \"aws_lambda_function\" \"api\" {\n  function_name = \"orders-api-prod\"\n  environment {\n    variables = { DATABASE_URL = \"postgresql://u:pw@orders.staging.example.com:5432/x\" }\n  }\n}\n",
    );
    let (code, json, _) = run(&dir, &["audit", "--format", "json", "."]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["stacks"][0]["name"], "prod/app");
    assert_eq!(report["stacks"][0]["findings"], 1);
    assert_eq!(report["findings"][0]["from"]["stack"], "prod/app");
}

#[test]
fn d15_ipv6_ranges_find_the_links_their_ipv4_twins_find() {
    let dir = scratch("d15", false);
    let v6 = "resource \"aws_vpc\" \"staging\" {\n  cidr_block      = \"10.20.0.0/16\"\n  ipv6_cidr_block = \"2600:1f18:aaaa:bb00::/56\"\n  tags            = { Environment = \"staging\" }\n}\nresource \"aws_security_group\" \"db\" {\n  name = \"db-prod\"\n  ingress {\n    from_port        = 5432\n    to_port          = 5432\n    protocol         = \"tcp\"\n    ipv6_cidr_blocks = [\"2600:1f18:aaaa:bb00::/64\"]\n  }\n}\nresource \"aws_lambda_function\" \"api\" {\n  function_name = \"api-prod\"\n  environment {\n    variables = { DATABASE_URL = \"postgresql://u:pw@[2600:1f18:aaaa:bb00::5]:5432/x\" }\n  }\n}\n";
    let v4 = v6
        .replace("ipv6_cidr_blocks = [\"2600:1f18:aaaa:bb00::/64\"]", "cidr_blocks = [\"10.20.1.0/24\"]")
        .replace("[2600:1f18:aaaa:bb00::5]", "10.20.0.5");
    write(&dir.join("v6/main.tf"), v6);
    write(&dir.join("v4/main.tf"), &v4);
    let found = |stack: &str| {
        let (code, json, _) = run(&dir, &["check", "--format", "json", stack]);
        assert_eq!(code, 1, "{stack}");
        findings(&json)
    };
    assert_eq!(
        found("v6"),
        [
            triple("EW101", "2600:1f18:aaaa:bb00::/64", "aws_security_group.db"),
            triple("EW201", "aws_lambda_function.api", "[2600:1f18:aaaa:bb00::5]:5432"),
        ]
    );
    assert_eq!(
        found("v4"),
        [
            triple("EW101", "10.20.1.0/24", "aws_security_group.db"),
            triple("EW201", "aws_lambda_function.api", "10.20.0.5:5432"),
        ]
    );
}

#[test]
fn d16_dynamic_blocks_in_tf_json_are_expanded() {
    let dir = scratch("d16", false);
    write(
        &dir.join("main.tf.json"),
        r#"{ "resource": {
  "aws_vpc": { "staging": { "cidr_block": "10.20.0.0/16", "tags": { "Environment": "staging" } },
               "prod":    { "cidr_block": "10.10.0.0/16", "tags": { "Environment": "prod" } } },
  "aws_security_group": { "db": { "name": "db-prod", "vpc_id": "${aws_vpc.prod.id}",
    "dynamic": { "ingress": { "for_each": "${[aws_vpc.staging.cidr_block]}",
      "content": { "cidr_blocks": ["${ingress.value}"], "from_port": 5432, "to_port": 5432, "protocol": "tcp" } } } } } } }
"#,
    );
    let (code, json, stderr) = run(&dir, &["check", "--format", "json", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        findings(&json),
        [
            triple("EW101", "10.20.0.0/16", "aws_security_group.db"),
            triple("EW101", "aws_vpc.staging", "aws_security_group.db"),
        ]
    );
}

#[test]
fn d17_sensitive_values_are_evaluated_and_linked() {
    let dir = scratch("d17", false);
    write(
        &dir.join("main.tf"),
        &LAMBDA_TO_STAGING.replace(
            "DATABASE_URL = \"postgresql://u:pw@db.staging.example.com:5432/x\"",
            "DATABASE_URL = sensitive(\"postgresql://u:pw@db.staging.example.com:5432/x\")",
        ),
    );
    let (code, json, _) = run(&dir, &["check", "--format", "json", "."]);
    assert_eq!(code, 1);
    assert_eq!(findings(&json), [triple("EW201", "aws_lambda_function.api", "db.staging.example.com:5432")]);
}

#[test]
fn d18_configurations_terraform_accepts_are_read() {
    let dir = scratch("d18", false);
    write(&dir.join("a/main.tf"), "locals { x = 1e400 }\n");
    write(&dir.join("b/main.tf"), &format!("locals {{ x = {}1{} }}\n", "(".repeat(64), ")".repeat(64)));
    write(&dir.join("c/main.tf"), &format!("locals {{ x = {}1 }}\n", "1 + ".repeat(129)));
    for stack in ["a", "b", "c"] {
        let (code, stdout, stderr) = run(&dir, &["check", stack]);
        assert_eq!(code, 0, "{stack}: {stderr}");
        assert!(stdout.contains("envwall: no cross-environment findings in 0 resources"), "{stdout}");
    }
}

#[test]
fn d19_what_terraform_refuses_is_an_error_for_that_stack() {
    let dir = scratch("d19", false);
    write(
        &dir.join("a/main.tf"),
        "module \"me\" {\n  source = \"./\"\n}\nresource \"aws_vpc\" \"prod\" { cidr_block = \"10.0.0.0/16\" }\n",
    );
    write(
        &dir.join("b/main.tf"),
        "resource \"aws_vpc\" \"prod\" {\n  count      = -1\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    );
    write(
        &dir.join("c/main.tf"),
        "variable \"n\" { type = number }\nresource \"aws_vpc\" \"prod\" {\n  count = var.n\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    );
    write(&dir.join("c/terraform.tfvars"), "n = \"three\"\n");
    write(&dir.join("d/main.tf"), "variable \"n\" {\n  type    = number\n  default = 1\n}\n");
    let cases: [(&[&str], &str); 4] = [
        (
            &["check", "a"],
            "a/main.tf: module.me: module `me` (source `./`) calls the root module again: a module cannot call itself, directly or through others, and terraform init refuses it",
        ),
        (
            &["check", "b"],
            "b/main.tf:2:16: invalid count for aws_vpc.prod: it must be a whole number, zero or more, not -1",
        ),
        (
            &["check", "c"],
            "c/main.tf:1:23: variable `n`: the value from c/terraform.tfvars does not fit its type: a number is required, not string",
        ),
        (&["check", "d", "--var", "nope=1"], "--var nope=1: no Terraform source input declares a variable `nope`"),
    ];
    for (args, message) in cases {
        let (code, stdout, stderr) = run(&dir, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert!(flat(&stderr).contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn d20_state_takes_only_state() {
    let (code, _, stderr) = run(
        &common::root(),
        &["audit", "fixtures/audit/repo", "--state", "prod/network=fixtures/audit/repo/prod/app/main.tf"],
    );
    assert_eq!(code, 2);
    assert!(
        flat(&stderr).contains("--state prod/network=fixtures/audit/repo/prod/app/main.tf: fixtures/audit/repo/prod/app/main.tf is not Terraform state"),
        "{stderr}"
    );
}

#[test]
fn d21_policy_lookup_stays_inside_the_repository_and_is_reported() {
    let dir = scratch("d21", true);
    write(
        &dir.join(".envwall.hcl"),
        "exception \"planted\" {\n  rules   = [\"EW201\"]\n  address = \"*\"\n  reason  = \"planted\"\n}\n",
    );
    write(&dir.join("work/app/main.tf"), LAMBDA_TO_STAGING);
    let work = dir.join("work");
    // Outside any repository, the directory given is the root: the parent's
    // policy is not used.
    let (code, pretty, _) = run(&work, &["check", "app"]);
    assert_eq!(code, 1);
    assert!(pretty.ends_with("policy: the built-in policy\n"), "{pretty}");
    // Run from the directory with the policy, it is used, and said.
    let policy = std::fs::canonicalize(&dir).unwrap().join(".envwall.hcl");
    let (code, pretty, _) = run(&dir, &["check", "work/app"]);
    assert_eq!(code, 0);
    assert!(pretty.ends_with(&format!("policy: the built-in policy and {}\n", policy.display())), "{pretty}");
    let (_, json, _) = run(&dir, &["check", "--format", "json", "work/app"]);
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["policy_files"], serde_json::json!([policy.to_str().unwrap()]));
}

#[cfg(unix)]
#[test]
fn d22_init_does_not_write_through_a_link() {
    let dir = scratch("d22", false);
    std::os::unix::fs::symlink(dir.join("elsewhere.hcl"), dir.join(".envwall.hcl")).unwrap();
    let (code, _, stderr) = run(&dir, &["init"]);
    assert_eq!(code, 2);
    assert!(flat(&stderr).contains(".envwall.hcl is a symbolic link; envwall init does not write through one"));
    assert!(!dir.join("elsewhere.hcl").exists());
}

#[test]
fn d23_sarif_uris_are_percent_encoded() {
    let dir = scratch("d23", true);
    write(&dir.join("sp ace/envs/prod/app é/main.tf"), LAMBDA_TO_STAGING);
    let (code, sarif, _) = run(&dir, &["check", "--format", "sarif", "sp ace/envs/prod/app é"]);
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "sp%20ace/envs/prod/app%20%C3%A9/main.tf");
    assert_eq!(location["uriBaseId"], "%SRCROOT%");
    let base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert!(base.starts_with("file:///") && base.ends_with('/'), "{base}");
}

#[test]
fn d24_numbers_are_exact() {
    let dir = scratch("d24", false);
    write(
        &dir.join("main.tf"),
        "resource \"aws_lambda_function\" \"prod\" {\n  function_name = \"orders-prod\"\n  environment {\n    variables = { DATABASE_URL = \"postgresql://u:p@${tostring(123456789012345678901234567890)}-${tostring(1e308 * 10)}.staging.example.com:5432/x\" }\n  }\n}\n",
    );
    let (code, json, _) = run(&dir, &["check", "--format", "json", "."]);
    assert_eq!(code, 1);
    let host = format!("123456789012345678901234567890-1{}.staging.example.com:5432", "0".repeat(309));
    assert_eq!(findings(&json), [triple("EW201", "aws_lambda_function.prod", &host)]);
}
