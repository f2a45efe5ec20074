//! The CI formats, each checked by what reads it: JUnit against the JUnit schema
//! Jenkins publishes (with `xmllint`), GitHub workflow commands line by line,
//! Markdown through a CommonMark parser with GitHub's tables, the GitLab Code
//! Quality fields, and SARIF's rule links, invocation and file URIs.

mod common;

use common::Scratch;

use std::path::{Path, PathBuf};

use common::{Tree, envwall};

/// The incident: production's function and egress rule point at staging's
/// database, and staging's database group admits production's range.
const INCIDENT: [&str; 2] = ["fixtures/incident/prod/plan.json", "fixtures/incident/staging/terraform.tfstate"];

fn check(format: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["check", INCIDENT[0], INCIDENT[1], "--format", format];
    args.extend_from_slice(extra);
    envwall(&args)
}

/// A scratch directory, removed afterwards.
/// Copies the incident's inputs into `dir` (`prod/plan.json`, `staging/terraform.tfstate`).
fn incident_in(dir: &Path) -> [PathBuf; 2] {
    let prod = dir.join("prod/plan.json");
    let staging = dir.join("staging/terraform.tfstate");
    for (from, to) in INCIDENT.iter().zip([&prod, &staging]) {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(common::root().join(from), to).unwrap();
    }
    [prod, staging]
}

fn xmllint_validates(xml: &str, test: &str) {
    let Some(xmllint) = common::external(test, &[("xmllint", "--version")], "validates JUnit XML") else { return };
    let scratch = Scratch::new(test);
    let file = scratch.0.join("report.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = common::root().join("tests/schemas/junit-4.xsd");
    let out =
        std::process::Command::new(xmllint).args(["--noout", "--schema"]).arg(&schema).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}\n{xml}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn junit_has_a_suite_per_rule_a_failing_case_per_finding_and_fits_the_schema() {
    let (code, xml, err) = check("junit", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"envwall\" tests=\"10\" failures=\"3\" errors=\"0\">\n"), "{xml}");
    assert_eq!(xml.matches("<testsuite ").count(), envwall::rules::RULES.len());
    assert_eq!(xml.matches("<failure ").count(), 3);
    assert!(
        xml.contains(
            "<testsuite name=\"EW102 prod-traffic-into-nonprod\" tests=\"2\" failures=\"2\" errors=\"0\" skipped=\"0\">"
        ),
        "{xml}"
    );
    assert!(xml.contains("<testcase name=\"no findings\" classname=\"envwall.EW101\"/>"), "{xml}");
    assert!(xml.contains("<failure message=\"aws_lambda_function.orders_api (environment[0].variables.DATABASE_URL) points production at orders-staging.c9akciq32xyz.eu-west-1.rds.amazonaws.com:5432 (aws_db_instance.orders, staging)\" type=\"critical\">"), "{xml}");
    assert!(xml.contains("\nat:   fixtures/incident/staging/terraform.tfstate:183:7\n"), "{xml}");
    xmllint_validates(&xml, "junit_fits_the_schema");
}

#[test]
fn a_clean_run_in_junit_is_one_passing_case_per_rule() {
    let (code, xml, err) =
        envwall(&["check", "src/rules/nonprod_traffic_into_prod/good/plan.json", "--format", "junit"]);
    assert_eq!(code, 0, "{err}");
    let rules = envwall::rules::RULES.len();
    assert!(
        xml.contains(&format!("<testsuites name=\"envwall\" tests=\"{rules}\" failures=\"0\" errors=\"0\">")),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase name=\"no findings\"").count(), rules);
    assert!(!xml.contains("<failure"));
    xmllint_validates(&xml, "a_clean_junit_fits_the_schema");
}

