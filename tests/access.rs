//! The access rules (EW401, EW402) as users meet them: explain, inline
//! suppression, accounts placed by the policy, and the JSON a finding carries.

mod common;

use common::{Tree, envwall};
use serde_json::Value;

const BAD_AWS: &str = "src/rules/nonprod_principal_can_access_prod/bad-aws/plan.json";

/// `explain` shows a grant from both of its ends.
#[test]
fn explain_shows_who_may_act_on_a_resource() {
    let (code, out, err) = envwall(&["explain", "aws_iam_role.deploy_prod", BAD_AWS]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    assert!(
        lines.contains(
            &"acted-on-by   aws_iam_role.ci_staging [staging, non-production] via assume_role_policy (config-reference)"
        ),
        "{out}"
    );
    let (_, out, _) = envwall(&["explain", "aws_iam_role.ci_staging", BAD_AWS]);
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    assert!(
        lines
            .contains(&"may-act-on    aws_iam_role.deploy_prod [production] via assume_role_policy (config-reference)"),
        "{out}"
    );
}

/// The statement, its conditions and the actions are in the JSON report.
#[test]
fn a_finding_names_the_statement_actions_and_conditions() {
    let (code, out, err) = envwall(&["check", BAD_AWS, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let kms = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["to"]["address"] == "aws_kms_key.orders_prod")
        .unwrap();
    assert_eq!(kms["rule"], "EW401");
    assert_eq!(kms["severity"], "critical");
    assert_eq!(
        kms["message"],
        "arn:aws:iam::222222222222:role/orders-staging (staging) is granted kms:Decrypt, kms:DescribeKey on aws_kms_key.orders_prod (production), by aws_kms_key.orders_prod (policy, Sid `StagingDecrypt`)"
    );
    assert_eq!(kms["via"]["attribute"], "policy");
    assert_eq!(
        kms["notes"],
        serde_json::json!(["narrowed by StringEquals kms:ViaService = s3.eu-west-1.amazonaws.com"])
    );
}

const BUCKET: &str = r#"
resource "aws_s3_bucket" "orders" {
  bucket = "acme-orders-prod"
  tags   = { Environment = "prod" }
}

resource "aws_s3_bucket_policy" "orders" {
  bucket = aws_s3_bucket.orders.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Tooling"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444444444444:root" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::acme-orders-prod/*"
    }]
  })
}
"#;

/// An account principal is where the policy's `accounts` put it: a shared
/// tooling account is no finding, a staging account is.
#[test]
fn account_principals_are_placed_by_the_policy() {
    let policy = |env: &str, tier: &str| {
        format!("environment \"{env}\" {{\n  tier     = \"{tier}\"\n  accounts = [\"444444444444\"]\n}}\n")
    };
    let tree = Tree::new(&[
        ("stack/main.tf", BUCKET),
        ("shared.hcl", &policy("tooling", "shared")),
        ("staging.hcl", &policy("staging", "non-production")),
    ]);
    let stack = tree.path().join("stack");
    let run = |policy: &str| {
        let (code, out, err) = envwall(&[
            "check",
            stack.to_str().unwrap(),
            "--policy",
            tree.path().join(policy).to_str().unwrap(),
            "--format",
            "json",
        ]);
        let report: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
        let found: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {} -> {}",
                    f["rule"].as_str().unwrap(),
                    common::end_name(&f["from"]),
                    common::end_name(&f["to"])
                )
            })
            .collect();
        (code, found)
    };
    assert_eq!(run("shared.hcl"), (0, Vec::new()));
    assert_eq!(
        run("staging.hcl"),
        (1, vec!["EW401 arn:aws:iam::444444444444:root -> aws_s3_bucket.orders".to_owned()])
    );
}

/// `# envwall:ignore` on the policy accepts the finding where it is written.
#[test]
fn an_inline_suppression_accepts_a_grant() {
    let suppressed = BUCKET.replace(
        "resource \"aws_s3_bucket_policy\" \"orders\" {",
        "# envwall:ignore EW401 -- the tooling account reads exports, reviewed in SEC-114\nresource \"aws_s3_bucket_policy\" \"orders\" {",
    );
    let tree = Tree::new(&[
        ("stack/main.tf", &suppressed),
        (
            "staging.hcl",
            "environment \"staging\" {\n  tier     = \"non-production\"\n  accounts = [\"444444444444\"]\n}\n",
        ),
    ]);
    let (code, out, err) = envwall(&[
        "check",
        tree.path().join("stack").to_str().unwrap(),
        "--policy",
        tree.path().join("staging.hcl").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["findings"][0]["rule"], "EW401");
    assert_eq!(report["findings"][0]["suppressed"]["kind"], "inline");
    assert_eq!(report["summary"]["findings"], 0);
}

/// Google groups, users and domains are placed by the policy's domains only:
/// nothing else says where a person or a group works.
#[test]
fn google_groups_and_users_are_placed_only_by_the_policy_s_domains() {
    let main = r#"
resource "google_project_iam_binding" "viewers" {
  project = "acme-payments-prod"
  role    = "roles/viewer"
  members = ["group:oncall@staging.acme.example", "user:alice@prod.acme.example", "group:payments-staging-oncall@example.com"]
}
"#;
    let policy = "environment \"staging\" {\n  tier    = \"non-production\"\n  domains = [\"staging.acme.example\"]\n}\n\nenvironment \"production\" {\n  tier    = \"production\"\n  domains = [\"prod.acme.example\"]\n}\n";
    let tree = Tree::new(&[("stack/main.tf", main), ("policy.hcl", policy)]);
    let stack = tree.path().join("stack");
    let (code, out, err) = envwall(&["check", stack.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "without the policy nothing places them: {err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["findings"], serde_json::json!([]));
    let policy = tree.path().join("policy.hcl");
    let (code, out, err) =
        envwall(&["check", stack.to_str().unwrap(), "--policy", policy.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} -> {}",
                f["rule"].as_str().unwrap(),
                common::end_name(&f["from"]),
                common::end_name(&f["to"])
            )
        })
        .collect();
    assert_eq!(found, ["EW401 group:oncall@staging.acme.example -> projects/acme-payments-prod"]);
}
