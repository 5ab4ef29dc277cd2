//! How well the embedded relation rules find the relations the seeds state.
//!
//! The seeds are run through the library as the command line runs them, and the relations
//! found are compared with the hand-annotated gold standard in `tests/data/gold/relations.csv`
//! (guidelines in `tests/data/gold/RELATIONS.md`). A true positive has the gold's document,
//! subject, relation, object and negated flag; each document counts a statement once. The test
//! prints precision, recall, every false positive and false negative with its sentence, and how
//! often modality and reversal agree on the true positives; it fails below the targets.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use kgraph::corpus::{Input, ReadOptions, Reader};
use kgraph::dictionary::Dictionary;
use kgraph::pipeline::{BuildOptions, Pipeline};
use kgraph::relations::MODALITIES;

const MIN_PRECISION: f64 = 0.85;
const MIN_RECALL: f64 = 0.70;

/// What a true positive must match: subject, relation, object, negated.
type Key = (String, String, String, bool);

/// One statement, found or annotated, in one sentence.
#[derive(Debug, Clone)]
struct Statement {
    key: Key,
    modality: String,
    reversed: bool,
    /// Index of the sentence in the tagged document.
    sentence: usize,
}

/// A document as the tagger split it, with what was found in it.
struct Doc {
    text: String,
    /// Byte span of each sentence, and how many distinct entities it mentions.
    sentences: Vec<(Range<usize>, usize)>,
    found: Vec<Statement>,
}

impl Doc {
    fn sentence(&self, i: usize) -> String {
        one_line(&self.text[self.sentences[i].0.clone()])
    }
}

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn file_name(id: &str) -> String {
    Path::new(id)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| id.to_string())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs the seeds through the pipeline as `kgraph build seeds` does.
fn run_seeds() -> (Pipeline, BTreeMap<String, Doc>) {
    let pipeline = Pipeline::new(
        Dictionary::embedded().expect("embedded dictionary"),
        BuildOptions::default(),
    )
    .expect("pipeline");
    let seeds = manifest().join("seeds");
    let reader = Reader::open(
        &[Input::parse(seeds.to_str().unwrap())],
        ReadOptions::default(),
    )
    .expect("seeds readable");
    let mut docs = BTreeMap::new();
    let dict = pipeline.dictionary().clone();
    pipeline
        .run(reader, |doc, tagged, relations| {
            let id = |k: u32| dict.entities[k as usize].id.clone();
            let sentences = tagged
                .sentences
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let entities: BTreeSet<u32> = tagged
                        .mentions
                        .iter()
                        .filter(|m| m.sentence as usize == i)
                        .map(|m| m.entity)
                        .collect();
                    (s.span.clone(), entities.len())
                })
                .collect();
            let found = relations
                .iter()
                .map(|r| Statement {
                    key: (
                        id(r.subject),
                        r.attrs.relation.clone(),
                        id(r.object),
                        r.attrs.negated,
                    ),
                    modality: r.attrs.modality.clone(),
                    reversed: r.attrs.reversed,
                    sentence: r.sentence as usize,
                })
                .collect();
            docs.insert(
                file_name(&doc.id),
                Doc {
                    text: doc.text.clone(),
                    sentences,
                    found,
                },
            );
            Ok(())
        })
        .expect("seeds build");
    (pipeline, docs)
}

/// Reads the gold, checks every row against the vocabulary, the dictionary and the texts,
/// and places it in its sentence (the first the tagger reads that holds the evidence).
fn read_gold(
    pipeline: &Pipeline,
    docs: &BTreeMap<String, Doc>,
) -> BTreeMap<String, Vec<Statement>> {
    let path = manifest().join("tests/data/gold/relations.csv");
    let mut reader = csv::Reader::from_path(&path).expect("gold readable");
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "document", "subject", "relation", "object", "negated", "modality", "reversed",
            "evidence"
        ],
        "gold header"
    );
    let dict = pipeline.dictionary();
    let rules = pipeline.rules();
    let known = |id: &str| dict.entities.iter().any(|e| e.id == id);
    let flag = |s: &str, line: u64| match s {
        "true" => true,
        "false" => false,
        _ => panic!("gold line {line}: flag {s:?} is neither true nor false"),
    };
    let mut gold: BTreeMap<String, Vec<Statement>> = BTreeMap::new();
    for row in reader.records() {
        let row = row.expect("gold row");
        let line = row.position().map_or(0, |p| p.line());
        let f = |i: usize| row.get(i).unwrap_or_default().to_string();
        let (document, subject, relation, object) = (f(0), f(1), f(2), f(3));
        let (modality, evidence) = (f(5), f(7));
        assert!(
            known(&subject),
            "gold line {line}: unknown entity {subject}"
        );
        assert!(known(&object), "gold line {line}: unknown entity {object}");
        let Some(ty) = rules.types.iter().find(|t| t.id == relation) else {
            panic!("gold line {line}: {relation} is not in the vocabulary");
        };
        assert!(
            !ty.symmetric || subject < object,
            "gold line {line}: {relation} is symmetric: the subject is the smaller id"
        );
        assert!(
            MODALITIES.contains(&modality.as_str()),
            "gold line {line}: unknown modality {modality}"
        );
        let name = file_name(&document);
        let Some(doc) = docs.get(&name) else {
            panic!("gold line {line}: no seed {document}");
        };
        let sentence = doc
            .text
            .match_indices(evidence.as_str())
            .find_map(|(at, _)| {
                doc.sentences
                    .iter()
                    .position(|(span, entities)| span.contains(&at) && *entities >= 2)
            });
        let Some(sentence) = sentence else {
            panic!(
                "gold line {line}: {evidence:?} is in no sentence of {document} where the \
                 tagger finds two entities"
            );
        };
        gold.entry(name).or_default().push(Statement {
            key: (subject, relation, object, flag(&f(4), line)),
            modality,
            reversed: flag(&f(6), line),
            sentence,
        });
    }
    gold
}

