//! CSV: `nodes.csv`, `edges.csv` and `mentions.csv`, for Gephi's spreadsheet importer,
//! pandas and spreadsheets.
//!
//! This module owns the three CSV writers and the cleaning of CSV cells. Files are UTF-8
//! without a byte-order mark, quoted as RFC 4180 says (a field holding a comma, a quote or a
//! line break is quoted, quotes doubled), with `\n` line ends rather than RFC 4180's CRLF
//! (every CSV reader accepts both). Column names are Gephi's:
//!
//! - `nodes.csv`: `Id,Label,Type,Mentions,Documents,Windows,FirstSeen,LastSeen`, the node
//!   metrics `Degree,WeightedDegree,PageRank,Betweenness,BetweennessWeighted,Community`
//!   (empty when the graph was not analysed), then one column per dictionary attribute found
//!   on any node, in name order. An attribute whose
//!   name equals (ignoring case, as Gephi compares) a column before it gets a suffix `_2`.
//! - `edges.csv`: `Source,Target,Type,Weight,Kind,Relation,Documents,PMI,NPMI,Jaccard,Dice,
//!   Negated,Modality,Reversed,FirstSeen,LastSeen`; with a timeline (`--by`), both files end
//!   with an `Interval` column in Gephi's notation, `<[2019-07-01, 2019-07-31]; ...>`, the
//!   periods in which the node or edge was seen; `Type` is `Undirected` for co-occurrence
//!   and `Directed` for relation edges. A cell that does not apply to the edge's kind is
//!   empty, and so is a measure that is not finite.
//! - `mentions.csv`, written as the documents stream by ([`MentionsWriter`]):
//!   `Document,Date,Entity,Label,Type,Kind,Surface,Sentence,Paragraph,Start,End,CharStart,
//!   CharEnd,Source`, one row per mention.
//! - `evidence.csv`, written the same way ([`EvidenceWriter`]): `Document,Date,Sentence,
//!   Source,Target,Relation,Negated,Modality,Reversed,Rule,SourceStart,SourceEnd,
//!   TargetStart,TargetEnd,TriggerStart,TriggerEnd,Trigger,Text`, one row per statement of a
//!   relation, with byte offsets of both mentions and the trigger and the sentence's text. `Start`/`End` are byte offsets and
//!   `CharStart`/`CharEnd` character offsets into the document's text.
//!
//! Text cells (never numeric ones) lose C0 control characters other than tab, line feed and
//! carriage return, and the noncharacters U+FFFE and U+FFFF (the characters XML forbids, so
//! that every output cleans text the same way). With [`ExportOptions::csv_formula_guard`] (the default), a text cell,
//! header cells included, that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
//! gets a leading `'`, so that a spreadsheet shows it instead of running it as a formula
//! (the OWASP guidance on CSV injection); the guard applies after the cleaning. Numbers are
//! never changed, so a negative PMI stays a number. Note that Gephi's importer treats `\`
//! as an escape character, which no RFC 4180 reader does.
//!
//! This module does not choose the directory or the file names; the caller does.

use std::io;

use ::csv::{Terminator, Writer, WriterBuilder};

use super::{ExportOptions, attribute_names, format_finite, unique_names};
use crate::analysis::NodeMetrics;
use crate::corpus::Document;
use crate::dictionary::Dictionary;
use crate::graph::{EdgeKind, KnowledgeGraph};
use crate::relations::Relation;
use crate::tagger::Mention;

/// The first columns of `nodes.csv`; dictionary attributes follow.
pub const NODE_COLUMNS: &[&str] = &[
    "Id",
    "Label",
    "Type",
    "Mentions",
    "Documents",
    "Windows",
    "FirstSeen",
    "LastSeen",
    "Degree",
    "WeightedDegree",
    "PageRank",
    "Betweenness",
    "BetweennessWeighted",
    "Community",
];

/// The columns of `edges.csv`.
pub const EDGE_COLUMNS: &[&str] = &[
    "Source",
    "Target",
    "Type",
    "Weight",
    "Kind",
    "Relation",
    "Documents",
    "PMI",
    "NPMI",
    "Jaccard",
    "Dice",
    "Negated",
    "Modality",
    "Reversed",
    "FirstSeen",
    "LastSeen",
];

/// The columns of `mentions.csv`.
pub const MENTION_COLUMNS: &[&str] = &[
    "Document",
    "Date",
    "Entity",
    "Label",
    "Type",
    "Kind",
    "Surface",
    "Sentence",
    "Paragraph",
    "Start",
    "End",
    "CharStart",
    "CharEnd",
    "Source",
];

