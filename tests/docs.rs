//! Documentation that cannot drift: `docs/rules.md` and the README's rules table
//! are what the rules say of themselves (`envwall rules --format markdown`).

mod common;

#[test]
fn the_rules_reference_is_generated_from_the_rules() {
    let path = common::root().join("docs/rules.md");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written == envwall::rules::markdown_reference(),
        "docs/rules.md is out of date: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn the_readme_rules_table_is_the_rules() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(
        readme.contains(&envwall::rules::markdown_table()),
        "the README's rules table differs from the rules: paste `envwall::rules::markdown_table()` \
         (the table at the top of docs/rules.md)"
    );
}

/// Output written anywhere but a terminal is not wrapped: a CI log keeps every
/// path and address on its line.
#[test]
fn reports_to_a_pipe_are_not_wrapped() {
    let (code, out, _) =
        common::envwall(&["check", "fixtures/incident/prod/plan.json", "fixtures/incident/staging/terraform.tfstate"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("  │         because production (containment): inside fixtures/incident/prod/plan.json:aws_subnet.app (via vpc_config[0].subnet_ids), which is production\n"),
        "{out}"
    );
}
