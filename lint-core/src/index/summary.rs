//! What one file says, as owned data with positions: the only thing that outlives the file's
//! syntax tree. Everything later (module tree, resolution, discovery, facts) reads these.

// Names, path segments and short literals are `CompactString`s, stored inline up to 24
// bytes: the summaries of a whole workspace stay in memory together, and a heap `String` per
// identifier would make most of their millions of allocations (allocating them among the
// syntax trees being parsed and freed costs more time than the summarising itself).
pub use compact_str::{format_compact, CompactString, ToCompactString};

use crate::location::{Position, TextRange};
use crate::sources::SuppressionComment;

/// The summary of one parsed file.
#[derive(Clone, Debug, Default)]
pub struct FileSummary {
    /// `modules[0]` is the file itself; inline `mod x { .. }` blocks follow, each naming its
    /// parent by index.
    pub modules: Vec<ModuleSummary>,
    /// `// failfirst: allow(..)`, `disable(..)`, `enable(..)` comments.
    pub suppression_comments: Vec<SuppressionComment>,
    /// Item macros whose tokens the walk was asked to keep ([`super::WalkHints::token_macros`]:
    /// diesel's `table!` in a `schema.rs`), in the order written.
    pub token_macros: Vec<TokenMacro>,
    /// The `macro_rules!` the file defines at module level, in the order written.
    pub macro_rules: Vec<MacroRules>,
}

/// A `macro_rules!` of the workspace: its invocations in bodies are expanded when a
/// handler's path reads the function that invokes it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MacroRules {
    pub name: CompactString,
    /// `#[macro_export]`: the crates that depend on its crate may invoke it.
    pub exported: bool,
    pub arms: Vec<MacroArm>,
}

/// One arm of a `macro_rules!`: `(matcher) => { transcriber }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MacroArm {
    pub matcher: Vec<MatcherPiece>,
    /// The transcriber's tokens as written: an expansion lays them out past the invocation,
    /// where each gets a place of its own (the facts know an expression by its range).
    pub transcriber: Box<str>,
}

/// What a matcher is made of.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MatcherPiece {
    /// A token the invocation must hold (`=>`, `mysql`, `,`), as printed.
    Token(CompactString),
    /// A delimited group whose inside matches in turn.
    Group(GroupDelimiter, Vec<MatcherPiece>),
    /// `$name:kind`.
    Fragment {
        name: CompactString,
        kind: CompactString,
    },
    /// `$( .. ) separator operator`.
    Repetition {
        pieces: Vec<MatcherPiece>,
        separator: Option<CompactString>,
        operator: char,
    },
}

/// The invocation, in a body, of a macro no library knows, as written: expanded later if a
/// `macro_rules!` of that name is visible to the crate.
#[derive(Clone, Debug)]
pub struct WrittenInvocation {
    /// The last segment of the macro's path.
    pub name: CompactString,
    /// The whole `path!(..)`.
    pub range: TextRange,
    /// The innermost statement and block holding it.
    pub statement: TextRange,
    pub scope: TextRange,
    /// Its text, `path!(..)`, read again when it is expanded.
    pub text: Box<str>,
}

/// An item macro kept with its tokens, as owned data.
#[derive(Clone, Debug)]
pub struct TokenMacro {
    pub path: Vec<CompactString>,
    pub tokens: Vec<TokenSummary>,
}

