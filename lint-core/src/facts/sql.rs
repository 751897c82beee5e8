//! SQL text, parsed with `sqlparser` rather than matched with patterns: what each statement
//! does to state, to which tables, and whether running it twice is the same as once.

use std::ops::ControlFlow;

use sqlparser::ast::{
    visit_expressions, visit_relations, Assignment, AssignmentTarget, BinaryOperator,
    ConflictTarget, Expr, FromTable, OnConflict, OnConflictAction, OnInsert, SetExpr, Statement,
    TableObject,
};
use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

/// What one SQL statement does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlStatement {
    pub kind: SqlKind,
    /// Tables written (for a write) or read (for a read), lowercased, schema removed.
    pub tables: Vec<String>,
    /// `SELECT .. FOR UPDATE` / `FOR SHARE`: the rows read are locked until the end of the
    /// transaction.
    pub locks: bool,
    /// `RETURNING ..`: the statement says what it did.
    pub returning: bool,
    /// The columns an `INSERT` names and its `ON CONFLICT (..)` target, lowercased: a
    /// conditional insert on `idempotency_key` claims a key in a business table.
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlKind {
    Select,
    Insert(Conflict),
    /// The columns set relative to their old value (`balance = balance - $1`).
    Update {
        relative: Vec<String>,
    },
    Delete,
    Merge,
    /// DDL, `SET`, `LOCK`, … : not a write to the data model.
    Other,
}

/// What an `INSERT` does when the row already exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// Nothing said: a duplicate is a second row, or an error.
    None,
    /// `ON CONFLICT DO NOTHING`, `INSERT IGNORE`, `INSERT OR IGNORE`: only the first wins.
    DoNothing,
    /// `ON CONFLICT DO UPDATE`, `ON DUPLICATE KEY UPDATE`, `REPLACE`: an upsert, relative
    /// when it adds to the existing row (`count = t.count + 1`).
    Update { relative: bool },
    /// `INSERT .. SELECT .. WHERE NOT EXISTS (..)`: inserted only when absent.
    WhereNotExists,
}

impl SqlStatement {
    pub fn is_write(&self) -> bool {
        !matches!(self.kind, SqlKind::Select | SqlKind::Other)
    }

    /// Running it twice leaves the same state as once.
    pub fn is_idempotent(&self) -> bool {
        match &self.kind {
            SqlKind::Select | SqlKind::Other | SqlKind::Delete | SqlKind::Merge => true,
            SqlKind::Update { relative } => relative.is_empty(),
            SqlKind::Insert(Conflict::None) => false,
            SqlKind::Insert(Conflict::Update { relative }) => !relative,
            SqlKind::Insert(Conflict::DoNothing | Conflict::WhereNotExists) => true,
        }
    }

    /// Only the first of two concurrent attempts takes effect, and the second can tell.
    pub fn is_conditional(&self) -> bool {
        matches!(
            self.kind,
            SqlKind::Insert(Conflict::DoNothing | Conflict::WhereNotExists)
        )
    }

