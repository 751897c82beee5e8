//! The reader of one function's state accesses: its body, the resolved targets of its
//! calls, its transactions, and what the accesses share (chains, executors, outcomes).

use super::{Executor, Transaction};
use crate::facts::DownstreamCall;
use crate::index::{CallSite, CallTarget, Callee, FnId, ValueExpr, WorkspaceIndex};
use crate::knowledge::{Knowledge, OUTCOME_METHODS};
use crate::location::TextRange;

pub(super) struct Reader<'a> {
    pub(super) index: &'a WorkspaceIndex,
    pub(super) knowledge: &'a Knowledge,
    pub(super) function: FnId,
    pub(super) resolved: &'a [CallTarget],
    pub(super) transactions: &'a [Transaction],
    /// The function's downstream calls: a value one of them returns is the downstream's,
    /// not the request's.
    pub(super) downstream: &'a [DownstreamCall],
}

impl Reader<'_> {
    pub(super) fn body(&self) -> &crate::index::BodySummary {
        &self.index.fn_def(self.function).summary.body
    }

    /// The calls of the chain ending at the call `root`, that call excluded.
    pub(super) fn chain(&self, root: TextRange) -> Vec<(usize, &CallSite)> {
        self.chain_within(root)
            .into_iter()
            .filter(|(_, other)| other.range != root)
            .collect()
    }

    /// The calls of the chain that makes up the expression `root` (a local's initialiser,
    /// an argument), its outermost call included.
    pub(super) fn chain_within(&self, root: TextRange) -> Vec<(usize, &CallSite)> {
        self.body()
            .calls
            .iter()
            .enumerate()
            .filter(|(_, other)| other.range.start == root.start && other.range.end <= root.end)
            .collect()
    }

    pub(super) fn bound_to_named_local(&self, call: &CallSite) -> bool {
        self.body().locals.iter().any(|local| {
            local
                .init_range
                .is_some_and(|range| range.contains_range(&call.range))
        })
    }

    /// The result of the access is looked at: an outcome method in the same statement, or a
    /// named local holding the result.
    pub(super) fn outcome_checked(&self, call: &CallSite) -> bool {
        self.body().calls.iter().any(|other| {
            other.statement == call.statement
                && other.range.contains_range(&call.range)
                && matches!(&other.callee, Callee::Method { method, .. } if OUTCOME_METHODS.contains(&method.as_str()))
        }) || self.body().locals.iter().any(|local| {
            local
                .init_range
                .is_some_and(|range| range.contains_range(&call.range))
                && self.body().calls.iter().any(|other| {
                    matches!(&other.callee, Callee::Method { receiver: ValueExpr::Name(name), method }
                        if *name == local.name && OUTCOME_METHODS.contains(&method.as_str()))
                        && local.scope.contains(other.range.start)
                })
                || local
                    .init_range
                    .is_some_and(|range| range.contains_range(&call.range))
                    && self.body().comparisons.iter().any(|comparison| {
                        local.scope.contains(comparison.range.start)
                            && comparison.operands.mentions_name(&local.name)
                    })
        })
    }

    pub(super) fn executor_of_value(&self, value: &ValueExpr, call: &CallSite) -> Executor {
        let mut current = value;
        loop {
            match current {
                ValueExpr::Name(name) => {
                    return self.executor_of_names(std::iter::once(name.as_str()), call)
                }
                ValueExpr::MethodCall { receiver, .. } => current = receiver,
                _ => return Executor::Autocommit,
            }
        }
    }

    pub(super) fn executor_of_names<'n>(
        &self,
        names: impl Iterator<Item = &'n str>,
        call: &CallSite,
    ) -> Executor {
        let names: Vec<&str> = names.collect();
        // Inside a closure transaction, the closure's connection is the transaction.
        if let Some(closure) = self
            .transactions
            .iter()
            .filter(|transaction| transaction.scope.contains_range(&call.range))
            .find(|transaction| transaction.name.starts_with("transaction closure"))
        {
            return Executor::Transaction(closure.name.clone());
        }
        for name in &names {
            if let Some(transaction) = self.transactions.iter().find(|transaction| {
                transaction.name == *name && transaction.scope.contains(call.range.start)
            }) {
                return Executor::Transaction(transaction.name.clone());
            }
        }
        let summary = &self.index.fn_def(self.function).summary;
        for name in &names {
            let is_param = summary
                .params
                .iter()
                .any(|param| param.bindings.iter().any(|(bound, _)| bound == name));
            let is_local = summary
                .body
                .locals
                .iter()
                .any(|local| local.name == *name && local.scope.contains(call.range.start));
            if is_param && !is_local {
                return Executor::Param((*name).to_string());
            }
        }
        Executor::Autocommit
    }
}
