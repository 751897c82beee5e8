//! The human output as a reader meets it: diagnostics that name the handlers they break,
//! the table at a terminal's width, cards, and runs that must not pass in silence.

use failfirst_e2e::*;

const EXAMPLE: &str = "examples/payments-service";

/// The table, legend and summary: what follows the last diagnostic.
fn table_part(stdout: &str) -> String {
    let start = stdout.find("route ").unwrap_or(0);
    stdout[start..].to_string()
}

#[test]
fn the_table_fits_80_columns() {
    let output = run_failfirst_on_terminal(&repo_root(), &["failfirst", EXAMPLE], Some(80));
    assert_eq!(output.code, 1, "{}", output.stderr);
    let table = table_part(&output.stdout);
    for line in table.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line}");
    }
    insta::assert_snapshot!(table);
}

#[test]
fn the_table_at_200_columns_shows_everything_in_words() {
    let output = run_failfirst_on_terminal(&repo_root(), &["failfirst", EXAMPLE], Some(200));
    insta::assert_snapshot!(table_part(&output.stdout));
}

#[test]
fn a_diagnostic_names_the_handler_and_the_calls_that_reach_it() {
    let output = run_failfirst(&repo_root(), &["failfirst", EXAMPLE]);
    let first = output
        .stdout
        .split("\n\n")
        .take(2)
        .collect::<Vec<_>>()
        .join("\n\n");
    insta::assert_snapshot!(first);
}

#[test]
fn a_card_shows_one_handler() {
    let output = run_failfirst(
        &repo_root(),
        &["failfirst", "card", "POST /api/payments/charge", EXAMPLE],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    insta::assert_snapshot!(output.stdout);
}

/// A scratch folder of the test's own, empty, under the system's temporary folder (where no
/// `Cargo.toml` is above it).
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("failfirst-human-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    dir
}

const ONE_HANDLER: &str = "use axum::{routing::post, Router};\n\nfn app() -> Router {\n    Router::new().route(\"/orders\", post(create))\n}\n\nasync fn create() -> &'static str {\n    \"ok\"\n}\n";

#[test]
fn an_empty_folder_is_a_usage_error_naming_it() {
    let dir = scratch("empty");
    let _ = std::fs::create_dir_all(dir.join("nothing-here"));
    let output = run_failfirst(&dir, &["failfirst", "nothing-here"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 2, "{}", output.stdout);
    assert!(
        output
            .stderr
            .contains("error: no Rust file found in nothing-here"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_file_that_is_not_rust_is_refused() {
    let output = run_failfirst(&repo_root(), &["failfirst", "README.md"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("README.md: not a Rust file"),
        "{}",
        output.stderr
    );
}

#[test]
fn files_without_a_cargo_toml_are_linted_with_a_warning() {
    let dir = scratch("no-manifest");
    let _ = std::fs::create_dir_all(dir.join("src"));
    let _ = std::fs::write(dir.join("src/main.rs"), ONE_HANDLER);
    let output = run_failfirst(&dir, &["failfirst", "src"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("warning: no Cargo.toml above src/main.rs: linted as a crate of its own"),
        "{}",
        output.stderr
    );
    // Counts read as English: one handler, one file.
    assert!(
        output
            .stdout
            .contains("1 handler in 1 file · 0 errors, 0 warnings · score 100.0%"),
        "{}",
        output.stdout
    );
}

#[test]
fn a_package_with_no_handler_warns_and_suggests_the_workspace() {
    let output = run_failfirst(&repo_root(), &["failfirst", "-p", "lint-core"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stderr.contains("warning: no handler found in"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains("help: this linted package `lint-core`; `--workspace` lints every member"),
        "{}",
        output.stderr
    );
    assert!(output.stdout.contains("no score (no handler found)"));
}

#[test]
fn with_a_report_file_the_summary_still_goes_to_stderr() {
    let dir = scratch("output");
    let target = dir.join("report.txt");
    let output = run_failfirst(
        &repo_root(),
        &[
            "failfirst",
            EXAMPLE,
            "--output",
            target.to_str().unwrap_or_default(),
        ],
    );
    let written = std::fs::read_to_string(&target).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 1);
    assert!(output.stdout.is_empty());
    assert!(written.contains("failfirst::write-without-inbox"));
    assert!(
        output
            .stderr
            .starts_with("7 handlers in 10 files · 8 errors, 4 warnings · score 57.1%"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("report written to"),
        "{}",
        output.stderr
    );
}

#[test]
fn the_parse_error_count_is_the_number_of_parse_errors() {
    let output = run_failfirst(
        &repo_root(),
        &[
            "failfirst",
            "fixtures/discovery/broken/src/good.rs",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    let parse_errors = report["findings"]
        .as_array()
        .map(|findings| {
            findings
                .iter()
                .filter(|finding| finding["rule"] == "parse-error")
                .count()
        })
        .unwrap_or(usize::MAX);
    // The crate's broken files are read to resolve calls, but only the file named is
    // reported: neither its findings nor its count include them.
    assert_eq!(parse_errors, 0, "{}", output.stdout);
    assert_eq!(report["summary"]["files_failed"], 0);
    let whole = run_failfirst(
        &repo_root(),
        &["failfirst", "fixtures/discovery/broken", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&whole.stdout).unwrap_or_default();
    let parse_errors = report["findings"]
        .as_array()
        .map(|findings| {
            findings
                .iter()
                .filter(|finding| finding["rule"] == "parse-error")
                .count()
        })
        .unwrap_or_default();
    assert!(parse_errors > 0);
    assert_eq!(report["summary"]["files_failed"], parse_errors);
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = run_failfirst(&repo_root(), &["failfirst", "completions", shell]);
        assert_eq!(output.code, 0, "{shell}: {}", output.stderr);
        assert!(
            output.stdout.contains("cargo-failfirst") && output.stdout.contains("manifest-path"),
            "{shell}: {}",
            output.stdout
        );
    }
}

#[test]
fn a_card_query_that_matches_nothing_is_an_error() {
    let output = run_failfirst(
        &repo_root(),
        &["failfirst", "card", "DELETE /nowhere", EXAMPLE],
    );
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .contains("no handler matches `DELETE /nowhere`"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_card_is_found_by_place() {
    let output = run_failfirst(
        &repo_root(),
        &[
            "failfirst",
            "card",
            "examples/payments-service/src/handlers/payments.rs:60",
        ],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stdout.starts_with("POST /api/payments\n"),
        "{}",
        output.stdout
    );
}

#[test]
fn cards_of_the_failing_handlers_follow_the_table_when_asked() {
    let output = run_failfirst(&repo_root(), &["failfirst", EXAMPLE, "--cards"]);
    let after_summary = output
        .stdout
        .split("score 57.1% (unknown 0.0%)\n")
        .nth(1)
        .unwrap_or_default();
    let titles: Vec<&str> = after_summary
        .lines()
        .filter(|line| line.starts_with("POST") || line.starts_with("GET"))
        .collect();
    assert_eq!(
        titles,
        [
            "POST /api/orders",
            "POST /api/payments/charge",
            "POST /api/payments/{id}/refund"
        ]
    );
}
