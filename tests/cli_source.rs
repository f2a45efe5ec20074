//! `envwall check` on Terraform source: locations with ranges, snippets in the
//! pretty report (secrets masked), SARIF regions, inline suppression, `--source`
//! for plans, and bad source or bad `--var`.

mod common;

use serde_json::Value;

use common::envwall;

const SUPPRESSED: &str = "fixtures/source/suppressed";
const PROD_SOURCE: &str = "fixtures/incident/prod";
const PROD_PLAN: &str = "fixtures/incident/prod/plan.json";
const STAGING: &str = "fixtures/incident/staging/terraform.tfstate";

fn json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = envwall(&all);
    assert_ne!(code, 2, "{err}");
    (code, serde_json::from_str(&out).unwrap())
}

#[test]
fn inline_comments_suppress_the_rule_they_name_on_the_block_or_attribute_they_sit_on() {
    let (code, report) = json(&[SUPPRESSED]);
    assert_eq!(code, 1, "the finding with the wrong rule code still fails the run");
    let got: Vec<(String, Value)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["via"]["address"].as_str().unwrap().to_owned(), f["suppressed"].clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "aws_security_group_rule.from_bastion".to_owned(),
                serde_json::json!({"kind": "inline", "name": "fixtures/source/suppressed/main.tf:35", "reason": "the shared bastion subnet, reviewed in OPS-7"})
            ),
            ("aws_security_group_rule.from_ci".to_owned(), Value::Null),
            (
                "aws_security_group_rule.from_staging".to_owned(),
                serde_json::json!({"kind": "inline", "name": "fixtures/source/suppressed/main.tf:20", "reason": "data migration from staging, OPS-42"})
            ),
        ]
    );
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(report["summary"]["findings"], 1);
}

/// A file the native parser leaves to hcl-edit (a template directive) has its
/// suppressions and attribute locations all the same.
#[test]
fn suppressions_and_locations_hold_in_files_hcl_edit_reads() {
    let text = std::fs::read_to_string(format!("{SUPPRESSED}/main.tf")).unwrap();
    let directive = "\nlocals {\n  greeting = \"%{ if true }hello%{ endif }\"\n}\n";
    let tree = common::Tree::new(&[("main.tf", &format!("{text}{directive}"))]);
    let dir = tree.path().to_str().unwrap();
    let (code, report) = json(&[dir]);
    assert_eq!(code, 1);
    let file = format!("{dir}/main.tf");
    let got: Vec<(&str, &Value)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["via"]["address"].as_str().unwrap(), &f["suppressed"]["name"]))
        .collect();
    assert_eq!(
        got,
        [
            ("aws_security_group_rule.from_bastion", &Value::from(format!("{file}:35"))),
            ("aws_security_group_rule.from_ci", &Value::Null),
            ("aws_security_group_rule.from_staging", &Value::from(format!("{file}:20"))),
        ]
    );
    assert_eq!(
        report["findings"][1]["location"],
        serde_json::json!({"file": file, "line": 45, "column": 3, "end_line": 45, "end_column": 39})
    );
}

#[test]
fn findings_from_source_point_at_the_attribute_that_makes_the_link() {
    let (_, report) = json(&[SUPPRESSED]);
    let ci = &report["findings"][1];
    assert_eq!(
        ci["location"],
        serde_json::json!({"file": "fixtures/source/suppressed/main.tf", "line": 45, "column": 3, "end_line": 45, "end_column": 39})
    );
}

