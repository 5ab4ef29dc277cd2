//! Page furniture: the lines of a scraped web page that are not the article.
//!
//! This module owns [`is_furniture`] and [`furniture`], which judge paragraphs (lines) of a
//! document: menus, photo credits, share and print links, donation widgets, "top of page"
//! markers, bare prices, and the block of teasers for other stories that pages append after
//! a "More from ..." or "Related" line, and a numbered list of references in the second
//! half of the page ("1.  Abe takes shine off Moon summit, Australian, 26 December 2019."). The tagger skips such paragraphs (unless told to
//! keep them) so that they neither add mentions nor inflate co-occurrence counts. Headlines
//! and short lines of real text are kept: a line is furniture only when it matches one of
//! the patterns below, never for being short. This module knows nothing of entities.

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// Lines that start a block of links to other stories: everything after them is teasers.
const TEASER_HEADERS: &[&str] = &[
    "more from",
    "related",
    "related articles",
    "related stories",
    "related posts",
    "recommended",
    "recommended for you",
    "read more",
    "read next",
    "you may also like",
    "you might also like",
    "most popular",
    "most read",
    "trending",
    "also read",
    "latest news",
    "more stories",
];

/// Whole lines that are furniture (compared in lower case, trailing punctuation ignored).
const FURNITURE_LINES: &[&str] = &[
    "top of page",
    "bottom of page",
    "go back",
    "back to top",
    "print",
    "print version",
    "email",
    "share",
    "share this",
    "share this article",
    "advertisement",
    "sponsored",
    "subscribe",
    "sign up",
    "log in",
    "login",
    "menu",
    "search",
    "skip to content",
    "skip to main content",
    "recent features",
    "comments",
    "leave a comment",
    "newsletter",
];

/// Phrases that mark a line as furniture wherever they appear in it.
const FURNITURE_PHRASES: &[&str] = &[
    "javascript",
    "your browser",
    "cookies",
    "cookie policy",
    "all rights reserved",
    "copyright ©",
    "(c) copyright",
    "print version",
    "email article",
    "new window",
    "consider helping us",
    "support our journalism",
    "donate",
    "subscribe to",
    "sign up for",
    "jobs board",
    "follow us on",
    "click here",
    "terms of use",
    "privacy policy",
];

/// Phrases that mark a short line (under 120 bytes once simplified) as a photo credit at the
/// end of a caption: ".../Pool Photo via AP", "Reuters/File Photo".
const CAPTION_PHRASES: &[&str] = &[" via ap", " via reuters", "/file photo"];

/// [`FURNITURE_PHRASES`] in one automaton, built on first use, so that a line is scanned
/// once for all of them rather than once for each (the separate searches took 2% of a
/// run). It ignores ASCII case, so it runs on an ASCII line as it is (see [`Simple`]).
static PHRASES: LazyLock<AhoCorasick> = LazyLock::new(|| phrases(FURNITURE_PHRASES.iter()));

/// [`FURNITURE_PHRASES`] and [`CAPTION_PHRASES`] in one automaton, for lines short enough for
/// both.
static ALL_PHRASES: LazyLock<AhoCorasick> =
    LazyLock::new(|| phrases(FURNITURE_PHRASES.iter().chain(CAPTION_PHRASES)));

fn phrases<'a>(list: impl Iterator<Item = &'a &'a str>) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(list)
        .expect("the furniture phrases compile")
}

/// Builds the phrase automata now rather than on first use. [`crate::tagger::Tagger`] calls
/// it when it is built: built in the middle of a run, between the allocations of the
/// corpus's batches, they left the allocator holding 8 MiB more at peak (measured on 100 MB
/// of news with one thread).
pub fn prepare() {
    LazyLock::force(&PHRASES);
    LazyLock::force(&ALL_PHRASES);
}

/// Whether a simplified line holds one of [`FURNITURE_PHRASES`] (when it is shorter than 200
/// bytes) or of [`CAPTION_PHRASES`] (when it is shorter than 120).
fn has_phrase(l: &str) -> bool {
    if l.len() >= 200 {
        false
    } else if l.len() < 120 {
        ALL_PHRASES.is_match(l)
    } else {
        PHRASES.is_match(l)
    }
}

/// Line openings of photo and image credits.
const CREDIT_PREFIXES: &[&str] = &[
    "credit:",
    "photo:",
    "photo credit",
    "image:",
    "image credit",
    "picture:",
    "source: getty",
    "(photo",
    "(image",
    "file photo",
];

