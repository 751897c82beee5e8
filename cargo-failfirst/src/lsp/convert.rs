//! Between the report's places (paths relative to the workspace root, 1-based lines,
//! columns counted in characters) and the protocol's (URIs, 0-based lines, columns in the
//! encoding agreed with the client), and from findings to diagnostics.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use lint_core::report::{Finding, Level, Report};
use lsp_types::{
    ClientCapabilities, CodeDescription, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, Position, PositionEncodingKind, Range, Url,
};

use super::rule_docs::RuleDocs;

/// What a column counts, as agreed with the client in `initialize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// Characters (UTF-32) when the client offers them, as the report counts; else UTF-16,
    /// which every client understands.
    pub fn negotiate(client: &ClientCapabilities) -> Encoding {
        let offered = client
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_ref());
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF32) => Encoding::Utf32,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// The protocol's column of the character at `chars` (0-based) on `line`.
    pub fn column(self, line: &str, chars: usize) -> u32 {
        let before = line.chars().take(chars);
        let width = match self {
            Encoding::Utf8 => before.map(char::len_utf8).sum::<usize>(),
            Encoding::Utf16 => before.map(char::len_utf16).sum::<usize>(),
            Encoding::Utf32 => return chars as u32,
        };
        // Past the end of the line (a column the text no longer has): counted as characters.
        let missing = chars.saturating_sub(line.chars().count());
        (width + missing) as u32
    }

    /// The character index (0-based) of the protocol's `column` on `line`.
    pub fn char_index(self, line: &str, column: u32) -> usize {
        if self == Encoding::Utf32 {
            return column as usize;
        }
        let mut width = 0usize;
        for (index, character) in line.chars().enumerate() {
            if width >= column as usize {
                return index;
            }
            width += match self {
                Encoding::Utf8 => character.len_utf8(),
                _ => character.len_utf16(),
            };
        }
        line.chars().count()
    }
}

/// The text of files, for converting columns: the editor's buffers first, then the disk.
/// A file read from the disk is kept, its lines found, from one publication to the next
/// until its size or time of modification changes; it is looked at once per publication.
/// Where the lines of an editor's buffer start is found once per publication.
pub struct Texts<'a> {
    open: &'a HashMap<PathBuf, (String, i32)>,
    open_lines: HashMap<PathBuf, Vec<usize>>,
    disk: &'a mut DiskTexts,
    looked_at: HashSet<PathBuf>,
}

/// Files read from the disk, kept between publications.
#[derive(Default)]
pub struct DiskTexts {
    files: HashMap<PathBuf, DiskText>,
}

struct DiskText {
    /// The size and time of modification the text was read at.
    stamp: Option<(u64, SystemTime)>,
    /// `None` when the file could not be read.
    lines: Option<Lines>,
}

/// A text and where each of its lines starts.
struct Lines {
    text: String,
    starts: Vec<usize>,
}

impl Lines {
    fn of(text: String) -> Lines {
        let starts = line_starts(&text);
        Lines { text, starts }
    }

    /// Line `line` (0-based), without its end of line; as `str::lines` would give it.
    fn line(&self, line: usize) -> Option<&str> {
        line_at(&self.text, &self.starts, line)
    }
}

/// Where each line of `text` starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect()
}

/// Line `line` (0-based) of `text`, whose lines start at `starts`, without its end of line;
/// as `str::lines` would give it.
fn line_at<'t>(text: &'t str, starts: &[usize], line: usize) -> Option<&'t str> {
    let start = *starts.get(line)?;
    let end = starts.get(line + 1).map_or(text.len(), |next| next - 1);
    if start == text.len() {
        // After a final line break, or an empty text: `lines` gives no empty last line.
        return None;
    }
    Some(text[start..end].trim_end_matches('\r'))
}

fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.len(), metadata.modified().ok()?))
}

impl<'a> Texts<'a> {
    pub fn new(open: &'a HashMap<PathBuf, (String, i32)>, disk: &'a mut DiskTexts) -> Self {
        Texts {
            open,
            open_lines: HashMap::new(),
            disk,
            looked_at: HashSet::new(),
        }
    }

    /// Line `line` (1-based) of `path`, without its end of line.
    pub fn line(&mut self, path: &Path, line: u32) -> Option<&str> {
        let index = line.checked_sub(1)? as usize;
        if let Some((text, _)) = self.open.get(path) {
            let starts = self
                .open_lines
                .entry(path.to_path_buf())
                .or_insert_with(|| line_starts(text));
            return line_at(text, starts, index);
        }
        if !self.looked_at.contains(path) {
            self.looked_at.insert(path.to_path_buf());
            let now = stamp(path);
            let current = self
                .disk
                .files
                .get(path)
                .is_some_and(|known| now.is_some() && known.stamp == now);
            if !current {
                let lines = std::fs::read(path)
                    .ok()
                    .map(|bytes| Lines::of(String::from_utf8_lossy(&bytes).into_owned()));
                self.disk
                    .files
                    .insert(path.to_path_buf(), DiskText { stamp: now, lines });
            }
        }
        self.disk.files.get(path)?.lines.as_ref()?.line(index)
    }

