//! tonic: generated clients (`payments_client::PaymentsClient`) on a `Channel` built from an
//! `Endpoint`. `Endpoint::timeout` bounds each call locally but sends no `grpc-timeout`;
//! `Request::set_timeout` does; copying the inbound metadata forwards the caller's original
//! budget, not what remains of it.

use super::GrpcLibrary;
use crate::knowledge::{words, ClientBounds};

pub fn record() -> GrpcLibrary {
    GrpcLibrary {
        client_type_suffix: "Client".to_string(),
        client_module_suffix: "_client".to_string(),
        non_rpc_methods: words(&[
            "new",
            "connect",
            "with_origin",
            "with_interceptor",
            "send_compressed",
            "accept_compressed",
            "max_decoding_message_size",
            "max_encoding_message_size",
            "clone",
            "into_inner",
        ])
        .into_iter()
        .chain(words(crate::knowledge::RESULT_ADAPTERS))
        .collect(),
        // SPEC §3a's verbs, and the common synonyms of a read.
        read_verbs: words(&[
            "get",
            "list",
            "watch",
            "search",
            "lookup",
            "check",
            "validate",
            "estimate",
            "quote",
            "evaluate",
            "describe",
            "fetch",
            "read",
            "query",
            "batch_get",
            "stream",
            "health",
        ]),
        clause_joiners: words(&["and", "or", "then"]),
        request_timeout_methods: words(&["timeout", "set_timeout"]),
        metadata_mut: "metadata_mut".to_string(),
        metadata: "metadata".to_string(),
        metadata_insert: "insert".to_string(),
        channel_bounds: ClientBounds::conventional(),
        request_timeout_what: "`Request::set_timeout(..)`".to_string(),
        channel_timeout_what:
            "its channel's `Endpoint::timeout(..)`, a local bound that is not sent as `grpc-timeout`"
                .to_string(),
        unbounded_what:
            "neither the request (`set_timeout`) nor the channel (`Endpoint::timeout`) sets a timeout"
                .to_string(),
    }
}
