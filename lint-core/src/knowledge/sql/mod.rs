//! SQL libraries, one record per file: how a query is written (a macro, a function or a
//! method given SQL text, a query builder), how it is run, how a transaction opens and
//! commits, and which builder methods write what.
//!
//! The facts interpret these records: `facts/state/queries.rs` reads SQL text with
//! sqlparser whichever library carries it, and the two builder shapes — free functions
//! over a table module (diesel's `insert_into(orders::table)`) and entities with active
//! models (sea-orm's `Order::insert(model)`, `model.insert(db)`) — as the records say.

pub mod diesel;
pub mod sea_orm;
pub mod sqlx;
pub mod tokio_postgres;

use super::Path;

/// The words a statement that changes a schema starts with: a Rust migration's string
/// literals that start with one are its SQL.
pub const SCHEMA_CHANGING_WORDS: &[&str] = &["CREATE", "ALTER", "DROP"];

/// Extensions of the files a query is kept in and included at compile time
/// (`diesel::sql_query(include_str!("toplevel.sql"))`): their text is read as the query's.
pub const QUERY_FILE_EXTENSIONS: &[&str] = &["sql"];

/// Every SQL library the analysis knows of.
pub fn builtin() -> Vec<SqlLibrary> {
    vec![
        sqlx::record(),
        diesel::record(),
        sea_orm::record(),
        tokio_postgres::record(),
    ]
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SqlLibrary {
    /// The crate users name it by: `sqlx`.
    pub name: String,
    /// Crates of the library and its pool or async adapters (`diesel_async`,
    /// `deadpool_postgres`): a call into one that no record describes may be a write the
    /// facts miss.
    pub crates: Vec<String>,
    /// Macros whose string arguments the walk keeps, for the SQL in them: `query!`.
    pub query_macros: Vec<String>,
    /// Macros of the crate that run a query, by the start of their name (`query` covers
    /// `query!`, `query_as!`, `query_file!`, whose SQL is in a file and cannot be read).
    pub query_macro_prefix: Option<String>,
    /// Query macros whose SQL is in a file their first string argument names, from the
    /// crate's manifest folder: sqlx's `query_file!("queries/unread.sql", ..)`.
    pub file_query_macros: Vec<String>,
    /// Functions whose first string argument is SQL text: `sqlx::query("..")`.
    pub text_functions: Vec<Path>,
    /// Methods of a connection that take SQL text and run it on the receiver:
    /// `client.execute("UPDATE ..", &[..])`.
    pub text_methods: Vec<String>,
    /// Methods that run a query built before them; their argument is the executor.
    pub run_methods: Vec<String>,
    /// Methods of a query that bind a value into it, in order: sqlx's `.bind(x)`.
    pub bind_methods: Vec<String>,
    /// Methods that run a query and hand back the one row it touched (optionally): a
    /// write run this way has its outcome looked at.
    pub row_methods: Vec<String>,
    /// Methods that open a transaction (returning it, or given a closure that is one).
    pub transaction_methods: Vec<String>,
    pub commit_methods: Vec<String>,
    /// Methods of a builder write that make it conditional on a conflict.
    pub conflict_methods: Vec<String>,
    /// A builder of SQL text, as sqlx's `QueryBuilder`.
    pub text_builder: Option<TextBuilder>,
    /// A query builder over table modules, as diesel's.
    pub tables: Option<TableBuilder>,
    /// A query builder over entities and active models, as sea-orm's.
    pub entities: Option<EntityBuilder>,
    /// Functions and methods of the store's API that write state by themselves
    /// (`ledger::Repo::debit`): a call to one is a write, judged by Q1 as a SQL statement
    /// is. None are built in; a team declares its data layer's in its configuration.
    pub write_functions: Vec<WriteApi>,
}

/// A function or method that writes state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteApi {
    /// `["ledger", "Repo", "debit"]`: a function, or a method with its type.
    pub path: Path,
    /// Whether repeating the call with the same arguments leaves the same state (an
    /// upsert on a natural key): `false` unless the configuration says so.
    pub idempotent: bool,
}

/// A builder of SQL text: `QueryBuilder::new("INSERT INTO t (a, b) ")`, pieces pushed on it
/// in order, then built and run (`query.build().execute(&pool)`). The SQL is read as far as
/// its pieces are literals, each bound value a placeholder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextBuilder {
    /// The builder's type, and its constructors whose string argument starts the text.
    pub type_name: String,
    pub constructors: Vec<String>,
    /// Methods that append text: `.push(" WHERE id = ")`.
    pub push_methods: Vec<String>,
    /// Methods that append a bound value's placeholder: `.push_bind(id)`.
    pub bind_methods: Vec<String>,
    /// Methods that append `VALUES` rows, each row's values bound by the closure given:
    /// `.push_values(rows, |mut b, row| { b.push_bind(row.a); })`.
    pub values_methods: Vec<String>,
    /// Methods that turn the builder into the query that runs: `.build()`.
    pub build_methods: Vec<String>,
}

