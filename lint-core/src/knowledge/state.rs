//! What failfirst knows of stores beside the SQL libraries' records (`sql/`) and the
//! key-value stores' (`kv/`): where idempotency keys live, fresh values, and the words
//! that name outcomes.

/// Macros whose string arguments are kept in the summary beside the SQL libraries' query
/// macros: `format!(..)` builds SQL text too.
pub const FORMAT_MACROS: &[&str] = &["format"];

/// Methods that look at what a write did: `.rows_affected()`, a `RETURNING` row fetched
/// optionally. A claim whose outcome is looked at tells the first attempt from a repeat.
pub const OUTCOME_METHODS: &[&str] = &["rows_affected", "fetch_optional", "is_some", "is_none"];

/// Table names (and Redis key prefixes) that hold idempotency keys or processed message
/// ids: an inbox. Matched as parts of the lowercased name.
pub const KEY_TABLE_PARTS: &[&str] = &[
    "idempot",
    "inbox",
    "processed",
    "dedup",
    "seen_",
    "request_key",
    "idem:",
];

/// Tables that count attempts against a rate limit (token buckets, throttles): a retry is
/// one more attempt and is meant to be counted, as a Redis counter with a time to live is
/// (`kv/redis.rs`); not data-model state a retry duplicates. Matched as parts of the
/// lowercased name.
pub const RATE_LIMIT_TABLE_PARTS: &[&str] = &["rate_limit", "ratelimit", "limit_bucket", "throttl"];

/// Tables only ever appended to for the record (audit trails, logs): a second row on a
/// retry changes no balance. Matched as parts of the lowercased name.
pub const APPEND_ONLY_TABLE_PARTS: &[&str] = &[
    "audit",
    "_log",
    "log_",
    "modlog",
    "_history",
    "history_",
    "_activity",
    "activity_",
];

/// Names of message ids that a consumer dedups on (`key = event_id`).
pub const MESSAGE_ID_NAMES: &[&str] = &["event_id", "message_id", "msg_id", "eventid", "messageid"];

/// Words in a status or a helper's name that record a definite failure.
pub const FAILURE_WORDS: &[&str] = &[
    "failed", "failure", "fail_", "_fail", "declined", "decline", "rejected", "reject",
];
/// Statuses that record a definite failure when a value is exactly one of them
/// (`Err(_) => "failed"`, `Err(_) => PaymentStatus::Declined`), compared case-insensitively.
pub const FAILURE_STATUSES: &[&str] = &["failed", "failure", "declined", "rejected"];
/// Words that record an open outcome, left to reconciliation.
pub const PENDING_WORDS: &[&str] = &[
    "pending",
    "unknown",
    "uncertain",
    "reconcil",
    "in_progress",
    "processing",
    "timed_out",
    "timeout",
];
/// Words that name a compensation: undoing the downstream's work without knowing it happened.
pub const COMPENSATION_WORDS: &[&str] = &[
    "refund",
    "compensat",
    "revers",
    "revert",
    "void",
    "cancel",
    "undo",
];
/// Methods that turn a `Result` into a value and throw the error away.
pub const DISCARD_METHODS: &[&str] = &["ok", "unwrap_or_default", "unwrap_or", "unwrap_or_else"];
/// Of those, the ones that give the error to the function they are given: with a function
/// named (`.unwrap_or_else(error_response)`), the value is made from the error, which is
/// handed on rather than thrown away.
pub const ERROR_HANDING_METHODS: &[&str] = &["unwrap_or_else"];
/// Macros that only log: an error arm made of them drops the error.
pub const LOGGING_MACROS: &[&str] = &[
    "error", "warn", "info", "debug", "trace", "event", "log", "println", "eprintln", "print",
    "eprint",
];
/// Methods that, when the resolver cannot follow them, may run a query the analysis does
/// not see: a handler whose path holds one answers Q1 and Q2 `unknown`, not `n/a`.
pub const OPAQUE_STORE_METHODS: &[&str] = &[
    "execute",
    "fetch",
    "fetch_one",
    "fetch_optional",
    "fetch_all",
    "query",
    "query_one",
    "query_opt",
    "exec",
];
/// Of those, the ones that are no query when called with no argument: `uri.query()` and
/// `url.query()` read a URL's query string, while every store's `query` takes the SQL or the
/// connection it runs on.
pub const OPAQUE_STORE_METHODS_WITH_ARGUMENTS: &[&str] = &["query"];
/// Methods that, unresolved, may send a request the analysis does not see (Q3, Q4). `send`
/// and `call` are left out: channels, plugins and services use them as often as clients do.
pub const OPAQUE_DOWNSTREAM_METHODS: &[&str] =
    &["post", "put", "patch", "delete", "request", "publish"];
