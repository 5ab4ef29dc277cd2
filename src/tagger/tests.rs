//! Table-driven tests of the matcher: a case is a dictionary, a text and the mentions
//! expected, grouped as longest match, word boundaries, case, Unicode, possessives, short
//! forms, metonyms and exclusions, roles, and regressions.

use super::*;
use crate::corpus::Document;
use crate::dictionary::Builder;

/// A small dictionary in the shape of the default one.
const DICT: &str = r#"{
  "offices": [
    {"id": "kr_president", "label": "President of South Korea",
     "phrases": ["South Korean president", "President of South Korea"], "titles": ["President"]},
    {"id": "jp_pm", "label": "Prime Minister of Japan",
     "phrases": ["Japanese prime minister", "Japan's prime minister"], "titles": ["Prime Minister", "PM"]}
  ],
  "entities": [
    {"id": "jp", "type": "country", "label": "Japan", "demonyms": ["Japanese"], "metonyms": ["Tokyo"]},
    {"id": "kr", "type": "country", "label": "South Korea",
     "aliases": [{"text": "ROK", "case": "exact"}, "Republic of Korea"],
     "demonyms": ["South Korean"], "metonyms": ["Seoul", "Blue House"]},
    {"id": "kp", "type": "country", "label": "North Korea", "aliases": [{"text": "DPRK", "case": "exact"}]},
    {"id": "us", "type": "country", "label": "United States",
     "aliases": [{"text": "US", "case": "exact"}, {"text": "U.S.", "case": "exact"}],
     "demonyms": ["American"], "metonyms": ["Washington"],
     "exclude": ["Washington state", "Washington Post", "Japanese American"]},
    {"id": "steel", "type": "organisation", "label": "Nippon Steel"},
    {"id": "za", "type": "country", "label": "South Africa"},
    {"id": "south", "type": "place", "label": "South"},
    {"id": "comfort_women", "type": "event", "label": "comfort women"},
    {"id": "gsomia", "type": "agreement", "label": "General Security of Military Information Agreement",
     "aliases": [{"text": "GSOMIA", "case": "exact"}]},
    {"id": "moon_jae_in", "type": "person", "label": "Moon Jae-in", "short": ["Moon"],
     "roles": [{"office": "kr_president", "start": "2017-05-10", "end": "2022-05-09"}]},
    {"id": "park_geun_hye", "type": "person", "label": "Park Geun-hye", "short": ["Park"],
     "roles": [{"office": "kr_president", "start": "2013-02-25", "end": "2017-03-10"}]},
    {"id": "park_chung_hee", "type": "person", "label": "Park Chung-hee", "short": ["Park"]},
    {"id": "shinzo_abe", "type": "person", "label": "Shinzo Abe", "short": ["Abe"],
     "roles": [{"office": "jp_pm", "start": "2012-12-26", "end": "2020-09-16"}]},
    {"id": "seoul_city", "type": "place", "label": "Seoul National University", "note": "a longer name wins"},
    {"id": "rok_army", "type": "organisation", "label": "Republic of Korea Armed Forces",
     "aliases": ["South Korea's military"], "exclude": ["South Korea's military capabilities"]}
  ]
}"#;

fn tagger() -> (Dictionary, Tagger) {
    let mut b = Builder::default();
    b.add_json("test.json", DICT).unwrap();
    let dict = b.finish().unwrap();
    let tagger = Tagger::new(&dict).unwrap();
    (dict, tagger)
}

/// Tags `text` (dated when `date` is given) and returns (surface, entity id, kind) triples.
fn tag(text: &str, date: Option<&str>) -> Vec<(String, String, &'static str)> {
    let (dict, tagger) = tagger();
    let mut doc = Document::new("t", text);
    doc.date = date.and_then(Date::parse);
    let tagged = tagger.tag(&doc);
    tagged
        .mentions
        .iter()
        .map(|m| {
            (
                doc.text[m.start..m.end].to_string(),
                dict.entities[m.entity as usize].id.clone(),
                m.kind.name(),
            )
        })
        .collect()
}

