//! Suppressions: comments (`// failfirst: allow(rule) reason`, `disable(rule)` …
//! `enable(rule)`) and `#[failfirst::allow(rule, reason = "..")]` on a function, an `impl`
//! or a module. A suppressed finding stays in the report, marked, and counts for nothing;
//! a suppression that silences nothing is itself reported.

use crate::index::{AttrArg, AttrSummary, WorkspaceIndex};
use crate::location::TextRange;
use crate::report::{Finding, FindingId, Suppressed};
use crate::rules::{find_rule, unused_suppression};
use crate::sources::SuppressionKind;

struct Suppression {
    /// The file it is written in, as findings name it.
    file: String,
    rules: Vec<String>,
    reason: Option<String>,
    /// Lines silenced, inclusive.
    first_line: u32,
    last_line: u32,
    /// Where it is written.
    anchor: TextRange,
    used: bool,
}

fn is_failfirst_allow(attr: &AttrSummary) -> bool {
    attr.path.len() == 2 && attr.path[0] == "failfirst" && attr.path[1] == "allow"
}

impl Suppression {
    /// Whether it silences a finding: the same file and rule, within its lines, with a
    /// reason given.
    fn silences(&self, finding: &FindingId) -> bool {
        self.file == finding.file
            && self.reason.is_some()
            && self.rules.iter().any(|rule| rule == finding.rule)
            && (self.first_line..=self.last_line).contains(&finding.line)
    }
}

fn from_attribute(file: &str, attr: &AttrSummary, scope: TextRange) -> Suppression {
    let rules = attr.args.iter().filter_map(|arg| match arg {
        AttrArg::Word(word) => Some(word.replace('_', "-")),
        AttrArg::Literal(literal) => Some(literal.to_string()),
        AttrArg::NameValue(..) => None,
    });
    let reason = attr.args.iter().find_map(|arg| match arg {
        AttrArg::NameValue(name, value) if name == "reason" && !value.trim().is_empty() => {
            Some(value.to_string())
        }
        _ => None,
    });
    Suppression {
        file: file.to_string(),
        rules: rules.collect(),
        reason,
        first_line: scope.start.line,
        last_line: scope.end.line,
        anchor: attr.range,
        used: false,
    }
}

fn collect(index: &WorkspaceIndex) -> Vec<Suppression> {
    let mut out = Vec::new();
    for file in &index.files {
        if !file.reported {
            continue;
        }
        let comments = &file.suppression_comments;
        for (at, comment) in comments.iter().enumerate() {
            let last_line = match comment.kind {
                SuppressionKind::Allow => comment.target_line,
                SuppressionKind::Disable => comments[at + 1..]
                    .iter()
                    .find(|later| {
                        later.kind == SuppressionKind::Enable
                            && later.rules.iter().any(|rule| comment.rules.contains(rule))
                    })
                    .map_or(u32::MAX, |enable| enable.range.start.line),
                SuppressionKind::Enable => continue,
            };
            let first_line = if comment.kind == SuppressionKind::Allow {
                comment.target_line
            } else {
                comment.range.start.line
            };
            out.push(Suppression {
                file: file.display_path.clone(),
                rules: comment.rules.clone(),
                reason: comment.reason.clone(),
                first_line,
                last_line,
                anchor: comment.range,
                used: false,
            });
        }
    }
    for def in &index.fns {
        if index.file(def.file).reported {
            for attr in def
                .summary
                .attrs
                .iter()
                .filter(|attr| is_failfirst_allow(attr))
            {
                out.push(from_attribute(
                    &index.file(def.file).display_path,
                    attr,
                    def.summary.range,
                ));
            }
        }
    }
    for def in &index.impls {
        if index.file(def.file).reported {
            for attr in def.attrs.iter().filter(|attr| is_failfirst_allow(attr)) {
                out.push(from_attribute(
                    &index.file(def.file).display_path,
                    attr,
                    def.range,
                ));
            }
        }
    }
    for module in &index.modules {
        if index.file(module.file).reported {
            for attr in module.attrs.iter().filter(|attr| is_failfirst_allow(attr)) {
                out.push(from_attribute(
                    &index.file(module.file).display_path,
                    attr,
                    module.range,
                ));
            }
        }
    }
    out
}

/// Marks the findings that a suppression silences, and returns the findings about
/// suppressions that silence nothing or cannot.
pub fn apply(index: &WorkspaceIndex, findings: &mut [Finding]) -> Vec<Finding> {
    let mut suppressions = collect(index);
    for finding in findings.iter_mut() {
        let id = finding.id();
        let matching = suppressions
            .iter_mut()
            .find(|suppression| suppression.silences(&id));
        if let Some(suppression) = matching {
            suppression.used = true;
            finding.suppressed = Some(Suppressed {
                reason: suppression.reason.clone().unwrap_or_default(),
                line: suppression.anchor.start.line,
            });
        }
    }
    let mut out = Vec::new();
    for suppression in &suppressions {
        let unknown: Vec<&String> = suppression
            .rules
            .iter()
            .filter(|rule| find_rule(rule).is_none())
            .collect();
        let message = if suppression.rules.is_empty() {
            "suppression names no rule: write `allow(rule-name) reason`".to_string()
        } else if let Some(rule) = unknown.first() {
            match crate::rules::closest_rule(rule) {
                Some(near) => format!(
                    "suppression names an unknown rule `{rule}` (did you mean `{}`?)",
                    near.name
                ),
                None => format!("suppression names an unknown rule `{rule}`"),
            }
        } else if suppression.reason.is_none() {
            format!(
                "suppression of `{}` gives no reason, so it silences nothing",
                suppression.rules.join("`, `")
            )
        } else if !suppression.used {
            format!(
                "suppression of `{}` matches no finding",
                suppression.rules.join("`, `")
            )
        } else {
            continue;
        };
        let rule = &unused_suppression::RULE;
        out.push(Finding {
            rule: rule.name,
            level: rule.default_level,
            file: suppression.file.clone(),
            line: suppression.anchor.start.line,
            column: suppression.anchor.start.column,
            end_line: suppression.anchor.end.line,
            end_column: suppression.anchor.end.column,
            message,
            help: Some(if suppression.reason.is_none() && !suppression.rules.is_empty() {
                "consider saying why after the rule list: `// failfirst: allow(rule) why it is fine here`".to_string()
            } else {
                "consider removing it".to_string()
            }),
            handler: None,
            handlers: Vec::new(),
            chain: Vec::new(),
            suppressed: None,
        });
    }
    out
}
