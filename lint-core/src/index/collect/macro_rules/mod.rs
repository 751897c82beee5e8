//! The workspace's `macro_rules!`: read where the walk meets them, and expanded at their
//! invocations in a body only when a handler's path reads the function that invokes one
//! ([`expand_body`], asked by the index on the first read of that function). The first arm
//! whose matcher matches the invocation's tokens is substituted, and its code walked as the
//! function's in place of what the invocation's arguments gave (a per-database dispatch
//! macro whose arms hold the writes).
//!
//! What is kept: a definition's matcher as its pieces (tokens, fragments, repetitions),
//! read once from the tokens the walk has; its transcriber as written. An invocation in a
//! body of a macro no library knows is kept as its text (the walk cannot know yet whether
//! a definition of that name exists: files are parsed in parallel), which is read again
//! only when it is expanded.
//!
//! Where an expansion's tokens are: the analysis knows an expression by its range, so each
//! token needs a place of its own, and a finding in code an arm wrote must point at the
//! invocation. The invocation is read again at its own place in its file (its text after as
//! many line breaks and spaces), so the fragments it gives keep their places; the arm's
//! transcriber is laid out on the invocation's last line, past its end, where no code of the
//! file is, and statements there point at the invocation.
//!
//! Bounded: a matcher or transcriber is read to [`MAX_REPETITIONS`] repetitions, an
//! expansion gives at most [`MAX_EXPANDED_TOKENS`] tokens, and expansions nest
//! [`MAX_EXPANSION_DEPTH`] deep and number [`MAX_EXPANSIONS_PER_BODY`] per body at most. A
//! macro none of whose arms match is read as an unknown macro is.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

mod matching;

pub(super) use matching::expand;

use super::bodies::walk_invocation;
use super::WalkHints;
use crate::index::summary::*;
use crate::location::{Position, TextRange};

/// How deep an expansion's own invocations are expanded in turn.
pub(super) const MAX_EXPANSION_DEPTH: usize = 16;
/// How many invocations one body expands.
pub(super) const MAX_EXPANSIONS_PER_BODY: usize = 256;
/// How many tokens one expansion may give.
const MAX_EXPANDED_TOKENS: usize = 50_000;
/// How many times one repetition matches or is transcribed.
const MAX_REPETITIONS: usize = 10_000;
/// How far past the invocation's end an expansion's tokens start.
const COLUMNS_PAST_INVOCATION: usize = 1_000;
/// Expansions on one line are laid out one after the other within this many columns, then
/// start again.
const EXPANSION_COLUMNS: usize = 8_000;

thread_local! {
    /// Where the next expansion starts, past [`COLUMNS_PAST_INVOCATION`].
    static NEXT_COLUMN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The definitions a crate's code may invoke, by name: its own, then the `#[macro_export]`
/// ones of the crates it depends on.
pub type VisibleMacros = HashMap<CompactString, Vec<VisibleMacro>>;

#[derive(Clone, Debug)]
pub struct VisibleMacro {
    pub rules: Arc<MacroRules>,
    /// What `$crate` stands for where it is invoked: `crate`, or the defining crate's name.
    pub crate_path: CompactString,
}

/// `macro_rules! name { .. }`, as kept; `None` for any other item macro, or one with no
/// arm that reads.
pub(super) fn macro_rules_of(item: &syn::ItemMacro) -> Option<MacroRules> {
    if !item.mac.path.is_ident("macro_rules") {
        return None;
    }
    let name = item.ident.as_ref()?.to_compact_string();
    let exported = item
        .attrs
        .iter()
        .any(|attr| attr.path().is_ident("macro_export"));
    let (arms, writes_code) = definition_arms(&item.mac.tokens);
    // A macro whose arms all write items (impls, functions, types: most of a library's
    // macros) adds nothing to the function invoking it, whose nested items the walk skips.
    (writes_code && !arms.is_empty()).then_some(MacroRules {
        name,
        exported,
        arms,
    })
}

/// `(matcher) => { transcriber };` repeated; an arm whose matcher does not read is left out.
/// Also whether any arm writes something other than items.
fn definition_arms(tokens: &TokenStream) -> (Vec<MacroArm>, bool) {
    let mut arms = Vec::new();
    let mut writes_code = false;
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
        let matcher_tokens: Vec<TokenTree> = matcher.stream().into_iter().collect();
        writes_code |= !writes_items(&transcriber.stream());
        if let Some(matcher) = matcher_of(&matcher_tokens) {
            arms.push(MacroArm {
                matcher,
                transcriber: compact_text(&transcriber.stream()).into_boxed_str(),
            });
        }
        if is_punct(tokens.peek(), ';') {
            tokens.next();
        }
    }
    (arms, writes_code)
}

