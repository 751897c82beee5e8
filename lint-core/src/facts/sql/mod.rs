//! SQL text, parsed with `sqlparser` rather than matched with patterns: what each statement
//! does to state, to which tables, and whether running it twice is the same as once.

pub mod schema;

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
    /// An `UPDATE` whose `WHERE` tests a column it sets (`SET status = 'released' WHERE id
    /// = $1 AND status = 'held'`): only the first of two runs finds the row to change, and
    /// its row count says which run that was.
    pub transition: bool,
    /// The columns an `INSERT` names and its `ON CONFLICT (..)` target, lowercased: a
    /// conditional insert on `idempotency_key` claims a key in a business table.
    pub columns: Vec<String>,
    /// What an `INSERT` puts in each column it names (its first row), and its conflict
    /// target: which unique key the row meets is read from them.
    pub insert: Option<InsertedRow>,
}

/// The row an `INSERT` writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsertedRow {
    /// The columns named, in order, with their values; empty when the statement names none.
    pub values: Vec<(String, SqlValue)>,
    /// `ON CONFLICT (a, b)`: the columns of the unique key it expects.
    pub conflict_target: Option<Vec<String>>,
    /// No conflict clause (`ON CONFLICT`, `INSERT IGNORE`, `REPLACE`): a row that meets a
    /// unique key fails.
    pub plain: bool,
}

/// Where one value of an `INSERT` comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlValue {
    /// A bound parameter, by its number from 1 (`$2`, the second `?`).
    Parameter(usize),
    /// A value the database makes anew on each run: `gen_random_uuid()`, `now()`,
    /// `DEFAULT` of such a column.
    Fresh(String),
    /// `DEFAULT`: what the schema says.
    Default,
    /// A literal, or a column read by `INSERT .. SELECT`: the same on every run.
    Fixed,
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
            let plain_insert = conflict == Conflict::None;
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
                transition: false,
                insert: Some(InsertedRow {
                    plain: plain_insert,
                    ..inserted_row(insert)
                }),
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
            transition: tests_a_column_it_sets(&update.assignments, update.selection.as_ref()),
            columns: Vec::new(),
            insert: None,
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
                transition: false,
                columns: Vec::new(),
                insert: None,
            }
        }
        Statement::Merge(merge) => SqlStatement {
            kind: SqlKind::Merge,
            tables: vec![table_name(&merge.table.to_string())],
            locks: false,
            returning: false,
            transition: false,
            columns: Vec::new(),
            insert: None,
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
            // A write that names its inputs first (`WITH lessons AS (SELECT ..) INSERT INTO
            // absence SELECT .. FROM lessons`) is that write: the parser keeps it as the
            // query's body.
            if let SetExpr::Insert(inner) | SetExpr::Update(inner) | SetExpr::Delete(inner) =
                &*query.body
            {
                return describe_statement(inner);
            }
            SqlStatement {
                kind: SqlKind::Select,
                tables: relations(statement),
                locks: !query.locks.is_empty() || takes_advisory_lock(statement),
                returning: false,
                transition: false,
                columns: Vec::new(),
                insert: None,
            }
        }
        _ => SqlStatement {
            kind: SqlKind::Other,
            tables: Vec::new(),
            locks: false,
            returning: false,
            transition: false,
            columns: Vec::new(),
            insert: None,
        },
    }
}

/// The values of an `INSERT`'s first row (or of its `SELECT`'s projection), by column.
fn inserted_row(insert: &sqlparser::ast::Insert) -> InsertedRow {
    let named: Vec<String> = insert
        .columns
        .iter()
        .map(|column| table_name(&column.to_string()))
        .collect();
    let mut positional = 0;
    let mut value_of = |expr: &Expr| sql_value(expr, &mut positional);
    let values: Vec<SqlValue> = match insert.source.as_deref().map(|query| &*query.body) {
        Some(SetExpr::Values(values)) => values
            .rows
            .first()
            .map(|row| row.content.iter().map(&mut value_of).collect())
            .unwrap_or_default(),
        Some(SetExpr::Select(select)) => select
            .projection
            .iter()
            .map(|item| match item {
                sqlparser::ast::SelectItem::UnnamedExpr(expr)
                | sqlparser::ast::SelectItem::ExprWithAlias { expr, .. } => value_of(expr),
                _ => SqlValue::Fixed,
            })
            .collect(),
        _ => Vec::new(),
    };
    let conflict_target = match &insert.on {
        Some(OnInsert::OnConflict(OnConflict {
            conflict_target:
                Some(ConflictTarget::Columns {
                    columns: target, ..
                }),
            ..
        })) => Some(
            target
                .iter()
                .map(|column| column.value.to_ascii_lowercase())
                .collect(),
        ),
        _ => None,
    };
    InsertedRow {
        values: named.into_iter().zip(values).collect(),
        conflict_target,
        plain: true,
    }
}