#[test]
fn sarif_results_carry_regions_and_in_source_suppressions() {
    let (_, out, _) = envwall(&["check", SUPPRESSED, "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let region = &results[1]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region, &serde_json::json!({"startLine": 45, "startColumn": 3, "endLine": 45, "endColumn": 39}));
    assert_eq!(results[0]["suppressions"][0]["kind"], "inSource");
    assert!(results[1].get("suppressions").is_none());
}

#[test]
fn the_pretty_report_quotes_the_source_with_labels_and_masks_secrets() {
    let (code, out, err) = envwall(&["check", PROD_SOURCE, STAGING]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("╭─[fixtures/incident/prod/main.tf:67:5]"), "{out}");
    assert!(out.contains("this creates the link"), "{out}");
    assert!(out.contains("from: production"), "{out}");
    // The user info and the database are masked; the host and port are kept.
    let url = format!(
        "postgresql://{}orders-staging.c9akciq32xyz.eu-west-1.rds.amazonaws.com:5432{}\"",
        "*".repeat(22),
        "*".repeat(7)
    );
    assert!(out.contains(&format!("DATABASE_URL = \"{url}")), "{out}");
    assert!(!out.contains("s3cr3t"), "a password reached the report:\n{out}");
}

#[test]
fn source_and_plan_give_the_same_findings_and_source_gives_plan_findings_lines() {
    let (_, from_source) = json(&[PROD_SOURCE, STAGING]);
    let (_, from_plan) = json(&[PROD_PLAN, "--source", PROD_SOURCE, STAGING]);
    let (_, plan_only) = json(&[PROD_PLAN, STAGING]);
    let summary = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {} {}", f["rule"], f["via"]["address"], f["location"]["file"]))
            .collect()
    };
    let source = summary(&from_source);
    let with_source = summary(&from_plan);
    assert_eq!(source, with_source);
    assert!(with_source.iter().all(|f| f.contains("main.tf") || f.contains("terraform.tfstate")), "{with_source:?}");
    assert!(summary(&plan_only).iter().any(|f| f.contains("plan.json")));
}

#[test]
fn source_recovers_links_through_locals_that_plan_json_loses() {
    let dir = "fixtures/source/locals";
    let (_, plan_only) = json(&[&format!("{dir}/plan.json")]);
    let (_, with_source) = json(&[&format!("{dir}/plan.json"), "--source", dir]);
    let rules = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {} via {}", f["rule"], f["from"]["address"], f["via"]["address"]))
            .collect()
    };
    assert_eq!(rules(&plan_only), Vec::<String>::new());
    assert_eq!(
        rules(&with_source),
        vec![
            r#""EW101" "aws_security_group.staging_app" via "aws_security_group.cache""#,
            r#""EW101" "aws_security_group.staging_app" via "aws_vpc_security_group_ingress_rule.db_from_app""#,
        ]
    );
}

#[test]
fn a_syntax_error_is_exit_2_with_a_labelled_span() {
    let (code, _, err) = envwall(&["check", "fixtures/bad/source-syntax"]);
    assert_eq!(code, 2);
    assert!(err.contains("main.tf:4:2: invalid block body"), "{err}");
    assert!(err.contains("╭─[fixtures/bad/source-syntax/main.tf:4:2]"), "{err}");
}

#[test]
fn a_var_without_a_value_is_a_usage_error() {
    let (code, _, err) = envwall(&["check", SUPPRESSED, "--var", "region"]);
    assert_eq!(code, 2);
    assert!(err.contains("--var region: expected NAME=VALUE"), "{err}");
}

#[test]
fn more_sources_than_plans_is_an_error() {
    let (code, _, err) = envwall(&["check", PROD_PLAN, "--source", PROD_SOURCE, "--source", SUPPRESSED]);
    assert_eq!(code, 2);
    let err = err.split_whitespace().filter(|w| *w != "│").collect::<Vec<_>>().join(" ");
    assert!(err.contains("2 --source directories given for 1 plan or state inputs"), "{err}");
}

#[test]
fn a_missing_source_directory_is_an_error() {
    let (code, _, err) = envwall(&["check", "fixtures/no/such/dir/"]);
    assert_eq!(code, 2);
    assert!(err.contains("fixtures/no/such/dir"), "{err}");
}

