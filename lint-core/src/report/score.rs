//! The team score and its parts. One function computes them for any set of handlers: the
//! report's summary, `cargo failfirst score` and its breakdowns per crate and per framework
//! all come from [`shares`], so the numbers can never disagree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{passes_all, share_percent, Answer, Handler, Verdict};

/// How a set of handlers stands: the team score, the share passing each question, the
/// unknown rate, and how many handlers were counted. Shares are percentages with one
/// decimal; an empty set has every share at 0.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    /// Share of handlers whose four answers are all `pass` or `n/a`.
    pub score: f64,
    pub questions: QuestionShares,
    /// Share of handlers with at least one `unknown` answer.
    pub unknown_rate: f64,
    pub handlers: usize,
    /// How many handlers pass all four questions.
    pub passing: usize,
}

/// Share of handlers passing each question, keyed as the questions are in the report. A
/// question that does not apply (`n/a`) counts as passed, as it does in the team score.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionShares {
    pub q1_idempotent: f64,
    pub q2_retry_safe: f64,
    pub q3_downstream_uncertainty: f64,
    pub q4_deadline: f64,
}

impl QuestionShares {
    /// The four shares in question order, with their keys.
    pub fn all(&self) -> [(&'static str, f64); 4] {
        [
            ("q1_idempotent", self.q1_idempotent),
            ("q2_retry_safe", self.q2_retry_safe),
            ("q3_downstream_uncertainty", self.q3_downstream_uncertainty),
            ("q4_deadline", self.q4_deadline),
        ]
    }
}

/// The team's shares, then the same per crate and per framework.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scoreboard {
    #[serde(flatten)]
    pub team: Shares,
    /// By the crate that holds the handler (the first segment of its path).
    pub crates: BTreeMap<String, Shares>,
    /// By the handler's framework (`axum`, `tonic`, `consumer` …).
    pub frameworks: BTreeMap<String, Shares>,
}

/// Whether an answer counts as passed: `pass`, or `n/a` for a question that does not apply.
pub fn passes(answer: &Answer) -> bool {
    matches!(answer.verdict, Verdict::Pass | Verdict::NotApplicable)
}

/// The shares of `handlers`.
pub fn shares<'a>(handlers: impl IntoIterator<Item = &'a Handler>) -> Shares {
    let mut count = 0;
    let mut passing_all = 0;
    let mut passing = [0usize; 4];
    let mut with_unknown = 0;
    for handler in handlers {
        count += 1;
        let answers = handler.questions.all();
        if passes_all(handler) {
            passing_all += 1;
        }
        for (passed, answer) in passing.iter_mut().zip(answers) {
            if passes(answer) {
                *passed += 1;
            }
        }
        if answers
            .iter()
            .any(|answer| answer.verdict == Verdict::Unknown)
        {
            with_unknown += 1;
        }
    }
    let percent = |part: usize| share_percent(part, count).unwrap_or(0.0);
    Shares {
        score: percent(passing_all),
        questions: QuestionShares {
            q1_idempotent: percent(passing[0]),
            q2_retry_safe: percent(passing[1]),
            q3_downstream_uncertainty: percent(passing[2]),
            q4_deadline: percent(passing[3]),
        },
        unknown_rate: percent(with_unknown),
        handlers: count,
        passing: passing_all,
    }
}

/// The team's shares and the breakdowns per crate and per framework.
pub fn scoreboard(handlers: &[Handler]) -> Scoreboard {
    let mut by_crate: BTreeMap<String, Vec<&Handler>> = BTreeMap::new();
    let mut by_framework: BTreeMap<&'static str, Vec<&Handler>> = BTreeMap::new();
    for handler in handlers {
        by_crate
            .entry(crate_of(&handler.path).to_string())
            .or_default()
            .push(handler);
        by_framework
            .entry(handler.framework.as_str())
            .or_default()
            .push(handler);
    }
    Scoreboard {
        team: shares(handlers),
        crates: by_crate
            .into_iter()
            .map(|(name, members)| (name, shares(members)))
            .collect(),
        frameworks: by_framework
            .into_iter()
            .map(|(name, members)| (name.to_string(), shares(members)))
            .collect(),
    }
}

/// The crate a handler's path starts with: `payments_service` of
/// `payments_service::handlers::charge`.
pub fn crate_of(path: &str) -> &str {
    path.split("::").next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Framework, Questions, Route};

    fn handler(path: &str, framework: Framework, verdicts: [Verdict; 4]) -> Handler {
        let answer = |verdict| Answer {
            verdict,
            evidence: Vec::new(),
        };
        Handler {
            name: path.rsplit("::").next().unwrap_or(path).to_string(),
            path: path.to_string(),
            framework,
            route: Route::Annotated,
            file: "src/lib.rs".to_string(),
            line: 1,
            column: 1,
            annotations: Vec::new(),
            questions: std::sync::Arc::new(Questions {
                q1_idempotent: answer(verdicts[0]),
                q2_retry_safe: answer(verdicts[1]),
                q3_downstream_uncertainty: answer(verdicts[2]),
                q4_deadline: answer(verdicts[3]),
            }),
            unresolved_calls: Vec::new(),
            path_functions: Vec::new(),
        }
    }

    #[test]
    fn not_applicable_counts_as_passed_and_unknown_is_counted_apart() {
        use Verdict::*;
        let handlers = [
            handler(
                "a::one",
                Framework::Axum,
                [Pass, Pass, NotApplicable, NotApplicable],
            ),
            handler("a::two", Framework::Axum, [Fail, Fail, Pass, Unknown]),
            handler("b::three", Framework::Tonic, [Pass, Pass, Fail, Pass]),
        ];
        let board = scoreboard(&handlers);
        assert_eq!(board.team.score, 33.3);
        assert_eq!(board.team.questions.q1_idempotent, 66.7);
        assert_eq!(board.team.questions.q3_downstream_uncertainty, 66.7);
        assert_eq!(board.team.questions.q4_deadline, 66.7);
        assert_eq!(board.team.unknown_rate, 33.3);
        assert_eq!(board.team.handlers, 3);
        assert_eq!(board.crates["a"].score, 50.0);
        assert_eq!(board.crates["a"].handlers, 2);
        assert_eq!(board.crates["b"].score, 0.0);
        assert_eq!(
            board.frameworks["tonic"]
                .questions
                .q3_downstream_uncertainty,
            0.0
        );
    }

    #[test]
    fn no_handler_gives_zero_shares() {
        let board = scoreboard(&[]);
        assert_eq!(board.team, Shares::default());
        assert!(board.crates.is_empty());
    }
}
