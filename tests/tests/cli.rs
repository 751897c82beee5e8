//! The command line as a user meets it: help, errors, exit codes, determinism, and the
//! tool run on its own workspace.

use failfirst_e2e::*;

#[test]
fn help_explains_every_flag() {
    let output = run_failfirst(&repo_root(), &["failfirst", "--help"]);
    assert_eq!(output.code, 0);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn runs_clean_on_its_own_workspace() {
    let root = repo_root();
    let output = run_failfirst(&root, &["failfirst", "--workspace"]);
    assert_eq!(
        output.code, 0,
        "stdout: {}\nstderr: {}",
        output.stdout, output.stderr
    );
    assert!(
        output.stdout.contains("0 errors, 0 warnings"),
        "{}",
        output.stdout
    );
}

#[test]
fn a_missing_path_is_a_usage_error_naming_it() {
    let output = run_failfirst(&repo_root(), &["failfirst", "no/such/dir"]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .contains("no/such/dir: no such file or folder"),
        "{}",
        output.stderr
    );
}

#[test]
fn an_unknown_rule_is_a_usage_error_with_a_suggestion() {
    let output = run_failfirst(
        &repo_root(),
        &["failfirst", "-A", "parse-eror", "fixtures/discovery/axum"],
    );
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("did you mean `parse-error`"),
        "{}",
        output.stderr
    );
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let output = run_failfirst(&repo_root(), &["failfirst", "--format", "yaml"]);
    assert_eq!(output.code, 2);
}

#[test]
fn allowing_a_rule_removes_its_findings_and_the_failure() {
    let output = run_failfirst(
        &repo_root(),
        &[
            "failfirst",
            "-A",
            "parse-error",
            // The good file's unkeyed INSERT is a `deny` finding of its own.
            "-A",
            "write-without-inbox",
            "fixtures/discovery/broken",
        ],
    );
    assert_eq!(output.code, 0, "{}", output.stdout);
    let output = run_failfirst(
        &repo_root(),
        &[
            "failfirst",
            "-W",
            "parse-error",
            "-A",
            "write-without-inbox",
            "fixtures/discovery/broken",
        ],
    );
    assert_eq!(output.code, 0);
    assert!(
        output.stdout.contains("0 errors, 2 warnings"),
        "{}",
        output.stdout
    );
}

