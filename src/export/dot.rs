//! Graphviz DOT: a drawing of the graph for `dot`, `neato` and `sfdp`.
//!
//! This module owns the DOT writer and DOT's quoting. The file is one `digraph` (never
//! `strict`, which would merge a relation into the co-occurrence edge between the same two
//! entities): co-occurrence edges carry `dir="none"`, relation edges point from subject to
//! object. Graph attributes are chosen to lay out 50 to 100 nodes readably with any of the
//! three engines, and none of them prints a warning on this output.
//!
//! Styling: node shape and fill colour follow the entity type, node font size grows with
//! the mentions (log scale), edge pen width grows with the weight (log scale, bounded, each
//! edge kind scaled to its own heaviest edge). A relation edge is labelled with its relation
//! type, dashed when negated, and drawn in orange rather than blue when its modality is not
//! `asserted`. The data travels with the drawing: nodes carry `type`, `mentions`,
//! `documents`, `windows`, `first_seen`, `last_seen` and each dictionary attribute as
//! `attr_NAME` (with a suffix `_2`, ... when two names are the same once cleaned); edges
//! carry `weight` (the count, which `dot` and `neato` also use to draw heavier edges
//! shorter), `kind`, `documents`, the dates, and the measures or the relation flags.
//!
//! Every id, attribute name and value is double-quoted. Values use Graphviz's escString
//! conventions throughout: `\` is written `\\`, `"` is written `\"`, a line break (LF, CR
//! LF or CR) is written `\n`, a tab becomes a space, and other control characters and the
//! noncharacters U+FFFE and U+FFFF are dropped (they would make Graphviz's SVG invalid). A
//! value ending in a backslash therefore ends in `\\"`, which Graphviz reads as a backslash
//! and then the closing quote (it writes such strings the same way itself).
//!
//! This module does not lay the graph out or run Graphviz.

use std::io::{self, Write};

use super::{
    ColourBy, ExportOptions, SizeBy, attribute_names, format_finite, format_float, selected_edges,
    type_rgb, unique_names,
};
use crate::graph::{Edge, EdgeKind, KnowledgeGraph, Node};

/// The font for every label: one that Graphviz has metrics for even without fontconfig,
/// so no engine warns about a missing font.
const FONT: &str = "Helvetica";

