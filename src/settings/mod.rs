//! Application settings: the environment variables, app settings and connection
//! strings that tell a workload where to connect.
//!
//! In: a resource of the model. Out: its [`Setting`]s (attribute path, key, value
//! when known) from the catalog: Lambda, ECS and Batch (container definitions are
//! JSON strings), Elastic Beanstalk, App Runner, CodeBuild, Amplify, Glue, DMS, SSM
//! parameters, Secrets Manager secret strings, SNS subscriptions, API Gateway
//! integrations, CloudFront origins, DNS records (Route 53, Cloud DNS, Azure DNS),
//! Azure web/function/container apps, Cloud Run, Cloud Functions, App Engine,
//! Kubernetes workloads, config maps and secrets, Helm releases. [`crate::vocab::connstr`] turns
//! values into endpoints.

use crate::vocab::connstr::is_last_part;

use std::borrow::Cow;

use crate::model::Resource;
use crate::model::value::{AttrValue, PathStep, write_path};

/// One setting of a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<'r> {
    /// The attribute path, e.g. `environment[0].variables.DATABASE_URL`.
    pub path: String,
    /// The setting's name (`DATABASE_URL`), or the attribute name.
    pub key: String,
    /// The value, when known at plan time.
    pub value: Option<Cow<'r, str>>,
    /// Whether the value is marked sensitive.
    pub sensitive: bool,
}

/// How a catalog entry holds its settings.
enum Shape {
    /// A map of name → value at the path.
    Map,
    /// A list of objects with a name and a value field.
    Pairs(&'static str, &'static str),
    /// A single value; the key is the attribute name.
    Single,
    /// A JSON string holding containers with `environment: [{name, value}]`.
    Containers,
    /// A JSON string holding one container's properties with `environment`.
    Container,
    /// A JSON object string (`{"host": ..., "port": ...}`).
    JsonObject,
    /// YAML documents (Helm values): every `key: value` line.
    Yaml,
}

