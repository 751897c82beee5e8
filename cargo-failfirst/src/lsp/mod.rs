//! `cargo failfirst lsp`: the language server, over standard input and output, on
//! `lsp-server` (the protocol's framing and message loop) and `lsp-types` (its messages).
//!
//! Two threads share the work. This one reads every message and answers requests at once
//! from the latest analysis ([`worker::Snapshot`]) and the editor's texts it keeps; the
//! analysis thread ([`worker`]) holds the workspace's analysis, takes each change, and
//! publishes diagnostics. So a request is never blocked behind an analysis, and the first,
//! whole-workspace analysis runs in the background with `$/progress`.
//!
//! A panic while answering a request or a notification is caught: the request gets an
//! error, the client a log message, and the server goes on.
//!
//! May import: `config`, `display`, `migrations`, `output`, `workspace`.

mod convert;
mod features;
mod rule_docs;
mod worker;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crossbeam_channel::Sender;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, LogMessage, Notification as _, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, CodeLensRequest, ExecuteCommand, HoverRequest, RegisterCapability,
    Request as _, ShowDocument,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CodeLensOptions,
    DidChangeWatchedFilesRegistrationOptions, ExecuteCommandOptions, FileChangeType,
    FileSystemWatcher, GlobPattern, HoverProviderCapability, InitializeParams, InitializeResult,
    LogMessageParams, MessageType, Registration, RegistrationParams, ServerCapabilities,
    ServerInfo, ShowDocumentParams, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};

use convert::Encoding;
use features::{COMMAND_CARD, COMMAND_EXPLAIN, COMMAND_SCORE};
use rule_docs::RuleDocs;
use worker::{SharedSnapshot, Snapshot, Task, Worker};

/// A hidden command that panics, honoured only when this variable is set: the end-to-end
/// tests use it to prove that a panic inside a request leaves the server running.
const PANIC_COMMAND: &str = "failfirst.internal.panic";
const PANIC_COMMAND_VARIABLE: &str = "FAILFIRST_LSP_ALLOW_PANIC_COMMAND";

/// What the client can do, as far as the server cares, and the way to it.
#[derive(Clone)]
pub struct Client {
    pub sender: Sender<Message>,
    pub encoding: Encoding,
    pub work_done_progress: bool,
    pub code_lens_refresh: bool,
    pub show_document: bool,
}

/// Runs the server until the client says `exit`; returns the process's exit code.
pub fn serve(cwd: &Path) -> i32 {
    let (connection, io_threads) = Connection::stdio();
    let outcome = run(&connection, cwd);
    drop(connection);
    let joined = io_threads.join();
    match (outcome, joined) {
        (Ok(()), Ok(())) => crate::EXIT_OK,
        (Err(error), _) => {
            eprintln!("error: the language server stopped: {error}");
            crate::EXIT_ERROR
        }
        (_, Err(error)) => {
            eprintln!("error: the language server's input or output failed: {error}");
            crate::EXIT_ERROR
        }
    }
}

fn run(connection: &Connection, cwd: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let root = workspace_root(&params).unwrap_or_else(|| cwd.to_path_buf());
    let root = root.canonicalize().unwrap_or(root);
    let capabilities = &params.capabilities;
    let client = Client {
        sender: connection.sender.clone(),
        encoding: Encoding::negotiate(capabilities),
        work_done_progress: capabilities
            .window
            .as_ref()
            .and_then(|window| window.work_done_progress)
            .unwrap_or(false),
        code_lens_refresh: capabilities
            .workspace
            .as_ref()
            .and_then(|workspace| workspace.code_lens.as_ref())
            .and_then(|code_lens| code_lens.refresh_support)
            .unwrap_or(false),
        show_document: capabilities
            .window
            .as_ref()
            .and_then(|window| window.show_document.as_ref())
            .is_some_and(|show| show.support),
    };
    let watch_dynamically = capabilities
        .workspace
        .as_ref()
        .and_then(|workspace| workspace.did_change_watched_files.as_ref())
        .and_then(|watched| watched.dynamic_registration)
        .unwrap_or(false);
    let result = InitializeResult {
        capabilities: server_capabilities(client.encoding),
        server_info: Some(ServerInfo {
            name: "failfirst".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;

    let docs = Arc::new(RuleDocs::write());
    let shared: SharedSnapshot = Arc::new(Mutex::new(Arc::new(Snapshot { report: None })));
    let (tasks, task_receiver) = crossbeam_channel::unbounded();
    let worker = Worker::new(
        root.clone(),
        client.clone(),
        task_receiver,
        Arc::clone(&shared),
        Arc::clone(&docs),
    );
    let worker = std::thread::Builder::new()
        .name("failfirst-analysis".to_string())
        .spawn(move || worker.run())?;
    let _ = tasks.send(Task::Analyse);
    let mut server = Server {
        root,
        client,
        tasks,
        shared,
        docs,
        documents: HashMap::new(),
        next_request: 0,
    };
    if watch_dynamically {
        server.watch_files();
    }
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    break;
                }
                let id = request.id.clone();
                let method = request.method.clone();
                let response = catch_unwind(AssertUnwindSafe(|| server.answer(request)))
                    .unwrap_or_else(|panic| {
                        let message = format!(
                            "failfirst: internal error while answering {method}: {}",
                            panic_text(&panic)
                        );
                        log(&server.client.sender, &message);
                        Response::new_err(id, ErrorCode::InternalError as i32, message)
                    });
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    break;
                }
                let method = notification.method.clone();
                if let Err(panic) = catch_unwind(AssertUnwindSafe(|| server.take(notification))) {
                    log(
                        &server.client.sender,
                        &format!(
                            "failfirst: internal error while taking {method}: {}",
                            panic_text(&panic)
                        ),
                    );
                }
            }
            // Answers to the server's own requests (progress tokens, refreshes): nothing
            // waits for them.
            Message::Response(_) => {}
        }
    }
    let _ = server.tasks.send(Task::Stop);
    let _ = worker.join();
    Ok(())
}