    /// The protocol's position of a 1-based line and 1-based character column.
    pub fn position(
        &mut self,
        path: &Path,
        line: u32,
        column: u32,
        encoding: Encoding,
    ) -> Position {
        let chars = column.saturating_sub(1) as usize;
        let character = match self.line(path, line) {
            Some(text) => encoding.column(text, chars),
            None => chars as u32,
        };
        Position::new(line.saturating_sub(1), character)
    }
}

/// A file of the report (relative to the root, or absolute) on the disk.
pub fn path_of(root: &Path, file: &str) -> PathBuf {
    let path = Path::new(file);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    }
}

/// How the report names a file on the disk: relative to the root, `/`-separated.
pub fn report_name(root: &Path, path: &Path) -> String {
    crate::display::display_path(path, root)
}

/// Every finding of the report that shows (not suppressed, not allowed) as diagnostics, by
/// file on the disk.
pub fn diagnostics(
    report: &Report,
    root: &Path,
    texts: &mut Texts<'_>,
    encoding: Encoding,
    docs: &RuleDocs,
) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
    let routes: HashMap<&str, String> = report
        .handlers
        .iter()
        .map(|handler| (handler.path.as_str(), handler.route.to_string()))
        .collect();
    let mut by_file: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
    let mut places = Places::default();
    for finding in &report.findings {
        if finding.suppressed.is_some() || finding.level == Level::Allow {
            continue;
        }
        let path = path_of(root, &finding.file);
        let diagnostic = diagnostic(
            finding,
            &path,
            root,
            texts,
            encoding,
            docs,
            &routes,
            &mut places,
        );
        by_file.entry(path).or_default().push(diagnostic);
    }
    by_file
}

/// The files of the report's call chains, on the disk and as URIs: a few files, named by
/// many steps.
#[derive(Default)]
struct Places {
    files: HashMap<String, (PathBuf, Option<Url>)>,
}

impl Places {
    fn of(&mut self, root: &Path, file: &str) -> &(PathBuf, Option<Url>) {
        self.files.entry(file.to_string()).or_insert_with(|| {
            let path = path_of(root, file);
            let uri = Url::from_file_path(&path).ok();
            (path, uri)
        })
    }
}

// Each argument is one of the conversion's inputs; a struct would only be unpacked here.
#[allow(clippy::too_many_arguments)]
fn diagnostic(
    finding: &Finding,
    path: &Path,
    root: &Path,
    texts: &mut Texts<'_>,
    encoding: Encoding,
    docs: &RuleDocs,
    routes: &HashMap<&str, String>,
    places: &mut Places,
) -> Diagnostic {
    let start = texts.position(path, finding.line, finding.column, encoding);
    let mut end = texts.position(path, finding.end_line, finding.end_column, encoding);
    if end < start {
        end = start;
    }
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    if !finding.handlers.is_empty() {
        const NAMED: usize = 3;
        let named: Vec<String> = finding
            .handlers
            .iter()
            .take(NAMED)
            .map(|handler| match routes.get(handler.as_str()) {
                Some(route) => format!("{route} ({handler})"),
                None => handler.clone(),
            })
            .collect();
        let more = finding.handlers.len().saturating_sub(NAMED);
        let mut line = format!("\nbreaks {}", named.join(", "));
        if more > 0 {
            line.push_str(&format!(" and {more} more"));
        }
        message.push_str(&line);
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .chain
        .iter()
        .filter_map(|step| {
            let (step_path, uri) = places.of(root, &step.file);
            let uri = uri.clone()?;
            let at = texts.position(step_path, step.line, 1, encoding);
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, Range::new(at, at)),
                message: format!("through {}", step.function),
            })
        })
        .collect();
    Diagnostic {
        range: Range::new(start, end),
        severity: Some(match finding.level {
            Level::Deny => DiagnosticSeverity::ERROR,
            Level::Warn | Level::Allow => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: docs.url(finding.rule).map(|href| CodeDescription { href }),
        source: Some("failfirst".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_what_str_lines_gives() {
        for text in ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n", "é\n😀\r\nx"] {
            let lines = Lines::of(text.to_string());
            let expected: Vec<&str> = text.lines().collect();
            let found: Vec<&str> = (0..expected.len() + 2)
                .map_while(|line| lines.line(line))
                .collect();
            assert_eq!(found, expected, "{text:?}");
        }
    }

    #[test]
    fn columns_count_what_the_encoding_counts() {
        let line = "let é = \"😀\"; x";
        // `x` is character 13 (0-based): 2 bytes for é, 4 for 😀, a surrogate pair in UTF-16.
        assert_eq!(Encoding::Utf32.column(line, 13), 13);
        assert_eq!(Encoding::Utf16.column(line, 13), 14);
        assert_eq!(Encoding::Utf8.column(line, 13), 17);
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let column = encoding.column(line, 13);
            assert_eq!(encoding.char_index(line, column), 13, "{encoding:?}");
        }
        // A column past the end of a shorter line stays where it was.
        assert_eq!(Encoding::Utf16.column("ab", 5), 5);
    }
}
