//! The entity dictionary: its model, its JSON and CSV loaders, merging, and validation.
//!
//! This module owns what an entity is ([`Entity`], [`Alias`], [`Role`], [`Office`]) and turns
//! dictionary files into a validated [`Dictionary`] whose entities are sorted by id. It does not
//! match text: [`crate::tagger`] compiles a dictionary into a matcher.
//!
//! The JSON form (the embedded default is `data/entities.json`):
//!
//! ```json
//! {
//!   "types": ["militia"],
//!   "offices": [
//!     {"id": "kr_president", "label": "President of South Korea",
//!      "phrases": ["South Korean president", "President of South Korea"],
//!      "titles": ["President"]}
//!   ],
//!   "entities": [
//!     {"id": "kr", "type": "country", "label": "South Korea",
//!      "aliases": ["Republic of Korea", {"text": "ROK", "case": "exact"}],
//!      "demonyms": ["South Korean"], "metonyms": ["Seoul", "the Blue House"],
//!      "exclude": ["Seoul National University"], "attributes": {"iso": "KR"}},
//!     {"id": "moon_jae_in", "type": "person", "label": "Moon Jae-in", "short": ["Moon"],
//!      "roles": [{"office": "kr_president", "start": "2017-05-10", "end": "2022-05-09"}]}
//!   ]
//! }
//! ```
//!
//! A top-level array of entities is accepted too. The CSV form has the header
//! `id,type,label,aliases` (aliases separated by `|`) and optional columns `demonyms`,
//! `metonyms`, `short`, `exclude` (also `|`-separated); any other column becomes an attribute.
//!
//! Case rules: `exact` matches the alias as written; `auto` (the default) also matches the
//! alias in capitals and with each word capitalised, so "comfort women" matches "Comfort
//! Women" and "COMFORT WOMEN", but "Moon" never matches "moon"; an alias with no lower-case
//! letter (an acronym such as "US" or "UN") is always exact under `auto`; `insensitive` also
//! matches the alias in lower case.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::corpus::Date;
use crate::error::{Error, Location, Result};

/// The entity types every dictionary may use without declaring them.
pub const BUILTIN_TYPES: &[&str] = &[
    "country",
    "person",
    "agreement",
    "event",
    "organisation",
    "place",
];

/// How an alias may differ in case from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum CaseRule {
    /// As written, and also in capitals and with each word capitalised; acronyms exact.
    #[default]
    Auto,
    /// Only as written.
    Exact,
    /// As written, capitalised, in capitals or in lower case.
    Insensitive,
}

impl CaseRule {
    fn parse(s: &str) -> Option<CaseRule> {
        match s {
            "auto" => Some(CaseRule::Auto),
            "exact" => Some(CaseRule::Exact),
            "insensitive" => Some(CaseRule::Insensitive),
            _ => None,
        }
    }

    /// The name used in dictionary files.
    pub fn name(self) -> &'static str {
        match self {
            CaseRule::Auto => "auto",
            CaseRule::Exact => "exact",
            CaseRule::Insensitive => "insensitive",
        }
    }
}

/// How a surface form refers to its entity. Kept on every mention so users can filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AliasKind {
    /// The label or a full alias ("Moon Jae-in", "Republic of Korea").
    Name,
    /// A short form that counts only after a full mention in the same document ("Moon").
    Short,
    /// A demonym ("Japanese", "South Korean").
    Demonym,
    /// A metonym: a capital or seat of government standing for the state ("Seoul").
    Metonym,
    /// A role phrase resolved by date ("the South Korean president").
    Role,
}

impl AliasKind {
    /// The name used in exports.
    pub fn name(self) -> &'static str {
        match self {
            AliasKind::Name => "name",
            AliasKind::Short => "short",
            AliasKind::Demonym => "demonym",
            AliasKind::Metonym => "metonym",
            AliasKind::Role => "role",
        }
    }
}

/// One surface form of an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The text to match.
    pub text: String,
    /// What kind of reference it is.
    pub kind: AliasKind,
    /// How its case may vary.
    pub case: CaseRule,
}

/// A period in which an entity held an office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// The office id.
    pub office: String,
    /// First day in office.
    pub start: Date,
    /// Last day in office; `None` while in office.
    pub end: Option<Date>,
}

impl Role {
    /// Whether the role was held on this date.
    pub fn holds_on(&self, date: Date) -> bool {
        self.start <= date && self.end.is_none_or(|end| date <= end)
    }
}

/// An office that people hold in turn ("President of South Korea").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    /// Stable id, referred to by [`Role::office`].
    pub id: String,
    /// Human name.
    pub label: String,
    /// Phrases that name the holder ("South Korean president", "Japan's prime minister").
    pub phrases: Vec<String>,
    /// Titles written before a name ("President" in "President Moon").
    pub titles: Vec<String>,
}

/// One entity of the dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Stable id: ASCII letters, digits, `-`, `_`, `.` and `:`; the node id in every export.
    pub id: String,
    /// The type (one of [`BUILTIN_TYPES`] or a declared one).
    pub kind: String,
    /// The human name; also matched as a name.
    pub label: String,
    /// Every surface form, label first.
    pub aliases: Vec<Alias>,
    /// Phrases that block a match of this entity's aliases ("Washington state").
    pub exclude: Vec<String>,
    /// Offices held, with dates.
    pub roles: Vec<Role>,
    /// Free attributes, carried into every export.
    pub attributes: BTreeMap<String, String>,
    /// Where it was defined, for messages.
    pub origin: Location,
}

/// A validated set of entities, sorted by id, and the offices they hold.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    /// Entities sorted by id; an entity's index is its number in mentions and graphs.
    pub entities: Vec<Entity>,
    /// Offices sorted by id.
    pub offices: Vec<Office>,
    /// Types declared beyond the built-in ones.
    pub types: Vec<String>,
    by_id: HashMap<String, u32>,
    /// The names by their opening bytes, made when first asked for.
    openings: OnceLock<Openings>,
}

/// The dictionary's full names, demonyms and metonyms by their first bytes, ASCII-lowercased:
/// which names could start at a given place in a text, without trying every name.
///
/// Short names and roles are left out. It is made from the entities as they are when
/// [`Dictionary::openings`] is first called.
#[derive(Debug, Clone, Default)]
pub struct Openings {
    /// (opening key, entity, alias) sorted by key, then entity and alias.
    names: Vec<(u32, u32, u32)>,
}

