//! Handlers of an in-house framework, as the team's configuration describes it: functions
//! carrying one of its attributes (`#[my_rpc::endpoint("/charge")]`), and handlers
//! registered by one of its routing calls (`app.register("/charge", charge)`).

use super::attributes::external_attribute_path;
use super::{DiscoveredHandler, HandlerFunction};
use crate::index::{AttrArg, CallSite, Callee, FnId, Mention, Resolution, WorkspaceIndex};
use crate::knowledge::Knowledge;
use crate::location::TextRange;
use crate::vocab::{Framework, Route};

pub(crate) fn discover(index: &WorkspaceIndex, knowledge: &Knowledge) -> Vec<DiscoveredHandler> {
    if knowledge.handler_attributes.is_empty() && knowledge.routing_methods.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for position in 0..index.fns.len() as u32 {
        let function = FnId(position);
        if index.fn_outline(function).summary.is_test {
            continue;
        }
        found.extend(attributed(index, knowledge, function));
        found.extend(registered(index, knowledge, function));
    }
    found
}

/// The function itself, when it carries a configured attribute. A literal first argument
/// is its route (`#[endpoint("/charge", method = "POST")]`).
fn attributed(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
) -> Option<DiscoveredHandler> {
    let attr = index
        .fn_outline(function)
        .summary
        .attrs
        .iter()
        .find(|attr| {
            let resolved = external_attribute_path(index, function, attr);
            knowledge.handler_attributes.iter().any(|wanted| {
                *wanted == attr.path || resolved.as_ref().is_some_and(|path| path == wanted)
            })
        })?;
    let route = match attr.args.first() {
        Some(AttrArg::Literal(path)) => Route::Http {
            method: attr
                .args
                .iter()
                .find_map(|arg| match arg {
                    AttrArg::NameValue(name, value) if name == "method" => {
                        Some(value.as_str().to_uppercase())
                    }
                    _ => None,
                })
                .unwrap_or_else(|| "ANY".to_string()),
            path: path.to_string(),
        },
        _ => Route::Annotated,
    };
    Some(DiscoveredHandler {
        function: HandlerFunction::Function(function),
        framework: Framework::Configured,
        route,
        annotations: Vec::new(),
    })
}

/// The handlers `function` registers with a configured routing call: the route is the
/// call's first literal, the handler its last argument naming a workspace function, or a
/// closure written in place.
fn registered(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
) -> Vec<DiscoveredHandler> {
    let routing_methods = &knowledge.routing_methods;
    let is_routing_call = |call: &CallSite| match &call.callee {
        Callee::Method { method, .. } => routing_methods.iter().any(|known| known == method),
        Callee::Path(path) => path
            .last()
            .is_some_and(|last| routing_methods.iter().any(|known| known == last)),
    };
    let mut found = Vec::new();
    // What each call names; a routing call is followed in the definition
    // (`registered_handler`).
    for call in index
        .fn_calls(function)
        .iter()
        .filter(|call| is_routing_call(call))
    {
        let Some(handler) = registered_handler(index, function, call) else {
            continue;
        };
        let route = match call.arg_mentions.literals().next() {
            Some(path) => Route::Http {
                method: "ANY".to_string(),
                path: path.to_string(),
            },
            None => Route::Annotated,
        };
        found.push(DiscoveredHandler {
            function: handler,
            framework: Framework::Configured,
            route,
            annotations: Vec::new(),
        });
    }
    found
}

fn registered_handler(
    index: &WorkspaceIndex,
    function: FnId,
    call: &CallSite,
) -> Option<HandlerFunction> {
    let module = index.fn_def(function).module;
    let named = call.arg_mentions.items.iter().rev().find_map(|mention| {
        let path = match mention {
            Mention::Name(name) => std::slice::from_ref(name),
            Mention::Path(path) => path.as_slice(),
            _ => return None,
        };
        match index.resolve_path(module, path) {
            Ok(Resolution::Fn(target)) => Some(HandlerFunction::Function(target)),
            _ => None,
        }
    });
    if named.is_some() {
        return named;
    }
    // A closure written in place: the last outermost closure inside the call.
    let closures = &index.fn_def(function).summary.body.closures;
    let inside: Vec<&TextRange> = closures
        .iter()
        .filter(|closure| call.range.contains_range(closure))
        .collect();
    inside
        .iter()
        .filter(|closure| {
            !inside
                .iter()
                .any(|other| other != *closure && other.contains_range(closure))
        })
        .max_by_key(|closure| closure.start)
        .map(|closure| HandlerFunction::Closure {
            enclosing: function,
            range: **closure,
        })
}
