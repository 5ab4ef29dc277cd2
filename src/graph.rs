//! The knowledge graph: nodes are dictionary entities, edges are co-occurrences and stated
//! relations, each with its counts.
//!
//! This module owns the graph's data model ([`KnowledgeGraph`], [`Node`], [`Edge`]), the
//! per-document partial counts ([`PartialGraph`]) and their merge, and the association
//! measures computed when the partial counts are finalised. Partial graphs merge
//! associatively and commutatively (sums, minima and maxima only), so one document at a time,
//! many threads or many machines give the same graph. It does not read text, tag, or write
//! files: the tagger feeds it mentions and the exporters read it.
//!
//! Order is part of the contract: nodes are sorted by id, co-occurrence edges by (source id,
//! target id) with the source the smaller id, then relation edges by (source, target,
//! relation, flags). Every exporter walks them in this order, so outputs are byte-stable.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::analysis::NodeMetrics;
use crate::corpus::{Date, Period};
use crate::dictionary::Dictionary;
use crate::relations::RelationKey;

/// Which stretch of text counts as "together" for co-occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Window {
    /// Two entities in the same sentence (the default).
    #[default]
    Sentence,
    /// Two entities in the same paragraph.
    Paragraph,
    /// Two entities in the same document.
    Document,
}

impl Window {
    /// The name used on the command line and in output metadata.
    pub fn name(self) -> &'static str {
        match self {
            Window::Sentence => "sentence",
            Window::Paragraph => "paragraph",
            Window::Document => "document",
        }
    }

    /// Parses a window name as used on the command line.
    pub fn parse(s: &str) -> Option<Window> {
        match s {
            "sentence" => Some(Window::Sentence),
            "paragraph" => Some(Window::Paragraph),
            "document" => Some(Window::Document),
            _ => None,
        }
    }
}

/// An entity that was mentioned at least once.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The dictionary id: stable, an XML NMTOKEN, used as the node id in every export.
    pub id: String,
    /// The human name.
    pub label: String,
    /// The entity type (country, person, agreement, event, organisation, place, ...).
    pub kind: String,
    /// Free attributes from the dictionary (ISO code, party, ...), sorted by key.
    pub attributes: BTreeMap<String, String>,
    /// How many times the entity was mentioned.
    pub mentions: u64,
    /// In how many documents.
    pub documents: u64,
    /// In how many co-occurrence windows (the marginal count behind the measures).
    pub windows: u64,
    /// The earliest document date it was seen on.
    pub first_seen: Option<Date>,
    /// The latest document date it was seen on.
    pub last_seen: Option<Date>,
    /// Degree, PageRank, betweenness and community, once [`crate::analysis::annotate`] ran.
    pub metrics: Option<NodeMetrics>,
}

/// The kind of an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// Undirected: both entities in one window.
    Cooccurrence,
    /// Directed and typed: the text states that the source did something to the target.
    Relation,
}

impl EdgeKind {
    /// The name used in exports (`cooccurrence` or `relation`).
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Cooccurrence => "cooccurrence",
            EdgeKind::Relation => "relation",
        }
    }

    /// Whether edges of this kind are directed.
    pub fn directed(self) -> bool {
        self == EdgeKind::Relation
    }
}

/// Association measures of a co-occurrence edge, computed over windows.
///
/// With `N` windows in the corpus, `a` and `b` the windows holding each entity and `ab` the
/// windows holding both: PMI = log2(ab·N / (a·b)), NPMI = PMI / −log2(ab/N) (1 when every
/// window holds both), Jaccard = ab / (a + b − ab), Dice = 2·ab / (a + b).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measures {
    /// Pointwise mutual information, in bits.
    pub pmi: f64,
    /// Normalised PMI, in [−1, 1].
    pub npmi: f64,
    /// Jaccard similarity of the two entities' window sets.
    pub jaccard: f64,
    /// Dice coefficient of the two entities' window sets.
    pub dice: f64,
}

