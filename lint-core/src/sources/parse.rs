//! Reading and parsing one file, never failing: what cannot be read or parsed becomes a
//! [`ParseProblem`] with its position.

use super::comments::{is_marked, suppression_comments};
use super::lexical::{lexical_facts, Limit, LimitPassed, MAX_CHAIN_LENGTH, MAX_NESTING_DEPTH};
use super::SuppressionComment;
use crate::location::{Position, TextRange};

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
    // One lexical pass: the limits that keep syn's recursion (and every walk of the tree)
    // within the stack, and the comments that may be suppressions.
    let lexical = lexical_facts(text, (MAX_NESTING_DEPTH, MAX_CHAIN_LENGTH), is_marked);
    if let Some(passed) = lexical.passed {
        return Err(limit_problem(text, passed));
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

/// Whether a text passes one of the limits (measured without parsing): how tests find the
/// largest input of a kind that is still analysed.
#[cfg(test)]
pub(crate) fn passes_a_limit(text: &str) -> bool {
    lexical_facts(text, (MAX_NESTING_DEPTH, MAX_CHAIN_LENGTH), |_| false)
        .passed
        .is_some()
}

/// The `parse-error` of a file past one of the limits, at the token that passed it.
fn limit_problem(text: &str, passed: LimitPassed) -> ParseProblem {
    let position = end_position(&text.as_bytes()[..passed.offset]);
    let message = match passed.limit {
        Limit::Nesting(construct) => format!(
            "syntax nested deeper than {MAX_NESTING_DEPTH} levels (here {}); failfirst does not analyse a file past this limit, which keeps parsing within the stack",
            construct.describe()
        ),
        Limit::Chain => format!(
            "an expression chains more than {MAX_CHAIN_LENGTH} operations (method calls, fields, operators, casts or `else if`); failfirst does not analyse a file past this limit, which keeps parsing within the stack"
        ),
    };
    ParseProblem {
        message,
        range: TextRange {
            start: position,
            end: Position {
                column: position.column + 1,
                ..position
            },
        },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::SuppressionKind;

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
