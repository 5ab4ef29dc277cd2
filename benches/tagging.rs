//! Micro-benchmarks of the per-document stages, one thread: text normalisation, the
//! sentence segmenter, the tagger (seed and large dictionaries), compiling the large
//! dictionary into the automaton, and relation extraction.
//!
//! Run with `cargo bench --bench tagging`; a filter picks some (`cargo bench --bench tagging -- tag/`).
//! `KGRAPH_BENCH_MB` sets the size of the generated text (default 4 MB).
//! Throughput is text bytes per second (criterion prints MiB/s or GiB/s).

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kgraph::relations::RuleSet;
use kgraph::tagger::{TaggedDocument, Tagger};
use kgraph::text;

fn mb() -> usize {
    std::env::var("KGRAPH_BENCH_MB")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .map_or(4_000_000, |m| (m * 1e6) as usize)
}

fn text_stages(c: &mut Criterion) {
    let docs = common::corpus(mb());
    let bytes = common::total_bytes(&docs);
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(20);
    g.bench_function("normalize", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(text::normalize(black_box(&d.text)));
            }
        })
    });
    let normalized: Vec<String> = docs
        .iter()
        .map(|d| text::normalize(&d.text).text.to_string())
        .collect();
    g.bench_function("segment", |b| {
        b.iter(|| {
            for t in &normalized {
                black_box(text::segment(black_box(t)));
            }
        })
    });
    g.finish();
}

fn tagger(c: &mut Criterion) {
    let docs = common::corpus(mb());
    let bytes = common::total_bytes(&docs);
    let seed = common::seed_dictionary();
    let large = common::large_dictionary();
    let mut g = c.benchmark_group("tag");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    for (name, dict) in [("seed", &seed), ("large", &large)] {
        let t = Tagger::new(dict).expect("tagger");
        let mentions: usize = docs.iter().map(|d| t.tag(d).mentions.len()).sum();
        eprintln!(
            "tag/{name}: {} patterns, {} documents, {bytes} bytes, {mentions} mentions",
            t.pattern_count(),
            docs.len()
        );
        g.bench_function(name, |b| {
            b.iter(|| {
                for d in &docs {
                    black_box(t.tag(black_box(d)));
                }
            })
        });
    }
    g.finish();
}

fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    g.sample_size(10);
    let seed = common::seed_dictionary();
    g.bench_function("seed", |b| {
        b.iter(|| Tagger::new(black_box(&seed)).unwrap())
    });
    let large = common::large_dictionary();
    g.measurement_time(Duration::from_secs(15));
    // Only the automaton and its tables: the dictionary is already parsed.
    g.bench_function("large", |b| {
        b.iter(|| Tagger::new(black_box(&large)).unwrap())
    });
    // Parsing and validating the CSV as well, as `kgraph build -d large.csv` does.
    let csv = common::large_dictionary_csv();
    g.bench_function("large_from_csv", |b| {
        b.iter(|| {
            let mut d = kgraph::dictionary::Builder::default();
            d.add_csv("large.csv", black_box(&csv)).unwrap();
            Tagger::new(&d.finish().unwrap()).unwrap()
        })
    });
    g.finish();
}

fn relations(c: &mut Criterion) {
    let docs = common::corpus(mb());
    let bytes = common::total_bytes(&docs);
    let dict = common::seed_dictionary();
    let rules = RuleSet::embedded().expect("embedded rules");
    rules.check_types(&dict).expect("rule types");
    let t = Tagger::new(&dict).expect("tagger");
    let tagged: Vec<TaggedDocument> = docs.iter().map(|d| t.tag(d)).collect();
    let found: usize = docs
        .iter()
        .zip(&tagged)
        .map(|(d, td)| rules.extract(d, td, &dict).len())
        .sum();
    eprintln!(
        "relations/extract: {found} relations in {} documents",
        docs.len()
    );
    let mut g = c.benchmark_group("relations");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(20);
    g.bench_function("extract", |b| {
        b.iter(|| {
            for (d, td) in docs.iter().zip(&tagged) {
                black_box(rules.extract(black_box(d), td, &dict));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, text_stages, tagger, compile, relations);
criterion_main!(benches);
