//! What failfirst knows of libraries, as data. Code elsewhere interprets it; supporting a
//! library is a change here plus a fixture.
//!
//! A library the facts read calls of is a record in its own file: `http/` (reqwest, ureq,
//! surf, activitypub_federation, the Svix SDK; hyper's direct clients), `grpc/` (tonic), `brokers/`
//! (rdkafka, async-nats, lapin, redis streams), `mail/` (lettre), `storage/`
//! (object_store), `retry/` (backoff, backon, tokio-retry, retry, again), `sql/` (sqlx,
//! diesel, sea-orm, tokio-postgres), `kv/` (Redis). The words no single library owns —
//! frameworks' routing, deadlines, hand-written retry loops, Rust's own conventions — are
//! tables in this module; the words of state (inbox tables, outcomes) are in `state.rs`.
//!
//! A run carries a [`Knowledge`] value: the records and the tables a team's configuration
//! extends, which the analysis hands to the layers that read it. The team's declared
//! clients are [`DirectClient`] records, the same type as hyper's.
//!
//! Knowledge is data about libraries, not about the workspace: it knows nothing of the
//! index (the analysis tells the index the few words it needs), and the layers above it
//! interpret it.
//!
//! May import: `vocab`.

pub mod brokers;
pub mod grpc;
pub mod http;
pub mod kv;
pub mod mail;
pub mod retry;
mod runtime;
pub mod sql;
pub mod storage;

use crate::vocab::Framework;

pub use runtime::{ClientMethod, DirectClient, Knowledge};
pub use sql::WriteApi;

/// What bounds the requests of a client, in the words of its library: methods that bound a
/// whole request (on the client's builder or the request), methods that bound only the
/// connection, middleware that retries every request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientBounds {
    pub timeout_methods: Vec<String>,
    pub connect_timeout_methods: Vec<String>,
    pub retrying_middleware: Vec<String>,
    /// Configuration keys that bound each request of a client built from key-value
    /// settings (rdkafka's `ClientConfig::set("message.timeout.ms", "5000")`), in ms.
    pub timeout_config_keys: Vec<String>,
}

impl ClientBounds {
    /// The words most Rust clients use, for the clients no record describes: gRPC
    /// channels (`Endpoint::timeout`), broker producers, the team's declared wrappers.
    pub fn conventional() -> Self {
        ClientBounds {
            timeout_methods: vec!["timeout".to_string()],
            connect_timeout_methods: vec!["connect_timeout".to_string()],
            retrying_middleware: vec!["RetryTransientMiddleware".to_string()],
            timeout_config_keys: Vec::new(),
        }
    }

    pub fn is_timeout_method(&self, method: &str) -> bool {
        self.timeout_methods.iter().any(|known| known == method)
    }

    pub fn is_connect_timeout_method(&self, method: &str) -> bool {
        self.connect_timeout_methods
            .iter()
            .any(|known| known == method)
    }

    pub fn is_timeout_config_key(&self, key: &str) -> bool {
        self.timeout_config_keys.iter().any(|known| known == key)
    }

    pub fn is_retrying_middleware(&self, name: &str) -> bool {
        self.retrying_middleware.iter().any(|known| known == name)
    }
}

/// Clients whose methods are downstream calls by themselves, from every record that has
/// some: hyper's, activitypub_federation's object ids, the Svix SDK's resources,
/// lettre's mail transports, object_store's stores.
pub fn direct_clients() -> Vec<DirectClient> {
    let mut clients = http::hyper::clients();
    clients.extend(http::activitypub_federation::clients());
    clients.extend(http::svix::clients());
    clients.extend(mail::lettre::clients());
    clients.extend(storage::object_store::clients());
    clients.extend(http::oauth2::clients());
    clients.extend(http::webmention::clients());
    clients
}

/// How the direct clients built in steps are built, from every record that has some:
/// lettre's transports.
pub fn direct_client_builders() -> Vec<http::BuilderType> {
    mail::lettre::builders()
}

/// Library methods that run the workspace's implementation of one of the library's traits,
/// as (method, trait, the trait's method): axum-login's `AuthSession::authenticate(creds)`
/// asks the backend the service wrote (`impl AuthnBackend for Backend`), where the service
/// reads its users (and may write, counting failed attempts).
pub const IMPLEMENTATION_CALLS: &[(&str, &str, &str)] = &[(
    "axum_login::AuthSession::authenticate",
    "axum_login::AuthnBackend",
    "authenticate",
)];

/// A path as records write it: `["reqwest", "Client"]`.
pub type Path = Vec<String>;

