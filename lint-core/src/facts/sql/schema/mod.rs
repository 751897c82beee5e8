//! The schema a workspace's migrations build: tables, their columns, primary keys, `UNIQUE`
//! constraints and unique indexes, with `ALTER TABLE`s, renames and drops applied in
//! migration order. Read with `sqlparser`, one statement at a time, so that a statement it
//! cannot read (a `plpgsql` function, a `CREATE COLLATION`) costs only that statement.
//!
//! The binary finds and reads the files ([`SchemaSource`]); this module only interprets them:
//! the text of SQL migrations (sqlx, refinery, diesel's `up.sql`), and the summaries the one
//! walk of the index makes of Rust files (the analysis parses them): diesel's `schema.rs`
//! (`table!` gives each table's primary key), and the SQL literals of a sea-orm migration
//! crate (`manager.get_connection().execute_unprepared("CREATE TABLE ..")`).

use std::collections::BTreeMap;
use std::path::Path;

use sqlparser::ast::{
    AlterColumnOperation, AlterIndexOperation, AlterTableOperation, ColumnDef, ColumnOption,
    CreateIndex, CreateTable, Expr, IndexColumn, ObjectName, ObjectType, RenameTableNameKind,
    Statement, TableConstraint,
};

mod files;

use super::table_name;
use crate::facts::contract_files::{SchemaSource, SchemaSourceKind};
use crate::facts::{InsertedValues, ValueOrigin};
use crate::index::FileSummary;
use crate::knowledge::sql::SqlLibrary;
use files::{macro_tables, migration_order, sql_literals, statements};

/// The summary of a Rust schema file as the one walk makes it, with the walk told to keep
/// table macros and SQL literals (the analysis parses); `None` for a file that does not
/// parse.
pub type SummarizeRust<'a> = dyn Fn(&SchemaSource) -> Option<FileSummary> + 'a;

/// What building the schemas reads with: the SQL libraries' records (their table macros),
/// and how a Rust file becomes its summary.
pub struct SchemaReading<'a> {
    pub libraries: &'a [SqlLibrary],
    pub summarize: &'a SummarizeRust<'a>,
}

/// The schemas of a workspace, one per folder of migrations.
#[derive(Debug, Default)]
pub struct Schemas {
    sets: Vec<(String, Schema)>,
    /// The gRPC contracts of the workspace's `.proto` files.
    pub grpc: crate::facts::proto::GrpcContracts,
}

/// The schema that code in one file runs against, or why there is none.
#[derive(Clone, Copy, Debug)]
pub enum SchemaFor<'a> {
    Found(&'a Schema),
    /// No migrations or `schema.rs` were found in the workspace.
    NoMigrations,
}

