//! `retry-without-budget`: a retry that never gives up.

use super::{downstream_retries, HandlerPath, Rule, Violation};
use crate::facts::Budget;
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "retry-without-budget",
    default_level: Level::Deny,
    questions: &[Question::Q4],
    summary: "a retry of a downstream call with no bound on attempts or elapsed time",
    docs: r#"## What it does
Finds retries of downstream calls with no limit: a `loop` with no attempt counter compared
to a maximum and no elapsed-time check, tokio-retry and retry strategies without
`.take(n)` (they retry for ever), backon with `.without_max_times()`.

## Why is this bad?
An unbounded retry holds its handler — and its caller — until the downstream recovers,
however long that is, and multiplies the load on it meanwhile. No deadline can be kept.

## Example
```rust
let reply = Retry::spawn(ExponentialBackoff::from_millis(10).map(jitter), fetch).await?;
```

## Use instead
```rust
let reply = Retry::spawn(ExponentialBackoff::from_millis(10).map(jitter).take(4), fetch).await?;
```

## How to suppress
`// failfirst: allow(retry-without-budget) reason` on the line above the loop or retry.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    downstream_retries(path)
        .filter(|reached| reached.retry.budget == Budget::Unbounded)
        .map(|reached| Violation {
            rule: &RULE,
            questions: None,
            function: reached.function,
            anchor: reached.retry.anchor,
            chain: reached.chain.clone(),
            message: format!("{} retries a downstream call with no limit on attempts or time", reached.retry.origin),
            help: "consider a maximum number of attempts, or a bound on the total time derived from the caller's deadline".to_string(),
        })
        .collect()
}
