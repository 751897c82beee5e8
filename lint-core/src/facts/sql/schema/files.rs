//! Reading the files of a schema: SQL split into statements, the SQL literals of a Rust
//! migration, the `table!` macros of diesel's `schema.rs`, and the order of migrations.

use std::path::Path;

use sqlparser::ast::Statement;
use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::super::table_name;
use super::SchemaSource;

/// The statements of a SQL text, each parsed on its own (`None` for one that does not
/// parse): the text is tokenized once, with dollar-quoted bodies kept whole, and split at
/// its semicolons.
pub(super) fn statements(text: &str) -> Vec<Option<Statement>> {
    let dialects: [&dyn Dialect; 4] = [
        &PostgreSqlDialect {},
        &MySqlDialect {},
        &SQLiteDialect {},
        &GenericDialect {},
    ];
    for (position, dialect) in dialects.iter().enumerate() {
        let Ok(tokens) = Tokenizer::new(*dialect, text).tokenize() else {
            continue;
        };
        let mut out = Vec::new();
        for chunk in tokens.split(|token| *token == Token::SemiColon) {
            let meaningful = chunk
                .iter()
                .any(|token| !matches!(token, Token::Whitespace(_)));
            if !meaningful {
                continue;
            }
            let parsed =
                Parser::new(*dialect)
                    .with_tokens(chunk.to_vec())
                    .parse_statement()
                    .ok()
                    .or_else(|| {
                        // Another dialect may read what this one does not (`AUTO_INCREMENT`,
                        // backquotes): the statement's text is tried with the others.
                        let chunk_text: String = chunk.iter().map(ToString::to_string).collect();
                        dialects
                            .iter()
                            .enumerate()
                            .filter(|(other, _)| *other != position)
                            .find_map(|(_, other)| {
                                Parser::parse_sql(*other, &chunk_text).ok().and_then(
                                    |mut parsed| (parsed.len() == 1).then(|| parsed.remove(0)),
                                )
                            })
                    });
            out.push(parsed);
        }
        return out;
    }
    vec![None]
}

/// The SQL literals of a Rust migration that change the schema, in the order written.
pub(super) fn sql_literals(text: &str) -> Vec<String> {
    use syn::visit::Visit;
    struct Literals(Vec<String>);
    impl<'ast> Visit<'ast> for Literals {
        fn visit_lit_str(&mut self, literal: &'ast syn::LitStr) {
            let value = literal.value();
            let head = value.trim_start().to_ascii_uppercase();
            if ["CREATE", "ALTER", "DROP"]
                .iter()
                .any(|keyword| head.starts_with(keyword))
            {
                self.0.push(value);
            }
        }
        fn visit_macro(&mut self, node: &'ast syn::Macro) {
            // `format!("CREATE ..")`, `indoc!(..)`: literals inside macro arguments.
            for token in node.tokens.clone() {
                if let proc_macro2::TokenTree::Literal(literal) = token {
                    if let Ok(string) = syn::parse2::<syn::LitStr>(literal.into_token_stream()) {
                        self.visit_lit_str(&string);
                    }
                }
            }
        }
    }
    use quote::ToTokens;
    let Ok(file) = syn::parse_file(text) else {
        return Vec::new();
    };
    let mut literals = Literals(Vec::new());
    literals.visit_file(&file);
    literals.0
}

