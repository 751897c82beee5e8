//! What the editor asks about a place in a file — code lenses, hover, code actions — each a
//! function of the latest analysis and the editor's text. None of them waits for analysis.

use std::collections::HashMap;
use std::path::Path;

use lint_core::knowledge::DEADLINE_NAME_PARTS;
use lint_core::report::{Finding, Handler, Report};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeLens, Command, Diagnostic, Hover,
    HoverContents, MarkupContent, MarkupKind, Position, Range, TextEdit, Url, WorkspaceEdit,
};

use super::convert::{report_name, Encoding};
use super::rule_docs::RuleDocs;
use crate::output::cards;

pub const COMMAND_SCORE: &str = "failfirst.score";
pub const COMMAND_EXPLAIN: &str = "failfirst.explain";
pub const COMMAND_CARD: &str = "failfirst.card";

/// The handlers whose function is in `path`.
fn handlers_in<'r>(report: &'r Report, root: &Path, path: &Path) -> Vec<&'r Handler> {
    let name = report_name(root, path);
    report
        .handlers
        .iter()
        .filter(|handler| handler.file == name)
        .collect()
}

/// The range of a handler's name on its `fn` line.
fn name_range(handler: &Handler, text: &str, encoding: Encoding) -> Range {
    let line_number = handler.line.saturating_sub(1);
    let line = text.lines().nth(line_number as usize).unwrap_or("");
    let start_chars = handler.column.saturating_sub(1) as usize;
    let end_chars = start_chars + handler.name.chars().count();
    Range::new(
        Position::new(line_number, encoding.column(line, start_chars)),
        Position::new(line_number, encoding.column(line, end_chars)),
    )
}

/// One lens per handler, on its `fn` line: `POST /api/payments · Q1 ✓ Q2 ✓ Q3 ✗ Q4 ? · 2/4`;
/// choosing it shows the handler's card.
pub fn code_lenses(
    report: &Report,
    root: &Path,
    path: &Path,
    text: &str,
    encoding: Encoding,
) -> Vec<CodeLens> {
    handlers_in(report, root, path)
        .into_iter()
        .map(|handler| CodeLens {
            range: name_range(handler, text, encoding),
            command: Some(Command {
                title: format!("{} · {}", handler.route, cards::glance(handler)),
                command: COMMAND_CARD.to_string(),
                arguments: Some(vec![serde_json::Value::String(handler.path.clone())]),
            }),
            data: None,
        })
        .collect()
}

/// The card of the handler whose name is under the cursor, in Markdown.
pub fn hover(
    report: &Report,
    root: &Path,
    path: &Path,
    text: &str,
    position: Position,
    encoding: Encoding,
) -> Option<Hover> {
    handlers_in(report, root, path)
        .into_iter()
        .find_map(|handler| {
            let range = name_range(handler, text, encoding);
            let on_name = range.start.line == position.line
                && range.start.character <= position.character
                && position.character <= range.end.character;
            on_name.then(|| Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: cards::render_markdown(report, handler),
                }),
                range: Some(range),
            })
        })
}

/// The quick fixes for the findings on the lines of `range`: a suppression with a reason to
/// fill in, a timeout with the remaining budget where one is in scope, the rule's page.
pub fn code_actions(
    report: &Report,
    root: &Path,
    uri: &Url,
    text: &str,
    range: Range,
    diagnostics: &[Diagnostic],
    docs: &RuleDocs,
) -> Vec<CodeActionOrCommand> {
    let Ok(path) = uri.to_file_path() else {
        return Vec::new();
    };
    let name = report_name(root, &path);
    let lines: Vec<&str> = text.lines().collect();
    let first_line = range.start.line + 1;
    let last_line = range.end.line + 1;
    let mut actions = Vec::new();
    for finding in report.findings.iter().filter(|finding| {
        finding.file == name
            && finding.suppressed.is_none()
            && finding.line <= last_line
            && finding.end_line >= first_line
    }) {
        // The diagnostic the editor holds for this finding, which the fix resolves.
        let resolves: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|diagnostic| {
                diagnostic.code == Some(lsp_types::NumberOrString::String(finding.rule.to_string()))
                    && diagnostic.range.start.line + 1 == finding.line
            })
            .cloned()
            .collect();
        let resolves = (!resolves.is_empty()).then_some(resolves);
        if let Some(edit) = add_timeout(finding, &lines) {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Add `{}` (the remaining budget)", edit.new_text),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: resolves.clone(),
                edit: Some(single_edit(uri, edit)),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
        if finding.rule != lint_core::rules::parse_error::RULE.name
            && finding.rule != lint_core::rules::unused_suppression::RULE.name
        {
            let line = lines.get(finding.line as usize - 1).copied().unwrap_or("");
            let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
            let insert = Position::new(finding.line - 1, 0);
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Suppress `{}` here, with a reason", finding.rule),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: resolves.clone(),
                edit: Some(single_edit(
                    uri,
                    TextEdit::new(
                        Range::new(insert, insert),
                        format!("{indent}// failfirst: allow({}) <reason>\n", finding.rule),
                    ),
                )),
                ..CodeAction::default()
            }));
        }
        if docs.url(finding.rule).is_some() {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Open the documentation of `{}`", finding.rule),
                kind: Some(CodeActionKind::EMPTY),
                diagnostics: resolves,
                command: Some(Command {
                    title: format!("Open the documentation of `{}`", finding.rule),
                    command: COMMAND_EXPLAIN.to_string(),
                    arguments: Some(vec![serde_json::Value::String(finding.rule.to_string())]),
                }),
                ..CodeAction::default()
            }));
        }
    }
    actions
}

