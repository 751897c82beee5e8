//! A handler's card: its route and place, each question's answer with the evidence behind
//! it, the findings on its path, and the calls the analysis could not follow — what a reader
//! needs to act on a `fail` or to resolve an `unknown`.

use std::fmt::Write as _;

use lint_core::report::{Evidence, Finding, Handler, Level, Report, Verdict};

use super::style::{plural, Paint};
use super::table::attention;

/// The four questions, as the card titles them.
const QUESTIONS: [&str; 4] = [
    "Q1 idempotent on the data model",
    "Q2 safe to retry after a timeout",
    "Q3 downstream timeout leaves the work resolvable",
    "Q4 deadline propagated",
];

/// Whether a handler's card is worth printing unasked: it fails or is unknown somewhere.
pub fn needs_a_look(handler: &Handler) -> bool {
    attention(handler) < 2
}

/// The cards of `handlers`, one after the other.
pub fn render(report: &Report, handlers: &[&Handler], paint: &Paint) -> String {
    handlers
        .iter()
        .map(|handler| card(report, handler, paint))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a card shows, gathered once for the terminal and for Markdown (an editor's hover).
struct Card<'r> {
    handler: &'r Handler,
    /// Each question's title, answer, the evidence shown and how many lines are left out.
    answers: Vec<(&'static str, Verdict, &'r [Evidence], usize)>,
    findings: Vec<&'r Finding>,
    unresolved: Vec<&'r lint_core::report::UnresolvedCallReport>,
}

fn gather<'r>(report: &'r Report, handler: &'r Handler) -> Card<'r> {
    let answers = QUESTIONS
        .iter()
        .zip(handler.questions.all())
        .map(|(title, answer)| {
            // A pass or n/a says why in one line; a fail or unknown lists everything.
            let shown = match answer.verdict {
                Verdict::Fail | Verdict::Unknown => answer.evidence.len(),
                Verdict::Pass | Verdict::NotApplicable => answer.evidence.len().min(3),
            };
            (
                *title,
                answer.verdict,
                &answer.evidence[..shown],
                answer.evidence.len() - shown,
            )
        })
        .collect();
    let findings = report
        .findings
        .iter()
        .filter(|finding| finding.handlers.contains(&handler.path))
        .collect();
    // The same call twice on a line (`a.clone()` and `b.clone()`) is one thing to look at.
    let mut unresolved: Vec<&lint_core::report::UnresolvedCallReport> =
        handler.unresolved_calls.iter().collect();
    unresolved.dedup();
    Card {
        handler,
        answers,
        findings,
        unresolved,
    }
}

/// How a finding on the card stands: its level, or why it no longer counts.
fn status(finding: &Finding, paint: &Paint) -> String {
    match (&finding.suppressed, finding.level) {
        (Some(suppressed), _) => format!("accepted ({})", suppressed.reason),
        (None, Level::Allow) => "allowed in this run".to_string(),
        (None, level) => paint.level(level, level.as_str()),
    }
}

fn card(report: &Report, handler: &Handler, paint: &Paint) -> String {
    let card = gather(report, handler);
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint.heading(&handler.route.to_string()));
    let _ = writeln!(out, "  handler   {} ({})", handler.path, handler.framework);
    let _ = writeln!(out, "  location  {}:{}", handler.file, handler.line);
    if !handler.annotations.is_empty() {
        let _ = writeln!(out, "  promises  #[{}]", handler.annotations.join("], #["));
    }
    out.push('\n');
    let title_width = QUESTIONS.iter().map(|title| title.len()).max().unwrap_or(0);
    for (title, verdict, evidence, more) in &card.answers {
        let _ = writeln!(out, "  {title:<title_width$}  {}", paint.verdict(*verdict));
        for line in *evidence {
            let _ = writeln!(out, "      {line}");
        }
        if *more > 0 {
            let _ = writeln!(out, "      {}", paint.dim(&format!("and {more} more")));
        }
    }
    let terminal = ListStyle::Terminal(paint);
    terminal.write(
        &mut out,
        "on its path",
        plural(card.findings.len(), "finding", "findings"),
        card.findings.iter().map(|finding| {
            format!(
                "{} at {}:{} [{}]: {}",
                finding.rule,
                finding.file,
                finding.line,
                status(finding, paint),
                finding.message
            )
        }),
    );
    terminal.write(
        &mut out,
        "not followed",
        plural(card.unresolved.len(), "call", "calls"),
        card.unresolved
            .iter()
            .map(|call| format!("`{}` at line {}: {}", call.callee, call.line, call.reason)),
    );
    out
}

/// How a card's titled lists (the findings on its path, the calls not followed) are
/// written: indented under a painted heading on a terminal, as a bold heading and a bullet
/// list in Markdown.
enum ListStyle<'p> {
    Terminal(&'p Paint),
    Markdown,
}

impl ListStyle<'_> {
    /// Writes `title: count` and one item a line (an item's further lines are its own);
    /// nothing when there are no items.
    fn write(
        &self,
        out: &mut String,
        title: &str,
        count: String,
        items: impl ExactSizeIterator<Item = String>,
    ) {
        if items.len() == 0 {
            return;
        }
        let heading = format!("{title}: {count}");
        let bullet = match self {
            ListStyle::Terminal(paint) => {
                let _ = writeln!(out, "\n  {}", paint.heading(&heading));
                "      "
            }
            ListStyle::Markdown => {
                let _ = writeln!(out, "\n**{heading}**\n");
                "- "
            }
        };
        for item in items {
            let _ = writeln!(out, "{bullet}{item}");
        }
    }
}

