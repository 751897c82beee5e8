//! Placing files in module trees and filling the index.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use super::*;
use crate::sources::{CrateInput, ParseProblem, TargetKind};

/// Builds the index, asking `summary_of` for each file's summary once, when the module tree
/// reaches it: crate by crate, in file order within a crate as far as the `mod` declarations
/// allow. The analysis hands summaries over as files finish parsing, so the tree is built
/// while later files are still being parsed.
pub fn build_index_from(
    crates: &[CrateInput],
    typing: TypingHints,
    walk: Option<std::sync::Arc<WalkHints>>,
    summary_of: &mut dyn FnMut(FileId) -> Option<FileSummary>,
) -> WorkspaceIndex {
    let mut index = WorkspaceIndex {
        typing,
        ..WorkspaceIndex::default()
    };
    let mut file_ids_by_path: BTreeMap<PathBuf, FileId> = BTreeMap::new();
    let mut crate_files: Vec<Vec<FileId>> = Vec::new();
    for (crate_position, crate_input) in crates.iter().enumerate() {
        let mut ids = Vec::new();
        for file in &crate_input.files {
            let id = FileId(index.files.len() as u32);
            file_ids_by_path.insert(normalize(&file.path), id);
            index.files.push(FileInfo {
                crate_id: CrateId(crate_position as u32),
                display_path: file.display_path.clone(),
                reported: file.reported,
                unreached: false,
                module: None,
                suppression_comments: Vec::new(),
            });
            ids.push(id);
        }
        crate_files.push(ids);
        index.crates.push(CrateInfo {
            name: crate_input.name.clone(),
            lib_name: crate_input.lib_name.clone(),
            renamed_dependencies: crate_input
                .renamed_dependencies
                .iter()
                .map(|(name, package)| (name.as_str().into(), package.as_str().into()))
                .collect(),
            lib_root: None,
        });
    }

    let mut paths_by_file = vec![PathBuf::new(); index.files.len()];
    for (path, id) in &file_ids_by_path {
        paths_by_file[id.0 as usize] = path.clone();
    }
    let mut builder = TreeBuilder {
        index: &mut index,
        summary_of,
        file_ids_by_path,
        paths_by_file,
        test_tree: false,
        refused: BTreeSet::new(),
    };
    for (crate_position, crate_input) in crates.iter().enumerate() {
        let crate_id = CrateId(crate_position as u32);
        let mut roots: Vec<_> = crate_input.roots.iter().collect();
        // The library first, so that `crate::` from files no root reaches names it.
        roots.sort_by_key(|root| root.kind);
        for root in roots {
            let Some(&file) = builder.file_ids_by_path.get(&normalize(&root.path)) else {
                continue;
            };
            if builder.is_placed_or_refused(file) {
                continue;
            }
            // Integration tests and benches are test code: never handlers.
            builder.test_tree = matches!(root.kind, TargetKind::Test | TargetKind::Bench);
            let module = builder.add_file_tree(
                crate_id,
                file,
                vec![crate_input.lib_name.as_str().into()],
                None,
                None,
            );
            builder.test_tree = false;
            if root.kind == TargetKind::Lib {
                builder.index.crates[crate_position].lib_root = Some(module);
            }
        }
        // Files no root reaches: give them the module path their location suggests. rustc
        // compiles none of them, unless a macro declares them (`cfg_if!`): those a macro of
        // the crate may declare (a `mod name` among its tokens naming the file or one of
        // its folders) are analysed as the crate's code; the others are read so that
        // names resolve, and their handlers are not reported (SPEC §2). A file that does
        // not parse is still a `parse-error`: it is often such a stale file.
        let declared_by_macros: BTreeSet<CompactString> = builder
            .index
            .modules
            .iter()
            .filter(|module| module.crate_id == crate_id)
            .flat_map(|module| module.macro_mods.iter().cloned())
            .collect();
        for &file in &crate_files[crate_position] {
            if builder.is_placed_or_refused(file) {
                continue;
            }
            let before: Vec<FileId> = crate_files[crate_position]
                .iter()
                .copied()
                .filter(|other| !builder.is_placed_or_refused(*other))
                .collect();
            let file_path = &crate_input.files
                [file.0 as usize - crate_files[crate_position][0].0 as usize]
                .path;
            let path = orphan_module_path(&crate_input.lib_name, file_path);
            let root = builder.index.crates[crate_position].lib_root;
            // A file under `tests/` or `benches/` that no target compiles is test input (a
            // compile-fail case, a fixture): read for resolution, never judged. Elsewhere an
            // unreached file may be declared by a macro (`cfg_if!`), so it is analysed.
            let test_input = is_test_folder_file(file_path, crate_dir(crate_input));
            builder.test_tree = test_input;
            let input =
                &crate_input.files[file.0 as usize - crate_files[crate_position][0].0 as usize];
            let compiled = input.named
                || may_be_declared_by_macro(file_path, crate_dir(crate_input), &declared_by_macros);
            builder.add_file_tree(crate_id, file, path, None, root);
            builder.test_tree = false;
            if test_input {
                builder.index.files[file.0 as usize].reported = false;
            }
            if !compiled {
                for added in before {
                    if builder.is_placed_or_refused(added) {
                        builder.index.files[added.0 as usize].unreached = true;
                    }
                }
            }
        }
    }
    drop(builder);
    link_impls(&mut index);
    super::expansions::MacroExpansions::prepare(&mut index, crates, walk);
    index
}