/// Where each resource type keeps its settings: a path (`[]` walks every list
/// element) and the shape found there.
fn catalog(kind: &str) -> &'static [(&'static [&'static str], Shape)] {
    use Shape::*;
    match kind {
        "aws_lambda_function" => &[(&["environment", "[]", "variables"], Map)],
        "aws_ecs_task_definition" => &[(&["container_definitions"], Containers)],
        "aws_batch_job_definition" => &[(&["container_properties"], Container)],
        "aws_elastic_beanstalk_environment" => &[(&["setting", "[]"], Pairs("name", "value"))],
        "aws_apprunner_service" => &[
            (
                &[
                    "source_configuration",
                    "[]",
                    "image_repository",
                    "[]",
                    "image_configuration",
                    "[]",
                    "runtime_environment_variables",
                ],
                Map,
            ),
            (
                &[
                    "source_configuration",
                    "[]",
                    "code_repository",
                    "[]",
                    "code_configuration",
                    "[]",
                    "code_configuration_values",
                    "[]",
                    "runtime_environment_variables",
                ],
                Map,
            ),
        ],
        "aws_codebuild_project" => &[(&["environment", "[]", "environment_variable", "[]"], Pairs("name", "value"))],
        "aws_amplify_app" | "aws_amplify_branch" => &[(&["environment_variables"], Map)],
        "aws_glue_connection" => &[(&["connection_properties"], Map)],
        "aws_dms_endpoint" => &[(&["server_name"], Single)],
        "aws_ssm_parameter" => &[(&["value"], Single), (&["insecure_value"], Single)],
        "aws_secretsmanager_secret_version" => &[(&["secret_string"], JsonObject)],
        "aws_sns_topic_subscription" => &[(&["endpoint"], Single)],
        "aws_lambda_event_source_mapping" => &[(&["event_source_arn"], Single)],
        "aws_cloudwatch_event_target" => &[(&["arn"], Single)],
        "aws_s3_bucket_notification" => &[
            (&["queue", "[]", "queue_arn"], Single),
            (&["topic", "[]", "topic_arn"], Single),
            (&["lambda_function", "[]", "lambda_function_arn"], Single),
        ],
        "aws_kinesis_firehose_delivery_stream" => &[
            (&["extended_s3_configuration", "[]", "bucket_arn"], Single),
            (&["kinesis_source_configuration", "[]", "kinesis_stream_arn"], Single),
            (&["http_endpoint_configuration", "[]", "url"], Single),
        ],
        "aws_pipes_pipe" => &[(&["source"], Single), (&["target"], Single)],
        "aws_dms_s3_endpoint" => &[(&["bucket_name"], Single)],
        "aws_glue_crawler" => &[
            (&["s3_target", "[]", "path"], Single),
            (&["dynamodb_target", "[]", "path"], Single),
            (&["catalog_target", "[]", "database_name"], Single),
        ],
        "aws_api_gateway_integration" => &[(&["uri"], Single)],
        "aws_apigatewayv2_integration" => &[(&["integration_uri"], Single)],
        "aws_cloudfront_distribution" => &[(&["origin", "[]", "domain_name"], Single)],
        "aws_route53_record" => &[(&["records", "[]"], Single), (&["alias", "[]", "name"], Single)],
        "google_dns_record_set" => &[(&["rrdatas", "[]"], Single)],
        "azurerm_dns_cname_record" => &[(&["record"], Single)],
        "azurerm_dns_a_record" => &[(&["records", "[]"], Single)],
        "azurerm_linux_web_app"
        | "azurerm_windows_web_app"
        | "azurerm_linux_function_app"
        | "azurerm_windows_function_app"
        | "azurerm_linux_web_app_slot"
        | "azurerm_windows_web_app_slot"
        | "azurerm_linux_function_app_slot"
        | "azurerm_windows_function_app_slot"
        | "azurerm_app_service"
        | "azurerm_function_app"
        | "azurerm_app_service_slot" => {
            &[(&["app_settings"], Map), (&["connection_string", "[]"], Pairs("name", "value"))]
        }
        "azurerm_container_app" => &[(&["template", "[]", "container", "[]", "env", "[]"], Pairs("name", "value"))],
        "azurerm_container_group" => &[(&["container", "[]", "environment_variables"], Map)],
        "google_cloud_run_v2_service" => {
            &[(&["template", "[]", "containers", "[]", "env", "[]"], Pairs("name", "value"))]
        }
        "google_cloud_run_v2_job" => {
            &[(&["template", "[]", "template", "[]", "containers", "[]", "env", "[]"], Pairs("name", "value"))]
        }
        "google_cloud_run_service" => &[
            (&["template", "[]", "spec", "[]", "containers", "[]", "env", "[]"], Pairs("name", "value")),
            (&["template", "[]", "metadata", "[]", "annotations"], Map),
        ],
        "google_cloudfunctions_function" => {
            &[(&["environment_variables"], Map), (&["event_trigger", "[]", "resource"], Single)]
        }
        "google_cloudfunctions2_function" => &[
            (&["service_config", "[]", "environment_variables"], Map),
            (&["event_trigger", "[]", "pubsub_topic"], Single),
        ],
        // The wiring between services: what a subscription, trigger or target
        // delivers to or reads from.
        "google_pubsub_subscription" => &[
            (&["push_config", "[]", "push_endpoint"], Single),
            (&["bigquery_config", "[]", "table"], Single),
            (&["cloud_storage_config", "[]", "bucket"], Single),
        ],
        "google_eventarc_trigger" => &[(&["transport", "[]", "pubsub", "[]", "topic"], Single)],
        "azurerm_eventgrid_event_subscription" | "azurerm_eventgrid_system_topic_event_subscription" => &[
            (&["webhook_endpoint", "[]", "url"], Single),
            (&["service_bus_queue_endpoint_id"], Single),
            (&["service_bus_topic_endpoint_id"], Single),
            (&["eventhub_endpoint_id"], Single),
            (&["azure_function_endpoint", "[]", "function_id"], Single),
        ],
        "google_app_engine_standard_app_version" | "google_app_engine_flexible_app_version" => {
            &[(&["env_variables"], Map)]
        }
        "kubernetes_deployment"
        | "kubernetes_deployment_v1"
        | "kubernetes_stateful_set"
        | "kubernetes_stateful_set_v1"
        | "kubernetes_daemonset"
        | "kubernetes_daemon_set_v1"
        | "kubernetes_job"
        | "kubernetes_job_v1" => &[
            (&["spec", "[]", "template", "[]", "spec", "[]", "container", "[]", "env", "[]"], Pairs("name", "value")),
            (
                &["spec", "[]", "template", "[]", "spec", "[]", "init_container", "[]", "env", "[]"],
                Pairs("name", "value"),
            ),
        ],
        "kubernetes_cron_job" | "kubernetes_cron_job_v1" => &[(
            &[
                "spec",
                "[]",
                "job_template",
                "[]",
                "spec",
                "[]",
                "template",
                "[]",
                "spec",
                "[]",
                "container",
                "[]",
                "env",
                "[]",
            ],
            Pairs("name", "value"),
        )],
        "kubernetes_pod" | "kubernetes_pod_v1" => {
            &[(&["spec", "[]", "container", "[]", "env", "[]"], Pairs("name", "value"))]
        }
        "kubernetes_config_map" | "kubernetes_config_map_v1" | "kubernetes_config_map_v1_data" => &[(&["data"], Map)],
        "kubernetes_secret" | "kubernetes_secret_v1" => &[(&["data"], Map)],
        "helm_release" => &[(&["set", "[]"], Pairs("name", "value")), (&["values", "[]"], Yaml)],
        _ => &[],
    }
}

