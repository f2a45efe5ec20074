//! Resources named by identifier and addresses resources own, form by form: each
//! cloud's names, ARNs and resource names in settings and in the wiring between
//! services, and each kind of owned address in an allowlist, read from source and
//! state. Exact findings, with the traps beside them.

mod common;

use common::{Tree, envwall};

/// The findings of a `check`, as `RULE FROM -> TO (ATTRIBUTE)`.
fn findings(args: &[&str]) -> Vec<String> {
    let (code, out, err) = envwall(args);
    assert_ne!(code, 2, "{err}");
    common::report_lines(&out, |f| {
        format!(
            "{} {} -> {} ({})",
            f["rule"].as_str().unwrap(),
            common::end_name(&f["from"]),
            common::end_name(&f["to"]),
            f["via"]["attribute"].as_str().unwrap_or("")
        )
    })
}

const NAMED: &str = r#"resource "aws_dynamodb_table" "staging" {
  name     = "orders-ledger-stg"
  hash_key = "id"
  tags     = { Environment = "staging" }
}
resource "aws_kinesis_stream" "staging" {
  name = "orders-clicks-stg"
  tags = { Environment = "staging" }
}
resource "aws_secretsmanager_secret" "staging" {
  name = "orders/db-stg"
  tags = { Environment = "staging" }
}
resource "aws_ssm_parameter" "staging" {
  name  = "/orders/stg/db-host"
  type  = "String"
  value = "db.internal"
  tags  = { Environment = "staging" }
}
resource "aws_kms_alias" "staging" {
  name          = "alias/orders-stg"
  target_key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
}
resource "aws_cloudwatch_event_bus" "staging" {
  name = "orders-bus-stg"
  tags = { Environment = "staging" }
}
resource "google_secret_manager_secret" "staging" {
  secret_id = "db-password"
  project   = "acme-orders-staging"
  labels    = { env = "staging" }
}
resource "google_bigquery_dataset" "staging" {
  dataset_id = "orders_events"
  project    = "acme-orders-staging"
  labels     = { env = "staging" }
}
resource "google_spanner_instance" "staging" {
  name         = "orders-ledger"
  project      = "acme-orders-staging"
  config       = "regional-europe-west1"
  display_name = "orders ledger"
  labels       = { env = "staging" }
}
resource "google_pubsub_topic" "staging" {
  name    = "orders"
  project = "acme-orders-staging"
  labels  = { env = "staging" }
}
resource "aws_lambda_function" "prod" {
  function_name = "orders-api-prod"
  role          = "arn:aws:iam::111111111111:role/orders-api-prod"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  environment {
    variables = {
      LEDGER_TABLE  = "orders-ledger-stg"
      CLICK_STREAM  = "orders-clicks-stg"
      DB_SECRET     = "orders/db-stg"
      DB_HOST_PARAM = "/orders/stg/db-host"
      KMS_KEY       = "alias/orders-stg"
      EVENT_BUS     = "orders-bus-stg"
      GCP_SECRET    = "projects/acme-orders-staging/secrets/db-password"
      GCP_DATASET   = "projects/acme-orders-staging/datasets/orders_events"
      GCP_SPANNER   = "projects/acme-orders-staging/instances/orders-ledger"
    }
  }
  tags = { Environment = "prod" }
}
resource "google_pubsub_subscription" "prod_push" {
  name    = "orders-push"
  project = "acme-orders-prod"
  topic   = "projects/acme-orders-prod/topics/orders"
  labels  = { env = "prod" }
  push_config {
    push_endpoint = "https://hooks.orders.staging.example.com/push"
  }
}
resource "google_eventarc_trigger" "prod" {
  name     = "orders-prod"
  project  = "acme-orders-prod"
  location = "europe-west1"
  labels   = { env = "prod" }
  transport {
    pubsub {
      topic = "projects/acme-orders-staging/topics/orders"
    }
  }
}
resource "aws_cloudwatch_event_target" "prod" {
  rule = "orders-prod"
  arn  = aws_kinesis_stream.staging.arn
}
"#;

