//! `retry-without-jitter`: a growing delay that every client grows in step.

use super::{downstream_retries, HandlerPath, Rule, Violation};
use crate::facts::Delay;
use crate::vocab::Level;

pub const RULE: Rule = Rule {
    name: "retry-without-jitter",
    default_level: Level::Warn,
    questions: &[],
    summary: "a retry whose delay grows but is not randomised",
    docs: r#"## What it does
Finds retries of downstream calls whose delay grows between attempts (a doubled `delay`,
`2u64.pow(attempt)`, backon's `ExponentialBuilder` without `.with_jitter()`, tokio-retry's
`ExponentialBackoff` without `.map(jitter)`) with no random part. Reported only where
backoff itself is present.

## Why is this bad?
Clients that failed together retry together: without jitter their attempts stay in lock
step and hit the recovering downstream in synchronised waves.

## Example
```rust
let reply = (|| async { fetch(&client).await })
    .retry(ExponentialBuilder::default())
    .await?;
```

## Use instead
```rust
let reply = (|| async { fetch(&client).await })
    .retry(ExponentialBuilder::default().with_jitter())
    .await?;
```

## How to suppress
`// failfirst: allow(retry-without-jitter) reason` on the line above the loop or retry.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    downstream_retries(path)
        .filter(|reached| reached.retry.delay == Delay::Growing && !reached.retry.jitter)
        .map(|reached| Violation {
            rule: &RULE,
            questions: None,
            function: reached.function,
            anchor: reached.retry.anchor,
            chain: reached.chain.clone(),
            message: format!("{} backs off without jitter: clients that failed together retry together", reached.retry.origin),
            help: "consider adding a random part to each delay (`with_jitter()`, `.map(jitter)`, or `rand::thread_rng().gen_range(..)`)".to_string(),
        })
        .collect()
}
