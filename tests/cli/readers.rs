//! Hands kgraph's output files to the programs that really read them, and reports what they
//! saw: `xmllint` with the GraphML schema, Graphviz's `dot`, `neato` and `sfdp`, NetworkX,
//! and both Rust's and Python's CSV readers.
//!
//! The GraphML schema is the official GraphML 1.0 set (`graphml.xsd`, which redefines
//! `graphml-structure.xsd`, which imports `xlink.xsd`), copied from the public repository
//! codaco/graphml-schemas (`xmlns/1.0/`) into `tests/data/schemas/graphml/` so that a clone
//! of this repository can check its files offline.
//!
//! A helper whose tool is missing returns [`Skip`] and prints a note, unless the `CI`
//! environment variable is set: there a missing tool is a failure, because a check that
//! silently skips in CI checks nothing. `.ci/run` installs every tool used here.
//!
//! The tests at the bottom write a small graph with hostile labels through the library and
//! hand each format to its readers; the integration tests of the command line use the same
//! helpers on the files `kgraph build` writes.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kgraph::corpus::{Date, Document};
use kgraph::dictionary::{AliasKind, Dictionary, Entity};
use kgraph::error::Location;
use kgraph::export::csv::{EDGE_COLUMNS, MENTION_COLUMNS, MentionsWriter, NODE_COLUMNS};
use kgraph::export::{EdgeSelection, ExportOptions};
use kgraph::graph::{
    Edge, EdgeKind, KnowledgeGraph, Measures, Node, RelationAttrs, Totals, Window,
};
use kgraph::tagger::Mention;
use petgraph::graph::DiGraph;

