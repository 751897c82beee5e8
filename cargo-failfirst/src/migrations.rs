//! Finding the files that describe the database schema, so that the analysis knows which
//! inserts a unique key protects: SQL migrations (sqlx, refinery, diesel's `up.sql`),
//! diesel's `schema.rs` (named by `diesel.toml`), and the sources of a sea-orm migration
//! crate. The analysis reads their text; this module only decides which files those are.
//! The workspace's `.proto` files come with them: the gRPC contracts its calls are judged by.
//!
//! May import: `config`, `display`.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use lint_core::facts::contract_files::{SchemaSource, SchemaSourceKind};

use crate::config::Exclusions;
use crate::display::display_path;

/// The schema files under `search_roots` (each walked whole, as `.gitignore` and the
/// configuration allow), and in a `migrations` folder directly inside an ancestor of
/// `crate_dirs` (a workspace whose migrations sit at its root, linted one crate at a time).
/// Each is read through `max_file_bytes`, stopping one byte past it: the analysis reports
/// a longer one as over the limit (a generated 50 MB `.proto` would take gigabytes).
pub fn schema_sources(
    search_roots: &[PathBuf],
    crate_dirs: &[PathBuf],
    cwd: &Path,
    exclusions: &Exclusions,
    max_file_bytes: u64,
) -> Vec<SchemaSource> {
    let mut found: BTreeSet<(PathBuf, PathBuf, Kind)> = BTreeSet::new();
    for root in search_roots {
        walk(root, exclusions, &mut found);
    }
    if found.iter().all(|(_, _, kind)| *kind == Kind::Proto) {
        for dir in crate_dirs {
            for ancestor in dir.ancestors() {
                let migrations = ancestor.join("migrations");
                if migrations.is_dir() || ancestor.join("diesel.toml").is_file() {
                    walk_migrations_of(ancestor, exclusions, &mut found);
                    break;
                }
                if ancestor.join(".git").exists() {
                    break;
                }
            }
        }
    }
    found
        .into_iter()
        .filter_map(|(root, path, kind)| {
            let mut bytes = Vec::new();
            std::fs::File::open(&path)
                .and_then(|file| {
                    file.take(max_file_bytes.saturating_add(1))
                        .read_to_end(&mut bytes)
                })
                .ok()?;
            Some(SchemaSource {
                root: display_path(&root, cwd),
                display_path: display_path(&path, cwd),
                text: String::from_utf8_lossy(&bytes).into_owned(),
                kind: kind.source_kind(),
            })
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Sql,
    DieselSchema,
    Rust,
    Proto,
}

impl Kind {
    fn source_kind(self) -> SchemaSourceKind {
        match self {
            Kind::Sql => SchemaSourceKind::SqlMigration,
            Kind::DieselSchema => SchemaSourceKind::DieselSchema,
            Kind::Rust => SchemaSourceKind::RustMigration,
            Kind::Proto => SchemaSourceKind::Proto,
        }
    }
}

fn walker(root: &Path, exclusions: &Exclusions) -> ignore::Walk {
    let mut builder = ignore::WalkBuilder::new(root);
    if let Some(matcher) = exclusions.matcher() {
        builder.overrides(matcher.clone());
    }
    builder
        .follow_links(false)
        .require_git(false)
        .filter_entry(|entry| entry.file_name() != "target" && entry.file_name() != "node_modules");
    builder.build()
}

/// Every schema file under `root`.
fn walk(root: &Path, exclusions: &Exclusions, found: &mut BTreeSet<(PathBuf, PathBuf, Kind)>) {
    let mut migration_crates: Vec<PathBuf> = Vec::new();
    for entry in walker(root, exclusions).flatten() {
        if !entry.file_type().is_some_and(|kind| kind.is_file()) {
            continue;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        if name == "diesel.toml" {
            diesel_schema_of(path, found);
        } else if name == "Cargo.toml" && depends_on_sea_orm_migration(path) {
            if let Some(dir) = path.parent() {
                migration_crates.push(dir.to_path_buf());
            }
        } else if let Some(owner) = sql_migration_owner(root, path) {
            found.insert((owner, path.to_path_buf(), Kind::Sql));
        } else if path
            .extension()
            .is_some_and(|extension| extension == "proto")
        {
            found.insert((root.to_path_buf(), path.to_path_buf(), Kind::Proto));
        }
    }
    for dir in migration_crates {
        // A sea-orm migration crate serves the crate or workspace it sits in.
        let owner = dir.parent().unwrap_or(&dir).to_path_buf();
        for entry in walker(&dir.join("src"), exclusions).flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|extension| extension == "rs") {
                found.insert((owner.clone(), path.to_path_buf(), Kind::Rust));
            }
        }
    }
}

/// The migrations (and `diesel.toml`'s schema) of one folder, without walking the rest of it.
fn walk_migrations_of(
    owner: &Path,
    exclusions: &Exclusions,
    found: &mut BTreeSet<(PathBuf, PathBuf, Kind)>,
) {
    let diesel = owner.join("diesel.toml");
    if diesel.is_file() {
        diesel_schema_of(&diesel, found);
    }
    let migrations = owner.join("migrations");
    if migrations.is_dir() {
        for entry in walker(&migrations, exclusions).flatten() {
            if let Some(found_owner) = sql_migration_owner(owner, entry.path()) {
                found.insert((found_owner, entry.path().to_path_buf(), Kind::Sql));
            }
        }
    }
}

/// For a `.sql` file in a `migrations` folder (below `root`), the folder that holds that
/// `migrations` folder. Down and undo migrations are left out.
fn sql_migration_owner(root: &Path, path: &Path) -> Option<PathBuf> {
    if path.extension().is_none_or(|extension| extension != "sql") {
        return None;
    }
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name == "down.sql"
        || name.ends_with(".down.sql")
        || name.starts_with('u') && name.contains("__")
    {
        return None;
    }
    let relative = path.strip_prefix(root).ok()?;
    let mut owner = root.to_path_buf();
    for component in relative.components() {
        let part = component.as_os_str().to_string_lossy();
        if part.starts_with("migration") && owner.join(component.as_os_str()).is_dir() {
            return Some(owner);
        }
        owner.push(component.as_os_str());
    }
    None
}

/// `diesel.toml`'s `[print_schema] file`, or `src/schema.rs` beside it.
fn diesel_schema_of(diesel_toml: &Path, found: &mut BTreeSet<(PathBuf, PathBuf, Kind)>) {
    let Some(dir) = diesel_toml.parent() else {
        return;
    };
    let configured = std::fs::read_to_string(diesel_toml)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|table| {
            let print_schema = table.get("print_schema")?;
            let file = print_schema.get("file")?.as_str()?;
            Some(dir.join(file))
        });
    let schema = configured.unwrap_or_else(|| dir.join("src/schema.rs"));
    if schema.is_file() {
        found.insert((dir.to_path_buf(), schema, Kind::DieselSchema));
    }
}