/// The tables of a diesel `schema.rs`: name, primary key columns, columns.
pub(super) fn diesel_tables(text: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    use proc_macro2::{Delimiter, TokenTree};
    use syn::visit::Visit;
    struct TableMacros(Vec<proc_macro2::TokenStream>);
    impl<'ast> Visit<'ast> for TableMacros {
        fn visit_macro(&mut self, node: &'ast syn::Macro) {
            if node
                .path
                .segments
                .last()
                .is_some_and(|last| last.ident == "table")
            {
                self.0.push(node.tokens.clone());
            }
        }
    }
    let Ok(file) = syn::parse_file(text) else {
        return Vec::new();
    };
    let mut macros = TableMacros(Vec::new());
    macros.visit_file(&file);
    let mut out = Vec::new();
    for tokens in macros.0 {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut position = 0;
        let mut sql_name: Option<String> = None;
        let mut name: Option<String> = None;
        let mut primary_key: Vec<String> = Vec::new();
        while position < tokens.len() {
            match &tokens[position] {
                // `#[sql_name = "users"]` and other attributes.
                TokenTree::Punct(punct) if punct.as_char() == '#' => {
                    if let Some(TokenTree::Group(group)) = tokens.get(position + 1) {
                        let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                        if let (Some(TokenTree::Ident(key)), Some(TokenTree::Literal(value))) =
                            (inner.first(), inner.get(2))
                        {
                            if key == "sql_name" {
                                sql_name = Some(value.to_string().trim_matches('"').to_string());
                            }
                        }
                    }
                    position += 2;
                }
                // `use diesel::sql_types::*;`
                TokenTree::Ident(ident) if ident == "use" => {
                    while position < tokens.len()
                        && !matches!(&tokens[position], TokenTree::Punct(punct) if punct.as_char() == ';')
                    {
                        position += 1;
                    }
                    position += 1;
                }
                TokenTree::Ident(ident) => {
                    name = Some(ident.to_string());
                    position += 1;
                }
                TokenTree::Group(group) if group.delimiter() == Delimiter::Parenthesis => {
                    primary_key = group
                        .stream()
                        .into_iter()
                        .filter_map(|token| match token {
                            TokenTree::Ident(ident) => Some(ident.to_string().to_ascii_lowercase()),
                            _ => None,
                        })
                        .collect();
                    position += 1;
                }
                TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                    let body: Vec<TokenTree> = group.stream().into_iter().collect();
                    // `id -> Uuid,`: a column is an identifier followed by `->`.
                    let columns = body
                        .windows(2)
                        .filter_map(|pair| match pair {
                            [TokenTree::Ident(column), TokenTree::Punct(arrow)]
                                if arrow.as_char() == '-' =>
                            {
                                Some(
                                    column
                                        .to_string()
                                        .trim_start_matches("r#")
                                        .to_ascii_lowercase(),
                                )
                            }
                            _ => None,
                        })
                        .collect::<Vec<_>>();
                    if let Some(table) = sql_name.take().or_else(|| name.take()) {
                        let primary = if primary_key.is_empty() {
                            // diesel's default primary key is `id`.
                            vec!["id".to_string()]
                        } else {
                            std::mem::take(&mut primary_key)
                        };
                        out.push((table_name(&table), primary, columns));
                    }
                    name = None;
                    position += 1;
                }
                _ => position += 1,
            }
        }
    }
    out
}

/// Orders one folder's files: by the version each migration's name starts with
/// (`20240101120000_users.sql`, `2021-10-24-020751_create_follows/up.sql`,
/// `V12__accounts.sql`, sea-orm's `m20220101_000001_create_table.rs`), numerically, then by
/// path.
pub(super) fn migration_order(root: &str, source: &SchemaSource) -> (u128, String) {
    let relative = Path::new(&source.display_path)
        .strip_prefix(root)
        .unwrap_or(Path::new(&source.display_path))
        .to_string_lossy()
        .replace('\\', "/");
    // The component after `migrations/` (or the file's own name) carries the version.
    let parts: Vec<&str> = relative.split('/').collect();
    let named = parts
        .iter()
        .position(|part| part.starts_with("migration"))
        .and_then(|at| parts.get(at + 1))
        .or(parts.last())
        .copied()
        .unwrap_or_default();
    let trimmed = named.trim_start_matches(['V', 'v', 'U', 'u', 'm', 'M']);
    let digits: String = trimmed
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '_')
        .filter(char::is_ascii_digit)
        .take(38)
        .collect();
    (digits.parse().unwrap_or(u128::MAX), relative)
}
