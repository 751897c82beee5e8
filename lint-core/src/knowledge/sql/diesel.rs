//! diesel: its write DSL (`diesel::insert_into(orders::table).values(..)`, `update(..)
//! .set(..)`, `delete(..)`), `sql_query("..")`, reads through `.load(conn)` and friends,
//! and `conn.transaction(|conn| ..)`.

use super::{writes, SqlLibrary, TableBuilder, TableMacro};
use crate::knowledge::{path, words};

pub fn record() -> SqlLibrary {
    SqlLibrary {
        name: "diesel".to_string(),
        crates: words(&["diesel", "diesel_async"]),
        text_functions: vec![path("diesel::sql_query")],
        run_methods: words(&["execute", "get_result", "get_results", "load", "first"]),
        row_methods: words(&["get_result", "first"]),
        transaction_methods: words(&["transaction", "build_transaction"]),
        commit_methods: words(&["commit"]),
        conflict_methods: words(&[
            "on_conflict",
            "on_conflict_do_nothing",
            "do_nothing",
            "do_update",
        ]),
        tables: Some(TableBuilder {
            writes: writes(&[
                ("insert_into", "INSERT"),
                ("insert_or_ignore_into", "INSERT OR IGNORE"),
                ("replace_into", "REPLACE"),
                ("update", "UPDATE"),
                ("delete", "DELETE"),
            ]),
            row_writes: writes(&[("insert_into", "INSERT")]),
            reads: words(&["load", "get_result", "get_results", "first"]),
            lock_methods: words(&["for_update", "for_no_key_update"]),
            table_item: "table".to_string(),
            dsl_module: "dsl".to_string(),
            column_method: "eq".to_string(),
            values_method: "values".to_string(),
            set_method: "set".to_string(),
            filter_methods: words(&["filter"]),
            compare_methods: words(&[
                "ne",
                "ne_all",
                "eq_any",
                "is_null",
                "is_not_null",
                "is_distinct_from",
                "is_not_distinct_from",
            ]),
            conflict_target_method: "on_conflict".to_string(),
            primary_key_method: "primary_key".to_string(),
            upsert_methods: words(&["do_update"]),
            schema: TableMacro {
                name: "table".to_string(),
                name_attribute: "sql_name".to_string(),
                default_primary_key: words(&["id"]),
            },
        }),
        ..SqlLibrary::default()
    }
}
