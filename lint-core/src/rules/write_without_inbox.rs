//! `write-without-inbox`: a write that a retry applies twice, with no key to stop it.

use super::{
    generated_claim, key_records, line_of, protection, same_transaction, unkeyed_writes, HandlerPath, Rule,
    Violation,
};
use crate::facts::sql::schema::InsertKey;
use crate::facts::ReachedAccess;
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

An `INSERT` is judged against the schema the workspace's migrations build (sqlx and
refinery `migrations/**.sql`, diesel `migrations/*/up.sql` and `schema.rs`, the SQL of a
sea-orm migration crate): when a primary key, `UNIQUE` constraint or unique index has every
column filled from the request (an e-mail, a slug, a client-supplied id), a retry meets the
first row and cannot duplicate it, so it is not reported (`conflict-on-retry` then asks
what the retry gets back). When every unique key gets a fresh value (`Uuid::new_v4()`, a
serial id, `DEFAULT gen_random_uuid()`), the finding says so. Where no migrations are
found, the evidence says that too. A value returned by a non-idempotent downstream call
sent without a key (the alias of an upload, a provider's new id) is fresh too: a retry
gets another; so is a column whose foreign key refers to a row the same run inserted just
before with a new id (the members of a team created with it). A row's columns are read
from the struct literal it is built with, a constructor of the workspace that returns one
(`NewJti::new(jti, expires_at)`), or a builder derive's setters
(`NewUser::builder().email(e).build()`).

An `INSERT` that runs only on the branches testing a lookup of a row of its own table
(get-or-create: `SELECT .. WHERE email = $1` and insert when nothing was found;
update-else-insert) is not reported: a retry after the first attempt finds the row. A read
of another table, or a relative `UPDATE` after a read of its row, is guarded by nothing,
unless the row is read `FOR UPDATE`, the block is left with no error when its test fails
(`if invoice.status != "draft" { return Ok(..) }`), and the same transaction records the
state it tests (`UPDATE invoices SET status = 'finalized' WHERE .. AND status = 'draft'`):
a retry waits for the lock, finds the new state and stops. A test that leaves with an error
is taken for a validation, which guards nothing.

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
    let records: Vec<&ReachedAccess> = key_records(path).collect();
    unkeyed_writes(path)
        .filter(|write| protection(path, write).is_none())
        .map(|reached| {
            // A key claimed in the same transaction, but not checked before this write.
            let unchecked_claim = records
                .iter()
                .find(|record| same_transaction(record, reached));
            let generated = reached
                .guard
                .as_ref()
                .and_then(|guard| generated_claim(path, guard).map(|what| (guard, what)));
            let message = match (&reached.key, unchecked_claim, generated) {
                (_, _, Some((guard, what))) => format!(
                    "`{}` is not idempotent, and the claim {} at {} that guards it records a key made by the handler ({what}), not one from the request: a retry claims a new key and runs it again",
                    reached.access.describe(),
                    guard.what,
                    line_of(guard.function, guard.statement.start.line)
                ),
                (_, Some(claim), None) => format!(
                    "`{}` is not idempotent, and the idempotency key recorded at {} does not guard it (its outcome is not checked before this write runs): a retry of this handler runs it again",
                    reached.access.describe(),
                    line_of(claim.function, claim.access.statement.start.line)
                ),
                (Some(InsertKey::FreshOnly(why)), None, None) => format!(
                    "`{}` is not idempotent: {why}, and no idempotency key is recorded with it, so a retry of this handler inserts a second row",
                    reached.access.describe()
                ),
                _ => format!(
                    "`{}` is not idempotent and no idempotency key is recorded with it: a retry of this handler runs it again",
                    reached.access.describe()
                ),
            };
            Violation {
                rule: &RULE,
                questions: None,
                function: reached.function,
                anchor: reached.access.statement,
                chain: reached.chain.clone(),
                message,
                help: "consider claiming the request's idempotency key (`INSERT .. ON CONFLICT DO NOTHING` on a key table) in the same transaction, and running this write only when the claim succeeded".to_string(),
            }
        })
        .collect()
}
