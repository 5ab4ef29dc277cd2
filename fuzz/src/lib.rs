//! What the fuzz targets share: the properties each stage must keep on any input, written
//! as functions that panic when a property fails, so that libFuzzer reports the input.
//!
//! - dictionaries ([`check_dictionary`]): loading never panics; an error is one line that
//!   starts with the file name; a dictionary that loads compiles into a tagger, lints, tags
//!   its own names, and survives a CSV export and reload;
//! - segmentation ([`check_segments`]): paragraphs and sentences in order, on character
//!   boundaries, trimmed, every sentence inside its paragraph, the offset map faithful;
//! - tagging ([`check_tagging`]): with a small fixed dictionary, mentions in order, never
//!   overlapping, on character boundaries, inside their sentence, and each surface one of
//!   its entity's forms under the alias's case rule; relations point at mentions;
//! - exports ([`graph_from`], [`check_dot`], [`check_graphml`], [`check_csv`]): a graph whose
//!   labels and attributes come from the input is written, and the output read back.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use kgraph::corpus::{Date, Document};
use kgraph::dictionary::{self, AliasKind, Builder, CaseRule, Dictionary, case_variants};
use kgraph::export::{EdgeSelection, ExportOptions};
use kgraph::graph::{
    Edge, EdgeKind, KnowledgeGraph, Measures, Node, RelationAttrs, Totals, Window,
};
use kgraph::relations::RuleSet;
use kgraph::tagger::{TagOptions, Tagger};
use kgraph::text;
use petgraph::graph::DiGraph;

// ---------------------------------------------------------------------------------------
// Dictionaries

/// Which loader a dictionary input goes to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DictFormat {
    /// `Builder::add_json`.
    Json,
    /// `Builder::add_csv`.
    Csv,
}

/// Loads `text` as a dictionary file and checks what follows from the result.
pub fn check_dictionary(text: &str, format: DictFormat) {
    let name = match format {
        DictFormat::Json => "fuzz.json",
        DictFormat::Csv => "fuzz.csv",
    };
    let mut b = Builder::default();
    let loaded = match format {
        DictFormat::Json => b.add_json(name, text),
        DictFormat::Csv => b.add_csv(name, text),
    };
    let dict = match loaded.and_then(|()| b.finish()) {
        Ok(d) => d,
        Err(e) => {
            check_error_line(&e.to_string(), name);
            return;
        }
    };
    let _ = dictionary::lint(&dict);
    let tagger = Tagger::new(&dict).expect("a loaded dictionary compiles");
    // Tag a text made of every form of every entity, so each alias meets the matcher.
    let mut body = String::new();
    for e in &dict.entities {
        for a in &e.aliases {
            body.push_str(&a.text);
            body.push_str(" and ");
        }
        for x in &e.exclude {
            body.push_str(x);
            body.push_str(". ");
        }
        body.push('\n');
    }
    let doc = Document::new("d", body);
    let tagged = tagger.tag(&doc);
    check_mentions(&doc, &dict, &tagged);

    // The CSV export reads back with the same ids, types, labels and attributes, unless a
    // form holds the list separator, which the CSV form cannot carry.
    let mut csv = Vec::new();
    dictionary::write_csv(&dict, &mut csv).expect("writing to memory");
    let has_separator = dict.entities.iter().any(|e| {
        e.aliases.iter().any(|a| a.text.contains('|')) || e.exclude.iter().any(|x| x.contains('|'))
    });
    // Nor attribute names that meet a built-in column or each other once the loader folds
    // them to lower case: the reload refuses the repeated column.
    let mut columns: Vec<String> = [
        "id", "type", "label", "aliases", "demonyms", "metonyms", "short", "exclude",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    let names: std::collections::BTreeSet<&String> = dict
        .entities
        .iter()
        .flat_map(|e| e.attributes.keys())
        .collect();
    let mut clash = false;
    for n in names {
        let folded = n.trim().to_ascii_lowercase();
        clash |= columns.contains(&folded);
        columns.push(folded);
    }
    if has_separator || clash {
        return;
    }
    let csv = String::from_utf8(csv).expect("the CSV export is UTF-8");
    let mut back = Builder::default();
    let reloaded = back
        .add_csv("export.csv", &csv)
        // Declared types travel outside the CSV form.
        .and_then(|()| {
            let types = serde_json::json!({ "types": dict.types });
            back.add_json("types.json", &types.to_string())
        })
        .and_then(|()| back.finish());
    let reloaded = match reloaded {
        Ok(d) => d,
        Err(e) => panic!("the CSV export does not load again: {e}\n{csv}"),
    };
    assert_eq!(reloaded.entities.len(), dict.entities.len(), "{csv}");
    for (a, b) in dict.entities.iter().zip(&reloaded.entities) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.kind, b.kind);
        assert_eq!(a.label, b.label, "{csv}");
        assert_eq!(a.exclude, b.exclude, "{csv}");
    }
}

