//! The analysis held in memory for a front end that lives beside an editor (the language
//! server): built once, then kept up to date one edited file at a time.
//!
//! An edit re-parses only the edited file, from the text it is given. When the file keeps
//! its shape (the same items under the same names, see [`FileShape`]), its new summary is put
//! in place of the old one, the handlers are discovered again from the index, and the
//! handlers whose path reaches the file (or that are new) are judged again at once. An edit
//! that changes the shape builds the file's batch again, from the disk and the editors'
//! texts. A text that does not parse leaves the file's last good summary in place and adds
//! its `parse-error`.
//!
//! Judging at once is fast because it starts from the facts of every function computed by
//! the judgements before the edit, forgetting only those of the edited file's functions;
//! one thread judges them all, so that a function's facts are computed once (shared between
//! two threads, each computed the facts of the file's shared helpers again: more time in
//! all, and no faster on a busy machine). The report is assembled from the verdicts held
//! when it is asked for.
//!
//! Every handler's verdict is then marked *stale*, until judged again from facts all
//! computed after the edit: the other handlers keep their verdicts, and a verdict (or a
//! function's facts) also rests on code its path never reaches (how the struct a client is
//! a field of was built, the callers that hand it a client, the constants a timeout names,
//! the routers' `with_state`), so the edit may change them too. [`IncrementalAnalysis::settle`]
//! judges the stale handlers again with facts computed afresh, a handler at a time, until
//! its caller has something more urgent (the next keystroke). Once settled, the report is
//! what [`crate::analyze`] gives for the same texts. Before settling, the findings of the
//! edited file are those of a fresh run unless a function of another file has facts that
//! rest on the edited text: a finding sits in a function on its handler's path, so every
//! handler with a finding in the edited file reaches it and is judged at once, with the
//! edited functions' facts computed again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use super::{
    assemble_part, batches, count_calls, index_batch, judge_one, merge_parts, parse_one,
    typing_hints, walk_hints, AnalysisInput, AnalysisOptions, IndexHints, IndexedBatch,
    JudgedHandler, ParseProgress, ReportPart, WORKER_STACK_BYTES,
};
use crate::discovery::{discover, DiscoveredHandler};
use crate::facts::sql::schema::Schemas;
use crate::facts::FactsCache;
use crate::index::{FileShape, WorkspaceIndex};
use crate::knowledge::Knowledge;
use crate::location::FileId;
use crate::report::Report;
use crate::sources::{CrateInput, ParseProblem};

/// A whole analysis kept in memory, with the means to take one file's new text.
pub struct IncrementalAnalysis {
    knowledge: Arc<Knowledge>,
    hints: IndexHints,
    /// The unique keys of the migrations read when the analysis was built.
    schemas: Schemas,
    pool: Option<rayon::ThreadPool>,
    /// Files on disk larger than this are refused, as in a full run.
    max_file_bytes: u64,
    /// Functions followed from one handler, as in a full run.
    max_path_steps: u64,
    batches: Vec<HeldBatch>,
    /// Where each analysed file is: its batch and its id in the batch's index.
    files: HashMap<PathBuf, (usize, FileId)>,
    /// Texts given for files (an editor's unsaved buffers), read instead of the disk when a
    /// batch is built again.
    texts: HashMap<PathBuf, Vec<u8>>,
}

/// One batch of crates with everything built from it.
struct HeldBatch {
    crates: Vec<CrateInput>,
    index: WorkspaceIndex,
    /// Every handler discovered, with its judgement when its file is reported.
    handlers: Vec<HeldHandler>,
    /// The shape each file was indexed with; `None` for a file indexed without a summary.
    shapes: Vec<Option<FileShape>>,
    /// Files whose current text does not parse, by position; their last good summary, if
    /// any, stays in the index.
    problems: BTreeMap<usize, ParseProblem>,
    /// The facts of the functions judged since the batch was built or last settled: where
    /// the judgements made at once after an edit start from.
    facts: FactsCache,
}

/// A handler discovered, and its judgement when its file is reported.
struct HeldHandler {
    handler: DiscoveredHandler,
    judged: Option<JudgedHandler>,
    /// The judgement may be out of date: it was made before the latest edits, or at once
    /// after one from facts computed before it.
    stale: bool,
}

