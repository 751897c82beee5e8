//! Input that must not crash, hang or hide the rest of the run.

use failfirst_e2e::*;

fn temp_crate(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("failfirst-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(dir.join("src"));
    let _ = std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"hostile\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let _ = std::fs::write(
        dir.join("src/main.rs"),
        "mod deep;\nuse axum::{routing::post, Router};\n\nfn app() -> Router {\n    Router::new().route(\"/orders\", post(create))\n}\n\nasync fn create() -> &'static str {\n    \"ok\"\n}\n",
    );
    dir
}

#[test]
fn a_hundred_thousand_nested_parentheses_become_a_parse_error() {
    let dir = temp_crate("deep");
    let depth = 100_000;
    let deep = format!(
        "pub fn f() -> i32 {{\n    {}1{}\n}}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let _ = std::fs::write(dir.join("src/deep.rs"), deep);
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    assert_eq!(report["findings"][0]["rule"], "parse-error");
    assert_eq!(report["findings"][0]["file"], "src/deep.rs");
    assert!(report["findings"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("nested deeper"));
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}

#[test]
fn a_symlink_loop_does_not_hang() {
    let dir = temp_crate("symlink");
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(&dir, dir.join("src/loop"));
    }
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}

#[test]
fn an_empty_and_a_binary_file_are_handled() {
    let dir = temp_crate("binary");
    let _ = std::fs::write(dir.join("src/empty.rs"), "");
    let _ = std::fs::write(dir.join("src/blob.rs"), [0u8, 159, 146, 150, 255, 0, 1]);
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    let files: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|finding| finding["file"].as_str())
        .collect();
    assert_eq!(files, ["src/blob.rs"]);
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}

#[test]
fn files_that_gitignore_ignores_are_skipped() {
    let dir = temp_crate("gitignore");
    let _ = std::fs::write(dir.join(".gitignore"), "src/generated.rs\n");
    let _ = std::fs::write(dir.join("src/generated.rs"), "this is not rust {");
    let _ = std::fs::create_dir_all(dir.join("target/debug"));
    let _ = std::fs::write(dir.join("target/debug/build.rs"), "neither is this {");
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 0, "{}", output.stdout);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(0),
        "{}",
        output.stdout
    );
    assert_eq!(report["summary"]["files"], 1);
}

fn report_of(output: &RunOutput) -> serde_json::Value {
    serde_json::from_str(&output.stdout).unwrap_or_default()
}

fn findings_of(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|finding| {
            let text = |key: &str| finding[key].as_str().unwrap_or_default().to_string();
            (text("rule"), text("file"), text("message"))
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_an_error_not_a_hang() {
    let dir = temp_crate("fifo");
    let fifo = dir.join("src/pipe.rs");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo failed");
    let output = run_failfirst(&dir, &["failfirst", "src/pipe.rs", "--format", "json"]);
    // The walk of the crate's folder skips it: the folder is linted.
    let walked = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("src/pipe.rs: not a regular file"),
        "{}",
        output.stderr
    );
    assert_eq!(walked.code, 0, "{}", walked.stderr);
    assert_eq!(report_of(&walked)["handlers"][0]["route"], "POST /orders");
}

#[test]
fn a_hundred_thousand_jobs_are_capped_with_a_warning() {
    let dir = temp_crate("jobs");
    let _ = std::fs::write(dir.join("src/deep.rs"), "pub fn f() {}\n");
    let output = run_failfirst(
        &dir,
        &["failfirst", ".", "-j", "100000", "--format", "json"],
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("warning: -j 100000 is more parsing threads"),
        "{}",
        output.stderr
    );
    assert_eq!(report_of(&output)["handlers"][0]["route"], "POST /orders");
}

#[test]
fn a_file_over_the_size_limit_is_reported_and_skipped() {
    let dir = temp_crate("size");
    let _ = std::fs::write(dir.join("failfirst.toml"), "max-file-size = 2000\n");
    let big = "pub const A: u8 = 1;\n".repeat(200);
    let _ = std::fs::write(dir.join("src/deep.rs"), big);
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report = report_of(&output);
    let findings = findings_of(&report);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        (findings[0].0.as_str(), findings[0].1.as_str()),
        ("parse-error", "src/deep.rs")
    );
    assert!(
        findings[0]
            .2
            .contains("file is 4200 bytes, over the limit of 2000"),
        "{}",
        findings[0].2
    );
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}

