//! A configuration file as written: its name and text, its TOML errors in the file's words,
//! and the checks of one written value (a Rust path, an identifier) that point at its span.
//! The readers of whole sections (`validate`, `records`) stand on these.

use std::ops::Range;

use toml::Spanned;

use super::error::ConfigError;

/// A configuration file's name as shown, and its text.
pub(crate) struct Source<'a> {
    pub file: String,
    pub text: &'a str,
}

impl Source<'_> {
    pub(super) fn error_at(&self, span: Range<usize>, message: String) -> ConfigError {
        ConfigError::at(self.file.clone(), self.text, span, message)
    }
}

pub(super) const DOCS_HELP: &str =
    "every key is described, with an example, in failfirst's docs/configuration.md";

/// A TOML syntax or type error, in the words of the file rather than of serde.
pub(crate) fn toml_error(source: &Source, error: &toml::de::Error) -> ConfigError {
    let message = plain_words(error.message().trim());
    // serde says what was expected after a comma, TOML's parser on a line of its own.
    let (message, label) = match message
        .split_once("; expected ")
        .or_else(|| message.split_once("\nexpected "))
    {
        Some((what, expected)) => (what.trim().to_string(), format!("expected {expected}")),
        None => (message.clone(), "here".to_string()),
    };
    match error.span() {
        Some(span) => source
            .error_at(span, message)
            .with_label(label)
            .with_help(DOCS_HELP),
        None => ConfigError::whole_file(source.file.clone(), message).with_help(DOCS_HELP),
    }
}

/// serde speaks of fields, variants, sequences and maps; a TOML file has keys, values,
/// arrays and tables.
fn plain_words(message: &str) -> String {
    let mut text = message.to_string();
    for (serde_words, toml_words) in [
        ("unknown field", "unknown key"),
        ("missing field", "missing key"),
        ("unknown variant", "unknown value"),
        ("invalid type: string", "wrong type: a string"),
        ("invalid type: integer", "wrong type: a number"),
        ("invalid type: floating point", "wrong type: a number"),
        ("invalid type: boolean", "wrong type: a boolean"),
        ("invalid type: sequence", "wrong type: an array"),
        ("invalid type: map", "wrong type: a table"),
        ("invalid type: ", "wrong type: "),
        ("a sequence", "an array such as [\"a\", \"b\"]"),
        ("a map", "a table"),
        ("struct ConfigFile", "a table"),
        ("struct HandlerPatterns", "a table"),
        ("struct KnowledgeExtensions", "a table"),
        (
            "struct ClientDeclaration",
            "a table with `type` and `methods`",
        ),
        ("struct DeadlineSources", "a table"),
        ("struct GrpcVerbs", "a table"),
        ("enum LevelName", "\"deny\", \"warn\" or \"allow\""),
        ("enum Idempotency", "\"idempotent\" or \"non-idempotent\""),
        ("u64", "a whole number"),
    ] {
        text = text.replace(serde_words, toml_words);
    }
    // `unknown key `x`, expected one of ..` reads better as two parts.
    text.replacen(", expected", "; expected", 1)
}

/// A `::`-separated Rust path of at least `least_segments` segments.
pub(super) fn rust_path(
    written: &Spanned<String>,
    least_segments: usize,
    expected: &str,
    source: &Source,
) -> Result<Vec<String>, ConfigError> {
    let segments: Vec<String> = written
        .get_ref()
        .trim()
        .split("::")
        .map(str::to_string)
        .collect();
    if segments.len() < least_segments || !segments.iter().all(|segment| is_identifier(segment)) {
        return Err(source
            .error_at(
                written.span(),
                format!("`{}` is not a Rust path", written.get_ref()),
            )
            .with_label(format!("expected {expected}"))
            .with_help(
                "write paths as in Rust code: identifiers joined by `::`, the crate first",
            ));
    }
    Ok(segments)
}

pub(super) fn identifier(
    written: &Spanned<String>,
    source: &Source,
) -> Result<String, ConfigError> {
    let name = written.get_ref().trim();
    if is_identifier(name) {
        Ok(name.to_string())
    } else {
        Err(source
            .error_at(written.span(), format!("`{name}` is not a method name"))
            .with_label("expected a method name such as `register`"))
    }
}

pub(super) fn non_empty(written: &Spanned<String>, source: &Source) -> Result<String, ConfigError> {
    let text = written.get_ref().trim();
    if text.is_empty() {
        Err(source
            .error_at(written.span(), "empty value".to_string())
            .with_label("expected a name"))
    } else {
        Ok(text.to_string())
    }
}

pub(super) fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|first| first == '_' || first.is_alphabetic())
        && chars.all(|next| next == '_' || next.is_alphanumeric())
}