fn writer<W: io::Write>(w: W) -> Writer<W> {
    WriterBuilder::new()
        .terminator(Terminator::Any(b'\n'))
        .from_writer(w)
}

/// Cleans a text cell and, when `guard` is set, neutralises a formula (see the module
/// documentation).
pub fn text_cell(s: &str, guard: bool) -> String {
    // Nearly every cell needs no change: check the bytes (every character dropped below is
    // either an ASCII control or starts with the byte 0xEF) and copy it in one go.
    let clean = !s
        .bytes()
        .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF);
    if clean && !(guard && s.starts_with(['=', '+', '-', '@', '\t', '\r'])) {
        return s.to_string();
    }
    let mut out: String = s
        .chars()
        .filter(|&c| {
            !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
        })
        .collect();
    if guard && out.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        out.insert(0, '\'');
    }
    out
}

/// Writes `nodes.csv` for `g` to `w`: every node, whatever edges `opts` selects.
pub fn write_nodes<W: io::Write>(g: &KnowledgeGraph, opts: &ExportOptions, w: W) -> io::Result<()> {
    let guard = opts.csv_formula_guard;
    let names = attribute_names(g);
    // Clean before making names unique, so that two names cannot meet once cleaned.
    let columns = unique_names(&names, NODE_COLUMNS, |s| text_cell(s, false));
    let mut wtr = writer(w);
    let mut header: Vec<String> = NODE_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .chain(columns.iter().map(|c| text_cell(c, guard)))
        .collect();
    if g.timeline.is_some() {
        header.push("Interval".to_string());
    }
    wtr.write_record(&header)?;
    for (index, n) in g.nodes().enumerate() {
        let mut row = vec![
            text_cell(&n.id, guard),
            text_cell(&n.label, guard),
            text_cell(&n.kind, guard),
            n.mentions.to_string(),
            n.documents.to_string(),
            n.windows.to_string(),
            n.first_seen.map(|d| d.to_string()).unwrap_or_default(),
            n.last_seen.map(|d| d.to_string()).unwrap_or_default(),
        ];
        row.extend(metric_cells(n.metrics.as_ref()));
        for name in &names {
            row.push(
                n.attributes
                    .get(*name)
                    .map(|v| text_cell(v, guard))
                    .unwrap_or_default(),
            );
        }
        if let Some(t) = &g.timeline {
            row.push(t.intervals(&t.nodes[index]));
        }
        wtr.write_record(&row)?;
    }
    wtr.flush()
}

/// The metric cells of a node, empty when it was not analysed (or a value is not finite).
fn metric_cells(m: Option<&NodeMetrics>) -> [String; 6] {
    let f = |x: f64| format_finite(x).unwrap_or_default();
    match m {
        None => Default::default(),
        Some(m) => [
            m.degree.to_string(),
            f(m.weighted_degree),
            f(m.pagerank),
            f(m.betweenness),
            f(m.betweenness_weighted),
            m.community.to_string(),
        ],
    }
}

/// Writes `edges.csv` for `g` to `w`: the edges `opts` selects, in the graph's order.
pub fn write_edges<W: io::Write>(g: &KnowledgeGraph, opts: &ExportOptions, w: W) -> io::Result<()> {
    let guard = opts.csv_formula_guard;
    let mut wtr = writer(w);
    let mut header: Vec<&str> = EDGE_COLUMNS.to_vec();
    if g.timeline.is_some() {
        header.push("Interval");
    }
    wtr.write_record(&header)?;
    let edges = g
        .edges()
        .enumerate()
        .filter(|(_, (_, _, e))| opts.edges.includes(e.kind));
    for (index, (s, t, e)) in edges {
        let float = |f: f64| format_finite(f).unwrap_or_default();
        let (pmi, npmi, jaccard, dice) = match &e.measures {
            Some(m) => (float(m.pmi), float(m.npmi), float(m.jaccard), float(m.dice)),
            None => Default::default(),
        };
        let (relation, negated, modality, reversed) = match &e.relation {
            Some(r) => (
                text_cell(&r.relation, guard),
                r.negated.to_string(),
                text_cell(&r.modality, guard),
                r.reversed.to_string(),
            ),
            None => Default::default(),
        };
        let direction = match e.kind {
            EdgeKind::Cooccurrence => "Undirected",
            EdgeKind::Relation => "Directed",
        };
        let mut row = vec![
            text_cell(&s.id, guard),
            text_cell(&t.id, guard),
            direction.to_string(),
            e.weight.to_string(),
            e.kind.name().to_string(),
            relation,
            e.documents.to_string(),
            pmi,
            npmi,
            jaccard,
            dice,
            negated,
            modality,
            reversed,
            e.first_seen.map(|d| d.to_string()).unwrap_or_default(),
            e.last_seen.map(|d| d.to_string()).unwrap_or_default(),
        ];
        if let Some(t) = &g.timeline {
            row.push(t.intervals(&t.edges[index]));
        }
        wtr.write_record(&row)?;
    }
    wtr.flush()
}

