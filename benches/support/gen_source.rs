#![allow(dead_code)]
//! Deterministic generator of large, realistic Terraform source trees (HCL), for
//! benchmarks of `envwall check DIR` and for trying envwall on realistic sizes.
//!
//! The tree is shaped like a platform repository: a root module (`providers.tf`,
//! `variables.tf`, `locals.tf`, `main.tf`, `outputs.tf`, `cross_env.tf`, and a
//! `terraform.tfvars`) that instantiates one environment module twice, as
//! `module "prod"` and `module "staging"`. Under `modules/`:
//! - `env`: calls `network`, the `db_<d>` modules and the `app_<n>` modules (a file
//!   of calls per group of apps); some apps are called with `for_each` over a map
//!   of worker pools, some with `count` (production only);
//! - `network`: VPC, subnets (`cidrsubnet(var.vpc_cidr, 8, count.index)`), NAT and
//!   routing, a baseline security group with a `dynamic "ingress"` block, VPC
//!   endpoints (`for_each = toset(...)`), flow logs;
//! - `db_<d>`: PostgreSQL on RDS with its security group, an ingress rule per client
//!   security group (`for_each` over a map), alarms, and a migrations Lambda whose
//!   `DATABASE_URL` interpolates `aws_db_instance.this.address`;
//! - `app_<n>`: an IAM role, the app's security group (`dynamic "ingress"`, inline
//!   `egress`), rules from trusted groups, the nested `alarms` module (`count`) and
//!   sometimes the nested `cache` module (`for_each` over a map), then one file per
//!   component: security groups with `aws_security_group_rule` and
//!   `aws_vpc_security_group_ingress_rule`s referencing other groups, Lambdas with a
//!   `DATABASE_URL`, instances (`count`), load balancers, queues (`jsonencode`
//!   policies), buckets, SSM parameters.
//!
//! Names, tags (`merge(local.common_tags, {...})`), locals (`format`, `join`,
//! `lookup`, for-expressions, conditionals) follow what module repositories do; the
//! functions used are the common ones envwall evaluates (`cidrsubnet`, `format`,
//! `join`, `lookup`, `merge`, `concat`, `length`, `toset`, `tomap`, `lower`, `upper`,
//! `replace`, `jsonencode`, `coalesce`). Three links cross environments on purpose,
//! so a check has findings: a production rule whose `cidr_blocks` is the staging
//! VPC's CIDR, a VPC peering between the two, and a staging app whose
//! `DATABASE_URL` names the production database (through
//! `reporting_db_address = module.prod.reporting_db_address`).
//!
//! The tree has exactly the requested number of `.tf` files (or, for fewer than about
//! 60, the smallest tree: two apps), averaging about 2.2 KB, the size of real module files.
//! Every file is valid HCL and every name an expression reads is declared.
//!
//! std only; no `crate::` paths (the file is included with `#[path]`).

#[path = "gen_common.rs"]
mod gen_common;

use gen_common::{Rng, fill};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// What [`write_tree`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TreeStats {
    /// `.tf` files.
    pub files: usize,
    /// Bytes of every file written (`.tf` and `terraform.tfvars`).
    pub bytes: u64,
    /// `resource` blocks declared (before `count`/`for_each` expansion and before
    /// the environment module is instantiated twice).
    pub resources: usize,
}

/// Writes a generated Terraform repository with exactly `files` `.tf` files (or the
/// smallest tree, if `files` is smaller) under `dir`, which is created if needed.
/// Files already there with the same names are overwritten; others are left alone.
pub fn write_tree(dir: &Path, files: usize, seed: u64) -> io::Result<TreeStats> {
    let layout = Layout::new(files, seed);
    let mut w = Writer { root: dir, stats: TreeStats::default() };
    layout.write(&mut w, seed)?;
    Ok(w.stats)
}

// ---------------------------------------------------------------------------------------
// PRNG, templates, output
// ---------------------------------------------------------------------------------------

struct Writer<'a> {
    root: &'a Path,
    stats: TreeStats,
}

