//! `cargo-failfirst`: run as `cargo failfirst …` once installed.

use std::process::ExitCode;

// Parsing allocates and frees millions of small syntax nodes between the summaries that stay;
// mimalloc keeps that churn fast and reuses the freed memory, where the system allocator
// leaves it fragmented (the benchmark's peak memory showed it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: how long freed pages wait before they go back to
/// the system; -1 keeps them for the life of the process. Parsing frees each file's syntax
/// tree while the summaries stay, so pages handed back were soon faulted in again for the
/// next file: keeping them trades a little peak memory for seconds of system time (the
/// benchmark's README has the figures). The process ends with the run, which returns
/// everything; a long-lived process would call `mi_collect(true)` between analyses instead.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const KEEP_FREED_PAGES: std::os::raw::c_long = -1;

/// mimalloc's `mi_option_allow_large_os_pages`: ask the system for 2 MiB pages
/// (transparent huge pages, where the system allows them) for the allocator's memory. The
/// summaries and syntax trees of a large workspace take hundreds of MiB; with 4 KiB pages
/// each one is a page fault, and fewer faults mean less system time for the same peak
/// memory.
const MI_OPTION_ALLOW_LARGE_OS_PAGES: libmimalloc_sys::mi_option_t = 6;

fn main() -> ExitCode {
    // SAFETY: sets plain integer options of the allocator; no memory is touched, and it is
    // done before any thread is started.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, KEEP_FREED_PAGES);
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_LARGE_OS_PAGES, 1);
    }
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(error) => {
            eprintln!("error: cannot read the current directory: {error}");
            return ExitCode::from(2);
        }
    };
    // Not locked for the whole run: the language server writes standard output from a
    // thread of its own. Reports are written whole, so each write takes the lock once.
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    let mut io = cargo_failfirst::Io {
        stdout: &mut stdout,
        stderr: &mut stderr,
        colour: cargo_failfirst::Io::colour_for_terminal(),
        width: cargo_failfirst::Io::terminal_width(),
        progress: cargo_failfirst::Io::progress_for_terminal(),
        env: &|name| std::env::var(name).ok(),
    };
    let code = cargo_failfirst::run(std::env::args_os().skip(1).collect(), &cwd, &mut io);
    ExitCode::from(code as u8)
}
