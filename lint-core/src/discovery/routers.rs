//! Routes built by method chains: axum (`Router::route/nest/merge`), utoipa-axum
//! (`.routes(routes!(a, b))`, the method and path read from each handler's
//! `#[utoipa::path(..)]`), aide (`api_route(path, post_with(h, docs))`,
//! `nest_api_service`), poem (`Route::at/nest`, poem-openapi's `OpenApiService`),
//! actix-web (`App/scope/resource`, `.service(h)`, `.configure(f)`) and rocket
//! (`mount(prefix, routes![..])`), plus the route attributes of actix-web and rocket.
//!
//! A router is a value: it is bound to variables, rebuilt (`router = router.route(..)`),
//! chosen by an `if` (`let routes = if p.is_empty() { routes } else { nest(p, routes) }`),
//! returned by helpers in other modules or crates and nested or merged there. Each
//! function's route statements are evaluated in order, a variable standing for the last
//! statement that built it (or the helper its `let` calls); a statement that a later one
//! uses is part of that one, and the others are what the function serves. A function whose
//! router another function nests, merges or configures is reached only through it, with
//! the prefix of every scope on the way.

use crate::index::{CompactString, RouteStatement};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::attributes::{attribute_crate, external_attribute_path};
use super::{join_route, DiscoveredHandler, HandlerFunction};
use crate::index::{
    union_of_fns, AttrArg, AttrSummary, CallTarget, Callee, CrateId, ExprTree, FnId, Resolution,
    TypeId, WorkspaceIndex,
};
use crate::knowledge::{
    http_method_of, ACTIX, AXUM, DOCUMENTED_METHOD_SUFFIX, HTTP_METHOD_FUNCTIONS, POEM,
    POEM_OPENAPI, ROUTE_ATTRIBUTES, ROUTE_LIST_MACROS, UTOIPA_ROUTES,
};
use crate::location::TextRange;
use crate::vocab::{Framework, Route};

#[derive(Clone, Debug)]
struct RouteHit {
    method: String,
    path: String,
    handler: HandlerFunction,
    framework: Framework,
}

/// Helpers that return routers nest deeper than this only in generated code: the rest is
/// not followed (each level is one frame of the evaluation).
const MAX_ROUTER_NESTING: usize = 48;

/// What a route's path is shown as when the code computes it at run time.
const UNKNOWN_PATH: &str = "{?}";

pub(crate) fn discover(index: &WorkspaceIndex) -> Vec<DiscoveredHandler> {
    let mut evaluator = RouterEvaluator {
        index,
        memo: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        referenced: BTreeSet::new(),
    };
    let router_functions: Vec<FnId> = (0..index.fns.len() as u32)
        .map(FnId)
        .filter(|id| {
            // Whether a body builds routes is not a read: an edit whose verdicts are kept
            // changes no function that does, before or after.
            let def = &index.fns[id.0 as usize];
            !def.summary.is_test && !def.summary.body.route_statements.is_empty()
        })
        .collect();
    for function in &router_functions {
        evaluator.function_routes(*function);
    }
    let mut hits = Vec::new();
    for function in &router_functions {
        if !evaluator.referenced.contains(function) {
            hits.extend(evaluator.function_routes(*function));
        }
    }
    // Attribute-routed functions registered nowhere still answer at their own path.
    let registered: BTreeSet<HandlerFunction> = hits.iter().map(|hit| hit.handler).collect();
    for position in 0..index.fns.len() as u32 {
        let function = FnId(position);
        if index.fn_outline(function).summary.is_test
            || registered.contains(&HandlerFunction::Function(function))
        {
            continue;
        }
        hits.extend(attribute_routes(index, function));
    }
    // A poem-openapi API served by nothing the analysis read still answers at its paths.
    for type_id in openapi_types(index) {
        for hit in openapi_routes(index, type_id) {
            if !registered.contains(&hit.handler) {
                hits.push(hit);
            }
        }
    }
    // A method router whose path the analysis could not tie it to (built in a loop over a
    // list of routes, handed to a function as a value) still routes its handler.
    let registered: BTreeSet<HandlerFunction> = hits.iter().map(|hit| hit.handler).collect();
    // Only a function that calls a method router function (`get(h)`, `post_with(h, ..)`)
    // can hold one: the index lists them, in the order a scan of every function meets them.
    let router_function_names: Vec<String> = HTTP_METHOD_FUNCTIONS
        .iter()
        .flat_map(|(name, _)| {
            [
                name.to_string(),
                format!("{name}{DOCUMENTED_METHOD_SUFFIX}"),
            ]
        })
        .collect();
    let callers: Vec<&[FnId]> = router_function_names
        .iter()
        .map(|name| index.bodies().calling(name))
        .collect();
    for function in union_of_fns(&callers) {
        if !index.fn_outline(function).summary.is_test {
            hits.extend(
                stray_method_routers(index, function)
                    .into_iter()
                    .filter(|hit| !registered.contains(&hit.handler)),
            );
        }
    }
    hits.into_iter()
        .map(|hit| DiscoveredHandler {
            function: hit.handler,
            framework: hit.framework,
            route: Route::Http {
                method: hit.method,
                path: hit.path,
            },
            annotations: Vec::new(),
        })
        .collect()
}