impl Writer<'_> {
    fn file(&mut self, rel: &str, text: &str) -> io::Result<()> {
        gen_common::write_file(self.root, rel, text)?;
        self.stats.bytes += text.len() as u64;
        if rel.ends_with(".tf") {
            self.stats.files += 1;
            self.stats.resources += text.lines().filter(|l| l.starts_with("resource \"")).count();
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------

const SERVICES: [&str; 16] = [
    "orders",
    "billing",
    "payments",
    "inventory",
    "search",
    "checkout",
    "identity",
    "ledger",
    "catalog",
    "shipping",
    "pricing",
    "notify",
    "reports",
    "storefront",
    "auth",
    "media",
];
const WORDS: [&str; 16] = [
    "api", "worker", "web", "admin", "ingest", "export", "sync", "batch", "events", "jobs", "cron", "gateway",
    "stream", "audit", "lookup", "render",
];
/// Files of the root and of the `env`, `network`, `alarms` and `cache` modules,
/// without the `env` module's files of app calls.
const FIXED_FILES: usize = 6 + 4 + 8 + 3 + 3;
const DB_FILES: usize = 5;
const APP_FILES: usize = 4;
const APPS_PER_DB: usize = 4;
const APPS_PER_GROUP: usize = 8;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Call {
    Plain,
    /// `for_each = local.worker_pools`
    ForEach,
    /// `count = local.is_prod ? 1 : 0`
    Count,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Comp {
    Sg,
    Lambda,
    Instance,
    Lb,
    Queue,
    Bucket,
    Params,
}

impl Comp {
    const ALL: [Comp; 7] = [Comp::Sg, Comp::Lambda, Comp::Instance, Comp::Lb, Comp::Queue, Comp::Bucket, Comp::Params];

    fn prefix(self) -> &'static str {
        match self {
            Comp::Sg => "sg",
            Comp::Lambda => "lambda",
            Comp::Instance => "instance",
            Comp::Lb => "lb",
            Comp::Queue => "queue",
            Comp::Bucket => "bucket",
            Comp::Params => "params",
        }
    }
}

struct App {
    n: usize,
    service: String,
    call: Call,
    db: usize,
    /// A plain app called before this one whose security group this one trusts.
    trusted: Option<usize>,
    cache: bool,
    comps: Vec<Comp>,
}

impl App {
    fn word(&self, j: usize) -> String {
        let w = WORDS[(self.n * 5 + j) % WORDS.len()];
        if j < WORDS.len() { w.to_owned() } else { format!("{w}{}", j / WORDS.len() + 1) }
    }
}

struct Layout {
    apps: Vec<App>,
    dbs: usize,
}

impl Layout {
    fn new(files: usize, seed: u64) -> Layout {
        let mut rng = Rng(seed ^ 0x5EED_0F50_u64);
        let mut apps: Vec<App> = Vec::new();
        let mut total = FIXED_FILES;
        loop {
            let n = apps.len();
            let call = match n {
                0 | 1 => Call::Plain,
                _ if n % 6 == 3 => Call::ForEach,
                _ if n % 9 == 5 => Call::Count,
                _ => Call::Plain,
            };
            let k = 4 + rng.below(6) as usize;
            let mut comps: Vec<Comp> = (0..k).map(|_| rng.pick(&Comp::ALL)).collect();
            if n == 1 && !comps.contains(&Comp::Lambda) {
                comps[0] = Comp::Lambda;
            }
            let cost = APP_FILES
                + k
                + if n.is_multiple_of(APPS_PER_DB) { DB_FILES } else { 0 }
                + usize::from(n.is_multiple_of(APPS_PER_GROUP));
            if total + cost > files && apps.len() >= 2 {
                // Spread what is left as more components, round robin.
                for i in 0..files.saturating_sub(total) {
                    let a = i % apps.len();
                    let c = rng.pick(&Comp::ALL);
                    apps[a].comps.push(c);
                }
                break;
            }
            let plain_before: Vec<usize> = apps.iter().filter(|a| a.call == Call::Plain).map(|a| a.n).collect();
            let trusted = if n >= 2 && rng.pct(60) { Some(rng.pick(&plain_before)) } else { None };
            let round = n / SERVICES.len();
            let service = if round == 0 {
                SERVICES[n].to_owned()
            } else {
                format!("{}-{}", SERVICES[n % SERVICES.len()], round + 1)
            };
            apps.push(App { n, service, call, db: n / APPS_PER_DB, trusted, cache: rng.pct(25), comps });
            total += cost;
            if total == files {
                break;
            }
        }
        let dbs = apps.len().div_ceil(APPS_PER_DB);
        Layout { apps, dbs }
    }

    fn groups(&self) -> usize {
        self.apps.len().div_ceil(APPS_PER_GROUP)
    }

    fn write(&self, w: &mut Writer<'_>, seed: u64) -> io::Result<()> {
        let mut rng = Rng(seed);
        self.write_root(w)?;
        self.write_env(w)?;
        write_network(w)?;
        w.file("modules/alarms/variables.tf", ALARMS_VARIABLES)?;
        w.file("modules/alarms/main.tf", ALARMS_MAIN)?;
        w.file("modules/alarms/outputs.tf", ALARMS_OUTPUTS)?;
        w.file("modules/cache/variables.tf", CACHE_VARIABLES)?;
        w.file("modules/cache/main.tf", CACHE_MAIN)?;
        w.file("modules/cache/outputs.tf", CACHE_OUTPUTS)?;
        for d in 0..self.dbs {
            write_db(w, d, &mut rng)?;
        }
        for app in &self.apps {
            write_app(w, app, &mut rng)?;
        }
        Ok(())
    }

    fn write_root(&self, w: &mut Writer<'_>) -> io::Result<()> {
        w.file("providers.tf", ROOT_PROVIDERS)?;
        w.file("variables.tf", ROOT_VARIABLES)?;
        w.file("locals.tf", ROOT_LOCALS)?;
        w.file("main.tf", ROOT_MAIN)?;
        w.file("outputs.tf", ROOT_OUTPUTS)?;
        w.file("cross_env.tf", ROOT_CROSS_ENV)?;
        w.file("terraform.tfvars", ROOT_TFVARS)
    }

    fn write_env(&self, w: &mut Writer<'_>) -> io::Result<()> {
        w.file("modules/env/variables.tf", ENV_VARIABLES)?;
        w.file("modules/env/locals.tf", ENV_LOCALS)?;
        let mut main = String::from(ENV_MAIN_HEAD);
        for d in 0..self.dbs {
            let clients: Vec<&App> = self.apps.iter().filter(|a| a.db == d && a.call == Call::Plain).collect();
            let mut map = String::from("{");
            if !clients.is_empty() {
                map.push('\n');
                let width = clients.iter().map(|a| format!("app_{}", a.n).len()).max().unwrap_or(0);
                for a in &clients {
                    let key = format!("app_{}", a.n);
                    let _ = writeln!(map, "    {key:<width$} = module.app_{}.security_group_id", a.n);
                }
                map.push_str("  ");
            }
            map.push('}');
            let first = self.apps.iter().find(|a| a.db == d).map_or("shared", |a| a.service.as_str());
            main.push_str(&fill(
                ENV_DB_CALL,
                &[("D", &d.to_string()), ("SERVICE", first), ("CLIENTS", &map), ("SIZE", db_class(d))],
            ));
        }
        w.file("modules/env/main.tf", &main)?;
        for g in 0..self.groups() {
            let mut text = format!(
                "# Applications of group {g}, one module call each. Their databases are in\n# main.tf; a call's `trusted_security_group_ids` lets another app's group in.\n"
            );
            for app in self.apps.iter().skip(g * APPS_PER_GROUP).take(APPS_PER_GROUP) {
                text.push('\n');
                text.push_str(&env_app_call(app));
            }
            w.file(&format!("modules/env/apps_{g:02}.tf"), &text)?;
        }
        w.file("modules/env/outputs.tf", &self.env_outputs())
    }

    fn env_outputs(&self) -> String {
        let mut plain = String::new();
        let mut extra = String::new();
        for app in &self.apps {
            match app.call {
                Call::Plain => {
                    let _ = writeln!(plain, "      app_{0} = module.app_{0}.security_group_id", app.n);
                }
                Call::ForEach => {
                    let _ = write!(
                        extra,
                        ",\n    {{ for pool, app in module.app_{0} : \"app_{0}-${{pool}}\" => app.security_group_id }}",
                        app.n
                    );
                }
                Call::Count => {
                    let _ = write!(
                        extra,
                        ",\n    {{ for i, app in module.app_{0} : \"app_{0}-${{i}}\" => app.security_group_id }}",
                        app.n
                    );
                }
            }
        }
        let mut dbs = String::new();
        for d in 0..self.dbs {
            let _ = writeln!(dbs, "    db_{d} = module.db_{d}.address");
        }
        let mut lambdas = String::new();
        for app in self.apps.iter().filter(|a| a.call == Call::Plain) {
            let _ = write!(lambdas, ",\n    module.app_{}.lambda_function_arns", app.n);
        }
        fill(
            ENV_OUTPUTS,
            &[("PLAIN", plain.trim_end()), ("EXTRA", &extra), ("DBS", dbs.trim_end()), ("LAMBDAS", &lambdas)],
        )
    }
}

fn db_class(d: usize) -> &'static str {
    ["db.r6g.large", "db.r6g.xlarge", "db.m6g.large", "db.r6g.2xlarge"][d % 4]
}

fn env_app_call(app: &App) -> String {
    let n = app.n;
    let mut head = String::new();
    let name = match app.call {
        Call::Plain => format!("\"{}\"", app.service),
        Call::ForEach => {
            head.push_str("  for_each = local.worker_pools\n");
            format!("\"{}-${{each.key}}\"", app.service)
        }
        Call::Count => {
            head.push_str(
                "  # Production only: staging shares the primary's read path.\n  count = local.is_prod ? 1 : 0\n",
            );
            format!("\"{}\"", app.service)
        }
    };
    let instance_type = if app.call == Call::ForEach { "each.value.instance_type" } else { "var.instance_type" };
    // The first app reads the reporting database: staging is given production's.
    let db_address = if n == 1 { "local.reporting_db".to_owned() } else { format!("module.db_{}.address", app.db) };
    let trusted = match app.trusted {
        Some(t) => format!("{{\n    app_{t} = module.app_{t}.security_group_id\n  }}"),
        None => "{}".to_owned(),
    };
    let caches = if app.cache {
        "{\n    sessions = {\n      node_type = local.is_prod ? \"cache.r7g.large\" : \"cache.t4g.small\"\n      replicas  = local.is_prod ? 2 : 1\n    }\n  }".to_owned()
    } else {
        "{}".to_owned()
    };
    let ports = match n % 3 {
        0 => "[8080]",
        1 => "[8080, 8443]",
        _ => "[443, 8080, 9090]",
    };
    fill(
        ENV_APP_CALL,
        &[
            ("SERVICE", &app.service),
            ("N", &n.to_string()),
            ("HEAD", &head),
            ("NAME", &name),
            ("INSTANCE_TYPE", instance_type),
            ("DB_ADDRESS", &db_address),
            ("TRUSTED", &trusted),
            ("CACHES", &caches),
            ("PORTS", ports),
        ],
    )
}

fn write_network(w: &mut Writer<'_>) -> io::Result<()> {
    w.file("modules/network/variables.tf", NETWORK_VARIABLES)?;
    w.file("modules/network/main.tf", NETWORK_MAIN)?;
    w.file("modules/network/subnets.tf", NETWORK_SUBNETS)?;
    w.file("modules/network/routing.tf", NETWORK_ROUTING)?;
    w.file("modules/network/security.tf", NETWORK_SECURITY)?;
    w.file("modules/network/endpoints.tf", NETWORK_ENDPOINTS)?;
    w.file("modules/network/flow_logs.tf", NETWORK_FLOW_LOGS)?;
    w.file("modules/network/outputs.tf", NETWORK_OUTPUTS)
}

fn write_db(w: &mut Writer<'_>, d: usize, rng: &mut Rng) -> io::Result<()> {
    let dir = format!("modules/db_{d}");
    let version = rng.pick(&["15.7", "16.3", "16.4"]);
    let storage = rng.pick(&["100", "200", "400"]);
    let runtime = rng.pick(&["python3.12", "python3.11", "nodejs20.x"]);
    let values: [(&str, &str); 5] = [
        ("D", &d.to_string()),
        ("VERSION", version),
        ("STORAGE", storage),
        ("RUNTIME", runtime),
        ("CLASS", db_class(d)),
    ];
    w.file(&format!("{dir}/variables.tf"), &fill(DB_VARIABLES, &values))?;
    w.file(&format!("{dir}/main.tf"), &fill(DB_MAIN, &values))?;
    w.file(&format!("{dir}/security.tf"), &fill(DB_SECURITY, &values))?;
    w.file(&format!("{dir}/monitoring.tf"), &fill(DB_MONITORING, &values))?;
    w.file(&format!("{dir}/outputs.tf"), &fill(DB_OUTPUTS, &values))
}

fn write_app(w: &mut Writer<'_>, app: &App, rng: &mut Rng) -> io::Result<()> {
    let dir = format!("modules/app_{}", app.n);
    let n = app.n.to_string();
    let retention = rng.pick(&["14", "30", "90"]);
    let base: [(&str, &str); 3] = [("N", &n), ("SERVICE", &app.service), ("RETENTION", retention)];
    w.file(&format!("{dir}/variables.tf"), &fill(APP_VARIABLES, &base))?;
    w.file(&format!("{dir}/locals.tf"), &fill(APP_LOCALS, &base))?;
    let cache = if app.cache { fill(APP_CACHE_CALL, &base) } else { String::new() };
    w.file(&format!("{dir}/main.tf"), &(fill(APP_MAIN, &base) + &cache))?;
    let mut lambdas = Vec::new();
    let mut instances = Vec::new();
    let mut lbs = Vec::new();
    for (j, &comp) in app.comps.iter().enumerate() {
        let word = app.word(j);
        let text = component(comp, &word, app, rng);
        match comp {
            Comp::Lambda => lambdas.push(word.clone()),
            Comp::Instance => instances.push(word.clone()),
            Comp::Lb => lbs.push(word.clone()),
            _ => {}
        }
        w.file(&format!("{dir}/{}_{word}.tf", comp.prefix()), &text)?;
    }
    let list = |names: &[String], what: &str| -> String {
        if names.is_empty() {
            return "[]".to_owned();
        }
        let items: Vec<String> = names.iter().map(|x| format!("    {}", what.replace("NAME", x))).collect();
        format!("[\n{},\n  ]", items.join(",\n"))
    };
    let instances = if instances.is_empty() {
        "[]".to_owned()
    } else {
        let parts: Vec<String> = instances.iter().map(|x| format!("aws_instance.{x}[*].id")).collect();
        format!("concat({})", parts.join(", "))
    };
    let caches =
        if app.cache { "{ for name, cache in module.cache : name => cache.primary_endpoint_address }" } else { "{}" };
    let outputs = fill(
        APP_OUTPUTS,
        &[
            ("N", &n),
            ("LAMBDAS", &list(&lambdas, "aws_lambda_function.NAME.arn")),
            ("INSTANCES", &instances),
            ("LBS", &list(&lbs, "aws_lb.NAME.dns_name")),
            ("CACHES", caches),
        ],
    );
    w.file(&format!("{dir}/outputs.tf"), &outputs)
}

fn component(comp: Comp, word: &str, app: &App, rng: &mut Rng) -> String {
    let n = app.n.to_string();
    let (template, extra): (&str, Vec<(&str, String)>) = match comp {
        Comp::Sg => {
            let port = rng.pick(&["8080", "9000", "6379", "5672", "8443"]);
            (COMP_SG, vec![("PORT", port.to_owned())])
        }
        Comp::Lambda => {
            let runtime = rng.pick(&["python3.12", "nodejs20.x", "java21", "provided.al2023"]);
            let memory = rng.pick(&["256", "512", "1024", "2048"]);
            let timeout = rng.pick(&["15", "30", "60", "300"]);
            (
                COMP_LAMBDA,
                vec![("RUNTIME", runtime.to_owned()), ("MEMORY", memory.to_owned()), ("TIMEOUT", timeout.to_owned())],
            )
        }
        Comp::Instance => {
            let volume = rng.pick(&["20", "50", "100"]);
            (COMP_INSTANCE, vec![("VOLUME", volume.to_owned())])
        }
        Comp::Lb => {
            let port = rng.pick(&["8080", "8443", "3000"]);
            (COMP_LB, vec![("PORT", port.to_owned())])
        }
        Comp::Queue => {
            let visibility = rng.pick(&["30", "60", "300", "900"]);
            (COMP_QUEUE, vec![("VISIBILITY", visibility.to_owned())])
        }
        Comp::Bucket => (COMP_BUCKET, Vec::new()),
        Comp::Params => (COMP_PARAMS, Vec::new()),
    };
    let why = format!("{}\n# {}", rng.pick(WHY), rng.pick(WHY_MORE));
    let mut values: Vec<(&str, &str)> = vec![("W", word), ("N", &n), ("SERVICE", &app.service), ("WHY", &why)];
    values.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
    fill(template, &values)
}

const WHY: &[&str] = &[
    "Added for the 2024 re-platforming; see the runbook in the service repository.",
    "Owned by the service team; changes go through the platform review channel.",
    "Sized from last quarter's peak; revisit when traffic doubles.",
    "Kept separate so that it can be torn down without touching the rest of the service.",
    "Split out of main.tf when the module grew past a few hundred lines.",
    "Mirrors the layout of the other services so the dashboards line up.",
];

const WHY_MORE: &[&str] = &[
    "Staging gets every change first; production follows after a day of soak.",
    "Costs are reported per service through the Service tag; keep it accurate.",
    "Do not rename resources here without a moved block: it would recreate them.",
    "Alarms page the owning team in production only.",
    "Reviewed in the last security audit; ask before widening any rule.",
];

// ---------------------------------------------------------------------------------------
// Root module
// ---------------------------------------------------------------------------------------

const ROOT_PROVIDERS: &str = r#"# Providers and state backend of the platform repository. Production runs in the
# main account; staging in its own account, reached through an assumed role and
# handed to the staging module explicitly (see main.tf).

terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }

  backend "s3" {
    bucket         = "acme-platform-terraform-state"
    key            = "platform/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "acme-terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.common_tags
  }
}

