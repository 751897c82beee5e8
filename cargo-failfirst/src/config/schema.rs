//! The configuration as written in `failfirst.toml` (or a Cargo.toml metadata table): serde
//! types that mirror the file, with spans kept where a later check may need to point.
//! Unknown keys are errors everywhere, so that a typo is never silently ignored.

use std::collections::BTreeMap;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Rule levels by rule name.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<LevelName>>,
    /// Globs of files and folders not to read, relative to the configuration's folder.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    /// The least team score (a percentage) a run passes with.
    pub fail_under: Option<Spanned<Percentage>>,
    /// The baseline file (`failfirst-baseline.json`), relative to the configuration's folder.
    pub baseline: Option<Spanned<String>>,
    /// Files larger than this many bytes are reported and not analysed.
    pub max_file_size: Option<Spanned<u64>>,
    /// Functions followed from one handler, along all its paths, before its answers are
    /// `unknown`.
    pub max_path_steps: Option<Spanned<u64>>,
    #[serde(default)]
    pub handlers: HandlerPatterns,
    #[serde(default)]
    pub knowledge: KnowledgeExtensions,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LevelName {
    Deny,
    Warn,
    Allow,
}

/// A team score threshold, 0 to 100.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Percentage(pub f64);

impl<'de> Deserialize<'de> for Percentage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PercentageVisitor;
        impl Visitor<'_> for PercentageVisitor {
            type Value = Percentage;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a percentage from 0 to 100, such as `80`")
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Percentage, E> {
                if (0.0..=100.0).contains(&value) {
                    Ok(Percentage(value))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(value), &self))
                }
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Percentage, E> {
                if (0..=100).contains(&value) {
                    Ok(Percentage(value as f64))
                } else {
                    Err(E::invalid_value(de::Unexpected::Signed(value), &self))
                }
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Percentage, E> {
                self.visit_i64(i64::try_from(value).unwrap_or(i64::MAX))
            }
        }
        deserializer.deserialize_any(PercentageVisitor)
    }
}

/// The handlers of an in-house framework.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HandlerPatterns {
    /// Attribute paths that make a function a handler: `my_rpc::endpoint`.
    #[serde(default)]
    pub attributes: Vec<Spanned<String>>,
    /// Methods whose call `app.register("/path", handler)` registers a handler.
    #[serde(default)]
    pub routing_methods: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KnowledgeExtensions {
    /// The team's own HTTP/gRPC client wrappers.
    #[serde(default)]
    pub clients: Vec<ClientDeclaration>,
    #[serde(default)]
    pub deadlines: DeadlineSources,
    /// The team's own state-writing APIs.
    #[serde(default)]
    pub write_apis: Vec<Spanned<WriteApiEntry>>,
    /// Tables that record idempotency keys or processed messages.
    #[serde(default)]
    pub key_tables: Vec<Spanned<String>>,
    /// Header and field names that carry an idempotency key.
    #[serde(default)]
    pub key_names: Vec<Spanned<String>>,
    /// Redis commands and crates beside redis-rs's.
    #[serde(default)]
    pub redis: KeyValueExtension,
    /// HTTP client libraries, described as the built-in records are (`knowledge/http`).
    #[serde(default)]
    pub http: Vec<Spanned<HttpDeclaration>>,
    /// Retry crates, described as the built-in records are (`knowledge/retry`).
    #[serde(default)]
    pub retry: Vec<Spanned<RetryDeclaration>>,
    /// SQL stores and data layers, described as the built-in records are (`knowledge/sql`).
    #[serde(default)]
    pub sql: Vec<Spanned<SqlDeclaration>>,
    /// How a gRPC method's name tells whether it reads, where no `.proto` declares it.
    #[serde(default)]
    pub grpc: GrpcVerbs,
}

/// `[knowledge.grpc]`: the verbs of the team's RPC names. A method whose `.proto` declares
/// no `idempotency_level` reads when every clause of its name starts with a read verb.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GrpcVerbs {
    /// Verbs that only read, beside the built-in ones: `resolve`, `preview`.
    #[serde(default)]
    pub read_verbs: Vec<Spanned<String>>,
    /// Built-in read verbs that mutate in this team's names (`check` for `CheckIn`).
    #[serde(default)]
    pub mutating_verbs: Vec<Spanned<String>>,
}

