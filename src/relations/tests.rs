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
  {"id": "abe", "type": "person", "label": "Shinzo Abe", "short": ["Abe"]},
  {"id": "cn", "type": "country", "label": "China", "demonyms": ["Chinese"], "metonyms": ["Beijing"]},
  {"id": "tr", "type": "country", "label": "Türkiye", "demonyms": ["Turkish"], "metonyms": ["Ankara"]},
  {"id": "park", "type": "person", "label": "Park Geun-hye", "short": ["Park"]},
  {"id": "obama", "type": "person", "label": "Barack Obama", "short": ["Obama"]},
  {"id": "navy", "type": "organisation", "label": "ROK Navy", "aliases": ["South Korean Navy"]},
  {"id": "controls", "type": "event", "label": "2019 export controls", "aliases": ["export controls", "export curbs"]},
  {"id": "boycott", "type": "event", "label": "2019 boycott", "aliases": ["boycott of Japanese goods"]},
  {"id": "chengdu", "type": "event", "label": "2019 Chengdu summit", "aliases": ["summit in Chengdu"]}
]}"#;

/// (subject, relation, object, negated, modality, reversed)
type Row = (String, String, String, bool, String, bool);

fn extract(text: &str) -> Vec<Row> {
    extract_with(&RuleSet::embedded().unwrap(), text)
}

