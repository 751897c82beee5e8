//! State: the reads and writes a function makes to its stores (SQL through sqlx, diesel,
//! sea-orm or tokio-postgres; Redis), on which executor (a transaction, a pool, a parameter
//! the caller fills), and the transactions it opens and commits.
//!
//! The store API decides, never a method name alone: `.execute(..)` counts when the query it
//! runs is seen (a `query!` macro, `sqlx::query("..")`, a diesel or sea-orm write, or SQL
//! text that parses), and `cache.insert(..)` on a map is not a write.

use super::deadlines::path_is;
use super::sql::{self, SqlStatement};
use crate::index::{
    CallSite, CallTarget, Callee, FnId, LocalBinding, TypeTarget, ValueExpr, WorkspaceIndex,
};
use crate::knowledge::{
    RedisEffect, APPEND_ONLY_TABLE_PARTS, COMMIT_METHODS, CONFLICT_METHODS, DIESEL_WRITES,
    OUTCOME_METHODS, QUERY_RUN_METHODS, REDIS_COMMANDS, REDIS_COMMAND_TRAITS, REDIS_CRATES,
    RELATIVE_EXPR_METHODS, SEA_ORM_ENTITY_WRITES, SEA_ORM_MODEL_WRITES, SQL_TEXT_FUNCTIONS,
    SQL_TEXT_METHODS, TRANSACTION_METHODS,
};
use crate::location::TextRange;

/// One read or write of a store.
#[derive(Clone, Debug)]
pub struct StateAccess {
    pub range: TextRange,
    /// Findings point at the statement's first line.
    pub statement: TextRange,
    pub store: Store,
    /// How it is written: `sqlx::query!`, `diesel::insert_into`, `redis INCR`.
    pub api: String,
    pub access: Access,
    pub executor: Executor,
    /// One of its tables (or its Redis key) is named as an idempotency or inbox record.
    pub key_table: bool,
    /// The values bound into it include an idempotency key or message id
    /// (`.bind(req.idempotency_key)`, `query!(.., event.event_id)`).
    pub binds_key: bool,
    /// What the access did is looked at (`rows_affected()`, a `RETURNING` row fetched
    /// optionally, the result of `SET NX` bound and tested).
    pub outcome_checked: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    Sql,
    Redis,
}

impl Store {
    pub fn name(self) -> &'static str {
        match self {
            Store::Sql => "the SQL database",
            Store::Redis => "Redis",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    Read {
        tables: Vec<String>,
        /// `FOR UPDATE`: the rows stay locked until the transaction ends.
        locks: bool,
    },
    Write {
        /// `UPDATE accounts SET balance = balance ± ..`, `redis INCR`.
        description: String,
        tables: Vec<String>,
        /// Running it twice leaves the same state as once.
        idempotent: bool,
        /// Only the first of two attempts takes effect (`ON CONFLICT DO NOTHING`, `SET NX`).
        conditional: bool,
    },
    /// A store is used but what the statement does cannot be told: the reason.
    Unknown(String),
}

impl StateAccess {
    /// The tables (or Redis keys' prefixes) it touches.
    pub fn tables(&self) -> &[String] {
        match &self.access {
            Access::Read { tables, .. } | Access::Write { tables, .. } => tables,
            Access::Unknown(_) => &[],
        }
    }

    /// It touches an idempotency-key or inbox table: one named so, or one that a key is
    /// claimed in (`INSERT INTO payment_keys .. ON CONFLICT DO NOTHING` binding
    /// `req.idempotency_key`).
    pub fn on_key_table(&self) -> bool {
        self.key_table
            || self.binds_key
                && matches!(
                    self.access,
                    Access::Write {
                        conditional: true,
                        ..
                    }
                )
    }

    /// An append-only record (audit trail, log): a second row on a retry changes no state
    /// that decisions are made on.
    pub fn on_append_only_table(&self) -> bool {
        !self.tables().is_empty()
            && self.tables().iter().all(|table| {
                APPEND_ONLY_TABLE_PARTS
                    .iter()
                    .any(|part| table.contains(part))
            })
    }

    pub fn is_write(&self) -> bool {
        matches!(self.access, Access::Write { .. })
    }

    pub fn describe(&self) -> String {
        match &self.access {
            Access::Read { tables, .. } => format!("read of {}", tables.join(", ")),
            Access::Write { description, .. } => description.clone(),
            Access::Unknown(_) => format!("`{}`", self.api),
        }
    }
}

/// What runs the statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Executor {
    /// A transaction this function opened, by the local it is bound to (or the closure that
    /// is the transaction: `transaction closure`).
    Transaction(String),
    /// A parameter: the caller decides (a `&mut *tx` passed in, or a pool).
    Param(String),
    /// A pool or a plain connection: the statement commits on its own.
    Autocommit,
}

