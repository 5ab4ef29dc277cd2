//! Running the stages over a corpus: read, tag, count, merge.
//!
//! This module owns [`Pipeline`], which tags documents in parallel batches (rayon), hands each
//! tagged document to a caller's callback in input order (so mentions can stream to disk), and
//! merges the documents' counts into one [`KnowledgeGraph`]. Reading, tagging and the
//! caller's serial work run as three overlapping stages (one after another when the rayon
//! pool has a single thread, so that a one-thread run uses one core); memory holds a few
//! batches of documents plus the graph counts, never the corpus. The output does not depend
//! on the number of threads: batches are cut by input order and merging is
//! order-independent.
//! It does not parse options or write files; the binary does.

use rayon::prelude::*;

use crate::analysis::{self, AnalysisOptions};
use std::collections::BTreeMap;

use crate::corpus::{Date, Document, Period};
use crate::dictionary::Dictionary;
use crate::error::{Error, Result};
use crate::graph::{KnowledgeGraph, PartialGraph, Timeline, Window};
use crate::relations::{Relation, RuleSet};
use crate::tagger::{Mention, TagOptions, TaggedDocument, Tagger};

/// What a build counts and how.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions {
    /// The co-occurrence window.
    pub window: Window,
    /// Co-occurrence edges seen in fewer windows are dropped.
    pub min_weight: u64,
    /// Tagging options.
    pub tag: TagOptions,
    /// Documents per parallel batch (bounded by `batch_bytes` too).
    pub batch_docs: usize,
    /// Text bytes per parallel batch.
    pub batch_bytes: usize,
    /// Node metrics and communities to compute on the finished graph; `None` skips them.
    pub analysis: Option<AnalysisOptions>,
    /// Leave out entities that end up with no edge (after `min_weight`).
    pub drop_isolated: bool,
    /// Group dated documents by this period: the graph gets a timeline, and
    /// [`Pipeline::run_by_period`] returns one graph per period.
    pub by: Option<Period>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            window: Window::Sentence,
            min_weight: 1,
            tag: TagOptions::default(),
            batch_docs: 1024,
            batch_bytes: 2 << 20,
            analysis: Some(AnalysisOptions::default()),
            by: None,
            drop_isolated: false,
        }
    }
}

/// A dictionary compiled for tagging, with the options of one build.
pub struct Pipeline {
    dict: Dictionary,
    tagger: Tagger,
    rules: RuleSet,
    options: BuildOptions,
}

/// Counts one tagged document and its relations into a partial graph.
pub fn count_document(
    doc: &Document,
    tagged: &TaggedDocument,
    relations: &[Relation],
    window: Window,
) -> PartialGraph {
    let mut graph = PartialGraph::default();
    count_into(&mut graph, doc, tagged, relations, window);
    graph
}

/// Adds one tagged document and its relations to `graph`'s counts.
pub fn count_into(
    graph: &mut PartialGraph,
    doc: &Document,
    tagged: &TaggedDocument,
    relations: &[Relation],
    window: Window,
) {
    let key = |m: &Mention| match window {
        Window::Sentence => m.sentence,
        Window::Paragraph => m.paragraph,
        Window::Document => 0,
    };
    let entities: Vec<u32> = tagged.mentions.iter().map(|m| m.entity).collect();
    // Mentions are in text order, so each window's mentions are a run.
    let mut start = 0;
    let windows = tagged
        .mentions
        .chunk_by(|a, b| key(a) == key(b))
        .map(|run| {
            start += run.len();
            &entities[start - run.len()..start]
        });
    graph.add_document(
        doc.date,
        entities.iter().copied(),
        windows,
        relations.iter().map(Relation::key),
    );
}

/// One document's results on the worker threads: its mentions, relations and what the
/// caller's `prepare` made of them.
type Tagged<T> = (TaggedDocument, Vec<Relation>, T);

/// A tagged batch on its way from the workers to the calling thread.
struct Done<T> {
    docs: Vec<Document>,
    results: Vec<(TaggedDocument, Vec<Relation>, T)>,
    counts: Counts,
}

