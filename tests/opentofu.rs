//! OpenTofu: its plan JSON and state, `.tofu` files, encrypted state, and the
//! early evaluation of variables and locals in module sources.

mod common;

use common::{Tree, envwall};
use serde_json::Value;

/// The findings of a `check --format json` run as `CODE FROM -> TO (ATTRIBUTE)`.
fn findings(args: &[&str]) -> (i32, Vec<String>) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "-q"]);
    let (code, out, err) = envwall(&all);
    assert!(code < 2, "{err}");
    let lines = common::report_lines(&out, |f| {
        format!(
            "{} {} -> {} ({})",
            f["rule"].as_str().unwrap(),
            common::end_name(&f["from"]),
            common::end_name(&f["to"]),
            f["via"]["attribute"].as_str().unwrap_or("-")
        )
    });
    (code, lines)
}

const INCIDENT: [&str; 3] = [
    "EW201 aws_lambda_function.orders_api -> aws_db_instance.orders (environment[0].variables.DATABASE_URL)",
    "EW102 10.10.0.0/16 -> aws_security_group.orders_db (cidr_blocks)",
    "EW102 aws_security_group.app -> aws_security_group.orders_db (referenced_security_group_id)",
];

/// `tofu show -json` and OpenTofu's state are read as Terraform's are: the
/// incident, written by OpenTofu, gives the incident's findings.
#[test]
fn opentofu_plan_and_state_give_the_findings_terraform_s_do() {
    let terraform = findings(&["fixtures/incident/prod/plan.json", "fixtures/incident/staging/terraform.tfstate"]);
    let tofu = findings(&["fixtures/opentofu/prod/plan.json", "fixtures/opentofu/staging/terraform.tfstate"]);
    assert_eq!(terraform, (1, INCIDENT.map(str::to_owned).to_vec()));
    assert_eq!(tofu, terraform);
}

/// The incident's configuration as `.tofu` files reads as the `.tf` files do.
#[test]
fn tofu_files_read_as_tf_files() {
    let tf = findings(&["fixtures/incident/prod", "fixtures/incident/staging"]);
    let tofu = findings(&["fixtures/opentofu/prod", "fixtures/opentofu/staging"]);
    assert_eq!(tofu.0, 1);
    assert_eq!(tofu, tf);
}

/// A state OpenTofu has encrypted cannot be read: the message says so and how to
/// decrypt it, with exit 2.
#[test]
fn an_encrypted_state_is_refused_with_what_to_do() {
    let (code, _, err) = envwall(&["check", "fixtures/opentofu/staging/encrypted.tfstate"]);
    assert_eq!(code, 2, "{err}");
    let err = common::flat(&err);
    assert!(
        err.contains("fixtures/opentofu/staging/encrypted.tfstate is a state OpenTofu has encrypted; envwall cannot read its resources"),
        "{err}"
    );
    assert!(err.contains("tofu show -json > state.json"), "{err}");
}

/// OpenTofu evaluates variables and locals in a root module's `source`; envwall
/// reads the module they name, and says when they name none it can know.
#[test]
fn module_sources_made_of_variables_are_evaluated() {
    let tree = Tree::new(&[
        (
            "stack/main.tofu",
            r#"
variable "colour" {
  type    = string
  default = "blue"
}
locals {
  modules = "../modules"
}
module "app" {
  source = "${local.modules}/${var.colour}"
}
module "later" {
  source = "../modules/${aws_vpc.main.id}"
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
"#,
        ),
        ("modules/blue/main.tf", "resource \"aws_s3_bucket\" \"blue\" {\n  bucket = \"blue\"\n}\n"),
        ("modules/green/main.tf", "resource \"aws_s3_bucket\" \"green\" {\n  bucket = \"green\"\n}\n"),
    ]);
    let stack = tree.path().join("stack");
    let addresses = |extra: &[&str]| -> (Vec<String>, String) {
        let mut args = vec!["graph", stack.to_str().unwrap(), "--format", "json"];
        args.extend_from_slice(extra);
        let (code, out, err) = envwall(&args);
        assert_eq!(code, 0, "{err}");
        let graph: Value = serde_json::from_str(&out).unwrap();
        let mut names: Vec<String> = graph["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n["address"].as_str().map(str::to_owned))
            .collect();
        names.sort();
        (names, err)
    };
    let (names, err) = addresses(&[]);
    assert_eq!(names, ["aws_vpc.main", "module.app.aws_s3_bucket.blue", "module.later"]);
    assert_eq!(
        common::flat(&err),
        format!(
            "warning: {}:12:1: module `later`: source `\"../modules/${{aws_vpc.main.id}}\"` is an expression whose value is not known here (OpenTofu evaluates variables and locals in a root module's sources; Terraform refuses any expression). Its resources are not analysed; its outputs are unknown values of this stack envwall: 1 warning; -q hides them",
            stack.join("main.tofu").display()
        )
    );
    let (names, _) = addresses(&["--var", "colour=green"]);
    assert_eq!(names, ["aws_vpc.main", "module.app.aws_s3_bucket.green", "module.later"]);
}
