//! The plan and state loaders read a document in one pass, whatever order its
//! sections come in, and give every resource its whole address.

use std::path::PathBuf;

use envwall::input;

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("loaders");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Every resource's address and action, in model order.
fn resources(path: &PathBuf) -> Vec<String> {
    let sources = input::read_sources(std::slice::from_ref(path)).expect("read");
    let model = input::load(&sources).expect("load");
    model.resources.iter().map(|r| format!("{} {:?}", r.address, r.action)).collect()
}

#[test]
fn format_0_1_addresses_get_their_index_and_module() {
    // Terraform 0.12.0 wrote `index` beside the address and left the module
    // out of a child module's resources; its `address` may come after them.
    let state = r#"{"format_version":"0.1","terraform_version":"0.12.0","values":{"root_module":{
        "resources":[
          {"address":"null_resource.baz","mode":"managed","type":"null_resource","name":"baz","index":0,"values":{}},
          {"address":"null_resource.baz","mode":"managed","type":"null_resource","name":"baz","index":1,"values":{}},
          {"address":"null_resource.each","mode":"managed","type":"null_resource","name":"each","index":"a\"b","values":{}},
          {"address":"null_resource.foo","mode":"managed","type":"null_resource","name":"foo","values":{}}],
        "child_modules":[
          {"resources":[{"address":"null_resource.foo","mode":"managed","type":"null_resource","name":"foo","values":{}}],
           "address":"module.foo"},
          {"address":"module.bar[\"x\"]",
           "resources":[{"address":"null_resource.foo","mode":"managed","type":"null_resource","name":"foo","values":{}}]}]}}}"#;
    assert_eq!(
        resources(&scratch("v01-state.json", state)),
        [
            "null_resource.baz[0] Existing",
            "null_resource.baz[1] Existing",
            "null_resource.each[\"a\\\"b\"] Existing",
            "null_resource.foo Existing",
            "module.foo.null_resource.foo Existing",
            "module.bar[\"x\"].null_resource.foo Existing",
        ]
    );
}

#[test]
fn a_resource_written_twice_is_one_resource() {
    let state = r#"{"format_version":"1.0","values":{"root_module":{"resources":[
        {"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","values":{"cidr_block":"10.0.0.0/16"}},
        {"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","values":{"cidr_block":"10.1.0.0/16"}}]}}}"#;
    let path = scratch("twice.json", state);
    let sources = input::read_sources(std::slice::from_ref(&path)).unwrap();
    let model = input::load(&sources).unwrap();
    assert_eq!(model.resources.len(), 1);
    let cidr = model.resources[0].values.get("cidr_block").and_then(|v| v.as_str()).map(str::to_owned);
    assert_eq!(cidr.as_deref(), Some("10.0.0.0/16"), "the first is kept");
}

#[test]
fn sections_load_the_same_in_any_order() {
    // A plan's `planned_values` and `prior_state` may come before or after its
    // `resource_changes`: the loader reads them where they are.
    let changes = r#""resource_changes":[{"address":"aws_vpc.new","mode":"managed","type":"aws_vpc","name":"new",
        "change":{"actions":["create"],"before":null,"after":{"cidr_block":"10.9.0.0/16"},"after_unknown":{"id":true}}}]"#;
    let planned = r#""planned_values":{"root_module":{"resources":[
        {"address":"aws_vpc.new","mode":"managed","type":"aws_vpc","name":"new","values":{"cidr_block":"10.9.0.0/16"}},
        {"address":"aws_vpc.kept","mode":"managed","type":"aws_vpc","name":"kept","values":{"cidr_block":"10.8.0.0/16"}}]}}"#;
    let prior = r#""prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[
        {"address":"aws_vpc.old","mode":"managed","type":"aws_vpc","name":"old","values":{"cidr_block":"10.7.0.0/16"}}]}}}"#;
    let want = ["aws_vpc.new Create", "aws_vpc.kept Existing", "aws_vpc.old Existing"];
    let orders =
        [[changes, planned, prior], [planned, changes, prior], [prior, planned, changes], [planned, prior, changes]];
    for (i, order) in orders.iter().enumerate() {
        let plan = format!("{{\"format_version\":\"1.2\",{}}}", order.join(","));
        let mut got = resources(&scratch(&format!("order-{i}.json"), &plan));
        got.sort();
        let mut want = want.map(str::to_owned).to_vec();
        want.sort();
        assert_eq!(got, want, "order {i}");
    }
}
