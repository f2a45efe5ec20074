//! The environment stage on a table of cases: every word of the vocabulary, tag-key
//! spellings, the word traps, camelCase, Azure resource groups, GCP labels,
//! containment chains, and which signal wins when they disagree.

use std::path::Path;

use envwall::env::{Environments, StackOptions, classify};
use envwall::graph::{Graph, Node};
use envwall::input::{self, Source};
use envwall::policy::{Policy, Tier};
use proptest::prelude::*;
use serde_json::{Value, json};

/// A state (`terraform show -json`) holding `resources` as (type, name, values).
fn state(resources: &[(&str, &str, Value)]) -> String {
    let resources: Vec<Value> = resources
        .iter()
        .map(|(kind, name, values)| {
            json!({"address": format!("{kind}.{name}"), "mode": "managed", "type": kind, "name": name, "values": values})
        })
        .collect();
    json!({"format_version": "1.0", "values": {"root_module": {"resources": resources}}}).to_string()
}

/// The environment name (or `ambiguous` / `-`) of every resource, by address.
fn run(path: &str, text: String, policy: &Policy, options: &StackOptions) -> Vec<(String, String)> {
    let sources = [Source::from_bytes(Path::new(path), text.into_bytes()).unwrap()];
    let model = input::load(&sources).unwrap();
    let graph = Graph::build(&model);
    let envs: Environments<'_> = classify(&graph, policy, options);
    graph
        .inner
        .node_indices()
        .filter(|&n| matches!(graph.inner[n], Node::Resource(_)))
        .map(|n| {
            let c = envs.of(n);
            let env = match (c.environment, c.ambiguous) {
                (Some(e), _) => envs.name(e).to_owned(),
                (None, true) => "ambiguous".to_owned(),
                (None, false) => "-".to_owned(),
            };
            (graph.node_name(n), env)
        })
        .collect()
}

fn env_of(resources: &[(&str, &str, Value)], target: &str) -> String {
    env_with(&Policy::builtin(), "state.json", &StackOptions::default(), resources, target)
}

fn env_with(
    policy: &Policy,
    path: &str,
    options: &StackOptions,
    resources: &[(&str, &str, Value)],
    target: &str,
) -> String {
    run(path, state(resources), policy, options)
        .into_iter()
        .find(|(a, _)| a == target)
        .map(|(_, e)| e)
        .unwrap_or_else(|| panic!("no {target}"))
}

fn tagged(key: &str, value: &str) -> Vec<(&'static str, &'static str, Value)> {
    vec![("aws_instance", "web", json!({"tags": {key: value}}))]
}

fn named(name: &str) -> Vec<(&'static str, &'static str, Value)> {
    vec![("aws_instance", "web", json!({"tags": {"Name": name}}))]
}

