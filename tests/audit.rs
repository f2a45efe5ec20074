//! `envwall audit` on a repository of stacks: the fixture repository in
//! `fixtures/audit/repo` (production and staging networking and apps, whose
//! cross-environment links all cross stacks), source and state merged, pending
//! removal, stale state, the environment matrix and the HTML page in Chromium.

mod common;

use std::process::Command as Process;

use common::Tree;
use serde_json::Value;

const REPO: &str = "fixtures/audit/repo";

use common::envwall;

fn audit_json(dir: &str) -> (i32, Value, String) {
    let (code, out, err) = envwall(&["audit", dir, "--format", "json"]);
    assert_ne!(code, 2, "{err}");
    (code, serde_json::from_str(&out).unwrap(), err)
}

fn end(e: &Value) -> String {
    let name = e["address"].as_str().or(e["endpoint"].as_str()).unwrap_or("?");
    match e["stack"].as_str() {
        Some(stack) => format!("{stack}:{name}"),
        None => name.to_owned(),
    }
}

#[test]
fn every_cross_environment_link_is_found_across_stacks() {
    let (code, report, _) = audit_json(REPO);
    assert_eq!(code, 1);
    let got: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} -> {} via {}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
                end(&f["from"]),
                end(&f["to"]),
                f["via"]["address"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            // A literal RDS host name in a production setting: the staging database.
            "EW201 critical existing prod/app:aws_lambda_function.orders_api -> orders-staging.c9akciq32xyz.eu-west-1.rds.amazonaws.com:5432 via aws_lambda_function.orders_api",
            // A CIDR that is the staging VPC's, in a production rule.
            "EW101 high existing 10.20.0.0/16 -> prod/app:aws_security_group.db via aws_security_group_rule.db_from_reporting",
            // A remote-state output: production's VPC range, let into a staging group.
            "EW102 high existing 10.10.0.0/16 -> staging/app:aws_security_group.api via aws_vpc_security_group_ingress_rule.api_from_prod",
            // A data-source lookup (tag:Environment = prod) resolved to production's VPC.
            "EW103 high existing prod/network:aws_vpc.main -> staging/network:aws_vpc.main via aws_vpc_peering_connection.to_prod",
            // Only in state: removed from the source, still there until the next apply.
            "EW101 info pending-removal 10.20.1.0/24 -> prod/app:aws_security_group.db via aws_security_group_rule.db_from_staging_data",
        ]
    );
}

#[test]
fn each_stack_is_placed_with_evidence() {
    let (_, report, _) = audit_json(REPO);
    let got: Vec<String> = report["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {} {} resources={} pending={} read={} findings={}",
                s["name"].as_str().unwrap(),
                s["environment"].as_str().unwrap_or("-"),
                s["tier"].as_str().unwrap(),
                s["resources"],
                s["pending_removal"],
                s["read"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect::<Vec<_>>().join("+"),
                s["findings"]
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            "prod/app production production resources=6 pending=1 read=source+state findings=3",
            "prod/network production production resources=2 pending=0 read=source+state findings=0",
            "staging/app staging non-production resources=7 pending=0 read=source findings=2",
            "staging/network staging non-production resources=2 pending=0 read=source+state findings=0",
        ]
    );
    // Each finding counts for the stack whose resource makes the link: the counts
    // add up to the report's (the peering made in staging/app counts there, not
    // for the two network stacks it joins).
    let per_stack: u64 = report["stacks"].as_array().unwrap().iter().map(|s| s["findings"].as_u64().unwrap()).sum();
    assert_eq!(per_stack, report["summary"]["findings"].as_u64().unwrap());
    assert_eq!(
        report["stacks"][0]["evidence"][0],
        "production (stack): path segment `prod` of fixtures/audit/repo/prod/app (word `prod`)"
    );
}

#[test]
fn the_matrix_counts_links_between_environments_by_kind() {
    let (_, report, _) = audit_json(REPO);
    let got: Vec<String> = report["matrix"]["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} -> {} {} {} crosses={}", c["from"], c["to"], c["kind"], c["count"], c["crosses"]))
        .collect();
    assert_eq!(report["matrix"]["environments"], serde_json::json!(["production", "staging"]));
    assert_eq!(
        got,
        vec![
            // A peering has no direction: its production side comes first.
            r#""production" -> "staging" "peering" 1 crosses=true"#,
            r#""production" -> "staging" "setting" 1 crosses=true"#,
            r#""production" -> "staging" "traffic" 1 crosses=true"#,
            r#""staging" -> "production" "traffic" 2 crosses=true"#,
        ]
    );
}