/// `[knowledge.redis]`: the team's own command wrappers (a Lua script's method, a Redis
/// module's commands) and crates whose connections run the commands.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KeyValueExtension {
    #[serde(default)]
    pub crates: Vec<Spanned<String>>,
    /// Method name → what the command does to state when it runs twice.
    pub commands: Option<Spanned<BTreeMap<String, CommandEffectName>>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommandEffectName {
    /// Reads only.
    Read,
    /// Twice is the same as once (`SET`).
    Idempotent,
    /// Twice adds twice (`INCR`, `LPUSH`).
    Accumulating,
    /// Only the first of two succeeds, and says so (`SET NX`).
    Claim,
}

/// `[[knowledge.http]]`: an HTTP client library whose requests are built, then sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HttpDeclaration {
    /// Types whose values send requests: `acme_http::Client`.
    pub clients: Spanned<Vec<Spanned<String>>>,
    /// Types that build a client.
    #[serde(default)]
    pub builders: Vec<Spanned<BuilderDeclaration>>,
    /// Types of a request being built.
    #[serde(default)]
    pub request_types: Vec<Spanned<String>>,
    /// Free functions that start a request: `acme_http::post`.
    #[serde(default)]
    pub request_functions: Vec<Spanned<RequestFunctionDeclaration>>,
    /// Client methods that start a request → the HTTP method, or `"*"` when an argument
    /// gives it.
    pub verbs: Option<Spanned<BTreeMap<String, String>>>,
    /// Methods of a request that send it; `"await"` when awaiting the request sends it.
    pub send: Spanned<Vec<Spanned<String>>>,
    /// Methods of a client that send a request built elsewhere: `client.execute(request)`.
    #[serde(default)]
    pub execute_methods: Vec<Spanned<String>>,
    /// Methods that bound a whole request (on the client's builder or on the request).
    #[serde(default)]
    pub timeout_methods: Vec<Spanned<String>>,
    /// Methods that bound only the connection.
    #[serde(default)]
    pub connect_timeout_methods: Vec<Spanned<String>>,
    /// Methods of a request that add a header.
    #[serde(default)]
    pub header_methods: Vec<Spanned<String>>,
    /// A timeout the library applies by itself to a client built without one, in ms.
    pub default_timeout_ms: Option<u64>,
}

/// A type that builds a client: `{ type = "acme_http::ClientBuilder", builds =
/// "acme_http::Client", finishers = ["finish"] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuilderDeclaration {
    #[serde(rename = "type")]
    pub type_path: Spanned<String>,
    pub builds: Spanned<String>,
    /// The methods that finish it (`build` when left out).
    #[serde(default)]
    pub finishers: Vec<Spanned<String>>,
}

/// A free function that starts a request: `{ path = "acme_http::post", method = "POST" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RequestFunctionDeclaration {
    pub path: Spanned<String>,
    /// The HTTP method; left out (or `"*"`) when an argument gives it.
    pub method: Option<Spanned<String>>,
    /// The function sends the request itself, rather than returning one to send.
    #[serde(default)]
    pub sends: bool,
}

