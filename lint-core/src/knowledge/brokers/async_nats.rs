//! NATS through async-nats: `client.publish(subject, payload)` and subscriptions
//! (`client.subscribe("subject")`, `queue_subscribe`) read with `next()`.

use super::{bounds_with_keys, words, Broker, Consumer, Publisher};

pub fn record() -> Broker {
    Broker {
        label: "nats".to_string(),
        publishers: vec![Publisher {
            crate_name: "async_nats".to_string(),
            type_name: "Client".to_string(),
            methods: words(&["publish", "publish_with_headers", "publish_with_reply"]),
            label: "nats publish".to_string(),
            // JetStream deduplicates by the `Nats-Msg-Id` header: a key name.
            key_setters: Vec::new(),
            idempotent_methods: Vec::new(),
        }],
        consumer: Consumer {
            // Core subscriptions, and JetStream's pull and push consumers, whose
            // `messages()` (after stream settings) is the stream of deliveries.
            consumer_types: words(&["Subscriber", "PullConsumer", "PushConsumer"]),
            subscribe_methods: words(&["subscribe", "queue_subscribe"]),
            topic_methods: Vec::new(),
            receive_methods: words(&["next", "messages"]),
        },
        bounds: bounds_with_keys(&[]),
        default_timeout: None,
    }
}
