//! The score over time as an SVG chart, drawn with plotters' SVG backend: a line for the
//! team score (all four questions) and one per question, commits along the axis oldest
//! first, a mark where the version of failfirst changed, and a cross at the foot for a
//! commit that could not be analysed.
//!
//! Colours are the Okabe–Ito palette, told apart with the common forms of colour blindness;
//! each line also has its own dash pattern and marker, so that the chart reads in grey
//! print too.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use lint_core::report::Shares;

use crate::history::HistoryEntry;

/// The chart's size in SVG units; the page scales it to its width.
pub const WIDTH: u32 = 960;
pub const HEIGHT: u32 = 420;
/// Room on the right for the legend.
const LEGEND_WIDTH: u32 = 250;
/// Above this many commits, points are drawn as lines only: markers would crowd.
const MARKERS_UP_TO: usize = 60;

/// How one line is drawn.
struct Series {
    label: &'static str,
    colour: RGBColor,
    stroke: u32,
    /// Dash and gap lengths; `None` for a solid line.
    dashes: Option<(u32, u32)>,
    marker: Marker,
    value: fn(&HistoryEntry) -> Option<f64>,
}

#[derive(Clone, Copy)]
enum Marker {
    Disc,
    Triangle,
    Square,
    Cross,
    Ring,
}

const BLACK_INK: RGBColor = RGBColor(0, 0, 0);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const GREY: RGBColor = RGBColor(0x70, 0x70, 0x70);
const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

fn series() -> [Series; 5] {
    [
        Series {
            label: "team score (all four)",
            colour: BLACK_INK,
            stroke: 5,
            dashes: None,
            marker: Marker::Disc,
            value: |entry| judged(entry).map(|team| team.score),
        },
        Series {
            label: "Q1 idempotent",
            colour: ORANGE,
            stroke: 2,
            dashes: Some((10, 4)),
            marker: Marker::Triangle,
            value: |entry| judged(entry).map(|team| team.questions.q1_idempotent),
        },
        Series {
            label: "Q2 safe to retry",
            colour: SKY_BLUE,
            stroke: 2,
            dashes: Some((3, 3)),
            marker: Marker::Square,
            value: |entry| judged(entry).map(|team| team.questions.q2_retry_safe),
        },
        Series {
            label: "Q3 downstream uncertainty",
            colour: BLUISH_GREEN,
            stroke: 2,
            dashes: Some((12, 3)),
            marker: Marker::Cross,
            value: |entry| judged(entry).map(|team| team.questions.q3_downstream_uncertainty),
        },
        Series {
            label: "Q4 deadline propagated",
            colour: REDDISH_PURPLE,
            stroke: 2,
            dashes: Some((6, 6)),
            marker: Marker::Ring,
            value: |entry| judged(entry).map(|team| team.questions.q4_deadline),
        },
    ]
}

/// The team's numbers at an entry that judged at least one handler: a commit that could
/// not be analysed, or where no handler was found, has no score (the line breaks there)
/// rather than a score of 0.
fn judged(entry: &HistoryEntry) -> Option<&Shares> {
    entry
        .scores
        .as_ref()
        .map(|scores| &scores.team)
        .filter(|team| team.handlers > 0)
}

