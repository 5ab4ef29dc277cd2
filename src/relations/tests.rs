//! Relation extraction, case by case: a sentence and the relations expected, with flags.

use super::*;
use crate::corpus::{Date, Document};
use crate::dictionary::Builder;
use crate::tagger::Tagger;

const DICT: &str = r#"{"entities": [
  {"id": "jp", "type": "country", "label": "Japan", "demonyms": ["Japanese"], "metonyms": ["Tokyo"]},
  {"id": "kr", "type": "country", "label": "South Korea", "demonyms": ["South Korean"], "metonyms": ["Seoul"]},
  {"id": "us", "type": "country", "label": "United States", "aliases": [{"text": "US", "case": "exact"}], "metonyms": ["Washington"]},
  {"id": "gsomia", "type": "agreement", "label": "GSOMIA"},
  {"id": "moon", "type": "person", "label": "Moon Jae-in", "short": ["Moon"]},
  {"id": "abe", "type": "person", "label": "Shinzo Abe", "short": ["Abe"]}
]}"#;

/// (subject, relation, object, negated, modality, reversed)
type Row = (String, String, String, bool, String, bool);

fn extract(text: &str) -> Vec<Row> {
    let mut b = Builder::default();
    b.add_json("t.json", DICT).unwrap();
    let dict = b.finish().unwrap();
    let tagger = Tagger::new(&dict).unwrap();
    let rules = RuleSet::embedded().unwrap();
    let doc = Document::new("t", text).with_date(Date::new(2019, 8, 22).unwrap());
    let tagged = tagger.tag(&doc);
    rules
        .extract(&doc, &tagged, &dict)
        .into_iter()
        .map(|r| {
            (
                dict.entities[r.subject as usize].id.clone(),
                r.attrs.relation,
                dict.entities[r.object as usize].id.clone(),
                r.attrs.negated,
                r.attrs.modality,
                r.attrs.reversed,
            )
        })
        .collect()
}

fn row(s: &str, rel: &str, o: &str, negated: bool, modality: &str, reversed: bool) -> Row {
    (
        s.into(),
        rel.into(),
        o.into(),
        negated,
        modality.into(),
        reversed,
    )
}

#[test]
fn active_voice_with_inflections_and_gaps() {
    assert_eq!(
        extract("In July 2019, Japan placed export controls on South Korea."),
        [row("jp", "restricts_trade", "kr", false, "asserted", false)]
    );
    assert_eq!(
        extract("Japan is imposing tighter export curbs against South Korea."),
        [row("jp", "restricts_trade", "kr", false, "asserted", false)]
    );
}

#[test]
fn modality_negation_and_reversal() {
    assert_eq!(
        extract("Seoul announced it would terminate GSOMIA."),
        [row(
            "kr",
            "withdraws_from",
            "gsomia",
            false,
            "planned",
            false
        )]
    );
    assert_eq!(
        extract("South Korea threatened to terminate GSOMIA."),
        [row(
            "kr",
            "threatens_to_withdraw_from",
            "gsomia",
            false,
            "threatened",
            false
        )]
    );
    assert_eq!(
        extract("Japan did not criticise South Korea."),
        [row("jp", "criticises", "kr", true, "asserted", false)]
    );
    assert_eq!(
        extract("Japan refused to criticise South Korea."),
        [row("jp", "criticises", "kr", true, "asserted", false)]
    );
    assert_eq!(
        extract("Japan could criticise South Korea."),
        [row("jp", "criticises", "kr", false, "hypothetical", false)]
    );
    assert_eq!(
        extract("South Korea proposed to cut GSOMIA, only to reinstate the pact later."),
        [row(
            "kr",
            "withdraws_from",
            "gsomia",
            false,
            "proposed",
            true
        )]
    );
}