#[test]
fn a_chain_of_path_modules_past_the_depth_limit_is_one_parse_error() {
    let dir = temp_crate("modules");
    let length = 200;
    let _ = std::fs::write(
        dir.join("src/deep.rs"),
        "#[path = \"m1.rs\"]\npub mod m1;\n",
    );
    for n in 1..=length {
        let _ = std::fs::write(
            dir.join(format!("src/m{n}.rs")),
            format!("#[path = \"m{}.rs\"]\npub mod m{};\n", n + 1, n + 1),
        );
    }
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report = report_of(&output);
    let findings = findings_of(&report);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "parse-error");
    assert!(
        findings[0].2.contains("nests deeper than 64 levels"),
        "{}",
        findings[0].2
    );
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}

/// A file that becomes one `parse-error` naming a limit, beside the good handler.
struct Refused {
    input: &'static str,
    text: fn() -> Vec<u8>,
    /// Words of the `parse-error`'s message: the limit it names.
    names: &'static str,
}

/// Every hostile file of the issue that killed or stalled a run (issue 17), generated here
/// rather than committed: each is refused with the limit it passes, and the handler in
/// the neighbouring file is still reported.
fn refused_files() -> Vec<Refused> {
    const NESTED: &str = "nested deeper than 256 levels";
    const CHAINED: &str = "chains more than 30000 operations";
    const LARGE: &str = "over the limit of 4194304";
    fn text(parts: &[&str]) -> Vec<u8> {
        parts.concat().into_bytes()
    }
    vec![
        Refused {
            input: "50,000 nested generic arguments",
            text: || {
                text(&[
                    "pub type T = ",
                    &"Vec<".repeat(50_000),
                    "u8",
                    &">".repeat(50_000),
                    ";\n",
                ])
            },
            names: NESTED,
        },
        Refused {
            input: "100,000 nested reference types",
            text: || text(&["pub type T = ", &"&".repeat(100_000), "u8;\n"]),
            names: NESTED,
        },
        Refused {
            input: "100,000 nested pointer types",
            text: || text(&["pub type T = ", &"*const ".repeat(100_000), "u8;\n"]),
            names: NESTED,
        },
        Refused {
            input: "100,000 nested `fn() ->` types",
            text: || text(&["pub type T = ", &"fn() -> ".repeat(100_000), "u8;\n"]),
            names: NESTED,
        },
        Refused {
            input: "100,000 bare closures",
            text: || text(&["pub fn f() { let _ = ", &"|| ".repeat(100_000), "1; }\n"]),
            names: NESTED,
        },
        Refused {
            input: "1,000,000 unary operators",
            text: || text(&["pub fn f() -> bool { ", &"!".repeat(1_000_000), "true }\n"]),
            names: NESTED,
        },
        Refused {
            input: "500,000 returns",
            text: || text(&["pub fn f() { ", &"return ".repeat(500_000), "; }\n"]),
            names: NESTED,
        },
        Refused {
            input: "1,000,000 `+` operations",
            text: || text(&["pub fn f() { let _ = 1", &" + 1".repeat(1_000_000), "; }\n"]),
            names: CHAINED,
        },
        Refused {
            input: "1,000,000 fields",
            text: || text(&["pub fn f() { let _ = a", &".b".repeat(1_000_000), "; }\n"]),
            names: CHAINED,
        },
        Refused {
            input: "600,000 casts",
            text: || text(&["pub fn f() { let _ = 1", &" as u8".repeat(600_000), "; }\n"]),
            names: CHAINED,
        },
        Refused {
            input: "a `.clone()` chain of 40,000",
            text: || {
                text(&[
                    "pub fn f() { let _ = a",
                    &".clone()".repeat(40_000),
                    "; }\n",
                ])
            },
            names: CHAINED,
        },
        Refused {
            input: "a `.route(..)` chain of 100,000",
            text: || {
                text(&[
                    "use axum::{routing::get, Router};\npub fn routes() -> Router { Router::new()",
                    &".route(\"/a\", get(h))".repeat(100_000),
                    " }\n",
                ])
            },
            names: CHAINED,
        },
        Refused {
            input: "a raw byte string ending in a backslash, then 100,000 `(`",
            text: || {
                text(&[
                    "pub const B: &[u8] = br\"\\\";\npub fn f() -> i32 { ",
                    &"(".repeat(100_000),
                    "1",
                    &")".repeat(100_000),
                    " }\n",
                ])
            },
            names: NESTED,
        },
        Refused {
            input: "a raw C string ending in a backslash, then 100,000 `(`",
            text: || {
                text(&[
                    "pub const C: &core::ffi::CStr = cr\"\\\";\npub fn f() -> i32 { ",
                    &"(".repeat(100_000),
                    "1",
                    &")".repeat(100_000),
                    " }\n",
                ])
            },
            names: NESTED,
        },
        Refused {
            input: "a 50 MB generated file",
            text: || {
                "pub const A: [u8; 4] = [1, 2, 3, 4];\n"
                    .repeat(50_000_000 / 37)
                    .into_bytes()
            },
            names: LARGE,
        },
        Refused {
            input: "a 5 MB single line",
            text: || {
                text(&[
                    "pub const A: &[u8] = &[",
                    &"1, ".repeat(5_000_000 / 3),
                    "];",
                ])
            },
            names: LARGE,
        },
    ]
}

