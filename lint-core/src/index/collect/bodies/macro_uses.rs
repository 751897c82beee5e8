//! Macros in a body: each invocation kept with what the facts read of it (the SQL text of
//! `query!`, a `format!` that may be SQL or a key, the file an `include_str!` names), and
//! the arguments of an unknown macro or the arms of `select!` visited as code.

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};

use super::super::macro_rules::{expand, VisibleMacros, MAX_EXPANSION_DEPTH};
use super::super::macros::{macro_statements, select_arms, MacroCode};
use super::super::path_segments;
use super::super::WalkHints;
use super::BodyCollector;
use crate::index::spans::{expr_range, macro_range, macro_span};
use crate::index::summary::*;
use crate::location::TextRange;

/// Walks the expansion of an invocation (read again at its place in the file) inside
/// `statement` and `scope`, with `macros` visible: what it gives as the function's code, or
/// `None` when no arm of theirs matches.
pub(crate) fn walk_invocation(
    node: &syn::Macro,
    statement: TextRange,
    scope: TextRange,
    hints: &WalkHints,
    macros: &VisibleMacros,
    expansions_left: &mut usize,
) -> Option<BodySummary> {
    let mut collector = BodyCollector::new(hints);
    collector.macros = Some(macros);
    collector.expansions_left = *expansions_left;
    collector.scopes.push(scope);
    collector.statements.push(statement);
    let expanded = collector.visit_expansion(node);
    *expansions_left = collector.expansions_left;
    expanded.then_some(collector.summary)
}

