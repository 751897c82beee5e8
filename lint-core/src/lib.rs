//! The analysis behind `cargo failfirst`.
//!
//! # Bird's-eye view
//!
//! The layers read top to bottom, each a folder, and imports only point down the list
//! (each layer's module doc says which layers it may import; a tidy test holds them to it):
//!
//! - [`vocab`] and [`location`]: the words every layer shares (levels, questions, verdicts,
//!   routes, frameworks) and positions in source files. They import nothing.
//! - [`sources`]: the files of each crate, read and parsed in parallel. A file that cannot be
//!   read or parsed becomes a problem, never a failure of the run.
//! - [`index`]: the one walk of each syntax tree into a summary, then per crate modules,
//!   imports, items, field and local types, and the resolver that takes a call to its
//!   definition inside the workspace (or names the external path it reaches, or says why it
//!   could not). The module tree is built from the files' summaries as they finish
//!   parsing, beside the threads still parsing. The index knows Rust, not libraries.
//! - [`knowledge`]: what we know of libraries, as declarative data, beside the index (neither
//!   imports the other). The tables a team's configuration extends travel as a
//!   [`knowledge::Knowledge`] value in [`AnalysisOptions`].
//! - [`discovery`]: which functions are RPC handlers (routes of axum, actix-web, rocket, poem,
//!   warp; tonic services; message consumers; annotated functions; an in-house framework's
//!   attribute or routing call named by the configuration).
//! - [`facts`]: what each function does that the questions care about — downstream calls
//!   and their bounds and keys, retries, state reads and writes (SQL parsed with
//!   `sqlparser`) with the transaction they run in, idempotency keys, the reaction to a
//!   failed call — then followed from each handler along its calls, with the chain; and
//!   what a handler's path holds beside (its incoming deadline, its annotations' promises).
//! - [`rules`]: one file per rule, holding its documentation, metadata and check, a pure
//!   function over the facts of a handler's path.
//! - [`verdicts`]: the rules' findings and each handler's four answers; suppressions
//!   applied.
//! - [`report`]: handlers, findings and the four questions, as plain data.
//! - `analysis` (the top): runs the layers in order, and tells the index the words of the
//!   knowledge it needs.
//!
//! # Invariants
//!
//! - The analysis never fails and never panics on input: it returns the report *and* the
//!   problems it met (a `parse-error` finding per bad file, unresolved calls in the index).
//! - Syntax trees live only while their file is being summarised: every span is turned into
//!   a line and column at once, and proc-macro2's per-thread source map is cleared after
//!   each file, so memory stays flat across a large workspace.
//! - Output is deterministic: every collection is ordered by file and position, whatever the
//!   number of threads.
//! - This crate knows nothing of cargo, the command line, terminals or output formats.

pub mod discovery;
pub mod facts;
pub mod index;
pub mod knowledge;
pub mod location;
pub mod report;
pub mod rules;
pub mod sources;
pub mod verdicts;
pub mod vocab;

mod analysis;

pub use analysis::{
    analyze, analyze_text, AnalysisInput, AnalysisOptions, EditOutcome, IncrementalAnalysis,
    ProgressObserver, DEFAULT_MAX_FILE_BYTES,
};
