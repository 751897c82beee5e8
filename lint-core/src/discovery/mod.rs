//! Handler discovery: which functions are RPC handlers, and what each answers to.
//!
//! Each framework has its own module reading the index; this one merges their results,
//! joins annotations, removes duplicates and sorts by file and position.
//!
//! May import: `index`, `knowledge`, `location`, `vocab`.

mod annotated;
mod attributes;
mod configured;
mod consumers;
mod routers;
mod tonic;
mod warp;

use std::collections::BTreeMap;

use crate::index::{FnId, WorkspaceIndex};
use crate::knowledge::Knowledge;
use crate::location::{FileId, TextRange};
use crate::vocab::{Framework, Route};

/// The code that handles requests: a function, or a closure routed in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HandlerFunction {
    Function(FnId),
    Closure { enclosing: FnId, range: TextRange },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiscoveredHandler {
    pub function: HandlerFunction,
    pub framework: Framework,
    pub route: Route,
    /// failfirst annotations on the function.
    pub annotations: Vec<String>,
}

impl DiscoveredHandler {
    pub fn file(&self, index: &WorkspaceIndex) -> FileId {
        match self.function {
            HandlerFunction::Function(id) | HandlerFunction::Closure { enclosing: id, .. } => {
                index.fn_outline(id).file
            }
        }
    }

    /// Where the handler is reported: the function's name, or the start of the closure.
    pub fn range(&self, index: &WorkspaceIndex) -> TextRange {
        match self.function {
            HandlerFunction::Function(id) => index.fn_outline(id).summary.name_range,
            HandlerFunction::Closure { range, .. } => range,
        }
    }

    pub fn name(&self, index: &WorkspaceIndex) -> String {
        match self.function {
            HandlerFunction::Function(id) => index.fn_name(id).to_string(),
            HandlerFunction::Closure { .. } => "{closure}".to_string(),
        }
    }

    pub fn path(&self, index: &WorkspaceIndex) -> String {
        match self.function {
            HandlerFunction::Function(id) => index.fn_path(id),
            HandlerFunction::Closure { enclosing, .. } => {
                format!("{}::{{closure}}", index.fn_path(enclosing))
            }
        }
    }
}

/// Every handler of the workspace, in a deterministic order.
pub fn discover(index: &WorkspaceIndex, knowledge: &Knowledge) -> Vec<DiscoveredHandler> {
    let mut found = Vec::new();
    found.extend(routers::discover(index));
    found.extend(warp::discover(index));
    found.extend(tonic::discover(index));
    found.extend(consumers::discover(index, knowledge));
    found.extend(configured::discover(index, knowledge));
    let annotations = annotated::annotations(index);
    // Annotated functions that no framework routes are handlers of their own.
    for (function, names) in &annotations {
        let routed = found
            .iter()
            .any(|handler| handler.function == HandlerFunction::Function(*function));
        if !routed {
            found.push(DiscoveredHandler {
                function: HandlerFunction::Function(*function),
                framework: Framework::Annotated,
                route: Route::Annotated,
                annotations: names.clone(),
            });
        }
    }
    for handler in &mut found {
        if let HandlerFunction::Function(function) = handler.function {
            if let Some(names) = annotations.get(&function) {
                handler.annotations = names.clone();
            }
        }
    }
    found.retain(|handler| match handler.function {
        HandlerFunction::Function(id) | HandlerFunction::Closure { enclosing: id, .. } => {
            let outline = index.fn_outline(id);
            !outline.summary.is_test && !index.file(outline.file).unreached
        }
    });
    let mut keyed: BTreeMap<(String, TextRange, String), DiscoveredHandler> = BTreeMap::new();
    for handler in found {
        let key = (
            index.file(handler.file(index)).display_path.clone(),
            handler.range(index),
            handler.route.to_string(),
        );
        keyed.entry(key).or_insert(handler);
    }
    keyed.into_values().collect()
}

/// Joins a mount prefix and a route path: `("/api", "/orders")` is `/api/orders`, and a
/// nested `/` is the prefix itself.
pub(crate) fn join_route(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    let joined = if path.is_empty() || path == "/" {
        if prefix.is_empty() {
            "/".to_string()
        } else {
            prefix.to_string()
        }
    } else if path.starts_with('/') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}/{path}")
    };
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

#[cfg(test)]
mod tests {
    use super::join_route;

    #[test]
    fn joins_prefixes_like_the_frameworks() {
        assert_eq!(join_route("/api", "/orders"), "/api/orders");
        assert_eq!(join_route("/api/", "/orders"), "/api/orders");
        assert_eq!(join_route("/api", "/"), "/api");
        assert_eq!(join_route("", "/"), "/");
        assert_eq!(join_route("/", "/health"), "/health");
        assert_eq!(join_route("", "orders"), "/orders");
    }
}
