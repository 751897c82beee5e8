//! Positions in source files, 1-based like rustc prints them.
//!
//! With [`crate::vocab`], the bottom of the crate: any layer may import it.
//!
//! May import: nothing of this crate.

use serde::Serialize;

/// A line and column, both 1-based; the column counts characters, not bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A range of source text, `end` exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TextRange {
    pub start: Position,
    pub end: Position,
}

impl TextRange {
    /// The text a token spans.
    pub fn from_span(span: proc_macro2::Span) -> Self {
        TextRange::between(span, span)
    }

    /// From the start of one token to the end of another.
    pub fn between(first: proc_macro2::Span, last: proc_macro2::Span) -> Self {
        let start = first.start();
        let end = last.end();
        TextRange {
            start: Position {
                line: start.line as u32,
                column: start.column as u32 + 1,
            },
            end: Position {
                line: end.line as u32,
                column: end.column as u32 + 1,
            },
        }
    }

    pub fn contains(&self, position: Position) -> bool {
        self.start <= position && position < self.end
    }

    pub fn contains_range(&self, other: &TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Index of a file among the files of every crate of the analysis, in crate order (the
/// index's `files`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

/// A range in a given file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: FileId,
    pub range: TextRange,
}
