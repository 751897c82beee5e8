//! Which calls leave the process: HTTP requests sent through a known client, RPCs on tonic
//! generated clients, broker publishes. The receiver's type decides, never the method name
//! alone: `tx.send(..)` on a channel is not a downstream call.

use super::deadlines::{classify_duration, client_construction, path_is};
use super::{Bound, DownstreamCall, DownstreamKind};
use crate::index::CompactString;
use crate::index::{CallSite, CallTarget, Callee, FnId, TypeTarget, ValueExpr, WorkspaceIndex};
use crate::knowledge::{
    Knowledge, GRPC_CLIENT_NON_RPC_METHODS, GRPC_READ_PREFIXES, HTTP_CLIENTS, HTTP_FUNCTIONS,
    HTTP_SEND_METHODS, HTTP_VERB_METHODS, IDEMPOTENT_HTTP_METHODS, PUBLISHERS,
    REQUEST_BUILDER_TYPES, REQUEST_TIMEOUT_METHODS,
};

pub(super) fn downstream_calls(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    resolved: &[CallTarget],
) -> Vec<DownstreamCall> {
    let body = &index.fn_def(function).summary.body;
    let mut out = Vec::new();
    for (position, call) in body.calls.iter().enumerate() {
        let found = match (&call.callee, &resolved[position]) {
            (Callee::Path(_), CallTarget::External(path)) => http_function(call, path)
                .or_else(|| associated_client_function(index, knowledge, function, call, path)),
            (Callee::Method { receiver, method }, _) => {
                let sent = if HTTP_SEND_METHODS.contains(&method.as_str()) {
                    http_send(index, knowledge, function, call, receiver)
                } else if method == "execute" {
                    http_execute(index, knowledge, function, call, receiver)
                } else {
                    None
                };
                sent.or_else(|| {
                    direct_http(
                        index,
                        knowledge,
                        function,
                        call,
                        receiver,
                        method,
                        &resolved[position],
                    )
                })
                .or_else(|| {
                    method_on_client(
                        index,
                        knowledge,
                        function,
                        call,
                        receiver,
                        method,
                        &resolved[position],
                    )
                })
            }
            _ => None,
        };
        out.extend(found);
    }
    out
}

fn http_function(call: &CallSite, path: &[CompactString]) -> Option<DownstreamCall> {
    let known = HTTP_FUNCTIONS
        .iter()
        .find(|known| path_is(path, known.path))?;
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        kind: DownstreamKind::Http {
            method: Some(known.method.to_string()),
        },
        api: path.join("::"),
        idempotent: Some(true),
        has_key: false,
        bound: match known.default_bound {
            Some(default) => Bound::fixed(default),
            None => Bound::Unbounded(format!(
                "`{}` uses a default client with no timeout",
                path.join("::")
            )),
        },
        retried_by_client: false,
    })
}

/// The root value of a method chain and the methods called on it; a root that is a local
/// bound to a chain continues into that chain (`let request = client.post(..);`). Also the
/// start positions of the chains, to find their calls.
fn unroll(
    index: &WorkspaceIndex,
    function: FnId,
    value: &ValueExpr,
    call: &CallSite,
    depth: usize,
) -> (
    ValueExpr,
    Vec<CompactString>,
    Vec<crate::location::Position>,
) {
    // Walk down the chain; the root is the innermost value that is a client (an accessor
    // such as `ctx.client()` returns one), or the bottom of the chain.
    let is_client = |value: &ValueExpr| {
        matches!(index.type_of_value(index.context_of(function), value, call.range.start),
            TypeTarget::External(path) if HTTP_CLIENTS.iter().any(|client| path_is(&path, client.type_path)))
    };
    let mut levels: Vec<(&ValueExpr, &CompactString)> = Vec::new();
    let mut current = value;
    while let ValueExpr::MethodCall { receiver, method } = current {
        levels.push((current, method));
        current = receiver;
    }
    let mut methods: Vec<CompactString> = Vec::new();
    if !is_client(current) {
        if let Some(position) = levels.iter().rposition(|(level, _)| is_client(level)) {
            methods = levels[..position]
                .iter()
                .map(|(_, method)| (*method).clone())
                .collect();
            current = levels[position].0;
            return (current.clone(), methods, vec![call.range.start]);
        }
    }
    methods.extend(levels.iter().map(|(_, method)| (*method).clone()));
    let mut starts = vec![call.range.start];
    // A local that is itself the client is the root; only a request being built
    // (`let request = client.post(..)`) continues into its initialiser.
    if let (ValueExpr::Name(name), true) = (current, depth < 4 && !is_client(current)) {
        let locals = &index.fn_def(function).summary.body.locals;
        if let Some(local) = locals
            .iter()
            .rev()
            .find(|local| local.name == *name && local.scope.contains(call.range.start))
        {
            if let (Some(init @ ValueExpr::MethodCall { .. }), Some(init_range)) =
                (&local.init, local.init_range)
            {
                let (root, inner_methods, _) = unroll(index, function, init, call, depth + 1);
                methods.extend(inner_methods);
                starts.push(init_range.start);
                return (root, methods, starts);
            }
        }
    }
    (current.clone(), methods, starts)
}

