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
    /// Verbs (snake case, one or more words) of RPC names that only read: `get`,
    /// `batch_get`… A name reads when each of its clauses starts with one (SPEC §3a).
    pub read_verbs: Vec<String>,
    /// Words that join two clauses of a name, each with its own verb: `validate_and_reserve`.
    pub clause_joiners: Vec<String>,
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

    /// Whether an RPC only reads, by the verbs of its name: every clause must start with a
    /// read verb, so `get_user_by_email` reads and `get_or_create` or
    /// `validate_and_reserve` do not.
    pub fn reads(&self, method: &str) -> bool {
        let words: Vec<&str> = method.split('_').filter(|word| !word.is_empty()).collect();
        let mut clauses =
            words.split(|word| self.clause_joiners.iter().any(|joiner| joiner == word));
        clauses.all(|clause| {
            !clause.is_empty()
                && self.read_verbs.iter().any(|verb| {
                    let verb: Vec<&str> = verb.split('_').collect();
                    clause.starts_with(&verb)
                })
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_reads_only_when_every_clause_starts_with_a_read_verb() {
        let tonic = super::tonic::record();
        for reads in [
            "get",
            "get_charge",
            "list_invoices",
            "batch_get_users",
            "validate_coupon",
            "estimate_tax",
            "get_and_list",
            "search_customers_by_email",
        ] {
            assert!(tonic.reads(reads), "{reads} reads");
        }
        for mutates in [
            "validate_and_reserve",
            "get_or_create",
            "create_charge",
            "reserve",
            "getaway",
            "list_and_delete",
            "and",
        ] {
            assert!(!tonic.reads(mutates), "{mutates} mutates");
        }
    }
}
