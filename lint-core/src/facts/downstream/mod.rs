//! Which calls leave the process: HTTP requests sent through a known client, RPCs on tonic
//! generated clients, broker publishes, methods of clients the team declared. The
//! receiver's type decides, never the method name alone: `tx.send(..)` on a channel is not a
//! downstream call. What each library looks like is its record in the knowledge; nothing
//! here names a library.

mod direct;
mod http;
mod wrapped;

mod rpc;

pub(super) use http::request_handed_over;

use super::given::{self, Given, ParamRef};
use super::DownstreamCall;
use crate::index::{
    CallSite, CallTarget, Callee, CompactString, FnId, TypeTarget, ValueExpr, WorkspaceIndex,
};
use crate::knowledge::{Knowledge, IDEMPOTENT_HTTP_METHODS};
use crate::location::Position;

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
            (Callee::Path(_), CallTarget::External(path)) => {
                http::sending_function(knowledge, call, path).or_else(|| {
                    direct::associated_client_function(index, knowledge, function, call, path)
                })
            }
            (Callee::Method { receiver, method }, _) => {
                http::sent_by_method(index, knowledge, function, call, receiver, method)
                    .or_else(|| {
                        direct::direct_http(
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
                        rpc::method_on_client(
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
    // Requests sent by awaiting them come where they are awaited, in program order.
    let awaited = http::sent_by_await(index, knowledge, function);
    if !awaited.is_empty() {
        out.extend(awaited);
        out.sort_by_key(|call| call.range.start);
    }
    for call in &mut out {
        http::read_url_action(index, knowledge, function, call);
    }
    out
}

/// The root value of a method chain and the methods called on it, outermost first; a root
/// that is a local bound to a chain continues into that chain (`let request =
/// client.post(..);`). Also the start positions of the chains, to find their calls.
/// `is_root` says which values are where a request starts (a client, a call starting a
/// request): the walk stops at the innermost one, or at the bottom of the chain.
pub(super) fn unroll(
    index: &WorkspaceIndex,
    function: FnId,
    value: &ValueExpr,
    call: &CallSite,
    depth: usize,
    is_root: &dyn Fn(&ValueExpr) -> bool,
) -> (ValueExpr, Vec<CompactString>, Vec<Position>) {
    // Walk down the chain; the root is the innermost value that is a client (an accessor
    // such as `ctx.client()` returns one), or the bottom of the chain.
    let mut levels: Vec<(&ValueExpr, &CompactString)> = Vec::new();
    let mut current = value;
    while let ValueExpr::MethodCall { receiver, method } = current {
        levels.push((current, method));
        current = receiver;
    }
    let mut methods: Vec<CompactString> = Vec::new();
    if !is_root(current) {
        if let Some(position) = levels.iter().rposition(|(level, _)| is_root(level)) {
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
    if let (ValueExpr::Name(name), true) = (current, depth < 4 && !is_root(current)) {
        let locals = &index.fn_def(function).summary.body.locals;
        if let Some(local) = locals
            .iter()
            .rev()
            .find(|local| local.name == *name && local.scope.contains(call.range.start))
        {
            if let (Some(init @ ValueExpr::MethodCall { .. }), Some(init_range)) =
                (&local.init, local.init_range)
            {
                let (root, inner_methods, _) =
                    unroll(index, function, init, call, depth + 1, is_root);
                methods.extend(inner_methods);
                starts.push(init_range.start);
                return (root, methods, starts);
            }
        }
    }
    (current.clone(), methods, starts)
}

/// The calls of the same method chain (or of the local it continues), before `call`.
pub(super) fn chain_calls<'a>(
    index: &'a WorkspaceIndex,
    function: FnId,
    call: &CallSite,
    starts: &[Position],
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

/// The type a value has, when it is of a crate outside the workspace.
pub(super) fn external_type(
    index: &WorkspaceIndex,
    function: FnId,
    value: &ValueExpr,
    at: Position,
) -> Option<Vec<CompactString>> {
    match index.type_of_value(index.context_of(function), value, at) {
        TypeTarget::External(path) => Some(path),
        _ => None,
    }
}

pub(super) fn mentions_key_name(knowledge: &Knowledge, mentions: &crate::index::Mentions) -> bool {
    mentions
        .names()
        .chain(mentions.literals())
        .any(|text| knowledge.is_idempotency_key(text))
}

/// A request whose body names a single-use grant (`.form(&form)` of a `vec![("grant_type",
/// "authorization_code"), ..]`): the server accepts it once, so it is its own key. The
/// words are read in the chain's arguments and in the locals they name.
pub(super) fn sends_single_use_grant(
    index: &WorkspaceIndex,
    function: FnId,
    chain: &[&crate::index::CallSite],
) -> bool {
    let single_use = |mentions: &crate::index::Mentions| {
        mentions
            .literals()
            .any(|text| crate::knowledge::SINGLE_USE_GRANTS.contains(&text))
    };
    let locals = &index.fn_def(function).summary.body.locals;
    chain.iter().any(|call| {
        single_use(&call.arg_mentions)
            || call.arg_mentions.names().any(|name| {
                locals
                    .iter()
                    .rev()
                    .find(|local| local.name == name && local.scope.contains(call.range.start))
                    .is_some_and(|local| single_use(&local.init_mentions))
            })
    })
}

/// `request = request.header("Idempotency-Key", key)`: a key added to the request held in
/// a local, by reassigning it (often under an `if let Some(key)`).
pub(super) fn key_assigned_to(
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

/// The parameter a key added by reassignment depends on: every assignment that adds it is
/// in the `then` branch of an `if let Some(key) = <parameter or its field>`. `None` when
/// the key is added whatever the caller gives.
pub(super) fn key_only_if_given(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    receiver: &ValueExpr,
) -> Option<ParamRef> {
    let mut root = receiver;
    while let ValueExpr::MethodCall { receiver, .. } = root {
        root = receiver;
    }
    let ValueExpr::Name(name) = root else {
        return None;
    };
    let body = &index.fn_def(function).summary.body;
    let mut condition: Option<ParamRef> = None;
    for assignment in body.assignments.iter().filter(|assignment| {
        assignment.target == *name && mentions_key_name(knowledge, &assignment.value)
    }) {
        let branching = body
            .branchings
            .iter()
            .filter(|branching| {
                branching
                    .branches
                    .first()
                    .is_some_and(|then| then.contains_range(&assignment.range))
            })
            .min_by_key(|branching| {
                branching.branches[0].end.line - branching.branches[0].start.line
            })?;
        let Some(Given::Param(param)) = given::given_value(
            index,
            function,
            &branching.tested_mentions.items,
            branching.tested.start,
            0,
        ) else {
            return None;
        };
        if condition.as_ref().is_some_and(|known| *known != param) {
            return None;
        }
        condition = Some(param);
    }
    condition
}

/// The parameter a request's HTTP method is, when the verb takes the method as an argument
/// (`client.request(method, url)`) and that argument is a parameter of the function.
pub(super) fn method_parameter(
    index: &WorkspaceIndex,
    function: FnId,
    verb_call: &CallSite,
) -> Option<ParamRef> {
    match given::given_value(
        index,
        function,
        verb_call.arg_mentions.argument(0),
        verb_call.range.start,
        0,
    )? {
        Given::Param(param) => Some(param),
        _ => None,
    }
}

/// The HTTP method a text names (`POST`, `post`, `Method::POST`'s last segment).
pub(in crate::facts) fn http_method_named(text: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    IDEMPOTENT_HTTP_METHODS
        .iter()
        .chain(&["POST", "PATCH"])
        .any(|method| *method == upper)
        .then_some(upper)
}

/// The arguments carry a key, directly or through the locals they name: a record built
/// with `.headers(headers)` where `headers` holds an `idempotency-key`.
pub(super) fn carries_key(
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

/// `[crate, Type]` of a method defined in the workspace.
pub(super) fn workspace_type_path(
    index: &WorkspaceIndex,
    method: FnId,
) -> Option<Vec<CompactString>> {
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