#[test]
fn each_hostile_file_is_one_parse_error_and_the_rest_is_reported() {
    for (position, case) in refused_files().iter().enumerate() {
        let dir = temp_crate(&format!("refused-{position}"));
        let _ = std::fs::write(dir.join("src/deep.rs"), (case.text)());
        let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(output.code, 1, "{}: {}", case.input, output.stderr);
        let report = report_of(&output);
        let findings = findings_of(&report);
        assert_eq!(findings.len(), 1, "{}: {findings:?}", case.input);
        let (rule, file, message) = &findings[0];
        assert_eq!(
            (rule.as_str(), file.as_str()),
            ("parse-error", "src/deep.rs"),
            "{}",
            case.input
        );
        assert!(message.contains(case.names), "{}: {message}", case.input);
        assert_eq!(
            report["handlers"][0]["route"], "POST /orders",
            "{}",
            case.input
        );
    }
}

/// Ten layers of ten functions, each calling every function of the next layer: ten to the
/// eighth paths from the handler at the top, which following every path would take hours.
#[test]
fn a_call_graph_whose_paths_multiply_stops_at_the_step_limit() {
    let dir = temp_crate("paths");
    let mut text = String::from(
        "use axum::{routing::post, Router};\npub fn routes() -> Router { Router::new().route(\"/fan\", post(fan)) }\npub async fn fan() { l0f0(); }\n",
    );
    for layer in 0..10 {
        for function in 0..10 {
            let calls: String = (0..10)
                .map(|next| format!("l{}f{next}(); ", layer + 1))
                .collect();
            let body = if layer == 9 { String::new() } else { calls };
            text.push_str(&format!("pub fn l{layer}f{function}() {{ {body}}}\n"));
        }
    }
    let _ = std::fs::write(dir.join("src/deep.rs"), text);
    let _ = std::fs::write(dir.join("failfirst.toml"), "max-path-steps = 5000\n");
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report = report_of(&output);
    let findings = findings_of(&report);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "parse-error");
    assert_eq!(findings[0].1, "src/deep.rs");
    assert!(
        findings[0].2.contains("after entering 5000 functions")
            && findings[0].2.contains("`max-path-steps`"),
        "{}",
        findings[0].2
    );
    let handlers = report["handlers"].as_array().cloned().unwrap_or_default();
    let fan = handlers
        .iter()
        .find(|handler| handler["route"] == "POST /fan")
        .cloned()
        .unwrap_or_default();
    for question in [
        "q1_idempotent",
        "q2_retry_safe",
        "q3_downstream_uncertainty",
        "q4_deadline",
    ] {
        assert_eq!(fan["questions"][question]["verdict"], "unknown", "{fan}");
    }
    assert!(
        handlers
            .iter()
            .any(|handler| handler["route"] == "POST /orders"),
        "{handlers:?}"
    );
}