/// Every setting of a resource.
pub fn settings<'r>(r: &'r Resource<'_>) -> Vec<Setting<'r>> {
    let mut out = Vec::new();
    if !names_an_endpoint(r) {
        return out;
    }
    for (path, shape) in catalog(&r.address.kind) {
        let mut found: Vec<(Vec<PathStep<'r>>, &'r AttrValue<'_>, bool)> = Vec::new();
        walk(&r.values, path, &mut Vec::new(), false, &mut found);
        for (steps, value, sensitive) in found {
            let attribute = path.iter().rev().find(|p| **p != "[]").copied().unwrap_or("");
            read(shape, &steps, value, sensitive, attribute, &mut out);
        }
    }
    out
}

/// Whether a DNS record's value names an endpoint of some environment: an address
/// or alias record (A, AAAA, CNAME, an alias) under a host name, pointing at
/// something other than the provider's own mail, DNS and verification services.
/// Text records (TXT, SPF, CAA), mail and name-server records, names whose first
/// label starts with `_` (`_dmarc`, `_domainkey`, ACM and SES verification: RFC
/// 8552's underscored names are never hosts) and targets such as
/// `*.dkim.amazonses.com` and `*.acm-validations.aws` hold tokens and policies,
/// not links. Every other resource names endpoints in its settings.
fn names_an_endpoint(r: &Resource<'_>) -> bool {
    let (name, kind) = match r.address.kind.as_str() {
        "aws_route53_record" => (r.values.get("name"), r.values.get("type")),
        "google_dns_record_set" => (r.values.get("name"), r.values.get("type")),
        "azurerm_dns_cname_record" | "azurerm_dns_a_record" => (r.values.get("name"), None),
        _ => return true,
    };
    let kind = kind.and_then(AttrValue::as_str);
    if kind.is_some_and(|k| !matches!(k.to_ascii_uppercase().as_str(), "A" | "AAAA" | "CNAME")) {
        return false;
    }
    if name.and_then(AttrValue::as_str).is_some_and(|n| n.starts_with('_')) {
        return false;
    }
    let targets: Vec<&str> = ["records", "rrdatas", "record"]
        .iter()
        .filter_map(|k| r.values.get(k))
        .flat_map(|v| match v {
            AttrValue::List(items) => items.iter().filter_map(AttrValue::as_str).collect(),
            other => other.as_str().into_iter().collect::<Vec<_>>(),
        })
        .collect();
    targets.is_empty() || !targets.iter().all(|t| is_provider_service(t))
}

/// Hosts of a cloud provider's own mail, DNS and domain-verification services,
/// which DNS records point at without linking to anything of an environment.
pub fn is_provider_service(host: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "amazonses.com",
        "acm-validations.aws",
        "googlehosted.com",
        "mail.protection.outlook.com",
        "domainkey.onmicrosoft.com",
    ];
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    host.split('.').next().is_some_and(|label| label.starts_with('_'))
        || host.contains(".awsdns-")
        || SUFFIXES.iter().any(|s| is_last_part(&host, s, '.'))
}

