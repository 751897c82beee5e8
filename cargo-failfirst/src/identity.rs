//! What makes a finding the same finding after edits elsewhere: its rule, the handler it is
//! on, and the normalised text of the offending statement — not its line, not its file. A
//! line added above it, the function moved within the file or to another, the file renamed:
//! the identity stays. Editing the statement itself makes a new finding.
//!
//! The baseline matches findings by identity, and SARIF's `partialFingerprints` and GitLab's
//! `fingerprint` are hashes of it.
//!
//! May import: `sources`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;

use lint_core::report::{Finding, Handler, Report};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::sources::{range_text, SourceTexts};

/// A handler as a finding's identity names it: what it answers to and its function's name.
/// Its module path is left out, so that renaming a file keeps the identity.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HandlerKey {
    pub route: String,
    #[serde(rename = "handler")]
    pub name: String,
}

impl HandlerKey {
    pub fn of(handler: &Handler) -> Self {
        HandlerKey {
            route: handler.route.to_string(),
            name: handler.name.clone(),
        }
    }
}

/// A finding's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingIdentity {
    pub rule: String,
    /// The handlers the finding is on, the one it is reported for first; empty for a
    /// finding about a file (`parse-error`, `unused-suppression`).
    pub handlers: Vec<HandlerKey>,
    /// Where it is now; part of the identity only for findings with no handler.
    pub file: String,
    /// The offending statement's text, normalised ([`normalise`]).
    pub statement: String,
}

/// The identity of each of the report's findings, in order.
pub fn identify(report: &Report, sources: &SourceTexts) -> Vec<FindingIdentity> {
    report
        .findings
        .iter()
        .map(|finding| {
            let mut on: Vec<&Handler> = report.handlers_of(finding);
            // The handler the finding is reported for leads.
            on.sort_by_key(|handler| Some(handler.path.as_str()) != finding.handler.as_deref());
            let mut handlers: Vec<HandlerKey> = Vec::new();
            for handler in on {
                let key = HandlerKey::of(handler);
                if !handlers.contains(&key) {
                    handlers.push(key);
                }
            }
            FindingIdentity {
                rule: finding.rule.to_string(),
                handlers,
                file: finding.file.clone(),
                statement: statement(finding, sources),
            }
        })
        .collect()
}

/// The normalised text of a finding's offending statement; the first line of the file
/// region when the region is empty, and nothing when the file cannot be read.
pub fn statement(finding: &Finding, sources: &SourceTexts) -> String {
    let Some(text) = sources.text(&finding.file) else {
        return String::new();
    };
    let region = range_text(
        text,
        (finding.line, finding.column),
        (finding.end_line, finding.end_column),
    );
    let region = if region.trim().is_empty() {
        crate::sources::line_text(text, finding.line).unwrap_or_default()
    } else {
        region
    };
    normalise(region)
}

/// Code with its layout taken out, so that reformatting (rustfmt breaking a method chain
/// over lines, re-indenting a moved function) and comments do not change it: the tokens as
/// the Rust lexer reads them, with a space only where two words would otherwise run
/// together. Text that does not lex on its own (a region cut inside a string) has its runs
/// of whitespace collapsed instead.
pub fn normalise(code: &str) -> String {
    match TokenStream::from_str(code) {
        Ok(tokens) => {
            let mut out = String::new();
            write_tokens(tokens, &mut out);
            out
        }
        Err(_) => code.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

fn write_tokens(tokens: TokenStream, out: &mut String) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write_tokens(group.stream(), out);
                out.push_str(close);
            }
            TokenTree::Punct(punct) => out.push(punct.as_char()),
            TokenTree::Ident(ident) => push_word(out, &ident.to_string()),
            TokenTree::Literal(literal) => push_word(out, &literal.to_string()),
        }
    }
}

/// A word after another word needs a space between them: `let x`, `as u64`.
fn push_word(out: &mut String, word: &str) {
    let joins_a_word = out
        .chars()
        .next_back()
        .is_some_and(|last| last.is_alphanumeric() || last == '_' || last == '"');
    let starts_a_word = word
        .chars()
        .next()
        .is_some_and(|first| first.is_alphanumeric() || first == '_' || first == '"');
    if joins_a_word && starts_a_word {
        out.push(' ');
    }
    out.push_str(word);
}

/// The key under which SARIF's `partialFingerprints` carries [`fingerprints`].
pub const FINGERPRINT_KEY: &str = "failfirst/v1";

/// A stable fingerprint per finding: a hash of its identity (rule, the handler it is
/// reported for, statement; the file for a finding with no handler), then `:n` for the n-th
/// finding with the same hash, as GitHub's own fingerprints do.
pub fn fingerprints(identities: &[FindingIdentity]) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    identities
        .iter()
        .map(|identity| {
            let mut hasher = Sha256::new();
            hasher.update(b"failfirst-finding-v1\0");
            hasher.update(identity.rule.as_bytes());
            hasher.update(b"\0");
            match identity.handlers.first() {
                Some(handler) => {
                    hasher.update(handler.route.as_bytes());
                    hasher.update(b"\0");
                    hasher.update(handler.name.as_bytes());
                }
                None => hasher.update(identity.file.as_bytes()),
            }
            hasher.update(b"\0");
            hasher.update(identity.statement.as_bytes());
            let digest = hasher.finalize();
            let mut hash = String::new();
            for byte in &digest[..16] {
                let _ = write!(hash, "{byte:02x}");
            }
            let occurrence = seen.entry(hash.clone()).or_insert(0);
            *occurrence += 1;
            format!("{hash}:{occurrence}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn layout_and_comments_do_not_change_a_statement() {
        let one_line =
            r#"let result = sqlx::query("UPDATE a SET n = n - $1").bind(x).execute(pool).await?;"#;
        let reflowed = r#"let result = sqlx::query("UPDATE a SET n = n - $1") // the debit
            .bind(x)
            .execute(pool)
            .await?;"#;
        assert_eq!(normalise(one_line), normalise(reflowed));
        assert_eq!(
            normalise(one_line),
            r#"let result=sqlx::query("UPDATE a SET n = n - $1").bind(x).execute(pool).await?;"#
        );
    }

    #[test]
    fn words_stay_apart_and_edits_show() {
        assert_eq!(normalise("x as u64"), "x as u64");
        assert_eq!(normalise("for _ in 0..n {}"), "for _ in 0..n{}");
        assert_ne!(normalise("debit(a, 1)"), normalise("debit(a, 2)"));
    }

    #[test]
    fn text_that_does_not_lex_is_collapsed() {
        assert_eq!(normalise("call(\n   a,\n"), "call( a,");
    }
}
