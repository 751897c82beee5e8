//! Where bounds come from: `tokio::time::timeout` scopes, request and client timeouts, and
//! whether a duration is derived from the caller's deadline or fixed.

use super::durations::{agreed_timeout_ms, built_timeout_ms, first_argument_ms};
use super::{Bound, TimeoutScope};
use crate::index::CompactString;
use crate::index::{
    union_of_fns, CallSite, CallTarget, Callee, FnId, Mentions, TypeTarget, ValueExpr,
    WorkspaceIndex,
};
use crate::knowledge::{
    ClientBounds, Knowledge, CLIENT_CONSTRUCTORS, CLIENT_FINISHERS, DEADLINE_METHODS,
    DEADLINE_NAME_PARTS, LAZY_CLIENT_SETUP, LAZY_INITIALIZERS, TIMEOUT_FUNCTIONS,
};
use crate::location::Position;

pub(super) fn timeout_scopes(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    resolved: &[CallTarget],
) -> Vec<TimeoutScope> {
    let body = &index.fn_def(function).summary.body;
    let mut scopes = Vec::new();
    for (call, target) in body.calls.iter().zip(resolved) {
        let CallTarget::External(path) = target else {
            continue;
        };
        if !TIMEOUT_FUNCTIONS.iter().any(|known| path_is(path, known)) {
            continue;
        }
        let Some(future) = call.arg_ranges.get(1) else {
            continue;
        };
        let bound = classify_duration(
            index,
            knowledge,
            function,
            &first_arg_mentions(call),
            call.range.start,
            "tokio::time::timeout",
        );
        // `timeout_at(deadline, attempts)` where `let attempts = async { .. }`: the future
        // is written where the local is bound.
        let body = &index.fn_def(function).summary.body;
        let future_local = body.locals.iter().rev().find(|local| {
            local.scope.start <= call.range.start
                && local
                    .init_range
                    .is_some_and(|init| !future.contains_range(&init))
                && future.start.line == future.end.line
                && call.arg_mentions.names().any(|name| name == local.name)
        });
        if let Some(init) = future_local.and_then(|local| local.init_range) {
            scopes.push(TimeoutScope {
                covers: init,
                bound: bound.clone(),
            });
        }
        scopes.push(TimeoutScope {
            covers: *future,
            bound,
        });
    }
    scopes
}

pub(super) fn path_is(path: &[CompactString], known: &[&str]) -> bool {
    path.len() == known.len()
        && path
            .iter()
            .zip(known)
            .all(|(segment, expected)| segment == expected)
}

/// What the duration argument mentions. Mentions are recorded for all arguments together:
/// for one-argument calls (`.timeout(d)`, `.set_timeout(d)`) that is exact; for
/// `timeout(d, future)` the future's names are read too, so a future that itself mentions
/// a deadline makes the bound look propagated (a known over-approximation).
pub(super) fn first_arg_mentions(call: &CallSite) -> Mentions {
    call.arg_mentions.clone()
}

/// Whether a duration or instant is derived from the caller's deadline.
pub(super) fn classify_duration(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    mentions: &Mentions,
    at: Position,
    what: &str,
) -> Bound {
    if derives_from_deadline(index, knowledge, function, mentions, at, 0) {
        Bound::Propagated(format!("{what} derived from the incoming deadline"))
    } else {
        Bound::Fixed {
            what: format!("{what} with a fixed duration"),
            ms: first_argument_ms(index, function, mentions, at),
        }
    }
}

fn derives_from_deadline(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    mentions: &Mentions,
    at: Position,
    depth: usize,
) -> bool {
    if depth > 4 {
        return false;
    }
    if mentions.mentions_method(DEADLINE_METHODS) {
        return true;
    }
    if mentions
        .literals()
        .any(|literal| knowledge.is_deadline_header(literal))
    {
        return true;
    }
    let def = index.fn_def(function);
    for name in mentions.names() {
        let lowered = name.to_ascii_lowercase();
        if DEADLINE_NAME_PARTS
            .iter()
            .any(|part| lowered.contains(part))
        {
            return true;
        }
        let local = def
            .summary
            .body
            .locals
            .iter()
            .rev()
            .find(|local| local.name == name && local.scope.start <= at);
        if let Some(local) = local {
            if local
                .declared
                .as_ref()
                .and_then(|ty| ty.last_name())
                .is_some_and(|last| knowledge.is_deadline_type(last))
            {
                return true;
            }
            if derives_from_deadline(
                index,
                knowledge,
                function,
                &local.init_mentions,
                local.scope.start,
                depth + 1,
            ) {
                return true;
            }
            continue;
        }
        let parameter_type = def
            .summary
            .params
            .iter()
            .flat_map(|param| param.bindings.iter())
            .find(|(binding, _)| binding == name);
        if let Some((_, ty)) = parameter_type {
            if ty
                .last_name()
                .is_some_and(|last| knowledge.is_deadline_type(last))
            {
                return true;
            }
        }
    }
    false
}

