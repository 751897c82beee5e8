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
//! Most keystrokes change one function's body and move the lines below it. Every judgement
//! records what it read of functions ([`crate::index::recording_reads`], its facts' reads
//! included), so that after an edit whose changed lines all lie inside function bodies, and
//! that leaves what those bodies call and build as it was (what the scans of the whole
//! workspace read of them, [`BodyNames`]), only the handlers whose judgement read the
//! definition of a changed function are judged again. The others reaching the file keep
//! their verdicts, moved with their lines ([`LineShift`]), unless their sentences cite one
//! of the edited file's lines that moved ("at line 19", noted as [`Read::LineInWords`]
//! where the sentence is made): those are judged again too. The
//! discovery of the handlers records its reads the same way: when it read no changed
//! definition (and the changed functions' outlines, loops and route statements are as they
//! were, which it reads without noting), the handlers discovered stay, moved.
//!
//! Judging at once is fast because it starts from the facts of every function computed by
//! the judgements before the edit, forgetting only those of the edited file's functions
//! (and, after an edit inside bodies, those that read a definition in the file: they hold
//! its positions); one thread judges them all, so that a function's facts are computed
//! once (shared between two threads, each computed the facts of the file's shared helpers
//! again: more time in all, and no faster on a busy machine). The report is assembled from
//! the verdicts held when it is asked for.
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
//! edited functions' facts computed again, or read nothing of what changed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use super::{
    assemble_part, batches, count_calls, index_batch, judge_one, merge_parts, parse_one,
    typing_hints, walk_hints, AnalysisInput, AnalysisOptions, IndexHints, IndexedBatch,
    JudgedHandler, ParseProgress, PathFunctions, ReportPart, WORKER_STACK_BYTES,
};
use crate::discovery::{discover, DiscoveredHandler, HandlerFunction};
use crate::facts::sql::schema::Schemas;
use crate::facts::FactsCache;
use crate::index::{
    Callee, CompactString, FileShape, FileSummary, FnId, Mentions, Read, WorkspaceIndex,
};
use crate::knowledge::Knowledge;
use crate::location::{FileId, TextRange};
use crate::report::{LineShift, Report};
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
    /// Of the texts given, those the index holds the summaries of (a text that does not
    /// parse leaves the last good one): what the next edit of the file is compared with.
    indexed_texts: HashMap<PathBuf, Vec<u8>>,
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
    /// What the last discovery of the handlers read of functions; `None` before the first
    /// one recorded. An edit inside bodies whose definitions it did not read leaves the
    /// handlers discovered as they were, moved with their lines.
    discovery_reads: Option<Vec<Read>>,
}

/// A handler discovered, and its judgement when its file is reported.
struct HeldHandler {
    handler: DiscoveredHandler,
    judged: Option<Judgement>,
    /// The judgement may be out of date: it was made before the latest edits, or at once
    /// after one from facts computed before it.
    stale: bool,
}

/// A handler's judgement, with what tells whether an edit leaves it true.
struct Judgement {
    judged: JudgedHandler,
    /// What the judgement read of functions (its facts' reads among it): an edit inside
    /// the body of a function whose definition it did not read does not change it.
    reads: Vec<Read>,
}

/// An edit that changed only the inside of some functions' bodies, and how the lines of
/// the rest of the file moved.
struct BodyEdit {
    /// The functions whose text changed.
    changed: Vec<FnId>,
    /// What each of them named before the edit, in `changed`'s order.
    names_before: Vec<BodyNames>,
    shift: LineShift,
    /// How many lines the file had before the edit: a line cited above it is no line that
    /// moved.
    old_lines: u32,
}

/// What a scan of the whole workspace reads of a function's body
/// ([`Read::Calls`], [`Read::StructLiterals`]), and what places it in the index's lists of
/// bodies: an edit that keeps it keeps what those scans found, and reads no position.
#[derive(PartialEq)]
struct BodyNames {
    calls: Vec<(Callee, Mentions)>,
    /// Each literal's path and its fields' names.
    literals: Vec<(Vec<CompactString>, Vec<CompactString>)>,
    builds_routes: bool,
    /// Whether the body loops: the consumers' discovery reads the bodies that do.
    loops: bool,
    /// The function's outline as [`WorkspaceIndex::fn_outline`] hands it out (name,
    /// attributes, signature, and where they are written), spelled out: not a read, so it
    /// must not change.
    outline: String,
}

