//! GraphML: the graph with all its data, for Gephi, NetworkX, igraph and yEd.
//!
//! This module owns the GraphML writer and XML escaping. The output is valid against the
//! GraphML 1.0 schema (`graphml.xsd`). Every value is declared as a `<key>` with a
//! descriptive id and a real `attr.type`: the node name is in `label` and the edge weight in
//! `weight` (a double, always > 0), which is what Gephi reads. Key ids are unique across the
//! whole file, so the edge keys whose `attr.name` repeats a node key's (`documents`,
//! `first_seen`, `last_seen`) have ids prefixed `edge_`.
//!
//! Dictionary attributes get one node key each, with id `attr_NAME`. The schema types
//! `attr.name` as an XML name token, so a name is cleaned for it: characters that cannot
//! appear in a name token (spaces, `:`, punctuation, controls) become `_`, and a name that
//! then clashes, ignoring case, with a built-in key or with another attribute gets a suffix
//! `_2`, `_3`, ... When the name had to change, the key's `<desc>` holds the original.
//!
//! Direction: NetworkX raises on a per-edge `directed` attribute that disagrees with
//! `edgedefault`, and igraph ignores it, so the attribute appears only where a mixed graph
//! needs it. With [`EdgeSelection::All`] the graph is `edgedefault="undirected"` and relation
//! edges carry `directed="true"`; with [`EdgeSelection::Cooccurrence`] there is no
//! `directed` attribute at all; with [`EdgeSelection::Relations`] the graph is
//! `edgedefault="directed"`. Every edge also carries a boolean `directed` data value, which
//! every reader keeps.
//!
//! Text is escaped for XML 1.0: `&`, `<` and `>` as entities, a carriage return as `&#13;`
//! (a parser would otherwise turn it into a line feed), and the characters XML 1.0 forbids
//! even as references (C0 controls other than tab, line feed and carriage return, U+FFFE and
//! U+FFFF) are dropped. An empty value, and a number that is not finite, is left out rather
//! than written. It does not validate its output; the tests hand it to `xmllint`.

use std::borrow::Cow;
use std::io::{self, Write};

use super::{
    EdgeSelection, ExportOptions, attribute_names, float_str, format_float, selected_edges,
    unique_names,
};
use crate::graph::{Edge, EdgeKind, KnowledgeGraph, Node};

/// One `<key>` declaration.
struct Key {
    id: String,
    domain: &'static str,
    name: String,
    ty: &'static str,
    desc: Option<String>,
}

impl Key {
    fn new(id: &str, domain: &'static str, name: &str, ty: &'static str) -> Key {
        Key {
            id: id.to_string(),
            domain,
            name: name.to_string(),
            ty,
            desc: None,
        }
    }
}

/// The `attr.name`s of the built-in node keys, which dictionary attributes must not take.
const NODE_NAMES: &[&str] = &[
    "id",
    "label",
    "type",
    "mentions",
    "documents",
    "windows",
    "first_seen",
    "last_seen",
    "degree",
    "weighted_degree",
    "pagerank",
    "betweenness",
    "betweenness_weighted",
    "community",
    "modularity",
];

