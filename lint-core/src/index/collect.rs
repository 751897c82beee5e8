//! Turns one file's syntax tree into its [`FileSummary`]. This is the only walk of the tree:
//! every later layer reads the summary.

use proc_macro2::{TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::spans::{
    between, block_range, closure_range, expr_range, expr_to_token, exprs_range, local_range,
    macro_range, stmt_range, struct_range, token_to_expr,
};
use super::summary::*;
use crate::knowledge::{
    COMPENSATION_WORDS, FAILURE_WORDS, IDEMPOTENCY_FIELD_PARTS, INERT_TRAITS, KEY_TABLE_PARTS,
    LITERAL_MACROS, MESSAGE_ID_NAMES, PENDING_WORDS, RANGED_RECEIVER_METHODS,
    ROUTE_BUILDING_METHODS,
};
use crate::location::TextRange;

/// Summarises a parsed file. Pure: the caller owns parsing and the span source map.
pub fn summarize_file(file: &syn::File) -> FileSummary {
    // The file's own module spans the whole file.
    let whole_file = TextRange {
        start: crate::location::Position { line: 1, column: 1 },
        end: crate::location::Position {
            line: u32::MAX,
            column: 1,
        },
    };
    let mut summary = FileSummary {
        modules: vec![ModuleSummary {
            range: whole_file,
            ..ModuleSummary::default()
        }],
        suppression_comments: Vec::new(),
    };
    collect_items(&file.items, 0, false, &mut summary);
    summary
}

/// The range of a small node (an identifier, a pattern, a type): syn prints it to find it,
/// which is cheap only for small nodes. Expressions go through [`spans`].
fn range_of<T: Spanned>(node: &T) -> TextRange {
    TextRange::from_span(node.span())
}

fn collect_items(items: &[syn::Item], module: usize, in_test: bool, out: &mut FileSummary) {
    for item in items {
        match item {
            syn::Item::Mod(item_mod) => {
                let is_test = in_test || has_cfg_test(&item_mod.attrs);
                match &item_mod.content {
                    Some((_, inner)) => {
                        out.modules.push(ModuleSummary {
                            attrs: summarize_attrs(&item_mod.attrs),
                            name: item_mod.ident.to_compact_string(),
                            parent: Some(module),
                            range: item_mod_range(item_mod),
                            is_test,
                            ..ModuleSummary::default()
                        });
                        let child = out.modules.len() - 1;
                        collect_items(inner, child, is_test, out);
                    }
                    None => out.modules[module].mod_decls.push(ModDecl {
                        name: item_mod.ident.to_compact_string(),
                        path_attr: path_attribute(&item_mod.attrs),
                        is_test,
                        range: item_mod_range(item_mod),
                    }),
                }
            }
            syn::Item::Use(item_use) => flatten_use_tree(
                &item_use.tree,
                &mut Vec::new(),
                &mut out.modules[module].uses,
            ),
            syn::Item::Fn(item_fn) => {
                let summary = summarize_fn(
                    &item_fn.sig,
                    &item_fn.attrs,
                    Some(&item_fn.block),
                    between(
                        item_fn.sig.fn_token.span,
                        item_fn.block.brace_token.span.close(),
                    ),
                    in_test,
                );
                out.modules[module].fns.push(summary);
            }
            // `impl Clone for X`, `impl fmt::Debug for X`, serde's impls: code that no
            // handler reaches for I/O, and that generated bindings hold by the ten
            // thousand. Their methods are left out of the index.
            syn::Item::Impl(item_impl)
                if item_impl.trait_.as_ref().is_some_and(|(_, path, _)| {
                    path.segments
                        .last()
                        .is_some_and(|last| INERT_TRAITS.iter().any(|name| last.ident == name))
                }) => {}
            syn::Item::Impl(item_impl) => {
                let is_test = in_test || has_cfg_test(&item_impl.attrs);
                let methods = item_impl
                    .items
                    .iter()
                    .filter_map(|impl_item| match impl_item {
                        syn::ImplItem::Fn(method) => Some(summarize_fn(
                            &method.sig,
                            &method.attrs,
                            Some(&method.block),
                            between(
                                method.sig.fn_token.span,
                                method.block.brace_token.span.close(),
                            ),
                            is_test,
                        )),
                        _ => None,
                    })
                    .collect();
                out.modules[module].impls.push(ImplSummary {
                    self_ty: type_ref(&item_impl.self_ty),
                    trait_path: item_impl
                        .trait_
                        .as_ref()
                        .map(|(_, path, _)| path_segments(path)),
                    attrs: summarize_attrs(&item_impl.attrs),
                    range: between(
                        item_impl.impl_token.span,
                        item_impl.brace_token.span.close(),
                    ),
                    is_test,
                    methods,
                });
            }
            syn::Item::Struct(item_struct) => {
                let fields = item_struct
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(position, field)| {
                        let name = field
                            .ident
                            .as_ref()
                            .map(ToCompactString::to_compact_string)
                            .unwrap_or_else(|| position.to_compact_string());
                        (name, type_ref(&field.ty))
                    })
                    .collect();
                out.modules[module].types.push(TypeSummary {
                    name: item_struct.ident.to_compact_string(),
                    kind: TypeItemKind::Struct,
                    range: between(item_struct.struct_token.span, item_struct.ident.span()),
                    fields,
                    trait_methods: Vec::new(),
                });
            }
            syn::Item::Enum(item_enum) => out.modules[module].types.push(TypeSummary {
                name: item_enum.ident.to_compact_string(),
                kind: TypeItemKind::Enum,
                range: between(item_enum.enum_token.span, item_enum.ident.span()),
                // What a tuple variant carries, by the variant's name: an enum that hands a
                // transaction back (`NextAction::StartProcessing(Transaction<..>)`).
                fields: item_enum
                    .variants
                    .iter()
                    .flat_map(|variant| {
                        let name = variant.ident.to_compact_string();
                        variant
                            .fields
                            .iter()
                            .filter(|field| field.ident.is_none())
                            .map(move |field| (name.clone(), type_ref(&field.ty)))
                    })
                    .collect(),
                trait_methods: Vec::new(),
            }),
            syn::Item::Union(item_union) => out.modules[module].types.push(TypeSummary {
                name: item_union.ident.to_compact_string(),
                kind: TypeItemKind::Union,
                range: between(item_union.union_token.span, item_union.ident.span()),
                fields: Vec::new(),
                trait_methods: Vec::new(),
            }),
            syn::Item::Trait(item_trait) => out.modules[module].types.push(TypeSummary {
                name: item_trait.ident.to_compact_string(),
                kind: TypeItemKind::Trait,
                range: between(item_trait.trait_token.span, item_trait.ident.span()),
                fields: Vec::new(),
                trait_methods: item_trait
                    .items
                    .iter()
                    .filter_map(|trait_item| match trait_item {
                        syn::TraitItem::Fn(method) => Some(method.sig.ident.to_compact_string()),
                        _ => None,
                    })
                    .collect(),
            }),
            syn::Item::Type(item_type) => out.modules[module].types.push(TypeSummary {
                name: item_type.ident.to_compact_string(),
                kind: TypeItemKind::Alias,
                range: between(item_type.type_token.span, item_type.semi_token.span),
                fields: vec![(CompactString::default(), type_ref(&item_type.ty))],
                trait_methods: Vec::new(),
            }),
            syn::Item::Static(item_static) => out.modules[module].statics.push(StaticSummary {
                name: item_static.ident.to_compact_string(),
                ty: type_ref(&item_static.ty),
                range: between(item_static.static_token.span, item_static.semi_token.span),
                init_mentions: static_init_mentions(&item_static.expr),
            }),
            // Constants are not indexed: a constant cannot hold a client or a connection, and
            // generated bindings declare hundreds of thousands of them. `Duration`s are the
            // exception: a timeout written `const LIMIT: Duration = ..` says how long it is.
            syn::Item::Const(item_const) if is_duration_type(&item_const.ty) => {
                out.modules[module].statics.push(StaticSummary {
                    name: item_const.ident.to_compact_string(),
                    ty: type_ref(&item_const.ty),
                    range: between(item_const.const_token.span, item_const.semi_token.span),
                    init_mentions: mentions_of(&item_const.expr),
                })
            }
            syn::Item::Const(_) => {}
            syn::Item::Macro(item_macro) => {
                let macro_name = item_macro
                    .mac
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_compact_string());
                if macro_name.as_deref() == Some("include_proto") {
                    if let Ok(package) = syn::parse2::<syn::LitStr>(item_macro.mac.tokens.clone()) {
                        out.modules[module]
                            .proto_packages
                            .push(package.value().into());
                    }
                }
            }
            _ => {}
        }
    }
}