provider "aws" {
  alias  = "staging"
  region = var.region

  assume_role {
    role_arn     = "arn:aws:iam::${var.staging_account_id}:role/terraform-deploy"
    session_name = "platform-staging"
  }

  default_tags {
    tags = local.common_tags
  }
}
"#;

const ROOT_VARIABLES: &str = r#"# Inputs of the platform root module. Values live in terraform.tfvars; secrets
# come from the pipeline as TF_VAR_* and are never committed.

variable "region" {
  description = "AWS region every environment is deployed to."
  type        = string
  default     = "eu-west-1"
}

variable "prod_account_id" {
  description = "Account that holds production."
  type        = string
}

variable "staging_account_id" {
  description = "Account that holds staging."
  type        = string
}

variable "prod_cidr" {
  description = "Address range of the production VPC. Must not overlap staging's: the two are peered for the reporting migration."
  type        = string
}

variable "staging_cidr" {
  description = "Address range of the staging VPC."
  type        = string
}

variable "db_password" {
  description = "Master password of the application databases (from the pipeline's secret store)."
  type        = string
  sensitive   = true
}

variable "owner" {
  description = "Team that owns the stack; goes into every tag set."
  type        = string
  default     = "platform"
}

variable "cost_center" {
  description = "Cost centre the bill is charged to."
  type        = string
  default     = "cc-1042"
}

variable "alarm_email" {
  description = "Where alarms of production go."
  type        = string
  default     = "oncall@acme.example"
}

variable "instance_types" {
  description = "Instance type of the application hosts, per environment."
  type        = map(string)
  default = {
    prod    = "m6i.large"
    staging = "t3.medium"
  }
}
"#;

const ROOT_TFVARS: &str = r#"region             = "eu-west-1"
prod_account_id    = "111111111111"
staging_account_id = "222222222222"
prod_cidr          = "10.10.0.0/16"
staging_cidr       = "10.20.0.0/16"
owner              = "platform"
cost_center        = "cc-1042"
alarm_email        = "oncall@acme.example"
"#;

const ROOT_LOCALS: &str = r#"locals {
  # Tags every resource carries, on top of the provider's default tags.
  common_tags = {
    Owner      = var.owner
    CostCenter = var.cost_center
    ManagedBy  = "terraform"
    Repository = "github.com/acme/platform"
  }

  # Three availability zones in every environment.
  azs = [for suffix in ["a", "b", "c"] : "${var.region}${suffix}"]

  environments = {
    prod = {
      cidr          = var.prod_cidr
      instance_type = lookup(var.instance_types, "prod", "m6i.large")
      single_nat    = false
    }
    staging = {
      cidr          = var.staging_cidr
      instance_type = lookup(var.instance_types, "staging", "t3.medium")
      single_nat    = true
    }
  }
}
"#;