impl Measures {
    /// Computes the measures from window counts; `n` is the number of windows in the corpus.
    pub fn compute(ab: u64, a: u64, b: u64, n: u64) -> Measures {
        let (ab, a, b, n) = (ab as f64, a as f64, b as f64, n as f64);
        let pmi = (ab * n / (a * b)).log2();
        let p_ab = ab / n;
        let npmi = if p_ab >= 1.0 { 1.0 } else { pmi / -p_ab.log2() };
        Measures {
            pmi,
            npmi,
            jaccard: ab / (a + b - ab),
            dice: 2.0 * ab / (a + b),
        }
    }
}

/// What a relation edge says, beyond its endpoints.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelationAttrs {
    /// The relation type (`restricts_trade`, `meets`, ...).
    pub relation: String,
    /// The text says it did not happen ("did not", "refused to").
    pub negated: bool,
    /// asserted, threatened, proposed, planned or hypothetical.
    pub modality: String,
    /// The text says it was undone ("backed down", "reversed course").
    pub reversed: bool,
}

/// An edge between two nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Co-occurrence (undirected) or relation (directed).
    pub kind: EdgeKind,
    /// Co-occurrence: the number of windows holding both. Relation: the number of times it
    /// was stated. Always at least 1.
    pub weight: u64,
    /// In how many documents.
    pub documents: u64,
    /// Association measures (co-occurrence edges only).
    pub measures: Option<Measures>,
    /// The relation type and flags (relation edges only).
    pub relation: Option<RelationAttrs>,
    /// The earliest document date the edge was seen on.
    pub first_seen: Option<Date>,
    /// The latest document date the edge was seen on.
    pub last_seen: Option<Date>,
}

/// Corpus-wide totals that give the counts their meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Documents read.
    pub documents: u64,
    /// Co-occurrence windows (sentences, paragraphs or documents) that held a mention.
    pub windows: u64,
    /// Mentions tagged.
    pub mentions: u64,
}

/// The finished graph, ready for analysis and export.
#[derive(Debug, Clone)]
pub struct KnowledgeGraph {
    /// Nodes in id order, then co-occurrence edges, then relation edges (see the module doc).
    /// Co-occurrence edges are stored once, from the smaller id to the larger.
    pub graph: DiGraph<Node, Edge>,
    /// The window the co-occurrence edges were counted in.
    pub window: Window,
    /// Corpus totals.
    pub totals: Totals,
    /// The modularity of the communities in the nodes' metrics, once analysed.
    pub modularity: Option<f64>,
    /// Where nodes and edges appear over time, when the build grouped documents by period.
    pub timeline: Option<Timeline>,
}

/// Where nodes and edges appear over time: the periods (`--by`) in which each was seen, with
/// its count there. Undated documents count in the graph but in no period.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The kind of period.
    pub period: Period,
    /// The start of every period that holds a dated document, ascending.
    pub periods: Vec<Date>,
    /// By node index: (period index, mentions in that period), ascending.
    pub nodes: Vec<Vec<(usize, u64)>>,
    /// By edge index: (period index, weight in that period), ascending.
    pub edges: Vec<Vec<(usize, u64)>>,
}

impl Timeline {
    /// Lays the per-period graphs over the whole graph: each node and edge of `whole` gets
    /// the periods it appears in (matched by ids, and for relations by type and flags).
    pub fn build(
        whole: &KnowledgeGraph,
        period: Period,
        slices: &[(Date, KnowledgeGraph)],
    ) -> Timeline {
        let node_index: HashMap<&str, usize> = whole
            .graph
            .node_indices()
            .map(|i| (whole.graph[i].id.as_str(), i.index()))
            .collect();
        type EdgeId<'a> = (&'a str, &'a str, EdgeKind, Option<&'a RelationAttrs>);
        let edge_index: HashMap<EdgeId, usize> = whole
            .edges()
            .enumerate()
            .map(|(i, (s, t, e))| {
                (
                    (s.id.as_str(), t.id.as_str(), e.kind, e.relation.as_ref()),
                    i,
                )
            })
            .collect();
        let mut nodes = vec![Vec::new(); whole.graph.node_count()];
        let mut edges = vec![Vec::new(); whole.graph.edge_count()];
        for (pi, (_, g)) in slices.iter().enumerate() {
            for n in g.nodes() {
                if let Some(&i) = node_index.get(n.id.as_str()) {
                    nodes[i].push((pi, n.mentions));
                }
            }
            for (s, t, e) in g.edges() {
                if let Some(&i) =
                    edge_index.get(&(s.id.as_str(), t.id.as_str(), e.kind, e.relation.as_ref()))
                {
                    edges[i].push((pi, e.weight));
                }
            }
        }
        Timeline {
            period,
            periods: slices.iter().map(|(d, _)| *d).collect(),
            nodes,
            edges,
        }
    }

    /// Gephi's interval notation for a node's or an edge's periods:
    /// `<[2019-07-01, 2019-07-31]; [2019-09-01, 2019-09-30]>`, empty when it has none.
    pub fn intervals(&self, present: &[(usize, u64)]) -> String {
        if present.is_empty() {
            return String::new();
        }
        let spans: Vec<String> = present
            .iter()
            .map(|&(pi, _)| {
                let start = self.periods[pi];
                format!("[{}, {}]", start, self.period.end(start))
            })
            .collect();
        format!("<{}>", spans.join("; "))
    }
}

