//! What real repositories are made of, as a new user runs envwall on them: names
//! the code gives beside names the deployed thing carries, DNS records that only
//! verify, paths typed from anywhere, environments nested in directories, a stack
//! that cannot be read among many, two stacks of the same name, missing optional
//! files, the same warning from many stacks.

mod common;

use std::path::Path;

use serde_json::Value;

use common::{Tree, envwall};

/// Runs envwall in `dir`.
fn envwall_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("envwall")
        .unwrap()
        .current_dir(dir)
        .env_remove("TF_WORKSPACE")
        .env("ENVWALL_TODAY", "2026-11-26")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// `RULE FROM -> TO` of every finding, endpoints by value.
fn findings(report: &Value) -> Vec<String> {
    let end = |e: &Value| e["address"].as_str().or(e["endpoint"].as_str()).unwrap_or("?").to_owned();
    let mut out: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {} -> {}", f["rule"].as_str().unwrap(), end(&f["from"]), end(&f["to"])))
        .collect();
    out.sort();
    out
}

/// The environment `explain` gives a resource.
fn environment(dir: &Path, address: &str, input: &str) -> (String, String) {
    let (code, out, err) = envwall_in(dir, &["explain", address, input, "--format", "json", "-q"]);
    assert_eq!(code, 0, "{err}");
    let node = &json(&out)[0];
    (
        node["environment"].as_str().unwrap_or("-").to_owned(),
        node["evidence"][0]["detail"].as_str().unwrap_or("").to_owned(),
    )
}

#[test]
fn names_the_code_gives_rank_below_the_stack_and_names_the_resource_carries_above_it() {
    let stack = "fixtures/naming/envs/production";
    let want = [
        "EW102 module.shared_vpc.aws_security_group.workers -> aws_db_instance.orders",
        "EW102 module.shared_vpc.aws_security_group.workers -> aws_db_instance.reports",
    ];
    for input in [stack.to_owned(), format!("{stack}/plan.json")] {
        let (code, out, err) = envwall(&["check", &input, "--format", "json", "-q"]);
        assert_eq!(code, 1, "{err}");
        // The DNS records (DKIM, SES and ACM verification) link nothing.
        assert_eq!(findings(&json(&out)), want, "{input}");
    }
    let root = common::root();
    for (address, env) in [
        ("module.shared_vpc.aws_vpc.this", "production"),
        ("aws_ses_domain_identity.test", "production"),
        ("aws_db_instance.orders", "staging"),
        ("aws_db_instance.reports", "development"),
        ("aws_s3_bucket.scratch", "nonprod"),
    ] {
        assert_eq!(environment(&root, address, stack).0, env, "{address}");
    }
}

/// A temporary repository: `/…/dev/repo/.git`, with `files` under `repo`. The
/// directory above the repository is named `dev`: it says nothing.
fn repository(files: &[(&str, &str)]) -> Tree {
    let mut all: Vec<(String, &str)> = files.iter().map(|(p, t)| (format!("dev/repo/{p}"), *t)).collect();
    all.push(("dev/repo/.git/HEAD".to_owned(), "ref: refs/heads/main\n"));
    let refs: Vec<(&str, &str)> = all.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    Tree::new(&refs)
}

#[test]
fn an_input_is_placed_the_same_however_its_path_is_typed() {
    let tree = repository(&[("envs/prod/app/main.tf", "resource \"aws_instance\" \"web\" {}\n")]);
    let repo = tree.path().join("dev/repo");
    let app = repo.join("envs/prod/app");
    let absolute = app.display().to_string();
    let detail = "path segment `prod` of envs/prod/app (word `prod`)".to_owned();
    for (cwd, input) in [
        (repo.clone(), "envs/prod/app"),
        (app.clone(), "."),
        (repo.join("envs/prod"), "app"),
        (repo.join("envs/prod"), "./app/../app/"),
        (std::path::PathBuf::from("/"), absolute.as_str()),
    ] {
        assert_eq!(
            environment(&cwd, "aws_instance.web", input),
            ("production".to_owned(), detail.clone()),
            "{input} from {}",
            cwd.display()
        );
    }
}

