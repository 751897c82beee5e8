//! What a function does when a downstream call fails: propagate the error, record an open
//! outcome for reconciliation, record a definite failure, compensate, or throw the error
//! away. A timeout is not a failure: the downstream may have committed.

use super::state::StateAccess;
use super::{CallEdge, DownstreamCall};
use crate::index::{
    BodySummary, Callee, ErrorArm, ExitKind, FnId, Mention, Resolution, WorkspaceIndex,
};
use crate::knowledge::{
    COMPENSATION_WORDS, DISCARD_METHODS, ERROR_HANDING_METHODS, FAILURE_STATUSES, FAILURE_WORDS,
    LOGGING_MACROS, PENDING_WORDS,
};
use crate::location::TextRange;

/// The reaction to the failure of one downstream call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorReaction {
    /// The downstream call.
    pub call: TextRange,
    pub kind: ReactionKind,
    /// The first statement of the reaction.
    pub anchor: TextRange,
    /// What was seen: `` `.ok()` ``, `` `mark_failed(..)` ``.
    pub what: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReactionKind {
    /// Returned to the caller (`?`, `return Err(..)`): the uncertainty travels up.
    Propagated,
    /// An open state recorded (`pending`, `unknown`) for reconciliation.
    Pending,
    /// A definite `FAILED` recorded.
    DefiniteFailure,
    /// The downstream's work undone blindly (a refund, a cancel).
    Compensated,
    /// The error thrown away.
    Discarded,
}

/// Guard words that narrow an error arm to answers the downstream gave: the request never
/// left, or a response came back, so the outcome is known.
const DEFINITE_ERROR_CHECKS: &[&str] = &[
    "is_status",
    "status",
    "is_connect",
    "is_builder",
    "is_client_error",
    "StatusCode",
];
/// Guard words that name the uncertain case itself.
const UNCERTAIN_ERROR_CHECKS: &[&str] = &[
    "is_timeout",
    "timeout",
    "Elapsed",
    "DeadlineExceeded",
    "Unavailable",
    "Unknown",
    "Cancelled",
];

/// The reactions to the failure of each downstream call of a function, and of each call
/// into the workspace (a helper that makes the call and hands its error back).
pub(super) fn error_reactions(
    index: &WorkspaceIndex,
    function: FnId,
    downstream: &[DownstreamCall],
    accesses: &[StateAccess],
    edges: &[CallEdge],
) -> Vec<ErrorReaction> {
    let body = &index.fn_def(function).summary.body;
    downstream
        .iter()
        .map(|call| Watched {
            range: call.range,
            statement: call.statement,
        })
        .chain(edges.iter().map(|edge| Watched {
            range: edge.range,
            statement: edge.statement,
        }))
        .filter_map(|call| reaction_to(body, &call, accesses, edges))
        .map(|reaction| handed_to_a_function(index, function, body, reaction))
        .collect()
}

/// `call().await.unwrap_or_else(error_response)`: a function named as the fallback is given
/// the error and makes the value from it (the client's error response): the error is handed
/// on, not thrown away. A closure, or anything else, stays a discard (`|_| Vec::new()`).
fn handed_to_a_function(
    index: &WorkspaceIndex,
    function: FnId,
    body: &BodySummary,
    reaction: ErrorReaction,
) -> ErrorReaction {
    if reaction.kind != ReactionKind::Discarded {
        return reaction;
    }
    let module = index.fn_def(function).module;
    let hands_to_function = body.calls.iter().any(|other| {
        other.range.start == reaction.call.start
            && other.range.contains_range(&reaction.call)
            && other.range != reaction.call
            && matches!(&other.callee, Callee::Method { method, .. } if ERROR_HANDING_METHODS.contains(&method.as_str()))
            && names_a_function(index, module, body, other)
    });
    if hands_to_function {
        ErrorReaction {
            kind: ReactionKind::Propagated,
            what: "the error handed to the function `.unwrap_or_else()` names".to_string(),
            ..reaction
        }
    } else {
        reaction
    }
}

/// Whether a call's one argument is a function of the workspace named by its path, not a
/// closure (a closure calls what it names, `|_| fallback()`, or names no function).
fn names_a_function(
    index: &WorkspaceIndex,
    module: crate::index::ModuleId,
    body: &BodySummary,
    call: &crate::index::CallSite,
) -> bool {
    let path: &[crate::index::CompactString] = match call.arg_mentions.items.as_slice() {
        [Mention::Name(name)] => std::slice::from_ref(name),
        [Mention::Path(path)] => path,
        _ => return false,
    };
    // The method's receiver is the longest call of the chain inside it (a chain's calls
    // start where it starts); what the method is given comes after.
    let Some(receiver_end) = body
        .calls
        .iter()
        .filter(|inner| {
            inner.range != call.range
                && inner.range.start == call.range.start
                && call.range.contains_range(&inner.range)
        })
        .map(|inner| inner.range.end)
        .max()
    else {
        return false;
    };
    let calls_inside = body.calls.iter().any(|inner| {
        inner.range != call.range
            && call.range.contains_range(&inner.range)
            && inner.range.start >= receiver_end
    });
    !calls_inside
        && matches!(
            index.resolve_path(module, path),
            Ok(Resolution::Fn(_) | Resolution::Fns(_))
        )
}

