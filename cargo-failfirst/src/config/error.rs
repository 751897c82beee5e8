//! A mistake in the configuration, shown as miette draws a diagnostic: the file, line and
//! column in the headline, the offending text underlined, what was expected beside it.

use std::ops::Range;

use miette::{LabeledSpan, NamedSource};

use crate::diagnostic::{draw, Drawn};

/// Boxed: errors travel through every `Result` of the loading code, which should stay small.
#[derive(Debug)]
pub struct ConfigError(Box<Details>);

#[derive(Debug)]
struct Details {
    /// The file at fault, as shown to the user.
    pub file: String,
    /// The file's text, when the mistake has a place in it.
    pub located: Option<(String, Range<usize>)>,
    /// What is wrong, in plain words.
    pub message: String,
    /// What was expected, written under the offending text.
    pub label: Option<String>,
    pub help: Option<String>,
    /// The other mistakes of the same file, reported with this one (each complete).
    pub also: Vec<ConfigError>,
}

impl ConfigError {
    /// A mistake with no place in a file's text (a file that cannot be read).
    pub fn whole_file(file: String, message: String) -> Self {
        ConfigError(Box::new(Details {
            file,
            located: None,
            message,
            label: None,
            help: None,
            also: Vec::new(),
        }))
    }

    /// A mistake at `span` of `text`.
    pub fn at(file: String, text: &str, span: Range<usize>, message: String) -> Self {
        ConfigError(Box::new(Details {
            file,
            located: Some((text.to_string(), span)),
            message,
            label: None,
            help: None,
            also: Vec::new(),
        }))
    }

    /// Every mistake found, reported at once: the first leads, the others follow it in
    /// the order found. `None` when there is none.
    pub fn all(mistakes: Vec<ConfigError>) -> Option<Self> {
        let mut mistakes = mistakes.into_iter();
        let mut first = mistakes.next()?;
        first.0.also.extend(mistakes);
        Some(first)
    }

    /// This mistake and the others reported with it.
    pub fn mistakes(&self) -> impl Iterator<Item = &ConfigError> {
        std::iter::once(self).chain(self.0.also.iter())
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.0.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    /// The file at fault, as shown to the user.
    pub fn file(&self) -> &str {
        &self.0.file
    }

    /// What is wrong, with what was expected and the help when they are given: the text an
    /// editor shows on the file.
    pub fn describe(&self) -> String {
        let mut text = self.0.message.clone();
        if let Some(label) = &self.0.label {
            text.push_str(&format!(": {label}"));
        }
        if let Some(help) = &self.0.help {
            text.push_str(&format!("\nhelp: {help}"));
        }
        text
    }

    /// Where the mistake is: the 1-based line and column of its start and end, when it has
    /// a place in the file's text.
    pub fn place(&self) -> Option<((usize, usize), (usize, usize))> {
        self.0.located.as_ref().map(|(text, span)| {
            (
                line_and_column(text, span.start),
                line_and_column(text, span.end.max(span.start)),
            )
        })
    }

    /// `file:line:column`, or the file alone when the mistake has no place.
    pub fn location(&self) -> String {
        match &self.0.located {
            Some((text, span)) => {
                let (line, column) = line_and_column(text, span.start);
                format!("{}:{line}:{column}", self.0.file)
            }
            None => self.0.file.clone(),
        }
    }

    /// The errors as printed on standard error: each mistake, then how many there were.
    pub fn render(&self, colour: bool) -> String {
        let mut out: String = self
            .mistakes()
            .map(|mistake| mistake.render_one(colour))
            .collect();
        let count = 1 + self.0.also.len();
        if count > 1 {
            out.push_str(&format!("error: {count} mistakes in {}\n", self.0.file));
        }
        out
    }

    fn render_one(&self, colour: bool) -> String {
        let details = &self.0;
        let headline = format!(
            "invalid configuration at {}: {}",
            self.location(),
            details.message
        );
        let Some((text, span)) = &details.located else {
            let mut out = format!("error: {headline}\n");
            if let Some(help) = &details.help {
                out.push_str(&format!("help: {help}\n"));
            }
            return out;
        };
        let diagnostic = Drawn {
            headline,
            code: None,
            severity: None,
            help: details.help.clone(),
            source: NamedSource::new(&details.file, text.clone()),
            label: LabeledSpan::new_with_span(details.label.clone(), span.clone()),
        };
        draw(colour, &diagnostic).unwrap_or_else(|| {
            let mut out = format!("error: {}\n", diagnostic.headline);
            if let Some(label) = &details.label {
                out.push_str(&format!("  {label}\n"));
            }
            if let Some(help) = &details.help {
                out.push_str(&format!("help: {help}\n"));
            }
            out
        })
    }
}

/// Line and column (both from 1, the column in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::line_and_column;

    #[test]
    fn lines_and_columns_count_from_one() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_and_column(text, 0), (1, 1));
        assert_eq!(line_and_column(text, 6), (2, 1));
        assert_eq!(line_and_column(text, 10), (2, 4));
        assert_eq!(line_and_column(text, 999), (3, 1));
    }
}
