//! Dictionary coverage: how well a dictionary fits a corpus.
//!
//! This module owns [`Coverage`], which collects, document by document, which surface forms of
//! the dictionary matched and which capitalised phrases of the text matched nothing (the
//! candidates an analyst may want to add). It reads tagged documents; it does not tag.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::corpus::Document;
use crate::dictionary::{AliasKind, Dictionary, case_variants};
use crate::tagger::TaggedDocument;

/// Words that open sentences or join names but are not names on their own.
const STOP: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "As",
    "If",
    "But",
    "And",
    "Or",
    "It",
    "Its",
    "This",
    "That",
    "These",
    "Those",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "His",
    "Her",
    "Their",
    "Our",
    "My",
    "Your",
    "When",
    "While",
    "After",
    "Before",
    "Since",
    "For",
    "With",
    "From",
    "By",
    "To",
    "Of",
    "However",
    "Still",
    "Yet",
    "So",
    "Then",
    "There",
    "Here",
    "What",
    "Who",
    "Why",
    "How",
    "Which",
    "Where",
    "Both",
    "All",
    "Many",
    "Most",
    "Some",
    "Such",
    "Despite",
    "Through",
    "Under",
    "Between",
    "Even",
    "Also",
    "Indeed",
    "Importantly",
    "Rather",
    "Furthermore",
    "Meanwhile",
    "Last",
    "Next",
    "Former",
    "Mr",
    "Ms",
    "Mrs",
    "Dr",
    "Is",
    "Was",
    "Will",
    "Would",
    "Could",
    "Can",
    "Do",
    "Does",
    "Did",
    "Not",
    "No",
    "Yes",
    "One",
    "Two",
    "Three",
    "Another",
    "Other",
    "Each",
    "Every",
    "Any",
    "More",
    "Much",
    "Recent",
    "New",
    "Old",
    "Read",
    "See",
];

/// Words that may join capitalised words inside one name ("Ministry of Foreign Affairs").
const JOINERS: &[&str] = &[
    "of", "for", "and", "the", "de", "du", "von", "van", "on", "&",
];

/// Coverage of a dictionary over a corpus.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Matched surface forms per entity index and alias text, with counts.
    matched: HashMap<(u32, String), u64>,
    /// Unmatched capitalised phrases: phrase -> (occurrences, documents).
    phrases: HashMap<String, (u64, u64)>,
    documents: u64,
}

/// One alias that never matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// The entity id.
    pub entity: String,
    /// The alias as written in the dictionary.
    pub alias: String,
    /// Its kind.
    pub kind: AliasKind,
}

/// A capitalised phrase that matched no entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The phrase as it appears in the text.
    pub phrase: String,
    /// How many times it appears.
    pub occurrences: u64,
    /// In how many documents.
    pub documents: u64,
}

impl Coverage {
    /// Adds one tagged document.
    pub fn add(&mut self, doc: &Document, tagged: &TaggedDocument) {
        self.documents += 1;
        for m in &tagged.mentions {
            let surface = doc.text[m.start..m.end].replace(['\u{2019}', '\u{2018}'], "'");
            *self.matched.entry((m.entity, surface)).or_default() += 1;
        }
        let mut in_doc: HashSet<String> = HashSet::new();
        for (si, s) in tagged.sentences.iter().enumerate() {
            let p = s.paragraph as usize;
            if tagged.repeated.get(p).copied().unwrap_or(false)
                || tagged.furniture.get(p).copied().unwrap_or(false)
            {
                continue;
            }
            let covered: Vec<(usize, usize)> = tagged
                .mentions
                .iter()
                .filter(|m| m.sentence as usize == si)
                .map(|m| (m.start, m.end))
                .collect();
            for (phrase, start, end) in capitalised_phrases(&doc.text, s.span.clone()) {
                if covered.iter().any(|&(a, b)| a < end && start < b) {
                    continue;
                }
                let e = self.phrases.entry(phrase.clone()).or_default();
                e.0 += 1;
                if in_doc.insert(phrase) {
                    e.1 += 1;
                }
            }
        }
    }

    /// The dictionary's aliases that matched nowhere, in entity order. An alias counts as
    /// matched when any of its case variants (or its plural, for demonyms) was seen.
    pub fn unmatched(&self, dict: &Dictionary) -> Vec<Unmatched> {
        let seen: HashSet<(u32, &str)> =
            self.matched.keys().map(|(e, s)| (*e, s.as_str())).collect();
        let mut out = Vec::new();
        for (i, e) in dict.entities.iter().enumerate() {
            for a in &e.aliases {
                let mut variants = case_variants(&a.text, a.case);
                if a.kind == AliasKind::Demonym {
                    variants.extend(case_variants(&format!("{}s", a.text), a.case));
                }
                if !variants
                    .iter()
                    .any(|v| seen.contains(&(i as u32, v.as_str())))
                {
                    out.push(Unmatched {
                        entity: e.id.clone(),
                        alias: a.text.clone(),
                        kind: a.kind,
                    });
                }
            }
        }
        out
    }

