//! RPCs on generated gRPC clients and publishes on broker clients.

use super::{carries_key, mentions_key_name};
use crate::facts::deadlines::{classify_duration, client_construction};
use crate::facts::{Bound, DownstreamCall, DownstreamKind, RequestMessage};
use crate::index::{CallSite, CallTarget, Callee, FnId, ValueExpr, WorkspaceIndex};
use crate::knowledge::Knowledge;

/// An RPC on a generated gRPC client, or a publish on a broker client.
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
    let publisher = knowledge.brokers.iter().find_map(|broker| {
        broker
            .publishers
            .iter()
            .find(|publisher| {
                type_path
                    .first()
                    .is_some_and(|first| *first == publisher.crate_name)
                    && *type_name == publisher.type_name
                    && publisher
                        .methods
                        .iter()
                        .chain(&publisher.idempotent_methods)
                        .any(|known| known == method)
            })
            .map(|publisher| (broker, publisher))
    });
    if let Some((broker, publisher)) = publisher {
        let default_bound = broker.default_timeout.as_ref().map(|default| Bound::Fixed {
            what: default.what.clone(),
            ms: default.ms,
        });
        let construction = client_construction(
            index,
            function,
            receiver,
            call.range.start,
            default_bound.clone(),
            &broker.bounds,
        );
        let idempotent = publisher
            .idempotent_methods
            .iter()
            .any(|known| known == method);
        // A publish is named by its label (`kafka publish`); another operation by its
        // broker and method (`queue `redrive_dlq``).
        let label = if idempotent {
            format!("{} `{method}`", broker.label)
        } else {
            publisher.label.clone()
        };
        return Some(DownstreamCall {
            range: call.range,
            statement: call.statement,
            kind: DownstreamKind::Publish {
                label: label.clone(),
            },
            api: format!("{}::{method}", type_path.join("::")),
            declared_idempotence: Some(idempotent),
            has_key: carries_key(
                index,
                knowledge,
                function,
                &call.arg_mentions,
                call.range.start,
                2,
            ) || record_key_given(index, function, call, &publisher.key_setters),
            // A producer whose construction is out of sight is still bounded by its
            // library's default, where it has one.
            bound: match construction.bound {
                Bound::Fixed { .. } | Bound::Propagated(_) => construction.bound,
                _ => default_bound
                    .unwrap_or_else(|| Bound::Unbounded(format!("nothing bounds the {label}"))),
            },
            retried_by_client: false,
            depends: Default::default(),
            method_unknown: None,
            answered_by_lookup: false,
        });
    }
    let library = knowledge
        .grpc_libraries
        .iter()
        .find(|library| library.is_generated_client(&type_path))?;
    if !library.is_rpc(method) {
        return None;
    }
    // The request: a local built with `Request::new(..)`, on which `set_timeout` may be
    // called and metadata set.
    let body = &index.fn_def(function).summary.body;
    let request_names: Vec<&str> = call.arg_mentions.names().collect();
    let on_request = |wanted: &[&String]| -> Vec<&CallSite> {
        body.calls
            .iter()
            .filter(|other| {
                matches!(&other.callee, Callee::Method { receiver: ValueExpr::Name(name), method } if request_names.contains(&name.as_str()) && wanted.iter().any(|known| *known == method))
                    && other.range.start <= call.range.start
            })
            .collect()
    };
    let timeout_methods: Vec<&String> = library.request_timeout_methods.iter().collect();
    let request_timeout = on_request(&timeout_methods).into_iter().next();
    // `*outgoing.metadata_mut() = incoming.metadata().clone()`: the inbound metadata,
    // grpc-timeout included, copied onto the outgoing request.
    let forwards_metadata = body.calls.iter().any(|writes| {
        matches!(&writes.callee, Callee::Method { receiver: ValueExpr::Name(name), method } if *method == library.metadata_mut && request_names.contains(&name.as_str()))
            && body.calls.iter().any(|reads| {
                reads.statement == writes.statement && matches!(&reads.callee, Callee::Method { method, .. } if *method == library.metadata)
            })
    });
    let construction = client_construction(
        index,
        function,
        receiver,
        call.range.start,
        None,
        &library.channel_bounds,
    );
    let bound = match request_timeout {
        Some(timeout) => classify_duration(
            index,
            knowledge,
            function,
            &timeout.arg_mentions,
            timeout.range.start,
            &library.request_timeout_what,
        ),
        None if forwards_metadata => Bound::ForwardedMetadata,
        None => match construction.bound {
            Bound::Fixed { ms, .. } => Bound::Fixed {
                what: library.channel_timeout_what.clone(),
                ms,
            },
            Bound::Unbounded(_) => Bound::Unbounded(library.unbounded_what.clone()),
            other => other,
        },
    };
    // A message built inside the request's initialiser is judged as a message, below.
    let builds_message = |range: Option<crate::location::TextRange>| {
        range.is_some_and(|range| {
            body.struct_literals
                .iter()
                .any(|literal| range.contains_range(&literal.range))
        })
    };
    let key_outside_messages = (mentions_key_name(knowledge, &call.arg_mentions)
        && !builds_message(Some(call.range)))
        || body.locals.iter().any(|local| {
            request_names.contains(&local.name.as_str())
                && mentions_key_name(knowledge, &local.init_mentions)
                && !builds_message(local.init_range)
        })
        || on_request(&[&library.metadata_mut, &library.metadata_insert])
            .into_iter()
            .any(|other| mentions_key_name(knowledge, &other.arg_mentions));
    // The messages built before the call; the contract, where there is one, says which of
    // them is the request. A field carries a key when its name or value is a key's and
    // its value is not made here (`Uuid::new_v4()`).
    let messages: Vec<RequestMessage> = body
        .struct_literals
        .iter()
        .filter(|literal| literal.range.start < call.range.end)
        .filter_map(|literal| {
            Some(RequestMessage {
                type_name: literal.path.last()?.to_string(),
                // The value names something (a parameter, a local, a field of the
                // request): an empty `String::new()` carries nothing.
                keyed: literal.fields.iter().any(|field| {
                    (knowledge.is_idempotency_key(&field.name)
                        || mentions_key_name(knowledge, &field.mentions))
                        && carries_something(&field.mentions)
                        && !made_here(index, function, &field.mentions, field.range.start)
                }),
                given_fields: literal
                    .fields
                    .iter()
                    .filter(|field| {
                        carries_something(&field.mentions)
                            && !made_here(index, function, &field.mentions, field.range.start)
                    })
                    .map(|field| field.name.to_string())
                    .collect(),
            })
        })
        .collect();
    let has_key = key_outside_messages || messages.iter().any(|message| message.keyed);
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        kind: DownstreamKind::Grpc {
            method: method.to_string(),
            client: type_path.iter().map(ToString::to_string).collect(),
            messages,
            key_outside_messages,
        },
        api: format!("{}::{method}", type_path.join("::")),
        declared_idempotence: Some(library.reads(method)),
        has_key,
        bound,
        retried_by_client: false,
        depends: Default::default(),
        method_unknown: None,
        answered_by_lookup: false,
    })
}

