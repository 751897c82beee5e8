//! One diagnostic as miette draws it: a headline, the source text with one labelled span,
//! and help; a code and a severity where there are. Findings and configuration mistakes are
//! drawn alike, at the same width and in the same theme.
//!
//! May import: nothing of this crate.

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
};

#[derive(Debug)]
pub struct Drawn {
    pub headline: String,
    /// `failfirst::rule-name` for a finding.
    pub code: Option<String>,
    /// miette draws an error when none is given.
    pub severity: Option<Severity>,
    pub help: Option<String>,
    pub source: NamedSource<String>,
    pub label: LabeledSpan,
}

impl std::fmt::Display for Drawn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.headline)
    }
}

impl std::error::Error for Drawn {}

impl Diagnostic for Drawn {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|code| Box::new(code) as Box<dyn std::fmt::Display>)
    }
    fn severity(&self) -> Option<Severity> {
        self.severity
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

/// Lines longer than this are not drawn: miette draws the whole line under the headline,
/// and its formatter panics on a column past 65,535 (a generated file on one line, a
/// configuration's array of thousands of globs). Such a diagnostic is one plain line.
const MAX_DRAWN_LINE_BYTES: usize = 4096;

/// The diagnostic as miette draws it, or `None` when it cannot be drawn (a line too long
/// to show, or miette failing): the caller then writes it as one plain line.
pub fn draw(colour: bool, diagnostic: &Drawn) -> Option<String> {
    let text = diagnostic.source.inner().as_str();
    let start = diagnostic.label.offset().min(text.len());
    let end = (start + diagnostic.label.len()).min(text.len());
    let first_line = text[..start].rfind('\n').map_or(0, |newline| newline + 1);
    let last_line = text[end..]
        .find('\n')
        .map_or(text.len(), |newline| end + newline);
    let too_long = text.get(first_line..last_line).is_none_or(|lines| {
        lines
            .split('\n')
            .any(|line| line.len() > MAX_DRAWN_LINE_BYTES)
    });
    if too_long {
        return None;
    }
    let mut out = String::new();
    // A panic inside the drawing loses one drawing, not the report.
    let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        renderer(colour).render_report(&mut out, diagnostic)
    }));
    matches!(drawn, Ok(Ok(()))).then_some(out)
}

/// The renderer every diagnostic goes through: unicode, 100 columns, no links; colour only
/// when asked.
pub fn renderer(colour: bool) -> GraphicalReportHandler {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
}
