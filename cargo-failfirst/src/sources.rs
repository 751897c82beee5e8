//! The text of the files a report points into, read once after the analysis for every
//! format that shows or identifies code: snippets, rustc spans, baseline identities,
//! fingerprints. Positions in the report are 1-based lines and character columns.
//!
//! May import: nothing of this crate.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Files by the path the report shows them under (relative to the current directory), each
/// read the first time a format asks for its text: the JSON report reads none.
pub struct SourceTexts {
    cwd: PathBuf,
    /// Where each analysed file is on disk, and its text once read (`None` when it could
    /// not be read: the finding is still reported, without its code).
    files: BTreeMap<String, (PathBuf, OnceCell<Option<String>>)>,
}

impl SourceTexts {
    /// The analysed files, by display path, and where they are.
    pub fn new(paths: BTreeMap<String, PathBuf>, cwd: &Path) -> Self {
        SourceTexts {
            cwd: cwd.to_path_buf(),
            files: paths
                .into_iter()
                .map(|(display, path)| (display, (path, OnceCell::new())))
                .collect(),
        }
    }

    /// The file's text, read on first use; `None` for a file that was not analysed or
    /// cannot be read.
    pub fn text(&self, display: &str) -> Option<&str> {
        let (path, text) = self.files.get(display)?;
        text.get_or_init(|| {
            std::fs::read(self.cwd.join(path))
                .ok()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        })
        .as_deref()
    }

    /// The file's absolute path.
    pub fn absolute(&self, display: &str) -> PathBuf {
        match self.files.get(display) {
            Some((path, _)) => self.cwd.join(path),
            None => self.cwd.join(display),
        }
    }

    /// The folder the report's paths are relative to.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }
}

/// The byte offset of a 1-based line and character column, clamped to the text.
pub fn byte_offset(text: &str, line: u32, column: u32) -> usize {
    let mut offset = 0;
    for (number, line_text) in text.split_inclusive('\n').enumerate() {
        if number + 1 == line as usize {
            let within = line_text
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map_or(
                    line_text.trim_end_matches(['\n', '\r']).len(),
                    |(index, _)| index,
                );
            return offset + within;
        }
        offset += line_text.len();
    }
    text.len()
}

/// The text of a 1-based line, without its line ending.
pub fn line_text(text: &str, line: u32) -> Option<&str> {
    text.lines().nth(line.checked_sub(1)? as usize)
}

/// The text from one position to another (end exclusive), clamped to the text.
pub fn range_text(
    text: &str,
    (line, column): (u32, u32),
    (end_line, end_column): (u32, u32),
) -> &str {
    let start = byte_offset(text, line, column);
    let end = byte_offset(text, end_line, end_column).max(start);
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_within_a_line() {
        let text = "ab\ncafé x\n";
        assert_eq!(byte_offset(text, 2, 1), 3);
        assert_eq!(byte_offset(text, 2, 6), 3 + "café ".len());
        assert_eq!(byte_offset(text, 9, 1), text.len());
        assert_eq!(range_text(text, (2, 1), (2, 5)), "café");
        assert_eq!(line_text(text, 2), Some("café x"));
        assert_eq!(line_text(text, 0), None);
    }
}
