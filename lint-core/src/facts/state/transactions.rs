//! The transactions a function opens: a local bound to `pool.begin()` (or handed back by
//! a helper of the workspace), or a closure given to `conn.transaction(..)`.

use super::Transaction;
use crate::index::{CallTarget, Callee, FnId, LocalBinding, ValueExpr, WorkspaceIndex};
use crate::knowledge::sql::SqlLibrary;
use crate::knowledge::Knowledge;

pub(in crate::facts) fn transactions(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    resolved: &[CallTarget],
) -> Vec<Transaction> {
    let body = &index.fn_def(function).summary.body;
    let mut out: Vec<Transaction> = body
        .locals
        .iter()
        .filter(|local| {
            opens_transaction(index, knowledge, function, local)
                || returned_by_helper(index, function, resolved, local)
        })
        .map(|local| {
            let opened = local.init_range.unwrap_or(local.scope);
            let committed = body
                .calls
                .iter()
                .find(|call| {
                    matches!(&call.callee, Callee::Method { receiver: ValueExpr::Name(name), method }
                        if *name == local.name && knowledge.sql_says(commit_methods, method))
                        && local.scope.contains(call.range.start)
                })
                .map(|call| call.statement);
            Transaction {
                name: local.name.to_string(),
                opened,
                scope: local.scope,
                committed,
            }
        })
        .collect();
    // `conn.transaction(|conn| ..)`: the closure is the transaction, committed when it
    // returns `Ok`.
    for call in &body.calls {
        let Callee::Method { method, .. } = &call.callee else {
            continue;
        };
        if !knowledge.sql_says(transaction_methods, method) {
            continue;
        }
        if let Some(closure) = body
            .closures
            .iter()
            .find(|closure| call.range.contains_range(closure) && closure.start > call.range.start)
        {
            out.push(Transaction {
                name: format!(
                    "transaction closure at line {}",
                    crate::index::line_in_words(function, call.range.start.line)
                ),
                opened: call.statement,
                scope: *closure,
                committed: None,
            });
        }
    }
    out
}

/// `let mut tx = claim_key(&pool, key).await?`: a helper of the workspace that opens a
/// transaction and hands it back (its return type names `Transaction`).
fn returned_by_helper(
    index: &WorkspaceIndex,
    function: FnId,
    resolved: &[CallTarget],
    local: &LocalBinding,
) -> bool {
    let Some(init_range) = local.init_range else {
        return false;
    };
    let body = &index.fn_def(function).summary.body;
    body.calls.iter().zip(resolved).any(|(call, target)| {
        init_range.contains_range(&call.range)
            && matches!(target, CallTarget::Local(targets) if targets.iter().any(|target| {
                let helper = index.fn_def(*target);
                helper
                    .summary
                    .output
                    .as_ref()
                    .is_some_and(|output| names_transaction(index, helper.module, output, 0))
            }))
    })
}

/// The type is, or carries, a transaction: `Transaction<'_, Postgres>`,
/// `Result<Option<Transaction<..>>>`, or a workspace enum with a variant that holds one
/// (`NextAction::StartProcessing(Transaction<..>)`, zero2prod's shape).
fn names_transaction(
    index: &WorkspaceIndex,
    module: crate::index::ModuleId,
    ty: &crate::index::TypeRef,
    depth: usize,
) -> bool {
    if depth > 3 {
        return false;
    }
    if ty.last_name() == Some("Transaction")
        || ty
            .args
            .iter()
            .any(|arg| names_transaction(index, module, arg, depth + 1))
    {
        return true;
    }
    match index.resolve_type(module, ty, None) {
        crate::index::TypeTarget::Local(type_id) => {
            let def = index.type_def(type_id);
            def.summary.kind == crate::index::TypeItemKind::Enum
                && def
                    .summary
                    .fields
                    .iter()
                    .any(|(_, carried)| names_transaction(index, def.module, carried, depth + 1))
        }
        _ => false,
    }
}

/// `let tx = pool.begin().await?`: a local bound to a transaction (not to the result of a
/// closure transaction, whose initialiser holds the closure).
fn opens_transaction(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    local: &LocalBinding,
) -> bool {
    let Some(init_range) = local.init_range else {
        return false;
    };
    let body = &index.fn_def(function).summary.body;
    // The transaction call itself, and whether it is given a closure (then the closure is
    // the transaction and the local holds its result). A closure elsewhere in the
    // initialiser (`.map_err(|_| ..)`) does not count.
    let opening = body.calls.iter().find(|call| {
        init_range.contains_range(&call.range)
            && matches!(&call.callee, Callee::Method { method, .. } if knowledge.sql_says(transaction_methods, method))
    });
    opening.is_some_and(|call| {
        !body
            .closures
            .iter()
            .any(|closure| call.range.contains_range(closure))
    }) || local
        .declared
        .as_ref()
        .is_some_and(|ty| ty.last_name() == Some("Transaction"))
}

fn transaction_methods(library: &SqlLibrary) -> &[String] {
    &library.transaction_methods
}

fn commit_methods(library: &SqlLibrary) -> &[String] {
    &library.commit_methods
}
