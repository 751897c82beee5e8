use super::*;

fn source(path: &str, text: &str, kind: SchemaSourceKind) -> SchemaSource {
    SchemaSource {
        root: "svc".to_string(),
        display_path: format!("svc/{path}"),
        text: text.to_string(),
        kind,
    }
}

/// The schemas as a run builds them: Rust files summarised by the one walk.
fn build(sources: &[SchemaSource]) -> Schemas {
    crate::analysis::build_schemas(
        sources,
        &crate::knowledge::Knowledge::builtin(),
        crate::DEFAULT_MAX_FILE_BYTES,
    )
}

fn schema(sources: &[SchemaSource]) -> Schema {
    let schemas = build(sources);
    match schemas.for_file("svc/src/main.rs", "") {
        SchemaFor::Found(schema) => schema.clone(),
        SchemaFor::NoMigrations => panic!("no schema"),
    }
}

fn keys(schema: &Schema, table: &str) -> Vec<(String, Vec<String>, String)> {
    schema
        .table(table)
        .map(|table| {
            table
                .unique_keys
                .iter()
                .map(|key| (key.name.clone(), key.columns.clone(), key.file.clone()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn columns_and_table_constraints_make_keys_with_postgres_names() {
    let schema = schema(&[source(
        "migrations/1_users.sql",
        r#"
        create extension if not exists "uuid-ossp";
        create or replace function set_updated_at() returns trigger as $$
        begin NEW.updated_at = now(); return NEW; end; $$ language plpgsql;
        create collation case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
        create table "user" (
            user_id uuid primary key default uuid_generate_v1mc(),
            username text collate "case_insensitive" unique not null,
            email text not null,
            bio text not null default '',
            constraint user_email_unique unique (email)
        );
        CREATE TABLE follows (a UUID NOT NULL, b UUID NOT NULL, PRIMARY KEY (a, b));
        "#,
        SchemaSourceKind::SqlMigration,
    )]);
    assert_eq!(
        keys(&schema, "user"),
        vec![
            (
                "user_pkey".into(),
                vec!["user_id".into()],
                "svc/migrations/1_users.sql".into()
            ),
            (
                "user_username_key".into(),
                vec!["username".into()],
                "svc/migrations/1_users.sql".into()
            ),
            (
                "user_email_unique".into(),
                vec!["email".into()],
                "svc/migrations/1_users.sql".into()
            ),
        ]
    );
    assert_eq!(keys(&schema, "follows")[0].1, vec!["a", "b"]);
    let user = schema.table("user").expect("user");
    assert!(matches!(
        user.column("user_id").map(|c| &c.default),
        Some(ColumnDefault::Fresh(_))
    ));
    assert_eq!(
        user.column("bio").map(|c| &c.default),
        Some(&ColumnDefault::Constant)
    );
}

#[test]
fn migrations_apply_in_version_order_with_alters_and_drops() {
    let schema = schema(&[
        source(
            "migrations/20240301000000_drop.sql",
            "ALTER TABLE accounts DROP CONSTRAINT accounts_email_key; DROP INDEX accounts_handle_idx;",
            SchemaSourceKind::SqlMigration,
        ),
        source(
            "migrations/20240101000000_create.sql",
            "CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, email TEXT UNIQUE, handle TEXT, tenant INT, ext TEXT);
             CREATE UNIQUE INDEX accounts_handle_idx ON accounts (lower(handle));",
            SchemaSourceKind::SqlMigration,
        ),
        source(
            "migrations/20240201000000_alter.sql",
            "ALTER TABLE accounts ADD CONSTRAINT accounts_ext_unique UNIQUE (tenant, ext);
             ALTER TABLE accounts RENAME COLUMN ext TO external_id;
             ALTER TABLE accounts ADD COLUMN slug TEXT UNIQUE;
             CREATE TABLE gone (id INT PRIMARY KEY); DROP TABLE gone;",
            SchemaSourceKind::SqlMigration,
        ),
    ]);
    let names: Vec<(String, Vec<String>)> = keys(&schema, "accounts")
        .into_iter()
        .map(|(name, columns, _)| (name, columns))
        .collect();
    assert_eq!(
        names,
        vec![
            ("accounts_pkey".into(), vec!["id".into()]),
            (
                "accounts_ext_unique".into(),
                vec!["tenant".into(), "external_id".into()]
            ),
            ("accounts_slug_key".into(), vec!["slug".into()]),
        ]
    );
    assert!(schema.table("gone").is_none());
    let id = schema
        .table("accounts")
        .and_then(|t| t.column("id"))
        .expect("id");
    assert!(matches!(id.default, ColumnDefault::Fresh(_)));
}

#[test]
fn a_primary_key_on_the_columns_of_a_dropped_unique_constraint_survives() {
    let schema = schema(&[source(
        "migrations/1.sql",
        "CREATE TABLE allowlist (id SERIAL PRIMARY KEY, instance_id INT NOT NULL UNIQUE);
         ALTER TABLE allowlist DROP COLUMN id, ADD PRIMARY KEY (instance_id), DROP CONSTRAINT allowlist_instance_id_key;",
        SchemaSourceKind::SqlMigration,
    )]);
    let names: Vec<(String, Vec<String>)> = keys(&schema, "allowlist")
        .into_iter()
        .map(|(name, columns, _)| (name, columns))
        .collect();
    assert_eq!(
        names,
        vec![("allowlist_pkey".into(), vec!["instance_id".into()])]
    );
}

#[test]
fn diesel_schema_adds_primary_keys_of_tables_sql_does_not_know() {
    let schema = schema(&[
        source(
            "src/schema.rs",
            "diesel::table! { use diesel::sql_types::*; posts (post_id) { post_id -> Int4, title -> Text, } }
             diesel::table! { #[sql_name = \"users\"] people { id -> Uuid, r#type -> Text, } }
             diesel::allow_tables_to_appear_in_same_query!(posts, people);",
            SchemaSourceKind::DieselSchema,
        ),
        source(
            "migrations/2021-01-01-000000_posts/up.sql",
            "CREATE TABLE posts (post_id SERIAL PRIMARY KEY, title TEXT NOT NULL UNIQUE);",
            SchemaSourceKind::SqlMigration,
        ),
    ]);
    assert_eq!(keys(&schema, "posts").len(), 2, "SQL wins for posts");
    assert_eq!(
        keys(&schema, "users"),
        vec![(
            "users_pkey".into(),
            vec!["id".into()],
            "svc/src/schema.rs".into()
        )]
    );
    assert!(schema
        .table("users")
        .and_then(|t| t.column("type"))
        .is_some());
}

#[test]
fn sea_orm_migrations_are_read_from_their_sql_literals() {
    let schema = schema(&[source(
        "migration/src/m20220101_000001_create_table.rs",
        r##"
        use sea_orm_migration::prelude::*;
        pub struct Migration;
        #[async_trait::async_trait]
        impl MigrationTrait for Migration {
            async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                let db = manager.get_connection();
                db.execute_unprepared(r#"CREATE TABLE "cake" ("id" serial PRIMARY KEY, "name" text NOT NULL)"#).await?;
                db.execute_unprepared("CREATE UNIQUE INDEX cake_name ON cake (name)").await?;
                Ok(())
            }
            async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                manager.get_connection().execute_unprepared("SELECT 1").await?;
                Ok(())
            }
        }
        "##,
        SchemaSourceKind::RustMigration,
    )]);
    let names: Vec<String> = keys(&schema, "cake").into_iter().map(|key| key.0).collect();
    assert_eq!(names, vec!["cake_pkey", "cake_name"]);
}

#[test]
fn code_runs_against_the_nearest_migrations() {
    let mut client = source(
        "migrations/1.sql",
        "CREATE TABLE history (id TEXT PRIMARY KEY);",
        SchemaSourceKind::SqlMigration,
    );
    client.root = "ws/client".to_string();
    client.display_path = "ws/client/migrations/1.sql".to_string();
    let mut server = source(
        "migrations/1.sql",
        "CREATE TABLE history (id BIGSERIAL PRIMARY KEY, client_id TEXT UNIQUE);",
        SchemaSourceKind::SqlMigration,
    );
    server.root = "ws/server".to_string();
    server.display_path = "ws/server/migrations/1.sql".to_string();
    let schemas = build(&[client, server]);
    let SchemaFor::Found(found) = schemas.for_file("ws/server/src/db.rs", "history") else {
        panic!("no schema");
    };
    assert_eq!(found.table("history").map(|t| t.unique_keys.len()), Some(2));
    assert!(matches!(
        Schemas::default().for_file("x.rs", "t"),
        SchemaFor::NoMigrations
    ));
}

#[test]
fn rust_migrations_keep_their_sql_in_constants_and_macros_in_the_order_written() {
    let schema = schema(&[source(
        "migration/src/m20240101_000001_ledger.rs",
        r##"
        const CREATE: &str = "CREATE TABLE ledger (id BIGINT PRIMARY KEY, entry TEXT NOT NULL)";
        pub async fn up(db: &Db) -> Result<(), DbErr> {
            db.execute_unprepared(CREATE).await?;
            db.execute_unprepared(&format!("create unique index ledger_entry on ledger (entry)")).await?;
            db.execute_unprepared("SELECT 1").await?;
            Ok(())
        }
        "##,
        SchemaSourceKind::RustMigration,
    )]);
    let names: Vec<String> = keys(&schema, "ledger")
        .into_iter()
        .map(|key| key.0)
        .collect();
    assert_eq!(names, vec!["ledger_pkey", "ledger_entry"]);
}

#[test]
fn foreign_keys_name_the_table_they_refer_to() {
    let schemas = build(&[source(
        "migrations/1_teams.sql",
        r#"
        create table teams (id uuid primary key, slug text not null unique);
        create table team_members (
            team_id uuid not null,
            user_id uuid not null references users (user_id),
            primary key (team_id, user_id),
            constraint team_members_team_fkey foreign key (team_id) references teams (id)
        );
        alter table team_members add column invited_by uuid;
        alter table team_members add constraint invited_fkey foreign key (invited_by) references public.users (user_id);
        "#,
        SchemaSourceKind::SqlMigration,
    )]);
    let refers = |column: &str| schemas.referenced_table("svc/src/main.rs", "team_members", column);
    assert_eq!(refers("team_id"), Some("teams"));
    assert_eq!(refers("user_id"), Some("users"));
    assert_eq!(refers("invited_by"), Some("users"));
    assert_eq!(
        schemas.referenced_table("svc/src/main.rs", "teams", "slug"),
        None
    );
    assert_eq!(
        schemas.table_name("svc/src/main.rs", "team_member"),
        Some("team_members")
    );
}
