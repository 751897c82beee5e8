//! The analysis thread: it holds the workspace's [`IncrementalAnalysis`], takes the
//! editor's texts and the file system's changes as tasks, and publishes diagnostics after
//! each round. The thread answering requests never waits for it: it reads the latest
//! [`Snapshot`] this thread leaves behind.
//!
//! Debouncing: tasks that arrive while a round runs are taken together by the next round,
//! the last text of each file winning; a round starts as soon as the previous one ends, so
//! a change waits at most for the round in progress. Once the editor has been quiet for
//! [`QUIET_BEFORE_SETTLING`] after a round, the handlers the edit may have changed from
//! outside their path are judged again while no task waits, and what changed is published
//! then: a typist's next keystroke comes sooner, and would otherwise wait for the handler
//! being settled.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lint_core::report::{Level, Report};
use lint_core::{AnalysisInput, AnalysisOptions, IncrementalAnalysis, ProgressObserver};
use lsp_server::{Message, Notification, Request, RequestId};
use lsp_types::notification::{Notification as _, Progress, PublishDiagnostics};
use lsp_types::request::{CodeLensRefresh, WorkDoneProgressCreate};
use lsp_types::{
    Diagnostic, DiagnosticSeverity, NumberOrString, Position, ProgressParams, ProgressParamsValue,
    PublishDiagnosticsParams, Range, Url, WorkDoneProgress, WorkDoneProgressBegin,
    WorkDoneProgressCreateParams, WorkDoneProgressEnd, WorkDoneProgressReport,
};

use super::convert::{self, DiskTexts, Texts};
use super::rule_docs::RuleDocs;
use super::{log, Client};
use crate::config::{self, Config};
use crate::workspace;

/// How long no task must arrive after a round before the analysis settles: longer than
/// the gap between two keystrokes of someone typing, short beside the pause that follows.
const QUIET_BEFORE_SETTLING: Duration = Duration::from_millis(100);

/// What the analysis thread is asked to do.
pub enum Task {
    /// Read the workspace and its configuration again and analyse everything.
    Analyse,
    /// The editor's text of a file.
    Text {
        path: PathBuf,
        text: String,
        version: i32,
    },
    /// The editor closed the file: its text is the disk's again.
    Closed {
        path: PathBuf,
    },
    /// The editor saved the file.
    Saved {
        path: PathBuf,
    },
    /// A file changed on the disk, not through the editor.
    ChangedOnDisk {
        path: PathBuf,
    },
    Stop,
}

/// The latest analysis, as requests read it.
pub struct Snapshot {
    /// `None` until the first analysis finishes.
    pub report: Option<Report>,
}

pub type SharedSnapshot = Arc<Mutex<Arc<Snapshot>>>;

pub fn latest(shared: &SharedSnapshot) -> Arc<Snapshot> {
    Arc::clone(&shared.lock().unwrap_or_else(PoisonError::into_inner))
}

/// A mistake in a configuration or manifest that cannot be read: shown as a diagnostic on
/// its file, at its line (a configuration with several mistakes is several problems).
struct ConfigProblem {
    path: PathBuf,
    diagnostic: Diagnostic,
}

pub struct Worker {
    root: PathBuf,
    client: Client,
    tasks: Receiver<Task>,
    shared: SharedSnapshot,
    docs: Arc<RuleDocs>,
    analysis: Option<IncrementalAnalysis>,
    levels: BTreeMap<String, Level>,
    config_problems: Vec<ConfigProblem>,
    /// The editor's texts and their versions, by file.
    open: HashMap<PathBuf, (String, i32)>,
    /// What was last published for each file.
    published: HashMap<PathBuf, Vec<Diagnostic>>,
    /// The files read to convert columns, kept while they do not change.
    disk_texts: DiskTexts,
    next_request: i32,
}

impl Worker {
    pub fn new(
        root: PathBuf,
        client: Client,
        tasks: Receiver<Task>,
        shared: SharedSnapshot,
        docs: Arc<RuleDocs>,
    ) -> Self {
        Worker {
            root,
            client,
            tasks,
            shared,
            docs,
            analysis: None,
            levels: BTreeMap::new(),
            config_problems: Vec::new(),
            open: HashMap::new(),
            published: HashMap::new(),
            disk_texts: DiskTexts::default(),
            next_request: 0,
        }
    }

