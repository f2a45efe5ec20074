//! `envwall explain`: why a node is in its environment, and its links.
//!
//! In: the graph, the environments, the findings and the nodes asked about. Out:
//! for each node its environment, tier and every piece of evidence (strongest
//! first, the winner marked), the findings that involve it, and its edges in and
//! out with the environment of each neighbour. Values are never printed beyond what
//! the evidence quotes (tags and names), and sensitive values never are.

use std::io::{self, Write};

use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::env::Environments;
use crate::graph::{EdgeKind, Graph, Node};
use crate::report::terminal::clean;
use crate::rules::Finding;

/// The nodes an explain argument names: `ADDRESS`, `INPUT:ADDRESS`, or an endpoint.
pub fn find(graph: &Graph<'_, '_>, query: &str) -> Vec<NodeIndex> {
    graph
        .inner
        .node_indices()
        .filter(|&n| match &graph.inner[n] {
            Node::Resource(i) => {
                let r = &graph.model.resources[*i];
                let address = r.address.to_string();
                address == query || format!("{}:{address}", graph.model.inputs[r.input].label()) == query
            }
            Node::Endpoint(e) => e.value == query,
        })
        .collect()
}

/// Up to five addresses that contain the query's last word, for "did you mean".
pub fn suggestions(graph: &Graph<'_, '_>, query: &str) -> Vec<String> {
    let needle = query.rsplit(['.', ':']).next().unwrap_or(query);
    let mut out: Vec<String> = graph
        .model
        .resources
        .iter()
        .map(|r| r.address.to_string())
        .filter(|a| !needle.is_empty() && a.contains(needle))
        .collect();
    out.sort();
    out.dedup();
    out.truncate(5);
    out
}

#[derive(Serialize)]
struct Explanation {
    address: String,
    node: &'static str,
    input: Option<String>,
    action: Option<&'static str>,
    /// `file:line:column` of the resource block, when it comes from source.
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<String>,
    environment: Option<String>,
    tier: &'static str,
    ambiguous: bool,
    evidence: Vec<EvidenceOut>,
    findings: Vec<FindingOut>,
    outgoing: Vec<Link>,
    incoming: Vec<Link>,
}

#[derive(Serialize)]
struct EvidenceOut {
    environment: String,
    tier: &'static str,
    strength: &'static str,
    detail: String,
    winner: bool,
}

#[derive(Serialize)]
struct FindingOut {
    rule: &'static str,
    severity: &'static str,
    message: String,
}

#[derive(Serialize)]
struct Link {
    kind: &'static str,
    address: String,
    environment: Option<String>,
    tier: &'static str,
    attribute: Option<String>,
    derivation: &'static str,
}

fn explanation(graph: &Graph<'_, '_>, envs: &Environments<'_>, findings: &[Finding], n: NodeIndex) -> Explanation {
    let c = envs.of(n);
    let (node, input, action) = match &graph.inner[n] {
        Node::Resource(i) => {
            let r = &graph.model.resources[*i];
            ("resource", Some(graph.model.inputs[r.input].label()), Some(r.action.as_str()))
        }
        Node::Endpoint(e) => (e.kind.as_str(), None, None),
    };
    let evidence = c
        .evidence
        .iter()
        .enumerate()
        .map(|(i, e)| EvidenceOut {
            environment: envs.name(e.environment).to_owned(),
            tier: envs.policy.environments[e.environment].tier.as_str(),
            strength: e.strength.as_str(),
            detail: e.detail.clone(),
            winner: i == 0 && c.environment.is_some(),
        })
        .collect();
    let findings = findings
        .iter()
        .filter(|f| f.from.node == Some(n) || f.to.node == Some(n) || f.via.node == n)
        .map(|f| FindingOut { rule: f.rule, severity: f.severity.as_str(), message: f.message.clone() })
        .collect();
    let link = |other: NodeIndex, kind: &'static str, e: &crate::graph::Edge| {
        let oc = envs.of(other);
        Link {
            kind,
            address: graph.node_name(other),
            environment: oc.environment.map(|x| envs.name(x).to_owned()),
            tier: if oc.ambiguous { "ambiguous" } else { oc.tier.as_str() },
            attribute: (!e.attribute.is_empty()).then(|| e.attribute.clone()),
            derivation: e.derivation.as_str(),
        }
    };
    let outgoing = graph
        .inner
        .edges_directed(n, Direction::Outgoing)
        .map(|e| {
            let kind = match e.weight().kind {
                EdgeKind::Contains => "contains",
                EdgeKind::References => "references",
                EdgeKind::AllowsTraffic => "traffic-to",
                EdgeKind::Peers => "peers-with",
                EdgeKind::ConnectsTo => "connects-to",
                EdgeKind::Grants => "may-act-on",
            };
            link(e.target(), kind, e.weight())
        })
        .chain(
            graph
                .inner
                .edges_directed(n, Direction::Incoming)
                .filter(|e| e.weight().kind == EdgeKind::Contains)
                .map(|e| link(e.source(), "inside", e.weight())),
        )
        .collect();
    let incoming = graph
        .inner
        .edges_directed(n, Direction::Incoming)
        .filter_map(|e| {
            let kind = match e.weight().kind {
                EdgeKind::Contains => return None,
                EdgeKind::References => "referenced-by",
                EdgeKind::AllowsTraffic => "traffic-from",
                EdgeKind::Peers => "peers-with",
                EdgeKind::ConnectsTo => "connected-from",
                EdgeKind::Grants => "acted-on-by",
            };
            Some(link(e.source(), kind, e.weight()))
        })
        .collect();
    let mut outgoing: Vec<Link> = outgoing;
    let mut incoming: Vec<Link> = incoming;
    // petgraph lists edges newest first; show them in the order they were found.
    outgoing.sort_by(|a, b| (a.kind, &a.address, &a.attribute).cmp(&(b.kind, &b.address, &b.attribute)));
    incoming.sort_by(|a, b| (&a.address, &a.attribute).cmp(&(&b.address, &b.attribute)));
    let location = graph.resource(n).and_then(|r| r.location.as_ref()).map(|at| {
        let file = &graph.model.files[at.file];
        let (line, column) = crate::model::line_column(&file.text, at.span.start);
        format!("{}:{line}:{column}", file.path.display())
    });
    Explanation {
        address: graph.node_name(n),
        node,
        input,
        action,
        location,
        environment: c.environment.map(|e| envs.name(e).to_owned()),
        tier: if c.ambiguous { "ambiguous" } else { c.tier.as_str() },
        ambiguous: c.ambiguous,
        evidence,
        findings,
        outgoing,
        incoming,
    }
}

