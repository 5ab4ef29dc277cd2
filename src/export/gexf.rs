//! GEXF 1.3: Gephi's own format, with the document dates as time spells.
//!
//! This module owns the GEXF writer. The output is valid against the GEXF 1.3 RELAX NG schema
//! (`gexf.rng` with `viz.rng` and `dynamics.rng`); the root carries no `xsi:schemaLocation`,
//! which that schema rejects. XML escaping is GraphML's ([`super::graphml`]): the same
//! characters are dropped and the same ones written as references.
//!
//! Time: when any node or edge has a document date, the graph is `mode="dynamic"` with
//! `timeformat="date"`, and each node and edge carries `start` and `end`, its first and last
//! document date, the spell Gephi's timeline plays. An element without dates has no spell and
//! is present throughout. `<meta lastmodifieddate>` is the latest document date in the graph
//! (left out when there is none), not the time of writing, so the same graph always gives the
//! same bytes.
//!
//! Direction: with [`EdgeSelection::All`] the graph is mixed, so there is no
//! `defaultedgetype` (Gephi would drop every directed edge of a graph declared undirected) and
//! every edge says `type="directed"` or `type="undirected"`. With only co-occurrence edges the
//! graph is `defaultedgetype="undirected"`, with only relations `defaultedgetype="directed"`,
//! and edges carry no `type`. NetworkX's `read_gexf` reads those two; it rejects any mixed
//! graph, whatever the file says.
//!
//! Parallel edges: Gephi merges edges of one kind between the same two nodes, so every edge
//! has a GEXF 1.3 `kind` that tells it from its neighbours: `cooccurrence` for a co-occurrence
//! edge, and for a relation its type, followed by its flags in parentheses when it is
//! negated, reversed or not asserted (`restricts_trade (negated, threatened)`). Relation
//! edges are keyed by exactly those fields, so no two edges of the graph share source,
//! target and kind. A relation edge is labelled with its relation type.
//!
//! Data: every value is an `<attvalue>` of a declared, typed `<attribute>`. Nodes have `type`,
//! `mentions`, `documents`, `windows`, the metrics when they were computed (`degree`,
//! `weighted_degree`, `pagerank`, `betweenness`, `betweenness_weighted`, `community`) and
//! each dictionary attribute; edges have `kind`, `count`, `documents`, and the measures or
//! the relation and its flags. A dictionary attribute's title is its name, with characters
//! XML forbids dropped and a suffix `_2`, `_3`, ... when it would clash, ignoring case, with
//! a built-in title, with a key NetworkX's reader adds to node data (`label`, `start`, `viz`,
//! ...) or with another attribute; its id is `attr_` and the name with anything but letters,
//! digits, `-`, `_` and `.` replaced by `_`, made unique the same way. Values that are empty
//! once cleaned, and numbers that are not finite, are left out.
//!
//! Drawing: `viz:color` is the entity type's colour (the DOT fill colour), written as `r`,
//! `g`, `b`, the only form NetworkX reads; `viz:size` grows with the mentions on a log scale,
//! from 5 to 30. There are no positions: layout is Gephi's job.
//!
//! This module does not validate its output; the tests hand it to `xmllint` and NetworkX.

use std::io::{self, Write};

use super::graphml::{attr, text};
use super::{
    EdgeSelection, ExportOptions, attribute_names, format_finite, format_float, type_rgb,
    unique_names,
};
use crate::corpus::Date;
use crate::graph::{Edge, EdgeKind, KnowledgeGraph, Node, Timeline};

/// The titles of the built-in node attributes and the keys NetworkX's reader puts in a node's
/// data, which a dictionary attribute must not take.
const NODE_TITLES: &[&str] = &[
    "id",
    "label",
    "type",
    "mentions",
    "documents",
    "windows",
    "degree",
    "weighted_degree",
    "pagerank",
    "betweenness",
    "betweenness_weighted",
    "community",
    "start",
    "end",
    "spells",
    "viz",
    "pid",
    "parents",
];

