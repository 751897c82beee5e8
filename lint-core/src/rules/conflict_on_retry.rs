//! `conflict-on-retry`: a create that a unique key keeps safe, but whose retry gets an
//! error instead of the first result.

use super::{holding_guard, key_records, natural_key, replaced_by, HandlerPath, Rule, Violation};
use crate::facts::guards::ClaimKind;
use crate::facts::Access;
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "conflict-on-retry",
    default_level: Level::Warn,
    questions: &[Question::Q2],
    summary: "a create whose retry hits a unique key and gets an error instead of the first result",
    docs: r#"## What it does
Finds a plain `INSERT` (sqlx, diesel, sea-orm, tokio-postgres) whose row meets a unique key
filled from the request — a primary key, `UNIQUE` constraint or unique index read from the
workspace's migrations, such as a user's e-mail or an article's slug — when the unique
violation of a second run becomes an error for the client: the `?` that turns it into a
500, or a 409/422 mapped from it. The data is safe (the handler passes Q1: the key stops a
second row), but the retry is not. The finding points at the `INSERT`. It is silent when the
conflict is turned into the stored result (`ON CONFLICT DO NOTHING` then a read of the row,
a unique violation answered with a lookup, or a get-or-create whose lookup finds the row
and uses it), and when an idempotency key claimed earlier answers the retry first. A lookup
whose found way refuses (`return Err(AlreadyExists)`) is a conflict all the same.

## Why is this bad?
A client that timed out does not know whether its request ran. It retries with the same
e-mail, and is told "e-mail already taken" for the account it has just created; a checkout
retried is told the order number exists. The client sees a failure for work that
succeeded, and either gives up on it or asks a human.

## Example
```rust
sqlx::query!("INSERT INTO users (email, name) VALUES ($1, $2)", req.email, req.name)
    .execute(&pool)
    .await?; // the retry fails here with 23505 unique_violation
Ok(StatusCode::CREATED)
```

## Use instead
Make the second run return what the first one created:
```rust
let user = sqlx::query_as!(User,
    "INSERT INTO users (email, name) VALUES ($1, $2)
     ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id, email, name",
    req.email, req.name)
    .fetch_one(&pool).await?;
```
or claim the request's idempotency key first and replay the saved response.

## How to suppress
`// failfirst: allow(conflict-on-retry) reason` on the line above the `INSERT` (for
instance when the conflict is the answer the API promises: "this name is taken").
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    let claims: Vec<_> = key_records(path).collect();
    path.reach
        .accesses
        .iter()
        .filter(|reached| {
            matches!(
                reached.access.access,
                Access::Write {
                    idempotent: false,
                    ..
                }
            ) && !reached.access.failure_answered_by_read
                // A lookup of the row before it answers the retry with what the first
                // attempt stored, unless the way that finds it refuses with an error: an
                // `AlreadyExists` error is as much a conflict as the violation.
                && holding_guard(path, reached).is_none_or(|guard| {
                    matches!(guard.kind, ClaimKind::Found | ClaimKind::Locked)
                        && guard.repeat_refused
                })
                && replaced_by(path, reached).is_none()
                && !claims.iter().any(|claim| claim.order.runs_before(&reached.order))
                // A retry that fails first at another create never reaches this one.
                && !path.reach.accesses.iter().any(|other| {
                    !other.access.failure_answered_by_read
                        && natural_key(other).is_some()
                        && other.order.runs_before(&reached.order)
                })
        })
        .filter_map(|reached| {
            let key = natural_key(reached)?;
            Some(Violation {
                rule: &RULE,
                questions: None,
                function: reached.function,
                anchor: reached.access.statement,
                chain: reached.chain.clone(),
                message: format!(
                    "a retry of `{}` meets the unique key {} and fails with its violation: the data is safe, but the client is told its request failed when the first attempt succeeded",
                    reached.access.describe(),
                    key.describe()
                ),
                help: format!(
                    "consider `ON CONFLICT ({}) DO NOTHING` and reading the stored row back, or answering the unique violation with the existing row",
                    key.columns.join(", ")
                ),
            })
        })
        .collect()
}
