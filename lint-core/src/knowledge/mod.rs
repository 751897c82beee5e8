//! What failfirst knows of libraries, as data. Code elsewhere interprets these tables; adding
//! a framework's routing method or a wrapper type is a change here plus a fixture.

/// Methods that register routes on a router, app, scope or filter; a statement that calls
/// one is kept for discovery to read.
pub const ROUTE_BUILDING_METHODS: &[&str] = &[
    "route",
    "nest",
    "merge",
    "service",
    "at",
    "mount",
    "and_then",
    "configure",
    "route_service",
    "nest_service",
    "default_service",
];

/// HTTP methods as the routing functions of axum and poem spell them (`get(h)`), and as
/// actix-web's `web::get()` and warp's `warp::get()` filters do.
pub const HTTP_METHOD_FUNCTIONS: &[(&str, &str)] = &[
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("delete", "DELETE"),
    ("patch", "PATCH"),
    ("head", "HEAD"),
    ("options", "OPTIONS"),
    ("trace", "TRACE"),
    ("connect", "CONNECT"),
    ("any", "ANY"),
];

pub fn http_method_of(function_name: &str) -> Option<&'static str> {
    HTTP_METHOD_FUNCTIONS
        .iter()
        .find(|(name, _)| *name == function_name)
        .map(|(_, method)| *method)
}

/// The crates a routing function may come from, per framework: a call such as `get(h)`
/// counts when its path resolves into one of these crates, or when it cannot be resolved
/// (a glob import) and has the expected name.
pub struct FrameworkCrates {
    pub framework: &'static str,
    pub crate_names: &'static [&'static str],
}

pub const AXUM: FrameworkCrates = FrameworkCrates {
    framework: "axum",
    crate_names: &["axum"],
};
pub const ACTIX: FrameworkCrates = FrameworkCrates {
    framework: "actix-web",
    crate_names: &["actix_web"],
};
pub const POEM: FrameworkCrates = FrameworkCrates {
    framework: "poem",
    crate_names: &["poem"],
};

/// Route attributes of actix-web and rocket: `#[post("/path")]`.
pub const ROUTE_ATTRIBUTES: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "trace", "connect",
];

/// Wrappers that a value is reached through without changing what it is: a method called on
/// `Arc<Repo>` or `web::Data<Repo>` runs on `Repo`.
pub const TRANSPARENT_WRAPPERS: &[&str] = &[
    "Arc",
    "Rc",
    "Box",
    "Data",
    "State",
    "Extension",
    "Option",
    "Mutex",
    "RwLock",
    "OnceLock",
    "OnceCell",
    "Lazy",
    "LazyLock",
    "Cow",
    "Pin",
    "RefCell",
    "Cell",
    "ManuallyDrop",
];

/// Associated functions that build a value of their own type: `T::new(..)` is a `T`.
pub const CONSTRUCTOR_NAMES: &[&str] = &[
    "new",
    "default",
    "from",
    "connect",
    "connect_lazy",
    "open",
    "with_config",
];

/// Constructor prefixes: `T::with_capacity(..)`, `T::from_env()` are `T`s too.
pub const CONSTRUCTOR_PREFIXES: &[&str] = &["with_", "from_", "new_", "connect_"];

/// Methods that return the receiver's value (or the value it wraps) unchanged in type, as far
/// as resolving later calls on it is concerned.
pub const TRANSPARENT_METHODS: &[&str] = &[
    "clone",
    "unwrap",
    "expect",
    "as_ref",
    "as_mut",
    "borrow",
    "borrow_mut",
    "lock",
    "read",
    "write",
    "get_ref",
    "unwrap_or_else",
    "unwrap_or_default",
    "to_owned",
    "into_inner",
];

/// Methods that finish a builder: `T::builder()....build()` is a `T`.
pub const BUILDER_FINISHERS: &[&str] = &["build", "finish", "create", "connect"];

/// Message consumers: how a loop receives messages, per broker.
pub struct ConsumerKind {
    /// The label shown in a consumer's route: `kafka payments.captured`.
    pub label: &'static str,
    /// Types whose values are consumers (`let c: StreamConsumer = ..`).
    pub consumer_types: &'static [&'static str],
    /// Methods that create a consumer or subscription from a topic, queue or subject given as
    /// the first string argument (`client.subscribe("subject")`).
    pub subscribe_methods: &'static [&'static str],
    /// Methods that set the topics of an existing consumer (`consumer.subscribe(&["t"])`).
    pub topic_methods: &'static [&'static str],
    /// Methods a loop calls on the consumer to receive one message.
    pub receive_methods: &'static [&'static str],
}

pub const CONSUMER_KINDS: &[ConsumerKind] = &[
    ConsumerKind {
        label: "kafka",
        consumer_types: &["StreamConsumer", "BaseConsumer"],
        subscribe_methods: &[],
        topic_methods: &["subscribe"],
        receive_methods: &["recv", "poll", "stream", "next"],
    },
    ConsumerKind {
        label: "amqp",
        consumer_types: &[],
        subscribe_methods: &["basic_consume"],
        topic_methods: &[],
        receive_methods: &["next"],
    },
    ConsumerKind {
        label: "nats",
        consumer_types: &["Subscriber"],
        subscribe_methods: &["subscribe", "queue_subscribe"],
        topic_methods: &[],
        receive_methods: &["next"],
    },
    ConsumerKind {
        label: "redis-stream",
        consumer_types: &[],
        subscribe_methods: &["xread_group", "xread"],
        topic_methods: &[],
        receive_methods: &[],
    },
];

/// Attributes that mark a function as a handler whatever its framework, from the
/// annotations crate (package `failfirst`).
pub const ANNOTATION_CRATE: &str = "failfirst";
pub const HANDLER_ANNOTATIONS: &[&str] = &["handler", "idempotent", "deadline"];