const ROOT_MAIN: &str = r#"# One instance of the environment module per environment. Both read the same
# module tree; only the inputs below differ.

module "prod" {
  source = "./modules/env"

  environment        = "prod"
  vpc_cidr           = local.environments.prod.cidr
  azs                = local.azs
  single_nat_gateway = local.environments.prod.single_nat
  instance_type      = local.environments.prod.instance_type
  db_password        = var.db_password
  alarm_email        = var.alarm_email
  common_tags        = local.common_tags
}

module "staging" {
  source = "./modules/env"
  providers = {
    aws = aws.staging
  }

  environment        = "staging"
  vpc_cidr           = local.environments.staging.cidr
  azs                = local.azs
  single_nat_gateway = local.environments.staging.single_nat
  instance_type      = local.environments.staging.instance_type
  db_password        = var.db_password
  alarm_email        = "staging-alerts@acme.example"
  common_tags        = local.common_tags

  # Reporting in staging runs against the production replica until the
  # anonymised copy exists (OPS-1187).
  reporting_db_address = module.prod.reporting_db_address
}
"#;

const ROOT_OUTPUTS: &str = r#"output "prod_vpc_id" {
  description = "Production VPC."
  value       = module.prod.vpc_id
}

output "staging_vpc_id" {
  description = "Staging VPC."
  value       = module.staging.vpc_id
}

output "prod_db_addresses" {
  description = "Host names of the production databases, by module."
  value       = module.prod.db_addresses
}

output "staging_db_addresses" {
  description = "Host names of the staging databases, by module."
  value       = module.staging.db_addresses
}

output "prod_app_security_group_ids" {
  description = "Security group of every production application."
  value       = module.prod.app_security_group_ids
}

output "staging_app_security_group_ids" {
  description = "Security group of every staging application."
  value       = module.staging.app_security_group_ids
}

output "peering_connection_id" {
  description = "The production–staging peering used by the reporting migration."
  value       = aws_vpc_peering_connection.prod_staging.id
}
"#;

const ROOT_CROSS_ENV: &str = r#"# Links between the environments, kept in one place so that they are easy to
# find and to remove once the reporting migration is done (OPS-1187).

resource "aws_vpc_peering_connection" "prod_staging" {
  vpc_id      = module.prod.vpc_id
  peer_vpc_id = module.staging.vpc_id
  auto_accept = true

  tags = merge(local.common_tags, {
    Name = "prod-to-staging-reporting"
  })
}

# The production billing app accepts report callbacks from the whole staging VPC.
resource "aws_security_group_rule" "prod_billing_from_staging" {
  type              = "ingress"
  description       = "report callbacks from staging"
  security_group_id = module.prod.app_security_group_ids["app_1"]
  from_port         = 8443
  to_port           = 8443
  protocol          = "tcp"
  cidr_blocks       = [module.staging.vpc_cidr]
}
"#;

// ---------------------------------------------------------------------------------------
// Environment module
// ---------------------------------------------------------------------------------------

const ENV_VARIABLES: &str = r#"variable "environment" {
  description = "Name of the environment: prod or staging."
  type        = string

  validation {
    condition     = var.environment == "prod" || var.environment == "staging"
    error_message = "The environment must be prod or staging."
  }
}

variable "vpc_cidr" {
  description = "Address range of the environment's VPC."
  type        = string
}

variable "azs" {
  description = "Availability zones to spread subnets and hosts over."
  type        = list(string)
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper, not zone-redundant)."
  type        = bool
  default     = false
}

variable "instance_type" {
  description = "Instance type of the application hosts."
  type        = string
}

variable "db_password" {
  description = "Master password of the databases."
  type        = string
  sensitive   = true
}

variable "alarm_email" {
  description = "Where alarms go."
  type        = string
}

variable "common_tags" {
  description = "Tags every resource carries."
  type        = map(string)
  default     = {}
}

variable "reporting_db_address" {
  description = "Database the reporting app reads; its own primary when null."
  type        = string
  default     = null
}
"#;

const ENV_LOCALS: &str = r#"locals {
  is_prod     = var.environment == "prod"
  name_prefix = format("acme-%s", var.environment)

  tags = merge(var.common_tags, {
    Environment = var.environment
    Tier        = local.is_prod ? "critical" : "standard"
  })

  # Blue/green pools of the apps that run workers.
  worker_pools = {
    blue = {
      instance_type = var.instance_type
      weight        = 50
    }
    green = {
      instance_type = var.instance_type
      weight        = local.is_prod ? 50 : 0
    }
  }

  instance_counts = {
    prod    = 2
    staging = 1
  }
  instance_count = lookup(local.instance_counts, var.environment, 1)

  reporting_db = coalesce(var.reporting_db_address, module.db_0.address)
}
"#;

const ENV_MAIN_HEAD: &str = r#"# The network and the databases of one environment. Applications are called
# from the apps_*.tf files.

module "network" {
  source = "../network"

  name               = local.name_prefix
  environment        = var.environment
  vpc_cidr           = var.vpc_cidr
  azs                = var.azs
  single_nat_gateway = var.single_nat_gateway
  tags               = local.tags
}
"#;

const ENV_DB_CALL: &str = r#"
# Database shared by {{SERVICE}} and the apps after it.
module "db_{{D}}" {
  source = "../db_{{D}}"

  name           = "${local.name_prefix}-db{{D}}"
  environment    = var.environment
  vpc_id         = module.network.vpc_id
  vpc_cidr       = module.network.vpc_cidr
  subnet_ids     = module.network.private_subnet_ids
  instance_class = local.is_prod ? "{{SIZE}}" : "db.t4g.medium"
  multi_az       = local.is_prod
  db_password    = var.db_password
  tags           = local.tags

  client_security_group_ids = {{CLIENTS}}
}
"#;

const ENV_APP_CALL: &str = r#"module "app_{{N}}" {
  source = "../app_{{N}}"
{{HEAD}}
  name           = {{NAME}}
  environment    = var.environment
  vpc_id         = module.network.vpc_id
  vpc_cidr       = module.network.vpc_cidr
  subnet_ids     = module.network.private_subnet_ids
  db_address     = {{DB_ADDRESS}}
  db_password    = var.db_password
  instance_type  = {{INSTANCE_TYPE}}
  instance_count = local.instance_count
  alarms_enabled = local.is_prod
  alarm_email    = var.alarm_email
  ingress_ports  = {{PORTS}}
  common_tags    = local.tags

  trusted_security_group_ids = {{TRUSTED}}
  caches                     = {{CACHES}}
}
"#;

const ENV_OUTPUTS: &str = r#"output "vpc_id" {
  description = "The environment's VPC."
  value       = module.network.vpc_id
}

output "vpc_cidr" {
  description = "Address range of the VPC."
  value       = module.network.vpc_cidr
}

output "private_subnet_ids" {
  description = "Private subnets, one per zone."
  value       = module.network.private_subnet_ids
}

output "db_addresses" {
  description = "Host name of every database, by module."
  value = {
{{DBS}}
  }
}

output "reporting_db_address" {
  description = "Host name of the database reporting reads."
  value       = module.db_0.address
}

output "app_security_group_ids" {
  description = "Security group of every application instance."
  value = merge(
    {
{{PLAIN}}
    }{{EXTRA}}
  )
}

output "lambda_function_arns" {
  description = "Every Lambda function of the plainly called apps."
  value = concat(
    []{{LAMBDAS}}
  )
}
"#;

// ---------------------------------------------------------------------------------------
// Network module
// ---------------------------------------------------------------------------------------

const NETWORK_VARIABLES: &str = r#"variable "name" {
  description = "Prefix of every name in the network."
  type        = string
}

variable "environment" {
  description = "Environment the network belongs to."
  type        = string
}

variable "vpc_cidr" {
  description = "Address range of the VPC; subnets are /24s carved out of it."
  type        = string
}

variable "azs" {
  description = "Availability zones, one private and one public subnet each."
  type        = list(string)
}

variable "single_nat_gateway" {
  description = "Use one NAT gateway for every zone."
  type        = bool
  default     = false
}