/// The counts of some documents: all of them, and those of each period.
#[derive(Default)]
struct Counts {
    total: PartialGraph,
    periods: BTreeMap<Date, PartialGraph>,
}

impl Counts {
    /// Adds the counts of other documents.
    fn merge(&mut self, other: Counts) {
        self.total.merge(other.total);
        for (date, partial) in other.periods {
            self.periods.entry(date).or_default().merge(partial);
        }
    }
}

impl Pipeline {
    /// Compiles the dictionary, with the embedded relation rules.
    pub fn new(dict: Dictionary, options: BuildOptions) -> Result<Pipeline> {
        Pipeline::with_rules(dict, RuleSet::embedded()?, options)
    }

    /// Compiles the dictionary, with these relation rules (an empty [`RuleSet`] finds none).
    pub fn with_rules(dict: Dictionary, rules: RuleSet, options: BuildOptions) -> Result<Pipeline> {
        rules.check_types(&dict)?;
        let tagger = Tagger::with_options(&dict, options.tag)?;
        Ok(Pipeline {
            dict,
            tagger,
            rules,
            options,
        })
    }

    /// The relation rules in use.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The dictionary in use.
    pub fn dictionary(&self) -> &Dictionary {
        &self.dict
    }

    /// The compiled matcher.
    pub fn tagger(&self) -> &Tagger {
        &self.tagger
    }

    /// Runs over documents: each is tagged and its relations found (in parallel), `each`
    /// sees every document with its mentions and relations in input order, and the counts
    /// are merged into the graph. The first error from the input or from `each` stops the run.
    pub fn run<I, F>(&self, docs: I, mut each: F) -> Result<KnowledgeGraph>
    where
        I: IntoIterator<Item = Result<Document>>,
        I::IntoIter: Send,
        F: FnMut(&Document, &TaggedDocument, &[Relation]) -> Result<()>,
    {
        self.run_prepared(docs, |_, _, _| (), |d, t, r, ()| each(d, t, r))
            .map(|(graph, _)| graph)
    }

    /// Like [`Pipeline::run`], and when [`BuildOptions::by`] is set also returns one graph
    /// per period (by the period's start, ascending; undated documents are in none), and the
    /// whole graph carries the [`crate::graph::Timeline`] of its nodes and edges.
    pub fn run_by_period<I, F>(
        &self,
        docs: I,
        mut each: F,
    ) -> Result<(KnowledgeGraph, Vec<(Date, KnowledgeGraph)>)>
    where
        I: IntoIterator<Item = Result<Document>>,
        I::IntoIter: Send,
        F: FnMut(&Document, &TaggedDocument, &[Relation]) -> Result<()>,
    {
        self.run_prepared(docs, |_, _, _| (), |d, t, r, ()| each(d, t, r))
    }

