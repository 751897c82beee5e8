//! `--format github`: one GitHub Actions workflow command per finding, which the runner turns
//! into an annotation on the pull request's diff and prints in the log as
//! `Error: message`. Standard output holds those lines and nothing else; the Markdown
//! summary goes to the job summary (`GITHUB_STEP_SUMMARY`), written by the caller.

use std::fmt::Write as _;

use lint_core::report::Finding;

use super::{chain_line, on_handlers, severity_word, Rendering};

pub fn render(rendering: &Rendering<'_>) -> String {
    let mut out = String::new();
    for (_, finding) in rendering.shown_findings() {
        let _ = writeln!(out, "{}", command(rendering, finding));
    }
    out
}

/// `::error file=..,line=..,endLine=..,col=..,endColumn=..,title=failfirst(rule)::message`
fn command(rendering: &Rendering<'_>, finding: &Finding) -> String {
    let mut properties = vec![
        ("file", rendering.repository_path(&finding.file)),
        ("line", finding.line.to_string()),
        ("endLine", finding.end_line.to_string()),
    ];
    // GitHub keeps columns only on an annotation within one line; on one spanning several
    // it drops the annotation's columns or the annotation, depending on the API path.
    if finding.line == finding.end_line {
        properties.push(("col", finding.column.to_string()));
        properties.push(("endColumn", finding.end_column.to_string()));
    }
    properties.push(("title", format!("failfirst({})", finding.rule)));
    let properties: Vec<String> = properties
        .into_iter()
        .map(|(name, value)| format!("{name}={}", escape_property(&value)))
        .collect();
    format!(
        "::{} {}::{}",
        severity_word(finding.level),
        properties.join(","),
        escape_data(&message(rendering, finding))
    )
}

/// The annotation's text: the message, the handlers it is on and the chain to them, the
/// help.
fn message(rendering: &Rendering<'_>, finding: &Finding) -> String {
    let mut lines = vec![finding.message.clone()];
    let handlers = rendering.handlers_of(finding);
    if !handlers.is_empty() {
        let mut line = on_handlers(&handlers, |_, handler| handler.route.to_string());
        if finding.chain.len() > 1 {
            line.push_str(&format!(" (via {})", chain_line(finding)));
        }
        lines.push(line);
    }
    if let Some(help) = &finding.help {
        lines.push(format!("help: {help}"));
    }
    lines.join("\n")
}

/// A workflow command's message: `%`, CR and LF escaped, as the Actions toolkit does.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`, which separate properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_toolkit_does() {
        assert_eq!(escape_data("50% off\nnow"), "50%25 off%0Anow");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
