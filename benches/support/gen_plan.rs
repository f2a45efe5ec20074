#![allow(dead_code)]
//! Deterministic generator of large, realistic Terraform plan JSON, the output of
//! `terraform show -json PLANFILE` (Terraform 1.11, AWS provider 5.x), for benchmarks.
//!
//! Shapes are copied from real plans (see `fixtures/resolve/*/plan.json`): compact JSON,
//! keys of maps sorted, Go struct field order for the fixed records, unknown values left
//! out of `after` (`null` inside lists) and flagged in `after_unknown`, sensitivity in
//! `*_sensitive`, and configuration expressions with references written the way
//! Terraform writes them.
//!
//! Layout of the generated configuration:
//! - root: `aws_vpc.shared`, `aws_security_group.bastion`, two rules (one reads
//!   `data.aws_vpc.legacy`, one points at `module.network[0].sg_id`), output `bastion_sg_id`;
//! - `module "app"` (`for_each = var.services`, keys such as `orders-prod`, `eu-west-1.a`,
//!   `orders/canary[0]`), source `./modules/app`: VPC, `aws_subnet.this` (count 3), load
//!   balancer and app security groups with inline ingress/egress, `aws_security_group_rule`s,
//!   `aws_vpc_security_group_ingress_rule.lb` (for_each, string index), `aws_instance.app`
//!   (count 2), `aws_lb`, `aws_lambda_function` (DATABASE_URL from `module.db.endpoint`),
//!   sometimes `google_compute_firewall` / `azurerm_network_security_group` (count 0/1), and a
//!   nested `module "db"` (`../db`: subnet group, security group, ingress rule,
//!   `aws_db_instance` with a sensitive password);
//! - `module "network"` (`count = var.network_count`), source `./modules/network`, with
//!   `aws_security_group.app` (count 2) referenced as `aws_security_group.app[0].id`, and
//!   the same nested `module "db"`.
//!
//! Module instances are added until the requested number of resource instances is
//! reached; the last one is cut short (in dependency order). Instances are new (every
//! resource `create`: ids unknown), existing (`no-op`, `update`, `delete`+`create`, with
//! unknown values cascading to dependents: `update`, or `delete`+`create` when the
//! attribute forces replacement) or decommissioned (`delete`, key gone from
//! `var.services`). Roughly: 50% create, 35% no-op/update, 5% delete, 10% replace;
//! about 4.5 KB of JSON per resource instance; 50k instances in ~1.5 s (release).
//!
//! std only; no `crate::` paths (the file is included with `#[path]`).

#[path = "gen_common.rs"]
mod gen_common;

use gen_common::{Rng, mix};
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Writes a plan with exactly `resources` resource instances in resource_changes.
pub fn write_plan<W: Write>(out: &mut W, resources: usize, seed: u64) -> io::Result<()> {
    let g = Gen::new(resources, seed);
    let mut o = Out { w: out, b: String::with_capacity(1 << 20) };
    g.write(&mut o)?;
    o.flush()
}

/// Writes a plan of `resources` tiny resource changes (a `null_resource` each,
/// about 300 bytes): the shape where per-resource overhead shows most.
pub fn write_tiny_plan<W: Write>(out: &mut W, resources: usize) -> io::Result<()> {
    out.write_all(br#"{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":["#)?;
    for i in 0..resources {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(
            out,
            r#"{{"address":"null_resource.r[{i}]","mode":"managed","type":"null_resource","name":"r","index":{i},"provider_name":"registry.terraform.io/hashicorp/null","change":{{"actions":["create"],"before":null,"after":{{"triggers":null}},"after_unknown":{{"id":true}},"before_sensitive":false,"after_sensitive":{{}}}}}}"#
        )?;
    }
    out.write_all(b"]}")
}

/// The plan of [`write_plan`] as a string.
pub fn plan_string(resources: usize, seed: u64) -> String {
    let mut v = Vec::with_capacity(resources.saturating_mul(4800) + 64 * 1024);
    write_plan(&mut v, resources, seed).expect("writing to a Vec cannot fail");
    String::from_utf8(v).expect("the generator writes UTF-8")
}

// ---------------------------------------------------------------------------------------
// Output buffer, PRNG
// ---------------------------------------------------------------------------------------

struct Out<'a, W: Write> {
    w: &'a mut W,
    b: String,
}

impl<W: Write> Out<'_, W> {
    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.b.len() >= 1 << 20 {
            self.flush()?;
        }
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.write_all(self.b.as_bytes())?;
        self.b.clear();
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Value model and the three JSON projections Terraform derives from a value
// ---------------------------------------------------------------------------------------

type K = Cow<'static, str>;

/// A cty-like value. `U`/`UL`/`UM`: unknown primitive / list-or-set / map-or-object.
/// `Sens`: marked sensitive.
enum V {
    N,
    B(bool),
    I(i64),
    S(String),
    A(Vec<V>),
    O(Vec<(K, V)>),
    U,
    UL,
    UM,
    Sens(Box<V>),
}

fn s(x: impl Into<String>) -> V {
    V::S(x.into())
}
fn strs(xs: &[&str]) -> V {
    V::A(xs.iter().map(|x| s(*x)).collect())
}
/// Map/object with sorted keys (Go marshals maps and cty objects sorted).
fn o(mut kv: Vec<(K, V)>) -> V {
    kv.sort_by(|a, b| a.0.cmp(&b.0));
    V::O(kv)
}
fn map(kv: Vec<(String, V)>) -> V {
    o(kv.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect())
}
/// Unknown when `new`.
fn u(new: bool, v: V) -> V {
    if new { V::U } else { v }
}
fn ul(new: bool, v: V) -> V {
    if new { V::UL } else { v }
}
fn rf(r: &Ref) -> V {
    match r {
        Some(x) => s(x.as_str()),
        None => V::U,
    }
}
fn rfs(rs: &[Ref]) -> V {
    V::A(rs.iter().map(rf).collect())
}
fn sens(v: V) -> V {
    V::Sens(Box::new(v))
}

/// Object with sorted keys.
macro_rules! obj {
    ($($k:literal => $v:expr),* $(,)?) => { o(vec![$((Cow::Borrowed($k), $v)),*]) };
}
/// Record with keys in the given (Go struct) order.
macro_rules! rec {
    ($($k:literal => $v:expr),* $(,)?) => { V::O(vec![$((Cow::Borrowed($k), $v)),*]) };
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `values`, `before`, `after`: unknown object attributes left out, unknown list elements null.
    Val,
    /// `after_unknown`.
    Unk,
    /// `sensitive_values`, `*_sensitive`.
    Sens,
}

fn is_unk(v: &V) -> bool {
    match v {
        V::U | V::UL | V::UM => true,
        V::Sens(x) => is_unk(x),
        _ => false,
    }
}

fn has_unk(v: &V) -> bool {
    match v {
        V::U | V::UL | V::UM => true,
        V::Sens(x) => has_unk(x),
        V::A(xs) => xs.iter().any(has_unk),
        V::O(kv) => kv.iter().any(|(_, x)| has_unk(x)),
        _ => false,
    }
}

fn omitted(v: &V, m: Mode) -> bool {
    match m {
        Mode::Val => is_unk(v),
        Mode::Unk => match v {
            V::N | V::B(_) | V::I(_) | V::S(_) => true,
            V::Sens(x) => omitted(x, m),
            _ => false,
        },
        Mode::Sens => matches!(v, V::N | V::B(_) | V::I(_) | V::S(_) | V::U),
    }
}

fn esc(b: &mut String, x: &str) {
    b.push('"');
    if !x.bytes().any(|c| c < 0x20 || matches!(c, b'"' | b'\\' | b'<' | b'>' | b'&' | 0xE2)) {
        b.push_str(x);
    } else {
        for ch in x.chars() {
            match ch {
                '"' => b.push_str("\\\""),
                '\\' => b.push_str("\\\\"),
                '\n' => b.push_str("\\n"),
                '\r' => b.push_str("\\r"),
                '\t' => b.push_str("\\t"),
                // Go's encoding/json escapes these by default.
                '<' => b.push_str("\\u003c"),
                '>' => b.push_str("\\u003e"),
                '&' => b.push_str("\\u0026"),
                '\u{2028}' => b.push_str("\\u2028"),
                '\u{2029}' => b.push_str("\\u2029"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(b, "\\u{:04x}", c as u32);
                }
                c => b.push(c),
            }
        }
    }
    b.push('"');
}

fn wv(b: &mut String, v: &V, m: Mode) {
    match v {
        V::Sens(x) => {
            if m == Mode::Sens {
                b.push_str("true");
            } else {
                wv(b, x, m);
            }
        }
        V::A(xs) => {
            b.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    b.push(',');
                }
                wv(b, x, m);
            }
            b.push(']');
        }
        V::O(kv) => {
            b.push('{');
            let mut first = true;
            for (k, x) in kv {
                if omitted(x, m) {
                    continue;
                }
                if !first {
                    b.push(',');
                }
                first = false;
                esc(b, k);
                b.push(':');
                wv(b, x, m);
            }
            b.push('}');
        }
        _ => match m {
            Mode::Val => match v {
                V::B(x) => b.push_str(if *x { "true" } else { "false" }),
                V::I(i) => {
                    let _ = write!(b, "{i}");
                }
                V::S(x) => esc(b, x),
                _ => b.push_str("null"),
            },
            Mode::Unk => b.push_str(if is_unk(v) { "true" } else { "false" }),
            Mode::Sens => b.push_str(match v {
                V::UL => "[]",
                V::UM => "{}",
                _ => "false",
            }),
        },
    }
}

fn wkey(b: &mut String, k: &str) {
    esc(b, k);
    b.push(':');
}

// ---------------------------------------------------------------------------------------
// Model of the generated configuration
// ---------------------------------------------------------------------------------------

/// `Some(id)` when known after apply, `None` when unknown.
type Ref = Option<String>;

const REGION: &str = "eu-west-1";
const AZS: [&str; 3] = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const AZ_IDS: [&str; 3] = ["euw1-az1", "euw1-az2", "euw1-az3"];
const AMI: &str = "ami-0c1a7f89451184c8b";
const TF_VERSION: &str = "1.11.4";
const AWS: &str = "registry.terraform.io/hashicorp/aws";
const GOOGLE: &str = "registry.terraform.io/hashicorp/google";
const AZURERM: &str = "registry.terraform.io/hashicorp/azurerm";
const LAMBDA_ROLE: &str = "arn:aws:iam::111111111111:role/lambda-worker";
const BASTION_CIDR: &str = "203.0.113.0/24";
/// `data.aws_vpc.legacy.cidr_block`
const LEGACY_CIDR: &str = "10.254.0.0/16";
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
const ENVS: [&str; 3] = ["prod", "staging", "dev"];
const REGIONS: [&str; 4] = ["eu-west-1", "us-east-1", "ap-southeast-2", "eu-central-1"];
const INSTANCE_TYPES: [&str; 4] = ["t3.small", "t3.medium", "m6i.large", "c6i.xlarge"];

