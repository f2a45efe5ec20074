//! Reference resolution on real plans: each `fixtures/resolve/<case>/plan.json` was
//! rendered by Terraform from the HCL beside it, and `expected.txt` lists every edge
//! the graph must have, no more and no fewer.

mod common;

use common::{edges, expected, fixture};

fn check(case: &str) {
    let dir = fixture(&format!("resolve/{case}"));
    let got = edges(&[dir.join("plan.json")]);
    let want = expected(&dir.join("expected.txt"));
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{case}\nmissing: {missing:#?}\nextra: {extra:#?}");
}

#[test]
fn rule_and_source_group_created_in_the_same_plan() {
    check("same-plan");
}

#[test]
fn source_group_from_a_child_module_output() {
    check("module-output");
}

#[test]
fn source_group_through_input_variables_of_nested_modules() {
    check("input-variable");
}

#[test]
fn count_instances_pair_by_index() {
    check("count");
}

#[test]
fn for_each_instances_pair_by_key_in_resources_and_modules() {
    check("for-each");
}

#[test]
fn splats_and_for_expressions_link_every_instance() {
    check("splat");
}

#[test]
fn existing_group_known_from_prior_state() {
    check("prior-state");
}

#[test]
fn each_value_pairs_with_the_for_each_collection_element() {
    check("each-value");
}

#[test]
fn module_for_each_variable_and_output_chain() {
    check("appendix");
}

#[test]
fn containment_attributes_make_contains_edges() {
    use envwall::graph::{EdgeKind, Graph};
    use petgraph::visit::EdgeRef;
    let sources = envwall::input::read_sources(&[fixture("resolve/same-plan/plan.json")]).unwrap();
    let model = envwall::input::load(&sources).unwrap();
    let graph = Graph::build(&model);
    let contains: Vec<(String, String, String)> = graph
        .inner
        .edge_references()
        .filter(|e| e.weight().kind == EdgeKind::Contains)
        .map(|e| (graph.node_name(e.source()), graph.node_name(e.target()), e.weight().attribute.clone()))
        .collect();
    assert_eq!(
        contains,
        vec![
            ("aws_vpc.main".to_owned(), "aws_security_group.app".to_owned(), "vpc_id".to_owned()),
            ("aws_vpc.main".to_owned(), "aws_security_group.db".to_owned(), "vpc_id".to_owned()),
            (
                "aws_security_group.db".to_owned(),
                "aws_security_group_rule.db_from_app".to_owned(),
                "security_group_id".to_owned()
            ),
        ]
    );
}

#[test]
fn an_id_known_in_one_input_links_to_its_owner_in_another() {
    let got = edges(&[fixture("multi/app/plan.json"), fixture("multi/network/state.json")]);
    let want: std::collections::BTreeSet<String> = [
        "fixtures/multi/app/plan.json:aws_security_group.app -> fixtures/multi/network/state.json:aws_vpc.main vpc_id known-value",
        "fixtures/multi/app/plan.json:aws_security_group_rule.db_from_app -> fixtures/multi/network/state.json:aws_security_group.db security_group_id known-value",
        "fixtures/multi/app/plan.json:aws_security_group_rule.db_from_app -> fixtures/multi/app/plan.json:aws_security_group.app source_security_group_id config-reference",
        "fixtures/multi/network/state.json:aws_security_group.db -> fixtures/multi/network/state.json:aws_vpc.main vpc_id known-value",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(got, want);
}

#[test]
fn raw_state_and_show_json_state_give_the_same_graph() {
    let raw = edges(&[fixture("multi/network/terraform.tfstate")]);
    let show = edges(&[fixture("multi/network/state.json")]);
    assert_eq!(raw, show);
    assert_eq!(raw.len(), 1);
}

#[test]
fn provider_configuration_is_kept_without_credentials() {
    let sources = envwall::input::read_sources(&[fixture("resolve/appendix/plan.json")]).unwrap();
    let model = envwall::input::load(&sources).unwrap();
    let providers = &model.inputs[0].providers;
    assert_eq!(providers.len(), 1);
    assert_eq!(
        (providers[0].key.as_str(), providers[0].name.as_str(), providers[0].alias.as_deref()),
        ("aws", "aws", None)
    );
    assert_eq!(providers[0].settings.get("region").and_then(|v| v.as_str()), Some("eu-west-1"));
    for secret in ["access_key", "secret_key"] {
        assert!(providers[0].settings.get(secret).is_none(), "{secret} must not be kept");
    }
    assert!(model.resources.iter().all(|r| r.provider_config == Some(0)));
    // Root variables of the plan are kept too.
    assert!(model.inputs[0].variables.is_empty());
}

#[test]
fn a_destroyed_resource_stays_in_the_model_with_its_last_values() {
    check("delete");
    let sources = envwall::input::read_sources(&[fixture("resolve/delete/plan.json")]).unwrap();
    let model = envwall::input::load(&sources).unwrap();
    let db = model.resources.iter().find(|r| r.address.to_string() == "aws_security_group.db").unwrap();
    assert_eq!(db.action, envwall::model::Action::Delete);
    assert!(!db.exists_after());
    assert_eq!(db.values.get("id").and_then(|v| v.as_str()), Some("sg-0db00prod0000001"));
    let vpc = model.resources.iter().find(|r| r.address.to_string() == "aws_vpc.main").unwrap();
    assert_eq!(vpc.action, envwall::model::Action::NoOp);
    assert!(vpc.exists_after());
}