/// A check that did not run because its tool is not installed (outside CI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip(pub String);

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The GraphML schema the outputs must validate against.
pub fn graphml_schema() -> PathBuf {
    repo_root().join("tests/data/schemas/graphml/graphml.xsd")
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// The tool is missing: a [`Skip`] outside CI, a failure in CI.
fn missing(tool: &str, why: &str) -> Skip {
    assert!(
        !in_ci(),
        "{tool} is needed to check the outputs, but {why}; CI is set, so a missing tool is a \
         failure (.ci/run installs it)"
    );
    eprintln!("note: skipped a check: {tool} {why}");
    Skip(format!("{tool} {why}"))
}

/// Runs `cmd`, or says which tool is missing.
fn run(cmd: &mut Command, tool: &str) -> Result<Output, Skip> {
    match cmd.output() {
        Ok(out) => Ok(out),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(missing(tool, "is not installed")),
        Err(e) => panic!("could not run {tool}: {e}"),
    }
}

fn describe(out: &Output) -> String {
    format!(
        "{}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Validates a GraphML file with `xmllint --nonet --noout --schema` against the copy of the
/// GraphML schema in `tests/data/schemas/graphml/`; panics with xmllint's report when the
/// file is invalid.
pub fn graphml_valid(path: &Path) -> Result<(), Skip> {
    let schema = graphml_schema();
    assert!(schema.is_file(), "{} is missing", schema.display());
    let out = run(
        Command::new("xmllint")
            .args(["--nonet", "--noout", "--schema"])
            .arg(&schema)
            .arg(path),
        "xmllint",
    )?;
    assert!(
        out.status.success(),
        "{} is not valid GraphML: {}",
        path.display(),
        describe(&out)
    );
    Ok(())
}

/// Renders a DOT file to SVG with `dot`, `neato` and `sfdp`; panics unless each exits with
/// 0 and prints nothing at all on stderr (Graphviz reports problems as warnings there).
pub fn dot_renders(path: &Path) -> Result<(), Skip> {
    for engine in ["dot", "neato", "sfdp"] {
        dot_svg(path, engine)?;
    }
    Ok(())
}

/// Renders a DOT file to SVG with one Graphviz engine and returns the SVG; panics on a
/// failure or on any output on stderr.
pub fn dot_svg(path: &Path, engine: &str) -> Result<String, Skip> {
    let out = run(
        Command::new(engine).arg("-Tsvg").arg(path),
        &format!("Graphviz ({engine})"),
    )?;
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{engine} -Tsvg {} did not render cleanly: {}",
        path.display(),
        describe(&out)
    );
    Ok(String::from_utf8(out.stdout)
        .unwrap_or_else(|e| panic!("{engine} wrote SVG that is not UTF-8: {e}")))
}

/// What NetworkX's reader is asked to do with a GraphML file: read it as it is, unless its
/// edges carry a `directed` attribute (a mixed graph, which `read_graphml` rejects), in
/// which case the attribute is dropped and the file read as a multigraph, so that every
/// edge still counts. It also checks what NetworkX kept: a `label` on every node, a float
/// `weight` above 0 and a boolean `directed` on every edge, and a graph as directed as the
/// file's `edgedefault` says.
const NETWORKX_SCRIPT: &str = r#"
import sys
import xml.etree.ElementTree as ET
import networkx as nx

path = sys.argv[1]
NS = "{http://graphml.graphdrawing.org/xmlns}"
root = ET.parse(path).getroot()
graph = root.find(NS + "graph")
edges = list(root.iter(NS + "edge"))
if any("directed" in e.attrib for e in edges):
    for e in edges:
        e.attrib.pop("directed", None)
    g = nx.parse_graphml(ET.tostring(root, encoding="unicode"), force_multigraph=True)
else:
    g = nx.read_graphml(path)
assert g.is_directed() == (graph.get("edgedefault") == "directed"), "direction"
for n, d in g.nodes(data=True):
    assert isinstance(d.get("label"), str), f"node {n!r} has no label: {d!r}"
for u, v, d in g.edges(data=True):
    w = d.get("weight")
    assert isinstance(w, float) and w > 0, f"edge {u!r}-{v!r} has weight {w!r}"
    assert isinstance(d.get("directed"), bool), f"edge {u!r}-{v!r}: {d!r}"
print(g.number_of_nodes(), g.number_of_edges())
"#;

fn python_has(module: &str) -> Result<(), Skip> {
    let out = run(
        Command::new("python3").args(["-c", &format!("import {module}")]),
        "python3",
    )?;
    if out.status.success() {
        Ok(())
    } else {
        Err(missing(
            &format!("the Python module {module}"),
            "is not installed",
        ))
    }
}

/// Reads a GraphML file with NetworkX (see [`NETWORKX_SCRIPT`]) and returns its node and
/// edge counts.
pub fn networkx_counts(path: &Path) -> Result<(usize, usize), Skip> {
    python_has("networkx")?;
    let out = run(
        Command::new("python3")
            .args(["-c", NETWORKX_SCRIPT])
            .arg(path),
        "python3",
    )?;
    assert!(
        out.status.success(),
        "NetworkX could not read {}: {}",
        path.display(),
        describe(&out)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let counts: Vec<usize> = text
        .split_whitespace()
        .map(|n| n.parse().expect("a count"))
        .collect();
    assert_eq!(counts.len(), 2, "unexpected output from NetworkX: {text}");
    Ok((counts[0], counts[1]))
}

/// Counts the records of one CSV file with the `csv` crate (which rejects rows of unequal
/// length), after checking its header and that it has no byte-order mark.
fn rust_csv_count(path: &Path, header: &[&str], exact: bool) -> usize {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        !bytes.starts_with("\u{FEFF}".as_bytes()),
        "{} starts with a byte-order mark",
        path.display()
    );
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let found = reader.headers().expect("a header row").clone();
    let found: Vec<&str> = found.iter().collect();
    if exact {
        assert_eq!(found, header, "{}", path.display());
    } else {
        assert_eq!(&found[..header.len()], header, "{}", path.display());
    }
    let mut count = 0;
    for record in reader.records() {
        record.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        count += 1;
    }
    count
}

/// Counts rows (header excluded) of each named file with Python's `csv` module, checking
/// that every row is as long as the header.
const PYTHON_CSV_SCRIPT: &str = r#"
import csv, sys
for path in sys.argv[1:]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    for i, row in enumerate(body, 2):
        assert len(row) == len(header), f"{path}: record {i} has {len(row)} fields"
    print(len(body))
"#;

/// Parses `nodes.csv`, `edges.csv` and `mentions.csv` in `dir` with the `csv` crate and with
/// Python's `csv` module, checks their headers, and returns their record counts (nodes,
/// edges, mentions). When python3 is missing outside CI, only the `csv` crate reads them.
pub fn csv_counts(dir: &Path) -> (usize, usize, usize) {
    let files = [
        dir.join("nodes.csv"),
        dir.join("edges.csv"),
        dir.join("mentions.csv"),
    ];
    let counts = (
        rust_csv_count(&files[0], NODE_COLUMNS, false),
        rust_csv_count(&files[1], EDGE_COLUMNS, true),
        rust_csv_count(&files[2], MENTION_COLUMNS, true),
    );
    let python = run(
        Command::new("python3")
            .args(["-c", PYTHON_CSV_SCRIPT])
            .args(&files),
        "python3",
    );
    if let Ok(out) = python {
        assert!(
            out.status.success(),
            "Python's csv module could not read {}: {}",
            dir.display(),
            describe(&out)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let py: Vec<usize> = text
            .split_whitespace()
            .map(|n| n.parse().expect("a count"))
            .collect();
        assert_eq!(
            py,
            [counts.0, counts.1, counts.2],
            "Python's csv module and the csv crate disagree"
        );
    }
    counts
}

// ---------------------------------------------------------------------------------------
// Tests: the library's writers, on a small hostile graph, handed to the real readers.

fn date(s: &str) -> Option<Date> {
    Date::parse(s)
}

fn node(id: &str, label: &str, kind: &str, attributes: &[(&str, &str)], mentions: u64) -> Node {
    Node {
        id: id.to_string(),
        label: label.to_string(),
        kind: kind.to_string(),
        attributes: attributes
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        mentions,
        documents: mentions.div_ceil(2),
        windows: mentions,
        first_seen: date("2019-07-01"),
        last_seen: date("2019-08-02"),
        metrics: None,
    }
}

fn cooccurrence(weight: u64, measures: Measures) -> Edge {
    Edge {
        kind: EdgeKind::Cooccurrence,
        weight,
        documents: 1,
        measures: Some(measures),
        relation: None,
        first_seen: date("2019-07-02"),
        last_seen: date("2019-07-30"),
    }
}

fn relation(relation: &str, weight: u64, negated: bool, modality: &str) -> Edge {
    Edge {
        kind: EdgeKind::Relation,
        weight,
        documents: 1,
        measures: None,
        relation: Some(RelationAttrs {
            relation: relation.to_string(),
            negated,
            modality: modality.to_string(),
            reversed: false,
        }),
        first_seen: date("2019-07-04"),
        last_seen: None,
    }
}

/// Six nodes whose ids are DOT keywords and whose labels and attributes hold markup,
/// quotes, backslashes (one at the end), line breaks, tabs, control characters, a
/// right-to-left mark, emoji and formulas; three co-occurrence and two relation edges, one
/// of them between the same pair as a co-occurrence.
fn hostile_graph() -> KnowledgeGraph {
    let mut g = DiGraph::new();
    let edge = g.add_node(node(
        "Edge",
        "Edge",
        "organisation",
        &[("=x", "@SUM(A1)")],
        2,
    ));
    let graph = g.add_node(node("graph", "graph", "event", &[], 3));
    let jp = g.add_node(node(
        "jp",
        "Japan <&> \"Nippon\" 'JP'",
        "country",
        &[("iso", "JP"), ("party name", "=1+2")],
        12,
    ));
    let kr = g.add_node(node("kr", "South Korea\\", "country", &[("iso", "KR")], 9));
    let moon = g.add_node(node(
        "node",
        "Moon\nJae-in\t(NUL\u{0} bell\u{7})\r\n\u{FFFE}",
        "person",
        &[("名前", "文在寅"), ("x\u{1}y", "-1")],
        5,
    ));
    let strict = g.add_node(node(
        "strict",
        "strict \u{200F}\u{5D0}\u{5D1} 🇰🇷🤝🇯🇵",
        "treaty-body",
        &[],
        1,
    ));
    let m = Measures::compute(3, 10, 8, 40);
    g.add_edge(edge, strict, cooccurrence(1, m));
    g.add_edge(
        graph,
        moon,
        cooccurrence(
            2,
            Measures {
                pmi: f64::NAN,
                npmi: f64::NEG_INFINITY,
                jaccard: 0.1,
                dice: 0.2,
            },
        ),
    );
    g.add_edge(jp, kr, cooccurrence(3, m));
    g.add_edge(jp, kr, relation("restricts_trade", 2, true, "threatened"));
    g.add_edge(moon, edge, relation("meets", 1, false, "asserted"));
    KnowledgeGraph {
        graph: g,
        window: Window::Sentence,
        totals: Totals {
            documents: 4,
            windows: 40,
            mentions: 32,
        },
        modularity: None,
        timeline: None,
    }
}

/// A graph the size the DOT styling is meant for: 90 nodes of every type, a few hubs, a
/// long tail of weights, and relations of every modality.
fn newsroom_graph() -> KnowledgeGraph {
    const TYPES: [&str; 7] = [
        "country",
        "person",
        "agreement",
        "event",
        "organisation",
        "place",
        "other",
    ];
    let mut g = DiGraph::new();
    let ids: Vec<_> = (0..90)
        .map(|i| {
            let mentions = 1 + (i * 37 % 97) as u64 * if i % 9 == 0 { 5 } else { 1 };
            g.add_node(node(
                &format!("e{i:03}"),
                &format!("Entity number {i} of type {}", TYPES[i % 7]),
                TYPES[i % 7],
                &[],
                mentions,
            ))
        })
        .collect();
    // A deterministic pseudo-random sparse graph: hubs every 9th node.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut pairs = std::collections::BTreeSet::new();
    while pairs.len() < 160 {
        let a = (next() % 90) as usize;
        let b = if next() % 3 == 0 {
            (next() % 10 * 9) as usize
        } else {
            (next() % 90) as usize
        };
        if a != b {
            pairs.insert((a.min(b), a.max(b)));
        }
    }
    for &(a, b) in &pairs {
        let weight = 1 + next() % 40 / (1 + next() % 8);
        g.add_edge(
            ids[a],
            ids[b],
            cooccurrence(weight, Measures::compute(weight, 50, 50, 400)),
        );
    }
    let modalities = [
        "asserted",
        "threatened",
        "proposed",
        "planned",
        "hypothetical",
    ];
    for (i, &(a, b)) in pairs.iter().step_by(5).enumerate() {
        let (s, t) = if i % 2 == 0 { (a, b) } else { (b, a) };
        g.add_edge(
            ids[s],
            ids[t],
            relation(
                "criticises",
                1 + (i as u64 % 4),
                i % 3 == 0,
                modalities[i % 5],
            ),
        );
    }
    KnowledgeGraph {
        graph: g,
        window: Window::Paragraph,
        totals: Totals {
            documents: 100,
            windows: 400,
            mentions: 3000,
        },
        modularity: None,
        timeline: None,
    }
}

fn options(edges: EdgeSelection) -> ExportOptions {
    ExportOptions {
        edges,
        ..ExportOptions::default()
    }
}

fn write_file(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut fs::File) -> io::Result<()>,
) -> PathBuf {
    let path = dir.join(name);
    let mut f = fs::File::create(&path).unwrap();
    write(&mut f).unwrap();
    path
}

#[test]
fn graphml_of_every_selection_is_valid_against_the_schema() {
    let g = hostile_graph();
    let dir = tempfile::tempdir().unwrap();
    for (name, selection) in [
        ("all.graphml", EdgeSelection::All),
        ("cooccurrence.graphml", EdgeSelection::Cooccurrence),
        ("relations.graphml", EdgeSelection::Relations),
    ] {
        let path = write_file(dir.path(), name, |f| {
            kgraph::export::graphml::write_graphml(&g, &options(selection), f)
        });
        if graphml_valid(&path).is_err() {
            return;
        }
    }
}

#[test]
fn networkx_reads_every_selection() {
    let g = hostile_graph();
    let dir = tempfile::tempdir().unwrap();
    for (name, selection, expected) in [
        ("cooccurrence.graphml", EdgeSelection::Cooccurrence, (6, 3)),
        ("relations.graphml", EdgeSelection::Relations, (6, 2)),
        ("all.graphml", EdgeSelection::All, (6, 5)),
    ] {
        let path = write_file(dir.path(), name, |f| {
            kgraph::export::graphml::write_graphml(&g, &options(selection), f)
        });
        match networkx_counts(&path) {
            Ok(counts) => assert_eq!(counts, expected, "{name}"),
            Err(_) => return,
        }
    }
}

#[test]
fn dot_renders_with_every_engine_without_warnings() {
    let g = hostile_graph();
    let dir = tempfile::tempdir().unwrap();
    for (name, selection) in [
        ("all.dot", EdgeSelection::All),
        ("cooccurrence.dot", EdgeSelection::Cooccurrence),
        ("relations.dot", EdgeSelection::Relations),
    ] {
        let path = write_file(dir.path(), name, |f| {
            kgraph::export::dot::write_dot(&g, &options(selection), f)
        });
        if dot_renders(&path).is_err() {
            return;
        }
    }
}

#[test]
fn dot_labels_survive_graphviz() {
    let g = hostile_graph();
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "all.dot", |f| {
        kgraph::export::dot::write_dot(&g, &ExportOptions::default(), f)
    });
    let Ok(svg) = dot_svg(&path, "dot") else {
        return;
    };
    // The label that ends in a backslash keeps it, and does not swallow its closing quote.
    assert!(svg.contains(">South Korea\\</text>"), "{svg}");
    assert!(
        svg.contains(">Japan &lt;&amp;&gt; &quot;Nippon&quot; &#39;JP&#39;</text>")
            || svg.contains(">Japan &lt;&amp;&gt; \"Nippon\" 'JP'</text>"),
        "{svg}"
    );
    // A line break in a label is a line break in the drawing.
    assert!(svg.contains(">Moon</text>"), "{svg}");
    // Keyword ids are nodes, not syntax.
    for id in [
        "<title>node</title>",
        "<title>graph</title>",
        "<title>strict</title>",
    ] {
        assert!(svg.contains(id), "{id}");
    }
}

#[test]
fn a_newsroom_sized_graph_renders_without_warnings() {
    let g = newsroom_graph();
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "newsroom.dot", |f| {
        kgraph::export::dot::write_dot(&g, &ExportOptions::default(), f)
    });
    if dot_renders(&path).is_err() {
        return;
    }
    let graphml = write_file(dir.path(), "newsroom.graphml", |f| {
        kgraph::export::graphml::write_graphml(&g, &ExportOptions::default(), f)
    });
    let _ = graphml_valid(&graphml);
}

