//! The `kgraph` command line; everything but the entry point lives in `cli`.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
