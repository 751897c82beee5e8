//! Verdicts: the rules' findings and the four answers of each handler, from the facts on
//! its path. Pure functions of the facts; nothing here reads syntax.

mod suppressions;

use std::collections::BTreeMap;

pub use suppressions::apply as apply_suppressions;

use crate::discovery::{DiscoveredHandler, HandlerFunction};
use crate::facts::{reach, Bound, FactsCache, Reach, Step};
use crate::index::{AttrArg, FnId, WorkspaceIndex};
use crate::location::TextRange;
use crate::report::{Answer, ChainStep, Finding, Questions, Verdict};
use crate::rules::{HandlerPath, Violation, HANDLER_CHECKS};

/// A handler's answers and the findings on its path.
pub struct HandlerVerdict {
    pub questions: Questions,
    pub findings: Vec<Finding>,
}

pub struct Judge<'a> {
    index: &'a WorkspaceIndex,
    cache: FactsCache,
}

impl<'a> Judge<'a> {
    pub fn new(index: &'a WorkspaceIndex) -> Self {
        Judge {
            index,
            cache: FactsCache::default(),
        }
    }

    pub fn judge(&mut self, handler: &DiscoveredHandler) -> HandlerVerdict {
        let (root, within) = match handler.function {
            HandlerFunction::Function(id) => (id, None),
            HandlerFunction::Closure { enclosing, range } => (enclosing, Some(range)),
        };
        let reached = reach(self.index, &mut self.cache, root, within);
        let path = HandlerPath {
            reach: &reached,
            incoming_deadline: incoming_deadline(self.index, handler, root),
            deadline_ms: declared_budget_ms(self.index, root),
            propagate_promise: propagate_promise(self.index, root),
            budget_promise: budget_promise(self.index, root),
        };
        let violations: Vec<Violation> = HANDLER_CHECKS
            .iter()
            .flat_map(|check| check(&path))
            .collect();
        let handler_path = handler.path(self.index);
        let findings = violations
            .iter()
            .map(|violation| self.finding(violation, &handler_path))
            .collect();
        let questions = Questions {
            q1_idempotent: Answer::not_analysed(),
            q2_retry_safe: Answer::not_analysed(),
            q3_downstream_uncertainty: self.q3(&reached, &violations),
            q4_deadline: self.q4(&reached, &violations),
        };
        HandlerVerdict {
            questions,
            findings,
        }
    }

    fn location(&self, function: FnId, line: u32) -> String {
        format!(
            "{}:{line}",
            self.index
                .file(self.index.fn_def(function).file)
                .display_path
        )
    }

    fn evidence_of(&self, violation: &Violation) -> String {
        let mut text = format!(
            "{} at {}",
            violation.rule.name,
            self.location(violation.function, violation.anchor.start.line)
        );
        if !violation.chain.is_empty() {
            let names: Vec<String> = violation
                .chain
                .iter()
                .skip(1)
                .map(|step| self.index.fn_def(step.function).summary.name.clone())
                .chain(std::iter::once(
                    self.index.fn_def(violation.function).summary.name.clone(),
                ))
                .collect();
            text.push_str(&format!(" (via {})", names.join(" → ")));
        }
        text
    }

    fn q4(&self, reached: &Reach, violations: &[Violation]) -> Answer {
        if reached.calls.is_empty() {
            return Answer {
                verdict: Verdict::NotApplicable,
                evidence: vec!["no downstream call on this handler's path".to_string()],
            };
        }
        let failing: Vec<String> = violations
            .iter()
            .filter(|violation| violation.rule.questions.contains(&"q4"))
            .map(|violation| self.evidence_of(violation))
            .collect();
        if !failing.is_empty() {
            return Answer {
                verdict: Verdict::Fail,
                evidence: failing,
            };
        }
        let unknown: Vec<String> = reached
            .calls
            .iter()
            .filter_map(|call| match &call.effective_bound {
                Bound::Unknown(reason) => Some(format!(
                    "{} at {}: {reason}",
                    call.call.kind.describe(),
                    self.location(call.function, call.call.statement.start.line)
                )),
                _ => None,
            })
            .collect();
        if !unknown.is_empty() {
            return Answer {
                verdict: Verdict::Unknown,
                evidence: unknown,
            };
        }
        let evidence = reached
            .calls
            .iter()
            .map(|call| {
                let how = match &call.effective_bound {
                    Bound::Propagated(what) | Bound::Fixed { what, .. } => what.clone(),
                    Bound::ForwardedMetadata => "forwarded inbound metadata".to_string(),
                    Bound::Unbounded(what) | Bound::Unknown(what) => what.clone(),
                };
                format!(
                    "{} at {} bounded by {how}",
                    call.call.kind.describe(),
                    self.location(call.function, call.call.statement.start.line)
                )
            })
            .collect();
        Answer {
            verdict: Verdict::Pass,
            evidence,
        }
    }

