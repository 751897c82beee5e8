//! Name, type and call resolution over the index.
//!
//! Paths resolve as in the 2018 edition: `crate::`, `self::`, `super::`, names in scope
//! (items, child modules, `use` imports with renames, globs), then crates of the workspace
//! by their library name, then external crates, whose paths are returned written in full
//! (`use reqwest::Client; Client::new()` is `reqwest::Client::new`) so that knowledge of
//! libraries can match them. `paths` resolves paths, `types` the types of values
//! (seeing through wrappers and builders as [`TypingHints`] describe them), `calls` where
//! a call goes.

mod calls;
mod paths;
mod types;

use super::*;
use crate::location::TextRange;

/// How values keep their type through ordinary Rust, as far as the resolver follows them.
/// The index knows no library: these words come from whoever runs the analysis.
#[derive(Clone, Debug, Default)]
pub struct TypingHints {
    /// Wrappers a value is reached through without changing what it is: a method called on
    /// `Arc<Repo>` or `web::Data<Repo>` runs on `Repo`.
    pub transparent_wrappers: Vec<String>,
    /// Derives that make a one-field struct dereference to its field: its fields and
    /// methods are reached through the struct.
    pub deref_derives: Vec<String>,
    /// Methods that return the receiver's value unchanged in type (`clone`, `unwrap`,
    /// `lock`).
    pub transparent_methods: Vec<String>,
    /// Associated functions that build a value of their own type: `T::new(..)` is a `T`.
    pub constructor_names: Vec<String>,
    /// Prefixes of such functions: `T::with_capacity(..)`, `T::from_env()`.
    pub constructor_prefixes: Vec<String>,
    /// Methods that finish a builder: `T::builder()....build()` is a `T`.
    pub builder_finishers: Vec<String>,
    /// Builder types of external crates: every method of one keeps its type, and its
    /// finishers give what it builds (`ureq::AgentBuilder::new().timeout(..).build()` is a
    /// `ureq::Agent`).
    pub builders: Vec<BuilderHint>,
    /// Functions whose value is one of their arguments', by position: a closure's return
    /// (`spawn_blocking(move || ..)`) or a future's output (`timeout(limit, connect(..))`).
    pub argument_value_functions: Vec<(String, usize)>,
    /// Collections whose accessors hand back one of their elements (`map.get(k)` of a
    /// `HashMap<K, V>` is a `V`): each type's name and whether its element is its last
    /// type argument (a map's value) or its first (a vector's item).
    pub collections: Vec<(String, bool)>,
    /// Those accessors: `get`, `get_mut`, `first`, `last`, `remove`.
    pub element_accessors: Vec<String>,
    /// Methods of external types that run the workspace's implementation of an external
    /// trait: a call of one goes to every implementation's method.
    pub implementation_calls: Vec<ImplementationCallHint>,
}

/// `axum_login::AuthSession::authenticate` runs `authenticate` of the workspace's
/// `impl axum_login::AuthnBackend for ..`.
#[derive(Clone, Debug, Default)]
pub struct ImplementationCallHint {
    /// The method, as its crate, type and name: `["axum_login", "AuthSession", "authenticate"]`.
    pub method: Vec<String>,
    /// The trait, as its crate and name: `["axum_login", "AuthnBackend"]`.
    pub trait_path: Vec<String>,
    pub trait_method: String,
}

/// An external builder type, what it builds, and the methods that finish it.
#[derive(Clone, Debug, Default)]
pub struct BuilderHint {
    pub builder: Vec<String>,
    pub builds: Vec<String>,
    pub finishers: Vec<String>,
    /// Functions of the built type that start the builder (`relay` of lettre's transport).
    pub started_by: Vec<String>,
}

impl TypingHints {
    fn is_element_accessor(&self, name: &str) -> bool {
        self.element_accessors.iter().any(|known| known == name)
    }

