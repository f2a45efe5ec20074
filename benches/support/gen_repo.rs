#![allow(dead_code)]
//! Deterministic generator of large, realistic repositories of Terraform stacks,
//! source and state, for benchmarks of `envwall audit DIR` and for trying it on
//! realistic sizes.
//!
//! The repository is shaped like an AWS platform monorepo:
//! - `modules/vpc`, `modules/rds` and `modules/service`: shared local modules (a VPC
//!   with public, private and data subnets per zone, NAT, routing and flow logs;
//!   PostgreSQL on RDS with its security group, parameter group and alarm; one Lambda
//!   component with its role, log group, security group, egress rules and queue);
//! - network stacks, `live/<env>/<region>/network[-shared|-edge|...]`: one VPC
//!   each (through `modules/vpc`), a distinct `/16` per stack (production in
//!   `10.10–69`, staging `10.70–129`, development `10.130–`), gateway and interface
//!   endpoints, a private Route 53 zone and its records;
//! - app stacks, `live/<env>/<region>/<service>` or (a quarter of the services, an
//!   older layout) `envs/<env>/<service>`, each service deployed to prod, staging and
//!   dev in turn: `data "terraform_remote_state" "network"` (S3 backend, the bucket
//!   and key the network stack's `backend.tf` declares) for the VPC, subnets and
//!   range; `module "db"` (`modules/rds`); `module "service"` with `for_each` over
//!   the service's components (`api`, `worker`, ...), whose Lambdas get a
//!   `DATABASE_URL` naming the database through `module.db.address`; ingress rules
//!   from each component to the database; an internal load balancer for `api`. A
//!   third of the services also read an earlier service's state (same environment,
//!   same VPC) and admit its `api` security group. Left-over resources are SSM
//!   parameters (`for_each`).
//!
//! Every stack has `backend.tf` (S3 backend with bucket and key, AWS provider with
//! `default_tags`), `variables.tf`, `main.tf`, `outputs.tf` and `terraform.tfvars`,
//! and beside them the raw state v4 `terraform.tfstate` Terraform would keep after
//! applying it (Terraform 1.11, AWS provider 5.x): resources sorted by module, mode,
//! type and name, instances keyed as `count`/`for_each` key them, attributes as the
//! provider stores them (sorted, with the ids, ARNs, endpoints, ranges and host
//! names AWS assigns), `sensitive_attributes`, `dependencies`, and root outputs.
//! About 1% of the state's objects are no longer in the source (pending removal: an
//! old log group or parameter), and one stack in 25 declares a topic that is not
//! applied yet (the state is older than the source); `envwall audit` warns about
//! both, and about nothing else.
//!
//! Cross-environment links are planted on purpose, `max(3, stacks / 10)` of them,
//! one finding each, in turn: a production database rule whose `cidr_blocks` is a
//! staging VPC's range (EW101); a staging Lambda whose connection string names a
//! production database's host (EW202); a staging VPC peered with a production VPC
//! found by `data "aws_vpc"` filtered on its `Name` and `Environment` tags (EW103);
//! a production database rule admitting the `/32` of a staging NAT gateway's
//! elastic IP, written out (EW101: the address is staging's, not the internet's);
//! a staging Lambda naming a production app's queue by its literal URL (EW202:
//! the URL's path is the queue, its host every queue's), beside a partner's topic
//! ARN in an account no environment lists and the shared SQS host (no finding).
//! Every app's `QUEUE_URL` names its own queue, and every network's NAT addresses
//! are its own: links by identity and by owned address that must stay in their
//! environment. Last, a production deploy role whose trust policy admits a staging
//! app's role (EW401), beside its own app's role and the organisation narrowed by
//! `aws:PrincipalOrgID` (no finding).
//! Every other link stays inside its environment.
//!
//! The states hold exactly the requested number of resource instances (managed
//! and data), spread over the stacks (network stacks get somewhat fewer), unless a
//! stack's fixed core (about 25–50 instances) is more than its share. Network
//! stacks are `stacks / 20` (at least 5).
//!
//! std only; no `crate::` paths (the file is included with `#[path]`).

#[path = "gen_common.rs"]
mod gen_common;

use gen_common::{Rng, fill, fnv, mix};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// What [`write_repo`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RepoStats {
    /// Stacks (root modules with a state beside them).
    pub stacks: usize,
    /// Of which network stacks.
    pub network_stacks: usize,
    /// `.tf` files, stacks' and modules'.
    pub tf_files: usize,
    /// Bytes of source: `.tf` and `terraform.tfvars` files.
    pub source_bytes: u64,
    /// Bytes of `terraform.tfstate` files.
    pub state_bytes: u64,
    /// Resource instances (managed and data) in the states.
    pub resources: usize,
    /// Of which no longer in the source (pending removal).
    pub pending_removal: usize,
    /// Resource instances declared in the source and not in the state yet.
    pub unapplied: usize,
    /// Cross-environment links planted, each one finding.
    pub cross_env_links: usize,
    /// Warnings `envwall audit` gives: one per state with objects pending removal,
    /// one per state older than its source.
    pub warnings: usize,
}

/// Changes whenever the generator writes something else for the same arguments.
pub const VERSION: u32 = 4;

impl RepoStats {
    /// `name value` lines, read back by [`RepoStats::parse`].
    pub fn to_text(self) -> String {
        let fields = [
            ("stacks", self.stacks as u64),
            ("network_stacks", self.network_stacks as u64),
            ("tf_files", self.tf_files as u64),
            ("source_bytes", self.source_bytes),
            ("state_bytes", self.state_bytes),
            ("resources", self.resources as u64),
            ("pending_removal", self.pending_removal as u64),
            ("unapplied", self.unapplied as u64),
            ("cross_env_links", self.cross_env_links as u64),
            ("warnings", self.warnings as u64),
        ];
        fields.iter().map(|(k, v)| format!("{k} {v}\n")).collect()
    }

    /// Reads what [`RepoStats::to_text`] wrote.
    pub fn parse(text: &str) -> Option<RepoStats> {
        let mut s = RepoStats::default();
        for line in text.lines() {
            let (k, v) = line.split_once(' ')?;
            let v: u64 = v.parse().ok()?;
            match k {
                "stacks" => s.stacks = v as usize,
                "network_stacks" => s.network_stacks = v as usize,
                "tf_files" => s.tf_files = v as usize,
                "source_bytes" => s.source_bytes = v,
                "state_bytes" => s.state_bytes = v,
                "resources" => s.resources = v as usize,
                "pending_removal" => s.pending_removal = v as usize,
                "unapplied" => s.unapplied = v as usize,
                "cross_env_links" => s.cross_env_links = v as usize,
                "warnings" => s.warnings = v as usize,
                _ => return None,
            }
        }
        Some(s)
    }
}

/// Writes a generated repository of `stacks` stacks whose states hold `resources`
/// resource instances under `dir`, which is created if needed. Files already there
/// with the same names are overwritten; others are left alone.
pub fn write_repo(dir: &Path, stacks: usize, resources: usize, seed: u64) -> io::Result<RepoStats> {
    let plan = Plan::new(stacks, resources, seed);
    let mut w = Writer { root: dir, stats: RepoStats::default() };
    w.stats.cross_env_links = plan.apps.iter().map(|a| a.plants.len()).sum();
    for (name, files) in MODULES {
        for (file, text) in *files {
            w.file(&format!("modules/{name}/{file}"), text)?;
        }
    }
    let mut nets = Vec::with_capacity(plan.nets.len());
    for (i, net) in plan.nets.iter().enumerate() {
        nets.push(write_network(&mut w, net, Rng(mix(seed, i as u64)))?);
    }
    let mut apps: Vec<AppOut> = Vec::with_capacity(plan.apps.len());
    for (i, app) in plan.apps.iter().enumerate() {
        let rng = Rng(mix(seed, (plan.nets.len() + i) as u64));
        let out = write_app(&mut w, &plan, app, &nets, &apps, rng)?;
        apps.push(out);
    }
    w.stats.stacks = plan.nets.len() + plan.apps.len();
    w.stats.network_stacks = plan.nets.len();
    Ok(w.stats)
}

// ---------------------------------------------------------------------------------------
// PRNG, templates, output
// ---------------------------------------------------------------------------------------

impl Rng {
    fn chars(&mut self, n: usize, alphabet: &[u8]) -> String {
        (0..n).map(|_| alphabet[self.below(alphabet.len() as u64) as usize] as char).collect()
    }
    fn hex(&mut self, n: usize) -> String {
        self.chars(n, b"0123456789abcdef")
    }
    /// An EC2-style id: `vpc-0` and 16 hex digits.
    fn aws(&mut self, prefix: &str) -> String {
        format!("{prefix}-0{}", self.hex(16))
    }
    fn upper(&mut self, n: usize) -> String {
        self.chars(n, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    }
    fn digits(&mut self, n: usize) -> String {
        self.chars(n, b"0123456789")
    }
    fn uuid(&mut self) -> String {
        format!("{}-{}-4{}-a{}-{}", self.hex(8), self.hex(4), self.hex(3), self.hex(3), self.hex(12))
    }
    /// A time in 2024, as AWS reports them.
    fn time(&mut self) -> String {
        let (m, d) = (1 + self.below(12), 1 + self.below(28));
        let (h, mi, s) = (self.below(24), self.below(60), self.below(60));
        format!("2024-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
    fn public_ip(&mut self) -> String {
        let first = self.pick(&[3, 18, 34, 52, 54]);
        format!("{first}.{}.{}.{}", self.below(256), self.below(256), 1 + self.below(254))
    }
}

struct Writer<'a> {
    root: &'a Path,
    stats: RepoStats,
}

impl Writer<'_> {
    fn file(&mut self, rel: &str, text: &str) -> io::Result<()> {
        gen_common::write_file(self.root, rel, text)?;
        if rel.ends_with(".tfstate") {
            self.stats.state_bytes += text.len() as u64;
        } else {
            self.stats.source_bytes += text.len() as u64;
        }
        if rel.ends_with(".tf") {
            self.stats.tf_files += 1;
        }
        Ok(())
    }

    fn state(&mut self, rel: &str, state: &State, serial: u64, lineage: &str) -> io::Result<()> {
        self.stats.resources += state.instances();
        let mut b = String::with_capacity(state.instances() * 3000 + 4096);
        state.write(&mut b, serial, lineage);
        self.file(rel, &b)
    }
}

// ---------------------------------------------------------------------------------------
// JSON values, written as Terraform writes state (Go's MarshalIndent, two spaces)
// ---------------------------------------------------------------------------------------

enum J {
    Null,
    B(bool),
    N(i64),
    S(String),
    A(Vec<J>),
    O(Vec<(String, J)>),
}

fn s(x: impl Into<String>) -> J {
    J::S(x.into())
}
fn n(x: i64) -> J {
    J::N(x)
}
fn b(x: bool) -> J {
    J::B(x)
}
fn strs<S: AsRef<str>>(xs: &[S]) -> J {
    J::A(xs.iter().map(|x| s(x.as_ref())).collect())
}
fn empty() -> J {
    J::A(Vec::new())
}
/// An object with sorted keys (cty objects and Go maps marshal sorted).
fn sorted(mut kv: Vec<(String, J)>) -> J {
    kv.sort_by(|a, b| a.0.cmp(&b.0));
    J::O(kv)
}
fn string_map(kv: &[(String, String)]) -> J {
    sorted(kv.iter().map(|(k, v)| (k.clone(), s(v.as_str()))).collect())
}

/// An object with sorted keys.
macro_rules! obj {
    ($($k:expr => $v:expr),* $(,)?) => { sorted(vec![$(($k.to_string(), $v)),*]) };
}

/// `vec![("key".to_string(), value), ...]`, attributes to be tagged.
macro_rules! attrs {
    ($($k:expr => $v:expr),* $(,)?) => { vec![$(($k.to_string(), $v)),*] };
}

impl J {
    fn dup(&self) -> J {
        match self {
            J::Null => J::Null,
            J::B(x) => J::B(*x),
            J::N(x) => J::N(*x),
            J::S(x) => J::S(x.clone()),
            J::A(xs) => J::A(xs.iter().map(J::dup).collect()),
            J::O(kv) => J::O(kv.iter().map(|(k, v)| (k.clone(), v.dup())).collect()),
        }
    }
    fn text(&self, key: &str) -> String {
        match self {
            J::O(kv) => match kv.iter().find(|(k, _)| k == key) {
                Some((_, J::S(x))) => x.clone(),
                _ => String::new(),
            },
            _ => String::new(),
        }
    }
}

fn esc(b: &mut String, x: &str) {
    b.push('"');
    for ch in x.chars() {
        match ch {
            '"' => b.push_str("\\\""),
            '\\' => b.push_str("\\\\"),
            '\n' => b.push_str("\\n"),
            '\t' => b.push_str("\\t"),
            // Go's encoding/json escapes these by default.
            '<' => b.push_str("\\u003c"),
            '>' => b.push_str("\\u003e"),
            '&' => b.push_str("\\u0026"),
            c if (c as u32) < 0x20 => {
                let _ = write!(b, "\\u{:04x}", c as u32);
            }
            c => b.push(c),
        }
    }
    b.push('"');
}

fn newline(b: &mut String, depth: usize) {
    b.push('\n');
    for _ in 0..depth {
        b.push_str("  ");
    }
}

fn wj(b: &mut String, v: &J, depth: usize) {
    match v {
        J::Null => b.push_str("null"),
        J::B(x) => b.push_str(if *x { "true" } else { "false" }),
        J::N(x) => {
            let _ = write!(b, "{x}");
        }
        J::S(x) => esc(b, x),
        J::A(xs) if xs.is_empty() => b.push_str("[]"),
        J::A(xs) => {
            b.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    b.push(',');
                }
                newline(b, depth + 1);
                wj(b, x, depth + 1);
            }
            newline(b, depth);
            b.push(']');
        }
        J::O(kv) if kv.is_empty() => b.push_str("{}"),
        J::O(kv) => {
            b.push('{');
            for (i, (k, x)) in kv.iter().enumerate() {
                if i > 0 {
                    b.push(',');
                }
                newline(b, depth + 1);
                esc(b, k);
                b.push_str(": ");
                wj(b, x, depth + 1);
            }
            newline(b, depth);
            b.push('}');
        }
    }
}

// ---------------------------------------------------------------------------------------
// Raw state v4
// ---------------------------------------------------------------------------------------

const AWS: &str = "provider[\"registry.terraform.io/hashicorp/aws\"]";
const BUILTIN: &str = "provider[\"terraform.io/builtin/terraform\"]";

enum Key {
    None,
    Index(usize),
    Name(String),
}

struct Inst {
    key: Key,
    attrs: J,
    /// Paths of sensitive values, as `sensitive_attributes` lists them.
    sensitive: Vec<J>,
    deps: Vec<String>,
}

struct Res {
    module: String,
    data: bool,
    kind: &'static str,
    name: String,
    schema: i64,
    instances: Vec<Inst>,
}

#[derive(Default)]
struct State {
    resources: Vec<Res>,
    /// Root outputs: name, value, type.
    outputs: Vec<(String, J, J)>,
}

fn owned(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|x| (*x).to_owned()).collect()
}

impl State {
    fn instances(&self) -> usize {
        self.resources.iter().map(|r| r.instances.len()).sum()
    }

    fn push(&mut self, module: &str, data: bool, kind: &'static str, name: &str, schema: i64, instances: Vec<Inst>) {
        self.resources.push(Res { module: module.to_owned(), data, kind, name: name.to_owned(), schema, instances });
    }

    /// A resource of one instance.
    fn one(&mut self, module: &str, kind: &'static str, name: &str, schema: i64, attrs: J, deps: &[&str]) {
        let inst = Inst { key: Key::None, attrs, sensitive: Vec::new(), deps: owned(deps) };
        self.push(module, false, kind, name, schema, vec![inst]);
    }

    /// A data source.
    fn data(&mut self, kind: &'static str, name: &str, attrs: J) {
        let inst = Inst { key: Key::None, attrs, sensitive: Vec::new(), deps: Vec::new() };
        self.push("", true, kind, name, 0, vec![inst]);
    }

    /// A resource with `count` instances.
    fn counted(&mut self, module: &str, kind: &'static str, name: &str, schema: i64, attrs: Vec<J>, deps: &[&str]) {
        let instances = attrs
            .into_iter()
            .enumerate()
            .map(|(i, attrs)| Inst { key: Key::Index(i), attrs, sensitive: Vec::new(), deps: owned(deps) })
            .collect();
        self.push(module, false, kind, name, schema, instances);
    }

