//! Reading the corpus: text files, directories, JSON Lines and stdin, one document at a time.
//!
//! This module owns [`Document`], [`Date`] and the readers that turn inputs into a stream of
//! documents. It does not look inside the text (that is [`crate::text`]).
//!
//! - A `.txt` or `.md` file is one document; its id is the path as given. It may start with a
//!   front-matter block (`---`, then `date: 2020-01-04`, `title: ...`, `url: ...`, `id: ...`
//!   lines, then `---`), which sets the metadata and is not tagged.
//! - A `.jsonl` file holds one JSON object a line: `{"id", "text", "date"?, "title"?, "url"?}`.
//!   Blank lines are allowed. The id is a string, or a number taken as it is written (digits
//!   kept whole, however long; an exponent written `e+`), so two records never share an id
//!   through rounding; with no id, a record is `file:line`. A malformed line is an error naming the file and the line, unless
//!   the reader was told to skip bad records, in which case it is counted and reported.
//! - A directory is walked recursively in sorted order; `.txt`, `.md` and `.jsonl` files are
//!   read, every other file is counted as skipped and reported, never dropped silently.
//!   Symbolic links to directories are followed once (a loop is reported, not followed).
//! - `-` is stdin: JSON Lines when its first non-blank byte is `{`, otherwise one text
//!   document with the id `<stdin>`.
//! - A file reached twice (named twice, spelled two ways, inside a directory also given, or
//!   through a symbolic link) is read once, with a warning. Documents come out in input
//!   order: inputs as given, a directory's files in sorted order.
//! - A text file (or stdin text) that opens with a UTF-16 byte-order mark (as Windows tools
//!   save "Unicode" text) is decoded from UTF-16, little- or big-endian by the mark.
//! - A text file (or stdin) holding binary data, a NUL byte and bytes that are not UTF-8 in
//!   its first 8 KiB, is skipped with a warning.
//!
//! Text that is not valid UTF-8 (or UTF-16 after its mark) is decoded with U+FFFD in place of
//! each invalid sequence and a warning names the file and the line of the first bad byte;
//! with `strict_utf8` it is an error instead. Offsets in mentions refer to the decoded text.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};

/// A calendar date (proleptic Gregorian), ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2019.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
}

impl Date {
    /// Makes a date, checking that the day exists in that month.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`, also accepting a longer ISO 8601 timestamp (only the date part is
    /// kept), `YYYY-MM` (the first of the month) and `YYYY` (1 January).
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let date = s.get(..10).filter(|_| s.len() >= 10).unwrap_or(s);
        let mut parts = date.split('-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u8 = match parts.next() {
            Some(m) if m.len() == 2 => m.parse().ok()?,
            Some(_) => return None,
            None => 1,
        };
        let day: u8 = match parts.next() {
            Some(d) if d.len() == 2 => d.parse().ok()?,
            Some(_) => return None,
            None => 1,
        };
        if parts.next().is_some() || !(1000..=9999).contains(&year) {
            return None;
        }
        if s.len() > 10 && !s[10..].starts_with(['T', ' ']) {
            return None;
        }
        Date::new(year, month, day)
    }

    /// The date `days` days after 1970-01-01 (the inverse of [`Date::days_since_epoch`]).
    pub fn from_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Days since the last Monday: 0 for a Monday, 6 for a Sunday.
    pub fn weekday_from_monday(self) -> i64 {
        // 1970-01-01 was a Thursday (3 days after a Monday).
        (self.days_since_epoch() + 3).rem_euclid(7)
    }

    /// Days since 1970-01-01 (negative before), for arithmetic on dates.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// A calendar period that documents are grouped by (`--by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// One day.
    Day,
    /// An ISO week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar year.
    Year,
}

impl Period {
    /// Parses `day`, `week`, `month` or `year`.
    pub fn parse(s: &str) -> Option<Period> {
        match s {
            "day" => Some(Period::Day),
            "week" => Some(Period::Week),
            "month" => Some(Period::Month),
            "year" => Some(Period::Year),
            _ => None,
        }
    }

    /// The period's name.
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }

    /// The first day of the period holding `date`.
    pub fn start(self, date: Date) -> Date {
        match self {
            Period::Day => date,
            Period::Week => Date::from_days(date.days_since_epoch() - date.weekday_from_monday()),
            Period::Month => Date { day: 1, ..date },
            Period::Year => Date {
                month: 1,
                day: 1,
                ..date
            },
        }
    }

    /// The last day of the period holding `date`.
    pub fn end(self, date: Date) -> Date {
        match self {
            Period::Day => date,
            Period::Week => Date::from_days(self.start(date).days_since_epoch() + 6),
            Period::Month => Date {
                day: days_in_month(date.year, date.month),
                ..date
            },
            Period::Year => Date {
                month: 12,
                day: 31,
                ..date
            },
        }
    }

    /// A short label for the period holding `date`, used in file names: `2019-07-04`,
    /// `2019-W27`, `2019-07`, `2019`.
    pub fn label(self, date: Date) -> String {
        match self {
            Period::Day => date.to_string(),
            Period::Week => {
                // The ISO week-numbering year is the year of the week's Thursday.
                let thursday = Date::from_days(self.start(date).days_since_epoch() + 3);
                let jan1 = Date {
                    month: 1,
                    day: 1,
                    ..thursday
                };
                let week = (thursday.days_since_epoch() - jan1.days_since_epoch()) / 7 + 1;
                format!("{}-W{week:02}", thursday.year)
            }
            Period::Month => format!("{:04}-{:02}", date.year, date.month),
            Period::Year => format!("{:04}", date.year),
        }
    }
}

/// One article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The id: the JSON Lines `id`, the front-matter `id`, or the file path as given.
    pub id: String,
    /// The whole text, as read (after UTF-8 decoding).
    pub text: String,
    /// Where the taggable body starts: after the front matter, if any; 0 otherwise.
    pub body_start: usize,
    /// The document's date, when it has one.
    pub date: Option<Date>,
    /// Whether the date was read from a dateline in the text rather than given.
    pub date_inferred: bool,
    /// The title, when it has one.
    pub title: Option<String>,
    /// The source URL, when it has one.
    pub url: Option<String>,
    /// Where it came from: a path, or a path and line for JSON Lines.
    pub source: String,
}

impl Document {
    /// A document from a string, with no metadata: the simplest way in from library code.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Document {
        let id = id.into();
        Document {
            source: id.clone(),
            id,
            text: text.into(),
            body_start: 0,
            date: None,
            date_inferred: false,
            title: None,
            url: None,
        }
    }

    /// Sets the date (builder style).
    pub fn with_date(mut self, date: Date) -> Document {
        self.date = Some(date);
        self
    }

    /// The part of the text that is tagged.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

/// One input as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file or a directory.
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Input {
    /// `-` is stdin, anything else a path.
    pub fn parse(s: &str) -> Input {
        if s == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(s))
        }
    }
}

/// How the readers treat problems.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Refuse text that is not valid UTF-8 instead of decoding it with replacement characters.
    pub strict_utf8: bool,
    /// Skip malformed JSON Lines records (counted in the [`ReadReport`]) instead of failing.
    pub skip_bad: bool,
    /// Read an undated document's date from a dateline near its top (see [`infer_date`]).
    pub infer_dates: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            strict_utf8: false,
            skip_bad: false,
            infer_dates: true,
        }
    }
}

/// What the readers passed over or repaired, so that nothing is lost silently.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadReport {
    /// Warnings, one line each, naming the file and line.
    pub warnings: Vec<String>,
    /// Files in directories that were not read because of their extension.
    pub skipped_files: Vec<PathBuf>,
    /// JSON Lines records that were skipped (with `skip_bad`).
    pub skipped_records: u64,
    /// Documents whose text was not valid UTF-8 and was decoded with replacement characters.
    pub lossy_documents: u64,
    /// Documents given twice (same id and the same text), read once.
    pub duplicate_documents: u64,
}

/// A file that will be read, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Text(PathBuf),
    JsonLines(PathBuf),
    Stdin,
}

