//! reqwest: `Client::builder().timeout(d).build()`, `client.post(url).header(..).send()`,
//! `client.execute(request)`, `reqwest::get(url)`; reqwest-middleware's client and its
//! retry middleware. The async client has no timeout unless given one; the blocking client
//! has 30 s.

use super::{
    verbs_named_after_methods, ClientType, DefaultTimeout, HttpLibrary, RequestFunction, Send, Verb,
};
use crate::knowledge::{path, ClientBounds};

pub fn record() -> HttpLibrary {
    let blocking_default = || DefaultTimeout {
        what: "the blocking client's 30 s default timeout".to_string(),
        ms: None,
    };
    let mut verbs = verbs_named_after_methods(&["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]);
    verbs.push(Verb {
        method: "request".to_string(),
        http_method: None,
    });
    HttpLibrary {
        clients: vec![
            ClientType {
                path: path("reqwest::Client"),
                default_timeout: None,
            },
            ClientType {
                path: path("reqwest::blocking::Client"),
                default_timeout: Some(blocking_default()),
            },
            ClientType {
                path: path("reqwest_middleware::ClientWithMiddleware"),
                default_timeout: None,
            },
        ],
        // `Client::builder()..build()` is read by the resolver's own convention.
        builders: Vec::new(),
        request_types: vec![
            path("reqwest::RequestBuilder"),
            path("reqwest_middleware::RequestBuilder"),
        ],
        request_functions: vec![
            RequestFunction {
                path: path("reqwest::get"),
                http_method: Some("GET".to_string()),
                sends: true,
                default_timeout: None,
            },
            RequestFunction {
                path: path("reqwest::blocking::get"),
                http_method: Some("GET".to_string()),
                sends: true,
                default_timeout: Some(blocking_default()),
            },
        ],
        verbs,
        send: vec![Send::Method("send".to_string())],
        execute_methods: vec!["execute".to_string()],
        bounds: ClientBounds {
            timeout_methods: vec!["timeout".to_string()],
            connect_timeout_methods: vec!["connect_timeout".to_string()],
            retrying_middleware: vec!["RetryTransientMiddleware".to_string()],
            timeout_config_keys: Vec::new(),
        },
        header_methods: vec!["header".to_string(), "headers".to_string()],
    }
}