/// Construction chains longer than this are cut, and the bound is then `unknown`.
const MAX_CONSTRUCTION_DEPTH: usize = 16;
const TOO_FAR: &str = "the client is built too many steps away to follow";

/// Evidence from one branch of a construction: a branch that cannot be followed adds
/// nothing, but one cut by the depth limit makes the whole evidence incomplete, so that a
/// missing timeout is never claimed on partial sight.
fn partial_evidence(evidence: Result<Mentions, String>) -> Result<Mentions, String> {
    match evidence {
        Ok(mentions) => Ok(mentions),
        Err(reason) if reason == TOO_FAR => Err(reason),
        Err(_) => Ok(Mentions::default()),
    }
}

/// How the client a call is made on was built: its bound, and whether it retries by itself.
pub(super) struct ClientConstruction {
    pub bound: Bound,
    pub retries: bool,
}

/// Follows a client value to where it was built: a local's initialiser, a struct literal
/// that set the field (in a constructor elsewhere, or the state built in `main`), a static,
/// a function that returns it.
pub(super) fn client_construction(
    index: &WorkspaceIndex,
    function: FnId,
    client: &ValueExpr,
    at: Position,
    default_bound: Option<Bound>,
    bounds: &ClientBounds,
) -> ClientConstruction {
    let evidence = construction_evidence(index, function, client, at, 0);
    match evidence {
        Err(reason) => ClientConstruction {
            bound: Bound::Unknown(reason),
            retries: false,
        },
        Ok(mentions) => {
            let retries = mentions.paths().any(|path| {
                path.iter()
                    .any(|segment| bounds.is_retrying_middleware(segment))
            }) || mentions
                .names()
                .any(|name| bounds.is_retrying_middleware(name));
            let timeout = mentions
                .methods()
                .find(|method| bounds.is_timeout_method(method));
            let connect_timeout = mentions
                .methods()
                .find(|method| bounds.is_connect_timeout_method(method));
            let bound = if let Some(timeout) = timeout {
                Bound::Fixed {
                    what: format!("client built with `.{timeout}(..)`"),
                    ms: built_timeout_ms(index, function, client, at, bounds)
                        .or_else(|| agreed_timeout_ms(&mentions)),
                }
            } else if let Some(bound) = configured_timeout(&mentions, bounds) {
                bound
            } else if let Some(default) = default_bound {
                default
            } else if !shows_construction(&mentions) {
                // Claim "no timeout" only where the client's construction is in sight.
                Bound::Unknown(
                    "where the client is built is not visible from this call".to_string(),
                )
            } else if let Some(connect_timeout) = connect_timeout {
                Bound::Unbounded(format!(
                    "its client has only a `{connect_timeout}`, which does not bound the request"
                ))
            } else {
                Bound::Unbounded("its client is built without a timeout".to_string())
            };
            ClientConstruction { bound, retries }
        }
    }
}

/// A client configured by key and value: rdkafka's
/// `ClientConfig::new().set("message.timeout.ms", "5000")` bounds each delivery.
fn configured_timeout(mentions: &Mentions, bounds: &ClientBounds) -> Option<Bound> {
    let items = &mentions.items;
    items.iter().enumerate().find_map(|(position, item)| {
        let crate::index::Mention::Literal(key) = item else {
            return None;
        };
        if !bounds.is_timeout_config_key(key) {
            return None;
        }
        let ms = items[position + 1..].iter().find_map(|next| match next {
            crate::index::Mention::Literal(value) => value.trim().parse::<u64>().ok(),
            _ => None,
        });
        Some(Bound::Fixed {
            what: format!("client configured with `{key}`"),
            ms,
        })
    })
}

