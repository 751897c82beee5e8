//! The table of handlers that ends a human run: one row per handler and route, failing
//! handlers first, fitted to the terminal's width, with a legend.
//!
//! When every column fits, the answers are words (`pass`, `fail`, `unknown`, `n/a`). On a
//! narrow terminal they become symbols (`✓ ✗ ? –`, explained by the legend) and the route,
//! handler and location columns share what is left, the route first; a handler is named by
//! its function alone, long text loses its middle, and a location its start (so that it
//! keeps its file and line).

use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use lint_core::report::{Handler, Report, Verdict};

use super::style::short_function;
use super::style::{truncate_middle, truncate_start, Paint};

/// Only the line under the header: columns read by alignment, without borders.
const HEADER_LINE_ONLY: &str = "     ─             ";

/// Spaces between columns.
const GAP: usize = 2;

/// The narrowest a shrunk column gets before it is left out.
const MIN_ROUTE: usize = 12;
const MIN_HANDLER: usize = 8;
const MIN_LOCATION: usize = 12;

pub fn render(report: &Report, width: Option<usize>, paint: &Paint) -> String {
    if report.handlers.is_empty() {
        return String::new();
    }
    let mut rows = sorted_rows(report);
    let text_widths = |rows: &[Row]| {
        [
            column_width("route", rows.iter().map(|row| row.route.as_str())),
            column_width("handler", rows.iter().map(|row| row.handler.as_str())),
            column_width("location", rows.iter().map(|row| row.location.as_str())),
        ]
    };
    let word_width = rows
        .iter()
        .flat_map(|row| row.answers)
        .map(|verdict| verdict.as_str().len())
        .max()
        .unwrap_or(2);
    let full = text_widths(&rows).iter().sum::<usize>() + 4 * word_width + 6 * GAP;
    let (symbols, widths) = match width {
        Some(width) if full > width => {
            // Short of room, a handler is its function's name: route and location tell
            // which one it is.
            for row in &mut rows {
                if let Some(name) = row.handler.rsplit("::").next() {
                    row.handler = name.to_string();
                }
            }
            (true, shrink(text_widths(&rows), width))
        }
        _ => (false, text_widths(&rows).map(Some)),
    };

    let mut table = Table::new();
    table.load_preset(HEADER_LINE_ONLY);
    table.set_content_arrangement(ContentArrangement::Disabled);
    if paint.colour() {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    let shown: Vec<usize> = (0..3).filter(|column| widths[*column].is_some()).collect();
    let headers = ["route", "handler", "location"];
    let mut header: Vec<Cell> = shown
        .iter()
        .map(|column| Cell::new(headers[*column]).add_attribute(Attribute::Bold))
        .collect();
    header.extend(["Q1", "Q2", "Q3", "Q4"].map(|q| Cell::new(q).add_attribute(Attribute::Bold)));
    table.set_header(header);
    for row in &rows {
        let mut cells: Vec<Cell> = shown
            .iter()
            .map(|column| {
                let width = widths[*column].unwrap_or(usize::MAX);
                Cell::new(match column {
                    0 => truncate_middle(&row.route, width),
                    1 => truncate_middle(&row.handler, width),
                    _ => truncate_start(&row.location, width),
                })
            })
            .collect();
        cells.extend(row.answers.map(|verdict| answer_cell(verdict, symbols)));
        table.add_row(cells);
    }
    let columns = shown.len() + 4;
    for column in 0..columns {
        if let Some(column) = table.column_mut(column) {
            column.set_padding((
                0,
                if column.index + 1 == columns {
                    0
                } else {
                    GAP as u16
                },
            ));
            if column.index >= shown.len() && symbols {
                column.set_cell_alignment(CellAlignment::Center);
            }
        }
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&legend(symbols, width, paint));
    out.push('\n');
    out
}

/// One handler's row, as text.
struct Row {
    route: String,
    handler: String,
    location: String,
    answers: [Verdict; 4],
}

/// The rows, handlers that fail first, then those with an unknown answer, then the rest,
/// each group in file order.
fn sorted_rows(report: &Report) -> Vec<Row> {
    let mut handlers: Vec<&Handler> = report.handlers.iter().collect();
    handlers.sort_by_key(|handler| attention(handler));
    handlers
        .into_iter()
        .map(|handler| {
            let questions = &handler.questions;
            Row {
                route: handler.route.to_string(),
                handler: short_function(&handler.path),
                location: format!("{}:{}", handler.file, handler.line),
                answers: [
                    questions.q1_idempotent.verdict,
                    questions.q2_retry_safe.verdict,
                    questions.q3_downstream_uncertainty.verdict,
                    questions.q4_deadline.verdict,
                ],
            }
        })
        .collect()
}

/// 0 for a handler with a failing answer, 1 for one with an unknown, 2 for the rest.
pub fn attention(handler: &Handler) -> u8 {
    let verdicts = handler.questions.all().map(|answer| answer.verdict);
    if verdicts.contains(&Verdict::Fail) {
        0
    } else if verdicts.contains(&Verdict::Unknown) {
        1
    } else {
        2
    }
}

fn column_width<'a>(header: &str, cells: impl Iterator<Item = &'a str>) -> usize {
    cells
        .map(|cell| cell.chars().count())
        .chain(std::iter::once(header.len()))
        .max()
        .unwrap_or(0)
}

