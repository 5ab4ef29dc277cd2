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

use std::borrow::Cow;
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
    clean_cell(s, guard).into_owned()
}

/// [`text_cell`] without a copy when the cell needs no change, as nearly every cell does.
fn clean_cell(s: &str, guard: bool) -> Cow<'_, str> {
    // Check the bytes: every character dropped below is either an ASCII control or starts
    // with the byte 0xEF.
    let clean = !s
        .bytes()
        .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF);
    if clean && !(guard && s.starts_with(['=', '+', '-', '@', '\t', '\r'])) {
        return Cow::Borrowed(s);
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
    Cow::Owned(out)
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

/// Appends one cell to a row: as RFC 4180 says, a cell holding a comma, a quote, a carriage
/// return or a line feed is quoted, its quotes doubled; the bytes are those the csv crate's
/// writer makes for the other files.
fn push_cell(out: &mut Vec<u8>, cell: &[u8]) {
    if cell
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push(b'"');
        for part in cell.split_inclusive(|&b| b == b'"') {
            out.extend_from_slice(part);
            if part.ends_with(b"\"") {
                out.push(b'"');
            }
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(cell);
    }
}

/// Whether a byte is one that [`clean_cell`] drops or starts a character it drops: an ASCII
/// control other than tab, line feed and carriage return, or the lead byte 0xEF (of U+FFFE
/// and U+FFFF, and of many characters it keeps). Comparisons joined with `|`, so that
/// [`scan_cell`] tests a whole chunk at once.
fn may_be_dropped(b: u8) -> bool {
    ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xEF)
}

/// Whether a byte makes [`push_cell`] quote its cell.
fn needs_quotes(b: u8) -> bool {
    (b == b',') | (b == b'"') | (b == b'\n') | (b == b'\r')
}

/// One look at every byte of a cell: whether any [`may_be_dropped`] and whether any
/// [`needs_quotes`]. The bytes are tested 16 at a time in a branch-free pass that the
/// compiler turns into vector instructions; a sentence's text, the longest cell, nearly
/// always holds a comma, and testing it a byte at a time, once for cleaning and once for
/// quoting, took 3% of a run.
#[inline(always)]
fn scan_cell(bytes: &[u8]) -> (bool, bool) {
    const CHUNK: usize = 16;
    // `u8` accumulators: with `bool` the compiler keeps a branch per byte.
    let (mut dropped, mut quoted) = (0u8, 0u8);
    let mut chunks = bytes.chunks_exact(CHUNK);
    for chunk in &mut chunks {
        for &b in chunk {
            dropped |= u8::from(may_be_dropped(b));
            quoted |= u8::from(needs_quotes(b));
        }
    }
    for &b in chunks.remainder() {
        dropped |= u8::from(may_be_dropped(b));
        quoted |= u8::from(needs_quotes(b));
    }
    (dropped != 0, quoted != 0)
}

/// The index of the first `"` in `bytes`, tested 16 bytes at a time as in [`scan_cell`].
fn find_quote(bytes: &[u8]) -> Option<usize> {
    const CHUNK: usize = 16;
    let mut chunks = bytes.chunks_exact(CHUNK);
    let mut base = 0;
    for chunk in &mut chunks {
        if chunk.iter().fold(0u8, |any, &b| any | u8::from(b == b'"')) != 0 {
            return chunk.iter().position(|&b| b == b'"').map(|i| base + i);
        }
        base += CHUNK;
    }
    let rest = chunks.remainder();
    rest.iter().position(|&b| b == b'"').map(|i| base + i)
}

/// Bytes that send a short text cell down [`push_long_text`]: the controls and the 0xEF lead
/// byte that [`clean_cell`] looks at, and what needs quoting.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[0xEF] = true;
    t[b',' as usize] = true;
    t[b'"' as usize] = true;
    t
};

/// Appends a text cell, cleaned and guarded as [`text_cell`] says, and a comma: the bytes
/// [`push_cell`] makes of [`clean_cell`]'s output.
fn push_text(out: &mut Vec<u8>, s: &str, guard: bool) {
    let bytes = s.as_bytes();
    // Nearly every cell is short and plain: one look at each byte, and a copy.
    if bytes.len() < 32
        && !bytes.iter().any(|&b| SPECIAL[b as usize])
        && !(guard && matches!(bytes.first(), Some(b'=' | b'+' | b'-' | b'@')))
    {
        out.extend_from_slice(bytes);
        out.push(b',');
    } else {
        push_long_text(out, s, guard);
    }
}

