//! `envwall graph` output: DOT, Mermaid and JSON renderings of the resource graph.
//!
//! In: a [`Graph`]. Out: text. Nodes come in model order (inputs as given, resources
//! as each input lists them) followed by endpoints in discovery order, and edges in
//! the order they were found, so the same inputs always give the same bytes.

use std::io::{self, Write};

use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::graph::{EdgeKind, Graph, Node};
use crate::model::Derivation;

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
    tier: Option<&'g str>,
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

/// Writes `{"nodes": [...], "edges": [...]}`.
pub fn write_json(w: &mut dyn Write, graph: &Graph<'_, '_>) -> io::Result<()> {
    let names: Vec<String> = graph.inner.node_indices().map(|n| graph.node_name(n)).collect();
    let nodes = graph
        .inner
        .node_indices()
        .map(|n| match &graph.inner[n] {
            Node::Resource(i) => {
                let r = &graph.model.resources[*i];
                JsonNode {
                    address: names[n.index()].clone(),
                    kind: Some(&r.address.kind),
                    environment: None,
                    tier: None,
                    node: "resource",
                    input: Some(graph.model.inputs[r.input].path.display().to_string()),
                    action: Some(r.action.as_str()),
                }
            }
            Node::Endpoint(e) => JsonNode {
                address: names[n.index()].clone(),
                kind: None,
                environment: None,
                tier: None,
                node: e.kind.as_str(),
                input: None,
                action: None,
            },
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

/// Writes a Graphviz digraph. Endpoints are ellipses; containment edges are dashed;
/// inferred links dotted; resources the plan destroys are grey.
pub fn write_dot(w: &mut dyn Write, graph: &Graph<'_, '_>) -> io::Result<()> {
    writeln!(w, "digraph envwall {{")?;
    writeln!(w, "  rankdir=LR;")?;
    writeln!(w, "  node [shape=box, fontname=\"Helvetica\", fontsize=10];")?;
    writeln!(w, "  edge [fontname=\"Helvetica\", fontsize=9];")?;
    for n in graph.inner.node_indices() {
        let name = dot_escape(&graph.node_name(n));
        let style = match &graph.inner[n] {
            Node::Resource(i) if !graph.model.resources[*i].exists_after() => {
                ", style=dashed, color=grey, fontcolor=grey"
            }
            Node::Resource(_) => "",
            Node::Endpoint(_) => ", shape=ellipse",
        };
        writeln!(w, "  n{} [label=\"{name}\"{style}];", n.index())?;
    }
    for e in graph.inner.edge_references() {
        let edge = e.weight();
        let mut attrs = vec![format!("label=\"{}\"", dot_escape(&edge.attribute))];
        if edge.kind == EdgeKind::Contains {
            attrs.push("style=dashed".to_owned());
            attrs.push("arrowhead=odiamond".to_owned());
        } else if matches!(edge.derivation, Derivation::InferredKey | Derivation::Dependency) {
            attrs.push("style=dotted".to_owned());
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

/// Writes a Mermaid flowchart.
pub fn write_mermaid(w: &mut dyn Write, graph: &Graph<'_, '_>) -> io::Result<()> {
    writeln!(w, "flowchart LR")?;
    for n in graph.inner.node_indices() {
        let name = mermaid_escape(&graph.node_name(n));
        match &graph.inner[n] {
            Node::Resource(_) => writeln!(w, "  n{}[\"{name}\"]", n.index())?,
            Node::Endpoint(_) => writeln!(w, "  n{}([\"{name}\"])", n.index())?,
        }
    }
    for e in graph.inner.edge_references() {
        let edge = e.weight();
        let arrow = if edge.kind == EdgeKind::Contains { "-.->" } else { "-->" };
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
