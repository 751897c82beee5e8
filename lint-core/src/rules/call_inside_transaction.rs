//! `call-inside-transaction`: a downstream commit inside a database transaction.

use super::{HandlerPath, Rule, Violation};
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "call-inside-transaction",
    default_level: Level::Deny,
    questions: &[Question::Q1, Question::Q3],
    summary:
        "a non-idempotent downstream call made while a database transaction with writes is open",
    docs: r#"## What it does
Finds non-idempotent downstream calls (a `POST`, a mutating RPC, a publish) made between
`pool.begin()` and `tx.commit()` of a transaction that writes — in the handler or in a
helper it calls while the transaction is open (diesel and sea-orm closure transactions
included).

## Why is this bad?
Two systems, two commits, no atomicity. If the transaction rolls back after the call (an
error, a crash, a lost connection), the downstream has still done its work; if the call
times out and the code goes on to commit, nothing says whether it happened. The
transaction also holds its locks for as long as the downstream takes.

## Example
```rust
let mut tx = pool.begin().await?;
sqlx::query!("INSERT INTO orders (id, amount) VALUES ($1, $2)", id, amount).execute(&mut *tx).await?;
psp.post(charge_url).json(&charge).send().await?;
tx.commit().await?;
```

## Use instead
Write an outbox row in the transaction and make the call after the commit, from the outbox,
with an idempotency key; or commit first and make the call with a key.

## How to suppress
`// failfirst: allow(call-inside-transaction) reason` on the line above the call.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    path.reach
        .calls
        .iter()
        .filter(|reached| reached.call.idempotent == Some(false))
        .filter_map(|reached| {
            let open = path.reach.transactions.iter().find(|transaction| {
                transaction.is_open_at(&reached.order)
                    && path.reach.accesses.iter().any(|access| {
                        access.access.is_write() && access.transaction.as_ref() == Some(&transaction.id)
                    })
            })?;
            Some(Violation {
                rule: &RULE,
                questions: None,
                function: reached.function,
                anchor: reached.call.statement,
                chain: reached.chain.clone(),
                message: format!(
                    "{} is sent while the transaction opened in {} is open: the transaction and the downstream commit apart",
                    reached.call.kind.describe(),
                    open.opened_in
                ),
                help: "consider an outbox row written in the transaction and sent after the commit, with an idempotency key".to_string(),
            })
        })
        .collect()
}
