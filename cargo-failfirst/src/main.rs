//! `cargo-failfirst`: run as `cargo failfirst …` once installed.

use std::process::ExitCode;

// Parsing allocates and frees millions of small syntax nodes between the summaries that stay;
// mimalloc keeps that churn fast and returns the freed pages, where the system allocator
// leaves them fragmented (the benchmark's peak memory showed it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
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