#[test]
fn every_vocabulary_word_in_a_tag() {
    let table: &[(&str, &str)] = &[
        ("prod", "production"),
        ("production", "production"),
        ("prd", "production"),
        ("live", "production"),
        ("Production", "production"),
        ("PROD", "production"),
        ("prodn", "production"),
        ("dr", "production"),
        ("disaster-recovery", "production"),
        ("prod1", "production"),
        ("prod2", "production"),
        ("staging", "staging"),
        ("stage", "staging"),
        ("stg", "staging"),
        ("stag", "staging"),
        ("preprod", "staging"),
        ("pre-prod", "staging"),
        ("pre_prod", "staging"),
        ("pprd", "staging"),
        ("preprd", "staging"),
        ("uat", "staging"),
        ("acceptance", "staging"),
        ("perf", "staging"),
        ("performance", "staging"),
        ("loadtest", "staging"),
        ("test", "test"),
        ("tst", "test"),
        ("testing", "test"),
        ("qa", "test"),
        ("qa1", "test"),
        ("qas", "test"),
        ("sit", "test"),
        ("integration", "test"),
        ("e2e", "test"),
        ("dev", "development"),
        ("develop", "development"),
        ("development", "development"),
        ("dv", "development"),
        ("local", "development"),
        ("review", "development"),
        ("preview", "development"),
        ("ephemeral", "development"),
        ("dev01", "development"),
        ("sandbox", "sandbox"),
        ("sbx", "sandbox"),
        ("playground", "sandbox"),
        ("lab", "sandbox"),
        ("poc", "sandbox"),
        ("demo", "sandbox"),
        ("trial", "sandbox"),
        ("training", "sandbox"),
        ("nonprod", "nonprod"),
        ("non-prod", "nonprod"),
        ("non_prod", "nonprod"),
        ("nprod", "nonprod"),
        ("np", "nonprod"),
        ("notprod", "nonprod"),
        ("lower", "nonprod"),
        ("lowers", "nonprod"),
        ("prodlike", "nonprod"),
        ("prod-like", "nonprod"),
        ("prod-copy", "nonprod"),
        ("prod-mirror", "nonprod"),
        ("shared", "shared"),
        ("common", "shared"),
        ("hub", "shared"),
        ("transit", "shared"),
        ("mgmt", "shared"),
        ("management", "shared"),
        ("blue", "-"),
        ("", "-"),
    ];
    for (value, want) in table {
        assert_eq!(env_of(&tagged("Environment", value), "aws_instance.web"), *want, "Environment = {value:?}");
    }
}

#[test]
fn tag_key_spellings() {
    for key in [
        "Environment",
        "environment",
        "ENVIRONMENT",
        "Env",
        "env",
        "ENV",
        "Stage",
        "stage",
        "EnvironmentName",
        "environment_name",
        "env-name",
        "Deployment Environment",
        "deployment_environment",
        "app_env",
        "TargetEnv",
        "SDLC",
        "sdlc_stage",
        "Lifecycle",
        "workspace",
    ] {
        assert_eq!(env_of(&tagged(key, "prod"), "aws_instance.web"), "production", "key {key}");
    }
    for key in ["Owner", "Tier", "Team", "Name_env_suffix", "CostCenter"] {
        assert_eq!(env_of(&tagged(key, "staging"), "aws_instance.web"), "-", "key {key} is not an environment key");
    }
}

#[test]
fn word_traps_in_names() {
    let table: &[(&str, &str)] = &[
        ("product-catalog", "-"),
        ("reproduce", "-"),
        ("devops-tools", "-"),
        ("storage-gateway", "-"),
        ("testimonials", "-"),
        ("latest-build", "-"),
        ("contest", "-"),
        ("attestation", "-"),
        ("evaluation", "-"),
        ("deliver", "-"),
        ("olive", "-"),
        ("stagecoach", "-"),
        ("backstage", "-"),
        ("qatar-api", "-"),
        ("demographics", "-"),
        ("perfume-shop", "-"),
        ("drupal", "-"),
        ("address-book", "-"),
        ("sandboxed", "-"),
        ("production-line", "-"),
        ("devices", "-"),
        ("orders-prod-db", "production"),
        ("prod-orders", "production"),
        ("orders_preprod", "staging"),
        ("billing-nonprod", "nonprod"),
        ("api-pre-prod", "staging"),
        ("qa2-runner", "test"),
    ];
    for (name, want) in table {
        assert_eq!(env_of(&named(name), "aws_instance.web"), *want, "name {name}");
    }
}

#[test]
fn camel_case_and_run_together_names() {
    assert_eq!(env_of(&named("ordersProdDb"), "aws_instance.web"), "production");
    assert_eq!(env_of(&named("paymentsStagingApi"), "aws_instance.web"), "staging");
    assert_eq!(env_of(&named("devBox"), "aws_instance.web"), "development");
    assert_eq!(env_of(&named("HTTPServerQA"), "aws_instance.web"), "test");
    let storage = |n: &str| vec![("azurerm_storage_account", "main", json!({"name": n}))];
    assert_eq!(env_of(&storage("stordersprodweu01"), "azurerm_storage_account.main"), "production");
    assert_eq!(env_of(&storage("stordersdev"), "azurerm_storage_account.main"), "development");
    assert_eq!(env_of(&storage("stproductcatalog"), "azurerm_storage_account.main"), "-");
}

