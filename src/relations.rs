//! Stated relations: what the text says one entity did to another.
//!
//! This module owns the relation rules ([`RuleSet`], loaded from `data/relations.json` and
//! users' files), their matching inside a sentence ([`RuleSet::extract`]) and its output
//! ([`Relation`], [`RelationKey`]). It runs after the tagger and before the graph: it reads
//! mentions, never finds them.
//!
//! A rule names a relation type, a trigger pattern, the entity types allowed as subject and
//! object, and a voice. The pattern is a sequence of tokens separated by spaces:
//!
//! | token | matches |
//! |---|---|
//! | `word` | the word, in any case; `stand-off` is the words "stand" and "off" |
//! | `a\|b` | either word |
//! | `word~` | the word's inflections: `impose~` is impose, imposes, imposed, imposing |
//! | `[a\|b]` | optionally one of the words |
//! | `*N` | up to N words of anything; a mention counts as one word, and only mentions of a type the rule does not allow as subject or object can be skipped |
//! | `@type` | one whole mention of an entity of that type (`@event`, `@agreement`, `@any`) |
//! | `@type:a\|b~` | such a mention with one of these words in it (`@event:summit\|talks`) |
//! | `@obj` | a mention of a type allowed as object: it is the object (`order~ @obj to compensate`) |
//!
//! Word tokens never match inside a mention; only `@` tokens take mentions into a trigger.
//!
//! In the `active` voice the subject is the nearest allowed mention left of the trigger and
//! the object the nearest allowed mention right of it (or the `@obj` slot); `passive` swaps
//! them ("was signed by"); `mutual` takes a group of two or more coordinated parties from one
//! side ("Japan and South Korea signed", "talks between Japan and South Korea") and relates
//! every pair in it; a mutual rule's `side` (`left`, `right`, `either`) says where it looks.
//! Distances are counted in words up to a mention, titles before a name not included
//! ("between President Moon").
//!
//! Special cases, each general to news text:
//!
//! - **Coordination.** Mentions joined by "and", "or", commas or hyphens are coordinated and
//!   each gives its own relation. Titles ("President", "PM", the dictionary's office titles)
//!   and a country or organisation in front of a titled name ("Japanese Prime Minister Shinzo
//!   Abe") belong to the name: the country there is a modifier, never a party. A list ends at
//!   its "and" ("between Japan and South Korea, and U.S. President Trump's ..." is two
//!   parties); commas alone are an apposition, not a list, but in a headline's comma list of
//!   one kind from the sentence's start up to the trigger ("Moon Jae-in, Shinzo Abe hold
//!   summit"). Lower-case title words ("North Korean leader", "counterpart") count as titles.
//!   "between A ... and B" pairs A with
//!   the first party after the "and", across a short phrase ("a South Korean Navy vessel and
//!   Japanese reconnaissance plane").
//! - **Participle clauses.** A trigger in -ing right after a comma ("..., accusing Seoul of")
//!   takes the subject of the clause: the subject of the sentence's previous statement, else
//!   the nearest allowed mention before the previous past-tense verb.
//! - **Passives, places, clauses.** An active verb in the passive takes its subject from
//!   after "by" (up to four words on); "by" and a gerund is a means. A place after "in"/"at"
//!   is no object; a city or place after them, or after "to" following a verb of travel, is
//!   no subject, and neither is the agent of an earlier passive. No party is read across a
//!   subordinate clause ("while", "because"). Urged acts and "whether" questions state nothing.
//! - **Mentions as triggers.** When an active pattern ends with a `@type` mention, an entity
//!   the mention names inside it is the object ("a boycott of Japanese goods": Japan), before
//!   any mention that follows.
//!
//! Flags come from the words before the trigger (back to the subject, at most six words, and
//! for a mutual group on the left the words before the group):
//!
//! - `negated`: a negator ("not", "never", "no longer", "refused to", ...) that governs the
//!   trigger itself: only auxiliaries, adverbs and verbs like "want to" may stand between
//!   them, at most three ("did not resolve the tensions between" is not negated).
//! - `modality`: the marker nearest the trigger decides: `threatened`, `proposed`, `planned`
//!   ("wants", "determined to", "objective", "strategy", "will", ...), `hypothetical` ("could",
//!   "if", and "would"/"will" after "thought", "believed", ...), else the rule's own, else
//!   `asserted`. Planning nouns ("strategy") just before the subject count too.
//! - `reversed`: the rest of the sentence says the act was undone ("only to reinstate"), the
//!   words before a plan noun leading to the trigger give the plan up ("backed down from its
//!   threat to scrap"; the giving up is then no act of its own), or the next sentence of the
//!   paragraph opens with the same subject or a pronoun and says so ("It later backed down",
//!   "Seoul reversed course").
//!
//! Speed: only sentences that mention two or more distinct entities are looked at. Such a
//! sentence is split into words once (with bit masks of its bytes, 64 at a time), each
//! word is looked up once in a table of the patterns' words, and a rule is tried only when
//! all its required words are in the sentence, only at the words its pattern can start with.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde_json::Value;

use crate::corpus::Document;
use crate::dictionary::{AliasKind, CaseRule, Dictionary};
use crate::error::{Error, Location, Result};
use crate::graph::RelationAttrs;
use crate::tagger::{Mention, TaggedDocument};

/// The identity of a relation edge: statements with equal keys merge into one edge.
/// Ordered by subject, object, then relation type and flags, which is the export order
/// (entity indices follow id order).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelationKey {
    /// The subject's entity index.
    pub subject: u32,
    /// The object's entity index.
    pub object: u32,
    /// The relation type and flags.
    pub attrs: RelationAttrs,
}

/// The modalities a relation can have.
pub const MODALITIES: &[&str] = &[
    "asserted",
    "threatened",
    "proposed",
    "planned",
    "hypothetical",
];

/// The default rules, embedded in the binary.
pub const DEFAULT_RULES: &str = include_str!("../data/relations.json");

/// Where a rule looks for its subject and object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// Subject left of the trigger, object right.
    Active,
    /// Object left of the trigger, subject right ("was signed by").
    Passive,
    /// Both on one side, coordinated ("Japan and South Korea signed", "talks between A and B").
    Mutual,
}

/// Where a mutual rule looks for its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Side {
    /// Only left of the trigger ("the Moon-Abe summit").
    Left,
    /// Only right of it ("talks between A and B").
    Right,
    /// Left first, then right.
    #[default]
    Either,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// Any of these lower-case forms, sorted (a form with a hyphen is a run of words; `single`:
    /// there is none).
    Words {
        forms: Vec<String>,
        optional: bool,
        single: bool,
    },
    /// Up to N words of anything.
    Gap(usize),
    /// One whole mention of one of these types (empty: any; for the object slot: the rule's
    /// object types), with one of these words in it (empty: any words).
    Mention {
        types: Vec<String>,
        words: Vec<String>,
        object: bool,
    },
}

/// One relation rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, reported in evidence.
    pub id: String,
    /// The relation type.
    pub relation: String,
    /// The trigger pattern as written.
    pub pattern: String,
    tokens: Vec<Token>,
    /// Entity types allowed as subject (empty: any).
    pub subject_types: Vec<String>,
    /// Entity types allowed as object (empty: any).
    pub object_types: Vec<String>,
    /// Where subject and object are.
    pub voice: Voice,
    /// For a mutual rule, the side it looks at.
    pub side: Side,
    /// The modality the trigger itself carries ("threatened to withdraw"), if any.
    pub modality: Option<String>,
    /// Most words between the trigger and a subject or object (0: right next to it).
    pub max_distance: usize,
    /// Where the rule was defined: the file, the line and `rules[i]`, for messages.
    pub origin: Location,
}

impl Rule {
    /// Whether the pattern ends with a mention ("setting off @event:boycott~").
    fn ends_with_mention(&self) -> bool {
        matches!(
            self.tokens.last(),
            Some(Token::Mention { object: false, .. })
        )
    }
}

/// A relation type of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationType {
    /// The type's id (`restricts_trade`).
    pub id: String,
    /// What it means.
    pub description: String,
    /// Whether A→B says the same as B→A (`meets`): such edges run from the smaller id.
    pub symmetric: bool,
}

/// One stated relation found in a sentence, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// Subject entity index.
    pub subject: u32,
    /// Object entity index.
    pub object: u32,
    /// The relation type and flags.
    pub attrs: RelationAttrs,
    /// The rule that fired (index into [`RuleSet::rules`]).
    pub rule: u32,
    /// The sentence (index into [`TaggedDocument::sentences`]).
    pub sentence: u32,
    /// Byte span of the subject mention in [`Document::text`].
    pub subject_span: Range<usize>,
    /// Byte span of the object mention.
    pub object_span: Range<usize>,
    /// Byte span of the trigger.
    pub trigger: Range<usize>,
}

impl Relation {
    /// The key under which the graph counts it.
    pub fn key(&self) -> RelationKey {
        RelationKey {
            subject: self.subject,
            object: self.object,
            attrs: self.attrs.clone(),
        }
    }
}

/// The word forms the patterns name (a hyphenated form by its first word), each with its
/// [`Entry`], looked up for every word of a sentence. A form of up to 16 bytes is packed into
/// two integers and kept in an open-addressing table at most a quarter full, with a byte of
/// its hash in a compact array; a bit per (length, first byte, last byte) of the forms turns
/// away most other words at once. Longer forms are in a map.
#[derive(Debug, Clone, Default)]
struct Lexicon {
    /// Bits by [`Lexicon::filter_bit`] of the forms of up to 16 bytes.
    filter: Vec<u64>,
    /// A byte of each slot's hash with the high bit set; 0: an empty slot.
    tags: Vec<u8>,
    slots: Vec<Slot>,
    long: HashMap<String, u32>,
}

/// A form in the [`Lexicon`]: its packed bytes, length and entry.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    packed: (u64, u64),
    len: usize,
    entry: u32,
}

/// The bytes of a word of 1 to 16 bytes as two integers: the same length and integers mean
/// the same bytes (the first and last eight, four, or the first, middle and last byte).
#[inline]
fn pack(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    debug_assert!((1..=16).contains(&n));
    if n >= 8 {
        let first: [u8; 8] = b[..8].try_into().unwrap_or_default();
        let last: [u8; 8] = b[n - 8..].try_into().unwrap_or_default();
        (u64::from_le_bytes(first), u64::from_le_bytes(last))
    } else if n >= 4 {
        let first: [u8; 4] = b[..4].try_into().unwrap_or_default();
        let last: [u8; 4] = b[n - 4..].try_into().unwrap_or_default();
        (
            u64::from(u32::from_le_bytes(first)) | (u64::from(u32::from_le_bytes(last)) << 32),
            0,
        )
    } else {
        (
            u64::from(b[0]) | (u64::from(b[n / 2]) << 8) | (u64::from(b[n - 1]) << 16),
            0,
        )
    }
}

/// Hash of a packed word (multiply and rotate, as rustc's FxHash): the table's keys come
/// from the rules, not from the text.
#[inline]
fn hash_packed((lo, hi): (u64, u64), len: usize) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let h = (lo ^ (len as u64)).wrapping_mul(K);
    (h.rotate_left(26) ^ hi).wrapping_mul(K)
}

impl Lexicon {
    /// Bits in [`Lexicon::filter`].
    const FILTER_BITS: usize = 1 << 14;

    fn new(forms: &[(String, u32)]) -> Lexicon {
        let short = forms.iter().filter(|(f, _)| (1..=16).contains(&f.len()));
        let size = (short.clone().count() * 4).next_power_of_two().max(16);
        let mut lex = Lexicon {
            filter: vec![0; Lexicon::FILTER_BITS / 64],
            tags: vec![0; size],
            slots: vec![Slot::default(); size],
            long: HashMap::new(),
        };
        for (f, e) in forms {
            if !(1..=16).contains(&f.len()) {
                lex.long.insert(f.clone(), *e);
                continue;
            }
            let b = f.as_bytes();
            let b = Lexicon::filter_bit(b.len(), b[0], b[b.len() - 1]);
            lex.filter[b / 64] |= 1 << (b % 64);
            let packed = pack(f.as_bytes());
            let h = hash_packed(packed, f.len());
            let mut i = lex.home(h);
            while lex.tags[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            lex.tags[i] = Lexicon::tag(h);
            lex.slots[i] = Slot {
                packed,
                len: f.len(),
                entry: *e,
            };
        }
        lex
    }

    /// A word's bit in the filter, from its length and first and last bytes.
    #[inline]
    fn filter_bit(len: usize, first: u8, last: u8) -> usize {
        let key = (u64::from(first) << 16) | (u64::from(last) << 8) | (len as u64 & 0xff);
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - Lexicon::FILTER_BITS.trailing_zeros()))
            as usize
    }

    fn home(&self, h: u64) -> usize {
        (h >> 40) as usize & (self.tags.len() - 1)
    }

    fn tag(h: u64) -> u8 {
        (h >> 56) as u8 | 0x80
    }

    /// The entry of a lower-case word, if the patterns name it.
    #[inline]
    fn get(&self, word: &[u8]) -> Option<u32> {
        if !(1..=16).contains(&word.len()) {
            return self.get_long(word);
        }
        let b = Lexicon::filter_bit(word.len(), word[0], word[word.len() - 1]);
        if self.filter[b / 64] & (1 << (b % 64)) == 0 {
            return None;
        }
        self.get_packed(pack(word), word.len())
    }

    fn get_packed(&self, packed: (u64, u64), len: usize) -> Option<u32> {
        let h = hash_packed(packed, len);
        let tag = Lexicon::tag(h);
        let mask = self.tags.len() - 1;
        let mut i = self.home(h);
        loop {
            match self.tags[i] {
                0 => return None,
                t if t == tag => {
                    let s = &self.slots[i];
                    if s.packed == packed && s.len == len {
                        return Some(s.entry);
                    }
                }
                _ => {}
            }
            i = (i + 1) & mask;
        }
    }

    #[cold]
    fn get_long(&self, word: &[u8]) -> Option<u32> {
        if self.long.is_empty() {
            return None;
        }
        std::str::from_utf8(word)
            .ok()
            .and_then(|w| self.long.get(w).copied())
    }
}

/// A validated set of rules and the relation vocabulary.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// The rules, in load order.
    pub rules: Vec<Rule>,
    /// The vocabulary, sorted by id.
    pub types: Vec<RelationType>,
    /// Every word form the patterns name (a hyphenated form by its first word): its entry.
    lexicon: Lexicon,
    entries: Vec<Entry>,
    /// The (rule, bit) pairs of every entry in one array, outside then inside mentions.
    entry_bits: Vec<(u32, u32)>,
    /// For each entry, where its pairs outside mentions start, and inside start and end.
    entry_spans: Vec<[u32; 3]>,
    /// For each rule, the bits of its required tokens (see [`Entry`]).
    required: Vec<u32>,
    /// Rules whose pattern starts with a mention: tried at each mention's first word.
    at_mention: Vec<u32>,
    /// Rules whose pattern starts with an optional word: tried at every word.
    anywhere: Vec<u32>,
    /// For each rule, whether its relation is symmetric.
    symmetric_rules: Vec<bool>,
    /// The common titles written before names ([`COMMON_TITLES`]).
    titles: Titles,
}

