//! `retry-all-errors`: retrying what will never succeed.

use super::{downstream_retries, HandlerPath, Rule, Violation};
use crate::vocab::Level;

pub const RULE: Rule = Rule {
    name: "retry-all-errors",
    default_level: Level::Warn,
    questions: &[],
    summary: "a retry that retries every error, permanent ones included",
    docs: r#"## What it does
Finds retries of downstream calls that go round again on any error: a loop on `Err(_)` or
`is_err()` that never asks whether the error is transient, a `?` inside a
`backoff::future::retry` closure (every error becomes transient), `again::retry`.

## Why is this bad?
A 400, a 404, a failed validation will fail the same way every time: retrying them wastes
the caller's budget and adds load, and the real error reaches the caller late.

## Example
```rust
loop {
    match client.put(url).json(&device).send().await {
        Ok(reply) => break reply,
        Err(_) => sleep(delay).await,
    }
}
```

## Use instead
Retry only what may succeed next time: `Err(error) if error.is_timeout() ||
error.is_connect()`, a 5xx status, `backoff::Error::transient` for those and
`backoff::Error::permanent` for the rest.

## How to suppress
`// failfirst: allow(retry-all-errors) reason` on the line above the loop or retry.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    downstream_retries(path)
        .filter(|reached| reached.retry.all_errors)
        .map(|reached| Violation {
            rule: &RULE,
            questions: None,
            function: reached.function,
            anchor: reached.retry.anchor,
            chain: reached.chain.clone(),
            message: format!("{} retries every error, permanent ones included", reached.retry.origin),
            help: "consider retrying only transient errors (timeouts, connection errors, 5xx) and returning the rest at once".to_string(),
        })
        .collect()
}
