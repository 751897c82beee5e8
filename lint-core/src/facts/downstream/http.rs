//! HTTP requests, read through the records of the HTTP libraries: a request is started on
//! a client (or by one of the library's functions, on its default client), built with
//! methods that may bound it or add a header, and sent by a method or by awaiting it.

use super::{
    chain_calls, external_type, http_method_named, key_assigned_to, key_only_if_given,
    mentions_key_name, method_parameter, unroll, wrapped,
};
use crate::facts::deadlines::{classify_duration, client_construction};
use crate::facts::{Bound, CallerDecides, DownstreamCall, DownstreamKind};
use crate::index::{
    AwaitSite, CallSite, CallTarget, Callee, CompactString, FnId, Mentions, Resolution, TypeTarget,
    ValueExpr, WorkspaceIndex,
};
use crate::knowledge::http::{deleting_action, DefaultTimeout, HttpLibrary, RequestFunction, Verb};
use crate::knowledge::{Knowledge, IDEMPOTENT_HTTP_METHODS};

/// How the call at hand sends the request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SentBy<'a> {
    /// A send method, by this name: `.send()`, `.call()`.
    Method(&'a str),
    /// The request is awaited.
    Await,
}

/// A call of a function that sends a request by itself: `reqwest::get(url)`.
pub(super) fn sending_function(
    knowledge: &Knowledge,
    call: &CallSite,
    path: &[CompactString],
) -> Option<DownstreamCall> {
    let started = knowledge
        .http_libraries
        .iter()
        .find_map(|library| library.request_function(path))
        .filter(|started| started.sends)?;
    let http_method = started.http_method.clone();
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        declared_idempotence: None,
        kind: DownstreamKind::Http {
            method: http_method,
            url_action: None,
        },
        api: path.join("::"),
        has_key: false,
        bound: default_client_bound(started),
        retried_by_client: false,
        depends: Default::default(),
        method_unknown: None,
        answered_by_lookup: false,
    })
}

/// A method call that sends a request: a send method of a library on a request it built, or
/// an execute method given a request built elsewhere.
pub(super) fn sent_by_method(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    call: &CallSite,
    receiver: &ValueExpr,
    method: &str,
) -> Option<DownstreamCall> {
    knowledge.http_libraries.iter().find_map(|library| {
        if library.sends_with(method) {
            request(
                index,
                knowledge,
                library,
                function,
                call,
                receiver,
                SentBy::Method(method),
            )
        } else if library.is_execute_method(method) && !library.sends_on_await() {
            execute(index, knowledge, library, function, call, receiver)
        } else {
            None
        }
    })
}

/// Requests that are sent by awaiting them: each `.await` of a request of a library that
/// sends that way. An await of a value that an inner await already sent (a response read
/// on) is not a second request.
pub(super) fn sent_by_await(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
) -> Vec<DownstreamCall> {
    let awaiting: Vec<&HttpLibrary> = knowledge
        .http_libraries
        .iter()
        .filter(|library| library.sends_on_await())
        .collect();
    let body = &index.fn_def(function).summary.body;
    if awaiting.is_empty() || body.awaits.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for site in &body.awaits {
        let sent_before = body
            .awaits
            .iter()
            .any(|inner| inner.value.start == site.value.start && inner.value.end < site.value.end);
        if sent_before {
            continue;
        }
        let Some((call, value)) = awaited_call(index, function, site) else {
            continue;
        };
        out.extend(awaiting.iter().find_map(|library| {
            request(
                index,
                knowledge,
                library,
                function,
                &call,
                &value,
                SentBy::Await,
            )
        }));
    }
    out
}

