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
