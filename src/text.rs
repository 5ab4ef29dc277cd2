//! Text preparation: normalisation with an offset map back to the original, then paragraph
//! and sentence segmentation.
//!
//! This module owns [`normalize`] (curly quotes and apostrophes to ASCII, dashes to `-`,
//! non-breaking and other exotic spaces to a space) and [`segment`] (paragraphs and
//! sentences as byte spans of the normalised text). It knows nothing of entities.
//!
//! Every offset handed out by this module is a byte offset into the normalised text;
//! [`Normalized::to_original`] maps it back to the original text.

use std::borrow::Cow;
use std::ops::Range;

/// Normalised text and the map back to the original's byte offsets.
#[derive(Debug, Clone)]
pub struct Normalized<'a> {
    /// The normalised text (borrowed when nothing had to change).
    pub text: Cow<'a, str>,
    /// (normalised offset, original offset) after each replacement, ascending.
    map: Vec<(usize, usize)>,
}

impl Normalized<'_> {
    /// Maps a byte offset in the normalised text to the byte offset in the original text.
    /// Offsets inside a replaced character map to that character's start.
    pub fn to_original(&self, offset: usize) -> usize {
        // The last checkpoint at or before `offset` fixes the shift from there on.
        match self.map.partition_point(|&(n, _)| n <= offset) {
            0 => offset,
            i => {
                let (n, o) = self.map[i - 1];
                // Saturating: an offset past the end must not overflow into a panic.
                o.saturating_add(offset - n)
            }
        }
    }
}

/// What a character becomes, if normalisation changes it.
fn replacement(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
        _ => return None,
    })
}

/// Whether `b` leads a character that [`replacement`] may change. Every such character
/// starts with one of these bytes, so the rest of the text never has to be decoded.
fn may_be_replaced(b: u8) -> bool {
    matches!(b, 0xC2 | 0xCA | 0xE2 | 0xE3)
}

/// The first character at or after byte `from` that normalisation changes: its offset, its
/// length in bytes and what it becomes.
fn next_replacement(text: &str, from: usize) -> Option<(usize, usize, char)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(off) = bytes.get(i..)?.iter().position(|&b| may_be_replaced(b)) {
        let at = i + off;
        // A lead byte always starts a character, so `at` is a char boundary.
        let c = text[at..].chars().next()?;
        if let Some(r) = replacement(c) {
            return Some((at, c.len_utf8(), r));
        }
        i = at + c.len_utf8();
    }
    None
}

/// Normalises quotes, apostrophes, dashes and spaces, keeping an offset map. ASCII text and
/// text with nothing to change is borrowed, not copied.
pub fn normalize(original: &str) -> Normalized<'_> {
    let Some(mut next) = next_replacement(original, 0) else {
        return Normalized {
            text: Cow::Borrowed(original),
            map: Vec::new(),
        };
    };
    let mut out = String::with_capacity(original.len());
    let mut map = Vec::new();
    let mut copied = 0;
    loop {
        let (at, len, r) = next;
        // Unchanged runs are copied whole: far cheaper than pushing char by char.
        out.push_str(&original[copied..at]);
        out.push(r);
        copied = at + len;
        // From just after the replacement, offsets shift by the length difference.
        map.push((out.len(), copied));
        match next_replacement(original, copied) {
            Some(n) => next = n,
            None => break,
        }
    }
    out.push_str(&original[copied..]);
    Normalized {
        text: Cow::Owned(out),
        map,
    }
}

/// A sentence: its span and the paragraph it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte span in the normalised text, without surrounding white space.
    pub span: Range<usize>,
    /// Index of its paragraph in [`Segments::paragraphs`].
    pub paragraph: usize,
}

/// Paragraphs and sentences of one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segments {
    /// Paragraph spans, in order, without surrounding white space; never empty.
    pub paragraphs: Vec<Range<usize>>,
    /// Sentence spans, in order; every sentence lies inside one paragraph.
    pub sentences: Vec<Sentence>,
}

impl Segments {
    /// The index of the sentence holding byte `offset`, or of the last sentence starting
    /// before it.
    pub fn sentence_at(&self, offset: usize) -> usize {
        self.sentences
            .partition_point(|s| s.span.start <= offset)
            .saturating_sub(1)
    }
}