/// What the expressions that built a value mention, or why they cannot be found.
fn construction_evidence(
    index: &WorkspaceIndex,
    function: FnId,
    value: &ValueExpr,
    at: Position,
    depth: usize,
) -> Result<Mentions, String> {
    if depth > MAX_CONSTRUCTION_DEPTH {
        return Err(TOO_FAR.to_string());
    }
    let def = index.fn_def(function);
    match value {
        ValueExpr::Name(name) => {
            if let Some(local) = def.summary.body.local_at(name, at) {
                let mut mentions = local.init_mentions.clone();
                if let Some(init) = &local.init {
                    mentions.extend(partial_evidence(construction_evidence(
                        index,
                        function,
                        init,
                        local.scope.start,
                        depth + 1,
                    ))?);
                }
                return Ok(mentions);
            }
            if def
                .summary
                .params
                .iter()
                .flat_map(|param| param.bindings.iter())
                .any(|(binding, _)| binding == name)
            {
                let from_callers = parameter_evidence(index, function, name, depth);
                if from_callers.is_ok() {
                    return from_callers;
                }
                // An axum handler's `State(client): State<Client>` comes from the router's
                // `.with_state(client)`, not from a caller.
                let is_state = def.summary.params.iter().any(|param| {
                    param.ty.last_name() == Some("State")
                        && param.bindings.iter().any(|(binding, _)| binding == name)
                });
                if is_state {
                    if let Some(mentions) = router_state_evidence(index, depth) {
                        return Ok(mentions);
                    }
                }
                return from_callers;
            }
            static_evidence(index, function, std::slice::from_ref(name))
        }
        ValueExpr::Path(segments) => static_evidence(index, function, segments),
        ValueExpr::Field(base, field) => {
            let owner = match index.type_of_value(index.context_of(function), base, at) {
                TypeTarget::Local(type_id) => type_id,
                TypeTarget::External(path) => {
                    return Err(format!("the client is a field of `{}`", path.join("::")))
                }
                TypeTarget::Unknown(reason) => return Err(reason),
            };
            let owner_name = index.type_def(owner).summary.name.clone();
            let mut found = None;
            let builders = union_of_fns(&[
                index.bodies().building(&owner_name),
                index.bodies().building("Self"),
            ]);
            for candidate_id in builders {
                // A literal taken is followed in the definition (`construction_evidence`).
                for literal in index.fn_struct_literals(candidate_id) {
                    let names_owner = literal.path.last().is_some_and(|last| *last == owner_name)
                        || (literal.path.len() == 1
                            && literal.path[0] == "Self"
                            && index.self_type_of(candidate_id) == Some(&TypeTarget::Local(owner)));
                    if !names_owner {
                        continue;
                    }
                    let Some(init) = literal.fields.iter().find(|init| init.name == *field) else {
                        continue;
                    };
                    let mut mentions = init.mentions.clone();
                    mentions.extend(partial_evidence(construction_evidence(
                        index,
                        candidate_id,
                        &init.value,
                        init.range.start,
                        depth + 1,
                    ))?);
                    found.get_or_insert_with(Mentions::default).extend(mentions);
                }
            }
            found.ok_or_else(|| {
                format!("no construction of `{owner_name}` setting `{field}` was found")
            })
        }
        ValueExpr::Call { callee, args } => {
            // `RiskClient::new(channel)`: how the arguments were built counts too.
            let mut from_args = Mentions::default();
            for arg in args {
                from_args.extend(partial_evidence(construction_evidence(
                    index,
                    function,
                    arg,
                    at,
                    depth + 1,
                ))?);
            }
            let context = index.context_of(function);
            let site = CallSite {
                range: crate::location::TextRange { start: at, end: at },
                callee: Callee::Path(callee.clone()),
                arg_mentions: Mentions::default(),
                arg_ranges: Vec::new(),
                receiver_range: None,
                statement: crate::location::TextRange { start: at, end: at },
            };
            match index.resolve_call(context, &site) {
                CallTarget::Local(targets) => {
                    let mut mentions = from_args;
                    for target in targets {
                        mentions.extend(function_mentions(index, target));
                    }
                    Ok(mentions)
                }
                CallTarget::External(path) => {
                    let mut mentions = from_args;
                    mentions.items.push(crate::index::Mention::Path(path));
                    Ok(mentions)
                }
                CallTarget::Unresolved(reason) => Err(reason),
                CallTarget::Constructor => Ok(from_args),
            }
        }
        ValueExpr::MethodCall { receiver, method }
            if accessor_field(index, function, receiver, method, at) =>
        {
            // `fn client(&self) -> &Client { &self.client }`: the field it hands out.
            construction_evidence(
                index,
                function,
                &ValueExpr::Field(receiver.clone(), method.clone()),
                at,
                depth + 1,
            )
        }
        ValueExpr::MethodCall { receiver, method } => {
            // `CLIENT.get_or_init(|| ..)`, `client.clone()`, `Client::builder()...build()`.
            let mut mentions = Mentions::default();
            for call in &def.summary.body.calls {
                if let Callee::Method { method: called, .. } = &call.callee {
                    if called == method && call.range.end <= at {
                        mentions.extend(call.arg_mentions.clone());
                    }
                }
            }
            mentions
                .items
                .push(crate::index::Mention::Method(method.clone()));
            // `settings.producer_config().create()`: a method of the workspace that builds
            // the configuration shows what it sets (`message.timeout.ms`).
            let site = CallSite {
                range: crate::location::TextRange { start: at, end: at },
                callee: Callee::Method {
                    receiver: (**receiver).clone(),
                    method: method.clone(),
                },
                arg_mentions: Mentions::default(),
                arg_ranges: Vec::new(),
                receiver_range: None,
                statement: crate::location::TextRange { start: at, end: at },
            };
            if let CallTarget::Local(targets) =
                index.resolve_call(index.context_of(function), &site)
            {
                for target in targets.into_iter().filter(|target| *target != function) {
                    mentions.extend(function_mentions(index, target));
                }
            }
            mentions.extend(partial_evidence(construction_evidence(
                index,
                function,
                receiver,
                at,
                depth + 1,
            ))?);
            Ok(mentions)
        }
        ValueExpr::Tail { value, at } => {
            construction_evidence(index, function, value, *at, depth + 1)
        }
        // What an option or a variant holds was built where the value was.
        ValueExpr::Unwrapped(value) | ValueExpr::VariantField { value, .. } => {
            construction_evidence(index, function, value, at, depth + 1)
        }
        // A client built one of several ways is bounded by what every way sets: only what
        // all of their constructions mention counts.
        ValueExpr::OneOf(ways) => {
            let mut common: Option<Mentions> = None;
            for way in ways {
                let mentions = construction_evidence(index, function, way, at, depth + 1)?;
                common = Some(match common {
                    None => mentions,
                    Some(mut kept) => {
                        kept.items.retain(|item| mentions.items.contains(item));
                        kept
                    }
                });
            }
            common.ok_or_else(|| "the client's construction is not visible".to_string())
        }
        ValueExpr::StructLiteral(_) | ValueExpr::SelfValue | ValueExpr::Unknown => {
            Err("the client's construction is not visible".to_string())
        }
    }
}