/// An error message is one line and names the file first.
pub fn check_error_line(message: &str, file: &str) {
    assert!(
        message.starts_with(file),
        "the error does not start with the file name: {message:?}"
    );
    assert!(
        !message.contains(['\n', '\r']),
        "the error is more than one line: {message:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Segmentation

fn is_boundary(s: &str, i: usize) -> bool {
    s.is_char_boundary(i)
}

/// Normalises and segments `original`, and checks the spans and the offset map.
pub fn check_segments(original: &str) {
    let norm = text::normalize(original);
    let t: &str = &norm.text;
    let seg = text::segment(t);

    let mut last_end = 0;
    for p in &seg.paragraphs {
        assert!(p.start < p.end, "empty paragraph {p:?}");
        assert!(p.start >= last_end, "paragraphs out of order at {p:?}");
        assert!(p.end <= t.len(), "paragraph {p:?} past the end");
        assert!(
            is_boundary(t, p.start) && is_boundary(t, p.end),
            "paragraph {p:?} splits a character"
        );
        let s = &t[p.clone()];
        assert_eq!(s, s.trim(), "paragraph {p:?} is not trimmed");
        last_end = p.end;
    }
    let mut last_end = 0;
    let mut last_para = 0;
    for (i, s) in seg.sentences.iter().enumerate() {
        let r = &s.span;
        assert!(r.start < r.end, "empty sentence {i}: {r:?}");
        assert!(
            r.start >= last_end,
            "sentence {i} {r:?} starts before the previous one ends"
        );
        assert!(
            s.paragraph >= last_para,
            "sentence {i}: paragraphs go backwards"
        );
        let p = seg
            .paragraphs
            .get(s.paragraph)
            .expect("the sentence's paragraph exists");
        assert!(
            p.start <= r.start && r.end <= p.end,
            "sentence {i} {r:?} outside its paragraph {p:?}"
        );
        assert!(
            is_boundary(t, r.start) && is_boundary(t, r.end),
            "sentence {i} {r:?} splits a character"
        );
        let text = &t[r.clone()];
        assert_eq!(text, text.trim(), "sentence {i} {r:?} is not trimmed");
        assert_eq!(seg.sentence_at(r.start), i, "sentence_at({})", r.start);
        last_end = r.end;
        last_para = s.paragraph;
    }
    // Every paragraph is covered by its sentences, apart from the white space between them.
    for (pi, p) in seg.paragraphs.iter().enumerate() {
        let inside: Vec<_> = seg.sentences.iter().filter(|s| s.paragraph == pi).collect();
        assert!(!inside.is_empty(), "paragraph {pi} {p:?} has no sentence");
        assert_eq!(
            inside[0].span.start, p.start,
            "paragraph {pi}: first sentence"
        );
        assert_eq!(
            inside[inside.len() - 1].span.end,
            p.end,
            "paragraph {pi}: last sentence"
        );
        for w in inside.windows(2) {
            let gap = &t[w[0].span.end..w[1].span.start];
            assert!(
                gap.trim().is_empty(),
                "paragraph {pi}: text {gap:?} between sentences"
            );
        }
    }
    // The offset map takes spans of the normalised text to spans of the original that
    // normalise to the same text.
    let mut prev = 0;
    for s in &seg.sentences {
        let (a, b) = (norm.to_original(s.span.start), norm.to_original(s.span.end));
        assert!(
            a >= prev && a <= b && b <= original.len(),
            "mapped span {a}..{b}"
        );
        assert!(original.is_char_boundary(a) && original.is_char_boundary(b));
        assert_eq!(text::normalize(&original[a..b]).text, &t[s.span.clone()]);
        prev = b;
    }
    assert_eq!(
        norm.to_original(t.len()),
        original.len(),
        "the end maps to the end"
    );
}

// ---------------------------------------------------------------------------------------
// Tagging

/// The fixed dictionary of the tagger target: every alias kind and case rule, offices with
/// dated holders and titles, exclusions, forms that start or end with punctuation, and
/// forms whose case mapping changes their length.
pub const TAGGER_DICT: &str = r#"{
  "types": ["militia"],
  "offices": [
    {"id": "kr_president", "label": "President of South Korea",
     "phrases": ["South Korean president", "President of South Korea"], "titles": ["President"]},
    {"id": "jp_pm", "label": "Prime Minister of Japan",
     "phrases": ["Japanese prime minister"], "titles": ["Prime Minister", "PM"]}
  ],
  "entities": [
    {"id": "kr", "type": "country", "label": "South Korea",
     "aliases": ["Republic of Korea", {"text": "ROK", "case": "exact"}, "Korea"],
     "demonyms": ["South Korean", "Korean"], "metonyms": ["Seoul", "Blue House"],
     "exclude": ["Seoul National University", "Korea Times"]},
    {"id": "jp", "type": "country", "label": "Japan", "aliases": [{"text": "Nippon", "case": "insensitive"}],
     "demonyms": ["Japanese"], "metonyms": ["Tokyo"]},
    {"id": "us", "type": "country", "label": "United States", "aliases": ["US", "U.S.", "America"],
     "demonyms": ["American"], "metonyms": ["Washington"], "exclude": ["Washington Post"]},
    {"id": "moon", "type": "person", "label": "Moon Jae-in", "short": ["Moon"],
     "roles": [{"office": "kr_president", "start": "2017-05-10", "end": "2022-05-09"}]},
    {"id": "park", "type": "person", "label": "Park Geun-hye", "short": ["Park", "Moon"],
     "roles": [{"office": "kr_president", "start": "2013-02-25", "end": "2017-03-10"}]},
    {"id": "abe", "type": "person", "label": "Shinzo Abe", "short": ["Abe"],
     "roles": [{"office": "jp_pm", "start": "2012-12-26", "end": "2020-09-16"}]},
    {"id": "cw", "type": "event", "label": "comfort women",
     "aliases": [{"text": "straße", "case": "insensitive"}, "İstanbul talks", "Ωmega", "ǅemal"]},
    {"id": "gsomia", "type": "agreement", "label": "GSOMIA"},
    {"id": "grp", "type": "militia", "label": "'Quote' Group",
     "aliases": ["A&B", "C++", "co-op", "東京会談", "U.N.", "Dr. No"]}
  ]
}"#;

struct TaggerFixture {
    dict: Dictionary,
    taggers: [Tagger; 4],
    rules: RuleSet,
}

fn fixture() -> &'static TaggerFixture {
    static F: OnceLock<TaggerFixture> = OnceLock::new();
    F.get_or_init(|| {
        let mut b = Builder::default();
        b.add_json("tagger.json", TAGGER_DICT)
            .expect("the fixed dictionary loads");
        let dict = b.finish().expect("the fixed dictionary is valid");
        let t = |dedup, furniture| {
            Tagger::with_options(
                &dict,
                TagOptions {
                    dedup_paragraphs: dedup,
                    drop_furniture: furniture,
                },
            )
            .expect("the fixed dictionary compiles")
        };
        let taggers = [
            t(true, true),
            t(true, false),
            t(false, true),
            t(false, false),
        ];
        let rules = RuleSet::embedded().expect("the embedded rules load");
        TaggerFixture {
            dict,
            taggers,
            rules,
        }
    })
}