/// English inflections of a word: a verb's -s, -ed and -ing forms (with the usual spelling
/// changes and the common irregular forms) and a noun's plural.
pub fn inflections(word: &str) -> Vec<String> {
    let w = word.to_lowercase();
    let mut out = vec![w.clone()];
    let irregular: &[(&str, &[&str])] = &[
        ("be", &["is", "are", "was", "were", "been", "being", "am"]),
        ("have", &["has", "had", "having"]),
        ("do", &["does", "did", "done", "doing"]),
        ("meet", &["met"]),
        ("hold", &["held"]),
        ("withdraw", &["withdrew", "withdrawn"]),
        ("take", &["took", "taken"]),
        ("break", &["broke", "broken"]),
        ("make", &["made"]),
        ("strike", &["struck"]),
        ("give", &["gave", "given"]),
        ("keep", &["kept"]),
        ("leave", &["left"]),
        ("say", &["said"]),
        ("tell", &["told"]),
        ("send", &["sent"]),
        ("bring", &["brought"]),
        ("seek", &["sought"]),
        ("fight", &["fought"]),
        ("sell", &["sold"]),
        ("buy", &["bought"]),
        ("pay", &["paid"]),
        ("stand", &["stood"]),
        ("lead", &["led"]),
        ("win", &["won"]),
        ("sit", &["sat"]),
        ("set", &["set"]),
        ("put", &["put"]),
        ("cut", &["cut"]),
        ("quit", &["quit"]),
        ("begin", &["began", "begun"]),
        ("choose", &["chose", "chosen"]),
        ("speak", &["spoke", "spoken"]),
        ("write", &["wrote", "written"]),
        ("drive", &["drove", "driven"]),
        ("forsake", &["forsook", "forsaken"]),
        ("undertake", &["undertook", "undertaken"]),
        ("overturn", &["overturned"]),
        ("uphold", &["upheld"]),
        ("rebuke", &["rebuked"]),
        ("slap", &["slapped", "slapping"]),
        ("ban", &["banned", "banning"]),
        ("plan", &["planned", "planning"]),
        ("scrap", &["scrapped", "scrapping"]),
        ("drop", &["dropped", "dropping"]),
        ("stop", &["stopped", "stopping"]),
        ("commit", &["committed", "committing"]),
        ("admit", &["admitted", "admitting"]),
        ("submit", &["submitted", "submitting"]),
        ("refer", &["referred", "referring"]),
        ("prefer", &["preferred", "preferring"]),
        ("urge", &["urged", "urging"]),
    ];
    if let Some((_, forms)) = irregular.iter().find(|(base, _)| *base == w) {
        out.extend(forms.iter().map(|s| s.to_string()));
    }
    let bytes = w.as_bytes();
    let last = bytes.last().copied().unwrap_or(b' ');
    let before_last = if bytes.len() >= 2 {
        bytes[bytes.len() - 2]
    } else {
        b' '
    };
    let vowel = |b: u8| b"aeiou".contains(&b);
    // -s
    if w.ends_with('s')
        || w.ends_with('x')
        || w.ends_with('z')
        || w.ends_with("ch")
        || w.ends_with("sh")
        || w.ends_with('o')
    {
        out.push(format!("{w}es"));
    } else if last == b'y' && !vowel(before_last) {
        out.push(format!("{}ies", &w[..w.len() - 1]));
    } else {
        out.push(format!("{w}s"));
    }
    // -ed and -ing
    if last == b'e' {
        out.push(format!("{w}d"));
        if !w.ends_with("ee") {
            out.push(format!("{}ing", &w[..w.len() - 1]));
        } else {
            out.push(format!("{w}ing"));
        }
    } else if last == b'y' && !vowel(before_last) {
        out.push(format!("{}ied", &w[..w.len() - 1]));
        out.push(format!("{w}ing"));
    } else if doubles_final_consonant(bytes) {
        // One syllable ending in one vowel and one consonant: slam, slammed, slamming.
        out.push(format!("{w}{}ed", last as char));
        out.push(format!("{w}{}ing", last as char));
    } else {
        out.push(format!("{w}ed"));
        out.push(format!("{w}ing"));
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a verb doubles its last letter before -ed and -ing: one syllable, ending in a
/// consonant (not w, x or y) after a single vowel ("slam", "snub", "spar"; not "feud",
/// "push", "row"). Longer verbs that double by their stress ("commit") are listed as
/// irregular.
fn doubles_final_consonant(w: &[u8]) -> bool {
    let vowel = |b: u8| b"aeiou".contains(&b);
    let n = w.len();
    if n < 3 || !w.iter().all(u8::is_ascii_lowercase) {
        return false;
    }
    let (a, b, c) = (w[n - 3], w[n - 2], w[n - 1]);
    let syllables = w
        .iter()
        .enumerate()
        .filter(|&(i, &x)| vowel(x) && (i == 0 || !vowel(w[i - 1])))
        .count();
    syllables == 1 && !vowel(a) && vowel(b) && !vowel(c) && !b"wxy".contains(&c)
}

/// Parses the alternatives of one word token ("impose~|slap~") into lower-case forms.
fn parse_forms(inner: &str) -> std::result::Result<Vec<String>, String> {
    let mut forms = Vec::new();
    for alt in inner.split('|') {
        let (word, inflect) = match alt.strip_suffix('~') {
            Some(w) => (w, true),
            None => (alt, false),
        };
        let word = word.replace('\u{2019}', "'");
        if word.is_empty()
            || word.starts_with('-')
            || word.ends_with('-')
            || !word
                .chars()
                .all(|c| c.is_alphanumeric() || c == '\'' || c == '-')
        {
            return Err(format!(
                "bad word {alt:?} in pattern: use letters, digits, ' and -"
            ));
        }
        if inflect {
            forms.extend(inflections(&word));
        } else {
            forms.push(word.to_lowercase());
        }
    }
    forms.sort();
    forms.dedup();
    Ok(forms)
}

fn parse_pattern(pattern: &str) -> std::result::Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    for raw in pattern.split_whitespace() {
        if let Some(n) = raw.strip_prefix('*') {
            let n: usize = n
                .parse()
                .map_err(|_| format!("bad gap {raw:?}: expected *N with N from 1 to 9"))?;
            if !(1..=9).contains(&n) {
                return Err(format!("bad gap {raw:?}: expected *N with N from 1 to 9"));
            }
            tokens.push(Token::Gap(n));
            continue;
        }
        if let Some(spec) = raw.strip_prefix('@') {
            let (ty, words) = match spec.split_once(':') {
                Some((t, w)) => (t, parse_forms(w)?),
                None => (spec, Vec::new()),
            };
            let token = match ty {
                "obj" => Token::Mention {
                    types: Vec::new(),
                    words,
                    object: true,
                },
                "any" => Token::Mention {
                    types: Vec::new(),
                    words,
                    object: false,
                },
                t if crate::dictionary::valid_id(t) => Token::Mention {
                    types: vec![if t == "organization" {
                        "organisation".to_string()
                    } else {
                        t.to_string()
                    }],
                    words,
                    object: false,
                },
                _ => {
                    return Err(format!(
                        "bad mention token {raw:?}: expected @obj, @any or @type, optionally \
                         with :words"
                    ));
                }
            };
            tokens.push(token);
            continue;
        }
        let (inner, optional) = match raw.strip_prefix('[') {
            Some(rest) => (
                rest.strip_suffix(']')
                    .ok_or_else(|| format!("unclosed [ in {raw:?}"))?,
                true,
            ),
            None => (raw, false),
        };
        if inner.starts_with('@') {
            return Err(format!("a mention token cannot be optional: {raw:?}"));
        }
        let forms = parse_forms(inner)?;
        tokens.push(Token::Words {
            single: !forms.iter().any(|f| f.contains('-')),
            forms,
            optional,
        });
    }
    let keyed = tokens.iter().any(|t| match t {
        Token::Words { optional, .. } => !optional,
        Token::Mention { words, .. } => !words.is_empty(),
        Token::Gap(_) => false,
    });
    if !keyed {
        return Err("a pattern needs at least one required word".into());
    }
    if matches!(tokens.last(), Some(Token::Gap(_))) || matches!(tokens.first(), Some(Token::Gap(_)))
    {
        return Err("a pattern cannot start or end with a gap".into());
    }
    let slots = tokens
        .iter()
        .filter(|t| matches!(t, Token::Mention { object: true, .. }))
        .count();
    if slots > 1 {
        return Err("a pattern can have only one @obj".into());
    }
    Ok(tokens)
}

impl RuleSet {
    /// The embedded default rules.
    pub fn embedded() -> Result<RuleSet> {
        let mut b = RuleSet::default();
        b.add_json("<embedded-rules>", DEFAULT_RULES)?;
        Ok(b)
    }

    /// Adds a rule file (JSON).
    pub fn add_path(&mut self, path: &std::path::Path) -> Result<()> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        self.add_json(&path.display().to_string(), &text)
    }

    /// Adds rules from JSON text; `name` is used in messages. A rule with the id of an
    /// earlier one replaces it.
    pub fn add_json(&mut self, name: &str, text: &str) -> Result<()> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::dictionary(
                Location::line(name, e.line() as u64),
                format!("bad JSON: {e}"),
            )
        })?;
        let lines = crate::dictionary::LineFinder::new(text);
        let Value::Object(map) = &value else {
            return Err(Error::dictionary(
                Location::line(name, 1),
                "expected an object with \"relations\" and \"rules\"",
            ));
        };
        for key in map.keys() {
            if !["relations", "rules", "description"].contains(&key.as_str()) {
                return Err(Error::dictionary(
                    Location::json(name, lines.key(key), key.clone()),
                    format!("unknown key {key:?}: expected relations or rules"),
                ));
            }
        }
        let mut types: BTreeMap<String, RelationType> =
            self.types.drain(..).map(|t| (t.id.clone(), t)).collect();
        if let Some(rels) = map.get("relations") {
            let Value::Object(rels) = rels else {
                return Err(Error::dictionary(
                    Location::json(name, lines.key("relations"), "relations"),
                    "expected an object of relation types",
                ));
            };
            for (id, v) in rels {
                let at = Location::json(name, lines.key(id), format!("relations.{id}"));
                if !crate::dictionary::valid_id(id) {
                    return Err(Error::dictionary(at, format!("bad relation id {id:?}")));
                }
                let (description, symmetric) = match v {
                    Value::String(s) => (s.clone(), false),
                    Value::Object(o) => (
                        o.get("description")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        o.get("symmetric").and_then(Value::as_bool).unwrap_or(false),
                    ),
                    _ => {
                        return Err(Error::dictionary(
                            at,
                            "expected a description or {\"description\", \"symmetric\"}",
                        ));
                    }
                };
                types.insert(
                    id.clone(),
                    RelationType {
                        id: id.clone(),
                        description,
                        symmetric,
                    },
                );
            }
        }
        self.types = types.into_values().collect();
        if let Some(rules) = map.get("rules") {
            let Value::Array(rules) = rules else {
                return Err(Error::dictionary(
                    Location::json(name, lines.key("rules"), "rules"),
                    "expected a list of rules",
                ));
            };
            for (i, r) in rules.iter().enumerate() {
                let id = r.get("id").and_then(Value::as_str).unwrap_or_default();
                let at = Location::json(name, lines.id(id), format!("rules[{i}]"));
                let mut rule = self.parse_rule(r).map_err(|(p, m)| {
                    let at = Location {
                        path: Some(if p.is_empty() {
                            format!("rules[{i}]")
                        } else {
                            format!("rules[{i}].{p}")
                        }),
                        ..at.clone()
                    };
                    Error::dictionary(at, m)
                })?;
                rule.origin = at;
                match self.rules.iter().position(|x| x.id == rule.id) {
                    Some(k) => self.rules[k] = rule,
                    None => self.rules.push(rule),
                }
            }
        }
        self.index();
        Ok(())
    }

    fn parse_rule(&self, r: &Value) -> std::result::Result<Rule, (String, String)> {
        let Value::Object(o) = r else {
            return Err((String::new(), "a rule must be an object".into()));
        };
        for key in o.keys() {
            if ![
                "id",
                "relation",
                "pattern",
                "subject",
                "object",
                "voice",
                "side",
                "modality",
                "max_distance",
                "note",
            ]
            .contains(&key.as_str())
            {
                return Err((key.clone(), format!("unknown field {key:?}")));
            }
        }
        let s = |k: &str| -> std::result::Result<String, (String, String)> {
            match o.get(k) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
                Some(_) => Err((k.into(), format!("{k:?} must be a non-empty string"))),
                None => Err((String::new(), format!("missing {k:?}"))),
            }
        };
        let id = s("id")?;
        if !crate::dictionary::valid_id(&id) {
            return Err((
                "id".into(),
                format!("bad id {id:?}: use ASCII letters, digits, '-', '_', '.' and ':'"),
            ));
        }
        let relation = s("relation")?;
        if !self.types.iter().any(|t| t.id == relation) {
            return Err((
                "relation".into(),
                format!("unknown relation {relation:?}: declare it under \"relations\""),
            ));
        }
        let pattern = s("pattern")?;
        let tokens = parse_pattern(&pattern).map_err(|m| ("pattern".to_string(), m))?;
        let list = |k: &str| -> std::result::Result<Vec<String>, (String, String)> {
            match o.get(k) {
                None => Ok(Vec::new()),
                Some(v) => serde_json::from_value::<Vec<String>>(v.clone())
                    .map(|l| {
                        l.into_iter()
                            .map(|t| {
                                if t == "organization" {
                                    "organisation".into()
                                } else {
                                    t
                                }
                            })
                            .collect()
                    })
                    .map_err(|_| (k.into(), format!("{k:?} must be a list of entity types"))),
            }
        };
        let voice = match o.get("voice") {
            None => "active",
            Some(Value::String(v)) => v.as_str(),
            Some(_) => {
                return Err((
                    "voice".into(),
                    "\"voice\" must be a string: active, passive or mutual".into(),
                ));
            }
        };
        let voice = match voice {
            "active" => Voice::Active,
            "passive" => Voice::Passive,
            "mutual" => Voice::Mutual,
            v => {
                return Err((
                    "voice".into(),
                    format!("unknown voice {v:?}: expected active, passive or mutual"),
                ));
            }
        };
        let side = match o.get("side") {
            None => Side::Either,
            Some(v) => {
                if voice != Voice::Mutual {
                    return Err(("side".into(), "only a mutual rule has a side".into()));
                }
                match v.as_str() {
                    Some("left") => Side::Left,
                    Some("right") => Side::Right,
                    Some("either") => Side::Either,
                    _ => {
                        return Err((
                            "side".into(),
                            format!("unknown side {v}: expected left, right or either"),
                        ));
                    }
                }
            }
        };
        if voice == Voice::Mutual
            && tokens
                .iter()
                .any(|t| matches!(t, Token::Mention { object: true, .. }))
        {
            return Err((
                "pattern".into(),
                "a mutual rule has no object: @obj needs the active or passive voice".into(),
            ));
        }
        let modality = match o.get("modality") {
            None => None,
            Some(Value::String(m)) if MODALITIES.contains(&m.as_str()) => Some(m.clone()),
            Some(m) => {
                return Err((
                    "modality".into(),
                    format!(
                        "unknown modality {m}: expected one of {}",
                        MODALITIES.join(", ")
                    ),
                ));
            }
        };
        let max_distance = match o.get("max_distance") {
            None => 12,
            Some(v) => v.as_u64().filter(|n| (0..=40).contains(n)).ok_or_else(|| {
                (
                    "max_distance".to_string(),
                    "expected a number from 0 to 40".to_string(),
                )
            })? as usize,
        };
        Ok(Rule {
            id,
            relation,
            pattern,
            tokens,
            subject_types: list("subject")?,
            object_types: list("object")?,
            voice,
            side,
            modality,
            max_distance,
            origin: Location::file(""),
        })
    }

    fn index(&mut self) {
        let mut lexicon: HashMap<String, u32> = HashMap::new();
        let mut entries: Vec<Entry> = Vec::new();
        let (mut required, mut at_mention, mut anywhere) = (Vec::new(), Vec::new(), Vec::new());
        // A required token of function words only ("of", "on", "with") is left to the match
        // when the rule requires another word: those words are in most sentences, so marking
        // them would cost work at every word and rule out almost nothing.
        let function_words = |t: &Token| {
            matches!(t, Token::Words { forms, optional: false, .. }
                if forms.iter().all(|f| FUNCTION_WORDS.contains(&f.as_str())))
        };
        for (i, r) in self.rules.iter().enumerate() {
            let i = i as u32;
            let mut all = 0u32;
            let mut next_bit = Some(1u32);
            let other = r.tokens.iter().any(|t| match t {
                Token::Words { optional, .. } => !optional && !function_words(t),
                Token::Mention { words, .. } => !words.is_empty(),
                Token::Gap(_) => false,
            });
            for (ti, t) in r.tokens.iter().enumerate() {
                let (forms, inside, needed) = match t {
                    Token::Words {
                        forms, optional, ..
                    } => (forms, false, !(*optional || (other && function_words(t)))),
                    Token::Mention { words, .. } => (words, true, !words.is_empty()),
                    Token::Gap(_) => continue,
                };
                let first = ti == 0
                    && matches!(
                        t,
                        Token::Words {
                            optional: false,
                            ..
                        }
                    );
                // Up to 32 required tokens are checked before matching; the rest at matching.
                let bit = match next_bit.filter(|_| needed) {
                    Some(b) => {
                        next_bit = b.checked_shl(1);
                        all |= b;
                        b
                    }
                    None => 0,
                };
                if bit == 0 && !first {
                    continue;
                }
                for f in forms {
                    let key = f.split('-').next().unwrap_or(f);
                    let e = *lexicon.entry(key.to_string()).or_insert_with(|| {
                        entries.push(Entry::default());
                        (entries.len() - 1) as u32
                    });
                    let e = &mut entries[e as usize];
                    if first && e.first.last() != Some(&i) {
                        e.first.push(i);
                    }
                    if bit != 0 {
                        let list = if inside {
                            &mut e.inside
                        } else {
                            &mut e.outside
                        };
                        if list.last() != Some(&(i, bit)) {
                            list.push((i, bit));
                        }
                    }
                }
            }
            required.push(all);
            match &r.tokens[0] {
                Token::Mention { .. } => at_mention.push(i),
                Token::Words { optional: true, .. } => anywhere.push(i),
                _ => {}
            }
        }
        let mut forms: Vec<(String, u32)> = lexicon.into_iter().collect();
        forms.sort();
        self.lexicon = Lexicon::new(&forms);
        self.entry_bits.clear();
        self.entry_spans.clear();
        for e in &entries {
            let start = self.entry_bits.len() as u32;
            self.entry_bits.extend(&e.outside);
            let mid = self.entry_bits.len() as u32;
            self.entry_bits.extend(&e.inside);
            let end = self.entry_bits.len() as u32;
            self.entry_spans.push([start, mid, end]);
        }
        self.entries = entries;
        self.required = required;
        self.at_mention = at_mention;
        self.anywhere = anywhere;
        self.symmetric_rules = self
            .rules
            .iter()
            .map(|r| self.symmetric(&r.relation))
            .collect();
        self.titles = make_titles(COMMON_TITLES.iter().copied());
    }

    /// Checks that every entity type a rule names exists in the dictionary.
    pub fn check_types(&self, dict: &Dictionary) -> Result<()> {
        for r in &self.rules {
            let in_pattern: Vec<&String> = r
                .tokens
                .iter()
                .flat_map(|t| match t {
                    Token::Mention { types, .. } => types.as_slice(),
                    _ => &[],
                })
                .collect();
            let fields = [
                ("subject", r.subject_types.iter().collect::<Vec<_>>()),
                ("object", r.object_types.iter().collect()),
                ("pattern", in_pattern),
            ];
            for (field, types) in fields {
                for t in types {
                    let known = crate::dictionary::BUILTIN_TYPES.contains(&t.as_str())
                        || dict.types.contains(t);
                    if !known {
                        let path = r.origin.path.as_deref().unwrap_or("rule");
                        let at = Location {
                            path: Some(format!("{path}.{field}")),
                            ..r.origin.clone()
                        };
                        return Err(Error::dictionary(at, format!("unknown entity type {t:?}")));
                    }
                }
            }
        }
        Ok(())
    }

    fn symmetric(&self, relation: &str) -> bool {
        self.types.iter().any(|t| t.id == relation && t.symmetric)
    }

    /// Finds the stated relations in a tagged document, sentence by sentence.
    pub fn extract(
        &self,
        doc: &Document,
        tagged: &TaggedDocument,
        dict: &Dictionary,
    ) -> Vec<Relation> {
        let mut out = Vec::new();
        if self.rules.is_empty() {
            return out;
        }
        thread_local! {
            /// The buffers of the last document read on this thread, kept for the next.
            static SCRATCH: RefCell<Scratch> = RefCell::default();
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.extract_into(doc, tagged, dict, &mut scratch, &mut out),
            Err(_) => self.extract_into(doc, tagged, dict, &mut Scratch::default(), &mut out),
        });
        out
    }

    /// [`RuleSet::extract`] with these buffers.
    fn extract_into(
        &self,
        doc: &Document,
        tagged: &TaggedDocument,
        dict: &Dictionary,
        scratch: &mut Scratch,
        out: &mut Vec<Relation>,
    ) {
        // The office titles are the dictionary's: made again for each document.
        scratch.titles = None;
        let mut i = 0;
        let ms = &tagged.mentions;
        while i < ms.len() {
            let sentence = ms[i].sentence;
            let mut j = i;
            while j < ms.len() && ms[j].sentence == sentence {
                j += 1;
            }
            if ms[i..j].iter().any(|m| m.entity != ms[i].entity) {
                let before = out.len();
                self.extract_sentence(doc, tagged, dict, i..j, scratch, out);
                if out.len() > before {
                    reversed_next(doc, tagged, sentence, &ms[j..], &mut out[before..], scratch);
                }
            }
            i = j;
        }
    }

    fn extract_sentence(
        &self,
        doc: &Document,
        tagged: &TaggedDocument,
        dict: &Dictionary,
        mentions: Range<usize>,
        scratch: &mut Scratch,
        out: &mut Vec<Relation>,
    ) {
        let ms = &tagged.mentions[mentions];
        let sentence = ms[0].sentence;
        let span = tagged.sentences[sentence as usize].span.clone();
        let text = doc.text.as_str();
        let Scratch {
            words,
            lower,
            owner,
            entry,
            mask,
            mention_words,
            ext_start,
            modifier,
            titles,
            statements,
            keep,
        } = scratch;
        // Which rules can match: all their required words are in the sentence.
        entry.clear();
        mask.clear();
        mask.resize(self.rules.len(), 0);
        let mut any = false;
        let mut see = |e: u32, inside: bool| {
            let [start, mid, end] = self.entry_spans[e as usize];
            let bits = if inside { mid..end } else { start..mid };
            for &(r, b) in &self.entry_bits[bits.start as usize..bits.end as usize] {
                let m = &mut mask[r as usize];
                *m |= b;
                any |= *m == self.required[r as usize];
            }
        };
        tokenize(text, span, ms, words, lower, owner, usize::MAX);
        for (i, w) in words.iter().enumerate() {
            let found = self.lexicon.get(&lower.as_bytes()[w.lower.clone()]);
            entry.push(found);
            if let Some(found) = found {
                see(found, owner[i].is_some());
            }
        }
        if !any {
            return;
        }
        let enabled = |r: u32| mask[r as usize] == self.required[r as usize];
        layout(
            text,
            dict,
            &self.titles,
            titles,
            ms,
            words,
            lower,
            owner,
            mention_words,
            ext_start,
            modifier,
        );
        let cx = Sentence {
            text,
            dict,
            ms,
            words,
            lower,
            owner,
            mention_words,
            ext_start,
            modifier,
            undoing: std::cell::Cell::new((words.len(), None)),
        };
        let start_len = out.len();
        // The subject of each statement found so far, by its trigger's first word.
        statements.clear();
        for (start, e) in entry.iter().enumerate() {
            // Rules that start with this word (its first token is known to match), or with
            // this mention.
            let (first, known): (&[u32], bool) = match cx.owner[start] {
                None => (e.map_or(&[], |e| &self.entries[e as usize].first), true),
                Some(k) if cx.mention_words[k].start == start => (&self.at_mention, false),
                Some(_) => continue,
            };
            let first = first.iter().map(|&r| (r, known));
            for (ri, known) in first.chain(self.anywhere.iter().map(|&r| (r, false))) {
                if !enabled(ri) {
                    continue;
                }
                let rule = &self.rules[ri as usize];
                let Some((end, slot)) = cx.match_rule(rule, start, known) else {
                    continue;
                };
                if end <= start {
                    continue;
                }
                let found = Found {
                    rule,
                    index: ri,
                    trigger: start..end,
                    slot,
                    sentence,
                    symmetric: self.symmetric_rules[ri as usize],
                };
                if let Some(subject) = cx.apply(&found, statements, out) {
                    statements.push((start, subject));
                }
            }
        }
        if out.len() - start_len < 2 {
            return;
        }
        // A trigger inside a longer one for the same pair is the same statement
        // ("terminate" in "threatened to terminate"), and so is one that starts inside an
        // earlier trigger ("withdraw from" after "threatened to withdraw"): the longer, or the
        // earlier, trigger wins. A verb followed by "to" and another trigger for the same pair
        // ("proposed to cut") only gives that trigger its modality.
        let same_pair = |a: &Relation, b: &Relation| {
            (a.subject, a.object) == (b.subject, b.object)
                || (a.subject, a.object) == (b.object, b.subject)
        };
        let found = &out[start_len..];
        keep.clear();
        keep.extend(found.iter().map(|r| {
            !found.iter().any(|o| {
                same_pair(o, r)
                    && o.trigger != r.trigger
                    && ((o.trigger.start <= r.trigger.start && r.trigger.end <= o.trigger.end)
                        || (o.trigger.start < r.trigger.start && r.trigger.start < o.trigger.end)
                        || (o.trigger.start > r.trigger.end
                            && text[r.trigger.end..o.trigger.start]
                                .trim()
                                .eq_ignore_ascii_case("to")))
            })
        }));
        // Only this sentence's relations are compacted: a retain over `out` would read the
        // whole document's for every sentence.
        let mut kept = start_len;
        for r in start_len..out.len() {
            if keep[r - start_len] {
                out.swap(kept, r);
                kept += 1;
            }
        }
        out.truncate(kept);
        // One statement per (subject, object, relation) in a sentence: the first trigger wins.
        let mut k = start_len;
        while k < out.len() {
            let r = &out[k];
            let dup = out[start_len..k].iter().any(|o| {
                (o.subject, o.object) == (r.subject, r.object)
                    && o.attrs.relation == r.attrs.relation
            });
            if dup {
                out.remove(k);
            } else {
                k += 1;
            }
        }
    }
}

