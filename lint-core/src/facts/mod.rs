//! Facts: what each function does that the questions care about, taken from its summary and
//! the index, never from the syntax tree.
//!
//! Per function: its downstream calls (HTTP, gRPC, brokers) with their deadline and key,
//! the retries it runs, the `tokio::time::timeout` scopes it opens, and its calls into the
//! workspace. [`reach`] then follows those calls from a handler and gives every fact with
//! the call chain that leads to it.
//!
//! May import: `discovery`, `index`, `knowledge`, `location`, `vocab`.

pub mod contract_files;
mod deadlines;
mod downstream;
mod durations;
pub mod given;
pub mod guards;
mod handler;
mod keys;
mod outcomes;
pub mod proto;
mod reach;
mod retries;
mod served;
pub mod sql;
mod state;
mod ways;

pub use handler::{HandlerPath, IdempotentPromise, OpaqueCall, OpaqueReason, Promise};
pub use keys::KeySource;
pub use outcomes::{ErrorReaction, ReactionKind};
pub use reach::{
    reach, CutCall, FactsCache, GuardRef, Order, Reach, ReachedAccess, ReachedCall, ReachedRetry,
    ReachedTransaction, Step, TransactionId, DEFAULT_MAX_PATH_STEPS, MAX_CALL_DEPTH,
};
pub use state::{
    Access, ArgumentOrigin, Executor, InsertedValues, StateAccess, Store, Transaction, ValueOrigin,
};

use crate::index::{CallTarget, FnId, WorkspaceIndex};
use crate::knowledge::{self, Knowledge};
use crate::location::TextRange;
use given::{Given, GivenArgument, ParamRef};

/// A call that leaves the process and may commit elsewhere.
#[derive(Clone, Debug)]
pub struct DownstreamCall {
    pub range: TextRange,
    /// The statement holding the call: findings point at its first line.
    pub statement: TextRange,
    pub kind: DownstreamKind,
    /// The API called, as written in full: `reqwest::Client::post`.
    pub api: String,
    /// Whether sending it twice is harmless, as the library's record, the team's
    /// configuration or the gRPC contract says; `None` when none says. An HTTP request's
    /// comes from its method instead ([`DownstreamCall::idempotent`]), so it is `None`
    /// for them.
    pub declared_idempotence: Option<bool>,
    /// An idempotency key travels with the call (header, metadata or message field).
    pub has_key: bool,
    pub bound: Bound,
    /// The client retries every request itself (reqwest-retry middleware).
    pub retried_by_client: bool,
    /// What the facts above leave to the function's callers.
    pub depends: CallerDecides,
    /// Why the HTTP method is not known, when it is not: an `unknown` answer says it.
    pub method_unknown: Option<String>,
    /// On this handler's path, a failure of the call is answered by looking up what it
    /// creates by the same identity (a conflict from a retried create, then the lookup):
    /// a retry meets the first attempt's resource and reuses it.
    pub answered_by_lookup: bool,
}

/// Facts of a downstream call that a parameter of its function decides, settled per
/// caller when a handler's path is followed (`given`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallerDecides {
    /// The HTTP method is the parameter's value: `client.request(method, url)` in a
    /// `make_request(method, url)` helper, called with `Method::POST`.
    pub http_method: Option<ParamRef>,
    /// The key is added only when the parameter (or its field) holds a value:
    /// `if let Some(key) = &entry.idempotency_key { request = request.header(..) }`.
    pub key_only_if_given: Option<ParamRef>,
    /// The request sent is the parameter's value, built by the caller: `send_inner(req,
    /// ..)` sending `req.send()`. Its method, key and bound are the caller's request's.
    pub request: Option<ParamRef>,
    /// The HTTP method was settled as the incoming request's, which the handler's route
    /// names (a proxy forwarding the method it was called with).
    pub method_from_route: bool,
}

