//! object_store: S3, GCS and Azure stores (`AmazonS3Builder::from_env().with_url(..)
//! .build()?`, usually held as `Arc<dyn ObjectStore>`) with `put`, `get`, `head`, `list`,
//! `copy` and `delete`. Each is an HTTP request the store's client bounds by
//! `ClientOptions`' 30 s default timeout (5 s to connect) and retries by itself with the
//! default `RetryConfig`: exponential backoff from 100 ms to 15 s, at most 10 retries and
//! 3 minutes. Every call is idempotent: a put writes the whole object at its path (a
//! second put leaves the same object), a delete of a deleted object changes nothing, and
//! a copy or rename ends with the same objects. In-process stores (`InMemory`,
//! `LocalFileSystem`) are not network calls and are not listed.

use crate::knowledge::{path, ClientMethod, DirectClient};

/// `ClientOptions`' default request timeout, in milliseconds.
const DEFAULT_TIMEOUT_MS: u64 = 30_000;

const STORES: &[&str] = &[
    // The trait every store implements, and its extension trait (object_store 0.13 on),
    // through which a `dyn ObjectStore` is called.
    "object_store::ObjectStore",
    "object_store::ObjectStoreExt",
    "object_store::aws::AmazonS3",
    "object_store::gcp::GoogleCloudStorage",
    "object_store::azure::MicrosoftAzure",
    "object_store::http::HttpStore",
];

const METHODS: &[&str] = &[
    "put",
    "put_opts",
    "put_multipart",
    "put_multipart_opts",
    "get",
    "get_opts",
    "get_range",
    "get_ranges",
    "head",
    "list",
    "list_with_offset",
    "list_with_delimiter",
    "delete",
    "delete_stream",
    "copy",
    "copy_if_not_exists",
    "rename",
    "rename_if_not_exists",
];

pub fn clients() -> Vec<DirectClient> {
    STORES
        .iter()
        .map(|type_path| DirectClient {
            type_path: path(type_path),
            methods: METHODS
                .iter()
                .map(|name| ClientMethod {
                    name: name.to_string(),
                    http_method: None,
                    idempotent: Some(true),
                })
                .collect(),
            declared: false,
            default_timeout_ms: Some(DEFAULT_TIMEOUT_MS),
            service: Some("object store".to_string()),
            sender_argument: None,
        })
        .collect()
}