/// Rule levels decide what is printed and what fails the run; the answers and the team
/// score stay as the code makes them, or the score could be bought with a flag.
#[test]
fn allowing_a_rule_leaves_the_answers_and_the_score_as_they_were() {
    let json = |extra: &[&str]| {
        let mut args = vec!["failfirst", "examples/payments-service", "--format", "json"];
        args.extend_from_slice(extra);
        let output = run_failfirst(&repo_root(), &args);
        serde_json::from_str::<serde_json::Value>(&output.stdout).unwrap_or_default()
    };
    let plain = json(&[]);
    let allowed = json(&[
        "-A",
        "write-without-inbox",
        "-A",
        "downstream-without-deadline",
        "-A",
        "call-inside-transaction",
        "-A",
        "uncertain-as-failure",
        "-A",
        "retry-non-idempotent",
    ]);
    assert_eq!(plain["summary"]["score"], allowed["summary"]["score"]);
    assert_eq!(plain["handlers"], allowed["handlers"]);
    // The allowed findings are neither counted nor printed, but the JSON keeps them, at
    // level `allow`, for the answers that cite them.
    assert_eq!(plain["summary"]["findings"]["deny"], 8);
    assert_eq!(allowed["summary"]["findings"]["deny"], 0);
    let allowed_findings: Vec<&serde_json::Value> = allowed["findings"]
        .as_array()
        .map(|findings| {
            findings
                .iter()
                .filter(|finding| finding["rule"] == "write-without-inbox")
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(allowed_findings.len(), 4);
    assert!(allowed_findings
        .iter()
        .all(|finding| finding["level"] == "allow"));
    let human = run_failfirst(
        &repo_root(),
        &[
            "failfirst",
            "examples/payments-service",
            "-A",
            "write-without-inbox",
        ],
    );
    assert!(!human.stdout.contains("failfirst::write-without-inbox"));
    assert!(human.stdout.contains("score 57.1%"), "{}", human.stdout);
}

#[test]
fn explain_prints_the_rule_documentation() {
    let output = run_failfirst(&repo_root(), &["failfirst", "explain", "parse-error"]);
    assert_eq!(output.code, 0);
    assert!(output.stdout.contains("## What it does"));
    let output = run_failfirst(&repo_root(), &["failfirst", "rules"]);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let root = repo_root();
    let one = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures",
            "examples",
            "--format",
            "json",
            "-j",
            "1",
        ],
    );
    let two = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures",
            "examples",
            "--format",
            "json",
            "-j",
            "2",
        ],
    );
    let four = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures",
            "examples",
            "--format",
            "json",
            "-j",
            "4",
        ],
    );
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn json_report_has_the_documented_shape() {
    let root = repo_root();
    let output = run_failfirst(
        &root,
        &["failfirst", "fixtures/discovery/broken", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    assert_eq!(report["version"], 1);
    let handler = &report["handlers"][0];
    for key in [
        "name",
        "path",
        "framework",
        "route",
        "file",
        "line",
        "questions",
    ] {
        assert!(!handler[key].is_null(), "handler lacks `{key}`: {handler}");
    }
    for question in [
        "q1_idempotent",
        "q2_retry_safe",
        "q3_downstream_uncertainty",
        "q4_deadline",
    ] {
        assert!(
            handler["questions"][question]["verdict"].is_string(),
            "{question}"
        );
        assert!(
            handler["questions"][question]["evidence"].is_array(),
            "{question}"
        );
    }
    let finding = &report["findings"][0];
    for key in [
        "rule",
        "level",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
    ] {
        assert!(!finding[key].is_null(), "finding lacks `{key}`: {finding}");
    }
    for key in [
        "files",
        "handlers",
        "findings",
        "score",
        "unknown_rate",
        "calls",
    ] {
        assert!(!report["summary"][key].is_null(), "summary lacks `{key}`");
    }
}

#[test]
fn writes_the_report_to_a_file() {
    let root = repo_root();
    let dir = std::env::temp_dir().join(format!("failfirst-output-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let target = dir.join("report.json");
    let output = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures/discovery/axum",
            "--format",
            "json",
            "--output",
            target.to_str().unwrap_or_default(),
        ],
    );
    // The fixture's unkeyed INSERT is a `deny` finding: exit 1, and nothing on stdout.
    assert_eq!(output.code, 1);
    assert!(output.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap_or_default();
    assert!(written.contains("\"handlers\""));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The README's rule table is the one `cargo failfirst rules` prints: kept in step.
#[test]
fn readme_lists_every_rule_as_the_tool_does() {
    let root = repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    let output = run_failfirst(&root, &["failfirst", "rules"]);
    for line in output.stdout.lines() {
        assert!(
            readme.contains(line),
            "README.md lacks the rule line:\n{line}"
        );
    }
}

#[test]
fn lints_the_package_a_manifest_path_names() {
    let root = repo_root();
    let output = run_failfirst(
        &root,
        &[
            "failfirst",
            "--manifest-path",
            "fixtures/discovery/axum/Cargo.toml",
            "--format",
            "json",
        ],
    );
    // 1: the fixture's unkeyed INSERT is a `deny` finding; a usage error would be 2.
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    assert_eq!(report["summary"]["handlers"], 7, "{}", output.stdout);
}

#[test]
fn a_package_of_the_workspace_can_be_chosen_and_an_unknown_one_is_an_error() {
    let root = repo_root();
    let output = run_failfirst(&root, &["failfirst", "-p", "lint-core", "--format", "json"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    assert_eq!(report["summary"]["crates"], 1);
    let output = run_failfirst(&root, &["failfirst", "-p", "no-such-package"]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .contains("package `no-such-package` is not a member"),
        "{}",
        output.stderr
    );
}

/// A run that finds no handler has no score, rather than a failing 0.0%.
#[test]
fn no_handler_no_score() {
    let output = run_failfirst(&repo_root(), &["failfirst", "annotations/src"]);
    assert!(
        output.stdout.contains("0 handlers") && output.stdout.contains("no score"),
        "{}",
        output.stdout
    );
}

/// cargo's integration tests and benches (`tests/`, `benches/`) are crates of their own
/// that only use the library: no handler is there and no handler's path reaches them, so
/// they are not read, whether the input is the workspace or a folder; a file of theirs
/// named on the command line is.
#[test]
fn integration_tests_and_benches_are_not_read_unless_named() {
    let scratch = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let dir = scratch.path();
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(dir)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, text).unwrap_or_else(|error| panic!("{error}"));
    };
    write(
        "Cargo.toml",
        "[package]\nname = \"orders\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    write(
        "src/main.rs",
        "use axum::{routing::get, Router};\n\nfn app() -> Router {\n    Router::new().route(\"/orders\", get(list))\n}\n\nasync fn list() -> &'static str {\n    \"[]\"\n}\n",
    );
    // Neither parses: read, each would be a `parse-error`.
    write("tests/api.rs", "#[test]\nfn lists( {\n");
    write("tests/common/mod.rs", "pub fn server( {\n");
    write("benches/load.rs", "fn main( {\n");
    let files_and_parse_errors = |args: &[&str]| {
        let output = run_failfirst(dir, args);
        let report: serde_json::Value = serde_json::from_str(&output.stdout)
            .unwrap_or_else(|error| panic!("{error}: {} {}", output.stdout, output.stderr));
        let parse_errors = report["findings"].as_array().map_or(0, |findings| {
            findings
                .iter()
                .filter(|finding| finding["rule"] == "parse-error")
                .count()
        });
        (report["summary"]["files"].clone(), parse_errors)
    };
    let json = ["failfirst", "--format", "json"];
    assert_eq!(files_and_parse_errors(&json), (1.into(), 0));
    assert_eq!(
        files_and_parse_errors(&["failfirst", ".", "--format", "json"]),
        (1.into(), 0)
    );
    assert_eq!(
        files_and_parse_errors(&["failfirst", "tests/api.rs", "--format", "json"]),
        (2.into(), 1)
    );
}