/// One token of a kept macro.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenSummary {
    /// As written: `r#type` keeps its `r#`.
    Ident(CompactString),
    Punct(char),
    /// As written: a string keeps its quotes.
    Literal(CompactString),
    Group(GroupDelimiter, Vec<TokenSummary>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupDelimiter {
    Parenthesis,
    Brace,
    Bracket,
    None,
}

/// A string literal the walk was asked to keep for the word it starts with
/// ([`super::WalkHints::kept_literal_heads`]: the `CREATE TABLE ..` of a Rust migration).
#[derive(Clone, Debug)]
pub struct KeptLiteral {
    pub range: TextRange,
    pub text: CompactString,
}

#[derive(Clone, Debug, Default)]
pub struct ModuleSummary {
    /// Empty for the file's own module.
    pub name: CompactString,
    pub parent: Option<usize>,
    pub range: TextRange,
    /// `#[cfg(test)]` on this inline module.
    pub is_test: bool,
    /// Attributes of an inline module (failfirst's suppressions among them).
    pub attrs: Vec<AttrSummary>,
    pub mod_decls: Vec<ModDecl>,
    pub uses: Vec<UseEntry>,
    pub fns: Vec<FnSummary>,
    pub impls: Vec<ImplSummary>,
    pub types: Vec<TypeSummary>,
    pub statics: Vec<StaticSummary>,
    /// Packages named by `tonic::include_proto!("pkg")` in this module.
    pub proto_packages: Vec<CompactString>,
    /// Modules that a macro invoked here may declare: every `mod name` among its tokens
    /// (`cfg_if! { if #[cfg(..)] { mod imp; } }`).
    pub macro_mods: Vec<CompactString>,
}

/// `mod name;` — a module whose body is in another file.
#[derive(Clone, Debug)]
pub struct ModDecl {
    pub name: CompactString,
    pub path_attr: Option<CompactString>,
    pub is_test: bool,
    pub range: TextRange,
}

/// One leaf of a `use` tree: `use a::b::c as d;` gives path `[a, b, c]`, alias `Some("d")`;
/// `use a::b::*;` gives path `[a, b]` and no alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseEntry {
    pub path: Vec<CompactString>,
    pub alias: Option<CompactString>,
}

impl UseEntry {
    pub fn is_glob(&self) -> bool {
        self.alias.is_none()
    }
}

#[derive(Clone, Debug)]
pub struct FnSummary {
    pub name: CompactString,
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
    pub path: Vec<CompactString>,
    pub args: Vec<AttrArg>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrArg {
    Literal(CompactString),
    NameValue(CompactString, CompactString),
    Word(CompactString),
}

#[derive(Clone, Debug)]
pub struct ParamSummary {
    /// The names the pattern binds with their types: `State(s): State<App>` binds `s: App`.
    pub bindings: Vec<(CompactString, TypeRef)>,
    /// Names a struct pattern binds to fields: `State(AppState { ref queue, .. }):
    /// State<AppState>` binds `queue` to `AppState`'s field `queue`.
    pub field_bindings: Vec<FieldBinding>,
    pub ty: TypeRef,
}

/// A name bound to a field of a value by a struct pattern.
#[derive(Clone, Debug)]
pub struct FieldBinding {
    pub name: CompactString,
    /// The type of the value the pattern takes apart, as written.
    pub owner: TypeRef,
    pub field: CompactString,
}

/// A type as written, references removed: `&mut Arc<dyn Repo>` is `Arc` with argument
/// `dyn Repo`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TypeRef {
    pub path: Vec<CompactString>,
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
        self.path.last().map(CompactString::as_str)
    }
}

#[derive(Clone, Debug)]
pub struct ImplSummary {
    pub self_ty: TypeRef,
    /// The impl's generic parameters bound to a trait (`impl<R: Repo> Service<R>`), each
    /// as that trait: a field of type `R` is reached through the impl's bound.
    pub generic_bounds: Vec<(CompactString, TypeRef)>,
    pub trait_path: Option<Vec<CompactString>>,
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
    pub name: CompactString,
    pub kind: TypeItemKind,
    pub range: TextRange,
    /// Named fields of a struct with their types; for an alias, the aliased type as `""`;
    /// for an enum, what each tuple variant carries, under the variant's name.
    pub fields: Vec<(CompactString, TypeRef)>,
    /// The derive macros of a struct or enum, by their last segment (`Deref` for
    /// `#[derive(derive_more::Deref)]`).
    pub derives: Vec<CompactString>,
    /// Method names a trait declares.
    pub trait_methods: Vec<CompactString>,
    /// For a trait with supertraits or an `#[enum_dispatch(..)]`: how calls reach its
    /// methods through other types.
    pub trait_links: Option<Box<TraitLinks>>,
}

