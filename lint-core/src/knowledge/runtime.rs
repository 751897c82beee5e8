//! The knowledge an analysis runs with: the built-in tables of this module, extended by the
//! team's configuration (its own client wrappers, handler attributes, deadline headers …).
//!
//! Only the tables a configuration can extend live here; the rest stay `const` and are read
//! directly. Every table starts as a copy of its built-in one and user entries are appended
//! to it, so the code that reads a table never knows where an entry came from.

use super::brokers::Broker;
use super::grpc::GrpcLibrary;
use super::http::{self, HttpLibrary};
use super::kv::KeyValueStore;
use super::retry::RetryLibrary;
use super::sql::{SqlLibrary, WriteApi};
use super::{
    same_path, ClientBounds, DEADLINE_HEADERS, DEADLINE_TYPES, IDEMPOTENCY_FIELD_PARTS,
    IDEMPOTENCY_HEADERS, KEY_TABLE_PARTS, MESSAGE_ID_NAMES,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Knowledge {
    /// Attributes, as full paths (`["my_rpc", "endpoint"]`), that make the function they are
    /// on a handler, beside the frameworks' own. None are built in.
    pub handler_attributes: Vec<Vec<String>>,
    /// Methods (or functions) whose call `app.register("/path", handler)` registers a
    /// handler: the first literal argument is its route. None are built in.
    pub routing_methods: Vec<String>,
    /// HTTP client libraries whose requests are built, then sent: one record each
    /// (`knowledge/http/`).
    pub http_libraries: Vec<HttpLibrary>,
    /// What bounds the clients no library record describes (the team's declared
    /// wrappers).
    pub client_bounds: ClientBounds,
    /// gRPC client libraries: tonic's generated clients (`knowledge/grpc/`).
    pub grpc_libraries: Vec<GrpcLibrary>,
    /// Message brokers: their producers and consumer loops (`knowledge/brokers/`).
    pub brokers: Vec<Broker>,
    /// Retry libraries: how a retry of theirs starts and what it does by default
    /// (`knowledge/retry/`).
    pub retry_libraries: Vec<RetryLibrary>,
    /// SQL libraries: how a query is written, run and made transactional (`knowledge/sql/`).
    pub sql_libraries: Vec<SqlLibrary>,
    /// Key-value stores: their commands and what each does to state (`knowledge/kv/`).
    pub key_value_stores: Vec<KeyValueStore>,
    /// Clients whose methods are downstream calls by themselves (no request builder):
    /// hyper's, then the team's own wrappers.
    pub direct_clients: Vec<DirectClient>,
    /// How the direct clients that are built in steps are built: lettre's transports.
    pub direct_client_builders: Vec<http::BuilderType>,
    /// Headers and metadata keys that carry the caller's deadline, compared
    /// case-insensitively: [`DEADLINE_HEADERS`], then the configured ones.
    pub deadline_headers: Vec<String>,
    /// Type names (last path segment) whose values are the caller's deadline:
    /// [`DEADLINE_TYPES`], then the configured ones. `Instant` is listed but never enough
    /// alone: any instant is one.
    pub deadline_types: Vec<String>,
    /// Tables that record idempotency keys or processed messages (an inbox), as written in
    /// SQL: `processed_messages`. Meant to be compared case-insensitively with the table a
    /// statement writes. Configured only, beside the built-in name parts
    /// ([`super::KEY_TABLE_PARTS`]).
    pub key_tables: Vec<String>,
    /// Header, field and variable names that carry an idempotency key
    /// (`x-request-token`, `dedup_id`), meant to be compared case-insensitively beside the
    /// built-in [`super::IDEMPOTENCY_HEADERS`] and [`super::IDEMPOTENCY_FIELD_PARTS`].
    /// Configured only; an outgoing call passing one carries a key, and a handler reading one
    /// takes its key from the request.
    pub key_names: Vec<String>,
}

/// A client type whose method calls leave the process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectClient {
    /// The type's full path as users name it: `["my_payments", "Client"]`. A call matches
    /// when it is on a type of the same crate and the same name, whatever the modules in
    /// between (re-exports make them vary).
    pub type_path: Vec<String>,
    pub methods: Vec<ClientMethod>,
    /// Declared by the team's configuration rather than built in: its calls are described
    /// by their API path, not as bare HTTP requests.
    pub declared: bool,
    /// A bound the client applies by itself when built without a timeout, in milliseconds.
    pub default_timeout_ms: Option<u64>,
    /// What its calls are when they are not HTTP requests: `SMTP` (lettre's transports),
    /// `object store` (object_store's stores). The evidence names a call `SMTP \`send\``.
    /// `None` for HTTP clients (hyper's) and for the team's declared wrappers, named by
    /// their API path.
    pub service: Option<String>,
    /// The argument of its methods that is the HTTP client sending the call, when the
    /// value the method is called on only describes the request (oauth2's
    /// `token_request.request_async(&http_client)`): how that client is built bounds the
    /// call. `None` when the value called on is the client.
    pub sender_argument: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientMethod {
    pub name: String,
    /// The HTTP method the call sends, when the method itself says (hyper's `get`).
    pub http_method: Option<String>,
    /// Whether sending it twice is harmless; `None` when only the request can tell (hyper's
    /// `request(req)`).
    pub idempotent: Option<bool>,
}

impl Knowledge {
    /// The built-in tables alone.
    pub fn builtin() -> Self {
        Knowledge {
            handler_attributes: Vec::new(),
            routing_methods: Vec::new(),
            http_libraries: http::builtin(),
            client_bounds: ClientBounds::conventional(),
            grpc_libraries: super::grpc::builtin(),
            brokers: super::brokers::builtin(),
            retry_libraries: super::retry::builtin(),
            sql_libraries: super::sql::builtin(),
            key_value_stores: super::kv::builtin(),
            direct_clients: super::direct_clients(),
            direct_client_builders: super::direct_client_builders(),
            deadline_headers: DEADLINE_HEADERS
                .iter()
                .map(|name| name.to_string())
                .collect(),
            deadline_types: DEADLINE_TYPES.iter().map(|name| name.to_string()).collect(),
            key_tables: Vec::new(),
            key_names: Vec::new(),
        }
    }

    /// Whether a literal names a header that carries the caller's deadline.
    pub fn is_deadline_header(&self, literal: &str) -> bool {
        self.deadline_headers
            .iter()
            .any(|header| literal.eq_ignore_ascii_case(header))
    }

    /// Whether a type name is a deadline by itself (`Instant` is not: any instant is one).
    pub fn is_deadline_type(&self, type_name: &str) -> bool {
        type_name != "Instant" && self.deadline_types.iter().any(|known| known == type_name)
    }

    /// Whether a table name, a Redis key or a variable names an idempotency key or a
    /// processed-message record: built-in name parts, then configured tables and names.
    pub fn is_key_name(&self, name: &str) -> bool {
        let lowered = name.to_ascii_lowercase();
        KEY_TABLE_PARTS
            .iter()
            .chain(IDEMPOTENCY_FIELD_PARTS)
            .chain(MESSAGE_ID_NAMES)
            .any(|part| lowered.contains(part))
            || self
                .key_tables
                .iter()
                .chain(&self.key_names)
                .any(|configured| lowered.contains(&configured.to_ascii_lowercase()))
    }

    /// Whether a header name, a field or a variable carries an idempotency key on an
    /// outgoing call.
    pub fn is_idempotency_key(&self, text: &str) -> bool {
        let lowered = text.to_ascii_lowercase();
        IDEMPOTENCY_FIELD_PARTS
            .iter()
            .any(|part| lowered.contains(part))
            || IDEMPOTENCY_HEADERS.iter().any(|header| lowered == *header)
            || self
                .key_names
                .iter()
                .any(|configured| lowered == configured.to_ascii_lowercase())
    }

    /// The write function of a SQL record a call goes to (the team's `ledger::Repo::debit`),
    /// matched by crate and the last two segments (type and method) so that re-exports
    /// match too.
    pub fn write_api<S: AsRef<str>>(&self, path: &[S]) -> Option<&WriteApi> {
        let mut functions = self
            .sql_libraries
            .iter()
            .flat_map(|library| &library.write_functions);
        functions.find(|api| {
            same_path(path, &api.path)
                || (path.len() >= 2
                    && api.path.len() >= 2
                    && same_path(&path[path.len() - 2..], &api.path[api.path.len() - 2..])
                    && path.first().map(AsRef::as_ref) == api.path.first().map(String::as_str))
        })
    }

    /// Whether a method of any SQL library's list (`list` picks it) is `method`.
    pub fn sql_says(&self, list: fn(&SqlLibrary) -> &[String], method: &str) -> bool {
        super::sql::any_says(&self.sql_libraries, list, method)
    }

    /// The SQL library a macro path (`sqlx::query!`) runs a query of.
    pub fn query_macro(&self, path: &[impl AsRef<str>]) -> Option<&SqlLibrary> {
        self.sql_libraries
            .iter()
            .find(|library| library.is_query_macro(path))
    }

    /// Whether a macro path comes from a crate of a SQL library with query macros.
    pub fn is_query_macro_crate(&self, path: &[impl AsRef<str>]) -> bool {
        path.first().is_some_and(|first| {
            self.sql_libraries
                .iter()
                .any(|library| library.has_query_macros() && library.owns_crate(first.as_ref()))
        })
    }

    /// Whether a function's path takes SQL text as its first argument: `sqlx::query`.
    pub fn is_sql_text_function(&self, path: &[impl AsRef<str>]) -> bool {
        self.sql_libraries.iter().any(|library| {
            library
                .text_functions
                .iter()
                .any(|known| same_path(path, known))
        })
    }

    /// Whether a crate is a store's: a SQL library's, or another store's.
    pub fn is_store_crate(&self, name: &str) -> bool {
        self.sql_libraries
            .iter()
            .any(|library| library.owns_crate(name))
            || super::OTHER_STORE_CRATES.contains(&name)
    }

    /// The client a method's type belongs to, matched by crate and type name.
    pub fn direct_client<S: AsRef<str>>(&self, type_path: &[S]) -> Option<&DirectClient> {
        self.direct_clients
            .iter()
            .find(|client| same_crate_and_name(type_path, &client.type_path))
    }
}

impl Default for Knowledge {
    fn default() -> Self {
        Knowledge::builtin()
    }
}

impl DirectClient {
    pub fn method(&self, name: &str) -> Option<&ClientMethod> {
        self.methods.iter().find(|method| method.name == name)
    }
}

/// `my_payments::api::Client` and `my_payments::Client` are the same type when the crate
/// re-exports it: the first and last segments decide.
fn same_crate_and_name<S: AsRef<str>>(candidate: &[S], known: &[String]) -> bool {
    match (candidate, known) {
        ([candidate_crate, .., candidate_name], [known_crate, .., known_name]) => {
            candidate_crate.as_ref() == known_crate && candidate_name.as_ref() == known_name
        }
        _ => same_path(candidate, known),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> Vec<String> {
        text.split("::").map(str::to_string).collect()
    }

    /// A path as a call's callee holds it.
    fn written(text: &str) -> Vec<&str> {
        text.split("::").collect()
    }

    #[test]
    fn the_builtin_tables_are_the_const_ones() {
        let knowledge = Knowledge::builtin();
        assert_eq!(knowledge.direct_clients, super::super::direct_clients());
        assert!(knowledge.is_deadline_header("GRPC-TIMEOUT"));
        assert!(knowledge.is_deadline_type("Deadline"));
        assert!(!knowledge.is_deadline_type("Instant"));
        let hyper = knowledge
            .direct_client(&written("hyper::Client"))
            .and_then(|client| client.method("get"));
        assert_eq!(hyper.and_then(|method| method.idempotent), Some(true));
    }

    #[test]
    fn a_declared_client_matches_through_re_exports() {
        let mut knowledge = Knowledge::builtin();
        knowledge.direct_clients.push(DirectClient {
            type_path: path("my_payments::Client"),
            methods: Vec::new(),
            declared: true,
            default_timeout_ms: None,
            service: None,
            sender_argument: None,
        });
        assert!(knowledge
            .direct_client(&written("my_payments::api::Client"))
            .is_some());
        assert!(knowledge.direct_client(&written("other::Client")).is_none());
        assert!(knowledge.direct_client(&written("Client")).is_none());
    }
}
