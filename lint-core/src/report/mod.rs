//! The report as plain data: handlers with their four answers, findings, and the summary;
//! and the words it is read in. The verdicts fill it with typed evidence ([`Evidence`],
//! citing findings by [`FindingId`]); the sentences each piece of evidence reads as, and
//! the JSON names of the shared words ([`crate::vocab`]), are made here and nowhere else.
//! Serialisation formats belong to the binary; this only derives `Serialize` for the JSON
//! report, whose schema is documented in `docs/json-report.md`.
//!
//! May import: `facts`, `location`, `vocab`.

mod evidence;
pub mod score;
mod shift;

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::{Serialize, Serializer};

pub use evidence::{
    BoundShown, Citation, Evidence, FindingId, KeyShown, Place, Unfollowed, WriteSafety,
};
pub use score::{QuestionShares, Scoreboard, Shares};
pub use shift::LineShift;

/// The report speaks these words; they are re-exported beside it for its readers.
pub use crate::vocab::{Framework, Level, Route, Verdict};

/// One question's answer for one handler.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    #[serde(serialize_with = "verdict_name")]
    pub verdict: Verdict,
    pub evidence: Vec<Evidence>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Questions {
    pub q1_idempotent: Answer,
    pub q2_retry_safe: Answer,
    pub q3_downstream_uncertainty: Answer,
    pub q4_deadline: Answer,
}

impl Questions {
    pub fn all(&self) -> [&Answer; 4] {
        [
            &self.q1_idempotent,
            &self.q2_retry_safe,
            &self.q3_downstream_uncertainty,
            &self.q4_deadline,
        ]
    }

    /// Whether [`Report::settle`] changes these answers, given the findings accepted: a
    /// failing answer cites one of them, or Q2 fails "because Q1 does" while Q1 does not.
    fn settling_changes(&self, accepted: &BTreeSet<FindingId>) -> bool {
        let cites_accepted = self.all().into_iter().any(|answer| {
            answer.verdict == Verdict::Fail
                && answer
                    .evidence
                    .iter()
                    .filter_map(Evidence::cites)
                    .any(|finding| accepted.contains(finding))
        });
        cites_accepted
            || (self.q1_idempotent.verdict != Verdict::Fail
                && self.q2_retry_safe.evidence.contains(&Evidence::FailsWithQ1))
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Handler {
    /// The function's name, or `{closure}`.
    pub name: String,
    /// The function's full path: `payments_service::handlers::payments::charge`.
    pub path: String,
    #[serde(serialize_with = "framework_name")]
    pub framework: Framework,
    #[serde(serialize_with = "route_text")]
    pub route: Route,
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// failfirst annotations on the function (`idempotent`, `deadline`, `handler`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<String>,
    /// Shared, not copied, between the language server's held verdicts and each report it
    /// publishes.
    #[serde(serialize_with = "shared")]
    pub questions: Arc<Questions>,
    /// Calls in the handler's own body that the resolver could not follow, and why: the
    /// places where its answers may be blind.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unresolved_calls: Vec<UnresolvedCallReport>,
    /// Where each function on the handler's path is written, the handler's own first: what
    /// a change must touch to change the handler (`--diff-base`). Not in the JSON report.
    #[serde(skip)]
    pub path_functions: Vec<SourceLines>,
}

/// A stretch of whole lines of a file: where a function is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLines {
    pub file: String,
    pub start_line: u32,
    /// Inclusive.
    pub end_line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnresolvedCallReport {
    pub callee: String,
    pub line: u32,
    pub reason: String,
}

/// One step of the call chain from a handler to a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainStep {
    pub function: String,
    pub file: String,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    #[serde(serialize_with = "level_name")]
    pub level: Level,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub message: String,
    /// What to do about it, starting "consider …".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The handler the finding belongs to, by path, when it is on a handler's path: the
    /// first of `handlers`, the one `chain` starts from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    /// Every handler whose path reaches the finding, by path, in report order: a statement
    /// in a shared helper breaks each of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub handlers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<ChainStep>,
    /// The finding is silenced by a suppression with this reason: it is reported here, but
    /// neither printed nor counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
}

impl Finding {
    /// What identifies the finding in its run, and what evidence cites it by.
    pub fn id(&self) -> FindingId {
        FindingId {
            rule: self.rule,
            file: self.file.clone(),
            line: self.line,
            column: self.column,
        }
    }

    /// The team has accepted it, in the code, with a reason: a suppression. A rule set to
    /// `allow` only leaves the finding out of what is printed; it still counts against the
    /// answers, so that the score cannot be bought with a flag.
    pub fn is_accepted(&self) -> bool {
        self.suppressed.is_some()
    }