struct TreeBuilder<'a> {
    index: &'a mut WorkspaceIndex,
    summary_of: &'a mut dyn FnMut(FileId) -> Option<FileSummary>,
    file_ids_by_path: BTreeMap<PathBuf, FileId>,
    paths_by_file: Vec<PathBuf>,
    /// The tree being added is an integration test or bench target.
    test_tree: bool,
    /// Files not analysed because their module nests too deep.
    refused: BTreeSet<FileId>,
}

/// Module paths longer than this (the crate's name, then one name per level) are not
/// followed: rustc sets no limit, but a generated chain of `#[path]` modules would make
/// the module tree's paths quadratic in size. Real crates nest a handful of levels.
pub const MAX_MODULE_DEPTH: usize = 64;

/// A `mod x;` declaration and the files it may name.
struct DeclaredFile {
    /// The declaring module: its position in the file's summary until the module exists.
    module: ModuleId,
    name: CompactString,
    is_test: bool,
    candidates: Vec<PathBuf>,
}

/// The `mod x;` declarations of a file's modules (in the summary's order) and where each
/// looks for its file: beside the file, or under the folders of the inline modules around
/// it; `#[path]` from the file's folder at its top level, from the inline modules' folder
/// inside them.
fn declared_files(
    modules: &[ModuleSummary],
    file_path: &Path,
    is_root_file: bool,
) -> Vec<DeclaredFile> {
    let mut inline_names: Vec<Vec<CompactString>> = Vec::with_capacity(modules.len());
    let mut declared = Vec::new();
    for (position, module) in modules.iter().enumerate() {
        let names = match module.parent.and_then(|parent| inline_names.get(parent)) {
            Some(parent_names) => {
                let mut names = parent_names.clone();
                names.push(module.name.clone());
                names
            }
            None => Vec::new(),
        };
        let decl_dir = declaration_dir(file_path, is_root_file, &names);
        for decl in &module.mod_decls {
            let candidates = match &decl.path_attr {
                Some(explicit) if names.is_empty() => {
                    vec![file_path.parent().unwrap_or(Path::new("")).join(explicit)]
                }
                Some(explicit) => vec![decl_dir.join(explicit)],
                None => {
                    let file_name = unraw(&decl.name);
                    vec![
                        decl_dir.join(format!("{file_name}.rs")),
                        decl_dir.join(file_name).join("mod.rs"),
                    ]
                }
            };
            declared.push(DeclaredFile {
                module: ModuleId(position as u32),
                name: decl.name.clone(),
                is_test: decl.is_test,
                candidates,
            });
        }
        inline_names.push(names);
    }
    declared
}