/// Follows a catalog path, expanding `[]` over list elements (and taking an object
/// where a list is expected as its only element).
fn walk<'r, 'a>(
    v: &'r AttrValue<'a>,
    path: &[&'static str],
    at: &mut Vec<PathStep<'r>>,
    sensitive: bool,
    out: &mut Vec<(Vec<PathStep<'r>>, &'r AttrValue<'a>, bool)>,
) {
    let (v, sensitive) = match v {
        AttrValue::Sensitive(inner) => (&**inner, true),
        other => (other, sensitive),
    };
    let Some((first, rest)) = path.split_first() else {
        out.push((at.clone(), v, sensitive));
        return;
    };
    if *first == "[]" {
        match v {
            AttrValue::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    at.push(PathStep::Index(i));
                    walk(item, rest, at, sensitive, out);
                    at.pop();
                }
            }
            AttrValue::Map(_) => {
                at.push(PathStep::Index(0));
                walk(v, rest, at, sensitive, out);
                at.pop();
            }
            _ => {}
        }
        return;
    }
    if let AttrValue::Map(entries) = v
        && let Some((k, child)) = entries.iter().find(|(k, _)| k == first)
    {
        at.push(PathStep::Key(k));
        walk(child, rest, at, sensitive, out);
        at.pop();
    }
}

fn text<'r>(v: &'r AttrValue<'_>) -> (Option<Cow<'r, str>>, bool) {
    match v {
        AttrValue::String(s) => (Some(Cow::Borrowed(&**s)), false),
        AttrValue::Sensitive(inner) => (text(inner).0, true),
        AttrValue::Int(i) => (Some(Cow::Owned(i.to_string())), false),
        _ => (None, false),
    }
}

