//! The files of each crate, and reading and parsing them.

mod parse;

use std::path::PathBuf;

pub use parse::{parse_source, ParseProblem, MAX_NESTING_DEPTH};

/// What kind of target a crate root file starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TargetKind {
    Lib,
    Bin,
    Example,
    Test,
    Bench,
    BuildScript,
}

/// A crate root file: `src/lib.rs`, `src/main.rs`, `src/bin/x.rs`, …
#[derive(Clone, Debug)]
pub struct CrateRoot {
    pub path: PathBuf,
    pub kind: TargetKind,
}

/// One file to analyse.
#[derive(Clone, Debug)]
pub struct InputFile {
    pub path: PathBuf,
    /// How reports name the file: relative to the current directory, `/`-separated.
    pub display_path: String,
    /// Whether handlers and findings in this file are reported; files outside the paths the
    /// user named are still read, so that calls into them resolve.
    pub reported: bool,
}

/// One crate of the input.
#[derive(Clone, Debug)]
pub struct CrateInput {
    /// Package name as in `Cargo.toml`.
    pub name: String,
    /// The name other crates use in paths (`my-lib` is `my_lib`).
    pub lib_name: String,
    pub roots: Vec<CrateRoot>,
    pub files: Vec<InputFile>,
    /// Names under which the crate's dependencies are used in paths (renames applied, `-`
    /// as `_`). Crates that depend on nothing of each other are analysed apart, so that
    /// memory follows the largest group of related crates, not the whole input.
    pub dependencies: Vec<String>,
}