/// Writes `g` as GraphML to `w`, with the edges `opts` selects.
pub fn write_graphml<W: io::Write>(
    g: &KnowledgeGraph,
    opts: &ExportOptions,
    w: W,
) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    let selection = opts.edges;
    let names = attribute_names(g);
    let attr_names = unique_names(&names, NODE_NAMES, name_token);

    let mut keys = vec![
        Key::new("window", "graph", "window", "string"),
        Key::new("edges", "graph", "edges", "string"),
        Key::new("total_documents", "graph", "total_documents", "long"),
        Key::new("total_windows", "graph", "total_windows", "long"),
        Key::new("total_mentions", "graph", "total_mentions", "long"),
        Key::new("modularity", "graph", "modularity", "double"),
        Key::new("label", "node", "label", "string"),
        Key::new("type", "node", "type", "string"),
        Key::new("mentions", "node", "mentions", "long"),
        Key::new("documents", "node", "documents", "long"),
        Key::new("windows", "node", "windows", "long"),
        Key::new("first_seen", "node", "first_seen", "string"),
        Key::new("last_seen", "node", "last_seen", "string"),
        Key::new("degree", "node", "degree", "long"),
        Key::new("weighted_degree", "node", "weighted_degree", "double"),
        Key::new("pagerank", "node", "pagerank", "double"),
        Key::new("betweenness", "node", "betweenness", "double"),
        Key::new(
            "betweenness_weighted",
            "node",
            "betweenness_weighted",
            "double",
        ),
        Key::new("community", "node", "community", "long"),
    ];
    for (original, name) in names.iter().zip(&attr_names) {
        let mut key = Key::new(&format!("attr_{name}"), "node", name, "string");
        if name != original {
            key.desc = Some(original.to_string());
        }
        keys.push(key);
    }
    let cooccurrence = selection.includes(EdgeKind::Cooccurrence);
    let relations = selection.includes(EdgeKind::Relation);
    keys.push(Key::new("weight", "edge", "weight", "double"));
    keys.push(Key::new("kind", "edge", "kind", "string"));
    if relations {
        keys.push(Key::new("relation", "edge", "relation", "string"));
    }
    keys.push(Key::new("count", "edge", "count", "long"));
    keys.push(Key::new("edge_documents", "edge", "documents", "long"));
    if cooccurrence {
        for m in ["pmi", "npmi", "jaccard", "dice"] {
            keys.push(Key::new(m, "edge", m, "double"));
        }
    }
    if relations {
        keys.push(Key::new("negated", "edge", "negated", "boolean"));
        keys.push(Key::new("modality", "edge", "modality", "string"));
        keys.push(Key::new("reversed", "edge", "reversed", "boolean"));
    }
    keys.push(Key::new("edge_first_seen", "edge", "first_seen", "string"));
    keys.push(Key::new("edge_last_seen", "edge", "last_seen", "string"));
    keys.push(Key::new("directed", "edge", "directed", "boolean"));

    writeln!(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        w,
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">"
    )?;
    for k in &keys {
        write!(
            w,
            "  <key id=\"{}\" for=\"{}\" attr.name=\"{}\" attr.type=\"{}\"",
            attr(&k.id),
            k.domain,
            attr(&k.name),
            k.ty
        )?;
        match &k.desc {
            Some(d) => writeln!(w, "><desc>{}</desc></key>", text(d))?,
            None => writeln!(w, "/>")?,
        }
    }

    let edgedefault = match selection {
        EdgeSelection::Relations => "directed",
        EdgeSelection::All | EdgeSelection::Cooccurrence => "undirected",
    };
    let selection_name = match selection {
        EdgeSelection::All => "all",
        EdgeSelection::Cooccurrence => "cooccurrence",
        EdgeSelection::Relations => "relations",
    };
    writeln!(w, "  <graph id=\"kgraph\" edgedefault=\"{edgedefault}\">")?;
    writeln!(
        w,
        "    <desc>kgraph knowledge graph: nodes are dictionary entities; co-occurrence edges \
         (undirected) count the {} windows holding both entities, relation edges (directed) \
         count the statements of a relation; {} documents, {} windows, {} mentions</desc>",
        g.window.name(),
        g.totals.documents,
        g.totals.windows,
        g.totals.mentions
    )?;
    let mut data = Data::new(&mut w, "    ");
    data.text("window", g.window.name())?;
    data.text("edges", selection_name)?;
    data.raw("total_documents", &g.totals.documents.to_string())?;
    data.raw("total_windows", &g.totals.windows.to_string())?;
    data.raw("total_mentions", &g.totals.mentions.to_string())?;
    if let Some(q) = g.modularity {
        data.float("modularity", q)?;
    }

    for n in g.nodes() {
        write_node(&mut w, n, &names, &attr_names)?;
    }
    for (i, (s, t, e)) in selected_edges(g, opts).enumerate() {
        write_edge(&mut w, i, s, t, e, selection)?;
    }
    writeln!(w, "  </graph>")?;
    writeln!(w, "</graphml>")?;
    w.flush()
}

