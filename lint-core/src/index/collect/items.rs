//! Items: modules, `use` trees, functions, impls, types, statics and attributes.

use proc_macro2::{TokenStream, TokenTree};

use super::bodies::summarize_body;
use super::mentions::mentions_of;
use super::types::{
    generic_bounds, pattern_bindings, struct_pattern_bindings, substitute_bounds, type_ref,
    GenericBounds,
};
use super::{path_segments, range_of, static_summary, WalkHints};
use crate::index::summary::*;
use crate::location::TextRange;

pub(super) fn collect_items(
    items: &[syn::Item],
    module: usize,
    in_test: bool,
    hints: &WalkHints,
    out: &mut FileSummary,
) {
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
                        collect_items(inner, child, is_test, hints, out);
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
                body_uses(&item_fn.block, &mut out.modules[module].uses);
                let summary = free_fn_summary(item_fn, in_test, hints);
                out.modules[module].fns.push(summary);
                body_fns(&item_fn.block, in_test, hints, &mut out.modules[module].fns);
            }
            // `impl Clone for X`, `impl fmt::Debug for X`, serde's impls: code that no
            // handler reaches for I/O, and that generated bindings hold by the ten
            // thousand. Their methods are left out of the index.
            syn::Item::Impl(item_impl)
                if item_impl.trait_.as_ref().is_some_and(|(_, path, _)| {
                    path.segments.last().is_some_and(|last| {
                        hints.inert_traits.iter().any(|name| last.ident == name)
                    })
                }) => {}
            syn::Item::Impl(item_impl) => {
                let is_test = in_test || has_cfg_test(&item_impl.attrs);
                let mut impl_bounds = GenericBounds::new();
                generic_bounds(&item_impl.generics, &mut impl_bounds);
                for impl_item in &item_impl.items {
                    if let syn::ImplItem::Fn(method) = impl_item {
                        body_uses(&method.block, &mut out.modules[module].uses);
                        body_fns(&method.block, is_test, hints, &mut out.modules[module].fns);
                    }
                }
                let methods = item_impl
                    .items
                    .iter()
                    .filter_map(|impl_item| match impl_item {
                        syn::ImplItem::Fn(method) => Some(defined_fn_summary(
                            &impl_bounds,
                            &method.sig,
                            &method.attrs,
                            &method.block,
                            is_test,
                            hints,
                        )),
                        _ => None,
                    })
                    .collect();
                out.modules[module].impls.push(ImplSummary {
                    self_ty: type_ref(&item_impl.self_ty),
                    generic_bounds: impl_bounds,
                    trait_path: item_impl
                        .trait_
                        .as_ref()
                        .map(|(_, path, _)| path_segments(path)),
                    attrs: summarize_attrs(&item_impl.attrs),
                    range: TextRange::between(
                        item_impl.impl_token.span,
                        item_impl.brace_token.span.close(),
                    ),
                    is_test,
                    methods,
                });
            }
            syn::Item::Struct(item_struct) => {
                let mut bounds = GenericBounds::new();
                generic_bounds(&item_struct.generics, &mut bounds);
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
                        let mut ty = type_ref(&field.ty);
                        substitute_bounds(&mut ty, &bounds);
                        (name, ty)
                    })
                    .collect();
                out.modules[module].types.push(TypeSummary {
                    name: item_struct.ident.to_compact_string(),
                    kind: TypeItemKind::Struct,
                    range: TextRange::between(
                        item_struct.struct_token.span,
                        item_struct.ident.span(),
                    ),
                    fields,
                    derives: derive_names(&item_struct.attrs),
                    trait_methods: Vec::new(),
                    trait_links: None,
                });
            }
            syn::Item::Enum(item_enum) => out.modules[module].types.push(TypeSummary {
                name: item_enum.ident.to_compact_string(),
                kind: TypeItemKind::Enum,
                range: TextRange::between(item_enum.enum_token.span, item_enum.ident.span()),
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
                derives: derive_names(&item_enum.attrs),
                trait_methods: Vec::new(),
                trait_links: None,
            }),
            syn::Item::Union(item_union) => out.modules[module].types.push(TypeSummary {
                name: item_union.ident.to_compact_string(),
                kind: TypeItemKind::Union,
                range: TextRange::between(item_union.union_token.span, item_union.ident.span()),
                fields: Vec::new(),
                derives: Vec::new(),
                trait_methods: Vec::new(),
                trait_links: None,
            }),
            syn::Item::Trait(item_trait) => out.modules[module].types.push(TypeSummary {
                name: item_trait.ident.to_compact_string(),
                kind: TypeItemKind::Trait,
                range: TextRange::between(item_trait.trait_token.span, item_trait.ident.span()),
                fields: Vec::new(),
                derives: Vec::new(),
                trait_methods: item_trait
                    .items
                    .iter()
                    .filter_map(|trait_item| match trait_item {
                        syn::TraitItem::Fn(method) => Some(method.sig.ident.to_compact_string()),
                        _ => None,
                    })
                    .collect(),
                trait_links: trait_links(item_trait, hints),
            }),
            syn::Item::Type(item_type) => out.modules[module].types.push(TypeSummary {
                name: item_type.ident.to_compact_string(),
                kind: TypeItemKind::Alias,
                range: TextRange::between(item_type.type_token.span, item_type.semi_token.span),
                fields: vec![(CompactString::default(), type_ref(&item_type.ty))],
                derives: Vec::new(),
                trait_methods: Vec::new(),
                trait_links: None,
            }),
            syn::Item::Static(item_static) => out.modules[module]
                .statics
                .push(static_summary(item_static)),
            // Constants are not indexed: a constant cannot hold a client or a connection, and
            // generated bindings declare hundreds of thousands of them. `Duration`s are an
            // exception: a timeout written `const LIMIT: Duration = ..` says how long it is;
            // and strings: a route nested at `const API_PREFIX: &str = "/api"`.
            syn::Item::Const(item_const)
                if is_duration_type(&item_const.ty) || is_str_type(&item_const.ty) =>
            {
                out.modules[module].statics.push(StaticSummary {
                    name: item_const.ident.to_compact_string(),
                    ty: type_ref(&item_const.ty),
                    range: TextRange::between(
                        item_const.const_token.span,
                        item_const.semi_token.span,
                    ),
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
                if macro_name
                    .as_deref()
                    .is_some_and(|name| hints.token_macros.iter().any(|kept| kept == name))
                {
                    out.token_macros.push(TokenMacro {
                        path: path_segments(&item_macro.mac.path),
                        tokens: token_summaries(item_macro.mac.tokens.clone()),
                    });
                }
                mods_in_tokens(&item_macro.mac.tokens, &mut out.modules[module].macro_mods);
                if !in_test {
                    if let Some(rules) = super::macro_rules::macro_rules_of(item_macro) {
                        out.macro_rules.push(rules);
                    }
                }
                if macro_name.as_deref() == Some("include_proto") {
                    if let Ok(package) = syn::parse2::<syn::LitStr>(item_macro.mac.tokens.clone()) {
                        out.modules[module]
                            .proto_packages
                            .push(package.value().into());
                    }
                } else if let Some(package) =
                    generated_package(macro_name.as_deref(), &item_macro.mac.tokens)
                {
                    out.modules[module].proto_packages.push(package);
                }
            }
            _ => {}
        }
    }
}
/// A macro's tokens as owned data.
fn token_summaries(tokens: TokenStream) -> Vec<TokenSummary> {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Ident(ident) => TokenSummary::Ident(ident.to_compact_string()),
            TokenTree::Punct(punct) => TokenSummary::Punct(punct.as_char()),
            TokenTree::Literal(literal) => TokenSummary::Literal(literal.to_compact_string()),
            TokenTree::Group(group) => TokenSummary::Group(
                match group.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => GroupDelimiter::Parenthesis,
                    proc_macro2::Delimiter::Brace => GroupDelimiter::Brace,
                    proc_macro2::Delimiter::Bracket => GroupDelimiter::Bracket,
                    proc_macro2::Delimiter::None => GroupDelimiter::None,
                },
                token_summaries(group.stream()),
            ),
        })
        .collect()
}