/// A transaction opened in a function.
#[derive(Clone, Debug)]
pub struct Transaction {
    pub name: String,
    /// The statement that opens it.
    pub opened: TextRange,
    /// Where it is open: the local's scope, or the closure's body.
    pub scope: TextRange,
    /// The statement that commits it, if any.
    pub committed: Option<TextRange>,
}

/// The accesses and transactions of one function.
pub(super) fn state_accesses(
    index: &WorkspaceIndex,
    function: FnId,
    resolved: &[CallTarget],
    transactions: &[Transaction],
) -> Vec<StateAccess> {
    let reader = Reader {
        index,
        function,
        resolved,
        transactions,
    };
    let body = &index.fn_def(function).summary.body;
    let mut out = Vec::new();
    for (position, call) in body.calls.iter().enumerate() {
        let found = reader
            .configured_write(position, call)
            .or_else(|| match &call.callee {
                Callee::Method { receiver, method } => reader
                    .query_run(call, method)
                    .or_else(|| reader.sql_text_method(call, receiver, method))
                    .or_else(|| reader.active_model(call, receiver, method))
                    .or_else(|| reader.redis(position, call, receiver, method)),
                Callee::Path(_) => None,
            });
        out.extend(found.map(|mut access| {
            access.key_table = access
                .tables()
                .iter()
                .any(|table| index.knowledge().is_key_name(table));
            access
        }));
    }
    out
}

/// Whether SQL statements claim a key: a conditional insert whose columns or conflict
/// target name one (`INSERT INTO payments (.., idempotency_key) .. ON CONFLICT
/// (idempotency_key) DO NOTHING`).
fn claims_key_column(index: &WorkspaceIndex, statements: &[SqlStatement]) -> bool {
    statements.iter().any(|statement| {
        statement.is_conditional()
            && statement
                .columns
                .iter()
                .any(|column| index.knowledge().is_key_name(column))
    })
}

pub(super) fn transactions(
    index: &WorkspaceIndex,
    function: FnId,
    resolved: &[CallTarget],
) -> Vec<Transaction> {
    let body = &index.fn_def(function).summary.body;
    let mut out: Vec<Transaction> = body
        .locals
        .iter()
        .filter(|local| {
            opens_transaction(index, function, local)
                || returned_by_helper(index, function, resolved, local)
        })
        .map(|local| {
            let opened = local.init_range.unwrap_or(local.scope);
            let committed = body
                .calls
                .iter()
                .find(|call| {
                    matches!(&call.callee, Callee::Method { receiver: ValueExpr::Name(name), method }
                        if *name == local.name && COMMIT_METHODS.contains(&method.as_str()))
                        && local.scope.contains(call.range.start)
                })
                .map(|call| call.statement);
            Transaction {
                name: local.name.clone(),
                opened,
                scope: local.scope,
                committed,
            }
        })
        .collect();
    // `conn.transaction(|conn| ..)`: the closure is the transaction, committed when it
    // returns `Ok`.
    for call in &body.calls {
        let Callee::Method { method, .. } = &call.callee else {
            continue;
        };
        if !TRANSACTION_METHODS.contains(&method.as_str()) {
            continue;
        }
        if let Some(closure) = body
            .closures
            .iter()
            .find(|closure| call.range.contains_range(closure) && closure.start > call.range.start)
        {
            out.push(Transaction {
                name: format!("transaction closure at line {}", call.range.start.line),
                opened: call.statement,
                scope: *closure,
                committed: None,
            });
        }
    }
    out
}

/// `let mut tx = claim_key(&pool, key).await?`: a helper of the workspace that opens a
/// transaction and hands it back (its return type names `Transaction`).
fn returned_by_helper(
    index: &WorkspaceIndex,
    function: FnId,
    resolved: &[CallTarget],
    local: &LocalBinding,
) -> bool {
    let Some(init_range) = local.init_range else {
        return false;
    };
    let body = &index.fn_def(function).summary.body;
    body.calls.iter().zip(resolved).any(|(call, target)| {
        init_range.contains_range(&call.range)
            && matches!(target, CallTarget::Local(targets) if targets.iter().any(|target| {
                index.fn_def(*target).summary.output.as_ref().is_some_and(names_transaction)
            }))
    })
}

fn names_transaction(ty: &crate::index::TypeRef) -> bool {
    ty.last_name() == Some("Transaction") || ty.args.iter().any(names_transaction)
}

