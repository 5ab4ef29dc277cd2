//! Writing the graph: one module per format, each a set of functions that write to any
//! `io::Write`.
//!
//! This module owns the closed [`Format`] enum and the options shared by the writers. The
//! writers read a finished [`crate::graph::KnowledgeGraph`] and never change it; they walk
//! nodes and edges in the graph's order, so the same graph always gives the same bytes.
//! Choosing file names and writing them atomically is the caller's job.

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Graphviz DOT.
    Dot,
    /// GraphML, as read by Gephi, NetworkX, igraph and yEd.
    Graphml,
    /// `nodes.csv`, `edges.csv` and `mentions.csv` in a directory.
    Csv,
}

impl Format {
    /// Parses a format name as given to `--format`.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "dot" | "gv" => Some(Format::Dot),
            "graphml" => Some(Format::Graphml),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format a file name's extension calls for.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "dot" | "gv" => Some(Format::Dot),
            "graphml" => Some(Format::Graphml),
            _ => None,
        }
    }

    /// The format's name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Graphml => "graphml",
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
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { edges: EdgeSelection::All, csv_formula_guard: true }
    }
}
