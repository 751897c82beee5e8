//! hyper: clients whose methods send a request by themselves (`client.request(req)`,
//! `client.get(uri)`), with no builder in between and no timeout of their own.

use crate::knowledge::{path, ClientMethod, DirectClient};

/// hyper's clients, as the same records a team's configuration declares its own wrappers
/// with.
pub fn clients() -> Vec<DirectClient> {
    [
        "hyper_util::client::legacy::Client",
        "hyper::Client",
        "hyper::client::Client",
    ]
    .iter()
    .map(|type_path| DirectClient {
        type_path: path(type_path),
        methods: vec![
            ClientMethod {
                name: "request".to_string(),
                http_method: None,
                idempotent: None,
            },
            ClientMethod {
                name: "get".to_string(),
                http_method: Some("GET".to_string()),
                idempotent: Some(true),
            },
        ],
        declared: false,
        default_timeout_ms: None,
        service: None,
        sender_argument: None,
    })
    .collect()
}