fn account(env: &str) -> &'static str {
    match env {
        "prod" => "111111111111",
        "staging" => "222222222222",
        _ => "333333333333",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    App,
    Net,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum St {
    New,
    Existing,
    Decom,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Act {
    Create,
    NoOp,
    Update,
    Delete,
    Replace,
}

fn unknown_after(a: Act) -> bool {
    matches!(a, Act::Create | Act::Replace)
}

#[derive(Clone, Copy)]
enum DI {
    /// the single instance
    One,
    /// same count index
    Same,
    /// a fixed index
    At(u32),
    /// all instances (splat)
    All,
}

#[derive(Clone, Copy)]
struct Dep {
    slot: usize,
    di: DI,
    attr: &'static str,
    /// changing the attribute forces replacement
    force: bool,
}

const fn d(slot: usize, di: DI, attr: &'static str, force: bool) -> Dep {
    Dep { slot, di, attr, force }
}

struct Slot {
    ty: &'static str,
    name: &'static str,
    /// -1: no count; otherwise `count` (0/1 for optional slots, decided per instance)
    count: i32,
    /// inside the nested `module.db`
    db: bool,
    /// 0: always; 1: only with legacy GCP; 2: only with legacy Azure
    opt: u8,
    deps: &'static [Dep],
    /// attribute whose change forces replacement (used for `replace_paths`)
    repl: Option<&'static str>,
    schema: u32,
    /// `for_each` keys (resource-level); empty without for_each
    keys: &'static [&'static str],
}

const fn sl(
    ty: &'static str,
    name: &'static str,
    count: i32,
    db: bool,
    deps: &'static [Dep],
    repl: Option<&'static str>,
    schema: u32,
) -> Slot {
    Slot { ty, name, count, db, opt: 0, deps, repl, schema, keys: &[] }
}

const R_VPC: usize = 0;
const R_BASTION: usize = 1;
const R_SSH: usize = 2;
const R_NET_IN: usize = 3;

static ROOT: [Slot; 4] = [
    sl("aws_vpc", "shared", -1, false, &[], None, 1),
    sl("aws_security_group", "bastion", -1, false, &[d(R_VPC, DI::One, "vpc_id", true)], None, 1),
    sl(
        "aws_security_group_rule",
        "bastion_ssh",
        -1,
        false,
        &[d(R_BASTION, DI::One, "security_group_id", true)],
        None,
        2,
    ),
    sl(
        "aws_vpc_security_group_ingress_rule",
        "network_from_bastion",
        -1,
        false,
        &[d(R_BASTION, DI::One, "referenced_security_group_id", false)],
        None,
        0,
    ),
];

const A_VPC: usize = 0;
const A_SUBNET: usize = 1;
const A_SG_LB: usize = 2;
const A_SG_APP: usize = 3;
const A_DB_SUBNETS: usize = 4;
const A_DB_SG: usize = 5;
const A_DB_RULE: usize = 6;
const A_DB: usize = 7;
const A_RULE_BASTION: usize = 8;
const A_RULE_DB: usize = 9;
const A_LB_IN: usize = 10;
/// `for_each = { http = 80, https = 443 }`
const LB_PORTS: [&str; 2] = ["http", "https"];
const A_INSTANCE: usize = 11;
const A_LB: usize = 12;
const A_LAMBDA: usize = 13;
const A_GCP: usize = 14;
const A_AZURE: usize = 15;

/// `./modules/app`, in dependency order.
static APP: [Slot; 16] = [
    sl("aws_vpc", "this", -1, false, &[], None, 1),
    sl("aws_subnet", "this", 3, false, &[d(A_VPC, DI::One, "vpc_id", true)], None, 1),
    sl("aws_security_group", "lb", -1, false, &[d(A_VPC, DI::One, "vpc_id", true)], Some("name"), 1),
    sl(
        "aws_security_group",
        "app",
        -1,
        false,
        &[d(A_VPC, DI::One, "vpc_id", true), d(A_SG_LB, DI::One, "ingress", false)],
        Some("name"),
        1,
    ),
    sl("aws_db_subnet_group", "this", -1, true, &[d(A_SUBNET, DI::All, "subnet_ids", false)], Some("name"), 0),
    sl(
        "aws_security_group",
        "db",
        -1,
        true,
        &[d(A_VPC, DI::One, "vpc_id", true), d(A_SG_APP, DI::One, "ingress", false)],
        Some("name"),
        1,
    ),
    sl(
        "aws_vpc_security_group_ingress_rule",
        "from_app",
        -1,
        true,
        &[d(A_DB_SG, DI::One, "security_group_id", true), d(A_SG_APP, DI::One, "referenced_security_group_id", false)],
        None,
        0,
    ),
    sl(
        "aws_db_instance",
        "this",
        -1,
        true,
        &[d(A_DB_SG, DI::One, "vpc_security_group_ids", false)],
        Some("identifier"),
        2,
    ),
    sl(
        "aws_security_group_rule",
        "app_from_bastion",
        -1,
        false,
        &[d(A_SG_APP, DI::One, "security_group_id", true)],
        Some("from_port"),
        2,
    ),
    sl(
        "aws_security_group_rule",
        "db_from_app",
        -1,
        false,
        &[d(A_DB_SG, DI::One, "security_group_id", true), d(A_SG_APP, DI::One, "source_security_group_id", true)],
        Some("from_port"),
        2,
    ),
    Slot {
        ty: "aws_vpc_security_group_ingress_rule",
        name: "lb",
        count: 2,
        db: false,
        opt: 0,
        deps: &[d(A_SG_LB, DI::One, "security_group_id", true)],
        repl: None,
        schema: 0,
        keys: &LB_PORTS,
    },
    sl(
        "aws_instance",
        "app",
        2,
        false,
        &[d(A_SUBNET, DI::Same, "subnet_id", true), d(A_SG_APP, DI::One, "vpc_security_group_ids", false)],
        Some("ami"),
        1,
    ),
    sl(
        "aws_lb",
        "this",
        -1,
        false,
        &[d(A_SUBNET, DI::All, "subnets", false), d(A_SG_LB, DI::One, "security_groups", false)],
        Some("name"),
        0,
    ),
    sl(
        "aws_lambda_function",
        "worker",
        -1,
        false,
        &[
            d(A_DB, DI::One, "environment", false),
            d(A_SUBNET, DI::All, "vpc_config", false),
            d(A_SG_APP, DI::One, "vpc_config", false),
        ],
        None,
        0,
    ),
    Slot {
        ty: "google_compute_firewall",
        name: "legacy",
        count: 1,
        db: false,
        opt: 1,
        deps: &[],
        repl: Some("network"),
        schema: 1,
        keys: &[],
    },
    Slot {
        ty: "azurerm_network_security_group",
        name: "legacy",
        count: 1,
        db: false,
        opt: 2,
        deps: &[],
        repl: Some("location"),
        schema: 0,
        keys: &[],
    },
];

const N_VPC: usize = 0;
const N_SUBNET: usize = 1;
const N_SG_APP: usize = 2;
const N_DB_SUBNETS: usize = 3;
const N_DB_SG: usize = 4;
const N_DB_RULE: usize = 5;
const N_DB: usize = 6;
const N_PEER: usize = 7;
const N_FROM_DB: usize = 8;
const N_NAT: usize = 9;
const N_LB: usize = 10;

/// `./modules/network`, in dependency order.
static NET: [Slot; 11] = [
    sl("aws_vpc", "this", -1, false, &[], None, 1),
    sl("aws_subnet", "this", 3, false, &[d(N_VPC, DI::One, "vpc_id", true)], None, 1),
    sl("aws_security_group", "app", 2, false, &[d(N_VPC, DI::One, "vpc_id", true)], Some("name"), 1),
    sl("aws_db_subnet_group", "this", -1, true, &[d(N_SUBNET, DI::All, "subnet_ids", false)], Some("name"), 0),
    sl(
        "aws_security_group",
        "db",
        -1,
        true,
        &[d(N_VPC, DI::One, "vpc_id", true), d(N_SG_APP, DI::At(0), "ingress", false)],
        Some("name"),
        1,
    ),
    sl(
        "aws_vpc_security_group_ingress_rule",
        "from_app",
        -1,
        true,
        &[
            d(N_DB_SG, DI::One, "security_group_id", true),
            d(N_SG_APP, DI::At(0), "referenced_security_group_id", false),
        ],
        None,
        0,
    ),
    sl(
        "aws_db_instance",
        "this",
        -1,
        true,
        &[d(N_DB_SG, DI::One, "vpc_security_group_ids", false)],
        Some("identifier"),
        2,
    ),
    sl(
        "aws_security_group_rule",
        "app_peer",
        -1,
        false,
        &[d(N_SG_APP, DI::At(0), "security_group_id", true), d(N_SG_APP, DI::At(1), "source_security_group_id", true)],
        Some("from_port"),
        2,
    ),
    sl(
        "aws_vpc_security_group_ingress_rule",
        "from_db",
        -1,
        false,
        &[
            d(N_SG_APP, DI::At(1), "security_group_id", true),
            d(N_DB_SG, DI::One, "referenced_security_group_id", false),
        ],
        None,
        0,
    ),
    sl(
        "aws_instance",
        "nat",
        -1,
        false,
        &[d(N_SUBNET, DI::At(0), "subnet_id", true), d(N_SG_APP, DI::All, "vpc_security_group_ids", false)],
        Some("ami"),
        1,
    ),
    sl(
        "aws_lb",
        "internal",
        -1,
        false,
        &[d(N_SUBNET, DI::All, "subnets", false), d(N_SG_APP, DI::At(0), "security_groups", false)],
        Some("name"),
        0,
    ),
];

fn slots(k: Kind) -> &'static [Slot] {
    match k {
        Kind::Root => &ROOT,
        Kind::App => &APP,
        Kind::Net => &NET,
    }
}

fn provider_of(ty: &str) -> &'static str {
    if ty.starts_with("google_") {
        GOOGLE
    } else if ty.starts_with("azurerm_") {
        AZURERM
    } else {
        AWS
    }
}

/// A module instance (or the root module).
struct Inst {
    kind: Kind,
    /// for_each key (app) or count index (network)
    key: String,
    n: u32,
    env: &'static str,
    st: St,
    uid: u64,
    /// resource instances actually emitted (the last instance is cut short)
    limit: usize,
    gcp: bool,
    azure: bool,
    octet: u32,
    itype: &'static str,
    /// base for names (`orders-prod`)
    base: String,
    /// absolute module address (`module.app["orders-prod"]`), empty for root
    addr: String,
    /// module path without keys (`module.app`), empty for root
    cfg: &'static str,
}

impl Inst {
    fn full_count(&self) -> usize {
        slots(self.kind).iter().map(|s| self.slot_count(s).max(1) as usize * usize::from(self.slot_count(s) != 0)).sum()
    }
    /// -1 = single, otherwise number of indexed instances
    fn slot_count(&self, s: &Slot) -> i32 {
        match s.opt {
            1 => i32::from(self.gcp),
            2 => i32::from(self.azure),
            _ => s.count,
        }
    }
    fn prefix(&self) -> String {
        if self.addr.is_empty() { String::new() } else { format!("{}.", self.addr) }
    }
}

/// One resource instance of a module instance.
struct RI {
    slot: usize,
    idx: Option<u32>,
    h: u64,
    act: Act,
    reason: Option<&'static str>,
    rpath: Option<&'static str>,
    /// `update`/`replace` chosen for its own sake (some attribute changes)
    tweak: bool,
}

struct Plan {
    ris: Vec<RI>,
    start: Vec<usize>,
    cnt: Vec<i32>,
    /// the first `incl` of `ris` (dependency order) are emitted
    incl: usize,
    /// emitted indices, sorted by address
    order: Vec<usize>,
}

impl Plan {
    fn get(&self, slot: usize, idx: u32) -> &RI {
        &self.ris[self.start[slot] + idx as usize]
    }
    fn n(&self, slot: usize) -> u32 {
        self.cnt[slot].max(1) as u32 * u32::from(self.cnt[slot] != 0)
    }
    fn included(&self, slot: usize) -> bool {
        self.n(slot) > 0 && self.start[slot] < self.incl
    }
}

fn hex_id(prefix: &str, h: u64) -> String {
    format!("{prefix}-0{h:016x}")
}

/// The `id` a reference to this resource instance yields.
fn id_of(ty: &str, h: u64) -> String {
    match ty {
        "aws_vpc" => hex_id("vpc", h),
        "aws_subnet" => hex_id("subnet", h),
        "aws_security_group" => hex_id("sg", h),
        "aws_instance" => hex_id("i", h),
        "aws_vpc_security_group_ingress_rule" => hex_id("sgr", h),
        "aws_security_group_rule" => format!("sgrule-{}", 1_000_000_000 + h % 3_000_000_000),
        "aws_db_instance" => {
            const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
            let mut x = h;
            let mut y = mix(h, 7);
            let mut out = String::from("db-");
            for i in 0..26 {
                let src = if i < 12 { &mut x } else { &mut y };
                out.push(B32[(*src & 31) as usize] as char);
                *src >>= 5;
            }
            out
        }
        _ => hex_id("x", h),
    }
}

// ---------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------

struct Gen {
    seed: u64,
    insts: Vec<Inst>,
    /// emission order: root, then module instances sorted by address
    order: Vec<usize>,
    net_count: u32,
    password: String,
    rds_suffix: String,
}

impl Gen {
    fn new(resources: usize, seed: u64) -> Gen {
        let mut rng = Rng(mix(seed, 0x5EED));
        let mut insts = Vec::new();
        let root_n = ROOT.len().min(resources);
        insts.push(Inst {
            kind: Kind::Root,
            key: String::new(),
            n: 0,
            env: "prod",
            st: St::Existing,
            uid: mix(seed, 1),
            limit: root_n,
            gcp: false,
            azure: false,
            octet: 255,
            itype: "t3.micro",
            base: "shared".into(),
            addr: String::new(),
            cfg: "",
        });
        let mut remaining = resources - root_n;
        let mut keys: HashSet<String> = HashSet::new();
        let (mut apps, mut nets) = (0u32, 0u32);
        let mut ord = 0u64;
        while remaining > 0 {
            let kind = match ord {
                0 => Kind::App,
                1 => Kind::Net,
                _ if rng.pct(68) => Kind::App,
                _ => Kind::Net,
            };
            let uid = mix(seed, 1000 + ord);
            let mut ir = Rng(uid);
            let octet = 1 + (ord % 250) as u32;
            let itype = ir.pick(&INSTANCE_TYPES);
            let inst = match kind {
                Kind::App => {
                    let i = apps as usize;
                    apps += 1;
                    let (mut key, env) = if i % 9 == 4 {
                        let env = ir.pick(&ENVS);
                        (format!("{}.{}", REGIONS[(i / 9) % REGIONS.len()], ["a", "b", "c"][(i / 36) % 3]), env)
                    } else if i % 23 == 11 {
                        let env = ir.pick(&ENVS);
                        (format!("{}/canary[{}]", SERVICES[i % SERVICES.len()], i / 23), env)
                    } else {
                        let env = ENVS[(i / SERVICES.len()) % 3];
                        (format!("{}-{}", SERVICES[i % SERVICES.len()], env), env)
                    };
                    if keys.contains(&key) {
                        key = format!("{key}-{i}");
                    }
                    keys.insert(key.clone());
                    let r = ir.below(100);
                    let st = if ord == 0 {
                        St::Existing
                    } else if r < 50 {
                        St::New
                    } else if r < 57 {
                        St::Decom
                    } else {
                        St::Existing
                    };
                    let base: String = key
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
                        .collect::<String>()
                        .trim_matches('-')
                        .to_string();
                    Inst {
                        kind,
                        addr: format!("module.app[\"{key}\"]"),
                        key,
                        n: i as u32,
                        env,
                        st,
                        uid,
                        limit: 0,
                        gcp: ir.pct(12),
                        azure: ir.pct(10),
                        octet,
                        itype,
                        base,
                        cfg: "module.app",
                    }
                }
                _ => {
                    let n = nets;
                    nets += 1;
                    let env = match ir.below(100) {
                        0..40 => "prod",
                        40..75 => "staging",
                        _ => "dev",
                    };
                    let st = if ir.pct(48) { St::New } else { St::Existing };
                    Inst {
                        kind,
                        key: n.to_string(),
                        n,
                        env,
                        st,
                        uid,
                        limit: 0,
                        gcp: false,
                        azure: false,
                        octet,
                        itype,
                        base: format!("net-{env}-{n}"),
                        addr: format!("module.network[{n}]"),
                        cfg: "module.network",
                    }
                }
            };
            let mut inst = inst;
            let full = inst.full_count();
            inst.limit = full.min(remaining);
            remaining -= inst.limit;
            insts.push(inst);
            ord += 1;
        }
        // Terraform sorts resource changes by address; all addresses of a module instance
        // share the prefix "<module address>.", so sorting instances by it keeps that order
        // (`module.network[10].` sorts before `module.network[1].`, as in Terraform).
        let mut order: Vec<usize> = (1..insts.len()).collect();
        order.sort_by_cached_key(|&i| format!("{}.", insts[i].addr));
        order.insert(0, 0);
        let mut pr = Rng(mix(seed, 0xDB));
        Gen {
            seed,
            insts,
            order,
            net_count: nets,
            password: format!("Sup3r-{:08x}-secret", pr.next() as u32),
            rds_suffix: format!("c{:010x}", pr.next() & 0xFF_FFFF_FFFF).chars().take(12).collect(),
        }
    }

    fn net0(&self) -> Option<&Inst> {
        self.insts.iter().find(|i| i.kind == Kind::Net && i.n == 0)
    }