struct RouterEvaluator<'a> {
    index: &'a WorkspaceIndex,
    memo: BTreeMap<FnId, Vec<RouteHit>>,
    in_progress: BTreeSet<FnId>,
    /// Functions whose routes another function mounts: not roots.
    referenced: BTreeSet<FnId>,
}

/// One function's route statements while they are evaluated, in order: each statement's
/// routes once known, for the later statements that use the variable it builds.
struct Statements<'f> {
    function: FnId,
    statements: &'f [RouteStatement],
    values: Vec<Vec<RouteHit>>,
    /// The statements binding each name, in order: a lookup per name, not a scan of the
    /// statements before (a generated router of thousands of statements made it quadratic).
    bindings: HashMap<&'f str, Vec<usize>>,
}

impl<'f> Statements<'f> {
    fn new(function: FnId, statements: &'f [RouteStatement]) -> Self {
        let mut bindings: HashMap<&str, Vec<usize>> = HashMap::new();
        for (position, statement) in statements.iter().enumerate() {
            if let Some(binding) = statement.binding.as_deref() {
                bindings.entry(binding).or_default().push(position);
            }
        }
        Statements {
            function,
            statements,
            values: Vec::with_capacity(statements.len()),
            bindings,
        }
    }

    /// The statement before `before` that last built `name`.
    fn builder_of(&self, name: &str, before: usize) -> Option<usize> {
        let positions = self.bindings.get(name)?;
        let earlier = positions.partition_point(|position| *position < before);
        earlier.checked_sub(1).map(|last| positions[last])
    }
}

