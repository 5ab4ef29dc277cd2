//! How well the embedded relation rules read news phrasing they were not written from.
//!
//! Five sets are scored apart: "tuning" sentences, read while the rules were extended for
//! them; "held-out" sentences written afterwards with their expectations and not tuned on
//! except for the structural causes of three false positives (the rules have since been fixed
//! on both, so they are spent); "fresh" sentences, written with their expectations after
//! that and committed before the rules first read them, then fixed by cause (spent too);
//! "fresh2" sentences (60: 43 stating relations of all twenty types, 17 naming two or more
//! entities and stating none), written and committed the same way, then fixed by cause; and
//! "fresh3" sentences (55: 43 stating relations, 12 stating none), written and committed with
//! their expectations before the rules first read them, then fixed by cause; and "fresh4"
//! sentences (55: 44 stating 61 relations, 11 stating none) in the longer style of analysis
//! pieces (relative clauses, appositions, reported speech, background in subordinate
//! clauses), written and committed the same way, then fixed by cause; and "fresh5" passages
//! (25 of two sentences each, stating 23 relations, 6 stating none), where the second
//! sentence often refers back ("the two leaders", "it reversed course", "He urged"),
//! written and committed the same way, then fixed by cause; and "fresh6" headlines (29: 24
//! stating 25 relations, 5 stating none), with their commas for "and", dropped articles and
//! "to" for the future, written and committed the same way, then fixed by cause.
//!
//! `tests/data/relations_battery.jsonl` holds single sentences in wire-service style about the
//! default dictionary's entities, one a line as a corpus record (`kgraph build` reads the file
//! as it is), each with the relations an annotator expects under `tests/data/gold/RELATIONS.md`
//! in `expect`: `[subject, relation, object, negated, modality, reversed]`, symmetric relations
//! with the smaller id first. Every relation type has several phrasings (verbs, nouns, passives,
//! reported speech, headlines, negation, modality, coordination), and a block of sentences
//! expects nothing: states of a relationship, questions, topics, two entities and no act. The
//! expectations were written before the rules were run on the sentences.
//!
//! As in the seed test, a true positive matches subject, relation, object and negation; each
//! sentence counts a statement once. The test prints every miss and false positive, the flags'
//! agreement, and fails below the targets.

use std::collections::{BTreeMap, BTreeSet};

use kgraph::corpus::{Date, Document};
use kgraph::dictionary::Dictionary;
use kgraph::pipeline::{BuildOptions, Pipeline};
use kgraph::relations::MODALITIES;
use serde_json::Value;

const MIN_PRECISION: f64 = 0.95;
const MIN_RECALL: f64 = 0.95;
const MIN_PRECISION_HELD_OUT: f64 = 0.9;
const MIN_RECALL_HELD_OUT: f64 = 0.75;
/// The fresh set's floors: its first run gave precision 0.756 (34/45) and recall 0.680
/// (34/50). The general causes of its misses were then fixed (0.909 and 0.800), and the
/// floors follow that, less about 0.05, so that a change that reads it worse fails.
const MIN_PRECISION_FRESH: f64 = 0.85;
const MIN_RECALL_FRESH: f64 = 0.75;
/// The fresh2 set's floors. Its first run, before any rule was changed for it, gave
/// precision 0.841 (37/44) and recall 0.661 (37/56), all 17 relation-free sentences giving
/// none: the honest estimate for unseen text. The general causes of its misses were then
/// fixed (0.964, 54/56, and 0.964, 54/56), and the floors follow that, less about 0.05.
const MIN_PRECISION_FRESH2: f64 = 0.9;
const MIN_RECALL_FRESH2: f64 = 0.9;
/// The fresh3 set's floors. Its first run, before any rule was changed for it, gave
/// precision 0.811 (30/37) and recall 0.612 (30/49), all 12 relation-free sentences giving
/// none: the honest estimate for unseen text. The general causes of its misses were then
/// fixed (0.979, 47/48, and 0.959, 47/49), and the floors follow that, less about 0.05.
const MIN_PRECISION_FRESH3: f64 = 0.9;
const MIN_RECALL_FRESH3: f64 = 0.9;
/// The fresh4 set's floors. Its first run, before any rule was changed for it, gave
/// precision 0.787 (37/47) and recall 0.607 (37/61), all 11 relation-free sentences giving
/// none: the honest estimate for analysis prose. (One expectation was then corrected to the
/// guidelines' precedent: keeping a pact "alive" is `remains_in`, as in fresh2, not
/// `upholds`; with it the first run reads 0.809 and 0.623.) The general causes of its misses
/// were then fixed (1.000, 54/54, and 0.885, 54/61), and the floors follow that, less about
/// 0.05.
const MIN_PRECISION_FRESH4: f64 = 0.95;
const MIN_RECALL_FRESH4: f64 = 0.8;
/// The fresh5 set's floors. Its first run, before any rule was changed for it, gave
/// precision 0.950 (19/20) and recall 0.826 (19/23), all 6 relation-free passages giving
/// none: the honest estimate for such passages. The general causes of its misses were then
/// fixed (1.000, 23/23, and 1.000, 23/23), and the floors follow that, less 0.05.
const MIN_PRECISION_FRESH5: f64 = 0.95;
const MIN_RECALL_FRESH5: f64 = 0.95;
/// The fresh6 set's floors. Its first run, before any rule was changed for it, gave
/// precision 1.000 (20/20) and recall 0.800 (20/25), all 5 relation-free headlines giving
/// none: the honest estimate for headlines. The general causes of its misses were then fixed
/// (1.000, 25/25, and 1.000, 25/25), and the floors follow that, less 0.05.
const MIN_PRECISION_FRESH6: f64 = 0.95;
const MIN_RECALL_FRESH6: f64 = 0.95;

