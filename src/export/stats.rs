//! A short report on a graph: totals, counts by type, the top entities by each metric,
//! the communities with their members, and the strongest edges.
//!
//! This module owns [`Report`] (the figures, computed once from a finished graph) and its
//! three renderings: plain text for a terminal, CSV in long format (one row per figure, for
//! a spreadsheet) and JSON. It reads the graph and never changes it; the node metrics it
//! ranks by come from [`crate::analysis`].

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::format_finite;
use crate::graph::{EdgeKind, KnowledgeGraph, Node};

/// One ranked entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// Node id.
    pub id: String,
    /// Node label.
    pub label: String,
    /// The value it is ranked by.
    pub value: f64,
}

/// A community and its members, most central first.
#[derive(Debug, Clone, PartialEq)]
pub struct Community {
    /// The community's number (as in the node metrics).
    pub id: usize,
    /// Member ids, by PageRank, highest first.
    pub members: Vec<String>,
    /// Member labels, in the same order.
    pub labels: Vec<String>,
}

/// One edge in a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedEdge {
    /// Source id.
    pub source: String,
    /// Target id.
    pub target: String,
    /// Source label.
    pub source_label: String,
    /// Target label.
    pub target_label: String,
    /// The relation type and flags, for relation edges.
    pub relation: Option<String>,
    /// Windows (co-occurrence) or statements (relation).
    pub weight: u64,
    /// Documents.
    pub documents: u64,
    /// NPMI, for co-occurrence edges.
    pub npmi: Option<f64>,
}

/// The figures of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Documents, mentions, nodes, co-occurrence edges, relation edges.
    pub totals: BTreeMap<&'static str, u64>,
    /// The co-occurrence window.
    pub window: &'static str,
    /// Modularity of the communities, when analysed.
    pub modularity: Option<f64>,
    /// Per entity type: (nodes, mentions).
    pub types: BTreeMap<String, (u64, u64)>,
    /// For each metric name, the top entities.
    pub top: Vec<(&'static str, Vec<Ranked>)>,
    /// Communities, largest first.
    pub communities: Vec<Community>,
    /// The heaviest co-occurrence edges.
    pub cooccurrences: Vec<RankedEdge>,
    /// The most often stated relations.
    pub relations: Vec<RankedEdge>,
}

/// Reads one metric from a node (`None` when the graph was not analysed).
type Metric = fn(&Node) -> Option<f64>;

/// The metrics a report ranks entities by, with how to read each from a node.
const METRICS: &[(&str, Metric)] = &[
    ("mentions", |n| Some(n.mentions as f64)),
    ("documents", |n| Some(n.documents as f64)),
    ("degree", |n| n.metrics.map(|m| m.degree as f64)),
    ("weighted_degree", |n| n.metrics.map(|m| m.weighted_degree)),
    ("pagerank", |n| n.metrics.map(|m| m.pagerank)),
    ("betweenness", |n| {
        n.metrics.map(|m| m.betweenness).filter(|b| b.is_finite())
    }),
];