/// Writes `g` as a Graphviz `digraph` to `w`, with the edges `opts` selects.
pub fn write_dot<W: io::Write>(g: &KnowledgeGraph, opts: &ExportOptions, w: W) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    let edges: Vec<(&Node, &Node, &Edge)> = selected_edges(g, opts).collect();
    let max_mentions = g.nodes().map(|n| n.mentions).max().unwrap_or(0);
    let max_size = g
        .nodes()
        .map(|n| size_value(n, opts.size_by))
        .fold(0.0, f64::max);
    let max_weight = |kind: EdgeKind| {
        edges
            .iter()
            .filter(|(_, _, e)| e.kind == kind)
            .map(|(_, _, e)| e.weight)
            .max()
            .unwrap_or(0)
    };
    let max_cooccurrence = max_weight(EdgeKind::Cooccurrence);
    let max_relation = max_weight(EdgeKind::Relation);

    writeln!(w, "digraph \"kgraph\" {{")?;
    let comment = format!(
        "kgraph: {} window; {} documents, {} windows, {} mentions",
        g.window.name(),
        g.totals.documents,
        g.totals.windows,
        g.totals.mentions
    );
    write_stmt(
        &mut w,
        "graph",
        &[
            ("comment", comment),
            ("fontname", FONT.to_string()),
            ("outputorder", "edgesfirst".to_string()),
            ("overlap", "false".to_string()),
            ("splines", "true".to_string()),
            ("pad", "0.3".to_string()),
            ("nodesep", "0.35".to_string()),
            ("ranksep", "0.7".to_string()),
            ("sep", "+8".to_string()),
            ("esep", "+4".to_string()),
        ],
    )?;
    write_stmt(
        &mut w,
        "node",
        &[
            ("fontname", FONT.to_string()),
            ("style", "filled".to_string()),
            ("color", "#4d4d4d".to_string()),
            ("penwidth", "0.8".to_string()),
            ("margin", "0.12,0.06".to_string()),
        ],
    )?;
    write_stmt(
        &mut w,
        "edge",
        &[
            ("fontname", FONT.to_string()),
            ("fontsize", "9".to_string()),
            ("arrowsize", "0.7".to_string()),
        ],
    )?;

    let names = attribute_names(g);
    // Names are compared as Graphviz will see them, so two cannot meet once quoted.
    let dot_names = unique_names(&names, &[], |s| format!("attr_{}", clean(s)));
    for n in g.nodes() {
        let fontsize = match opts.size_by {
            SizeBy::Mentions => 10.0 + 12.0 * log_share(n.mentions, max_mentions),
            _ if max_size > 0.0 => 10.0 + 14.0 * (size_value(n, opts.size_by) / max_size).sqrt(),
            _ => 10.0,
        };
        let fill = match (opts.colour_by, n.metrics) {
            (ColourBy::Community, Some(m)) => {
                COMMUNITY_COLOURS[m.community % COMMUNITY_COLOURS.len()].to_string()
            }
            _ => type_style(&n.kind).2,
        };
        write_node(&mut w, n, fontsize, &fill, &names, &dot_names)?;
    }
    for (s, t, e) in edges {
        let max = match e.kind {
            EdgeKind::Cooccurrence => max_cooccurrence,
            EdgeKind::Relation => max_relation,
        };
        write_edge(&mut w, s, t, e, max)?;
    }
    writeln!(w, "}}")?;
    w.flush()
}

/// Quotes `s` as a DOT string (see the module documentation for the rules).
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in clean(s).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The text Graphviz will see once `s` is quoted: line breaks (LF, CR LF, CR) as `\n`,
/// tabs as spaces, and no control characters or noncharacters, which would make the SVG
/// or other XML output of Graphviz invalid.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Fill colours for communities (ColorBrewer Set3, then Pastel1), cycled.
const COMMUNITY_COLOURS: &[&str] = &[
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5",
    "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f", "#fbb4ae", "#b3cde3", "#decbe4", "#fed9a6",
];

/// The value a node is sized by; 0 when the graph was not analysed.
fn size_value(n: &Node, by: SizeBy) -> f64 {
    let m = n.metrics;
    let v = match by {
        SizeBy::Mentions => n.mentions as f64,
        SizeBy::Pagerank => m.map_or(0.0, |m| m.pagerank),
        SizeBy::Degree => m.map_or(0.0, |m| m.degree as f64),
        SizeBy::Betweenness => m.map_or(0.0, |m| m.betweenness),
    };
    if v.is_finite() { v.max(0.0) } else { 0.0 }
}

/// The shape, extra style and fill colour for an entity type (the colour from
/// [`type_rgb`], shared with the other formats).
fn type_style(kind: &str) -> (&'static str, &'static str, String) {
    let (shape, style) = match kind {
        "country" => ("box", "filled,rounded"),
        "person" => ("ellipse", "filled"),
        "agreement" => ("note", "filled"),
        "event" => ("hexagon", "filled"),
        "organisation" => ("octagon", "filled"),
        "place" => ("house", "filled"),
        _ => ("ellipse", "filled"),
    };
    let (r, g, b) = type_rgb(kind);
    (shape, style, format!("#{r:02x}{g:02x}{b:02x}"))
}

/// `ln(1 + value) / ln(1 + max)`, in [0, 1]; 0 when there is nothing to scale against.
fn log_share(value: u64, max: u64) -> f64 {
    if max == 0 {
        return 0.0;
    }
    ((value as f64).ln_1p() / (max as f64).ln_1p()).clamp(0.0, 1.0)
}