    fn q3(&self, reached: &Reach, violations: &[Violation]) -> Answer {
        if reached.calls.is_empty() {
            return Answer {
                verdict: Verdict::NotApplicable,
                evidence: vec!["no downstream call on this handler's path".to_string()],
            };
        }
        let failing: Vec<String> = violations
            .iter()
            .filter(|violation| violation.rule.questions.contains(&"q3"))
            .map(|violation| self.evidence_of(violation))
            .collect();
        if !failing.is_empty() {
            return Answer {
                verdict: Verdict::Fail,
                evidence: failing,
            };
        }
        Answer {
            verdict: Verdict::Unknown,
            evidence: vec!["retries pass; the error paths and idempotency keys of downstream calls are not analysed by this version".to_string()],
        }
    }

    fn finding(&self, violation: &Violation, handler_path: &str) -> Finding {
        let def = self.index.fn_def(violation.function);
        let mut chain: Vec<ChainStep> = violation
            .chain
            .iter()
            .map(|step: &Step| self.chain_step(step.function, step.call.start.line))
            .collect();
        chain.push(self.chain_step(violation.function, violation.anchor.start.line));
        Finding {
            rule: violation.rule.name,
            level: violation.rule.default_level,
            file: self.index.file(def.file).display_path.clone(),
            line: violation.anchor.start.line,
            column: violation.anchor.start.column,
            end_line: violation.anchor.end.line.max(violation.anchor.start.line),
            end_column: violation.anchor.end.column,
            message: violation.message.clone(),
            help: Some(violation.help.clone()),
            handler: Some(handler_path.to_string()),
            chain,
            suppressed: None,
        }
    }

    fn chain_step(&self, function: FnId, line: u32) -> ChainStep {
        ChainStep {
            function: self.index.fn_path(function),
            file: self
                .index
                .file(self.index.fn_def(function).file)
                .display_path
                .clone(),
            line,
        }
    }
}

/// Whether the handler can know its caller's deadline (SPEC §3): a tonic handler, one that
/// promises `#[deadline(propagate)]`, an HTTP handler that reads a deadline header.
/// `#[deadline(ms = N)]` states the handler's own budget instead, within which fixed
/// bounds are fine.
fn incoming_deadline(index: &WorkspaceIndex, handler: &DiscoveredHandler, root: FnId) -> bool {
    let summary = &index.fn_def(root).summary;
    let promises_propagation = summary.attrs.iter().any(|attr| {
        attr.path.last().is_some_and(|last| last == "deadline")
            && attr
                .args
                .iter()
                .any(|arg| matches!(arg, AttrArg::Word(word) if word == "propagate"))
    });
    if handler.framework == "tonic" || promises_propagation {
        return true;
    }
    // The header is read in the handler or in a helper it calls (`deadline_of(&headers)`).
    let reads_deadline_header = |function: FnId| {
        index
            .fn_def(function)
            .summary
            .body
            .calls
            .iter()
            .any(|call| {
                call.arg_mentions
                    .literals()
                    .any(|literal| index.knowledge().is_deadline_header(literal))
            })
    };
    if reads_deadline_header(root) {
        return true;
    }
    let context = index.context_of(root);
    summary
        .body
        .calls
        .iter()
        .any(|call| match index.resolve_call(context, call) {
            crate::index::CallTarget::Local(targets) => {
                targets.into_iter().any(reads_deadline_header)
            }
            _ => false,
        })
}

/// `#[deadline(propagate)]` on the handler, and where.
fn propagate_promise(index: &WorkspaceIndex, root: FnId) -> Option<crate::rules::Promise> {
    index.fn_def(root).summary.attrs.iter().find_map(|attr| {
        let promises = attr.path.last().is_some_and(|last| last == "deadline")
            && attr
                .args
                .iter()
                .any(|arg| matches!(arg, AttrArg::Word(word) if word == "propagate"));
        promises.then_some(crate::rules::Promise {
            function: root,
            attribute: attr.range,
        })
    })
}

/// `#[deadline(ms = N)]`: the budget the handler declares for itself.
fn declared_budget_ms(index: &WorkspaceIndex, root: FnId) -> Option<u64> {
    budget_attribute(index, root).map(|(_, ms)| ms)
}

/// `#[deadline(ms = N)]` on the handler, and where.
fn budget_promise(index: &WorkspaceIndex, root: FnId) -> Option<crate::rules::Promise> {
    budget_attribute(index, root).map(|(attribute, _)| crate::rules::Promise {
        function: root,
        attribute,
    })
}

fn budget_attribute(index: &WorkspaceIndex, root: FnId) -> Option<(TextRange, u64)> {
    index
        .fn_def(root)
        .summary
        .attrs
        .iter()
        .filter(|attr| attr.path.last().is_some_and(|last| last == "deadline"))
        .find_map(|attr| {
            attr.args.iter().find_map(|arg| match arg {
                AttrArg::NameValue(name, value) if name == "ms" => value
                    .trim()
                    .replace('_', "")
                    .parse()
                    .ok()
                    .map(|ms| (attr.range, ms)),
                _ => None,
            })
        })
}

/// Findings reached from several handlers are reported once, for the first handler in
/// report order.
pub fn deduplicate(findings: Vec<Finding>) -> Vec<Finding> {
    let mut unique: BTreeMap<(String, u32, u32, &'static str), Finding> = BTreeMap::new();
    for finding in findings {
        unique
            .entry((
                finding.file.clone(),
                finding.line,
                finding.column,
                finding.rule,
            ))
            .or_insert(finding);
    }
    unique.into_values().collect()
}
