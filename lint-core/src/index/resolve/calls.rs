//! Where a call goes: functions of the workspace, an external path, a constructor, or
//! nowhere the resolver can follow, with the reason.

use crate::index::*;

impl WorkspaceIndex {
    /// Where names in `function` are resolved. Its module is outline, not a read of its
    /// body (`fn_outline`): what reads the body through the context notes it then.
    pub fn context_of(&self, function: FnId) -> FnContext {
        FnContext {
            function,
            module: self.fn_outline(function).module,
        }
    }

    /// Where a call in `context` goes.
    pub fn resolve_call(&self, context: FnContext, call: &CallSite) -> CallTarget {
        match &call.callee {
            Callee::Path(segments) => {
                let is_local_value = segments.len() == 1
                    && self
                        .fn_def(context.function)
                        .summary
                        .body
                        .locals
                        .iter()
                        .any(|local| {
                            local.name == segments[0] && local.scope.contains(call.range.start)
                        });
                if is_local_value {
                    return CallTarget::Unresolved(format!(
                        "`{}` is a local value (a closure or function pointer)",
                        segments[0]
                    ));
                }
                let resolved = if segments.first().map(CompactString::as_str) == Some("Self")
                    && segments.len() == 2
                {
                    match self.self_type_of(context.function) {
                        Some(target @ TypeTarget::Local(_)) => {
                            match self.methods_named(target, &segments[1]).as_slice() {
                                [] => Err(format!("no `Self::{}` in the workspace", segments[1])),
                                [one] => Ok(Resolution::Fn(*one)),
                                many => Ok(Resolution::Fns(many.to_vec())),
                            }
                        }
                        Some(TypeTarget::External(path)) => {
                            let mut full = path.clone();
                            full.push(segments[1].clone());
                            Ok(Resolution::External(full))
                        }
                        _ => Err("`Self` outside an impl".to_string()),
                    }
                } else {
                    self.resolve_path(context.module, segments)
                };
                match resolved {
                    Ok(Resolution::Fn(id)) => CallTarget::Local(vec![id]),
                    Ok(Resolution::Fns(ids)) => CallTarget::Local(ids),
                    Ok(Resolution::External(path)) => CallTarget::External(path),
                    Ok(Resolution::Generated { module, rest }) => {
                        let mut path = self.module(module).path.clone();
                        path.extend(rest);
                        CallTarget::External(path)
                    }
                    Ok(Resolution::Type(_)) => CallTarget::Constructor,
                    Ok(_) => CallTarget::Unresolved(format!(
                        "`{}` is not a function",
                        segments.join("::")
                    )),
                    Err(reason) => CallTarget::Unresolved(reason),
                }
            }
            Callee::Method { receiver, method } => {
                match self.type_of_value(context, receiver, call.range.start) {
                    TypeTarget::Local(type_id) => {
                        let methods = self.methods_named(&TypeTarget::Local(type_id), method);
                        // A method of what the struct dereferences to (`state.db()` on
                        // `#[derive(Deref)] struct AppState(Arc<App>)`).
                        match (methods.is_empty(), self.deref_target(type_id)) {
                            (true, Some(TypeTarget::Local(target))) => {
                                let through =
                                    self.methods_named(&TypeTarget::Local(target), method);
                                if !through.is_empty() {
                                    return CallTarget::Local(through);
                                }
                            }
                            (true, Some(TypeTarget::External(mut path))) => {
                                path.push(method.clone());
                                return CallTarget::External(path);
                            }
                            _ => {}
                        }
                        if methods.is_empty() && self.typing.is_transparent_method(method) {
                            // `lock.read()`, `arc.clone()`: a method of the wrapper the value
                            // is reached through (its type is seen through wrappers).
                            CallTarget::External(vec!["std".into(), method.clone()])
                        } else if methods.is_empty() {
                            CallTarget::Unresolved(format!(
                                "no method `{method}` on `{}` in the workspace (derived, or from a trait outside it)",
                                self.type_def(type_id).summary.name
                            ))
                        } else {
                            CallTarget::Local(methods)
                        }
                    }
                    TypeTarget::External(mut path) => {
                        path.push(method.clone());
                        let implementations = self.implementations_called(&path);
                        if implementations.is_empty() {
                            CallTarget::External(path)
                        } else {
                            CallTarget::Local(implementations)
                        }
                    }
                    TypeTarget::Unknown(reason) => {
                        CallTarget::Unresolved(format!("receiver of `.{method}()`: {reason}"))
                    }
                }
            }
        }
    }

    /// The workspace's methods a call of the external method `path` runs, when the library
    /// calls back into the workspace's implementation of its trait (axum-login's
    /// `AuthSession::authenticate` asks the service's `AuthnBackend`); tests' impls aside.
    fn implementations_called(&self, path: &[CompactString]) -> Vec<FnId> {
        let Some(hint) = self.typing.implementation_call(path) else {
            return Vec::new();
        };
        let (Some(trait_crate), Some(trait_name)) =
            (hint.trait_path.first(), hint.trait_path.last())
        else {
            return Vec::new();
        };
        self.impls
            .iter()
            .filter(|impl_def| !impl_def.is_test)
            .filter(|impl_def| {
                matches!(&impl_def.trait_resolution, Some(Resolution::External(trait_path))
                    if trait_path.first().is_some_and(|first| first == trait_crate)
                        && trait_path.last().is_some_and(|last| last == trait_name))
            })
            .flat_map(|impl_def| impl_def.methods.iter().copied())
            .filter(|method| self.fn_outline(*method).summary.name == hint.trait_method)
            .collect()
    }

    /// Every call in the given functions that could not be followed, with the reason.
    pub fn unresolved_calls(&self, functions: impl Iterator<Item = FnId>) -> Vec<UnresolvedCall> {
        let mut out = Vec::new();
        for function in functions {
            let context = self.context_of(function);
            for call in &self.fn_def(function).summary.body.calls {
                if let CallTarget::Unresolved(reason) = self.resolve_call(context, call) {
                    let callee = match &call.callee {
                        Callee::Path(segments) => segments.join("::"),
                        Callee::Method { method, .. } => format!(".{method}()"),
                    };
                    out.push(UnresolvedCall {
                        caller: function,
                        range: call.range,
                        callee,
                        reason,
                    });
                }
            }
        }
        out
    }
}