/// `let tx = pool.begin().await?`: a local bound to a transaction (not to the result of a
/// closure transaction, whose initialiser holds the closure).
fn opens_transaction(index: &WorkspaceIndex, function: FnId, local: &LocalBinding) -> bool {
    let Some(init_range) = local.init_range else {
        return false;
    };
    let body = &index.fn_def(function).summary.body;
    // The transaction call itself, and whether it is given a closure (then the closure is
    // the transaction and the local holds its result). A closure elsewhere in the
    // initialiser (`.map_err(|_| ..)`) does not count.
    let opening = body.calls.iter().find(|call| {
        init_range.contains_range(&call.range)
            && matches!(&call.callee, Callee::Method { method, .. } if TRANSACTION_METHODS.contains(&method.as_str()))
    });
    opening.is_some_and(|call| {
        !body
            .closures
            .iter()
            .any(|closure| call.range.contains_range(closure))
    }) || local
        .declared
        .as_ref()
        .is_some_and(|ty| ty.last_name() == Some("Transaction"))
}

struct Reader<'a> {
    index: &'a WorkspaceIndex,
    function: FnId,
    resolved: &'a [CallTarget],
    transactions: &'a [Transaction],
}

/// Where the statement's SQL comes from.
enum Source {
    Sql(Result<Vec<SqlStatement>, String>),
    Diesel {
        statement: &'static str,
        table: Option<String>,
    },
    SeaOrmEntity {
        statement: &'static str,
        entity: String,
    },
}