#[test]
fn csv_files_read_back_with_the_same_counts() {
    let g = hostile_graph();
    let dir = tempfile::tempdir().unwrap();
    let opts = ExportOptions::default();
    write_file(dir.path(), "nodes.csv", |f| {
        kgraph::export::csv::write_nodes(&g, &opts, f)
    });
    write_file(dir.path(), "edges.csv", |f| {
        kgraph::export::csv::write_edges(&g, &opts, f)
    });

    let mut dict = Dictionary::default();
    for (id, label) in [("jp", "Japan"), ("kr", "South Korea\\")] {
        dict.entities.push(Entity {
            id: id.to_string(),
            kind: "country".to_string(),
            label: label.to_string(),
            aliases: Vec::new(),
            exclude: Vec::new(),
            roles: Vec::new(),
            attributes: BTreeMap::new(),
            origin: Location::file("<test>"),
        });
    }
    let doc = Document::new(
        "=doc\"1\"",
        "Japan, \"Japan\";\nand Seoul, Korea's capital.\r\n=Japan",
    )
    .with_date(Date::new(2019, 7, 1).unwrap());
    let mut mentions = MentionsWriter::new(
        fs::File::create(dir.path().join("mentions.csv")).unwrap(),
        &opts,
    )
    .unwrap();
    let mut n = 0;
    for (i, (start, _)) in doc.text.match_indices("Japan").enumerate() {
        let char_start = doc.text[..start].chars().count();
        let m = Mention {
            entity: (i % 2) as u32,
            kind: AliasKind::Name,
            start,
            end: start + 5,
            char_start,
            char_end: char_start + 5,
            sentence: i as u32,
            paragraph: 0,
        };
        mentions.write(&doc, &dict, &m).unwrap();
        n += 1;
    }
    mentions.finish().unwrap();

    assert_eq!(csv_counts(dir.path()), (6, 5, n));
}

