//! `retry-without-backoff`: attempts with no pause, or the same pause each time.

use super::{downstream_retries, HandlerPath, Rule, Violation};
use crate::facts::Delay;
use crate::vocab::Level;

pub const RULE: Rule = Rule {
    name: "retry-without-backoff",
    default_level: Level::Warn,
    questions: &[],
    summary: "a retry of a downstream call with no delay or a constant delay between attempts",
    docs: r#"## What it does
Finds retries around downstream calls — hand-written `loop`/`for`/`while` loops whose error
path goes round again, and library retries (backon `ConstantBuilder`, tokio-retry
`FixedInterval`, retry's `Fixed`) — that wait nothing, or the same time, between attempts.

## Why is this bad?
When a downstream is overloaded, every client retrying at once and at full speed turns a
blip into an outage: the retries are the load that keeps it down.

## Example
```rust
for attempt in 0..5 {
    match client.get(url).send().await {
        Ok(reply) => return Ok(reply),
        Err(error) if error.is_timeout() => continue,
        Err(error) => return Err(error),
    }
}
```

## Use instead
Exponential backoff with jitter and a bound: `backon::ExponentialBuilder::default()
.with_jitter().with_max_times(4)`, or a sleep that doubles each attempt plus a random part.

## How to suppress
`// failfirst: allow(retry-without-backoff) reason` on the line above the loop or retry.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    downstream_retries(path)
        .filter(|reached| matches!(reached.retry.delay, Delay::None | Delay::Constant))
        // A poll waits for "not yet" to change at a pace it chose: not a failure retried.
        .filter(|reached| !reached.retry.polls)
        .map(|reached| Violation {
            rule: &RULE,
            questions: None,
            function: reached.function,
            anchor: reached.retry.anchor,
            chain: reached.chain.clone(),
            message: match reached.retry.delay {
                Delay::None => format!(
                    "{} retries a downstream call with no delay between attempts",
                    reached.retry.origin
                ),
                _ => format!(
                    "{} retries a downstream call after the same delay every time",
                    reached.retry.origin
                ),
            },
            help: "consider exponential backoff with jitter and a bound on attempts".to_string(),
        })
        .collect()
}
