//! Metrics on small graphs whose answers are known (reference values from NetworkX 3.6),
//! and a comparison with NetworkX itself on pseudo-random weighted graphs.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::Command;

use petgraph::graph::{DiGraph, NodeIndex};

use super::*;
use crate::graph::{Edge, Node, RelationAttrs, Totals, Window};

fn node(i: usize) -> Node {
    Node {
        id: format!("n{i:03}"),
        label: format!("Node {i}"),
        kind: "country".into(),
        attributes: BTreeMap::new(),
        mentions: 1,
        documents: 1,
        windows: 1,
        first_seen: None,
        last_seen: None,
        metrics: None,
    }
}

fn cooccurrence(weight: u64) -> Edge {
    Edge {
        kind: EdgeKind::Cooccurrence,
        weight,
        documents: 1,
        measures: None,
        relation: None,
        first_seen: None,
        last_seen: None,
    }
}

/// A graph of `n` nodes and the given co-occurrence edges `(a, b, weight)`.
fn graph(n: usize, edges: &[(usize, usize, u64)]) -> KnowledgeGraph {
    let mut graph = DiGraph::new();
    for i in 0..n {
        graph.add_node(node(i));
    }
    for &(a, b, w) in edges {
        graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), cooccurrence(w));
    }
    KnowledgeGraph {
        graph,
        window: Window::Sentence,
        totals: Totals::default(),
        modularity: None,
        timeline: None,
    }
}

fn assert_close(what: &str, got: &[f64], want: &[f64], tolerance: f64) {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tolerance,
            "{what}[{i}]: got {g}, want {w}\n got {got:?}\nwant {want:?}"
        );
    }
}

fn column(a: &Analysis, f: impl Fn(&NodeMetrics) -> f64) -> Vec<f64> {
    a.nodes.iter().map(f).collect()
}

fn communities(a: &Analysis) -> Vec<usize> {
    a.nodes.iter().map(|m| m.community).collect()
}

#[test]
fn a_weighted_path() {
    let a = analyse(&graph(4, &[(0, 1, 1), (1, 2, 2), (2, 3, 3)]));
    assert_eq!(
        a.nodes.iter().map(|m| m.degree).collect::<Vec<_>>(),
        [1, 2, 2, 1]
    );
    assert_eq!(column(&a, |m| m.weighted_degree), [1.0, 3.0, 5.0, 3.0]);
    let pagerank = [
        0.11255601013052782,
        0.2649035651665718,
        0.38744398986947226,
        0.2350964348334283,
    ];
    assert_close("pagerank", &column(&a, |m| m.pagerank), &pagerank, 1e-9);
    let inner = 2.0 / 3.0;
    assert_close(
        "betweenness",
        &column(&a, |m| m.betweenness),
        &[0.0, inner, inner, 0.0],
        1e-15,
    );
    assert_close(
        "weighted",
        &column(&a, |m| m.betweenness_weighted),
        &[0.0, inner, inner, 0.0],
        1e-15,
    );
    assert!(a.betweenness_computed);
    assert!(a.modularity >= 0.0);
}

#[test]
fn a_weighted_star() {
    let a = analyse(&graph(5, &[(0, 1, 1), (0, 2, 2), (0, 3, 3), (0, 4, 4)]));
    assert_eq!(
        a.nodes.iter().map(|m| m.degree).collect::<Vec<_>>(),
        [4, 1, 1, 1, 1]
    );
    assert_eq!(
        column(&a, |m| m.weighted_degree),
        [10.0, 1.0, 2.0, 3.0, 4.0]
    );
    let pagerank = [
        0.475675675675665,
        0.07043243243243352,
        0.11086486486486705,
        0.15129729729730057,
        0.19172972972973407,
    ];
    assert_close("pagerank", &column(&a, |m| m.pagerank), &pagerank, 1e-9);
    let centre = [1.0, 0.0, 0.0, 0.0, 0.0];
    assert_close(
        "betweenness",
        &column(&a, |m| m.betweenness),
        &centre,
        1e-15,
    );
    assert_close(
        "weighted",
        &column(&a, |m| m.betweenness_weighted),
        &centre,
        1e-15,
    );
    // A star has no community structure worth splitting: one community, modularity 0.
    assert_eq!(communities(&a), [0, 0, 0, 0, 0]);
    assert_eq!(a.communities, 1);
    assert_eq!(a.modularity, 0.0);
}