impl Openings {
    /// The key of a name's first `n` bytes (1 to 3), ASCII-lowercased.
    fn key(bytes: &[u8]) -> u32 {
        let n = bytes.len().min(3);
        let mut k = (n as u32) << 24;
        for (i, b) in bytes[..n].iter().enumerate() {
            k |= u32::from(b.to_ascii_lowercase()) << (8 * i);
        }
        k
    }

    fn new(entities: &[Entity]) -> Openings {
        let mut names = Vec::new();
        for (ei, e) in entities.iter().enumerate() {
            for (ai, a) in e.aliases.iter().enumerate() {
                if a.text.is_empty() || matches!(a.kind, AliasKind::Short | AliasKind::Role) {
                    continue;
                }
                names.push((Openings::key(a.text.as_bytes()), ei as u32, ai as u32));
            }
        }
        names.sort_unstable();
        Openings { names }
    }

    /// Adds to `out` every (entity, alias) whose name could begin at the start of `text`:
    /// its first bytes equal `text`'s, ignoring ASCII case. `out` is left unsorted.
    pub fn starting(&self, text: &[u8], out: &mut Vec<(u32, u32)>) {
        for n in 1..=text.len().min(3) {
            let key = Openings::key(&text[..n]);
            let from = self.names.partition_point(|&(k, _, _)| k < key);
            out.extend(
                self.names[from..]
                    .iter()
                    .take_while(|&&(k, _, _)| k == key)
                    .map(|&(_, e, a)| (e, a)),
            );
        }
    }
}

/// The default dictionary, embedded in the binary.
pub const DEFAULT_JSON: &str = include_str!("../data/entities.json");

impl Dictionary {
    /// The names by their opening bytes, made on the first call.
    pub fn openings(&self) -> &Openings {
        self.openings.get_or_init(|| Openings::new(&self.entities))
    }

    /// The embedded default dictionary for Japan-South Korea-United States relations.
    pub fn embedded() -> Result<Dictionary> {
        let mut b = Builder::default();
        b.add_json("<embedded>", DEFAULT_JSON)?;
        b.finish()
    }

    /// Loads one file, JSON or CSV by its extension.
    pub fn from_path(path: &Path) -> Result<Dictionary> {
        let mut b = Builder::default();
        b.add_path(path)?;
        b.finish()
    }

    /// Builds a dictionary from entities made in code (ids must be unique and valid).
    pub fn from_entities(entities: Vec<Entity>) -> Result<Dictionary> {
        let mut b = Builder::default();
        for e in entities {
            b.insert(e);
        }
        b.finish()
    }

    /// The index of an entity by id.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// An entity by id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.index_of(id).map(|i| &self.entities[i as usize])
    }

    /// An office by id.
    pub fn office(&self, id: &str) -> Option<&Office> {
        self.offices.iter().find(|o| o.id == id)
    }

    /// Finds an entity by id, or by any of its names and aliases (case-insensitively):
    /// what a user types on the command line.
    pub fn lookup(&self, query: &str) -> Option<u32> {
        if let Some(i) = self.index_of(query) {
            return Some(i);
        }
        let q = query.trim().to_lowercase();
        let found = |kinds: &[AliasKind]| {
            self.entities.iter().position(|e| {
                e.aliases
                    .iter()
                    .any(|a| kinds.contains(&a.kind) && a.text.to_lowercase() == q)
            })
        };
        found(&[AliasKind::Name])
            .or_else(|| found(&[AliasKind::Short, AliasKind::Demonym, AliasKind::Metonym]))
            .map(|i| i as u32)
    }
}

/// The case variants of a surface form that its rule allows.
pub fn case_variants(text: &str, case: CaseRule) -> Vec<String> {
    let mut out = vec![text.to_string()];
    let has_lower = text.chars().any(char::is_lowercase);
    if case == CaseRule::Exact || !has_lower {
        return out;
    }
    out.push(text.to_uppercase());
    // Each word capitalised (after a space only, so "Jae-in" keeps its case).
    let mut titled = String::with_capacity(text.len());
    let mut at_start = true;
    for c in text.chars() {
        if at_start {
            titled.extend(c.to_uppercase());
        } else {
            titled.push(c);
        }
        at_start = c == ' ';
    }
    out.push(titled);
    // Only the first letter capitalised (a sentence start).
    let mut chars = text.chars();
    if let Some(first) = chars.next() {
        out.push(first.to_uppercase().chain(chars).collect());
    }
    if case == CaseRule::Insensitive {
        out.push(text.to_lowercase());
    }
    out.sort();
    out.dedup();
    out
}

/// Merges dictionary files in order (a later file's entity replaces an earlier one with the
/// same id) and validates the result.
#[derive(Debug, Default)]
pub struct Builder {
    entities: BTreeMap<String, Entity>,
    offices: BTreeMap<String, Office>,
    types: Vec<String>,
    /// Roles to check once every office is known: (entity id, role index).
    errors: Vec<Error>,
}

impl Builder {
    /// Adds the embedded default dictionary.
    pub fn add_embedded(&mut self) -> Result<()> {
        self.add_json("<embedded>", DEFAULT_JSON)
    }