/// The proto package whose generated code a macro other than `tonic::include_proto!`
/// includes: a workspace wrapper (`include_proto_serde!("billing.v1")`, a macro named for
/// protos or includes given one package name), or `include!(concat!(env!("OUT_DIR"),
/// "/billing.v1.rs"))` written out.
fn generated_package(
    macro_name: Option<&str>,
    tokens: &proc_macro2::TokenStream,
) -> Option<CompactString> {
    let name = macro_name?.to_ascii_lowercase();
    let is_package = |text: &str| {
        text.contains('.')
            && text.split('.').all(|segment| {
                !segment.is_empty()
                    && segment
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            })
    };
    if name == "include" {
        // `concat!(env!("OUT_DIR"), "/pkg.rs")`: the literal naming a file of OUT_DIR.
        let text = tokens.to_string();
        if !text.contains("OUT_DIR") {
            return None;
        }
        let mut pending = vec![tokens.clone()];
        while let Some(stream) = pending.pop() {
            for token in stream {
                match token {
                    proc_macro2::TokenTree::Group(group) => pending.push(group.stream()),
                    proc_macro2::TokenTree::Literal(literal) => {
                        if let syn::Lit::Str(string) = syn::Lit::new(literal) {
                            let value = string.value();
                            let file = value.trim_start_matches('/');
                            if let Some(package) = file.strip_suffix(".rs") {
                                if is_package(package) {
                                    return Some(package.into());
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        return None;
    }
    if !(name.contains("proto") || name.contains("include")) {
        return None;
    }
    let package = syn::parse2::<syn::LitStr>(tokens.clone()).ok()?.value();
    is_package(&package).then(|| package.into())
}

/// `mod name` anywhere among a macro's tokens, nested groups included.
fn mods_in_tokens(tokens: &proc_macro2::TokenStream, out: &mut Vec<CompactString>) {
    let mut pending: Vec<proc_macro2::TokenStream> = vec![tokens.clone()];
    while let Some(stream) = pending.pop() {
        let mut after_mod = false;
        for token in stream {
            match token {
                proc_macro2::TokenTree::Ident(ident) => {
                    if after_mod {
                        out.push(ident.to_compact_string());
                    }
                    after_mod = ident == "mod";
                }
                proc_macro2::TokenTree::Group(group) => {
                    pending.push(group.stream());
                    after_mod = false;
                }
                _ => after_mod = false,
            }
        }
    }
}
/// `use diesel_models::payments::PaymentTransactionRowPatch;` at the top level of a
/// function body: its names are taken as the module's, which is what the body that uses
/// them sees (a name imported in one function and defined otherwise in another of the same
/// module is rare enough to give up). Only the body's own statements are looked at, not
/// nested blocks: no second walk of every body.
fn body_uses(block: &syn::Block, out: &mut Vec<UseEntry>) {
    for statement in &block.stmts {
        if let syn::Stmt::Item(syn::Item::Use(item_use)) = statement {
            flatten_use_tree(&item_use.tree, &mut Vec::new(), out);
        }
    }
}

/// `async fn inner(pool: &PgPool) -> Result<X> { .. }` declared at the top level of a
/// function body: a helper the body calls by its name, summarized as a function of the
/// module (as the body's `use`s are taken as the module's; a name declared in one body and
/// defined otherwise in another of the same module is rare enough to give up). Only the
/// body's own statements are looked at, and the helper's, not nested blocks.
fn body_fns(block: &syn::Block, in_test: bool, hints: &WalkHints, out: &mut Vec<FnSummary>) {
    for statement in &block.stmts {
        if let syn::Stmt::Item(syn::Item::Fn(item_fn)) = statement {
            out.push(free_fn_summary(
                item_fn,
                in_test || has_cfg_test(&item_fn.attrs),
                hints,
            ));
            body_fns(&item_fn.block, in_test, hints, out);
        }
    }
}

/// A function that is no method: at a module's level, or declared in a body.
fn free_fn_summary(item_fn: &syn::ItemFn, in_test: bool, hints: &WalkHints) -> FnSummary {
    defined_fn_summary(
        &GenericBounds::new(),
        &item_fn.sig,
        &item_fn.attrs,
        &item_fn.block,
        in_test,
        hints,
    )
}

/// A function written with its body (a free function or an impl's method), spanning its
/// `fn` keyword to the body's closing brace.
fn defined_fn_summary(
    bounds: &GenericBounds,
    sig: &syn::Signature,
    attrs: &[syn::Attribute],
    block: &syn::Block,
    in_test: bool,
    hints: &WalkHints,
) -> FnSummary {
    summarize_fn(
        bounds,
        sig,
        attrs,
        Some(block),
        TextRange::between(sig.fn_token.span, block.brace_token.span.close()),
        in_test,
        hints,
    )
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
fn summarize_fn(
    outer_bounds: &GenericBounds,
    sig: &syn::Signature,
    attrs: &[syn::Attribute],
    block: Option<&syn::Block>,
    range: TextRange,
    in_test: bool,
    hints: &WalkHints,
) -> FnSummary {
    // `fn run<Q: Queue>(queue: &Q)`: `queue` is a `dyn Queue`, as in the impl's generics.
    let mut bounds = outer_bounds.clone();
    generic_bounds(&sig.generics, &mut bounds);
    let mut params = Vec::new();
    let mut has_self = false;
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(_) => has_self = true,
            syn::FnArg::Typed(typed) => {
                let mut bindings = Vec::new();
                pattern_bindings(&typed.pat, &typed.ty, &mut bindings);
                let mut field_bindings = Vec::new();
                struct_pattern_bindings(&typed.pat, &typed.ty, &mut field_bindings);
                let mut ty = type_ref(&typed.ty);
                substitute_bounds(&mut ty, &bounds);
                for (_, bound_ty) in &mut bindings {
                    substitute_bounds(bound_ty, &bounds);
                }
                params.push(ParamSummary {
                    bindings,
                    field_bindings,
                    ty,
                });
            }
        }
    }
    let output = match &sig.output {
        syn::ReturnType::Type(_, ty) => {
            let mut ty = type_ref(ty);
            substitute_bounds(&mut ty, &bounds);
            Some(ty)
        }
        syn::ReturnType::Default => None,
    };
    // Test code is never a handler nor on a handler's path: its body is not summarised.
    let is_test = in_test || is_test_fn(attrs);
    let body = summarize_body(block.filter(|_| !is_test), hints);
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
        body,
    }
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
/// The last segment of each macro a `#[derive(..)]` names.
fn derive_names(attrs: &[syn::Attribute]) -> Vec<CompactString> {
    let mut names = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("derive")) {
        // A derive list that does not parse names nothing we can use.
        let _ = attr.parse_nested_meta(|meta| {
            if let Some(last) = meta.path.segments.last() {
                names.push(last.ident.to_compact_string());
            }
            Ok(())
        });
    }
    names
}

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
fn summarize_attr(attr: &syn::Attribute) -> AttrSummary {
    let args = match &attr.meta {
        syn::Meta::List(list) => attr_args(&list.tokens),
        syn::Meta::NameValue(name_value) => vec![AttrArg::Literal(expr_text(&name_value.value))],
        syn::Meta::Path(_) => Vec::new(),
    };
    AttrSummary {
        path: path_segments(attr.path()),
        args,
        range: TextRange::between(attr.pound_token.span, attr.bracket_token.span.close()),
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
            // `method(get, head)`, `params(Path)`: the name and what the parentheses hold.
            [TokenTree::Ident(name), TokenTree::Group(group)]
                if group.delimiter() == proc_macro2::Delimiter::Parenthesis =>
            {
                AttrArg::NameValue(name.to_compact_string(), group.stream().to_compact_string())
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
fn is_str_type(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Reference(reference) if matches!(&*reference.elem, syn::Type::Path(path) if path.path.is_ident("str")))
}
fn is_duration_type(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path) if path.path.segments.last().is_some_and(|last| last.ident == "Duration"))
}
fn item_mod_range(item_mod: &syn::ItemMod) -> TextRange {
    let end = match (&item_mod.content, &item_mod.semi) {
        (Some((brace, _)), _) => brace.span.close(),
        (None, Some(semi)) => semi.span,
        (None, None) => item_mod.ident.span(),
    };
    TextRange::between(item_mod.mod_token.span, end)
}

/// The supertraits of a trait and the enums an `#[enum_dispatch(..)]` dispatches it on, if
/// it has either.
fn trait_links(item_trait: &syn::ItemTrait, hints: &WalkHints) -> Option<Box<TraitLinks>> {
    let supertraits: Vec<Vec<CompactString>> = item_trait
        .supertraits
        .iter()
        .filter_map(|bound| match bound {
            syn::TypeParamBound::Trait(bound) => Some(path_segments(&bound.path)),
            _ => None,
        })
        .collect();
    let dispatching_enums: Vec<CompactString> = item_trait
        .attrs
        .iter()
        .filter(|attr| {
            attr.path().segments.last().is_some_and(|last| {
                hints
                    .dispatch_attributes
                    .iter()
                    .any(|name| last.ident == name)
            })
        })
        .filter_map(|attr| match &attr.meta {
            syn::Meta::List(list) => Some(list.tokens.clone()),
            _ => None,
        })
        .flat_map(|tokens| {
            tokens.into_iter().filter_map(|token| match token {
                proc_macro2::TokenTree::Ident(ident) => Some(ident.to_compact_string()),
                _ => None,
            })
        })
        .collect();
    (!supertraits.is_empty() || !dispatching_enums.is_empty()).then(|| {
        Box::new(TraitLinks {
            supertraits,
            dispatching_enums,
        })
    })
}
