//! Policy files: every mistake is a clear message with a span on the offending text.

use std::path::PathBuf;

use envwall::policy::{Date, Policy, PolicyError, Severity};

fn write(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("policies");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn error(name: &str, text: &str) -> PolicyError {
    let path = write(name, text);
    Policy::discover(Some(&path), path.parent().unwrap(), &envwall::rules::codes())
        .expect_err("the policy must be refused")
}

/// Asserts the message and that the span covers exactly the `nth` occurrence of `at`.
fn assert_error(text: &str, message: &str, at: &str, nth: usize) {
    let e = error(&format!("case-{}.hcl", message.len()), text);
    assert_eq!(e.message, message);
    let start = text.match_indices(at).nth(nth).unwrap_or_else(|| panic!("`{at}` not in the text")).0;
    let span = e.span.expect("a span");
    assert_eq!(
        (span.offset(), span.len()),
        (start, at.len()),
        "{message}: span is `{}`",
        &text[span.offset()..span.offset() + span.len()]
    );
}

#[test]
fn every_mistake_points_at_its_text() {
    assert_error("team \"x\" {}\n", "unknown block `team`", "team", 0);
    assert_error(
        "environment \"production\" {\n  colour = \"red\"\n}\n",
        "unknown attribute `colour` in `environment`",
        "colour",
        0,
    );
    assert_error(
        "environment \"production\" {\n  cidrs = [\"10.0.0.0/8\", \"10.0.0.0/33\"]\n}\n",
        "`10.0.0.0/33` is not a CIDR range",
        "\"10.0.0.0/33\"",
        0,
    );
    assert_error(
        "environment \"production\" {\n  cidrs = [\"10.0.0.1/16\"]\n}\n",
        "`10.0.0.1/16` has host bits set",
        "\"10.0.0.1/16\"",
        0,
    );
    assert_error(
        "exception \"x\" {\n  address = \"a.b\"\n  reason = \"r\"\n  expires = \"2027-02-30\"\n}\n",
        "`2027-02-30` is not a date",
        "\"2027-02-30\"",
        0,
    );
    assert_error("environment \"qa2\" {\n  tier = \"prod\"\n}\n", "unknown tier `prod`", "\"prod\"", 0);
    assert_error(
        "environment \"qa2\" {\n  tier = \"non-production\"\n}\nenvironment \"qa2\" {\n  tier = \"non-production\"\n}\n",
        "environment `qa2` is declared twice",
        "\"qa2\"",
        1,
    );
    assert_error("environment \"qa2\" {\n  aliases = [\"q2\"]\n}\n", "environment `qa2` has no tier", "\"qa2\"", 0);
    assert_error("rule \"EW999\" {\n  enabled = false\n}\n", "unknown rule `EW999`", "\"EW999\"", 0);
    assert_error("rule \"EW301\" {\n  severity = \"urgent\"\n}\n", "unknown severity `urgent`", "\"urgent\"", 0);
    assert_error("rule \"EW301\" {\n  enabled = \"no\"\n}\n", "`enabled` must be true or false", "\"no\"", 0);
    assert_error(
        "environment \"production\" {\n  aliases = \"prd\"\n}\n",
        "`aliases` must be a list of strings",
        "\"prd\"",
        0,
    );
    assert_error(
        "environment \"production\" {\n  accounts = [\"1234\"]\n}\n",
        "`1234` is not an AWS account id",
        "\"1234\"",
        0,
    );
    assert_error("exception \"x\" {\n  address = \"a.b\"\n}\n", "exception `x` needs `reason`", "exception", 0);
    assert_error(
        "exception \"x\" {\n  rules = [\"EW1\"]\n  address = \"a\"\n  reason = \"r\"\n}\n",
        "unknown rule `EW1`",
        "\"EW1\"",
        0,
    );
    assert_error("severity = \"high\"\n", "unknown top-level attribute `severity`", "severity", 0);
    assert_error(
        "environment {\n  tier = \"shared\"\n}\n",
        "`environment` needs exactly one label: the environment's name",
        "environment",
        0,
    );
    assert_error(
        "environment \"x\" {\n  tier = \"shared\"\n  nested {}\n}\n",
        "unexpected block `nested` in `environment`",
        "nested",
        0,
    );
}

#[test]
fn syntax_errors_point_at_the_line() {
    let text = "environment \"production\" {\n  tier = \"production\"\n  aliases = [\"prd\",\n}\n";
    let e = error("syntax.hcl", text);
    assert!(e.message.starts_with("policy syntax error"), "{}", e.message);
    let span = e.span.unwrap();
    let line = text[..span.offset()].matches('\n').count() + 1;
    assert_eq!(line, 4);
}

#[test]
fn a_valid_policy_adds_to_the_builtin_one() {
    let path = write(
        "valid.hcl",
        r#"
# Our environments.
environment "production" {
  accounts = ["111111111111"]
  cidrs    = ["10.10.0.0/16"]
}
environment "perf" {
  tier    = "non-production"
  aliases = ["load-test"]
}
labels {
  keys   = ["CostCentreEnv"]
  ignore = ["dev-null"]
}
rule "EW301" {
  severity = "high"
}
exception "legacy" {
  rules   = ["EW301"]
  address = "aws_db_instance.legacy_*"
  reason  = "migrating"
  expires = "2027-03-31"
}
"#,
    );
    let p = Policy::discover(Some(&path), path.parent().unwrap(), &envwall::rules::codes()).unwrap();
    let prod = &p.environments[p.environment("production").unwrap()];
    assert_eq!(prod.accounts, ["111111111111"]);
    assert!(prod.aliases.contains(&"prd".to_owned()), "built-in aliases are kept");
    let perf = p.environment("perf").unwrap();
    assert_eq!(p.environment("load-test"), Some(perf));
    // `perf` was a built-in staging alias; the user's environment takes it.
    assert!(!p.environments[p.environment("staging").unwrap()].aliases.contains(&"perf".to_owned()));
    assert!(p.label_keys.contains(&"costcentreenv".to_owned()));
    assert_eq!(p.rule("EW301").and_then(|r| r.severity), Some(Severity::High));
    assert_eq!(p.exceptions[0].expires, Date::parse("2027-03-31"));
    assert_eq!(p.files, [path]);
}

#[test]
fn discovery_finds_the_nearest_policy_up_to_the_repository_root() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("discovery");
    let _ = std::fs::remove_dir_all(&root);
    let nested = root.join("repo/stacks/app");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::create_dir_all(root.join("repo/.git")).unwrap();
    std::fs::write(root.join(".envwall.hcl"), "environment \"outside\" {\n  tier = \"shared\"\n}\n").unwrap();
    // Above the repository root: not used.
    assert_eq!(Policy::discover(None, &nested, &envwall::rules::codes()).unwrap().files, Vec::<PathBuf>::new());
    std::fs::write(root.join("repo/.envwall.hcl"), "environment \"inside\" {\n  tier = \"shared\"\n}\n").unwrap();
    let p = Policy::discover(None, &nested, &envwall::rules::codes()).unwrap();
    assert_eq!(p.files, [root.join("repo/.envwall.hcl")]);
    assert!(p.environment("inside").is_some());
    // A directory of policy files.
    let dir = root.join("policies");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.hcl"), "environment \"a\" {\n  tier = \"shared\"\n}\n").unwrap();
    std::fs::write(dir.join("b.hcl"), "environment \"b\" {\n  tier = \"shared\"\n}\n").unwrap();
    let p = Policy::discover(Some(&dir), &root, &envwall::rules::codes()).unwrap();
    assert!(p.environment("a").is_some() && p.environment("b").is_some());
}
