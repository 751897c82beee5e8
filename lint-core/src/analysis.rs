//! The whole analysis: parse every file in parallel while the index is built from what is
//! parsed, then discover, judge, report. The top of the crate: it runs every layer, and
//! tells the index the few words of the knowledge it needs (what its walk keeps, how values
//! keep their type), so that neither of the two imports the other.
//!
//! [`IncrementalAnalysis`] keeps what a run builds, for a front end that lives beside an
//! editor (the language server): the analysis entry points live here.
//!
//! May import: `verdicts`, `report`, `rules`, `facts`, `discovery`, `knowledge`, `index`,
//! `sources`, `location`, `vocab`.

mod incremental;

pub use incremental::{EditOutcome, IncrementalAnalysis};

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use crate::discovery::{discover, DiscoveredHandler, HandlerFunction};
use crate::facts::contract_files::SchemaSource;
use crate::facts::sql::schema::{SchemaReading, Schemas};
use crate::index::{
    build_index_from, summarize_file, BuilderHint, CallTarget, FileSummary, FnId,
    ImplementationCallHint, TypingHints, WalkHints, WorkspaceIndex,
};
use crate::knowledge::{self, Knowledge};
use crate::location::{FileId, TextRange};
use crate::report::*;
use crate::rules;
use crate::sources::{parse_source, CrateInput, ParseProblem};

/// Worker threads get a large stack: syntax trees of generated code are deep, and walking or
/// dropping them recurses. The memory is reserved, not used, until a file needs it.
const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

pub struct AnalysisInput {
    pub crates: Vec<CrateInput>,
    /// The migrations and schema files found for the input: which inserts a unique key
    /// protects is read from them.
    pub schema_sources: Vec<SchemaSource>,
}

#[derive(Clone, Debug, Default)]
pub struct AnalysisOptions {
    /// Parallel workers; `None` takes rayon's default (one per core, or `RAYON_NUM_THREADS`).
    pub threads: Option<usize>,
    /// What is known of libraries and of the team's own wrappers: `Knowledge::builtin()`
    /// extended by the configuration.
    pub knowledge: Arc<Knowledge>,
    /// Told how many files are parsed, so that a front end can show progress.
    pub progress: Option<ProgressObserver>,
    /// Files larger than this many bytes are reported and not analysed; `None` is
    /// [`DEFAULT_MAX_FILE_BYTES`].
    pub max_file_bytes: Option<u64>,
    /// Functions followed from one handler, along all its paths, before its answers are
    /// `unknown`; `None` is [`crate::facts::DEFAULT_MAX_PATH_STEPS`].
    pub max_path_steps: Option<u64>,
}

/// Files over 4 MiB are not analysed unless configured otherwise: parsing holds about a
/// hundred times a file's size in memory, and no hand-written file comes near (the largest
/// Rust files on crates.io, generated tables, are under 3 MB).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Called from the parsing threads with the number of files parsed so far and the number
/// of files in the run; it must be cheap, as it runs once per file. The analysis draws
/// nothing itself.
#[derive(Clone)]
pub struct ProgressObserver(pub Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for ProgressObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressObserver")
    }
}

/// Files parsed so far across the batches of a run, and whom to tell.
struct ParseProgress<'a> {
    observer: Option<&'a ProgressObserver>,
    parsed: AtomicUsize,
    total: usize,
}

impl ParseProgress<'_> {
    fn file_parsed(&self) {
        if let Some(observer) = self.observer {
            let parsed = self.parsed.fetch_add(1, Ordering::Relaxed) + 1;
            (observer.0)(parsed, self.total);
        }
    }
}

/// Crates are analysed in batches of about this many files: related crates always share a
/// batch, unrelated ones are packed together until a batch is this large.
const BATCH_FILES: usize = 2048;

pub fn analyze(input: &AnalysisInput, options: &AnalysisOptions) -> Report {
    // The index is built, and handlers discovered and judged, on a thread with the
    // workers' stack: the summaries keep the shape of long chains (a router of thousands
    // of `.route(..)` calls), and walking or dropping them recurses as deep as the chain.
    // The limits of `sources` bound that depth, and this stack holds it (see `limits`).
    let outcome = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("failfirst-analysis".to_string())
            .stack_size(WORKER_STACK_BYTES)
            .spawn_scoped(scope, || analyze_here(input, options))
            .ok()
            .map(|thread| thread.join())
    });
    match outcome {
        Some(Ok(report)) => report,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        // No thread to be had: this one will do for all but the deepest inputs.
        None => analyze_here(input, options),
    }
}

