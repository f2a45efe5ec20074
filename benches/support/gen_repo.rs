//! A generated repository of Terraform stacks, for the audit benchmark and for
//! trying `envwall audit` at scale.
//!
//! `write_repo(dir, stacks, resources, seed)` writes `live/<env>/<stack>/` directories
//! for production, staging and dev: one network stack per environment (a VPC, its
//! subnets, outputs in an S3 backend) and application stacks that read their
//! network's outputs through `terraform_remote_state` and hold security groups and
//! rules, a database, workers whose `DATABASE_URL` names it, and queues. Beside each
//! stack is the raw v4 state Terraform would keep after applying it, with ids, ARNs
//! and endpoints; about one stack in fifty has a rule left only in its state (pending
//! removal). A few links cross environments on purpose, and always across stacks: a
//! production rule admitting a staging VPC's range, a staging worker whose
//! `DATABASE_URL` names a production database.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

const ENVS: [(&str, u8); 3] = [("prod", 10), ("staging", 20), ("dev", 30)];

/// What a written repository holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct RepoStats {
    /// Stacks written.
    pub stacks: usize,
    /// Resource instances in all states.
    pub resources: usize,
    /// Bytes of source and state.
    pub bytes: u64,
}

/// Writes the repository into `dir` (which should be empty or missing).
pub fn write_repo(dir: &Path, stacks: usize, resources: usize, seed: u64) -> io::Result<RepoStats> {
    let stacks = stacks.max(ENVS.len() + 1);
    let apps = stacks - ENVS.len();
    let mut stats = RepoStats { stacks, ..RepoStats::default() };
    for (e, (env, octet)) in ENVS.iter().enumerate() {
        let subnets = 3;
        let (src, state, n) = network(env, *octet, subnets, seed + e as u64);
        write_stack(dir, env, "network", &src, &state, &mut stats)?;
        stats.resources += n;
    }
    // What is left of the resource budget, spread over the applications.
    let per_app = (resources.saturating_sub(ENVS.len() * 4) / apps.max(1)).max(8);
    for a in 0..apps {
        let (env, _) = ENVS[a % ENVS.len()];
        let app = App { index: a, env, resources: per_app, seed };
        let (src, state, n) = app.write();
        write_stack(dir, env, &format!("app-{a:03}"), &src, &state, &mut stats)?;
        stats.resources += n;
    }
    Ok(stats)
}

fn write_stack(dir: &Path, env: &str, name: &str, src: &str, state: &str, stats: &mut RepoStats) -> io::Result<()> {
    let stack = dir.join("live").join(env).join(name);
    std::fs::create_dir_all(&stack)?;
    std::fs::write(stack.join("main.tf"), src)?;
    std::fs::write(stack.join("terraform.tfstate"), state)?;
    stats.bytes += (src.len() + state.len()) as u64;
    Ok(())
}

/// A fake but well-formed id: `prefix-` and 17 hex digits from the parts.
fn id(prefix: &str, parts: &[u64]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        h ^= p;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{prefix}-0{:016x}", h)
}

fn account(env: &str) -> &'static str {
    match env {
        "prod" => "111111111111",
        "staging" => "222222222222",
        _ => "333333333333",
    }
}

const PROVIDER: &str = r#"provider[\"registry.terraform.io/hashicorp/aws\"]"#;

