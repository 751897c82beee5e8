//! RPCs on generated gRPC clients and publishes on broker clients.

use super::{carries_key, mentions_key_name};
use crate::facts::deadlines::{classify_duration, client_construction};
use crate::facts::{Bound, DownstreamCall, DownstreamKind};
use crate::index::{CallSite, CallTarget, Callee, FnId, ValueExpr, WorkspaceIndex};
use crate::knowledge::{
    Knowledge, GRPC_CLIENT_NON_RPC_METHODS, GRPC_READ_PREFIXES, PUBLISHERS, REQUEST_TIMEOUT_METHODS,
};

/// An RPC on a tonic client, or a publish on a broker client.
pub(super) fn method_on_client(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    call: &CallSite,
    receiver: &ValueExpr,
    method: &str,
    resolved: &CallTarget,
) -> Option<DownstreamCall> {
    let type_path = match resolved {
        CallTarget::External(path) => path[..path.len().saturating_sub(1)].to_vec(),
        _ => return None,
    };
    let type_name = type_path.last()?;
    if let Some(publisher) = PUBLISHERS.iter().find(|publisher| {
        type_path
            .first()
            .is_some_and(|first| first == publisher.crate_name)
            && type_name == publisher.type_name
            && publisher.methods.contains(&method)
    }) {
        let construction = client_construction(
            index,
            function,
            receiver,
            call.range.start,
            None,
            &knowledge.client_bounds,
        );
        return Some(DownstreamCall {
            range: call.range,
            statement: call.statement,
            kind: DownstreamKind::Publish {
                label: publisher.label,
            },
            api: format!("{}::{method}", type_path.join("::")),
            idempotent: Some(false),
            has_key: carries_key(
                index,
                knowledge,
                function,
                &call.arg_mentions,
                call.range.start,
                2,
            ),
            bound: match construction.bound {
                Bound::Fixed { .. } | Bound::Propagated(_) => construction.bound,
                _ => Bound::Unbounded(format!("nothing bounds the {}", publisher.label)),
            },
            retried_by_client: false,
        });
    }
    let is_generated_client = type_name.ends_with("Client")
        && type_path.iter().any(|segment| segment.ends_with("_client"));
    if !is_generated_client || GRPC_CLIENT_NON_RPC_METHODS.contains(&method) {
        return None;
    }
    // The request: a local built with `Request::new(..)`, on which `set_timeout` may be
    // called and metadata set.
    let body = &index.fn_def(function).summary.body;
    let request_names: Vec<&str> = call.arg_mentions.names().collect();
    let on_request = |wanted: &[&str]| -> Vec<&CallSite> {
        body.calls
            .iter()
            .filter(|other| {
                matches!(&other.callee, Callee::Method { receiver: ValueExpr::Name(name), method } if request_names.contains(&name.as_str()) && wanted.contains(&method.as_str()))
                    && other.range.start <= call.range.start
            })
            .collect()
    };
    let request_timeout = on_request(REQUEST_TIMEOUT_METHODS).into_iter().next();
    // `*outgoing.metadata_mut() = incoming.metadata().clone()`: the inbound metadata,
    // grpc-timeout included, copied onto the outgoing request.
    let forwards_metadata = body.calls.iter().any(|writes| {
        matches!(&writes.callee, Callee::Method { receiver: ValueExpr::Name(name), method } if method == "metadata_mut" && request_names.contains(&name.as_str()))
            && body.calls.iter().any(|reads| {
                reads.statement == writes.statement && matches!(&reads.callee, Callee::Method { method, .. } if method == "metadata")
            })
    });
    let construction = client_construction(
        index,
        function,
        receiver,
        call.range.start,
        None,
        &knowledge.client_bounds,
    );
    let bound = match request_timeout {
        Some(timeout) => classify_duration(index, knowledge, function, &timeout.arg_mentions, timeout.range.start, "`Request::set_timeout(..)`"),
        None if forwards_metadata => Bound::ForwardedMetadata,
        None => match construction.bound {
            Bound::Fixed { ms, .. } => Bound::Fixed { what: "its channel's `Endpoint::timeout(..)`, a local bound that is not sent as `grpc-timeout`".to_string(), ms },
            Bound::Unbounded(_) => Bound::Unbounded("neither the request (`set_timeout`) nor the channel (`Endpoint::timeout`) sets a timeout".to_string()),
            other => other,
        },
    };
    let has_key = mentions_key_name(knowledge, &call.arg_mentions)
        || body.locals.iter().any(|local| {
            request_names.contains(&local.name.as_str())
                && mentions_key_name(knowledge, &local.init_mentions)
        })
        || on_request(&["metadata_mut", "insert"])
            .into_iter()
            .any(|other| mentions_key_name(knowledge, &other.arg_mentions))
        || body.struct_literals.iter().any(|literal| {
            literal.range.start < call.range.end
                && literal
                    .fields
                    .iter()
                    .any(|field| knowledge.is_idempotency_key(&field.name))
        });
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        kind: DownstreamKind::Grpc {
            method: method.to_string(),
        },
        api: format!("{}::{method}", type_path.join("::")),
        idempotent: Some(
            GRPC_READ_PREFIXES
                .iter()
                .any(|prefix| method == *prefix || method.starts_with(&format!("{prefix}_"))),
        ),
        has_key,
        bound,
        retried_by_client: false,
    })
}