/// Splits normalised text into paragraphs (each non-blank line; for hard-wrapped text,
/// blocks between blank lines) and sentences.
pub fn segment(text: &str) -> Segments {
    let mut seg = Segments::default();
    for para in paragraphs(text) {
        let p = seg.paragraphs.len();
        for s in sentences(text, para.clone()) {
            seg.sentences.push(Sentence {
                span: s,
                paragraph: p,
            });
        }
        seg.paragraphs.push(para);
    }
    seg
}

fn trim_span(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start().len());
    let end = r.end - (s.len() - s.trim_end().len());
    (start < end).then_some(start..end)
}

/// Paragraph spans: every non-blank line, unless the text is hard-wrapped, in which case the
/// blocks between blank lines.
fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        lines.push(start..end);
        start = end;
    }
    if is_hard_wrapped(text, &lines) {
        let mut out = Vec::new();
        let mut block: Option<Range<usize>> = None;
        for l in lines {
            if text[l.clone()].trim().is_empty() {
                if let Some(b) = block.take().and_then(|b| trim_span(text, b)) {
                    out.push(b);
                }
            } else {
                block = Some(block.map_or(l.clone(), |b| b.start..l.end));
            }
        }
        if let Some(b) = block.and_then(|b| trim_span(text, b)) {
            out.push(b);
        }
        out
    } else {
        lines
            .into_iter()
            .filter_map(|l| trim_span(text, l))
            .collect()
    }
}

/// Hard-wrapped text: most non-blank lines are long-ish and none is very long, and some
/// consecutive non-blank lines continue a sentence.
fn is_hard_wrapped(text: &str, lines: &[Range<usize>]) -> bool {
    let lens: Vec<usize> = lines
        .iter()
        .map(|l| text[l.clone()].trim_end().chars().count())
        .filter(|&n| n > 0)
        .collect();
    if lens.len() < 4 {
        return false;
    }
    let max = lens.iter().copied().max().unwrap_or(0);
    let wrapped = lens.iter().filter(|&&n| (50..=100).contains(&n)).count();
    max <= 100 && wrapped * 2 > lens.len()
}

/// Abbreviations after which a full stop does not end a sentence (compared without the
/// final stop, case-sensitively).
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Gen", "Lt", "Col", "Capt", "Sgt", "Adm",
    "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Amb", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul",
    "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No", "Nos", "Vol", "vs", "v", "etc", "e.g", "i.e",
    "cf", "al", "approx", "Inc", "Ltd", "Co", "Corp", "Fig", "pp", "p", "op", "cit", "U.S", "U.K",
    "U.N", "E.U", "S", "N", "Mt", "Ft",
];

/// Abbreviations that often end a sentence too: split after them when a typical sentence
/// opener follows.
const SENTENCE_FINAL_ABBREVIATIONS: &[&str] = &[
    "U.S", "U.K", "U.N", "E.U", "etc", "Inc", "Ltd", "Co", "Corp",
];

/// Words that typically open a sentence.
const OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "It",
    "This",
    "That",
    "These",
    "Those",
    "He",
    "She",
    "They",
    "We",
    "I",
    "But",
    "And",
    "However",
    "In",
    "On",
    "At",
    "As",
    "If",
    "When",
    "While",
    "There",
    "Its",
    "His",
    "Her",
    "Their",
    "Our",
    "After",
    "Before",
    "Since",
    "Yet",
    "So",
    "Still",
    "Meanwhile",
];

fn sentences(text: &str, para: Range<usize>) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = para.start;
    let mut i = para.start;
    while i < para.end {
        let b = bytes[i];
        if matches!(b, b'.' | b'!' | b'?') {
            // The run of terminators, then closing quotes and brackets.
            let mut j = i + 1;
            while j < para.end && matches!(bytes[j], b'.' | b'!' | b'?') {
                j += 1;
            }
            while j < para.end && matches!(bytes[j], b'"' | b'\'' | b')' | b']') {
                j += 1;
            }
            if j >= para.end {
                break;
            }
            if !bytes[j].is_ascii_whitespace() {
                i = j;
                continue;
            }
            let mut k = j;
            while k < para.end && bytes[k].is_ascii_whitespace() {
                k += 1;
            }
            // A numbered note "(1)" after the stop belongs to the sentence it ends.
            let mut end = j;
            if let Some(close) = note_marker(&text[k..para.end]) {
                end = k + close;
                k = end;
                while k < para.end && bytes[k].is_ascii_whitespace() {
                    k += 1;
                }
                if k >= para.end {
                    break;
                }
            }
            if b == b'.' && !ends_sentence(text, start, i, &text[k..para.end]) {
                i = j;
                continue;
            }
            if let Some(s) = trim_span(text, start..end) {
                out.push(s);
            }
            start = k;
            i = k;
            continue;
        }
        i += 1;
    }
    if let Some(s) = trim_span(text, start..para.end) {
        out.push(s);
    }
    out
}

