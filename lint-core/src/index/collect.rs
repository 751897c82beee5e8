//! Turns one file's syntax tree into its [`FileSummary`]. This is the only walk of the tree:
//! every later layer reads the summary.

use proc_macro2::{TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::summary::*;
use crate::knowledge::ROUTE_BUILDING_METHODS;
use crate::location::TextRange;

/// Summarises a parsed file. Pure: the caller owns parsing and the span source map.
pub fn summarize_file(file: &syn::File) -> FileSummary {
    let mut summary = FileSummary {
        modules: vec![ModuleSummary {
            range: range_of(file),
            ..ModuleSummary::default()
        }],
    };
    collect_items(&file.items, 0, false, &mut summary);
    summary
}

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
                            name: item_mod.ident.to_string(),
                            parent: Some(module),
                            range: range_of(item_mod),
                            is_test,
                            ..ModuleSummary::default()
                        });
                        let child = out.modules.len() - 1;
                        collect_items(inner, child, is_test, out);
                    }
                    None => out.modules[module].mod_decls.push(ModDecl {
                        name: item_mod.ident.to_string(),
                        path_attr: path_attribute(&item_mod.attrs),
                        is_test,
                        range: range_of(item_mod),
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
                    range_of(item_fn),
                    in_test,
                );
                out.modules[module].fns.push(summary);
            }
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
                            range_of(method),
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
                    attrs: item_impl.attrs.iter().map(summarize_attr).collect(),
                    range: range_of(item_impl),
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
                            .map(ToString::to_string)
                            .unwrap_or_else(|| position.to_string());
                        (name, type_ref(&field.ty))
                    })
                    .collect();
                out.modules[module].types.push(TypeSummary {
                    name: item_struct.ident.to_string(),
                    kind: TypeItemKind::Struct,
                    range: range_of(item_struct),
                    fields,
                    trait_methods: Vec::new(),
                });
            }
            syn::Item::Enum(item_enum) => out.modules[module].types.push(TypeSummary {
                name: item_enum.ident.to_string(),
                kind: TypeItemKind::Enum,
                range: range_of(item_enum),
                fields: Vec::new(),
                trait_methods: Vec::new(),
            }),
            syn::Item::Union(item_union) => out.modules[module].types.push(TypeSummary {
                name: item_union.ident.to_string(),
                kind: TypeItemKind::Union,
                range: range_of(item_union),
                fields: Vec::new(),
                trait_methods: Vec::new(),
            }),
            syn::Item::Trait(item_trait) => out.modules[module].types.push(TypeSummary {
                name: item_trait.ident.to_string(),
                kind: TypeItemKind::Trait,
                range: range_of(item_trait),
                fields: Vec::new(),
                trait_methods: item_trait
                    .items
                    .iter()
                    .filter_map(|trait_item| match trait_item {
                        syn::TraitItem::Fn(method) => Some(method.sig.ident.to_string()),
                        _ => None,
                    })
                    .collect(),
            }),
            syn::Item::Type(item_type) => out.modules[module].types.push(TypeSummary {
                name: item_type.ident.to_string(),
                kind: TypeItemKind::Alias,
                range: range_of(item_type),
                fields: vec![(String::new(), type_ref(&item_type.ty))],
                trait_methods: Vec::new(),
            }),
            syn::Item::Static(item_static) => out.modules[module].statics.push(StaticSummary {
                name: item_static.ident.to_string(),
                ty: type_ref(&item_static.ty),
                range: range_of(item_static),
            }),
            syn::Item::Const(item_const) => out.modules[module].statics.push(StaticSummary {
                name: item_const.ident.to_string(),
                ty: type_ref(&item_const.ty),
                range: range_of(item_const),
            }),
            syn::Item::Macro(item_macro) => {
                let macro_name = item_macro
                    .mac
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string());
                if macro_name.as_deref() == Some("include_proto") {
                    if let Ok(package) = syn::parse2::<syn::LitStr>(item_macro.mac.tokens.clone()) {
                        out.modules[module].proto_packages.push(package.value());
                    }
                }
            }
            _ => {}
        }
    }
}

fn flatten_use_tree(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<UseEntry>) {
    match tree {
        syn::UseTree::Path(use_path) => {
            prefix.push(use_path.ident.to_string());
            flatten_use_tree(&use_path.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(use_name) => {
            let name = use_name.ident.to_string();
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
            let original = rename.ident.to_string();
            if original != "self" {
                path.push(original);
            }
            out.push(UseEntry {
                path,
                alias: Some(rename.rename.to_string()),
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

pub(crate) fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_string())
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

fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        syn::Meta::NameValue(name_value) if attr.path().is_ident("path") => {
            match &name_value.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(path),
                    ..
                }) => Some(path.value()),
                _ => None,
            }
        }
        _ => None,
    })
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
        range: range_of(attr),
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
                    _ => rest.iter().cloned().collect::<TokenStream>().to_string(),
                };
                AttrArg::NameValue(name.to_string(), value)
            }
            [TokenTree::Ident(name), ..] => AttrArg::Word(name.to_string()),
            other => AttrArg::Word(other.iter().cloned().collect::<TokenStream>().to_string()),
        })
        .collect()
}

fn literal_text(literal: &proc_macro2::Literal) -> String {
    match syn::parse2::<syn::LitStr>(TokenTree::Literal(literal.clone()).into()) {
        Ok(string) => string.value(),
        Err(_) => literal.to_string(),
    }
}