/// The smallest and largest `viz:size`.
const MIN_SIZE: f64 = 5.0;
const MAX_SIZE: f64 = 30.0;

/// One `<attribute>` declaration.
struct Attribute {
    id: String,
    title: String,
    ty: &'static str,
}

impl Attribute {
    fn new(id: &str, ty: &'static str) -> Attribute {
        Attribute {
            id: id.to_string(),
            title: id.to_string(),
            ty,
        }
    }
}

/// Writes `g` as GEXF 1.3 to `w`, with the edges `opts` selects.
pub fn write_gexf<W: io::Write>(g: &KnowledgeGraph, opts: &ExportOptions, w: W) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    let selection = opts.edges;
    let cooccurrence = selection.includes(EdgeKind::Cooccurrence);
    let relations = selection.includes(EdgeKind::Relation);
    let dynamic = g
        .nodes()
        .any(|n| n.first_seen.is_some() || n.last_seen.is_some())
        || g.edges()
            .any(|(_, _, e)| e.first_seen.is_some() || e.last_seen.is_some());
    let latest: Option<Date> = g
        .nodes()
        .filter_map(|n| n.last_seen)
        .chain(g.edges().filter_map(|(_, _, e)| e.last_seen))
        .max();
    let max_mentions = g.nodes().map(|n| n.mentions).max().unwrap_or(0);

    let names = attribute_names(g);
    let titles = unique_names(&names, NODE_TITLES, title);
    let ids = unique_names(&names, &[], |s| format!("attr_{}", id_token(s)));

    let mut node_attributes = vec![
        Attribute::new("type", "string"),
        Attribute::new("mentions", "long"),
        Attribute::new("documents", "long"),
        Attribute::new("windows", "long"),
        Attribute::new("degree", "integer"),
        Attribute::new("weighted_degree", "double"),
        Attribute::new("pagerank", "double"),
        Attribute::new("betweenness", "double"),
        Attribute::new("betweenness_weighted", "double"),
        Attribute::new("community", "integer"),
    ];
    for (id, title) in ids.iter().zip(&titles) {
        node_attributes.push(Attribute {
            id: id.clone(),
            title: title.clone(),
            ty: "string",
        });
    }
    let mut edge_attributes = vec![Attribute::new("kind", "string")];
    if relations {
        edge_attributes.push(Attribute::new("relation", "string"));
    }
    edge_attributes.push(Attribute::new("count", "long"));
    edge_attributes.push(Attribute::new("documents", "long"));
    if cooccurrence {
        for m in ["pmi", "npmi", "jaccard", "dice"] {
            edge_attributes.push(Attribute::new(m, "double"));
        }
    }
    if relations {
        edge_attributes.push(Attribute::new("negated", "boolean"));
        edge_attributes.push(Attribute::new("modality", "string"));
        edge_attributes.push(Attribute::new("reversed", "boolean"));
    }

    writeln!(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        w,
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" version=\"1.3\">"
    )?;
    match latest {
        Some(d) => writeln!(w, "  <meta lastmodifieddate=\"{d}\">")?,
        None => writeln!(w, "  <meta>")?,
    }
    writeln!(w, "    <creator>kgraph</creator>")?;
    let selection_name = match selection {
        EdgeSelection::All => "co-occurrence (undirected) and relation (directed) edges",
        EdgeSelection::Cooccurrence => "co-occurrence edges only",
        EdgeSelection::Relations => "relation edges only",
    };
    let mut description = format!(
        "kgraph knowledge graph: nodes are dictionary entities; co-occurrence edges count the \
         {} windows holding both entities, relation edges count the statements of a relation; \
         {selection_name}; {} documents, {} windows, {} mentions",
        g.window.name(),
        g.totals.documents,
        g.totals.windows,
        g.totals.mentions
    );
    if let Some(q) = g.modularity.and_then(format_finite) {
        description.push_str(&format!("; modularity {q}"));
    }
    writeln!(w, "    <description>{}</description>", text(&description))?;
    writeln!(w, "  </meta>")?;

    let mut graph = String::from("  <graph");
    graph.push_str(if dynamic {
        " mode=\"dynamic\" timeformat=\"date\""
    } else {
        " mode=\"static\""
    });
    match selection {
        EdgeSelection::All => {}
        EdgeSelection::Cooccurrence => graph.push_str(" defaultedgetype=\"undirected\""),
        EdgeSelection::Relations => graph.push_str(" defaultedgetype=\"directed\""),
    }
    writeln!(w, "{graph}>")?;
    write_attributes(&mut w, "node", &node_attributes)?;
    write_attributes(&mut w, "edge", &edge_attributes)?;

    writeln!(w, "    <nodes count=\"{}\">", g.graph.node_count())?;
    let timeline = g.timeline.as_ref();
    for (ni, n) in g.nodes().enumerate() {
        let periods = timeline.map(|t| spells(t, &t.nodes[ni]));
        write_node(
            &mut w,
            n,
            Time::of(dynamic, periods.as_deref()),
            max_mentions,
            &names,
            &ids,
        )?;
    }
    writeln!(w, "    </nodes>")?;
    let edges: Vec<(usize, (&Node, &Node, &Edge))> = g
        .edges()
        .enumerate()
        .filter(|(_, (_, _, e))| selection.includes(e.kind))
        .collect();
    writeln!(w, "    <edges count=\"{}\">", edges.len())?;
    for (i, (ei, (s, t, e))) in edges.into_iter().enumerate() {
        let periods = timeline.map(|t| spells(t, &t.edges[ei]));
        write_edge(
            &mut w,
            i,
            s,
            t,
            e,
            Time::of(dynamic, periods.as_deref()),
            selection,
        )?;
    }
    writeln!(w, "    </edges>")?;
    writeln!(w, "  </graph>")?;
    writeln!(w, "</gexf>")?;
    w.flush()
}

