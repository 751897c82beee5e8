//! Verdicts: the rules' findings and the four answers of each handler, from the facts on
//! its path. Pure functions of the facts; nothing here reads syntax.
//!
//! May import: `report`, `rules`, `facts`, `discovery`, `knowledge`, `index`, `sources`, `location`, `vocab`.

mod suppressions;

use std::collections::BTreeMap;

pub use suppressions::apply as apply_suppressions;

use crate::discovery::DiscoveredHandler;
use crate::facts::{
    Access, Bound, FactsCache, HandlerPath, OpaqueCall, OpaqueReason, Reach, ReachedAccess, Step,
};
use crate::index::{FnId, WorkspaceIndex};
use crate::knowledge::Knowledge;
use crate::report::{Answer, ChainStep, Finding, Questions};
use crate::rules::{Violation, HANDLER_CHECKS};
use crate::vocab::{Question, Verdict};

/// A handler's answers and the findings on its path.
pub struct HandlerVerdict {
    pub questions: Questions,
    pub findings: Vec<Finding>,
}

pub struct Judge<'a> {
    index: &'a WorkspaceIndex,
    knowledge: &'a Knowledge,
    cache: FactsCache,
}

impl<'a> Judge<'a> {
    pub fn new(index: &'a WorkspaceIndex, knowledge: &'a Knowledge) -> Self {
        Judge {
            index,
            knowledge,
            cache: FactsCache::default(),
        }
    }