impl DownstreamCall {
    /// Whether sending it twice is harmless; `None` when the analysis cannot tell. An HTTP
    /// request is by its method (`GET`, `PUT`, `DELETE` …), or when its URL names a
    /// delete (a `POST` to `/files/{id}/purge`); any other call as it was declared.
    pub fn idempotent(&self) -> Option<bool> {
        if self.answered_by_lookup {
            return Some(true);
        }
        match &self.kind {
            DownstreamKind::Http { method, url_action } => method.as_deref().map(|method| {
                knowledge::IDEMPOTENT_HTTP_METHODS.contains(&method) || url_action.is_some()
            }),
            _ => self.declared_idempotence,
        }
    }

    /// The call as a caller that gives `arguments` makes it: a constant HTTP method decides
    /// the method, and an absent key leaves it unkeyed. What the caller does not say leaves
    /// the facts as they are.
    pub fn settled(&self, arguments: &[GivenArgument]) -> DownstreamCall {
        let mut call = self.clone();
        if let Some(param) = &self.depends.http_method {
            let (text, from_route) = match given::lookup(arguments, param) {
                Some(Given::Constant(text)) => (Some(text), false),
                Some(Given::RouteMethod(text)) => (Some(text), true),
                _ => (None, false),
            };
            if let Some(text) = text {
                if let Some(http_method) = downstream::http_method_named(text) {
                    let url_action = match &self.kind {
                        DownstreamKind::Http { url_action, .. } => url_action.clone(),
                        _ => None,
                    };
                    call.kind = DownstreamKind::Http {
                        method: Some(http_method),
                        url_action,
                    };
                    call.depends.http_method = None;
                    call.depends.method_from_route = from_route;
                    call.method_unknown = None;
                }
            }
        }
        if let Some(param) = &self.depends.request {
            if let Some(Given::Request(request)) = given::lookup(arguments, param) {
                call.kind = DownstreamKind::Http {
                    method: request.method.clone(),
                    url_action: request.url_action.clone(),
                };
                call.has_key |= request.has_key;
                // A timeout set where it is sent holds; otherwise the request's own.
                if matches!(call.bound, Bound::Unknown(_)) {
                    call.bound = request.bound.clone();
                }
                call.api = request.api.clone();
                call.method_unknown = request.method_unknown.clone();
                call.retried_by_client |= request.retried_by_client;
                call.depends.request = None;
            }
        }
        if let Some(param) = &self.depends.key_only_if_given {
            match given::lookup(arguments, param) {
                Some(Given::Nothing) => {
                    call.has_key = false;
                    call.depends.key_only_if_given = None;
                }
                Some(Given::Something) => call.depends.key_only_if_given = None,
                _ => {}
            }
        }
        call
    }
}

/// A message built for a gRPC call, and whether one of its fields carries a key from the
/// request (not one made here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestMessage {
    /// As the code names the type: `ChargeRequest`.
    pub type_name: String,
    pub keyed: bool,
    /// Its fields given a value not made here (a parameter, the request's): a field whose
    /// message identifies itself (an `Event` with its `id`) forwards that identity.
    pub given_fields: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DownstreamKind {
    Http {
        method: Option<String>,
        /// The action the URL names when it deletes (`delete` in
        /// `{}internal/delete?alias={}`): a `POST` to it is idempotent, as a `DELETE` is.
        url_action: Option<String>,
    },
    Grpc {
        method: String,
        /// The generated client's type path: the contract of the method is found by it.
        client: Vec<String>,
        /// Struct literals built before the call, the request message among them.
        messages: Vec<RequestMessage>,
        /// A key travels outside any message: in the metadata, or as a key-named argument.
        key_outside_messages: bool,
    },
    Publish {
        label: String,
    },
    /// A method of a client the team declared in its configuration: `my_payments::Client::charge`.
    DeclaredClient {
        api: String,
    },
    /// A call of a library's client that is not an HTTP request as its user writes it: an
    /// e-mail sent over SMTP, an object put in a store.
    Service {
        service: String,
        method: String,
    },
}