    /// A short description for messages: `INSERT INTO orders`, `UPDATE accounts SET balance
    /// = balance ± ..`.
    pub fn describe(&self) -> String {
        let tables = self.tables.join(", ");
        match &self.kind {
            SqlKind::Select => format!("SELECT from {tables}"),
            SqlKind::Insert(Conflict::None) => format!("INSERT INTO {tables}"),
            SqlKind::Insert(Conflict::DoNothing) => {
                format!("INSERT INTO {tables} .. ON CONFLICT DO NOTHING")
            }
            SqlKind::Insert(Conflict::Update { relative: false }) => {
                format!("upsert INTO {tables}")
            }
            SqlKind::Insert(Conflict::Update { relative: true }) => {
                format!("upsert INTO {tables} adding to the existing row")
            }
            SqlKind::Insert(Conflict::WhereNotExists) => {
                format!("INSERT INTO {tables} .. WHERE NOT EXISTS")
            }
            SqlKind::Update { relative } if !relative.is_empty() => format!(
                "UPDATE {tables} SET {}",
                relative
                    .iter()
                    .map(|column| format!("{column} = {column} ± .."))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            SqlKind::Update { .. } => format!("UPDATE {tables}"),
            SqlKind::Delete => format!("DELETE FROM {tables}"),
            SqlKind::Merge => format!("MERGE INTO {tables}"),
            SqlKind::Other => "SQL statement".to_string(),
        }
    }
}

/// Parses SQL text into its statements; the error says why it could not be read.
pub fn parse(sql: &str) -> Result<Vec<SqlStatement>, String> {
    // sqlx's `query!` accepts type overrides in column aliases (`id as "id!"`) that every
    // dialect reads as quoted identifiers; placeholders differ by database, so the dialects
    // are tried in turn and the first that reads the text wins.
    let dialects: [&dyn Dialect; 4] = [
        &PostgreSqlDialect {},
        &MySqlDialect {},
        &SQLiteDialect {},
        &GenericDialect {},
    ];
    let mut first_error = None;
    for dialect in dialects {
        match Parser::parse_sql(dialect, sql) {
            Ok(statements) => return Ok(statements.iter().map(describe_statement).collect()),
            Err(error) => {
                first_error.get_or_insert_with(|| error.to_string());
            }
        }
    }
    Err(first_error.unwrap_or_else(|| "empty SQL".to_string()))
}

fn describe_statement(statement: &Statement) -> SqlStatement {
    match statement {
        Statement::Insert(insert) => {
            let conflict = if insert.ignore
                || matches!(insert.or, Some(sqlparser::ast::SqliteOnConflict::Ignore))
            {
                Conflict::DoNothing
            } else if insert.replace_into
                || matches!(insert.or, Some(sqlparser::ast::SqliteOnConflict::Replace))
            {
                Conflict::Update { relative: false }
            } else {
                match &insert.on {
                    Some(OnInsert::OnConflict(OnConflict {
                        action: OnConflictAction::DoNothing,
                        ..
                    })) => Conflict::DoNothing,
                    Some(OnInsert::OnConflict(OnConflict {
                        action: OnConflictAction::DoUpdate(update),
                        ..
                    })) => Conflict::Update {
                        relative: !relative_columns(&update.assignments).is_empty(),
                    },
                    Some(OnInsert::DuplicateKeyUpdate(assignments)) => Conflict::Update {
                        relative: !relative_columns(assignments).is_empty(),
                    },
                    _ if insert.source.as_deref().is_some_and(has_not_exists) => {
                        Conflict::WhereNotExists
                    }
                    _ => Conflict::None,
                }
            };
            let tables = match &insert.table {
                TableObject::TableName(name) => vec![table_name(&name.to_string())],
                _ => Vec::new(),
            };
            let mut columns: Vec<String> = insert
                .columns
                .iter()
                .map(|column| table_name(&column.to_string()))
                .collect();
            if let Some(OnInsert::OnConflict(OnConflict {
                conflict_target:
                    Some(ConflictTarget::Columns {
                        columns: target, ..
                    }),
                ..
            })) = &insert.on
            {
                columns.extend(
                    target
                        .iter()
                        .map(|column| column.value.to_ascii_lowercase()),
                );
            }
            SqlStatement {
                kind: SqlKind::Insert(conflict),
                tables,
                locks: false,
                returning: insert.returning.is_some(),
                columns,
            }
        }
        Statement::Update(update) => SqlStatement {
            kind: SqlKind::Update {
                relative: relative_columns(&update.assignments),
            },
            tables: vec![table_name(&update.table.relation.to_string())],
            locks: false,
            returning: update.returning.is_some(),
            columns: Vec::new(),
        },
        Statement::Delete(delete) => {
            let listed = match &delete.from {
                FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables) => tables,
            };
            let mut tables: Vec<String> = delete
                .tables
                .iter()
                .map(|name| table_name(&name.to_string()))
                .collect();
            if tables.is_empty() {
                tables = listed
                    .iter()
                    .map(|table| table_name(&table.relation.to_string()))
                    .collect();
            }
            SqlStatement {
                kind: SqlKind::Delete,
                tables,
                locks: false,
                returning: delete.returning.is_some(),
                columns: Vec::new(),
            }
        }
        Statement::Merge(merge) => SqlStatement {
            kind: SqlKind::Merge,
            tables: vec![table_name(&merge.table.to_string())],
            locks: false,
            returning: false,
            columns: Vec::new(),
        },
        Statement::Query(query) => {
            // A data-modifying CTE (`WITH moved AS (UPDATE ..) SELECT ..`) writes: the first
            // write inside it describes the statement.
            if let Some(with) = &query.with {
                for cte in &with.cte_tables {
                    if let SetExpr::Update(inner) | SetExpr::Delete(inner) = &*cte.query.body {
                        return describe_statement(inner);
                    }
                    if let SetExpr::Insert(inner) = &*cte.query.body {
                        return describe_statement(inner);
                    }
                }
            }
            SqlStatement {
                kind: SqlKind::Select,
                tables: relations(statement),
                locks: !query.locks.is_empty(),
                returning: false,
                columns: Vec::new(),
            }
        }
        _ => SqlStatement {
            kind: SqlKind::Other,
            tables: Vec::new(),
            locks: false,
            returning: false,
            columns: Vec::new(),
        },
    }
}

fn relations(statement: &Statement) -> Vec<String> {
    let mut tables = Vec::new();
    let _ = visit_relations(statement, |relation| {
        let name = table_name(&relation.to_string());
        if !tables.contains(&name) {
            tables.push(name);
        }
        ControlFlow::<()>::Continue(())
    });
    tables
}

/// `public.Orders` and `"orders"` are `orders`.
fn table_name(written: &str) -> String {
    let last = written.rsplit('.').next().unwrap_or(written);
    last.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']')
        .to_ascii_lowercase()
}

