//! Expressions a body keeps as values: the shape of a value the resolver may type
//! ([`ValueExpr`]), and the small owned trees of statements that build routes.

use proc_macro2::TokenStream;
use syn::punctuated::Punctuated;

use super::path_segments;
use crate::index::spans::{call_range, closure_range, expr_range, macro_range, method_call_range};
use crate::index::summary::*;
use crate::location::TextRange;

/// Peels the wrappers that do not change which value an expression denotes.
pub(super) fn peel(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Paren(inner) => peel(&inner.expr),
        syn::Expr::Group(inner) => peel(&inner.expr),
        syn::Expr::Reference(inner) => peel(&inner.expr),
        syn::Expr::Await(inner) => peel(&inner.base),
        syn::Expr::Try(inner) => peel(&inner.expr),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Deref(_),
            expr,
            ..
        }) => peel(expr),
        other => other,
    }
}
pub(super) fn value_expr(expr: &syn::Expr) -> ValueExpr {
    value_expr_at(expr, 0)
}
/// Values deeper than this are `Unknown`: long builder chains would otherwise be copied once
/// per call in them.
const MAX_VALUE_DEPTH: usize = 12;
fn value_expr_at(expr: &syn::Expr, depth: usize) -> ValueExpr {
    if depth > MAX_VALUE_DEPTH {
        return ValueExpr::Unknown;
    }
    match peel(expr) {
        syn::Expr::Path(path) => {
            let segments = path_segments(&path.path);
            match segments.as_slice() {
                [single] if single == "self" => ValueExpr::SelfValue,
                [single] => ValueExpr::Name(single.clone()),
                _ => ValueExpr::Path(segments),
            }
        }
        syn::Expr::Field(field) => {
            let member = match &field.member {
                syn::Member::Named(ident) => ident.to_compact_string(),
                syn::Member::Unnamed(index) => index.index.to_compact_string(),
            };
            ValueExpr::Field(Box::new(value_expr_at(&field.base, depth + 1)), member)
        }
        syn::Expr::Call(call) => match peel(&call.func) {
            syn::Expr::Path(path) => ValueExpr::Call {
                callee: path_segments(&path.path),
                args: call
                    .args
                    .iter()
                    .map(|arg| value_expr_at(arg, depth + 1))
                    .collect(),
            },
            _ => ValueExpr::Unknown,
        },
        syn::Expr::MethodCall(call) => ValueExpr::MethodCall {
            receiver: Box::new(value_expr_at(&call.receiver, depth + 1)),
            method: call.method.to_compact_string(),
        },
        syn::Expr::Struct(literal) => ValueExpr::StructLiteral(path_segments(&literal.path)),
        // `move || Client::new()`, `async move { .. ; client }`, `{ .. ; client }`: what
        // the code inside ends with.
        syn::Expr::Closure(closure) => tail_value(&closure.body, depth),
        syn::Expr::Async(block) => block_tail_value(&block.block, depth),
        syn::Expr::Block(block) => block_tail_value(&block.block, depth),
        // `match made { Ok(value) => value, Err(e) => return Err(e) }` is `made?` written
        // by hand: the value is what `made` holds, as `?` is peeled.
        syn::Expr::Match(matched) if unwraps_or_diverges(matched) => {
            value_expr_at(&matched.expr, depth + 1)
        }
        // `match tls { Tls::None => Transport::plain(host), Tls::Wrapped => Transport::relay(host)? }`
        syn::Expr::Match(matched) => one_of(
            matched
                .arms
                .iter()
                .filter(|arm| !diverges(&arm.body))
                .map(|arm| tail_value(&arm.body, depth))
                .collect(),
        ),
        syn::Expr::If(branching) => match &branching.else_branch {
            Some((_, otherwise)) => {
                let mut ways = Vec::new();
                if !block_diverges(&branching.then_branch) {
                    ways.push(block_tail_value(&branching.then_branch, depth));
                }
                if !diverges(otherwise) {
                    ways.push(tail_value(otherwise, depth));
                }
                one_of(ways)
            }
            None => ValueExpr::Unknown,
        },
        _ => ValueExpr::Unknown,
    }
}