/// Rows of the relations that `rules` find in `text`, tagged with the test dictionary.
fn extract_with(rules: &RuleSet, text: &str) -> Vec<Row> {
    let mut b = Builder::default();
    b.add_json("t.json", DICT).unwrap();
    let dict = b.finish().unwrap();
    let tagger = Tagger::new(&dict).unwrap();
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

/// An expected relation: subject, relation, object, negated, modality, reversed.
type Want<'a> = (&'a str, &'a str, &'a str, bool, &'a str, bool);

/// Checks each sentence against the relations expected of it, listing every mismatch.
fn check(cases: &[(&str, &[Want])]) {
    let mut wrong = Vec::new();
    for &(text, want) in cases {
        let want: Vec<Row> = want
            .iter()
            .map(|&(s, r, o, n, m, v)| row(s, r, o, n, m, v))
            .collect();
        let got = extract(text);
        if got != want {
            wrong.push(format!("{text}\n  expected: {want:?}\n  got:      {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

const MEETS: &str = "meets";
const CRITICISES: &str = "criticises";
const WITHDRAWS: &str = "withdraws_from";

#[test]
fn a_place_after_in_or_at_and_a_party_past_a_subordinate_clause_are_no_objects() {
    check(&[
        (
            "Moon Jae-in met Shinzo Abe in Tokyo.",
            &[("abe", MEETS, "moon", false, "asserted", false)],
        ),
        // The place is not the other party, whether or not a party comes before it.
        ("Shinzo Abe met in Beijing on Monday.", &[]),
        (
            "Shinzo Abe met in Beijing with Moon Jae-in.",
            &[("abe", MEETS, "moon", false, "asserted", false)],
        ),
        // Past the place, a party in a clause of its own is not an object either.
        (
            "Japan and South Korea met in Seoul while Washington watched.",
            &[("jp", MEETS, "kr", false, "asserted", false)],
        ),
        (
            "Japan criticised Seoul because China objected.",
            &[("jp", CRITICISES, "kr", false, "asserted", false)],
        ),
        // A preposition that the trigger spells is no place ("pressure on").
        (
            "Washington put pressure on Seoul.",
            &[("us", "pressures", "kr", false, "asserted", false)],
        ),
    ]);
}

#[test]
fn a_headline_lists_its_parties_with_commas_but_an_apposition_is_one_party() {
    check(&[
        (
            "Moon Jae-in, Shinzo Abe hold first formal summit in 15 months",
            &[("abe", MEETS, "moon", false, "asserted", false)],
        ),
        // Not from the sentence's start, of two types, or not right before the trigger: the
        // comma closes a clause or opens an apposition.
        (
            "After meeting Shinzo Abe, Moon Jae-in criticised Japan.",
            &[("moon", CRITICISES, "jp", false, "asserted", false)],
        ),
        (
            "Seoul, South Korea criticised Japan.",
            &[("kr", CRITICISES, "jp", false, "asserted", false)],
        ),
        (
            "Japan's leader, Shinzo Abe, criticised Seoul.",
            &[("abe", CRITICISES, "kr", false, "asserted", false)],
        ),
    ]);
}

#[test]
fn a_plan_given_up_before_the_act_is_reversed_and_not_an_act_of_its_own() {
    check(&[
        (
            "Seoul backed down from its threat to scrap GSOMIA.",
            &[(
                "kr",
                "threatens_to_withdraw_from",
                "gsomia",
                false,
                "threatened",
                true,
            )],
        ),
        (
            "South Korea abandoned its plan to end GSOMIA.",
            &[("kr", WITHDRAWS, "gsomia", false, "planned", true)],
        ),
        (
            "South Korea announced plans to terminate GSOMIA.",
            &[("kr", WITHDRAWS, "gsomia", false, "planned", false)],
        ),
        // Putting a decision on hold undoes it, in the base form after "will" too.
        (
            "South Korea said it will suspend its decision to end GSOMIA.",
            &[("kr", WITHDRAWS, "gsomia", false, "planned", true)],
        ),
        (
            "Seoul suspended its decision to terminate GSOMIA.",
            &[("kr", WITHDRAWS, "gsomia", false, "asserted", true)],
        ),
    ]);
}

#[test]
fn lower_case_titles_passives_with_gaps_and_agents_of_other_verbs() {
    check(&[
        // A country before a title in lower case modifies the person.
        (
            "Shinzo Abe criticised South Korean president Moon Jae-in.",
            &[("abe", CRITICISES, "moon", false, "asserted", false)],
        ),
        // "by" a few words after the participle still names the agent.
        (
            "Seoul was criticised on Monday by Tokyo.",
            &[("jp", CRITICISES, "kr", false, "asserted", false)],
        ),
        // "by" and a gerund is a means; the agent of one passive is no party to the next verb.
        (
            "Japan retaliated by criticising South Korea.",
            &[("jp", CRITICISES, "kr", false, "asserted", false)],
        ),
        (
            "Japan, backed by Washington, criticised Seoul.",
            &[("jp", CRITICISES, "kr", false, "asserted", false)],
        ),
        (
            "The plan was approved by Seoul and criticised by Tokyo.",
            &[],
        ),
        // "no intention of" negates, and names a plan.
        (
            "Seoul has no intention of pulling out of GSOMIA.",
            &[("kr", WITHDRAWS, "gsomia", true, "planned", false)],
        ),
    ]);
}

#[test]
fn a_destination_or_a_city_where_it_happened_is_no_subject() {
    check(&[
        (
            "Moon Jae-in will travel to Beijing to meet Shinzo Abe.",
            &[("abe", MEETS, "moon", false, "planned", false)],
        ),
        (
            "Moon Jae-in flew to Tokyo to meet Shinzo Abe.",
            &[("abe", MEETS, "moon", false, "asserted", false)],
        ),
        // A country's name after "in" can modify a noun.
        (
            "Officials in US policy circles criticised Seoul.",
            &[("us", CRITICISES, "kr", false, "asserted", false)],
        ),
    ]);
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
    // One syllable, one vowel, one consonant: the consonant doubles.
    assert!(
        f("slam").contains(&"slammed".to_string()) && !f("slam").contains(&"slamed".to_string())
    );
    assert!(f("snub").contains(&"snubbing".to_string()));
    assert!(f("cut").contains(&"cutting".to_string()));
    assert!(f("feud").contains(&"feuded".to_string()));
    assert!(f("row").contains(&"rowed".to_string()));
    assert!(f("offer").contains(&"offered".to_string()));
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

/// Only the (subject, relation, object) of each row, sorted.
fn triples(rows: Vec<Row>) -> Vec<(String, String, String)> {
    let mut t: Vec<_> = rows.into_iter().map(|r| (r.0, r.1, r.2)).collect();
    t.sort();
    t.dedup();
    t
}

fn triple(s: &str, rel: &str, o: &str) -> (String, String, String) {
    (s.into(), rel.into(), o.into())
}

#[test]
fn titles_and_demonyms_in_front_of_names_belong_to_the_name() {
    assert_eq!(
        extract("President Moon Jae-in and PM Shinzo Abe sat down for high-level talks."),
        [row("abe", "meets", "moon", false, "asserted", false)]
    );
    // The demonyms are modifiers, not parties, and Obama only arranged the meeting.
    assert_eq!(
        extract(
            "In 2014, Obama brought South Korean President Park Geun-hye and Japanese Prime \
             Minister Shinzo Abe together for their first face-to-face talks."
        ),
        [row("abe", "meets", "park", false, "asserted", false)]
    );
    assert_eq!(
        triples(extract(
            "Japan criticised South Korean President Moon Jae-in."
        )),
        [triple("jp", "criticises", "moon")]
    );
    // "former" and "then" may stand before a title.
    assert_eq!(
        triples(extract(
            "China and former President Park Geun-hye clashed over trade."
        )),
        [triple("cn", "disputes_with", "park")]
    );
}

#[test]
fn a_list_ends_at_its_and_and_commas_alone_are_an_apposition() {
    assert_eq!(
        triples(extract(
            "There is a spat between Japan and South Korea, and the United States worries."
        )),
        [triple("jp", "disputes_with", "kr")]
    );
    assert_eq!(
        triples(extract(
            "South Korea criticised Shinzo Abe, Japan's leader."
        )),
        [triple("kr", "criticises", "abe")]
    );
    assert_eq!(
        triples(extract("Tokyo, Seoul and Washington criticised Beijing.")),
        [
            triple("jp", "criticises", "cn"),
            triple("kr", "criticises", "cn"),
            triple("us", "criticises", "cn")
        ]
    );
}

#[test]
fn between_pairs_its_two_sides_across_a_short_phrase() {
    assert_eq!(
        triples(extract(
            "The stand-off between the administration of President Moon Jae-in in South Korea \
             and Prime Minister Shinzo Abe in Japan continues."
        )),
        [triple("abe", "disputes_with", "moon")]
    );
    assert_eq!(
        triples(extract(
            "A dispute over rules of engagement between a South Korean Navy vessel and Japanese \
             reconnaissance plane flared."
        )),
        [triple("jp", "disputes_with", "navy")]
    );
}

#[test]
fn mutual_groups_relate_every_pair_on_the_side_the_rule_names() {
    assert_eq!(
        triples(extract(
            "The renewed US-Japan-South Korea cooperation did not last."
        )),
        [
            triple("jp", "cooperates_with", "kr"),
            triple("jp", "cooperates_with", "us"),
            triple("kr", "cooperates_with", "us")
        ]
    );
    // A summit that is a mention of an event is a trigger; "X-Y summit" looks left only.
    assert_eq!(
        triples(extract(
            "Moon Jae-in met Shinzo Abe. Ahead of the Moon-Abe summit in Chengdu, Japan eased."
        )),
        [triple("abe", "meets", "moon")]
    );
    assert_eq!(
        extract("After the summit Moon Jae-in and Shinzo Abe went home."),
        Vec::<Row>::new()
    );
    // En dashes join like hyphens.
    assert_eq!(
        triples(extract("The Japan\u{2013}South Korea cooperation ended.")),
        [triple("jp", "cooperates_with", "kr")]
    );
}

#[test]
fn a_negator_counts_only_when_it_governs_the_trigger() {
    assert_eq!(
        extract("The decision did not resolve the icy tensions between South Korea and Japan."),
        [row("jp", "disputes_with", "kr", false, "asserted", false)]
    );
    assert_eq!(
        extract("Japan did not want to openly criticise South Korea."),
        [row("jp", "criticises", "kr", true, "planned", false)]
    );
    assert_eq!(
        extract("Japan no longer supports South Korea."),
        [row("jp", "supports", "kr", true, "asserted", false)]
    );
    assert_eq!(
        extract("There were no talks between Japan and South Korea."),
        [row("jp", "meets", "kr", true, "asserted", false)]
    );
    assert_eq!(
        triples(extract(
            "The United States is no longer a link connecting its allies Japan and South Korea."
        )),
        [
            triple("jp", "allied_with", "us"),
            triple("kr", "allied_with", "us")
        ]
    );
    assert!(
        extract(
            "The United States is no longer a link connecting its allies Japan and South Korea."
        )
        .iter()
        .all(|r| !r.3)
    );
}

#[test]
fn mentions_can_be_triggers_and_gaps_cross_mentions_of_other_types() {
    assert_eq!(
        extract("South Korea returned the favor, setting off a boycott of Japanese goods."),
        [row("kr", "restricts_trade", "jp", false, "asserted", false)]
    );
    assert_eq!(
        extract("Japanese export controls placed upon materials used by South Korean firms."),
        [row("jp", "restricts_trade", "kr", false, "asserted", false)]
    );
    let mut rules = RuleSet::default();
    rules
        .add_json(
            "r.json",
            r#"{"relations": {"praises": "praises"}, "rules": [
                {"id": "p", "relation": "praises", "pattern": "praise~ *2 for",
                 "subject": ["country"], "object": ["country"]}]}"#,
        )
        .unwrap();
    // A gap may skip an event, not a country.
    assert_eq!(
        triples(extract_with(
            &rules,
            "Japan praised the summit in Chengdu for China."
        )),
        [triple("jp", "praises", "cn")]
    );
    assert_eq!(
        extract_with(&rules, "Japan praised South Korea for China."),
        Vec::<Row>::new()
    );
}

#[test]
fn an_object_slot_names_the_object_inside_the_pattern() {
    assert_eq!(
        extract(
            "The South Korean High Court ordered Japanese companies to financially compensate \
             Korean people."
        ),
        [row(
            "kr",
            "demands_compensation_from",
            "jp",
            false,
            "asserted",
            false
        )]
    );
    assert_eq!(
        triples(extract(
            "Tokyo accused a South Korean vessel of locking its radar."
        )),
        [triple("jp", "accuses", "kr")]
    );
}

#[test]
fn modality_words_of_plans_and_beliefs() {
    let modality = |text: &str| -> Vec<String> { extract(text).into_iter().map(|r| r.4).collect() };
    assert_eq!(
        modality("Japan wanted to openly criticise China."),
        ["planned"]
    );
    assert_eq!(
        modality("Moon Jae-in is determined to reverse the policies of Shinzo Abe."),
        ["planned"]
    );
    assert_eq!(
        modality("Shinzo Abe's determined opposition to South Korea."),
        ["asserted"]
    );
    assert_eq!(
        modality("Washington's objective is for Japan and South Korea to cooperate."),
        ["planned"]
    );
    assert_eq!(
        modality("A long coveted strategy in US circles is an alliance with Tokyo."),
        ["planned"]
    );
    assert_eq!(
        modality(
            "Seoul thought that its influence would bring the United States and China to the \
             negotiating table."
        ),
        ["hypothetical"]
    );
    assert_eq!(
        modality("In May 2019, Japan criticised South Korea."),
        ["asserted"]
    );
    assert_eq!(
        modality("Japan may criticise South Korea."),
        ["hypothetical"]
    );
}

#[test]
fn the_next_sentence_can_reverse_a_statement() {
    let reversed = |text: &str| -> Vec<bool> { extract(text).into_iter().map(|r| r.5).collect() };
    assert_eq!(
        reversed("Seoul announced it would terminate GSOMIA. It later backed down after pressure."),
        [true]
    );
    assert_eq!(
        reversed("Seoul announced it would terminate GSOMIA. Seoul reversed course in November."),
        [true]
    );
    assert_eq!(
        reversed("Seoul announced it would terminate GSOMIA. But Tokyo later backed down."),
        [false]
    );
    // Another paragraph is another topic.
    assert_eq!(
        reversed("Seoul announced it would terminate GSOMIA.\n\nIt later backed down."),
        [false]
    );
    assert_eq!(
        reversed("Seoul said it would terminate GSOMIA, then made a U-turn."),
        [true]
    );
}

#[test]
fn a_participle_after_a_comma_takes_the_subject_of_its_clause() {
    assert_eq!(
        triples(extract(
            "In July, the government of Japanese Prime Minister Shinzo Abe placed export \
             controls on chips for South Korean firms, accusing Seoul of breaking sanctions."
        )),
        [
            triple("abe", "accuses", "kr"),
            triple("abe", "restricts_trade", "kr")
        ]
    );
    // No statement before it: the subject of the previous past-tense verb.
    assert_eq!(
        triples(extract("South Korea hosted China, condemning Japan.")),
        [triple("kr", "criticises", "jp")]
    );
}

#[test]
fn allies_as_modifiers() {
    assert_eq!(
        triples(extract(
            "Japan and South Korea, both US allies, work on it."
        )),
        [
            triple("jp", "allied_with", "us"),
            triple("kr", "allied_with", "us")
        ]
    );
    assert_eq!(
        triples(extract(
            "The consensus among US allies Japan and South Korea holds."
        )),
        [
            triple("jp", "allied_with", "us"),
            triple("kr", "allied_with", "us")
        ]
    );
    assert_eq!(
        triples(extract("Japan remains an ally of the United States.")),
        [triple("jp", "allied_with", "us")]
    );
}

#[test]
fn unicode_text_is_read_correctly() {
    assert_eq!(
        triples(extract(
            "Tokyo\u{2019}s rejection of Seoul\u{2019}s offer angered many."
        )),
        [triple("jp", "rejects", "kr")]
    );
    assert_eq!(
        triples(extract("Türkiye criticised Japan\u{2019}s decision.")),
        [triple("tr", "criticises", "jp")]
    );
    assert_eq!(
        extract("Turkish officials didn\u{2019}t criticise Japan."),
        [row("tr", "criticises", "jp", true, "asserted", false)]
    );
    // Pattern words outside ASCII, in any case.
    let mut rules = RuleSet::default();
    rules
        .add_json(
            "r.json",
            r#"{"relations": {"criticises": "criticises"}, "rules": [
                {"id": "fr", "relation": "criticises", "pattern": "critiqué"}]}"#,
        )
        .unwrap();
    assert_eq!(
        triples(extract_with(&rules, "Türkiye a CRITIQUÉ Japan.")),
        [triple("tr", "criticises", "jp")]
    );
}

#[test]
fn bad_mention_tokens_and_sides_are_reported() {
    let load = |rule: &str| {
        let mut r = RuleSet::default();
        r.add_json(
            "r.json",
            &format!(r#"{{"relations": {{"meets": "meets"}}, "rules": [{rule}]}}"#),
        )
        .map(|_| r)
    };
    let err = |rule: &str| load(rule).unwrap_err().to_string();
    assert!(
        err(r#"{"id": "a", "relation": "meets", "pattern": "meet~ @obj", "voice": "mutual"}"#)
            .contains("@obj needs the active or passive voice")
    );
    assert!(
        err(r#"{"id": "a", "relation": "meets", "pattern": "meet~", "side": "left"}"#)
            .contains("only a mutual rule has a side")
    );
    assert!(
        err(r#"{"id": "a", "relation": "meets", "pattern": "meet~", "voice": "mutual", "side": "up"}"#)
            .contains("unknown side")
    );
    assert!(
        err(r#"{"id": "a", "relation": "meets", "pattern": "meet~ [@event]"}"#)
            .contains("cannot be optional")
    );
    assert!(
        err(r#"{"id": "a", "relation": "meets", "pattern": "@obj meet~ @obj"}"#)
            .contains("only one @obj")
    );
    assert!(
        err(r#"{"id": "a", "relation": "meets", "pattern": "@event"}"#)
            .contains("at least one required word")
    );
    let rules =
        load(r#"{"id": "a", "relation": "meets", "pattern": "@weather:storm meet~"}"#).unwrap();
    let mut b = Builder::default();
    b.add_json("t.json", DICT).unwrap();
    let dict = b.finish().unwrap();
    assert!(
        rules
            .check_types(&dict)
            .unwrap_err()
            .to_string()
            .contains("unknown entity type \"weather\"")
    );
}

/// Time spent in [`RuleSet::extract`] against [`Tagger::tag`] over a corpus, document after
/// document as the pipeline calls them, over documents held in memory, best of three rounds:
/// `KGRAPH_BENCH_CORPUS=FILE [KGRAPH_BENCH_DICT=FILE] cargo test --release --lib
/// relations::tests::extract_cost -- --ignored --nocapture` (the embedded dictionary without
/// a dictionary file).
#[test]
#[ignore = "a measurement: needs KGRAPH_BENCH_CORPUS"]
fn extract_cost() {
    use std::time::Instant;
    let Ok(corpus) = std::env::var("KGRAPH_BENCH_CORPUS") else {
        return;
    };
    let dict = match std::env::var("KGRAPH_BENCH_DICT") {
        Ok(path) => {
            let mut b = Builder::default();
            b.add_path(std::path::Path::new(&path)).unwrap();
            b.finish().unwrap()
        }
        Err(_) => Dictionary::embedded().unwrap(),
    };
    let rules = RuleSet::embedded().unwrap();
    rules.check_types(&dict).unwrap();
    let tagger = Tagger::new(&dict).unwrap();
    let inputs = [crate::corpus::Input::parse(&corpus)];
    let reader = crate::corpus::Reader::open(&inputs, Default::default()).unwrap();
    let docs: Vec<Document> = reader.map(|d| d.unwrap()).collect();
    let (mut tag, mut extract, mut mentions, mut found) = (f64::MAX, f64::MAX, 0, 0);
    for _ in 0..3 {
        let (mut t, mut x) = (0.0, 0.0);
        (mentions, found) = (0, 0);
        for doc in &docs {
            let t0 = Instant::now();
            let tagged = tagger.tag(doc);
            let t1 = Instant::now();
            found += rules.extract(doc, &tagged, &dict).len();
            t += (t1 - t0).as_secs_f64();
            x += t1.elapsed().as_secs_f64();
            mentions += tagged.mentions.len();
        }
        (tag, extract) = (tag.min(t), extract.min(x));
    }
    eprintln!(
        "{} documents, {mentions} mentions, {found} relations: tag {tag:.3} s, extract \
         {extract:.3} s, ratio {:.3}",
        docs.len(),
        extract / tag
    );
}

#[test]
fn lexicon_finds_exactly_its_forms() {
    let forms: Vec<String> = [
        "a",
        "to",
        "row",
        "ally",
        "allies",
        "between",
        "negotiations",
        "confrontations",
        "implementations",
        "counter-measures",
        "über",
        "zusammenarbeit",
        "didn't",
        "a-very-long-form-indeed",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let with_entries: Vec<(String, u32)> = forms
        .iter()
        .enumerate()
        .map(|(i, f)| (f.clone(), i as u32))
        .collect();
    let lex = Lexicon::new(&with_entries);
    for (f, e) in &with_entries {
        assert_eq!(lex.get(f.as_bytes()), Some(*e), "{f}");
    }
    // Every other word of the seeds, and every prefix and suffix of the forms.
    let mut words: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        words.extend(
            text.split(|c: char| !c.is_alphanumeric() && c != '\'')
                .map(str::to_lowercase),
        );
    }
    for f in &forms {
        for i in 0..f.len() {
            for part in [f.get(..i), f.get(i..), f.get(1..i)] {
                words.extend(part.map(str::to_string));
            }
        }
        words.push(format!("{f}s"));
    }
    for w in &words {
        let expected = with_entries.iter().find(|(f, _)| f == w).map(|p| p.1);
        assert_eq!(lex.get(w.as_bytes()), expected, "{w:?}");
    }
}

/// Words as (span, lower-case form).
type Split = Vec<(Range<usize>, String)>;

/// The words from [`split_masks`] and from [`split_chars`], when the first takes the
/// sentence.
fn both_splits(text: &str, ms: &[Mention]) -> Option<(Split, Split)> {
    let span = 0..text.len();
    let (mut fast, mut slow) = (Vec::new(), Vec::new());
    let (mut fast_lower, mut slow_lower) = (String::new(), String::new());
    if !split_masks(text, span.clone(), ms, &mut fast, &mut fast_lower) {
        return None;
    }
    split_chars(text, span, ms, &mut slow, &mut slow_lower, usize::MAX);
    let pairs = |words: Vec<Word>, lower: &str| {
        words
            .into_iter()
            .map(|w| (w.span, lower[w.lower].to_string()))
            .collect()
    };
    Some((pairs(fast, &fast_lower), pairs(slow, &slow_lower)))
}

fn mention_at(start: usize, end: usize) -> Mention {
    Mention {
        entity: 0,
        kind: crate::dictionary::AliasKind::Name,
        start,
        end,
        char_start: start,
        char_end: end,
        sentence: 0,
        paragraph: 0,
    }
}

#[test]
fn mask_split_is_the_byte_loop_split() {
    // Hand-picked cases: apostrophes, possessives, mentions in and around words.
    let cases: &[(&str, &[(usize, usize)])] = &[
        ("Japan's export curbs didn't work.", &[(0, 5)]),
        ("Japan’s export curbs didn’t work “now”.", &[(0, 5)]),
        ("Japan's", &[(0, 5)]),
        ("Japan’s", &[(0, 5)]),
        (
            "Japan'sx and Japan's' and Japan's-",
            &[(0, 5), (13, 18), (26, 31)],
        ),
        (
            "Japan’sé and Japan’s’ and Japan’s—",
            &[(0, 5), (15, 20), (30, 35)],
        ),
        ("'tis rock'n'roll o'clock ''a'' b'' 'c", &[]),
        ("’tis rock’n’roll o’clock ’’a’’ b’’ ’c a'é a’é", &[]),
        ("KoreaJapan's", &[(0, 5), (5, 10)]),
        ("ab'cd", &[(0, 2)]),
        ("ab'cd", &[(3, 5)]),
        ("ab'cd", &[(2, 3)]),
        ("ab’cd", &[(0, 2)]),
        ("ab’cd", &[(5, 7)]),
        ("abcd efg", &[(1, 3), (5, 7)]),
        ("x1y2 3z, 42; A-B/C", &[(8, 10)]),
        (
            "Türkiye's İstanbul \u{212a}elvin Ωmega, 東京 — ½ ²",
            &[(0, 8)],
        ),
        ("Seoul's", &[(0, 5)]),
        ("", &[]),
    ];
    for &(text, spans) in cases {
        let ms: Vec<Mention> = spans.iter().map(|&(s, e)| mention_at(s, e)).collect();
        let (fast, slow) = both_splits(text, &ms).unwrap_or_else(|| panic!("{text:?}"));
        assert_eq!(fast, slow, "{text:?} {spans:?}");
    }
    // Random sentences of letters, digits, apostrophes, punctuation and a few characters
    // outside ASCII, with random mentions, up to the longest the masks take and past it.
    let alphabet: Vec<char> = "aZs'' ''\t.,-9Qk'sssé’’“—\u{212a}İ東ß".chars().collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut checked = 0;
    for round in 0..30_000 {
        let len = if round % 100 == 0 {
            900 + next(300)
        } else {
            next(80)
        };
        let chars: Vec<char> = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
        let text: String = chars.iter().collect();
        let offset = |c: usize| chars[..c].iter().map(|c| c.len_utf8()).sum::<usize>();
        let mut ms = Vec::new();
        let mut p = 0;
        while p < len && ms.len() < 6 {
            let start = p + next(12);
            let end = start + 1 + next(8);
            if end > len {
                break;
            }
            ms.push(mention_at(offset(start), offset(end)));
            p = end + next(3);
        }
        if let Some((fast, slow)) = both_splits(&text, &ms) {
            assert_eq!(fast, slow, "{text:?} {ms:?}");
            checked += 1;
        }
    }
    assert!(checked > 25_000, "{checked}");
}

#[test]
fn few_lists_spill_to_the_heap() {
    let mut few: Few<usize> = Few::new();
    let mut vec = Vec::new();
    for i in 0..20 {
        few.push(i);
        vec.push(i);
        assert_eq!(&few[..], &vec[..]);
    }
    few.reverse();
    vec.reverse();
    few.copy_within(3..=9, 0);
    vec.copy_within(3..=9, 0);
    few.truncate(7);
    vec.truncate(7);
    assert_eq!(&few[..], &vec[..]);
    let mut short: Few<usize> = Few::new();
    short.push(4);
    short.push(5);
    short.truncate(9);
    assert_eq!(&short[..], &[4, 5]);
}

thread_local! {
    /// Makes [`tokenize`] split every sentence with the byte loop, on this thread.
    pub(super) static BYTE_LOOP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Every sentence of the seeds, tagged with the embedded dictionary, split as words (span,
/// lower-case form, mention) with the masks or with the byte loop.
#[test]
fn seeds_split_and_give_the_same_relations_with_the_byte_loop() {
    let dict = Dictionary::embedded().unwrap();
    let tagger = Tagger::new(&dict).unwrap();
    let rules = RuleSet::embedded().unwrap();
    let split = |doc: &Document, tagged: &TaggedDocument, s: usize| {
        let span = tagged.sentences[s].span.clone();
        let ms: Vec<Mention> = tagged
            .mentions
            .iter()
            .filter(|m| m.sentence as usize == s)
            .cloned()
            .collect();
        let (mut words, mut lower, mut owner) = (Vec::new(), String::new(), Vec::new());
        tokenize(
            &doc.text,
            span,
            &ms,
            &mut words,
            &mut lower,
            &mut owner,
            usize::MAX,
        );
        words
            .iter()
            .zip(&owner)
            .map(|(w, o)| (w.span.clone(), lower[w.lower.clone()].to_string(), *o))
            .collect::<Vec<_>>()
    };
    let (mut found, mut sentences) = (0, 0);
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds")).unwrap() {
        let path = entry.unwrap().path();
        let doc = Document::new("seed", std::fs::read_to_string(&path).unwrap());
        let tagged = tagger.tag(&doc);
        for s in 0..tagged.sentences.len() {
            let fast = split(&doc, &tagged, s);
            BYTE_LOOP.set(true);
            let slow = split(&doc, &tagged, s);
            BYTE_LOOP.set(false);
            assert_eq!(fast, slow, "{} sentence {s}", path.display());
            sentences += 1;
        }
        let fast = rules.extract(&doc, &tagged, &dict);
        BYTE_LOOP.set(true);
        let slow = rules.extract(&doc, &tagged, &dict);
        BYTE_LOOP.set(false);
        assert_eq!(fast, slow, "{}", path.display());
        found += fast.len();
    }
    assert!(sentences > 200 && found > 50, "{sentences} {found}");
}

#[test]
fn every_undoing_has_a_stem() {
    let cues = [
        "backed",
        "back",
        "backs",
        "backing",
        "down",
        "reversed",
        "reverses",
        "reversing",
        "course",
        "walked",
        "changed",
        "u",
        "turn",
        "rescinded",
        "reinstated",
        "reinstate",
        "reinstating",
        "reverse",
        "backdown",
        "turned",
        "the",
        "it",
    ];
    for a in cues {
        for b in cues {
            let words = [a, b];
            for end in 1..=2 {
                if undoes(&|i| words[i], 0, end) {
                    let text = words[..end].join(" ");
                    assert!(UNDOING_STEMS.iter().any(|s| text.contains(s)), "{text:?}");
                }
            }
        }
    }
}

#[test]
fn an_active_verb_in_the_passive_takes_its_agent_after_by() {
    assert_eq!(
        extract("South Korea was sharply criticised by Japan on Monday."),
        [row("jp", "criticises", "kr", false, "asserted", false)]
    );
    assert_eq!(
        extract("South Korea has been accused by Japan of lying."),
        [row("jp", "accuses", "kr", false, "asserted", false)]
    );
    assert_eq!(
        extract("GSOMIA, scrapped by Seoul in August, was restored."),
        [row(
            "kr",
            "withdraws_from",
            "gsomia",
            false,
            "asserted",
            false
        )]
    );
    // "stood by" spells its own "by": not a passive.
    assert_eq!(
        extract("Japan stood by GSOMIA."),
        [row("jp", "upholds", "gsomia", false, "asserted", false)]
    );
}

#[test]
fn a_question_states_nothing() {
    assert_eq!(
        extract("It is unclear whether South Korea will scrap GSOMIA."),
        []
    );
    assert_eq!(
        extract("Analysts debated whether the US should pressure Japan."),
        []
    );
}

#[test]
fn a_country_before_a_counterpart_modifies_the_person() {
    assert_eq!(
        triples(extract(
            "Moon Jae-in held talks with his Japanese counterpart Shinzo Abe."
        )),
        [triple("abe", "meets", "moon")]
    );
}

#[test]
fn a_trigger_starting_inside_an_earlier_one_is_the_same_statement() {
    // "withdraw from" starts inside "threatened to withdraw": one statement, the threat.
    assert_eq!(
        extract("South Korea threatened to withdraw from GSOMIA."),
        [row(
            "kr",
            "threatens_to_withdraw_from",
            "gsomia",
            false,
            "threatened",
            false
        )]
    );
}

#[test]
fn what_a_party_is_urged_to_do_is_not_stated() {
    assert_eq!(
        extract("Washington urged Tokyo to hold talks with Seoul."),
        [row("us", "pressures", "jp", false, "asserted", false)]
    );
    assert_eq!(
        extract("Japan called on South Korea to abide by GSOMIA."),
        [row("jp", "pressures", "kr", false, "asserted", false)]
    );
}

#[test]
fn a_subject_is_read_across_its_clause() {
    // "it" after "that" stands for the main clause's subject, not the nearest country.
    assert_eq!(
        extract("South Korea notified Japan that it would end GSOMIA."),
        [row(
            "kr",
            "withdraws_from",
            "gsomia",
            false,
            "planned",
            false
        )]
    );
    // A subordinate clause between them: the mention before it is not the subject.
    assert_eq!(
        extract("Support for Moon Jae-in fell as the dispute with Japan dragged on."),
        []
    );
}

#[test]
fn a_verb_after_and_takes_the_subject_of_the_first_verb() {
    check(&[
        // The nearest country is an object of the first verb; the subject opens the sentence.
        (
            "Shinzo Abe called Seoul's handling of the row regrettable on Friday and accused South Korea of lying.",
            &[
                ("abe", CRITICISES, "kr", false, "asserted", false),
                ("abe", "accuses", "kr", false, "asserted", false),
            ],
        ),
        (
            "Barack Obama has warned he could pull troops out of South Korea and has threatened to scrap GSOMIA.",
            &[(
                "obama",
                "threatens_to_withdraw_from",
                "gsomia",
                false,
                "threatened",
                false,
            )],
        ),
        // A new clause after a comma and "and" keeps its own subject.
        (
            "Japan met China on Monday, and South Korea criticised China.",
            &[
                ("cn", MEETS, "jp", false, "asserted", false),
                ("kr", CRITICISES, "cn", false, "asserted", false),
            ],
        ),
        // Coordinated subjects right before the verb are the subjects, as before.
        (
            "Japan and South Korea criticised China.",
            &[
                ("jp", CRITICISES, "cn", false, "asserted", false),
                ("kr", CRITICISES, "cn", false, "asserted", false),
            ],
        ),
        // A party governed by a preposition does not open the clause.
        (
            "After talks with China, Japan met Moon Jae-in and criticised South Korea.",
            &[
                ("jp", MEETS, "moon", false, "asserted", false),
                ("jp", CRITICISES, "kr", false, "asserted", false),
            ],
        ),
    ]);
}

#[test]
fn neither_nor_and_a_refusal_negate() {
    check(&[
        (
            "Neither Seoul nor Tokyo has publicly criticised Washington.",
            &[
                ("kr", CRITICISES, "us", true, "asserted", false),
                ("jp", CRITICISES, "us", true, "asserted", false),
            ],
        ),
        (
            "Moon Jae-in's refusal to honour GSOMIA has angered Tokyo.",
            &[("moon", "upholds", "gsomia", true, "asserted", false)],
        ),
    ]);
}

#[test]
fn a_passive_acts_on_its_subject_not_on_a_topic_after_over() {
    check(&[
        (
            "Tokyo's demand for an apology over the export controls was rebuffed by Seoul.",
            &[("kr", "rejects", "jp", false, "asserted", false)],
        ),
        // A possessive opening the sentence, farther than the rule's distance.
        (
            "Japan's plan to release treated water from the crippled plant into the sea was sharply criticised by China.",
            &[("cn", CRITICISES, "jp", false, "asserted", false)],
        ),
    ]);
}

#[test]
fn an_attributive_participle_names_no_actor() {
    check(&[
        (
            "Japan would impose sanctions on South Korea if the seized assets of Japanese companies were sold.",
            &[("jp", "sanctions", "kr", false, "planned", false)],
        ),
        (
            "South Korea seized the assets of Japanese companies.",
            &[("kr", "seizes_assets_of", "jp", false, "asserted", false)],
        ),
    ]);
}

#[test]
fn a_headline_list_reaches_its_trigger_across_a_short_verb_phrase() {
    check(&[
        (
            "South Korea, US agree to renew GSOMIA",
            &[
                ("kr", "remains_in", "gsomia", false, "asserted", false),
                ("us", "remains_in", "gsomia", false, "asserted", false),
            ],
        ),
        // A comma after the list is an apposition, not a headline's list.
        (
            "South Korea, Japan's neighbour, agreed to renew GSOMIA",
            &[("jp", "remains_in", "gsomia", false, "asserted", false)],
        ),
    ]);
}

#[test]
fn the_one_asked_acts_in_its_own_relative_clause() {
    check(&[
        (
            "Lawyers will ask Seoul, which in 2018 ordered Japan to pay compensation, to act.",
            &[(
                "kr",
                "demands_compensation_from",
                "jp",
                false,
                "asserted",
                false,
            )],
        ),
        ("Washington asked Tokyo to criticise Seoul.", &[]),
    ]);
}

#[test]
fn news_phrasings_of_this_round() {
    check(&[
        (
            "Beijing has refused to cooperate fully with Washington on sanctions.",
            &[("cn", "cooperates_with", "us", true, "asserted", false)],
        ),
        (
            "South Korea will work closely with the United States and Japan.",
            &[
                ("kr", "cooperates_with", "us", false, "planned", false),
                ("jp", "cooperates_with", "kr", false, "planned", false),
            ],
        ),
        (
            "Seoul said it would no longer be bound by GSOMIA.",
            &[("kr", "upholds", "gsomia", true, "planned", false)],
        ),
        (
            "Seoul wants to keep GSOMIA alive.",
            &[("kr", "remains_in", "gsomia", false, "planned", false)],
        ),
        (
            "Seoul said it would keep its GSOMIA with Tokyo alive.",
            &[("kr", "remains_in", "gsomia", false, "planned", false)],
        ),
        (
            "Barack Obama imposed tariffs of 25 percent on steel from Japan.",
            &[("obama", "restricts_trade", "jp", false, "asserted", false)],
        ),
        (
            "Beijing retaliated with an unofficial boycott of South Korean goods.",
            &[("cn", "restricts_trade", "kr", false, "asserted", false)],
        ),
        (
            "Beijing might retaliate against Seoul with an informal boycott of cosmetics.",
            &[("cn", "restricts_trade", "kr", false, "hypothetical", false)],
        ),
        (
            "Japan, Washington's closest ally in Asia, will raise its defence budget.",
            &[("jp", "allied_with", "us", false, "asserted", false)],
        ),
        // A possessive that is no ally of the country before it.
        ("China said Washington's trade war would hurt Japan.", &[]),
    ]);
}

#[test]
fn coordinated_verbs_joined_parties_participles_and_relative_clauses() {
    check(&[
        // The first verb's subject, beyond the rule's distance.
        (
            "Shinzo Abe called the handling of the dispute over wartime labour by the government extremely regrettable on Friday and accused South Korea of lying.",
            &[("abe", "accuses", "kr", false, "asserted", false)],
        ),
        // Those who join another in an act act too.
        (
            "Japan and South Korea joined Washington in sanctioning China.",
            &[
                ("us", "sanctions", "cn", false, "asserted", false),
                ("jp", "sanctions", "cn", false, "asserted", false),
                ("kr", "sanctions", "cn", false, "asserted", false),
            ],
        ),
        // A participle a few words before the trigger takes the previous statement's subject.
        (
            "South Korea said it would scrap GSOMIA with Japan, escalating a feud with Tokyo.",
            &[
                ("kr", WITHDRAWS, "gsomia", false, "planned", false),
                ("jp", "disputes_with", "kr", false, "asserted", false),
            ],
        ),
        // The antecedent of "that" right before the verb is the subject: here no mention.
        (
            "China opposed a plan by a committee on Thursday that would have tightened sanctions on Japan.",
            &[],
        ),
        // The mention before the head noun is the antecedent.
        (
            "The Shinzo Abe government, which criticised China, fell.",
            &[("abe", CRITICISES, "cn", false, "asserted", false)],
        ),
        (
            "Under pressure from Washington, Japan agreed to criticise China.",
            &[
                ("us", "pressures", "jp", false, "asserted", false),
                ("jp", CRITICISES, "cn", false, "asserted", false),
            ],
        ),
    ]);
}

#[test]
fn a_judgement_and_allies_of_a_named_country() {
    check(&[
        (
            "Shinzo Abe called Seoul's handling of the export controls \"extremely regrettable\".",
            &[("abe", CRITICISES, "kr", false, "asserted", false)],
        ),
        // "called on" asks; a judgement needs the party right after the verb.
        (
            "Japan called on China to act, saying it was regrettable.",
            &[("jp", "pressures", "cn", false, "asserted", false)],
        ),
        (
            "China and Japan are close US allies.",
            &[
                ("cn", "allied_with", "us", false, "asserted", false),
                ("jp", "allied_with", "us", false, "asserted", false),
            ],
        ),
        (
            "China and Japan are allies.",
            &[("cn", "allied_with", "jp", false, "asserted", false)],
        ),
    ]);
}

#[test]
fn a_second_object_after_and_a() {
    check(&[
        (
            "China imposed sanctions on Japanese officials and a South Korean shipping firm.",
            &[
                ("cn", "sanctions", "jp", false, "asserted", false),
                ("cn", "sanctions", "kr", false, "asserted", false),
            ],
        ),
        (
            "China criticised Japan and a South Korean firm.",
            &[
                ("cn", CRITICISES, "jp", false, "asserted", false),
                ("cn", CRITICISES, "kr", false, "asserted", false),
            ],
        ),
    ]);
}

#[test]
fn a_sentence_opening_with_and_joins_no_earlier_verb() {
    // The search for the first verb's subject walked back past "And" at the start.
    check(&[
        ("And criticised Japan over GSOMIA.", &[]),
        ("And then met South Korea over GSOMIA.", &[]),
        (
            "And Japan criticised South Korea.",
            &[("jp", CRITICISES, "kr", false, "asserted", false)],
        ),
    ]);
}

#[test]
fn fresh3_causes_phrasings_possessed_objects_compounds_and_negations() {
    check(&[
        // Phrasings the rules lacked.
        (
            "Seoul dropped Tokyo from its fast-track trade list.",
            &[("kr", "restricts_trade", "jp", false, "asserted", false)],
        ),
        // A list of another kind is no trade measure.
        (
            "Washington removed Beijing from its list of currency manipulators.",
            &[],
        ),
        (
            "Barack Obama hosted Park Geun-hye at the White House.",
            &[("obama", "meets", "park", false, "asserted", false)],
        ),
        // Hosting an event is not meeting it.
        ("Japan hosted the summit in Chengdu.", &[]),
        (
            "Japanese and South Korean officials discussed the export curbs on Monday.",
            &[("jp", "meets", "kr", false, "asserted", false)],
        ),
        (
            "Washington insisted that Tokyo share more intelligence.",
            &[("us", "pressures", "jp", false, "asserted", false)],
        ),
        (
            "Beijing filed a protest with Seoul over the drills.",
            &[("cn", "criticises", "kr", false, "asserted", false)],
        ),
        (
            "Japan and the United States staged a joint naval drill.",
            &[("jp", "cooperates_with", "us", false, "asserted", false)],
        ),
        (
            "Seoul reaffirmed its commitment to GSOMIA.",
            &[("kr", "upholds", "gsomia", false, "asserted", false)],
        ),
        (
            "Tokyo will stand up to Beijing.",
            &[("jp", "opposes", "cn", false, "planned", false)],
        ),
        // What a possessive owns is the object when the dictionary names it.
        (
            "Seoul condemned Japan's export curbs.",
            &[("kr", "criticises", "controls", false, "asserted", false)],
        ),
        (
            "Beijing criticised Japan's Shinzo Abe.",
            &[("cn", "criticises", "abe", false, "asserted", false)],
        ),
        // A possessive with no named thing after it stays the object.
        (
            "Seoul condemned Japan's decision.",
            &[("kr", "criticises", "jp", false, "asserted", false)],
        ),
        // A name before "-led" or "-backed" only modifies the noun after it.
        ("Beijing opposes the US-led coalition.", &[]),
        ("Tokyo criticised the China-backed bank.", &[]),
        // The actor of an act that opens the sentence is its patient.
        (
            "A proposal by Seoul to set up a joint fund was rejected by Tokyo.",
            &[("jp", "rejects", "kr", false, "asserted", false)],
        ),
        // The subjects of "join" act too when the joined are a list.
        (
            "Seoul joined Tokyo and Washington in condemning Beijing.",
            &[
                ("jp", "criticises", "cn", false, "asserted", false),
                ("us", "criticises", "cn", false, "asserted", false),
                ("kr", "criticises", "cn", false, "asserted", false),
            ],
        ),
        // A refusal inside the trigger's gap negates it.
        (
            "Tokyo has refused to hold talks with Seoul.",
            &[("jp", "meets", "kr", true, "asserted", false)],
        ),
        // "neither" before the objects negates.
        (
            "Beijing sided with neither Tokyo nor Seoul.",
            &[
                ("cn", "supports", "jp", true, "asserted", false),
                ("cn", "supports", "kr", true, "asserted", false),
            ],
        ),
    ]);
}

#[test]
fn an_object_is_not_read_past_but_or_out_of_a_quotation() {
    check(&[
        // The clause after ", but" is another statement.
        (
            "Tokyo has offered to take part, but Chinese officials have not said more.",
            &[],
        ),
        // The attribution after a closing quotation mark is no object of a verb inside it.
        ("\"Japan deplores the violation,\" Seoul's envoy said.", &[]),
        (
            "\u{201c}Japan deplores the violation,\u{201d} Seoul's envoy said.",
            &[],
        ),
        // Without either, the object stands.
        (
            "Japan deplores the decision of Seoul.",
            &[("jp", "criticises", "kr", false, "asserted", false)],
        ),
    ]);
}

#[test]
fn fresh4_causes_parentheticals_infinitives_gerunds_and_phrasings() {
    check(&[
        // The mention before a relative clause or an apposition acts, not one inside it.
        (
            "Tokyo, which had hoped to avoid a quarrel with Beijing, criticised Seoul.",
            &[("jp", "criticises", "kr", false, "asserted", false)],
        ),
        (
            "Barack Obama, who had met Park Geun-hye in March, later urged Shinzo Abe to apologise.",
            &[
                ("obama", "meets", "park", false, "asserted", false),
                ("obama", "pressures", "abe", false, "asserted", false),
            ],
        ),
        (
            "Moon Jae-in, the son of refugees from the North, never formally scrapped GSOMIA.",
            &[("moon", "withdraws_from", "gsomia", true, "asserted", false)],
        ),
        (
            "Japanese officials, angered by the vote, condemned Seoul.",
            &[("jp", "criticises", "kr", false, "asserted", false)],
        ),
        (
            "Japanese trade ministry officials, who met Chinese envoys in March, condemned Seoul.",
            &[
                ("cn", "meets", "jp", false, "asserted", false),
                ("jp", "criticises", "kr", false, "asserted", false),
            ],
        ),
        // A gerund after "by" takes the subject of the verb after the closing comma, and a
        // government stands for its head.
        (
            "Tokyo, which denied it, retaliated on Friday by restricting exports to Seoul.",
            &[("jp", "restricts_trade", "kr", false, "asserted", false)],
        ),
        (
            "The government of Shinzo Abe, which had promised restraint, criticised Seoul.",
            &[("abe", "criticises", "kr", false, "asserted", false)],
        ),
        // Without the closing comma it is no parenthetical: the nearest subject stays.
        (
            "Tokyo said that Seoul criticised Beijing.",
            &[("kr", "criticises", "cn", false, "asserted", false)],
        ),
        // An infinitive's object is not the noun's: "allies to contain China".
        ("Washington relies on its allies to contain Beijing.", &[]),
        // Nor a gerund's after a preposition.
        ("Chinese firms accused of helping Seoul were fined.", &[]),
        // A group "locked in disputes with" a partner disputes with the partner only.
        (
            "Japan and South Korea, both locked in disputes with China, met in Tokyo.",
            &[
                ("cn", "disputes_with", "jp", false, "asserted", false),
                ("cn", "disputes_with", "kr", false, "asserted", false),
            ],
        ),
        // Phrasings: rebukes from, summoning an envoy, complaints, shunning a company,
        // a court ruling that one must pay, seeking a summit.
        (
            "Shinzo Abe's remarks about the 2015 talks drew rebukes from Seoul.",
            &[("kr", "criticises", "abe", false, "asserted", false)],
        ),
        (
            "Seoul summoned the Japanese ambassador on Friday.",
            &[("kr", "criticises", "jp", false, "asserted", false)],
        ),
        (
            "Beijing complained that Tokyo had ignored its concerns.",
            &[("cn", "criticises", "jp", false, "asserted", false)],
        ),
        (
            "South Korean shoppers shunned the ROK Navy exhibition.",
            &[("kr", "restricts_trade", "navy", false, "asserted", false)],
        ),
        // A country shunned is no boycott.
        ("Beijing shunned Seoul for months.", &[]),
        (
            "A Seoul court ruled on Friday that Japan must pay the plaintiffs.",
            &[(
                "kr",
                "demands_compensation_from",
                "jp",
                false,
                "asserted",
                false,
            )],
        ),
        // What talks are about is no party to them (real news: "CMAG ministers ... will meet
        // in London tomorrow for talks on Zimbabwe").
        ("Barack Obama will meet in Beijing for talks on Seoul.", &[]),
        // Support offered is support, not a proposal (real news: "offered full and direct
        // approval to Indonesia's 1975 invasion"); an offer of talks stays a proposal.
        (
            "Washington offered full backing to Seoul.",
            &[("us", "supports", "kr", false, "asserted", false)],
        ),
        (
            "Tokyo offered talks to Beijing.",
            &[("jp", "proposes", "cn", false, "asserted", false)],
        ),
        // A modal before a causative verb before the subject is hypothetical.
        (
            "It is a deal that could put Tokyo at odds with Beijing.",
            &[("cn", "disputes_with", "jp", false, "hypothetical", false)],
        ),
        // A modal opening the sentence before the subject: a question, not an assertion.
        (
            "Could Seoul scrap GSOMIA?",
            &[(
                "kr",
                "withdraws_from",
                "gsomia",
                false,
                "hypothetical",
                false,
            )],
        ),
        // A group before "agreed ... to" is the group of the trigger after it.
        (
            "Japan and South Korea agreed on Tuesday to hold talks.",
            &[("jp", "meets", "kr", false, "asserted", false)],
        ),
        (
            "Moon Jae-in sought a summit with Shinzo Abe.",
            &[("abe", "meets", "moon", false, "asserted", false)],
        ),
    ]);
}

#[test]
fn noun_phrases_take_the_party_right_before_the_noun() {
    check(&[
        (
            "US sanctions on Beijing remain in place.",
            &[("us", "sanctions", "cn", false, "asserted", false)],
        ),
        (
            "Japan's export curbs on South Korea hurt chipmakers.",
            &[("jp", "restricts_trade", "kr", false, "asserted", false)],
        ),
        (
            "Seoul's talks with Beijing stalled.",
            &[("cn", "meets", "kr", false, "asserted", false)],
        ),
        // A party a word away is no imposer: "Tokyo opposes sanctions on Beijing" states
        // no sanctions by Tokyo, and Beijing is what the sanctions are on, not opposed.
        ("Tokyo opposes sanctions on Beijing.", &[]),
        ("Tokyo condemned the attack on Seoul.", &[]),
        // A trigger's own noun keeps its object after "on".
        (
            "Washington put pressure on Seoul.",
            &[("us", "pressures", "kr", false, "asserted", false)],
        ),
    ]);
}

#[test]
fn max_distance_runs_from_zero_to_forty() {
    let load = |max: i64| {
        let mut r = RuleSet::default();
        r.add_json(
            "r.json",
            &format!(
                r#"{{"relations": {{"sanctions": "sanctions"}}, "rules": [{{"id": "a",
                "relation": "sanctions", "pattern": "sanctions on", "max_distance": {max}}}]}}"#
            ),
        )
        .map(|_| r)
    };
    assert_eq!(load(0).unwrap().rules[0].max_distance, 0);
    assert_eq!(load(40).unwrap().rules[0].max_distance, 40);
    for bad in [-1, 41] {
        assert!(
            load(bad)
                .unwrap_err()
                .to_string()
                .contains("expected a number from 0 to 40")
        );
    }
}

#[test]
fn calls_and_visits_between_people_are_meetings() {
    check(&[
        (
            "Moon Jae-in and Shinzo Abe held their first phone call on Thursday.",
            &[("abe", "meets", "moon", false, "asserted", false)],
        ),
        (
            "Moon Jae-in spoke by phone with Shinzo Abe.",
            &[("abe", "meets", "moon", false, "asserted", false)],
        ),
        (
            "Barack Obama had a video conversation with Park Geun-hye.",
            &[("obama", "meets", "park", false, "asserted", false)],
        ),
        (
            "Shinzo Abe telephoned Barack Obama on Monday.",
            &[("abe", "meets", "obama", false, "asserted", false)],
        ),
        (
            "Shinzo Abe visited Barack Obama at the White House.",
            &[("abe", "meets", "obama", false, "asserted", false)],
        ),
        // A visit to a country is no meeting, nor is a call with no caller.
        ("Barack Obama visited Japan.", &[]),
        ("The phone call with Seoul lasted an hour.", &[]),
    ]);
}

#[test]
fn fresh5_causes_goods_named_inside_trips_for_talks_joint_flights_and_second_verbs() {
    // (A removal from a list named in the dictionary, "approved the removal of South Korea
    // from its white list", is read in the battery: this dictionary names no list.)
    check(&[
        (
            "Seoul tightened checks on Japanese imports.",
            &[("kr", "restricts_trade", "jp", false, "asserted", false)],
        ),
        (
            "Moon Jae-in flew to Tokyo for a summit with Shinzo Abe.",
            &[("abe", "meets", "moon", false, "asserted", false)],
        ),
        (
            "Japan and China flew joint patrols.",
            &[("cn", "cooperates_with", "jp", false, "asserted", false)],
        ),
        // A second verb after "and" takes the mention after it, not the first verb.
        (
            "Seoul dismissed the recording and accused Tokyo of lying.",
            &[("kr", "accuses", "jp", false, "asserted", false)],
        ),
        // Two verbs sharing one object keep it.
        (
            "Seoul criticised and rejected Tokyo's demand.",
            &[
                ("kr", "criticises", "jp", false, "asserted", false),
                ("kr", "rejects", "jp", false, "asserted", false),
            ],
        ),
    ]);
}

#[test]
fn fresh6_causes_headline_lists_protests_and_barbs() {
    check(&[
        // In a headline a comma joins a list, wherever it stands.
        (
            "Washington urges Tokyo, Seoul to talk",
            &[
                ("us", "pressures", "jp", false, "asserted", false),
                ("us", "pressures", "kr", false, "asserted", false),
            ],
        ),
        (
            "No deal: Japan, South Korea talks end",
            &[("jp", "meets", "kr", false, "asserted", false)],
        ),
        // A comma soon after the last one closes an apposition, headline or not.
        (
            "Washington urges Tokyo, Seoul's neighbour, to talk",
            &[("us", "pressures", "jp", false, "asserted", false)],
        ),
        // In a sentence that ends with a full stop it is an apposition.
        (
            "Washington urged Tokyo, Seoul's neighbour, to talk.",
            &[("us", "pressures", "jp", false, "asserted", false)],
        ),
        (
            "Japan protests South Korean lawmakers' visit",
            &[("jp", "criticises", "kr", false, "asserted", false)],
        ),
        (
            "Seoul lodges protest over Japan's claim",
            &[("kr", "criticises", "jp", false, "asserted", false)],
        ),
        (
            "Tokyo, Seoul trade barbs over map",
            &[("jp", "disputes_with", "kr", false, "asserted", false)],
        ),
    ]);
}