variable "flow_log_retention_days" {
  description = "How long VPC flow logs are kept."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
"#;

const NETWORK_MAIN: &str = r#"# The VPC of one environment and its internet gateway. Subnets, routing,
# endpoints and flow logs are in their own files.

data "aws_region" "current" {}

locals {
  nat_gateway_count = var.single_nat_gateway ? 1 : length(var.azs)
  vpc_name          = format("%s-vpc", var.name)
}

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, {
    Name = local.vpc_name
  })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, {
    Name = "${var.name}-igw"
  })
}

# Lock down the default group: nothing in, nothing out.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, {
    Name = "${var.name}-default"
  })
}
"#;

const NETWORK_SUBNETS: &str = r#"# One private and one public /24 per availability zone. Private subnets take
# the first indexes of the VPC range, public ones start at 100.

resource "aws_subnet" "private" {
  count = length(var.azs)

  vpc_id            = aws_vpc.this.id
  availability_zone = var.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, count.index)

  tags = merge(var.tags, {
    Name = format("%s-private-%s", var.name, var.azs[count.index])
    Tier = "private"
  })
}

resource "aws_subnet" "public" {
  count = length(var.azs)

  vpc_id                  = aws_vpc.this.id
  availability_zone       = var.azs[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, count.index + 100)
  map_public_ip_on_launch = false

  tags = merge(var.tags, {
    Name = format("%s-public-%s", var.name, var.azs[count.index])
    Tier = "public"
  })
}

resource "aws_db_subnet_group" "this" {
  name        = "${var.name}-databases"
  description = "Private subnets of ${var.name} for RDS"
  subnet_ids  = aws_subnet.private[*].id

  tags = var.tags
}
"#;

const NETWORK_ROUTING: &str = r#"# Public subnets route to the internet gateway; private ones through NAT, one
# gateway per zone unless single_nat_gateway is set.

resource "aws_eip" "nat" {
  count  = local.nat_gateway_count
  domain = "vpc"

  tags = merge(var.tags, {
    Name = "${var.name}-nat-${count.index}"
  })
}

resource "aws_nat_gateway" "this" {
  count = local.nat_gateway_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = merge(var.tags, {
    Name = "${var.name}-nat-${count.index}"
  })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }

  tags = merge(var.tags, {
    Name = "${var.name}-public"
  })
}

resource "aws_route_table_association" "public" {
  count = length(var.azs)

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  count  = length(var.azs)
  vpc_id = aws_vpc.this.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this[var.single_nat_gateway ? 0 : count.index].id
  }

  tags = merge(var.tags, {
    Name = "${var.name}-private-${count.index}"
  })
}

resource "aws_route_table_association" "private" {
  count = length(var.azs)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}
"#;

const NETWORK_SECURITY: &str = r#"# Groups every host of the environment joins: SSH from the VPN, HTTPS inside
# the VPC, and the interface endpoints' group.

locals {
  baseline_ingress = [
    {
      description = "SSH from the corporate VPN"
      port        = 22
      cidr        = "172.16.0.0/12"
    },
    {
      description = "HTTPS within the VPC"
      port        = 443
      cidr        = var.vpc_cidr
    },
  ]
}

resource "aws_security_group" "baseline" {
  name        = "${var.name}-baseline"
  description = "Baseline access for every host in ${var.environment}"
  vpc_id      = aws_vpc.this.id

  dynamic "ingress" {
    for_each = local.baseline_ingress
    content {
      description = ingress.value.description
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }

  egress {
    description = "Anything out"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(var.tags, {
    Name = "${var.name}-baseline"
  })
}

resource "aws_security_group" "endpoints" {
  name        = "${var.name}-endpoints"
  description = "Interface endpoints of ${var.name}"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "HTTPS from the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.this.cidr_block]
  }

  tags = merge(var.tags, {
    Name = "${var.name}-endpoints"
  })
}
"#;

const NETWORK_ENDPOINTS: &str = r#"# Gateway endpoints for S3 and DynamoDB; interface endpoints for Systems
# Manager so hosts need no route to the internet for it.

resource "aws_vpc_endpoint" "gateway" {
  for_each = toset(["s3", "dynamodb"])

  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.${each.value}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = concat([aws_route_table.public.id], aws_route_table.private[*].id)

  tags = merge(var.tags, {
    Name = "${var.name}-${each.value}"
  })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = toset(["ssm", "ssmmessages", "ec2messages", "logs"])

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.${each.value}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true

  tags = merge(var.tags, {
    Name = "${var.name}-${each.value}"
  })
}
"#;

const NETWORK_FLOW_LOGS: &str = r#"# VPC flow logs to CloudWatch, for incident review.

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/aws/vpc/${var.name}/flow-logs"
  retention_in_days = var.flow_log_retention_days

  tags = var.tags
}

data "aws_iam_policy_document" "flow_logs_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "flow_logs" {
  name               = "${var.name}-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_logs_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "flow_logs" {
  name = "write-flow-logs"
  role = aws_iam_role.flow_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        Resource = "${aws_cloudwatch_log_group.flow_logs.arn}:*"
      },
    ]
  })
}

resource "aws_flow_log" "this" {
  vpc_id               = aws_vpc.this.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn

  tags = var.tags
}
"#;

const NETWORK_OUTPUTS: &str = r#"output "vpc_id" {
  description = "The VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "Address range of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "Private subnets, in zone order."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "Public subnets, in zone order."
  value       = aws_subnet.public[*].id
}

output "db_subnet_group_name" {
  description = "Subnet group for RDS."
  value       = aws_db_subnet_group.this.name
}

output "baseline_security_group_id" {
  description = "Group every host joins."
  value       = aws_security_group.baseline.id
}
"#;

// ---------------------------------------------------------------------------------------
// Nested modules: alarms, cache
// ---------------------------------------------------------------------------------------

const ALARMS_VARIABLES: &str = r#"variable "name" {
  description = "Name of the monitored service."
  type        = string
}

variable "alarm_email" {
  description = "Subscriber of the alarm topic."
  type        = string
}

variable "error_threshold" {
  description = "5xx responses per minute that page someone."
  type        = number
  default     = 25
}

variable "latency_threshold_ms" {
  description = "p99 latency that pages someone, in milliseconds."
  type        = number
  default     = 1500
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
"#;

const ALARMS_MAIN: &str = r#"# Paging alarms of one service and the topic they notify.

resource "aws_sns_topic" "alarms" {
  name = "${var.name}-alarms"
  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.name}-5xx"
  alarm_description   = "More than ${var.error_threshold} server errors a minute"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  threshold           = var.error_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  alarm_name          = "${var.name}-p99-latency"
  alarm_description   = "p99 latency above ${var.latency_threshold_ms} ms"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  extended_statistic  = "p99"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.latency_threshold_ms / 1000
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]

  tags = var.tags
}
"#;

const ALARMS_OUTPUTS: &str = r#"output "topic_arn" {
  description = "The topic alarms notify."
  value       = aws_sns_topic.alarms.arn
}
"#;

const CACHE_VARIABLES: &str = r#"variable "name" {
  description = "Name of the cache cluster."
  type        = string
}

variable "vpc_id" {
  description = "VPC the cluster runs in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the cluster."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Groups allowed to connect."
  type        = list(string)
}

variable "node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "replicas" {
  description = "Replicas per shard."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
"#;

const CACHE_MAIN: &str = r#"# A Redis replication group reachable from the given client groups only.

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

resource "aws_security_group" "cache" {
  name        = "${var.name}-redis"
  description = "Redis ${var.name}"
  vpc_id      = var.vpc_id

  ingress {
    description     = "Redis from the clients"
    from_port       = 6379
    to_port         = 6379
    protocol        = "tcp"
    security_groups = var.client_security_group_ids
  }

  tags = merge(var.tags, {
    Name = "${var.name}-redis"
  })
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id       = var.name
  description                = "Redis for ${var.name}"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = var.node_type
  num_cache_clusters         = var.replicas + 1
  port                       = 6379
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.cache.id]
  automatic_failover_enabled = var.replicas > 0
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true

  tags = var.tags
}
"#;

const CACHE_OUTPUTS: &str = r#"output "primary_endpoint_address" {
  description = "Host name writers connect to."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "security_group_id" {
  description = "The cluster's group."
  value       = aws_security_group.cache.id
}
"#;

// ---------------------------------------------------------------------------------------
// Database modules
// ---------------------------------------------------------------------------------------

const DB_VARIABLES: &str = r#"variable "name" {
  description = "Identifier prefix of the database and everything around it."
  type        = string
}

