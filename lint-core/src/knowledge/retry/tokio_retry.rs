//! tokio-retry: `Retry::spawn(strategy, action)`, `RetryIf::spawn(strategy, action,
//! condition)`. A strategy is an iterator of delays: it retries forever unless `.take(n)`
//! ends it, and randomises only through `.map(jitter)`.

use super::{function, words, Bound, Errors, Jitter, Limit, RetryLibrary};

pub fn record() -> RetryLibrary {
    RetryLibrary {
        name: "tokio-retry".to_string(),
        starts: vec![
            function("tokio_retry::Retry::spawn", 1, false),
            function("tokio_retry::RetryIf::spawn", 1, false),
            function("tokio_retry::Retry::start", 1, false),
        ],
        constant_strategies: words(&["FixedInterval"]),
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