impl BodyCollector<'_> {
    /// A macro invocation: kept with the literals and names the facts read, the file an
    /// `include_str!` names, and its arguments visited as code where they are code.
    pub(super) fn record_macro(&mut self, node: &syn::Macro) {
        let path = path_segments(&node.path);
        let (mut literals, mut names, mut argument_starts) = if path
            .last()
            .is_some_and(|last| self.hints.literal_macros.iter().any(|name| name == last))
        {
            macro_arguments(&node.tokens)
        } else {
            (Vec::new(), Vec::new(), Vec::new())
        };
        // `format!` is everywhere; its text is kept only when it may be SQL or a key's
        // name, so that summaries of a whole workspace stay small.
        if path.last().is_some_and(|last| last == "format")
            && !literals
                .first()
                .is_some_and(|text| may_be_sql_or_key(text, &self.hints.kept_format_words))
        {
            literals = Vec::new();
            names = Vec::new();
            argument_starts = Vec::new();
        }
        if !self.hints.kept_literal_heads.is_empty() {
            // `format!("CREATE ..")`, `indoc!(..)`: literals at the top of its arguments.
            for token in node.tokens.clone() {
                if let TokenTree::Literal(literal) = token {
                    if let syn::Lit::Str(string) = syn::Lit::new(literal) {
                        self.keep_literal(&string);
                    }
                }
            }
        }
        let is_literal_macro = !literals.is_empty()
            || path
                .last()
                .is_some_and(|last| self.hints.literal_macros.iter().any(|name| name == last));
        let kind = path.last().map(|last| {
            if self.hints.select_macros.iter().any(|name| name == last) {
                MacroCode::SelectArms
            } else if is_literal_macro
                || self.hints.macros_not_code.iter().any(|name| name == last)
                // A schema file's walk keeps literals, not code.
                || !self.hints.kept_literal_heads.is_empty()
            {
                MacroCode::NotCode
            } else {
                MacroCode::Unknown
            }
        });
        // `include_str!("toplevel.sql")`, alone or as the template of a `format!`: the file
        // is named for the analysis to read.
        let includes = path.last().is_some_and(|last| last == INCLUDE_TEXT_MACRO);
        let included_file = if includes {
            macro_arguments(&node.tokens).0.into_iter().next()
        } else {
            included_template(&node.tokens)
        }
        .filter(|file| self.includes_text_of(file));
        if let Some(file) = included_file {
            self.summary.macros.push(MacroUse {
                path: vec![INCLUDE_TEXT_MACRO.into()],
                range: macro_range(node),
                literals: vec![file],
                names: Vec::new(),
                argument_starts: Vec::new(),
                included: None,
            });
        }
        // `sqlx::query_file_as!(Row, "queries/unread.sql", id)`: the file is named for the
        // analysis to read, from the crate's folder.
        if path
            .last()
            .is_some_and(|last| self.hints.file_query_macros.iter().any(|name| name == last))
        {
            if let Some(file) = macro_arguments(&node.tokens)
                .0
                .into_iter()
                .next()
                .filter(|file| self.includes_text_of(file))
            {
                self.summary.macros.push(MacroUse {
                    path: vec![CRATE_QUERY_FILE.into()],
                    range: macro_range(node),
                    literals: vec![file],
                    names: Vec::new(),
                    argument_starts: Vec::new(),
                    included: None,
                });
            }
        }
        if !(includes
            && self
                .summary
                .macros
                .last()
                .is_some_and(|last| last.is_include() && last.range == macro_range(node)))
        {
            self.summary.macros.push(MacroUse {
                path,
                range: macro_range(node),
                literals,
                names,
                argument_starts,
                included: None,
            });
        }
        visit::visit_macro(self, node);
        match kind {
            Some(MacroCode::SelectArms) => self.visit_select_arms(&node.tokens),
            Some(MacroCode::Unknown) if self.macros.is_some() => {
                if !self.visit_expansion(node) {
                    self.visit_macro_code(&node.tokens)
                }
            }
            Some(MacroCode::Unknown) => {
                if self.macro_depth == 0 {
                    self.write_down(node);
                }
                self.visit_macro_code(&node.tokens)
            }
            Some(MacroCode::NotCode) | None => {}
        }
    }

    /// Keeps an unknown macro's invocation as written, for a workspace `macro_rules!` of its
    /// name to expand when a handler's path needs this function.
    fn write_down(&mut self, node: &syn::Macro) {
        let (Some(name), Some(text)) = (
            node.path.segments.last(),
            macro_span(node).and_then(|span| span.source_text()),
        ) else {
            return;
        };
        let range = macro_range(node);
        let invocation = WrittenInvocation {
            name: name.ident.to_compact_string(),
            range,
            statement: self.statements.last().copied().unwrap_or(range),
            scope: self.scopes.last().copied().unwrap_or(range),
            text: text.into_boxed_str(),
        };
        self.summary
            .written_macros
            .get_or_insert_with(Default::default)
            .push(invocation);
    }

    /// A workspace `macro_rules!` invoked here: the arm that matches, substituted, visited
    /// as the function's code; the arm's own tokens point at the invocation. False when no
    /// visible definition of that name matches, or the bounds are reached.
    fn visit_expansion(&mut self, node: &syn::Macro) -> bool {
        let Some(macros) = self.macros else {
            return false;
        };
        let Some(definitions) = node
            .path
            .segments
            .last()
            .and_then(|last| macros.get(last.ident.to_compact_string().as_str()))
        else {
            return false;
        };
        if self.expansions.len() >= MAX_EXPANSION_DEPTH || self.expansions_left == 0 {
            return false;
        }
        self.expansions_left -= 1;
        let range = macro_range(node);
        let end = match &node.delimiter {
            syn::MacroDelimiter::Paren(paren) => paren.span.close(),
            syn::MacroDelimiter::Brace(brace) => brace.span.close(),
            syn::MacroDelimiter::Bracket(bracket) => bracket.span.close(),
        }
        .end();
        let Some(expanded) = expand(definitions, &node.tokens, end) else {
            return false;
        };
        let Some(statements) = macro_statements(&expanded) else {
            return false;
        };
        let written = self.written_range(range);
        self.expansions.push(written);
        self.statements.push(written);
        for statement in &statements {
            self.visit_stmt(statement);
        }
        self.statements.pop();
        self.expansions.pop();
        crate::index::spans::forget_long_chains();
        true
    }

    /// Whether the text of an included file is read: its extension is hinted.
    fn includes_text_of(&self, file: &str) -> bool {
        std::path::Path::new(file)
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(|extension| {
                self.hints
                    .included_text_extensions
                    .iter()
                    .any(|kept| kept.eq_ignore_ascii_case(extension))
            })
    }

    /// An unknown macro's arguments, when they parse as statements or as expressions (a
    /// per-database dispatch macro holding diesel calls, `tokio::join!(a, b)`): visited as
    /// the code they are, so that their calls, writes and loops are the function's. Their
    /// tokens keep their places in the file, so findings point into them.
    fn visit_macro_code(&mut self, tokens: &TokenStream) {
        let Some(statements) = macro_statements(tokens) else {
            return;
        };
        self.macro_depth += 1;
        for statement in &statements {
            self.visit_stmt(statement);
        }
        self.macro_depth -= 1;
        // The walk remembered nodes of this tree by address; it is dropped now.
        crate::index::spans::forget_long_chains();
    }

    /// `tokio::select! { Some(msg) = rx.recv() => { handle(msg).await } .. }`: each arm's
    /// future, guard and body visited as code, its pattern's binding typed as what the
    /// future gives.
    fn visit_select_arms(&mut self, tokens: &TokenStream) {
        let Ok(arms) = syn::parse::Parser::parse2(select_arms, tokens.clone()) else {
            return;
        };
        for arm in &arms {
            if let Some(future) = &arm.future {
                // The future is where a finding on it points: a statement of its own.
                self.statements.push(expr_range(future));
                self.visit_expr(future);
                self.statements.pop();
                if let Some(pattern) = &arm.pattern {
                    self.bind_unwrapped(pattern, future, expr_range(&arm.body));
                }
            }
            if let Some(guard) = &arm.guard {
                self.visit_expr(guard);
            }
            self.statements.push(expr_range(&arm.body));
            self.visit_expr(&arm.body);
            self.statements.pop();
        }
        crate::index::spans::forget_long_chains();
    }
}