/// What the presence of one word form in a sentence means to the rules.
#[derive(Debug, Clone, Default)]
struct Entry {
    /// Rules whose pattern starts with this form.
    first: Vec<u32>,
    /// (rule, bit) of the required word tokens that have this form (outside mentions).
    outside: Vec<(u32, u32)>,
    /// (rule, bit) of the mention tokens that need this word inside the mention.
    inside: Vec<(u32, u32)>,
}

/// Buffers reused from sentence to sentence, and from document to document on a thread.
#[derive(Default)]
struct Scratch {
    words: Vec<Word>,
    lower: String,
    owner: Vec<Option<usize>>,
    /// Each word's entry in the rules' lexicon.
    entry: Vec<Option<u32>>,
    /// For each rule, the bits of its required tokens seen in the sentence.
    mask: Vec<u32>,
    mention_words: Vec<Range<usize>>,
    ext_start: Vec<usize>,
    modifier: Vec<bool>,
    /// The dictionary's office titles, made once per document when first needed.
    titles: Option<Titles>,
    /// The statements of the sentence so far: trigger's first word, subject mention.
    statements: Vec<(usize, usize)>,
    /// Which of the sentence's relations are kept.
    keep: Vec<bool>,
}

/// Titles written before names, as lower-case words separated by single spaces in one
/// buffer, longest (in words) first.
#[derive(Debug, Clone, Default)]
struct Titles {
    text: String,
    /// Each title's range in `text` and its number of words.
    spans: Vec<(Range<usize>, usize)>,
}

/// Titles written before names, split into lower-case words.
fn make_titles<'t>(titles: impl Iterator<Item = &'t str>) -> Titles {
    let mut out = Titles::default();
    for t in titles {
        let from = out.text.len();
        let mut n = 0;
        for part in t
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
        {
            if n > 0 {
                out.text.push(' ');
            }
            out.text.extend(part.chars().flat_map(char::to_lowercase));
            n += 1;
        }
        if n > 0 {
            out.spans.push((from..out.text.len(), n));
        }
    }
    let text = &out.text;
    out.spans.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| text[a.0.clone()].cmp(&text[b.0.clone()]))
    });
    out.spans
        .dedup_by(|a, b| text[a.0.clone()] == text[b.0.clone()]);
    out
}

/// A word of a sentence: its byte span in the document and where its lower-case form
/// (curly apostrophes made straight) is in the sentence's shared buffer.
#[derive(Debug, Clone)]
struct Word {
    span: Range<usize>,
    lower: Range<usize>,
}

/// A matched trigger, on its way to [`Sentence::apply`].
struct Found<'r> {
    rule: &'r Rule,
    index: u32,
    /// Word range of the trigger.
    trigger: Range<usize>,
    /// The mention in the `@obj` slot.
    slot: Option<usize>,
    sentence: u32,
    symmetric: bool,
}

/// A short list kept inline up to eight items and on the heap beyond: the groups of
/// coordinated mentions a relation has on each side are short, and made for every trigger.
#[derive(Debug, Clone)]
enum Few<T: Copy + Default> {
    Inline([T; 8], usize),
    Heap(Vec<T>),
}

impl<T: Copy + Default> Few<T> {
    fn new() -> Few<T> {
        Few::Inline([T::default(); 8], 0)
    }

    fn push(&mut self, x: T) {
        match self {
            Few::Inline(items, n) if *n < items.len() => {
                items[*n] = x;
                *n += 1;
            }
            Few::Inline(items, n) => {
                let mut v = items[..*n].to_vec();
                v.push(x);
                *self = Few::Heap(v);
            }
            Few::Heap(v) => v.push(x),
        }
    }

    fn truncate(&mut self, len: usize) {
        match self {
            Few::Inline(_, n) => *n = len.min(*n),
            Few::Heap(v) => v.truncate(len),
        }
    }
}

impl<T: Copy + Default> std::ops::Deref for Few<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Few::Inline(items, n) => &items[..*n],
            Few::Heap(v) => v,
        }
    }
}

impl<T: Copy + Default> std::ops::DerefMut for Few<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            Few::Inline(items, n) => &mut items[..*n],
            Few::Heap(v) => v,
        }
    }
}

/// A subject or object: an entity and where the text names it.
#[derive(Debug, Clone)]
struct Party {
    entity: u32,
    span: Range<usize>,
}

/// How two neighbouring mentions are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Joint {
    /// "," (a list, or an apposition when no "and" closes it).
    #[default]
    Comma,
    /// "-", "/", a dash: "U.S.-Japan-South Korea", "Moon-Abe".
    Hyphen,
    /// "and", "or", ", and", "as well as": closes a list.
    And,
}

/// Splits a sentence into words: runs of letters and digits, with apostrophes inside
/// ("didn't") kept, and finds the mention each is in. A word never straddles the edge of a
/// mention, and the possessive "'s" right after a mention is dropped ("Japan's" is the
/// mention "Japan"). At most `limit` words.
fn tokenize(
    text: &str,
    span: Range<usize>,
    ms: &[Mention],
    words: &mut Vec<Word>,
    lower: &mut String,
    owner: &mut Vec<Option<usize>>,
    limit: usize,
) {
    words.clear();
    lower.clear();
    owner.clear();
    #[cfg(test)]
    let masks = !tests::BYTE_LOOP.get();
    #[cfg(not(test))]
    let masks = true;
    if masks && split_masks(text, span.clone(), ms, words, lower) {
        words.truncate(limit);
    } else {
        words.clear();
        lower.clear();
        split_chars(text, span, ms, words, lower, limit);
    }
    owners(words, ms, owner);
}

/// The mention each word is in.
fn owners(words: &[Word], ms: &[Mention], owner: &mut Vec<Option<usize>>) {
    owner.clear();
    let mut m = 0;
    for w in words {
        while m < ms.len() && ms[m].end <= w.span.start {
            m += 1;
        }
        owner.push(
            (m < ms.len() && ms[m].start <= w.span.start && w.span.end <= ms[m].end).then_some(m),
        );
    }
}

/// The longest sentence [`split_masks`] takes, in blocks of 64 bytes.
const MASK_BLOCKS: usize = 16;

/// Bits over the bytes of a sentence, 64 to a block.
type Bits = [u64; MASK_BLOCKS];

/// Whether a character is part of a word: a letter or digit. General punctuation (quotes,
/// dashes) is common in news: it skips Unicode's tables.
fn is_word_char(c: char) -> bool {
    !('\u{2000}'..='\u{206f}').contains(&c) && c.is_alphanumeric()
}

/// The positions of the set bits of [`Bits`], in order.
struct Ones {
    bits: Bits,
    blocks: usize,
    k: usize,
    cur: u64,
}

impl Iterator for Ones {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.cur == 0 {
            self.k += 1;
            if self.k >= self.blocks {
                return None;
            }
            self.cur = self.bits[self.k];
        }
        let i = self.cur.trailing_zeros() as usize;
        self.cur &= self.cur - 1;
        Some(self.k * 64 + i)
    }
}

/// Adds a word of `text` to `words`, its lower-case form (curly apostrophes made straight) to
/// `lower`.
fn push_word(text: &str, b: usize, e: usize, words: &mut Vec<Word>, lower: &mut String) {
    let from = lower.len();
    let word = &text[b..e];
    if word.is_ascii() {
        lower.push_str(word);
        lower[from..].make_ascii_lowercase();
    } else {
        for c in word.chars() {
            if c == '\u{2019}' {
                lower.push('\'');
            } else {
                lower.extend(c.to_lowercase());
            }
        }
    }
    words.push(Word {
        span: b..e,
        lower: from..lower.len(),
    });
}

/// [`tokenize`]'s words of a sentence by [`Masks`]; the lower-case forms are in the sentence
/// lower-cased as ASCII at the start of `lower`, or after it for words with other characters.
/// Returns false, and does nothing, for a sentence [`Masks::new`] does not take.
fn split_masks(
    text: &str,
    span: Range<usize>,
    ms: &[Mention],
    words: &mut Vec<Word>,
    lower: &mut String,
) -> bool {
    match Masks::new(text, span.clone(), ms) {
        Some(m) => {
            m.push_words(text, span, words, lower);
            true
        }
        None => false,
    }
}

