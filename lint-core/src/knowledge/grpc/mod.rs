//! gRPC client libraries, one record per file: how a generated client is recognised, which
//! of its methods are RPCs and which of those read, how a request is bounded and keyed, and
//! how the evidence names those bounds.

pub mod tonic;

use super::ClientBounds;

/// Every gRPC library the analysis knows of.
pub fn builtin() -> Vec<GrpcLibrary> {
    vec![tonic::record()]
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrpcLibrary {
    /// A generated client's type name ends with this (`PaymentsClient`)…
    pub client_type_suffix: String,
    /// …in a module whose name ends with this (`payments_client`).
    pub client_module_suffix: String,
    /// Methods of a generated client that are not RPCs (constructors, settings).
    pub non_rpc_methods: Vec<String>,
    /// RPC names (snake case) that only read, as prefixes: `get`, `list_`…
    pub read_prefixes: Vec<String>,
    /// Methods of a request that bound it.
    pub request_timeout_methods: Vec<String>,
    /// The method that reaches a request's metadata to change it, the one that reads it,
    /// and the one that adds an entry.
    pub metadata_mut: String,
    pub metadata: String,
    pub metadata_insert: String,
    /// What bounds the channel a client is built on.
    pub channel_bounds: ClientBounds,
    /// How the evidence names a request's own bound, the channel's, and the lack of both.
    pub request_timeout_what: String,
    pub channel_timeout_what: String,
    pub unbounded_what: String,
}

impl GrpcLibrary {
    /// Whether a client type (`[.., "payments_client", "PaymentsClient"]`) is generated.
    pub fn is_generated_client(&self, type_path: &[impl AsRef<str>]) -> bool {
        type_path
            .last()
            .is_some_and(|name| name.as_ref().ends_with(&self.client_type_suffix))
            && type_path
                .iter()
                .any(|segment| segment.as_ref().ends_with(&self.client_module_suffix))
    }

    pub fn is_rpc(&self, method: &str) -> bool {
        !self.non_rpc_methods.iter().any(|known| known == method)
    }

    /// Whether an RPC only reads: a retry of it is harmless.
    pub fn reads(&self, method: &str) -> bool {
        self.read_prefixes.iter().any(|prefix| {
            method == prefix
                || method
                    .strip_prefix(prefix.as_str())
                    .is_some_and(|rest| rest.starts_with('_'))
        })
    }
}
