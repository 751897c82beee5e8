//! Redis streams: a loop over `xread_group`/`xread` replies is a consumer. Publishing
//! (`XADD`) is a state write, read with Redis's other commands (`state.rs`).

use super::{bounds_with_keys, words, Broker, Consumer};

pub fn record() -> Broker {
    Broker {
        label: "redis-stream".to_string(),
        publishers: Vec::new(),
        consumer: Consumer {
            consumer_types: Vec::new(),
            subscribe_methods: words(&["xread_group", "xread"]),
            topic_methods: Vec::new(),
            receive_methods: Vec::new(),
        },
        bounds: bounds_with_keys(&[]),
        default_timeout: None,
    }
}