/// What taking a file's text did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditOutcome {
    /// The file is not part of the analysis.
    NotAnalysed,
    /// The text does not parse: the file keeps its last good facts, and its `parse-error`
    /// is reported.
    ParseError,
    /// The file kept its shape: its summary was replaced in place, and this many handlers
    /// (those whose path reaches the file, or new ones) were judged again at once; every
    /// handler is stale until [`IncrementalAnalysis::settle`].
    Patched { handlers_judged: usize },
    /// The file's shape changed: its batch was built again.
    Rebuilt,
}

impl IncrementalAnalysis {
    /// Analyses the input, keeping what it builds.
    pub fn new(input: &AnalysisInput, options: &AnalysisOptions) -> Self {
        let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK_BYTES);
        if let Some(threads) = options.threads {
            builder = builder.num_threads(threads);
        }
        let mut analysis = IncrementalAnalysis {
            knowledge: Arc::clone(&options.knowledge),
            hints: IndexHints {
                walk: walk_hints(&options.knowledge),
                typing: typing_hints(&options.knowledge),
            },
            schemas: super::build_schemas(
                &input.schema_sources,
                &options.knowledge,
                options
                    .max_file_bytes
                    .unwrap_or(super::DEFAULT_MAX_FILE_BYTES),
            ),
            pool: builder.build().ok(),
            max_file_bytes: options
                .max_file_bytes
                .unwrap_or(super::DEFAULT_MAX_FILE_BYTES),
            max_path_steps: options
                .max_path_steps
                .unwrap_or(crate::facts::DEFAULT_MAX_PATH_STEPS),
            batches: Vec::new(),
            files: HashMap::new(),
            texts: HashMap::new(),
        };
        let progress = ParseProgress {
            observer: options.progress.as_ref(),
            parsed: AtomicUsize::new(0),
            total: input
                .crates
                .iter()
                .map(|crate_input| crate_input.files.len())
                .sum(),
        };
        for batch in batches(&input.crates) {
            let crates: Vec<CrateInput> = batch
                .iter()
                .map(|position| input.crates[*position].clone())
                .collect();
            let position = analysis.batches.len();
            for (file, path) in crates
                .iter()
                .flat_map(|crate_input| crate_input.files.iter())
                .enumerate()
            {
                analysis
                    .files
                    .insert(path.path.clone(), (position, FileId(file as u32)));
            }
            let held = analysis.build_batch(crates, &progress);
            analysis.batches.push(held);
        }
        analysis
    }

    /// The report as it stands. Once [settled](IncrementalAnalysis::is_settled), it is what
    /// [`crate::analyze`] gives for the current texts; before, the handlers judged since
    /// the last edit (every finding of the edited file among them) are up to date and the
    /// others hold their verdicts from before it.
    pub fn report(&self) -> Report {
        let mut report = merge_parts(self.batches.iter().map(HeldBatch::part).collect());
        // A migration over the size limit is reported by a full run; the held analysis
        // keeps only what it parsed.
        super::unread_schema_sources(&mut report, &[], &self.schemas, self.max_file_bytes);
        report
    }

    /// Whether no handler holds a verdict from before the latest edits.
    pub fn is_settled(&self) -> bool {
        self.batches
            .iter()
            .all(|batch| batch.handlers.iter().all(|held| !held.stale))
    }

    /// Judges again the handlers whose verdicts are stale, one at a time, until none is
    /// left or `interrupted()` says to stop (it is asked before each one); returns whether
    /// the analysis is settled.
    pub fn settle(&mut self, interrupted: &dyn Fn() -> bool) -> bool {
        let (knowledge, schemas) = (&self.knowledge, &self.schemas);
        for batch in &mut self.batches {
            let settled = batch.settle(knowledge, schemas, self.max_path_steps, interrupted);
            if !settled {
                return false;
            }
        }
        true
    }

    /// Whether `path` is one of the files analysed.
    pub fn analyses(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    /// Takes `text` as the content of `path` (an editor's buffer) until
    /// [`IncrementalAnalysis::forget_text`], and brings the analysis up to date with it.
    pub fn set_text(&mut self, path: &Path, text: Vec<u8>) -> EditOutcome {
        let Some(&(position, file)) = self.files.get(path) else {
            return EditOutcome::NotAnalysed;
        };
        let outcome = parse_one(path, &self.hints.walk, &|_| Ok(text.clone()));
        self.texts.insert(path.to_path_buf(), text);
        self.take_outcome(position, file, outcome)
    }

    /// Reads `path` from the disk again, dropping the text given for it, and brings the
    /// analysis up to date.
    pub fn forget_text(&mut self, path: &Path) -> EditOutcome {
        let Some(&(position, file)) = self.files.get(path) else {
            return EditOutcome::NotAnalysed;
        };
        self.texts.remove(path);
        let max_file_bytes = self.max_file_bytes;
        let outcome = parse_one(path, &self.hints.walk, &|path| {
            super::read_file(path, max_file_bytes)
        });
        self.take_outcome(position, file, outcome)
    }

    fn take_outcome(
        &mut self,
        position: usize,
        file: FileId,
        outcome: Result<crate::index::FileSummary, ParseProblem>,
    ) -> EditOutcome {
        let slot = file.0 as usize;
        let (knowledge, schemas) = (&self.knowledge, &self.schemas);
        let batch = &mut self.batches[position];
        let summary = match outcome {
            Ok(summary) => summary,
            Err(problem) => {
                batch.problems.insert(slot, problem);
                return EditOutcome::ParseError;
            }
        };
        let same_shape = batch.shapes[slot] == Some(FileShape::of(&summary));
        if same_shape && batch.index.replace_file_contents(file, summary) {
            batch.problems.remove(&slot);
            batch.facts.forget_file(&batch.index, file);
            let handlers_judged = batch.judge_again(file, knowledge, schemas, self.max_path_steps);
            return EditOutcome::Patched { handlers_judged };
        }
        let crates = std::mem::take(&mut self.batches[position].crates);
        let progress = ParseProgress {
            observer: None,
            parsed: AtomicUsize::new(0),
            total: 0,
        };
        let rebuilt = self.build_batch(crates, &progress);
        // The old index is large; it is freed beside the work that follows.
        let old = std::mem::replace(&mut self.batches[position], rebuilt);
        std::thread::spawn(move || drop(old));
        EditOutcome::Rebuilt
    }

    /// Parses, indexes and judges a batch, reading the texts given before the disk.
    fn build_batch(&self, crates: Vec<CrateInput>, progress: &ParseProgress<'_>) -> HeldBatch {
        let files = crates
            .iter()
            .map(|crate_input| crate_input.files.len())
            .sum();
        let mut shapes = vec![None; files];
        let texts = &self.texts;
        let max_file_bytes = self.max_file_bytes;
        let source = |path: &Path| match texts.get(path) {
            Some(text) => Ok(text.clone()),
            None => super::read_file(path, max_file_bytes),
        };
        let IndexedBatch {
            index,
            handlers,
            problems,
        } = index_batch(
            &crates,
            self.pool.as_ref(),
            &self.hints,
            &self.knowledge,
            progress,
            &source,
            &mut |file, summary| {
                if let Some(slot) = shapes.get_mut(file.0 as usize) {
                    *slot = Some(FileShape::of(summary));
                }
            },
        );
        let mut judge = crate::verdicts::Judge::new(&index, &self.knowledge, &self.schemas)
            .with_step_limit(self.max_path_steps);
        let handlers = handlers
            .into_iter()
            .map(|handler| {
                let judged = index
                    .file(handler.file(&index))
                    .reported
                    .then(|| judge_one(&index, &mut judge, &handler));
                HeldHandler {
                    handler,
                    judged,
                    stale: false,
                }
            })
            .collect();
        let facts = judge.into_facts();
        HeldBatch {
            crates,
            index,
            handlers,
            shapes,
            problems: problems.into_iter().collect(),
            facts,
        }
    }
}