/// Recomputes the node metrics of a co-occurrence GraphML file with NetworkX and returns
/// the largest differences from the values kgraph wrote: (PageRank, betweenness, weighted
/// betweenness, degree and weighted degree, modularity of kgraph's communities).
pub fn networkx_metric_differences(path: &Path) -> Result<[f64; 5], Skip> {
    python_has("networkx")?;
    // NetworkX's PageRank runs on SciPy (and NumPy), which NetworkX does not require.
    python_has("scipy")?;
    const SCRIPT: &str = r#"
import sys, networkx as nx
from networkx.algorithms.community import modularity
g = nx.read_graphml(sys.argv[1])
for u, v, d in g.edges(data=True):
    d["distance"] = 1.0 / d["weight"]
try:
    pr = nx.pagerank(g, alpha=0.85, weight="weight", tol=1e-12, max_iter=10000)
except Exception:
    pr = nx.pagerank(g, alpha=0.85, weight="weight", tol=1e-12, max_iter=10000)
bc = nx.betweenness_centrality(g, normalized=True)
bw = nx.betweenness_centrality(g, normalized=True, weight="distance")
dp = max(abs(pr[n] - d["pagerank"]) for n, d in g.nodes(data=True))
db = max(abs(bc[n] - d["betweenness"]) for n, d in g.nodes(data=True))
dw = max(abs(bw[n] - d["betweenness_weighted"]) for n, d in g.nodes(data=True))
dd = max(max(abs(g.degree(n) - d["degree"]), abs(g.degree(n, weight="weight") - d["weighted_degree"])) for n, d in g.nodes(data=True))
groups = {}
for n, d in g.nodes(data=True):
    groups.setdefault(d["community"], set()).add(n)
dq = abs(modularity(g, groups.values(), weight="weight") - g.graph["modularity"])
print(dp, db, dw, dd, dq)
"#;
    let out = run(
        Command::new("python3").args(["-c", SCRIPT]).arg(path),
        "python3",
    )?;
    assert!(
        out.status.success(),
        "NetworkX could not check {}: {}",
        path.display(),
        describe(&out)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Vec<f64> = text
        .split_whitespace()
        .map(|n| n.parse().expect("a number"))
        .collect();
    assert_eq!(v.len(), 5, "unexpected output from NetworkX: {text}");
    Ok([v[0], v[1], v[2], v[3], v[4]])
}

// ---------------------------------------------------------------------------------------
// GEXF and node-link JSON: the helpers, then tests that hand the library's output to them.

/// The GEXF 1.3 RELAX NG schema the GEXF outputs must validate against: `gexf.rng`, which
/// includes `viz.rng` and `dynamics.rng`, copied from the public repository gephi/gexf
/// (`specs/1.3/`) into `tests/data/schemas/gexf-1.3/`. The RELAX NG files are used rather
/// than the published XSDs, which reject valid `viz:` elements.
pub fn gexf_schema() -> PathBuf {
    repo_root().join("tests/data/schemas/gexf-1.3/gexf.rng")
}

/// Validates a GEXF file with `xmllint --nonet --noout --relaxng` against the copy of the
/// GEXF 1.3 schema; panics with xmllint's report when the file is invalid.
pub fn gexf_valid(path: &Path) -> Result<(), Skip> {
    let schema = gexf_schema();
    assert!(schema.is_file(), "{} is missing", schema.display());
    let out = run(
        Command::new("xmllint")
            .args(["--nonet", "--noout", "--relaxng"])
            .arg(&schema)
            .arg(path),
        "xmllint",
    )?;
    assert!(
        out.status.success(),
        "{} is not valid GEXF 1.3: {}",
        path.display(),
        describe(&out)
    );
    Ok(())
}

/// What NetworkX's `read_gexf` is asked to do with a GEXF file: read it as it is. It raises
/// on a mixed graph (a `type="directed"` edge in a graph that is not declared directed),
/// so for such a file, and only then, the `type` attributes are dropped and the file read
/// again as undirected, so that every edge still counts; the `kind` value keeps the
/// direction. It checks what NetworkX kept: a label, an r, g, b colour and a size on every
/// node, a float `weight` above 0 and a `kind` on every edge, typed counts, a graph as
/// directed as `defaultedgetype` says, and in a dynamic graph a date on every dated element.
const NETWORKX_GEXF_SCRIPT: &str = r#"
import io, sys
import xml.etree.ElementTree as ET
import networkx as nx

path = sys.argv[1]
NS = "{http://gexf.net/1.3}"
ET.register_namespace("", NS[1:-1])
ET.register_namespace("viz", "http://gexf.net/1.3/viz")
root = ET.parse(path).getroot()
graph = root.find(NS + "graph")
edges = list(root.iter(NS + "edge"))
try:
    g = nx.read_gexf(path)
except nx.NetworkXError as e:
    mixed = graph.get("defaultedgetype") is None and any(
        x.get("type") == "directed" for x in edges
    )
    if not mixed or "Directed edge found in undirected graph" not in str(e):
        raise
    for x in edges:
        x.attrib.pop("type", None)
    g = nx.read_gexf(io.BytesIO(ET.tostring(root, encoding="utf-8")))
assert g.is_directed() == (graph.get("defaultedgetype") == "directed"), "direction"
dynamic = graph.get("mode") == "dynamic"
for n, d in g.nodes(data=True):
    assert isinstance(d.get("label"), str), f"node {n!r} has no label: {d!r}"
    assert isinstance(d.get("type"), str), f"node {n!r} has no type: {d!r}"
    assert isinstance(d.get("mentions"), int), f"node {n!r}: {d!r}"
    color = d["viz"]["color"]
    assert all(0 <= color[c] <= 255 for c in "rgb"), f"node {n!r}: {color!r}"
    assert d["viz"]["size"] > 0, f"node {n!r}: {d!r}"
    if "pagerank" in d:
        assert isinstance(d["pagerank"], float) and isinstance(d["community"], int), d
    assert dynamic or ("start" not in d and "end" not in d), f"node {n!r}: {d!r}"
for u, v, d in g.edges(data=True):
    w = d.get("weight")
    assert isinstance(w, float) and w > 0, f"edge {u!r}-{v!r} has weight {w!r}"
    assert d.get("kind") in ("cooccurrence", "relation"), f"edge {u!r}-{v!r}: {d!r}"
    assert isinstance(d.get("count"), int), f"edge {u!r}-{v!r}: {d!r}"
    if d["kind"] == "relation":
        assert isinstance(d.get("negated"), bool) and d.get("label") == d.get("relation"), d
print(g.number_of_nodes(), g.number_of_edges())
"#;

/// Runs a Python script that prints two counts, and returns them.
fn python_counts(script: &str, path: &Path, what: &str) -> Result<(usize, usize), Skip> {
    python_has("networkx")?;
    let out = run(
        Command::new("python3").args(["-c", script]).arg(path),
        "python3",
    )?;
    assert!(
        out.status.success(),
        "{what} could not read {}: {}",
        path.display(),
        describe(&out)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let counts: Vec<usize> = text
        .split_whitespace()
        .map(|n| n.parse().expect("a count"))
        .collect();
    assert_eq!(counts.len(), 2, "unexpected output from {what}: {text}");
    Ok((counts[0], counts[1]))
}

/// Reads a GEXF file with NetworkX's `read_gexf` (see [`NETWORKX_GEXF_SCRIPT`]) and returns
/// its node and edge counts.
pub fn networkx_gexf_counts(path: &Path) -> Result<(usize, usize), Skip> {
    python_counts(NETWORKX_GEXF_SCRIPT, path, "NetworkX's read_gexf")
}

/// Loads a node-link JSON file with Python's `json` module and builds the graph with
/// `networkx.node_link_graph(data, edges="edges")`, the NetworkX 3.4+ spelling. Checks that
/// the graph is as directed and as multi as the file says, that every edge joins two listed
/// nodes by id (which D3's `forceLink().id(d => d.id)` needs), that a multigraph's edges
/// kept their keys, and the types NetworkX holds: a string label and type and a dictionary
/// of attributes on every node, an integer weight above 0, a boolean `directed` and a kind
/// on every edge.
const NETWORKX_JSON_SCRIPT: &str = r#"
import json, sys
import networkx as nx

with open(sys.argv[1], encoding="utf-8") as f:
    data = json.load(f)
g = nx.node_link_graph(data, edges="edges")
assert g.is_directed() == data["directed"], "direction"
assert g.is_multigraph() == data["multigraph"], "multigraph"
ids = {n["id"] for n in data["nodes"]}
assert len(ids) == len(data["nodes"]), "node ids repeat"
for e in data["edges"]:
    assert e["source"] in ids and e["target"] in ids, f"edge to an unknown node: {e!r}"
for n, d in g.nodes(data=True):
    assert isinstance(d.get("label"), str), f"node {n!r} has no label: {d!r}"
    assert isinstance(d.get("type"), str), f"node {n!r} has no type: {d!r}"
    assert isinstance(d.get("attributes"), dict), f"node {n!r}: {d!r}"
    if "pagerank" in d:
        assert isinstance(d["pagerank"], float) and isinstance(d["community"], int), d
edges = g.edges(keys=True, data=True) if g.is_multigraph() else g.edges(data=True)
for *ends, d in edges:
    if g.is_multigraph():
        assert isinstance(ends[2], str) and ends[2].startswith("e"), f"edge key {ends!r}"
    w = d.get("weight")
    assert isinstance(w, int) and w > 0, f"edge {ends!r} has weight {w!r}"
    assert d.get("kind") in ("cooccurrence", "relation"), f"edge {ends!r}: {d!r}"
    assert d.get("directed") == (d["kind"] == "relation"), f"edge {ends!r}: {d!r}"
print(g.number_of_nodes(), g.number_of_edges())
"#;

/// Reads a node-link JSON file with `json.load` and NetworkX's `node_link_graph` (see
/// [`NETWORKX_JSON_SCRIPT`]) and returns its node and edge counts.
pub fn networkx_json_counts(path: &Path) -> Result<(usize, usize), Skip> {
    python_counts(NETWORKX_JSON_SCRIPT, path, "NetworkX's node_link_graph")
}

/// The three selections, with a file-name stem each.
const SELECTIONS: [(&str, EdgeSelection); 3] = [
    ("all", EdgeSelection::All),
    ("cooccurrence", EdgeSelection::Cooccurrence),
    ("relations", EdgeSelection::Relations),
];

/// The newsroom graph with its metrics computed, as `kgraph build` writes it.
fn analysed_newsroom_graph() -> KnowledgeGraph {
    let mut g = newsroom_graph();
    kgraph::analysis::annotate(&mut g, &kgraph::analysis::AnalysisOptions::default());
    g
}

#[test]
fn gexf_of_every_selection_is_valid_against_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    for (graph, g) in [
        ("hostile", hostile_graph()),
        ("newsroom", analysed_newsroom_graph()),
    ] {
        for (stem, selection) in SELECTIONS {
            let path = write_file(dir.path(), &format!("{graph}.{stem}.gexf"), |f| {
                kgraph::export::gexf::write_gexf(&g, &options(selection), f)
            });
            if gexf_valid(&path).is_err() {
                return;
            }
        }
    }
}

#[test]
fn networkx_reads_gexf_of_every_selection() {
    let dir = tempfile::tempdir().unwrap();
    for (graph, g, expected) in [
        ("hostile", hostile_graph(), [(6, 5), (6, 3), (6, 2)]),
        (
            "newsroom",
            analysed_newsroom_graph(),
            [(90, 192), (90, 160), (90, 32)],
        ),
    ] {
        for ((stem, selection), expected) in SELECTIONS.into_iter().zip(expected) {
            let name = format!("{graph}.{stem}.gexf");
            let path = write_file(dir.path(), &name, |f| {
                kgraph::export::gexf::write_gexf(&g, &options(selection), f)
            });
            match networkx_gexf_counts(&path) {
                Ok(counts) => assert_eq!(counts, expected, "{name}"),
                Err(_) => return,
            }
        }
    }
}

#[test]
fn networkx_reads_json_of_every_selection() {
    let dir = tempfile::tempdir().unwrap();
    for (graph, g, expected) in [
        ("hostile", hostile_graph(), [(6, 5), (6, 3), (6, 2)]),
        (
            "newsroom",
            analysed_newsroom_graph(),
            [(90, 192), (90, 160), (90, 32)],
        ),
    ] {
        for ((stem, selection), expected) in SELECTIONS.into_iter().zip(expected) {
            let name = format!("{graph}.{stem}.json");
            let path = write_file(dir.path(), &name, |f| {
                kgraph::export::json::write_json(&g, &options(selection), f)
            });
            match networkx_json_counts(&path) {
                Ok(counts) => assert_eq!(counts, expected, "{name}"),
                Err(_) => return,
            }
        }
    }
}

#[test]
fn gexf_and_json_keep_hostile_labels_exactly() {
    // What NetworkX reads back is what the graph holds, less only what XML cannot carry.
    let g = hostile_graph();
    let dir = tempfile::tempdir().unwrap();
    let gexf = write_file(dir.path(), "all.gexf", |f| {
        kgraph::export::gexf::write_gexf(&g, &ExportOptions::default(), f)
    });
    let json = write_file(dir.path(), "all.json", |f| {
        kgraph::export::json::write_json(&g, &ExportOptions::default(), f)
    });
    if python_has("networkx").is_err() {
        return;
    }
    const SCRIPT: &str = r#"
import io, json, sys
import xml.etree.ElementTree as ET
import networkx as nx
root = ET.parse(sys.argv[1]).getroot()
for e in root.iter("{http://gexf.net/1.3}edge"):
    e.attrib.pop("type", None)
gexf = nx.read_gexf(io.BytesIO(ET.tostring(root, encoding="utf-8")))
with open(sys.argv[2], encoding="utf-8") as f:
    link = nx.node_link_graph(json.load(f), edges="edges")
print(json.dumps({"gexf": {n: d["label"] for n, d in gexf.nodes(data=True)},
                  "json": {n: d["label"] for n, d in link.nodes(data=True)}}))
"#;
    let Ok(out) = run(
        Command::new("python3")
            .args(["-c", SCRIPT])
            .arg(&gexf)
            .arg(&json),
        "python3",
    ) else {
        return;
    };
    assert!(out.status.success(), "{}", describe(&out));
    let labels: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for n in g.nodes() {
        assert_eq!(labels["json"][&n.id], n.label.as_str(), "{}", n.id);
        // XML 1.0 cannot hold NUL, BEL and U+FFFE at all; everything else comes back.
        let xml_label: String = n
            .label
            .chars()
            .filter(|c| !matches!(c, '\u{0}' | '\u{7}' | '\u{FFFE}'))
            .collect();
        assert_eq!(labels["gexf"][&n.id], xml_label.as_str(), "{}", n.id);
    }
}