/// The tokens as text with a space only where two tokens would otherwise read as one
/// (`a b`, `= >`, `"s" x`): a workspace's definitions are kept together in memory.
fn compact_text(tokens: &TokenStream) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum Last {
        Nothing,
        Word,
        JoinedPunct,
        LonePunct,
    }
    fn write(tokens: &TokenStream, out: &mut String, last: &mut Last) {
        for token in tokens.clone() {
            match token {
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ('(', ')'),
                        Delimiter::Brace => ('{', '}'),
                        Delimiter::Bracket => ('[', ']'),
                        Delimiter::None => (' ', ' '),
                    };
                    out.push(open);
                    *last = Last::Nothing;
                    write(&group.stream(), out, last);
                    out.push(close);
                    *last = Last::Nothing;
                }
                TokenTree::Punct(punct) => {
                    let character = punct.as_char();
                    // `= >` is not `=>`; `r #x` is not `r#x`, nor `b 'a'` a byte.
                    if *last == Last::LonePunct
                        || (*last == Last::Word && matches!(character, '#' | '\''))
                    {
                        out.push(' ');
                    }
                    out.push(character);
                    *last = match punct.spacing() {
                        proc_macro2::Spacing::Joint => Last::JoinedPunct,
                        proc_macro2::Spacing::Alone => Last::LonePunct,
                    };
                }
                word => {
                    if *last == Last::Word {
                        out.push(' ');
                    }
                    out.push_str(&word.to_string());
                    *last = Last::Word;
                }
            }
        }
    }
    let mut out = String::new();
    write(tokens, &mut out, &mut Last::Nothing);
    out
}

/// Whether a transcriber starts with an item (or its attribute): `impl ..`, `pub fn ..`,
/// `#[derive(..)] struct ..`.
fn writes_items(transcriber: &TokenStream) -> bool {
    const ITEM_WORDS: &[&str] = &[
        "impl",
        "fn",
        "pub",
        "struct",
        "enum",
        "union",
        "mod",
        "use",
        "trait",
        "type",
        "extern",
        "macro_rules",
        "static",
    ];
    let mut tokens = transcriber.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(TokenTree::Ident(word)), _) if ITEM_WORDS.iter().any(|item| word == item) => true,
        (Some(TokenTree::Ident(word)), Some(TokenTree::Ident(next)))
            if word == "unsafe" && (next == "impl" || next == "fn" || next == "trait") =>
        {
            true
        }
        (Some(TokenTree::Punct(hash)), Some(TokenTree::Group(_))) => hash.as_char() == '#',
        _ => false,
    }
}

fn is_punct(token: Option<&TokenTree>, character: char) -> bool {
    matches!(token, Some(TokenTree::Punct(punct)) if punct.as_char() == character)
}

/// The separator and the operator after `$( .. )`, and how many tokens they took.
fn repetition_tail(rest: &[TokenTree]) -> Option<(Option<CompactString>, char, usize)> {
    let operator = |token: Option<&TokenTree>| match token {
        Some(TokenTree::Punct(punct)) if matches!(punct.as_char(), '*' | '+' | '?') => {
            Some(punct.as_char())
        }
        _ => None,
    };
    if let Some(op) = operator(rest.first()) {
        return Some((None, op, 1));
    }
    let separator = rest.first()?.to_compact_string();
    let op = operator(rest.get(1))?;
    Some((Some(separator), op, 2))
}

fn group_delimiter(delimiter: Delimiter) -> GroupDelimiter {
    match delimiter {
        Delimiter::Parenthesis => GroupDelimiter::Parenthesis,
        Delimiter::Brace => GroupDelimiter::Brace,
        Delimiter::Bracket => GroupDelimiter::Bracket,
        Delimiter::None => GroupDelimiter::None,
    }
}