/// `auth.apply(request).send()`: a helper of the workspace is handed a request built here
/// and hands it back (adding credentials or headers, starting none of its own); what is
/// sent is the request of that local, read as if it were sent directly.
fn passed_through(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    library: &HttpLibrary,
    function: FnId,
    call: &CallSite,
    value: &ValueExpr,
    sent_by: SentBy,
) -> Option<DownstreamCall> {
    if matches!(value, ValueExpr::Name(_)) {
        return None;
    }
    let context = index.context_of(function);
    let body = &index.fn_def(function).summary.body;
    body.calls
        .iter()
        .filter(|helper_call| call.range.contains_range(&helper_call.range))
        .filter(|helper_call| helper_call.range != call.range)
        .find_map(|helper_call| {
            let CallTarget::Local(helpers) = index.resolve_call(context, helper_call) else {
                return None;
            };
            let starts_none = helpers.iter().all(|helper| {
                !index
                    .fn_def(*helper)
                    .summary
                    .body
                    .calls
                    .iter()
                    .any(|inner| match &inner.callee {
                        Callee::Method { method, .. } => library.verb(method).is_some(),
                        Callee::Path(_) => false,
                    })
            });
            if !starts_none {
                return None;
            }
            helper_call.arg_mentions.names().find_map(|name| {
                let built_before = body.locals.iter().any(|local| {
                    local.name == name && local.scope.start <= helper_call.range.start
                });
                if !built_before {
                    return None;
                }
                let local = ValueExpr::Name(name.into());
                request(index, knowledge, library, function, call, &local, sent_by)
            })
        })
}

/// The call an await sends, and the value it awaits: the outermost call of the awaited
/// chain, or the variable awaited (its place standing for the call).
fn awaited_call(
    index: &WorkspaceIndex,
    function: FnId,
    site: &AwaitSite,
) -> Option<(CallSite, ValueExpr)> {
    let body = &index.fn_def(function).summary.body;
    if let Some(variable) = &site.variable {
        let call = CallSite {
            range: site.value,
            callee: Callee::Path(vec![variable.clone()]),
            arg_mentions: Mentions::default(),
            arg_ranges: Vec::new(),
            receiver_range: None,
            statement: site.statement,
        };
        return Some((call, ValueExpr::Name(variable.clone())));
    }
    let call = body.calls.iter().find(|call| call.range == site.value)?;
    let value = match &call.callee {
        Callee::Method { receiver, method } => ValueExpr::MethodCall {
            receiver: Box::new(receiver.clone()),
            method: method.clone(),
        },
        Callee::Path(callee) => ValueExpr::Call {
            callee: callee.clone(),
            args: Vec::new(),
        },
    };
    Some((call.clone(), value))
}

/// A request of `library` sent at `call`: `value` is the request being sent (the receiver
/// of the send method, or what is awaited).
fn request(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    library: &HttpLibrary,
    function: FnId,
    call: &CallSite,
    value: &ValueExpr,
    sent_by: SentBy,
) -> Option<DownstreamCall> {
    let is_client = |value: &ValueExpr| {
        external_type(index, function, value, call.range.start)
            .is_some_and(|path| library.client(&path).is_some())
    };
    let (root, methods, starts) = unroll(index, function, value, call, 0, &is_client);
    let context = index.context_of(function);
    // A request one of the library's functions started, on its default client.
    if let ValueExpr::Call { callee, .. } = &root {
        if let Ok(Resolution::External(path)) = index.resolve_path(context.module, callee) {
            if let Some(started) = library
                .request_function(&path)
                .filter(|started| !started.sends)
            {
                return Some(started_by_function(
                    index, knowledge, library, function, call, value, &path, started, &starts,
                ));
            }
        }
    }
    let client_type = match index.type_of_value(context, &root, call.range.start) {
        TypeTarget::External(path) => path,
        TypeTarget::Unknown(reason) => {
            return match sent_by {
                SentBy::Method(_) => unknown_client(library, call, &methods, &reason),
                SentBy::Await => None,
            }
        }
        // `self.request(..).send()`: a request a method of the workspace starts.
        TypeTarget::Local(_) => {
            return match sent_by {
                SentBy::Method(send) => {
                    passed_through(index, knowledge, library, function, call, value, sent_by)
                        .or_else(|| {
                            wrapped::built_elsewhere(
                                index, knowledge, library, function, call, value, &methods, send,
                            )
                        })
                }
                SentBy::Await => None,
            }
        }
    };
    let Some(client) = library.client(&client_type) else {
        // `req_builder.try_clone()?.send()`: a request handed in by the callers.
        if library.is_request_type(&client_type) {
            if let Some(sent) = sent_parameter(
                index,
                knowledge,
                library,
                function,
                call,
                &root,
                &client_type,
                &starts,
            ) {
                return Some(sent);
            }
        }
        return match sent_by {
            SentBy::Method(send) => passed_through(
                index, knowledge, library, function, call, value, sent_by,
            )
            .or_else(|| {
                wrapped::built_elsewhere(
                    index, knowledge, library, function, call, value, &methods, send,
                )
            }),
            SentBy::Await => None,
        };
    };
    let Some(verb) = methods.iter().find_map(|method| library.verb(method)) else {
        // `client.send(request).await`: a request built elsewhere, sent by awaiting.
        return match (sent_by, methods.first()) {
            (SentBy::Await, Some(outermost)) if library.is_execute_method(outermost) => {
                execute(index, knowledge, library, function, call, &root)
            }
            _ => None,
        };
    };
    let chain = chain_calls(index, function, call, &starts);
    let http_method = http_method_of(verb, &chain);
    let mut depends = CallerDecides::default();
    let mut method_unknown = None;
    if http_method.is_none() {
        depends.http_method = verb_call(verb, &chain)
            .and_then(|verb_call| method_parameter(index, function, verb_call));
        method_unknown = Some(wrapped::method_unknown_reason(
            index,
            function,
            &verb.method,
            depends.http_method.as_ref(),
        ));
    }
    let key_in_chain = carries_key_header(knowledge, library, &chain)
        || chain
            .iter()
            .any(|other| mentions_key_name(knowledge, &other.arg_mentions))
        || super::sends_single_use_grant(index, function, &chain);
    let key_assigned = key_assigned_to(index, knowledge, function, value);
    if key_assigned && !key_in_chain {
        depends.key_only_if_given = key_only_if_given(index, knowledge, function, value);
    }
    let has_key = key_in_chain || key_assigned;
    let construction = client_construction(
        index,
        function,
        &root,
        call.range.start,
        client.default_timeout.as_ref().map(fixed_default),
        &library.bounds,
    );
    let bound =
        request_bound(index, knowledge, library, function, &chain).unwrap_or(construction.bound);
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        declared_idempotence: None,
        kind: DownstreamKind::Http {
            method: http_method,
            url_action: None,
        },
        api: format!("{}::{}", client_type.join("::"), verb.method),
        has_key,
        bound,
        retried_by_client: construction.retries,
        depends,
        method_unknown,
        answered_by_lookup: false,
    })
}

