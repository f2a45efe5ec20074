//! `envwall explain`, `init` and `rules` end to end.

mod common;

use common::envwall;

const APPENDIX: &str = "fixtures/resolve/appendix/plan.json";

#[test]
fn explain_shows_environment_evidence_findings_and_links() {
    let (code, out, err) = envwall(&["explain", "module.staging_app.aws_security_group.app", APPENDIX]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn explain_as_json() {
    let (code, out, err) = envwall(&["explain", "aws_security_group.db", APPENDIX, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn explain_an_endpoint_and_a_resource_of_one_input_among_several() {
    let (code, out, err) = envwall(&[
        "explain",
        "fixtures/multi/network/state.json:aws_security_group.db",
        "fixtures/multi/app/plan.json",
        "fixtures/multi/network/state.json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("fixtures/multi/network/state.json:aws_security_group.db\n"), "{out}");
    assert!(out.contains("contains      fixtures/multi/app/plan.json:aws_security_group_rule.db_from_app [production] via security_group_id (known-value)"), "{out}");
}

#[test]
fn explain_errors_are_exit_2() {
    let (code, _, err) = envwall(&["explain", "aws_security_group.dbx", APPENDIX]);
    assert_eq!(code, 2);
    assert!(err.contains("no resource or endpoint `aws_security_group.dbx` in the inputs"), "{err}");
    let (code, _, err) = envwall(&["explain", "aws_security_group", APPENDIX]);
    assert_eq!(code, 2);
    let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("did you mean aws_security_group.db, module.staging_app.aws_security_group.app?"), "{err}");
    let (code, _, err) = envwall(&["explain", "aws_security_group.db", APPENDIX, "--env", "moon"]);
    assert_eq!(code, 2);
    assert!(err.contains("--env moon: no such environment"), "{err}");
    let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("production, staging, test, development, sandbox, nonprod, shared"), "{err}");
}

#[test]
fn a_policy_mistake_is_shown_with_its_line() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-policy");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.hcl");
    std::fs::write(&path, "environment \"production\" {\n  cidrs = [\"10.0.0.0/33\"]\n}\n").unwrap();
    let (code, _, err) = envwall(&["explain", "aws_security_group.db", APPENDIX, "--policy", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("`10.0.0.0/33` is not a CIDR range"), "{err}");
    assert!(err.contains("bad.hcl:2:12"), "{err}");
    assert!(err.contains("not a CIDR"), "{err}");
}

#[test]
fn init_writes_a_starter_policy_that_loads() {
    // A long path, as a checkout's can be: messages about it stay on one line.
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli-init")
        .join("a-rather-long-directory-name-that-a-ci-runner-might-use-for-its-checkouts-of-this-repository");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(".envwall.hcl");
    let p = path.to_str().unwrap();
    let (code, _, err) = envwall(&["init", p]);
    assert_eq!(
        (code, err.as_str()),
        (0, format!("wrote {p}; declare your environments' accounts, ranges and domains in it\n").as_str())
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), envwall::cli::STARTER_POLICY);
    let (code, _, err) = envwall(&["init", p]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{p} already exists\n")) && err.contains("--force"), "{err}");
    assert_eq!(envwall(&["init", p, "--force"]).0, 0);
    let (code, out, err) = envwall(&["explain", "aws_security_group.db", APPENDIX, "--policy", p]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("environment: production (production)"), "{out}");
}

#[test]
fn rules_lists_and_documents() {
    let (code, out, _) = envwall(&["rules"]);
    assert_eq!(code, 0);
    let want = [
        "EW101  nonprod-traffic-into-prod        high     a rule lets a non-production source reach a production resource",
        "EW102  prod-traffic-into-nonprod        high     a rule lets production reach a non-production resource",
        "EW103  cross-env-network-peering        high     a peering, transit gateway or shared VPC joins production and non-production networks",
        "EW104  rule-range-spans-environments    medium   one CIDR in a rule covers both production and non-production ranges",
        "EW201  prod-setting-points-to-nonprod   critical a production app setting or connection string targets a non-production endpoint",
        "EW202  nonprod-setting-points-to-prod   high     a non-production app is configured with a production endpoint",
        "EW301  environment-label-conflict       medium   a resource's own label contradicts where it is placed",
        "EW401  nonprod-principal-can-access-prod critical a non-production principal may act on a production resource",
        "EW402  prod-principal-can-access-nonprod high     a production principal may act on a non-production resource",
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), want);
    let (code, out, _) = envwall(&["rules", "ew301"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("# EW301 environment-label-conflict\n\nDefault severity: medium."), "{out}");
    assert!(out.contains("## Why is this bad?"));
    assert_eq!(envwall(&["rules", "environment-label-conflict"]).1, out);
    let (code, _, err) = envwall(&["rules", "EW999"]);
    assert_eq!(code, 2);
    assert!(err.contains("no rule `EW999`"), "{err}");
}
