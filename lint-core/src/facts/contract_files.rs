//! The files beside the code that declare a workspace's contracts: its migrations and
//! diesel's `schema.rs` (tables and their keys, read by `sql::schema`) and its `.proto` files
//! (gRPC methods, read by `proto`). The binary finds and reads them; the analysis only
//! interprets them.

/// One contract file, as the binary found and read it.
#[derive(Clone, Debug)]
pub struct SchemaSource {
    /// The folder the migrations belong to (the crate or workspace folder that holds
    /// `migrations/`, or `diesel.toml`'s folder), shown as files are (relative to the
    /// current directory, `/`-separated): code in files under it runs against this schema.
    pub root: String,
    /// The file, shown the same way; its path under `root` orders the migrations.
    pub display_path: String,
    /// Read through the size limit (`max-file-size`), stopping one byte past it: a text
    /// longer than the limit is a file over it, reported as a `parse-error` and not read.
    pub text: String,
    pub kind: SchemaSourceKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaSourceKind {
    /// A migration written in SQL: sqlx's `migrations/<version>_<name>.sql` (or
    /// `.up.sql`), refinery's `V<n>__<name>.sql`, diesel's `migrations/<version>/up.sql`.
    SqlMigration,
    /// diesel's `schema.rs`: `table! { users (id) { .. } }` names each primary key.
    DieselSchema,
    /// A Rust migration (a sea-orm migration crate): its SQL string literals are read.
    RustMigration,
    /// A `.proto` file: what it declares of its gRPC methods (`facts::proto`).
    Proto,
}
