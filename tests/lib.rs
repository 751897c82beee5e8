//! Helpers for the end-to-end tests in `tests/`: run `cargo failfirst` in process on the
//! fixtures, read the expectation markers, and compare.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// What a run printed and its exit code.
pub struct RunOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cargo failfirst ARGS` in `cwd`, without colour, as when its output is not a
/// terminal.
pub fn run_failfirst(cwd: &Path, args: &[&str]) -> RunOutput {
    run_failfirst_on_terminal(cwd, args, None)
}

/// Runs `cargo failfirst ARGS` in `cwd` as on a terminal `width` characters wide (without
/// colour, and without a progress bar, which would go to the real standard error).
pub fn run_failfirst_on_terminal(cwd: &Path, args: &[&str], width: Option<usize>) -> RunOutput {
    run_failfirst_in(cwd, args, width, &[])
}

/// Runs `cargo failfirst ARGS` in `cwd`, without colour, seeing only the environment
/// variables given (as a CI runner would set them).
pub fn run_failfirst_with_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> RunOutput {
    run_failfirst_in(cwd, args, None, env)
}

fn run_failfirst_in(
    cwd: &Path,
    args: &[&str],
    width: Option<usize>,
    env: &[(&str, &str)],
) -> RunOutput {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let lookup = |name: &str| {
        env.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    };
    let code = {
        let mut io = cargo_failfirst::Io {
            stdout: &mut stdout,
            stderr: &mut stderr,
            colour: false,
            width,
            progress: false,
            env: &lookup,
        };
        cargo_failfirst::run(args.iter().map(OsString::from).collect(), cwd, &mut io)
    };
    RunOutput {
        code,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Copies a folder (a fixture) to `to`, for a test that edits it.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("the copy's folder can be made");
    let entries = std::fs::read_dir(from)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", from.display()));
    for entry in entries.flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("a fixture file copies");
        }
    }
}

/// An expected or reported handler: file (as displayed), line, route.
pub type HandlerKey = (String, u32, String);

/// Every `//~ ..` marker of every readable `.rs` file under `dir`, as (file relative to
/// `cwd`, line, marker text); a line may hold several.
fn markers(dir: &Path, cwd: &Path) -> Vec<(String, u32, String)> {
    let mut out = Vec::new();
    for entry in rust_files(dir) {
        let Ok(text) = std::fs::read_to_string(&entry) else {
            continue;
        };
        let shown = entry
            .strip_prefix(cwd)
            .unwrap_or(&entry)
            .to_string_lossy()
            .replace('\\', "/");
        for (number, line) in text.lines().enumerate() {
            for marker in line.split("//~").skip(1) {
                out.push((shown.clone(), number as u32 + 1, marker.trim().to_string()));
            }
        }
    }
    out
}

/// The `//~ handler: ROUTE; ROUTE` markers under `dir`.
pub fn handler_markers(dir: &Path, cwd: &Path) -> BTreeSet<HandlerKey> {
    let mut out = BTreeSet::new();
    for (file, line, marker) in markers(dir, cwd) {
        let Some(routes) = marker.strip_prefix("handler:") else {
            continue;
        };
        for route in routes.split(';') {
            out.insert((file.clone(), line, route.trim().to_string()));
        }
    }
    out
}

/// Every `.rs` file under `dir`, in a stable order.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .collect();
    out.sort();
    out
}