variable "environment" {
  description = "Environment the database serves."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "vpc_cidr" {
  description = "Address range of the VPC (administrators connect from it)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the instance may be placed in."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups of the applications that use the database, by name."
  type        = map(string)
  default     = {}
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "{{CLASS}}"
}

variable "engine_version" {
  description = "PostgreSQL version."
  type        = string
  default     = "{{VERSION}}"
}

variable "allocated_storage" {
  description = "Storage in GiB; autoscaling may grow it to four times this."
  type        = number
  default     = {{STORAGE}}
}

variable "multi_az" {
  description = "Keep a standby in another zone."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Days of automated backups."
  type        = number
  default     = 14
}

variable "db_password" {
  description = "Master password."
  type        = string
  sensitive   = true
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
"#;

const DB_MAIN: &str = r#"# PostgreSQL {{VERSION}} on RDS for the applications of database group {{D}}.

locals {
  identifier = lower(replace(var.name, "_", "-"))
  families = {
    "15.7" = "postgres15"
    "16.3" = "postgres16"
    "16.4" = "postgres16"
  }
  family = lookup(local.families, var.engine_version, "postgres16")
}

resource "aws_db_subnet_group" "this" {
  name        = local.identifier
  description = "Subnets of ${local.identifier}"
  subnet_ids  = var.subnet_ids

  tags = var.tags
}

resource "aws_db_parameter_group" "this" {
  name   = local.identifier
  family = local.family

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  tags = var.tags
}

resource "aws_db_instance" "this" {
  identifier     = local.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.allocated_storage * 4
  storage_type          = "gp3"
  storage_encrypted     = true

  db_name  = "app"
  username = "app_admin"
  password = var.db_password
  port     = 5432

  db_subnet_group_name   = aws_db_subnet_group.this.name
  parameter_group_name   = aws_db_parameter_group.this.name
  vpc_security_group_ids = [aws_security_group.db.id]
  multi_az               = var.multi_az
  publicly_accessible    = false

  backup_retention_period   = var.backup_retention_days
  backup_window             = "02:00-03:00"
  maintenance_window        = "sun:03:30-sun:04:30"
  deletion_protection       = var.environment == "prod"
  skip_final_snapshot       = var.environment != "prod"
  final_snapshot_identifier = "${local.identifier}-final"

  performance_insights_enabled = true

  tags = merge(var.tags, {
    Name = local.identifier
  })
}
"#;

const DB_SECURITY: &str = r#"# Who may connect to the database: each client application's group, and
# administrators from inside the VPC.

resource "aws_security_group" "db" {
  name        = "${local.identifier}-postgres"
  description = "PostgreSQL ${local.identifier}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, {
    Name = "${local.identifier}-postgres"
  })
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.client_security_group_ids

  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from ${each.key}"
}

resource "aws_security_group_rule" "admin" {
  type              = "ingress"
  description       = "PostgreSQL from administrators in the VPC"
  security_group_id = aws_security_group.db.id
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = [var.vpc_cidr]
}

resource "aws_vpc_security_group_ingress_rule" "migrations" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.migrations.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "schema migrations"
}
"#;

const DB_MONITORING: &str = r#"# Alarms on the database, and the Lambda that runs schema migrations on deploy.

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "${local.identifier}-cpu"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"

  dimensions = {
    DBInstanceIdentifier = aws_db_instance.this.identifier
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "storage" {
  alarm_name          = "${local.identifier}-free-storage"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.allocated_storage * 1073741824 / 10
  comparison_operator = "LessThanThreshold"

  dimensions = {
    DBInstanceIdentifier = aws_db_instance.this.identifier
  }

  tags = var.tags
}

resource "aws_security_group" "migrations" {
  name        = "${local.identifier}-migrations"
  description = "Schema migrations of ${local.identifier}"
  vpc_id      = var.vpc_id

  egress {
    description = "PostgreSQL"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  tags = var.tags
}

resource "aws_lambda_function" "migrations" {
  function_name = "${local.identifier}-migrations"
  role          = "arn:aws:iam::111111111111:role/db-migrations"
  runtime       = "{{RUNTIME}}"
  handler       = "migrate.handler"
  filename      = "${path.module}/migrate.zip"
  timeout       = 900

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.migrations.id]
  }

  environment {
    variables = {
      DATABASE_URL = "postgresql://app_admin:${var.db_password}@${aws_db_instance.this.address}:5432/app"
      LOCK_TIMEOUT = "30s"
    }
  }

  tags = var.tags
}
"#;

const DB_OUTPUTS: &str = r#"output "address" {
  description = "Host name of the instance."
  value       = aws_db_instance.this.address
}

output "endpoint" {
  description = "host:port of the instance."
  value       = aws_db_instance.this.endpoint
}

output "arn" {
  description = "ARN of the instance."
  value       = aws_db_instance.this.arn
}

output "security_group_id" {
  description = "The database's group."
  value       = aws_security_group.db.id
}
"#;

// ---------------------------------------------------------------------------------------
// Application modules
// ---------------------------------------------------------------------------------------

const APP_VARIABLES: &str = r#"# Inputs of the {{SERVICE}} application module (app_{{N}}).

variable "name" {
  description = "Name of the service; every resource name starts with it."
  type        = string
}

variable "environment" {
  description = "Environment the service runs in."
  type        = string

  validation {
    condition     = var.environment == "prod" || var.environment == "staging"
    error_message = "The environment must be prod or staging."
  }
}

variable "vpc_id" {
  description = "VPC the service runs in."
  type        = string
}

variable "vpc_cidr" {
  description = "Address range of the VPC; in-VPC traffic is allowed from it."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for hosts and functions."
  type        = list(string)
}

variable "db_address" {
  description = "Host name of the service's PostgreSQL database."
  type        = string
}

variable "db_password" {
  description = "Password of the service's database user."
  type        = string
  sensitive   = true
}

variable "instance_type" {
  description = "Instance type of the service's hosts."
  type        = string
  default     = "t3.medium"
}

variable "instance_count" {
  description = "Hosts per host group."
  type        = number
  default     = 1

  validation {
    condition     = var.instance_count >= 0 && var.instance_count <= 12
    error_message = "Between 0 and 12 hosts per group; ask the platform team for more."
  }
}

variable "ingress_ports" {
  description = "Ports the service listens on, open to the VPC."
  type        = list(number)
  default     = [8080]
}

variable "trusted_security_group_ids" {
  description = "Groups of other services that may call this one, by name."
  type        = map(string)
  default     = {}
}

variable "caches" {
  description = "Redis clusters of the service, by name."
  type = map(object({
    node_type = string
    replicas  = number
  }))
  default = {}
}

variable "alarms_enabled" {
  description = "Create paging alarms."
  type        = bool
  default     = false
}

variable "alarm_email" {
  description = "Where the alarms go."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the service's log groups."
  type        = number
  default     = {{RETENTION}}

  validation {
    condition     = var.log_retention_days == 14 || var.log_retention_days == 30 || var.log_retention_days == 90
    error_message = "Log retention is 14, 30 or 90 days."
  }
}

variable "common_tags" {
  description = "Tags every resource carries."
  type        = map(string)
  default     = {}
}
"#;

const APP_LOCALS: &str = r#"locals {
  name    = format("%s-%s", var.name, var.environment)
  is_prod = var.environment == "prod"
  fqdn    = join(".", [var.name, var.environment, "internal.acme.example"])

  log_levels = {
    prod    = "info"
    staging = "debug"
  }
  log_level = lookup(local.log_levels, var.environment, "debug")

  tags = merge(var.common_tags, {
    Service     = var.name
    Environment = var.environment
    Module      = "app_{{N}}"
  })

  ingress_rules = { for port in var.ingress_ports : "port-${port}" => port }
  db_name       = replace(var.name, "-", "_")
  database_url  = "postgresql://${local.db_name}:${var.db_password}@${var.db_address}:5432/${local.db_name}"
  metrics_port  = length(var.ingress_ports) > 1 ? var.ingress_ports[1] : 9100

  # Maintenance windows, staggered by environment so staging goes first.
  maintenance_windows = {
    prod    = "sun:04:00-sun:05:00"
    staging = "sat:04:00-sat:05:00"
  }
  maintenance_window = lookup(local.maintenance_windows, var.environment, "sat:04:00-sat:05:00")

  # Ports as strings, for the settings documents.
  port_list = join(",", [for port in var.ingress_ports : "${port}"])

  trusted_names = [for name, id in var.trusted_security_group_ids : upper(name)]
  cache_names   = toset([for name, cache in var.caches : name])
}
"#;

