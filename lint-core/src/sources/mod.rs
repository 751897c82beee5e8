//! The files of each crate, and reading and parsing them: what the analysis is given, and
//! a file's bytes turned into a syntax tree (or a [`ParseProblem`] with its position) with
//! the suppression comments that syn does not keep. Nothing here looks inside the tree;
//! the index owns the one walk over it.
//!
//! May import: `location`, `vocab`.

mod comments;
mod lexical;
mod parse;

use std::path::PathBuf;

pub use lexical::{MAX_CHAIN_LENGTH, MAX_NESTING_DEPTH};
#[cfg(test)]
pub(crate) use parse::passes_a_limit;
pub use parse::{parse_source, ParseProblem, ParsedFile};

use crate::location::TextRange;

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
    /// The user named this very file (not a folder holding it): it is linted as asked even
    /// where no module tree reaches it.
    pub named: bool,
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
    /// Dependencies from outside the workspace used under another name than their
    /// package's, as (name in paths, package's library name): `my-codegen = { package =
    /// "actix-web-codegen" }` is `("my_codegen", "actix_web_codegen")`. A path through the
    /// first is a path into the second, never into a workspace crate of that name.
    pub renamed_dependencies: Vec<(String, String)>,
}

/// A comment that silences findings: `// failfirst: allow(rule) reason` on the line above
/// or the same line, or `disable(rule) reason` … `enable(rule)` around a range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressionComment {
    pub kind: SuppressionKind,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// Where the comment is written.
    pub range: TextRange,
    /// The line an `allow` applies to: its own when code precedes it, else the next.
    pub target_line: u32,
    /// Why the comment silences nothing although it looks like a suppression (a block
    /// comment, a look-alike letter, an unknown directive); `None` for a suppression.
    pub problem: Option<SuppressionProblem>,
}

/// Why a comment that looks like a suppression silences nothing, and what would fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressionProblem {
    pub message: String,
    pub help: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionKind {
    Allow,
    Disable,
    Enable,
}