impl Report {
    /// Computes the report, keeping `top` entries in each ranking.
    pub fn new(g: &KnowledgeGraph, top: usize) -> Report {
        let nodes: Vec<&Node> = g.nodes().collect();
        let co = g
            .edges()
            .filter(|(_, _, e)| e.kind == EdgeKind::Cooccurrence)
            .count() as u64;
        let mut totals = BTreeMap::new();
        totals.insert("documents", g.totals.documents);
        totals.insert("mentions", g.totals.mentions);
        totals.insert("nodes", nodes.len() as u64);
        totals.insert("cooccurrence_edges", co);
        totals.insert("relation_edges", g.graph.edge_count() as u64 - co);
        let mut types: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for n in &nodes {
            let t = types.entry(n.kind.clone()).or_default();
            t.0 += 1;
            t.1 += n.mentions;
        }
        let mut rankings = Vec::new();
        for (name, get) in METRICS {
            let mut ranked: Vec<Ranked> = nodes
                .iter()
                .filter_map(|n| {
                    get(n).map(|value| Ranked {
                        id: n.id.clone(),
                        label: n.label.clone(),
                        value,
                    })
                })
                .collect();
            if ranked.is_empty() {
                continue;
            }
            // Highest first; ties by id, so the report is stable.
            ranked.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.id.cmp(&b.id)));
            ranked.truncate(top);
            rankings.push((*name, ranked));
        }
        let mut groups: BTreeMap<usize, Vec<&Node>> = BTreeMap::new();
        for n in &nodes {
            if let Some(m) = n.metrics {
                groups.entry(m.community).or_default().push(n);
            }
        }
        let mut communities: Vec<Community> = groups
            .into_iter()
            .map(|(id, mut members)| {
                members.sort_by(|a, b| {
                    let pr = |n: &Node| n.metrics.map_or(0.0, |m| m.pagerank);
                    pr(b).total_cmp(&pr(a)).then_with(|| a.id.cmp(&b.id))
                });
                Community {
                    id,
                    members: members.iter().map(|n| n.id.clone()).collect(),
                    labels: members.iter().map(|n| n.label.clone()).collect(),
                }
            })
            .collect();
        communities.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then(a.id.cmp(&b.id)));
        let ranked_edges = |kind: EdgeKind| {
            let mut v: Vec<RankedEdge> = g
                .edges()
                .filter(|(_, _, e)| e.kind == kind)
                .map(|(s, t, e)| RankedEdge {
                    source: s.id.clone(),
                    target: t.id.clone(),
                    source_label: s.label.clone(),
                    target_label: t.label.clone(),
                    relation: e.relation.as_ref().map(|r| {
                        let mut flags = vec![r.modality.clone()];
                        if r.negated {
                            flags.insert(0, "negated".into());
                        }
                        if r.reversed {
                            flags.push("reversed".into());
                        }
                        format!("{} ({})", r.relation, flags.join(", "))
                    }),
                    weight: e.weight,
                    documents: e.documents,
                    npmi: e.measures.map(|m| m.npmi),
                })
                .collect();
            v.sort_by(|a, b| {
                b.weight.cmp(&a.weight).then_with(|| {
                    (&a.source, &a.target, &a.relation).cmp(&(&b.source, &b.target, &b.relation))
                })
            });
            v.truncate(top);
            v
        };
        Report {
            totals,
            window: g.window.name(),
            modularity: g.modularity,
            types,
            top: rankings,
            communities,
            cooccurrences: ranked_edges(EdgeKind::Cooccurrence),
            relations: ranked_edges(EdgeKind::Relation),
        }
    }

    /// Writes the report as text for a terminal.
    pub fn write_text<W: Write>(&self, mut w: W) -> io::Result<()> {
        let t = &self.totals;
        write!(
            w,
            "{} documents, {} mentions, {} entities, {} co-occurrence edges ({} window), {} relation edges",
            t["documents"],
            t["mentions"],
            t["nodes"],
            t["cooccurrence_edges"],
            self.window,
            t["relation_edges"]
        )?;
        match self.modularity {
            Some(q) => writeln!(
                w,
                "; {} communities, modularity {q:.3}",
                self.communities.len()
            )?,
            None => writeln!(w)?,
        }
        writeln!(w, "\nEntities by type:")?;
        for (kind, (nodes, mentions)) in &self.types {
            writeln!(w, "  {kind:<14} {nodes:>5} entities {mentions:>7} mentions")?;
        }
        for (metric, ranked) in &self.top {
            writeln!(w, "\nTop by {}:", metric.replace('_', " "))?;
            for (i, r) in ranked.iter().enumerate() {
                writeln!(
                    w,
                    "  {:>2}. {:<40} {}",
                    i + 1,
                    format!("{} ({})", r.label, r.id),
                    show(r.value)
                )?;
            }
        }
        if !self.communities.is_empty() {
            writeln!(w, "\nCommunities (most central members first):")?;
            for c in &self.communities {
                let shown: Vec<&str> = c.labels.iter().take(12).map(String::as_str).collect();
                let more = c.labels.len().saturating_sub(shown.len());
                let tail = if more > 0 {
                    format!(", and {more} more")
                } else {
                    String::new()
                };
                writeln!(
                    w,
                    "  {:>2} ({} members): {}{}",
                    c.id,
                    c.members.len(),
                    shown.join(", "),
                    tail
                )?;
            }
        }
        writeln!(w, "\nStrongest co-occurrences (windows, documents, NPMI):")?;
        for e in &self.cooccurrences {
            let npmi = e.npmi.map_or(String::new(), |n| format!("{n:.2}"));
            writeln!(
                w,
                "  {:<52} {:>5} {:>4} {:>6}",
                format!("{} -- {}", e.source_label, e.target_label),
                e.weight,
                e.documents,
                npmi
            )?;
        }
        if !self.relations.is_empty() {
            writeln!(w, "\nMost stated relations (statements, documents):")?;
            for e in &self.relations {
                writeln!(
                    w,
                    "  {:<72} {:>5} {:>4}",
                    format!(
                        "{} -> {}: {}",
                        e.source_label,
                        e.target_label,
                        e.relation.as_deref().unwrap_or_default()
                    ),
                    e.weight,
                    e.documents
                )?;
            }
        }
        Ok(())
    }

    /// Writes the report as JSON.
    pub fn write_json<W: Write>(&self, mut w: W) -> io::Result<()> {
        let num = |x: f64| {
            format_finite(x)
                .and_then(|s| s.parse::<serde_json::Number>().ok())
                .map_or(Value::Null, Value::Number)
        };
        let edges = |v: &[RankedEdge]| -> Vec<Value> {
            v.iter()
                .map(|e| {
                    json!({"source": e.source, "target": e.target, "relation": e.relation, "weight": e.weight,
                           "documents": e.documents, "npmi": e.npmi.map(num)})
                })
                .collect()
        };
        let top: serde_json::Map<String, Value> = self
            .top
            .iter()
            .map(|(m, r)| {
                let list: Vec<Value> = r
                    .iter()
                    .map(|r| json!({"id": r.id, "label": r.label, "value": num(r.value)}))
                    .collect();
                (m.to_string(), Value::Array(list))
            })
            .collect();
        let report = json!({
            "totals": self.totals,
            "window": self.window,
            "modularity": self.modularity.map(num),
            "types": self.types.iter().map(|(k, (n, m))| (k.clone(), json!({"entities": n, "mentions": m}))).collect::<serde_json::Map<_, _>>(),
            "top": top,
            "communities": self.communities.iter().map(|c| json!({"id": c.id, "members": c.members})).collect::<Vec<_>>(),
            "cooccurrences": edges(&self.cooccurrences),
            "relations": edges(&self.relations),
        });
        serde_json::to_writer_pretty(&mut w, &report)?;
        writeln!(w)
    }

    /// Writes the report as CSV in long format: `Section,Rank,Id,Label,Value`, where an edge's
    /// id is `source--target` (co-occurrence) or `source->target` (relation).
    pub fn write_csv<W: Write>(&self, w: W) -> io::Result<()> {
        let mut out = ::csv::Writer::from_writer(w);
        out.write_record(["Section", "Rank", "Id", "Label", "Value"])?;
        let cell = |s: &str| super::csv::text_cell(s, true);
        for (k, v) in &self.totals {
            out.write_record(["total", "", k, "", &v.to_string()])?;
        }
        if let Some(q) = self.modularity.and_then(format_finite) {
            out.write_record(["total", "", "modularity", "", &q])?;
        }
        for (kind, (nodes, mentions)) in &self.types {
            out.write_record(["type_entities", "", &cell(kind), "", &nodes.to_string()])?;
            out.write_record(["type_mentions", "", &cell(kind), "", &mentions.to_string()])?;
        }
        for (metric, ranked) in &self.top {
            for (i, r) in ranked.iter().enumerate() {
                let value = format_finite(r.value).unwrap_or_default();
                out.write_record([
                    &format!("top_{metric}"),
                    &(i + 1).to_string(),
                    &cell(&r.id),
                    &cell(&r.label),
                    &value,
                ])?;
            }
        }
        for c in &self.communities {
            for (i, (id, label)) in c.members.iter().zip(&c.labels).enumerate() {
                out.write_record([
                    "community",
                    &(i + 1).to_string(),
                    &cell(id),
                    &cell(label),
                    &c.id.to_string(),
                ])?;
            }
        }
        for (section, list, sep) in [
            ("cooccurrence", &self.cooccurrences, "--"),
            ("relation", &self.relations, "->"),
        ] {
            for (i, e) in list.iter().enumerate() {
                let label = match &e.relation {
                    Some(r) => format!("{} {sep} {}: {r}", e.source_label, e.target_label),
                    None => format!("{} {sep} {}", e.source_label, e.target_label),
                };
                out.write_record([
                    section,
                    &(i + 1).to_string(),
                    &cell(&format!("{}{sep}{}", e.source, e.target)),
                    &cell(&label),
                    &e.weight.to_string(),
                ])?;
            }
        }
        out.flush()
    }
}