/// The bound a timeout set on the request itself (`.timeout(..)` in the chain) gives the
/// call; `None` when the chain sets none, and the client's or the caller's bound holds.
fn request_bound(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    library: &HttpLibrary,
    function: FnId,
    chain: &[&CallSite],
) -> Option<Bound> {
    let (timeout, method) = request_timeout(library, chain)?;
    Some(classify_duration(
        index,
        knowledge,
        function,
        &timeout.arg_mentions,
        timeout.range.start,
        &format!("request `.{method}(..)`"),
    ))
}

/// `send_inner(req_builder, ..)` sending `req_builder.try_clone()?.send()`: a request of
/// the library that the function is given, built by its callers. What it is (its method,
/// key and bound) is theirs: the call depends on the parameter, and each path settles it
/// with the request its caller built ([`crate::facts::CallerDecides::request`]). A timeout
/// or key header added here holds whatever the caller built.
#[allow(clippy::too_many_arguments)]
fn sent_parameter(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    library: &HttpLibrary,
    function: FnId,
    call: &CallSite,
    root: &ValueExpr,
    request_type: &[CompactString],
    starts: &[crate::location::Position],
) -> Option<DownstreamCall> {
    let ValueExpr::Name(name) = root else {
        return None;
    };
    let Some(crate::facts::given::Given::Param(parameter)) = crate::facts::given::given_value(
        index,
        function,
        &[crate::index::Mention::Name(name.clone())],
        call.range.start,
        0,
    ) else {
        return None;
    };
    let chain = chain_calls(index, function, call, starts);
    let function_name = &index.fn_def(function).summary.name;
    let reason = format!(
        "the request is the `{name}` parameter of `{function_name}`, built by a caller not on this path"
    );
    let bound = request_bound(index, knowledge, library, function, &chain)
        .unwrap_or_else(|| Bound::Unknown(reason.clone()));
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        declared_idempotence: None,
        kind: DownstreamKind::Http {
            method: None,
            url_action: None,
        },
        api: format!("{}::{}", request_type.join("::"), sent_method(call)),
        has_key: carries_key_header(knowledge, library, &chain),
        bound,
        retried_by_client: false,
        depends: CallerDecides {
            request: Some(parameter),
            ..CallerDecides::default()
        },
        method_unknown: Some(reason),
        answered_by_lookup: false,
    })
}