impl DownstreamKind {
    pub fn describe(&self) -> String {
        match self {
            DownstreamKind::Http {
                method: Some(method),
                url_action: Some(action),
            } => format!("HTTP {method} to a `{action}` URL"),
            DownstreamKind::Http {
                method: Some(method),
                url_action: None,
            } => format!("HTTP {method}"),
            DownstreamKind::Http { method: None, .. } => "HTTP request".to_string(),
            DownstreamKind::Grpc { method, .. } => format!("gRPC `{method}`"),
            DownstreamKind::Publish { label } => label.clone(),
            DownstreamKind::DeclaredClient { api } => format!("`{api}`"),
            DownstreamKind::Service { service, method } => format!("{service} `{method}`"),
        }
    }
}

/// How long a call may take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bound {
    /// Nothing bounds it; the text says why.
    Unbounded(String),
    /// A constant or configured duration: what it is, and in `ms` how long it lets the call
    /// run, when the facts can tell (a literal `Duration` in sight).
    Fixed {
        what: String,
        ms: Option<u64>,
    },
    /// Derived from the caller's deadline.
    Propagated(String),
    /// The inbound gRPC metadata is copied onto the outgoing request: the callee sees the
    /// original budget, not what remains of it.
    ForwardedMetadata,
    Unknown(String),
}

impl Bound {
    /// A fixed bound whose duration is not known.
    pub fn fixed(what: impl Into<String>) -> Bound {
        Bound::Fixed {
            what: what.into(),
            ms: None,
        }
    }

    /// The stronger of two bounds on the same call: a propagated deadline beats a fixed one,
    /// the shorter of two fixed ones holds, and any bound beats none.
    pub fn strongest(self, other: Bound) -> Bound {
        fn rank(bound: &Bound) -> u8 {
            match bound {
                Bound::Unbounded(_) => 0,
                Bound::Unknown(_) => 1,
                Bound::ForwardedMetadata => 2,
                Bound::Fixed { .. } => 3,
                Bound::Propagated(_) => 4,
            }
        }
        if let (Bound::Fixed { ms: mine, .. }, Bound::Fixed { ms: theirs, .. }) = (&self, &other) {
            return match (*mine, *theirs) {
                (Some(mine), Some(theirs)) if theirs < mine => other,
                (Some(_), Some(_)) | (None, _) => self,
                // The shorter of a known and an unknown duration is unknown.
                (Some(_), None) => match self {
                    Bound::Fixed { what, .. } => Bound::Fixed { what, ms: None },
                    unchanged => unchanged,
                },
            };
        }
        if rank(&other) > rank(&self) {
            other
        } else {
            self
        }
    }
}

/// A `tokio::time::timeout(..)` around part of a function.
#[derive(Clone, Debug)]
pub struct TimeoutScope {
    /// The future it bounds.
    pub covers: TextRange,
    pub bound: Bound,
}

