//! Queues through omniqueue, one API over SQS, Redis streams, RabbitMQ, Google Pub/Sub and
//! Azure queues: a producer (`DynProducer`, `DynScheduledProducer` or a backend's own)
//! enqueues with `send_raw`, `send_bytes` or `send_serde_json`, now or after a delay
//! (`send_serde_json_scheduled(&payload, delay)`). A second send enqueues a second
//! message, and none of the backends bounds a send by itself. `redrive_dlq` moves the dead
//! letters back to the queue: a second redrive finds none of them left to move again. Consumer loops are not
//! described yet (`consumer.receive()` / `receive_all(n, wait)`).

use super::{bounds_with_keys, words, Broker, Consumer, Publisher};

const PRODUCERS: &[&str] = &[
    "DynProducer",
    "DynScheduledProducer",
    "SqsProducer",
    "RedisProducer",
    "RabbitMqProducer",
    "GcpPubSubProducer",
    "AqsProducer",
];

const SENDS: &[&str] = &[
    "send_raw",
    "send_bytes",
    "send_serde_json",
    "send_raw_scheduled",
    "send_bytes_scheduled",
    "send_serde_json_scheduled",
];

pub fn record() -> Broker {
    Broker {
        label: "queue".to_string(),
        publishers: PRODUCERS
            .iter()
            .map(|type_name| Publisher {
                crate_name: "omniqueue".to_string(),
                type_name: type_name.to_string(),
                methods: words(SENDS),
                label: "queue publish".to_string(),
                // A payload is all omniqueue sends: no field identifies it.
                key_setters: Vec::new(),
                idempotent_methods: words(&["redrive_dlq"]),
            })
            .collect(),
        consumer: Consumer {
            consumer_types: Vec::new(),
            subscribe_methods: Vec::new(),
            topic_methods: Vec::new(),
            receive_methods: Vec::new(),
        },
        bounds: bounds_with_keys(&[]),
        default_timeout: None,
    }
}
