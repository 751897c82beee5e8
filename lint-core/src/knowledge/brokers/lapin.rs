//! AMQP through lapin: `channel.basic_publish(..)`, and `basic_consume` streams read with
//! `next()`.

use super::{bounds_with_keys, words, Broker, Consumer, Publisher};

pub fn record() -> Broker {
    Broker {
        label: "amqp".to_string(),
        publishers: vec![Publisher {
            crate_name: "lapin".to_string(),
            type_name: "Channel".to_string(),
            methods: words(&["basic_publish"]),
            label: "amqp publish".to_string(),
            // `BasicProperties::default().with_message_id(..)`.
            key_setters: words(&["with_message_id"]),
            idempotent_methods: Vec::new(),
        }],
        consumer: Consumer {
            consumer_types: Vec::new(),
            subscribe_methods: words(&["basic_consume"]),
            topic_methods: Vec::new(),
            receive_methods: words(&["next"]),
        },
        bounds: bounds_with_keys(&[]),
        default_timeout: None,
    }
}