fn flatten_use_tree(tree: &syn::UseTree, prefix: &mut Vec<CompactString>, out: &mut Vec<UseEntry>) {
    match tree {
        syn::UseTree::Path(use_path) => {
            prefix.push(use_path.ident.to_compact_string());
            flatten_use_tree(&use_path.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(use_name) => {
            let name = use_name.ident.to_compact_string();
            if name == "self" {
                // `use a::b::{self}` imports `b` itself.
                if let Some(last) = prefix.last().cloned() {
                    out.push(UseEntry {
                        path: prefix.clone(),
                        alias: Some(last),
                    });
                }
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                out.push(UseEntry {
                    path,
                    alias: Some(name),
                });
            }
        }
        syn::UseTree::Rename(rename) => {
            let mut path = prefix.clone();
            let original = rename.ident.to_compact_string();
            if original != "self" {
                path.push(original);
            }
            out.push(UseEntry {
                path,
                alias: Some(rename.rename.to_compact_string()),
            });
        }
        syn::UseTree::Glob(_) => out.push(UseEntry {
            path: prefix.clone(),
            alias: None,
        }),
        syn::UseTree::Group(group) => {
            for item in &group.items {
                flatten_use_tree(item, prefix, out);
            }
        }
    }
}

pub(crate) fn path_segments(path: &syn::Path) -> Vec<CompactString> {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_compact_string())
        .collect()
}

fn has_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && match &attr.meta {
                syn::Meta::List(list) => tokens_mention(&list.tokens, "test"),
                _ => false,
            }
    })
}

fn is_test_fn(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "test")
    })
}

fn tokens_mention(tokens: &TokenStream, word: &str) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == word,
        TokenTree::Group(group) => tokens_mention(&group.stream(), word),
        _ => false,
    })
}

fn path_attribute(attrs: &[syn::Attribute]) -> Option<CompactString> {
    attrs.iter().find_map(|attr| match &attr.meta {
        syn::Meta::NameValue(name_value) if attr.path().is_ident("path") => {
            match &name_value.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(path),
                    ..
                }) => Some(path.value().into()),
                _ => None,
            }
        }
        _ => None,
    })
}

/// Attributes worth keeping: documentation and the compiler's own lint and code-generation
/// attributes say nothing about handlers, and doc comments alone would copy every line of
/// documentation into memory.
fn summarize_attrs(attrs: &[syn::Attribute]) -> Vec<AttrSummary> {
    const IGNORED: &[&str] = &[
        "doc",
        "allow",
        "warn",
        "deny",
        "forbid",
        "expect",
        "inline",
        "must_use",
        "cfg_attr",
        "deprecated",
        "repr",
        "cold",
        "track_caller",
        "rustfmt",
        "clippy",
        "non_exhaustive",
        "automatically_derived",
        "derive",
        "cfg",
    ];
    attrs
        .iter()
        .filter(|attr| {
            !(attr.path().segments.len() == 1
                && IGNORED.iter().any(|name| attr.path().is_ident(name)))
        })
        .map(summarize_attr)
        .collect()
}

pub(crate) fn summarize_attr(attr: &syn::Attribute) -> AttrSummary {
    let args = match &attr.meta {
        syn::Meta::List(list) => attr_args(&list.tokens),
        syn::Meta::NameValue(name_value) => vec![AttrArg::Literal(expr_text(&name_value.value))],
        syn::Meta::Path(_) => Vec::new(),
    };
    AttrSummary {
        path: path_segments(attr.path()),
        args,
        range: between(attr.pound_token.span, attr.bracket_token.span.close()),
    }
}