impl KnowledgeGraph {
    /// The nodes in export order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.graph.node_weights()
    }

    /// The edges in export order, each with its source and target node.
    pub fn edges(&self) -> impl Iterator<Item = (&Node, &Node, &Edge)> {
        self.graph.edge_indices().map(move |e| {
            let (s, t) = self
                .graph
                .edge_endpoints(e)
                .expect("edge index from this graph");
            (&self.graph[s], &self.graph[t], &self.graph[e])
        })
    }

    /// Leaves out the nodes that have no edge (after `--min-weight`), keeping the order of
    /// everything else.
    pub fn drop_isolated(&mut self) {
        let graph = std::mem::take(&mut self.graph);
        let keep: Vec<bool> = graph
            .node_indices()
            .map(|i| graph.neighbors_undirected(i).next().is_some())
            .collect();
        self.graph = graph.filter_map(
            |i, n| keep[i.index()].then(|| n.clone()),
            |_, e| Some(e.clone()),
        );
    }

    /// Looks a node up by its id.
    pub fn node_index(&self, id: &str) -> Option<NodeIndex> {
        self.graph.node_indices().find(|&i| self.graph[i].id == id)
    }
}

/// Dates seen: the earliest and the latest. Merges by min and max.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    /// Earliest date seen.
    pub first: Option<Date>,
    /// Latest date seen.
    pub last: Option<Date>,
}

impl Span {
    /// A span of one date (or none).
    pub fn at(date: Option<Date>) -> Span {
        Span {
            first: date,
            last: date,
        }
    }

    /// The smallest span holding both.
    pub fn merge(&mut self, other: Span) {
        self.first = match (self.first, other.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = match (self.last, other.last) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Counts for one entity in a partial graph.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NodeCounts {
    /// Mentions.
    pub mentions: u64,
    /// Documents.
    pub documents: u64,
    /// Windows holding the entity.
    pub windows: u64,
    /// Dates seen.
    pub span: Span,
}

/// Counts for one edge in a partial graph.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EdgeCounts {
    /// Windows (co-occurrence) or statements (relations).
    pub weight: u64,
    /// Documents.
    pub documents: u64,
    /// Dates seen.
    pub span: Span,
}

/// Counts from some documents, keyed by dictionary entity index. Merging two partial graphs
/// is associative and commutative, so they can be built in any grouping and order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartialGraph {
    /// Documents counted.
    pub documents: u64,
    /// Windows that held at least one mention.
    pub windows: u64,
    /// Mentions counted.
    pub mentions: u64,
    /// Per entity.
    pub nodes: HashMap<u32, NodeCounts>,
    /// Per unordered pair, smaller entity index first.
    pub cooccurrences: HashMap<(u32, u32), EdgeCounts>,
    /// Per stated relation (subject, object, relation and flags).
    pub relations: HashMap<RelationKey, EdgeCounts>,
}

impl PartialGraph {
    /// Counts one document: `windows` lists, for every window of the document, the entity
    /// indices mentioned in it (repeats allowed); `mentions` is every mention's entity.
    pub fn from_document(
        date: Option<Date>,
        mentions: impl IntoIterator<Item = u32>,
        windows: impl IntoIterator<Item = Vec<u32>>,
        relations: impl IntoIterator<Item = RelationKey>,
    ) -> PartialGraph {
        let mut g = PartialGraph::default();
        g.add_document(date, mentions, windows, relations);
        g
    }