/// Writes `<data>` elements at one indentation.
struct Data<'a, W: Write> {
    w: &'a mut W,
    indent: &'static str,
    float: ryu::Buffer,
}

impl<'a, W: Write> Data<'a, W> {
    fn new(w: &'a mut W, indent: &'static str) -> Self {
        Data {
            w,
            indent,
            float: ryu::Buffer::new(),
        }
    }

    /// A text value, escaped; left out when nothing is left of it.
    fn text(&mut self, key: &str, value: &str) -> io::Result<()> {
        let value = text(value);
        if value.is_empty() {
            return Ok(());
        }
        self.raw(key, &value)
    }

    /// A value that needs no escaping (numbers, booleans, dates).
    fn raw(&mut self, key: &str, value: &str) -> io::Result<()> {
        write_data(self.w, self.indent, key, value)
    }

    fn float(&mut self, key: &str, value: f64) -> io::Result<()> {
        if !value.is_finite() {
            return Ok(());
        }
        write_data(self.w, self.indent, key, float_str(&mut self.float, value))
    }
}

/// One `<data>` line, in pieces rather than through the formatting machinery: a
/// million-edge graph writes some twenty million of them.
fn write_data<W: Write>(w: &mut W, indent: &str, key: &str, value: &str) -> io::Result<()> {
    w.write_all(indent.as_bytes())?;
    w.write_all(b"<data key=\"")?;
    w.write_all(attr(key).as_bytes())?;
    w.write_all(b"\">")?;
    w.write_all(value.as_bytes())?;
    w.write_all(b"</data>\n")
}

fn write_node<W: Write>(
    w: &mut W,
    n: &Node,
    names: &[&str],
    attr_names: &[String],
) -> io::Result<()> {
    writeln!(w, "    <node id=\"{}\">", attr(&n.id))?;
    let mut data = Data::new(w, "      ");
    data.text("label", &n.label)?;
    data.text("type", &n.kind)?;
    data.raw("mentions", &n.mentions.to_string())?;
    data.raw("documents", &n.documents.to_string())?;
    data.raw("windows", &n.windows.to_string())?;
    if let Some(d) = n.first_seen {
        data.raw("first_seen", &d.to_string())?;
    }
    if let Some(d) = n.last_seen {
        data.raw("last_seen", &d.to_string())?;
    }
    if let Some(m) = &n.metrics {
        data.raw("degree", &m.degree.to_string())?;
        data.float("weighted_degree", m.weighted_degree)?;
        data.float("pagerank", m.pagerank)?;
        data.float("betweenness", m.betweenness)?;
        data.float("betweenness_weighted", m.betweenness_weighted)?;
        data.raw("community", &m.community.to_string())?;
    }
    for (name, key_name) in names.iter().zip(attr_names) {
        if let Some(v) = n.attributes.get(*name) {
            data.text(&format!("attr_{key_name}"), v)?;
        }
    }
    writeln!(w, "    </node>")
}

