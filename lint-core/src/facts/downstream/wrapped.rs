//! Requests that a helper of the workspace starts and its caller sends:
//! `make_request(Method::POST, url)?.send()`, `self.request(..).send()`. The method, a
//! timeout and a key header are read from the helper, the method from the caller's
//! argument when the helper starts the request with the method it is given.

use super::{http_method_named, mentions_key_name, method_parameter};
use crate::facts::deadlines::client_construction;
use crate::facts::given::{self, Given};
use crate::facts::{Bound, CallerDecides, DownstreamCall, DownstreamKind};
use crate::index::{
    CallSite, CallTarget, Callee, CompactString, FnId, TypeTarget, ValueExpr, WorkspaceIndex,
};
use crate::knowledge::http::HttpLibrary;
use crate::knowledge::Knowledge;

/// The innermost call of the chain sent at `call` that a function of the workspace makes
/// and that returns a request of `library`: `make_request(Method::POST, url)?` in
/// `make_request(..)?.send()`, `self.request(..)` in `self.request(..).send()`, followed
/// into a local the chain starts from. With the type of request it returns.
fn workspace_builder(
    index: &WorkspaceIndex,
    library: &HttpLibrary,
    function: FnId,
    call: &CallSite,
    value: &ValueExpr,
) -> Option<(CallSite, Vec<CompactString>)> {
    let context = index.context_of(function);
    let body = &index.fn_def(function).summary.body;
    let mut current = value;
    let mut within = call.range;
    let mut found = None;
    for _ in 0..16 {
        let callee = match current {
            ValueExpr::MethodCall { receiver, method } => Some(Callee::Method {
                receiver: (**receiver).clone(),
                method: method.clone(),
            }),
            ValueExpr::Call { callee, .. } => Some(Callee::Path(callee.clone())),
            _ => None,
        };
        if let Some(callee) = callee {
            if let TypeTarget::External(path) =
                index.type_of_value(context, current, call.range.start)
            {
                let site = body
                    .calls
                    .iter()
                    .find(|other| other.callee == callee && within.contains_range(&other.range));
                if let Some(site) = site.filter(|site| {
                    library.is_request_type(&path)
                        && matches!(index.resolve_call(context, site), CallTarget::Local(_))
                }) {
                    found = Some((site.clone(), path));
                }
            }
        }
        current = match current {
            ValueExpr::MethodCall { receiver, .. } => receiver,
            ValueExpr::Name(name) => {
                let local = body.local_at(name, within.start)?;
                within = local.init_range?;
                local.init.as_ref()?
            }
            _ => break,
        };
    }
    found
}