/// Whether the record a publish sends has its key set from a value not made here
/// (`FutureRecord { key: Some(event.key().as_str()), .. }`, `.with_message_id(id)`), in
/// the call or in the local it names.
fn record_key_given(
    index: &WorkspaceIndex,
    function: FnId,
    call: &CallSite,
    key_setters: &[String],
) -> bool {
    if key_setters.is_empty() {
        return false;
    }
    let body = &index.fn_def(function).summary.body;
    let mut ranges = vec![call.range];
    for name in call.arg_mentions.names() {
        if let Some(range) = body
            .local_at(name, call.range.start)
            .and_then(|local| local.init_range)
        {
            ranges.push(range);
        }
    }
    let within =
        |range: &crate::location::TextRange| ranges.iter().any(|outer| outer.contains_range(range));
    let given = |mentions: &crate::index::Mentions, at| {
        carries_something(mentions) && !made_here(index, function, mentions, at)
    };
    let by_field = body
        .struct_literals
        .iter()
        .filter(|literal| within(&literal.range))
        .flat_map(|literal| literal.fields.iter())
        .any(|field| {
            key_setters.iter().any(|setter| *setter == field.name)
                && given(&field.mentions, field.range.start)
        });
    by_field
        || body.calls.iter().any(|setter| {
            within(&setter.range)
                && matches!(&setter.callee, Callee::Method { method, .. } if key_setters.iter().any(|known| known == method))
                && given(&setter.arg_mentions, setter.range.start)
        })
}

/// Whether a value is made in this function (`Uuid::new_v4()`, or a local holding one):
/// not the request's.
fn made_here(
    index: &WorkspaceIndex,
    function: FnId,
    mentions: &crate::index::Mentions,
    at: crate::location::Position,
) -> bool {
    let body = &index.fn_def(function).summary.body;
    crate::facts::state::fresh_in(&mentions.items).is_some()
        || mentions.names().any(|name| {
            body.local_at(name, at).is_some_and(|local| {
                crate::facts::state::fresh_in(&local.init_mentions.items).is_some()
            })
        })
}

/// Whether a value holds anything: `String::new()`, `Default::default()`, `None` or `""`
/// carry no key, whatever the field is called.
fn carries_something(mentions: &crate::index::Mentions) -> bool {
    use crate::index::Mention;
    mentions.items.iter().any(|item| match item {
        Mention::Name(name) => name != "None",
        Mention::Literal(text) => !text.is_empty(),
        Mention::Path(path) => !matches!(
            path.iter()
                .map(|segment| segment.as_str())
                .collect::<Vec<_>>()
                .as_slice(),
            ["String", "new"] | ["Default", "default"] | ["Option", "None"]
        ),
        _ => false,
    })
}
