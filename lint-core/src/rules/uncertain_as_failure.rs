//! `uncertain-as-failure`: a timeout treated as "it did not happen".

use super::{line_of, protection, unkeyed_writes, HandlerPath, Rule, Violation};
use crate::facts::{ReachedAccess, ReachedCall};
use crate::facts::ReactionKind;
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "uncertain-as-failure",
    default_level: Level::Deny,
    questions: &[Question::Q3],
    summary:
        "the error or timeout of a downstream call turned into a definite outcome or thrown away",
    docs: r#"## What it does
Finds what a handler does when a non-idempotent downstream call (a `POST`, a mutating gRPC
method, a publish) fails with an error that includes timeouts: records a definite failure
(`UPDATE payments SET status = 'failed'`, `mark_failed(..)` or another helper that says so,
a `match` arm whose value is the status `"failed"` written later), compensates blindly (a
refund, a cancel), throws the error away (`let _ =`, `.ok()`, `.unwrap_or_default()`, an
error arm that only logs), or turns it into an error response with `?` after a write that
has already committed and that nothing stops from running again (the client, told the
request failed, retries into a duplicate). Arms narrowed to answers the downstream gave
(`if e.is_status()`, `is_connect()`) are not reported: there the outcome is known; nor is an
error recorded as open (`pending`, left to a reconciler) before it is re-raised. The
finding points at the first statement of the wrong reaction.

## Why is this bad?
A timeout is not a failure. The request may have reached the downstream and committed: the
card was charged, and the order now says `FAILED`; the refund is sent for a charge that
never happened; the published event is lost and nobody knows.

## Example
```rust
match payments.charge(&req).await {
    Ok(_) => mark(&pool, id, "paid").await?,
    Err(_) => mark(&pool, id, "failed").await?,
}
```

## Use instead
Record the outcome as open (`pending`, `unknown`) and let a reconciler ask the downstream
with the same idempotency key; or return the error so that the caller retries with its key.

## How to suppress
`// failfirst: allow(uncertain-as-failure) reason` on the line above the reaction.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    let mut found: Vec<Violation> = path
        .reach
        .calls
        .iter()
        .filter(|reached| reached.call.idempotent() != Some(true))
        .filter_map(reacted_definitely)
        .collect();
    found.extend(
        path.reach
            .calls
            .iter()
            .filter(|reached| reached.call.idempotent() != Some(true))
            .filter(|reached| reached.reaction.is_none() && reached.error_propagated)
            .filter_map(|reached| failed_after_a_committed_write(path, reached)),
    );
    found
}

/// The call's error becomes an error response through `?` while a write made before it has
/// already committed and nothing keeps that write from running again: the client, told the
/// request failed, retries into a duplicate.
fn failed_after_a_committed_write(path: &HandlerPath, reached: &ReachedCall) -> Option<Violation> {
    let committed = |write: &ReachedAccess| match &write.transaction {
        None => true,
        Some(id) => path
            .reach
            .transactions
            .iter()
            .any(|transaction| transaction.id == *id && transaction.is_committed_before(&reached.order)),
    };
    let write = unkeyed_writes(path).find(|write| {
        write.order.runs_before(&reached.order) && committed(write) && protection(path, write).is_none()
    })?;
    Some(Violation {
        rule: &RULE,
        questions: None,
        function: reached.function,
        anchor: reached.call.statement,
        chain: reached.chain.clone(),
        message: format!(
            "when {} fails or times out, `?` turns it into an error response while `{}` at {} stays committed: the client, told the request failed, retries into a duplicate",
            reached.call.kind.describe(),
            write.access.describe(),
            line_of(write.function, write.access.statement.start.line)
        ),
        help: "consider recording the call as pending with the write (and answering the retry from it), or making the write idempotent before the call".to_string(),
    })
}

/// The call's error is turned into a definite outcome where it is handled.
fn reacted_definitely(reached: &ReachedCall) -> Option<Violation> {
    let placed = reached.reaction.as_ref()?;
    let reaction = &placed.reaction;
    let (what, help) = match reaction.kind {
        ReactionKind::DefiniteFailure => (
            format!("records a definite failure ({})", reaction.what),
            "consider recording an open outcome (pending) and reconciling with the downstream using the call's idempotency key",
        ),
        ReactionKind::Compensated => (
            format!("compensates blindly ({})", reaction.what),
            "consider asking the downstream what happened (with the call's idempotency key) before undoing anything",
        ),
        ReactionKind::Discarded => (
            format!("throws the error away ({})", reaction.what),
            "consider propagating the error, or recording the outcome as open for reconciliation",
        ),
        ReactionKind::Propagated | ReactionKind::Pending => return None,
    };
    Some(Violation {
        rule: &RULE,
        questions: None,
        function: placed.function,
        anchor: reaction.anchor,
        chain: placed.chain.clone(),
        message: format!(
            "when {} at {} fails or times out, the code {what}: the downstream may have committed",
            reached.call.kind.describe(),
            line_of(reached.function, reached.call.statement.start.line)
        ),
        help: help.to_string(),
    })
}
