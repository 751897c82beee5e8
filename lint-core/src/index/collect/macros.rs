//! Macros whose arguments are code: an unknown function-like macro's arguments read as
//! statements or expressions, and `select!`'s arms. The body walk visits what these give
//! as if it were written in the function.

use proc_macro2::TokenStream;
use syn::punctuated::Punctuated;

/// How the walk reads a macro's arguments.
pub(super) enum MacroCode {
    /// `tokio::select!`: arms of `pattern = future => body`.
    SelectArms,
    /// Text, formatting or assertions, or a macro whose literals are kept (SQL).
    NotCode,
    /// Anything else: read as statements or expressions when they parse as such.
    Unknown,
}

/// One arm of a `select!`: `pattern = future, if guard => body`, or `else => body`.
pub(super) struct SelectArm {
    pub(super) pattern: Option<syn::Pat>,
    pub(super) future: Option<syn::Expr>,
    pub(super) guard: Option<syn::Expr>,
    pub(super) body: syn::Expr,
}

pub(super) fn select_arms(input: syn::parse::ParseStream) -> syn::Result<Vec<SelectArm>> {
    let mut arms = Vec::new();
    if input.peek(syn::Ident) && input.fork().parse::<syn::Ident>()? == "biased" {
        input.parse::<syn::Ident>()?;
        input.parse::<syn::Token![;]>()?;
    }
    while !input.is_empty() {
        if input.peek(syn::Token![else]) {
            input.parse::<syn::Token![else]>()?;
            input.parse::<syn::Token![=>]>()?;
            let body: syn::Expr = input.parse()?;
            input.parse::<Option<syn::Token![,]>>()?;
            arms.push(SelectArm {
                pattern: None,
                future: None,
                guard: None,
                body,
            });
            continue;
        }
        let pattern = syn::Pat::parse_multi_with_leading_vert(input)?;
        input.parse::<syn::Token![=]>()?;
        let future: syn::Expr = input.parse()?;
        let guard = if input.peek(syn::Token![,]) && input.peek2(syn::Token![if]) {
            input.parse::<syn::Token![,]>()?;
            input.parse::<syn::Token![if]>()?;
            Some(input.parse::<syn::Expr>()?)
        } else {
            None
        };
        input.parse::<syn::Token![=>]>()?;
        let body: syn::Expr = input.parse()?;
        input.parse::<Option<syn::Token![,]>>()?;
        arms.push(SelectArm {
            pattern: Some(pattern),
            future: Some(future),
            guard,
            body,
        });
    }
    Ok(arms)
}

/// An unknown macro's arguments as statements (`{ a; b }`-like bodies) or else as
/// comma-separated expressions (`dispatch!(conn, |c| ..)`); `None` when they are neither.
pub(super) fn macro_statements(tokens: &TokenStream) -> Option<Vec<syn::Stmt>> {
    syn::parse::Parser::parse2(syn::Block::parse_within, tokens.clone())
        .ok()
        .filter(|statements| !statements.is_empty())
        .or_else(|| {
            let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
            let exprs = syn::parse::Parser::parse2(parser, tokens.clone()).ok()?;
            Some(
                exprs
                    .into_iter()
                    .map(|expr| syn::Stmt::Expr(expr, None))
                    .collect(),
            )
        })
}