/// `[[knowledge.retry]]`: a retry crate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RetryDeclaration {
    /// How findings name a retry of it.
    pub name: Spanned<String>,
    /// Functions given the operation: `{ path = "house_retry::again", operation-argument = 1 }`.
    #[serde(default)]
    pub functions: Vec<Spanned<RetryFunctionDeclaration>>,
    /// Methods called on the operation, with the policies their argument names:
    /// `{ name = "retry", builders = ["Backoff"] }`.
    #[serde(default)]
    pub methods: Vec<Spanned<RetryMethodDeclaration>>,
    /// Policies whose delay does not grow.
    #[serde(default)]
    pub constant_strategies: Vec<Spanned<String>>,
    #[serde(default)]
    pub jitter: JitterName,
    /// With `jitter = "when-named"`: the methods and words that add jitter.
    #[serde(default)]
    pub jitter_methods: Vec<Spanned<String>>,
    #[serde(default)]
    pub jitter_names: Vec<Spanned<String>>,
    /// What bounds a retry left to its defaults.
    pub limit: BoundName,
    /// Methods of the policy that give it another bound: `{ attempts = "attempts" }`.
    #[serde(default)]
    pub limit_changed_by: BTreeMap<String, BoundName>,
    #[serde(default)]
    pub errors: ErrorsName,
    /// With `errors = "question-mark"`: methods and functions that mark an error permanent.
    #[serde(default)]
    pub permanent_methods: Vec<Spanned<String>>,
    #[serde(default)]
    pub permanent_functions: Vec<Spanned<String>>,
    /// How long a retry left to its defaults may take, in ms, and the methods that change it.
    pub worst_case_ms: Option<u64>,
    #[serde(default)]
    pub worst_case_overridden_by: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RetryFunctionDeclaration {
    pub path: Spanned<String>,
    /// Which argument is the operation (0 is the first).
    #[serde(default)]
    pub operation_argument: usize,
    /// It retries every error the operation returns.
    #[serde(default)]
    pub every_error: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RetryMethodDeclaration {
    pub name: Spanned<String>,
    pub builders: Vec<Spanned<String>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JitterName {
    /// Randomised by default unless the delay is constant.
    UnlessConstant,
    /// Only when a jitter method or word is named.
    #[default]
    WhenNamed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BoundName {
    Attempts,
    Elapsed,
    Unbounded,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorsName {
    /// Those the code says (a predicate), or every error where a function says so.
    #[default]
    AsStarted,
    /// A `?` inside the operation retries every error unless it is marked permanent.
    QuestionMark,
}

/// `[[knowledge.sql]]`: a SQL library or a team's data layer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SqlDeclaration {
    /// The crate users name it by.
    pub name: Spanned<String>,
    /// Its crates (the name alone when left out).
    #[serde(default)]
    pub crates: Vec<Spanned<String>>,
    #[serde(default)]
    pub query_macros: Vec<Spanned<String>>,
    #[serde(default)]
    pub text_functions: Vec<Spanned<String>>,
    #[serde(default)]
    pub text_methods: Vec<Spanned<String>>,
    #[serde(default)]
    pub run_methods: Vec<Spanned<String>>,
    #[serde(default)]
    pub bind_methods: Vec<Spanned<String>>,
    #[serde(default)]
    pub row_methods: Vec<Spanned<String>>,
    #[serde(default)]
    pub transaction_methods: Vec<Spanned<String>>,
    #[serde(default)]
    pub commit_methods: Vec<Spanned<String>>,
    #[serde(default)]
    pub conflict_methods: Vec<Spanned<String>>,
    /// Functions and methods that write by themselves, as `write-apis` entries.
    #[serde(default)]
    pub write_functions: Vec<Spanned<WriteApiEntry>>,
}

/// `[[knowledge.clients]]`: a wrapper type and what each of its methods does.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClientDeclaration {
    #[serde(rename = "type")]
    pub type_path: Spanned<String>,
    /// Method name → whether repeating the call is harmless.
    pub methods: Spanned<BTreeMap<String, Idempotency>>,
    /// A timeout the wrapper applies by itself, in milliseconds.
    pub default_timeout_ms: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Idempotency {
    Idempotent,
    NonIdempotent,
}

/// `[knowledge.deadlines]`: where the caller's deadline comes from.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DeadlineSources {
    /// Headers or metadata keys that carry it.
    #[serde(default)]
    pub headers: Vec<Spanned<String>>,
    /// Types whose values are it.
    #[serde(default)]
    pub types: Vec<Spanned<String>>,
}

/// A write API: `"ledger::Repo::debit"`, or `{ path = "..", idempotent = true }`.
#[derive(Debug)]
pub struct WriteApiEntry {
    pub path: String,
    pub idempotent: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteApiTable {
    path: String,
    #[serde(default)]
    idempotent: bool,
}

impl<'de> Deserialize<'de> for WriteApiEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = WriteApiEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a path such as \"ledger::Repo::debit\", or a table such as { path = \"ledger::Repo::upsert\", idempotent = true }")
            }
            fn visit_str<E: de::Error>(self, path: &str) -> Result<WriteApiEntry, E> {
                Ok(WriteApiEntry {
                    path: path.to_string(),
                    idempotent: false,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<WriteApiEntry, A::Error> {
                let table = WriteApiTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(WriteApiEntry {
                    path: table.path,
                    idempotent: table.idempotent,
                })
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}
