//! `retry-non-idempotent`: the double debit.

use super::{downstream_retries, HandlerPath, Rule, Violation};
use crate::facts::ReachedCall;
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "retry-non-idempotent",
    default_level: Level::Deny,
    questions: &[Question::Q3],
    summary: "a retry that re-sends a non-idempotent downstream call without an idempotency key",
    docs: r#"## What it does
Finds retries whose attempts send a non-idempotent downstream call — an HTTP `POST` or
`PATCH`, a mutating gRPC method (`charge`, `create_*`, `transfer`…), a publish — that
carries no idempotency key (an `Idempotency-Key` header, an `idempotency_key` field).
Includes clients built with reqwest-retry's `RetryTransientMiddleware`, which retries
timeouts for every method: there the finding points at the call.

## Why is this bad?
A timeout does not mean the request failed: the downstream may have committed and the
reply been lost. Sending it again charges the card twice.

## Example
```rust
for _ in 0..3 {
    if let Ok(reply) = client.post(charge_url).json(&charge).send().await {
        return Ok(reply);
    }
}
```

## Use instead
Send the same key on every attempt, so that the downstream answers a repeat with the first
result: `.header("Idempotency-Key", &key)`.

## How to suppress
`// failfirst: allow(retry-non-idempotent) reason` on the line above the retry.
"#,
    check: Some(check),
};

fn unkeyed_mutation(reached: &ReachedCall) -> bool {
    reached.call.idempotent() == Some(false) && !reached.call.has_key
}

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    let mut out: Vec<Violation> = downstream_retries(path)
        .filter_map(|reached| {
            let offending = reached.calls.iter().find(|call| unkeyed_mutation(call))?;
            Some(Violation {
                rule: &RULE,
                questions: None,
                function: reached.function,
                anchor: reached.retry.anchor,
                chain: reached.chain.clone(),
                message: format!(
                    "{} re-sends {} (`{}`) with no idempotency key: a retry after a timeout may do it twice",
                    reached.retry.origin,
                    offending.call.kind.describe(),
                    offending.call.api
                ),
                help: "consider sending the same idempotency key on every attempt, derived from the request's own key".to_string(),
            })
        })
        .collect();
    for reached in path
        .reach
        .calls
        .iter()
        .filter(|call| call.call.retried_by_client && unkeyed_mutation(call))
    {
        out.push(Violation {
            rule: &RULE,
            questions: None,
            function: reached.function,
            anchor: reached.call.statement,
            chain: reached.chain.clone(),
            message: format!(
                "{} goes through a client whose retry middleware re-sends it on timeout, with no idempotency key",
                reached.call.kind.describe()
            ),
            help: "consider an idempotency key on the request, or a client without retries for non-idempotent calls".to_string(),
        });
    }
    out
}
