//! `--format gitlab`: GitLab CI's code quality report (a JSON array of Code Climate issues),
//! which a merge request shows beside the changed lines when the job saves it as
//! `artifacts:reports:codequality`.

use serde::Serialize;

use super::{on_handlers, Rendering};
use crate::identity::fingerprints;

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

pub fn render(rendering: &Rendering<'_>) -> String {
    let fingerprints = fingerprints(rendering.identities);
    let issues: Vec<Issue> = rendering
        .shown_findings()
        .map(|(position, finding)| {
            let handlers = rendering.handlers_of(finding);
            let description = if handlers.is_empty() {
                finding.message.clone()
            } else {
                let on = on_handlers(&handlers, |_, handler| handler.route.to_string());
                format!("{} ({on})", finding.message)
            };
            Issue {
                description,
                check_name: finding.rule.to_string(),
                fingerprint: fingerprints.get(position).cloned().unwrap_or_default(),
                // Code Climate's scale: `deny` fails the pipeline, `warn` does not.
                severity: match finding.level {
                    lint_core::report::Level::Deny => "major",
                    _ => "minor",
                },
                location: IssueLocation {
                    path: rendering.repository_path(&finding.file),
                    lines: Lines {
                        begin: finding.line,
                        end: finding.end_line,
                    },
                },
            }
        })
        .collect();
    let mut text =
        serde_json::to_string_pretty(&issues).unwrap_or_else(|error| format!("[\"{error}\"]"));
    text.push('\n');
    text
}