fn write_attributes<W: Write>(w: &mut W, class: &str, list: &[Attribute]) -> io::Result<()> {
    writeln!(w, "    <attributes class=\"{class}\" mode=\"static\">")?;
    for a in list {
        writeln!(
            w,
            "      <attribute id=\"{}\" title=\"{}\" type=\"{}\"/>",
            attr(&a.id),
            attr(&a.title),
            a.ty
        )?;
    }
    writeln!(w, "    </attributes>")
}

/// Writes `<attvalue>` elements.
struct Values<'a, W: Write> {
    w: &'a mut W,
}

impl<W: Write> Values<'_, W> {
    /// A text value, escaped; left out when nothing is left of it.
    fn text(&mut self, id: &str, value: &str) -> io::Result<()> {
        let value = attr(value);
        if value.is_empty() {
            return Ok(());
        }
        self.raw(id, &value)
    }

    /// A value that needs no escaping (numbers, booleans).
    fn raw(&mut self, id: &str, value: &str) -> io::Result<()> {
        writeln!(
            self.w,
            "          <attvalue for=\"{}\" value=\"{value}\"/>",
            attr(id)
        )
    }

    fn float(&mut self, id: &str, value: f64) -> io::Result<()> {
        match format_finite(value) {
            Some(v) => self.raw(id, &v),
            None => Ok(()),
        }
    }
}

/// How an element's time is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Time<'a> {
    /// A static graph: no time.
    Static,
    /// `start` and `end` attributes: first and last seen.
    Dates,
    /// A `<spells>` element (already rendered): the periods seen in.
    Spells(&'a str),
}

