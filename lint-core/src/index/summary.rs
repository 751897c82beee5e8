//! What one file says, as owned data with positions: the only thing that outlives the file's
//! syntax tree. Everything later (module tree, resolution, discovery, facts) reads these.

use crate::location::TextRange;

/// The summary of one parsed file.
#[derive(Clone, Debug, Default)]
pub struct FileSummary {
    /// `modules[0]` is the file itself; inline `mod x { .. }` blocks follow, each naming its
    /// parent by index.
    pub modules: Vec<ModuleSummary>,
}

#[derive(Clone, Debug, Default)]
pub struct ModuleSummary {
    /// Empty for the file's own module.
    pub name: String,
    pub parent: Option<usize>,
    pub range: TextRange,
    /// `#[cfg(test)]` on this inline module.
    pub is_test: bool,
    pub mod_decls: Vec<ModDecl>,
    pub uses: Vec<UseEntry>,
    pub fns: Vec<FnSummary>,
    pub impls: Vec<ImplSummary>,
    pub types: Vec<TypeSummary>,
    pub statics: Vec<StaticSummary>,
    /// Packages named by `tonic::include_proto!("pkg")` in this module.
    pub proto_packages: Vec<String>,
}

/// `mod name;` — a module whose body is in another file.
#[derive(Clone, Debug)]
pub struct ModDecl {
    pub name: String,
    pub path_attr: Option<String>,
    pub is_test: bool,
    pub range: TextRange,
}

/// One leaf of a `use` tree: `use a::b::c as d;` gives path `[a, b, c]`, alias `Some("d")`;
/// `use a::b::*;` gives path `[a, b]` and no alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseEntry {
    pub path: Vec<String>,
    pub alias: Option<String>,
}

impl UseEntry {
    pub fn is_glob(&self) -> bool {
        self.alias.is_none()
    }
}

#[derive(Clone, Debug)]
pub struct FnSummary {
    pub name: String,
    pub name_range: TextRange,
    pub range: TextRange,
    pub attrs: Vec<AttrSummary>,
    pub is_async: bool,
    pub has_self: bool,
    pub params: Vec<ParamSummary>,
    pub output: Option<TypeRef>,
    /// Inside `#[cfg(test)]`, or itself a `#[test]`/`#[tokio::test]`.
    pub is_test: bool,
    pub body: BodySummary,
}

