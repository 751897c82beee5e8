//! The workspace's `macro_rules!`, expanded at their invocations in a body: the first arm
//! whose matcher matches the invocation's tokens is substituted, and the body walk reads
//! what it gives as the invoking function's code (a per-database dispatch macro whose arms
//! hold the writes). Definitions are kept as text, which any thread can read.
//!
//! Where an arm's tokens are: the analysis keys what it knows of an expression by its range,
//! so each token of an expansion needs a place of its own, and a finding in an arm must
//! point at the invocation. The arm's text is read again laid out on the invocation's
//! line, past its end (by [`COLUMNS_PAST_INVOCATION`] and more), where no code of the file
//! is: its statements are on the invocation's line, each at a column of its own. The
//! fragments substituted keep their places in the invocation.
//!
//! Bounded: a matcher or transcriber is read to [`MAX_REPETITIONS`] repetitions, an
//! expansion gives at most [`MAX_EXPANDED_TOKENS`] tokens, and the walk nests expansions
//! [`MAX_EXPANSION_DEPTH`] deep and expands a body's macros [`MAX_EXPANSIONS_PER_BODY`]
//! times at most. A macro none of whose arms match is read as an unknown macro is.

use std::collections::HashMap;
use std::str::FromStr;

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use syn::parse::discouraged::Speculative;
use syn::parse::{ParseStream, Parser};
use syn::visit::Visit;

/// How deep an expansion's own invocations are expanded in turn.
pub(crate) const MAX_EXPANSION_DEPTH: usize = 16;
/// How many invocations one body expands.
pub(crate) const MAX_EXPANSIONS_PER_BODY: usize = 256;
/// How many tokens one expansion may give.
const MAX_EXPANDED_TOKENS: usize = 50_000;
/// How many times one repetition matches or is transcribed.
const MAX_REPETITIONS: usize = 10_000;
/// How far past the invocation's end an expansion's tokens start.
const COLUMNS_PAST_INVOCATION: usize = 1_000;
/// Expansions on one line are laid out one after the other within this many columns, then
/// start again (a same range twice on a line needs this many columns of expansions).
const EXPANSION_COLUMNS: usize = 8_000;

