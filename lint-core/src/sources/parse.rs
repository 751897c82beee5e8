//! Reading and parsing one file, never failing: what cannot be read or parsed becomes a
//! [`ParseProblem`] with its position.

use super::{SuppressionComment, SuppressionKind};
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

/// A file's syntax tree, with what the lexical scan found beside it.
#[derive(Debug)]
pub struct ParsedFile {
    pub syntax: syn::File,
    /// `// failfirst: allow(..)`, `disable(..)`, `enable(..)` comments, which syn drops.
    pub suppression_comments: Vec<SuppressionComment>,
}

/// Parses a file's bytes. Must run where proc-macro2's span source map can be cleared once
/// every span of the tree has been turned into a line and column (the caller does that after
/// the index has summarised the tree).
pub fn parse_source(bytes: &[u8]) -> Result<ParsedFile, ParseProblem> {
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
    // One lexical pass: the nesting guard, and the comments that may be suppressions.
    let lexical = lexical_facts(text, MAX_NESTING_DEPTH, "failfirst:");
    if let Some(offset) = lexical.too_deep_at {
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
    Ok(ParsedFile {
        syntax: file,
        suppression_comments: suppression_comments(lexical.marked_comments),
    })
}

/// Finds `// failfirst: allow(rule, ..) reason` comments, and `disable`/`enable`, line by
/// line. A `//` inside a string literal on the same line could be mistaken for a comment;
/// the `failfirst:` marker makes that harmless in practice.
fn suppression_comments(comments: Vec<(u32, u32, &str, bool)>) -> Vec<SuppressionComment> {
    let mut out = Vec::new();
    for (line_number, column, comment, code_before) in comments {
        let comment = comment
            .trim_start_matches('/')
            .trim_start_matches('!')
            .trim();
        let Some(directive) = comment.strip_prefix("failfirst:") else {
            continue;
        };
        let directive = directive.trim();
        let (kind, rest) = if let Some(rest) = directive.strip_prefix("allow") {
            (SuppressionKind::Allow, rest)
        } else if let Some(rest) = directive.strip_prefix("disable") {
            (SuppressionKind::Disable, rest)
        } else if let Some(rest) = directive.strip_prefix("enable") {
            (SuppressionKind::Enable, rest)
        } else {
            continue;
        };
        let rest = rest.trim_start();
        let (rules, reason) = match rest
            .strip_prefix('(')
            .and_then(|inner| inner.split_once(')'))
        {
            Some((names, reason)) => (
                names
                    .split(',')
                    .map(|name| name.trim().to_string())
                    .filter(|name| !name.is_empty())
                    .collect(),
                Some(reason.trim().to_string()).filter(|reason| !reason.is_empty()),
            ),
            None => (Vec::new(), None),
        };
        out.push(SuppressionComment {
            kind,
            rules,
            reason,
            range: TextRange {
                start: Position {
                    line: line_number,
                    column,
                },
                end: Position {
                    line: line_number,
                    column: column + comment.chars().count() as u32 + 2,
                },
            },
            target_line: if code_before {
                line_number
            } else {
                line_number + 1
            },
        });
    }
    out
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

/// What the lexical scan meets outside strings, characters and comments.
enum Lexeme {
    Open(usize),
    Close,
    /// A `//` comment: the offset of its `//` and of its end.
    LineComment(usize, usize),
}

/// One pass over Rust source that knows comments (nested block comments too), strings, raw
/// strings and character literals, so that brackets and `//` inside them do not count. It
/// never recurses; `visit` returns `false` to stop.
fn scan(bytes: &[u8], mut visit: impl FnMut(Lexeme) -> bool) {
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'/' if bytes.get(index + 1) == Some(&b'/') => {
                let start = index;
                while index < bytes.len() && bytes[index] != b'\n' {
                    index += 1;
                }
                if !visit(Lexeme::LineComment(start, index)) {
                    return;
                }
                continue;
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
                            None => return,
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
            b'(' | b'[' | b'{' if !visit(Lexeme::Open(index)) => return,
            b')' | b']' | b'}' if !visit(Lexeme::Close) => return,
            _ => {}
        }
        index += 1;
    }
}

/// What one lexical scan of a file tells: where delimiters first nest deeper than the
/// limit, and the `//` comments holding a marker.
struct LexicalFacts<'a> {
    too_deep_at: Option<usize>,
    /// Line, column, text, and whether code precedes the comment on its line.
    marked_comments: Vec<(u32, u32, &'a str, bool)>,
}

fn lexical_facts<'a>(text: &'a str, limit: usize, marker: &str) -> LexicalFacts<'a> {
    let bytes = text.as_bytes();
    let mut facts = LexicalFacts {
        too_deep_at: None,
        marked_comments: Vec::new(),
    };
    let mut depth = 0usize;
    // Lines are counted as the scan goes, so that a file of many comments stays linear.
    let mut counted_to = 0;
    let mut line = 1u32;
    scan(bytes, |lexeme| {
        match lexeme {
            Lexeme::Open(offset) => {
                depth += 1;
                if depth > limit {
                    facts.too_deep_at = Some(offset);
                    return false;
                }
            }
            Lexeme::Close => depth = depth.saturating_sub(1),
            Lexeme::LineComment(start, end) => {
                let comment = &text[start..end];
                if comment.contains(marker) {
                    line += bytes[counted_to..start]
                        .iter()
                        .filter(|byte| **byte == b'\n')
                        .count() as u32;
                    counted_to = start;
                    let line_start = bytes[..start]
                        .iter()
                        .rposition(|byte| *byte == b'\n')
                        .map_or(0, |at| at + 1);
                    let before = &text[line_start..start];
                    facts.marked_comments.push((
                        line,
                        before.chars().count() as u32 + 1,
                        comment,
                        !before.trim().is_empty(),
                    ));
                }
            }
        }
        true
    });
    facts
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
    fn reads_suppression_comments_but_not_strings_that_quote_them() {
        let source = "fn f() {\n    // failfirst: allow(retry-without-backoff) the broker paces us\n    g(); // failfirst: allow(downstream-without-deadline)\n    let doc = \"// failfirst: allow(nested-retry) quoted\";\n    // failfirst: disable(fixed-deadline, nested-retry) legacy\n}\n";
        let comments = parse_source(source.as_bytes())
            .map(|parsed| parsed.suppression_comments)
            .unwrap_or_default();
        assert_eq!(comments.len(), 3, "{comments:#?}");
        assert_eq!(
            (
                comments[0].kind,
                comments[0].target_line,
                comments[0].reason.as_deref()
            ),
            (SuppressionKind::Allow, 3, Some("the broker paces us"))
        );
        assert_eq!(
            (comments[1].target_line, comments[1].reason.as_deref()),
            (3, None)
        );
        assert_eq!(
            (comments[2].kind, comments[2].rules.clone()),
            (
                SuppressionKind::Disable,
                vec!["fixed-deadline".to_string(), "nested-retry".to_string()]
            )
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