    /// A resource with `for_each` instances (sorted by key, as Terraform keeps them).
    fn keyed(
        &mut self,
        module: &str,
        kind: &'static str,
        name: &str,
        schema: i64,
        mut attrs: Vec<(String, J)>,
        deps: &[&str],
    ) {
        attrs.sort_by(|a, b| a.0.cmp(&b.0));
        let instances = attrs
            .into_iter()
            .map(|(k, attrs)| Inst { key: Key::Name(k), attrs, sensitive: Vec::new(), deps: owned(deps) })
            .collect();
        self.push(module, false, kind, name, schema, instances);
    }

    /// Marks `path` of every instance of the last resource sensitive.
    fn sensitive(&mut self, path: fn() -> J) {
        if let Some(r) = self.resources.last_mut() {
            for i in &mut r.instances {
                i.sensitive.push(path());
            }
        }
    }

    fn write(&self, b: &mut String, serial: u64, lineage: &str) {
        let mut order: Vec<&Res> = self.resources.iter().collect();
        order.sort_by(|x, y| (&x.module, !x.data, x.kind, &x.name).cmp(&(&y.module, !y.data, y.kind, &y.name)));
        let _ = write!(b, "{{\n  \"version\": 4,\n  \"terraform_version\": \"1.11.4\",\n  \"serial\": {serial},\n");
        let _ = write!(b, "  \"lineage\": \"{lineage}\",\n  \"outputs\": ");
        let mut outputs: Vec<&(String, J, J)> = self.outputs.iter().collect();
        outputs.sort_by(|x, y| x.0.cmp(&y.0));
        if outputs.is_empty() {
            b.push_str("{}");
        } else {
            b.push('{');
            for (i, (name, value, kind)) in outputs.iter().enumerate() {
                if i > 0 {
                    b.push(',');
                }
                newline(b, 2);
                esc(b, name);
                b.push_str(": {");
                newline(b, 3);
                b.push_str("\"value\": ");
                wj(b, value, 3);
                b.push(',');
                newline(b, 3);
                b.push_str("\"type\": ");
                wj(b, kind, 3);
                newline(b, 2);
                b.push('}');
            }
            newline(b, 1);
            b.push('}');
        }
        b.push_str(",\n  \"resources\": [");
        for (i, r) in order.iter().enumerate() {
            if i > 0 {
                b.push(',');
            }
            b.push_str("\n    {");
            if !r.module.is_empty() {
                b.push_str("\n      \"module\": ");
                esc(b, &r.module);
                b.push(',');
            }
            let mode = if r.data { "data" } else { "managed" };
            let _ = write!(
                b,
                "\n      \"mode\": \"{mode}\",\n      \"type\": \"{}\",\n      \"name\": \"{}\",",
                r.kind, r.name
            );
            match r.instances.first().map(|i| &i.key) {
                Some(Key::Index(_)) => b.push_str("\n      \"each\": \"list\","),
                Some(Key::Name(_)) => b.push_str("\n      \"each\": \"map\","),
                _ => {}
            }
            b.push_str("\n      \"provider\": ");
            esc(b, if r.kind == "terraform_remote_state" { BUILTIN } else { AWS });
            b.push_str(",\n      \"instances\": [");
            for (j, inst) in r.instances.iter().enumerate() {
                if j > 0 {
                    b.push(',');
                }
                b.push_str("\n        {");
                match &inst.key {
                    Key::None => {}
                    Key::Index(k) => {
                        let _ = write!(b, "\n          \"index_key\": {k},");
                    }
                    Key::Name(k) => {
                        b.push_str("\n          \"index_key\": ");
                        esc(b, k);
                        b.push(',');
                    }
                }
                let _ = write!(b, "\n          \"schema_version\": {},\n          \"attributes\": ", r.schema);
                wj(b, &inst.attrs, 5);
                b.push_str(",\n          \"sensitive_attributes\": ");
                wj(b, &J::A(inst.sensitive.iter().map(J::dup).collect()), 5);
                if !r.data {
                    let private = match r.schema {
                        0 => "bnVsbA==",
                        1 => "eyJzY2hlbWFfdmVyc2lvbiI6IjEifQ==",
                        _ => "eyJzY2hlbWFfdmVyc2lvbiI6IjIifQ==",
                    };
                    let _ = write!(b, ",\n          \"private\": \"{private}\"");
                }
                if !inst.deps.is_empty() {
                    let mut deps = inst.deps.clone();
                    deps.sort();
                    b.push_str(",\n          \"dependencies\": ");
                    wj(b, &strs(&deps), 5);
                }
                b.push_str("\n        }");
            }
            b.push_str("\n      ]\n    }");
        }
        b.push_str("\n  ],\n  \"check_results\": null\n}\n");
    }
}

fn attr_path(name: &'static str) -> J {
    J::A(vec![obj! { "type" => s("get_attr"), "value" => s(name) }])
}

fn env_var_path(key: &'static str) -> J {
    J::A(vec![
        obj! { "type" => s("get_attr"), "value" => s("environment") },
        obj! { "type" => s("index"), "value" => obj! { "type" => s("number"), "value" => n(0) } },
        obj! { "type" => s("get_attr"), "value" => s("variables") },
        obj! { "type" => s("index"), "value" => obj! { "type" => s("string"), "value" => s(key) } },
    ])
}

fn tuple_of_strings(len: usize) -> J {
    J::A(vec![s("tuple"), J::A((0..len).map(|_| s("string")).collect())])
}

fn object_of_strings(kv: &[(String, String)]) -> J {
    J::A(vec![s("object"), sorted(kv.iter().map(|(k, _)| (k.clone(), s("string"))).collect())])
}

// ---------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Env {
    Prod,
    Staging,
    Dev,
}

impl Env {
    fn name(self) -> &'static str {
        match self {
            Env::Prod => "prod",
            Env::Staging => "staging",
            Env::Dev => "dev",
        }
    }
    fn account(self) -> &'static str {
        match self {
            Env::Prod => "482913570164",
            Env::Staging => "593024681275",
            Env::Dev => "604135792386",
        }
    }
    /// Second octet of the environment's first VPC.
    fn octet(self) -> usize {
        match self {
            Env::Prod => 10,
            Env::Staging => 70,
            Env::Dev => 130,
        }
    }
    fn azs(self) -> usize {
        if self == Env::Dev { 2 } else { 3 }
    }
    fn nat(self) -> bool {
        self != Env::Dev
    }
    fn bucket(self) -> String {
        format!("acme-terraform-state-{}", self.name())
    }
}

/// The (environment, region) of the network stacks, in the order they are added.
const NETWORKS: [(Env, &str); 10] = [
    (Env::Prod, "eu-west-1"),
    (Env::Staging, "eu-west-1"),
    (Env::Dev, "eu-west-1"),
    (Env::Prod, "us-east-1"),
    (Env::Staging, "us-east-1"),
    (Env::Prod, "ap-southeast-2"),
    (Env::Staging, "ap-southeast-2"),
    (Env::Dev, "us-east-1"),
    (Env::Prod, "eu-central-1"),
    (Env::Staging, "eu-central-1"),
];
const NETWORK_NAMES: [&str; 5] = ["network", "network-shared", "network-edge", "network-data", "network-partner"];
const SERVICES: [&str; 32] = [
    "orders",
    "payments",
    "catalog",
    "search",
    "billing",
    "inventory",
    "shipping",
    "identity",
    "notifications",
    "reporting",
    "ledger",
    "checkout",
    "pricing",
    "reviews",
    "media",
    "accounts",
    "gateway",
    "analytics",
    "fraud",
    "loyalty",
    "recommendations",
    "subscriptions",
    "invoicing",
    "tax",
    "returns",
    "warehouse",
    "fulfilment",
    "messaging",
    "scheduling",
    "documents",
    "onboarding",
    "compliance",
];
const TEAMS: [&str; 6] = ["commerce", "finance", "platform", "growth", "logistics", "core"];
const COMPONENTS: [&str; 16] = [
    "api",
    "worker",
    "scheduler",
    "events",
    "admin",
    "webhooks",
    "exporter",
    "importer",
    "notifier",
    "reconciler",
    "indexer",
    "projector",
    "sync",
    "cron",
    "backfill",
    "archiver",
];
const ENDPOINTS: [&str; 20] = [
    "ec2",
    "ec2messages",
    "ecr.api",
    "ecr.dkr",
    "elasticloadbalancing",
    "events",
    "execute-api",
    "kms",
    "lambda",
    "logs",
    "monitoring",
    "rds",
    "secretsmanager",
    "sns",
    "sqs",
    "ssm",
    "ssmmessages",
    "states",
    "sts",
    "xray",
];
const HOSTS: [&str; 10] =
    ["bastion", "vpn", "ldap", "ntp", "proxy", "resolver", "jumpbox", "build-cache", "artifacts", "smtp-relay"];
const PARAMETERS: [(&str, &str); 9] = [
    ("log-level", "info"),
    ("page-size", "50"),
    ("batch-size", "100"),
    ("retry-limit", "5"),
    ("cache-ttl-seconds", "300"),
    ("rate-limit", "1000"),
    ("timeout-ms", "3000"),
    ("max-connections", "20"),
    ("pool-size", "10"),
];
/// Every environment's state bucket is in this region.
const STATE_REGION: &str = "eu-west-1";

struct Net {
    env: Env,
    region: &'static str,
    /// `prod-eu-west-1`, `prod-eu-west-1-shared`: the VPC's `Name` tag.
    label: String,
    path: String,
    cidr: String,
    budget: usize,
    pending: usize,
    unapplied: bool,
}

#[derive(Clone, Copy)]
enum Plant {
    /// A database rule admitting this staging network's range.
    StagingRange(usize),
    /// A Lambda naming this production app's database host.
    ProdHost(usize),
    /// A peering with this production network, found by its tags.
    ProdPeering(usize),
    /// A database rule admitting this staging network's NAT address.
    StagingNat(usize),
    /// A Lambda naming this production app's first queue by its literal URL.
    ProdQueue(usize),
    /// A deploy role trusting this staging app's API role.
    StagingRole(usize),
}

struct App {
    env: Env,
    net: usize,
    service: String,
    team: &'static str,
    path: String,
    /// The relative path to `modules/`.
    up: &'static str,
    budget: usize,
    pending: usize,
    unapplied: bool,
    /// An earlier app (same environment and VPC) whose state this one reads.
    reads: Option<usize>,
    plants: Vec<Plant>,
}

impl App {
    fn name(&self) -> String {
        format!("{}-{}", self.service, self.env.name())
    }
    /// The database's host name: identifier, the account's and region's RDS
    /// cluster id, region.
    fn db_address(&self, plan: &Plan) -> String {
        let region = plan.nets[self.net].region;
        let mut rng = Rng(mix(plan.seed, fnv(&format!("{}{region}", self.env.account()))));
        let cluster = rng.chars(12, b"abcdefghijklmnopqrstuvwxyz0123456789");
        format!("{}.{cluster}.{region}.rds.amazonaws.com", self.name())
    }
    fn db_name(&self) -> String {
        self.service.replace('-', "_")
    }
}

struct Plan {
    seed: u64,
    nets: Vec<Net>,
    apps: Vec<App>,
}

impl Plan {
    fn new(stacks: usize, resources: usize, seed: u64) -> Plan {
        let n_nets = (stacks / 20).clamp(5, 60).min(stacks);
        let mut nets = Vec::with_capacity(n_nets);
        let mut per_env = [0usize; 3];
        for k in 0..n_nets {
            let (env, region) = NETWORKS[k % NETWORKS.len()];
            let tier = k / NETWORKS.len();
            let name = NETWORK_NAMES.get(tier).map_or_else(|| format!("network-{tier}"), |n| (*n).to_owned());
            let label = match name.strip_prefix("network-") {
                Some(suffix) => format!("{}-{region}-{suffix}", env.name()),
                None => format!("{}-{region}", env.name()),
            };
            let octet = env.octet() + per_env[env as usize];
            per_env[env as usize] += 1;
            nets.push(Net {
                env,
                region,
                label,
                path: format!("live/{}/{region}/{name}", env.name()),
                cidr: format!("10.{octet}.0.0/16"),
                budget: 0,
                pending: 0,
                unapplied: false,
            });
        }
        let mut apps: Vec<App> = Vec::with_capacity(stacks - n_nets);
        for i in 0..stacks - n_nets {
            let app_no = i / 3;
            let env = [Env::Prod, Env::Staging, Env::Dev][i % 3];
            let round = app_no / SERVICES.len();
            let base = SERVICES[app_no % SERVICES.len()];
            let service = if round == 0 { base.to_owned() } else { format!("{base}-{}", round + 1) };
            let env_nets: Vec<usize> = (0..nets.len()).filter(|&k| nets[k].env == env).collect();
            let net = env_nets[app_no % env_nets.len()];
            let (path, up) = if app_no % 4 == 3 {
                (format!("envs/{}/{service}", env.name()), "../../../modules")
            } else {
                (format!("live/{}/{}/{service}", env.name(), nets[net].region), "../../../../modules")
            };
            let reads = if app_no % 3 == 1 { apps.iter().rposition(|a| a.env == env && a.net == net) } else { None };
            apps.push(App {
                env,
                net,
                service,
                team: TEAMS[app_no % TEAMS.len()],
                path,
                up,
                budget: 0,
                pending: 0,
                unapplied: false,
                reads,
                plants: Vec::new(),
            });
        }
        let mut plan = Plan { seed, nets, apps };
        plan.budgets(resources, seed);
        plan.plant(stacks);
        plan
    }

    /// Shares `resources` out: network stacks weigh 0.6, apps 0.5–1.5 at random;
    /// 1% of them are pending removal; one stack in 25 has a resource not applied.
    fn budgets(&mut self, resources: usize, seed: u64) {
        let mut rng = Rng(seed ^ 0xB0D6_E75E_ED00_0001);
        let weights: Vec<u64> =
            (0..self.nets.len()).map(|_| 60).chain((0..self.apps.len()).map(|_| 50 + rng.below(101))).collect();
        let total: u64 = weights.iter().sum::<u64>().max(1);
        let mut budgets: Vec<usize> =
            weights.iter().map(|&w| (resources as u128 * u128::from(w) / u128::from(total)) as usize).collect();
        let len = budgets.len().max(1);
        let short = resources.saturating_sub(budgets.iter().sum::<usize>());
        for i in 0..short {
            budgets[(self.nets.len() + i) % len] += 1;
        }
        let pending = resources.div_ceil(100);
        for (j, budget) in budgets.into_iter().enumerate() {
            let p = (j + 1) * pending / len - j * pending / len;
            let u = j % 25 == 12;
            match j.checked_sub(self.nets.len()) {
                None => (self.nets[j].budget, self.nets[j].pending, self.nets[j].unapplied) = (budget, p, u),
                Some(a) => (self.apps[a].budget, self.apps[a].pending, self.apps[a].unapplied) = (budget, p, u),
            }
        }
    }

    /// `max(3, stacks / 10)` cross-environment links, by kind in turn.
    fn plant(&mut self, stacks: usize) {
        let apps_of = |env: Env| -> Vec<usize> { (0..self.apps.len()).filter(|&a| self.apps[a].env == env).collect() };
        let nets_of = |env: Env| -> Vec<usize> { (0..self.nets.len()).filter(|&k| self.nets[k].env == env).collect() };
        let (prod_apps, staging_apps) = (apps_of(Env::Prod), apps_of(Env::Staging));
        let (prod_nets, staging_nets) = (nets_of(Env::Prod), nets_of(Env::Staging));
        if prod_apps.is_empty() || staging_apps.is_empty() || prod_nets.is_empty() || staging_nets.is_empty() {
            return;
        }
        let mut used = [0usize; 6];
        // Each peering joins its own pair of VPCs (a second peering of the same pair
        // gets no finding of its own).
        let mut peered: Vec<(usize, usize)> = Vec::new();
        for k in 0..(stacks / 10).max(3) {
            let i = used[k % 6];
            used[k % 6] += 1;
            let (host, plant) = match k % 6 {
                0 => (prod_apps[i % prod_apps.len()], Plant::StagingRange(staging_nets[i % staging_nets.len()])),
                1 => (staging_apps[i % staging_apps.len()], Plant::ProdHost(prod_apps[(i * 7 + 3) % prod_apps.len()])),
                3 => {
                    let host = prod_apps[(i * 3 + 1) % prod_apps.len()];
                    (host, Plant::StagingNat(staging_nets[(i + 1) % staging_nets.len()]))
                }
                4 => {
                    let host = staging_apps[(i * 5 + 2) % staging_apps.len()];
                    (host, Plant::ProdQueue(prod_apps[(i * 3 + 2) % prod_apps.len()]))
                }
                5 => {
                    let host = prod_apps[(i * 5 + 4) % prod_apps.len()];
                    (host, Plant::StagingRole(staging_apps[(i * 3 + 1) % staging_apps.len()]))
                }
                _ => {
                    let host = staging_apps[staging_apps.len() - 1 - i % staging_apps.len()];
                    let from = self.apps[host].net;
                    let to = (0..prod_nets.len())
                        .map(|t| prod_nets[(i + t) % prod_nets.len()])
                        .find(|&to| !peered.contains(&(from, to)))
                        .unwrap_or(prod_nets[i % prod_nets.len()]);
                    peered.push((from, to));
                    (host, Plant::ProdPeering(to))
                }
            };
            self.apps[host].plants.push(plant);
        }
    }
}