/// A call into the workspace.
#[derive(Clone, Debug)]
pub struct CallEdge {
    pub targets: Vec<FnId>,
    pub range: TextRange,
    pub statement: TextRange,
    /// The variables its arguments name: a transaction passed into a helper shows here.
    pub arg_names: Vec<String>,
    /// Where each argument's value comes from (a fresh id, the request, a parameter).
    pub arguments: Vec<ArgumentOrigin>,
    /// For a method call, where its receiver comes from: the callee's `self`.
    pub receiver: Option<ArgumentOrigin>,
    /// Written `Type::method(receiver, ..)`: the first argument is the callee's `self`.
    pub path_call: bool,
    /// What each argument is where the code says (a constant, `None`, a struct's fields):
    /// it settles the facts of the callee's that depend on its parameters.
    pub given: Vec<GivenArgument>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delay {
    None,
    Constant,
    Growing,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Budget {
    Attempts,
    Elapsed,
    Unbounded,
}

#[derive(Clone, Debug)]
pub struct Retry {
    /// Where findings point: the loop keyword, or the statement that starts the retry.
    pub anchor: TextRange,
    /// The code run on each attempt.
    pub body: TextRange,
    /// `loop`, `for`, `while`, or the library's name.
    pub origin: String,
    pub delay: Delay,
    pub jitter: bool,
    pub budget: Budget,
    /// Retries every error, permanent ones included.
    pub all_errors: bool,
    /// The least time the retry may take before it gives up, from the library's documented
    /// defaults when they are not overridden (backoff: 15 minutes; backon: 1 + 2 + 4 s of
    /// delays); `None` where it cannot be told.
    pub worst_case_ms: Option<u64>,
    /// It waits only for an answer that says "not yet": every pause is under a test of a
    /// pending outcome (`if pending { sleep(POLL_INTERVAL) }`). A poll asks again at the
    /// pace the downstream works at; a constant interval is its design, not a missing
    /// backoff.
    pub polls: bool,
}

/// The facts of one function.
#[derive(Clone, Debug, Default)]
pub struct FunctionFacts {
    pub downstream: Vec<DownstreamCall>,
    pub retries: Vec<Retry>,
    pub timeouts: Vec<TimeoutScope>,
    pub edges: Vec<CallEdge>,
    /// A `sleep` is called here: a helper that pauses between attempts.
    pub sleeps: bool,
    /// Randomness is used here: a helper that adds jitter.
    pub randomises: bool,
    /// Reads and writes of stores.
    pub accesses: Vec<StateAccess>,
    /// Transactions opened here.
    pub transactions: Vec<Transaction>,
    /// What happens when each downstream call fails, where it can be told.
    pub reactions: Vec<ErrorReaction>,
    /// Where an idempotency key or message id is taken from the request.
    pub key_sources: Vec<KeySource>,
    /// The claims (and key lookups) this function makes through its own accesses.
    pub claims: Vec<guards::ClaimSite>,
    /// It hands the outcome of a claim it makes back to its caller.
    pub claim_helper: Option<guards::HelperClaim>,
    /// Calls the resolver gave up on at the type-resolution limit: each may be anything,
    /// a store's query or a request.
    pub past_resolution_limit: Vec<OpaqueCall>,
    /// Branchings whose ways exclude each other in a run: those of two ways or more (a
    /// `match`, an `if` with an `else`) that no loop of the function holds, where each pass
    /// may take another way.
    pub exclusive_branchings: Vec<ExclusiveBranching>,
    /// The code that may run several times in one call of the function: the bodies of its
    /// loops, and the closures an iterator calls once per item. A call there may run
    /// another implementation of its trait each time.
    pub repeated: Vec<TextRange>,
}

/// A branching of two ways or more, by where its tested expression starts, and its ways.
#[derive(Clone, Debug)]
pub struct ExclusiveBranching {
    pub tested: crate::location::Position,
    pub branches: Vec<TextRange>,
}

/// Computes the facts of a function.
pub fn function_facts(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
) -> FunctionFacts {
    let context = index.context_of(function);
    let body = &index.fn_def(function).summary.body;
    let (exclusive_branchings, repeated) = ways::exclusive_ways(body);
    let mut facts = FunctionFacts {
        exclusive_branchings,
        repeated,
        ..FunctionFacts::default()
    };
    let mut resolved = Vec::with_capacity(body.calls.len());
    for call in &body.calls {
        resolved.push(index.resolve_call(context, call));
    }
    // Downstream calls come first: a value one of them returns is the downstream's, which
    // the origins of the arguments handed to helpers must know.
    facts.downstream = downstream::downstream_calls(index, knowledge, function, &resolved);
    for (position, call) in body.calls.iter().enumerate() {
        if let CallTarget::Local(targets) = &resolved[position] {
            facts.edges.push(CallEdge {
                targets: targets.clone(),
                range: call.range,
                statement: call.statement,
                arg_names: call.arg_mentions.names().map(str::to_string).collect(),
                arguments: state::argument_origins(
                    index,
                    knowledge,
                    function,
                    &resolved,
                    &facts.downstream,
                    call,
                ),
                receiver: state::receiver_origin(
                    index,
                    knowledge,
                    function,
                    &resolved,
                    &facts.downstream,
                    call,
                ),
                path_call: matches!(call.callee, crate::index::Callee::Path(_)),
                given: given_with_requests(index, knowledge, function, call),
            });
        }
    }
    facts.timeouts = deadlines::timeout_scopes(index, knowledge, function, &resolved);
    // A declared client wrapper written in the workspace is where the call leaves: what it
    // does inside is not followed, lest its requests count twice.
    facts
        .edges
        .retain(|edge| !facts.downstream.iter().any(|call| call.range == edge.range));
    facts.sleeps = retries::sleeps(&resolved);
    facts.randomises = retries::randomises(body, &resolved);
    facts.retries = retries::retries(index, knowledge, function, &resolved);
    facts
        .retries
        .extend(retries::helper_retries(index, function, &resolved));
    facts.transactions = state::transactions(index, knowledge, function, &resolved);
    facts.accesses = state::state_accesses(
        index,
        knowledge,
        function,
        &resolved,
        &facts.transactions,
        &facts.downstream,
    );
    keys::mark_tables_used_as_keys(&mut facts.accesses, &facts.downstream);
    facts.reactions = outcomes::error_reactions(
        index,
        function,
        &facts.downstream,
        &facts.accesses,
        &facts.edges,
    );
    facts.key_sources = keys::key_sources(index, knowledge, function);
    facts.claims = guards::own_claims(&facts.accesses);
    facts.claim_helper = guards::claim_helper(index, function, &facts.accesses);
    facts.past_resolution_limit = body
        .calls
        .iter()
        .zip(&resolved)
        .filter_map(|(call, target)| match target {
            CallTarget::Unresolved(reason)
                if crate::index::is_past_the_resolution_limit(reason) =>
            {
                let name = match &call.callee {
                    crate::index::Callee::Method { method, .. } => method.to_string(),
                    crate::index::Callee::Path(path) => {
                        path.last().map(ToString::to_string).unwrap_or_default()
                    }
                };
                Some(OpaqueCall {
                    function,
                    range: call.range,
                    method: name,
                    why: OpaqueReason::Unresolved(reason.clone()),
                })
            }
            _ => None,
        })
        .collect();
    facts
}

/// What each argument of a call into the workspace is ([`given::given_arguments`]), and
/// for an argument that is a request being built (`self.execute(request_builder, ..)`),
/// the request it is: the helper that sends it takes its method, key and bound from here.
fn given_with_requests(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    call: &crate::index::CallSite,
) -> Vec<GivenArgument> {
    let mut given = given::given_arguments(index, function, call);
    for (position, argument) in given.iter_mut().enumerate() {
        if argument.whole.is_some() {
            continue;
        }
        let [crate::index::Mention::Name(name)] = call.arg_mentions.argument(position) else {
            continue;
        };
        let value = crate::index::ValueExpr::Name(name.clone());
        if let Some(request) =
            downstream::request_handed_over(index, knowledge, function, call, &value)
        {
            let (method, url_action) = match &request.kind {
                DownstreamKind::Http { method, url_action } => (method.clone(), url_action.clone()),
                _ => (None, None),
            };
            argument.whole = Some(Given::Request(Box::new(given::GivenRequest {
                method,
                url_action,
                has_key: request.has_key,
                bound: request.bound,
                api: request.api,
                method_unknown: request.method_unknown,
                retried_by_client: request.retried_by_client,
            })));
        }
    }
    given
}

#[cfg(test)]
mod tests;
