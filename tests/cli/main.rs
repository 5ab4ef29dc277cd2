//! The one integration-test binary: it runs the real `kgraph` command line as a user would,
//! checks exit codes and messages, compares outputs with golden files (set `KGRAPH_BLESS=1`
//! to rewrite them), and hands outputs to their real readers (see `readers`).

mod default_dictionary;
mod hostile;
mod quality;
mod random_text;
mod readers;
mod relation_battery;
mod relation_quality;
mod tagging_battery;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn kgraph() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kgraph"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    kgraph().args(args).output().expect("kgraph runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Builds the seeds into `dir` as GraphML, DOT and CSV.
fn build_seeds(dir: &Path, extra: &[&str]) -> Output {
    let g = dir.join("seeds.graphml");
    let d = dir.join("seeds.dot");
    let c = dir.join("csv");
    let mut args = vec![
        "build",
        "seeds",
        "-q",
        "-o",
        g.to_str().unwrap(),
        "-o",
        d.to_str().unwrap(),
        "-o",
        c.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Compares a file with its golden copy, or rewrites the copy when KGRAPH_BLESS is set.
fn golden(actual: &Path, name: &str) {
    let want = repo("tests/data/golden").join(name);
    let got = fs::read(actual).unwrap();
    if std::env::var_os("KGRAPH_BLESS").is_some() {
        fs::create_dir_all(want.parent().unwrap()).unwrap();
        fs::write(&want, &got).unwrap();
        return;
    }
    let expected = fs::read(&want).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}: run with KGRAPH_BLESS=1",
            want.display()
        )
    });
    assert!(
        got == expected,
        "{} differs from {} (rerun with KGRAPH_BLESS=1 if the change is intended)",
        actual.display(),
        want.display()
    );
}

