//! The human format: rustc-style diagnostics drawn by miette, each naming the handlers it
//! breaks and the calls that lead to it; then the table of handlers, a legend and the
//! summary line; and, when asked, the cards of the handlers that need a look.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use lint_core::report::{Finding, Handler, Level, PatchSummary, Report};
use miette::{LabeledSpan, NamedSource, Severity};

use super::cards;
use super::style::{plural, short_function, Paint};
use super::table;
use crate::diagnostic::{draw, Drawn};
use crate::sources::byte_offset;

/// How to draw the human format.
#[derive(Clone, Copy, Debug)]
pub struct HumanStyle {
    /// ANSI colours and styles.
    pub colour: bool,
    /// The width to fit the table to; `None` when not drawing on a terminal.
    pub width: Option<usize>,
    /// Print the cards of the handlers that fail or are unknown after the table.
    pub cards: bool,
}

/// How many handlers a diagnostic names before "and N more".
const HANDLERS_NAMED: usize = 3;

/// The list of handlers wraps as miette wraps the rest of a diagnostic: at 100 columns,
/// less the indent. A chain keeps one call to a line, however long.
const NOTE_WIDTH: usize = 100 - "  note: ".len();

/// Renders the report. `read_source` gives a file's text by its display path, for the
/// snippets.
pub fn render(
    report: &Report,
    read_source: &dyn Fn(&str) -> Option<String>,
    style: HumanStyle,
) -> String {
    let paint = Paint::new(style.colour);
    let mut out = String::new();
    let mut sources: BTreeMap<&str, Option<String>> = BTreeMap::new();
    // Suppressed findings are in the JSON report only; so are those of rules turned off.
    for finding in report
        .findings
        .iter()
        .filter(|finding| finding.is_reported())
    {
        let text = sources
            .entry(finding.file.as_str())
            .or_insert_with(|| read_source(&finding.file));
        out.push_str(&render_finding(
            report,
            finding,
            text.as_deref(),
            style.colour,
        ));
        out.push('\n');
    }
    out.push_str(&table::render(report, style.width, &paint));
    out.push_str(&summary_line(report));
    out.push('\n');
    if style.cards {
        let needing_a_look: Vec<&Handler> = report
            .handlers
            .iter()
            .filter(|handler| cards::needs_a_look(handler))
            .collect();
        if !needing_a_look.is_empty() {
            out.push('\n');
            out.push_str(&cards::render(report, &needing_a_look, &paint));
        }
    }
    out
}

/// One finding as rustc would print it, with the notes naming the handlers it breaks and
/// the calls that lead to it: for the human format, and for the `rendered` text of
/// `--message-format json`. `text` is the file's, for the snippet.
pub fn render_finding(
    report: &Report,
    finding: &Finding,
    text: Option<&str>,
    colour: bool,
) -> String {
    let paint = Paint::new(colour);
    let diagnostic = to_diagnostic(finding, text.unwrap_or_default().to_string());
    let rendered = draw(colour, &diagnostic).unwrap_or_else(|| {
        format!(
            "{}:{}:{}: {} [{}]\n",
            finding.file, finding.line, finding.column, finding.message, finding.rule
        )
    });
    let mut out = rendered.trim_end_matches('\n').to_string();
    out.push('\n');
    for note in notes(report, finding) {
        let mut lines = note.lines();
        if let Some(first) = lines.next() {
            let _ = writeln!(out, "  {} {first}", paint.note("note:"));
        }
        for more in lines {
            let _ = writeln!(out, "        {more}");
        }
    }
    out
}

