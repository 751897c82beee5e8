//! Shapes of syntax the body walk recognises: loops that are retries' candidates,
//! sequences whose closures take items, error patterns and tests, the variable an
//! expression is, and the ranges of nodes.

use syn::visit::{self, Visit};

use super::super::exprs::{peel, peel_parens};
use super::super::mentions::mentions_of;
use crate::index::spans::{block_range, expr_range, exprs_range, token_to_expr};
use crate::index::summary::*;
use crate::location::TextRange;

/// Whether a receiver is a sequence (an iterator, a stream) whose closure is given each of
/// its items rather than the receiver's own value: `rows.iter().map(|row| ..)`.
pub(super) fn yields_items(receiver: &syn::Expr) -> bool {
    const SEQUENCE_METHODS: &[&str] = &[
        "iter",
        "into_iter",
        "iter_mut",
        "values",
        "values_mut",
        "keys",
        "drain",
        "lines",
        "chars",
        "bytes",
        "split",
        "windows",
        "chunks",
        "stream",
        "into_stream",
        "filter",
        "filter_map",
        "enumerate",
        "zip",
        "skip",
        "take",
        "rev",
        "flat_map",
        "map",
        "then",
        "and_then",
        "buffer_unordered",
        "buffered",
        "messages",
        "subscribe",
    ];
    match peel(receiver) {
        syn::Expr::MethodCall(call) => SEQUENCE_METHODS.iter().any(|name| call.method == name),
        syn::Expr::Range(_) | syn::Expr::Array(_) => true,
        _ => false,
    }
}
pub(super) fn loop_summary(expr: &syn::Expr) -> LoopSummary {
    let keyword = match expr {
        syn::Expr::Loop(_) => LoopKeyword::Loop,
        syn::Expr::While(_) => LoopKeyword::While,
        _ => LoopKeyword::For,
    };
    struct Bound(Vec<CompactString>);
    impl<'ast> Visit<'ast> for Bound {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_pat_ident(&mut self, node: &'ast syn::PatIdent) {
            self.0.push(node.ident.to_compact_string());
            visit::visit_pat_ident(self, node);
        }
    }
    let mut bound = Bound(Vec::new());
    bound.visit_expr(expr);
    bound.0.sort();
    bound.0.dedup();
    let (over_range, head, is_while_let, body) = match expr {
        syn::Expr::ForLoop(for_loop) => {
            let over_range = matches!(peel_parens(&for_loop.expr), syn::Expr::Range(_))
                || matches!(peel_parens(&for_loop.expr), syn::Expr::MethodCall(call) if matches!(peel_parens(&call.receiver), syn::Expr::Range(_)));
            (
                over_range,
                mentions_of(&for_loop.expr),
                true,
                block_range(&for_loop.body),
            )
        }
        syn::Expr::While(while_loop) => {
            let is_let = matches!(&*while_loop.cond, syn::Expr::Let(_));
            (
                false,
                mentions_of(&while_loop.cond),
                is_let,
                block_range(&while_loop.body),
            )
        }
        syn::Expr::Loop(plain) => (false, Mentions::default(), false, block_range(&plain.body)),
        _ => (false, Mentions::default(), false, expr_range(expr)),
    };
    LoopSummary {
        range: expr_range(expr),
        keyword,
        over_range,
        head,
        is_while_let,
        body,
        bound_names: bound.0,
    }
}

/// `Some(true)` for `Err(_)`/`Err(e)`/`Err(..)`, `Some(false)` for a narrower `Err(..)`
/// pattern, `None` when the pattern is not an error pattern.
pub(super) fn error_pattern(pat: &syn::Pat) -> Option<bool> {
    match pat {
        syn::Pat::TupleStruct(tuple)
            if tuple.path.segments.last().is_some_and(|s| s.ident == "Err") =>
        {
            // `Err((error, _))` takes every error too: rdkafka returns the error with the
            // message that was not delivered.
            fn binds_anything(elem: &syn::Pat) -> bool {
                match elem {
                    syn::Pat::Wild(_)
                    | syn::Pat::Rest(_)
                    | syn::Pat::Ident(syn::PatIdent { subpat: None, .. }) => true,
                    syn::Pat::Tuple(tuple) => tuple.elems.iter().all(binds_anything),
                    _ => false,
                }
            }
            let catch_all = tuple.elems.len() <= 1 && tuple.elems.iter().all(binds_anything);
            Some(catch_all)
        }
        syn::Pat::Or(alternatives) => alternatives.cases.iter().find_map(error_pattern),
        _ => None,
    }
}
/// The value an `if` condition tests for an error: `x.is_err()`, `!x.is_ok()`.
pub(super) fn tested_for_error(condition: &syn::Expr) -> Option<&syn::Expr> {
    match peel_parens(condition) {
        syn::Expr::MethodCall(call) if call.method == "is_err" && call.args.is_empty() => {
            Some(&call.receiver)
        }
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Not(_),
            expr,
            ..
        }) => match peel_parens(expr) {
            syn::Expr::MethodCall(call) if call.method == "is_ok" && call.args.is_empty() => {
                Some(&call.receiver)
            }
            _ => None,
        },
        _ => None,
    }
}
/// `result`, `&result`, `result.await`: the variable an expression is, if it is one.
pub(super) fn plain_variable(expr: &syn::Expr) -> Option<CompactString> {
    match peel(expr) {
        syn::Expr::Path(path) => path
            .path
            .get_ident()
            .map(ToCompactString::to_compact_string),
        _ => None,
    }
}
/// The variable an assignment changes: `delay`, or `self.delay` as `delay`.
pub(super) fn assigned_name(expr: &syn::Expr) -> Option<CompactString> {
    match peel(expr) {
        syn::Expr::Path(path) => path
            .path
            .get_ident()
            .map(ToCompactString::to_compact_string),
        syn::Expr::Field(field) => match &field.member {
            syn::Member::Named(ident) => Some(ident.to_compact_string()),
            syn::Member::Unnamed(_) => None,
        },
        _ => None,
    }
}
pub(super) fn expr_range_binary(binary: &syn::ExprBinary) -> TextRange {
    exprs_range(&binary.left, &binary.right)
}
pub(super) fn between_tokens_assign(assign: &syn::ExprAssign) -> TextRange {
    exprs_range(&assign.left, &assign.right)
}
pub(super) fn node_range(span: proc_macro2::Span) -> TextRange {
    TextRange::between(span, span)
}
pub(super) fn field_range(field: &syn::FieldValue) -> TextRange {
    match &field.member {
        syn::Member::Named(ident) => token_to_expr(ident.span(), &field.expr),
        syn::Member::Unnamed(index) => token_to_expr(index.span, &field.expr),
    }
}

/// The expression a `?` or parentheses wrap: `client.get(url).send()` in
/// `(client.get(url).send()?)`.
pub(super) fn peel_try_and_parens(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Try(inner) => peel_try_and_parens(&inner.expr),
        syn::Expr::Paren(inner) => peel_try_and_parens(&inner.expr),
        syn::Expr::Group(inner) => peel_try_and_parens(&inner.expr),
        other => other,
    }
}