    /// Adds one document's counts, as merging [`PartialGraph::from_document`] would, without
    /// building a graph for it: the document's own repeats are counted with sorted vectors,
    /// not maps.
    pub fn add_document<W: AsRef<[u32]>>(
        &mut self,
        date: Option<Date>,
        mentions: impl IntoIterator<Item = u32>,
        windows: impl IntoIterator<Item = W>,
        relations: impl IntoIterator<Item = RelationKey>,
    ) {
        let span = Span::at(date);
        self.documents += 1;
        let mut entities: Vec<u32> = mentions.into_iter().collect();
        self.mentions += entities.len() as u64;
        entities.sort_unstable();
        for run in entities.chunk_by(|a, b| a == b) {
            let n = self.nodes.entry(run[0]).or_default();
            n.mentions += run.len() as u64;
            n.documents += 1;
            n.span.merge(span);
        }
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for w in windows {
            entities.clear();
            entities.extend_from_slice(w.as_ref());
            entities.sort_unstable();
            entities.dedup();
            if entities.is_empty() {
                continue;
            }
            self.windows += 1;
            for (i, &a) in entities.iter().enumerate() {
                self.nodes.entry(a).or_default().windows += 1;
                pairs.extend(entities[i + 1..].iter().map(|&b| (a, b)));
            }
        }
        pairs.sort_unstable();
        for run in pairs.chunk_by(|a, b| a == b) {
            let c = self.cooccurrences.entry(run[0]).or_default();
            c.weight += run.len() as u64;
            c.documents += 1;
            c.span.merge(span);
        }
        // A document states few relations: find its repeats by looking back.
        let mut seen: Vec<RelationKey> = Vec::new();
        for key in relations {
            let first = !seen.contains(&key);
            let r = self.relations.entry(key.clone()).or_default();
            r.weight += 1;
            if first {
                r.documents += 1;
                r.span.merge(span);
                seen.push(key);
            }
        }
    }

    /// Adds another partial graph's counts into this one.
    pub fn merge(&mut self, other: PartialGraph) {
        self.documents += other.documents;
        self.windows += other.windows;
        self.mentions += other.mentions;
        for (k, v) in other.nodes {
            let n = self.nodes.entry(k).or_default();
            n.mentions += v.mentions;
            n.documents += v.documents;
            n.windows += v.windows;
            n.span.merge(v.span);
        }
        for (k, v) in other.cooccurrences {
            merge_edge(self.cooccurrences.entry(k).or_default(), v);
        }
        for (k, v) in other.relations {
            merge_edge(self.relations.entry(k).or_default(), v);
        }
    }