/// `"reqwest::Client"` as a [`Path`].
pub fn path(text: &str) -> Path {
    text.split("::").map(str::to_string).collect()
}

/// Words as records hold them.
pub(crate) fn words(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| word.to_string()).collect()
}

/// The same segments, whatever string type holds them.
pub(crate) fn same_path(candidate: &[impl AsRef<str>], known: &[String]) -> bool {
    candidate.len() == known.len()
        && candidate
            .iter()
            .zip(known)
            .all(|(segment, expected)| segment.as_ref() == expected)
}

mod state;
pub use state::*;

/// Traits whose methods turn one value into another: a consumer loop that converts each
/// message with one (`RawEventRow::from(event)`) still processes it in place.
pub const CONVERSION_TRAITS: &[&str] = &["From", "TryFrom", "FromStr", "Into", "TryInto"];

/// Macros that list routes to mount later: rocket's `routes![a, b]`.
pub const ROUTE_LIST_MACROS: &[&str] = &["routes"];

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
    // utoipa-axum: `OpenApiRouter::new().routes(routes!(a, b))`.
    "routes",
    // aide: `ApiRouter::new().api_route("/p", post_with(h, docs))`.
    "api_route",
    "api_route_with",
    "nest_api_service",
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

/// The suffix of aide's method routers that take the operation's docs beside the handler:
/// `post_with(handler, docs)`.
pub const DOCUMENTED_METHOD_SUFFIX: &str = "_with";

/// The HTTP method a routing function or method router names: `get` and aide's `get_with`
/// are GET.
pub fn http_method_of(function_name: &str) -> Option<&'static str> {
    let name = function_name
        .strip_suffix(DOCUMENTED_METHOD_SUFFIX)
        .unwrap_or(function_name);
    HTTP_METHOD_FUNCTIONS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, method)| *method)
}

/// Every function that builds a method router: `get`, `post_with`, `on` …
pub fn method_router_functions() -> Vec<String> {
    HTTP_METHOD_FUNCTIONS
        .iter()
        .flat_map(|(name, _)| {
            [
                name.to_string(),
                format!("{name}{DOCUMENTED_METHOD_SUFFIX}"),
            ]
        })
        .chain(["on".to_string(), "on_with".to_string()])
        .collect()
}

/// OpenAPI routers that take the route from an attribute on the handler: utoipa-axum's
/// `.routes(routes!(a, b))` reads each handler's `#[utoipa::path(put, path = "/x")]`.
pub struct AttributeRoutedMacro {
    /// The macro listing handlers: `routes`.
    pub macro_name: &'static str,
    /// The attribute on each handler: `utoipa::path`, matched by its last segments.
    pub attribute: &'static [&'static str],
    /// The attribute's argument holding the path, and one adding a prefix.
    pub path_argument: &'static str,
    pub prefix_argument: &'static str,
    /// The argument listing several methods: `method(get, head)`.
    pub methods_argument: &'static str,
}

pub const UTOIPA_ROUTES: AttributeRoutedMacro = AttributeRoutedMacro {
    macro_name: "routes",
    attribute: &["utoipa", "path"],
    path_argument: "path",
    prefix_argument: "context_path",
    methods_argument: "method",
};

/// poem-openapi: `#[OpenApi(prefix_path = "/v1")] impl Api { #[oai(path = "/x", method =
/// "post")] async fn create(&self, ..) }`, served by `OpenApiService::new(Api, ..)`.
pub struct ImplRoutedApi {
    pub impl_attribute: &'static str,
    pub impl_prefix_argument: &'static str,
    pub method_attribute: &'static str,
    pub path_argument: &'static str,
    pub method_argument: &'static str,
    /// The function that serves the API types given as its first argument.
    pub service_constructor: &'static [&'static str],
}

pub const POEM_OPENAPI: ImplRoutedApi = ImplRoutedApi {
    impl_attribute: "OpenApi",
    impl_prefix_argument: "prefix_path",
    method_attribute: "oai",
    path_argument: "path",
    method_argument: "method",
    service_constructor: &["OpenApiService", "new"],
};

/// The crates a routing function may come from, per framework: a call such as `get(h)`
/// counts when its path resolves into one of these crates, or when it cannot be resolved
/// (a glob import) and has the expected name.
pub struct FrameworkCrates {
    pub framework: Framework,
    pub crate_names: &'static [&'static str],
}