impl BodyNames {
    fn of(index: &WorkspaceIndex, function: FnId) -> BodyNames {
        let body = &index.fns[function.0 as usize].summary.body;
        BodyNames {
            calls: body
                .calls
                .iter()
                .map(|call| (call.callee.clone(), call.arg_mentions.clone()))
                .collect(),
            literals: body
                .struct_literals
                .iter()
                .map(|literal| {
                    let fields = literal.fields.iter().map(|field| field.name.clone());
                    (literal.path.clone(), fields.collect())
                })
                .collect(),
            builds_routes: !body.route_statements.is_empty(),
            loops: !body.loops.is_empty(),
            outline: {
                let summary = &index.fns[function.0 as usize].summary;
                format!(
                    "{:?}",
                    (
                        &summary.name,
                        summary.name_range,
                        &summary.attrs,
                        &summary.params,
                        &summary.output,
                        summary.is_async,
                        summary.has_self,
                        summary.is_test,
                    )
                )
            },
        }
    }
}

impl BodyEdit {
    /// Where a range of the edited file that does not hold the edit is now.
    fn moved_range(&self, range: TextRange) -> TextRange {
        let line = |line: u32| {
            if line > self.shift.after {
                u32::try_from(i64::from(line) + self.shift.by).unwrap_or(line)
            } else {
                line
            }
        };
        let mut moved = range;
        moved.start.line = line(range.start.line);
        moved.end.line = line(range.end.line);
        moved
    }