/// A sentence's words as bit masks of its bytes, found 64 bytes at a time rather than byte by
/// byte: ASCII letters and digits are classified eight bytes at a time, the few other
/// characters one by one; apostrophes, mention edges and dropped possessives are masks too.
#[derive(Debug)]
struct Masks {
    /// The first byte of each word.
    first: Bits,
    /// The last byte of each word.
    last: Bits,
    /// Bytes outside ASCII.
    other: Bits,
    /// Whether the sentence is all ASCII.
    ascii: bool,
    /// Blocks of 64 bytes in the sentence.
    blocks: usize,
}

impl Masks {
    /// The masks of the sentence at `span`, with mentions `ms`; `None` for a sentence they do
    /// not take: one longer than [`MASK_BLOCKS`] blocks, or with mentions that are empty, out
    /// of order, outside it or not on character boundaries, or that start right at a
    /// possessive dropped after the one before.
    fn new(text: &str, span: Range<usize>, ms: &[Mention]) -> Option<Masks> {
        const HIGH: u64 = 0x8080_8080_8080_8080;
        const ONES: u64 = 0x0101_0101_0101_0101;
        // Bytes from `lo` to `hi` (all bytes below 0x80: no carry crosses a byte): high bit set.
        let in_range = |x: u64, lo: u64, hi: u64| {
            (x.wrapping_add((0x80 - lo) * ONES) & !x.wrapping_add((0x7f - hi) * ONES)) & HIGH
        };
        // The high bits of eight bytes as eight bits, the first byte lowest.
        let gather = |m: u64| (m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        let sentence = &text.as_bytes()[span.clone()];
        let n = sentence.len();
        if n > MASK_BLOCKS * 64 {
            return None;
        }
        let blocks = n.div_ceil(64);
        // ASCII letters and digits, ASCII apostrophes, other bytes.
        let (mut alnum, mut quote, mut other): (Bits, Bits, Bits) = Default::default();
        let ascii = sentence.is_ascii();
        for (k, block) in sentence.chunks(64).enumerate() {
            let (mut a, mut q, mut o) = (0, 0, 0);
            for (j, c) in block.chunks(8).enumerate() {
                let x = match <[u8; 8]>::try_from(c) {
                    Ok(c) => u64::from_le_bytes(c),
                    Err(_) => {
                        let mut buf = [0u8; 8];
                        buf[..c.len()].copy_from_slice(c);
                        u64::from_le_bytes(buf)
                    }
                };
                // Bytes outside ASCII are no letter, digit or apostrophe.
                let (x, high) = if ascii {
                    (x, 0)
                } else {
                    (x & !HIGH, !x & HIGH)
                };
                let letters = in_range(x, 0x30, 0x39) | in_range(x | (0x20 * ONES), 0x61, 0x7a);
                let (letters, quotes) = if ascii {
                    (letters, in_range(x, 0x27, 0x27))
                } else {
                    (letters & high, in_range(x, 0x27, 0x27) & high)
                };
                a |= gather(letters) << (8 * j);
                q |= gather(quotes) << (8 * j);
                if !ascii {
                    o |= gather(!high & HIGH) << (8 * j);
                }
            }
            (alnum[k], quote[k], other[k]) = (a, q, o);
        }
        let ones = |v: &Bits| Ones {
            bits: *v,
            blocks,
            k: 0,
            cur: v[0],
        };
        let set = |bits: &mut Bits, i: usize| bits[i / 64] |= 1 << (i % 64);
        let clear = |bits: &mut Bits, i: usize| bits[i / 64] &= !(1 << (i % 64));
        let get = |bits: &Bits, i: usize| i < n && bits[i / 64] & (1 << (i % 64)) != 0;
        // Word characters (all their bytes), and curly apostrophes (their first byte).
        let (mut word, mut curly): (Bits, Bits) = (alnum, Default::default());
        if !ascii {
            let rest = &text[span.clone()];
            for i in ones(&other) {
                if !rest.is_char_boundary(i) {
                    continue;
                }
                let c = rest[i..].chars().next().unwrap_or(' ');
                if is_word_char(c) {
                    for j in i..i + c.len_utf8() {
                        set(&mut word, j);
                    }
                } else if c == '\u{2019}' {
                    set(&mut curly, i);
                }
            }
        }
        let mut stop = Bits::default();
        let mut last_end = span.start;
        for (j, m) in ms.iter().enumerate() {
            if m.start >= m.end
                || m.start < last_end
                || m.end > span.end
                || !text.is_char_boundary(m.start)
                || !text.is_char_boundary(m.end)
            {
                return None;
            }
            last_end = m.end;
            // Words stop at a mention's edges.
            for edge in [m.start, m.end] {
                let i = edge - span.start;
                if i > 0 && i < n {
                    set(&mut stop, i);
                }
            }
            // The possessive after a mention is no word: its "s" is no letter.
            let e = m.end - span.start;
            let after = &sentence[e..];
            let s = if after.starts_with(b"'s") {
                e + 1
            } else if after.starts_with("\u{2019}s".as_bytes()) {
                e + 3
            } else {
                continue;
            };
            if !get(&word, s + 1) {
                if ms
                    .get(j + 1)
                    .is_some_and(|next| next.start <= span.start + s + 1)
                {
                    return None;
                }
                clear(&mut word, s);
            }
        }
        let next_of = |bits: &Bits, k: usize| {
            (bits[k] >> 1) | if k + 1 < blocks { bits[k + 1] << 63 } else { 0 }
        };
        let prev_of =
            |bits: &Bits, k: usize| (bits[k] << 1) | if k > 0 { bits[k - 1] >> 63 } else { 0 };
        // An apostrophe after a word character and before an ASCII letter or digit, none of the
        // three across a mention's edge, is in the word ("didn't"); a curly one, before any word
        // character ("Abe’s").
        let mut joined: Bits = Default::default();
        for k in 0..blocks {
            joined[k] =
                quote[k] & prev_of(&word, k) & next_of(&alnum, k) & !stop[k] & !next_of(&stop, k);
        }
        if !ascii {
            for i in ones(&curly) {
                if i > 0
                    && get(&word, i - 1)
                    && get(&word, i + 3)
                    && !get(&stop, i)
                    && !get(&stop, i + 3)
                {
                    for j in i..i + 3 {
                        set(&mut joined, j);
                    }
                }
            }
        }
        for k in 0..blocks {
            word[k] |= joined[k];
        }
        // A word starts where the byte before is no word byte or a mention's edge is, and ends
        // likewise after.
        let (mut first, mut last): (Bits, Bits) = Default::default();
        for k in 0..blocks {
            first[k] = word[k] & (!prev_of(&word, k) | stop[k]);
            last[k] = word[k] & (!next_of(&word, k) | next_of(&stop, k));
        }
        Some(Masks {
            first,
            last,
            other,
            ascii,
            blocks,
        })
    }

    /// The words, as byte ranges in the sentence.
    fn words(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let ones = |v: &Bits| Ones {
            bits: *v,
            blocks: self.blocks,
            k: 0,
            cur: v[0],
        };
        ones(&self.first)
            .zip(ones(&self.last))
            .map(|(s, l)| (s, l + 1))
    }

    /// Whether no byte from `s` to `e` is outside ASCII.
    fn plain(&self, s: usize, e: usize) -> bool {
        if self.ascii {
            return true;
        }
        let (k, i) = (s / 64, s % 64);
        let bits = (self.other[k] >> i)
            | if i > 0 && k + 1 < self.blocks {
                self.other[k + 1] << (64 - i)
            } else {
                0
            };
        e - s < 64 && bits & ((1u64 << (e - s)) - 1) == 0
    }

    /// Adds the words to `words`, their lower-case forms to `lower`: the sentence lower-cased
    /// as ASCII, then the words with other characters, lower-cased one by one.
    fn push_words(
        &self,
        text: &str,
        span: Range<usize>,
        words: &mut Vec<Word>,
        lower: &mut String,
    ) {
        lower.push_str(&text[span.clone()]);
        lower.make_ascii_lowercase();
        for (s, e) in self.words() {
            if self.plain(s, e) {
                words.push(Word {
                    span: span.start + s..span.start + e,
                    lower: s..e,
                });
            } else {
                push_word(text, span.start + s, span.start + e, words, lower);
            }
        }
    }
}

/// [`tokenize`]'s words of any sentence, byte by byte (and character by character outside
/// ASCII), with their lower-case forms in `lower`.
fn split_chars(
    text: &str,
    span: Range<usize>,
    ms: &[Mention],
    words: &mut Vec<Word>,
    lower: &mut String,
    limit: usize,
) {
    let push = push_word;
    let is_word = is_word_char;
    let char_at = |p: usize| text[p..].chars().next().unwrap_or(' ');
    // Most sentences are ASCII: lower-case them at once.
    let ascii = text[span.clone()].is_ascii();
    if ascii {
        lower.push_str(&text[span.clone()]);
        lower.make_ascii_lowercase();
    }
    let bytes = text.as_bytes();
    let end = span.end;
    let mut p = span.start;
    let mut m = 0;
    'sentence: while p < end {
        while m < ms.len() && ms[m].end <= p {
            m += 1;
        }
        // Words never cross `stop`: the next start or end of a mention.
        let stop = match ms.get(m) {
            Some(x) if x.start > p => x.start,
            Some(x) => x.end,
            None => end,
        }
        .min(end);
        // Whether a word goes on at `q`: a letter or digit, or an apostrophe before one.
        let goes_on = |q: usize| -> usize {
            if q >= stop {
                return 0;
            }
            let b = bytes[q];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    return 1;
                }
                if b == b'\'' && q + 1 < stop && bytes[q + 1].is_ascii_alphanumeric() {
                    return 1;
                }
                return 0;
            }
            let c = char_at(q);
            let n = c.len_utf8();
            if is_word(c) || (c == '\u{2019}' && q + n < stop && is_word(char_at(q + n))) {
                n
            } else {
                0
            }
        };
        while p < stop {
            let b = bytes[p];
            let first = if b < 0x80 {
                usize::from(b.is_ascii_alphanumeric())
            } else {
                let c = char_at(p);
                if is_word(c) { c.len_utf8() } else { 0 }
            };
            if first == 0 {
                p += if b < 0x80 { 1 } else { char_at(p).len_utf8() };
                continue;
            }
            let s = p;
            p += first;
            loop {
                while p < stop && bytes[p].is_ascii_alphanumeric() {
                    p += 1;
                }
                match goes_on(p) {
                    0 => break,
                    n => p += n,
                }
            }
            if ascii {
                words.push(Word {
                    span: s..p,
                    lower: s - span.start..p - span.start,
                });
            } else {
                push(text, s, p, words, lower);
            }
            if words.len() >= limit {
                break 'sentence;
            }
        }
        if m < ms.len() && p == ms[m].end {
            // The possessive after a mention is no word.
            for apostrophe in ["'s", "\u{2019}s"] {
                if text[p..end].starts_with(apostrophe)
                    && !text[p + apostrophe.len()..end]
                        .chars()
                        .next()
                        .is_some_and(is_word)
                {
                    p += apostrophe.len();
                    break;
                }
            }
            m += 1;
        }
    }
}

/// Titles written before a name, beyond the dictionary's office titles.
const COMMON_TITLES: &[&str] = &[
    "President",
    "Vice President",
    "Prime Minister",
    "PM",
    "Premier",
    "Chairman",
    "Chairwoman",
    "Secretary",
    "Secretary of State",
    "Secretary-General",
    "Minister",
    "Foreign Minister",
    "Defense Minister",
    "Defence Minister",
    "Chancellor",
    "King",
    "Queen",
    "Emperor",
    "Leader",
    "Ambassador",
];

/// Words of a title written before a name in lower case, as many outlets do: the country in
/// front of them modifies the person ("her Japanese counterpart Taro Kono", "North Korean
/// leader Kim Jong Un", "Japanese foreign minister Taro Kono" are the person only).
#[rustfmt::skip]
const APPOSITIVES: &[&str] = &[
    "counterpart", "counterparts", "envoy", "negotiator", "spokesman", "spokeswoman",
    "spokesperson", "leader", "leaders", "minister", "president", "premier", "secretary",
    "ambassador", "chief", "diplomat", "official", "foreign", "defense", "defence", "prime",
    "deputy", "vice", "trade", "finance", "supreme", "top",
];

/// Nouns for an intended act, before "to" and the trigger ("its threat to scrap").
const PLANS: &[&str] = &[
    "threat",
    "threats",
    "plan",
    "plans",
    "decision",
    "pledge",
    "bid",
    "move",
    "intention",
    "promise",
    "proposal",
];

/// Nouns for an act or a proposal whose actor follows "by" ("a proposal by Seoul").
const ACTS: &[&str] = &[
    "proposal",
    "proposals",
    "plan",
    "plans",
    "offer",
    "offers",
    "request",
    "requests",
    "demand",
    "demands",
    "bid",
    "decision",
    "move",
    "call",
    "calls",
    "suggestion",
    "attempt",
    "effort",
    "efforts",
    "push",
];

/// Determiners before a plan noun ("its plan").
const DETERMINERS: &[&str] = &[
    "its", "their", "his", "her", "the", "a", "an", "this", "that",
];

/// Verbs that give up or put off an intended act ("abandoned its plan to", "will suspend its
/// decision to end"), in the forms a report uses, the base form after "will" or "to".
#[rustfmt::skip]
const DROPS: &[&str] = &[
    "abandon", "abandoned", "abandons", "drop", "dropped", "drops", "shelve", "shelved",
    "shelves", "scrapped", "scraps", "retract", "retracted", "retracts", "withdrew",
    "withdraws", "rescind", "rescinded", "rescinds", "suspend", "suspended", "suspends",
    "suspending", "halt", "halted", "halts", "froze", "freeze", "freezes", "postponed",
    "postpone", "postpones", "shelving", "abandoning", "dropping",
];

/// Verbs of travel: "to" after them names a destination, not a party.
#[rustfmt::skip]
const TRAVEL: &[&str] = &[
    "travel", "travels", "traveled", "travelled", "traveling", "travelling", "go", "goes",
    "went", "going", "fly", "flies", "flew", "flying", "head", "heads", "headed", "heading",
    "return", "returns", "returned", "returning", "trip", "visit", "journey", "arrive",
    "arrived", "moved", "sent", "dispatched",
];

/// Words that open a subordinate clause: a party is not read across them.
const SUBORDINATORS: &[&str] = &["while", "whereas", "although", "though", "because"];

/// Words that may stand before a title ("former President").
const TITLE_PREFIXES: &[&str] = &["former", "then", "acting", "late", "incoming", "outgoing"];

/// Places each mention in the words (`mention_words`), finds where its phrase starts with
/// its titles (`ext_start`) and which mentions only modify a titled name (`modifier`).
#[allow(clippy::too_many_arguments)]
fn layout(
    text: &str,
    dict: &Dictionary,
    common: &Titles,
    offices: &mut Option<Titles>,
    ms: &[Mention],
    words: &[Word],
    lower: &str,
    owner: &[Option<usize>],
    mention_words: &mut Vec<Range<usize>>,
    ext_start: &mut Vec<usize>,
    modifier: &mut Vec<bool>,
) {
    // A mention with no word (all punctuation) is placed by its offset.
    mention_words.clear();
    mention_words.extend(ms.iter().map(|x| {
        let p = words.partition_point(|w| w.span.start < x.start);
        p..p
    }));
    for (i, o) in owner.iter().enumerate() {
        if let Some(k) = *o {
            if mention_words[k].is_empty() {
                mention_words[k] = i..i + 1;
            } else {
                mention_words[k].end = i + 1;
            }
        }
    }
    ext_start.clear();
    ext_start.extend(mention_words.iter().map(|r| r.start));
    modifier.clear();
    // A mention before "-led", "-backed" and the like only modifies the noun after it: "the
    // U.S.-led Quad", "a China-backed bank", "Seoul-based".
    modifier.extend(
        ms.iter()
            .map(|m| compound_modifier(text.get(m.end..).unwrap_or(""))),
    );
    let word = |i: usize| &lower[words[i].lower.clone()];
    let capitalised = |i: usize| {
        text[words[i].span.clone()]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    };
    let kind = |k: usize| dict.entities[ms[k].entity as usize].kind.as_str();
    // How many words, ending at word `t` (exclusive), form a capitalised title; titles are
    // longest first, so the first that fits in a list is the longest there.
    let fits = |titles: &Titles, t: usize| -> usize {
        for (span, n) in &titles.spans {
            let (title, n) = (&titles.text[span.clone()], *n);
            if n > t || !title.ends_with(word(t - 1)) {
                continue;
            }
            let first = t - n;
            let same = title
                .split(' ')
                .zip(first..t)
                .all(|(p, i)| owner[i].is_none() && p == word(i));
            if same && capitalised(first) {
                return n;
            }
        }
        0
    };
    // The common titles and the dictionary's office titles (made on first use): the longest
    // that fits.
    let mut title_before = |t: usize| -> usize {
        if t == 0 || owner[t - 1].is_some() {
            return 0;
        }
        if APPOSITIVES.contains(&word(t - 1)) {
            return 1;
        }
        if !capitalised(t - 1) {
            return 0;
        }
        let offices = offices.get_or_insert_with(|| {
            make_titles(
                dict.offices
                    .iter()
                    .flat_map(|o| o.titles.iter().map(String::as_str)),
            )
        });
        fits(common, t).max(fits(offices, t))
    };
    for k in 0..ms.len() {
        if kind(k) != "person" {
            continue;
        }
        let mut t = mention_words[k].start;
        let mut titled = false;
        loop {
            let n = title_before(t);
            if n == 0 {
                break;
            }
            t -= n;
            titled = true;
        }
        if !titled {
            continue;
        }
        while t > 0 && owner[t - 1].is_none() && TITLE_PREFIXES.contains(&word(t - 1)) {
            t -= 1;
        }
        if let Some(m) = t.checked_sub(1).and_then(|i| owner[i]) {
            if m != k && mention_words[m].end == t && matches!(kind(m), "country" | "organisation")
            {
                modifier[m] = true;
                t = mention_words[m].start;
            }
        }
        ext_start[k] = t;
    }
}

