//! A language-server client for the end-to-end tests: it starts the real `cargo-failfirst
//! lsp` binary, speaks to it over its standard input and output with `lsp-server`'s
//! framing, and keeps every notification the server sends so that tests can wait for one.

#![allow(dead_code)] // each test file uses its own part of the client

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

/// How long any one answer may take before the test fails: generous, as tests run beside
/// each other on a loaded machine.
pub const PATIENCE: Duration = Duration::from_secs(120);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Message>,
    next_id: i32,
    /// Notifications received and not yet taken by a wait.
    pub notifications: Vec<Notification>,
    /// Requests the server sent (progress tokens, refreshes, registrations).
    pub server_requests: Vec<Request>,
}

impl Client {
    /// Starts the server with `envs` set, and initialises it on `root` with the given
    /// client capabilities.
    pub fn start(root: &Path, capabilities: Value, envs: &[(&str, &str)]) -> (Client, Value) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-failfirst"));
        command
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            // The rules' pages go to a cache folder of the test's own.
            .env("XDG_CACHE_HOME", root.join(".cache"));
        for (name, value) in envs {
            command.env(name, value);
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start the server: {error}"));
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .unwrap_or_else(|| panic!("the server has no standard output"));
        let (sender, incoming) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(message)) = Message::read(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            next_id: 0,
            notifications: Vec::new(),
            server_requests: Vec::new(),
        };
        let root_uri = uri(root);
        let result = client.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "fixture"}],
                "capabilities": capabilities,
            }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn send(&mut self, message: Message) {
        let stdin = self
            .stdin
            .as_mut()
            .unwrap_or_else(|| panic!("the server's input is closed"));
        message
            .write(stdin)
            .unwrap_or_else(|error| panic!("cannot write to the server: {error}"));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    /// Sends a request and returns its response, keeping what arrives meanwhile.
    pub fn request_response(&mut self, method: &str, params: Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(
            id.clone(),
            method.to_string(),
            params,
        )));
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.receive(deadline) {
                Message::Response(response) if response.id == id => return response,
                other => self.keep(other),
            }
        }
    }

    /// Sends a request and returns its result; an error response fails the test.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_response(method, params);
        if let Some(error) = response.error {
            panic!("{method} failed: {} ({})", error.message, error.code);
        }
        response.result.unwrap_or(Value::Null)
    }

    fn receive(&mut self, deadline: Instant) -> Message {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(left) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!(
                "the server said nothing for {PATIENCE:?}; notifications so far: {:#?}",
                self.notifications
                    .iter()
                    .map(|notification| &notification.method)
                    .collect::<Vec<_>>()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    fn keep(&mut self, message: Message) {
        match message {
            Message::Notification(notification) => self.notifications.push(notification),
            Message::Request(request) => {
                // Answered at once, as an editor does.
                let id = request.id.clone();
                self.server_requests.push(request);
                self.send(Message::Response(Response::new_ok(id, Value::Null)));
            }
            Message::Response(_) => {}
        }
    }

    /// Waits for a notification that `wanted` accepts, the earliest kept first, and takes it.
    pub fn wait_for(&mut self, what: &str, wanted: impl Fn(&Notification) -> bool) -> Notification {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(position) = self.notifications.iter().position(&wanted) {
                return self.notifications.remove(position);
            }
            let message = match self
                .incoming
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(message) => message,
                Err(_) => panic!(
                    "no {what} within {PATIENCE:?}; received: {:#?}",
                    self.notifications
                ),
            };
            self.keep(message);
        }
    }

    /// Waits for the diagnostics of `path` published for the document's `version`.
    pub fn diagnostics_of(&mut self, path: &Path, version: Option<i64>) -> Vec<Value> {
        let uri = uri(path);
        let notification = self.wait_for(&format!("diagnostics of {uri} v{version:?}"), |n| {
            n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
                && (version.is_none() || n.params["version"].as_i64() == version)
        });
        notification.params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Shuts the server down as an editor does and returns its exit code.
    pub fn shutdown(mut self) -> Option<i32> {
        let result = self.request_response("shutdown", Value::Null);
        assert!(
            result.error.is_none(),
            "shutdown failed: {:?}",
            result.error
        );
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub fn uri(path: &Path) -> String {
    lsp_types::Url::from_file_path(path)
        .unwrap_or_else(|()| panic!("{} is not absolute", path.display()))
        .to_string()
}

/// A copy of the fixture crate `fixtures/lsp/<name>` in a fresh temporary folder, so that
/// tests can change its files.
pub fn fixture_copy(name: &str, test: &str) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/lsp")
        .join(name);
    let target = std::env::temp_dir().join(format!(
        "failfirst-lsp-{test}-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    let _ = std::fs::remove_dir_all(&target);
    failfirst_e2e::copy_tree(&source, &target);
    target
        .canonicalize()
        .unwrap_or_else(|error| panic!("{error}"))
}

/// Applies an LSP `TextEdit` (UTF-16 columns) to `text`.
pub fn apply_edit(text: &str, edit: &Value) -> String {
    let offset = |position: &Value| -> usize {
        let line = position["line"].as_u64().unwrap_or(0) as usize;
        let character = position["character"].as_u64().unwrap_or(0) as usize;
        let mut offset = 0;
        for (number, content) in text.split_inclusive('\n').enumerate() {
            if number == line {
                let mut units = 0;
                for (at, c) in content.char_indices() {
                    if units >= character {
                        return offset + at;
                    }
                    units += c.len_utf16();
                }
                return offset + content.len();
            }
            offset += content.len();
        }
        text.len()
    };
    let start = offset(&edit["range"]["start"]);
    let end = offset(&edit["range"]["end"]);
    let mut out = text.to_string();
    out.replace_range(start..end, edit["newText"].as_str().unwrap_or(""));
    out
}