/// The calls of the same method chain (or of the local it continues), before `call`.
fn chain_calls<'a>(
    index: &'a WorkspaceIndex,
    function: FnId,
    call: &CallSite,
    starts: &[crate::location::Position],
) -> Vec<&'a CallSite> {
    index
        .fn_def(function)
        .summary
        .body
        .calls
        .iter()
        .filter(|other| {
            starts.contains(&other.range.start)
                && other.range.end <= call.range.end
                && other.range != call.range
        })
        .collect()
}

fn http_send(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    call: &CallSite,
    receiver: &ValueExpr,
) -> Option<DownstreamCall> {
    let (root, methods, starts) = unroll(index, function, receiver, call, 0);
    let context = index.context_of(function);
    let client_type = match index.type_of_value(context, &root, call.range.start) {
        TypeTarget::External(path) => path,
        TypeTarget::Unknown(reason) => return unknown_client(call, &methods, &reason),
        TypeTarget::Local(_) => return None,
    };
    let Some(client) = HTTP_CLIENTS
        .iter()
        .find(|client| path_is(&client_type, client.type_path))
    else {
        return built_elsewhere(index, function, call, &root, &client_type, &methods);
    };
    let verb = methods
        .iter()
        .find(|method| HTTP_VERB_METHODS.contains(&method.as_str()))?;
    let chain = chain_calls(index, function, call, &starts);
    let http_method = if verb == "request" {
        chain
            .iter()
            .find(|other| matches!(&other.callee, Callee::Method { method, .. } if method == "request"))
            .and_then(|other| other.arg_mentions.paths().find_map(|path| path.last().cloned()))
            .map(|method| method.as_str().to_uppercase())
    } else {
        Some(verb.as_str().to_uppercase())
    };
    let has_key = chain.iter().any(|other| {
        matches!(&other.callee, Callee::Method { method, .. } if method == "header" || method == "headers")
            && other.arg_mentions.literals().any(|literal| knowledge.is_idempotency_key(literal))
    }) || chain.iter().any(|other| mentions_key_name(knowledge, &other.arg_mentions))
        || key_assigned_to(index, knowledge, function, receiver);
    let request_timeout = chain.iter().find(
        |other| matches!(&other.callee, Callee::Method { method, .. } if method == "timeout"),
    );
    let construction = client_construction(
        index,
        function,
        &root,
        call.range.start,
        client.default_bound.map(Bound::fixed),
    );
    let bound = match request_timeout {
        Some(timeout) => classify_duration(
            index,
            knowledge,
            function,
            &timeout.arg_mentions,
            timeout.range.start,
            "request `.timeout(..)`",
        ),
        None => construction.bound,
    };
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        idempotent: http_method
            .as_deref()
            .map(|method| IDEMPOTENT_HTTP_METHODS.contains(&method)),
        kind: DownstreamKind::Http {
            method: http_method,
        },
        api: format!("{}::{verb}", client_type.join("::")),
        has_key,
        bound,
        retried_by_client: construction.retries,
    })
}

