//! Tagging quality on short news passages that the tagger had not read when their expected
//! mentions were written: wire copy in the styles of Reuters, AP, Yonhap and Kyodo (some with
//! a headline line and an all-capitals dateline), newspaper and think-tank prose, dated
//! 2015-2022. The expectations follow the annotation rules of the seeds
//! (`tests/data/gold/README.md`): demonyms and capitals count as their country, short forms only
//! after a full mention or a title, role phrases resolve by the passage's date, a title's
//! country word is a mention of the country, the longer of two nested names wins, and spans
//! carry no article or possessive. The passages deliberately hold the hard cases: metonyms as
//! government and as place, "Moon" and "the moon", shared short forms ("Park", "Lee"), role
//! phrases before and after a change of office holder, "former", abbreviations ("S. Korea",
//! "N. Korea", "ROK", "DPRK"), hyphenated compounds, exclusions ("Washington state",
//! "Washington Post", "Korean Americans"), curly quotes and apostrophes.
//!
//! A predicted mention is a true positive when its byte span and entity both agree with an
//! expected one. The test prints every disagreement and fails below the floors.
//!
//! First run, before any fix (the estimate for unseen text): precision 0.980 (192/196),
//! recall 0.985 (192/195). The misses were "S. Korean" (tagged as "Korean"), "wartime labor
//! issue" (no such alias) and "Nippon Steel & Sumitomo Metal Corp." (the span stopped before
//! "Corp."); the false positives were those two shorter spans and "Korean Americans" read as
//! "Korean" and "Americans". After the fixes (abbreviated demonyms, the wartime labour
//! aliases, plural exclusions, legal-form suffixes of company names): 1.000 (195/195) and
//! 1.000 (195/195), which spends the battery as a held-out measure. The floors sit 0.05
//! below.

use kgraph::corpus::{Date, Document};
use kgraph::dictionary::Dictionary;
use kgraph::tagger::Tagger;

const MIN_PRECISION: f64 = 0.95;
const MIN_RECALL: f64 = 0.95;