/// The length of a "(12)" or "[12]" note marker at the start of `s`, if there is one.
fn note_marker(s: &str) -> Option<usize> {
    let open = s.chars().next()?;
    let close = match open {
        '(' => ')',
        '[' => ']',
        _ => return None,
    };
    let inner = &s[1..];
    let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && digits <= 3 && inner[digits..].starts_with(close)).then_some(digits + 2)
}

/// Whether the full stop at `dot` ends the sentence that began at `start`, given what follows.
fn ends_sentence(text: &str, start: usize, dot: usize, next: &str) -> bool {
    let before = &text[start..dot];
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '\'')
        .next()
        .unwrap_or("");
    let next_char = next.chars().next().unwrap_or(' ');
    let starts_upper = next_char.is_uppercase()
        || next_char.is_ascii_digit()
        || matches!(next_char, '"' | '\'' | '(' | '[');
    if !starts_upper {
        return false;
    }
    // A list number at the start of a paragraph ("1.  Abe takes ...").
    if word.len() == before.trim().len()
        && !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    let next_word: String = next.chars().take_while(|c| c.is_alphanumeric()).collect();
    if SENTENCE_FINAL_ABBREVIATIONS.contains(&word) {
        return OPENERS.contains(&next_word.as_str());
    }
    if ABBREVIATIONS.contains(&word) {
        return false;
    }
    // An initial ("Donald J. Trump") or a dotted acronym ("U.S").
    let letters: Vec<char> = word.chars().filter(|c| *c != '.').collect();
    if letters.len() == 1 && letters[0].is_uppercase() {
        return false;
    }
    if word.contains('.') && word.split('.').all(|p| p.chars().count() <= 1) {
        return OPENERS.contains(&next_word.as_str());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_maps_back_to_original_offsets() {
        let original = "Japan\u{2019}s \u{201C}white list\u{201D}\u{a0}\u{2014} Seoul";
        let n = normalize(original);
        assert_eq!(n.text, "Japan's \"white list\" - Seoul");
        let seoul = n.text.find("Seoul").unwrap();
        assert_eq!(&original[n.to_original(seoul)..], "Seoul");
        let white = n.text.find("white").unwrap();
        assert_eq!(
            &original[n.to_original(white)..n.to_original(white + 5)],
            "white"
        );
        assert_eq!(n.to_original(0), 0);
        assert_eq!(n.to_original(n.text.len()), original.len());
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            normalize("Japan and Korea").text,
            Cow::Borrowed(_)
        ));
        assert!(matches!(normalize("Pérez met Abe").text, Cow::Borrowed(_)));
    }

    /// Every character `replacement` changes, with what it becomes.
    fn all_replaced() -> Vec<(char, char)> {
        (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter_map(|c| Some((c, replacement(c)?)))
            .collect()
    }

    /// Checks the offset map on every char boundary of the normalised text: each maps to a
    /// char boundary of the original, monotonically, and the original between two mapped
    /// offsets normalises to the normalised text between them.
    fn assert_round_trips(original: &str) {
        let n = normalize(original);
        let text: &str = &n.text;
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let mut last = 0;
        for &a in &bounds {
            let o = n.to_original(a);
            assert!(original.is_char_boundary(o), "{original:?}: {a} -> {o}");
            assert!(o >= last, "{original:?}: not monotonic at {a}");
            last = o;
        }
        assert_eq!(n.to_original(0), 0);
        assert_eq!(n.to_original(text.len()), original.len());
        // All pairs on short samples, a stride on long ones: quadratic otherwise.
        let step = (bounds.len() / 60).max(1);
        for (x, &a) in bounds.iter().enumerate().step_by(step) {
            for &b in &bounds[x..] {
                let piece = &original[n.to_original(a)..n.to_original(b)];
                assert_eq!(normalize(piece).text, &text[a..b], "{original:?}: {a}..{b}");
            }
        }
    }

    #[test]
    fn every_replaced_character_is_mapped_back() {
        let replaced = all_replaced();
        // The table in `replacement`: 6 apostrophes, 7 quotes, 7 dashes, 15 spaces.
        assert_eq!(replaced.len(), 35);
        for (c, r) in replaced {
            let original = format!("Moon{c}Abe {c}");
            let n = normalize(&original);
            assert_eq!(n.text, format!("Moon{r}Abe {r}"), "{c:?}");
            let abe = n.text.find("Abe").unwrap();
            assert_eq!(&original[n.to_original(abe)..n.to_original(abe + 3)], "Abe");
            assert_eq!(n.to_original(4), 4, "{c:?} starts where it did");
            assert_eq!(n.to_original(5), 4 + c.len_utf8(), "{c:?}");
            assert_round_trips(&original);
        }
    }

    #[test]
    fn normalisation_round_trips_on_unicode() {
        let samples = [
            "",
            "plain ASCII only",
            "\u{201C}문재인\u{201D} 대통령\u{2019}s \u{2014} 아베 총리\u{a0}회담",
            "Caf\u{e9} vs cafe\u{301}\u{2019}s \u{2018}n\u{303}o\u{2019}\u{2013}\u{3000}end",
            "\u{1F389}\u{2014}\u{1F1EF}\u{1F1F5}\u{201C}\u{1F600}\u{201D}\u{202F}\u{1F469}\u{200D}\u{1F4BB}",
            "\u{2019}\u{2019}\u{2019}",
            "\u{ab}Bonjour\u{bb} \u{2212}5 \u{2032}\u{2033} \u{2bc}\u{205f}\u{2011}",
            "東京\u{3000}ソウル\u{2015}北京\u{3002}",
            "\u{2026}\u{2028}\u{feff}\u{200b}\u{ad} unchanged oddities",
        ];
        for s in samples {
            assert_round_trips(s);
        }
        // Every replaced character in one string, between multi-byte neighbours.
        let all: String = all_replaced()
            .iter()
            .flat_map(|&(c, _)| ['\u{D55C}', c, '\u{301}'])
            .collect();
        assert_round_trips(&all);
    }

    #[test]
    fn offsets_past_the_end_do_not_panic() {
        let n = normalize("a\u{2014}b");
        assert_eq!(n.to_original(usize::MAX / 2), usize::MAX / 2 + 2);
        assert_eq!(n.to_original(usize::MAX), usize::MAX);
        assert_eq!(normalize("ab").to_original(10), 10);
    }

    fn sents(text: &str) -> Vec<&str> {
        segment(text)
            .sentences
            .iter()
            .map(|s| &text[s.span.clone()])
            .collect()
    }

    #[test]
    fn sentence_table() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Japan acted. Korea replied.",
                &["Japan acted.", "Korea replied."],
            ),
            ("The U.S. President spoke.", &["The U.S. President spoke."]),
            (
                "It was the U.S. The talks failed.",
                &["It was the U.S.", "The talks failed."],
            ),
            (
                "Talks on Dec. 24, 2019, in Chengdu.",
                &["Talks on Dec. 24, 2019, in Chengdu."],
            ),
            (
                "President Donald J. Trump met Moon.",
                &["President Donald J. Trump met Moon."],
            ),
            ("Dr. Kim spoke. He left.", &["Dr. Kim spoke.", "He left."]),
            (
                "Headline without stop\nBody text. More.",
                &["Headline without stop", "Body text.", "More."],
            ),
            (
                "He said \"No.\" Then left.",
                &["He said \"No.\"", "Then left."],
            ),
            (
                "following a summit with Li Keqiang. (1)\nThe rise of China.",
                &[
                    "following a summit with Li Keqiang. (1)",
                    "The rise of China.",
                ],
            ),
            (
                "1.     Abe takes shine off Moon summit, Australian, 26 December 2019.",
                &["1.     Abe takes shine off Moon summit, Australian, 26 December 2019."],
            ),
            ("Why? Because.", &["Why?", "Because."]),
            ("It rose 3.5 percent.", &["It rose 3.5 percent."]),
        ];
        for (text, want) in cases {
            assert_eq!(&sents(text), want, "text: {text:?}");
        }
    }

    #[test]
    fn paragraphs_are_lines_unless_hard_wrapped() {
        let s = segment("One line.\n\nTwo line.\nThree.");
        assert_eq!(s.paragraphs.len(), 3);
        let wrapped = "This is a long hard-wrapped line of text that goes on and on\n\
                       and continues here on the next line until it finally ends.\n\
                       \n\
                       A second paragraph that is also wrapped at about sixty chars\n\
                       and ends on this line with a full stop at the very end.\n";
        let s = segment(wrapped);
        assert_eq!(s.paragraphs.len(), 2);
        assert_eq!(s.sentences.len(), 2);
    }
}