#[test]
fn accepted_findings_are_skipped_cases_in_junit() {
    let scratch = Scratch::new("junit-baseline");
    let baseline = scratch.0.join("baseline.json");
    let (code, _, err) = check("json", &["--write-baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let (code, xml, err) = check("junit", &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(xml.matches("<skipped>accepted by baseline `").count(), 3, "{xml}");
    assert!(!xml.contains("<failure"));
    xmllint_validates(&xml, "junit_with_skipped_fits_the_schema");
}

#[test]
fn github_annotations_are_one_command_per_finding_then_a_summary() {
    let (code, out, err) = check("github", &[]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "::error file=fixtures/incident/prod/plan.json,line=1,col=101,title=EW201 prod-setting-points-to-nonprod (critical)::aws_lambda_function.orders_api (environment[0].variables.DATABASE_URL) points production at orders-staging.c9akciq32xyz.eu-west-1.rds.amazonaws.com:5432 (aws_db_instance.orders, staging)%0Afrom: aws_lambda_function.orders_api in fixtures/incident/prod/plan.json (production)%0Ato: aws_db_instance.orders in fixtures/incident/staging/terraform.tfstate (staging)%0Avia: aws_lambda_function.orders_api (environment[0].variables.DATABASE_URL)",
            "::error file=fixtures/incident/staging/terraform.tfstate,line=183,col=7,title=EW102 prod-traffic-into-nonprod (high)::aws_security_group_rule.orders_db_from_prod_vpc (cidr_blocks) lets 10.10.0.0/16 (production) reach aws_security_group.orders_db (staging) over tcp/5432%0Afrom: 10.10.0.0/16 (production)%0Ato: aws_security_group.orders_db in fixtures/incident/staging/terraform.tfstate (staging)%0Avia: aws_security_group_rule.orders_db_from_prod_vpc (cidr_blocks)",
            "::error file=fixtures/incident/prod/plan.json,line=1,col=3407,title=EW102 prod-traffic-into-nonprod (high)::aws_vpc_security_group_egress_rule.app_to_orders_db (referenced_security_group_id) lets aws_security_group.app (production) reach aws_security_group.orders_db (staging) over tcp/5432%0Afrom: aws_security_group.app in fixtures/incident/prod/plan.json (production)%0Ato: aws_security_group.orders_db in fixtures/incident/staging/terraform.tfstate (staging)%0Avia: aws_vpc_security_group_egress_rule.app_to_orders_db (referenced_security_group_id)",
            "envwall: 3 findings (1 critical, 2 high) in 14 resources",
        ]
    );
}

#[test]
fn github_properties_and_messages_are_escaped() {
    use envwall::report::github::{escape_data, escape_property};
    assert_eq!(escape_data("50% of a\r\nb: c, d"), "50%25 of a%0D%0Ab: c, d");
    assert_eq!(escape_property("50% of a\r\nb: c, d"), "50%25 of a%0D%0Ab%3A c%2C d");
    // A file whose path holds `,`, `:` and `%`: each escaped in `file=`.
    let scratch = Scratch::new("github-escape");
    let dir = scratch.0.join("a,b:c%d");
    let [prod, staging] = incident_in(&dir);
    let (code, out, err) = envwall(&["check", prod.to_str().unwrap(), staging.to_str().unwrap(), "--format", "github"]);
    assert_eq!(code, 1, "{err}");
    let first = out.lines().next().unwrap();
    let escaped = escape_property(&dir.join("prod/plan.json").display().to_string());
    assert!(escaped.contains("a%2Cb%3Ac%25d"), "{escaped}");
    assert!(first.starts_with(&format!("::error file={escaped},line=1,col=101,title=EW201 ")), "{first}");
}

/// The cells of every table row GitHub would render, through a CommonMark parser
/// with its table extension.
fn table_rows(markdown: &str) -> Vec<Vec<String>> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut rows = Vec::new();
    let (mut row, mut cell): (Vec<String>, Option<String>) = (Vec::new(), None);
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => row.push(cell.take().unwrap_or_default()),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => rows.push(std::mem::take(&mut row)),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            _ => {}
        }
    }
    rows
}

#[test]
fn markdown_renders_a_table_of_findings_with_links() {
    let base = "https://github.com/acme/infra/blob/0123abc";
    let (code, md, err) = check("markdown", &["--link-base", base]);
    assert_eq!(code, 1, "{err}");
    assert!(md.starts_with("## envwall: 3 findings (1 critical, 2 high) in 14 resources\n"), "{md}");
    let rows = table_rows(&md);
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows[0], ["Severity", "Rule", "From", "To", "Via", "Location"]);
    assert_eq!(
        rows[1],
        [
            "critical",
            "EW201 prod-setting-points-to-nonprod",
            "aws_lambda_function.orders_api in fixtures/incident/prod/plan.json (production)",
            "aws_db_instance.orders in fixtures/incident/staging/terraform.tfstate (staging)",
            "aws_lambda_function.orders_api environment[0].variables.DATABASE_URL",
            "fixtures/incident/prod/plan.json:1",
        ]
    );
    assert_eq!(rows[2][2], "10.10.0.0/16 (production)");
    assert!(md.contains(&format!("]({base}/fixtures/incident/staging/terraform.tfstate#L183)")), "{md}");
    assert_eq!(md.matches("<details><summary>").count(), 3);
    assert!(md.len() < envwall::report::markdown::LIMIT);
    // Stable: the same report twice.
    assert_eq!(check("markdown", &["--link-base", base]).1, md);
}

#[test]
fn markdown_past_github_s_limit_is_truncated_with_a_note() {
    // Six hundred staging ranges admitted into production: six hundred findings.
    let mut main = String::from(
        "resource \"aws_security_group\" \"db\" {\n  name = \"ledger-db-prod\"\n  tags = { Environment = \"prod\" }\n}\n",
    );
    main.push_str("resource \"aws_vpc\" \"staging\" {\n  cidr_block = \"10.20.0.0/16\"\n  tags = { Environment = \"staging\" }\n}\n");
    for i in 0..600 {
        main.push_str(&format!(
            "resource \"aws_security_group_rule\" \"from_staging_{i}\" {{\n  type = \"ingress\"\n  from_port = {p}\n  to_port = {p}\n  protocol = \"tcp\"\n  cidr_blocks = [\"10.20.{}.0/24\"]\n  security_group_id = aws_security_group.db.id\n}}\n",
            i % 250,
            p = 1000 + i
        ));
    }
    let tree = Tree::new(&[("stack/main.tf", &main)]);
    let (code, md, err) = envwall(&["check", tree.path().join("stack").to_str().unwrap(), "--format", "markdown"]);
    assert_eq!(code, 1, "{err}");
    assert!(md.starts_with("## envwall: 600 findings (600 high)"), "{}", &md[..200]);
    assert!(md.chars().count() <= envwall::report::markdown::LIMIT, "{} characters", md.chars().count());
    assert!(md.contains("> **Truncated** to fit GitHub's 65536-character limit:"), "{}", &md[md.len() - 400..]);
    let rows = table_rows(&md);
    assert!(rows.len() > 100, "{} rows", rows.len());
}

#[test]
fn gitlab_code_quality_has_the_fields_gitlab_reads() {
    let (code, out, err) = check("gitlab", &[]);
    assert_eq!(code, 1, "{err}");
    let issues: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(issues.len(), 3);
    let got: Vec<(String, String, String, u64)> = issues
        .iter()
        .map(|i| {
            assert_eq!(i["fingerprint"].as_str().unwrap().len(), 16);
            assert!(
                i["description"]
                    .as_str()
                    .unwrap()
                    .starts_with(i["check_name"].as_str().unwrap().split(' ').next().unwrap())
            );
            (
                i["check_name"].as_str().unwrap().to_owned(),
                i["severity"].as_str().unwrap().to_owned(),
                i["location"]["path"].as_str().unwrap().to_owned(),
                i["location"]["lines"]["begin"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = |c: &str, s: &str, p: &str, l: u64| (c.to_owned(), s.to_owned(), p.to_owned(), l);
    assert_eq!(
        got,
        [
            want("EW201 prod-setting-points-to-nonprod", "blocker", "fixtures/incident/prod/plan.json", 1),
            want("EW102 prod-traffic-into-nonprod", "critical", "fixtures/incident/staging/terraform.tfstate", 183),
            want("EW102 prod-traffic-into-nonprod", "critical", "fixtures/incident/prod/plan.json", 1),
        ]
    );
}

#[test]
fn sarif_links_each_rule_and_records_the_run() {
    let (code, out, err) = check("sarif", &[]);
    assert_eq!(code, 1, "{err}");
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &log["runs"][0];
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap().to_ascii_lowercase();
        let uri = rule["helpUri"].as_str().unwrap();
        assert_eq!(
            uri,
            format!(
                "https://github.com/envwall/envwall/blob/main/docs/rules.md#{id}-{}",
                rule["name"].as_str().unwrap()
            )
        );
    }
    assert_eq!(run["invocations"][0]["exitCode"], 1);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    for r in run["results"].as_array().unwrap() {
        assert_eq!(r["partialFingerprints"]["envwall/v1"].as_str().unwrap().len(), 16);
    }
}

#[test]
fn sarif_file_uris_are_valid_for_relative_absolute_spaced_and_non_ascii_paths() {
    // Inside the repository: relative to %SRCROOT%.
    let (_, out, _) = check("sarif", &[]);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(uri["uri"], "fixtures/incident/prod/plan.json");
    assert_eq!(uri["uriBaseId"], "%SRCROOT%");
    assert!(log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap().starts_with("file:///"));
    assert!(log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap().ends_with('/'));
    // Outside it, by absolute path, with a space and non-ASCII letters: an absolute
    // `file://` URI, percent-encoded, and no base.
    let scratch = Scratch::new("sarif-uris");
    let [prod, staging] = incident_in(&scratch.0.join("déjà vu"));
    let (code, out, err) = envwall(&["check", prod.to_str().unwrap(), staging.to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(code, 1, "{err}");
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let location = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = location["uri"].as_str().unwrap();
        assert!(location.get("uriBaseId").is_none(), "{location}");
        assert!(uri.starts_with("file:///") && uri.contains("/d%C3%A9j%C3%A0%20vu/"), "{uri}");
        assert!(uri.is_ascii() && !uri.contains(' '), "{uri}");
    }
}

/// The SARIF Multitool (`@microsoft/sarif-multitool` on npm): the program
/// `ENVWALL_SARIF_MULTITOOL` names, else `sarif-multitool` on `PATH`.
fn multitool(test: &str) -> Option<String> {
    let named = std::env::var("ENVWALL_SARIF_MULTITOOL").ok().filter(|p| Path::new(p).is_file());
    let runs = |c: &str| {
        std::process::Command::new(c)
            .arg("--version")
            .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Some(path) = named.filter(|p| runs(p)) {
        return Some(path);
    }
    if runs("sarif-multitool") {
        return Some("sarif-multitool".to_owned());
    }
    common::skip(
        test,
        "needs the SARIF Multitool (`npm install @microsoft/sarif-multitool`, then ENVWALL_SARIF_MULTITOOL=<its Sarif.Multitool>)",
    );
    None
}

/// The Multitool's errors and warnings for a SARIF log, rule kinds `Sarif` and
/// `Gh` (GitHub's ingestion rules), as `RULE: message` lines.
fn multitool_complaints(multitool: &str, sarif: &str, dir: &Path) -> Vec<String> {
    let (input, output) = (dir.join("in.sarif"), dir.join("validation.sarif"));
    std::fs::write(&input, sarif).unwrap();
    let run = std::process::Command::new(multitool)
        .args(["validate", input.to_str().unwrap(), "--rule-kind", "Sarif;Gh", "--level", "Error;Warning"])
        .args(["--output", output.to_str().unwrap(), "--log", "ForceOverwrite"])
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .unwrap();
    assert!(output.is_file(), "the Multitool wrote nothing: {}", String::from_utf8_lossy(&run.stdout));
    let log: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    log["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["results"].as_array().cloned().unwrap_or_default())
        .map(|r| format!("{}: {}", r["ruleId"].as_str().unwrap_or("?"), r["message"]))
        .collect()
}

/// The official validator finds no error or warning, Sarif and Gh rules alike,
/// for inputs given by relative, absolute, spaced and non-ASCII paths (and it does
/// find SARIF1004 in a log that names an absolute path without a scheme).
#[test]
fn sarif_passes_the_multitool_for_every_kind_of_input_path() {
    let test = "sarif_passes_the_multitool_for_every_kind_of_input_path";
    let Some(multitool) = multitool(test) else { return };
    let scratch = Scratch::new("multitool");
    let (_, relative, _) = check("sarif", &[]);
    assert_eq!(multitool_complaints(&multitool, &relative, &scratch.0), Vec::<String>::new());
    let [prod, staging] = incident_in(&scratch.0.join("déjà vu"));
    let (code, absolute, err) =
        envwall(&["check", prod.to_str().unwrap(), staging.to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(multitool_complaints(&multitool, &absolute, &scratch.0), Vec::<String>::new());
    let (code, clean, err) = envwall(&["check", "fixtures/incident/staging/terraform.tfstate", "--format", "sarif"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(multitool_complaints(&multitool, &clean, &scratch.0), Vec::<String>::new());
    // The validator is awake: a location without a scheme is SARIF1004.
    let mut broken: serde_json::Value = serde_json::from_str(&absolute).unwrap();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] =
        serde_json::json!({ "uri": "/déjà vu/prod/plan.json" });
    let complaints = multitool_complaints(&multitool, &broken.to_string(), &scratch.0);
    assert!(complaints.iter().any(|c| c.starts_with("SARIF1004")), "{complaints:?}");
}