impl Reader<'_> {
    fn body(&self) -> &crate::index::BodySummary {
        &self.index.fn_def(self.function).summary.body
    }

    /// The calls of the chain ending at `call`: they start where it starts.
    /// The calls of the chain ending at the call `root`, that call excluded.
    fn chain(&self, root: TextRange) -> Vec<(usize, &CallSite)> {
        self.chain_within(root)
            .into_iter()
            .filter(|(_, other)| other.range != root)
            .collect()
    }

    /// The calls of the chain that makes up the expression `root` (a local's initialiser,
    /// an argument), its outermost call included.
    fn chain_within(&self, root: TextRange) -> Vec<(usize, &CallSite)> {
        self.body()
            .calls
            .iter()
            .enumerate()
            .filter(|(_, other)| other.range.start == root.start && other.range.end <= root.end)
            .collect()
    }

    /// The initialiser of the local a method chain starts from (`query` in
    /// `query.execute(conn)`).
    fn receiver_local_init(&self, receiver: &ValueExpr, call: &CallSite) -> Option<TextRange> {
        let mut root = receiver;
        while let ValueExpr::MethodCall { receiver, .. } = root {
            root = receiver;
        }
        let ValueExpr::Name(name) = root else {
            return None;
        };
        self.body()
            .locals
            .iter()
            .rev()
            .find(|local| local.name == *name && local.scope.contains(call.range.start))
            .and_then(|local| local.init_range)
    }

    /// The query given as an argument to sqlx's `Executor` methods (`tx.execute(query)`,
    /// `tx.execute(sqlx::query!(..))`): a query macro inside the call, or the initialiser
    /// of the local it names.
    fn argument_query(&self, call: &CallSite) -> Option<TextRange> {
        if let Some(inside) = self.body().macros.iter().find(|used| {
            call.range.contains_range(&used.range)
                && used.range.start > call.range.start
                && used.path.first().is_some_and(|first| first == "sqlx")
        }) {
            return Some(inside.range);
        }
        call.arg_mentions.names().find_map(|name| {
            self.body()
                .locals
                .iter()
                .rev()
                .find(|local| local.name == name && local.scope.contains(call.range.start))
                .and_then(|local| local.init_range)
        })
    }

    /// A read through a query builder: diesel `people.filter(..).load(conn)`, sea-orm
    /// `Person::find().all(db)`. Reads matter too: a handler that reads passes Q1 as
    /// read-only instead of touching no store.
    fn builder_read(
        &self,
        call: &CallSite,
        receiver: &ValueExpr,
        method: &str,
    ) -> Option<StateAccess> {
        let mut root = receiver;
        while let ValueExpr::MethodCall { receiver, .. } = root {
            root = receiver;
        }
        let module = self.index.module(self.index.fn_def(self.function).module);
        let imports = |krate: &str| {
            module
                .uses
                .iter()
                .any(|entry| entry.path.first().is_some_and(|first| first == krate))
        };
        let (api, table) = match (method, root) {
            ("load" | "get_result" | "get_results" | "first", ValueExpr::Name(table))
                if imports("diesel") =>
            {
                ("diesel", table.clone())
            }
            ("load" | "get_result" | "get_results" | "first", ValueExpr::Path(path))
                if imports("diesel") || path.first().is_some_and(|first| first == "diesel") =>
            {
                ("diesel", path.first().cloned().unwrap_or_default())
            }
            ("one" | "all", ValueExpr::Call { callee, .. })
                if callee.last().is_some_and(|last| last.starts_with("find"))
                    && imports("sea_orm") =>
            {
                let entity = callee.iter().rev().nth(1).cloned().unwrap_or_default();
                ("sea_orm", entity)
            }
            _ => return None,
        };
        Some(StateAccess {
            range: call.range,
            statement: call.statement,
            store: Store::Sql,
            api: format!("{api} `.{method}(..)`"),
            access: Access::Read {
                tables: vec![table.to_ascii_lowercase()],
                locks: false,
            },
            executor: self.executor_of_names(call.arg_mentions.names(), call),
            key_table: false,
            binds_key: false,
            outcome_checked: true,
        })
    }

    /// A write API the team declared in its configuration (`ledger::Repo::debit`).
    fn configured_write(&self, position: usize, call: &CallSite) -> Option<StateAccess> {
        let path = match &self.resolved[position] {
            CallTarget::External(path) => path.clone(),
            CallTarget::Local(targets) => {
                let first = *targets.first()?;
                self.index
                    .fn_path(first)
                    .split("::")
                    .map(str::to_string)
                    .collect()
            }
            _ => return None,
        };
        let api = self.index.knowledge().write_api(&path)?;
        let name = api.path.join("::");
        Some(StateAccess {
            range: call.range,
            statement: call.statement,
            store: Store::Sql,
            api: name.clone(),
            access: Access::Write {
                description: name.clone(),
                tables: Vec::new(),
                idempotent: api.idempotent,
                conditional: false,
            },
            executor: self.executor_of_names(call.arg_mentions.names(), call),
            key_table: false,
            binds_key: false,
            outcome_checked: self.outcome_checked(call),
        })
    }

    /// `<query>.execute(&mut *tx)`, `.fetch_one(&pool)`, diesel `.execute(conn)`, sea-orm
    /// `.exec(db)`; and sqlx's executor-first form, `tx.execute(query)`.
    fn query_run(&self, call: &CallSite, method: &str) -> Option<StateAccess> {
        if !QUERY_RUN_METHODS.contains(&method) {
            return None;
        }
        let runs_with_exec = method.starts_with("exec") && method != "execute";
        let chained = self.chain(call.range);
        let (source, executor, chain) = match self.source_of(call.range, runs_with_exec, &chained) {
            Some(source) => (
                source,
                self.executor_of_names(call.arg_mentions.names(), call),
                chained,
            ),
            None => {
                let Callee::Method { receiver, .. } = &call.callee else {
                    return None;
                };
                // `let query = diesel::delete(..); query.execute(conn)`: the query is built
                // in the local the chain starts from.
                let from_local = self.receiver_local_init(receiver, call).and_then(|root| {
                    let inner = self.chain_within(root);
                    let source = self.source_of(root, runs_with_exec, &inner)?;
                    Some((
                        source,
                        self.executor_of_names(call.arg_mentions.names(), call),
                        inner,
                    ))
                });
                match from_local {
                    Some(found) => found,
                    None => {
                        let Some(root) = self.argument_query(call) else {
                            return self.builder_read(call, receiver, method);
                        };
                        let inner = self.chain_within(root);
                        let source = self.source_of(root, false, &inner)?;
                        (source, self.executor_of_value(receiver, call), inner)
                    }
                }
            }
        };
        let outcome_checked = self.outcome_checked(call)
            || matches!(method, "fetch_optional" | "get_result" | "first" | "one");
        let mut claims_key = false;
        let (api, access) = match source {
            Source::Sql(Ok(statements)) => {
                claims_key = claims_key_column(self.index, &statements);
                ("SQL".to_string(), access_of_statements(&statements))
            }
            Source::Sql(Err(reason)) => ("SQL".to_string(), Access::Unknown(reason)),
            Source::Diesel { statement, table } => {
                let conflict = chain.iter().any(|(_, other)| {
                    matches!(&other.callee, Callee::Method { method, .. } if CONFLICT_METHODS.contains(&method.as_str()))
                });
                let do_update = chain.iter().any(|(_, other)| {
                    matches!(&other.callee, Callee::Method { method, .. } if method == "do_update")
                });
                let relative = chain.iter().any(|(_, other)| {
                    matches!(&other.callee, Callee::Method { method, .. } if method == "set")
                        && sets_relative(&other.arg_mentions)
                });
                (
                    format!(
                        "diesel::{}",
                        statement.to_ascii_lowercase().replace(' ', "_")
                    ),
                    dsl_write(statement, table, conflict, do_update, relative),
                )
            }
            Source::SeaOrmEntity { statement, entity } => {
                let conflict = chain.iter().any(|(_, other)| {
                    matches!(&other.callee, Callee::Method { method, .. } if CONFLICT_METHODS.contains(&method.as_str()))
                        || other.arg_mentions.mentions_method(&["do_nothing", "update_column", "update_columns"])
                });
                let do_update = chain.iter().any(|(_, other)| {
                    other
                        .arg_mentions
                        .mentions_method(&["update_column", "update_columns"])
                });
                let relative = chain
                    .iter()
                    .any(|(_, other)| other.arg_mentions.mentions_method(RELATIVE_EXPR_METHODS));
                (
                    format!("sea_orm {}::{}", entity, statement.to_ascii_lowercase()),
                    dsl_write(
                        statement,
                        Some(entity.to_ascii_lowercase()),
                        conflict,
                        do_update,
                        relative,
                    ),
                )
            }
        };
        let binds_key =
            claims_key || chain.iter().any(|(_, other)| {
                matches!(&other.callee, Callee::Method { method, .. } if method.starts_with("bind"))
                    && other
                        .arg_mentions
                        .names()
                        .any(|name| self.index.knowledge().is_key_name(name))
            }) || self.body().macros.iter().any(|used| {
                (used.range.start == call.range.start || call.range.contains_range(&used.range))
                    && used
                        .names
                        .iter()
                        .any(|name| self.index.knowledge().is_key_name(name))
            });
        Some(StateAccess {
            range: call.range,
            statement: call.statement,
            store: Store::Sql,
            api,
            access,
            executor,
            key_table: false,
            binds_key,
            outcome_checked,
        })
    }

    fn source_of(
        &self,
        root: TextRange,
        runs_with_exec: bool,
        chain: &[(usize, &CallSite)],
    ) -> Option<Source> {
        // `sqlx::query!("..")`: a macro at the root of the chain.
        if let Some(query_macro) = self.body().macros.iter().find(|used| {
            used.range.start == root.start
                && used.path.first().is_some_and(|first| first == "sqlx")
                && used
                    .path
                    .last()
                    .is_some_and(|last| last.starts_with("query"))
        }) {
            return Some(Source::Sql(match query_macro.literals.first() {
                Some(text) => sql::parse(text),
                None => Err(format!(
                    "the SQL of `{}!` is not a string literal (`query_file!` and friends read it from a file)",
                    query_macro.path.join("::")
                )),
            }));
        }
        for (position, other) in chain {
            let Callee::Path(written) = &other.callee else {
                continue;
            };
            let path = match &self.resolved[*position] {
                CallTarget::External(path) => path.clone(),
                _ => written.clone(),
            };
            if SQL_TEXT_FUNCTIONS.iter().any(|known| path_is(&path, known)) {
                return Some(Source::Sql(self.sql_text_of(other)));
            }
            let last = path.last().map(String::as_str).unwrap_or_default();
            if path.first().is_some_and(|first| first == "diesel") || written.len() == 1 {
                if let Some(write) = DIESEL_WRITES.iter().find(|write| write.function == last) {
                    let from_diesel = path.first().is_some_and(|first| first == "diesel");
                    if from_diesel {
                        // `orders::table` or `schema::orders::table`: the table is the
                        // module that `table!` generated.
                        let table = other
                            .arg_mentions
                            .paths()
                            .find_map(|path| match path {
                                [.., table, last] if last == "table" => Some(table.clone()),
                                [first, ..] => Some(first.clone()),
                                [] => None,
                            })
                            .or_else(|| other.arg_mentions.names().next().map(str::to_string));
                        return Some(Source::Diesel {
                            statement: write.statement,
                            table,
                        });
                    }
                }
            }
            if written.len() >= 2 {
                if let Some((_, statement)) =
                    SEA_ORM_ENTITY_WRITES.iter().find(|(name, _)| *name == last)
                {
                    if runs_with_exec {
                        let entity = written[written.len() - 2].clone();
                        let entity = if entity == "Entity" && written.len() >= 3 {
                            written[written.len() - 3].clone()
                        } else {
                            entity
                        };
                        return Some(Source::SeaOrmEntity { statement, entity });
                    }
                }
            }
        }
        None
    }

    /// The SQL given to `sqlx::query(..)`: a literal, a `format!`, or a local holding one.
    fn sql_text_of(&self, call: &CallSite) -> Result<Vec<SqlStatement>, String> {
        if let Some(text) = call.arg_mentions.literals().next() {
            return sql::parse(text);
        }
        if let Some(parsed) = self.parse_format_within(call.range) {
            return parsed;
        }
        if let Some(name) = call.arg_mentions.names().next() {
            let body = self.body();
            if let Some(local) = body
                .locals
                .iter()
                .rev()
                .find(|local| local.name == name && local.scope.contains(call.range.start))
            {
                if let Some(text) = local.init_mentions.literals().next() {
                    return sql::parse(text);
                }
                if let Some(parsed) = local
                    .init_range
                    .and_then(|range| self.parse_format_within(range))
                {
                    return parsed;
                }
            }
            return Err(format!(
                "the SQL is in `{name}`, whose text is not visible here"
            ));
        }
        Err("the SQL text is built elsewhere".to_string())
    }

    /// The SQL of a `format!` template, its holes named after what fills them where that
    /// parses (`{table}` is a keyword to SQL), else all `x`.
    fn parse_format_within(&self, range: TextRange) -> Option<Result<Vec<SqlStatement>, String>> {
        let named = self.format_text_within(range, true)?;
        match sql::parse(&named) {
            Ok(statements) => Some(Ok(statements)),
            Err(_) => self
                .format_text_within(range, false)
                .map(|plain| sql::parse(&plain)),
        }
    }

    /// `format!("UPDATE {} SET ..", table)`: the template, its holes filled with a name so
    /// that it parses.
    fn format_text_within(&self, range: TextRange, keep_names: bool) -> Option<String> {
        let used = self.body().macros.iter().find(|used| {
            range.contains_range(&used.range)
                && used.path.last().is_some_and(|last| last == "format")
        })?;
        let template = used.literals.first()?;
        // A named hole keeps its name (`{table}` reads as the table `table`); a positional
        // one becomes `x`. Either way the statement's shape survives.
        let mut filled = String::with_capacity(template.len());
        let mut hole: Option<String> = None;
        for character in template.chars() {
            match (character, hole.as_mut()) {
                ('{', None) => hole = Some(String::new()),
                ('}', Some(name)) => {
                    let name = name.split(':').next().unwrap_or_default();
                    let is_name = !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && !name.starts_with(|c: char| c.is_ascii_digit());
                    filled.push_str(if is_name && keep_names { name } else { "x" });
                    hole = None;
                }
                (other, Some(name)) => name.push(other),
                (other, None) => filled.push(other),
            }
        }
        Some(filled)
    }

    /// tokio-postgres `client.execute("UPDATE ..", &[..])`, sea-orm
    /// `db.execute_unprepared("..")`: SQL text given straight to the receiver.
    fn sql_text_method(
        &self,
        call: &CallSite,
        receiver: &ValueExpr,
        method: &str,
    ) -> Option<StateAccess> {
        if !SQL_TEXT_METHODS.contains(&method) {
            return None;
        }
        let text = call.arg_mentions.literals().next()?;
        let statements = sql::parse(text).ok()?;
        if statements.is_empty() {
            return None;
        }
        Some(StateAccess {
            range: call.range,
            statement: call.statement,
            store: Store::Sql,
            api: format!("`.{method}(..)`"),
            access: access_of_statements(&statements),
            executor: self.executor_of_value(receiver, call),
            key_table: false,
            binds_key: claims_key_column(self.index, &statements)
                || call
                    .arg_mentions
                    .names()
                    .any(|name| self.index.knowledge().is_key_name(name)),
            outcome_checked: self.outcome_checked(call),
        })
    }

    /// sea-orm `model.insert(db)` on an `ActiveModel`.
    fn active_model(
        &self,
        call: &CallSite,
        receiver: &ValueExpr,
        method: &str,
    ) -> Option<StateAccess> {
        let (_, statement) = SEA_ORM_MODEL_WRITES
            .iter()
            .find(|(name, _)| *name == method)?;
        let is_active_model = match receiver {
            ValueExpr::Name(name) => self.body().locals.iter().rev().any(|local| {
                local.name == *name
                    && local.scope.contains(call.range.start)
                    && (matches!(&local.init, Some(ValueExpr::StructLiteral(path)) if path.iter().any(|segment| segment == "ActiveModel"))
                        || local
                        .init_mentions
                        .paths()
                        .any(|path| path.iter().any(|segment| segment == "ActiveModel"))
                        || local.init_mentions.mentions_method(&["into_active_model"])
                        || local
                            .declared
                            .as_ref()
                            .is_some_and(|ty| ty.path.iter().any(|segment| segment == "ActiveModel")))
            }),
            ValueExpr::StructLiteral(path) => path.iter().any(|segment| segment == "ActiveModel"),
            _ => false,
        };
        if !is_active_model {
            return None;
        }
        let entity = match receiver {
            ValueExpr::Name(name) => self
                .body()
                .locals
                .iter()
                .rev()
                .find(|local| local.name == *name)
                .and_then(|local| {
                    let literal_path = match &local.init {
                        Some(ValueExpr::StructLiteral(path)) => Some(path.as_slice()),
                        _ => None,
                    };
                    literal_path
                        .into_iter()
                        .chain(local.init_mentions.paths())
                        .find_map(|path| {
                            let at = path.iter().position(|segment| segment == "ActiveModel")?;
                            at.checked_sub(1).map(|before| path[before].clone())
                        })
                })
                .unwrap_or_else(|| "model".to_string()),
            _ => "model".to_string(),
        };
        Some(StateAccess {
            range: call.range,
            statement: call.statement,
            store: Store::Sql,
            api: format!("sea_orm ActiveModel::{method}"),
            access: dsl_write(
                statement,
                Some(entity.to_ascii_lowercase()),
                false,
                false,
                false,
            ),
            executor: self.executor_of_names(call.arg_mentions.names(), call),
            key_table: false,
            binds_key: false,
            outcome_checked: self.outcome_checked(call),
        })
    }

    /// redis-rs commands on a connection: `con.incr(key, 1)`, `con.set_nx(key, v)`.
    fn redis(
        &self,
        position: usize,
        call: &CallSite,
        receiver: &ValueExpr,
        method: &str,
    ) -> Option<StateAccess> {
        let command = REDIS_COMMANDS
            .iter()
            .find(|command| command.method == method)?;
        let is_redis = match &self.resolved[position] {
            CallTarget::External(path) => path
                .first()
                .is_some_and(|first| REDIS_CRATES.contains(&first.as_str())),
            CallTarget::Local(_) | CallTarget::Constructor => false,
            CallTarget::Unresolved(_) => {
                self.imports_redis_commands()
                    && !matches!(
                        self.index.type_of_value(
                            self.index.context_of(self.function),
                            receiver,
                            call.range.start
                        ),
                        TypeTarget::External(_) | TypeTarget::Local(_)
                    )
            }
        };
        if !is_redis {
            return None;
        }
        let mut key_words: Vec<String> = call
            .arg_mentions
            .literals()
            .chain(call.arg_mentions.names())
            .map(str::to_string)
            .collect();
        // The key may be built in a local first: `let key = format!("idempotency:{id}")`.
        let mut ranges = vec![call.range];
        for name in call.arg_mentions.names() {
            if let Some(local) = self
                .body()
                .locals
                .iter()
                .rev()
                .find(|local| local.name == name && local.scope.contains(call.range.start))
            {
                key_words.extend(local.init_mentions.literals().map(str::to_string));
                ranges.extend(local.init_range);
            }
        }
        for used in &self.body().macros {
            if ranges.iter().any(|range| range.contains_range(&used.range)) {
                key_words.extend(used.literals.iter().cloned());
            }
        }
        let tables: Vec<String> = key_words
            .iter()
            .filter(|word| self.index.knowledge().is_key_name(word))
            .take(1)
            .cloned()
            .collect();
        let command_name = method.to_ascii_uppercase();
        let access = match command.effect {
            RedisEffect::Read => Access::Read {
                tables,
                locks: false,
            },
            RedisEffect::IdempotentWrite => Access::Write {
                description: format!("redis {command_name}"),
                tables,
                idempotent: true,
                conditional: false,
            },
            RedisEffect::AccumulatingWrite => Access::Write {
                description: format!("redis {command_name}"),
                tables,
                idempotent: false,
                conditional: false,
            },
            RedisEffect::Claim => Access::Write {
                description: format!("redis {command_name}"),
                tables,
                idempotent: true,
                conditional: true,
            },
        };
        Some(StateAccess {
            range: call.range,
            statement: call.statement,
            store: Store::Redis,
            api: format!("redis {command_name}"),
            access,
            executor: Executor::Autocommit,
            key_table: false,
            binds_key: false,
            outcome_checked: self.outcome_checked(call)
                || command.effect == RedisEffect::Claim && self.bound_to_named_local(call),
        })
    }

    fn imports_redis_commands(&self) -> bool {
        let module = self.index.module(self.index.fn_def(self.function).module);
        module.uses.iter().any(|entry| {
            entry
                .path
                .first()
                .is_some_and(|first| REDIS_CRATES.contains(&first.as_str()))
                && (entry.is_glob()
                    || entry
                        .path
                        .last()
                        .is_some_and(|last| REDIS_COMMAND_TRAITS.contains(&last.as_str())))
        })
    }

    fn bound_to_named_local(&self, call: &CallSite) -> bool {
        self.body().locals.iter().any(|local| {
            local
                .init_range
                .is_some_and(|range| range.contains_range(&call.range))
        })
    }

    /// The result of the access is looked at: an outcome method in the same statement, or a
    /// named local holding the result.
    fn outcome_checked(&self, call: &CallSite) -> bool {
        self.body().calls.iter().any(|other| {
            other.statement == call.statement
                && other.range.contains_range(&call.range)
                && matches!(&other.callee, Callee::Method { method, .. } if OUTCOME_METHODS.contains(&method.as_str()))
        }) || self.body().locals.iter().any(|local| {
            local
                .init_range
                .is_some_and(|range| range.contains_range(&call.range))
                && self.body().calls.iter().any(|other| {
                    matches!(&other.callee, Callee::Method { receiver: ValueExpr::Name(name), method }
                        if *name == local.name && OUTCOME_METHODS.contains(&method.as_str()))
                        && local.scope.contains(other.range.start)
                })
                || local
                    .init_range
                    .is_some_and(|range| range.contains_range(&call.range))
                    && self.body().comparisons.iter().any(|comparison| {
                        local.scope.contains(comparison.range.start)
                            && comparison.operands.mentions_name(&local.name)
                    })
        })
    }

    fn executor_of_value(&self, value: &ValueExpr, call: &CallSite) -> Executor {
        let mut current = value;
        loop {
            match current {
                ValueExpr::Name(name) => {
                    return self.executor_of_names(std::iter::once(name.as_str()), call)
                }
                ValueExpr::MethodCall { receiver, .. } => current = receiver,
                _ => return Executor::Autocommit,
            }
        }
    }

    fn executor_of_names<'n>(
        &self,
        names: impl Iterator<Item = &'n str>,
        call: &CallSite,
    ) -> Executor {
        let names: Vec<&str> = names.collect();
        // Inside a closure transaction, the closure's connection is the transaction.
        if let Some(closure) = self
            .transactions
            .iter()
            .filter(|transaction| transaction.scope.contains_range(&call.range))
            .find(|transaction| transaction.name.starts_with("transaction closure"))
        {
            return Executor::Transaction(closure.name.clone());
        }
        for name in &names {
            if let Some(transaction) = self.transactions.iter().find(|transaction| {
                transaction.name == *name && transaction.scope.contains(call.range.start)
            }) {
                return Executor::Transaction(transaction.name.clone());
            }
        }
        let summary = &self.index.fn_def(self.function).summary;
        for name in &names {
            let is_param = summary
                .params
                .iter()
                .any(|param| param.bindings.iter().any(|(bound, _)| bound == name));
            let is_local = summary
                .body
                .locals
                .iter()
                .any(|local| local.name == *name && local.scope.contains(call.range.start));
            if is_param && !is_local {
                return Executor::Param((*name).to_string());
            }
        }
        Executor::Autocommit
    }
}

