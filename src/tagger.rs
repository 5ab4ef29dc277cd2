//! Tagging: finding every dictionary entity mentioned in a document.
//!
//! This module owns the compiled matcher ([`Tagger`]) and its output ([`Mention`],
//! [`TaggedDocument`]). One aho-corasick automaton (leftmost-longest) holds every surface form
//! of every entity, in the case variants its rule allows, plus role phrases and exclusion
//! phrases. It runs once over the normalised text; each candidate is then checked for word
//! boundaries (Unicode letters and digits) and resolved:
//!
//! - a candidate that fails the boundary check at its end falls back to the longest shorter
//!   surface form that is a prefix of it and does end on a boundary ("South Africa" in
//!   "South African" falls back to "South", if "South" is a form);
//! - an exclusion phrase ("Washington state") that is the longest match blocks the span;
//! - a short form ("Moon") counts only after a full mention of its entity earlier in the same
//!   document, or right after one of its offices' titles ("President Moon"); when several
//!   entities share it, the most recently mentioned wins, and with none it stays untagged;
//! - a role phrase ("the South Korean president") resolves to whoever held the office on the
//!   document's date; with no date, only an office with a single holder resolves. A role
//!   phrase directly followed by a capitalised word is a title before a name, and falls back
//!   to its prefix ("South Korean" in "South Korean President Moon Jae-in").
//!
//! Paragraphs repeated word for word within a document are tagged once, and page furniture
//! ([`crate::furniture`]) is not tagged, unless the [`TagOptions`] say otherwise. Offsets of mentions
//! are byte and character offsets into [`Document::text`]. This module does not count
//! co-occurrences ([`crate::graph`]) or find relations ([`crate::relations`]).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};

/// The largest dictionary (total bytes of all surface forms and their case variants) compiled
/// into a DFA; a larger one becomes a contiguous NFA.
pub const DFA_MAX_PATTERN_BYTES: usize = 256 * 1024;

use crate::corpus::{Date, Document};
use crate::dictionary::{AliasKind, CaseRule, Dictionary, case_variants};
use crate::error::{Error, Result};
use crate::text;

/// One mention of an entity in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The entity's index in the dictionary.
    pub entity: u32,
    /// How the text referred to it.
    pub kind: AliasKind,
    /// Byte offset of the start in [`Document::text`].
    pub start: usize,
    /// Byte offset of the end (exclusive).
    pub end: usize,
    /// Character (Unicode scalar) offset of the start.
    pub char_start: usize,
    /// Character offset of the end (exclusive).
    pub char_end: usize,
    /// Index of the sentence in [`TaggedDocument::sentences`].
    pub sentence: u32,
    /// Index of the paragraph in [`TaggedDocument::paragraphs`].
    pub paragraph: u32,
}

/// A sentence of a tagged document, in original byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceSpan {
    /// Byte span in [`Document::text`].
    pub span: Range<usize>,
    /// Index of its paragraph.
    pub paragraph: u32,
}

/// The result of tagging one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaggedDocument {
    /// Mentions in text order; they never overlap.
    pub mentions: Vec<Mention>,
    /// Sentences in text order.
    pub sentences: Vec<SentenceSpan>,
    /// Paragraph spans in [`Document::text`].
    pub paragraphs: Vec<Range<usize>>,
    /// For each paragraph, whether it repeats an earlier one word for word (and was skipped).
    pub repeated: Vec<bool>,
    /// For each paragraph, whether it is page furniture (and was skipped).
    pub furniture: Vec<bool>,
}

/// Options for tagging.
#[derive(Debug, Clone, Copy)]
pub struct TagOptions {
    /// Tag a paragraph that repeats an earlier one in the same document only once.
    pub dedup_paragraphs: bool,
    /// Skip paragraphs that are page furniture (see [`crate::furniture`]).
    pub drop_furniture: bool,
}

impl Default for TagOptions {
    fn default() -> Self {
        TagOptions {
            dedup_paragraphs: true,
            drop_furniture: true,
        }
    }
}

/// What a surface form can stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Candidate {
    /// An entity, by a name, demonym, metonym or short form.
    Entity { entity: u32, kind: AliasKind },
    /// The holder of an office.
    Role { office: u32 },
    /// An exclusion phrase of an entity: blocks the span.
    Exclude { entity: u32 },
}

