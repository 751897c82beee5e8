//! The dashboard page, as a maud template: the latest numbers, the chart of the score over
//! time, what changed since the previous entry, today's handlers in a table that sorts and
//! filters, and the breakdowns per crate and per framework. Styles and script are written
//! into the page: it needs no network and no other file.

use std::collections::BTreeMap;

use lint_core::report::{Shares, Verdict};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::changes::{changes, Changes, Moved};
use crate::history::{
    HandlerAnswers, History, HistoryEntry, QUESTION_KEYS, QUESTION_LABELS, TOOL_VERSION,
};

const STYLE: &str = include_str!("assets/dashboard.css");
const SCRIPT: &str = include_str!("assets/dashboard.js");

/// What the page shows, worked out before it is written.
pub struct Page<'a> {
    /// The project's name (the workspace folder's name).
    pub project: &'a str,
    pub history: &'a History,
    /// Where the history was read, as the user named it.
    pub history_path: &'a str,
    /// The chart as an SVG document; `None` without entries.
    pub chart: Option<String>,
    /// The badge as an SVG document.
    pub badge: &'a str,
}

pub fn render(page: &Page<'_>) -> String {
    let analysed: Vec<&HistoryEntry> = page.history.analysed().collect();
    let latest = analysed.last().copied();
    let previous = analysed.len().checked_sub(2).map(|index| analysed[index]);
    let newest_entry = page.history.entries.last();
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "failfirst score · " (page.project) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    div {
                        h1 { "failfirst score · " (page.project) }
                        p.muted {
                            "The share of handlers that pass all four questions: idempotent, "
                            "safe to retry, honest about downstream uncertainty, deadline propagated."
                        }
                    }
                    span.badge role="img" aria-label="badge" { (PreEscaped(strip_xml_declaration(page.badge))) }
                }
                @match latest {
                    None => { (empty_history(page.history)) }
                    Some(latest) => {
                        @if let Some(newest) = newest_entry.filter(|newest| newest.scores.is_none()) {
                            p.note {
                                "The newest entry (" code { (newest.short_commit()) } ", " (newest.display_time())
                                ") could not be analysed: " (newest.error.as_deref().unwrap_or("no reason recorded"))
                                ". The numbers below are those of " code { (latest.short_commit()) } "."
                            }
                        }
                        (headline(latest))
                        section #trend {
                            h2 { "Score over time" }
                            (trend(page, &analysed))
                        }
                        section #changes .changes {
                            h2 { "What changed since the previous entry" }
                            @match previous {
                                None => p.muted { "This is the first analysed entry: there is nothing to compare it with yet." }
                                Some(previous) => (changed(previous, latest, &changes(previous, latest)))
                            }
                        }
                        section #handlers {
                            h2 { "Handlers at " code { (latest.short_commit()) } }
                            (handler_table(latest))
                        }
                        @if let Some(scores) = &latest.scores {
                            section #breakdown {
                                h2 { "By crate and by framework" }
                                div.breakdown {
                                    (breakdown("crate", &scores.crates))
                                    (breakdown("framework", &scores.frameworks))
                                }
                            }
                        }
                    }
                }
                footer {
                    "Made by failfirst " (TOOL_VERSION) " from " code { (page.history_path) }
                    " (" (page.history.entries.len()) " entries). "
                    "Add an entry with " code { "cargo failfirst score --record" } "; redraw with "
                    code { "cargo failfirst dashboard" } "."
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    markup.into_string()
}

/// The SVG as an element of the page: without the XML declaration a standalone file has.
fn strip_xml_declaration(svg: &str) -> &str {
    match svg.trim_start().strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(svg, |(_, after)| after.trim_start()),
        None => svg,
    }
}

fn empty_history(history: &History) -> Markup {
    html! {
        section #empty {
            h2 { "No score history yet" }
            @if !history.entries.is_empty() {
                p.note { "None of the " (history.entries.len()) " entries could be analysed; the first reason: "
                    (history.entries[0].error.as_deref().unwrap_or("none recorded")) }
            }
            p { "Record the score of the commit checked out:" }
            pre { code { "cargo failfirst score --record" } }
            p { "or build the history from the branch's last commits, without touching the work tree:" }
            pre { code { "cargo failfirst score --backfill 30" } }
            p { "then draw this page again with " code { "cargo failfirst dashboard" } "." }
        }
    }
}

