//! Suppression comments: `// failfirst: allow(rule, ..) reason`, `disable(..)` and
//! `enable(..)`, read from the comments the lexical scan kept. A comment that looks like
//! one but cannot be (a block comment, a directive spelled with a look-alike letter, an
//! unknown directive) is kept too, with the reason it silences nothing: a reader who wrote
//! it believes the finding is silenced, and must be told it is not.

use super::lexical::MarkedComment;
use super::{SuppressionComment, SuppressionKind, SuppressionProblem};
use crate::location::{Position, TextRange};

const MARKER: &str = "failfirst:";

/// Whether the lexical scan keeps a comment: it mentions the marker, or would once its
/// look-alike letters are read as the letters they imitate.
pub(super) fn is_marked(comment: &str) -> bool {
    comment.contains("failfirst")
        || (!comment.is_ascii() && skeleton(comment).0.contains("failfirst"))
}

/// The suppression comments among the kept ones.
pub(super) fn suppression_comments(comments: Vec<MarkedComment<'_>>) -> Vec<SuppressionComment> {
    comments.into_iter().filter_map(read_comment).collect()
}

fn read_comment(comment: MarkedComment<'_>) -> Option<SuppressionComment> {
    let body = if comment.block {
        comment
            .text
            .trim_start_matches("/*")
            .trim_start_matches(['*', '!'])
            .trim_end_matches("*/")
    } else {
        comment.text.trim_start_matches('/').trim_start_matches('!')
    }
    .trim();
    let (plain, look_alike) = skeleton(body);
    let directive = plain.strip_prefix(MARKER)?.trim_start();
    let (kind, rest) = if let Some(rest) = directive.strip_prefix("allow") {
        (SuppressionKind::Allow, rest)
    } else if let Some(rest) = directive.strip_prefix("disable") {
        (SuppressionKind::Disable, rest)
    } else if let Some(rest) = directive.strip_prefix("enable") {
        (SuppressionKind::Enable, rest)
    } else {
        // `failfirst: alow(rule)`: a directive failfirst does not know. Prose after the
        // marker (`failfirst: this is fine`) is not one.
        let word: String = directive
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if word.is_empty() || !directive[word.len()..].trim_start().starts_with('(') {
            return None;
        }
        let mut read = parsed(&comment, SuppressionKind::Allow, &directive[word.len()..]);
        read.problem = Some(SuppressionProblem {
            message: format!(
                "`{word}` is not a directive failfirst reads (`allow`, `disable`, `enable`), so this comment silences nothing"
            ),
            help: "consider `// failfirst: allow(rule) reason` for one line, or `disable(rule) reason` … `enable(rule)` around a range; or removing it".to_string(),
        });
        return Some(read);
    };
    let mut read = parsed(&comment, kind, rest);
    read.problem = if let Some(letter) = look_alike {
        Some(SuppressionProblem {
            message: format!(
                "this comment is written with a look-alike character ({}) where failfirst expects plain letters, so it silences nothing",
                describe_char(letter)
            ),
            help: "consider retyping `failfirst:` and the directive in plain ASCII letters, or removing the comment".to_string(),
        })
    } else if comment.block {
        Some(SuppressionProblem {
            message: "a block comment is not read as a suppression, so this one silences nothing".to_string(),
            help: "consider writing it as a line comment, `// failfirst: allow(rule) reason`, or removing it".to_string(),
        })
    } else {
        None
    };
    Some(read)
}

/// The rules and reason after the directive word: `(rule, ..) reason`.
fn parsed(comment: &MarkedComment<'_>, kind: SuppressionKind, rest: &str) -> SuppressionComment {
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
    let width = comment.text.chars().count() as u32;
    SuppressionComment {
        kind,
        rules,
        reason,
        range: TextRange {
            start: Position {
                line: comment.line,
                column: comment.column,
            },
            end: Position {
                line: comment.line,
                column: comment.column + width,
            },
        },
        target_line: if comment.code_before {
            comment.line
        } else {
            comment.line + 1
        },
        problem: None,
    }
}

/// `U+0430 CYRILLIC SMALL LETTER A`-like naming, without a table of names: the code point
/// and the character.
fn describe_char(letter: char) -> String {
    if letter.is_whitespace() || letter.is_control() || is_invisible(letter) {
        format!("the invisible U+{:04X}", letter as u32)
    } else {
        format!("`{letter}`, U+{:04X}", letter as u32)
    }
}

