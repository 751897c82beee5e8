//! Message brokers, one record per file: how a service publishes to one (the producer
//! types and their sending methods) and how a consumer loop receives from one (the types,
//! subscriptions and receive calls that discovery reads), and what bounds a publish.

pub mod async_nats;
pub mod lapin;
pub mod omniqueue;
pub mod rdkafka;
pub mod redis_streams;

use super::http::DefaultTimeout;
use super::{words, ClientBounds};

/// Every broker the analysis knows of, in the order consumers are matched.
pub fn builtin() -> Vec<Broker> {
    vec![
        rdkafka::record(),
        lapin::record(),
        async_nats::record(),
        redis_streams::record(),
        omniqueue::record(),
    ]
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broker {
    /// How a consumer's route names the broker: `kafka payments.captured`.
    pub label: String,
    pub publishers: Vec<Publisher>,
    pub consumer: Consumer,
    /// What bounds a publish, where the producer is built.
    pub bounds: ClientBounds,
    /// What bounds a publish when the producer is built without a bound: librdkafka gives
    /// up on a delivery after its `message.timeout.ms`, 300 s unless configured. `None`
    /// when nothing does.
    pub default_timeout: Option<DefaultTimeout>,
}

/// A producer type and the methods that publish with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publisher {
    pub crate_name: String,
    pub type_name: String,
    pub methods: Vec<String>,
    /// How the evidence names a publish: `kafka publish`.
    pub label: String,
    /// Fields of a record literal, or methods of a record or properties builder, that set
    /// what identifies the message to its consumers: kafka's record key, AMQP's
    /// `message_id`. Given a value from the request (not one made here), they key the
    /// publish: a consumer deduplicates by it, and a compacted topic keeps one record per key.
    pub key_setters: Vec<String>,
    /// Operations of the producer that reach the broker but that a second call does not
    /// duplicate: omniqueue's `redrive_dlq` moves the dead letters back to the queue, and a
    /// second redrive finds them gone.
    pub idempotent_methods: Vec<String>,
}

/// How a loop receives messages from the broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consumer {
    /// Types whose values are consumers (`let c: StreamConsumer = ..`).
    pub consumer_types: Vec<String>,
    /// Methods that create a consumer or subscription from a topic, queue or subject given
    /// as the first string argument (`client.subscribe("subject")`).
    pub subscribe_methods: Vec<String>,
    /// Methods that set the topics of an existing consumer (`consumer.subscribe(&["t"])`).
    pub topic_methods: Vec<String>,
    /// Methods a loop calls on the consumer to receive one message.
    pub receive_methods: Vec<String>,
}

/// The bounds of a producer built like most clients, and by configuration keys whose value
/// is in milliseconds.
pub(crate) fn bounds_with_keys(keys: &[&str]) -> ClientBounds {
    ClientBounds {
        timeout_config_keys: words(keys),
        ..ClientBounds::conventional()
    }
}
