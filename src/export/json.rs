//! Node-link JSON: the graph as one JSON object, for NetworkX, D3 and any other program that
//! reads JSON.
//!
//! This module owns the JSON writer. The layout is NetworkX's node-link format, read back
//! with `networkx.node_link_graph(data, edges="edges")` (NetworkX 3.4 and later; earlier
//! releases spell it `link="edges"`, and 3.4 and 3.5 look for `links` unless told):
//!
//! ```text
//! {"directed": ..., "multigraph": ..., "graph": {...}, "nodes": [...], "edges": [...]}
//! ```
//!
//! - `directed` is true when relations are written ([`EdgeSelection::All`] and
//!   [`EdgeSelection::Relations`]), and so is `multigraph`, because a co-occurrence and a
//!   relation, or two relations of different types, can join the same two nodes, and a simple
//!   graph would keep only one of them. In a multigraph every edge has a `key`, its position
//!   in the file (`e0`, `e1`, ...), which NetworkX uses as the edge key. Co-occurrence alone is
//!   an undirected simple graph, with no `key`.
//! - Every edge also has `directed`: false for co-occurrence, true for a relation. In a
//!   directed graph a co-occurrence edge is stored once, from the smaller id to the larger,
//!   and this flag says that it holds both ways.
//! - `graph` holds the window, the edge selection, the corpus totals and the modularity.
//! - A node has `id` (the dictionary id, which D3's `forceLink().id(d => d.id)` and NetworkX
//!   use), `label`, `type`, the counts, the dates, the metrics when they were computed, and
//!   the dictionary attributes under `attributes` with their names as they are, so none can
//!   hide a built-in field. An edge has `source` and `target` (node ids), `kind`, `weight`
//!   (the count: windows or statements), `documents`, the dates, and the measures or the
//!   relation and its flags.
//!
//! Counts are JSON integers; other numbers are floats, written only when finite (a field
//! that would be NaN or infinite is left out) and with -0 written as 0. Strings are written
//! as they are, escaped by JSON's rules, so no character is lost. Fields come in a fixed
//! order and the output is indented by two spaces and ends with a line break, so the same
//! graph always gives the same bytes.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{EdgeSelection, ExportOptions, selected_edges};
use crate::graph::{Edge, EdgeKind, KnowledgeGraph, Node};

#[derive(Serialize)]
struct Document<'a> {
    directed: bool,
    multigraph: bool,
    graph: GraphData,
    nodes: Vec<NodeData<'a>>,
    edges: Vec<EdgeData<'a>>,
}

#[derive(Serialize)]
struct GraphData {
    creator: &'static str,
    window: &'static str,
    edge_selection: &'static str,
    totals: TotalsData,
    #[serde(skip_serializing_if = "Option::is_none")]
    modularity: Option<f64>,
}

#[derive(Serialize)]
struct TotalsData {
    documents: u64,
    windows: u64,
    mentions: u64,
}

#[derive(Serialize)]
struct NodeData<'a> {
    id: &'a str,
    label: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    mentions: u64,
    documents: u64,
    windows: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_seen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    degree: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weighted_degree: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pagerank: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    betweenness: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    betweenness_weighted: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    community: Option<usize>,
    attributes: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
struct EdgeData<'a> {
    source: &'a str,
    target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    kind: &'static str,
    directed: bool,
    weight: u64,
    documents: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_seen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pmi: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    npmi: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jaccard: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dice: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    negated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modality: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reversed: Option<bool>,
}

/// A float as it is written: `None` when not finite, and 0 for -0.
fn finite(f: f64) -> Option<f64> {
    if !f.is_finite() {
        None
    } else if f == 0.0 {
        Some(0.0)
    } else {
        Some(f)
    }
}

fn node_data(n: &Node) -> NodeData<'_> {
    let m = n.metrics.as_ref();
    NodeData {
        id: &n.id,
        label: &n.label,
        kind: &n.kind,
        mentions: n.mentions,
        documents: n.documents,
        windows: n.windows,
        first_seen: n.first_seen.map(|d| d.to_string()),
        last_seen: n.last_seen.map(|d| d.to_string()),
        degree: m.map(|m| m.degree),
        weighted_degree: m.and_then(|m| finite(m.weighted_degree)),
        pagerank: m.and_then(|m| finite(m.pagerank)),
        betweenness: m.and_then(|m| finite(m.betweenness)),
        betweenness_weighted: m.and_then(|m| finite(m.betweenness_weighted)),
        community: m.map(|m| m.community),
        attributes: &n.attributes,
    }
}