    /// Actions of every resource instance of a module instance.
    fn plan(&self, inst: &Inst) -> Plan {
        let sls = slots(inst.kind);
        let mut ris: Vec<RI> = Vec::with_capacity(24);
        let mut start = Vec::with_capacity(sls.len());
        let mut cnt = Vec::with_capacity(sls.len());
        let mut rng = Rng(mix(inst.uid, 0xAC7));
        for (si, s) in sls.iter().enumerate() {
            let c = inst.slot_count(s);
            start.push(ris.len());
            cnt.push(c);
            let n = if c < 0 { 1 } else { c };
            for k in 0..n {
                let idx = if c < 0 { None } else { Some(k as u32) };
                let h = mix(inst.uid, ((si as u64) << 8) | k as u64);
                let (mut act, mut reason, mut rpath, mut tweak) = (Act::NoOp, None, None, false);
                match inst.st {
                    St::New => act = Act::Create,
                    St::Decom => {
                        act = Act::Delete;
                        reason = Some("delete_because_no_module");
                    }
                    St::Existing if inst.kind == Kind::Root => {}
                    St::Existing => {
                        let r = rng.below(100);
                        if r < 54 {
                        } else if r < 73 {
                            act = Act::Update;
                            tweak = true;
                        } else if let Some(a) = s.repl {
                            act = Act::Replace;
                            reason = Some("replace_because_cannot_update");
                            rpath = Some(a);
                            tweak = true;
                        } else {
                            act = Act::Update;
                            tweak = true;
                        }
                    }
                }
                // Unknown values flowing in from dependencies.
                if matches!(act, Act::NoOp | Act::Update) {
                    let mut deps_unknown: Vec<(bool, &'static str)> = Vec::new();
                    for dp in s.deps {
                        let dn = if cnt[dp.slot] < 0 { 1 } else { cnt[dp.slot] as u32 };
                        let idxs: Vec<u32> = match dp.di {
                            DI::One => vec![0],
                            DI::Same => vec![(k as u32).min(dn.saturating_sub(1))],
                            DI::At(i) => vec![i],
                            DI::All => (0..dn).collect(),
                        };
                        if idxs.iter().any(|&i| unknown_after(ris[start[dp.slot] + i as usize].act)) {
                            deps_unknown.push((dp.force, dp.attr));
                        }
                    }
                    if inst.kind == Kind::Root && si == R_NET_IN && self.net0_sg_unknown() {
                        deps_unknown.push((true, "security_group_id"));
                    }
                    if let Some(&(_, a)) = deps_unknown.iter().find(|x| x.0) {
                        act = Act::Replace;
                        reason = Some("replace_because_cannot_update");
                        rpath = Some(a);
                    } else if !deps_unknown.is_empty() && act == Act::NoOp {
                        act = Act::Update;
                    }
                }
                ris.push(RI { slot: si, idx, h, act, reason, rpath, tweak });
            }
        }
        let incl = inst.limit.min(ris.len());
        let mut order: Vec<usize> = (0..incl).collect();
        order.sort_by_cached_key(|&i| rel_addr(&sls[ris[i].slot], ris[i].idx));
        Plan { ris, start, cnt, incl, order }
    }

    fn net0_sg_unknown(&self) -> bool {
        match self.net0() {
            Some(n) if n.limit > NET_SG0_RANK => {
                let p = self.plan(n);
                unknown_after(p.get(N_SG_APP, 0).act)
            }
            Some(_) => false,
            None => false,
        }
    }

    /// Known id of `module.network[0].aws_security_group.app[0]` (prior / after).
    fn net0_sg(&self, after: bool) -> Ref {
        match self.net0() {
            Some(n) if n.limit > NET_SG0_RANK => {
                let p = self.plan(n);
                let ri = p.get(N_SG_APP, 0);
                if n.st == St::New && !after {
                    // created in this plan: the root rule pointed elsewhere before
                    return Some(hex_id("sg", mix(self.seed, 0xE0)));
                }
                if after && unknown_after(ri.act) { None } else { Some(id_of("aws_security_group", ri.h)) }
            }
            _ => Some(hex_id("sg", mix(self.seed, 0xE0))),
        }
    }

    fn bastion_sg(&self) -> String {
        id_of("aws_security_group", mix(self.insts[0].uid, (R_BASTION as u64) << 8))
    }
}

/// rank (in dependency order) of `module.network[i].aws_security_group.app[0]`
const NET_SG0_RANK: usize = 4;

fn rel_addr(s: &Slot, idx: Option<u32>) -> String {
    let mut a = String::with_capacity(64);
    if s.db {
        a.push_str("module.db.");
    }
    a.push_str(s.ty);
    a.push('.');
    a.push_str(s.name);
    if let Some(i) = idx {
        if s.keys.is_empty() {
            let _ = write!(a, "[{i}]");
        } else {
            let _ = write!(a, "[\"{}\"]", s.keys[i as usize]);
        }
    }
    a
}

// ---------------------------------------------------------------------------------------
// Resource values
// ---------------------------------------------------------------------------------------

/// Per resource instance building context.
struct P<'a> {
    g: &'a Gen,
    inst: &'a Inst,
    pl: &'a Plan,
    ri: &'a RI,
    /// building the planned `after` value (else the prior state)
    after: bool,
    /// computed attributes unknown (create / replace)
    new: bool,
    /// update for its own sake
    tw: bool,
    /// replacement for its own sake
    bm: bool,
    acct: &'static str,
}

impl P<'_> {
    fn r(&self, slot: usize, idx: u32) -> Ref {
        let ri = self.pl.get(slot, idx);
        if self.after && unknown_after(ri.act) { None } else { Some(id_of(slots(self.inst.kind)[slot].ty, ri.h)) }
    }
    fn all(&self, slot: usize) -> Vec<Ref> {
        (0..self.pl.n(slot)).map(|i| self.r(slot, i)).collect()
    }
    fn idx(&self) -> u32 {
        self.ri.idx.unwrap_or(0)
    }
    fn h(&self, k: u64) -> u64 {
        mix(self.ri.h, k)
    }
    fn arn(&self, service: &str, rest: &str) -> String {
        format!("arn:aws:{service}:{REGION}:{}:{rest}", self.acct)
    }
    fn tag_pairs(&self, name: &str) -> Vec<(String, String)> {
        let mut t =
            vec![("Environment".to_string(), self.inst.env.to_string()), ("Name".to_string(), name.to_string())];
        if self.inst.kind == Kind::App {
            t.push(("Service".into(), self.inst.base.clone()));
        }
        if self.inst.kind != Kind::Root {
            t.push(("Team".into(), ["platform", "payments", "growth", "core"][(self.inst.uid % 4) as usize].into()));
        }
        if self.tw {
            t.push(("ChangeTicket".into(), format!("CHG-{}", 10000 + self.h(9) % 90000)));
        }
        t
    }
    /// (`tags`, `tags_all`); `tags_all` adds the provider's default_tags.
    fn tags(&self, name: &str) -> (V, V) {
        let t = self.tag_pairs(name);
        let mut all = t.clone();
        all.push(("ManagedBy".into(), "terraform".into()));
        all.push(("Repository".into(), "github.com/acme/infrastructure".into()));
        (map(t.into_iter().map(|(k, v)| (k, s(v))).collect()), map(all.into_iter().map(|(k, v)| (k, s(v))).collect()))
    }
    fn cidr(&self) -> String {
        format!("10.{}.0.0/16", self.inst.octet)
    }
    fn subnet_cidr(&self, i: u32) -> String {
        format!("10.{}.{}.0/24", self.inst.octet, i)
    }
    fn name(&self, suffix: &str) -> String {
        if self.bm { format!("{}-{suffix}-v2", self.inst.base) } else { format!("{}-{suffix}", self.inst.base) }
    }
}

fn build(p: &P) -> V {
    let i = p.inst;
    let sl = &slots(i.kind)[p.ri.slot];
    match (i.kind, p.ri.slot) {
        (Kind::Root, R_VPC) => vpc(p, "10.255.0.0/16", "shared-services"),
        (Kind::Root, R_BASTION) => {
            let ing = vec![sg_rule(&[BASTION_CIDR], "SSH from the office", 22, "tcp", &[], false, 22)];
            sg(p, "bastion", "Bastion hosts", p.r(R_VPC, 0), ing, vec![egress_all()])
        }
        (Kind::Root, R_SSH) => {
            let c = [BASTION_CIDR, LEGACY_CIDR];
            sgr(p, "ingress", 22, 22, p.r(R_BASTION, 0), None, Some(&c), "SSH from VPN", false)
        }
        (Kind::Root, R_NET_IN) => vsgr(
            p,
            p.g.net0_sg(p.after),
            Some(Some(p.g.bastion_sg())),
            None,
            22,
            "SSH from bastion",
            "network-from-bastion",
        ),
        (Kind::App, A_VPC) | (Kind::Net, N_VPC) => vpc(p, &p.cidr(), &p.name("vpc")),
        (Kind::App, A_SUBNET) | (Kind::Net, N_SUBNET) => subnet(p, p.r(0, 0)),
        (Kind::App, A_SG_LB) => {
            let ing = vec![sg_rule(&["0.0.0.0/0"], "HTTPS from the internet", 443, "tcp", &[], false, 443)];
            sg(p, &p.name("lb"), "Load balancer", p.r(A_VPC, 0), ing, vec![egress_all()])
        }
        (Kind::App, A_SG_APP) => {
            let ing = vec![
                sg_rule(&[], "HTTP from the load balancer", 8080, "tcp", &[p.r(A_SG_LB, 0)], false, 8080),
                sg_rule(&[], "SSH from bastion", 22, "tcp", &[Some(p.g.bastion_sg())], false, 22),
                sg_rule(&[], "Cluster traffic", 7000, "tcp", &[], true, 7001),
            ];
            sg(
                p,
                &p.name("app"),
                &format!("Application servers for {}", i.base),
                p.r(A_VPC, 0),
                ing,
                vec![egress_all()],
            )
        }
        (Kind::Net, N_SG_APP) => {
            let ing = vec![
                sg_rule(&["10.0.0.0/8"], "Internal HTTPS", 443, "tcp", &[], false, 443),
                sg_rule(&[], "SSH from bastion", 22, "tcp", &[Some(p.g.bastion_sg())], false, 22),
            ];
            sg(
                p,
                &format!("{}-{}", p.name("app"), p.idx()),
                "Network tier security group",
                p.r(N_VPC, 0),
                ing,
                vec![egress_all()],
            )
        }
        (Kind::App, A_DB_SUBNETS) | (Kind::Net, N_DB_SUBNETS) => db_subnet_group(p, p.all(1)),
        (Kind::App, A_DB_SG) => db_sg(p, p.r(A_VPC, 0), p.r(A_SG_APP, 0)),
        (Kind::Net, N_DB_SG) => db_sg(p, p.r(N_VPC, 0), p.r(N_SG_APP, 0)),
        (Kind::App, A_DB_RULE) => vsgr(
            p,
            p.r(A_DB_SG, 0),
            Some(p.r(A_SG_APP, 0)),
            None,
            5432,
            "PostgreSQL from the application",
            "db-from-app",
        ),
        (Kind::Net, N_DB_RULE) => vsgr(
            p,
            p.r(N_DB_SG, 0),
            Some(p.r(N_SG_APP, 0)),
            None,
            5432,
            "PostgreSQL from the application",
            "db-from-app",
        ),
        (Kind::App, A_DB) => db_instance(p, p.r(A_DB_SG, 0)),
        (Kind::Net, N_DB) => db_instance(p, p.r(N_DB_SG, 0)),
        (Kind::App, A_RULE_BASTION) => {
            sgr(p, "ingress", 22, 22, p.r(A_SG_APP, 0), Some(Some(p.g.bastion_sg())), None, "SSH from bastion", false)
        }
        (Kind::App, A_RULE_DB) => sgr(
            p,
            "ingress",
            5432,
            5432,
            p.r(A_DB_SG, 0),
            Some(p.r(A_SG_APP, 0)),
            None,
            "PostgreSQL from the application",
            false,
        ),
        (Kind::App, A_LB_IN) => {
            let (port, desc) =
                if p.idx() == 0 { (80, "HTTP from the internet") } else { (443, "HTTPS from the internet") };
            vsgr(p, p.r(A_SG_LB, 0), None, Some("0.0.0.0/0"), port, desc, &format!("lb-{}", LB_PORTS[p.idx() as usize]))
        }
        (Kind::App, A_INSTANCE) => {
            let si = p.idx().min(2);
            instance(p, p.r(A_SUBNET, si), vec![p.r(A_SG_APP, 0)], si, &format!("{}-{}", p.name("app"), p.idx()))
        }
        (Kind::App, A_LB) => lb(p, false, p.all(A_SUBNET), vec![p.r(A_SG_LB, 0)], p.r(A_VPC, 0)),
        (Kind::App, A_LAMBDA) => lambda(p),
        (Kind::App, A_GCP) => gcp_firewall(p),
        (Kind::App, A_AZURE) => azure_nsg(p),
        (Kind::Net, N_PEER) => {
            sgr(p, "ingress", 0, 65535, p.r(N_SG_APP, 0), Some(p.r(N_SG_APP, 1)), None, "All TCP between tiers", false)
        }
        (Kind::Net, N_FROM_DB) => {
            vsgr(p, p.r(N_SG_APP, 1), Some(p.r(N_DB_SG, 0)), None, 6432, "PgBouncer from the database tier", "from-db")
        }
        (Kind::Net, N_NAT) => instance(p, p.r(N_SUBNET, 0), p.all(N_SG_APP), 0, &p.name("nat")),
        (Kind::Net, N_LB) => lb(p, true, p.all(N_SUBNET), vec![p.r(N_SG_APP, 0)], p.r(N_VPC, 0)),
        _ => unreachable!("no builder for {}.{}", sl.ty, sl.name),
    }
}

fn vpc(p: &P, cidr: &str, name: &str) -> V {
    let n = p.new;
    let id = hex_id("vpc", p.ri.h);
    let rtb = hex_id("rtb", p.h(1));
    let (tags, tags_all) = p.tags(name);
    obj! {
        "arn" => u(n, s(p.arn("ec2", &format!("vpc/{id}")))),
        "assign_generated_ipv6_cidr_block" => if n { V::N } else { V::B(false) },
        "cidr_block" => s(cidr),
        "default_network_acl_id" => u(n, s(hex_id("acl", p.h(2)))),
        "default_route_table_id" => u(n, s(rtb.clone())),
        "default_security_group_id" => u(n, s(hex_id("sg", p.h(3)))),
        "dhcp_options_id" => u(n, s(hex_id("dopt", mix(p.g.seed, p.acct.len() as u64)))),
        "enable_dns_hostnames" => u(n, V::B(true)),
        "enable_dns_support" => V::B(true),
        "enable_network_address_usage_metrics" => u(n, V::B(false)),
        "id" => u(n, s(id)),
        "instance_tenancy" => s("default"),
        "ipv4_ipam_pool_id" => V::N,
        "ipv4_netmask_length" => V::N,
        "ipv6_association_id" => u(n, s("")),
        "ipv6_cidr_block" => u(n, s("")),
        "ipv6_cidr_block_network_border_group" => u(n, s("")),
        "ipv6_ipam_pool_id" => if n { V::N } else { s("") },
        "ipv6_netmask_length" => if n { V::N } else { V::I(0) },
        "main_route_table_id" => u(n, s(rtb)),
        "owner_id" => u(n, s(p.acct)),
        "tags" => tags,
        "tags_all" => tags_all,
    }
}