/// Words that, joined to a name by a hyphen, make it modify the noun after it.
const COMPOUND_HEADS: &[&str] = &[
    "led",
    "backed",
    "based",
    "funded",
    "owned",
    "made",
    "born",
    "brokered",
    "sponsored",
    "controlled",
    "run",
    "style",
    "friendly",
    "aligned",
    "centric",
    "bound",
];

/// Whether the text after a mention opens with a hyphen and one of [`COMPOUND_HEADS`] as a
/// whole word ("-led coalition").
fn compound_modifier(after: &str) -> bool {
    let Some(rest) = after
        .strip_prefix('-')
        .or_else(|| after.strip_prefix('\u{2010}'))
    else {
        return false;
    };
    let end = rest
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(rest.len());
    COMPOUND_HEADS.contains(&rest[..end].to_ascii_lowercase().as_str())
}

/// One sentence as the matcher sees it.
struct Sentence<'a> {
    text: &'a str,
    dict: &'a Dictionary,
    ms: &'a [Mention],
    words: &'a [Word],
    lower: &'a str,
    /// The mention each word is in.
    owner: &'a [Option<usize>],
    /// The words of each mention.
    mention_words: &'a [Range<usize>],
    /// Where each mention's phrase starts: before its titles and a modifier in front of them.
    ext_start: &'a [usize],
    /// Mentions that only modify a titled name ("Japanese" in "Japanese Prime Minister Shinzo
    /// Abe"): never a party.
    modifier: &'a [bool],
    /// The search for the last word where the sentence says an act was undone: the words
    /// from the first value on are read, the second is the word if found.
    undoing: std::cell::Cell<(usize, Option<usize>)>,
}