    pub fn run(mut self) {
        while let Some(first) = self.next_task() {
            let mut tasks = vec![first];
            tasks.extend(self.tasks.try_iter());
            let stop = tasks.iter().any(|task| matches!(task, Task::Stop));
            self.guarded(|worker| worker.round(tasks));
            if stop {
                break;
            }
        }
    }

    /// Waits for the next task; while the analysis is not settled, settles it once no task
    /// has come for [`QUIET_BEFORE_SETTLING`]. `None` when the server has gone.
    fn next_task(&mut self) -> Option<Task> {
        loop {
            let settled = self
                .analysis
                .as_ref()
                .is_none_or(IncrementalAnalysis::is_settled);
            if settled {
                return self.tasks.recv().ok();
            }
            match self.tasks.recv_timeout(QUIET_BEFORE_SETTLING) {
                Ok(task) => return Some(task),
                Err(RecvTimeoutError::Timeout) => self.guarded(Worker::settle),
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Runs `work`, catching a panic: it is logged to the client, and the workspace is
    /// analysed again, since what the analysis held may be half updated.
    fn guarded(&mut self, work: impl FnOnce(&mut Worker)) {
        let outcome = catch_unwind(AssertUnwindSafe(|| work(self)));
        if let Err(panic) = outcome {
            log(
                &self.client.sender,
                &format!(
                    "failfirst: internal error while analysing ({}); analysing the workspace again",
                    super::panic_text(&panic)
                ),
            );
            // Start again from the disk and the editor's texts.
            self.analysis = None;
            let _ = catch_unwind(AssertUnwindSafe(|| self.round(vec![Task::Analyse])));
        }
    }

    fn round(&mut self, tasks: Vec<Task>) {
        let mut analyse_all = self.analysis.is_none();
        // The files this round must publish, changed or not, and the last change of each.
        let mut touched: BTreeSet<PathBuf> = BTreeSet::new();
        let mut edits: BTreeMap<PathBuf, Edit> = BTreeMap::new();
        for task in tasks {
            match task {
                Task::Analyse => analyse_all = true,
                Task::Text {
                    path,
                    text,
                    version,
                } => {
                    self.open.insert(path.clone(), (text, version));
                    touched.insert(path.clone());
                    edits.insert(path, Edit::Text);
                }
                Task::Closed { path } => {
                    self.open.remove(&path);
                    touched.insert(path.clone());
                    edits.insert(path, Edit::Disk);
                }
                Task::Saved { path } => {
                    touched.insert(path);
                }
                Task::ChangedOnDisk { path } => {
                    if !self.open.contains_key(&path) {
                        edits.insert(path, Edit::Disk);
                    }
                }
                Task::Stop => {}
            }
        }
        if analyse_all {
            self.analyse_all();
            touched.extend(self.open.keys().cloned());
        } else if let Some(analysis) = &mut self.analysis {
            for (path, edit) in edits {
                match (edit, self.open.get(&path)) {
                    (Edit::Text, Some((text, _))) => {
                        analysis.set_text(&path, text.clone().into_bytes());
                    }
                    _ => {
                        analysis.forget_text(&path);
                    }
                }
            }
        }
        self.publish(&touched);
    }

    /// Judges again the handlers an edit may have changed without reaching them (see
    /// [`IncrementalAnalysis::settle`]), then publishes what changed. It gives way to the
    /// next task: what is left is settled once the editor is quiet again.
    fn settle(&mut self) {
        let Some(analysis) = &mut self.analysis else {
            return;
        };
        if analysis.is_settled() {
            return;
        }
        let tasks = &self.tasks;
        if analysis.settle(&|| !tasks.is_empty()) {
            self.publish(&BTreeSet::new());
        }
    }

    /// Reads the workspace and its configuration, and analyses it with `$/progress` shown.
    /// A configuration or manifest that cannot be read keeps the last good analysis and is
    /// reported on its file.
    fn analyse_all(&mut self) {
        let (input, mut config, problems) = load_workspace(&self.root);
        for problem in &problems {
            log(
                &self.client.sender,
                &format!(
                    "failfirst: {}: {}",
                    problem.path.display(),
                    problem.diagnostic.message
                ),
            );
        }
        let keep_last = !problems.is_empty() && self.analysis.is_some();
        self.config_problems = problems;
        if keep_last {
            return;
        }
        let token = NumberOrString::String("failfirst/analysis".to_string());
        let progress = self.client.work_done_progress.then(|| {
            self.request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                token: token.clone(),
            });
            self.progress(
                &token,
                WorkDoneProgress::Begin(WorkDoneProgressBegin {
                    title: "failfirst".to_string(),
                    message: Some("analysing the workspace".to_string()),
                    percentage: Some(0),
                    cancellable: Some(false),
                }),
            );
            progress_observer(self.client.sender.clone(), token.clone())
        });
        self.levels = std::mem::take(&mut config.levels);
        let mut analysis = IncrementalAnalysis::new(
            &input,
            &AnalysisOptions {
                threads: None,
                knowledge: Arc::new(std::mem::take(&mut config.knowledge)),
                progress,
                max_file_bytes: config.max_file_bytes,
                max_path_steps: config.max_path_steps,
            },
        );
        for (path, (text, _)) in &self.open {
            analysis.set_text(path, text.clone().into_bytes());
        }
        self.analysis = Some(analysis);
        if self.client.work_done_progress {
            self.progress(
                &token,
                WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some("done".to_string()),
                }),
            );
        }
        if self.client.code_lens_refresh {
            self.request::<CodeLensRefresh>(());
        }
    }

    /// Leaves the report for requests, then publishes the diagnostics of every file in
    /// `touched`, and of every other file whose diagnostics changed.
    fn publish(&mut self, touched: &BTreeSet<PathBuf>) {
        let mut report = self
            .analysis
            .as_ref()
            .map(IncrementalAnalysis::report_without_paths);
        if let Some(report) = &mut report {
            crate::apply_levels(report, &self.levels);
        }
        let mut texts = Texts::new(&self.open, &mut self.disk_texts);
        let mut by_file = match &report {
            Some(report) => convert::diagnostics(
                report,
                &self.root,
                &mut texts,
                self.client.encoding,
                &self.docs,
            ),
            None => BTreeMap::new(),
        };
        for problem in &self.config_problems {
            by_file
                .entry(problem.path.clone())
                .or_default()
                .push(problem.diagnostic.clone());
        }
        // Requests read the new report before the client hears of it: one that follows a
        // publication (a code lens, the score) sees what the publication shows.
        let previous = std::mem::replace(
            &mut *self.shared.lock().unwrap_or_else(PoisonError::into_inner),
            Arc::new(Snapshot { report }),
        );
        // A whole report is many small allocations: freed beside the publication rather
        // than before it (a request may still hold it, and then frees it itself).
        let _ = std::thread::Builder::new().spawn(move || drop(previous));
        let mut files: BTreeSet<PathBuf> = self.published.keys().cloned().collect();
        files.extend(by_file.keys().cloned());
        files.extend(touched.iter().cloned());
        for path in files {
            let diagnostics = by_file.remove(&path).unwrap_or_default();
            let unchanged = self.published.get(&path) == Some(&diagnostics);
            if unchanged && !touched.contains(&path) {
                continue;
            }
            let Ok(uri) = Url::from_file_path(&path) else {
                continue;
            };
            let version = self.open.get(&path).map(|(_, version)| *version);
            self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                uri,
                diagnostics: diagnostics.clone(),
                version,
            });
            if diagnostics.is_empty() {
                self.published.remove(&path);
            } else {
                self.published.insert(path, diagnostics);
            }
        }
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        let _ = self
            .client
            .sender
            .send(Message::Notification(Notification::new(
                N::METHOD.to_string(),
                params,
            )));
    }

    fn request<R: lsp_types::request::Request>(&mut self, params: R::Params) {
        self.next_request += 1;
        let id = RequestId::from(format!("failfirst/{}", self.next_request));
        let _ = self.client.sender.send(Message::Request(Request::new(
            id,
            R::METHOD.to_string(),
            params,
        )));
    }

    fn progress(&self, token: &NumberOrString, value: WorkDoneProgress) {
        self.notify::<Progress>(ProgressParams {
            token: token.clone(),
            value: ProgressParamsValue::WorkDone(value),
        });
    }
}