/// subject, relation, object, negated
type Key = (String, String, String, bool);
/// modality, reversed
type Flags = (String, bool);

struct Case {
    id: String,
    /// "tuning" (the first sentences, read while the rules were extended), "held-out"
    /// (written afterwards, later tuned on), "fresh" (written next, later tuned on) or
    /// "fresh2" to "fresh6" (each written next, later tuned on).
    set: String,
    text: String,
    date: Option<String>,
    expect: Vec<(Key, Flags)>,
}

fn read_battery(pipeline: &Pipeline) -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/relations_battery.jsonl"
    );
    let text = std::fs::read_to_string(path).expect("battery readable");
    let dict = pipeline.dictionary();
    let rules = pipeline.rules();
    let known = |id: &str| dict.entities.iter().any(|e| e.id == id);
    let mut cases = Vec::new();
    let mut ids = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {line_no}: {e}"));
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let id = s("id").unwrap_or_else(|| panic!("line {line_no}: no id"));
        assert!(ids.insert(id.clone()), "line {line_no}: id {id} twice");
        let mut expect = Vec::new();
        for e in v["expect"].as_array().expect("expect is an array") {
            let e = e.as_array().expect("an expected relation is an array");
            assert_eq!(e.len(), 6, "line {line_no}: {e:?}");
            let st = |i: usize| e[i].as_str().expect("a string").to_string();
            let bl = |i: usize| e[i].as_bool().expect("a boolean");
            let (subject, relation, object, modality) = (st(0), st(1), st(2), st(4));
            assert!(known(&subject), "line {line_no}: unknown {subject}");
            assert!(known(&object), "line {line_no}: unknown {object}");
            let Some(ty) = rules.types.iter().find(|t| t.id == relation) else {
                panic!("line {line_no}: {relation} is not in the vocabulary");
            };
            assert!(
                !ty.symmetric || subject < object,
                "line {line_no}: {relation} is symmetric: the subject is the smaller id"
            );
            assert!(
                MODALITIES.contains(&modality.as_str()),
                "line {line_no}: unknown modality {modality}"
            );
            expect.push(((subject, relation, object, bl(3)), (modality, bl(5))));
        }
        cases.push(Case {
            id,
            set: s("set").unwrap_or_else(|| "tuning".to_string()),
            text: s("text").unwrap_or_else(|| panic!("line {line_no}: no text")),
            date: s("date"),
            expect,
        });
    }
    cases
}

fn show((s, r, o, negated): &Key) -> String {
    format!("{s} {r} {o}{}", if *negated { " (negated)" } else { "" })
}