#[test]
fn the_address_itself_names_the_environment() {
    let r = vec![("aws_security_group", "staging_app", json!({}))];
    assert_eq!(env_of(&r, "aws_security_group.staging_app"), "staging");
}

#[test]
fn azure_resource_groups() {
    let in_rg = |rg: &str| vec![("azurerm_linux_web_app", "api", json!({"name": "api", "resource_group_name": rg}))];
    assert_eq!(env_of(&in_rg("rg-payments-prod-weu"), "azurerm_linux_web_app.api"), "production");
    assert_eq!(env_of(&in_rg("rg-payments-uat"), "azurerm_linux_web_app.api"), "staging");
    assert_eq!(env_of(&in_rg("rg-product-catalog"), "azurerm_linux_web_app.api"), "-");
    // The group is in the inputs, tagged: its tag decides, not its name.
    let both = vec![
        ("azurerm_resource_group", "main", json!({"name": "rg-payments", "tags": {"environment": "Production"}})),
        ("azurerm_linux_web_app", "api", json!({"name": "api", "resource_group_name": "rg-payments"})),
    ];
    assert_eq!(env_of(&both, "azurerm_linux_web_app.api"), "production");
}

#[test]
fn gcp_labels_and_kubernetes_labels() {
    let r = vec![("google_compute_instance", "vm", json!({"labels": {"env": "prod"}}))];
    assert_eq!(env_of(&r, "google_compute_instance.vm"), "production");
    let r = vec![(
        "google_sql_database_instance",
        "db",
        json!({"settings": [{}], "effective_labels": {"environment": "staging"}}),
    )];
    assert_eq!(env_of(&r, "google_sql_database_instance.db"), "staging");
    let r = vec![("kubernetes_deployment", "api", json!({"metadata": [{"name": "api", "labels": {"env": "dev"}}]}))];
    assert_eq!(env_of(&r, "kubernetes_deployment.api"), "development");
    let ns = vec![
        ("kubernetes_namespace", "ns", json!({"metadata": [{"name": "payments-qa"}]})),
        ("kubernetes_deployment", "api", json!({"metadata": [{"name": "api", "namespace": "payments-qa"}]})),
    ];
    assert_eq!(env_of(&ns, "kubernetes_deployment.api"), "test");
}

#[test]
fn containment_chains() {
    let chain = vec![
        ("aws_vpc", "main", json!({"id": "vpc-0123456789abcdef0", "tags": {"Environment": "prod"}})),
        ("aws_subnet", "a", json!({"id": "subnet-0123456789abcdef0", "vpc_id": "vpc-0123456789abcdef0"})),
        ("aws_instance", "web", json!({"id": "i-0123456789abcdef0", "subnet_id": "subnet-0123456789abcdef0"})),
        ("aws_security_group", "web", json!({"id": "sg-0123456789abcdef0", "vpc_id": "vpc-0123456789abcdef0"})),
        ("aws_security_group_rule", "in", json!({"security_group_id": "sg-0123456789abcdef0"})),
    ];
    for target in ["aws_subnet.a", "aws_instance.web", "aws_security_group.web", "aws_security_group_rule.in"] {
        assert_eq!(env_of(&chain, target), "production", "{target}");
    }
    // GCP: a project holds its resources.
    let project = vec![
        ("google_project", "p", json!({"project_id": "acme-payments", "labels": {"env": "staging"}})),
        ("google_compute_network", "net", json!({"name": "vpc", "project": "acme-payments"})),
    ];
    assert_eq!(env_of(&project, "google_compute_network.net"), "staging");
}

