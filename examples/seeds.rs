//! Tags the five seed articles with the embedded default dictionary and prints every
//! mention: `cargo run --example seeds`.

use kgraph::corpus::{Input, ReadOptions, Reader};
use kgraph::dictionary::Dictionary;
use kgraph::tagger::Tagger;

fn main() -> Result<(), kgraph::Error> {
    let dict = Dictionary::embedded()?;
    let tagger = Tagger::new(&dict)?;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    for doc in Reader::open(&[Input::parse(dir)], ReadOptions::default())? {
        let doc = doc?;
        let tagged = tagger.tag(&doc);
        for m in &tagged.mentions {
            let e = &dict.entities[m.entity as usize];
            println!(
                "{}\t{}\t{}\t{}\t{:?}",
                doc.id.rsplit('/').next().unwrap_or(&doc.id),
                m.sentence,
                e.id,
                m.kind.name(),
                &doc.text[m.start..m.end]
            );
        }
    }
    Ok(())
}