impl Schemas {
    /// Reads every source, each folder's files in migration order.
    pub fn build(sources: &[SchemaSource], reading: &SchemaReading<'_>) -> Schemas {
        let mut by_root: BTreeMap<&str, Vec<&SchemaSource>> = BTreeMap::new();
        for source in sources
            .iter()
            .filter(|source| source.kind != SchemaSourceKind::Proto)
        {
            by_root
                .entry(source.root.as_str())
                .or_default()
                .push(source);
        }
        let sets = by_root
            .into_iter()
            .map(|(root, mut files)| {
                files.sort_by_cached_key(|source| migration_order(root, source));
                let mut schema = Schema::default();
                // SQL first, in order; `schema.rs` only adds the tables the SQL did not
                // create (it knows primary keys, not unique constraints).
                for source in files
                    .iter()
                    .filter(|source| source.kind != SchemaSourceKind::DieselSchema)
                {
                    schema.apply_source(source, reading);
                }
                for source in files
                    .iter()
                    .filter(|source| source.kind == SchemaSourceKind::DieselSchema)
                {
                    schema.apply_diesel_schema(source, reading);
                }
                (root.to_string(), schema)
            })
            .collect();
        Schemas {
            sets,
            grpc: crate::facts::proto::GrpcContracts::build(sources),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The schema of the code in `file`: the one whose folder is the nearest above it; when
    /// none is above it (migrations in a sibling crate), the only one there is, or else the
    /// first that knows `table`.
    pub fn for_file(&self, file: &str, table: &str) -> SchemaFor<'_> {
        if self.sets.is_empty() {
            return SchemaFor::NoMigrations;
        }
        let nearest = self
            .sets
            .iter()
            .filter(|(root, _)| Path::new(file).starts_with(root))
            .max_by_key(|(root, _)| Path::new(root).components().count());
        if let Some((_, schema)) = nearest {
            if schema.table_like(table).is_some() || self.sets.len() == 1 {
                return SchemaFor::Found(schema);
            }
        }
        let knows = self
            .sets
            .iter()
            .find(|(_, schema)| schema.table_like(table).is_some());
        match (knows, nearest) {
            (Some((_, schema)), _) => SchemaFor::Found(schema),
            (None, Some((_, schema))) => SchemaFor::Found(schema),
            (None, None) => SchemaFor::Found(&self.sets[0].1),
        }
    }
}

/// Tables by name, as the migrations leave them.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    tables: BTreeMap<String, Table>,
    /// Files read, and statements that could not be read (functions, collations …).
    pub files: usize,
    pub unread_statements: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub unique_keys: Vec<UniqueKey>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// What the database fills the column with when an `INSERT` leaves it out.
    pub default: ColumnDefault,
    /// The table a foreign key on it refers to (`REFERENCES coupon (id)`).
    pub references: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnDefault {
    /// Nothing: `NULL`, which a unique key does not compare.
    None,
    /// The same value every time (`DEFAULT ''`, `DEFAULT 'active'`).
    Constant,
    /// A new value every time: a serial or identity column, `DEFAULT gen_random_uuid()`,
    /// `DEFAULT now()`. The text says which.
    Fresh(String),
}

/// A primary key, `UNIQUE` constraint or unique index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UniqueKey {
    /// The constraint's name, as Postgres names it when the migration does not
    /// (`users_email_key`, `users_pkey`).
    pub name: String,
    pub columns: Vec<String>,
    pub primary: bool,
    /// The migration that created it.
    pub file: String,
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// The table an entity or model names: its own name, or its plural or singular (an
    /// ORM entity `user` whose table is `users`, `category` and `categories`).
    pub fn table_like(&self, name: &str) -> Option<&Table> {
        let mut candidates = vec![name.to_string(), format!("{name}s"), format!("{name}es")];
        if let Some(stem) = name.strip_suffix('y') {
            candidates.push(format!("{stem}ies"));
        }
        if let Some(stem) = name.strip_suffix('s') {
            candidates.push(stem.to_string());
        }
        candidates
            .iter()
            .find_map(|candidate| self.tables.get(candidate))
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.tables.values()
    }

    fn apply_source(&mut self, source: &SchemaSource, reading: &SchemaReading<'_>) {
        self.files += 1;
        match source.kind {
            SchemaSourceKind::SqlMigration => self.apply_sql(&source.text, &source.display_path),
            SchemaSourceKind::RustMigration => {
                let literals = (reading.summarize)(source)
                    .map(|summary| sql_literals(&summary))
                    .unwrap_or_default();
                for literal in literals {
                    self.apply_sql(&literal, &source.display_path);
                }
            }
            SchemaSourceKind::DieselSchema => self.apply_diesel_schema(source, reading),
            // Contracts, not tables: `Schemas::build` hands them to `facts::proto`.
            SchemaSourceKind::Proto => {}
        }
    }

    /// Applies the statements of one SQL text in order.
    pub fn apply_sql(&mut self, text: &str, file: &str) {
        for statement in statements(text) {
            match statement {
                Some(statement) => self.apply(&statement, file),
                None => self.unread_statements += 1,
            }
        }
    }

    fn apply(&mut self, statement: &Statement, file: &str) {
        match statement {
            Statement::CreateTable(create) => self.create_table(create, file),
            Statement::CreateIndex(index) => self.create_index(index, file),
            Statement::AlterTable(alter) => {
                let mut name = object_table(&alter.name);
                for operation in &alter.operations {
                    if let Some(renamed) = self.alter_table(&name, operation, file) {
                        name = renamed;
                    }
                }
            }
            Statement::AlterIndex {
                name,
                operation: AlterIndexOperation::RenameIndex { index_name },
            } => {
                let (old, new) = (object_table(name), object_table(index_name));
                for key in self.keys_mut() {
                    if key.name == old {
                        key.name = new.clone();
                    }
                }
            }
            Statement::Drop {
                object_type: ObjectType::Table,
                names,
                ..
            } => {
                for name in names {
                    self.tables.remove(&object_table(name));
                }
            }
            Statement::Drop {
                object_type: ObjectType::Index,
                names,
                ..
            } => {
                for name in names {
                    let name = object_table(name);
                    for table in self.tables.values_mut() {
                        table.unique_keys.retain(|key| key.name != name);
                    }
                }
            }
            _ => {}
        }
    }