    /// Adds a file: `.csv` as CSV, anything else as JSON.
    pub fn add_path(&mut self, path: &Path) -> Result<()> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64;
            Error::dictionary(Location::line(&name, line), "not valid UTF-8")
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let is_csv = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if is_csv {
            self.add_csv(&name, text)
        } else {
            self.add_json(&name, text)
        }
    }

    fn insert(&mut self, e: Entity) {
        self.entities.insert(e.id.clone(), e);
    }

    /// Adds a JSON dictionary held in a string; `name` is used in messages.
    pub fn add_json(&mut self, name: &str, text: &str) -> Result<()> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::dictionary(
                Location::line(name, e.line() as u64),
                format!("bad JSON: {e}"),
            )
        })?;
        let lines = LineFinder::new(text);
        let (entities, root) = match &value {
            Value::Array(items) => (items.as_slice(), ""),
            Value::Object(map) => {
                for key in map.keys() {
                    if !["entities", "offices", "types", "version", "description"]
                        .contains(&key.as_str())
                    {
                        return Err(Error::dictionary(
                            Location::json(name, lines.key(key), key.clone()),
                            format!("unknown key {key:?}: expected entities, offices or types"),
                        ));
                    }
                }
                if let Some(types) = map.get("types") {
                    let types: Vec<String> =
                        serde_json::from_value(types.clone()).map_err(|_| {
                            Error::dictionary(
                                Location::json(name, lines.key("types"), "types"),
                                "expected a list of strings",
                            )
                        })?;
                    for t in types {
                        // Declared as entities use them: an entity's type is normalised, so
                        // a declared "Militia" would otherwise match no entity at all.
                        let t = normalise_type(&t);
                        if !self.types.contains(&t) {
                            self.types.push(t);
                        }
                    }
                }
                if let Some(offices) = map.get("offices") {
                    let Value::Array(offices) = offices else {
                        return Err(Error::dictionary(
                            Location::json(name, lines.key("offices"), "offices"),
                            "expected a list",
                        ));
                    };
                    for (i, o) in offices.iter().enumerate() {
                        let path = format!("offices[{i}]");
                        let office = parse_office(o).map_err(|(p, m)| {
                            let id = o.get("id").and_then(Value::as_str);
                            Error::dictionary(
                                Location::json(
                                    name,
                                    id.and_then(|id| lines.id(id)),
                                    join_path(&path, &p),
                                ),
                                m,
                            )
                        })?;
                        self.offices.insert(office.id.clone(), office);
                    }
                }
                match map.get("entities") {
                    Some(Value::Array(items)) => (items.as_slice(), "entities"),
                    Some(_) => {
                        return Err(Error::dictionary(
                            Location::json(name, lines.key("entities"), "entities"),
                            "expected a list of entities",
                        ));
                    }
                    None => (&[][..], "entities"),
                }
            }
            _ => {
                return Err(Error::dictionary(
                    Location::line(name, 1),
                    "expected an object with \"entities\" or a list of entities",
                ));
            }
        };
        let mut seen = HashSet::new();
        for (i, item) in entities.iter().enumerate() {
            let path = if root.is_empty() {
                format!("[{i}]")
            } else {
                format!("{root}[{i}]")
            };
            let id = item.get("id").and_then(Value::as_str);
            let line = id.and_then(|id| lines.id(id));
            let mut entity = parse_entity(item).map_err(|(p, m)| {
                Error::dictionary(Location::json(name, line, join_path(&path, &p)), m)
            })?;
            entity.origin = Location::json(name, line, path.clone());
            if !seen.insert(entity.id.clone()) {
                return Err(Error::dictionary(
                    Location::json(name, line, path),
                    format!("duplicate id {:?}", entity.id),
                ));
            }
            self.insert(entity);
        }
        Ok(())
    }

    /// Adds a CSV dictionary held in a string; `name` is used in messages.
    pub fn add_csv(&mut self, name: &str, text: &str) -> Result<()> {
        // The csv crate reads an unclosed quote as a field running to the end of the file,
        // and would report only a short record: say what is wrong, and where it starts.
        if let Some(line) = unclosed_quote(text) {
            return Err(Error::dictionary(
                Location::line(name, line),
                "unbalanced quote: a quoted field opens here and is never closed",
            ));
        }
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|e| csv_error(name, &e))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect::<Vec<_>>();
        // Two columns of one name would silently overwrite each other (an attribute column
        // named "Label" would replace every label).
        for (i, h) in headers.iter().enumerate() {
            if headers[..i].contains(h) {
                return Err(Error::dictionary(
                    Location::line(name, 1),
                    format!("column {h:?} appears twice (names are compared in lower case)"),
                ));
            }
        }
        for required in ["id", "type", "label"] {
            if !headers.iter().any(|h| h == required) {
                return Err(Error::dictionary(
                    Location::line(name, 1),
                    format!(
                        "missing column {required:?}: the header must start id,type,label,aliases"
                    ),
                ));
            }
        }
        let mut seen = HashSet::new();
        for record in rdr.records() {
            let record = record.map_err(|e| csv_error(name, &e))?;
            let line = record.position().map_or(0, |p| p.line());
            let at = Location::line(name, line);
            let mut obj = serde_json::Map::new();
            let mut attributes = serde_json::Map::new();
            for (h, cell) in headers.iter().zip(record.iter()) {
                let cell = cell.trim();
                match h.as_str() {
                    "id" | "type" | "label" if cell.is_empty() => {}
                    "id" | "type" | "label" => {
                        obj.insert(h.clone(), Value::String(cell.to_string()));
                    }
                    "aliases" | "demonyms" | "metonyms" | "short" | "exclude" => {
                        let list: Vec<Value> = if cell.is_empty() {
                            Vec::new()
                        } else {
                            cell.split('|')
                                .map(|a| Value::String(a.trim().to_string()))
                                .collect()
                        };
                        obj.insert(h.clone(), Value::Array(list));
                    }
                    _ if cell.is_empty() => {}
                    _ => {
                        attributes.insert(h.clone(), Value::String(cell.to_string()));
                    }
                }
            }
            obj.insert("attributes".into(), Value::Object(attributes));
            let mut entity = parse_entity(&Value::Object(obj)).map_err(|(p, m)| {
                // A list position says which cell; a plain field name would only repeat the message.
                let m = if p.contains('[') {
                    format!("{p}: {m}")
                } else {
                    m
                };
                Error::dictionary(at.clone(), m)
            })?;
            entity.origin = at.clone();
            if !seen.insert(entity.id.clone()) {
                return Err(Error::dictionary(
                    at,
                    format!("duplicate id {:?}", entity.id),
                ));
            }
            self.insert(entity);
        }
        Ok(())
    }

    /// Validates everything added so far and returns the dictionary. Fails on the first
    /// error: an unknown type, a role naming an unknown office.
    pub fn finish(self) -> Result<Dictionary> {
        if let Some(e) = self.errors.into_iter().next() {
            return Err(e);
        }
        let known: HashSet<&str> = BUILTIN_TYPES
            .iter()
            .copied()
            .chain(self.types.iter().map(String::as_str))
            .collect();
        for e in self.entities.values() {
            if !known.contains(e.kind.as_str()) {
                let mut all: Vec<&str> = known.iter().copied().collect();
                all.sort_unstable();
                return Err(Error::dictionary(
                    e.origin.clone(),
                    format!(
                        "unknown type {:?} for {:?}: expected one of {} (or declare it in \"types\")",
                        e.kind,
                        e.id,
                        all.join(", ")
                    ),
                ));
            }
            for r in &e.roles {
                if !self.offices.contains_key(&r.office) {
                    return Err(Error::dictionary(
                        e.origin.clone(),
                        format!("{:?} holds unknown office {:?}", e.id, r.office),
                    ));
                }
            }
        }
        let entities: Vec<Entity> = self.entities.into_values().collect();
        let by_id = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i as u32))
            .collect();
        Ok(Dictionary {
            entities,
            offices: self.offices.into_values().collect(),
            types: self.types,
            by_id,
            openings: OnceLock::new(),
        })
    }
}

