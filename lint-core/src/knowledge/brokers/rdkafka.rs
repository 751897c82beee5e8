//! Kafka through rdkafka: `FutureProducer::send`, producers configured by key and value
//! (`ClientConfig::new().set("message.timeout.ms", "5000")` bounds each delivery), and
//! `StreamConsumer`/`BaseConsumer` loops over `recv()`, `poll()` or `stream()`.

use super::{bounds_with_keys, words, Broker, Consumer, Publisher};

pub fn record() -> Broker {
    let producer = |type_name: &str, methods: &[&str]| Publisher {
        crate_name: "rdkafka".to_string(),
        type_name: type_name.to_string(),
        methods: words(methods),
        label: "kafka publish".to_string(),
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
    }
}
