//! Moving a handler's verdict with its text: when lines are inserted or removed above code
//! whose text did not change, what the verdict says of that code is still true, at lines
//! further down (or up). The language server keeps such verdicts instead of judging them
//! again, moved by a [`LineShift`].
//!
//! Only the typed positions move. A sentence that cites a line in its words ("at line 19")
//! does not: the language server judges again a verdict whose words cite one of the lines
//! that move (the analysis notes each line it writes in words, with its file).

use super::{Answer, Citation, Evidence, Finding, FindingId, Handler, Place, WriteSafety};

/// Lines of one file after `after` move by `by` (lines inserted above them, or removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineShift {
    /// The file, as reports name it.
    pub file: String,
    /// The last line that stays where it was.
    pub after: u32,
    pub by: i64,
}

impl LineShift {
    /// Where `line` of `file` is now.
    pub fn line(&self, file: &str, line: u32) -> u32 {
        if line <= self.after || file != self.file {
            return line;
        }
        u32::try_from(i64::from(line) + self.by)
            .unwrap_or(line)
            .max(1)
    }

    fn place(&self, place: &mut Place) {
        place.line = self.line(&place.file, place.line);
    }

    fn finding_id(&self, id: &mut FindingId) {
        id.line = self.line(&id.file, id.line);
    }

    fn citation(&self, citation: &mut Citation) {
        self.finding_id(&mut citation.finding);
    }

    /// Moves what `handler` says of the shifted file. Its own line is left to the caller,
    /// who has the handler's new place from the index.
    pub fn handler(&self, handler: &mut Handler) {
        // The answers are shared with the reports published: copied only to be moved.
        let moves = handler
            .questions
            .all()
            .into_iter()
            .flat_map(|answer| &answer.evidence)
            .flat_map(places)
            .any(|(file, line)| self.line(file, line) != line);
        if moves {
            let questions = std::sync::Arc::make_mut(&mut handler.questions);
            for answer in [
                &mut questions.q1_idempotent,
                &mut questions.q2_retry_safe,
                &mut questions.q3_downstream_uncertainty,
                &mut questions.q4_deadline,
            ] {
                self.answer(answer);
            }
        }
        for call in &mut handler.unresolved_calls {
            call.line = self.line(&handler.file, call.line);
        }
        for lines in &mut handler.path_functions {
            lines.start_line = self.line(&lines.file, lines.start_line);
            lines.end_line = self.line(&lines.file, lines.end_line);
        }
    }

    pub fn finding(&self, finding: &mut Finding) {
        finding.line = self.line(&finding.file, finding.line);
        finding.end_line = self.line(&finding.file, finding.end_line);
        if let Some(suppressed) = &mut finding.suppressed {
            suppressed.line = self.line(&finding.file, suppressed.line);
        }
        for step in &mut finding.chain {
            step.line = self.line(&step.file, step.line);
        }
    }

    fn answer(&self, answer: &mut Answer) {
        for evidence in &mut answer.evidence {
            self.evidence(evidence);
        }
    }

    fn evidence(&self, evidence: &mut Evidence) {
        match evidence {
            Evidence::Finding(citation) | Evidence::ResentOnRetry(citation) => {
                self.citation(citation)
            }
            Evidence::FailsWithQ1
            | Evidence::AcceptedFindings
            | Evidence::NoDownstreamCall
            | Evidence::TouchesNoStore
            | Evidence::NoIo
            | Evidence::NoStateWrite
            | Evidence::NothingToRepeat
            | Evidence::EveryWriteIdempotent
            | Evidence::PathNotFollowed { .. } => {}
            Evidence::SafeWrite { at, safety, .. } => {
                self.place(at);
                match safety {
                    WriteSafety::Guarded { at, .. }
                    | WriteSafety::AfterRowLookup { at, .. }
                    | WriteSafety::StoppedBy { at, .. }
                    | WriteSafety::Replaces { at, .. } => self.place(at),
                    WriteSafety::RecordsTheKey
                    | WriteSafety::Idempotent
                    | WriteSafety::StateTransition
                    | WriteSafety::IdempotentOnKey(_)
                    | WriteSafety::AppendsToAuditTable
                    | WriteSafety::CountsAnAttempt
                    | WriteSafety::SharesTheKeysTransaction
                    | WriteSafety::UniqueKey(_) => {}
                }
            }
            Evidence::KeyFromRequest {
                source_at,
                record_at,
                ..
            } => {
                self.place(source_at);
                self.place(record_at);
            }
            Evidence::UnknownAccess { at, .. }
            | Evidence::KeyNotFromRequest { at, .. }
            | Evidence::KeyClaimedFromRequest { at, .. }
            | Evidence::RetryLosesClaim { at, .. }
            | Evidence::ConflictTargetNotAKey { at, .. }
            | Evidence::UniqueKeysNotKnown { at, .. }
            | Evidence::UnknownIdempotency { at, .. }
            | Evidence::SafeCall { at, .. }
            | Evidence::CallBound { at, .. }
            | Evidence::UnknownBound { at, .. }
            | Evidence::CallTooDeep { at, .. }
            | Evidence::Unseen { at, .. } => self.place(at),
        }
    }
}