/// How a trait's methods are reached beside its own impls.
#[derive(Clone, Debug, Default)]
pub struct TraitLinks {
    /// The traits it requires, as written (`PaymentOps` in `trait Connector: PaymentOps`):
    /// a method of one called on `dyn Connector` is theirs.
    pub supertraits: Vec<Vec<CompactString>>,
    /// The enums `#[enum_dispatch(Cache)]` makes it callable on: a call on the enum runs the
    /// implementation of the variant's type, each of them a possible target.
    pub dispatching_enums: Vec<CompactString>,
}

/// `static`/`const` items, including `OnceLock`/`Lazy` holders of clients.
#[derive(Clone, Debug)]
pub struct StaticSummary {
    pub name: CompactString,
    pub ty: TypeRef,
    pub range: TextRange,
    /// What the initialiser mentions (`LazyLock::new(|| Client::builder().timeout(..)..)`).
    pub init_mentions: Mentions,
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
    /// `x = ..`, `x *= 2`, `attempt += 1`: how values change, for backoff and counters.
    pub assignments: Vec<Assignment>,
    /// `a < b`, `attempt >= MAX`, `start.elapsed() > limit`.
    pub comparisons: Vec<Comparison>,
    /// `break`, `return`, `continue` and `?`.
    pub exits: Vec<Exit>,
    /// `Err(..)` patterns of `match` arms and `if let`/`while let`.
    pub error_arms: Vec<ErrorArm>,
    /// Macro invocations in expression or statement position (`select!`, `query!`).
    pub macros: Vec<MacroUse>,
    /// Closures and async blocks.
    pub closures: Vec<TextRange>,
    /// `Type { field: value, .. }`: where values of workspace types get their fields.
    pub struct_literals: Vec<StructLiteral>,
    /// The values of `let _ = ..;`: results thrown away, errors included.
    pub discards: Vec<TextRange>,
    /// `static`s declared inside the body (`static CLIENT: LazyLock<Client> = ..` in the
    /// function that uses it); indexed with the function's module.
    pub statics: Vec<StaticSummary>,
    /// `.await`s on a call or a variable: where a future that is a request is sent.
    pub awaits: Vec<AwaitSite>,
    /// `if`, `match` and `let .. else`: what each tests and where its branches are, so that
    /// a write can be known to run only when a claim succeeded.
    pub branchings: Vec<Branching>,
    /// String literals kept for the word they start with, in the order written: in its
    /// expressions, and at the top level of its macros' arguments.
    pub kept_literals: Vec<KeptLiteral>,
    /// The invocations of macros no library knows (not those nested in one), in the order
    /// written; `None` for most bodies, which hold none.
    pub written_macros: Option<Box<Vec<WrittenInvocation>>>,
}

/// An `.await` of a call (`client.get(url).await`) or of a variable (`request.await`).
#[derive(Clone, Debug)]
pub struct AwaitSite {
    /// The awaited expression, `?` and parentheses peeled: the range of its outermost
    /// call, or of the variable.
    pub value: TextRange,
    /// The variable awaited, when it is one.
    pub variable: Option<CompactString>,
    /// The innermost statement holding the `.await`.
    pub statement: TextRange,
}

/// A place where the code takes one of several ways, by what a value is.
#[derive(Clone, Debug)]
pub struct Branching {
    /// The expression tested: an `if`'s condition (the value of `if let`), a `match`'s
    /// scrutinee, the initialiser of `let .. else`.
    pub tested: TextRange,
    pub tested_mentions: Mentions,
    /// The code of each way: `then` and `else` blocks, `match` arms' bodies, the `else` of
    /// `let .. else`.
    pub branches: Vec<TextRange>,
    /// The rest of the enclosing block after the statement: run only when no branch left
    /// the block (`return`, `?`, `continue`).
    pub after: TextRange,
    /// The branches that always leave the block (bit `i` for branch `i`): they end in
    /// `return`, `break`, `continue` or a panic, as the `else` of `let .. else` must. What
    /// runs on such a branch and what runs `after` never run in the same pass.
    pub leaving_branches: u64,
}