fn analyze_here(input: &AnalysisInput, options: &AnalysisOptions) -> Report {
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK_BYTES);
    if let Some(threads) = options.threads {
        builder = builder.num_threads(threads);
    }
    let pool = builder.build().ok();
    let progress = ParseProgress {
        observer: options.progress.as_ref(),
        parsed: AtomicUsize::new(0),
        total: input
            .crates
            .iter()
            .map(|crate_input| crate_input.files.len())
            .sum(),
    };
    let hints = IndexHints {
        walk: walk_hints(&options.knowledge),
        typing: typing_hints(&options.knowledge),
    };
    let max_file_bytes = options.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES);
    let schemas = build_schemas(&input.schema_sources, &options.knowledge, max_file_bytes);
    let mut parts = Vec::new();
    for batch in batches(&input.crates) {
        let crates: Vec<CrateInput> = batch
            .iter()
            .map(|position| input.crates[*position].clone())
            .collect();
        parts.push(analyze_batch(
            &crates,
            pool.as_ref(),
            &hints,
            &options.knowledge,
            &progress,
            &schemas,
            max_file_bytes,
            options
                .max_path_steps
                .unwrap_or(crate::facts::DEFAULT_MAX_PATH_STEPS),
        ));
    }
    let mut report = merge_parts(parts);
    unread_schema_sources(&mut report, &input.schema_sources, &schemas, max_file_bytes);
    report
}

/// A migration or `.proto` file over the size limit, and a `.proto` file that does not
/// parse (where the parser stopped), are each a `parse-error`.
pub(super) fn unread_schema_sources(
    report: &mut Report,
    sources: &[SchemaSource],
    schemas: &Schemas,
    max_file_bytes: u64,
) {
    let oversized = sources
        .iter()
        .filter(|source| source.text.len() as u64 > max_file_bytes)
        .map(|source| {
            (
                source.display_path.clone(),
                (1, 1),
                format!(
                    "file is over the limit of {max_file_bytes} bytes; failfirst does not read it (raise `max-file-size` in the configuration to read it)"
                ),
            )
        });
    let unparsed = schemas.grpc.unread.iter().map(|unread| {
        (
            unread.file.clone(),
            (unread.line, unread.column),
            unread.message.clone(),
        )
    });
    let unread: Vec<(String, (u32, u32), String)> = oversized.chain(unparsed).collect();
    if unread.is_empty() {
        return;
    }
    let rule = &rules::parse_error::RULE;
    for (file, (line, column), message) in unread {
        report.findings.push(Finding {
            rule: rule.name,
            level: rule.default_level,
            file,
            line,
            column,
            end_line: line,
            end_column: column,
            message,
            help: None,
            handler: None,
            handlers: Vec::new(),
            chain: Vec::new(),
            suppressed: None,
        });
        report.summary.files_failed += 1;
    }
    report.findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule))
    });
    report.settle();
}

/// Analyses one file given as bytes, as a crate of its own, without reading anything from
/// disk: the whole pipeline a run applies to a file (the limits, parsing, the index,
/// discovery, the verdicts). The entry of the fuzz target (`fuzz/`) and of the tests that
/// keep what it found.
pub fn analyze_text(bytes: &[u8], knowledge: &Arc<Knowledge>) -> Report {
    let file = std::path::PathBuf::from("fuzzed/src/lib.rs");
    let crates = [CrateInput {
        name: "fuzzed".to_string(),
        lib_name: "fuzzed".to_string(),
        roots: vec![crate::sources::CrateRoot {
            path: file.clone(),
            kind: crate::sources::TargetKind::Lib,
        }],
        files: vec![crate::sources::InputFile {
            path: file,
            display_path: "src/lib.rs".to_string(),
            reported: true,
            named: true,
        }],
        dependencies: Vec::new(),
        renamed_dependencies: Vec::new(),
    }];
    let run = || {
        let hints = IndexHints {
            walk: walk_hints(knowledge),
            typing: typing_hints(knowledge),
        };
        let outcome = parse_source(bytes).map(|parsed| summarize_file(parsed, &hints.walk));
        proc_macro2::extra::invalidate_current_thread_spans();
        let mut problems = Vec::new();
        let mut outcome = Some(outcome);
        let walk = Some(Arc::new(hints.walk.clone()));
        let index = build_index_from(&crates, hints.typing.clone(), walk, &mut |_| match outcome
            .take()?
        {
            Ok(summary) => Some(summary),
            Err(problem) => {
                problems.push((0, problem));
                None
            }
        });
        let handlers = discover(&index, knowledge);
        let judged = judge_handlers(
            &index,
            knowledge,
            &Schemas::default(),
            &handlers,
            crate::facts::DEFAULT_MAX_PATH_STEPS,
        );
        let calls = count_calls(judged.iter());
        merge_parts(vec![assemble_part(
            &index,
            judged.iter(),
            &problems,
            calls,
            PathFunctions::Kept,
        )])
    };
    // On the workers' stack, as a run parses.
    let outcome = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(WORKER_STACK_BYTES)
            .spawn_scoped(scope, run)
            .ok()
            .map(|thread| thread.join())
    });
    match outcome {
        Some(Ok(report)) => report,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        None => run(),
    }
}