fn subnet(p: &P, vpc: Ref) -> V {
    let n = p.new;
    let i = p.idx();
    let id = hex_id("subnet", p.ri.h);
    let (tags, tags_all) = p.tags(&format!("{}-{}", p.name("private"), AZS[i as usize % 3]));
    obj! {
        "arn" => u(n, s(p.arn("ec2", &format!("subnet/{id}")))),
        "assign_ipv6_address_on_creation" => V::B(false),
        "availability_zone" => s(AZS[i as usize % 3]),
        "availability_zone_id" => u(n, s(AZ_IDS[i as usize % 3])),
        "cidr_block" => s(p.subnet_cidr(i)),
        "customer_owned_ipv4_pool" => if n { V::N } else { s("") },
        "enable_dns64" => V::B(false),
        "enable_lni_at_device_index" => if n { V::N } else { V::I(0) },
        "enable_resource_name_dns_a_record_on_launch" => V::B(false),
        "enable_resource_name_dns_aaaa_record_on_launch" => V::B(false),
        "id" => u(n, s(id)),
        "ipv6_cidr_block" => if n { V::N } else { s("") },
        "ipv6_cidr_block_association_id" => u(n, s("")),
        "ipv6_native" => V::B(false),
        "map_customer_owned_ip_on_launch" => if n { V::N } else { V::B(false) },
        "map_public_ip_on_launch" => V::B(false),
        "outpost_arn" => if n { V::N } else { s("") },
        "owner_id" => u(n, s(p.acct)),
        "private_dns_hostname_type_on_launch" => u(n, s("ip-name")),
        "tags" => tags,
        "tags_all" => tags_all,
        "timeouts" => V::N,
        "vpc_id" => rf(&vpc),
    }
}

/// An inline `ingress`/`egress` block of `aws_security_group`.
fn sg_rule(cidrs: &[&str], desc: &str, from: i64, proto: &str, sgs: &[Ref], self_: bool, to: i64) -> V {
    obj! {
        "cidr_blocks" => strs(cidrs),
        "description" => s(desc),
        "from_port" => V::I(from),
        "ipv6_cidr_blocks" => V::A(vec![]),
        "prefix_list_ids" => V::A(vec![]),
        "protocol" => s(proto),
        "security_groups" => rfs(sgs),
        "self" => V::B(self_),
        "to_port" => V::I(to),
    }
}

fn egress_all() -> V {
    obj! {
        "cidr_blocks" => strs(&["0.0.0.0/0"]),
        "description" => s("All outbound"),
        "from_port" => V::I(0),
        "ipv6_cidr_blocks" => strs(&["::/0"]),
        "prefix_list_ids" => V::A(vec![]),
        "protocol" => s("-1"),
        "security_groups" => V::A(vec![]),
        "self" => V::B(false),
        "to_port" => V::I(0),
    }
}

fn sg(p: &P, name: &str, desc: &str, vpc: Ref, ingress: Vec<V>, egress: Vec<V>) -> V {
    let n = p.new;
    let id = hex_id("sg", p.ri.h);
    let (tags, tags_all) = p.tags(name);
    obj! {
        "arn" => u(n, s(p.arn("ec2", &format!("security-group/{id}")))),
        "description" => s(desc),
        "egress" => V::A(egress),
        "id" => u(n, s(id)),
        "ingress" => V::A(ingress),
        "name" => s(name),
        "name_prefix" => u(n, s("")),
        "owner_id" => u(n, s(p.acct)),
        "revoke_rules_on_delete" => V::B(false),
        "tags" => tags,
        "tags_all" => tags_all,
        "timeouts" => V::N,
        "vpc_id" => rf(&vpc),
    }
}

fn db_sg(p: &P, vpc: Ref, app_sg: Ref) -> V {
    let ing = vec![sg_rule(&[], "PostgreSQL from the application", 5432, "tcp", &[app_sg], false, 5432)];
    sg(p, &p.name("db"), &format!("{} PostgreSQL", p.inst.base), vpc, ing, vec![egress_all()])
}

/// `aws_security_group_rule`; `source`: `Some(ref)` for a group source, `None` for CIDRs.
#[allow(clippy::too_many_arguments)]
fn sgr(
    p: &P,
    ty: &str,
    from: i64,
    to: i64,
    sg: Ref,
    source: Option<Ref>,
    cidrs: Option<&[&str]>,
    desc: &str,
    self_: bool,
) -> V {
    let n = p.new;
    let from = if p.bm { from + 1 } else { from };
    let desc = if p.tw { format!("{desc} (reviewed)") } else { desc.to_string() };
    obj! {
        "cidr_blocks" => match cidrs { Some(c) => strs(c), None => V::N },
        "description" => s(desc),
        "from_port" => V::I(from),
        "id" => u(n, s(id_of("aws_security_group_rule", p.ri.h))),
        "ipv6_cidr_blocks" => V::N,
        "prefix_list_ids" => V::N,
        "protocol" => s("tcp"),
        "security_group_id" => rf(&sg),
        "security_group_rule_id" => u(n, s(hex_id("sgr", p.h(1)))),
        "self" => V::B(self_),
        "source_security_group_id" => match &source { Some(r) => rf(r), None => u(n, V::N) },
        "timeouts" => V::N,
        "to_port" => V::I(to),
        "type" => s(ty),
    }
}

/// `aws_vpc_security_group_ingress_rule`.
fn vsgr(p: &P, sg: Ref, referenced: Option<Ref>, cidr: Option<&str>, port: i64, desc: &str, name: &str) -> V {
    let n = p.new;
    let id = hex_id("sgr", p.ri.h);
    let (tags, tags_all) = p.tags(&p.name(name));
    obj! {
        "arn" => u(n, s(p.arn("ec2", &format!("security-group-rule/{id}")))),
        "cidr_ipv4" => match cidr { Some(c) => s(c), None => V::N },
        "cidr_ipv6" => V::N,
        "description" => s(desc),
        "from_port" => V::I(port),
        "id" => u(n, s(id.clone())),
        "ip_protocol" => s("tcp"),
        "prefix_list_id" => V::N,
        "referenced_security_group_id" => match &referenced { Some(r) => rf(r), None => V::N },
        "security_group_id" => rf(&sg),
        "security_group_rule_id" => u(n, s(id)),
        "tags" => tags,
        "tags_all" => tags_all,
        "to_port" => V::I(port),
    }
}

/// 32 pseudo-random bytes in standard base64 (what `filebase64sha256` returns).
fn b64_hash(h: u64) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bytes = [0u8; 33];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let x = mix(h, i as u64).to_le_bytes();
        chunk.copy_from_slice(&x[..chunk.len()]);
    }
    let mut out = String::with_capacity(44);
    for c in bytes[..30].chunks(3) {
        let v = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
        for sh in [18, 12, 6, 0] {
            out.push(T[((v >> sh) & 63) as usize] as char);
        }
    }
    let v = (u32::from(bytes[30]) << 16) | (u32::from(bytes[31]) << 8);
    out.push(T[((v >> 18) & 63) as usize] as char);
    out.push(T[((v >> 12) & 63) as usize] as char);
    out.push(T[((v >> 6) & 63) as usize] as char);
    out.push('=');
    out
}

fn user_data_hash(p: &P) -> String {
    // Terraform stores the SHA-1 of user_data; any 40 hex digits look the same.
    format!("{:016x}{:016x}{:08x}", mix(p.inst.uid, 11), mix(p.inst.uid, 12), mix(p.inst.uid, 13) as u32)
}

fn instance(p: &P, subnet: Ref, sgs: Vec<Ref>, subnet_idx: u32, name: &str) -> V {
    let n = p.new;
    let id = hex_id("i", p.ri.h);
    let host = 10 + p.h(1) % 240;
    let ip = format!("10.{}.{}.{}", p.inst.octet, subnet_idx, host);
    let dns = format!("ip-10-{}-{}-{}.{REGION}.compute.internal", p.inst.octet, subnet_idx, host);
    let (tags, tags_all) = p.tags(name);
    let ami = if p.bm { "ami-0f3a9d2b7c1e4a5d6" } else { AMI };
    let itype = if p.tw && p.ri.idx.unwrap_or(0) == 0 { "m6i.large" } else { p.inst.itype };
    obj! {
        "ami" => s(ami),
        "arn" => u(n, s(p.arn("ec2", &format!("instance/{id}")))),
        "associate_public_ip_address" => u(n, V::B(false)),
        "availability_zone" => u(n, s(AZS[subnet_idx as usize % 3])),
        "capacity_reservation_specification" => ul(n, V::A(vec![obj! {
            "capacity_reservation_preference" => s("open"),
            "capacity_reservation_target" => V::A(vec![]),
        }])),
        "cpu_core_count" => u(n, V::I(1)),
        "cpu_options" => ul(n, V::A(vec![obj! {
            "amd_sev_snp" => s(""),
            "core_count" => V::I(1),
            "threads_per_core" => V::I(2),
        }])),
        "cpu_threads_per_core" => u(n, V::I(2)),
        "credit_specification" => V::A(vec![]),
        "disable_api_stop" => u(n, V::B(false)),
        "disable_api_termination" => u(n, V::B(false)),
        "ebs_block_device" => ul(n, V::A(vec![])),
        "ebs_optimized" => u(n, V::B(false)),
        "enable_primary_ipv6" => u(n, V::N),
        "enclave_options" => ul(n, V::A(vec![obj! { "enabled" => V::B(false) }])),
        "ephemeral_block_device" => ul(n, V::A(vec![])),
        "get_password_data" => V::B(false),
        "hibernation" => V::N,
        "host_id" => u(n, s("")),
        "host_resource_group_arn" => u(n, V::N),
        "iam_instance_profile" => u(n, s("")),
        "id" => u(n, s(id)),
        "instance_initiated_shutdown_behavior" => u(n, s("stop")),
        "instance_lifecycle" => u(n, s("")),
        "instance_market_options" => ul(n, V::A(vec![])),
        "instance_state" => u(n, s("running")),
        "instance_type" => s(itype),
        "ipv6_address_count" => u(n, V::I(0)),
        "ipv6_addresses" => ul(n, V::A(vec![])),
        "key_name" => u(n, s("")),
        "launch_template" => V::A(vec![]),
        "maintenance_options" => ul(n, V::A(vec![obj! { "auto_recovery" => s("default") }])),
        "metadata_options" => ul(n, V::A(vec![obj! {
            "http_endpoint" => s("enabled"),
            "http_protocol_ipv6" => s("disabled"),
            "http_put_response_hop_limit" => V::I(2),
            "http_tokens" => s("required"),
            "instance_metadata_tags" => s("disabled"),
        }])),
        "monitoring" => u(n, V::B(false)),
        "network_interface" => ul(n, V::A(vec![])),
        "outpost_arn" => u(n, s("")),
        "password_data" => u(n, s("")),
        "placement_group" => u(n, s("")),
        "placement_partition_number" => u(n, V::I(0)),
        "primary_network_interface_id" => u(n, s(hex_id("eni", p.h(2)))),
        "private_dns" => u(n, s(dns)),
        "private_dns_name_options" => ul(n, V::A(vec![obj! {
            "enable_resource_name_dns_a_record" => V::B(false),
            "enable_resource_name_dns_aaaa_record" => V::B(false),
            "hostname_type" => s("ip-name"),
        }])),
        "private_ip" => u(n, s(ip)),
        "public_dns" => u(n, s("")),
        "public_ip" => u(n, s("")),
        "root_block_device" => ul(n, V::A(vec![obj! {
            "delete_on_termination" => V::B(true),
            "device_name" => s("/dev/xvda"),
            "encrypted" => V::B(true),
            "iops" => V::I(3000),
            "kms_key_id" => s(p.arn("kms", &format!("key/{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}", p.h(4) as u32, p.h(5) as u16, p.h(6) % 4096, p.h(7) % 4096, p.h(8) & 0xFFFF_FFFF_FFFF))),
            "tags" => map(vec![]),
            "tags_all" => map(vec![]),
            "throughput" => V::I(125),
            "volume_id" => s(hex_id("vol", p.h(3))),
            "volume_size" => V::I(20),
            "volume_type" => s("gp3"),
        }])),
        "secondary_private_ips" => ul(n, V::A(vec![])),
        "security_groups" => ul(n, V::A(vec![])),
        "source_dest_check" => V::B(true),
        "spot_instance_request_id" => u(n, s("")),
        "subnet_id" => rf(&subnet),
        "tags" => tags,
        "tags_all" => tags_all,
        "tenancy" => u(n, s("default")),
        "timeouts" => V::N,
        "user_data" => s(user_data_hash(p)),
        "user_data_base64" => u(n, V::N),
        "user_data_replace_on_change" => V::B(false),
        "volume_tags" => V::N,
        "vpc_security_group_ids" => rfs(&sgs),
    }
}

fn db_identifier(p: &P) -> String {
    p.name("db")
}

/// (`address`, `endpoint`) of the database of this module instance as seen by `p`.
fn db_endpoint(p: &P) -> (Ref, Ref) {
    let slot = if p.inst.kind == Kind::App { A_DB } else { N_DB };
    let ri = p.pl.get(slot, 0);
    if p.after && unknown_after(ri.act) {
        return (None, None);
    }
    let ident = format!("{}-db", p.inst.base);
    let addr = format!("{ident}.{}.{REGION}.rds.amazonaws.com", p.g.rds_suffix);
    (Some(addr.clone()), Some(format!("{addr}:5432")))
}