#[derive(Debug)]
struct Pattern {
    len: usize,
    /// Whether the form begins and ends with a letter or digit (and so needs a boundary).
    word_start: bool,
    word_end: bool,
    candidates: Vec<Candidate>,
}

/// An office's holders and the titles written before their names.
#[derive(Debug, Default)]
struct OfficeInfo {
    holders: Vec<(u32, Date, Option<Date>)>,
    titles: Vec<String>,
}

/// The compiled matcher for one dictionary. Build it once; it is `Send + Sync` and tags
/// documents on any number of threads.
#[derive(Debug)]
pub struct Tagger {
    ac: AhoCorasick,
    patterns: Vec<Pattern>,
    /// For each pattern, the ids of shorter patterns that are prefixes of it, longest first.
    prefixes: Vec<Vec<u32>>,
    offices: Vec<OfficeInfo>,
    /// For each entity, the offices it held (indices into `offices`).
    entity_offices: Vec<Vec<u32>>,
    /// For each entity, whether it is an organisation (whose name may take a legal-form
    /// suffix, "Corp.").
    organisation: Vec<bool>,
    options: TagOptions,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Tagger {
    /// Compiles a dictionary into a matcher, with default options.
    pub fn new(dict: &Dictionary) -> Result<Tagger> {
        Tagger::with_options(dict, TagOptions::default())
    }

    /// Compiles a dictionary into a matcher.
    pub fn with_options(dict: &Dictionary, options: TagOptions) -> Result<Tagger> {
        if options.drop_furniture {
            crate::furniture::prepare();
        }
        let mut by_text: HashMap<String, u32> = HashMap::default();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        let mut add = |text: String, cand: Candidate| {
            let id = *by_text.entry(text.clone()).or_insert_with(|| {
                let first = text.chars().next().is_some_and(is_word_char);
                let last = text.chars().next_back().is_some_and(is_word_char);
                patterns.push(Pattern {
                    len: text.len(),
                    word_start: first,
                    word_end: last,
                    candidates: Vec::new(),
                });
                texts.push(text);
                (patterns.len() - 1) as u32
            });
            let cands = &mut patterns[id as usize].candidates;
            if !cands.contains(&cand) {
                cands.push(cand);
            }
        };
        let office_index: HashMap<&str, u32> = dict
            .offices
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i as u32))
            .collect();
        let mut offices: Vec<OfficeInfo> = dict
            .offices
            .iter()
            .map(|o| OfficeInfo {
                holders: Vec::new(),
                titles: o.titles.clone(),
            })
            .collect();
        let mut entity_offices = vec![Vec::new(); dict.entities.len()];
        for (i, e) in dict.entities.iter().enumerate() {
            let i = i as u32;
            for a in &e.aliases {
                for v in case_variants(&a.text, a.case) {
                    add(
                        v,
                        Candidate::Entity {
                            entity: i,
                            kind: a.kind,
                        },
                    );
                }
                // Plural demonyms: "South Korean" also matches "South Koreans".
                if a.kind == AliasKind::Demonym && a.text.ends_with('n') {
                    for v in case_variants(&format!("{}s", a.text), a.case) {
                        add(
                            v,
                            Candidate::Entity {
                                entity: i,
                                kind: a.kind,
                            },
                        );
                    }
                }
            }
            for x in &e.exclude {
                for v in case_variants(x, CaseRule::Auto) {
                    add(v, Candidate::Exclude { entity: i });
                }
                // Plural exclusions, as for demonyms: "Korean American" also blocks "Korean
                // Americans", which would otherwise fall back to "Korean".
                if x.ends_with('n') {
                    for v in case_variants(&format!("{x}s"), CaseRule::Auto) {
                        add(v, Candidate::Exclude { entity: i });
                    }
                }
            }
            for r in &e.roles {
                if let Some(&o) = office_index.get(r.office.as_str()) {
                    offices[o as usize].holders.push((i, r.start, r.end));
                    if !entity_offices[i as usize].contains(&o) {
                        entity_offices[i as usize].push(o);
                    }
                }
            }
        }
        for (o, office) in dict.offices.iter().enumerate() {
            for p in &office.phrases {
                for v in case_variants(p, CaseRule::Auto) {
                    add(v, Candidate::Role { office: o as u32 });
                }
            }
        }
        for p in &mut patterns {
            p.candidates.sort();
        }
        let prefixes = texts
            .iter()
            .map(|t| {
                let mut pre: Vec<u32> = t
                    .char_indices()
                    .skip(1)
                    .filter_map(|(i, _)| by_text.get(&t[..i]).copied())
                    .collect();
                pre.reverse();
                pre
            })
            .collect();
        // A DFA is the fastest automaton but its memory grows with the patterns' total length
        // times the alphabet classes; above the threshold a contiguous NFA is nearly as fast
        // and far smaller (measured: see the README's performance section).
        let total: usize = texts.iter().map(String::len).sum();
        let kind = if total <= DFA_MAX_PATTERN_BYTES {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::ContiguousNFA
        };
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(kind))
            .build(&texts)
            .map_err(|e| Error::Config(format!("cannot build the matcher: {e}")))?;
        let organisation = dict
            .entities
            .iter()
            .map(|e| matches!(e.kind.as_str(), "organisation" | "organization"))
            .collect();
        Ok(Tagger {
            ac,
            patterns,
            prefixes,
            offices,
            entity_offices,
            organisation,
            options,
        })
    }

    /// The number of distinct surface forms compiled (all case variants counted).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Tags one document.
    pub fn tag(&self, doc: &Document) -> TaggedDocument {
        let body = doc.body();
        let base = doc.body_start;
        let norm = text::normalize(body);
        let ntext: &str = &norm.text;
        let mut seg = text::segment(ntext);
        seg.sentences = cap_sentences(ntext, std::mem::take(&mut seg.sentences));
        let to_orig = |n: usize| base + norm.to_original(n);

        // Paragraphs repeated word for word are skipped.
        let mut repeated = vec![false; seg.paragraphs.len()];
        if self.options.dedup_paragraphs {
            let mut seen: HashSet<&str> = HashSet::default();
            for (i, p) in seg.paragraphs.iter().enumerate() {
                repeated[i] = !seen.insert(&ntext[p.clone()]);
            }
        }

        let furniture = if self.options.drop_furniture {
            crate::furniture::furniture(seg.paragraphs.iter().map(|p| &ntext[p.clone()]))
        } else {
            vec![false; seg.paragraphs.len()]
        };

        let mut state = DocState {
            date: doc.date,
            sentence: 0..0,
            excluded: Vec::new(),
            last_seen: HashMap::default(),
            full_seen: HashMap::default(),
        };
        let mut found: Vec<(Range<usize>, u32, AliasKind, usize)> = Vec::new();
        for (si, s) in seg.sentences.iter().enumerate() {
            if repeated[s.paragraph] || furniture[s.paragraph] {
                continue;
            }
            state.sentence = s.span.clone();
            let mut pos = s.span.start;
            let end = s.span.end;
            while pos < end {
                let Some(m) = self.ac.find(Input::new(ntext).span(pos..end)) else {
                    break;
                };
                let start = m.start();
                match self.resolve_at(ntext, start, m.pattern().as_u32(), &mut state) {
                    Resolved::Mention { len, entity, kind } => {
                        found.push((start..start + len, entity, kind, si));
                        pos = start + len;
                    }
                    Resolved::Nothing => {
                        pos = start + ntext[start..].chars().next().map_or(1, char::len_utf8);
                    }
                }
            }
        }

        // Map to original offsets, with character offsets counted in one pass.
        let mut mentions = Vec::with_capacity(found.len());
        let mut counter = CharCounter::new(&doc.text);
        for (r, entity, kind, si) in found {
            let start = to_orig(r.start);
            let end = to_orig(r.end);
            let char_start = counter.chars_to(start);
            let char_end = counter.chars_to(end);
            mentions.push(Mention {
                entity,
                kind,
                start,
                end,
                char_start,
                char_end,
                sentence: si as u32,
                paragraph: seg.sentences[si].paragraph as u32,
            });
        }
        TaggedDocument {
            mentions,
            sentences: seg
                .sentences
                .iter()
                .map(|s| SentenceSpan {
                    span: to_orig(s.span.start)..to_orig(s.span.end),
                    paragraph: s.paragraph as u32,
                })
                .collect(),
            paragraphs: seg
                .paragraphs
                .iter()
                .map(|p| to_orig(p.start)..to_orig(p.end))
                .collect(),
            repeated,
            furniture,
        }
    }

    /// Resolves the leftmost-longest candidate starting at `start`, falling back to shorter
    /// prefixes when the longest does not end on a word boundary or does not resolve.
    fn resolve_at(&self, text: &str, start: usize, pattern: u32, state: &mut DocState) -> Resolved {
        let p0 = &self.patterns[pattern as usize];
        if p0.word_start && text[..start].chars().next_back().is_some_and(is_word_char) {
            return Resolved::Nothing;
        }
        for pid in std::iter::once(pattern).chain(self.prefixes[pattern as usize].iter().copied()) {
            let p = &self.patterns[pid as usize];
            let end = start + p.len;
            if p.word_end && text[end..].chars().next().is_some_and(is_word_char) {
                continue;
            }
            match self.resolve(text, start, end, p, state) {
                Resolved::Nothing => continue,
                r => return r,
            }
        }
        Resolved::Nothing
    }

    fn resolve(
        &self,
        text: &str,
        start: usize,
        end: usize,
        p: &Pattern,
        state: &mut DocState,
    ) -> Resolved {
        let len = end - start;
        let mut names: Vec<(u32, AliasKind)> = Vec::new();
        let mut shorts: Vec<u32> = Vec::new();
        let mut roles: Vec<u32> = Vec::new();
        // An exclusion phrase blocks its own entity anywhere inside the phrase; other
        // entities' names inside it still match.
        for c in &p.candidates {
            if let Candidate::Exclude { entity } = *c {
                state.exclude(start..end, entity);
            }
        }
        for c in &p.candidates {
            match *c {
                Candidate::Entity { entity, .. } if state.is_excluded(entity, start, end) => {}
                Candidate::Entity {
                    entity,
                    kind: AliasKind::Short,
                } => shorts.push(entity),
                Candidate::Entity { entity, kind } => names.push((entity, kind)),
                Candidate::Role { office } => roles.push(office),
                Candidate::Exclude { .. } => {}
            }
        }
        // Full names, demonyms and metonyms: one entity, or the most recently mentioned.
        if !names.is_empty() {
            let pick = if names.iter().all(|n| n.0 == names[0].0) {
                Some(names[0])
            } else {
                names
                    .iter()
                    .copied()
                    .filter(|n| state.last_seen.contains_key(&n.0))
                    .max_by_key(|n| state.last_seen[&n.0])
            };
            if let Some((entity, kind)) = pick {
                state.saw(entity, start, kind);
                let len = if kind == AliasKind::Name && self.organisation[entity as usize] {
                    let sentence_end = state.sentence.end.max(end);
                    len + company_suffix(&text[end..sentence_end])
                } else {
                    len
                };
                return Resolved::Mention { len, entity, kind };
            }
        }
        // Short forms: after a full mention in this document, or right after a title; never
        // as the last part of another person's name ("Andrew Injoo Park").
        if !shorts.is_empty()
            && !inside_other_name(text, start, state.sentence.clone(), |w| self.is_title(w))
        {
            let titled: Vec<u32> = shorts
                .iter()
                .copied()
                .filter(|&e| self.titled(text, start, e, state.date))
                .collect();
            let pick = shorts
                .iter()
                .copied()
                .filter(|e| state.full_seen.contains_key(e))
                .max_by_key(|e| state.full_seen[e])
                .or_else(|| (titled.len() == 1).then(|| titled[0]));
            if let Some(entity) = pick {
                state.saw(entity, start, AliasKind::Short);
                return Resolved::Mention {
                    len,
                    entity,
                    kind: AliasKind::Short,
                };
            }
        }
        // Role phrases: the holder on the document's date, unless a name follows or the
        // phrase speaks of another holder ("the former president").
        if !roles.is_empty() && !followed_by_name(&text[end..]) && !other_holder(&text[..start]) {
            let holders: HashSet<u32> = roles
                .iter()
                .flat_map(|&o| self.holders(o, state.date))
                .filter(|&e| !state.is_excluded(e, start, end))
                .collect();
            if holders.len() == 1 {
                let entity = *holders.iter().next().expect("one holder");
                state.saw(entity, start, AliasKind::Role);
                return Resolved::Mention {
                    len,
                    entity,
                    kind: AliasKind::Role,
                };
            }
        }
        Resolved::Nothing
    }

    /// The holders of an office on a date; with no date, every holder ever.
    fn holders(&self, office: u32, date: Option<Date>) -> Vec<u32> {
        self.offices[office as usize]
            .holders
            .iter()
            .filter(|(_, s, e)| date.is_none_or(|d| *s <= d && e.is_none_or(|e| d <= e)))
            .map(|h| h.0)
            .collect()
    }

    /// Whether a word is the last word of one of the offices' titles ("Minister" of "Prime
    /// Minister").
    fn is_title(&self, word: &str) -> bool {
        self.offices
            .iter()
            .any(|o| o.titles.iter().any(|t| t.rsplit(' ').next() == Some(word)))
    }

    /// Whether the words right before `start` are a title of an office the entity held
    /// (on the date, when there is one): "President" before "Moon".
    fn titled(&self, text: &str, start: usize, entity: u32, date: Option<Date>) -> bool {
        let before = text[..start].trim_end();
        if before.len() == start {
            return false;
        }
        self.entity_offices[entity as usize].iter().any(|&o| {
            let office = &self.offices[o as usize];
            let held = office.holders.iter().any(|(h, s, e)| {
                *h == entity && date.is_none_or(|d| *s <= d && e.is_none_or(|e| d <= e))
            });
            held && office.titles.iter().any(|t| {
                before.ends_with(t.as_str())
                    && !before[..before.len() - t.len()]
                        .chars()
                        .next_back()
                        .is_some_and(is_word_char)
            })
        })
    }
}

