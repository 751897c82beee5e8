//! `fixed-deadline`: a constant bound where the caller's deadline is known.

use super::{HandlerPath, Rule, Violation};
use crate::facts::Bound;
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "fixed-deadline",
    default_level: Level::Warn,
    questions: &[Question::Q4],
    summary: "a downstream call bounded by a constant while the caller's deadline is available",
    docs: r#"## What it does
On handlers that can know their caller's deadline — every tonic handler (the caller may
send `grpc-timeout`), HTTP handlers that read a deadline header such as
`X-Request-Deadline` or `Request-Timeout` (or one the configuration names), handlers
annotated `#[deadline(propagate)]` — flags downstream calls whose bound is a constant or
configured duration instead of what remains of that deadline. Copying the inbound gRPC
metadata onto the outgoing request counts too: it forwards the original budget, not what
remains of it. On a handler that declares its own budget, `#[deadline(ms = N)]`, a fixed
bound is fine when it fits in N ms and flagged when it is longer.

## Why is this bad?
A fixed 5 s timeout under a caller that gives up after 800 ms keeps working for 4 s after
nobody waits, and may commit then. Under a caller with 30 s left, it fails work that had
time to finish.

## Example
```rust
let mut request = tonic::Request::new(charge);
request.set_timeout(Duration::from_secs(5));
```

## Use instead
```rust
let remaining = deadline.saturating_duration_since(Instant::now());
request.set_timeout(remaining.min(MAX_CHARGE_TIME));
```

## How to suppress
`// failfirst: allow(fixed-deadline) reason` on the line above the call.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    if !path.incoming_deadline {
        return match path.deadline_ms {
            Some(budget) => longer_than_budget(path, budget),
            None => Vec::new(),
        };
    }
    path.reach
        .calls
        .iter()
        .filter_map(|reached| {
            let what = match &reached.effective_bound {
                Bound::Fixed { what, .. } => what.clone(),
                Bound::ForwardedMetadata => "the inbound metadata copied onto the request, which forwards the original budget, not what remains of it".to_string(),
                _ => return None,
            };
            Some(Violation {
                rule: &RULE,
                questions: None,
                function: reached.function,
                anchor: reached.call.statement,
                chain: reached.chain.clone(),
                message: format!("{} is bounded by {what} although the caller's deadline is known", reached.call.kind.describe()),
                help: "consider bounding the call by what remains of the incoming deadline (`deadline.saturating_duration_since(Instant::now())`), capped by your own limit".to_string(),
            })
        })
        .collect()
}

/// Under `#[deadline(ms = N)]` a fixed bound is the handler's own choice, and fine when it
/// fits: only one longer than the budget is reported.
fn longer_than_budget(path: &HandlerPath, budget: u64) -> Vec<Violation> {
    path.reach
        .calls
        .iter()
        .filter_map(|reached| {
            let Bound::Fixed { what, ms: Some(ms) } = &reached.effective_bound else {
                return None;
            };
            (*ms > budget).then(|| Violation {
                rule: &RULE,
                questions: None,
                function: reached.function,
                anchor: reached.call.statement,
                chain: reached.chain.clone(),
                message: format!(
                    "{} is bounded by {what} ({ms} ms), longer than the handler's {budget} ms deadline",
                    reached.call.kind.describe()
                ),
                help: format!("consider a bound within the handler's budget: `Duration::from_millis({budget})` or less, or what remains of it"),
            })
        })
        .collect()
}