fn edge_data<'a>(s: &'a Node, t: &'a Node, e: &'a Edge, key: Option<String>) -> EdgeData<'a> {
    let measures = e.measures.as_ref();
    let relation = e.relation.as_ref();
    EdgeData {
        source: &s.id,
        target: &t.id,
        key,
        kind: e.kind.name(),
        directed: e.kind.directed(),
        weight: e.weight,
        documents: e.documents,
        first_seen: e.first_seen.map(|d| d.to_string()),
        last_seen: e.last_seen.map(|d| d.to_string()),
        pmi: measures.and_then(|m| finite(m.pmi)),
        npmi: measures.and_then(|m| finite(m.npmi)),
        jaccard: measures.and_then(|m| finite(m.jaccard)),
        dice: measures.and_then(|m| finite(m.dice)),
        relation: relation.map(|r| r.relation.as_str()),
        negated: relation.map(|r| r.negated),
        modality: relation.map(|r| r.modality.as_str()),
        reversed: relation.map(|r| r.reversed),
    }
}

/// Writes `g` as node-link JSON to `w`, with the edges `opts` selects.
pub fn write_json<W: io::Write>(g: &KnowledgeGraph, opts: &ExportOptions, w: W) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    let relations = opts.edges.includes(EdgeKind::Relation);
    let multigraph = relations;
    let doc = Document {
        directed: relations,
        multigraph,
        graph: GraphData {
            creator: "kgraph",
            window: g.window.name(),
            edge_selection: match opts.edges {
                EdgeSelection::All => "all",
                EdgeSelection::Cooccurrence => "cooccurrence",
                EdgeSelection::Relations => "relations",
            },
            totals: TotalsData {
                documents: g.totals.documents,
                windows: g.totals.windows,
                mentions: g.totals.mentions,
            },
            modularity: g.modularity.and_then(finite),
        },
        nodes: g.nodes().map(node_data).collect(),
        edges: selected_edges(g, opts)
            .enumerate()
            .map(|(i, (s, t, e))| edge_data(s, t, e, multigraph.then(|| format!("e{i}"))))
            .collect(),
    };
    serde_json::to_writer_pretty(&mut w, &doc).map_err(io::Error::from)?;
    w.write_all(b"\n")?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{AnalysisOptions, annotate};
    use crate::export::testgraph::{check_golden, small};
    use serde_json::Value;

    fn render_graph(g: &KnowledgeGraph, edges: EdgeSelection) -> String {
        let mut out = Vec::new();
        let opts = ExportOptions {
            edges,
            ..ExportOptions::default()
        };
        write_json(g, &opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn parse(edges: EdgeSelection) -> Value {
        serde_json::from_str(&render_graph(&small(), edges)).unwrap()
    }

    #[test]
    fn golden_small() {
        check_golden(
            "small.json",
            render_graph(&small(), EdgeSelection::All).as_bytes(),
        );
    }

    #[test]
    fn layout_is_networkx_node_link() {
        let text = render_graph(&small(), EdgeSelection::All);
        assert!(text.starts_with("{\n  \"directed\": true,\n  \"multigraph\": true,\n"));
        assert!(text.ends_with("}\n"));
        // The order of the fields is fixed, and the edges come last, after the nodes they join.
        let at = |key: &str| text.find(&format!("\n  \"{key}\": ")).unwrap();
        assert!(at("multigraph") < at("graph") && at("graph") < at("nodes"));
        assert!(at("nodes") < at("edges"));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["graph"]["window"], "sentence");
        assert_eq!(v["graph"]["totals"]["windows"], 40);
        assert!(v["graph"].get("modularity").is_none());
        assert_eq!(v["nodes"].as_array().unwrap().len(), 8);
        assert_eq!(v["edges"].as_array().unwrap().len(), 4);
        let ids: Vec<&str> = v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "Edge", "graph", "jp", "kr", "node", "strict", "subgraph", "us.gov-1"
            ]
        );
    }

    #[test]
    fn direction_and_keys_by_selection() {
        let all = parse(EdgeSelection::All);
        let edges = all["edges"].as_array().unwrap();
        let flags: Vec<(bool, &str, &str)> = edges
            .iter()
            .map(|e| {
                (
                    e["directed"].as_bool().unwrap(),
                    e["kind"].as_str().unwrap(),
                    e["key"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            flags,
            [
                (false, "cooccurrence", "e0"),
                (false, "cooccurrence", "e1"),
                (true, "relation", "e2"),
                (true, "relation", "e3")
            ]
        );

        let cooc = parse(EdgeSelection::Cooccurrence);
        assert_eq!(cooc["directed"], false);
        assert_eq!(cooc["multigraph"], false);
        assert_eq!(cooc["graph"]["edge_selection"], "cooccurrence");
        for e in cooc["edges"].as_array().unwrap() {
            assert!(e.get("key").is_none() && e.get("relation").is_none());
            assert_eq!(e["directed"], false);
        }

        let rel = parse(EdgeSelection::Relations);
        assert_eq!(rel["directed"], true);
        assert_eq!(rel["multigraph"], true);
        let edges = rel["edges"].as_array().unwrap();
        assert_eq!(edges.len(), 2);
        assert_eq!(edges[1]["source"], "jp");
        assert_eq!(edges[1]["target"], "kr");
        assert_eq!(edges[1]["relation"], "restricts_trade");
        assert_eq!(edges[1]["negated"], true);
        assert_eq!(edges[1]["modality"], "threatened");
        assert_eq!(edges[1]["key"], "e1");
        assert!(edges[1].get("pmi").is_none());
        assert_eq!(rel["nodes"].as_array().unwrap().len(), 8);
    }

    #[test]
    fn numbers_are_typed_and_finite() {
        let text = render_graph(&small(), EdgeSelection::All);
        assert!(!text.contains("NaN") && !text.contains("null") && !text.contains("inf"));
        let v: Value = serde_json::from_str(&text).unwrap();
        let odd = &v["edges"][0];
        assert!(odd.get("pmi").is_none() && odd.get("npmi").is_none());
        assert_eq!(odd["jaccard"].as_f64(), Some(0.2));
        assert_eq!(odd["dice"].as_f64(), Some(0.0));
        assert!(!text.contains("-0.0"));
        assert!(odd["weight"].is_u64() && odd["documents"].is_u64());
        assert!(v["nodes"][2]["mentions"].is_u64());
        // The undated relation has no dates rather than nulls.
        assert!(v["edges"][2].get("first_seen").is_none());
        assert_eq!(v["edges"][3]["last_seen"], "2019-07-04");
    }

    #[test]
    fn strings_survive_exactly() {
        let v = parse(EdgeSelection::All);
        let g = small();
        for (n, data) in g.nodes().zip(v["nodes"].as_array().unwrap()) {
            assert_eq!(data["label"].as_str(), Some(n.label.as_str()));
            assert_eq!(data["type"].as_str(), Some(n.kind.as_str()));
            let attributes: BTreeMap<String, String> =
                serde_json::from_value(data["attributes"].clone()).unwrap();
            assert_eq!(attributes, n.attributes);
        }
        // A dictionary attribute called Label stays under attributes.
        assert_eq!(v["nodes"][6]["attributes"]["Label"], "shadows the label");
        assert_eq!(v["nodes"][6]["label"], "subgraph");
    }

    #[test]
    fn metrics_when_computed() {
        let mut g = small();
        annotate(&mut g, &AnalysisOptions::default());
        let v: Value = serde_json::from_str(&render_graph(&g, EdgeSelection::All)).unwrap();
        let jp = &v["nodes"][2];
        assert_eq!(jp["degree"], 1);
        assert!(jp["pagerank"].is_f64() && jp["betweenness"].is_f64());
        assert!(jp["community"].is_u64());
        assert!(v["graph"]["modularity"].is_f64());
        annotate(
            &mut g,
            &AnalysisOptions {
                betweenness: false,
                ..AnalysisOptions::default()
            },
        );
        let v: Value = serde_json::from_str(&render_graph(&g, EdgeSelection::All)).unwrap();
        assert!(v["nodes"][2].get("betweenness").is_none());
        assert!(v["nodes"][2]["pagerank"].is_f64());
    }
}
