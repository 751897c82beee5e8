//! `write-without-inbox`: a write that a retry applies twice, with no key to stop it.

use super::{key_records, unkeyed_writes, HandlerPath, Rule, Violation};
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "write-without-inbox",
    default_level: Level::Deny,
    questions: &[Question::Q1, Question::Q2],
    summary: "a non-idempotent state write on a handler path with no idempotency key recorded in its transaction",
    docs: r#"## What it does
Finds state writes on a handler's path that are not idempotent — a plain `INSERT`, an
`UPDATE` that sets a column relative to itself (`balance = balance - $1`, `attempts =
attempts + 1`), an upsert that adds to the existing row, a Redis `INCR`/`LPUSH` — when the
handler records no idempotency key (an `Idempotency-Key` header, a request id, a message's
event id) in an idempotency or inbox table at all. SQL text is parsed (sqlx `query!`,
`sqlx::query`, tokio-postgres, `format!`ed SQL), and diesel and sea-orm writes are read from
their builders. Writes the same call twice leaves unchanged are not reported: `ON CONFLICT
DO NOTHING`, natural-key upserts, `SET status = $1`, `DELETE`, `MERGE`; nor appends to
audit and log tables, nor in-memory maps and caches.

## Why is this bad?
A client that times out does not know whether the handler ran. It retries, and the handler
runs again: the account is debited twice, the order created twice. Nothing on the data
model tells the second run from the first.

## Example
```rust
async fn debit(State(pool): State<PgPool>, Json(req): Json<Debit>) -> Result<(), AppError> {
    sqlx::query!("UPDATE accounts SET balance = balance - $1 WHERE id = $2", req.amount, req.account)
        .execute(&pool)
        .await?;
    Ok(())
}
```

## Use instead
Claim the request's key in the same transaction as the write, and answer a repeat with the
saved response:
```rust
let mut tx = pool.begin().await?;
let claimed = sqlx::query!("INSERT INTO idempotency_keys (key) VALUES ($1) ON CONFLICT DO NOTHING", key)
    .execute(&mut *tx).await?.rows_affected();
if claimed == 0 { return replay(&pool, key).await; }
sqlx::query!("UPDATE accounts SET balance = balance - $1 WHERE id = $2", amount, account)
    .execute(&mut *tx).await?;
tx.commit().await?;
```

## How to suppress
`// failfirst: allow(write-without-inbox) reason` on the line above the write, or
`#[failfirst::allow(write-without-inbox, reason = "..")]` on the function.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    if key_records(path).next().is_some() {
        return Vec::new();
    }
    unkeyed_writes(path)
        .map(|reached| Violation {
            rule: &RULE,
            questions: None,
            function: reached.function,
            anchor: reached.access.statement,
            chain: reached.chain.clone(),
            message: format!(
                "`{}` is not idempotent and no idempotency key is recorded with it: a retry of this handler runs it again",
                reached.access.describe()
            ),
            help: "consider claiming the request's idempotency key (`INSERT .. ON CONFLICT DO NOTHING` on a key table) in the same transaction, before this write".to_string(),
        })
        .collect()
}
