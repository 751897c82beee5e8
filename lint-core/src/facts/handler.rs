//! What a handler's path holds, as the rules and the answers see it: everything reached from
//! it ([`Reach`]), what it knows of its caller's deadline, the promises its annotations
//! make, and the calls on its path that may be I/O the facts could not read.

use super::downstream::http_method_named;
use super::given::{Given, GivenArgument, REQUEST_METHOD};
use super::sql::schema::Schemas;
use super::{reach, FactsCache, Reach};
use crate::discovery::{DiscoveredHandler, HandlerFunction};
use crate::index::{AttrArg, CallTarget, Callee, FnId, WorkspaceIndex};
use crate::knowledge::{
    Knowledge, HTTP_METHOD_TYPES, INCOMING_REQUEST_TYPES, OPAQUE_DOWNSTREAM_METHODS,
    OPAQUE_STORE_METHODS, OPAQUE_STORE_METHODS_WITH_ARGUMENTS,
};
use crate::location::TextRange;
use crate::vocab::{Framework, Route};

/// Everything on one handler's path.
pub struct HandlerPath {
    pub reach: Reach,
    /// The handler can know its caller's deadline: a tonic handler, an HTTP handler that
    /// reads a deadline header, a handler annotated `#[deadline(propagate)]`.
    pub incoming_deadline: bool,
    /// The handler's own budget, from `#[deadline(ms = N)]`.
    pub deadline_ms: Option<u64>,
    /// Where the handler promises `#[deadline(propagate)]`.
    pub propagate_promise: Option<Promise>,
    /// Where the handler declares its budget, `#[deadline(ms = N)]`.
    pub budget_promise: Option<Promise>,
    /// `#[idempotent]` or `#[idempotent(key = ..)]` on the handler.
    pub idempotent_promise: Option<IdempotentPromise>,
    /// Calls that may read or write a store, in a form the facts did not read.
    pub opaque_state: Vec<OpaqueCall>,
    /// Calls that may leave the process, in a form the facts did not read.
    pub opaque_downstream: Vec<OpaqueCall>,
}

/// `#[idempotent(key = "Idempotency-Key")]`: the key the handler promises to dedup on, and
/// whether its path reads it.
#[derive(Clone, Debug)]
pub struct IdempotentPromise {
    pub promise: Promise,
    /// The header, field or message id named by `key = ..`.
    pub key: Option<String>,
    /// The handler's path reads that key (a header, a field, a parameter by that name).
    pub key_read: bool,
}

/// An annotation on a handler: the function it is on and where it is written.
#[derive(Clone, Copy, Debug)]
pub struct Promise {
    pub function: FnId,
    pub attribute: TextRange,
}

/// A call such as `.execute()` or `.send()` that may be I/O but that the facts could not
/// read: the resolver could not follow it, or it goes into a store's crate in a form not
/// read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpaqueCall {
    pub function: FnId,
    pub range: TextRange,
    pub method: String,
    pub why: OpaqueReason,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpaqueReason {
    /// The resolver's reason.
    Unresolved(String),
    /// The external path it reaches, in a store's crate.
    UnreadForm(String),
}

impl HandlerPath {
    /// Follows `handler` through the workspace and gathers what its path holds, entering
    /// at most `step_limit` functions (see [`super::reach::DEFAULT_MAX_PATH_STEPS`]).
    pub fn of(
        index: &WorkspaceIndex,
        knowledge: &Knowledge,
        schemas: &Schemas,
        cache: &mut FactsCache,
        handler: &DiscoveredHandler,
        step_limit: u64,
    ) -> HandlerPath {
        let (root, within) = match handler.function {
            HandlerFunction::Function(id) => (id, None),
            HandlerFunction::Closure { enclosing, range } => (enclosing, Some(range)),
        };
        let given = match handler.function {
            HandlerFunction::Function(_) => given_by_the_route(index, handler, root),
            HandlerFunction::Closure { .. } => Vec::new(),
        };
        let reached = reach(
            index, knowledge, schemas, cache, root, within, step_limit, given,
        );
        let (opaque_state, opaque_downstream) =
            opaque_io(index, knowledge, cache, &reached, within);
        HandlerPath {
            incoming_deadline: incoming_deadline(index, knowledge, handler, root),
            deadline_ms: budget_attribute(index, root).map(|(_, ms)| ms),
            propagate_promise: propagate_promise(index, root),
            budget_promise: budget_attribute(index, root).map(|(attribute, _)| Promise {
                function: root,
                attribute,
            }),
            idempotent_promise: idempotent_promise(index, root, &reached),
            opaque_state,
            opaque_downstream,
            reach: reached,
        }
    }
}

