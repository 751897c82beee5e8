//! backon: `(|| async { .. }).retry(ExponentialBuilder::default())`. Its exponential
//! builder has no jitter unless `.with_jitter()`, and stops after 3 retries (1 s, 2 s and
//! 4 s of delays) unless told otherwise; `without_max_times()` removes the bound.

use super::{words, Bound, DefaultWorstCase, Errors, Jitter, Limit, RetryLibrary, RetryStart};

pub fn record() -> RetryLibrary {
    RetryLibrary {
        name: "backon".to_string(),
        starts: vec![RetryStart::Method {
            name: "retry".to_string(),
            builders: words(&["ExponentialBuilder", "ConstantBuilder", "FibonacciBuilder"]),
        }],
        constant_strategies: words(&["ConstantBuilder"]),
        jitter: Jitter::WhenNamed {
            methods: words(&["with_jitter"]),
            names: Vec::new(),
        },
        limit: Limit {
            default: Bound::Attempts,
            changed_by: vec![("without_max_times".to_string(), Bound::Unbounded)],
        },
        errors: Errors::AsStarted,
        default_worst_case: Some(DefaultWorstCase {
            ms: 1_000 + 2_000 + 4_000,
            overridden_by: words(&[
                "with_max_times",
                "with_min_delay",
                "with_max_delay",
                "with_factor",
                "with_total_delay",
            ]),
            growing_only: true,
        }),
    }
}