#[test]
fn louvain_finds_two_cliques_joined_by_a_bridge() {
    let mut edges = Vec::new();
    for base in [0, 5] {
        for i in base..base + 5 {
            for j in i + 1..base + 5 {
                edges.push((i, j, 1));
            }
        }
    }
    edges.push((4, 5, 1));
    let a = analyse(&graph(10, &edges));
    assert_eq!(communities(&a), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    assert_eq!(a.communities, 2);
    assert!(
        (a.modularity - 0.45238095238095233).abs() < 1e-15,
        "{}",
        a.modularity
    );
    let bridge = 0.5555555555555556;
    let want = [0.0, 0.0, 0.0, 0.0, bridge, bridge, 0.0, 0.0, 0.0, 0.0];
    assert_close("betweenness", &column(&a, |m| m.betweenness), &want, 1e-15);
    assert_close(
        "weighted",
        &column(&a, |m| m.betweenness_weighted),
        &want,
        1e-15,
    );
    let (clique, end) = (0.09592326139088737, 0.11630695443645053);
    let mut pagerank = [clique; 10];
    pagerank[4] = end;
    pagerank[5] = end;
    assert_close("pagerank", &column(&a, |m| m.pagerank), &pagerank, 1e-9);
}

#[test]
fn weighted_paths_that_tie_exactly_share_the_credit() {
    // 0–1–2 has length 1/3 + 1/6, which rounds to exactly 0.5, the length of 0–2: two
    // shortest paths, so node 1 lies on half of them. Counting hops, the direct edge wins.
    let a = analyse(&graph(3, &[(0, 1, 3), (1, 2, 6), (0, 2, 2)]));
    assert_eq!(1.0 / 3.0 + 1.0 / 6.0, 0.5);
    assert_eq!(column(&a, |m| m.betweenness), [0.0, 0.0, 0.0]);
    assert_eq!(column(&a, |m| m.betweenness_weighted), [0.0, 0.5, 0.0]);
}

#[test]
fn relation_edges_are_ignored() {
    let plain = graph(3, &[(0, 1, 2), (1, 2, 1)]);
    let mut with_relation = plain.clone();
    with_relation.graph.add_edge(
        NodeIndex::new(2),
        NodeIndex::new(0),
        Edge {
            kind: EdgeKind::Relation,
            weight: 7,
            documents: 1,
            measures: None,
            relation: Some(RelationAttrs {
                relation: "meets".into(),
                negated: false,
                modality: "asserted".into(),
                reversed: false,
            }),
            first_seen: None,
            last_seen: None,
        },
    );
    let (a, b) = (analyse(&plain), analyse(&with_relation));
    assert_eq!(a.nodes, b.nodes);
    assert_eq!(a.modularity, b.modularity);
    assert_eq!(b.nodes[2].degree, 1);
}

#[test]
fn an_isolated_node_is_its_own_community() {
    let a = analyse(&graph(4, &[(0, 1, 2), (1, 2, 1)]));
    let isolated = a.nodes[3];
    assert_eq!((isolated.degree, isolated.weighted_degree), (0, 0.0));
    assert_eq!(
        (isolated.betweenness, isolated.betweenness_weighted),
        (0.0, 0.0)
    );
    // It only ever receives the uniform jump, including the share of its own rank.
    let pagerank = [
        0.3101673101673047,
        0.46332046332047117,
        0.17889317889317613,
        0.04761904761904763,
    ];
    assert_close("pagerank", &column(&a, |m| m.pagerank), &pagerank, 1e-9);
    assert_eq!(isolated.community, a.communities - 1);
    assert!(
        a.nodes[..3]
            .iter()
            .all(|m| m.community != isolated.community)
    );
}

#[test]
fn an_empty_graph_has_no_metrics() {
    let a = analyse(&graph(0, &[]));
    assert!(a.nodes.is_empty());
    assert_eq!((a.modularity, a.communities), (0.0, 0));

    let a = analyse(&graph(3, &[]));
    assert_eq!(communities(&a), [0, 1, 2]);
    assert_eq!(a.modularity, 0.0);
    assert_close(
        "pagerank",
        &column(&a, |m| m.pagerank),
        &[1.0 / 3.0; 3],
        1e-15,
    );
}

#[test]
fn parallel_edges_merge_and_self_loops_and_empty_edges_drop() {
    let merged = analyse(&graph(3, &[(0, 1, 3), (1, 2, 1)]));
    let split = analyse(&graph(
        3,
        &[(0, 1, 1), (1, 0, 2), (1, 2, 1), (2, 2, 5), (0, 2, 0)],
    ));
    assert_eq!(merged.nodes, split.nodes);
}

#[test]
fn betweenness_can_be_skipped() {
    let g = graph(4, &[(0, 1, 1), (1, 2, 1), (2, 3, 1)]);
    let off = AnalysisOptions {
        betweenness: false,
        ..AnalysisOptions::default()
    };
    let small = AnalysisOptions {
        betweenness_max_nodes: 3,
        ..AnalysisOptions::default()
    };
    let exact = AnalysisOptions {
        betweenness_max_nodes: 4,
        ..AnalysisOptions::default()
    };
    for options in [off, small] {
        let a = analyse_with(&g, &options);
        assert!(!a.betweenness_computed);
        assert!(
            a.nodes
                .iter()
                .all(|m| m.betweenness.is_nan() && m.betweenness_weighted.is_nan())
        );
        assert_eq!(a.nodes[1].degree, 2);
    }
    assert!(analyse_with(&g, &exact).betweenness_computed);
}

/// SplitMix64: a fixed, dependency-free generator, so the random graphs are the same
/// everywhere.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// About `edges` distinct random edges over `n` nodes with weights 1..=`max_weight`, plus
/// the last two nodes left isolated. Small weights make many exactly equal path lengths.
fn random_graph(seed: u64, n: usize, edges: usize, max_weight: u64) -> KnowledgeGraph {
    let mut rng = SplitMix(seed);
    let mut pairs = BTreeMap::new();
    let linked = (n - 2) as u64;
    while pairs.len() < edges {
        let (a, b) = (rng.below(linked) as usize, rng.below(linked) as usize);
        if a != b {
            pairs
                .entry((a.min(b), a.max(b)))
                .or_insert_with(|| 1 + rng.below(max_weight));
        }
    }
    let edges: Vec<(usize, usize, u64)> = pairs.into_iter().map(|((a, b), w)| (a, b, w)).collect();
    graph(n, &edges)
}

#[test]
fn results_do_not_depend_on_threads() {
    let g = random_graph(7, 120, 600, 4);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| analyse(&g))
    };
    let (one, many) = (run(1), run(4));
    // Bit-for-bit, not approximately.
    let bits = |a: &Analysis| {
        a.nodes
            .iter()
            .map(|m| {
                [
                    m.pagerank,
                    m.betweenness,
                    m.betweenness_weighted,
                    m.weighted_degree,
                ]
                .map(f64::to_bits)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&one), bits(&many));
    assert_eq!(communities(&one), communities(&many));
    assert_eq!(one.modularity.to_bits(), many.modularity.to_bits());
}

