//! The language server end to end: the real binary over standard input and output, through
//! a whole session as an editor drives it.

mod support;

use std::path::Path;

use serde_json::{json, Value};
use support::{apply_edit, fixture_copy, uri, Client};

fn editor_capabilities() -> Value {
    json!({
        "window": {"workDoneProgress": true, "showDocument": {"support": true}},
        "workspace": {
            "codeLens": {"refreshSupport": true},
            "didChangeWatchedFiles": {"dynamicRegistration": true}
        },
        "textDocument": {"publishDiagnostics": {"relatedInformation": true, "versionSupport": true}}
    })
}

fn open(client: &mut Client, path: &Path, version: i64) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{error}"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(path), "languageId": "rust", "version": version, "text": text}}),
    );
    text
}

fn change(client: &mut Client, path: &Path, version: i64, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(path), "version": version},
            "contentChanges": [{"text": text}]
        }),
    );
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The 0-based line of the first line of `text` holding `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("no line holds {needle:?}")) as u64
}

#[test]
fn a_whole_session_from_initialize_to_exit() {
    let root = fixture_copy("payments", "session");
    let handlers = root.join("src/handlers.rs");
    let ledger = root.join("src/ledger.rs");
    let (mut client, initialized) = Client::start(
        &root,
        editor_capabilities(),
        &[("FAILFIRST_LSP_ALLOW_PANIC_COMMAND", "1")],
    );
    let capabilities = &initialized["capabilities"];
    assert_eq!(initialized["serverInfo"]["name"], "failfirst");
    assert_eq!(capabilities["hoverProvider"], true);
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert!(capabilities["codeLensProvider"].is_object());
    assert!(capabilities["executeCommandProvider"]["commands"]
        .as_array()
        .is_some_and(|commands| commands.contains(&json!("failfirst.score"))));

    // The whole workspace is analysed once, in the background, with progress shown.
    client.wait_for("progress begin", |n| {
        n.method == "$/progress" && n.params["value"]["kind"] == "begin"
    });
    client.wait_for("progress end", |n| {
        n.method == "$/progress" && n.params["value"]["kind"] == "end"
    });
    assert!(client
        .server_requests
        .iter()
        .any(|request| request.method == "window/workDoneProgress/create"));

    // Opening a file publishes its diagnostics, for the version opened.
    let text = open(&mut client, &handlers, 1);
    let diagnostics = client.diagnostics_of(&handlers, Some(1));
    assert_eq!(codes(&diagnostics), ["downstream-without-deadline"]);
    let deadline = &diagnostics[0];
    assert_eq!(deadline["source"], "failfirst");
    assert_eq!(deadline["severity"], 1, "deny is an error");
    let call_line = line_of(&text, "let response = state");
    assert_eq!(deadline["range"]["start"]["line"], call_line);
    assert_eq!(deadline["range"]["start"]["character"], 4);
    assert!(deadline["message"]
        .as_str()
        .is_some_and(|message| message.contains("no deadline")
            && message.contains("breaks POST /api/payments")));
    let href = deadline["codeDescription"]["href"].as_str().unwrap_or("");
    let page = lsp_types::Url::parse(href)
        .ok()
        .and_then(|url| url.to_file_path().ok())
        .unwrap_or_else(|| panic!("no page behind {href:?}"));
    let page_text = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(
        page_text.starts_with("# downstream-without-deadline"),
        "{page_text}"
    );
    assert_eq!(
        deadline["relatedInformation"][0]["message"],
        "through lsp_payments::handlers::create_payment"
    );

    // A finding in a file not opened, on the path of a handler in the open one, is
    // published too, with the call chain as related information.
    let ledger_diagnostics = client.diagnostics_of(&ledger, None);
    assert_eq!(codes(&ledger_diagnostics), ["write-without-inbox"]);
    let chain: Vec<&str> = ledger_diagnostics[0]["relatedInformation"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|step| step["message"].as_str())
        .collect();
    assert_eq!(
        chain,
        [
            "through lsp_payments::handlers::refund",
            "through lsp_payments::ledger::credit"
        ]
    );
    assert_eq!(
        ledger_diagnostics[0]["relatedInformation"][0]["location"]["uri"],
        uri(&handlers)
    );

    // A code lens on each handler's `fn` line: its route and four answers.
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&handlers)}}),
    );
    let lenses: Vec<(u64, String)> = lenses
        .as_array()
        .into_iter()
        .flatten()
        .map(|lens| {
            (
                lens["range"]["start"]["line"].as_u64().unwrap_or(0),
                lens["command"]["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        lenses,
        [
            (
                line_of(&text, "pub async fn create_payment("),
                "POST /api/payments · Q1 – Q2 ✓ Q3 ✓ Q4 ✗ · 3/4".to_string()
            ),
            (
                line_of(&text, "pub async fn refund("),
                "POST /api/refunds · Q1 ✗ Q2 ✗ Q3 – Q4 – · 2/4".to_string()
            ),
        ]
    );

    // Hover on the handler's name: the full card, in Markdown.
    let name_line = line_of(&text, "pub async fn create_payment(");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&handlers)}, "position": {"line": name_line, "character": 16}}),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let card = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(card.starts_with("**POST /api/payments**"), "{card}");
    assert!(card.contains("**Q4 deadline propagated**: fail"), "{card}");
    assert!(
        card.contains("`downstream-without-deadline` at src/handlers.rs"),
        "{card}"
    );
    // Not on a name: nothing.
    let elsewhere = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&handlers)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(elsewhere, Value::Null);

    // Code actions on the finding: the remaining budget as a timeout, a suppression, the
    // rule's page.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&handlers)},
            "range": deadline["range"],
            "context": {"diagnostics": [deadline]}
        }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|action| action["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Add `.timeout(remaining)` (the remaining budget)",
            "Suppress `downstream-without-deadline` here, with a reason",
            "Open the documentation of `downstream-without-deadline`"
        ]
    );
    let suppress_edit = &actions[1]["edit"]["changes"][uri(&handlers)][0];
    assert_eq!(
        suppress_edit["newText"],
        "    // failfirst: allow(downstream-without-deadline) <reason>\n"
    );
    assert_eq!(suppress_edit["range"]["start"]["line"], call_line);

    // Applying the timeout makes the finding disappear, and Q4 pass.
    let timeout_edit = &actions[0]["edit"]["changes"][uri(&handlers)][0];
    let bounded = apply_edit(&text, timeout_edit);
    assert!(bounded.contains(".timeout(remaining).send()"), "{bounded}");
    change(&mut client, &handlers, 2, &bounded);
    assert_eq!(
        codes(&client.diagnostics_of(&handlers, Some(2))),
        Vec::<String>::new()
    );
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&handlers)}}),
    );
    assert_eq!(
        lenses[0]["command"]["title"],
        "POST /api/payments · Q1 – Q2 ✓ Q3 ✓ Q4 ✓ · 4/4"
    );

    // A change that changes nothing is published all the same: the client knows the
    // analysis caught up.
    change(&mut client, &handlers, 3, &bounded);
    assert_eq!(
        codes(&client.diagnostics_of(&handlers, Some(3))),
        Vec::<String>::new()
    );

    // Mid-typing, the file does not parse: the syntax error shows once, and the last good
    // facts stay (the refund's finding in the ledger does not flicker away).
    let half_typed = bounded.replace("    let _ = remaining;\n", "    let _ = remaining.\n");
    change(&mut client, &handlers, 4, &half_typed);
    let during = client.diagnostics_of(&handlers, Some(4));
    assert_eq!(codes(&during), ["parse-error"]);
    // `remaining.` reads on into the next line; the parser stops at the `}` after it.
    assert_eq!(
        during[0]["range"]["start"]["line"],
        line_of(&half_typed, "let _ = remaining.") + 2
    );
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&handlers)}}),
    );
    assert_eq!(
        lenses.as_array().map(Vec::len),
        Some(2),
        "the last good facts stay"
    );
    // Typing on to a good text clears it; bringing the call back brings the finding back.
    change(&mut client, &handlers, 5, &text);
    assert_eq!(
        codes(&client.diagnostics_of(&handlers, Some(5))),
        ["downstream-without-deadline"]
    );

    // The suppression, applied, silences the finding.
    let suppressed = apply_edit(&text, suppress_edit);
    change(&mut client, &handlers, 6, &suppressed);
    assert_eq!(
        codes(&client.diagnostics_of(&handlers, Some(6))),
        Vec::<String>::new()
    );

    // The rule's page, opened through the command the third action carries.
    let explain = &actions[2]["command"];
    client.request(
        "workspace/executeCommand",
        json!({"command": explain["command"], "arguments": explain["arguments"]}),
    );
    let show = client
        .server_requests
        .iter()
        .find(|request| request.method == "window/showDocument")
        .unwrap_or_else(|| panic!("no window/showDocument"));
    assert_eq!(show.params["uri"], href);

    // The team score, on request.
    let score = client.request(
        "workspace/executeCommand",
        json!({"command": "failfirst.score", "arguments": []}),
    );
    assert_eq!(score["handlers"], 2);
    assert_eq!(score["score"], 50.0);
    client.wait_for("the score message", |n| {
        n.method == "window/showMessage"
            && n.params["message"]
                .as_str()
                .is_some_and(|message| message.contains("team score 50.0% of 2 handlers"))
    });

    // A panic inside a request is an error answer and a log line; the server goes on.
    let crashed = client.request_response(
        "workspace/executeCommand",
        json!({"command": "failfirst.internal.panic", "arguments": []}),
    );
    let error = crashed
        .error
        .unwrap_or_else(|| panic!("the panic was answered as a success"));
    assert_eq!(error.code, lsp_server::ErrorCode::InternalError as i32);
    client.wait_for("the panic in the log", |n| {
        n.method == "window/logMessage"
            && n.params["message"]
                .as_str()
                .is_some_and(|message| message.contains("asked to panic"))
    });
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&handlers)}, "position": {"line": name_line, "character": 16}}),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&handlers)}}),
    );
    assert_eq!(client.shutdown(), Some(0));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn configuration_and_files_are_picked_up_as_they_change() {
    let root = fixture_copy("payments", "watched");
    let handlers = root.join("src/handlers.rs");
    let config = root.join("failfirst.toml");
    let (mut client, _) = Client::start(&root, editor_capabilities(), &[]);
    client.wait_for("progress end", |n| {
        n.method == "$/progress" && n.params["value"]["kind"] == "end"
    });
    assert!(client.server_requests.iter().any(|request| {
        request.method == "client/registerCapability"
            && request.params["registrations"][0]["method"] == "workspace/didChangeWatchedFiles"
    }));
    open(&mut client, &handlers, 1);
    assert_eq!(
        codes(&client.diagnostics_of(&handlers, Some(1))),
        ["downstream-without-deadline"]
    );
    let watched = |client: &mut Client, changes: Value| {
        client.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": changes}),
        );
    };

    // A broken configuration is a diagnostic on its file for each of its mistakes, at the
    // mistake's line; the server keeps the last configuration it could read.
    std::fs::write(
        &config,
        "exclude = [\"gen/[\"]\n[rules]\ndownstream-without-deadline = \"warn\"\nno-such-rule = \"deny\"\n",
    )
    .unwrap_or_else(|error| panic!("{error}"));
    watched(&mut client, json!([{"uri": uri(&config), "type": 1}]));
    let broken = client.diagnostics_of(&config, None);
    assert_eq!(broken.len(), 2, "{broken:#?}");
    let lines: Vec<&Value> = broken
        .iter()
        .map(|diagnostic| &diagnostic["range"]["start"]["line"])
        .collect();
    assert_eq!(lines, [0, 3]);
    assert!(broken[0]["message"]
        .as_str()
        .is_some_and(|message| message.contains("gen/[")));
    assert!(broken[1]["message"]
        .as_str()
        .is_some_and(|message| message.contains("no-such-rule")));
    let kept = client.diagnostics_of(&handlers, Some(1));
    assert_eq!(kept[0]["severity"], 1, "the last good configuration stays");

    // Mended, it applies: the rule is a warning now, and the file's diagnostic goes.
    std::fs::write(&config, "[rules]\ndownstream-without-deadline = \"warn\"\n")
        .unwrap_or_else(|error| panic!("{error}"));
    watched(&mut client, json!([{"uri": uri(&config), "type": 2}]));
    assert_eq!(client.diagnostics_of(&config, None), Vec::<Value>::new());
    let warned = client.diagnostics_of(&handlers, Some(1));
    assert_eq!(codes(&warned), ["downstream-without-deadline"]);
    assert_eq!(warned[0]["severity"], 2, "warn is a warning");

    // A new file, declared by a `mod` written on the disk: its handler is found.
    let audits = root.join("src/audits.rs");
    std::fs::write(
        &audits,
        "#[failfirst::handler]\npub async fn record(db: &sqlx::PgPool) {\n    let _ = sqlx::query(\"UPDATE counters SET n = n + 1\").execute(db).await;\n}\n",
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let main = root.join("src/main.rs");
    let main_text = std::fs::read_to_string(&main).unwrap_or_default();
    std::fs::write(
        &main,
        main_text.replace("mod ledger;", "mod ledger;\nmod audits;"),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    watched(
        &mut client,
        json!([{"uri": uri(&audits), "type": 1}, {"uri": uri(&main), "type": 2}]),
    );
    let found = client.diagnostics_of(&audits, None);
    assert!(
        codes(&found).contains(&"write-without-inbox".to_string()),
        "{found:#?}"
    );

    // Deleted, its findings go with it.
    std::fs::remove_file(&audits).unwrap_or_else(|error| panic!("{error}"));
    std::fs::write(&main, &main_text).unwrap_or_else(|error| panic!("{error}"));
    watched(
        &mut client,
        json!([{"uri": uri(&audits), "type": 3}, {"uri": uri(&main), "type": 2}]),
    );
    assert_eq!(client.diagnostics_of(&audits, None), Vec::<Value>::new());

    assert_eq!(client.shutdown(), Some(0));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_broken_proto_file_is_reported_on_its_file_until_mended() {
    let root = fixture_copy("payments", "proto");
    let proto = root.join("proto/ledger.proto");
    std::fs::create_dir_all(root.join("proto")).unwrap_or_else(|error| panic!("{error}"));
    // The `returns` of `Post` lacks its message: the parser stops on line 5.
    let broken = "syntax = \"proto3\";\npackage ledger.v1;\n\nservice Ledger {\n  rpc Post(Entry) returns;\n}\n";
    std::fs::write(&proto, broken).unwrap_or_else(|error| panic!("{error}"));
    let (mut client, _) = Client::start(&root, editor_capabilities(), &[]);
    client.wait_for("progress end", |n| {
        n.method == "$/progress" && n.params["value"]["kind"] == "end"
    });
    assert!(client.server_requests.iter().any(|request| {
        request.params["registrations"][0]["registerOptions"]["watchers"]
            .as_array()
            .is_some_and(|watchers| {
                watchers
                    .iter()
                    .any(|watcher| watcher["globPattern"] == "**/*.proto")
            })
    }));
    // Published at once, without the file being opened (an editor shows it in its list of
    // problems), at the line where the parser stopped.
    let diagnostics = client.diagnostics_of(&proto, None);
    assert_eq!(codes(&diagnostics), ["parse-error"], "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 4);
    assert!(diagnostics[0]["message"]
        .as_str()
        .is_some_and(|message| message.contains("judged by their names")));

    // Mended on the disk, the diagnostic goes.
    std::fs::write(
        &proto,
        broken.replace(
            "returns;",
            "returns (Receipt) {\n    option idempotency_level = IDEMPOTENT;\n  }",
        ),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&proto), "type": 2}]}),
    );
    assert_eq!(client.diagnostics_of(&proto, None), Vec::<Value>::new());

    assert_eq!(client.shutdown(), Some(0));
    let _ = std::fs::remove_dir_all(&root);
}
