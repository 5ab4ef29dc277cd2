//! Tagging quality on the seeds, measured against a hand-made gold standard
//! (`tests/data/gold/mentions.csv`, annotation rules in `tests/data/gold/README.md`).
//!
//! Each gold row names a mention by its surface text and which occurrence of that text in the
//! file it is; the test turns it into a byte span. A predicted mention is a true positive when
//! the document, the byte span and the entity id all agree. The test reports mention-level and
//! document-level (the set of entity ids per document, micro-averaged) precision and recall,
//! prints every disagreement, and fails below the thresholds.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use kgraph::corpus::{Input, ReadOptions, Reader};
use kgraph::dictionary::Dictionary;
use kgraph::tagger::Tagger;

use crate::repo;

const MIN_PRECISION: f64 = 0.97;
const MIN_RECALL: f64 = 0.95;

/// A mention as the comparison sees it: document, byte span, entity id.
type Key = (String, usize, usize, String);

/// The byte offset of the `n`-th (1-based) non-overlapping occurrence of `needle`.
fn nth_occurrence(haystack: &str, needle: &str, n: usize) -> Option<usize> {
    if needle.is_empty() || n == 0 {
        return None;
    }
    haystack.match_indices(needle).nth(n - 1).map(|(i, _)| i)
}

/// Reads the gold file into keys, failing on any row that does not resolve.
fn gold(texts: &BTreeMap<String, String>, dict: &Dictionary) -> BTreeSet<Key> {
    let path = repo("tests/data/gold/mentions.csv");
    let mut reader = csv::Reader::from_path(&path).expect("the gold file opens");
    let headers = reader
        .headers()
        .expect("the gold file has a header")
        .clone();
    assert_eq!(
        headers,
        vec!["document", "surface", "occurrence", "entity"],
        "unexpected header in {}",
        path.display()
    );
    let ids: BTreeSet<&str> = dict.entities.iter().map(|e| e.id.as_str()).collect();
    let mut keys = BTreeSet::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.unwrap_or_else(|e| panic!("{}:{line}: {e}", path.display()));
        let (document, surface, occurrence, entity) =
            (&record[0], &record[1], &record[2], &record[3]);
        let Some(text) = texts.get(document) else {
            problems.push(format!("line {line}: no seed document named {document:?}"));
            continue;
        };
        if !ids.contains(entity) {
            problems.push(format!("line {line}: {entity:?} is not a dictionary id"));
            continue;
        }
        let Ok(n) = occurrence.parse::<usize>() else {
            problems.push(format!("line {line}: bad occurrence {occurrence:?}"));
            continue;
        };
        let Some(start) = nth_occurrence(text, surface, n) else {
            let found = text.matches(surface).count();
            problems.push(format!(
                "line {line}: {document} has {found} occurrence(s) of {surface:?}, not {n}"
            ));
            continue;
        };
        let key = (
            document.to_string(),
            start,
            start + surface.len(),
            entity.to_string(),
        );
        if !keys.insert(key) {
            problems.push(format!("line {line}: duplicate row"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} does not match the seeds:\n  {}",
        path.display(),
        problems.join("\n  ")
    );
    assert!(!keys.is_empty(), "{} has no rows", path.display());
    keys
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

/// Precision, recall and F1 of `predicted` against `gold`.
fn scores<T: Ord>(gold: &BTreeSet<T>, predicted: &BTreeSet<T>) -> (usize, f64, f64, f64) {
    let tp = gold.intersection(predicted).count();
    let p = ratio(tp, predicted.len());
    let r = ratio(tp, gold.len());
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (tp, p, r, f)
}

#[test]
fn seed_mentions_match_the_gold_standard() {
    let dict = Dictionary::embedded().expect("the embedded dictionary loads");
    let tagger = Tagger::new(&dict).expect("the tagger compiles");
    let seeds = repo("seeds");

    // Read the seeds exactly as the command line does (this infers datelines).
    let reader = Reader::open(&[Input::Path(seeds.clone())], ReadOptions::default())
        .expect("the seeds open");
    let mut texts = BTreeMap::new();
    let mut predicted: BTreeSet<Key> = BTreeSet::new();
    for doc in reader {
        let doc = doc.expect("a seed reads");
        let name = doc
            .id
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&doc.id)
            .to_string();
        let on_disk = fs::read_to_string(seeds.join(&name)).expect("the seed file reads");
        assert_eq!(doc.text, on_disk, "{name}: the reader changed the text");
        for m in tagger.tag(&doc).mentions {
            let id = dict.entities[m.entity as usize].id.clone();
            predicted.insert((name.clone(), m.start, m.end, id));
        }
        texts.insert(name, doc.text);
    }
    let gold = gold(&texts, &dict);
    let annotated: BTreeSet<&str> = gold.iter().map(|k| k.0.as_str()).collect();
    for name in texts.keys() {
        assert!(
            annotated.contains(name.as_str()),
            "seed {name} has no rows in the gold file: annotate it"
        );
    }

    // Every disagreement, in document and text order; a span tagged with the wrong entity is
    // one line with both ids.
    let spans = |set: &BTreeSet<Key>| -> BTreeMap<(String, usize, usize), String> {
        set.iter()
            .map(|(d, s, e, id)| ((d.clone(), *s, *e), id.clone()))
            .collect()
    };
    let gold_spans = spans(&gold);
    let pred_spans = spans(&predicted);
    let mut rows = Vec::new();
    for (span, id) in &gold_spans {
        match pred_spans.get(span) {
            Some(p) if p == id => {}
            Some(p) => rows.push((span.clone(), id.as_str(), p.as_str())),
            None => rows.push((span.clone(), id.as_str(), "-")),
        }
    }
    for (span, id) in &pred_spans {
        if !gold_spans.contains_key(span) {
            rows.push((span.clone(), "-", id.as_str()));
        }
    }
    rows.sort();

    let (tp, p, r, f) = scores(&gold, &predicted);
    let per_doc = |set: &BTreeSet<Key>| -> BTreeSet<(String, String)> {
        set.iter()
            .map(|(d, _, _, id)| (d.clone(), id.clone()))
            .collect()
    };
    let (gold_docs, pred_docs) = (per_doc(&gold), per_doc(&predicted));
    let (dtp, dp, dr, df) = scores(&gold_docs, &pred_docs);

    eprintln!(
        "mentions: gold {}, predicted {}, true positives {tp}: precision {p:.4}, recall {r:.4}, F1 {f:.4}",
        gold.len(),
        predicted.len()
    );
    eprintln!(
        "documents (entity sets, micro-averaged): gold {}, predicted {}, true positives {dtp}: precision {dp:.4}, recall {dr:.4}, F1 {df:.4}",
        gold_docs.len(),
        pred_docs.len()
    );
    for (side, ids) in [
        ("gold only", &gold_docs - &pred_docs),
        ("predicted only", &pred_docs - &gold_docs),
    ] {
        for (d, id) in ids {
            eprintln!("  document entity, {side}: {d} {id}");
        }
    }
    if !rows.is_empty() {
        eprintln!(
            "{:<26} {:>6}  {:<34} {:<28} predicted",
            "document", "offset", "surface", "gold"
        );
        for ((d, s, e), g, pr) in &rows {
            let surface = texts[d][*s..*e].replace('\n', " ");
            eprintln!("{d:<26} {s:>6}  {surface:<34} {g:<28} {pr}");
        }
    }

    assert!(
        p >= MIN_PRECISION && r >= MIN_RECALL,
        "seed mention precision {p:.4} (minimum {MIN_PRECISION}) and recall {r:.4} (minimum {MIN_RECALL}): see the table above"
    );
}

#[test]
fn nth_occurrence_counts_non_overlapping_matches_from_one() {
    assert_eq!(nth_occurrence("US, USA and US", "US", 1), Some(0));
    assert_eq!(nth_occurrence("US, USA and US", "US", 2), Some(4));
    assert_eq!(nth_occurrence("US, USA and US", "US", 3), Some(12));
    assert_eq!(nth_occurrence("US, USA and US", "US", 4), None);
    assert_eq!(nth_occurrence("aaa", "aa", 2), None);
    assert_eq!(nth_occurrence("abc", "b", 0), None);
}