/// Groups crates that depend on each other (union-find over dependency names), then packs
/// the groups, in input order, into batches of about [`BATCH_FILES`] files.
fn batches(crates: &[CrateInput]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..crates.len()).collect();
    fn root(parent: &mut [usize], mut node: usize) -> usize {
        while parent[node] != node {
            parent[node] = parent[parent[node]];
            node = parent[node];
        }
        node
    }
    let mut by_lib_name: std::collections::BTreeMap<&str, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (position, crate_input) in crates.iter().enumerate() {
        by_lib_name
            .entry(crate_input.lib_name.as_str())
            .or_default()
            .push(position);
    }
    for (position, crate_input) in crates.iter().enumerate() {
        for dependency in &crate_input.dependencies {
            for &other in by_lib_name.get(dependency.as_str()).into_iter().flatten() {
                let (a, b) = (root(&mut parent, position), root(&mut parent, other));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> =
        std::collections::BTreeMap::new();
    for position in 0..crates.len() {
        let group = root(&mut parent, position);
        groups.entry(group).or_default().push(position);
    }
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut current_files = 0;
    for group in groups.into_values() {
        let files: usize = group
            .iter()
            .map(|position| crates[*position].files.len())
            .sum();
        if current_files > 0 && current_files + files > BATCH_FILES {
            batches.push(std::mem::take(&mut current));
            current_files = 0;
        }
        current.extend(group);
        current_files += files;
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// What one batch contributes to the report.
#[derive(Clone, Default)]
struct ReportPart {
    handlers: Vec<Handler>,
    findings: Vec<Finding>,
    files: usize,
    files_failed: usize,
    crates: usize,
    calls: CallCounts,
}

/// What the index is told of the knowledge.
struct IndexHints {
    walk: WalkHints,
    typing: TypingHints,
}

/// What the walk of each file keeps, in the knowledge's words.
pub(crate) fn walk_hints(knowledge: &Knowledge) -> WalkHints {
    let owned = |words: &[&str]| words.iter().map(|word| word.to_string()).collect();
    WalkHints {
        inert_traits: owned(knowledge::INERT_TRAITS),
        literal_macros: knowledge
            .sql_libraries
            .iter()
            .flat_map(|library| library.query_macros.iter().cloned())
            .chain(owned(knowledge::FORMAT_MACROS))
            .collect(),
        included_text_extensions: owned(knowledge::sql::QUERY_FILE_EXTENSIONS),
        file_query_macros: knowledge
            .sql_libraries
            .iter()
            .flat_map(|library| library.file_query_macros.iter().cloned())
            .collect(),
        dispatch_attributes: owned(knowledge::DISPATCH_ATTRIBUTES),
        kept_format_words: [
            knowledge::KEY_TABLE_PARTS,
            knowledge::IDEMPOTENCY_FIELD_PARTS,
            knowledge::MESSAGE_ID_NAMES,
            knowledge::COMPENSATION_WORDS,
            knowledge::FAILURE_WORDS,
            knowledge::PENDING_WORDS,
            knowledge::http::DELETING_URL_ACTIONS,
        ]
        .concat()
        .iter()
        .map(|word| word.to_string())
        .collect(),
        ranged_receiver_methods: knowledge
            .retry_libraries
            .iter()
            .flat_map(|library| library.start_methods())
            .map(str::to_string)
            .collect(),
        per_item_methods: [knowledge::PER_ITEM_METHODS, knowledge::PER_ITEM_ADAPTERS]
            .concat()
            .iter()
            .map(|name| name.to_string())
            .collect(),
        route_building_methods: owned(knowledge::ROUTE_BUILDING_METHODS),
        method_router_functions: knowledge::method_router_functions(),
        // Schema files only (`build_schemas`).
        token_macros: Vec::new(),
        kept_literal_heads: Vec::new(),
        closure_receiver_methods: owned(knowledge::CLOSURE_RECEIVER_METHODS),
        macros_not_code: [knowledge::MACROS_NOT_CODE, knowledge::LOGGING_MACROS]
            .concat()
            .iter()
            .map(|word| word.to_string())
            .collect(),
        select_macros: owned(knowledge::SELECT_MACROS),
        route_list_macros: owned(knowledge::ROUTE_LIST_MACROS),
    }
}

/// The schemas the migrations and schema files build. Rust files among them are parsed and
/// summarised as linted files are (the one walk), told to keep the SQL libraries' table
/// macros and the string literals that change a schema.
/// The schemas of the workspace, from the sources within the size limit (those over it
/// are reported by [`unread_schema_sources`]).
pub(crate) fn build_schemas(
    sources: &[SchemaSource],
    knowledge: &Knowledge,
    max_file_bytes: u64,
) -> Schemas {
    let within_limit = |source: &SchemaSource| source.text.len() as u64 <= max_file_bytes;
    let kept: Vec<SchemaSource>;
    let sources = if sources.iter().all(within_limit) {
        sources
    } else {
        kept = sources
            .iter()
            .filter(|source| within_limit(source))
            .cloned()
            .collect();
        &kept
    };
    let hints = WalkHints {
        token_macros: knowledge
            .sql_libraries
            .iter()
            .filter_map(|library| library.tables.as_ref())
            .map(|tables| tables.schema.name.clone())
            .collect(),
        kept_literal_heads: knowledge::sql::SCHEMA_CHANGING_WORDS
            .iter()
            .map(|word| word.to_string())
            .collect(),
        ..WalkHints::default()
    };
    let summarize = |source: &SchemaSource| {
        let text = source.text.as_bytes();
        parse_one(std::path::Path::new(&source.display_path), &hints, &|_| {
            Ok(text.to_vec())
        })
        .ok()
    };
    Schemas::build(
        sources,
        &SchemaReading {
            libraries: &knowledge.sql_libraries,
            summarize: &summarize,
        },
    )
}

/// How the resolver sees values through wrappers and builders, in the knowledge's words:
/// its conventions, and the builder types of the libraries' records.
pub(crate) fn typing_hints(knowledge: &Knowledge) -> TypingHints {
    let owned = |words: &[&str]| words.iter().map(|word| word.to_string()).collect();
    TypingHints {
        builders: knowledge
            .http_libraries
            .iter()
            .flat_map(|library| &library.builders)
            .chain(&knowledge.direct_client_builders)
            .map(|builder| BuilderHint {
                builder: builder.builder.clone(),
                builds: builder.builds.clone(),
                finishers: builder.finishers.clone(),
                started_by: builder.started_by.clone(),
            })
            .collect(),
        transparent_wrappers: owned(knowledge::TRANSPARENT_WRAPPERS),
        deref_derives: owned(knowledge::DEREF_DERIVES),
        transparent_methods: [knowledge::TRANSPARENT_METHODS, knowledge::RESULT_ADAPTERS]
            .concat()
            .iter()
            .map(|word| word.to_string())
            .collect(),
        constructor_names: owned(knowledge::CONSTRUCTOR_NAMES),
        constructor_prefixes: owned(knowledge::CONSTRUCTOR_PREFIXES),
        builder_finishers: owned(knowledge::BUILDER_FINISHERS),
        argument_value_functions: knowledge::ARGUMENT_VALUE_FUNCTIONS
            .iter()
            .map(|(name, position)| (name.to_string(), *position))
            .collect(),
        collections: knowledge::COLLECTIONS
            .iter()
            .map(|(name, element_is_last)| (name.to_string(), *element_is_last))
            .collect(),
        element_accessors: owned(knowledge::ELEMENT_ACCESSORS),
        implementation_calls: knowledge::IMPLEMENTATION_CALLS
            .iter()
            .map(
                |(method, trait_path, trait_method)| ImplementationCallHint {
                    method: knowledge::path(method),
                    trait_path: knowledge::path(trait_path),
                    trait_method: trait_method.to_string(),
                },
            )
            .collect(),
    }
}

// The run's settings, each one argument: a struct of two limits would only be unpacked here.
#[allow(clippy::too_many_arguments)]
fn analyze_batch(
    crates: &[CrateInput],
    pool: Option<&rayon::ThreadPool>,
    hints: &IndexHints,
    knowledge: &Arc<Knowledge>,
    progress: &ParseProgress<'_>,
    schemas: &Schemas,
    max_file_bytes: u64,
    max_path_steps: u64,
) -> ReportPart {
    let batch = index_batch(
        crates,
        pool,
        hints,
        knowledge,
        progress,
        &|path: &std::path::Path| read_file(path, max_file_bytes),
        &mut |_, _| {},
    );
    let judged = judge_handlers(
        &batch.index,
        knowledge,
        schemas,
        &batch.handlers,
        max_path_steps,
    );
    let calls = count_calls(judged.iter());
    let part = assemble_part(
        &batch.index,
        judged.iter(),
        &batch.problems,
        calls,
        PathFunctions::Kept,
    );
    // Freeing millions of small allocations takes a second on a large workspace; it runs
    // beside the next batch (or the writing of the report) instead of before it.
    // On the workers' stack, as deep summaries drop recursively. Without a thread, the
    // refused closure, index and all, is dropped here.
    let _ = std::thread::Builder::new()
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || drop((batch, judged)));
    part
}

/// What a batch of crates is made into before it is judged: the index, its handlers, and
/// the files that did not parse (by position in the batch's files).
struct IndexedBatch {
    index: WorkspaceIndex,
    handlers: Vec<DiscoveredHandler>,
    problems: Vec<(usize, ParseProblem)>,
}

/// Parses the batch's files (their text from `source`) while the index is built, then
/// discovers the handlers. `summary_seen` is shown each file's summary as the index takes
/// it.
fn index_batch(
    crates: &[CrateInput],
    pool: Option<&rayon::ThreadPool>,
    hints: &IndexHints,
    knowledge: &Knowledge,
    progress: &ParseProgress<'_>,
    source: &SourceText<'_>,
    summary_seen: &mut dyn FnMut(FileId, &FileSummary),
) -> IndexedBatch {
    let files: Vec<&std::path::Path> = crates
        .iter()
        .flat_map(|crate_input| crate_input.files.iter().map(|file| file.path.as_path()))
        .collect();
    let parsed = ParsedFiles::new(files.len(), progress, source);
    let parse_all = || {
        // Whatever happens to the parsing, the builder must stop waiting when it ends.
        let _finished = parsed.finish_on_drop();
        match pool {
            Some(pool) => pool.install(|| parsed.parse_in_parallel(&files, &hints.walk)),
            // No pool (threads refused by the system): parse on this thread, in order.
            None => parsed.parse_in_order(&files, &hints.walk),
        }
    };
    let mut problems = Vec::new();
    let mut take_summary = |file: FileId| match parsed.take(file.0 as usize) {
        Some(Ok(summary)) => {
            summary_seen(file, &summary);
            Some(summary)
        }
        Some(Err(problem)) => {
            problems.push((file.0 as usize, problem));
            None
        }
        None => None,
    };
    // The pool parses the files in order while this thread builds the module tree from the
    // summaries as they arrive: the index is ready almost as soon as the last file is.
    let index = std::thread::scope(|scope| {
        let parsing = pool.and_then(|_| {
            std::thread::Builder::new()
                .spawn_scoped(scope, parse_all)
                .ok()
        });
        if parsing.is_none() {
            parse_all();
        }
        build_index_from(
            crates,
            hints.typing.clone(),
            Some(Arc::new(hints.walk.clone())),
            &mut take_summary,
        )
    });
    let mut index = index;
    // Files the module tree never asked for still report why they did not parse, and the
    // files it did not analyse say why.
    problems.extend(parsed.remaining_problems());
    problems.extend(
        std::mem::take(&mut index.problems)
            .into_iter()
            .map(|(file, problem)| (file.0 as usize, problem)),
    );
    let handlers = discover(&index, knowledge);
    IndexedBatch {
        index,
        handlers,
        problems,
    }
}

/// Each file's parse outcome, from the threads that parse to the one that builds the index.
struct ParsedFiles<'a> {
    state: Mutex<ParseState>,
    arrived: Condvar,
    next: AtomicUsize,
    progress: &'a ParseProgress<'a>,
    source: &'a SourceText<'a>,
}

struct ParseState {
    slots: Vec<Slot>,
    /// Parsing has ended: a slot still pending will never be filled.
    finished: bool,
}

enum Slot {
    Pending,
    Parsed(Result<FileSummary, ParseProblem>),
    Taken,
}

impl<'a> ParsedFiles<'a> {
    fn new(files: usize, progress: &'a ParseProgress<'a>, source: &'a SourceText<'a>) -> Self {
        ParsedFiles {
            state: Mutex::new(ParseState {
                slots: (0..files).map(|_| Slot::Pending).collect(),
                finished: false,
            }),
            arrived: Condvar::new(),
            next: AtomicUsize::new(0),
            progress,
            source,
        }
    }

    fn lock(&self) -> MutexGuard<'_, ParseState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Parses every file on as many threads as the current pool has; each thread takes the
    /// next file in order when it is done with one, so the builder trails close behind.
    fn parse_in_parallel(&self, files: &[&std::path::Path], hints: &WalkHints) {
        rayon::scope(|scope| {
            for _ in 0..rayon::current_num_threads() {
                scope.spawn(|_| self.parse_in_order(files, hints));
            }
        });
    }

    /// Parses the files not yet claimed, in order, on this thread.
    fn parse_in_order(&self, files: &[&std::path::Path], hints: &WalkHints) {
        loop {
            let position = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = files.get(position) else {
                break;
            };
            let outcome = parse_one(path, hints, self.source);
            self.lock().slots[position] = Slot::Parsed(outcome);
            self.arrived.notify_all();
            self.progress.file_parsed();
        }
    }

    /// Marks parsing finished when dropped, panics included.
    fn finish_on_drop(&self) -> FinishOnDrop<'_> {
        FinishOnDrop(self)
    }

    /// The outcome of a file, waiting for it to be parsed; `None` once taken, or if parsing
    /// ended without it.
    fn take(&self, position: usize) -> Option<Result<FileSummary, ParseProblem>> {
        let mut state = self.lock();
        loop {
            let finished = state.finished;
            match state.slots.get_mut(position) {
                Some(Slot::Pending) if !finished => {
                    state = self
                        .arrived
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                Some(slot) => {
                    return match std::mem::replace(slot, Slot::Taken) {
                        Slot::Parsed(outcome) => Some(outcome),
                        _ => None,
                    };
                }
                None => return None,
            }
        }
    }

    /// The parse problems of files never taken.
    fn remaining_problems(&self) -> Vec<(usize, ParseProblem)> {
        let mut state = self.lock();
        state
            .slots
            .iter_mut()
            .enumerate()
            .filter_map(
                |(position, slot)| match std::mem::replace(slot, Slot::Taken) {
                    Slot::Parsed(Err(problem)) => Some((position, problem)),
                    _ => None,
                },
            )
            .collect()
    }
}

struct FinishOnDrop<'a>(&'a ParsedFiles<'a>);

impl Drop for FinishOnDrop<'_> {
    fn drop(&mut self) {
        self.0.lock().finished = true;
        self.0.arrived.notify_all();
    }
}

/// Where the text of a file comes from: the disk (within the size limit), or an editor's
/// unsaved buffer. An error is the reason the file could not be read, in words.
type SourceText<'a> = dyn Fn(&std::path::Path) -> Result<Vec<u8>, String> + Sync + 'a;

/// Reads (from `source`), parses and summarises one file.
fn parse_one(
    path: &std::path::Path,
    hints: &WalkHints,
    source: &SourceText<'_>,
) -> Result<FileSummary, ParseProblem> {
    let outcome = match source(path) {
        Ok(bytes) => catch_unwind(AssertUnwindSafe(|| {
            parse_source(&bytes).map(|parsed| {
                let mut summary = summarize_file(parsed, hints);
                read_included_texts(path, &mut summary);
                summary
            })
        }))
        .unwrap_or_else(|_| {
            Err(ParseProblem {
                message: "internal error while parsing this file".to_string(),
                range: TextRange::default(),
            })
        }),
        Err(message) => Err(ParseProblem {
            message,
            range: TextRange::default(),
        }),
    };
    // Every span of this file is now a line and column: the source map can go.
    proc_macro2::extra::invalidate_current_thread_spans();
    outcome
}

/// Files a query is included from are read through this limit: a query file is a few
/// kilobytes, and anything near this is not one.
const MAX_INCLUDED_TEXT_BYTES: u64 = 1024 * 1024;

/// Reads the text of each file an `include_str!` of the summary names (the walk names only
/// those whose text the facts read), from the folder of the file that includes it, as
/// rustc does. A file that cannot be read keeps why, for an `unknown` to say.
fn read_included_texts(path: &std::path::Path, summary: &mut crate::index::FileSummary) {
    let folder = path.parent().unwrap_or_else(|| std::path::Path::new(""));
    let bodies = summary.modules.iter_mut().flat_map(|module| {
        module
            .fns
            .iter_mut()
            .map(|function| &mut function.body)
            .chain(
                module
                    .impls
                    .iter_mut()
                    .flat_map(|implementation| &mut implementation.methods)
                    .map(|method| &mut method.body),
            )
    });
    // The crate's folder, for query files (`sqlx::query_file!`), found once and only when
    // one is named: the nearest folder above the file that holds a manifest.
    let mut crate_folder: Option<Option<std::path::PathBuf>> = None;
    for body in bodies {
        for used in body.macros.iter_mut().filter(|used| used.is_include()) {
            let Some(file) = used.literals.first() else {
                continue;
            };
            let base = if used.is_crate_query_file() {
                let found = crate_folder.get_or_insert_with(|| {
                    folder
                        .ancestors()
                        .find(|ancestor| ancestor.join("Cargo.toml").is_file())
                        .map(std::path::Path::to_path_buf)
                });
                match found {
                    Some(found) => found.as_path(),
                    None => {
                        used.included = Some(Box::new(Err(format!(
                            "`{file}` could not be read: no `Cargo.toml` above the file that names it"
                        ))));
                        continue;
                    }
                }
            } else {
                folder
            };
            let included = read_file(&base.join(file.as_str()), MAX_INCLUDED_TEXT_BYTES)
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
                })
                .map_err(|reason| format!("`{file}` could not be read: {reason}"));
            used.included = Some(Box::new(included));
        }
    }
}

