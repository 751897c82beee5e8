//! Cheap ranges of syntax nodes. syn's `Spanned::span()` prints the node to tokens and joins
//! their spans, which costs as much as the node is large and makes nested nodes quadratic;
//! here a node's range is taken from its first and last tokens.
//!
//! Finding the first token of `a.b().c()` walks down to `a`, and the last of
//! `if .. else if .. else ..` walks to the last `else`: along a chain of 30,000 calls,
//! asking for every call's range would be quadratic. The walks are loops, and a walk longer
//! than [`MEMO_AFTER_STEPS`] remembers its answer for every node it passed, so that the
//! next question about a node of the same chain is answered at once. The memory is per
//! thread and holds addresses of syntax nodes: [`forget_long_chains`] clears it before and
//! after each file.

use std::cell::RefCell;
use std::collections::HashMap;

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::location::TextRange;

pub(crate) fn expr_range(expr: &syn::Expr) -> TextRange {
    TextRange::between(expr_start(expr), expr_end(expr))
}

pub(crate) fn block_range(block: &syn::Block) -> TextRange {
    TextRange::between(
        block.brace_token.span.open(),
        block.brace_token.span.close(),
    )
}

pub(crate) fn macro_range(mac: &syn::Macro) -> TextRange {
    TextRange::between(path_start(&mac.path), delimiter_close(&mac.delimiter))
}

/// The span of a whole `path!(..)`, when its ends are in one file.
pub(crate) fn macro_span(mac: &syn::Macro) -> Option<Span> {
    path_start(&mac.path).join(delimiter_close(&mac.delimiter))
}

fn delimiter_close(delimiter: &syn::MacroDelimiter) -> Span {
    match delimiter {
        syn::MacroDelimiter::Paren(paren) => paren.span.close(),
        syn::MacroDelimiter::Brace(brace) => brace.span.close(),
        syn::MacroDelimiter::Bracket(bracket) => bracket.span.close(),
    }
}

fn path_start(path: &syn::Path) -> Span {
    match (&path.leading_colon, path.segments.first()) {
        (Some(colon), _) => colon.spans[0],
        (None, Some(segment)) => segment.ident.span(),
        (None, None) => Span::call_site(),
    }
}

fn path_end(path: &syn::Path) -> Span {
    match path.segments.last() {
        Some(segment) => match &segment.arguments {
            syn::PathArguments::AngleBracketed(angle) => angle.gt_token.span,
            syn::PathArguments::Parenthesized(paren) => paren.paren_token.span.close(),
            syn::PathArguments::None => segment.ident.span(),
        },
        None => Span::call_site(),
    }
}

pub(crate) fn stmt_range(stmt: &syn::Stmt) -> TextRange {
    match stmt {
        syn::Stmt::Local(local) => local_range(local),
        syn::Stmt::Expr(expr, Some(semi)) => TextRange::between(expr_start(expr), semi.span),
        syn::Stmt::Expr(expr, None) => expr_range(expr),
        syn::Stmt::Macro(mac) => match &mac.semi_token {
            Some(semi) => TextRange::between(path_start(&mac.mac.path), semi.span),
            None => macro_range(&mac.mac),
        },
        syn::Stmt::Item(_) => TextRange::default(),
    }
}

pub(crate) fn local_range(local: &syn::Local) -> TextRange {
    TextRange::between(local.let_token.span, local.semi_token.span)
}

/// One step of a walk to a first or last token: the token, or the node that holds it.
enum Step<'a> {
    Found(Span),
    Next(&'a syn::Expr),
}

/// Walks longer than this remember their answer for each node they passed.
const MEMO_AFTER_STEPS: usize = 32;

thread_local! {
    /// First (`false`) and last (`true`) tokens of the nodes of long chains, by node address.
    static LONG_CHAINS: RefCell<HashMap<(usize, bool), Span>> = RefCell::new(HashMap::new());
}

/// Forgets what long walks remembered: the addresses belong to a syntax tree that is about
/// to be dropped, or to the previous file's.
pub(crate) fn forget_long_chains() {
    LONG_CHAINS.with(|memo| {
        let mut memo = memo.borrow_mut();
        memo.clear();
        memo.shrink_to_fit();
    });
}

fn expr_start(expr: &syn::Expr) -> Span {
    walk(expr, false, start_step)
}

fn expr_end(expr: &syn::Expr) -> Span {
    walk(expr, true, end_step)
}