/// A handler's card in Markdown, as an editor shows it on hover: the same content as the
/// terminal's card.
pub fn render_markdown(report: &Report, handler: &Handler) -> String {
    let card = gather(report, handler);
    let plain = Paint::new(false);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "**{}** · {}\n",
        markdown_text(&handler.route.to_string()),
        glance(handler)
    );
    let _ = writeln!(
        out,
        "`{}` ({}) · {}:{}",
        card.handler.path, handler.framework, handler.file, handler.line
    );
    if !handler.annotations.is_empty() {
        let _ = writeln!(
            out,
            "\npromises `#[{}]`",
            handler.annotations.join("]`, `#[")
        );
    }
    for (title, verdict, evidence, more) in &card.answers {
        let _ = writeln!(out, "\n**{title}**: {}\n", verdict.as_str());
        for line in *evidence {
            let _ = writeln!(out, "- {}", markdown_text(&line.to_string()));
        }
        if *more > 0 {
            let _ = writeln!(out, "- and {more} more");
        }
    }
    ListStyle::Markdown.write(
        &mut out,
        "on its path",
        plural(card.findings.len(), "finding", "findings"),
        card.findings.iter().map(|finding| {
            let mut item = format!(
                "`{}` at {}:{} [{}]: {}",
                finding.rule,
                finding.file,
                finding.line,
                status(finding, &plain),
                markdown_text(&finding.message)
            );
            for step in &finding.chain {
                let _ = write!(
                    item,
                    "\n  - via `{}` ({}:{})",
                    step.function, step.file, step.line
                );
            }
            item
        }),
    );
    ListStyle::Markdown.write(
        &mut out,
        "not followed",
        plural(card.unresolved.len(), "call", "calls"),
        card.unresolved.iter().map(|call| {
            format!(
                "`{}` at line {}: {}",
                call.callee,
                call.line,
                markdown_text(&call.reason)
            )
        }),
    );
    out
}

/// The four answers at a glance, as a code lens shows them:
/// `Q1 ✓ Q2 ✓ Q3 ✗ Q4 ? · 2/4` (✓ pass, ✗ fail, ? unknown, – n/a, which holds too).
pub fn glance(handler: &Handler) -> String {
    let answers = handler.questions.all();
    let symbols: Vec<String> = answers
        .iter()
        .enumerate()
        .map(|(position, answer)| {
            let symbol = match answer.verdict {
                Verdict::Pass => "✓",
                Verdict::Fail => "✗",
                Verdict::Unknown => "?",
                Verdict::NotApplicable => "–",
            };
            format!("Q{} {symbol}", position + 1)
        })
        .collect();
    let holding = answers
        .iter()
        .filter(|answer| matches!(answer.verdict, Verdict::Pass | Verdict::NotApplicable))
        .count();
    format!("{} · {holding}/4", symbols.join(" "))
}

/// Text that Markdown would otherwise read as emphasis, code or markup, escaped.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(
            character,
            '*' | '_' | '<' | '>' | '[' | ']' | '#' | '|' | '\\'
        ) {
            out.push('\\');
        }
        out.push(character);
    }
    out
}

/// The handlers a card query names: a route (`POST /api/orders`, or only the path, for every
/// method), a handler's full path or its last segments (`orders::create_order`), or a place
/// (`src/orders.rs` for every handler in the file, `src/orders.rs:40` for the handler whose
/// function starts at or above line 40). Matching ignores case in methods.
pub fn select<'a>(report: &'a Report, query: &str) -> Vec<&'a Handler> {
    let query = query.trim();
    let by_route: Vec<&Handler> = report
        .handlers
        .iter()
        .filter(|handler| {
            let route = handler.route.to_string();
            route.eq_ignore_ascii_case(query)
                || route.split_once(' ').is_some_and(|(_, path)| path == query)
        })
        .collect();
    if !by_route.is_empty() {
        return by_route;
    }
    let by_path: Vec<&Handler> = report
        .handlers
        .iter()
        .filter(|handler| handler.path == query || handler.path.ends_with(&format!("::{query}")))
        .collect();
    if !by_path.is_empty() {
        return by_path;
    }
    let (file, line) = match query.rsplit_once(':') {
        Some((file, line)) if !file.ends_with(':') => match line.parse::<u32>() {
            Ok(line) => (file, Some(line)),
            Err(_) => (query, None),
        },
        _ => (query, None),
    };
    let file = file.trim_start_matches("./");
    let in_file: Vec<&Handler> = report
        .handlers
        .iter()
        .filter(|handler| handler.file == file || handler.file.ends_with(&format!("/{file}")))
        .collect();
    match line {
        None => in_file,
        // The handler whose function starts nearest above the line: the one around it.
        Some(line) => {
            let start = in_file
                .iter()
                .filter(|handler| handler.line <= line)
                .map(|handler| handler.line)
                .max();
            in_file
                .into_iter()
                .filter(|handler| Some(handler.line) == start)
                .collect()
        }
    }
}