/// A handler's answer on one question, by route: its verdict and its evidence.
fn answer_of(report: &serde_json::Value, route: &str, question: &str) -> (String, Vec<String>) {
    let handler = report["handlers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|handler| handler["route"] == route)
        .cloned()
        .unwrap_or_default();
    let answer = &handler["questions"][question];
    let evidence = answer["evidence"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|evidence| evidence.as_str().map(str::to_string))
        .collect();
    (
        answer["verdict"].as_str().unwrap_or_default().to_string(),
        evidence,
    )
}

/// A write at the end of a chain of helpers: `near` reaches it at the call-depth limit,
/// `far` one call past it, where Q1 and Q2 cannot pass or be `n/a` on what was followed
/// and say why, naming the limit. Q3 and Q4 (no downstream past the cut) keep their `n/a`.
#[test]
fn a_write_past_the_call_depth_limit_makes_its_answers_unknown_and_says_so() {
    let dir = temp_crate("calldepth");
    let mut text = String::from(
        "use axum::{routing::post, Router};\npub fn routes() -> Router { Router::new().route(\"/near\", post(near)).route(\"/far\", post(far)) }\npub async fn near(db: &sqlx::PgPool) { a1(db).await; }\npub async fn far(db: &sqlx::PgPool) { b1(db).await; }\n",
    );
    let write = "let _ = sqlx::query(\"UPDATE counters SET n = n + 1\").execute(db).await;";
    for (prefix, length) in [("a", 12), ("b", 13)] {
        for step in 1..length {
            text.push_str(&format!(
                "pub async fn {prefix}{step}(db: &sqlx::PgPool) {{ {prefix}{}(db).await; }}\n",
                step + 1
            ));
        }
        text.push_str(&format!(
            "pub async fn {prefix}{length}(db: &sqlx::PgPool) {{ {write} }}\n"
        ));
    }
    let _ = std::fs::write(dir.join("src/deep.rs"), text);
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    let report = report_of(&output);
    let (near, near_evidence) = answer_of(&report, "POST /near", "q1_idempotent");
    assert_eq!(near, "fail", "{near_evidence:?}");
    for question in ["q1_idempotent", "q2_retry_safe"] {
        let (far, evidence) = answer_of(&report, "POST /far", question);
        assert_eq!(far, "unknown", "{question}: {evidence:?}");
        assert_eq!(
            evidence,
            ["the call of `b13` at src/deep.rs:28 was not followed: it is more than 12 calls from the handler (the call-depth limit), and past it a store is touched"],
            "{question}"
        );
    }
    for question in ["q3_downstream_uncertainty", "q4_deadline"] {
        assert_eq!(
            answer_of(&report, "POST /far", question).0,
            "n/a",
            "{question}"
        );
    }
    let findings = findings_of(&report);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "write-without-inbox");
    assert_eq!(answer_of(&report, "POST /orders", "q1_idempotent").0, "n/a");
}

/// A downstream call one call past the call-depth limit: a `GET` there cannot commit
/// anything at its timeout, so Q3 passes, saying so, while Q2 (is there I/O at all?) and Q4
/// (every call's deadline) are `unknown`; a `POST` there makes Q3 `unknown` too.
#[test]
fn a_read_past_the_call_depth_limit_passes_q3_and_says_so() {
    let dir = temp_crate("calldepthread");
    let mut text = String::from(
        "use axum::{routing::post, Router};\npub fn routes() -> Router { Router::new().route(\"/read\", post(read)).route(\"/send\", post(send)) }\npub async fn read() { c1().await; }\npub async fn send() { d1().await; }\n",
    );
    for (prefix, call) in [
        ("c", "let _ = reqwest::Client::new().get(\"http://rates/latest\").timeout(std::time::Duration::from_secs(2)).send().await;"),
        ("d", "let _ = reqwest::Client::new().post(\"http://ledger/entries\").timeout(std::time::Duration::from_secs(2)).send().await;"),
    ] {
        for step in 1..13 {
            text.push_str(&format!(
                "pub async fn {prefix}{step}() {{ {prefix}{}().await; }}\n",
                step + 1
            ));
        }
        text.push_str(&format!("pub async fn {prefix}13() {{ {call} }}\n"));
    }
    let _ = std::fs::write(dir.join("src/deep.rs"), text);
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    let report = report_of(&output);
    let verdicts = |route: &str| {
        ["q2_retry_safe", "q3_downstream_uncertainty", "q4_deadline"]
            .map(|question| answer_of(&report, route, question).0)
    };
    assert_eq!(verdicts("POST /read"), ["unknown", "pass", "unknown"]);
    assert_eq!(
        answer_of(&report, "POST /read", "q3_downstream_uncertainty").1,
        ["the call of `c13` at src/deep.rs:16 was not followed: it is more than 12 calls from the handler (the call-depth limit), and past it every downstream call is idempotent"]
    );
    assert_eq!(verdicts("POST /send"), ["unknown", "unknown", "unknown"]);
}