    /// Turns the counts into the finished graph: nodes and edges in the documented order,
    /// measures computed, co-occurrence edges lighter than `min_weight` dropped.
    pub fn finish(self, dict: &Dictionary, window: Window, min_weight: u64) -> KnowledgeGraph {
        let mut graph = DiGraph::new();
        let mut entities: Vec<u32> = self.nodes.keys().copied().collect();
        // Dictionary indices are in id order, so sorting them sorts by id.
        entities.sort_unstable();
        let mut index_of: HashMap<u32, NodeIndex> =
            HashMap::with_capacity_and_hasher(entities.len(), Default::default());
        for e in entities {
            let c = self.nodes[&e];
            let ent = &dict.entities[e as usize];
            let idx = graph.add_node(Node {
                id: ent.id.clone(),
                label: ent.label.clone(),
                kind: ent.kind.clone(),
                attributes: ent.attributes.clone(),
                mentions: c.mentions,
                documents: c.documents,
                windows: c.windows,
                first_seen: c.span.first,
                last_seen: c.span.last,
                metrics: None,
            });
            index_of.insert(e, idx);
        }
        let mut pairs: Vec<((u32, u32), EdgeCounts)> = self
            .cooccurrences
            .into_iter()
            .filter(|(_, c)| c.weight >= min_weight.max(1))
            .collect();
        pairs.sort_unstable_by_key(|(k, _)| *k);
        for ((a, b), c) in pairs {
            let na = self.nodes[&a].windows;
            let nb = self.nodes[&b].windows;
            graph.add_edge(
                index_of[&a],
                index_of[&b],
                Edge {
                    kind: EdgeKind::Cooccurrence,
                    weight: c.weight,
                    documents: c.documents,
                    measures: Some(Measures::compute(c.weight, na, nb, self.windows)),
                    relation: None,
                    first_seen: c.span.first,
                    last_seen: c.span.last,
                },
            );
        }
        let mut rels: Vec<(RelationKey, EdgeCounts)> = self.relations.into_iter().collect();
        rels.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (key, c) in rels {
            let (Some(&s), Some(&t)) = (index_of.get(&key.subject), index_of.get(&key.object))
            else {
                continue;
            };
            graph.add_edge(
                s,
                t,
                Edge {
                    kind: EdgeKind::Relation,
                    weight: c.weight,
                    documents: c.documents,
                    measures: None,
                    relation: Some(key.attrs.clone()),
                    first_seen: c.span.first,
                    last_seen: c.span.last,
                },
            );
        }
        KnowledgeGraph {
            graph,
            window,
            totals: Totals {
                documents: self.documents,
                windows: self.windows,
                mentions: self.mentions,
            },
            modularity: None,
            timeline: None,
        }
    }
}

fn merge_edge(into: &mut EdgeCounts, v: EdgeCounts) {
    into.weight += v.weight;
    into.documents += v.documents;
    into.span.merge(v.span);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(subject: u32, object: u32, relation: &str) -> RelationKey {
        RelationKey {
            subject,
            object,
            attrs: RelationAttrs {
                relation: relation.into(),
                negated: false,
                modality: "asserted".into(),
                reversed: false,
            },
        }
    }

    #[test]
    fn a_document_counts_its_repeats_once_per_document() {
        let d1 = Date::new(2019, 7, 1);
        let d2 = Date::new(2019, 8, 2);
        let mut g = PartialGraph::default();
        // Windows: {0, 1, 0}, {1, 2}, {} and {2}; entity 0 twice in the first.
        g.add_document(
            d2,
            [0, 1, 0, 1, 2, 2],
            [vec![0, 1, 0], vec![1, 2], vec![], vec![2]],
            [key(0, 1, "meets"), key(0, 1, "meets"), key(1, 0, "meets")],
        );
        g.add_document(d1, [1, 2], [[1, 2]], [key(0, 1, "meets")]);
        assert_eq!((g.documents, g.windows, g.mentions), (2, 4, 8));
        let n = |e: u32| {
            let c = g.nodes[&e];
            (c.mentions, c.documents, c.windows)
        };
        assert_eq!([n(0), n(1), n(2)], [(2, 1, 1), (3, 2, 3), (3, 2, 3)]);
        let c = |a: u32, b: u32| {
            let c = g.cooccurrences[&(a, b)];
            (c.weight, c.documents)
        };
        assert_eq!([c(0, 1), c(1, 2)], [(1, 1), (2, 2)]);
        assert_eq!(g.cooccurrences.len(), 2);
        let r = g.relations[&key(0, 1, "meets")];
        assert_eq!((r.weight, r.documents), (3, 2));
        assert_eq!((r.span.first, r.span.last), (d1, d2));
        assert_eq!(g.relations[&key(1, 0, "meets")].weight, 1);
        // Building each document apart and merging gives the same counts.
        let mut merged = PartialGraph::from_document(
            d2,
            [0, 1, 0, 1, 2, 2],
            [vec![0, 1, 0], vec![1, 2], vec![], vec![2]],
            [key(0, 1, "meets"), key(0, 1, "meets"), key(1, 0, "meets")],
        );
        merged.merge(PartialGraph::from_document(
            d1,
            [1, 2],
            [vec![1, 2]],
            [key(0, 1, "meets")],
        ));
        assert_eq!(merged, g);
    }
}