impl RouterEvaluator<'_> {
    /// The routes a function's router serves, relative to where it is mounted.
    fn function_routes(&mut self, function: FnId) -> Vec<RouteHit> {
        if let Some(done) = self.memo.get(&function) {
            return done.clone();
        }
        if self.in_progress.len() >= MAX_ROUTER_NESTING || !self.in_progress.insert(function) {
            return Vec::new(); // a cycle of routers mounting each other, or too deep
        }
        let index = self.index;
        let statements = &index.fn_def(function).summary.body.route_statements;
        let mut scope = Statements::new(function, statements);
        // Evaluated in order: a variable refers to an earlier statement, already known.
        let mut used = vec![false; statements.len()];
        for (position, statement) in statements.iter().enumerate() {
            for name in local_names(&statement.expr) {
                if let Some(builder) = scope.builder_of(name, position) {
                    used[builder] = true;
                }
            }
            let value = self.eval_value(&scope, position, &statement.expr);
            scope.values.push(value);
        }
        let hits: Vec<RouteHit> = scope
            .values
            .into_iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .flat_map(|(value, _)| value)
            .collect();
        self.in_progress.remove(&function);
        self.memo.insert(function, hits.clone());
        hits
    }

    /// The routes a router expression holds: its root (a new router, a variable, a helper's
    /// router) and every routing call chained on it.
    fn eval_value(
        &mut self,
        scope: &Statements<'_>,
        statement: usize,
        expr: &ExprTree,
    ) -> Vec<RouteHit> {
        let (root, operations) = flatten_chain(expr);
        let mut prefix = String::new();
        let mut hits = Vec::new();
        match root {
            ExprTree::Call { callee, args, .. } => {
                let last = callee.last().map(CompactString::as_str).unwrap_or_default();
                match (last, args.first()) {
                    ("scope" | "resource", Some(path)) => {
                        prefix = self
                            .path_text(scope, path)
                            .unwrap_or_else(|| UNKNOWN_PATH.to_string())
                    }
                    _ => hits.extend(self.routes_of_call(scope, statement, root)),
                }
            }
            ExprTree::Path { segments, range } if segments.len() == 1 => {
                hits.extend(self.routes_of_variable(scope, statement, &segments[0], *range));
            }
            // rocket's `routes![a, b]`, mounted where it is written or later through the
            // variable or helper that holds it.
            ExprTree::Macro { path, args, .. }
                if path
                    .last()
                    .is_some_and(|last| ROUTE_LIST_MACROS.contains(&last.as_str())) =>
            {
                for routed_handler in args {
                    let ExprTree::Path { segments, .. } = routed_handler else {
                        continue;
                    };
                    if let Some(target) = self.resolve_function(scope.function, segments) {
                        hits.extend(attribute_routes(self.index, target));
                    }
                }
            }
            _ => {}
        }
        for (method, args) in operations {
            match (method, args) {
                ("route" | "at" | "api_route" | "api_route_with", [path, method_router, ..])
                    if !matches!(path, ExprTree::Closure { .. }) =>
                {
                    let path = self
                        .path_text(scope, path)
                        .unwrap_or_else(|| UNKNOWN_PATH.to_string());
                    for (http_method, handler, framework) in
                        self.method_router(scope, statement, method_router)
                    {
                        hits.push(RouteHit {
                            method: http_method,
                            path: path.clone(),
                            handler,
                            framework,
                        });
                    }
                }
                ("route", [method_router]) => {
                    for (http_method, handler, framework) in
                        self.method_router(scope, statement, method_router)
                    {
                        hits.push(RouteHit {
                            method: http_method,
                            path: String::new(),
                            handler,
                            framework,
                        });
                    }
                }
                ("to", [handler]) => {
                    if let Some(handler) = self.handler_ref(scope.function, handler) {
                        hits.push(RouteHit {
                            method: "ANY".to_string(),
                            path: String::new(),
                            handler,
                            framework: ACTIX.framework,
                        });
                    }
                }
                ("routes", [ExprTree::Macro { path, args, .. }])
                    if path
                        .last()
                        .is_some_and(|last| last == UTOIPA_ROUTES.macro_name) =>
                {
                    for handler in args {
                        let ExprTree::Path { segments, .. } = handler else {
                            continue;
                        };
                        if let Some(target) = self.resolve_function(scope.function, segments) {
                            hits.extend(utoipa_routes(self.index, target));
                        }
                    }
                }
                ("nest" | "nest_api_service" | "nest_service", [nest_prefix, inner]) => {
                    // A prefix computed at run time (`nest(settings.path, routes)`) is left
                    // out: the routes keep the paths the code writes.
                    let nest_prefix = self.path_text(scope, nest_prefix).unwrap_or_default();
                    for mut hit in self.eval_value(scope, statement, inner) {
                        hit.path = join_route(&nest_prefix, &hit.path);
                        hits.push(hit);
                    }
                }
                ("merge", [inner]) => hits.extend(self.eval_value(scope, statement, inner)),
                ("service", [ExprTree::Path { segments, .. }]) => {
                    match self.resolve_function(scope.function, segments) {
                        Some(target) => hits.extend(attribute_routes(self.index, target)),
                        None => hits.extend(self.eval_value(scope, statement, &args[0])),
                    }
                }
                ("service", [inner]) => hits.extend(self.eval_value(scope, statement, inner)),
                ("configure", [ExprTree::Path { segments, .. }]) => {
                    if let Some(target) = self.resolve_function(scope.function, segments) {
                        self.referenced.insert(target);
                        hits.extend(self.function_routes(target));
                    }
                }
                // `.configure(|cfg| api::config(cfg, &limits))`, or a closure calling several
                // configuring functions (under an `if`): each one's routes.
                ("configure", [ExprTree::Closure { range }]) => {
                    hits.extend(self.routes_configured_in(scope.function, *range));
                }
                // `mount(prefix, routes![..])`, a variable holding the list, or a helper
                // returning it.
                ("mount", [mount_prefix, routed]) => {
                    let mount_prefix = self.path_text(scope, mount_prefix).unwrap_or_default();
                    for mut hit in self.eval_value(scope, statement, routed) {
                        hit.path = join_route(&mount_prefix, &hit.path);
                        hits.push(hit);
                    }
                }
                _ => {}
            }
        }
        if !prefix.is_empty() {
            for hit in &mut hits {
                hit.path = join_route(&prefix, &hit.path);
            }
        }
        hits
    }

    /// The routes of a router a call builds: a helper of the workspace that returns one
    /// (with the routers given to it: `with_admin(router(&settings))`), or poem-openapi's
    /// `OpenApiService::new(Api, ..)`.
    fn routes_of_call(
        &mut self,
        scope: &Statements<'_>,
        statement: usize,
        call: &ExprTree,
    ) -> Vec<RouteHit> {
        let ExprTree::Call {
            callee,
            range,
            args,
        } = call
        else {
            return Vec::new();
        };
        if ends_with(callee, POEM_OPENAPI.service_constructor) {
            return self.served_openapi(scope.function, Some(*range));
        }
        let mut hits = match self.resolve_function(scope.function, callee) {
            Some(target) => self.routes_of_helper(target),
            None => Vec::new(),
        };
        for arg in args {
            if matches!(arg, ExprTree::Call { .. } | ExprTree::MethodCall { .. }) {
                hits.extend(self.eval_value(scope, statement, arg));
            }
        }
        hits
    }

    /// The routes a `configure` closure registers: those of every workspace function it
    /// calls (`|cfg| api::config(cfg, &limits)`), each reached only through it.
    fn routes_configured_in(&mut self, function: FnId, closure: TextRange) -> Vec<RouteHit> {
        let index = self.index;
        let context = index.context_of(function);
        let mut targets: Vec<FnId> = Vec::new();
        for call in &index.fn_def(function).summary.body.calls {
            if !closure.contains_range(&call.range) {
                continue;
            }
            if let CallTarget::Local(resolved) = index.resolve_call(context, call) {
                targets.extend(resolved);
            }
        }
        targets.sort();
        targets.dedup();
        let mut hits = Vec::new();
        for target in targets {
            let routes = self.function_routes(target);
            if !routes.is_empty() {
                self.referenced.insert(target);
                hits.extend(routes);
            }
        }
        hits
    }

    /// The routes of the router a workspace function returns.
    fn routes_of_helper(&mut self, target: FnId) -> Vec<RouteHit> {
        self.referenced.insert(target);
        let mut hits = self.function_routes(target);
        // A helper that builds the OpenAPI service: `fn api() -> OpenApiService<..>`.
        hits.extend(self.served_openapi(target, None));
        hits
    }

    /// The routes of a variable used as a router: the statement that last built it, or the
    /// helper its `let` calls (`let v1 = v1::router(cfg).with_state(state);`).
    fn routes_of_variable(
        &mut self,
        scope: &Statements<'_>,
        statement: usize,
        name: &str,
        used_at: TextRange,
    ) -> Vec<RouteHit> {
        if let Some(builder) = scope.builder_of(name, statement) {
            return scope.values[builder].clone();
        }
        let index = self.index;
        let body = &index.fn_def(scope.function).summary.body;
        let Some(local) = body.local_at(name, used_at.start) else {
            return Vec::new();
        };
        let Some(init_range) = local.init_range else {
            return Vec::new();
        };
        // The helpers the initialiser calls: the one at the root of its chain, and those
        // whose routers it passes along (`with_admin(router(&settings))`).
        let context = index.context_of(scope.function);
        let mut hits = Vec::new();
        for call in body.calls.iter().filter(|call| {
            init_range.contains_range(&call.range) && matches!(call.callee, Callee::Path(_))
        }) {
            let Callee::Path(callee) = &call.callee else {
                continue;
            };
            if ends_with(callee, POEM_OPENAPI.service_constructor) {
                hits.extend(self.served_openapi(scope.function, Some(call.range)));
                continue;
            }
            if let CallTarget::Local(targets) = index.resolve_call(context, call) {
                if let [target] = targets.as_slice() {
                    hits.extend(self.routes_of_helper(*target));
                }
            }
        }
        hits
    }

    /// The routes of the poem-openapi APIs an `OpenApiService::new((A, B), ..)` call in
    /// `function` serves (the call within `within`, or any).
    fn served_openapi(&self, function: FnId, within: Option<TextRange>) -> Vec<RouteHit> {
        let index = self.index;
        let def = index.fn_def(function);
        let mut hits = Vec::new();
        for call in &def.summary.body.calls {
            let Callee::Path(callee) = &call.callee else {
                continue;
            };
            if !ends_with(callee, POEM_OPENAPI.service_constructor)
                || within.is_some_and(|range| !range.contains_range(&call.range))
            {
                continue;
            }
            let mut served: Vec<TypeId> = Vec::new();
            let named = call
                .arg_mentions
                .names()
                .map(|name| vec![CompactString::from(name)])
                .chain(call.arg_mentions.paths().map(<[CompactString]>::to_vec));
            for path in named {
                served.extend(api_type(index, def.module, &path));
            }
            served.sort();
            served.dedup();
            for type_id in served {
                hits.extend(openapi_routes(index, type_id));
            }
        }
        hits
    }

    /// A path argument as text: a literal, or a local or constant holding one. `None` when
    /// the path is computed at run time.
    fn path_text(&self, scope: &Statements<'_>, expr: &ExprTree) -> Option<String> {
        match expr {
            ExprTree::Str(text) => Some(text.to_string()),
            ExprTree::Path { segments, range } => {
                let index = self.index;
                let def = index.fn_def(scope.function);
                if let [name] = segments.as_slice() {
                    if let Some(local) = def.summary.body.local_at(name, range.start) {
                        return sole_literal(&local.init_mentions);
                    }
                }
                match index.resolve_path(def.module, segments) {
                    Ok(Resolution::Static(module, name)) => index
                        .module(module)
                        .statics
                        .get(&name)
                        .and_then(|item| sole_literal(&item.init_mentions)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn resolve_function(&self, function: FnId, segments: &[CompactString]) -> Option<FnId> {
        let module = self.index.fn_def(function).module;
        match self.index.resolve_path(module, segments) {
            Ok(Resolution::Fn(target)) => Some(target),
            _ => None,
        }
    }

    fn handler_ref(&self, function: FnId, expr: &ExprTree) -> Option<HandlerFunction> {
        match expr {
            ExprTree::Path { segments, .. } => self
                .resolve_function(function, segments)
                .map(HandlerFunction::Function),
            ExprTree::Closure { range } => Some(HandlerFunction::Closure {
                enclosing: function,
                range: *range,
            }),
            // `kv_get.layer(..)`, `kv_set.with_state(..)`: still that handler.
            ExprTree::MethodCall {
                receiver, method, ..
            } if matches!(
                method.as_str(),
                "layer" | "with_state" | "into_service" | "route_layer"
            ) =>
            {
                self.handler_ref(function, receiver)
            }
            _ => None,
        }
    }

    /// The (method, handler) pairs of a method router: `get(a).post(b)` (axum, poem),
    /// `get_with(a, docs)` (aide), `on(MethodFilter::PUT, h)`, `web::post().to(h)`
    /// (actix-web), or a variable holding one.
    fn method_router(
        &self,
        scope: &Statements<'_>,
        statement: usize,
        expr: &ExprTree,
    ) -> Vec<(String, HandlerFunction, Framework)> {
        let function = scope.function;
        let mut out = Vec::new();
        match expr {
            ExprTree::Path { segments, .. } if segments.len() == 1 => {
                if let Some(builder) = scope.builder_of(&segments[0], statement) {
                    out.extend(self.method_router(scope, builder, &scope.statements[builder].expr));
                }
            }
            ExprTree::Call { callee, args, .. } => {
                let last = callee.last().map(CompactString::as_str).unwrap_or_default();
                let framework = self.routing_framework(function, callee);
                match (http_method_of(last), args.as_slice()) {
                    (Some(method), [handler, ..]) => {
                        if let Some(handler) = self.handler_ref(function, handler) {
                            out.push((method.to_string(), handler, framework));
                        }
                    }
                    (None, [ExprTree::Path { segments, .. }, handler, ..])
                        if last == "on" || last == "on_with" =>
                    {
                        let method = segments
                            .last()
                            .map(|segment| segment.as_str().to_uppercase())
                            .unwrap_or_default();
                        if let Some(handler) = self.handler_ref(function, handler) {
                            out.push((method, handler, framework));
                        }
                    }
                    _ => {}
                }
            }
            ExprTree::MethodCall {
                receiver,
                method,
                args,
                ..
            } => match (http_method_of(method), args.as_slice()) {
                (Some(http_method), [handler, ..]) => {
                    out.extend(self.method_router(scope, statement, receiver));
                    let framework = out
                        .first()
                        .map(|(_, _, framework)| *framework)
                        .unwrap_or(AXUM.framework);
                    if let Some(handler) = self.handler_ref(function, handler) {
                        out.push((http_method.to_string(), handler, framework));
                    }
                }
                (None, [handler]) if method == "to" => {
                    if let Some(handler) = self.handler_ref(function, handler) {
                        out.push((actix_method(receiver), handler, ACTIX.framework));
                    }
                }
                (None, [ExprTree::Path { segments, .. }, handler, ..])
                    if method == "on" || method == "on_with" =>
                {
                    out.extend(self.method_router(scope, statement, receiver));
                    if let Some(handler) = self.handler_ref(function, handler) {
                        let http_method = segments
                            .last()
                            .map(|segment| segment.as_str().to_uppercase())
                            .unwrap_or_default();
                        out.push((http_method, handler, AXUM.framework));
                    }
                }
                _ => out.extend(self.method_router(scope, statement, receiver)),
            },
            _ => {}
        }
        out
    }

    /// axum or poem, by where the routing function comes from, or else by what the crate
    /// imports.
    fn routing_framework(&self, function: FnId, callee: &[CompactString]) -> Framework {
        let module = self.index.fn_def(function).module;
        if let Ok(Resolution::External(path)) = self.index.resolve_path(module, callee) {
            if let Some(first) = path.first() {
                for framework in [&AXUM, &POEM, &ACTIX] {
                    if framework.crate_names.contains(&first.as_str()) {
                        return framework.framework;
                    }
                }
            }
        }
        let crate_id = self.index.module(module).crate_id;
        if crate_imports(self.index, crate_id, "poem") {
            POEM.framework
        } else {
            AXUM.framework
        }
    }
}

/// The one string literal an initialiser is made of (`let prefix = "/api";`).
fn sole_literal(mentions: &crate::index::Mentions) -> Option<String> {
    match mentions.items.as_slice() {
        [crate::index::Mention::Literal(text)] => Some(text.to_string()),
        _ => None,
    }
}

fn ends_with(path: &[CompactString], suffix: &[&str]) -> bool {
    path.len() >= suffix.len()
        && path[path.len() - suffix.len()..]
            .iter()
            .zip(suffix)
            .all(|(segment, wanted)| segment == wanted)
}

/// The one-segment names an expression uses anywhere (the variables it reads), walked
/// without recursion.
fn local_names(expr: &ExprTree) -> Vec<&str> {
    let mut names = Vec::new();
    let mut pending = vec![expr];
    while let Some(current) = pending.pop() {
        match current {
            ExprTree::Path { segments, .. } if segments.len() == 1 => {
                names.push(segments[0].as_str())
            }
            ExprTree::Call { args, .. } | ExprTree::Macro { args, .. } => pending.extend(args),
            ExprTree::MethodCall { receiver, args, .. } => {
                pending.push(receiver);
                pending.extend(args);
            }
            _ => {}
        }
    }
    names
}

/// `web::post()` is POST, `web::route().method(Method::PATCH)` is PATCH, else ANY.
fn actix_method(receiver: &ExprTree) -> String {
    match receiver {
        ExprTree::Call { callee, args, .. } if args.is_empty() => {
            let last = callee.last().map(CompactString::as_str).unwrap_or_default();
            http_method_of(last).unwrap_or("ANY").to_string()
        }
        ExprTree::MethodCall {
            method,
            args,
            receiver,
            ..
        } => match (method.as_str(), args.as_slice()) {
            ("method", [ExprTree::Path { segments, .. }]) => segments
                .last()
                .map(|segment| segment.as_str().to_uppercase())
                .unwrap_or_default(),
            _ => actix_method(receiver),
        },
        _ => "ANY".to_string(),
    }
}

/// The root of a method chain and its calls, innermost first.
fn flatten_chain(expr: &ExprTree) -> (&ExprTree, Vec<(&str, &[ExprTree])>) {
    let mut operations = Vec::new();
    let mut current = expr;
    while let ExprTree::MethodCall {
        receiver,
        method,
        args,
        ..
    } = current
    {
        operations.push((method.as_str(), args.as_slice()));
        current = receiver;
    }
    operations.reverse();
    (current, operations)
}

/// Whether any module of the crate imports from `crate_name`.
pub(crate) fn crate_imports(index: &WorkspaceIndex, crate_id: CrateId, crate_name: &str) -> bool {
    index
        .modules
        .iter()
        .filter(|module| module.crate_id == crate_id)
        .any(|module| {
            module
                .uses
                .iter()
                .any(|entry| entry.path.first().is_some_and(|first| first == crate_name))
        })
}

/// The routes a function declares with actix-web or rocket attributes: `#[post("/x")]`,
/// `#[route("/x", method = "GET", method = "HEAD")]`.
fn attribute_routes(index: &WorkspaceIndex, function: FnId) -> Vec<RouteHit> {
    let def = index.fn_outline(function);
    let crate_id = index.module(def.module).crate_id;
    let mut hits = Vec::new();
    for attr in &def.summary.attrs {
        let Some(name) = attr.path.last() else {
            continue;
        };
        let Some(path) = attribute_route_path(attr) else {
            continue;
        };
        let methods: Vec<String> = if name == "route" {
            attr.args
                .iter()
                .filter_map(|arg| match arg {
                    AttrArg::NameValue(key, value) if key == "method" => {
                        Some(value.as_str().to_uppercase())
                    }
                    _ => None,
                })
                .collect()
        } else if ROUTE_ATTRIBUTES.contains(&name.as_str()) {
            vec![name.as_str().to_uppercase()]
        } else {
            continue;
        };
        let framework = match attribute_crate(index, function, attr).as_deref() {
            Some(krate) if ACTIX.crate_names.contains(&krate) => ACTIX.framework,
            Some("rocket") => Framework::Rocket,
            Some(_) => continue,
            None if crate_imports(index, crate_id, "rocket") || path.contains('<') => {
                Framework::Rocket
            }
            None if crate_imports(index, crate_id, "actix_web") => ACTIX.framework,
            None => continue,
        };
        for method in methods {
            hits.push(RouteHit {
                method,
                path: path.to_string(),
                handler: HandlerFunction::Function(function),
                framework,
            });
        }
    }
    hits
}

/// The path a route attribute gives: its first argument, `#[post("/x")]`, or a `path = ".."`
/// argument, which forks of actix-web's macros take as an expression the code computes
/// (`path = "crate::ROUTES.auth.login"`): its route is then unknown, `{?}`.
fn attribute_route_path(attr: &AttrSummary) -> Option<String> {
    match attr.args.first() {
        Some(AttrArg::Literal(path)) => Some(path.to_string()),
        _ => named_argument(attr, "path").map(|path| {
            if path.starts_with('/') {
                path.to_string()
            } else {
                UNKNOWN_PATH.to_string()
            }
        }),
    }
}

/// `get(handler)` calls into a routing crate that no route statement read: the handler is
/// routed, at a path the analysis cannot tell.
fn stray_method_routers(index: &WorkspaceIndex, function: FnId) -> Vec<RouteHit> {
    // What each call names and mentions, and where the function is.
    let def = index.fn_outline(function);
    let mut hits = Vec::new();
    for call in index.fn_calls(function) {
        let Callee::Path(callee) = &call.callee else {
            continue;
        };
        let Some(http_method) = callee.last().and_then(|last| http_method_of(last)) else {
            continue;
        };
        let Ok(Resolution::External(path)) = index.resolve_path(def.module, callee) else {
            continue;
        };
        let Some(framework) = [&AXUM, &POEM].into_iter().find(|framework| {
            path.first()
                .is_some_and(|first| framework.crate_names.contains(&first.as_str()))
        }) else {
            continue;
        };
        // The handler is the first argument: a path or a name.
        let handler = call
            .arg_mentions
            .items
            .iter()
            .find_map(|mention| match mention {
                crate::index::Mention::Name(name) => Some(vec![name.clone()]),
                crate::index::Mention::Path(path) => Some(path.clone()),
                _ => None,
            });
        let Some(Ok(Resolution::Fn(target))) =
            handler.map(|handler| index.resolve_path(def.module, &handler))
        else {
            continue;
        };
        hits.push(RouteHit {
            method: http_method.to_string(),
            path: UNKNOWN_PATH.to_string(),
            handler: HandlerFunction::Function(target),
            framework: framework.framework,
        });
    }
    hits
}

/// The value of `name = ".."` among an attribute's arguments.
fn named_argument<'a>(attr: &'a AttrSummary, name: &str) -> Option<&'a str> {
    attr.args.iter().find_map(|arg| match arg {
        AttrArg::NameValue(key, value) if key == name => Some(value.as_str()),
        _ => None,
    })
}

/// The routes a utoipa-axum handler declares: `#[utoipa::path(put, path = "/x")]`, or
/// `#[utoipa::path(method(get, head), path = "/x", context_path = "/api")]`.
fn utoipa_routes(index: &WorkspaceIndex, function: FnId) -> Vec<RouteHit> {
    let def = index.fn_outline(function);
    let wanted = UTOIPA_ROUTES.attribute;
    let Some(attr) = def.summary.attrs.iter().find(|attr| {
        ends_with(&attr.path, wanted)
            || (attr.path.len() == 1
                && attr.path[0] == wanted[wanted.len() - 1]
                && external_attribute_path(index, function, attr)
                    .is_some_and(|path| ends_with(&path, wanted)))
    }) else {
        return Vec::new();
    };
    let Some(path) = named_argument(attr, UTOIPA_ROUTES.path_argument) else {
        return Vec::new();
    };
    let path = match named_argument(attr, UTOIPA_ROUTES.prefix_argument) {
        Some(prefix) => join_route(prefix, path),
        None => path.to_string(),
    };
    let mut methods: Vec<&str> = attr
        .args
        .iter()
        .filter_map(|arg| match arg {
            AttrArg::Word(word) => http_method_of(word),
            _ => None,
        })
        .collect();
    if let Some(listed) = named_argument(attr, UTOIPA_ROUTES.methods_argument) {
        methods.extend(
            listed
                .split(',')
                .filter_map(|word| http_method_of(word.trim().to_lowercase().as_str())),
        );
    }
    methods
        .into_iter()
        .map(|method| RouteHit {
            method: method.to_string(),
            path: path.clone(),
            handler: HandlerFunction::Function(function),
            framework: AXUM.framework,
        })
        .collect()
}

/// Types with a `#[OpenApi]` impl: poem-openapi APIs.
fn openapi_types(index: &WorkspaceIndex) -> Vec<TypeId> {
    let mut types: Vec<TypeId> = index
        .impls_by_type
        .iter()
        .filter(|(_, impls)| {
            impls
                .iter()
                .any(|impl_id| openapi_attribute(index.impl_def(*impl_id)).is_some())
        })
        .map(|(type_id, _)| *type_id)
        .collect();
    types.sort();
    types
}

fn openapi_attribute(impl_def: &crate::index::ImplDef) -> Option<&AttrSummary> {
    if impl_def.is_test || impl_def.trait_path.is_some() {
        return None;
    }
    impl_def.attrs.iter().find(|attr| {
        attr.path
            .last()
            .is_some_and(|last| last == POEM_OPENAPI.impl_attribute)
    })
}

/// The API type a name in `OpenApiService::new((Api, v2::Api::new(pool)), ..)` stands for.
fn api_type(
    index: &WorkspaceIndex,
    module: crate::index::ModuleId,
    path: &[CompactString],
) -> Option<TypeId> {
    match index.resolve_path(module, path) {
        Ok(Resolution::Type(type_id)) => Some(type_id),
        // `Api::new(pool)`: the type the constructor belongs to.
        Ok(Resolution::Fn(function)) => match index.self_type_of(function) {
            Some(crate::index::TypeTarget::Local(type_id)) => Some(*type_id),
            _ => None,
        },
        _ => None,
    }
}

/// The routes of a poem-openapi API: each `#[oai(path = "/x", method = "post")]` method of
/// its `#[OpenApi(prefix_path = "/v1")]` impls.
fn openapi_routes(index: &WorkspaceIndex, type_id: TypeId) -> Vec<RouteHit> {
    let mut hits = Vec::new();
    for impl_id in index.impls_by_type.get(&type_id).into_iter().flatten() {
        let impl_def = index.impl_def(*impl_id);
        let Some(api) = openapi_attribute(impl_def) else {
            continue;
        };
        let prefix = named_argument(api, POEM_OPENAPI.impl_prefix_argument).unwrap_or_default();
        for method in &impl_def.methods {
            let summary = &index.fn_outline(*method).summary;
            let Some(operation) = summary.attrs.iter().find(|attr| {
                attr.path
                    .last()
                    .is_some_and(|last| last == POEM_OPENAPI.method_attribute)
            }) else {
                continue;
            };
            let Some(path) = named_argument(operation, POEM_OPENAPI.path_argument) else {
                continue;
            };
            for arg in &operation.args {
                let AttrArg::NameValue(key, value) = arg else {
                    continue;
                };
                if key != POEM_OPENAPI.method_argument {
                    continue;
                }
                let Some(http_method) = http_method_of(value.to_lowercase().as_str()) else {
                    continue;
                };
                hits.push(RouteHit {
                    method: http_method.to_string(),
                    path: join_route(prefix, path),
                    handler: HandlerFunction::Function(*method),
                    framework: POEM.framework,
                });
            }
        }
    }
    hits
}