/// [`push_text`] for a cell that is long (a sentence, which nearly always holds a comma) or
/// not plain.
#[inline(never)]
fn push_long_text(out: &mut Vec<u8>, s: &str, guard: bool) {
    let bytes = s.as_bytes();
    let (dropped, quoted) = scan_cell(bytes);
    if dropped
        || (guard
            && matches!(
                bytes.first(),
                Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
            ))
    {
        // Rare: a cell to clean or to guard.
        push_cell(out, clean_cell(s, guard).as_bytes());
    } else if !quoted {
        out.extend_from_slice(bytes);
    } else {
        // Quoted, its quotes doubled, as `push_cell` does, with the quotes found a chunk
        // at a time.
        out.push(b'"');
        let mut rest = bytes;
        while let Some(i) = find_quote(rest) {
            out.extend_from_slice(&rest[..=i]);
            out.push(b'"');
            rest = &rest[i + 1..];
        }
        out.extend_from_slice(rest);
        out.push(b'"');
    }
    out.push(b',');
}

/// Appends a number and a comma.
fn push_number(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    out.push(b',');
}

/// Appends six numbers, each with a comma after it: the bytes six [`push_number`]s make,
/// written into one buffer on the stack and copied at once. Every row of `mentions.csv`
/// and `evidence.csv` has six offsets, and copying each number on its own cost more than
/// formatting it.
fn push_numbers(out: &mut Vec<u8>, numbers: [usize; 6]) {
    // The digits of 0 to 99, two by two.
    const PAIRS: &[u8; 200] = b"\
        0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    // At most 20 digits and a comma each, written backwards from the end, two digits at a
    // time.
    let mut buf = [0u8; 6 * 21];
    let mut at = buf.len();
    for mut n in numbers.into_iter().rev() {
        at -= 1;
        buf[at] = b',';
        while n >= 100 {
            let pair = 2 * (n % 100);
            n /= 100;
            at -= 2;
            buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
        }
        if n >= 10 {
            at -= 2;
            buf[at..at + 2].copy_from_slice(&PAIRS[2 * n..2 * n + 2]);
        } else {
            at -= 1;
            buf[at] = b'0' + n as u8;
        }
    }
    out.extend_from_slice(&buf[at..]);
}

/// Appends a date (or nothing when there is none) and a comma.
fn push_date(out: &mut Vec<u8>, date: Option<crate::corpus::Date>) {
    if let Some(d) = date {
        use std::io::Write as _;
        // Writing into a Vec cannot fail.
        let _ = write!(out, "{d}");
    }
    out.push(b',');
}

/// Ends a row: its last cell's comma becomes the line end.
fn end_row(out: &mut [u8]) {
    if let Some(last) = out.last_mut() {
        *last = b'\n';
    }
}

/// Appends a header row.
fn push_header(out: &mut Vec<u8>, columns: &[&str]) {
    for c in columns {
        push_cell(out, c.as_bytes());
        out.push(b',');
    }
    end_row(out);
}

/// Appends an entity's `Entity,Label,Type,` cells.
fn push_entity(out: &mut Vec<u8>, entity: &crate::dictionary::Entity, guard: bool) {
    push_text(out, &entity.id, guard);
    push_text(out, &entity.label, guard);
    push_text(out, &entity.kind, guard);
}

/// Appends one `mentions.csv` row: `first` holds the document's `Document,Date,` cells,
/// `entity` the entity's and `last` the document's `Source` cell and the line end.
fn push_mention(
    out: &mut Vec<u8>,
    (first, entity, last): (&[u8], &[u8], &[u8]),
    m: &Mention,
    surface: &str,
    guard: bool,
) {
    out.extend_from_slice(first);
    out.extend_from_slice(entity);
    push_text(out, m.kind.name(), guard);
    push_text(out, surface, guard);
    push_numbers(
        out,
        [
            m.sentence as usize,
            m.paragraph as usize,
            m.start,
            m.end,
            m.char_start,
            m.char_end,
        ],
    );
    out.extend_from_slice(last);
}

/// A document's cells that every one of its rows shares: `Document,Date,` and `Source`.
fn document_cells(doc: &Document, guard: bool) -> (Vec<u8>, Vec<u8>) {
    let mut first = Vec::new();
    push_text(&mut first, &doc.id, guard);
    push_date(&mut first, doc.date);
    let mut last = Vec::new();
    push_cell(&mut last, clean_cell(&doc.source, guard).as_bytes());
    last.push(b'\n');
    (first, last)
}