/// A stack's `backend.tf`.
fn backend_tf(env: Env, path: &str) -> String {
    fill(BACKEND, &[("BUCKET", &env.bucket()), ("PATH", path), ("REGION", STATE_REGION), ("ENV", env.name())])
}

/// What every stack's resources are tagged with by the provider.
fn default_tags(env: Env, path: &str) -> Vec<(String, String)> {
    kv(&[
        ("Environment", env.name()),
        ("ManagedBy", "terraform"),
        ("Repository", "github.com/acme/infrastructure"),
        ("Stack", path),
    ])
}

fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// One stack being written: where its resources live, their default tags, and
/// its state.
struct Ctx {
    region: String,
    account: &'static str,
    default_tags: Vec<(String, String)>,
    rng: Rng,
    state: State,
}

impl Ctx {
    fn new(env: Env, region: &str, path: &str, rng: Rng) -> Ctx {
        Ctx {
            region: region.to_owned(),
            account: env.account(),
            default_tags: default_tags(env, path),
            rng,
            state: State::default(),
        }
    }
    fn arn(&self, service: &str, rest: &str) -> String {
        format!("arn:aws:{service}:{}:{}:{rest}", self.region, self.account)
    }
    /// `attrs` with `tags` (`own`) and `tags_all` (the provider's default tags and `own`).
    fn tagged(&self, mut attrs: Vec<(String, J)>, own: &[(String, String)]) -> J {
        let mut all = self.default_tags.clone();
        for (k, v) in own {
            match all.iter_mut().find(|(ak, _)| ak == k) {
                Some(slot) => slot.1.clone_from(v),
                None => all.push((k.clone(), v.clone())),
            }
        }
        attrs.push(("tags".into(), string_map(own)));
        attrs.push(("tags_all".into(), string_map(&all)));
        sorted(attrs)
    }
}

// ---------------------------------------------------------------------------------------
// Network stacks
// ---------------------------------------------------------------------------------------

/// What other stacks read of a network stack.
struct NetOut {
    vpc_id: String,
    /// The public addresses of its NAT gateways (their elastic IPs).
    nat_ips: Vec<String>,
    cidr: String,
    private: Vec<String>,
    data: Vec<String>,
    /// The `aws_vpc`'s attributes (for a `data "aws_vpc"` that finds it).
    vpc: J,
    /// The root outputs.
    outputs: Vec<(String, J, J)>,
}

/// Resource instances of `modules/vpc`.
fn vpc_resources(azs: usize, nat: bool) -> usize {
    7 + 7 * azs + if nat { 3 * azs } else { 0 }
}

fn write_network(w: &mut Writer<'_>, net: &Net, rng: Rng) -> io::Result<NetOut> {
    let env = net.env;
    let mut c = Ctx::new(env, net.region, &net.path, rng);
    let (azs, nat) = (env.azs(), env.nat());
    let fixed = vpc_resources(azs, nat) + 2 + 2 + 2 + 1 + net.pending;
    let rest = net.budget.saturating_sub(fixed);
    let endpoints = rest.min(ENDPOINTS.len());
    let hosts: Vec<(String, usize)> = (0..rest - endpoints).map(|i| (host_name(i), host_number(i))).collect();
    let zones: Vec<String> = ["a", "b", "c"].iter().take(azs).map(|z| format!("{}{z}", net.region)).collect();
    let octet = net.cidr.split('.').nth(1).unwrap_or("0").to_owned();
    let vpc = write_vpc_module(&mut c, net, &zones, &octet);
    let team = kv(&[("Team", "platform")]);

    let role_name = format!("{}-flow-logs", net.label);
    let a = iam_role(&mut c, &role_name, FLOW_LOGS_TRUST, &team);
    c.state.one("", "aws_iam_role", "flow_logs", 0, a, &[]);
    let a = obj! {
        "id" => s(format!("{role_name}:deliver-flow-logs")), "name" => s("deliver-flow-logs"), "name_prefix" => s(""),
        "policy" => s(FLOW_LOGS_POLICY), "role" => s(&role_name),
    };
    c.state.one("", "aws_iam_role_policy", "flow_logs", 0, a, &["aws_iam_role.flow_logs"]);
    let endpoints_sg = c.rng.aws("sg");
    let sg_name = format!("{}-endpoints", net.label);
    let own = kv(&[("Name", &sg_name), ("Team", "platform")]);
    let a = security_group(
        &c,
        &endpoints_sg,
        &sg_name,
        &format!("Interface endpoints of {}", net.label),
        &vpc.vpc_id,
        &own,
    );
    c.state.one("", "aws_security_group", "endpoints", 1, a, &["module.vpc.aws_vpc.this"]);
    let a = sg_rule(&mut c, &endpoints_sg, Peer::Cidr(&net.cidr), 443, "HTTPS from the VPC");
    c.state.one("", "aws_vpc_security_group_ingress_rule", "endpoints_https", 0, a, &["aws_security_group.endpoints"]);
    let all: Vec<(String, J)> = ["dynamodb", "s3"]
        .iter()
        .map(|svc| {
            let name = format!("{}-{svc}", net.label);
            ((*svc).to_owned(), vpc_endpoint(&mut c, svc, &vpc.vpc_id, None, &vpc.route_tables, &name))
        })
        .collect();
    let deps = ["module.vpc.aws_route_table.private", "module.vpc.aws_vpc.this"];
    c.state.keyed("", "aws_vpc_endpoint", "gateway", 0, all, &deps);
    let all: Vec<(String, J)> = ENDPOINTS
        .iter()
        .take(endpoints)
        .map(|svc| {
            let name = format!("{}-{svc}", net.label);
            let interface = Some((vpc.private.as_slice(), endpoints_sg.as_str()));
            ((*svc).to_owned(), vpc_endpoint(&mut c, svc, &vpc.vpc_id, interface, &[], &name))
        })
        .collect();
    if !all.is_empty() {
        let deps = ["aws_security_group.endpoints", "module.vpc.aws_subnet.private", "module.vpc.aws_vpc.this"];
        c.state.keyed("", "aws_vpc_endpoint", "interface", 0, all, &deps);
    }
    let zone_name = format!("{}.{}.acme.internal", env.name(), net.region);
    let zone_id = format!("Z0{}", c.rng.upper(19));
    let ns: Vec<String> = (1..=4).map(|i| format!("ns-{}.awsdns-{:02}.org", c.rng.below(2048), i * 13)).collect();
    let a = c.tagged(
        attrs! {
            "arn" => s(format!("arn:aws:route53:::hostedzone/{zone_id}")),
            "comment" => s(format!("Private names of {}", net.label)),
            "delegation_set_id" => s(""), "force_destroy" => b(false), "id" => s(&zone_id), "name" => s(&zone_name),
            "name_servers" => strs(&ns), "primary_name_server" => s(&ns[0]),
            "vpc" => J::A(vec![obj! { "vpc_id" => s(&vpc.vpc_id), "vpc_region" => s(net.region) }]),
            "zone_id" => s(&zone_id),
        },
        &team,
    );
    c.state.one("", "aws_route53_zone", "internal", 0, a, &["module.vpc.aws_vpc.this"]);
    let all: Vec<(String, J)> = hosts
        .iter()
        .map(|(host, number)| {
            let fqdn = format!("{host}.{zone_name}");
            let a = obj! {
                "alias" => empty(), "allow_overwrite" => J::Null, "cidr_routing_policy" => empty(),
                "failover_routing_policy" => empty(), "fqdn" => s(&fqdn), "geolocation_routing_policy" => empty(),
                "geoproximity_routing_policy" => empty(), "health_check_id" => s(""),
                "id" => s(format!("{zone_id}_{fqdn}_A")),
                "latency_routing_policy" => empty(), "multivalue_answer_routing_policy" => b(false), "name" => s(&fqdn),
                "records" => strs(&[host_ip(&octet, *number)]), "set_identifier" => s(""), "timeouts" => J::Null,
                "ttl" => n(300),
                "type" => s("A"), "weighted_routing_policy" => empty(), "zone_id" => s(&zone_id),
            };
            (host.clone(), a)
        })
        .collect();
    if !all.is_empty() {
        c.state.keyed("", "aws_route53_record", "host", 2, all, &["aws_route53_zone.internal"]);
    }
    for k in 0..net.pending {
        let a = log_group(&c, &format!("/vpc/{}/legacy-{k}", net.label), 14, &team);
        c.state.one("", "aws_cloudwatch_log_group", &format!("legacy_{k}"), 0, a, &[]);
    }

    let outputs = vec![
        ("vpc_id".to_owned(), s(&vpc.vpc_id), s("string")),
        ("vpc_cidr".to_owned(), s(&net.cidr), s("string")),
        ("public_subnet_ids".to_owned(), strs(&vpc.public), tuple_of_strings(azs)),
        ("private_subnet_ids".to_owned(), strs(&vpc.private), tuple_of_strings(azs)),
        ("data_subnet_ids".to_owned(), strs(&vpc.data), tuple_of_strings(azs)),
        ("private_route_table_ids".to_owned(), strs(&vpc.route_tables), tuple_of_strings(azs)),
        ("endpoints_security_group_id".to_owned(), s(&endpoints_sg), s("string")),
        ("internal_zone_id".to_owned(), s(&zone_id), s("string")),
    ];
    c.state.outputs = outputs.iter().map(|(k, v, t)| (k.clone(), v.dup(), t.dup())).collect();

    let dir = &net.path;
    w.file(&format!("{dir}/backend.tf"), &backend_tf(env, dir))?;
    w.file(&format!("{dir}/variables.tf"), NETWORK_VARIABLES)?;
    let key = format!("{dir}/terraform.tfstate");
    let mut main = fill(
        NETWORK_MAIN,
        &[
            ("ENV", env.name()),
            ("REGION", net.region),
            ("NAME", &net.label),
            ("BUCKET", &env.bucket()),
            ("KEY", &key),
            ("MODULES", "../../../../modules"),
        ],
    );
    if net.unapplied {
        main.push_str(UNAPPLIED);
        w.stats.unapplied += 1;
    }
    w.file(&format!("{dir}/main.tf"), &main)?;
    w.file(&format!("{dir}/outputs.tf"), NETWORK_OUTPUTS)?;
    let mut tfvars = String::new();
    let _ = writeln!(tfvars, "region      = \"{}\"", net.region);
    let _ = writeln!(tfvars, "environment = \"{}\"", env.name());
    let _ = writeln!(tfvars, "vpc_cidr    = \"{}\"", net.cidr);
    let _ = writeln!(tfvars, "azs         = [{}]", quoted(&zones));
    let _ = writeln!(tfvars, "enable_nat  = {nat}");
    let list: String = ENDPOINTS.iter().take(endpoints).map(|x| format!("  \"{x}\",\n")).collect();
    let _ = writeln!(tfvars, "\ninterface_endpoints = [\n{list}]");
    if !hosts.is_empty() {
        tfvars.push_str("\n# Fixed addresses, from the first private subnet on.\nstatic_hosts = {\n");
        let width = hosts.iter().map(|(h, _)| h.len() + 2).max().unwrap_or(0);
        for (host, number) in &hosts {
            let _ = writeln!(tfvars, "  {:<width$} = {number}", format!("\"{host}\""));
        }
        tfvars.push_str("}\n");
    }
    w.file(&format!("{dir}/terraform.tfvars"), &tfvars)?;
    let serial = 3 + c.rng.below(400);
    let lineage = c.rng.uuid();
    w.stats.pending_removal += net.pending;
    w.stats.warnings += usize::from(net.pending > 0) + usize::from(net.unapplied);
    w.state(&key, &c.state, serial, &lineage)?;
    Ok(NetOut {
        vpc_id: vpc.vpc_id,
        nat_ips: vpc.nat_ips,
        cidr: net.cidr.clone(),
        private: vpc.private,
        data: vpc.data,
        vpc: vpc.attrs,
        outputs,
    })
}

/// What `modules/vpc` created.
struct Vpc {
    vpc_id: String,
    attrs: J,
    public: Vec<String>,
    private: Vec<String>,
    data: Vec<String>,
    route_tables: Vec<String>,
    nat_ips: Vec<String>,
}

