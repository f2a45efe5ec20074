//! `envwall graph` output: DOT, Mermaid and JSON renderings of the resource graph.
//!
//! In: a [`Graph`] and the [`Environments`] of its nodes. Out: text. Nodes come in
//! model order (inputs as given, resources as each input lists them) followed by
//! endpoints in discovery order, and edges in the order they were found, so the
//! same inputs always give the same bytes. DOT and Mermaid group nodes per
//! environment, coloured by tier.

use std::io::{self, Write};

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::env::Environments;
use crate::graph::{EdgeKind, Graph, Node};
use crate::model::Derivation;
use crate::policy::Tier;

#[derive(Serialize)]
struct JsonGraph<'g> {
    nodes: Vec<JsonNode<'g>>,
    edges: Vec<JsonEdge<'g>>,
}

#[derive(Serialize)]
struct JsonNode<'g> {
    address: String,
    #[serde(rename = "type")]
    kind: Option<&'g str>,
    environment: Option<&'g str>,
    tier: Option<&'static str>,
    /// `resource` or the endpoint kind (`id`, `range`, `name`).
    node: &'static str,
    /// The input file, for resources.
    input: Option<String>,
    /// What the plan does to it, for resources.
    action: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonEdge<'g> {
    from: String,
    to: String,
    kind: &'static str,
    attribute: Option<&'g str>,
    derivation: &'static str,
}

/// The environment name and tier of a node for output (`None` when unknown).
fn env_of<'e>(envs: &'e Environments<'_>, n: NodeIndex) -> (Option<&'e str>, Option<&'static str>) {
    let c = envs.of(n);
    let tier =
        (c.tier != Tier::Unknown || c.ambiguous).then_some(if c.ambiguous { "ambiguous" } else { c.tier.as_str() });
    (c.environment.map(|e| envs.name(e)), tier)
}

