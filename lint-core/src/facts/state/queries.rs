//! SQL stores: the query a call runs (a `query!` macro, `sqlx::query("..")`, SQL text, a
//! diesel or sea-orm builder, a configured write API), what it does, and on which executor.

use super::reader::Reader;
use super::values::Bound;
use super::{claims_key_column, Access, InsertedValues, StateAccess, Store};
use crate::facts::sql::schema::PRIMARY_KEY_TARGET;
use crate::facts::sql::{self, SqlStatement};
use crate::index::CompactString;
use crate::index::{CallSite, CallTarget, Callee, Resolution, ValueExpr};
use crate::knowledge::sql::{EntityBuilder, SqlLibrary, TableBuilder};
use crate::location::TextRange;

/// Where the statement's SQL comes from.
enum Source<'k> {
    Sql(Result<Vec<SqlStatement>, String>),
    /// A write on a table module (diesel).
    Table {
        library: &'k SqlLibrary,
        tables: &'k TableBuilder,
        statement: &'static str,
        table: Option<String>,
    },
    /// A write on an entity (sea-orm).
    Entity {
        library: &'k SqlLibrary,
        entities: &'k EntityBuilder,
        statement: &'static str,
        entity: String,
    },
}

impl Reader<'_> {
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
            .local_at(name, call.range.start)
            .and_then(|local| local.init_range)
    }

    /// The query given as an argument to sqlx's `Executor` methods (`tx.execute(query)`,
    /// `tx.execute(sqlx::query!(..))`): a query macro inside the call, or the initialiser
    /// of the local it names.
    fn argument_query(&self, call: &CallSite) -> Option<TextRange> {
        if let Some(inside) = self.body().macros.iter().find(|used| {
            call.range.contains_range(&used.range)
                && used.range.start > call.range.start
                && self.knowledge.is_query_macro_crate(&used.path)
        }) {
            return Some(inside.range);
        }
        call.arg_mentions.names().find_map(|name| {
            self.body()
                .local_at(name, call.range.start)
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
        let mut chained: Vec<&str> = Vec::new();
        // `let query = invoices.filter(..).for_update(); query.first(conn)`: the chain goes
        // on in the initialiser of the local it starts from.
        for _ in 0..3 {
            while let ValueExpr::MethodCall { receiver, method } = root {
                chained.push(method.as_str());
                root = receiver;
            }
            let ValueExpr::Name(name) = root else {
                break;
            };
            let init = self
                .body()
                .local_at(name, call.range.start)
                .and_then(|local| local.init.as_ref());
            match init {
                Some(init @ (ValueExpr::MethodCall { .. } | ValueExpr::Path(_))) => root = init,
                _ => break,
            }
        }
        // A chain that does not start from a table keeps the local's name as before.
        let named_root = receiver_root(receiver);
        let module = self.index.module(self.index.fn_def(self.function).module);
        let imports = |krate: &str| {
            module
                .uses
                .iter()
                .any(|entry| entry.path.first().is_some_and(|first| first == krate))
        };
        let read_of = |library: &SqlLibrary, root: &ValueExpr| -> Option<String> {
            if let Some(tables) = &library.tables {
                if tables.reads.iter().any(|known| known == method) {
                    match root {
                        ValueExpr::Name(table) if imports(&library.name) => {
                            return Some(table.to_string());
                        }
                        ValueExpr::Path(path)
                            if imports(&library.name)
                                || path.first().is_some_and(|first| *first == library.name)
                                // `comments::table`: the module `table!` made, whatever the
                                // imports.
                                || path.len() == 2
                                    && path.last().is_some_and(|last| *last == tables.table_item) =>
                        {
                            return Some(
                                table_of_path(path, tables)
                                    .map(|table| table.to_string())
                                    .unwrap_or_default(),
                            );
                        }
                        _ => {}
                    }
                }
            }
            let entities = library.entities.as_ref()?;
            match root {
                ValueExpr::Call { callee, .. }
                    if entities.reads.iter().any(|known| known == method)
                        // `find_by_id`, or a workspace's own finder named around the
                        // word (svix's `secure_find_by_id_or_uid`).
                        && callee.last().is_some_and(|last| {
                            last.split('_')
                                .any(|word| word.starts_with(entities.find_prefix.as_str()))
                        })
                        && imports(&library.name) =>
                {
                    // `processed_event::Entity::find_by_id(..)`: the module names the entity.
                    let mut names = callee.iter().rev().skip(1);
                    Some(match names.next() {
                        Some(name) if *name == entities.entity_type => names
                            .next()
                            .map(|name| name.to_string())
                            .unwrap_or_default(),
                        Some(name) => name.to_string(),
                        None => String::new(),
                    })
                }
                _ => None,
            }
        };
        let (library, table) = self
            .knowledge
            .sql_libraries
            .iter()
            .find_map(|library| Some((library, read_of(library, root)?)))
            .or_else(|| {
                self.knowledge
                    .sql_libraries
                    .iter()
                    .find_map(|library| Some((library, read_of(library, named_root)?)))
            })?;
        let locks = library
            .tables
            .iter()
            .flat_map(|tables| &tables.lock_methods)
            .chain(
                library
                    .entities
                    .iter()
                    .flat_map(|entities| &entities.lock_methods),
            )
            .any(|lock| chained.contains(&lock.as_str()));
        Some(StateAccess {
            range: call.range,
            statement: call.statement,
            store: Store::Sql,
            api: format!("{} `.{method}(..)`", library.name),
            access: Access::Read {
                tables: vec![table.as_str().to_ascii_lowercase()],
                locks,
            },
            executor: self.executor_of_names(call.arg_mentions.names(), call),
            key_table: false,
            binds_key: false,
            outcome_checked: true,
            transition: false,
            failure_answered_by_read: false,
            inserted: None,
        })
    }

    /// A write API the team declared in its configuration (`ledger::Repo::debit`).
    pub(super) fn configured_write(&self, position: usize, call: &CallSite) -> Option<StateAccess> {
        let path = match &self.resolved[position] {
            CallTarget::External(path) => path.clone(),
            CallTarget::Local(targets) => {
                let first = *targets.first()?;
                self.index
                    .fn_path(first)
                    .split("::")
                    .map(CompactString::from)
                    .collect()
            }
            _ => return None,
        };
        let api = self.knowledge.write_api(&path)?;
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
            transition: false,
            failure_answered_by_read: false,
            inserted: None,
        })
    }

    /// `<query>.execute(&mut *tx)`, `.fetch_one(&pool)`, diesel `.execute(conn)`, sea-orm
    /// `.exec(db)`; and sqlx's executor-first form, `tx.execute(query)`.
    pub(super) fn query_run(&self, call: &CallSite, method: &str) -> Option<StateAccess> {
        if !self
            .knowledge
            .sql_says(|library| &library.run_methods, method)
        {
            return None;
        }
        // sea-orm's `Order::insert(model).exec(db)`: an entity's write runs with its own
        // methods.
        let runs_with_exec = self
            .knowledge
            .sql_libraries
            .iter()
            .filter_map(|library| library.entities.as_ref())
            .any(|entities| entities.run_methods.iter().any(|known| known == method));
        let chained = self.chain(call.range);
        let (source, executor, chain, root) =
            match self.source_of(call.range, runs_with_exec, &chained) {
                Some(source) => (
                    source,
                    self.executor_of_names(call.arg_mentions.names(), call),
                    chained,
                    call.range,
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
                            root,
                        ))
                    });
                    match from_local {
                        Some(found) => found,
                        None => {
                            let Some(root) = self.argument_query(call) else {
                                return self.builder_read(call, receiver, method);
                            };
                            let inner = self.chain_within(root);
                            // `.first(&mut conn)`: the argument is a connection, not a query.
                            let Some(source) = self.source_of(root, false, &inner) else {
                                return self.builder_read(call, receiver, method);
                            };
                            (source, self.executor_of_value(receiver, call), inner, root)
                        }
                    }
                }
            };
        let outcome_checked = self.outcome_checked(call)
            || self
                .knowledge
                .sql_says(|library| &library.row_methods, method);
        let mut claims_key = false;
        let mut inserted = None;
        let mut transition = false;
        let (api, access) = match source {
            Source::Sql(Ok(statements)) => {
                claims_key = claims_key_column(self.knowledge, &statements);
                transition = statements.iter().any(|statement| statement.transition);
                inserted = statements.iter().find_map(|statement| {
                    let row = statement.insert.as_ref()?;
                    let table = statement.tables.first()?;
                    Some(self.inserted_sql_row(
                        table,
                        row,
                        &self.bound_values(root, &chain),
                        call.range.start,
                    ))
                });
                ("SQL".to_string(), access_of_statements(&statements))
            }
            Source::Sql(Err(reason)) => ("SQL".to_string(), Access::Unknown(reason)),
            Source::Table {
                library,
                tables,
                statement,
                table,
            } => {
                let conflict = chain.iter().any(|(_, other)| {
                    matches!(&other.callee, Callee::Method { method, .. } if library.conflict_methods.iter().any(|known| known == method.as_str()))
                });
                let do_update = chain.iter().any(|(_, other)| {
                    matches!(&other.callee, Callee::Method { method, .. } if tables.upsert_methods.iter().any(|known| known == method.as_str()))
                });
                let relative = chain.iter().any(|(_, other)| {
                    matches!(&other.callee, Callee::Method { method, .. } if *method == tables.set_method)
                        && sets_relative(&other.arg_mentions)
                });
                if statement == "UPDATE" {
                    transition = table_transition(&chain, tables);
                }
                if statement.starts_with("INSERT") {
                    inserted = table.as_deref().and_then(|table| {
                        let values = chain.iter().find(|(_, other)| {
                            matches!(&other.callee, Callee::Method { method, .. } if *method == tables.values_method)
                        })?;
                        let target = chain.iter().find_map(|(_, other)| match &other.callee {
                            // `.on_conflict(users::table.primary_key())`.
                            Callee::Method { method, .. }
                                if *method == tables.conflict_target_method
                                    && other
                                        .arg_mentions
                                        .mentions_method(&[tables.primary_key_method.as_str()]) =>
                            {
                                Some(vec![PRIMARY_KEY_TARGET.to_string()])
                            }
                            Callee::Method { method, .. } if *method == tables.conflict_target_method => Some(
                                other
                                    .arg_mentions
                                    .items
                                    .iter()
                                    .filter_map(|item| match item {
                                        crate::index::Mention::Path(path) => path
                                            .last()
                                            .map(|last| last.as_str().to_ascii_lowercase()),
                                        crate::index::Mention::Name(name) => {
                                            Some(name.as_str().to_ascii_lowercase())
                                        }
                                        _ => None,
                                    })
                                    .collect::<Vec<_>>(),
                            ),
                            _ => None,
                        });
                        let mut row = self.inserted_builder_row(
                            table,
                            &values.1.arg_mentions.items,
                            call.range.start,
                            target.filter(|columns| !columns.is_empty()),
                        );
                        row.plain = !conflict;
                        Some(row)
                    });
                }
                (
                    format!(
                        "{}::{}",
                        library.name,
                        statement.to_ascii_lowercase().replace(' ', "_")
                    ),
                    dsl_write(statement, table, conflict, do_update, relative),
                )
            }
            Source::Entity {
                library,
                entities,
                statement,
                entity,
            } => {
                let relative_methods = as_strs(&entities.relative_methods);
                let conflict_clause = as_strs(&entities.conflict_clause_methods);
                let upsert_clause = as_strs(&entities.upsert_clause_methods);
                let conflict = chain.iter().any(|(_, other)| {
                    matches!(&other.callee, Callee::Method { method, .. } if library.conflict_methods.iter().any(|known| known == method.as_str()))
                        || other.arg_mentions.mentions_method(&conflict_clause)
                });
                let do_update = chain
                    .iter()
                    .any(|(_, other)| other.arg_mentions.mentions_method(&upsert_clause));
                let relative = chain
                    .iter()
                    .any(|(_, other)| other.arg_mentions.mentions_method(&relative_methods));
                if statement == "INSERT" {
                    // `Entity::insert(model)`: the model is the argument of the path call.
                    inserted = chain
                        .iter()
                        .find(|(_, other)| matches!(&other.callee, Callee::Path(path) if path.last().is_some_and(|last| entities.writes.iter().any(|write| write.statement == "INSERT" && write.name == last.as_str()))))
                        .map(|(_, other)| {
                            let mut row = self.inserted_builder_row(
                                &entity.to_ascii_lowercase(),
                                &other.arg_mentions.items,
                                call.range.start,
                                None,
                            );
                            row.plain = !conflict;
                            row
                        });
                }
                (
                    format!(
                        "{} {}::{}",
                        library.name,
                        entity,
                        statement.to_ascii_lowercase()
                    ),
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
                matches!(&other.callee, Callee::Method { method, .. } if self.knowledge.sql_says(|library| &library.bind_methods, method))
                    && other
                        .arg_mentions
                        .names()
                        .any(|name| self.knowledge.is_key_name(name))
            }) || self.body().macros.iter().any(|used| {
                (used.range.start == call.range.start || call.range.contains_range(&used.range))
                    && used
                        .names
                        .iter()
                        .any(|name| self.knowledge.is_key_name(name))
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
            inserted,
            transition,
            failure_answered_by_read: false,
        })
    }

    /// Where the values bound into the query rooted at `root` are: the arguments of its
    /// `query!` macro, or its `.bind(..)` calls in order.
    fn bound_values<'c>(&'c self, root: TextRange, chain: &[(usize, &'c CallSite)]) -> Bound<'c> {
        if let Some(used) = self.body().macros.iter().find(|used| {
            used.range.start == root.start && self.knowledge.is_query_macro_crate(&used.path)
        }) {
            return Bound::MacroArguments(used);
        }
        let mut binds: Vec<&CallSite> = chain
            .iter()
            .map(|(_, other)| *other)
            .filter(
                |other| matches!(&other.callee, Callee::Method { method, .. } if self.knowledge.sql_says(|library| &library.bind_methods, method)),
            )
            .collect();
        if binds.is_empty() {
            return Bound::Unseen;
        }
        binds.sort_by_key(|bind| bind.range.end);
        Bound::Binds(binds)
    }

    fn source_of(
        &self,
        root: TextRange,
        runs_with_exec: bool,
        chain: &[(usize, &CallSite)],
    ) -> Option<Source<'_>> {
        // `sqlx::query!("..")`: a macro at the root of the chain.
        if let Some(query_macro) = self.body().macros.iter().find(|used| {
            used.range.start == root.start && self.knowledge.query_macro(&used.path).is_some()
        }) {
            return Some(Source::Sql(match query_macro.literals.first() {
                Some(text) => sql::parse(text),
                // `query_file!("queries/unread.sql")`: the file's text, read by the analysis.
                None => match self.included_text_within(query_macro.range) {
                    Some(Ok(text)) => sql::parse(&text),
                    Some(Err(reason)) => Err(reason),
                    None => Err(format!(
                        "the SQL of `{}!` is not a string literal",
                        query_macro.path.join("::")
                    )),
                },
            }));
        }
        for (position, other) in chain {
            // `query.build()` of `QueryBuilder::new("INSERT ..")` and its pushes.
            if let Some(built) = self.built_sql(other) {
                return Some(Source::Sql(built));
            }
            // `row.insert_into(orders::table)`: a row's own write, given a table of the
            // library (the argument must name one).
            if let Callee::Method { method, .. } = &other.callee {
                let row_write = self.knowledge.sql_libraries.iter().find_map(|library| {
                    let tables = library.tables.as_ref()?;
                    let write = tables
                        .row_writes
                        .iter()
                        .find(|write| write.name == *method)?;
                    let table = other
                        .arg_mentions
                        .paths()
                        .find_map(|path| table_of_path(path, tables))?;
                    Some(Source::Table {
                        library,
                        tables,
                        statement: write.statement,
                        table: Some(table.to_string()),
                    })
                });
                if row_write.is_some() {
                    return row_write;
                }
                continue;
            }
            let Callee::Path(written) = &other.callee else {
                continue;
            };
            let path = match &self.resolved[*position] {
                CallTarget::External(path) => path.clone(),
                _ => written.clone(),
            };
            if self.knowledge.is_sql_text_function(&path) {
                return Some(Source::Sql(self.sql_text_of(other)));
            }
            let last = path.last().map(CompactString::as_str).unwrap_or_default();
            // `diesel::insert_into(orders::table)`: a function of the library's crate.
            let table_write = self.knowledge.sql_libraries.iter().find_map(|library| {
                let tables = library.tables.as_ref()?;
                path.first().filter(|first| **first == library.name)?;
                let write = tables.writes.iter().find(|write| write.name == last)?;
                Some((library, tables, write))
            });
            if let Some((library, tables, write)) = table_write {
                // `orders::table` or `schema::orders::table`: the table is the module that
                // `table!` generated.
                let table = other
                    .arg_mentions
                    .paths()
                    .find_map(|path| table_of_path(path, tables))
                    .map(|table| table.to_string())
                    .or_else(|| other.arg_mentions.names().next().map(str::to_string));
                return Some(Source::Table {
                    library,
                    tables,
                    statement: write.statement,
                    table,
                });
            }
            // `Order::insert(model)`, `order::Entity::update_many()`, run with `exec`.
            if written.len() >= 2 && runs_with_exec {
                let entity_write = self.knowledge.sql_libraries.iter().find_map(|library| {
                    let entities = library.entities.as_ref()?;
                    let write = entities.writes.iter().find(|write| write.name == last)?;
                    Some((library, entities, write))
                });
                if let Some((library, entities, write)) = entity_write {
                    let entity = written[written.len() - 2].to_string();
                    let entity = if entity == entities.entity_type && written.len() >= 3 {
                        written[written.len() - 3].to_string()
                    } else {
                        entity
                    };
                    return Some(Source::Entity {
                        library,
                        entities,
                        statement: write.statement,
                        entity,
                    });
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
        if let Some(included) = self.included_text_within(call.range) {
            return included.and_then(|text| sql::parse(&text));
        }
        if let Some(name) = call.arg_mentions.names().next() {
            let body = self.body();
            if let Some(local) = body.local_at(name, call.range.start) {
                if let Some(text) = local.init_mentions.literals().next() {
                    return match self.appended_text(name, local.scope, call.range.start) {
                        Ok(rest) => sql::parse(&format!("{text}{rest}")),
                        Err(reason) => Err(reason),
                    };
                }
                if let Some(parsed) = local
                    .init_range
                    .and_then(|range| self.parse_format_within(range))
                {
                    return parsed;
                }
                if let Some(included) = local
                    .init_range
                    .and_then(|range| self.included_text_within(range))
                {
                    return included.and_then(|text| sql::parse(&text));
                }
                return Err(format!(
                    "the SQL is in `{name}`, whose text is not visible here"
                ));
            }
        }
        // `sqlx::query(RESET_SQL)`, `sqlx::query(queries::RESET)`: a constant's text.
        let constant_text = call
            .arg_mentions
            .paths()
            .map(<[CompactString]>::to_vec)
            .chain(
                call.arg_mentions
                    .names()
                    .map(|name| vec![CompactString::from(name)]),
            )
            .find_map(|path| self.constant_text(&path));
        match constant_text {
            Some(text) => sql::parse(&text),
            None => Err("the SQL text is built elsewhere".to_string()),
        }
    }

    /// The SQL a text builder assembled (sqlx's `QueryBuilder::new("INSERT INTO t (a, b) ")`,
    /// then `.push(..)`, `.push_values(..)`, `.push_bind(..)` on it), as far as its pieces
    /// are literals, each bound value a placeholder; `None` when `call` does not build one.
    fn built_sql(&self, call: &CallSite) -> Option<Result<Vec<SqlStatement>, String>> {
        let Callee::Method {
            receiver: ValueExpr::Name(name),
            method,
        } = &call.callee
        else {
            return None;
        };
        let builder = self.knowledge.sql_libraries.iter().find_map(|library| {
            let builder = library.text_builder.as_ref()?;
            builder
                .build_methods
                .iter()
                .any(|known| known == method)
                .then_some(builder)
        })?;
        let body = self.body();
        let local = body.local_at(name, call.range.start)?;
        let Some(ValueExpr::Call { callee, .. }) = &local.init else {
            return None;
        };
        let constructs = match callee.as_slice() {
            [.., type_name, constructor] => {
                *type_name == builder.type_name
                    && builder
                        .constructors
                        .iter()
                        .any(|known| known == constructor)
            }
            _ => false,
        };
        if !constructs {
            return None;
        }
        let Some(start) = local.init_mentions.literals().next() else {
            return Some(Err(format!(
                "the SQL `{name}` starts with is not visible here"
            )));
        };
        // The pieces pushed on the builder before it is built, in order.
        let says = |methods: &[String], method: &str| methods.iter().any(|known| known == method);
        let mut pieces: Vec<(crate::location::Position, BuiltPiece<'_>)> = Vec::new();
        for pushed in &body.calls {
            let Callee::Method { receiver, method } = &pushed.callee else {
                continue;
            };
            if root_name(receiver) != Some(name.as_str())
                || !local.scope.contains(pushed.range.start)
                || pushed.range.start >= call.range.start
            {
                continue;
            }
            let piece = if says(&builder.push_methods, method) {
                BuiltPiece::Text(pushed.arg_mentions.literals().next())
            } else if says(&builder.bind_methods, method) {
                BuiltPiece::Binds(1)
            } else if says(&builder.values_methods, method) {
                // `push_values(rows, |mut row, r| { row.push_bind(r.a).push_bind(r.b); })`:
                // one row's binds, in parentheses.
                let binds = body
                    .calls
                    .iter()
                    .filter(|inner| {
                        pushed.range.contains_range(&inner.range)
                            && inner.range != pushed.range
                            && matches!(&inner.callee, Callee::Method { method, .. } if says(&builder.bind_methods, method))
                    })
                    .count();
                BuiltPiece::Values(binds.max(1))
            } else {
                continue;
            };
            pieces.push((pushed.range.start, piece));
        }
        pieces.sort_by_key(|(at, _)| *at);
        let mut text = start.to_string();
        let mut placeholders = 0;
        let mut placeholder = || {
            placeholders += 1;
            format!("${placeholders}")
        };
        for (_, piece) in pieces {
            match piece {
                BuiltPiece::Text(Some(pushed)) => text.push_str(pushed),
                BuiltPiece::Text(None) => {
                    let reason = format!("a piece of the SQL `{name}` builds is not visible here");
                    return Some(Err(reason));
                }
                BuiltPiece::Binds(count) => {
                    for _ in 0..count {
                        text.push_str(&placeholder());
                    }
                }
                BuiltPiece::Values(count) => {
                    let row: Vec<String> = (0..count).map(|_| placeholder()).collect();
                    text.push_str(&format!(" VALUES ({})", row.join(", ")));
                }
            }
        }
        Some(sql::parse(&text))
    }

    /// The text a `const`/`static` string of the workspace holds.
    fn constant_text(&self, path: &[CompactString]) -> Option<String> {
        let module = self.index.fn_def(self.function).module;
        match self.index.resolve_path(module, path) {
            Ok(Resolution::Static(static_module, name)) => self
                .index
                .module(static_module)
                .statics
                .get(&name)
                .and_then(|item| item.init_mentions.literals().next())
                .map(str::to_string),
            _ => None,
        }
    }

    /// What is appended to the string in local `name` between its `let` and `before`:
    /// `sql.push_str(" WHERE id = $1")`, `sql += " RETURNING id"`. A piece whose text is
    /// not a literal leaves the whole text unknown.
    fn appended_text(
        &self,
        name: &str,
        scope: TextRange,
        before: crate::location::Position,
    ) -> Result<String, String> {
        let body = self.body();
        let mut pieces: Vec<(crate::location::Position, Option<&str>)> = Vec::new();
        for call in &body.calls {
            if let Callee::Method {
                receiver: ValueExpr::Name(receiver),
                method,
            } = &call.callee
            {
                if receiver == name
                    && method == "push_str"
                    && scope.contains(call.range.start)
                    && call.range.start < before
                {
                    pieces.push((call.range.start, call.arg_mentions.literals().next()));
                }
            }
        }
        for assignment in &body.assignments {
            if assignment.target == name
                && assignment.operator == "+="
                && scope.contains(assignment.range.start)
                && assignment.range.start < before
            {
                pieces.push((assignment.range.start, assignment.value.literals().next()));
            }
        }
        pieces.sort_by_key(|(at, _)| *at);
        let mut text = String::new();
        for (_, piece) in pieces {
            match piece {
                Some(piece) => text.push_str(piece),
                None => {
                    return Err(format!(
                        "the SQL in `{name}` is built from pieces whose text is not visible here"
                    ))
                }
            }
        }
        Ok(text)
    }

    /// The text of a file included within `range` (`include_str!("toplevel.sql")`), or
    /// why it could not be read.
    fn included_text_within(&self, range: TextRange) -> Option<Result<String, String>> {
        let used = self
            .body()
            .macros
            .iter()
            .find(|used| used.is_include() && range.contains_range(&used.range))?;
        match used.included.as_deref() {
            Some(included) => Some(included.clone()),
            None => Some(Err(format!(
                "the SQL is included from `{}`, which was not read",
                used.literals.first().map_or("a file", |file| file.as_str())
            ))),
        }
    }

    /// The SQL of a `format!` template, its holes named after what fills them where that
    /// parses (`{table}` is a keyword to SQL), else all `x`, else empty (a hole that holds
    /// a whole clause: `GROUP BY c.id {} LIMIT $1`).
    fn parse_format_within(&self, range: TextRange) -> Option<Result<Vec<SqlStatement>, String>> {
        let named = self.format_text_within(range, HoleFill::Name)?;
        match sql::parse(&named) {
            Ok(statements) => Some(Ok(statements)),
            Err(_) => {
                let plain = self.format_text_within(range, HoleFill::X)?;
                match sql::parse(&plain) {
                    Ok(statements) => Some(Ok(statements)),
                    Err(reason) => Some(
                        self.format_text_within(range, HoleFill::Nothing)
                            .and_then(|bare| sql::parse(&bare).ok())
                            .ok_or(reason),
                    ),
                }
            }
        }
    }

    /// `format!("UPDATE {} SET ..", table)`: the template, its holes filled with a name so
    /// that it parses.
    fn format_text_within(&self, range: TextRange, fill: HoleFill) -> Option<String> {
        let used = self.body().macros.iter().find(|used| {
            range.contains_range(&used.range)
                && used.path.last().is_some_and(|last| last == "format")
        })?;
        // `format!(include_str!("toplevel.sql"), order)`: the included file is the template.
        let included;
        let template = match used.literals.first() {
            Some(template) => template.as_str(),
            None => {
                included = self.included_text_within(used.range)?.ok()?;
                included.as_str()
            }
        };
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
                    filled.push_str(match fill {
                        HoleFill::Name if is_name => name,
                        HoleFill::Name | HoleFill::X => "x",
                        HoleFill::Nothing => "",
                    });
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
    pub(super) fn sql_text_method(
        &self,
        call: &CallSite,
        receiver: &ValueExpr,
        method: &str,
    ) -> Option<StateAccess> {
        if !self
            .knowledge
            .sql_says(|library| &library.text_methods, method)
        {
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
            transition: statements.iter().any(|statement| statement.transition),
            executor: self.executor_of_value(receiver, call),
            key_table: false,
            binds_key: claims_key_column(self.knowledge, &statements)
                || call
                    .arg_mentions
                    .names()
                    .any(|name| self.knowledge.is_key_name(name)),
            outcome_checked: self.outcome_checked(call),
            failure_answered_by_read: false,
            inserted: statements.iter().find_map(|statement| {
                Some(self.inserted_sql_row(
                    statement.tables.first()?,
                    statement.insert.as_ref()?,
                    &Bound::Unseen,
                    call.range.start,
                ))
            }),
        })
    }

    /// sea-orm `model.insert(db)` on an `ActiveModel`.
    pub(super) fn active_model(
        &self,
        call: &CallSite,
        receiver: &ValueExpr,
        method: &str,
    ) -> Option<StateAccess> {
        let (library, entities, write) =
            self.knowledge.sql_libraries.iter().find_map(|library| {
                let entities = library.entities.as_ref()?;
                let write = entities
                    .model_writes
                    .iter()
                    .find(|write| write.name == method)?;
                Some((library, entities, write))
            })?;
        let statement = write.statement;
        let model_type = entities.model_type.as_str();
        let names_model = |path: &[CompactString]| path.iter().any(|segment| segment == model_type);
        let is_active_model = match receiver {
            ValueExpr::Name(name) => self.body().locals.iter().rev().any(|local| {
                local.name == *name
                    && local.scope.contains(call.range.start)
                    && (matches!(&local.init, Some(ValueExpr::StructLiteral(path)) if names_model(path))
                        || local.init_mentions.paths().any(names_model)
                        || local
                            .init_mentions
                            .mentions_method(&[entities.into_model_method.as_str()])
                        || local
                            .declared
                            .as_ref()
                            .is_some_and(|ty| names_model(&ty.path)))
            }),
            ValueExpr::StructLiteral(path) => names_model(path),
            _ => false,
        };
        if !is_active_model {
            return None;
        }
        // `order::ActiveModel`, or `order::Model { .. }.into_active_model()`: the module.
        let entity_of = |path: &[CompactString]| {
            let at = path.iter().position(|segment| {
                segment == model_type || segment == entities.row_model_type.as_str()
            })?;
            at.checked_sub(1).map(|before| path[before].to_string())
        };
        // The entity is named where the model was made: the latest binding of the name that
        // says (`let (app, meta) = model;` after `let app = application::ActiveModel::new(..)`
        // names it no more).
        let entity = match receiver {
            ValueExpr::Name(name) => self
                .body()
                .locals
                .iter()
                .rev()
                .filter(|local| local.name == *name && local.scope.contains(call.range.start))
                .find_map(|local| {
                    let literal_path = match &local.init {
                        Some(ValueExpr::StructLiteral(path)) => Some(path.as_slice()),
                        // `order::Model { .. }.into_active_model()`.
                        Some(ValueExpr::MethodCall { receiver, .. }) => match &**receiver {
                            ValueExpr::StructLiteral(path) => Some(path.as_slice()),
                            _ => None,
                        },
                        _ => None,
                    };
                    literal_path
                        .into_iter()
                        .chain(local.init_mentions.paths())
                        .find_map(&entity_of)
                        .or_else(|| local.declared.as_ref().and_then(|ty| entity_of(&ty.path)))
                })
                .unwrap_or_else(|| "model".to_string()),
            // `eventtype::ActiveModel { .. }.insert(db)`.
            ValueExpr::StructLiteral(path) => {
                entity_of(path).unwrap_or_else(|| "model".to_string())
            }
            _ => "model".to_string(),
        };
        Some(StateAccess {
            range: call.range,
            statement: call.statement,
            store: Store::Sql,
            api: format!("{} {model_type}::{method}", library.name),
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
            transition: false,
            failure_answered_by_read: false,
            inserted: (statement == "INSERT")
                .then(|| {
                    let ValueExpr::Name(model) = receiver else {
                        return None;
                    };
                    let (columns, complete) = self.struct_fields_of(
                        &[crate::index::Mention::Name(model.clone())],
                        call.range.start,
                    )?;
                    Some(InsertedValues {
                        table: entity.to_ascii_lowercase(),
                        columns,
                        conflict_target: None,
                        complete,
                        plain: true,
                        columns_from_parameter: None,
                    })
                })
                .flatten(),
        })
    }
}

/// diesel `update(holds.filter(status.eq("held"))).set(status.eq("released"))`: the filter
/// tests a column the update sets.
fn table_transition(chain: &[(usize, &CallSite)], tables: &TableBuilder) -> bool {
    let columns_by = |items: &[crate::index::Mention], testing: bool| -> Vec<String> {
        let pairs = |method: &str| {
            method == tables.column_method
                || testing && tables.compare_methods.iter().any(|known| known == method)
        };
        items
            .windows(2)
            .filter_map(|pair| match pair {
                [crate::index::Mention::Method(method), crate::index::Mention::Name(column)]
                    if pairs(method) =>
                {
                    Some(column.to_string())
                }
                [crate::index::Mention::Method(method), crate::index::Mention::Path(path)]
                    if pairs(method) =>
                {
                    path.last().map(ToString::to_string)
                }
                _ => None,
            })
            .collect()
    };
    let columns = |items: &[crate::index::Mention]| columns_by(items, false);
    let tested_columns = |items: &[crate::index::Mention]| columns_by(items, true);
    let starts_update = |name: &str| {
        tables
            .writes
            .iter()
            .any(|write| write.statement == "UPDATE" && write.name == name)
    };
    let (mut tested, mut set) = (Vec::new(), Vec::new());
    for (_, other) in chain {
        match &other.callee {
            Callee::Path(path) if path.last().is_some_and(|last| starts_update(last)) => {
                tested.extend(tested_columns(&other.arg_mentions.items))
            }
            Callee::Method { method, .. }
                if tables
                    .filter_methods
                    .iter()
                    .any(|known| known == method.as_str()) =>
            {
                tested.extend(tested_columns(&other.arg_mentions.items))
            }
            Callee::Method { method, .. } if *method == tables.set_method => {
                set.extend(columns(&other.arg_mentions.items))
            }
            _ => {}
        }
    }
    set.iter().any(|column| tested.contains(column))
}

fn as_strs(words: &[String]) -> Vec<&str> {
    words.iter().map(String::as_str).collect()
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
            crate::index::Mention::Name(name) => name.to_string(),
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

/// The table a path names: `orders::table` and `schema::orders::table` (the module diesel's
/// `table!` made, its item `table_item`), `orders::dsl::orders` and `orders_dsl::orders`
/// (the table re-exported by its `dsl` module, imported under an alias such as `use
/// schema::orders::dsl as orders_dsl`), else the first segment (`orders::id`).
fn table_of_path(path: &[CompactString], tables: &TableBuilder) -> Option<CompactString> {
    let dsl = tables.dsl_module.as_str();
    let is_dsl = |module: &str| {
        module == dsl
            || module
                .strip_suffix(dsl)
                .is_some_and(|alias| alias.ends_with('_'))
    };
    match path {
        [.., table, last] if *last == tables.table_item => Some(table.clone()),
        [.., module, table] if is_dsl(module) => Some(table.clone()),
        [first, ..] => Some(first.clone()),
        [] => None,
    }
}

/// What a `format!` hole is read as when its SQL is parsed.
#[derive(Clone, Copy)]
enum HoleFill {
    /// The name of what fills it: `{table}` reads as the table `table`.
    Name,
    /// A plain word: a value or a name.
    X,
    /// Nothing: the hole holds a clause, or nothing.
    Nothing,
}

/// Where a method chain starts: `query` in `query.filter(..).first(conn)`.
fn receiver_root(receiver: &ValueExpr) -> &ValueExpr {
    let mut root = receiver;
    while let ValueExpr::MethodCall { receiver, .. } = root {
        root = receiver;
    }
    root
}

/// A piece pushed on a SQL text builder.
enum BuiltPiece<'a> {
    /// Text, when it is a literal.
    Text(Option<&'a str>),
    /// Values bound in place.
    Binds(usize),
    /// A row of values (`VALUES ($1, $2)`), this many in it.
    Values(usize),
}

/// The variable at the root of a chain of method calls: `query` in `query.push(..).push(..)`.
fn root_name(value: &ValueExpr) -> Option<&str> {
    match value {
        ValueExpr::Name(name) => Some(name.as_str()),
        ValueExpr::MethodCall { receiver, .. } => root_name(receiver),
        _ => None,
    }
}