    /// Whether the changed functions, as `index` now holds them, name what they named: a
    /// scan of the workspace's bodies then finds what it found, and the lists of bodies
    /// are the same. A function that builds routes is never taken as such (the routers'
    /// scans read their whole statements).
    fn keeps_names(&self, index: &WorkspaceIndex) -> bool {
        self.changed
            .iter()
            .zip(&self.names_before)
            .all(|(function, before)| {
                !before.builds_routes && BodyNames::of(index, *function) == *before
            })
    }
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
    /// handler is stale until [`IncrementalAnalysis::settle`]. The handlers were discovered
    /// again unless the edit changed only bodies the last discovery did not read.
    Patched {
        handlers_judged: usize,
        discovered_again: bool,
    },
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
            indexed_texts: HashMap::new(),
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
        self.report_with(PathFunctions::Kept)
    }

    /// The report as [`IncrementalAnalysis::report`] gives it, without where the functions
    /// on each handler's path are written (`Handler::path_functions`: what `--diff-base`
    /// reads, and an editor never does), which would be copied on every publication.
    pub fn report_without_paths(&self) -> Report {
        self.report_with(PathFunctions::Left)
    }

    fn report_with(&self, paths: PathFunctions) -> Report {
        let mut report = merge_parts(self.batches.iter().map(|batch| batch.part(paths)).collect());
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
        let previous = self.indexed_texts.get(path).map(Vec::as_slice);
        let edit = match (&outcome, previous) {
            (Ok(_), Some(previous)) => Some(LineEdit::between(previous, &text)),
            _ => None,
        };
        self.texts.insert(path.to_path_buf(), text.clone());
        let outcome = self.take_outcome(position, file, outcome, edit);
        if outcome != EditOutcome::ParseError {
            self.indexed_texts.insert(path.to_path_buf(), text);
        }
        outcome
    }

    /// Reads `path` from the disk again, dropping the text given for it, and brings the
    /// analysis up to date.
    pub fn forget_text(&mut self, path: &Path) -> EditOutcome {
        let Some(&(position, file)) = self.files.get(path) else {
            return EditOutcome::NotAnalysed;
        };
        self.texts.remove(path);
        self.indexed_texts.remove(path);
        let max_file_bytes = self.max_file_bytes;
        let outcome = parse_one(path, &self.hints.walk, &|path| {
            super::read_file(path, max_file_bytes)
        });
        self.take_outcome(position, file, outcome, None)
    }

    /// Brings the analysis up to date with `file`'s new summary (or its parse error);
    /// `edit` says how its lines changed, when the text the index holds is known.
    fn take_outcome(
        &mut self,
        position: usize,
        file: FileId,
        outcome: Result<FileSummary, ParseProblem>,
        edit: Option<LineEdit>,
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
        let body_edit = edit
            .filter(|_| same_shape)
            .and_then(|edit| edit.inside_bodies(&batch.index, file, &summary));
        if same_shape && batch.index.replace_file_contents(file, summary) {
            batch.problems.remove(&slot);
            let body_edit = body_edit.filter(|edit| edit.keeps_names(&batch.index));
            match &body_edit {
                // Facts hold positions: those of the file, or read from it, have moved.
                Some(_) => batch.facts.forget_reading_file(&batch.index, file),
                None => batch.facts.forget_file(&batch.index, file),
            }
            let (handlers_judged, discovered_again) = batch.judge_again(
                file,
                body_edit.as_ref(),
                knowledge,
                schemas,
                self.max_path_steps,
            );
            return EditOutcome::Patched {
                handlers_judged,
                discovered_again,
            };
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
        let mut judge = crate::verdicts::Judge::with_facts(
            &index,
            &self.knowledge,
            &self.schemas,
            FactsCache::tracking_reads(),
        )
        .with_step_limit(self.max_path_steps);
        let handlers = handlers
            .into_iter()
            .map(|handler| {
                let judged = index
                    .file(handler.file(&index))
                    .reported
                    .then(|| judge_recorded(&index, &mut judge, &handler));
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
            discovery_reads: None,
        }
    }
}

impl HeldBatch {
    /// Discovers the handlers again after `edited` changed in place, and judges those whose
    /// path reaches it and those not judged before, from the facts held (those of
    /// `edited`'s functions forgotten); returns how many were judged. After an edit inside
    /// function bodies (`body_edit`), a handler whose judgement read none of the changed
    /// functions keeps its verdict, moved with its lines, unless its sentences may cite a
    /// line that moved. Returns too whether the handlers were discovered again.
    /// Every other handler keeps its verdict; all are stale.
    fn judge_again(
        &mut self,
        edited: FileId,
        body_edit: Option<&BodyEdit>,
        knowledge: &Knowledge,
        schemas: &Schemas,
        max_path_steps: u64,
    ) -> (usize, bool) {
        let index = &self.index;
        let held = std::mem::take(&mut self.handlers);
        // A closure handler written below the edit has moved: its key moves with it.
        let moved = |function: HandlerFunction| match (function, body_edit) {
            (HandlerFunction::Closure { enclosing, range }, Some(body_edit))
                if index.fns[enclosing.0 as usize].file == edited =>
            {
                HandlerFunction::Closure {
                    enclosing,
                    range: body_edit.moved_range(range),
                }
            }
            _ => function,
        };
        let read_by_discovery = match (body_edit, &self.discovery_reads) {
            (Some(body_edit), Some(reads)) => reads.iter().any(|read| {
                matches!(read, Read::Definition(function) if body_edit.changed.contains(function))
            }),
            _ => true,
        };
        let discovered: Vec<DiscoveredHandler> = if read_by_discovery {
            let (discovered, reads) = crate::index::recording_reads(|| discover(index, knowledge));
            self.discovery_reads = Some(reads);
            discovered
        } else {
            held.iter()
                .map(|held| DiscoveredHandler {
                    function: moved(held.handler.function),
                    ..held.handler.clone()
                })
                .collect()
        };
        let mut previous: HashMap<(HandlerFunction, String), Judgement> = held
            .into_iter()
            .filter_map(|held| {
                let judged = held.judged?;
                Some((
                    (moved(held.handler.function), held.handler.route.to_string()),
                    judged,
                ))
            })
            .collect();
        let mut handlers: Vec<HeldHandler> = discovered
            .into_iter()
            .map(|handler| {
                let reported = index.file(handler.file(index)).reported;
                let judged = reported
                    .then(|| previous.remove(&(handler.function, handler.route.to_string())))
                    .flatten()
                    .filter(|held| held.judged.report.annotations == handler.annotations)
                    .and_then(|held| {
                        if !held.judged.reached_files.contains(&edited) {
                            return Some(held);
                        }
                        let body_edit = body_edit?;
                        let read_changed = held.reads.iter().any(|read| {
                            matches!(read, Read::Definition(function)
                                if body_edit.changed.contains(function))
                        });
                        if read_changed {
                            return None;
                        }
                        (!held.cites_moved_line(index, edited, body_edit)).then_some(held)
                    })
                    .map(|mut held| {
                        if let Some(body_edit) = body_edit {
                            held.moved(&body_edit.shift, index, &handler);
                        }
                        held
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
            let judged = judge_recorded(index, &mut judge, &handlers[position].handler);
            handlers[position].judged = Some(judged);
        }
        self.facts = judge.into_facts();
        self.handlers = handlers;
        (pending.len(), read_by_discovery)
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
        let mut judge = crate::verdicts::Judge::with_facts(
            &self.index,
            knowledge,
            schemas,
            FactsCache::tracking_reads(),
        )
        .with_step_limit(max_path_steps);
        let mut judged_any = false;
        let mut settled = true;
        for held in self.handlers.iter_mut().filter(|held| held.stale) {
            if interrupted() {
                settled = false;
                break;
            }
            held.judged = Some(judge_recorded(&self.index, &mut judge, &held.handler));
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
    fn part(&self, paths: PathFunctions) -> ReportPart {
        let problems: Vec<(usize, ParseProblem)> = self
            .problems
            .iter()
            .map(|(position, problem)| (*position, problem.clone()))
            .collect();
        let judged = || {
            self.handlers
                .iter()
                .filter_map(|held| held.judged.as_ref())
                .map(|held| &held.judged)
        };
        let calls = count_calls(judged());
        assemble_part(&self.index, judged(), &problems, calls, paths)
    }
}

impl Judgement {
    /// Whether its sentences cite a line of `edited` that `body_edit` moved: its words
    /// would not move with its typed positions.
    fn cites_moved_line(
        &self,
        index: &WorkspaceIndex,
        edited: FileId,
        body_edit: &BodyEdit,
    ) -> bool {
        self.reads.iter().any(|read| {
            matches!(read, Read::LineInWords { function, line }
                if index.fns[function.0 as usize].file == edited
                    && *line > body_edit.shift.after
                    && *line <= body_edit.old_lines)
        })
    }

    /// Moves the verdict with the lines of its file: `handler` is where it is now.
    fn moved(&mut self, shift: &LineShift, index: &WorkspaceIndex, handler: &DiscoveredHandler) {
        let report = &mut self.judged.report;
        let range = handler.range(index);
        report.line = range.start.line;
        report.column = range.start.column;
        shift.handler(report);
        for finding in &mut self.judged.findings {
            shift.finding(finding);
        }
    }
}

/// Judges `handler`, recording what the judgement read.
fn judge_recorded(
    index: &WorkspaceIndex,
    judge: &mut crate::verdicts::Judge<'_>,
    handler: &DiscoveredHandler,
) -> Judgement {
    let (judged, reads) = crate::index::recording_reads(|| judge_one(index, judge, handler));
    Judgement { judged, reads }
}

/// How an edit changed a file's lines: those up to `kept_before` and those after
/// `old_end` (`new_end` in the new text) are the same text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LineEdit {
    /// The lines before the first changed one.
    kept_before: u32,
    /// The last changed line of the old text (`kept_before` when lines were only
    /// inserted).
    old_end: u32,
    /// The same in the new text (`kept_before` when lines were only removed).
    new_end: u32,
    old_lines: u32,
}

impl LineEdit {
    fn between(old: &[u8], new: &[u8]) -> LineEdit {
        let old_lines: Vec<&[u8]> = old.split(|byte| *byte == b'\n').collect();
        let new_lines: Vec<&[u8]> = new.split(|byte| *byte == b'\n').collect();
        let prefix = old_lines
            .iter()
            .zip(&new_lines)
            .take_while(|(old, new)| old == new)
            .count();
        let most = old_lines.len().min(new_lines.len()) - prefix;
        let suffix = old_lines
            .iter()
            .rev()
            .zip(new_lines.iter().rev())
            .take(most)
            .take_while(|(old, new)| old == new)
            .count();
        let line = |count: usize| u32::try_from(count).unwrap_or(u32::MAX);
        LineEdit {
            kept_before: line(prefix),
            old_end: line(old_lines.len() - suffix),
            new_end: line(new_lines.len() - suffix),
            old_lines: line(old_lines.len()),
        }
    }

    /// The edit as a [`BodyEdit`], when every changed line lies inside the body of a
    /// function of `file` (not on its first or last line) that declares no `static` (a
    /// body's statics are its module's). `index` holds the file as it was; `summary` is its
    /// new summary.
    fn inside_bodies(
        &self,
        index: &WorkspaceIndex,
        file: FileId,
        summary: &FileSummary,
    ) -> Option<BodyEdit> {
        let (first, last) = (self.kept_before + 1, self.old_end);
        let functions = index
            .fns
            .iter()
            .enumerate()
            .filter(|(_, def)| def.file == file)
            .map(|(position, def)| (FnId(position as u32), def.summary.range));
        let mut changed = Vec::new();
        let mut enclosed = false;
        for (function, range) in functions {
            // Lines only inserted: the functions that hold both lines around them.
            let touched = range.start.line <= last && range.end.line >= first.min(last + 1);
            if touched {
                changed.push(function);
                enclosed |= range.start.line < first && range.end.line > last;
            }
        }
        let unchanged = self.kept_before == self.old_end && self.old_end == self.new_end;
        if !enclosed && !unchanged {
            return None;
        }
        let new_fns = summary.modules.iter().flat_map(|module| {
            module.fns.iter().chain(
                module
                    .impls
                    .iter()
                    .flat_map(|implementation| &implementation.methods),
            )
        });
        let declares_static = new_fns.into_iter().any(|function| {
            !function.body.statics.is_empty()
                && function.range.start.line <= self.new_end
                && function.range.end.line > self.kept_before
        });
        if declares_static {
            return None;
        }
        Some(BodyEdit {
            names_before: changed
                .iter()
                .map(|function| BodyNames::of(index, *function))
                .collect(),
            changed,
            shift: LineShift {
                file: index.file(file).display_path.clone(),
                after: self.old_end,
                by: i64::from(self.new_end) - i64::from(self.old_end),
            },
            old_lines: self.old_lines,
        })
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
                renamed_dependencies: Vec::new(),
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
        assert_eq!(
            outcome,
            EditOutcome::Patched {
                handlers_judged: 1,
                discovered_again: true
            }
        );
        assert!(!rules_fired(&analysis.report())
            .iter()
            .any(|(rule, ..)| *rule == "downstream-without-deadline"));
        std::fs::write(&ledger, &bounded).unwrap_or_else(|error| panic!("{error}"));
        assert_same_as_fresh(&mut analysis, &input);

        // An edit of the health check's file judges only the health check again.
        let health = dir.join("src/health.rs");
        let outcome = analysis.set_text(&health, HEALTH.replace("ok", "fine").into_bytes());
        assert!(matches!(
            outcome,
            EditOutcome::Patched {
                handlers_judged: 1,
                ..
            }
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A `.proto` file that does not parse is a `parse-error` in the held analysis as in a
    /// full run, and stays one through edits of the Rust files.
    #[test]
    fn a_broken_contract_is_reported_as_a_fresh_run_reports_it() {
        use crate::facts::contract_files::{SchemaSource, SchemaSourceKind};
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

    const TWO_HANDLERS: &str = r#"use axum::{routing::post, Router};

pub fn app() -> Router {
    Router::new()
        .route("/api/first", post(first))
        .route("/api/second", post(second))
}

pub async fn first() -> Result<String, reqwest::Error> {
    let client = reqwest::Client::new();
    client.post("http://ledger/first").send().await?.text().await
}

pub async fn second() -> Result<String, reqwest::Error> {
    post_entry("second").await
}

async fn post_entry(entry: &str) -> Result<String, reqwest::Error> {
    let client = reqwest::Client::new();
    let request = client.post("http://ledger/entries").body(entry.to_string());
    request.send().await?.text().await
}
"#;

    /// Typing a line in a handler's body moves everything below it: the handlers below
    /// keep their verdicts, moved with their lines, and only the edited one is judged again.
    /// Before settling, the report is already a fresh run's.
    #[test]
    fn an_edit_above_a_handler_moves_its_verdict_without_judging_it_again() {
        let (dir, input) = crate_of("moved", &[("main.rs", TWO_HANDLERS)]);
        let main = dir.join("src/main.rs");
        let mut analysis = IncrementalAnalysis::new(&input, &AnalysisOptions::default());
        let below = ("downstream-without-deadline", "src/main.rs".to_string(), 21);
        assert!(rules_fired(&analysis.report()).contains(&below));
        // The editor opens the file: its text is given once as it is on the disk.
        let outcome = analysis.set_text(&main, TWO_HANDLERS.as_bytes().to_vec());
        assert!(matches!(outcome, EditOutcome::Patched { .. }));
        for typed in [
            "    let _typed = 1;\n",
            "    let _typed = 1;\n    let _more = 2;\n",
        ] {
            let edited = TWO_HANDLERS.replacen(
                "    let client = reqwest::Client::new();\n",
                &format!("{typed}    let client = reqwest::Client::new();\n"),
                1,
            );
            let outcome = analysis.set_text(&main, edited.clone().into_bytes());
            // Nor are the handlers discovered again: discovery read nothing of `first`.
            assert_eq!(
                outcome,
                EditOutcome::Patched {
                    handlers_judged: 1,
                    discovered_again: false
                }
            );
            let lines = typed.matches('\n').count() as u32;
            assert!(rules_fired(&analysis.report()).contains(&(
                below.0,
                below.1.clone(),
                below.2 + lines
            )));
            std::fs::write(&main, &edited).unwrap_or_else(|error| panic!("{error}"));
            let fresh = crate::analyze(&input, &AnalysisOptions::default());
            assert_eq!(
                format!("{:#?}", analysis.report()),
                format!("{fresh:#?}"),
                "before settling"
            );
            assert_same_as_fresh(&mut analysis, &input);
        }
        // The editor's report is the same, but for the path's functions.
        let mut full = analysis.report();
        for handler in &mut full.handlers {
            handler.path_functions.clear();
        }
        assert_eq!(
            format!("{full:#?}"),
            format!("{:#?}", analysis.report_without_paths())
        );
        // Typing back to the text on the disk moves them back.
        let outcome = analysis.set_text(&main, TWO_HANDLERS.as_bytes().to_vec());
        assert!(matches!(
            outcome,
            EditOutcome::Patched {
                handlers_judged: 1,
                ..
            }
        ));
        assert!(rules_fired(&analysis.report()).contains(&below));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Each report shares the answers of the verdicts held instead of copying them (they
    /// were most of what the language server copied for each publication), and settling
    /// the report copies none that it leaves as they are.
    #[test]
    fn reports_share_the_answers_of_the_verdicts_held() {
        let (dir, input) = crate_of("shared", &[("main.rs", TWO_HANDLERS)]);
        let analysis = IncrementalAnalysis::new(&input, &AnalysisOptions::default());
        let (first, second) = (analysis.report_without_paths(), analysis.report());
        assert_eq!(first.handlers.len(), 2);
        for (one, other) in first.handlers.iter().zip(&second.handlers) {
            assert!(
                Arc::ptr_eq(&one.questions, &other.questions),
                "{}",
                one.path
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// An edit inside a helper judges again the handlers whose judgement read it, and only
    /// those; one that changes what the helper calls judges again every handler whose path
    /// reaches the file (a scan of the workspace's calls may now find it).
    #[test]
    fn an_edit_inside_a_helper_judges_again_the_handlers_that_call_it() {
        let (dir, input) = crate_of("helper", &[("main.rs", TWO_HANDLERS)]);
        let main = dir.join("src/main.rs");
        let mut analysis = IncrementalAnalysis::new(&input, &AnalysisOptions::default());
        analysis.set_text(&main, TWO_HANDLERS.as_bytes().to_vec());
        let typed = TWO_HANDLERS.replace(
            "    let request = ",
            "    let _typed = 1;\n    let request = ",
        );
        let outcome = analysis.set_text(&main, typed.clone().into_bytes());
        assert!(matches!(
            outcome,
            EditOutcome::Patched {
                handlers_judged: 1,
                ..
            }
        ));
        std::fs::write(&main, &typed).unwrap_or_else(|error| panic!("{error}"));
        let fresh = crate::analyze(&input, &AnalysisOptions::default());
        assert_eq!(format!("{:#?}", analysis.report()), format!("{fresh:#?}"));

        let bounded = typed.replace(
            ".body(entry.to_string());",
            ".body(entry.to_string())\n        .timeout(std::time::Duration::from_secs(2));",
        );
        let outcome = analysis.set_text(&main, bounded.clone().into_bytes());
        // What the helper calls changed: the handlers are discovered again too.
        assert_eq!(
            outcome,
            EditOutcome::Patched {
                handlers_judged: 2,
                discovered_again: true
            }
        );
        let fired = rules_fired(&analysis.report());
        assert!(!fired
            .iter()
            .any(|(rule, _, line)| *rule == "downstream-without-deadline" && *line > 13));
        assert!(fired.contains(&("downstream-without-deadline", "src/main.rs".to_string(), 11)));
        std::fs::write(&main, &bounded).unwrap_or_else(|error| panic!("{error}"));
        let fresh = crate::analyze(&input, &AnalysisOptions::default());
        assert_eq!(format!("{:#?}", analysis.report()), format!("{fresh:#?}"));
        assert_same_as_fresh(&mut analysis, &input);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_line_edit_is_the_changed_lines_between_what_stays() {
        let edit = LineEdit::between(b"a\nb\nc\n", b"a\nx\nb\nc\n");
        assert_eq!(
            edit,
            LineEdit {
                kept_before: 1,
                old_end: 1,
                new_end: 2,
                old_lines: 4
            }
        );
        let edit = LineEdit::between(b"a\nb\nc", b"a\nB\nc");
        assert_eq!((edit.kept_before, edit.old_end, edit.new_end), (1, 2, 2));
    }

    const CITING_MAIN: &str = r#"mod db;

use axum::extract::State;
use axum::{routing::post, Router};

pub fn app(pool: sqlx::PgPool) -> Router {
    Router::new()
        .route("/api/first", post(first))
        .route("/api/second", post(second))
        .route("/api/third", post(third))
        .with_state(pool)
}

pub async fn first() -> Result<String, reqwest::Error> {
    let client = reqwest::Client::new();
    client.post("http://ledger/first").send().await?.text().await
}

pub async fn second(State(pool): State<sqlx::PgPool>) -> anyhow::Result<()> {
    db::charge_in_transaction(&pool).await
}

pub async fn third(State(pool): State<sqlx::PgPool>) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO orders (id) VALUES (1)")
        .execute(&mut *tx)
        .await?;
    reqwest::Client::new().post("http://psp/charges").send().await?;
    tx.commit().await?;
    Ok(())
}
"#;

    const CITING_DB: &str = r#"//! The ledger's writes.
//!
//! The transaction below opens at line 19, a line that `main.rs` also has, below the
//! statement typed in its `first` handler: the words of `second`'s finding cite line 19
//! of this file, which does not move.
//!
//!
//!
//!
//!
//!
//!
//!
//!
//!
//!

pub async fn charge_in_transaction(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO charges (id) VALUES (1)")
        .execute(&mut *tx)
        .await?;
    reqwest::Client::new().post("http://psp/charges").send().await?;
    tx.commit().await?;
    Ok(())
}
"#;

    /// A verdict whose words cite a line ("the transaction opened in `third` at line 24")
    /// is judged again when that line moves, as its words do not move with its positions;
    /// one whose words cite the same number as a line of another file is moved.
    #[test]
    fn a_verdict_is_judged_again_when_a_line_its_words_cite_moves() {
        let (dir, input) = crate_of("citing", &[("main.rs", CITING_MAIN), ("db.rs", CITING_DB)]);
        let main = dir.join("src/main.rs");
        let mut analysis = IncrementalAnalysis::new(&input, &AnalysisOptions::default());
        let messages: Vec<String> = analysis
            .report()
            .findings
            .iter()
            .filter(|finding| finding.rule == "call-inside-transaction")
            .map(|finding| finding.message.clone())
            .collect();
        for cited in ["`charge_in_transaction` at line 19", "`third` at line 24"] {
            assert!(
                messages.iter().any(|message| message.contains(cited)),
                "{cited} in {messages:?}"
            );
        }
        analysis.set_text(&main, CITING_MAIN.as_bytes().to_vec());
        let edited = CITING_MAIN.replacen(
            "    let client = reqwest::Client::new();\n",
            "    let _typed = 1;\n    let client = reqwest::Client::new();\n",
            1,
        );
        let outcome = analysis.set_text(&main, edited.clone().into_bytes());
        // `first`, whose body changed, and `third`, whose words cite its line 24, now 25;
        // not `second`, whose words cite line 19 of `db.rs`.
        assert!(
            matches!(
                outcome,
                EditOutcome::Patched {
                    handlers_judged: 2,
                    ..
                }
            ),
            "{outcome:?}"
        );
        std::fs::write(&main, &edited).unwrap_or_else(|error| panic!("{error}"));
        let fresh = crate::analyze(&input, &AnalysisOptions::default());
        assert_eq!(
            format!("{:#?}", analysis.report()),
            format!("{fresh:#?}"),
            "before settling"
        );
        assert_same_as_fresh(&mut analysis, &input);
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
        assert!(matches!(
            outcome,
            EditOutcome::Patched {
                handlers_judged: 0,
                ..
            }
        ));
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