/// A call whose failure is watched: where it is and the statement holding it.
struct Watched {
    range: TextRange,
    statement: TextRange,
}

fn reaction_to(
    body: &BodySummary,
    call: &Watched,
    accesses: &[StateAccess],
    edges: &[CallEdge],
) -> Option<ErrorReaction> {
    let found = |kind, anchor, what: String| {
        Some(ErrorReaction {
            call: call.range,
            kind,
            anchor,
            what,
        })
    };
    // `client.post(..).send().await.ok()`: a method of the same chain that drops the error.
    if let Some(discard) = body.calls.iter().find(|other| {
        other.range.start == call.range.start
            && other.range.contains_range(&call.range)
            && other.range != call.range
            && matches!(&other.callee, Callee::Method { method, .. } if DISCARD_METHODS.contains(&method.as_str()))
    }) {
        let Callee::Method { method, .. } = &discard.callee else {
            return None;
        };
        return found(ReactionKind::Discarded, call.statement, format!("`.{method}()`"));
    }
    if body
        .discards
        .iter()
        .any(|discarded| discarded.contains_range(&call.range))
    {
        return found(
            ReactionKind::Discarded,
            call.statement,
            "`let _ =`".to_string(),
        );
    }
    if body.exits.iter().any(|exit| {
        exit.kind == ExitKind::Question
            && call.statement.contains(exit.range.start)
            && exit.range.start >= call.range.end
    }) {
        return found(ReactionKind::Propagated, call.statement, "`?`".to_string());
    }
    // The error arm that matches this call's result: directly (`match call.await { .. }`),
    // or through the local bound to it (`let result = call.await; match result { .. }`).
    let bound_to = body
        .locals
        .iter()
        .find(|local| {
            local
                .init_range
                .is_some_and(|range| range.contains_range(&call.range))
        })
        .map(|local| (local.name.as_str(), local.scope));
    let arm = body.error_arms.iter().find(|arm| {
        let direct = arm
            .scrutinee
            .is_some_and(|scrutinee| scrutinee.contains_range(&call.range));
        let through_local = match (bound_to, &arm.scrutinee_name) {
            (Some((name, scope)), Some(matched)) => {
                name == matched && scope.contains(arm.range.start)
            }
            _ => false,
        };
        (direct || through_local) && takes_uncertain_errors(arm)
    })?;
    classify_arm(body, arm, accesses, edges).map(|(kind, anchor, what)| ErrorReaction {
        call: call.range,
        kind,
        anchor,
        what,
    })
}

/// Whether the arm takes the errors whose outcome is unknown (timeouts, resets), not only
/// the answers the downstream gave.
fn takes_uncertain_errors(arm: &ErrorArm) -> bool {
    let guard_mentions = |words: &[&str]| {
        arm.guard.items.iter().any(|item| match item {
            Mention::Name(text) | Mention::Method(text) => words.contains(&text.as_str()),
            Mention::Path(path) => path.iter().any(|segment| words.contains(&segment.as_str())),
            _ => false,
        })
    };
    if guard_mentions(UNCERTAIN_ERROR_CHECKS) {
        return true;
    }
    if !arm.guard.items.is_empty() {
        return !guard_mentions(DEFINITE_ERROR_CHECKS);
    }
    arm.catch_all
}