/// The widths of the route, handler and location columns in `width` characters once the
/// answers are symbols: each column gets its minimum, the route first, then what is left
/// goes to them in that order up to their full width. A column whose minimum does not fit
/// is left out (`None`), the location before the handler.
fn shrink(full: [usize; 3], width: usize) -> [Option<usize>; 3] {
    // Four answer columns of two characters ("Q1"), with their gaps.
    let answers = 4 * 2 + 3 * GAP;
    let minimums = [MIN_ROUTE, MIN_HANDLER, MIN_LOCATION].map(Some);
    let mut included = [true; 3];
    let room = |included: &[bool; 3]| {
        let gaps = included.iter().filter(|shown| **shown).count() * GAP;
        width.saturating_sub(answers + gaps)
    };
    for dropped in [2, 1] {
        let needed: usize = (0..3)
            .filter(|column| included[*column])
            .map(|column| minimums[column].unwrap_or(0).min(full[column]))
            .sum();
        if needed <= room(&included) {
            break;
        }
        included[dropped] = false;
    }
    let mut left = room(&included);
    let mut widths = [None; 3];
    for column in 0..3 {
        if included[column] {
            let minimum = minimums[column].unwrap_or(0).min(full[column]).min(left);
            widths[column] = Some(minimum);
            left -= minimum;
        }
    }
    for column in 0..3 {
        if let Some(given) = widths[column] {
            let more = (full[column] - given).min(left);
            widths[column] = Some(given + more);
            left -= more;
        }
    }
    widths
}

fn answer_cell(verdict: Verdict, symbol: bool) -> Cell {
    let text = if symbol {
        match verdict {
            Verdict::Pass => "✓",
            Verdict::Fail => "✗",
            Verdict::Unknown => "?",
            Verdict::NotApplicable => "–",
        }
    } else {
        verdict.as_str()
    };
    let cell = Cell::new(text);
    match verdict {
        Verdict::Pass => cell.fg(Color::Green),
        Verdict::Fail => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Verdict::Unknown => cell.fg(Color::Yellow),
        Verdict::NotApplicable => cell.add_attribute(Attribute::Dim),
    }
}

/// What the columns mean, wrapped to the width, with the symbols when they are used and
/// where to read more.
fn legend(symbols: bool, width: Option<usize>, paint: &Paint) -> String {
    let mut entries = vec![
        "Q1 idempotent".to_string(),
        "Q2 safe to retry".to_string(),
        "Q3 downstream timeout handled".to_string(),
        "Q4 deadline propagated".to_string(),
    ];
    if symbols {
        entries.push("✓ pass ✗ fail ? unknown – n/a".to_string());
    }
    entries.push("why: cargo failfirst card <route>".to_string());
    let width = width.unwrap_or(usize::MAX);
    let mut lines: Vec<String> = Vec::new();
    for entry in entries {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 3 + entry.chars().count() <= width => {
                line.push_str(" · ");
                line.push_str(&entry);
            }
            _ => lines.push(entry),
        }
    }
    lines
        .iter()
        .map(|line| paint.dim(line))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::shrink;

    #[test]
    fn the_route_keeps_its_width_first() {
        // 80 columns: 14 for the answers, 6 for the gaps, 60 for the text.
        assert_eq!(shrink([30, 14, 55], 80), [Some(30), Some(14), Some(16)]);
    }

    #[test]
    fn the_location_goes_first_then_the_handler() {
        assert_eq!(shrink([30, 14, 55], 40), [Some(14), Some(8), None]);
        assert_eq!(shrink([30, 14, 55], 30), [Some(14), None, None]);
    }
}
