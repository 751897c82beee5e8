//! `dedup-race`: check the key, do the work, then record the key — two retries both pass.

use super::{is_work, key_checks, key_records, same_transaction, HandlerPath, Rule, Violation};
use crate::facts::{Access, ReachedAccess};
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "dedup-race",
    default_level: Level::Deny,
    questions: &[Question::Q2],
    summary: "an idempotency key looked up with a plain read and recorded only after the work",
    docs: r#"## What it does
Finds handlers that look their idempotency key up with a plain read (`SELECT .. FROM
idempotency_keys WHERE key = $1`, diesel's `idempotency_keys.find(key).first(conn)`,
sea-orm's `IdempotencyKey::find_by_id(key).one(db)`, a Redis `GET`), do their work, and
only then record the key without a guard (`INSERT` without `ON CONFLICT`, a plain `SET`),
in the same transaction or not. The key is known by what the code does with it, not by
its name: a table the handler looks a row up in, then, after the work, inserts the
request's value into (`SELECT .. FROM payouts WHERE reference = $1`, then `INSERT INTO
payouts (reference, ..)`) is used as a key table. The finding points at the lookup. A
lookup serialised first is not reported: `SELECT .. FOR UPDATE` of the key row, or an
advisory lock on the key (`SELECT pg_advisory_xact_lock(hashtext($1))`) taken before it in
its transaction.

## Why is this bad?
Retries arrive together: a client times out and retries while the first attempt is still
running. Both attempts read "no key", both do the work, both record the key. The check
protects only against retries that come after the first attempt finished.

## Example
```rust
if sqlx::query!("SELECT 1 AS one FROM idempotency_keys WHERE key = $1", key)
    .fetch_optional(&pool).await?.is_some() { return Ok(replay); }
charge(&pool, &req).await?;
sqlx::query!("INSERT INTO idempotency_keys (key) VALUES ($1)", key).execute(&pool).await?;
```

## Use instead
Claim the key first, atomically, and branch on whether the claim won:
`INSERT .. ON CONFLICT DO NOTHING` and `rows_affected()` (or Redis `SET key v NX`), then
the work, in the same transaction.

## How to suppress
`// failfirst: allow(dedup-race) reason` on the line above the lookup.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    let records: Vec<_> = key_records(path).collect();
    let is_guarded_claim = |record: &&ReachedAccess| {
        matches!(
            record.access.access,
            Access::Write {
                conditional: true,
                ..
            }
        ) && record.access.outcome_checked
    };
    key_checks(path)
        .filter(|check| !matches!(check.access.access, Access::Read { locks: true, .. }))
        // An advisory lock taken before the lookup, in its transaction, serialises the
        // retries: the second waits until the first has recorded the key.
        .filter(|check| {
            !path.reach.accesses.iter().any(|lock| {
                matches!(&lock.access.access, Access::Read { locks: true, tables } if tables.is_empty())
                    && lock.order.runs_before(&check.order)
                    && (same_transaction(lock, check)
                        || lock.transaction.is_none()
                            && check.transaction.is_none()
                            && lock.function == check.function)
            })
        })
        // A lookup after a claim that won or lost atomically is the replay of a saved
        // response, not the dedup itself.
        .filter(|check| {
            !records
                .iter()
                .any(|record| record.order.runs_before(&check.order) && is_guarded_claim(record))
        })
        .filter_map(|check| {
            let record = records
                .iter()
                .filter(|record| check.order.runs_before(&record.order))
                .min_by(|a, b| a.order.cmp(&b.order))?;
            if is_guarded_claim(record) {
                return None;
            }
            let work_between = is_work(path, &check.order, &record.order);
            work_between.then(|| Violation {
                rule: &RULE,
                questions: None,
                function: check.function,
                anchor: check.access.statement,
                chain: check.chain.clone(),
                message: format!(
                    "the idempotency key is looked up with a plain read and recorded only after the work (`{}`): two retries in flight both pass the lookup",
                    record.access.describe()
                ),
                help: "consider claiming the key first with `INSERT .. ON CONFLICT DO NOTHING` (or `SET .. NX`) and branching on whether the claim won".to_string(),
            })
        })
        .collect()
}
