//! Message consumers: a loop that receives from a kafka consumer, an AMQP consumer or a
//! NATS subscription. The handler is the workspace function the loop hands each message to
//! (a call whose arguments mention a name the loop binds); when the loop processes the
//! message inline, the function holding the loop is the handler.
//!
//! What counts as a consumer is data: each broker's record in `knowledge/brokers/`; a loop
//! over a channel receiver, a `Vec` or a stream of anything else is not a consumer.

use super::{DiscoveredHandler, HandlerFunction};
use crate::index::{
    CallTarget, Callee, FnDef, FnId, LocalBinding, TypeTarget, ValueExpr, WorkspaceIndex,
};
use crate::knowledge::brokers::Broker;
use crate::knowledge::{Knowledge, CONVERSION_TRAITS};
use crate::vocab::{Framework, Route};

pub(crate) fn discover(index: &WorkspaceIndex, knowledge: &Knowledge) -> Vec<DiscoveredHandler> {
    let mut out = Vec::new();
    let receive_methods: Vec<&str> = knowledge
        .brokers
        .iter()
        .flat_map(|broker| &broker.consumer.receive_methods)
        .map(String::as_str)
        .collect();
    for (position, def) in index.fns.iter().enumerate() {
        // Whether a body loops is not a read: an edit whose verdicts are kept changes no
        // function that does, before or after.
        if def.summary.is_test || def.summary.body.loops.is_empty() {
            continue;
        }
        let function = FnId(position as u32);
        // Only a loop that calls a receive method on a variable can consume; asked before
        // the definition is read, as reading it expands the function's macros, and most
        // loops of a large workspace call none.
        if !index.loop_may_call_method(function, &receive_methods) {
            continue;
        }
        // What follows reads the body: noted.
        let def = index.fn_def(function);
        let context = index.context_of(function);
        let body = &def.summary.body;
        for consumer_loop in &body.loops {
            // The receive call inside the loop, on a consumer value.
            let received = body
                .calls
                .iter()
                .filter(|call| consumer_loop.range.contains_range(&call.range))
                .find_map(|call| {
                    let Callee::Method {
                        receiver: ValueExpr::Name(name),
                        method,
                    } = &call.callee
                    else {
                        return None;
                    };
                    // Asked first, as it is cheap: only a method some broker receives with
                    // can be the receive call, whatever the value's type (which
                    // `consumer_of` resolves). Most loops call none.
                    if !knowledge.brokers.iter().any(|broker| {
                        broker
                            .consumer
                            .receive_methods
                            .iter()
                            .any(|known| known == method)
                    }) {
                        return None;
                    }
                    let (broker, topic) =
                        consumer_of(index, knowledge, def, function, name, call.range.start)?;
                    broker
                        .consumer
                        .receive_methods
                        .iter()
                        .any(|known| known == method)
                        .then_some((broker, topic))
                });
            let Some((broker, topic)) = received else {
                continue;
            };
            // The workspace function the loop hands each message to, through a call that
            // mentions a name the loop binds. A call whose result is kept and handed on to
            // another of them only prepares the message (decodes it): the one it is handed
            // to processes it. When one statement hands it to several at once (a cache
            // update and an event callback under `tokio::join!`), each is a handler; a
            // later call (a dead-letter helper on the error path) is the handler's
            // business, not another handler. A call on a value of a generic
            // type bound to a workspace trait (`handler.handle(&msg)` with
            // `H: EventHandler`) resolves to every implementation: each is a handler.
            // The message's names: those the loop binds, and the locals made from them in
            // the loop (`let invoice = decode(&msg)`).
            let mut message_names: Vec<&str> = consumer_loop
                .bound_names
                .iter()
                .map(|name| name.as_str())
                .collect();
            for local in body
                .locals
                .iter()
                .filter(|local| consumer_loop.range.contains(local.scope.start))
            {
                if local
                    .init_mentions
                    .names()
                    .any(|name| message_names.contains(&name))
                    && !message_names.contains(&local.name.as_str())
                {
                    message_names.push(local.name.as_str());
                }
            }
            let taking_message: Vec<_> = body
                .calls
                .iter()
                .filter(|call| consumer_loop.range.contains_range(&call.range))
                .filter(|call| {
                    call.arg_mentions
                        .names()
                        .any(|name| message_names.contains(&name))
                })
                .collect();
            // A call of a workspace function that does I/O (an `async fn`): applying a
            // message does; building a value from it (`AuditEntry::new(..)`) does not.
            let applies = |call: &crate::index::CallSite| {
                matches!(index.resolve_call(context, call), CallTarget::Local(targets)
                    if targets.iter().any(|target| index.fn_outline(*target).summary.is_async))
            };
            let hands_on = |call: &crate::index::CallSite| {
                body.locals.iter().any(|local| {
                    local
                        .init_range
                        .is_some_and(|range| range.contains_range(&call.range))
                        && taking_message.iter().any(|other| {
                            other.range != call.range
                                && !call.range.contains_range(&other.range)
                                && other.arg_mentions.names().any(|name| name == local.name)
                                && applies(other)
                        })
                })
            };
            // Each call's workspace targets, conversions and preparations left out.
            let mut candidates: Vec<(&crate::index::CallSite, Vec<FnId>)> = Vec::new();
            for call in &taking_message {
                let CallTarget::Local(targets) = index.resolve_call(context, call) else {
                    continue;
                };
                let targets: Vec<FnId> = targets
                    .into_iter()
                    .filter(|target| !is_conversion(index, *target))
                    // A generic loop whose only implementations are tests' is still the
                    // library's consumer.
                    .filter(|target| !index.fn_outline(*target).summary.is_test)
                    .collect();
                if !targets.is_empty() && !hands_on(call) {
                    candidates.push((call, targets));
                }
            }
            // Applying a message does I/O: where the loop awaits a workspace function with
            // it, a plain function it also gives it to (a tracing helper reading its
            // headers) is not what applies it.
            let is_async = |target: &FnId| index.fn_outline(*target).summary.is_async;
            if candidates
                .iter()
                .any(|(_, targets)| targets.iter().any(is_async))
            {
                candidates.retain(|(_, targets)| targets.iter().any(is_async));
            }
            // The first call's statement, or the join it is an argument of
            // (`tokio::join!(a(&m), b(&m))`: each argument is a statement of its own).
            let together = candidates.first().map(|(call, _)| {
                body.macros
                    .iter()
                    .filter(|used| {
                        used.path
                            .last()
                            .is_some_and(|name| JOINING_MACROS.contains(&name.as_str()))
                            && used.range.contains_range(&call.range)
                    })
                    .map(|used| used.range)
                    .min_by_key(|range| (range.end.line - range.start.line, range.end.column))
                    .unwrap_or(call.statement)
            });
            let mut handlers: Vec<FnId> = Vec::new();
            for (call, targets) in &candidates {
                if !together.is_some_and(|range| range.contains_range(&call.range)) {
                    break;
                }
                for target in targets {
                    if !handlers.contains(target) {
                        handlers.push(*target);
                    }
                }
            }
            if handlers.is_empty() {
                handlers.push(function);
            }
            for handler in handlers {
                out.push(DiscoveredHandler {
                    function: HandlerFunction::Function(handler),
                    framework: Framework::Consumer,
                    route: Route::Consumer {
                        broker: broker.label.clone(),
                        topic: topic.clone(),
                    },
                    annotations: Vec::new(),
                });
            }
        }
    }
    out
}

