//! `syn-baseline`: the floor that `cargo failfirst` is measured against.
//!
//! It does the least work any syn-based analyser must do on a tree of Rust sources:
//! walk the folder for `.rs` files (skipping `target/` directories, and the integration
//! tests and benches failfirst does not read either), then, in parallel on
//! a rayon pool, read each file and parse it with `syn::parse_file`, nothing else. The
//! benchmark (`bench/run.sh`) divides failfirst's time by this program's time on the same
//! corpus and thread count.
//!
//! Invariants, shared with failfirst so that the comparison is fair:
//! - every file is parsed on a pool thread with a large stack, so deeply nested or
//!   generated files cannot overflow it;
//! - `proc_macro2::extra::invalidate_current_thread_spans()` is called after each file,
//!   otherwise span-locations keeps every parsed file in a per-thread source map and
//!   memory grows with the corpus;
//! - no input stops the run: a file that cannot be read, is not UTF-8, does not parse, or
//!   makes the parser panic is counted as a parse failure and the run continues.
//!
//! Output: one line, `files=N lines=N parse_failures=N`, on stdout.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use walkdir::WalkDir;

/// Stack for each parsing thread. syn is recursive descent; some generated files nest
/// deeply enough to need far more than the default 2 MiB.
const PARSER_STACK_BYTES: usize = 64 * 1024 * 1024;

const USAGE: &str = "\
usage: syn-baseline <FOLDER> [--threads N] [--list-failures]

Reads and syn-parses every .rs file under FOLDER (skipping target/ directories, and a
crate's tests/ and benches/, as failfirst does) in parallel, then prints
`files=N lines=N parse_failures=N`.

options:
  --threads N        parsing threads (default: the number of CPUs)
  --list-failures    print each file that failed to read or parse, with the reason, on stderr
  -h, --help         print this help";

struct Options {
    root: PathBuf,
    threads: usize,
    list_failures: bool,
}

enum ArgsOutcome {
    Run(Options),
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<ArgsOutcome, String> {
    let mut root: Option<PathBuf> = None;
    let mut threads: Option<usize> = None;
    let mut list_failures = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let threads_value = if arg == "--threads" {
            Some(args.next().ok_or("--threads needs a value")?)
        } else {
            arg.strip_prefix("--threads=").map(str::to_owned)
        };
        if let Some(value) = threads_value {
            let count: usize = value
                .parse()
                .map_err(|_| format!("--threads expects a positive integer, got `{value}`"))?;
            if count == 0 {
                return Err("--threads expects a positive integer, got `0`".to_owned());
            }
            threads = Some(count);
        } else if arg == "--list-failures" {
            list_failures = true;
        } else if arg == "-h" || arg == "--help" {
            return Ok(ArgsOutcome::Help);
        } else if arg.starts_with('-') && arg != "-" {
            return Err(format!("unknown option `{arg}`"));
        } else if root.is_some() {
            return Err(format!("unexpected extra argument `{arg}`"));
        } else {
            root = Some(PathBuf::from(arg));
        }
    }
    let root = root.ok_or("missing the folder to parse")?;
    let threads = match threads {
        Some(count) => count,
        None => std::thread::available_parallelism().map_or(1, |count| count.get()),
    };
    Ok(ArgsOutcome::Run(Options {
        root,
        threads,
        list_failures,
    }))
}

/// Why a file was counted as a parse failure.
enum FailureReason {
    Read(std::io::Error),
    NotUtf8,
    /// Holds the error already rendered: a syn::Error carries spans, which must not
    /// outlive the file once the thread's spans are invalidated.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    ParserPanicked,
}

impl fmt::Display for FailureReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::Read(error) => write!(formatter, "cannot read: {error}"),
            FailureReason::NotUtf8 => write!(formatter, "not valid UTF-8"),
            FailureReason::Syntax {
                line,
                column,
                message,
            } => write!(formatter, "{line}:{column}: {message}"),
            FailureReason::ParserPanicked => write!(formatter, "the parser panicked"),
        }
    }
}

/// Totals over the files parsed so far; combined across threads by addition.
#[derive(Default)]
struct Tally {
    files: u64,
    lines: u64,
    parse_failures: u64,
}

impl Tally {
    fn combine(self, other: Tally) -> Tally {
        Tally {
            files: self.files + other.files,
            lines: self.lines + other.lines,
            parse_failures: self.parse_failures + other.parse_failures,
        }
    }
}