/// Where one inserted value comes from; `?` placeholders are numbered as they come.
fn sql_value(expr: &Expr, positional: &mut usize) -> SqlValue {
    match expr {
        Expr::Value(value) => match &value.value {
            sqlparser::ast::Value::Placeholder(text) => {
                let digits = text.trim_start_matches(['$', '?', ':', '@']);
                match digits.parse::<usize>() {
                    Ok(number) if !digits.is_empty() => SqlValue::Parameter(number),
                    _ => {
                        *positional += 1;
                        SqlValue::Parameter(*positional)
                    }
                }
            }
            _ => SqlValue::Fixed,
        },
        Expr::Cast { expr, .. } | Expr::Nested(expr) => sql_value(expr, positional),
        Expr::Identifier(ident) if ident.value.eq_ignore_ascii_case("default") => SqlValue::Default,
        Expr::Identifier(ident)
            if ident.value.to_ascii_lowercase().starts_with("current_")
                || ident.value.eq_ignore_ascii_case("localtimestamp") =>
        {
            SqlValue::Fresh(format!("`{}`", ident.value))
        }
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => SqlValue::Fixed,
        Expr::Function(function) => {
            // `lower($1)`, `coalesce($2, '')`: the value is the first parameter's; a function
            // of no parameter (`now()`, `gen_random_uuid()`) makes a new value each time.
            // Every `?` in it is numbered (`concat(?, ?)`), so the next value's come after.
            let mut parameter = None;
            let _ = visit_expressions(function, |inner: &Expr| {
                if let Expr::Value(value) = inner {
                    if let sqlparser::ast::Value::Placeholder(_) = &value.value {
                        let numbered = sql_value(inner, positional);
                        parameter.get_or_insert(numbered);
                    }
                }
                ControlFlow::<()>::Continue(())
            });
            parameter.unwrap_or_else(|| SqlValue::Fresh(format!("`{expr}`")))
        }
        // `(SELECT id FROM configs WHERE key = ?)`: not a parameter's value, but its `?`
        // come before the next value's, which are numbered after them.
        other => {
            let _ = visit_expressions(other, |inner: &Expr| {
                if let Expr::Value(value) = inner {
                    if let sqlparser::ast::Value::Placeholder(text) = &value.value {
                        if text.trim_start_matches(['$', '?', ':', '@']).is_empty() {
                            *positional += 1;
                        }
                    }
                }
                ControlFlow::<()>::Continue(())
            });
            SqlValue::Fixed
        }
    }
}