fn matcher_of(tokens: &[TokenTree]) -> Option<Vec<MatcherPiece>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(token) = tokens.get(at) {
        if is_punct(Some(token), '$') {
            match (tokens.get(at + 1), tokens.get(at + 2), tokens.get(at + 3)) {
                (Some(TokenTree::Ident(name)), colon, Some(TokenTree::Ident(kind)))
                    if is_punct(colon, ':') =>
                {
                    out.push(MatcherPiece::Fragment {
                        name: name.to_compact_string(),
                        kind: kind.to_compact_string(),
                    });
                    at += 4;
                    continue;
                }
                (Some(TokenTree::Group(group)), _, _)
                    if group.delimiter() == Delimiter::Parenthesis =>
                {
                    let inner = matcher_of(&group.stream().into_iter().collect::<Vec<_>>())?;
                    let (separator, operator, taken) = repetition_tail(&tokens[at + 2..])?;
                    out.push(MatcherPiece::Repetition {
                        pieces: inner,
                        separator,
                        operator,
                    });
                    at += 2 + taken;
                    continue;
                }
                _ => {}
            }
        }
        match token {
            TokenTree::Group(group) => {
                let inner = matcher_of(&group.stream().into_iter().collect::<Vec<_>>())?;
                out.push(MatcherPiece::Group(
                    group_delimiter(group.delimiter()),
                    inner,
                ));
            }
            other => out.push(MatcherPiece::Token(other.to_compact_string())),
        }
        at += 1;
    }
    Some(out)
}

/// The body with the invocations it writes of `macros` expanded and walked in place of
/// their arguments; `None` when none of them expands.
pub(crate) fn expand_body(
    body: &BodySummary,
    macros: &VisibleMacros,
    hints: &WalkHints,
) -> Option<BodySummary> {
    let invocations = body.written_macros.as_deref()?;
    let mut expanded: Option<BodySummary> = None;
    let mut expansions_left = MAX_EXPANSIONS_PER_BODY;
    // The last first: what an expansion gives is laid out past its invocation, so an
    // earlier invocation's place among the body's lists is still read from the positions
    // written in the file.
    for invocation in invocations.iter().rev() {
        if expansions_left == 0 {
            break;
        }
        if !macros.contains_key(&invocation.name) {
            continue;
        }
        let text = placed_text(invocation);
        let walked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let tokens = TokenStream::from_str(&text).ok()?;
            let node: syn::Macro = syn::parse2(tokens).ok()?;
            walk_invocation(
                &node,
                invocation.statement,
                invocation.scope,
                hints,
                macros,
                &mut expansions_left,
            )
        }));
        // The tokens read here are gone: their places are not needed any more.
        crate::index::spans::forget_long_chains();
        proc_macro2::extra::invalidate_current_thread_spans();
        if let Ok(Some(walked)) = walked {
            splice(
                expanded.get_or_insert_with(|| body.clone()),
                walked,
                invocation.range,
            );
        }
    }
    expanded.map(|mut expanded| {
        expanded.shrink_to_fit();
        expanded
    })
}

/// The invocation's text at its place in the file: as many line breaks and spaces before it.
fn placed_text(invocation: &WrittenInvocation) -> String {
    let start = invocation.range.start;
    let lines = start.line.saturating_sub(1) as usize;
    let columns = start.column.saturating_sub(1) as usize;
    let mut text = String::with_capacity(lines + columns + invocation.text.len());
    text.extend(std::iter::repeat_n('\n', lines));
    text.extend(std::iter::repeat_n(' ', columns));
    text.push_str(&invocation.text);
    text
}

/// Puts what an expansion gave in place of what the invocation's arguments gave: what starts
/// inside the invocation is replaced (the invocation's own macro use stays), in the order
/// the walk would have met it.
fn splice(body: &mut BodySummary, expansion: BodySummary, invocation: TextRange) {
    let inside = |start: Position| invocation.start <= start && start < invocation.end;
    splice_list(
        &mut body.locals,
        expansion.locals,
        invocation.start,
        inside,
        |local| local.scope.start,
    );
    splice_list(
        &mut body.calls,
        expansion.calls,
        invocation.start,
        inside,
        |call| call.range.start,
    );
    splice_list(
        &mut body.loops,
        expansion.loops,
        invocation.start,
        inside,
        |each| each.range.start,
    );
    splice_list(
        &mut body.assignments,
        expansion.assignments,
        invocation.start,
        inside,
        |assignment| assignment.range.start,
    );
    splice_list(
        &mut body.comparisons,
        expansion.comparisons,
        invocation.start,
        inside,
        |comparison| comparison.range.start,
    );
    splice_list(
        &mut body.exits,
        expansion.exits,
        invocation.start,
        inside,
        |exit| exit.range.start,
    );
    splice_list(
        &mut body.error_arms,
        expansion.error_arms,
        invocation.start,
        inside,
        |arm| arm.range.start,
    );
    splice_list(
        &mut body.macros,
        expansion.macros,
        invocation.start,
        inside,
        |macro_use| {
            if macro_use.range == invocation {
                // The invocation itself: kept where it is.
                Position::default()
            } else {
                macro_use.range.start
            }
        },
    );
    splice_list(
        &mut body.closures,
        expansion.closures,
        invocation.start,
        inside,
        |closure| closure.start,
    );
    splice_list(
        &mut body.struct_literals,
        expansion.struct_literals,
        invocation.start,
        inside,
        |literal| literal.range.start,
    );
    splice_list(
        &mut body.discards,
        expansion.discards,
        invocation.start,
        inside,
        |discard| discard.start,
    );
    splice_list(
        &mut body.awaits,
        expansion.awaits,
        invocation.start,
        inside,
        |await_site| await_site.value.start,
    );
    splice_list(
        &mut body.branchings,
        expansion.branchings,
        invocation.start,
        inside,
        |branching| branching.tested.start,
    );
    splice_list(
        &mut body.kept_literals,
        expansion.kept_literals,
        invocation.start,
        inside,
        |literal| literal.range.start,
    );
}