#[derive(Clone, Debug)]
pub struct StructLiteral {
    pub path: Vec<CompactString>,
    pub fields: Vec<FieldInit>,
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub struct FieldInit {
    pub name: CompactString,
    pub value: ValueExpr,
    pub mentions: Mentions,
    pub range: TextRange,
}

/// What an expression mentions, enough to follow a value back to where it came from. One
/// list of tagged entries rather than a list per kind: most expressions mention nothing, and
/// an empty list costs one word less than five.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mentions {
    pub items: Vec<Mention>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mention {
    /// A one-segment path: a local, a parameter, a constant; or a field name.
    Name(CompactString),
    /// A method called.
    Method(CompactString),
    /// A multi-segment path, or a macro's path: `Duration::from_secs`, `config::TIMEOUT`.
    Path(Vec<CompactString>),
    /// A string or number literal, as its text (strings unquoted).
    Literal(CompactString),
    /// A binary operator: `*`, `<<`, `+`.
    Operator(&'static str),
    /// In a call's argument mentions, where the next argument's begin.
    NextArgument,
}

impl Mentions {
    pub fn shrink_to_fit(&mut self) {
        self.items.shrink_to_fit();
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.items.iter().filter_map(|item| match item {
            Mention::Name(name) => Some(name.as_str()),
            _ => None,
        })
    }

    pub fn methods(&self) -> impl Iterator<Item = &str> {
        self.items.iter().filter_map(|item| match item {
            Mention::Method(name) => Some(name.as_str()),
            _ => None,
        })
    }

    pub fn paths(&self) -> impl Iterator<Item = &[CompactString]> {
        self.items.iter().filter_map(|item| match item {
            Mention::Path(path) => Some(path.as_slice()),
            _ => None,
        })
    }

    pub fn literals(&self) -> impl Iterator<Item = &str> {
        self.items.iter().filter_map(|item| match item {
            Mention::Literal(text) => Some(text.as_str()),
            _ => None,
        })
    }

    pub fn operators(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.items.iter().filter_map(|item| match item {
            Mention::Operator(operator) => Some(*operator),
            _ => None,
        })
    }

    /// The mentions of one argument of a call, by position from 0.
    pub fn argument(&self, position: usize) -> &[Mention] {
        self.items
            .split(|item| *item == Mention::NextArgument)
            .nth(position)
            .unwrap_or_default()
    }

    pub fn mentions_name(&self, name: &str) -> bool {
        self.names().any(|candidate| candidate == name)
    }

    pub fn mentions_method(&self, names: &[&str]) -> bool {
        self.methods().any(|method| names.contains(&method))
    }

    pub fn mentions_path_ending(&self, last: &[&str]) -> bool {
        self.paths().any(|path| {
            path.last()
                .is_some_and(|segment| last.contains(&segment.as_str()))
        })
    }

    pub fn extend(&mut self, other: Mentions) {
        self.items.extend(other.items);
    }
}

#[derive(Clone, Debug)]
pub struct Assignment {
    pub target: CompactString,
    /// `=`, `+=`, `*=`, `<<=` …
    pub operator: CompactString,
    pub value: Mentions,
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub struct Comparison {
    pub operands: Mentions,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitKind {
    Break,
    Return,
    Continue,
    Question,
}

#[derive(Clone, Copy, Debug)]
pub struct Exit {
    pub kind: ExitKind,
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub struct ErrorArm {
    /// The whole arm (pattern, guard and body), or the `if let` expression.
    pub range: TextRange,
    /// `Err(_)`, `Err(e)`, `Err(..)`: any error at all (a guard may still narrow it; its
    /// mentions are in `mentions`).
    pub catch_all: bool,
    /// What the guard and the body mention: error classification shows here.
    pub mentions: Mentions,
    /// The expression matched: the `match` scrutinee, or the right side of `if let`.
    pub scrutinee: Option<TextRange>,
    /// The scrutinee when it is a plain variable: `match result { .. }`.
    pub scrutinee_name: Option<CompactString>,
    /// What the guard mentions (`Err(e) if e.is_timeout()`); empty without a guard.
    pub guard: Mentions,
}

/// The macro that puts a file's text into the code at compile time.
pub const INCLUDE_TEXT_MACRO: &str = "include_str";

/// How the walk names the file of a query macro that reads its SQL from a file of the crate
/// (`sqlx::query_file!("queries/unread.sql")`), kept beside the macro as an `include_str!`
/// is: not a path anyone can write, so no macro of the code is taken for it.
pub const CRATE_QUERY_FILE: &str = "<query file of the crate>";

#[derive(Clone, Debug)]
pub struct MacroUse {
    pub path: Vec<CompactString>,
    pub range: TextRange,
    /// The string literals among its arguments, kept only for the macros whose text the
    /// facts read (`sqlx::query!("UPDATE ..")`, `format!(..)`): SQL is parsed from them.
    pub literals: Vec<CompactString>,
    /// The identifiers among those macros' arguments (`req.request_id` gives `req` and
    /// `request_id`): the values bound into the SQL.
    pub names: Vec<CompactString>,
    /// Where each argument's identifiers begin in `names`, for the arguments after the first
    /// (`query!("..", a, b.c)` gives `[0, 1]`): `$1` is the second argument.
    pub argument_starts: Vec<u16>,
    /// For `include_str!("query.sql")` of a file whose text the facts read
    /// ([`super::WalkHints::included_text_extensions`]): the file's text, or why it could
    /// not be read. The walk names the file (its `literals`); the analysis reads it.
    pub included: Option<Box<Result<String, String>>>,
}

impl MacroUse {
    /// The macro includes a file's text (`include_str!`, or a query macro's file).
    pub fn is_include(&self) -> bool {
        self.path
            .last()
            .is_some_and(|last| last == INCLUDE_TEXT_MACRO || last == CRATE_QUERY_FILE)
    }

    /// The included file is named from the crate's manifest folder (a query macro's file),
    /// not from the folder of the file that names it (`include_str!`).
    pub fn is_crate_query_file(&self) -> bool {
        self.path
            .last()
            .is_some_and(|last| last == CRATE_QUERY_FILE)
    }

    /// The identifiers of argument `position` (0 is the first, the SQL text of `query!`).
    pub fn argument_names(&self, position: usize) -> &[CompactString] {
        if position == 0 {
            let end = self
                .argument_starts
                .first()
                .map_or(self.names.len(), |end| *end as usize);
            return &self.names[..end.min(self.names.len())];
        }
        let Some(start) = self.argument_starts.get(position - 1) else {
            return &[];
        };
        let end = self
            .argument_starts
            .get(position)
            .map_or(self.names.len(), |end| *end as usize);
        self.names
            .get(*start as usize..end.min(self.names.len()))
            .unwrap_or_default()
    }
}

impl BodySummary {
    /// The binding `name` refers to at `at`: the last one whose scope holds it (a later
    /// `let` shadows an earlier one).
    pub fn local_at(&self, name: &str, at: Position) -> Option<&LocalBinding> {
        self.locals
            .iter()
            .rev()
            .find(|local| local.name == name && local.scope.contains(at))
    }

    /// Gives back the spare capacity of every list: summaries of a whole workspace stay in
    /// memory together, and vectors grown by doubling waste up to half their size.
    pub fn shrink_to_fit(&mut self) {
        self.locals.shrink_to_fit();
        self.calls.shrink_to_fit();
        for call in &mut self.calls {
            call.arg_ranges.shrink_to_fit();
            call.arg_mentions.shrink_to_fit();
        }
        for local in &mut self.locals {
            local.init_mentions.shrink_to_fit();
        }
        self.route_statements.shrink_to_fit();
        self.loops.shrink_to_fit();
        self.assignments.shrink_to_fit();
        self.comparisons.shrink_to_fit();
        self.exits.shrink_to_fit();
        self.error_arms.shrink_to_fit();
        self.macros.shrink_to_fit();
        self.closures.shrink_to_fit();
        self.struct_literals.shrink_to_fit();
        self.discards.shrink_to_fit();
        self.awaits.shrink_to_fit();
        self.branchings.shrink_to_fit();
        if let Some(written) = &mut self.written_macros {
            written.shrink_to_fit();
        }
    }
}

/// A `let` (or pattern) binding and the range of text where it is visible.
#[derive(Clone, Debug)]
pub struct LocalBinding {
    pub name: CompactString,
    pub declared: Option<TypeRef>,
    pub init: Option<ValueExpr>,
    /// Where the initialiser is written, to find the calls it makes.
    pub init_range: Option<TextRange>,
    /// What the initialiser mentions.
    pub init_mentions: Mentions,
    pub scope: TextRange,
}

/// The shape of an expression that yields a value whose type the resolver may work out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueExpr {
    /// A one-segment path: a local variable, or else a constant or static.
    Name(CompactString),
    /// A multi-segment path: a constant, static or unit struct.
    Path(Vec<CompactString>),
    SelfValue,
    Field(Box<ValueExpr>, CompactString),
    Call {
        callee: Vec<CompactString>,
        args: Vec<ValueExpr>,
    },
    MethodCall {
        receiver: Box<ValueExpr>,
        method: CompactString,
    },
    StructLiteral(Vec<CompactString>),
    /// The value a block, closure or `async` block ends with, and where that expression is
    /// written: the block's own locals are in scope there.
    Tail {
        value: Box<ValueExpr>,
        at: Position,
    },
    /// What an `Option` or `Result` holds, bound by a pattern (`Some(x)`, `Ok(x)`) or given
    /// to a closure (`opt.map(|x| ..)`): of the same type as far as the resolver sees, but
    /// never the request or builder the value itself may look like.
    Unwrapped(Box<ValueExpr>),
    /// What one tuple variant of an enum value carries, bound by a pattern: `transport` in
    /// `match self { Backend::Smtp(transport) => .. }` is what `Backend::Smtp` holds.
    VariantField {
        value: Box<ValueExpr>,
        variant: CompactString,
    },
    /// The values a `match` or an `if`/`else` may end with, one per way that does not
    /// diverge, in the order written. Rust gives every way the same type, so any of them
    /// types the whole; none of them alone is known to be the value.
    OneOf(Vec<ValueExpr>),
    Unknown,
}

/// A call in a function body, with its callee as written.
#[derive(Clone, Debug)]
pub struct CallSite {
    pub range: TextRange,
    pub callee: Callee,
    /// Everything the arguments mention.
    pub arg_mentions: Mentions,
    /// Each argument's range, in order.
    pub arg_ranges: Vec<TextRange>,
    /// The receiver of a method call.
    pub receiver_range: Option<TextRange>,
    /// The innermost statement holding the call: findings point at its first line.
    pub statement: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callee {
    /// `f(..)`, `a::b(..)`, `Type::method(..)`.
    Path(Vec<CompactString>),
    /// `receiver.method(..)`.
    Method {
        receiver: ValueExpr,
        method: CompactString,
    },
}

/// A statement that registers routes, with the variable it binds if any.
#[derive(Clone, Debug)]
pub struct RouteStatement {
    pub binding: Option<CompactString>,
    pub expr: ExprTree,
}

/// A small owned copy of the expressions that build routes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprTree {
    Call {
        callee: Vec<CompactString>,
        args: Vec<ExprTree>,
        range: TextRange,
    },
    MethodCall {
        receiver: Box<ExprTree>,
        method: CompactString,
        args: Vec<ExprTree>,
        range: TextRange,
    },
    Path {
        segments: Vec<CompactString>,
        range: TextRange,
    },
    Str(CompactString),
    Closure {
        range: TextRange,
    },
    /// `routes![a, b]`, `warp::path!("a" / u64)`: the macro and its arguments read as
    /// expressions (a `/`-separated path is flattened into its parts).
    Macro {
        path: Vec<CompactString>,
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
    /// A `for` over a range (`0..n`, `1..=MAX`): a bounded count of passes.
    pub over_range: bool,
    /// What the `for` iterates over or the `while` condition says.
    pub head: Mentions,
    /// `while let` (or `for`): a loop over what a stream, channel or iterator yields.
    pub is_while_let: bool,
    /// The loop's body.
    pub body: TextRange,
    /// Names bound by the loop's pattern (`while let Some(m)`) and by `match`/`if let` arms
    /// inside it: the message, when the loop consumes one.
    pub bound_names: Vec<CompactString>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopKeyword {
    Loop,
    While,
    For,
}
