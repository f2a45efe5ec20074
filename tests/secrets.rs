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

/// Every shape of setting envwall reads, with `{S}` where a secret goes: the
/// value beside an endpoint that makes a finding, so the quoted source shows it.
const SHAPES: &[&str] = &[
    // An environment map, under keys of every spelling.
    "resource \"aws_lambda_function\" \"api\" {\n  function_name = \"orders-prod\"\n  environment {\n    variables = {\n      DATABASE_URL = \"postgresql://app:{S}@db.staging.example.com:5432/orders\"\n      {K} = \"{S}\"\n    }\n  }\n}\n",
    // Name/value lists in HCL.
    "resource \"aws_ecs_task_definition\" \"prod\" {\n  family = \"orders-prod\"\n  container_definitions = jsonencode([{ name = \"app\", image = \"app:1\", environment = [\n    { name = \"DATABASE_URL\", value = \"postgresql://db.staging.example.com:5432/x\" },\n    { name = \"{K}\", value = \"{S}\" }\n  ] }])\n}\n",
    // Name/value lists in a JSON heredoc.
    "resource \"aws_ecs_task_definition\" \"prod\" {\n  family = \"orders-prod\"\n  container_definitions = <<EOT\n[{\"name\":\"app\",\"image\":\"app:1\",\"environment\":[\n  {\"name\":\"DATABASE_URL\",\"value\":\"postgresql://u:{S}@db.staging.example.com:5432/x\"},\n  {\"name\":\"{K}\",\"value\":\"{S}\"}\n]}]\nEOT\n}\n",
    // YAML values in a heredoc.
    "resource \"helm_release\" \"app\" {\n  name      = \"app-prod\"\n  namespace = \"prod\"\n  values = [<<-EOT\n    database:\n      url: postgresql://u:{S}@db.staging.example.com:5432/x\n      {K}: {S}\n    EOT\n  ]\n}\n",
    // Connection strings of every family.
    "resource \"aws_lambda_function\" \"api\" {\n  function_name = \"orders-prod\"\n  environment {\n    variables = {\n      A = \"jdbc:postgresql://db.staging.example.com:5432/x?user=u&password={S}\"\n      B = \"Server=tcp:sql.staging.example.com,1433;Database=x;User ID=u;Password={S};\"\n      C = \"Driver={ODBC};Server=db.staging.example.com;Uid=a;Pwd={{S};{S}};\"\n      D = \"Server=db.staging.example.com;Password=\\\"{S};{S}\\\";User Id=sa\"\n      E = \"host=db.staging.example.com port=5432 password={S} dbname=x\"\n      F = \"cache.staging.example.com:6380,password={S},ssl=True\"\n      G = \"Endpoint=sb://bus.staging.example.com/;SharedAccessKeyName=r;SharedAccessKey={S}=\"\n      H = \"DefaultEndpointsProtocol=https;AccountName=st;AccountKey={S}==;EndpointSuffix=core.windows.net\"\n      I = \"https://api.staging.example.com/x?token={S}&page=2\"\n      J = \"mongodb+srv://u:{S}@cluster.staging.example.com/db\"\n      K = \"redis://:{S}@cache.staging.example.com:6379\"\n    }\n  }\n}\n",
    // A sensitive variable's default, and a secret-named attribute.
    "variable \"pw\" {\n  default   = \"{S}\"\n  sensitive = true\n}\nresource \"aws_db_instance\" \"orders_prod\" {\n  identifier = \"orders-prod\"\n  password   = var.pw\n  {K} = \"{S}\"\n}\nresource \"aws_lambda_function\" \"api\" {\n  function_name = \"orders-prod\"\n  environment {\n    variables = {\n      DATABASE_URL = \"postgresql://u:${var.pw}@db.staging.example.com:5432/x\"\n    }\n  }\n}\n",
];

/// Key names a secret may sit under; none is needed to hide it.
const KEYS: &[&str] =
    &["SECRET_KEY", "DB_PWD", "JWT_SIGNING_KEY", "ENCRYPTION_KEY", "x_password_x", "REDIS_AUTH", "value", "note", "X"];

/// Every output of every command on `dir`, and what a syntax error after the
/// secret prints.
fn every_output(dir: &std::path::Path) -> Vec<(String, String)> {
    let d = dir.to_str().unwrap();
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in ["pretty", "json", "sarif"] {
        runs.push(vec!["check", "--format", format, d]);
    }
    for format in ["dot", "mermaid", "json"] {
        runs.push(vec!["graph", "--format", format, d]);
    }
    let graph: serde_json::Value =
        serde_json::from_str(&run_any(&["graph", "--format", "json", d]).0).expect("graph JSON");
    let nodes: Vec<String> =
        graph["nodes"].as_array().unwrap().iter().map(|n| n["address"].as_str().unwrap().to_owned()).collect();
    let mut outputs: Vec<(String, String)> = runs.iter().map(|a| (a.join(" "), run_any(a).1)).collect();
    for node in &nodes {
        for format in ["text", "json"] {
            let args = ["explain", node.as_str(), "--format", format, d];
            outputs.push((args.join(" "), run_any(&args).1));
        }
    }
    let html = dir.with_extension("html");
    let h = html.to_str().unwrap();
    let (_, said) = run_any(&["audit", "--format", "html", "-o", h, d]);
    outputs.push(("audit html".into(), format!("{said}{}", std::fs::read_to_string(&html).unwrap_or_default())));
    outputs
}

/// Runs envwall: (stdout, stdout and stderr); any exit code but a crash.
fn run_any(args: &[&str]) -> (String, String) {
    let out = Command::cargo_bin("envwall").unwrap().env_remove("TF_WORKSPACE").args(args).output().unwrap();
    assert!(out.status.code().is_some(), "{args:?} was killed");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let both = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    (stdout, both)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]

    /// Random secrets planted in every setting shape appear in no output, nor in
    /// the error for a syntax error after them.
    #[test]
    fn random_secrets_appear_in_no_output(
        secret in "[A-Za-z][A-Za-z0-9!*._~-]{11,15}",
        key in proptest::sample::select(KEYS),
        shape in 0..SHAPES.len(),
    ) {
        let base = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("secrets");
        static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = base.join(format!("{shape}-{}", RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
        std::fs::create_dir_all(&dir).unwrap();
        let config = SHAPES[shape].replace("{S}", &secret).replace("{K}", key);
        std::fs::write(dir.join("main.tf"), &config).unwrap();
        let mut outputs = every_output(&dir);
        assert!(outputs[0].1.contains("EW20"), "shape {shape} makes a finding:\n{}", outputs[0].1);
        // The same file, broken after the secret: the error quotes the file.
        std::fs::write(dir.join("main.tf"), format!("{config}\nresource \"x\" {{\n  a = = 1\n}}\n")).unwrap();
        let d = dir.to_str().unwrap();
        let (_, error) = run_any(&["check", d]);
        assert!(error.contains("main.tf:"), "{error}");
        outputs.push(("syntax error".into(), error));
        for (what, text) in &outputs {
            proptest::prop_assert!(!text.contains(&secret), "{} prints the secret {}:\n{}", what, secret, text);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