impl<'a> Time<'a> {
    fn of(dynamic: bool, spells: Option<&'a str>) -> Time<'a> {
        match (dynamic, spells) {
            (_, Some(s)) => Time::Spells(s),
            (true, None) => Time::Dates,
            (false, None) => Time::Static,
        }
    }
}

/// The `<spells>` of a node or edge seen in these periods of a timeline (`--by`): one spell
/// a period, from its first day to its last; empty when it was seen in none.
fn spells(t: &Timeline, present: &[(usize, u64)]) -> String {
    if present.is_empty() {
        return String::new();
    }
    let mut out = String::from("        <spells>\n");
    for &(pi, _) in present {
        let start = t.periods[pi];
        out.push_str(&format!(
            "          <spell start=\"{start}\" end=\"{}\"/>\n",
            t.period.end(start)
        ));
    }
    out.push_str("        </spells>\n");
    out
}

/// ` start="..." end="..."` for the dates that are known, in a dynamic graph.
fn spell(dynamic: bool, first: Option<Date>, last: Option<Date>) -> String {
    let mut out = String::new();
    if dynamic {
        if let Some(d) = first {
            out.push_str(&format!(" start=\"{d}\""));
        }
        if let Some(d) = last {
            out.push_str(&format!(" end=\"{d}\""));
        }
    }
    out
}

fn write_node<W: Write>(
    w: &mut W,
    n: &Node,
    time: Time<'_>,
    max_mentions: u64,
    names: &[&str],
    ids: &[String],
) -> io::Result<()> {
    writeln!(
        w,
        "      <node id=\"{}\" label=\"{}\"{}>",
        attr(&n.id),
        attr(&n.label),
        // With a timeline the spells say when; otherwise first and last seen do.
        spell(time == Time::Dates, n.first_seen, n.last_seen)
    )?;
    writeln!(w, "        <attvalues>")?;
    let mut v = Values { w: &mut *w };
    v.text("type", &n.kind)?;
    v.raw("mentions", &n.mentions.to_string())?;
    v.raw("documents", &n.documents.to_string())?;
    v.raw("windows", &n.windows.to_string())?;
    if let Some(m) = &n.metrics {
        v.raw("degree", &m.degree.to_string())?;
        v.float("weighted_degree", m.weighted_degree)?;
        v.float("pagerank", m.pagerank)?;
        v.float("betweenness", m.betweenness)?;
        v.float("betweenness_weighted", m.betweenness_weighted)?;
        v.raw("community", &m.community.to_string())?;
    }
    for (name, id) in names.iter().zip(ids) {
        if let Some(value) = n.attributes.get(*name) {
            v.text(id, value)?;
        }
    }
    writeln!(w, "        </attvalues>")?;
    if let Time::Spells(spells) = time {
        w.write_all(spells.as_bytes())?;
    }
    writeln!(
        w,
        "        <viz:size value=\"{}\"/>",
        node_size(n.mentions, max_mentions)
    )?;
    let (r, g, b) = type_rgb(&n.kind);
    writeln!(w, "        <viz:color r=\"{r}\" g=\"{g}\" b=\"{b}\"/>")?;
    writeln!(w, "      </node>")
}

fn write_edge<W: Write>(
    w: &mut W,
    i: usize,
    s: &Node,
    t: &Node,
    e: &Edge,
    time: Time<'_>,
    selection: EdgeSelection,
) -> io::Result<()> {
    let mut head = format!(
        "      <edge id=\"e{i}\" source=\"{}\" target=\"{}\"",
        attr(&s.id),
        attr(&t.id)
    );
    if selection == EdgeSelection::All {
        let ty = if e.kind.directed() {
            "directed"
        } else {
            "undirected"
        };
        head.push_str(&format!(" type=\"{ty}\""));
    }
    head.push_str(&format!(" kind=\"{}\"", attr(&edge_kind(e))));
    if let Some(r) = &e.relation {
        head.push_str(&format!(" label=\"{}\"", attr(&r.relation)));
    }
    debug_assert!(e.weight > 0, "edge weights are at least 1");
    head.push_str(&format!(" weight=\"{}\"", format_float(e.weight as f64)));
    head.push_str(&spell(time == Time::Dates, e.first_seen, e.last_seen));
    writeln!(w, "{head}>")?;
    writeln!(w, "        <attvalues>")?;
    let mut v = Values { w: &mut *w };
    v.text("kind", e.kind.name())?;
    if let Some(r) = &e.relation {
        v.text("relation", &r.relation)?;
    }
    v.raw("count", &e.weight.to_string())?;
    v.raw("documents", &e.documents.to_string())?;
    if let Some(m) = &e.measures {
        v.float("pmi", m.pmi)?;
        v.float("npmi", m.npmi)?;
        v.float("jaccard", m.jaccard)?;
        v.float("dice", m.dice)?;
    }
    if let Some(r) = &e.relation {
        v.raw("negated", &r.negated.to_string())?;
        v.text("modality", &r.modality)?;
        v.raw("reversed", &r.reversed.to_string())?;
    }
    writeln!(w, "        </attvalues>")?;
    if let Time::Spells(spells) = time {
        w.write_all(spells.as_bytes())?;
    }
    writeln!(w, "      </edge>")
}

/// The GEXF `kind` of an edge (see the module documentation): unique among the edges
/// between one source and one target.
fn edge_kind(e: &Edge) -> String {
    let Some(r) = &e.relation else {
        return e.kind.name().to_string();
    };
    let mut flags = Vec::new();
    if r.negated {
        flags.push("negated");
    }
    if r.modality != "asserted" {
        flags.push(r.modality.as_str());
    }
    if r.reversed {
        flags.push("reversed");
    }
    if flags.is_empty() {
        r.relation.clone()
    } else {
        format!("{} ({})", r.relation, flags.join(", "))
    }
}

/// `viz:size` for a node: from [`MIN_SIZE`] for one mention (or none) to [`MAX_SIZE`] for
/// the most mentioned node, on a log scale, rounded to two decimals so that the bytes do not
/// hinge on the last bits of a logarithm.
fn node_size(mentions: u64, max: u64) -> String {
    let share = if max <= 1 {
        0.0
    } else {
        ((mentions.max(1) as f64).ln() / (max as f64).ln()).clamp(0.0, 1.0)
    };
    let size = MIN_SIZE + (MAX_SIZE - MIN_SIZE) * share;
    format_float((size * 100.0).round() / 100.0)
}

/// An attribute title: the name without the characters XML forbids (see
/// [`super::graphml`]'s escaping), or `_` when nothing is left.
fn title(name: &str) -> String {
    // `text` drops forbidden characters and escapes the rest; the title is escaped again
    // when written, so keep only what `text` kept, unescaped.
    let kept: String = name
        .chars()
        .filter(|&c| !text(&c.to_string()).is_empty())
        .collect();
    if kept.is_empty() {
        "_".to_string()
    } else {
        kept
    }
}

/// An attribute id: letters, digits, `-`, `_` and `.` kept, anything else `_`.
fn id_token(name: &str) -> String {
    if name.is_empty() {
        return "_".to_string();
    }
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{AnalysisOptions, annotate};
    use crate::export::testgraph::{check_golden, small};

    fn render_graph(g: &KnowledgeGraph, edges: EdgeSelection) -> String {
        let mut out = Vec::new();
        let opts = ExportOptions {
            edges,
            ..ExportOptions::default()
        };
        write_gexf(g, &opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn render(edges: EdgeSelection) -> String {
        render_graph(&small(), edges)
    }

    /// The text of the element that starts with `start`, up to its closing tag.
    fn element<'a>(xml: &'a str, start: &str, close: &str) -> &'a str {
        let from = xml
            .find(start)
            .unwrap_or_else(|| panic!("no {start} in {xml}"));
        let rest = &xml[from..];
        &rest[..rest.find(close).expect("a closing tag") + close.len()]
    }

    #[test]
    fn golden_small() {
        check_golden("small.gexf", render(EdgeSelection::All).as_bytes());
    }

    #[test]
    fn root_and_meta_are_stable_and_schema_friendly() {
        let xml = render(EdgeSelection::All);
        assert!(xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gexf xmlns=\"http://gexf.net/1.3\" \
             xmlns:viz=\"http://gexf.net/1.3/viz\" version=\"1.3\">\n"
        ));
        assert!(!xml.contains("xmlns:xsi") && !xml.contains("schemaLocation"));
        // The latest document date, not the time of writing.
        assert!(xml.contains("<meta lastmodifieddate=\"2019-08-02\">"));
        assert!(xml.contains("<creator>kgraph</creator>"));
        assert!(xml.contains("3 documents, 40 windows, 37 mentions"));
        assert!(xml.ends_with("</gexf>\n"));
        assert_eq!(xml, render(EdgeSelection::All));
    }