/// `SELECT pg_advisory_xact_lock(hashtext($1))`, MySQL's `GET_LOCK(?, 10)`: a lock on a
/// value rather than a row, held by whoever takes it first.
fn takes_advisory_lock(statement: &Statement) -> bool {
    let mut found = false;
    let _ = visit_expressions(statement, |expr: &Expr| {
        if let Expr::Function(function) = expr {
            let name = function.name.to_string().to_ascii_lowercase();
            if name.starts_with("pg_advisory")
                || name.starts_with("pg_try_advisory")
                || name == "get_lock"
            {
                found = true;
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    found
}

/// The `WHERE` of an update tests, for equality, a column the update sets to a new value
/// (`SET status = 'released' .. WHERE status = 'held'`): a state transition. A relative
/// update (`balance = balance - $1 WHERE balance >= $1`) is not one: both runs succeed.
fn tests_a_column_it_sets(assignments: &[Assignment], selection: Option<&Expr>) -> bool {
    let Some(selection) = selection else {
        return false;
    };
    let relative = relative_columns(assignments);
    let assigned: Vec<String> = assignments
        .iter()
        .filter_map(|assignment| match &assignment.target {
            AssignmentTarget::ColumnName(target) => target
                .0
                .last()
                .map(|part| part.to_string().to_ascii_lowercase()),
            _ => None,
        })
        .filter(|column| !relative.contains(column))
        .collect();
    let names_assigned = |expr: &Expr| match expr {
        Expr::Identifier(ident) => assigned.contains(&ident.value.to_ascii_lowercase()),
        Expr::CompoundIdentifier(parts) => parts
            .last()
            .is_some_and(|part| assigned.contains(&part.value.to_ascii_lowercase())),
        _ => false,
    };
    let mut found = false;
    let _ = visit_expressions(selection, |expr: &Expr| {
        let tested = match expr {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Eq,
                right,
            } => names_assigned(left) || names_assigned(right),
            Expr::IsNull(expr) => names_assigned(expr),
            _ => false,
        };
        if tested {
            found = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    found
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
    fn inserts_say_where_each_value_comes_from() {
        let row = one(
            "INSERT INTO subscriptions (id, email, name, subscribed_at, status) VALUES ($1, lower($2), $3, now(), 'pending') ON CONFLICT (email) DO NOTHING",
        )
        .insert
        .expect("a row");
        assert_eq!(
            row.values,
            vec![
                ("id".to_string(), SqlValue::Parameter(1)),
                ("email".to_string(), SqlValue::Parameter(2)),
                ("name".to_string(), SqlValue::Parameter(3)),
                (
                    "subscribed_at".to_string(),
                    SqlValue::Fresh("`now()`".to_string())
                ),
                ("status".to_string(), SqlValue::Fixed),
            ]
        );
        assert_eq!(row.conflict_target, Some(vec!["email".to_string()]));
        let selected = one("insert into article_comment (article_id, user_id, body) select article_id, $1, $2 from article where slug = $3")
            .insert
            .expect("a row");
        assert_eq!(selected.values[0].1, SqlValue::Fixed);
        assert_eq!(selected.values[2].1, SqlValue::Parameter(2));
        let positional = one("INSERT INTO t (a, b, c) VALUES (?, DEFAULT, ?)")
            .insert
            .expect("a row");
        assert_eq!(
            positional
                .values
                .iter()
                .map(|(_, value)| value.clone())
                .collect::<Vec<_>>(),
            vec![
                SqlValue::Parameter(1),
                SqlValue::Default,
                SqlValue::Parameter(2)
            ]
        );
        // MySQL's `?` are numbered in the order written, a subquery's among them.
        let after_subquery =
            one("INSERT INTO campaigns (config_id, public_id) VALUES ((SELECT id FROM configs WHERE key = ?), ?)")
                .insert
                .expect("a row");
        assert_eq!(
            after_subquery
                .values
                .iter()
                .map(|(_, value)| value.clone())
                .collect::<Vec<_>>(),
            vec![SqlValue::Fixed, SqlValue::Parameter(2)]
        );
        let after_function = one("INSERT INTO people (name, email) VALUES (CONCAT(?, ' ', ?), ?)")
            .insert
            .expect("a row");
        assert_eq!(
            after_function
                .values
                .iter()
                .map(|(_, value)| value.clone())
                .collect::<Vec<_>>(),
            vec![SqlValue::Parameter(1), SqlValue::Parameter(3)]
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
    fn an_advisory_lock_is_a_lock() {
        let lock = one("SELECT pg_advisory_xact_lock(hashtext($1))");
        assert!(lock.locks && lock.tables.is_empty());
        assert!(one("SELECT GET_LOCK(?, 10)").locks);
        assert!(!one("SELECT count(*) FROM t").locks);
    }

    #[test]
    fn a_state_transition_tests_what_it_sets() {
        assert!(
            one("UPDATE holds SET status = 'released' WHERE id = $1 AND status = 'held'")
                .transition
        );
        assert!(!one("UPDATE holds SET status = 'released' WHERE id = $1").transition);
        assert!(
            !one("UPDATE accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1")
                .transition
        );
        assert!(one("UPDATE jobs SET worker = $1 WHERE id = $2 AND worker IS NULL").transition);
    }

    #[test]
    fn a_write_in_a_cte_is_a_write() {
        let moved = one(
            "WITH d AS (UPDATE accounts SET balance = balance + $1 RETURNING id) SELECT id FROM d",
        );
        assert!(!moved.is_idempotent());
    }

    #[test]
    fn a_write_after_a_with_clause_is_that_write() {
        let inserted = one(
            "WITH lessons AS (SELECT id FROM lesson WHERE teacher_id = $1) \
             INSERT INTO absence (lesson_id, day) SELECT l.id, $2 FROM lessons l",
        );
        assert_eq!(inserted.describe(), "INSERT INTO absence");
        assert!(!inserted.is_idempotent());
        let added = one("WITH owned AS (SELECT id FROM wallet WHERE owner = $1) \
             UPDATE wallet SET balance = balance + $2 WHERE id IN (SELECT id FROM owned)");
        assert!(!added.is_idempotent());
        let deleted = one(
            "WITH old AS (SELECT id FROM session WHERE expires < now()) \
             DELETE FROM session WHERE id IN (SELECT id FROM old)",
        );
        assert_eq!(deleted.describe(), "DELETE FROM session");
        assert!(one("WITH t AS (SELECT 1) SELECT * FROM t").is_idempotent());
    }

    #[test]
    fn unparsable_text_says_why() {
        assert!(parse("UPDATE SET WHERE").is_err());
    }
}
