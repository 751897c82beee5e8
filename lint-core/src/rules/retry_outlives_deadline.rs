//! `retry-outlives-deadline`: retrying after the caller has gone.

use super::{downstream_retries, HandlerPath, Rule, Violation};
use crate::facts::{Bound, Budget, ReachedRetry};
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "retry-outlives-deadline",
    default_level: Level::Warn,
    questions: &[Question::Q4],
    summary: "a retry that can run past the handler's deadline",
    docs: r#"## What it does
Finds retries of downstream calls that can outlast the handler's deadline:
- on a handler with a declared budget (`#[deadline(ms = N)]`), a retry whose least total
  time by the library's defaults is longer than N: `backoff`'s `ExponentialBackoff` gives up
  only after 15 minutes, backon's default exponential policy waits 1 + 2 + 4 s;
- on a handler that knows its caller's deadline (a tonic handler, one that reads a
  deadline header, `#[deadline(propagate)]`), a retry that nothing bounds as a whole: each
  attempt may have its timeout, but no `tokio::time::timeout(_at)` surrounds the retry and
  it does not stop at the deadline.

## Why is this bad?
The caller gives up at its deadline and may retry itself; the retry keeps going, adding load
and possibly committing work nobody waits for any more.

## Example
```rust
#[failfirst::deadline(ms = 800)]
async fn quote(State(state): State<AppState>) -> Result<Json<Quote>, AppError> {
    let quote = backoff::future::retry(ExponentialBackoff::default(), || fetch(&state)).await?;
    Ok(Json(quote))
}
```

## Use instead
Bound the whole retry by the deadline: `tokio::time::timeout_at(deadline, retry)`, or a
policy whose total time fits (`max_elapsed_time`, `with_total_delay`, an attempt budget
checked against `deadline.saturating_duration_since(now)`).

## How to suppress
`// failfirst: allow(retry-outlives-deadline) reason` on the line above the retry.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    downstream_retries(path)
        .filter_map(|reached| {
            let bounded_by_deadline = matches!(reached.overall_bound, Some(Bound::Propagated(_)));
            if bounded_by_deadline || reached.retry.budget == Budget::Unbounded {
                // Unbounded retries are `retry-without-budget`'s.
                return None;
            }
            let outlives = path
                .deadline_ms
                .and_then(|budget| outlives_budget(reached, budget).map(|worst| (budget, worst)));
            let message = match outlives {
                Some((budget, worst)) => format!(
                    "{} can take {} ms or more by its defaults, past the handler's {budget} ms deadline",
                    reached.retry.origin, worst
                ),
                _ if path.incoming_deadline && reached.overall_bound.is_none() => format!(
                    "{} is not bounded as a whole: its attempts and delays can run past the caller's deadline",
                    reached.retry.origin
                ),
                _ => return None,
            };
            Some(Violation {
                rule: &RULE,
                questions: None,
                function: reached.function,
                anchor: reached.retry.anchor,
                chain: reached.chain.clone(),
                message,
                help: "consider `tokio::time::timeout_at(deadline, ..)` around the whole retry, or a retry policy whose total time fits the deadline".to_string(),
            })
        })
        .collect()
}

/// The least time a retry takes by its defaults, when that is longer than `budget_ms` and
/// nothing bounds the retry as a whole.
pub(super) fn outlives_budget(reached: &ReachedRetry, budget_ms: u64) -> Option<u64> {
    let bounded_as_a_whole = reached.overall_bound.is_some();
    match reached.retry.worst_case_ms {
        Some(worst) if worst > budget_ms && !bounded_as_a_whole => Some(worst),
        _ => None,
    }
}