    #[test]
    fn an_undated_graph_is_static_and_has_no_date() {
        let mut g = small();
        for n in g.graph.node_weights_mut() {
            n.first_seen = None;
            n.last_seen = None;
        }
        for e in g.graph.edge_weights_mut() {
            e.first_seen = None;
            e.last_seen = None;
        }
        let xml = render_graph(&g, EdgeSelection::All);
        assert!(xml.contains("  <meta>\n"));
        assert!(xml.contains("<graph mode=\"static\">"));
        assert!(!xml.contains("timeformat") && !xml.contains(" start=") && !xml.contains(" end="));
    }

    #[test]
    fn dates_are_spells() {
        let xml = render(EdgeSelection::All);
        assert!(xml.contains("<graph mode=\"dynamic\" timeformat=\"date\">"));
        assert!(xml.contains(
            "<node id=\"jp\" label=\"Japan &lt;&amp;&gt; &quot;Nippon&quot; 'JP'\" \
             start=\"2019-07-01\" end=\"2019-08-02\">"
        ));
        // An undated node or edge has no spell: it is there all along.
        assert!(
            xml.contains("<node id=\"strict\" label=\"strict \u{200F}\u{5D0}\u{5D1} 🇰🇷🤝🇯🇵\">")
        );
        let signs = element(&xml, "<edge id=\"e2\"", ">");
        assert!(
            !signs.contains("start=") && !signs.contains("end="),
            "{signs}"
        );
        let restricts = element(&xml, "<edge id=\"e3\"", ">");
        assert!(
            restricts.contains(" start=\"2019-07-01\" end=\"2019-07-04\""),
            "{restricts}"
        );
    }