/// Computes the same metrics with NetworkX and compares. The communities are ours: we ask
/// NetworkX for the modularity of our partition, and for its own Louvain's modularity to
/// check ours is about as good.
const NETWORKX: &str = r#"
import json, sys
import networkx as nx
try:
    import scipy  # nx.pagerank needs SciPy; the pure-Python version computes the same.
    pagerank = nx.pagerank
except ImportError:
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python as pagerank
with open(sys.argv[1]) as f:
    data = json.load(f)
G = nx.Graph()
G.add_nodes_from(range(data["n"]))
for a, b, w in data["edges"]:
    G.add_edge(a, b, weight=w, distance=1 / w)
nodes = range(data["n"])
pr = pagerank(G, alpha=0.85, weight="weight", tol=1e-14, max_iter=100000)
bc = nx.betweenness_centrality(G, normalized=True)
bcw = nx.betweenness_centrality(G, normalized=True, weight="distance")
groups = {}
for v, c in enumerate(data["communities"]):
    groups.setdefault(c, set()).add(v)
louvain = nx.community.louvain_communities(G, weight="weight", seed=0)
print(json.dumps({
    "degree": [G.degree(v) for v in nodes],
    "weighted_degree": [G.degree(v, weight="weight") for v in nodes],
    "pagerank": [pr[v] for v in nodes],
    "betweenness": [bc[v] for v in nodes],
    "betweenness_weighted": [bcw[v] for v in nodes],
    "modularity": nx.community.modularity(G, list(groups.values()), weight="weight"),
    "louvain_modularity": nx.community.modularity(G, louvain, weight="weight"),
}))
"#;