    /// Whether the finding is printed and counted: neither accepted nor of a rule turned off.
    pub fn is_reported(&self) -> bool {
        self.suppressed.is_none() && self.level != Level::Allow
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    pub reason: String,
    /// Where the suppression is written.
    pub line: u32,
}

/// Counts that go beside the handlers and findings.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub files_failed: usize,
    pub crates: usize,
    pub handlers: usize,
    pub findings: FindingCounts,
    /// Share of handlers that pass all four questions, in percent.
    pub score: f64,
    /// Share of handlers that pass each question (`n/a` counts as passed), in percent.
    pub questions: QuestionShares,
    /// Share of handlers with at least one `unknown` answer, in percent.
    pub unknown_rate: f64,
    pub calls: CallCounts,
    /// With a baseline: findings left out because the baseline records them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baselined: Option<usize>,
    /// With a baseline: its entries that no finding matches any more (fixed, or moved out
    /// of reach); the baseline can be written again, smaller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_fixed: Option<usize>,
    /// With a change to judge (`--diff-base`): the handlers it touches and their score.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub patch: Option<PatchSummary>,
}

/// The handlers a change touches, and the share of them that pass all four questions.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PatchSummary {
    pub patch_handlers: usize,
    /// In percent; `None` (null) when the change touches no handler.
    pub patch_score: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FindingCounts {
    pub deny: usize,
    pub warn: usize,
}

/// How the resolver fared on the calls made by handlers and the functions they reach.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CallCounts {
    pub total: usize,
    pub workspace: usize,
    pub external: usize,
    pub unresolved: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub version: u32,
    pub handlers: Vec<Handler>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// Version of the JSON report's schema; bumped on any incompatible change.
pub const REPORT_VERSION: u32 = 1;

impl Report {
    /// The handlers a finding is on (`Finding::handlers`, else the one it is reported for),
    /// in report order: a finding in a helper that several handlers call breaks them all.
    pub fn handlers_of(&self, finding: &Finding) -> Vec<&Handler> {
        self.handlers
            .iter()
            .filter(|handler| {
                finding.handlers.contains(&handler.path)
                    || finding.handler.as_deref() == Some(handler.path.as_str())
            })
            .collect()
    }

    /// Brings the answers and the summary in line with the findings as they stand after
    /// suppressions and rule levels: an answer that fails only on findings the team has
    /// accepted (suppressed with a reason, or a rule set to `allow`) passes, saying so;
    /// then the score, the unknown rate and the finding counts are worked out.
    pub fn settle(&mut self) {
        let accepted: BTreeSet<FindingId> = self
            .findings
            .iter()
            .filter(|finding| finding.is_accepted())
            .map(Finding::id)
            .collect();
        for handler in &mut self.handlers {
            // The answers are shared with the verdicts held between reports: copied only
            // when they change.
            if !handler.questions.settling_changes(&accepted) {
                continue;
            }
            let questions = Arc::make_mut(&mut handler.questions);
            for answer in [
                &mut questions.q1_idempotent,
                &mut questions.q2_retry_safe,
                &mut questions.q3_downstream_uncertainty,
                &mut questions.q4_deadline,
            ] {
                if answer.verdict != Verdict::Fail {
                    continue;
                }
                let cited: Vec<&Evidence> = answer
                    .evidence
                    .iter()
                    .filter(|evidence| evidence.cites().is_some())
                    .collect();
                let only_accepted = !cited.is_empty()
                    && cited
                        .iter()
                        .filter_map(|evidence| evidence.cites())
                        .all(|finding| accepted.contains(finding));
                if only_accepted {
                    let cited: Vec<Evidence> = cited.into_iter().cloned().collect();
                    answer.verdict = Verdict::Pass;
                    answer.evidence = std::iter::once(Evidence::AcceptedFindings)
                        .chain(cited)
                        .collect();
                } else {
                    // Still failing: on the findings that are not accepted.
                    answer.evidence.retain(|evidence| {
                        evidence
                            .cites()
                            .is_none_or(|finding| !accepted.contains(finding))
                    });
                }
            }
            // Q2 fails "because Q1 does" only while Q1 does.
            if questions.q1_idempotent.verdict != Verdict::Fail {
                questions
                    .q2_retry_safe
                    .evidence
                    .retain(|evidence| *evidence != Evidence::FailsWithQ1);
            }
        }
        // The one computation of the score: `cargo failfirst score` reads the same.
        let shares = score::shares(&self.handlers);
        self.summary.handlers = shares.handlers;
        self.summary.score = shares.score;
        self.summary.questions = shares.questions;
        self.summary.unknown_rate = shares.unknown_rate;
        self.count_findings();
    }

