//! Routes built by method chains: axum (`Router::route/nest/merge`), poem (`Route::at/nest`),
//! actix-web (`App/scope/resource`, `.service(h)`, `.configure(f)`) and rocket
//! (`mount(prefix, routes![..])`), plus the route attributes of actix-web and rocket.
//!
//! Each function's route statements are evaluated into full routes; a function whose router
//! another function nests, merges or configures is reached only through it, with the prefix
//! of every scope on the way.

use crate::index::CompactString;
use std::collections::{BTreeMap, BTreeSet};

use super::attributes::attribute_crate;
use super::{join_route, DiscoveredHandler, HandlerFunction};
use crate::index::{AttrArg, CrateId, ExprTree, FnId, Resolution, WorkspaceIndex};
use crate::knowledge::{http_method_of, ACTIX, AXUM, POEM, ROUTE_ATTRIBUTES};
use crate::vocab::{Framework, Route};

#[derive(Clone, Debug)]
struct RouteHit {
    method: String,
    path: String,
    handler: HandlerFunction,
    framework: Framework,
}

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
            let def = index.fn_def(*id);
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
        if index.fn_def(function).summary.is_test
            || registered.contains(&HandlerFunction::Function(function))
        {
            continue;
        }
        hits.extend(attribute_routes(index, function));
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

impl RouterEvaluator<'_> {
    /// The routes a function's router serves, relative to where it is mounted.
    fn function_routes(&mut self, function: FnId) -> Vec<RouteHit> {
        if let Some(done) = self.memo.get(&function) {
            return done.clone();
        }
        if !self.in_progress.insert(function) {
            return Vec::new(); // a cycle of routers mounting each other
        }
        let index = self.index;
        let statements = &index.fn_def(function).summary.body.route_statements;
        // A statement bound to a variable that a later statement uses is part of that one.
        let consumed: BTreeSet<usize> = (0..statements.len())
            .filter(|position| {
                let Some(binding) = &statements[*position].binding else {
                    return false;
                };
                statements[position + 1..]
                    .iter()
                    .any(|later| later.expr.mentions_local(binding))
            })
            .collect();
        let mut hits = Vec::new();
        for (position, statement) in statements.iter().enumerate() {
            if !consumed.contains(&position) {
                hits.extend(self.eval_chain(function, position, &statement.expr));
            }
        }
        self.in_progress.remove(&function);
        self.memo.insert(function, hits.clone());
        hits
    }

    fn eval_chain(&mut self, function: FnId, statement: usize, expr: &ExprTree) -> Vec<RouteHit> {
        let index = self.index;
        let (root, operations) = flatten_chain(expr);
        let mut prefix = String::new();
        let mut hits = Vec::new();
        match root {
            ExprTree::Call { callee, args, .. } => {
                let last = callee.last().map(CompactString::as_str).unwrap_or_default();
                match (last, args.first()) {
                    ("scope" | "resource", Some(ExprTree::Str(path))) => prefix = path.to_string(),
                    _ => {
                        if let Some(target) = self.resolve_function(function, callee) {
                            self.referenced.insert(target);
                            hits.extend(self.function_routes(target));
                        }
                    }
                }
            }
            ExprTree::Path { segments, .. } if segments.len() == 1 => {
                let statements = &index.fn_def(function).summary.body.route_statements;
                let earlier = statements[..statement]
                    .iter()
                    .rposition(|earlier| earlier.binding.as_deref() == Some(segments[0].as_str()));
                if let Some(earlier) = earlier {
                    hits.extend(self.eval_chain(function, earlier, &statements[earlier].expr));
                }
            }
            _ => {}
        }
        for (method, args) in operations {
            match (method, args) {
                ("route" | "at", [ExprTree::Str(path), method_router]) => {
                    for (http_method, handler, framework) in
                        self.method_router(function, method_router)
                    {
                        hits.push(RouteHit {
                            method: http_method,
                            path: path.to_string(),
                            handler,
                            framework,
                        });
                    }
                }
                ("route", [method_router]) => {
                    for (http_method, handler, framework) in
                        self.method_router(function, method_router)
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
                    if let Some(handler) = self.handler_ref(function, handler) {
                        hits.push(RouteHit {
                            method: "ANY".to_string(),
                            path: String::new(),
                            handler,
                            framework: ACTIX.framework,
                        });
                    }
                }
                ("nest", [ExprTree::Str(nest_prefix), inner]) => {
                    for mut hit in self.eval_chain(function, statement, inner) {
                        hit.path = join_route(nest_prefix, &hit.path);
                        hits.push(hit);
                    }
                }
                ("merge", [inner]) => hits.extend(self.eval_chain(function, statement, inner)),
                ("service", [ExprTree::Path { segments, .. }]) => {
                    match self.resolve_function(function, segments) {
                        Some(target) => hits.extend(attribute_routes(index, target)),
                        None => hits.extend(self.eval_chain(function, statement, &args[0])),
                    }
                }
                ("service", [inner]) => hits.extend(self.eval_chain(function, statement, inner)),
                ("configure", [ExprTree::Path { segments, .. }]) => {
                    if let Some(target) = self.resolve_function(function, segments) {
                        self.referenced.insert(target);
                        hits.extend(self.function_routes(target));
                    }
                }
                ("mount", [ExprTree::Str(mount_prefix), ExprTree::Macro { args: routed, .. }]) => {
                    for routed_handler in routed {
                        let ExprTree::Path { segments, .. } = routed_handler else {
                            continue;
                        };
                        let Some(target) = self.resolve_function(function, segments) else {
                            continue;
                        };
                        for mut hit in attribute_routes(index, target) {
                            hit.path = join_route(mount_prefix, &hit.path);
                            hits.push(hit);
                        }
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
    /// `on(MethodFilter::PUT, h)`, `web::post().to(h)` (actix-web).
    fn method_router(
        &self,
        function: FnId,
        expr: &ExprTree,
    ) -> Vec<(String, HandlerFunction, Framework)> {
        let mut out = Vec::new();
        match expr {
            ExprTree::Call { callee, args, .. } => {
                let last = callee.last().map(CompactString::as_str).unwrap_or_default();
                let framework = self.routing_framework(function, callee);
                match (http_method_of(last), args.as_slice()) {
                    (Some(method), [handler]) => {
                        if let Some(handler) = self.handler_ref(function, handler) {
                            out.push((method.to_string(), handler, framework));
                        }
                    }
                    (None, [ExprTree::Path { segments, .. }, handler]) if last == "on" => {
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
                (Some(http_method), [handler]) => {
                    out.extend(self.method_router(function, receiver));
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
                (None, [ExprTree::Path { segments, .. }, handler]) if method == "on" => {
                    out.extend(self.method_router(function, receiver));
                    if let Some(handler) = self.handler_ref(function, handler) {
                        let http_method = segments
                            .last()
                            .map(|segment| segment.as_str().to_uppercase())
                            .unwrap_or_default();
                        out.push((http_method, handler, AXUM.framework));
                    }
                }
                _ => out.extend(self.method_router(function, receiver)),
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
    let def = index.fn_def(function);
    let crate_id = index.module(def.module).crate_id;
    let mut hits = Vec::new();
    for attr in &def.summary.attrs {
        let Some(name) = attr.path.last() else {
            continue;
        };
        let Some(AttrArg::Literal(path)) = attr.args.first() else {
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
            Some("actix_web") => ACTIX.framework,
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
