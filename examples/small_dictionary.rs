//! Builds a small dictionary in code, tags two sentences, and writes the graph as DOT to
//! stdout: `cargo run --example small_dictionary | dot -Tsvg > small.svg`.

use std::collections::BTreeMap;

use kgraph::corpus::{Date, Document};
use kgraph::dictionary::{Alias, AliasKind, CaseRule, Dictionary, Entity};
use kgraph::error::Location;
use kgraph::export::{ExportOptions, dot};
use kgraph::pipeline::{BuildOptions, Pipeline};

fn entity(id: &str, kind: &str, label: &str, aliases: &[(&str, AliasKind)]) -> Entity {
    let mut all = vec![Alias {
        text: label.into(),
        kind: AliasKind::Name,
        case: CaseRule::Auto,
    }];
    all.extend(aliases.iter().map(|(t, k)| Alias {
        text: (*t).into(),
        kind: *k,
        case: CaseRule::Auto,
    }));
    Entity {
        id: id.into(),
        kind: kind.into(),
        label: label.into(),
        aliases: all,
        exclude: Vec::new(),
        roles: Vec::new(),
        attributes: BTreeMap::new(),
        origin: Location::file("<code>"),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dict = Dictionary::from_entities(vec![
        entity(
            "jp",
            "country",
            "Japan",
            &[
                ("Japanese", AliasKind::Demonym),
                ("Tokyo", AliasKind::Metonym),
            ],
        ),
        entity(
            "kr",
            "country",
            "South Korea",
            &[("Seoul", AliasKind::Metonym)],
        ),
        entity("gsomia", "agreement", "GSOMIA", &[]),
    ])?;
    let pipeline = Pipeline::new(dict, BuildOptions::default())?;
    let docs = vec![Ok(Document::new(
        "example",
        "Seoul said it would end GSOMIA with Tokyo. Japanese officials regretted it.",
    )
    .with_date(Date::new(2019, 8, 22).ok_or("bad date")?))];
    let graph = pipeline.run(docs, |_, _, _| Ok(()))?;
    dot::write_dot(&graph, &ExportOptions::default(), std::io::stdout().lock())?;
    Ok(())
}
