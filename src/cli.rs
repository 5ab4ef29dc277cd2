//! The command line: clap structures, their conversion into validated configurations, and
//! the commands that run them.
//!
//! This module owns everything the library must not see: argument parsing, defaults, exit
//! codes, progress bars, warnings on stderr, and writing output files atomically (to a
//! temporary file in the target folder, renamed into place only when the whole run
//! succeeded). Exit codes: 0 success, 1 a data error, 2 a usage error.

use std::fs;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use kgraph::corpus::{Document, Input, Period, ReadOptions, Reader};
use kgraph::dictionary::{self, Builder, Dictionary, Severity};
use kgraph::error::{Error, Result};
use kgraph::export::{self, ColourBy, EdgeSelection, ExportOptions, Format, SizeBy};
use kgraph::graph::{KnowledgeGraph, Window};
use kgraph::pipeline::{BuildOptions, Pipeline};
use kgraph::relations::{Relation, RuleSet};
use kgraph::tagger::{Mention, TagOptions, TaggedDocument};

/// Builds knowledge graphs from news articles: entities from a dictionary, linked by
/// co-occurrence, written for Graphviz, Gephi and spreadsheets.
#[derive(Parser, Debug)]
#[command(name = "kgraph", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the graph from articles and write it as DOT, GraphML, GEXF, JSON or CSV.
    ///
    /// Example: kgraph build seeds -o out/seeds.graphml -o out/seeds.dot -o out/csv
    Build(BuildArgs),
    /// Tag mentions only, one row per mention (CSV or JSON Lines).
    ///
    /// Example: kgraph tag seeds --format jsonl | head
    Tag(TagArgs),
    /// Check or export dictionaries.
    #[command(subcommand)]
    Dict(DictCommand),
    /// Summarise a graph: top entities by each metric, communities, strongest edges.
    ///
    /// Example: kgraph stats seeds --top 10
    Stats(StatsArgs),
    /// Show the sentences behind the edges between two entities (by id or any alias).
    ///
    /// Example: kgraph explain jp "South Korea" seeds
    Explain(ExplainArgs),
}