/// Tags `text` (with a date and options chosen by `flags`) and checks every mention, the
/// relations found, and the counts.
pub fn check_tagging(flags: u8, text: &str) {
    let f = fixture();
    let date = match flags & 0b11 {
        0 => None,
        1 => Date::new(2015, 6, 1),
        2 => Date::new(2019, 8, 22),
        _ => Date::new(2030, 1, 1),
    };
    let tagger = &f.taggers[usize::from((flags >> 2) & 0b11)];
    let mut doc = Document::new("fuzz", text);
    doc.date = date;
    let tagged = tagger.tag(&doc);
    check_mentions(&doc, &f.dict, &tagged);

    let relations = f.rules.extract(&doc, &tagged, &f.dict);
    for r in &relations {
        let sentence = &tagged.sentences[r.sentence as usize].span;
        for span in [&r.subject_span, &r.object_span] {
            assert!(
                tagged
                    .mentions
                    .iter()
                    .any(|m| m.start == span.start && m.end == span.end),
                "relation {r:?}: {span:?} is not a mention"
            );
        }
        assert!(r.trigger.start < r.trigger.end, "empty trigger {r:?}");
        assert!(
            sentence.start <= r.trigger.start && r.trigger.end <= sentence.end,
            "trigger {:?} outside sentence {sentence:?}",
            r.trigger
        );
        assert!(
            doc.text.get(r.trigger.clone()).is_some(),
            "trigger splits a character"
        );
    }
    let window = match flags >> 4 & 0b11 {
        0 => Window::Sentence,
        1 => Window::Paragraph,
        _ => Window::Document,
    };
    let partial = kgraph::pipeline::count_document(&doc, &tagged, &relations, window);
    let g = partial.finish(&f.dict, window, 1);
    assert_eq!(g.totals.mentions as usize, tagged.mentions.len());
}