/// Words before a role phrase that point away from the holder on the document's date.
const OTHER_HOLDER: &[&str] = &[
    "former", "ex", "late", "future", "next", "previous", "past", "incoming", "outgoing",
    // Any holder, not the one in office: "a South Korean president", "no Japanese prime
    // minister", "the first South Korean president to visit".
    "a", "an", "no", "every", "each", "any", "another", "first", "last", "only",
];

/// Whether the word right before a role phrase is one of [`OTHER_HOLDER`] ("the former
/// president", "ex-president", "a South Korean president").
fn other_holder(before: &str) -> bool {
    let before = before.trim_end_matches([' ', '-']);
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    OTHER_HOLDER.contains(&word.to_lowercase().as_str())
}

/// Whether a short form at `start` is the end of a longer name that the dictionary does not
/// know: the word right before it is capitalised and is not a title, in a sentence that is
/// not written in title case (where every word is capitalised anyway).
fn inside_other_name(
    text: &str,
    start: usize,
    sentence: Range<usize>,
    is_title: impl Fn(&str) -> bool,
) -> bool {
    let before = &text[sentence.start.min(start)..start];
    let Some(gap) = before.strip_suffix(' ') else {
        return false;
    };
    let word = gap
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    // A capitalised word, but not the sentence's first (capitalised for grammar), not a
    // title, not an acronym.
    if !word.chars().next().is_some_and(char::is_uppercase)
        || gap.len() == word.len()
        || is_title(word)
        || word.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())
    {
        return false;
    }
    let words: Vec<&str> = text[sentence]
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .collect();
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    capitalised * 10 < words.len() * 6
}

