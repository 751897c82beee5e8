//! `--format markdown`, and the job summary of `--format github`: the team score and the
//! share passing each question, the unknown rate, findings counted by rule, the failing
//! handlers with their four answers, and the findings with the handlers they are on. Fit
//! for a pull-request comment (long tables are cut, saying how much was left out).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use lint_core::report::{passes_all, share_percent, Answer, Handler, PatchSummary, Verdict};
use lint_core::rules::ALL_RULES;

use super::style::plural;
use super::{chain_line, on_handlers, Rendering};

/// Rows shown per table: a pull-request comment holds 65,536 characters.
const MAX_ROWS: usize = 50;

const QUESTIONS: [&str; 4] = [
    "Q1 idempotent on the data model",
    "Q2 safe to retry after a timeout",
    "Q3 downstream commits at its timeout",
    "Q4 deadline propagated",
];

pub fn render(rendering: &Rendering<'_>) -> String {
    let report = rendering.report;
    let summary = &report.summary;
    let mut out = String::new();
    let _ = writeln!(out, "## failfirst\n");
    if summary.handlers == 0 {
        let _ = writeln!(
            out,
            "No handler found in {} of {}: no score.\n",
            plural(summary.files, "file", "files"),
            plural(summary.crates, "crate", "crates")
        );
    } else {
        let passing = report.handlers.iter().filter(|h| passes_all(h)).count();
        let _ = writeln!(
            out,
            "**Team score {:.1}%**: {passing} of {} pass all four questions · unknown {:.1}%",
            summary.score,
            plural(summary.handlers, "handler", "handlers"),
            summary.unknown_rate
        );
    }
    if let Some(PatchSummary {
        patch_handlers,
        patch_score,
    }) = &summary.patch
    {
        let _ = match patch_score {
            Some(score) => writeln!(
                out,
                "\n**Patch score {score:.1}%**: {} of the {} this change touches pass all four",
                report
                    .handlers
                    .iter()
                    .enumerate()
                    .filter(|(position, handler)| {
                        rendering.touched.is_some_and(|set| set.contains(position))
                            && passes_all(handler)
                    })
                    .count(),
                plural(*patch_handlers, "handler", "handlers")
            ),
            None => writeln!(out, "\nNo patch score: this change touches no handler"),
        };
    }
    let _ = writeln!(
        out,
        "\n{}, {}{}{}",
        plural(summary.findings.deny, "error", "errors"),
        plural(summary.findings.warn, "warning", "warnings"),
        summary
            .baselined
            .map(|count| format!(" · {count} baselined"))
            .unwrap_or_default(),
        if summary.files_failed > 0 {
            format!(
                " · {} could not be parsed",
                plural(summary.files_failed, "file", "files")
            )
        } else {
            String::new()
        }
    );
    if let Some(fixed) = summary.baseline_fixed.filter(|&fixed| fixed > 0) {
        let _ = writeln!(
            out,
            "\n{} of the baseline {} gone: `cargo failfirst baseline` writes it again, smaller",
            plural(fixed, "finding", "findings"),
            if fixed == 1 { "is" } else { "are" }
        );
    }
    if summary.handlers > 0 {
        question_table(rendering, &mut out);
    }
    rule_table(rendering, &mut out);
    failing_handlers(rendering, &mut out);
    findings_table(rendering, &mut out);
    out
}

fn question_table(rendering: &Rendering<'_>, out: &mut String) {
    let handlers = &rendering.report.handlers;
    let _ = writeln!(
        out,
        "\n| question | passing | pass | fail | unknown | n/a |\n|---|---:|---:|---:|---:|---:|"
    );
    for (number, title) in QUESTIONS.iter().enumerate() {
        let mut counts = [0usize; 4];
        for handler in handlers {
            let verdict = handler.questions.all()[number].verdict;
            counts[verdict_column(verdict)] += 1;
        }
        let share = share_percent(counts[0] + counts[3], handlers.len()).unwrap_or(0.0);
        let _ = writeln!(
            out,
            "| {title} | {share:.1}% | {} | {} | {} | {} |",
            counts[0], counts[1], counts[2], counts[3]
        );
    }
}