fn sent_method(call: &CallSite) -> &str {
    match &call.callee {
        Callee::Method { method, .. } => method.as_str(),
        Callee::Path(path) => path.last().map_or("send", |last| last.as_str()),
    }
}

/// The request a value of the caller is, when it is handed to a helper that sends it
/// (`self.execute(request_builder, ..)`): read as if it were sent where it is handed over.
pub(in crate::facts) fn request_handed_over(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    call: &CallSite,
    value: &ValueExpr,
) -> Option<DownstreamCall> {
    knowledge.http_libraries.iter().find_map(|library| {
        if !is_unsent_request(index, library, function, value, call.range.start) {
            return None;
        }
        let sent_by = library
            .send
            .iter()
            .find_map(|send| match send {
                crate::knowledge::http::Send::Method(name) => Some(SentBy::Method(name)),
                crate::knowledge::http::Send::Await => None,
            })
            .unwrap_or(SentBy::Await);
        request(index, knowledge, library, function, call, value, sent_by)
            .filter(|request| request.depends.request.is_none())
    })
}

/// Whether a value is a request of `library` not yet sent: of a request type, or a chain of
/// methods on one (`self.create_request(..).body(..)`, held in a local), none of which sends.
fn is_unsent_request(
    index: &WorkspaceIndex,
    library: &HttpLibrary,
    function: FnId,
    value: &ValueExpr,
    at: crate::location::Position,
) -> bool {
    let mut current = value;
    let mut at = at;
    if let ValueExpr::Name(name) = value {
        let local = index.fn_def(function).summary.body.local_at(name, at);
        if let Some((init, scope)) =
            local.and_then(|local| Some((local.init.as_ref()?, local.scope)))
        {
            let typed_request = external_type(index, function, value, at)
                .is_some_and(|path| library.is_request_type(&path));
            if !typed_request {
                current = init;
                at = scope.start;
            }
        }
    }
    loop {
        if external_type(index, function, current, at)
            .is_some_and(|path| library.is_request_type(&path))
        {
            return true;
        }
        match current {
            ValueExpr::MethodCall { receiver, method }
                if !library.sends_with(method) && !library.is_execute_method(method) =>
            {
                current = receiver;
            }
            _ => return false,
        }
    }
}

/// A request started by a function of the library (`ureq::post(url)`), on its default
/// client, and sent at `call`.
#[allow(clippy::too_many_arguments)]
fn started_by_function(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    library: &HttpLibrary,
    function: FnId,
    call: &CallSite,
    value: &ValueExpr,
    path: &[CompactString],
    started: &RequestFunction,
    starts: &[crate::location::Position],
) -> DownstreamCall {
    let chain = chain_calls(index, function, call, starts);
    let http_method = started.http_method.clone().or_else(|| {
        chain
            .iter()
            .find(|other| matches!(&other.callee, Callee::Path(_)))
            .and_then(|started_at| http_method_in(&started_at.arg_mentions))
    });
    let has_key = carries_key_header(knowledge, library, &chain)
        || chain
            .iter()
            .any(|other| mentions_key_name(knowledge, &other.arg_mentions))
        || key_assigned_to(index, knowledge, function, value);
    let bound = match request_timeout(library, &chain) {
        Some((timeout, method)) => classify_duration(
            index,
            knowledge,
            function,
            &timeout.arg_mentions,
            timeout.range.start,
            &format!("request `.{method}(..)`"),
        ),
        None => default_client_bound(started),
    };
    DownstreamCall {
        range: call.range,
        statement: call.statement,
        declared_idempotence: None,
        kind: DownstreamKind::Http {
            method: http_method,
            url_action: None,
        },
        api: path.join("::"),
        has_key,
        bound,
        retried_by_client: false,
        depends: Default::default(),
        method_unknown: None,
        answered_by_lookup: false,
    }
}

