//! Paths as written in a module: `crate::`, `self::`, `super::`, names in scope, `use`
//! imports (memoised), workspace crates, then external crates written in full.

use super::{is_external_root, past_the_resolution_limit, Namespace, MAX_RESOLUTION_DEPTH};
use crate::index::*;

impl WorkspaceIndex {
    /// Resolves a path as written in `from`.
    pub fn resolve_path(
        &self,
        from: ModuleId,
        segments: &[CompactString],
    ) -> Result<Resolution, String> {
        self.resolve_path_at(from, segments, Namespace::Value, 0)
    }

    pub(super) fn resolve_path_at(
        &self,
        from: ModuleId,
        segments: &[CompactString],
        namespace: Namespace,
        depth: usize,
    ) -> Result<Resolution, String> {
        if depth > MAX_RESOLUTION_DEPTH {
            return Err(past_the_resolution_limit(&format!(
                "`{}` is reached through aliases and imports",
                segments.join("::")
            )));
        }
        let Some((first, rest)) = segments.split_first() else {
            return Err("empty path".to_string());
        };
        let mut current = match first.as_str() {
            "crate" => Resolution::Module(self.module(from).root),
            "self" => Resolution::Module(from),
            "super" => match self.module(from).parent {
                Some(parent) => Resolution::Module(parent),
                None => return Err("`super` at the crate root".to_string()),
            },
            _ => {
                let first_namespace = if rest.is_empty() {
                    namespace
                } else {
                    Namespace::Type
                };
                match self.lookup_in_scope(from, first, first_namespace, depth) {
                    Some(found) => found,
                    // A renamed dependency is the package it names, outside the workspace.
                    None => match self.renamed_dependency(from, first) {
                        Some(package) => Resolution::External(vec![package.clone()]),
                        None => match self.workspace_crate_root(first) {
                            Some(root) => Resolution::Module(root),
                            None if !rest.is_empty() || is_external_root(first) => {
                                Resolution::External(vec![first.clone()])
                            }
                            None => {
                                return Err(format!(
                                    "`{first}` is not defined in this module or imported by name"
                                ))
                            }
                        },
                    },
                }
            }
        };
        for (position, segment) in rest.iter().enumerate() {
            let is_last = position + 1 == rest.len();
            let segment_namespace = if is_last { namespace } else { Namespace::Type };
            current = match current {
                Resolution::Module(module) => {
                    if segment == "super" {
                        match self.module(module).parent {
                            Some(parent) => Resolution::Module(parent),
                            None => return Err("`super` at the crate root".to_string()),
                        }
                    } else if segment == "self" {
                        Resolution::Module(module)
                    } else {
                        match self.lookup_in_module(
                            module,
                            segment,
                            segment_namespace,
                            depth,
                            &mut Vec::new(),
                        ) {
                            Some(found) => found,
                            // The segments after this one are added below, one by one.
                            None if !self.module(module).proto_packages.is_empty() => {
                                Resolution::Generated {
                                    module,
                                    rest: vec![segment.clone()],
                                }
                            }
                            None => {
                                return Err(format!(
                                    "`{segment}` is not defined in `{}`",
                                    self.module(module).path.join("::")
                                ))
                            }
                        }
                    }
                }
                Resolution::Type(type_id) => {
                    let methods = self.methods_named(&TypeTarget::Local(type_id), segment);
                    match methods.len() {
                        // `Enum::Variant(..)` and `Struct::Variant`-like constructors.
                        0 if self.type_def(type_id).summary.kind == TypeItemKind::Enum => {
                            Resolution::Type(type_id)
                        }
                        0 => {
                            return Err(format!(
                                "no function `{segment}` on `{}` in the workspace",
                                self.type_def(type_id).summary.name
                            ))
                        }
                        1 => Resolution::Fn(methods[0]),
                        _ => Resolution::Fns(methods),
                    }
                }
                Resolution::External(mut path) => {
                    path.push(segment.clone());
                    Resolution::External(path)
                }
                Resolution::Generated { module, mut rest } => {
                    rest.push(segment.clone());
                    Resolution::Generated { module, rest }
                }
                Resolution::Fn(_) | Resolution::Fns(_) | Resolution::Static(..) => {
                    return Err(format!(
                        "`{segment}` follows a value in `{}`",
                        segments.join("::")
                    ))
                }
            };
        }
        Ok(current)
    }

