//! Following a handler into the functions it calls: every downstream call and retry on its
//! path, with the chain of calls that leads there and the `timeout` scopes around it.

use std::collections::BTreeMap;

use super::{function_facts, Bound, DownstreamCall, FunctionFacts, Retry};
use crate::index::{FnId, WorkspaceIndex};
use crate::location::TextRange;

/// Calls deeper than this are not followed.
const MAX_DEPTH: usize = 8;

/// One call on the way from the handler: the function it is in and where it calls onward.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub function: FnId,
    pub call: TextRange,
}

#[derive(Clone, Debug)]
pub struct ReachedCall {
    pub call: DownstreamCall,
    pub function: FnId,
    pub chain: Vec<Step>,
    /// The bound that holds, the call's own or a `timeout` around it on the way.
    pub effective_bound: Bound,
}

#[derive(Clone, Debug)]
pub struct ReachedRetry {
    pub retry: Retry,
    pub function: FnId,
    pub chain: Vec<Step>,
    /// Downstream calls each attempt makes.
    pub calls: Vec<ReachedCall>,
    /// Another retry runs inside each attempt (a retrying helper, a retrying client).
    pub nested: bool,
    /// A `timeout` around the whole retry, here or on the way from the handler.
    pub overall_bound: Option<Bound>,
}

#[derive(Debug, Default)]
pub struct Reach {
    pub calls: Vec<ReachedCall>,
    pub retries: Vec<ReachedRetry>,
}

/// Facts computed once per function and shared by every handler that reaches it.
#[derive(Default)]
pub struct FactsCache {
    facts: BTreeMap<FnId, FunctionFacts>,
}

impl FactsCache {
    pub fn get(&mut self, index: &WorkspaceIndex, function: FnId) -> &FunctionFacts {
        self.facts
            .entry(function)
            .or_insert_with(|| function_facts(index, function))
    }
}

/// Everything reachable from `root`, limited to `within` (a closure handler is part of its
/// enclosing function).
pub fn reach(
    index: &WorkspaceIndex,
    cache: &mut FactsCache,
    root: FnId,
    within: Option<TextRange>,
) -> Reach {
    let mut out = Reach::default();
    let mut stack = vec![root];
    walk(
        index,
        cache,
        root,
        within,
        &mut Vec::new(),
        None,
        &mut stack,
        &mut out,
    );
    out
}

#[allow(clippy::too_many_arguments)]
fn walk(
    index: &WorkspaceIndex,
    cache: &mut FactsCache,
    function: FnId,
    within: Option<TextRange>,
    chain: &mut Vec<Step>,
    inherited: Option<&Bound>,
    stack: &mut Vec<FnId>,
    out: &mut Reach,
) {
    let facts = cache.get(index, function).clone();
    let in_scope = |range: &TextRange| within.is_none_or(|scope| scope.contains_range(range));
    let bound_at = |range: &TextRange| -> Option<Bound> {
        let local = facts
            .timeouts
            .iter()
            .filter(|scope| scope.covers.contains_range(range))
            .map(|scope| scope.bound.clone())
            .reduce(Bound::strongest);
        match (local, inherited) {
            (Some(local), Some(inherited)) => Some(local.strongest(inherited.clone())),
            (Some(local), None) => Some(local),
            (None, Some(inherited)) => Some(inherited.clone()),
            (None, None) => None,
        }
    };
    for call in facts.downstream.iter().filter(|call| in_scope(&call.range)) {
        let effective_bound = match bound_at(&call.range) {
            Some(outer) => call.bound.clone().strongest(outer),
            None => call.bound.clone(),
        };
        out.calls.push(ReachedCall {
            call: call.clone(),
            function,
            chain: chain.clone(),
            effective_bound,
        });
    }
    let calls_before = out.calls.len();
    // Edges first, so that retries can see what their attempts reach.
    let mut edge_results: Vec<(TextRange, usize, usize, usize, usize)> = Vec::new();
    for edge in facts.edges.iter().filter(|edge| in_scope(&edge.range)) {
        let calls_start = out.calls.len();
        let retries_start = out.retries.len();
        for target in &edge.targets {
            if stack.contains(target) || chain.len() >= MAX_DEPTH {
                continue;
            }
            stack.push(*target);
            chain.push(Step {
                function,
                call: edge.statement,
            });
            let bound = bound_at(&edge.range);
            walk(
                index,
                cache,
                *target,
                None,
                chain,
                bound.as_ref(),
                stack,
                out,
            );
            chain.pop();
            stack.pop();
        }
        edge_results.push((
            edge.range,
            calls_start,
            out.calls.len(),
            retries_start,
            out.retries.len(),
        ));
    }
    for retry in facts.retries.iter().filter(|retry| in_scope(&retry.body)) {
        let mut calls: Vec<ReachedCall> = out.calls[..calls_before]
            .iter()
            .filter(|reached| {
                reached.function == function
                    && reached.chain.len() == chain.len()
                    && retry.body.contains_range(&reached.call.range)
            })
            .cloned()
            .collect();
        let mut nested = facts.retries.iter().any(|other| {
            !std::ptr::eq(other, retry)
                && retry.body.contains_range(&other.body)
                && other.anchor != retry.anchor
        });
        for (range, calls_start, calls_end, retries_start, retries_end) in &edge_results {
            if retry.body.contains_range(range) {
                calls.extend(out.calls[*calls_start..*calls_end].iter().cloned());
                if out.retries[*retries_start..*retries_end]
                    .iter()
                    .any(|inner| !inner.calls.is_empty())
                {
                    nested = true;
                }
            }
        }
        if calls.iter().any(|reached| reached.call.retried_by_client) {
            nested = true;
        }
        let overall_bound = bound_at(&retry.body);
        out.retries.push(ReachedRetry {
            retry: retry.clone(),
            function,
            chain: chain.clone(),
            calls,
            nested,
            overall_bound,
        });
    }
}