/// The values of the ways of a `match` or `if`/`else` that do not diverge, each as what it
/// ends with (an `else if` adds its own ways); a single way is the value itself.
fn one_of(ways: Vec<ValueExpr>) -> ValueExpr {
    let mut values = Vec::new();
    for way in ways {
        match way {
            ValueExpr::OneOf(nested) => values.extend(nested),
            ValueExpr::Tail { value, .. } if matches!(*value, ValueExpr::OneOf(_)) => {
                if let ValueExpr::OneOf(nested) = *value {
                    values.extend(nested);
                }
            }
            value => values.push(value),
        }
    }
    match values.len() {
        0 => ValueExpr::Unknown,
        1 => values.pop().unwrap_or(ValueExpr::Unknown),
        _ => ValueExpr::OneOf(values),
    }
}

/// Whether a `match` hands back what its `Result` or `Option` holds and leaves the function
/// (or the loop) on every other arm: one arm `Ok(value) => value` (or `Some(..)`), the
/// others diverging. Any other `match` is several values, none of them the scrutinee's.
fn unwraps_or_diverges(matched: &syn::ExprMatch) -> bool {
    let mut hands_back = 0;
    for arm in &matched.arms {
        let bound = match &arm.pat {
            syn::Pat::TupleStruct(_) if arm.guard.is_none() => {
                super::types::unwrapped_binding(&arm.pat)
            }
            _ => None,
        };
        match bound {
            Some(name) if is_name(&arm.body, &name) => hands_back += 1,
            _ if diverges(&arm.body) => {}
            _ => return false,
        }
    }
    hands_back == 1
}

fn is_name(expr: &syn::Expr, name: &str) -> bool {
    match peel_parens(expr) {
        syn::Expr::Path(path) => path.qself.is_none() && path.path.is_ident(name),
        syn::Expr::Block(block) => match block.block.stmts.as_slice() {
            [syn::Stmt::Expr(tail, None)] => is_name(tail, name),
            _ => false,
        },
        _ => false,
    }
}

/// Whether an expression never yields a value: it returns, breaks, continues or panics
/// (the standard library's macros; a library's own, as `bail!`, are not known here), or is
/// an `if`/`else` both of whose ways do.
pub(super) fn diverges(expr: &syn::Expr) -> bool {
    match peel_parens(expr) {
        syn::Expr::Return(_) | syn::Expr::Break(_) | syn::Expr::Continue(_) => true,
        syn::Expr::Macro(mac) => is_diverging_macro(&mac.mac),
        syn::Expr::Block(block) => block_diverges(&block.block),
        syn::Expr::If(branching) => {
            block_diverges(&branching.then_branch)
                && branching
                    .else_branch
                    .as_ref()
                    .is_some_and(|(_, otherwise)| diverges(otherwise))
        }
        _ => false,
    }
}

/// Whether a block never reaches its end: its last statement diverges.
pub(super) fn block_diverges(block: &syn::Block) -> bool {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(last, _)) => diverges(last),
        Some(syn::Stmt::Macro(mac)) => is_diverging_macro(&mac.mac),
        _ => false,
    }
}