pub const AXUM: FrameworkCrates = FrameworkCrates {
    framework: Framework::Axum,
    // aide and utoipa-axum route through axum's method routers.
    crate_names: &["axum", "aide", "utoipa_axum"],
};
pub const ACTIX: FrameworkCrates = FrameworkCrates {
    framework: Framework::ActixWeb,
    // actix-web re-exports its route attributes from actix-web-codegen, which a crate may
    // also depend on by itself (or on a fork of it, renamed in its manifest).
    crate_names: &["actix_web", "actix_web_codegen"],
};
pub const POEM: FrameworkCrates = FrameworkCrates {
    framework: Framework::Poem,
    crate_names: &["poem"],
};

/// Route attributes of actix-web and rocket: `#[post("/path")]`.
pub const ROUTE_ATTRIBUTES: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "trace", "connect",
];

/// Derive macros that make a one-field struct dereference to its field (derive_more's
/// `Deref`, shrinkwraprs' `Shrinkwrap`): `state.emails` on `struct AppState(Arc<App>)` is
/// `App`'s field, and `state.db()` its method.
pub const DEREF_DERIVES: &[&str] = &["Deref", "Shrinkwrap"];

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

/// Traits whose impls never do a handler's I/O (copying, comparing, formatting, hashing,
/// (de)serialising): their impls are not indexed. Generated bindings hold them by the ten
/// thousand, so leaving them out keeps a large workspace's index small.
/// `Default` is not among them: a `Default` impl may build the client a handler uses.
pub const INERT_TRAITS: &[&str] = &[
    "Clone",
    "Copy",
    "Debug",
    "Display",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Serialize",
    "Deserialize",
    "Visitor",
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
    // `OnceLock`/`OnceCell`: `MAILER.get_or_init(|| ..)` is the value the cell holds.
    "get_or_init",
    "get_or_try_init",
];

/// Methods of `Result` and `Option` that convert or annotate the error and keep the value on
/// success (`Client::connect(url).await.map_err(..)?` is a client): seen through like
/// [`TRANSPARENT_METHODS`], and never a method of the value itself (no RPC is named so).
pub const RESULT_ADAPTERS: &[&str] = &[
    "map_err",
    "context",
    "with_context",
    "wrap_err",
    "wrap_err_with",
    "inspect_err",
    "inspect",
    "ok",
    "ok_or",
    "ok_or_else",
    "unwrap",
    "expect",
    "unwrap_or_else",
    "unwrap_or_default",
    // error-stack's reports: the error changes, the value does not.
    "change_context",
    "change_context_lazy",
    "attach",
    "attach_lazy",
    "attach_printable",
    "attach_printable_lazy",
];

/// Methods whose closure is given the receiver's value (or the value it wraps):
/// `client.as_ref().map(|client| client.post(..))`, `conn.transaction(|conn| ..)`.
pub const CLOSURE_RECEIVER_METHODS: &[&str] = &[
    "map",
    "and_then",
    "inspect",
    "is_some_and",
    "is_ok_and",
    "map_or",
    "map_or_else",
    "then",
    "map_ok",
    "and_then_async",
    "transaction",
    "with",
];

/// Words in a request's body that make the request its own key: an OAuth token request
/// exchanging an authorization code (`grant_type=authorization_code`), which the server
/// accepts once (RFC 6749 §4.1.2), so a second exchange repeats nothing.
pub const SINGLE_USE_GRANTS: &[&str] = &["authorization_code"];

/// Collections of the standard library and of the crates the field uses for maps, whose
/// accessors ([`ELEMENT_ACCESSORS`]) hand back one element: the name, and whether the
/// element is the last type argument (a map's value) rather than the first (an item).
pub const COLLECTIONS: &[(&str, bool)] = &[
    ("HashMap", true),
    ("BTreeMap", true),
    ("IndexMap", true),
    ("DashMap", true),
    ("Vec", false),
    ("VecDeque", false),
    ("SmallVec", false),
];

/// Methods of a collection that hand back one of its elements (in an `Option`, or a guard
/// that dereferences to it).
pub const ELEMENT_ACCESSORS: &[&str] = &["get", "get_mut", "first", "last", "remove"];

/// Methods of iterators and streams (none of `Option`, `Result` or a future) that call
/// their closure once per item: code in that closure may take another way for each item.
pub const PER_ITEM_METHODS: &[&str] = &[
    "for_each",
    "try_for_each",
    "for_each_concurrent",
    "try_for_each_concurrent",
    "filter_map",
    "flat_map",
    "fold",
    "try_fold",
    "scan",
    "any",
    "all",
    "find_map",
    "map_while",
    "take_while",
    "skip_while",
    "retain",
    "position",
];