#[derive(Clone, Copy)]
enum Edit {
    /// Take the editor's text.
    Text,
    /// Read the disk again.
    Disk,
}

/// Reports parsing progress in whole percents, from the parsing threads.
fn progress_observer(sender: Sender<Message>, token: NumberOrString) -> ProgressObserver {
    let last_percent = AtomicU32::new(0);
    ProgressObserver(Arc::new(move |parsed, total| {
        let percent = (parsed * 100 / total.max(1)) as u32;
        if last_percent.fetch_max(percent, Ordering::Relaxed) < percent {
            let params = ProgressParams {
                token: token.clone(),
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::Report(
                    WorkDoneProgressReport {
                        message: Some(format!("parsed {parsed} of {total} files")),
                        percentage: Some(percent),
                        cancellable: Some(false),
                    },
                )),
            };
            let _ = sender.send(Message::Notification(Notification::new(
                Progress::METHOD.to_string(),
                params,
            )));
        }
    }))
}

/// The crates of the workspace at `root` (every member, as `--workspace`) with its
/// migrations, its configuration, and what could not be read: a broken manifest leaves the
/// crates of the folder's files, a broken configuration the default one and each of its
/// mistakes.
fn load_workspace(root: &Path) -> (AnalysisInput, Config, Vec<ConfigProblem>) {
    let selection = workspace::Selection {
        manifest_path: None,
        packages: &[],
        workspace: true,
    };
    let mut problems = Vec::new();
    let (start, workspace) = match workspace::read_workspace(root, &selection) {
        Ok(workspace) => (workspace.config_start(), Some(workspace)),
        Err(error) => {
            if root.join("Cargo.toml").is_file() {
                problems.push(manifest_problem(root, &error.0));
            }
            (root.to_path_buf(), None)
        }
    };
    let located = config::locate(&start, root).and_then(|location| match location {
        Some(location) => config::load(&location, root),
        None => Ok(Config::default()),
    });
    let config = match located {
        Ok(config) => config,
        Err(error) => {
            let position = |(line, column): (usize, usize)| {
                Position::new(
                    line.saturating_sub(1) as u32,
                    column.saturating_sub(1) as u32,
                )
            };
            // A broken manifest is the problem to mend first: the configuration was looked
            // for from the root instead of the crate's folder.
            if problems.is_empty() {
                problems.extend(error.mistakes().map(|mistake| {
                    let (start, end) = mistake.place().unwrap_or(((1, 1), (1, 1)));
                    ConfigProblem {
                        path: convert::path_of(root, mistake.file()),
                        diagnostic: config_diagnostic(
                            Range::new(position(start), position(end)),
                            mistake.describe(),
                        ),
                    }
                }));
                // In the order of the file, as the editor lists them.
                problems.sort_by_key(|problem| {
                    let start = problem.diagnostic.range.start;
                    (problem.path.clone(), start.line, start.character)
                });
            }
            Config::default()
        }
    };
    let crates = match workspace {
        Some(workspace) => workspace.crates(root, &config.exclusions),
        None => workspace::crates_of_paths(root, &[root.to_path_buf()], &config.exclusions)
            .map(|found| found.crates)
            .unwrap_or_default(),
    };
    let schema_sources = crate::migrations::schema_sources(
        &[root.to_path_buf()],
        &[],
        root,
        &config.exclusions,
        config
            .max_file_bytes
            .unwrap_or(lint_core::DEFAULT_MAX_FILE_BYTES),
    );
    let input = AnalysisInput {
        crates,
        schema_sources,
    };
    (input, config, problems)
}