type Case = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
);

/// Runs a group of cases: (name, text, date, expected (surface, id) pairs in order).
fn run(cases: &[Case]) {
    for (name, text, date, want) in cases {
        let got: Vec<(String, String)> = tag(text, *date)
            .into_iter()
            .map(|(s, id, _)| (s, id))
            .collect();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(s, id)| (s.to_string(), id.to_string()))
            .collect();
        assert_eq!(got, want, "case {name:?}: {text:?}");
    }
}

#[test]
fn longest_match() {
    run(&[
        (
            "longer alias wins",
            "South Korea and Korea.",
            None,
            &[("South Korea", "kr")],
        ),
        (
            "demonym vs country",
            "South Korean firms",
            None,
            &[("South Korean", "kr")],
        ),
        (
            "falls back to a shorter form that ends on a boundary",
            "South African wine.",
            None,
            &[("South", "south")],
        ),
        (
            "full name then acronym",
            "General Security of Military Information Agreement (GSOMIA)",
            None,
            &[
                (
                    "General Security of Military Information Agreement",
                    "gsomia",
                ),
                ("GSOMIA", "gsomia"),
            ],
        ),
        (
            "no overlap",
            "Republic of Korea",
            None,
            &[("Republic of Korea", "kr")],
        ),
    ]);
}

#[test]
fn word_boundaries() {
    run(&[
        (
            "inside a word",
            "Japanology and Japanese",
            None,
            &[("Japanese", "jp")],
        ),
        (
            "hyphen is a boundary",
            "US-led, Japan-South Korea ties",
            None,
            &[("US", "us"), ("Japan", "jp"), ("South Korea", "kr")],
        ),
        (
            "digits are word characters",
            "Japan2 2Japan Japan",
            None,
            &[("Japan", "jp")],
        ),
        ("underscore is a word character", "_Japan Japan_", None, &[]),
        (
            "acronym with dots",
            "the U.S. and the U.S.-China war",
            None,
            &[("U.S.", "us"), ("U.S.", "us")],
        ),
        (
            "Unicode letters are word characters",
            "éJapan Japané Japan",
            None,
            &[("Japan", "jp")],
        ),
        (
            "Hangul next to a name",
            "Japan한국 한국Japan (Japan)",
            None,
            &[("Japan", "jp")],
        ),
    ]);
}

#[test]
fn case_rules() {
    run(&[
        (
            "acronyms are exact",
            "us and Us and US",
            None,
            &[("US", "us")],
        ),
        (
            "capitalised names do not match lower case",
            "japan and JAPAN and Japan",
            None,
            &[("JAPAN", "jp"), ("Japan", "jp")],
        ),
        (
            "lower-case names match capitalised",
            "Comfort Women and comfort women and COMFORT WOMEN",
            None,
            &[
                ("Comfort Women", "comfort_women"),
                ("comfort women", "comfort_women"),
                ("COMFORT WOMEN", "comfort_women"),
            ],
        ),
        (
            "the moon is not Moon",
            "Moon Jae-in looked at the moon.",
            None,
            &[("Moon Jae-in", "moon_jae_in")],
        ),
        (
            "exact acronyms stay exact in headlines",
            "ROK AND Rok",
            None,
            &[("ROK", "kr")],
        ),
    ]);
}

#[test]
fn possessives_and_punctuation() {
    run(&[
        (
            "ASCII apostrophe",
            "Japan's exports",
            None,
            &[("Japan", "jp")],
        ),
        (
            "curly apostrophe",
            "Japan\u{2019}s exports and Moon Jae-in\u{2019}s",
            None,
            &[("Japan", "jp"), ("Moon Jae-in", "moon_jae_in")],
        ),
        (
            "em dash",
            "South Korea\u{2014}Japan",
            None,
            &[("South Korea", "kr"), ("Japan", "jp")],
        ),
        ("quoted", "\u{201C}Japan\u{201D}", None, &[("Japan", "jp")]),
        (
            "plural demonym",
            "South Koreans and Americans",
            None,
            &[("South Koreans", "kr"), ("Americans", "us")],
        ),
    ]);
}