/// What a finding breaks, and how the handler gets to it: the handlers by route (the first
/// few, then how many more), and the calls from the first handler to the finding's line.
fn notes(report: &Report, finding: &Finding) -> Vec<String> {
    let mut notes = Vec::new();
    let named: Vec<String> = finding
        .handlers
        .iter()
        .flat_map(|path| routes_of(report, path))
        .collect();
    if let Some((first, rest)) = named.split_first() {
        let mut text = format!("breaks {first}");
        let shown = rest.len().min(HANDLERS_NAMED - 1);
        for (position, other) in rest[..shown].iter().enumerate() {
            let last = position + 1 == shown && rest.len() == shown;
            text.push_str(if last { " and " } else { ", " });
            text.push_str(other);
        }
        if rest.len() > shown {
            let _ = write!(text, " and {} more", rest.len() - shown);
        }
        notes.push(wrap(&text, NOTE_WIDTH));
    }
    // A chain of one step is the handler's own body: nothing to add.
    if finding.chain.len() > 1 {
        let steps: Vec<String> = finding
            .chain
            .iter()
            .map(|step| {
                format!(
                    "{} ({}:{})",
                    short_function(&step.function),
                    step.file,
                    step.line
                )
            })
            .collect();
        notes.push(format!("through {}", steps.join("\n→ ")));
    }
    notes
}

/// The routes a handler path answers to, as `POST /api/orders (orders::create_order)`; a
/// function routed twice is named under both routes.
fn routes_of(report: &Report, path: &str) -> Vec<String> {
    let routes: Vec<String> = report
        .handlers
        .iter()
        .filter(|handler| handler.path == path)
        .map(|handler| format!("{} ({})", handler.route, short_function(&handler.path)))
        .collect();
    if routes.is_empty() {
        vec![short_function(path)]
    } else {
        routes
    }
}

/// Breaks each line of `text` between words so that no line is longer than `width`
/// characters, unless one word is.
fn wrap(text: &str, width: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out.join("\n")
}

/// A finding as miette draws it.
fn to_diagnostic(finding: &Finding, text: String) -> Drawn {
    let start = byte_offset(&text, finding.line, finding.column);
    let end = byte_offset(&text, finding.end_line, finding.end_column).max(start);
    let length = if end > start {
        end - start
    } else {
        usize::from(start < text.len())
    };
    Drawn {
        headline: finding.message.clone(),
        code: Some(format!("failfirst::{}", finding.rule)),
        severity: Some(match finding.level {
            Level::Deny => Severity::Error,
            Level::Warn => Severity::Warning,
            Level::Allow => Severity::Advice,
        }),
        help: finding.help.clone(),
        label: LabeledSpan::new_with_span(Some(finding.rule.to_string()), (start, length)),
        source: NamedSource::new(&finding.file, text),
    }
}

/// The one line that ends every human run, and that goes to standard error when the
/// report goes to a file: handlers, files, findings, score.
pub fn summary_line(report: &Report) -> String {
    let summary = &report.summary;
    let mut line = format!(
        "{} in {}",
        plural(summary.handlers, "handler", "handlers"),
        plural(summary.files, "file", "files")
    );
    if summary.files_failed > 0 {
        let _ = write!(line, " ({} could not be parsed)", summary.files_failed);
    }
    let _ = write!(
        line,
        " · {}, {}",
        plural(summary.findings.deny, "error", "errors"),
        plural(summary.findings.warn, "warning", "warnings")
    );
    if let Some(baselined) = summary.baselined {
        let _ = write!(line, " · {baselined} baselined");
    }
    // With no handler there is no score: "0.0%" would read as a failing team.
    if summary.handlers == 0 {
        line.push_str(" · no score (no handler found)");
    } else {
        let _ = write!(
            line,
            " · score {:.1}% (unknown {:.1}%)",
            summary.score, summary.unknown_rate
        );
    }
    match &summary.patch {
        Some(PatchSummary {
            patch_score: Some(score),
            patch_handlers,
        }) => {
            let _ = write!(
                line,
                " · patch score {score:.1}% ({} touched)",
                plural(*patch_handlers, "handler", "handlers")
            );
        }
        Some(PatchSummary {
            patch_score: None, ..
        }) => line.push_str(" · no patch score (the change touches no handler)"),
        None => {}
    }
    line
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn notes_wrap_between_words() {
        assert_eq!(
            wrap("breaks GET /a (x::a) and GET /b (x::b)", 20),
            "breaks GET /a (x::a)\nand GET /b (x::b)"
        );
    }
}
