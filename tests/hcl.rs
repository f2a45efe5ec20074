//! The Terraform source front-end: the partial evaluator (expressions, variable
//! precedence), modules (nested, count, for_each, downloaded, missing), locations,
//! inline suppression and bad source. Each test writes a small root module into a
//! temporary directory and asserts exact values, addresses, references or errors.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::Tree;

use envwall::input::{self, hcl::Options};
use envwall::model::value::AttrValue;

fn json(v: &AttrValue<'_>) -> serde_json::Value {
    match v {
        AttrValue::Null => serde_json::Value::Null,
        AttrValue::Bool(b) => (*b).into(),
        AttrValue::Int(i) => (*i).into(),
        AttrValue::Float(f) => (*f).into(),
        AttrValue::String(s) => s.to_string().into(),
        AttrValue::List(items) => items.iter().map(json).collect(),
        AttrValue::Map(m) => m.iter().map(|(k, v)| (k.to_string(), json(v))).collect::<serde_json::Map<_, _>>().into(),
        AttrValue::Unknown => "(unknown)".into(),
        AttrValue::Sensitive(v) => serde_json::json!({ "sensitive": json(v) }),
    }
}

struct Loaded {
    resources: Vec<(String, serde_json::Value, Vec<String>)>,
    warnings: Vec<String>,
}

fn load(dir: &Path, options: &Options) -> Loaded {
    let sources = input::read_sources(&[dir.to_owned()]).unwrap();
    let model = input::load_with(&sources, options).unwrap_or_else(|e| panic!("{e}"));
    let resources = model
        .resources
        .iter()
        .map(|r| {
            let refs = r
                .references
                .iter()
                .map(|x| {
                    let attr: Vec<String> = x.attribute.iter().map(|s| format!("{s:?}")).collect();
                    format!("{} -> {}", attr.join("/"), x.target)
                })
                .collect();
            (r.address.to_string(), json(&r.values), refs)
        })
        .collect();
    Loaded { resources, warnings: model.warnings.iter().map(|w| w.message.clone()).collect() }
}

fn addresses(l: &Loaded) -> BTreeSet<String> {
    l.resources.iter().map(|(a, _, _)| a.clone()).collect()
}

fn resource<'l>(l: &'l Loaded, address: &str) -> &'l (String, serde_json::Value, Vec<String>) {
    l.resources.iter().find(|(a, _, _)| a == address).unwrap_or_else(|| panic!("no {address}"))
}

fn value<'l>(l: &'l Loaded, address: &str) -> &'l serde_json::Value {
    &resource(l, address).1
}

/// The references of `address`, as `attribute path -> target`.
fn references<'l>(l: &'l Loaded, address: &str) -> &'l [String] {
    &resource(l, address).2
}

/// Evaluates `expr` as the attribute `v` of a resource, beside `extra` source.
fn eval_with(extra: &str, expr: &str) -> serde_json::Value {
    let main = format!("{extra}\nresource \"test_thing\" \"t\" {{\n  v = {expr}\n}}\n");
    let tree = Tree::new(&[("main.tf", &main)]);
    let loaded = load(tree.path(), &Options::default());
    value(&loaded, "test_thing.t")["v"].clone()
}

fn eval(expr: &str) -> serde_json::Value {
    eval_with("", expr)
}