/// `ln(value) / ln(max)` for counts of at least 1, in [0, 1], so that an edge seen once
/// gets the thinnest line; 0 when every count is 1.
fn log_weight(value: u64, max: u64) -> f64 {
    if max <= 1 {
        return 0.0;
    }
    ((value.max(1) as f64).ln() / (max as f64).ln()).clamp(0.0, 1.0)
}

/// Rounds to two decimals, so a value's bytes do not hinge on the last bits of a logarithm.
fn round2(x: f64) -> String {
    format_float((x * 100.0).round() / 100.0)
}

fn write_node<W: Write>(
    w: &mut W,
    n: &Node,
    fontsize: f64,
    fill: &str,
    names: &[&str],
    dot_names: &[String],
) -> io::Result<()> {
    let (shape, style, _) = type_style(&n.kind);
    let mut tooltip = format!(
        "{}\n{} ({})\n{} mentions in {} documents",
        n.label, n.kind, n.id, n.mentions, n.documents
    );
    if let (Some(first), Some(last)) = (n.first_seen, n.last_seen) {
        tooltip.push_str(&format!("\nseen {first} to {last}"));
    }
    let mut attrs = vec![
        ("label", n.label.clone()),
        ("tooltip", tooltip),
        ("shape", shape.to_string()),
        ("style", style.to_string()),
        ("fillcolor", fill.to_string()),
        ("fontsize", round2(fontsize)),
        ("type", n.kind.clone()),
        ("mentions", n.mentions.to_string()),
        ("documents", n.documents.to_string()),
        ("windows", n.windows.to_string()),
    ];
    if let Some(d) = n.first_seen {
        attrs.push(("first_seen", d.to_string()));
    }
    if let Some(d) = n.last_seen {
        attrs.push(("last_seen", d.to_string()));
    }
    if let Some(m) = &n.metrics {
        attrs.push(("degree", m.degree.to_string()));
        for (name, value) in [("pagerank", m.pagerank), ("betweenness", m.betweenness)] {
            if let Some(v) = super::format_finite(value) {
                attrs.push((name, v));
            }
        }
        attrs.push(("community", m.community.to_string()));
    }
    write!(w, "  {} [", quote(&n.id))?;
    write_attrs(w, &attrs)?;
    // Dictionary attributes get a prefix so that one called `shape` or `label` cannot
    // restyle the drawing; they are written in name order, like every other output.
    for (name, dot_name) in names.iter().zip(dot_names) {
        if let Some(value) = n.attributes.get(*name) {
            write!(w, ", {}={}", quote(dot_name), quote(value))?;
        }
    }
    writeln!(w, "];")
}

