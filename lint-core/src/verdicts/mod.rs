//! Verdicts: the rules' findings and the four answers of each handler, from the facts on
//! its path. Pure functions of the facts; nothing here reads syntax.
//!
//! May import: `report`, `rules`, `facts`, `discovery`, `knowledge`, `index`, `sources`, `location`, `vocab`.

mod suppressions;

use std::collections::BTreeMap;

pub use suppressions::apply as apply_suppressions;

use crate::discovery::{DiscoveredHandler, HandlerFunction};
use crate::facts::guards::{generated_key, ClaimKind};
use crate::facts::sql::schema::{InsertKey, KeyRef, Schemas};
use crate::facts::{
    Access, Bound, CutCall, FactsCache, HandlerPath, OpaqueCall, OpaqueReason, Reach,
    ReachedAccess, ReachedCall, Step,
};
use crate::index::{FnId, TypeTarget, WorkspaceIndex};
use crate::knowledge::Knowledge;
use crate::report::KeyShown;
use crate::report::{
    Answer, BoundShown, ChainStep, Citation, Evidence, Finding, FindingId, Place, Questions,
    SourceLines, Unfollowed, WriteSafety,
};
use crate::rules::{handler_checks, name_lines, natural_key, protection, Protection, Violation};
use crate::vocab::{Question, Verdict};

/// A handler's answers and the findings on its path.
pub struct HandlerVerdict {
    pub questions: Questions,
    pub findings: Vec<Finding>,
    /// Where each function on the handler's path is written, the handler's own first (a
    /// closure handler: the closure).
    pub path_functions: Vec<SourceLines>,
    /// Every function the handler's path reaches, the handler first: an edit to any of
    /// them may change this verdict.
    pub reached: Vec<FnId>,
}

pub struct Judge<'a> {
    index: &'a WorkspaceIndex,
    knowledge: &'a Knowledge,
    schemas: &'a Schemas,
    cache: FactsCache,
    /// Functions a handler's path may enter before its answers are `unknown`.
    step_limit: u64,
}

impl<'a> Judge<'a> {
    pub fn new(index: &'a WorkspaceIndex, knowledge: &'a Knowledge, schemas: &'a Schemas) -> Self {
        Self::with_facts(index, knowledge, schemas, FactsCache::default())
    }

    /// A judge that starts from facts computed before (see [`Judge::into_facts`]). They
    /// must be of this index: facts of functions whose text changed since must have been
    /// forgotten ([`FactsCache::forget_file`]).
    pub fn with_facts(
        index: &'a WorkspaceIndex,
        knowledge: &'a Knowledge,
        schemas: &'a Schemas,
        cache: FactsCache,
    ) -> Self {
        Judge {
            index,
            knowledge,
            schemas,
            cache,
            step_limit: crate::facts::DEFAULT_MAX_PATH_STEPS,
        }
    }

    /// Follows at most `limit` functions from each handler (`max-path-steps`).
    pub fn with_step_limit(mut self, limit: u64) -> Self {
        self.step_limit = limit;
        self
    }

    /// The facts of every function judged so far, for a later judge of the same index.
    pub fn into_facts(self) -> FactsCache {
        self.cache
    }