thread_local! {
    /// Where the next expansion starts, past [`COLUMNS_PAST_INVOCATION`].
    static NEXT_COLUMN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One arm of a definition, as text: `(matcher) => { transcriber }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MacroArm {
    pub matcher: String,
    pub transcriber: String,
}

/// The workspace's `macro_rules!` by name: each definition's arms, in order (two crates
/// may define a macro of the same name: their definitions are tried in turn).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkspaceMacros {
    pub by_name: HashMap<String, Vec<Vec<MacroArm>>>,
}

impl WorkspaceMacros {
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Keeps the `macro_rules!` defined anywhere in a parsed file (in modules, in function
    /// bodies).
    pub fn add_file(&mut self, file: &syn::File) {
        struct Definitions<'a>(&'a mut WorkspaceMacros);
        impl<'ast> Visit<'ast> for Definitions<'_> {
            fn visit_item_macro(&mut self, node: &'ast syn::ItemMacro) {
                let is_macro_rules = node.mac.path.is_ident("macro_rules");
                if let (true, Some(name)) = (is_macro_rules, &node.ident) {
                    let arms = definition_arms(&node.mac.tokens);
                    if !arms.is_empty() {
                        self.0
                            .by_name
                            .entry(name.to_string())
                            .or_default()
                            .push(arms);
                    }
                }
            }
        }
        Definitions(self).visit_file(file);
    }

    /// The tokens an invocation of `name` with `input` expands to, those the definition
    /// wrote laid out past `place`; `None` when no workspace definition of that name
    /// has an arm that matches.
    pub(crate) fn expand(
        &self,
        name: &str,
        input: &TokenStream,
        place: Span,
    ) -> Option<TokenStream> {
        let definitions = self.by_name.get(name)?;
        definitions
            .iter()
            .flatten()
            .find_map(|arm| expand_arm(arm, input, place))
    }
}

/// `(matcher) => { transcriber };` repeated.
fn definition_arms(tokens: &TokenStream) -> Vec<MacroArm> {
    let mut arms = Vec::new();
    let mut tokens = tokens.clone().into_iter().peekable();
    loop {
        let Some(TokenTree::Group(matcher)) = tokens.next() else {
            break;
        };
        match (tokens.next(), tokens.next()) {
            (Some(TokenTree::Punct(equals)), Some(TokenTree::Punct(greater)))
                if equals.as_char() == '=' && greater.as_char() == '>' => {}
            _ => break,
        }
        let Some(TokenTree::Group(transcriber)) = tokens.next() else {
            break;
        };
        arms.push(MacroArm {
            matcher: matcher.stream().to_string(),
            transcriber: transcriber.stream().to_string(),
        });
        if let Some(TokenTree::Punct(semicolon)) = tokens.peek() {
            if semicolon.as_char() == ';' {
                tokens.next();
            }
        }
    }
    arms
}

/// What a matcher is made of.
enum Matcher {
    /// A token that must be equal (`=>`, `mysql`, `,`), compared as printed.
    Token(String),
    /// A delimited group whose inside matches in turn.
    Group(Delimiter, Vec<Matcher>),
    /// `$name:kind`.
    Fragment(String, String),
    /// `$( .. ) sep op`.
    Repetition(Vec<Matcher>, Option<String>, char),
}

/// What a fragment captured: tokens, or one capture per repetition.
#[derive(Clone)]
enum Captured {
    One(TokenStream),
    Many(Vec<Captured>),
}

type Bindings = HashMap<String, Captured>;

fn expand_arm(arm: &MacroArm, input: &TokenStream, place: Span) -> Option<TokenStream> {
    let matcher = TokenStream::from_str(&arm.matcher).ok()?;
    let matcher = matcher_of(&matcher.into_iter().collect::<Vec<_>>())?;
    let mut bindings = Bindings::new();
    let matched = (|stream: ParseStream| {
        match_sequence(&matcher, stream, &mut bindings)?;
        if stream.is_empty() {
            Ok(())
        } else {
            Err(stream.error("tokens left over"))
        }
    })
    .parse2(input.clone());
    matched.ok()?;
    let transcriber = laid_out_after(&arm.transcriber, place)?;
    let tokens: Vec<TokenTree> = transcriber.into_iter().collect();
    let mut budget = MAX_EXPANDED_TOKENS;
    transcribe(&tokens, &bindings, &mut budget)
}

/// The text read as tokens placed on `place`'s last line, past its end (see the module's
/// comment).
fn laid_out_after(text: &str, place: Span) -> Option<TokenStream> {
    let end = place.end();
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
    let mut laid_out = String::with_capacity(end.line + end.column + offset + text.len() + 1_100);
    laid_out.extend(std::iter::repeat_n('\n', end.line.saturating_sub(1)));
    laid_out.extend(std::iter::repeat_n(
        ' ',
        end.column + COLUMNS_PAST_INVOCATION + offset,
    ));
    // One line: a raw string's line breaks become spaces.
    laid_out.extend(
        text.chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
    );
    TokenStream::from_str(&laid_out).ok()
}

fn is_punct(token: Option<&TokenTree>, character: char) -> bool {
    matches!(token, Some(TokenTree::Punct(punct)) if punct.as_char() == character)
}

/// The separator and the operator after `$( .. )`, and how many tokens they took.
fn repetition_tail(rest: &[TokenTree]) -> Option<(Option<String>, char, usize)> {
    let operator = |token: Option<&TokenTree>| match token {
        Some(TokenTree::Punct(punct)) if matches!(punct.as_char(), '*' | '+' | '?') => {
            Some(punct.as_char())
        }
        _ => None,
    };
    if let Some(op) = operator(rest.first()) {
        return Some((None, op, 1));
    }
    let separator = rest.first()?.to_string();
    let op = operator(rest.get(1))?;
    Some((Some(separator), op, 2))
}

fn matcher_of(tokens: &[TokenTree]) -> Option<Vec<Matcher>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(token) = tokens.get(at) {
        if is_punct(Some(token), '$') {
            match (tokens.get(at + 1), tokens.get(at + 2), tokens.get(at + 3)) {
                (Some(TokenTree::Ident(name)), colon, Some(TokenTree::Ident(kind)))
                    if is_punct(colon, ':') =>
                {
                    out.push(Matcher::Fragment(name.to_string(), kind.to_string()));
                    at += 4;
                    continue;
                }
                (Some(TokenTree::Group(group)), _, _)
                    if group.delimiter() == Delimiter::Parenthesis =>
                {
                    let inner = matcher_of(&group.stream().into_iter().collect::<Vec<_>>())?;
                    let (separator, op, taken) = repetition_tail(&tokens[at + 2..])?;
                    out.push(Matcher::Repetition(inner, separator, op));
                    at += 2 + taken;
                    continue;
                }
                _ => {}
            }
        }
        match token {
            TokenTree::Group(group) => {
                let inner = matcher_of(&group.stream().into_iter().collect::<Vec<_>>())?;
                out.push(Matcher::Group(group.delimiter(), inner));
            }
            other => out.push(Matcher::Token(other.to_string())),
        }
        at += 1;
    }
    Some(out)
}

fn match_sequence(
    matchers: &[Matcher],
    input: ParseStream,
    bindings: &mut Bindings,
) -> syn::Result<()> {
    for matcher in matchers {
        match matcher {
            Matcher::Token(text) => expect_token(input, text)?,
            Matcher::Group(delimiter, inner) => {
                let group: Group = input.parse()?;
                if group.delimiter() != *delimiter {
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
            Matcher::Fragment(name, kind) => {
                let tokens = fragment(input, kind)?;
                bindings.insert(name.clone(), Captured::One(tokens));
            }
            Matcher::Repetition(inner, separator, op) => {
                let mut iterations: Vec<Bindings> = Vec::new();
                while iterations.len() < MAX_REPETITIONS {
                    let fork = input.fork();
                    if let (false, Some(separator)) = (iterations.is_empty(), separator) {
                        if expect_token(&fork, separator).is_err() {
                            break;
                        }
                    }
                    let mut captured = Bindings::new();
                    if fork.is_empty() || match_sequence(inner, &fork, &mut captured).is_err() {
                        break;
                    }
                    if fork.cursor() == input.cursor() {
                        break;
                    }
                    input.advance_to(&fork);
                    iterations.push(captured);
                    if *op == '?' {
                        break;
                    }
                }
                if *op == '+' && iterations.is_empty() {
                    return Err(input.error("a repetition of at least one"));
                }
                let mut names = Vec::new();
                fragment_names(inner, &mut names);
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

fn fragment_names(matchers: &[Matcher], names: &mut Vec<String>) {
    for matcher in matchers {
        match matcher {
            Matcher::Fragment(name, _) => names.push(name.clone()),
            Matcher::Group(_, inner) | Matcher::Repetition(inner, _, _) => {
                fragment_names(inner, names)
            }
            Matcher::Token(_) => {}
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

/// The transcriber with its fragments substituted.
fn transcribe(
    tokens: &[TokenTree],
    bindings: &Bindings,
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
                        "crate",
                        name.span(),
                    ))]);
                    at += 2;
                    continue;
                }
                Some(TokenTree::Ident(name)) => match bindings.get(&name.to_string()) {
                    Some(Captured::One(captured)) => {
                        *budget = budget.checked_sub(captured.clone().into_iter().count())?;
                        out.extend(captured.clone());
                        at += 2;
                        continue;
                    }
                    // A repeated fragment outside its repetition: not a valid expansion.
                    Some(Captured::Many(_)) => return None,
                    None => {}
                },
                Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Parenthesis => {
                    let (separator, _, taken) = repetition_tail(&tokens[at + 2..])?;
                    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                    let mut used = Vec::new();
                    names_used(&inner, &mut used);
                    let repeated: Vec<(&String, &Vec<Captured>)> = used
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
                        out.extend(transcribe(&inner, &inner_bindings, budget)?);
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
                let mut placed =
                    Group::new(group.delimiter(), transcribe(&inner, bindings, budget)?);
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
fn names_used(tokens: &[TokenTree], names: &mut Vec<String>) {
    for (at, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => {
                names_used(&group.stream().into_iter().collect::<Vec<_>>(), names)
            }
            TokenTree::Ident(name) if at > 0 && is_punct(tokens.get(at - 1), '$') => {
                names.push(name.to_string())
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn macros_of(source: &str) -> WorkspaceMacros {
        let mut macros = WorkspaceMacros::default();
        if let Ok(file) = syn::parse_file(source) {
            macros.add_file(&file);
        }
        macros
    }

    fn expanded(macros: &WorkspaceMacros, name: &str, input: &str) -> Option<String> {
        let input = TokenStream::from_str(input).ok()?;
        macros
            .expand(name, &input, Span::call_site())
            .map(|tokens| tokens.to_string())
    }

    #[test]
    fn the_first_arm_that_matches_is_substituted() {
        let macros = macros_of(
            "macro_rules! pick {
                (add, $conn:expr, $id:expr) => {{ update($id).set(n + 1).execute($conn) }};
                (set, $conn:expr, $id:expr) => {{ update($id).set(0).execute($conn) }};
                (each $($word:ident),+ ; $conn:expr) => { $( pick!($word, $conn, 1); )+ };
            }",
        );
        assert_eq!(
            expanded(&macros, "pick", "set, &mut conn, id").as_deref(),
            Some("{ update (id) . set (0) . execute (& mut conn) }")
        );
        assert_eq!(
            expanded(&macros, "pick", "each a, b; conn").as_deref(),
            Some("pick ! (a , conn , 1) ; pick ! (b , conn , 1) ;")
        );
        assert_eq!(expanded(&macros, "pick", "remove, conn, id"), None);
        assert_eq!(expanded(&macros, "other", "set, conn, id"), None);
    }

    #[test]
    fn odd_definitions_and_inputs_expand_to_nothing_without_panicking() {
        let macros = macros_of(
            "macro_rules! odd {
                ($($a:ident)* $b:ident) => { $($a)* };
                ($x:unknown) => { $x };
                ($($x:tt)*) => { $($x $y)* };
                ($x:expr) => { $($x)* };
                () => {};
            }
            macro_rules! broken { (a) => }",
        );
        for input in ["", "a b c", "1 + ", "$", "a , , b", "{ ( ] }"] {
            let _ = expanded(&macros, "odd", input);
            let _ = expanded(&macros, "broken", input);
        }
        assert_eq!(expanded(&macros, "odd", "").as_deref(), Some(""));
    }
}