/// Checks that a mention's entity is in the dictionary and its offsets fall on
/// character boundaries of the text, and gives its surface text.
fn surface<'d>(doc: &'d Document, entities: usize, m: &Mention) -> io::Result<&'d str> {
    let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidInput, what);
    if m.entity as usize >= entities {
        return Err(invalid(format!(
            "{}: mention of entity {} which is not in the dictionary",
            doc.id, m.entity
        )));
    }
    doc.text.get(m.start..m.end).ok_or_else(|| {
        invalid(format!(
            "{}: mention at bytes {}..{} is outside the text",
            doc.id, m.start, m.end
        ))
    })
}

/// Makes `mentions.csv` rows: the bytes [`MentionsWriter::write`] writes for each mention,
/// with every entity's cells made once. It can be shared between threads: the rows of many
/// documents can be made on worker threads and written in input order with
/// [`MentionsWriter::write_rows`].
pub struct MentionRows<'a> {
    dict: &'a Dictionary,
    guard: bool,
    /// Each entity's `Entity,Label,Type,` cells: entity `i`'s are
    /// `cells[starts[i]..starts[i + 1]]`.
    cells: Vec<u8>,
    starts: Vec<usize>,
}

impl<'a> MentionRows<'a> {
    /// Prepares the rows of mentions of `dict`'s entities.
    pub fn new(dict: &'a Dictionary, opts: &ExportOptions) -> Self {
        let guard = opts.csv_formula_guard;
        let mut cells = Vec::new();
        let mut starts = vec![0];
        for e in &dict.entities {
            push_entity(&mut cells, e, guard);
            starts.push(cells.len());
        }
        MentionRows {
            dict,
            guard,
            cells,
            starts,
        }
    }

    /// Appends the rows of `mentions`, all of them in `doc`, to `out`. A mention whose
    /// entity is not in the dictionary, or whose offsets do not fall on character
    /// boundaries of the text, is an [`io::ErrorKind::InvalidInput`] error.
    pub fn format(
        &self,
        doc: &Document,
        mentions: &[Mention],
        out: &mut Vec<u8>,
    ) -> io::Result<()> {
        if mentions.is_empty() {
            return Ok(());
        }
        let (first, last) = document_cells(doc, self.guard);
        out.reserve(mentions.len() * (first.len() + last.len() + 80));
        for m in mentions {
            let surface = surface(doc, self.dict.entities.len(), m)?;
            let e = m.entity as usize;
            let entity = &self.cells[self.starts[e]..self.starts[e + 1]];
            push_mention(out, (&first, entity, &last), m, surface, self.guard);
        }
        Ok(())
    }
}

/// Writes `mentions.csv` as the documents stream by, so a corpus never has to be held in
/// memory: one mention at a time with [`MentionsWriter::write`], or rows made ahead by a
/// [`MentionRows`].
///
/// ```
/// use kgraph::export::{ExportOptions, csv::MentionsWriter};
///
/// let w = MentionsWriter::new(Vec::new(), &ExportOptions::default())?;
/// let bytes = w.finish()?;
/// assert!(bytes.starts_with(b"Document,Date,Entity,Label,Type,Kind,Surface,"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct MentionsWriter<W: io::Write>(RowFile<W>);

impl<W: io::Write> MentionsWriter<W> {
    /// Starts `mentions.csv` on `w` and writes the header.
    pub fn new(w: W, opts: &ExportOptions) -> io::Result<Self> {
        RowFile::start(w, opts, MENTION_COLUMNS).map(MentionsWriter)
    }

    /// Writes one mention of `doc`, whose entity is looked up in `dict`. A mention whose
    /// entity is not in `dict`, or whose offsets do not fall on character boundaries of
    /// the text, is an [`io::ErrorKind::InvalidInput`] error.
    pub fn write(&mut self, doc: &Document, dict: &Dictionary, m: &Mention) -> io::Result<()> {
        let guard = self.0.opts.csv_formula_guard;
        let surface = surface(doc, dict.entities.len(), m)?;
        let (first, last) = document_cells(doc, guard);
        let mut entity = Vec::new();
        push_entity(&mut entity, &dict.entities[m.entity as usize], guard);
        self.0.write_row(|row, _| {
            push_mention(row, (&first, &entity, &last), m, surface, guard);
            Ok(())
        })
    }