#[test]
fn every_identifier_form_names_its_resource() {
    let tree = Tree::new(&[("main.tf", NAMED)]);
    let got = findings(&["check", tree.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        got,
        [
            "EW201 aws_cloudwatch_event_target.prod -> aws_kinesis_stream.staging (arn)",
            "EW201 aws_lambda_function.prod -> aws_kinesis_stream.staging (environment[0].variables.CLICK_STREAM)",
            "EW201 aws_lambda_function.prod -> aws_ssm_parameter.staging (environment[0].variables.DB_HOST_PARAM)",
            "EW201 aws_lambda_function.prod -> aws_secretsmanager_secret.staging (environment[0].variables.DB_SECRET)",
            "EW201 aws_lambda_function.prod -> aws_cloudwatch_event_bus.staging (environment[0].variables.EVENT_BUS)",
            "EW201 aws_lambda_function.prod -> google_bigquery_dataset.staging (environment[0].variables.GCP_DATASET)",
            "EW201 aws_lambda_function.prod -> google_secret_manager_secret.staging (environment[0].variables.GCP_SECRET)",
            "EW201 aws_lambda_function.prod -> google_spanner_instance.staging (environment[0].variables.GCP_SPANNER)",
            "EW201 aws_lambda_function.prod -> aws_kms_alias.staging (environment[0].variables.KMS_KEY)",
            "EW201 aws_lambda_function.prod -> aws_dynamodb_table.staging (environment[0].variables.LEDGER_TABLE)",
            "EW201 google_eventarc_trigger.prod -> google_pubsub_topic.staging (transport[0].pubsub[0].topic)",
            "EW201 google_pubsub_subscription.prod_push -> hooks.orders.staging.example.com:443 (push_config[0].push_endpoint)",
        ]
    );
}

/// The staging addresses, known from state: an instance's public IP, a Global
/// Accelerator's, a Google instance's access config, an Azure public IP prefix.
const OWNERS_STATE: &str = r#"{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "owners", "outputs": {},
  "resources": [
    {"mode": "managed", "type": "aws_instance", "name": "bastion", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 1, "attributes": {"id": "i-0a1b2c3d4e5f60718", "public_ip": "54.170.1.20", "ipv6_addresses": [], "tags": {"Environment": "staging"}}}]},
    {"mode": "managed", "type": "aws_globalaccelerator_accelerator", "name": "edge", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "arn:aws:globalaccelerator::222222222222:accelerator/1234abcd", "name": "edge-staging", "ip_sets": [{"ip_family": "IPv4", "ip_addresses": ["75.2.60.5", "99.83.190.51"]}], "tags": {"Environment": "staging"}}}]},
    {"mode": "managed", "type": "google_compute_instance", "name": "worker", "provider": "provider[\"registry.terraform.io/hashicorp/google\"]",
     "instances": [{"schema_version": 6, "attributes": {"id": "projects/acme-staging/zones/europe-west1-b/instances/worker", "name": "worker-staging", "labels": {"env": "staging"}, "network_interface": [{"access_config": [{"nat_ip": "35.205.9.9", "network_tier": "PREMIUM"}]}]}}]},
    {"mode": "managed", "type": "azurerm_public_ip_prefix", "name": "egress", "provider": "provider[\"registry.terraform.io/hashicorp/azurerm\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-staging/providers/Microsoft.Network/publicIPPrefixes/egress-staging", "name": "egress-staging", "ip_prefix": "20.50.60.0/30", "tags": {"environment": "staging"}}}]}
  ]}"#;

/// Production allowlists: one entry per staging owner, and a vendor's address.
const ALLOWLISTS: &str = r#"
resource "aws_security_group" "db" {
  name = "orders-db-prod"
  tags = { Environment = "prod" }
}

resource "aws_security_group_rule" "from_staging" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["54.170.1.20/32", "75.2.60.5/32", "35.205.9.9/32", "20.50.60.1/32", "34.120.5.6/32"]
  security_group_id = aws_security_group.db.id
}
"#;

