//! What changed between two analysed entries: handlers whose answers got better or worse,
//! handlers that are new, and handlers that are gone.

use std::collections::BTreeMap;

use lint_core::report::Verdict;

use crate::history::{HandlerAnswers, HistoryEntry};

/// One handler whose answers moved.
#[derive(Clone, Debug, PartialEq)]
pub struct Moved<'a> {
    pub handler: &'a HandlerAnswers,
    /// Each question that changed: its number (1 to 4), the answer before, the answer now.
    pub questions: Vec<(usize, Verdict, Verdict)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes<'a> {
    pub worse: Vec<Moved<'a>>,
    pub better: Vec<Moved<'a>>,
    /// Moved both ways: better on one question, worse on another.
    pub mixed: Vec<Moved<'a>>,
    pub new: Vec<&'a HandlerAnswers>,
    pub gone: Vec<&'a HandlerAnswers>,
}

impl Changes<'_> {
    pub fn is_empty(&self) -> bool {
        self.worse.is_empty()
            && self.better.is_empty()
            && self.mixed.is_empty()
            && self.new.is_empty()
            && self.gone.is_empty()
    }
}

/// How good an answer is, for telling better from worse: a question that does not apply
/// counts as passed, as in the score.
fn rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Fail => 0,
        Verdict::Unknown => 1,
        Verdict::Pass | Verdict::NotApplicable => 2,
    }
}

/// The changes from `before` to `now`.
pub fn changes<'a>(before: &'a HistoryEntry, now: &'a HistoryEntry) -> Changes<'a> {
    let earlier: BTreeMap<(&str, &str), &HandlerAnswers> = before
        .answers
        .iter()
        .map(|handler| (handler.key(), handler))
        .collect();
    let mut changes = Changes::default();
    for handler in &now.answers {
        let Some(previous) = earlier.get(&handler.key()) else {
            changes.new.push(handler);
            continue;
        };
        let questions: Vec<(usize, Verdict, Verdict)> = previous
            .verdicts
            .iter()
            .zip(&handler.verdicts)
            .enumerate()
            .filter(|(_, (was, is))| was != is)
            .map(|(index, (was, is))| (index + 1, *was, *is))
            .collect();
        if questions.is_empty() {
            continue;
        }
        let up = questions.iter().any(|(_, was, is)| rank(*is) > rank(*was));
        let down = questions.iter().any(|(_, was, is)| rank(*is) < rank(*was));
        let moved = Moved { handler, questions };
        match (up, down) {
            (true, true) => changes.mixed.push(moved),
            (false, true) => changes.worse.push(moved),
            // `pass` to `n/a` and back: the handler changed, its standing did not.
            (true, false) | (false, false) => changes.better.push(moved),
        }
    }
    let current: std::collections::BTreeSet<(&str, &str)> =
        now.answers.iter().map(HandlerAnswers::key).collect();
    changes.gone = before
        .answers
        .iter()
        .filter(|handler| !current.contains(&handler.key()))
        .collect();
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Recorded;

    fn entry(handlers: &[(&str, [Verdict; 4])]) -> HistoryEntry {
        let mut entry = HistoryEntry::failed(String::new(), Recorded::now());
        entry.error = None;
        entry.answers = handlers
            .iter()
            .map(|(id, verdicts)| HandlerAnswers {
                id: id.to_string(),
                route: format!("POST /{id}"),
                framework: "axum".to_string(),
                location: "src/lib.rs:1".to_string(),
                verdicts: *verdicts,
                failing: BTreeMap::new(),
            })
            .collect();
        entry
    }

    #[test]
    fn tells_better_worse_mixed_new_and_gone() {
        use Verdict::*;
        let before = entry(&[
            ("a", [Fail, Fail, Pass, Pass]),
            ("b", [Pass, Pass, Pass, Pass]),
            ("c", [Fail, Pass, Pass, Unknown]),
            ("d", [Pass, Pass, Pass, Pass]),
            ("gone", [Pass, Pass, Pass, Pass]),
        ]);
        let now = entry(&[
            ("a", [Pass, Pass, Pass, Pass]),
            ("b", [Pass, Pass, Fail, Pass]),
            ("c", [Pass, Pass, Pass, Fail]),
            ("d", [Pass, Pass, Pass, Pass]),
            ("new", [Pass, Pass, NotApplicable, NotApplicable]),
        ]);
        let changes = changes(&before, &now);
        let ids = |moved: &[Moved<'_>]| -> Vec<String> {
            moved.iter().map(|moved| moved.handler.id.clone()).collect()
        };
        assert_eq!(ids(&changes.better), ["a"]);
        assert_eq!(ids(&changes.worse), ["b"]);
        assert_eq!(ids(&changes.mixed), ["c"]);
        assert_eq!(changes.worse[0].questions, [(3, Pass, Fail)]);
        assert_eq!(changes.new.len(), 1);
        assert_eq!(changes.new[0].id, "new");
        assert_eq!(changes.gone.len(), 1);
        assert_eq!(changes.gone[0].id, "gone");
    }
}
