//! One file per rule, declaring it once: a `RULE` holding its name, level, questions,
//! summary, documentation and check; its messages are its own. `cargo failfirst explain`
//! and `rules`, the README's table and the annotations crate's list are made from these
//! declarations (tests check the last two); the `rules![..]` list below registers each file.
//! A check is a small pure function over the facts a handler reaches ([`HandlerPath`]); no
//! rule reads the syntax tree. `cargo xtask new-rule NAME` scaffolds a new one.
//!
//! May import: `facts`, `index`, `location`, `vocab`.

/// The rules, each by its module, in the order `cargo failfirst rules` lists them and the
/// checks run: the one place a rule is registered. Each module declares its `RULE`.
macro_rules! rules {
    ($($module:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every rule, in the order `cargo failfirst rules` lists them.
        pub const ALL_RULES: &[&Rule] = &[$(&$module::RULE),*];
    };
}

rules![
    write_without_inbox,
    inbox_outside_transaction,
    dedup_race,
    conflict_on_retry,
    downstream_without_deadline,
    fixed_deadline,
    downstream_without_idempotency_key,
    uncertain_as_failure,
    call_inside_transaction,
    retry_without_backoff,
    retry_without_jitter,
    retry_without_budget,
    retry_non_idempotent,
    retry_all_errors,
    nested_retry,
    retry_outlives_deadline,
    annotation_contradicted,
    unused_suppression,
    parse_error,
];

pub use crate::facts::{HandlerPath, Promise};

use crate::facts::guards::generated_key;
use crate::facts::guards::ClaimKind;
use crate::facts::sql::schema::{InsertKey, KeyRef};
use crate::facts::{Access, GuardRef, Order, ReachedAccess, Step};
use crate::index::FnId;
use crate::location::TextRange;
use crate::vocab::{Level, Question};

/// What a rule looks for on a handler's path.
pub type Check = fn(&HandlerPath) -> Vec<Violation>;

/// Marks a line of some function in a message. Rules know functions, not paths, and a bare
/// `line 19` in a finding about another file reads as a line of the finding's own file:
/// [`line_of`] writes the mark, and the verdicts write it out ([`name_lines`]).
const LINE_MARK: char = '\u{1f}';

/// A line of `function`'s file, for a message: shown as `line 19` when the finding is in
/// that file, as `src/db.rs:19` when it is not.
pub fn line_of(function: FnId, line: u32) -> String {
    let line = crate::index::line_in_words(function, line);
    format!("{LINE_MARK}{}:{line}{LINE_MARK}", function.0)
}

/// `message` with each [`line_of`] mark written out: `here` is the finding's file, and
/// `file_of` gives a function's.
pub fn name_lines(message: &str, here: &str, file_of: impl Fn(FnId) -> String) -> String {
    let mut out = String::with_capacity(message.len());
    // Marks come in pairs: the text between a pair is `function:line`.
    for (position, part) in message.split(LINE_MARK).enumerate() {
        let marked = position % 2 == 1;
        let place = part.split_once(':').and_then(|(function, line)| {
            Some((function.parse::<u32>().ok()?, line.parse::<u32>().ok()?))
        });
        match (marked, place) {
            (true, Some((function, line))) => {
                let file = file_of(FnId(function));
                if file == here {
                    out.push_str(&format!("line {line}"));
                } else {
                    out.push_str(&format!("{file}:{line}"));
                }
            }
            _ => out.push_str(part),
        }
    }
    out
}

/// A rule, declared once in its file: its metadata, its documentation and its check.
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
    /// What it looks for on each handler's path; `None` for the rules about the input
    /// itself (a file that does not parse, a suppression that silences nothing), which the
    /// analysis reports where it meets them.
    pub check: Option<Check>,
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

/// The checks of the rules that judge handlers, in the order of [`ALL_RULES`].
pub fn handler_checks() -> impl Iterator<Item = Check> {
    ALL_RULES.iter().filter_map(|rule| rule.check)
}

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
/// the recording of a key, an append to an audit trail, an attempt counted against a rate
/// limit, or an insert that a unique key filled from the request stops from running twice.
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
            && !reached.access.on_rate_limit_table()
            && natural_key(reached).is_none()
    })
}

/// The unique key, filled from the request, that a retry of this insert meets.
pub fn natural_key(reached: &ReachedAccess) -> Option<&KeyRef> {
    match &reached.key {
        Some(InsertKey::Natural(key)) => Some(key),
        _ => None,
    }
}