impl<'a> Sentence<'a> {
    fn word(&self, i: usize) -> &'a str {
        &self.lower[self.words[i].lower.clone()]
    }

    /// The word after word `i`, or "" at the end of the sentence.
    fn word_after(&self, i: usize) -> &'a str {
        if i + 1 < self.words.len() {
            self.word(i + 1)
        } else {
            ""
        }
    }

    fn kind(&self, k: usize) -> &'a str {
        &self.dict.entities[self.ms[k].entity as usize].kind
    }

    fn type_ok(&self, k: usize, types: &[String]) -> bool {
        types.is_empty() || types.iter().any(|t| t == self.kind(k))
    }

    /// Whether mention `k` can be a party: of an allowed type, not a modifier, not in the
    /// trigger.
    fn usable(&self, k: usize, types: &[String], trigger: &Range<usize>) -> bool {
        let w = &self.mention_words[k];
        !self.modifier[k]
            && self.type_ok(k, types)
            && !(w.start < w.end && trigger.start <= w.start && w.end <= trigger.end)
    }

    /// Matches a rule's pattern at word `at`: the end of the trigger and the `@obj` mention.
    /// `known`: the word is known to be one of the forms of the pattern's first token, a
    /// required word token.
    fn match_rule(&self, rule: &Rule, at: usize, known: bool) -> Option<(usize, Option<usize>)> {
        match &rule.tokens[..] {
            [Token::Words { single: true, .. }, rest @ ..] if known => {
                self.go(rule, rest, at + 1, None)
            }
            tokens => self.go(rule, tokens, at, None),
        }
    }

    fn go(
        &self,
        rule: &Rule,
        tokens: &[Token],
        at: usize,
        slot: Option<usize>,
    ) -> Option<(usize, Option<usize>)> {
        let Some((first, rest)) = tokens.split_first() else {
            return Some((at, slot));
        };
        match first {
            Token::Words {
                forms,
                optional,
                single: true,
            } => {
                // One form at most is the word.
                let here = at < self.words.len()
                    && self.owner[at].is_none()
                    && forms
                        .binary_search_by(|f| f.as_str().cmp(self.word(at)))
                        .is_ok();
                if here {
                    if let Some(found) = self.go(rule, rest, at + 1, slot) {
                        return Some(found);
                    }
                }
                if *optional {
                    self.go(rule, rest, at, slot)
                } else {
                    None
                }
            }
            Token::Words {
                forms, optional, ..
            } => {
                for f in forms {
                    if let Some(n) = self.form_at(f, at) {
                        if let Some(found) = self.go(rule, rest, at + n, slot) {
                            return Some(found);
                        }
                    }
                }
                if *optional {
                    self.go(rule, rest, at, slot)
                } else {
                    None
                }
            }
            Token::Gap(n) => {
                let mut pos = at;
                for skipped in 0..=*n {
                    if let Some(found) = self.go(rule, rest, pos, slot) {
                        return Some(found);
                    }
                    if skipped == *n || pos >= self.words.len() {
                        break;
                    }
                    pos = match self.owner[pos] {
                        None => pos + 1,
                        Some(k) if self.crossable(rule, k) => {
                            self.mention_words[k].end.max(pos + 1)
                        }
                        Some(_) => break,
                    };
                }
                None
            }
            Token::Mention {
                types,
                words,
                object,
            } => {
                let k = self.owner.get(at).copied().flatten()?;
                if self.mention_words[k].start != at {
                    return None;
                }
                let types = if *object { &rule.object_types } else { types };
                if !self.type_ok(k, types) || (*object && self.modifier[k]) {
                    return None;
                }
                if !words.is_empty()
                    && !self.mention_words[k]
                        .clone()
                        .any(|i| words.iter().any(|f| f == self.word(i)))
                {
                    return None;
                }
                let slot = if *object { Some(k) } else { slot };
                self.go(rule, rest, self.mention_words[k].end, slot)
            }
        }
    }

    /// How many words form `f` at word `at` (a form with a hyphen is a run of words).
    fn form_at(&self, f: &str, at: usize) -> Option<usize> {
        let mut i = at;
        for part in f.split('-') {
            if i >= self.words.len() || self.owner[i].is_some() || self.word(i) != part {
                return None;
            }
            i += 1;
        }
        Some(i - at)
    }

    /// Whether a gap of the rule may skip mention `k`: only when its type cannot be a party.
    fn crossable(&self, rule: &Rule, k: usize) -> bool {
        let kind = self.kind(k);
        let objects = rule.voice != Voice::Mutual;
        let open = |types: &[String]| types.is_empty() || types.iter().any(|t| t == kind);
        !(open(&rule.subject_types) || (objects && open(&rule.object_types)))
    }

    /// The nearest usable mention ending at or before word `before`, within `max` words.
    fn left(
        &self,
        types: &[String],
        before: usize,
        max: usize,
        trigger: &Range<usize>,
    ) -> Option<usize> {
        self.nearest_left(types, before, max, trigger, |_| true)
    }

    /// [`Sentence::left`] among the mentions that `keep` also takes.
    fn nearest_left(
        &self,
        types: &[String],
        before: usize,
        max: usize,
        trigger: &Range<usize>,
        keep: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        (0..self.ms.len())
            .filter(|&k| {
                let end = self.mention_words[k].end;
                end <= before
                    && before - end <= max
                    && self.usable(k, types, trigger)
                    && !self.agent_before(k)
                    && !self.city_before(k)
                    && keep(k)
            })
            .max_by_key(|&k| self.mention_words[k].end)
    }

    /// What a passive acts on: the nearest usable mention before the verb that is not a topic
    /// after "over" ("Tokyo's demand for an apology over the radar incident was rebuffed by
    /// Seoul"), else, up to 16 words away, a possessive opening the sentence ("Japan's plan to
    /// release treated water from ... into the sea was criticised by China").
    fn patient(
        &self,
        types: &[String],
        before: usize,
        max: usize,
        trigger: &Range<usize>,
    ) -> Option<usize> {
        let topic = |k: usize| {
            let mut b = self.ext_start[k];
            while b > 0 && self.owner[b - 1].is_none() && DETERMINERS.contains(&self.word(b - 1)) {
                b -= 1;
            }
            b > 0 && self.owner[b - 1].is_none() && self.word(b - 1) == "over"
        };
        self.nearest_left(types, before, max, trigger, |k| !topic(k))
            .or_else(|| {
                let first = (0..self.ms.len()).find(|&k| !self.modifier[k])?;
                let m = &self.ms[first];
                let possessive = self.text[m.end..].starts_with("'s")
                    || self.text[m.end..].starts_with("\u{2019}s");
                // Or the actor of an act that opens the sentence: "A proposal by Seoul to
                // ... was rejected by Tokyo".
                let s = self.ext_start[first];
                let plain = |i: usize| self.owner[i].is_none();
                let act_by = s >= 2
                    && plain(s - 1)
                    && self.word(s - 1) == "by"
                    && plain(s - 2)
                    && ACTS.contains(&self.word(s - 2))
                    && (0..s - 2).all(|i| plain(i) && DETERMINERS.contains(&self.word(i)));
                ((s == 0 && possessive) || act_by)
                    .then_some(first)
                    .filter(|_| {
                        self.mention_words[first].end <= before
                            && before - self.mention_words[first].end <= 16
                            && self.usable(first, types, trigger)
                    })
            })
    }

    /// Whether mention `k` follows "by" (or "by the"): the agent of an earlier passive, not a
    /// party to a later trigger ("Japan, backed by the United States, criticised ...").
    fn agent_before(&self, k: usize) -> bool {
        let s = self.ext_start[k];
        let by = |i: usize| self.owner[i].is_none() && self.word(i) == "by";
        (s >= 1 && by(s - 1))
            || (s >= 2 && self.owner[s - 1].is_none() && self.word(s - 1) == "the" && by(s - 2))
    }

    /// The nearest usable mention starting at or after word `after`, within `max` words
    /// (its titles not counted).
    fn right(
        &self,
        types: &[String],
        after: usize,
        max: usize,
        trigger: &Range<usize>,
    ) -> Option<usize> {
        let k = (0..self.ms.len())
            .filter(|&k| {
                self.mention_words[k].start >= after
                    && self.ext_start[k].max(after) - after <= max
                    && self.usable(k, types, trigger)
                    && !self.placed(k, trigger)
                    && !self.talks_topic(k, trigger)
            })
            .min_by_key(|&k| self.mention_words[k].start)?;
        // "condemning Japan's export curbs": what a possessive owns is the object when the
        // dictionary names it, as an act stands for its actor only when it is not named.
        let k = match self.possessed(k) {
            Some(n) if self.usable(n, types, trigger) => n,
            _ => k,
        };
        // A subordinate clause ends the search ("met in Seoul while the US watched"), and so
        // does a clause after ", but" ("has offered to take part, but British sources ...").
        let start = self.mention_words[k].start;
        // A trigger that ends in "to" ("allies to") takes no infinitive's object either.
        let to_from = if after > 0 && after == trigger.end {
            after - 1
        } else {
            after
        };
        // So does a gerund after a preposition ("firms accused of helping North Korea"): what
        // follows is the gerund's object.
        let gerund = |i: usize| {
            let w = self.word(i);
            i > after
                && self.owner[i].is_none()
                && self.owner[i - 1].is_none()
                && w.len() >= 5
                && w.ends_with("ing")
                && matches!(self.word(i - 1), "of" | "for" | "by" | "into" | "from")
        };
        // And a mention after "on" or "against" that follows a noun of the gap belongs to
        // that noun ("opposes sanctions on North Korea", "condemned the attack on Japan").
        let b = self.ext_start[k];
        let noun_on = b >= after + 2
            && self.owner[b - 1].is_none()
            && self.owner[b - 2].is_none()
            && matches!(self.word(b - 1), "on" | "against" | "upon")
            && !DETERMINERS.contains(&self.word(b - 2));
        // A second verb after "and" past the trigger's own object takes what follows ("dismissed
        // the recording and accused Tokyo").
        let next_verb = (after + 1..start).any(|i| {
            self.owner[i].is_none()
                && self.owner[i - 1].is_none()
                && self.word(i - 1) == "and"
                && i >= after + 2
                && looks_past(self.word(i))
        });
        let clause = noun_on
            || next_verb
            || (to_from..start)
                .any(|i| self.owner[i].is_none() && (self.infinitive_at(i) || gerund(i)))
            || (after..start).any(|i| {
                self.owner[i].is_none()
                    && (SUBORDINATORS.contains(&self.word(i))
                        || (self.word(i) == "but"
                            && i > 0
                            && self.text[self.words[i - 1].span.end..self.words[i].span.start]
                                .contains(',')))
            });
        // A quotation mark between them parts the quoted words from the attribution after
        // them ("... deplores the violation,\" White House spokesman Ari Fleischer said").
        let from = match after.checked_sub(1) {
            Some(i) if i < self.words.len() => self.words[i].span.end,
            _ => self.ms[k].start,
        };
        let quoted = self
            .text
            .get(from..self.ms[k].start)
            .is_some_and(|gap| gap.contains(['"', '\u{201c}', '\u{201d}']));
        (!clause && !quoted).then_some(k)
    }

    /// Whether word `i` is the "to" of an infinitive ("allies to contain China"): a plain
    /// word follows it that starts no noun phrase, so what comes next is that verb's object.
    fn infinitive_at(&self, i: usize) -> bool {
        self.word(i) == "to"
            && i + 1 < self.words.len()
            && self.owner[i + 1].is_none()
            && !DETERMINERS.contains(&self.word(i + 1))
            && !matches!(
                self.word(i + 1),
                "both" | "all" | "each" | "other" | "its" | "these" | "those" | "some"
            )
            && !self.word(i + 1).starts_with(|c: char| c.is_ascii_digit())
    }

    /// The mention right after mention `k` and its possessive ("Japan's export curbs").
    fn possessed(&self, k: usize) -> Option<usize> {
        let n = k + 1;
        let next = self.ms.get(n)?;
        let gap = self.text.get(self.ms[k].end..next.start)?;
        let possessive = gap
            .strip_prefix("'s")
            .or_else(|| gap.strip_prefix("\u{2019}s"))
            .is_some_and(|rest| !rest.is_empty() && rest.chars().all(char::is_whitespace));
        (possessive && self.mention_words[n].start == self.mention_words[k].end).then_some(n)
    }

    /// Whether mention `k` is what talks are about rather than a party, after the trigger:
    /// "will meet in London for talks on Zimbabwe", "a summit about North Korea".
    fn talks_topic(&self, k: usize, trigger: &Range<usize>) -> bool {
        let b = self.ext_start[k];
        b >= trigger.end + 2
            && self.owner[b - 1].is_none()
            && self.owner[b - 2].is_none()
            && matches!(
                self.word(b - 1),
                "on" | "about" | "over" | "regarding" | "concerning"
            )
            && matches!(
                self.word(b - 2),
                "talks"
                    | "meeting"
                    | "meetings"
                    | "discussions"
                    | "negotiations"
                    | "dialogue"
                    | "summit"
                    | "consultations"
                    | "conference"
            )
    }

    /// Whether mention `k` is where something happened rather than a party: right after a
    /// preposition of place that the trigger does not spell ("met in France", "the G7
    /// meeting in France").
    fn placed(&self, k: usize, trigger: &Range<usize>) -> bool {
        self.ext_start[k] > trigger.end && self.at_place(k)
    }

    /// Whether mention `k`, before a trigger, is a city or a place where something happened,
    /// not an actor: a capital standing for its country ("Moscow") or a place, after a
    /// preposition of place or a verb of travel, and not a possessive ("in Seoul's view").
    /// A country's name after "in" is often a modifier ("in US policy circles") and stays.
    fn city_before(&self, k: usize) -> bool {
        let m = &self.ms[k];
        let possessive =
            self.text[m.end..].starts_with("'s") || self.text[m.end..].starts_with("\u{2019}s");
        (m.kind == AliasKind::Metonym || self.kind(k) == "place") && !possessive && self.at_place(k)
    }

    /// Whether mention `k` follows a preposition of place, or "to" after a verb of travel
    /// ("will travel to Moscow to meet Putin").
    fn at_place(&self, k: usize) -> bool {
        let before = self.ext_start[k];
        if before == 0 || self.owner[before - 1].is_some() {
            return false;
        }
        match self.word(before - 1) {
            "in" | "at" | "near" | "outside" | "inside" | "across" | "throughout" | "around" => {
                true
            }
            "to" => {
                before >= 2
                    && self.owner[before - 2].is_none()
                    && TRAVEL.contains(&self.word(before - 2))
            }
            _ => false,
        }
    }

    /// The word "by" after the trigger's verb when an active rule's verb is a passive
    /// participle: after a form of "be" or "get" (adverbs between) or a comma, and followed,
    /// within four words, by "by" that the pattern does not spell itself ("stood by" is not a
    /// passive).
    fn passive_by(&self, rule: &Rule, t: &Range<usize>) -> Option<usize> {
        let v = t.start;
        // "by" right after the verb, or after a few words of time or manner ("was condemned on
        // Monday by"), none of them a mention.
        let last = self.words.len().min(v + 5);
        let by = (v + 1..last)
            .take_while(|&i| self.owner[i].is_none())
            .find(|&i| self.word(i) == "by")?;
        if self.owner[v].is_some() || (by > v + 1 && self.word(v + 1) == "to") {
            return None;
        }
        let w = self.word(v);
        if !(looks_past(w) || w.ends_with("en") || w.ends_with("wn")) {
            return None;
        }
        if let Some(Token::Words { forms, .. }) = rule.tokens.get(1) {
            if forms.iter().any(|f| f == "by") {
                return None;
            }
        }
        // "by" and a gerund is a means, not an agent ("retaliated by restricting exports").
        let after = self.word_after(by);
        if after.len() > 4 && after.ends_with("ing") {
            return None;
        }
        // A participle right before "by" is a passive on its own, after a subject, "and" or
        // nothing ("approved by Seoul and criticised by Tokyo", "a plan backed by Washington").
        if by == v + 1 {
            return Some(by);
        }
        let mut i = v;
        for _ in 0..3 {
            if i == 0 {
                return None;
            }
            if self.text[self.words[i - 1].span.end..self.words[i].span.start].contains(',') {
                return Some(by);
            }
            i -= 1;
            if self.owner[i].is_some() {
                return None;
            }
            let a = self.word(i);
            if PASSIVE_AUXILIARIES.contains(&a) {
                return Some(by);
            }
            if !(matches!(a, "not" | "never" | "also" | "already") || looks_adverb(a)) {
                return None;
            }
        }
        None
    }

    /// The subject of an active trigger given the nearest mention `s` before it, read across
    /// the words between them: the main clause's subject when a complement clause's pronoun
    /// stands for it ("South Korea notified Japan that it would end the pact" is South Korea),
    /// none when a subordinate clause starts between them ("Support for Moon fell as the
    /// dispute with Japan dragged on").
    fn clause_subject(&self, s: usize, types: &[String], t: &Range<usize>) -> Option<usize> {
        let between = self.mention_words[s].end..t.start;
        if let Some(main) = self.conjunct_subject(Some(s), types, t) {
            return Some(main);
        }
        for i in between.clone() {
            if self.owner[i].is_some() {
                continue;
            }
            let w = self.word(i);
            let next = self.word_after(i);
            if SUBORDINATORS.contains(&w) || (w == "as" && matches!(next, "the" | "its" | "their"))
            {
                return None;
            }
            // "a resolution at the Security Council on Thursday that would have tightened
            // sanctions": the relative pronoun's antecedent is the subject, and it is no
            // mention when none stands right before it or before its head noun ("the Park
            // Chung-hee government, which ratified").
            if matches!(w, "that" | "which")
                && i > self.mention_words[s].end + 1
                && (i + 1..t.start).all(|j| {
                    self.owner[j].is_none()
                        && (matches!(
                            self.word(j),
                            "would"
                                | "will"
                                | "could"
                                | "might"
                                | "may"
                                | "has"
                                | "have"
                                | "had"
                                | "was"
                                | "is"
                                | "also"
                                | "not"
                                | "never"
                        ))
                })
            {
                return None;
            }
            if matches!(w, "it" | "he" | "she") && i > 0 && self.word(i - 1) == "that" {
                let person = w != "it";
                let main = (0..self.ms.len())
                    .filter(|&k| {
                        self.mention_words[k].end < i
                            && self.usable(k, types, t)
                            && (self.kind(k) == "person") == person
                    })
                    .min_by_key(|&k| self.mention_words[k].start);
                return Some(main.unwrap_or(s));
            }
        }
        Some(s)
    }

    /// The subject of a verb coordinated with an earlier one ("Kono called the ruling
    /// regrettable and accused South Korea of ...", "Trump has warned ... South Korea and has
    /// threatened to ..."): when "and" (auxiliaries and adverbs after it) stands right before
    /// the trigger, after the nearest mention `s` if any, that mention is an object of the first verb
    /// and the subject is the sentence's first usable mention that no preposition governs.
    /// Only the words before the trigger are read.
    fn conjunct_subject(
        &self,
        s: Option<usize>,
        types: &[String],
        t: &Range<usize>,
    ) -> Option<usize> {
        let s_end = s.map_or(0, |s| self.mention_words[s].end);
        let mut i = t.start;
        // "and has threatened to scrap": one verb before "to" is let through.
        let (mut to, mut verb) = (false, false);
        let and = loop {
            if i <= s_end {
                return None;
            }
            i -= 1;
            if self.owner[i].is_some() {
                return None;
            }
            let w = self.word(i);
            if w == "and" {
                // "And" opening the sentence joins no earlier verb.
                if i == 0 {
                    return None;
                }
                break i;
            }
            if verb {
                verb = false;
                continue;
            }
            if w == "to" && !to {
                (to, verb) = (true, true);
                continue;
            }
            if !(matches!(
                w,
                "has" | "have" | "had" | "also" | "then" | "later" | "again" | "subsequently"
            ) || looks_adverb(w))
            {
                return None;
            }
        };
        // A comma before "and" may start a new clause whose subject comes later.
        if self.text[self.words[and - 1].span.end..self.words[and].span.start].contains(',') {
            return None;
        }
        let main = (0..self.ms.len())
            .filter(|&k| {
                self.mention_words[k].end <= s.map_or(and, |_| s_end)
                    && self.usable(k, types, t)
                    && !self.agent_before(k)
                    && !self.city_before(k)
                    && !self.governed(k)
            })
            .min_by_key(|&k| self.mention_words[k].start)?;
        // A subordinate clause between them ends the main clause's reach.
        let crossed = (self.mention_words[main].end..and).any(|i| {
            self.owner[i].is_none()
                && (SUBORDINATORS.contains(&self.word(i))
                    || matches!(self.word(i), "that" | "which" | "who"))
        });
        (!crossed && Some(main) != s).then_some(main)
    }

    /// "Japan and South Korea joined Washington in sanctioning ...": when the subject `s` and
    /// the mentions coordinated with it (`group`: "joined Japan and the United States in
    /// condemning") follow a form of "join" and "in" follows them right before the trigger,
    /// the subjects of "join" act too.
    fn joined_in(
        &self,
        s: usize,
        group: &[usize],
        types: &[String],
        t: &Range<usize>,
    ) -> Few<usize> {
        let j = group
            .iter()
            .map(|&k| self.ext_start[k])
            .fold(self.ext_start[s], usize::min);
        let end = self.mention_words[s].end;
        if j == 0
            || end + 1 != t.start
            || self.owner[end].is_some()
            || self.word(end) != "in"
            || self.owner[j - 1].is_some()
            || !matches!(self.word(j - 1), "join" | "joins" | "joined" | "joining")
        {
            return Few::new();
        }
        match self.left(types, j - 1, 6, t) {
            Some(k) => self.coordinated(k, types, t),
            None => Few::new(),
        }
    }

    /// "Under pressure from Washington, Japan agreed to ...": a passive trigger after "under"
    /// (an adjective between) acts on the first mention after its agent `s` and a comma.
    fn under_object(&self, s: usize, types: &[String], t: &Range<usize>) -> Option<usize> {
        let under = |i: usize| self.owner[i].is_none() && self.word(i) == "under";
        let after_under = (t.start >= 1 && under(t.start - 1))
            || (t.start >= 2 && self.owner[t.start - 1].is_none() && under(t.start - 2));
        if !after_under {
            return None;
        }
        let end = self.mention_words[s].end;
        let k = self.right(types, end, 2, t)?;
        let comma = self.ext_start[k] > 0
            && self.text[self.ms[s].end..self.words[self.ext_start[k]].span.start].contains(',');
        comma.then_some(k)
    }

    /// Whether a preposition stands right before mention `k` ("talks with Seoul").
    fn governed(&self, k: usize) -> bool {
        let b = self.ext_start[k];
        b > 0
            && self.owner[b - 1].is_none()
            && matches!(
                self.word(b - 1),
                "with"
                    | "of"
                    | "from"
                    | "to"
                    | "for"
                    | "on"
                    | "over"
                    | "about"
                    | "against"
                    | "after"
                    | "before"
                    | "in"
                    | "at"
                    | "by"
                    | "into"
                    | "toward"
                    | "towards"
            )
    }

    /// The agent of a passive: the nearest allowed mention after word `after` (the one after
    /// "by"), within `max` words, even inside the trigger ("accused by Japan of").
    fn agent(&self, types: &[String], after: usize, max: usize) -> Option<usize> {
        (0..self.ms.len())
            .filter(|&k| {
                self.mention_words[k].start >= after
                    && self.ext_start[k].max(after) - after <= max
                    && !self.modifier[k]
                    && self.type_ok(k, types)
            })
            .min_by_key(|&k| self.mention_words[k].start)
    }

    /// How mentions `a` and `b` (the next party after `a`) are joined, if they are.
    fn joint(&self, a: usize, b: usize) -> Option<Joint> {
        let from = self.mention_words[a].end;
        let to = self.ext_start[b];
        if to < from || to - from > 4 || (from..to).any(|i| self.owner[i].is_some()) {
            return None;
        }
        let end = if to < self.mention_words[b].start {
            self.words[to].span.start
        } else {
            self.ms[b].start
        };
        let mut raw = self.text.get(self.ms[a].end..end)?;
        for apostrophe in ["'s", "\u{2019}s"] {
            if let Some(r) = raw.strip_prefix(apostrophe) {
                raw = r;
            }
        }
        let mut punct = raw
            .chars()
            .filter(|c| !c.is_alphanumeric() && !c.is_whitespace());
        let (p1, p2) = (punct.next(), punct.next());
        if p2.is_some() {
            return None;
        }
        let w = |i: usize| self.word(from + i);
        match to - from {
            0 => match p1? {
                ',' => Some(Joint::Comma),
                '&' => Some(Joint::And),
                '-' | '/' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}'
                    if !raw.chars().any(char::is_whitespace) =>
                {
                    Some(Joint::Hyphen)
                }
                _ => None,
            },
            1 if w(0) == "the" => (p1 == Some(',')).then_some(Joint::Comma),
            n => {
                let ws: [&str; 4] = std::array::from_fn(|i| if i < n { w(i) } else { "" });
                // "eight North Korean officials and a Chinese shipping firm": a demonym's noun
                // comes before the "and".
                let demonym = self.ms[a].kind == AliasKind::Demonym;
                let and = matches!(
                    ws,
                    [
                        "and" | "or" | "nor",
                        "" | "the" | "also" | "a" | "an",
                        "",
                        ""
                    ] | ["and", "also", "the", ""]
                        | ["as", "well", "as", "" | "the"]
                ) || (demonym
                    && matches!(ws, [_, "and" | "or", "" | "the" | "a" | "an", ""])
                    && !self.capitalised(from));
                (and && matches!(p1, None | Some(','))).then_some(Joint::And)
            }
        }
    }

    /// The mentions coordinated with mention `k` ("Japan and South Korea", "Tokyo, Seoul and
    /// Washington", "U.S.-Japan-South Korea"), in text order, `k` included, one per entity;
    /// only usable ones. A list ends at its "and"; commas without an "and" are an apposition.
    fn coordinated(&self, k: usize, types: &[String], trigger: &Range<usize>) -> Few<usize> {
        let ok = |j: usize| self.usable(j, types, trigger);
        let next = |i: usize| (i + 1..self.ms.len()).find(|&j| !self.modifier[j]);
        let prev = |i: usize| (0..i).rev().find(|&j| !self.modifier[j]);
        let (mut right, mut right_joints) = (Few::new(), Few::new());
        let mut i = k;
        while let Some(j) = next(i).filter(|&j| ok(j)) {
            let Some(joint) = self.joint(i, j) else { break };
            right.push(j);
            right_joints.push(joint);
            if joint == Joint::And {
                break;
            }
            i = j;
        }
        let (mut left, mut left_joints) = (Few::new(), Few::new());
        let mut i = k;
        while let Some(j) = prev(i).filter(|&j| ok(j)) {
            let Some(joint) = self.joint(j, i) else { break };
            if joint == Joint::And && !(right.is_empty() && left.is_empty()) {
                break;
            }
            left.push(j);
            left_joints.push(joint);
            i = j;
        }
        left.reverse();
        left_joints.reverse();
        let mut group = left;
        let at = group.len();
        group.push(k);
        let mut joints = left_joints;
        for (&j, &joint) in right.iter().zip(right_joints.iter()) {
            group.push(j);
            joints.push(joint);
        }
        // A headline's list without "and" ("Moon Jae-in, Shinzo Abe hold summit"): commas
        // only, from the sentence's start right up to the trigger, between different
        // entities of one type.
        let headline = || {
            let (first, last) = (group[0], group[group.len() - 1]);
            joints.iter().all(|&j| j == Joint::Comma)
                && ((self.ext_start[first] == 0
                    && self.headline_gap(self.mention_words[last].end, trigger.start))
                    || (self.headline_sentence() && !self.comma_soon_after(last)))
                && group.iter().all(|&j| self.kind(j) == self.kind(first))
                && group[1..]
                    .iter()
                    .all(|&j| self.ms[j].entity != self.ms[first].entity)
        };
        if !joints.contains(&Joint::And) && joints.contains(&Joint::Comma) && !headline() {
            // An apposition: keep only the hyphenated run around k.
            let mut lo = at;
            while lo > 0 && joints[lo - 1] == Joint::Hyphen {
                lo -= 1;
            }
            let mut hi = at;
            while hi < joints.len() && joints[hi] == Joint::Hyphen {
                hi += 1;
            }
            group.copy_within(lo..=hi, 0);
            group.truncate(hi + 1 - lo);
        }
        // One per entity, the first.
        let mut kept = 0;
        for i in 0..group.len() {
            let e = self.ms[group[i]].entity;
            if !group[..kept].iter().any(|&j| self.ms[j].entity == e) {
                group[kept] = group[i];
                kept += 1;
            }
        }
        group.truncate(kept);
        group
    }

    /// Whether a comma follows mention `k` within its next three words: an apposition
    /// closes there ("South Korea, Japan's neighbour, agreed").
    fn comma_soon_after(&self, k: usize) -> bool {
        let end = self.ms[k].end;
        let upto = (self.mention_words[k].end + 3).min(self.words.len());
        let stop = match upto.checked_sub(1) {
            Some(i) if upto > self.mention_words[k].end => self.words[i].span.end,
            _ => end,
        };
        self.text
            .get(end..stop.max(end))
            .is_some_and(|gap| gap.contains(','))
    }

    /// Whether the sentence is a headline: at most 14 words and no full stop, question or
    /// exclamation mark after its last word ("U.S. urges Japan, South Korea to mend ties",
    /// "No deal: Japan, South Korea talks end without agreement"), where a comma joins a list.
    fn headline_sentence(&self) -> bool {
        let Some(last) = self.words.last() else {
            return false;
        };
        if self.words.len() > 14 {
            return false;
        }
        let rest = &self.text[last.span.end..];
        let tail = rest.split('\n').next().unwrap_or("");
        !tail
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | ')' | ']' | '\u{201d}' | '\u{2019}')
            })
            .starts_with(['.', '!', '?', ';', ','])
    }

    /// Whether the words from `from` to the trigger at `to` let a headline's comma list reach
    /// the trigger: none, or up to three lower-case words without punctuation ("S. Korea, U.S.
    /// agree to extend ...", "Japan, China to hold talks").
    fn headline_gap(&self, from: usize, to: usize) -> bool {
        if from == to {
            return true;
        }
        if from > to || to - from > 3 {
            return false;
        }
        let gap = &self.text[self.words[from].span.start..self.words[to].span.start];
        (from..to).all(|i| self.owner[i].is_none() && !self.capitalised(i))
            && gap
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
    }

    /// "between A ... and B": the first usable mention after the "and" that follows A, when at
    /// most three words (and any mentions) stand between A and the "and", and at most an
    /// article between the "and" and B's phrase.
    fn between_partner(&self, a: usize, types: &[String], trigger: &Range<usize>) -> Option<usize> {
        let mut i = self.mention_words[a].end;
        let mut plain = 0;
        while i < self.words.len() {
            if let Some(k) = self.owner[i] {
                i = self.mention_words[k].end.max(i + 1);
                continue;
            }
            if self.word(i) == "and" {
                break;
            }
            plain += 1;
            if plain > 3 {
                return None;
            }
            i += 1;
        }
        let and = i;
        let b = (0..self.ms.len())
            .filter(|&k| self.mention_words[k].start > and && self.usable(k, types, trigger))
            .min_by_key(|&k| self.mention_words[k].start)?;
        let plain_between = (and + 1..self.ext_start[b])
            .all(|i| self.owner[i].is_none() && matches!(self.word(i), "the" | "a" | "an"));
        plain_between.then_some(b)
    }

    /// Whether the trigger's verb is a participle used as an adjective after a determiner
    /// ("the seized assets of Japanese companies"): it names no one who acted.
    fn attributive(&self, t: &Range<usize>) -> bool {
        let v = t.start;
        let w = self.word(v);
        v > 0
            && self.owner[v].is_none()
            && self.owner[v - 1].is_none()
            && w.len() >= 5
            && w.ends_with("ed")
            && matches!(
                self.word(v - 1),
                "the" | "a" | "an" | "its" | "their" | "his" | "her" | "these" | "those"
            )
    }

    /// The subject of a participle clause ("..., accusing Seoul of", "..., escalating a feud
    /// with Tokyo"): the subject of the
    /// sentence's previous statement, else the nearest allowed mention before the previous
    /// past-tense verb.
    fn participle_subject(&self, f: &Found, prev: &[(usize, usize)]) -> Option<usize> {
        let t = &f.trigger;
        let types = &f.rule.subject_types;
        // The participle is the trigger or stands up to two plain words before it
        // ("..., escalating a feud with Tokyo").
        let at = (t.start.saturating_sub(2)..=t.start).find(|&i| {
            let w = self.word(i);
            w.len() >= 5
                && w.ends_with("ing")
                && (i..=t.start).all(|j| self.owner[j].is_none())
                && i > 0
                && self.text[self.words[i - 1].span.end..self.words[i].span.start].contains(',')
        })?;
        if let Some(&(_, k)) = prev
            .iter()
            .rev()
            .find(|&&(s, k)| s < t.start && self.usable(k, types, t))
        {
            return Some(k);
        }
        let verb = (0..at)
            .rev()
            .find(|&i| self.owner[i].is_none() && looks_past(self.word(i)))?;
        self.left(types, verb, f.rule.max_distance, t)
    }

    /// How many words before the trigger a verb of intent or agreement stands that governs it
    /// through "to", adjuncts between ("Seoul and Tokyo agreed in March 2020 to resume
    /// talks"): the group before that verb is the trigger's. Zero when there is none.
    fn control_reach(&self, t: &Range<usize>) -> usize {
        let plain = |i: usize| self.owner[i].is_none();
        if t.start < 2 || !plain(t.start - 1) || self.word(t.start - 1) != "to" {
            return 0;
        }
        (t.start.saturating_sub(7)..t.start - 1)
            .rev()
            .take_while(|&i| plain(i))
            .find(|&i| {
                matches!(
                    self.word(i),
                    "agree"
                        | "agreed"
                        | "agrees"
                        | "decided"
                        | "decide"
                        | "pledged"
                        | "vowed"
                        | "promised"
                        | "planned"
                        | "plan"
                        | "plans"
                        | "hope"
                        | "hoped"
                        | "want"
                        | "wanted"
                        | "intend"
                        | "intended"
                )
            })
            .map_or(0, |i| t.start - i)
    }

    /// The subject before a relative clause or an apposition set off by commas right before
    /// the trigger (auxiliaries and adverbs between): "Washington, which relies on both allies
    /// to contain China, urged Seoul", "Kim Yo-jong, the North Korean leader's sister,
    /// denounced". The mention before the opening comma acts, not the nearest one inside.
    fn parenthetical_subject(&self, types: &[String], t: &Range<usize>) -> Option<usize> {
        let plain = |i: usize| self.owner[i].is_none();
        let comma_before = |i: usize| {
            i > 0 && self.text[self.words[i - 1].span.end..self.words[i].span.start].contains(',')
        };
        let mut j = t.start;
        // "..., responded in July 2019 by tightening controls": a gerund after "by" takes
        // the subject of the past verb that the closing comma stands before.
        if j >= 2 && plain(j - 1) && self.word(j - 1) == "by" && self.word(j).ends_with("ing") {
            if let Some(v) = (j.saturating_sub(7)..j - 1)
                .rev()
                .take_while(|&i| plain(i))
                .find(|&i| comma_before(i) && looks_past(self.word(i)))
            {
                j = v;
            }
        }
        while j > 0
            && !comma_before(j)
            && plain(j - 1)
            && (matches!(
                self.word(j - 1),
                "has" | "have" | "had" | "also" | "then" | "later" | "never" | "not" | "did"
            ) || looks_adverb(self.word(j - 1)))
        {
            j -= 1;
        }
        if !comma_before(j) {
            return None;
        }
        // The opening comma: the first one before, within a bounded clause.
        let open = (j.saturating_sub(30).max(1)..j - 1)
            .rev()
            .find(|&i| comma_before(i))?;
        let w = self.word(open);
        let opener = plain(open)
            && (matches!(
                w,
                "which" | "who" | "whose" | "the" | "a" | "an" | "one" | "its" | "his" | "her"
            ) || (w.len() >= 5 && w.ends_with("ed") && self.word_after(open) == "by"));
        // No quotation or sentence-internal stop inside it.
        let inside = &self.text[self.words[open].span.start..self.words[j - 1].span.end];
        if !opener || inside.contains(['"', '\u{201c}', '\u{201d}', ';', '(', ')']) {
            return None;
        }
        // The mention ends at the comma, or a demonym or name modifies the head noun there,
        // up to three words ("South Korean consumers, angered by the measures, shunned",
        // "Japanese trade ministry officials, who ..., said").
        let head_word = |i: usize| {
            plain(i)
                && !DETERMINERS.contains(&self.word(i))
                && !matches!(
                    self.word(i),
                    "of" | "in" | "on" | "at" | "with" | "to" | "for" | "from" | "by" | "and"
                )
        };
        let k = (0..self.ms.len()).find(|&k| {
            let end = self.mention_words[k].end;
            end <= open && open - end <= 3 && (end..open).all(head_word)
        })?;
        // "The government of Shinzo Abe, which ...": a government stands for its head.
        let b = self.ext_start[k];
        let head_of = b >= 2
            && plain(b - 1)
            && plain(b - 2)
            && self.word(b - 1) == "of"
            && matches!(
                self.word(b - 2),
                "government" | "administration" | "cabinet" | "leadership" | "regime"
            );
        (self.usable(k, types, t) && (head_of || !self.governed(k)) && !self.city_before(k))
            .then_some(k)
    }

    /// An entity named inside the mention that ends the trigger ("Japanese" in "boycott of
    /// Japanese goods"), by the dictionary's names, demonyms and metonyms.
    fn named_inside(&self, trigger: &Range<usize>, types: &[String]) -> Option<Party> {
        let k = self.owner[trigger.end - 1]?;
        let m = &self.ms[k];
        let hay = &self.text[m.start..m.end];
        let starts: Vec<usize> = self.mention_words[k]
            .clone()
            .map(|i| self.words[i].span.start - m.start)
            .collect();
        let mut names = Vec::new();
        let openings = self.dict.openings();
        for &s in &starts {
            openings.starting(&hay.as_bytes()[s..], &mut names);
        }
        names.sort_unstable();
        names.dedup();
        let mut best: Option<(u32, Range<usize>)> = None;
        for &(ei, ai) in &names {
            let e = &self.dict.entities[ei as usize];
            if ei == m.entity || !(types.is_empty() || types.contains(&e.kind)) {
                continue;
            }
            let a = &e.aliases[ai as usize];
            let longer = best.as_ref().is_none_or(|(_, r)| a.text.len() > r.len());
            if !longer {
                continue;
            }
            let exact = a.case == CaseRule::Exact;
            let hit = find_word(hay, &a.text, exact, &starts).find(|r| {
                !e.exclude.iter().any(|x| {
                    find_word(hay, x, false, &starts).any(|x| x.start < r.end && r.start < x.end)
                })
            });
            if let Some(r) = hit {
                best = Some((ei, r));
            }
        }
        best.map(|(entity, r)| Party {
            entity,
            span: m.start + r.start..m.start + r.end,
        })
    }

    /// Whether the words before the trigger undo a plan to do it: "backed down from its threat
    /// to scrap", "reversed its decision to remove", "abandoned plans to", or, when the
    /// trigger names the plan itself, "withdrew its threat to terminate".
    fn undone_before(&self, t: &Range<usize>) -> bool {
        let s = t.start;
        let plan = if PLANS.contains(&self.word(s)) {
            s
        } else if s >= 2 && self.word(s - 1) == "to" && PLANS.contains(&self.word(s - 2)) {
            s - 2
        } else {
            return false;
        };
        (plan.saturating_sub(5)..plan).any(|i| {
            self.owner[i].is_none()
                && (undoes(&|j| self.word(j), i, plan) || DROPS.contains(&self.word(i)))
        })
    }

    /// Whether the trigger's verb acts on a plan rather than on a party: a plan noun, after a
    /// determiner or none, then "to" and a verb ("abandoned its plan to end"; not "put
    /// forward a proposal to Japan").
    fn acts_on_plan(&self, t: &Range<usize>) -> bool {
        let n = self.words.len();
        let mut i = t.end;
        if i < n && self.owner[i].is_none() && DETERMINERS.contains(&self.word(i)) {
            i += 1;
        }
        i + 2 < n
            && self.owner[i].is_none()
            && PLANS.contains(&self.word(i))
            && self.word(i + 1) == "to"
            && self.owner[i + 2].is_none()
    }

    /// Whether a negator governs the trigger: walking back from it over at most three
    /// auxiliaries, adverbs or verbs like "want to" ("did not want to criticise") reaches it.
    fn negated(&self, from: usize, to: usize) -> bool {
        let mut skipped = 0;
        for i in (from..to).rev() {
            if self.owner[i].is_some() {
                return false;
            }
            let w = self.word(i);
            if NEGATORS.contains(&w) {
                return true;
            }
            if REFUSALS.contains(&w) && i + 1 < to && self.word(i + 1) == "to" {
                return true;
            }
            // "has no intention of pulling out": "of" after "intention" is let through.
            let intent_of =
                w == "of" && i > 0 && matches!(self.word(i - 1), "intention" | "intentions");
            if !transparent(w) && !intent_of {
                return false;
            }
            skipped += 1;
            if skipped > 3 {
                return false;
            }
        }
        false
    }

    /// The modality of the marker nearest the end of `range`; `nouns` only counts nouns
    /// ("strategy", "plan").
    fn modality(&self, range: Range<usize>, nouns: bool) -> Option<&'static str> {
        for i in range.rev() {
            if self.owner[i].is_some() {
                continue;
            }
            let w = self.word(i);
            let next = self.word_after(i);
            let m =
                match w {
                    "threat" | "threats" => "threatened",
                    "proposal" => "proposed",
                    "plan" | "plans" | "objective" | "strategy" | "goal" | "aim" | "intention"
                    | "intentions" => "planned",
                    "possibility" => "hypothetical",
                    // "a deal that could put Moscow at odds with": a modal before a causative
                    // verb before the subject.
                    "could" | "might" | "would"
                        if nouns
                            && matches!(
                                next,
                                "put"
                                    | "leave"
                                    | "make"
                                    | "drive"
                                    | "push"
                                    | "force"
                                    | "bring"
                                    | "pit"
                                    | "set"
                                    | "draw"
                                    | "lead"
                            ) =>
                    {
                        "hypothetical"
                    }
                    // A modal opening the sentence before its subject asks or supposes:
                    // "Could Seoul scrap GSOMIA?"
                    "could" | "might" | "may" | "would" | "will" | "should" | "can"
                        if nouns && i == 0 =>
                    {
                        "hypothetical"
                    }
                    _ if nouns => continue,
                    "threatened" | "threatens" | "threaten" | "threatening" | "warned"
                    | "warns" => "threatened",
                    "proposed" | "proposes" | "propose" | "proposing" | "suggested" | "offered" => {
                        "proposed"
                    }
                    "planned" | "planning" | "intends" | "intended" | "intend" | "will"
                    | "would" | "decided" | "announced" | "pledged" | "vowed" | "want"
                    | "wants" | "wanted" => "planned",
                    "set" | "determined" if next == "to" => "planned",
                    "could" | "might" | "if" | "unless" => "hypothetical",
                    // "May" inside a sentence is the month.
                    "may" if i == 0 || !self.capitalised(i) => "hypothetical",
                    _ => continue,
                };
            if matches!(w, "would" | "will")
                && (i.saturating_sub(10)..i).any(|j| BELIEFS.contains(&self.word(j)))
            {
                return Some("hypothetical");
            }
            return Some(m);
        }
        None
    }

    fn capitalised(&self, i: usize) -> bool {
        self.text[self.words[i].span.clone()]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    }

    fn party(&self, k: usize) -> Party {
        Party {
            entity: self.ms[k].entity,
            span: self.ms[k].start..self.ms[k].end,
        }
    }

    /// Finds the parties and flags of a matched trigger and adds its relations to `out`;
    /// returns the subject mention, if any relation was added.
    fn apply(&self, f: &Found, prev: &[(usize, usize)], out: &mut Vec<Relation>) -> Option<usize> {
        let rule = f.rule;
        let t = &f.trigger;
        let max = rule.max_distance;
        // "abandoned its plan to end GSOMIA": what the trigger acts on is the plan; the act
        // planned is a trigger of its own.
        if self.acts_on_plan(t) {
            return None;
        }
        let subjects: Few<usize>;
        let mut objects: Few<usize> = Few::new();
        let mut inner_object = None;
        let near_from: usize;
        let mut before_subject: Option<(Range<usize>, bool)> = None;
        let mut first_subject = None;
        let mut parenthetical = None;
        // An entity named inside a mention that ends the pattern is its object.
        let inner = if rule.voice == Voice::Active && rule.ends_with_mention() {
            self.named_inside(t, &rule.object_types)
        } else {
            None
        };
        // An active verb used in the passive ("was condemned by Seoul"): the agent after "by"
        // is the subject, the mention before the verb the object.
        let by = if rule.voice == Voice::Active {
            self.passive_by(rule, t)
        } else {
            None
        };
        let inner = inner.filter(|_| by.is_none());
        match rule.voice {
            Voice::Active | Voice::Passive => {
                let (s, o) = if let Some(by) = by {
                    (
                        self.agent(&rule.subject_types, by + 1, max),
                        self.patient(&rule.object_types, t.start, max, t),
                    )
                } else if rule.voice == Voice::Active && self.attributive(t) {
                    (None, None)
                } else if rule.voice == Voice::Active {
                    parenthetical = self.parenthetical_subject(&rule.subject_types, t);
                    (
                        self.participle_subject(f, prev)
                            .or(parenthetical)
                            .or_else(|| self.left(&rule.subject_types, t.start, max, t)),
                        f.slot.or_else(|| {
                            if inner.is_some() {
                                None
                            } else {
                                self.right(&rule.object_types, t.end, max, t)
                            }
                        }),
                    )
                } else {
                    let s = self.right(&rule.subject_types, t.end, max, t);
                    let o = f
                        .slot
                        .or_else(|| self.patient(&rule.object_types, t.start, max, t))
                        .or_else(|| self.under_object(s?, &rule.object_types, t));
                    (s, o)
                };
                let mut s = match s {
                    Some(s) => s,
                    // "Kono called Seoul's handling of ... regrettable on Friday and accused
                    // South Korea": the first verb's subject, however far.
                    None if by.is_none() && rule.voice == Voice::Active => {
                        self.conjunct_subject(None, &rule.subject_types, t)?
                    }
                    None => return None,
                };
                if by.is_none() && rule.voice == Voice::Active && parenthetical != Some(s) {
                    s = self.clause_subject(s, &rule.subject_types, t)?;
                }
                first_subject = Some(s);
                match o {
                    Some(o) => objects = self.coordinated(o, &rule.object_types, t),
                    None => inner_object = Some(inner?),
                }
                let mut group = self.coordinated(s, &rule.subject_types, t);
                if by.is_none() && rule.voice == Voice::Active {
                    let joined = self.joined_in(s, &group, &rule.subject_types, t);
                    for k in joined.iter() {
                        if !group.contains(k) {
                            group.push(*k);
                        }
                    }
                }
                let left_end = group
                    .iter()
                    .map(|&k| self.mention_words[k].end)
                    .filter(|&e| e <= t.start)
                    .max()
                    .unwrap_or(0);
                near_from = left_end.max(t.start.saturating_sub(6));
                if rule.voice == Voice::Active && by.is_none() {
                    if let Some(first) = group
                        .iter()
                        .map(|&k| self.mention_words[k].start)
                        .filter(|&s| s < t.start)
                        .min()
                    {
                        before_subject = Some((first.saturating_sub(3)..first, true));
                    }
                }
                subjects = group;
            }
            Voice::Mutual => {
                let mut group = Few::new();
                let mut on_left = false;
                if rule.side != Side::Right {
                    // "The Philippines and Vietnam, both locked in disputes with China": a
                    // partner after "with" is the other side, not one of the group.
                    let with_partner = t.end < self.words.len()
                        && self.owner[t.end].is_none()
                        && self.word(t.end) == "with"
                        && self.right(&rule.subject_types, t.end + 1, 3, t).is_some();
                    if let Some(k) = self
                        .left(&rule.subject_types, t.start, max + self.control_reach(t), t)
                        .filter(|_| !with_partner)
                    {
                        let g = self.coordinated(k, &rule.subject_types, t);
                        if g.len() >= 2 {
                            group = g;
                            on_left = true;
                        }
                    }
                }
                if group.is_empty() && rule.side != Side::Left {
                    if let Some(k) = self.right(&rule.subject_types, t.end, max, t) {
                        let mut g = self.coordinated(k, &rule.subject_types, t);
                        if g.len() < 2 && self.word(t.end - 1) == "between" {
                            if let Some(b) = self.between_partner(k, &rule.subject_types, t) {
                                g.push(b);
                            }
                        }
                        if g.len() >= 2 {
                            group = g;
                        }
                    }
                }
                if group.is_empty() {
                    return None;
                }
                if on_left {
                    let first = self.mention_words[group[0]].start;
                    near_from = group
                        .iter()
                        .map(|&k| self.mention_words[k].end)
                        .max()
                        .unwrap_or(first);
                    before_subject = Some((first.saturating_sub(6)..first, false));
                } else {
                    near_from = t.start.saturating_sub(6);
                }
                subjects = group;
            }
        }
        // What someone is urged to do ("urged Tokyo and Seoul to hold talks") is not stated.
        if by.is_none() && rule.voice != Voice::Passive {
            if let Some(first) = subjects
                .iter()
                .map(|&k| self.ext_start[k])
                .filter(|&s| s < t.start)
                .min()
            {
                let urged = (first.saturating_sub(2)..first).any(|i| {
                    self.owner[i].is_none()
                        && (URGING.contains(&self.word(i))
                            || (matches!(self.word(i), "on" | "upon")
                                && i > 0
                                && matches!(
                                    self.word(i - 1),
                                    "call" | "calls" | "called" | "calling"
                                )))
                });
                // "ask the Supreme Court, which in 2018 ordered Nippon Steel to compensate": the
                // trigger is in a relative clause of the one asked, and stated.
                let relative = || {
                    let last = subjects
                        .iter()
                        .map(|&k| self.mention_words[k].end)
                        .max()
                        .unwrap_or(first);
                    (last..t.start)
                        .any(|i| self.owner[i].is_none() && matches!(self.word(i), "which" | "who"))
                };
                if urged && !relative() {
                    return None;
                }
            }
        }
        // A question ("whether Seoul will scrap GSOMIA") states nothing.
        let lead = subjects
            .iter()
            .chain(objects.iter())
            .map(|&k| self.ext_start[k])
            .filter(|&s| s < t.start)
            .min()
            .unwrap_or(t.start);
        if (lead.saturating_sub(3)..t.start)
            .any(|i| self.owner[i].is_none() && self.word(i) == "whether")
        {
            return None;
        }
        // "Neither Seoul nor Tokyo has criticised ...": the negation stands before the subjects.
        let neither = rule.voice == Voice::Active
            && by.is_none()
            && subjects
                .iter()
                .map(|&k| self.ext_start[k])
                .filter(|&s| s < t.start)
                .min()
                .is_some_and(|s| {
                    s > 0 && self.owner[s - 1].is_none() && self.word(s - 1) == "neither"
                });
        // A negator or a refusal inside the trigger ("has refused to hold talks with", where
        // the gap of "has *3 talks" spans the refusal) negates it too.
        // "sided with neither Tokyo nor Seoul": the negation stands before the objects.
        let neither_object = objects
            .iter()
            .map(|&k| self.ext_start[k])
            .min()
            .is_some_and(|s| {
                s > t.end.saturating_sub(1)
                    && s > 0
                    && self.owner[s - 1].is_none()
                    && self.word(s - 1) == "neither"
            });
        let negated = neither
            || neither_object
            || self.negated(near_from, t.start)
            || t.clone().any(|i| {
                NEGATORS.contains(&self.word(i))
                    || (REFUSALS.contains(&self.word(i))
                        && i + 1 < t.end
                        && self.word(i + 1) == "to")
            });
        let modality = self
            .modality(near_from..t.start, false)
            .or(rule.modality.as_deref())
            .or_else(|| before_subject.and_then(|(r, nouns)| self.modality(r, nouns)))
            .unwrap_or("asserted");
        // The rest of the sentence says the act was undone: the last word saying so, read from
        // the end as far back as needed, comes after the trigger.
        let reversed = {
            let (mut from, mut found) = self.undoing.get();
            let n = self.words.len();
            while found.is_none() && from > t.end {
                from -= 1;
                if undoes(&|i| self.word(i), from, n) {
                    found = Some(from);
                }
            }
            self.undoing.set((from, found));
            found.is_some_and(|i| i >= t.end) || self.undone_before(t)
        };
        let trigger = self.words[t.start].span.start..self.words[t.end - 1].span.end;
        let before = out.len();
        let mut emit = |s: &Party, o: &Party| {
            let (s, o) = if f.symmetric && o.entity < s.entity {
                (o, s)
            } else {
                (s, o)
            };
            if s.entity == o.entity {
                return;
            }
            out.push(Relation {
                subject: s.entity,
                object: o.entity,
                attrs: RelationAttrs {
                    relation: rule.relation.clone(),
                    negated,
                    modality: modality.to_string(),
                    reversed,
                },
                rule: f.index,
                sentence: f.sentence,
                subject_span: s.span.clone(),
                object_span: o.span.clone(),
                trigger: trigger.clone(),
            });
        };
        if rule.voice == Voice::Mutual {
            for (i, &a) in subjects.iter().enumerate() {
                for &b in &subjects[i + 1..] {
                    emit(&self.party(a), &self.party(b));
                }
            }
        } else {
            for &s in subjects.iter() {
                let s = self.party(s);
                match &inner_object {
                    Some(o) => emit(&s, o),
                    None => {
                        for &o in objects.iter() {
                            emit(&s, &self.party(o));
                        }
                    }
                }
            }
        }
        first_subject.filter(|_| out.len() > before)
    }
}

