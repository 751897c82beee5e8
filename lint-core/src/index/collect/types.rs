//! Types and patterns as written: a [`TypeRef`] per type, the names a pattern binds.

use syn::visit::{self, Visit};

use super::path_segments;
use crate::index::summary::*;

/// A type as written, references and parentheses removed.
pub(super) fn type_ref(ty: &syn::Type) -> TypeRef {
    match ty {
        syn::Type::Reference(reference) => type_ref(&reference.elem),
        syn::Type::Paren(paren) => type_ref(&paren.elem),
        syn::Type::Group(group) => type_ref(&group.elem),
        syn::Type::Ptr(pointer) => type_ref(&pointer.elem),
        syn::Type::Path(type_path) => TypeRef {
            path: path_segments(&type_path.path),
            args: type_arguments(&type_path.path),
            kind: TypeRefKind::Path,
        },
        syn::Type::TraitObject(object) => trait_bound_ref(object.bounds.iter()),
        syn::Type::ImplTrait(impl_trait) => trait_bound_ref(impl_trait.bounds.iter()),
        _ => TypeRef {
            path: Vec::new(),
            args: Vec::new(),
            kind: TypeRefKind::Other,
        },
    }
}

/// The type arguments of a path's last segment: `u8` of `Vec<u8>`, `Order` of
/// `Repository<Order>`; lifetimes and constants left out.
fn type_arguments(path: &syn::Path) -> Vec<TypeRef> {
    path.segments
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
        .unwrap_or_default()
}