/// A line without surrounding white space and trailing punctuation.
fn words(line: &str) -> &str {
    line.trim()
        .trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
}

/// A line as the lists above are compared with: [`words`], lower-cased. An ASCII line is
/// not copied: it is compared ignoring ASCII case, which for ASCII text is the same thing
/// (every list above is in lower case).
struct Simple<'a> {
    text: Cow<'a, str>,
}

impl Simple<'_> {
    fn len(&self) -> usize {
        self.text.len()
    }

    fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether the line is `s`, which is in lower case.
    fn is(&self, s: &str) -> bool {
        match &self.text {
            Cow::Borrowed(t) => t.eq_ignore_ascii_case(s),
            Cow::Owned(t) => t == s,
        }
    }

    /// Whether the line starts with `s`, which is in lower case.
    fn starts_with(&self, s: &str) -> bool {
        starts_with_lower(&self.text, s)
    }
}

/// Whether `text`, lower-cased, starts with `s`, which is in lower case and ASCII, or `text`
/// is lower case already.
fn starts_with_lower(text: &str, s: &str) -> bool {
    text.as_bytes()
        .get(..s.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(s.as_bytes()))
}

fn simplify(line: &str) -> Simple<'_> {
    let w = words(line);
    Simple {
        text: if w.is_ascii() {
            Cow::Borrowed(w)
        } else {
            Cow::Owned(w.to_lowercase())
        },
    }
}

/// Whether one line, on its own, is page furniture.
pub fn is_furniture(line: &str) -> bool {
    let words = words(line);
    // Lower-casing shrinks a text at most threefold (U+212A KELVIN SIGN, three bytes, becomes
    // "k"), and not at all when it is ASCII: a line this long is 200 bytes or more once
    // simplified, so only the checks on its opening can match. Most lines of an article
    // are, and lower-casing the whole of each took 4% of a run.
    let ascii = words.is_ascii();
    let long = if ascii { 200 } else { 600 };
    if words.len() >= long {
        if !line.chars().any(char::is_alphabetic) {
            return line
                .chars()
                .any(|c| c.is_ascii_digit() || "$€£¥%".contains(c));
        }
        if ascii {
            return CREDIT_PREFIXES.iter().any(|p| starts_with_lower(words, p));
        }
        let head: String = words.chars().take(16).collect::<String>().to_lowercase();
        return CREDIT_PREFIXES.iter().any(|p| head.starts_with(p));
    }
    judge(line)
}

/// [`is_furniture`] with every check on the whole line.
fn judge(line: &str) -> bool {
    let l = simplify(line);
    if l.is_empty() {
        return false;
    }
    // A price or counter with no words ("2,500 $", "0 $").
    if !line.chars().any(char::is_alphabetic) {
        return line
            .chars()
            .any(|c| c.is_ascii_digit() || "$€£¥%".contains(c));
    }
    if FURNITURE_LINES.iter().any(|f| l.is(f)) {
        return true;
    }
    if CREDIT_PREFIXES.iter().any(|p| l.starts_with(p)) {
        return true;
    }
    has_phrase(&l.text)
}

fn is_teaser_header(line: &str) -> bool {
    // A header is at most 48 bytes once simplified, which a line of 150 bytes or more is not
    // (see `is_furniture`): skip lower-casing the lines of the article.
    if words(line).len() >= 150 {
        return false;
    }
    let l = simplify(line);
    TEASER_HEADERS.iter().any(|h| {
        l.is(h)
            || (l.starts_with(h)
                && l.len() < h.len() + 40
                && l.text[h.len()..].starts_with(' ')
                && *h == "more from")
    })
}

/// Whether a line starts like an entry of a numbered list ("1.  ", "12. ").
fn numbered(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits) && t[digits..].starts_with(". ")
}

/// Whether a numbered line reads like a reference: "Ibid.", "op. cit.", or a citation that
/// ends with a year.
fn citation(line: &str) -> bool {
    let l = line.to_lowercase();
    if l.contains("ibid") || l.contains("op.cit") || l.contains("op. cit") {
        return true;
    }
    let t = l.trim_end().trim_end_matches(['.', ')']);
    // Bytes, not a str slice: the fourth byte from the end may be inside a character.
    let b = t.as_bytes();
    b.len() >= 4 && b[b.len() - 4..].iter().all(u8::is_ascii_digit) && t.contains(',')
}