fn is_diverging_macro(mac: &syn::Macro) -> bool {
    mac.path.segments.last().is_some_and(|last| {
        matches!(
            last.ident.to_string().as_str(),
            "panic" | "unreachable" | "todo" | "unimplemented"
        )
    })
}
fn block_tail_value(block: &syn::Block, depth: usize) -> ValueExpr {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(tail, None)) => tail_value(tail, depth),
        _ => ValueExpr::Unknown,
    }
}
fn tail_value(tail: &syn::Expr, depth: usize) -> ValueExpr {
    match peel_parens(tail) {
        syn::Expr::Block(block) => block_tail_value(&block.block, depth + 1),
        syn::Expr::Async(block) => block_tail_value(&block.block, depth + 1),
        tail => match value_expr_at(tail, depth + 1) {
            ValueExpr::Unknown => ValueExpr::Unknown,
            value => ValueExpr::Tail {
                value: Box::new(value),
                at: expr_range(tail).start,
            },
        },
    }
}
/// Whether an expression registers routes: a method chain that calls a route-building
/// method, or a warp filter chain.
pub(super) fn is_route_statement(
    expr: &syn::Expr,
    route_building_methods: &[String],
    route_list_macros: &[String],
) -> bool {
    // `let api = routes![a, b];`, or a helper's `routes![a, b]`: a list of routes kept for
    // a later `mount(prefix, api)`.
    if let syn::Expr::Macro(mac) = peel(expr) {
        if mac
            .mac
            .path
            .segments
            .last()
            .is_some_and(|last| route_list_macros.iter().any(|name| last.ident == name))
        {
            return true;
        }
    }
    let mut current = peel(expr);
    loop {
        match current {
            syn::Expr::MethodCall(call) => {
                if route_building_methods
                    .iter()
                    .any(|method| call.method == method)
                {
                    return true;
                }
                current = peel(&call.receiver);
            }
            syn::Expr::Call(call) => {
                return matches!(peel(&call.func), syn::Expr::Path(path)
                    if path.path.segments.first().is_some_and(|s| s.ident == "warp"))
                    && !matches!(expr, syn::Expr::Call(_));
            }
            syn::Expr::Macro(mac) => {
                return mac
                    .mac
                    .path
                    .segments
                    .first()
                    .is_some_and(|s| s.ident == "warp")
                    && !matches!(expr, syn::Expr::Macro(_));
            }
            _ => return false,
        }
    }
}
/// Whether an expression is a method router built by a routing function, kept in a
/// variable for a later `.route(path, it)`: `get(handler)`, `get_with(h, docs).post(other)`.
pub(super) fn is_method_router(expr: &syn::Expr, method_router_functions: &[String]) -> bool {
    let mut current = peel(expr);
    while let syn::Expr::MethodCall(call) = current {
        current = peel(&call.receiver);
    }
    match current {
        syn::Expr::Call(call) => matches!(peel(&call.func), syn::Expr::Path(path)
            if path.path.segments.last().is_some_and(|last| {
                method_router_functions.iter().any(|name| last.ident == name)
            }) && !call.args.is_empty()),
        _ => false,
    }
}
pub(super) fn expr_tree(expr: &syn::Expr) -> ExprTree {
    match peel(expr) {
        syn::Expr::Call(call) => match peel(&call.func) {
            syn::Expr::Path(path) => ExprTree::Call {
                callee: path_segments(&path.path),
                args: call.args.iter().map(expr_tree).collect(),
                range: call_range(call),
            },
            _ => ExprTree::Other,
        },
        syn::Expr::MethodCall(call) => ExprTree::MethodCall {
            receiver: Box::new(expr_tree(&call.receiver)),
            method: call.method.to_compact_string(),
            args: call.args.iter().map(expr_tree).collect(),
            range: method_call_range(call),
        },
        syn::Expr::Path(path) => ExprTree::Path {
            segments: path_segments(&path.path),
            range: expr_range_path(path),
        },
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(string),
            ..
        }) => ExprTree::Str(string.value().into()),
        syn::Expr::Closure(closure) => ExprTree::Closure {
            range: closure_range(closure),
        },
        syn::Expr::Async(block) => ExprTree::Closure {
            range: TextRange::between(block.async_token.span, block.block.brace_token.span.close()),
        },
        syn::Expr::Macro(mac) => ExprTree::Macro {
            path: path_segments(&mac.mac.path),
            args: macro_args(&mac.mac.tokens),
            range: macro_range(&mac.mac),
        },
        _ => ExprTree::Other,
    }
}
/// Reads a macro's arguments as comma-separated expressions; `"a" / u64 / "b"` is
/// flattened into its parts.
fn macro_args(tokens: &TokenStream) -> Vec<ExprTree> {
    let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
    let Ok(exprs) = syn::parse::Parser::parse2(parser, tokens.clone()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for expr in &exprs {
        flatten_division(expr, &mut out);
    }
    out
}
fn flatten_division(expr: &syn::Expr, out: &mut Vec<ExprTree>) {
    match expr {
        syn::Expr::Binary(binary) if matches!(binary.op, syn::BinOp::Div(_)) => {
            flatten_division(&binary.left, out);
            flatten_division(&binary.right, out);
        }
        other => out.push(expr_tree(other)),
    }
}
pub(super) fn peel_parens(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Paren(inner) => peel_parens(&inner.expr),
        syn::Expr::Group(inner) => peel_parens(&inner.expr),
        other => other,
    }
}
fn expr_range_path(path: &syn::ExprPath) -> TextRange {
    match (path.path.segments.first(), path.path.segments.last()) {
        (Some(first), Some(last)) => TextRange::between(first.ident.span(), last.ident.span()),
        _ => TextRange::default(),
    }
}
