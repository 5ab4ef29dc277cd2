//! Writing the graph: one module per format, each a set of functions that write to any
//! `io::Write`.
//!
//! This module owns the closed [`Format`] enum, the options shared by the writers, the
//! [`write()`] dispatcher and the few helpers every format shares (number formatting, the
//! edge selection, the names of dictionary attributes, the colour of each entity type). The
//! writers read a finished [`crate::graph::KnowledgeGraph`] and never change it; they walk
//! nodes and edges in the graph's order, so the same graph always gives the same bytes. Escaping belongs to each
//! format's module ([`dot`], [`graphml`], [`gexf`], [`json`], [`csv`]). Choosing file names
//! and writing them atomically is the caller's job.
//!
//! Floating-point numbers are written the same way in every format: the shortest
//! representation that reads back to the same value (`0.5`, `2.584962500721156`, `1`; Ryū's,
//! which rounds an exact tie between two shortest forms to even), switching to exponent
//! notation (`1e-7`) below 1e-5 and from 1e16 up. A value that is not
//! finite (NaN or infinite) is never written: the cell or attribute is left out.

use std::collections::BTreeSet;
use std::io;

use crate::graph::{Edge, KnowledgeGraph, Node};

pub mod csv;
pub mod dot;
pub mod gexf;
pub mod graphml;
pub mod json;
pub mod stats;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Graphviz DOT.
    Dot,
    /// GraphML, as read by Gephi, NetworkX, igraph and yEd.
    Graphml,
    /// GEXF 1.3, Gephi's own format, with time spells from the document dates.
    Gexf,
    /// Node-link JSON, as read by NetworkX's `node_link_graph` and D3.
    Json,
    /// `nodes.csv`, `edges.csv` and `mentions.csv` in a directory.
    Csv,
}

impl Format {
    /// Parses a format name as given to `--format`.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "dot" | "gv" => Some(Format::Dot),
            "graphml" => Some(Format::Graphml),
            "gexf" => Some(Format::Gexf),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format a file name's extension calls for.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "dot" | "gv" => Some(Format::Dot),
            "graphml" => Some(Format::Graphml),
            "gexf" => Some(Format::Gexf),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The format's name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Graphml => "graphml",
            Format::Gexf => "gexf",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// Which edges an output holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EdgeSelection {
    /// Co-occurrence and relation edges (a mixed graph).
    #[default]
    All,
    /// Only the undirected co-occurrence edges.
    Cooccurrence,
    /// Only the directed relation edges.
    Relations,
}

impl EdgeSelection {
    /// Whether an edge of this kind is written.
    pub fn includes(self, kind: crate::graph::EdgeKind) -> bool {
        use crate::graph::EdgeKind;
        match self {
            EdgeSelection::All => true,
            EdgeSelection::Cooccurrence => kind == EdgeKind::Cooccurrence,
            EdgeSelection::Relations => kind == EdgeKind::Relation,
        }
    }
}

/// Options shared by the writers.
#[derive(Debug, Clone, Copy)]
pub struct ExportOptions {
    /// Which edges to write.
    pub edges: EdgeSelection,
    /// Neutralise CSV text cells that a spreadsheet would run as a formula (OWASP: prefix a
    /// `'` to cells starting with `=`, `+`, `-`, `@`, tab or carriage return).
    pub csv_formula_guard: bool,
    /// What a drawn node's size follows (DOT and pictures).
    pub size_by: SizeBy,
    /// What a drawn node's colour follows (DOT and pictures).
    pub colour_by: ColourBy,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            edges: EdgeSelection::All,
            csv_formula_guard: true,
            size_by: SizeBy::Mentions,
            colour_by: ColourBy::Type,
        }
    }
}

/// The node metric a drawing sizes nodes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SizeBy {
    /// Mentions (log scale): how much the corpus talks about the entity.
    #[default]
    Mentions,
    /// PageRank: how central the entity is.
    Pagerank,
    /// Degree: how many entities it co-occurs with.
    Degree,
    /// Betweenness: how much it bridges groups.
    Betweenness,
}