#[test]
fn every_owned_address_form_is_its_owner_s() {
    let tree = Tree::new(&[("prod/main.tf", ALLOWLISTS), ("staging.tfstate", OWNERS_STATE)]);
    let dir = tree.path().join("prod");
    let state = tree.path().join("staging.tfstate");
    let (code, out, err) = envwall(&["check", dir.to_str().unwrap(), state.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let got = common::report_lines(&out, |f| {
        format!("{} {} held by {}", f["rule"].as_str().unwrap(), f["from"]["endpoint"], f["from"]["holder"])
    });
    assert_eq!(
        got,
        [
            r#"EW101 "20.50.60.1/32" held by "azurerm_public_ip_prefix.egress""#,
            r#"EW101 "35.205.9.9/32" held by "google_compute_instance.worker""#,
            r#"EW101 "54.170.1.20/32" held by "aws_instance.bastion""#,
            r#"EW101 "75.2.60.5/32" held by "aws_globalaccelerator_accelerator.edge""#,
        ]
    );
}

/// The wiring between services: production notifications, delivery streams,
/// migrations, crawlers and subscriptions into staging, by literal identifier and
/// (the queue, whose ARN exists only after apply) by reference.
const WIRING: &str = r#"
resource "aws_sqs_queue" "staging" {
  name = "orders-events-stg"
  tags = { Environment = "staging" }
}

resource "aws_s3_bucket" "staging" {
  bucket = "orders-lake-stg-5e1f"
  tags   = { Environment = "staging" }
}

resource "azurerm_servicebus_namespace" "staging" {
  name                = "sb-orders-stg"
  resource_group_name = "rg-orders-stg"
  location            = "westeurope"
  sku                 = "Standard"
  tags                = { environment = "staging" }
}

resource "aws_s3_bucket_notification" "prod" {
  bucket = "orders-uploads-prod"
  queue {
    queue_arn = aws_sqs_queue.staging.arn
    events    = ["s3:ObjectCreated:*"]
  }
}

resource "aws_kinesis_firehose_delivery_stream" "prod" {
  name        = "orders-clicks-prod"
  destination = "extended_s3"
  extended_s3_configuration {
    role_arn   = "arn:aws:iam::111111111111:role/firehose-prod"
    bucket_arn = "arn:aws:s3:::orders-lake-stg-5e1f"
  }
  tags = { Environment = "prod" }
}

resource "aws_dms_s3_endpoint" "prod" {
  endpoint_id             = "orders-export-prod"
  endpoint_type           = "target"
  bucket_name             = "orders-lake-stg-5e1f"
  service_access_role_arn = "arn:aws:iam::111111111111:role/dms-prod"
  tags                    = { Environment = "prod" }
}

resource "aws_glue_crawler" "prod" {
  name          = "orders-prod"
  database_name = "orders_prod"
  role          = "arn:aws:iam::111111111111:role/glue-prod"
  s3_target {
    path = "s3://orders-lake-stg-5e1f/raw/"
  }
  tags = { Environment = "prod" }
}

resource "azurerm_eventgrid_event_subscription" "prod" {
  name  = "orders-prod"
  scope = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders-prod"
  webhook_endpoint {
    url = "https://sb-orders-stg.servicebus.windows.net/orders/messages"
  }
}
"#;

#[test]
fn every_wiring_resource_is_read_as_a_setting() {
    let tree = Tree::new(&[("prod/main.tf", WIRING)]);
    let got = findings(&["check", tree.path().join("prod").to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        got,
        [
            "EW201 aws_dms_s3_endpoint.prod -> aws_s3_bucket.staging (bucket_name)",
            "EW201 aws_glue_crawler.prod -> aws_s3_bucket.staging (s3_target[0].path)",
            "EW201 aws_kinesis_firehose_delivery_stream.prod -> aws_s3_bucket.staging (extended_s3_configuration[0].bucket_arn)",
            "EW201 aws_s3_bucket_notification.prod -> aws_sqs_queue.staging (queue[0].queue_arn)",
            "EW201 azurerm_eventgrid_event_subscription.prod -> azurerm_servicebus_namespace.staging (webhook_endpoint[0].url)",
        ]
    );
}

/// A provider confined to one account.
fn aws_provider(account: &str) -> String {
    format!("provider \"aws\" {{\n  region              = \"eu-west-1\"\n  allowed_account_ids = [\"{account}\"]\n}}\n")
}

const NEW_PROD: &str = r#"
resource "aws_sqs_queue" "jobs" {
  name = "orders-jobs"
  tags = { Environment = "prod" }
}
resource "aws_sns_topic" "events" {
  name = "orders-events"
  tags = { Environment = "prod" }
}
resource "aws_sfn_state_machine" "settle" {
  name     = "orders-settle"
  role_arn = "arn:aws:iam::111111111111:role/sfn"
  definition = "{}"
  tags     = { Environment = "prod" }
}
"#;

const NEW_STAGING: &str = r#"
resource "aws_sqs_queue" "jobs" {
  name = "orders-jobs"
  tags = { Environment = "staging" }
}
resource "aws_lambda_function" "worker" {
  function_name = "orders-worker-staging"
  role          = "arn:aws:iam::222222222222:role/worker"
  handler       = "worker.handler"
  runtime       = "python3.12"
  filename      = "app.zip"
  environment {
    variables = {
      PROD_JOBS     = "https://sqs.eu-west-1.amazonaws.com/111111111111/orders-jobs"
      OWN_JOBS      = "https://sqs.eu-west-1.amazonaws.com/222222222222/orders-jobs"
      OTHER_JOBS    = "https://sqs.eu-west-1.amazonaws.com/333333333333/orders-jobs"
      EVENTS        = "arn:aws:sns:eu-west-1:111111111111:orders-events"
      SETTLE        = "arn:aws:states:eu-west-1:111111111111:stateMachine:orders-settle"
      NOBODYS_TOPIC = "arn:aws:sns:eu-west-1:111111111111:orders-alerts"
    }
  }
  tags = { Environment = "staging" }
}
"#;

/// Resources a plan creates have no ARN or URL yet: a literal one names them by
/// name, in the account their provider allows. A queue of the same name in another
/// account, or in an account nothing places, is not them.
#[test]
fn a_literal_arn_names_a_resource_not_created_yet_in_its_account() {
    let prod = Tree::new(&[("main.tf", NEW_PROD), ("providers.tf", &aws_provider("111111111111"))]);
    let staging = Tree::new(&[("main.tf", NEW_STAGING), ("providers.tf", &aws_provider("222222222222"))]);
    let args = ["check", prod.path().to_str().unwrap(), staging.path().to_str().unwrap(), "--format", "json"];
    let got = findings(&args);
    assert_eq!(
        got,
        [
            "EW202 aws_lambda_function.worker -> aws_sns_topic.events (environment[0].variables.EVENTS)",
            "EW202 aws_lambda_function.worker -> aws_sqs_queue.jobs (environment[0].variables.PROD_JOBS)",
            "EW202 aws_lambda_function.worker -> aws_sfn_state_machine.settle (environment[0].variables.SETTLE)",
        ]
    );
    // Without the accounts, two queues named `orders-jobs` are ambiguous: neither.
    let prod = Tree::new(&[("main.tf", NEW_PROD)]);
    let staging = Tree::new(&[("main.tf", NEW_STAGING)]);
    let args = ["check", prod.path().to_str().unwrap(), staging.path().to_str().unwrap(), "--format", "json"];
    let got = findings(&args);
    assert_eq!(
        got,
        [
            "EW202 aws_lambda_function.worker -> aws_sns_topic.events (environment[0].variables.EVENTS)",
            "EW202 aws_lambda_function.worker -> aws_sfn_state_machine.settle (environment[0].variables.SETTLE)",
        ]
    );
}

const UNTAGGED_WIRING: &str = r#"
resource "aws_lambda_function" "api" {
  function_name = "orders-api-prod"
  role          = "arn:aws:iam::111111111111:role/api"
  handler       = "api.handler"
  runtime       = "python3.12"
  filename      = "app.zip"
  tags          = { Environment = "prod" }
}
resource "aws_sqs_queue" "jobs" {
  name = "orders-jobs-staging"
  tags = { Environment = "staging" }
}
resource "aws_sqs_queue" "audit" {
  name = "orders-audit-prod"
  tags = { Environment = "prod" }
}
resource "aws_sns_topic" "events" {
  name = "orders-events-staging"
  tags = { Environment = "staging" }
}
resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "orders-nightly-prod"
  schedule_expression = "rate(1 day)"
  tags                = { Environment = "prod" }
}

# None of these has tags or a name of its own: each is its parent's.
resource "aws_lambda_event_source_mapping" "jobs" {
  function_name    = aws_lambda_function.api.arn
  event_source_arn = aws_sqs_queue.jobs.arn
}
resource "aws_sns_topic_subscription" "audit" {
  topic_arn = aws_sns_topic.events.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.audit.arn
}
resource "aws_cloudwatch_event_target" "nightly" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_sqs_queue.jobs.arn
}
"#;

/// Wiring between services rarely carries tags: an event source mapping is its
/// function's, a subscription its topic's, an EventBridge target its rule's.
#[test]
fn wiring_without_an_environment_of_its_own_is_its_parent_s() {
    let tree = Tree::new(&[("stack/main.tf", UNTAGGED_WIRING)]);
    let got = findings(&["check", tree.path().join("stack").to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        got,
        [
            "EW201 aws_cloudwatch_event_target.nightly -> aws_sqs_queue.jobs (arn)",
            "EW201 aws_lambda_event_source_mapping.jobs -> aws_sqs_queue.jobs (event_source_arn)",
            "EW202 aws_sns_topic_subscription.audit -> aws_sqs_queue.audit (endpoint)",
        ]
    );
}