/// An attribute as a path and its arguments, read leniently: `#[post("/x", data = "<o>")]`
/// gives path `[post]` and args `[Literal("/x"), NameValue("data", "<o>")]`.
#[derive(Clone, Debug)]
pub struct AttrSummary {
    pub path: Vec<String>,
    pub args: Vec<AttrArg>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrArg {
    Literal(String),
    NameValue(String, String),
    Word(String),
}

#[derive(Clone, Debug)]
pub struct ParamSummary {
    /// The names the pattern binds with their types: `State(s): State<App>` binds `s: App`.
    pub bindings: Vec<(String, TypeRef)>,
    pub ty: TypeRef,
}

/// A type as written, references removed: `&mut Arc<dyn Repo>` is `Arc` with argument
/// `dyn Repo`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TypeRef {
    pub path: Vec<String>,
    pub args: Vec<TypeRef>,
    pub kind: TypeRefKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TypeRefKind {
    #[default]
    Path,
    /// `dyn Trait` or `impl Trait`: `path` names the trait.
    Trait,
    /// A tuple, slice, array, fn pointer, `_` …: nothing to resolve.
    Other,
}

impl TypeRef {
    pub fn last_name(&self) -> Option<&str> {
        self.path.last().map(String::as_str)
    }
}

#[derive(Clone, Debug)]
pub struct ImplSummary {
    pub self_ty: TypeRef,
    pub trait_path: Option<Vec<String>>,
    pub attrs: Vec<AttrSummary>,
    pub range: TextRange,
    pub is_test: bool,
    pub methods: Vec<FnSummary>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeItemKind {
    Struct,
    Enum,
    Union,
    Trait,
    Alias,
}

#[derive(Clone, Debug)]
pub struct TypeSummary {
    pub name: String,
    pub kind: TypeItemKind,
    pub range: TextRange,
    /// Named fields of a struct with their types; for an alias, the aliased type as `""`.
    pub fields: Vec<(String, TypeRef)>,
    /// Method names a trait declares.
    pub trait_methods: Vec<String>,
}

/// `static`/`const` items, including `OnceLock`/`Lazy` holders of clients.
#[derive(Clone, Debug)]
pub struct StaticSummary {
    pub name: String,
    pub ty: TypeRef,
    pub range: TextRange,
}

/// What a function body does, as far as later layers need to know.
#[derive(Clone, Debug, Default)]
pub struct BodySummary {
    pub locals: Vec<LocalBinding>,
    pub calls: Vec<CallSite>,
    /// Statements that build routes (router chains, `cfg.service(..)`, warp filters, rocket
    /// `mount`): kept as small owned expression trees for discovery to interpret.
    pub route_statements: Vec<RouteStatement>,
    pub loops: Vec<LoopSummary>,
}

/// A `let` (or pattern) binding and the range of text where it is visible.
#[derive(Clone, Debug)]
pub struct LocalBinding {
    pub name: String,
    pub declared: Option<TypeRef>,
    pub init: Option<ValueExpr>,
    /// Where the initialiser is written, to find the calls it makes.
    pub init_range: Option<TextRange>,
    pub scope: TextRange,
}

/// The shape of an expression that yields a value whose type the resolver may work out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueExpr {
    /// A one-segment path: a local variable, or else a constant or static.
    Name(String),
    /// A multi-segment path: a constant, static or unit struct.
    Path(Vec<String>),
    SelfValue,
    Field(Box<ValueExpr>, String),
    Call {
        callee: Vec<String>,
        args: Vec<ValueExpr>,
    },
    MethodCall {
        receiver: Box<ValueExpr>,
        method: String,
    },
    StructLiteral(Vec<String>),
    Unknown,
}

/// A call in a function body, with its callee as written.
#[derive(Clone, Debug)]
pub struct CallSite {
    pub range: TextRange,
    pub callee: Callee,
    /// String literals among the arguments (also inside `&[..]`), in order.
    pub literal_args: Vec<String>,
    /// Identifiers the arguments mention, in order.
    pub arg_names: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callee {
    /// `f(..)`, `a::b(..)`, `Type::method(..)`.
    Path(Vec<String>),
    /// `receiver.method(..)`.
    Method { receiver: ValueExpr, method: String },
}

/// A statement that registers routes, with the variable it binds if any.
#[derive(Clone, Debug)]
pub struct RouteStatement {
    pub binding: Option<String>,
    pub expr: ExprTree,
}

/// A small owned copy of the expressions that build routes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprTree {
    Call {
        callee: Vec<String>,
        args: Vec<ExprTree>,
        range: TextRange,
    },
    MethodCall {
        receiver: Box<ExprTree>,
        method: String,
        args: Vec<ExprTree>,
        range: TextRange,
    },
    Path {
        segments: Vec<String>,
        range: TextRange,
    },
    Str(String),
    Closure {
        range: TextRange,
    },
    /// `routes![a, b]`, `warp::path!("a" / u64)`: the macro and its arguments read as
    /// expressions (a `/`-separated path is flattened into its parts).
    Macro {
        path: Vec<String>,
        args: Vec<ExprTree>,
        range: TextRange,
    },
    Other,
}

impl ExprTree {
    pub fn range(&self) -> Option<TextRange> {
        match self {
            ExprTree::Call { range, .. }
            | ExprTree::MethodCall { range, .. }
            | ExprTree::Path { range, .. }
            | ExprTree::Closure { range }
            | ExprTree::Macro { range, .. } => Some(*range),
            ExprTree::Str(_) | ExprTree::Other => None,
        }
    }
}

/// A `loop`, `while` or `for` in a function body, with what it receives from.
#[derive(Clone, Debug)]
pub struct LoopSummary {
    /// The line of the `loop`/`while`/`for` keyword to the end of its body.
    pub range: TextRange,
    pub keyword: LoopKeyword,
    /// Names bound by the loop's pattern (`while let Some(m)`) and by `match`/`if let` arms
    /// inside it: the message, when the loop consumes one.
    pub bound_names: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopKeyword {
    Loop,
    While,
    For,
}