/// `client.execute(request)`: the method is the one the request was built with.
fn http_execute(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    call: &CallSite,
    receiver: &ValueExpr,
) -> Option<DownstreamCall> {
    let context = index.context_of(function);
    let client_type = match index.type_of_value(context, receiver, call.range.start) {
        TypeTarget::External(path) => path,
        _ => return None,
    };
    let client = HTTP_CLIENTS
        .iter()
        .find(|client| path_is(&client_type, client.type_path))?;
    let body = &index.fn_def(function).summary.body;
    let request = call.arg_mentions.names().next();
    let built_with = request.and_then(|name| {
        body.locals
            .iter()
            .rev()
            .find(|local| local.name == name && local.scope.start <= call.range.start)
    });
    let verb = built_with.and_then(|local| {
        let verb = local
            .init_mentions
            .methods()
            .find(|method| HTTP_VERB_METHODS.contains(method))?;
        if verb != "request" {
            return Some(verb.to_uppercase());
        }
        // `.request(Method::GET, url)`: the method is the argument.
        local.init_mentions.paths().find_map(|path| {
            let last = path.last()?;
            IDEMPOTENT_HTTP_METHODS
                .iter()
                .chain(&["POST", "PATCH"])
                .find(|method| last == *method)
                .map(|method| method.to_string())
        })
    });
    let request_timeout =
        built_with.is_some_and(|local| local.init_mentions.mentions_method(&["timeout"]));
    let construction = client_construction(
        index,
        function,
        receiver,
        call.range.start,
        client.default_bound.map(Bound::fixed),
    );
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        idempotent: verb
            .as_deref()
            .map(|method| IDEMPOTENT_HTTP_METHODS.contains(&method)),
        kind: DownstreamKind::Http { method: verb },
        api: format!("{}::execute", client_type.join("::")),
        has_key: built_with.is_some_and(|local| mentions_key_name(knowledge, &local.init_mentions)),
        bound: if request_timeout {
            Bound::fixed("request built with `.timeout(..)`")
        } else {
            construction.bound
        },
        retried_by_client: construction.retries,
    })
}

fn mentions_key_name(knowledge: &Knowledge, mentions: &crate::index::Mentions) -> bool {
    mentions
        .names()
        .chain(mentions.literals())
        .any(|text| knowledge.is_idempotency_key(text))
}

/// `request = request.header("Idempotency-Key", key)`: a key added to the request held in
/// a local, by reassigning it (often under an `if let Some(key)`).
fn key_assigned_to(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    receiver: &ValueExpr,
) -> bool {
    let mut root = receiver;
    while let ValueExpr::MethodCall { receiver, .. } = root {
        root = receiver;
    }
    let ValueExpr::Name(name) = root else {
        return false;
    };
    index
        .fn_def(function)
        .summary
        .body
        .assignments
        .iter()
        .any(|assignment| {
            assignment.target == *name && mentions_key_name(knowledge, &assignment.value)
        })
}

/// The arguments carry a key, directly or through the locals they name: a record built
/// with `.headers(headers)` where `headers` holds an `idempotency-key`.
fn carries_key(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    mentions: &crate::index::Mentions,
    at: crate::location::Position,
    depth: usize,
) -> bool {
    if mentions_key_name(knowledge, mentions) {
        return true;
    }
    if depth == 0 {
        return false;
    }
    let locals = &index.fn_def(function).summary.body.locals;
    mentions.names().any(|name| {
        locals
            .iter()
            .rev()
            .find(|local| local.name == name && local.scope.contains(at))
            .is_some_and(|local| {
                carries_key(
                    index,
                    knowledge,
                    function,
                    &local.init_mentions,
                    local.scope.start,
                    depth - 1,
                )
            })
    })
}