/// The forms an entity may be found by under a kind, in every case variant.
fn allowed_forms(dict: &Dictionary, entity: u32, kind: AliasKind) -> Vec<String> {
    let e = &dict.entities[entity as usize];
    let mut out = Vec::new();
    if kind == AliasKind::Role {
        for r in &e.roles {
            if let Some(o) = dict.office(&r.office) {
                for p in &o.phrases {
                    out.extend(case_variants(p, CaseRule::Auto));
                }
            }
        }
        return out;
    }
    for a in e.aliases.iter().filter(|a| a.kind == kind) {
        out.extend(case_variants(&a.text, a.case));
        if kind == AliasKind::Demonym && a.text.ends_with('n') {
            out.extend(case_variants(&format!("{}s", a.text), a.case));
        }
    }
    out
}

/// Checks the mentions and spans of a tagged document against its text and dictionary.
pub fn check_mentions(doc: &Document, dict: &Dictionary, tagged: &kgraph::tagger::TaggedDocument) {
    let t = &doc.text;
    let mut prev_end = 0;
    for s in &tagged.sentences {
        assert!(
            t.get(s.span.clone()).is_some(),
            "sentence {:?} splits a character",
            s.span
        );
        let p = &tagged.paragraphs[s.paragraph as usize];
        assert!(
            p.start <= s.span.start && s.span.end <= p.end,
            "sentence outside paragraph"
        );
    }
    for (i, m) in tagged.mentions.iter().enumerate() {
        assert!(m.start < m.end, "empty mention {i}: {m:?}");
        assert!(
            m.start >= prev_end,
            "mention {i} overlaps or goes backwards: {m:?}"
        );
        prev_end = m.end;
        let surface = t
            .get(m.start..m.end)
            .unwrap_or_else(|| panic!("mention {i} {m:?} splits a character"));
        assert_eq!(
            m.char_start,
            t[..m.start].chars().count(),
            "char_start of {m:?}"
        );
        assert_eq!(m.char_end, t[..m.end].chars().count(), "char_end of {m:?}");
        let s = &tagged.sentences[m.sentence as usize];
        assert!(
            s.span.start <= m.start && m.end <= s.span.end,
            "mention {m:?} outside its sentence {:?}",
            s.span
        );
        assert_eq!(s.paragraph, m.paragraph, "mention {m:?}: paragraph");
        let normalised = text::normalize(surface).text.into_owned();
        let forms = allowed_forms(dict, m.entity, m.kind);
        assert!(
            forms.contains(&normalised),
            "mention {m:?}: {surface:?} is not a form of {:?} as {:?}: {forms:?}",
            dict.entities[m.entity as usize].id,
            m.kind
        );
    }
}

// ---------------------------------------------------------------------------------------
// Exports

/// A node as the fuzzer writes it.
#[derive(Arbitrary, Debug)]
pub struct NodeSpec {
    id: String,
    label: String,
    kind: String,
    attributes: Vec<(String, String)>,
    mentions: u16,
    seen: Option<(u16, u8, u8)>,
}

/// An edge as the fuzzer writes it: endpoints by index, and a relation or measures.
#[derive(Arbitrary, Debug)]
pub struct EdgeSpec {
    a: u8,
    b: u8,
    weight: u16,
    relation: Option<(String, bool, String, bool)>,
    measures: (f64, f64, f64, f64),
}

