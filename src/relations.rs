//! Stated relations: what the text says one entity did to another.
//!
//! This module owns the relation rules ([`RuleSet`], loaded from `data/relations.json` and
//! users' files), their matching inside a sentence ([`RuleSet::extract`]) and its output
//! ([`Relation`], [`RelationKey`]). It runs after the tagger and before the graph: it reads
//! mentions, never finds them.
//!
//! A rule names a relation type, a trigger pattern, the entity types allowed as subject and
//! object, and a voice. The pattern is a sequence of words separated by spaces:
//!
//! | token | matches |
//! |---|---|
//! | `word` | the word, in any case |
//! | `a\|b` | either word |
//! | `word~` | the word's inflections: `impose~` is impose, imposes, imposed, imposing |
//! | `[a\|b]` | optionally one of the words |
//! | `*N` | up to N words of anything |
//!
//! In the `active` voice the subject is the nearest allowed mention left of the trigger and
//! the object the nearest allowed mention right of it; `passive` swaps them ("was signed
//! by"); `mutual` takes both from one side ("Japan and South Korea signed", "talks between
//! Japan and South Korea"). Mentions joined by "and", "or" or commas are coordinated: each
//! gives its own relation. A trigger never matches inside a mention.
//!
//! Flags come from the words before the trigger (back to the subject, at most six words):
//! `negated` ("not", "never", "refused to", ...), `modality` (`threatened`, `proposed`,
//! `planned`, `hypothetical`, else the rule's own, else `asserted`), and from the rest of the
//! sentence `reversed` ("backed down", "reversed course", "only to reinstate").

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde_json::Value;

use crate::corpus::Document;
use crate::dictionary::Dictionary;
use crate::error::{Error, Location, Result};
use crate::graph::RelationAttrs;
use crate::tagger::TaggedDocument;

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

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// Any of these lower-case forms.
    Words { forms: Vec<String>, optional: bool },
    /// Up to N words of anything.
    Gap(usize),
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
    /// The modality the trigger itself carries ("threatened to withdraw"), if any.
    pub modality: Option<String>,
    /// Most words between the trigger and a subject or object.
    pub max_distance: usize,
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