/// Free functions of the crate that start a write on a table module
/// (`diesel::insert_into(orders::table)`), and reads run on a table
/// (`orders.filter(..).load(conn)`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableBuilder {
    pub writes: Vec<BuilderWrite>,
    /// Writes a row starts as its own method, given the table: diesel's
    /// `new_config.insert_into(configs::table)` (the `Insertable` form of `insert_into`).
    pub row_writes: Vec<BuilderWrite>,
    /// Methods that run a read on a table.
    pub reads: Vec<String>,
    /// Methods of a read that lock the rows it returns until the transaction ends:
    /// `.for_update()`.
    pub lock_methods: Vec<String>,
    /// The item a table module holds (`orders::table`): the table is the module.
    pub table_item: String,
    /// The module of a table that re-exports its columns and the table itself
    /// (`orders::dsl::orders`); teams also import it under an alias ending in `_<module>`
    /// (`use schema::orders::dsl as orders_dsl`).
    pub dsl_module: String,
    /// The method of a column that pairs it with a value, to set or to test:
    /// `users::email.eq(e)`.
    pub column_method: String,
    /// The method of an insert that takes the row: `.values((..))`.
    pub values_method: String,
    /// The method of an update that takes what it sets: `.set(balance.eq(balance - x))`.
    pub set_method: String,
    /// Methods that narrow a query to the rows it touches: `.filter(status.eq("held"))`.
    pub filter_methods: Vec<String>,
    /// Methods of a column, besides the one that pairs it with a value, that test it in a
    /// filter: `.filter(status.ne_all(vec![Finalized, Void]))`.
    pub compare_methods: Vec<String>,
    /// The method of an insert that names the conflict target: `.on_conflict(users::email)`.
    pub conflict_target_method: String,
    /// The method of a table that stands for its primary key as a conflict target:
    /// `.on_conflict(users::table.primary_key())`.
    pub primary_key_method: String,
    /// Methods that turn an insert's conflict into an update (an upsert): `.do_update()`.
    pub upsert_methods: Vec<String>,
    /// The item macro that declares a table in the crate's schema file, and how it reads:
    /// `table! { #[sql_name = "users"] users (id) { id -> Uuid, .. } }`.
    pub schema: TableMacro,
}

/// A table declared by a macro: its name (or the attribute that renames it), its primary
/// key in parentheses (or the default one), its columns each followed by `->`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableMacro {
    pub name: String,
    pub name_attribute: String,
    pub default_primary_key: Vec<String>,
}

/// Entities (`Order::insert(model)`, `order::Entity::find()`) and their active models
/// (`model.insert(db)`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntityBuilder {
    /// Associated functions of an entity that start a write.
    pub writes: Vec<BuilderWrite>,
    /// Methods of an active model that write it.
    pub model_writes: Vec<BuilderWrite>,
    /// Methods that run a write started by an entity's function: `.exec(db)`.
    pub run_methods: Vec<String>,
    /// Methods that run a read started by a `find` function of an entity.
    pub reads: Vec<String>,
    /// Methods of a find that lock the rows it returns: `.lock_exclusive()`.
    pub lock_methods: Vec<String>,
    /// Methods mentioned in an insert's conflict clause that make it conditional
    /// (`OnConflict::column(..).do_nothing()`), and those of them that update instead.
    pub conflict_clause_methods: Vec<String>,
    pub upsert_clause_methods: Vec<String>,
    pub find_prefix: String,
    /// The type an entity's module defines (`order::Entity`): the entity is the module.
    pub entity_type: String,
    /// The active model's type, and the method that turns a model into one.
    pub model_type: String,
    pub into_model_method: String,
    /// The model's own type, which that method turns into an active model
    /// (`jwt_storage::Model { .. }.into_active_model()`): named in its entity's module too.
    pub row_model_type: String,
    /// Methods of an update's value that make it relative to the old one:
    /// `Expr::col(Balance).sub(amount)`.
    pub relative_methods: Vec<String>,
    /// Constructors of an active model's field that set a column (`Set(x)`), and those that
    /// leave it to the database (`NotSet`).
    pub value_set: Vec<String>,
    pub value_not_set: Vec<String>,
}

/// A builder call that writes, and the statement it amounts to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuilderWrite {
    pub name: String,
    /// `INSERT`, `INSERT OR IGNORE`, `REPLACE`, `UPSERT`, `UPDATE` or `DELETE`.
    pub statement: &'static str,
}

pub(crate) fn writes(pairs: &[(&str, &'static str)]) -> Vec<BuilderWrite> {
    pairs
        .iter()
        .map(|(name, statement)| BuilderWrite {
            name: name.to_string(),
            statement,
        })
        .collect()
}

impl SqlLibrary {
    /// Whether a crate is this library's or one of its adapters'.
    pub fn owns_crate(&self, name: &str) -> bool {
        self.crates.iter().any(|known| known == name)
    }

    /// Whether a macro path is one of the library's query macros: `sqlx::query_as!`.
    pub fn is_query_macro(&self, path: &[impl AsRef<str>]) -> bool {
        let named = |last: &str| {
            self.query_macros.iter().any(|known| known == last)
                || self
                    .query_macro_prefix
                    .as_ref()
                    .is_some_and(|prefix| last.starts_with(prefix.as_str()))
        };
        path.first()
            .is_some_and(|first| self.owns_crate(first.as_ref()))
            && path.last().is_some_and(|last| named(last.as_ref()))
    }

    /// Whether the library has query macros at all.
    pub fn has_query_macros(&self) -> bool {
        self.query_macro_prefix.is_some() || !self.query_macros.is_empty()
    }
}

/// Whether any of the libraries has `word` in the list `list` picks.
pub fn any_says(libraries: &[SqlLibrary], list: fn(&SqlLibrary) -> &[String], word: &str) -> bool {
    libraries
        .iter()
        .any(|library| list(library).iter().any(|known| known == word))
}