/// Splits attribute arguments at top-level commas and reads each piece as a literal, a
/// `name = value` pair or a word.
fn attr_args(tokens: &TokenStream) -> Vec<AttrArg> {
    let mut pieces: Vec<Vec<TokenTree>> = vec![Vec::new()];
    for tree in tokens.clone() {
        match &tree {
            TokenTree::Punct(punct) if punct.as_char() == ',' => pieces.push(Vec::new()),
            _ => {
                if let Some(piece) = pieces.last_mut() {
                    piece.push(tree)
                }
            }
        }
    }
    pieces
        .into_iter()
        .filter(|piece| !piece.is_empty())
        .map(|piece| match piece.as_slice() {
            [TokenTree::Literal(literal)] => AttrArg::Literal(literal_text(literal)),
            [TokenTree::Ident(name), TokenTree::Punct(eq), rest @ ..]
                if eq.as_char() == '=' && !rest.is_empty() =>
            {
                let value = match rest {
                    [TokenTree::Literal(literal)] => literal_text(literal),
                    _ => rest
                        .iter()
                        .cloned()
                        .collect::<TokenStream>()
                        .to_compact_string(),
                };
                AttrArg::NameValue(name.to_compact_string(), value)
            }
            [TokenTree::Ident(name), ..] => AttrArg::Word(name.to_compact_string()),
            other => AttrArg::Word(
                other
                    .iter()
                    .cloned()
                    .collect::<TokenStream>()
                    .to_compact_string(),
            ),
        })
        .collect()
}

/// Text that starts like a SQL statement, or names an idempotency key or inbox, or an
/// outcome (`/refund`, `failed`) that an error path records.
fn may_be_sql_or_key(text: &str) -> bool {
    let start = text.trim_start();
    let head: CompactString = start
        .chars()
        .take(7)
        .collect::<CompactString>()
        .to_ascii_uppercase();
    [
        "INSERT", "UPDATE", "DELETE", "SELECT", "WITH", "MERGE", "REPLACE", "UPSERT",
    ]
    .iter()
    .any(|keyword| head.starts_with(keyword))
        || {
            let lowered = text.to_ascii_lowercase();
            KEY_TABLE_PARTS
                .iter()
                .chain(IDEMPOTENCY_FIELD_PARTS)
                .chain(MESSAGE_ID_NAMES)
                .chain(COMPENSATION_WORDS)
                .chain(FAILURE_WORDS)
                .chain(PENDING_WORDS)
                .any(|part| lowered.contains(part))
        }
}

/// The string literals (unquoted, raw strings too) and the identifiers at the top level of
/// a macro's arguments.
fn macro_arguments(tokens: &TokenStream) -> (Vec<CompactString>, Vec<CompactString>) {
    let mut literals = Vec::new();
    let mut names = Vec::new();
    for token in tokens.clone() {
        match token {
            TokenTree::Literal(literal) => {
                if let syn::Lit::Str(string) = syn::Lit::new(literal) {
                    literals.push(string.value().into());
                }
            }
            TokenTree::Ident(ident) => names.push(ident.to_compact_string()),
            _ => {}
        }
    }
    (literals, names)
}

fn literal_text(literal: &proc_macro2::Literal) -> CompactString {
    match syn::parse2::<syn::LitStr>(TokenTree::Literal(literal.clone()).into()) {
        Ok(string) => string.value().into(),
        Err(_) => literal.to_compact_string(),
    }
}

fn expr_text(expr: &syn::Expr) -> CompactString {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(string),
            ..
        }) => string.value().into(),
        other => quote::ToTokens::to_token_stream(other).to_compact_string(),
    }
}

/// A type as written, references and parentheses removed.
pub(crate) fn type_ref(ty: &syn::Type) -> TypeRef {
    match ty {
        syn::Type::Reference(reference) => type_ref(&reference.elem),
        syn::Type::Paren(paren) => type_ref(&paren.elem),
        syn::Type::Group(group) => type_ref(&group.elem),
        syn::Type::Ptr(pointer) => type_ref(&pointer.elem),
        syn::Type::Path(type_path) => {
            let args = type_path
                .path
                .segments
                .last()
                .map(|segment| match &segment.arguments {
                    syn::PathArguments::AngleBracketed(angle) => angle
                        .args
                        .iter()
                        .filter_map(|arg| match arg {
                            syn::GenericArgument::Type(inner) => Some(type_ref(inner)),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                })
                .unwrap_or_default();
            TypeRef {
                path: path_segments(&type_path.path),
                args,
                kind: TypeRefKind::Path,
            }
        }
        syn::Type::TraitObject(object) => trait_bound_ref(object.bounds.iter()),
        syn::Type::ImplTrait(impl_trait) => trait_bound_ref(impl_trait.bounds.iter()),
        _ => TypeRef {
            path: Vec::new(),
            args: Vec::new(),
            kind: TypeRefKind::Other,
        },
    }
}

fn trait_bound_ref<'a>(mut bounds: impl Iterator<Item = &'a syn::TypeParamBound>) -> TypeRef {
    let first_trait = bounds.find_map(|bound| match bound {
        syn::TypeParamBound::Trait(trait_bound) => Some(trait_bound),
        _ => None,
    });
    match first_trait {
        Some(trait_bound) => {
            let args = trait_bound
                .path
                .segments
                .last()
                .map(|segment| match &segment.arguments {
                    syn::PathArguments::AngleBracketed(angle) => angle
                        .args
                        .iter()
                        .filter_map(|arg| match arg {
                            syn::GenericArgument::Type(inner) => Some(type_ref(inner)),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                })
                .unwrap_or_default();
            TypeRef {
                path: path_segments(&trait_bound.path),
                args,
                kind: TypeRefKind::Trait,
            }
        }
        None => TypeRef {
            path: Vec::new(),
            args: Vec::new(),
            kind: TypeRefKind::Other,
        },
    }
}

/// The names a pattern binds, with their types: a one-field tuple-struct pattern over a
/// generic type (`State(state): State<App>`, `Json(body): Json<Order>`) binds the inner
/// value at the generic argument's type.
fn pattern_bindings(pat: &syn::Pat, ty: &syn::Type, out: &mut Vec<(CompactString, TypeRef)>) {
    match pat {
        syn::Pat::Ident(ident) => out.push((ident.ident.to_compact_string(), type_ref(ty))),
        syn::Pat::Reference(reference) => pattern_bindings(&reference.pat, ty, out),
        syn::Pat::Paren(paren) => pattern_bindings(&paren.pat, ty, out),
        syn::Pat::TupleStruct(tuple_struct) if tuple_struct.elems.len() == 1 => {
            let inner = first_generic_type(ty);
            if let (Some(inner_pat), Some(inner_ty)) = (tuple_struct.elems.first(), inner) {
                pattern_bindings(inner_pat, inner_ty, out);
            }
        }
        other => {
            for name in pattern_names(other) {
                out.push((
                    name,
                    TypeRef {
                        kind: TypeRefKind::Other,
                        ..TypeRef::default()
                    },
                ));
            }
        }
    }
}

fn first_generic_type(ty: &syn::Type) -> Option<&syn::Type> {
    match ty {
        syn::Type::Reference(reference) => first_generic_type(&reference.elem),
        syn::Type::Path(type_path) => match &type_path.path.segments.last()?.arguments {
            syn::PathArguments::AngleBracketed(angle) => {
                angle.args.iter().find_map(|arg| match arg {
                    syn::GenericArgument::Type(inner) => Some(inner),
                    _ => None,
                })
            }
            _ => None,
        },
        _ => None,
    }
}

fn pattern_names(pat: &syn::Pat) -> Vec<CompactString> {
    struct Names(Vec<CompactString>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, node: &'ast syn::PatIdent) {
            self.0.push(node.ident.to_compact_string());
            visit::visit_pat_ident(self, node);
        }
    }
    let mut names = Names(Vec::new());
    names.visit_pat(pat);
    names.0
}

fn summarize_fn(
    sig: &syn::Signature,
    attrs: &[syn::Attribute],
    block: Option<&syn::Block>,
    range: TextRange,
    in_test: bool,
) -> FnSummary {
    let mut params = Vec::new();
    let mut has_self = false;
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(_) => has_self = true,
            syn::FnArg::Typed(typed) => {
                let mut bindings = Vec::new();
                pattern_bindings(&typed.pat, &typed.ty, &mut bindings);
                params.push(ParamSummary {
                    bindings,
                    ty: type_ref(&typed.ty),
                });
            }
        }
    }
    let output = match &sig.output {
        syn::ReturnType::Type(_, ty) => Some(type_ref(ty)),
        syn::ReturnType::Default => None,
    };
    let mut body = BodyCollector::default();
    // Test code is never a handler nor on a handler's path: its body is not summarised.
    let is_test = in_test || is_test_fn(attrs);
    if let (Some(block), false) = (block, is_test) {
        body.scopes.push(block_range(block));
        body.visit_block(block);
    }
    body.summary.shrink_to_fit();
    FnSummary {
        name: sig.ident.to_compact_string(),
        name_range: range_of(&sig.ident),
        range,
        attrs: summarize_attrs(attrs),
        is_async: sig.asyncness.is_some(),
        has_self,
        params,
        output,
        is_test,
        body: body.summary,
    }
}