#[test]
fn build_seeds_writes_every_format_and_matches_the_golden_files() {
    let dir = tmp();
    let o = build_seeds(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    golden(&dir.path().join("seeds.graphml"), "seeds.graphml");
    golden(&dir.path().join("seeds.dot"), "seeds.dot");
    for f in ["nodes.csv", "edges.csv", "mentions.csv", "evidence.csv"] {
        golden(&dir.path().join("csv").join(f), &format!("seeds.{f}"));
    }
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("csv"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 4, "no temporary files left: {leftovers:?}");
}

#[test]
fn the_seeds_outputs_are_accepted_by_their_real_readers() {
    let dir = tmp();
    let o = build_seeds(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Each check skips (with a note) only when its tool is missing and CI is unset.
    let _ = readers::graphml_valid(&dir.path().join("seeds.graphml"));
    let _ = readers::dot_renders(&dir.path().join("seeds.dot"));
    let (nodes, edges, mentions) = readers::csv_counts(&dir.path().join("csv"));
    assert!(
        nodes > 30 && edges > 100 && mentions > 300,
        "{nodes} {edges} {mentions}"
    );
    // NetworkX reads the co-occurrence graph with the same counts as the CSV.
    let co = dir.path().join("co.graphml");
    let rel = dir.path().join("rel.graphml");
    let all = dir.path().join("all.graphml");
    let o = run(&[
        "build",
        "seeds",
        "-q",
        "-o",
        all.to_str().unwrap(),
        "--cooccurrence-output",
        co.to_str().unwrap(),
        "--relations-output",
        rel.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let edges_csv = fs::read_to_string(dir.path().join("csv/edges.csv")).unwrap();
    let undirected = edges_csv
        .lines()
        .filter(|l| l.contains(",Undirected,"))
        .count();
    assert!(
        undirected > 100 && undirected < edges,
        "{undirected} of {edges}"
    );
    if let Ok((n, e)) = readers::networkx_counts(&co) {
        assert_eq!((n, e), (nodes, undirected));
    }
    if let Ok((n, e)) = readers::networkx_counts(&rel) {
        assert_eq!((n, e), (nodes, edges - undirected));
    }
    let all = fs::read_to_string(&all).unwrap();
    assert!(
        all.contains("directed=\"true\""),
        "the mixed file keeps both kinds"
    );
}

#[test]
fn the_seeds_metrics_agree_with_networkx() {
    let dir = tmp();
    let co = dir.path().join("co.graphml");
    let rel = dir.path().join("rel.graphml");
    let all = dir.path().join("all.graphml");
    let o = run(&[
        "build",
        "seeds",
        "-q",
        "-o",
        all.to_str().unwrap(),
        "--cooccurrence-output",
        co.to_str().unwrap(),
        "--relations-output",
        rel.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    if let Ok([pagerank, betweenness, weighted, degree, modularity]) =
        readers::networkx_metric_differences(&co)
    {
        assert!(pagerank < 1e-6, "PageRank differs by {pagerank}");
        assert!(betweenness < 1e-9, "betweenness differs by {betweenness}");
        assert!(
            weighted < 1e-9,
            "weighted betweenness differs by {weighted}"
        );
        assert!(degree < 1e-9, "degree differs by {degree}");
        assert!(modularity < 1e-9, "modularity differs by {modularity}");
    }
    let nodes = fs::read_to_string(dir.path().join("co.graphml")).unwrap();
    assert!(
        nodes.contains("<data key=\"community\">"),
        "communities are written"
    );
}

#[test]
fn building_twice_gives_identical_bytes_on_any_thread_count() {
    let a = tmp();
    let b = tmp();
    assert!(build_seeds(a.path(), &["--threads", "1"]).status.success());
    assert!(build_seeds(b.path(), &["--threads", "2"]).status.success());
    for f in [
        "seeds.graphml",
        "seeds.dot",
        "csv/nodes.csv",
        "csv/edges.csv",
        "csv/mentions.csv",
        "csv/evidence.csv",
    ] {
        assert_eq!(
            fs::read(a.path().join(f)).unwrap(),
            fs::read(b.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn the_seed_graph_holds_what_a_reader_would_draw() {
    let dir = tmp();
    assert!(build_seeds(dir.path(), &[]).status.success());
    let nodes = fs::read_to_string(dir.path().join("csv/nodes.csv")).unwrap();
    for id in [
        "jp",
        "kr",
        "us",
        "cn",
        "kp",
        "moon_jae_in",
        "shinzo_abe",
        "donald_trump",
        "gsomia",
    ] {
        assert!(
            nodes.lines().any(|l| l.starts_with(&format!("{id},"))),
            "node {id} missing"
        );
    }
    let edges = fs::read_to_string(dir.path().join("csv/edges.csv")).unwrap();
    for (a, b) in [
        ("jp", "kr"),
        ("kr", "us"),
        ("jp", "us"),
        ("gsomia", "jp"),
        ("moon_jae_in", "shinzo_abe"),
    ] {
        let (s, t) = if a < b { (a, b) } else { (b, a) };
        assert!(
            edges.lines().any(|l| l.starts_with(&format!("{s},{t},"))),
            "edge {s}-{t} missing"
        );
    }
}

#[test]
fn a_broken_dictionary_gets_one_line_naming_file_and_line_and_exit_1() {
    let dir = tmp();
    let bad = dir.path().join("bad.json");
    fs::write(&bad, "{\"entities\": [\n  {\"id\": \"x\", \"type\": \"country\", \"label\": \"Xland\"},\n  {\"id\": \"y\", \"type\": \"country\"}\n]}\n").unwrap();
    let o = run(&[
        "build",
        "seeds",
        "-d",
        bad.to_str().unwrap(),
        "-o",
        dir.path().join("g.dot").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "kgraph: error: {}:3: entities[1]: missing \"label\"",
            bad.display()
        )),
        "{err}"
    );
    assert!(!dir.path().join("g.dot").exists());

    let csv = dir.path().join("bad.csv");
    fs::write(
        &csv,
        "id,type,label,aliases\nok,country,Okland,\nbad id,country,Bad,\n",
    )
    .unwrap();
    let o = run(&["dict", "check", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("{}:3: bad id \"bad id\"", csv.display())),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        run(&["build", "seeds", "--window", "chapter"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["build", "seeds", "-o", "out.xyz"]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    let o = run(&["build", "seeds", "-o", "-", "-f", "csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("kgraph: error: CSV is three files"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_missing_input_is_a_data_error_naming_the_path() {
    let o = run(&["build", "no/such/dir", "-o", "-"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("kgraph: error: no/such/dir: "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn dict_check_and_export() {
    let o = run(&["dict", "check"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(!stdout(&o).contains(": error:"), "{}", stdout(&o));
    let o = run(&["dict", "export", "--format", "json"]);
    assert!(o.status.success());
    assert_eq!(o.stdout, fs::read(repo("data/entities.json")).unwrap());
    // The CSV export is a dictionary the CSV loader reads back.
    let o = run(&["dict", "export", "--format", "csv"]);
    assert!(o.status.success());
    let dir = tmp();
    let csv = dir.path().join("d.csv");
    fs::write(&csv, &o.stdout).unwrap();
    let o = run(&["dict", "check", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn tag_writes_mentions_as_csv_and_jsonl() {
    let o = run(&["tag", "seeds/002_05349aeaac386fd4.txt", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("Document,Date,Entity,Label,Type,Kind,Surface,"),
        "{out}"
    );
    let o = run(&[
        "tag",
        "seeds/002_05349aeaac386fd4.txt",
        "-q",
        "--format",
        "jsonl",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let first: serde_json::Value =
        serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    let text = fs::read_to_string(repo("seeds/002_05349aeaac386fd4.txt")).unwrap();
    let (s, e) = (
        first["start"].as_u64().unwrap() as usize,
        first["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], first["surface"].as_str().unwrap());
    let chars: Vec<char> = text.chars().collect();
    let (cs, ce) = (
        first["char_start"].as_u64().unwrap() as usize,
        first["char_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        chars[cs..ce].iter().collect::<String>(),
        first["surface"].as_str().unwrap()
    );
}

#[test]
fn json_lines_and_stdin_are_read() {
    let mut child = kgraph()
        .args(["tag", "-", "-q", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\": \"a\", \"text\": \"Japan and South Korea.\", \"date\": \"2019-07-01\"}\n\n{\"id\": 7, \"text\": \"Seoul.\"}\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let rows: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, &str, Option<&str>)> = rows
        .iter()
        .map(|r| {
            (
                r["document"].as_str().unwrap(),
                r["entity"].as_str().unwrap(),
                r["date"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a", "jp", Some("2019-07-01")),
            ("a", "kr", Some("2019-07-01")),
            ("7", "kr", None)
        ]
    );
}

#[test]
fn a_malformed_json_lines_record_fails_the_run_and_writes_nothing() {
    let dir = tmp();
    let input = dir.path().join("c.jsonl");
    fs::write(&input, "{\"id\": \"a\", \"text\": \"Japan.\"}\n{\"id\": \"b\", \"text\": \n{\"id\": \"c\", \"text\": \"Korea.\"}\n").unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("nodes.csv"), "old").unwrap();
    let o = run(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(&format!(
            "kgraph: error: {}:2: bad JSON Lines record",
            input.display()
        )),
        "{}",
        stderr(&o)
    );
    // The old output is intact and no temporary file is left behind.
    assert_eq!(fs::read_to_string(out.join("nodes.csv")).unwrap(), "old");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
    // With --skip-bad the other records are read and the skip is reported.
    let o = run(&[
        "build",
        input.to_str().unwrap(),
        "--skip-bad",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(":2: skipped: bad JSON Lines record"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("skipped 1 malformed record"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    // Far more output than a pipe buffers, so the writer must meet the closed pipe.
    let dir = tmp();
    let input = dir.path().join("big.jsonl");
    let mut text = String::new();
    for i in 0..3000 {
        text.push_str(&format!(
            "{{\"id\": \"d{i}\", \"text\": \"Japan and South Korea. Seoul and Tokyo.\"}}\n"
        ));
    }
    fs::write(&input, text).unwrap();
    let mut child = kgraph()
        .args(["tag", input.to_str().unwrap(), "-q"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut buf = [0u8; 16];
    use std::io::Read;
    out.read_exact(&mut buf).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

#[test]
fn help_names_every_command() {
    let o = run(&["--help"]);
    assert!(o.status.success());
    for c in ["build", "tag", "dict"] {
        assert!(stdout(&o).contains(c), "{}", stdout(&o));
    }
    let o = run(&["build", "--help"]);
    for flag in [
        "--dict",
        "--no-default-dict",
        "--window",
        "--min-weight",
        "--output",
        "--format",
        "--quiet",
    ] {
        assert!(stdout(&o).contains(flag), "{flag}");
    }
}

#[test]
fn explain_shows_the_sentences_behind_an_edge() {
    let o = run(&["explain", "jp", "South Korea", "seeds", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("Japan -- South Korea: co-occurrence, "),
        "{first}"
    );
    // Both entities are marked in the evidence.
    assert!(
        out.contains("[Japan]") && (out.contains("[South Korea]") || out.contains("[ROK]")),
        "{out}"
    );
    let o = run(&["explain", "jp", "kr", "seeds", "-q", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("kind,source,target,relation,negated,modality,reversed,document,date,sentence,rule,trigger,text\n"));
    let o = run(&["explain", "jp", "Atlantis", "seeds"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown entity \"Atlantis\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn dict_coverage_lists_unmatched_aliases_and_candidates() {
    let o = run(&["dict", "coverage", "seeds", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("aliases never matched in 5 documents"),
        "{out}"
    );
    assert!(
        out.contains("capitalised phrases that matched nothing"),
        "{out}"
    );
}

#[test]
fn periods_give_intervals_and_one_graph_per_period() {
    let dir = tmp();
    let input = dir.path().join("c.jsonl");
    fs::write(
        &input,
        "{\"id\": \"a\", \"date\": \"2019-07-04\", \"text\": \"Japan placed export controls on South Korea.\"}\n\
         {\"id\": \"b\", \"date\": \"2019-11-22\", \"text\": \"Seoul and Tokyo kept GSOMIA.\"}\n\
         {\"id\": \"c\", \"text\": \"Undated: Japan and Washington.\"}\n",
    )
    .unwrap();
    let g = dir.path().join("out/g.graphml");
    let c = dir.path().join("out/csv");
    let o = run(&[
        "build",
        input.to_str().unwrap(),
        "-q",
        "--by",
        "month",
        "--split-periods",
        "-o",
        g.to_str().unwrap(),
        "-o",
        c.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "out/g.2019-07.graphml",
        "out/g.2019-11.graphml",
        "out/csv/2019-07/nodes.csv",
        "out/csv/2019-11/edges.csv",
    ] {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
    let _ = readers::graphml_valid(&dir.path().join("out/g.2019-11.graphml"));
    let nodes = fs::read_to_string(c.join("nodes.csv")).unwrap();
    assert!(
        nodes.lines().next().unwrap().ends_with(",Interval"),
        "{nodes}"
    );
    let kr = nodes.lines().find(|l| l.starts_with("kr,")).unwrap();
    assert!(
        kr.ends_with(",\"<[2019-07-01, 2019-07-31]; [2019-11-01, 2019-11-30]>\""),
        "{kr}"
    );
    let us = nodes.lines().find(|l| l.starts_with("us,")).unwrap();
    assert!(
        us.ends_with(','),
        "an undated mention has no interval: {us}"
    );
    // GEXF carries one spell a period, for Gephi's timeline.
    let gexf = dir.path().join("out/g.gexf");
    let o = run(&[
        "build",
        input.to_str().unwrap(),
        "-q",
        "--by",
        "month",
        "-o",
        gexf.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let _ = readers::gexf_valid(&gexf);
    let text = fs::read_to_string(&gexf).unwrap();
    let kr = &text[text.find("<node id=\"kr\"").unwrap()..];
    let kr = &kr[..kr.find("</node>").unwrap()];
    assert!(
        kr.contains("<spell start=\"2019-07-01\" end=\"2019-07-31\"/>"),
        "{kr}"
    );
    assert!(
        kr.contains("<spell start=\"2019-11-01\" end=\"2019-11-30\"/>"),
        "{kr}"
    );
    let july = fs::read_to_string(c.join("2019-07/nodes.csv")).unwrap();
    assert!(
        !july.contains("\ngsomia,"),
        "GSOMIA is mentioned only in November"
    );
    let o = run(&[
        "build",
        input.to_str().unwrap(),
        "--split-periods",
        "-o",
        g.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "--split-periods needs --by");
}

#[test]
fn stats_reports_rankings_and_communities() {
    let o = run(&["stats", "seeds", "-q", "--top", "5"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("5 documents,"), "{out}");
    for section in [
        "Entities by type:",
        "Top by pagerank:",
        "Communities",
        "Strongest co-occurrences",
    ] {
        assert!(out.contains(section), "{section} missing: {out}");
    }
    let o = run(&["stats", "seeds", "-q", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["totals"]["documents"], 5);
    assert!(v["communities"].as_array().unwrap().len() > 1);
    let o = run(&["stats", "seeds", "-q", "--format", "csv"]);
    assert!(stdout(&o).starts_with("Section,Rank,Id,Label,Value\n"));
}

#[test]
fn pictures_render_through_graphviz() {
    let dir = tmp();
    let svg = dir.path().join("g.svg");
    let o = run(&[
        "build",
        "seeds",
        "-q",
        "--colour-by",
        "community",
        "--size-by",
        "pagerank",
        "-o",
        svg.to_str().unwrap(),
    ]);
    if o.status.success() {
        let text = fs::read_to_string(&svg).unwrap();
        assert!(
            text.contains("<svg") && text.contains("South Korea"),
            "an SVG drawing of the seeds"
        );
    } else {
        // Only a missing Graphviz may fail this, with a message that says what to install.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Graphviz: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("is not on PATH: install Graphviz"),
            "{}",
            stderr(&o)
        );
    }
}