/// Writes the explanations as a JSON array.
pub fn write_json(
    w: &mut dyn Write,
    graph: &Graph<'_, '_>,
    envs: &Environments<'_>,
    findings: &[Finding],
    nodes: &[NodeIndex],
) -> io::Result<()> {
    let all: Vec<Explanation> = nodes.iter().map(|&n| explanation(graph, envs, findings, n)).collect();
    serde_json::to_writer_pretty(&mut *w, &all)?;
    writeln!(w)
}

/// Writes the explanations for people.
pub fn write_text(
    w: &mut dyn Write,
    graph: &Graph<'_, '_>,
    envs: &Environments<'_>,
    findings: &[Finding],
    nodes: &[NodeIndex],
) -> io::Result<()> {
    for (i, &n) in nodes.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        let x = explanation(graph, envs, findings, n);
        writeln!(w, "{}", clean(&x.address))?;
        match (&x.input, x.action) {
            (Some(input), Some(action)) => writeln!(w, "  input:       {} ({action})", clean(input))?,
            _ => writeln!(w, "  endpoint:    {}", x.node)?,
        }
        if let Some(at) = &x.location {
            writeln!(w, "  written at:  {}", clean(at))?;
        }
        match (&x.environment, x.ambiguous) {
            (Some(env), _) => writeln!(w, "  environment: {} ({})", clean(env), x.tier)?,
            (None, true) => writeln!(w, "  environment: ambiguous (the strongest signals disagree)")?,
            (None, false) => writeln!(w, "  environment: unknown (no signal)")?,
        }
        if !x.evidence.is_empty() {
            writeln!(w, "  evidence, strongest first:")?;
            for e in &x.evidence {
                let mark = if e.winner { "*" } else { "-" };
                writeln!(w, "    {mark} {:<12} {:<12} {}", e.strength, clean(&e.environment), clean(&e.detail))?;
            }
        }
        if !x.findings.is_empty() {
            writeln!(w, "  findings:")?;
            for f in &x.findings {
                writeln!(w, "    {} ({}): {}", f.rule, f.severity, clean(&f.message))?;
            }
        }
        for (title, links) in [("links out", &x.outgoing), ("links in", &x.incoming)] {
            if links.is_empty() {
                continue;
            }
            writeln!(w, "  {title}:")?;
            for l in links {
                let env = match l.environment.as_deref() {
                    Some(e) if e == l.tier => clean(e).into_owned(),
                    Some(e) => format!("{}, {}", clean(e), l.tier),
                    None => l.tier.to_owned(),
                };
                let attr = l.attribute.as_deref().map_or_else(String::new, |a| format!(" via {}", clean(a)));
                writeln!(w, "    {:<13} {} [{env}]{attr} ({})", l.kind, clean(&l.address), l.derivation)?;
            }
        }
    }
    Ok(())
}