    #[test]
    fn direction_by_selection() {
        let all = render(EdgeSelection::All);
        assert!(!all.contains("defaultedgetype"));
        assert_eq!(all.matches("<edge id=").count(), 4);
        assert_eq!(all.matches(" type=\"undirected\"").count(), 2);
        assert_eq!(all.matches(" type=\"directed\"").count(), 2);
        assert!(all.contains("<edges count=\"4\">"));
        assert!(all.contains(
            "<edge id=\"e3\" source=\"jp\" target=\"kr\" type=\"directed\" \
             kind=\"restricts_trade (negated, threatened)\" label=\"restricts_trade\" weight=\"2\""
        ));
        assert!(all.contains(
            "<edge id=\"e1\" source=\"jp\" target=\"kr\" type=\"undirected\" \
             kind=\"cooccurrence\" weight=\"6\""
        ));

        let cooc = render(EdgeSelection::Cooccurrence);
        assert!(cooc.contains("defaultedgetype=\"undirected\""));
        assert_eq!(cooc.matches("<edge id=").count(), 2);
        assert!(!cooc.contains("\"negated\"") && cooc.contains("\"pmi\""));

        let rel = render(EdgeSelection::Relations);
        assert!(rel.contains("defaultedgetype=\"directed\""));
        assert_eq!(rel.matches("<edge id=").count(), 2);
        assert!(rel.contains(
            "<edge id=\"e0\" source=\"Edge\" target=\"strict\" kind=\"signs\" label=\"signs\""
        ));
        assert!(!rel.contains("\"pmi\"") && rel.contains("\"negated\""));
        // Every node is written whatever the selection.
        assert_eq!(rel.matches("<node id=").count(), 8);
        for xml in [&cooc, &rel] {
            assert!(!xml.contains(" type=\"directed\"") && !xml.contains(" type=\"undirected\""));
        }
    }