    fn keys_mut(&mut self) -> impl Iterator<Item = &mut UniqueKey> {
        self.tables
            .values_mut()
            .flat_map(|table| table.unique_keys.iter_mut())
    }

    fn create_table(&mut self, create: &CreateTable, file: &str) {
        let name = object_table(&create.name);
        if create.if_not_exists && self.tables.contains_key(&name) {
            return;
        }
        // `CREATE TABLE t AS SELECT ..` and `LIKE` copy no constraints worth knowing.
        if create.query.is_some() {
            return;
        }
        let mut table = Table {
            name: name.clone(),
            ..Table::default()
        };
        for column in &create.columns {
            table.add_column(column, file);
        }
        for constraint in &create.constraints {
            table.add_constraint(constraint, file);
        }
        self.tables.insert(name, table);
    }

    fn create_index(&mut self, index: &CreateIndex, file: &str) {
        if !index.unique {
            return;
        }
        let table_name = object_table(&index.table_name);
        let Some(table) = self.tables.get_mut(&table_name) else {
            return;
        };
        let columns = index_columns(&index.columns);
        if columns.is_empty() {
            return;
        }
        let name = index
            .name
            .as_ref()
            .map(object_table)
            .unwrap_or_else(|| format!("{table_name}_{}_idx", columns.join("_")));
        table.add_key(UniqueKey {
            name,
            columns,
            primary: false,
            file: file.to_string(),
        });
    }

    /// Applies one operation; gives the table's new name when it renames it.
    fn alter_table(
        &mut self,
        name: &str,
        operation: &AlterTableOperation,
        file: &str,
    ) -> Option<String> {
        if let AlterTableOperation::RenameTable { table_name } = operation {
            let new_name = match table_name {
                RenameTableNameKind::As(new) | RenameTableNameKind::To(new) => object_table(new),
            };
            let mut table = self.tables.remove(name)?;
            table.name = new_name.clone();
            self.tables.insert(new_name.clone(), table);
            return Some(new_name);
        }
        let table = self.tables.get_mut(name)?;
        match operation {
            AlterTableOperation::AddConstraint { constraint, .. } => {
                table.add_constraint(constraint, file)
            }
            AlterTableOperation::AddColumn { column_def, .. } => table.add_column(column_def, file),
            AlterTableOperation::DropConstraint { name, .. } => {
                let name = name.value.to_ascii_lowercase();
                table.unique_keys.retain(|key| key.name != name);
            }
            AlterTableOperation::DropPrimaryKey { .. } => {
                table.unique_keys.retain(|key| !key.primary);
            }
            AlterTableOperation::DropIndex { name } => {
                let name = name.value.to_ascii_lowercase();
                table.unique_keys.retain(|key| key.name != name);
            }
            AlterTableOperation::DropColumn { column_names, .. } => {
                for column in column_names {
                    let column = column.value.to_ascii_lowercase();
                    table.columns.retain(|known| known.name != column);
                    table
                        .unique_keys
                        .retain(|key| !key.columns.contains(&column));
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let old = old_column_name.value.to_ascii_lowercase();
                let new = new_column_name.value.to_ascii_lowercase();
                for column in table.columns.iter_mut().filter(|column| column.name == old) {
                    column.name = new.clone();
                }
                for key in &mut table.unique_keys {
                    for column in key.columns.iter_mut().filter(|column| **column == old) {
                        *column = new.clone();
                    }
                }
            }
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                let old = old_name.value.to_ascii_lowercase();
                for key in table.unique_keys.iter_mut().filter(|key| key.name == old) {
                    key.name = new_name.value.to_ascii_lowercase();
                }
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let column_name = column_name.value.to_ascii_lowercase();
                let default = match op {
                    AlterColumnOperation::SetDefault { value } => Some(default_of(value)),
                    AlterColumnOperation::DropDefault => Some(ColumnDefault::None),
                    _ => None,
                };
                if let Some(default) = default {
                    for column in table
                        .columns
                        .iter_mut()
                        .filter(|column| column.name == column_name)
                    {
                        column.default = default.clone();
                    }
                }
            }
            _ => {}
        }
        None
    }