    pub fn judge(&mut self, handler: &DiscoveredHandler) -> HandlerVerdict {
        let path = HandlerPath::of(
            self.index,
            self.knowledge,
            self.schemas,
            &mut self.cache,
            handler,
            self.step_limit,
        );
        if path.reach.exhausted {
            return self.not_followed(handler, &path.reach);
        }
        let reached = &path.reach;
        let violations: Vec<Violation> = handler_checks().flat_map(|check| check(&path)).collect();
        let handler_path = handler.path(self.index);
        let findings = violations
            .iter()
            .map(|violation| self.finding(violation, &handler_path))
            .collect();
        let q1 = self.q1(&path, &violations);
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
        let unseen_state = self.unseen(&path.opaque_state);
        let unseen_downstream = self.unseen(&path.opaque_downstream);
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
        // A call past the call-depth limit, behind which a store is touched or a downstream
        // called: the answers it bears on cannot pass or be `n/a` on what was followed. Q3
        // asks only about calls that may commit something: reads past the limit leave it as
        // the followed path says (Q4 still wants their deadlines).
        let touches_state: fn(&CutCall) -> bool = |cut| cut.touches_state;
        let calls_downstream: fn(&CutCall) -> bool = |cut| cut.calls_downstream;
        let calls_mutating: fn(&CutCall) -> bool = |cut| cut.calls_mutating_downstream;
        let either: fn(&CutCall) -> bool = |cut| cut.touches_state || cut.calls_downstream;
        for (answer, bears) in [
            (&mut questions.q1_idempotent, touches_state),
            (&mut questions.q2_retry_safe, either),
            (&mut questions.q3_downstream_uncertainty, calls_mutating),
            (&mut questions.q4_deadline, calls_downstream),
        ] {
            let too_deep: Vec<Evidence> = path
                .reach
                .cut
                .iter()
                .filter(|cut| bears(cut))
                .map(|cut| self.too_deep(cut))
                .collect();
            if matches!(answer.verdict, Verdict::Pass | Verdict::NotApplicable)
                && !too_deep.is_empty()
            {
                answer.verdict = Verdict::Unknown;
                answer.evidence = too_deep;
            }
        }
        // Past the limit, downstream calls that are all idempotent: Q3 has a downstream call
        // to answer for, and it cannot commit anything at its timeout.
        if questions.q3_downstream_uncertainty.verdict == Verdict::NotApplicable {
            let reads: Vec<Evidence> = path
                .reach
                .cut
                .iter()
                .filter(|cut| cut.calls_downstream && !cut.calls_mutating_downstream)
                .map(|cut| self.too_deep_reads(cut))
                .collect();
            if !reads.is_empty() {
                questions.q3_downstream_uncertainty = Answer {
                    verdict: Verdict::Pass,
                    evidence: reads,
                };
            }
        }
        // A fact reached along two paths is evidence once.
        for answer in [
            &mut questions.q1_idempotent,
            &mut questions.q2_retry_safe,
            &mut questions.q3_downstream_uncertainty,
            &mut questions.q4_deadline,
        ] {
            let mut seen: Vec<Evidence> = Vec::new();
            answer.evidence.retain(|evidence| {
                let first = !seen.contains(evidence);
                if first {
                    seen.push(evidence.clone());
                }
                first
            });
        }
        let closure = match handler.function {
            HandlerFunction::Closure { range, .. } => Some(range),
            HandlerFunction::Function(_) => None,
        };
        let path_functions = reached
            .visited
            .iter()
            .enumerate()
            .map(|(position, &function)| {
                let def = self.index.fn_def(function);
                let range = match closure {
                    Some(closure) if position == 0 => closure,
                    _ => def.summary.range,
                };
                SourceLines {
                    file: self.index.file(def.file).display_path.clone(),
                    start_line: range.start.line,
                    end_line: range.end.line.max(range.start.line),
                }
            })
            .collect();
        HandlerVerdict {
            questions,
            findings,
            path_functions,
            reached: reached
                .visited
                .iter()
                .chain(&reached.past_the_cut)
                .copied()
                .collect(),
        }
    }

    /// The evidence of a call not followed past the call-depth limit.
    fn too_deep(&self, cut: &CutCall) -> Evidence {
        let past_it = match (cut.touches_state, cut.calls_downstream) {
            (true, true) => "a store is touched and a downstream called",
            (true, false) => "a store is touched",
            _ => "a downstream is called",
        };
        Evidence::CallTooDeep {
            function: self.step_name(cut.target),
            at: self.place(cut.function, cut.statement.start.line),
            limit: crate::facts::MAX_CALL_DEPTH,
            past_it: past_it.to_string(),
        }
    }

    /// The evidence of a call not followed past the call-depth limit, behind which every
    /// downstream call is idempotent.
    fn too_deep_reads(&self, cut: &CutCall) -> Evidence {
        Evidence::CallTooDeep {
            function: self.step_name(cut.target),
            at: self.place(cut.function, cut.statement.start.line),
            limit: crate::facts::MAX_CALL_DEPTH,
            past_it: "every downstream call is idempotent".to_string(),
        }
    }

