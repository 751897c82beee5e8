//! `downstream-without-deadline`: a downstream call that nothing bounds.

use super::{HandlerPath, Rule, Violation};
use crate::facts::Bound;
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "downstream-without-deadline",
    default_level: Level::Deny,
    questions: &[Question::Q4],
    summary: "an HTTP, gRPC or broker call with no timeout on the request, its client or around it",
    docs: r#"## What it does
Finds downstream calls on a handler's path — reqwest requests, tonic client RPCs, kafka,
NATS and AMQP publishes — that no deadline bounds: no `.timeout(..)` on the request, none
on the `ClientBuilder` that built its client (wherever that is: a constructor in another
module, a `static` `OnceLock`/`LazyLock`, the state built in `main`), no tonic
`set_timeout`/`Endpoint::timeout`, and no `tokio::time::timeout` around the call or around
the helper that makes it. `connect_timeout` alone bounds only the connection.

## Why is this bad?
The async reqwest `Client` has no timeout by default. When the downstream stalls, the
handler waits for ever: its caller gives up, retries, and the stalled work may still commit
long after anybody is waiting for it. Threads, connections and memory pile up behind it.

## Example
```rust
let client = reqwest::Client::new();
let reply = client.post(url).json(&charge).send().await?;
```

## Use instead
```rust
let client = reqwest::Client::builder().timeout(Duration::from_secs(2)).build()?;
// or, better, what remains of the caller's budget:
let reply = client.post(url).json(&charge).timeout(remaining).send().await?;
```

## How to suppress
`// failfirst: allow(downstream-without-deadline) reason` on the line above the call, or
`-A downstream-without-deadline` for a run.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    path.reach
        .calls
        .iter()
        .filter_map(|reached| match &reached.effective_bound {
            Bound::Unbounded(why) => Some(Violation {
                rule: &RULE,
                questions: None,
                function: reached.function,
                anchor: reached.call.statement,
                chain: reached.chain.clone(),
                message: format!("{} has no deadline: {why}", reached.call.kind.describe()),
                help: "consider `.timeout(..)` on the request or its client, or `tokio::time::timeout` around the call, derived from the caller's remaining budget where there is one".to_string(),
            }),
            _ => None,
        })
        .collect()
}
