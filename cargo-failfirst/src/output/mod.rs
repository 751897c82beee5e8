//! Output formats. Each takes the finished report and what was read beside it; none
//! changes it.
//!
//! May import: `diagnostic`, `identity`, `sources`.

pub mod cards;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod markdown;
pub mod rustc;
pub mod sarif;
pub mod style;
pub mod table;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lint_core::report::{Finding, Handler, Level, Report};

use crate::identity::FindingIdentity;
use crate::sources::SourceTexts;

/// What every format may draw on.
pub struct Rendering<'a> {
    pub report: &'a Report,
    pub sources: &'a SourceTexts,
    /// Each finding's identity, in the order of `report.findings`, for the formats that
    /// fingerprint findings (SARIF, GitLab); empty for the others.
    pub identities: &'a [FindingIdentity],
    /// With `--diff-base`: the handlers the change touches, by position.
    pub touched: Option<&'a BTreeSet<usize>>,
    /// ANSI styles in text meant for a terminal.
    pub colour: bool,
    /// The root of the CI checkout (`GITHUB_WORKSPACE`, `CI_PROJECT_DIR`): annotations and
    /// code-quality reports give paths relative to it.
    pub repository_root: Option<PathBuf>,
}

impl Rendering<'_> {
    /// Findings that are shown, with their position: neither suppressed (JSON and SARIF
    /// mark those) nor of a rule turned off (only JSON keeps those, at level `allow`).
    pub fn shown_findings(&self) -> impl Iterator<Item = (usize, &Finding)> {
        self.report
            .findings
            .iter()
            .enumerate()
            .filter(|(_, finding)| finding.is_reported())
    }

    /// The handlers a finding is on, the one it is reported for first.
    pub fn handlers_of(&self, finding: &Finding) -> Vec<&Handler> {
        let mut handlers = self.report.handlers_of(finding);
        handlers.sort_by_key(|handler| Some(handler.path.as_str()) != finding.handler.as_deref());
        handlers
    }

    /// A file's path relative to the CI checkout when one is known and holds it, else as
    /// the report shows it (relative to the current directory).
    pub fn repository_path(&self, display: &str) -> String {
        let Some(root) = &self.repository_root else {
            return display.to_string();
        };
        let absolute = self.sources.absolute(display);
        relative_to(&absolute, root).unwrap_or_else(|| display.to_string())
    }
}

/// How many handlers a line names before "and N more": a helper shared by a whole API
/// would otherwise bury the message under its routes.
pub const HANDLERS_NAMED: usize = 3;

/// `on handler POST /a`, `on handlers POST /a, POST /b, POST /c and 13 more`, each route
/// written by `name`; empty when there is no handler.
pub fn on_handlers(handlers: &[&Handler], name: impl Fn(usize, &Handler) -> String) -> String {
    if handlers.is_empty() {
        return String::new();
    }
    let noun = if handlers.len() == 1 {
        "handler"
    } else {
        "handlers"
    };
    let named: Vec<String> = handlers
        .iter()
        .take(HANDLERS_NAMED)
        .enumerate()
        .map(|(position, handler)| name(position, handler))
        .collect();
    let more = handlers.len().saturating_sub(HANDLERS_NAMED);
    let list = match (named.split_last(), more) {
        (Some((last, first)), 0) if !first.is_empty() => {
            format!("{} and {last}", first.join(", "))
        }
        (_, 0) => named.join(", "),
        _ => format!("{} and {more} more", named.join(", ")),
    };
    format!("on {noun} {list}")
}

/// `path` relative to `root` with `/` separators, when it is under it (links resolved).
fn relative_to(path: &Path, root: &Path) -> Option<String> {
    let canonical =
        |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let path = canonical(path);
    let root = canonical(root);
    let relative = path.strip_prefix(&root).ok()?;
    Some(relative.to_string_lossy().replace('\\', "/"))
}

/// The last segment of a `::` path: the function's own name.
pub fn short_name(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// `deny` is an error and `warn` a warning, in every format that has levels.
pub fn severity_word(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "note",
    }
}

/// The calls from the handler to the finding as one line: `charge → debit_account`.
pub fn chain_line(finding: &Finding) -> String {
    finding
        .chain
        .iter()
        .map(|step| short_name(&step.function))
        .collect::<Vec<_>>()
        .join(" → ")
}

#[cfg(test)]
mod tests {
    use lint_core::report::{Answer, Evidence, Framework, Handler, Questions, Route, Verdict};

    use super::on_handlers;

    fn handler(path: &str) -> Handler {
        let answer = Answer {
            verdict: Verdict::NotApplicable,
            evidence: vec![Evidence::NoDownstreamCall],
        };
        Handler {
            name: path.to_string(),
            path: path.to_string(),
            framework: Framework::Axum,
            route: Route::Http {
                method: "POST".to_string(),
                path: format!("/{path}"),
            },
            file: "src/lib.rs".to_string(),
            line: 1,
            column: 1,
            annotations: Vec::new(),
            questions: std::sync::Arc::new(Questions {
                q1_idempotent: answer.clone(),
                q2_retry_safe: answer.clone(),
                q3_downstream_uncertainty: answer.clone(),
                q4_deadline: answer,
            }),
            unresolved_calls: Vec::new(),
            path_functions: Vec::new(),
        }
    }

    #[test]
    fn a_few_handlers_are_named_then_counted() {
        let all: Vec<Handler> = ["a", "b", "c", "d", "e"].map(handler).into();
        let on = |count: usize| {
            let handlers: Vec<&Handler> = all.iter().take(count).collect();
            on_handlers(&handlers, |_, handler| handler.route.to_string())
        };
        assert_eq!(on(0), "");
        assert_eq!(on(1), "on handler POST /a");
        assert_eq!(on(2), "on handlers POST /a and POST /b");
        assert_eq!(on(3), "on handlers POST /a, POST /b and POST /c");
        assert_eq!(on(5), "on handlers POST /a, POST /b, POST /c and 2 more");
    }
}
