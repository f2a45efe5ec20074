//! Property tests: loading arbitrary JSON, shaped like Terraform output or not,
//! never panics; it loads or fails with an error.

use std::path::Path;

use envwall::graph::Graph;
use envwall::input::{self, Source};
use proptest::prelude::*;

/// JSON values whose object keys are often ones envwall reads, so generated
/// documents reach deep into the loaders instead of being refused at the top.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let key = prop_oneof![
        Just("format_version".to_owned()),
        Just("resource_changes".to_owned()),
        Just("planned_values".to_owned()),
        Just("prior_state".to_owned()),
        Just("configuration".to_owned()),
        Just("root_module".to_owned()),
        Just("resources".to_owned()),
        Just("child_modules".to_owned()),
        Just("module_calls".to_owned()),
        Just("address".to_owned()),
        Just("change".to_owned()),
        Just("actions".to_owned()),
        Just("after".to_owned()),
        Just("after_unknown".to_owned()),
        Just("after_sensitive".to_owned()),
        Just("values".to_owned()),
        Just("expressions".to_owned()),
        Just("references".to_owned()),
        Just("version".to_owned()),
        Just("instances".to_owned()),
        Just("attributes".to_owned()),
        Just("modules".to_owned()),
        Just("type".to_owned()),
        Just("name".to_owned()),
        Just("vpc_id".to_owned()),
        "[a-z_]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|i| serde_json::json!(i)),
        prop_oneof![
            Just("1.2".to_owned()),
            Just("create".to_owned()),
            Just("delete".to_owned()),
            Just("aws_vpc.main".to_owned()),
            Just("module.a[\"x\"].aws_sg.b[0]".to_owned()),
            Just("sg-0123abcd".to_owned()),
            Just("var.x".to_owned()),
            Just("10.0.0.0/8".to_owned()),
            any::<String>(),
        ]
        .prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn load_and_graph(bytes: Vec<u8>) {
    if let Ok(source) = Source::from_bytes(Path::new("generated.json"), bytes) {
        let sources = [source];
        if let Ok(model) = input::load(&sources) {
            let graph = Graph::build(&model);
            let policy = envwall::policy::Policy::builtin();
            let envs = envwall::env::classify(&graph, &policy, &envwall::env::StackOptions::default());
            let mut out = Vec::new();
            envwall::report::graph::write_json(&mut out, &graph, &envs).unwrap();
            envwall::report::graph::write_dot(&mut out, &graph, &envs).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn loading_arbitrary_json_never_panics(v in json()) {
        load_and_graph(v.to_string().into_bytes());
    }

    #[test]
    fn loading_plan_shaped_json_never_panics(rc in proptest::collection::vec(json(), 0..4), cfg in json()) {
        let doc = serde_json::json!({"format_version": "1.2", "resource_changes": rc, "configuration": cfg});
        load_and_graph(doc.to_string().into_bytes());
    }

    #[test]
    fn loading_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        load_and_graph(bytes);
    }
}