fn write_edge<W: Write>(w: &mut W, s: &Node, t: &Node, e: &Edge, max: u64) -> io::Result<()> {
    let share = log_weight(e.weight, max);
    let mut attrs: Vec<(&str, String)> = Vec::new();
    let plural = |n: u64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    match (e.kind, &e.relation) {
        (EdgeKind::Relation, Some(r)) => {
            let asserted = r.modality == "asserted";
            let colour = if asserted { "#1f4e79" } else { "#d95f02" };
            let mut flags = Vec::new();
            if r.negated {
                flags.push("negated");
            }
            if !asserted {
                flags.push(r.modality.as_str());
            }
            if r.reversed {
                flags.push("reversed");
            }
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!(" ({})", flags.join(", "))
            };
            attrs.push(("label", r.relation.clone()));
            attrs.push((
                "tooltip",
                format!(
                    "{} {} {}{flags}: stated {} in {}",
                    s.label,
                    r.relation,
                    t.label,
                    plural(e.weight, "time", "times"),
                    plural(e.documents, "document", "documents")
                ),
            ));
            if r.negated {
                attrs.push(("style", "dashed".to_string()));
            }
            attrs.push(("color", colour.to_string()));
            attrs.push(("fontcolor", colour.to_string()));
            attrs.push(("penwidth", round2(1.0 + 2.0 * share)));
        }
        _ => {
            attrs.push(("dir", "none".to_string()));
            attrs.push((
                "tooltip",
                format!(
                    "{} and {}: together in {} in {}",
                    s.label,
                    t.label,
                    plural(e.weight, "window", "windows"),
                    plural(e.documents, "document", "documents")
                ),
            ));
            attrs.push(("color", "#8c8c8c".to_string()));
            attrs.push(("penwidth", round2(0.75 + 4.25 * share)));
        }
    }
    attrs.push(("weight", e.weight.to_string()));
    attrs.push(("kind", e.kind.name().to_string()));
    attrs.push(("documents", e.documents.to_string()));
    if let Some(d) = e.first_seen {
        attrs.push(("first_seen", d.to_string()));
    }
    if let Some(d) = e.last_seen {
        attrs.push(("last_seen", d.to_string()));
    }
    if let Some(m) = &e.measures {
        for (name, value) in [
            ("pmi", m.pmi),
            ("npmi", m.npmi),
            ("jaccard", m.jaccard),
            ("dice", m.dice),
        ] {
            if let Some(v) = format_finite(value) {
                attrs.push((name, v));
            }
        }
    }
    if let Some(r) = &e.relation {
        attrs.push(("relation", r.relation.clone()));
        attrs.push(("negated", r.negated.to_string()));
        attrs.push(("modality", r.modality.clone()));
        attrs.push(("reversed", r.reversed.to_string()));
    }
    write!(w, "  {} -> {} [", quote(&s.id), quote(&t.id))?;
    write_attrs(w, &attrs)?;
    writeln!(w, "];")
}

/// Writes `name=value` pairs separated by commas, every value quoted.
fn write_attrs<W: Write>(w: &mut W, attrs: &[(&str, String)]) -> io::Result<()> {
    for (i, (name, value)) in attrs.iter().enumerate() {
        if i > 0 {
            write!(w, ", ")?;
        }
        write!(w, "{name}={}", quote(value))?;
    }
    Ok(())
}