fn splice_list<T>(
    list: &mut Vec<T>,
    replacement: Vec<T>,
    invocation_start: Position,
    inside: impl Fn(Position) -> bool,
    start_of: impl Fn(&T) -> Position,
) {
    list.retain(|item| !inside(start_of(item)));
    // Where the walk would have met it: before what is written after the invocation.
    let at = list
        .iter()
        .position(|item| invocation_start <= start_of(item))
        .unwrap_or(list.len());
    list.splice(at..at, replacement);
}

#[cfg(test)]
mod tests {
    use proc_macro2::LineColumn;

    use super::*;

    fn macros_of(source: &str) -> Vec<VisibleMacro> {
        let Ok(file) = syn::parse_file(source) else {
            return Vec::new();
        };
        file.items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Macro(item_macro) => macro_rules_of(item_macro),
                _ => None,
            })
            .map(|rules| VisibleMacro {
                rules: Arc::new(rules),
                crate_path: "crate".into(),
            })
            .collect()
    }

    fn expanded(macros: &[VisibleMacro], name: &str, input: &str) -> Option<String> {
        let input = TokenStream::from_str(input).ok()?;
        let definitions: Vec<VisibleMacro> = macros
            .iter()
            .filter(|each| each.rules.name == name)
            .cloned()
            .collect();
        expand(&definitions, &input, LineColumn { line: 1, column: 0 })
            .map(|tokens| tokens.to_string())
    }

    #[test]
    fn the_first_arm_that_matches_is_substituted() {
        let macros = macros_of(
            "macro_rules! pick {
                (add, $conn:expr, $id:expr) => {{ update($id).set(n + 1).execute($conn) }};
                (set, $conn:expr, $id:expr) => {{ update($id).set(0).execute($conn) }};
                (each $($word:ident),+ ; $conn:expr) => { $( pick!($word, $conn, 1); )+ };
                (at $id:expr) => { $crate::jobs::find($id) };
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
        assert_eq!(
            expanded(&macros, "pick", "at 7").as_deref(),
            Some("crate :: jobs :: find (7)")
        );
        assert_eq!(expanded(&macros, "pick", "remove, conn, id"), None);
        assert_eq!(expanded(&macros, "other", "set, conn, id"), None);
    }

    #[test]
    fn definitions_keep_their_name_export_and_arms() {
        let macros = macros_of(
            "#[macro_export]
            macro_rules! shared { () => {}; ($x:expr) => { $x } }
            macro_rules! private { (a) => { 1 } }
            macro_rules! items { ($t:ty) => { impl Tr for $t {} }; ($t:ty, pub) => { #[doc = \"\"] pub struct $t; } }
            other_macro! { (a) => { 1 } }",
        );
        let kept: Vec<(&str, bool, usize)> = macros
            .iter()
            .map(|each| {
                (
                    each.rules.name.as_str(),
                    each.rules.exported,
                    each.rules.arms.len(),
                )
            })
            .collect();
        assert_eq!(kept, vec![("shared", true, 2), ("private", false, 1)]);
    }

    #[test]
    fn compact_text_reads_back_as_the_same_tokens() {
        let source = "let x = a => b; r # c; 'a: loop {} b 'x' \"s\" y; 1 . max(2); $crate::m!(); x..=y; &'a T; #[doc = \"d\"] -1";
        let tokens = TokenStream::from_str(source).unwrap_or_default();
        let compact = compact_text(&tokens);
        let again = TokenStream::from_str(&compact).unwrap_or_default();
        assert_eq!(again.to_string(), tokens.to_string());
        assert!(compact.len() < tokens.to_string().len());
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