/// Lists the `.rs` files under `root`, skipping any directory named `target` below it,
/// and a crate's `tests/` and `benches/` (beside a `Cargo.toml`): cargo's integration
/// tests and benches, which failfirst does not read either, so that both parse the same
/// files. Unreadable directory entries are reported on stderr and skipped.
fn find_rust_files(root: &Path) -> Vec<PathBuf> {
    let walker = WalkDir::new(root).into_iter().filter_entry(|entry| {
        let skipped_dir = entry.depth() > 0
            && entry.file_type().is_dir()
            && (entry.file_name() == "target"
                || ((entry.file_name() == "tests" || entry.file_name() == "benches")
                    && entry
                        .path()
                        .parent()
                        .is_some_and(|crate_dir| crate_dir.join("Cargo.toml").is_file())));
        !skipped_dir
    });
    let mut rust_files = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_rust_file = entry.file_type().is_file()
                    && entry
                        .path()
                        .extension()
                        .is_some_and(|extension| extension == "rs");
                if is_rust_file {
                    rust_files.push(entry.into_path());
                }
            }
            Err(error) => eprintln!("syn-baseline: skipping an entry: {error}"),
        }
    }
    rust_files
}

/// Reads and parses one file. Returns its line count (0 if it could not be read) and
/// the reason it failed, if it did.
fn parse_one_file(path: &Path) -> (u64, Option<FailureReason>) {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => return (0, Some(FailureReason::Read(error))),
    };
    let Ok(source) = String::from_utf8(bytes) else {
        return (0, Some(FailureReason::NotUtf8));
    };
    let lines = source.lines().count() as u64;
    // The parsed tree is dropped inside the closure, so no span outlives the file.
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        syn::parse_file(&source).map(drop).err()
    }));
    let failure = match outcome {
        Ok(None) => None,
        Ok(Some(syntax_error)) => {
            let start = syntax_error.span().start();
            Some(FailureReason::Syntax {
                line: start.line,
                column: start.column + 1,
                message: syntax_error.to_string(),
            })
        }
        Err(_panic) => Some(FailureReason::ParserPanicked),
    };
    (lines, failure)
}

fn run(options: &Options) -> Result<Tally, String> {
    if !options.root.is_dir() {
        return Err(format!("`{}` is not a folder", options.root.display()));
    }
    let rust_files = find_rust_files(&options.root);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .stack_size(PARSER_STACK_BYTES)
        .thread_name(|index| format!("syn-baseline-parser-{index}"))
        .build()
        .map_err(|error| format!("cannot start {} parsing threads: {error}", options.threads))?;
    let tally = pool.install(|| {
        rust_files
            .par_iter()
            .map(|path| {
                let (lines, failure) = parse_one_file(path);
                if let Some(reason) = &failure {
                    if options.list_failures {
                        eprintln!("{}: {reason}", path.display());
                    }
                }
                // Every span of this file has been dropped or turned into a line and
                // column by now, so the thread's source map can be emptied.
                proc_macro2::extra::invalidate_current_thread_spans();
                Tally {
                    files: 1,
                    lines,
                    parse_failures: u64::from(failure.is_some()),
                }
            })
            .reduce(Tally::default, Tally::combine)
    });
    Ok(tally)
}

// The same allocator as cargo-failfirst, so that the ratio measures the analysis, not the
// allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(ArgsOutcome::Run(options)) => options,
        Ok(ArgsOutcome::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("syn-baseline: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(tally) => {
            println!(
                "files={} lines={} parse_failures={}",
                tally.files, tally.lines, tally.parse_failures
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("syn-baseline: {message}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files failfirst reads: a crate's `tests/` and `benches/` are left out, a folder
    /// of that name elsewhere (a module `src/tests/`) is not.
    #[test]
    fn integration_tests_and_benches_are_skipped_as_failfirst_skips_them() {
        let root = std::env::temp_dir().join(format!("syn-baseline-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in [
            ("shop/Cargo.toml", "[package]\nname = \"shop\"\n"),
            ("shop/src/lib.rs", "mod tests;\n"),
            ("shop/src/tests/mod.rs", ""),
            ("shop/tests/api.rs", ""),
            ("shop/benches/load.rs", ""),
            ("loose/tests/kept.rs", ""),
        ] {
            let path = root.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|error| panic!("{error}"));
            }
            std::fs::write(&path, text).unwrap_or_else(|error| panic!("{error}"));
        }
        let mut found: Vec<String> = find_rust_files(&root)
            .iter()
            .filter_map(|path| path.strip_prefix(&root).ok())
            .map(|path| path.display().to_string())
            .collect();
        found.sort();
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(
            found,
            [
                "loose/tests/kept.rs",
                "shop/src/lib.rs",
                "shop/src/tests/mod.rs"
            ]
        );
    }
}