fn access_of_statements(statements: &[SqlStatement]) -> Access {
    let writes: Vec<&SqlStatement> = statements.iter().filter(|s| s.is_write()).collect();
    if writes.is_empty() {
        let mut tables = Vec::new();
        for statement in statements {
            tables.extend(statement.tables.iter().cloned());
        }
        return Access::Read {
            tables,
            locks: statements.iter().any(|statement| statement.locks),
        };
    }
    let mut tables = Vec::new();
    for statement in &writes {
        tables.extend(statement.tables.iter().cloned());
    }
    Access::Write {
        description: writes
            .iter()
            .map(|statement| statement.describe())
            .collect::<Vec<_>>()
            .join("; "),
        tables,
        idempotent: writes.iter().all(|statement| statement.is_idempotent()),
        conditional: writes.iter().all(|statement| statement.is_conditional()),
    }
}

/// A write through a query builder (diesel, sea-orm), described like its SQL.
fn dsl_write(
    statement: &str,
    table: Option<String>,
    conflict: bool,
    do_update: bool,
    relative: bool,
) -> Access {
    let tables: Vec<String> = table.into_iter().collect();
    let name = tables.join(", ");
    let (description, idempotent, conditional) = match statement {
        "INSERT" if conflict && do_update => (format!("upsert INTO {name}"), !relative, false),
        "INSERT" if conflict => (
            format!("INSERT INTO {name} .. ON CONFLICT DO NOTHING"),
            true,
            true,
        ),
        "INSERT" => (format!("INSERT INTO {name}"), false, false),
        "INSERT OR IGNORE" => (format!("INSERT OR IGNORE INTO {name}"), true, true),
        "REPLACE" | "UPSERT" => (format!("upsert INTO {name}"), true, false),
        "UPDATE" if relative => (
            format!("UPDATE {name} SET a column relative to itself"),
            false,
            false,
        ),
        "UPDATE" => (format!("UPDATE {name}"), true, false),
        _ => (format!("DELETE FROM {name}"), true, false),
    };
    Access::Write {
        description,
        tables,
        idempotent,
        conditional,
    }
}

/// diesel `.set(balance.eq(balance - amount))`: a column assigned from itself.
fn sets_relative(mentions: &crate::index::Mentions) -> bool {
    let has_arithmetic = mentions
        .operators()
        .any(|operator| operator == "+" || operator == "-");
    if !has_arithmetic {
        return false;
    }
    let mut seen: Vec<String> = Vec::new();
    for item in &mentions.items {
        let name = match item {
            crate::index::Mention::Name(name) => name.clone(),
            crate::index::Mention::Path(path) => path.join("::"),
            _ => continue,
        };
        if seen.contains(&name) {
            return true;
        }
        seen.push(name);
    }
    false
}