/// The state of `module.vpc`.
fn write_vpc_module(c: &mut Ctx, net: &Net, zones: &[String], octet: &str) -> Vpc {
    let (env, azs, nat) = (net.env, zones.len(), net.env.nat());
    let m = "module.vpc";
    let tags = |name: &str| kv(&[("Environment", env.name()), ("Name", name), ("Team", "platform")]);
    let vpc_id = c.rng.aws("vpc");
    let (acl, main_rt, default_sg, dopt) = (c.rng.aws("acl"), c.rng.aws("rtb"), c.rng.aws("sg"), c.rng.aws("dopt"));
    let vpc = c.tagged(
        attrs! {
            "arn" => s(c.arn("ec2", &format!("vpc/{vpc_id}"))), "assign_generated_ipv6_cidr_block" => b(false),
            "cidr_block" => s(&net.cidr), "default_network_acl_id" => s(&acl), "default_route_table_id" => s(&main_rt),
            "default_security_group_id" => s(&default_sg), "dhcp_options_id" => s(&dopt),
            "enable_dns_hostnames" => b(true), "enable_dns_support" => b(true),
            "enable_network_address_usage_metrics" => b(false), "id" => s(&vpc_id), "instance_tenancy" => s("default"),
            "ipv4_ipam_pool_id" => J::Null, "ipv4_netmask_length" => J::Null, "ipv6_association_id" => s(""),
            "ipv6_cidr_block" => s(""), "ipv6_cidr_block_network_border_group" => s(""), "ipv6_ipam_pool_id" => s(""),
            "ipv6_netmask_length" => n(0), "main_route_table_id" => s(&main_rt), "owner_id" => s(c.account),
        },
        &tags(&net.label),
    );
    let attrs = vpc.dup();
    c.state.one(m, "aws_vpc", "this", 1, vpc, &[]);
    let igw = c.rng.aws("igw");
    let a = c.tagged(
        attrs! {
            "arn" => s(c.arn("ec2", &format!("internet-gateway/{igw}"))), "id" => s(&igw), "owner_id" => s(c.account),
            "timeouts" => J::Null, "vpc_id" => s(&vpc_id),
        },
        &tags(&net.label),
    );
    c.state.one(m, "aws_internet_gateway", "this", 0, a, &["module.vpc.aws_vpc.this"]);
    let mut subnets: Vec<Vec<String>> = Vec::new();
    for (tier, offset, public) in [("public", 0, true), ("private", 10, false), ("data", 20, false)] {
        let mut ids = Vec::new();
        let mut all = Vec::new();
        for (z, zone) in zones.iter().enumerate() {
            let id = c.rng.aws("subnet");
            let mut own = tags(&format!("{}-{tier}-{zone}", net.label));
            own.push(("Tier".into(), tier.into()));
            all.push(c.tagged(
                attrs! {
                    "arn" => s(c.arn("ec2", &format!("subnet/{id}"))), "assign_ipv6_address_on_creation" => b(false),
                    "availability_zone" => s(zone),
                    "availability_zone_id" => s(format!("{}-az{}", az_prefix(net.region), z + 1)),
                    "cidr_block" => s(format!("10.{octet}.{}.0/24", offset + z)), "customer_owned_ipv4_pool" => s(""),
                    "enable_dns64" => b(false), "enable_lni_at_device_index" => n(0),
                    "enable_resource_name_dns_a_record_on_launch" => b(false),
                    "enable_resource_name_dns_aaaa_record_on_launch" => b(false), "id" => s(&id),
                    "ipv6_cidr_block" => s(""),
                    "ipv6_cidr_block_association_id" => s(""), "ipv6_native" => b(false),
                    "map_customer_owned_ip_on_launch" => b(false), "map_public_ip_on_launch" => b(public),
                    "outpost_arn" => s(""), "owner_id" => s(c.account),
                    "private_dns_hostname_type_on_launch" => s("ip-name"),
                    "timeouts" => J::Null, "vpc_id" => s(&vpc_id),
                },
                &own,
            ));
            ids.push(id);
        }
        c.state.counted(m, "aws_subnet", tier, 1, all, &["module.vpc.aws_vpc.this"]);
        subnets.push(ids);
    }
    let data = subnets.pop().unwrap_or_default();
    let private = subnets.pop().unwrap_or_default();
    let public = subnets.pop().unwrap_or_default();
    let mut nat_ids = Vec::new();
    let mut nat_ips = Vec::new();
    if nat {
        let (mut eips, mut nats) = (Vec::new(), Vec::new());
        for (z, zone) in zones.iter().enumerate() {
            let (alloc, ip, private_ip) =
                (c.rng.aws("eipalloc"), c.rng.public_ip(), format!("10.{octet}.{z}.{}", 10 + z));
            let (association, eni) = (c.rng.aws("eipassoc"), c.rng.aws("eni"));
            eips.push(c.tagged(
                attrs! {
                    "address" => J::Null, "allocation_id" => s(&alloc),
                    "arn" => s(c.arn("ec2", &format!("elastic-ip/{alloc}"))),
                    "associate_with_private_ip" => J::Null, "association_id" => s(&association), "carrier_ip" => s(""),
                    "customer_owned_ip" => s(""), "customer_owned_ipv4_pool" => s(""), "domain" => s("vpc"),
                    "id" => s(&alloc),
                    "instance" => s(""), "ipam_pool_id" => J::Null, "network_border_group" => s(net.region),
                    "network_interface" => s(&eni),
                    "private_dns" => s(format!("ip-{}.{}.compute.internal", private_ip.replace('.', "-"), net.region)),
                    "private_ip" => s(&private_ip), "ptr_record" => s(""),
                    "public_dns" => s(format!("ec2-{}.{}.compute.amazonaws.com", ip.replace('.', "-"), net.region)),
                    "public_ip" => s(&ip), "public_ipv4_pool" => s("amazon"), "timeouts" => J::Null, "vpc" => b(true),
                },
                &tags(&format!("{}-nat-{zone}", net.label)),
            ));
            let id = c.rng.aws("nat");
            nats.push(c.tagged(
                attrs! {
                    "allocation_id" => s(&alloc), "association_id" => s(&association),
                    "connectivity_type" => s("public"),
                    "id" => s(&id), "network_interface_id" => s(&eni), "private_ip" => s(&private_ip),
                    "public_ip" => s(&ip),
                    "secondary_allocation_ids" => empty(), "secondary_private_ip_address_count" => n(0),
                    "secondary_private_ip_addresses" => empty(), "subnet_id" => s(&public[z]), "timeouts" => J::Null,
                },
                &tags(&format!("{}-{zone}", net.label)),
            ));
            nat_ids.push(id);
            nat_ips.push(ip);
        }
        c.state.counted(m, "aws_eip", "nat", 0, eips, &[]);
        let deps = ["module.vpc.aws_eip.nat", "module.vpc.aws_internet_gateway.this", "module.vpc.aws_subnet.public"];
        c.state.counted(m, "aws_nat_gateway", "this", 0, nats, &deps);
    }
    let inline_route = |gateway: &str, nat_gw: &str| {
        obj! {
            "carrier_gateway_id" => s(""), "cidr_block" => s("0.0.0.0/0"), "core_network_arn" => s(""),
            "destination_prefix_list_id" => s(""), "egress_only_gateway_id" => s(""), "gateway_id" => s(gateway),
            "ipv6_cidr_block" => s(""), "local_gateway_id" => s(""), "nat_gateway_id" => s(nat_gw),
            "network_interface_id" => s(""), "transit_gateway_id" => s(""), "vpc_endpoint_id" => s(""),
            "vpc_peering_connection_id" => s(""),
        }
    };
    let route = |rt: &str, gateway: &str, nat_gw: &str| {
        obj! {
            "carrier_gateway_id" => s(""), "core_network_arn" => s(""), "destination_cidr_block" => s("0.0.0.0/0"),
            "destination_ipv6_cidr_block" => s(""), "destination_prefix_list_id" => s(""),
            "egress_only_gateway_id" => s(""),
            "gateway_id" => s(gateway), "id" => s(format!("r-{rt}1080289494")), "instance_id" => s(""),
            "instance_owner_id" => s(""), "local_gateway_id" => s(""), "nat_gateway_id" => s(nat_gw),
            "network_interface_id" => s(""), "origin" => s("CreateRoute"), "route_table_id" => s(rt),
            "state" => s("active"),
            "timeouts" => J::Null, "transit_gateway_id" => s(""), "vpc_endpoint_id" => s(""),
            "vpc_peering_connection_id" => s(""),
        }
    };
    let route_table = |c: &Ctx, id: &str, routes: Vec<J>, name: &str| {
        c.tagged(
            attrs! {
                "arn" => s(c.arn("ec2", &format!("route-table/{id}"))), "id" => s(id), "owner_id" => s(c.account),
                "propagating_vgws" => empty(), "route" => J::A(routes), "timeouts" => J::Null, "vpc_id" => s(&vpc_id),
            },
            &tags(name),
        )
    };
    let assoc = |c: &mut Ctx, subnet: &str, rt: &str| {
        let id = c.rng.aws("rtbassoc");
        obj! { "gateway_id" => s(""), "id" => s(id), "route_table_id" => s(rt), "subnet_id" => s(subnet),
        "timeouts" => J::Null }
    };
    let rt_public = c.rng.aws("rtb");
    let a = route_table(c, &rt_public, vec![inline_route(&igw, "")], &format!("{}-public", net.label));
    c.state.one(m, "aws_route_table", "public", 0, a, &["module.vpc.aws_vpc.this"]);
    let deps = ["module.vpc.aws_internet_gateway.this", "module.vpc.aws_route_table.public"];
    c.state.one(m, "aws_route", "public_internet", 0, route(&rt_public, &igw, ""), &deps);
    let all: Vec<J> = public.iter().map(|subnet| assoc(c, subnet, &rt_public)).collect();
    let deps = ["module.vpc.aws_route_table.public", "module.vpc.aws_subnet.public"];
    c.state.counted(m, "aws_route_table_association", "public", 0, all, &deps);
    let mut route_tables = Vec::new();
    let mut all = Vec::new();
    for (z, zone) in zones.iter().enumerate() {
        let id = c.rng.aws("rtb");
        let routes = if nat { vec![inline_route("", &nat_ids[z])] } else { Vec::new() };
        all.push(route_table(c, &id, routes, &format!("{}-private-{zone}", net.label)));
        route_tables.push(id);
    }
    c.state.counted(m, "aws_route_table", "private", 0, all, &["module.vpc.aws_vpc.this"]);
    if nat {
        let all: Vec<J> = (0..azs).map(|z| route(&route_tables[z], "", &nat_ids[z])).collect();
        let deps = ["module.vpc.aws_nat_gateway.this", "module.vpc.aws_route_table.private"];
        c.state.counted(m, "aws_route", "private_nat", 0, all, &deps);
    }
    for (tier, ids) in [("private", &private), ("data", &data)] {
        let all: Vec<J> = (0..azs).map(|z| assoc(c, &ids[z], &route_tables[z])).collect();
        let subnet_dep = format!("module.vpc.aws_subnet.{tier}");
        c.state.counted(
            m,
            "aws_route_table_association",
            tier,
            0,
            all,
            &["module.vpc.aws_route_table.private", &subnet_dep],
        );
    }
    let a = c.tagged(
        attrs! {
            "arn" => s(c.arn("ec2", &format!("security-group/{default_sg}"))),
            "description" => s("default VPC security group"),
            "egress" => empty(), "id" => s(&default_sg), "ingress" => empty(), "name" => s("default"),
            "name_prefix" => s(""),
            "owner_id" => s(c.account), "revoke_rules_on_delete" => b(false), "vpc_id" => s(&vpc_id),
        },
        &tags(&format!("{}-default-deny", net.label)),
    );
    c.state.one(m, "aws_default_security_group", "this", 1, a, &["module.vpc.aws_vpc.this"]);
    let group = format!("/vpc/{}/flow-logs", net.label);
    let env_tags = kv(&[("Environment", env.name()), ("Team", "platform")]);
    let a = log_group(c, &group, if env == Env::Prod { 365 } else { 30 }, &env_tags);
    c.state.one(m, "aws_cloudwatch_log_group", "flow", 0, a, &[]);
    let fl = c.rng.aws("fl");
    let a = c.tagged(
        attrs! {
            "arn" => s(c.arn("ec2", &format!("vpc-flow-log/{fl}"))), "deliver_cross_account_role" => s(""),
            "destination_options" => empty(), "eni_id" => J::Null,
            "iam_role_arn" => s(format!("arn:aws:iam::{}:role/{}-flow-logs", c.account, net.label)), "id" => s(&fl),
            "log_destination" => s(c.arn("logs", &format!("log-group:{group}"))),
            "log_destination_type" => s("cloud-watch-logs"),
            "log_format" => s(FLOW_LOG_FORMAT),
            "log_group_name" => s(""), "max_aggregation_interval" => n(600), "subnet_id" => J::Null,
            "traffic_type" => s("ALL"), "transit_gateway_attachment_id" => J::Null, "transit_gateway_id" => J::Null,
            "vpc_id" => s(&vpc_id),
        },
        &env_tags,
    );
    let deps = ["aws_iam_role.flow_logs", "module.vpc.aws_cloudwatch_log_group.flow", "module.vpc.aws_vpc.this"];
    c.state.one(m, "aws_flow_log", "this", 0, a, &deps);
    Vpc { vpc_id, attrs, public, private, data, route_tables, nat_ips }
}

fn az_prefix(region: &str) -> String {
    let parts: Vec<&str> = region.split('-').collect();
    let short = match parts.get(1).copied().unwrap_or("") {
        "west" => "w",
        "east" => "e",
        "central" => "c",
        "southeast" => "se",
        _ => "x",
    };
    format!("{}{short}{}", parts.first().copied().unwrap_or(""), parts.get(2).copied().unwrap_or(""))
}

fn host_name(i: usize) -> String {
    let base = HOSTS[i % HOSTS.len()];
    if i < HOSTS.len() { base.to_owned() } else { format!("{base}-{}", i / HOSTS.len() + 1) }
}

/// Host numbers in the VPC range, from the first private subnet (10.x.10.0/24) on.
fn host_number(i: usize) -> usize {
    2560 + 20 + (i % 200) + 256 * (i / 200)
}

fn host_ip(octet: &str, number: usize) -> String {
    format!("10.{octet}.{}.{}", number / 256, number % 256)
}

fn quoted<S: AsRef<str>>(xs: &[S]) -> String {
    xs.iter().map(|x| format!("\"{}\"", x.as_ref())).collect::<Vec<_>>().join(", ")
}

fn log_group(c: &Ctx, name: &str, days: i64, own: &[(String, String)]) -> J {
    c.tagged(
        attrs! {
            "arn" => s(c.arn("logs", &format!("log-group:{name}"))), "id" => s(name), "kms_key_id" => s(""),
            "log_group_class" => s("STANDARD"), "name" => s(name), "name_prefix" => s(""),
            "retention_in_days" => n(days),
            "skip_destroy" => b(false),
        },
        own,
    )
}

fn iam_role(c: &mut Ctx, name: &str, trust: &str, own: &[(String, String)]) -> J {
    let (created, unique) = (c.rng.time(), format!("AROA{}", c.rng.upper(17)));
    c.tagged(
        attrs! {
            "arn" => s(format!("arn:aws:iam::{}:role/{name}", c.account)), "assume_role_policy" => s(trust),
            "create_date" => s(created), "description" => s(""), "force_detach_policies" => b(false), "id" => s(name),
            "inline_policy" => empty(), "managed_policy_arns" => empty(), "max_session_duration" => n(3600),
            "name" => s(name),
            "name_prefix" => s(""), "path" => s("/"), "permissions_boundary" => s(""), "unique_id" => s(unique),
        },
        own,
    )
}

fn security_group(c: &Ctx, id: &str, name: &str, description: &str, vpc_id: &str, own: &[(String, String)]) -> J {
    c.tagged(
        attrs! {
            "arn" => s(c.arn("ec2", &format!("security-group/{id}"))), "description" => s(description),
            "egress" => empty(),
            "id" => s(id), "ingress" => empty(), "name" => s(name), "name_prefix" => s(""), "owner_id" => s(c.account),
            "revoke_rules_on_delete" => b(false), "timeouts" => J::Null, "vpc_id" => s(vpc_id),
        },
        own,
    )
}