#[test]
fn the_rules_read_news_phrasing_beyond_the_seeds() {
    let pipeline = Pipeline::new(
        Dictionary::embedded().expect("embedded dictionary"),
        BuildOptions::default(),
    )
    .expect("pipeline");
    let cases = read_battery(&pipeline);
    let docs: Vec<kgraph::Result<Document>> = cases
        .iter()
        .map(|c| {
            let mut d = Document::new(&c.id, &c.text);
            if let Some(date) = &c.date {
                d = d.with_date(Date::parse(date).expect("a YYYY-MM-DD date"));
            }
            Ok(d)
        })
        .collect();
    let dict = pipeline.dictionary().clone();
    let mut found: Vec<Vec<(Key, Flags)>> = Vec::new();
    pipeline
        .run(docs, |_, _, relations| {
            let id = |k: u32| dict.entities[k as usize].id.clone();
            found.push(
                relations
                    .iter()
                    .map(|r| {
                        (
                            (
                                id(r.subject),
                                r.attrs.relation.clone(),
                                id(r.object),
                                r.attrs.negated,
                            ),
                            (r.attrs.modality.clone(), r.attrs.reversed),
                        )
                    })
                    .collect(),
            );
            Ok(())
        })
        .expect("battery runs");
    assert_eq!(found.len(), cases.len(), "one result per sentence");
    let mut scores: BTreeMap<&str, Score> = BTreeMap::new();
    let mut report = String::new();
    for (case, got) in cases.iter().zip(&found) {
        let Score {
            tp,
            fp,
            fn_,
            modality_agree,
            reversed_agree,
            negatives,
            negatives_clean,
        } = scores.entry(case.set.as_str()).or_default();
        let want: BTreeSet<&Key> = case.expect.iter().map(|(k, _)| k).collect();
        let have: BTreeSet<&Key> = got.iter().map(|(k, _)| k).collect();
        if want.is_empty() {
            *negatives += 1;
            *negatives_clean += usize::from(have.is_empty());
        }
        for key in &have {
            if want.contains(key) {
                *tp += 1;
            } else {
                *fp += 1;
                report.push_str(&format!(
                    "FP {}: {}\n     {}\n",
                    case.id,
                    show(key),
                    case.text
                ));
            }
        }
        for key in &want {
            if !have.contains(key) {
                *fn_ += 1;
                report.push_str(&format!(
                    "FN {}: {}\n     {}\n",
                    case.id,
                    show(key),
                    case.text
                ));
            }
        }
        for (key, (modality, reversed)) in &case.expect {
            if let Some((_, (m, r))) = got.iter().find(|(k, _)| k == key) {
                *modality_agree += usize::from(m == modality);
                *reversed_agree += usize::from(r == reversed);
                if m != modality || r != reversed {
                    report.push_str(&format!(
                        "FLAGS {}: {}: found {m} {}, expected {modality} {}\n     {}\n",
                        case.id,
                        show(key),
                        if *r { "reversed" } else { "-" },
                        if *reversed { "reversed" } else { "-" },
                        case.text
                    ));
                }
            }
        }
    }
    eprint!("{report}");
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let mut failed = Vec::new();
    for (set, sc) in &scores {
        let (min_precision, min_recall) = match *set {
            "tuning" => (MIN_PRECISION, MIN_RECALL),
            "held-out" => (MIN_PRECISION_HELD_OUT, MIN_RECALL_HELD_OUT),
            "fresh" => (MIN_PRECISION_FRESH, MIN_RECALL_FRESH),
            "fresh2" => (MIN_PRECISION_FRESH2, MIN_RECALL_FRESH2),
            "fresh3" => (MIN_PRECISION_FRESH3, MIN_RECALL_FRESH3),
            "fresh4" => (MIN_PRECISION_FRESH4, MIN_RECALL_FRESH4),
            "fresh5" => (MIN_PRECISION_FRESH5, MIN_RECALL_FRESH5),
            "fresh6" => (MIN_PRECISION_FRESH6, MIN_RECALL_FRESH6),
            other => panic!("unknown set {other}"),
        };
        let precision = ratio(sc.tp, sc.tp + sc.fp);
        let recall = ratio(sc.tp, sc.tp + sc.fn_);
        eprintln!(
            "relations on the battery, {set} sentences: precision {precision:.3} ({}/{}), recall \
             {recall:.3} ({}/{}); targets {min_precision} and {min_recall}; {} of {} sentences \
             without a relation give none; on the true positives modality agrees {}/{} and \
             reversed {}/{}",
            sc.tp,
            sc.tp + sc.fp,
            sc.tp,
            sc.tp + sc.fn_,
            sc.negatives_clean,
            sc.negatives,
            sc.modality_agree,
            sc.tp,
            sc.reversed_agree,
            sc.tp
        );
        if precision < min_precision || recall < min_recall {
            failed.push(format!(
                "{set}: precision {precision:.3} (min {min_precision}), recall {recall:.3} (min \
                 {min_recall})"
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "relation quality on the battery below target: {}",
        failed.join("; ")
    );
}

/// Counts for one set of sentences.
#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
    modality_agree: usize,
    reversed_agree: usize,
    negatives: usize,
    negatives_clean: usize,
}