/// The line of a quoted CSV field that is never closed, if there is one. A quote opens a
/// quoted field only at the start of a field; inside one, `""` is an escaped quote.
fn unclosed_quote(text: &str) -> Option<u64> {
    let mut line = 1u64;
    let mut opened = None;
    let mut field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        if opened.is_some() {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    opened = None;
                }
            }
            continue;
        }
        match c {
            '"' if field_start => {
                opened = Some(line);
                field_start = false;
            }
            ',' | '\n' | '\r' => field_start = true,
            _ => field_start = false,
        }
    }
    opened
}

fn csv_error(name: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(1, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} fields, found {len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        _ => format!("bad CSV: {e}"),
    };
    Error::dictionary(Location::line(name, line), message)
}

fn join_path(base: &str, rest: &str) -> String {
    if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}.{rest}")
    }
}

/// Finds the line of a JSON key or of an entity's `"id": "..."`, for messages.
///
/// The line starts and the ids' lines are indexed once, on first use, so that asking for the
/// line of every entity of a large file costs one pass over it, not one pass per entity.
pub(crate) struct LineFinder<'a> {
    text: &'a str,
    /// Byte offset of each `\n`.
    newlines: std::cell::OnceCell<Vec<usize>>,
    /// Each `"id": "..."` value as written (quotes and escapes included) and the line of its
    /// first occurrence.
    ids: std::cell::OnceCell<HashMap<&'a str, u64>>,
}

impl<'a> LineFinder<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LineFinder {
            text,
            newlines: std::cell::OnceCell::new(),
            ids: std::cell::OnceCell::new(),
        }
    }

    fn line_at(&self, byte: usize) -> u64 {
        let newlines = self.newlines.get_or_init(|| {
            self.text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i)
                .collect()
        });
        1 + newlines.partition_point(|&n| n < byte) as u64
    }

    pub(crate) fn key(&self, key: &str) -> Option<u64> {
        let needle = serde_json::to_string(key).ok()?;
        self.text.find(&needle).map(|i| self.line_at(i))
    }

    pub(crate) fn id(&self, id: &str) -> Option<u64> {
        let needle = serde_json::to_string(id).ok()?;
        self.ids
            .get_or_init(|| self.index_ids())
            .get(needle.as_str())
            .copied()
    }

    /// Every `"id"` followed by a colon and a string, with the line of the `"id"`.
    fn index_ids(&self) -> HashMap<&'a str, u64> {
        let text = self.text;
        let mut ids = HashMap::new();
        let mut from = 0;
        while let Some(i) = text[from..].find("\"id\"") {
            let at = from + i;
            from = at + 4;
            let Some(v) = text[from..].trim_start().strip_prefix(':') else {
                continue;
            };
            let v = v.trim_start();
            let start = text.len() - v.len();
            if let Some(len) = string_literal_len(v) {
                ids.entry(&text[start..start + len])
                    .or_insert_with(|| self.line_at(at));
            }
        }
        ids
    }
}

/// The length in bytes of the JSON string literal at the start of `s`, quotes included.
fn string_literal_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// An error inside one JSON item: the path below the item, and the message.
type ItemError = (String, String);

fn field<'v>(item: &'v Value, key: &str) -> Option<&'v Value> {
    item.get(key).filter(|v| !v.is_null())
}

fn string_field(item: &Value, key: &str, required: bool) -> Result<Option<String>, ItemError> {
    match field(item, key) {
        None if required => Err((String::new(), format!("missing {key:?}"))),
        None => Ok(None),
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.is_empty() && required {
                Err((key.to_string(), format!("{key:?} is empty")))
            } else {
                Ok(Some(s.to_string()))
            }
        }
        Some(_) => Err((key.to_string(), format!("{key:?} must be a string"))),
    }
}

/// Checks an id: an XML NMTOKEN made of ASCII letters, digits, `-`, `_`, `.` and `:`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Checks a surface form: not blank, at least two characters, and at least one letter or
/// digit. Returns why it is unusable.
pub fn check_alias(text: &str) -> Option<&'static str> {
    if text.trim().is_empty() {
        Some("is empty")
    } else if text.chars().count() < 2 {
        Some("is a single character, which would match almost anywhere")
    } else if !text.chars().any(char::is_alphanumeric) {
        Some("has no letter or digit")
    } else if text != text.trim() {
        Some("has leading or trailing spaces")
    } else {
        None
    }
}

fn parse_alias_list(
    item: &Value,
    key: &str,
    kind: AliasKind,
    out: &mut Vec<Alias>,
) -> Result<(), ItemError> {
    let Some(v) = field(item, key) else {
        return Ok(());
    };
    let Value::Array(list) = v else {
        return Err((key.to_string(), format!("{key:?} must be a list")));
    };
    for (i, a) in list.iter().enumerate() {
        let path = format!("{key}[{i}]");
        let (text, case) = match a {
            Value::String(s) => (s.clone(), CaseRule::Auto),
            Value::Object(o) => {
                let text = match o.get("text") {
                    Some(Value::String(s)) => s.clone(),
                    _ => return Err((path, "expected {\"text\": ..., \"case\": ...}".into())),
                };
                let case = match o.get("case") {
                    None => CaseRule::Auto,
                    Some(Value::String(c)) => CaseRule::parse(c).ok_or_else(|| {
                        (
                            format!("{path}.case"),
                            format!("unknown case rule {c:?}: expected auto, exact or insensitive"),
                        )
                    })?,
                    Some(_) => return Err((format!("{path}.case"), "must be a string".into())),
                };
                (text, case)
            }
            _ => return Err((path, "an alias must be a string or an object".into())),
        };
        if let Some(why) = check_alias(&text) {
            return Err((path, format!("alias {text:?} {why}")));
        }
        out.push(Alias { text, kind, case });
    }
    Ok(())
}

/// An entity type as it is compared: trimmed, lower case, and the American spelling of
/// "organisation" is the same type.
fn normalise_type(t: &str) -> String {
    let t = t.trim().to_lowercase();
    if t == "organization" {
        "organisation".to_string()
    } else {
        t
    }
}