fn db_instance(p: &P, sg: Ref) -> V {
    let n = p.new;
    let ident = db_identifier(p);
    let (address, endpoint) = if n {
        (None, None)
    } else {
        let a = format!("{ident}.{}.{REGION}.rds.amazonaws.com", p.g.rds_suffix);
        (Some(a.clone()), Some(format!("{a}:5432")))
    };
    let prod = p.inst.env == "prod";
    let (tags, tags_all) = p.tags(&ident);
    let class = if p.tw {
        "db.r6g.large"
    } else if prod {
        "db.m6g.large"
    } else {
        "db.t4g.medium"
    };
    obj! {
        "address" => rf(&address),
        "allocated_storage" => V::I(if prod { 100 } else { 20 }),
        "allow_major_version_upgrade" => V::N,
        "apply_immediately" => V::B(false),
        "arn" => u(n, s(p.arn("rds", &format!("db:{ident}")))),
        "auto_minor_version_upgrade" => V::B(true),
        "availability_zone" => u(n, s(AZS[(p.ri.h % 3) as usize])),
        "backup_retention_period" => V::I(if prod { 14 } else { 1 }),
        "backup_target" => u(n, s("region")),
        "backup_window" => u(n, s("03:00-03:30")),
        "blue_green_update" => V::A(vec![]),
        "ca_cert_identifier" => u(n, s("rds-ca-rsa2048-g1")),
        "character_set_name" => u(n, s("")),
        "copy_tags_to_snapshot" => V::B(true),
        "custom_iam_instance_profile" => V::N,
        "customer_owned_ip_enabled" => V::N,
        "database_insights_mode" => u(n, s("standard")),
        "db_name" => s("app"),
        "db_subnet_group_name" => s(format!("{}-db", p.inst.base)),
        "dedicated_log_volume" => V::B(false),
        "delete_automated_backups" => V::B(true),
        "deletion_protection" => V::B(prod),
        "domain" => V::N,
        "domain_auth_secret_arn" => V::N,
        "domain_dns_ips" => V::N,
        "domain_fqdn" => u(n, s("")),
        "domain_iam_role_name" => V::N,
        "domain_ou" => V::N,
        "enabled_cloudwatch_logs_exports" => strs(&["postgresql"]),
        "endpoint" => rf(&endpoint),
        "engine" => s("postgres"),
        "engine_lifecycle_support" => u(n, s("open-source-rds-extended-support")),
        "engine_version" => s("16.4"),
        "engine_version_actual" => u(n, s("16.4")),
        "final_snapshot_identifier" => s(format!("{ident}-final")),
        "hosted_zone_id" => u(n, s("Z29XKXDKYMONMX")),
        "iam_database_authentication_enabled" => V::B(false),
        "id" => u(n, s(id_of("aws_db_instance", p.ri.h))),
        "identifier" => s(ident.clone()),
        "identifier_prefix" => u(n, s("")),
        "instance_class" => s(class),
        "iops" => u(n, V::I(3000)),
        "kms_key_id" => u(n, s(p.arn("kms", &format!("key/{:08x}-0000-4000-8000-{:012x}", p.h(3) as u32, p.h(4) & 0xFFFF_FFFF_FFFF)))),
        "latest_restorable_time" => u(n, s("2025-05-31T23:55:00Z")),
        "license_model" => u(n, s("postgresql-license")),
        "listener_endpoint" => ul(n, V::A(vec![])),
        "maintenance_window" => u(n, s("sun:04:00-sun:04:30")),
        "manage_master_user_password" => V::N,
        "master_user_secret" => ul(n, V::A(vec![])),
        "master_user_secret_kms_key_id" => u(n, V::N),
        "max_allocated_storage" => V::I(if prod { 500 } else { 0 }),
        "monitoring_interval" => V::I(0),
        "monitoring_role_arn" => u(n, s("")),
        "multi_az" => V::B(prod),
        "nchar_character_set_name" => u(n, s("")),
        "network_type" => u(n, s("IPV4")),
        "option_group_name" => u(n, s("default:postgres-16")),
        "parameter_group_name" => u(n, s("default.postgres16")),
        "password" => sens(s(p.g.password.clone())),
        "password_wo" => V::N,
        "password_wo_version" => V::N,
        "performance_insights_enabled" => V::B(prod),
        "performance_insights_kms_key_id" => u(n, s("")),
        "performance_insights_retention_period" => u(n, V::I(if prod { 7 } else { 0 })),
        "port" => V::I(5432),
        "publicly_accessible" => V::B(false),
        "replica_mode" => u(n, s("")),
        "replicas" => ul(n, V::A(vec![])),
        "replicate_source_db" => s(""),
        "resource_id" => u(n, s(id_of("aws_db_instance", p.ri.h))),
        "restore_to_point_in_time" => V::A(vec![]),
        "s3_import" => V::A(vec![]),
        "skip_final_snapshot" => V::B(!prod),
        "snapshot_identifier" => u(n, s("")),
        "status" => u(n, s("available")),
        "storage_encrypted" => V::B(true),
        "storage_throughput" => u(n, V::I(125)),
        "storage_type" => s("gp3"),
        "tags" => tags,
        "tags_all" => tags_all,
        "timeouts" => V::N,
        "timezone" => u(n, s("")),
        "upgrade_storage_config" => V::N,
        "username" => s("app"),
        "vpc_security_group_ids" => rfs(&[sg]),
    }
}

fn db_subnet_group(p: &P, subnets: Vec<Ref>) -> V {
    let n = p.new;
    let name = format!("{}-db", p.inst.base);
    let (tags, tags_all) = p.tags(&name);
    obj! {
        "arn" => u(n, s(p.arn("rds", &format!("subgrp:{name}")))),
        "description" => s("Managed by Terraform"),
        "id" => u(n, s(name.clone())),
        "name" => s(name),
        "name_prefix" => u(n, s("")),
        "subnet_ids" => rfs(&subnets),
        "supported_network_types" => ul(n, strs(&["IPV4"])),
        "tags" => tags,
        "tags_all" => tags_all,
        "vpc_id" => if n || subnets.iter().any(|x| x.is_none()) { V::U } else { s(hex_id("vpc", p.pl.get(0, 0).h)) },
    }
}

fn lb(p: &P, internal: bool, subnets: Vec<Ref>, sgs: Vec<Ref>, vpc: Ref) -> V {
    let n = p.new;
    let name = p.name(if internal { "int" } else { "alb" });
    let name: String = name.chars().take(32).collect::<String>().trim_end_matches('-').to_string();
    let hx = format!("{:016x}", p.h(1));
    let arn = p.arn("elasticloadbalancing", &format!("loadbalancer/app/{name}/{hx}"));
    let dns = format!(
        "{}{name}-{}.{REGION}.elb.amazonaws.com",
        if internal { "internal-" } else { "" },
        p.h(2) % 10_000_000_000
    );
    let (tags, tags_all) = p.tags(&name);
    let mapping: Vec<V> = subnets
        .iter()
        .map(|sn| {
            obj! {
                "allocation_id" => s(""),
                "ipv6_address" => s(""),
                "outpost_id" => s(""),
                "private_ipv4_address" => s(""),
                "subnet_id" => rf(sn),
            }
        })
        .collect();
    let vpc_known = !n && subnets.iter().all(|x| x.is_some());
    obj! {
        "access_logs" => V::A(vec![]),
        "arn" => u(n, s(arn.clone())),
        "arn_suffix" => u(n, s(format!("app/{name}/{hx}"))),
        "client_keep_alive" => V::I(3600),
        "connection_logs" => V::A(vec![]),
        "customer_owned_ipv4_pool" => V::N,
        "desync_mitigation_mode" => s("defensive"),
        "dns_name" => u(n, s(dns)),
        "dns_record_client_routing_policy" => V::N,
        "drop_invalid_header_fields" => V::B(false),
        "enable_cross_zone_load_balancing" => u(n, V::B(true)),
        "enable_deletion_protection" => V::B(false),
        "enable_http2" => V::B(true),
        "enable_tls_version_and_cipher_suite_headers" => V::B(false),
        "enable_waf_fail_open" => V::B(false),
        "enable_xff_client_port" => V::B(false),
        "enable_zonal_shift" => V::B(false),
        "enforce_security_group_inbound_rules_on_private_link_traffic" => u(n, s("")),
        "id" => u(n, s(arn)),
        "idle_timeout" => V::I(if p.tw { 120 } else { 60 }),
        "internal" => V::B(internal),
        "ip_address_type" => u(n, s("ipv4")),
        "ipam_pools" => V::A(vec![]),
        "load_balancer_type" => s("application"),
        "minimum_load_balancer_capacity" => V::A(vec![]),
        "name" => s(name.clone()),
        "name_prefix" => u(n, s("")),
        "preserve_host_header" => V::B(false),
        "security_groups" => rfs(&sgs),
        "subnet_mapping" => ul(n, V::A(mapping)),
        "subnets" => rfs(&subnets),
        "tags" => tags,
        "tags_all" => tags_all,
        "timeouts" => V::N,
        "vpc_id" => if vpc_known { rf(&vpc) } else { V::U },
        "xff_header_processing_mode" => s("append"),
        "zone_id" => u(n, s("Z32O12XQLNTSW2")),
    }
}

fn lambda(p: &P) -> V {
    let n = p.new;
    let name = p.name("worker");
    let arn = p.arn("lambda", &format!("function:{name}"));
    let (_, endpoint) = db_endpoint(p);
    let url = endpoint
        .map(|e| format!("postgres://app:{}@{e}/app?sslmode=require&application_name={}", p.g.password, p.inst.base));
    let mut vars = vec![
        ("DATABASE_URL".to_string(), sens(rf(&url))),
        ("ENVIRONMENT".to_string(), s(p.inst.env)),
        ("LOG_LEVEL".to_string(), s(if p.inst.env == "prod" { "info" } else { "debug" })),
        ("SERVICE".to_string(), s(p.inst.base.clone())),
    ];
    if p.tw {
        vars.push(("FEATURE_FLAGS".into(), s("batch-v2,async-retry")));
    }
    let sha = b64_hash(mix(p.inst.uid, 21));
    let (tags, tags_all) = p.tags(&name);
    let vpc_ok = !n && p.pl.get(A_VPC, 0).act != Act::Create && p.pl.get(A_VPC, 0).act != Act::Replace || !p.after;
    obj! {
        "architectures" => ul(n, strs(&["arm64"])),
        "arn" => u(n, s(arn.clone())),
        "code_sha256" => u(n, s(sha.clone())),
        "code_signing_config_arn" => u(n, s("")),
        "dead_letter_config" => V::A(vec![]),
        "description" => s(format!("Background worker for {}", p.inst.base)),
        "environment" => V::A(vec![obj! { "variables" => map(vars) }]),
        "ephemeral_storage" => ul(n, V::A(vec![obj! { "size" => V::I(512) }])),
        "file_system_config" => V::A(vec![]),
        "filename" => s("build/worker.zip"),
        "function_name" => s(name.clone()),
        "handler" => s("worker.handler"),
        "id" => u(n, s(name.clone())),
        "image_config" => V::A(vec![]),
        "image_uri" => u(n, s("")),
        "invoke_arn" => u(n, s(format!("arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}/invocations"))),
        "kms_key_arn" => u(n, s("")),
        "last_modified" => u(n, s("2025-05-20T09:14:07.000+0000")),
        "layers" => V::A(vec![]),
        "logging_config" => ul(n, V::A(vec![obj! {
            "application_log_level" => s(""),
            "log_format" => s("Text"),
            "log_group" => s(format!("/aws/lambda/{name}")),
            "system_log_level" => s(""),
        }])),
        "memory_size" => V::I(256),
        "package_type" => s("Zip"),
        "publish" => V::B(false),
        "qualified_arn" => u(n, s(format!("{arn}:$LATEST"))),
        "qualified_invoke_arn" => u(n, s(format!("arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}:$LATEST/invocations"))),
        "replace_security_groups_on_destroy" => V::N,
        "replacement_security_group_ids" => V::N,
        "reserved_concurrent_executions" => V::I(-1),
        "role" => s(LAMBDA_ROLE),
        "runtime" => s("python3.12"),
        "s3_bucket" => V::N,
        "s3_key" => V::N,
        "s3_object_version" => V::N,
        "signing_job_arn" => u(n, s("")),
        "signing_profile_version_arn" => u(n, s("")),
        "skip_destroy" => V::B(false),
        "snap_start" => V::A(vec![]),
        "source_code_hash" => s(sha),
        "source_code_size" => u(n, V::I(1_048_576 + (p.h(3) % 4_000_000) as i64)),
        "tags" => tags,
        "tags_all" => tags_all,
        "timeout" => V::I(30),
        "timeouts" => V::N,
        "tracing_config" => ul(n, V::A(vec![obj! { "mode" => s("PassThrough") }])),
        "version" => u(n, s("$LATEST")),
        "vpc_config" => V::A(vec![obj! {
            "ipv6_allowed_for_dual_stack" => V::B(false),
            "security_group_ids" => rfs(&[p.r(A_SG_APP, 0)]),
            "subnet_ids" => rfs(&p.all(A_SUBNET)),
            "vpc_id" => if vpc_ok { s(hex_id("vpc", p.pl.get(A_VPC, 0).h)) } else { V::U },
        }]),
    }
}

fn gcp_firewall(p: &P) -> V {
    let n = p.new;
    let name = p.name("legacy-db");
    let project = format!("acme-legacy-{}", p.inst.env);
    let network = if p.bm { "legacy-shared-v2" } else { "legacy-shared" };
    obj! {
        "allow" => V::A(vec![obj! { "ports" => strs(&["5432"]), "protocol" => s("tcp") }]),
        "creation_timestamp" => u(n, s("2024-11-02T08:41:17.123-07:00")),
        "deny" => V::A(vec![]),
        "description" => s(format!("PostgreSQL from {} (AWS)", p.inst.base)),
        "destination_ranges" => ul(n, V::A(vec![])),
        "direction" => s("INGRESS"),
        "disabled" => V::B(false),
        "enable_logging" => V::N,
        "id" => u(n, s(format!("projects/{project}/global/firewalls/{name}"))),
        "log_config" => V::A(vec![]),
        "name" => s(name.clone()),
        "network" => s(format!("projects/{project}/global/networks/{network}")),
        "priority" => V::I(if p.tw { 900 } else { 1000 }),
        "project" => u(n, s(project.clone())),
        "self_link" => u(n, s(format!("https://www.googleapis.com/compute/v1/projects/{project}/global/firewalls/{name}"))),
        "source_ranges" => strs(&[&p.cidr()]),
        "source_service_accounts" => V::N,
        "source_tags" => V::N,
        "target_service_accounts" => V::N,
        "target_tags" => strs(&["db"]),
        "timeouts" => V::N,
    }
}

fn azure_nsg(p: &P) -> V {
    let n = p.new;
    let name = p.name("legacy-nsg");
    let rg = format!("rg-{}", p.inst.base);
    let loc = if p.bm { "northeurope" } else { "westeurope" };
    let rule = |nm: &str, prio: i64, port: &str, src: &str| {
        obj! {
            "access" => s("Allow"),
            "description" => s(format!("{nm} from AWS")),
            "destination_address_prefix" => s("*"),
            "destination_address_prefixes" => V::A(vec![]),
            "destination_application_security_group_ids" => V::A(vec![]),
            "destination_port_range" => s(port),
            "destination_port_ranges" => V::A(vec![]),
            "direction" => s("Inbound"),
            "name" => s(nm),
            "priority" => V::I(prio),
            "protocol" => s("Tcp"),
            "source_address_prefix" => s(src),
            "source_address_prefixes" => V::A(vec![]),
            "source_application_security_group_ids" => V::A(vec![]),
            "source_port_range" => s("*"),
            "source_port_ranges" => V::A(vec![]),
        }
    };
    let cidr = p.cidr();
    obj! {
        "id" => u(n, s(format!("/subscriptions/{:08x}-1111-4222-8333-{:012x}/resourceGroups/{rg}/providers/Microsoft.Network/networkSecurityGroups/{name}", p.inst.uid as u32, p.inst.uid & 0xFFFF_FFFF_FFFF))),
        "location" => s(loc),
        "name" => s(name.clone()),
        "resource_group_name" => s(rg),
        "security_rule" => V::A(vec![rule("postgres", 100, "5432", &cidr), rule("https", 110, "443", &cidr)]),
        "tags" => {
            let mut t = vec![("environment".to_string(), s(p.inst.env)), ("managed-by".to_string(), s("terraform"))];
            if p.tw {
                t.push(("change-ticket".into(), s(format!("CHG-{}", 10000 + p.h(9) % 90000))));
            }
            map(t)
        },
        "timeouts" => V::N,
    }
}