const APP_MAIN: &str = r#"# {{SERVICE}}: the service's role, its security group and who may reach it.
# Each component (functions, hosts, load balancers, queues) has its own file.

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com", "ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "${local.name}-app"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "vpc_access" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_instance_profile" "app" {
  name = "${local.name}-app"
  role = aws_iam_role.app.name
}

resource "aws_security_group" "app" {
  name        = "${local.name}-app"
  description = "${var.name} in ${var.environment}"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = local.ingress_rules
    content {
      description = "${ingress.key} from the VPC"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [var.vpc_cidr]
    }
  }

  egress {
    description = "HTTPS to AWS APIs and partners"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "PostgreSQL in the VPC"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  tags = merge(local.tags, {
    Name = "${local.name}-app"
  })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_trusted" {
  for_each = var.trusted_security_group_ids

  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "calls from ${each.key}"
}

module "alarms" {
  source = "../alarms"
  count  = var.alarms_enabled ? 1 : 0

  name        = local.name
  alarm_email = var.alarm_email
  tags        = local.tags
}
"#;

const APP_CACHE_CALL: &str = r#"
module "cache" {
  source   = "../cache"
  for_each = var.caches

  name                      = "${local.name}-${each.key}"
  vpc_id                    = var.vpc_id
  subnet_ids                = var.subnet_ids
  client_security_group_ids = [aws_security_group.app.id]
  node_type                 = each.value.node_type
  replicas                  = each.value.replicas
  tags                      = local.tags
}
"#;

const APP_OUTPUTS: &str = r#"output "security_group_id" {
  description = "The service's security group."
  value       = aws_security_group.app.id
}

output "role_arn" {
  description = "Role of the service's hosts and functions."
  value       = aws_iam_role.app.arn
}

output "lambda_function_arns" {
  description = "The service's functions."
  value = {{LAMBDAS}}
}

output "instance_ids" {
  description = "The service's hosts."
  value       = {{INSTANCES}}
}

output "load_balancer_dns_names" {
  description = "Host names of the service's load balancers."
  value = {{LBS}}
}

output "cache_endpoints" {
  description = "Redis endpoints, by cluster name."
  value       = {{CACHES}}
}

output "role_name" {
  description = "Name of the service's role, for policy attachments made elsewhere."
  value       = aws_iam_role.app.name
}

output "instance_profile_name" {
  description = "Instance profile of the service's hosts."
  value       = aws_iam_instance_profile.app.name
}

output "fqdn" {
  description = "Internal host name of the service."
  value       = local.fqdn
}

output "alarm_topic_arn" {
  description = "Topic the service's alarms notify, when alarms are enabled."
  value       = var.alarms_enabled ? module.alarms[0].topic_arn : null
}

output "module_name" {
  description = "Which application module this is."
  value       = "app_{{N}}"
}
"#;

// ---------------------------------------------------------------------------------------
// Application components: one file each
// ---------------------------------------------------------------------------------------

const COMP_SG: &str = r#"# {{W}}: the security group of the service's {{W}} tier, and the rules between it
# and the service's main group. {{WHY}}

resource "aws_security_group" "{{W}}" {
  name        = "${local.name}-{{W}}"
  description = "{{SERVICE}} {{W}} tier"
  vpc_id      = var.vpc_id

  ingress {
    description = "{{W}} traffic from the VPC"
    from_port   = {{PORT}}
    to_port     = {{PORT}}
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  ingress {
    description     = "health checks from the service"
    from_port       = 8081
    to_port         = 8081
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }

  egress {
    description = "HTTPS out"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(local.tags, {
    Name = "${local.name}-{{W}}"
    Tier = "{{W}}"
  })
}

resource "aws_security_group_rule" "{{W}}_metrics" {
  type              = "ingress"
  description       = "Prometheus scrapes of {{W}}"
  security_group_id = aws_security_group.{{W}}.id
  from_port         = local.metrics_port
  to_port           = local.metrics_port
  protocol          = "tcp"
  cidr_blocks       = [var.vpc_cidr]
}

# The main group may call {{W}}; {{W}} may call back.
resource "aws_vpc_security_group_ingress_rule" "{{W}}_from_app" {
  security_group_id            = aws_security_group.{{W}}.id
  referenced_security_group_id = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = {{PORT}}
  to_port                      = {{PORT}}
  description                  = "app to {{W}}"
}

resource "aws_vpc_security_group_ingress_rule" "app_from_{{W}}" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.{{W}}.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "{{W}} to app"
}

resource "aws_vpc_security_group_egress_rule" "{{W}}_to_db" {
  security_group_id = aws_security_group.{{W}}.id
  cidr_ipv4         = var.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  description       = "{{W}} to PostgreSQL"
}
"#;

const COMP_LAMBDA: &str = r#"# {{W}}: a Lambda function of {{SERVICE}}, in the VPC, reading the service's
# database. {{WHY}}

resource "aws_cloudwatch_log_group" "{{W}}" {
  name              = "/aws/lambda/${local.name}-{{W}}"
  retention_in_days = var.log_retention_days

  tags = local.tags
}

resource "aws_lambda_function" "{{W}}" {
  function_name = "${local.name}-{{W}}"
  description   = "{{SERVICE}} {{W}} (${var.environment})"
  role          = aws_iam_role.app.arn
  runtime       = "{{RUNTIME}}"
  handler       = "{{W}}.handler"
  filename      = "${path.module}/dist/{{W}}.zip"
  memory_size   = {{MEMORY}}
  timeout       = {{TIMEOUT}}
  architectures = ["arm64"]

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.app.id]
  }

  environment {
    variables = {
      DATABASE_URL = "postgresql://app:${var.db_password}@${var.db_address}:5432/app"
      SERVICE_NAME = var.name
      ENVIRONMENT  = upper(var.environment)
      LOG_LEVEL    = local.log_level
      PUBLIC_HOST  = local.fqdn
    }
  }

  tracing_config {
    mode = local.is_prod ? "Active" : "PassThrough"
  }

  tags = merge(local.tags, {
    Name = "${local.name}-{{W}}"
  })

  depends_on = [aws_cloudwatch_log_group.{{W}}]
}

resource "aws_iam_role_policy" "{{W}}_logs" {
  name = "{{W}}-logs"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.{{W}}.arn}:*"
      },
    ]
  })
}

resource "aws_lambda_alias" "{{W}}_live" {
  name             = "live"
  description      = "Traffic-serving version of {{W}}"
  function_name    = aws_lambda_function.{{W}}.function_name
  function_version = "$LATEST"
}

resource "aws_cloudwatch_metric_alarm" "{{W}}_errors" {
  count = var.alarms_enabled ? 1 : 0

  alarm_name          = "${local.name}-{{W}}-errors"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  threshold           = 5
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [module.alarms[0].topic_arn]

  dimensions = {
    FunctionName = aws_lambda_function.{{W}}.function_name
  }

  tags = local.tags
}
"#;

const COMP_INSTANCE: &str = r#"# {{W}}: the hosts of {{SERVICE}}'s {{W}} process, spread over the private
# subnets. {{WHY}}

data "aws_ami" "{{W}}" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-arm64"]
  }
}

resource "aws_instance" "{{W}}" {
  count = var.instance_count

  ami                    = data.aws_ami.{{W}}.id
  instance_type          = var.instance_type
  subnet_id              = var.subnet_ids[count.index % length(var.subnet_ids)]
  vpc_security_group_ids = [aws_security_group.app.id]
  iam_instance_profile   = aws_iam_instance_profile.app.name
  monitoring             = local.is_prod

  root_block_device {
    volume_type = "gp3"
    volume_size = {{VOLUME}}
    encrypted   = true
  }

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    echo "SERVICE=${var.name}" >> /etc/environment
    echo "ENVIRONMENT=${var.environment}" >> /etc/environment
    echo "LOG_LEVEL=${local.log_level}" >> /etc/environment
    systemctl enable --now {{W}}.service
  EOT

  tags = merge(local.tags, {
    Name = format("%s-{{W}}-%d", local.name, count.index)
    Role = "{{W}}"
  })

  lifecycle {
    ignore_changes = [ami]
  }
}