/// Runs the NetworkX script, or returns `None` when Python or NetworkX is missing outside
/// CI. Under CI a missing tool fails the test, so the comparison cannot silently vanish.
fn networkx(g: &KnowledgeGraph, a: &Analysis) -> Option<serde_json::Value> {
    let probe = Command::new("python3")
        .args(["-c", "import networkx"])
        .output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        let why = match probe {
            Err(e) => format!("python3 could not run: {e}"),
            Ok(o) => format!(
                "networkx is not importable: {}",
                String::from_utf8_lossy(&o.stderr)
            ),
        };
        if std::env::var_os("CI").is_some() {
            panic!(
                "the NetworkX comparison needs python3 with networkx (pip install networkx): {why}"
            );
        }
        eprintln!("skipping the NetworkX comparison: {why}");
        return None;
    }
    let edges: Vec<(usize, usize, u64)> = g
        .graph
        .edge_indices()
        .map(|e| {
            let (s, t) = g.graph.edge_endpoints(e).unwrap();
            (s.index(), t.index(), g.graph[e].weight)
        })
        .collect();
    let input = serde_json::json!({
        "n": g.graph.node_count(),
        "edges": edges,
        "communities": communities(a),
    });
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(input.to_string().as_bytes()).unwrap();
    let out = Command::new("python3")
        .args(["-c", NETWORKX])
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the NetworkX script failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

fn floats(v: &serde_json::Value, key: &str) -> Vec<f64> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn max_difference(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

#[test]
fn metrics_match_networkx() {
    // Weights 1..=5 over ~60 nodes, and weights 1..=2 over a denser graph, where many
    // weighted paths tie exactly.
    for (seed, n, m, max_weight) in [(1, 60, 300, 5), (2, 60, 300, 5), (3, 40, 200, 2)] {
        let g = random_graph(seed, n, m, max_weight);
        let a = analyse(&g);
        let Some(nx) = networkx(&g, &a) else { return };
        let degree: Vec<f64> = a.nodes.iter().map(|m| m.degree as f64).collect();
        assert_eq!(degree, floats(&nx, "degree"), "seed {seed}: degree");
        assert_eq!(
            column(&a, |m| m.weighted_degree),
            floats(&nx, "weighted_degree"),
            "seed {seed}"
        );
        let checks: [(&str, Vec<f64>, f64); 3] = [
            ("pagerank", column(&a, |m| m.pagerank), 1e-6),
            ("betweenness", column(&a, |m| m.betweenness), 1e-9),
            (
                "betweenness_weighted",
                column(&a, |m| m.betweenness_weighted),
                1e-9,
            ),
        ];
        for (key, ours, tolerance) in checks {
            let theirs = floats(&nx, key);
            let d = max_difference(&ours, &theirs);
            eprintln!("seed {seed}: {key} differs by at most {d:e}");
            assert_close(&format!("seed {seed}: {key}"), &ours, &theirs, tolerance);
        }
        let theirs = nx["modularity"].as_f64().unwrap();
        eprintln!(
            "seed {seed}: modularity {} (networkx {theirs})",
            a.modularity
        );
        assert!(
            (a.modularity - theirs).abs() < 1e-9,
            "seed {seed}: modularity {} vs {theirs}",
            a.modularity
        );
        let louvain = nx["louvain_modularity"].as_f64().unwrap();
        eprintln!("seed {seed}: networkx louvain (seed 0) modularity {louvain}");
        assert!(
            a.modularity > louvain - 0.02,
            "seed {seed}: modularity {} vs networkx louvain {louvain}",
            a.modularity
        );
    }
}
