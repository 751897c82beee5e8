//! sqlx: SQL in `query!`-style macros or given to `sqlx::query("..")`, run with
//! `.execute(&mut *tx)`, `.fetch_one(&pool)` …; `pool.begin()` opens a transaction that
//! `tx.commit()` ends. `QueryBuilder` assembles SQL text from pushed pieces.

use super::{SqlLibrary, TextBuilder};
use crate::knowledge::{path, words};

pub fn record() -> SqlLibrary {
    SqlLibrary {
        name: "sqlx".to_string(),
        crates: words(&["sqlx"]),
        query_macros: words(&[
            "query",
            "query_as",
            "query_scalar",
            "query_unchecked",
            "query_as_unchecked",
            "query_scalar_unchecked",
        ]),
        query_macro_prefix: Some("query".to_string()),
        file_query_macros: words(&[
            "query_file",
            "query_file_as",
            "query_file_scalar",
            "query_file_unchecked",
            "query_file_as_unchecked",
            "query_file_scalar_unchecked",
        ]),
        text_functions: [
            "sqlx::query",
            "sqlx::query_as",
            "sqlx::query_scalar",
            "sqlx::query_with",
            "sqlx::query_as_with",
            "sqlx::raw_sql",
        ]
        .into_iter()
        .map(path)
        .collect(),
        run_methods: words(&[
            "execute",
            "execute_many",
            "fetch",
            "fetch_one",
            "fetch_optional",
            "fetch_all",
            "fetch_many",
        ]),
        bind_methods: words(&["bind"]),
        row_methods: words(&["fetch_optional"]),
        transaction_methods: words(&["begin", "begin_with"]),
        commit_methods: words(&["commit"]),
        text_builder: Some(TextBuilder {
            type_name: "QueryBuilder".to_string(),
            constructors: words(&["new", "with_arguments"]),
            push_methods: words(&["push"]),
            bind_methods: words(&["push_bind"]),
            values_methods: words(&["push_values"]),
            build_methods: words(&["build", "build_query_as", "build_query_scalar"]),
        }),
        ..SqlLibrary::default()
    }
}
