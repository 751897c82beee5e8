//! `cargo failfirst score`: the team score and its breakdowns, from the same analysis and
//! the same computation as the full report; `--record` adds it to the history, and
//! `--backfill N` builds the history from the branch's last commits.
//!
//! May import: `cli`, `display`, `history`, `workspace`.

mod backfill;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use lint_core::report::score::scoreboard;
use lint_core::report::{Scoreboard, Shares};

use crate::cli::{ScoreArgs, ScoreFormat};
use crate::history::git::Repository;
use crate::history::{History, HistoryEntry, Recorded, DEFAULT_HISTORY, QUESTION_LABELS};
use crate::{analyse, Io, EXIT_ERROR, EXIT_OK};

pub fn run(args: &ScoreArgs, cwd: &Path, io: &mut Io<'_>) -> i32 {
    if let Some(count) = args.backfill {
        return backfill::run(args, count, cwd, io);
    }
    // The same run as `cargo failfirst`'s: the same numbers, from the same report.
    let linted = match analyse(&args.check_args(), cwd, io) {
        Ok(linted) => linted,
        Err(code) => return code,
    };
    let board = scoreboard(&linted.report.handlers);
    let rendered = match args.format {
        ScoreFormat::Human => render_human(&board),
        ScoreFormat::Json => render_json(&board),
    };
    let _ = io.stdout.write_all(rendered.as_bytes());
    let Some(record) = &args.record else {
        return EXIT_OK;
    };
    let root = linted.root.clone();
    let path = record
        .as_ref()
        .map_or_else(|| root.join(DEFAULT_HISTORY), |file| cwd.join(file));
    let recorded = match Repository::around(&root).and_then(|repository| {
        let dirty = repository.is_dirty();
        repository.head().map(|head| Recorded::commit(head, dirty))
    }) {
        Some(recorded) => recorded,
        None => Recorded::now(),
    };
    let entry = HistoryEntry::analysed(&linted.report, recorded);
    let described = match &entry.commit {
        Some(_) => format!("commit {}", entry.short_commit()),
        None => "this run (not in a git repository)".to_string(),
    };
    let mut history = match History::read(&path) {
        Ok(history) => history,
        Err(error) => {
            let _ = writeln!(io.stderr, "error: {error}");
            return EXIT_ERROR;
        }
    };
    history.record(entry);
    if let Err(error) = history.write(&path) {
        let _ = writeln!(io.stderr, "error: {error}");
        return EXIT_ERROR;
    }
    let _ = writeln!(
        io.stderr,
        "recorded the score of {described} in {} ({} entries)",
        crate::display::display_path(&path, cwd),
        history.entries.len()
    );
    EXIT_OK
}

/// `--format json`: the team's numbers, then per crate and per framework.
pub fn render_json(board: &Scoreboard) -> String {
    // Plain numbers and maps: serialising cannot fail.
    let mut text = serde_json::to_string_pretty(board)
        .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"));
    text.push('\n');
    text
}

/// The human format: the team score, the share per question, then a table per crate and
/// per framework.
pub fn render_human(board: &Scoreboard) -> String {
    let mut out = String::new();
    let team = &board.team;
    if team.handlers == 0 {
        let _ = writeln!(out, "no score: no handler found");
        return out;
    }
    let _ = writeln!(
        out,
        "team score {:.1}% ({} of {} handlers pass all four questions) · unknown {:.1}%",
        team.score, team.passing, team.handlers, team.unknown_rate
    );
    let _ = writeln!(out);
    for (label, (_, share)) in QUESTION_LABELS.iter().zip(team.questions.all()) {
        let _ = writeln!(out, "  {label:<28} {share:>5.1}%");
    }
    for (title, groups) in [("crate", &board.crates), ("framework", &board.frameworks)] {
        let _ = writeln!(out);
        render_breakdown(title, groups, &mut out);
    }
    out
}

fn render_breakdown(title: &str, groups: &BTreeMap<String, Shares>, out: &mut String) {
    let header = [
        title, "handlers", "score", "Q1", "Q2", "Q3", "Q4", "unknown",
    ];
    let rows: Vec<[String; 8]> = groups
        .iter()
        .map(|(name, shares)| {
            let [q1, q2, q3, q4] = shares.questions.all().map(|(_, share)| percent(share));
            [
                name.clone(),
                shares.handlers.to_string(),
                percent(shares.score),
                q1,
                q2,
                q3,
                q4,
                percent(shares.unknown_rate),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header = header.map(str::to_string);
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(column, (cell, width))| {
                // Names to the left, numbers to the right.
                if column == 0 {
                    format!("{cell:<width$}")
                } else {
                    format!("{cell:>width$}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
}

fn percent(share: f64) -> String {
    format!("{share:.1}%")
}
