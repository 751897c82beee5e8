//! Turns one file's syntax tree into its [`FileSummary`]. This is the only walk of the tree:
//! every later layer reads the summary. The walk is split along what it reads: items
//! (modules, `use`, functions, impls, types, statics, attributes), types and patterns,
//! function bodies, the expressions a body keeps whole (values, route statements), and
//! what an expression mentions.
//!
//! The index knows no library: the few words that decide what is worth keeping (which
//! impls are inert, which macros' text may be SQL, which methods build routes) arrive as
//! [`WalkHints`], filled by whoever runs the analysis.

mod bodies;
mod exprs;
mod items;
mod macro_rules;
mod macros;
mod mentions;
mod types;

use syn::spanned::Spanned;

use super::summary::*;
use crate::location::{Position, TextRange};
use crate::sources::ParsedFile;
pub(crate) use macro_rules::expand_body;
pub use macro_rules::{VisibleMacro, VisibleMacros};

/// What the walk is told from outside about what to keep.
#[derive(Clone, Debug, Default)]
pub struct WalkHints {
    /// Traits whose impls never do a handler's I/O (`Clone`, `Debug`, serde's): their
    /// impls are not indexed, which generated code holds by the ten thousand.
    pub inert_traits: Vec<String>,
    /// Macros whose string arguments are kept (`sqlx::query!`, `format!`): SQL is read
    /// from them.
    pub literal_macros: Vec<String>,
    /// Attributes that make a trait callable on an enum whose variants implement it
    /// (`#[enum_dispatch(Cache)]`): the enum's calls reach every variant's implementation.
    pub dispatch_attributes: Vec<String>,
    /// Extensions (`sql`) of the files whose `include_str!` is kept with the file's name,
    /// for the analysis to read the text: a query kept in its own file.
    pub included_text_extensions: Vec<String>,
    /// Query macros whose SQL is in a file of the crate, named by their first string
    /// argument (`sqlx::query_file!("queries/unread.sql")`): the file is kept for the
    /// analysis to read.
    pub file_query_macros: Vec<String>,
    /// Words (lowercase) that make a `format!` string worth keeping beside SQL keywords: an
    /// idempotency key, an inbox, an outcome such as `failed` or `refund`.
    pub kept_format_words: Vec<String>,
    /// Methods whose receiver is code run on each attempt (`(|| ..).retry(policy)`): where
    /// that receiver is written is kept.
    pub ranged_receiver_methods: Vec<String>,
    /// Methods that may call their closure once per item (`for_each`, an iterator's `map`):
    /// where their arguments are written is kept, as code that may run several times.
    pub per_item_methods: Vec<String>,
    /// Methods that register routes: a statement calling one is kept whole for discovery.
    pub route_building_methods: Vec<String>,
    /// Functions that build a method router (`get(h)`, `post_with(h, docs)`): a `let` bound
    /// to one is kept whole for discovery, for the route that later uses it.
    pub method_router_functions: Vec<String>,
    /// Item macros whose tokens are kept whole (diesel's `table!`): a schema is read from
    /// them. Empty when linting.
    pub token_macros: Vec<String>,
    /// Words (uppercase) that make a string literal in a body worth keeping when it starts
    /// with one of them, case aside (`CREATE`, `ALTER`, `DROP`: a migration's SQL). Empty
    /// when linting.
    pub kept_literal_heads: Vec<String>,
    /// Methods whose closure argument is given the receiver's value (`opt.map(|client| ..)`,
    /// `conn.transaction(|conn| ..)`): the closure's parameter is typed as the receiver.
    pub closure_receiver_methods: Vec<String>,
    /// Macros whose arguments are text, formatting or assertions, never code worth
    /// reading: the walk does not parse them.
    pub macros_not_code: Vec<String>,
    /// Macros of `pattern = future => body` arms (`tokio::select!`): each arm is read.
    pub select_macros: Vec<String>,
    /// Macros that list routes for a later mount (rocket's `routes![a, b]`): a `let` bound
    /// to one, or a function returning one, is kept for discovery.
    pub route_list_macros: Vec<String>,
}

/// Summarises a parsed file, its suppression comments carried over. Pure: the caller owns
/// parsing and the span source map.
pub fn summarize_file(parsed: ParsedFile, hints: &WalkHints) -> FileSummary {
    // The file's own module spans the whole file.
    let whole_file = TextRange {
        start: Position { line: 1, column: 1 },
        end: Position {
            line: u32::MAX,
            column: 1,
        },
    };
    let mut summary = FileSummary {
        modules: vec![ModuleSummary {
            range: whole_file,
            ..ModuleSummary::default()
        }],
        suppression_comments: parsed.suppression_comments,
        token_macros: Vec::new(),
        macro_rules: Vec::new(),
    };
    // Long chains' first and last tokens are remembered by address while this tree lives.
    crate::index::spans::forget_long_chains();
    items::collect_items(&parsed.syntax.items, 0, false, hints, &mut summary);
    crate::index::spans::forget_long_chains();
    summary
}

/// The range of a small node (an identifier, a pattern, a type): syn prints it to find it,
/// which is cheap only for small nodes. Expressions go through `spans`.
/// A `static` item, at module level or nested in a function (a client is often built in a
/// `static` inside the function that hands out requests).
fn static_summary(item_static: &syn::ItemStatic) -> StaticSummary {
    StaticSummary {
        name: item_static.ident.to_compact_string(),
        ty: types::type_ref(&item_static.ty),
        range: TextRange::between(item_static.static_token.span, item_static.semi_token.span),
        init_mentions: mentions::static_init_mentions(&item_static.expr),
    }
}

fn range_of<T: Spanned>(node: &T) -> TextRange {
    TextRange::from_span(node.span())
}

fn path_segments(path: &syn::Path) -> Vec<CompactString> {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_compact_string())
        .collect()
}