/// A whole graph and how to write it.
#[derive(Arbitrary, Debug)]
pub struct GraphSpec {
    nodes: Vec<NodeSpec>,
    edges: Vec<EdgeSpec>,
    window: u8,
    analyse: bool,
    selection: u8,
    /// The CSV formula guard.
    pub guard: bool,
}

impl GraphSpec {
    /// The export options the spec asks for.
    pub fn options(&self) -> ExportOptions {
        ExportOptions {
            edges: match self.selection % 3 {
                0 => EdgeSelection::All,
                1 => EdgeSelection::Cooccurrence,
                _ => EdgeSelection::Relations,
            },
            csv_formula_guard: self.guard,
            ..ExportOptions::default()
        }
    }
}

/// Builds the graph a spec describes, the way the pipeline would order it: nodes sorted by
/// id (ids the dictionary would refuse are replaced), co-occurrence edges from the smaller
/// id, then relation edges.
pub fn graph_from(spec: &GraphSpec) -> KnowledgeGraph {
    let mut nodes: BTreeMap<String, &NodeSpec> = BTreeMap::new();
    for (i, n) in spec.nodes.iter().take(40).enumerate() {
        let id = if dictionary::valid_id(&n.id) {
            n.id.clone()
        } else {
            format!("n{i}")
        };
        nodes.entry(id).or_insert(n);
    }
    let mut g = DiGraph::new();
    let idx: Vec<_> = nodes
        .iter()
        .map(|(id, n)| {
            g.add_node(Node {
                id: id.clone(),
                label: n.label.clone(),
                kind: n.kind.clone(),
                attributes: n.attributes.iter().take(8).cloned().collect(),
                mentions: u64::from(n.mentions) + 1,
                documents: 1,
                windows: u64::from(n.mentions) + 1,
                first_seen: n
                    .seen
                    .and_then(|(y, m, d)| Date::new(1000 + i32::from(y % 9000), m, d)),
                last_seen: n
                    .seen
                    .and_then(|(y, m, d)| Date::new(1000 + i32::from(y % 9000), m, d)),
                metrics: None,
            })
        })
        .collect();
    if !idx.is_empty() {
        let mut co = BTreeMap::new();
        let mut rel = Vec::new();
        for e in spec.edges.iter().take(200) {
            let (a, b) = (usize::from(e.a) % idx.len(), usize::from(e.b) % idx.len());
            let weight = u64::from(e.weight) + 1;
            match &e.relation {
                None if a != b => {
                    let (m1, m2, m3, m4) = e.measures;
                    co.insert(
                        (a.min(b), a.max(b)),
                        Edge {
                            kind: EdgeKind::Cooccurrence,
                            weight,
                            documents: 1,
                            measures: Some(Measures {
                                pmi: m1,
                                npmi: m2,
                                jaccard: m3,
                                dice: m4,
                            }),
                            relation: None,
                            first_seen: None,
                            last_seen: None,
                        },
                    );
                }
                None => {}
                Some((relation, negated, modality, reversed)) => rel.push((
                    a,
                    b,
                    Edge {
                        kind: EdgeKind::Relation,
                        weight,
                        documents: 1,
                        measures: None,
                        relation: Some(RelationAttrs {
                            relation: relation.clone(),
                            negated: *negated,
                            modality: modality.clone(),
                            reversed: *reversed,
                        }),
                        first_seen: None,
                        last_seen: None,
                    },
                )),
            }
        }
        for ((a, b), e) in co {
            g.add_edge(idx[a], idx[b], e);
        }
        for (a, b, e) in rel {
            g.add_edge(idx[a], idx[b], e);
        }
    }
    let mut graph = KnowledgeGraph {
        graph: g,
        window: match spec.window % 3 {
            0 => Window::Sentence,
            1 => Window::Paragraph,
            _ => Window::Document,
        },
        totals: Totals {
            documents: 3,
            windows: 10,
            mentions: 20,
        },
        modularity: None,
        timeline: None,
    };
    if spec.analyse {
        kgraph::analysis::annotate(&mut graph, &Default::default());
    }
    graph
}

/// What a text value becomes in every export: C0 controls other than tab, line feed and
/// carriage return dropped, and the noncharacters U+FFFE and U+FFFF.
fn xml_clean(s: &str) -> String {
    s.chars()
        .filter(|&c| !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}'))
        .collect()
}