/// Writes `mentions.csv` one mention at a time, so a corpus never has to be held in memory.
///
/// ```
/// use kgraph::export::{ExportOptions, csv::MentionsWriter};
///
/// let w = MentionsWriter::new(Vec::new(), &ExportOptions::default())?;
/// let bytes = w.finish()?;
/// assert!(bytes.starts_with(b"Document,Date,Entity,Label,Type,Kind,Surface,"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct MentionsWriter<W: io::Write> {
    wtr: Writer<W>,
    guard: bool,
}

impl<W: io::Write> MentionsWriter<W> {
    /// Starts `mentions.csv` on `w` and writes the header.
    pub fn new(w: W, opts: &ExportOptions) -> io::Result<Self> {
        let mut wtr = writer(w);
        wtr.write_record(MENTION_COLUMNS)?;
        Ok(MentionsWriter {
            wtr,
            guard: opts.csv_formula_guard,
        })
    }

    /// Writes one mention of `doc`, whose entity is looked up in `dict`. A mention whose
    /// entity is not in `dict`, or whose offsets do not fall on character boundaries of
    /// the text, is an [`io::ErrorKind::InvalidInput`] error.
    pub fn write(&mut self, doc: &Document, dict: &Dictionary, m: &Mention) -> io::Result<()> {
        let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidInput, what);
        let entity = dict.entities.get(m.entity as usize).ok_or_else(|| {
            invalid(format!(
                "{}: mention of entity {} which is not in the dictionary",
                doc.id, m.entity
            ))
        })?;
        let surface = doc.text.get(m.start..m.end).ok_or_else(|| {
            invalid(format!(
                "{}: mention at bytes {}..{} is outside the text",
                doc.id, m.start, m.end
            ))
        })?;
        let guard = self.guard;
        self.wtr.write_record([
            text_cell(&doc.id, guard),
            doc.date.map(|d| d.to_string()).unwrap_or_default(),
            text_cell(&entity.id, guard),
            text_cell(&entity.label, guard),
            text_cell(&entity.kind, guard),
            m.kind.name().to_string(),
            text_cell(surface, guard),
            m.sentence.to_string(),
            m.paragraph.to_string(),
            m.start.to_string(),
            m.end.to_string(),
            m.char_start.to_string(),
            m.char_end.to_string(),
            text_cell(&doc.source, guard),
        ])?;
        Ok(())
    }

    /// Flushes what is buffered and gives the underlying writer back.
    pub fn finish(self) -> io::Result<W> {
        self.wtr.into_inner().map_err(|e| e.into_error())
    }
}

/// The columns of `evidence.csv`.
pub const EVIDENCE_COLUMNS: &[&str] = &[
    "Document",
    "Date",
    "Sentence",
    "Source",
    "Target",
    "Relation",
    "Negated",
    "Modality",
    "Reversed",
    "Rule",
    "SourceStart",
    "SourceEnd",
    "TargetStart",
    "TargetEnd",
    "TriggerStart",
    "TriggerEnd",
    "Trigger",
    "Text",
];

/// Writes `evidence.csv` as documents stream by: one row per stated relation, with the
/// byte offsets of both mentions and of the trigger in the document's text, the rule that
/// fired and the sentence.
pub struct EvidenceWriter<W: io::Write> {
    wtr: Writer<W>,
    guard: bool,
}

impl<W: io::Write> EvidenceWriter<W> {
    /// Starts `evidence.csv` on `w` and writes the header.
    pub fn new(w: W, opts: &ExportOptions) -> io::Result<Self> {
        let mut wtr = writer(w);
        wtr.write_record(EVIDENCE_COLUMNS)?;
        Ok(EvidenceWriter {
            wtr,
            guard: opts.csv_formula_guard,
        })
    }