fn single_edit(uri: &Url, edit: TextEdit) -> WorkspaceEdit {
    let mut changes = HashMap::new();
    changes.insert(uri.clone(), vec![edit]);
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}

/// For a request sent with no deadline (`.send()` on its statement), `.timeout(..)` with
/// what remains of the caller's budget, when a binding in the enclosing function holds it:
/// a duration left (`remaining`, `budget`) as is, a deadline instant as the time until it.
fn add_timeout(finding: &Finding, lines: &[&str]) -> Option<TextEdit> {
    if finding.rule != lint_core::rules::downstream_without_deadline::RULE.name {
        return None;
    }
    let first = finding.line.checked_sub(1)? as usize;
    let budget = budget_in_scope(lines, first)?;
    let expression = if budget.to_ascii_lowercase().contains("deadline") {
        format!("{budget}.saturating_duration_since(std::time::Instant::now())")
    } else {
        budget
    };
    let last = (finding.end_line as usize).min(lines.len());
    for (number, line) in lines.iter().enumerate().take(last).skip(first) {
        if let Some(at) = line.find(".send()") {
            let column = line[..at].encode_utf16().count() as u32;
            let position = Position::new(number as u32, column);
            return Some(TextEdit::new(
                Range::new(position, position),
                format!(".timeout({expression})"),
            ));
        }
    }
    None
}

/// The nearest binding above `line`, back to the start of its function, whose name says it
/// holds the caller's deadline or what remains of it (the names the analysis reads as a
/// propagated deadline).
fn budget_in_scope(lines: &[&str], line: usize) -> Option<String> {
    let above = &lines[..line.min(lines.len())];
    let start = enclosing_fn_start(above)?;
    above[start..].iter().rev().find_map(|text| {
        bound_names(text).into_iter().find(|name| {
            let lowered = name.to_ascii_lowercase();
            DEADLINE_NAME_PARTS
                .iter()
                .any(|part| lowered.contains(part))
        })
    })
}

/// The line of the `fn` whose body is still open at the end of `lines`: the nearest `fn`
/// line that opens more braces, from it down, than it closes (a function written above and
/// already closed, `fn other() {}`, is not it).
fn enclosing_fn_start(lines: &[&str]) -> Option<usize> {
    let mut open = 0i64;
    for (number, text) in lines.iter().enumerate().rev() {
        for character in text.chars() {
            match character {
                '{' => open += 1,
                '}' => open -= 1,
                _ => {}
            }
        }
        if is_fn_start(text) && open > 0 {
            return Some(number);
        }
    }
    None
}

fn is_fn_start(line: &str) -> bool {
    let trimmed = line.trim_start();
    [
        "fn ",
        "pub fn ",
        "async fn ",
        "pub async fn ",
        "pub(crate) fn ",
        "pub(crate) async fn ",
    ]
    .iter()
    .any(|start| trimmed.starts_with(start))
}

/// Names bound on a line: `let [mut] name`, and parameters `name: Type`.
fn bound_names(line: &str) -> Vec<String> {
    let mut names = Vec::new();
    let identifier = |text: &str| -> String {
        text.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = line;
    while let Some(at) = rest.find("let ") {
        let after = rest[at + 4..].trim_start();
        let after = after.strip_prefix("mut ").unwrap_or(after).trim_start();
        let name = identifier(after);
        if !name.is_empty() {
            names.push(name);
        }
        rest = &rest[at + 4..];
    }
    for part in line.split([',', '(']) {
        let part = part.trim();
        if let Some((name, _)) = part.split_once(':') {
            let name = name.trim().trim_start_matches("mut ").trim();
            if !name.is_empty()
                && !name.contains(' ')
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                names.push(name.to_string());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_the_nearest_deadline_binding_in_the_function() {
        let lines = [
            "fn other(deadline: Instant) {}",
            "pub async fn charge(headers: HeaderMap) -> Result<(), Error> {",
            "    let remaining = budget_from(&headers);",
            "    let client = reqwest::Client::new();",
            "    client.post(url).send().await?;",
        ];
        assert_eq!(budget_in_scope(&lines, 4).as_deref(), Some("remaining"));
        // The search stops at the function's start: `other`'s deadline is not in scope.
        assert_eq!(budget_in_scope(&lines[..2], 1), None);
        let below_other = [lines[0], lines[1], lines[3], lines[4]];
        assert_eq!(budget_in_scope(&below_other, 3), None);
        // A parameter of the enclosing function is.
        let with_parameter = [
            "pub async fn charge(deadline: Instant) -> Result<(), Error> {",
            "    let client = reqwest::Client::new();",
            "    if ready {",
            "        client.post(url).send().await?;",
        ];
        assert_eq!(
            budget_in_scope(&with_parameter, 3).as_deref(),
            Some("deadline")
        );
        assert_eq!(
            bound_names("async fn f(mut deadline: Instant, x: u32) {"),
            ["deadline", "x"]
        );
    }
}