fn trait_bound_ref<'a>(mut bounds: impl Iterator<Item = &'a syn::TypeParamBound>) -> TypeRef {
    let first_trait = bounds.find_map(|bound| match bound {
        syn::TypeParamBound::Trait(trait_bound) => Some(trait_bound),
        _ => None,
    });
    match first_trait {
        Some(trait_bound) => TypeRef {
            path: path_segments(&trait_bound.path),
            args: type_arguments(&trait_bound.path),
            kind: TypeRefKind::Trait,
        },
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
pub(super) fn pattern_bindings(
    pat: &syn::Pat,
    ty: &syn::Type,
    out: &mut Vec<(CompactString, TypeRef)>,
) {
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
/// The names a struct pattern binds to fields of the value it takes apart, seen through
/// one-field wrappers as [`pattern_bindings`] does: `State(AppState { ref db, queue: q, ..
/// }): State<AppState>` binds `db` to the field `db` and `q` to the field `queue`.
pub(super) fn struct_pattern_bindings(pat: &syn::Pat, ty: &syn::Type, out: &mut Vec<FieldBinding>) {
    match pat {
        syn::Pat::Reference(reference) => struct_pattern_bindings(&reference.pat, ty, out),
        syn::Pat::Paren(paren) => struct_pattern_bindings(&paren.pat, ty, out),
        syn::Pat::TupleStruct(tuple_struct) if tuple_struct.elems.len() == 1 => {
            if let (Some(inner_pat), Some(inner_ty)) =
                (tuple_struct.elems.first(), first_generic_type(ty))
            {
                struct_pattern_bindings(inner_pat, inner_ty, out);
            }
        }
        syn::Pat::Struct(pattern) => {
            for field in &pattern.fields {
                let (syn::Member::Named(member), syn::Pat::Ident(ident)) =
                    (&field.member, &*field.pat)
                else {
                    continue;
                };
                if ident.subpat.is_none() {
                    out.push(FieldBinding {
                        name: ident.ident.to_compact_string(),
                        owner: type_ref(ty),
                        field: member.to_compact_string(),
                    });
                }
            }
        }
        _ => {}
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
pub(super) fn pattern_names(pat: &syn::Pat) -> Vec<CompactString> {
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
/// The name a pattern binds to the whole value it matches, seen through `Some(..)`,
/// `Ok(..)`, references and parentheses: `Some(client)` binds `client` to what the option
/// holds, which the resolver types as the option (it sees through `Option` and `Result`).
pub(super) fn unwrapped_binding(pat: &syn::Pat) -> Option<CompactString> {
    match pat {
        syn::Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.to_compact_string()),
        syn::Pat::Reference(reference) => unwrapped_binding(&reference.pat),
        syn::Pat::Paren(paren) => unwrapped_binding(&paren.pat),
        syn::Pat::Type(typed) => unwrapped_binding(&typed.pat),
        syn::Pat::TupleStruct(tuple)
            if tuple.elems.len() == 1
                && tuple
                    .path
                    .segments
                    .last()
                    .is_some_and(|last| last.ident == "Some" || last.ident == "Ok") =>
        {
            tuple.elems.first().and_then(unwrapped_binding)
        }
        _ => None,
    }
}

/// `Backend::Smtp(transport)`: the variant a pattern names and the one name it binds to
/// what that variant carries (through `&`, `ref` and parentheses). Not `Some`, `Ok` or
/// `Err`, which [`unwrapped_binding`] and the error arms read; a variant written alone
/// (`Smtp(transport)`, imported) is read too when its name is not one of those.
pub(super) fn variant_binding(pat: &syn::Pat) -> Option<(CompactString, CompactString)> {
    match pat {
        syn::Pat::Reference(reference) => variant_binding(&reference.pat),
        syn::Pat::Paren(paren) => variant_binding(&paren.pat),
        syn::Pat::TupleStruct(tuple) if tuple.elems.len() == 1 => {
            let variant = tuple.path.segments.last()?.ident.to_compact_string();
            if matches!(variant.as_str(), "Some" | "Ok" | "Err") {
                return None;
            }
            match tuple.elems.first()? {
                syn::Pat::Ident(ident) if ident.subpat.is_none() => {
                    Some((variant, ident.ident.to_compact_string()))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Generic parameters bound to a trait, by name: `Q: Queue<Payment>` and `where R: Repo`
/// give `Q` as `dyn Queue<Payment>` and `R` as `dyn Repo`, so that a value of type `Q`
/// reaches every implementation of the trait in the workspace.
pub(super) type GenericBounds = Vec<(CompactString, TypeRef)>;

/// Traits of the language and its standard library that say how a value may be used,
/// never what it does: a parameter bound by them and a workspace trait is that trait's.
const MARKER_TRAITS: &[&str] = &[
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Clone",
    "Copy",
    "Debug",
    "Display",
    "Default",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Hash",
    "Fn",
    "FnMut",
    "FnOnce",
    "Into",
    "From",
    "AsRef",
    "AsMut",
    "ToString",
    "Serialize",
    "Deserialize",
    "DeserializeOwned",
    "Any",
    "Error",
];

/// Adds the trait bounds of `generics` (inline and in its `where` clause) to `out`; a
/// parameter bound twice keeps its first trait.
pub(super) fn generic_bounds(generics: &syn::Generics, out: &mut GenericBounds) {
    let mut add =
        |name: CompactString,
         bounds: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>| {
            let meaningful = bounds.iter().filter(|bound| match bound {
                syn::TypeParamBound::Trait(trait_bound) => {
                    trait_bound.path.segments.last().is_some_and(|last| {
                        !MARKER_TRAITS.iter().any(|marker| last.ident == marker)
                    })
                }
                _ => false,
            });
            let bound = trait_bound_ref(meaningful);
            if bound.kind == TypeRefKind::Trait && !out.iter().any(|(known, _)| *known == name) {
                out.push((name, bound));
            }
        };
    for param in generics.type_params() {
        add(param.ident.to_compact_string(), &param.bounds);
    }
    if let Some(where_clause) = &generics.where_clause {
        for predicate in &where_clause.predicates {
            if let syn::WherePredicate::Type(predicate) = predicate {
                if let syn::Type::Path(bounded) = &predicate.bounded_ty {
                    if let Some(ident) = bounded.path.get_ident() {
                        add(ident.to_compact_string(), &predicate.bounds);
                    }
                }
            }
        }
    }
}

/// `ty` with every generic parameter of `bounds` replaced by the trait that bounds it.
pub(super) fn substitute_bounds(ty: &mut TypeRef, bounds: &GenericBounds) {
    if bounds.is_empty() {
        return;
    }
    if let [single] = ty.path.as_slice() {
        if let Some((_, bound)) = bounds.iter().find(|(name, _)| name == single) {
            *ty = bound.clone();
            return;
        }
    }
    for arg in &mut ty.args {
        substitute_bounds(arg, bounds);
    }
}
