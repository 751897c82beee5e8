//! oauth2: a `Client` (or `basic::BasicClient`) starts a token request with
//! `exchange_code(code)`, `exchange_refresh_token(&token)`, `exchange_client_credentials()`,
//! `exchange_password(..)` or `exchange_device_access_token(..)`, adds to it
//! (`.set_pkce_verifier(..)`, `.add_scope(..)`), and sends it with
//! `.request_async(&http_client)` or `.request(&http_client)`: a `POST` to the token
//! endpoint on the HTTP client given as the argument, which alone bounds it (the crate sets
//! no timeout of its own). A token request makes nothing twice: an authorization code is
//! single-use (RFC 6749 §4.1.2: the server refuses it the second time) and the other grants
//! only mint another access token, so a retry needs no idempotency key.

use super::{BuilderType, HttpLibrary};
use crate::knowledge::{path, ClientBounds, ClientMethod, DirectClient};

/// The client types that start token requests, as the crate exports them.
const CLIENTS: &[&str] = &["oauth2::Client", "oauth2::basic::BasicClient"];

/// Each grant: the client method that starts its request, and the request's type.
const GRANTS: &[(&str, &str)] = &[
    ("exchange_code", "oauth2::CodeTokenRequest"),
    ("exchange_refresh_token", "oauth2::RefreshTokenRequest"),
    (
        "exchange_client_credentials",
        "oauth2::ClientCredentialsTokenRequest",
    ),
    ("exchange_password", "oauth2::PasswordTokenRequest"),
    (
        "exchange_device_access_token",
        "oauth2::DeviceAccessTokenRequest",
    ),
];

/// How a token request's type is reached: from a client, then through the request's own
/// methods, which hand it back.
pub fn record() -> HttpLibrary {
    let started = CLIENTS.iter().flat_map(|client| {
        GRANTS.iter().map(|(method, request)| BuilderType {
            builder: path(client),
            builds: path(request),
            finishers: vec![method.to_string()],
            started_by: Vec::new(),
        })
    });
    let added_to = GRANTS.iter().map(|(_, request)| BuilderType {
        builder: path(request),
        builds: path(request),
        finishers: Vec::new(),
        started_by: Vec::new(),
    });
    HttpLibrary {
        clients: Vec::new(),
        builders: started.chain(added_to).collect(),
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

/// Each token request, sent on the HTTP client given as the first argument.
pub fn clients() -> Vec<DirectClient> {
    GRANTS
        .iter()
        .map(|(_, request)| DirectClient {
            type_path: path(request),
            methods: ["request_async", "request"]
                .iter()
                .map(|name| ClientMethod {
                    name: name.to_string(),
                    http_method: Some("POST".to_string()),
                    idempotent: Some(true),
                })
                .collect(),
            declared: false,
            default_timeout_ms: None,
            service: Some("OAuth token request".to_string()),
            sender_argument: Some(0),
        })
        .collect()
}