enum Peer<'a> {
    Cidr(&'a str),
    Group(&'a str),
}

/// An `aws_vpc_security_group_ingress_rule` or `_egress_rule` over TCP.
fn sg_rule(c: &mut Ctx, group: &str, peer: Peer<'_>, port: i64, description: &str) -> J {
    let id = c.rng.aws("sgr");
    let (cidr, referenced) = match peer {
        Peer::Cidr(x) => (s(x), J::Null),
        Peer::Group(x) => (J::Null, s(x)),
    };
    c.tagged(
        attrs! {
            "arn" => s(c.arn("ec2", &format!("security-group-rule/{id}"))), "cidr_ipv4" => cidr, "cidr_ipv6" => J::Null,
            "description" => s(description), "from_port" => n(port), "id" => s(&id), "ip_protocol" => s("tcp"),
            "prefix_list_id" => J::Null, "referenced_security_group_id" => referenced, "security_group_id" => s(group),
            "security_group_rule_id" => s(&id), "to_port" => n(port),
        },
        &[],
    )
}

/// A gateway endpoint, or an interface endpoint in `interface`'s subnets and group.
fn vpc_endpoint(
    c: &mut Ctx,
    svc: &str,
    vpc_id: &str,
    interface: Option<(&[String], &str)>,
    route_tables: &[String],
    name: &str,
) -> J {
    let id = c.rng.aws("vpce");
    let (kind, dns, enis, subnets, groups) = match interface {
        Some((subnets, sg)) => {
            let suffix = c.rng.chars(8, b"abcdefghijklmnopqrstuvwxyz0123456789");
            let host = format!("{id}-{suffix}.{svc}.{}.vpce.amazonaws.com", c.region);
            let dns = vec![obj! { "dns_name" => s(host), "hosted_zone_id" => s("Z24R2DQPYR3EYB") }];
            let enis: Vec<String> = subnets.iter().map(|_| c.rng.aws("eni")).collect();
            ("Interface", dns, enis, subnets.to_vec(), vec![sg.to_owned()])
        }
        None => ("Gateway", Vec::new(), Vec::new(), Vec::new(), Vec::new()),
    };
    let policy =
        r#"{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}],"Version":"2008-10-17"}"#;
    let dns_options =
        obj! { "dns_record_ip_type" => s("ipv4"), "private_dns_only_for_inbound_resolver_endpoint" => b(false) };
    c.tagged(
        attrs! {
            "arn" => s(c.arn("ec2", &format!("vpc-endpoint/{id}"))), "auto_accept" => J::Null, "cidr_blocks" => empty(),
            "dns_entry" => J::A(dns), "dns_options" => J::A(vec![dns_options]), "id" => s(&id),
            "ip_address_type" => s("ipv4"),
            "network_interface_ids" => strs(&enis), "owner_id" => s(c.account), "policy" => s(policy),
            "prefix_list_id" => s(""), "private_dns_enabled" => b(kind == "Interface"), "requester_managed" => b(false),
            "route_table_ids" => strs(route_tables), "security_group_ids" => strs(&groups),
            "service_name" => s(format!("com.amazonaws.{}.{svc}", c.region)), "state" => s("available"),
            "subnet_configuration" => empty(), "subnet_ids" => strs(&subnets), "timeouts" => J::Null,
            "vpc_endpoint_type" => s(kind), "vpc_id" => s(vpc_id),
        },
        &kv(&[("Name", name), ("Team", "platform")]),
    )
}

// ---------------------------------------------------------------------------------------
// App stacks
// ---------------------------------------------------------------------------------------

/// What other app stacks read of an app stack.
struct AppOut {
    api_sg: String,
    outputs: Vec<(String, J, J)>,
}

struct Component {
    key: String,
    handler: String,
    memory: i64,
    timeout: i64,
}

/// What `module.db` created.
struct Db {
    sg: String,
    address: String,
    password: String,
    class: &'static str,
}

/// What one `module.service` instance created.
struct Service {
    sg: String,
    role_arn: String,
    function_arn: String,
    function_name: String,
    queue_url: String,
}

fn write_app(
    w: &mut Writer<'_>,
    plan: &Plan,
    app: &App,
    nets: &[NetOut],
    apps: &[AppOut],
    rng: Rng,
) -> io::Result<AppOut> {
    let env = app.env;
    let net = &nets[app.net];
    let region = plan.nets[app.net].region;
    let mut c = Ctx::new(env, region, &app.path, rng);
    let name = app.name();
    let own = kv(&[("Service", &app.service), ("Team", app.team)]);
    let plants: usize = app.plants.iter().map(|p| if matches!(p, Plant::ProdPeering(_)) { 2 } else { 1 }).sum();
    let fixed = 2 + 5 + 7 + if app.reads.is_some() { 2 } else { 0 } + plants + app.pending;
    let n_comps = (app.budget.saturating_sub(fixed) / 10).max(1);
    let filler = app.budget.saturating_sub(fixed + 10 * n_comps);
    let comps: Vec<Component> = (0..n_comps)
        .map(|i| {
            let key = match i / COMPONENTS.len() {
                0 => COMPONENTS[i].to_owned(),
                round => format!("{}-{}", COMPONENTS[i % COMPONENTS.len()], round + 1),
            };
            let handler = format!("{}.{}.handler", app.db_name(), key.replace('-', "_"));
            Component { key, handler, memory: c.rng.pick(&[256, 512, 1024]), timeout: c.rng.pick(&[15, 30, 60, 120]) }
        })
        .collect();

    // Data sources.
    let user = format!("AROA{}:github-actions", c.rng.upper(17));
    let caller = obj! {
        "account_id" => s(c.account),
        "arn" => s(format!("arn:aws:sts::{}:assumed-role/terraform-ci/github-actions", c.account)),
        "id" => s(c.account), "user_id" => s(user),
    };
    c.state.data("aws_caller_identity", "current", caller);
    let network_key = format!("{}/terraform.tfstate", plan.nets[app.net].path);
    c.state.data("terraform_remote_state", "network", remote_state(env, &network_key, &net.outputs));
    let read = app.reads.map(|j| {
        let other = &plan.apps[j];
        let data_name = other.service.replace('-', "_");
        let key = format!("{}/terraform.tfstate", other.path);
        c.state.data("terraform_remote_state", &data_name, remote_state(env, &key, &apps[j].outputs));
        (other, data_name, key, apps[j].api_sg.clone())
    });

    let db = write_db_module(&mut c, app, plan, net, &own);
    let database_url = format!("postgresql://app:{}@{}:5432/{}", db.password, db.address, app.db_name());
    let services: Vec<Service> =
        comps.iter().map(|comp| write_service_module(&mut c, &name, comp, net, &db, &database_url, &own)).collect();

    // Root resources.
    let all: Vec<(String, J)> = comps
        .iter()
        .zip(&services)
        .map(|(comp, svc)| {
            let description = format!("{} to PostgreSQL", comp.key);
            (comp.key.clone(), sg_rule(&mut c, &db.sg, Peer::Group(&svc.sg), 5432, &description))
        })
        .collect();
    let deps = ["module.db.aws_security_group.this", "module.service.aws_security_group.this"];
    c.state.keyed("", "aws_vpc_security_group_ingress_rule", "db_from_service", 0, all, &deps);
    let alb_sg = c.rng.aws("sg");
    let alb_name = format!("{name}-alb");
    let alb_tags = [own.clone(), kv(&[("Name", &alb_name)])].concat();
    let a =
        security_group(&c, &alb_sg, &alb_name, &format!("Internal load balancer of {name}"), &net.vpc_id, &alb_tags);
    c.state.one("", "aws_security_group", "alb", 1, a, &["data.terraform_remote_state.network"]);
    let a = sg_rule(&mut c, &alb_sg, Peer::Cidr(&net.cidr), 443, "HTTPS from the VPC");
    let deps = ["aws_security_group.alb", "data.terraform_remote_state.network"];
    c.state.one("", "aws_vpc_security_group_ingress_rule", "alb_https", 0, a, &deps);
    let (dns_name, certificate) = write_load_balancer(&mut c, &name, net, &alb_sg, &services[0], &own);

    // Source.
    let mut main = fill(
        APP_MAIN_HEAD,
        &[
            ("SERVICE", &app.service),
            ("ENV", env.name()),
            ("REGION", region),
            ("NETWORK", &plan.nets[app.net].label),
            ("BUCKET", &env.bucket()),
            ("NETWORK_KEY", &network_key),
            ("STATE_REGION", STATE_REGION),
        ],
    );
    if let Some((other, data_name, key, _)) = &read {
        let values = [
            ("OTHER", other.service.as_str()),
            ("DATA", data_name.as_str()),
            ("BUCKET", &env.bucket()),
            ("KEY", key.as_str()),
            ("STATE_REGION", STATE_REGION),
        ];
        main.push_str(&fill(APP_READS_DATA, &values));
    }
    let mut components = String::new();
    let key_of = |k: &str| if k.contains('-') { format!("\"{k}\"") } else { k.to_owned() };
    let width = comps.iter().map(|x| key_of(&x.key).len()).max().unwrap_or(0);
    for comp in &comps {
        let key = key_of(&comp.key);
        let _ = writeln!(
            components,
            "    {key:<width$} = {{ handler = \"{}\", memory = {}, timeout = {} }}",
            comp.handler, comp.memory, comp.timeout
        );
    }
    main.push_str(&fill(APP_MAIN_BODY, &[("COMPONENTS", &components), ("MODULES", app.up)]));
    if let Some((other, data_name, _, api_sg)) = &read {
        main.push_str(&fill(APP_READS_RULE, &[("OTHER", &other.service), ("DATA", data_name)]));
        let a = sg_rule(&mut c, &alb_sg, Peer::Group(api_sg), 443, &format!("{} api", other.service));
        let remote = format!("data.terraform_remote_state.{data_name}");
        let deps = ["aws_security_group.alb", remote.as_str()];
        c.state.one("", "aws_vpc_security_group_ingress_rule", &format!("alb_from_{data_name}"), 0, a, &deps);
    }
    for (k, plant) in app.plants.iter().enumerate() {
        let suffix = if k == 0 { String::new() } else { format!("_{}", k + 1) };
        main.push_str(&write_plant(&mut c, plan, app, nets, *plant, &suffix, &db, &services[0], &own));
    }
    if filler > 0 {
        let mut entries = String::new();
        let width = PARAMETERS.iter().take(filler).map(|(k, _)| k.len() + 2).max().unwrap_or(0);
        let mut all = Vec::new();
        for (key, value) in PARAMETERS.iter().take(filler) {
            let _ = writeln!(entries, "    {:<width$} = \"{value}\"", format!("\"{key}\""));
            let param = format!("/{}/{}/{key}", app.service, env.name());
            all.push(((*key).to_owned(), ssm_parameter(&c, &param, value, &own)));
        }
        main.push_str(&fill(APP_PARAMETERS, &[("ENTRIES", &entries)]));
        c.state.keyed("", "aws_ssm_parameter", "config", 0, all, &[]);
        c.state.sensitive(|| attr_path("value"));
    }
    for k in 0..app.pending {
        let old = format!("/{}/{}/legacy-{k}", app.service, env.name());
        if k % 2 == 0 {
            let a = ssm_parameter(&c, &old, "enabled", &own);
            c.state.one("", "aws_ssm_parameter", &format!("legacy_{k}"), 0, a, &[]);
            c.state.sensitive(|| attr_path("value"));
        } else {
            let a = log_group(&c, &old, 14, &own);
            c.state.one("", "aws_cloudwatch_log_group", &format!("legacy_{k}"), 0, a, &[]);
        }
    }
    if app.unapplied {
        main.push_str(UNAPPLIED);
        w.stats.unapplied += 1;
    }

    let pairs = |f: fn(&Service) -> &String| -> Vec<(String, String)> {
        comps.iter().zip(&services).map(|(comp, svc)| (comp.key.clone(), f(svc).clone())).collect()
    };
    let (sg_ids, function_arns, queue_urls) = (pairs(|x| &x.sg), pairs(|x| &x.function_arn), pairs(|x| &x.queue_url));
    let outputs = vec![
        ("db_address".to_owned(), s(&db.address), s("string")),
        ("db_port".to_owned(), n(5432), s("number")),
        ("db_security_group_id".to_owned(), s(&db.sg), s("string")),
        ("security_group_ids".to_owned(), string_map(&sg_ids), object_of_strings(&sg_ids)),
        ("function_arns".to_owned(), string_map(&function_arns), object_of_strings(&function_arns)),
        ("queue_urls".to_owned(), string_map(&queue_urls), object_of_strings(&queue_urls)),
        ("alb_dns_name".to_owned(), s(&dns_name), s("string")),
        ("alb_security_group_id".to_owned(), s(&alb_sg), s("string")),
    ];
    c.state.outputs = outputs.iter().map(|(k, v, t)| (k.clone(), v.dup(), t.dup())).collect();

    let dir = &app.path;
    w.file(&format!("{dir}/backend.tf"), &backend_tf(env, dir))?;
    w.file(&format!("{dir}/variables.tf"), APP_VARIABLES)?;
    w.file(&format!("{dir}/main.tf"), &main)?;
    w.file(&format!("{dir}/outputs.tf"), APP_OUTPUTS)?;
    let tfvars = fill(
        APP_TFVARS,
        &[
            ("REGION", region),
            ("ENV", env.name()),
            ("SERVICE", &app.service),
            ("TEAM", app.team),
            ("DB_NAME", &app.db_name()),
            ("CLASS", db.class),
            ("CERTIFICATE", &certificate),
        ],
    );
    w.file(&format!("{dir}/terraform.tfvars"), &tfvars)?;
    let serial = 3 + c.rng.below(400);
    let lineage = c.rng.uuid();
    w.stats.pending_removal += app.pending;
    w.stats.warnings += usize::from(app.pending > 0) + usize::from(app.unapplied);
    w.state(&format!("{dir}/terraform.tfstate"), &c.state, serial, &lineage)?;
    Ok(AppOut { api_sg: services[0].sg.clone(), outputs })
}

/// The state of `module.db`.
fn write_db_module(c: &mut Ctx, app: &App, plan: &Plan, net: &NetOut, own: &[(String, String)]) -> Db {
    let m = "module.db";
    let name = app.name();
    let sg = c.rng.aws("sg");
    let password = c.rng.chars(24, b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789");
    let address = app.db_address(plan);
    let a = c.tagged(
        attrs! {
            "arn" => s(c.arn("rds", &format!("subgrp:{name}"))), "description" => s("Managed by Terraform"),
            "id" => s(&name),
            "name" => s(&name), "name_prefix" => s(""), "subnet_ids" => strs(&net.data),
            "supported_network_types" => strs(&["IPV4"]), "vpc_id" => s(&net.vpc_id),
        },
        own,
    );
    c.state.one(m, "aws_db_subnet_group", "this", 0, a, &["data.terraform_remote_state.network"]);
    let sg_name = format!("{name}-db");
    let tags = [own.to_vec(), kv(&[("Name", &sg_name)])].concat();
    let a = security_group(c, &sg, &sg_name, &format!("PostgreSQL for {name}"), &net.vpc_id, &tags);
    c.state.one(m, "aws_security_group", "this", 1, a, &["data.terraform_remote_state.network"]);
    let parameter =
        obj! { "apply_method" => s("immediate"), "name" => s("log_min_duration_statement"), "value" => s("500") };
    let a = c.tagged(
        attrs! {
            "arn" => s(c.arn("rds", &format!("pg:{name}"))), "description" => s("Managed by Terraform"),
            "family" => s("postgres16"), "id" => s(&name), "name" => s(&name), "name_prefix" => s(""),
            "parameter" => J::A(vec![parameter]), "skip_destroy" => b(false),
        },
        own,
    );
    c.state.one(m, "aws_db_parameter_group", "this", 0, a, &[]);
    let prod = app.env == Env::Prod;
    let class = if prod { "db.r6g.large" } else { "db.t4g.medium" };
    let id = format!("db-{}", c.rng.upper(26));
    let zone = format!("{}{}", c.region, c.rng.pick(&["a", "b", "c"]));
    let (key, restorable) = (c.rng.uuid(), c.rng.time());
    let a = c.tagged(
        attrs! {
            "address" => s(&address), "allocated_storage" => n(100), "allow_major_version_upgrade" => J::Null,
            "apply_immediately" => b(false), "arn" => s(c.arn("rds", &format!("db:{name}"))),
            "auto_minor_version_upgrade" => b(true), "availability_zone" => s(&zone), "backup_retention_period" => n(7),
            "backup_target" => s("region"), "backup_window" => s("03:00-03:30"), "blue_green_update" => empty(),
            "ca_cert_identifier" => s("rds-ca-rsa2048-g1"), "character_set_name" => s(""),
            "copy_tags_to_snapshot" => b(false),
            "custom_iam_instance_profile" => s(""), "customer_owned_ip_enabled" => b(false),
            "database_insights_mode" => s("standard"), "db_name" => s(app.db_name()),
            "db_subnet_group_name" => s(&name),
            "dedicated_log_volume" => b(false), "delete_automated_backups" => b(true), "deletion_protection" => b(prod),
            "domain" => s(""), "domain_auth_secret_arn" => s(""), "domain_dns_ips" => J::Null, "domain_fqdn" => s(""),
            "domain_iam_role_name" => s(""), "domain_ou" => s(""),
            "enabled_cloudwatch_logs_exports" => strs(&["postgresql"]),
            "endpoint" => s(format!("{address}:5432")), "engine" => s("postgres"),
            "engine_lifecycle_support" => s("open-source-rds-extended-support"), "engine_version" => s("16.4"),
            "engine_version_actual" => s("16.4"), "final_snapshot_identifier" => s(format!("{name}-final")),
            "hosted_zone_id" => s("Z29XKXDKYMONMX"), "iam_database_authentication_enabled" => b(false), "id" => s(&id),
            "identifier" => s(&name), "identifier_prefix" => s(""), "instance_class" => s(class), "iops" => n(3000),
            "kms_key_id" => s(c.arn("kms", &format!("key/{key}"))), "latest_restorable_time" => s(restorable),
            "license_model" => s("postgresql-license"), "listener_endpoint" => empty(),
            "maintenance_window" => s("sun:04:00-sun:04:30"), "manage_master_user_password" => J::Null,
            "master_user_secret" => empty(), "master_user_secret_kms_key_id" => J::Null,
            "max_allocated_storage" => n(0),
            "monitoring_interval" => n(0), "monitoring_role_arn" => s(""), "multi_az" => b(prod),
            "nchar_character_set_name" => s(""), "network_type" => s("IPV4"),
            "option_group_name" => s("default:postgres-16"),
            "parameter_group_name" => s(&name), "password" => s(&password), "password_wo" => J::Null,
            "password_wo_version" => J::Null, "performance_insights_enabled" => b(false),
            "performance_insights_kms_key_id" => s(""), "performance_insights_retention_period" => n(0),
            "port" => n(5432),
            "publicly_accessible" => b(false), "replica_mode" => s(""), "replicas" => empty(),
            "replicate_source_db" => s(""),
            "resource_id" => s(&id), "restore_to_point_in_time" => empty(), "s3_import" => empty(),
            "skip_final_snapshot" => b(!prod), "snapshot_identifier" => J::Null, "status" => s("available"),
            "storage_encrypted" => b(true), "storage_throughput" => n(125), "storage_type" => s("gp3"),
            "timeouts" => J::Null,
            "timezone" => s(""), "upgrade_storage_config" => J::Null, "username" => s("app"),
            "vpc_security_group_ids" => strs(&[&sg]),
        },
        own,
    );
    let deps = [
        "data.terraform_remote_state.network",
        "module.db.aws_db_parameter_group.this",
        "module.db.aws_db_subnet_group.this",
        "module.db.aws_security_group.this",
    ];
    c.state.one(m, "aws_db_instance", "this", 2, a, &deps);
    c.state.sensitive(|| attr_path("password"));
    let alarm = format!("{name}-db-cpu");
    let a = c.tagged(
        attrs! {
            "actions_enabled" => b(true), "alarm_actions" => empty(),
            "alarm_description" => s(format!("CPU of {name} above 80% for 15 minutes")), "alarm_name" => s(&alarm),
            "arn" => s(c.arn("cloudwatch", &format!("alarm:{alarm}"))),
            "comparison_operator" => s("GreaterThanThreshold"),
            "datapoints_to_alarm" => n(0), "dimensions" => obj! { "DBInstanceIdentifier" => s(&name) },
            "evaluate_low_sample_count_percentiles" => s(""), "evaluation_periods" => n(3),
            "extended_statistic" => s(""),
            "id" => s(&alarm), "insufficient_data_actions" => empty(), "metric_name" => s("CPUUtilization"),
            "metric_query" => empty(), "namespace" => s("AWS/RDS"), "ok_actions" => empty(), "period" => n(300),
            "statistic" => s("Average"), "threshold" => n(80), "threshold_metric_id" => s(""),
            "treat_missing_data" => s("missing"), "unit" => s(""),
        },
        own,
    );
    c.state.one(m, "aws_cloudwatch_metric_alarm", "cpu", 1, a, &["module.db.aws_db_instance.this"]);
    Db { sg, address, password, class }
}

/// The state of `module.service["<component>"]`.
fn write_service_module(
    c: &mut Ctx,
    name: &str,
    comp: &Component,
    net: &NetOut,
    db: &Db,
    database_url: &str,
    own: &[(String, String)],
) -> Service {
    let m = format!("module.service[\"{}\"]", comp.key);
    let m = m.as_str();
    let full = format!("{name}-{}", comp.key);
    let a = iam_role(c, &full, LAMBDA_TRUST, own);
    let role_arn = a.text("arn");
    c.state.one(m, "aws_iam_role", "this", 0, a, &[]);
    let a = obj! {
        "id" => s(format!("{full}-{}", c.rng.digits(26))),
        "policy_arn" => s("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"), "role" => s(&full),
    };
    c.state.one(m, "aws_iam_role_policy_attachment", "vpc_access", 0, a, &["module.service.aws_iam_role.this"]);
    let a = log_group(c, &format!("/aws/lambda/{full}"), 30, own);
    c.state.one(m, "aws_cloudwatch_log_group", "this", 0, a, &[]);
    let sg = c.rng.aws("sg");
    let tags = [own.to_vec(), kv(&[("Name", &full)])].concat();
    let a = security_group(c, &sg, &full, &format!("Lambda {full}"), &net.vpc_id, &tags);
    c.state.one(m, "aws_security_group", "this", 1, a, &["data.terraform_remote_state.network"]);
    let a = sg_rule(c, &sg, Peer::Group(&db.sg), 5432, "PostgreSQL");
    let deps = ["module.db.aws_security_group.this", "module.service.aws_security_group.this"];
    c.state.one(m, "aws_vpc_security_group_egress_rule", "db", 0, a, &deps);
    let a = sg_rule(c, &sg, Peer::Cidr("0.0.0.0/0"), 443, "AWS APIs and partners");
    c.state.one(m, "aws_vpc_security_group_egress_rule", "https", 0, a, &["module.service.aws_security_group.this"]);
    let queue = format!("{full}-events");
    let queue_url = format!("https://sqs.{}.amazonaws.com/{}/{queue}", c.region, c.account);
    let queue_arn = c.arn("sqs", &queue);
    let a = c.tagged(
        attrs! {
            "arn" => s(&queue_arn), "content_based_deduplication" => b(false), "deduplication_scope" => s(""),
            "delay_seconds" => n(0), "fifo_queue" => b(false), "fifo_throughput_limit" => s(""), "id" => s(&queue_url),
            "kms_data_key_reuse_period_seconds" => n(300), "kms_master_key_id" => s(""),
            "max_message_size" => n(262_144),
            "message_retention_seconds" => n(345_600), "name" => s(&queue), "name_prefix" => s(""), "policy" => s(""),
            "receive_wait_time_seconds" => n(0), "redrive_allow_policy" => s(""), "redrive_policy" => s(""),
            "sqs_managed_sse_enabled" => b(true), "url" => s(&queue_url),
            "visibility_timeout_seconds" => n(comp.timeout * 6),
        },
        own,
    );
    c.state.one(m, "aws_sqs_queue", "this", 0, a, &[]);
    let lambda = Lambda {
        name: &full,
        role: &role_arn,
        handler: &comp.handler,
        memory: comp.memory,
        timeout: comp.timeout,
        filename: format!("build/{full}.zip"),
        vars: kv(&[
            ("DATABASE_URL", database_url),
            ("ENVIRONMENT", &c.default_tags[0].1.clone()),
            ("QUEUE_URL", &queue_url),
        ]),
        vpc: Some((&net.private, &sg, &net.vpc_id)),
    };
    let a = lambda_function(c, &lambda, own);
    let function_arn = a.text("arn");
    let deps = [
        "data.terraform_remote_state.network",
        "module.db.aws_db_instance.this",
        "module.db.aws_security_group.this",
        "module.service.aws_cloudwatch_log_group.this",
        "module.service.aws_iam_role.this",
        "module.service.aws_security_group.this",
        "module.service.aws_sqs_queue.this",
    ];
    c.state.one(m, "aws_lambda_function", "this", 0, a, &deps);
    c.state.sensitive(|| env_var_path("DATABASE_URL"));
    let (uuid, modified) = (c.rng.uuid(), c.rng.time());
    let a = c.tagged(
        attrs! {
            "amazon_managed_kafka_event_source_config" => empty(),
            "arn" => s(c.arn("lambda", &format!("event-source-mapping:{uuid}"))), "batch_size" => n(10),
            "bisect_batch_on_function_error" => b(false), "destination_config" => empty(),
            "document_db_event_source_config" => empty(), "enabled" => b(true), "event_source_arn" => s(&queue_arn),
            "filter_criteria" => empty(), "function_arn" => s(&function_arn), "function_name" => s(&function_arn),
            "function_response_types" => empty(), "id" => s(&uuid), "kms_key_arn" => s(""),
            "last_modified" => s(modified),
            "last_processing_result" => s(""), "maximum_batching_window_in_seconds" => n(0),
            "maximum_record_age_in_seconds" => n(0), "maximum_retry_attempts" => n(0), "metrics_config" => empty(),
            "parallelization_factor" => n(0), "provisioned_poller_config" => empty(), "queues" => empty(),
            "scaling_config" => empty(), "self_managed_event_source" => empty(),
            "self_managed_kafka_event_source_config" => empty(), "source_access_configuration" => empty(),
            "starting_position" => s(""), "starting_position_timestamp" => s(""), "state" => s("Enabled"),
            "state_transition_reason" => s("USER_INITIATED"), "topics" => empty(), "tumbling_window_in_seconds" => n(0),
            "uuid" => s(&uuid),
        },
        &[],
    );
    let deps = ["module.service.aws_lambda_function.this", "module.service.aws_sqs_queue.this"];
    c.state.one(m, "aws_lambda_event_source_mapping", "queue", 0, a, &deps);
    Service { sg, role_arn, function_arn, function_name: full, queue_url }
}

/// The state of the internal load balancer in front of `api`: its DNS name and
/// certificate.
fn write_load_balancer(
    c: &mut Ctx,
    name: &str,
    net: &NetOut,
    alb_sg: &str,
    api: &Service,
    own: &[(String, String)],
) -> (String, String) {
    let suffix = c.rng.hex(16);
    let lb_arn = c.arn("elasticloadbalancing", &format!("loadbalancer/app/{name}/{suffix}"));
    let dns_name = format!("internal-{name}-{}.{}.elb.amazonaws.com", c.rng.digits(10), c.region);
    let logs = || obj! { "bucket" => s(""), "enabled" => b(false), "prefix" => s("") };
    let mapping: Vec<J> = net
        .private
        .iter()
        .map(|subnet| {
            obj! {
                "allocation_id" => s(""), "ipv6_address" => s(""), "outpost_id" => s(""),
                "private_ipv4_address" => s(""), "subnet_id" => s(subnet),
            }
        })
        .collect();
    let a = c.tagged(
        attrs! {
            "access_logs" => J::A(vec![logs()]), "arn" => s(&lb_arn), "arn_suffix" => s(format!("app/{name}/{suffix}")),
            "client_keep_alive" => n(3600), "connection_logs" => J::A(vec![logs()]),
            "customer_owned_ipv4_pool" => s(""),
            "desync_mitigation_mode" => s("defensive"), "dns_name" => s(&dns_name),
            "dns_record_client_routing_policy" => J::Null, "drop_invalid_header_fields" => b(false),
            "enable_cross_zone_load_balancing" => b(true), "enable_deletion_protection" => b(false),
            "enable_http2" => b(true),
            "enable_tls_version_and_cipher_suite_headers" => b(false), "enable_waf_fail_open" => b(false),
            "enable_xff_client_port" => b(false), "enable_zonal_shift" => b(false),
            "enforce_security_group_inbound_rules_on_private_link_traffic" => s(""), "id" => s(&lb_arn),
            "idle_timeout" => n(60), "internal" => b(true), "ip_address_type" => s("ipv4"),
            "load_balancer_type" => s("application"), "name" => s(name), "name_prefix" => s(""),
            "preserve_host_header" => b(false), "security_groups" => strs(&[alb_sg]), "subnet_mapping" => J::A(mapping),
            "subnets" => strs(&net.private), "timeouts" => J::Null, "vpc_id" => s(&net.vpc_id),
            "xff_header_processing_mode" => s("append"), "zone_id" => s("Z32O12XQLNTSW2"),
        },
        own,
    );
    c.state.one("", "aws_lb", "this", 0, a, &["aws_security_group.alb", "data.terraform_remote_state.network"]);
    let tg_name = format!("{name}-api");
    let tg_suffix = c.rng.hex(16);
    let tg_arn = c.arn("elasticloadbalancing", &format!("targetgroup/{tg_name}/{tg_suffix}"));
    let health = obj! {
        "enabled" => b(false), "healthy_threshold" => n(5), "interval" => n(35), "matcher" => s("200"),
        "path" => s("/"),
        "port" => s(""), "protocol" => s(""), "timeout" => n(30), "unhealthy_threshold" => n(2),
    };
    let stickiness =
        obj! { "cookie_duration" => n(86400), "cookie_name" => s(""), "enabled" => b(false), "type" => s("lb_cookie") };
    let a = c.tagged(
        attrs! {
            "arn" => s(&tg_arn), "arn_suffix" => s(format!("targetgroup/{tg_name}/{tg_suffix}")),
            "connection_termination" => J::Null, "deregistration_delay" => s("300"),
            "health_check" => J::A(vec![health]),
            "id" => s(&tg_arn), "ip_address_type" => s(""), "lambda_multi_value_headers_enabled" => b(false),
            "load_balancer_arns" => strs(&[&lb_arn]), "load_balancing_algorithm_type" => s(""),
            "load_balancing_anomaly_mitigation" => s(""), "load_balancing_cross_zone_enabled" => s(""),
            "name" => s(&tg_name),
            "name_prefix" => s(""), "port" => J::Null, "preserve_client_ip" => J::Null, "protocol" => J::Null,
            "protocol_version" => J::Null, "proxy_protocol_v2" => b(false), "slow_start" => n(0),
            "stickiness" => J::A(vec![stickiness]), "target_failover" => empty(), "target_group_health" => empty(),
            "target_health_state" => empty(), "target_type" => s("lambda"), "vpc_id" => J::Null,
        },
        own,
    );
    c.state.one("", "aws_lb_target_group", "api", 0, a, &[]);
    let (certificate_id, listener_id) = (c.rng.uuid(), c.rng.hex(16));
    let certificate = c.arn("acm", &format!("certificate/{certificate_id}"));
    let listener = c.arn("elasticloadbalancing", &format!("listener/app/{name}/{suffix}/{listener_id}"));
    let action = obj! {
        "authenticate_cognito" => empty(), "authenticate_oidc" => empty(), "fixed_response" => empty(),
        "forward" => empty(), "order" => n(1), "redirect" => empty(), "target_group_arn" => s(&tg_arn),
        "type" => s("forward"),
    };
    let a = c.tagged(
        attrs! {
            "alpn_policy" => J::Null, "arn" => s(&listener), "certificate_arn" => s(&certificate),
            "default_action" => J::A(vec![action]), "id" => s(&listener), "load_balancer_arn" => s(&lb_arn),
            "mutual_authentication" => empty(), "port" => n(443), "protocol" => s("HTTPS"),
            "ssl_policy" => s("ELBSecurityPolicy-TLS13-1-2-2021-06"), "tcp_idle_timeout_seconds" => J::Null,
            "timeouts" => J::Null,
        },
        &[],
    );
    c.state.one("", "aws_lb_listener", "https", 0, a, &["aws_lb.this", "aws_lb_target_group.api"]);
    let a = obj! {
        "action" => s("lambda:InvokeFunction"), "event_source_token" => J::Null,
        "function_name" => s(&api.function_name),
        "function_url_auth_type" => J::Null, "id" => s("AllowExecutionFromALB"),
        "principal" => s("elasticloadbalancing.amazonaws.com"), "principal_org_id" => J::Null, "qualifier" => s(""),
        "source_account" => s(c.account), "source_arn" => s(&tg_arn), "statement_id" => s("AllowExecutionFromALB"),
        "statement_id_prefix" => s(""),
    };
    let deps =
        ["aws_lb_target_group.api", "data.aws_caller_identity.current", "module.service.aws_lambda_function.this"];
    c.state.one("", "aws_lambda_permission", "alb", 0, a, &deps);
    let a = obj! {
        "availability_zone" => J::Null, "id" => s(format!("{tg_arn}-{}", c.rng.digits(26))), "port" => J::Null,
        "target_group_arn" => s(&tg_arn), "target_id" => s(&api.function_arn),
    };
    let deps = ["aws_lambda_permission.alb", "aws_lb_target_group.api", "module.service.aws_lambda_function.this"];
    c.state.one("", "aws_lb_target_group_attachment", "api", 0, a, &deps);
    (dns_name, certificate)
}

/// One planted cross-environment link: its state, and its source returned.
#[allow(clippy::too_many_arguments)]
fn write_plant(
    c: &mut Ctx,
    plan: &Plan,
    app: &App,
    nets: &[NetOut],
    plant: Plant,
    suffix: &str,
    db: &Db,
    api: &Service,
    own: &[(String, String)],
) -> String {
    let name = app.name();
    match plant {
        Plant::StagingRange(t) => {
            let cidr = &plan.nets[t].cidr;
            let rule = format!("db_from_reporting{suffix}");
            let (id, rule_id) = (format!("sgrule-{}", c.rng.digits(10)), c.rng.aws("sgr"));
            let a = obj! {
                "cidr_blocks" => strs(&[cidr]), "description" => s("Nightly reporting export"), "from_port" => n(5432),
                "id" => s(id), "ipv6_cidr_blocks" => J::Null, "prefix_list_ids" => J::Null, "protocol" => s("tcp"),
                "security_group_id" => s(&db.sg), "security_group_rule_id" => s(rule_id), "self" => b(false),
                "source_security_group_id" => J::Null, "timeouts" => J::Null, "to_port" => n(5432),
                "type" => s("ingress"),
            };
            c.state.one("", "aws_security_group_rule", &rule, 2, a, &["module.db.aws_security_group.this"]);
            fill(PLANT_RANGE, &[("RULE", &rule), ("CIDR", cidr)])
        }
        Plant::StagingNat(t) => {
            let cidr = format!("{}/32", nets[t].nat_ips.first().map_or("0.0.0.0", String::as_str));
            let rule = format!("db_from_partner_sync{suffix}");
            let (id, rule_id) = (format!("sgrule-{}", c.rng.digits(10)), c.rng.aws("sgr"));
            let a = obj! {
                "cidr_blocks" => strs(&[&cidr]), "description" => s("Partner sync"), "from_port" => n(5432),
                "id" => s(id), "ipv6_cidr_blocks" => J::Null, "prefix_list_ids" => J::Null, "protocol" => s("tcp"),
                "security_group_id" => s(&db.sg), "security_group_rule_id" => s(rule_id), "self" => b(false),
                "source_security_group_id" => J::Null, "timeouts" => J::Null, "to_port" => n(5432),
                "type" => s("ingress"),
            };
            c.state.one("", "aws_security_group_rule", &rule, 2, a, &["module.db.aws_security_group.this"]);
            fill(PLANT_NAT, &[("RULE", &rule), ("CIDR", &cidr)])
        }
        Plant::ProdHost(t) => {
            let target = &plan.apps[t];
            let resource = format!("replica_check{suffix}");
            let tail = suffix.replace('_', "-");
            let function = format!("{name}-replica-check{tail}");
            let url_tail = format!("{}:5432/{}", target.db_address(plan), target.db_name());
            let vars = kv(&[("PRIMARY_DATABASE_URL", &format!("postgresql://readonly:{}@{url_tail}", db.password))]);
            let lambda = Lambda {
                name: &function,
                role: &api.role_arn,
                handler: "replica_check.handler",
                memory: 128,
                timeout: 60,
                filename: "build/replica-check.zip".to_owned(),
                vars,
                vpc: None,
            };
            let a = lambda_function(c, &lambda, own);
            c.state.one("", "aws_lambda_function", &resource, 0, a, &["module.service.aws_iam_role.this"]);
            c.state.sensitive(|| env_var_path("PRIMARY_DATABASE_URL"));
            let function = format!("${{local.name}}-replica-check{tail}");
            fill(PLANT_HOST, &[("RESOURCE", &resource), ("FUNCTION", &function), ("URL_TAIL", &url_tail)])
        }
        Plant::ProdQueue(t) => {
            let target = &plan.apps[t];
            let region = plan.nets[target.net].region;
            let queue_url = format!(
                "https://sqs.{region}.amazonaws.com/{}/{}-{}-events",
                target.env.account(),
                target.name(),
                COMPONENTS[0]
            );
            let resource = format!("order_mirror{suffix}");
            let tail = suffix.replace('_', "-");
            let function = format!("{name}-order-mirror{tail}");
            let vars = kv(&[
                ("MIRROR_QUEUE_URL", &queue_url),
                ("PARTNER_TOPIC_ARN", PARTNER_TOPIC_ARN),
                ("SQS_ENDPOINT", &format!("https://sqs.{region}.amazonaws.com")),
            ]);
            let lambda = Lambda {
                name: &function,
                role: &api.role_arn,
                handler: "order_mirror.handler",
                memory: 128,
                timeout: 30,
                filename: "build/order-mirror.zip".to_owned(),
                vars,
                vpc: None,
            };
            let a = lambda_function(c, &lambda, own);
            c.state.one("", "aws_lambda_function", &resource, 0, a, &["module.service.aws_iam_role.this"]);
            let function = format!("${{local.name}}-order-mirror{tail}");
            let values = [
                ("RESOURCE", resource.as_str()),
                ("FUNCTION", function.as_str()),
                ("QUEUE_URL", queue_url.as_str()),
                ("PARTNER_TOPIC_ARN", PARTNER_TOPIC_ARN),
                ("REGION", region),
            ];
            fill(PLANT_QUEUE, &values)
        }
        Plant::StagingRole(t) => {
            let target = &plan.apps[t];
            let resource = format!("deploy_bridge{suffix}");
            let tail = suffix.replace('_', "-");
            let role = format!("{name}-deploy-bridge{tail}");
            let staging = format!("arn:aws:iam::{}:role/{}-api", target.env.account(), target.name());
            let trust = format!(
                r#"{{"Statement":[{{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{{"AWS":"{staging}"}}}},{{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{{"AWS":"{}"}}}},{{"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:PrincipalOrgID":"{ORG_ID}"}}}},"Effect":"Allow","Principal":{{"AWS":"*"}}}}],"Version":"2012-10-17"}}"#,
                api.role_arn
            );
            let a = iam_role(c, &role, &trust, own);
            c.state.one("", "aws_iam_role", &resource, 0, a, &["module.service.aws_iam_role.this"]);
            let role = format!("${{local.name}}-deploy-bridge{tail}");
            let values = [
                ("RESOURCE", resource.as_str()),
                ("ROLE", role.as_str()),
                ("STAGING_ROLE_ARN", staging.as_str()),
                ("ORG_ID", ORG_ID),
            ];
            fill(PLANT_ROLE, &values)
        }
        Plant::ProdPeering(t) => {
            let target = &plan.nets[t];
            let found = &nets[t];
            let data_name = format!("{}{suffix}", target.label.replace('-', "_"));
            // `data "aws_vpc"` reads the VPC's attributes, fewer than the resource has.
            const NOT_READ: [&str; 9] = [
                "tags_all",
                "ipv4_ipam_pool_id",
                "ipv4_netmask_length",
                "assign_generated_ipv6_cidr_block",
                "ipv6_cidr_block_network_border_group",
                "ipv6_ipam_pool_id",
                "ipv6_netmask_length",
                "default_network_acl_id",
                "default_route_table_id",
            ];
            let mut vpc: Vec<(String, J)> = match found.vpc.dup() {
                J::O(kv) => kv
                    .into_iter()
                    .filter(|(k, _)| !NOT_READ.contains(&k.as_str()) && k != "default_security_group_id")
                    .collect(),
                _ => Vec::new(),
            };
            let association = c.rng.aws("vpc-cidr-assoc");
            let filters = vec![
                obj! { "name" => s("tag:Environment"), "values" => strs(&["prod"]) },
                obj! { "name" => s("tag:Name"), "values" => strs(&[&target.label]) },
            ];
            vpc.extend(attrs! {
                "cidr_block_associations" => J::A(vec![obj! { "association_id" => s(association),
                "cidr_block" => s(&found.cidr), "state" => s("associated") }]),
                "default" => b(false), "filter" => J::A(filters), "state" => J::Null, "timeouts" => J::Null,
            });
            c.state.data("aws_vpc", &data_name, sorted(vpc));
            let pcx = c.rng.aws("pcx");
            let tags = [own.to_vec(), kv(&[("Name", &format!("{name}-to-{}", target.label))])].concat();
            let a = c.tagged(
                attrs! {
                    "accept_status" => s("active"), "accepter" => empty(), "auto_accept" => J::Null, "id" => s(&pcx),
                    "peer_owner_id" => s(target.env.account()), "peer_region" => s(target.region),
                    "peer_vpc_id" => s(&found.vpc_id), "requester" => empty(), "timeouts" => J::Null,
                    "vpc_id" => s(&nets[app.net].vpc_id),
                },
                &tags,
            );
            let data = format!("data.aws_vpc.{data_name}");
            let deps = [data.as_str(), "data.terraform_remote_state.network"];
            c.state.one("", "aws_vpc_peering_connection", &data_name, 0, a, &deps);
            let values = [
                ("DATA", data_name.as_str()),
                ("LABEL", target.label.as_str()),
                ("ACCOUNT", target.env.account()),
                ("PEER_REGION", target.region),
            ];
            fill(PLANT_PEERING, &values)
        }
    }
}

/// A `data "terraform_remote_state"` of an S3 backend, read.
fn remote_state(env: Env, key: &str, outputs: &[(String, J, J)]) -> J {
    let values = sorted(outputs.iter().map(|(k, v, _)| (k.clone(), v.dup())).collect());
    let types = sorted(outputs.iter().map(|(k, _, t)| (k.clone(), t.dup())).collect());
    let config_type = obj! { "bucket" => s("string"), "key" => s("string"), "region" => s("string") };
    obj! {
        "backend" => s("s3"),
        "config" => obj! {
            "type" => J::A(vec![s("object"), config_type]),
            "value" => obj! { "bucket" => s(env.bucket()), "key" => s(key), "region" => s(STATE_REGION) },
        },
        "defaults" => J::Null,
        "outputs" => obj! { "type" => J::A(vec![s("object"), types]), "value" => values },
        "workspace" => J::Null,
    }
}

fn ssm_parameter(c: &Ctx, name: &str, value: &str, own: &[(String, String)]) -> J {
    c.tagged(
        attrs! {
            "allowed_pattern" => s(""), "arn" => s(c.arn("ssm", &format!("parameter{name}"))), "data_type" => s("text"),
            "description" => s(""), "id" => s(name), "insecure_value" => J::Null, "key_id" => s(""), "name" => s(name),
            "overwrite" => J::Null, "tier" => s("Standard"), "type" => s("String"), "value" => s(value),
            "value_wo" => J::Null,
            "value_wo_version" => J::Null, "version" => n(1),
        },
        own,
    )
}

struct Lambda<'a> {
    name: &'a str,
    role: &'a str,
    handler: &'a str,
    memory: i64,
    timeout: i64,
    filename: String,
    vars: Vec<(String, String)>,
    /// Subnets, security group, VPC.
    vpc: Option<(&'a [String], &'a str, &'a str)>,
}

fn lambda_function(c: &mut Ctx, l: &Lambda<'_>, own: &[(String, String)]) -> J {
    let arn = c.arn("lambda", &format!("function:{}", l.name));
    let invoke = format!("arn:aws:apigateway:{}:lambda:path/2015-03-31/functions/{arn}/invocations", c.region);
    let vpc_config = match l.vpc {
        Some((subnets, sg, vpc)) => vec![obj! {
            "ipv6_allowed_for_dual_stack" => b(false), "security_group_ids" => strs(&[sg]),
            "subnet_ids" => strs(subnets),
            "vpc_id" => s(vpc),
        }],
        None => Vec::new(),
    };
    let hash = c.rng.chars(43, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + "=";
    let (modified, size) = (c.rng.time().replace('Z', ".000+0000"), 2_000_000 + c.rng.below(8_000_000) as i64);
    let logging = obj! {
        "application_log_level" => s(""), "log_format" => s("Text"),
        "log_group" => s(format!("/aws/lambda/{}", l.name)),
        "system_log_level" => s(""),
    };
    c.tagged(
        attrs! {
            "architectures" => strs(&["x86_64"]), "arn" => s(&arn), "code_sha256" => s(&hash),
            "code_signing_config_arn" => s(""),
            "dead_letter_config" => empty(), "description" => s(""),
            "environment" => J::A(vec![obj! { "variables" => string_map(&l.vars) }]),
            "ephemeral_storage" => J::A(vec![obj! { "size" => n(512) }]), "file_system_config" => empty(),
            "filename" => s(&l.filename), "function_name" => s(l.name), "handler" => s(l.handler), "id" => s(l.name),
            "image_config" => empty(), "image_uri" => s(""), "invoke_arn" => s(&invoke), "kms_key_arn" => s(""),
            "last_modified" => s(modified), "layers" => empty(), "logging_config" => J::A(vec![logging]),
            "memory_size" => n(l.memory), "package_type" => s("Zip"), "publish" => b(false),
            "qualified_arn" => s(format!("{arn}:$LATEST")),
            "qualified_invoke_arn" => s(invoke.replace("/invocations", ":$LATEST/invocations")),
            "replace_security_groups_on_destroy" => J::Null, "replacement_security_group_ids" => J::Null,
            "reserved_concurrent_executions" => n(-1), "role" => s(l.role), "runtime" => s("python3.12"),
            "s3_bucket" => J::Null, "s3_key" => J::Null, "s3_object_version" => J::Null, "signing_job_arn" => s(""),
            "signing_profile_version_arn" => s(""), "skip_destroy" => b(false), "snap_start" => empty(),
            "source_code_hash" => s(&hash), "source_code_size" => n(size), "timeout" => n(l.timeout),
            "timeouts" => J::Null,
            "tracing_config" => J::A(vec![obj! { "mode" => s("PassThrough") }]), "version" => s("$LATEST"),
            "vpc_config" => J::A(vpc_config),
        },
        own,
    )
}

// ---------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------

/// The default flow log format, as AWS reports it.
const FLOW_LOG_FORMAT: &str = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} \
    ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

const LAMBDA_TRUST: &str = r#"{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"}}],"Version":"2012-10-17"}"#;
const FLOW_LOGS_TRUST: &str = r#"{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"}}],"Version":"2012-10-17"}"#;
const FLOW_LOGS_POLICY: &str = r#"{"Statement":[{"Action":["logs:CreateLogStream","logs:DescribeLogStreams","logs:PutLogEvents"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#;

const BACKEND: &str = r#"terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }

  backend "s3" {
    bucket         = "{{BUCKET}}"
    key            = "{{PATH}}/terraform.tfstate"
    region         = "{{REGION}}"
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region              = var.region
  allowed_account_ids = [local.account_ids["{{ENV}}"]]

  default_tags {
    tags = {
      Environment = var.environment
      ManagedBy   = "terraform"
      Repository  = "github.com/acme/infrastructure"
      Stack       = "{{PATH}}"
    }
  }
}

locals {
  account_ids = {
    prod    = "482913570164"
    staging = "593024681275"
    dev     = "604135792386"
  }
}
"#;

const NETWORK_VARIABLES: &str = r#"variable "region" {
  description = "AWS region of the network."
  type        = string
}

variable "environment" {
  description = "prod, staging or dev."
  type        = string
}

variable "vpc_cidr" {
  description = "The VPC's range; each environment has its own /16s."
  type        = string
}

variable "azs" {
  description = "Availability zones: one public, private and data subnet in each."
  type        = list(string)
}

variable "enable_nat" {
  description = "NAT gateways for the private subnets (one per zone)."
  type        = bool
  default     = true
}

variable "interface_endpoints" {
  description = "AWS services reached through interface endpoints instead of NAT."
  type        = list(string)
  default     = []
}

variable "static_hosts" {
  description = "Private A records: name => host number in the VPC range."
  type        = map(number)
  default     = {}
}
"#;

const NETWORK_MAIN: &str = r#"# The {{ENV}} network in {{REGION}}: the VPC the region's {{ENV}} stacks run in, its
# endpoints and private zone. Other stacks read its outputs with
# terraform_remote_state (bucket {{BUCKET}}, key {{KEY}}).

locals {
  name = "{{NAME}}"
  tags = {
    Team = "platform"
  }
}

module "vpc" {
  source = "{{MODULES}}/vpc"

  name              = local.name
  environment       = var.environment
  cidr_block        = var.vpc_cidr
  azs               = var.azs
  enable_nat        = var.enable_nat
  flow_log_role_arn = aws_iam_role.flow_logs.arn
  tags              = local.tags
}

resource "aws_iam_role" "flow_logs" {
  name = "${local.name}-flow-logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "flow_logs" {
  name = "deliver-flow-logs"
  role = aws_iam_role.flow_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
      Resource = "*"
    }]
  })
}

