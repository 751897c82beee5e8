//! Matching an invocation's tokens against an arm, and writing the arm's transcriber with
//! what the fragments captured.

use std::collections::HashMap;
use std::str::FromStr;

use proc_macro2::{Delimiter, Group, LineColumn, Span, TokenStream, TokenTree};
use syn::parse::discouraged::Speculative;
use syn::parse::{ParseStream, Parser};

use super::{
    group_delimiter, is_punct, repetition_tail, VisibleMacro, COLUMNS_PAST_INVOCATION,
    EXPANSION_COLUMNS, MAX_EXPANDED_TOKENS, MAX_REPETITIONS, NEXT_COLUMN,
};
use crate::index::summary::*;

/// The tokens an invocation expands to by the first of `definitions` with an arm that
/// matches `input`, what the arm wrote laid out past `end`; `None` when none matches.
pub(in crate::index::collect) fn expand(
    definitions: &[VisibleMacro],
    input: &TokenStream,
    end: LineColumn,
) -> Option<TokenStream> {
    definitions.iter().find_map(|definition| {
        definition.rules.arms.iter().find_map(|arm| {
            let bindings = match_arm(&arm.matcher, input)?;
            let transcriber = laid_out_after(&arm.transcriber, end)?;
            let tokens: Vec<TokenTree> = transcriber.into_iter().collect();
            let mut budget = MAX_EXPANDED_TOKENS;
            transcribe(&tokens, &bindings, &definition.crate_path, &mut budget)
        })
    })
}

/// What a fragment captured: tokens, or one capture per repetition.
#[derive(Clone)]
enum Captured {
    One(TokenStream),
    Many(Vec<Captured>),
}

type Bindings = HashMap<CompactString, Captured>;

fn match_arm(matcher: &[MatcherPiece], input: &TokenStream) -> Option<Bindings> {
    let mut bindings = Bindings::new();
    (|stream: ParseStream| {
        match_sequence(matcher, stream, &mut bindings)?;
        if stream.is_empty() {
            Ok(())
        } else {
            Err(stream.error("tokens left over"))
        }
    })
    .parse2(input.clone())
    .ok()?;
    Some(bindings)
}

/// The text read as tokens placed on `end`'s line, past it (see the module's comment).
fn laid_out_after(text: &str, end: LineColumn) -> Option<TokenStream> {
    let offset = NEXT_COLUMN.with(|next| {
        let offset = next.get();
        let following = offset + text.len() + 1;
        next.set(if following > EXPANSION_COLUMNS {
            0
        } else {
            following
        });
        offset
    });
    let columns = end.column + COLUMNS_PAST_INVOCATION + offset;
    let mut laid_out = String::with_capacity(end.line + columns + text.len());
    laid_out.extend(std::iter::repeat_n('\n', end.line.saturating_sub(1)));
    laid_out.extend(std::iter::repeat_n(' ', columns));
    // One line: a raw string's line breaks become spaces.
    laid_out.extend(
        text.chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
    );
    TokenStream::from_str(&laid_out).ok()
}

fn match_sequence(
    matchers: &[MatcherPiece],
    input: ParseStream,
    bindings: &mut Bindings,
) -> syn::Result<()> {
    for matcher in matchers {
        match matcher {
            MatcherPiece::Token(text) => expect_token(input, text)?,
            MatcherPiece::Group(delimiter, inner) => {
                let group: Group = input.parse()?;
                if group_delimiter(group.delimiter()) != *delimiter {
                    return Err(input.error("another delimiter"));
                }
                (|stream: ParseStream| {
                    match_sequence(inner, stream, bindings)?;
                    if stream.is_empty() {
                        Ok(())
                    } else {
                        Err(stream.error("tokens left over"))
                    }
                })
                .parse2(group.stream())?;
            }
            MatcherPiece::Fragment { name, kind } => {
                let tokens = fragment(input, kind)?;
                bindings.insert(name.clone(), Captured::One(tokens));
            }
            MatcherPiece::Repetition {
                pieces,
                separator,
                operator,
            } => {
                let mut iterations: Vec<Bindings> = Vec::new();
                while iterations.len() < MAX_REPETITIONS {
                    let fork = input.fork();
                    if let (false, Some(separator)) = (iterations.is_empty(), separator) {
                        if expect_token(&fork, separator).is_err() {
                            break;
                        }
                    }
                    let mut captured = Bindings::new();
                    if fork.is_empty() || match_sequence(pieces, &fork, &mut captured).is_err() {
                        break;
                    }
                    if fork.cursor() == input.cursor() {
                        break;
                    }
                    input.advance_to(&fork);
                    iterations.push(captured);
                    if *operator == '?' {
                        break;
                    }
                }
                if *operator == '+' && iterations.is_empty() {
                    return Err(input.error("a repetition of at least one"));
                }
                let mut names = Vec::new();
                fragment_names(pieces, &mut names);
                for name in names {
                    let each = iterations
                        .iter_mut()
                        .map(|captured| {
                            captured.remove(&name).unwrap_or(Captured::Many(Vec::new()))
                        })
                        .collect();
                    bindings.insert(name, Captured::Many(each));
                }
            }
        }
    }
    Ok(())
}

fn fragment_names(matchers: &[MatcherPiece], names: &mut Vec<CompactString>) {
    for matcher in matchers {
        match matcher {
            MatcherPiece::Fragment { name, .. } => names.push(name.clone()),
            MatcherPiece::Group(_, inner) | MatcherPiece::Repetition { pieces: inner, .. } => {
                fragment_names(inner, names)
            }
            MatcherPiece::Token(_) => {}
        }
    }
}

