//! The embedded dictionary on sentences written for it, in the style of the wire news it is
//! meant for (2018-2021 Japan-South Korea-United States relations) but not taken from the
//! seeds: each sentence, dated as a dateline would date it, must give exactly the mentions
//! listed, in order. A second table holds ordinary words and bare short forms that must not
//! be tagged.

use kgraph::corpus::{Date, Document};
use kgraph::dictionary::Dictionary;
use kgraph::tagger::Tagger;

/// (date, text, expected (surface, entity id) pairs in text order).
type Case = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// Tags each case as its own dated document and lists every mismatch.
fn check(cases: &[Case]) {
    let dict = Dictionary::embedded().expect("the embedded dictionary loads");
    let tagger = Tagger::new(&dict).expect("the tagger compiles");
    let mut failures = Vec::new();
    for (i, (date, text, want)) in cases.iter().enumerate() {
        let mut doc = Document::new(format!("case{i}"), *text);
        doc.date = Date::parse(date);
        assert!(doc.date.is_some() || date.is_empty(), "bad date {date:?}");
        let got: Vec<(String, String)> = tagger
            .tag(&doc)
            .mentions
            .iter()
            .map(|m| {
                (
                    text[m.start..m.end].to_string(),
                    dict.entities[m.entity as usize].id.clone(),
                )
            })
            .collect();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(s, id)| (s.to_string(), id.to_string()))
            .collect();
        if got != want {
            failures.push(format!("{text:?}\n    want {want:?}\n    got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n  {}", failures.join("\n  "));
}

#[test]
fn wire_sentences_tag_the_newer_entities() {
    check(&[
        (
            "2019-08-22",
            "Kim You-geun, first deputy director of the National Security Office, said Seoul \
             would end GSOMIA, and the Federation of Korean Industries (FKI) urged calm.",
            &[
                ("Kim You-geun", "kim_you_geun"),
                ("National Security Office", "kr_national_security_office"),
                ("Seoul", "kr"),
                ("GSOMIA", "gsomia"),
                ("Federation of Korean Industries", "fki"),
                ("FKI", "fki"),
            ],
        ),
        (
            "2019-07-01",
            "Japan\u{2019}s trade minister said the Wassenaar Arrangement allowed the curbs; \
             Seko also met the Korea International Trade Association (KITA).",
            &[
                ("Japan\u{2019}s trade minister", "hiroshige_seko"),
                ("Wassenaar Arrangement", "wassenaar_arrangement"),
                ("Seko", "hiroshige_seko"),
                ("Korea International Trade Association", "kita"),
                ("KITA", "kita"),
            ],
        ),
        (
            "2020-11-05",
            "Trade Minister Hiroshi Kajiyama met Sung Yun-mo, and Kajiyama told Sung that the \
             Ministry of Trade, Industry and Energy (MOTIE) could go to the WTO.",
            &[
                ("Hiroshi Kajiyama", "hiroshi_kajiyama"),
                ("Sung Yun-mo", "sung_yun_mo"),
                ("Kajiyama", "hiroshi_kajiyama"),
                ("Sung", "sung_yun_mo"),
                ("Ministry of Trade, Industry and Energy", "kr_motie"),
                ("MOTIE", "kr_motie"),
                ("WTO", "wto"),
            ],
        ),
        (
            "2020-03-20",
            "Hong Nam-ki said markets in Hong Kong were calm, and Hong met executives of \
             Hyundai, SK Group and Hyundai Heavy Industries.",
            &[
                ("Hong Nam-ki", "hong_nam_ki"),
                ("Hong", "hong_nam_ki"),
                ("Hyundai", "hyundai"),
                ("SK Group", "sk_group"),
            ],
        ),
        (
            "2020-08-01",
            "The Joint Chiefs of Staff (JCS) said the Korean People's Army fired a missile, \
             and the National Intelligence Service (NIS) briefed Park Jie-won.",
            &[
                ("JCS", "kr_jcs"),
                ("Korean People's Army", "kpa"),
                ("National Intelligence Service", "kr_nis"),
                ("NIS", "kr_nis"),
                ("Park Jie-won", "park_jie_won"),
            ],
        ),
        (
            "2019-11-20",
            "David Stilwell met Kenji Kanasugi in Tokyo, and Gen. Robert Abrams of the United \
             Nations Command said Stilwell and Abrams shared the concern.",
            &[
                ("David Stilwell", "david_stilwell"),
                ("Kenji Kanasugi", "kenji_kanasugi"),
                ("Tokyo", "jp"),
                ("Robert Abrams", "robert_abrams"),
                ("United Nations Command", "un_command"),
                ("Stilwell", "david_stilwell"),
                ("Abrams", "robert_abrams"),
            ],
        ),
        (
            "2019-07-10",
            "Taro Aso and Yasutoshi Nishimura criticised Seoul, and Aso said Nam Gwan-pyo and \
             Yasumasa Nagamine would meet.",
            &[
                ("Taro Aso", "taro_aso"),
                ("Yasutoshi Nishimura", "yasutoshi_nishimura"),
                ("Seoul", "kr"),
                ("Aso", "taro_aso"),
                ("Nam Gwan-pyo", "nam_gwan_pyo"),
                ("Yasumasa Nagamine", "yasumasa_nagamine"),
            ],
        ),
        (
            "2021-04-13",
            "Tepco will begin the Fukushima treated water release while the Japan Coast Guard \
             and the Korea Coast Guard patrol near Dokdo, which Shimane Prefecture claims.",
            &[
                ("Tepco", "tepco"),
                ("Fukushima treated water release", "fukushima_water_release"),
                ("Japan Coast Guard", "japan_coast_guard"),
                ("Korea Coast Guard", "korea_coast_guard"),
                ("Dokdo", "dokdo"),
                ("Shimane Prefecture", "shimane_prefecture"),
            ],
        ),
        (
            "2021-05-21",
            "Kurt Campbell and Wendy Sherman said the missile guidelines had ended; Sung \
             Yun-mo met Sung Kim, and Sung Kim told Reuters that Choe Son-hui had not replied.",
            &[
                ("Kurt Campbell", "kurt_campbell"),
                ("Wendy Sherman", "wendy_sherman"),
                ("missile guidelines", "missile_guidelines"),
                ("Sung Yun-mo", "sung_yun_mo"),
                ("Sung Kim", "sung_kim"),
                ("Sung Kim", "sung_kim"),
                ("Reuters", "reuters"),
                ("Choe Son-hui", "choe_son_hui"),
            ],
        ),
        (
            "2020-10-01",
            "South Korea's defense minister Suh Wook discussed the transfer of wartime \
             operational control, and Suh said Ulchi Freedom Guardian would be scaled back.",
            &[
                ("South Korea", "kr"),
                ("Suh Wook", "suh_wook"),
                ("transfer of wartime operational control", "opcon_transfer"),
                ("Suh", "suh_wook"),
                ("Ulchi Freedom Guardian", "us_rok_joint_exercises"),
            ],
        ),
        (
            "2020-10-01",
            "South Korea's defense minister said the Korea-U.S. alliance was firm.",
            &[
                ("South Korea's defense minister", "suh_wook"),
                ("Korea", "kr"),
                ("U.S.", "us"),
            ],
        ),
        (
            "2019-08-15",
            "On Liberation Day, a century after the March First Movement, Cho Kuk wrote that \
             the Statue of Peace and Hashima Island were no matter for UNESCO, and Cho urged \
             resolve.",
            &[
                ("Liberation Day", "liberation_day"),
                ("March First Movement", "march_first_movement"),
                ("Cho Kuk", "cho_kuk"),
                ("Statue of Peace", "statue_of_peace"),
                ("Hashima Island", "hashima_island"),
                ("UNESCO", "unesco"),
                ("Cho", "cho_kuk"),
            ],
        ),
        (
            "2021-01-22",
            "Kang Chang-il replaced Nam Gwan-pyo in Tokyo, while Lee In-young and Lee Do-hoon \
             met Lee Soo-hyuck, Lee Su-hoon and Cho Myoung-gyon.",
            &[
                ("Kang Chang-il", "kang_chang_il"),
                ("Nam Gwan-pyo", "nam_gwan_pyo"),
                ("Tokyo", "jp"),
                ("Lee In-young", "lee_in_young"),
                ("Lee Do-hoon", "lee_do_hoon"),
                ("Lee Soo-hyuck", "lee_soo_hyuck"),
                ("Lee Su-hoon", "lee_su_hoon"),
                ("Cho Myoung-gyon", "cho_myoung_gyon"),
            ],
        ),
        (
            "2019-10-25",
            "Isshu Sugawara resigned, and Japan's trade minister Hiroshi Kajiyama said Keidanren \
             and the Korea Chamber of Commerce and Industry would meet.",
            &[
                ("Isshu Sugawara", "isshu_sugawara"),
                ("Japan", "jp"),
                ("Hiroshi Kajiyama", "hiroshi_kajiyama"),
                ("Keidanren", "keidanren"),
                ("Korea Chamber of Commerce and Industry", "kcci"),
            ],
        ),
        (
            "2020-06-16",
            "North Korea blew up the Inter-Korean Joint Liaison Office, and South Korea's \
             National Security Council met as the U.S. National Security Council and James \
             DeHart watched.",
            &[
                ("North Korea", "kp"),
                (
                    "Inter-Korean Joint Liaison Office",
                    "inter_korean_liaison_office",
                ),
                (
                    "South Korea's National Security Council",
                    "kr_national_security_office",
                ),
                ("U.S. National Security Council", "us_nsc"),
                ("James DeHart", "james_dehart"),
            ],
        ),
        (
            "2019-10-07",
            "After the 2019 Panmunjom meeting, Robert Lighthizer kept the U.S.-Japan Trade \
             Agreement apart from the NPT, the Sankei Shimbun and the Dong-A Ilbo reported.",
            &[
                ("2019 Panmunjom meeting", "panmunjom_meeting_2019"),
                ("Robert Lighthizer", "robert_lighthizer"),
                (
                    "U.S.-Japan Trade Agreement",
                    "us_japan_trade_agreement_2019",
                ),
                ("NPT", "npt"),
                ("Sankei Shimbun", "sankei_shimbun"),
                ("Dong-A Ilbo", "dong_a_ilbo"),
            ],
        ),
        (
            "2019-02-01",
            "Shotaro Yachi of the National Security Secretariat briefed the Cabinet \
             Secretariat, the Mainichi Shimbun reported, before the International Olympic \
             Committee met.",
            &[
                ("Shotaro Yachi", "shotaro_yachi"),
                ("National Security Secretariat", "jp_nss"),
                ("Cabinet Secretariat", "jp_cabinet_secretariat"),
                ("Mainichi Shimbun", "mainichi_shimbun"),
                ("International Olympic Committee", "ioc"),
            ],
        ),
    ]);
}

#[test]
fn abbreviated_koreas_wartime_labour_and_hyphenated_americans() {
    check(&[
        (
            "2020-10-26",
            "Kyodo said the wartime labor issue and N. Korean missiles worried S. Korean \
             officials; former wartime labourers met S. Koreans.",
            &[
                ("Kyodo", "kyodo"),
                ("wartime labor issue", "forced_labour_issue"),
                ("N. Korean", "kp"),
                ("S. Korean", "kr"),
                ("wartime labourers", "forced_labour_issue"),
                ("S. Koreans", "kr"),
            ],
        ),
        (
            "2019-08-15",
            "Korean Americans, Japanese-Americans and Korean-American voters watched Japanese \
             and American envoys.",
            &[("Japanese", "jp"), ("American", "us")],
        ),
        (
            "2019-08-02",
            "N.Korea fires missiles as S.Korea's N.Korean and S.Korean envoys wait",
            &[
                ("N.Korea", "kp"),
                ("S.Korea", "kr"),
                ("N.Korean", "kp"),
                ("S.Korean", "kr"),
            ],
        ),
        // Headlines also drop the stop.
        (
            "2019-08-02",
            "S Korea, Japan trade barbs as N Korea fires missiles; S Korean and N Korean envoys wait",
            &[
                ("S Korea", "kr"),
                ("Japan", "jp"),
                ("N Korea", "kp"),
                ("S Korean", "kr"),
                ("N Korean", "kp"),
            ],
        ),
    ]);
}

#[test]
fn ordinary_words_and_bare_short_forms_are_not_tagged() {
    check(&[
        (
            "",
            "The moon rose over Hong Kong. Sung, Nam, Cho, Hong, Aso, Choe, Campbell, Sherman, \
             Abrams and Stilwell were strangers; Sherman tanks and Abrams tanks rolled by.",
            &[],
        ),
        (
            "",
            "SK shares and Sk rose; a foal eagle flew; a key resolve; a liberation day party; \
             nis, jcs, unc and kpa in lower case; hashima and shimane too.",
            &[],
        ),
        (
            "",
            "The Joint Chiefs of Staff and the National Security Council met; Hyundai Asan and \
             Hyundai Heavy Industries were not there.",
            &[],
        ),
        (
            "",
            "Officials in Viet Nam watched Kim Yong-chol and Sung Kim.",
            &[
                ("Viet Nam", "vn"),
                ("Kim Yong-chol", "kim_yong_chol"),
                ("Sung Kim", "sung_kim"),
            ],
        ),
    ]);
}