fn expr_text(expr: &syn::Expr) -> String {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(string),
            ..
        }) => string.value(),
        other => quote::ToTokens::to_token_stream(other).to_string(),
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
fn pattern_bindings(pat: &syn::Pat, ty: &syn::Type, out: &mut Vec<(String, TypeRef)>) {
    match pat {
        syn::Pat::Ident(ident) => out.push((ident.ident.to_string(), type_ref(ty))),
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

fn pattern_names(pat: &syn::Pat) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, node: &'ast syn::PatIdent) {
            self.0.push(node.ident.to_string());
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
    if let Some(block) = block {
        body.scopes.push(range_of(block));
        body.visit_block(block);
    }
    FnSummary {
        name: sig.ident.to_string(),
        name_range: range_of(&sig.ident),
        range,
        attrs: attrs.iter().map(summarize_attr).collect(),
        is_async: sig.asyncness.is_some(),
        has_self,
        params,
        output,
        is_test: in_test || is_test_fn(attrs),
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
}

impl BodyCollector {
    fn capture_route_statement(&mut self, binding: Option<String>, expr: &syn::Expr) {
        self.summary.route_statements.push(RouteStatement {
            binding,
            expr: expr_tree(expr),
        });
    }
}

impl<'ast> Visit<'ast> for BodyCollector {
    fn visit_item(&mut self, _nested_item: &'ast syn::Item) {}

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.scopes.push(range_of(block));
        visit::visit_block(self, block);
        self.scopes.pop();
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let statement_end = range_of(local).end;
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
        let names = pattern_names(declared_pat);
        let single_name = match declared_pat {
            syn::Pat::Ident(ident) => Some(ident.ident.to_string()),
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
                init_range: init_expr.map(range_of),
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
            self.summary.calls.push(CallSite {
                range: range_of(call),
                callee: Callee::Path(path_segments(&callee.path)),
                literal_args: literal_args(call.args.iter()),
                arg_names: arg_names(call.args.iter()),
            });
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.summary.calls.push(CallSite {
            range: range_of(call),
            callee: Callee::Method {
                receiver: value_expr(&call.receiver),
                method: call.method.to_string(),
            },
            literal_args: literal_args(call.args.iter()),
            arg_names: arg_names(call.args.iter()),
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
    struct Bound(Vec<String>);
    impl<'ast> Visit<'ast> for Bound {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_pat_ident(&mut self, node: &'ast syn::PatIdent) {
            self.0.push(node.ident.to_string());
            visit::visit_pat_ident(self, node);
        }
    }
    let mut bound = Bound(Vec::new());
    bound.visit_expr(expr);
    bound.0.sort();
    bound.0.dedup();
    LoopSummary {
        range: range_of(expr),
        keyword,
        bound_names: bound.0,
    }
}

fn literal_args<'a>(args: impl Iterator<Item = &'a syn::Expr>) -> Vec<String> {
    fn collect(expr: &syn::Expr, out: &mut Vec<String>) {
        match expr {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(string),
                ..
            }) => out.push(string.value()),
            syn::Expr::Reference(reference) => collect(&reference.expr, out),
            syn::Expr::Paren(paren) => collect(&paren.expr, out),
            syn::Expr::Array(array) => array.elems.iter().for_each(|elem| collect(elem, out)),
            syn::Expr::MethodCall(call) => collect(&call.receiver, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    args.for_each(|arg| collect(arg, &mut out));
    out
}

fn arg_names<'a>(args: impl Iterator<Item = &'a syn::Expr>) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_path(&mut self, node: &'ast syn::ExprPath) {
            if let Some(ident) = node.path.get_ident() {
                self.0.push(ident.to_string());
            }
        }
    }
    let mut names = Names(Vec::new());
    args.for_each(|arg| names.visit_expr(arg));
    names.0
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
                syn::Member::Named(ident) => ident.to_string(),
                syn::Member::Unnamed(index) => index.index.to_string(),
            };
            ValueExpr::Field(Box::new(value_expr(&field.base)), member)
        }
        syn::Expr::Call(call) => match peel(&call.func) {
            syn::Expr::Path(path) => ValueExpr::Call {
                callee: path_segments(&path.path),
                args: call.args.iter().map(value_expr).collect(),
            },
            _ => ValueExpr::Unknown,
        },
        syn::Expr::MethodCall(call) => ValueExpr::MethodCall {
            receiver: Box::new(value_expr(&call.receiver)),
            method: call.method.to_string(),
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
                if ROUTE_BUILDING_METHODS.contains(&call.method.to_string().as_str()) {
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
                range: range_of(call),
            },
            _ => ExprTree::Other,
        },
        syn::Expr::MethodCall(call) => ExprTree::MethodCall {
            receiver: Box::new(expr_tree(&call.receiver)),
            method: call.method.to_string(),
            args: call.args.iter().map(expr_tree).collect(),
            range: range_of(call),
        },
        syn::Expr::Path(path) => ExprTree::Path {
            segments: path_segments(&path.path),
            range: range_of(path),
        },
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(string),
            ..
        }) => ExprTree::Str(string.value()),
        syn::Expr::Closure(closure) => ExprTree::Closure {
            range: range_of(closure),
        },
        syn::Expr::Async(block) => ExprTree::Closure {
            range: range_of(block),
        },
        syn::Expr::Macro(mac) => ExprTree::Macro {
            path: path_segments(&mac.mac.path),
            args: macro_args(&mac.mac.tokens),
            range: range_of(mac),
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
