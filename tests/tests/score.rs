//! The team score over time as a user meets it: `score` and its JSON, `score --record`
//! into the history, `score --backfill` over a real git repository, and the dashboard
//! drawn from histories of every size.

use std::path::Path;
use std::process::Command;

use cargo_failfirst::history::{History, HistoryEntry};
use failfirst_e2e::*;
use serde_json::{json, Value};

/// A small axum service: `debit` applies a relative update with no idempotency key (Q1
/// and Q2 fail), `rename` sets a value (all pass). Each commit of the tests changes it.
const MANIFEST: &str = r#"[package]
name = "ledger"
version = "0.1.0"
edition = "2021"

[dependencies]
axum = "0.7"
sqlx = { version = "0.7", features = ["postgres"] }
"#;

fn service(debit_sql: &str, with_rename: bool) -> String {
    let rename = if with_rename {
        r#"
async fn rename(State(pool): State<PgPool>) -> Result<(), String> {
    sqlx::query("UPDATE accounts SET name = 'x' WHERE id = 1")
        .execute(&pool)
        .await
        .map_err(|error| error.to_string())?;
    Ok(())
}
"#
    } else {
        ""
    };
    let rename_route = if with_rename {
        r#"
        .route("/rename", post(rename))"#
    } else {
        ""
    };
    format!(
        r#"use axum::extract::State;
use axum::routing::post;
use axum::Router;
use sqlx::PgPool;

async fn debit(State(pool): State<PgPool>) -> Result<(), String> {{
    sqlx::query("{debit_sql}")
        .execute(&pool)
        .await
        .map_err(|error| error.to_string())?;
    Ok(())
}}
{rename}
pub fn app(pool: PgPool) -> Router {{
    Router::new()
        .route("/debit", post(debit)){rename_route}
        .with_state(pool)
}}

fn main() {{}}
"#
    )
}

const RELATIVE_DEBIT: &str = "UPDATE accounts SET balance = balance - 1 WHERE id = 1";
const ABSOLUTE_DEBIT: &str = "UPDATE accounts SET balance = 0 WHERE id = 1";

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=failfirst tests",
            "-c",
            "user.email=tests@failfirst.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|error| panic!("cannot run git: {error}"));
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// Writes `files` into `dir` and commits them with the committer time `time`.
fn commit(dir: &Path, files: &[(&str, &str)], message: &str, time: &str) -> String {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(dir)).unwrap_or_default();
        std::fs::write(&path, text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    }
    git(dir, &["add", "-A"]);
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=failfirst tests",
            "-c",
            "user.email=tests@failfirst.invalid",
            "-c",
            "commit.gpgsign=false",
            "commit",
            "-q",
            "-m",
            message,
        ])
        .env("GIT_AUTHOR_DATE", time)
        .env("GIT_COMMITTER_DATE", time)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|error| panic!("cannot run git: {error}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    git(dir, &["rev-parse", "HEAD"])
}

fn new_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("temporary folder: {error}"));
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