/// A file's bytes, if it is a regular file within the size limit. The file is read through
/// a limit too: it may grow between the look and the read.
pub(crate) fn read_file(path: &std::path::Path, max_file_bytes: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let too_large = |size: u64| {
        format!(
            "file is {size} bytes, over the limit of {max_file_bytes}; failfirst does not analyse it (raise `max-file-size` in the configuration to analyse it)"
        )
    };
    // Looked at before opening: opening a FIFO blocks until something writes to it.
    let metadata = std::fs::metadata(path).map_err(|error| format!("cannot read file: {error}"))?;
    if metadata.is_dir() {
        // The walk keeps a folder it could not list, so that its loss is reported.
        let reason = match std::fs::read_dir(path) {
            Err(error) => error.to_string(),
            Ok(_) => "it could not be listed".to_string(),
        };
        return Err(format!(
            "cannot read this folder ({reason}): the files in it are not analysed"
        ));
    }
    if !metadata.is_file() {
        return Err(
            "not a regular file (a FIFO, device or socket): failfirst reads only regular files"
                .to_string(),
        );
    }
    if metadata.len() > max_file_bytes {
        return Err(too_large(metadata.len()));
    }
    let file = std::fs::File::open(path).map_err(|error| format!("cannot read file: {error}"))?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read file: {error}"))?;
    if bytes.len() as u64 > max_file_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A handler as judged: its line in the report, the findings on its path, the files its
/// path reaches (its own first), which say when it must be judged again, and how the
/// resolver fared on the calls of its function.
#[derive(Clone, Debug)]
struct JudgedHandler {
    report: Handler,
    findings: Vec<Finding>,
    reached_files: Vec<FileId>,
    /// The function the handler is (or whose closure it is), and its calls counted.
    function: FnId,
    calls: CallCounts,
}

fn judge_handlers(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    schemas: &Schemas,
    handlers: &[DiscoveredHandler],
    max_path_steps: u64,
) -> Vec<JudgedHandler> {
    let mut judge =
        crate::verdicts::Judge::new(index, knowledge, schemas).with_step_limit(max_path_steps);
    handlers
        .iter()
        .filter(|handler| index.file(handler.file(index)).reported)
        .map(|handler| judge_one(index, &mut judge, handler))
        .collect()
}

fn judge_one(
    index: &WorkspaceIndex,
    judge: &mut crate::verdicts::Judge<'_>,
    handler: &DiscoveredHandler,
) -> JudgedHandler {
    let range = handler.range(index);
    let verdict = judge.judge(handler);
    let mut reached_files = vec![handler.file(index)];
    for function in &verdict.reached {
        let file = index.fn_def(*function).file;
        if !reached_files.contains(&file) {
            reached_files.push(file);
        }
    }
    let function = match handler.function {
        HandlerFunction::Function(id) | HandlerFunction::Closure { enclosing: id, .. } => id,
    };
    JudgedHandler {
        function,
        calls: calls_of(index, function),
        report: Handler {
            name: handler.name(index),
            path: handler.path(index),
            framework: handler.framework,
            route: handler.route.clone(),
            file: index.file(handler.file(index)).display_path.clone(),
            line: range.start.line,
            column: range.start.column,
            annotations: handler.annotations.clone(),
            questions: std::sync::Arc::new(verdict.questions),
            unresolved_calls: unresolved_in(index, handler),
            path_functions: verdict.path_functions,
        },
        findings: verdict.findings,
        reached_files,
    }
}

/// Whether a report's handlers hold where each function on their path is written
/// (`Handler::path_functions`, which only `--diff-base` reads).
#[derive(Clone, Copy, PartialEq, Eq)]
enum PathFunctions {
    Kept,
    /// Left out: the language server's report, copied from the verdicts held on every
    /// publication, where they were a third of the copying.
    Left,
}

/// A handler's line in the report, with or without its path's functions.
fn handler_copy(handler: &Handler, paths: PathFunctions) -> Handler {
    if paths == PathFunctions::Kept {
        return handler.clone();
    }
    Handler {
        name: handler.name.clone(),
        path: handler.path.clone(),
        framework: handler.framework,
        route: handler.route.clone(),
        file: handler.file.clone(),
        line: handler.line,
        column: handler.column,
        annotations: handler.annotations.clone(),
        questions: std::sync::Arc::clone(&handler.questions),
        unresolved_calls: handler.unresolved_calls.clone(),
        path_functions: Vec::new(),
    }
}

/// The report's part for a batch: `parse-error` findings, the handlers' findings once
/// each, suppressions applied.
fn assemble_part<'j>(
    index: &WorkspaceIndex,
    judged: impl Iterator<Item = &'j JudgedHandler>,
    problems: &[(usize, ParseProblem)],
    calls: CallCounts,
    paths: PathFunctions,
) -> ReportPart {
    let mut findings = Vec::new();
    for (position, problem) in problems {
        let file = &index.files[*position];
        if !file.reported {
            continue;
        }
        let rule = &rules::parse_error::RULE;
        let start = problem.range.start;
        let end = problem.range.end;
        findings.push(Finding {
            rule: rule.name,
            level: rule.default_level,
            file: file.display_path.clone(),
            line: start.line.max(1),
            column: start.column.max(1),
            end_line: end.line.max(start.line.max(1)),
            end_column: end.column.max(1),
            message: problem.message.clone(),
            help: None,
            handler: None,
            handlers: Vec::new(),
            chain: Vec::new(),
            suppressed: None,
        });
    }
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule))
    });

    let mut reported_handlers = Vec::new();
    let mut handler_findings: Vec<&Finding> = Vec::new();
    for handler in judged {
        reported_handlers.push(handler_copy(&handler.report, paths));
        handler_findings.extend(&handler.findings);
    }
    findings.extend(crate::verdicts::deduplicate_borrowed(handler_findings));
    let about_suppressions = crate::verdicts::apply_suppressions(index, &mut findings);
    findings.extend(about_suppressions);

    ReportPart {
        handlers: reported_handlers,
        findings,
        files: index.files.len(),
        // The files whose problems are reported: as many as the `parse-error` findings.
        files_failed: problems
            .iter()
            .filter(|(position, _)| index.files[*position].reported)
            .count(),
        crates: index.crates.len(),
        calls,
    }
}