# A data volume per host, in the host's zone.
resource "aws_ebs_volume" "{{W}}_data" {
  count = var.instance_count

  availability_zone = aws_instance.{{W}}[count.index].availability_zone
  size              = {{VOLUME}} * 2
  type              = "gp3"
  encrypted         = true

  tags = merge(local.tags, {
    Name = format("%s-{{W}}-data-%d", local.name, count.index)
  })
}

resource "aws_volume_attachment" "{{W}}_data" {
  count = var.instance_count

  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.{{W}}_data[count.index].id
  instance_id = aws_instance.{{W}}[count.index].id
}

resource "aws_cloudwatch_metric_alarm" "{{W}}_status" {
  count = var.alarms_enabled ? var.instance_count : 0

  alarm_name          = "${local.name}-{{W}}-${count.index}-status"
  namespace           = "AWS/EC2"
  metric_name         = "StatusCheckFailed"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [module.alarms[0].topic_arn]

  dimensions = {
    InstanceId = aws_instance.{{W}}[count.index].id
  }

  tags = local.tags
}
"#;

const COMP_LB: &str = r#"# {{W}}: an internal load balancer in front of the service's {{W}} port.
# {{WHY}}

resource "aws_security_group" "{{W}}_lb" {
  name        = "${local.name}-{{W}}-lb"
  description = "Load balancer of {{SERVICE}} {{W}}"
  vpc_id      = var.vpc_id

  ingress {
    description = "HTTPS from the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }

  egress {
    description     = "to the service"
    from_port       = {{PORT}}
    to_port         = {{PORT}}
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }

  tags = merge(local.tags, {
    Name = "${local.name}-{{W}}-lb"
  })
}

resource "aws_vpc_security_group_ingress_rule" "app_from_{{W}}_lb" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.{{W}}_lb.id
  ip_protocol                  = "tcp"
  from_port                    = {{PORT}}
  to_port                      = {{PORT}}
  description                  = "from the {{W}} load balancer"
}

resource "aws_lb" "{{W}}" {
  name               = replace("${local.name}-{{W}}", "_", "-")
  internal           = true
  load_balancer_type = "application"
  security_groups    = [aws_security_group.{{W}}_lb.id]
  subnets            = var.subnet_ids

  drop_invalid_header_fields = true
  enable_deletion_protection = local.is_prod

  tags = local.tags
}

resource "aws_lb_target_group" "{{W}}" {
  name        = replace("${local.name}-{{W}}", "_", "-")
  port        = {{PORT}}
  protocol    = "HTTP"
  vpc_id      = var.vpc_id
  target_type = "ip"

  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = local.tags
}

resource "aws_lb_listener" "{{W}}" {
  load_balancer_arn = aws_lb.{{W}}.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:aws:acm:eu-west-1:111111111111:certificate/0b0c2a4e-1f2d-4c3b-9a8e-7d6f5e4c3b2a"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.{{W}}.arn
  }
}

# Health and metrics paths are not served through the load balancer.
resource "aws_lb_listener_rule" "{{W}}_internal_paths" {
  listener_arn = aws_lb_listener.{{W}}.arn
  priority     = 10

  action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "not found"
      status_code  = "404"
    }
  }

  condition {
    path_pattern {
      values = ["/metrics", "/debug/*"]
    }
  }
}
"#;

const COMP_QUEUE: &str = r#"# {{W}}: the work queue of {{SERVICE}} {{W}} and its dead-letter queue.
# {{WHY}}

resource "aws_sqs_queue" "{{W}}_dlq" {
  name                      = "${local.name}-{{W}}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true

  tags = local.tags
}

resource "aws_sqs_queue" "{{W}}" {
  name                       = "${local.name}-{{W}}"
  visibility_timeout_seconds = {{VISIBILITY}}
  message_retention_seconds  = 345600
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.{{W}}_dlq.arn
    maxReceiveCount     = local.is_prod ? 5 : 2
  })

  tags = merge(local.tags, {
    Name = "${local.name}-{{W}}"
  })
}

resource "aws_sqs_queue_policy" "{{W}}" {
  queue_url = aws_sqs_queue.{{W}}.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ServiceRoleSendReceive"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.app.arn }
        Action    = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        Resource  = aws_sqs_queue.{{W}}.arn
      },
    ]
  })
}

# Events of the service fan out to the queue through a topic.
resource "aws_sns_topic" "{{W}}_events" {
  name = "${local.name}-{{W}}-events"

  tags = local.tags
}

resource "aws_sns_topic_subscription" "{{W}}_queue" {
  topic_arn            = aws_sns_topic.{{W}}_events.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.{{W}}.arn
  raw_message_delivery = true
}

resource "aws_cloudwatch_metric_alarm" "{{W}}_age" {
  count = var.alarms_enabled ? 1 : 0

  alarm_name          = "${local.name}-{{W}}-oldest-message"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = {{VISIBILITY}} * 10
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [module.alarms[0].topic_arn]

  dimensions = {
    QueueName = aws_sqs_queue.{{W}}.name
  }

  tags = local.tags
}
"#;

const COMP_BUCKET: &str = r#"# {{W}}: a private, versioned bucket for {{SERVICE}}'s {{W}} data.
# {{WHY}}

resource "aws_s3_bucket" "{{W}}" {
  bucket = lower(format("acme-%s-{{W}}", local.name))

  tags = merge(local.tags, {
    Name = "${local.name}-{{W}}"
    Data = "internal"
  })
}

resource "aws_s3_bucket_versioning" "{{W}}" {
  bucket = aws_s3_bucket.{{W}}.id

  versioning_configuration {
    status = local.is_prod ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_public_access_block" "{{W}}" {
  bucket                  = aws_s3_bucket.{{W}}.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "{{W}}" {
  bucket = aws_s3_bucket.{{W}}.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

# Refuse plain-HTTP access and writes that are not encrypted with the bucket key.
resource "aws_s3_bucket_policy" "{{W}}" {
  bucket = aws_s3_bucket.{{W}}.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.{{W}}.arn, "${aws_s3_bucket.{{W}}.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "ServiceReadWrite"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.app.arn }
        Action    = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]
        Resource  = [aws_s3_bucket.{{W}}.arn, "${aws_s3_bucket.{{W}}.arn}/*"]
      },
    ]
  })
}

resource "aws_s3_bucket_lifecycle_configuration" "{{W}}" {
  bucket = aws_s3_bucket.{{W}}.id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = local.is_prod ? 90 : 7
    }
  }
}
"#;

const COMP_PARAMS: &str = r#"# {{W}}: settings of {{SERVICE}} {{W}} in Parameter Store, read by the hosts at
# boot. {{WHY}}

resource "aws_ssm_parameter" "{{W}}_database_url" {
  name        = "/${var.environment}/${var.name}/{{W}}/database-url"
  description = "Connection string of {{SERVICE}} {{W}}"
  type        = "SecureString"
  value       = local.database_url

  tags = local.tags
}

resource "aws_ssm_parameter" "{{W}}_settings" {
  name        = "/${var.environment}/${var.name}/{{W}}/settings"
  description = "Runtime settings of {{SERVICE}} {{W}}"
  type        = "String"
  value = jsonencode({
    log_level    = local.log_level
    public_host  = local.fqdn
    metrics_port = local.metrics_port
    features     = local.is_prod ? ["stable"] : ["stable", "preview"]
  })

  tags = local.tags
}

# The database password as a secret as well, for the services that read it
# through the Secrets Manager SDK rather than Parameter Store.
resource "aws_secretsmanager_secret" "{{W}}_db" {
  name                    = "${var.environment}/${var.name}/{{W}}/db"
  description             = "Database credentials of {{SERVICE}} {{W}}"
  recovery_window_in_days = local.is_prod ? 30 : 0

  tags = local.tags
}

resource "aws_secretsmanager_secret_version" "{{W}}_db" {
  secret_id = aws_secretsmanager_secret.{{W}}_db.id
  secret_string = jsonencode({
    engine   = "postgres"
    host     = var.db_address
    port     = 5432
    username = local.db_name
    password = var.db_password
    dbname   = local.db_name
  })
}

resource "aws_ssm_parameter" "{{W}}_peers" {
  name        = "/${var.environment}/${var.name}/{{W}}/trusted-peers"
  description = "Services allowed to call {{SERVICE}} {{W}}"
  type        = "StringList"
  value       = length(var.trusted_security_group_ids) > 0 ? join(",", [for peer, id in var.trusted_security_group_ids : peer]) : "none"

  tags = local.tags
}
"#;