/// The byte ranges where `needle` occurs in `hay` as whole words starting at one of
/// `starts` (ASCII case ignored unless `exact`).
fn find_word<'h>(
    hay: &'h str,
    needle: &'h str,
    exact: bool,
    starts: &'h [usize],
) -> impl Iterator<Item = Range<usize>> + 'h {
    let first = needle.as_bytes().first().copied();
    starts.iter().filter_map(move |&i| {
        let b = hay.as_bytes()[i];
        let start = if exact {
            Some(b) == first
        } else {
            first.is_some_and(|f| f.eq_ignore_ascii_case(&b))
        };
        if !start {
            return None;
        }
        let end = i + needle.len();
        let cand = hay.get(i..end)?;
        let same = if exact {
            cand == needle
        } else {
            cand.eq_ignore_ascii_case(needle)
        };
        let open = !hay[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        let close = !hay[end..].chars().next().is_some_and(char::is_alphanumeric);
        (same && open && close).then_some(i..end)
    })
}

/// When the sentence after one with relations opens with their subject, or with a pronoun
/// standing for the sentence's first subject, and says within a few words that it backed
/// down, those relations are reversed ("Seoul announced it would terminate GSOMIA. It later
/// backed down ...").
fn reversed_next(
    doc: &Document,
    tagged: &TaggedDocument,
    sentence: u32,
    rest: &[Mention],
    found: &mut [Relation],
    scratch: &mut Scratch,
) {
    let s = sentence as usize;
    let (Some(this), Some(next)) = (tagged.sentences.get(s), tagged.sentences.get(s + 1)) else {
        return;
    };
    if this.paragraph != next.paragraph || found.is_empty() {
        return;
    }
    let n = rest
        .iter()
        .take_while(|m| m.sentence as usize == s + 1)
        .count();
    let ms = &rest[..n];
    // The sentence's buffers are free again: its relations are made.
    let Scratch {
        words,
        lower,
        owner,
        ..
    } = scratch;
    // Every word or pair of words saying an act was undone has one of these in it: an ASCII
    // sentence without them is not read.
    let text = &doc.text[next.span.clone()];
    if text.is_ascii() {
        lower.clear();
        lower.push_str(text);
        lower.make_ascii_lowercase();
        if !UNDOING_STEMS.iter().any(|stem| lower.contains(stem)) {
            return;
        }
    }
    tokenize(&doc.text, next.span.clone(), ms, words, lower, owner, 24);
    let (words, lower) = (&*words, &*lower);
    let word = |i: usize| &lower[words[i].lower.clone()];
    let mut i = 0;
    while i < words.len() && OPENERS.contains(&word(i)) {
        i += 1;
    }
    if i >= words.len() {
        return;
    }
    let (referent, after) = if matches!(word(i), "it" | "they" | "he" | "she") {
        let first = found.iter().min_by_key(|r| r.subject_span.start);
        (first.map(|r| r.subject), i + 1)
    } else if let Some(m) = ms.iter().find(|m| m.start == words[i].span.start) {
        let end = words.partition_point(|w| w.span.start < m.end);
        (Some(m.entity), end)
    } else {
        (None, i)
    };
    let Some(referent) = referent else { return };
    if is_reversed(word, after..words.len().min(after + 8)) {
        for r in found.iter_mut().filter(|r| r.subject == referent) {
            r.attrs.reversed = true;
        }
    }
}

