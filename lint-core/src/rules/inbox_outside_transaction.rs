//! `inbox-outside-transaction`: a key recorded where it cannot protect the writes.

use super::{key_records, same_transaction, unkeyed_writes, HandlerPath, Rule, Violation};
use crate::facts::{ReachedAccess, Store};
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "inbox-outside-transaction",
    default_level: Level::Deny,
    questions: &[Question::Q1, Question::Q2],
    summary:
        "an idempotency key recorded in another transaction, another store, or after the commit",
    docs: r#"## What it does
Finds handlers that record an idempotency key or a processed message id, but not in the
transaction of the non-idempotent writes it is meant to protect: in Redis while the state
goes to Postgres, on the pool (its own implicit transaction) while the writes run in
`pool.begin()`, or after `tx.commit()`. The finding points at the statement that records
the key.

## Why is this bad?
The key and the state must commit together or not at all. Recorded apart, a crash or a
timeout between the two leaves the writes without the key (the retry applies them again)
or the key without the writes (the retry is answered as done, and the work is lost).

## Example
```rust
let mut tx = pool.begin().await?;
sqlx::query!("UPDATE accounts SET balance = balance - $1 WHERE id = $2", amount, id)
    .execute(&mut *tx).await?;
tx.commit().await?;
sqlx::query!("INSERT INTO idempotency_keys (key) VALUES ($1)", key).execute(&pool).await?;
```

## Use instead
Record the key through the same transaction, before the commit:
`.execute(&mut *tx)` for the key's `INSERT .. ON CONFLICT DO NOTHING`, then `tx.commit()`.

## How to suppress
`// failfirst: allow(inbox-outside-transaction) reason` on the line above the key's write.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    let records: Vec<&ReachedAccess> = key_records(path).collect();
    if records.is_empty() {
        return Vec::new();
    }
    let uncovered: Vec<&ReachedAccess> = unkeyed_writes(path)
        .filter(|write| !records.iter().any(|record| same_transaction(record, write)))
        .collect();
    let Some(first) = uncovered.first() else {
        return Vec::new();
    };
    records
        .iter()
        .map(|record| Violation {
            rule: &RULE,
            questions: None,
            function: record.function,
            anchor: record.access.statement,
            chain: record.chain.clone(),
            message: format!(
                "the idempotency key is recorded {}, so it does not commit with `{}`: a crash or timeout between them breaks the dedup",
                why_apart(path, record, first),
                first.access.describe()
            ),
            help: "consider recording the key through the same transaction as the writes, before its commit".to_string(),
        })
        .collect()
}

fn why_apart(path: &HandlerPath, record: &ReachedAccess, write: &ReachedAccess) -> String {
    if record.access.store != write.access.store {
        return format!(
            "in {} while the write goes to {}",
            record.access.store.name(),
            write.access.store.name()
        );
    }
    if record.access.store == Store::Redis {
        return "in Redis, where each command commits on its own (no MULTI/EXEC or script spans the key and the write)".to_string();
    }
    let committed_before = path.reach.transactions.iter().find(|transaction| {
        Some(&transaction.id) == write.transaction.as_ref()
            && transaction.is_committed_before(&record.order)
    });
    match (&record.transaction, &write.transaction, committed_before) {
        (None, Some(_), Some(_)) => "after the transaction of the write commits".to_string(),
        (None, Some(_), None) => "outside the transaction of the write".to_string(),
        (_, None, _) if record.access.store == Store::Sql => {
            "apart from the write, which commits on its own (it runs on the pool, not in a transaction)".to_string()
        }
        _ => "in another transaction".to_string(),
    }
}
