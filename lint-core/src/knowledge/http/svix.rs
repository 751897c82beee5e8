//! The Svix SDK: `Svix::new(token, Some(SvixOptions { .. }))` hands out one client per
//! resource (`svix.message()`, `svix.endpoint()`, `svix.application()` …), whose methods
//! each send one request to the Svix API: `svix.message().create(app_id, message,
//! options)`. Every request is cut after `SvixOptions::timeout`, 15 s by default, and
//! retried twice on a server error or a timeout, with backoff. The SDK gives every `POST`
//! a fresh `idempotency-key` of its own, so its own retries are safe; a retry of the
//! caller's work makes a new key, and only a key passed in the options
//! (`MessageCreateOptions { idempotency_key: Some(..) }`) makes the call keyed.

use super::{BuilderType, HttpLibrary};
use crate::knowledge::{path, ClientBounds, ClientMethod, DirectClient};

/// `SvixOptions`' default timeout, in milliseconds.
const DEFAULT_TIMEOUT_MS: u64 = 15_000;

/// Each resource's client: the method of `Svix` that hands it out, and its type.
const RESOURCES: &[(&str, &str)] = &[
    ("application", "Application"),
    ("authentication", "Authentication"),
    ("background_task", "BackgroundTask"),
    ("endpoint", "Endpoint"),
    ("event_type", "EventType"),
    ("integration", "Integration"),
    ("message", "Message"),
    ("message_attempt", "MessageAttempt"),
    ("operational_webhook_endpoint", "OperationalWebhookEndpoint"),
    ("statistics", "Statistics"),
];

/// Methods that create or act again when called twice: a second `create` makes a second
/// message (and sends it), a second `resend` delivers again, a second rotation changes
/// the secret again.
const NON_IDEMPOTENT: &[(&str, &str)] = &[
    ("create", "POST"),
    ("resend", "POST"),
    ("recover", "POST"),
    ("replay_missing", "POST"),
    ("send_example", "POST"),
    ("rotate_secret", "POST"),
    ("rotate_key", "POST"),
];

/// Methods that read, replace, or act once whatever the number of calls. The access
/// links (`app_portal_access`, `dashboard_access`) are `POST`s, but a second one only
/// mints another link to the same portal.
const IDEMPOTENT: &[(&str, &str)] = &[
    ("get", "GET"),
    ("list", "GET"),
    ("list_by_endpoint", "GET"),
    ("list_by_msg", "GET"),
    ("list_attempted_messages", "GET"),
    ("list_attempted_destinations", "GET"),
    ("get_secret", "GET"),
    ("get_headers", "GET"),
    ("get_stats", "GET"),
    ("get_key", "GET"),
    ("get_or_create", "POST"),
    ("update", "PUT"),
    ("update_headers", "PUT"),
    ("patch", "PATCH"),
    ("patch_headers", "PATCH"),
    ("delete", "DELETE"),
    ("expunge_content", "DELETE"),
    ("import_openapi", "POST"),
    ("app_portal_access", "POST"),
    ("dashboard_access", "POST"),
    ("logout", "POST"),
    ("expire_all", "POST"),
    ("aggregate_app_stats", "POST"),
    ("aggregate_event_types", "PUT"),
];

/// How the SDK's client hands out each resource's client, for the types of the values.
pub fn record() -> HttpLibrary {
    HttpLibrary {
        clients: Vec::new(),
        builders: RESOURCES
            .iter()
            .map(|(accessor, resource)| BuilderType {
                builder: path("svix::api::Svix"),
                builds: path(&format!("svix::api::{resource}")),
                finishers: vec![accessor.to_string()],
                started_by: Vec::new(),
            })
            .collect(),
        request_types: Vec::new(),
        request_functions: Vec::new(),
        verbs: Vec::new(),
        send: Vec::new(),
        execute_methods: Vec::new(),
        bounds: ClientBounds {
            timeout_methods: Vec::new(),
            connect_timeout_methods: Vec::new(),
            retrying_middleware: Vec::new(),
            timeout_config_keys: Vec::new(),
        },
        header_methods: Vec::new(),
    }
}

/// Each resource's client, whose methods send.
pub fn clients() -> Vec<DirectClient> {
    let methods: Vec<ClientMethod> = NON_IDEMPOTENT
        .iter()
        .map(|entry| (entry, false))
        .chain(IDEMPOTENT.iter().map(|entry| (entry, true)))
        .map(|((name, http_method), idempotent)| ClientMethod {
            name: name.to_string(),
            http_method: Some(http_method.to_string()),
            idempotent: Some(idempotent),
        })
        .collect();
    RESOURCES
        .iter()
        .map(|(_, resource)| DirectClient {
            type_path: path(&format!("svix::api::{resource}")),
            methods: methods.clone(),
            declared: false,
            default_timeout_ms: Some(DEFAULT_TIMEOUT_MS),
            service: Some("Svix API".to_string()),
            sender_argument: None,
        })
        .collect()
}