/// Methods that call their closure once per item on an iterator or a stream, and once on
/// an `Option`, a `Result` or a future: per item only when what they are called on
/// iterates.
pub const PER_ITEM_ADAPTERS: &[&str] = &["map", "filter", "and_then", "then", "inspect", "map_ok"];

/// Methods and functions that make an iterator or a stream of a collection or another
/// iterator: `items.iter()`, `rows.into_iter()`, `futures::stream::iter(xs)`.
pub const ITERATOR_SOURCES: &[&str] = &[
    "iter",
    "into_iter",
    "iter_mut",
    "drain",
    "chunks",
    "windows",
    "lines",
    "chars",
    "bytes",
    "keys",
    "values",
    "values_mut",
    "into_keys",
    "into_values",
    "enumerate",
    "zip",
    "rev",
    "skip",
    "take",
    "chain",
    "step_by",
    "cloned",
    "copied",
    "flatten",
    "buffer_unordered",
    "buffered",
];

/// Macros whose arguments are text, formatting, assertions or declarations, not code a
/// handler's I/O is in: the walk leaves them unparsed (beside the logging macros). Any
/// other function-like macro whose arguments parse as statements or expressions is read
/// as that code.
pub const MACROS_NOT_CODE: &[&str] = &[
    "format",
    "format_args",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "unreachable",
    "todo",
    "unimplemented",
    "matches",
    "concat",
    "stringify",
    "include_str",
    "include_bytes",
    "include",
    "env",
    "option_env",
    "cfg",
    "line",
    "file",
    "column",
    "module_path",
    "compile_error",
    "json",
    "html",
    "thread_local",
    "lazy_static",
    "bail",
    "ensure",
    "anyhow",
    "eyre",
    "format_err",
    "instrument",
    "span",
    "info_span",
    "debug_span",
    "error_span",
    "trace_span",
    "warn_span",
    // Code templates of proc-macro crates and inline assembly: tokens to print, not code
    // that runs.
    "quote",
    "quote_spanned",
    "parse_quote",
    "parse_quote_spanned",
    "asm",
    "global_asm",
];

/// Attributes that make a trait's methods callable on an enum whose variants each implement
/// it (enum_dispatch's `#[enum_dispatch(Cache)]` on the trait): a call on the enum may run
/// any variant's implementation.
pub const DISPATCH_ATTRIBUTES: &[&str] = &["enum_dispatch"];

/// Macros of `pattern = future => body` arms: each arm's future and body are code.
pub const SELECT_MACROS: &[&str] = &["select", "select_biased", "try_select"];

/// Functions whose value is that of one of their arguments (a closure's return, a future's
/// output), by position: `spawn_blocking(move || Client::new()).await?` is a `Client`,
/// `timeout(limit, Client::connect(url)).await??` a client too.
pub const ARGUMENT_VALUE_FUNCTIONS: &[(&str, usize)] = &[
    ("spawn_blocking", 0),
    ("spawn", 0),
    ("spawn_local", 0),
    ("block_in_place", 0),
    ("block_on", 0),
    ("timeout", 1),
    ("timeout_at", 1),
];

/// Methods that finish a builder: `T::builder()....build()` is a `T`.
pub const BUILDER_FINISHERS: &[&str] = &["build", "finish", "create", "connect"];

/// Attributes that mark a function as a handler whatever its framework, from the
/// annotations crate (package `failfirst`).
pub const ANNOTATION_CRATE: &str = "failfirst";
pub const HANDLER_ANNOTATIONS: &[&str] = &["handler", "idempotent", "deadline"];

// ---------------------------------------------------------------------------------------
// Downstream calls, deadlines and retries.

/// HTTP methods that are idempotent by definition (RFC 9110 §9.2.2).
/// Types of the incoming request a handler can take whole (actix-web's `HttpRequest` and
/// `ServiceRequest`, axum's and http's `Request`, http's request `Parts`): its method is the
/// one the handler is routed as.
pub const INCOMING_REQUEST_TYPES: &[&str] = &["HttpRequest", "ServiceRequest", "Request", "Parts"];
/// The accessor of a request's HTTP method (`req.method()`).
pub const REQUEST_METHOD_ACCESSORS: &[&str] = &["method"];
/// Extractors that are the incoming request's HTTP method itself (axum's `Method`).
pub const HTTP_METHOD_TYPES: &[&str] = &["Method"];
pub const IDEMPOTENT_HTTP_METHODS: &[&str] = &["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"];

/// Paths whose last segment builds a client, and methods that finish building one: where
/// they are in sight, a client's construction is, and a missing timeout can be claimed.
pub const CLIENT_CONSTRUCTORS: &[&str] = &[
    "new",
    "builder",
    "default",
    "connect",
    "from_static",
    "from_shared",
    "new_with_policy",
];
pub const CLIENT_FINISHERS: &[&str] = &["build", "create", "connect", "connect_lazy"];