fn parse_entity(item: &Value) -> Result<Entity, ItemError> {
    if !item.is_object() {
        return Err((String::new(), "an entity must be an object".into()));
    }
    for key in item.as_object().map(|o| o.keys()).into_iter().flatten() {
        if ![
            "id",
            "type",
            "label",
            "aliases",
            "demonyms",
            "metonyms",
            "short",
            "exclude",
            "roles",
            "attributes",
            "note",
        ]
        .contains(&key.as_str())
        {
            return Err((key.clone(), format!("unknown field {key:?}")));
        }
    }
    let id = string_field(item, "id", true)?.unwrap_or_default();
    if !valid_id(&id) {
        return Err((
            "id".into(),
            format!("bad id {id:?}: use ASCII letters, digits, '-', '_', '.' and ':'"),
        ));
    }
    let kind = normalise_type(&string_field(item, "type", true)?.unwrap_or_default());
    let label = string_field(item, "label", true)?.unwrap_or_default();
    if let Some(why) = check_alias(&label) {
        return Err(("label".into(), format!("label {label:?} {why}")));
    }
    let mut aliases = vec![Alias {
        text: label.clone(),
        kind: AliasKind::Name,
        case: CaseRule::Auto,
    }];
    parse_alias_list(item, "aliases", AliasKind::Name, &mut aliases)?;
    parse_alias_list(item, "short", AliasKind::Short, &mut aliases)?;
    parse_alias_list(item, "demonyms", AliasKind::Demonym, &mut aliases)?;
    parse_alias_list(item, "metonyms", AliasKind::Metonym, &mut aliases)?;
    // The label can be repeated among the aliases with a case rule: keep the explicit one.
    if aliases[1..].iter().any(|a| a.text == label) {
        aliases.remove(0);
    }
    let mut exclude = Vec::new();
    if let Some(v) = field(item, "exclude") {
        let list: Vec<String> = serde_json::from_value(v.clone()).map_err(|_| {
            (
                "exclude".to_string(),
                "\"exclude\" must be a list of strings".to_string(),
            )
        })?;
        for (i, x) in list.into_iter().enumerate() {
            if let Some(why) = check_alias(&x) {
                return Err((format!("exclude[{i}]"), format!("phrase {x:?} {why}")));
            }
            exclude.push(x);
        }
    }
    let mut roles = Vec::new();
    if let Some(v) = field(item, "roles") {
        let Value::Array(list) = v else {
            return Err(("roles".into(), "\"roles\" must be a list".into()));
        };
        for (i, r) in list.iter().enumerate() {
            let path = format!("roles[{i}]");
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct RawRole {
                office: String,
                start: String,
                end: Option<String>,
            }
            let raw: RawRole = serde_json::from_value(r.clone())
                .map_err(|e| (path.clone(), format!("bad role: {}", one_line(e))))?;
            let start = Date::parse(&raw.start).ok_or_else(|| {
                (
                    format!("{path}.start"),
                    format!("bad date {:?}: expected YYYY-MM-DD", raw.start),
                )
            })?;
            let end = match raw.end.as_deref().filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(Date::parse(s).ok_or_else(|| {
                    (
                        format!("{path}.end"),
                        format!("bad date {s:?}: expected YYYY-MM-DD"),
                    )
                })?),
            };
            if end.is_some_and(|end| end < start) {
                return Err((path, "the role ends before it starts".into()));
            }
            roles.push(Role {
                office: raw.office,
                start,
                end,
            });
        }
    }
    let mut attributes = BTreeMap::new();
    if let Some(v) = field(item, "attributes") {
        let Value::Object(map) = v else {
            return Err((
                "attributes".into(),
                "\"attributes\" must be an object".into(),
            ));
        };
        for (k, v) in map {
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => {
                    return Err((
                        format!("attributes.{k}"),
                        "an attribute must be a string, number or boolean".into(),
                    ));
                }
            };
            attributes.insert(k.clone(), v);
        }
    }
    Ok(Entity {
        id,
        kind,
        label,
        aliases,
        exclude,
        roles,
        attributes,
        origin: Location::file(""),
    })
}

/// A serde message on one line: serde quotes an unknown field's name as written, line
/// breaks included, and an error must stay one line. Control characters are escaped.
fn one_line(message: impl std::fmt::Display) -> String {
    let mut out = String::new();
    for c in message.to_string().chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_office(item: &Value) -> Result<Office, ItemError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawOffice {
        id: String,
        label: String,
        #[serde(default)]
        phrases: Vec<String>,
        #[serde(default)]
        titles: Vec<String>,
    }
    let raw: RawOffice = serde_json::from_value(item.clone())
        .map_err(|e| (String::new(), format!("bad office: {}", one_line(e))))?;
    if !valid_id(&raw.id) {
        return Err((
            "id".into(),
            format!(
                "bad id {:?}: use ASCII letters, digits, '-', '_', '.' and ':'",
                raw.id
            ),
        ));
    }
    for (key, list) in [("phrases", &raw.phrases), ("titles", &raw.titles)] {
        for (i, p) in list.iter().enumerate() {
            if let Some(why) = check_alias(p) {
                return Err((format!("{key}[{i}]"), format!("{p:?} {why}")));
            }
        }
    }
    Ok(Office {
        id: raw.id,
        label: raw.label,
        phrases: raw.phrases,
        titles: raw.titles,
    })
}

/// Writes a dictionary as CSV (`id,type,label,aliases,demonyms,metonyms,short,exclude`, then
/// one column per attribute name), which the CSV loader reads back. Returns how many things
/// CSV cannot hold and were left out: roles, and aliases whose case rule differs from what
/// `auto` would do.
pub fn write_csv<W: std::io::Write>(dict: &Dictionary, w: W) -> std::io::Result<usize> {
    let attrs: std::collections::BTreeSet<&str> = dict
        .entities
        .iter()
        .flat_map(|e| e.attributes.keys().map(String::as_str))
        .collect();
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec![
        "id", "type", "label", "aliases", "demonyms", "metonyms", "short", "exclude",
    ];
    header.extend(attrs.iter().copied());
    out.write_record(&header)?;
    let mut dropped = 0;
    for e in &dict.entities {
        let list = |kind: AliasKind| {
            e.aliases
                .iter()
                .filter(|a| a.kind == kind && !(kind == AliasKind::Name && a.text == e.label))
                .map(|a| a.text.as_str())
                .collect::<Vec<_>>()
                .join("|")
        };
        dropped += e.roles.len();
        dropped += e
            .aliases
            .iter()
            .filter(|a| case_variants(&a.text, a.case) != case_variants(&a.text, CaseRule::Auto))
            .count();
        let mut row = vec![
            e.id.clone(),
            e.kind.clone(),
            e.label.clone(),
            list(AliasKind::Name),
            list(AliasKind::Demonym),
            list(AliasKind::Metonym),
            list(AliasKind::Short),
            e.exclude.join("|"),
        ];
        row.extend(
            attrs
                .iter()
                .map(|k| e.attributes.get(*k).cloned().unwrap_or_default()),
        );
        out.write_record(&row)?;
    }
    out.flush()?;
    Ok(dropped)
}

