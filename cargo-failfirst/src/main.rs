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

/// No transparent huge pages for this process. mimalloc asks for them (`madvise`) on the
/// arena it reserves at its first allocation, before `main`: too early for its own
/// `allow_thp` option set here. A huge page is zeroed whole, 2 MiB at its first touch,
/// however little of it is then used; on the benchmark corpus that zeroing was 11 % of the
/// run's CPU, against 4 KiB pages faulted as they are used: 1.2 s of system time instead of
/// 2.9 s (the benchmark's README has the figures). The kernel checks the flag at each fault,
/// so it holds for memory reserved before it was set.
fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)` only sets a flag of the calling
    // process; it reads and writes no memory of ours. A kernel without it returns an error,
    // and the run goes on with huge pages.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    // SAFETY: sets plain integer options of the allocator; no memory is touched, and it is
    // done before any thread is started.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, KEEP_FREED_PAGES);
    }
    disable_transparent_huge_pages();
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
