//! The workspace index: modules, imports, items, field types, and the resolver.
//!
//! `collect` walks each parsed file once into its summary (the only walk of a syntax
//! tree); `modules` builds the index from the summaries of every crate. Module trees
//! follow `mod x;` declarations from each crate root as rustc does (`x.rs`, `x/mod.rs`,
//! `#[path]`, inline modules); files that no root reaches get a module path from their
//! location so that they are still analysed. `resolve` takes a path, a value or a call to
//! what it names.
//!
//! The index knows Rust, not libraries: what a walk keeps ([`WalkHints`]) and how values
//! keep their type through wrappers and builders ([`TypingHints`]) are given to it.
//!
//! May import: `sources`, `location`, `vocab`.

mod collect;
mod expansions;
mod lookup;
mod modules;
mod patch;
mod reads;
mod resolve;
mod spans;
mod summary;

use std::collections::BTreeMap;

pub use collect::{summarize_file, VisibleMacro, VisibleMacros, WalkHints};
pub use lookup::{union as union_of_fns, BodyLookup};
pub use modules::{build_index_from, MAX_MODULE_DEPTH};
pub use patch::FileShape;
pub use reads::{line_in_words, note_facts_reads, note_reads, recording_reads, Read};
pub use resolve::{
    is_past_the_resolution_limit, BuilderHint, CallTarget, FnContext, ImplementationCallHint,
    Resolution, TypeTarget, TypingHints, UnresolvedCall, MAX_RESOLUTION_DEPTH,
};
pub use summary::*;

use crate::location::FileId;
use crate::sources::SuppressionComment;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CrateId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FnId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImplId(pub u32);

#[derive(Debug, Default)]
pub struct WorkspaceIndex {
    pub crates: Vec<CrateInfo>,
    pub files: Vec<FileInfo>,
    pub modules: Vec<Module>,
    pub fns: Vec<FnDef>,
    pub types: Vec<TypeDef>,
    pub impls: Vec<ImplDef>,
    /// Impls by the type they are for (inherent and trait impls alike).
    pub impls_by_type: BTreeMap<TypeId, Vec<ImplId>>,
    /// Trait impls by the trait they implement, when it is a workspace trait.
    pub impls_by_trait: BTreeMap<TypeId, Vec<ImplId>>,
    /// Impl self types waiting to be resolved while the index is built.
    pending_impl_self_types: Vec<(ImplId, TypeRef)>,
    /// `use` paths already resolved, by module, path and namespace (see `resolve_use`).
    use_cache: UseCache,
    /// How the resolver sees values through wrappers and builders.
    typing: TypingHints,
    /// Files the index did not analyse although they parsed, and why (a module nested past
    /// [`MAX_MODULE_DEPTH`]): reported as `parse-error`s.
    pub problems: Vec<(FileId, crate::sources::ParseProblem)>,
    /// Functions by what their bodies name: built with the index, kept current by `patch`.
    bodies: BodyLookup,
    /// The workspace's `macro_rules!` and the functions that invoke them, expanded when read.
    expansions: expansions::MacroExpansions,
}

type UseCache = std::sync::Mutex<
    std::collections::HashMap<(ModuleId, Vec<CompactString>, bool), Option<Resolution>>,
>;

#[derive(Debug)]
pub struct CrateInfo {
    pub name: String,
    pub lib_name: String,
    /// Dependencies used under another name, as (name in paths, package's library name).
    pub renamed_dependencies: Vec<(CompactString, CompactString)>,
    /// The root module of the crate's library target, if it has one.
    pub lib_root: Option<ModuleId>,
}

#[derive(Debug)]
pub struct FileInfo {
    pub crate_id: CrateId,
    pub display_path: String,
    pub reported: bool,
    /// No module tree reaches the file and no macro of its crate may declare it: rustc
    /// compiles none of it, so its handlers are look-alikes. It is read for resolution.
    pub unreached: bool,
    /// The module the file's top level is, once placed in a module tree.
    pub module: Option<ModuleId>,
    pub suppression_comments: Vec<SuppressionComment>,
}

#[derive(Debug)]
pub struct Module {
    pub crate_id: CrateId,
    pub file: FileId,
    /// Names from the crate root down, the crate's own name first:
    /// `["payments_service", "handlers", "orders"]`.
    pub path: Vec<CompactString>,
    pub parent: Option<ModuleId>,
    /// The root of this module's tree, which `crate::` names.
    pub root: ModuleId,
    pub is_test: bool,
    pub children: BTreeMap<CompactString, ModuleId>,
    pub fns: BTreeMap<CompactString, FnId>,
    pub types: BTreeMap<CompactString, TypeId>,
    pub statics: BTreeMap<CompactString, StaticSummary>,
    pub uses: Vec<UseEntry>,
    pub proto_packages: Vec<CompactString>,
    /// Modules that macros invoked here may declare (`ModuleSummary::macro_mods`).
    pub macro_mods: Vec<CompactString>,
    /// The module's own attributes (an inline module's), and the text it spans.
    pub attrs: Vec<AttrSummary>,
    pub range: crate::location::TextRange,
}