/// Walks one function body. Nested items are not part of the function and are skipped.
#[derive(Default)]
struct BodyCollector {
    summary: BodySummary,
    /// Ranges of the enclosing blocks, innermost last: a `let` is visible to the end of its
    /// block.
    scopes: Vec<TextRange>,
    /// Above zero while inside a route statement already captured whole.
    capturing_routes: usize,
    /// Ranges of the enclosing statements, innermost last.
    statements: Vec<TextRange>,
    /// The scrutinee of the enclosing `match` (and its name when it is a variable),
    /// innermost last.
    scrutinees: Vec<(TextRange, Option<CompactString>)>,
}

impl BodyCollector {
    fn record_exit(&mut self, kind: ExitKind, span: proc_macro2::Span) {
        self.summary.exits.push(Exit {
            kind,
            range: node_range(span),
        });
    }

    fn capture_route_statement(&mut self, binding: Option<CompactString>, expr: &syn::Expr) {
        self.summary.route_statements.push(RouteStatement {
            binding,
            expr: expr_tree(expr),
        });
    }
}

impl<'ast> Visit<'ast> for BodyCollector {
    fn visit_item(&mut self, nested_item: &'ast syn::Item) {
        // Nested items are not part of the function, except statics: a client is often
        // built in a `static` inside the function that hands out requests.
        if let syn::Item::Static(item_static) = nested_item {
            self.summary.statics.push(StaticSummary {
                name: item_static.ident.to_compact_string(),
                ty: type_ref(&item_static.ty),
                range: between(item_static.static_token.span, item_static.semi_token.span),
                init_mentions: static_init_mentions(&item_static.expr),
            });
        }
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.scopes.push(block_range(block));
        visit::visit_block(self, block);
        self.scopes.pop();
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        self.statements.push(stmt_range(stmt));
        visit::visit_stmt(self, stmt);
        self.statements.pop();
    }

    fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
        use syn::BinOp::*;
        let operator = operator_text(&binary.op).to_compact_string();
        match binary.op {
            Lt(_) | Le(_) | Gt(_) | Ge(_) | Eq(_) | Ne(_) => {
                let mut operands = mentions_of(&binary.left);
                extend_mentions(&mut operands, mentions_of(&binary.right));
                self.summary.comparisons.push(Comparison {
                    operands,
                    range: expr_range_binary(binary),
                });
            }
            AddAssign(_) | SubAssign(_) | MulAssign(_) | DivAssign(_) | ShlAssign(_)
            | ShrAssign(_) | BitOrAssign(_) => {
                if let Some(target) = assigned_name(&binary.left) {
                    self.summary.assignments.push(Assignment {
                        target,
                        operator,
                        value: mentions_of(&binary.right),
                        range: expr_range_binary(binary),
                    });
                }
            }
            _ => {}
        }
        visit::visit_expr_binary(self, binary);
    }

    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        if let Some(target) = assigned_name(&assign.left) {
            self.summary.assignments.push(Assignment {
                target,
                operator: "=".to_compact_string(),
                value: mentions_of(&assign.right),
                range: between_tokens_assign(assign),
            });
        }
        visit::visit_expr_assign(self, assign);
    }

    fn visit_expr_break(&mut self, node: &'ast syn::ExprBreak) {
        self.record_exit(ExitKind::Break, node.break_token.span);
        visit::visit_expr_break(self, node);
    }

    fn visit_expr_return(&mut self, node: &'ast syn::ExprReturn) {
        self.record_exit(ExitKind::Return, node.return_token.span);
        visit::visit_expr_return(self, node);
    }

    fn visit_expr_continue(&mut self, node: &'ast syn::ExprContinue) {
        self.record_exit(ExitKind::Continue, node.continue_token.span);
        visit::visit_expr_continue(self, node);
    }

    fn visit_expr_try(&mut self, node: &'ast syn::ExprTry) {
        self.record_exit(ExitKind::Question, node.question_token.span);
        visit::visit_expr_try(self, node);
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        if let Some(catch_all) = error_pattern(&arm.pat) {
            let mut mentions = Mentions::default();
            if let Some((_, guard)) = &arm.guard {
                extend_mentions(&mut mentions, mentions_of(guard));
            }
            // A block arm's own statements count (not the bodies nested in them): what an
            // arm does is in its block.
            let body_mentions = match &*arm.body {
                syn::Expr::Block(block) => mentions_of_block(&block.block),
                other => mentions_of(other),
            };
            extend_mentions(&mut mentions, body_mentions);
            // A guard's mentions are kept apart too: it decides which errors the arm takes.
            self.summary.error_arms.push(ErrorArm {
                range: TextRange {
                    start: range_of(&arm.pat).start,
                    end: expr_range(&arm.body).end,
                },
                catch_all,
                mentions,
                scrutinee: self.scrutinees.last().map(|(range, _)| *range),
                scrutinee_name: self.scrutinees.last().and_then(|(_, name)| name.clone()),
                guard: arm
                    .guard
                    .as_ref()
                    .map(|(_, guard)| mentions_of(guard))
                    .unwrap_or_default(),
            });
        }
        visit::visit_arm(self, arm);
    }

    fn visit_expr_match(&mut self, node: &'ast syn::ExprMatch) {
        self.visit_expr(&node.expr);
        self.scrutinees
            .push((expr_range(&node.expr), plain_variable(&node.expr)));
        for arm in &node.arms {
            self.visit_arm(arm);
        }
        self.scrutinees.pop();
    }

    fn visit_expr_let(&mut self, node: &'ast syn::ExprLet) {
        if let Some(catch_all) = error_pattern(&node.pat) {
            self.summary.error_arms.push(ErrorArm {
                range: token_to_expr(node.let_token.span, &node.expr),
                catch_all,
                mentions: Mentions::default(),
                scrutinee: Some(expr_range(&node.expr)),
                scrutinee_name: plain_variable(&node.expr),
                guard: Mentions::default(),
            });
        }
        visit::visit_expr_let(self, node);
    }

    fn visit_expr_if(&mut self, node: &'ast syn::ExprIf) {
        // `if let Err(e) = r { body }`: the arm is the whole `if`, so that its body counts.
        if let syn::Expr::Let(condition) = &*node.cond {
            if let Some(catch_all) = error_pattern(&condition.pat) {
                self.summary.error_arms.push(ErrorArm {
                    range: between(
                        node.if_token.span,
                        node.then_branch.brace_token.span.close(),
                    ),
                    catch_all,
                    mentions: mentions_of_block(&node.then_branch),
                    scrutinee: Some(expr_range(&condition.expr)),
                    scrutinee_name: plain_variable(&condition.expr),
                    guard: Mentions::default(),
                });
                visit::visit_expr(self, &condition.expr);
                self.visit_block(&node.then_branch);
                if let Some((_, otherwise)) = &node.else_branch {
                    self.visit_expr(otherwise);
                }
                return;
            }
        }
        // `if call().await.is_err() { .. }`, `if !result.is_ok() { .. }`: the block is the
        // error arm of the value tested.
        if let Some(tested) = tested_for_error(&node.cond) {
            self.summary.error_arms.push(ErrorArm {
                range: between(
                    node.if_token.span,
                    node.then_branch.brace_token.span.close(),
                ),
                catch_all: true,
                mentions: mentions_of_block(&node.then_branch),
                scrutinee: Some(expr_range(tested)),
                scrutinee_name: plain_variable(tested),
                guard: Mentions::default(),
            });
        }
        visit::visit_expr_if(self, node);
    }

    fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
        let fields = node
            .fields
            .iter()
            .filter_map(|field| match &field.member {
                syn::Member::Named(name) => Some(FieldInit {
                    name: name.to_compact_string(),
                    value: value_expr(&field.expr),
                    mentions: mentions_of(&field.expr),
                    range: field_range(field),
                }),
                syn::Member::Unnamed(_) => None,
            })
            .collect();
        self.summary.struct_literals.push(StructLiteral {
            path: path_segments(&node.path),
            fields,
            range: between_struct(node),
        });
        visit::visit_expr_struct(self, node);
    }

    fn visit_expr_closure(&mut self, node: &'ast syn::ExprClosure) {
        self.summary.closures.push(expr_range_closure(node));
        visit::visit_expr_closure(self, node);
    }

    fn visit_expr_async(&mut self, node: &'ast syn::ExprAsync) {
        self.summary.closures.push(between(
            node.async_token.span,
            node.block.brace_token.span.close(),
        ));
        visit::visit_expr_async(self, node);
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        let path = path_segments(&node.path);
        let (mut literals, mut names) = if path
            .last()
            .is_some_and(|last| LITERAL_MACROS.contains(&last.as_str()))
        {
            macro_arguments(&node.tokens)
        } else {
            (Vec::new(), Vec::new())
        };
        // `format!` is everywhere; its text is kept only when it may be SQL or a key's
        // name, so that summaries of a whole workspace stay small.
        if path.last().is_some_and(|last| last == "format")
            && !literals.first().is_some_and(|text| may_be_sql_or_key(text))
        {
            literals = Vec::new();
            names = Vec::new();
        }
        self.summary.macros.push(MacroUse {
            path,
            range: macro_range(node),
            literals,
            names,
        });
        visit::visit_macro(self, node);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let statement_end = local_range(local).end;
        let block_end = self
            .scopes
            .last()
            .map(|scope| scope.end)
            .unwrap_or(statement_end);
        let scope = TextRange {
            start: statement_end,
            end: block_end,
        };
        let init_expr = local.init.as_ref().map(|init| &*init.expr);
        let (declared_pat, declared_ty) = match &local.pat {
            syn::Pat::Type(pat_type) => (&*pat_type.pat, Some(type_ref(&pat_type.ty))),
            other => (other, None),
        };
        if let (syn::Pat::Wild(_), Some(init)) = (declared_pat, init_expr) {
            self.summary.discards.push(expr_range(init));
        }
        let names = pattern_names(declared_pat);
        let single_name = match declared_pat {
            syn::Pat::Ident(ident) => Some(ident.ident.to_compact_string()),
            _ => None,
        };
        for name in names {
            let is_whole_value = single_name.as_deref() == Some(name.as_str());
            self.summary.locals.push(LocalBinding {
                name,
                declared: if is_whole_value {
                    declared_ty.clone()
                } else {
                    None
                },
                init: if is_whole_value {
                    init_expr.map(value_expr)
                } else {
                    None
                },
                init_range: init_expr.map(expr_range),
                init_mentions: init_expr.map(mentions_of).unwrap_or_default(),
                scope,
            });
        }
        if let (Some(init), 0) = (init_expr, self.capturing_routes) {
            if is_route_statement(init) {
                self.capture_route_statement(single_name, init);
                self.capturing_routes += 1;
                visit::visit_local(self, local);
                self.capturing_routes -= 1;
                return;
            }
        }
        visit::visit_local(self, local);
    }

    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        if self.capturing_routes == 0 && is_route_statement(expr) {
            self.capture_route_statement(None, expr);
            self.capturing_routes += 1;
            visit::visit_expr(self, expr);
            self.capturing_routes -= 1;
            return;
        }
        match expr {
            syn::Expr::Loop(_) | syn::Expr::While(_) | syn::Expr::ForLoop(_) => {
                self.summary.loops.push(loop_summary(expr));
            }
            _ => {}
        }
        visit::visit_expr(self, expr);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(callee) = &*call.func {
            let range = between_call(call);
            self.summary.calls.push(CallSite {
                range,
                callee: Callee::Path(path_segments(&callee.path)),
                arg_mentions: args_mentions(call.args.iter()),
                arg_ranges: call.args.iter().map(expr_range).collect(),
                receiver_range: None,
                statement: self.statements.last().copied().unwrap_or(range),
            });
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let range = between_method_call(call);
        self.summary.calls.push(CallSite {
            range,
            callee: Callee::Method {
                receiver: value_expr(&call.receiver),
                method: call.method.to_compact_string(),
            },
            arg_mentions: args_mentions(call.args.iter()),
            // Argument and receiver ranges of method calls serve only retries written as
            // `(|| ..).retry(policy)`; computing positions costs, so only those keep them.
            arg_ranges: Vec::new(),
            receiver_range: RANGED_RECEIVER_METHODS
                .iter()
                .any(|name| call.method == name)
                .then(|| expr_range(&call.receiver)),
            statement: self.statements.last().copied().unwrap_or(range),
        });
        visit::visit_expr_method_call(self, call);
    }
}