/// A handler's parameter typed through a chain of type aliases: within the type-resolution
/// limit its method call is followed to the write; past it the call is unresolved, and
/// every answer it could bear on is `unknown`, naming the limit.
#[test]
fn a_call_past_the_type_resolution_limit_makes_its_answers_unknown_and_says_so() {
    let dir = temp_crate("aliases");
    let mut text = String::from(
        "use axum::{routing::post, Router};\npub fn routes() -> Router { Router::new().route(\"/within\", post(within)).route(\"/past\", post(past)) }\npub struct Store;\nimpl Store { pub async fn save(&self, db: &sqlx::PgPool) { let _ = sqlx::query(\"UPDATE counters SET n = n + 1\").execute(db).await; } }\npub type T0 = Store;\n",
    );
    for alias in 1..=ALIASES_PAST {
        text.push_str(&format!("pub type T{alias} = T{};\n", alias - 1));
    }
    text.push_str(&format!(
        "pub async fn within(store: T{ALIASES_WITHIN}, db: &sqlx::PgPool) {{ store.save(db).await; }}\npub async fn past(store: T{ALIASES_PAST}, db: &sqlx::PgPool) {{ store.save(db).await; }}\n"
    ));
    let _ = std::fs::write(dir.join("src/deep.rs"), text);
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    let report = report_of(&output);
    let (within, evidence) = answer_of(&report, "POST /within", "q1_idempotent");
    assert_eq!(within, "fail", "{evidence:?}");
    for question in [
        "q1_idempotent",
        "q2_retry_safe",
        "q3_downstream_uncertainty",
        "q4_deadline",
    ] {
        let (past, evidence) = answer_of(&report, "POST /past", question);
        assert_eq!(past, "unknown", "{question}: {evidence:?}");
        assert!(
            evidence.len() == 1
                && evidence[0].starts_with("`.save()` at src/deep.rs:")
                && evidence[0].contains("more than 24 steps deep (the type-resolution limit)"),
            "{question}: {evidence:?}"
        );
    }
    assert_eq!(answer_of(&report, "POST /orders", "q1_idempotent").0, "n/a");
}

/// The longest chain of aliases a parameter's type is resolved through, and one past it.
const ALIASES_WITHIN: usize = 22;
const ALIASES_PAST: usize = 23;

/// A `.proto` contract nested 100,000 deep (protox-parse recurses into nested messages) is
/// one `parse-error` naming the nesting; the crate's handler is still reported.
#[test]
fn a_proto_file_nested_a_hundred_thousand_deep_is_a_parse_error() {
    let dir = temp_crate("proto");
    let depth = 100_000;
    let _ = std::fs::create_dir_all(dir.join("proto"));
    let _ = std::fs::write(
        dir.join("proto/deep.proto"),
        format!(
            "syntax = \"proto3\";\npackage deep.v1;\n{}{}",
            "message M {\n".repeat(depth),
            "}\n".repeat(depth)
        ),
    );
    let _ = std::fs::write(dir.join("src/deep.rs"), "pub fn f() {}\n");
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report = report_of(&output);
    let findings = findings_of(&report);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "parse-error");
    assert_eq!(findings[0].1, "proto/deep.proto");
    assert!(
        findings[0].2.contains("nested deeper than 64"),
        "{}",
        findings[0].2
    );
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}