    /// Writes one relation found in `doc`; `sentence` is its sentence's text and `rule` the
    /// id of the rule that fired.
    pub fn write(
        &mut self,
        doc: &Document,
        dict: &Dictionary,
        r: &Relation,
        rule: &str,
        sentence: &str,
    ) -> io::Result<()> {
        let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidInput, what);
        let id = |e: u32| {
            dict.entities
                .get(e as usize)
                .map(|e| e.id.as_str())
                .ok_or_else(|| {
                    invalid(format!(
                        "{}: relation of entity {e} which is not in the dictionary",
                        doc.id
                    ))
                })
        };
        let trigger = doc
            .text
            .get(r.trigger.clone())
            .ok_or_else(|| invalid(format!("{}: trigger outside the text", doc.id)))?;
        let g = self.guard;
        self.wtr.write_record([
            text_cell(&doc.id, g),
            doc.date.map(|d| d.to_string()).unwrap_or_default(),
            r.sentence.to_string(),
            text_cell(id(r.subject)?, g),
            text_cell(id(r.object)?, g),
            text_cell(&r.attrs.relation, g),
            r.attrs.negated.to_string(),
            text_cell(&r.attrs.modality, g),
            r.attrs.reversed.to_string(),
            text_cell(rule, g),
            r.subject_span.start.to_string(),
            r.subject_span.end.to_string(),
            r.object_span.start.to_string(),
            r.object_span.end.to_string(),
            r.trigger.start.to_string(),
            r.trigger.end.to_string(),
            text_cell(trigger, g),
            text_cell(sentence, g),
        ])?;
        Ok(())
    }

    /// Flushes what is buffered and gives the underlying writer back.
    pub fn finish(self) -> io::Result<W> {
        self.wtr.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::corpus::Date;
    use crate::dictionary::{AliasKind, Entity};
    use crate::error::Location;
    use crate::export::EdgeSelection;
    use crate::export::testgraph::{check_golden, small};

    fn nodes(opts: &ExportOptions) -> String {
        let mut out = Vec::new();
        write_nodes(&small(), opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn edges(opts: &ExportOptions) -> String {
        let mut out = Vec::new();
        write_edges(&small(), opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn read(text: &str) -> Vec<Vec<String>> {
        ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn golden_small() {
        check_golden(
            "small.nodes.csv",
            nodes(&ExportOptions::default()).as_bytes(),
        );
        check_golden(
            "small.edges.csv",
            edges(&ExportOptions::default()).as_bytes(),
        );
    }

    #[test]
    fn cells() {
        assert_eq!(text_cell("=1+1", true), "'=1+1");
        assert_eq!(text_cell("+82", true), "'+82");
        assert_eq!(text_cell("-5%", true), "'-5%");
        assert_eq!(text_cell("@SUM(A1)", true), "'@SUM(A1)");
        assert_eq!(text_cell("\tx", true), "'\tx");
        assert_eq!(text_cell("\rx", true), "'\rx");
        assert_eq!(text_cell("=1+1", false), "=1+1");
        assert_eq!(text_cell("a=b", true), "a=b");
        // Cleaning comes first, so a control character cannot hide a formula.
        assert_eq!(text_cell("\u{0}\u{7}=cmd", true), "'=cmd");
        assert_eq!(text_cell("nul\u{0}bell\u{7}\nlf", false), "nulbell\nlf");
    }

    #[test]
    fn nodes_table() {
        let text = nodes(&ExportOptions::default());
        assert!(!text.starts_with('\u{FEFF}'));
        // Records end in a bare line feed (a CR LF inside a quoted label is data).
        assert!(text.ends_with("\n") && !text.ends_with("\r\n"));
        assert!(text.lines().all(|l| !l.ends_with(",\r")));
        let rows = read(&text);
        assert_eq!(
            rows[0],
            [
                "Id",
                "Label",
                "Type",
                "Mentions",
                "Documents",
                "Windows",
                "FirstSeen",
                "LastSeen",
                "Degree",
                "WeightedDegree",
                "PageRank",
                "Betweenness",
                "BetweennessWeighted",
                "Community",
                "'=risk",
                "Label_2",
                "iso",
                "note",
                "party name",
                "party_name",
                "xy",
                "名前"
            ]
        );
        assert_eq!(rows.len(), 9);
        assert!(rows.iter().all(|r| r.len() == 22));
        let jp = rows.iter().find(|r| r[0] == "jp").unwrap();
        assert_eq!(jp[1], "Japan <&> \"Nippon\" 'JP'");
        assert_eq!(jp[18], "'=HYPERLINK(\"http://example.com\")");
        let kr = rows.iter().find(|r| r[0] == "kr").unwrap();
        assert_eq!(kr[1], "South Korea\\");
        assert_eq!(kr[19], "'\ttab first");
        let moon = rows.iter().find(|r| r[0] == "node").unwrap();
        assert_eq!(moon[1], "Moon\nJae-in\t(NUL bell esc del\u{7f})");
        let us = rows.iter().find(|r| r[0] == "us.gov-1").unwrap();
        assert_eq!(us[1], "Washington, D.C.\r\nsecond line\rthird");
        let strict = rows.iter().find(|r| r[0] == "strict").unwrap();
        assert_eq!(strict[6], "");
        // The hand-made graph was not analysed: its metric cells are empty.
        assert!(strict[8..14].iter().all(String::is_empty));
        assert_eq!(strict[16], "");
        let unguarded = read(&nodes(&ExportOptions {
            csv_formula_guard: false,
            ..ExportOptions::default()
        }));
        assert_eq!(unguarded[0][14], "=risk");
        let jp = unguarded.iter().find(|r| r[0] == "jp").unwrap();
        assert_eq!(jp[18], "=HYPERLINK(\"http://example.com\")");
    }

    #[test]
    fn edges_table() {
        let rows = read(&edges(&ExportOptions::default()));
        assert_eq!(rows[0], EDGE_COLUMNS);
        assert_eq!(rows.len(), 5);
        assert!(rows.iter().all(|r| r.len() == EDGE_COLUMNS.len()));
        // Co-occurrence with measures that are not finite: empty cells; -0 is 0.
        assert_eq!(
            rows[1],
            [
                "graph",
                "node",
                "Undirected",
                "1",
                "cooccurrence",
                "",
                "1",
                "",
                "",
                "0.2",
                "0",
                "",
                "",
                "",
                "2019-07-02",
                "2019-07-02"
            ]
        );
        assert_eq!(
            &rows[4][..7],
            [
                "jp",
                "kr",
                "Directed",
                "2",
                "relation",
                "restricts_trade",
                "2"
            ]
        );
        assert_eq!(
            &rows[4][7..14],
            ["", "", "", "", "true", "threatened", "false"]
        );
        let rel = read(&edges(&ExportOptions {
            edges: EdgeSelection::Relations,
            ..ExportOptions::default()
        }));
        assert_eq!(rel.len(), 3);
        assert!(rel[1..].iter().all(|r| r[2] == "Directed"));
        let cooc = read(&edges(&ExportOptions {
            edges: EdgeSelection::Cooccurrence,
            ..ExportOptions::default()
        }));
        assert_eq!(cooc.len(), 3);
        assert!(cooc[1..].iter().all(|r| r[2] == "Undirected"));
    }

    #[test]
    fn mentions_stream() {
        let mut dict = Dictionary::default();
        dict.entities.push(Entity {
            id: "jp".to_string(),
            kind: "country".to_string(),
            label: "Japan".to_string(),
            aliases: Vec::new(),
            exclude: Vec::new(),
            roles: Vec::new(),
            attributes: BTreeMap::new(),
            origin: Location::file("<test>"),
        });
        let mut doc = Document::new("-doc,1", "Café: \"Japan\" and =Japan.");
        doc.date = Date::new(2019, 7, 1);
        doc.source = "=cmd|' /C calc'!A0".to_string();
        let start = doc.text.find("Japan").unwrap();
        let m = Mention {
            entity: 0,
            kind: AliasKind::Name,
            start,
            end: start + 5,
            char_start: doc.text[..start].chars().count(),
            char_end: doc.text[..start].chars().count() + 5,
            sentence: 0,
            paragraph: 0,
        };
        let mut w = MentionsWriter::new(Vec::new(), &ExportOptions::default()).unwrap();
        w.write(&doc, &dict, &m).unwrap();
        let bad = Mention {
            entity: 7,
            ..m.clone()
        };
        let err = w.write(&doc, &dict, &bad).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let split = Mention {
            start: 4,
            end: 5,
            ..m.clone()
        };
        assert!(w.write(&doc, &dict, &split).is_err(), "offset inside 'é'");
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        let rows = read(&text);
        assert_eq!(rows[0], MENTION_COLUMNS);
        assert_eq!(
            rows[1],
            [
                "'-doc,1",
                "2019-07-01",
                "jp",
                "Japan",
                "country",
                "name",
                "Japan",
                "0",
                "0",
                "8",
                "13",
                "7",
                "12",
                "'=cmd|' /C calc'!A0"
            ]
        );
        assert_eq!(rows.len(), 2);
    }
}