fn write_edge<W: Write>(
    w: &mut W,
    i: usize,
    s: &Node,
    t: &Node,
    e: &Edge,
    selection: EdgeSelection,
) -> io::Result<()> {
    let directed = e.kind.directed();
    // Only a mixed graph needs the attribute; anywhere else NetworkX would reject it.
    let direction = if directed && selection == EdgeSelection::All {
        " directed=\"true\""
    } else {
        ""
    };
    writeln!(
        w,
        "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\"{direction}>",
        attr(&s.id),
        attr(&t.id)
    )?;
    let mut data = Data::new(w, "      ");
    debug_assert!(e.weight > 0, "edge weights are at least 1");
    data.raw("weight", &format_float(e.weight as f64))?;
    data.text("kind", e.kind.name())?;
    if let Some(r) = &e.relation {
        data.text("relation", &r.relation)?;
    }
    data.raw("count", &e.weight.to_string())?;
    data.raw("edge_documents", &e.documents.to_string())?;
    if let Some(m) = &e.measures {
        data.float("pmi", m.pmi)?;
        data.float("npmi", m.npmi)?;
        data.float("jaccard", m.jaccard)?;
        data.float("dice", m.dice)?;
    }
    if let Some(r) = &e.relation {
        data.raw("negated", &r.negated.to_string())?;
        data.text("modality", &r.modality)?;
        data.raw("reversed", &r.reversed.to_string())?;
    }
    if let Some(d) = e.first_seen {
        data.raw("edge_first_seen", &d.to_string())?;
    }
    if let Some(d) = e.last_seen {
        data.raw("edge_last_seen", &d.to_string())?;
    }
    data.raw("directed", &directed.to_string())?;
    writeln!(w, "    </edge>")
}

/// Whether XML 1.0 allows `c` at all (even as a character reference).
fn xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Whether `s` has no byte that [`text`] or [`attr`] would change: no control character,
/// none of `&<>"`, and no 0xEF, the lead byte of U+FFFE and U+FFFF. Nearly every value is
/// such, and is then written as it is, without a copy.
fn plain(s: &str) -> bool {
    !s.bytes()
        .any(|b| b < 0x20 || matches!(b, b'&' | b'<' | b'>' | b'"' | 0xEF))
}