/// What a drawing colours nodes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColourBy {
    /// The entity type.
    #[default]
    Type,
    /// The community found by modularity (falls back to the type when not analysed).
    Community,
}

/// Writes `g` in a single-file format to `w`.
///
/// [`Format::Dot`], [`Format::Graphml`], [`Format::Gexf`] and [`Format::Json`] are written
/// here; [`Format::Csv`] is a directory of
/// three files, which the caller writes with [`csv::write_nodes`], [`csv::write_edges`] and
/// [`csv::MentionsWriter`], so asking for it here is an [`io::ErrorKind::InvalidInput`] error.
pub fn write<W: io::Write>(
    format: Format,
    g: &KnowledgeGraph,
    opts: &ExportOptions,
    w: W,
) -> io::Result<()> {
    match format {
        Format::Dot => dot::write_dot(g, opts, w),
        Format::Graphml => graphml::write_graphml(g, opts, w),
        Format::Gexf => gexf::write_gexf(g, opts, w),
        Format::Json => json::write_json(g, opts, w),
        Format::Csv => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "csv output is a directory of three files: write it with export::csv",
        )),
    }
}

/// Formats a float the same way in every output (see the module documentation). A value
/// that is not finite gives an empty string; writers skip such values with
/// [`format_finite`] rather than write the empty string.
pub(crate) fn format_float(f: f64) -> String {
    float_str(&mut ryu::Buffer::new(), f).to_string()
}

/// [`format_float`] for values that are written only when finite.
pub(crate) fn format_finite(f: f64) -> Option<String> {
    f.is_finite().then(|| format_float(f))
}

/// [`format_float`] into `buf`, without allocating: what Rust's `{}` prints for
/// 1e-5 <= |f| < 1e16 and `{:e}` prints otherwise, with 0 for -0 (so that equal values
/// give equal bytes). Ryū finds shortest digits as Rust's formatting does (only an exact
/// tie between two of them is rounded to even where Rust rounds up) and places the decimal
/// point by the same rule at those bounds; it only adds ".0" to whole numbers. About three
/// times faster, and nothing is allocated.
pub(crate) fn float_str(buf: &mut ryu::Buffer, f: f64) -> &str {
    if !f.is_finite() {
        return "";
    }
    if f == 0.0 {
        return "0";
    }
    let s = buf.format_finite(f);
    s.strip_suffix(".0").unwrap_or(s)
}

/// The edges `opts` selects, in the graph's order.
pub(crate) fn selected_edges<'g>(
    g: &'g KnowledgeGraph,
    opts: &ExportOptions,
) -> impl Iterator<Item = (&'g Node, &'g Node, &'g Edge)> {
    let selection = opts.edges;
    g.edges()
        .filter(move |(_, _, e)| selection.includes(e.kind))
}

/// The colour of an entity type, as red, green and blue: ColorBrewer Set3, light enough for
/// black text, and grey for any type not listed. The DOT fill colours and the GEXF node
/// colours are the same, so a drawing and a Gephi view of one graph match.
pub(crate) fn type_rgb(kind: &str) -> (u8, u8, u8) {
    match kind {
        "country" => (0x8d, 0xd3, 0xc7),
        "person" => (0xff, 0xff, 0xb3),
        "agreement" => (0xbe, 0xba, 0xda),
        "event" => (0xfb, 0x80, 0x72),
        "organisation" => (0x80, 0xb1, 0xd3),
        "place" => (0xfd, 0xb4, 0x62),
        _ => (0xd9, 0xd9, 0xd9),
    }
}

/// Every dictionary attribute name found on a node, sorted (by bytes) and without repeats.
pub(crate) fn attribute_names(g: &KnowledgeGraph) -> Vec<&str> {
    let names: BTreeSet<&str> = g
        .nodes()
        .flat_map(|n| n.attributes.keys().map(String::as_str))
        .collect();
    names.into_iter().collect()
}

