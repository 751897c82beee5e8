//! warp: filter chains ending in `.and_then(h)` or `.map(h)`, with the path from
//! `warp::path("x")`/`warp::path!("a" / u64)` and the method from `warp::get()` and the
//! like; `.or(..)` joins alternatives. A `.map` on a filter with neither path nor method
//! (`warp::any().map(move || db.clone())`) injects a value and is not a handler.

use super::{DiscoveredHandler, HandlerFunction};
use crate::index::CompactString;
use std::collections::{HashMap, HashSet};

use crate::index::{ExprTree, FnId, Resolution, RouteStatement, WorkspaceIndex};
use crate::knowledge::http_method_of;
use crate::vocab::{Framework, Route};

#[derive(Default)]
struct Filter {
    segments: Vec<String>,
    method: Option<String>,
    hits: Vec<(String, String, HandlerFunction)>,
}

pub(crate) fn discover(index: &WorkspaceIndex) -> Vec<DiscoveredHandler> {
    let mut out = Vec::new();
    for (position, def) in index.fns.iter().enumerate() {
        if def.summary.is_test {
            continue;
        }
        let function = FnId(position as u32);
        let statements = &def.summary.body.route_statements;
        let rooted = warp_rooted(statements);
        // A filter kept in a variable that a later warp statement uses is part of that
        // statement's routes, not routes of its own: the names the later statements use,
        // gathered from the last one back, once each.
        let mut used_later: HashSet<&str> = HashSet::new();
        let mut consumed = vec![false; statements.len()];
        for (statement_position, statement) in statements.iter().enumerate().rev() {
            consumed[statement_position] = statement
                .binding
                .as_deref()
                .is_some_and(|binding| used_later.contains(binding));
            if rooted[statement_position] {
                local_names(&statement.expr, &mut used_later);
            }
        }
        for (statement_position, statement) in statements.iter().enumerate() {
            if !rooted[statement_position] || consumed[statement_position] {
                continue;
            }
            let filter = eval(index, function, statement_position, &statement.expr, 0);
            for (method, path, handler) in filter.hits {
                out.push(DiscoveredHandler {
                    function: handler,
                    framework: Framework::Warp,
                    route: Route::Http { method, path },
                    annotations: Vec::new(),
                });
            }
        }
    }
    out
}

fn is_warp_path(segments: &[CompactString]) -> bool {
    segments.first().is_some_and(|first| first == "warp")
}

/// Whether each statement is a warp filter chain: rooted at `warp::..`, or at a variable
/// the last statement before it binding that name made one. In order, each statement from
/// what is known of the earlier ones.
fn warp_rooted(statements: &[RouteStatement]) -> Vec<bool> {
    let mut rooted = Vec::with_capacity(statements.len());
    let mut rooted_bindings: HashMap<&str, bool> = HashMap::new();
    for statement in statements {
        let mut current = &statement.expr;
        while let ExprTree::MethodCall { receiver, .. } = current {
            current = receiver;
        }
        let is_rooted = match current {
            ExprTree::Call { callee, .. } => is_warp_path(callee),
            ExprTree::Macro { path, .. } => is_warp_path(path),
            ExprTree::Path { segments, .. } if segments.len() == 1 => rooted_bindings
                .get(segments[0].as_str())
                .copied()
                .unwrap_or(false),
            _ => false,
        };
        if let Some(binding) = statement.binding.as_deref() {
            rooted_bindings.insert(binding, is_rooted);
        }
        rooted.push(is_rooted);
    }
    rooted
}

/// The locals (one-segment paths) an expression uses, anywhere in it. Iterative: a filter
/// chain is as long as the code makes it.
fn local_names<'e>(expr: &'e ExprTree, names: &mut HashSet<&'e str>) {
    let mut pending = vec![expr];
    while let Some(expr) = pending.pop() {
        match expr {
            ExprTree::Path { segments, .. } if segments.len() == 1 => {
                names.insert(segments[0].as_str());
            }
            ExprTree::Call { args, .. } | ExprTree::Macro { args, .. } => pending.extend(args),
            ExprTree::MethodCall { receiver, args, .. } => {
                pending.push(receiver);
                pending.extend(args);
            }
            _ => {}
        }
    }
}

