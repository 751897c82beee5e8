//! `call-inside-transaction`: a downstream commit inside a database transaction.

use super::{line_of, HandlerPath, Rule, Violation};
use crate::facts::{ReachedCall, ReachedTransaction};
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "call-inside-transaction",
    default_level: Level::Deny,
    questions: &[Question::Q1, Question::Q3],
    summary: "a non-idempotent downstream call made while a database transaction with writes is open, or after its commit with no outbox row and no key",
    docs: r#"## What it does
Finds non-idempotent downstream calls (a `POST`, a mutating RPC, a publish) made between
`pool.begin()` and `tx.commit()` of a transaction that writes — in the handler or in a
helper it calls while the transaction is open (diesel and sea-orm closure transactions
included) — and the second half of the same mistake: such a call made after the commit
(or after a write that commits on its own), with no outbox row written in the
transaction and no idempotency key on the call, the textbook "commit, then send the
e-mail".

## Why is this bad?
Two systems, two commits, no atomicity. If the transaction rolls back after the call (an
error, a crash, a lost connection), the downstream has still done its work; if the call
times out and the code goes on to commit, nothing says whether it happened. The
transaction also holds its locks for as long as the downstream takes. After the commit,
a crash before the call loses it for good, and a client's retry sends it a second time.

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
        .filter(|reached| reached.call.idempotent() == Some(false))
        .filter_map(|reached| {
            let writes_in = |transaction: &crate::facts::TransactionId| {
                path.reach.accesses.iter().any(|access| {
                    access.access.is_write() && access.transaction.as_ref() == Some(transaction)
                })
            };
            if let Some(open) = path
                .reach
                .transactions
                .iter()
                .find(|transaction| transaction.is_open_at(&reached.order) && writes_in(&transaction.id))
            {
                return Some(violation(
                    reached,
                    format!(
                        "{} is sent while the transaction opened in {} is open: the transaction and the downstream commit apart",
                        reached.call.kind.describe(),
                        opened_in(open)
                    ),
                ));
            }
            // After the commit: the call is the second of two writes that nothing ties
            // together, unless an outbox row in the transaction or a key on the call lets
            // it be sent again safely.
            if reached.call.has_key {
                return None;
            }
            let committed = path.reach.transactions.iter().find(|transaction| {
                transaction.is_committed_before(&reached.order)
                    && writes_in(&transaction.id)
                    && !path.reach.accesses.iter().any(|access| {
                        access.transaction.as_ref() == Some(&transaction.id) && access.access.on_outbox_table()
                    })
            });
            if let Some(committed) = committed {
                return Some(violation(
                    reached,
                    format!(
                        "{} is sent after the transaction opened in {} commits, with no outbox row written in it and no idempotency key on the call: a crash between the commit and the call loses it, and a retry repeats it",
                        reached.call.kind.describe(),
                        opened_in(committed)
                    ),
                ));
            }
            let write = path.reach.accesses.iter().find(|access| {
                access.transaction.is_none()
                    && access.order.runs_before(&reached.order)
                    && access.access.is_write()
                    && !access.access.on_key_table()
                    && !access.access.on_outbox_table()
            })?;
            Some(violation(
                reached,
                format!(
                    "{} is sent after `{}` at {} commits on its own, with no outbox row and no idempotency key on the call: a crash between the two loses the call, and a retry repeats it",
                    reached.call.kind.describe(),
                    write.access.describe(),
                    line_of(write.function, write.access.statement.start.line)
                ),
            ))
        })
        .collect()
}

/// Where a transaction opens, as a message says it: "`create` at line 33", or
/// "`create` at src/orders.rs:33" when it opens in another file than the finding's.
fn opened_in(transaction: &ReachedTransaction) -> String {
    format!(
        "`{}` at {}",
        transaction.opener_name,
        line_of(transaction.opener, transaction.opened_line)
    )
}

fn violation(reached: &ReachedCall, message: String) -> Violation {
    Violation {
        rule: &RULE,
        questions: None,
        function: reached.function,
        anchor: reached.call.statement,
        chain: reached.chain.clone(),
        message,
        help: "consider an outbox row written in the transaction and sent after the commit, with an idempotency key".to_string(),
    }
}
