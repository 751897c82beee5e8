//! Reading and parsing one file, never failing: what cannot be read or parsed becomes a
//! [`ParseProblem`] with its position.

use crate::index::{summarize_file, FileSummary};
use crate::location::{Position, TextRange};

/// Delimiters nested deeper than this are refused before syn sees them: syn's parser is
/// recursive, and a generated file with 100,000 nested parentheses would overflow any stack.
/// Real code stays far below (rustc's own recursion limit for macros is 128).
pub const MAX_NESTING_DEPTH: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseProblem {
    pub message: String,
    pub range: TextRange,
}

/// Parses a file's bytes into its summary. Must run where proc-macro2's span source map can
/// be cleared afterwards (the caller does that once every span has been converted).
pub fn parse_source(bytes: &[u8]) -> Result<FileSummary, ParseProblem> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        let position = end_position(valid);
        ParseProblem {
            message: format!(
                "file is not valid UTF-8 (invalid byte at offset {})",
                error.valid_up_to()
            ),
            range: TextRange {
                start: position,
                end: Position {
                    column: position.column + 1,
                    ..position
                },
            },
        }
    })?;
    if let Some(offset) = too_deep_at(text.as_bytes(), MAX_NESTING_DEPTH) {
        let position = end_position(&text.as_bytes()[..offset]);
        return Err(ParseProblem {
            message: format!("delimiters nested deeper than {MAX_NESTING_DEPTH} levels; the file is not analysed"),
            range: TextRange { start: position, end: Position { column: position.column + 1, ..position } },
        });
    }
    // syn strips a byte-order mark and a shebang line itself.
    let file = syn::parse_file(text).map_err(|error| {
        let message = error.to_string();
        // proc-macro2's lexer says only this; say what it means.
        let message = if message == "cannot parse string into token stream" {
            "cannot read the file as Rust tokens: an unclosed or unbalanced delimiter, or an unterminated string or comment".to_string()
        } else {
            message
        };
        ParseProblem { message, range: TextRange::from_span(error.span()) }
    })?;
    Ok(summarize_file(&file))
}

fn end_position(valid: &[u8]) -> Position {
    let line = valid.iter().filter(|byte| **byte == b'\n').count() as u32 + 1;
    let line_start = valid
        .iter()
        .rposition(|byte| *byte == b'\n')
        .map_or(0, |index| index + 1);
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count() as u32
        + 1;
    Position { line, column }
}

/// The byte offset of the first delimiter that opens deeper than `limit`, if any. A single
/// pass that knows Rust's comments (nested block comments too), strings, raw strings and
/// character literals, so that brackets inside them do not count; it never recurses.
fn too_deep_at(bytes: &[u8], limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'/' if bytes.get(index + 1) == Some(&b'/') => {
                while index < bytes.len() && bytes[index] != b'\n' {
                    index += 1;
                }
            }
            b'/' if bytes.get(index + 1) == Some(&b'*') => {
                let mut nesting = 1;
                index += 2;
                while index < bytes.len() && nesting > 0 {
                    if bytes[index] == b'/' && bytes.get(index + 1) == Some(&b'*') {
                        nesting += 1;
                        index += 1;
                    } else if bytes[index] == b'*' && bytes.get(index + 1) == Some(&b'/') {
                        nesting -= 1;
                        index += 1;
                    }
                    index += 1;
                }
                continue;
            }
            b'r' if matches!(bytes.get(index + 1), Some(b'"' | b'#'))
                && !is_ident_byte_before(bytes, index) =>
            {
                // Raw string: r"..", r#".."#, with any number of hashes.
                let mut cursor = index + 1;
                let mut hashes = 0;
                while bytes.get(cursor) == Some(&b'#') {
                    hashes += 1;
                    cursor += 1;
                }
                if bytes.get(cursor) == Some(&b'"') {
                    cursor += 1;
                    loop {
                        match bytes.get(cursor) {
                            None => return None,
                            Some(b'"')
                                if bytes[cursor + 1..]
                                    .iter()
                                    .take(hashes)
                                    .filter(|b| **b == b'#')
                                    .count()
                                    == hashes =>
                            {
                                index = cursor + 1 + hashes;
                                break;
                            }
                            _ => cursor += 1,
                        }
                    }
                    continue;
                }
            }
            b'"' => {
                index += 1;
                while index < bytes.len() && bytes[index] != b'"' {
                    if bytes[index] == b'\\' {
                        index += 1;
                    }
                    index += 1;
                }
            }
            b'\'' => {
                // A character literal ('(', '\'', '\u{28}') or a lifetime ('a).
                if bytes.get(index + 1) == Some(&b'\\') {
                    index += 2;
                    while index < bytes.len() && bytes[index] != b'\'' {
                        index += 1;
                    }
                } else if bytes.get(index + 2) == Some(&b'\'') {
                    index += 2;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(index);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        index += 1;
    }
    None
}

/// Whether the byte before `index` continues an identifier (`for` in `r` of `bar"`).
fn is_ident_byte_before(bytes: &[u8], index: usize) -> bool {
    index > 0 && (bytes[index - 1].is_ascii_alphanumeric() || bytes[index - 1] == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_invalid_utf8_with_its_line() {
        let problem = parse_source(b"fn a() {}\n// caf\xe9\n").unwrap_err();
        assert!(
            problem.message.contains("not valid UTF-8"),
            "{}",
            problem.message
        );
        assert_eq!(problem.range.start, Position { line: 2, column: 7 });
    }

    #[test]
    fn reports_syntax_error_with_its_position() {
        let problem = parse_source(b"fn a() {\n    let x = ;\n}\n").unwrap_err();
        assert_eq!(problem.range.start.line, 2);
    }

    #[test]
    fn refuses_deep_nesting_without_overflowing() {
        let depth = 100_000;
        let source = format!(
            "fn f() {{ let x = {}1{}; }}",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let problem = parse_source(source.as_bytes()).unwrap_err();
        assert!(
            problem.message.contains("nested deeper"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn brackets_in_strings_comments_and_chars_do_not_count() {
        let noise = "(".repeat(400);
        let source = format!(
            "fn f() {{ let a = \"{noise}\"; let b = r#\"{noise}\"#; let c = '('; /* {noise} /* {noise} */ */ // {noise}\n let d: &'static str = \"\\\"{noise}\"; }}"
        );
        assert!(parse_source(source.as_bytes()).is_ok());
    }

    #[test]
    fn accepts_shebang_and_bom() {
        assert!(
            parse_source("\u{feff}#!/usr/bin/env run-cargo-script\nfn main() {}\n".as_bytes())
                .is_ok()
        );
    }
}