/// Lists what the inputs hold, in order: files as given, directories walked in sorted order.
/// Fails on a path that does not exist or cannot be read.
fn plan(inputs: &[Input], report: &mut ReadReport) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    for input in inputs {
        match input {
            Input::Stdin => out.push(Source::Stdin),
            Input::Path(p) => {
                let meta = fs::metadata(p).map_err(|e| Error::io(p, e))?;
                if meta.is_dir() {
                    let mut seen = HashSet::new();
                    walk(p, &mut seen, &mut out, report)?;
                } else if is_jsonl(p) {
                    out.push(Source::JsonLines(p.clone()));
                } else {
                    // A file named explicitly is read as text whatever its extension.
                    out.push(Source::Text(p.clone()));
                }
            }
        }
    }
    // A file reached twice (named twice, spelled "./a.txt" and "a.txt", inside a directory
    // also given, or through a symbolic link) is read once: its documents would otherwise
    // count twice under two ids.
    let mut first: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut stdin = false;
    out.retain(|source| {
        let (Source::Text(p) | Source::JsonLines(p)) = source else {
            // Stdin read twice is an empty document the second time.
            if std::mem::replace(&mut stdin, true) {
                report
                    .warnings
                    .push("-: stdin was given again; read once".to_string());
                return false;
            }
            return true;
        };
        let key = fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        match first.get(&key) {
            None => {
                first.insert(key, p.clone());
                true
            }
            Some(earlier) => {
                report.warnings.push(if earlier == p {
                    format!("{}: the same file was given again; read once", p.display())
                } else {
                    format!(
                        "{}: the same file as {}; read once",
                        p.display(),
                        earlier.display()
                    )
                });
                false
            }
        }
    });
    Ok(out)
}

fn is_jsonl(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    )
}

fn is_text(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("txt" | "md" | "text" | "markdown")
    )
}

fn walk(
    dir: &Path,
    seen: &mut HashSet<PathBuf>,
    out: &mut Vec<Source>,
    report: &mut ReadReport,
) -> Result<()> {
    let canonical = fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?;
    if !seen.insert(canonical) {
        report.warnings.push(format!(
            "{}: directory loop through a symbolic link, not followed again",
            dir.display()
        ));
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()
        .map_err(|e| Error::io(dir, e))?;
    entries.sort();
    for path in entries {
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                // A dangling symbolic link: say so, and go on. It is not one of the files
                // skipped for their extension, which the summary lists as such.
                report
                    .warnings
                    .push(format!("{}: skipped: {e}", path.display()));
                continue;
            }
        };
        if meta.is_dir() {
            walk(&path, seen, out, report)?;
        } else if is_jsonl(&path) {
            out.push(Source::JsonLines(path));
        } else if is_text(&path) {
            out.push(Source::Text(path));
        } else {
            report.skipped_files.push(path);
        }
    }
    Ok(())
}

/// Reads documents from the inputs one at a time. Create it with [`Reader::open`], iterate it,
/// then look at [`Reader::report`] for what was skipped or repaired.
pub struct Reader {
    sources: std::vec::IntoIter<Source>,
    current: Option<JsonLines>,
    options: ReadOptions,
    report: ReadReport,
    /// A fingerprint of every document's id and text, to read a repeated document once.
    seen: HashSet<u128>,
}

struct JsonLines {
    name: String,
    lines: Box<dyn BufRead + Send>,
    line_no: u64,
    buf: Vec<u8>,
}

impl Reader {
    /// Checks that every input exists and lists the files to read. Nothing is read yet.
    pub fn open(inputs: &[Input], options: ReadOptions) -> Result<Reader> {
        let mut report = ReadReport::default();
        let sources = plan(inputs, &mut report)?;
        Ok(Reader {
            sources: sources.into_iter(),
            current: None,
            options,
            report,
            seen: HashSet::new(),
        })
    }

    /// What was skipped or repaired so far (complete once the iterator is exhausted).
    pub fn report(&self) -> &ReadReport {
        &self.report
    }

    fn next_doc(&mut self) -> Option<Result<Document>> {
        loop {
            if let Some(jl) = &mut self.current {
                match next_jsonl(jl, &self.options, &mut self.report) {
                    Some(r) => return Some(r),
                    None => self.current = None,
                }
                continue;
            }
            let source = self.sources.next()?;
            match source {
                Source::Text(path) => {
                    let bytes = match fs::read(&path) {
                        Ok(b) => b,
                        Err(e) => return Some(Err(Error::io(path, e))),
                    };
                    let name = path.display().to_string();
                    let bytes = match from_utf16(&name, bytes, &self.options, &mut self.report) {
                        Ok(b) => b,
                        Err(e) => return Some(Err(e)),
                    };
                    if skip_binary(&name, &bytes, &mut self.report) {
                        continue;
                    }
                    return Some(text_document(&name, bytes, &self.options, &mut self.report));
                }
                Source::JsonLines(path) => match fs::File::open(&path) {
                    Ok(f) => {
                        self.current = Some(JsonLines {
                            name: path.display().to_string(),
                            lines: Box::new(BufReader::with_capacity(1 << 16, f)),
                            line_no: 0,
                            buf: Vec::new(),
                        })
                    }
                    Err(e) => return Some(Err(Error::io(path, e))),
                },
                Source::Stdin => {
                    let mut stdin = BufReader::new(io::stdin());
                    let first = match stdin.fill_buf() {
                        Ok(b) => b.iter().find(|b| !b.is_ascii_whitespace()).copied(),
                        Err(e) => return Some(Err(Error::io("<stdin>", e))),
                    };
                    if first == Some(b'{') {
                        self.current = Some(JsonLines {
                            name: "<stdin>".into(),
                            lines: Box::new(stdin),
                            line_no: 0,
                            buf: Vec::new(),
                        });
                        continue;
                    }
                    let mut bytes = Vec::new();
                    if let Err(e) = stdin.read_to_end(&mut bytes) {
                        return Some(Err(Error::io("<stdin>", e)));
                    }
                    let bytes = match from_utf16("<stdin>", bytes, &self.options, &mut self.report)
                    {
                        Ok(b) => b,
                        Err(e) => return Some(Err(e)),
                    };
                    if skip_binary("<stdin>", &bytes, &mut self.report) {
                        continue;
                    }
                    return Some(text_document(
                        "<stdin>",
                        bytes,
                        &self.options,
                        &mut self.report,
                    ));
                }
            }
        }
    }
}

impl Iterator for Reader {
    type Item = Result<Document>;

    fn next(&mut self) -> Option<Result<Document>> {
        loop {
            let doc = self.next_doc()?;
            let Ok(mut doc) = doc else { return Some(doc) };
            if doc.date.is_none() && self.options.infer_dates {
                doc.date = infer_date(doc.body());
                doc.date_inferred = doc.date.is_some();
            }
            // The same document given twice (same id, same text) is read once and reported.
            let key = fingerprint(&doc.id, &doc.text);
            if !self.seen.insert(key) {
                self.report.duplicate_documents += 1;
                self.report.warnings.push(format!(
                    "{}: the same document was given again; read once",
                    doc.source
                ));
                continue;
            }
            return Some(Ok(doc));
        }
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w) && (w.len() == m.len() || w.len() <= 4))
        .map(|i| i as u8 + 1)
}

fn day(word: &str) -> Option<u8> {
    let w = word.trim_end_matches([',', '.']);
    let w = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| w.strip_suffix(s))
        .unwrap_or(w);
    w.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year(word: &str) -> Option<i32> {
    let w = word.trim_end_matches([',', '.', ')']);
    (w.len() == 4)
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1900..=2100).contains(y))
}

/// Reads a date from a dateline in the first lines of a text: "4 January 2020", "January 4,
/// 2020", "Jan. 4th, 2020" or "2020-01-04", within the first 10 non-blank lines and 1,500
/// bytes. Dates further down are events the article talks about, not its own date.
pub fn infer_date(text: &str) -> Option<Date> {
    let head = match text.char_indices().nth(1500) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    for line in head.lines().filter(|l| !l.trim().is_empty()).take(10) {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            if let Some(d) =
                Date::parse(w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-'))
            {
                if w.len() >= 10 {
                    return Some(d);
                }
            }
            let next = |k: usize| words.get(i + k).copied().unwrap_or("");
            // 4 January 2020
            if let (Some(d), Some(m), Some(y)) = (day(w), month(next(1)), year(next(2))) {
                if let Some(date) = Date::new(y, m, d) {
                    return Some(date);
                }
            }
            // January 4, 2020
            if let (Some(m), Some(d), Some(y)) = (month(w), day(next(1)), year(next(2))) {
                if let Some(date) = Date::new(y, m, d) {
                    return Some(date);
                }
            }
        }
    }
    None
}