    /// The most frequent capitalised phrases that matched no entity, most frequent first.
    pub fn candidates(&self, limit: usize) -> Vec<Candidate> {
        let mut v: Vec<Candidate> = self
            .phrases
            .iter()
            .map(|(p, &(occurrences, documents))| Candidate {
                phrase: p.clone(),
                occurrences,
                documents,
            })
            .collect();
        v.sort_by(|a, b| {
            b.occurrences
                .cmp(&a.occurrences)
                .then(b.documents.cmp(&a.documents))
                .then(a.phrase.cmp(&b.phrase))
        });
        v.truncate(limit);
        v
    }

    /// Matched surface forms per entity id, with counts, sorted.
    pub fn matched(&self, dict: &Dictionary) -> BTreeMap<(String, String), u64> {
        self.matched
            .iter()
            .map(|((e, s), n)| ((dict.entities[*e as usize].id.clone(), s.clone()), *n))
            .collect()
    }

    /// Documents seen.
    pub fn documents(&self) -> u64 {
        self.documents
    }
}

/// Runs of capitalised words in a span, joined by name-internal words, with their byte
/// spans; a lone stop word ("The", "However") is not a phrase, and a leading one is dropped.
pub fn capitalised_phrases(
    text: &str,
    span: std::ops::Range<usize>,
) -> Vec<(String, usize, usize)> {
    let s = &text[span.clone()];
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let next = s[i + c.len_utf8()..].chars().next();
        let inside = c.is_alphanumeric()
            || (start.is_some()
                && ((c == '-' && next.is_some_and(char::is_alphanumeric))
                    || (c == '.' && next.is_some_and(|n| n.is_uppercase() || n == '-'))));
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(b)) => {
                words.push((b, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(b) = start {
        words.push((b, s.len()));
    }
    let is_cap = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &s[words[i].0..words[i].1];
        if !is_cap(w) {
            i += 1;
            continue;
        }
        // Extend over capitalised words, and joiners followed by a capitalised word.
        let mut j = i + 1;
        let mut end = i;
        while j < words.len() {
            let gap = &s[words[j - 1].1..words[j].0];
            if !gap.trim().is_empty() && gap.trim() != "&" {
                break;
            }
            let wj = &s[words[j].0..words[j].1];
            if is_cap(wj) {
                end = j;
                j += 1;
            } else if JOINERS.contains(&wj)
                && j + 1 < words.len()
                && is_cap(&s[words[j + 1].0..words[j + 1].1])
            {
                j += 1;
            } else {
                break;
            }
        }
        let mut first = i;
        while first <= end && STOP.contains(&&s[words[first].0..words[first].1]) {
            first += 1;
        }
        if first <= end {
            let (a, b) = (words[first].0, words[end].1);
            let phrase = s[a..b].replace('\u{2019}', "'");
            if phrase.chars().any(char::is_alphabetic) && phrase.chars().count() >= 2 {
                out.push((phrase, span.start + a, span.start + b));
            }
        }
        i = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(s: &str) -> Vec<String> {
        capitalised_phrases(s, 0..s.len())
            .into_iter()
            .map(|p| p.0)
            .collect()
    }

    #[test]
    fn capitalised_phrases_join_names_and_drop_openers() {
        assert_eq!(
            phrases("The Ministry of Foreign Affairs met Koji Tomita in Osaka."),
            ["Ministry of Foreign Affairs", "Koji Tomita", "Osaka"]
        );
        assert_eq!(phrases("However, the talks failed."), Vec::<String>::new());
        assert_eq!(
            phrases("Brad Glosserman, the deputy director of Tama University's Centre"),
            ["Brad Glosserman", "Tama University", "Centre"]
        );
        assert_eq!(
            phrases("the U.S.-Korea Free Trade Agreement"),
            ["U.S.-Korea Free Trade Agreement"]
        );
    }

    #[test]
    fn coverage_counts_unmatched_aliases_and_candidates() {
        let mut b = crate::dictionary::Builder::default();
        b.add_csv(
            "t.csv",
            "id,type,label,aliases,demonyms\njp,country,Japan,Nippon,Japanese\n",
        )
        .unwrap();
        let dict = b.finish().unwrap();
        let tagger = crate::tagger::Tagger::new(&dict).unwrap();
        let mut cov = Coverage::default();
        for text in [
            "Japan met Koji Tomita. Japanese firms left.",
            "Koji Tomita spoke.",
        ] {
            let doc = Document::new("d", text);
            cov.add(&doc, &tagger.tag(&doc));
        }
        let un: Vec<String> = cov.unmatched(&dict).into_iter().map(|u| u.alias).collect();
        assert_eq!(un, ["Nippon"]);
        let c = cov.candidates(5);
        assert_eq!(
            c[0],
            Candidate {
                phrase: "Koji Tomita".into(),
                occurrences: 2,
                documents: 2
            }
        );
        assert_eq!(c.len(), 1);
    }
}
