//! activitypub_federation: fetching ActivityPub objects from other servers, with the
//! HTTP client and settings of the `FederationConfig` the request's `Data` carries —
//! `object_id.dereference(&data)` (or `dereference_forced`), `collection_id.dereference(
//! &owner, &data)`, `webfinger_resolve_actor(name, &data)` and `fetch_object_http(url,
//! &data)`. Each is a signed `GET`, cut after the config's `request_timeout`: 10 s unless
//! the builder sets another. The handle a fetch is called on (`ObjectId`) is not the
//! client, so how it was built never bounds it. Sending activities (`queue_activity`,
//! `SendActivityTask::sign_and_send`) is not described: it is done by the library's queue
//! or a sender process, not by a request handler.

use super::{BuilderType, ClientType, DefaultTimeout, HttpLibrary, RequestFunction};
use crate::knowledge::{path, ClientBounds, ClientMethod, DirectClient};

/// `FederationConfig`'s default `request_timeout`, in milliseconds.
const REQUEST_TIMEOUT_MS: u64 = 10_000;

fn default_timeout() -> DefaultTimeout {
    DefaultTimeout {
        what: "activitypub_federation's 10 s default request timeout".to_string(),
        ms: Some(REQUEST_TIMEOUT_MS),
    }
}

/// The fetching functions, which send by themselves on the config's client.
pub fn record() -> HttpLibrary {
    HttpLibrary {
        clients: Vec::<ClientType>::new(),
        builders: Vec::<BuilderType>::new(),
        request_types: Vec::new(),
        request_functions: [
            "activitypub_federation::fetch::webfinger::webfinger_resolve_actor",
            "activitypub_federation::fetch::fetch_object_http",
        ]
        .iter()
        .map(|function| RequestFunction {
            path: path(function),
            http_method: Some("GET".to_string()),
            sends: true,
            default_timeout: Some(default_timeout()),
        })
        .collect(),
        verbs: Vec::new(),
        send: Vec::new(),
        execute_methods: Vec::new(),
        bounds: ClientBounds {
            timeout_methods: vec!["request_timeout".to_string()],
            connect_timeout_methods: Vec::new(),
            retrying_middleware: Vec::new(),
            timeout_config_keys: Vec::new(),
        },
        header_methods: Vec::new(),
    }
}

/// The ids whose `dereference` fetches the object they name when it is not stored yet.
pub fn clients() -> Vec<DirectClient> {
    [
        "activitypub_federation::fetch::object_id::ObjectId",
        "activitypub_federation::fetch::collection_id::CollectionId",
    ]
    .iter()
    .map(|type_path| DirectClient {
        type_path: path(type_path),
        methods: ["dereference", "dereference_forced"]
            .iter()
            .map(|name| ClientMethod {
                name: name.to_string(),
                http_method: Some("GET".to_string()),
                idempotent: Some(true),
            })
            .collect(),
        declared: false,
        default_timeout_ms: Some(REQUEST_TIMEOUT_MS),
        service: None,
        sender_argument: None,
    })
    .collect()
}
