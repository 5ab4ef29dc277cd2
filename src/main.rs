//! The `kgraph` command line; everything but the entry point lives in `cli`.

mod cli;

/// mimalloc: tagging makes many small, short-lived allocations on every thread, where the
/// system allocator spent about 15% of a run and serialised the threads on its arenas.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (milliseconds before freed memory is returned to the
/// system; -1: never) in the C library built here (v3), which the Rust bindings do not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // mimalloc gives freed memory back to the system a second after it is freed. A build
    // frees and allocates the same few megabytes for every batch of documents, so after the
    // first second each batch faulted its pages in again, zeroed by the kernel in 2 MB huge
    // pages: about 80% of a run's page faults and a few percent of its time. Peak memory is
    // what the batches need at once either way; it is kept until exit instead.
    // SAFETY: sets an option before any thread is started; mimalloc reads it when it purges.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
    }
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

#[cfg(test)]
mod tests {
    /// The option number is the purge delay's: the only option whose default is 1000 ms.
    /// Fails if a mimalloc update renumbers the options.
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: reads an option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
