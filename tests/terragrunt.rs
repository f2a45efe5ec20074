//! Terragrunt live repositories: units evaluated as Terragrunt evaluates them
//! (includes, merge strategies, functions), dependencies between units as links,
//! and the live fixture under `fixtures/terragrunt`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Tree, envwall};
use envwall::input::hcl::terragrunt::config::{self, Dependency, Generated, Source};
use envwall::input::hcl::value::EvalValue;
use serde_json::Value;

const MODULES: &str = "git::https://github.com/acme/infra-modules.git=fixtures/terragrunt/modules";

/// The unit `file`'s inputs as text (`null` for unknown), by name.
fn inputs(unit: &config::Unit) -> BTreeMap<String, String> {
    unit.inputs
        .iter()
        .map(|(k, v)| {
            let text = match v {
                EvalValue::Unknown(_) => "(unknown)".to_owned(),
                v => v.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// The resource addresses `envwall graph` finds in `args` (inputs and options),
/// sorted; the run must be clean, without warnings.
fn resource_addresses(args: &[&str]) -> Vec<String> {
    let mut all = vec!["graph"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (code, out, err) = envwall(&all);
    assert_eq!((code, err.as_str()), (0, ""), "{args:?}");
    let graph: Value = serde_json::from_str(&out).unwrap();
    let mut names: Vec<String> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["node"] == "resource")
        .map(|n| n["address"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// Each finding of a JSON audit report as `CODE FROM_STACK:FROM -> TO_STACK:TO`.
fn stack_findings(report: &Value) -> Vec<String> {
    let end = |e: &Value| format!("{}:{}", e["stack"].as_str().unwrap(), e["address"].as_str().unwrap());
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {} -> {}", f["rule"].as_str().unwrap(), end(&f["from"]), end(&f["to"])))
        .collect()
}

fn evaluate(path: &Path) -> config::Unit {
    config::evaluate(path, &|_| None).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn includes_merge_in_order_with_their_strategies() {
    let tree = Tree::new(&[
        (
            "root.hcl",
            r#"
locals { region = "eu-west-1" }
inputs = {
  region = local.region
  tags   = { team = "orders", tier = "root" }
  zones  = ["a"]
}
terraform { source = "../modules//root" }
"#,
        ),
        (
            "common/app.hcl",
            r#"
locals { base = "git::https://example.com/modules.git//app" }
inputs = {
  tags  = { tier = "common", owner = "platform" }
  zones = ["b"]
  name  = "from-common"
}
"#,
        ),
        ("common/ignored.hcl", "inputs = { name = \"never merged\" }\nlocals { secret_word = \"exposed\" }\n"),
        (
            "live/app/terragrunt.hcl",
            r#"
include "root" {
  path = find_in_parent_folders("root.hcl")
}
include "common" {
  path           = "${dirname(find_in_parent_folders("root.hcl"))}/common/app.hcl"
  expose         = true
  merge_strategy = "deep"
}
include "only_read" {
  path           = "../../common/ignored.hcl"
  expose         = true
  merge_strategy = "no_merge"
}
terraform {
  source = "${include.common.locals.base}?ref=v2"
}
inputs = {
  name = "orders-${include.only_read.locals.secret_word}"
}
"#,
        ),
    ]);
    let unit = evaluate(&tree.path().join("live/app/terragrunt.hcl"));
    assert_eq!(unit.source, Some(Source::Known("git::https://example.com/modules.git//app?ref=v2".into())));
    let got = inputs(&unit);
    // Shallow for root, then deep for common (maps merged, lists joined), then the unit.
    assert_eq!(got["region"], "\"eu-west-1\"");
    assert_eq!(got["tags"], r#"{"owner" = "platform", "team" = "orders", "tier" = "common"}"#);
    assert_eq!(got["zones"], r#"["a", "b"]"#);
    assert_eq!(got["name"], "\"orders-exposed\"");
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(unit.warnings.is_empty(), "{:?}", unit.warnings);
}

#[test]
fn terragrunt_functions_answer_from_the_file_system_and_the_environment() {
    let tree = Tree::new(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        (
            "live/root.hcl",
            "inputs = {\n  rel_to = path_relative_to_include()\n  rel_from = path_relative_from_include()\n  parent = get_parent_terragrunt_dir()\n  unit = get_terragrunt_dir()\n}\n",
        ),
        (
            "live/env.hcl",
            "locals {\n  environment = \"stage\"\n  dir = get_terragrunt_dir()\n  original = get_original_terragrunt_dir()\n}\n",
        ),
        (
            "live/stage/api/terragrunt.hcl",
            r#"
include "root" {
  path = find_in_parent_folders("root.hcl")
}
locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  missing = read_terragrunt_config("nothing.hcl", { locals = { environment = "fallback" } })
}
inputs = {
  environment   = local.env.locals.environment
  env_dir       = local.env.locals.dir
  env_original  = local.env.locals.original
  fallback      = local.missing.locals.environment
  not_found     = find_in_parent_folders("nowhere.hcl", "none")
  repo          = get_repo_root()
  from_repo     = get_path_from_repo_root()
  to_repo       = get_path_to_repo_root()
  set           = get_env("PATH")
  unset         = get_env("ENVWALL_TEST_TG_UNSET")
  unset_default = get_env("ENVWALL_TEST_TG_UNSET", "dflt")
  account       = get_aws_account_id()
  command       = run_cmd("echo", "never run")
  named_parent  = get_parent_terragrunt_dir("root")
}
"#,
        ),
    ]);
    let root = tree.path().canonicalize().unwrap();
    let unit_dir = tree.path().join("live/stage/api");
    let unit = evaluate(&unit_dir.join("terragrunt.hcl"));
    let got = inputs(&unit);
    let q = |s: &str| format!("\"{s}\"");
    let live = tree.path().join("live");
    let expected = [
        ("environment", q("stage")),
        ("env_dir", q(&live.display().to_string())),
        ("env_original", q(&unit_dir.display().to_string())),
        ("fallback", q("fallback")),
        ("not_found", q("none")),
        ("repo", q(&root.display().to_string())),
        ("from_repo", q("live/stage/api")),
        ("to_repo", q("../../..")),
        ("set", q(&std::env::var("PATH").unwrap())),
        ("unset", q("")),
        ("unset_default", q("dflt")),
        ("account", "(unknown)".to_owned()),
        ("command", "(unknown)".to_owned()),
        ("named_parent", q(&live.display().to_string())),
        // From root.hcl, evaluated in the unit's context.
        ("rel_to", q("stage/api")),
        ("rel_from", q("../..")),
        ("parent", q(&live.display().to_string())),
        ("unit", q(&unit_dir.display().to_string())),
    ];
    let expected: BTreeMap<String, String> = expected.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    assert_eq!(got, expected);
    assert_eq!(
        unit.labels,
        [
            (format!("local `environment` in {}", live.join("env.hcl").display()), "stage".into()),
            (format!("input `environment` of {}", unit_dir.join("terragrunt.hcl").display()), "stage".into()),
        ]
    );
}

#[test]
fn dependencies_generate_blocks_and_what_cannot_be_evaluated() {
    let tree = Tree::new(&[
        ("modules/app/main.tf", "variable \"db\" {}\n"),
        (
            "live/app/terragrunt.hcl",
            r#"
terraform {
  source = "../../modules//app"
}
dependency "db" {
  config_path  = "../db"
  mock_outputs = { address = "mock.prod.internal" }
}
dependency "off" {
  config_path = "../off"
  enabled     = false
}
dependency "flags" {
  config_path  = "../flags"
  skip_outputs = true
}
dependencies {
  paths = ["../vpc", "../dns"]
}
generate "provider" {
  path      = "provider.tf"
  if_exists = "skip"
  contents  = "provider \"aws\" {}\n"
}
generate "later" {
  path     = "later.tf"
  contents = run_cmd("cat", "x.tf")
}
inputs = {
  db    = dependency.db.outputs.address
  flags = dependency.flags.outputs.value
}
"#,
        ),
    ]);
    let live = tree.path().join("live");
    let outputs = |d: &Dependency| {
        Some(EvalValue::Map([("address", EvalValue::str(format!("{}.example.com", d.name)))].into_iter().collect()))
    };
    let unit = config::evaluate(&live.join("app/terragrunt.hcl"), &outputs).unwrap();
    let deps: Vec<(String, String, bool, bool)> = unit
        .dependencies
        .iter()
        .map(|d| (d.name.to_string(), d.dir.display().to_string(), d.mocked, d.skip_outputs))
        .collect();
    let at = |p: &str| live.join(p).display().to_string();
    assert_eq!(deps, [("db".into(), at("db"), true, false), ("flags".into(), at("flags"), false, true)]);
    assert_eq!(unit.dependency_paths, [live.join("vpc"), live.join("dns")]);
    let got = inputs(&unit);
    assert_eq!(got["db"], "\"db.example.com\"");
    assert_eq!(got["flags"], "(unknown)");
    assert_eq!(
        unit.generated,
        [Generated { path: "provider.tf".into(), contents: "provider \"aws\" {}\n".into(), if_exists: "skip".into() }]
    );
    assert_eq!(
        unit.warnings,
        [format!(
            "{}: generate `later`: its path or contents are not known here; the file is not read",
            live.join("app/terragrunt.hcl").display()
        )]
    );
}

/// The live fixture: two accounts, three environments, nine units. Staging's
/// app unit takes its database from production's (`dependency "db"`); QA's and
/// production's apps use their own environment's, and every database depends on
/// its own environment's network.
#[test]
fn the_live_fixture_finds_staging_wired_to_the_production_database() {
    let (code, out, err) =
        envwall(&["audit", "fixtures/terragrunt/live", "--module-source", MODULES, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err, "", "no warnings");
    let report: Value = serde_json::from_str(&out).unwrap();
    let findings = stack_findings(&report);
    assert_eq!(
        findings,
        [
            "EW202 non-prod/eu-west-1/stage/app:aws_lambda_function.api -> prod/eu-west-1/prod/postgres:aws_db_instance.this"
        ]
    );
    assert_eq!(
        report["findings"][0]["notes"],
        serde_json::json!([
            "the value is an output of unit `prod/eu-west-1/prod/postgres`, through Terragrunt `dependency \"db\"`; the block's `mock_outputs`, which Terragrunt gives before that unit is applied, are not followed"
        ])
    );
    let stacks: Vec<String> = report["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let deps: Vec<&str> =
                s["depends_on"].as_array().map(|d| d.iter().map(|x| x.as_str().unwrap()).collect()).unwrap_or_default();
            format!(
                "{} {} {} [{}]",
                s["name"].as_str().unwrap(),
                s["environment"].as_str().unwrap(),
                s["resources"],
                deps.join(", ")
            )
        })
        .collect();
    assert_eq!(
        stacks,
        [
            "non-prod/eu-west-1/qa/app test 2 [non-prod/eu-west-1/qa/postgres, non-prod/eu-west-1/qa/vpc]",
            "non-prod/eu-west-1/qa/postgres test 2 [non-prod/eu-west-1/qa/vpc]",
            "non-prod/eu-west-1/qa/vpc test 2 []",
            "non-prod/eu-west-1/stage/app staging 2 [prod/eu-west-1/prod/postgres, non-prod/eu-west-1/stage/vpc]",
            "non-prod/eu-west-1/stage/postgres staging 2 [non-prod/eu-west-1/stage/vpc]",
            "non-prod/eu-west-1/stage/vpc staging 2 []",
            "prod/eu-west-1/prod/app production 2 [prod/eu-west-1/prod/postgres, prod/eu-west-1/prod/vpc]",
            "prod/eu-west-1/prod/postgres production 2 [prod/eu-west-1/prod/vpc]",
            "prod/eu-west-1/prod/vpc production 2 []",
        ]
    );
    let (_, pretty, _) = envwall(&["audit", "fixtures/terragrunt/live", "--module-source", MODULES]);
    let stage_app = pretty.lines().skip_while(|l| !l.starts_with("  non-prod/eu-west-1/stage/app ")).nth(2).unwrap();
    assert_eq!(stage_app.trim(), "depends on prod/eu-west-1/prod/postgres, non-prod/eu-west-1/stage/vpc");
    let (_, html, _) =
        envwall(&["audit", "fixtures/terragrunt/live", "--module-source", MODULES, "--format", "html", "-q"]);
    assert_eq!(
        html.matches("<br>depends on prod/eu-west-1/prod/postgres, non-prod/eu-west-1/stage/vpc</td>").count(),
        1
    );
    // Where each unit declares its environment: the env.hcl its configuration reads.
    let qa = &report["stacks"][0]["evidence"];
    assert_eq!(
        qa[1],
        "test (stack): local `environment` in fixtures/terragrunt/live/non-prod/eu-west-1/qa/env.hcl = \"qa\" (word `qa`)"
    );
}

/// Without the modules, every unit is still listed in its environment, with a
/// warning that says which source is missing and how to supply it.
#[test]
fn the_live_fixture_without_its_modules_lists_every_unit_in_its_environment() {
    let (code, out, err) = envwall(&["audit", "fixtures/terragrunt/live", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let stacks: Vec<String> = report["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["name"].as_str().unwrap(), s["environment"].as_str().unwrap()))
        .collect();
    assert_eq!(
        stacks,
        [
            "non-prod/eu-west-1/qa/app test",
            "non-prod/eu-west-1/qa/postgres test",
            "non-prod/eu-west-1/qa/vpc test",
            "non-prod/eu-west-1/stage/app staging",
            "non-prod/eu-west-1/stage/postgres staging",
            "non-prod/eu-west-1/stage/vpc staging",
            "prod/eu-west-1/prod/app production",
            "prod/eu-west-1/prod/postgres production",
            "prod/eu-west-1/prod/vpc production",
        ]
    );
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 9, "{err}");
    assert!(warnings.iter().all(|w| w.contains("the unit's module is not read")), "{err}");
    assert_eq!(
        warnings[5],
        "warning: [non-prod/eu-west-1/stage/vpc] fixtures/terragrunt/live/non-prod/eu-west-1/stage/vpc/terragrunt.hcl: the unit's module is not read: its module source `git::https://github.com/acme/infra-modules.git//vpc?ref=v1.4.0` is not a local path, and envwall does not fetch modules (run `terragrunt init` to fill .terragrunt-cache, or map the source to a checkout with --module-source); it is listed with no resources"
    );
}

/// The files a unit's `generate` blocks write are read with its module: the
/// root configuration's provider says each unit's account.
#[test]
fn generated_provider_blocks_place_units_in_their_accounts() {
    let policy = Tree::new(&[(
        "policy.hcl",
        "environment \"production\" {\n  tier     = \"production\"\n  accounts = [\"111111111111\"]\n}\n",
    )]);
    let (code, out, err) = envwall(&[
        "explain",
        "aws_vpc.this",
        "fixtures/terragrunt/live/prod/eu-west-1/prod/vpc",
        "--module-source",
        MODULES,
        "--policy",
        policy.path().join("policy.hcl").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let evidence: Vec<&str> = out.lines().filter(|l| l.trim_start().starts_with(['*', '-'])).collect();
    assert_eq!(
        evidence[0].trim(),
        "* inventory    production   account 111111111111 in provider aws allowed_account_ids `arn:aws:::111111111111:` belongs to policy environment production"
    );
}

/// `mock_outputs` are what Terragrunt gives before the producer is applied: a
/// mock that names a production host is never a link.
#[test]
fn mock_outputs_are_never_followed() {
    let tree = Tree::new(&[
        (
            "modules/app/main.tf",
            "variable \"db_host\" {}\nresource \"aws_lambda_function\" \"api\" {\n  function_name = \"api-staging\"\n  role = \"arn:aws:iam::222222222222:role/api\"\n  environment {\n    variables = { DB_HOST = var.db_host }\n  }\n}\n",
        ),
        ("prod/db/terragrunt.hcl", "terraform {\n  source = \"git::https://example.com/not-here.git//db\"\n}\n"),
        (
            "staging/app/terragrunt.hcl",
            "terraform {\n  source = \"../../modules//app\"\n}\ndependency \"db\" {\n  config_path = \"../../prod/db\"\n  mock_outputs = { address = \"orders.prod.example.com\" }\n}\ninputs = {\n  db_host = dependency.db.outputs.address\n}\n",
        ),
        (
            "prod/api/main.tf",
            "resource \"aws_route53_record\" \"db\" {\n  zone_id = \"Z1\"\n  name    = \"orders.prod.example.com\"\n  type    = \"CNAME\"\n  records = [\"db.internal\"]\n}\n",
        ),
    ]);
    let (code, out, err) = envwall(&["audit", tree.path().to_str().unwrap(), "--format", "json", "-q"]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["findings"], serde_json::json!([]));
}

/// A unit analysed alone: the directory and its `terragrunt.hcl` give the same
/// resources, the module found through the exposed include.
#[test]
fn check_reads_a_unit_with_includes() {
    for input in [
        "fixtures/terragrunt/live/prod/eu-west-1/prod/app",
        "fixtures/terragrunt/live/prod/eu-west-1/prod/app/terragrunt.hcl",
    ] {
        let got = resource_addresses(&[input, "--module-source", MODULES]);
        assert_eq!(got, ["aws_iam_role.app", "aws_lambda_function.api"], "{input}");
    }
}

/// An included file that does not parse stops the unit, saying where.
#[test]
fn a_broken_include_is_an_error_with_its_place() {
    let tree = Tree::new(&[
        ("root.hcl", "inputs = {\n  a = \n}\n"),
        ("unit/terragrunt.hcl", "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n"),
    ]);
    let (code, _, err) = envwall(&["check", tree.path().join("unit").to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("{}:2:", tree.path().join("root.hcl").display())), "{err}");
}

/// A local module named by an absolute path, as `get_repo_root()` gives it.
#[test]
fn a_module_under_the_repository_root_is_read() {
    let tree = Tree::new(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("modules/vpc/main.tf", "variable \"cidr\" {}\nresource \"aws_vpc\" \"this\" {\n  cidr_block = var.cidr\n}\n"),
        (
            "live/prod/vpc/terragrunt.hcl",
            "terraform {\n  source = \"${get_repo_root()}/modules//vpc\"\n}\ninputs = {\n  cidr = \"10.0.0.0/16\"\n}\n",
        ),
    ]);
    let unit = tree.path().join("live/prod/vpc");
    assert_eq!(resource_addresses(&[unit.to_str().unwrap()]), ["aws_vpc.this"]);
}

/// `find_in_parent_folders()` without a name finds a parent `terragrunt.hcl`,
/// else the `root.hcl` that has replaced it.
#[test]
fn an_unnamed_parent_folder_search_finds_the_root_configuration() {
    let tree = Tree::new(&[
        ("live/root.hcl", "inputs = {\n  from = \"root.hcl\"\n}\n"),
        ("live/prod/app/terragrunt.hcl", "include {\n  path = find_in_parent_folders()\n}\n"),
        ("other/terragrunt.hcl", "inputs = {\n  from = \"terragrunt.hcl\"\n}\n"),
        ("other/root.hcl", "inputs = {\n  from = \"root.hcl\"\n}\n"),
        ("other/prod/app/terragrunt.hcl", "include {\n  path = find_in_parent_folders()\n}\n"),
    ]);
    for (unit, from) in [("live/prod/app", "\"root.hcl\""), ("other/prod/app", "\"terragrunt.hcl\"")] {
        let got = inputs(&evaluate(&tree.path().join(unit).join("terragrunt.hcl")));
        assert_eq!(got.get("from").map(String::as_str), Some(from), "{unit}");
    }
}

/// A producer with state: its outputs are the state's, and the consumer's
/// setting links to the producer's database by the host name they share.
#[test]
fn a_dependency_s_outputs_come_from_the_producer_s_state() {
    let module = "variable \"name\" {}\nresource \"aws_db_instance\" \"this\" {\n  identifier     = var.name\n  engine         = \"postgres\"\n  instance_class = \"db.t4g.small\"\n}\noutput \"address\" {\n  value = aws_db_instance.this.address\n}\n";
    let app = "variable \"db_host\" {}\nresource \"aws_lambda_function\" \"api\" {\n  function_name = \"orders-api-staging\"\n  role          = \"arn:aws:iam::222222222222:role/api\"\n  environment {\n    variables = { DB_HOST = var.db_host }\n  }\n}\n";
    let state = r#"{"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "db", "outputs": {"address": {"value": "orders-prod.c9akciq32.eu-west-1.rds.amazonaws.com", "type": "string"}},
      "resources": [{"mode": "managed", "type": "aws_db_instance", "name": "this", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
        "instances": [{"schema_version": 2, "attributes": {"id": "db-ABC", "identifier": "orders-prod", "engine": "postgres", "address": "orders-prod.c9akciq32.eu-west-1.rds.amazonaws.com", "port": 5432}}]}]}"#;
    let tree = Tree::new(&[
        ("modules/db/main.tf", module),
        ("modules/app/main.tf", app),
        (
            "live/prod/db/terragrunt.hcl",
            "terraform {\n  source = \"../../../modules//db\"\n}\ninputs = {\n  name = \"orders-prod\"\n}\n",
        ),
        ("live/prod/db/terraform.tfstate", state),
        (
            "live/staging/app/terragrunt.hcl",
            "terraform {\n  source = \"../../../modules//app\"\n}\ndependency \"db\" {\n  config_path = \"../../prod/db\"\n}\ninputs = {\n  db_host = dependency.db.outputs.address\n}\n",
        ),
    ]);
    let (code, out, err) = envwall(&["audit", tree.path().join("live").to_str().unwrap(), "--format", "json", "-q"]);
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let findings = stack_findings(&report);
    assert_eq!(report["findings"][0]["to"]["endpoint"], "orders-prod.c9akciq32.eu-west-1.rds.amazonaws.com");
    assert_eq!(findings, ["EW202 staging/app:aws_lambda_function.api -> prod/db:aws_db_instance.this"]);
}

/// A root `terragrunt.hcl` in the older layout (extra arguments, generated
/// provider, shared inputs, no module) is what units include, not a unit; a
/// dependency named twice is listed once.
#[test]
fn an_older_root_configuration_is_not_a_unit() {
    let root = "terraform {\n  extra_arguments \"vars\" {\n    commands = get_terraform_commands_that_need_vars()\n  }\n}\ngenerate \"providers\" {\n  path      = \"providers.tf\"\n  if_exists = \"overwrite\"\n  contents  = \"provider \\\"aws\\\" {}\\n\"\n}\nremote_state {\n  backend = \"s3\"\n  config  = { bucket = \"acme-tfstate\", key = \"${path_relative_to_include()}/terraform.tfstate\" }\n}\ninputs = {\n  environment = \"prod\"\n}\n";
    let unit = |deps: &str| {
        format!(
            "terraform {{\n  source = \"git::https://example.com/modules.git//x?ref=v1\"\n}}\ninclude {{\n  path = find_in_parent_folders()\n}}\n{deps}"
        )
    };
    let app = unit("dependencies {\n  paths = [\"../vpc\"]\n}\ndependency \"vpc\" {\n  config_path = \"../vpc\"\n}\n");
    let tree = Tree::new(&[
        ("acme-prod/terragrunt.hcl", root),
        ("acme-prod/eu-west-1/vpc/terragrunt.hcl", &unit("")),
        ("acme-prod/eu-west-1/app/terragrunt.hcl", &app),
    ]);
    let (code, out, err) = envwall(&["audit", tree.path().to_str().unwrap(), "--format", "json", "-q"]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let stacks: Vec<String> = report["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {} {}", s["name"].as_str().unwrap(), s["environment"].as_str().unwrap(), s["depends_on"]))
        .collect();
    assert_eq!(
        stacks,
        ["acme-prod/eu-west-1/app production [\"acme-prod/eu-west-1/vpc\"]", "acme-prod/eu-west-1/vpc production null"]
    );
}

/// A Terragrunt stack: the units `terragrunt stack generate` writes into
/// `.terragrunt-stack/` are stacks, with the `values` the stack gave them; a
/// stack not generated yet is said to be, with what to run.
#[test]
fn units_a_terragrunt_stack_generated_are_audited_with_their_values() {
    let stack = "unit \"service\" {\n  source = \"../../catalog/units/service\"\n  path   = \"service\"\n  values = {\n    name = \"orders-prod\"\n  }\n}\n";
    let unit =
        "terraform {\n  source = \"${get_repo_root()}/modules//service\"\n}\ninputs = {\n  name = values.name\n}\n";
    let tree = Tree::new(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        (
            "modules/service/main.tf",
            "variable \"name\" {}\nresource \"aws_sqs_queue\" \"this\" {\n  name = var.name\n}\n",
        ),
        ("live/prod/orders/terragrunt.stack.hcl", stack),
        ("live/prod/orders/.terragrunt-stack/service/terragrunt.hcl", unit),
        ("live/prod/orders/.terragrunt-stack/service/terragrunt.values.hcl", "name = \"orders-prod\"\n"),
        ("live/staging/orders/terragrunt.stack.hcl", stack),
    ]);
    let (code, out, err) = envwall(&["audit", tree.path().join("live").to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("warning: ")).collect::<Vec<_>>(),
        [format!(
            "warning: {}: a Terragrunt stack: envwall reads the units `terragrunt stack generate` writes into .terragrunt-stack/, and none are there; run it, then audit again",
            tree.path().join("live/staging/orders/terragrunt.stack.hcl").display()
        )]
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    let stack = &report["stacks"][0];
    assert_eq!(report["stacks"].as_array().unwrap().len(), 1);
    assert_eq!(stack["name"], "prod/orders/.terragrunt-stack/service");
    assert_eq!(stack["environment"], "production");
    assert_eq!(stack["resources"], 1);
    let unit = tree.path().join("live/prod/orders/.terragrunt-stack/service");
    let (code, out, err) = envwall(&["explain", "aws_sqs_queue.this", unit.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines().any(|l| l.trim() == "* name         production   word `prod` in name \"orders-prod\""),
        "{out}"
    );
}