/// Text that starts like a SQL statement, or names an idempotency key or inbox, or an
/// outcome (`/refund`, `failed`) that an error path records.
fn may_be_sql_or_key(text: &str, kept_words: &[String]) -> bool {
    let start = text.trim_start();
    let head: CompactString = start
        .chars()
        .take(7)
        .collect::<CompactString>()
        .to_ascii_uppercase();
    [
        "INSERT", "UPDATE", "DELETE", "SELECT", "WITH", "MERGE", "REPLACE", "UPSERT",
    ]
    .iter()
    .any(|keyword| head.starts_with(keyword))
        || {
            let lowered = text.to_ascii_lowercase();
            kept_words
                .iter()
                .any(|word| lowered.contains(word.as_str()))
        }
}

/// The string literals (unquoted, raw strings too) and the identifiers at the top level of
/// a macro's arguments.
/// Also where each argument after the first begins among the identifiers.
/// `format!(include_str!("toplevel.sql"), ..)`: the file a macro's first argument
/// includes.
fn included_template(tokens: &TokenStream) -> Option<CompactString> {
    let mut tokens = tokens.clone().into_iter();
    match (tokens.next()?, tokens.next()?, tokens.next()?) {
        (TokenTree::Ident(name), TokenTree::Punct(bang), TokenTree::Group(arguments))
            if name == INCLUDE_TEXT_MACRO && bang.as_char() == '!' =>
        {
            macro_arguments(&arguments.stream()).0.into_iter().next()
        }
        _ => None,
    }
}

fn macro_arguments(tokens: &TokenStream) -> (Vec<CompactString>, Vec<CompactString>, Vec<u16>) {
    let mut literals = Vec::new();
    let mut names = Vec::new();
    let mut argument_starts = Vec::new();
    for token in tokens.clone() {
        match token {
            TokenTree::Punct(punct) if punct.as_char() == ',' => {
                argument_starts.push(u16::try_from(names.len()).unwrap_or(u16::MAX))
            }
            TokenTree::Literal(literal) => {
                if let syn::Lit::Str(string) = syn::Lit::new(literal) {
                    literals.push(string.value().into());
                }
            }
            TokenTree::Ident(ident) => names.push(ident.to_compact_string()),
            TokenTree::Group(group) => {
                // `Uuid::new_v4()`, `&[a, b]`: identifiers inside count for the argument.
                let (_, inner, _) = macro_arguments(&group.stream());
                names.extend(inner);
            }
            _ => {}
        }
    }
    (literals, names, argument_starts)
}