/// One state resource with one instance (`index` for counted ones).
fn state_resource(out: &mut Vec<String>, ty: &str, name: &str, instances: &[(Option<usize>, String)]) {
    let mut s =
        format!(r#"{{"mode": "managed", "type": "{ty}", "name": "{name}", "provider": "{PROVIDER}", "instances": ["#);
    for (i, (index, attrs)) in instances.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let key = index.map_or_else(String::new, |k| format!(r#""index_key": {k}, "#));
        let _ = write!(s, r#"{{{key}"schema_version": 0, "attributes": {{{attrs}}}, "sensitive_attributes": []}}"#);
    }
    s.push_str("]}");
    out.push(s);
}

fn state(serial: u64, outputs: &str, resources: &[String]) -> String {
    format!(
        "{{\n  \"version\": 4,\n  \"terraform_version\": \"1.11.4\",\n  \"serial\": {serial},\n  \"lineage\": \"00000000-0000-4000-8000-{serial:012}\",\n  \"outputs\": {{{outputs}}},\n  \"resources\": [\n    {}\n  ]\n}}\n",
        resources.join(",\n    ")
    )
}

fn network(env: &str, octet: u8, subnets: usize, seed: u64) -> (String, String, usize) {
    let cidr = format!("10.{octet}.0.0/16");
    let src = format!(
        r#"# The {env} network: one VPC and its subnets. Other stacks read its outputs.
terraform {{
  backend "s3" {{
    bucket = "acme-tfstate"
    key    = "{env}/network.tfstate"
    region = "eu-west-1"
  }}
}}

locals {{
  tags = {{ Environment = "{env}", Stack = "network" }}
}}

resource "aws_vpc" "main" {{
  cidr_block           = "{cidr}"
  enable_dns_hostnames = true
  tags                 = merge(local.tags, {{ Name = "{env}-main" }})
}}

resource "aws_subnet" "private" {{
  count      = {subnets}
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  tags       = merge(local.tags, {{ Name = format("{env}-private-%d", count.index) }})
}}

output "vpc_id" {{
  value = aws_vpc.main.id
}}

output "vpc_cidr" {{
  value = aws_vpc.main.cidr_block
}}

output "subnet_ids" {{
  value = aws_subnet.private[*].id
}}
"#
    );
    let vpc = id("vpc", &[seed, 1]);
    let acct = account(env);
    let tags = format!(r#"{{"Environment": "{env}", "Stack": "network", "Name": "{env}-main"}}"#);
    let mut res = Vec::new();
    state_resource(
        &mut res,
        "aws_vpc",
        "main",
        &[(
            None,
            format!(
                r#""id": "{vpc}", "arn": "arn:aws:ec2:eu-west-1:{acct}:vpc/{vpc}", "cidr_block": "{cidr}", "owner_id": "{acct}", "enable_dns_hostnames": true, "tags": {tags}, "tags_all": {tags}"#
            ),
        )],
    );
    let mut subnet_ids = Vec::new();
    let instances: Vec<(Option<usize>, String)> = (0..subnets)
        .map(|i| {
            let sn = id("subnet", &[seed, 2, i as u64]);
            subnet_ids.push(format!("\"{sn}\""));
            let t = format!(r#"{{"Environment": "{env}", "Stack": "network", "Name": "{env}-private-{i}"}}"#);
            (
                Some(i),
                format!(
                    r#""id": "{sn}", "arn": "arn:aws:ec2:eu-west-1:{acct}:subnet/{sn}", "vpc_id": "{vpc}", "cidr_block": "10.{octet}.{i}.0/24", "owner_id": "{acct}", "tags": {t}, "tags_all": {t}"#
                ),
            )
        })
        .collect();
    state_resource(&mut res, "aws_subnet", "private", &instances);
    let outputs = format!(
        r#""vpc_id": {{"value": "{vpc}", "type": "string"}}, "vpc_cidr": {{"value": "{cidr}", "type": "string"}}, "subnet_ids": {{"value": [{}], "type": ["tuple", ["string"]]}}"#,
        subnet_ids.join(", ")
    );
    (src, state(3, &outputs, &res), 1 + subnets)
}

/// One application stack.
struct App<'a> {
    index: usize,
    env: &'a str,
    /// Resource instances to write (in state).
    resources: usize,
    seed: u64,
}

impl App<'_> {
    fn write(&self) -> (String, String, usize) {
        let (i, env) = (self.index, self.env);
        let name = format!("app-{i:03}-{env}");
        // Fixed: 2 groups, 1 rule, 1 database; the rest workers and queues.
        let rest = self.resources.saturating_sub(5);
        let workers = (rest / 3).max(1);
        let queues = rest.saturating_sub(workers).max(1);
        // Planted cross-environment links, each across stacks.
        let prod_admits_staging = env == "prod" && i % 25 == 0;
        let staging_names_prod_db = env == "staging" && i % 30 == 1;
        let pending = i % 50 == 7;
        let db_host = if staging_names_prod_db {
            format!("app-{:03}-prod-db.c9akciq32xyz.eu-west-1.rds.amazonaws.com", i - 1)
        } else {
            "${aws_db_instance.db.address}".to_owned()
        };
        let extra_rule = if prod_admits_staging {
            r#"
# "Reporting runs from 10.20.0.0/16": the staging VPC.
resource "aws_security_group_rule" "db_from_reporting" {
  type              = "ingress"
  protocol          = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_blocks       = ["10.20.0.0/16"]
  security_group_id = aws_security_group.db.id
}
"#
        } else {
            ""
        };
        let src = format!(
            r#"# Application {i} in {env}: its groups, database, workers and queues.
terraform {{
  backend "s3" {{
    bucket = "acme-tfstate"
    key    = "{env}/app-{i:03}.tfstate"
    region = "eu-west-1"
  }}
}}

data "terraform_remote_state" "network" {{
  backend = "s3"
  config = {{
    bucket = "acme-tfstate"
    key    = "{env}/network.tfstate"
    region = "eu-west-1"
  }}
}}

locals {{
  name = "{name}"
  tags = {{ Environment = "{env}", Team = "team-{team}", Service = local.name }}
}}

resource "aws_security_group" "app" {{
  name   = "${{local.name}}-app"
  vpc_id = data.terraform_remote_state.network.outputs.vpc_id
  tags   = local.tags

  egress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_security_group" "db" {{
  name   = "${{local.name}}-db"
  vpc_id = data.terraform_remote_state.network.outputs.vpc_id
  tags   = local.tags
}}

resource "aws_security_group_rule" "db_from_app" {{
  type                     = "ingress"
  protocol                 = "tcp"
  from_port                = 5432
  to_port                  = 5432
  source_security_group_id = aws_security_group.app.id
  security_group_id        = aws_security_group.db.id
}}
{extra_rule}
resource "aws_db_instance" "db" {{
  identifier             = "${{local.name}}-db"
  engine                 = "postgres"
  instance_class         = "db.t4g.medium"
  db_subnet_group_name   = "${{local.name}}-db"
  vpc_security_group_ids = [aws_security_group.db.id]
  tags                   = local.tags
}}

resource "aws_lambda_function" "worker" {{
  count         = {workers}
  function_name = format("%s-worker-%d", local.name, count.index)
  role          = "arn:aws:iam::{acct}:role/${{local.name}}"
  handler       = "main.handler"
  runtime       = "python3.12"
  filename      = "worker.zip"

  vpc_config {{
    subnet_ids         = data.terraform_remote_state.network.outputs.subnet_ids
    security_group_ids = [aws_security_group.app.id]
  }}

  environment {{
    variables = {{
      DATABASE_URL = "postgresql://app@{db_host}:5432/app"
      QUEUE        = lower("${{local.name}}-jobs")
    }}
  }}

  tags = local.tags
}}

resource "aws_sqs_queue" "jobs" {{
  count = {queues}
  name  = format("%s-jobs-%d", local.name, count.index)
  tags  = local.tags
}}
"#,
            team = i % 7,
            acct = account(env),
        );
        (
            src,
            self.state(&name, workers, queues, prod_admits_staging, pending, &db_host),
            5 + workers + queues + usize::from(prod_admits_staging) + usize::from(pending),
        )
    }

    fn state(
        &self,
        name: &str,
        workers: usize,
        queues: usize,
        extra_rule: bool,
        pending: bool,
        db_host: &str,
    ) -> String {
        let (env, seed, i) = (self.env, self.seed, self.index as u64);
        let acct = account(env);
        let octet = ENVS.iter().find(|(e, _)| *e == env).map_or(10, |(_, o)| *o);
        let vpc = id("vpc", &[seed + ENVS.iter().position(|(e, _)| *e == env).unwrap_or(0) as u64, 1]);
        let tags = format!(r#"{{"Environment": "{env}", "Team": "team-{}", "Service": "{name}"}}"#, i % 7);
        let (app_sg, db_sg) = (id("sg", &[seed, i, 1]), id("sg", &[seed, i, 2]));
        let address = format!("{name}-db.c9akciq32xyz.eu-west-1.rds.amazonaws.com");
        let url =
            format!("postgresql://app@{}:5432/app", if db_host.starts_with("${") { address.as_str() } else { db_host });
        let mut res = Vec::new();
        let group = |sg: &str, suffix: &str| {
            format!(
                r#""id": "{sg}", "arn": "arn:aws:ec2:eu-west-1:{acct}:security-group/{sg}", "name": "{name}-{suffix}", "vpc_id": "{vpc}", "owner_id": "{acct}", "ingress": [], "egress": [], "tags": {tags}, "tags_all": {tags}"#
            )
        };
        state_resource(&mut res, "aws_security_group", "app", &[(None, group(&app_sg, "app"))]);
        state_resource(&mut res, "aws_security_group", "db", &[(None, group(&db_sg, "db"))]);
        let rule = |rid: u64, source: &str| {
            format!(
                r#""id": "sgrule-{rid}", "type": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, {source}, "security_group_id": "{db_sg}", "self": false"#
            )
        };
        state_resource(
            &mut res,
            "aws_security_group_rule",
            "db_from_app",
            &[(None, rule(i * 10 + 1, &format!(r#""source_security_group_id": "{app_sg}""#)))],
        );
        if extra_rule {
            state_resource(
                &mut res,
                "aws_security_group_rule",
                "db_from_reporting",
                &[(None, rule(i * 10 + 2, r#""cidr_blocks": ["10.20.0.0/16"]"#))],
            );
        }
        if pending {
            // Removed from the source, not applied yet.
            state_resource(
                &mut res,
                "aws_security_group_rule",
                "db_from_old_subnet",
                &[(None, rule(i * 10 + 3, &format!(r#""cidr_blocks": ["10.{octet}.9.0/24"]"#)))],
            );
        }
        state_resource(
            &mut res,
            "aws_db_instance",
            "db",
            &[(
                None,
                format!(
                    r#""id": "db-{i:05}{env}", "identifier": "{name}-db", "engine": "postgres", "instance_class": "db.t4g.medium", "arn": "arn:aws:rds:eu-west-1:{acct}:db:{name}-db", "address": "{address}", "endpoint": "{address}:5432", "port": 5432, "db_subnet_group_name": "{name}-db", "vpc_security_group_ids": ["{db_sg}"], "tags": {tags}, "tags_all": {tags}"#
                ),
            )],
        );
        let workers: Vec<(Option<usize>, String)> = (0..workers)
            .map(|w| {
                (
                    Some(w),
                    format!(
                        r#""id": "{name}-worker-{w}", "function_name": "{name}-worker-{w}", "arn": "arn:aws:lambda:eu-west-1:{acct}:function:{name}-worker-{w}", "role": "arn:aws:iam::{acct}:role/{name}", "handler": "main.handler", "runtime": "python3.12", "environment": [{{"variables": {{"DATABASE_URL": "{url}", "QUEUE": "{name}-jobs"}}}}], "vpc_config": [{{"security_group_ids": ["{app_sg}"], "subnet_ids": [], "vpc_id": "{vpc}"}}], "tags": {tags}, "tags_all": {tags}"#
                    ),
                )
            })
            .collect();
        state_resource(&mut res, "aws_lambda_function", "worker", &workers);
        let queues: Vec<(Option<usize>, String)> = (0..queues)
            .map(|q| {
                (
                    Some(q),
                    format!(
                        r#""id": "https://sqs.eu-west-1.amazonaws.com/{acct}/{name}-jobs-{q}", "name": "{name}-jobs-{q}", "arn": "arn:aws:sqs:eu-west-1:{acct}:{name}-jobs-{q}", "tags": {tags}, "tags_all": {tags}"#
                    ),
                )
            })
            .collect();
        state_resource(&mut res, "aws_sqs_queue", "jobs", &queues);
        state(10 + i, "", &res)
    }
}
