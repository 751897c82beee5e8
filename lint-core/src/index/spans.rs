//! Cheap ranges of syntax nodes. syn's `Spanned::span()` prints the node to tokens and joins
//! their spans, which costs as much as the node is large and makes nested nodes quadratic;
//! here a node's range is taken from its first and last tokens.

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

fn expr_start(expr: &syn::Expr) -> Span {
    use syn::Expr::*;
    if let Some(attr) = expr_attrs(expr).and_then(|attrs| attrs.first()) {
        return attr.pound_token.span;
    }
    match expr {
        Array(node) => node.bracket_token.span.open(),
        Assign(node) => expr_start(&node.left),
        Async(node) => node.async_token.span,
        Await(node) => expr_start(&node.base),
        Binary(node) => expr_start(&node.left),
        Block(node) => match &node.label {
            Some(label) => label.name.apostrophe,
            None => node.block.brace_token.span.open(),
        },
        Break(node) => node.break_token.span,
        Call(node) => expr_start(&node.func),
        Cast(node) => expr_start(&node.expr),
        Closure(node) => closure_start(node),
        Continue(node) => node.continue_token.span,
        Field(node) => expr_start(&node.base),
        ForLoop(node) => match &node.label {
            Some(label) => label.name.apostrophe,
            None => node.for_token.span,
        },
        Group(node) => expr_start(&node.expr),
        If(node) => node.if_token.span,
        Index(node) => expr_start(&node.expr),
        Let(node) => node.let_token.span,
        Lit(node) => node.lit.span(),
        Loop(node) => match &node.label {
            Some(label) => label.name.apostrophe,
            None => node.loop_token.span,
        },
        Macro(node) => path_start(&node.mac.path),
        Match(node) => node.match_token.span,
        MethodCall(node) => expr_start(&node.receiver),
        Paren(node) => node.paren_token.span.open(),
        Path(node) => match &node.qself {
            Some(qself) => qself.lt_token.span,
            None => path_start(&node.path),
        },
        Range(node) => match &node.start {
            Some(start) => expr_start(start),
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
        Try(node) => expr_start(&node.expr),
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
    }
}

fn expr_end(expr: &syn::Expr) -> Span {
    use syn::Expr::*;
    match expr {
        Array(node) => node.bracket_token.span.close(),
        Assign(node) => expr_end(&node.right),
        Async(node) => node.block.brace_token.span.close(),
        Await(node) => node.await_token.span,
        Binary(node) => expr_end(&node.right),
        Block(node) => node.block.brace_token.span.close(),
        Break(node) => match (&node.expr, &node.label) {
            (Some(value), _) => expr_end(value),
            (None, Some(label)) => label.ident.span(),
            (None, None) => node.break_token.span,
        },
        Call(node) => node.paren_token.span.close(),
        Cast(node) => node.ty.span(),
        Closure(node) => expr_end(&node.body),
        Continue(node) => match &node.label {
            Some(label) => label.ident.span(),
            None => node.continue_token.span,
        },
        Field(node) => match &node.member {
            syn::Member::Named(ident) => ident.span(),
            syn::Member::Unnamed(index) => index.span,
        },
        ForLoop(node) => node.body.brace_token.span.close(),
        Group(node) => expr_end(&node.expr),
        If(node) => match &node.else_branch {
            Some((_, otherwise)) => expr_end(otherwise),
            None => node.then_branch.brace_token.span.close(),
        },
        Index(node) => node.bracket_token.span.close(),
        Let(node) => expr_end(&node.expr),
        Lit(node) => node.lit.span(),
        Loop(node) => node.body.brace_token.span.close(),
        Macro(node) => delimiter_close(&node.mac.delimiter),
        Match(node) => node.brace_token.span.close(),
        MethodCall(node) => node.paren_token.span.close(),
        Paren(node) => node.paren_token.span.close(),
        Path(node) => path_end(&node.path),
        Range(node) => match &node.end {
            Some(end) => expr_end(end),
            None => match &node.limits {
                syn::RangeLimits::HalfOpen(token) => token.spans[1],
                syn::RangeLimits::Closed(token) => token.spans[2],
            },
        },
        Reference(node) => expr_end(&node.expr),
        Repeat(node) => node.bracket_token.span.close(),
        Return(node) => match &node.expr {
            Some(value) => expr_end(value),
            None => node.return_token.span,
        },
        Struct(node) => node.brace_token.span.close(),
        Try(node) => node.question_token.span,
        Tuple(node) => node.paren_token.span.close(),
        Unary(node) => expr_end(&node.expr),
        Unsafe(node) => node.block.brace_token.span.close(),
        While(node) => node.body.brace_token.span.close(),
        other => other.span(),
    }
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
