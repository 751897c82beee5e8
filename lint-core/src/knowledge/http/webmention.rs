//! webmention: `Webmention::new(source, target)?.send().await` discovers the target's
//! Webmention endpoint (a `GET` of the target) and notifies it (a form `POST`), each on a
//! `reqwest::Client::new()` the crate makes for the request: nothing bounds either. A
//! receiver handles a mention sent again as an update of the same one (the source and the
//! target identify it), so sending twice does no harm.

use crate::knowledge::{path, ClientMethod, DirectClient};

pub fn clients() -> Vec<DirectClient> {
    vec![DirectClient {
        type_path: path("webmention::Webmention"),
        methods: vec![ClientMethod {
            name: "send".to_string(),
            http_method: Some("POST".to_string()),
            idempotent: Some(true),
        }],
        declared: false,
        default_timeout_ms: None,
        service: Some("Webmention".to_string()),
        sender_argument: None,
    }]
}