#[test]
fn short_forms() {
    run(&[
        (
            "short after full",
            "Moon Jae-in spoke. Moon left.",
            None,
            &[("Moon Jae-in", "moon_jae_in"), ("Moon", "moon_jae_in")],
        ),
        (
            "short before full is untagged",
            "Moon spoke. Moon Jae-in left.",
            None,
            &[("Moon Jae-in", "moon_jae_in")],
        ),
        (
            "title licenses a short form",
            "President Moon spoke.",
            None,
            &[("Moon", "moon_jae_in")],
        ),
        (
            "title must be the entity's",
            "Prime Minister Moon spoke.",
            None,
            &[],
        ),
        (
            "title on the wrong date",
            "President Moon spoke.",
            Some("2015-01-01"),
            &[],
        ),
        (
            "shared short form: most recent full mention",
            "Park Chung-hee ruled. Park Geun-hye won. Park spoke.",
            None,
            &[
                ("Park Chung-hee", "park_chung_hee"),
                ("Park Geun-hye", "park_geun_hye"),
                ("Park", "park_geun_hye"),
            ],
        ),
        (
            "shared short form without an antecedent",
            "Park spoke.",
            None,
            &[],
        ),
        (
            "short forms are per document, and a short does not license itself",
            "Abe. Abe.",
            None,
            &[],
        ),
    ]);
}

#[test]
fn metonyms_and_exclusions() {
    run(&[
        (
            "metonyms resolve to the state",
            "Seoul and Tokyo clashed; Washington watched.",
            None,
            &[("Seoul", "kr"), ("Tokyo", "jp"), ("Washington", "us")],
        ),
        (
            "exclusions block",
            "the Washington Post and Washington state",
            None,
            &[],
        ),
        ("exclusion in capitals", "WASHINGTON POST", None, &[]),
        (
            "an exclusion ending in a demonym blocks its plural too",
            "Japanese Americans and Americans",
            None,
            &[("Japanese", "jp"), ("Americans", "us")],
        ),
        (
            "a longer name of another entity wins",
            "Seoul National University",
            None,
            &[("Seoul National University", "seoul_city")],
        ),
        (
            "blue house",
            "the Blue House said",
            None,
            &[("Blue House", "kr")],
        ),
    ]);
    let kinds: Vec<&str> = tag("Japan, Japanese, Tokyo", None)
        .into_iter()
        .map(|t| t.2)
        .collect();
    assert_eq!(kinds, ["name", "demonym", "metonym"]);
}

#[test]
fn company_names_keep_their_legal_form() {
    run(&[
        (
            "the suffixes",
            "Nippon Steel Corp. and Nippon Steel Co., Ltd. met Nippon Steel Corporation.",
            None,
            &[
                ("Nippon Steel Corp.", "steel"),
                ("Nippon Steel Co., Ltd.", "steel"),
                ("Nippon Steel Corporation", "steel"),
            ],
        ),
        (
            "only whole suffixes",
            "Nippon Steel Inc shares; Nippon Steel Corporations; Nippon Steel Co-op.",
            None,
            &[
                ("Nippon Steel", "steel"),
                ("Nippon Steel", "steel"),
                ("Nippon Steel", "steel"),
            ],
        ),
        (
            "only after an organisation",
            "Japan Inc. and Seoul Corp. rose.",
            None,
            &[("Japan", "jp"), ("Seoul", "kr")],
        ),
        (
            "a suffix that ends the sentence",
            "Shares fell at Nippon Steel Inc. The yen rose.",
            None,
            &[("Nippon Steel Inc.", "steel")],
        ),
    ]);
}