/// An XML 1.0 (fifth edition) name token: one or more `NameChar`s.
fn is_name_token(s: &str) -> bool {
    let name_char = |c: char| {
        matches!(c,
            ':' | '_' | '-' | '.' | 'A'..='Z' | 'a'..='z' | '0'..='9' | '\u{B7}'
            | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{37D}'
            | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{203F}'..='\u{2040}'
            | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
            | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
    };
    !s.is_empty() && s.chars().all(name_char)
}

/// Parses GraphML with quick-xml, checks it is well formed XML 1.0 with only allowed
/// characters, that keys are declared once with name-token ids and names, that data refer
/// to declared keys and edges to nodes, and that every node's label reads back as written
/// (less the characters XML cannot hold).
pub fn check_graphml(out: &[u8], g: &KnowledgeGraph, opts: &ExportOptions) {
    use quick_xml::events::Event;
    let s = std::str::from_utf8(out).expect("GraphML is UTF-8");
    for c in s.chars() {
        assert!(
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..),
            "GraphML holds {c:?}, which XML 1.0 forbids"
        );
    }
    let mut reader = quick_xml::Reader::from_str(s);
    let mut stack: Vec<String> = Vec::new();
    let mut nodes = 0;
    let mut edges = 0;
    let mut labels: Vec<String> = Vec::new();
    let mut in_label = false;
    let mut current = String::new();
    let mut node_ids = std::collections::BTreeSet::new();
    let mut key_ids = std::collections::BTreeSet::new();
    let mut attr_names = std::collections::BTreeSet::new();
    loop {
        let ev = reader.read_event().unwrap_or_else(|e| {
            panic!(
                "GraphML does not parse at {}: {e}\n{s}",
                reader.error_position()
            )
        });
        match ev {
            Event::Eof => break,
            ev @ (Event::Start(_) | Event::Empty(_)) => {
                let (e, is_start) = match ev {
                    Event::Start(e) => (e, true),
                    Event::Empty(e) => (e, false),
                    _ => unreachable!("matched above"),
                };
                let name = e.name().as_ref().to_string();
                let mut key = None;
                let mut seen = Vec::new();
                let mut seen_values: Vec<(String, String)> = Vec::new();
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|err| panic!("bad attribute in <{name}>: {err}\n{s}"));
                    let k = a.key.as_ref().to_string();
                    assert!(!seen.contains(&k), "attribute {k} twice in <{name}>");
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap_or_else(|err| panic!("bad attribute value in <{name}>: {err}"));
                    if k == "key" {
                        key = Some(v.to_string());
                    }
                    seen_values.push((k.clone(), v.into_owned()));
                    seen.push(k);
                }
                let get = |k: &str| {
                    seen_values
                        .iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, v)| v.clone())
                };
                match name.as_str() {
                    "node" => {
                        nodes += 1;
                        let id = get("id").expect("a node has an id");
                        assert!(node_ids.insert(id.clone()), "node id {id:?} twice");
                    }
                    "edge" => {
                        edges += 1;
                        for end in ["source", "target"] {
                            let v = get(end).expect("an edge has both ends");
                            assert!(node_ids.contains(&v), "edge {end} {v:?} is no node");
                        }
                    }
                    "key" => {
                        let id = get("id").expect("a key has an id");
                        let attr_name = get("attr.name").expect("a key has attr.name");
                        // The schema types both as NMTOKEN.
                        assert!(is_name_token(&id), "key id {id:?} is no name token");
                        assert!(
                            is_name_token(&attr_name),
                            "attr.name {attr_name:?} is no name token"
                        );
                        assert!(key_ids.insert(id.clone()), "key id {id:?} twice");
                        let domain = get("for").expect("a key has a domain");
                        assert!(
                            attr_names.insert((domain, attr_name.to_lowercase())),
                            "attr.name {attr_name:?} twice in one domain (ignoring case)"
                        );
                    }
                    "data" => {
                        let k = get("key").expect("data names its key");
                        assert!(key_ids.contains(&k), "data for undeclared key {k:?}");
                    }
                    _ => {}
                }
                if name == "data" && key.as_deref() == Some("label") {
                    in_label = true;
                    current.clear();
                }
                if is_start {
                    stack.push(name);
                }
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_string();
                assert_eq!(
                    stack.pop().as_deref(),
                    Some(name.as_str()),
                    "unbalanced </{name}>"
                );
                if in_label && name == "data" {
                    labels.push(std::mem::take(&mut current));
                    in_label = false;
                }
            }
            Event::Text(t) => {
                if in_label {
                    current.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().expect("a valid character reference") {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .unwrap_or_else(|| panic!("unknown entity &{};", &*r))
                        .to_string(),
                };
                if in_label {
                    current.push_str(&resolved);
                }
            }
            Event::CData(_)
            | Event::Comment(_)
            | Event::Decl(_)
            | Event::PI(_)
            | Event::DocType(_) => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    assert_eq!(nodes, g.graph.node_count(), "node count");
    let selected = g
        .edges()
        .filter(|(_, _, e)| opts.edges.includes(e.kind))
        .count();
    assert_eq!(edges, selected, "edge count");
    let expected: Vec<String> = g
        .nodes()
        .map(|n| xml_clean(&n.label))
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(labels, expected, "labels read back");
}