fn depends_on_sea_orm_migration(manifest: &Path) -> bool {
    std::fs::read_to_string(manifest)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .is_some_and(|table| {
            ["dependencies", "dev-dependencies"].iter().any(|key| {
                table
                    .get(*key)
                    .and_then(|dependencies| dependencies.as_table())
                    .is_some_and(|dependencies| dependencies.contains_key("sea-orm-migration"))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|error| panic!("{error}"));
        }
        std::fs::write(path, text).unwrap_or_else(|error| panic!("{error}"));
    }

    #[test]
    fn finds_sqlx_diesel_and_sea_orm_migrations_with_their_owners() {
        let root =
            std::env::temp_dir().join(format!("failfirst-migrations-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        write(&root, "Cargo.toml", "[workspace]\n");
        write(
            &root,
            "api/migrations/20240101_users.sql",
            "CREATE TABLE users (id INT PRIMARY KEY);",
        );
        write(
            &root,
            "api/migrations/20240102_users.down.sql",
            "DROP TABLE users;",
        );
        write(&root, "api/src/main.rs", "fn main() {}");
        write(
            &root,
            "blog/diesel.toml",
            "[print_schema]\nfile = \"src/db/schema.rs\"\n",
        );
        write(
            &root,
            "blog/src/db/schema.rs",
            "diesel::table! { posts (id) { id -> Int4, } }",
        );
        write(
            &root,
            "blog/migrations/2021-01-01-000000_posts/up.sql",
            "CREATE TABLE posts (id SERIAL PRIMARY KEY);",
        );
        write(
            &root,
            "blog/migrations/2021-01-01-000000_posts/down.sql",
            "DROP TABLE posts;",
        );
        write(
            &root,
            "migration/Cargo.toml",
            "[package]\nname = \"migration\"\n[dependencies]\nsea-orm-migration = \"1\"\n",
        );
        write(
            &root,
            "migration/src/m20220101_000001_create_table.rs",
            "fn up() {}",
        );
        write(
            &root,
            "target/migrations/1.sql",
            "CREATE TABLE built (id INT);",
        );
        write(&root, "api/proto/payments.proto", "syntax = \"proto3\";");
        let sources = schema_sources(
            std::slice::from_ref(&root),
            &[],
            &root,
            &Exclusions::default(),
            lint_core::DEFAULT_MAX_FILE_BYTES,
        );
        let shown: Vec<(String, String, SchemaSourceKind)> = sources
            .iter()
            .map(|source| {
                (
                    source.root.clone(),
                    source.display_path.clone(),
                    source.kind,
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                (
                    "".into(),
                    "api/proto/payments.proto".into(),
                    SchemaSourceKind::Proto
                ),
                (
                    "".into(),
                    "migration/src/m20220101_000001_create_table.rs".into(),
                    SchemaSourceKind::RustMigration
                ),
                (
                    "api".into(),
                    "api/migrations/20240101_users.sql".into(),
                    SchemaSourceKind::SqlMigration
                ),
                (
                    "blog".into(),
                    "blog/migrations/2021-01-01-000000_posts/up.sql".into(),
                    SchemaSourceKind::SqlMigration
                ),
                (
                    "blog".into(),
                    "blog/src/db/schema.rs".into(),
                    SchemaSourceKind::DieselSchema
                ),
            ]
        );
        // A crate linted on its own still finds the migrations at its workspace's root.
        let crate_only = schema_sources(
            &[],
            &[root.join("blog/src")],
            &root,
            &Exclusions::default(),
            lint_core::DEFAULT_MAX_FILE_BYTES,
        );
        assert_eq!(crate_only.len(), 2);
        let _ = std::fs::remove_dir_all(&root);
    }
}