/// The calls of a handler's own body (or closure) that could not be resolved.
fn unresolved_in(index: &WorkspaceIndex, handler: &DiscoveredHandler) -> Vec<UnresolvedCallReport> {
    let (function, within) = match handler.function {
        HandlerFunction::Function(id) => (id, None),
        HandlerFunction::Closure { enclosing, range } => (enclosing, Some(range)),
    };
    index
        .unresolved_calls(std::iter::once(function))
        .into_iter()
        .filter(|call| within.is_none_or(|range| range.contains_range(&call.range)))
        .map(|call| UnresolvedCallReport {
            callee: call.callee,
            line: call.range.start.line,
            reason: call.reason,
        })
        .collect()
}

/// Joins the batches' parts into the report, in file order, and works out the score.
fn merge_parts(parts: Vec<ReportPart>) -> Report {
    let mut handlers = Vec::new();
    let mut findings = Vec::new();
    let mut summary = Summary::default();
    for part in parts {
        handlers.extend(part.handlers);
        findings.extend(part.findings);
        summary.files += part.files;
        summary.files_failed += part.files_failed;
        summary.crates += part.crates;
        summary.calls.total += part.calls.total;
        summary.calls.workspace += part.calls.workspace;
        summary.calls.external += part.calls.external;
        summary.calls.unresolved += part.calls.unresolved;
    }
    // Each route spelled once, not once per comparison.
    handlers.sort_by_cached_key(|handler| {
        (
            handler.file.clone(),
            handler.line,
            handler.column,
            handler.route.to_string(),
        )
    });
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule))
    });
    let mut report = Report {
        version: REPORT_VERSION,
        handlers,
        findings,
        summary,
    };
    report.settle();
    report
}

