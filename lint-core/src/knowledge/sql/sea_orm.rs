//! sea-orm: entities (`Order::insert(model).exec(db)`, `Order::update_many()..exec(db)`),
//! active models (`model.insert(db)`, fields `Set(x)` or `NotSet`), raw statements
//! (`Statement::from_string`, `db.execute_unprepared("..")`), and `db.begin()` or
//! `db.transaction(|txn| ..)`.

use super::{writes, EntityBuilder, SqlLibrary};
use crate::knowledge::{path, words};

pub fn record() -> SqlLibrary {
    SqlLibrary {
        name: "sea_orm".to_string(),
        crates: words(&["sea_orm"]),
        text_functions: vec![
            path("sea_orm::Statement::from_string"),
            path("sea_orm::Statement::from_sql_and_values"),
        ],
        text_methods: words(&["execute_unprepared"]),
        run_methods: words(&[
            "exec",
            "exec_with_returning",
            "exec_without_returning",
            "one",
            "all",
        ]),
        row_methods: words(&["one"]),
        transaction_methods: words(&["begin", "transaction"]),
        commit_methods: words(&["commit"]),
        conflict_methods: words(&["on_conflict", "do_nothing", "on_empty"]),
        entities: Some(EntityBuilder {
            writes: writes(&[
                ("insert", "INSERT"),
                ("insert_many", "INSERT"),
                ("update", "UPDATE"),
                ("update_many", "UPDATE"),
                ("delete", "DELETE"),
                ("delete_many", "DELETE"),
                ("delete_by_id", "DELETE"),
            ]),
            model_writes: writes(&[
                ("insert", "INSERT"),
                ("update", "UPDATE"),
                ("save", "UPSERT"),
                ("delete", "DELETE"),
            ]),
            run_methods: words(&["exec", "exec_with_returning", "exec_without_returning"]),
            reads: words(&["one", "all"]),
            lock_methods: words(&["lock_exclusive", "lock"]),
            conflict_clause_methods: words(&["do_nothing", "update_column", "update_columns"]),
            upsert_clause_methods: words(&["update_column", "update_columns"]),
            find_prefix: "find".to_string(),
            entity_type: "Entity".to_string(),
            model_type: "ActiveModel".to_string(),
            into_model_method: "into_active_model".to_string(),
            row_model_type: "Model".to_string(),
            relative_methods: words(&["add", "sub", "increment", "decrement"]),
            value_set: words(&["Set", "Unchanged"]),
            value_not_set: words(&["NotSet"]),
        }),
        ..SqlLibrary::default()
    }
}