/// A small DOT reader for what the writer produces: `digraph ID { stmt* }` with node,
/// edge and attribute statements, quoted strings with backslash escapes. Checks that the
/// file has that shape, that quoted strings hold no raw line break or control character,
/// and returns the node and edge statement counts with each node's `label` as Graphviz's
/// lexer would read it (only `\"` is undone there).
pub fn parse_dot(s: &str) -> (usize, usize, Vec<String>) {
    #[derive(Debug, PartialEq)]
    enum Tok {
        Id(String),
        Quoted(String),
        Punct(char),
        Arrow,
    }
    let b = s.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\n' | b'\t' | b'\r' => i += 1,
            b'{' | b'}' | b'[' | b']' | b'=' | b';' | b',' => {
                toks.push(Tok::Punct(c as char));
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'>') => {
                toks.push(Tok::Arrow);
                i += 2;
            }
            b'"' => {
                let mut out = String::new();
                i += 1;
                loop {
                    let rest = &s[i..];
                    let ch = rest
                        .chars()
                        .next()
                        .unwrap_or_else(|| panic!("unterminated string\n{s}"));
                    assert!(
                        !ch.is_control(),
                        "raw control character {ch:?} in a quoted string\n{s}"
                    );
                    i += ch.len_utf8();
                    match ch {
                        '"' => break,
                        '\\' => {
                            let next = s[i..]
                                .chars()
                                .next()
                                .unwrap_or_else(|| panic!("string ends in a backslash\n{s}"));
                            assert!(
                                next != '\n' && next != '\r',
                                "backslash line continuation\n{s}"
                            );
                            i += next.len_utf8();
                            if next == '"' {
                                out.push('"');
                            } else {
                                out.push('\\');
                                out.push(next);
                            }
                        }
                        c => out.push(c),
                    }
                }
                toks.push(Tok::Quoted(out));
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                toks.push(Tok::Id(s[start..i].to_string()));
            }
            _ => panic!(
                "unexpected character {:?} outside a string at {i}\n{s}",
                &s[i..].chars().next()
            ),
        }
    }
    let mut it = toks.into_iter().peekable();
    assert_eq!(
        it.next(),
        Some(Tok::Id("digraph".into())),
        "starts with digraph"
    );
    assert!(matches!(it.next(), Some(Tok::Quoted(_))), "graph name");
    assert_eq!(it.next(), Some(Tok::Punct('{')));
    let id = |t: Option<Tok>| -> String {
        match t {
            Some(Tok::Quoted(s)) | Some(Tok::Id(s)) => s,
            other => panic!("expected an id, found {other:?}\n{s}"),
        }
    };
    let (mut nodes, mut edges, mut labels) = (0, 0, Vec::new());
    loop {
        let first = it.next().unwrap_or_else(|| panic!("missing }}\n{s}"));
        if first == Tok::Punct('}') {
            break;
        }
        let keyword =
            matches!(&first, Tok::Id(k) if ["graph", "node", "edge"].contains(&k.as_str()));
        let _ = id(Some(first));
        let mut is_edge = false;
        if it.peek() == Some(&Tok::Arrow) {
            it.next();
            let _ = id(it.next());
            is_edge = true;
        }
        let mut label = None;
        if it.peek() == Some(&Tok::Punct('[')) {
            it.next();
            loop {
                match it.next() {
                    Some(Tok::Punct(']')) => break,
                    Some(Tok::Punct(',')) => continue,
                    t => {
                        let k = id(t);
                        assert_eq!(
                            it.next(),
                            Some(Tok::Punct('=')),
                            "attribute {k} without =\n{s}"
                        );
                        let v = id(it.next());
                        if k == "label" {
                            label = Some(v);
                        }
                    }
                }
            }
        }
        assert_eq!(
            it.next(),
            Some(Tok::Punct(';')),
            "statement ends with ;\n{s}"
        );
        if keyword {
            continue;
        }
        if is_edge {
            edges += 1;
        } else {
            nodes += 1;
            labels.push(label.unwrap_or_default());
        }
    }
    assert!(it.next().is_none(), "text after the closing brace\n{s}");
    (nodes, edges, labels)
}