/// What the handler's parameters hold, as far as its path's facts care: the incoming
/// request's HTTP method is the one its route names, for a parameter that is the request
/// (`req: HttpRequest`, read as `req.method()`) or the method itself (`method: Method`).
fn given_by_the_route(
    index: &WorkspaceIndex,
    handler: &DiscoveredHandler,
    root: FnId,
) -> Vec<GivenArgument> {
    let Route::Http { method, .. } = &handler.route else {
        return Vec::new();
    };
    let Some(method) = http_method_named(method) else {
        return Vec::new();
    };
    index
        .fn_def(root)
        .summary
        .params
        .iter()
        .map(|param| {
            let ty = param.ty.last_name().unwrap_or_default();
            if INCOMING_REQUEST_TYPES.contains(&ty) {
                GivenArgument {
                    whole: None,
                    fields: vec![(
                        REQUEST_METHOD.to_string(),
                        Given::RouteMethod(method.clone()),
                    )],
                }
            } else if HTTP_METHOD_TYPES.contains(&ty) {
                GivenArgument {
                    whole: Some(Given::RouteMethod(method.clone())),
                    fields: Vec::new(),
                }
            } else {
                GivenArgument::default()
            }
        })
        .collect()
}

/// Calls on the handler's path that may be I/O the facts did not recognise: a method such
/// as `.execute()` or `.send()` that the resolver could not follow, or that goes into a
/// store's crate (`deadpool_postgres`, `mongodb` …) in a form the analysis does not read;
/// and any call the resolver gave up on at the type-resolution limit, which may be either.
/// Those that may touch a store, then those that may leave the process.
fn opaque_io(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    cache: &mut FactsCache,
    reached: &Reach,
    within: Option<TextRange>,
) -> (Vec<OpaqueCall>, Vec<OpaqueCall>) {
    let mut state = Vec::new();
    let mut downstream = Vec::new();
    for &function in &reached.visited {
        let context = index.context_of(function);
        let out_of_scope = |range: &TextRange| {
            function == reached.visited[0]
                && within.is_some_and(|scope| !scope.contains_range(range))
        };
        let past_limit = &cache.get(index, knowledge, function).past_resolution_limit;
        for call in past_limit.iter().filter(|call| !out_of_scope(&call.range)) {
            state.push(call.clone());
            downstream.push(call.clone());
        }
        let past_limit: Vec<TextRange> = past_limit.iter().map(|call| call.range).collect();
        for call in &index.fn_def(function).summary.body.calls {
            if out_of_scope(&call.range) || past_limit.contains(&call.range) {
                continue;
            }
            let Callee::Method { method, .. } = &call.callee else {
                continue;
            };
            let store_method = OPAQUE_STORE_METHODS.contains(&method.as_str())
                && !(call.arg_ranges.is_empty()
                    && OPAQUE_STORE_METHODS_WITH_ARGUMENTS.contains(&method.as_str()));
            let downstream_method = OPAQUE_DOWNSTREAM_METHODS.contains(&method.as_str());
            if !store_method && !downstream_method {
                continue;
            }
            // Part of a statement the facts read (a query run, a request sent): seen.
            let recognised = reached.accesses.iter().any(|access| {
                access.function == function && access.access.statement.contains_range(&call.range)
            }) || reached.calls.iter().any(|reached| {
                reached.function == function && reached.call.statement.contains_range(&call.range)
            });
            if recognised {
                continue;
            }
            let opaque = |why: OpaqueReason| OpaqueCall {
                function,
                range: call.range,
                method: method.to_string(),
                why,
            };
            match index.resolve_call(context, call) {
                CallTarget::Unresolved(reason) if store_method => {
                    state.push(opaque(OpaqueReason::Unresolved(reason)))
                }
                CallTarget::Unresolved(reason) => {
                    downstream.push(opaque(OpaqueReason::Unresolved(reason)))
                }
                CallTarget::External(path)
                    if store_method
                        && path
                            .first()
                            .is_some_and(|first| knowledge.is_store_crate(first)) =>
                {
                    state.push(opaque(OpaqueReason::UnreadForm(path.join("::"))))
                }
                _ => {}
            }
        }
    }
    (state, downstream)
}

/// `#[deadline(propagate)]` among a function's attributes.
fn promises_propagation(attr: &crate::index::AttrSummary) -> bool {
    attr.path.last().is_some_and(|last| last == "deadline")
        && attr
            .args
            .iter()
            .any(|arg| matches!(arg, AttrArg::Word(word) if word == "propagate"))
}

