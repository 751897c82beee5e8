//! One file per rule: its documentation, metadata, message and check. `cargo failfirst
//! explain` and `rules` print from here. A check is a small pure function over the facts a
//! handler reaches ([`HandlerPath`]); no rule reads the syntax tree.
//!
//! May import: `facts`, `index`, `location`, `vocab`.

pub mod annotation_contradicted;
pub mod call_inside_transaction;
pub mod dedup_race;
pub mod downstream_without_deadline;
pub mod downstream_without_idempotency_key;
pub mod fixed_deadline;
pub mod inbox_outside_transaction;
pub mod nested_retry;
pub mod parse_error;
pub mod retry_all_errors;
pub mod retry_non_idempotent;
pub mod retry_outlives_deadline;
pub mod retry_without_backoff;
pub mod retry_without_budget;
pub mod retry_without_jitter;
pub mod uncertain_as_failure;
pub mod unused_suppression;
pub mod write_without_inbox;

pub use crate::facts::{HandlerPath, Promise};

use crate::facts::{Access, Order, ReachedAccess, Step};
use crate::index::FnId;
use crate::location::TextRange;
use crate::vocab::{Level, Question};

/// A rule's metadata and documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case name.
    pub name: &'static str,
    pub default_level: Level,
    /// The questions a finding of this rule answers `fail` for; empty for hygiene flags and
    /// for problems of the input.
    pub questions: &'static [Question],
    /// One line, lowercase, no full stop.
    pub summary: &'static str,
    /// Markdown with the headings `## What it does`, `## Why is this bad?`, `## Example`,
    /// `## Use instead`, `## How to suppress`.
    pub docs: &'static str,
}

/// One offending place a rule found on a handler's path.
#[derive(Clone, Debug)]
pub struct Violation {
    pub rule: &'static Rule,
    /// The questions this finding fails, where they are narrower than the rule's:
    /// `annotation-contradicted` fails the question its broken promise is about.
    pub questions: Option<&'static [Question]>,
    /// The function the offending code is in, and where.
    pub function: FnId,
    pub anchor: TextRange,
    /// The calls from the handler down to that function.
    pub chain: Vec<Step>,
    pub message: String,
    pub help: String,
}

impl Violation {
    /// Whether this finding fails `question`.
    pub fn fails(&self, question: Question) -> bool {
        self.questions
            .unwrap_or(self.rule.questions)
            .contains(&question)
    }
}

/// Every rule, in the order `cargo failfirst rules` lists them.
pub const ALL_RULES: &[&Rule] = &[
    &write_without_inbox::RULE,
    &inbox_outside_transaction::RULE,
    &dedup_race::RULE,
    &downstream_without_deadline::RULE,
    &fixed_deadline::RULE,
    &downstream_without_idempotency_key::RULE,
    &uncertain_as_failure::RULE,
    &call_inside_transaction::RULE,
    &retry_without_backoff::RULE,
    &retry_without_jitter::RULE,
    &retry_without_budget::RULE,
    &retry_non_idempotent::RULE,
    &retry_all_errors::RULE,
    &nested_retry::RULE,
    &retry_outlives_deadline::RULE,
    &annotation_contradicted::RULE,
    &unused_suppression::RULE,
    &parse_error::RULE,
];

/// The checks of the rules that judge handlers.
pub const HANDLER_CHECKS: &[fn(&HandlerPath) -> Vec<Violation>] = &[
    write_without_inbox::check,
    inbox_outside_transaction::check,
    dedup_race::check,
    downstream_without_deadline::check,
    fixed_deadline::check,
    downstream_without_idempotency_key::check,
    uncertain_as_failure::check,
    call_inside_transaction::check,
    retry_without_backoff::check,
    retry_without_jitter::check,
    retry_without_budget::check,
    retry_non_idempotent::check,
    retry_all_errors::check,
    nested_retry::check,
    retry_outlives_deadline::check,
    annotation_contradicted::check,
];

pub fn find_rule(name: &str) -> Option<&'static Rule> {
    ALL_RULES.iter().copied().find(|rule| rule.name == name)
}

/// The rule whose name is nearest to a misspelt one, if any is near enough.
pub fn closest_rule(name: &str) -> Option<&'static Rule> {
    ALL_RULES
        .iter()
        .copied()
        .map(|rule| (strsim::levenshtein(name, rule.name), rule))
        .filter(|(distance, _)| *distance <= 3)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, rule)| rule)
}

/// Retries that wrap at least one downstream call: the only ones the retry rules judge.
pub(crate) fn downstream_retries(
    path: &HandlerPath,
) -> impl Iterator<Item = &crate::facts::ReachedRetry> {
    path.reach
        .retries
        .iter()
        .filter(|retry| !retry.calls.is_empty())
}

/// Writes that a second run repeats with a different result, and that are not themselves
/// the recording of a key or an append to an audit trail.
pub(crate) fn unkeyed_writes(path: &HandlerPath) -> impl Iterator<Item = &ReachedAccess> {
    path.reach.accesses.iter().filter(|reached| {
        matches!(
            reached.access.access,
            Access::Write {
                idempotent: false,
                ..
            }
        ) && !reached.access.on_key_table()
            && !reached.access.on_append_only_table()
    })
}

/// Writes that record an idempotency key or a processed message id.
pub(crate) fn key_records(path: &HandlerPath) -> impl Iterator<Item = &ReachedAccess> {
    path.reach
        .accesses
        .iter()
        .filter(|reached| reached.access.is_write() && reached.access.on_key_table())
}

/// Reads that look an idempotency key up.
pub(crate) fn key_checks(path: &HandlerPath) -> impl Iterator<Item = &ReachedAccess> {
    path.reach.accesses.iter().filter(|reached| {
        matches!(reached.access.access, Access::Read { .. }) && reached.access.on_key_table()
    })
}

/// Two accesses commit together: the same store and the same open transaction.
pub(crate) fn same_transaction(a: &ReachedAccess, b: &ReachedAccess) -> bool {
    a.access.store == b.access.store && a.transaction.is_some() && a.transaction == b.transaction
}

/// Work happens strictly between two points of the handler's run: a state write other than
/// a key's, or a non-idempotent downstream call.
pub(crate) fn is_work(path: &HandlerPath, after: &Order, before: &Order) -> bool {
    let between = |order: &Order| order > after && order < before;
    path.reach.accesses.iter().any(|reached| {
        reached.access.is_write() && !reached.access.on_key_table() && between(&reached.order)
    }) || path
        .reach
        .calls
        .iter()
        .any(|reached| reached.call.idempotent == Some(false) && between(&reached.order))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The annotations crate checks rule names in `#[failfirst::allow(..)]` against its own
    /// copy of the list (a proc-macro crate cannot depend on this one): they must agree.
    #[test]
    fn the_annotations_crate_knows_every_rule() {
        let listed = include_str!("../../../annotations/src/rules.txt");
        let names: Vec<&str> = ALL_RULES.iter().map(|rule| rule.name).collect();
        assert_eq!(
            listed.lines().collect::<Vec<_>>(),
            names,
            "update annotations/src/rules.txt"
        );
    }

    #[test]
    fn every_rule_documents_each_heading() {
        for rule in ALL_RULES {
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
                "## How to suppress",
            ] {
                assert!(
                    rule.docs.contains(heading),
                    "rule `{}` lacks `{heading}`",
                    rule.name
                );
            }
            assert!(
                !rule.summary.ends_with('.'),
                "rule `{}` summary ends with a full stop",
                rule.name
            );
        }
    }
}
