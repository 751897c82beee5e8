//! The analysis behind `cargo failfirst`.
//!
//! # Bird's-eye view
//!
//! The layers read top to bottom, each a folder:
//!
//! - [`sources`]: the files of each crate, read and parsed in parallel. A file that cannot be
//!   read or parsed becomes a problem, never a failure of the run.
//! - [`index`]: per crate, modules, imports, items, field and local types, and the resolver
//!   that takes a call to its definition inside the workspace (or names the external path it
//!   reaches, or says why it could not). The module tree is built from the files' summaries
//!   as they finish parsing, beside the threads still parsing.
//! - [`discovery`]: which functions are RPC handlers (routes of axum, actix-web, rocket, poem,
//!   warp; tonic services; message consumers; annotated functions; an in-house framework's
//!   attribute or routing call named by the configuration).
//! - [`facts`]: what each function does that the questions care about — downstream calls
//!   and their bounds and keys, retries, state reads and writes (SQL parsed with
//!   `sqlparser`) with the transaction they run in, idempotency keys, the reaction to a
//!   failed call — then followed from each handler along its calls, with the chain.
//! - [`verdicts`]: the rules' findings and each handler's four answers, from the facts its
//!   path reaches; suppressions applied.
//! - [`report`]: handlers, findings and the four questions, as plain data.
//! - [`rules`]: one file per rule, holding its documentation and metadata.
//! - [`knowledge`]: what we know of libraries, as declarative data. The tables a team's
//!   configuration extends travel as a [`knowledge::Knowledge`] value in
//!   [`AnalysisOptions`] and are read from `WorkspaceIndex::knowledge()`.
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

mod analysis;

pub use analysis::{analyze, AnalysisInput, AnalysisOptions, ProgressObserver};