/// Why a write that a retry would repeat does not repeat, if it does not.
pub enum Protection<'a> {
    /// It is an insert whose row meets a unique key filled from the request.
    NaturalKey(&'a KeyRef),
    /// It runs only after a claim (or a lookup) of the key succeeded.
    Guard(&'a GuardRef),
    /// A plain insert on a unique key runs before it, or in its transaction: on a retry the
    /// insert fails and the write does not run (or rolls back).
    StoppedBy(&'a ReachedAccess),
    /// The rows it inserts were deleted just before, in its transaction (a set of rows
    /// replaced whole): a retry deletes and inserts the same again.
    Replaced(&'a ReachedAccess),
    /// A key is recorded, but not in its transaction: `inbox-outside-transaction` says so.
    KeyApart,
}

/// What keeps `write` from running twice, if anything.
pub fn protection<'a>(path: &'a HandlerPath, write: &'a ReachedAccess) -> Option<Protection<'a>> {
    if let Some(key) = natural_key(write) {
        return Some(Protection::NaturalKey(key));
    }
    if let Some(guard) = holding_guard(path, write) {
        if generated_claim(path, guard).is_none() {
            return Some(Protection::Guard(guard));
        }
    }
    if let Some(delete) = replaced_by(path, write) {
        return Some(Protection::Replaced(delete));
    }
    let stopper = path.reach.accesses.iter().find(|other| {
        !std::ptr::eq(*other, write)
            && matches!(
                other.access.access,
                Access::Write {
                    conditional: false,
                    idempotent: false,
                    ..
                }
            )
            && other.access.inserted.is_some()
            && (natural_key(other).is_some()
                || other.access.on_key_table()
                    && !matches!(other.key, Some(InsertKey::FreshOnly(_))))
            && (same_transaction(other, write) || other.order.runs_before(&write.order))
    });
    if let Some(stopper) = stopper {
        return Some(Protection::StoppedBy(stopper));
    }
    let records: Vec<&ReachedAccess> = key_records(path).collect();
    if !records.is_empty() && !records.iter().any(|record| same_transaction(record, write)) {
        return Some(Protection::KeyApart);
    }
    None
}

/// The guard a write runs after, if it holds. A locked check holds only when its failing
/// way answers with what is stored rather than an error (a check of what was done, not a
/// validation) and the run records the state it checks, a transition of the locked table
/// in the write's transaction: a later run waits for the lock, sees the state and answers
/// as the first did. Otherwise it is a row's lookup, which guards an insert into its table.
pub(crate) fn holding_guard<'a>(
    path: &'a HandlerPath,
    write: &'a ReachedAccess,
) -> Option<&'a GuardRef> {
    let guard = write.guard.as_ref()?;
    if guard.kind != ClaimKind::Locked {
        return Some(guard);
    }
    let inserts_into_it = matches!(&write.access.access, Access::Write { description, .. } if description.starts_with("INSERT"))
        && write
            .access
            .tables()
            .iter()
            .any(|table| guard.tables.contains(table));
    (inserts_into_it
        || !guard.repeat_refused
            && path.reach.accesses.iter().any(|other| {
                other.access.transition
                    && other
                        .access
                        .tables()
                        .iter()
                        .any(|table| guard.tables.contains(table))
                    && same_transaction(other, write)
                    && guard.order.runs_before(&other.order)
            }))
    .then_some(guard)
}

/// The accesses that make the claim a guard names: the claim itself, or those of the
/// helper whose call it is.
pub(crate) fn claim_accesses<'a>(
    path: &'a HandlerPath,
    guard: &'a GuardRef,
) -> impl Iterator<Item = &'a ReachedAccess> {
    path.reach.accesses.iter().filter(|access| {
        access.order.starts_with(&guard.order) && access.access.is_write()
            || access.order == guard.order
    })
}

/// When a claim records a key made in the handler (`Uuid::new_v4()`), not one taken from
/// the request, a retry claims a new key and wins again: what made it.
pub fn generated_claim(path: &HandlerPath, guard: &GuardRef) -> Option<String> {
    let mut generated = None;
    for access in claim_accesses(path, guard) {
        let Some(inserted) = &access.access.inserted else {
            return None;
        };
        match generated_key(inserted) {
            Some(what) => generated = Some(what),
            None => return None,
        }
    }
    generated
}

/// The `DELETE` of the same table that runs before an insert, in its transaction (or its
/// function): the insert replaces what it deleted.
pub(crate) fn replaced_by<'a>(
    path: &'a HandlerPath,
    write: &ReachedAccess,
) -> Option<&'a ReachedAccess> {
    write.access.inserted.as_ref()?;
    path.reach.accesses.iter().find(|other| {
        matches!(&other.access.access, Access::Write { description, .. } if description.starts_with("DELETE"))
            && other
                .access
                .tables()
                .iter()
                .any(|table| write.access.tables().contains(table))
            && (same_transaction(other, write)
                || other.function == write.function
                || other.transaction.is_none() && write.transaction.is_none())
            && other.order.runs_before(&write.order)
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
    let between = |order: &Order| after.runs_before(order) && order.runs_before(before);
    path.reach.accesses.iter().any(|reached| {
        reached.access.is_write() && !reached.access.on_key_table() && between(&reached.order)
    }) || path
        .reach
        .calls
        .iter()
        .any(|reached| reached.call.idempotent() == Some(false) && between(&reached.order))
}

#[cfg(test)]
mod tests {
    use super::*;

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