    /// A handler whose calls were not followed to the end: nothing is known of what its
    /// path does, so every answer is `unknown`, and a `parse-error` on the handler names
    /// the limit. What was gathered is dropped, not judged: a write seen without the key
    /// recorded further on would be a false finding.
    fn not_followed(&self, handler: &DiscoveredHandler, reached: &Reach) -> HandlerVerdict {
        let unknown = Answer {
            verdict: Verdict::Unknown,
            evidence: vec![Evidence::PathNotFollowed {
                limit: self.step_limit,
            }],
        };
        let range = handler.range(self.index);
        let rule = &crate::rules::parse_error::RULE;
        let finding = Finding {
            rule: rule.name,
            level: rule.default_level,
            file: self
                .index
                .file(handler.file(self.index))
                .display_path
                .clone(),
            line: range.start.line.max(1),
            column: range.start.column.max(1),
            end_line: range.start.line.max(1),
            end_column: range.start.column.max(1),
            message: format!(
                "failfirst stopped following the calls of `{}` after entering {} functions along its paths (the `max-path-steps` limit): its answers are unknown",
                handler.name(self.index),
                self.step_limit
            ),
            help: Some(
                "a generated call graph where each function calls many others has more paths than can be followed; raise `max-path-steps` in the configuration to follow them all".to_string(),
            ),
            handler: Some(handler.path(self.index)),
            handlers: vec![handler.path(self.index)],
            chain: Vec::new(),
            suppressed: None,
        };
        HandlerVerdict {
            questions: Questions {
                q1_idempotent: unknown.clone(),
                q2_retry_safe: unknown.clone(),
                q3_downstream_uncertainty: unknown.clone(),
                q4_deadline: unknown,
            },
            findings: vec![finding],
            path_functions: Vec::new(),
            reached: reached.visited.clone(),
        }
    }

    /// The file a function is written in, as files are shown.
    fn file_of(&self, function: FnId) -> String {
        self.index
            .file(self.index.fn_def(function).file)
            .display_path
            .clone()
    }

    /// A line of a function's file.
    fn place(&self, function: FnId, line: u32) -> Place {
        Place {
            file: self.file_of(function),
            line,
        }
    }

    /// The finding a violation becomes, and the functions the handler reaches it through.
    fn citation(&self, violation: &Violation) -> Citation {
        let via = if violation.chain.is_empty() {
            Vec::new()
        } else {
            violation
                .chain
                .iter()
                .skip(1)
                .map(|step| step.function)
                .chain(std::iter::once(violation.function))
                .map(|function| self.step_name(function))
                .collect()
        };
        Citation {
            finding: self.finding_id(violation),
            via,
        }
    }

    /// A function as a step of a chain: its name, and for a method of a trait's
    /// implementation the type it implements it for (`RunningLedger::credit`), so that a
    /// path through `dyn Ledger` or `L: Ledger` says which implementation it took.
    fn step_name(&self, function: FnId) -> String {
        let def = self.index.fn_def(function);
        let implementor = def.owner.and_then(|owner| {
            let impl_def = self.index.impl_def(owner);
            match (&impl_def.trait_path, &impl_def.self_type) {
                (Some(_), TypeTarget::Local(type_id)) => {
                    Some(self.index.type_def(*type_id).summary.name.clone())
                }
                _ => None,
            }
        });
        match implementor {
            Some(type_name) => format!("{type_name}::{}", def.summary.name),
            None => def.summary.name.to_string(),
        }
    }

    fn finding_id(&self, violation: &Violation) -> FindingId {
        FindingId {
            rule: violation.rule.name,
            file: self.file_of(violation.function),
            line: violation.anchor.start.line,
            column: violation.anchor.start.column,
        }
    }

    /// Q4: every downstream call is bounded by a deadline derived from the caller's.
    fn q4(&self, reached: &Reach, violations: &[Violation]) -> Answer {
        let unknown = reached
            .calls
            .iter()
            .filter_map(|call| match &call.effective_bound {
                Bound::Unknown(reason) => Some(Evidence::UnknownBound {
                    call: call.call.kind.clone(),
                    at: self.place_of_call(call),
                    reason: reason.clone(),
                }),
                _ => None,
            })
            .collect();
        self.downstream_answer(reached, violations, Question::Q4, unknown, |call| {
            Evidence::CallBound {
                call: call.call.kind.clone(),
                at: self.place_of_call(call),
                bound: match &call.effective_bound {
                    Bound::Propagated(what)
                    | Bound::Fixed { what, .. }
                    | Bound::Unbounded(what)
                    | Bound::Unknown(what) => BoundShown::Described(what.clone()),
                    Bound::ForwardedMetadata => BoundShown::ForwardedMetadata,
                },
            }
        })
    }