#[test]
fn coordination_gives_one_edge_per_member() {
    assert_eq!(
        extract("Japan and the United States criticised South Korea."),
        [
            row("jp", "criticises", "kr", false, "asserted", false),
            row("us", "criticises", "kr", false, "asserted", false)
        ]
    );
    assert_eq!(
        extract("Washington urged Tokyo and Seoul to talk."),
        [
            row("us", "pressures", "jp", false, "asserted", false),
            row("us", "pressures", "kr", false, "asserted", false)
        ]
    );
}

#[test]
fn mutual_and_passive_voices() {
    assert_eq!(
        extract("Moon Jae-in and Shinzo Abe sat down for high-level diplomatic talks."),
        [row("abe", "meets", "moon", false, "asserted", false)]
    );
    assert_eq!(
        extract(
            "Shinzo Abe met Moon Jae-in. Ahead of the Moon-Abe summit in Chengdu, Japan eased."
        ),
        [
            row("abe", "meets", "moon", false, "asserted", false),
            row("abe", "meets", "moon", false, "asserted", false)
        ]
    );
    assert_eq!(
        extract("Tokyo and Seoul clashed over radar."),
        [row("jp", "disputes_with", "kr", false, "asserted", false)]
    );
    assert_eq!(
        extract("Moon Jae-in began to face pressure from the United States."),
        [row("us", "pressures", "moon", false, "asserted", false)]
    );
}

#[test]
fn triggers_never_match_inside_mentions_and_types_are_respected() {
    // "United States" is a mention; the pattern words around it must be outside it.
    assert_eq!(
        extract("Japan and South Korea signed nothing."),
        Vec::<Row>::new()
    );
    // A country is not an agreement: no withdraws_from edge to the US.
    assert_eq!(
        extract("South Korea will withdraw from talks with the US."),
        Vec::<Row>::new()
    );
}

#[test]
fn inflections_follow_english_spelling() {
    let f = |w: &str| inflections(w);
    assert!(
        f("impose").iter().any(|x| x == "imposing") && f("impose").iter().any(|x| x == "imposed")
    );
    assert!(f("criticise").contains(&"criticises".to_string()));
    assert!(
        f("ratify").contains(&"ratified".to_string())
            && f("ratify").contains(&"ratifies".to_string())
    );
    assert!(f("meet").contains(&"met".to_string()));
    assert!(f("push").contains(&"pushes".to_string()));
    assert!(f("ban").contains(&"banned".to_string()));
}

#[test]
fn bad_rules_name_the_file_line_and_field() {
    let mut r = RuleSet::default();
    let err = r
        .add_json("r.json", "{\"relations\": {\"meets\": \"meets\"},\n \"rules\": [\n  {\"id\": \"a\", \"relation\": \"meets\", \"pattern\": \"meet~ *99\"}]}")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "r.json:3: rules[0].pattern: bad gap \"*99\": expected *N with N from 1 to 9"
    );
    let err = r
        .add_json("r.json", "{\"relations\": {},\n \"rules\": [\n  {\"id\": \"a\", \"relation\": \"hugs\", \"pattern\": \"hug~\"}]}")
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("r.json:3: rules[0].relation: unknown relation \"hugs\""),
        "{err}"
    );
    let err = r
        .add_json(
            "r.json",
            "{\"rules\": [{\"id\": \"a\", \"relation\": \"meets\", \"pattern\": \"[x\"}]}",
        )
        .unwrap_err();
    assert!(err.to_string().contains("unclosed ["), "{err}");
    let err = r.add_json("r.json", "{\"rules\": [{\"id\": \"a\", \"relation\": \"meets\", \"pattern\": \"meet\", \"voice\": \"loud\"}]}").unwrap_err();
    assert!(err.to_string().contains("unknown voice \"loud\""), "{err}");
}

#[test]
fn the_embedded_rules_load() {
    let r = RuleSet::embedded().unwrap();
    assert!(r.rules.len() >= 20);
    assert!(r.types.iter().any(|t| t.id == "meets" && t.symmetric));
}