impl TreeBuilder<'_> {
    /// Adds a file's modules under `parent`, then the files its `mod x;` declarations name,
    /// depth first in declaration order. A loop over a stack rather than recursion: a chain
    /// of 10,000 files each declaring the next (`#[path]` makes that easy to generate) must
    /// not overflow the thread that builds the index.
    fn add_file_tree(
        &mut self,
        crate_id: CrateId,
        file: FileId,
        path: Vec<CompactString>,
        parent: Option<ModuleId>,
        root: Option<ModuleId>,
    ) -> ModuleId {
        let (top, declared) = self.add_file(crate_id, file, path, parent, root);
        let root = root.unwrap_or(top);
        let mut pending: Vec<DeclaredFile> = declared.into_iter().rev().collect();
        while let Some(declared) = pending.pop() {
            let Some(child_file) = self.find_declared(&declared.candidates) else {
                continue;
            };
            if self.is_placed_or_refused(child_file) {
                continue; // already placed: a second `mod` of the same file, or a cycle
            }
            let mut child_path = self.index.module(declared.module).path.clone();
            child_path.push(declared.name.clone());
            if child_path.len() > MAX_MODULE_DEPTH {
                self.refuse_tree(child_file, &child_path);
                continue;
            }
            let (child, declared_below) = self.add_file(
                crate_id,
                child_file,
                child_path,
                Some(declared.module),
                Some(root),
            );
            let parent_is_test = self.index.module(declared.module).is_test;
            self.index.modules[child.0 as usize].is_test |= declared.is_test || parent_is_test;
            self.index.modules[declared.module.0 as usize]
                .children
                .insert(declared.name, child);
            pending.extend(declared_below.into_iter().rev());
        }
        top
    }

    /// Adds one file's modules under `parent`; returns its top module and the files its
    /// `mod x;` declarations may name.
    fn add_file(
        &mut self,
        crate_id: CrateId,
        file: FileId,
        path: Vec<CompactString>,
        parent: Option<ModuleId>,
        root: Option<ModuleId>,
    ) -> (ModuleId, Vec<DeclaredFile>) {
        let mut summary = (self.summary_of)(file).unwrap_or_default();
        self.index.files[file.0 as usize].suppression_comments =
            std::mem::take(&mut summary.suppression_comments);
        self.index
            .expansions
            .add_definitions(crate_id, std::mem::take(&mut summary.macro_rules));
        let file_module = self.new_module(crate_id, file, path, parent, root, false);
        self.index.files[file.0 as usize].module = Some(file_module);
        let root = root.unwrap_or(file_module);
        let file_path = self.path_of(file);
        let mut declared = declared_files(&summary.modules, &file_path, parent.is_none());
        // Modules of the file by their index in the summary.
        let mut ids: Vec<ModuleId> = Vec::new();
        for module_summary in summary.modules {
            let module_id = match module_summary.parent {
                None => file_module,
                Some(parent_position) => {
                    let parent_id = ids[parent_position];
                    let mut child_path = self.index.module(parent_id).path.clone();
                    child_path.push(module_summary.name.clone());
                    let parent_is_test = self.index.module(parent_id).is_test;
                    let id = self.new_module(
                        crate_id,
                        file,
                        child_path,
                        Some(parent_id),
                        Some(root),
                        module_summary.is_test || parent_is_test,
                    );
                    self.index.modules[parent_id.0 as usize]
                        .children
                        .insert(module_summary.name.clone(), id);
                    id
                }
            };
            ids.push(module_id);
            self.fill_module(module_id, file, module_summary);
        }
        for entry in &mut declared {
            entry.module = ids[entry.module.0 as usize];
        }
        (file_module, declared)
    }

    fn find_declared(&self, candidates: &[PathBuf]) -> Option<FileId> {
        candidates
            .iter()
            .find_map(|candidate| self.file_ids_by_path.get(&normalize(candidate)).copied())
    }

    fn is_placed_or_refused(&self, file: FileId) -> bool {
        self.index.files[file.0 as usize].module.is_some() || self.refused.contains(&file)
    }

    /// A file whose module would nest deeper than [`MAX_MODULE_DEPTH`]: it and the files
    /// below it are not analysed, and the file says so once. Their summaries are taken and
    /// dropped so that the files are not placed again as files no root reaches.
    fn refuse_tree(&mut self, file: FileId, path: &[CompactString]) {
        let mut pending = vec![file];
        let mut below = 0usize;
        while let Some(refused) = pending.pop() {
            self.refused.insert(refused);
            below += usize::from(refused != file);
            let summary = (self.summary_of)(refused).unwrap_or_default();
            let file_path = self.path_of(refused);
            for declared in declared_files(&summary.modules, &file_path, false) {
                if let Some(child) = self.find_declared(&declared.candidates) {
                    if !self.is_placed_or_refused(child) {
                        pending.push(child);
                    }
                }
            }
        }
        // `a::b::…::y::z`: the top and the bottom of the chain say where it is.
        let names = path.get(1..).unwrap_or_default();
        let shown = if names.len() > 6 {
            format!(
                "{}::…::{}",
                names[..2].join("::"),
                names[names.len() - 2..].join("::")
            )
        } else {
            names.join("::")
        };
        self.index.problems.push((
            file,
            ParseProblem {
                message: format!(
                    "module `{shown}` nests deeper than {MAX_MODULE_DEPTH} levels of `mod` declarations; failfirst does not analyse this file{}, which keeps the module tree's size linear",
                    match below {
                        0 => String::new(),
                        1 => " nor the 1 file it declares".to_string(),
                        more => format!(" nor the {more} files it declares"),
                    }
                ),
                range: crate::location::TextRange::default(),
            },
        ));
    }

    fn path_of(&self, file: FileId) -> PathBuf {
        self.paths_by_file
            .get(file.0 as usize)
            .cloned()
            .unwrap_or_default()
    }

    fn new_module(
        &mut self,
        crate_id: CrateId,
        file: FileId,
        path: Vec<CompactString>,
        parent: Option<ModuleId>,
        root: Option<ModuleId>,
        is_test: bool,
    ) -> ModuleId {
        let id = ModuleId(self.index.modules.len() as u32);
        self.index.modules.push(Module {
            crate_id,
            file,
            path,
            parent,
            root: root.unwrap_or(id),
            is_test: is_test || self.test_tree,
            children: BTreeMap::new(),
            fns: BTreeMap::new(),
            types: BTreeMap::new(),
            statics: BTreeMap::new(),
            uses: Vec::new(),
            proto_packages: Vec::new(),
            macro_mods: Vec::new(),
            attrs: Vec::new(),
            range: crate::location::TextRange::default(),
        });
        id
    }

    /// Adds a function (a method when `owner` is its impl) to the index; the statics
    /// declared in its body are the module's, as a `use` or a path would find them.
    fn add_fn(
        &mut self,
        module_id: ModuleId,
        file: FileId,
        owner: Option<ImplId>,
        mut summary: FnSummary,
    ) -> FnId {
        for nested in std::mem::take(&mut summary.body.statics) {
            self.index.modules[module_id.0 as usize]
                .statics
                .entry(nested.name.clone())
                .or_insert(nested);
        }
        let id = FnId(self.index.fns.len() as u32);
        // Listed by what its body names as it comes: while the other files are still parsed.
        self.index.bodies.add(id, &summary);
        self.index.fns.push(FnDef {
            module: module_id,
            file,
            owner,
            summary: Box::new(summary),
        });
        id
    }

    fn fill_module(&mut self, module_id: ModuleId, file: FileId, summary: ModuleSummary) {
        let module_is_test = self.index.module(module_id).is_test;
        for mut fn_summary in summary.fns {
            fn_summary.is_test |= module_is_test;
            let name = fn_summary.name.clone();
            let id = self.add_fn(module_id, file, None, fn_summary);
            self.index.modules[module_id.0 as usize]
                .fns
                .insert(name, id);
        }
        for type_summary in summary.types {
            let id = TypeId(self.index.types.len() as u32);
            self.index.modules[module_id.0 as usize]
                .types
                .insert(type_summary.name.clone(), id);
            self.index.types.push(TypeDef {
                module: module_id,
                summary: type_summary,
            });
        }
        for impl_summary in summary.impls {
            let impl_id = ImplId(self.index.impls.len() as u32);
            let is_test = impl_summary.is_test || module_is_test;
            let mut methods = Vec::new();
            for mut method in impl_summary.methods {
                method.is_test |= is_test;
                methods.push(self.add_fn(module_id, file, Some(impl_id), method));
            }
            self.index.impls.push(ImplDef {
                module: module_id,
                file,
                range: impl_summary.range,
                // Resolved once every module is in place.
                self_type: TypeTarget::Unknown(format!("{:?}", impl_summary.self_ty.path)),
                generic_bounds: impl_summary.generic_bounds,
                trait_path: impl_summary.trait_path,
                trait_resolution: None,
                attrs: impl_summary.attrs,
                is_test,
                methods,
            });
            self.pending_self_types()
                .push((impl_id, impl_summary.self_ty));
        }
        let module = &mut self.index.modules[module_id.0 as usize];
        for static_summary in summary.statics {
            module
                .statics
                .insert(static_summary.name.clone(), static_summary);
        }
        module.uses = summary.uses;
        module.proto_packages = summary.proto_packages;
        module.macro_mods = summary.macro_mods;
        module.attrs = summary.attrs;
        module.range = summary.range;
    }

    fn pending_self_types(&mut self) -> &mut Vec<(ImplId, TypeRef)> {
        &mut self.index.pending_impl_self_types
    }
}