resource "aws_security_group" "endpoints" {
  name        = "${local.name}-endpoints"
  description = "Interface endpoints of ${local.name}"
  vpc_id      = module.vpc.vpc_id
  tags        = merge(local.tags, { Name = "${local.name}-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  security_group_id = aws_security_group.endpoints.id
  cidr_ipv4         = var.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "HTTPS from the VPC"
}

resource "aws_vpc_endpoint" "gateway" {
  for_each = toset(["dynamodb", "s3"])

  vpc_id            = module.vpc.vpc_id
  service_name      = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = module.vpc.private_route_table_ids
  tags              = merge(local.tags, { Name = "${local.name}-${each.key}" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = toset(var.interface_endpoints)

  vpc_id              = module.vpc.vpc_id
  service_name        = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = module.vpc.private_subnet_ids
  security_group_ids  = [aws_security_group.endpoints.id]
  tags                = merge(local.tags, { Name = "${local.name}-${each.key}" })
}

resource "aws_route53_zone" "internal" {
  name    = "${var.environment}.${var.region}.acme.internal"
  comment = "Private names of ${local.name}"

  vpc {
    vpc_id = module.vpc.vpc_id
  }

  tags = local.tags
}

resource "aws_route53_record" "host" {
  for_each = var.static_hosts

  zone_id = aws_route53_zone.internal.zone_id
  name    = "${each.key}.${var.environment}.${var.region}.acme.internal"
  type    = "A"
  ttl     = 300
  records = [cidrhost(var.vpc_cidr, each.value)]
}
"#;

const NETWORK_OUTPUTS: &str = r#"output "vpc_id" {
  value = module.vpc.vpc_id
}

output "vpc_cidr" {
  value = module.vpc.vpc_cidr
}

output "public_subnet_ids" {
  value = module.vpc.public_subnet_ids
}

output "private_subnet_ids" {
  value = module.vpc.private_subnet_ids
}

output "data_subnet_ids" {
  value = module.vpc.data_subnet_ids
}

output "private_route_table_ids" {
  value = module.vpc.private_route_table_ids
}

output "endpoints_security_group_id" {
  value = aws_security_group.endpoints.id
}

output "internal_zone_id" {
  value = aws_route53_zone.internal.zone_id
}
"#;

/// Declared in the source, not applied yet.
const UNAPPLIED: &str = r#"
# Added in the last commit; applied with the next release.
resource "aws_sns_topic" "alerts" {
  name = "${local.name}-alerts"
  tags = local.tags
}
"#;

const APP_VARIABLES: &str = r#"variable "region" {
  description = "AWS region the service runs in."
  type        = string
}

variable "environment" {
  description = "prod, staging or dev."
  type        = string
}

variable "service" {
  description = "The service's name, the prefix of everything it creates."
  type        = string
}

variable "team" {
  description = "Owning team, for tags and alerts."
  type        = string
}

variable "db_name" {
  type = string
}

variable "db_username" {
  type    = string
  default = "app"
}

variable "db_password" {
  description = "Set by CI from the secrets store (TF_VAR_db_password)."
  type        = string
  sensitive   = true
}

variable "db_instance_class" {
  type    = string
  default = "db.t4g.medium"
}

variable "certificate_arn" {
  description = "ACM certificate of the internal load balancer."
  type        = string
}
"#;

const APP_TFVARS: &str = r#"region            = "{{REGION}}"
environment       = "{{ENV}}"
service           = "{{SERVICE}}"
team              = "{{TEAM}}"
db_name           = "{{DB_NAME}}"
db_instance_class = "{{CLASS}}"
certificate_arn   = "{{CERTIFICATE}}"
"#;

const APP_MAIN_HEAD: &str = r#"# {{SERVICE}} in {{ENV}} ({{REGION}}): its database and one Lambda per component, behind
# an internal load balancer, in the {{NETWORK}} VPC.

data "aws_caller_identity" "current" {}

data "terraform_remote_state" "network" {
  backend = "s3"
  config = {
    bucket = "{{BUCKET}}"
    key    = "{{NETWORK_KEY}}"
    region = "{{STATE_REGION}}"
  }
}
"#;

const APP_READS_DATA: &str = r#"
# {{OTHER}} calls this service's API.
data "terraform_remote_state" "{{DATA}}" {
  backend = "s3"
  config = {
    bucket = "{{BUCKET}}"
    key    = "{{KEY}}"
    region = "{{STATE_REGION}}"
  }
}
"#;

const APP_MAIN_BODY: &str = r#"
locals {
  name = "${var.service}-${var.environment}"
  tags = {
    Service = var.service
    Team    = var.team
  }

  vpc_id             = data.terraform_remote_state.network.outputs.vpc_id
  vpc_cidr           = data.terraform_remote_state.network.outputs.vpc_cidr
  private_subnet_ids = data.terraform_remote_state.network.outputs.private_subnet_ids
  data_subnet_ids    = data.terraform_remote_state.network.outputs.data_subnet_ids

  components = {
{{COMPONENTS}}  }

  database_url = format(
    "postgresql://%s:%s@%s:%d/%s",
    var.db_username, var.db_password, module.db.address, module.db.port, var.db_name,
  )
}

module "db" {
  source = "{{MODULES}}/rds"

  name           = local.name
  environment    = var.environment
  vpc_id         = local.vpc_id
  subnet_ids     = local.data_subnet_ids
  instance_class = var.db_instance_class
  db_name        = var.db_name
  username       = var.db_username
  password       = var.db_password
  multi_az       = var.environment == "prod"
  tags           = local.tags
}

module "service" {
  source   = "{{MODULES}}/service"
  for_each = local.components

  name                 = "${local.name}-${each.key}"
  environment          = var.environment
  vpc_id               = local.vpc_id
  subnet_ids           = local.private_subnet_ids
  handler              = each.value.handler
  memory_size          = each.value.memory
  timeout              = each.value.timeout
  database_url         = local.database_url
  db_security_group_id = module.db.security_group_id
  tags                 = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "db_from_service" {
  for_each = local.components

  security_group_id            = module.db.security_group_id
  referenced_security_group_id = module.service[each.key].security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "${each.key} to PostgreSQL"
}

resource "aws_security_group" "alb" {
  name        = "${local.name}-alb"
  description = "Internal load balancer of ${local.name}"
  vpc_id      = local.vpc_id
  tags        = merge(local.tags, { Name = "${local.name}-alb" })
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  cidr_ipv4         = local.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "HTTPS from the VPC"
}

resource "aws_lb" "this" {
  name               = local.name
  internal           = true
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = local.private_subnet_ids
  tags               = local.tags
}

resource "aws_lb_target_group" "api" {
  name        = "${local.name}-api"
  target_type = "lambda"
  tags        = local.tags
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_lambda_permission" "alb" {
  statement_id   = "AllowExecutionFromALB"
  action         = "lambda:InvokeFunction"
  function_name  = module.service["api"].function_name
  principal      = "elasticloadbalancing.amazonaws.com"
  source_arn     = aws_lb_target_group.api.arn
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_lb_target_group_attachment" "api" {
  target_group_arn = aws_lb_target_group.api.arn
  target_id        = module.service["api"].function_arn
  depends_on       = [aws_lambda_permission.alb]
}
"#;

const APP_READS_RULE: &str = r#"
resource "aws_vpc_security_group_ingress_rule" "alb_from_{{DATA}}" {
  security_group_id            = aws_security_group.alb.id
  referenced_security_group_id = data.terraform_remote_state.{{DATA}}.outputs.security_group_ids["api"]
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "{{OTHER}} api"
}
"#;

const APP_PARAMETERS: &str = r#"
resource "aws_ssm_parameter" "config" {
  for_each = {
{{ENTRIES}}  }

  name  = "/${var.service}/${var.environment}/${each.key}"
  type  = "String"
  value = each.value
  tags  = local.tags
}
"#;

const PLANT_RANGE: &str = r#"
# The nightly reporting export connects from its own VPC.
resource "aws_security_group_rule" "{{RULE}}" {
  type              = "ingress"
  description       = "Nightly reporting export"
  protocol          = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_blocks       = ["{{CIDR}}"]
  security_group_id = module.db.security_group_id
}
"#;

const PLANT_NAT: &str = r#"
# The partner sync job connects through the NAT gateway it runs behind.
resource "aws_security_group_rule" "{{RULE}}" {
  type              = "ingress"
  description       = "Partner sync"
  protocol          = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_blocks       = ["{{CIDR}}"]
  security_group_id = module.db.security_group_id
}
"#;

const PLANT_HOST: &str = r#"
# Compares replication lag with the primary.
resource "aws_lambda_function" "{{RESOURCE}}" {
  function_name = "{{FUNCTION}}"
  role          = module.service["api"].role_arn
  runtime       = "python3.12"
  handler       = "replica_check.handler"
  filename      = "build/replica-check.zip"
  memory_size   = 128
  timeout       = 60

  environment {
    variables = {
      PRIMARY_DATABASE_URL = "postgresql://readonly:${var.db_password}@{{URL_TAIL}}"
    }
  }

  tags = local.tags
}
"#;

/// The organisation every account is in.
const ORG_ID: &str = "o-a1b2c3d4e5";

const PLANT_ROLE: &str = r#"
# The release pipeline of the staging app promotes builds here.
resource "aws_iam_role" "{{RESOURCE}}" {
  name = "{{ROLE}}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "{{STAGING_ROLE_ARN}}" }
        Action    = "sts:AssumeRole"
      },
      {
        Effect    = "Allow"
        Principal = { AWS = module.service["api"].role_arn }
        Action    = "sts:AssumeRole"
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = "{{ORG_ID}}" } }
      },
    ]
  })
  tags = local.tags
}
"#;

