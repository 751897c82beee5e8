//! The human format: rustc-style diagnostics drawn by miette, then the table of handlers and
//! the score.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use lint_core::report::{Finding, Level, Report};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
};

/// A finding as miette draws it.
#[derive(Debug)]
struct FindingDiagnostic {
    message: String,
    rule: &'static str,
    severity: Severity,
    help: Option<String>,
    source: NamedSource<String>,
    label: LabeledSpan,
}

impl std::fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(format!("failfirst::{}", self.rule)))
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}

/// Renders the report. `read_source` gives a file's text by its display path, for the
/// snippets; `colour` turns on ANSI styles.
pub fn render(
    report: &Report,
    read_source: &dyn Fn(&str) -> Option<String>,
    colour: bool,
) -> String {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    let mut sources: BTreeMap<&str, Option<String>> = BTreeMap::new();
    // Suppressed findings are in the JSON report only.
    for finding in report
        .findings
        .iter()
        .filter(|finding| finding.suppressed.is_none())
    {
        let text = sources
            .entry(finding.file.as_str())
            .or_insert_with(|| read_source(&finding.file))
            .clone();
        let diagnostic = to_diagnostic(finding, text.unwrap_or_default());
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &diagnostic).is_err() {
            rendered = format!(
                "{}:{}:{}: {} [{}]\n",
                finding.file, finding.line, finding.column, finding.message, finding.rule
            );
        }
        out.push_str(&rendered);
        out.push('\n');
    }
    render_handler_table(report, &mut out);
    out
}

fn to_diagnostic(finding: &Finding, text: String) -> FindingDiagnostic {
    let start = byte_offset(&text, finding.line, finding.column);
    let end = byte_offset(&text, finding.end_line, finding.end_column).max(start);
    let length = if end > start {
        end - start
    } else {
        usize::from(start < text.len())
    };
    FindingDiagnostic {
        message: finding.message.clone(),
        rule: finding.rule,
        severity: match finding.level {
            Level::Deny => Severity::Error,
            Level::Warn => Severity::Warning,
            Level::Allow => Severity::Advice,
        },
        help: finding.help.clone(),
        label: LabeledSpan::new_with_span(Some(finding.rule.to_string()), (start, length)),
        source: NamedSource::new(&finding.file, text),
    }
}

/// The byte offset of a 1-based line and character column, clamped to the text.
fn byte_offset(text: &str, line: u32, column: u32) -> usize {
    let mut offset = 0;
    for (number, line_text) in text.split_inclusive('\n').enumerate() {
        if number + 1 == line as usize {
            let within = line_text
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map_or(line_text.trim_end_matches('\n').len(), |(index, _)| index);
            return offset + within;
        }
        offset += line_text.len();
    }
    text.len()
}

fn render_handler_table(report: &Report, out: &mut String) {
    let summary = &report.summary;
    if report.handlers.is_empty() {
        let _ = writeln!(
            out,
            "no handlers found in {} files of {} crates",
            summary.files, summary.crates
        );
    } else {
        let rows: Vec<[String; 7]> = report
            .handlers
            .iter()
            .map(|handler| {
                [
                    handler.route.to_string(),
                    handler.path.clone(),
                    format!("{}:{}", handler.file, handler.line),
                    handler.questions.q1_idempotent.verdict.as_str().to_string(),
                    handler.questions.q2_retry_safe.verdict.as_str().to_string(),
                    handler
                        .questions
                        .q3_downstream_uncertainty
                        .verdict
                        .as_str()
                        .to_string(),
                    handler.questions.q4_deadline.verdict.as_str().to_string(),
                ]
            })
            .collect();
        let header = ["route", "handler", "location", "Q1", "Q2", "Q3", "Q4"].map(str::to_string);
        let mut widths = header.clone().map(|cell| cell.chars().count());
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for row in std::iter::once(&header).chain(rows.iter()) {
            let line: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            let _ = writeln!(out, "{}", line.join("  ").trim_end());
        }
        let _ = writeln!(out);
    }
    // With no handler there is no score: "0.0%" would read as a failing team.
    let score = if summary.handlers == 0 {
        "no score (no handler found)".to_string()
    } else {
        format!(
            "score {:.1}% (unknown {:.1}%)",
            summary.score, summary.unknown_rate
        )
    };
    let _ = writeln!(
        out,
        "{} handlers in {} files ({} could not be parsed) · {} errors, {} warnings · {score}",
        summary.handlers,
        summary.files,
        summary.files_failed,
        summary.findings.deny,
        summary.findings.warn
    );
}

#[cfg(test)]
mod tests {
    use super::byte_offset;

    #[test]
    fn offsets_count_characters_within_a_line() {
        let text = "ab\ncafé x\n";
        assert_eq!(byte_offset(text, 2, 1), 3);
        assert_eq!(byte_offset(text, 2, 6), 3 + "café ".len());
        assert_eq!(byte_offset(text, 9, 1), text.len());
    }
}
