//! HTTP client libraries, one record per file: what the facts need to see a request leave
//! the process — which types send, how a client is built, which functions and methods
//! start a request, how it is sent (a method, or awaiting it), which methods bound it or
//! only its connection, which add a header, and what the library bounds by itself.
//!
//! The facts interpret these records and name no library: supporting another client is a
//! record here plus a fixture.

pub mod activitypub_federation;
pub mod hyper;
pub mod oauth2;
pub mod reqwest;
pub mod surf;
pub mod svix;
pub mod ureq;
pub mod webmention;

use super::{ClientBounds, Path};

/// Every HTTP library the analysis knows of, in the order their records are read.
pub fn builtin() -> Vec<HttpLibrary> {
    vec![
        reqwest::record(),
        ureq::record(),
        surf::record(),
        activitypub_federation::record(),
        svix::record(),
        oauth2::record(),
    ]
}

/// Actions a URL names that delete what it names (`POST /internal/delete?alias=x`,
/// `POST /v1/files/{id}/purge`): an HTTP API that tunnels its deletes through `POST` makes
/// them idempotent as `DELETE` is, since a second delete finds nothing left to change.
/// Read from the last path segment that is not a hole, by its first word (`delete-all`,
/// `purge_cache`), case-insensitively.
pub const DELETING_URL_ACTIONS: &[&str] = &["delete", "purge", "remove", "destroy"];

/// The action a URL's text names when it is one of [`DELETING_URL_ACTIONS`]: the segment
/// that names it (`delete` in `{}internal/delete?alias={}`). Holes of a `format!` template
/// (`{}`, `{id}`) are skipped, so `/files/{id}/purge` and `/files/purge/{id}` both name one.
pub fn deleting_action(url: &str) -> Option<&str> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let segment = path
        .split('/')
        .rev()
        .find(|segment| !segment.is_empty() && !is_template_hole(segment))?;
    let first_word = segment
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|word| !word.is_empty())?
        .to_ascii_lowercase();
    DELETING_URL_ACTIONS
        .contains(&first_word.as_str())
        .then_some(segment)
}

/// `{}` or `{id}`: a segment a `format!` fills in.
fn is_template_hole(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}') && segment.matches('{').count() == 1
}

/// A library whose requests are built and then sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpLibrary {
    /// Types whose values send requests, and what bounds a request of theirs by default.
    pub clients: Vec<ClientType>,
    /// Types that build a client, and with which methods (`ureq::AgentBuilder` builds a
    /// `ureq::Agent` with `build`). Every other method of a builder keeps its type.
    pub builders: Vec<BuilderType>,
    /// Types of a request being built, which a helper may return for its caller to send.
    pub request_types: Vec<Path>,
    /// Free functions that start a request on the library's default client.
    pub request_functions: Vec<RequestFunction>,
    /// Methods of a client that start a request, and the HTTP method each implies.
    pub verbs: Vec<Verb>,
    /// How a request being built is sent.
    pub send: Vec<Send>,
    /// Methods of a client that send a request built elsewhere: `client.execute(request)`.
    pub execute_methods: Vec<String>,
    /// What bounds a request, or makes the client retry it, where the client is built or
    /// the request is.
    pub bounds: ClientBounds,
    /// Methods of a request that add a header (an idempotency key travels in one).
    pub header_methods: Vec<String>,
}

/// A type whose values send requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientType {
    pub path: Path,
    /// What bounds a request when the client is built without a timeout; `None` when
    /// nothing does.
    pub default_timeout: Option<DefaultTimeout>,
}

/// A bound a library applies by itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultTimeout {
    /// How the evidence names it: `the blocking client's 30 s default timeout`.
    pub what: String,
    /// How long it lets a request run, when that is part of what the evidence claims.
    pub ms: Option<u64>,
}

/// A type that builds another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuilderType {
    pub builder: Path,
    pub builds: Path,
    /// The methods that finish it: `build`, `try_into`.
    pub finishers: Vec<String>,
    /// Functions of the built type that hand back a builder rather than the type itself:
    /// lettre's `AsyncSmtpTransport::relay(host)?..build()` is an `AsyncSmtpTransport`.
    pub started_by: Vec<String>,
}

/// A free function that starts a request: `reqwest::get(url)`, `ureq::post(url)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestFunction {
    pub path: Path,
    /// The HTTP method; `None` when an argument gives it.
    pub http_method: Option<String>,
    /// The function sends the request itself (`reqwest::get`); otherwise it returns a
    /// request that is sent as the library sends requests.
    pub sends: bool,
    /// What bounds it: the default client's own bound, if any.
    pub default_timeout: Option<DefaultTimeout>,
}

/// A client method that starts a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verb {
    pub method: String,
    /// The HTTP method it implies; `None` when an argument gives it
    /// (`request(Method::POST, url)`, `request("POST", url)`).
    pub http_method: Option<String>,
}

/// How a request being built is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Send {
    /// By calling a method on it: `.send()`, `.call()`.
    Method(String),
    /// By awaiting it: the request is a future.
    Await,
}

impl HttpLibrary {
    pub fn client(&self, type_path: &[impl AsRef<str>]) -> Option<&ClientType> {
        self.clients
            .iter()
            .find(|client| super::same_path(type_path, &client.path))
    }

    pub fn is_request_type(&self, type_path: &[impl AsRef<str>]) -> bool {
        self.request_types
            .iter()
            .any(|known| super::same_path(type_path, known))
    }

    pub fn request_function(&self, path: &[impl AsRef<str>]) -> Option<&RequestFunction> {
        self.request_functions
            .iter()
            .find(|function| super::same_path(path, &function.path))
    }

    pub fn verb(&self, method: &str) -> Option<&Verb> {
        self.verbs.iter().find(|verb| verb.method == method)
    }

    pub fn sends_with(&self, method: &str) -> bool {
        self.send
            .iter()
            .any(|send| matches!(send, Send::Method(name) if name == method))
    }

    pub fn sends_on_await(&self) -> bool {
        self.send.contains(&Send::Await)
    }

    pub fn is_execute_method(&self, method: &str) -> bool {
        self.execute_methods.iter().any(|known| known == method)
    }

    pub fn is_timeout_method(&self, method: &str) -> bool {
        self.bounds.is_timeout_method(method)
    }

    pub fn is_header_method(&self, method: &str) -> bool {
        self.header_methods.iter().any(|known| known == method)
    }
}

/// The verbs most clients share: a method per HTTP method, by its lowercase name.
pub(crate) fn verbs_named_after_methods(methods: &[&str]) -> Vec<Verb> {
    methods
        .iter()
        .map(|method| Verb {
            method: method.to_ascii_lowercase(),
            http_method: Some(method.to_string()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::deleting_action;

    #[test]
    fn a_url_names_a_delete_by_its_last_segment() {
        assert_eq!(
            deleting_action("{}internal/delete?alias={}"),
            Some("delete")
        );
        assert_eq!(deleting_action("/v1/files/{id}/purge"), Some("purge"));
        assert_eq!(deleting_action("/v1/files/purge/{id}"), Some("purge"));
        assert_eq!(deleting_action("/v1/cache/Remove-All"), Some("Remove-All"));
    }

    #[test]
    fn other_actions_and_words_that_only_start_alike_are_not_deletes() {
        assert_eq!(deleting_action("/v1/charges"), None);
        assert_eq!(deleting_action("/v1/deleted_items"), None);
        assert_eq!(deleting_action("/v1/delete/items/create"), None);
        assert_eq!(deleting_action("/v1/items?action=delete"), None);
        assert_eq!(deleting_action(""), None);
    }
}