/// The (file, line, `field`) of each entry of a JSON report's `list`.
fn keyed(report: &serde_json::Value, list: &str, field: &str) -> BTreeSet<(String, u32, String)> {
    report[list]
        .as_array()
        .into_iter()
        .flatten()
        .map(|entry| {
            (
                entry["file"].as_str().unwrap_or_default().to_string(),
                entry["line"].as_u64().unwrap_or_default() as u32,
                entry[field].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The handlers of a JSON report.
pub fn reported_handlers(report: &serde_json::Value) -> BTreeSet<HandlerKey> {
    keyed(report, "handlers", "route")
}

/// Accuracy as ast-grep reports it: expectations met, extra findings, missing ones.
pub struct Accuracy {
    pub validated: usize,
    pub noisy: Vec<HandlerKey>,
    pub missing: Vec<HandlerKey>,
}

pub fn compare(expected: &BTreeSet<HandlerKey>, reported: &BTreeSet<HandlerKey>) -> Accuracy {
    Accuracy {
        validated: expected.intersection(reported).count(),
        noisy: reported.difference(expected).cloned().collect(),
        missing: expected.difference(reported).cloned().collect(),
    }
}

/// An expected or reported finding: file (as displayed), line, rule.
pub type FindingKey = (String, u32, String);

/// The `//~ rule-a, rule-b` markers (not `//~ handler:` nor `//~ answers:`) under `dir`.
pub fn finding_markers(dir: &Path, cwd: &Path) -> BTreeSet<FindingKey> {
    let mut out = BTreeSet::new();
    for (file, line, marker) in markers(dir, cwd) {
        if marker.starts_with("handler:") || marker.starts_with("answers:") {
            continue;
        }
        for rule in marker.split(',') {
            let rule = rule.split_whitespace().next().unwrap_or_default();
            if !rule.is_empty() {
                out.insert((file.clone(), line, rule.to_string()));
            }
        }
    }
    out
}

/// An expected or reported answer: the handler's file and line, the question (`q1` …) and
/// the verdict (`pass`, `fail`, `unknown`, `n/a`).
pub type AnswerKey = (String, u32, String, String);

/// The `//~ answers: q1 pass, q2 fail` markers under `dir`, on a handler's line.
pub fn answer_markers(dir: &Path, cwd: &Path) -> BTreeSet<AnswerKey> {
    let mut out = BTreeSet::new();
    for (file, line, marker) in markers(dir, cwd) {
        let Some(answers) = marker.strip_prefix("answers:") else {
            continue;
        };
        for answer in answers.split(',') {
            let mut words = answer.split_whitespace();
            if let (Some(question), Some(verdict)) = (words.next(), words.next()) {
                out.insert((
                    file.clone(),
                    line,
                    question.to_string(),
                    verdict.to_string(),
                ));
            }
        }
    }
    out
}

/// The answers a JSON report gives, for the handlers and questions that `expected` names.
pub fn reported_answers(
    report: &serde_json::Value,
    expected: &BTreeSet<AnswerKey>,
) -> BTreeSet<AnswerKey> {
    let field = |question: &str| match question {
        "q1" => "q1_idempotent",
        "q2" => "q2_retry_safe",
        "q3" => "q3_downstream_uncertainty",
        _ => "q4_deadline",
    };
    let mut out = BTreeSet::new();
    for handler in report["handlers"].as_array().into_iter().flatten() {
        let file = handler["file"].as_str().unwrap_or_default();
        let line = handler["line"].as_u64().unwrap_or_default() as u32;
        for (expected_file, expected_line, question, _) in expected {
            if expected_file == file && *expected_line == line {
                let verdict = handler["questions"][field(question)]["verdict"]
                    .as_str()
                    .unwrap_or_default();
                out.insert((
                    file.to_string(),
                    line,
                    question.clone(),
                    verdict.to_string(),
                ));
            }
        }
    }
    out
}

/// The findings of a JSON report.
pub fn reported_findings(report: &serde_json::Value) -> BTreeSet<FindingKey> {
    let mut reported = report.clone();
    // A rule turned off leaves its findings in the JSON, at level `allow`, for the answers
    // that cite them; they are not reported.
    if let Some(findings) = reported["findings"].as_array_mut() {
        findings.retain(|finding| finding["level"] != "allow");
    }
    keyed(&reported, "findings", "rule")
}

/// Asserts that `report` finds exactly the handlers and the findings the markers of the
/// fixture at `fixture` expect; otherwise names the noisy and the missing, per rule.
pub fn assert_markers_match(name: &str, fixture: &Path, cwd: &Path, report: &serde_json::Value) {
    let handlers = compare(&handler_markers(fixture, cwd), &reported_handlers(report));
    assert!(
        handlers.noisy.is_empty() && handlers.missing.is_empty(),
        "{name} handlers: noisy {:#?} missing {:#?}",
        handlers.noisy,
        handlers.missing
    );
    let expected = finding_markers(fixture, cwd);
    let reported = reported_findings(report);
    let noisy: Vec<_> = reported.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&reported).collect();
    assert!(
        noisy.is_empty() && missing.is_empty(),
        "{name}:\n{}noisy (reported, not marked): {noisy:#?}\nmissing (marked, not reported): {missing:#?}",
        accuracy_by_rule(&expected, &reported)
    );
}

/// Accuracy per rule, as ast-grep reports it.
pub fn accuracy_by_rule(
    expected: &BTreeSet<FindingKey>,
    reported: &BTreeSet<FindingKey>,
) -> String {
    let mut rules: BTreeSet<&str> = expected.iter().map(|key| key.2.as_str()).collect();
    rules.extend(reported.iter().map(|key| key.2.as_str()));
    let mut out = String::new();
    for rule in rules {
        let expected_rule: BTreeSet<_> = expected.iter().filter(|key| key.2 == rule).collect();
        let reported_rule: BTreeSet<_> = reported.iter().filter(|key| key.2 == rule).collect();
        out.push_str(&format!(
            "{rule}: {} validated, {} noisy, {} missing\n",
            expected_rule.intersection(&reported_rule).count(),
            reported_rule.difference(&expected_rule).count(),
            expected_rule.difference(&reported_rule).count()
        ));
    }
    out
}

/// A history entry as the dashboard reads it, made up: `handlers` handlers over two crates,
/// the last `failing` of which fail Q1 and Q2.
pub fn made_up_entry(
    position: usize,
    tool: &str,
    handlers: usize,
    failing: usize,
) -> serde_json::Value {
    let answers: Vec<serde_json::Value> = (0..handlers)
        .map(|index| {
            let crate_name = if index % 2 == 0 { "orders" } else { "payments" };
            let fails = index >= handlers - failing;
            let verdicts = if fails {
                serde_json::json!(["fail", "fail", "pass", "pass"])
            } else {
                serde_json::json!(["pass", "pass", "pass", "n/a"])
            };
            let mut answer = serde_json::json!({
                "id": format!("{crate_name}::handlers::h{index}"),
                "route": format!("POST /h{index}"),
                "framework": "axum",
                "location": format!("src/h{index}.rs:3"),
                "verdicts": verdicts,
            });
            if fails {
                answer["failing"] = serde_json::json!({
                    "q1_idempotent": [format!("write-without-inbox at src/h{index}.rs:7")],
                    "q2_retry_safe": [format!("write-without-inbox at src/h{index}.rs:7")],
                });
            }
            answer
        })
        .collect();
    let score = if handlers == 0 {
        0.0
    } else {
        ((handlers - failing) as f64 * 1000.0 / handlers as f64).round() / 10.0
    };
    let shares = serde_json::json!({
        "score": score,
        "questions": {"q1_idempotent": score, "q2_retry_safe": score, "q3_downstream_uncertainty": 100.0, "q4_deadline": 100.0},
        "unknown_rate": 0.0,
        "handlers": handlers,
        "passing": handlers - failing,
    });
    let mut entry = shares.clone();
    entry["commit"] = serde_json::json!(format!("{:07x}{:033x}", position + 0xa000, 0));
    entry["time"] = serde_json::json!(jiff::Timestamp::from_second(
        1_780_000_000 + position as i64 * 3600
    )
    .map(|time| time.to_string())
    .unwrap_or_default());
    entry["branch"] = serde_json::json!("main");
    entry["tool"] = serde_json::json!(tool);
    entry["crates"] = serde_json::json!({ "orders": shares.clone(), "payments": shares.clone() });
    entry["frameworks"] = serde_json::json!({ "axum": shares });
    entry["answers"] = serde_json::Value::Array(answers);
    entry
}

pub fn history_of(entries: Vec<serde_json::Value>) -> cargo_failfirst::history::History {
    cargo_failfirst::history::History {
        entries: entries
            .into_iter()
            .map(|entry| serde_json::from_value(entry).unwrap_or_else(|error| panic!("{error}")))
            .collect(),
    }
}