#[test]
fn roles_by_date() {
    run(&[
        (
            "resolved on the date",
            "The South Korean president spoke.",
            Some("2019-08-22"),
            &[("South Korean president", "moon_jae_in")],
        ),
        (
            "another holder on another date",
            "The South Korean president spoke.",
            Some("2015-12-28"),
            &[("South Korean president", "park_geun_hye")],
        ),
        (
            "undated with two holders falls back to the demonym",
            "The South Korean president spoke.",
            None,
            &[("South Korean", "kr")],
        ),
        (
            "a vacancy falls back too",
            "The South Korean president spoke.",
            Some("2017-04-01"),
            &[("South Korean", "kr")],
        ),
        (
            "any holder is no holder: the demonym counts",
            "It was the first visit by a South Korean president in years.",
            Some("2019-08-22"),
            &[("South Korean", "kr")],
        ),
        (
            "nor is the first to do something",
            "Moon became the first South Korean president to visit.",
            Some("2019-08-22"),
            &[("South Korean", "kr")],
        ),
        (
            "nor none",
            "No South Korean president has visited.",
            Some("2019-08-22"),
            &[("South Korean", "kr")],
        ),
        (
            "a role before a name is a title",
            "South Korean President Moon Jae-in spoke.",
            Some("2019-08-22"),
            &[("South Korean", "kr"), ("Moon Jae-in", "moon_jae_in")],
        ),
        (
            "role licenses the short form",
            "Japan's prime minister arrived. Abe spoke.",
            Some("2019-01-01"),
            &[
                ("Japan's prime minister", "shinzo_abe"),
                ("Abe", "shinzo_abe"),
            ],
        ),
    ]);
    let kinds: Vec<&str> = tag("The South Korean president", Some("2019-01-01"))
        .into_iter()
        .map(|t| t.2)
        .collect();
    assert_eq!(kinds, ["role"]);
}

#[test]
fn offsets_are_bytes_and_chars_of_the_original() {
    let (dict, tagger) = tagger();
    let text = "\u{201C}Tokyo\u{201D} \u{2014} S\u{e9}oul? No: Seoul\u{2019}s Japan \u{1F1EF}\u{1F1F5} Japan";
    let doc = Document::new("t", text);
    let tagged = tagger.tag(&doc);
    let got: Vec<(&str, &str, usize, usize)> = tagged
        .mentions
        .iter()
        .map(|m| {
            (
                dict.entities[m.entity as usize].id.as_str(),
                &text[m.start..m.end],
                m.char_start,
                m.char_end,
            )
        })
        .collect();
    let chars = |s: &str| s.chars().count();
    let at = |needle: &str, nth: usize| text.match_indices(needle).nth(nth).unwrap().0;
    assert_eq!(
        got,
        [
            ("jp", "Tokyo", 1, 6),
            (
                "kr",
                "Seoul",
                chars(&text[..at("Seoul", 0)]),
                chars(&text[..at("Seoul", 0)]) + 5
            ),
            (
                "jp",
                "Japan",
                chars(&text[..at("Japan", 0)]),
                chars(&text[..at("Japan", 0)]) + 5
            ),
            (
                "jp",
                "Japan",
                chars(&text[..at("Japan", 1)]),
                chars(&text[..at("Japan", 1)]) + 5
            ),
        ]
    );
}

#[test]
fn sentences_paragraphs_and_repeats() {
    let (_, tagger) = tagger();
    let text = "Japan and Seoul.\nJapan again. South Korea.\nJapan and Seoul.\n";
    let doc = Document::new("t", text);
    let t = tagger.tag(&doc);
    let where_: Vec<(u32, u32)> = t
        .mentions
        .iter()
        .map(|m| (m.sentence, m.paragraph))
        .collect();
    // The third paragraph repeats the first and is not tagged.
    assert_eq!(where_, [(0, 0), (0, 0), (1, 1), (2, 1)]);
    assert_eq!(t.repeated, [false, false, true]);
    assert_eq!(&text[t.sentences[2].span.clone()], "South Korea.");
}