    /// The package a name in paths stands for when the crate's manifest renames a
    /// dependency from outside the workspace (`my-codegen = { package = "actix-web-codegen" }`).
    fn renamed_dependency(&self, from: ModuleId, name: &str) -> Option<&CompactString> {
        let crate_id = self.module(from).crate_id;
        self.crates[crate_id.0 as usize]
            .renamed_dependencies
            .iter()
            .find(|(renamed, _)| renamed == name)
            .map(|(_, package)| package)
    }

    fn workspace_crate_root(&self, name: &str) -> Option<ModuleId> {
        self.crates
            .iter()
            .find(|info| info.lib_name == name)
            .and_then(|info| info.lib_root)
    }

    /// A name visible in `module`: its own items, then its imports.
    fn lookup_in_scope(
        &self,
        module: ModuleId,
        name: &str,
        namespace: Namespace,
        depth: usize,
    ) -> Option<Resolution> {
        self.lookup_in_module(module, name, namespace, depth, &mut Vec::new())
    }

    /// Looks a name up in a module and, through glob imports, in the modules they open;
    /// `visited` keeps each module to one visit per lookup, so that glob re-exports that
    /// fan out or cycle stay linear.
    fn lookup_in_module(
        &self,
        module_id: ModuleId,
        name: &str,
        namespace: Namespace,
        depth: usize,
        visited: &mut Vec<ModuleId>,
    ) -> Option<Resolution> {
        if visited.contains(&module_id) {
            return None;
        }
        visited.push(module_id);
        let module = self.module(module_id);
        // A module and a function may share a name (`mod home; pub use home::*;`): in the
        // value namespace the function wins, wherever it is imported from, so modules come
        // last there.
        let own = match namespace {
            Namespace::Value => module
                .fns
                .get(name)
                .map(|id| Resolution::Fn(*id))
                .or_else(|| {
                    module
                        .statics
                        .get(name)
                        .map(|_| Resolution::Static(module_id, name.into()))
                })
                .or_else(|| module.types.get(name).map(|id| Resolution::Type(*id))),
            Namespace::Type => module
                .children
                .get(name)
                .map(|id| Resolution::Module(*id))
                .or_else(|| module.types.get(name).map(|id| Resolution::Type(*id)))
                .or_else(|| module.fns.get(name).map(|id| Resolution::Fn(*id))),
        };
        if own.is_some() {
            return own;
        }
        for entry in module
            .uses
            .iter()
            .filter(|entry| entry.alias.as_deref() == Some(name))
        {
            if let Some(found) = self.resolve_use(module_id, &entry.path, namespace, depth + 1) {
                return Some(found);
            }
        }
        for entry in module.uses.iter().filter(|entry| entry.is_glob()) {
            if let Some(Resolution::Module(target)) =
                self.resolve_use(module_id, &entry.path, Namespace::Type, depth + 1)
            {
                if let Some(found) =
                    self.lookup_in_module(target, name, namespace, depth + 1, visited)
                {
                    return Some(found);
                }
            }
        }
        if namespace == Namespace::Value {
            return module.children.get(name).map(|id| Resolution::Module(*id));
        }
        None
    }

    /// A `use` path: relative to the module, or a crate name, as in the 2018 edition.
    /// Memoised per module and path; a path met again while it is being resolved (an import
    /// cycle) resolves to nothing.
    fn resolve_use(
        &self,
        module: ModuleId,
        path: &[CompactString],
        namespace: Namespace,
        depth: usize,
    ) -> Option<Resolution> {
        if path.first().is_none_or(|first| first.is_empty()) {
            return None;
        }
        let key = (module, path.to_vec(), namespace == Namespace::Type);
        if let Ok(cache) = self.use_cache.lock() {
            if let Some(known) = cache.get(&key) {
                return known.clone();
            }
        }
        if let Ok(mut cache) = self.use_cache.lock() {
            cache.insert(key.clone(), None);
        }
        let resolved = self.resolve_path_at(module, path, namespace, depth).ok();
        if let Ok(mut cache) = self.use_cache.lock() {
            cache.insert(key, resolved.clone());
        }
        resolved
    }
}