/// (date, text, expected (surface, entity id) pairs in text order).
type Passage = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const PASSAGES: &[Passage] = &[
    (
        "2019-08-22",
        "South Korea scraps intelligence-sharing pact with Japan as feud deepens\n\
         SEOUL (Reuters) - South Korea said on Thursday it would scrap an intelligence-sharing \
         pact with Japan, a decision that Washington said it viewed with “strong concern and \
         disappointment”. Seoul’s decision came weeks after Tokyo tightened export controls on \
         materials used by Samsung Electronics and SK Hynix.",
        &[
            ("South Korea", "kr"),
            ("intelligence-sharing pact", "gsomia"),
            ("Japan", "jp"),
            ("SEOUL", "kr"),
            ("Reuters", "reuters"),
            ("South Korea", "kr"),
            ("intelligence-sharing pact", "gsomia"),
            ("Japan", "jp"),
            ("Washington", "us"),
            ("Seoul", "kr"),
            ("Tokyo", "jp"),
            ("export controls", "export_controls_2019"),
            ("Samsung Electronics", "samsung"),
            ("SK Hynix", "sk_hynix"),
        ],
    ),
    (
        "2016-11-29",
        "Embattled South Korean president offers to resign\n\
         SEOUL, South Korea (AP) — South Korean President Park Geun-hye said Tuesday she would \
         let parliament decide when she should step down. Park’s offer came as hundreds of \
         thousands of people joined the candlelight protests in central Seoul.",
        &[
            ("South Korean president", "park_geun_hye"),
            ("SEOUL", "kr"),
            ("South Korea", "kr"),
            ("South Korean", "kr"),
            ("Park Geun-hye", "park_geun_hye"),
            ("Park", "park_geun_hye"),
            ("candlelight protests", "candlelight_protests"),
            ("Seoul", "kr"),
        ],
    ),
    (
        "2019-07-15",
        "SEOUL, July 15 (Yonhap) -- President Moon Jae-in on Monday called Japan’s export curbs \
         “unwise” and warned that Tokyo would suffer greater damage. Moon also urged the \
         Japanese government to withdraw the measures, saying the S. Korean economy would \
         overcome the challenge.",
        &[
            ("SEOUL", "kr"),
            ("Yonhap", "yonhap"),
            ("Moon Jae-in", "moon_jae_in"),
            ("Japan", "jp"),
            ("export curbs", "export_controls_2019"),
            ("Tokyo", "jp"),
            ("Moon", "moon_jae_in"),
            ("Japanese", "jp"),
            ("S. Korean", "kr"),
        ],
    ),
    (
        "2020-10-26",
        "TOKYO, Oct. 26 (Kyodo) -- Prime Minister Yoshihide Suga said Monday that Japan will \
         achieve carbon neutrality by 2050, and called relations with South Korea “extremely \
         difficult.” Suga said it was up to Seoul to present a solution to the wartime labor \
         issue.",
        &[
            ("TOKYO", "jp"),
            ("Kyodo", "kyodo"),
            ("Yoshihide Suga", "yoshihide_suga"),
            ("Japan", "jp"),
            ("South Korea", "kr"),
            ("Suga", "yoshihide_suga"),
            ("Seoul", "kr"),
            ("wartime labor issue", "forced_labour_issue"),
        ],
    ),
    (
        "2020-09-20",
        "Japan’s prime minister spoke with U.S. President Donald Trump by phone on Sunday, days \
         after taking office, and the two agreed to strengthen the Japan-U.S. alliance. The new \
         prime minister has yet to speak with Moon Jae-in.",
        &[
            ("Japan’s prime minister", "yoshihide_suga"),
            ("U.S.", "us"),
            ("Donald Trump", "donald_trump"),
            ("Japan", "jp"),
            ("U.S.", "us"),
            ("Moon Jae-in", "moon_jae_in"),
        ],
    ),
    (
        "2020-09-10",
        "Japan's prime minister, who announced his resignation last month, said on Thursday \
         that his successor should keep pressing North Korea on the abduction issue.",
        &[
            ("Japan's prime minister", "shinzo_abe"),
            ("North Korea", "kp"),
            ("abduction issue", "abduction_issue"),
        ],
    ),
    (
        "2019-12-10",
        "Since Shinzo Abe returned to office in 2012, Japan-South Korea relations have swung \
         between thaw and freeze, and President Moon Jae-in has found no partner in him. A \
         Moon-Abe summit this month would change little: Abe cannot concede on forced labor, \
         and Moon cannot be seen to bow to Tokyo. Optimists in Seoul, one diplomat joked, are \
         asking for the moon.",
        &[
            ("Shinzo Abe", "shinzo_abe"),
            ("Japan", "jp"),
            ("South Korea", "kr"),
            ("Moon Jae-in", "moon_jae_in"),
            ("Moon", "moon_jae_in"),
            ("Abe", "shinzo_abe"),
            ("Abe", "shinzo_abe"),
            ("forced labor", "forced_labour_issue"),
            ("Moon", "moon_jae_in"),
            ("Tokyo", "jp"),
            ("Seoul", "kr"),
        ],
    ),
    (
        "2021-01-14",
        "The Supreme Court on Thursday upheld a 20-year prison sentence for former President \
         Park Geun-hye, ending a legal battle that began with her impeachment in 2017. Park, \
         68, was convicted of bribery. National Intelligence Service director Park Jie-won \
         said separately that Pyongyang was unlikely to provoke Washington before the Biden \
         administration took office. Park told lawmakers the North was rebuilding a missile \
         site.",
        &[
            ("Supreme Court", "kr_supreme_court"),
            ("Park Geun-hye", "park_geun_hye"),
            ("Park", "park_geun_hye"),
            ("National Intelligence Service", "kr_nis"),
            ("Park Jie-won", "park_jie_won"),
            ("Pyongyang", "kp"),
            ("Washington", "us"),
            ("Biden", "joe_biden"),
            ("Park", "park_jie_won"),
        ],
    ),
    (
        "2017-09-15",
        "Korean Americans in Washington state have raised money for a comfort women memorial, \
         the Washington Post reported. South Koreans and Japanese living in the area said the \
         dispute had strained friendships.",
        &[
            ("comfort women", "comfort_women_issue"),
            ("South Koreans", "kr"),
            ("Japanese", "jp"),
        ],
    ),
    (
        "2018-06-12",
        "Trump, Kim sign pact in Singapore; N. Korea commits to denuclearization\n\
         The DPRK and the US agreed to build new relations, the joint statement said, while \
         the ROK welcomed the outcome.",
        &[
            ("Trump", "donald_trump"),
            ("Singapore", "sg"),
            ("N. Korea", "kp"),
            ("denuclearization", "kp_nuclear_programme"),
            ("DPRK", "kp"),
            ("US", "us"),
            ("ROK", "kr"),
        ],
    ),
    (
        "2019-11-22",
        "“Japan has not changed its position at all,” Abe told reporters after Seoul’s \
         last-minute reversal on GSOMIA. Prime Minister Shinzo Abe said Tokyo would continue \
         talks on export management with South Korea.",
        &[
            ("Japan", "jp"),
            ("Seoul", "kr"),
            ("GSOMIA", "gsomia"),
            ("Shinzo Abe", "shinzo_abe"),
            ("Tokyo", "jp"),
            ("South Korea", "kr"),
        ],
    ),
    (
        "2022-06-15",
        "The South Korean president said on Wednesday he wanted to restore ties with Japan \
         quickly. Yoon Suk-yeol, who took office in May, has pledged to resolve the forced \
         labour dispute before the anniversary of the 1965 treaty.",
        &[
            ("South Korean president", "yoon_suk_yeol"),
            ("Japan", "jp"),
            ("Yoon Suk-yeol", "yoon_suk_yeol"),
            ("forced labour", "forced_labour_issue"),
            ("1965 treaty", "treaty_on_basic_relations_1965"),
        ],
    ),
    (
        "2019-03-01",
        "The former South Korean president, who is serving a prison sentence, asked to be \
         released on health grounds. Moon Jae-in marked the centenary of the March First \
         Movement in Seoul on Friday.",
        &[
            ("South Korean", "kr"),
            ("Moon Jae-in", "moon_jae_in"),
            ("March First Movement", "march_first_movement"),
            ("Seoul", "kr"),
        ],
    ),
    (
        "2018-03-09",
        "The U.S. president agreed to meet Kim Jong Un by May, South Korea’s national security \
         adviser Chung Eui-yong announced outside the White House. Secretary of State Rex \
         Tillerson said the decision was the president’s own.",
        &[
            ("U.S. president", "donald_trump"),
            ("Kim Jong Un", "kim_jong_un"),
            ("South Korea", "kr"),
            ("Chung Eui-yong", "chung_eui_yong"),
            ("White House", "white_house"),
            ("Rex Tillerson", "rex_tillerson"),
        ],
    ),
    (
        "2019-09-02",
        "Anti-Japanese sentiment in South Korea has spilled into tourism, with flights between \
         Seoul and Osaka cut by half. Analysts warn that the Seoul-Tokyo feud weakens the \
         U.S.-led alliance network at a time when China is testing it.",
        &[
            ("Japanese", "jp"),
            ("South Korea", "kr"),
            ("Seoul", "kr"),
            ("Seoul", "kr"),
            ("Tokyo", "jp"),
            ("U.S.", "us"),
            ("China", "cn"),
        ],
    ),
    (
        "2018-04-27",
        "The two Koreas’ leaders met at Panmunjom on Friday, and Japan’s government said it \
         hoped the inter-Korean summit would lead to progress on the abduction issue. Kim Jong \
         Un became the first leader of the North to set foot in the South since the Korean \
         War.",
        &[
            ("Panmunjom", "panmunjom"),
            ("Japan", "jp"),
            ("inter-Korean summit", "inter_korean_summits_2018"),
            ("abduction issue", "abduction_issue"),
            ("Kim Jong Un", "kim_jong_un"),
            ("Korean War", "korean_war"),
        ],
    ),
    (
        "2020-06-30",
        "Washington has pressed Seoul to pay more under the Special Measures Agreement, a \
         scholar at George Washington University said at a seminar in Washington, D.C. on \
         Tuesday.",
        &[
            ("Washington", "us"),
            ("Seoul", "kr"),
            ("Special Measures Agreement", "special_measures_agreement"),
            ("Washington, D.C.", "us"),
        ],
    ),
    (
        "2019-10-24",
        "Prime Minister Lee Nak-yon handed Shinzo Abe a letter from President Moon Jae-in in \
         Tokyo on Thursday. Lee said afterwards that both leaders wanted to end the standoff, \
         and Abe called the meeting useful.",
        &[
            ("Lee Nak-yon", "lee_nak_yon"),
            ("Shinzo Abe", "shinzo_abe"),
            ("Moon Jae-in", "moon_jae_in"),
            ("Tokyo", "jp"),
            ("Lee", "lee_nak_yon"),
            ("Abe", "shinzo_abe"),
        ],
    ),
    (
        "2019-09-02",
        "President Moon said on Monday that Japan’s export curbs were politically motivated, \
         while Prime Minister Abe insisted they were a matter of national security.",
        &[
            ("Moon", "moon_jae_in"),
            ("Japan", "jp"),
            ("export curbs", "export_controls_2019"),
            ("Abe", "shinzo_abe"),
        ],
    ),
    (
        "2019-07-02",
        "Chief Cabinet Secretary Yoshihide Suga said the measures did not violate WTO rules. \
         The top government spokesman also rejected Seoul’s claim that they were retaliation \
         for the forced labor rulings.",
        &[
            ("Yoshihide Suga", "yoshihide_suga"),
            ("WTO", "wto"),
            ("Seoul", "kr"),
            ("forced labor rulings", "forced_labour_rulings_2018"),
        ],
    ),
    (
        "2021-07-23",
        "South Korea’s athletes arrived for the Tokyo Olympics without President Moon Jae-in, \
         who cancelled a planned trip to Japan. At a restaurant in Seoul, fans watched the \
         opening ceremony on television; few Koreans said they regretted the decision.",
        &[
            ("South Korea", "kr"),
            ("Tokyo Olympics", "tokyo_olympics_2020"),
            ("Moon Jae-in", "moon_jae_in"),
            ("Japan", "jp"),
            ("Seoul", "kr"),
            ("Koreans", "kr"),
        ],
    ),
    (
        "2019-08-02",
        "EXPLAINER: Why Japan and South Korea are feuding over trade\n\
         TOKYO (AP) — Japan’s Cabinet on Friday approved removing South Korea from its “white \
         list” of countries with preferential trade status. Seoul called the move “reckless.”",
        &[
            ("Japan", "jp"),
            ("South Korea", "kr"),
            ("TOKYO", "jp"),
            ("Japan", "jp"),
            ("South Korea", "kr"),
            ("white list", "white_list_removal_2019"),
            ("Seoul", "kr"),
        ],
    ),
    (
        "2018-10-30",
        "South Korea’s top court on Tuesday ordered Nippon Steel & Sumitomo Metal Corp. to \
         compensate four Koreans forced to work at its plants during Japan’s 1910-1945 \
         colonial rule of the Korean Peninsula. Foreign Minister Taro Kono called the ruling \
         “unthinkable.”",
        &[
            ("South Korea’s top court", "kr_supreme_court"),
            ("Nippon Steel & Sumitomo Metal Corp.", "nippon_steel"),
            ("Koreans", "kr"),
            ("Japan", "jp"),
            ("colonial rule", "japanese_colonial_rule"),
            ("Korean Peninsula", "korean_peninsula"),
            ("Taro Kono", "taro_kono"),
        ],
    ),
    (
        "2015-12-28",
        "Foreign ministers Yun Byung-se and Fumio Kishida announced the agreement in Seoul on \
         Monday, under which Tokyo will give 1 billion yen to a foundation for the surviving \
         comfort women. Park Geun-hye and Shinzo Abe later spoke by phone; Abe offered his \
         “most sincere apologies and remorse.”",
        &[
            ("Yun Byung-se", "yun_byung_se"),
            ("Fumio Kishida", "fumio_kishida"),
            ("Seoul", "kr"),
            ("Tokyo", "jp"),
            ("comfort women", "comfort_women_issue"),
            ("Park Geun-hye", "park_geun_hye"),
            ("Shinzo Abe", "shinzo_abe"),
            ("Abe", "shinzo_abe"),
        ],
    ),
    (
        "2020-11-20",
        "Biden’s victory gives Seoul and Tokyo a reason to mend ties: the president-elect has \
         said he will revitalize US alliances in Asia. Japan’s prime minister was among the \
         first leaders he called, and the South Korean president followed the next day.",
        &[
            ("Biden", "joe_biden"),
            ("Seoul", "kr"),
            ("Tokyo", "jp"),
            ("US", "us"),
            ("Japan’s prime minister", "yoshihide_suga"),
            ("South Korean president", "moon_jae_in"),
        ],
    ),
    (
        "2020-06-16",
        "N. Korea blows up inter-Korean liaison office\n\
         SEOUL, June 16 (Yonhap) -- North Korea on Tuesday blew up the inter-Korean joint \
         liaison office in its border town of Kaesong, the unification ministry said, days \
         after Pyongyang threatened to cut off ties with Seoul.",
        &[
            ("N. Korea", "kp"),
            ("inter-Korean liaison office", "inter_korean_liaison_office"),
            ("SEOUL", "kr"),
            ("Yonhap", "yonhap"),
            ("North Korea", "kp"),
            (
                "inter-Korean joint liaison office",
                "inter_korean_liaison_office",
            ),
            ("unification ministry", "kr_unification_ministry"),
            ("Pyongyang", "kp"),
            ("Seoul", "kr"),
        ],
    ),
    (
        "2019-12-24",
        "Chinese Premier Li Keqiang hosted Moon Jae-in and Shinzo Abe at the trilateral summit \
         in Chengdu on Tuesday, where Li called for a free trade deal among the three \
         countries.",
        &[
            ("Chinese", "cn"),
            ("Li Keqiang", "li_keqiang"),
            ("Moon Jae-in", "moon_jae_in"),
            ("Shinzo Abe", "shinzo_abe"),
            ("trilateral summit in Chengdu", "chengdu_summit_2019"),
            ("Li", "li_keqiang"),
        ],
    ),
    (
        "2017-11-08",
        "President Donald Trump told South Korea’s National Assembly that America would never \
         allow North Korea to threaten its cities, and urged China and Russia to cut ties with \
         the regime. Many Americans see Seoul as a steadfast ally.",
        &[
            ("Donald Trump", "donald_trump"),
            ("South Korea’s National Assembly", "kr_national_assembly"),
            ("America", "us"),
            ("North Korea", "kp"),
            ("China", "cn"),
            ("Russia", "ru"),
            ("Americans", "us"),
            ("Seoul", "kr"),
        ],
    ),
    (
        "2017-03-10",
        "The Constitutional Court removed Park Geun-hye from office on Friday. Supporters of \
         Park clashed with police near Tapgol Park, and Acting President Hwang Kyo-ahn called \
         for calm.",
        &[
            ("Constitutional Court", "kr_constitutional_court"),
            ("Park Geun-hye", "park_geun_hye"),
            ("Park", "park_geun_hye"),
            ("Hwang Kyo-ahn", "hwang_kyo_ahn"),
        ],
    ),
    (
        "2018-05-02",
        "Moon Chung-in, a special adviser to President Moon Jae-in, wrote that U.S. troops \
         should stay. Moon later told reporters the adviser spoke for himself.",
        &[
            ("Moon Chung-in", "moon_chung_in"),
            ("Moon Jae-in", "moon_jae_in"),
            ("U.S.", "us"),
            ("Moon", "moon_jae_in"),
        ],
    ),
];