fn loop_summary(expr: &syn::Expr) -> LoopSummary {
    let keyword = match expr {
        syn::Expr::Loop(_) => LoopKeyword::Loop,
        syn::Expr::While(_) => LoopKeyword::While,
        _ => LoopKeyword::For,
    };
    struct Bound(Vec<CompactString>);
    impl<'ast> Visit<'ast> for Bound {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_pat_ident(&mut self, node: &'ast syn::PatIdent) {
            self.0.push(node.ident.to_compact_string());
            visit::visit_pat_ident(self, node);
        }
    }
    let mut bound = Bound(Vec::new());
    bound.visit_expr(expr);
    bound.0.sort();
    bound.0.dedup();
    let (over_range, head, is_while_let, body) = match expr {
        syn::Expr::ForLoop(for_loop) => {
            let over_range = matches!(peel_parens(&for_loop.expr), syn::Expr::Range(_))
                || matches!(peel_parens(&for_loop.expr), syn::Expr::MethodCall(call) if matches!(peel_parens(&call.receiver), syn::Expr::Range(_)));
            (
                over_range,
                mentions_of(&for_loop.expr),
                true,
                block_range(&for_loop.body),
            )
        }
        syn::Expr::While(while_loop) => {
            let is_let = matches!(&*while_loop.cond, syn::Expr::Let(_));
            (
                false,
                mentions_of(&while_loop.cond),
                is_let,
                block_range(&while_loop.body),
            )
        }
        syn::Expr::Loop(plain) => (false, Mentions::default(), false, block_range(&plain.body)),
        _ => (false, Mentions::default(), false, expr_range(expr)),
    };
    LoopSummary {
        range: expr_range(expr),
        keyword,
        over_range,
        head,
        is_while_let,
        body,
        bound_names: bound.0,
    }
}

/// Peels the wrappers that do not change which value an expression denotes.
fn peel(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Paren(inner) => peel(&inner.expr),
        syn::Expr::Group(inner) => peel(&inner.expr),
        syn::Expr::Reference(inner) => peel(&inner.expr),
        syn::Expr::Await(inner) => peel(&inner.base),
        syn::Expr::Try(inner) => peel(&inner.expr),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Deref(_),
            expr,
            ..
        }) => peel(expr),
        other => other,
    }
}

pub(crate) fn value_expr(expr: &syn::Expr) -> ValueExpr {
    value_expr_at(expr, 0)
}

/// Values deeper than this are `Unknown`: long builder chains would otherwise be copied once
/// per call in them.
const MAX_VALUE_DEPTH: usize = 12;

fn value_expr_at(expr: &syn::Expr, depth: usize) -> ValueExpr {
    if depth > MAX_VALUE_DEPTH {
        return ValueExpr::Unknown;
    }
    match peel(expr) {
        syn::Expr::Path(path) => {
            let segments = path_segments(&path.path);
            match segments.as_slice() {
                [single] if single == "self" => ValueExpr::SelfValue,
                [single] => ValueExpr::Name(single.clone()),
                _ => ValueExpr::Path(segments),
            }
        }
        syn::Expr::Field(field) => {
            let member = match &field.member {
                syn::Member::Named(ident) => ident.to_compact_string(),
                syn::Member::Unnamed(index) => index.index.to_compact_string(),
            };
            ValueExpr::Field(Box::new(value_expr_at(&field.base, depth + 1)), member)
        }
        syn::Expr::Call(call) => match peel(&call.func) {
            syn::Expr::Path(path) => ValueExpr::Call {
                callee: path_segments(&path.path),
                args: call
                    .args
                    .iter()
                    .map(|arg| value_expr_at(arg, depth + 1))
                    .collect(),
            },
            _ => ValueExpr::Unknown,
        },
        syn::Expr::MethodCall(call) => ValueExpr::MethodCall {
            receiver: Box::new(value_expr_at(&call.receiver, depth + 1)),
            method: call.method.to_compact_string(),
        },
        syn::Expr::Struct(literal) => ValueExpr::StructLiteral(path_segments(&literal.path)),
        _ => ValueExpr::Unknown,
    }
}