/// A partner's topic, in an account no environment lists: no finding.
const PARTNER_TOPIC_ARN: &str = "arn:aws:sns:eu-west-1:999999999999:partner-order-events";

const PLANT_QUEUE: &str = r#"
# Mirrors orders into the analytics pipeline.
resource "aws_lambda_function" "{{RESOURCE}}" {
  function_name = "{{FUNCTION}}"
  role          = module.service["api"].role_arn
  runtime       = "python3.12"
  handler       = "order_mirror.handler"
  filename      = "build/order-mirror.zip"
  memory_size   = 128
  timeout       = 30

  environment {
    variables = {
      MIRROR_QUEUE_URL  = "{{QUEUE_URL}}"
      PARTNER_TOPIC_ARN = "{{PARTNER_TOPIC_ARN}}"
      SQS_ENDPOINT      = "https://sqs.{{REGION}}.amazonaws.com"
    }
  }

  tags = local.tags
}
"#;

const PLANT_PEERING: &str = r#"
data "aws_vpc" "{{DATA}}" {
  filter {
    name   = "tag:Environment"
    values = ["prod"]
  }

  filter {
    name   = "tag:Name"
    values = ["{{LABEL}}"]
  }
}

resource "aws_vpc_peering_connection" "{{DATA}}" {
  vpc_id        = local.vpc_id
  peer_vpc_id   = data.aws_vpc.{{DATA}}.id
  peer_owner_id = "{{ACCOUNT}}"
  peer_region   = "{{PEER_REGION}}"
  tags          = merge(local.tags, { Name = "${local.name}-to-{{LABEL}}" })
}
"#;