fn static_evidence(
    index: &WorkspaceIndex,
    function: FnId,
    segments: &[CompactString],
) -> Result<Mentions, String> {
    let module = index.fn_def(function).module;
    match index.resolve_path(module, segments) {
        Ok(crate::index::Resolution::Static(static_module, name)) => index
            .module(static_module)
            .statics
            .get(&name)
            .map(|item| {
                // A `OnceLock` static is filled by a `get_or_init` call elsewhere: gather
                // what those calls mention too.
                let mut mentions = item.init_mentions.clone();
                // `LazyLock::new(|| builder_helper().build())`: what the helpers it calls
                // set counts too.
                let helpers: Vec<Vec<CompactString>> = item
                    .init_mentions
                    .paths()
                    .map(<[CompactString]>::to_vec)
                    .chain(item.init_mentions.names().map(|name| vec![name.into()]))
                    .collect();
                for helper in helpers {
                    if let Ok(crate::index::Resolution::Fn(target)) =
                        index.resolve_path(static_module, &helper)
                    {
                        mentions.extend(function_mentions(index, target));
                    }
                }
                let initializers: Vec<&[FnId]> = LAZY_INITIALIZERS
                    .iter()
                    .map(|method| index.bodies().calling(method))
                    .collect();
                for candidate in union_of_fns(&initializers) {
                    for call in index.fn_calls(candidate) {
                        if let Callee::Method { method, .. } = &call.callee {
                            if LAZY_INITIALIZERS.contains(&method.as_str())
                                && call
                                    .arg_mentions
                                    .methods()
                                    .any(|m| LAZY_CLIENT_SETUP.contains(&m))
                            {
                                mentions.extend(call.arg_mentions.clone());
                            }
                        }
                    }
                }
                mentions
            })
            .ok_or_else(|| format!("static `{name}` not found")),
        Ok(_) => Err(format!("`{}` is not a static", segments.join("::"))),
        Err(reason) => Err(reason),
    }
}

