//! tokio-retry: `Retry::spawn(strategy, action)`, `RetryIf::spawn(strategy, action,
//! condition)`. A strategy is an iterator of delays: it retries forever unless `.take(n)`
//! ends it, and randomises only through `.map(jitter)`.

use super::{delay_iterator, function, RetryLibrary};

pub fn record() -> RetryLibrary {
    delay_iterator(
        "tokio-retry",
        vec![
            function("tokio_retry::Retry::spawn", 1, false),
            function("tokio_retry::RetryIf::spawn", 1, false),
            function("tokio_retry::Retry::start", 1, false),
        ],
        &["FixedInterval"],
    )
}