#[test]
fn explain_says_where_a_source_resource_is_written() {
    let (code, out, err) = envwall(&["explain", "aws_security_group_rule.from_ci", SUPPRESSED]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  written at:  fixtures/source/suppressed/main.tf:40:1\n"), "{out}");
}

#[test]
fn a_directory_without_terraform_files_is_an_error_that_says_what_to_pass() {
    let tree = common::Tree::new(&[("plan.json", "{}")]);
    let (code, _, err) = envwall(&["check", tree.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    let err = common::flat(&err);
    assert!(
        err.contains("no .tf, .tf.json or .tofu files in this directory; to read plan.json, pass the file itself"),
        "{err}"
    );
}

/// A link an override file makes points into the override file, where the
/// attribute that makes it is written (Terraform's plan of the same files finds
/// the same link: `fixtures/source/overrides/plan.json`).
#[test]
fn a_link_an_override_file_makes_points_into_the_override_file() {
    let (code, report) = json(&["fixtures/source/overrides"]);
    assert_eq!(code, 1);
    let f = &report["findings"][0];
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert_eq!(f["rule"], "EW101");
    assert_eq!(f["from"]["endpoint"], "10.20.0.0/16");
    assert_eq!(f["to"]["address"], "aws_security_group.db");
    assert_eq!(
        f["location"],
        serde_json::json!({"file": "fixtures/source/overrides/override.tf", "line": 7, "column": 5, "end_line": 7, "end_column": 40})
    );
}

/// OpenTofu's files: `.tofu` and `.tofu.json` are read, and a `.tofu` file replaces
/// the `.tf` file of the same name (OpenTofu reads only the `.tofu` one), in a
/// root module, in the modules it calls and in `audit`.
#[test]
fn opentofu_files_are_read_and_replace_the_tf_files_of_their_name() {
    let group = "resource \"aws_security_group\" \"db\" {\n  name = \"ledger-db-prod\"\n  tags = { Environment = \"prod\" }\n}\n";
    let rule = |name: &str, cidr: &str| {
        format!(
            "resource \"aws_security_group_rule\" \"{name}\" {{\n  type = \"ingress\"\n  from_port = 5432\n  to_port = 5432\n  protocol = \"tcp\"\n  cidr_blocks = [{cidr}]\n  security_group_id = aws_security_group.db.id\n}}\n"
        )
    };
    let main_tf = format!("{group}{}", rule("terraform_only", "\"10.20.0.0/16\""));
    let network = format!(
        "resource \"aws_vpc\" \"staging\" {{\n  cidr_block = \"10.20.0.0/16\"\n  tags = {{ Environment = \"staging\" }}\n}}\n{}",
        rule("tofu_only", "aws_vpc.staging.cidr_block")
    );
    let json = r#"{"resource": {"aws_security_group_rule": {"tofu_json": {"type": "ingress", "from_port": 6379, "to_port": 6379, "protocol": "tcp", "cidr_blocks": ["10.20.0.0/16"], "security_group_id": "${aws_security_group.db.id}"}}}}"#;
    let tree = common::Tree::new(&[
        ("live/prod/main.tf", main_tf.as_str()),
        ("live/prod/main.tofu", group),
        ("live/prod/network.tofu", network.as_str()),
        ("live/prod/cache.tofu.json", json),
    ]);
    let dir = tree.path().join("live/prod");
    let vias = |out: &str| -> Vec<String> {
        let report: serde_json::Value = serde_json::from_str(out).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["via"]["address"].as_str().unwrap().to_owned())
            .collect()
    };
    let (code, out, err) = envwall(&["check", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(vias(&out), ["aws_security_group_rule.tofu_json", "aws_security_group_rule.tofu_only"]);
    let (code, out, err) = envwall(&["audit", tree.path().to_str().unwrap(), "--format", "json", "-q"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(vias(&out), ["aws_security_group_rule.tofu_json", "aws_security_group_rule.tofu_only"]);
    // One `.tofu` file on its own.
    let (code, out, err) = envwall(&["check", dir.join("network.tofu").to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["summary"]["resources"], 2);
}

const DB_MODULE: &str = r#"
variable "environment" {}
variable "allowed_cidr" {}
resource "aws_security_group" "db" {
  name = "ledger-db-${var.environment}"
  tags = { Environment = var.environment }
}
resource "aws_security_group_rule" "allowed" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = [var.allowed_cidr]
  security_group_id = aws_security_group.db.id
}
"#;

const NET_MODULE: &str = r#"
variable "environment" {}
variable "cidr" {}
resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = { Environment = var.environment }
}
"#;

/// `check` on a Terragrunt unit, by its directory or its `terragrunt.hcl`: the
/// module it takes, read with the unit's inputs; a unit whose module is remote is
/// listed with no resources and a warning.
#[test]
fn check_reads_a_terragrunt_unit_by_its_directory_or_file() {
    let unit = |source: &str, inputs: &str| {
        format!("terraform {{\n  source = \"{source}\"\n}}\n\ninputs = {{\n{inputs}\n}}\n")
    };
    let db = unit("../../../modules//db", "  environment = \"prod\"\n  allowed_cidr = \"10.20.0.0/16\"");
    let net = unit("../../../modules//net", "  environment = \"staging\"\n  cidr = \"10.20.0.0/16\"");
    let remote = unit("git::https://github.com/acme/modules.git//app?ref=v1.2.0", "  environment = \"prod\"");
    let tree = common::Tree::new(&[
        ("modules/db/main.tf", DB_MODULE),
        ("modules/net/main.tf", NET_MODULE),
        ("live/prod/db/terragrunt.hcl", db.as_str()),
        ("live/staging/net/terragrunt.hcl", net.as_str()),
        ("live/prod/app/terragrunt.hcl", remote.as_str()),
    ]);
    let live = tree.path().join("live");
    let findings = |args: &[&str]| -> (i32, Vec<String>, String) {
        let (code, out, err) = envwall(args);
        let lines = common::report_lines(&out, |f| {
            format!(
                "{} {} -> {}",
                f["rule"].as_str().unwrap(),
                common::end_name(&f["from"]),
                common::end_name(&f["to"])
            )
        });
        (code, lines, err)
    };
    let (prod_db, staging_net) = (live.join("prod/db"), live.join("staging/net"));
    let want = ["EW101 10.20.0.0/16 -> aws_security_group.db"];
    let (code, got, err) =
        findings(&["check", prod_db.to_str().unwrap(), staging_net.to_str().unwrap(), "--format", "json"]);
    assert_eq!((code, got), (1, want.map(str::to_owned).to_vec()), "{err}");
    let (code, got, err) = findings(&[
        "check",
        prod_db.join("terragrunt.hcl").to_str().unwrap(),
        staging_net.join("terragrunt.hcl").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!((code, got), (1, want.map(str::to_owned).to_vec()), "{err}");
    let app = live.join("prod/app");
    let (code, got, err) = findings(&["check", app.to_str().unwrap(), "--format", "json"]);
    assert_eq!((code, got.len()), (0, 0), "{err}");
    assert!(
        common::flat(&err).contains(&format!(
            "{}: the unit's module is not read: its module source `git::https://github.com/acme/modules.git//app?ref=v1.2.0` is not a local path, and envwall does not fetch modules (run `terragrunt init` to fill .terragrunt-cache, or map the source to a checkout with --module-source); it is listed with no resources",
            app.join("terragrunt.hcl").display()
        )),
        "{err}"
    );
}

/// A unit's environment from the locals of the `env.hcl` (else `region.hcl`,
/// `account.hcl`) above it, nearest first, when its path names none.
#[test]
fn a_terragrunt_unit_s_environment_comes_from_its_env_hcl() {
    let module = "resource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs\"\n}\n";
    let unit = "terraform {\n  source = \"../../../../modules//queue\"\n}\n";
    let tree = common::Tree::new(&[
        ("modules/queue/main.tf", module),
        ("accounts/a1/account.hcl", "locals {\n  account_name = \"non-prod\"\n}\n"),
        ("accounts/a1/eu/env.hcl", "locals {\n  environment = \"qa\"\n  region = \"eu-west-1\"\n}\n"),
        ("accounts/a1/eu/queue/terragrunt.hcl", unit),
        ("accounts/a2/account.hcl", "locals {\n  account_name = \"production\"\n}\n"),
        ("accounts/a2/eu/queue/terragrunt.hcl", unit),
    ]);
    let env_of = |unit: &str| -> String {
        let dir = tree.path().join(unit);
        let (code, out, err) = envwall(&["graph", dir.to_str().unwrap(), "--format", "json"]);
        assert_eq!(code, 0, "{err}");
        let graph: Value = serde_json::from_str(&out).unwrap();
        graph["nodes"][0]["environment"].as_str().unwrap_or("none").to_owned()
    };
    assert_eq!(env_of("accounts/a1/eu/queue"), "test");
    assert_eq!(env_of("accounts/a2/eu/queue"), "production");
}

/// `--module-source PREFIX=DIR` reads a unit's remote module from a local checkout,
/// in `check` and in `audit`; a bad mapping is a usage error.
#[test]
fn module_source_maps_a_remote_unit_source_to_a_checkout() {
    let unit = |env: &str, cidr: &str| {
        format!(
            "terraform {{\n  source = \"git::git@github.com:acme/modules.git//db?ref=v1.2.0\"\n}}\n\ninputs = {{\n  environment  = \"{env}\"\n  allowed_cidr = \"{cidr}\"\n}}\n"
        )
    };
    let net = "terraform {\n  source = \"git::git@github.com:acme/modules.git//net?ref=v1.2.0\"\n}\n\ninputs = {\n  environment = \"staging\"\n  cidr        = \"10.20.0.0/16\"\n}\n";
    let prod = unit("prod", "10.20.0.0/16");
    let tree = common::Tree::new(&[
        ("checkout/modules/db/main.tf", DB_MODULE),
        ("checkout/modules/net/main.tf", NET_MODULE),
        ("live/live/prod/db/terragrunt.hcl", prod.as_str()),
        ("live/live/staging/net/terragrunt.hcl", net),
    ]);
    let mapping = format!("git::git@github.com:acme/modules.git={}", tree.path().join("checkout/modules").display());
    let live = tree.path().join("live/live");
    let (code, out, err) = envwall(&[
        "check",
        live.join("prod/db").to_str().unwrap(),
        live.join("staging/net").to_str().unwrap(),
        "--module-source",
        &mapping,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let lines = |out: &str| {
        common::report_lines(out, |f| {
            format!(
                "{} {} -> {}",
                f["rule"].as_str().unwrap(),
                common::end_name(&f["from"]),
                common::end_name(&f["to"])
            )
        })
    };
    assert_eq!(lines(&out), ["EW101 10.20.0.0/16 -> aws_security_group.db"]);
    let (code, out, err) = envwall(&[
        "audit",
        tree.path().join("live").to_str().unwrap(),
        "--module-source",
        &mapping,
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(lines(&out), ["EW101 10.20.0.0/16 -> aws_security_group.db"]);
    // Without the mapping: no resources, and a warning naming the source.
    let (code, _, err) = envwall(&["check", live.join("prod/db").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("git::git@github.com:acme/modules.git//db?ref=v1.2.0` is not a local path"), "{err}");
    let (code, _, err) = envwall(&["check", live.join("prod/db").to_str().unwrap(), "--module-source", "no-equals"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--module-source no-equals: expected PREFIX=DIR"), "{err}");
}

/// A unit whose remote module Terragrunt has downloaded is read from its
/// `.terragrunt-cache` working directory, whatever its source expression.
#[test]
fn a_unit_s_downloaded_module_is_read_from_the_terragrunt_cache() {
    let unit = "include \"envcommon\" {\n  path   = \"${dirname(find_in_parent_folders(\"root.hcl\"))}/_envcommon/db.hcl\"\n  expose = true\n}\n\nterraform {\n  source = \"${include.envcommon.locals.base_source_url}?ref=v0.8.0\"\n}\n\ninputs = {\n  environment  = \"prod\"\n  allowed_cidr = \"10.20.0.0/16\"\n}\n";
    let staging = "resource \"aws_vpc\" \"staging\" {\n  cidr_block = \"10.20.0.0/16\"\n  tags       = { Environment = \"staging\" }\n}\n";
    let tree = common::Tree::new(&[
        ("live/prod/db/terragrunt.hcl", unit),
        ("live/prod/db/.terragrunt-cache/Xh3k/qZ9d/db/main.tf", DB_MODULE),
        ("live/prod/db/.terragrunt-cache/Xh3k/qZ9d/db/terragrunt.hcl", unit),
        ("live/prod/db/.terragrunt-cache/Xh3k/qZ9d/net/main.tf", NET_MODULE),
        ("live/staging/network/main.tf", staging),
    ]);
    let (code, out, err) = envwall(&[
        "check",
        tree.path().join("live/prod/db").to_str().unwrap(),
        tree.path().join("live/staging/network").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let lines = common::report_lines(&out, |f| {
        format!("{} {} -> {}", f["rule"].as_str().unwrap(), common::end_name(&f["from"]), common::end_name(&f["to"]))
    });
    assert_eq!(lines, ["EW101 10.20.0.0/16 -> aws_security_group.db"]);
    let (code, out, err) = envwall(&["audit", tree.path().join("live").to_str().unwrap(), "--format", "json", "-q"]);
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let stacks: Vec<&str> = report["stacks"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(stacks, ["prod/db", "staging/network"]);
}