/// A fingerprint of a document's id and text for recognising a repeated document: XXH3's
/// 128 bits, so that two different documents never meet by chance, at several bytes a
/// cycle (a byte-at-a-time hash took 6% of a run).
fn fingerprint(id: &str, text: &str) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    // The id's length first, so that no other id and text give the same bytes.
    h.update(&(id.len() as u64).to_le_bytes());
    h.update(id.as_bytes());
    h.update(text.as_bytes());
    h.digest128()
}

/// How much of a file is looked at to tell binary data from text.
const BINARY_SNIFF: usize = 8 << 10;

/// Whether bytes are binary data rather than text: a NUL byte in the first 8 KiB, in bytes
/// that are not valid UTF-8 there either (git's test, made stricter so that UTF-8 text with a
/// stray NUL is still read). Decoding such a file as text yields noise in which the tagger
/// finds stray acronyms ("UK" in the bytes of a PNG image).
fn is_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(BINARY_SNIFF)];
    if !head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => false,
        // A multi-byte character cut at the end of the sample is still text.
        Err(e) => e.error_len().is_some(),
    }
}

/// Text that opens with a UTF-16 byte-order mark, as UTF-8 (the mark kept, as U+FEFF); other
/// bytes as they are. Unpaired surrogates and an odd last byte become U+FFFD with a warning
/// naming the line, or an error with `strict_utf8`.
fn from_utf16(
    name: &str,
    bytes: Vec<u8>,
    options: &ReadOptions,
    report: &mut ReadReport,
) -> Result<Vec<u8>> {
    let unit: fn([u8; 2]) -> u16 = match bytes.get(..2) {
        Some([0xff, 0xfe]) => u16::from_le_bytes,
        Some([0xfe, 0xff]) => u16::from_be_bytes,
        _ => return Ok(bytes),
    };
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut text = String::with_capacity(bytes.len());
    let mut bad_line = None;
    let mut line = 1u64;
    for c in char::decode_utf16(units) {
        let c = c.unwrap_or_else(|_| {
            bad_line.get_or_insert(line);
            char::REPLACEMENT_CHARACTER
        });
        line += u64::from(c == '\n');
        text.push(c);
    }
    if bytes.len() % 2 == 1 {
        bad_line.get_or_insert(line);
        text.push(char::REPLACEMENT_CHARACTER);
    }
    if let Some(bad_line) = bad_line {
        let at = Location::line(name, bad_line);
        if options.strict_utf8 {
            return Err(Error::input(at, "not valid UTF-16"));
        }
        report.lossy_documents += 1;
        report.warnings.push(format!(
            "{at}: not valid UTF-16; invalid units replaced with U+FFFD"
        ));
    }
    Ok(text.into_bytes())
}

/// Skips binary data with a warning; returns whether it did.
fn skip_binary(name: &str, bytes: &[u8], report: &mut ReadReport) -> bool {
    if !is_binary(bytes) {
        return false;
    }
    report.warnings.push(format!(
        "{name}: skipped: binary data, not text (a NUL byte and bytes that are not UTF-8)"
    ));
    true
}

fn text_document(
    name: &str,
    bytes: Vec<u8>,
    options: &ReadOptions,
    report: &mut ReadReport,
) -> Result<Document> {
    let text = decode(name, None, bytes, options, report)?;
    let mut doc = Document::new(name, text);
    doc.source = name.to_string();
    front_matter(&mut doc, name)?;
    Ok(doc)
}

/// Decodes bytes as UTF-8, replacing invalid sequences (with a warning) unless strict.
fn decode(
    name: &str,
    line: Option<u64>,
    bytes: Vec<u8>,
    options: &ReadOptions,
    report: &mut ReadReport,
) -> Result<String> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let bad_line =
                line.unwrap_or(1 + bytes[..bad].iter().filter(|&&b| b == b'\n').count() as u64);
            let at = Location::line(name, bad_line);
            if options.strict_utf8 {
                return Err(Error::input(at, format!("not valid UTF-8 (byte {bad})")));
            }
            report.lossy_documents += 1;
            report.warnings.push(format!(
                "{at}: not valid UTF-8; invalid bytes replaced with U+FFFD"
            ));
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}

/// Reads a `---` front-matter block at the top of a text document, if there is one.
fn front_matter(doc: &mut Document, name: &str) -> Result<()> {
    let text = doc.text.strip_prefix('\u{feff}').unwrap_or(&doc.text);
    let bom = doc.text.len() - text.len();
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Ok(());
    };
    let mut offset = bom + (text.len() - rest.len());
    let mut fields = Vec::new();
    let mut line_no = 1u64;
    for line in rest.split_inclusive('\n') {
        line_no += 1;
        offset += line.len();
        let l = line.trim_end_matches(['\n', '\r']);
        if l == "---" {
            for (line_no, key, value) in fields {
                apply_field(doc, name, line_no, key, value)?;
            }
            doc.body_start = offset;
            return Ok(());
        }
        match l.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() => {
                fields.push((line_no, k.trim().to_ascii_lowercase(), v.trim().to_string()))
            }
            _ if l.trim().is_empty() => {}
            // Not front matter after all: a document that starts with a rule.
            _ => return Ok(()),
        }
    }
    Ok(())
}

fn apply_field(
    doc: &mut Document,
    name: &str,
    line: u64,
    key: String,
    value: String,
) -> Result<()> {
    let value = value.trim_matches(|c| c == '"' || c == '\'').to_string();
    match key.as_str() {
        "date" => {
            doc.date = Some(Date::parse(&value).ok_or_else(|| {
                Error::input(
                    Location::line(name, line),
                    format!("bad date {value:?}: expected YYYY-MM-DD"),
                )
            })?)
        }
        "title" => doc.title = Some(value),
        "url" => doc.url = Some(value),
        "id" if !value.is_empty() => doc.id = value,
        _ => {}
    }
    Ok(())
}

/// One JSON Lines record, as written by users.
struct Record {
    id: Option<serde_json::Value>,
    text: String,
    date: Option<String>,
    title: Option<String>,
    url: Option<String>,
}

impl Record {
    /// Reads a record from a JSON object, with messages that name the field at fault.
    fn from_json(v: serde_json::Value) -> std::result::Result<Record, String> {
        let serde_json::Value::Object(mut o) = v else {
            return Err(format!(
                "expected an object with \"text\", found {}",
                json_kind(&v)
            ));
        };
        let mut string = |key: &str| match o.remove(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!(
                "\"{key}\" must be a string, not {}",
                json_kind(&other)
            )),
        };
        let text = string("text")?.ok_or_else(|| "missing \"text\"".to_string())?;
        Ok(Record {
            text,
            date: string("date")?,
            title: string("title")?,
            url: string("url")?,
            id: o.remove("id"),
        })
    }
}

/// A JSON error without serde's "at line 1 column N", which would contradict the line of
/// the file that the location names. The column stays, counted in characters from the start
/// of the file's line: `skipped` is what was trimmed before the JSON (blanks and a BOM,
/// which is not counted), `json` what serde read.
fn json_message(e: &serde_json::Error, skipped: &str, json: &str) -> String {
    let message = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    match message.strip_suffix(&position) {
        Some(m) => {
            // serde counts bytes from 1; the error may sit just past the end.
            let mut upto = e.column().saturating_sub(1).min(json.len());
            while !json.is_char_boundary(upto) {
                upto -= 1;
            }
            let before =
                json[..upto].chars().count() + skipped.chars().filter(|&c| c != '\u{feff}').count();
            format!("{m} (column {})", before + 1)
        }
        None => message,
    }
}

