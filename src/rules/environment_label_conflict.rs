//! EW301 `environment-label-conflict`: a resource's own label says one tier, where
//! it is placed says the other.
//!
//! The label is the resource's own strongest tag or, without one, its name. The
//! placement is, strongest first: the policy's inventory (its account, range or
//! address pattern), the container it sits in (VPC, subnet, resource group,
//! namespace, project), or the environment declared for the stack with `--env`.
//! Only production against non-production is a conflict; shared and unknown never
//! are.

use petgraph::graph::NodeIndex;

use super::{Context, Direction, End, Finding, Rule, Via, evidence_lines};
use crate::env::{Evidence, Strength};
use crate::graph::Node;
use crate::policy::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "EW301",
    name: "environment-label-conflict",
    severity: Severity::Medium,
    summary: "a resource's own label contradicts where it is placed",
    docs: include_str!("environment_label_conflict/docs.md"),
    check: environment_label_conflict,
};

fn environment_label_conflict(ctx: &Context<'_, '_, '_, '_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for node in ctx.graph.inner.node_indices() {
        let Node::Resource(i) = &ctx.graph.inner[node] else { continue };
        let resource = &ctx.graph.model.resources[*i];
        if !resource.exists_after() {
            continue;
        }
        let class = ctx.envs.of(node);
        let tier = |e: &Evidence| ctx.policy.environments[e.environment].tier;
        let own = |s: Strength| class.evidence.iter().filter(move |e| e.strength == s && e.container.is_none());
        // The label: tags if any, else name words; an ambiguous label is no label.
        let label = [Strength::Tag, Strength::Name].into_iter().find_map(|s| {
            let at: Vec<&Evidence> = own(s).collect();
            let first = *at.first()?;
            (!at.iter().any(|e| tier(e).crosses(tier(first)))).then_some(first)
        });
        let Some(label) = label else { continue };
        let placement = class.evidence.iter().find(|e| {
            let placed = match e.strength {
                Strength::Inventory => true,
                Strength::Containment => true,
                Strength::Stack => e.declared,
                _ => false,
            };
            placed && tier(e).crosses(tier(label))
        });
        let Some(placement) = placement else { continue };
        findings.push(finding(ctx, node, label, placement));
    }
    findings
}

fn finding(ctx: &Context<'_, '_, '_, '_>, node: NodeIndex, label: &Evidence, placement: &Evidence) -> Finding {
    let env = |e: &Evidence| ctx.envs.name(e.environment).to_owned();
    let tier = |e: &Evidence| ctx.policy.environments[e.environment].tier;
    let name = ctx.graph.node_name(node);
    let (to, placed_in) = match (placement.strength, placement.container) {
        (Strength::Containment, Some(container)) => {
            let c = ctx.envs.of(container);
            let to = End {
                node: Some(container),
                label: None,
                environment: c.environment,
                tier: c.tier,
                evidence: evidence_lines(ctx.envs, container),
            };
            (to, format!("inside {}", ctx.graph.node_name(container)))
        }
        _ => {
            let what = match placement.strength {
                Strength::Stack => format!("stack {}", stack_name(ctx, node)),
                _ => format!("policy environment {}", env(placement)),
            };
            let to = End {
                node: None,
                label: Some(what.clone()),
                environment: Some(placement.environment),
                tier: tier(placement),
                evidence: vec![format!("{} ({}): {}", env(placement), placement.strength, placement.detail)],
            };
            (to, format!("in {what}"))
        }
    };
    let from = End {
        node: Some(node),
        label: None,
        environment: Some(label.environment),
        tier: tier(label),
        evidence: vec![format!("{} ({}): {}", env(label), label.strength, label.detail)],
    };
    let message = format!(
        "{name} is labelled {} ({}: {}) but is placed {placed_in}, which is {} ({})",
        env(label),
        tier(label).as_str(),
        label.detail,
        env(placement),
        tier(placement).as_str(),
    );
    Finding {
        rule: RULE.code,
        severity: RULE.severity,
        direction: Direction::from_tier(tier(label)),
        from,
        to,
        via: Via { node, attribute: None },
        message,
        traffic: None,
        status: super::Status::Existing,
        suppressed: None,
        notes: Vec::new(),
    }
}

fn stack_name(ctx: &Context<'_, '_, '_, '_>, node: NodeIndex) -> String {
    match &ctx.graph.inner[node] {
        Node::Resource(i) => ctx.graph.model.inputs[ctx.graph.model.resources[*i].input].label(),
        Node::Endpoint(_) => String::new(),
    }
}