    /// Writes rows made by a [`MentionRows`] with the same options.
    pub fn write_rows(&mut self, rows: &[u8]) -> io::Result<()> {
        self.0.out.write_all(rows)
    }

    /// Flushes what is buffered and gives the underlying writer back.
    pub fn finish(self) -> io::Result<W> {
        self.0.finish()
    }
}

/// A CSV file written as documents stream by: the header first, then rows made one at a
/// time or ahead of time; what [`MentionsWriter`] and [`EvidenceWriter`] share.
struct RowFile<W: io::Write> {
    out: W,
    opts: ExportOptions,
    row: Vec<u8>,
}

impl<W: io::Write> RowFile<W> {
    fn start(mut out: W, opts: &ExportOptions, columns: &[&str]) -> io::Result<Self> {
        let mut row = Vec::new();
        push_header(&mut row, columns);
        out.write_all(&row)?;
        Ok(RowFile {
            out,
            opts: *opts,
            row,
        })
    }

    /// Writes the row `fill` makes in a reused buffer.
    fn write_row(
        &mut self,
        fill: impl FnOnce(&mut Vec<u8>, &ExportOptions) -> io::Result<()>,
    ) -> io::Result<()> {
        self.row.clear();
        fill(&mut self.row, &self.opts)?;
        self.out.write_all(&self.row)
    }

    fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
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

/// Formats the `evidence.csv` rows of `relations`, all found in `tagged` (the tagging of
/// `doc`) by `rules`, onto `out`: the bytes [`EvidenceWriter::write`] writes for each.
pub fn evidence_rows(
    doc: &Document,
    dict: &Dictionary,
    tagged: &crate::tagger::TaggedDocument,
    relations: &[Relation],
    rules: &crate::relations::RuleSet,
    opts: &ExportOptions,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    for r in relations {
        let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidInput, what);
        let rule = rules
            .rules
            .get(r.rule as usize)
            .ok_or_else(|| invalid(format!("{}: relation of unknown rule {}", doc.id, r.rule)))?;
        let sentence = tagged
            .sentences
            .get(r.sentence as usize)
            .and_then(|s| doc.text.get(s.span.clone()))
            .ok_or_else(|| invalid(format!("{}: relation outside the text", doc.id)))?;
        evidence_row(doc, dict, r, &rule.id, sentence, opts, out)?;
    }
    Ok(())
}

/// Formats one `evidence.csv` row.
fn evidence_row(
    doc: &Document,
    dict: &Dictionary,
    r: &Relation,
    rule: &str,
    sentence: &str,
    opts: &ExportOptions,
    out: &mut Vec<u8>,
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
    let (subject, object) = (id(r.subject)?, id(r.object)?);
    let g = opts.csv_formula_guard;
    let bool_cell = |b: bool| if b { "true" } else { "false" };
    push_text(out, &doc.id, g);
    push_date(out, doc.date);
    push_number(out, r.sentence as usize);
    push_text(out, subject, g);
    push_text(out, object, g);
    push_text(out, &r.attrs.relation, g);
    push_cell(out, bool_cell(r.attrs.negated).as_bytes());
    out.push(b',');
    push_text(out, &r.attrs.modality, g);
    push_cell(out, bool_cell(r.attrs.reversed).as_bytes());
    out.push(b',');
    push_text(out, rule, g);
    push_numbers(
        out,
        [
            r.subject_span.start,
            r.subject_span.end,
            r.object_span.start,
            r.object_span.end,
            r.trigger.start,
            r.trigger.end,
        ],
    );
    push_text(out, trigger, g);
    push_text(out, sentence, g);
    end_row(out);
    Ok(())
}

/// Writes `evidence.csv` as documents stream by: one row per stated relation, with the
/// byte offsets of both mentions and of the trigger in the document's text, the rule that
/// fired and the sentence.
pub struct EvidenceWriter<W: io::Write>(RowFile<W>);

impl<W: io::Write> EvidenceWriter<W> {
    /// Starts `evidence.csv` on `w` and writes the header.
    pub fn new(w: W, opts: &ExportOptions) -> io::Result<Self> {
        RowFile::start(w, opts, EVIDENCE_COLUMNS).map(EvidenceWriter)
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
        self.0
            .write_row(|row, opts| evidence_row(doc, dict, r, rule, sentence, opts, row))
    }

    /// Writes rows made by [`evidence_rows`] with the same options.
    pub fn write_rows(&mut self, rows: &[u8]) -> io::Result<()> {
        self.0.out.write_all(rows)
    }