    /// Like [`Pipeline::run_by_period`], with the per-document work split in two:
    /// `prepare` runs on the worker threads right after a document is tagged (format its
    /// output rows there), and `each` then gets the document with what `prepare` made, in
    /// input order, on the calling thread (write the rows there).
    ///
    /// Three stages overlap: a reader thread parses the next batch, the workers tag the
    /// current one, and the calling thread hands the previous one to `each`, so the serial
    /// part of a run is only what `each` does. When the current rayon pool has one thread,
    /// the stages take turns on the calling thread instead.
    pub fn run_prepared<I, P, T, F>(
        &self,
        docs: I,
        prepare: P,
        mut each: F,
    ) -> Result<(KnowledgeGraph, Vec<(Date, KnowledgeGraph)>)>
    where
        I: IntoIterator<Item = Result<Document>>,
        I::IntoIter: Send,
        P: Fn(&Document, &TaggedDocument, &[Relation]) -> T + Sync,
        T: Send + Sync,
        F: FnMut(&Document, &TaggedDocument, &[Relation], T) -> Result<()>,
    {
        let mut counts = Counts::default();
        let mut docs = docs.into_iter();
        let (max_docs, max_bytes) = (self.options.batch_docs.max(1), self.options.batch_bytes);
        let mut hand_over = |done: Done<T>| -> Result<()> {
            for (doc, (tagged, relations, made)) in done.docs.iter().zip(done.results) {
                each(doc, &tagged, &relations, made)?;
            }
            counts.merge(done.counts);
            Ok(())
        };
        if rayon::current_num_threads() == 1 {
            // One thread: no stage runs beside another, so the run uses one core.
            loop {
                let (batch, failed) = read_batch(&mut docs, max_docs, max_bytes);
                let end = batch.is_empty() || failed.is_some();
                if !batch.is_empty() {
                    hand_over(self.tag_batch(batch, &prepare))?;
                }
                if let Some(e) = failed {
                    return Err(e);
                }
                if end {
                    break;
                }
            }
            return self.finish_run(counts.total, counts.periods);
        }
        // Bounded channels: at most one batch waits between two stages, so memory holds a
        // few batches whatever the corpus size.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Document>>>(1);
        let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Result<Done<T>>>(1);
        std::thread::scope(|scope| -> Result<()> {
            scope.spawn(move || {
                loop {
                    let (batch, failed) = read_batch(&mut docs, max_docs, max_bytes);
                    let done = batch.is_empty() || failed.is_some();
                    // The documents before an error are processed, then the error ends the run.
                    if !batch.is_empty() && tx.send(Ok(batch)).is_err() {
                        return;
                    }
                    if let Some(e) = failed {
                        let _ = tx.send(Err(e));
                    }
                    if done {
                        return;
                    }
                }
            });
            let prepare = &prepare;
            scope.spawn(move || {
                for batch in rx {
                    let done = batch.map(|batch| self.tag_batch(batch, prepare));
                    // A closed channel means the calling thread stopped on an error.
                    if done_tx.send(done).is_err() {
                        return;
                    }
                }
            });
            for done in done_rx {
                hand_over(done?)?;
            }
            Ok(())
        })?;
        self.finish_run(counts.total, counts.periods)
    }

    /// Tags a batch on the worker threads and counts it: the documents with their results
    /// in input order, and the batch's counts merged.
    fn tag_batch<P, T>(&self, batch: Vec<Document>, prepare: &P) -> Done<T>
    where
        P: Fn(&Document, &TaggedDocument, &[Relation]) -> T + Sync,
        T: Send + Sync,
    {
        let window = self.options.window;
        let by = self.options.by;
        let tagged: Vec<Tagged<T>> = batch
            .par_iter()
            .map(|doc| {
                let tagged = self.tagger.tag(doc);
                let relations = self.rules.extract(doc, &tagged, &self.dict);
                let made = prepare(doc, &tagged, &relations);
                (tagged, relations, made)
            })
            .collect();
        let counts = tagged
            .par_iter()
            .zip(&batch)
            .fold(
                Counts::default,
                |mut counts, ((tagged, relations, _), doc)| {
                    count_into(&mut counts.total, doc, tagged, relations, window);
                    if let (Some(by), Some(date)) = (by, doc.date) {
                        let period = counts.periods.entry(by.start(date)).or_default();
                        count_into(period, doc, tagged, relations, window);
                    }
                    counts
                },
            )
            .reduce(Counts::default, |mut a, b| {
                a.merge(b);
                a
            });
        Done {
            results: tagged,
            docs: batch,
            counts,
        }
    }

    /// Finishes the graph and the per-period graphs from the merged counts.
    fn finish_run(
        &self,
        total: PartialGraph,
        periods: BTreeMap<Date, PartialGraph>,
    ) -> Result<(KnowledgeGraph, Vec<(Date, KnowledgeGraph)>)> {
        let finish = |partial: PartialGraph| {
            let mut graph =
                partial.finish(&self.dict, self.options.window, self.options.min_weight);
            if self.options.drop_isolated {
                graph.drop_isolated();
            }
            if let Some(options) = &self.options.analysis {
                analysis::annotate(&mut graph, options);
            }
            graph
        };
        let mut graph = finish(total);
        let slices: Vec<(Date, KnowledgeGraph)> =
            periods.into_iter().map(|(d, p)| (d, finish(p))).collect();
        if let Some(by) = self.options.by {
            graph.timeline = Some(Timeline::build(&graph, by, &slices));
        }
        Ok((graph, slices))
    }
}