const APP_OUTPUTS: &str = r#"output "db_address" {
  value = module.db.address
}

output "db_port" {
  value = module.db.port
}

output "db_security_group_id" {
  value = module.db.security_group_id
}

output "security_group_ids" {
  value = { for k, m in module.service : k => m.security_group_id }
}

output "function_arns" {
  value = { for k, m in module.service : k => m.function_arn }
}

output "queue_urls" {
  value = { for k, m in module.service : k => m.queue_url }
}

output "alb_dns_name" {
  value = aws_lb.this.dns_name
}

output "alb_security_group_id" {
  value = aws_security_group.alb.id
}
"#;

/// The shared modules: name, then files.
const MODULES: &[(&str, &[(&str, &str)])] = &[
    ("vpc", &[("variables.tf", VPC_VARIABLES), ("main.tf", VPC_MAIN), ("outputs.tf", VPC_OUTPUTS)]),
    ("rds", &[("variables.tf", RDS_VARIABLES), ("main.tf", RDS_MAIN), ("outputs.tf", RDS_OUTPUTS)]),
    ("service", &[("variables.tf", SERVICE_VARIABLES), ("main.tf", SERVICE_MAIN), ("outputs.tf", SERVICE_OUTPUTS)]),
];

const VPC_VARIABLES: &str = r#"variable "name" {
  description = "Name of the network (environment-region), the prefix of every name."
  type        = string
}

variable "environment" {
  description = "prod, staging or dev."
  type        = string
}

variable "cidr_block" {
  description = "The VPC's range; subnets are /24s carved from it."
  type        = string
}

variable "azs" {
  description = "Availability zones: one subnet of each tier in each."
  type        = list(string)
}

variable "enable_nat" {
  description = "One NAT gateway per zone for the private subnets."
  type        = bool
  default     = true
}

variable "flow_log_role_arn" {
  description = "Role the flow logs deliver with."
  type        = string
}

variable "tags" {
  type    = map(string)
  default = {}
}
"#;

const VPC_MAIN: &str = r#"# A VPC with public, private and data subnets in each zone: public subnets route
# to the internet gateway, private and data ones through the zone's NAT gateway.

locals {
  tags      = merge(var.tags, { Environment = var.environment })
  az_count  = length(var.azs)
  nat_count = var.enable_nat ? local.az_count : 0
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_hostnames = true
  enable_dns_support   = true

  tags = merge(local.tags, { Name = var.name })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  count = local.az_count

  vpc_id                  = aws_vpc.this.id
  cidr_block              = cidrsubnet(var.cidr_block, 8, count.index)
  availability_zone       = var.azs[count.index]
  map_public_ip_on_launch = true

  tags = merge(local.tags, { Name = format("%s-public-%s", var.name, var.azs[count.index]), Tier = "public" })
}

resource "aws_subnet" "private" {
  count = local.az_count

  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr_block, 8, 10 + count.index)
  availability_zone = var.azs[count.index]

  tags = merge(local.tags, { Name = format("%s-private-%s", var.name, var.azs[count.index]), Tier = "private" })
}

resource "aws_subnet" "data" {
  count = local.az_count

  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr_block, 8, 20 + count.index)
  availability_zone = var.azs[count.index]

  tags = merge(local.tags, { Name = format("%s-data-%s", var.name, var.azs[count.index]), Tier = "data" })
}

resource "aws_eip" "nat" {
  count = local.nat_count

  domain = "vpc"
  tags   = merge(local.tags, { Name = format("%s-nat-%s", var.name, var.azs[count.index]) })
}

resource "aws_nat_gateway" "this" {
  count = local.nat_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id
  tags          = merge(local.tags, { Name = format("%s-%s", var.name, var.azs[count.index]) })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = local.az_count

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  count = local.az_count

  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = format("%s-private-%s", var.name, var.azs[count.index]) })
}

resource "aws_route" "private_nat" {
  count = local.nat_count

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[count.index].id
}

resource "aws_route_table_association" "private" {
  count = local.az_count

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

resource "aws_route_table_association" "data" {
  count = local.az_count

  subnet_id      = aws_subnet.data[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# No rules: nothing may use the default group.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = "${var.name}-default-deny" })
}

resource "aws_cloudwatch_log_group" "flow" {
  name              = "/vpc/${var.name}/flow-logs"
  retention_in_days = var.environment == "prod" ? 365 : 30
  tags              = local.tags
}

resource "aws_flow_log" "this" {
  vpc_id          = aws_vpc.this.id
  traffic_type    = "ALL"
  iam_role_arn    = var.flow_log_role_arn
  log_destination = aws_cloudwatch_log_group.flow.arn
  tags            = local.tags
}
"#;

const VPC_OUTPUTS: &str = r#"output "vpc_id" {
  value = aws_vpc.this.id
}

output "vpc_cidr" {
  value = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  value = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  value = aws_subnet.private[*].id
}

output "data_subnet_ids" {
  value = aws_subnet.data[*].id
}

output "private_route_table_ids" {
  value = aws_route_table.private[*].id
}

output "nat_public_ips" {
  value = aws_eip.nat[*].public_ip
}
"#;

const RDS_VARIABLES: &str = r#"variable "name" {
  description = "The instance identifier, the prefix of every name."
  type        = string
}

variable "environment" {
  description = "prod, staging or dev: production gets deletion protection and a final snapshot."
  type        = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  description = "Data subnets of the VPC."
  type        = list(string)
}

variable "instance_class" {
  type = string
}

variable "allocated_storage" {
  type    = number
  default = 100
}

variable "db_name" {
  type = string
}

variable "username" {
  type = string
}

variable "password" {
  type      = string
  sensitive = true
}

variable "multi_az" {
  type    = bool
  default = false
}

variable "tags" {
  type    = map(string)
  default = {}
}
"#;

const RDS_MAIN: &str = r#"# PostgreSQL on RDS in the data subnets, with its own security group: whoever
# calls the module adds the ingress rules for its clients.

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-db"
  description = "PostgreSQL for ${var.name}"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-db" })
}

resource "aws_db_parameter_group" "this" {
  name   = var.name
  family = "postgres16"

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  tags = var.tags
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = "postgres"
  engine_version = "16.4"
  instance_class = var.instance_class

  allocated_storage = var.allocated_storage
  storage_type      = "gp3"
  storage_encrypted = true

  db_name  = var.db_name
  username = var.username
  password = var.password

  db_subnet_group_name   = aws_db_subnet_group.this.name
  parameter_group_name   = aws_db_parameter_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  multi_az               = var.multi_az

  backup_retention_period         = 7
  deletion_protection             = var.environment == "prod"
  skip_final_snapshot             = var.environment != "prod"
  final_snapshot_identifier       = "${var.name}-final"
  enabled_cloudwatch_logs_exports = ["postgresql"]

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "${var.name}-db-cpu"
  alarm_description   = "CPU of ${var.name} above 80% for 15 minutes"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.this.identifier }
  tags                = var.tags
}
"#;

const RDS_OUTPUTS: &str = r#"output "address" {
  value = aws_db_instance.this.address
}

output "port" {
  value = aws_db_instance.this.port
}

output "endpoint" {
  value = aws_db_instance.this.endpoint
}

output "arn" {
  value = aws_db_instance.this.arn
}

output "security_group_id" {
  value = aws_security_group.this.id
}
"#;

const SERVICE_VARIABLES: &str = r#"variable "name" {
  description = "The component's full name (service-environment-component)."
  type        = string
}

variable "environment" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  description = "Private subnets the function runs in."
  type        = list(string)
}

variable "handler" {
  type = string
}

variable "memory_size" {
  type    = number
  default = 256
}

variable "timeout" {
  type    = number
  default = 30
}

variable "database_url" {
  description = "postgresql:// URL of the service's database."
  type        = string
  sensitive   = true
}

variable "db_security_group_id" {
  description = "The database's security group, which the function may reach."
  type        = string
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "extra_environment" {
  type    = map(string)
  default = {}
}

variable "tags" {
  type    = map(string)
  default = {}
}
"#;

const SERVICE_MAIN: &str = r#"# One component of a service: a Lambda in the private subnets with its role, log
# group and security group (out to the database and to HTTPS only), fed by a queue.

resource "aws_iam_role" "this" {
  name = var.name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "vpc_access" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_security_group" "this" {
  name        = var.name
  description = "Lambda ${var.name}"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = var.name })
}

resource "aws_vpc_security_group_egress_rule" "db" {
  security_group_id            = aws_security_group.this.id
  referenced_security_group_id = var.db_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL"
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "AWS APIs and partners"
}

resource "aws_sqs_queue" "this" {
  name                       = "${var.name}-events"
  visibility_timeout_seconds = var.timeout * 6
  message_retention_seconds  = 345600
  sqs_managed_sse_enabled    = true
  tags                       = var.tags
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = aws_iam_role.this.arn
  runtime       = "python3.12"
  handler       = var.handler
  filename      = "build/${var.name}.zip"
  memory_size   = var.memory_size
  timeout       = var.timeout

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  environment {
    variables = merge(var.extra_environment, {
      DATABASE_URL = var.database_url
      QUEUE_URL    = aws_sqs_queue.this.url
      ENVIRONMENT  = var.environment
    })
  }

  tags       = var.tags
  depends_on = [aws_cloudwatch_log_group.this]
}

resource "aws_lambda_event_source_mapping" "queue" {
  event_source_arn = aws_sqs_queue.this.arn
  function_name    = aws_lambda_function.this.arn
  batch_size       = 10
}
"#;

const SERVICE_OUTPUTS: &str = r#"output "function_arn" {
  value = aws_lambda_function.this.arn
}

output "function_name" {
  value = aws_lambda_function.this.function_name
}

output "role_arn" {
  value = aws_iam_role.this.arn
}

output "security_group_id" {
  value = aws_security_group.this.id
}

output "queue_url" {
  value = aws_sqs_queue.this.url
}

output "queue_arn" {
  value = aws_sqs_queue.this.arn
}
"#;