    /// Flushes what is buffered and gives the underlying writer back.
    pub fn finish(self) -> io::Result<W> {
        self.0.finish()
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

    #[test]
    fn streamed_cells_are_the_bytes_the_csv_writer_makes() {
        let cells = [
            "",
            "plain",
            "a,b",
            "say \"no\"",
            "\"",
            "line\nbreak",
            "cr\rlf",
            "tab\there",
            "=1+2",
            "+",
            "-3",
            "@home",
            "\tlead",
            " space ",
            "nul\u{0}x",
            "\u{FFFE}bad\u{FFFF}",
            "\u{EF}\u{FEFF}bom",
            "\u{2019}quote",
            "Seoul\u{1F}",
            "'",
            ",",
            "\r\n",
        ];
        // Cells around the chunk size, with a quote, a comma, a control, a byte 0xEF or a
        // formula sign at every place.
        let mut long: Vec<String> = Vec::new();
        for len in [15, 16, 17, 31, 32, 33, 47, 100] {
            for at in 0..len {
                for c in [
                    '"', ',', '\n', '\u{1}', '\u{FFFE}', '\u{FEFF}', '\t', '=', 'é',
                ] {
                    let mut cell: String = "a".repeat(len);
                    cell.replace_range(at..at + 1, &c.to_string());
                    long.push(cell.clone());
                    cell.push('"');
                    long.push(cell);
                }
            }
        }
        let cells: Vec<&str> = cells
            .iter()
            .copied()
            .chain(long.iter().map(String::as_str))
            .collect();
        for guard in [true, false] {
            let mut ours = Vec::new();
            let mut theirs = writer(Vec::new());
            for &c in &cells {
                push_text(&mut ours, c, guard);
                theirs.write_field(text_cell(c, guard)).unwrap();
            }
            end_row(&mut ours);
            theirs.write_record(None::<&[u8]>).unwrap();
            let theirs = theirs.into_inner().unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap(),
                "guard {guard}"
            );
        }
    }

    #[test]
    fn six_numbers_at_once_are_six_numbers_one_by_one() {
        let edges = [
            0,
            1,
            9,
            10,
            99,
            100,
            12_345,
            1 << 32,
            usize::MAX - 1,
            usize::MAX,
        ];
        for (i, &a) in edges.iter().enumerate() {
            let ns = [
                a,
                edges[(i + 3) % edges.len()],
                7,
                a / 3,
                1000,
                edges[9 - i],
            ];
            let mut one = Vec::new();
            for n in ns {
                push_number(&mut one, n);
            }
            let mut six = Vec::new();
            push_numbers(&mut six, ns);
            assert_eq!(six, one);
        }
    }

    #[test]
    fn rows_made_ahead_are_the_rows_written_one_by_one() {
        let mut b = crate::dictionary::Builder::default();
        b.add_csv(
            "t.csv",
            "id,type,label,aliases\njp,country,\"Japan, the state\",Tokyo|Japan\nkr,country,=Korea,Seoul\n",
        )
        .unwrap();
        let dict = b.finish().unwrap();
        let tagger = crate::tagger::Tagger::new(&dict).unwrap();
        let doc = Document::new("d,1", "Tokyo met \"Seoul\".\nJapan and Seoul.")
            .with_date(Date::new(2019, 8, 2).unwrap());
        let tagged = tagger.tag(&doc);
        assert_eq!(tagged.mentions.len(), 4);
        for opts in [
            ExportOptions::default(),
            ExportOptions {
                csv_formula_guard: false,
                ..ExportOptions::default()
            },
        ] {
            let mut one = MentionsWriter::new(Vec::new(), &opts).unwrap();
            for m in &tagged.mentions {
                one.write(&doc, &dict, m).unwrap();
            }
            let one = one.finish().unwrap();
            let mut rows = Vec::new();
            MentionRows::new(&dict, &opts)
                .format(&doc, &tagged.mentions, &mut rows)
                .unwrap();
            let mut ahead = MentionsWriter::new(Vec::new(), &opts).unwrap();
            ahead.write_rows(&rows).unwrap();
            assert_eq!(ahead.finish().unwrap(), one);
            // Every row has the 14 columns a CSV reader finds.
            let mut r = ::csv::Reader::from_reader(one.as_slice());
            let n = r
                .records()
                .map(|rec| assert_eq!(rec.unwrap().len(), 14))
                .count();
            assert_eq!(n, 4);
        }
    }

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