    /// The answer of a question on the downstream calls (Q3, Q4): `n/a` without any, else
    /// by precedence from the findings that fail it and the calls it cannot judge, else
    /// `pass` with what each call shows.
    fn downstream_answer(
        &self,
        reached: &Reach,
        violations: &[Violation],
        question: Question,
        unknown: Vec<Evidence>,
        passing: impl Fn(&ReachedCall) -> Evidence,
    ) -> Answer {
        answer(
            reached
                .calls
                .is_empty()
                .then_some(Evidence::NoDownstreamCall),
            self.failing(violations, question),
            unknown,
            || reached.calls.iter().map(passing).collect(),
        )
    }

    /// Where a downstream call on the path is made.
    fn place_of_call(&self, call: &ReachedCall) -> Place {
        self.place(call.function, call.call.statement.start.line)
    }

    /// The evidence of calls that may be I/O the facts could not read.
    fn unseen(&self, calls: &[OpaqueCall]) -> Vec<Evidence> {
        calls
            .iter()
            .map(|call| Evidence::Unseen {
                method: call.method.clone(),
                at: self.place(call.function, call.range.start.line),
                why: match &call.why {
                    OpaqueReason::Unresolved(reason) => Unfollowed::Unresolved(reason.clone()),
                    OpaqueReason::UnreadForm(path) => Unfollowed::UnreadForm(path.clone()),
                },
            })
            .collect()
    }

    fn failing(&self, violations: &[Violation], question: Question) -> Vec<Evidence> {
        violations
            .iter()
            .filter(|violation| violation.fails(question))
            .map(|violation| Evidence::Finding(self.citation(violation)))
            .collect()
    }

    fn place_of_access(&self, reached: &ReachedAccess) -> Place {
        self.place(reached.function, reached.access.statement.start.line)
    }

    /// Q1: running twice leaves the data as running once.
    fn q1(&self, path: &HandlerPath, violations: &[Violation]) -> Answer {
        let reached = &path.reach;
        let mut unknown: Vec<Evidence> = reached
            .accesses
            .iter()
            .filter_map(|access| match &access.access.access {
                Access::Unknown(reason) => Some(Evidence::UnknownAccess {
                    api: access.access.api.clone(),
                    at: self.place_of_access(access),
                    reason: reason.clone(),
                }),
                _ => None,
            })
            .collect();
        // `ON CONFLICT (cols)` that no unique key of the schema has: the database rejects it.
        unknown.extend(reached.accesses.iter().filter_map(|access| {
            let inserted = access.access.inserted.as_ref()?;
            let target = inserted.conflict_target.as_ref()?;
            matches!(access.conflict_key, Some(Err(()))).then(|| Evidence::ConflictTargetNotAKey {
                write: access.access.describe(),
                at: self.place_of_access(access),
                target: target.clone(),
                table: inserted.table.clone(),
            })
        }));
        let mut answer = answer(
            reached
                .accesses
                .is_empty()
                .then_some(Evidence::TouchesNoStore),
            self.failing(violations, Question::Q1),
            unknown,
            || {
                let writes: Vec<&ReachedAccess> = reached
                    .accesses
                    .iter()
                    .filter(|access| access.access.is_write())
                    .collect();
                if writes.is_empty() {
                    return vec![Evidence::NoStateWrite];
                }
                writes
                    .iter()
                    .map(|write| Evidence::SafeWrite {
                        write: write.access.describe(),
                        at: self.place_of_access(write),
                        safety: self.write_safety(path, write),
                    })
                    .collect()
            },
        );
        // Why the schema could not tell whether a failing insert duplicates.
        if answer.verdict == Verdict::Fail {
            for access in &reached.accesses {
                if let Some(InsertKey::Unknown(reason)) = &access.key {
                    answer.evidence.push(Evidence::UniqueKeysNotKnown {
                        write: access.access.describe(),
                        at: self.place_of_access(access),
                        reason: reason.clone(),
                    });
                }
            }
        }
        answer
    }

