//! The `retry` crate: `retry::retry(delays, operation)`, `retry_with_index`. Like
//! tokio-retry, the delays are an iterator: forever unless `.take(n)`, randomised only
//! through `jitter`.

use super::{function, words, Bound, Errors, Jitter, Limit, RetryLibrary};

pub fn record() -> RetryLibrary {
    RetryLibrary {
        name: "retry".to_string(),
        starts: vec![
            function("retry::retry", 1, false),
            function("retry::retry_with_index", 1, false),
        ],
        constant_strategies: words(&["Fixed"]),
        jitter: Jitter::WhenNamed {
            methods: words(&["jitter"]),
            names: words(&["jitter"]),
        },
        limit: Limit {
            default: Bound::Unbounded,
            changed_by: vec![("take".to_string(), Bound::Attempts)],
        },
        errors: Errors::AsStarted,
        default_worst_case: None,
    }
}