/// How the resolver fared on the calls of handler functions: each function counted once,
/// however many of the judged handlers are in it.
fn count_calls<'j>(judged: impl Iterator<Item = &'j JudgedHandler>) -> CallCounts {
    let mut counted = std::collections::BTreeSet::new();
    let mut counts = CallCounts::default();
    for handler in judged {
        if counted.insert(handler.function) {
            counts.total += handler.calls.total;
            counts.workspace += handler.calls.workspace;
            counts.external += handler.calls.external;
            counts.unresolved += handler.calls.unresolved;
        }
    }
    counts
}

/// How the resolver fares on the calls of one function.
fn calls_of(index: &WorkspaceIndex, function: FnId) -> CallCounts {
    let mut counts = CallCounts::default();
    let context = index.context_of(function);
    for call in &index.fn_def(function).summary.body.calls {
        match index.resolve_call(context, call) {
            CallTarget::Local(_) => counts.workspace += 1,
            CallTarget::External(_) => counts.external += 1,
            CallTarget::Unresolved(_) => counts.unresolved += 1,
            CallTarget::Constructor => continue,
        }
        counts.total += 1;
    }
    counts
}

/// The index of crates whose files are given as source text, in file order: what the unit
/// tests of the index and the facts read, built as a run builds it.
#[cfg(test)]
pub(crate) fn index_of_sources(crates: &[CrateInput], sources: &[&str]) -> WorkspaceIndex {
    let walk = walk_hints(&Knowledge::builtin());
    let mut summaries: Vec<Option<FileSummary>> = sources
        .iter()
        .enumerate()
        .map(|(position, source)| match parse_source(source.as_bytes()) {
            Ok(parsed) => Some(summarize_file(parsed, &walk)),
            Err(problem) => panic!("file {position}: {problem:?}"),
        })
        .collect();
    build_index_from(
        crates,
        typing_hints(&Knowledge::builtin()),
        Some(Arc::new(walk.clone())),
        &mut |file| summaries.get_mut(file.0 as usize).and_then(Option::take),
    )
}