/// Where `mod x;` inside a file looks for `x.rs`: beside a crate root or `mod.rs`, else in
/// the folder named after the file; inline modules add their names.
fn declaration_dir(
    file_path: &Path,
    is_root_file: bool,
    inline_names: &[CompactString],
) -> PathBuf {
    let parent = file_path.parent().unwrap_or(Path::new("")).to_path_buf();
    let is_mod_rs = file_path.file_name().is_some_and(|name| name == "mod.rs");
    let mut dir = if is_root_file || is_mod_rs {
        parent
    } else {
        let stem = file_path
            .file_stem()
            .map(|stem| stem.to_os_string())
            .unwrap_or_default();
        parent.join(stem)
    };
    for name in inline_names {
        dir.push(unraw(name));
    }
    dir
}

/// A module's name as its file is named: `mod r#impl;` is `impl.rs` (the module keeps its
/// raw name, as paths to it spell it).
fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

fn is_test_folder_file(path: &Path, crate_dir: Option<&Path>) -> bool {
    let relative = crate_dir
        .and_then(|dir| path.strip_prefix(dir).ok())
        .unwrap_or(path);
    relative.components().any(|component| matches!(component, Component::Normal(part) if part == "tests" || part == "benches"))
}

/// The crate's folder, as its first root shows it: `src/lib.rs`'s grandparent.
fn crate_dir(crate_input: &CrateInput) -> Option<&Path> {
    let root = crate_input.roots.first()?.path.parent()?;
    if root.file_name().is_some_and(|name| {
        name == "src" || name == "tests" || name == "benches" || name == "examples"
    }) {
        root.parent()
    } else {
        Some(root)
    }
}