/// How serious a dictionary problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The dictionary works but may not do what its author meant.
    Warning,
    /// Some alias or role can never work as written.
    Error,
}

/// A problem found by [`lint`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the entity (or office) is defined.
    pub at: Location,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, naming the aliases and entities involved.
    pub message: String,
}

/// Checks a loaded dictionary for what loading cannot see in one entity alone:
///
/// - a surface form (in any case variant its rule allows) claimed by two entities as a name,
///   demonym or metonym: an error, because nothing separates them (short forms shared by
///   several entities are fine: the most recent full mention decides);
/// - a short form of one entity that is another entity's full name: a warning, the name
///   always wins;
/// - an alias that is also an exclusion phrase: an error, it can never match;
/// - holders of one office whose dates overlap: an error;
/// - a role phrase that is also an entity's alias: a warning, the entity wins.
pub fn lint(dict: &Dictionary) -> Vec<Problem> {
    let mut problems = Vec::new();
    // variant -> (entity, alias text, kind)
    let mut claims: BTreeMap<String, Vec<(usize, &str, AliasKind)>> = BTreeMap::new();
    for (i, e) in dict.entities.iter().enumerate() {
        for a in &e.aliases {
            for v in case_variants(&a.text, a.case) {
                let list = claims.entry(v).or_default();
                if !list.iter().any(|c| c.0 == i) {
                    list.push((i, &a.text, a.kind));
                }
            }
        }
    }
    let mut reported = HashSet::new();
    for (variant, list) in &claims {
        if list.len() < 2 {
            continue;
        }
        let full: Vec<_> = list.iter().filter(|c| c.2 != AliasKind::Short).collect();
        let short: Vec<_> = list.iter().filter(|c| c.2 == AliasKind::Short).collect();
        if full.len() >= 2 {
            let key: Vec<usize> = full.iter().map(|c| c.0).collect();
            if reported.insert((key, variant.to_lowercase())) {
                let (a, b) = (full[0], full[1]);
                problems.push(Problem {
                    at: dict.entities[b.0].origin.clone(),
                    severity: Severity::Error,
                    message: format!(
                        "alias {:?} of {:?} is also claimed by {:?} (as {:?}, {}) with no rule between them",
                        b.1, dict.entities[b.0].id, dict.entities[a.0].id, a.1, dict.entities[a.0].origin
                    ),
                });
            }
        } else if full.len() == 1 && !short.is_empty() {
            let f = full[0];
            for s in short {
                if reported.insert((vec![f.0, s.0], s.1.to_lowercase())) {
                    problems.push(Problem {
                        at: dict.entities[s.0].origin.clone(),
                        severity: Severity::Warning,
                        message: format!(
                            "short form {:?} of {:?} is shadowed by the name {:?} of {:?}: the name always wins",
                            s.1, dict.entities[s.0].id, f.1, dict.entities[f.0].id
                        ),
                    });
                }
            }
        }
    }
    for e in &dict.entities {
        for x in &e.exclude {
            for v in case_variants(x, CaseRule::Auto) {
                if let Some(list) = claims.get(&v) {
                    for c in list {
                        if reported.insert((vec![c.0, usize::MAX], v.to_lowercase())) {
                            problems.push(Problem {
                                at: dict.entities[c.0].origin.clone(),
                                severity: Severity::Error,
                                message: format!(
                                    "alias {:?} of {:?} never matches: {:?} excludes {:?}",
                                    c.1, dict.entities[c.0].id, e.id, x
                                ),
                            });
                        }
                    }
                }
            }
        }
    }
    for office in &dict.offices {
        let mut holders: Vec<(&Entity, &Role)> = dict
            .entities
            .iter()
            .flat_map(|e| {
                e.roles
                    .iter()
                    .filter(|r| r.office == office.id)
                    .map(move |r| (e, r))
            })
            .collect();
        holders.sort_by_key(|(_, r)| r.start);
        for w in holders.windows(2) {
            let ((e1, r1), (e2, r2)) = (w[0], w[1]);
            if r1.end.is_none_or(|end| r2.start <= end) {
                problems.push(Problem {
                    at: e2.origin.clone(),
                    severity: Severity::Error,
                    message: format!(
                        "{:?} holds {:?} from {} while {:?} holds it until {}",
                        e2.id,
                        office.id,
                        r2.start,
                        e1.id,
                        r1.end.map_or("now".to_string(), |d| d.to_string())
                    ),
                });
            }
        }
        for p in &office.phrases {
            if let Some(list) = claims.get(p) {
                problems.push(Problem {
                    at: dict.entities[list[0].0].origin.clone(),
                    severity: Severity::Warning,
                    message: format!(
                        "role phrase {p:?} of office {:?} is also an alias of {:?}: the entity wins",
                        office.id, dict.entities[list[0].0].id
                    ),
                });
            }
        }
    }
    problems.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.message.cmp(&b.message))
    });
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_json(text: &str) -> Result<Dictionary> {
        let mut b = Builder::default();
        b.add_json("d.json", text)?;
        b.finish()
    }

    fn load_csv(text: &str) -> Result<Dictionary> {
        let mut b = Builder::default();
        b.add_csv("d.csv", text)?;
        b.finish()
    }

    #[test]
    fn line_finder_finds_keys_and_the_first_line_of_each_id() {
        let text = concat!(
            "{\"entities\": [\n",
            "  {\"id\": \"a\"},\n",
            "  {\"note\": \"the \\\"id\\\" key\", \"id\" :  \"b\\\"q\"},\n",
            "  {\"id\": \"a\"},\n",
            "  {\"id\": 3},\n",
            "  {\"id\": \"über\"}\n",
            "]}"
        );
        let f = LineFinder::new(text);
        assert_eq!(f.key("entities"), Some(1));
        assert_eq!(f.id("a"), Some(2));
        assert_eq!(f.id("b\"q"), Some(3));
        assert_eq!(f.id("über"), Some(6));
        assert_eq!(f.id("3"), None);
        assert_eq!(f.id("missing"), None);
        assert_eq!(f.key("missing"), None);
    }

    /// The line of each entity is found in one pass over the file: a 30,000-entity JSON file
    /// took minutes when each entity's line was searched for from the top.
    #[test]
    fn a_large_json_dictionary_loads_in_linear_time() {
        let n = 30_000;
        let mut text = String::from("{\"entities\": [\n");
        for i in 0..n {
            let sep = if i + 1 < n { "," } else { "" };
            text.push_str(&format!(
                "  {{\"id\": \"e{i}\", \"type\": \"place\", \"label\": \"Place{i}\"}}{sep}\n"
            ));
        }
        text.push_str("]}\n");
        let start = std::time::Instant::now();
        let d = load_json(&text).unwrap();
        let took = start.elapsed();
        assert_eq!(d.entities.len(), n);
        let last = d.entities.iter().find(|e| e.id == "e29999").unwrap();
        assert_eq!(last.origin.line, Some(n as u64 + 1));
        assert!(took.as_secs() < 30, "{took:?}");
    }

    #[test]
    fn the_embedded_dictionary_loads() {
        let d = Dictionary::embedded().unwrap();
        assert!(d.entities.len() > 20);
        assert!(d.entities.windows(2).all(|w| w[0].id < w[1].id));
    }

    #[test]
    fn json_entities_sort_by_id_and_keep_their_parts() {
        let d = load_json(
            r#"{"entities": [
                {"id": "b", "type": "country", "label": "Japan", "demonyms": ["Japanese"],
                 "attributes": {"iso": "JP", "g7": true}},
                {"id": "a", "type": "organization", "label": "United Nations",
                 "aliases": [{"text": "UN", "case": "exact"}]}
            ]}"#,
        )
        .unwrap();
        assert_eq!(d.entities[0].id, "a");
        assert_eq!(d.entities[0].kind, "organisation");
        assert_eq!(d.entities[0].aliases[1].case, CaseRule::Exact);
        assert_eq!(d.entities[1].aliases[1].kind, AliasKind::Demonym);
        assert_eq!(d.entities[1].attributes["g7"], "true");
        assert_eq!(d.index_of("b"), Some(1));
        assert_eq!(d.lookup("japanese"), Some(1));
        assert_eq!(d.lookup("UN"), Some(0));
    }

    #[test]
    fn json_errors_name_the_file_line_and_path() {
        let err = load_json("{\"entities\": [\n  {\"id\": \"x\", \"type\": \"country\"}\n]}")
            .unwrap_err();
        assert_eq!(err.to_string(), "d.json:2: entities[0]: missing \"label\"");
        let err = load_json("{\"entities\": [\n {\"id\": \"x\", \"type\": \"country\", \"label\": \"Xy\",\n  \"aliases\": [\"ok\", \"\"]}]}")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.json:2: entities[0].aliases[1]: alias \"\" is empty"
        );
        let err = load_json(
            "{\"entities\": [\n {\"id\": \"x\", \"type\": \"planet\", \"label\": \"Xy\"}]}",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("d.json:2: entities[0]: unknown type \"planet\""),
            "{err}"
        );
        let err = load_json("{\"entities\": [\n {\"id\": \"x\"").unwrap_err();
        assert!(err.to_string().starts_with("d.json:2: bad JSON"), "{err}");
        let err = load_json(
            "{\"entities\": [{\"id\": \"a b\", \"type\": \"country\", \"label\": \"Xy\"}]}",
        )
        .unwrap_err();
        assert!(err.to_string().contains("bad id \"a b\""), "{err}");
    }

    #[test]
    fn namespaced_ids_are_accepted() {
        assert!(valid_id("country:jp") && valid_id("wd.Q17") && valid_id("moon_jae-in"));
        assert!(!valid_id("a b") && !valid_id("") && !valid_id("a/b") && !valid_id("é"));
    }

    #[test]
    fn declared_types_are_accepted() {
        let d = load_json(
            r#"{"types": ["militia"], "entities": [{"id": "x", "type": "militia", "label": "Xy"}]}"#,
        );
        assert!(d.is_ok());
    }

    #[test]
    fn csv_loads_lists_and_attributes() {
        let d = load_csv("id,type,label,aliases,demonyms,iso\nkr,country,South Korea,ROK|Republic of Korea,South Korean,KR\n")
            .unwrap();
        let kr = &d.entities[0];
        assert_eq!(kr.aliases.len(), 4);
        assert_eq!(kr.attributes["iso"], "KR");
    }

    #[test]
    fn csv_errors_name_the_line() {
        let err =
            load_csv("id,type,label,aliases\nkr,country,South Korea,\njp,country,,\n").unwrap_err();
        assert_eq!(err.to_string(), "d.csv:3: missing \"label\"");
        let err = load_csv("id,type,label,aliases\nkr,country,South Korea,\nkr,country,Korea,\n")
            .unwrap_err();
        assert_eq!(err.to_string(), "d.csv:3: duplicate id \"kr\"");
        let err = load_csv("id,label\nkr,Korea\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("d.csv:1: missing column \"type\""),
            "{err}"
        );
        let err =
            load_csv("id,type,label,aliases\nkr,country,South Korea,\njp,country\n").unwrap_err();
        assert_eq!(err.to_string(), "d.csv:3: expected 4 fields, found 2");
        let err = load_csv("id,type,label,aliases\nkr,country,South Korea,K\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("d.csv:2: aliases[0]: alias \"K\" is a single character"),
            "{err}"
        );
        let err = load_csv("id,type,label,aliases\nkr,country,South Korea,--\n").unwrap_err();
        assert!(err.to_string().contains("has no letter or digit"), "{err}");
    }

    #[test]
    fn csv_quotes_columns_and_declared_types() {
        // An unclosed quote would swallow the rest of the file into one field.
        let err = load_csv(
            "id,type,label,aliases\nok,country,Okland,\nx,country,\"Xland,\ny,country,Yland,\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.csv:3: unbalanced quote: a quoted field opens here and is never closed"
        );
        assert_eq!(unclosed_quote("a,\"b\"\"c\",d\"e\n\"x\ny\"\n"), None);
        assert_eq!(unclosed_quote("a\n\"\"\"\n"), Some(2));
        // A column named twice would overwrite the first.
        let err = load_csv("id,type,label,aliases,Label\nx,country,Xland,,Shadow\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.csv:1: column \"label\" appears twice (names are compared in lower case)"
        );
        // Declared types are compared as entity types are: trimmed, in lower case.
        let d = load_json(
            r#"{"types": [" Militia "], "entities": [{"id": "x", "type": "MILITIA", "label": "Xy"}]}"#,
        )
        .unwrap();
        assert_eq!(d.types, ["militia"]);
        assert_eq!(d.entities[0].kind, "militia");
    }

    #[test]
    fn errors_quoting_a_field_name_stay_on_one_line() {
        // Found by fuzzing: serde writes an unknown field's name as it is.
        let err = load_json(
            "{\"offices\": [{\"id\": \"p\", \"label\": \"P\"}], \"entities\": [\n {\"id\": \"m\", \"type\": \"person\", \"label\": \"Moon\",\n  \"roles\": [{\"office\": \"p\", \"start\": \"2017-05-10\", \"\\nd\": \"x\"}]}]}",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.json:2: entities[0].roles[0]: bad role: unknown field `\\nd`, expected one of `office`, `start`, `end`"
        );
        let err = load_json("{\"offices\": [{\"id\": \"p\", \"label\": \"P\", \"a\\rb\": 1}]}")
            .unwrap_err();
        assert!(!err.to_string().contains(['\n', '\r']), "{err}");
    }

    #[test]
    fn a_later_file_overrides_an_id() {
        let mut b = Builder::default();
        b.add_csv(
            "a.csv",
            "id,type,label,aliases\nkr,country,South Korea,\njp,country,Japan,\n",
        )
        .unwrap();
        b.add_csv(
            "b.csv",
            "id,type,label,aliases\nkr,country,Korea (South),\n",
        )
        .unwrap();
        let d = b.finish().unwrap();
        assert_eq!(d.entities.len(), 2);
        assert_eq!(d.get("kr").unwrap().label, "Korea (South)");
    }

    #[test]
    fn roles_need_known_offices_and_ordered_dates() {
        let err = load_json(
            r#"{"entities": [{"id": "m", "type": "person", "label": "Moon Jae-in",
            "roles": [{"office": "kr_president", "start": "2017-05-10"}]}]}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("unknown office \"kr_president\""),
            "{err}"
        );
        let err = load_json(r#"{"offices": [{"id": "p", "label": "P"}], "entities": [{"id": "m", "type": "person",
            "label": "Moon Jae-in", "roles": [{"office": "p", "start": "2017-05-10", "end": "2016-01-01"}]}]}"#)
        .unwrap_err();
        assert!(err.to_string().contains("ends before it starts"), "{err}");
    }

    #[test]
    fn openings_offer_every_full_name_where_it_starts() {
        let d = Dictionary::embedded().unwrap();
        let openings = d.openings();
        let mut found = Vec::new();
        let mut names = 0;
        for (ei, e) in d.entities.iter().enumerate() {
            for (ai, a) in e.aliases.iter().enumerate() {
                let wanted = (ei as u32, ai as u32);
                for text in [
                    a.text.clone(),
                    a.text.to_ascii_uppercase(),
                    format!("{} etc.", a.text),
                ] {
                    found.clear();
                    openings.starting(text.as_bytes(), &mut found);
                    let full = !matches!(a.kind, AliasKind::Short | AliasKind::Role);
                    assert_eq!(found.contains(&wanted), full, "{:?} in {text:?}", a.text);
                }
                names += 1;
            }
        }
        assert!(names > 100);
        // Only names that open with the text's first bytes are offered.
        found.clear();
        openings.starting(b"Seoul said", &mut found);
        assert!(!found.is_empty());
        for (e, a) in found.iter().map(|&(e, a)| (e as usize, a as usize)) {
            let name = d.entities[e].aliases[a].text.as_bytes();
            let n = name.len().min(3);
            assert!(name[..n].eq_ignore_ascii_case(&b"Seoul said"[..n]));
        }
    }

    #[test]
    fn lint_finds_clashes_shadows_exclusions_and_overlaps() {
        let d = load_json(
            r#"{"offices": [{"id": "p", "label": "P", "phrases": ["the boss"]}], "entities": [
            {"id": "a", "type": "person", "label": "Park Geun-hye", "short": ["Park"],
             "roles": [{"office": "p", "start": "2013-02-25", "end": "2017-03-10"}]},
            {"id": "b", "type": "person", "label": "Park Chung-hee", "short": ["Park"],
             "roles": [{"office": "p", "start": "2017-01-01"}]},
            {"id": "c", "type": "place", "label": "Park", "aliases": ["Korea"]},
            {"id": "d", "type": "country", "label": "South Korea", "aliases": ["Korea"], "exclude": ["Korea Times"]},
            {"id": "e", "type": "organisation", "label": "Korea Times"},
            {"id": "f", "type": "organisation", "label": "The Boss Inc", "aliases": ["the boss"]}
        ]}"#,
        )
        .unwrap();
        let problems: Vec<(Severity, String)> = lint(&d)
            .into_iter()
            .map(|p| (p.severity, p.message))
            .collect();
        let has = |s: Severity, needle: &str| {
            problems
                .iter()
                .any(|(sev, m)| *sev == s && m.contains(needle))
        };
        assert!(
            has(
                Severity::Error,
                "alias \"Korea\" of \"d\" is also claimed by \"c\""
            ),
            "{problems:#?}"
        );
        assert!(
            has(
                Severity::Error,
                "alias \"Korea Times\" of \"e\" never matches: \"d\" excludes"
            ),
            "{problems:#?}"
        );
        assert!(
            has(
                Severity::Error,
                "\"b\" holds \"p\" from 2017-01-01 while \"a\" holds it until 2017-03-10"
            ),
            "{problems:#?}"
        );
        assert!(
            has(
                Severity::Warning,
                "short form \"Park\" of \"a\" is shadowed by the name \"Park\" of \"c\""
            ),
            "{problems:#?}"
        );
        assert!(
            has(Severity::Warning, "role phrase \"the boss\""),
            "{problems:#?}"
        );
        assert_eq!(problems.len(), 6, "{problems:#?}");
    }

    #[test]
    fn csv_export_reads_back() {
        let d = load_json(
            r#"{"entities": [{"id": "kr", "type": "country", "label": "South Korea", "aliases": ["ROK", "Korea, Republic of"],
              "demonyms": ["South Korean"], "metonyms": ["Seoul"], "exclude": ["Seoul Station"], "attributes": {"iso": "KR"}},
              {"id": "jp", "type": "country", "label": "Japan", "aliases": [{"text": "Nippon", "case": "exact"}]}]}"#,
        )
        .unwrap();
        let mut buf = Vec::new();
        assert_eq!(
            write_csv(&d, &mut buf).unwrap(),
            1,
            "the exact case rule of Nippon"
        );
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.starts_with("id,type,label,aliases,demonyms,metonyms,short,exclude,iso\n"),
            "{text}"
        );
        let back = load_csv(&text).unwrap();
        assert_eq!(back.entities.len(), 2);
        let kr = back.get("kr").unwrap();
        assert_eq!(kr.aliases, d.get("kr").unwrap().aliases);
        assert_eq!(kr.exclude, ["Seoul Station"]);
        assert_eq!(kr.attributes["iso"], "KR");
    }
}
