//! ureq: a blocking client. `ureq::post(url).set(..).send_json(..)` on the default agent,
//! or `AgentBuilder::new().timeout(d).build()` and `agent.get(url).call()`; ureq 3 spells
//! a header `.header(..)` and a body-less send `.send_empty()`. The default agent bounds
//! only the connection (30 s), never the whole request.

use super::{
    verbs_named_after_methods, BuilderType, ClientType, HttpLibrary, RequestFunction, Send, Verb,
};
use crate::knowledge::{path, ClientBounds};

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"];

pub fn record() -> HttpLibrary {
    let mut verbs = verbs_named_after_methods(METHODS);
    verbs.push(Verb {
        method: "request".to_string(),
        http_method: None,
    });
    let mut request_functions: Vec<RequestFunction> = METHODS
        .iter()
        .map(|method| RequestFunction {
            path: vec!["ureq".to_string(), method.to_ascii_lowercase()],
            http_method: Some(method.to_string()),
            sends: false,
            default_timeout: None,
        })
        .collect();
    request_functions.push(RequestFunction {
        path: path("ureq::request"),
        http_method: None,
        sends: false,
        default_timeout: None,
    });
    HttpLibrary {
        clients: vec![ClientType {
            path: path("ureq::Agent"),
            default_timeout: None,
        }],
        builders: vec![BuilderType {
            builder: path("ureq::AgentBuilder"),
            builds: path("ureq::Agent"),
            finishers: vec!["build".to_string()],
            started_by: Vec::new(),
        }],
        request_types: vec![path("ureq::Request"), path("ureq::RequestBuilder")],
        request_functions,
        verbs,
        send: [
            "call",
            "send",
            "send_json",
            "send_string",
            "send_form",
            "send_bytes",
            "send_empty",
        ]
        .iter()
        .map(|method| Send::Method(method.to_string()))
        .collect(),
        execute_methods: Vec::new(),
        bounds: ClientBounds {
            timeout_methods: vec!["timeout".to_string(), "timeout_global".to_string()],
            connect_timeout_methods: vec!["timeout_connect".to_string()],
            retrying_middleware: Vec::new(),
            timeout_config_keys: Vec::new(),
        },
        header_methods: vec!["set".to_string(), "header".to_string()],
    }
}
