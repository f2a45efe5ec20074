//! `envwall check` end to end: reports in every format, exit codes, the CI gate
//! options and policy exceptions.

mod common;

use common::envwall;

const NETWORK: &str = "fixtures/network/plan.json";
const PROD: &str = "fixtures/incident/prod/plan.json";
const STAGING: &str = "fixtures/incident/staging/terraform.tfstate";

#[test]
fn pretty_report() {
    let (code, out, err) = envwall(&["check", NETWORK]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn json_report() {
    let (code, out, _) = envwall(&["check", NETWORK, "--format", "json"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn sarif_report() {
    let (code, out, _) = envwall(&["check", NETWORK, "--format", "sarif"]);
    assert_eq!(code, 1);
    // The checkout's own path is wherever the repository was cloned.
    let mut sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
    let base = &mut sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"];
    assert!(base.as_str().unwrap().starts_with("file:///") && base.as_str().unwrap().ends_with('/'));
    *base = "file:///CHECKOUT/".into();
    insta::assert_snapshot!(serde_json::to_string_pretty(&sarif).unwrap() + "\n");
}

#[test]
fn sarif_parses_and_carries_rule_metadata_and_locations() {
    let (_, out, _) = envwall(&["check", NETWORK, "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["EW101", "EW102", "EW103", "EW104", "EW201", "EW202", "EW301", "EW401", "EW402"]);
    for r in rules {
        assert!(r["fullDescription"]["text"].as_str().unwrap().len() > 80, "{r}");
        assert!(r["help"]["markdown"].as_str().unwrap().contains("## How to fix"));
        assert!(["error", "warning", "note"].contains(&r["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], NETWORK);
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert_eq!(r["partialFingerprints"]["envwall/v1"].as_str().unwrap().len(), 16);
    }
}

#[test]
fn reports_are_deterministic() {
    for format in ["pretty", "json", "sarif"] {
        let a = envwall(&["check", PROD, STAGING, "--format", format]).1;
        let b = envwall(&["check", PROD, STAGING, "--format", format]).1;
        assert_eq!(a, b, "{format}");
    }
}

fn findings(args: &[&str]) -> (i32, Vec<String>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = envwall(&all);
    assert!(code < 2, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let lines = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let end = |e: &serde_json::Value| e["address"].as_str().or(e["endpoint"].as_str()).unwrap().to_owned();
            let suppressed = if f["suppressed"].is_null() { "" } else { " (suppressed)" };
            format!(
                "{} {} -> {} {}{suppressed}",
                f["rule"].as_str().unwrap(),
                end(&f["from"]),
                end(&f["to"]),
                f["status"].as_str().unwrap()
            )
        })
        .collect();
    (code, lines)
}

#[test]
fn the_incident_across_two_stacks() {
    assert_eq!(
        findings(&[PROD, STAGING]),
        (
            1,
            vec![
                "EW201 aws_lambda_function.orders_api -> aws_db_instance.orders added".to_owned(),
                "EW102 10.10.0.0/16 -> aws_security_group.orders_db existing".to_owned(),
                "EW102 aws_security_group.app -> aws_security_group.orders_db added".to_owned(),
            ]
        )
    );
}

#[test]
fn findings_name_the_workloads_a_group_protects() {
    let (_, out, _) = envwall(&["check", PROD, STAGING, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let added = &report["findings"][2];
    assert_eq!(added["from"]["protects"], serde_json::json!(["aws_lambda_function.orders_api"]));
    assert_eq!(added["to"]["protects"], serde_json::json!(["aws_db_instance.orders"]));
    assert_eq!(added["to"]["stack"], STAGING);
}

#[test]
fn only_changes_keeps_what_the_plan_adds() {
    assert_eq!(
        findings(&[PROD, STAGING, "--only-changes"]),
        (
            1,
            vec![
                "EW201 aws_lambda_function.orders_api -> aws_db_instance.orders added".to_owned(),
                "EW102 aws_security_group.app -> aws_security_group.orders_db added".to_owned(),
            ]
        )
    );
}

#[test]
fn fail_on_sets_the_threshold() {
    // The network fixture has high and medium findings.
    assert_eq!(envwall(&["check", NETWORK, "--format", "json", "--fail-on", "critical"]).0, 0);
    assert_eq!(envwall(&["check", NETWORK, "--format", "json", "--fail-on", "high"]).0, 1);
    assert_eq!(envwall(&["check", NETWORK, "--format", "json", "--fail-on", "none"]).0, 0);
    // Nothing to report: exit 0.
    let (code, out, _) = envwall(&["check", "fixtures/resolve/count/plan.json"]);
    assert_eq!(code, 0);
    assert_eq!(out, "envwall: no cross-environment findings in 7 resources\npolicy: the built-in policy\n");
    // Bad usage: exit 2.
    assert_eq!(envwall(&["check", NETWORK, "--fail-on", "severe"]).0, 2);
}

fn policy(name: &str, text: &str) -> String {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check-policies");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn exceptions_suppress_until_they_expire() {
    let valid = policy(
        "valid.hcl",
        "exception \"migration\" {\n  rules   = [\"EW102\"]\n  address = \"aws_security_group_rule.orders_db_from_*\"\n  reason  = \"migration job until cut-over\"\n  expires = \"2027-01-31\"\n}\n",
    );
    let (code, lines) = findings(&[PROD, STAGING, "--policy", &valid]);
    assert_eq!(code, 1, "the other finding still fails the run");
    assert_eq!(
        lines,
        [
            "EW201 aws_lambda_function.orders_api -> aws_db_instance.orders added",
            "EW102 10.10.0.0/16 -> aws_security_group.orders_db existing (suppressed)",
            "EW102 aws_security_group.app -> aws_security_group.orders_db added",
        ]
    );
    let (_, out, _) = envwall(&["check", PROD, STAGING, "--policy", &valid, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(report["summary"]["findings"], 2);
    assert_eq!(
        report["findings"][1]["suppressed"],
        serde_json::json!({"kind": "exception", "name": "migration", "reason": "migration job until cut-over"})
    );
    let (_, out, _) = envwall(&["check", PROD, STAGING, "--policy", &valid, "--format", "sarif"]);
    assert!(out.contains("\"justification\": \"exception `migration`: migration job until cut-over\""), "{out}");
    // Suppressing both passes the run.
    let all = policy("all.hcl", "exception \"all\" {\n  address = \"*\"\n  reason  = \"accepted\"\n}\n");
    assert_eq!(findings(&[PROD, STAGING, "--policy", &all]).0, 0);
    // An expired exception no longer suppresses, and says so.
    let expired = policy(
        "expired.hcl",
        "exception \"migration\" {\n  address = \"aws_security_group_rule.orders_db_from_*\"\n  reason  = \"r\"\n  expires = \"2026-01-31\"\n}\n",
    );
    let (_, lines) = findings(&[PROD, STAGING, "--policy", &expired]);
    assert!(!lines[1].ends_with("(suppressed)"), "{lines:?}");
    let (_, out, _) = envwall(&["check", PROD, STAGING, "--policy", &expired, "--format", "json"]);
    assert!(out.contains("exception `migration` expired on 2026-01-31 and no longer suppresses this finding"), "{out}");
}

#[test]
fn rule_settings_change_severity_and_turn_rules_off() {
    let low =
        policy("low.hcl", "rule \"EW102\" {\n  severity = \"low\"\n}\nrule \"EW201\" {\n  severity = \"low\"\n}\n");
    assert_eq!(findings(&[PROD, STAGING, "--policy", &low]).0, 0, "low is below the default threshold");
    let off = policy("off.hcl", "rule \"EW102\" {\n  enabled = false\n}\nrule \"EW201\" {\n  enabled = false\n}\n");
    assert_eq!(findings(&[PROD, STAGING, "--policy", &off]), (0, Vec::new()));
}

#[test]
fn output_flag_writes_the_report() {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report.sarif");
    let _ = std::fs::remove_file(&path);
    let (code, out, _) = envwall(&["check", NETWORK, "--format", "sarif", "--output", path.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), envwall(&["check", NETWORK, "--format", "sarif"]).1);
}

#[test]
fn the_readme_example_runs() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let line = readme
        .lines()
        .find_map(|l| l.strip_prefix("cargo run --release -- "))
        .expect("a `cargo run` line in the README");
    let args: Vec<&str> = line.split_whitespace().collect();
    let (code, out, err) = envwall(&args);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("EW201 prod-setting-points-to-nonprod (critical)"), "{out}");
    assert!(out.contains("envwall: 3 findings (1 critical, 2 high) in 14 resources"), "{out}");
}

/// An ARN, queue URL or Google resource name that no input owns is placed by the
/// policy's accounts and projects; one in an account the policy does not name,
/// and a bare name with no account, stay unplaced.
#[test]
fn identifiers_no_input_owns_are_placed_by_the_policy() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("identifier-policy");
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("policy.hcl");
    std::fs::write(
        &policy,
        "environment \"production\" {\n  tier = \"production\"\n  accounts = [\"111111111111\"]\n  projects = [\"acme-payments-prod\"]\n}\n\
         environment \"staging\" {\n  tier = \"non-production\"\n  accounts = [\"222222222222\"]\n  projects = [\"acme-payments-staging\"]\n}\n",
    )
    .unwrap();
    let case = "src/rules/prod_setting_points_to_nonprod/bad-named/plan.json";
    let (code, out, err) = envwall(&["check", case, "--policy", policy.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let got = common::report_lines(&out, |f| {
        format!(
            "{} {} -> {} [{}]",
            f["rule"].as_str().unwrap(),
            common::end_name(&f["from"]),
            common::end_name(&f["to"]),
            f["to"]["environment"]
        )
    });
    assert_eq!(
        got,
        [
            "EW201 aws_lambda_event_source_mapping.orders_jobs -> arn:aws:sqs:eu-west-1:222222222222:orders-jobs-staging [\"staging\"]",
            "EW201 aws_lambda_function.orders_api -> arn:aws:sns:eu-west-1:222222222222:orders-events-staging [\"staging\"]",
            // A bucket name carries no account: its own words place it.
            "EW201 aws_lambda_function.orders_api -> orders-uploads-staging-7f3a [\"staging\"]",
            "EW201 aws_lambda_function.orders_api -> https://sqs.eu-west-1.amazonaws.com/222222222222/orders-jobs-staging [\"staging\"]",
            // The plan's own staging bucket, by the host its name gives it.
            "EW201 aws_lambda_function.orders_api -> aws_s3_bucket.reports_staging [\"staging\"]",
        ]
    );
    // The Google service's staging topic, named by resource name, with no input owning it.
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("identifier-policy-gcp");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let source =
        std::fs::read_to_string(common::root().join("src/rules/prod_setting_points_to_nonprod/bad-named-gcp/main.tf"))
            .unwrap();
    let prod_only: String = source
        .split("\n\n")
        .filter(|block| !block.contains("\"acme-payments-staging\""))
        .collect::<Vec<_>>()
        .join("\n\n");
    std::fs::write(dir.join("main.tf"), prod_only).unwrap();
    let (code, out, err) =
        envwall(&["check", dir.to_str().unwrap(), "--policy", policy.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let got = common::report_lines(&out, |f| {
        format!("{} {} -> {}", f["rule"].as_str().unwrap(), f["from"]["address"], f["to"]["endpoint"])
    });
    assert_eq!(
        got,
        [
            r#"EW201 "google_cloud_run_v2_service.api" -> "projects/acme-payments-staging/topics/orders""#,
            // A bucket has no project in its URL: its own words place it.
            r#"EW201 "google_cloud_run_v2_service.api" -> "acme-payments-exports-staging""#,
            r#"EW201 "google_cloudfunctions2_function.settle" -> "projects/acme-payments-staging/topics/orders""#,
        ]
    );
}