#[test]
fn state_fills_what_source_cannot_know_and_an_older_state_is_used_with_a_warning() {
    let stacks = envwall::audit::discover(&[common::root().join(REPO)], &[], false).unwrap().stacks;
    let files = envwall::audit::read(&stacks);
    let model = envwall::audit::load(
        &stacks,
        &files,
        &envwall::input::hcl::Options::default(),
        &envwall::audit::Progress::hidden(),
    )
    .model;
    let db = model
        .resources
        .iter()
        .find(|r| model.inputs[r.input].label() == "prod/app" && r.address.to_string() == "aws_security_group.db")
        .unwrap();
    // The id only exists after apply; the state has it. The name is the source's.
    assert_eq!(db.values.get("id").and_then(|v| v.as_str()), Some("sg-0a1b2c3d4e5f60001"));
    assert_eq!(db.values.get("name").and_then(|v| v.as_str()), Some("orders-db-prod"));
    assert!(db.location.is_some(), "the source gives the location");
    let stale: Vec<&String> =
        model.warnings.iter().map(|w| &w.message).filter(|w| w.contains("is older than the source")).collect();
    assert_eq!(stale.len(), 1, "{:?}", model.warnings);
    assert!(
        stale[0].ends_with(
            "prod/app/terraform.tfstate (serial 12) is older than the source: 1 resource it declares is not in the state yet (aws_lambda_function.orders_api); the state is still used for the rest"
        ),
        "{}",
        stale[0]
    );
}

#[test]
fn a_link_only_left_in_state_is_reported_pending_removal_and_does_not_fail_the_run() {
    let state = r#"{"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "x", "outputs": {}, "resources": [
      {"mode": "managed", "type": "aws_security_group", "name": "db", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
       "instances": [{"schema_version": 1, "attributes": {"id": "sg-0a1b2c3d4e5f6a7b8", "name": "db-prod", "vpc_id": "vpc-0a1b2c3d4e5f6a7b8"}}]},
      {"mode": "managed", "type": "aws_security_group_rule", "name": "old", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
       "instances": [{"schema_version": 2, "attributes": {"id": "r-1", "type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22,
         "cidr_blocks": ["10.20.0.0/16"], "security_group_id": "sg-0a1b2c3d4e5f6a7b8"}}]},
      {"mode": "managed", "type": "aws_vpc", "name": "staging", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
       "instances": [{"schema_version": 1, "attributes": {"id": "vpc-0f1e2d3c4b5a69788", "cidr_block": "10.20.0.0/16", "tags": {"Environment": "staging"}}}]}
    ]}"#;
    let source = "resource \"aws_security_group\" \"db\" {\n  name = \"db-prod\"\n}\nresource \"aws_vpc\" \"staging\" {\n  cidr_block = \"10.20.0.0/16\"\n  tags = { Environment = \"staging\" }\n}\n";
    let tree = Tree::new(&[("stack/main.tf", source), ("stack/terraform.tfstate", state)]);
    let dir = tree.path().to_str().unwrap().to_owned();
    let (code, out, err) = envwall(&["audit", &dir, "--format", "json", "--fail-on", "info"]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let f = &report["findings"][0];
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert_eq!(
        (f["rule"].as_str(), f["severity"].as_str(), f["status"].as_str()),
        (Some("EW101"), Some("info"), Some("pending-removal"))
    );
    assert_eq!(f["via"]["address"], "aws_security_group_rule.old");
    assert!(err.contains("1 object(s) in the state are no longer in the source"), "{err}");
}