/// A metric value for the text report: integers as integers, fractions to four places.
fn show(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Document;
    use crate::dictionary::Builder;
    use crate::pipeline::{BuildOptions, Pipeline};

    fn report() -> Report {
        let mut b = Builder::default();
        b.add_csv("t.csv", "id,type,label,aliases\njp,country,Japan,Tokyo\nkr,country,South Korea,Seoul\nmoon,person,Moon Jae-in,\n")
            .unwrap();
        let p = Pipeline::new(b.finish().unwrap(), BuildOptions::default()).unwrap();
        let docs = vec![
            Ok(Document::new(
                "a",
                "Japan placed export controls on South Korea. Moon Jae-in and Seoul replied.",
            )),
            Ok(Document::new("b", "Tokyo and Seoul. Japan.")),
        ];
        Report::new(&p.run(docs, |_, _, _| Ok(())).unwrap(), 5)
    }

    #[test]
    fn report_ranks_and_groups() {
        let r = report();
        assert_eq!(r.totals["documents"], 2);
        assert_eq!(r.types["country"], (2, 6));
        let mentions = &r.top.iter().find(|(m, _)| *m == "mentions").unwrap().1;
        // A tie (3 each) goes to the smaller id.
        assert_eq!((mentions[0].id.as_str(), mentions[0].value), ("jp", 3.0));
        assert_eq!((mentions[1].id.as_str(), mentions[1].value), ("kr", 3.0));
        assert_eq!(r.cooccurrences[0].source, "jp");
        assert_eq!(r.cooccurrences[0].weight, 2);
        assert_eq!(
            r.relations[0].relation.as_deref(),
            Some("restricts_trade (asserted)")
        );
        assert!(!r.communities.is_empty());
    }

    #[test]
    fn every_rendering_is_readable() {
        let r = report();
        let mut text = Vec::new();
        r.write_text(&mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.starts_with("2 documents, 7 mentions, 3 entities"),
            "{text}"
        );
        assert!(text.contains("Top by pagerank:"), "{text}");
        let mut json = Vec::new();
        r.write_json(&mut json).unwrap();
        let v: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["totals"]["nodes"], 3);
        let mut csv = Vec::new();
        r.write_csv(&mut csv).unwrap();
        let mut rdr = ::csv::Reader::from_reader(&csv[..]);
        let rows: Vec<::csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        assert!(
            rows.iter()
                .any(|row| &row[0] == "top_mentions" && &row[2] == "jp" && &row[4] == "3")
        );
        assert!(
            rows.iter()
                .any(|row| &row[0] == "relation" && &row[2] == "jp->kr")
        );
    }
}