/// Everything a function's body mentions in its calls: how a constructor built its value.
fn function_mentions(index: &WorkspaceIndex, function: FnId) -> Mentions {
    function_mentions_at(index, function, 0)
}

/// What a function's calls mention, and those of the workspace functions it calls, two
/// levels down (`build()` calling `make_builder()` that sets the timeout).
fn function_mentions_at(index: &WorkspaceIndex, function: FnId, depth: usize) -> Mentions {
    let mut mentions = Mentions::default();
    let context = index.context_of(function);
    for call in &index.fn_def(function).summary.body.calls {
        match &call.callee {
            Callee::Method { method, .. } => mentions
                .items
                .push(crate::index::Mention::Method(method.clone())),
            Callee::Path(path) => mentions
                .items
                .push(crate::index::Mention::Path(path.clone())),
        }
        mentions.extend(call.arg_mentions.clone());
        if depth < 2 {
            if let CallTarget::Local(targets) = index.resolve_call(context, call) {
                for target in targets.into_iter().filter(|target| *target != function) {
                    mentions.extend(function_mentions_at(index, target, depth + 1));
                }
            }
        }
    }
    mentions
}

/// Whether `receiver.method()` reads a field of the same name: an accessor.
fn accessor_field(
    index: &WorkspaceIndex,
    function: FnId,
    receiver: &ValueExpr,
    method: &str,
    at: Position,
) -> bool {
    match index.type_of_value(index.context_of(function), receiver, at) {
        TypeTarget::Local(type_id) => {
            let def = index.type_def(type_id);
            def.summary.fields.iter().any(|(name, _)| name == method)
                && !index
                    .methods_named(&TypeTarget::Local(type_id), method)
                    .is_empty()
        }
        _ => false,
    }
}

/// A client handed in as a parameter: how the callers built what they pass under the same
/// name (`Api::new(inventory, ..)` called with the local `inventory`).
fn parameter_evidence(
    index: &WorkspaceIndex,
    function: FnId,
    name: &str,
    depth: usize,
) -> Result<Mentions, String> {
    let callee_name = &index.fn_def(function).summary.name;
    let mut found: Option<Mentions> = None;
    for &caller_id in index.bodies().calling(callee_name) {
        // A test's client is not the one the service runs with.
        let caller = index.fn_outline(caller_id);
        if caller.summary.is_test || index.module(caller.module).is_test {
            continue;
        }
        // A call taken is followed in the caller's definition (`construction_evidence`).
        for call in index.fn_calls(caller_id) {
            let names_callee = match &call.callee {
                Callee::Path(path) => path.last() == Some(callee_name),
                Callee::Method { method, .. } => method == callee_name,
            };
            if !names_callee {
                continue;
            }
            let calls_function = || matches!(index.resolve_call(index.context_of(caller_id), call), CallTarget::Local(targets) if targets.contains(&function));
            // A path resolves without reading the caller's body: asked first, so that the
            // callers of another function of the same name are not read (the language
            // server judges again what read a function an edit changed).
            let is_path = matches!(call.callee, Callee::Path(_));
            if is_path && !calls_function() {
                continue;
            }
            // The caller's value for the parameter: the argument at the parameter's place
            // when it is more than a name (`load(&self.client)`, `Self::new(Client::new(
            // service))` for `fn new(client: Client)`), or else its own value of the same
            // name.
            let positional = positional_argument(index, function, caller_id, call, name);
            let given = match positional {
                Some(ValueExpr::Name(_)) | None
                    if call.arg_mentions.names().any(|argument| argument == name) =>
                {
                    Some(ValueExpr::Name(name.into()))
                }
                other => other,
            };
            let Some(given) = given else {
                continue;
            };
            if !is_path && !calls_function() {
                continue;
            }
            if let Ok(mentions) =
                construction_evidence(index, caller_id, &given, call.range.start, depth + 1)
            {
                found.get_or_insert_with(Mentions::default).extend(mentions);
            }
        }
    }
    found.ok_or_else(|| format!("the client arrives as the parameter `{name}`, and no caller's argument of that name shows how it was built"))
}