/// Checks a DOT file against its graph: its shape (see [`parse_dot`]), its counts, and that
/// each label, once Graphviz's escapes are read (`\\` a backslash, `\n` a line break), is
/// the node's label with tabs as spaces, less controls and noncharacters.
pub fn check_dot(out: &[u8], g: &KnowledgeGraph, opts: &ExportOptions) {
    let s = std::str::from_utf8(out).expect("DOT is UTF-8");
    let (nodes, edges, labels) = parse_dot(s);
    assert_eq!(nodes, g.graph.node_count(), "node statements");
    let selected = g
        .edges()
        .filter(|(_, _, e)| opts.edges.includes(e.kind))
        .count();
    assert_eq!(edges, selected, "edge statements");
    for (n, got) in g.nodes().zip(labels) {
        // Graphviz's escString: a backslash and the next character.
        let mut read = String::new();
        let mut chars = got.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => read.push('\n'),
                    Some('\\') => read.push('\\'),
                    Some(other) => panic!("unexpected escape \\{other} in label {got:?}"),
                    None => panic!("label {got:?} ends in a lone backslash"),
                }
            } else {
                read.push(c);
            }
        }
        // Line breaks as one, tabs as spaces, other controls (C0, DEL, C1) and the
        // noncharacters dropped.
        let want: String = n
            .label
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\t', " ")
            .chars()
            .filter(|&c| c == '\n' || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}'))
            .collect();
        assert_eq!(read, want, "label of {}", n.id);
    }
}

/// Reads `nodes.csv` and `edges.csv` back with the csv crate: every record as long as the
/// header, one record a node and a selected edge, labels as written (cleaned), and with the
/// guard no text cell that a spreadsheet would run.
pub fn check_csv(nodes_csv: &[u8], edges_csv: &[u8], g: &KnowledgeGraph, opts: &ExportOptions) {
    let guard = opts.csv_formula_guard;
    let formula = |c: &str| c.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let mut r = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(nodes_csv);
    let header = r.headers().expect("nodes.csv has a header").clone();
    let mut seen = std::collections::BTreeSet::new();
    for h in &header {
        assert!(
            seen.insert(h.to_lowercase()),
            "column {h:?} twice in nodes.csv: {header:?}"
        );
        if guard {
            assert!(!formula(h), "header cell {h:?} runs as a formula");
        }
    }
    let rows: Vec<csv::StringRecord> = r
        .records()
        .map(|rec| rec.unwrap_or_else(|e| panic!("nodes.csv: {e}")))
        .collect();
    assert_eq!(rows.len(), g.graph.node_count(), "nodes.csv records");
    for (n, row) in g.nodes().zip(&rows) {
        let label = &row[1];
        let want = xml_clean(&n.label);
        if guard {
            assert!(!formula(label), "label cell {label:?} runs as a formula");
            assert!(
                label == want || *label == format!("'{want}"),
                "label {label:?} for {want:?}"
            );
            for (i, cell) in row.iter().enumerate() {
                // Metric and count columns are numbers; every text cell is guarded.
                if !(3..14).contains(&i) {
                    assert!(!formula(cell), "cell {cell:?} runs as a formula");
                }
            }
        } else {
            assert_eq!(label, want, "label without the guard");
        }
    }
    let mut r = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(edges_csv);
    r.headers().expect("edges.csv has a header");
    let rows: Vec<csv::StringRecord> = r
        .records()
        .map(|rec| rec.unwrap_or_else(|e| panic!("edges.csv: {e}")))
        .collect();
    let selected = g
        .edges()
        .filter(|(_, _, e)| opts.edges.includes(e.kind))
        .count();
    assert_eq!(rows.len(), selected, "edges.csv records");
    if guard {
        for row in &rows {
            for i in [0, 1, 5, 12] {
                assert!(
                    !formula(&row[i]),
                    "edge cell {:?} runs as a formula",
                    &row[i]
                );
            }
        }
    }
}