/// Whether an expression registers routes: a method chain that calls a route-building
/// method, or a warp filter chain.
fn is_route_statement(expr: &syn::Expr) -> bool {
    let mut current = peel(expr);
    loop {
        match current {
            syn::Expr::MethodCall(call) => {
                if ROUTE_BUILDING_METHODS.contains(&call.method.to_compact_string().as_str()) {
                    return true;
                }
                current = peel(&call.receiver);
            }
            syn::Expr::Call(call) => {
                return matches!(peel(&call.func), syn::Expr::Path(path)
                    if path.path.segments.first().is_some_and(|s| s.ident == "warp"))
                    && !matches!(expr, syn::Expr::Call(_));
            }
            syn::Expr::Macro(mac) => {
                return mac
                    .mac
                    .path
                    .segments
                    .first()
                    .is_some_and(|s| s.ident == "warp")
                    && !matches!(expr, syn::Expr::Macro(_));
            }
            _ => return false,
        }
    }
}

fn expr_tree(expr: &syn::Expr) -> ExprTree {
    match peel(expr) {
        syn::Expr::Call(call) => match peel(&call.func) {
            syn::Expr::Path(path) => ExprTree::Call {
                callee: path_segments(&path.path),
                args: call.args.iter().map(expr_tree).collect(),
                range: between_call(call),
            },
            _ => ExprTree::Other,
        },
        syn::Expr::MethodCall(call) => ExprTree::MethodCall {
            receiver: Box::new(expr_tree(&call.receiver)),
            method: call.method.to_compact_string(),
            args: call.args.iter().map(expr_tree).collect(),
            range: between_method_call(call),
        },
        syn::Expr::Path(path) => ExprTree::Path {
            segments: path_segments(&path.path),
            range: expr_range_path(path),
        },
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(string),
            ..
        }) => ExprTree::Str(string.value().into()),
        syn::Expr::Closure(closure) => ExprTree::Closure {
            range: expr_range_closure(closure),
        },
        syn::Expr::Async(block) => ExprTree::Closure {
            range: between(block.async_token.span, block.block.brace_token.span.close()),
        },
        syn::Expr::Macro(mac) => ExprTree::Macro {
            path: path_segments(&mac.mac.path),
            args: macro_args(&mac.mac.tokens),
            range: macro_range(&mac.mac),
        },
        _ => ExprTree::Other,
    }
}

/// Reads a macro's arguments as comma-separated expressions; `"a" / u64 / "b"` is
/// flattened into its parts.
fn macro_args(tokens: &TokenStream) -> Vec<ExprTree> {
    let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
    let Ok(exprs) = syn::parse::Parser::parse2(parser, tokens.clone()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for expr in &exprs {
        flatten_division(expr, &mut out);
    }
    out
}

fn flatten_division(expr: &syn::Expr, out: &mut Vec<ExprTree>) {
    match expr {
        syn::Expr::Binary(binary) if matches!(binary.op, syn::BinOp::Div(_)) => {
            flatten_division(&binary.left, out);
            flatten_division(&binary.right, out);
        }
        other => out.push(expr_tree(other)),
    }
}

fn peel_parens(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Paren(inner) => peel_parens(&inner.expr),
        syn::Expr::Group(inner) => peel_parens(&inner.expr),
        other => other,
    }
}

/// `Some(true)` for `Err(_)`/`Err(e)`/`Err(..)`, `Some(false)` for a narrower `Err(..)`
/// pattern, `None` when the pattern is not an error pattern.
fn error_pattern(pat: &syn::Pat) -> Option<bool> {
    match pat {
        syn::Pat::TupleStruct(tuple)
            if tuple.path.segments.last().is_some_and(|s| s.ident == "Err") =>
        {
            // `Err((error, _))` takes every error too: rdkafka returns the error with the
            // message that was not delivered.
            fn binds_anything(elem: &syn::Pat) -> bool {
                match elem {
                    syn::Pat::Wild(_)
                    | syn::Pat::Rest(_)
                    | syn::Pat::Ident(syn::PatIdent { subpat: None, .. }) => true,
                    syn::Pat::Tuple(tuple) => tuple.elems.iter().all(binds_anything),
                    _ => false,
                }
            }
            let catch_all = tuple.elems.len() <= 1 && tuple.elems.iter().all(binds_anything);
            Some(catch_all)
        }
        syn::Pat::Or(alternatives) => alternatives.cases.iter().find_map(error_pattern),
        _ => None,
    }
}

/// The value an `if` condition tests for an error: `x.is_err()`, `!x.is_ok()`.
fn tested_for_error(condition: &syn::Expr) -> Option<&syn::Expr> {
    match peel_parens(condition) {
        syn::Expr::MethodCall(call) if call.method == "is_err" && call.args.is_empty() => {
            Some(&call.receiver)
        }
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Not(_),
            expr,
            ..
        }) => match peel_parens(expr) {
            syn::Expr::MethodCall(call) if call.method == "is_ok" && call.args.is_empty() => {
                Some(&call.receiver)
            }
            _ => None,
        },
        _ => None,
    }
}

/// `result`, `&result`, `result.await`: the variable an expression is, if it is one.
fn plain_variable(expr: &syn::Expr) -> Option<CompactString> {
    match peel(expr) {
        syn::Expr::Path(path) => path
            .path
            .get_ident()
            .map(ToCompactString::to_compact_string),
        _ => None,
    }
}

/// The variable an assignment changes: `delay`, or `self.delay` as `delay`.
fn assigned_name(expr: &syn::Expr) -> Option<CompactString> {
    match peel(expr) {
        syn::Expr::Path(path) => path
            .path
            .get_ident()
            .map(ToCompactString::to_compact_string),
        syn::Expr::Field(field) => match &field.member {
            syn::Member::Named(ident) => Some(ident.to_compact_string()),
            syn::Member::Unnamed(_) => None,
        },
        _ => None,
    }
}

struct MentionCollector {
    mentions: Mentions,
    limit: usize,
    /// Whether block and `async` bodies count (statics: yes; call arguments: no).
    descend_bodies: bool,
}

impl MentionCollector {
    fn new() -> Self {
        MentionCollector {
            mentions: Mentions::default(),
            limit: MAX_MENTIONS,
            descend_bodies: false,
        }
    }
}

/// Mentions kept per expression: enough to follow a value, bounded so that huge generated
/// expressions cost no more than small ones.
const MAX_MENTIONS: usize = 24;

impl MentionCollector {
    fn full(&self) -> bool {
        self.mentions.items.len() >= self.limit
    }
}

