//! again: `again::retry(op)` and `again::retry_if(op, condition)`. Its default policy grows
//! from 1 s with no jitter and stops after 5 retries; `retry` retries every error.

use super::{function, Bound, Errors, Jitter, Limit, RetryLibrary};

pub fn record() -> RetryLibrary {
    RetryLibrary {
        name: "again".to_string(),
        starts: vec![
            function("again::retry", 0, true),
            function("again::retry_if", 0, false),
        ],
        constant_strategies: Vec::new(),
        jitter: Jitter::WhenNamed {
            methods: Vec::new(),
            names: Vec::new(),
        },
        limit: Limit {
            default: Bound::Attempts,
            changed_by: Vec::new(),
        },
        errors: Errors::AsStarted,
        default_worst_case: None,
    }
}
