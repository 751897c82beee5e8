//! Suppressions: comments (`// failfirst: allow(rule) reason`, `disable(rule)` …
//! `enable(rule)`) and `#[failfirst::allow(rule, reason = "..")]` on a function, an `impl`
//! or a module. A suppressed finding stays in the report, marked, and counts for nothing;
//! a suppression that silences nothing is itself reported.

use crate::index::{AttrArg, AttrSummary, WorkspaceIndex};
use crate::location::TextRange;
use crate::report::{Finding, FindingId, Suppressed};
use crate::rules::{find_rule, unused_suppression};
use crate::sources::{SuppressionKind, SuppressionProblem};

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
    /// Why it silences nothing whatever it names (a block comment, a look-alike letter, an
    /// `enable` with no `disable` to close).
    problem: Option<SuppressionProblem>,
}

fn is_failfirst_allow(attr: &AttrSummary) -> bool {
    attr.path.len() == 2 && attr.path[0] == "failfirst" && attr.path[1] == "allow"
}

impl Suppression {
    /// Whether it silences a finding: the same file and rule, within its lines, with a
    /// reason given.
    fn silences(&self, finding: &FindingId) -> bool {
        self.file == finding.file
            && self.problem.is_none()
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
        problem: None,
    }
}

fn collect(index: &WorkspaceIndex) -> Vec<Suppression> {
    let mut out = Vec::new();
    for file in &index.files {
        if !file.reported {
            continue;
        }
        let comments = &file.suppression_comments;
        // Each `disable` runs to the first `enable` of one of its rules below it: one pass
        // from the bottom up, remembering the nearest `enable` of each rule.
        let mut next_enable: std::collections::HashMap<&str, u32> =
            std::collections::HashMap::new();
        let mut ends = vec![u32::MAX; comments.len()];
        for (at, comment) in comments.iter().enumerate().rev() {
            if comment.problem.is_some() {
                continue;
            }
            match comment.kind {
                SuppressionKind::Enable => {
                    for rule in &comment.rules {
                        next_enable.insert(rule, comment.range.start.line);
                    }
                }
                SuppressionKind::Disable => {
                    ends[at] = comment
                        .rules
                        .iter()
                        .filter_map(|rule| next_enable.get(rule.as_str()).copied())
                        .min()
                        .unwrap_or(u32::MAX);
                }
                SuppressionKind::Allow => {}
            }
        }
        // An `enable` that closes no `disable` above it: the range it meant to end was never
        // opened (or the `disable` is misspelt).
        let mut disabled: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for (at, comment) in comments.iter().enumerate() {
            let mut problem = comment.problem.clone();
            match comment.kind {
                SuppressionKind::Disable if problem.is_none() => {
                    disabled.extend(comment.rules.iter().map(String::as_str));
                }
                SuppressionKind::Enable if problem.is_none() => {
                    let closes = comment
                        .rules
                        .iter()
                        .any(|rule| disabled.contains(rule.as_str()));
                    if closes || comment.rules.is_empty() {
                        continue;
                    }
                    problem = Some(SuppressionProblem {
                        message: format!(
                            "`enable({})` closes no `disable` of that rule above it, so it does nothing",
                            comment.rules.join(", ")
                        ),
                        help: format!(
                            "consider `// failfirst: disable({}) reason` where the range should start, or removing this `enable`",
                            comment.rules.join(", ")
                        ),
                    });
                }
                SuppressionKind::Enable => {}
                _ => {}
            }
            let (first_line, last_line) = match comment.kind {
                SuppressionKind::Allow => (comment.target_line, comment.target_line),
                SuppressionKind::Disable => (comment.range.start.line, ends[at]),
                SuppressionKind::Enable => (comment.range.start.line, comment.range.start.line),
            };
            out.push(Suppression {
                file: file.display_path.clone(),
                rules: comment.rules.clone(),
                reason: comment.reason.clone(),
                first_line,
                last_line,
                anchor: comment.range,
                used: false,
                problem,
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
    // By file and rule, in order: a finding looks only at the suppressions that could
    // silence it, so that many suppressions and many findings stay linear.
    let mut by_file_and_rule: std::collections::HashMap<(&str, &str), Vec<usize>> =
        std::collections::HashMap::new();
    for (position, suppression) in suppressions.iter().enumerate() {
        for rule in &suppression.rules {
            let bucket = by_file_and_rule
                .entry((suppression.file.as_str(), rule.as_str()))
                .or_default();
            if bucket.last() != Some(&position) {
                bucket.push(position);
            }
        }
    }
    let mut silencing = Vec::with_capacity(findings.len());
    for finding in findings.iter() {
        let id = finding.id();
        let found = by_file_and_rule
            .get(&(id.file.as_str(), id.rule))
            .and_then(|bucket| {
                bucket
                    .iter()
                    .copied()
                    .find(|position| suppressions[*position].silences(&id))
            });
        silencing.push(found);
    }
    drop(by_file_and_rule);
    for (finding, found) in findings.iter_mut().zip(silencing) {
        if let Some(position) = found {
            let suppression = &mut suppressions[position];
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
        let message = if let Some(problem) = &suppression.problem {
            problem.message.clone()
        } else if suppression.rules.is_empty() {
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
            help: Some(if let Some(problem) = &suppression.problem {
                problem.help.clone()
            } else if suppression.reason.is_none() && !suppression.rules.is_empty() {
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