/// `client.execute(request)`: the method is the one the request was built with.
fn execute(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    library: &HttpLibrary,
    function: FnId,
    call: &CallSite,
    receiver: &ValueExpr,
) -> Option<DownstreamCall> {
    let client_type = external_type(index, function, receiver, call.range.start)?;
    let client = library.client(&client_type)?;
    let Callee::Method {
        method: execute_method,
        ..
    } = &call.callee
    else {
        return None;
    };
    let body = &index.fn_def(function).summary.body;
    let request = call.arg_mentions.names().next();
    // The binding that built the request: a rebinding that only passes it through a helper
    // (`let req = sign(req).await?`) keeps the method of the binding before it.
    let built_with = request.and_then(|name| {
        let mut before = call.range.start;
        let mut found = None;
        while let Some(local) = body
            .locals
            .iter()
            .rev()
            .find(|local| local.name == name && local.scope.start < before)
        {
            found = Some(local);
            let names_a_verb = local
                .init_mentions
                .methods()
                .any(|method| library.verb(method).is_some());
            if names_a_verb
                || !local
                    .init_mentions
                    .names()
                    .any(|mentioned| mentioned == name)
            {
                break;
            }
            before = local.scope.start;
        }
        found
    });
    let http_method = built_with.and_then(|local| {
        let verb = local
            .init_mentions
            .methods()
            .find_map(|method| library.verb(method))?;
        if let Some(http_method) = &verb.http_method {
            return Some(http_method.clone());
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
    let request_timeout = built_with.and_then(|local| {
        local
            .init_mentions
            .methods()
            .find(|method| library.is_timeout_method(method))
    });
    let construction = client_construction(
        index,
        function,
        receiver,
        call.range.start,
        client.default_timeout.as_ref().map(fixed_default),
        &library.bounds,
    );
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        declared_idempotence: None,
        kind: DownstreamKind::Http {
            method: http_method,
            url_action: None,
        },
        api: format!("{}::{execute_method}", client_type.join("::")),
        has_key: built_with.is_some_and(|local| mentions_key_name(knowledge, &local.init_mentions)),
        bound: match request_timeout {
            Some(method) => Bound::fixed(format!("request built with `.{method}(..)`")),
            None => construction.bound,
        },
        retried_by_client: construction.retries,
        depends: Default::default(),
        method_unknown: None,
        answered_by_lookup: false,
    })
}

/// `x.post(url)...send()` on a value whose type is not known: the shape of an HTTP request,
/// reported with an `unknown` bound rather than guessed either way.
fn unknown_client(
    library: &HttpLibrary,
    call: &CallSite,
    methods: &[CompactString],
    reason: &str,
) -> Option<DownstreamCall> {
    // A library's send method takes a body at most (`send()`, `send_json(body)`): a call
    // given more is some other API's (`plugin.call(name, params)` on a plugin a map's
    // `get(name)` returned), not a request sent.
    if argument_count(&call.arg_mentions) > 1 {
        return None;
    }
    let (verb, http_method) = methods.iter().find_map(|method| {
        let verb = library.verb(method)?;
        Some((method, verb.http_method.clone()?))
    })?;
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        declared_idempotence: None,
        kind: DownstreamKind::Http {
            method: Some(http_method),
            url_action: None,
        },
        api: format!("<unknown client>::{verb}"),
        has_key: false,
        bound: Bound::Unknown(format!("what sends this request is not known ({reason})")),
        retried_by_client: false,
        depends: Default::default(),
        method_unknown: None,
        answered_by_lookup: false,
    })
}

/// How many arguments a call's mentions hold (their separators, plus one when any).
fn argument_count(arguments: &Mentions) -> usize {
    if arguments.items.is_empty() {
        return 0;
    }
    1 + arguments
        .items
        .iter()
        .filter(|item| matches!(item, crate::index::Mention::NextArgument))
        .count()
}

/// The HTTP method a verb sends: its own, or the one its call is given
/// (`request(Method::POST, url)`, `request("POST", url)`).
fn http_method_of(verb: &Verb, chain: &[&CallSite]) -> Option<String> {
    if let Some(http_method) = &verb.http_method {
        return Some(http_method.clone());
    }
    verb_call(verb, chain).and_then(|other| http_method_in(&other.arg_mentions))
}

/// The call of the chain that starts the request with `verb`.
fn verb_call<'a>(verb: &Verb, chain: &[&'a CallSite]) -> Option<&'a CallSite> {
    chain
        .iter()
        .find(|other| matches!(&other.callee, Callee::Method { method, .. } if *method == verb.method))
        .copied()
}

