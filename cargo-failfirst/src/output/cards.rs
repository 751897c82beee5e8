//! A handler's card: its route and place, each question's answer with the evidence behind
//! it, the findings on its path, and the calls the analysis could not follow — what a reader
//! needs to act on a `fail` or to resolve an `unknown`.

use std::fmt::Write as _;

use lint_core::report::{Finding, Handler, Level, Report, Verdict};

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

fn card(report: &Report, handler: &Handler, paint: &Paint) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint.heading(&handler.route.to_string()));
    let _ = writeln!(out, "  handler   {} ({})", handler.path, handler.framework);
    let _ = writeln!(out, "  location  {}:{}", handler.file, handler.line);
    if !handler.annotations.is_empty() {
        let _ = writeln!(out, "  promises  #[{}]", handler.annotations.join("], #["));
    }
    out.push('\n');
    let title_width = QUESTIONS.iter().map(|title| title.len()).max().unwrap_or(0);
    for (title, answer) in QUESTIONS.iter().zip(handler.questions.all()) {
        let _ = writeln!(
            out,
            "  {title:<title_width$}  {}",
            paint.verdict(answer.verdict)
        );
        // A pass or n/a says why in one line; a fail or unknown lists everything.
        let shown = match answer.verdict {
            Verdict::Fail | Verdict::Unknown => answer.evidence.len(),
            Verdict::Pass | Verdict::NotApplicable => answer.evidence.len().min(3),
        };
        for line in &answer.evidence[..shown] {
            let _ = writeln!(out, "      {line}");
        }
        if answer.evidence.len() > shown {
            let _ = writeln!(
                out,
                "      {}",
                paint.dim(&format!("and {} more", answer.evidence.len() - shown))
            );
        }
    }
    let findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|finding| finding.handlers.contains(&handler.path))
        .collect();
    if !findings.is_empty() {
        let _ = writeln!(
            out,
            "\n  {}",
            paint.heading(&format!(
                "on its path: {}",
                plural(findings.len(), "finding", "findings")
            ))
        );
        for finding in findings {
            let status = match (&finding.suppressed, finding.level) {
                (Some(suppressed), _) => format!("accepted ({})", suppressed.reason),
                (None, Level::Allow) => "allowed in this run".to_string(),
                (None, level) => paint.level(level, level.as_str()),
            };
            let _ = writeln!(
                out,
                "      {} at {}:{} [{status}]: {}",
                finding.rule, finding.file, finding.line, finding.message
            );
        }
    }
    // The same call twice on a line (`a.clone()` and `b.clone()`) is one thing to look at.
    let mut unresolved: Vec<&lint_core::report::UnresolvedCallReport> =
        handler.unresolved_calls.iter().collect();
    unresolved.dedup();
    if !unresolved.is_empty() {
        let _ = writeln!(
            out,
            "\n  {}",
            paint.heading(&format!(
                "not followed: {}",
                plural(unresolved.len(), "call", "calls")
            ))
        );
        for call in unresolved {
            let _ = writeln!(
                out,
                "      `{}` at line {}: {}",
                call.callee, call.line, call.reason
            );
        }
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