    pub fn judge(&mut self, handler: &DiscoveredHandler) -> HandlerVerdict {
        let path = HandlerPath::of(self.index, self.knowledge, &mut self.cache, handler);
        let reached = &path.reach;
        let violations: Vec<Violation> = HANDLER_CHECKS
            .iter()
            .flat_map(|check| check(&path))
            .collect();
        let handler_path = handler.path(self.index);
        let findings = violations
            .iter()
            .map(|violation| self.finding(violation, &handler_path))
            .collect();
        let q1 = self.q1(reached, &violations);
        let mut questions = Questions {
            q2_retry_safe: self.q2(reached, &violations, &q1),
            q1_idempotent: q1,
            q3_downstream_uncertainty: self.q3(reached, &violations),
            q4_deadline: self.q4(reached, &violations),
        };
        // Nothing seen is not nothing there: a call that may be I/O but could not be
        // followed makes a `n/a` answer `unknown`, saying which call.
        // A query method of unknown receiver, or a call into a store's crate in a form not
        // read, may be a write (Q1, Q2); a request method of unknown receiver may be a
        // downstream call (Q3, Q4).
        let unseen_state = self.opaque_lines(&path.opaque_state);
        let unseen_downstream = self.opaque_lines(&path.opaque_downstream);
        for (answer, unseen) in [
            (&mut questions.q1_idempotent, &unseen_state),
            (&mut questions.q2_retry_safe, &unseen_state),
            (&mut questions.q3_downstream_uncertainty, &unseen_downstream),
            (&mut questions.q4_deadline, &unseen_downstream),
        ] {
            if answer.verdict == Verdict::NotApplicable && !unseen.is_empty() {
                answer.verdict = Verdict::Unknown;
                answer.evidence = unseen.clone();
            }
        }
        // A fact reached along two paths is evidence once.
        for answer in [
            &mut questions.q1_idempotent,
            &mut questions.q2_retry_safe,
            &mut questions.q3_downstream_uncertainty,
            &mut questions.q4_deadline,
        ] {
            let mut seen = std::collections::BTreeSet::new();
            answer.evidence.retain(|line| seen.insert(line.clone()));
        }
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
                .map(|step| self.index.fn_def(step.function).summary.name.to_string())
                .chain(std::iter::once(
                    self.index
                        .fn_def(violation.function)
                        .summary
                        .name
                        .to_string(),
                ))
                .collect();
            text.push_str(&format!(" (via {})", names.join(" → ")));
        }
        text
    }

    /// Q4: every downstream call is bounded by a deadline derived from the caller's.
    fn q4(&self, reached: &Reach, violations: &[Violation]) -> Answer {
        let unknown = reached
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
        answer(
            reached
                .calls
                .is_empty()
                .then_some("no downstream call on this handler's path"),
            self.failing(violations, Question::Q4),
            unknown,
            || {
                reached
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
                    .collect()
            },
        )
    }

    /// The evidence lines of calls that may be I/O the facts could not read.
    fn opaque_lines(&self, calls: &[OpaqueCall]) -> Vec<String> {
        calls
            .iter()
            .map(|call| {
                let why = match &call.why {
                    OpaqueReason::Unresolved(reason) => reason.clone(),
                    OpaqueReason::UnreadForm(path) => {
                        format!("`{path}` is not a form this analysis reads")
                    }
                };
                format!(
                    "`.{}()` at {} could not be followed ({why}): it may be I/O this analysis does not see",
                    call.method,
                    self.location(call.function, call.range.start.line)
                )
            })
            .collect()
    }

    fn failing(&self, violations: &[Violation], question: Question) -> Vec<String> {
        violations
            .iter()
            .filter(|violation| violation.fails(question))
            .map(|violation| self.evidence_of(violation))
            .collect()
    }

    fn access_at(&self, reached: &ReachedAccess) -> String {
        format!(
            "`{}` at {}",
            reached.access.describe(),
            self.location(reached.function, reached.access.statement.start.line)
        )
    }

    /// Q1: running twice leaves the data as running once.
    fn q1(&self, reached: &Reach, violations: &[Violation]) -> Answer {
        let unknown = reached
            .accesses
            .iter()
            .filter_map(|access| match &access.access.access {
                Access::Unknown(reason) => Some(format!(
                    "{} at {}: {reason}",
                    access.access.api,
                    self.location(access.function, access.access.statement.start.line)
                )),
                _ => None,
            })
            .collect();
        answer(
            reached.accesses.is_empty().then_some("touches no store"),
            self.failing(violations, Question::Q1),
            unknown,
            || {
                let writes: Vec<&ReachedAccess> = reached
                    .accesses
                    .iter()
                    .filter(|access| access.access.is_write())
                    .collect();
                if writes.is_empty() {
                    return vec!["read-only: no state write on this handler's path".to_string()];
                }
                writes
                    .iter()
                    .map(|write| {
                        let why = match &write.access.access {
                            _ if write.access.on_key_table() => "records the idempotency key",
                            Access::Write {
                                idempotent: true, ..
                            } => "is idempotent",
                            _ if write.access.on_append_only_table() => {
                                "appends to an audit or log table"
                            }
                            _ => "shares its transaction with the recorded idempotency key",
                        };
                        format!("{} {why}", self.access_at(write))
                    })
                    .collect()
            },
        )
    }

    /// Q2: a client's retry after a timeout gets the first result back.
    fn q2(&self, reached: &Reach, violations: &[Violation], q1: &Answer) -> Answer {
        if reached.accesses.is_empty() && reached.calls.is_empty() {
            return Answer {
                verdict: Verdict::NotApplicable,
                evidence: vec!["no I/O on this handler's path".to_string()],
            };
        }
        let mut failing = self.failing(violations, Question::Q2);
        // A retry of the handler re-sends an unkeyed mutation, unless the handler's own
        // dedup (a key looked up or claimed before the call) answers the retry first.
        let dedup_points: Vec<&ReachedAccess> = reached
            .accesses
            .iter()
            .filter(|access| access.access.on_key_table())
            .collect();
        for violation in violations
            .iter()
            .filter(|violation| violation.rule.name == "downstream-without-idempotency-key")
        {
            let call = reached.calls.iter().find(|call| {
                call.function == violation.function && call.call.statement == violation.anchor
            });
            let answered_first =
                call.is_some_and(|call| dedup_points.iter().any(|point| point.order < call.order));
            if !answered_first {
                failing.push(format!(
                    "a retry of the handler re-sends it: {}",
                    self.evidence_of(violation)
                ));
            }
        }
        if q1.verdict == Verdict::Fail {
            let mut evidence = vec!["Q1 fails: a retry is not the same as one run".to_string()];
            evidence.extend(failing);
            return Answer {
                verdict: Verdict::Fail,
                evidence,
            };
        }
        if !failing.is_empty() {
            return Answer {
                verdict: Verdict::Fail,
                evidence: failing,
            };
        }
        if q1.verdict == Verdict::Unknown {
            return Answer {
                verdict: Verdict::Unknown,
                evidence: q1.evidence.clone(),
            };
        }
        let keyed = reached
            .accesses
            .iter()
            .find(|access| access.access.is_write() && access.access.on_key_table());
        if let Some(record) = keyed {
            return match reached.key_sources.first() {
                Some((function, source)) => Answer {
                    verdict: Verdict::Pass,
                    evidence: vec![format!(
                        "the key from {} at {} is recorded by {}",
                        source.what,
                        self.location(*function, source.range.start.line),
                        self.access_at(record)
                    )],
                },
                None => Answer {
                    verdict: Verdict::Unknown,
                    evidence: vec![format!(
                        "{} records a key that is not seen to come from the request (a header, a body field, a message id)",
                        self.access_at(record)
                    )],
                },
            };
        }
        Answer {
            verdict: Verdict::Pass,
            evidence: vec![if reached
                .accesses
                .iter()
                .any(|access| access.access.is_write())
            {
                "every write is idempotent, and no unkeyed mutation is sent downstream".to_string()
            } else {
                "read-only: nothing a retry could repeat".to_string()
            }],
        }
    }

    /// Q3: a downstream that commits at the moment of its timeout leaves the work
    /// resolvable.
    fn q3(&self, reached: &Reach, violations: &[Violation]) -> Answer {
        let unknown = reached
            .calls
            .iter()
            .filter(|call| call.call.idempotent.is_none())
            .map(|call| {
                format!(
                    "whether {} (`{}`) at {} is idempotent is not known",
                    call.call.kind.describe(),
                    call.call.api,
                    self.location(call.function, call.call.statement.start.line)
                )
            })
            .collect();
        answer(
            reached
                .calls
                .is_empty()
                .then_some("no downstream call on this handler's path"),
            self.failing(violations, Question::Q3),
            unknown,
            || {
                reached
                    .calls
                    .iter()
                    .map(|call| {
                        let how = if call.call.idempotent == Some(true) {
                            "is idempotent"
                        } else {
                            "carries an idempotency key"
                        };
                        format!(
                            "{} at {} {how}",
                            call.call.kind.describe(),
                            self.location(call.function, call.call.statement.start.line)
                        )
                    })
                    .collect()
            },
        )
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
            handlers: vec![handler_path.to_string()],
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

/// An answer from what was found, by precedence: `n/a` when the question does not apply
/// (the reason given), else `fail` on any failing evidence, else `unknown` on any, else
/// `pass` with what makes it pass.
fn answer(
    not_applicable: Option<&str>,
    failing: Vec<String>,
    unknown: Vec<String>,
    passing: impl FnOnce() -> Vec<String>,
) -> Answer {
    let (verdict, evidence) = if let Some(reason) = not_applicable {
        (Verdict::NotApplicable, vec![reason.to_string()])
    } else if !failing.is_empty() {
        (Verdict::Fail, failing)
    } else if !unknown.is_empty() {
        (Verdict::Unknown, unknown)
    } else {
        (Verdict::Pass, passing())
    };
    Answer { verdict, evidence }
}

/// Findings reached from several handlers are reported once, with the chain from the
/// first handler in report order, and every handler they break.
pub fn deduplicate(findings: Vec<Finding>) -> Vec<Finding> {
    let mut unique: BTreeMap<(String, u32, u32, &'static str), Finding> = BTreeMap::new();
    for finding in findings {
        match unique.entry((
            finding.file.clone(),
            finding.line,
            finding.column,
            finding.rule,
        )) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(finding);
            }
            std::collections::btree_map::Entry::Occupied(mut slot) => {
                let handlers = &mut slot.get_mut().handlers;
                for handler in finding.handlers {
                    if !handlers.contains(&handler) {
                        handlers.push(handler);
                    }
                }
            }
        }
    }
    unique.into_values().collect()
}