/// A `.proto` contract over `max-file-size` is read no further than the limit and is one
/// `parse-error` saying so (a generated 50 MB one took 4.6 GB and two minutes); a smaller
/// one beside it is read.
#[test]
fn a_proto_file_over_the_size_limit_is_reported_and_not_read() {
    let dir = temp_crate("bigproto");
    let _ = std::fs::create_dir_all(dir.join("proto"));
    let _ = std::fs::write(dir.join("failfirst.toml"), "max-file-size = 2000\n");
    let message = "message M { string a = 1; }\n";
    let _ = std::fs::write(
        dir.join("proto/big.proto"),
        format!("syntax = \"proto3\";\n{}", message.repeat(100)),
    );
    let _ = std::fs::write(
        dir.join("proto/small.proto"),
        format!("syntax = \"proto3\";\n{}", message.repeat(10)),
    );
    let _ = std::fs::write(dir.join("src/deep.rs"), "pub fn f() {}\n");
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report = report_of(&output);
    let findings = findings_of(&report);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "parse-error");
    assert_eq!(findings[0].1, "proto/big.proto");
    assert!(
        findings[0].2.contains("over the limit of 2000 bytes")
            && findings[0].2.contains("`max-file-size`"),
        "{}",
        findings[0].2
    );
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}

#[test]
fn nothing_left_to_lint_is_an_error() {
    let dir = temp_crate("excluded");
    let _ = std::fs::write(dir.join("failfirst.toml"), "exclude = [\"**\"]\n");
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains(
            "no Rust file found in ., or every one is excluded by `exclude` in failfirst.toml"
        ),
        "{}",
        output.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_configuration_that_is_a_fifo_or_a_device_is_an_error_not_a_hang() {
    for (name, make) in [
        (
            "fifo",
            (|path: &std::path::Path| {
                std::process::Command::new("mkfifo")
                    .arg(path)
                    .status()
                    .is_ok_and(|status| status.success())
            }) as fn(&std::path::Path) -> bool,
        ),
        ("zero", |path| {
            std::os::unix::fs::symlink("/dev/zero", path).is_ok()
        }),
    ] {
        let dir = temp_crate(&format!("config-{name}"));
        let _ = std::fs::write(dir.join("src/deep.rs"), "pub fn f() {}\n");
        assert!(make(&dir.join("failfirst.toml")), "{name}: not made");
        let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(output.code, 2, "{name}: {}", output.stderr);
        assert!(
            output.stderr.contains("failfirst.toml: not a regular file"),
            "{name}: {}",
            output.stderr
        );
    }
}

#[cfg(unix)]
#[test]
fn a_device_named_on_the_command_line_is_an_error_not_an_endless_read() {
    let dir = temp_crate("device");
    let _ = std::os::unix::fs::symlink("/dev/zero", dir.join("src/zero.rs"));
    let output = run_failfirst(&dir, &["failfirst", "src/zero.rs", "--format", "json"]);
    let walked = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("src/zero.rs: not a regular file"),
        "{}",
        output.stderr
    );
    assert_eq!(walked.code, 0, "{}", walked.stderr);
    assert_eq!(report_of(&walked)["handlers"][0]["route"], "POST /orders");
}

#[test]
fn a_configuration_reports_all_its_mistakes_at_once() {
    let dir = temp_crate("mistakes");
    let _ = std::fs::write(dir.join("src/deep.rs"), "pub fn f() {}\n");
    let _ = std::fs::write(
        dir.join("failfirst.toml"),
        "exclude = [\"gen/[\"]\nmax-path-steps = 0\n[rules]\nretry-without-bakoff = \"deny\"\n",
    );
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 2, "{}", output.stderr);
    for expected in [
        "failfirst.toml:1:12: invalid glob `gen/[`",
        "failfirst.toml:2:18: `max-path-steps` must be more than 0",
        "failfirst.toml:4:1: unknown rule `retry-without-bakoff`",
        "3 mistakes in failfirst.toml",
    ] {
        assert!(
            output.stderr.contains(expected),
            "{expected}:\n{}",
            output.stderr
        );
    }
}

#[test]
fn an_exclude_list_past_the_glob_limit_is_a_mistake_not_gigabytes() {
    let dir = temp_crate("globs");
    let globs: Vec<String> = (0..10_001)
        .map(|n| format!("\"generated/g{n}/**\""))
        .collect();
    let _ = std::fs::write(
        dir.join("failfirst.toml"),
        format!("exclude = [{}]\n", globs.join(", ")),
    );
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("`exclude` has 10001 globs, more than the 10000 failfirst takes"),
        "{}",
        output.stderr
    );
}
