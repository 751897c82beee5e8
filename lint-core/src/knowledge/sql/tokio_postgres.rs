//! tokio-postgres (and its pools, deadpool-postgres and bb8-postgres): SQL text given to
//! the client, `client.execute("UPDATE ..", &[..])`; `client.transaction()` opens a
//! transaction that `commit()` ends.

use super::SqlLibrary;
use crate::knowledge::words;

pub fn record() -> SqlLibrary {
    SqlLibrary {
        name: "tokio_postgres".to_string(),
        crates: words(&["tokio_postgres", "deadpool_postgres", "bb8_postgres"]),
        text_methods: words(&[
            "execute",
            "query",
            "query_one",
            "query_opt",
            "query_raw",
            "batch_execute",
            "simple_query",
        ]),
        transaction_methods: words(&["transaction", "build_transaction"]),
        commit_methods: words(&["commit"]),
        ..SqlLibrary::default()
    }
}