    /// Why a write on a passing path is safe to run again.
    fn write_safety(&self, path: &HandlerPath, write: &ReachedAccess) -> WriteSafety {
        let key_shown = |key: &KeyRef| KeyShown {
            name: key.name.clone(),
            columns: key.columns.clone(),
            file: key.file.clone(),
        };
        match &write.access.access {
            _ if write.access.on_key_table() => WriteSafety::RecordsTheKey,
            Access::Write { .. } if write.access.transition => WriteSafety::StateTransition,
            Access::Write {
                idempotent: true, ..
            } => match &write.conflict_key {
                Some(Ok(key)) => WriteSafety::IdempotentOnKey(key_shown(key)),
                _ => WriteSafety::Idempotent,
            },
            _ if write.access.on_append_only_table() => WriteSafety::AppendsToAuditTable,
            _ if write.access.on_rate_limit_table() => WriteSafety::CountsAnAttempt,
            _ => match protection(path, write) {
                Some(Protection::NaturalKey(key)) => WriteSafety::UniqueKey(key_shown(key)),
                Some(Protection::Guard(guard)) if guard.kind == ClaimKind::Found => {
                    WriteSafety::AfterRowLookup {
                        lookup: guard.what.clone(),
                        at: self.place(guard.function, guard.statement.start.line),
                    }
                }
                Some(Protection::Guard(guard)) => WriteSafety::Guarded {
                    claim: guard.what.clone(),
                    at: self.place(guard.function, guard.statement.start.line),
                    lookup: guard.kind == ClaimKind::Lookup,
                },
                Some(Protection::StoppedBy(stopper)) => WriteSafety::StoppedBy {
                    write: stopper.access.describe(),
                    at: self.place_of_access(stopper),
                    key: natural_key(stopper).map(key_shown),
                },
                Some(Protection::Replaced(delete)) => WriteSafety::Replaces {
                    delete: delete.access.describe(),
                    at: self.place_of_access(delete),
                },
                Some(Protection::KeyApart) | None => WriteSafety::SharesTheKeysTransaction,
            },
        }
    }