impl HeldBatch {
    /// Discovers the handlers again after `edited` changed in place, and judges those whose
    /// path reaches it and those not judged before, from the facts held (those of
    /// `edited`'s functions forgotten); returns how many were judged.
    /// Every other handler keeps its verdict; all are stale.
    fn judge_again(
        &mut self,
        edited: FileId,
        knowledge: &Knowledge,
        schemas: &Schemas,
        max_path_steps: u64,
    ) -> usize {
        let index = &self.index;
        let mut previous: HashMap<(crate::discovery::HandlerFunction, String), JudgedHandler> =
            std::mem::take(&mut self.handlers)
                .into_iter()
                .filter_map(|held| {
                    let judged = held.judged?;
                    Some((
                        (held.handler.function, held.handler.route.to_string()),
                        judged,
                    ))
                })
                .collect();
        let mut handlers: Vec<HeldHandler> = discover(index, knowledge)
            .into_iter()
            .map(|handler| {
                let reported = index.file(handler.file(index)).reported;
                let judged = reported
                    .then(|| previous.remove(&(handler.function, handler.route.to_string())))
                    .flatten()
                    .filter(|judged| {
                        !judged.reached_files.contains(&edited)
                            && judged.report.annotations == handler.annotations
                    });
                HeldHandler {
                    handler,
                    judged,
                    stale: reported,
                }
            })
            .collect();
        let pending: Vec<usize> = handlers
            .iter()
            .enumerate()
            .filter(|(_, held)| held.stale && held.judged.is_none())
            .map(|(position, _)| position)
            .collect();
        let mut judge = crate::verdicts::Judge::with_facts(
            index,
            knowledge,
            schemas,
            std::mem::take(&mut self.facts),
        )
        .with_step_limit(max_path_steps);
        for &position in &pending {
            let judged = judge_one(index, &mut judge, &handlers[position].handler);
            handlers[position].judged = Some(judged);
        }
        self.facts = judge.into_facts();
        self.handlers = handlers;
        pending.len()
    }