/// Crates of stores no SQL record describes (`sql/`): a call into one (or into a SQL
/// library's crate) that the facts do not recognise may be a write they miss.
pub const OTHER_STORE_CRATES: &[&str] = &["redis", "deadpool_redis", "mongodb", "aws_sdk_dynamodb"];

/// Functions that make a new value on every call: an id, a token, a timestamp. A value made
/// this way is not an idempotency key, and a unique key filled with it never meets the row
/// of a first attempt. Matched as the end of the path written (`Uuid::new_v4`).
pub const FRESH_VALUE_FUNCTIONS: &[&[&str]] = &[
    &["Uuid", "new_v4"],
    &["Uuid", "new_v1"],
    &["Uuid", "new_v6"],
    &["Uuid", "new_v7"],
    &["Uuid", "now_v1"],
    &["Uuid", "now_v6"],
    &["Uuid", "now_v7"],
    &["Ulid", "new"],
    &["Ulid", "generate"],
    &["ulid", "Generator", "generate"],
    &["Utc", "now"],
    &["Local", "now"],
    &["OffsetDateTime", "now_utc"],
    &["PrimitiveDateTime", "now"],
    &["SystemTime", "now"],
    &["rand", "random"],
    &["rand", "thread_rng"],
    &["rand", "rng"],
    &["OsRng"],
    &["nanoid"],
    &["cuid", "cuid2"],
    &["Snowflake", "generate"],
];
/// Methods that draw a new value: `rng.gen()`, `Alphanumeric.sample_string(..)`.
/// Constructors of an id newtype that take nothing (`TenantId::new()`, `OrderId::generate()`):
/// nothing from the request goes in, so each call makes a new id. Read only where the
/// constructor's body is out of sight (declared by a macro, or in a dependency); a type is
/// an id type when its name ends with one of [`ID_TYPE_SUFFIXES`].
pub const FRESH_ID_CONSTRUCTORS: &[&str] = &["new", "generate", "random", "new_random"];
/// Constructors that take nothing and draw a new value whatever the type
/// (`PlainToken::generate()`, `Secret::random()`): read where the body does not show a
/// generator the analysis knows (it calls a helper that does).
pub const FRESH_CONSTRUCTORS: &[&str] = &["generate", "random", "new_random"];

/// How a builder derive (bon, typed-builder) makes a struct field by field:
/// `NewUser::builder().email(e).maybe_name(n).build()` sets `email` and `name`.
pub struct StructBuilder {
    /// The associated function that starts the chain.
    pub entry: &'static str,
    /// The method that ends it and yields the struct.
    pub finish: &'static str,
    /// The prefix of a setter that takes an `Option` for an optional field (`maybe_name`).
    pub optional_prefix: &'static str,
}

pub const STRUCT_BUILDERS: &[StructBuilder] = &[StructBuilder {
    entry: "builder",
    finish: "build",
    optional_prefix: "maybe_",
}];
pub const ID_TYPE_SUFFIXES: &[&str] = &["Id", "Uuid", "Ulid"];

pub const FRESH_VALUE_METHODS: &[&str] = &[
    "new_v4",
    "now_v7",
    "gen",
    "gen_range",
    "random",
    "random_range",
    "sample",
    "sample_iter",
    "sample_string",
    "fill_bytes",
    "next_u64",
    "next_u32",
];
// The database functions whose value is new on every call are read from the SQL itself
// (`now()`, `gen_random_uuid()`): any function of no parameter is taken as one.

/// Tables that hold work to send after the commit (an outbox, a delivery queue): a row
/// written there in the transaction makes a later call recoverable. Matched as parts of
/// the lowercased name.
pub const OUTBOX_TABLE_PARTS: &[&str] = &["outbox", "queue", "_jobs", "jobs_", "pending_events"];