fn show(key: &Key) -> String {
    let (s, r, o, negated) = key;
    format!("{s} {r} {o}{}", if *negated { " (negated)" } else { "" })
}

#[test]
fn the_rules_find_the_relations_the_seeds_state() {
    let (pipeline, docs) = run_seeds();
    let gold = read_gold(&pipeline, &docs);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let (mut modality_agree, mut reversed_agree) = (0usize, 0usize);
    let (mut rows_found, mut rows) = (0usize, 0usize);
    let (mut statements_right, mut statements) = (0usize, 0usize);
    let mut report = String::new();
    for (name, doc) in &docs {
        let empty = Vec::new();
        let want = gold.get(name).unwrap_or(&empty);
        let want_keys: BTreeSet<&Key> = want.iter().map(|s| &s.key).collect();
        let got_keys: BTreeSet<&Key> = doc.found.iter().map(|s| &s.key).collect();
        for key in &got_keys {
            if want_keys.contains(key) {
                tp += 1;
                continue;
            }
            fp += 1;
            report.push_str(&format!("FP {name}: {}\n", show(key)));
            let mut seen = BTreeSet::new();
            for s in doc.found.iter().filter(|s| &s.key == *key) {
                if seen.insert(s.sentence) {
                    report.push_str(&format!(
                        "     [{} {}] {}\n",
                        s.modality,
                        if s.reversed { "reversed" } else { "-" },
                        doc.sentence(s.sentence)
                    ));
                }
            }
        }
        for key in &want_keys {
            if !got_keys.contains(key) {
                fn_ += 1;
                report.push_str(&format!("FN {name}: {}\n", show(key)));
                for s in want.iter().filter(|s| &s.key == *key) {
                    report.push_str(&format!("     {}\n", doc.sentence(s.sentence)));
                }
            }
        }
        // Flags, and the sentence-level view, row by row.
        for w in want {
            rows += 1;
            let same = doc
                .found
                .iter()
                .find(|s| s.key == w.key && s.sentence == w.sentence);
            if let Some(s) = same {
                rows_found += 1;
                modality_agree += usize::from(s.modality == w.modality);
                reversed_agree += usize::from(s.reversed == w.reversed);
                if s.modality != w.modality || s.reversed != w.reversed {
                    report.push_str(&format!(
                        "FLAGS {name}: {}: found {} {}, gold {} {}\n     {}\n",
                        show(&w.key),
                        s.modality,
                        if s.reversed { "reversed" } else { "-" },
                        w.modality,
                        if w.reversed { "reversed" } else { "-" },
                        doc.sentence(w.sentence)
                    ));
                }
            }
        }
        // A statement found in a sentence whose gold does not have it, although the document's
        // does: the document-level score cannot see it, so it is listed here.
        let found: BTreeSet<(usize, &Key)> =
            doc.found.iter().map(|s| (s.sentence, &s.key)).collect();
        for (i, key) in found {
            statements += 1;
            if want.iter().any(|w| w.sentence == i && &w.key == key) {
                statements_right += 1;
            } else if want_keys.contains(key) {
                report.push_str(&format!(
                    "FP in its sentence only {name}: {}\n     {}\n",
                    show(key),
                    doc.sentence(i)
                ));
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    eprint!("{report}");
    eprintln!(
        "relations on the seeds: precision {precision:.3} ({tp}/{}), recall {recall:.3} ({tp}/{}); \
         targets {MIN_PRECISION} and {MIN_RECALL}",
        tp + fp,
        tp + fn_
    );
    eprintln!(
        "sentence by sentence: {statements_right} of {statements} statements found are in the gold \
         of their sentence, {rows_found} of {rows} gold rows are found in their sentence; on \
         those, modality agrees {modality_agree}/{rows_found} and reversed {reversed_agree}/{rows_found}"
    );
    assert!(
        precision >= MIN_PRECISION && recall >= MIN_RECALL,
        "relation quality below target: precision {precision:.3} (min {MIN_PRECISION}), \
         recall {recall:.3} (min {MIN_RECALL})"
    );
}