/// A manifest cargo cannot read: the diagnostic goes on the manifest cargo names (else the
/// root's), at the TOML mistake when there is one.
fn manifest_problem(root: &Path, cargo_says: &str) -> ConfigProblem {
    let named = cargo_says
        .split('`')
        .find(|part| part.ends_with("Cargo.toml"))
        .map(PathBuf::from)
        .filter(|path| path.is_file());
    let path = named.unwrap_or_else(|| root.join("Cargo.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let (range, message) = match text.parse::<toml::Table>() {
        Err(error) => {
            let span = error.span().unwrap_or(0..0);
            let position = |offset: usize| {
                let before = &text[..offset.min(text.len())];
                let line = before.matches('\n').count() as u32;
                let column = before[before.rfind('\n').map_or(0, |at| at + 1)..]
                    .encode_utf16()
                    .count() as u32;
                Position::new(line, column)
            };
            (
                Range::new(position(span.start), position(span.end)),
                format!("invalid TOML: {}", error.message()),
            )
        }
        Ok(_) => (
            Range::default(),
            cargo_says
                .trim_start_matches("cannot read the cargo workspace: ")
                .to_string(),
        ),
    };
    ConfigProblem {
        path,
        diagnostic: config_diagnostic(range, message),
    }
}

fn config_diagnostic(range: Range, message: String) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("configuration".to_string())),
        source: Some("failfirst".to_string()),
        message: format!("{message}\nfailfirst keeps the last configuration it could read"),
        ..Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_core::EditOutcome;

    /// Edits that keep a file parsing and its items named as they were, but change what the
    /// rules see: a client's timeout, an upsert's guard, a forwarded key, an enclosing
    /// timeout, a transaction, a retry's delay.
    const EDITS: &[(&str, &str)] = &[
        (".timeout(", ".timeout_gone("),
        ("ON CONFLICT", "ON_CONFLICT_GONE"),
        ("Idempotency-Key", "X-Not-A-Key"),
        ("time::timeout(", "time::timeout_gone("),
        (".begin()", ".begin_gone()"),
        ("sleep(", "sleep_gone("),
    ];

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{error}"))
    }

    fn write(path: &Path, text: &str) {
        std::fs::write(path, text).unwrap_or_else(|error| panic!("{error}"));
    }

    /// What the server holds after an edit, once settled, is what `cargo failfirst` gives
    /// for the edited files, and the edited file's findings are already that before
    /// settling: on every rule's fixture, for every file and every edit of [`EDITS`] it
    /// holds.
    #[test]
    fn every_edit_of_every_rule_fixture_matches_a_fresh_run() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rules");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&fixtures)
            .unwrap_or_else(|error| panic!("{error}"))
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.join("Cargo.toml").is_file())
            .collect();
        names.sort();
        let mut compared = 0;
        for fixture in names {
            let name = fixture
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let root = std::env::temp_dir().join(format!(
                "failfirst-lsp-settle-{name}-{}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&root);
            failfirst_e2e::copy_tree(&fixture, &root);
            let root = root
                .canonicalize()
                .unwrap_or_else(|error| panic!("{error}"));
            let (input, config, problems) = load_workspace(&root);
            assert!(problems.is_empty(), "{name}: the workspace does not load");
            let options = AnalysisOptions {
                threads: Some(1),
                knowledge: Arc::new(config.knowledge),
                progress: None,
                max_file_bytes: config.max_file_bytes,
                max_path_steps: config.max_path_steps,
            };
            let fresh = || format!("{:#?}", lint_core::analyze(&input, &options));
            let mut analysis = IncrementalAnalysis::new(&input, &options);
            let files: Vec<(PathBuf, String)> = input
                .crates
                .iter()
                .flat_map(|crate_input| {
                    crate_input
                        .files
                        .iter()
                        .map(|file| (file.path.clone(), file.display_path.clone()))
                })
                .collect();
            let findings_in = |report: &Report, display: &str| {
                let findings: Vec<_> = report
                    .findings
                    .iter()
                    .filter(|finding| finding.file == display)
                    .collect();
                format!("{findings:#?}")
            };
            for (file, display) in &files {
                let original = read(file);
                for (from, to) in EDITS {
                    if !original.contains(from) {
                        continue;
                    }
                    let edited = original.replace(from, to);
                    let outcome = analysis.set_text(file, edited.clone().into_bytes());
                    assert_ne!(outcome, EditOutcome::ParseError, "{}", file.display());
                    write(file, &edited);
                    let expected = lint_core::analyze(&input, &options);
                    // Before settling, the edited file's findings are already right.
                    assert_eq!(
                        findings_in(&analysis.report(), display),
                        findings_in(&expected, display),
                        "{name}: {} with `{from}` made `{to}`, judged at once",
                        file.display()
                    );
                    assert!(analysis.settle(&|| false));
                    assert_eq!(
                        format!("{:#?}", analysis.report()),
                        format!("{expected:#?}"),
                        "{name}: {} with `{from}` made `{to}`",
                        file.display()
                    );
                    write(file, &original);
                    analysis.set_text(file, original.clone().into_bytes());
                    compared += 1;
                }
            }
            assert!(analysis.settle(&|| false));
            assert_eq!(format!("{:#?}", analysis.report()), fresh(), "{name}");
            let _ = std::fs::remove_dir_all(&root);
        }
        assert!(compared >= 30, "only {compared} edits compared");
    }

    /// Typing a statement at the top of a function's body moves every line below it: the
    /// handlers the edit does not change keep their verdicts, moved. Before settling, the
    /// edited file's findings and handlers are those of a fresh run, and the whole report
    /// is once settled: on every rule's fixture, for every function of every file.
    #[test]
    fn a_line_typed_in_any_function_of_a_rule_fixture_matches_a_fresh_run() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rules");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&fixtures)
            .unwrap_or_else(|error| panic!("{error}"))
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.join("Cargo.toml").is_file())
            .collect();
        names.sort();
        let mut compared = 0;
        let mut kept = 0;
        let mut discovery_kept = 0;
        for fixture in names {
            let name = fixture
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let root = std::env::temp_dir()
                .join(format!("failfirst-lsp-typed-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            failfirst_e2e::copy_tree(&fixture, &root);
            let root = root
                .canonicalize()
                .unwrap_or_else(|error| panic!("{error}"));
            let (input, config, problems) = load_workspace(&root);
            assert!(problems.is_empty(), "{name}: the workspace does not load");
            let options = AnalysisOptions {
                threads: Some(1),
                knowledge: Arc::new(config.knowledge),
                progress: None,
                max_file_bytes: config.max_file_bytes,
                max_path_steps: config.max_path_steps,
            };
            let mut analysis = IncrementalAnalysis::new(&input, &options);
            let files: Vec<(PathBuf, String)> = input
                .crates
                .iter()
                .flat_map(|crate_input| {
                    crate_input
                        .files
                        .iter()
                        .map(|file| (file.path.clone(), file.display_path.clone()))
                })
                .collect();
            let in_file = |report: &Report, display: &str| {
                let findings: Vec<_> = report
                    .findings
                    .iter()
                    .filter(|finding| finding.file == display)
                    .collect();
                let handlers: Vec<_> = report
                    .handlers
                    .iter()
                    .filter(|handler| handler.file == display)
                    .collect();
                format!("{findings:#?}\n{handlers:#?}")
            };
            for (file, display) in &files {
                let original = read(file);
                // The editor opens the file.
                analysis.set_text(file, original.clone().into_bytes());
                let lines: Vec<&str> = original.split('\n').collect();
                let bodies = lines.iter().enumerate().filter(|(_, line)| {
                    let line = line.trim_start();
                    (line.starts_with("fn ")
                        || line.starts_with("pub fn ")
                        || line.starts_with("async fn ")
                        || line.starts_with("pub async fn "))
                        && line.trim_end().ends_with('{')
                });
                for (at, _) in bodies {
                    let mut edited_lines = lines.clone();
                    edited_lines.insert(at + 1, "    let _failfirst_typed = 1;");
                    let edited = edited_lines.join("\n");
                    let outcome = analysis.set_text(file, edited.clone().into_bytes());
                    assert_ne!(outcome, EditOutcome::ParseError, "{}", file.display());
                    if let EditOutcome::Patched {
                        handlers_judged,
                        discovered_again,
                    } = outcome
                    {
                        discovery_kept += usize::from(!discovered_again);
                        let in_the_file = analysis
                            .report()
                            .handlers
                            .iter()
                            .filter(|handler| &handler.file == display)
                            .count();
                        kept += in_the_file.saturating_sub(handlers_judged);
                    }
                    write(file, &edited);
                    let expected = lint_core::analyze(&input, &options);
                    assert_eq!(
                        in_file(&analysis.report(), display),
                        in_file(&expected, display),
                        "{name}: {} with a line typed after line {}, judged at once",
                        file.display(),
                        at + 1
                    );
                    assert!(analysis.settle(&|| false));
                    assert_eq!(
                        format!("{:#?}", analysis.report()),
                        format!("{expected:#?}"),
                        "{name}: {} with a line typed after line {}",
                        file.display(),
                        at + 1
                    );
                    write(file, &original);
                    analysis.set_text(file, original.clone().into_bytes());
                    compared += 1;
                }
                analysis.forget_text(file);
            }
            let _ = std::fs::remove_dir_all(&root);
        }
        assert!(compared >= 100, "only {compared} edits compared");
        assert!(kept > 0, "no verdict was kept");
        assert!(
            discovery_kept > 0,
            "the handlers were discovered again on every edit"
        );
    }
}