/// The chart of `entries` (oldest first) as an SVG document; `None` for no entry.
pub fn score_chart(entries: &[HistoryEntry]) -> Result<Option<String>, String> {
    if entries.is_empty() {
        return Ok(None);
    }
    let mut svg = String::new();
    draw(entries, &mut svg).map_err(|error| format!("cannot draw the chart: {error}"))?;
    Ok(Some(svg))
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

fn draw(entries: &[HistoryEntry], svg: &mut String) -> Drawn {
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (plot_area, legend_area) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
    let count = entries.len();
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(14)
        .margin_top(26)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5..count as f64 - 0.5, 0f64..100f64)?;
    // Commits sit at whole positions; no more labels than commits keeps plotters' label
    // positions whole.
    let label_of = |position: &f64| {
        let index = position.round();
        if (position - index).abs() > 1e-6 || index < 0.0 {
            return String::new();
        }
        entries
            .get(index as usize)
            .map(|entry| entry.short_commit().chars().take(7).collect())
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .x_labels(count.clamp(1, 8))
        .x_label_formatter(&label_of)
        .x_desc("commit, oldest to newest")
        .y_labels(11)
        .y_label_formatter(&|value| format!("{value:.0}%"))
        .y_desc("handlers passing")
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_desc_style(("sans-serif", 18).into_font().color(&BLACK_INK))
        .label_style(("sans-serif", 16).into_font().color(&BLACK_INK))
        .draw()?;

    // Where the version of failfirst changed: the numbers may move with no change of code.
    for (index, pair) in entries.windows(2).enumerate() {
        if pair[0].tool != pair[1].tool {
            let at = index as f64 + 0.5;
            chart.draw_series(DashedLineSeries::new(
                [(at, 0.0), (at, 100.0)],
                4,
                4,
                GREY.stroke_width(1),
            ))?;
            // Above the plot, beside the mark, clear of lines at 100%.
            chart.draw_series(std::iter::once(
                EmptyElement::at((at, 100.0))
                    + Text::new(
                        format!("failfirst {}", pair[1].tool),
                        (4, -6),
                        ("sans-serif", 15)
                            .into_font()
                            .color(&GREY)
                            .pos(Pos::new(HPos::Left, VPos::Bottom)),
                    ),
            ))?;
        }
    }

    let markers = entries.len() <= MARKERS_UP_TO;
    // The team score is drawn first, wider than the others: a question's line that runs
    // along it (Q2 often equals the team score) is drawn over it and both stay visible.
    for line in series() {
        let style = line.colour.stroke_width(line.stroke);
        // A commit that could not be analysed breaks the line rather than bridging it.
        for run in runs(entries, line.value) {
            let points: Vec<(f64, f64)> = run
                .iter()
                .map(|(index, value)| (*index as f64, *value))
                .collect();
            match line.dashes {
                None => {
                    chart.draw_series(LineSeries::new(points.clone(), style))?;
                }
                Some((dash, gap)) => {
                    chart.draw_series(DashedLineSeries::new(points.clone(), dash, gap, style))?;
                }
            }
            if markers || points.len() == 1 {
                for point in points {
                    draw_marker(&mut chart, point, line.marker, line.colour)?;
                }
            }
        }
    }
    let failed: Vec<(f64, f64)> = entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.scores.is_none())
        .map(|(index, _)| (index as f64, 0.0))
        .collect();
    chart.draw_series(
        failed
            .into_iter()
            .map(|point| Cross::new(point, 6, GREY.stroke_width(2))),
    )?;

    draw_legend(&legend_area)?;
    root.present()?;
    Ok(())
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

fn draw_marker(
    chart: &mut Chart<'_, '_>,
    point: (f64, f64),
    marker: Marker,
    colour: RGBColor,
) -> Drawn {
    match marker {
        Marker::Disc => {
            chart.draw_series(std::iter::once(Circle::new(point, 6, colour.filled())))?;
        }
        Marker::Triangle => {
            chart.draw_series(std::iter::once(TriangleMarker::new(
                point,
                5,
                colour.filled(),
            )))?;
        }
        Marker::Square => {
            chart.draw_series(std::iter::once(
                EmptyElement::at(point) + Rectangle::new([(-4, -4), (4, 4)], colour.filled()),
            ))?;
        }
        Marker::Cross => {
            chart.draw_series(std::iter::once(Cross::new(
                point,
                4,
                colour.stroke_width(2),
            )))?;
        }
        Marker::Ring => {
            chart.draw_series(std::iter::once(Circle::new(
                point,
                4,
                colour.stroke_width(2),
            )))?;
        }
    }
    Ok(())
}

/// The runs of consecutive entries that have a value, as (position, value).
fn runs(
    entries: &[HistoryEntry],
    value: fn(&HistoryEntry) -> Option<f64>,
) -> Vec<Vec<(usize, f64)>> {
    let mut runs: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        match value(entry) {
            Some(number) => current.push((index, number)),
            None if current.is_empty() => {}
            None => runs.push(std::mem::take(&mut current)),
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// The legend, in the room on the right: a sample of each line with its marker and name.
fn draw_legend(area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Drawn {
    let font = ("sans-serif", 17).into_font().color(&BLACK_INK);
    let mut y = 40;
    for line in series() {
        let style = line.colour.stroke_width(line.stroke);
        let sample = [(8, y), (48, y)];
        match line.dashes {
            None => area.draw(&PathElement::new(sample.to_vec(), style))?,
            Some((dash, gap)) => area.draw(&DashedPathElement::new(sample, dash, gap, style))?,
        }
        let centre = (28, y);
        match line.marker {
            Marker::Disc => area.draw(&Circle::new(centre, 6, line.colour.filled()))?,
            Marker::Triangle => area.draw(&TriangleMarker::new(centre, 5, line.colour.filled()))?,
            Marker::Square => area.draw(&Rectangle::new(
                [(centre.0 - 4, centre.1 - 4), (centre.0 + 4, centre.1 + 4)],
                line.colour.filled(),
            ))?,
            Marker::Cross => area.draw(&Cross::new(centre, 4, line.colour.stroke_width(2)))?,
            Marker::Ring => area.draw(&Circle::new(centre, 4, line.colour.stroke_width(2)))?,
        }
        area.draw(&Text::new(
            line.label,
            (58, y),
            font.clone().pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        y += 28;
    }
    area.draw(&Cross::new((28, y), 6, GREY.stroke_width(2)))?;
    area.draw(&Text::new(
        "could not be analysed",
        (58, y),
        font.clone().pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;
    y += 28;
    area.draw(&DashedPathElement::new(
        [(28, y - 10), (28, y + 10)],
        4,
        4,
        GREY.stroke_width(1),
    ))?;
    area.draw(&Text::new(
        "new version of failfirst",
        (58, y),
        font.pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use lint_core::report::Scoreboard;

    use super::*;
    use crate::history::Recorded;

    fn entry(handlers: usize, score: f64) -> HistoryEntry {
        let mut entry = HistoryEntry::failed(String::new(), Recorded::now());
        entry.error = None;
        entry.scores = Some(Scoreboard {
            team: Shares {
                score,
                handlers,
                ..Shares::default()
            },
            ..Scoreboard::default()
        });
        entry
    }

    #[test]
    fn a_commit_without_a_handler_breaks_the_line_rather_than_dropping_to_zero() {
        let entries = [
            entry(4, 50.0),
            entry(0, 0.0),
            entry(4, 75.0),
            entry(5, 80.0),
        ];
        let team = series()[0].value;
        assert_eq!(
            runs(&entries, team),
            [vec![(0, 50.0)], vec![(2, 75.0), (3, 80.0)]]
        );
    }
}