/// Macros that run the futures given as arguments together.
const JOINING_MACROS: &[&str] = &["join", "try_join"];

/// A method of an `impl From<..>` (or another conversion trait): it converts the message,
/// it does not process it.
fn is_conversion(index: &WorkspaceIndex, function: FnId) -> bool {
    index.fn_owner(function).is_some_and(|owner| {
        index
            .impl_def(owner)
            .trait_path
            .as_ref()
            .and_then(|path| path.last())
            .is_some_and(|name| CONVERSION_TRAITS.contains(&name.as_str()))
    })
}

/// Whether a local names a consumer, and of which kind and topic.
fn consumer_of<'k>(
    index: &WorkspaceIndex,
    knowledge: &'k Knowledge,
    def: &FnDef,
    function: FnId,
    name: &str,
    at: crate::location::Position,
) -> Option<(&'k Broker, Option<String>)> {
    let body = &def.summary.body;
    let local: Option<&LocalBinding> = body.local_at(name, at);
    // By type: `let consumer: StreamConsumer = ..`, or a parameter or field of that type.
    let type_name = match index.type_of_value(
        index.context_of(function),
        &ValueExpr::Name(name.into()),
        at,
    ) {
        TypeTarget::External(path) => path.last().cloned(),
        _ => None,
    };
    if let Some(type_name) = type_name {
        if let Some(broker) = knowledge.brokers.iter().find(|broker| {
            broker
                .consumer
                .consumer_types
                .iter()
                .any(|known| *known == type_name)
        }) {
            let topic = body.calls.iter().find_map(|call| match &call.callee {
                Callee::Method {
                    receiver: ValueExpr::Name(receiver),
                    method,
                } if receiver == name
                    && broker
                        .consumer
                        .topic_methods
                        .iter()
                        .any(|known| known == method) =>
                {
                    call.arg_mentions.literals().next().map(str::to_string)
                }
                _ => None,
            });
            return Some((broker, topic));
        }
    }
    // By construction: `let sub = client.subscribe("subject").await?`, or a stream taken
    // from another consumer (`let mut stream = consumer.stream()`).
    let local = local?;
    let init_range = local.init_range?;
    match local.init.as_ref()? {
        ValueExpr::MethodCall { receiver, method } => {
            // `consumer.stream().max_messages_per_batch(1).messages()`: settings between
            // the consumer and the method that starts receiving.
            let mut root = receiver.as_ref();
            while let ValueExpr::MethodCall { receiver, .. } = root {
                root = receiver.as_ref();
            }
            if let ValueExpr::Name(inner) = root {
                if inner != name {
                    if let Some(found) =
                        consumer_of(index, knowledge, def, function, inner, local.scope.start)
                    {
                        if found
                            .0
                            .consumer
                            .receive_methods
                            .iter()
                            .any(|known| known == method)
                        {
                            return Some(found);
                        }
                    }
                }
            }
            let broker = knowledge.brokers.iter().find(|broker| {
                broker
                    .consumer
                    .subscribe_methods
                    .iter()
                    .any(|known| known == method)
            })?;
            let topic = body.calls.iter().find_map(|call| match &call.callee {
                Callee::Method { method: called, .. }
                    if called == method && init_range.contains_range(&call.range) =>
                {
                    Some(call.arg_mentions.literals().next().map(str::to_string))
                }
                _ => None,
            });
            Some((broker, topic.flatten()))
        }
        _ => None,
    }
}