    /// Whether `name` is a collection, and if so whether its element is its last type
    /// argument.
    fn collection(&self, name: &str) -> Option<bool> {
        self.collections
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, element_is_last)| *element_is_last)
    }

    fn is_transparent_wrapper(&self, name: &str) -> bool {
        self.transparent_wrappers.iter().any(|known| known == name)
    }

    fn is_deref_derive(&self, name: &str) -> bool {
        self.deref_derives.iter().any(|known| known == name)
    }

    fn is_transparent_method(&self, name: &str) -> bool {
        self.transparent_methods.iter().any(|known| known == name)
    }

    fn is_builder_finisher(&self, name: &str) -> bool {
        self.builder_finishers.iter().any(|known| known == name)
    }

    /// The type a method of a value of type `path` returns, when `path` is a builder.
    /// A type may build several others, each by its own finisher (an SDK client hands out
    /// one client per resource: `svix.message()`, `svix.endpoint()`): the hint whose
    /// finisher is `method` decides, else any hint of the type keeps it.
    fn through_builder(&self, path: &[CompactString], method: &str) -> Option<TypeTarget> {
        let mut hints = self.builders.iter().filter(|hint| {
            hint.builder.len() == path.len()
                && hint
                    .builder
                    .iter()
                    .zip(path)
                    .all(|(known, segment)| known == segment)
        });
        let first = hints.clone().next()?;
        let hint = hints
            .find(|hint| hint.finishers.iter().any(|finisher| finisher == method))
            .unwrap_or(first);
        let built = if hint.finishers.iter().any(|finisher| finisher == method) {
            &hint.builds
        } else {
            &hint.builder
        };
        Some(TypeTarget::External(
            built
                .iter()
                .map(|segment| segment.as_str().into())
                .collect(),
        ))
    }

    /// The builder a call of the external function `path` starts, when `path` is a
    /// function of a built type that hands back its builder: `lettre::AsyncSmtpTransport::relay`.
    /// Matched as the records' types are: the same crate, type and function, whatever the
    /// modules in between (re-exports make them vary).
    fn started_builder(&self, path: &[CompactString]) -> Option<TypeTarget> {
        let [first, .., type_name, function] = path else {
            return None;
        };
        self.builders
            .iter()
            .find(|hint| {
                hint.builds.first().is_some_and(|known| known == first)
                    && hint.builds.last().is_some_and(|known| known == type_name)
                    && hint.started_by.iter().any(|known| known == function)
            })
            .map(|hint| {
                TypeTarget::External(
                    hint.builder
                        .iter()
                        .map(|segment| segment.as_str().into())
                        .collect(),
                )
            })
    }

    /// The trait and method a call of the external method `path` runs in the workspace's
    /// implementations, matched as records match types: the same crate, type and method,
    /// whatever the modules in between.
    fn implementation_call(&self, path: &[CompactString]) -> Option<&ImplementationCallHint> {
        let [first, .., type_name, method] = path else {
            return None;
        };
        self.implementation_calls.iter().find(|hint| {
            let [known_first, .., known_type, known_method] = hint.method.as_slice() else {
                return false;
            };
            known_first == first && known_type == type_name && known_method == method
        })
    }

    /// Which argument gives the value of a call of `function`, if one does.
    fn value_argument(&self, function: &str) -> Option<usize> {
        self.argument_value_functions
            .iter()
            .find(|(name, _)| name == function)
            .map(|(_, position)| *position)
    }

    fn is_constructor(&self, function: &str) -> bool {
        self.constructor_names.iter().any(|known| known == function)
            || self
                .constructor_prefixes
                .iter()
                .any(|prefix| function.starts_with(prefix.as_str()))
    }
}

/// How many aliases, imports and derivation steps (`let b = a.c; let d = b.e; ..`) a type,
/// a path or a value's type is followed through: the type-resolution limit. Past it the
/// resolver's reason names the limit ([`past_the_resolution_limit`]), and a call left
/// unresolved for that reason makes the answers it could bear on `unknown`.
pub const MAX_RESOLUTION_DEPTH: usize = 24;

/// Ends every reason given past [`MAX_RESOLUTION_DEPTH`].
const PAST_THE_LIMIT: &str = "(the type-resolution limit)";

/// The reason a resolution stopped at the limit: `what` was more than the limit deep.
pub(super) fn past_the_resolution_limit(what: &str) -> String {
    format!("{what} more than {MAX_RESOLUTION_DEPTH} steps deep {PAST_THE_LIMIT}")
}

/// Whether the resolver gave up because of the type-resolution limit, not because the
/// code does not say.
pub fn is_past_the_resolution_limit(reason: &str) -> bool {
    reason.ends_with(PAST_THE_LIMIT)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    Module(ModuleId),
    Fn(FnId),
    /// Several functions: a trait method called through `dyn Trait` reaches every impl.
    Fns(Vec<FnId>),
    Type(TypeId),
    Static(ModuleId, CompactString),
    /// A path into a crate outside the workspace, written in full.
    External(Vec<CompactString>),
    /// Items generated by a macro such as `tonic::include_proto!` in `module`.
    Generated {
        module: ModuleId,
        rest: Vec<CompactString>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeTarget {
    Local(TypeId),
    External(Vec<CompactString>),
    Unknown(String),
}

/// Where a call goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallTarget {
    Local(Vec<FnId>),
    /// A tuple struct or enum variant built with call syntax: not a call at all.
    Constructor,
    External(Vec<CompactString>),
    Unresolved(String),
}

/// A call the resolver could not follow, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnresolvedCall {
    pub caller: FnId,
    pub range: TextRange,
    pub callee: String,
    pub reason: String,
}

/// The function a call or value is seen from.
#[derive(Clone, Copy, Debug)]
pub struct FnContext {
    pub function: FnId,
    pub module: ModuleId,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Namespace {
    Value,
    Type,
}

/// Names that resolve outside the workspace without an import: `std`, `core`, `alloc`, and
/// the prelude's items and primitive types.
pub(super) fn is_external_root(name: &str) -> bool {
    matches!(
        name,
        "std"
            | "core"
            | "alloc"
            | "Ok"
            | "Err"
            | "Some"
            | "None"
            | "Box"
            | "Vec"
            | "String"
            | "Option"
            | "Result"
            | "Default"
            | "drop"
            | "Into"
            | "From"
            | "ToString"
            | "Iterator"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "f32"
            | "f64"
            | "bool"
            | "char"
            | "str"
    )
}