/// A part of every word or pair of words that says an act was undone ([`undoes`]).
const UNDOING_STEMS: &[&str] = &["back", "revers", "course", "turn", "rescind", "reinstat"];

/// Words too common in news to tell which rules can match a sentence.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "on", "upon", "with", "by", "in", "to", "at", "for", "from", "against",
    "and", "or", "as", "into", "between", "its", "their", "behind",
];

/// Words that may open a sentence before its subject.
const OPENERS: &[&str] = &[
    "but",
    "however",
    "then",
    "later",
    "eventually",
    "yet",
    "still",
    "ultimately",
    "finally",
];

const NEGATORS: &[&str] = &[
    "not",
    "never",
    "no",
    "didn't",
    "don't",
    "doesn't",
    "won't",
    "wouldn't",
    "isn't",
    "wasn't",
    "aren't",
    "weren't",
    "hasn't",
    "haven't",
    "hadn't",
    "can't",
    "cannot",
    "couldn't",
    "shouldn't",
    "neither",
    "nor",
];

/// Verbs whose object is asked to act: what it is asked to do is not stated.
const URGING: &[&str] = &[
    "urge",
    "urges",
    "urged",
    "urging",
    "press",
    "presses",
    "pressed",
    "pressing",
    "pressure",
    "pressures",
    "pressured",
    "pressuring",
    "push",
    "pushes",
    "pushed",
    "pushing",
    "encourage",
    "encourages",
    "encouraged",
    "encouraging",
    "ask",
    "asks",
    "asked",
    "asking",
];

/// Forms of "be" and "get" before a passive participle.
const PASSIVE_AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "get", "gets", "got", "gotten", "getting",
];

/// Verbs that negate the verb after "to" ("refused to criticise").
const REFUSALS: &[&str] = &[
    "refuse",
    "refuses",
    "refused",
    "refusing",
    "decline",
    "declines",
    "declined",
    "declining",
    "fail",
    "fails",
    "failed",
    "failing",
    "refusal",
    "refusals",
];

/// Words a negator reaches its verb across: auxiliaries, particles, some adverbs and verbs
/// that pass the negation on ("did not want to criticise").
#[rustfmt::skip]
const TRANSPARENT: &[&str] = &[
    "to", "be", "been", "being", "have", "has", "had", "is", "are", "was", "were", "am", "will",
    "would", "shall", "should", "can", "could", "may", "might", "must", "do", "does", "did", "even",
    "ever", "yet", "also", "still", "further", "longer", "now", "then", "always", "again", "too",
    "so", "want", "wants", "wanted", "try", "tries", "tried", "plan", "plans", "planned", "intend",
    "intends", "intended", "intention", "intentions", "seek", "seeks", "sought", "going", "able",
    "willing", "expected", "likely", "agree", "agreed", "seem", "seems", "seemed", "appear",
    "appears", "appeared",
];

/// Words ending in -ly that are not adverbs.
const NOT_ADVERBS: &[&str] = &[
    "rally", "italy", "family", "supply", "apply", "reply", "july", "assembly", "anomaly",
];

/// Whether a word looks like an adverb in -ly ("quietly", "formally"), not "Italy" or "July".
fn looks_adverb(w: &str) -> bool {
    w.len() >= 5 && w.ends_with("ly") && !NOT_ADVERBS.contains(&w)
}

fn transparent(w: &str) -> bool {
    TRANSPARENT.contains(&w) || looks_adverb(w)
}

/// Verbs of belief: "would" after them is a guess, not a plan.
const BELIEFS: &[&str] = &[
    "thought",
    "think",
    "thinks",
    "believed",
    "believe",
    "believes",
    "expected",
    "expect",
    "expects",
    "hoped",
    "hope",
    "hopes",
    "assumed",
    "assume",
    "assumes",
    "predicted",
    "predict",
    "predicts",
    "imagined",
    "reckoned",
    "felt",
];

/// Common irregular past tenses (regular ones end in -ed).
const PAST_IRREGULAR: &[&str] = &[
    "met",
    "held",
    "took",
    "made",
    "struck",
    "gave",
    "kept",
    "left",
    "said",
    "told",
    "sent",
    "brought",
    "sought",
    "fought",
    "sold",
    "bought",
    "paid",
    "stood",
    "led",
    "won",
    "sat",
    "began",
    "chose",
    "spoke",
    "wrote",
    "drove",
    "withdrew",
    "broke",
    "upheld",
    "undertook",
    "was",
    "were",
    "had",
    "did",
    "put",
    "set",
    "cut",
];

fn looks_past(w: &str) -> bool {
    (w.len() >= 5 && w.ends_with("ed")) || PAST_IRREGULAR.contains(&w)
}

/// Whether the words in `range` say an act was undone.
fn is_reversed<'w>(word: impl Fn(usize) -> &'w str, range: Range<usize>) -> bool {
    range.clone().any(|i| undoes(&word, i, range.end))
}

/// Whether the words at `i` say an act was undone, reading no further than `end`.
fn undoes<'w>(word: &impl Fn(usize) -> &'w str, i: usize, end: usize) -> bool {
    let w = word(i);
    let next = if i + 1 < end { word(i + 1) } else { "" };
    matches!(
        (w, next),
        ("backed" | "back" | "backs" | "backing", "down")
            | ("reverse" | "reversed" | "reverses" | "reversing", "course")
            | ("walked", "back")
            | ("changed", "course")
            | ("u", "turn")
    ) || matches!(
        w,
        "reversed" | "rescinded" | "reinstated" | "reinstate" | "reinstating"
    )
}

#[cfg(test)]
mod tests;
