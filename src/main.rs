//! The `kgraph` command line; everything but the entry point lives in `cli`.

mod cli;

/// mimalloc: tagging makes many small, short-lived allocations on every thread, where the
/// system allocator spent about 15% of a run and serialised the threads on its arenas.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::main());
}