#[test]
fn expressions_evaluate_as_terraform_does() {
    use serde_json::json;
    let cases: &[(&str, serde_json::Value)] = &[
        (r#""a-${1 + 2}""#, json!("a-3")),
        (r#""${true}""#, json!(true)),
        ("[1, 2][1]", json!(2)),
        (r#"{ a = 1, "b" = 2 }"#, json!({"a": 1, "b": 2})),
        ("1 == 1 ? \"yes\" : \"no\"", json!("yes")),
        ("5 % 3 * 2 - 1", json!(3)),
        ("!(1 > 2) && 2 >= 2", json!(true)),
        (r#""1" == 1"#, json!(false)),
        ("[for s in [\"a\", \"b\"] : upper(s)]", json!(["A", "B"])),
        ("{ for k, v in { b = 2, a = 1 } : v => k }", json!({"1": "a", "2": "b"})),
        ("[for i, s in [\"x\", \"y\", \"z\"] : \"${i}${s}\" if i != 1]", json!(["0x", "2z"])),
        ("{ for s in [\"a\", \"b\", \"a\"] : s => 1... }", json!({"a": [1, 1], "b": [1]})),
        ("[{ id = 1 }, { id = 2 }][*].id", json!([1, 2])),
        ("[{ id = 1 }, { id = 2 }].*.id", json!([1, 2])),
        ("try({ a = 1 }[\"b\"], \"fallback\")", json!("fallback")),
        ("can(tonumber(\"x\"))", json!(false)),
        ("can([1][0])", json!(true)),
        ("\"%{ for x in [1, 2] }<${x}>%{ endfor }\"", json!("<1><2>")),
        ("\"%{ if 1 > 2 }big%{ else }small%{ endif }\"", json!("small")),
        ("\"a  ${~ \"b\" ~}  c\"", json!("abc")),
        ("\"$${literal}\"", json!("${literal}")),
        ("<<-EOT\n    indented\n      more\n    EOT\n", json!("indented\n  more\n")),
        ("max([3, 9, 2]...)", json!(9)),
        ("null", json!(null)),
    ];
    for (expr, want) in cases {
        assert_eq!(&eval(expr), want, "{expr}");
    }
}

#[test]
fn strip_markers_trim_inside_and_around_directives_as_terraform_does() {
    use serde_json::json;
    // Each expected value is what `terraform console` prints for the expression.
    let cases: &[(&str, serde_json::Value)] = &[
        (r#""%{ for x in ["a", "b"] ~} ${x} %{~ endfor }""#, json!("ab")),
        (r#""%{ if true ~}  yes  %{~ else ~} no %{~ endif }|""#, json!("yes|")),
        (r#""%{ if false ~}  yes  %{~ else ~} no %{~ endif }|""#, json!("no|")),
        (r#""a ${~ "b" ~} c""#, json!("abc")),
        ("<<EOT\n%{ for x in [\"a\", \"b\"] ~}\n${x}\n%{ endfor ~}\nEOT\n", json!("a\nb\n")),
    ];
    for (expr, expected) in cases {
        assert_eq!(&eval(expr), expected, "{expr}");
    }
}

#[test]
fn what_only_exists_after_apply_is_unknown_and_spreads() {
    let vpc = "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";
    assert_eq!(eval_with(vpc, "aws_vpc.main.id"), "(unknown)");
    assert_eq!(eval_with(vpc, "aws_vpc.main.cidr_block"), "10.0.0.0/16");
    assert_eq!(eval_with(vpc, "\"vpc-${aws_vpc.main.id}\""), "(unknown)");
    assert_eq!(eval_with(vpc, "aws_vpc.main.id == \"x\" ? 1 : 1"), 1);
    assert_eq!(eval_with(vpc, "aws_vpc.main.id == \"x\" ? 1 : 2"), "(unknown)");
    assert_eq!(eval_with(vpc, "cidrsubnet(aws_vpc.main.cidr_block, 8, 3)"), "10.0.3.0/24");
    assert_eq!(eval_with(vpc, "length([aws_vpc.main.id, 1])"), 2);
    assert_eq!(eval_with(vpc, "false && aws_vpc.main.id == \"x\""), false);
}

#[test]
fn locals_resolve_in_dependency_order_and_references_pass_through_them() {
    let tree = Tree::new(&[(
        "main.tf",
        r#"
locals {
  name   = "${local.prefix}-db"
  prefix = upper(var.env)
  sg     = aws_security_group.db.id
}
variable "env" {
  default = "prod"
}
resource "aws_security_group" "db" {
  name = local.name
}
resource "aws_security_group_rule" "in" {
  security_group_id = local.sg
  description       = local.name
}
"#,
    )]);
    let l = load(tree.path(), &Options::default());
    assert_eq!(value(&l, "aws_security_group.db")["name"], "PROD-db");
    assert_eq!(references(&l, "aws_security_group_rule.in"), [r#"Key("security_group_id") -> aws_security_group.db"#]);
    assert_eq!(value(&l, "aws_security_group_rule.in")["security_group_id"], "(unknown)");
}

#[test]
fn a_cycle_between_locals_is_an_error_with_its_place() {
    let tree = Tree::new(&[(
        "main.tf",
        "locals {\n  a = local.b\n  b = local.a\n}\nresource \"x_y\" \"z\" {\n  v = local.a\n}\n",
    )]);
    let sources = input::read_sources(&[tree.path().to_owned()]).unwrap();
    let err = input::load_with(&sources, &Options::default()).unwrap_err().to_string();
    assert!(err.contains("main.tf:") && err.contains("cycle"), "{err}");
}

#[test]
fn variables_take_the_value_of_highest_precedence() {
    let files = [
        (
            "main.tf",
            r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "f" { default = "default" }
variable "n" { type = number }
variable "l" { type = list(string) }
resource "test_thing" "t" {
  v = [var.a, var.b, var.c, var.d, var.e, var.f, var.n, var.l]
}
"#,
        ),
        ("terraform.tfvars", "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\nf = \"tfvars\"\n"),
        ("a.auto.tfvars", "c = \"a.auto\"\nd = \"a.auto\"\ne = \"a.auto\"\nf = \"a.auto\"\n"),
        ("b.auto.tfvars.json", r#"{"d": "b.auto", "e": "b.auto", "f": "b.auto"}"#),
        ("extra.tfvars", "e = \"var-file\"\nf = \"var-file\"\n"),
    ];
    let tree = Tree::new(&files);
    let options = Options {
        var_files: vec![tree.path().join("extra.tfvars")],
        vars: vec!["f=cli".into(), "n=42".into(), "l=[\"x\", \"y\"]".into()],
        env: vec![("a".into(), "env".into()), ("b".into(), "env".into())],
        ..Options::default()
    };
    let l = load(tree.path(), &options);
    assert_eq!(
        value(&l, "test_thing.t")["v"],
        serde_json::json!(["env", "tfvars", "a.auto", "b.auto", "var-file", "cli", 42, ["x", "y"]])
    );
}

#[test]
fn sensitive_variables_stay_marked() {
    let v = eval_with("variable \"pw\" {\n  default   = \"hunter2\"\n  sensitive = true\n}\n", "\"db:${var.pw}\"");
    assert_eq!(v, serde_json::json!({"sensitive": "db:hunter2"}));
}

const CHILD: &str = r#"
variable "name" {}
variable "cidr" { default = "10.0.0.0/16" }
resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = { Name = var.name }
}
output "vpc_id" { value = aws_vpc.this.id }
output "cidr" { value = aws_vpc.this.cidr_block }
"#;

#[test]
fn modules_nest_repeat_and_expose_outputs() {
    let tree = Tree::new(&[
        (
            "main.tf",
            r#"
module "net" {
  source = "./modules/net"
  name   = "prod"
}
module "per_env" {
  source   = "./modules/net"
  for_each = { staging = "10.1.0.0/16", dev = "10.2.0.0/16" }
  name     = each.key
  cidr     = each.value
}
module "counted" {
  source = "./modules/net"
  count  = 2
  name   = "n${count.index}"
}
module "outer" {
  source = "./modules/outer"
}
resource "aws_security_group" "sg" {
  vpc_id      = module.net.vpc_id
  description = module.per_env["staging"].cidr
}
resource "aws_security_group" "each" {
  for_each = module.per_env
  vpc_id   = each.value.vpc_id
}
"#,
        ),
        ("modules/net/main.tf", CHILD),
        (
            "modules/outer/main.tf",
            "module \"inner\" {\n  source = \"../net\"\n  name   = \"inner\"\n}\noutput \"id\" { value = module.inner.vpc_id }\n",
        ),
    ]);
    let l = load(tree.path(), &Options::default());
    let want: BTreeSet<String> = [
        "module.net.aws_vpc.this",
        r#"module.per_env["dev"].aws_vpc.this"#,
        r#"module.per_env["staging"].aws_vpc.this"#,
        "module.counted[0].aws_vpc.this",
        "module.counted[1].aws_vpc.this",
        "module.outer.module.inner.aws_vpc.this",
        "aws_security_group.sg",
        r#"aws_security_group.each["dev"]"#,
        r#"aws_security_group.each["staging"]"#,
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(addresses(&l), want);
    assert_eq!(value(&l, r#"module.per_env["dev"].aws_vpc.this"#)["cidr_block"], "10.2.0.0/16");
    assert_eq!(value(&l, "module.counted[1].aws_vpc.this")["tags"]["Name"], "n1");
    assert_eq!(value(&l, "aws_security_group.sg")["description"], "10.1.0.0/16");
    let refs = |a: &str| references(&l, a);
    assert_eq!(
        refs("aws_security_group.sg"),
        vec![
            r#"Key("vpc_id") -> module.net.aws_vpc.this"#,
            r#"Key("description") -> module.per_env["staging"].aws_vpc.this"#
        ]
    );
    assert_eq!(
        refs(r#"aws_security_group.each["dev"]"#),
        vec![r#"Key("vpc_id") -> module.per_env["dev"].aws_vpc.this"#]
    );
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
}

/// From `split_from_bytes` of source, two worlds on two threads each evaluate half
/// of the root module's module instances. The model is the one a single world
/// gives: every instance, every reference (across the halves too), every warning
/// once.
#[test]
fn evaluating_on_two_threads_gives_the_model_one_world_gives() {
    let child = r#"
variable "name" {}
variable "cidr" { default = "10.0.0.0/16" }
resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = { Name = var.name, Stamp = formatdate("YYYY", var.name) }
}
resource "aws_subnet" "each" {
  count      = length(aws_vpc.this.ipv6_association_id)
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(var.cidr, 8, 1)
}
output "vpc_id" { value = aws_vpc.this.id }
output "cidr" { value = aws_vpc.this.cidr_block }
"#;
    let tree = Tree::new(&[
        (
            "main.tf",
            r#"
module "a" {
  source = "./modules/net"
  name   = "a"
}
module "b" {
  source = "./modules/net"
  name   = module.c["y"].vpc_id
  cidr   = "10.1.0.0/16"
}
module "c" {
  source   = "./modules/net"
  for_each = toset(["x", "y"])
  name     = each.key
  cidr     = module.a.cidr
}
module "missing" {
  source = "git::https://example.com/missing.git"
}
resource "aws_security_group" "sg" {
  vpc_id      = module.c["y"].vpc_id
  description = module.b.cidr
  name        = module.a.vpc_id
}
"#,
        ),
        ("modules/net/main.tf", child),
    ]);
    let one = load(tree.path(), &Options::default());
    let two = load(tree.path(), &Options { split_from_bytes: Some(0), ..Options::default() });
    assert_eq!(two.resources, one.resources);
    assert_eq!(two.warnings, one.warnings);
    // The split is real: the first half (module a, module b) and the root's own
    // resource read the second half (module c).
    assert_eq!(
        references(&one, "aws_security_group.sg"),
        [
            r#"Key("vpc_id") -> module.c["y"].aws_vpc.this"#,
            r#"Key("description") -> module.b.aws_vpc.this"#,
            r#"Key("name") -> module.a.aws_vpc.this"#,
        ]
    );
    let want: BTreeSet<String> = [
        "aws_security_group.sg",
        "module.a.aws_subnet.each",
        "module.a.aws_vpc.this",
        "module.b.aws_subnet.each",
        "module.b.aws_vpc.this",
        r#"module.c["x"].aws_subnet.each"#,
        r#"module.c["x"].aws_vpc.this"#,
        r#"module.c["y"].aws_subnet.each"#,
        r#"module.c["y"].aws_vpc.this"#,
        // A module whose source is not there: one node for what it makes.
        "module.missing",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(addresses(&one), want);
    // Four instances of the module evaluate the same `count` and `formatdate`,
    // across both halves: each is listed once.
    let child_file = tree.path().join("modules/net/main.tf");
    assert_eq!(
        one.warnings,
        vec![
            format!(
                "1 module(s) are not available here; run `terraform init` to download them. What they make is not analysed, and their outputs are unknown values of this stack: `missing` (source `git::https://example.com/missing.git`, {}:17:1)",
                tree.path().join("main.tf").display()
            ),
            format!(
                "1 count/for_each value(s) are not known before apply (they depend on a resource, a data source, or a value envwall could not work out); each is analysed as one instance that may not exist: aws_subnet.each (count, {}:9:16)",
                child_file.display()
            ),
            format!(
                "envwall does not evaluate 1 function(s); their results are treated as unknown: `formatdate` ({}:6:43)",
                child_file.display()
            ),
        ]
    );
}

#[test]
fn downloaded_modules_are_read_and_missing_ones_are_a_warning() {
    let tree = Tree::new(&[
        (
            "main.tf",
            r#"
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
  name    = "prod"
}
module "gone" {
  source = "git::https://example.com/gone.git"
}
resource "aws_security_group" "sg" {
  vpc_id = module.vpc.vpc_id
  name   = module.gone.name
}
"#,
        ),
        (
            ".terraform/modules/modules.json",
            r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Version":"5.0.0","Dir":".terraform/modules/vpc"}]}"#,
        ),
        (".terraform/modules/vpc/main.tf", CHILD),
    ]);
    let l = load(tree.path(), &Options::default());
    assert_eq!(
        addresses(&l),
        ["aws_security_group.sg", "module.gone", "module.vpc.aws_vpc.this"].into_iter().map(String::from).collect()
    );
    assert_eq!(value(&l, "aws_security_group.sg")["name"], "(unknown)");
    assert_eq!(l.warnings.len(), 1, "{:?}", l.warnings);
    assert!(
        l.warnings[0].contains("`gone` (source `git::https://example.com/gone.git`")
            && l.warnings[0].contains("terraform init"),
        "{:?}",
        l.warnings
    );
}

/// Inside `try` and `can`, an attribute a variable's, a local's or `each.value`'s
/// object lacks is the error they catch; an attribute a resource's configuration
/// does not set is still the provider's to compute.
#[test]
fn try_catches_missing_attributes_of_complete_objects_only() {
    let extra = r#"
variable "settings" {
  type    = any
  default = { a = 1 }
}
locals {
  obj = { a = 1 }
}
resource "aws_eks_cluster" "main" {
  name = "main"
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}
"#;
    assert_eq!(eval_with(extra, "try(var.settings.b, null)"), serde_json::Value::Null);
    assert_eq!(eval_with(extra, "try(var.settings.a, null)"), 1);
    assert_eq!(eval_with(extra, r#"try(local.obj.b, "fallback")"#), "fallback");
    assert_eq!(eval_with(extra, "can(local.obj.b)"), false);
    assert_eq!(eval_with(extra, "local.obj.b"), "(unknown)");
    assert_eq!(
        eval_with(extra, r#"try(aws_eks_cluster.main.vpc_config[0].cluster_security_group_id, "")"#),
        "(unknown)"
    );
    assert_eq!(eval_with(extra, r#"try(aws_eks_cluster.main.arn, "")"#), "(unknown)");
}

/// A `dynamic` block whose `for_each` is guarded by `try` on a missing attribute
/// is not expanded (terraform-aws-lambda's event source mappings).
#[test]
fn a_dynamic_block_guarded_by_try_on_a_missing_attribute_is_empty() {
    let tree = Tree::new(&[(
        "main.tf",
        r#"
variable "mappings" {
  type    = any
  default = { sqs = { batch_size = 10 } }
}
resource "aws_lambda_event_source_mapping" "this" {
  for_each         = var.mappings
  function_name    = "f"
  event_source_arn = "arn:aws:sqs:eu-west-1:111111111111:q"
  batch_size       = try(each.value.batch_size, null)
  dynamic "scaling_config" {
    for_each = try([each.value.scaling_config], [])
    content {
      maximum_concurrency = scaling_config.value["maximum_concurrency"]
    }
  }
}
"#,
    )]);
    let l = load(tree.path(), &Options::default());
    let mapping = value(&l, "aws_lambda_event_source_mapping.this[\"sqs\"]");
    assert_eq!(mapping["batch_size"], 10);
    assert_eq!(mapping["scaling_config"], serde_json::json!([]));
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
}

#[test]
fn dynamic_blocks_expand_with_their_iterator() {
    let tree = Tree::new(&[(
        "main.tf",
        r#"
resource "aws_security_group" "app" {
  name = "app"
}
resource "aws_security_group" "db" {
  dynamic "ingress" {
    for_each = { pg = 5432, redis = 6379 }
    iterator = port
    content {
      from_port       = port.value
      description     = port.key
      security_groups = [aws_security_group.app.id]
    }
  }
}
"#,
    )]);
    let l = load(tree.path(), &Options::default());
    let db = value(&l, "aws_security_group.db");
    assert_eq!(db["ingress"][0]["from_port"], 5432);
    assert_eq!(db["ingress"][1]["description"], "redis");
    assert_eq!(
        references(&l, "aws_security_group.db"),
        [
            r#"Key("ingress")/Index(0)/Key("security_groups") -> aws_security_group.app"#,
            r#"Key("ingress")/Index(1)/Key("security_groups") -> aws_security_group.app"#
        ]
    );
}

#[test]
fn tf_json_files_read_like_hcl() {
    let tree = Tree::new(&[(
        "main.tf.json",
        r#"{
  "variable": { "env": { "default": "prod" } },
  "resource": {
    "aws_vpc": { "main": { "cidr_block": "10.9.0.0/16", "tags": { "Environment": "${var.env}" } } },
    "aws_subnet": { "a": { "vpc_id": "${aws_vpc.main.id}", "cidr_block": "${cidrsubnet(aws_vpc.main.cidr_block, 8, 1)}", "//": "a comment" } }
  }
}"#,
    )]);
    let l = load(tree.path(), &Options::default());
    assert_eq!(value(&l, "aws_vpc.main")["tags"]["Environment"], "prod");
    assert_eq!(value(&l, "aws_subnet.a")["cidr_block"], "10.9.1.0/24");
    assert_eq!(
        references(&l, "aws_subnet.a"),
        [r#"Key("cidr_block") -> aws_vpc.main"#, r#"Key("vpc_id") -> aws_vpc.main"#]
    );
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
}

#[test]
fn a_key_repeated_in_tf_json_is_the_last_one_with_a_warning() {
    let tree = Tree::new(&[("main.tf.json", r#"{"resource": {"x_y": {"z": {"v": 1, "v": 2}}}}"#)]);
    let l = load(tree.path(), &Options::default());
    assert_eq!(value(&l, "x_y.z")["v"], 2);
    assert_eq!(l.warnings.len(), 1);
    assert!(
        l.warnings[0].ends_with("main.tf.json: object key `v` is repeated; the last one is used, as Terraform does")
    );
}

#[test]
fn a_byte_order_mark_and_repeated_object_keys_are_accepted_as_terraform_does() {
    let tree = Tree::new(&[("main.tf", "\u{feff}resource \"x_y\" \"z\" {\n  m = {\n    k = 1\n    k = 2\n  }\n}\n")]);
    let l = load(tree.path(), &Options::default());
    assert_eq!(value(&l, "x_y.z")["m"], serde_json::json!({"k": 2}));
    assert_eq!(l.warnings.len(), 1);
    assert!(l.warnings[0].contains("main.tf:4:5: object key `k` is repeated"), "{:?}", l.warnings);
}

#[test]
fn a_syntax_error_says_where() {
    let tree = Tree::new(&[("main.tf", "resource \"x_y\" \"z\" {\n  a = [1,\n}\n")]);
    let sources = input::read_sources(&[tree.path().to_owned()]).unwrap();
    let err = input::load_with(&sources, &Options::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.ends_with(
            "main.tf:3:1: invalid expression; expected `\"`, `[`, `{`, `-`, `!`, `(`, `_`, `<`, letter or digit"
        ),
        "{text}"
    );
}

#[test]
fn numbers_are_exact_as_in_terraform() {
    use serde_json::json;
    let zeros = |n: usize| "0".repeat(n);
    let cases: &[(&str, serde_json::Value)] = &[
        ("tostring(123456789012345678901234567890)", json!("123456789012345678901234567890")),
        ("tostring(1e400)", json!(format!("1{}", zeros(400)))),
        ("tostring(1e308 * 10)", json!(format!("1{}", zeros(309)))),
        ("1e308 * 10 > 1e308", json!(true)),
        ("tostring(0.1 + 0.2)", json!("0.3")),
        ("0.1 + 0.2 == 0.3", json!(true)),
        ("tostring(9223372036854775807 + 1)", json!("9223372036854775808")),
        ("tostring(-9223372036854775808 - 1)", json!("-9223372036854775809")),
        ("tostring(7 / 2)", json!("3.5")),
        ("tostring(2.5E-3)", json!("0.0025")),
        ("tostring(sum([0.1, 0.2, 123456789012345678901234567890]))", json!("123456789012345678901234567890.3")),
        ("tostring(max(1e400, 1e399))", json!(format!("1{}", zeros(400)))),
        ("tostring(floor(-2.5))", json!("-3")),
        ("tostring(abs(-123456789012345678901234567890))", json!("123456789012345678901234567890")),
        ("format(\"%d\", 123456789012345678901234567890)", json!("123456789012345678901234567890")),
        ("jsonencode([1e21, 0.5])", json!("[1000000000000000000000,0.5]")),
        ("tostring(tonumber(\"123456789012345678901234567891\"))", json!("123456789012345678901234567891")),
        ("tostring(parseint(\"zzzzzzzzzzzzzzzzzzzz\", 36))", json!("13367494538843734067838845976575")),
        ("length(range(0, 1, 0.25))", json!(4)),
        ("cidrhost(\"10.0.0.0/8\", -1)", json!("10.255.255.255")),
        ("1e400", json!(format!("1{}", zeros(400)))),
    ];
    for (expr, want) in cases {
        assert_eq!(&eval(expr), want, "{expr}");
    }
    // Past 10,000 digits a result is unknown (never a billion zeros written out)...
    let big = format!("1{}", zeros(9_000));
    assert_eq!(eval(&format!("{big} * {big}")), json!("(unknown)"));
    // ...and a literal is refused, saying where.
    let tree = Tree::new(&[("main.tf", "locals {\n  x = 1e99999999\n}\n")]);
    let sources = input::read_sources(&[tree.path().to_owned()]).unwrap();
    let err = input::load_with(&sources, &Options::default()).unwrap_err().to_string();
    assert!(
        err.ends_with("main.tf:2:7: this number has more than 10000 digits written out; envwall reads none longer"),
        "{err}"
    );
}

#[test]
fn an_unknown_value_remembers_the_one_instance_it_comes_from() {
    let app = "resource \"aws_security_group\" \"app\" {\n  name = \"app\"\n}\noutput \"sg_id\" { value = aws_security_group.app.id }\n";
    let tree = Tree::new(&[
        (
            "main.tf",
            r#"
module "app_1" { source = "./modules/app" }
module "app_2" { source = "./modules/app" }
module "apps" {
  source   = "./modules/app"
  for_each = toset(["blue", "green"])
}
locals {
  groups = merge(
    { app_1 = module.app_1.sg_id, app_2 = module.app_2.sg_id },
    { for k, m in module.apps : k => m.sg_id },
  )
}
resource "aws_security_group_rule" "one" {
  security_group_id = local.groups["app_1"]
}
resource "aws_security_group_rule" "green" {
  security_group_id = local.groups["green"]
}
resource "aws_security_group_rule" "joined" {
  description = "${local.groups["app_2"]}-${module.apps["blue"].sg_id}"
}
"#,
        ),
        ("modules/app/main.tf", app),
    ]);
    let l = load(tree.path(), &Options::default());
    let refs = |a: &str| references(&l, a);
    assert_eq!(
        refs("aws_security_group_rule.one"),
        vec![r#"Key("security_group_id") -> module.app_1.aws_security_group.app"#]
    );
    assert_eq!(
        refs("aws_security_group_rule.green"),
        vec![r#"Key("security_group_id") -> module.apps["green"].aws_security_group.app"#]
    );
    assert_eq!(
        refs("aws_security_group_rule.joined"),
        vec![
            r#"Key("description") -> module.app_2.aws_security_group.app"#,
            r#"Key("description") -> module.apps["blue"].aws_security_group.app"#
        ]
    );
}

#[test]
fn an_error_in_a_branch_an_unknown_condition_may_not_take_is_no_error() {
    let v = eval_with(
        "variable \"ports\" { default = [8080] }\nresource \"aws_vpc\" \"x\" {}\n",
        "[\"10.0.0.0/16\", aws_vpc.x.id != \"\" ? var.ports[1] : 9100]",
    );
    assert_eq!(v, serde_json::json!(["10.0.0.0/16", "(unknown)"]));
}

/// Reductions of real Terraform that hcl-edit refuses (newlines inside `for`,
/// long operator chains, deep nesting, repeated object keys, huge numbers), each
/// read and evaluated as Terraform does: `# expect:` holds `test_thing.t`'s `v`
/// (or its whole body when it has no `v`).
#[test]
fn valid_terraform_hcl_edit_refuses_is_read_and_evaluated() {
    let dir = common::fixture("source/syntax");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 11);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let expect = text.lines().find_map(|l| l.strip_prefix("# expect: ")).expect("an expect line");
        let expect: serde_json::Value = serde_json::from_str(expect).unwrap();
        let loaded = load(&file, &Options::default());
        let body = value(&loaded, "test_thing.t");
        let got = body.get("v").unwrap_or(body);
        assert_eq!(got, &expect, "{}", file.display());
    }
}

/// Override files merge into the blocks they override, as Terraform merges them:
/// attributes replace attributes; the nested blocks of each type an override
/// writes replace all of that type (a dynamic block counts as its type);
/// `lifecycle` merges; a local is replaced wherever it is defined; later override
/// files win.
#[test]
fn override_files_merge_into_the_blocks_they_override() {
    let tree = Tree::new(&[
        (
            "main.tf",
            r#"
locals {
  a = "base"
}
locals {
  b = "base"
}
resource "test_thing" "t" {
  name = local.a
  keep = local.b
  rule {
    port = 1
  }
  rule {
    port = 2
  }
  dynamic "egress" {
    for_each = [1, 2]
    content {
      port = egress.value
    }
  }
  lifecycle {
    prevent_destroy = true
  }
}
"#,
        ),
        (
            "a_override.tf",
            r#"
locals {
  b = "first override"
}
resource "test_thing" "t" {
  name = "overridden"
  rule {
    port = 3
  }
  egress {
    port = 9
  }
  lifecycle {
    create_before_destroy = true
  }
}
"#,
        ),
        ("override.tf", "locals {\n  b = \"second override\"\n}\n"),
    ]);
    let loaded = load(tree.path(), &Options::default());
    assert_eq!(
        value(&loaded, "test_thing.t"),
        &serde_json::json!({
            "name": "overridden",
            "keep": "second override",
            "rule": [{ "port": 3 }],
            "egress": [{ "port": 9 }],
        })
    );
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

/// An override block with nothing to override is an error, as in Terraform.
#[test]
fn an_override_of_nothing_is_an_error() {
    for (text, what) in [
        ("resource \"test_thing\" \"missing\" {\n  a = 1\n}\n", "resource block `resource.test_thing.missing`"),
        ("locals {\n  nope = 1\n}\n", "local value `nope`"),
    ] {
        let tree = Tree::new(&[("main.tf", "resource \"test_thing\" \"t\" {}\n"), ("x_override.tf", text)]);
        let sources = input::read_sources(&[tree.path().to_owned()]).unwrap();
        let err = input::load_with(&sources, &Options::default()).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains(&format!("there is no {what} to override")), "{err}");
        assert!(err.contains("x_override.tf"), "{err}");
    }
}

/// `file`, `fileexists`, `fileset`, `templatefile` and `yamldecode` read the
/// configuration's own files: relative paths from the root module's directory,
/// `path.module` relative to it, and nothing outside the repository (here, with
/// no `.git`, the root module's directory).
#[test]
fn files_the_configuration_reads_are_read_inside_the_repository() {
    let tree = Tree::new(&[
        (
            "main.tf",
            r#"
locals {
  nets = yamldecode(file("${path.module}/data/nets.yaml"))
}
resource "test_thing" "t" {
  prod     = local.nets.prod
  exists   = [fileexists("data/nets.yaml"), fileexists("data/nope.yaml")]
  set      = fileset(path.module, "data/*.{yaml,tpl}")
  url      = templatefile("${path.root}/data/url.tpl", { host = "db.staging.internal", ports = [5432, 6432] })
  outside  = file("/etc/hostname")
  base64   = filebase64("data/url.tpl")
  encoded  = yamlencode({ a = [1, { b = "c" }], d = "e" })
}
module "m" {
  source = "./modules/m"
}
"#,
        ),
        (
            "modules/m/main.tf",
            "resource \"test_thing\" \"m\" {\n  p = path.module\n  region = yamldecode(file(\"${path.module}/../../data/nets.yaml\")).base.region\n}\n",
        ),
        ("data/nets.yaml", "base: &base\n  region: eu\nprod:\n  <<: *base\n  cidr: 10.10.0.0/16\n  enabled: yes\n"),
        ("data/url.tpl", "%{ for p in ports }postgresql://app@${host}:${p}/orders\n%{ endfor }"),
    ]);
    let loaded = load(tree.path(), &Options::default());
    assert_eq!(
        value(&loaded, "test_thing.t"),
        &serde_json::json!({
            "prod": { "region": "eu", "cidr": "10.10.0.0/16", "enabled": "yes" },
            "exists": [true, false],
            "set": ["data/nets.yaml", "data/url.tpl"],
            "url": "postgresql://app@db.staging.internal:5432/orders\npostgresql://app@db.staging.internal:6432/orders\n",
            "outside": "(unknown)",
            "base64": "JXsgZm9yIHAgaW4gcG9ydHMgfXBvc3RncmVzcWw6Ly9hcHBAJHtob3N0fToke3B9L29yZGVycwoleyBlbmRmb3IgfQ==",
            "encoded": "\"a\":\n- 1\n- \"b\": \"c\"\n\"d\": \"e\"\n",
        })
    );
    assert_eq!(value(&loaded, "module.m.test_thing.m"), &serde_json::json!({ "p": "modules/m", "region": "eu" }));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert!(
        loaded.warnings[0].ends_with(
            "main.tf:10:14: `file(\"/etc/hostname\")`: file: \"/etc/hostname\" is outside the repository, so envwall does not read it; the value is treated as unknown"
        ),
        "{:?}",
        loaded.warnings
    );
}

/// `sensitive()` marks what it returns and `nonsensitive()` unmarks it: a
/// connection string wrapped in `sensitive()` is still read (never printed).
#[test]
fn sensitive_and_nonsensitive_change_marks() {
    assert_eq!(
        eval("{ a = sensitive(\"postgresql://u:p@db/x\"), b = nonsensitive(sensitive(\"x\")), c = sensitive(1) + 1 }"),
        serde_json::json!({
            "a": { "sensitive": "postgresql://u:p@db/x" },
            "b": "x",
            "c": { "sensitive": 2 },
        })
    );
}

/// A module whose source is not here (a registry module not downloaded) still
/// has outputs: unknown values of this stack, from one node that stands for the
/// module (`module.eks`, of type `module`), so that what reads them links there.
/// An index on a module whose count is known only after apply names its one
/// instance.
#[test]
fn a_module_that_was_not_read_is_a_node_its_outputs_come_from() {
    let tree = Tree::new(&[
        (
            "main.tf",
            r#"
module "eks" {
  source = "terraform-aws-modules/eks/aws"
}
module "net" {
  source = "./net"
  count  = length(aws_vpc.v.tags)
}
resource "aws_vpc" "v" {}
resource "aws_security_group_rule" "from_eks" {
  source_security_group_id = module.eks.node_security_group_id
  security_group_id        = module.net[0].group
}
"#,
        ),
        (
            "net/main.tf",
            "resource \"aws_security_group\" \"g\" {}\noutput \"group\" {\n  value = aws_security_group.g.id\n}\n",
        ),
    ]);
    let loaded = load(tree.path(), &Options::default());
    assert_eq!(
        addresses(&loaded),
        BTreeSet::from([
            "aws_security_group_rule.from_eks".to_owned(),
            "aws_vpc.v".to_owned(),
            "module.eks".to_owned(),
            "module.net.aws_security_group.g".to_owned(),
        ])
    );
    assert_eq!(value(&loaded, "module.eks"), &serde_json::json!({ "source": "terraform-aws-modules/eks/aws" }));
    assert_eq!(
        references(&loaded, "aws_security_group_rule.from_eks"),
        [
            "Key(\"source_security_group_id\") -> module.eks",
            "Key(\"security_group_id\") -> module.net.aws_security_group.g"
        ]
    );
    let warnings: Vec<&String> = loaded.warnings.iter().filter(|w| !w.contains("not known before apply")).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("1 module(s) are not available here"), "{warnings:?}");
    assert!(warnings[0].contains("`eks` (source `terraform-aws-modules/eks/aws`"), "{warnings:?}");
}

/// A module that calls itself, or two that call each other, is an error, as in
/// `terraform init`; the message names the call and its source.
#[test]
fn a_module_that_calls_itself_is_an_error() {
    for (files, want) in [
        (
            vec![("main.tf", "module \"me\" {\n  source = \"./\"\n}\n")],
            "module.me: module `me` (source `./`) calls the root module again",
        ),
        (
            vec![
                ("main.tf", "module \"a\" {\n  source = \"./a\"\n}\n"),
                ("a/main.tf", "module \"b\" {\n  source = \"../b\"\n}\n"),
                ("b/main.tf", "module \"a\" {\n  source = \"../a\"\n}\n"),
            ],
            "module.a.module.b.module.a: module `a.b.a` (source `../a`) calls module `a` again",
        ),
    ] {
        let tree = Tree::new(&files);
        let sources = input::read_sources(&[tree.path().to_owned()]).unwrap();
        let err = input::load_with(&sources, &Options::default()).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains(want), "{err}");
        assert!(err.contains("a module cannot call itself, directly or through others"), "{err}");
    }
}

/// `templatestring` renders a string as `templatefile` renders a file;
/// `issensitive` reads the mark.
#[test]
fn templatestring_and_issensitive() {
    assert_eq!(
        eval_with(
            "locals {\n  t = \"https://$${host}:$${port}/\"\n}",
            "[templatestring(local.t, { host = \"api.staging.internal\", port = 443 }), issensitive(sensitive(1)), issensitive(1)]"
        ),
        serde_json::json!(["https://api.staging.internal:443/", true, false])
    );
}

/// A block whose count is known only after apply may make no instance: the whole
/// collection is unknown (not an object), and what cannot be evaluated in the
/// instance that stands for all is no error.
#[test]
fn what_may_not_exist_is_unknown_and_not_an_error() {
    let tree = Tree::new(&[(
        "main.tf",
        r#"
variable "name" {
  default = null
}
resource "aws_vpc" "v" {}
resource "aws_s3_bucket" "b" {
  count  = length(aws_vpc.v.tags)
  bucket = "logs-${var.name}"
}
resource "test_thing" "t" {
  one  = one(aws_s3_bucket.b)
  all  = aws_s3_bucket.b[*].id
  none = length(aws_instance.zero)
}
resource "aws_instance" "zero" {
  count = 0
}
"#,
    )]);
    let loaded = load(tree.path(), &Options::default());
    assert_eq!(
        value(&loaded, "test_thing.t"),
        &serde_json::json!({ "one": "(unknown)", "all": "(unknown)", "none": 0 })
    );
    assert_eq!(
        references(&loaded, "test_thing.t"),
        ["Key(\"one\") -> aws_s3_bucket.b", "Key(\"all\") -> aws_s3_bucket.b"]
    );
    // `"logs-${var.name}"` interpolates null, in an instance that may not exist.
    let warnings: Vec<&String> = loaded.warnings.iter().filter(|w| !w.contains("not known before apply")).collect();
    assert!(warnings.is_empty(), "{warnings:?}");
}