/// The longest sentence the tagger hands on, in bytes of normalised text.
pub const MAX_SENTENCE: usize = 2_000;

/// Cuts sentences longer than [`MAX_SENTENCE`] bytes into pieces, each ending at the last
/// white space before the limit (or, in a run with no white space, at a character
/// boundary). A run that long without a sentence end is a table, a list or text stripped of
/// its punctuation, not a sentence; left whole, it would make one co-occurrence window of
/// everything in it, and relation extraction, whose cost grows with the square of a
/// sentence's length, would stall on it (a 1 MB line took minutes).
fn cap_sentences(text: &str, sentences: Vec<text::Sentence>) -> Vec<text::Sentence> {
    if sentences.iter().all(|s| s.span.len() <= MAX_SENTENCE) {
        return sentences;
    }
    let mut out = Vec::with_capacity(sentences.len());
    for s in sentences {
        let mut start = s.span.start;
        while s.span.end - start > MAX_SENTENCE {
            let mut limit = start + MAX_SENTENCE;
            while !text.is_char_boundary(limit) {
                limit -= 1;
            }
            let piece = &text[start..limit];
            // The last white space in the second half of the piece, else the limit itself.
            let cut = piece
                .char_indices()
                .rev()
                .take_while(|&(i, _)| i > MAX_SENTENCE / 2)
                .find(|&(_, c)| c.is_whitespace())
                .map_or(limit, |(i, _)| start + i);
            let head = text[start..cut].trim_end();
            out.push(text::Sentence {
                span: start..start + head.len(),
                paragraph: s.paragraph,
            });
            start = cut + (text[cut..].len() - text[cut..].trim_start().len());
        }
        if start < s.span.end {
            out.push(text::Sentence {
                span: start..s.span.end,
                paragraph: s.paragraph,
            });
        }
    }
    out
}