/// The value a call gives for the parameter `name` of `function`, read from the argument
/// at its place (`service` in `Client::new(service.clone())`).
fn positional_argument(
    index: &WorkspaceIndex,
    function: FnId,
    caller: FnId,
    call: &CallSite,
    name: &str,
) -> Option<ValueExpr> {
    let position = super::given::param_position(index, function, name)?;
    // `Type::method(&value, ..)` gives the receiver as the first argument.
    let receiver_first =
        matches!(call.callee, Callee::Path(_)) && index.fn_def(function).summary.has_self;
    let argument = position + usize::from(receiver_first);
    super::given::argument_value(index, caller, call, argument)
}

/// Whether the evidence contains the construction itself: `Client::new()`, a builder
/// finished with `.build()`, an `Endpoint` connected, a producer created.
fn shows_construction(mentions: &Mentions) -> bool {
    let constructor_path = mentions.paths().any(|path| {
        path.len() >= 2
            && path
                .last()
                .is_some_and(|last| CLIENT_CONSTRUCTORS.contains(&last.as_str()))
    });
    let finisher = mentions.mentions_method(CLIENT_FINISHERS);
    constructor_path || finisher
}

/// How the values given to routers with `.with_state(value)` were built, across the
/// workspace: the source of axum `State<T>` parameters that are the client itself.
fn router_state_evidence(index: &WorkspaceIndex, depth: usize) -> Option<Mentions> {
    use crate::index::ExprTree;
    fn with_state_args<'a>(expr: &'a ExprTree, out: &mut Vec<&'a ExprTree>) {
        match expr {
            ExprTree::MethodCall {
                receiver,
                method,
                args,
                ..
            } => {
                if method == "with_state" {
                    out.extend(args.iter());
                }
                with_state_args(receiver, out);
                args.iter().for_each(|arg| with_state_args(arg, out));
            }
            ExprTree::Call { args, .. } | ExprTree::Macro { args, .. } => {
                args.iter().for_each(|arg| with_state_args(arg, out))
            }
            _ => {}
        }
    }
    let mut found: Option<Mentions> = None;
    for &function in index.bodies().route_builders() {
        for statement in &index.fn_def(function).summary.body.route_statements {
            let mut args = Vec::new();
            with_state_args(&statement.expr, &mut args);
            for arg in args {
                // `with_state(client)`, `with_state(client.clone())`, `with_state(make())`.
                let value = match arg {
                    ExprTree::Path { segments, range } if segments.len() == 1 => {
                        Some((ValueExpr::Name(segments[0].clone()), range.start))
                    }
                    ExprTree::MethodCall {
                        receiver,
                        method,
                        range,
                        ..
                    } if method == "clone" => match receiver.as_ref() {
                        ExprTree::Path { segments, .. } if segments.len() == 1 => {
                            Some((ValueExpr::Name(segments[0].clone()), range.start))
                        }
                        _ => None,
                    },
                    ExprTree::Call { callee, range, .. } => Some((
                        ValueExpr::Call {
                            callee: callee.clone(),
                            args: Vec::new(),
                        },
                        range.start,
                    )),
                    _ => None,
                };
                let Some((value, at)) = value else { continue };
                if let Ok(mentions) = construction_evidence(index, function, &value, at, depth + 1)
                {
                    found.get_or_insert_with(Mentions::default).extend(mentions);
                }
            }
        }
    }
    found
}