fn walk<'a>(expr: &'a syn::Expr, towards_end: bool, step: fn(&'a syn::Expr) -> Step<'a>) -> Span {
    let address = |node: &syn::Expr| (node as *const syn::Expr as usize, towards_end);
    let remembered = |node: &syn::Expr| {
        LONG_CHAINS.with(|memo| {
            let memo = memo.borrow();
            if memo.is_empty() {
                None
            } else {
                memo.get(&address(node)).copied()
            }
        })
    };
    let mut current = expr;
    let mut steps = 0;
    let found = loop {
        if let Some(span) = remembered(current) {
            break span;
        }
        match step(current) {
            Step::Found(span) => break span,
            Step::Next(next) => current = next,
        }
        steps += 1;
    };
    if steps > MEMO_AFTER_STEPS {
        LONG_CHAINS.with(|memo| {
            let mut memo = memo.borrow_mut();
            let mut current = expr;
            while let Step::Next(next) = step(current) {
                if memo.insert(address(current), found).is_some() {
                    break;
                }
                current = next;
            }
        });
    }
    found
}

fn start_step(expr: &syn::Expr) -> Step<'_> {
    use syn::Expr::*;
    if let Some(attr) = expr_attrs(expr).and_then(|attrs| attrs.first()) {
        return Step::Found(attr.pound_token.span);
    }
    Step::Found(match expr {
        Array(node) => node.bracket_token.span.open(),
        Assign(node) => return Step::Next(&node.left),
        Async(node) => node.async_token.span,
        Await(node) => return Step::Next(&node.base),
        Binary(node) => return Step::Next(&node.left),
        Block(node) => match &node.label {
            Some(label) => label.name.apostrophe,
            None => node.block.brace_token.span.open(),
        },
        Break(node) => node.break_token.span,
        Call(node) => return Step::Next(&node.func),
        Cast(node) => return Step::Next(&node.expr),
        Closure(node) => closure_start(node),
        Continue(node) => node.continue_token.span,
        Field(node) => return Step::Next(&node.base),
        ForLoop(node) => match &node.label {
            Some(label) => label.name.apostrophe,
            None => node.for_token.span,
        },
        Group(node) => return Step::Next(&node.expr),
        If(node) => node.if_token.span,
        Index(node) => return Step::Next(&node.expr),
        Let(node) => node.let_token.span,
        Lit(node) => node.lit.span(),
        Loop(node) => match &node.label {
            Some(label) => label.name.apostrophe,
            None => node.loop_token.span,
        },
        Macro(node) => path_start(&node.mac.path),
        Match(node) => node.match_token.span,
        MethodCall(node) => return Step::Next(&node.receiver),
        Paren(node) => node.paren_token.span.open(),
        Path(node) => match &node.qself {
            Some(qself) => qself.lt_token.span,
            None => path_start(&node.path),
        },
        Range(node) => match &node.start {
            Some(start) => return Step::Next(start),
            None => match &node.limits {
                syn::RangeLimits::HalfOpen(token) => token.spans[0],
                syn::RangeLimits::Closed(token) => token.spans[0],
            },
        },
        Reference(node) => node.and_token.span,
        Repeat(node) => node.bracket_token.span.open(),
        Return(node) => node.return_token.span,
        Struct(node) => match &node.qself {
            Some(qself) => qself.lt_token.span,
            None => path_start(&node.path),
        },
        Try(node) => return Step::Next(&node.expr),
        Tuple(node) => node.paren_token.span.open(),
        Unary(node) => match &node.op {
            syn::UnOp::Deref(token) => token.spans[0],
            syn::UnOp::Not(token) => token.spans[0],
            syn::UnOp::Neg(token) => token.spans[0],
            _ => node.expr.span(),
        },
        Unsafe(node) => node.unsafe_token.span,
        While(node) => match &node.label {
            Some(label) => label.name.apostrophe,
            None => node.while_token.span,
        },
        other => other.span(),
    })
}

