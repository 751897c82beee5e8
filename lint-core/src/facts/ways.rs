//! The ways of a function that never run in the same call of it: the branches of a
//! `match` or an `if`/`else`, a branch that always leaves the block and the code after it.
//! Rules do not combine facts found on two such ways ([`crate::facts::Order`]).
//!
//! Code that may run several times in one call is no such way: a loop's body, and a
//! closure an iterator calls once per item (`plans.iter().map(|plan| match .. { .. })`),
//! may take one way on one pass and the other on the next.

use super::ExclusiveBranching;
use crate::index::{BodySummary, Branching, CallSite, Callee, ValueExpr};
use crate::knowledge::{ITERATOR_SOURCES, PER_ITEM_ADAPTERS, PER_ITEM_METHODS};
use crate::location::TextRange;

/// The exclusive ways of a body, and the code of it that may run several times.
pub(super) fn exclusive_ways(body: &BodySummary) -> (Vec<ExclusiveBranching>, Vec<TextRange>) {
    let repeated: Vec<TextRange> = body
        .loops
        .iter()
        .map(|each| each.body)
        .chain(body.calls.iter().flat_map(per_item_arguments))
        .collect();
    let once = |branching: &&Branching| {
        !repeated
            .iter()
            .any(|repeated| repeated.contains(branching.tested.start))
    };
    let apart = body
        .branchings
        .iter()
        .filter(|branching| branching.branches.len() > 1)
        .filter(once)
        .map(|branching| ExclusiveBranching {
            tested: branching.tested.start,
            branches: branching.branches.clone(),
        });
    // `if done { ..; return }` then the rest: a branch that always leaves the block and
    // the code after the statement never run in the same pass. Each such branch and the
    // rest are two ways of their own, named by where the branch starts. A branch that does
    // no work (`if bad { return Err(..) }`) holds no fact a rule could combine: most early
    // returns are such, and every fact after them would carry the way.
    let leaving_and_after = body
        .branchings
        .iter()
        .filter(once)
        .filter(|branching| branching.after.start < branching.after.end)
        .flat_map(|branching| {
            branching
                .branches
                .iter()
                .take(64)
                .enumerate()
                .filter(|(position, _)| branching.leaving_branches & (1 << position) != 0)
                .filter(|(_, branch)| holds_work(body, branch))
                .map(|(_, branch)| ExclusiveBranching {
                    tested: branch.start,
                    branches: vec![*branch, branching.after],
                })
        });
    (apart.chain(leaving_and_after).collect(), repeated)
}

/// Whether a branch calls something other than what makes an error or a value
/// (`Err(..)`, `Some(..)`, `.into()`), or uses a macro (a query, a send).
fn holds_work(body: &BodySummary, branch: &TextRange) -> bool {
    let makes_work = |call: &CallSite| match &call.callee {
        Callee::Path(path) => !matches!(
            path.as_slice(),
            [only] if matches!(only.as_str(), "Ok" | "Err" | "Some")
        ),
        Callee::Method { method, .. } => method != "into",
    };
    body.calls
        .iter()
        .any(|call| branch.contains_range(&call.range) && makes_work(call))
        || body
            .macros
            .iter()
            .any(|used| branch.contains_range(&used.range))
}

/// The arguments of a call that runs them once per item: `for_each(|x| ..)`,
/// `try_fold(.., |acc, x| ..)`, or `map(|x| ..)` on an iterator (`items.iter().map(..)`;
/// an `Option`'s `map` runs once).
fn per_item_arguments(call: &CallSite) -> impl Iterator<Item = TextRange> + '_ {
    let per_item = match &call.callee {
        Callee::Method { receiver, method } => {
            PER_ITEM_METHODS.contains(&method.as_str())
                || (PER_ITEM_ADAPTERS.contains(&method.as_str()) && iterates(receiver))
        }
        Callee::Path(_) => false,
    };
    call.arg_ranges.iter().copied().filter(move |_| per_item)
}

/// Whether a value is an iterator or a stream as far as its methods tell:
/// `items.iter()`, `rows.into_iter().filter(..)`, `stream::iter(xs)`.
fn iterates(value: &ValueExpr) -> bool {
    let mut current = value;
    loop {
        match current {
            ValueExpr::MethodCall { receiver, method } => {
                if ITERATOR_SOURCES.contains(&method.as_str())
                    || PER_ITEM_METHODS.contains(&method.as_str())
                {
                    return true;
                }
                current = receiver;
            }
            ValueExpr::Call { callee, .. } => {
                return callee
                    .last()
                    .is_some_and(|last| ITERATOR_SOURCES.contains(&last.as_str()));
            }
            _ => return false,
        }
    }
}