#[cfg(test)]
mod limits;

#[cfg(test)]
mod tests {
    use super::*;

    fn write_files(dir: &std::path::Path, contents: &[&str]) -> Vec<std::path::PathBuf> {
        contents
            .iter()
            .enumerate()
            .map(|(position, text)| {
                let path = dir.join(format!("file{position}.rs"));
                std::fs::write(&path, text).unwrap_or_else(|error| panic!("{error}"));
                path
            })
            .collect()
    }

    #[test]
    fn the_builder_gets_every_outcome_from_the_parsing_pool() {
        let dir = std::env::temp_dir().join(format!("failfirst-parsed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("{error}"));
        let paths = write_files(&dir, &["fn a() {}", "fn (", "mod m { fn b() {} }"]);
        let files: Vec<&std::path::Path> = paths.iter().map(|path| path.as_path()).collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let last_told = Arc::new(Mutex::new((0, 0)));
        let observer = {
            let last_told = Arc::clone(&last_told);
            ProgressObserver(Arc::new(move |parsed, total| {
                let mut last = last_told.lock().unwrap_or_else(PoisonError::into_inner);
                *last = (last.0.max(parsed), total);
            }))
        };
        let progress = ParseProgress {
            observer: Some(&observer),
            parsed: AtomicUsize::new(0),
            total: files.len(),
        };
        let parsed = ParsedFiles::new(files.len(), &progress, &|path| {
            read_file(path, DEFAULT_MAX_FILE_BYTES)
        });
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let _finished = parsed.finish_on_drop();
                pool.install(|| {
                    parsed.parse_in_parallel(&files, &walk_hints(&Knowledge::builtin()))
                });
            });
            // Taken out of order, while parsing may still run.
            assert!(matches!(parsed.take(2), Some(Ok(_))));
            assert!(matches!(parsed.take(0), Some(Ok(_))));
        });
        // The broken file was never taken: its problem is still reported, once.
        let problems = parsed.remaining_problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 1);
        assert!(parsed.take(0).is_none(), "an outcome is handed over once");
        // The broken file counts as parsed: progress is about files done, not files good.
        assert_eq!(
            *last_told.lock().unwrap_or_else(PoisonError::into_inner),
            (3, 3)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_folder_kept_by_the_walk_is_reported_as_not_analysed() {
        // The walk keeps a folder it could not list; reading it says so, whatever the
        // reason (as root, here, the folder itself is readable).
        let dir = std::env::temp_dir().join(format!("failfirst-folder-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("{error}"));
        let outcome = read_file(&dir, DEFAULT_MAX_FILE_BYTES);
        let _ = std::fs::remove_dir_all(&dir);
        let message = outcome.err().unwrap_or_default();
        assert!(
            message.starts_with("cannot read this folder (")
                && message.ends_with("the files in it are not analysed"),
            "{message}"
        );
    }

    #[test]
    fn the_builder_stops_waiting_when_parsing_ends_early() {
        let progress = ParseProgress {
            observer: None,
            parsed: AtomicUsize::new(0),
            total: 2,
        };
        let parsed = ParsedFiles::new(2, &progress, &|path| {
            read_file(path, DEFAULT_MAX_FILE_BYTES)
        });
        // Parsing ended (a panic, say) without filling any slot.
        drop(parsed.finish_on_drop());
        assert!(parsed.take(1).is_none());
        assert!(parsed.take(5).is_none());
    }
}