    /// `table! { users (id) { .. } }`: a table not created by SQL migrations gets its
    /// primary key from `schema.rs`.
    fn apply_diesel_schema(&mut self, source: &SchemaSource, reading: &SchemaReading<'_>) {
        self.files += 1;
        let tables = (reading.summarize)(source)
            .map(|summary| macro_tables(&summary, reading.libraries))
            .unwrap_or_default();
        for (name, primary_key, columns) in tables {
            if self.tables.contains_key(&name) || primary_key.is_empty() {
                continue;
            }
            let mut table = Table {
                name: name.clone(),
                columns: columns
                    .into_iter()
                    .map(|column| Column {
                        name: column,
                        default: ColumnDefault::None,
                        references: None,
                    })
                    .collect(),
                unique_keys: Vec::new(),
            };
            table.add_key(UniqueKey {
                name: format!("{name}_pkey"),
                columns: primary_key,
                primary: true,
                file: source.display_path.clone(),
            });
            self.tables.insert(name, table);
        }
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|column| column.name == name)
    }

    fn add_key(&mut self, key: UniqueKey) {
        if key.primary {
            self.unique_keys.retain(|known| !known.primary);
        }
        // Keys are told apart by name: a primary key added on the columns of a unique
        // constraint that a later statement drops must survive the drop.
        if !self.unique_keys.iter().any(|known| known.name == key.name) {
            self.unique_keys.push(key);
        }
    }

    fn add_column(&mut self, column: &ColumnDef, file: &str) {
        let name = column.name.value.to_ascii_lowercase();
        let type_text = column.data_type.to_string().to_ascii_lowercase();
        let mut default = if type_text.contains("serial") {
            ColumnDefault::Fresh(format!("a `{type_text}` column"))
        } else {
            ColumnDefault::None
        };
        let mut references = None;
        for option in &column.options {
            match &option.option {
                ColumnOption::Default(value) => default = default_of(value),
                ColumnOption::ForeignKey(foreign) => {
                    references = Some(object_table(&foreign.foreign_table))
                }
                ColumnOption::Identity(_) | ColumnOption::Generated { .. } => {
                    default = ColumnDefault::Fresh("an identity column".to_string())
                }
                ColumnOption::DialectSpecific(tokens)
                    if tokens.iter().any(|token| {
                        token.to_string().eq_ignore_ascii_case("AUTO_INCREMENT")
                            || token.to_string().eq_ignore_ascii_case("AUTOINCREMENT")
                    }) =>
                {
                    default = ColumnDefault::Fresh("an auto-increment column".to_string())
                }
                ColumnOption::PrimaryKey(_) => {
                    // SQLite's `INTEGER PRIMARY KEY` is the rowid: a new one every insert.
                    if type_text == "integer" && default == ColumnDefault::None {
                        default = ColumnDefault::Fresh("the rowid".to_string());
                    }
                    let key = column_key(option, &name, format!("{}_pkey", self.name), true, file);
                    self.add_key(key);
                }
                ColumnOption::Unique(_) => {
                    let unnamed = format!("{}_{name}_key", self.name);
                    let key = column_key(option, &name, unnamed, false, file);
                    self.add_key(key);
                }
                _ => {}
            }
        }
        self.columns.retain(|known| known.name != name);
        self.columns.push(Column {
            name,
            default,
            references,
        });
    }

    fn add_constraint(&mut self, constraint: &TableConstraint, file: &str) {
        let (name, columns, primary) = match constraint {
            TableConstraint::PrimaryKey(primary) => {
                (primary.name.as_ref(), index_columns(&primary.columns), true)
            }
            TableConstraint::Unique(unique) => {
                (unique.name.as_ref(), index_columns(&unique.columns), false)
            }
            TableConstraint::ForeignKey(foreign) => {
                let referred = object_table(&foreign.foreign_table);
                for name in &foreign.columns {
                    let name = name.value.to_ascii_lowercase();
                    for column in self.columns.iter_mut().filter(|column| column.name == name) {
                        column.references = Some(referred.clone());
                    }
                }
                return;
            }
            _ => return,
        };
        if columns.is_empty() {
            return;
        }
        let table = &self.name;
        let name = name
            .map(|name| name.value.to_ascii_lowercase())
            .unwrap_or_else(|| {
                if primary {
                    format!("{table}_pkey")
                } else {
                    format!("{table}_{}_key", columns.join("_"))
                }
            });
        self.add_key(UniqueKey {
            name,
            columns,
            primary,
            file: file.to_string(),
        });
    }
}