#[test]
fn stronger_signals_win() {
    // A tag overrides a contradicting name.
    let r = vec![("aws_instance", "web", json!({"tags": {"Name": "orders-staging", "Environment": "prod"}}))];
    assert_eq!(env_of(&r, "aws_instance.web"), "production");
    // An own tag overrides the container's environment.
    let r = vec![
        ("aws_vpc", "main", json!({"id": "vpc-0123456789abcdef0", "tags": {"Environment": "dev"}})),
        ("aws_subnet", "a", json!({"vpc_id": "vpc-0123456789abcdef0", "tags": {"Environment": "prod"}})),
    ];
    assert_eq!(env_of(&r, "aws_subnet.a"), "production");
    // A name overrides the container.
    let r = vec![
        ("aws_vpc", "main", json!({"id": "vpc-0123456789abcdef0", "tags": {"Environment": "dev"}})),
        ("aws_security_group", "x", json!({"name": "billing-prod", "vpc_id": "vpc-0123456789abcdef0"})),
    ];
    assert_eq!(env_of(&r, "aws_security_group.x"), "production");
    // A specific environment beats a shared word in the same name.
    assert_eq!(env_of(&named("prod-transit-hub"), "aws_instance.web"), "production");
    // Tags that disagree between production and non-production are ambiguous.
    let r = vec![("aws_instance", "web", json!({"tags": {"Environment": "prod", "Stage": "dev"}}))];
    assert_eq!(env_of(&r, "aws_instance.web"), "ambiguous");
    // Two non-production words are not: the first key in the policy's order wins.
    let r = vec![("aws_instance", "web", json!({"tags": {"Stage": "qa", "Environment": "staging"}}))];
    assert_eq!(env_of(&r, "aws_instance.web"), "staging");
}

