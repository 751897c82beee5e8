//! `cargo-failfirst`: run as `cargo failfirst …` once installed.

use std::process::ExitCode;

// Parsing allocates and frees millions of small syntax nodes between the summaries that stay;
// mimalloc keeps that churn fast and returns the freed pages, where the system allocator
// leaves them fragmented (the benchmark's peak memory showed it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: how long freed pages wait before they go back to
/// the system. Parsing frees each file's syntax tree while the summaries stay. Measured on
/// the benchmark corpus (2 threads): left alone, the peak was ~1060 MiB; 0 ms gave ~870 MiB
/// but +2.5 s of system time; 100 ms gives ~940 MiB for ~1 s; 1000 ms changed nothing.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const PURGE_DELAY_MS: std::os::raw::c_long = 100;

fn main() -> ExitCode {
    // SAFETY: sets a plain integer option of the allocator; no memory is touched, and it is
    // done before any thread is started.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(error) => {
            eprintln!("error: cannot read the current directory: {error}");
            return ExitCode::from(2);
        }
    };
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let colour = cargo_failfirst::Io::colour_for_terminal();
    let mut io = cargo_failfirst::Io {
        stdout: &mut stdout,
        stderr: &mut stderr,
        colour,
    };
    let code = cargo_failfirst::run(std::env::args_os().skip(1).collect(), &cwd, &mut io);
    ExitCode::from(code as u8)
}