/// `make_request(Method::POST, url)?.send()`, `self.request(..).send()`: a request builder
/// returned by a helper of the workspace. The method and a timeout are read from the
/// helper (the method from the caller's argument when the helper starts the request with
/// the method it is given); the client it used is followed where it is visible.
#[allow(clippy::too_many_arguments)]
pub(super) fn built_elsewhere(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    library: &HttpLibrary,
    function: FnId,
    call: &CallSite,
    value: &ValueExpr,
    methods: &[CompactString],
    send: &str,
) -> Option<DownstreamCall> {
    let (helper_call, root_type) = workspace_builder(index, library, function, call, value)?;
    let context = index.context_of(function);
    let CallTarget::Local(helpers) = index.resolve_call(context, &helper_call) else {
        return None;
    };
    let helper = *helpers.first()?;
    let helper_name = &index.fn_def(helper).summary.name;
    let helper_body = &index.fn_def(helper).summary.body;
    let helper_methods: Vec<CompactString> = helper_body
        .calls
        .iter()
        .filter_map(|inner| match &inner.callee {
            Callee::Method { method, .. } => Some(method.clone()),
            Callee::Path(_) => None,
        })
        .chain(methods.iter().cloned())
        .collect();
    // The client the helper builds its request on: `INSTANCE.request(method, url)`.
    let client_call = helper_body
        .calls
        .iter()
        .find_map(|inner| match &inner.callee {
            Callee::Method { receiver, method } if library.verb(method).is_some() => {
                Some((receiver, inner))
            }
            _ => None,
        });
    let mut depends = CallerDecides::default();
    let mut method_unknown = None;
    let http_method = helper_methods
        .iter()
        .find_map(|method| {
            library
                .verb(method)
                .and_then(|verb| verb.http_method.clone())
        })
        .or_else(|| {
            // The helper starts the request with the method it is given.
            let (_, verb_call) = client_call?;
            let verb = match &verb_call.callee {
                Callee::Method { method, .. } => method.as_str(),
                Callee::Path(_) => "request",
            };
            let Some(param) = method_parameter(index, helper, verb_call) else {
                method_unknown = Some(format!(
                    "{} in `{helper_name}`",
                    method_unknown_reason(index, helper, verb, None)
                ));
                return None;
            };
            let given = given::given_arguments(index, function, &helper_call);
            match given::lookup_through(&given, &param) {
                Some(Given::Constant(text)) => http_method_named(&text),
                Some(Given::Param(outer)) => {
                    method_unknown =
                        Some(method_unknown_reason(index, function, verb, Some(&outer)));
                    depends.http_method = Some(outer);
                    None
                }
                _ => {
                    method_unknown = Some(format!(
                        "`{helper_name}` is given an HTTP method that is known only at run time"
                    ));
                    None
                }
            }
        });
    let bound = if let Some(timeout) = helper_methods
        .iter()
        .find(|method| library.is_timeout_method(method))
    {
        Bound::fixed(format!("`.{timeout}(..)` set in `{helper_name}`"))
    } else if let Some((client, inner)) = client_call {
        match client_construction(
            index,
            helper,
            client,
            inner.range.start,
            None,
            &library.bounds,
        )
        .bound
        {
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
    // A key header added by the helper, or on the builder it returns.
    let body = &index.fn_def(function).summary.body;
    let adds_key = |other: &&CallSite| {
        matches!(&other.callee, Callee::Method { method, .. } if library.is_header_method(method))
            && mentions_key_name(knowledge, &other.arg_mentions)
    };
    let key_here = body
        .calls
        .iter()
        .filter(|other| other.statement == call.statement)
        .any(|other| adds_key(&other));
    let key_in_helper = helper_body.calls.iter().any(|other| adds_key(&other));
    // `if let Some(key) = idempotency_key { builder = builder.header(..) }` in the helper:
    // the key is there only when this caller gives one.
    let key_condition = key_in_helper
        .then(|| {
            helper_body.assignments.iter().find_map(|assignment| {
                mentions_key_name(knowledge, &assignment.value).then(|| {
                    super::key_only_if_given(
                        index,
                        knowledge,
                        helper,
                        &ValueExpr::Name(assignment.target.clone()),
                    )
                })?
            })
        })
        .flatten();
    let mut has_key = key_here || key_in_helper;
    if let (Some(condition), false) = (&key_condition, key_here) {
        match given::lookup(
            &given::given_arguments(index, function, &helper_call),
            condition,
        ) {
            Some(Given::Nothing) => has_key = false,
            Some(Given::Param(outer)) => depends.key_only_if_given = Some(outer.clone()),
            _ => {}
        }
    }
    Some(DownstreamCall {
        range: call.range,
        statement: call.statement,
        declared_idempotence: None,
        kind: DownstreamKind::Http {
            method: http_method,
            url_action: None,
        },
        api: format!("{}::{send}", root_type.join("::")),
        has_key,
        bound,
        retried_by_client: false,
        depends,
        method_unknown,
        answered_by_lookup: false,
    })
}

/// Why the method of a request started by `.{verb}(..)` in `function` is not known: a
/// parameter no caller on the path gives as a constant, or a value of run time.
pub(super) fn method_unknown_reason(
    index: &WorkspaceIndex,
    function: FnId,
    verb: &str,
    parameter: Option<&crate::facts::given::ParamRef>,
) -> String {
    let summary = &index.fn_def(function).summary;
    let name = parameter
        .and_then(|parameter| summary.params.get(parameter.position))
        .and_then(|param| param.bindings.first())
        .map(|(name, _)| name.as_str());
    let of_the_request = parameter
        .is_some_and(|parameter| parameter.field.as_deref() == Some(given::REQUEST_METHOD));
    match name {
        Some(param) if of_the_request => format!(
            "the HTTP method is the one the request in `{param}` of `{}` came with (`{param}.method()`), and the handler's route names no single method",
            summary.name
        ),
        Some(param) => format!(
            "the HTTP method is the `{param}` parameter of `{}`, not given as a constant on this path",
            summary.name
        ),
        None => format!("the HTTP method given to `.{verb}(..)` is known only at run time"),
    }
}
