//! Micro-benchmarks of the graph stages on a generated graph of about 100,000 co-occurrence
//! edges between 4,000 entities: finishing the counts into a graph (measures), the analysis
//! (degree, PageRank, communities; betweenness only with `KGRAPH_BENCH_BETWEENNESS=1`), and each exporter (DOT, GraphML,
//! CSV nodes and edges) writing into memory.
//!
//! Run with `cargo bench --bench export`. `KGRAPH_BENCH_EDGES` sets the edge target
//! (default 100000). Throughput is edges per second.

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kgraph::analysis::{self, AnalysisOptions};
use kgraph::corpus::Date;
use kgraph::dictionary::{Builder, Dictionary};
use kgraph::export::{ExportOptions, csv, dot, graphml};
use kgraph::graph::{KnowledgeGraph, PartialGraph, Window};

const ENTITIES: usize = 4_000;

fn edge_target() -> usize {
    std::env::var("KGRAPH_BENCH_EDGES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

fn dictionary() -> Dictionary {
    let mut b = Builder::default();
    b.add_csv(
        "generated.csv",
        &common::synthetic_dictionary_csv(ENTITIES, 11),
    )
    .unwrap();
    b.finish().unwrap()
}

/// Counts of documents whose sentences mention 2-6 entities, a quarter of them drawn from
/// the 200 most frequent (as news keeps returning to a few countries), until the graph
/// has `target` distinct pairs.
fn counts(target: usize) -> PartialGraph {
    let mut rng = common::Rng::new(42);
    let mut total = PartialGraph::default();
    let mut n = 0u64;
    while total.cooccurrences.len() < target {
        let date = Date::new(
            2019 + (n % 2) as i32,
            (n % 12) as u8 + 1,
            (n % 28) as u8 + 1,
        );
        let mut windows = Vec::new();
        let mut mentions = Vec::new();
        for _ in 0..8 {
            let k = 2 + rng.below(5);
            let w: Vec<u32> = (0..k)
                .map(|_| {
                    if rng.chance(0.25) {
                        rng.below(200) as u32
                    } else {
                        rng.below(ENTITIES) as u32
                    }
                })
                .collect();
            mentions.extend(w.iter().copied());
            windows.push(w);
        }
        total.merge(PartialGraph::from_document(date, mentions, windows, []));
        n += 1;
    }
    total
}

fn analysed(dict: &Dictionary, counts: &PartialGraph) -> KnowledgeGraph {
    let mut g = counts.clone().finish(dict, Window::Sentence, 1);
    analysis::annotate(
        &mut g,
        &AnalysisOptions {
            betweenness: false,
            ..AnalysisOptions::default()
        },
    );
    g
}

fn graph_stages(c: &mut Criterion) {
    let dict = dictionary();
    let counts = counts(edge_target());
    let g = analysed(&dict, &counts);
    let edges = g.graph.edge_count() as u64;
    eprintln!("graph: {} nodes, {edges} edges", g.graph.node_count());
    let mut grp = c.benchmark_group("graph");
    grp.throughput(Throughput::Elements(edges));
    grp.sample_size(10);
    grp.bench_function("finish", |b| {
        b.iter_batched(
            || counts.clone(),
            |p| p.finish(&dict, Window::Sentence, 1),
            BatchSize::LargeInput,
        )
    });
    grp.bench_function("analysis_without_betweenness", |b| {
        b.iter(|| {
            analysis::analyse_with(
                black_box(&g),
                &AnalysisOptions {
                    betweenness: false,
                    ..AnalysisOptions::default()
                },
            )
        })
    });
    // Betweenness is O(nodes x edges) (Brandes, weighted): tens of seconds an iteration here,
    // so it runs only on request (KGRAPH_BENCH_BETWEENNESS=1).
    if std::env::var_os("KGRAPH_BENCH_BETWEENNESS").is_some() {
        grp.measurement_time(Duration::from_secs(60));
        grp.bench_function("analysis_with_betweenness", |b| {
            b.iter(|| {
                analysis::analyse_with(
                    black_box(&g),
                    &AnalysisOptions {
                        betweenness: true,
                        betweenness_max_nodes: usize::MAX,
                    },
                )
            })
        });
    }
    grp.finish();
}

fn exporters(c: &mut Criterion) {
    let dict = dictionary();
    let g = analysed(&dict, &counts(edge_target()));
    let edges = g.graph.edge_count() as u64;
    let opts = ExportOptions::default();
    let mut grp = c.benchmark_group("export");
    grp.throughput(Throughput::Elements(edges));
    grp.sample_size(10);
    let size = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut v = Vec::new();
        f(&mut v);
        v.len()
    };
    eprintln!(
        "export: {edges} edges; dot {} B, graphml {} B, csv nodes+edges {} B",
        size(&|v| dot::write_dot(&g, &opts, v).unwrap()),
        size(&|v| graphml::write_graphml(&g, &opts, v).unwrap()),
        size(&|v| {
            csv::write_nodes(&g, &opts, &mut *v).unwrap();
            csv::write_edges(&g, &opts, &mut *v).unwrap();
        })
    );
    grp.bench_function("dot", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(32 << 20);
            dot::write_dot(black_box(&g), &opts, &mut out).unwrap();
            out
        })
    });
    grp.bench_function("graphml", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(64 << 20);
            graphml::write_graphml(black_box(&g), &opts, &mut out).unwrap();
            out
        })
    });
    grp.bench_function("csv", |b| {
        b.iter(|| {
            let mut nodes = Vec::with_capacity(1 << 20);
            let mut out = Vec::with_capacity(32 << 20);
            csv::write_nodes(black_box(&g), &opts, &mut nodes).unwrap();
            csv::write_edges(black_box(&g), &opts, &mut out).unwrap();
            (nodes, out)
        })
    });
    grp.finish();
}

criterion_group!(benches, exporters, graph_stages);
criterion_main!(benches);