/// Legal forms written after a company's name, longest first.
const COMPANY_SUFFIXES: &[&str] = &[
    " Co., Ltd.",
    " Corporation",
    " Corp.",
    " Co.",
    " Inc.",
    " Ltd.",
];

/// The length of a legal-form suffix at the start of `after` (" Corp." after "Nippon Steel &
/// Sumitomo Metal"), which belongs to the organisation's name, or 0. Checked only after an
/// organisation's name, so it costs nothing on other text.
fn company_suffix(after: &str) -> usize {
    COMPANY_SUFFIXES
        .iter()
        .find(|s| {
            after.starts_with(*s)
                && (s.ends_with('.') || !after[s.len()..].chars().next().is_some_and(is_word_char))
        })
        .map_or(0, |s| s.len())
}

/// Whether a role phrase is followed by a name ("President Moon Jae-in"), making it a title.
fn followed_by_name(after: &str) -> bool {
    let rest = after.strip_prefix(' ').unwrap_or("");
    rest.chars().next().is_some_and(char::is_uppercase)
}

enum Resolved {
    Mention {
        len: usize,
        entity: u32,
        kind: AliasKind,
    },
    Nothing,
}

/// What a document has mentioned so far, for short forms and ambiguous names.
struct DocState {
    date: Option<Date>,
    /// The span of the sentence being tagged.
    sentence: Range<usize>,
    /// Exclusion phrases seen, with the entity each blocks.
    excluded: Vec<(Range<usize>, u32)>,
    /// Entity -> position of its latest mention of any kind.
    last_seen: HashMap<u32, usize>,
    /// Entity -> position of its latest full mention (name or role).
    full_seen: HashMap<u32, usize>,
}

impl DocState {
    /// Blocks `entity` inside `span`; exclusions that ended before it are forgotten.
    fn exclude(&mut self, span: Range<usize>, entity: u32) {
        self.excluded.retain(|(r, _)| r.end > span.start);
        self.excluded.push((span, entity));
    }

    /// Whether `entity` is blocked for a match at `start..end`.
    fn is_excluded(&self, entity: u32, start: usize, end: usize) -> bool {
        self.excluded
            .iter()
            .any(|(r, e)| *e == entity && r.start <= start && end <= r.end)
    }

    fn saw(&mut self, entity: u32, at: usize, kind: AliasKind) {
        self.last_seen.insert(entity, at);
        if matches!(kind, AliasKind::Name | AliasKind::Role) {
            self.full_seen.insert(entity, at);
        }
    }
}

/// Counts characters up to increasing byte offsets in one pass.
struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    fn new(text: &'a str) -> Self {
        CharCounter {
            text,
            byte: 0,
            chars: 0,
        }
    }

    fn chars_to(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            // Offsets come in order except an end before the next start; recount from zero.
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

#[cfg(test)]
mod tests;