/// A validated set of rules and the relation vocabulary.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// The rules, in load order.
    pub rules: Vec<Rule>,
    /// The vocabulary, sorted by id.
    pub types: Vec<RelationType>,
    /// Rule indices by the forms their first word can take; rules starting with an optional
    /// word or a gap are under "".
    by_first: HashMap<String, Vec<u32>>,
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
    } else {
        out.push(format!("{w}ed"));
        out.push(format!("{w}ing"));
    }
    out.sort();
    out.dedup();
    out
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
        let (inner, optional) = match raw.strip_prefix('[') {
            Some(rest) => (
                rest.strip_suffix(']')
                    .ok_or_else(|| format!("unclosed [ in {raw:?}"))?,
                true,
            ),
            None => (raw, false),
        };
        let mut forms = Vec::new();
        for alt in inner.split('|') {
            let (word, inflect) = match alt.strip_suffix('~') {
                Some(w) => (w, true),
                None => (alt, false),
            };
            let word = word.replace('\u{2019}', "'");
            if word.is_empty()
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
        tokens.push(Token::Words { forms, optional });
    }
    if !tokens.iter().any(|t| {
        matches!(
            t,
            Token::Words {
                optional: false,
                ..
            }
        )
    }) {
        return Err("a pattern needs at least one required word".into());
    }
    if matches!(tokens.last(), Some(Token::Gap(_))) || matches!(tokens.first(), Some(Token::Gap(_)))
    {
        return Err("a pattern cannot start or end with a gap".into());
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
                let rule = self.parse_rule(r).map_err(|(p, m)| {
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
        let voice = match o.get("voice").and_then(Value::as_str).unwrap_or("active") {
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
            Some(v) => v.as_u64().filter(|n| (1..=40).contains(n)).ok_or_else(|| {
                (
                    "max_distance".to_string(),
                    "expected a number from 1 to 40".to_string(),
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
            modality,
            max_distance,
        })
    }

    fn index(&mut self) {
        self.by_first.clear();
        for (i, r) in self.rules.iter().enumerate() {
            match &r.tokens[0] {
                Token::Words {
                    forms,
                    optional: false,
                } => {
                    for f in forms {
                        self.by_first.entry(f.clone()).or_default().push(i as u32);
                    }
                }
                _ => self
                    .by_first
                    .entry(String::new())
                    .or_default()
                    .push(i as u32),
            }
        }
    }

    /// Checks that every entity type a rule names exists in the dictionary.
    pub fn check_types(&self, dict: &Dictionary) -> Result<()> {
        for r in &self.rules {
            for t in r.subject_types.iter().chain(&r.object_types) {
                let known = crate::dictionary::BUILTIN_TYPES.contains(&t.as_str())
                    || dict.types.contains(t);
                if !known {
                    return Err(Error::dictionary(
                        Location::file(format!("rule {:?}", r.id)),
                        format!("unknown entity type {t:?}"),
                    ));
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
        let mut i = 0;
        let ms = &tagged.mentions;
        while i < ms.len() {
            let sentence = ms[i].sentence;
            let mut j = i;
            while j < ms.len() && ms[j].sentence == sentence {
                j += 1;
            }
            if ms[i..j].iter().any(|m| m.entity != ms[i].entity) {
                self.extract_sentence(doc, tagged, dict, i..j, &mut out);
            }
            i = j;
        }
        out
    }

    fn extract_sentence(
        &self,
        doc: &Document,
        tagged: &TaggedDocument,
        dict: &Dictionary,
        mentions: Range<usize>,
        out: &mut Vec<Relation>,
    ) {
        let ms = &tagged.mentions[mentions.clone()];
        let sentence = ms[0].sentence;
        let span = tagged.sentences[sentence as usize].span.clone();
        let words = tokenize(&doc.text, span.clone());
        // Which mention (index into ms) each word belongs to, if any.
        let owner: Vec<Option<usize>> = words
            .iter()
            .map(|w| {
                ms.iter()
                    .position(|m| m.start <= w.span.start && w.span.end <= m.end)
            })
            .collect();
        // Word index range of each mention.
        let mention_words: Vec<Range<usize>> = (0..ms.len())
            .map(|k| {
                let first = owner.iter().position(|o| *o == Some(k));
                let last = owner.iter().rposition(|o| *o == Some(k));
                match (first, last) {
                    (Some(a), Some(b)) => a..b + 1,
                    // A mention with no word (all punctuation): place it by offset.
                    _ => {
                        let p = words.partition_point(|w| w.span.start < ms[k].start);
                        p..p
                    }
                }
            })
            .collect();
        let start_len = out.len();
        for start in 0..words.len() {
            if owner[start].is_some() {
                continue;
            }
            let candidates = self
                .by_first
                .get(words[start].text.as_str())
                .into_iter()
                .flatten()
                .chain(self.by_first.get("").into_iter().flatten());
            for &ri in candidates {
                let rule = &self.rules[ri as usize];
                let Some(end) = match_tokens(&rule.tokens, &words, &owner, start) else {
                    continue;
                };
                if end <= start {
                    continue;
                }
                self.apply(
                    rule,
                    ri,
                    doc,
                    dict,
                    ms,
                    &words,
                    &mention_words,
                    start..end,
                    sentence,
                    out,
                );
            }
        }
        // A trigger inside a longer one for the same pair is the same statement
        // ("terminate" in "threatened to terminate"): the longer trigger wins.
        let found = out[start_len..].to_vec();
        out.truncate(start_len);
        // A verb followed by "to" and another trigger for the same pair ("proposed to cut")
        // only gives that trigger its modality.
        let same_pair = |a: &Relation, b: &Relation| {
            (a.subject, a.object) == (b.subject, b.object)
                || (a.subject, a.object) == (b.object, b.subject)
        };
        let text = &doc.text;
        out.extend(
            found
                .iter()
                .filter(|r| {
                    !found.iter().any(|o| {
                        same_pair(o, r)
                            && o.trigger != r.trigger
                            && ((o.trigger.start <= r.trigger.start
                                && r.trigger.end <= o.trigger.end)
                                || (o.trigger.start > r.trigger.end
                                    && text[r.trigger.end..o.trigger.start]
                                        .trim()
                                        .eq_ignore_ascii_case("to")))
                    })
                })
                .cloned(),
        );
        // One statement per (subject, object, relation) in a sentence: the first trigger wins.
        let mut seen = std::collections::HashSet::new();
        let mut k = start_len;
        while k < out.len() {
            let key = (out[k].subject, out[k].object, out[k].attrs.relation.clone());
            if seen.insert(key) {
                k += 1;
            } else {
                out.remove(k);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        rule: &Rule,
        ri: u32,
        doc: &Document,
        dict: &Dictionary,
        ms: &[crate::tagger::Mention],
        words: &[Word],
        mention_words: &[Range<usize>],
        trigger: Range<usize>,
        sentence: u32,
        out: &mut Vec<Relation>,
    ) {
        let type_ok = |k: usize, types: &[String]| {
            types.is_empty()
                || types
                    .iter()
                    .any(|t| *t == dict.entities[ms[k].entity as usize].kind)
        };
        // Nearest allowed mention on each side, within the distance, then its coordination.
        let left = |types: &[String]| -> Option<usize> {
            (0..ms.len())
                .filter(|&k| {
                    mention_words[k].end <= trigger.start
                        && trigger.start - mention_words[k].end <= rule.max_distance
                })
                .filter(|&k| type_ok(k, types))
                .max_by_key(|&k| mention_words[k].end)
        };
        let right = |types: &[String]| -> Option<usize> {
            (0..ms.len())
                .filter(|&k| {
                    mention_words[k].start >= trigger.end
                        && mention_words[k].start - trigger.end <= rule.max_distance
                })
                .filter(|&k| type_ok(k, types))
                .min_by_key(|&k| mention_words[k].start)
        };
        let (subjects, objects): (Vec<usize>, Vec<usize>) = match rule.voice {
            Voice::Active | Voice::Passive => {
                let (s, o) = if rule.voice == Voice::Active {
                    (left(&rule.subject_types), right(&rule.object_types))
                } else {
                    (right(&rule.subject_types), left(&rule.object_types))
                };
                let (Some(s), Some(o)) = (s, o) else { return };
                (
                    coordinated(doc, ms, s, &rule.subject_types, dict),
                    coordinated(doc, ms, o, &rule.object_types, dict),
                )
            }
            Voice::Mutual => {
                let group = left(&rule.subject_types)
                    .map(|k| coordinated(doc, ms, k, &rule.subject_types, dict))
                    .filter(|g| g.len() >= 2)
                    .or_else(|| {
                        right(&rule.subject_types)
                            .map(|k| coordinated(doc, ms, k, &rule.subject_types, dict))
                    })
                    .unwrap_or_default();
                if group.len() < 2 {
                    return;
                }
                (vec![group[0]], group[1..].to_vec())
            }
        };
        // Flags from the words between the subject side and the trigger.
        let subject_end = subjects
            .iter()
            .map(|&k| mention_words[k].end)
            .filter(|&e| e <= trigger.start)
            .max()
            .unwrap_or(0);
        let from = subject_end.max(trigger.start.saturating_sub(6));
        let before: Vec<&str> = words[from..trigger.start]
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        let trigger_words: Vec<&str> = words[trigger.clone()]
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        let negated = is_negated(&before) || trigger_words.iter().any(|w| NEGATORS.contains(w));
        let modality = modality_of(&before)
            .map(str::to_string)
            .or_else(|| rule.modality.clone())
            .unwrap_or_else(|| "asserted".into());
        let after: Vec<&str> = words[trigger.end..]
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        let reversed = is_reversed(&after);
        let trigger_span = words[trigger.start].span.start..words[trigger.end - 1].span.end;
        let symmetric = self.symmetric(&rule.relation);
        for &s in &subjects {
            for &o in &objects {
                let (mut s, mut o) = (s, o);
                if ms[s].entity == ms[o].entity {
                    continue;
                }
                if symmetric && ms[o].entity < ms[s].entity {
                    std::mem::swap(&mut s, &mut o);
                }
                out.push(Relation {
                    subject: ms[s].entity,
                    object: ms[o].entity,
                    attrs: RelationAttrs {
                        relation: rule.relation.clone(),
                        negated,
                        modality: modality.clone(),
                        reversed,
                    },
                    rule: ri,
                    sentence,
                    subject_span: ms[s].start..ms[s].end,
                    object_span: ms[o].start..ms[o].end,
                    trigger: trigger_span.clone(),
                });
            }
        }
    }
}

/// A word of a sentence, lower-cased, with its byte span in the document.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    span: Range<usize>,
}

/// Splits a sentence into words: runs of letters and digits, with apostrophes inside
/// ("didn't", "Japan's") kept and curly apostrophes made straight.
fn tokenize(text: &str, span: Range<usize>) -> Vec<Word> {
    let s = &text[span.clone()];
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let inside = c.is_alphanumeric()
            || ((c == '\'' || c == '\u{2019}')
                && start.is_some()
                && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric()));
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(b)) => {
                out.push(Word {
                    text: s[b..i].to_lowercase().replace('\u{2019}', "'"),
                    span: span.start + b..span.start + i,
                });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(b) = start {
        out.push(Word {
            text: s[b..].to_lowercase().replace('\u{2019}', "'"),
            span: span.start + b..span.end,
        });
    }
    out
}

/// Matches a pattern at word `at`; returns the end (exclusive) of the match. Words inside
/// mentions never match a pattern word, and gaps do not cross mentions.
fn match_tokens(
    tokens: &[Token],
    words: &[Word],
    owner: &[Option<usize>],
    at: usize,
) -> Option<usize> {
    fn go(tokens: &[Token], words: &[Word], owner: &[Option<usize>], at: usize) -> Option<usize> {
        let Some((first, rest)) = tokens.split_first() else {
            return Some(at);
        };
        match first {
            Token::Words { forms, optional } => {
                if at < words.len()
                    && owner[at].is_none()
                    && forms.iter().any(|f| *f == words[at].text)
                {
                    if let Some(end) = go(rest, words, owner, at + 1) {
                        return Some(end);
                    }
                }
                if *optional {
                    go(rest, words, owner, at)
                } else {
                    None
                }
            }
            Token::Gap(n) => {
                for skip in 0..=*n {
                    if at + skip > words.len() || (skip > 0 && owner[at + skip - 1].is_some()) {
                        break;
                    }
                    if let Some(end) = go(rest, words, owner, at + skip) {
                        return Some(end);
                    }
                }
                None
            }
        }
    }
    go(tokens, words, owner, at)
}

/// The mentions coordinated with mention `k` ("Japan and South Korea", "Tokyo, Seoul and
/// Washington"), in text order, `k` included; only those of the allowed types.
fn coordinated(
    doc: &Document,
    ms: &[crate::tagger::Mention],
    k: usize,
    types: &[String],
    dict: &Dictionary,
) -> Vec<usize> {
    let joins = |a: usize, b: usize| {
        let between = doc.text[ms[a].end..ms[b].start].trim().to_lowercase();
        let between = between.strip_prefix("'s").unwrap_or(&between).trim();
        matches!(
            between,
            "and"
                | "or"
                | ","
                | ", and"
                | ",and"
                | "and the"
                | ", and the"
                | "as well as"
                | "and also"
                | "&"
                | "-"
        )
    };
    let type_ok = |k: usize| {
        types.is_empty()
            || types
                .iter()
                .any(|t| *t == dict.entities[ms[k].entity as usize].kind)
    };
    let mut lo = k;
    while lo > 0 && joins(lo - 1, lo) && type_ok(lo - 1) {
        lo -= 1;
    }
    let mut hi = k;
    while hi + 1 < ms.len() && joins(hi, hi + 1) && type_ok(hi + 1) {
        hi += 1;
    }
    let mut group: Vec<usize> = (lo..=hi).collect();
    group.dedup_by_key(|&mut i| ms[i].entity);
    group
}

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

fn is_negated(before: &[&str]) -> bool {
    before.iter().any(|w| NEGATORS.contains(w))
        || before.windows(2).any(|p| {
            matches!(
                p[0],
                "refused" | "refuses" | "refusing" | "declined" | "declines" | "failed" | "fails"
            ) && p[1] == "to"
                || (p[0] == "no" && p[1] == "longer")
        })
}

fn modality_of(before: &[&str]) -> Option<&'static str> {
    // The word nearest the trigger decides.
    for (i, w) in before.iter().enumerate().rev() {
        let next = before.get(i + 1).copied().unwrap_or("");
        let m = match *w {
            "threatened" | "threatens" | "threaten" | "threatening" | "threat" | "warned"
            | "warns" => "threatened",
            "proposed" | "proposes" | "propose" | "proposing" | "proposal" | "suggested"
            | "offered" => "proposed",
            "planned" | "plans" | "plan" | "planning" | "intends" | "intended" | "will"
            | "would" | "decided" | "announced" | "pledged" | "vowed" | "set"
                if *w != "set" || next == "to" =>
            {
                "planned"
            }
            "could" | "might" | "may" | "if" | "unless" | "possibility" => "hypothetical",
            _ => continue,
        };
        return Some(m);
    }
    None
}

fn is_reversed(after: &[&str]) -> bool {
    after.windows(2).any(|p| {
        matches!(
            (p[0], p[1]),
            ("backed", "down")
                | ("back", "down")
                | ("reversed", "course")
                | ("reversed", "its")
                | ("walked", "back")
                | ("changed", "course")
                | ("u-turn", _)
                | ("rescinded", _)
        )
    }) || after.iter().any(|w| {
        matches!(
            *w,
            "reversed" | "rescinded" | "reinstated" | "reinstate" | "u-turn"
        )
    })
}

#[cfg(test)]
mod tests;
