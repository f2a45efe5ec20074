//! Baselines and the fingerprints they match by: a baseline accepts exactly the
//! findings it lists, in `check` and `audit`, reports its stale entries, and a bad
//! file is an error that says where. Fingerprints survive what should not matter
//! (unrelated resources, order, line numbers, where the inputs are, a plan
//! becoming state) and change with what makes the finding (either end, the link).

mod common;

use common::Scratch;

use std::path::Path;

use common::{Tree, envwall};

const INCIDENT: [&str; 2] = ["fixtures/incident/prod/plan.json", "fixtures/incident/staging/terraform.tfstate"];

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// `RULE FINGERPRINT` of each finding of a JSON report, with its suppression kind.
fn fingerprints(out: &str) -> Vec<String> {
    json(out)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let kind = f["suppressed"]["kind"].as_str().unwrap_or("open");
            format!("{} {} {kind}", f["rule"].as_str().unwrap(), f["fingerprint"].as_str().unwrap())
        })
        .collect()
}

#[test]
fn a_baseline_accepts_what_it_lists_and_reports_what_no_longer_matches() {
    let scratch = Scratch::new("accept");
    let baseline = scratch.file("envwall.baseline.json");
    let (code, out, err) =
        envwall(&["check", INCIDENT[0], INCIDENT[1], "--format", "json", "--write-baseline", &baseline]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("envwall: wrote 3 finding(s) to the baseline {baseline}")), "{err}");
    let written = json(&std::fs::read_to_string(&baseline).unwrap());
    assert_eq!(written["envwall_baseline"], 1);
    let entries = written["findings"].as_array().unwrap();
    let open: Vec<String> = fingerprints(&out);
    assert_eq!(entries.len(), 3);
    for (entry, finding) in entries.iter().zip(&open) {
        assert!(finding.contains(entry["fingerprint"].as_str().unwrap()), "{finding}");
        assert_eq!(entry["reason"], "");
    }
    assert_eq!(entries[0]["rule"], "EW201");
    assert!(entries[0]["from"].as_str().unwrap().ends_with("aws_lambda_function.orders_api"));
    assert_eq!(entries[0]["via"], "aws_lambda_function.orders_api (environment[0].variables.DATABASE_URL)");

    // Accepted: in the report, marked, and the run passes.
    let (code, out, err) = envwall(&["check", INCIDENT[0], INCIDENT[1], "--format", "json", "--baseline", &baseline]);
    assert_eq!(code, 0, "{err}");
    let report = json(&out);
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(report["summary"]["suppressed"], 3);
    assert!(fingerprints(&out).iter().all(|f| f.ends_with(" baseline")), "{out}");
    assert_eq!(report["findings"][0]["suppressed"]["reason"], "accepted in the baseline");
    assert!(report.get("baseline_stale").is_none());

    // A reason given in the file is kept when the baseline is written again.
    let mut edited = written.clone();
    edited["findings"][0]["reason"] = "migration ends in March".into();
    // And an entry nothing matches any more.
    let mut gone = edited["findings"][1].clone();
    gone["fingerprint"] = "0123456789abcdef".into();
    edited["findings"].as_array_mut().unwrap().push(gone);
    std::fs::write(&baseline, serde_json::to_string_pretty(&edited).unwrap()).unwrap();
    let (code, out, err) = envwall(&["check", INCIDENT[0], INCIDENT[1], "--format", "json", "--baseline", &baseline]);
    assert_eq!(code, 0, "{err}");
    let report = json(&out);
    assert_eq!(report["findings"][0]["suppressed"]["reason"], "migration ends in March");
    let stale = report["baseline_stale"].as_array().unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["fingerprint"], "0123456789abcdef");
    assert!(err.contains("envwall: 1 baseline entry match no finding any more"), "{err}");
    assert!(err.contains("  0123456789abcdef EW102 "), "{err}");
    let (code, _, err) =
        envwall(&["check", INCIDENT[0], INCIDENT[1], "--baseline", &baseline, "--fail-on-stale", "-q"]);
    assert_eq!(code, 1, "{err}");
    let rewritten = scratch.file("rewritten.json");
    envwall(&["check", INCIDENT[0], INCIDENT[1], "--baseline", &baseline, "--write-baseline", &rewritten]);
    let rewritten = json(&std::fs::read_to_string(&rewritten).unwrap());
    assert_eq!(rewritten["findings"].as_array().unwrap().len(), 3);
    assert_eq!(rewritten["findings"][0]["reason"], "migration ends in March");
}