/// An RPC on a tonic client, or a publish on a broker client.
fn method_on_client(
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
        let construction = client_construction(index, function, receiver, call.range.start, None);
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
    let construction = client_construction(index, function, receiver, call.range.start, None);
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

/// `make_request(url)?.send()`: a request builder returned by a helper. The method and a
/// `.timeout(..)` are read from the helper; the client it used is not followed.
fn built_elsewhere(
    index: &WorkspaceIndex,
    function: FnId,
    call: &CallSite,
    root: &ValueExpr,
    root_type: &[CompactString],
    methods: &[CompactString],
) -> Option<DownstreamCall> {
    if !REQUEST_BUILDER_TYPES
        .iter()
        .any(|known| path_is(root_type, known))
    {
        return None;
    }
    let ValueExpr::Call { callee, .. } = root else {
        return None;
    };
    let context = index.context_of(function);
    let probe = CallSite {
        callee: Callee::Path(callee.clone()),
        ..call.clone()
    };
    let CallTarget::Local(helpers) = index.resolve_call(context, &probe) else {
        return None;
    };
    let helper = *helpers.first()?;
    let helper_name = &index.fn_def(helper).summary.name;
    let helper_methods: Vec<CompactString> = index
        .fn_def(helper)
        .summary
        .body
        .calls
        .iter()
        .filter_map(|inner| match &inner.callee {
            Callee::Method { method, .. } => Some(method.clone()),
            Callee::Path(_) => None,
        })
        .chain(methods.iter().cloned())
        .collect();
    let verb = helper_methods
        .iter()
        .find(|method| HTTP_VERB_METHODS.contains(&method.as_str()) && *method != "request")
        .map(|verb| verb.as_str().to_uppercase());
    // The client the helper builds its request on: `INSTANCE.request(method, url)`.
    let helper_body = &index.fn_def(helper).summary.body;
    let client_call = helper_body
        .calls
        .iter()
        .find_map(|inner| match &inner.callee {
            Callee::Method { receiver, method } if HTTP_VERB_METHODS.contains(&method.as_str()) => {
                Some((receiver, inner))
            }
            _ => None,
        });
    let bound = if helper_methods.iter().any(|method| method == "timeout") {
        Bound::fixed(format!("`.timeout(..)` set in `{helper_name}`"))
    } else if let Some((client, inner)) = client_call {
        match client_construction(index, helper, client, inner.range.start, None).bound {
            Bound::Unknown(reason) => {
                Bound::Unknown(format!("the request is built in `{helper_name}`: {reason}"))
            }
            known => known,
        }
    } else {
        Bound::Unknown(format!(
            "the request is built in `{helper_name}`; the client it uses is not followed"
        ))
    };
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        idempotent: verb
            .as_deref()
            .map(|method| IDEMPOTENT_HTTP_METHODS.contains(&method)),
        kind: DownstreamKind::Http { method: verb },
        api: format!("{}::send", root_type.join("::")),
        has_key: false,
        bound,
        retried_by_client: false,
    })
}

/// A method that sends by itself (no builder): hyper's `client.request(req)`, or a method of
/// a client wrapper the team declared in its configuration (`payments.charge(..)`).
fn direct_http(
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
    let construction =
        client_construction(index, function, receiver, call.range.start, default_bound);
    Some(client_call(
        call,
        client,
        client_method,
        api,
        construction.bound,
        mentions_key_name(knowledge, &call.arg_mentions),
    ))
}

/// A call of a known or declared client's method, as a downstream call.
fn client_call(
    call: &CallSite,
    client: &crate::knowledge::DirectClient,
    client_method: &crate::knowledge::ClientMethod,
    api: String,
    bound: Bound,
    has_key: bool,
) -> DownstreamCall {
    DownstreamCall {
        range: call.range,
        statement: call.statement,
        kind: if client.declared {
            DownstreamKind::DeclaredClient { api: api.clone() }
        } else {
            DownstreamKind::Http {
                method: client_method.http_method.clone(),
            }
        },
        api,
        idempotent: client_method.idempotent,
        has_key,
        bound,
        retried_by_client: false,
    }
}

/// `CheckoutSession::create(&client, params)`: an API written as an associated function
/// that takes the client as an argument (async-stripe's shape), on a type the knowledge (or
/// the team's configuration) declares. The client is the first argument.
fn associated_client_function(
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
        carries_key(
            index,
            knowledge,
            function,
            &call.arg_mentions,
            call.range.start,
            2,
        ),
    ))
}

/// `[crate, Type]` of a method defined in the workspace.
fn workspace_type_path(index: &WorkspaceIndex, method: FnId) -> Option<Vec<CompactString>> {
    let def = index.fn_def(method);
    let TypeTarget::Local(type_id) = &index.impl_def(def.owner?).self_type else {
        return None;
    };
    let crate_id = index.module(def.module).crate_id;
    Some(vec![
        index.crates[crate_id.0 as usize].lib_name.as_str().into(),
        index.type_def(*type_id).summary.name.clone(),
    ])
}

/// `x.post(url)...send()` on a value whose type is not known: the shape of an HTTP request,
/// reported with an `unknown` bound rather than guessed either way.
fn unknown_client(
    call: &CallSite,
    methods: &[CompactString],
    reason: &str,
) -> Option<DownstreamCall> {
    let verb = methods
        .iter()
        .find(|method| HTTP_VERB_METHODS.contains(&method.as_str()) && *method != "request")?;
    let method = verb.to_uppercase();
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        idempotent: Some(IDEMPOTENT_HTTP_METHODS.contains(&method.as_str())),
        kind: DownstreamKind::Http {
            method: Some(method.to_string()),
        },
        api: format!("<unknown client>::{verb}"),
        has_key: false,
        bound: Bound::Unknown(format!("what sends this request is not known ({reason})")),
        retried_by_client: false,
    })
}