    fn q2(&self, reached: &Reach, violations: &[Violation], q1: &Answer) -> Answer {
        if reached.accesses.is_empty() && reached.calls.is_empty() {
            return Answer {
                verdict: Verdict::NotApplicable,
                evidence: vec![Evidence::NoIo],
            };
        }
        let mut failing = self.failing(violations, Question::Q2);
        // A retry of the handler re-sends an unkeyed mutation, unless the handler's own
        // dedup (a key looked up or claimed before the call) answers the retry first.
        // A create on a unique key from the request stops a retry there too (with an error
        // that conflict-on-retry judges), before the call.
        let dedup_points: Vec<&ReachedAccess> = reached
            .accesses
            .iter()
            .filter(|access| access.access.on_key_table() || natural_key(access).is_some())
            .collect();
        for violation in violations
            .iter()
            .filter(|violation| violation.rule.name == "downstream-without-idempotency-key")
        {
            let call = reached.calls.iter().find(|call| {
                call.function == violation.function && call.call.statement == violation.anchor
            });
            let answered_first = call.is_some_and(|call| {
                dedup_points
                    .iter()
                    .any(|point| point.order.runs_before(&call.order))
            });
            if !answered_first {
                failing.push(Evidence::ResentOnRetry(self.citation(violation)));
            }
        }
        if q1.verdict == Verdict::Fail {
            let mut evidence = vec![Evidence::FailsWithQ1];
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
                    evidence: vec![Evidence::KeyFromRequest {
                        source: source.what.clone(),
                        source_at: self.place(*function, source.range.start.line),
                        record: record.access.describe(),
                        record_at: self.place_of_access(record),
                    }],
                },
                // Keys by data flow: the value claimed is not made by the handler, so a
                // retry claims the same key, whatever its name.
                None if record.access.inserted.as_ref().is_some_and(|inserted| {
                    !inserted.columns.is_empty() && generated_key(inserted).is_none()
                }) =>
                {
                    Answer {
                        verdict: Verdict::Pass,
                        evidence: vec![Evidence::KeyClaimedFromRequest {
                            record: record.access.describe(),
                            at: self.place_of_access(record),
                        }],
                    }
                }
                None => Answer {
                    verdict: Verdict::Unknown,
                    evidence: vec![Evidence::KeyNotFromRequest {
                        record: record.access.describe(),
                        at: self.place_of_access(record),
                    }],
                },
            };
        }
        let claimed = reached.accesses.iter().find_map(|access| {
            access
                .guard
                .as_ref()
                .filter(|guard| guard.kind == ClaimKind::Claim)
        });
        if let Some(guard) = claimed {
            return Answer {
                verdict: Verdict::Pass,
                evidence: vec![Evidence::RetryLosesClaim {
                    claim: guard.what.clone(),
                    at: self.place(guard.function, guard.statement.start.line),
                }],
            };
        }
        Answer {
            verdict: Verdict::Pass,
            evidence: vec![if reached
                .accesses
                .iter()
                .any(|access| access.access.is_write())
            {
                Evidence::EveryWriteIdempotent
            } else {
                Evidence::NothingToRepeat
            }],
        }
    }

    /// Q3: a downstream that commits at the moment of its timeout leaves the work
    /// resolvable.
    fn q3(&self, reached: &Reach, violations: &[Violation]) -> Answer {
        let unknown = reached
            .calls
            .iter()
            .filter(|call| call.call.idempotent().is_none())
            .map(|call| Evidence::UnknownIdempotency {
                call: call.call.kind.clone(),
                api: call.call.api.clone(),
                at: self.place_of_call(call),
                reason: call.call.method_unknown.clone(),
            })
            .collect();
        self.downstream_answer(reached, violations, Question::Q3, unknown, |call| {
            Evidence::SafeCall {
                call: call.call.kind.clone(),
                at: self.place_of_call(call),
                idempotent: call.call.idempotent() == Some(true),
                method_from_route: call.call.depends.method_from_route,
            }
        })
    }

    fn finding(&self, violation: &Violation, handler_path: &str) -> Finding {
        let def = self.index.fn_def(violation.function);
        let mut chain: Vec<ChainStep> = violation
            .chain
            .iter()
            .map(|step: &Step| self.chain_step(step.function, step.call.start.line))
            .collect();
        chain.push(self.chain_step(violation.function, violation.anchor.start.line));
        let file = self.index.file(def.file).display_path.clone();
        Finding {
            rule: violation.rule.name,
            level: violation.rule.default_level,
            message: name_lines(&violation.message, &file, |function| self.file_of(function)),
            file,
            line: violation.anchor.start.line,
            column: violation.anchor.start.column,
            end_line: violation.anchor.end.line.max(violation.anchor.start.line),
            end_column: violation.anchor.end.column,
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
            file: self.file_of(function),
            line,
        }
    }
}

/// An answer from what was found, by precedence: `n/a` when the question does not apply
/// (the reason given), else `fail` on any failing evidence, else `unknown` on any, else
/// `pass` with what makes it pass.
fn answer(
    not_applicable: Option<Evidence>,
    failing: Vec<Evidence>,
    unknown: Vec<Evidence>,
    passing: impl FnOnce() -> Vec<Evidence>,
) -> Answer {
    let (verdict, evidence) = if let Some(reason) = not_applicable {
        (Verdict::NotApplicable, vec![reason])
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
    let mut unique: BTreeMap<FindingId, Finding> = BTreeMap::new();
    for finding in findings {
        match unique.entry(finding.id()) {
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

/// [`deduplicate`], copying each finding once rather than every handler's copy of it: the
/// findings of a helper many handlers reach are many copies of one.
pub fn deduplicate_borrowed<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> Vec<Finding> {
    let mut unique: BTreeMap<FindingId, Finding> = BTreeMap::new();
    for finding in findings {
        match unique.entry(finding.id()) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(finding.clone());
            }
            std::collections::btree_map::Entry::Occupied(mut slot) => {
                let handlers = &mut slot.get_mut().handlers;
                for handler in &finding.handlers {
                    if !handlers.contains(handler) {
                        handlers.push(handler.clone());
                    }
                }
            }
        }
    }
    unique.into_values().collect()
}