/// Whether `text[start..end]` stands as a whole word (no letter or digit either side).
fn bounded(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Turns each expected surface into a byte span: the first whole-word occurrence at or after
/// the end of the previous one. Panics when a surface is not found, so a broken expectation
/// cannot pass silently.
fn expected_spans(text: &str, want: &[(&str, &str)]) -> Vec<(usize, usize, String)> {
    let mut cursor = 0;
    let mut spans = Vec::new();
    for (surface, id) in want {
        let found = text[cursor..]
            .match_indices(surface)
            .map(|(i, _)| cursor + i)
            .find(|&s| bounded(text, s, s + surface.len()))
            .unwrap_or_else(|| panic!("{surface:?} not found after byte {cursor} in {text:?}"));
        cursor = found + surface.len();
        spans.push((found, cursor, id.to_string()));
    }
    spans
}

#[test]
fn news_passages_are_tagged_as_an_annotator_would() {
    let dict = Dictionary::embedded().expect("the embedded dictionary loads");
    let tagger = Tagger::new(&dict).expect("the tagger compiles");
    let ids: std::collections::HashSet<&str> =
        dict.entities.iter().map(|e| e.id.as_str()).collect();
    let (mut tp, mut predicted, mut expected) = (0usize, 0usize, 0usize);
    let mut report = Vec::new();
    for (i, (date, text, want)) in PASSAGES.iter().enumerate() {
        for (_, id) in want.iter() {
            assert!(
                ids.contains(id),
                "passage {i}: {id:?} is not a dictionary id"
            );
        }
        let mut doc = Document::new(format!("passage{i}"), *text);
        doc.date = Date::parse(date);
        assert!(doc.date.is_some(), "passage {i}: bad date {date:?}");
        let want = expected_spans(text, want);
        let got: Vec<(usize, usize, String)> = tagger
            .tag(&doc)
            .mentions
            .iter()
            .map(|m| (m.start, m.end, dict.entities[m.entity as usize].id.clone()))
            .collect();
        let hits = got.iter().filter(|g| want.contains(g)).count();
        tp += hits;
        predicted += got.len();
        expected += want.len();
        for (s, e, id) in &want {
            if !got.contains(&(*s, *e, id.clone())) {
                report.push(format!("passage {i}: missed {:?} {id}", &text[*s..*e]));
            }
        }
        for (s, e, id) in &got {
            if !want.contains(&(*s, *e, id.clone())) {
                report.push(format!("passage {i}: extra  {:?} {id}", &text[*s..*e]));
            }
        }
    }
    let precision = tp as f64 / predicted.max(1) as f64;
    let recall = tp as f64 / expected.max(1) as f64;
    eprintln!(
        "tagging battery: precision {precision:.3} ({tp}/{predicted}), recall {recall:.3} \
         ({tp}/{expected})"
    );
    for line in &report {
        eprintln!("  {line}");
    }
    assert!(
        precision >= MIN_PRECISION && recall >= MIN_RECALL,
        "precision {precision:.3} or recall {recall:.3} below the floors \
         ({MIN_PRECISION}, {MIN_RECALL}):\n  {}",
        report.join("\n  ")
    );
}