    #[test]
    fn edge_kinds_tell_parallel_relations_apart() {
        let mut g = small();
        let (jp, kr) = (g.node_index("jp").unwrap(), g.node_index("kr").unwrap());
        let mut plain = g.graph[g.graph.find_edge(jp, kr).unwrap()].clone();
        plain.kind = EdgeKind::Relation;
        plain.measures = None;
        plain.relation = Some(crate::graph::RelationAttrs {
            relation: "restricts_trade".to_string(),
            negated: false,
            modality: "asserted".to_string(),
            reversed: true,
        });
        g.graph.add_edge(jp, kr, plain);
        let xml = render_graph(&g, EdgeSelection::Relations);
        let kinds: Vec<&str> = xml
            .lines()
            .filter_map(|l| l.split(" kind=\"").nth(1))
            .map(|l| &l[..l.find('"').unwrap()])
            .collect();
        assert_eq!(
            kinds,
            [
                "signs",
                "restricts_trade (negated, threatened)",
                "restricts_trade (reversed)"
            ]
        );
    }

    #[test]
    fn attributes_are_declared_typed_and_unique() {
        let xml = render(EdgeSelection::All);
        let nodes = element(
            &xml,
            "<attributes class=\"node\" mode=\"static\">",
            "</attributes>",
        );
        for decl in [
            r#"<attribute id="type" title="type" type="string"/>"#,
            r#"<attribute id="mentions" title="mentions" type="long"/>"#,
            r#"<attribute id="degree" title="degree" type="integer"/>"#,
            r#"<attribute id="pagerank" title="pagerank" type="double"/>"#,
            r#"<attribute id="community" title="community" type="integer"/>"#,
            r#"<attribute id="attr__risk" title="=risk" type="string"/>"#,
            r#"<attribute id="attr_Label" title="Label_2" type="string"/>"#,
            r#"<attribute id="attr_party_name" title="party name" type="string"/>"#,
            r#"<attribute id="attr_party_name_2" title="party_name" type="string"/>"#,
            r#"<attribute id="attr_x_y" title="xy" type="string"/>"#,
            r#"<attribute id="attr_名前" title="名前" type="string"/>"#,
        ] {
            assert!(nodes.contains(decl), "missing {decl} in {nodes}");
        }
        let edges = element(
            &xml,
            "<attributes class=\"edge\" mode=\"static\">",
            "</attributes>",
        );
        for decl in [
            r#"<attribute id="kind" title="kind" type="string"/>"#,
            r#"<attribute id="relation" title="relation" type="string"/>"#,
            r#"<attribute id="count" title="count" type="long"/>"#,
            r#"<attribute id="documents" title="documents" type="long"/>"#,
            r#"<attribute id="npmi" title="npmi" type="double"/>"#,
            r#"<attribute id="negated" title="negated" type="boolean"/>"#,
            r#"<attribute id="modality" title="modality" type="string"/>"#,
            r#"<attribute id="reversed" title="reversed" type="boolean"/>"#,
        ] {
            assert!(edges.contains(decl), "missing {decl} in {edges}");
        }
        for block in [nodes, edges] {
            let field = |key: &str| -> Vec<String> {
                block
                    .lines()
                    .filter_map(|l| l.split(&format!(" {key}=\"")).nth(1))
                    .map(|l| l[..l.find('"').unwrap()].to_lowercase())
                    .collect()
            };
            for key in ["id", "title"] {
                let all = field(key);
                let mut unique = all.clone();
                unique.sort();
                unique.dedup();
                assert_eq!(all.len(), unique.len(), "{all:?}");
            }
        }
    }