/// Judges every paragraph of a document: `true` for furniture. `paragraphs` are the
/// paragraph texts in order; a teaser header in the last third of the document makes it and
/// everything after it furniture.
pub fn furniture<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Vec<bool> {
    let paragraphs: Vec<&str> = paragraphs.into_iter().collect();
    let n = paragraphs.len();
    let mut out: Vec<bool> = paragraphs.iter().map(|p| is_furniture(p)).collect();
    // A numbered list of references in the second half of the page: sources, not claims.
    let mut i = 0;
    while i < n {
        if !numbered(paragraphs[i]) {
            i += 1;
            continue;
        }
        let j = i + paragraphs[i..].iter().take_while(|p| numbered(p)).count();
        let cites = paragraphs[i..j].iter().filter(|p| citation(p)).count();
        if j - i >= 2 && i * 2 >= n && cites * 2 >= j - i {
            for f in &mut out[i..j] {
                *f = true;
            }
        }
        i = j;
    }
    if let Some(start) = paragraphs
        .iter()
        .enumerate()
        .position(|(i, p)| i * 3 >= n.saturating_sub(1) && n >= 3 && is_teaser_header(p))
    {
        for f in &mut out[start..] {
            *f = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_judged_by_their_opening_as_by_every_check() {
        let body = "Japan and South Korea agreed on Friday to extend the pact, officials said. ";
        let openings = [
            "",
            "Photo: ",
            "CREDIT: Reuters ",
            "Source: Getty ",
            "(Photo ",
            "Share this ",
            "1. ",
            "\u{212A}",
            "\u{212A}\u{212A}\u{212A}",
            "İstanbul ",
            "Σ ",
            "ΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣ ",
        ];
        let fillers = [
            body.to_string(),
            "\u{212A}".repeat(70),
            "$".repeat(250),
            "2,500 $ ".repeat(40),
            "— ".repeat(120),
            "Donate to support our journalism. ".repeat(3),
        ];
        for o in openings {
            for f in &fillers {
                for n in [1, 3, 9] {
                    let line = format!("  {o}{}  ", f.repeat(n));
                    assert_eq!(is_furniture(&line), judge(&line), "{line:?}");
                }
            }
        }
        assert!(is_furniture(&format!("Photo: {}", body.repeat(4))));
        assert!(!is_furniture(&body.repeat(4)));
    }

    /// [`judge`] and [`is_teaser_header`] as they read with every line lower-cased into a
    /// copy and each phrase searched for on its own.
    fn judge_lowercased(line: &str) -> bool {
        let l = words(line).to_lowercase();
        if l.is_empty() {
            return false;
        }
        if !line.chars().any(char::is_alphabetic) {
            return line
                .chars()
                .any(|c| c.is_ascii_digit() || "$€£¥%".contains(c));
        }
        FURNITURE_LINES.contains(&l.as_str())
            || CREDIT_PREFIXES.iter().any(|p| l.starts_with(p))
            || (l.len() < 200 && FURNITURE_PHRASES.iter().any(|p| l.contains(p)))
            || (l.len() < 120 && CAPTION_PHRASES.iter().any(|p| l.contains(p)))
    }

    fn teaser_header_lowercased(line: &str) -> bool {
        let l = words(line).to_lowercase();
        TEASER_HEADERS.iter().any(|h| {
            l == *h
                || (l.starts_with(h)
                    && l.len() < h.len() + 40
                    && l[h.len()..].starts_with(' ')
                    && *h == "more from")
        })
    }

    #[test]
    fn ascii_lines_compared_ignoring_case_are_judged_as_lower_cased_copies() {
        let lists = [
            TEASER_HEADERS,
            FURNITURE_LINES,
            FURNITURE_PHRASES,
            CAPTION_PHRASES,
            CREDIT_PREFIXES,
        ];
        let mut lines: Vec<String> = Vec::new();
        for item in lists.iter().flat_map(|l| l.iter()) {
            for form in [
                item.to_string(),
                item.to_uppercase(),
                format!("{}{}", item[..1].to_uppercase(), &item[1..]),
            ] {
                lines.push(form.clone());
                lines.push(format!("  {form}.  "));
                lines.push(format!("{form} Foreign Policy"));
                lines.push(format!("{form}: the talks in Seoul"));
                lines.push(format!("The talks in Seoul {form}"));
                lines.push(format!("\u{212A}{form}"));
                lines.push(format!("İstanbul {form}"));
                lines.push(format!("{form} İstanbul"));
                lines.push(format!("{form}{}", " x".repeat(45)));
                lines.push(format!("{}{form}", "x ".repeat(55)));
                lines.push(format!("{}{form}", "x ".repeat(90)));
            }
        }
        lines.extend(
            [
                "",
                "   ",
                "2,500 $",
                "— —",
                "MORE FROM",
                "More fromage",
                "ÉMAIL",
            ]
            .map(String::from),
        );
        for line in &lines {
            assert_eq!(judge(line), judge_lowercased(line), "{line:?}");
            assert_eq!(
                is_teaser_header(line),
                teaser_header_lowercased(line),
                "{line:?}"
            );
        }
    }

    #[test]
    fn one_scan_finds_what_a_search_for_each_phrase_finds() {
        let each = |l: &str| {
            (l.len() < 200 && FURNITURE_PHRASES.iter().any(|p| l.contains(p)))
                || (l.len() < 120 && CAPTION_PHRASES.iter().any(|p| l.contains(p)))
        };
        let all: Vec<&str> = FURNITURE_PHRASES
            .iter()
            .chain(CAPTION_PHRASES)
            .chain(&["", "via", "cookie", "copyright"])
            .copied()
            .collect();
        for a in &all {
            for b in &all {
                for pad in [
                    0, 40, 90, 100, 105, 110, 119, 120, 150, 180, 190, 199, 200, 250,
                ] {
                    for line in [
                        format!("{a}{b}{}", "x".repeat(pad)),
                        format!("{}{a} {b}", "x".repeat(pad)),
                        format!("{}{a}{}{b}", "y".repeat(pad / 2), "z".repeat(pad / 2)),
                    ] {
                        assert_eq!(has_phrase(&line), each(&line), "{line:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn furniture_lines_from_the_seeds() {
        for line in [
            "Your browser is not Javascript enable or you have turn it off. We recommend you to activate for better security reason",
            "Print Version - new window Email article",
            "Go back",
            "Credit: Kazuhiro Nogi/Pool Photo via AP",
            "Try The Diplomat's jobs board.",
            "2,500 $",
            "0 $",
            "Do you like this content? Consider helping us!",
            "top of page",
            "bottom of page",
            "Recent Features",
        ] {
            assert!(is_furniture(line), "{line:?}");
        }
    }

    #[test]
    fn article_text_is_kept() {
        for line in [
            "South Korea and Japan: Where to From Here?",
            "US Wants To Unite Japan And South Korea Into Alliance Against China: Report",
            "East Asia's Alliances Are Falling Apart",
            "2019 strained old ties to the breaking point.",
            "Seoul announced it would terminate GSOMIA.",
            "The Print and Broadcast Act was debated in Seoul.",
            "Jack Butcher",
            "1.     Abe takes shine off Moon summit, Australian, 26 December 2019.",
        ] {
            assert!(!is_furniture(line), "{line:?}");
        }
    }

    #[test]
    fn a_trailing_reference_list_is_furniture_but_a_numbered_argument_is_not() {
        let mut page = vec!["Japan and South Korea argued."; 8];
        page.extend([
            "1.     Abe takes shine off Moon summit, Australian, 26 December 2019.",
            "2.     S. Korea reverses course, The Chosun Ilbo, 23 November 2019.",
            "3.     Ibid.",
            "Go back",
        ]);
        let f = furniture(page.iter().copied());
        assert_eq!(&f[8..], [true, true, true, true]);
        assert!(!f[..8].iter().any(|&x| x));
        let mut argument = vec!["Text."; 6];
        argument.extend([
            "1. Japan must lift its controls.",
            "2. Seoul must keep GSOMIA.",
        ]);
        assert!(!furniture(argument.iter().copied()).iter().any(|&x| x));
        // A numbered line that ends inside a character of more than one byte is read, not
        // sliced through.
        let korean = ["1. 서울", "2. 도쿄, 서울"];
        assert_eq!(furniture(korean), [false, false]);
    }

    #[test]
    fn teasers_after_more_from_are_furniture() {
        let paras = [
            "East Asia's Alliances Are Falling Apart",
            "Japan and South Korea argued.",
            "Washington watched.",
            "Tokyo and Seoul both already support boosting military expenditures.",
            "More from Foreign Policy",
            "Russians Are Unraveling Before Our Eyes",
            "China, Russia, and their autocratic friends are leading another epic clash.",
        ];
        assert_eq!(
            furniture(paras),
            [false, false, false, false, true, true, true]
        );
        // A "Related" line early in the text does not swallow the article.
        let early = [
            "Related",
            "Japan and South Korea argued.",
            "Washington watched.",
            "More text.",
            "End.",
        ];
        assert_eq!(furniture(early), [false, false, false, false, false]);
    }
}