#[test]
fn the_innermost_environment_directory_wins() {
    let r = "resource \"aws_instance\" \"web\" {}\n";
    let tree = repository(&[
        ("prod/us-east-1/prod/mysql/main.tf", r),
        ("non-prod/us-east-1/qa/mysql/main.tf", r),
        ("non-prod/us-east-1/stage/mysql/main.tf", r),
        ("envs/nonproduction/main.tf", r),
        ("environments/production/app/main.tf", r),
        ("live/shared-services/main.tf", r),
    ]);
    let (code, out, err) = envwall_in(&tree.path().join("dev/repo"), &["audit", "--format", "json", "-q"]);
    assert_eq!(code, 0, "{err}");
    let got: Vec<String> = json(&out)["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["name"].as_str().unwrap(), s["environment"].as_str().unwrap_or("-")))
        .collect();
    assert_eq!(
        got,
        [
            "environments/production/app production",
            "envs/nonproduction nonprod",
            "live/shared-services shared",
            "non-prod/us-east-1/qa/mysql test",
            "non-prod/us-east-1/stage/mysql staging",
            "prod/us-east-1/prod/mysql production",
        ]
    );
}

#[test]
fn a_stack_without_an_environment_says_so_and_ambiguous_means_both_tiers() {
    let tree = repository(&[
        (
            "tools/main.tf",
            "resource \"aws_instance\" \"a\" {\n  tags = { Environment = \"shared\" }\n}\nresource \"aws_instance\" \"b\" {}\nresource \"aws_instance\" \"c\" {}\n",
        ),
        (
            "envs/prod/main.tf",
            "variable \"environment\" {\n  default = \"dev\"\n}\nresource \"aws_instance\" \"a\" {}\n",
        ),
        (
            "envs/staging/main.tf",
            "variable \"environment\" {\n  default = \"qa\"\n}\nresource \"aws_instance\" \"a\" {}\n",
        ),
    ]);
    let (code, out, err) = envwall_in(&tree.path().join("dev/repo"), &["audit", "--format", "json", "-q"]);
    assert_eq!(code, 0, "{err}");
    let stacks = json(&out)["stacks"].clone();
    let row = |name: &str| stacks.as_array().unwrap().iter().find(|s| s["name"] == name).unwrap().clone();
    let tools = row("tools");
    assert_eq!((tools["environment"].clone(), tools["tier"].clone()), (Value::Null, Value::from("unknown")));
    assert_eq!(
        tools["evidence"],
        serde_json::json!(["no environment of its own; its resources: 2 no environment, 1 shared"])
    );
    // Production by its path and development by its variable: both tiers at once.
    let prod = row("envs/prod");
    assert_eq!((prod["environment"].clone(), prod["tier"].clone()), (Value::Null, Value::from("ambiguous")));
    // Staging by its path and test by its variable: non-production either way, not ambiguous.
    let staging = row("envs/staging");
    assert_eq!(staging["tier"], "non-production");
    let (_, text, _) = envwall_in(&tree.path().join("dev/repo"), &["audit", "-q"]);
    assert!(text.contains("  tools         none             3 resources (source), 0 findings\n"), "{text}");
    assert!(text.contains("no environment of its own; its resources: 2 no environment, 1 shared"), "{text}");
}

#[test]
fn an_audit_goes_on_past_a_stack_it_cannot_read_and_fails_after_the_report() {
    let tree = repository(&[
        (
            "envs/prod/app/main.tf",
            "resource \"aws_vpc\" \"staging\" {\n  cidr_block = \"10.20.0.0/16\"\n  tags = { Environment = \"staging\" }\n}\nresource \"aws_security_group\" \"db\" {\n  ingress {\n    from_port = 5432\n    to_port = 5432\n    protocol = \"tcp\"\n    cidr_blocks = [\"10.20.0.0/16\"]\n  }\n}\n",
        ),
        ("envs/prod/broken/main.tf", "resource \"aws_instance\" \"web\" {\n  ami = \n}\n"),
        ("envs/staging/state/terraform.tfstate", "{\"version\": 4, \"resources\": \"not a list\"}"),
    ]);
    let repo = tree.path().join("dev/repo");
    let (code, out, err) = envwall_in(&repo, &["audit", "--format", "json", "-q"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("envwall: 2 of 3 stacks could not be analysed"), "{err}");
    let report = json(&out);
    assert_eq!(findings(&report), ["EW101 10.20.0.0/16 -> aws_security_group.db"]);
    let errors: Vec<(String, bool)> = report["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_owned(), s["error"].is_string()))
        .collect();
    assert_eq!(
        errors,
        [
            ("envs/prod/app".to_owned(), false),
            ("envs/prod/broken".to_owned(), true),
            ("envs/staging/state".to_owned(), true)
        ]
    );
    let broken = &report["stacks"][1]["error"];
    assert!(broken.as_str().unwrap().contains("envs/prod/broken/main.tf:2:9"), "{broken}");
    // Every format carries the errors.
    let (code, text, _) = envwall_in(&repo, &["audit", "-q"]);
    assert_eq!(code, 2);
    assert!(text.contains("envs/prod/broken    none         not analysed: "), "{text}");
    let (_, sarif, _) = envwall_in(&repo, &["audit", "-q", "--format", "sarif"]);
    let notes = &json(&sarif)["runs"][0]["invocations"][0];
    assert_eq!(notes["executionSuccessful"], false);
    assert_eq!(notes["toolExecutionNotifications"].as_array().unwrap().len(), 2);
    let (_, html, _) = envwall_in(&repo, &["audit", "-q", "--format", "html"]);
    assert!(html.contains("not analysed"), "the page lists the stacks that failed");
}

#[test]
fn stacks_are_named_from_the_common_root_and_a_state_goes_to_its_own() {
    let tree = repository(&[
        ("a/app/main.tf", "resource \"aws_instance\" \"web\" {}\n"),
        ("b/app/main.tf", "resource \"aws_instance\" \"web\" {}\n"),
        (
            "pulled.tfstate",
            r#"{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "x", "outputs": {}, "resources": [
              {"mode": "managed", "type": "aws_instance", "name": "web", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
               "instances": [{"attributes": {"id": "i-0123456789abcdef0"}}]}]}"#,
        ),
    ]);
    let repo = tree.path().join("dev/repo");
    let (code, out, err) =
        envwall_in(&repo, &["audit", "a/app", "b/app", "--state", "a/app=pulled.tfstate", "--format", "json", "-q"]);
    assert_eq!(code, 0, "{err}");
    let got: Vec<String> = json(&out)["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["name"].as_str().unwrap(), s["read"]))
        .collect();
    assert_eq!(got, [r#"a/app ["source","state"]"#, r#"b/app ["source"]"#]);
}

#[test]
fn a_single_stack_counts_its_findings_and_names_itself() {
    let (code, out, err) = envwall(&["audit", "fixtures/naming/envs/production", "--format", "json", "-q"]);
    assert_eq!(code, 1, "{err}");
    let report = json(&out);
    assert_eq!(report["stacks"].as_array().unwrap().len(), 1);
    assert_eq!(report["stacks"][0]["name"], "production");
    assert_eq!(report["stacks"][0]["findings"], 2);
    assert_eq!(report["summary"]["findings"], 2);
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["via"]["stack"], "production");
    }
}

#[test]
fn a_missing_optional_file_is_a_warning_naming_its_stack() {
    let tree = repository(&[("envs/prod/main.tf", "variable \"x\" {}\nresource \"aws_instance\" \"web\" {}\n")]);
    let prod = tree.path().join("dev/repo/envs/prod");
    std::os::unix::fs::symlink("../../common.auto.tfvars", prod.join("common.auto.tfvars")).unwrap();
    let (code, out, err) = envwall_in(&tree.path().join("dev/repo"), &["audit", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["stacks"][0]["resources"], 1);
    assert_eq!(
        err,
        // The path in the message names the stack.
        "warning: envs/prod/common.auto.tfvars: a symbolic link to ../../common.auto.tfvars, which does not exist; the stack is analysed without it\n\
         envwall: 1 warning; -q hides them\n"
    );
}

#[test]
fn the_same_warning_from_many_stacks_is_one_line_with_a_count_and_quiet_hides_it() {
    let call = "module \"base\" {\n  source = \"../../modules/base\"\n}\n";
    let tree = repository(&[
        ("modules/base/main.tf", "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n"),
        ("envs/dev/main.tf", call),
        ("envs/prod/main.tf", call),
        ("envs/stage/main.tf", call),
        ("envs/qa/main.tf", call),
    ]);
    let repo = tree.path().join("dev/repo");
    let (code, _, err) = envwall_in(&repo, &["audit", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "warning: [4 stacks: envs/dev, envs/prod, envs/qa and 1 more] 1 module(s) are not available here; run `terraform init` to download them. What they make is not analysed, and their outputs are unknown values of this stack: `base.vpc` (source `terraform-aws-modules/vpc/aws`, modules/base/main.tf:1:1)\n\
         envwall: 4 warnings (1 distinct); -q hides them\n"
    );
    let (_, _, quiet) = envwall_in(&repo, &["audit", "--format", "json", "--quiet"]);
    assert_eq!(quiet, "");
}

#[test]
fn a_module_repository_reads_the_same_from_any_directory() {
    let tree = repository(&[
        ("main.tf", "resource \"aws_vpc\" \"this\" {}\n"),
        ("examples/complete/main.tf", "module \"vpc\" {\n  source = \"../../\"\n}\n"),
        ("examples/nested/deeper/main.tf", "module \"vpc\" {\n  source = \"../../..\"\n}\n"),
    ]);
    let repo = tree.path().join("dev/repo");
    let summary = |cwd: &Path, dir: &str| {
        let (code, out, err) = envwall_in(cwd, &["audit", dir, "--format", "json"]);
        assert_eq!(code, 0, "{err}");
        assert!(!err.contains("does not exist"), "{err}");
        json(&out)["stacks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{} {}", s["name"].as_str().unwrap(), s["resources"]))
            .collect::<Vec<_>>()
    };
    let want = ["examples/complete 1", "examples/nested/deeper 1"];
    assert_eq!(summary(&repo, "."), want);
    assert_eq!(summary(Path::new("/"), repo.to_str().unwrap()), want);
    assert_eq!(summary(&repo.join("examples"), ".."), want);
}

#[test]
fn reusable_modules_nothing_calls_are_not_stacks_unless_asked() {
    let r = "resource \"aws_instance\" \"web\" {}\n";
    let tree = repository(&[
        // Reusable modules: under `modules/`, nothing a root module has.
        ("modules/network/main.tf", r),
        ("platform/modules/cache/main.tf", r),
        // Under `modules/` but a root module: a backend, a provider's settings,
        // a variables file.
        ("modules/recipe-a/main.tf", "terraform {\n  backend \"s3\" {}\n}\n"),
        ("modules/recipe-b/main.tf", "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n"),
        ("modules/recipe-c/main.tf", r),
        ("modules/recipe-c/terraform.tfvars", "x = 1\n"),
        ("envs/prod/main.tf", r),
    ]);
    let repo = tree.path().join("dev/repo");
    let names = |args: &[&str]| {
        let (code, out, err) = envwall_in(&repo, args);
        assert_eq!(code, 0, "{err}");
        let names: Vec<String> =
            json(&out)["stacks"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect();
        (names, err)
    };
    let (got, err) = names(&["audit", "--format", "json"]);
    assert_eq!(got, ["envs/prod", "modules/recipe-a", "modules/recipe-b", "modules/recipe-c"]);
    assert!(
        err.starts_with("note: 2 directories under modules/ that nothing here calls look like reusable modules, not stacks, and are left out (modules/network, platform/modules/cache); --include-modules audits them too\n"),
        "{err}"
    );
    let (all, _) = names(&["audit", "--format", "json", "--include-modules"]);
    assert_eq!(all.len(), 6);
}