/// Writes `{"nodes": [...], "edges": [...]}`.
pub fn write_json(w: &mut dyn Write, graph: &Graph<'_, '_>, envs: &Environments<'_>) -> io::Result<()> {
    let names: Vec<String> = graph.inner.node_indices().map(|n| graph.node_name(n)).collect();
    let nodes = graph
        .inner
        .node_indices()
        .map(|n| {
            let (environment, tier) = env_of(envs, n);
            match &graph.inner[n] {
                Node::Resource(i) => {
                    let r = &graph.model.resources[*i];
                    JsonNode {
                        address: names[n.index()].clone(),
                        kind: Some(&r.address.kind),
                        environment,
                        tier,
                        node: "resource",
                        input: Some(graph.model.inputs[r.input].label()),
                        action: Some(r.action.as_str()),
                    }
                }
                Node::Endpoint(e) => JsonNode {
                    address: names[n.index()].clone(),
                    kind: None,
                    environment,
                    tier,
                    node: e.kind.as_str(),
                    input: None,
                    action: None,
                },
            }
        })
        .collect();
    let edges = graph
        .inner
        .edge_references()
        .map(|e| {
            let edge = e.weight();
            JsonEdge {
                from: names[e.source().index()].clone(),
                to: names[e.target().index()].clone(),
                kind: edge.kind.as_str(),
                attribute: (!edge.attribute.is_empty()).then_some(edge.attribute.as_str()),
                derivation: edge.derivation.as_str(),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *w, &JsonGraph { nodes, edges })?;
    writeln!(w)
}

/// Nodes grouped by environment (in policy order), then the unclassified ones.
fn groups(graph: &Graph<'_, '_>, envs: &Environments<'_>) -> (Vec<(usize, Vec<NodeIndex>)>, Vec<NodeIndex>) {
    let mut grouped: Vec<(usize, Vec<NodeIndex>)> = Vec::new();
    let mut loose = Vec::new();
    for n in graph.inner.node_indices() {
        match envs.of(n).environment {
            Some(e) => match grouped.iter_mut().find(|(g, _)| *g == e) {
                Some((_, members)) => members.push(n),
                None => grouped.push((e, vec![n])),
            },
            None => loose.push(n),
        }
    }
    grouped.sort_by_key(|(e, _)| *e);
    (grouped, loose)
}

fn tier_colour(tier: Tier) -> &'static str {
    match tier {
        Tier::Production => "#fde0dc",
        Tier::NonProduction => "#dcecfd",
        Tier::Shared => "#e8e8e8",
        Tier::Unknown => "#ffffff",
    }
}

/// Writes a Graphviz digraph: one cluster per environment, filled by tier;
/// endpoints are ellipses; containment edges dashed; inferred links dotted; traffic
/// edges red and peerings purple; resources the plan destroys grey.
pub fn write_dot(w: &mut dyn Write, graph: &Graph<'_, '_>, envs: &Environments<'_>) -> io::Result<()> {
    writeln!(w, "digraph envwall {{")?;
    writeln!(w, "  rankdir=LR;")?;
    writeln!(w, "  node [shape=box, fontname=\"Helvetica\", fontsize=10];")?;
    writeln!(w, "  edge [fontname=\"Helvetica\", fontsize=9];")?;
    let dot_node = |w: &mut dyn Write, n: NodeIndex, indent: &str| -> io::Result<()> {
        let name = dot_escape(&graph.node_name(n));
        let style = match &graph.inner[n] {
            Node::Resource(i) if !graph.model.resources[*i].exists_after() => {
                ", style=\"dashed,filled\", fillcolor=white, color=grey, fontcolor=grey"
            }
            Node::Resource(_) => ", style=filled, fillcolor=white",
            Node::Endpoint(_) => ", shape=ellipse, style=filled, fillcolor=white",
        };
        writeln!(w, "{indent}n{} [label=\"{name}\"{style}];", n.index())
    };
    let (grouped, loose) = groups(graph, envs);
    for (env, members) in &grouped {
        let e = &envs.policy.environments[*env];
        writeln!(w, "  subgraph cluster_{env} {{")?;
        writeln!(w, "    label=\"{} ({})\";", dot_escape(&e.name), e.tier.as_str())?;
        writeln!(w, "    style=filled; color=\"{}\";", tier_colour(e.tier))?;
        for &n in members {
            dot_node(w, n, "    ")?;
        }
        writeln!(w, "  }}")?;
    }
    for &n in &loose {
        dot_node(w, n, "  ")?;
    }
    for e in graph.inner.edge_references() {
        let edge = e.weight();
        let label = match edge.link.as_deref() {
            Some(link) if edge.kind == EdgeKind::AllowsTraffic => {
                format!("{} {}/{}", edge.attribute, link.protocol, link.ports_text())
            }
            _ => edge.attribute.clone(),
        };
        let mut attrs = vec![format!("label=\"{}\"", dot_escape(&label))];
        match edge.kind {
            EdgeKind::Contains => {
                attrs.push("style=dashed".to_owned());
                attrs.push("arrowhead=odiamond".to_owned());
            }
            EdgeKind::AllowsTraffic => {
                attrs.push("color=\"#b03a2e\"".to_owned());
                attrs.push("penwidth=2".to_owned());
            }
            EdgeKind::Peers => {
                attrs.push("color=\"#6c3483\"".to_owned());
                attrs.push("penwidth=2".to_owned());
                attrs.push("dir=both".to_owned());
            }
            EdgeKind::ConnectsTo => {
                attrs.push("color=\"#ca6f1e\"".to_owned());
                attrs.push("penwidth=2".to_owned());
                attrs.push("style=dashed".to_owned());
            }
            EdgeKind::Grants => {
                attrs.push("color=\"#1f618d\"".to_owned());
                attrs.push("penwidth=2".to_owned());
                attrs.push("style=bold".to_owned());
            }
            EdgeKind::References if matches!(edge.derivation, Derivation::InferredKey | Derivation::Dependency) => {
                attrs.push("style=dotted".to_owned());
            }
            EdgeKind::References => {}
        }
        writeln!(w, "  n{} -> n{} [{}];", e.source().index(), e.target().index(), attrs.join(", "))?;
    }
    writeln!(w, "}}")
}

fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a Mermaid flowchart with one subgraph per environment.
pub fn write_mermaid(w: &mut dyn Write, graph: &Graph<'_, '_>, envs: &Environments<'_>) -> io::Result<()> {
    writeln!(w, "flowchart LR")?;
    let node = |w: &mut dyn Write, n: NodeIndex, indent: &str| -> io::Result<()> {
        let name = mermaid_escape(&graph.node_name(n));
        match &graph.inner[n] {
            Node::Resource(_) => writeln!(w, "{indent}n{}[\"{name}\"]", n.index()),
            Node::Endpoint(_) => writeln!(w, "{indent}n{}([\"{name}\"])", n.index()),
        }
    };
    let (grouped, loose) = groups(graph, envs);
    for (env, members) in &grouped {
        let e = &envs.policy.environments[*env];
        writeln!(w, "  subgraph env{env}[\"{} ({})\"]", mermaid_escape(&e.name), e.tier.as_str())?;
        for &n in members {
            node(w, n, "    ")?;
        }
        writeln!(w, "  end")?;
        writeln!(w, "  style env{env} fill:{}", tier_colour(e.tier))?;
    }
    for &n in &loose {
        node(w, n, "  ")?;
    }
    for e in graph.inner.edge_references() {
        let edge = e.weight();
        let arrow = match edge.kind {
            EdgeKind::Contains => "-.->",
            EdgeKind::References => "-->",
            EdgeKind::AllowsTraffic => "==>",
            EdgeKind::Peers => "<==>",
            EdgeKind::ConnectsTo => "--o",
            EdgeKind::Grants => "--x",
        };
        if edge.attribute.is_empty() {
            writeln!(w, "  n{} {arrow} n{}", e.source().index(), e.target().index())?;
        } else {
            writeln!(
                w,
                "  n{} {arrow}|\"{}\"| n{}",
                e.source().index(),
                mermaid_escape(&edge.attribute),
                e.target().index()
            )?;
        }
    }
    Ok(())
}

/// Mermaid labels are quoted; quotes and markup-significant characters become
/// entity codes.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '#' => out.push_str("#35;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
