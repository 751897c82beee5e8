//! backoff (unmaintained): `backoff::future::retry(ExponentialBackoff::default(), op)` and
//! `retry_notify`. The default policy grows with randomised delays and gives up after
//! 15 minutes of elapsed time; a `?` inside the operation makes every error transient
//! (retried) unless the operation says which are permanent.

use super::{function, words, Bound, DefaultWorstCase, Errors, Jitter, Limit, RetryLibrary};

pub fn record() -> RetryLibrary {
    RetryLibrary {
        name: "backoff".to_string(),
        starts: vec![
            function("backoff::future::retry", 1, false),
            function("backoff::future::retry_notify", 1, false),
            function("backoff::retry", 1, false),
            function("backoff::retry_notify", 1, false),
        ],
        constant_strategies: words(&["Constant", "constant"]),
        jitter: Jitter::UnlessConstant,
        limit: Limit {
            default: Bound::Elapsed,
            changed_by: Vec::new(),
        },
        errors: Errors::QuestionMarkUnlessClassified {
            methods: words(&["map_err"]),
            functions: words(&["permanent", "transient"]),
        },
        default_worst_case: Some(DefaultWorstCase {
            ms: 15 * 60 * 1000,
            overridden_by: words(&["max_elapsed_time", "with_max_elapsed_time"]),
            growing_only: false,
        }),
    }
}
