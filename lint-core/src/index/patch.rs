//! Replacing one file's summary in a built index, for an editor's edit.
//!
//! Most edits change what a function does, not which items exist: the file keeps its
//! *shape* — its modules, `mod` and `use` declarations, and the names of its functions,
//! types, statics and impls. Then every item keeps its id, everything resolved from names
//! stays true, and the new summary is put in place of the old one item by item. An edit
//! that changes the shape needs the index built again.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use super::*;

/// What must stay the same for [`WorkspaceIndex::replace_file_contents`] to apply, as a
/// fingerprint: equal shapes mean the same items under the same names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileShape(u64);

impl FileShape {
    pub fn of(summary: &FileSummary) -> FileShape {
        let mut hasher = DefaultHasher::new();
        summary.modules.len().hash(&mut hasher);
        for module in &summary.modules {
            module.name.hash(&mut hasher);
            module.parent.hash(&mut hasher);
            module.is_test.hash(&mut hasher);
            for decl in &module.mod_decls {
                (&decl.name, &decl.path_attr, decl.is_test).hash(&mut hasher);
            }
            for entry in &module.uses {
                (&entry.path, &entry.alias).hash(&mut hasher);
            }
            module.proto_packages.hash(&mut hasher);
            module.macro_mods.hash(&mut hasher);
            hash_fns(&module.fns, &mut hasher);
            for type_summary in &module.types {
                type_summary.name.hash(&mut hasher);
            }
            for static_summary in &module.statics {
                static_summary.name.hash(&mut hasher);
            }
            module.impls.len().hash(&mut hasher);
            for impl_summary in &module.impls {
                hash_type_ref(&impl_summary.self_ty, &mut hasher);
                impl_summary.trait_path.hash(&mut hasher);
                impl_summary.is_test.hash(&mut hasher);
                hash_fns(&impl_summary.methods, &mut hasher);
            }
        }
        // The definitions of `macro_rules!` are seen by every function of their crate and
        // of the crates depending on it: a change builds the index again.
        summary.macro_rules.hash(&mut hasher);
        FileShape(hasher.finish())
    }
}

fn hash_fns(fns: &[FnSummary], hasher: &mut DefaultHasher) {
    fns.len().hash(hasher);
    for function in fns {
        function.name.hash(hasher);
        function.is_test.hash(hasher);
        // Statics declared inside a body are the module's, by name.
        for nested in &function.body.statics {
            nested.name.hash(hasher);
        }
    }
}

fn hash_type_ref(type_ref: &TypeRef, hasher: &mut DefaultHasher) {
    type_ref.path.hash(hasher);
    (type_ref.kind as u8).hash(hasher);
    type_ref.args.len().hash(hasher);
    for argument in &type_ref.args {
        hash_type_ref(argument, hasher);
    }
}

impl WorkspaceIndex {
    /// Puts `summary` in place of what `file` held. The caller has checked that `summary`
    /// has the shape ([`FileShape`]) of the summary the file was indexed from: each module,
    /// function, type and impl is then taken, in order, by the item that held its place.
    /// Returns `false`, changing nothing, when the file does not hold the items `summary`
    /// has (a file that was indexed without a summary).
    pub fn replace_file_contents(&mut self, file: FileId, summary: FileSummary) -> bool {
        let modules: Vec<ModuleId> = (0..self.modules.len())
            .map(|position| ModuleId(position as u32))
            .filter(|id| self.module(*id).file == file)
            .collect();
        if modules.len() != summary.modules.len() {
            return false;
        }
        let mut free_fns: BTreeMap<ModuleId, Vec<FnId>> = BTreeMap::new();
        for (position, def) in self.fns.iter().enumerate() {
            if def.file == file && def.owner.is_none() {
                free_fns
                    .entry(def.module)
                    .or_default()
                    .push(FnId(position as u32));
            }
        }
        let mut impls: BTreeMap<ModuleId, Vec<ImplId>> = BTreeMap::new();
        for (position, def) in self.impls.iter().enumerate() {
            if def.file == file {
                impls
                    .entry(def.module)
                    .or_default()
                    .push(ImplId(position as u32));
            }
        }
        let mut types: BTreeMap<ModuleId, Vec<TypeId>> = BTreeMap::new();
        for (position, def) in self.types.iter().enumerate() {
            if modules.binary_search(&def.module).is_ok() {
                types
                    .entry(def.module)
                    .or_default()
                    .push(TypeId(position as u32));
            }
        }
        let fits = modules.iter().zip(&summary.modules).all(|(id, module)| {
            free_fns.get(id).map_or(0, Vec::len) == module.fns.len()
                && types.get(id).map_or(0, Vec::len) == module.types.len()
                && impls.get(id).map_or(0, Vec::len) == module.impls.len()
                && impls.get(id).into_iter().flatten().zip(&module.impls).all(
                    |(impl_id, impl_summary)| {
                        self.impl_def(*impl_id).methods.len() == impl_summary.methods.len()
                    },
                )
        });
        if !fits {
            return false;
        }
        self.files[file.0 as usize].suppression_comments = summary.suppression_comments;
        for (module_id, module_summary) in modules.into_iter().zip(summary.modules) {
            let module_is_test = self.module(module_id).is_test;
            let mut statics = BTreeMap::new();
            let fn_ids = free_fns.remove(&module_id).unwrap_or_default();
            for (id, mut fn_summary) in fn_ids.into_iter().zip(module_summary.fns) {
                fn_summary.is_test |= module_is_test;
                for nested in std::mem::take(&mut fn_summary.body.statics) {
                    statics.entry(nested.name.clone()).or_insert(nested);
                }
                self.replace_fn_summary(id, fn_summary);
            }
            let type_ids = types.remove(&module_id).unwrap_or_default();
            for (id, type_summary) in type_ids.into_iter().zip(module_summary.types) {
                self.types[id.0 as usize].summary = type_summary;
            }
            let impl_ids = impls.remove(&module_id).unwrap_or_default();
            for (impl_id, impl_summary) in impl_ids.into_iter().zip(module_summary.impls) {
                let is_test = impl_summary.is_test || module_is_test;
                let methods = self.impl_def(impl_id).methods.clone();
                for (id, mut method) in methods.into_iter().zip(impl_summary.methods) {
                    method.is_test |= is_test;
                    for nested in std::mem::take(&mut method.body.statics) {
                        statics.entry(nested.name.clone()).or_insert(nested);
                    }
                    self.replace_fn_summary(id, method);
                }
                let entry = &mut self.impls[impl_id.0 as usize];
                entry.range = impl_summary.range;
                entry.attrs = impl_summary.attrs;
            }
            for static_summary in module_summary.statics {
                statics.insert(static_summary.name.clone(), static_summary);
            }
            let module = &mut self.modules[module_id.0 as usize];
            module.statics = statics;
            module.attrs = module_summary.attrs;
            module.range = module_summary.range;
        }
        true
    }

    /// Puts `summary` in place of a function's, keeping [`BodyLookup`] current.
    fn replace_fn_summary(&mut self, id: FnId, summary: FnSummary) {
        let def = &mut self.fns[id.0 as usize];
        self.bodies.remove(id, &def.summary);
        self.bodies.add(id, &summary);
        *def.summary = summary;
        self.refresh_expansion(id);
    }
}