#[test]
fn a_baseline_accepts_in_sarif_and_in_audit_too() {
    let scratch = Scratch::new("audit");
    let baseline = scratch.file("audit.baseline.json");
    let (code, _, err) =
        envwall(&["audit", "fixtures/audit/repo", "-q", "--format", "json", "--write-baseline", &baseline]);
    assert_eq!(code, 1, "{err}");
    let (code, out, err) =
        envwall(&["audit", "fixtures/audit/repo", "-q", "--format", "json", "--baseline", &baseline]);
    assert_eq!(code, 0, "{err}");
    let findings = fingerprints(&out);
    assert_eq!(findings.len(), 5);
    assert!(findings.iter().all(|f| f.ends_with(" baseline")), "{findings:?}");
    let (code, out, _) =
        envwall(&["check", INCIDENT[0], INCIDENT[1], "--format", "sarif", "--write-baseline", &baseline]);
    assert_eq!(code, 1);
    assert!(!out.contains("\"suppressions\""));
    let (code, out, _) = envwall(&["check", INCIDENT[0], INCIDENT[1], "--format", "sarif", "--baseline", &baseline]);
    assert_eq!(code, 0);
    let log = json(&out);
    for r in log["runs"][0]["results"].as_array().unwrap() {
        assert_eq!(r["suppressions"][0]["kind"], "external");
        assert!(r["suppressions"][0]["justification"].as_str().unwrap().starts_with("baseline `"));
    }
    assert_eq!(log["runs"][0]["invocations"][0]["exitCode"], 0);
}

#[test]
fn a_bad_baseline_is_an_error_that_says_what_and_where() {
    let scratch = Scratch::new("bad");
    let cases: [(&str, &str, &str); 4] = [
        ("truncated.json", "{\"envwall_baseline\": 1, \"findings\": [", "truncated.json:1:37: not an envwall baseline"),
        (
            "version.json",
            "{\"envwall_baseline\": 9, \"findings\": []}",
            "baseline format 9 is not one this envwall reads (it reads 1)",
        ),
        ("plan.json", "{\"format_version\": \"1.2\"}", "not an envwall baseline: unknown field `format_version`"),
        ("missing.json", "", "cannot read"),
    ];
    for (name, text, message) in cases {
        let path = scratch.file(name);
        if !text.is_empty() {
            std::fs::write(&path, text).unwrap();
        }
        let (code, _, err) = envwall(&["check", INCIDENT[0], "--baseline", &path]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(common::flat(&err).contains(message), "{name}: expected `{message}` in {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let (code, _, err) = envwall(&["check", INCIDENT[0], "--fail-on-stale"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--baseline"), "{err}");
}

const RULE_BASE: &str = r#"
resource "aws_security_group" "db" {
  name = "ledger-db-prod"
  tags = { Environment = "prod" }
}

resource "aws_security_group" "cache" {
  name = "ledger-cache-prod"
  tags = { Environment = "prod" }
}

resource "aws_vpc" "staging" {
  cidr_block = "10.20.0.0/16"
  tags       = { Environment = "staging" }
}

resource "aws_vpc" "qa" {
  cidr_block = "10.30.0.0/16"
  tags       = { Environment = "qa" }
}

resource "aws_security_group_rule" "from_staging" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = [aws_vpc.staging.cidr_block]
  security_group_id = aws_security_group.db.id
}
"#;