/// The columns assigned arithmetic on their own old value (`balance = balance - $1`,
/// `n = t.n + 1`, `log = log || $1`). `coalesce($1, col)` keeps or replaces the value: the
/// same twice as once.
fn relative_columns(assignments: &[Assignment]) -> Vec<String> {
    assignments
        .iter()
        .filter_map(|assignment| {
            let AssignmentTarget::ColumnName(target) = &assignment.target else {
                return None;
            };
            let column = target
                .0
                .last()
                .map(|part| part.to_string().to_ascii_lowercase())?;
            let mut relative = false;
            let _ = visit_expressions(&assignment.value, |expr: &Expr| {
                if let Expr::BinaryOp { left, op, right } = expr {
                    let accumulates = matches!(
                        op,
                        BinaryOperator::Plus
                            | BinaryOperator::Minus
                            | BinaryOperator::Multiply
                            | BinaryOperator::Divide
                            | BinaryOperator::Modulo
                            | BinaryOperator::StringConcat
                    );
                    if accumulates && (is_column(left, &column) || is_column(right, &column)) {
                        relative = true;
                        return ControlFlow::Break(());
                    }
                }
                ControlFlow::Continue(())
            });
            relative.then_some(column)
        })
        .collect()
}

/// The expression reads the old value of `column` (`excluded.column` is the new one).
fn is_column(expr: &Expr, column: &str) -> bool {
    match expr {
        Expr::Nested(inner) => is_column(inner, column),
        Expr::Identifier(ident) => ident.value.eq_ignore_ascii_case(column),
        Expr::CompoundIdentifier(parts) => {
            let is_excluded = parts
                .first()
                .is_some_and(|first| first.value.eq_ignore_ascii_case("excluded"));
            !is_excluded
                && parts
                    .last()
                    .is_some_and(|part| part.value.eq_ignore_ascii_case(column))
        }
        _ => false,
    }
}

fn has_not_exists(query: &sqlparser::ast::Query) -> bool {
    let mut found = false;
    let _ = visit_expressions(query, |expr: &Expr| {
        if matches!(expr, Expr::Exists { negated: true, .. }) {
            found = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(sql: &str) -> SqlStatement {
        let statements = parse(sql).unwrap_or_else(|error| panic!("{sql}: {error}"));
        assert_eq!(statements.len(), 1, "{sql}");
        statements
            .into_iter()
            .next()
            .unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn a_relative_update_is_not_idempotent() {
        let debit = one("UPDATE accounts SET balance = balance - $1 WHERE id = $2");
        assert_eq!(
            debit.kind,
            SqlKind::Update {
                relative: vec!["balance".to_string()]
            }
        );
        assert_eq!(debit.tables, vec!["accounts"]);
        assert!(!debit.is_idempotent());
        let counter = one("UPDATE public.stats SET hits = stats.hits + 1");
        assert!(!counter.is_idempotent());
        assert_eq!(counter.tables, vec!["stats"]);
    }

    #[test]
    fn coalesce_keeps_or_replaces_a_value() {
        let edit = one("UPDATE articles SET slug = coalesce($1, slug), title = coalesce($2, title) WHERE id = $3");
        assert!(edit.is_idempotent(), "{edit:?}");
        assert!(!one("UPDATE t SET tags = tags || $1").is_idempotent());
        assert!(!one("UPDATE t SET n = (n + 1)").is_idempotent());
    }

    #[test]
    fn an_absolute_update_is_idempotent() {
        let status = one("UPDATE orders SET status = $1, updated_at = now() WHERE id = $2");
        assert!(status.is_idempotent());
        assert!(status.is_write());
    }

    #[test]
    fn inserts_by_conflict_clause() {
        assert!(!one("INSERT INTO orders (id, amount) VALUES ($1, $2)").is_idempotent());
        let claim = one(
            "INSERT INTO idempotency_keys (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING key",
        );
        assert_eq!(claim.kind, SqlKind::Insert(Conflict::DoNothing));
        assert_eq!(claim.columns, vec!["key", "key"]);
        assert!(claim.is_conditional() && claim.returning);
        assert!(one(
            "INSERT INTO t (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v"
        )
        .is_idempotent());
        assert!(!one(
            "INSERT INTO t (k, n) VALUES ($1, 1) ON CONFLICT (k) DO UPDATE SET n = t.n + 1"
        )
        .is_idempotent());
        assert!(one("INSERT IGNORE INTO t (k) VALUES (?)").is_idempotent());
        assert_eq!(
            one("INSERT INTO t (k) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM t WHERE k = $1)").kind,
            SqlKind::Insert(Conflict::WhereNotExists)
        );
    }

    #[test]
    fn reads_name_their_tables_and_locks() {
        let lookup = one("SELECT response FROM idempotency_keys WHERE key = $1 FOR UPDATE");
        assert_eq!(lookup.kind, SqlKind::Select);
        assert_eq!(lookup.tables, vec!["idempotency_keys"]);
        assert!(lookup.locks);
        assert!(!one(r#"SELECT id as "id!" FROM orders"#).locks);
    }

    #[test]
    fn a_write_in_a_cte_is_a_write() {
        let moved = one(
            "WITH d AS (UPDATE accounts SET balance = balance + $1 RETURNING id) SELECT id FROM d",
        );
        assert!(!moved.is_idempotent());
    }

    #[test]
    fn unparsable_text_says_why() {
        assert!(parse("UPDATE SET WHERE").is_err());
    }
}
