//! Kafka through rdkafka: `FutureProducer::send`, producers configured by key and value
//! (`ClientConfig::new().set("message.timeout.ms", "5000")` bounds each delivery; left
//! unset, librdkafka fails a delivery after 300 s, whatever the queue timeout given to
//! `send` — `Timeout::Never` only waits for room in the local queue), and
//! `StreamConsumer`/`BaseConsumer` loops over `recv()`, `poll()` or `stream()`.

use super::{bounds_with_keys, words, Broker, Consumer, Publisher};
use crate::knowledge::http::DefaultTimeout;

pub fn record() -> Broker {
    let producer = |type_name: &str, methods: &[&str]| Publisher {
        crate_name: "rdkafka".to_string(),
        type_name: type_name.to_string(),
        methods: words(methods),
        label: "kafka publish".to_string(),
        // `FutureRecord { key: Some(..), .. }`, `FutureRecord::to(topic).key(..)`.
        key_setters: words(&["key"]),
        idempotent_methods: Vec::new(),
    };
    Broker {
        label: "kafka".to_string(),
        publishers: vec![
            producer("FutureProducer", &["send", "send_result"]),
            producer("BaseProducer", &["send"]),
            producer("ThreadedProducer", &["send"]),
        ],
        consumer: Consumer {
            consumer_types: words(&["StreamConsumer", "BaseConsumer"]),
            subscribe_methods: Vec::new(),
            topic_methods: words(&["subscribe"]),
            receive_methods: words(&["recv", "poll", "stream", "next"]),
        },
        bounds: bounds_with_keys(&["message.timeout.ms", "delivery.timeout.ms"]),
        default_timeout: Some(DefaultTimeout {
            what: "librdkafka's 300 s default `message.timeout.ms`".to_string(),
            ms: Some(300_000),
        }),
    }
}
