//! `--format json`: the full report, schema in `docs/json-report.md`.

use lint_core::report::Report;

pub fn render(report: &Report) -> String {
    // Serialising plain owned data cannot fail; an error here would be a bug in the report
    // types, and is shown as an empty object rather than a panic.
    let mut text = serde_json::to_string_pretty(report)
        .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"));
    text.push('\n');
    text
}