/// Writes a `graph`, `node` or `edge` default-attribute statement.
fn write_stmt<W: Write>(w: &mut W, what: &str, attrs: &[(&str, String)]) -> io::Result<()> {
    write!(w, "  {what} [")?;
    write_attrs(w, attrs)?;
    writeln!(w, "];")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::EdgeSelection;
    use crate::export::testgraph::{check_golden, small};

    fn render(opts: &ExportOptions) -> String {
        let mut out = Vec::new();
        write_dot(&small(), opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn golden_small() {
        check_golden("small.dot", render(&ExportOptions::default()).as_bytes());
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("node"), "\"node\"");
        assert_eq!(quote("a\"b"), r#""a\"b""#);
        assert_eq!(quote("South Korea\\"), r#""South Korea\\""#);
        assert_eq!(quote("a\\\"b"), r#""a\\\"b""#);
        assert_eq!(
            quote("one\ntwo\r\nthree\rfour"),
            r#""one\ntwo\nthree\nfour""#
        );
        assert_eq!(quote("tab\there"), "\"tab here\"");
        assert_eq!(
            quote("nul\0bell\u{7}esc\u{1b}del\u{7f}c1\u{85}"),
            "\"nulbellescdelc1\""
        );
        assert_eq!(quote("\\N \\G"), r#""\\N \\G""#);
        assert_eq!(quote("rtl \u{200F}🇰🇷"), "\"rtl \u{200F}🇰🇷\"");
        assert_eq!(quote("\u{FFFE}x\u{FFFF}"), "\"x\"");
    }

    #[test]
    fn one_digraph_never_strict() {
        let dot = render(&ExportOptions::default());
        assert!(dot.starts_with("digraph \"kgraph\" {\n"));
        assert!(dot.ends_with("}\n"));
        assert!(!dot.contains("strict digraph"));
        assert!(!dot.contains(" -- "));
        // Keyword ids are quoted.
        for id in ["node", "graph", "Edge", "strict", "subgraph"] {
            assert!(dot.contains(&format!("\n  \"{id}\" [label=")), "{id}");
        }
    }

    #[test]
    fn no_raw_control_characters() {
        let dot = render(&ExportOptions::default());
        assert!(
            !dot.chars().any(|c| c.is_control() && c != '\n'),
            "a control character reached the file"
        );
        // The only raw line breaks end statements.
        for line in dot.lines() {
            assert!(
                line.ends_with('{') || line.ends_with("];") || line == "}",
                "{line:?}"
            );
        }
    }

    #[test]
    fn edges_by_kind() {
        let dot = render(&ExportOptions::default());
        let line = |prefix: &str| {
            dot.lines()
                .find(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("no line starting {prefix:?}"))
                .to_string()
        };
        let cooc = line("  \"jp\" -> \"kr\" [dir=");
        assert!(cooc.contains("penwidth=\"5\""), "{cooc}");
        assert!(cooc.contains("kind=\"cooccurrence\""));
        let rel = line("  \"jp\" -> \"kr\" [label=\"restricts_trade\"");
        assert!(rel.contains("style=\"dashed\""));
        assert!(rel.contains("color=\"#d95f02\""));
        assert!(!rel.contains("dir="));
        let asserted = line("  \"Edge\" -> \"strict\"");
        assert!(asserted.contains("color=\"#1f4e79\""));
        assert!(!asserted.contains("dashed"));
        // Measures that are not finite are left out; -0 is written as 0.
        let odd = line("  \"graph\" -> \"node\"");
        assert!(!odd.contains("pmi="), "{odd}");
        assert!(odd.contains("jaccard=\"0.2\", dice=\"0\""), "{odd}");
        assert!(!dot.contains("NaN") && !dot.contains("inf"));
    }

    #[test]
    fn edge_selection() {
        let cooc = render(&ExportOptions {
            edges: EdgeSelection::Cooccurrence,
            ..ExportOptions::default()
        });
        assert_eq!(cooc.matches(" -> ").count(), 2);
        assert!(!cooc.contains("kind=\"relation\""));
        let rel = render(&ExportOptions {
            edges: EdgeSelection::Relations,
            ..ExportOptions::default()
        });
        assert_eq!(rel.matches(" -> ").count(), 2);
        assert!(!rel.contains("dir=\"none\""));
        // Every node is written whatever the selection.
        let nodes = rel
            .lines()
            .filter(|l| l.starts_with("  \"") && !l.contains(" -> "))
            .count();
        assert_eq!(nodes, 8);
    }

    #[test]
    fn attribute_names_stay_distinct_once_cleaned() {
        let mut g = small();
        let i = g.node_index("node").unwrap();
        g.graph[i]
            .attributes
            .insert("xy".to_string(), "plain".to_string());
        let mut out = Vec::new();
        write_dot(&g, &ExportOptions::default(), &mut out).unwrap();
        let dot = String::from_utf8(out).unwrap();
        assert!(
            dot.contains("\"attr_xy\"=\"odd\", \"attr_xy_2\"=\"plain\""),
            "{dot}"
        );
    }

    #[test]
    fn styles_by_type_and_scale_by_mentions() {
        let dot = render(&ExportOptions::default());
        let node = |id: &str| {
            dot.lines()
                .find(|l| l.starts_with(&format!("  \"{id}\" [")))
                .unwrap()
                .to_string()
        };
        assert!(node("jp").contains("shape=\"box\""));
        assert!(node("jp").contains("fontsize=\"22\""));
        assert!(node("strict").contains("shape=\"note\""));
        assert!(node("strict").contains("fontsize=\"13.24\""));
        assert!(node("subgraph").contains("fillcolor=\"#d9d9d9\""));
        assert!(
            node("jp").contains("\"attr_party name\"=\"=HYPERLINK(\\\"http://example.com\\\")\"")
        );
        assert!(node("jp").contains("mentions=\"12\", documents=\"3\", windows=\"10\""));
    }
}