/// The next batch of documents: up to `max_docs` documents or until `max_bytes` of text, and
/// the error that cut it short, if one did. An empty batch without an error is the end.
fn read_batch<I>(docs: &mut I, max_docs: usize, max_bytes: usize) -> (Vec<Document>, Option<Error>)
where
    I: Iterator<Item = Result<Document>>,
{
    let mut batch = Vec::new();
    let mut bytes = 0;
    while batch.len() < max_docs && bytes < max_bytes {
        match docs.next() {
            Some(Ok(doc)) => {
                bytes += doc.text.len();
                batch.push(doc);
            }
            Some(Err(e)) => return (batch, Some(e)),
            None => break,
        }
    }
    (batch, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Date;
    use crate::dictionary::Builder;
    use crate::graph::EdgeKind;

    fn pipeline(window: Window) -> Pipeline {
        let mut b = Builder::default();
        b.add_csv(
            "t.csv",
            "id,type,label,aliases\njp,country,Japan,Tokyo\nkr,country,South Korea,Seoul\nus,country,United States,Washington\n",
        )
        .unwrap();
        let options = BuildOptions {
            window,
            ..BuildOptions::default()
        };
        Pipeline::with_rules(b.finish().unwrap(), RuleSet::default(), options).unwrap()
    }

    fn docs() -> Vec<Result<Document>> {
        vec![
            Ok(Document::new(
                "a",
                "Japan and South Korea. Tokyo and Seoul and Washington.\nJapan alone.",
            )
            .with_date(Date::new(2019, 7, 1).unwrap())),
            Ok(Document::new("b", "Seoul and Washington.")
                .with_date(Date::new(2019, 11, 22).unwrap())),
        ]
    }

    #[test]
    fn sentence_window_counts_windows_documents_and_dates() {
        let g = pipeline(Window::Sentence)
            .run(docs(), |_, _, _| Ok(()))
            .unwrap();
        let ids: Vec<&str> = g.nodes().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["jp", "kr", "us"]);
        let edges: Vec<(&str, &str, u64, u64)> = g
            .edges()
            .map(|(s, t, e)| (s.id.as_str(), t.id.as_str(), e.weight, e.documents))
            .collect();
        assert_eq!(
            edges,
            [("jp", "kr", 2, 1), ("jp", "us", 1, 1), ("kr", "us", 2, 2)]
        );
        let (_, _, kr_us) = g.edges().nth(2).unwrap();
        assert_eq!(kr_us.first_seen, Date::new(2019, 7, 1));
        assert_eq!(kr_us.last_seen, Date::new(2019, 11, 22));
        assert_eq!(g.totals.windows, 4);
        assert_eq!(g.totals.mentions, 8);
        let jp = g.nodes().next().unwrap();
        assert_eq!((jp.mentions, jp.documents, jp.windows), (3, 1, 3));
        // jp in 3 of 4 windows, kr in 3, together in 2: PMI = log2(2*4 / (3*3)).
        let (_, _, jp_kr) = g.edges().next().unwrap();
        let m = jp_kr.measures.unwrap();
        assert!((m.pmi - (8.0f64 / 9.0).log2()).abs() < 1e-12);
        assert!((m.jaccard - 0.5).abs() < 1e-12);
        assert!((m.dice - 2.0 * 2.0 / 6.0).abs() < 1e-12);
        assert!(g.edges().all(|(_, _, e)| e.kind == EdgeKind::Cooccurrence));
    }

    #[test]
    fn relations_become_directed_edges_after_the_cooccurrences() {
        let mut b = Builder::default();
        b.add_csv(
            "t.csv",
            "id,type,label,aliases\njp,country,Japan,Tokyo\nkr,country,South Korea,Seoul\n",
        )
        .unwrap();
        let p = Pipeline::new(b.finish().unwrap(), BuildOptions::default()).unwrap();
        let mut found = 0;
        let docs = vec![
            Ok(Document::new(
                "a",
                "Japan placed export controls on South Korea.",
            )),
            Ok(Document::new(
                "b",
                "Tokyo imposed export curbs on Seoul. Japan did not criticise Seoul.",
            )),
        ];
        let g = p
            .run(docs, |_, _, r| {
                found += r.len();
                Ok(())
            })
            .unwrap();
        assert_eq!(found, 3);
        let rels: Vec<(&str, &str, &str, u64, bool)> = g
            .edges()
            .filter(|(_, _, e)| e.kind == EdgeKind::Relation)
            .map(|(s, t, e)| {
                let r = e.relation.as_ref().unwrap();
                (
                    s.id.as_str(),
                    t.id.as_str(),
                    r.relation.as_str(),
                    e.weight,
                    r.negated,
                )
            })
            .collect();
        assert_eq!(
            rels,
            [
                ("jp", "kr", "criticises", 1, true),
                ("jp", "kr", "restricts_trade", 2, false)
            ]
        );
        let kinds: Vec<EdgeKind> = g.edges().map(|(_, _, e)| e.kind).collect();
        assert_eq!(
            kinds,
            [
                EdgeKind::Cooccurrence,
                EdgeKind::Relation,
                EdgeKind::Relation
            ]
        );
    }

    #[test]
    fn wider_windows_and_min_weight() {
        let g = pipeline(Window::Document)
            .run(docs(), |_, _, _| Ok(()))
            .unwrap();
        let w: Vec<u64> = g.edges().map(|(_, _, e)| e.weight).collect();
        assert_eq!(w, [1, 1, 2]);
        let g = pipeline(Window::Paragraph)
            .run(docs(), |_, _, _| Ok(()))
            .unwrap();
        assert_eq!(g.totals.windows, 3);
        let mut p = pipeline(Window::Sentence);
        p.options.min_weight = 2;
        let g = p.run(docs(), |_, _, _| Ok(())).unwrap();
        assert_eq!(g.graph.edge_count(), 2);
        assert_eq!(
            g.graph.node_count(),
            3,
            "nodes stay when their edges are dropped"
        );
        p.options.min_weight = 3;
        p.options.drop_isolated = true;
        let g = p.run(docs(), |_, _, _| Ok(())).unwrap();
        assert_eq!((g.graph.node_count(), g.graph.edge_count()), (0, 0));
        p.options.min_weight = 2;
        let g = p.run(docs(), |_, _, _| Ok(())).unwrap();
        let ids: Vec<&str> = g.nodes().map(|n| n.id.as_str()).collect();
        assert_eq!(
            ids,
            ["jp", "kr", "us"],
            "all three keep an edge of weight 2"
        );
    }

    #[test]
    fn batches_and_order_do_not_change_the_graph() {
        let p = pipeline(Window::Sentence);
        let whole = p.run(docs(), |_, _, _| Ok(())).unwrap();
        let mut small = pipeline(Window::Sentence);
        small.options.batch_docs = 1;
        let mut seen = Vec::new();
        let one_by_one = small
            .run(docs(), |d, _, _| {
                seen.push(d.id.clone());
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, ["a", "b"]);
        let reversed = p.run(docs().into_iter().rev(), |_, _, _| Ok(())).unwrap();
        for g in [&one_by_one, &reversed] {
            assert_eq!(format!("{:?}", g.graph), format!("{:?}", whole.graph));
        }
    }

    #[test]
    fn periods_slice_the_graph_and_give_it_a_timeline() {
        let mut p = pipeline(Window::Sentence);
        p.options.by = Some(Period::Month);
        let mut all = docs();
        all.push(Ok(
            Document::new("c", "Tokyo and Seoul.").with_date(Date::new(2019, 7, 20).unwrap())
        ));
        all.push(Ok(Document::new("undated", "Japan and Washington.")));
        let (g, slices) = p.run_by_period(all, |_, _, _| Ok(())).unwrap();
        let months: Vec<String> = slices.iter().map(|(d, _)| d.to_string()).collect();
        assert_eq!(months, ["2019-07-01", "2019-11-01"]);
        assert_eq!(slices[0].1.totals.documents, 2);
        assert_eq!(
            g.totals.documents, 4,
            "undated documents count in the whole graph"
        );
        let t = g.timeline.as_ref().unwrap();
        let jp_kr = g
            .edges()
            .position(|(s, t, _)| s.id == "jp" && t.id == "kr")
            .unwrap();
        assert_eq!(t.edges[jp_kr], [(0, 3)]);
        let kr = g.nodes().position(|n| n.id == "kr").unwrap();
        assert_eq!(t.nodes[kr], [(0, 3), (1, 1)]);
        assert_eq!(
            t.intervals(&t.nodes[kr]),
            "<[2019-07-01, 2019-07-31]; [2019-11-01, 2019-11-30]>"
        );
        // The whole graph is the same as without periods, but for the timeline.
        let mut plain = p.run(docs(), |_, _, _| Ok(())).unwrap();
        plain.timeline = None;
        let (mut again, _) = p.run_by_period(docs(), |_, _, _| Ok(())).unwrap();
        again.timeline = None;
        assert_eq!(format!("{:?}", plain.graph), format!("{:?}", again.graph));
    }

    /// Runs `f` on a pool of `n` threads: one thread takes the sequential path.
    fn on_threads<R: Send>(n: usize, f: impl FnOnce() -> R + Send) -> R {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build();
        pool.unwrap().install(f)
    }

    #[test]
    fn prepared_results_reach_each_in_input_order() {
        for threads in [1, 2] {
            let mut p = pipeline(Window::Sentence);
            p.options.batch_docs = 2;
            let docs: Vec<Result<Document>> = (0..25)
                .map(|i| {
                    Ok(Document::new(
                        format!("d{i}"),
                        "Japan and Seoul. ".repeat(i),
                    ))
                })
                .collect();
            let mut seen = Vec::new();
            let (g, _) = on_threads(threads, || {
                p.run_prepared(
                    docs,
                    |doc, tagged, _| (doc.id.clone(), tagged.mentions.len()),
                    |doc, _, _, made| {
                        assert_eq!(doc.id, made.0);
                        seen.push(made.1);
                        Ok(())
                    },
                )
            })
            .unwrap();
            assert_eq!(seen, (0..25).map(|i| 2 * i).collect::<Vec<_>>());
            assert_eq!(g.totals.documents, 25);
            assert_eq!(g.totals.mentions, 2 * (0..25).sum::<u64>());
        }
    }

    #[test]
    fn an_error_from_each_stops_the_run_while_batches_are_in_flight() {
        for threads in [1, 2] {
            let mut p = pipeline(Window::Sentence);
            p.options.batch_docs = 1;
            let docs = (0..1000).map(|i| Ok(Document::new(format!("d{i}"), "Japan.")));
            let mut calls = 0;
            let r = on_threads(threads, || {
                p.run(docs, |_, _, _| {
                    calls += 1;
                    if calls == 3 {
                        Err(crate::Error::Config("stop".into()))
                    } else {
                        Ok(())
                    }
                })
            });
            assert!(matches!(r, Err(crate::Error::Config(m)) if m == "stop"));
            assert_eq!(calls, 3);
        }
    }

    #[test]
    fn the_first_input_error_stops_the_run_after_the_documents_before_it() {
        for threads in [1, 2] {
            let mut p = pipeline(Window::Sentence);
            p.options.batch_docs = 2;
            let docs = vec![
                Ok(Document::new("a", "Japan")),
                Ok(Document::new("b", "Japan")),
                Ok(Document::new("c", "Japan")),
                Err(crate::Error::Config("boom".into())),
                Ok(Document::new("d", "Japan")),
            ];
            let mut seen = Vec::new();
            let r = on_threads(threads, || {
                p.run(docs, |doc, _, _| {
                    seen.push(doc.id.clone());
                    Ok(())
                })
            });
            assert!(matches!(r, Err(crate::Error::Config(m)) if m == "boom"));
            assert_eq!(seen, ["a", "b", "c"], "on {threads} thread(s)");
        }
    }
}