impl<'ast> Visit<'ast> for MentionCollector {
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_expr(&mut self, node: &'ast syn::Expr) {
        if !self.full() {
            visit::visit_expr(self, node);
        }
    }
    // Bodies are left out: what a value mentions is its expression, not the statements of
    // a block or an `async` body inside it (their calls are recorded on their own), and
    // descending into them would make nested code quadratic.
    fn visit_block(&mut self, node: &'ast syn::Block) {
        if self.descend_bodies {
            visit::visit_block(self, node);
        }
    }
    fn visit_expr_async(&mut self, node: &'ast syn::ExprAsync) {
        if self.descend_bodies {
            visit::visit_expr_async(self, node);
        }
    }
    fn visit_expr_path(&mut self, node: &'ast syn::ExprPath) {
        match node.path.get_ident() {
            Some(ident) => self
                .mentions
                .items
                .push(Mention::Name(ident.to_compact_string())),
            None => self
                .mentions
                .items
                .push(Mention::Path(path_segments(&node.path))),
        }
    }
    fn visit_expr_method_call(&mut self, node: &'ast syn::ExprMethodCall) {
        self.mentions
            .items
            .push(Mention::Method(node.method.to_compact_string()));
        visit::visit_expr_method_call(self, node);
    }
    fn visit_expr_field(&mut self, node: &'ast syn::ExprField) {
        if let syn::Member::Named(ident) = &node.member {
            self.mentions
                .items
                .push(Mention::Name(ident.to_compact_string()));
        }
        visit::visit_expr_field(self, node);
    }
    fn visit_expr_binary(&mut self, node: &'ast syn::ExprBinary) {
        self.mentions
            .items
            .push(Mention::Operator(operator_text(&node.op)));
        visit::visit_expr_binary(self, node);
    }
    fn visit_lit(&mut self, node: &'ast syn::Lit) {
        match node {
            syn::Lit::Str(string) => self
                .mentions
                .items
                .push(Mention::Literal(string.value().into())),
            syn::Lit::Int(int) => self
                .mentions
                .items
                .push(Mention::Literal(int.base10_digits().to_compact_string())),
            syn::Lit::Float(float) => self
                .mentions
                .items
                .push(Mention::Literal(float.base10_digits().to_compact_string())),
            _ => {}
        }
    }
    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        self.mentions
            .items
            .push(Mention::Path(path_segments(&node.path)));
    }
}

fn is_duration_type(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path) if path.path.segments.last().is_some_and(|last| last.ident == "Duration"))
}

pub(crate) fn mentions_of(expr: &syn::Expr) -> Mentions {
    let mut collector = MentionCollector::new();
    collector.visit_expr(expr);
    collector.mentions
}

fn mentions_of_block(block: &syn::Block) -> Mentions {
    // The block is the subject here, so its statements are read (nested bodies are not).
    let mut collector = MentionCollector::new();
    block
        .stmts
        .iter()
        .for_each(|stmt| collector.visit_stmt(stmt));
    collector.mentions
}

fn args_mentions<'a>(args: impl Iterator<Item = &'a syn::Expr>) -> Mentions {
    let mut collector = MentionCollector::new();
    args.for_each(|arg| collector.visit_expr(arg));
    collector.mentions
}

fn extend_mentions(into: &mut Mentions, from: Mentions) {
    into.extend(from);
}

fn operator_text(op: &syn::BinOp) -> &'static str {
    use syn::BinOp::*;
    match op {
        Add(_) => "+",
        Sub(_) => "-",
        Mul(_) => "*",
        Div(_) => "/",
        Rem(_) => "%",
        And(_) => "&&",
        Or(_) => "||",
        BitXor(_) => "^",
        BitAnd(_) => "&",
        BitOr(_) => "|",
        Shl(_) => "<<",
        Shr(_) => ">>",
        Eq(_) => "==",
        Lt(_) => "<",
        Le(_) => "<=",
        Ne(_) => "!=",
        Ge(_) => ">=",
        Gt(_) => ">",
        AddAssign(_) => "+=",
        SubAssign(_) => "-=",
        MulAssign(_) => "*=",
        DivAssign(_) => "/=",
        RemAssign(_) => "%=",
        BitXorAssign(_) => "^=",
        BitAndAssign(_) => "&=",
        BitOrAssign(_) => "|=",
        ShlAssign(_) => "<<=",
        ShrAssign(_) => ">>=",
        _ => "?",
    }
}

fn item_mod_range(item_mod: &syn::ItemMod) -> TextRange {
    let end = match (&item_mod.content, &item_mod.semi) {
        (Some((brace, _)), _) => brace.span.close(),
        (None, Some(semi)) => semi.span,
        (None, None) => item_mod.ident.span(),
    };
    between(item_mod.mod_token.span, end)
}

fn between_call(call: &syn::ExprCall) -> TextRange {
    expr_to_token(&call.func, call.paren_token.span.close())
}

fn between_method_call(call: &syn::ExprMethodCall) -> TextRange {
    expr_to_token(&call.receiver, call.paren_token.span.close())
}

fn expr_range_binary(binary: &syn::ExprBinary) -> TextRange {
    exprs_range(&binary.left, &binary.right)
}

fn between_tokens_assign(assign: &syn::ExprAssign) -> TextRange {
    exprs_range(&assign.left, &assign.right)
}

fn node_range(span: proc_macro2::Span) -> TextRange {
    between(span, span)
}

fn field_range(field: &syn::FieldValue) -> TextRange {
    match &field.member {
        syn::Member::Named(ident) => token_to_expr(ident.span(), &field.expr),
        syn::Member::Unnamed(index) => token_to_expr(index.span, &field.expr),
    }
}

fn between_struct(node: &syn::ExprStruct) -> TextRange {
    struct_range(node)
}

fn expr_range_closure(closure: &syn::ExprClosure) -> TextRange {
    closure_range(closure)
}

fn expr_range_path(path: &syn::ExprPath) -> TextRange {
    match (path.path.segments.first(), path.path.segments.last()) {
        (Some(first), Some(last)) => between(first.ident.span(), last.ident.span()),
        _ => TextRange::default(),
    }
}

/// What a static's initialiser mentions, block bodies included: a
/// `LazyLock::new(|| { let builder = ..; builder.timeout(..).build() })` builds its client
/// inside a block, and statics are few enough to read whole.
fn static_init_mentions(expr: &syn::Expr) -> Mentions {
    let mut collector = MentionCollector {
        mentions: Mentions::default(),
        limit: 256,
        descend_bodies: true,
    };
    collector.visit_expr(expr);
    collector.mentions
}