/// A default that is a function call or a special value (`now()`, `gen_random_uuid()`,
/// `CURRENT_TIMESTAMP`, `nextval(..)`) is new each time; a literal is constant.
/// The key a column's `PRIMARY KEY` or `UNIQUE` makes: named as the constraint says, or as
/// Postgres names it (`unnamed`).
fn column_key(
    option: &sqlparser::ast::ColumnOptionDef,
    column: &str,
    unnamed: String,
    primary: bool,
    file: &str,
) -> UniqueKey {
    UniqueKey {
        name: option
            .name
            .as_ref()
            .map(|name| name.value.to_ascii_lowercase())
            .unwrap_or(unnamed),
        columns: vec![column.to_string()],
        primary,
        file: file.to_string(),
    }
}

fn default_of(value: &Expr) -> ColumnDefault {
    match value {
        Expr::Value(_) | Expr::TypedString { .. } => ColumnDefault::Constant,
        Expr::Cast { expr, .. } | Expr::Nested(expr) => default_of(expr),
        Expr::UnaryOp { expr, .. } => default_of(expr),
        Expr::Array(_) => ColumnDefault::Constant,
        Expr::Identifier(ident)
            if !ident.value.to_ascii_lowercase().starts_with("current_")
                && !ident.value.eq_ignore_ascii_case("localtimestamp") =>
        {
            ColumnDefault::Constant
        }
        other => ColumnDefault::Fresh(format!("`DEFAULT {other}`")),
    }
}

/// The columns of an index or constraint: a plain column, or the one column inside an
/// expression (`lower(email)`, `(email collate "ci")`).
fn index_columns(columns: &[IndexColumn]) -> Vec<String> {
    columns
        .iter()
        .filter_map(|column| expression_column(&column.column.expr))
        .collect()
}

fn expression_column(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Identifier(ident) => Some(ident.value.to_ascii_lowercase()),
        Expr::CompoundIdentifier(parts) => parts.last().map(|part| part.value.to_ascii_lowercase()),
        Expr::Nested(inner)
        | Expr::Collate { expr: inner, .. }
        | Expr::Cast { expr: inner, .. } => expression_column(inner),
        Expr::Function(function) => {
            let mut found = Vec::new();
            let _ = sqlparser::ast::visit_expressions(function, |inner: &Expr| {
                if let Expr::Identifier(ident) = inner {
                    found.push(ident.value.to_ascii_lowercase());
                }
                std::ops::ControlFlow::<()>::Continue(())
            });
            (found.len() == 1).then(|| found.remove(0))
        }
        _ => None,
    }
}

fn object_table(name: &ObjectName) -> String {
    table_name(&name.to_string())
}

#[cfg(test)]
mod tests;

/// A conflict target that names the table's primary key whatever its columns (diesel's
/// `.on_conflict(users::table.primary_key())`); no column is named so.
pub const PRIMARY_KEY_TARGET: &str = "PRIMARY KEY";

/// Which unique key a row meets on a retry, as the schema tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InsertKey {
    /// A unique key whose every column the insert fills with a value a retry repeats (the
    /// request's e-mail, a slug, a client-supplied id): a second run meets the first row.
    Natural(KeyRef),
    /// Every unique key of the table gets a fresh value (a new id, a serial, `now()`) or is
    /// left out: each run inserts a new row. The text names them.
    FreshOnly(String),
    /// The schema cannot tell; the text says why.
    Unknown(String),
}

/// A unique key, named for evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRef {
    pub table: String,
    pub name: String,
    pub columns: Vec<String>,
    pub file: String,
}

impl KeyRef {
    fn of(table: &Table, key: &UniqueKey) -> KeyRef {
        KeyRef {
            table: table.name.clone(),
            name: key.name.clone(),
            columns: key.columns.clone(),
            file: key.file.clone(),
        }
    }

    /// `` `users_email_key` (email) in migrations/2_user.sql ``
    pub fn describe(&self) -> String {
        format!(
            "`{}` ({}) in {}",
            self.name,
            self.columns.join(", "),
            self.file
        )
    }
}