fn classify_arm(
    body: &BodySummary,
    arm: &ErrorArm,
    accesses: &[StateAccess],
    edges: &[CallEdge],
) -> Option<(ReactionKind, TextRange, String)> {
    // What the arm does, not what it tests: `if let Err(e) = notify().await { .. }` spans
    // its scrutinee, whose calls are the failing call itself.
    let in_scrutinee = |position: crate::location::Position| {
        arm.scrutinee
            .is_some_and(|scrutinee| scrutinee.contains(position))
    };
    let in_arm = |range: &TextRange| arm.range.contains_range(range) && !in_scrutinee(range.start);
    let in_arm_at = |position: crate::location::Position| {
        arm.range.contains(position) && !in_scrutinee(position)
    };
    // The words each statement of the arm says: names of what it calls, literals and
    // paths it passes, SQL text of its query macros, values it assigns.
    let mut said: Vec<(TextRange, String)> = Vec::new();
    for call in body.calls.iter().filter(|call| in_arm(&call.range)) {
        let callee = match &call.callee {
            Callee::Path(path) => path.last().map(ToString::to_string).unwrap_or_default(),
            Callee::Method { method, .. } => method.to_string(),
        };
        said.push((call.statement, callee));
        for item in &call.arg_mentions.items {
            match item {
                Mention::Literal(text) | Mention::Name(text) => {
                    said.push((call.statement, text.to_string()))
                }
                Mention::Path(path) => said.push((call.statement, path.join("::"))),
                _ => {}
            }
        }
    }
    for used in body.macros.iter().filter(|used| in_arm(&used.range)) {
        for literal in &used.literals {
            // The statement is the access made with the macro, or the call it is an
            // argument of (`.post(format!(".../refund"))`).
            let statement = accesses
                .iter()
                .find(|access| access.range.start == used.range.start)
                .map(|access| access.statement)
                .or_else(|| {
                    body.calls
                        .iter()
                        .find(|call| call.range.contains_range(&used.range))
                        .map(|call| call.statement)
                })
                .unwrap_or(used.range);
            said.push((statement, literal.to_string()));
        }
    }
    for assignment in body
        .assignments
        .iter()
        .filter(|assignment| in_arm(&assignment.range))
    {
        for item in &assignment.value.items {
            match item {
                Mention::Literal(text) | Mention::Name(text) => {
                    said.push((assignment.range, text.to_string()))
                }
                Mention::Path(path) => said.push((assignment.range, path.join("::"))),
                _ => {}
            }
        }
    }
    said.sort_by_key(|(range, _)| range.start);
    let says = |words: &[&str]| {
        said.iter().find(|(_, text)| {
            let lowered = text.to_ascii_lowercase();
            words.iter().any(|word| lowered.contains(word))
        })
    };
    if let Some((anchor, _)) = says(PENDING_WORDS) {
        return Some((
            ReactionKind::Pending,
            *anchor,
            "an open outcome".to_string(),
        ));
    }
    let writes = accesses
        .iter()
        .any(|access| access.is_write() && in_arm(&access.range))
        || edges.iter().any(|edge| in_arm(&edge.range))
        || body
            .assignments
            .iter()
            .any(|assignment| in_arm(&assignment.range));
    if let (Some((anchor, text)), true) = (says(FAILURE_WORDS), writes) {
        return Some((ReactionKind::DefiniteFailure, *anchor, format!("`{text}`")));
    }
    // `let status = match charged { Ok(_) => "paid", Err(_) => "failed" };` and the status
    // written later: the arm's value is the definite failure.
    let status = arm.mentions.items.iter().find_map(|item| {
        let text = match item {
            Mention::Literal(text) => text.as_str(),
            Mention::Path(path) => path.last().map(|last| last.as_str())?,
            _ => return None,
        };
        FAILURE_STATUSES
            .iter()
            .any(|status| text.eq_ignore_ascii_case(status))
            .then(|| text.to_string())
    });
    let wraps_in_err = arm.mentions.items.iter().any(|item| {
        matches!(item, Mention::Path(path) if path.last().is_some_and(|last| last == "Err"))
            || matches!(item, Mention::Name(name) if name == "Err")
    });
    let leaves = body.exits.iter().any(|exit| {
        in_arm_at(exit.range.start) && matches!(exit.kind, ExitKind::Return | ExitKind::Question)
    });
    if let (Some(status), false, false) = (status, wraps_in_err, leaves) {
        return Some((
            ReactionKind::DefiniteFailure,
            arm.range,
            format!("the status `{status}`"),
        ));
    }
    if let Some((anchor, text)) = said.iter().find(|(_, text)| {
        let lowered = text.to_ascii_lowercase();
        COMPENSATION_WORDS.iter().any(|word| lowered.contains(word))
            && !lowered.starts_with("cancellation")
    }) {
        return Some((ReactionKind::Compensated, *anchor, format!("`{text}`")));
    }
    let exits = body.exits.iter().any(|exit| {
        in_arm_at(exit.range.start)
            && matches!(
                exit.kind,
                ExitKind::Return | ExitKind::Question | ExitKind::Break | ExitKind::Continue
            )
    });
    let calls_in_arm = body.calls.iter().any(|call| in_arm(&call.range));
    // An arm that only logs (or does nothing) drops the error; one that evaluates to a
    // value (`Err(_) => StatusCode::BAD_GATEWAY`) answers the caller with it.
    let only_logs = arm.mentions.items.iter().all(|item| match item {
        Mention::Path(path) => path
            .last()
            .is_some_and(|last| LOGGING_MACROS.contains(&last.as_str())),
        _ => false,
    });
    if exits || calls_in_arm || !only_logs {
        return Some((
            ReactionKind::Propagated,
            arm.range,
            "the error arm".to_string(),
        ));
    }
    // Nothing but logging: the error is dropped and the code goes on as if it worked.
    Some((
        ReactionKind::Discarded,
        arm.range,
        "an error arm that only logs".to_string(),
    ))
}