#[derive(Args, Debug)]
struct StatsArgs {
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    dict: DictArgs,
    #[command(flatten)]
    rules: RulesArgs,
    /// The co-occurrence window.
    #[arg(long, value_enum, default_value_t = WindowArg::Sentence)]
    window: WindowArg,
    /// How many entries in each ranking.
    #[arg(long, value_name = "N", default_value_t = 10)]
    top: usize,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = StatsFormat::Text)]
    format: StatsFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum StatsFormat {
    Text,
    Csv,
    Json,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// The first entity: an id or any of its names.
    a: String,
    /// The second entity: an id or any of its names.
    b: String,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    dict: DictArgs,
    #[command(flatten)]
    rules: RulesArgs,
    /// The co-occurrence window whose text is shown.
    #[arg(long, value_enum, default_value_t = WindowArg::Sentence)]
    window: WindowArg,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ExplainFormat {
    Text,
    Csv,
    Jsonl,
}

#[derive(Args, Debug)]
struct DictArgs {
    /// Extra dictionary (JSON or CSV by extension); repeatable; later files override ids of
    /// earlier ones and of the default.
    #[arg(short = 'd', long = "dict", value_name = "FILE")]
    dicts: Vec<PathBuf>,
    /// Use only the --dict files, not the embedded default dictionary.
    #[arg(long)]
    no_default_dict: bool,
}

#[derive(Args, Debug)]
struct RulesArgs {
    /// Extra relation rules (JSON), repeatable; a rule with the id of an earlier one replaces it.
    #[arg(short = 'r', long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Use only the --rules files, not the embedded relation rules.
    #[arg(long)]
    no_default_rules: bool,
}

#[derive(Args, Debug)]
struct ReadArgs {
    /// Articles: .txt/.md files, directories (read recursively), .jsonl files, or - for stdin.
    #[arg(value_name = "INPUT")]
    inputs: Vec<String>,
    /// Fail on text that does not decode (UTF-8, or UTF-16 after its byte-order mark); by
    /// default bad bytes are replaced with U+FFFD with a warning.
    #[arg(long)]
    strict_utf8: bool,
    /// Skip malformed JSON Lines records (counted and reported) instead of failing.
    #[arg(long)]
    skip_bad: bool,
    /// Do not read an undated document's date from a dateline near its top.
    #[arg(long)]
    no_infer_dates: bool,
    /// Tag paragraphs that repeat an earlier one in the same document (default: once only).
    #[arg(long)]
    keep_repeats: bool,
    /// Tag page furniture too: menus, photo credits, share links, teasers for other stories
    /// (default: skipped).
    #[arg(long)]
    keep_furniture: bool,
    /// Threads (default: one per core); 1 runs every stage on one thread, N > 1 tags on N
    /// workers beside a reader and a writer. Outputs do not depend on it.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// No progress bar (it is drawn only on a terminal anyway) and no summary line.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct BuildArgs {
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    dict: DictArgs,
    #[command(flatten)]
    rules: RulesArgs,
    /// Where entities must appear together to be linked.
    #[arg(long, value_enum, default_value_t = WindowArg::Sentence)]
    window: WindowArg,
    /// Drop co-occurrence edges seen in fewer than N windows.
    #[arg(long, value_name = "N", default_value_t = 1)]
    min_weight: u64,
    /// Leave out entities left with no edge (after --min-weight): cleaner drawings.
    #[arg(long)]
    drop_isolated: bool,
    /// Group dated documents by period: nodes and edges get Gephi time intervals (CSV
    /// `Interval` column, GEXF spells).
    #[arg(long, value_enum, value_name = "PERIOD")]
    by: Option<ByArg>,
    /// With --by, also write one graph per period beside each output (graph.2019-07.graphml,
    /// csv/2019-07/).
    #[arg(long, requires = "by")]
    split_periods: bool,
    /// Output, repeatable: .dot/.gv (Graphviz), .graphml (Gephi, NetworkX), .gexf (Gephi, with
    /// time spells), .json (node-link, for NetworkX and D3), .svg/.png/.pdf (drawn by
    /// Graphviz), or a directory (or a path without extension) for nodes.csv, edges.csv,
    /// mentions.csv and evidence.csv (whose rows follow the input order; the graph does not
    /// depend on it); - for stdout.
    #[arg(short, long = "output", value_name = "PATH")]
    outputs: Vec<PathBuf>,
    /// Also write this output with only the co-occurrence edges (undirected): what NetworkX
    /// and igraph read. Repeatable; same formats as --output.
    #[arg(long = "cooccurrence-output", value_name = "PATH")]
    cooccurrence_outputs: Vec<PathBuf>,
    /// Also write this output with only the relation edges (directed). Repeatable.
    #[arg(long = "relations-output", value_name = "PATH")]
    relations_outputs: Vec<PathBuf>,
    /// Format for - or a path without a known extension.
    #[arg(short, long, value_enum)]
    format: Option<FormatArg>,
    /// Which edges to write.
    #[arg(long, value_enum, default_value_t = EdgesArg::All)]
    edges: EdgesArg,
    /// Write CSV cells starting with = + - @ as they are, without the protective quote.
    #[arg(long)]
    no_formula_guard: bool,
    /// What node size follows in DOT and pictures.
    #[arg(long, value_enum, default_value_t = SizeArg::Mentions)]
    size_by: SizeArg,
    /// What node colour follows in DOT and pictures.
    #[arg(long = "colour-by", alias = "color-by", value_enum, default_value_t = ColourArg::Type)]
    colour_by: ColourArg,
    /// The Graphviz engine that lays out .svg, .png and .pdf outputs.
    #[arg(long, value_enum, default_value_t = LayoutArg::Sfdp)]
    layout: LayoutArg,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum SizeArg {
    Mentions,
    Pagerank,
    Degree,
    Betweenness,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ColourArg {
    Type,
    Community,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum LayoutArg {
    Sfdp,
    Neato,
    Fdp,
    Dot,
    Circo,
    Twopi,
}

impl LayoutArg {
    fn command(self) -> &'static str {
        match self {
            LayoutArg::Sfdp => "sfdp",
            LayoutArg::Neato => "neato",
            LayoutArg::Fdp => "fdp",
            LayoutArg::Dot => "dot",
            LayoutArg::Circo => "circo",
            LayoutArg::Twopi => "twopi",
        }
    }
}

#[derive(Args, Debug)]
struct TagArgs {
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    dict: DictArgs,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = TagFormat::Csv)]
    format: TagFormat,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Write CSV cells starting with = + - @ as they are, without the protective quote.
    #[arg(long)]
    no_formula_guard: bool,
}

#[derive(Subcommand, Debug)]
enum DictCommand {
    /// Lint dictionaries (default: the embedded one); exits 1 on errors.
    Check {
        /// Dictionary files (JSON or CSV), checked together as they would be merged.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Check the files merged over the embedded default dictionary.
        #[arg(long)]
        with_default: bool,
    },
    /// Report how a dictionary fits a corpus: aliases that never matched, and the most
    /// frequent capitalised phrases that matched nothing (candidates to add).
    Coverage {
        #[command(flatten)]
        read: ReadArgs,
        #[command(flatten)]
        dict: DictArgs,
        /// How many candidate phrases to list.
        #[arg(long, value_name = "N", default_value_t = 40)]
        limit: usize,
    },
    /// Print the embedded dictionary, a starting point to edit.
    Export {
        /// Output format.
        #[arg(short, long, value_enum, default_value_t = DictFormat::Json)]
        format: DictFormat,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum WindowArg {
    Sentence,
    Paragraph,
    Document,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ByArg {
    Day,
    Week,
    Month,
    Year,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FormatArg {
    Dot,
    Graphml,
    Gexf,
    Json,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum EdgesArg {
    All,
    Cooccurrence,
    Relations,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum TagFormat {
    Csv,
    Jsonl,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DictFormat {
    Json,
    Csv,
}

/// Where one output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Stdout(Format),
    File(PathBuf, Format),
    CsvDir(PathBuf),
    /// A picture rendered by Graphviz: the path and Graphviz's output format (svg, png, pdf).
    Picture(PathBuf, &'static str),
}

/// Picture formats Graphviz renders, by file extension.
const PICTURES: &[&str] = &["svg", "png", "pdf"];

/// The validated configuration of `build`.
struct BuildConfig {
    split_periods: bool,
    layout: LayoutArg,
    inputs: Vec<Input>,
    read: ReadOptions,
    dict: DictArgs,
    rules: RulesArgs,
    build: BuildOptions,
    /// Each output, and the edges it holds when it differs from --edges.
    targets: Vec<(Target, Option<EdgeSelection>)>,
    export: ExportOptions,
    quiet: bool,
}

/// A message for stderr on one line: control characters (a line break in a file name, in
/// a quoted field name) are escaped, so that every error and warning is one line.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs the command line and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            // Printing help to a closed pipe is not worth a panic.
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => 0,
        Err(e) => {
            eprintln!("kgraph: error: {}", one_line(&e.chain()));
            match e {
                Error::Config(_) => 2,
                _ => 1,
            }
        }
    }
}

fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Build(args) => build(configure_build(args)?).map(|()| 0),
        Command::Tag(args) => tag(args).map(|()| 0),
        Command::Dict(DictCommand::Check {
            files,
            with_default,
        }) => dict_check(&files, with_default),
        Command::Dict(DictCommand::Export { format }) => dict_export(format).map(|()| 0),
        Command::Dict(DictCommand::Coverage { read, dict, limit }) => {
            dict_coverage(&read, &dict, limit).map(|()| 0)
        }
        Command::Explain(args) => explain(args).map(|()| 0),
        Command::Stats(args) => stats(args).map(|()| 0),
    }
}

fn inputs(args: &ReadArgs) -> Result<Vec<Input>> {
    if args.inputs.is_empty() {
        if io::stdin().is_terminal() {
            return Err(Error::Config(
                "no input: name files or directories of articles, or - for stdin (try --help)"
                    .into(),
            ));
        }
        return Ok(vec![Input::Stdin]);
    }
    Ok(args.inputs.iter().map(|s| Input::parse(s)).collect())
}

fn read_options(args: &ReadArgs) -> Result<ReadOptions> {
    if let Some(n) = args.threads {
        if n == 0 {
            return Err(Error::Config("--threads must be at least 1".into()));
        }
        // Fails only when the pool was already built, which cannot happen in one run.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    Ok(ReadOptions {
        strict_utf8: args.strict_utf8,
        skip_bad: args.skip_bad,
        infer_dates: !args.no_infer_dates,
    })
}

fn configure_build(args: BuildArgs) -> Result<BuildConfig> {
    let fallback = args.format.map(|f| match f {
        FormatArg::Dot => Format::Dot,
        FormatArg::Graphml => Format::Graphml,
        FormatArg::Gexf => Format::Gexf,
        FormatArg::Json => Format::Json,
        FormatArg::Csv => Format::Csv,
    });
    let mut targets = Vec::new();
    let outputs = if args.outputs.is_empty()
        && args.cooccurrence_outputs.is_empty()
        && args.relations_outputs.is_empty()
    {
        vec![PathBuf::from("-")]
    } else {
        args.outputs.clone()
    };
    for path in outputs {
        targets.push((target_for(&path, fallback)?, None));
    }
    for (paths, selection) in [
        (&args.cooccurrence_outputs, EdgeSelection::Cooccurrence),
        (&args.relations_outputs, EdgeSelection::Relations),
    ] {
        for path in paths {
            targets.push((target_for(path, fallback)?, Some(selection)));
        }
    }
    if targets
        .iter()
        .filter(|(t, _)| matches!(t, Target::Stdout(_)))
        .count()
        > 1
    {
        return Err(Error::Config("only one output can go to stdout".into()));
    }
    let window = window_of(args.window);
    let edges = match args.edges {
        EdgesArg::All => EdgeSelection::All,
        EdgesArg::Cooccurrence => EdgeSelection::Cooccurrence,
        EdgesArg::Relations => EdgeSelection::Relations,
    };
    if args.split_periods && targets.iter().any(|(t, _)| matches!(t, Target::Stdout(_))) {
        return Err(Error::Config(
            "--split-periods writes files: give -o paths, not stdout".into(),
        ));
    }
    let by = args.by.map(|b| match b {
        ByArg::Day => Period::Day,
        ByArg::Week => Period::Week,
        ByArg::Month => Period::Month,
        ByArg::Year => Period::Year,
    });
    Ok(BuildConfig {
        split_periods: args.split_periods,
        inputs: inputs(&args.read)?,
        read: read_options(&args.read)?,
        build: BuildOptions {
            window,
            min_weight: args.min_weight,
            by,
            drop_isolated: args.drop_isolated,
            tag: TagOptions {
                dedup_paragraphs: !args.read.keep_repeats,
                drop_furniture: !args.read.keep_furniture,
            },
            ..BuildOptions::default()
        },
        dict: args.dict,
        rules: args.rules,
        targets,
        export: ExportOptions {
            edges,
            csv_formula_guard: !args.no_formula_guard,
            size_by: match args.size_by {
                SizeArg::Mentions => SizeBy::Mentions,
                SizeArg::Pagerank => SizeBy::Pagerank,
                SizeArg::Degree => SizeBy::Degree,
                SizeArg::Betweenness => SizeBy::Betweenness,
            },
            colour_by: match args.colour_by {
                ColourArg::Type => ColourBy::Type,
                ColourArg::Community => ColourBy::Community,
            },
        },
        layout: args.layout,
        quiet: args.read.quiet,
    })
}

fn target_for(path: &Path, fallback: Option<Format>) -> Result<Target> {
    if path == Path::new("-") {
        return match fallback.unwrap_or(Format::Dot) {
            Format::Csv => Err(Error::Config(
                "CSV is three files: give a directory with -o, not stdout".into(),
            )),
            f => Ok(Target::Stdout(f)),
        };
    }
    if let Some(f) = Format::from_extension(path) {
        return Ok(Target::File(path.to_path_buf(), f));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if let Some(p) = PICTURES.iter().find(|p| ext.as_deref() == Some(**p)) {
        return Ok(Target::Picture(path.to_path_buf(), p));
    }
    if path.is_dir() || path.extension().is_none() {
        return Ok(match fallback {
            Some(Format::Csv) | None => Target::CsvDir(path.to_path_buf()),
            Some(f) if path.is_dir() => {
                return Err(Error::Config(format!(
                    "{}: is a directory; {} needs a file name",
                    path.display(),
                    f.name()
                )));
            }
            Some(f) => Target::File(path.to_path_buf(), f),
        });
    }
    match fallback {
        Some(Format::Csv) => Ok(Target::CsvDir(path.to_path_buf())),
        Some(f) => Ok(Target::File(path.to_path_buf(), f)),
        None => Err(Error::Config(format!(
            "{}: unknown output format: use .dot, .gv, .graphml, .gexf or .json, a directory for CSV, or --format",
            path.display()
        ))),
    }
}

/// Loads the dictionaries a command asked for, printing lint problems as warnings.
fn load_dictionary(args: &DictArgs, quiet: bool) -> Result<Dictionary> {
    let mut b = Builder::default();
    if !args.no_default_dict {
        b.add_embedded()?;
    } else if args.dicts.is_empty() {
        return Err(Error::Config(
            "--no-default-dict needs at least one --dict FILE".into(),
        ));
    }
    for path in &args.dicts {
        b.add_path(path)?;
    }
    let dict = b.finish()?;
    if !quiet {
        for p in dictionary::lint(&dict) {
            eprintln!(
                "kgraph: warning: {}",
                one_line(&format!("{}: {}", p.at, p.message))
            );
        }
    }
    Ok(dict)
}

/// Loads the relation rules a command asked for.
fn load_rules(args: &RulesArgs) -> Result<RuleSet> {
    let mut rules = if args.no_default_rules {
        RuleSet::default()
    } else {
        RuleSet::embedded()?
    };
    for path in &args.rules {
        rules.add_path(path)?;
    }
    Ok(rules)
}

fn window_of(w: WindowArg) -> Window {
    match w {
        WindowArg::Sentence => Window::Sentence,
        WindowArg::Paragraph => Window::Paragraph,
        WindowArg::Document => Window::Document,
    }
}

/// A file being written: a temporary file in the target's folder, renamed into place by
/// [`Pending::commit`], removed if dropped uncommitted (an error, a panic, an interrupt that
/// unwinds). The writer is handed out separately so that any writer can own it.
struct Pending {
    tmp: PathBuf,
    path: PathBuf,
    committed: bool,
}

type FileWriter = BufWriter<fs::File>;

impl Pending {
    fn create(path: &Path) -> Result<(Pending, FileWriter)> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            fs::create_dir_all(&dir).map_err(|e| Error::Output {
                what: dir.display().to_string(),
                source: e,
            })?;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.kgraph-{}.tmp", std::process::id()));
        let file = fs::File::create(&tmp).map_err(|e| Error::Output {
            what: tmp.display().to_string(),
            source: e,
        })?;
        let pending = Pending {
            tmp,
            path: path.to_path_buf(),
            committed: false,
        };
        Ok((pending, BufWriter::with_capacity(1 << 16, file)))
    }

    fn what(&self) -> String {
        self.path.display().to_string()
    }

    /// Renames into place a temporary file whose writer was flushed and dropped.
    fn finish_flushed(mut self) -> Result<()> {
        let file = fs::OpenOptions::new()
            .write(true)
            .open(&self.tmp)
            .map_err(|e| self.error(e))?;
        file.sync_all().map_err(|e| self.error(e))?;
        fs::rename(&self.tmp, &self.path).map_err(|e| self.error(e))?;
        self.committed = true;
        Ok(())
    }

    fn error(&self, e: io::Error) -> Error {
        Error::Output {
            what: self.what(),
            source: e,
        }
    }

    /// Flushes, syncs and renames the temporary file into place.
    fn commit(mut self, writer: FileWriter) -> Result<()> {
        let file = writer
            .into_inner()
            .map_err(|e| self.error(e.into_error()))?;
        file.sync_all().map_err(|e| self.error(e))?;
        drop(file);
        fs::rename(&self.tmp, &self.path).map_err(|e| self.error(e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes a whole file atomically.
fn write_file(path: &Path, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let (p, mut w) = Pending::create(path)?;
    f(&mut w).map_err(|e| p.error(e))?;
    p.commit(w)
}

fn progress(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} documents, {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

fn report_reading(reader: &Reader, quiet: bool) {
    let r = reader.report();
    const MAX: usize = 20;
    for w in r.warnings.iter().take(MAX) {
        eprintln!("kgraph: warning: {}", one_line(w));
    }
    if r.warnings.len() > MAX {
        eprintln!(
            "kgraph: warning: ... and {} more warnings",
            r.warnings.len() - MAX
        );
    }
    if !r.skipped_files.is_empty() {
        let first: Vec<String> = r
            .skipped_files
            .iter()
            .take(3)
            .map(|p| one_line(&p.display().to_string()))
            .collect();
        eprintln!(
            "kgraph: warning: skipped {} file(s) that are not .txt, .md or .jsonl: {}{}",
            r.skipped_files.len(),
            first.join(", "),
            if r.skipped_files.len() > 3 {
                ", ..."
            } else {
                ""
            }
        );
    }
    if !quiet && r.skipped_records > 0 {
        eprintln!(
            "kgraph: skipped {} malformed record(s) (--skip-bad)",
            r.skipped_records
        );
    }
}

fn build(cfg: BuildConfig) -> Result<()> {
    let started = Instant::now();
    let dict = load_dictionary(&cfg.dict, cfg.quiet)?;
    let pipeline = Pipeline::with_rules(dict, load_rules(&cfg.rules)?, cfg.build)?;
    let mut reader = Reader::open(&cfg.inputs, cfg.read)?;

    // mentions.csv and evidence.csv stream to temporary files while the corpus is read.
    let mut mention_files: Vec<(Pending, export::csv::MentionsWriter<FileWriter>)> = Vec::new();
    let mut evidence_files: Vec<(Pending, export::csv::EvidenceWriter<FileWriter>)> = Vec::new();
    for (t, _) in &cfg.targets {
        if let Target::CsvDir(dir) = t {
            fs::create_dir_all(dir).map_err(|e| Error::Output {
                what: dir.display().to_string(),
                source: e,
            })?;
            let (p, file) = Pending::create(&dir.join("mentions.csv"))?;
            let w = export::csv::MentionsWriter::new(file, &cfg.export).map_err(|e| p.error(e))?;
            mention_files.push((p, w));
            let (p, file) = Pending::create(&dir.join("evidence.csv"))?;
            let w = export::csv::EvidenceWriter::new(file, &cfg.export).map_err(|e| p.error(e))?;
            evidence_files.push((p, w));
        }
    }

    let bar = progress(cfg.quiet);
    let mut bytes = 0usize;
    let dict = pipeline.dictionary();
    let rules = pipeline.rules();
    let csv_out = !mention_files.is_empty();
    let mention_rows = export::csv::MentionRows::new(dict, &cfg.export);
    let (graph, slices) = {
        let reader = reader.by_ref();
        pipeline.run_prepared(
            reader,
            // The CSV rows are made on the worker threads; this thread only writes them.
            |doc: &Document, tagged: &TaggedDocument, relations: &[Relation]| {
                let (mut mentions, mut evidence) = (Vec::new(), Vec::new());
                if csv_out {
                    mention_rows.format(doc, &tagged.mentions, &mut mentions)?;
                    export::csv::evidence_rows(
                        doc,
                        dict,
                        tagged,
                        relations,
                        rules,
                        &cfg.export,
                        &mut evidence,
                    )?;
                }
                Ok::<_, io::Error>((mentions, evidence))
            },
            |doc: &Document,
             _: &TaggedDocument,
             _: &[Relation],
             rows: io::Result<(Vec<u8>, Vec<u8>)>| {
                bytes += doc.text.len();
                bar.inc(1);
                if bar.position() % 64 == 0 {
                    bar.set_message(format!("{:.1} MB", bytes as f64 / 1e6));
                }
                let (mentions, evidence) = match rows {
                    Ok(rows) => rows,
                    Err(e) => {
                        return Err(match mention_files.first() {
                            Some((pending, _)) => pending.error(e),
                            None => Error::Output {
                                what: "mentions.csv".into(),
                                source: e,
                            },
                        });
                    }
                };
                for (pending, w) in &mut mention_files {
                    w.write_rows(&mentions).map_err(|e| pending.error(e))?;
                }
                for (pending, w) in &mut evidence_files {
                    w.write_rows(&evidence).map_err(|e| pending.error(e))?;
                }
                Ok(())
            },
        )?
    };
    bar.finish_and_clear();
    report_reading(&reader, cfg.quiet);

    for (pending, w) in mention_files {
        let file = w.finish().map_err(|e| pending.error(e))?;
        pending.commit(file)?;
    }
    for (pending, w) in evidence_files {
        let file = w.finish().map_err(|e| pending.error(e))?;
        pending.commit(file)?;
    }
    let mut written = Vec::new();
    for (t, selection) in &cfg.targets {
        let opts = ExportOptions {
            edges: selection.unwrap_or(cfg.export.edges),
            ..cfg.export
        };
        write_target(t, &graph, &opts, cfg.layout)?;
        written.push(match t {
            Target::Stdout(_) => "stdout".to_string(),
            Target::File(p, _) | Target::CsvDir(p) | Target::Picture(p, _) => {
                one_line(&p.display().to_string())
            }
        });
        if let (true, Some(by)) = (cfg.split_periods, cfg.build.by) {
            for (start, slice) in &slices {
                let period = period_target(t, &by.label(*start));
                write_target(&period, slice, &opts, cfg.layout)?;
            }
            if !slices.is_empty() {
                written.push(format!("{} {} slice(s)", slices.len(), by.name()));
            }
        }
    }
    if !cfg.quiet {
        let co = graph.edges().filter(|(_, _, e)| !e.kind.directed()).count();
        eprintln!(
            "kgraph: {} documents, {} mentions, {} nodes, {} co-occurrence edges ({} window), {} relation edges in {:.2} s; wrote {}",
            graph.totals.documents,
            graph.totals.mentions,
            graph.graph.node_count(),
            co,
            graph.window.name(),
            graph.graph.edge_count() - co,
            started.elapsed().as_secs_f64(),
            written.join(", ")
        );
    }
    Ok(())
}

/// Draws the graph with Graphviz: the DOT output piped through the layout engine.
fn render(
    graph: &KnowledgeGraph,
    opts: &ExportOptions,
    layout: LayoutArg,
    format: &str,
) -> io::Result<Vec<u8>> {
    use std::process::{Command, Stdio};
    let mut dot = Vec::new();
    export::dot::write_dot(graph, opts, &mut dot)?;
    let engine = layout.command();
    let mut child = Command::new(engine)
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                io::Error::new(
                    e.kind(),
                    format!(
                        "Graphviz's {engine} is not on PATH: install Graphviz (apt-get install graphviz, \
                         brew install graphviz), or write a .dot file and render it elsewhere"
                    ),
                )
            } else {
                e
            }
        })?;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    // Write from another thread so that a large drawing cannot fill both pipes at once.
    let writer = std::thread::spawn(move || stdin.write_all(&dot));
    let out = child.wait_with_output()?;
    writer
        .join()
        .map_err(|_| io::Error::other("the thread feeding Graphviz panicked"))??;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        return Err(io::Error::other(format!(
            "{engine} failed: {}",
            why.lines().next().unwrap_or("no message")
        )));
    }
    Ok(out.stdout)
}

/// Where one period's slice of an output goes: `graph.graphml` becomes
/// `graph.2019-07.graphml`, and a CSV directory gets a subdirectory per period.
fn period_target(t: &Target, label: &str) -> Target {
    match t {
        Target::Stdout(f) => Target::Stdout(*f),
        Target::CsvDir(dir) => Target::CsvDir(dir.join(label)),
        Target::File(path, f) => Target::File(labelled(path, label), *f),
        Target::Picture(path, f) => Target::Picture(labelled(path, label), f),
    }
}

/// `graph.graphml` with a label: `graph.LABEL.graphml`.
fn labelled(path: &Path, label: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.{label}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{label}"),
    };
    path.with_file_name(name)
}

fn write_target(
    t: &Target,
    graph: &KnowledgeGraph,
    opts: &ExportOptions,
    layout: LayoutArg,
) -> Result<()> {
    match t {
        Target::Picture(path, format) => {
            let picture = render(graph, opts, layout, format).map_err(|e| Error::Output {
                what: path.display().to_string(),
                source: e,
            })?;
            write_file(path, |w| w.write_all(&picture))
        }
        Target::Stdout(format) => {
            let stdout = io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            export::write(*format, graph, opts, &mut w)
                .and_then(|()| w.flush())
                .map_err(|e| Error::Output {
                    what: "stdout".into(),
                    source: e,
                })
        }
        Target::File(path, format) => write_file(path, |w| export::write(*format, graph, opts, w)),
        Target::CsvDir(dir) => {
            write_file(&dir.join("nodes.csv"), |w| {
                export::csv::write_nodes(graph, opts, w)
            })?;
            write_file(&dir.join("edges.csv"), |w| {
                export::csv::write_edges(graph, opts, w)
            })
        }
    }
}

/// One mention as a JSON Lines record.
fn mention_json(doc: &Document, dict: &Dictionary, m: &Mention) -> serde_json::Value {
    let e = &dict.entities[m.entity as usize];
    serde_json::json!({
        "document": doc.id,
        "date": doc.date.map(|d| d.to_string()),
        "entity": e.id,
        "label": e.label,
        "type": e.kind,
        "kind": m.kind.name(),
        "surface": &doc.text[m.start..m.end],
        "sentence": m.sentence,
        "paragraph": m.paragraph,
        "start": m.start,
        "end": m.end,
        "char_start": m.char_start,
        "char_end": m.char_end,
        "source": doc.source,
    })
}

fn tag(args: TagArgs) -> Result<()> {
    let inputs = inputs(&args.read)?;
    let read = read_options(&args.read)?;
    let dict = load_dictionary(&args.dict, args.read.quiet)?;
    let options = BuildOptions {
        tag: TagOptions {
            dedup_paragraphs: !args.read.keep_repeats,
            drop_furniture: !args.read.keep_furniture,
        },
        ..BuildOptions::default()
    };
    let pipeline = Pipeline::new(dict, options)?;
    let mut reader = Reader::open(&inputs, read)?;
    let export_opts = ExportOptions {
        csv_formula_guard: !args.no_formula_guard,
        ..ExportOptions::default()
    };
    let what = args
        .output
        .as_ref()
        .map_or("stdout".to_string(), |p| p.display().to_string());
    let out_err = |e: io::Error| Error::Output {
        what: what.clone(),
        source: e,
    };

    let (pending, mut sink): (Option<Pending>, Box<dyn Write>) = match &args.output {
        Some(path) => {
            let (p, w) = Pending::create(path)?;
            (Some(p), Box::new(w))
        }
        None => (None, Box::new(BufWriter::new(io::stdout().lock()))),
    };
    let dict = pipeline.dictionary();
    match args.format {
        TagFormat::Csv => {
            let mut w =
                export::csv::MentionsWriter::new(&mut sink, &export_opts).map_err(out_err)?;
            let rows = export::csv::MentionRows::new(dict, &export_opts);
            // The rows are made on the worker threads; this thread only writes them.
            pipeline.run_prepared(
                reader.by_ref(),
                |doc, tagged, _| {
                    let mut out = Vec::new();
                    rows.format(doc, &tagged.mentions, &mut out).map(|()| out)
                },
                |_, _, _, made| w.write_rows(&made.map_err(out_err)?).map_err(out_err),
            )?;
            w.finish().map_err(out_err)?;
        }
        TagFormat::Jsonl => {
            pipeline.run(reader.by_ref(), |doc, tagged, _| {
                for m in &tagged.mentions {
                    serde_json::to_writer(&mut sink, &mention_json(doc, dict, m))
                        .map_err(io::Error::from)
                        .map_err(out_err)?;
                    sink.write_all(b"\n").map_err(out_err)?;
                }
                Ok(())
            })?;
        }
    }
    sink.flush().map_err(out_err)?;
    report_reading(&reader, args.read.quiet);
    if let Some(p) = pending {
        // The boxed writer is the file's BufWriter, already flushed: sync and rename.
        drop(sink);
        p.finish_flushed()?;
    }
    Ok(())
}

fn dict_check(files: &[PathBuf], with_default: bool) -> Result<i32> {
    let mut b = Builder::default();
    let name = if files.is_empty() || with_default {
        b.add_embedded()?;
        "the embedded dictionary".to_string()
    } else {
        String::new()
    };
    for f in files {
        b.add_path(f)?;
    }
    let dict = b.finish()?;
    let problems = dictionary::lint(&dict);
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    for p in &problems {
        let sev = if p.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        println!("{}", one_line(&format!("{}: {sev}: {}", p.at, p.message)));
    }
    let what = if files.is_empty() {
        name
    } else {
        files
            .iter()
            .map(|f| one_line(&f.display().to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    eprintln!(
        "kgraph: {what}: {} entities, {} offices, {} error(s), {} warning(s)",
        dict.entities.len(),
        dict.offices.len(),
        errors,
        problems.len() - errors
    );
    Ok(if errors > 0 { 1 } else { 0 })
}

fn dict_export(format: DictFormat) -> Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let err = |e: io::Error| Error::Output {
        what: "stdout".into(),
        source: e,
    };
    match format {
        DictFormat::Json => out
            .write_all(dictionary::DEFAULT_JSON.as_bytes())
            .map_err(err)?,
        DictFormat::Csv => {
            let dict = Dictionary::embedded()?;
            let dropped = dictionary::write_csv(&dict, &mut out).map_err(err)?;
            if dropped > 0 {
                eprintln!(
                    "kgraph: warning: {dropped} role(s) and {} office(s) cannot be written as CSV; use --format json to keep them",
                    dict.offices.len()
                );
            }
        }
    }
    out.flush().map_err(err)
}

/// One piece of evidence shown by `explain`.
struct Evidence {
    /// (kind, subject id, object id, relation, negated, modality, reversed) groups the edge.
    edge: (u8, String, String, String, bool, String, bool),
    document: String,
    date: Option<String>,
    sentence: u32,
    rule: String,
    trigger: String,
    text: String,
    marked: String,
}

/// Marks spans in a text: mentions of the two entities in [brackets], the trigger in «».
fn mark(text: &str, base: usize, mut spans: Vec<(std::ops::Range<usize>, &str, &str)>) -> String {
    spans.sort_by_key(|(r, _, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(text.len() + 16);
    let mut pos = base;
    for (r, open, close) in spans {
        if r.start < pos || r.end > base + text.len() {
            continue;
        }
        out.push_str(&text[pos - base..r.start - base]);
        out.push_str(open);
        out.push_str(&text[r.start - base..r.end - base]);
        out.push_str(close);
        pos = r.end;
    }
    out.push_str(&text[pos - base..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn explain(args: ExplainArgs) -> Result<()> {
    let inputs = inputs(&args.read)?;
    let read = read_options(&args.read)?;
    let dict = load_dictionary(&args.dict, true)?;
    let find = |q: &str| {
        dict.lookup(q).ok_or_else(|| {
            Error::Config(format!(
                "unknown entity {q:?}: give an id or a name from the dictionary"
            ))
        })
    };
    let (a, b) = (find(&args.a)?, find(&args.b)?);
    if a == b {
        return Err(Error::Config(format!(
            "{:?} and {:?} are the same entity",
            args.a, args.b
        )));
    }
    let options = BuildOptions {
        window: window_of(args.window),
        tag: TagOptions {
            dedup_paragraphs: !args.read.keep_repeats,
            drop_furniture: !args.read.keep_furniture,
        },
        ..BuildOptions::default()
    };
    let pipeline = Pipeline::with_rules(dict, load_rules(&args.rules)?, options)?;
    let dict = pipeline.dictionary();
    let id = |e: u32| dict.entities[e as usize].id.clone();
    let (lo, hi) = if id(a) < id(b) { (a, b) } else { (b, a) };
    let mut evidence: Vec<Evidence> = Vec::new();
    let mut reader = Reader::open(&inputs, read)?;
    let window = options.window;
    pipeline.run(reader.by_ref(), |doc, tagged, relations| {
        let date = doc.date.map(|d| d.to_string());
        // Co-occurrence: the windows holding both.
        let unit = |m: &Mention| match window {
            Window::Sentence => m.sentence,
            Window::Paragraph => m.paragraph,
            Window::Document => 0,
        };
        let mut units: Vec<u32> = tagged
            .mentions
            .iter()
            .filter(|m| m.entity == a)
            .map(unit)
            .collect();
        units.dedup();
        for u in units {
            let inside: Vec<&Mention> = tagged.mentions.iter().filter(|m| unit(m) == u).collect();
            if !inside.iter().any(|m| m.entity == b) {
                continue;
            }
            let span = match window {
                Window::Sentence => tagged.sentences[u as usize].span.clone(),
                Window::Paragraph => tagged.paragraphs[u as usize].clone(),
                Window::Document => doc.body_start..doc.text.len(),
            };
            let spans = inside
                .iter()
                .filter(|m| m.entity == a || m.entity == b)
                .map(|m| (m.start..m.end, "[", "]"))
                .collect();
            evidence.push(Evidence {
                edge: (
                    0,
                    id(lo),
                    id(hi),
                    String::new(),
                    false,
                    String::new(),
                    false,
                ),
                document: doc.id.clone(),
                date: date.clone(),
                sentence: inside[0].sentence,
                rule: String::new(),
                trigger: String::new(),
                text: doc.text[span.clone()].to_string(),
                marked: mark(&doc.text[span.clone()], span.start, spans),
            });
        }
        for r in relations {
            if !((r.subject == a && r.object == b) || (r.subject == b && r.object == a)) {
                continue;
            }
            let span = tagged.sentences[r.sentence as usize].span.clone();
            let spans = vec![
                (r.subject_span.clone(), "[", "]"),
                (r.object_span.clone(), "[", "]"),
                (r.trigger.clone(), "«", "»"),
            ];
            evidence.push(Evidence {
                edge: (
                    1,
                    id(r.subject),
                    id(r.object),
                    r.attrs.relation.clone(),
                    r.attrs.negated,
                    r.attrs.modality.clone(),
                    r.attrs.reversed,
                ),
                document: doc.id.clone(),
                date: date.clone(),
                sentence: r.sentence,
                rule: pipeline.rules().rules[r.rule as usize].id.clone(),
                trigger: doc.text[r.trigger.clone()].to_string(),
                text: doc.text[span.clone()].to_string(),
                marked: mark(&doc.text[span.clone()], span.start, spans),
            });
        }
        Ok(())
    })?;
    report_reading(&reader, args.read.quiet);
    // Group by edge, keeping input order inside each group.
    evidence.sort_by(|x, y| x.edge.cmp(&y.edge));
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let err = |e: io::Error| Error::Output {
        what: "stdout".into(),
        source: e,
    };
    let label = |i: &str| dict.get(i).map_or(i.to_string(), |e| e.label.clone());
    match args.format {
        ExplainFormat::Text => {
            if evidence.is_empty() {
                writeln!(
                    out,
                    "no edge between {} and {}",
                    label(&id(a)),
                    label(&id(b))
                )
                .map_err(err)?;
            }
            let mut i = 0;
            while i < evidence.len() {
                let j = i + evidence[i..]
                    .iter()
                    .take_while(|e| e.edge == evidence[i].edge)
                    .count();
                let (kind, s, o, rel, neg, modality, rev) = &evidence[i].edge;
                let docs: std::collections::BTreeSet<&str> =
                    evidence[i..j].iter().map(|e| e.document.as_str()).collect();
                if *kind == 0 {
                    writeln!(
                        out,
                        "{} -- {}: co-occurrence, {} {}(s) in {} document(s)",
                        label(s),
                        label(o),
                        j - i,
                        window.name(),
                        docs.len()
                    )
                    .map_err(err)?;
                } else {
                    let mut flags = vec![modality.clone()];
                    if *neg {
                        flags.push("negated".into());
                    }
                    if *rev {
                        flags.push("reversed".into());
                    }
                    writeln!(
                        out,
                        "{} -> {}: {} ({}), {} statement(s) in {} document(s)",
                        label(s),
                        label(o),
                        rel,
                        flags.join(", "),
                        j - i,
                        docs.len()
                    )
                    .map_err(err)?;
                }
                for e in &evidence[i..j] {
                    let date = e
                        .date
                        .as_deref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default();
                    let rule = if e.rule.is_empty() {
                        String::new()
                    } else {
                        format!(", rule {}", e.rule)
                    };
                    writeln!(
                        out,
                        "  {}{}, sentence {}{}",
                        e.document, date, e.sentence, rule
                    )
                    .map_err(err)?;
                    writeln!(out, "    {}", e.marked).map_err(err)?;
                }
                writeln!(out).map_err(err)?;
                i = j;
            }
        }
        ExplainFormat::Csv | ExplainFormat::Jsonl => {
            let rows = evidence.iter().map(|e| {
                let (kind, s, o, rel, neg, modality, rev) = &e.edge;
                serde_json::json!({
                    "kind": if *kind == 0 { "cooccurrence" } else { "relation" },
                    "source": s, "target": o,
                    "relation": rel, "negated": if *kind == 0 { None } else { Some(*neg) },
                    "modality": modality, "reversed": if *kind == 0 { None } else { Some(*rev) },
                    "document": e.document, "date": e.date, "sentence": e.sentence,
                    "rule": e.rule, "trigger": e.trigger, "text": e.text,
                })
            });
            if args.format == ExplainFormat::Jsonl {
                for r in rows {
                    serde_json::to_writer(&mut out, &r)
                        .map_err(io::Error::from)
                        .map_err(err)?;
                    out.write_all(b"\n").map_err(err)?;
                }
            } else {
                let cols = [
                    "kind", "source", "target", "relation", "negated", "modality", "reversed",
                    "document", "date", "sentence", "rule", "trigger", "text",
                ];
                let mut w = csv::Writer::from_writer(&mut out);
                w.write_record(cols).map_err(io::Error::from).map_err(err)?;
                for r in rows {
                    let cells: Vec<String> = cols
                        .iter()
                        .map(|c| match &r[*c] {
                            serde_json::Value::String(s) => export::csv::text_cell(s, true),
                            serde_json::Value::Null => String::new(),
                            v => v.to_string(),
                        })
                        .collect();
                    w.write_record(&cells)
                        .map_err(io::Error::from)
                        .map_err(err)?;
                }
                w.flush().map_err(err)?;
            }
        }
    }
    out.flush().map_err(err)
}

fn dict_coverage(read_args: &ReadArgs, dict_args: &DictArgs, limit: usize) -> Result<()> {
    let inputs = inputs(read_args)?;
    let read = read_options(read_args)?;
    let dict = load_dictionary(dict_args, true)?;
    let options = BuildOptions {
        tag: TagOptions {
            dedup_paragraphs: !read_args.keep_repeats,
            drop_furniture: !read_args.keep_furniture,
        },
        ..BuildOptions::default()
    };
    let pipeline = Pipeline::with_rules(dict, RuleSet::default(), options)?;
    let mut coverage = kgraph::coverage::Coverage::default();
    let mut reader = Reader::open(&inputs, read)?;
    pipeline.run(reader.by_ref(), |doc, tagged, _| {
        coverage.add(doc, tagged);
        Ok(())
    })?;
    report_reading(&reader, read_args.quiet);
    let dict = pipeline.dictionary();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let err = |e: io::Error| Error::Output {
        what: "stdout".into(),
        source: e,
    };
    let unmatched = coverage.unmatched(dict);
    let total: usize = dict.entities.iter().map(|e| e.aliases.len()).sum();
    writeln!(
        out,
        "{} of {} aliases never matched in {} documents:",
        unmatched.len(),
        total,
        coverage.documents()
    )
    .map_err(err)?;
    for u in &unmatched {
        writeln!(out, "  {}\t{}\t{}", u.entity, u.kind.name(), u.alias).map_err(err)?;
    }
    let candidates = coverage.candidates(limit);
    writeln!(
        out,
        "\n{} most frequent capitalised phrases that matched nothing (occurrences, documents):",
        candidates.len()
    )
    .map_err(err)?;
    for c in candidates {
        writeln!(out, "  {}\t{}\t{}", c.occurrences, c.documents, c.phrase).map_err(err)?;
    }
    out.flush().map_err(err)
}

fn stats(args: StatsArgs) -> Result<()> {
    let inputs = inputs(&args.read)?;
    let read = read_options(&args.read)?;
    let dict = load_dictionary(&args.dict, true)?;
    let options = BuildOptions {
        window: window_of(args.window),
        tag: TagOptions {
            dedup_paragraphs: !args.read.keep_repeats,
            drop_furniture: !args.read.keep_furniture,
        },
        ..BuildOptions::default()
    };
    let pipeline = Pipeline::with_rules(dict, load_rules(&args.rules)?, options)?;
    let mut reader = Reader::open(&inputs, read)?;
    let graph = pipeline.run(reader.by_ref(), |_, _, _| Ok(()))?;
    report_reading(&reader, args.read.quiet);
    let report = export::stats::Report::new(&graph, args.top);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        StatsFormat::Text => report.write_text(&mut out),
        StatsFormat::Csv => report.write_csv(&mut out),
        StatsFormat::Json => report.write_json(&mut out),
    }
    .and_then(|()| out.flush())
    .map_err(|e| Error::Output {
        what: "stdout".into(),
        source: e,
    })
}