/// Whether the handler can know its caller's deadline (SPEC §3): a tonic handler, one that
/// promises `#[deadline(propagate)]`, an HTTP handler that reads a deadline header.
/// `#[deadline(ms = N)]` states the handler's own budget instead, within which fixed
/// bounds are fine.
fn incoming_deadline(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    handler: &DiscoveredHandler,
    root: FnId,
) -> bool {
    let summary = &index.fn_def(root).summary;
    if handler.framework == Framework::Tonic || summary.attrs.iter().any(promises_propagation) {
        return true;
    }
    // The header is read in the handler or in a helper it calls (`deadline_of(&headers)`).
    let reads_deadline_header = |function: FnId| {
        index
            .fn_def(function)
            .summary
            .body
            .calls
            .iter()
            .any(|call| {
                call.arg_mentions
                    .literals()
                    .any(|literal| knowledge.is_deadline_header(literal))
            })
    };
    if reads_deadline_header(root) {
        return true;
    }
    let context = index.context_of(root);
    summary
        .body
        .calls
        .iter()
        .any(|call| match index.resolve_call(context, call) {
            CallTarget::Local(targets) => targets.into_iter().any(reads_deadline_header),
            _ => false,
        })
}

/// `#[deadline(propagate)]` on the handler, and where.
fn propagate_promise(index: &WorkspaceIndex, root: FnId) -> Option<Promise> {
    index
        .fn_def(root)
        .summary
        .attrs
        .iter()
        .find(|attr| promises_propagation(attr))
        .map(|attr| Promise {
            function: root,
            attribute: attr.range,
        })
}

/// `#[idempotent]` / `#[idempotent(key = "Idempotency-Key")]` on the handler, and whether
/// the promised key is read on its path: as a header or field name written in a call, a
/// query's bound value, or a parameter.
fn idempotent_promise(
    index: &WorkspaceIndex,
    root: FnId,
    reached: &Reach,
) -> Option<IdempotentPromise> {
    let attr = index
        .fn_def(root)
        .summary
        .attrs
        .iter()
        .find(|attr| attr.path.last().is_some_and(|last| last == "idempotent"))?;
    // `key = "Idempotency-Key"`, `key = field(idempotency_key)`, `key = event_id`.
    let key = attr.args.iter().find_map(|arg| match arg {
        AttrArg::NameValue(name, value) if name == "key" => {
            let value = value.trim();
            let inner = value
                .strip_prefix("field")
                .map(|rest| rest.trim().trim_start_matches('(').trim_end_matches(')'))
                .unwrap_or(value);
            Some(inner.trim().to_string())
        }
        _ => None,
    });
    let key_read = key.as_deref().is_some_and(|key| {
        let mut functions: Vec<FnId> = vec![root];
        functions.extend(reached.accesses.iter().map(|access| access.function));
        functions.extend(reached.calls.iter().map(|call| call.function));
        functions.extend(reached.key_sources.iter().map(|(function, _)| *function));
        functions.sort();
        functions.dedup();
        functions
            .into_iter()
            .any(|function| reads_name(index, function, key))
    });
    Some(IdempotentPromise {
        promise: Promise {
            function: root,
            attribute: attr.range,
        },
        key,
        key_read,
    })
}

fn reads_name(index: &WorkspaceIndex, function: FnId, key: &str) -> bool {
    let summary = &index.fn_def(function).summary;
    let same = |text: &str| text.eq_ignore_ascii_case(key);
    summary
        .params
        .iter()
        .flat_map(|param| param.bindings.iter())
        .any(|(name, _)| same(name))
        || summary.body.calls.iter().any(|call| {
            call.arg_mentions
                .literals()
                .chain(call.arg_mentions.names())
                .any(same)
        })
        || summary
            .body
            .macros
            .iter()
            .any(|used| used.names.iter().any(|name| same(name)))
        || summary
            .body
            .locals
            .iter()
            .any(|local| local.init_mentions.names().any(same))
}

/// `#[deadline(ms = N)]` on the handler: where, and the budget it declares.
fn budget_attribute(index: &WorkspaceIndex, root: FnId) -> Option<(TextRange, u64)> {
    index
        .fn_def(root)
        .summary
        .attrs
        .iter()
        .filter(|attr| attr.path.last().is_some_and(|last| last == "deadline"))
        .find_map(|attr| {
            attr.args.iter().find_map(|arg| match arg {
                AttrArg::NameValue(name, value) if name == "ms" => value
                    .trim()
                    .replace('_', "")
                    .parse()
                    .ok()
                    .map(|ms| (attr.range, ms)),
                _ => None,
            })
        })
}
