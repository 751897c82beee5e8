//! Reading and parsing one file, never failing: what cannot be read or parsed becomes a
//! [`ParseProblem`] with its position.

use std::str::FromStr;

use proc_macro2::{TokenStream, TokenTree};

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
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = strip_shebang(text);
    let tokens = TokenStream::from_str(&text).map_err(|error| ParseProblem {
        message: "cannot read the file as Rust tokens: an unclosed or unbalanced delimiter, or an unterminated string or comment".to_string(),
        range: TextRange::from_span(error.span()),
    })?;
    check_nesting(&tokens)?;
    let file = syn::parse2::<syn::File>(tokens).map_err(|error| ParseProblem {
        message: error.to_string(),
        range: TextRange::from_span(error.span()),
    })?;
    Ok(summarize_file(&file))
}

/// Blanks a `#!` line that is not an inner attribute, as rustc does; keeps the line count.
fn strip_shebang(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with("#!") && !text[2..].trim_start().starts_with('[') {
        let line_end = text.find('\n').unwrap_or(text.len());
        let mut owned = " ".repeat(line_end);
        owned.push_str(&text[line_end..]);
        std::borrow::Cow::Owned(owned)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
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

/// Walks the token tree with an explicit stack, so that the check itself cannot overflow.
fn check_nesting(tokens: &TokenStream) -> Result<(), ParseProblem> {
    let mut stack: Vec<proc_macro2::token_stream::IntoIter> = vec![tokens.clone().into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(TokenTree::Group(group)) => {
                if stack.len() >= MAX_NESTING_DEPTH {
                    return Err(ParseProblem {
                        message: format!(
                            "delimiters nested deeper than {MAX_NESTING_DEPTH} levels; \
                             the file is not analysed"
                        ),
                        range: TextRange::from_span(group.span_open()),
                    });
                }
                stack.push(group.stream().into_iter());
            }
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    Ok(())
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
    fn accepts_shebang_and_bom() {
        assert!(
            parse_source("\u{feff}#!/usr/bin/env run-cargo-script\nfn main() {}\n".as_bytes())
                .is_ok()
        );
    }
}