fn end_step(expr: &syn::Expr) -> Step<'_> {
    use syn::Expr::*;
    Step::Found(match expr {
        Array(node) => node.bracket_token.span.close(),
        Assign(node) => return Step::Next(&node.right),
        Async(node) => node.block.brace_token.span.close(),
        Await(node) => node.await_token.span,
        Binary(node) => return Step::Next(&node.right),
        Block(node) => node.block.brace_token.span.close(),
        Break(node) => match (&node.expr, &node.label) {
            (Some(value), _) => return Step::Next(value),
            (None, Some(label)) => label.ident.span(),
            (None, None) => node.break_token.span,
        },
        Call(node) => node.paren_token.span.close(),
        Cast(node) => node.ty.span(),
        Closure(node) => return Step::Next(&node.body),
        Continue(node) => match &node.label {
            Some(label) => label.ident.span(),
            None => node.continue_token.span,
        },
        Field(node) => match &node.member {
            syn::Member::Named(ident) => ident.span(),
            syn::Member::Unnamed(index) => index.span,
        },
        ForLoop(node) => node.body.brace_token.span.close(),
        Group(node) => return Step::Next(&node.expr),
        If(node) => match &node.else_branch {
            Some((_, otherwise)) => return Step::Next(otherwise),
            None => node.then_branch.brace_token.span.close(),
        },
        Index(node) => node.bracket_token.span.close(),
        Let(node) => return Step::Next(&node.expr),
        Lit(node) => node.lit.span(),
        Loop(node) => node.body.brace_token.span.close(),
        Macro(node) => delimiter_close(&node.mac.delimiter),
        Match(node) => node.brace_token.span.close(),
        MethodCall(node) => node.paren_token.span.close(),
        Paren(node) => node.paren_token.span.close(),
        Path(node) => path_end(&node.path),
        Range(node) => match &node.end {
            Some(end) => return Step::Next(end),
            None => match &node.limits {
                syn::RangeLimits::HalfOpen(token) => token.spans[1],
                syn::RangeLimits::Closed(token) => token.spans[2],
            },
        },
        Reference(node) => return Step::Next(&node.expr),
        Repeat(node) => node.bracket_token.span.close(),
        Return(node) => match &node.expr {
            Some(value) => return Step::Next(value),
            None => node.return_token.span,
        },
        Struct(node) => node.brace_token.span.close(),
        Try(node) => node.question_token.span,
        Tuple(node) => node.paren_token.span.close(),
        Unary(node) => return Step::Next(&node.expr),
        Unsafe(node) => node.block.brace_token.span.close(),
        While(node) => node.body.brace_token.span.close(),
        other => other.span(),
    })
}

fn expr_attrs(expr: &syn::Expr) -> Option<&Vec<syn::Attribute>> {
    use syn::Expr::*;
    match expr {
        Call(node) => Some(&node.attrs),
        MethodCall(node) => Some(&node.attrs),
        Closure(node) => Some(&node.attrs),
        Block(node) => Some(&node.attrs),
        Async(node) => Some(&node.attrs),
        _ => None,
    }
}

fn closure_start(node: &syn::ExprClosure) -> Span {
    if let Some(lifetimes) = &node.lifetimes {
        lifetimes.for_token.span
    } else if let Some(token) = &node.constness {
        token.span
    } else if let Some(token) = &node.movability {
        token.span
    } else if let Some(token) = &node.asyncness {
        token.span
    } else if let Some(token) = &node.capture {
        token.span
    } else {
        node.or1_token.span
    }
}

pub(crate) fn closure_range(node: &syn::ExprClosure) -> TextRange {
    TextRange::between(closure_start(node), expr_end(&node.body))
}

pub(crate) fn struct_range(node: &syn::ExprStruct) -> TextRange {
    let start = match &node.qself {
        Some(qself) => qself.lt_token.span,
        None => path_start(&node.path),
    };
    TextRange::between(start, node.brace_token.span.close())
}

/// From the start of `first` to the end of `last`.
pub(crate) fn exprs_range(first: &syn::Expr, last: &syn::Expr) -> TextRange {
    TextRange::between(expr_start(first), expr_end(last))
}

/// From a token to the end of an expression.
pub(crate) fn token_to_expr(start: Span, last: &syn::Expr) -> TextRange {
    TextRange::between(start, expr_end(last))
}

/// From the start of an expression to a token.
pub(crate) fn expr_to_token(first: &syn::Expr, end: Span) -> TextRange {
    TextRange::between(expr_start(first), end)
}

/// A call with a path callee, from the callee to the closing parenthesis.
pub(crate) fn call_range(call: &syn::ExprCall) -> TextRange {
    expr_to_token(&call.func, call.paren_token.span.close())
}

/// A method call, from its receiver to the closing parenthesis.
pub(crate) fn method_call_range(call: &syn::ExprMethodCall) -> TextRange {
    expr_to_token(&call.receiver, call.paren_token.span.close())
}
