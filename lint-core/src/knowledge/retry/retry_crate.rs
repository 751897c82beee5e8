//! The `retry` crate: `retry::retry(delays, operation)`, `retry_with_index`. Like
//! tokio-retry, the delays are an iterator: forever unless `.take(n)`, randomised only
//! through `jitter`.

use super::{delay_iterator, function, RetryLibrary};

pub fn record() -> RetryLibrary {
    delay_iterator(
        "retry",
        vec![
            function("retry::retry", 1, false),
            function("retry::retry_with_index", 1, false),
        ],
        &["Fixed"],
    )
}