/// One token equal to `text` as printed.
fn expect_token(input: ParseStream, text: &str) -> syn::Result<()> {
    input.step(|cursor| match cursor.token_tree() {
        Some((token, rest)) if token.to_string() == text => Ok(((), rest)),
        _ => Err(cursor.error("another token")),
    })
}

/// A fragment of the given kind, its tokens as written.
fn fragment(input: ParseStream, kind: &str) -> syn::Result<TokenStream> {
    use quote::ToTokens;
    Ok(match kind {
        "expr" => input.parse::<syn::Expr>()?.into_token_stream(),
        "ident" => input.parse::<syn::Ident>()?.into_token_stream(),
        "ty" => input.parse::<syn::Type>()?.into_token_stream(),
        "path" => input.parse::<syn::Path>()?.into_token_stream(),
        "literal" => {
            let mut tokens = TokenStream::new();
            if input.peek(syn::Token![-]) {
                input.parse::<syn::Token![-]>()?.to_tokens(&mut tokens);
            }
            input.parse::<syn::Lit>()?.to_tokens(&mut tokens);
            tokens
        }
        "tt" => input.parse::<TokenTree>()?.into_token_stream(),
        "block" => input.parse::<syn::Block>()?.into_token_stream(),
        "pat" => syn::Pat::parse_multi_with_leading_vert(input)?.into_token_stream(),
        "pat_param" => syn::Pat::parse_single(input)?.into_token_stream(),
        "lifetime" => input.parse::<syn::Lifetime>()?.into_token_stream(),
        "vis" => input.parse::<syn::Visibility>()?.into_token_stream(),
        "item" => input.parse::<syn::Item>()?.into_token_stream(),
        "stmt" => input.parse::<syn::Stmt>()?.into_token_stream(),
        "meta" => input.parse::<syn::Meta>()?.into_token_stream(),
        _ => return Err(input.error("an unknown fragment kind")),
    })
}

/// The transcriber with its fragments substituted, `$crate` as `crate_path`.
fn transcribe(
    tokens: &[TokenTree],
    bindings: &Bindings,
    crate_path: &str,
    budget: &mut usize,
) -> Option<TokenStream> {
    let mut out = TokenStream::new();
    let mut at = 0;
    while let Some(token) = tokens.get(at) {
        *budget = budget.checked_sub(1)?;
        if is_punct(Some(token), '$') {
            match tokens.get(at + 1) {
                Some(TokenTree::Ident(name)) if name == "crate" => {
                    out.extend([TokenTree::Ident(proc_macro2::Ident::new(
                        crate_path,
                        name.span(),
                    ))]);
                    at += 2;
                    continue;
                }
                Some(TokenTree::Ident(name)) => {
                    match bindings.get(name.to_compact_string().as_str()) {
                        Some(Captured::One(captured)) => {
                            *budget = budget.checked_sub(captured.clone().into_iter().count())?;
                            out.extend(captured.clone());
                            at += 2;
                            continue;
                        }
                        // A repeated fragment outside its repetition: not a valid expansion.
                        Some(Captured::Many(_)) => return None,
                        None => {}
                    }
                }
                Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Parenthesis => {
                    let (separator, _, taken) = repetition_tail(&tokens[at + 2..])?;
                    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                    let mut used = Vec::new();
                    names_used(&inner, &mut used);
                    let repeated: Vec<(&CompactString, &Vec<Captured>)> = used
                        .iter()
                        .filter_map(|name| match bindings.get_key_value(name) {
                            Some((name, Captured::Many(each))) => Some((name, each)),
                            _ => None,
                        })
                        .collect();
                    let count = repeated.first().map(|(_, each)| each.len())?;
                    if repeated.iter().any(|(_, each)| each.len() != count) {
                        return None;
                    }
                    for iteration in 0..count.min(MAX_REPETITIONS) {
                        if iteration > 0 {
                            if let Some(separator) = &separator {
                                let separator = TokenStream::from_str(separator).ok()?;
                                out.extend(with_place(separator, group.span()));
                            }
                        }
                        let mut inner_bindings = bindings.clone();
                        for (name, each) in &repeated {
                            inner_bindings.insert((*name).clone(), each.get(iteration)?.clone());
                        }
                        out.extend(transcribe(&inner, &inner_bindings, crate_path, budget)?);
                    }
                    at += 2 + taken;
                    continue;
                }
                _ => {}
            }
        }
        match token {
            TokenTree::Group(group) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                let mut placed = Group::new(
                    group.delimiter(),
                    transcribe(&inner, bindings, crate_path, budget)?,
                );
                placed.set_span(group.span());
                out.extend([TokenTree::Group(placed)]);
            }
            other => out.extend([other.clone()]),
        }
        at += 1;
    }
    Some(out)
}

fn with_place(tokens: TokenStream, place: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            token.set_span(place);
            token
        })
        .collect()
}

/// The names `$name` in a transcriber's tokens, at any depth.
fn names_used(tokens: &[TokenTree], names: &mut Vec<CompactString>) {
    for (at, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => {
                names_used(&group.stream().into_iter().collect::<Vec<_>>(), names)
            }
            TokenTree::Ident(name) if at > 0 && is_punct(tokens.get(at - 1), '$') => {
                names.push(name.to_compact_string())
            }
            _ => {}
        }
    }
}