/// Evaluates a filter expression: its path segments, method, and the routes it serves.
fn eval(
    index: &WorkspaceIndex,
    function: FnId,
    statement: usize,
    expr: &ExprTree,
    depth: usize,
) -> Filter {
    let mut filter = Filter::default();
    if depth > 32 {
        return filter;
    }
    match expr {
        ExprTree::Call { callee, args, .. } if is_warp_path(callee) => {
            let last = callee.last().map(CompactString::as_str).unwrap_or_default();
            match (last, args.as_slice()) {
                ("path", [ExprTree::Str(segment)]) => filter.segments.push(segment.to_string()),
                ("param", []) => filter.segments.push("{param}".to_string()),
                (name, []) if callee.len() == 2 => {
                    filter.method = http_method_of(name)
                        .filter(|m| *m != "ANY")
                        .map(str::to_string)
                }
                _ => {}
            }
        }
        ExprTree::Macro { path, args, .. }
            if is_warp_path(path) && path.last().is_some_and(|last| last == "path") =>
        {
            for arg in args {
                match arg {
                    ExprTree::Str(segment) => filter.segments.push(segment.to_string()),
                    ExprTree::Path { segments, .. } => filter.segments.push(format!(
                        "{{{}}}",
                        segments.last().cloned().unwrap_or_default()
                    )),
                    _ => {}
                }
            }
        }
        ExprTree::Path { segments, .. } if segments.len() == 1 => {
            let statements = &index.fn_def(function).summary.body.route_statements;
            let earlier = statements[..statement.min(statements.len())]
                .iter()
                .rposition(|earlier| earlier.binding.as_deref() == Some(segments[0].as_str()));
            if let Some(earlier) = earlier {
                return eval(
                    index,
                    function,
                    earlier,
                    &statements[earlier].expr,
                    depth + 1,
                );
            }
        }
        ExprTree::MethodCall {
            receiver,
            method,
            args,
            ..
        } => {
            filter = eval(index, function, statement, receiver, depth + 1);
            match (method.as_str(), args.as_slice()) {
                ("and", [inner]) => {
                    let inner = eval(index, function, statement, inner, depth + 1);
                    for (method, path, handler) in inner.hits {
                        let prefix = format!("/{}", filter.segments.join("/"));
                        filter
                            .hits
                            .push((method, super::join_route(&prefix, &path), handler));
                    }
                    filter.segments.extend(inner.segments);
                    if inner.method.is_some() {
                        filter.method = inner.method;
                    }
                }
                ("or", [inner]) => {
                    let inner = eval(index, function, statement, inner, depth + 1);
                    filter.hits.extend(inner.hits);
                }
                ("and_then" | "map" | "then", [handler]) => {
                    let has_route = !filter.segments.is_empty() || filter.method.is_some();
                    let handler = match handler {
                        ExprTree::Path { segments, .. } => {
                            match index.resolve_path(index.fn_def(function).module, segments) {
                                Ok(Resolution::Fn(target)) => {
                                    Some(HandlerFunction::Function(target))
                                }
                                _ => None,
                            }
                        }
                        ExprTree::Closure { range } => Some(HandlerFunction::Closure {
                            enclosing: function,
                            range: *range,
                        }),
                        _ => None,
                    };
                    if let (true, Some(handler)) = (has_route, handler) {
                        let method = filter.method.clone().unwrap_or_else(|| "ANY".to_string());
                        let path = format!("/{}", filter.segments.join("/"));
                        filter.hits.push((method, path, handler));
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
    filter
}
