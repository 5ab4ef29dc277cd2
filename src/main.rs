//! The `kgraph` command line; everything but the entry point lives in `cli`.

mod cli;

/// mimalloc: tagging makes many small, short-lived allocations on every thread, where the
/// system allocator spent about 15% of a run and serialised the threads on its arenas.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // A file size limit (`ulimit -f`) raises SIGXFSZ, whose default action ends the process
    // before any error path can remove a temporary output file. Ignored, the write fails
    // with EFBIG and is reported and cleaned up like a full disk.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN, before any thread is started.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    std::process::exit(cli::main());
}