fn path_text(steps: &[PathStep<'_>]) -> String {
    let mut s = String::new();
    let _ = write_path(&mut s, steps);
    s
}

fn read<'r>(
    shape: &Shape,
    steps: &[PathStep<'r>],
    value: &'r AttrValue<'_>,
    sensitive: bool,
    attribute: &str,
    out: &mut Vec<Setting<'r>>,
) {
    match shape {
        Shape::Map => match value {
            AttrValue::Map(entries) => {
                for (k, v) in entries {
                    let mut p = steps.to_vec();
                    p.push(PathStep::Key(k));
                    let (text, s) = text(v);
                    out.push(Setting {
                        path: path_text(&p),
                        key: k.to_string(),
                        value: text,
                        sensitive: sensitive || s,
                    });
                }
            }
            AttrValue::Unknown => {
                out.push(Setting { path: path_text(steps), key: attribute.to_owned(), value: None, sensitive })
            }
            _ => {}
        },
        Shape::Pairs(name, field) => {
            let key = value.get(name).and_then(AttrValue::as_str).unwrap_or(attribute).to_owned();
            let mut p = steps.to_vec();
            p.push(PathStep::Key(field));
            let (text, s) = value.get(field).map_or((None, false), text);
            let unknown = matches!(value.get(field), Some(AttrValue::Unknown));
            if text.is_some() || unknown {
                out.push(Setting { path: path_text(&p), key, value: text, sensitive: sensitive || s });
            }
        }
        Shape::Single => {
            let (text, s) = text(value);
            if text.is_some() || matches!(value, AttrValue::Unknown) {
                out.push(Setting {
                    path: path_text(steps),
                    key: attribute.to_owned(),
                    value: text,
                    sensitive: sensitive || s,
                });
            }
        }
        Shape::Containers | Shape::Container | Shape::JsonObject => {
            let (Some(json), s) = text(value) else {
                if matches!(value, AttrValue::Unknown) {
                    out.push(Setting { path: path_text(steps), key: attribute.to_owned(), value: None, sensitive });
                }
                return;
            };
            let Ok(doc) = serde_json::from_str::<serde_json::Value>(&json) else { return };
            let base = path_text(steps);
            let sensitive = sensitive || s;
            let mut push = |path: String, key: &str, v: &serde_json::Value| {
                let value = match v {
                    serde_json::Value::String(s) => Some(Cow::Owned(s.clone())),
                    serde_json::Value::Number(n) => Some(Cow::Owned(n.to_string())),
                    _ => None,
                };
                if value.is_some() {
                    out.push(Setting { path, key: key.to_owned(), value, sensitive });
                }
            };
            match shape {
                Shape::JsonObject => {
                    if let serde_json::Value::Object(map) = &doc {
                        // The RDS-managed secret shape: host and port belong together.
                        if let Some(host) = map.get("host").and_then(|h| h.as_str()) {
                            let port = map.get("port").map(|p| p.to_string().trim_matches('"').to_owned());
                            let joined = port.map_or_else(|| host.to_owned(), |p| format!("{host}:{p}"));
                            push(format!("{base}.host"), "host", &serde_json::Value::String(joined));
                        }
                        for (k, v) in map.iter().filter(|(k, _)| k.as_str() != "host" && k.as_str() != "port") {
                            push(format!("{base}.{k}"), k, v);
                        }
                    }
                }
                _ => {
                    let containers: Vec<&serde_json::Value> = match (&doc, shape) {
                        (serde_json::Value::Array(items), Shape::Containers) => items.iter().collect(),
                        (other, _) => vec![other],
                    };
                    for (i, c) in containers.into_iter().enumerate() {
                        for (list, field) in [("environment", "value"), ("secrets", "valueFrom")] {
                            if let Some(serde_json::Value::Array(vars)) = c.get(list) {
                                for (j, var) in vars.iter().enumerate() {
                                    let key = var.get("name").and_then(|n| n.as_str()).unwrap_or(list);
                                    if let Some(v) = var.get(field) {
                                        push(format!("{base}[{i}].{list}[{j}].{field}"), key, v);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        Shape::Yaml => {
            let (Some(doc), s) = text(value) else { return };
            let base = path_text(steps);
            for (n, line) in doc.lines().enumerate() {
                let line = line.trim().trim_start_matches("- ");
                if let Some((k, v)) = line.split_once(':') {
                    let v = v.trim().trim_matches(['"', '\'']);
                    if !v.is_empty() {
                        out.push(Setting {
                            path: format!("{base}#L{}", n + 1),
                            key: k.trim().to_owned(),
                            value: Some(Cow::Owned(v.to_owned())),
                            sensitive: sensitive || s,
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::address::Address;
    use crate::model::{Action, Resource};
    use serde_json::json;

    fn resource(kind: &str, values: serde_json::Value) -> Resource<'static> {
        Resource {
            input: 0,
            address: Address::parse(&format!("{kind}.x")).unwrap(),
            provider: None,
            values: AttrValue::from_json(values),
            action: Action::Create,
            references: Vec::new(),
            depends_on: Vec::new(),
            provider_config: None,
            location: None,
        }
    }

    fn found(r: &Resource<'_>) -> Vec<(String, String, Option<String>)> {
        settings(r).into_iter().map(|s| (s.path, s.key, s.value.map(|v| v.into_owned()))).collect()
    }

    fn row(path: &str, key: &str, value: Option<&str>) -> (String, String, Option<String>) {
        (path.to_owned(), key.to_owned(), value.map(str::to_owned))
    }

    #[test]
    fn lambda_environment_variables() {
        let r = resource(
            "aws_lambda_function",
            json!({"environment": [{"variables": {"DATABASE_URL": "postgresql://db.stg/x", "MODE": "fast"}}]}),
        );
        assert_eq!(
            found(&r),
            [
                row("environment[0].variables.DATABASE_URL", "DATABASE_URL", Some("postgresql://db.stg/x")),
                row("environment[0].variables.MODE", "MODE", Some("fast")),
            ]
        );
    }

    #[test]
    fn ecs_container_definitions_are_json() {
        let defs = json!([{"name": "api", "environment": [{"name": "DB_HOST", "value": "db.prod.internal"}], "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:eu-west-1:111111111111:parameter/prod/db"}]}]);
        let r = resource("aws_ecs_task_definition", json!({"container_definitions": defs.to_string()}));
        assert_eq!(
            found(&r),
            [
                row("container_definitions[0].environment[0].value", "DB_HOST", Some("db.prod.internal")),
                row(
                    "container_definitions[0].secrets[0].valueFrom",
                    "DB_PASSWORD",
                    Some("arn:aws:ssm:eu-west-1:111111111111:parameter/prod/db")
                ),
            ]
        );
    }

    #[test]
    fn azure_app_settings_and_connection_strings() {
        let r = resource(
            "azurerm_linux_web_app",
            json!({
                "app_settings": {"REDIS": "cache.redis.cache.windows.net:6380"},
                "connection_string": [{"name": "Orders", "type": "SQLAzure", "value": "Server=tcp:sql-stg.database.windows.net,1433;Password=x"}],
            }),
        );
        assert_eq!(
            found(&r),
            [
                row("app_settings.REDIS", "REDIS", Some("cache.redis.cache.windows.net:6380")),
                row(
                    "connection_string[0].value",
                    "Orders",
                    Some("Server=tcp:sql-stg.database.windows.net,1433;Password=x")
                ),
            ]
        );
    }

    #[test]
    fn kubernetes_env_pairs_and_unknown_values() {
        let r = resource(
            "kubernetes_deployment_v1",
            json!({"spec": [{"template": [{"spec": [{"container": [{"env": [
                {"name": "BROKERS", "value": "b-1.kafka.internal:9092"},
                {"name": "FROM_SECRET", "value": null, "value_from": [{}]},
            ]}]}]}]}]}),
        );
        assert_eq!(
            found(&r),
            [row("spec[0].template[0].spec[0].container[0].env[0].value", "BROKERS", Some("b-1.kafka.internal:9092"))]
        );
        let mut unknown = resource("aws_lambda_function", json!({"environment": [{"variables": {"DB": "x"}}]}));
        unknown
            .values
            .annotate(Some(&AttrValue::from_json(json!({"environment": [{"variables": {"DB": true}}]}))), None);
        assert_eq!(found(&unknown), [row("environment[0].variables.DB", "DB", None)]);
    }

    #[test]
    fn secrets_manager_json_joins_host_and_port() {
        let secret = json!({"engine": "postgres", "host": "orders.c9.eu-west-1.rds.amazonaws.com", "port": 5432, "password": "p"}).to_string();
        let r = resource("aws_secretsmanager_secret_version", json!({"secret_string": secret}));
        let rows = found(&r);
        assert_eq!(rows[0], row("secret_string.host", "host", Some("orders.c9.eu-west-1.rds.amazonaws.com:5432")));
    }

    #[test]
    fn endpoint_keys() {
        use crate::vocab::connstr::endpoint_key;
        for k in [
            "DATABASE_URL",
            "db_host",
            "KAFKA_BOOTSTRAP_SERVERS",
            "orders.endpoint",
            "REDIS_CONNECTION_STRING",
            "API_URI",
        ] {
            assert!(endpoint_key(k), "{k}");
        }
        for k in ["MODE", "LOG_LEVEL", "FEATURE_FLAGS", "TIMEOUT"] {
            assert!(!endpoint_key(k), "{k}");
        }
    }
}