fn headline(latest: &HistoryEntry) -> Markup {
    let Some(scores) = &latest.scores else {
        return html! {};
    };
    let team = &scores.team;
    html! {
        section #latest {
            div.headline {
                div.figure {
                    span.value #team-score { (format!("{:.1}%", team.score)) }
                    span.label { "team score: " (team.passing) " of " (team.handlers) " handlers pass all four" }
                }
                @for (label, (_, share)) in QUESTION_LABELS.iter().zip(team.questions.all()) {
                    div.figure {
                        span.value { (format!("{share:.1}%")) }
                        span.label { (label) }
                    }
                }
                div.figure {
                    span.value { (format!("{:.1}%", team.unknown_rate)) }
                    span.label { "unknown rate" }
                }
            }
            p.muted {
                @match &latest.commit {
                    Some(_) => { "Commit " code { (latest.short_commit()) } }
                    None => { "A run outside git" }
                }
                @if let Some(branch) = &latest.branch { " on " code { (branch) } }
                @if latest.dirty { " (with changes not committed)" }
                ", " (latest.display_time()) ", failfirst " (latest.tool) "."
            }
        }
    }
}

fn trend(page: &Page<'_>, analysed: &[&HistoryEntry]) -> Markup {
    let entries = &page.history.entries;
    let first = entries.first();
    let last = entries.last();
    let failed = entries.len() - analysed.len();
    html! {
        figure #score-chart role="img" aria-label="The team score and the share passing each question, per commit, oldest first" {
            @if let Some(chart) = &page.chart { (PreEscaped(strip_xml_declaration(chart))) }
            figcaption {
                (entries.len()) " entries"
                @if let (Some(first), Some(last)) = (first, last) {
                    ", from " (first.display_time()) " to " (last.display_time())
                }
                @if failed > 0 { "; " (failed) " could not be analysed" }
                "."
            }
        }
        details #score-numbers {
            summary { "The numbers, per entry" }
            table {
                thead {
                    tr {
                        th { "commit" } th { "time" } th { "failfirst" }
                        th.number { "score" } th.number { "Q1" } th.number { "Q2" } th.number { "Q3" } th.number { "Q4" }
                        th.number { "unknown" } th.number { "handlers" }
                    }
                }
                tbody {
                    @for entry in entries.iter().rev() {
                        tr {
                            td { code { (entry.short_commit()) } }
                            td { (entry.display_time()) }
                            td { (entry.tool) }
                            @match &entry.scores {
                                Some(scores) => {
                                    td.number { (format!("{:.1}%", scores.team.score)) }
                                    @for (_, share) in scores.team.questions.all() {
                                        td.number { (format!("{share:.1}%")) }
                                    }
                                    td.number { (format!("{:.1}%", scores.team.unknown_rate)) }
                                    td.number { (scores.team.handlers) }
                                }
                                None => {
                                    td colspan="7" { "could not be analysed: " (entry.error.as_deref().unwrap_or_default()) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn changed(previous: &HistoryEntry, latest: &HistoryEntry, changes: &Changes<'_>) -> Markup {
    let score = |entry: &HistoryEntry| {
        entry
            .scores
            .as_ref()
            .map_or(0.0, |scores| scores.team.score)
    };
    let delta = score(latest) - score(previous);
    html! {
        p {
            "From " code { (previous.short_commit()) } " to " code { (latest.short_commit()) } ": team score "
            (format!("{:.1}%", score(previous))) " → " strong { (format!("{:.1}%", score(latest))) }
            " (" (format!("{delta:+.1}")) " points)"
            @if previous.tool != latest.tool {
                "; failfirst went from " (previous.tool) " to " (latest.tool) ", which may account for part of it"
            }
            "."
        }
        @if changes.is_empty() {
            p.muted { "No handler changed its answers, and none was added or removed." }
        }
        (moved_list("Got worse", &changes.worse))
        (moved_list("Got better", &changes.better))
        (moved_list("Better on one question, worse on another", &changes.mixed))
        (handler_list("New handlers", &changes.new))
        (handler_list("Handlers no longer found", &changes.gone))
    }
}

fn moved_list(title: &str, moved: &[Moved<'_>]) -> Markup {
    html! {
        @if !moved.is_empty() {
            h3 { (title) " (" (moved.len()) ")" }
            ul {
                @for moved in moved {
                    li {
                        code { (moved.handler.route) } " " (moved.handler.id) ": "
                        @for (position, (number, was, is)) in moved.questions.iter().enumerate() {
                            @if position > 0 { ", " }
                            "Q" (number) " " (verdict(*was)) " → " (verdict(*is))
                        }
                    }
                }
            }
        }
    }
}

fn handler_list(title: &str, handlers: &[&HandlerAnswers]) -> Markup {
    html! {
        @if !handlers.is_empty() {
            h3 { (title) " (" (handlers.len()) ")" }
            ul {
                @for handler in handlers {
                    li {
                        code { (handler.route) } " " (handler.id) ": "
                        @for (position, answer) in handler.verdicts.iter().enumerate() {
                            @if position > 0 { " " }
                            "Q" (position + 1) " " (verdict(*answer))
                        }
                    }
                }
            }
        }
    }
}

/// How a verdict is shown: a symbol and the word, in the verdict's colours.
fn verdict(verdict: Verdict) -> Markup {
    let (class, symbol) = verdict_look(verdict);
    html! { span class={ "verdict " (class) } { (symbol) " " (verdict.as_str()) } }
}

fn verdict_look(verdict: Verdict) -> (&'static str, &'static str) {
    match verdict {
        Verdict::Pass => ("pass", "✓"),
        Verdict::Fail => ("fail", "✗"),
        Verdict::Unknown => ("unknown", "?"),
        Verdict::NotApplicable => ("na", "–"),
    }
}

/// The order a column of answers sorts in: failures first when ascending.
fn verdict_order(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Fail => 0,
        Verdict::Unknown => 1,
        Verdict::Pass => 2,
        Verdict::NotApplicable => 3,
    }
}

fn handler_table(latest: &HistoryEntry) -> Markup {
    let crates: std::collections::BTreeSet<&str> = latest
        .answers
        .iter()
        .map(HandlerAnswers::crate_name)
        .collect();
    let sortable = |label: &str| html! { button type="button" { (label) } };
    html! {
        @if latest.answers.is_empty() {
            p.muted { "No handler was found at this commit." }
        } @else {
            div.filters {
                label {
                    "crate"
                    select #filter-crate {
                        option value="" { "all crates" }
                        @for name in &crates { option value=(name) { (name) } }
                    }
                }
                label {
                    "question"
                    select #filter-question {
                        option value="" { "all handlers" }
                        option value="any:fail" { "failing any question" }
                        @for (index, label) in QUESTION_LABELS.iter().enumerate() {
                            option value={ "q" (index + 1) ":fail" } { "failing " (label) }
                        }
                        option value="any:unknown" { "with an unknown answer" }
                    }
                }
                label {
                    "text"
                    input #filter-text type="search" placeholder="route, handler, rule…";
                }
                span #shown-count .muted {}
            }
            table #handler-table {
                thead {
                    tr {
                        th { (sortable("route")) }
                        th { (sortable("handler")) }
                        th { (sortable("crate")) }
                        @for index in 1..=4 { th { (sortable(&format!("Q{index}"))) } }
                        th { (sortable("findings behind the fails")) }
                    }
                }
                tbody {
                    @for handler in &latest.answers {
                        @let findings = findings_of(handler);
                        tr data-crate=(handler.crate_name())
                            data-q1=(handler.verdicts[0].as_str()) data-q2=(handler.verdicts[1].as_str())
                            data-q3=(handler.verdicts[2].as_str()) data-q4=(handler.verdicts[3].as_str()) {
                            td.route { code { (handler.route) } }
                            td.handler { (handler.id) br; span.muted { (handler.location) } }
                            td { (handler.crate_name()) }
                            @for answer in handler.verdicts {
                                td data-sort=(verdict_order(answer)) { (verdict(answer)) }
                            }
                            td data-sort=(findings.len()) {
                                @if !findings.is_empty() {
                                    ul.findings {
                                        @for (question, line) in &findings { li { strong { (question) } " " (line) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The evidence behind each failing answer, with the question it fails.
fn findings_of(handler: &HandlerAnswers) -> Vec<(String, &str)> {
    QUESTION_KEYS
        .iter()
        .enumerate()
        .flat_map(|(index, key)| {
            handler
                .failing
                .get(*key)
                .into_iter()
                .flatten()
                .map(move |line| (format!("Q{}", index + 1), line.as_str()))
        })
        .collect()
}

fn breakdown(title: &str, groups: &BTreeMap<String, Shares>) -> Markup {
    html! {
        table {
            thead {
                tr {
                    th { (title) } th.number { "handlers" } th.number { "score" }
                    th.number { "Q1" } th.number { "Q2" } th.number { "Q3" } th.number { "Q4" } th.number { "unknown" }
                }
            }
            tbody {
                @for (name, shares) in groups {
                    tr {
                        td { (name) }
                        td.number { (shares.handlers) }
                        td.number { (format!("{:.1}%", shares.score)) }
                        @for (_, share) in shares.questions.all() { td.number { (format!("{share:.1}%")) } }
                        td.number { (format!("{:.1}%", shares.unknown_rate)) }
                    }
                }
            }
        }
    }
}