fn is_invisible(letter: char) -> bool {
    matches!(
        letter,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// The text with look-alike letters read as the ASCII letters they imitate (Cyrillic and
/// Greek homoglyphs, full-width forms, Roman numerals, ligatures) and invisible characters
/// dropped, and the first such character met, if any.
fn skeleton(text: &str) -> (String, Option<char>) {
    let mut plain = String::with_capacity(text.len());
    let mut first = None;
    for letter in text.chars() {
        if letter.is_ascii() {
            plain.push(letter);
            continue;
        }
        let replacement: Option<&str> = match letter {
            'а' | 'ɑ' | 'α' | 'ａ' => Some("a"),
            'ԁ' | 'ⅾ' | 'ｄ' => Some("d"),
            'е' | 'ε' | 'ｅ' => Some("e"),
            'ſ' | 'ｆ' => Some("f"),
            'ɡ' | 'ｇ' => Some("g"),
            'і' | 'ı' | 'ι' | 'ⅰ' | 'ｉ' => Some("i"),
            'ӏ' | 'ℓ' | 'ⅼ' | 'ｌ' | 'Ɩ' => Some("l"),
            'о' | 'ο' | 'ｏ' => Some("o"),
            'р' | 'ρ' | 'ｐ' => Some("p"),
            'ѕ' | 'ｓ' => Some("s"),
            'ｔ' => Some("t"),
            'ν' | 'ⅴ' | 'ｖ' => Some("v"),
            'ԝ' | 'ｗ' => Some("w"),
            'с' | 'ⅽ' | 'ｃ' => Some("c"),
            'х' | 'ⅹ' | 'ｘ' => Some("x"),
            'у' | 'ｙ' => Some("y"),
            'ｂ' => Some("b"),
            'ｎ' => Some("n"),
            'ｒ' => Some("r"),
            '：' => Some(":"),
            '（' => Some("("),
            '）' => Some(")"),
            'ﬁ' => Some("fi"),
            'ﬂ' => Some("fl"),
            _ if is_invisible(letter) => Some(""),
            _ => None,
        };
        match replacement {
            Some(ascii) => {
                first.get_or_insert(letter);
                plain.push_str(ascii);
            }
            None => plain.push(letter),
        }
    }
    (plain, first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, block: bool) -> Option<SuppressionComment> {
        read_comment(MarkedComment {
            line: 3,
            column: 5,
            text,
            code_before: false,
            block,
        })
    }

    #[test]
    fn a_plain_comment_suppresses() {
        let comment = read(
            "// failfirst: allow(nested-retry) the SDK retries once",
            false,
        );
        let comment = comment.unwrap_or_else(|| panic!("not read"));
        assert_eq!(comment.kind, SuppressionKind::Allow);
        assert_eq!(comment.rules, ["nested-retry"]);
        assert_eq!(comment.reason.as_deref(), Some("the SDK retries once"));
        assert_eq!(comment.target_line, 4);
        assert!(comment.problem.is_none());
    }

    #[test]
    fn look_alike_letters_block_comments_and_unknown_directives_are_told() {
        for (text, block, expected) in [
            (
                "// failfirst: \u{430}llow(nested-retry) why",
                false,
                "U+0430",
            ),
            (
                "// failfirst: al\u{200B}low(nested-retry) why",
                false,
                "invisible U+200B",
            ),
            (
                "// f\u{430}ilfirst: allow(nested-retry) why",
                false,
                "U+0430",
            ),
            (
                "/* failfirst: allow(nested-retry) why */",
                true,
                "block comment",
            ),
            (
                "// failfirst: alow(nested-retry) why",
                false,
                "`alow` is not a directive",
            ),
        ] {
            let comment = read(text, block).unwrap_or_else(|| panic!("not read: {text}"));
            let problem = comment
                .problem
                .map(|problem| problem.message)
                .unwrap_or_default();
            assert!(problem.contains(expected), "{text}: {problem}");
            assert_eq!(comment.rules, ["nested-retry"], "{text}");
        }
    }

    #[test]
    fn prose_after_the_marker_is_not_a_suppression() {
        assert!(read("// failfirst: this retry is bounded by the caller", false).is_none());
        assert!(read("// see failfirst's docs", false).is_none());
        assert!(is_marked("// f\u{430}ilfirst: allow(x) y"));
        assert!(!is_marked("// plain comment, caf\u{e9}"));
    }
}