fn server_capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: [COMMAND_SCORE, COMMAND_EXPLAIN, COMMAND_CARD]
                .iter()
                .map(|command| command.to_string())
                .collect(),
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// The first workspace folder, else the root URI, else the root path.
#[allow(deprecated)] // root_uri and root_path are what older clients send
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .and_then(|folder| folder.uri.to_file_path().ok())
        .or_else(|| {
            params
                .root_uri
                .as_ref()
                .and_then(|uri| uri.to_file_path().ok())
        })
        .or_else(|| params.root_path.as_ref().map(PathBuf::from))
}

/// An open document: the editor's text.
struct Document {
    text: String,
}

struct Server {
    root: PathBuf,
    client: Client,
    tasks: Sender<Task>,
    shared: SharedSnapshot,
    docs: Arc<RuleDocs>,
    documents: HashMap<PathBuf, Document>,
    next_request: i32,
}

impl Server {
    fn answer(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => self.hover(request),
            CodeLensRequest::METHOD => self.code_lenses(request),
            CodeActionRequest::METHOD => self.code_actions(request),
            ExecuteCommand::METHOD => self.execute(request),
            method => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("failfirst does not answer {method}"),
                )
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
        }
    }

    /// The latest report and the text of the document at `uri`, when both are there.
    fn report_and_text(&self, uri: &Url) -> Option<(Arc<Snapshot>, PathBuf, String)> {
        let path = uri.to_file_path().ok()?;
        let snapshot = worker::latest(&self.shared);
        snapshot.report.as_ref()?;
        let text = match self.documents.get(&path) {
            Some(document) => document.text.clone(),
            None => String::from_utf8_lossy(&std::fs::read(&path).ok()?).into_owned(),
        };
        Some((snapshot, path, text))
    }

    fn hover(&self, request: Request) -> Result<serde_json::Value, String> {
        let params: lsp_types::HoverParams = parse(request)?;
        let at = params.text_document_position_params;
        let hover =
            self.report_and_text(&at.text_document.uri)
                .and_then(|(snapshot, path, text)| {
                    features::hover(
                        snapshot.report.as_ref()?,
                        &self.root,
                        &path,
                        &text,
                        at.position,
                        self.client.encoding,
                    )
                });
        Ok(serde_json::to_value(hover).unwrap_or_default())
    }

    fn code_lenses(&self, request: Request) -> Result<serde_json::Value, String> {
        let params: lsp_types::CodeLensParams = parse(request)?;
        let lenses = self
            .report_and_text(&params.text_document.uri)
            .and_then(|(snapshot, path, text)| {
                Some(features::code_lenses(
                    snapshot.report.as_ref()?,
                    &self.root,
                    &path,
                    &text,
                    self.client.encoding,
                ))
            })
            .unwrap_or_default();
        Ok(serde_json::to_value(lenses).unwrap_or_default())
    }

    fn code_actions(&self, request: Request) -> Result<serde_json::Value, String> {
        let params: lsp_types::CodeActionParams = parse(request)?;
        let uri = &params.text_document.uri;
        let actions = self
            .report_and_text(uri)
            .and_then(|(snapshot, _, text)| {
                Some(features::code_actions(
                    snapshot.report.as_ref()?,
                    &self.root,
                    uri,
                    &text,
                    params.range,
                    &params.context.diagnostics,
                    &self.docs,
                ))
            })
            .unwrap_or_default();
        Ok(serde_json::to_value(actions).unwrap_or_default())
    }

    fn execute(&mut self, request: Request) -> Result<serde_json::Value, String> {
        let params: lsp_types::ExecuteCommandParams = parse(request)?;
        let first_argument = params
            .arguments
            .first()
            .and_then(|argument| argument.as_str())
            .map(str::to_string);
        let snapshot = worker::latest(&self.shared);
        match params.command.as_str() {
            COMMAND_SCORE => {
                let Some(report) = &snapshot.report else {
                    self.show(
                        MessageType::INFO,
                        "failfirst: still analysing the workspace",
                    );
                    return Ok(serde_json::Value::Null);
                };
                let text = score_text(report);
                self.show(MessageType::INFO, &text);
                Ok(serde_json::json!({
                    "score": report.summary.score,
                    "unknown_rate": report.summary.unknown_rate,
                    "handlers": report.summary.handlers,
                    "message": text,
                }))
            }
            COMMAND_EXPLAIN => {
                let rule = first_argument.ok_or("failfirst.explain takes a rule's name")?;
                let found = lint_core::rules::find_rule(&rule)
                    .ok_or_else(|| format!("unknown rule `{rule}`"))?;
                match self
                    .docs
                    .url(found.name)
                    .filter(|_| self.client.show_document)
                {
                    Some(uri) => self.request::<ShowDocument>(ShowDocumentParams {
                        uri,
                        external: Some(false),
                        take_focus: Some(true),
                        selection: None,
                    }),
                    None => self.show(MessageType::INFO, &crate::explain_text(found)),
                }
                Ok(serde_json::Value::Null)
            }
            COMMAND_CARD => {
                let wanted = first_argument.ok_or("failfirst.card takes a handler's path")?;
                let Some(report) = &snapshot.report else {
                    return Ok(serde_json::Value::Null);
                };
                let handler = report
                    .handlers
                    .iter()
                    .find(|handler| handler.path == wanted)
                    .ok_or_else(|| format!("no handler `{wanted}`"))?;
                let card = crate::output::cards::render(
                    report,
                    &[handler],
                    &crate::output::style::Paint::new(false),
                );
                self.show(MessageType::INFO, &card);
                Ok(serde_json::Value::String(card))
            }
            PANIC_COMMAND if std::env::var_os(PANIC_COMMAND_VARIABLE).is_some() => {
                panic!("asked to panic by {PANIC_COMMAND}")
            }
            command => Err(format!("unknown command `{command}`")),
        }
    }

    fn take(&mut self, notification: Notification) {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(
                    notification.params,
                ) else {
                    return;
                };
                let document = params.text_document;
                if let Ok(path) = document.uri.to_file_path() {
                    self.documents.insert(
                        path.clone(),
                        Document {
                            text: document.text.clone(),
                        },
                    );
                    let _ = self.tasks.send(Task::Text {
                        path,
                        text: document.text,
                        version: document.version,
                    });
                }
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(
                    notification.params,
                ) else {
                    return;
                };
                let Ok(path) = params.text_document.uri.to_file_path() else {
                    return;
                };
                let document = self
                    .documents
                    .entry(path.clone())
                    .or_insert_with(|| Document {
                        text: String::new(),
                    });
                for change in params.content_changes {
                    apply_change(&mut document.text, change, self.client.encoding);
                }
                let _ = self.tasks.send(Task::Text {
                    path,
                    text: document.text.clone(),
                    version: params.text_document.version,
                });
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(
                    notification.params,
                ) {
                    if let Ok(path) = params.text_document.uri.to_file_path() {
                        let _ = self.tasks.send(Task::Saved { path });
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(
                    notification.params,
                ) {
                    if let Ok(path) = params.text_document.uri.to_file_path() {
                        self.documents.remove(&path);
                        let _ = self.tasks.send(Task::Closed { path });
                    }
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(
                    notification.params,
                ) {
                    self.files_changed(params.changes);
                }
            }
            _ => {}
        }
    }

    /// New, deleted or renamed Rust files change the crates' files, and a manifest, the
    /// configuration, a migration or a `.proto` file their reading: the workspace is read and analysed again.
    /// A Rust file changed on the disk is read again.
    fn files_changed(&mut self, changes: Vec<lsp_types::FileEvent>) {
        let mut analyse = false;
        let mut changed = Vec::new();
        for change in changes {
            let Ok(path) = change.uri.to_file_path() else {
                continue;
            };
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or("");
            // Migrations hold the unique keys the schema gives, `.proto` files the gRPC
            // contracts.
            let schema = path
                .extension()
                .is_some_and(|extension| extension == "sql" || extension == "proto");
            if name == "Cargo.toml" || name == crate::config::CONFIG_FILE_NAME || schema {
                analyse = true;
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                if change.typ == FileChangeType::CHANGED {
                    changed.push(path);
                } else {
                    analyse = true;
                }
            }
        }
        // Analysing again reads every file from the disk: the changed ones with them.
        if analyse {
            let _ = self.tasks.send(Task::Analyse);
        } else {
            for path in changed {
                let _ = self.tasks.send(Task::ChangedOnDisk { path });
            }
        }
    }

    /// Asks the client to tell the server of changes to Rust files, manifests, the
    /// configuration, migrations and `.proto` files.
    fn watch_files(&mut self) {
        let watchers = [
            "**/*.rs",
            "**/Cargo.toml",
            "**/failfirst.toml",
            "**/*.sql",
            "**/*.proto",
        ]
        .iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        self.request::<RegisterCapability>(RegistrationParams {
            registrations: vec![Registration {
                id: "failfirst/watched-files".to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        });
    }

    fn show(&self, typ: MessageType, message: &str) {
        let _ = self
            .client
            .sender
            .send(Message::Notification(Notification::new(
                ShowMessage::METHOD.to_string(),
                ShowMessageParams {
                    typ,
                    message: message.to_string(),
                },
            )));
    }

    fn request<R: lsp_types::request::Request>(&mut self, params: R::Params) {
        self.next_request += 1;
        let id = RequestId::from(format!("failfirst/main/{}", self.next_request));
        let _ = self.client.sender.send(Message::Request(Request::new(
            id,
            R::METHOD.to_string(),
            params,
        )));
    }
}

fn parse<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, String> {
    serde_json::from_value(request.params)
        .map_err(|error| format!("invalid parameters for {}: {error}", request.method))
}

/// The team score as a sentence, with the share of each question.
fn score_text(report: &lint_core::report::Report) -> String {
    let summary = &report.summary;
    if summary.handlers == 0 {
        return "failfirst: no handler found, so no score".to_string();
    }
    let passing = |question: usize| {
        let count = report
            .handlers
            .iter()
            .filter(|handler| {
                matches!(
                    handler.questions.all()[question].verdict,
                    lint_core::report::Verdict::Pass | lint_core::report::Verdict::NotApplicable
                )
            })
            .count();
        (count as f64 * 1000.0 / summary.handlers as f64).round() / 10.0
    };
    format!(
        "failfirst: team score {:.1}% of {} handlers pass all four questions (unknown {:.1}%) · Q1 {:.1}% · Q2 {:.1}% · Q3 {:.1}% · Q4 {:.1}%",
        summary.score,
        summary.handlers,
        summary.unknown_rate,
        passing(0),
        passing(1),
        passing(2),
        passing(3)
    )
}

/// Applies one content change: the whole text, or a range of it.
fn apply_change(
    text: &mut String,
    change: lsp_types::TextDocumentContentChangeEvent,
    encoding: Encoding,
) {
    let Some(range) = change.range else {
        *text = change.text;
        return;
    };
    let offset = |position: lsp_types::Position| -> usize {
        let mut offset = 0;
        for (number, line) in text.split_inclusive('\n').enumerate() {
            if number == position.line as usize {
                let chars = encoding.char_index(line, position.character);
                return offset
                    + line
                        .char_indices()
                        .nth(chars)
                        .map_or(line.len(), |(at, _)| at);
            }
            offset += line.len();
        }
        text.len()
    };
    let start = offset(range.start);
    let end = offset(range.end).max(start);
    text.replace_range(start..end, &change.text);
}

/// Tells the client's log.
pub(crate) fn log(sender: &Sender<Message>, message: &str) {
    let _ = sender.send(Message::Notification(Notification::new(
        LogMessage::METHOD.to_string(),
        LogMessageParams {
            typ: MessageType::ERROR,
            message: message.to_string(),
        },
    )));
}

/// What a caught panic said.
pub(crate) fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ranged_change_replaces_its_range() {
        let mut text = "fn a() {\n    x();\n}\n".to_string();
        let change = lsp_types::TextDocumentContentChangeEvent {
            range: Some(lsp_types::Range::new(
                lsp_types::Position::new(1, 4),
                lsp_types::Position::new(1, 5),
            )),
            range_length: None,
            text: "y".to_string(),
        };
        apply_change(&mut text, change, Encoding::Utf16);
        assert_eq!(text, "fn a() {\n    y();\n}\n");
    }
}