    #[test]
    fn values_are_escaped_and_finite() {
        let xml = render(EdgeSelection::All);
        assert!(!xml.contains("NaN") && !xml.contains("inf"));
        let odd = element(&xml, "<edge id=\"e0\"", "</edge>");
        assert!(
            !odd.contains("\"pmi\"") && !odd.contains("\"npmi\""),
            "{odd}"
        );
        assert!(odd.contains("<attvalue for=\"jaccard\" value=\"0.2\"/>"));
        assert!(odd.contains("<attvalue for=\"dice\" value=\"0\"/>"));
        let moon = element(&xml, "<node id=\"node\"", "</node>");
        assert!(
            moon.contains("label=\"Moon&#10;Jae-in&#9;(NUL bell esc del\u{7f})\""),
            "{moon}"
        );
        assert!(moon.contains("<attvalue for=\"attr_x_y\" value=\"odd\"/>"));
        let washington = element(&xml, "<node id=\"us.gov-1\"", "</node>");
        assert!(washington.contains("label=\"Washington, D.C.&#13;&#10;second line&#13;third\""));
        let jp = element(&xml, "<node id=\"jp\"", "</node>");
        assert!(jp.contains(
            "<attvalue for=\"attr_party_name\" value=\"=HYPERLINK(&quot;http://example.com&quot;)\"/>"
        ));
        // A value that is empty once cleaned is left out.
        let strict = element(&xml, "<node id=\"strict\"", "</node>");
        assert!(!strict.contains("attr_iso"), "{strict}");
        assert!(
            !xml.chars().any(
                |c| matches!(c, '\u{0}'..='\u{8}' | '\u{B}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
            ),
            "a forbidden character or a raw carriage return reached the file"
        );
    }

    #[test]
    fn colours_and_sizes_follow_type_and_mentions() {
        let xml = render(EdgeSelection::All);
        let jp = element(&xml, "<node id=\"jp\"", "</node>");
        assert!(jp.contains("<viz:size value=\"30\"/>"));
        assert!(jp.contains("<viz:color r=\"141\" g=\"211\" b=\"199\"/>"));
        let strict = element(&xml, "<node id=\"strict\"", "</node>");
        assert!(strict.contains("<viz:size value=\"5\"/>"));
        assert!(strict.contains("<viz:color r=\"190\" g=\"186\" b=\"218\"/>"));
        let subgraph = element(&xml, "<node id=\"subgraph\"", "</node>");
        assert!(subgraph.contains("<viz:color r=\"217\" g=\"217\" b=\"217\"/>"));
    }

    #[test]
    fn metrics_are_written_when_computed() {
        let mut g = small();
        annotate(&mut g, &AnalysisOptions::default());
        let xml = render_graph(&g, EdgeSelection::All);
        let jp = element(&xml, "<node id=\"jp\"", "</node>");
        for id in [
            "degree",
            "weighted_degree",
            "pagerank",
            "betweenness",
            "betweenness_weighted",
            "community",
        ] {
            assert!(
                jp.contains(&format!("<attvalue for=\"{id}\" value=\"")),
                "{id}: {jp}"
            );
        }
        assert!(jp.contains("<attvalue for=\"degree\" value=\"1\"/>"));
        if let Some(q) = g.modularity {
            assert!(xml.contains(&format!("; modularity {}", format_float(q))));
        }
        // Skipped betweenness (NaN) is left out, not written.
        annotate(
            &mut g,
            &AnalysisOptions {
                betweenness: false,
                ..AnalysisOptions::default()
            },
        );
        let xml = render_graph(&g, EdgeSelection::All);
        assert!(!xml.contains("\"betweenness\" value=") && !xml.contains("NaN"));
    }

    #[test]
    fn helpers() {
        assert_eq!(id_token("party name"), "party_name");
        assert_eq!(id_token("名前"), "名前");
        assert_eq!(id_token(""), "_");
        assert_eq!(title("x\u{1}y\u{FFFF}"), "xy");
        assert_eq!(title("\u{0}"), "_");
        assert_eq!(title("a <b> & \"c\""), "a <b> & \"c\"");
        assert_eq!(node_size(1, 1), "5");
        assert_eq!(node_size(0, 0), "5");
        assert_eq!(node_size(12, 12), "30");
    }
}