/// Methods that fill a lazily built static (`CLIENT.get_or_init(|| ..)`), and the methods
/// of their argument that show a client being built there.
pub const LAZY_INITIALIZERS: &[&str] = &["get_or_init", "get_or_try_init", "set"];
pub const LAZY_CLIENT_SETUP: &[&str] = &["build", "timeout"];

/// Functions that bound a future: `tokio::time::timeout(duration, future)`.
pub const TIMEOUT_FUNCTIONS: &[&[&str]] = &[
    &["tokio", "time", "timeout"],
    &["tokio", "time", "timeout_at"],
    &["async_std", "future", "timeout"],
];

/// What a deadline derived from the caller's looks like in code.
pub const DEADLINE_METHODS: &[&str] = &[
    "saturating_duration_since",
    "checked_duration_since",
    "duration_since",
    "remaining",
    "time_remaining",
    "deadline",
];
pub const DEADLINE_NAME_PARTS: &[&str] = &["deadline", "remaining", "budget"];
pub const DEADLINE_TYPES: &[&str] = &["Deadline", "Instant"];
/// Headers and metadata keys that carry the caller's deadline (compared case-insensitively).
pub const DEADLINE_HEADERS: &[&str] = &[
    "grpc-timeout",
    "x-request-deadline",
    "request-timeout",
    "x-request-timeout",
    "x-deadline",
    "deadline",
];

/// `Duration` constructors and the milliseconds one unit of their argument is worth: a
/// fixed bound written `Duration::from_secs(5)` lets a call run 5000 ms.
pub const DURATION_CONSTRUCTORS: &[(&str, f64)] = &[
    ("from_secs", 1000.0),
    ("from_millis", 1.0),
    ("from_micros", 0.001),
    ("from_nanos", 0.000_001),
    ("from_secs_f64", 1000.0),
    ("from_secs_f32", 1000.0),
    ("from_mins", 60_000.0),
];

/// Headers that carry an idempotency key (compared case-insensitively); `nats-msg-id` is
/// the one NATS JetStream deduplicates a publish by.
pub const IDEMPOTENCY_HEADERS: &[&str] = &[
    "idempotency-key",
    "x-idempotency-key",
    "idempotency_key",
    "nats-msg-id",
];
/// Field and variable names that carry an idempotency key in a message.
pub const IDEMPOTENCY_FIELD_PARTS: &[&str] = &[
    "idempotency_key",
    "idempotency-key",
    "client_token",
    "dedup_key",
    "request_id",
];

/// Functions that pause a loop.
pub const SLEEP_FUNCTIONS: &[&[&str]] = &[
    &["tokio", "time", "sleep"],
    &["tokio", "time", "sleep_until"],
    &["std", "thread", "sleep"],
    &["async_std", "task", "sleep"],
];

/// What randomness looks like: crates, functions and methods that add jitter.
pub const JITTER_CRATES: &[&str] = &["rand", "fastrand", "oorandom", "nanorand"];
pub const JITTER_METHODS: &[&str] = &[
    "gen_range",
    "random_range",
    "random",
    "gen",
    "jitter",
    "with_jitter",
];
pub const JITTER_NAME_PARTS: &[&str] = &["jitter", "thread_rng", "rng"];

/// Arithmetic that makes a delay grow between attempts.
pub const GROWTH_METHODS: &[&str] = &[
    "pow",
    "checked_pow",
    "saturating_pow",
    "checked_mul",
    "saturating_mul",
    "mul_f64",
    "mul_f32",
    "powi",
    "powf",
    "checked_shl",
];

/// Checks that tell a transient error from a permanent one.
pub const ERROR_CLASSIFIERS: &[&str] = &[
    "is_timeout",
    "is_connect",
    "is_request",
    "is_server_error",
    "is_status",
    "is_transient",
    "is_retryable",
    "retryable",
    "should_retry",
    "is_temporary",
    "status",
    "code",
    // The error's own type tells what it is: `report.downcast_ref::<Pending>()`.
    "downcast_ref",
    "downcast",
    "kind",
    "classify",
];

/// Methods whose result says whether a call failed, when a loop retries on them.
pub const FAILURE_CHECKS: &[&str] = &["is_err", "is_ok", "is_success", "is_server_error"];

/// Macros that make a loop an event loop, not a retry.
pub const EVENT_LOOP_MACROS: &[&str] = &["select", "select_biased"];