fn policy(text: &str) -> Policy {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("policy-{}", text.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("policy.hcl");
    std::fs::write(&path, text).unwrap();
    Policy::discover(Some(&path), &dir, &envwall::rules::codes()).unwrap()
}

#[test]
fn the_policy_inventory_overrides_tags() {
    let p = policy(
        r#"
environment "production" {
  cidrs    = ["10.10.0.0/16"]
  accounts = ["111111111111"]
  domains  = ["prod.example.internal"]
  projects = ["acme-prod"]
  subscriptions = ["0000aaaa-0000-0000-0000-000000000001"]
  addresses = ["module.payments.*"]
}
environment "staging" {
  cidrs = ["10.20.0.0/16"]
}
"#,
    );
    let o = StackOptions::default();
    let r = vec![("aws_subnet", "a", json!({"cidr_block": "10.10.1.0/24", "tags": {"Environment": "staging"}}))];
    assert_eq!(env_with(&p, "s.json", &o, &r, "aws_subnet.a"), "production");
    let r = vec![("aws_instance", "x", json!({"private_ip": "10.20.3.4", "tags": {"Name": "prod-box"}}))];
    assert_eq!(env_with(&p, "s.json", &o, &r, "aws_instance.x"), "staging");
    let r = vec![(
        "aws_security_group",
        "x",
        json!({"arn": "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-1", "tags": {"env": "dev"}}),
    )];
    assert_eq!(env_with(&p, "s.json", &o, &r, "aws_security_group.x"), "production");
    let r = vec![("aws_vpc", "x", json!({"owner_id": "111111111111"}))];
    assert_eq!(env_with(&p, "s.json", &o, &r, "aws_vpc.x"), "production");
    let r = vec![("aws_db_instance", "x", json!({"address": "orders.prod.example.internal", "tags": {"env": "qa"}}))];
    assert_eq!(env_with(&p, "s.json", &o, &r, "aws_db_instance.x"), "production");
    let r = vec![("google_compute_network", "x", json!({"project": "acme-prod", "name": "dev-net"}))];
    assert_eq!(env_with(&p, "s.json", &o, &r, "google_compute_network.x"), "production");
    let r = vec![(
        "azurerm_resource_group",
        "x",
        json!({"id": "/subscriptions/0000AAAA-0000-0000-0000-000000000001/resourceGroups/rg-dev", "name": "rg-dev"}),
    )];
    assert_eq!(env_with(&p, "s.json", &o, &r, "azurerm_resource_group.x"), "production");
}

#[test]
fn the_stack_environment_is_the_weakest_signal() {
    let p = Policy::builtin();
    let r = vec![("aws_instance", "web", json!({})), ("aws_instance", "api", json!({"tags": {"env": "dev"}}))];
    let none = StackOptions::default();
    assert_eq!(env_with(&p, "envs/prod/state.json", &none, &r, "aws_instance.web"), "production");
    assert_eq!(env_with(&p, "environments/staging/state.json", &none, &r, "aws_instance.web"), "staging");
    assert_eq!(env_with(&p, "envs/prod/state.json", &none, &r, "aws_instance.api"), "development");
    // `live/` holds every environment: only what follows it counts.
    assert_eq!(env_with(&p, "live/stage/app/state.json", &none, &r, "aws_instance.web"), "staging");
    assert_eq!(env_with(&p, "live/state.json", &none, &r, "aws_instance.web"), "production");
    let ws = StackOptions { env: None, workspace: Some("qa".into()) };
    assert_eq!(env_with(&p, "state.json", &ws, &r, "aws_instance.web"), "test");
    let declared = StackOptions { env: p.environment("prod"), workspace: Some("qa".into()) };
    assert_eq!(env_with(&p, "state.json", &declared, &r, "aws_instance.web"), "production");
    assert_eq!(env_with(&p, "state.json", &none, &r, "aws_instance.web"), "-");
}

fn case_variants() -> impl Strategy<Value = (String, String)> {
    let words = prop::sample::select(vec![
        ("prod", "production"),
        ("staging", "staging"),
        ("dev", "development"),
        ("qa", "test"),
        ("preprod", "staging"),
        ("nonprod", "nonprod"),
        ("sandbox", "sandbox"),
        ("uat", "staging"),
    ]);
    let sep = prop::sample::select(vec!["-", "_", ".", "/", ":", " "]);
    let neutral = prop::sample::select(vec!["orders", "payments", "api", "db", "cache"]);
    (words, sep, neutral, any::<bool>(), 0u8..3).prop_map(|((word, env), sep, other, before, case)| {
        let w = match case {
            0 => word.to_uppercase(),
            1 => {
                let mut c = word.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
            }
            _ => word.to_owned(),
        };
        let name = if before { format!("{w}{sep}{other}") } else { format!("{other}{sep}{w}") };
        (name, env.to_owned())
    })
}

proptest! {
    #[test]
    fn classification_ignores_case_and_separators((name, env) in case_variants()) {
        prop_assert_eq!(env_of(&named(&name), "aws_instance.web"), env);
    }

    #[test]
    fn an_unrelated_resource_never_changes_another_tier(
        tags in proptest::collection::vec(prop::sample::select(vec!["prod", "staging", "dev", "shared", "blue", "qa"]), 1..6),
        extra in prop::sample::select(vec!["prod", "staging", "dev", "shared", "blue"]),
        extra_name in prop::sample::select(vec!["orders-prod", "orders-dev", "product-catalog", "hub"]),
    ) {
        let mut resources: Vec<(&str, String, Value)> = tags
            .iter()
            .enumerate()
            .map(|(i, t)| ("aws_instance", format!("r{i}"), json!({"tags": {"Environment": t}})))
            .collect();
        let to_refs = |rs: &[(&str, String, Value)]| -> Vec<(String, String)> {
            let borrowed: Vec<(&str, &str, Value)> = rs.iter().map(|(k, n, v)| (*k, n.as_str(), v.clone())).collect();
            run("state.json", state(&borrowed), &Policy::builtin(), &StackOptions::default())
        };
        let before = to_refs(&resources);
        resources.push(("aws_s3_bucket", "unrelated".to_owned(), json!({"bucket": extra_name, "tags": {"Environment": extra}})));
        let after = to_refs(&resources);
        prop_assert_eq!(&after[..before.len()], &before[..]);
    }
}

#[test]
fn tiers_of_the_builtin_environments() {
    let p = Policy::builtin();
    let tier = |n: &str| p.environments[p.environment(n).unwrap()].tier;
    assert_eq!(tier("production"), Tier::Production);
    for n in ["staging", "test", "development", "sandbox", "nonprod"] {
        assert_eq!(tier(n), Tier::NonProduction, "{n}");
    }
    assert_eq!(tier("shared"), Tier::Shared);
}

/// Environment words as people write them: a negating prefix (`non`, `not`,
/// `pre`) or the suffix `like` on a production word never gives production,
/// however it is joined or cased; and the traps stay traps.
const SPELLINGS: &[(&str, &str)] = &[
    ("prod", "production"),
    ("Prod", "production"),
    ("PROD", "production"),
    ("production", "production"),
    ("Production", "production"),
    ("prd", "production"),
    ("prod2", "production"),
    ("live", "production"),
    ("prod-eu-west-1", "production"),
    ("non-production", "nonprod"),
    ("nonproduction", "nonprod"),
    ("non_production", "nonprod"),
    ("NonProduction", "nonprod"),
    ("NONPRODUCTION", "nonprod"),
    ("Non-Production", "nonprod"),
    ("non production", "nonprod"),
    ("non-prod", "nonprod"),
    ("nonprod", "nonprod"),
    ("NonProd", "nonprod"),
    ("non-prd", "nonprod"),
    ("nonprd", "nonprod"),
    ("not-prod", "nonprod"),
    ("notprod", "nonprod"),
    ("not_production", "nonprod"),
    ("NotProd", "nonprod"),
    ("non-live", "nonprod"),
    ("preproduction", "staging"),
    ("pre-production", "staging"),
    ("PreProduction", "staging"),
    ("pre-prod", "staging"),
    ("preprod", "staging"),
    ("PreProd", "staging"),
    ("pre_prd", "staging"),
    ("prod-like", "nonprod"),
    ("prodlike", "nonprod"),
    ("production-like", "nonprod"),
    ("ProductionLike", "nonprod"),
    ("staging", "staging"),
    ("stage", "staging"),
    ("uat", "staging"),
    ("qa", "test"),
    ("dev", "development"),
    ("development", "development"),
    ("sandbox", "sandbox"),
    // Traps: no environment at all.
    ("production-line", "-"),
    ("nonprofit", "-"),
    ("product", "-"),
    ("productivity", "-"),
    ("produce", "-"),
    ("prodigy", "-"),
    ("reproduction", "-"),
    ("notable", "-"),
    ("preprocessor", "-"),
    ("notebook", "-"),
    ("premium", "-"),
    ("livestock", "-"),
    ("delivery", "-"),
];

#[test]
fn environment_words_as_people_write_them_in_tags_and_names() {
    assert!(SPELLINGS.len() >= 40);
    for (value, want) in SPELLINGS {
        assert_eq!(env_of(&tagged("Environment", value), "aws_instance.web"), *want, "Environment = {value:?}");
        assert_eq!(env_of(&named(value), "aws_instance.web"), *want, "Name = {value:?}");
    }
}

#[test]
fn environment_words_as_people_write_them_in_paths_workspaces_and_variables() {
    let p = Policy::builtin();
    let r = vec![("aws_instance", "web", json!({}))];
    let none = StackOptions::default();
    for (value, want) in SPELLINGS.iter().filter(|(v, _)| !v.contains(' ')) {
        // A directory that is an environment word, or any name in a directory of environments.
        let path = format!("envs/{value}/state.json");
        assert_eq!(env_with(&p, &path, &none, &r, "aws_instance.web"), *want, "path {path}");
        let ws = StackOptions { env: None, workspace: Some((*value).to_owned()) };
        assert_eq!(env_with(&p, "state.json", &ws, &r, "aws_instance.web"), *want, "workspace {value}");
    }
}
