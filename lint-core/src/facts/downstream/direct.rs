//! Clients whose methods send by themselves (no request builder): hyper's, and the
//! wrappers a team declares in its configuration, as the same records.

use super::{carries_key, workspace_type_path};
use crate::facts::deadlines::client_construction;
use crate::facts::{Bound, DownstreamCall, DownstreamKind};
use crate::index::{CallSite, CallTarget, CompactString, FnId, ValueExpr, WorkspaceIndex};
use crate::knowledge::{ClientMethod, DirectClient, Knowledge};

/// A method that sends by itself (no builder): hyper's `client.request(req)`, or a method of
/// a client wrapper the team declared in its configuration (`payments.charge(..)`).
pub(super) fn direct_http(
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
        // A wrapper written in the workspace is declared by its crate and type name.
        CallTarget::Local(targets) => workspace_type_path(index, *targets.first()?)?,
        _ => return None,
    };
    let client = knowledge.direct_client(&type_path)?;
    let client_method = client.method(method)?;
    let api = format!("{}::{method}", type_path.join("::"));
    let default_bound = client.default_timeout_ms.map(|ms| Bound::Fixed {
        what: format!("the default timeout of `{}`", type_path.join("::")),
        ms: Some(ms),
    });
    // `token_request.request_async(&http_client)`: the client given as an argument sends.
    let sender = match client.sender_argument {
        Some(position) => crate::facts::given::argument_value(index, function, call, position),
        None => Some(receiver.clone()),
    };
    let bound = match sender {
        Some(sender) => {
            client_construction(
                index,
                function,
                &sender,
                call.range.start,
                default_bound,
                &knowledge.client_bounds,
            )
            .bound
        }
        None => Bound::Unknown(format!(
            "the HTTP client given to `{api}` is not a value whose construction can be followed"
        )),
    };
    Some(client_call(
        call,
        client,
        client_method,
        api,
        bound,
        key_in_arguments(index, knowledge, function, call),
    ))
}

/// Whether a client call's arguments carry an idempotency key. The key may travel in an
/// options value built before the call (`Some(MessageCreateOptions { idempotency_key: .. })`),
/// so values are followed two steps back.
fn key_in_arguments(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    call: &CallSite,
) -> bool {
    carries_key(
        index,
        knowledge,
        function,
        &call.arg_mentions,
        call.range.start,
        2,
    )
}

/// A call of a known or declared client's method, as a downstream call.
pub(super) fn client_call(
    call: &CallSite,
    client: &DirectClient,
    client_method: &ClientMethod,
    api: String,
    bound: Bound,
    has_key: bool,
) -> DownstreamCall {
    DownstreamCall {
        range: call.range,
        statement: call.statement,
        kind: match (&client.service, client.declared) {
            (_, true) => DownstreamKind::DeclaredClient { api: api.clone() },
            (Some(service), false) => DownstreamKind::Service {
                service: service.clone(),
                method: client_method.name.clone(),
            },
            (None, false) => DownstreamKind::Http {
                method: client_method.http_method.clone(),
                url_action: None,
            },
        },
        api,
        declared_idempotence: client_method.idempotent,
        has_key,
        bound,
        retried_by_client: false,
        depends: Default::default(),
        method_unknown: None,
        answered_by_lookup: false,
    }
}

/// `CheckoutSession::create(&client, params)`: an API written as an associated function
/// that takes the client as an argument (async-stripe's shape), on a type the knowledge (or
/// the team's configuration) declares. The client is the first argument.
pub(super) fn associated_client_function(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    call: &CallSite,
    path: &[CompactString],
) -> Option<DownstreamCall> {
    let (method, type_path) = path.split_last()?;
    let client = knowledge.direct_client(type_path)?;
    let client_method = client.method(method)?;
    let api = path.join("::");
    let default_bound = client.default_timeout_ms.map(|ms| Bound::Fixed {
        what: format!("the default timeout of `{}`", type_path.join("::")),
        ms: Some(ms),
    });
    let bound = match call.arg_mentions.names().next() {
        Some(first) => {
            client_construction(
                index,
                function,
                &ValueExpr::Name(first.into()),
                call.range.start,
                default_bound,
                &knowledge.client_bounds,
            )
            .bound
        }
        None => default_bound.unwrap_or_else(|| {
            Bound::Unknown(format!("the client given to `{api}` is not visible"))
        }),
    };
    Some(client_call(
        call,
        client,
        client_method,
        api,
        bound,
        key_in_arguments(index, knowledge, function, call),
    ))
}