fn read_history(path: &Path) -> History {
    History::read(path).unwrap_or_else(|error| panic!("{error}"))
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

#[test]
fn score_json_has_the_issue_keys_and_the_report_numbers() {
    let root = repo_root();
    let score = run_failfirst(
        &root,
        &[
            "failfirst",
            "score",
            "--format",
            "json",
            "examples/payments-service",
        ],
    );
    assert_eq!(score.code, 0, "{}", score.stderr);
    let score = json_of(&score.stdout);
    let keys: Vec<&str> = score
        .as_object()
        .map(|object| object.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for key in [
        "score",
        "questions",
        "unknown_rate",
        "handlers",
        "crates",
        "frameworks",
    ] {
        assert!(keys.contains(&key), "no `{key}` in {keys:?}");
    }
    let report = run_failfirst(
        &root,
        &["failfirst", "--format", "json", "examples/payments-service"],
    );
    let summary = &json_of(&report.stdout)["summary"];
    for key in ["score", "unknown_rate", "handlers", "questions"] {
        assert_eq!(
            score[key], summary[key],
            "`{key}` differs from the report's"
        );
    }
    assert_eq!(
        score["questions"],
        json!({
            "q1_idempotent": 57.1,
            "q2_retry_safe": 57.1,
            "q3_downstream_uncertainty": 71.4,
            "q4_deadline": 85.7
        })
    );
    assert_eq!(score["crates"]["payments_service"]["handlers"], 7);
    assert_eq!(score["crates"]["payments_service"]["score"], 57.1);
    assert_eq!(score["frameworks"]["axum"]["handlers"], 7);
}

#[test]
fn score_prints_the_team_score_per_question_per_crate_and_per_framework() {
    let output = run_failfirst(
        &repo_root(),
        &["failfirst", "score", "examples/payments-service"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn history_round_trips() {
    let repository = new_repository();
    commit(
        repository.path(),
        &[
            ("Cargo.toml", MANIFEST),
            ("src/main.rs", &service(RELATIVE_DEBIT, true)),
        ],
        "ledger",
        "2026-01-05T10:00:00+01:00",
    );
    let recorded = run_failfirst(repository.path(), &["failfirst", "score", "--record"]);
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    let path = repository.path().join(".failfirst/history.jsonl");
    let mut history = read_history(&path);
    history.record(HistoryEntry::failed(
        "cannot read the cargo workspace: a broken manifest".to_string(),
        cargo_failfirst::history::Recorded::now(),
    ));
    let copy = repository.path().join("copy.jsonl");
    history
        .write(&copy)
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(read_history(&copy), history);
    let text = std::fs::read_to_string(&copy).unwrap_or_default();
    assert_eq!(text.lines().count(), 2, "one line per entry: {text}");
    let first = json_of(text.lines().next().unwrap_or_default());
    assert_eq!(first["branch"], "main");
    assert_eq!(first["time"], "2026-01-05T10:00:00+01:00");
    assert_eq!(first["tool"], env!("CARGO_PKG_VERSION"));
    assert_eq!(first["score"], 50.0);
    assert_eq!(
        first["answers"][0],
        json!({
            "id": "ledger::debit",
            "route": "POST /debit",
            "framework": "axum",
            "location": "src/main.rs:6",
            "verdicts": ["fail", "fail", "n/a", "n/a"],
            "failing": {
                "q1_idempotent": first["answers"][0]["failing"]["q1_idempotent"].clone(),
                "q2_retry_safe": first["answers"][0]["failing"]["q2_retry_safe"].clone()
            }
        })
    );
    assert!(first["answers"][0]["failing"]["q1_idempotent"][0]
        .as_str()
        .is_some_and(|line| line.starts_with("write-without-inbox at src/main.rs:7")));
}

#[test]
fn a_damaged_history_is_an_error_naming_its_line_and_is_left_alone() {
    let repository = new_repository();
    commit(
        repository.path(),
        &[
            ("Cargo.toml", MANIFEST),
            ("src/main.rs", &service(ABSOLUTE_DEBIT, false)),
        ],
        "ledger",
        "2026-01-05T10:00:00Z",
    );
    let path = repository.path().join(".failfirst/history.jsonl");
    std::fs::create_dir_all(repository.path().join(".failfirst")).unwrap_or_default();
    std::fs::write(&path, "{\"time\":\"2026-01-01T00:00:00Z\",\"tool\":\"0.1.0\",\"score\":1.0,\"questions\":{\"q1_idempotent\":1.0,\"q2_retry_safe\":1.0,\"q3_downstream_uncertainty\":1.0,\"q4_deadline\":1.0},\"unknown_rate\":0.0,\"handlers\":1,\"passing\":0,\"crates\":{},\"frameworks\":{}}\nnot json\n").unwrap_or_default();
    let before = std::fs::read_to_string(&path).unwrap_or_default();
    let output = run_failfirst(repository.path(), &["failfirst", "score", "--record"]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .contains("history.jsonl:2: not a score history entry"),
        "{}",
        output.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), before);
}

#[test]
fn recording_a_commit_again_replaces_its_entry() {
    let repository = new_repository();
    let dir = repository.path();
    let first = commit(
        dir,
        &[
            ("Cargo.toml", MANIFEST),
            ("src/main.rs", &service(RELATIVE_DEBIT, true)),
        ],
        "ledger",
        "2026-01-05T10:00:00Z",
    );
    let path = dir.join(".failfirst/history.jsonl");
    for _ in 0..2 {
        let output = run_failfirst(dir, &["failfirst", "score", "--record"]);
        assert_eq!(output.code, 0, "{}", output.stderr);
    }
    let history = read_history(&path);
    assert_eq!(history.entries.len(), 1);
    assert_eq!(history.entries[0].commit.as_deref(), Some(first.as_str()));
    assert!(!history.entries[0].dirty);

    // A change not committed yet is recorded under the commit, marked as such, and still
    // replaces the commit's entry.
    std::fs::write(dir.join("src/main.rs"), service(ABSOLUTE_DEBIT, true)).unwrap_or_default();
    let output = run_failfirst(dir, &["failfirst", "score", "--record"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let history = read_history(&path);
    assert_eq!(history.entries.len(), 1);
    assert!(history.entries[0].dirty);
    assert_eq!(
        history.entries[0].scores.as_ref().map(|s| s.team.score),
        Some(100.0)
    );

    let second = commit(dir, &[], "fix the debit", "2026-01-06T10:00:00Z");
    let output = run_failfirst(
        dir,
        &["failfirst", "score", "--record", "custom/scores.jsonl"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let custom = read_history(&dir.join("custom/scores.jsonl"));
    assert_eq!(custom.entries.len(), 1);
    assert_eq!(custom.entries[0].commit.as_deref(), Some(second.as_str()));
    assert_eq!(
        read_history(&path).entries.len(),
        1,
        "the default history is untouched"
    );
}

#[test]
fn recording_outside_git_has_no_commit_and_the_time_of_the_run() {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    std::fs::create_dir_all(dir.path().join("src")).unwrap_or_default();
    std::fs::write(dir.path().join("Cargo.toml"), MANIFEST).unwrap_or_default();
    std::fs::write(
        dir.path().join("src/main.rs"),
        service(RELATIVE_DEBIT, true),
    )
    .unwrap_or_default();
    let before = jiff::Timestamp::now();
    let output = run_failfirst(dir.path(), &["failfirst", "score", "--record"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let history = read_history(&dir.path().join(".failfirst/history.jsonl"));
    assert_eq!(history.entries.len(), 1);
    let entry = &history.entries[0];
    assert_eq!(entry.commit, None);
    assert_eq!(entry.branch, None);
    let time = entry
        .timestamp()
        .unwrap_or_else(|| panic!("time {}", entry.time));
    assert!(time.as_second() >= before.as_second() - 1 && time <= jiff::Timestamp::now());
}

#[test]
fn backfill_gives_the_series_of_the_branch_without_touching_the_work_tree() {
    let repository = new_repository();
    let dir = repository.path();
    let mut commits = vec![
        commit(
            dir,
            &[
                ("Cargo.toml", MANIFEST),
                ("src/main.rs", &service(RELATIVE_DEBIT, false)),
            ],
            "a debit that adds up on retry",
            "2026-01-01T09:00:00Z",
        ),
        commit(
            dir,
            &[("src/main.rs", &service(RELATIVE_DEBIT, true))],
            "a rename",
            "2026-01-02T09:00:00Z",
        ),
        commit(
            dir,
            &[("Cargo.toml", "[package\nname = ")],
            "a broken manifest",
            "2026-01-03T09:00:00Z",
        ),
        commit(
            dir,
            &[
                ("Cargo.toml", MANIFEST),
                ("src/main.rs", &service(ABSOLUTE_DEBIT, true)),
            ],
            "the debit sets the balance",
            "2026-01-04T09:00:00Z",
        ),
    ];
    // Beyond the last three, and a change in the work tree that no commit has.
    let oldest = commits.remove(0);
    std::fs::write(dir.join("src/main.rs"), "this is not rust").unwrap_or_default();
    let output = run_failfirst(dir, &["failfirst", "score", "--backfill", "3", "-j", "2"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stderr.contains("backfilled 3 commits of main"),
        "{}",
        output.stderr
    );

    let history = read_history(&dir.join(".failfirst/history.jsonl"));
    let series: Vec<(String, Option<f64>)> = history
        .entries
        .iter()
        .map(|entry| {
            (
                entry.commit.clone().unwrap_or_default(),
                entry.scores.as_ref().map(|scores| scores.team.score),
            )
        })
        .collect();
    assert_eq!(
        series,
        [
            (commits[0].clone(), Some(50.0)),
            (commits[1].clone(), None),
            (commits[2].clone(), Some(100.0)),
        ]
    );
    assert!(!series.iter().any(|(commit, _)| *commit == oldest));
    let failed = &history.entries[1];
    assert!(
        failed
            .error
            .as_deref()
            .is_some_and(|error| error.contains("Cargo.toml")),
        "{:?}",
        failed.error
    );
    // Not the temporary folder the commit was read into: the history would change from
    // one backfill to the next.
    assert!(
        failed
            .error
            .as_deref()
            .is_some_and(|error| !error.contains("failfirst-backfill-")),
        "{:?}",
        failed.error
    );
    let debit = |entry: &HistoryEntry| {
        entry
            .answers
            .iter()
            .find(|handler| handler.id == "ledger::debit")
            .map(|handler| handler.verdicts.map(|verdict| verdict.as_str()))
    };
    assert_eq!(
        debit(&history.entries[0]),
        Some(["fail", "fail", "n/a", "n/a"])
    );
    assert_eq!(
        debit(&history.entries[2]),
        Some(["pass", "pass", "n/a", "n/a"])
    );
    assert_eq!(history.entries[2].answers.len(), 2);
    assert!(history
        .entries
        .iter()
        .all(|entry| entry.branch.as_deref() == Some("main")));

    assert_eq!(
        std::fs::read_to_string(dir.join("src/main.rs")).unwrap_or_default(),
        "this is not rust"
    );
    assert_eq!(
        git(dir, &["status", "--porcelain"]),
        "M src/main.rs\n?? .failfirst/".trim()
    );

    // Backfilling again, further back, adds the older commit and replaces the others.
    let output = run_failfirst(dir, &["failfirst", "score", "--backfill", "10"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let history = read_history(&dir.join(".failfirst/history.jsonl"));
    assert_eq!(history.entries.len(), 4);
    assert_eq!(history.entries[0].commit.as_deref(), Some(oldest.as_str()));
    assert_eq!(
        history.entries[0].scores.as_ref().map(|s| s.team.score),
        Some(0.0)
    );
}

#[test]
fn backfill_outside_git_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let output = run_failfirst(dir.path(), &["failfirst", "score", "--backfill", "3"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("not in a git repository"),
        "{}",
        output.stderr
    );
}

#[test]
fn the_dashboard_of_an_empty_history_says_how_to_start_one() {
    let dashboard = cargo_failfirst::dashboard::build(
        "ledger",
        &History::default(),
        ".failfirst/history.jsonl",
    )
    .unwrap_or_else(|error| panic!("{error}"));
    assert!(dashboard.index_html.contains("No score history yet"));
    assert!(dashboard
        .index_html
        .contains("cargo failfirst score --backfill 30"));
    assert!(!dashboard.index_html.contains("id=\"score-chart\""));
    assert!(dashboard.badge_svg.contains("no score"));
}

#[test]
fn the_dashboard_of_one_entry_has_its_point_table_and_badge() {
    let history = history_of(vec![made_up_entry(1, "0.1.0", 4, 1)]);
    let dashboard = cargo_failfirst::dashboard::build("ledger", &history, "h.jsonl")
        .unwrap_or_else(|error| panic!("{error}"));
    let html = &dashboard.index_html;
    assert!(html.contains("id=\"score-chart\""));
    assert!(html.contains("<circle"), "one entry is drawn as points");
    assert_eq!(html.matches("<tr data-crate=").count(), 4);
    assert!(html.contains("nothing to compare it with yet"));
    assert!(html.contains("write-without-inbox at src/h3.rs:7"));
    assert!(
        dashboard.badge_svg.contains(">75%<"),
        "{}",
        dashboard.badge_svg
    );
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<link"),
        "the page is self-contained"
    );
}

#[test]
fn the_dashboard_of_hundreds_of_entries_marks_version_changes_and_what_changed() {
    let entries: Vec<Value> = (0..300)
        .map(|position| {
            let tool = if position < 200 { "0.1.0" } else { "0.2.0" };
            // Fewer failures as time goes on; the last entry adds a handler.
            let handlers = if position == 299 { 41 } else { 40 };
            let failing = 30 - position / 10;
            made_up_entry(position, tool, handlers, failing)
        })
        .collect();
    let mut history = history_of(entries);
    history.entries[150].scores = None;
    history.entries[150].answers.clear();
    history.entries[150].error = Some("cannot read the cargo workspace".to_string());
    let started = std::time::Instant::now();
    let dashboard = cargo_failfirst::dashboard::build("ledger", &history, "h.jsonl")
        .unwrap_or_else(|error| panic!("{error}"));
    let html = &dashboard.index_html;
    assert!(started.elapsed().as_secs() < 20);
    assert!(
        html.contains("failfirst 0.2.0"),
        "the version change is marked"
    );
    assert!(html.contains("1 could not be analysed"));
    assert_eq!(html.matches("<tr data-crate=").count(), 41);
    assert!(html.contains("New handlers (1)"));
    assert!(html.contains("POST /h40"));
    // Thinned labels: no more than eight commits written under the axis.
    let labels = (0..300)
        .filter(|position| html.contains(&format!("\n{:07x}\n</text>", position + 0xa000)))
        .count();
    assert!((2..=8).contains(&labels), "{labels} commit labels");
    assert!(
        dashboard.badge_svg.contains(">98%<"),
        "{}",
        dashboard.badge_svg
    );
}

#[test]
fn dashboard_writes_the_page_and_the_badge_from_the_history() {
    let repository = new_repository();
    let dir = repository.path();
    commit(
        dir,
        &[
            ("Cargo.toml", MANIFEST),
            ("src/main.rs", &service(RELATIVE_DEBIT, true)),
        ],
        "ledger",
        "2026-01-05T10:00:00Z",
    );
    assert_eq!(
        run_failfirst(dir, &["failfirst", "score", "--record"]).code,
        0
    );
    let output = run_failfirst(dir, &["failfirst", "dashboard", "-o", "site"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(output.stdout.trim(), "site/index.html");
    let html = std::fs::read_to_string(dir.join("site/index.html")).unwrap_or_default();
    assert!(html.contains("ledger::debit"));
    let badge = std::fs::read_to_string(dir.join("site/badge.svg")).unwrap_or_default();
    assert!(badge.contains(">50%<"), "{badge}");

    // The default folder is under cargo's target directory, which CARGO_TARGET_DIR moves
    // (one target directory shared by several checkouts): a page left there by an earlier
    // run is removed first.
    let page = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("target"))
        .join("failfirst/dashboard/index.html");
    let _ = std::fs::remove_file(&page);
    let output = run_failfirst(dir, &["failfirst", "dashboard"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(page.is_file(), "no page at {}", page.display());
}