#[derive(Debug)]
pub struct FnDef {
    pub module: ModuleId,
    pub file: FileId,
    pub owner: Option<ImplId>,
    /// Boxed: the index's list of every function of the workspace then grows by copying
    /// small entries (a large workspace has 100,000s of functions, and a list of whole
    /// summaries copied each time it doubles was a tenth of a second of page faults).
    pub summary: Box<FnSummary>,
}

#[derive(Debug)]
pub struct TypeDef {
    pub module: ModuleId,
    pub summary: TypeSummary,
}

#[derive(Debug)]
pub struct ImplDef {
    pub module: ModuleId,
    pub file: FileId,
    pub range: crate::location::TextRange,
    pub self_type: TypeTarget,
    /// The impl's generic parameters bound to a trait, each as that trait.
    pub generic_bounds: Vec<(CompactString, TypeRef)>,
    pub trait_path: Option<Vec<CompactString>>,
    pub trait_resolution: Option<Resolution>,
    pub attrs: Vec<AttrSummary>,
    pub is_test: bool,
    pub methods: Vec<FnId>,
}

impl WorkspaceIndex {
    /// A function's definition; the read is noted for [`recording_reads`].
    /// A function that invokes a workspace `macro_rules!` is read expanded: the code of the
    /// arms it invokes is its own.
    pub fn fn_def(&self, id: FnId) -> &FnDef {
        reads::note_read(Read::Definition(id));
        self.expanded_fn_def(id)
            .unwrap_or_else(|| &self.fns[id.0 as usize])
    }

    /// The calls of a function's body, for a scan of many functions that reads only what
    /// each call names and mentions (`callee`, `arg_mentions`), and reads the definition
    /// ([`WorkspaceIndex::fn_def`]) of a function whose call it takes.
    pub fn fn_calls(&self, id: FnId) -> &[CallSite] {
        reads::note_read(Read::Calls(id));
        &self.fns[id.0 as usize].summary.body.calls
    }

    /// The struct literals of a function's body, for a scan of many functions that reads
    /// only each literal's path and its fields' names, and reads the definition
    /// ([`WorkspaceIndex::fn_def`]) of a function whose literal it takes.
    pub fn fn_struct_literals(&self, id: FnId) -> &[StructLiteral] {
        reads::note_read(Read::StructLiterals(id));
        &self.fns[id.0 as usize].summary.body.struct_literals
    }

    /// A function's name alone: not a read of its definition (see [`recording_reads`]), as
    /// an edit that keeps the index in place keeps every name.
    pub fn fn_name(&self, id: FnId) -> &CompactString {
        &self.fns[id.0 as usize].summary.name
    }

    /// A function's definition, for a reader of its outline only: where it is (module,
    /// file, impl), its name and where that is written, its attributes and signature
    /// (`params`, `output`, `is_async`, `has_self`, `is_test`); not its body, nor where it
    /// ends. Not a read ([`recording_reads`]): the language server keeps verdicts only
    /// through an edit that leaves the outline of the functions it changes as it was, and
    /// moves the others' with their lines.
    pub fn fn_outline(&self, id: FnId) -> &FnDef {
        &self.fns[id.0 as usize]
    }

    /// The impl a function is written in, alone: not a read of its definition, as an edit
    /// that keeps the index in place keeps every function in its impl.
    pub fn fn_owner(&self, id: FnId) -> Option<ImplId> {
        self.fns[id.0 as usize].owner
    }

    pub fn module(&self, id: ModuleId) -> &Module {
        &self.modules[id.0 as usize]
    }

    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0 as usize]
    }

    pub fn impl_def(&self, id: ImplId) -> &ImplDef {
        &self.impls[id.0 as usize]
    }

    pub fn file(&self, id: FileId) -> &FileInfo {
        &self.files[id.0 as usize]
    }

    /// Which functions build a type, call a name or build routes, without a scan.
    pub fn bodies(&self) -> &BodyLookup {
        &self.bodies
    }

    /// `crate_name::module::Type::method` or `crate_name::module::function`.
    pub fn fn_path(&self, id: FnId) -> String {
        let def = self.fn_def(id);
        let mut path = self.module(def.module).path.clone();
        if let Some(impl_id) = def.owner {
            match &self.impl_def(impl_id).self_type {
                TypeTarget::Local(type_id) => {
                    path.push(self.type_def(*type_id).summary.name.clone())
                }
                TypeTarget::External(external) => path.extend(external.iter().cloned()),
                TypeTarget::Unknown(_) => path.push("<impl>".into()),
            }
        }
        path.push(def.summary.name.clone());
        path.join("::")
    }

    /// The proto package of generated code reached by a resolution, if a module on its way
    /// holds `tonic::include_proto!`.
    pub fn proto_package(&self, resolution: &Resolution) -> Option<&str> {
        match resolution {
            Resolution::Generated { module, .. } => self
                .module(*module)
                .proto_packages
                .first()
                .map(CompactString::as_str),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