/// The HTTP method an argument names: `Method::POST` (as the path's last segment), or a
/// string naming one.
fn http_method_in(arguments: &Mentions) -> Option<String> {
    arguments
        .paths()
        .find_map(|path| path.last().map(|last| last.as_str().to_uppercase()))
        .or_else(|| arguments.literals().find_map(http_method_named))
}

/// A header method of the chain given a literal that names an idempotency key.
fn carries_key_header(knowledge: &Knowledge, library: &HttpLibrary, chain: &[&CallSite]) -> bool {
    chain.iter().any(|other| {
        matches!(&other.callee, Callee::Method { method, .. } if library.is_header_method(method))
            && other
                .arg_mentions
                .literals()
                .any(|literal| knowledge.is_idempotency_key(literal))
    })
}

/// The call of the chain that bounds the request, and its method.
fn request_timeout<'a>(
    library: &HttpLibrary,
    chain: &[&'a CallSite],
) -> Option<(&'a CallSite, &'a str)> {
    chain.iter().find_map(|other| match &other.callee {
        Callee::Method { method, .. } if library.is_timeout_method(method) => {
            Some((*other, method.as_str()))
        }
        _ => None,
    })
}

/// The bound of a request on a library's default client.
fn default_client_bound(started: &RequestFunction) -> Bound {
    match &started.default_timeout {
        Some(default) => fixed_default(default),
        None => Bound::Unbounded(format!(
            "`{}` uses a default client with no timeout",
            started.path.join("::")
        )),
    }
}

fn fixed_default(default: &DefaultTimeout) -> Bound {
    Bound::Fixed {
        what: default.what.clone(),
        ms: default.ms,
    }
}

/// A request whose URL names a delete (`post(format!("{}internal/delete?alias={}", ..))`):
/// the action is recorded, and a `POST` to it is idempotent, as a `DELETE` is
/// ([`crate::knowledge::http::DELETING_URL_ACTIONS`]). The URL is the first argument of the
/// call in the request's statement that starts it with a verb: a literal, a `format!`, or
/// a local holding one.
pub(super) fn read_url_action(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    call: &mut DownstreamCall,
) {
    let DownstreamKind::Http {
        method: http_method,
        url_action,
    } = &mut call.kind
    else {
        return;
    };
    // The verb that starts this request: one sending its method when the method is known
    // (a `.get(..)` on a map in the same statement is not it).
    let starts_request = |method: &str| {
        knowledge.http_libraries.iter().any(|library| {
            library.verb(method).is_some_and(|verb| {
                http_method.is_none()
                    || verb.http_method.is_none()
                    || verb.http_method == *http_method
            })
        })
    };
    let body = &index.fn_def(function).summary.body;
    let verb_call = body.calls.iter().find(|other| {
        call.statement.contains_range(&other.range)
            && matches!(&other.callee, Callee::Method { method, .. } if starts_request(method))
    });
    let Some(action) = verb_call
        .and_then(|verb_call| url_text(index, function, verb_call))
        .and_then(|url| deleting_action(&url).map(str::to_string))
    else {
        return;
    };
    *url_action = Some(action);
}

/// The text of a URL given as a call's first argument: a literal, a `format!` template, or
/// a local initialised with one.
fn url_text(index: &WorkspaceIndex, function: FnId, verb_call: &CallSite) -> Option<String> {
    let body = &index.fn_def(function).summary.body;
    let template_within = |range: &crate::location::TextRange| {
        body.macros
            .iter()
            .find(|used| {
                range.contains_range(&used.range)
                    && !verb_call
                        .receiver_range
                        .is_some_and(|receiver| receiver.contains_range(&used.range))
                    && used.path.last().is_some_and(|last| last == "format")
            })
            .and_then(|used| used.literals.first())
            .map(|text| text.to_string())
    };
    let argument = verb_call.arg_mentions.argument(0);
    if let Some(text) = argument.iter().find_map(|mention| match mention {
        crate::index::Mention::Literal(text) => Some(text.to_string()),
        _ => None,
    }) {
        return Some(text);
    }
    if let Some(text) = template_within(&verb_call.range) {
        return Some(text);
    }
    let name = argument.iter().find_map(|mention| match mention {
        crate::index::Mention::Name(name) => Some(name),
        _ => None,
    })?;
    let local = body.local_at(name, verb_call.range.start)?;
    local
        .init_mentions
        .literals()
        .next()
        .map(str::to_string)
        .or_else(|| local.init_range.as_ref().and_then(template_within))
}