    /// Counts the findings by level, suppressed ones left out: after the findings were
    /// filtered (a baseline, a change), with the answers left as they are.
    pub fn count_findings(&mut self) {
        let count = |level: Level| {
            self.findings
                .iter()
                .filter(|finding| finding.level == level && finding.is_reported())
                .count()
        };
        self.summary.findings.deny = count(Level::Deny);
        self.summary.findings.warn = count(Level::Warn);
    }
}

/// `count` of `total` in percent with one decimal, as every score is given; `None` when
/// there is nothing to count.
pub fn share_percent(count: usize, total: usize) -> Option<f64> {
    (total > 0).then(|| (count as f64 * 1000.0 / total as f64).round() / 10.0)
}

/// Whether a handler passes all four questions (each `pass` or `n/a`): what the team score
/// counts.
pub fn passes_all(handler: &Handler) -> bool {
    handler
        .questions
        .all()
        .into_iter()
        .all(|answer| matches!(answer.verdict, Verdict::Pass | Verdict::NotApplicable))
}

fn shared<S: Serializer, T: Serialize>(value: &Arc<T>, serializer: S) -> Result<S::Ok, S::Error> {
    value.as_ref().serialize(serializer)
}

fn level_name<S: Serializer>(level: &Level, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(level.as_str())
}

fn verdict_name<S: Serializer>(verdict: &Verdict, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(verdict.as_str())
}

fn framework_name<S: Serializer>(framework: &Framework, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(framework.as_str())
}

fn route_text<S: Serializer>(route: &Route, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(route)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &'static str, line: u32, level: Level) -> Finding {
        Finding {
            rule,
            level,
            file: "src/db.rs".to_string(),
            line,
            column: 5,
            end_line: line,
            end_column: 9,
            message: String::new(),
            help: None,
            handler: None,
            handlers: Vec::new(),
            chain: Vec::new(),
            suppressed: None,
        }
    }

    fn failing_on(findings: &[&Finding]) -> Answer {
        Answer {
            verdict: Verdict::Fail,
            evidence: findings
                .iter()
                .map(|finding| {
                    Evidence::Finding(Citation {
                        finding: finding.id(),
                        via: Vec::new(),
                    })
                })
                .collect(),
        }
    }

    fn report_with(answer: Answer, findings: Vec<Finding>) -> Report {
        let not_applicable = Answer {
            verdict: Verdict::NotApplicable,
            evidence: vec![Evidence::NoDownstreamCall],
        };
        Report {
            version: REPORT_VERSION,
            handlers: vec![Handler {
                name: "debit".to_string(),
                path: "bank::debit".to_string(),
                framework: Framework::Axum,
                route: Route::Annotated,
                file: "src/db.rs".to_string(),
                line: 1,
                column: 1,
                annotations: Vec::new(),
                questions: Arc::new(Questions {
                    q1_idempotent: answer,
                    q2_retry_safe: not_applicable.clone(),
                    q3_downstream_uncertainty: not_applicable.clone(),
                    q4_deadline: not_applicable,
                }),
                unresolved_calls: Vec::new(),
                path_functions: Vec::new(),
            }],
            findings,
            summary: Summary::default(),
        }
    }

    fn suppressed(rule: &'static str, line: u32) -> Finding {
        let mut finding = finding(rule, line, Level::Deny);
        finding.suppressed = Some(Suppressed {
            reason: "reviewed".to_string(),
            line: line - 1,
        });
        finding
    }

    #[test]
    fn an_answer_failing_only_on_accepted_findings_passes_citing_them() {
        let accepted = suppressed("write-without-inbox", 29);
        let mut report = report_with(failing_on(&[&accepted]), vec![accepted.clone()]);
        report.settle();
        let answer = &report.handlers[0].questions.q1_idempotent;
        assert_eq!(answer.verdict, Verdict::Pass);
        assert_eq!(
            answer
                .evidence
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [
                "passes on findings accepted in the code with a reason (suppressed):",
                "write-without-inbox at src/db.rs:29"
            ]
        );
        assert_eq!(report.summary.score, 100.0);
    }

    #[test]
    fn a_rule_turned_off_changes_no_answer_and_no_score() {
        let allowed = finding("write-without-inbox", 29, Level::Allow);
        let mut report = report_with(failing_on(&[&allowed]), vec![allowed.clone()]);
        report.settle();
        let answer = &report.handlers[0].questions.q1_idempotent;
        assert_eq!(answer.verdict, Verdict::Fail);
        assert_eq!(report.summary.score, 0.0);
        assert_eq!(report.summary.findings.deny, 0, "nor is it counted");
    }

    #[test]
    fn an_answer_citing_one_active_finding_still_fails() {
        let accepted = suppressed("write-without-inbox", 29);
        // The same rule on the same line, another statement: a different finding.
        let mut active = finding("write-without-inbox", 29, Level::Deny);
        active.column = 40;
        let mut report = report_with(
            failing_on(&[&accepted, &active]),
            vec![accepted.clone(), active.clone()],
        );
        report.settle();
        let answer = &report.handlers[0].questions.q1_idempotent;
        assert_eq!(answer.verdict, Verdict::Fail);
        // It fails on the active finding alone.
        assert_eq!(
            answer
                .evidence
                .iter()
                .filter_map(Evidence::cites)
                .collect::<Vec<_>>(),
            [&active.id()]
        );
        assert_eq!(report.summary.score, 0.0);
    }
}