/// What a JSON value is, for messages.
fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn next_jsonl(
    jl: &mut JsonLines,
    options: &ReadOptions,
    report: &mut ReadReport,
) -> Option<Result<Document>> {
    loop {
        jl.buf.clear();
        match jl.lines.read_until(b'\n', &mut jl.buf) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => return Some(Err(Error::io(&jl.name, e))),
        }
        jl.line_no += 1;
        let line_no = jl.line_no;
        let at = Location::line(jl.name.clone(), line_no);
        let raw = std::mem::take(&mut jl.buf);
        // JSON Lines is UTF-8: a UTF-16 file would fail on every line, so say why once.
        if line_no == 1 && matches!(raw.get(..2), Some([0xff, 0xfe] | [0xfe, 0xff])) {
            return Some(Err(Error::input(
                at,
                "JSON Lines must be UTF-8, and this file is UTF-16 (it opens with a UTF-16 \
                 byte-order mark); convert it, for example with `iconv -f UTF-16 -t UTF-8`",
            )));
        }
        let line = match decode(&jl.name, Some(line_no), raw, options, report) {
            Ok(l) => l,
            Err(e) => return Some(Err(e)),
        };
        let open = line.trim_start_matches('\u{feff}').trim_start();
        let (skipped, trimmed) = (&line[..line.len() - open.len()], open.trim_end());
        if trimmed.is_empty() {
            continue;
        }
        // Parsed as a value first: serde would read a JSON array as a record by position.
        let rec = serde_json::from_str::<serde_json::Value>(trimmed)
            .map_err(|e| json_message(&e, skipped, trimmed))
            .and_then(Record::from_json);
        let rec: Record = match rec {
            Ok(r) => r,
            Err(e) => {
                let message = format!("bad JSON Lines record: {e}");
                if options.skip_bad {
                    report.skipped_records += 1;
                    report.warnings.push(format!("{at}: skipped: {message}"));
                    continue;
                }
                return Some(Err(Error::input(at, message)));
            }
        };
        let id = match rec.id {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s,
            Some(serde_json::Value::String(_)) => {
                let message = "bad JSON Lines record: \"id\" is empty";
                if options.skip_bad {
                    report.skipped_records += 1;
                    report.warnings.push(format!("{at}: skipped: {message}"));
                    continue;
                }
                return Some(Err(Error::input(at, message)));
            }
            Some(serde_json::Value::Number(n)) => n.to_string(),
            None | Some(serde_json::Value::Null) => format!("{}:{line_no}", jl.name),
            Some(other) => {
                let message = format!(
                    "bad JSON Lines record: \"id\" must be a string or a number, not {other}"
                );
                if options.skip_bad {
                    report.skipped_records += 1;
                    report.warnings.push(format!("{at}: skipped: {message}"));
                    continue;
                }
                return Some(Err(Error::input(at, message)));
            }
        };
        let date = match rec.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => match Date::parse(d) {
                Some(d) => Some(d),
                None => {
                    report
                        .warnings
                        .push(format!("{at}: bad date {d:?} ignored: expected YYYY-MM-DD"));
                    None
                }
            },
        };
        return Some(Ok(Document {
            id,
            text: rec.text,
            body_start: 0,
            date,
            date_inferred: false,
            title: rec.title,
            url: rec.url,
            source: format!("{}:{line_no}", jl.name),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_id_and_text_apart() {
        assert_eq!(fingerprint("a", "text"), fingerprint("a", "text"));
        assert_ne!(fingerprint("ab", "c"), fingerprint("a", "bc"));
        assert_ne!(fingerprint("a", "text"), fingerprint("b", "text"));
        assert_ne!(fingerprint("a", "text"), fingerprint("a", "text "));
        assert_ne!(fingerprint("", ""), fingerprint("", "\0"));
    }

    #[test]
    fn dates_parse_and_order() {
        assert_eq!(Date::parse("2019-07-01"), Date::new(2019, 7, 1));
        assert_eq!(Date::parse("2019-07-01T12:00:00Z"), Date::new(2019, 7, 1));
        assert_eq!(Date::parse("2019-07"), Date::new(2019, 7, 1));
        assert_eq!(Date::parse("2019"), Date::new(2019, 1, 1));
        assert_eq!(Date::parse("2019-02-29"), None);
        assert_eq!(Date::parse("2020-02-29"), Date::new(2020, 2, 29));
        assert_eq!(Date::parse("2019-7-1"), None);
        assert_eq!(Date::parse("yesterday"), None);
        assert_eq!(Date::parse("2019-07-01x"), None);
        assert!(Date::parse("2015-12-28") < Date::parse("2019-01-01"));
        assert_eq!(Date::new(1970, 1, 1).map(Date::days_since_epoch), Some(0));
        assert_eq!(
            Date::new(2000, 3, 1).map(Date::days_since_epoch),
            Some(11_017)
        );
    }

    #[test]
    fn periods_start_end_and_label() {
        let d = Date::new(2019, 12, 31).unwrap();
        assert_eq!(Date::from_days(d.days_since_epoch()), d);
        for days in [-800_000, -1, 0, 1, 18_000, 20_000, 2_000_000] {
            assert_eq!(Date::from_days(days).days_since_epoch(), days);
        }
        // 2019-12-31 was a Tuesday in ISO week 1 of 2020.
        assert_eq!(Period::Week.start(d).to_string(), "2019-12-30");
        assert_eq!(Period::Week.end(d).to_string(), "2020-01-05");
        assert_eq!(Period::Week.label(d), "2020-W01");
        assert_eq!(
            Period::Week.label(Date::new(2019, 7, 4).unwrap()),
            "2019-W27"
        );
        assert_eq!(Period::Month.start(d).to_string(), "2019-12-01");
        assert_eq!(
            Period::Month
                .end(Date::new(2020, 2, 10).unwrap())
                .to_string(),
            "2020-02-29"
        );
        assert_eq!(Period::Month.label(d), "2019-12");
        assert_eq!(Period::Year.start(d).to_string(), "2019-01-01");
        assert_eq!(Period::Year.label(d), "2019");
        assert_eq!(Period::Day.label(d), "2019-12-31");
    }

    #[test]
    fn datelines_are_read_near_the_top_only() {
        let d = |s: &str| infer_date(s).map(|d| d.to_string());
        assert_eq!(
            d("Title\n\nWritten by: (Contributed) on 4 January 2020\n\nBody."),
            Some("2020-01-04".into())
        );
        assert_eq!(
            d("Posted January 12th, 2019 by staff"),
            Some("2019-01-12".into())
        );
        assert_eq!(d("Updated Dec. 24, 2019 10:00"), Some("2019-12-24".into()));
        assert_eq!(
            d("Seoul, 2019-08-22 (Reuters) -"),
            Some("2019-08-22".into())
        );
        assert_eq!(
            d("2019 was a tough year. On January 9th, a court ruled."),
            None
        );
        assert_eq!(d("May 2019 saw talks."), None);
        assert_eq!(d("31 February 2019"), None);
        let late = format!(
            "{}\nOn 4 January 2020 it ended.",
            "Line of text.\n".repeat(12)
        );
        assert_eq!(d(&late), None);
    }

    #[test]
    fn front_matter_sets_metadata_and_body() {
        let mut report = ReadReport::default();
        let text = "---\ndate: 2019-08-22\ntitle: \"GSOMIA\"\n---\nSeoul said no.\n";
        let doc = text_document(
            "a.txt",
            text.as_bytes().to_vec(),
            &ReadOptions::default(),
            &mut report,
        )
        .unwrap();
        assert_eq!(doc.date, Date::new(2019, 8, 22));
        assert_eq!(doc.title.as_deref(), Some("GSOMIA"));
        assert_eq!(doc.body(), "Seoul said no.\n");
    }

    #[test]
    fn a_leading_rule_is_not_front_matter() {
        let mut report = ReadReport::default();
        let text = "---\nJust a rule, then text.\n";
        let doc = text_document(
            "a.txt",
            text.as_bytes().to_vec(),
            &ReadOptions::default(),
            &mut report,
        )
        .unwrap();
        assert_eq!(doc.body_start, 0);
    }

    #[test]
    fn bad_front_matter_date_names_file_and_line() {
        let mut report = ReadReport::default();
        let text = "---\ntitle: x\ndate: soon\n---\nbody";
        let err = text_document(
            "a.txt",
            text.as_bytes().to_vec(),
            &ReadOptions::default(),
            &mut report,
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("a.txt:3: bad date"), "{err}");
    }

    #[test]
    fn invalid_utf8_is_replaced_with_a_warning_or_refused() {
        let bytes = b"Japan\n\xff Korea".to_vec();
        let mut report = ReadReport::default();
        let doc =
            text_document("x.txt", bytes.clone(), &ReadOptions::default(), &mut report).unwrap();
        assert_eq!(doc.text, "Japan\n\u{fffd} Korea");
        assert_eq!(report.lossy_documents, 1);
        assert!(
            report.warnings[0].starts_with("x.txt:2: not valid UTF-8"),
            "{:?}",
            report.warnings
        );
        let strict = ReadOptions {
            strict_utf8: true,
            ..ReadOptions::default()
        };
        let err = text_document("x.txt", bytes, &strict, &mut report).unwrap_err();
        assert_eq!(err.to_string(), "x.txt:2: not valid UTF-8 (byte 6)");
    }

    /// Reads JSON Lines text as the file `t.jsonl`: each document or error, then each warning
    /// and the count of skipped records, one line each.
    fn read_jsonl(input: &str, skip_bad: bool) -> Vec<String> {
        read_jsonl_bytes(input.as_bytes(), skip_bad)
    }

    /// [`read_jsonl`] of bytes that need not be UTF-8.
    fn read_jsonl_bytes(input: &[u8], skip_bad: bool) -> Vec<String> {
        let mut jl = JsonLines {
            name: "t.jsonl".into(),
            lines: Box::new(io::Cursor::new(input.to_vec())),
            line_no: 0,
            buf: Vec::new(),
        };
        let options = ReadOptions {
            skip_bad,
            ..ReadOptions::default()
        };
        let mut report = ReadReport::default();
        let mut out = Vec::new();
        while let Some(r) = next_jsonl(&mut jl, &options, &mut report) {
            out.push(match r {
                Ok(d) => format!(
                    "{} id={:?} text={:?} date={:?} title={:?} url={:?}",
                    d.source,
                    d.id,
                    d.text,
                    d.date.map(|d| d.to_string()),
                    d.title,
                    d.url
                ),
                Err(e) => e.to_string(),
            });
        }
        out.extend(report.warnings.iter().map(|w| format!("warning: {w}")));
        if report.skipped_records > 0 {
            out.push(format!("skipped: {}", report.skipped_records));
        }
        out
    }

    /// Checks each one-line input against what reading it gives, listing every mismatch.
    fn check_lines(cases: &[(&str, &str)]) {
        let mut wrong = Vec::new();
        for &(line, expected) in cases {
            let got = read_jsonl(line, false).join("\n");
            if got != expected {
                wrong.push(format!(
                    "{line}\n  expected: {expected:?}\n  got:      {got:?}"
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn jsonl_top_level_must_be_an_object() {
        check_lines(&[
            (
                r#"[1, 2]"#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found an array",
            ),
            (
                r#"[]"#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found an array",
            ),
            (
                r#"[{"text": "a"}]"#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found an array",
            ),
            (
                r#"[1, {"a": [2, {"b": null}]}, "x"]"#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found an array",
            ),
            (
                r#""text""#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found a string",
            ),
            (
                r#""a\"b\u00e9""#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found a string",
            ),
            (
                r#"42"#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found a number",
            ),
            (
                r#"-1.5"#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found a number",
            ),
            (
                r#"1e400"#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found a number",
            ),
            (
                r#"true"#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found a boolean",
            ),
            (
                r#"false"#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found a boolean",
            ),
            (
                r#"null"#,
                "t.jsonl:1: bad JSON Lines record: expected an object with \"text\", found null",
            ),
            (
                r#"[1, 2"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a list (column 5)",
            ),
            (
                r#"[1, 2,]"#,
                "t.jsonl:1: bad JSON Lines record: trailing comma (column 7)",
            ),
            (
                r#"[1 2]"#,
                "t.jsonl:1: bad JSON Lines record: expected `,` or `]` (column 4)",
            ),
            (
                r#"["\ud800"]"#,
                "t.jsonl:1: bad JSON Lines record: unexpected end of hex escape (column 9)",
            ),
            (
                r#""abc"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a string (column 4)",
            ),
            (
                r#"tru"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a value (column 3)",
            ),
            (
                r#"nul"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a value (column 3)",
            ),
            (
                r#"x"#,
                "t.jsonl:1: bad JSON Lines record: expected value (column 1)",
            ),
            (
                r#"}"#,
                "t.jsonl:1: bad JSON Lines record: expected value (column 1)",
            ),
        ]);
    }

    #[test]
    fn jsonl_text_date_title_url_must_be_strings() {
        check_lines(&[
            (
                r#"{}"#,
                "t.jsonl:1: bad JSON Lines record: missing \"text\"",
            ),
            (
                r#"{"id": "a"}"#,
                "t.jsonl:1: bad JSON Lines record: missing \"text\"",
            ),
            (
                r#"{"text": null}"#,
                "t.jsonl:1: bad JSON Lines record: missing \"text\"",
            ),
            (
                r#"{"date": 2}"#,
                "t.jsonl:1: bad JSON Lines record: missing \"text\"",
            ),
            (
                r#"{"id": true}"#,
                "t.jsonl:1: bad JSON Lines record: missing \"text\"",
            ),
            (
                r#"{"text": ""}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"\" date=None title=None url=None",
            ),
            (
                r#"{"text": 1}"#,
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not a number",
            ),
            (
                r#"{"text": 1.5}"#,
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not a number",
            ),
            (
                r#"{"text": true}"#,
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not a boolean",
            ),
            (
                r#"{"text": []}"#,
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not an array",
            ),
            (
                r#"{"text": [1, "x"]}"#,
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not an array",
            ),
            (
                r#"{"text": {}}"#,
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not an object",
            ),
            (
                r#"{"text": {"a": 1}}"#,
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not an object",
            ),
            (
                r#"{"text": "a", "date": 20200101}"#,
                "t.jsonl:1: bad JSON Lines record: \"date\" must be a string, not a number",
            ),
            (
                r#"{"text": "a", "date": false}"#,
                "t.jsonl:1: bad JSON Lines record: \"date\" must be a string, not a boolean",
            ),
            (
                r#"{"text": "a", "date": []}"#,
                "t.jsonl:1: bad JSON Lines record: \"date\" must be a string, not an array",
            ),
            (
                r#"{"text": "a", "date": {}}"#,
                "t.jsonl:1: bad JSON Lines record: \"date\" must be a string, not an object",
            ),
            (
                r#"{"text": "a", "date": null}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "date": "2020-01-02"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=Some(\"2020-01-02\") title=None url=None",
            ),
            (
                r#"{"text": "a", "date": " 2020-01-02T10:00:00Z "}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=Some(\"2020-01-02\") title=None url=None",
            ),
            (
                r#"{"text": "a", "date": "soon"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None\nwarning: t.jsonl:1: bad date \"soon\" ignored: expected YYYY-MM-DD",
            ),
            (
                r#"{"text": "a", "date": "  "}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "title": 1}"#,
                "t.jsonl:1: bad JSON Lines record: \"title\" must be a string, not a number",
            ),
            (
                r#"{"text": "a", "title": true}"#,
                "t.jsonl:1: bad JSON Lines record: \"title\" must be a string, not a boolean",
            ),
            (
                r#"{"text": "a", "title": ["x"]}"#,
                "t.jsonl:1: bad JSON Lines record: \"title\" must be a string, not an array",
            ),
            (
                r#"{"text": "a", "title": {"x": 1}}"#,
                "t.jsonl:1: bad JSON Lines record: \"title\" must be a string, not an object",
            ),
            (
                r#"{"text": "a", "title": null}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "title": "T"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=Some(\"T\") url=None",
            ),
            (
                r#"{"text": "a", "url": 1}"#,
                "t.jsonl:1: bad JSON Lines record: \"url\" must be a string, not a number",
            ),
            (
                r#"{"text": "a", "url": true}"#,
                "t.jsonl:1: bad JSON Lines record: \"url\" must be a string, not a boolean",
            ),
            (
                r#"{"text": "a", "url": []}"#,
                "t.jsonl:1: bad JSON Lines record: \"url\" must be a string, not an array",
            ),
            (
                r#"{"text": "a", "url": {}}"#,
                "t.jsonl:1: bad JSON Lines record: \"url\" must be a string, not an object",
            ),
            (
                r#"{"text": "a", "url": null}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "url": "http://x"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=Some(\"http://x\")",
            ),
            (
                r#"{"text": 1, "date": 2}"#,
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not a number",
            ),
            (
                r#"{"date": 2, "text": 1}"#,
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not a number",
            ),
            (
                r#"{"url": 1, "title": 2, "date": 3, "text": "a"}"#,
                "t.jsonl:1: bad JSON Lines record: \"date\" must be a string, not a number",
            ),
            (
                r#"{"text": "a", "url": 1, "title": 2}"#,
                "t.jsonl:1: bad JSON Lines record: \"title\" must be a string, not a number",
            ),
            (
                r#"{"text": "a", "url": 1, "id": true}"#,
                "t.jsonl:1: bad JSON Lines record: \"url\" must be a string, not a number",
            ),
            (
                r#"{"text": "a", "id": "", "date": 1}"#,
                "t.jsonl:1: bad JSON Lines record: \"date\" must be a string, not a number",
            ),
            (
                r#"{"id": [], "text": 1}"#,
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not a number",
            ),
            (
                r#"{"id": [], "title": 1}"#,
                "t.jsonl:1: bad JSON Lines record: missing \"text\"",
            ),
            (
                r#"{"id": "x1", "text": "body", "date": "2019-07-04", "title": "T", "url": "u"}"#,
                "t.jsonl:1 id=\"x1\" text=\"body\" date=Some(\"2019-07-04\") title=Some(\"T\") url=Some(\"u\")",
            ),
        ]);
    }

    #[test]
    fn jsonl_ids_of_each_kind() {
        check_lines(&[
            (
                r#"{"text": "a", "id": "x"}"#,
                "t.jsonl:1 id=\"x\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": ""}"#,
                "t.jsonl:1: bad JSON Lines record: \"id\" is empty",
            ),
            (
                r#"{"text": "a", "id": " "}"#,
                "t.jsonl:1 id=\" \" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": "a\"b\u00e9"}"#,
                "t.jsonl:1 id=\"a\\\"bé\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 7}"#,
                "t.jsonl:1 id=\"7\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 0}"#,
                "t.jsonl:1 id=\"0\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": -0}"#,
                "t.jsonl:1 id=\"-0\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": -3}"#,
                "t.jsonl:1 id=\"-3\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 1.0}"#,
                "t.jsonl:1 id=\"1.0\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 1.5}"#,
                "t.jsonl:1 id=\"1.5\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": -0.0}"#,
                "t.jsonl:1 id=\"-0.0\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 0.1}"#,
                "t.jsonl:1 id=\"0.1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 1e5}"#,
                "t.jsonl:1 id=\"1e+5\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 1E5}"#,
                "t.jsonl:1 id=\"1e+5\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 1e-7}"#,
                "t.jsonl:1 id=\"1e-7\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 1.5e300}"#,
                "t.jsonl:1 id=\"1.5e+300\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 2.5E+10}"#,
                "t.jsonl:1 id=\"2.5e+10\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 18446744073709551615}"#,
                "t.jsonl:1 id=\"18446744073709551615\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 18446744073709551616}"#,
                "t.jsonl:1 id=\"18446744073709551616\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": -9223372036854775808}"#,
                "t.jsonl:1 id=\"-9223372036854775808\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": -9223372036854775809}"#,
                "t.jsonl:1 id=\"-9223372036854775809\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 123456789012345678901234567890}"#,
                "t.jsonl:1 id=\"123456789012345678901234567890\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": 1e400}"#,
                "t.jsonl:1 id=\"1e+400\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": true}"#,
                "t.jsonl:1: bad JSON Lines record: \"id\" must be a string or a number, not true",
            ),
            (
                r#"{"text": "a", "id": false}"#,
                "t.jsonl:1: bad JSON Lines record: \"id\" must be a string or a number, not false",
            ),
            (
                r#"{"text": "a", "id": []}"#,
                "t.jsonl:1: bad JSON Lines record: \"id\" must be a string or a number, not []",
            ),
            (
                r#"{"text": "a", "id": [1, "a", 1.0]}"#,
                "t.jsonl:1: bad JSON Lines record: \"id\" must be a string or a number, not [1,\"a\",1.0]",
            ),
            (
                r#"{"text": "a", "id": {}}"#,
                "t.jsonl:1: bad JSON Lines record: \"id\" must be a string or a number, not {}",
            ),
            (
                r#"{"text": "a", "id": {"b": 1, "a": [true, null]}}"#,
                "t.jsonl:1: bad JSON Lines record: \"id\" must be a string or a number, not {\"a\":[true,null],\"b\":1}",
            ),
            (
                r#"{"text": "a", "id": {"a": 1, "a": 2}}"#,
                "t.jsonl:1: bad JSON Lines record: \"id\" must be a string or a number, not {\"a\":2}",
            ),
            (
                r#"{"text": "a", "id": {"q": "x\"\u0001\u00e9/"}}"#,
                "t.jsonl:1: bad JSON Lines record: \"id\" must be a string or a number, not {\"q\":\"x\\\"\\u0001é/\"}",
            ),
            (
                r#"{"text": "a", "id": null}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
        ]);
    }

    #[test]
    fn jsonl_duplicate_keys_keep_the_last() {
        check_lines(&[
            (
                r#"{"text": 1, "text": "ok"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"ok\" date=None title=None url=None",
            ),
            (
                r#"{"text": "ok", "text": 1}"#,
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not a number",
            ),
            (
                r#"{"text": "a", "text": null}"#,
                "t.jsonl:1: bad JSON Lines record: missing \"text\"",
            ),
            (
                r#"{"text": null, "text": "b"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"b\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "text": "b"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"b\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": true, "id": "x"}"#,
                "t.jsonl:1 id=\"x\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": "x", "id": true}"#,
                "t.jsonl:1: bad JSON Lines record: \"id\" must be a string or a number, not true",
            ),
            (
                r#"{"text": "a", "id": "", "id": "x"}"#,
                "t.jsonl:1 id=\"x\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": "x", "id": ""}"#,
                "t.jsonl:1: bad JSON Lines record: \"id\" is empty",
            ),
            (
                r#"{"text": "a", "id": "x", "id": null}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "id": "x", "id": 2}"#,
                "t.jsonl:1 id=\"2\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "date": 1, "date": "2020-01-01"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=Some(\"2020-01-01\") title=None url=None",
            ),
            (
                r#"{"text": "a", "date": "2020-01-01", "date": 1}"#,
                "t.jsonl:1: bad JSON Lines record: \"date\" must be a string, not a number",
            ),
            (
                r#"{"text": "a", "date": "2020-01-01", "date": null}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "title": "x", "title": []}"#,
                "t.jsonl:1: bad JSON Lines record: \"title\" must be a string, not an array",
            ),
            (
                r#"{"text": "a", "url": {}, "url": "u"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=Some(\"u\")",
            ),
            (
                r#"{"te\u0078t": "escaped key"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"escaped key\" date=None title=None url=None",
            ),
            (
                r#"{"text": 1, "te\u0078t": "b"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"b\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "\u0069d": "k"}"#,
                "t.jsonl:1 id=\"k\" text=\"a\" date=None title=None url=None",
            ),
        ]);
    }

    #[test]
    fn jsonl_unknown_fields_are_skipped_but_checked() {
        check_lines(&[
            (
                r#"{"text": "a", "meta": {"x": [1, {"y": null}], "z": "w"}, "tags": ["a", "b"], "n": -1.5e3, "b": false}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"meta": {"text": "inner"}}"#,
                "t.jsonl:1: bad JSON Lines record: missing \"text\"",
            ),
            (
                r#"{"Text": "a"}"#,
                "t.jsonl:1: bad JSON Lines record: missing \"text\"",
            ),
            (
                r#"{"text": "a", "n": 1e400}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "n": -1e400}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "n": 123456789012345678901234567890}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "s": "\ud800"}"#,
                "t.jsonl:1: bad JSON Lines record: unexpected end of hex escape (column 27)",
            ),
            (
                r#"{"text": "a", "s": "\udc00"}"#,
                "t.jsonl:1: bad JSON Lines record: lone leading surrogate in hex escape (column 26)",
            ),
            (
                r#"{"text": "a", "s": ["\ud83d\ude00", "\ud800x"]}"#,
                "t.jsonl:1: bad JSON Lines record: unexpected end of hex escape (column 44)",
            ),
            (
                r#"{"text": "a", "s": {"\ud800": 1}}"#,
                "t.jsonl:1: bad JSON Lines record: unexpected end of hex escape (column 28)",
            ),
            (
                r#"{"text": "a", "\ud800": 1}"#,
                "t.jsonl:1: bad JSON Lines record: unexpected end of hex escape (column 22)",
            ),
            (
                r#"{"text": "a", "x": [1, 2,]}"#,
                "t.jsonl:1: bad JSON Lines record: trailing comma (column 26)",
            ),
            (
                r#"{"text": "a", "x": {"k": 1,}}"#,
                "t.jsonl:1: bad JSON Lines record: trailing comma (column 28)",
            ),
            (
                r#"{"text": "a", "x": {1: 2}}"#,
                "t.jsonl:1: bad JSON Lines record: key must be a string (column 21)",
            ),
            (
                r#"{"text": "a", "x": {"k" 2}}"#,
                "t.jsonl:1: bad JSON Lines record: expected `:` (column 25)",
            ),
            (
                r#"{"text": "a", "x": 01}"#,
                "t.jsonl:1: bad JSON Lines record: invalid number (column 21)",
            ),
            (
                r#"{"text": "a", "x": 1.}"#,
                "t.jsonl:1: bad JSON Lines record: invalid number (column 22)",
            ),
            (
                r#"{"text": "a", "x": 1e}"#,
                "t.jsonl:1: bad JSON Lines record: invalid number (column 22)",
            ),
            (
                r#"{"text": "a", "x": -}"#,
                "t.jsonl:1: bad JSON Lines record: invalid number (column 21)",
            ),
            (
                r#"{"text": "a", "x": NaN}"#,
                "t.jsonl:1: bad JSON Lines record: expected value (column 20)",
            ),
            (
                r#"{"text": "a", "x": "\q"}"#,
                "t.jsonl:1: bad JSON Lines record: invalid escape (column 22)",
            ),
            (
                "{\"text\": \"a\", \"x\": \"tab\there\"}",
                "t.jsonl:1: bad JSON Lines record: control character (\\u0000-\\u001F) found while parsing a string (column 24)",
            ),
            (
                r#"{"text": 1, "x": "\ud800"}"#,
                "t.jsonl:1: bad JSON Lines record: unexpected end of hex escape (column 25)",
            ),
        ]);
    }

    #[test]
    fn jsonl_nesting_limit_applies_to_every_field() {
        let nested = |field: &str, depth: usize| {
            format!(
                r#"{{"text": "a", "{field}": {}{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };
        let got: Vec<String> = [
            nested("x", 126),
            nested("x", 127),
            nested("x", 300),
            nested("text", 126),
            nested("text", 127),
            nested("id", 126),
            nested("id", 127),
        ]
        .iter()
        .map(|line| read_jsonl(line, false).join("\n"))
        .collect();
        assert_eq!(
            got,
            [
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
                "t.jsonl:1: bad JSON Lines record: recursion limit exceeded (column 146)",
                "t.jsonl:1: bad JSON Lines record: recursion limit exceeded (column 146)",
                "t.jsonl:1: bad JSON Lines record: \"text\" must be a string, not an array",
                "t.jsonl:1: bad JSON Lines record: recursion limit exceeded (column 149)",
                "t.jsonl:1: bad JSON Lines record: \"id\" must be a string or a number, not [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
                "t.jsonl:1: bad JSON Lines record: recursion limit exceeded (column 147)"
            ]
        );
    }

    #[test]
    fn jsonl_string_escapes() {
        check_lines(&[
            (
                r#"{"text": "a\nb\t\"\\\/\b\f\r"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\\nb\\t\\\"\\\\/\\u{8}\\u{c}\\r\" date=None title=None url=None",
            ),
            (
                r#"{"text": "\u00e9\u4E2D"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"é中\" date=None title=None url=None",
            ),
            (
                r#"{"text": "\ud83d\ude00"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"😀\" date=None title=None url=None",
            ),
            (
                r#"{"text": "\uD83D\uDE00"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"😀\" date=None title=None url=None",
            ),
            (
                r#"{"text": "\ud800"}"#,
                "t.jsonl:1: bad JSON Lines record: unexpected end of hex escape (column 17)",
            ),
            (
                r#"{"text": "\udc00"}"#,
                "t.jsonl:1: bad JSON Lines record: lone leading surrogate in hex escape (column 16)",
            ),
            (
                r#"{"text": "\ud800\u0041"}"#,
                "t.jsonl:1: bad JSON Lines record: lone leading surrogate in hex escape (column 22)",
            ),
            (
                r#"{"text": "\ud800x"}"#,
                "t.jsonl:1: bad JSON Lines record: unexpected end of hex escape (column 17)",
            ),
            (
                r#"{"text": "\ud800\ud800"}"#,
                "t.jsonl:1: bad JSON Lines record: lone leading surrogate in hex escape (column 22)",
            ),
            (
                r#"{"text": "\ude00\ud83d"}"#,
                "t.jsonl:1: bad JSON Lines record: lone leading surrogate in hex escape (column 16)",
            ),
            (
                r#"{"text": "\u12"}"#,
                "t.jsonl:1: bad JSON Lines record: invalid escape (column 16)",
            ),
            (
                r#"{"text": "\u12G4"}"#,
                "t.jsonl:1: bad JSON Lines record: invalid escape (column 16)",
            ),
            (
                r#"{"text": "\x"}"#,
                "t.jsonl:1: bad JSON Lines record: invalid escape (column 12)",
            ),
            (
                r#"{"text": "\u0000"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"\\0\" date=None title=None url=None",
            ),
            (
                "{\"text\": \"a\tb\"}",
                "t.jsonl:1: bad JSON Lines record: control character (\\u0000-\\u001F) found while parsing a string (column 12)",
            ),
            (
                "{\"text\": \"a\u{7f}b\"}",
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\\u{7f}b\" date=None title=None url=None",
            ),
            (
                r#"{"text": "é 中 😀"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"é 中 😀\" date=None title=None url=None",
            ),
            (
                "{\"text\": \"\u{feff}a\"}",
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"\\u{feff}a\" date=None title=None url=None",
            ),
            (
                r#"{"id": "\ud800", "text": "a"}"#,
                "t.jsonl:1: bad JSON Lines record: unexpected end of hex escape (column 15)",
            ),
            (
                r#"{"id": "\ud83d\ude00", "text": "a"}"#,
                "t.jsonl:1 id=\"😀\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a", "title": "\ud83d\ude00", "url": "\/x"}"#,
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=Some(\"😀\") url=Some(\"/x\")",
            ),
            (
                r#"{"text": 1, "title": "\ud800"}"#,
                "t.jsonl:1: bad JSON Lines record: unexpected end of hex escape (column 29)",
            ),
        ]);
    }

    #[test]
    fn jsonl_in_utf16_is_refused_once_with_the_reason() {
        let mut le = vec![0xff, 0xfe];
        for u in "{\"text\": \"Japan\"}\n".encode_utf16() {
            le.extend(u.to_le_bytes());
        }
        for skip_bad in [false, true] {
            let out = read_jsonl_bytes(&le, skip_bad);
            assert!(
                out[0].starts_with("t.jsonl:1: JSON Lines must be UTF-8, and this file is UTF-16"),
                "{out:?}"
            );
            // Said once, as an error even with skip_bad: not skipped line by line.
            let said = out.iter().filter(|l| l.contains("UTF-16")).count();
            assert_eq!(said, 1, "{out:?}");
        }
    }

    #[test]
    fn jsonl_bom_whitespace_and_trailing_garbage() {
        check_lines(&[
            (
                "\u{feff}{\"text\": \"a\"}",
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                "\u{feff}\u{feff}{\"text\": \"a\"}",
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                " \u{feff}{\"text\": \"a\"}",
                "t.jsonl:1: bad JSON Lines record: expected value (column 2)",
            ),
            (
                "\u{feff} {\"text\": \"a\"}",
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                "{\"text\": \"a\"}\u{feff}",
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 14)",
            ),
            ("\u{feff}", ""),
            (
                "  {\"text\": \"a\"}  \r\n",
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                "\t{ \"text\" :\t\"a\" }",
                "t.jsonl:1 id=\"t.jsonl:1\" text=\"a\" date=None title=None url=None",
            ),
            (
                r#"{"text": "a"} x"#,
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 15)",
            ),
            (
                r#"{"text": "a"}{"text": "b"}"#,
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 14)",
            ),
            (
                r#"{"text": "a"},"#,
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 14)",
            ),
            (
                r#"{"text": "a"}}"#,
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 14)",
            ),
            (
                r#"{"text": 1} x"#,
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 13)",
            ),
            (
                r#"{"id": "", "text": "a"} x"#,
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 25)",
            ),
            (
                r#"[1] x"#,
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 5)",
            ),
            (
                r#""s" x"#,
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 5)",
            ),
            (
                r#"1 2"#,
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 3)",
            ),
            (
                "\u{feff}  {\"text\": \"a\"} x",
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 17)",
            ),
            // Columns count characters of the file's line, not bytes of the trimmed text.
            (
                "\t{\"text\": \"\u{e9}\u{1f600}\", x}",
                "t.jsonl:1: bad JSON Lines record: key must be a string (column 17)",
            ),
            (
                r#"{"text": "a"} // c"#,
                "t.jsonl:1: bad JSON Lines record: trailing characters (column 15)",
            ),
        ]);
    }

    #[test]
    fn jsonl_truncated_lines_and_syntax_errors() {
        check_lines(&[
            (
                r#"{"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing an object (column 1)",
            ),
            (
                r#"{""#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a string (column 2)",
            ),
            (
                r#"{"text"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a string (column 6)",
            ),
            (
                r#"{"text""#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing an object (column 7)",
            ),
            (
                r#"{"text":"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a value (column 8)",
            ),
            (
                r#"{"text": "abc"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a string (column 13)",
            ),
            (
                r#"{"text": "a","#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a value (column 13)",
            ),
            (
                r#"{"text": "a""#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing an object (column 12)",
            ),
            (
                r#"{"text": 1,"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a value (column 11)",
            ),
            (
                r#"{"text": 1"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing an object (column 10)",
            ),
            (
                r#"{"text": "a", "id": tr"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a value (column 22)",
            ),
            (
                r#"{"text": "a", "id": 12"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing an object (column 22)",
            ),
            (
                r#"{"text": "a", "id": [1"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a list (column 22)",
            ),
            (
                r#"{"text": "a", "x": [1, {"y": "#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a value (column 28)",
            ),
            (
                r#"{"text": "a\"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a string (column 12)",
            ),
            (
                r#"{"text": "\u00"#,
                "t.jsonl:1: bad JSON Lines record: EOF while parsing a string (column 14)",
            ),
            (
                r#"{text: "a"}"#,
                "t.jsonl:1: bad JSON Lines record: key must be a string (column 2)",
            ),
            (
                r#"{"text": 'a'}"#,
                "t.jsonl:1: bad JSON Lines record: expected value (column 10)",
            ),
            (
                r#"{"text": "a",}"#,
                "t.jsonl:1: bad JSON Lines record: trailing comma (column 14)",
            ),
            (
                r#"{"text": "a" "id": "b"}"#,
                "t.jsonl:1: bad JSON Lines record: expected `,` or `}` (column 14)",
            ),
            (
                r#"{"text" "a"}"#,
                "t.jsonl:1: bad JSON Lines record: expected `:` (column 9)",
            ),
            (
                r#"{"text": "a"]"#,
                "t.jsonl:1: bad JSON Lines record: expected `,` or `}` (column 13)",
            ),
            (
                r#"{"text": "a", "x": [1}"#,
                "t.jsonl:1: bad JSON Lines record: expected `,` or `]` (column 22)",
            ),
            (
                r#"{,}"#,
                "t.jsonl:1: bad JSON Lines record: key must be a string (column 2)",
            ),
            (
                r#"{"text": TRUE}"#,
                "t.jsonl:1: bad JSON Lines record: expected value (column 10)",
            ),
            (
                r#"{"text": nul}"#,
                "t.jsonl:1: bad JSON Lines record: expected ident (column 13)",
            ),
            (
                r#"{"text": +1}"#,
                "t.jsonl:1: bad JSON Lines record: expected value (column 10)",
            ),
            (
                r#"{"text": .5}"#,
                "t.jsonl:1: bad JSON Lines record: expected value (column 10)",
            ),
            (
                r#"{"text": "a", "id": 1.}"#,
                "t.jsonl:1: bad JSON Lines record: invalid number (column 23)",
            ),
            (
                r#"{"text": "a", "id": 01}"#,
                "t.jsonl:1: bad JSON Lines record: invalid number (column 22)",
            ),
        ]);
    }

    #[test]
    fn jsonl_lines_and_skip_bad() {
        let input = concat!(
            "{\"id\": \"a\", \"text\": \"one\"}\n",
            "\n",
            "   \n",
            "[1]\n",
            "{\"text\": \"two\", \"id\": \"\"}\n",
            "{\"text\": 3}\n",
            "{\"text\": \"four\", \"id\": {\"k\": [1]}}\n",
            "{\"text\": \"five\", \"date\": \"soon\"}\n",
            "{\"text\": \"six\", \"id\": 6}\n",
            "{broken\n",
            "{\"text\": \"eight\", \"x\": \"\\ud800\"}\n",
            "{\"text\": \"nine\"}\r\n",
            "{\"text\": \"ten\"}",
        );
        assert_eq!(
            read_jsonl(input, false),
            [
                "t.jsonl:1 id=\"a\" text=\"one\" date=None title=None url=None",
                "t.jsonl:4: bad JSON Lines record: expected an object with \"text\", found an array",
                "t.jsonl:5: bad JSON Lines record: \"id\" is empty",
                "t.jsonl:6: bad JSON Lines record: \"text\" must be a string, not a number",
                "t.jsonl:7: bad JSON Lines record: \"id\" must be a string or a number, not {\"k\":[1]}",
                "t.jsonl:8 id=\"t.jsonl:8\" text=\"five\" date=None title=None url=None",
                "t.jsonl:9 id=\"6\" text=\"six\" date=None title=None url=None",
                "t.jsonl:10: bad JSON Lines record: key must be a string (column 2)",
                "t.jsonl:11: bad JSON Lines record: unexpected end of hex escape (column 31)",
                "t.jsonl:12 id=\"t.jsonl:12\" text=\"nine\" date=None title=None url=None",
                "t.jsonl:13 id=\"t.jsonl:13\" text=\"ten\" date=None title=None url=None",
                "warning: t.jsonl:8: bad date \"soon\" ignored: expected YYYY-MM-DD"
            ]
        );
        assert_eq!(
            read_jsonl(input, true),
            [
                "t.jsonl:1 id=\"a\" text=\"one\" date=None title=None url=None",
                "t.jsonl:8 id=\"t.jsonl:8\" text=\"five\" date=None title=None url=None",
                "t.jsonl:9 id=\"6\" text=\"six\" date=None title=None url=None",
                "t.jsonl:12 id=\"t.jsonl:12\" text=\"nine\" date=None title=None url=None",
                "t.jsonl:13 id=\"t.jsonl:13\" text=\"ten\" date=None title=None url=None",
                "warning: t.jsonl:4: skipped: bad JSON Lines record: expected an object with \"text\", found an array",
                "warning: t.jsonl:5: skipped: bad JSON Lines record: \"id\" is empty",
                "warning: t.jsonl:6: skipped: bad JSON Lines record: \"text\" must be a string, not a number",
                "warning: t.jsonl:7: skipped: bad JSON Lines record: \"id\" must be a string or a number, not {\"k\":[1]}",
                "warning: t.jsonl:8: bad date \"soon\" ignored: expected YYYY-MM-DD",
                "warning: t.jsonl:10: skipped: bad JSON Lines record: key must be a string (column 2)",
                "warning: t.jsonl:11: skipped: bad JSON Lines record: unexpected end of hex escape (column 31)",
                "skipped: 6"
            ]
        );
    }
}