// ---------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------

fn abs_addr(inst: &Inst, s: &Slot, idx: Option<u32>) -> String {
    let mut a = inst.prefix();
    a.push_str(&rel_addr(s, idx));
    a
}

fn module_addr(inst: &Inst, s: &Slot) -> Option<String> {
    if inst.addr.is_empty() {
        None
    } else if s.db {
        Some(format!("{}.module.db", inst.addr))
    } else {
        Some(inst.addr.clone())
    }
}

/// `depends_on` of a resource in state: configuration addresses (no instance keys).
fn depends_on(inst: &Inst, s: &Slot) -> Vec<String> {
    let sls = slots(inst.kind);
    let mut v: Vec<String> = s
        .deps
        .iter()
        .map(|dp| {
            let t = &sls[dp.slot];
            let mut a = String::new();
            if !inst.cfg.is_empty() {
                a.push_str(inst.cfg);
                a.push('.');
            }
            if t.db {
                a.push_str("module.db.");
            }
            let _ = write!(a, "{}.{}", t.ty, t.name);
            a
        })
        .collect();
    let bastion_users =
        matches!((inst.kind, s.name), (Kind::App, "app_from_bastion") | (Kind::App, "app") | (Kind::Net, "app"))
            && s.ty.starts_with("aws_security_group");
    if bastion_users {
        v.push("aws_security_group.bastion".into());
    }
    if inst.kind == Kind::Root && s.name == "network_from_bastion" {
        v.push("module.network.aws_security_group.app".into());
    }
    v.sort();
    v.dedup();
    v
}

impl Gen {
    fn ctx<'a>(&'a self, inst: &'a Inst, pl: &'a Plan, ri: &'a RI, after: bool) -> P<'a> {
        P {
            g: self,
            inst,
            pl,
            ri,
            after,
            new: after && unknown_after(ri.act),
            tw: after && ri.tweak && ri.act == Act::Update,
            bm: after && ri.tweak && ri.act == Act::Replace,
            acct: account(inst.env),
        }
    }

    fn write<W: Write>(&self, o: &mut Out<W>) -> io::Result<()> {
        let b = &mut o.b;
        b.push_str("{\"format_version\":\"1.2\",\"terraform_version\":\"");
        b.push_str(TF_VERSION);
        b.push_str("\",\"variables\":");
        self.w_variables(b);
        // planned_values
        b.push_str(",\"planned_values\":{\"outputs\":");
        self.w_outputs_values(b);
        b.push_str(",\"root_module\":");
        self.w_module_values(o, true)?;
        o.b.push_str("},\"resource_changes\":[");
        self.w_resource_changes(o)?;
        let b = &mut o.b;
        b.push_str("],\"output_changes\":{\"bastion_sg_id\":{\"actions\":[\"no-op\"],\"before\":");
        let bid = self.bastion_sg();
        esc(b, &bid);
        b.push_str(",\"after\":");
        esc(b, &bid);
        b.push_str(",\"after_unknown\":false,\"before_sensitive\":false,\"after_sensitive\":false}}");
        b.push_str(",\"prior_state\":{\"format_version\":\"1.0\",\"terraform_version\":\"");
        b.push_str(TF_VERSION);
        b.push_str("\",\"values\":{\"outputs\":");
        self.w_outputs_values(b);
        b.push_str(",\"root_module\":");
        self.w_module_values(o, false)?;
        o.b.push_str("}},\"configuration\":");
        self.w_configuration(&mut o.b);
        o.b.push_str(",\"relevant_attributes\":[");
        self.w_relevant(o)?;
        let b = &mut o.b;
        let ts = 1_748_736_000 + self.seed % 10_000_000;
        b.push_str("],\"timestamp\":\"");
        b.push_str(&rfc3339(ts));
        b.push_str("\",\"applyable\":true,\"complete\":true,\"errored\":false}\n");
        Ok(())
    }

    fn w_variables(&self, b: &mut String) {
        b.push_str("{\"bastion_cidr\":{\"value\":");
        esc(b, BASTION_CIDR);
        b.push_str("},\"db_password\":{\"value\":");
        esc(b, &self.password);
        b.push_str("},\"lambda_role_arn\":{\"value\":");
        esc(b, LAMBDA_ROLE);
        let _ =
            write!(b, "}},\"network_count\":{{\"value\":{}}},\"network_environments\":{{\"value\":[", self.net_count);
        let mut nets: Vec<&Inst> = self.insts.iter().filter(|i| i.kind == Kind::Net).collect();
        nets.sort_by_key(|i| i.n);
        for (k, i) in nets.iter().enumerate() {
            if k > 0 {
                b.push(',');
            }
            esc(b, i.env);
        }
        b.push_str("]},\"region\":{\"value\":\"eu-west-1\"},\"services\":{\"value\":{");
        let mut apps: Vec<&Inst> = self.insts.iter().filter(|i| i.kind == Kind::App && i.st != St::Decom).collect();
        apps.sort_by(|a, c| a.key.cmp(&c.key));
        for (k, i) in apps.iter().enumerate() {
            if k > 0 {
                b.push(',');
            }
            esc(b, &i.key);
            b.push_str(":{\"environment\":");
            esc(b, i.env);
            b.push_str(",\"instance_type\":");
            esc(b, i.itype);
            let _ = write!(
                b,
                ",\"legacy_azure\":{},\"legacy_gcp\":{},\"vpc_cidr\":\"10.{}.0.0/16\"}}",
                i.azure, i.gcp, i.octet
            );
        }
        b.push_str("}}}");
    }

    fn w_outputs_values(&self, b: &mut String) {
        b.push_str("{\"bastion_sg_id\":{\"sensitive\":false,\"value\":");
        esc(b, &self.bastion_sg());
        b.push_str(",\"type\":\"string\"}}");
    }

    /// `planned_values.root_module` (`planned`) or `prior_state.values.root_module`.
    fn w_module_values<W: Write>(&self, o: &mut Out<W>, planned: bool) -> io::Result<()> {
        let keep = |a: Act| if planned { a != Act::Delete } else { a != Act::Create };
        let root = &self.insts[0];
        let rp = self.plan(root);
        o.b.push_str("{\"resources\":[");
        let mut first = true;
        for &k in &rp.order {
            let ri = &rp.ris[k];
            if keep(ri.act) {
                self.w_value_resource(&mut o.b, &mut first, root, &rp, ri, planned);
            }
        }
        // A data source read during planning: in planned values and the refreshed state.
        if !first {
            o.b.push(',');
        }
        self.w_data_vpc(&mut o.b);
        o.b.push_str("],\"child_modules\":[");
        let mut first_mod = true;
        for &ii in &self.order[1..] {
            let inst = &self.insts[ii];
            if (planned && inst.st == St::Decom) || (!planned && inst.st == St::New) {
                continue;
            }
            let pl = self.plan(inst);
            let own: Vec<&RI> =
                pl.order.iter().map(|&k| &pl.ris[k]).filter(|r| !slots(inst.kind)[r.slot].db && keep(r.act)).collect();
            let db: Vec<&RI> =
                pl.order.iter().map(|&k| &pl.ris[k]).filter(|r| slots(inst.kind)[r.slot].db && keep(r.act)).collect();
            if own.is_empty() && db.is_empty() {
                continue;
            }
            let b = &mut o.b;
            if !first_mod {
                b.push(',');
            }
            first_mod = false;
            b.push('{');
            if !own.is_empty() {
                b.push_str("\"resources\":[");
                let mut first = true;
                for ri in own {
                    self.w_value_resource(b, &mut first, inst, &pl, ri, planned);
                }
                b.push_str("],");
            }
            b.push_str("\"address\":");
            esc(b, &inst.addr);
            if !db.is_empty() {
                b.push_str(",\"child_modules\":[{\"resources\":[");
                let mut first = true;
                for ri in db {
                    self.w_value_resource(b, &mut first, inst, &pl, ri, planned);
                }
                b.push_str("],\"address\":");
                esc(b, &format!("{}.module.db", inst.addr));
                b.push_str("}]");
            }
            b.push('}');
            o.maybe_flush()?;
        }
        o.b.push_str("]}");
        Ok(())
    }

    fn w_value_resource(&self, b: &mut String, first: &mut bool, inst: &Inst, pl: &Plan, ri: &RI, planned: bool) {
        let s = &slots(inst.kind)[ri.slot];
        if !*first {
            b.push(',');
        }
        *first = false;
        let v = build(&self.ctx(inst, pl, ri, planned));
        b.push_str("{\"address\":");
        esc(b, &abs_addr(inst, s, ri.idx));
        self.w_head(b, s, ri);
        let _ = write!(b, ",\"schema_version\":{},\"values\":", s.schema);
        wv(b, &v, Mode::Val);
        b.push_str(",\"sensitive_values\":");
        wv(b, &v, Mode::Sens);
        if !planned {
            let deps = depends_on(inst, s);
            if !deps.is_empty() {
                b.push_str(",\"depends_on\":[");
                for (k, d) in deps.iter().enumerate() {
                    if k > 0 {
                        b.push(',');
                    }
                    esc(b, d);
                }
                b.push(']');
            }
        }
        b.push('}');
    }

    fn w_data_vpc(&self, b: &mut String) {
        let h = mix(self.seed, 0x1E6A);
        let id = hex_id("vpc", h);
        let v = obj! {
            "arn" => s(format!("arn:aws:ec2:{REGION}:111111111111:vpc/{id}")),
            "cidr_block" => s(LEGACY_CIDR),
            "cidr_block_associations" => V::A(vec![obj! {
                "association_id" => s(hex_id("vpc-cidr-assoc", mix(h, 1))),
                "cidr_block" => s(LEGACY_CIDR),
                "state" => s("associated"),
            }]),
            "default" => V::B(false),
            "dhcp_options_id" => s(hex_id("dopt", mix(h, 2))),
            "enable_dns_hostnames" => V::B(true),
            "enable_dns_support" => V::B(true),
            "enable_network_address_usage_metrics" => V::B(false),
            "filter" => V::N,
            "id" => s(id),
            "instance_tenancy" => s("default"),
            "ipv6_association_id" => s(""),
            "ipv6_cidr_block" => s(""),
            "main_route_table_id" => s(hex_id("rtb", mix(h, 3))),
            "owner_id" => s("111111111111"),
            "state" => V::N,
            "tags" => map(vec![("Environment".into(), s("prod")), ("Name".into(), s("legacy-shared"))]),
            "timeouts" => V::N,
        };
        b.push_str("{\"address\":\"data.aws_vpc.legacy\",\"mode\":\"data\",\"type\":\"aws_vpc\",\"name\":\"legacy\",\"provider_name\":");
        esc(b, AWS);
        b.push_str(",\"schema_version\":0,\"values\":");
        wv(b, &v, Mode::Val);
        b.push_str(",\"sensitive_values\":");
        wv(b, &v, Mode::Sens);
        b.push('}');
    }

    /// `mode`, `type`, `name`, `index`, `provider_name`.
    fn w_head(&self, b: &mut String, s: &Slot, ri: &RI) {
        b.push_str(",\"mode\":\"managed\",\"type\":");
        esc(b, s.ty);
        b.push_str(",\"name\":");
        esc(b, s.name);
        if let Some(i) = ri.idx {
            if s.keys.is_empty() {
                let _ = write!(b, ",\"index\":{i}");
            } else {
                b.push_str(",\"index\":");
                esc(b, s.keys[i as usize]);
            }
        }
        b.push_str(",\"provider_name\":");
        esc(b, provider_of(s.ty));
    }

    fn w_resource_changes<W: Write>(&self, o: &mut Out<W>) -> io::Result<()> {
        let mut first = true;
        for &ii in &self.order {
            let inst = &self.insts[ii];
            let pl = self.plan(inst);
            for &k in &pl.order {
                self.w_change(&mut o.b, &mut first, inst, &pl, &pl.ris[k]);
            }
            o.maybe_flush()?;
        }
        Ok(())
    }

    fn w_change(&self, b: &mut String, first: &mut bool, inst: &Inst, pl: &Plan, ri: &RI) {
        let s = &slots(inst.kind)[ri.slot];
        if !*first {
            b.push(',');
        }
        *first = false;
        let before = if ri.act == Act::Create { V::N } else { build(&self.ctx(inst, pl, ri, false)) };
        let after = if ri.act == Act::Delete { V::N } else { build(&self.ctx(inst, pl, ri, true)) };
        b.push_str("{\"address\":");
        esc(b, &abs_addr(inst, s, ri.idx));
        // Now and then a group was renamed with a `moved` block.
        if inst.kind == Kind::App && ri.slot == A_SG_LB && matches!(ri.act, Act::NoOp | Act::Update) && ri.h & 7 == 0 {
            b.push_str(",\"previous_address\":");
            esc(b, &format!("{}aws_security_group.alb", inst.prefix()));
        }
        if let Some(m) = module_addr(inst, s) {
            b.push_str(",\"module_address\":");
            esc(b, &m);
        }
        self.w_head(b, s, ri);
        b.push_str(",\"change\":{\"actions\":");
        b.push_str(match ri.act {
            Act::Create => "[\"create\"]",
            Act::NoOp => "[\"no-op\"]",
            Act::Update => "[\"update\"]",
            Act::Delete => "[\"delete\"]",
            Act::Replace => "[\"delete\",\"create\"]",
        });
        b.push_str(",\"before\":");
        wv(b, &before, Mode::Val);
        b.push_str(",\"after\":");
        wv(b, &after, Mode::Val);
        b.push_str(",\"after_unknown\":");
        if has_unk(&after) {
            wv(b, &after, Mode::Unk);
        } else {
            b.push_str("{}");
        }
        b.push_str(",\"before_sensitive\":");
        wv(b, &before, Mode::Sens);
        b.push_str(",\"after_sensitive\":");
        wv(b, &after, Mode::Sens);
        if let Some(rp) = ri.rpath {
            b.push_str(",\"replace_paths\":[[");
            esc(b, rp);
            b.push_str("]]");
        }
        b.push('}');
        if let Some(r) = ri.reason {
            b.push_str(",\"action_reason\":");
            esc(b, r);
        }
        b.push('}');
    }