/// Escapes `s` for element content (see the module documentation).
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    if plain(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if xml_char(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// Escapes `s` for a double-quoted attribute value. White space other than the space is
/// written as references, because a parser turns raw tabs and line breaks in attribute
/// values into spaces.
pub(crate) fn attr(s: &str) -> Cow<'_, str> {
    if plain(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if xml_char(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// Whether `c` may appear in an XML name token (XML 1.0 fifth edition `NameChar`), leaving
/// out `:`, which namespace-aware tools read as a prefix separator.
fn name_char(c: char) -> bool {
    matches!(c,
        'A'..='Z' | 'a'..='z' | '0'..='9' | '_' | '-' | '.'
        | '\u{B7}'
        | '\u{C0}'..='\u{D6}'
        | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{37D}'
        | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}'
        | '\u{203F}'..='\u{2040}'
        | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}'
        | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// Makes a name token of an arbitrary attribute name: every character that cannot appear
/// in one becomes `_`.
fn name_token(name: &str) -> String {
    if name.is_empty() {
        return "_".to_string();
    }
    name.chars()
        .map(|c| if name_char(c) { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testgraph::{check_golden, small};

    fn render(edges: EdgeSelection) -> String {
        let mut out = Vec::new();
        let opts = ExportOptions {
            edges,
            ..ExportOptions::default()
        };
        write_graphml(&small(), &opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn golden_small() {
        check_golden("small.graphml", render(EdgeSelection::All).as_bytes());
    }

    #[test]
    fn escaping() {
        assert_eq!(text("a<b>&c \"q\" 'a'"), "a&lt;b&gt;&amp;c \"q\" 'a'");
        assert_eq!(
            text("nul\0bell\u{7}tab\tlf\ncr\r"),
            "nulbelltab\tlf\ncr&#13;"
        );
        assert_eq!(
            text("\u{FFFE}x\u{FFFF}\u{FFFD}\u{7f}\u{85}"),
            "x\u{FFFD}\u{7f}\u{85}"
        );
        assert_eq!(
            attr("a\"b\tc\nd\re<&>"),
            "a&quot;b&#9;c&#10;d&#13;e&lt;&amp;&gt;"
        );
        assert_eq!(text("rtl \u{200F} 🇰🇷"), "rtl \u{200F} 🇰🇷");
    }

    #[test]
    fn name_tokens() {
        assert_eq!(name_token("party name"), "party_name");
        assert_eq!(name_token("=risk"), "_risk");
        assert_eq!(name_token("名前"), "名前");
        assert_eq!(name_token("x\u{1}y:z"), "x_y_z");
        assert_eq!(name_token("Ⓐ"), "_");
        assert_eq!(name_token(""), "_");
    }

    #[test]
    fn attribute_keys_are_unique_and_keep_the_original_name() {
        let xml = render(EdgeSelection::All);
        for key in [
            r#"<key id="attr__risk" for="node" attr.name="_risk" attr.type="string"><desc>=risk</desc></key>"#,
            r#"<key id="attr_Label_2" for="node" attr.name="Label_2" attr.type="string"><desc>Label</desc></key>"#,
            r#"<key id="attr_iso" for="node" attr.name="iso" attr.type="string"/>"#,
            r#"<key id="attr_party_name" for="node" attr.name="party_name" attr.type="string"><desc>party name</desc></key>"#,
            r#"<key id="attr_party_name_2" for="node" attr.name="party_name_2" attr.type="string"><desc>party_name</desc></key>"#,
            r#"<key id="attr_x_y" for="node" attr.name="x_y" attr.type="string"><desc>xy</desc></key>"#,
            r#"<key id="attr_名前" for="node" attr.name="名前" attr.type="string"/>"#,
        ] {
            assert!(xml.contains(key), "missing {key}");
        }
        let ids: Vec<&str> = xml
            .lines()
            .filter_map(|l| l.trim().strip_prefix("<key id=\""))
            .map(|l| &l[..l.find('"').unwrap()])
            .collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(ids.len(), unique.len(), "{ids:?}");
    }

    #[test]
    fn direction_by_selection() {
        let all = render(EdgeSelection::All);
        assert!(all.contains("<graph id=\"kgraph\" edgedefault=\"undirected\">"));
        assert_eq!(all.matches(" directed=\"true\"").count(), 2);
        assert_eq!(all.matches("<edge id=").count(), 4);
        assert!(all.contains("<edge id=\"e3\" source=\"jp\" target=\"kr\" directed=\"true\">"));

        let cooc = render(EdgeSelection::Cooccurrence);
        assert!(cooc.contains("edgedefault=\"undirected\""));
        assert!(!cooc.contains(" directed="));
        assert_eq!(cooc.matches("<edge id=").count(), 2);
        assert!(!cooc.contains("\"negated\""));

        let rel = render(EdgeSelection::Relations);
        assert!(rel.contains("edgedefault=\"directed\""));
        assert!(!rel.contains(" directed="));
        assert_eq!(rel.matches("<edge id=").count(), 2);
        assert!(rel.contains("<edge id=\"e0\" source=\"Edge\" target=\"strict\">"));
        assert!(!rel.contains("\"pmi\""));
        // Every node is written whatever the selection.
        assert_eq!(rel.matches("<node id=").count(), 8);
    }

    #[test]
    fn no_forbidden_characters_and_no_non_finite_numbers() {
        let xml = render(EdgeSelection::All);
        assert!(
            !xml.chars().any(|c| !xml_char(c) || c == '\r'),
            "a forbidden character or a raw carriage return reached the file"
        );
        assert!(!xml.contains("NaN") && !xml.contains("inf"));
        assert!(
            xml.contains("<data key=\"jaccard\">0.2</data>\n      <data key=\"dice\">0</data>")
        );
        assert!(!xml.contains("<data key=\"pmi\">\n"));
        assert!(xml.contains("<data key=\"weight\">6</data>"));
        assert!(xml.contains("<data key=\"label\">South Korea\\</data>"));
        assert!(xml.contains("<data key=\"label\">Japan &lt;&amp;&gt; \"Nippon\" 'JP'</data>"));
        assert!(xml.contains("<data key=\"attr_x_y\">odd</data>"));
        // A value that is empty once cleaned is left out.
        let strict = &xml[xml.find("<node id=\"strict\">").unwrap()..];
        let strict = &strict[..strict.find("</node>").unwrap()];
        assert!(!strict.contains("attr_iso"), "{strict}");
    }
}