/// `src/handlers/orders.rs` in crate `shop` is `shop::handlers::orders`.
/// Whether a macro may declare the module of an unreached file: its name (the file's stem,
/// or its folder's for `mod.rs`), or a folder's between the crate and the file, is one a
/// macro declares.
fn may_be_declared_by_macro(
    path: &Path,
    crate_dir: Option<&Path>,
    declared: &BTreeSet<CompactString>,
) -> bool {
    if declared.is_empty() {
        return false;
    }
    let relative = crate_dir
        .and_then(|dir| path.strip_prefix(dir).ok())
        .unwrap_or(path);
    relative.components().any(|component| {
        let name = component.as_os_str().to_string_lossy();
        let name = name.strip_suffix(".rs").unwrap_or(&name);
        declared.contains(name)
    })
}

fn orphan_module_path(lib_name: &str, path: &Path) -> Vec<CompactString> {
    let components: Vec<CompactString> = path
        .components()
        .filter_map(|component| match component {
            Component::Normal(part) => Some(CompactString::from(part.to_string_lossy())),
            _ => None,
        })
        .collect();
    let after_src = components
        .iter()
        .rposition(|part| part == "src")
        .map_or(components.len().saturating_sub(1), |index| index + 1);
    let mut module_path = vec![CompactString::from(lib_name)];
    for (position, part) in components[after_src..].iter().enumerate() {
        let is_last = position + after_src == components.len() - 1;
        let name = if is_last {
            part.trim_end_matches(".rs")
        } else {
            part.as_str()
        };
        if is_last && matches!(name, "mod" | "lib" | "main") {
            continue;
        }
        module_path.push(name.replace('-', "_").into());
    }
    module_path
}

/// Lexical normalisation: removes `.` and folds `..`, without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolves each impl's self type and trait, then indexes impls by both.
fn link_impls(index: &mut WorkspaceIndex) {
    let pending = std::mem::take(&mut index.pending_impl_self_types);
    for (impl_id, self_ty) in pending {
        let module = index.impl_def(impl_id).module;
        let self_type = index.resolve_type(module, &self_ty, None);
        let trait_resolution = index
            .impl_def(impl_id)
            .trait_path
            .clone()
            .and_then(|path| index.resolve_path(module, &path).ok());
        let entry = &mut index.impls[impl_id.0 as usize];
        entry.self_type = self_type.clone();
        entry.trait_resolution = trait_resolution.clone();
        if let TypeTarget::Local(type_id) = self_type {
            index
                .impls_by_type
                .entry(type_id)
                .or_default()
                .push(impl_id);
        }
        if let Some(Resolution::Type(trait_id)) = trait_resolution {
            index
                .impls_by_trait
                .entry(trait_id)
                .or_default()
                .push(impl_id);
        }
    }
    let _: BTreeSet<()> = BTreeSet::new();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orphan_paths_follow_the_folders_under_src() {
        assert_eq!(
            orphan_module_path("shop", Path::new("/x/shop/src/handlers/orders.rs")),
            ["shop", "handlers", "orders"]
        );
        assert_eq!(
            orphan_module_path("shop", Path::new("/x/shop/src/handlers/mod.rs")),
            ["shop", "handlers"]
        );
    }

    #[test]
    fn normalize_folds_parent_components() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.rs")),
            PathBuf::from("a/c.rs")
        );
    }
}