    fn w_relevant<W: Write>(&self, o: &mut Out<W>) -> io::Result<()> {
        let mut first = true;
        let mut item = |b: &mut String, res: &str, attr: Option<&str>| {
            if !first {
                b.push(',');
            }
            first = false;
            b.push_str("{\"resource\":");
            esc(b, res);
            b.push_str(",\"attribute\":[");
            if let Some(a) = attr {
                esc(b, a);
            }
            b.push_str("]}");
        };
        item(&mut o.b, "aws_security_group.bastion", Some("id"));
        item(&mut o.b, "aws_vpc.shared", Some("id"));
        item(&mut o.b, "data.aws_vpc.legacy", Some("cidr_block"));
        for &ii in &self.order[1..] {
            let inst = &self.insts[ii];
            if inst.st == St::Decom {
                continue;
            }
            let pl = self.plan(inst);
            let p = inst.prefix();
            let b = &mut o.b;
            let list: &[(usize, &str, Option<&str>)] = match inst.kind {
                Kind::App => &[
                    (A_VPC, "aws_vpc.this", Some("id")),
                    (A_SUBNET, "aws_subnet.this", None),
                    (A_SG_LB, "aws_security_group.lb", Some("id")),
                    (A_LB_IN, "aws_vpc_security_group_ingress_rule.lb", None),
                    (A_SG_APP, "aws_security_group.app", Some("id")),
                    (A_DB_SUBNETS, "module.db.aws_db_subnet_group.this", Some("name")),
                    (A_DB_SG, "module.db.aws_security_group.db", Some("id")),
                    (A_DB, "module.db.aws_db_instance.this", Some("endpoint")),
                ],
                _ => &[
                    (N_VPC, "aws_vpc.this", Some("id")),
                    (N_SUBNET, "aws_subnet.this", None),
                    (N_SUBNET, "aws_subnet.this[0]", Some("id")),
                    (N_SG_APP, "aws_security_group.app", None),
                    (N_SG_APP, "aws_security_group.app[0]", Some("id")),
                    (N_SG_APP, "aws_security_group.app[1]", Some("id")),
                    (N_DB_SG, "module.db.aws_security_group.db", Some("id")),
                    (N_DB, "module.db.aws_db_instance.this", Some("endpoint")),
                ],
            };
            for &(slot, rel, attr) in list {
                if pl.included(slot) {
                    item(b, &format!("{p}{rel}"), attr);
                }
            }
            o.maybe_flush()?;
        }
        Ok(())
    }
}

fn rfc3339(t: u64) -> String {
    // civil-from-days (Howard Hinnant)
    let days = (t / 86_400) as i64;
    let sod = t % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let dd = doy - (153 * mp + 2) / 5 + 1;
    let mm = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if mm <= 2 { y + 1 } else { y };
    format!("{y:04}-{mm:02}-{dd:02}T{:02}:{:02}:{:02}Z", sod / 3600, sod / 60 % 60, sod % 60)
}

// ---------------------------------------------------------------------------------------
// configuration
// ---------------------------------------------------------------------------------------

fn cv(v: V) -> V {
    rec! { "constant_value" => v }
}
fn refs(xs: &[&str]) -> V {
    rec! { "references" => strs(xs) }
}
fn cs(x: &str) -> V {
    cv(s(x))
}
fn ci(x: i64) -> V {
    cv(V::I(x))
}
fn cb(x: bool) -> V {
    cv(V::B(x))
}

struct CRes {
    ty: &'static str,
    name: &'static str,
    exprs: Vec<(&'static str, V)>,
    schema: u32,
    count: Option<V>,
    for_each: Option<V>,
}

fn cres(ty: &'static str, name: &'static str, schema: u32, exprs: Vec<(&'static str, V)>) -> CRes {
    CRes { ty, name, exprs, schema, count: None, for_each: None }
}

fn cres_v(r: CRes) -> V {
    let key = match provider_of(r.ty) {
        GOOGLE => "google",
        AZURERM => "azurerm",
        _ => "aws",
    };
    let mut kv: Vec<(K, V)> = vec![
        (Cow::Borrowed("address"), s(format!("{}.{}", r.ty, r.name))),
        (Cow::Borrowed("mode"), s("managed")),
        (Cow::Borrowed("type"), s(r.ty)),
        (Cow::Borrowed("name"), s(r.name)),
        (Cow::Borrowed("provider_config_key"), s(key)),
        (Cow::Borrowed("expressions"), o(r.exprs.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)).collect())),
        (Cow::Borrowed("schema_version"), V::I(i64::from(r.schema))),
    ];
    if let Some(c) = r.count {
        kv.push((Cow::Borrowed("count_expression"), c));
    }
    if let Some(f) = r.for_each {
        kv.push((Cow::Borrowed("for_each_expression"), f));
    }
    V::O(kv)
}

fn tags_expr(extra: &[&str]) -> V {
    let mut v = vec!["local.common_tags", "var.name"];
    v.extend_from_slice(extra);
    refs(&v)
}

fn rule_block(cidrs: V, desc: &str, from: i64, proto: &str, sgs: V, self_: V, to: i64) -> V {
    obj! {
        "cidr_blocks" => cidrs,
        "description" => s(desc),
        "from_port" => V::I(from),
        "ipv6_cidr_blocks" => V::N,
        "prefix_list_ids" => V::N,
        "protocol" => s(proto),
        "security_groups" => sgs,
        "self" => self_,
        "to_port" => V::I(to),
    }
}

fn egress_const() -> V {
    cv(V::A(vec![rule_block(strs(&["0.0.0.0/0"]), "All outbound", 0, "-1", V::N, V::N, 0)]))
}

fn var(default: Option<V>, desc: Option<&str>, sensitive: bool) -> V {
    let mut kv: Vec<(K, V)> = Vec::new();
    if let Some(d) = default {
        kv.push((Cow::Borrowed("default"), d));
    }
    if let Some(d) = desc {
        kv.push((Cow::Borrowed("description"), s(d)));
    }
    if sensitive {
        kv.push((Cow::Borrowed("sensitive"), V::B(true)));
    }
    V::O(kv)
}

fn output(sensitive: bool, e: V, desc: Option<&str>) -> V {
    let mut kv: Vec<(K, V)> = Vec::new();
    if sensitive {
        kv.push((Cow::Borrowed("sensitive"), V::B(true)));
    }
    kv.push((Cow::Borrowed("expression"), e));
    if let Some(d) = desc {
        kv.push((Cow::Borrowed("description"), s(d)));
    }
    V::O(kv)
}

/// `module` body: outputs, resources, module_calls, variables.
fn module_v(
    outputs: Vec<(&'static str, V)>,
    resources: Vec<CRes>,
    calls: Vec<(&'static str, V)>,
    vars: Vec<(&'static str, V)>,
) -> V {
    let mut kv: Vec<(K, V)> = Vec::new();
    if !outputs.is_empty() {
        kv.push((Cow::Borrowed("outputs"), o(outputs.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)).collect())));
    }
    let mut res: Vec<CRes> = resources;
    res.sort_by(|a, b| (a.ty, a.name).cmp(&(b.ty, b.name)));
    kv.push((Cow::Borrowed("resources"), V::A(res.into_iter().map(cres_v).collect())));
    if !calls.is_empty() {
        kv.push((Cow::Borrowed("module_calls"), o(calls.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)).collect())));
    }
    if !vars.is_empty() {
        kv.push((Cow::Borrowed("variables"), o(vars.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)).collect())));
    }
    V::O(kv)
}

fn module_call(source: &str, exprs: Vec<(&'static str, V)>, count: Option<V>, for_each: Option<V>, module: V) -> V {
    let mut kv: Vec<(K, V)> = vec![
        (Cow::Borrowed("source"), s(source)),
        (Cow::Borrowed("expressions"), o(exprs.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)).collect())),
    ];
    if let Some(c) = count {
        kv.push((Cow::Borrowed("count_expression"), c));
    }
    if let Some(f) = for_each {
        kv.push((Cow::Borrowed("for_each_expression"), f));
    }
    kv.push((Cow::Borrowed("module"), module));
    V::O(kv)
}

/// `./modules/db`; `app_sg` is the reference list for `app_sg_id` in the caller.
fn db_module_call(app_sg: &[&str]) -> V {
    let ing = refs(&["var.app_sg_id"]);
    let resources = vec![
        cres(
            "aws_db_subnet_group",
            "this",
            0,
            vec![
                ("name", refs(&["var.name"])),
                ("subnet_ids", refs(&["var.subnet_ids"])),
                ("tags", refs(&["local.tags", "var.name"])),
            ],
        ),
        cres(
            "aws_security_group",
            "db",
            1,
            vec![
                ("description", refs(&["var.name"])),
                ("egress", egress_const()),
                ("ingress", ing),
                ("name", refs(&["var.name"])),
                ("tags", refs(&["local.tags", "var.name"])),
                ("vpc_id", refs(&["var.vpc_id"])),
            ],
        ),
        cres(
            "aws_vpc_security_group_ingress_rule",
            "from_app",
            0,
            vec![
                ("description", cs("PostgreSQL from the application")),
                ("from_port", ci(5432)),
                ("ip_protocol", cs("tcp")),
                ("referenced_security_group_id", refs(&["var.app_sg_id"])),
                ("security_group_id", refs(&["aws_security_group.db.id", "aws_security_group.db"])),
                ("tags", refs(&["local.tags", "var.name"])),
                ("to_port", ci(5432)),
            ],
        ),
        cres(
            "aws_db_instance",
            "this",
            2,
            vec![
                ("allocated_storage", refs(&["var.environment"])),
                ("backup_retention_period", refs(&["var.environment"])),
                ("copy_tags_to_snapshot", cb(true)),
                ("db_name", cs("app")),
                ("db_subnet_group_name", refs(&["aws_db_subnet_group.this.name", "aws_db_subnet_group.this"])),
                ("deletion_protection", refs(&["var.environment"])),
                ("enabled_cloudwatch_logs_exports", cv(strs(&["postgresql"]))),
                ("engine", cs("postgres")),
                ("engine_version", cs("16.4")),
                ("final_snapshot_identifier", refs(&["var.name"])),
                ("identifier", refs(&["var.name"])),
                ("instance_class", refs(&["var.instance_class", "var.environment"])),
                ("max_allocated_storage", refs(&["var.environment"])),
                ("multi_az", refs(&["var.environment"])),
                ("password", refs(&["var.password"])),
                ("performance_insights_enabled", refs(&["var.environment"])),
                ("port", ci(5432)),
                ("publicly_accessible", cb(false)),
                ("skip_final_snapshot", refs(&["var.environment"])),
                ("storage_encrypted", cb(true)),
                ("storage_type", cs("gp3")),
                ("tags", refs(&["local.tags", "var.name"])),
                ("username", cs("app")),
                ("vpc_security_group_ids", refs(&["aws_security_group.db.id", "aws_security_group.db"])),
            ],
        ),
    ];
    let outputs = vec![
        ("address", output(false, refs(&["aws_db_instance.this.address", "aws_db_instance.this"]), None)),
        (
            "endpoint",
            output(
                false,
                refs(&["aws_db_instance.this.endpoint", "aws_db_instance.this"]),
                Some("host:port of the database"),
            ),
        ),
        ("sg_id", output(false, refs(&["aws_security_group.db.id", "aws_security_group.db"]), None)),
    ];
    let vars = vec![
        ("app_sg_id", var(None, Some("Security group allowed to reach the database"), false)),
        ("environment", var(None, None, false)),
        ("instance_class", var(Some(V::N), None, false)),
        ("name", var(None, None, false)),
        ("password", var(None, None, true)),
        ("subnet_ids", var(None, None, false)),
        ("vpc_id", var(None, None, false)),
    ];
    module_call(
        "../db",
        vec![
            ("app_sg_id", refs(app_sg)),
            ("environment", refs(&["var.environment"])),
            ("name", refs(&["var.name"])),
            ("password", refs(&["var.db_password"])),
            ("subnet_ids", refs(&["aws_subnet.this"])),
            ("vpc_id", refs(&["aws_vpc.this.id", "aws_vpc.this"])),
        ],
        None,
        None,
        module_v(outputs, resources, vec![], vars),
    )
}

fn common_vpc_subnets() -> Vec<CRes> {
    let mut subnet = cres(
        "aws_subnet",
        "this",
        1,
        vec![
            ("availability_zone", refs(&["var.azs", "count.index"])),
            ("cidr_block", refs(&["var.vpc_cidr", "count.index"])),
            ("tags", tags_expr(&["count.index"])),
            ("vpc_id", refs(&["aws_vpc.this.id", "aws_vpc.this"])),
        ],
    );
    subnet.count = Some(ci(3));
    vec![
        cres(
            "aws_vpc",
            "this",
            1,
            vec![("cidr_block", refs(&["var.vpc_cidr"])), ("enable_dns_support", cb(true)), ("tags", tags_expr(&[]))],
        ),
        subnet,
    ]
}

