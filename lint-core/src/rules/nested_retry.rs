//! `nested-retry`: retries inside retries.

use super::{downstream_retries, HandlerPath, Rule, Violation};
use crate::vocab::Level;

pub const RULE: Rule = Rule {
    name: "nested-retry",
    default_level: Level::Warn,
    questions: &[],
    summary: "a retry whose attempts call something that retries itself",
    docs: r#"## What it does
Finds retries of downstream calls whose attempts call a function that retries too (in this
function, or a helper one or more calls away), or go through a client whose middleware
retries. Points at the outer retry.

## Why is this bad?
Attempts multiply across layers: 3 outer × 3 inner is 9 requests for one failure, with the
delays adding up far past any deadline, and a downstream in trouble gets nine times the
load.

## Example
```rust
for attempt in 0..3 {
    match retry::get_json(&client, url).await { // retries 3 times itself
        Ok(order) => return Ok(order),
        Err(_) => sleep(backoff(attempt)).await,
    }
}
```

## Use instead
Retry in one layer only, usually the outermost that knows the deadline; make the helpers
single-attempt.

## How to suppress
`// failfirst: allow(nested-retry) reason` on the line above the outer retry.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    downstream_retries(path)
        .filter(|reached| reached.nested)
        .map(|reached| Violation {
            rule: &RULE,
            questions: None,
            function: reached.function,
            anchor: reached.retry.anchor,
            chain: reached.chain.clone(),
            message: format!(
                "{} wraps calls that retry themselves: attempts multiply across layers",
                reached.retry.origin
            ),
            help: "consider retrying in one layer only".to_string(),
        })
        .collect()
}