impl Schemas {
    /// The unique key an insert written in `file` meets on a retry.
    pub fn key_of_insert(&self, file: &str, inserted: &InsertedValues) -> InsertKey {
        let schema = match self.for_file(file, &inserted.table) {
            SchemaFor::Found(schema) => schema,
            SchemaFor::NoMigrations => {
                return InsertKey::Unknown(
                    "no migrations or `schema.rs` were found, so its unique keys are not known"
                        .to_string(),
                )
            }
        };
        let Some(table) = schema.table_like(&inserted.table) else {
            return InsertKey::Unknown(format!(
                "the migrations read ({} files) do not create `{}`",
                schema.files, inserted.table
            ));
        };
        // A column the insert fills with a value the retry repeats, or leaves to a
        // constant default.
        let repeats = |column: &str| match inserted.origin(column) {
            Some(ValueOrigin::Given | ValueOrigin::Param { .. }) => Some(true),
            Some(ValueOrigin::Fresh(_)) => Some(false),
            Some(ValueOrigin::Default) | None => match table.column(column).map(|c| &c.default) {
                Some(ColumnDefault::Constant) => Some(true),
                Some(ColumnDefault::Fresh(_)) => Some(false),
                // Left out of a statement that lists every column: NULL, which a unique key
                // does not compare. Left out of a form not seen whole: not known.
                _ if inserted.complete => Some(false),
                _ => None,
            },
        };
        let mut unknown = false;
        for key in &table.unique_keys {
            match key
                .columns
                .iter()
                .map(|column| repeats(column))
                .collect::<Option<Vec<bool>>>()
            {
                Some(all) if all.iter().all(|repeat| *repeat) => {
                    return InsertKey::Natural(KeyRef::of(table, key))
                }
                Some(_) => {}
                None => unknown = true,
            }
        }
        if unknown {
            return InsertKey::Unknown(format!(
                "not every column of `{}`'s unique keys is seen in the values written",
                table.name
            ));
        }
        if table.unique_keys.is_empty() {
            return InsertKey::FreshOnly(format!("`{}` has no unique key", table.name));
        }
        let fresh: Vec<String> = table
            .unique_keys
            .iter()
            .flat_map(|key| key.columns.iter())
            .filter(|column| repeats(column) == Some(false))
            .map(|column| match inserted.origin(column) {
                Some(ValueOrigin::Fresh(what)) => format!("`{column}` from {what}"),
                _ => match table.column(column).map(|c| &c.default) {
                    Some(ColumnDefault::Fresh(what)) => format!("`{column}` from {what}"),
                    _ => format!("`{column}` left to the database"),
                },
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        InsertKey::FreshOnly(format!(
            "every unique key of `{}` gets a new value ({})",
            table.name,
            fresh.join(", ")
        ))
    }

    /// The table that a column's foreign key refers to.
    pub fn referenced_table(&self, file: &str, table: &str, column: &str) -> Option<&str> {
        let SchemaFor::Found(schema) = self.for_file(file, table) else {
            return None;
        };
        schema
            .table_like(table)?
            .column(column)?
            .references
            .as_deref()
    }

    /// The name the schema gives the table an insert names (an entity `user` is `users`).
    pub fn table_name(&self, file: &str, table: &str) -> Option<&str> {
        let SchemaFor::Found(schema) = self.for_file(file, table) else {
            return None;
        };
        schema.table_like(table).map(|table| table.name.as_str())
    }

    /// Whether `ON CONFLICT (columns)` names a unique key of the table: `Ok` with it, `Err`
    /// when the schema knows the table and no key has those columns, `None` when the
    /// schema does not know.
    pub fn conflict_target(
        &self,
        file: &str,
        table: &str,
        columns: &[String],
    ) -> Option<Result<KeyRef, ()>> {
        let SchemaFor::Found(schema) = self.for_file(file, table) else {
            return None;
        };
        let table = schema.table_like(table)?;
        if columns == [PRIMARY_KEY_TARGET] {
            return Some(
                table
                    .unique_keys
                    .iter()
                    .find(|key| key.primary)
                    .map(|key| KeyRef::of(table, key))
                    .ok_or(()),
            );
        }
        let mut wanted = columns.to_vec();
        wanted.sort();
        Some(
            table
                .unique_keys
                .iter()
                .find(|key| {
                    let mut have = key.columns.clone();
                    have.sort();
                    have == wanted
                })
                .map(|key| KeyRef::of(table, key))
                .ok_or(()),
        )
    }
}