/// The fingerprints of `check` on `main.tf` written into a fresh directory under `dir`.
fn fingerprints_of(main: &str, dir: &str) -> Vec<String> {
    let tree = Tree::new(&[(&format!("{dir}/main.tf"), main)]);
    let (code, out, err) = envwall(&["check", tree.path().join(dir).to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    fingerprints(&out)
}

#[test]
fn fingerprints_survive_what_does_not_make_the_finding() {
    let base = fingerprints_of(RULE_BASE, "live");
    assert_eq!(base.len(), 1, "{base:?}");
    // Unrelated resources added, and removed.
    let added = format!("{RULE_BASE}\nresource \"aws_s3_bucket\" \"logs\" {{\n  bucket = \"ledger-logs-prod\"\n}}\n");
    assert_eq!(fingerprints_of(&added, "live"), base);
    let removed = RULE_BASE.replace(
        "resource \"aws_vpc\" \"qa\" {\n  cidr_block = \"10.30.0.0/16\"\n  tags       = { Environment = \"qa\" }\n}\n",
        "",
    );
    assert_eq!(fingerprints_of(&removed, "live"), base);
    // Reordered, and moved down the file.
    let mut blocks: Vec<&str> = RULE_BASE.split("\n\n").collect();
    blocks.reverse();
    assert_eq!(fingerprints_of(&blocks.join("\n\n"), "live"), base);
    assert_eq!(fingerprints_of(&format!("# Ledger database\n\n\n\n{RULE_BASE}"), "live"), base);
    // Another directory.
    assert_eq!(fingerprints_of(RULE_BASE, "elsewhere/prod"), base);
}

#[test]
fn fingerprints_change_with_either_end_or_the_link() {
    let base = fingerprints_of(RULE_BASE, "live");
    let other_source = RULE_BASE.replace("aws_vpc.staging.cidr_block", "aws_vpc.qa.cidr_block");
    let other_target = RULE_BASE.replace("aws_security_group.db.id", "aws_security_group.cache.id");
    let other_rule = RULE_BASE.replace("\"from_staging\"", "\"from_staging_vpc\"");
    for changed in [other_source, other_target, other_rule] {
        let got = fingerprints_of(&changed, "live");
        assert_eq!(got.len(), 1);
        assert_ne!(got, base, "{changed}");
    }
}

/// Copies `files` (repository path → scratch path) into `scratch`.
fn lay_out(scratch: &Path, files: &[(&str, &str)]) -> Vec<String> {
    files
        .iter()
        .map(|(from, to)| {
            let to = scratch.join(to);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(common::root().join(from), &to).unwrap();
            to.display().to_string()
        })
        .collect()
}

#[test]
fn fingerprints_are_the_same_when_a_plan_becomes_state_and_the_inputs_move() {
    let case = "src/rules/nonprod_setting_points_to_prod/bad-named-new";
    let prod = format!("{case}/plan.json");
    let (staging_plan, staging_state) = (format!("{case}/staging/plan.json"), format!("{case}/staging.json"));
    let planned = Scratch::new("planned");
    let applied = Scratch::new("applied");
    let run = |inputs: Vec<String>| {
        let mut args = vec!["check".to_owned()];
        args.extend(inputs);
        args.extend(["--format".to_owned(), "json".to_owned()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = envwall(&args);
        assert_eq!(code, 1, "{err}");
        let mut f = fingerprints(&out);
        f.sort();
        f
    };
    let before = run(lay_out(&planned.0, &[(&prod, "prod/plan.json"), (&staging_plan, "staging/plan.json")]));
    let after =
        run(lay_out(&applied.0.join("moved"), &[(&prod, "prod/plan.json"), (&staging_state, "staging/state.json")]));
    assert_eq!(before.len(), 5, "{before:?}");
    assert_eq!(before, after);
}

/// With `--only-changes` the report leaves out the links that exist already: the
/// baseline entries for them are not stale.
#[test]
fn only_changes_judges_no_baseline_entry_stale() {
    let scratch = Scratch::new("only-changes");
    let baseline = scratch.file("baseline.json");
    // Two links that exist already (states), accepted.
    let states = [
        "fixtures/audit/repo/staging/network/terraform.tfstate",
        "fixtures/audit/repo/prod/app/terraform.tfstate",
        "fixtures/audit/repo/prod/network/terraform.tfstate",
    ];
    let run = |extra: &[&str]| {
        let mut args = vec!["check"];
        args.extend_from_slice(&states);
        args.extend_from_slice(extra);
        envwall(&args)
    };
    let (code, _, err) = run(&["--write-baseline", &baseline, "-q"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("wrote 2 finding(s)"), "{err}");
    let (code, out, err) = run(&["--only-changes", "--baseline", &baseline, "--fail-on-stale", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(json(&out).get("baseline_stale").is_none(), "{out}");
    // Without --only-changes, entries for links that are gone are stale.
    let (code, out, err) =
        envwall(&["check", states[0], "--baseline", &baseline, "--fail-on-stale", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(json(&out)["baseline_stale"].as_array().unwrap().len(), 2);
}