fn app_module_call() -> V {
    let mut res = common_vpc_subnets();
    res.push(cres(
        "aws_security_group",
        "lb",
        1,
        vec![
            ("description", cs("Load balancer")),
            ("egress", egress_const()),
            (
                "ingress",
                cv(V::A(vec![rule_block(
                    strs(&["0.0.0.0/0"]),
                    "HTTPS from the internet",
                    443,
                    "tcp",
                    V::N,
                    V::N,
                    443,
                )])),
            ),
            ("name", refs(&["var.name"])),
            ("tags", tags_expr(&[])),
            ("vpc_id", refs(&["aws_vpc.this.id", "aws_vpc.this"])),
        ],
    ));
    res.push(cres(
        "aws_security_group",
        "app",
        1,
        vec![
            ("description", refs(&["var.name"])),
            ("egress", egress_const()),
            ("ingress", refs(&["aws_security_group.lb.id", "aws_security_group.lb", "var.bastion_sg_id"])),
            ("name", refs(&["var.name"])),
            ("tags", tags_expr(&[])),
            ("vpc_id", refs(&["aws_vpc.this.id", "aws_vpc.this"])),
        ],
    ));
    res.push(cres(
        "aws_security_group_rule",
        "app_from_bastion",
        2,
        vec![
            ("description", cs("SSH from bastion")),
            ("from_port", ci(22)),
            ("protocol", cs("tcp")),
            ("security_group_id", refs(&["aws_security_group.app.id", "aws_security_group.app"])),
            ("source_security_group_id", refs(&["var.bastion_sg_id"])),
            ("to_port", ci(22)),
            ("type", cs("ingress")),
        ],
    ));
    res.push(cres(
        "aws_security_group_rule",
        "db_from_app",
        2,
        vec![
            ("description", cs("PostgreSQL from the application")),
            ("from_port", ci(5432)),
            ("protocol", cs("tcp")),
            ("security_group_id", refs(&["module.db.sg_id", "module.db"])),
            ("source_security_group_id", refs(&["aws_security_group.app.id", "aws_security_group.app"])),
            ("to_port", ci(5432)),
            ("type", cs("ingress")),
        ],
    ));
    let mut lb_in = cres(
        "aws_vpc_security_group_ingress_rule",
        "lb",
        0,
        vec![
            ("cidr_ipv4", cs("0.0.0.0/0")),
            ("description", refs(&["each.key"])),
            ("from_port", refs(&["each.value"])),
            ("ip_protocol", cs("tcp")),
            ("security_group_id", refs(&["aws_security_group.lb.id", "aws_security_group.lb"])),
            ("tags", tags_expr(&["each.key"])),
            ("to_port", refs(&["each.value"])),
        ],
    );
    lb_in.for_each = Some(cv(obj! { "http" => V::I(80), "https" => V::I(443) }));
    res.push(lb_in);
    let mut inst = cres(
        "aws_instance",
        "app",
        1,
        vec![
            ("ami", refs(&["var.ami_id"])),
            ("instance_type", refs(&["var.instance_type"])),
            ("subnet_id", refs(&["aws_subnet.this", "count.index"])),
            ("tags", tags_expr(&["count.index"])),
            ("user_data", cs("#!/bin/bash\nset -euo pipefail\nsystemctl enable --now app.service\n")),
            ("vpc_security_group_ids", refs(&["aws_security_group.app.id", "aws_security_group.app"])),
        ],
    );
    inst.count = Some(ci(2));
    res.push(inst);
    res.push(cres(
        "aws_lb",
        "this",
        0,
        vec![
            ("internal", cb(false)),
            ("load_balancer_type", cs("application")),
            ("name", refs(&["var.name"])),
            ("security_groups", refs(&["aws_security_group.lb.id", "aws_security_group.lb"])),
            ("subnets", refs(&["aws_subnet.this"])),
            ("tags", tags_expr(&[])),
        ],
    ));
    res.push(cres("aws_lambda_function", "worker", 0, vec![
        ("description", refs(&["var.name"])),
        ("environment", V::A(vec![obj! {
            "variables" => refs(&["var.db_password", "module.db.endpoint", "module.db", "var.name", "var.environment", "var.environment", "var.name"]),
        }])),
        ("filename", cs("build/worker.zip")),
        ("function_name", refs(&["var.name"])),
        ("handler", cs("worker.handler")),
        ("memory_size", ci(256)),
        ("role", refs(&["var.lambda_role_arn"])),
        ("runtime", cs("python3.12")),
        ("source_code_hash", refs(&[])),
        ("tags", tags_expr(&[])),
        ("timeout", ci(30)),
        ("vpc_config", V::A(vec![obj! {
            "security_group_ids" => refs(&["aws_security_group.app.id", "aws_security_group.app"]),
            "subnet_ids" => refs(&["aws_subnet.this"]),
        }])),
    ]));
    let mut gcp = cres(
        "google_compute_firewall",
        "legacy",
        1,
        vec![
            ("allow", V::A(vec![obj! { "ports" => cv(strs(&["5432"])), "protocol" => cs("tcp") }])),
            ("description", refs(&["var.name"])),
            ("direction", cs("INGRESS")),
            ("name", refs(&["var.name"])),
            ("network", cs("legacy-shared")),
            ("source_ranges", refs(&["var.vpc_cidr"])),
            ("target_tags", cv(strs(&["db"]))),
        ],
    );
    gcp.count = Some(refs(&["var.enable_gcp"]));
    res.push(gcp);
    let mut az = cres(
        "azurerm_network_security_group",
        "legacy",
        0,
        vec![
            ("location", cs("westeurope")),
            ("name", refs(&["var.name"])),
            ("resource_group_name", refs(&["var.name"])),
            ("security_rule", refs(&["var.vpc_cidr", "var.vpc_cidr"])),
            ("tags", refs(&["var.environment"])),
        ],
    );
    az.count = Some(refs(&["var.enable_azure"]));
    res.push(az);
    // `source_code_hash = filebase64sha256(...)` has no references: Terraform writes `{}`
    for r in &mut res {
        for (k, v) in &mut r.exprs {
            if *k == "source_code_hash" {
                *v = V::O(vec![]);
            }
        }
    }
    let outputs = vec![
        ("db_endpoint", output(false, refs(&["module.db.endpoint", "module.db"]), None)),
        ("lb_dns_name", output(false, refs(&["aws_lb.this.dns_name", "aws_lb.this"]), None)),
        (
            "sg_id",
            output(
                false,
                refs(&["aws_security_group.app.id", "aws_security_group.app"]),
                Some("Application security group"),
            ),
        ),
        ("vpc_id", output(false, refs(&["aws_vpc.this.id", "aws_vpc.this"]), None)),
    ];
    let vars = vec![
        ("ami_id", var(Some(s(AMI)), None, false)),
        ("azs", var(Some(strs(&AZS)), None, false)),
        ("bastion_sg_id", var(None, Some("Bastion security group allowed to SSH in"), false)),
        ("db_password", var(None, None, true)),
        ("enable_azure", var(Some(V::B(false)), None, false)),
        ("enable_gcp", var(Some(V::B(false)), None, false)),
        ("environment", var(None, Some("prod, staging or dev"), false)),
        ("instance_type", var(Some(s("t3.small")), None, false)),
        ("lambda_role_arn", var(None, None, false)),
        ("name", var(None, None, false)),
        ("vpc_cidr", var(None, None, false)),
    ];
    module_call(
        "./modules/app",
        vec![
            ("bastion_sg_id", refs(&["aws_security_group.bastion.id", "aws_security_group.bastion"])),
            ("db_password", refs(&["var.db_password"])),
            ("enable_azure", refs(&["each.value.legacy_azure", "each.value"])),
            ("enable_gcp", refs(&["each.value.legacy_gcp", "each.value"])),
            ("environment", refs(&["each.value.environment", "each.value"])),
            ("instance_type", refs(&["each.value.instance_type", "each.value"])),
            ("lambda_role_arn", refs(&["var.lambda_role_arn"])),
            ("name", refs(&["each.key"])),
            ("vpc_cidr", refs(&["each.value.vpc_cidr", "each.value"])),
        ],
        None,
        Some(refs(&["var.services"])),
        module_v(
            outputs,
            res,
            vec![("db", db_module_call(&["aws_security_group.app.id", "aws_security_group.app"]))],
            vars,
        ),
    )
}

fn network_module_call() -> V {
    let mut res = common_vpc_subnets();
    let mut sgapp = cres(
        "aws_security_group",
        "app",
        1,
        vec![
            ("description", cs("Network tier security group")),
            ("egress", egress_const()),
            ("ingress", refs(&["var.bastion_sg_id"])),
            ("name", refs(&["var.name", "count.index"])),
            ("tags", tags_expr(&[])),
            ("vpc_id", refs(&["aws_vpc.this.id", "aws_vpc.this"])),
        ],
    );
    sgapp.count = Some(ci(2));
    res.push(sgapp);
    res.push(cres(
        "aws_security_group_rule",
        "app_peer",
        2,
        vec![
            ("description", cs("All TCP between tiers")),
            ("from_port", ci(0)),
            ("protocol", cs("tcp")),
            (
                "security_group_id",
                refs(&["aws_security_group.app[0].id", "aws_security_group.app[0]", "aws_security_group.app"]),
            ),
            (
                "source_security_group_id",
                refs(&["aws_security_group.app[1].id", "aws_security_group.app[1]", "aws_security_group.app"]),
            ),
            ("to_port", ci(65535)),
            ("type", cs("ingress")),
        ],
    ));
    res.push(cres(
        "aws_vpc_security_group_ingress_rule",
        "from_db",
        0,
        vec![
            ("description", cs("PgBouncer from the database tier")),
            ("from_port", ci(6432)),
            ("ip_protocol", cs("tcp")),
            ("referenced_security_group_id", refs(&["module.db.sg_id", "module.db"])),
            (
                "security_group_id",
                refs(&["aws_security_group.app[1].id", "aws_security_group.app[1]", "aws_security_group.app"]),
            ),
            ("tags", tags_expr(&[])),
            ("to_port", ci(6432)),
        ],
    ));
    res.push(cres(
        "aws_instance",
        "nat",
        1,
        vec![
            ("ami", refs(&["var.ami_id"])),
            ("instance_type", cs("t3.small")),
            ("subnet_id", refs(&["aws_subnet.this[0].id", "aws_subnet.this[0]", "aws_subnet.this"])),
            ("tags", tags_expr(&[])),
            ("user_data", cs("#!/bin/bash\nsysctl -w net.ipv4.ip_forward=1\n")),
            ("vpc_security_group_ids", refs(&["aws_security_group.app"])),
        ],
    ));
    res.push(cres(
        "aws_lb",
        "internal",
        0,
        vec![
            ("internal", cb(true)),
            ("load_balancer_type", cs("application")),
            ("name", refs(&["var.name"])),
            (
                "security_groups",
                refs(&["aws_security_group.app[0].id", "aws_security_group.app[0]", "aws_security_group.app"]),
            ),
            ("subnets", refs(&["aws_subnet.this"])),
            ("tags", tags_expr(&[])),
        ],
    ));
    let outputs = vec![
        ("db_endpoint", output(false, refs(&["module.db.endpoint", "module.db"]), None)),
        (
            "sg_id",
            output(
                false,
                refs(&["aws_security_group.app[0].id", "aws_security_group.app[0]", "aws_security_group.app"]),
                None,
            ),
        ),
        ("subnet_ids", output(false, refs(&["aws_subnet.this"]), None)),
        ("vpc_id", output(false, refs(&["aws_vpc.this.id", "aws_vpc.this"]), None)),
    ];
    let vars = vec![
        ("ami_id", var(Some(s(AMI)), None, false)),
        ("azs", var(Some(strs(&AZS)), None, false)),
        ("bastion_sg_id", var(None, None, false)),
        ("db_password", var(None, None, true)),
        ("environment", var(None, None, false)),
        ("name", var(None, None, false)),
        ("vpc_cidr", var(None, None, false)),
    ];
    module_call(
        "./modules/network",
        vec![
            ("bastion_sg_id", refs(&["aws_security_group.bastion.id", "aws_security_group.bastion"])),
            ("db_password", refs(&["var.db_password"])),
            ("environment", refs(&["var.network_environments", "count.index"])),
            ("name", refs(&["var.network_environments", "count.index", "count.index"])),
            ("vpc_cidr", refs(&["count.index"])),
        ],
        Some(refs(&["var.network_count"])),
        None,
        module_v(
            outputs,
            res,
            vec![(
                "db",
                db_module_call(&[
                    "aws_security_group.app[0].id",
                    "aws_security_group.app[0]",
                    "aws_security_group.app",
                ]),
            )],
            vars,
        ),
    )
}

impl Gen {
    fn w_configuration(&self, b: &mut String) {
        let provider = |name: &'static str, full: &'static str, vc: &'static str, exprs: Vec<(&'static str, V)>| {
            rec! {
                "name" => s(name),
                "full_name" => s(full),
                "version_constraint" => s(vc),
                "expressions" => o(exprs.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)).collect()),
            }
        };
        let pc = obj! {
            "aws" => provider("aws", AWS, "~> 5.90", vec![
                ("region", refs(&["var.region"])),
                ("default_tags", V::A(vec![obj! { "tags" => cv(obj! {
                    "ManagedBy" => s("terraform"),
                    "Repository" => s("github.com/acme/infrastructure"),
                }) }])),
            ]),
            "azurerm" => provider("azurerm", AZURERM, "~> 4.20", vec![
                ("features", V::A(vec![V::O(vec![])])),
                ("subscription_id", cs("00000000-1111-4222-8333-444444444444")),
            ]),
            "google" => provider("google", GOOGLE, "~> 6.25", vec![
                ("project", cs("acme-legacy")),
                ("region", cs("europe-west1")),
            ]),
        };
        let root_res = vec![
            cres(
                "aws_vpc",
                "shared",
                1,
                vec![
                    ("cidr_block", cs("10.255.0.0/16")),
                    ("enable_dns_support", cb(true)),
                    ("tags", cv(obj! { "Environment" => s("prod"), "Name" => s("shared-services") })),
                ],
            ),
            cres(
                "aws_security_group",
                "bastion",
                1,
                vec![
                    ("description", cs("Bastion hosts")),
                    ("egress", egress_const()),
                    ("ingress", refs(&["var.bastion_cidr"])),
                    ("name", cs("bastion")),
                    ("tags", cv(obj! { "Environment" => s("prod"), "Name" => s("bastion") })),
                    ("vpc_id", refs(&["aws_vpc.shared.id", "aws_vpc.shared"])),
                ],
            ),
            cres(
                "aws_security_group_rule",
                "bastion_ssh",
                2,
                vec![
                    (
                        "cidr_blocks",
                        refs(&["var.bastion_cidr", "data.aws_vpc.legacy.cidr_block", "data.aws_vpc.legacy"]),
                    ),
                    ("description", cs("SSH from VPN and the legacy VPC")),
                    ("from_port", ci(22)),
                    ("protocol", cs("tcp")),
                    ("security_group_id", refs(&["aws_security_group.bastion.id", "aws_security_group.bastion"])),
                    ("to_port", ci(22)),
                    ("type", cs("ingress")),
                ],
            ),
            cres(
                "aws_vpc_security_group_ingress_rule",
                "network_from_bastion",
                0,
                vec![
                    ("description", cs("SSH from bastion")),
                    ("from_port", ci(22)),
                    ("ip_protocol", cs("tcp")),
                    (
                        "referenced_security_group_id",
                        refs(&["aws_security_group.bastion.id", "aws_security_group.bastion"]),
                    ),
                    ("security_group_id", refs(&["module.network[0].sg_id", "module.network[0]", "module.network"])),
                    ("tags", cv(obj! { "Environment" => s("prod"), "Name" => s("shared-network-from-bastion") })),
                    ("to_port", ci(22)),
                ],
            ),
        ];
        let data_vpc = V::O(vec![
            (Cow::Borrowed("address"), s("data.aws_vpc.legacy")),
            (Cow::Borrowed("mode"), s("data")),
            (Cow::Borrowed("type"), s("aws_vpc")),
            (Cow::Borrowed("name"), s("legacy")),
            (Cow::Borrowed("provider_config_key"), s("aws")),
            (Cow::Borrowed("expressions"), obj! { "tags" => cv(obj! { "Name" => s("legacy-shared") }) }),
            (Cow::Borrowed("schema_version"), V::I(0)),
        ]);
        let outputs = vec![(
            "bastion_sg_id",
            output(false, refs(&["aws_security_group.bastion.id", "aws_security_group.bastion"]), None),
        )];
        let vars = vec![
            ("bastion_cidr", var(None, Some("Office/VPN range allowed to reach the bastion"), false)),
            ("db_password", var(None, None, true)),
            ("lambda_role_arn", var(None, None, false)),
            ("network_count", var(Some(V::I(1)), None, false)),
            ("network_environments", var(Some(V::A(vec![])), None, false)),
            ("region", var(Some(s(REGION)), None, false)),
            ("services", var(None, Some("Application services keyed by name-environment"), false)),
        ];
        let mut root =
            module_v(outputs, root_res, vec![("app", app_module_call()), ("network", network_module_call())], vars);
        if let V::O(kv) = &mut root {
            for (k, v) in kv.iter_mut() {
                if let ("resources", V::A(rs)) = (k.as_ref(), v) {
                    rs.push(data_vpc);
                    break;
                }
            }
        }
        let cfg = rec! { "provider_config" => pc, "root_module" => root };
        wv(b, &cfg, Mode::Val);
    }
}