    /// Judges the stale handlers again, from facts computed afresh, until none is left or
    /// `interrupted()`; returns whether none is left. Settled, the batch keeps those facts.
    fn settle(
        &mut self,
        knowledge: &Knowledge,
        schemas: &Schemas,
        max_path_steps: u64,
        interrupted: &dyn Fn() -> bool,
    ) -> bool {
        let mut judge = crate::verdicts::Judge::new(&self.index, knowledge, schemas)
            .with_step_limit(max_path_steps);
        let mut judged_any = false;
        let mut settled = true;
        for held in self.handlers.iter_mut().filter(|held| held.stale) {
            if interrupted() {
                settled = false;
                break;
            }
            held.judged = Some(judge_one(&self.index, &mut judge, &held.handler));
            held.stale = false;
            judged_any = true;
        }
        // An interrupted settling leaves the facts as they were: the edit that interrupted
        // it makes the new ones out of date.
        if judged_any && settled {
            self.facts = judge.into_facts();
        }
        settled
    }

    /// The batch's part of the report, from the verdicts held: made when the report is
    /// asked for (once per publication), not after every change, as it copies every
    /// handler's verdict.
    fn part(&self) -> ReportPart {
        let problems: Vec<(usize, ParseProblem)> = self
            .problems
            .iter()
            .map(|(position, problem)| (*position, problem.clone()))
            .collect();
        let calls = count_calls(self.handlers.iter().filter_map(|held| held.judged.as_ref()));
        assemble_part(
            &self.index,
            self.handlers.iter().filter_map(|held| held.judged.as_ref()),
            &problems,
            calls,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{CrateRoot, InputFile, TargetKind};

    const MAIN: &str = r#"mod ledger;
mod health;

use axum::{routing::{get, post}, Router};

pub fn app() -> Router {
    Router::new()
        .route("/api/charge", post(charge))
        .route("/health", get(health::health))
}

pub async fn charge() -> Result<String, reqwest::Error> {
    ledger::post_entry("debit").await
}
"#;

    const LEDGER: &str = r#"pub async fn post_entry(entry: &str) -> Result<String, reqwest::Error> {
    let client = reqwest::Client::new();
    let response = client.post("http://ledger/entries").body(entry.to_string()).send().await?;
    response.text().await
}
"#;

    const HEALTH: &str = "pub async fn health() -> &'static str {\n    \"ok\"\n}\n";

    /// A crate of three files in a folder of its own, and its input.
    fn service(name: &str) -> (PathBuf, AnalysisInput) {
        crate_of(
            name,
            &[
                ("main.rs", MAIN),
                ("ledger.rs", LEDGER),
                ("health.rs", HEALTH),
            ],
        )
    }

    /// A crate of these files (`main.rs` its root) in a folder of its own, and its input.
    fn crate_of(name: &str, texts: &[(&str, &str)]) -> (PathBuf, AnalysisInput) {
        let dir = std::env::temp_dir().join(format!(
            "failfirst-incremental-{name}-{}",
            std::process::id()
        ));
        let src = dir.join("src");
        std::fs::create_dir_all(&src).unwrap_or_else(|error| panic!("{error}"));
        let mut files = Vec::new();
        for &(file, text) in texts {
            let path = src.join(file);
            std::fs::write(&path, text).unwrap_or_else(|error| panic!("{error}"));
            files.push(InputFile {
                display_path: format!("src/{file}"),
                path,
                reported: true,
                named: true,
            });
        }
        let input = AnalysisInput {
            crates: vec![CrateInput {
                name: "svc".to_string(),
                lib_name: "svc".to_string(),
                roots: vec![CrateRoot {
                    path: src.join("main.rs"),
                    kind: TargetKind::Bin,
                }],
                files,
                dependencies: Vec::new(),
            }],
            schema_sources: Vec::new(),
        };
        (dir, input)
    }

    fn rules_fired(report: &Report) -> Vec<(&'static str, String, u32)> {
        report
            .findings
            .iter()
            .map(|finding| (finding.rule, finding.file.clone(), finding.line))
            .collect()
    }

    /// The held analysis after an edit, once settled, must be what a fresh run on the edited
    /// files gives.
    fn assert_same_as_fresh(analysis: &mut IncrementalAnalysis, input: &AnalysisInput) {
        assert!(analysis.settle(&|| false));
        let fresh = crate::analyze(input, &AnalysisOptions::default());
        assert_eq!(format!("{:#?}", analysis.report()), format!("{fresh:#?}"));
    }

    #[test]
    fn an_edit_inside_a_body_is_patched_in_place_and_matches_a_fresh_run() {
        let (dir, input) = service("patch");
        let ledger = dir.join("src/ledger.rs");
        let mut analysis = IncrementalAnalysis::new(&input, &AnalysisOptions::default());
        assert!(rules_fired(&analysis.report()).contains(&(
            "downstream-without-deadline",
            "src/ledger.rs".to_string(),
            3
        )));

        let bounded = LEDGER.replace(
            ".send()",
            ".timeout(std::time::Duration::from_secs(2)).send()",
        );
        let outcome = analysis.set_text(&ledger, bounded.clone().into_bytes());
        // Only the handler whose path reaches the ledger is judged again.
        assert_eq!(outcome, EditOutcome::Patched { handlers_judged: 1 });
        assert!(!rules_fired(&analysis.report())
            .iter()
            .any(|(rule, ..)| *rule == "downstream-without-deadline"));
        std::fs::write(&ledger, &bounded).unwrap_or_else(|error| panic!("{error}"));
        assert_same_as_fresh(&mut analysis, &input);

        // An edit of the health check's file judges only the health check again.
        let health = dir.join("src/health.rs");
        let outcome = analysis.set_text(&health, HEALTH.replace("ok", "fine").into_bytes());
        assert_eq!(outcome, EditOutcome::Patched { handlers_judged: 1 });
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A `.proto` file that does not parse is a `parse-error` in the held analysis as in a
    /// full run, and stays one through edits of the Rust files.
    #[test]
    fn a_broken_contract_is_reported_as_a_fresh_run_reports_it() {
        use crate::facts::sql::schema::{SchemaSource, SchemaSourceKind};
        let (dir, mut input) = service("contract");
        input.schema_sources.push(SchemaSource {
            root: ".".to_string(),
            display_path: "proto/ledger.proto".to_string(),
            text: "syntax = \"proto3\";\nservice Ledger {\n  rpc Post(Entry) returns\n}\n"
                .to_string(),
            kind: SchemaSourceKind::Proto,
        });
        let mut analysis = IncrementalAnalysis::new(&input, &AnalysisOptions::default());
        let broken = ("parse-error", "proto/ledger.proto".to_string(), 4);
        assert!(
            rules_fired(&analysis.report()).contains(&broken),
            "{:?}",
            rules_fired(&analysis.report())
        );
        assert_same_as_fresh(&mut analysis, &input);
        let health = dir.join("src/health.rs");
        analysis.set_text(&health, HEALTH.replace("ok", "fine").into_bytes());
        assert!(rules_fired(&analysis.report()).contains(&broken));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_edit_that_adds_an_item_builds_the_batch_again() {
        let (dir, input) = service("rebuild");
        let ledger = dir.join("src/ledger.rs");
        let mut analysis = IncrementalAnalysis::new(&input, &AnalysisOptions::default());
        let with_helper = format!(
            "{}\nfn client() -> reqwest::Client {{\n    reqwest::Client::new()\n}}\n",
            LEDGER.replace("reqwest::Client::new()", "client()")
        );
        let outcome = analysis.set_text(&ledger, with_helper.clone().into_bytes());
        assert_eq!(outcome, EditOutcome::Rebuilt);
        std::fs::write(&ledger, &with_helper).unwrap_or_else(|error| panic!("{error}"));
        assert_same_as_fresh(&mut analysis, &input);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_syntax_error_keeps_the_last_good_facts_and_reports_itself_once() {
        let (dir, input) = service("syntax");
        let ledger = dir.join("src/ledger.rs");
        let mut analysis = IncrementalAnalysis::new(&input, &AnalysisOptions::default());
        let before = rules_fired(&analysis.report());
        let half_typed = LEDGER.replace(".send().await?;", ".send().await?.");
        let outcome = analysis.set_text(&ledger, half_typed.into_bytes());
        assert_eq!(outcome, EditOutcome::ParseError);
        let during = rules_fired(&analysis.report());
        let parse_errors: Vec<_> = during
            .iter()
            .filter(|(rule, ..)| *rule == "parse-error")
            .collect();
        assert_eq!(parse_errors.len(), 1, "{during:?}");
        for finding in &before {
            assert!(
                during.contains(finding),
                "{finding:?} went away in {during:?}"
            );
        }
        // Typing on to a good text clears the error.
        let outcome = analysis.set_text(&ledger, LEDGER.as_bytes().to_vec());
        assert!(matches!(outcome, EditOutcome::Patched { .. }));
        assert_eq!(rules_fired(&analysis.report()), before);
        let _ = std::fs::remove_dir_all(&dir);
    }

    const STATE_MAIN: &str = r#"mod handlers;

use axum::{routing::post, Router};

#[tokio::main]
async fn main() {
    let http = reqwest::Client::new();
    let state = handlers::AppState { http };
    let app = Router::new().route("/api/charge", post(handlers::charge)).with_state(state);
    let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
"#;

    const STATE_HANDLERS: &str = r#"use axum::extract::State;

#[derive(Clone)]
pub struct AppState {
    pub http: reqwest::Client,
}

pub async fn charge(State(state): State<AppState>) -> Result<String, reqwest::Error> {
    let response = state.http.post("http://ledger/entries").send().await?;
    response.text().await
}
"#;

    /// A handler's verdict may rest on code its path never reaches: here the client it
    /// calls through is built in `main`, which no handler calls. An edit there is judged
    /// for every handler before the analysis is settled.
    #[test]
    fn an_edit_outside_every_handler_path_is_judged_once_settled() {
        let (dir, input) = crate_of(
            "elsewhere",
            &[("main.rs", STATE_MAIN), ("handlers.rs", STATE_HANDLERS)],
        );
        let main = dir.join("src/main.rs");
        let mut analysis = IncrementalAnalysis::new(&input, &AnalysisOptions::default());
        let deadline = (
            "downstream-without-deadline",
            "src/handlers.rs".to_string(),
            9,
        );
        assert!(rules_fired(&analysis.report()).contains(&deadline));
        assert!(analysis.is_settled());

        let bounded = STATE_MAIN.replace(
            "reqwest::Client::new()",
            "reqwest::Client::builder().timeout(std::time::Duration::from_secs(2)).build().unwrap()",
        );
        let outcome = analysis.set_text(&main, bounded.clone().into_bytes());
        // No handler's path reaches `main`: nothing is judged at once...
        assert_eq!(outcome, EditOutcome::Patched { handlers_judged: 0 });
        assert!(!analysis.is_settled());
        // ...an interrupted settling judges nothing and leaves the rest for later...
        assert!(!analysis.settle(&|| true));
        assert!(!analysis.is_settled());
        assert!(
            rules_fired(&analysis.report()).contains(&deadline),
            "the handler's verdict is from before the edit until settled"
        );
        // ...and settling judges the handler again: its client has a timeout now.
        assert!(analysis.settle(&|| false));
        assert!(analysis.is_settled());
        assert!(!rules_fired(&analysis.report()).contains(&deadline));
        std::fs::write(&main, &bounded).unwrap_or_else(|error| panic!("{error}"));
        assert_same_as_fresh(&mut analysis, &input);

        // And back.
        analysis.set_text(&main, STATE_MAIN.as_bytes().to_vec());
        analysis.settle(&|| false);
        assert!(rules_fired(&analysis.report()).contains(&deadline));
        std::fs::write(&main, STATE_MAIN).unwrap_or_else(|error| panic!("{error}"));
        assert_same_as_fresh(&mut analysis, &input);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