#[test]
fn a_state_kept_elsewhere_is_mapped_to_its_stack() {
    let (code, _, err) = envwall(&["audit", REPO, "--state", "nosuch=fixtures/audit/repo/prod/app/terraform.tfstate"]);
    assert_eq!(code, 2);
    let nospace = |s: &str| common::flat(s).replace(' ', "");
    assert!(
        nospace(&err).contains(&nospace("--state nosuch=fixtures/audit/repo/prod/app/terraform.tfstate: no stack named `nosuch` (stacks: prod/app, prod/network, staging/app, staging/network)")),
        "{err}"
    );
    // With the staging app's state, the host name in production's setting is its database.
    let (code, out, err) = envwall(&[
        "audit",
        REPO,
        "--state",
        "staging/app=fixtures/audit/pulled/staging-app.tfstate",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(end(&report["findings"][0]["to"]), "staging/app:aws_db_instance.orders");
    let staging_app = report["stacks"].as_array().unwrap().iter().find(|s| s["name"] == "staging/app").unwrap();
    assert_eq!(staging_app["read"], serde_json::json!(["source", "state"]));
}

#[test]
fn a_directory_without_stacks_is_a_usage_error() {
    let (code, _, err) = envwall(&["audit", "docs"]);
    assert_eq!(code, 2);
    assert!(err.contains("no Terraform stacks under docs"), "{err}");
}

#[test]
fn the_html_page_loads_offline_in_chromium_and_shows_every_environment_and_link() {
    let out_dir = common::root().join("target/audit-html-test");
    std::fs::create_dir_all(&out_dir).unwrap();
    let page = out_dir.join("audit.html");
    let (code, _, err) = envwall(&["audit", REPO, "--format", "html", "--output", page.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let html = std::fs::read_to_string(&page).unwrap();
    // The only URL is the SVG namespace, which is a name, not something loaded.
    assert_eq!(html.matches("http://").count(), html.matches(r#"xmlns="http://www.w3.org/2000/svg""#).count());
    assert!(!html.contains("https://") && !html.contains("src=\""), "the page must not load anything");
    let Some(chromium) = common::external(
        "the_html_page_loads_offline_in_chromium_and_shows_every_environment_and_link",
        &[("chromium", "--version"), ("chromium-browser", "--version"), ("google-chrome", "--version")],
        "a headless browser; .ci/run installs the chromium package",
    ) else {
        return;
    };
    let profile = out_dir.join("profile");
    let out = Process::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {log}");
    assert!(!log.contains("Uncaught") && !log.contains(":CONSOLE("), "script errors: {log}");
    // The script ran to the end and found one drawn link per finding.
    assert!(dom.contains(r#"data-ready="ok""#), "{dom}");
    for env in ["production", "staging"] {
        assert!(dom.contains(&format!(r#"data-environment="{env}""#)), "environment {env} missing");
    }
    let crossing = dom.matches(r#"class="finding crossing"#).count();
    assert_eq!(crossing, 5, "every finding joins production and non-production");
    assert_eq!(dom.matches(r#"class="finding crossing pending""#).count(), 1, "the pending removal is dashed");
    for rule in ["EW101", "EW102", "EW103", "EW201"] {
        assert!(dom.contains(&format!(r#"data-rule="{rule}""#)), "{rule} not drawn");
    }
}

#[test]
fn names_on_the_html_page_are_text_never_markup() {
    // The audited directory and a stack directory named with markup, quotes and
    // an ampersand: the page shows them as text.
    let root = std::env::temp_dir().join(format!("envwall-html-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let audited = root.join(r#"<b>audit & "q" 'x'"#);
    let renamed =
        |rel: &std::path::Path| rel.to_str().unwrap().replace("prod/app", "prod/app <img src=x onerror=alert(1)>");
    for entry in walkdir::WalkDir::new(REPO) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(REPO).unwrap();
        if entry.file_type().is_file() {
            let to = audited.join(renamed(rel));
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
    let (code, html, err) = envwall(&["audit", audited.to_str().unwrap(), "--format", "html", "-q"]);
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(code, 1, "{err}");
    assert!(!html.contains("<b>") && !html.contains("<img"), "markup from a name reached the page");
    let escaped_root = "&#60;b&#62;audit &#38; &#34;q&#34; &#39;x&#39;";
    assert!(html.contains(&format!("<h1>envwall audit of {}/{escaped_root}</h1>", root.display())), "{html}");
    // The stack keeps its name, as text, in the drawing, the findings and the stacks.
    let stack = "prod/app &#60;img src=x onerror=alert(1)&#62;";
    assert_eq!(html.matches(&format!("<td><code>{stack}</code></td>")).count(), 1, "{html}");
    assert!(html.contains(&format!(r#"<g class="node" data-node="{stack}: "#)), "{html}");
}

#[test]
fn terragrunt_units_local_remote_state_and_workspaces_are_stacks() {
    let module = r#"
variable "env" {}
variable "cidr" {}
resource "aws_vpc" "main" {
  cidr_block = var.cidr
  tags       = { Environment = var.env }
}
output "cidr" { value = aws_vpc.main.cidr_block }
"#;
    let reader = r#"
data "terraform_remote_state" "net" {
  backend = "local"
  config = {
    path = "${path.module}/../../live/staging/net/terraform.tfstate"
  }
}
resource "aws_security_group" "db" {
  name = "orders-db-${terraform.workspace}"
}
resource "aws_security_group_rule" "from_net" {
  type              = "ingress"
  protocol          = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_blocks       = [data.terraform_remote_state.net.outputs.cidr]
  security_group_id = aws_security_group.db.id
}
"#;
    let net_state = r#"{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "n", "resources": [],
      "outputs": {"cidr": {"value": "10.20.0.0/16", "type": "string"}}}"#;
    let workspace_state = |env: &str| {
        format!(
            r#"{{"version": 4, "terraform_version": "1.11.4", "serial": 2, "lineage": "{env}", "outputs": {{}}, "resources": [
              {{"mode": "managed", "type": "aws_security_group", "name": "db", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
               "instances": [{{"schema_version": 1, "attributes": {{"id": "sg-0{env}0000000000001", "name": "orders-db-{env}"}}}}]}}]}}"#
        )
    };
    let prod_state = workspace_state("prod");
    let tree = Tree::new(&[
        ("modules/net/main.tf", module),
        (
            "live/staging/net/terragrunt.hcl",
            "terraform {\n  source = \"../../../modules//net\"\n}\ninputs = {\n  env  = \"staging\"\n  cidr = \"10.20.0.0/16\"\n}\n",
        ),
        ("live/staging/net/terraform.tfstate", net_state),
        ("apps/db/main.tf", reader),
        ("apps/db/terraform.tfstate.d/prod/terraform.tfstate", &prod_state),
    ]);
    let dir = tree.path().to_str().unwrap().to_owned();
    let (code, out, err) = envwall(&["audit", &dir, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let stacks: Vec<String> = report["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!("{} {} {}", s["name"].as_str().unwrap(), s["environment"].as_str().unwrap_or("-"), s["resources"])
        })
        .collect();
    assert_eq!(stacks, vec!["apps/db@prod production 3", "live/staging/net staging 1"]);
    let findings: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {} -> {}", f["rule"], end(&f["from"]), end(&f["to"])))
        .collect();
    assert_eq!(findings, vec![r#""EW101" 10.20.0.0/16 -> apps/db@prod:aws_security_group.db"#]);
}

#[test]
fn the_audit_writes_sarif_too() {
    let (code, out, err) = envwall(&["audit", REPO, "--format", "sarif"]);
    assert_eq!(code, 1, "{err}");
    let sarif: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 5);
}

/// A parent `terragrunt.hcl` that only sets `remote_state` and `generate` is the
/// root configuration units include, not a unit: only the leaf units are stacks.
#[test]
fn a_terragrunt_root_configuration_is_not_a_stack() {
    let root = "remote_state {\n  backend = \"s3\"\n  config = {\n    bucket = \"acme-tfstate\"\n    key    = \"${path_relative_to_include()}/terraform.tfstate\"\n  }\n}\n\ngenerate \"provider\" {\n  path      = \"provider.tf\"\n  if_exists = \"overwrite\"\n  contents  = \"provider \\\"aws\\\" {}\"\n}\n";
    let unit = "include \"root\" {\n  path = find_in_parent_folders()\n}\n\nterraform {\n  source = \"git::https://github.com/acme/modules.git//vpc?ref=v1.0.0\"\n}\n";
    let tree = common::Tree::new(&[
        ("live/terragrunt.hcl", root),
        ("live/prod/vpc/terragrunt.hcl", unit),
        ("live/qa/vpc/terragrunt.hcl", unit),
    ]);
    let (code, out, err) =
        common::envwall(&["audit", tree.path().join("live").to_str().unwrap(), "--format", "json", "-q"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let stacks: Vec<&str> = report["stacks"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(stacks, ["prod/vpc", "qa/vpc"]);
}