/// The lines a piece of evidence cites, with their files: what [`LineShift`] moves in it.
fn places(evidence: &Evidence) -> Vec<(&str, u32)> {
    fn place(place: &Place) -> (&str, u32) {
        (place.file.as_str(), place.line)
    }
    match evidence {
        Evidence::Finding(citation) | Evidence::ResentOnRetry(citation) => {
            vec![(citation.finding.file.as_str(), citation.finding.line)]
        }
        Evidence::FailsWithQ1
        | Evidence::AcceptedFindings
        | Evidence::NoDownstreamCall
        | Evidence::TouchesNoStore
        | Evidence::NoIo
        | Evidence::NoStateWrite
        | Evidence::NothingToRepeat
        | Evidence::EveryWriteIdempotent
        | Evidence::PathNotFollowed { .. } => Vec::new(),
        Evidence::SafeWrite { at, safety, .. } => match safety {
            WriteSafety::Guarded { at: by, .. }
            | WriteSafety::AfterRowLookup { at: by, .. }
            | WriteSafety::StoppedBy { at: by, .. }
            | WriteSafety::Replaces { at: by, .. } => vec![place(at), place(by)],
            WriteSafety::RecordsTheKey
            | WriteSafety::Idempotent
            | WriteSafety::StateTransition
            | WriteSafety::IdempotentOnKey(_)
            | WriteSafety::AppendsToAuditTable
            | WriteSafety::CountsAnAttempt
            | WriteSafety::SharesTheKeysTransaction
            | WriteSafety::UniqueKey(_) => vec![place(at)],
        },
        Evidence::KeyFromRequest {
            source_at,
            record_at,
            ..
        } => vec![place(source_at), place(record_at)],
        Evidence::UnknownAccess { at, .. }
        | Evidence::KeyNotFromRequest { at, .. }
        | Evidence::KeyClaimedFromRequest { at, .. }
        | Evidence::RetryLosesClaim { at, .. }
        | Evidence::ConflictTargetNotAKey { at, .. }
        | Evidence::UniqueKeysNotKnown { at, .. }
        | Evidence::UnknownIdempotency { at, .. }
        | Evidence::SafeCall { at, .. }
        | Evidence::CallBound { at, .. }
        | Evidence::UnknownBound { at, .. }
        | Evidence::CallTooDeep { at, .. }
        | Evidence::Unseen { at, .. } => vec![place(at)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handler_citing(file: &str, line: u32) -> Handler {
        use crate::report::{Framework, Questions, Route, Verdict};
        let answer = Answer {
            verdict: Verdict::Unknown,
            evidence: vec![Evidence::UnknownAccess {
                api: "sqlx::query".to_string(),
                at: Place {
                    file: file.to_string(),
                    line,
                },
                reason: "the SQL is not a literal".to_string(),
            }],
        };
        Handler {
            name: "charge".to_string(),
            path: "svc::charge".to_string(),
            framework: Framework::Axum,
            route: Route::Annotated,
            file: "src/a.rs".to_string(),
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

    /// Answers shared with a report already published are copied only when a line they
    /// cite moves; the report keeps the lines it had.
    #[test]
    fn answers_are_copied_only_to_be_moved() {
        let shift = LineShift {
            file: "src/a.rs".to_string(),
            after: 10,
            by: 2,
        };
        for (file, line, moved) in [
            ("src/b.rs", 20, false),
            ("src/a.rs", 5, false),
            ("src/a.rs", 20, true),
        ] {
            let published = handler_citing(file, line);
            let mut held = published.clone();
            shift.handler(&mut held);
            assert_eq!(
                std::sync::Arc::ptr_eq(&held.questions, &published.questions),
                !moved,
                "{file}:{line}"
            );
            let line_now =
                |handler: &Handler| places(&handler.questions.q1_idempotent.evidence[0])[0].1;
            assert_eq!(line_now(&published), line);
            assert_eq!(line_now(&held), if moved { line + 2 } else { line });
        }
    }

    #[test]
    fn only_the_lines_of_the_shifted_file_below_the_edit_move() {
        let shift = LineShift {
            file: "src/a.rs".to_string(),
            after: 10,
            by: 2,
        };
        assert_eq!(shift.line("src/a.rs", 10), 10);
        assert_eq!(shift.line("src/a.rs", 11), 13);
        assert_eq!(shift.line("src/b.rs", 11), 11);
        let up = LineShift { by: -3, ..shift };
        assert_eq!(up.line("src/a.rs", 20), 17);
    }
}
