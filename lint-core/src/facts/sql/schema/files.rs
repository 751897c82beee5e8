//! Reading the files of a schema: SQL split into statements; the SQL literals of a Rust
//! migration and the `table!` macros of diesel's `schema.rs`, as the one walk of the index
//! kept them in the file's summary; and the order of migrations.

use std::path::Path;

use sqlparser::ast::Statement;
use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::super::table_name;
use crate::facts::contract_files::SchemaSource;
use crate::index::{FileSummary, GroupDelimiter, TokenSummary};
use crate::knowledge::sql::{SqlLibrary, SCHEMA_CHANGING_WORDS};
use crate::location::Position;

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

/// The SQL literals of a Rust migration that change the schema, in the order written: those
/// the walk kept in its functions' bodies, and the constants and statics that hold one.
pub(super) fn sql_literals(summary: &FileSummary) -> Vec<String> {
    let mut literals: Vec<(Position, String)> = Vec::new();
    for module in &summary.modules {
        let bodies = module
            .fns
            .iter()
            .chain(
                module
                    .impls
                    .iter()
                    .flat_map(|implementation| &implementation.methods),
            )
            .map(|function| &function.body);
        for body in bodies {
            literals.extend(
                body.kept_literals
                    .iter()
                    .map(|literal| (literal.range.start, literal.text.to_string())),
            );
        }
        for constant in &module.statics {
            literals.extend(
                constant
                    .init_mentions
                    .literals()
                    .filter(|text| changes_schema(text))
                    .map(|text| (constant.range.start, text.to_string())),
            );
        }
    }
    literals.sort_by_key(|(at, _)| (at.line, at.column));
    literals.into_iter().map(|(_, text)| text).collect()
}

fn changes_schema(text: &str) -> bool {
    let head = text.trim_start();
    SCHEMA_CHANGING_WORDS.iter().any(|word| {
        head.get(..word.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(word))
    })
}

/// The tables a schema file declares with a library's table macro (diesel's `table!`, kept
/// by the walk): name, primary key columns, columns.
pub(super) fn macro_tables(
    summary: &FileSummary,
    libraries: &[SqlLibrary],
) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for kept in &summary.token_macros {
        let Some(shape) = libraries
            .iter()
            .filter_map(|library| library.tables.as_ref())
            .map(|tables| &tables.schema)
            .find(|shape| kept.path.last().is_some_and(|last| *last == shape.name))
        else {
            continue;
        };
        let tokens = &kept.tokens;
        let mut position = 0;
        let mut sql_name: Option<String> = None;
        let mut name: Option<String> = None;
        let mut primary_key: Vec<String> = Vec::new();
        while position < tokens.len() {
            match &tokens[position] {
                // `#[sql_name = "users"]` and other attributes.
                TokenSummary::Punct('#') => {
                    if let Some(TokenSummary::Group(_, inner)) = tokens.get(position + 1) {
                        if let (
                            Some(TokenSummary::Ident(key)),
                            Some(TokenSummary::Literal(value)),
                        ) = (inner.first(), inner.get(2))
                        {
                            if *key == shape.name_attribute {
                                sql_name = Some(value.trim_matches('"').to_string());
                            }
                        }
                    }
                    position += 2;
                }
                // `use diesel::sql_types::*;`
                TokenSummary::Ident(ident) if ident == "use" => {
                    while position < tokens.len()
                        && !matches!(&tokens[position], TokenSummary::Punct(';'))
                    {
                        position += 1;
                    }
                    position += 1;
                }
                TokenSummary::Ident(ident) => {
                    name = Some(ident.to_string());
                    position += 1;
                }
                TokenSummary::Group(GroupDelimiter::Parenthesis, inner) => {
                    primary_key = inner
                        .iter()
                        .filter_map(|token| match token {
                            TokenSummary::Ident(ident) => Some(ident.as_str().to_ascii_lowercase()),
                            _ => None,
                        })
                        .collect();
                    position += 1;
                }
                TokenSummary::Group(GroupDelimiter::Brace, body) => {
                    // `id -> Uuid,`: a column is an identifier followed by `->`.
                    let columns = body
                        .windows(2)
                        .filter_map(|pair| match pair {
                            [TokenSummary::Ident(column), TokenSummary::Punct('-')] => {
                                Some(column.trim_start_matches("r#").to_ascii_lowercase())
                            }
                            _ => None,
                        })
                        .collect::<Vec<_>>();
                    if let Some(table) = sql_name.take().or_else(|| name.take()) {
                        let primary = if primary_key.is_empty() {
                            shape.default_primary_key.clone()
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
