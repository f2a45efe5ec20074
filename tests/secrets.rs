//! Secrets never reach output: passwords planted in connection strings, values the
//! plan marks sensitive and provider credentials appear in no report, graph or
//! explanation.

mod common;

use assert_cmd::Command;

/// The secrets planted in the fixtures below.
const SECRETS: &[&str] = &[
    "s3cr3t-prod-pw",             // incident: password in a Lambda DATABASE_URL
    "do-not-print-this-password", // EW201 bad/good: aws_db_instance.password (sensitive)
    "redis-secret",               // EW201 bad: password in an ECS container's REDIS_URL
    "Sup3rS3cret!",               // EW202 bad: Password= in an Azure connection string
    "staging-only-password",      // incident staging state: RDS password (sensitive)
    "AKIAFAKE",                   // provider access key in every AWS plan's configuration
    "pl4nted-pw",                 // a Secrets Manager secret string's password
];

const CASES: &[&[&str]] = &[
    &["fixtures/incident/prod/plan.json", "fixtures/incident/staging/terraform.tfstate"],
    &["src/rules/prod_setting_points_to_nonprod/bad/plan.json"],
    &["src/rules/prod_setting_points_to_nonprod/good/plan.json"],
    &["src/rules/nonprod_setting_points_to_prod/bad-multi/plan.json"],
    &["src/rules/prod_setting_points_to_nonprod/bad-families/plan.json"],
];

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("envwall")
        .unwrap()
        .current_dir(common::root())
        .env_remove("TF_WORKSPACE")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn addresses(inputs: &[&str]) -> Vec<String> {
    let mut args = vec!["graph", "--format", "json"];
    args.extend_from_slice(inputs);
    let graph: serde_json::Value = serde_json::from_str(&run(&args)).unwrap();
    graph["nodes"].as_array().unwrap().iter().map(|n| n["address"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn planted_secrets_appear_in_no_output() {
    let mut outputs = Vec::new();
    for inputs in CASES {
        for format in ["pretty", "json", "sarif"] {
            let mut args = vec!["check", "--format", format];
            args.extend_from_slice(inputs);
            outputs.push((format!("check {format} {inputs:?}"), run(&args)));
        }
        for format in ["dot", "mermaid", "json"] {
            let mut args = vec!["graph", "--format", format];
            args.extend_from_slice(inputs);
            outputs.push((format!("graph {format} {inputs:?}"), run(&args)));
        }
        for address in addresses(inputs) {
            for format in ["text", "json"] {
                let mut args = vec!["explain", address.as_str(), "--format", format];
                args.extend_from_slice(inputs);
                outputs.push((format!("explain {address} {format}"), run(&args)));
            }
        }
    }
    assert!(outputs.len() > 60, "{} outputs", outputs.len());
    for (what, text) in &outputs {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{what} prints `{secret}`:\n{text}");
        }
    }
    // The secrets really are in the inputs.
    let planted: String =
        CASES.iter().flat_map(|c| c.iter()).map(|p| std::fs::read_to_string(common::root().join(p)).unwrap()).collect();
    for secret in SECRETS {
        assert!(planted.contains(secret), "{secret} is not planted");
    }
}
