//! surf: requests are futures, sent by awaiting them — `surf::post(url).body_json(&x)?.await`,
//! `client.get(url).recv_json().await`, `client.send(request).await`. A client is built
//! from a `Config` (`Config::new().set_timeout(Some(d)).try_into()?`); every client, the
//! default one of `surf::get(..)` included, cuts a request after 60 s unless told
//! otherwise.

use super::{
    verbs_named_after_methods, BuilderType, ClientType, DefaultTimeout, HttpLibrary,
    RequestFunction, Send,
};
use crate::knowledge::{path, ClientBounds};

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "CONNECT", "OPTIONS", "TRACE",
];

fn default_timeout() -> DefaultTimeout {
    DefaultTimeout {
        what: "surf's 60 s default timeout".to_string(),
        ms: Some(60_000),
    }
}

pub fn record() -> HttpLibrary {
    HttpLibrary {
        clients: vec![ClientType {
            path: path("surf::Client"),
            default_timeout: Some(default_timeout()),
        }],
        builders: vec![BuilderType {
            builder: path("surf::Config"),
            builds: path("surf::Client"),
            finishers: vec!["try_into".to_string()],
            started_by: Vec::new(),
        }],
        request_types: vec![path("surf::RequestBuilder"), path("surf::Request")],
        request_functions: METHODS
            .iter()
            .map(|method| RequestFunction {
                path: vec!["surf".to_string(), method.to_ascii_lowercase()],
                http_method: Some(method.to_string()),
                sends: false,
                default_timeout: Some(default_timeout()),
            })
            .collect(),
        verbs: verbs_named_after_methods(METHODS),
        send: vec![Send::Await],
        execute_methods: vec!["send".to_string()],
        bounds: ClientBounds {
            timeout_methods: vec!["set_timeout".to_string()],
            connect_timeout_methods: Vec::new(),
            retrying_middleware: Vec::new(),
            timeout_config_keys: Vec::new(),
        },
        header_methods: vec!["header".to_string()],
    }
}