fn verdict_column(verdict: Verdict) -> usize {
    match verdict {
        Verdict::Pass => 0,
        Verdict::Fail => 1,
        Verdict::Unknown => 2,
        Verdict::NotApplicable => 3,
    }
}

fn rule_table(rendering: &Rendering<'_>, out: &mut String) {
    let mut by_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (_, finding) in rendering.shown_findings() {
        let counts = by_rule.entry(finding.rule).or_default();
        match finding.level {
            lint_core::report::Level::Deny => counts.0 += 1,
            _ => counts.1 += 1,
        }
    }
    if by_rule.is_empty() {
        let _ = writeln!(out, "\nNo findings.");
        return;
    }
    let _ = writeln!(
        out,
        "\n### Findings by rule\n\n| rule | errors | warnings |\n|---|---:|---:|"
    );
    // In the order `cargo failfirst rules` lists them.
    for rule in ALL_RULES {
        if let Some((errors, warnings)) = by_rule.get(rule.name) {
            let _ = writeln!(out, "| `{}` | {errors} | {warnings} |", rule.name);
        }
    }
}

fn failing_handlers(rendering: &Rendering<'_>, out: &mut String) {
    let failing: Vec<(usize, &Handler)> = rendering
        .report
        .handlers
        .iter()
        .enumerate()
        .filter(|(position, handler)| {
            !passes_all(handler) && rendering.touched.is_none_or(|set| set.contains(position))
        })
        .collect();
    if failing.is_empty() {
        return;
    }
    let title = if rendering.touched.is_some() {
        "Handlers this change touches that do not pass"
    } else {
        "Handlers that do not pass"
    };
    let _ = writeln!(
        out,
        "\n### {title}\n\n| route | handler | Q1 | Q2 | Q3 | Q4 |\n|---|---|---|---|---|---|"
    );
    for (_, handler) in failing.iter().take(MAX_ROWS) {
        let answers: Vec<String> = handler.questions.all().into_iter().map(answer).collect();
        let _ = writeln!(
            out,
            "| `{}` | `{}` `{}:{}` | {} |",
            cell(&handler.route.to_string()),
            cell(&handler.name),
            cell(&handler.file),
            handler.line,
            answers.join(" | ")
        );
    }
    more(out, failing.len());
}

fn answer(answer: &Answer) -> String {
    let mark = match answer.verdict {
        Verdict::Pass => "✅",
        Verdict::Fail => "❌",
        Verdict::Unknown => "❔",
        Verdict::NotApplicable => "➖",
    };
    format!("{mark} {}", answer.verdict.as_str())
}

fn findings_table(rendering: &Rendering<'_>, out: &mut String) {
    let shown: Vec<_> = rendering.shown_findings().collect();
    if shown.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n### Findings\n\n| level | rule | where | handlers | chain | message |\n|---|---|---|---|---|---|"
    );
    for (_, finding) in shown.iter().take(MAX_ROWS) {
        let handlers = on_handlers(&rendering.handlers_of(finding), |_, handler| {
            format!("`{}`", cell(&handler.route.to_string()))
        });
        let handlers = handlers
            .strip_prefix("on handlers ")
            .or_else(|| handlers.strip_prefix("on handler "))
            .unwrap_or(&handlers);
        // A chain of one step is the handler itself.
        let chain = if finding.chain.len() < 2 {
            String::new()
        } else {
            format!("`{}`", cell(&chain_line(finding)))
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | `{}:{}` | {} | {} | {} |",
            super::severity_word(finding.level),
            finding.rule,
            cell(&finding.file),
            finding.line,
            handlers,
            chain,
            cell(&finding.message)
        );
    }
    more(out, shown.len());
}

fn more(out: &mut String, total: usize) {
    if total > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n… and {} more: the annotations, `--format sarif` or `--format json` list them all",
            total - MAX_ROWS
        );
    }
}

/// Text inside a table cell: a `|` would end the cell, a line break the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