/// Gives each name a column or key name that differs, ignoring case, from every name in
/// `reserved` and from every earlier one: `clean` makes the name acceptable to the format,
/// and a clash gets a suffix `_2`, `_3`, ... Spreadsheets, Gephi and NetworkX would otherwise
/// merge two attributes into one column, or let a dictionary attribute hide a built-in one.
pub(crate) fn unique_names(
    names: &[&str],
    reserved: &[&str],
    clean: impl Fn(&str) -> String,
) -> Vec<String> {
    let mut used: BTreeSet<String> = reserved.iter().map(|r| r.to_lowercase()).collect();
    names
        .iter()
        .map(|name| {
            let base = clean(name);
            let mut candidate = base.clone();
            let mut n = 2;
            while used.contains(&candidate.to_lowercase()) {
                candidate = format!("{base}_{n}");
                n += 1;
            }
            used.insert(candidate.to_lowercase());
            candidate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_shortest_and_stable() {
        assert_eq!(format_float(1.0), "1");
        assert_eq!(format_float(0.5), "0.5");
        assert_eq!(format_float(-0.0), "0");
        assert_eq!(format_float(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(format_float(-2.25), "-2.25");
        assert_eq!(format_float(1e-7), "1e-7");
        assert_eq!(format_float(2.5e20), "2.5e20");
        assert_eq!(format_float(f64::NAN), "");
        assert_eq!(format_finite(f64::INFINITY), None);
        assert_eq!(format_finite(f64::NEG_INFINITY), None);
        assert_eq!(format_finite(0.25).as_deref(), Some("0.25"));
    }

    #[test]
    fn unique_names_avoid_reserved_and_each_other() {
        let names = unique_names(&["Label", "a b", "a_b", "iso"], &["label", "type"], |s| {
            s.replace(' ', "_")
        });
        assert_eq!(names, ["Label_2", "a_b", "a_b_2", "iso"]);
    }

    #[test]
    fn csv_is_not_a_single_file_format() {
        let g = testgraph::small();
        let err = write(Format::Csv, &g, &ExportOptions::default(), Vec::new()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let mut dot = Vec::new();
        write(Format::Dot, &g, &ExportOptions::default(), &mut dot).unwrap();
        assert!(dot.starts_with(b"digraph "));
        let mut graphml = Vec::new();
        write(Format::Graphml, &g, &ExportOptions::default(), &mut graphml).unwrap();
        assert!(graphml.starts_with(b"<?xml "));
        let mut gexf = Vec::new();
        write(Format::Gexf, &g, &ExportOptions::default(), &mut gexf).unwrap();
        assert!(gexf.starts_with(b"<?xml ") && gexf.ends_with(b"</gexf>\n"));
        let mut json = Vec::new();
        write(Format::Json, &g, &ExportOptions::default(), &mut json).unwrap();
        assert!(json.starts_with(b"{") && json.ends_with(b"}\n"));
    }

    #[test]
    fn format_names_and_extensions() {
        use std::path::Path;
        for (name, format) in [
            ("gexf", Format::Gexf),
            ("JSON", Format::Json),
            ("graphml", Format::Graphml),
        ] {
            assert_eq!(Format::parse(name), Some(format));
            assert_eq!(Format::parse(format.name()), Some(format));
        }
        assert_eq!(
            Format::from_extension(Path::new("out/g.GEXF")),
            Some(Format::Gexf)
        );
        assert_eq!(
            Format::from_extension(Path::new("g.json")),
            Some(Format::Json)
        );
        assert_eq!(Format::from_extension(Path::new("g.jsonl")), None);
    }

    #[test]
    fn type_colours_are_the_dot_fill_colours() {
        assert_eq!(type_rgb("country"), (141, 211, 199));
        assert_eq!(type_rgb("treaty-body"), (217, 217, 217));
    }

    /// The formatting [`float_str`] replaced: Rust's own.
    fn rust_float(f: f64) -> String {
        if !f.is_finite() {
            return String::new();
        }
        if f == 0.0 {
            return "0".to_string();
        }
        if (1e-5..1e16).contains(&f.abs()) {
            format!("{f}")
        } else {
            format!("{f:e}")
        }
    }

    #[test]
    fn floats_print_as_rust_prints_them() {
        let mut buf = ryu::Buffer::new();
        let mut ties = 0;
        let mut check = |f: f64| {
            let (ours, rust) = (float_str(&mut buf, f), rust_float(f));
            if ours != rust {
                // Only an exact tie between two shortest forms may differ (Ryū rounds it to
                // even, Rust up): same length, same notation, and both read back as `f`.
                assert_eq!(ours.len(), rust.len(), "{f:?}: {ours} vs {rust}");
                assert_eq!(ours.contains('e'), rust.contains('e'), "{f:?}");
                assert_eq!(ours.parse::<f64>().ok(), Some(f), "{f:?}: {ours}");
                assert_eq!(rust.parse::<f64>().ok(), Some(f), "{f:?}: {rust}");
                ties += 1;
            }
        };
        for f in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.3,
            1.5,
            100.0,
            1e-5,
            9.99e-6,
            1e-6,
            1e15,
            1e16,
            9_999_999_999_999_998.0,
            1e17,
            1.5e300,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            -2.5e-7,
            0.15594799913824134,
            1.0 / 3.0,
            2.0f64.log2(),
            (8.0f64 / 9.0).log2(),
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            check(f);
        }
        // Random bit patterns cover every exponent; ratios and logs are what the
        // measures and metrics produce.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..300_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            check(f64::from_bits(x));
            check((x % 1_000_003) as f64 / ((i % 9_973) + 1) as f64);
            check(((x % 100_000) as f64 + 1.0).log2() - 7.0);
        }
        assert!(ties < 100, "{ties} ties");
    }
}

/// A small graph with hostile labels and attribute values, shared by the writers' tests, and
/// the golden-file check.
#[cfg(test)]
pub(crate) mod testgraph {
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::PathBuf;

    use petgraph::graph::DiGraph;

    use crate::corpus::Date;
    use crate::graph::{
        Edge, EdgeKind, KnowledgeGraph, Measures, Node, RelationAttrs, Totals, Window,
    };

    fn date(s: &str) -> Option<Date> {
        Some(Date::parse(s).expect("a valid test date"))
    }

    #[allow(clippy::too_many_arguments)]
    fn node(
        id: &str,
        label: &str,
        kind: &str,
        attributes: &[(&str, &str)],
        mentions: u64,
        documents: u64,
        windows: u64,
        seen: Option<(&str, &str)>,
    ) -> Node {
        Node {
            id: id.to_string(),
            label: label.to_string(),
            kind: kind.to_string(),
            attributes: attributes
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            mentions,
            documents,
            windows,
            first_seen: seen.and_then(|s| date(s.0)),
            last_seen: seen.and_then(|s| date(s.1)),
            metrics: None,
        }
    }

    /// Eight nodes (ids that are DOT keywords; labels with markup, quotes, backslashes, a
    /// trailing backslash, line breaks, tabs, NUL and other controls, a right-to-left mark and
    /// emoji; attribute names that clash once cleaned; values a spreadsheet would run), two
    /// co-occurrence edges (one with measures that are not finite) and two relation edges
    /// (one negated and threatened, one asserted).
    pub(crate) fn small() -> KnowledgeGraph {
        let mut graph = DiGraph::new();
        let edge = graph.add_node(node(
            "Edge",
            "Edge",
            "organisation",
            &[("=risk", "+82-2-100"), ("iso", "@EU")],
            2,
            1,
            2,
            Some(("2019-07-04", "2019-07-04")),
        ));
        let graph_node = graph.add_node(node(
            "graph",
            "graph",
            "event",
            &[("note", "-5% tariffs; \"quoted\" & <tagged>")],
            3,
            2,
            3,
            Some(("2019-07-01", "2019-08-02")),
        ));
        let jp = graph.add_node(node(
            "jp",
            "Japan <&> \"Nippon\" 'JP'",
            "country",
            &[
                ("iso", "JP"),
                ("party name", "=HYPERLINK(\"http://example.com\")"),
            ],
            12,
            3,
            10,
            Some(("2019-07-01", "2019-08-02")),
        ));
        let kr = graph.add_node(node(
            "kr",
            "South Korea\\",
            "country",
            &[("iso", "KR"), ("party_name", "\ttab first\u{0}")],
            9,
            3,
            8,
            Some(("2019-07-01", "2019-08-02")),
        ));
        let moon = graph.add_node(node(
            "node",
            "Moon\nJae-in\t(NUL\u{0} bell\u{7} esc\u{1b} del\u{7f})",
            "person",
            &[("名前", "文在寅"), ("x\u{1}y", "\u{FFFE}odd\u{FFFF}")],
            5,
            2,
            5,
            Some(("2019-07-02", "2019-08-01")),
        ));
        let strict = graph.add_node(node(
            "strict",
            "strict \u{200F}\u{5D0}\u{5D1} 🇰🇷🤝🇯🇵",
            "agreement",
            &[("iso", "\u{0}")],
            1,
            1,
            1,
            None,
        ));
        graph.add_node(node(
            "subgraph",
            "subgraph",
            "treaty-body",
            &[("Label", "shadows the label")],
            1,
            1,
            1,
            Some(("2019-07-03", "2019-07-03")),
        ));
        graph.add_node(node(
            "us.gov-1",
            "Washington, D.C.\r\nsecond line\rthird",
            "place",
            &[],
            4,
            2,
            4,
            Some(("2019-07-02", "2019-07-30")),
        ));
        graph.add_edge(
            graph_node,
            moon,
            Edge {
                kind: EdgeKind::Cooccurrence,
                weight: 1,
                documents: 1,
                measures: Some(Measures {
                    pmi: f64::NAN,
                    npmi: f64::INFINITY,
                    jaccard: 0.2,
                    dice: -0.0,
                }),
                relation: None,
                first_seen: date("2019-07-02"),
                last_seen: date("2019-07-02"),
            },
        );
        graph.add_edge(
            jp,
            kr,
            Edge {
                kind: EdgeKind::Cooccurrence,
                weight: 6,
                documents: 3,
                measures: Some(Measures::compute(6, 10, 8, 40)),
                relation: None,
                first_seen: date("2019-07-01"),
                last_seen: date("2019-08-02"),
            },
        );
        graph.add_edge(
            edge,
            strict,
            Edge {
                kind: EdgeKind::Relation,
                weight: 1,
                documents: 1,
                measures: None,
                relation: Some(RelationAttrs {
                    relation: "signs".to_string(),
                    negated: false,
                    modality: "asserted".to_string(),
                    reversed: false,
                }),
                first_seen: None,
                last_seen: None,
            },
        );
        graph.add_edge(
            jp,
            kr,
            Edge {
                kind: EdgeKind::Relation,
                weight: 2,
                documents: 2,
                measures: None,
                relation: Some(RelationAttrs {
                    relation: "restricts_trade".to_string(),
                    negated: true,
                    modality: "threatened".to_string(),
                    reversed: false,
                }),
                first_seen: date("2019-07-01"),
                last_seen: date("2019-07-04"),
            },
        );
        KnowledgeGraph {
            graph,
            window: Window::Sentence,
            totals: Totals {
                documents: 3,
                windows: 40,
                mentions: 37,
            },
            modularity: None,
            timeline: None,
        }
    }

    /// Compares `actual` with `tests/data/golden/NAME` byte for byte; with `KGRAPH_BLESS=1` in
    /// the environment it rewrites the file instead.
    pub(crate) fn check_golden(name: &str, actual: &[u8]) {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/golden")
            .join(name);
        if std::env::var_os("KGRAPH_BLESS").is_some_and(|v| v == "1") {
            fs::create_dir_all(path.parent().expect("golden files live in a directory"))
                .expect("create the golden directory");
            fs::write(&path, actual).expect("write the golden file");
            return;
        }
        let expected = fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run the tests with KGRAPH_BLESS=1 to create it",
                path.display()
            )
        });
        if expected != actual {
            // Compare as text first, for a readable diff; fall back to bytes.
            assert_eq!(
                String::from_utf8_lossy(&expected),
                String::from_utf8_lossy(actual),
                "{} is out of date; if the change is intended, rerun with KGRAPH_BLESS=1",
                path.display()
            );
            panic!(
                "{} differs in bytes that are not valid UTF-8",
                path.display()
            );
        }
    }
}
