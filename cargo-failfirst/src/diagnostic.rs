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
