//! Inputs for the micro-benchmarks, generated at start-up so that `cargo bench` runs from a
//! clean clone with nothing else on disk.
//!
//! - Text: news-like documents of 2-7 KB, built like the side-by-side corpus
//!   (`scripts/bench.sh`): about 45% of the paragraphs are real paragraphs from the articles
//!   in `seeds/` (when the folder is there), the rest synthetic news sentences that mention
//!   places now and then. Fixed seed, so every run tags the same bytes.
//! - Seed dictionary: `../shared/bench/dicts/seed.csv` when it is beside the repository (its
//!   `type:name` ids rewritten to `type.name`, which kgraph accepts), else the embedded one.
//! - Large dictionary: `../shared/bench/dicts/large.csv` (41,474 entities, 96,343 forms) when
//!   present, else a synthetic one of the same size.
//!
//! Each loader prints on stderr which source it used, so figures can be compared knowingly.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use kgraph::corpus::{Date, Document};
use kgraph::dictionary::{Builder, Dictionary};

/// A small, fast, deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared benchmark folder beside the repository, if it is there.
pub fn shared_dicts() -> Option<PathBuf> {
    let p = root().join("..").join("shared").join("bench").join("dicts");
    p.is_dir().then_some(p)
}

/// Paragraphs of the example articles in `seeds/` (lines of at least 12 words).
fn seed_paragraphs() -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(root().join("seeds")) else {
        return out;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.extension().is_some_and(|e| e == "txt") {
            if let Ok(text) = std::fs::read_to_string(&p) {
                for line in text.lines() {
                    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
                    if line.split(' ').count() >= 12 {
                        out.push(line);
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

const FALLBACK_PARAGRAPHS: &[&str] = &[
    "Japan removed South Korea from its list of trusted trading partners in August 2019, and Seoul answered by saying it would end GSOMIA, the military intelligence pact brokered by the United States.",
    "President Moon Jae-in said the export controls on three chemicals used by Samsung and SK Hynix were retaliation for the Supreme Court rulings on forced labour during Japan's colonial rule of Korea.",
    "Prime Minister Shinzo Abe's government argued that the 1965 claims agreement settled every claim, while Washington urged Tokyo and Seoul to keep the trilateral alliance with the U.S. intact.",
    "The World Trade Organization heard South Korea's complaint in Geneva; China and North Korea watched the dispute between the two U.S. allies closely.",
];

const WORDS: &[&str] = &[
    "the",
    "government",
    "said",
    "on",
    "Tuesday",
    "that",
    "it",
    "would",
    "not",
    "accept",
    "new",
    "talks",
    "with",
    "officials",
    "from",
    "a",
    "plan",
    "to",
    "cut",
    "spending",
    "after",
    "police",
    "reported",
    "two",
    "people",
    "were",
    "injured",
    "in",
    "fire",
    "near",
    "city",
    "centre",
    "minister",
    "told",
    "reporters",
    "an",
    "inquiry",
    "will",
    "look",
    "at",
    "the",
    "claims",
    "by",
    "union",
    "leaders",
    "about",
    "water",
    "prices",
    "and",
    "farm",
    "exports",
    "this",
    "year",
    "court",
    "heard",
    "evidence",
    "of",
    "fraud",
    "over",
    "three",
    "years",
    "market",
    "shares",
    "rose",
    "per",
    "cent",
    "bank",
    "rates",
    "election",
    "campaign",
    "opposition",
    "party",
    "leader",
    "says",
    "army",
    "troops",
    "border",
    "peace",
    "process",
    "team",
    "coach",
    "match",
    "season",
    "health",
    "hospital",
    "doctors",
    "school",
    "students",
    "council",
];

const PLACES: &[&str] = &[
    "Sydney",
    "Melbourne",
    "Canberra",
    "Australia",
    "Afghanistan",
    "Israel",
    "Gaza",
    "New York",
    "London",
    "Washington",
    "Queensland",
    "Brisbane",
    "Adelaide",
    "Perth",
    "Pakistan",
    "India",
    "Indonesia",
    "Jakarta",
    "Kabul",
    "Jerusalem",
    "Paris",
    "Tasmania",
    "Hobart",
    "Darwin",
];

fn synthetic_paragraph(rng: &mut Rng) -> String {
    let mut p = String::new();
    for s in 0..3 {
        if s > 0 {
            p.push(' ');
        }
        let n = 10 + rng.below(18);
        for i in 0..n {
            if i > 0 {
                p.push(' ');
            }
            let w = if rng.chance(0.08) {
                PLACES[rng.below(PLACES.len())]
            } else {
                WORDS[rng.below(WORDS.len())]
            };
            if i == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    p.extend(f.to_uppercase());
                    p.push_str(c.as_str());
                }
            } else {
                p.push_str(w);
            }
        }
        p.push('.');
    }
    p
}

/// News-like documents adding up to at least `bytes` bytes of text, dated 2019-2020.
pub fn corpus(bytes: usize) -> Vec<Document> {
    let mut domain = seed_paragraphs();
    if domain.is_empty() {
        eprintln!("bench input: seeds/ not found, using built-in paragraphs");
        domain = FALLBACK_PARAGRAPHS.iter().map(|s| s.to_string()).collect();
    }
    let mut rng = Rng::new(20191224);
    let mut docs = Vec::new();
    let mut total = 0;
    while total < bytes {
        let size = 2000 + rng.below(5000);
        let mut text = if rng.chance(0.45) {
            let p = &domain[rng.below(domain.len())];
            p.split(' ').take(8).collect::<Vec<_>>().join(" ")
        } else {
            synthetic_paragraph(&mut rng)
                .split(' ')
                .take(8)
                .collect::<Vec<_>>()
                .join(" ")
        };
        text.push_str("\n\n");
        while text.len() < size {
            if rng.chance(0.45) {
                text.push_str(&domain[rng.below(domain.len())]);
            } else {
                text.push_str(&synthetic_paragraph(&mut rng));
            }
            text.push_str("\n\n");
        }
        total += text.len();
        let n = docs.len();
        let day = rng.below(28) as u8 + 1;
        let month = rng.below(12) as u8 + 1;
        let year = 2019 + rng.below(2) as i32;
        docs.push(
            Document::new(format!("doc{n:07}"), text)
                .with_date(Date::new(year, month, day).unwrap()),
        );
    }
    docs
}

/// The side-by-side benchmark's CSV dictionaries use `type:name` ids; kgraph's ids allow
/// letters, digits, `-`, `_` and `.`, so the first `:` of each id becomes `.`.
pub fn convert_ids(csv: &str) -> String {
    let mut out = String::with_capacity(csv.len());
    for (i, line) in csv.split_inclusive('\n').enumerate() {
        let id_end = line.find(',').unwrap_or(line.len());
        if i > 0 && line[..id_end].contains(':') {
            out.push_str(&line.replacen(':', ".", 1));
        } else {
            out.push_str(line);
        }
    }
    out
}

fn from_csv(name: &str, text: &str) -> Dictionary {
    let mut b = Builder::default();
    b.add_csv(name, text).expect("dictionary parses");
    b.finish().expect("dictionary is valid")
}

fn shared_csv(file: &str) -> Option<String> {
    let path: PathBuf = shared_dicts()?.join(file);
    std::fs::read_to_string(Path::new(&path))
        .ok()
        .map(|t| convert_ids(&t))
}

/// The seed dictionary: the shared `seed.csv` if present, else the embedded dictionary.
pub fn seed_dictionary() -> Dictionary {
    match shared_csv("seed.csv") {
        Some(text) => {
            eprintln!("bench input: seed dictionary = ../shared/bench/dicts/seed.csv");
            from_csv("seed.csv", &text)
        }
        None => {
            eprintln!("bench input: seed dictionary = embedded (../shared/bench/dicts not found)");
            Dictionary::embedded().expect("embedded dictionary")
        }
    }
}

/// The large dictionary's CSV text: the shared `large.csv`, else a synthetic one of the same
/// size (41,474 entities, about 96k surface forms).
pub fn large_dictionary_csv() -> String {
    if let Some(text) = shared_csv("large.csv") {
        eprintln!("bench input: large dictionary = ../shared/bench/dicts/large.csv");
        return text;
    }
    eprintln!("bench input: large dictionary = synthetic (../shared/bench/dicts not found)");
    synthetic_dictionary_csv(41_474, 7)
}

/// A CSV dictionary of `n` places with made-up names (one to three words of syllables),
/// each with 0-3 aliases, so `n` entities give about 2.3 n surface forms.
pub fn synthetic_dictionary_csv(n: usize, seed: u64) -> String {
    const SYL: &[&str] = &[
        "ka", "ro", "mi", "ta", "lo", "ne", "sa", "vi", "ba", "du", "ge", "ho", "ri", "an", "el",
        "or", "us", "ya", "zo", "pe", "qu", "ch", "st", "br", "ol", "in", "ar", "en", "um", "ix",
    ];
    let mut rng = Rng::new(seed);
    let mut seen = std::collections::HashSet::new();
    let mut name = |rng: &mut Rng| loop {
        let words = 1 + rng.below(3);
        let mut s = String::new();
        for w in 0..words {
            if w > 0 {
                s.push(' ');
            }
            let syl = 2 + rng.below(3);
            for k in 0..syl {
                let x = SYL[rng.below(SYL.len())];
                if k == 0 {
                    let mut c = x.chars();
                    s.extend(c.next().unwrap().to_uppercase());
                    s.push_str(c.as_str());
                } else {
                    s.push_str(x);
                }
            }
        }
        if seen.insert(s.clone()) {
            return s;
        }
    };
    let mut csv = String::from("id,type,label,aliases\n");
    for i in 0..n {
        let label = name(&mut rng);
        let aliases: Vec<String> = (0..rng.below(4)).map(|_| name(&mut rng)).collect();
        csv.push_str(&format!("p{i:06},place,{label},{}\n", aliases.join("|")));
    }
    csv
}

pub fn large_dictionary() -> Dictionary {
    from_csv("large.csv", &large_dictionary_csv())
}

pub fn total_bytes(docs: &[Document]) -> u64 {
    docs.iter().map(|d| d.text.len() as u64).sum()
}