#[test]
fn front_matter_is_not_tagged_and_offsets_count_from_the_file_start() {
    let (_, tagger) = tagger();
    let mut doc = Document::new("t", "---\ntitle: Japan\n---\nJapan.");
    doc.body_start = 21;
    let t = tagger.tag(&doc);
    assert_eq!(t.mentions.len(), 1);
    assert_eq!((t.mentions[0].start, t.mentions[0].char_start), (21, 21));
}

#[test]
fn case_variants_are_the_documented_ones() {
    assert_eq!(case_variants("US", CaseRule::Auto), ["US"]);
    assert_eq!(
        case_variants("Moon Jae-in", CaseRule::Auto),
        ["MOON JAE-IN", "Moon Jae-in"]
    );
    assert_eq!(
        case_variants("comfort women", CaseRule::Auto),
        [
            "COMFORT WOMEN",
            "Comfort Women",
            "Comfort women",
            "comfort women"
        ]
    );
    assert_eq!(
        case_variants("Japan", CaseRule::Insensitive),
        ["JAPAN", "Japan", "japan"]
    );
    assert_eq!(case_variants("Japan", CaseRule::Exact), ["Japan"]);
}

#[test]
fn odd_inputs_do_not_panic() {
    let (_, tagger) = tagger();
    for text in [
        "",
        "\0",
        "'",
        "Japan",
        "\u{feff}Japan",
        "\u{301}Japan\u{301}",
        "Japan\r\n\r\nSeoul",
        "..........",
        "Moon Jae-in\u{200f}",
    ] {
        let t = tagger.tag(&Document::new("t", text));
        for m in t.mentions {
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        }
    }
}

#[test]
fn a_run_without_sentence_ends_is_cut_into_bounded_sentences() {
    let (_, t) = tagger();
    // No full stop in 100 kB: left whole it would be one sentence, one co-occurrence window
    // of everything, and relation extraction, quadratic in a sentence, would crawl.
    let text = "Japan and South Korea met in Seoul while the US watched and ".repeat(1700);
    let doc = Document::new("d", text.clone());
    let tagged = t.tag(&doc);
    assert!(tagged.sentences.len() >= text.len() / MAX_SENTENCE);
    let mut prev = 0;
    for s in &tagged.sentences {
        assert!(s.span.len() <= MAX_SENTENCE, "{:?}", s.span);
        assert!(s.span.start >= prev);
        let piece = &text[s.span.clone()];
        assert_eq!(piece, piece.trim(), "cut at white space");
        prev = s.span.end;
    }
    // The cuts fall between words, so no word is lost; a two-word name may be.
    let words = |s: &str| s.split_whitespace().count();
    let kept: usize = tagged
        .sentences
        .iter()
        .map(|s| words(&text[s.span.clone()]))
        .sum();
    assert_eq!(kept, words(&text));
    let expected = 4 * 1700;
    let found = tagged.mentions.len();
    assert!(
        found <= expected && found + tagged.sentences.len() >= expected,
        "{found}"
    );
    // Without white space, a cut falls on a character boundary.
    let text = "한".repeat(3 * MAX_SENTENCE);
    let tagged = t.tag(&Document::new("d", text.clone()));
    assert!(tagged.sentences.len() >= 4);
    for s in &tagged.sentences {
        assert!(text.get(s.span.clone()).is_some());
        assert!(s.span.len() <= MAX_SENTENCE);
    }
    // Ordinary sentences are left alone.
    let tagged = t.tag(&Document::new("d", "Japan met Seoul. The US watched."));
    assert_eq!(tagged.sentences.len(), 2);
}
