//! The type of a value: a local, a parameter, `self`, a field, a constructor call, a
//! builder, a static, a function's output; seen through transparent wrappers and methods.

use super::{is_external_root, past_the_resolution_limit, Namespace, MAX_RESOLUTION_DEPTH};
use crate::index::*;
use crate::location::Position;

/// Supertraits are followed this many levels up.
const MAX_SUPERTRAIT_DEPTH: usize = 4;

impl WorkspaceIndex {
    /// Resolves a type as written in `module`, seeing through references and wrappers such
    /// as `Arc<T>` and `web::Data<T>`. `self_type` stands for `Self`.
    pub fn resolve_type(
        &self,
        module: ModuleId,
        ty: &TypeRef,
        self_type: Option<&TypeTarget>,
    ) -> TypeTarget {
        self.resolve_type_at(module, ty, self_type, 0)
    }

    fn resolve_type_at(
        &self,
        module: ModuleId,
        ty: &TypeRef,
        self_type: Option<&TypeTarget>,
        depth: usize,
    ) -> TypeTarget {
        if depth > MAX_RESOLUTION_DEPTH {
            return TypeTarget::Unknown(past_the_resolution_limit("type aliases nest"));
        }
        if ty.kind == TypeRefKind::Other || ty.path.is_empty() {
            return TypeTarget::Unknown("not a named type".to_string());
        }
        let last = ty.last_name().unwrap_or_default();
        if ty.path.len() == 1 && last == "Self" {
            return self_type
                .cloned()
                .unwrap_or_else(|| TypeTarget::Unknown("`Self` outside an impl".to_string()));
        }
        if self.typing.is_transparent_wrapper(last) {
            if let Some(inner) = ty.args.first() {
                return self.resolve_type_at(module, inner, self_type, depth + 1);
            }
        }
        match self.resolve_path_at(module, &ty.path, Namespace::Type, depth + 1) {
            Ok(Resolution::Type(type_id)) => {
                let def = self.type_def(type_id);
                if def.summary.kind == TypeItemKind::Alias {
                    if let Some((_, aliased)) = def.summary.fields.first() {
                        return self.resolve_type_at(def.module, aliased, self_type, depth + 1);
                    }
                }
                TypeTarget::Local(type_id)
            }
            Ok(Resolution::External(path)) => TypeTarget::External(path),
            Ok(Resolution::Generated { module, rest }) => {
                let mut path = self.module(module).path.clone();
                path.extend(rest);
                TypeTarget::External(path)
            }
            Ok(_) => TypeTarget::Unknown(format!("`{}` is not a type", ty.path.join("::"))),
            Err(reason) => {
                if ty.path.len() == 1 && is_external_root(last) {
                    TypeTarget::External(ty.path.clone())
                } else {
                    TypeTarget::Unknown(reason)
                }
            }
        }
    }

    /// Methods named `name` on a type: inherent impls first, then trait impls; on a trait,
    /// every impl of that trait in the workspace.
    pub fn methods_named(&self, target: &TypeTarget, name: &str) -> Vec<FnId> {
        let TypeTarget::Local(type_id) = target else {
            return Vec::new();
        };
        let find = |impls: &[ImplId], inherent: bool| -> Vec<FnId> {
            impls
                .iter()
                .filter(|impl_id| self.impl_def(**impl_id).trait_path.is_none() == inherent)
                .flat_map(|impl_id| self.impl_def(*impl_id).methods.iter().copied())
                .filter(|fn_id| self.fn_name(*fn_id) == name)
                .collect()
        };
        if self.type_def(*type_id).summary.kind == TypeItemKind::Trait {
            return self.trait_methods_named(*type_id, name, 0);
        }
        let impls = self
            .impls_by_type
            .get(type_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let inherent = find(impls, true);
        if !inherent.is_empty() {
            return inherent;
        }
        let from_traits = find(impls, false);
        if !from_traits.is_empty() || self.type_def(*type_id).summary.kind != TypeItemKind::Enum {
            return from_traits;
        }
        self.dispatched_methods_named(*type_id, name)
    }

    /// A method of a trait, on `dyn Trait` or a value bound by it: every workspace impl's,
    /// or, when the trait has none of that name, its supertraits' (`trait Connector:
    /// PaymentOps + RefundOps`).
    fn trait_methods_named(&self, trait_id: TypeId, name: &str, depth: usize) -> Vec<FnId> {
        let impls = self
            .impls_by_trait
            .get(&trait_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let own: Vec<FnId> = impls
            .iter()
            .flat_map(|impl_id| self.impl_def(*impl_id).methods.iter().copied())
            .filter(|fn_id| self.fn_name(*fn_id) == name)
            .collect();
        if !own.is_empty() || depth >= MAX_SUPERTRAIT_DEPTH {
            return own;
        }
        let def = self.type_def(trait_id);
        let Some(links) = &def.summary.trait_links else {
            return own;
        };
        let mut found: Vec<FnId> = Vec::new();
        for supertrait in &links.supertraits {
            if let Ok(Resolution::Type(super_id)) =
                self.resolve_path_at(def.module, supertrait, Namespace::Type, 0)
            {
                if super_id != trait_id
                    && self.type_def(super_id).summary.kind == TypeItemKind::Trait
                {
                    found.extend(self.trait_methods_named(super_id, name, depth + 1));
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// `cache.delete(&key)` on an enum that `#[enum_dispatch(Cache)]` makes implement a
    /// trait: each variant's implementation of the method.
    fn dispatched_methods_named(&self, enum_id: TypeId, name: &str) -> Vec<FnId> {
        let enum_name = &self.type_def(enum_id).summary.name;
        let mut found: Vec<FnId> = Vec::new();
        for trait_id in self.impls_by_trait.keys() {
            let dispatches = self
                .type_def(*trait_id)
                .summary
                .trait_links
                .as_ref()
                .is_some_and(|links| links.dispatching_enums.iter().any(|e| e == enum_name));
            if dispatches {
                found.extend(self.trait_methods_named(*trait_id, name, 0));
            }
        }
        found
    }

    /// The type of `field` on a value of `owner_type`.
    /// `state.key_stores.get(issuer)` on a field written `HashMap<String, Box<dyn Store>>`:
    /// the element a collection's accessor hands back, read from the type the collection is
    /// written with (a field's, a local's or a parameter's), as the resolver keeps no type
    /// arguments of external types.
    fn element_of(
        &self,
        context: FnContext,
        collection: &ValueExpr,
        method: &str,
        at: Position,
        depth: usize,
    ) -> Option<TypeTarget> {
        if !self.typing.is_element_accessor(method) {
            return None;
        }
        let (module, written, self_type) = self.written_type(context, collection, at, depth)?;
        let element_is_last = self.typing.collection(written.last_name()?)?;
        let element = if element_is_last {
            written.args.last()?
        } else {
            written.args.first()?
        };
        Some(self.resolve_type(module, element, self_type.as_ref()))
    }

    /// The type a value is written with, where it is written: a field of a workspace
    /// struct (through a `Deref` newtype), a local's annotation, a parameter's type.
    fn written_type(
        &self,
        context: FnContext,
        value: &ValueExpr,
        at: Position,
        depth: usize,
    ) -> Option<(ModuleId, TypeRef, Option<TypeTarget>)> {
        match value {
            ValueExpr::Field(base, field) => {
                let owner =
                    self.field_owner(self.type_of_value_at(context, base, at, depth + 1), field);
                let TypeTarget::Local(type_id) = owner else {
                    return None;
                };
                let def = self.type_def(type_id);
                let (_, written) = def.summary.fields.iter().find(|(name, _)| name == field)?;
                Some((
                    def.module,
                    written.clone(),
                    Some(TypeTarget::Local(type_id)),
                ))
            }
            ValueExpr::Name(name) => {
                let def = self.fn_def(context.function);
                let self_type = self.self_type_of(context.function).cloned();
                let local = def.summary.body.local_at(name, at);
                if let Some(local) = local {
                    return Some((context.module, local.declared.clone()?, self_type));
                }
                let (_, written) = def
                    .summary
                    .params
                    .iter()
                    .flat_map(|param| param.bindings.iter())
                    .find(|(binding, _)| binding == name)?;
                Some((context.module, written.clone(), self_type))
            }
            _ => None,
        }
    }

    fn field_type(&self, context: FnContext, owner_type: TypeTarget, field: &str) -> TypeTarget {
        let owner_type = self.field_owner(owner_type, field);
        match owner_type {
            TypeTarget::Local(type_id) => {
                let owner = self.type_def(type_id);
                match owner.summary.fields.iter().find(|(name, _)| name == field) {
                    // `impl<R: Repo> Service<R> { .. self.repo .. }` over `struct
                    // Service<R> { repo: R }`: the impl's bound says what `R` is.
                    Some((_, ty)) => match self.impl_bound(context, type_id, ty) {
                        Some((module, bound)) => self.resolve_type(module, bound, None),
                        None => {
                            self.resolve_type(owner.module, ty, Some(&TypeTarget::Local(type_id)))
                        }
                    },
                    None => TypeTarget::Unknown(format!(
                        "no field `{field}` on `{}`",
                        owner.summary.name
                    )),
                }
            }
            TypeTarget::External(path) => TypeTarget::Unknown(format!(
                "field `{field}` of external type `{}`",
                path.join("::")
            )),
            unknown => unknown,
        }
    }

    /// The type whose field `field` is when read on `owner`: `owner` itself, or, for
    /// `state.emails` on `#[derive(Deref)] struct AppState(Arc<App>)` (a struct without
    /// that field of its own), what it dereferences to.
    fn field_owner(&self, owner: TypeTarget, field: &str) -> TypeTarget {
        if let TypeTarget::Local(type_id) = owner {
            let owns_field = self
                .type_def(type_id)
                .summary
                .fields
                .iter()
                .any(|(name, _)| name == field);
            if let (false, Some(target)) = (owns_field, self.deref_target(type_id)) {
                return target;
            }
        }
        owner
    }

    /// What a struct dereferences to when a derive says so (`#[derive(Deref)] struct
    /// AppState(Arc<App>)` is an `App` wherever a field or method of its own is missing).
    /// Only a struct of one field: with more, the derive needs an attribute on the field.
    pub fn deref_target(&self, type_id: TypeId) -> Option<TypeTarget> {
        let def = self.type_def(type_id);
        let summary = &def.summary;
        let derefs = summary.kind == TypeItemKind::Struct
            && summary
                .derives
                .iter()
                .any(|name| self.typing.is_deref_derive(name));
        let [(_, field_type)] = summary.fields.as_slice() else {
            return None;
        };
        if !derefs {
            return None;
        }
        match self.resolve_type(def.module, field_type, Some(&TypeTarget::Local(type_id))) {
            TypeTarget::Local(target) if target == type_id => None,
            TypeTarget::Unknown(_) => None,
            target => Some(target),
        }
    }

    /// The type of the impl a function belongs to, if any.
    pub fn self_type_of(&self, function: FnId) -> Option<&TypeTarget> {
        self.fn_owner(function)
            .map(|impl_id| &self.impl_def(impl_id).self_type)
    }

    /// The type of a value seen at `at` inside a function: a local, a parameter, `self`, a
    /// field, a constructor call, a builder, a static.
    pub fn type_of_value(&self, context: FnContext, value: &ValueExpr, at: Position) -> TypeTarget {
        self.type_of_value_at(context, value, at, 0)
    }

    fn type_of_value_at(
        &self,
        context: FnContext,
        value: &ValueExpr,
        at: Position,
        depth: usize,
    ) -> TypeTarget {
        if depth > MAX_RESOLUTION_DEPTH {
            return TypeTarget::Unknown(past_the_resolution_limit("the value is derived"));
        }
        let def = self.fn_def(context.function);
        let self_type = self.self_type_of(context.function);
        match value {
            ValueExpr::SelfValue => self_type
                .cloned()
                .unwrap_or_else(|| TypeTarget::Unknown("`self` outside an impl".to_string())),
            ValueExpr::Name(name) => {
                let local = def.summary.body.local_at(name, at);
                if let Some(local) = local {
                    if let Some(declared) = &local.declared {
                        return self.resolve_type(context.module, declared, self_type);
                    }
                    return match &local.init {
                        // The initialiser sees the bindings before this one:
                        // `let state = state.read().await` reads the parameter `state`.
                        Some(init) => self.type_of_value_at(
                            context,
                            init,
                            local
                                .init_range
                                .map_or(local.scope.start, |range| range.start),
                            depth + 1,
                        ),
                        None => TypeTarget::Unknown(format!(
                            "`{name}` has no written type or initialiser"
                        )),
                    };
                }
                // `State(AppState { ref queue, .. }): State<AppState>`: the field's type.
                let field_binding = def
                    .summary
                    .params
                    .iter()
                    .flat_map(|param| param.field_bindings.iter())
                    .find(|binding| binding.name == *name);
                if let Some(binding) = field_binding {
                    let owner_type = self.resolve_type(context.module, &binding.owner, self_type);
                    return self.field_type(context, owner_type, &binding.field);
                }
                let parameter = def
                    .summary
                    .params
                    .iter()
                    .flat_map(|param| param.bindings.iter())
                    .find(|(binding, _)| binding == name);
                if let Some((_, ty)) = parameter {
                    return self.resolve_type(context.module, ty, self_type);
                }
                self.type_of_path(context.module, std::slice::from_ref(name))
            }
            ValueExpr::Path(segments) => self.type_of_path(context.module, segments),
            ValueExpr::Field(base, field) => {
                let owner_type = self.type_of_value_at(context, base, at, depth + 1);
                self.field_type(context, owner_type, field)
            }
            ValueExpr::Call { callee, args } => {
                let last = callee.last().map(CompactString::as_str).unwrap_or_default();
                let owner = callee
                    .len()
                    .checked_sub(2)
                    .map(|index| callee[index].as_str());
                // `spawn_blocking(move || Client::new())`, `timeout(limit, connect(url))`:
                // the value is the closure's return, the future's output.
                if let Some(position) = self.typing.value_argument(last) {
                    let is_workspace_fn = matches!(
                        self.resolve_path(context.module, callee),
                        Ok(Resolution::Fn(_) | Resolution::Fns(_))
                    );
                    if let Some(argument) = args.get(position).filter(|_| !is_workspace_fn) {
                        // `spawn_blocking(load_client)`: a function given by its name runs
                        // and gives its output.
                        let called = match argument {
                            ValueExpr::Name(name) => Some(vec![name.clone()]),
                            ValueExpr::Path(segments) => Some(segments.clone()),
                            _ => None,
                        }
                        .filter(|path| {
                            matches!(
                                self.resolve_path(context.module, path),
                                Ok(Resolution::Fn(_))
                            )
                        });
                        if let Some(callee) = called {
                            let call = ValueExpr::Call {
                                callee,
                                args: Vec::new(),
                            };
                            return self.type_of_value_at(context, &call, at, depth + 1);
                        }
                        return self.type_of_value_at(context, argument, at, depth + 1);
                    }
                }
                // `Arc::new(x)`, `Some(x)`: the value is `x`.
                if (last == "new"
                    && owner.is_some_and(|owner| self.typing.is_transparent_wrapper(owner)))
                    || (callee.len() == 1 && matches!(last, "Some" | "Ok" | "Box"))
                {
                    return match args.first() {
                        Some(inner) => self.type_of_value_at(context, inner, at, depth + 1),
                        None => TypeTarget::Unknown("wrapper built from nothing".to_string()),
                    };
                }
                let resolved = if callee.first().map(CompactString::as_str) == Some("Self") {
                    match self_type {
                        Some(TypeTarget::Local(type_id)) => {
                            let methods = self.methods_named(&TypeTarget::Local(*type_id), last);
                            methods
                                .first()
                                .map(|id| Resolution::Fn(*id))
                                .ok_or_else(|| format!("no `Self::{last}`"))
                        }
                        Some(TypeTarget::External(path)) => {
                            let mut full = path.clone();
                            full.extend(callee[1..].iter().cloned());
                            Ok(Resolution::External(full))
                        }
                        _ => Err("`Self` outside an impl".to_string()),
                    }
                } else {
                    self.resolve_path(context.module, callee)
                };
                match resolved {
                    Ok(Resolution::Fn(fn_id)) => self.output_type(fn_id),
                    Ok(Resolution::External(path)) => self.constructed_type(&path),
                    // `RiskClient::connect(url)` on a client generated into the workspace.
                    Ok(Resolution::Generated { module, rest }) => {
                        let mut path = self.module(module).path.clone();
                        path.extend(rest);
                        self.constructed_type(&path)
                    }
                    Ok(Resolution::Type(type_id)) => TypeTarget::Local(type_id),
                    Ok(_) => {
                        TypeTarget::Unknown(format!("`{}` is not a function", callee.join("::")))
                    }
                    Err(reason) => TypeTarget::Unknown(reason),
                }
            }
            ValueExpr::MethodCall { receiver, method } => {
                if self.typing.is_transparent_method(method) {
                    return self.type_of_value_at(context, receiver, at, depth + 1);
                }
                if let Some(element) = self.element_of(context, receiver, method, at, depth) {
                    return element;
                }
                if self.typing.is_builder_finisher(method) {
                    if let Some(built) = self.builder_product(context, receiver) {
                        return built;
                    }
                }
                match self.type_of_value_at(context, receiver, at, depth + 1) {
                    target @ TypeTarget::Local(_) => {
                        match self.methods_named(&target, method).first() {
                            Some(fn_id) => self.output_type(*fn_id),
                            None => TypeTarget::Unknown(format!(
                                "no method `{method}` in the workspace"
                            )),
                        }
                    }
                    TypeTarget::External(path) => self
                        .typing
                        .through_builder(&path, method)
                        .unwrap_or_else(|| external_result(&path)),
                    unknown => unknown,
                }
            }
            ValueExpr::StructLiteral(path) => {
                if path.len() == 1 && path[0] == "Self" {
                    return self_type.cloned().unwrap_or_else(|| {
                        TypeTarget::Unknown("`Self` outside an impl".to_string())
                    });
                }
                self.resolve_type(
                    context.module,
                    &TypeRef {
                        path: path.clone(),
                        args: Vec::new(),
                        kind: TypeRefKind::Path,
                    },
                    self_type,
                )
            }
            ValueExpr::Tail { value, at } => self.type_of_value_at(context, value, *at, depth + 1),
            ValueExpr::Unwrapped(value) => self.type_of_value_at(context, value, at, depth + 1),
            // Rust gives every way the same type: the ways that can be typed tell it, and
            // when they tell different types one of them was typed wrongly (a generic
            // function's result, `serde_json::from_str::<T>(..)`, is taken for its crate's).
            ValueExpr::OneOf(ways) => {
                let mut first_reason = None;
                let mut typed: Option<TypeTarget> = None;
                for way in ways {
                    match self.type_of_value_at(context, way, at, depth + 1) {
                        TypeTarget::Unknown(reason) => {
                            first_reason.get_or_insert(reason);
                        }
                        known => match &typed {
                            None => typed = Some(known),
                            Some(earlier) if *earlier == known => {}
                            Some(_) => {
                                return TypeTarget::Unknown(
                                    "the ways of a `match` or `if` are typed differently"
                                        .to_string(),
                                )
                            }
                        },
                    }
                }
                typed.unwrap_or_else(|| {
                    TypeTarget::Unknown(
                        first_reason.unwrap_or_else(|| {
                            "no way of the branching yields a value".to_string()
                        }),
                    )
                })
            }
            ValueExpr::VariantField { value, variant } => {
                match self.type_of_value_at(context, value, at, depth + 1) {
                    TypeTarget::Local(type_id)
                        if self.type_def(type_id).summary.kind == TypeItemKind::Enum =>
                    {
                        let owner = self.type_def(type_id);
                        match owner
                            .summary
                            .fields
                            .iter()
                            .filter(|(name, _)| name == variant)
                            .collect::<Vec<_>>()
                            .as_slice()
                        {
                            [(_, carried)] => self.resolve_type(
                                owner.module,
                                carried,
                                Some(&TypeTarget::Local(type_id)),
                            ),
                            _ => TypeTarget::Unknown(format!(
                                "`{}::{variant}` does not carry one value",
                                owner.summary.name
                            )),
                        }
                    }
                    TypeTarget::Unknown(reason) => TypeTarget::Unknown(reason),
                    _ => TypeTarget::Unknown(format!(
                        "what `{variant}` carries: the matched value is not a workspace enum"
                    )),
                }
            }
            ValueExpr::Unknown => TypeTarget::Unknown("expression too complex to type".to_string()),
        }
    }

    /// The trait that the impl of `context`'s function, when it is an impl of `owner`,
    /// binds a one-segment type to, with the impl's module.
    fn impl_bound<'a>(
        &'a self,
        context: FnContext,
        owner: TypeId,
        ty: &TypeRef,
    ) -> Option<(ModuleId, &'a TypeRef)> {
        let [name] = ty.path.as_slice() else {
            return None;
        };
        let impl_def = self.impl_def(self.fn_def(context.function).owner?);
        if impl_def.self_type != TypeTarget::Local(owner) {
            return None;
        }
        impl_def
            .generic_bounds
            .iter()
            .find(|(bound_name, _)| bound_name == name)
            .map(|(_, bound)| (impl_def.module, bound))
    }

    /// `T::builder().a().b().build()` is a `T`.
    fn builder_product(&self, context: FnContext, receiver: &ValueExpr) -> Option<TypeTarget> {
        let mut current = receiver;
        loop {
            match current {
                ValueExpr::MethodCall { receiver, .. } => current = receiver,
                ValueExpr::Call { callee, .. }
                    if callee.last().is_some_and(|last| last == "builder") && callee.len() >= 2 =>
                {
                    let owner = TypeRef {
                        path: callee[..callee.len() - 1].to_vec(),
                        args: Vec::new(),
                        kind: TypeRefKind::Path,
                    };
                    return Some(self.resolve_type(
                        context.module,
                        &owner,
                        self.self_type_of(context.function),
                    ));
                }
                _ => return None,
            }
        }
    }

    fn type_of_path(&self, module: ModuleId, segments: &[CompactString]) -> TypeTarget {
        match self.resolve_path(module, segments) {
            Ok(Resolution::Static(static_module, name)) => {
                match self.module(static_module).statics.get(&name) {
                    Some(item) => self.resolve_type(static_module, &item.ty, None),
                    None => TypeTarget::Unknown(format!("static `{name}` vanished")),
                }
            }
            Ok(Resolution::Type(type_id)) => TypeTarget::Local(type_id),
            Ok(_) => TypeTarget::Unknown(format!(
                "`{}` is not a value with a type",
                segments.join("::")
            )),
            Err(reason) => TypeTarget::Unknown(reason),
        }
    }

    /// The type a function returns, `Result<T, _>` and `Option<T>` read as `T` (callers
    /// apply `?` and `.await` before using the value). A library's own result alias
    /// (`KafkaResult<T>`, `io::Result<T>`) is a `Result` too.
    pub fn output_type(&self, function: FnId) -> TypeTarget {
        let def = self.fn_def(function);
        let Some(output) = &def.summary.output else {
            return TypeTarget::Unknown(format!("`{}` returns nothing", def.summary.name));
        };
        let mut ty = output;
        let self_type = self.self_type_of(function);
        let is_result = |ty: &TypeRef| match ty.last_name() {
            Some("Result" | "Option") => true,
            // A struct of the workspace named `SearchResult<T>` is itself.
            Some(name) if name.ends_with("Result") => !matches!(
                self.resolve_type(def.module, ty, self_type),
                TypeTarget::Local(type_id)
                    if self.type_def(type_id).summary.kind != TypeItemKind::Alias
            ),
            _ => false,
        };
        while is_result(ty) && !ty.args.is_empty() {
            ty = &ty.args[0];
        }
        self.resolve_type(def.module, ty, self_type)
    }

    /// `reqwest::Client::new` builds a `reqwest::Client`; `Client::with_config(..)` too.
    fn constructed_type(&self, path: &[CompactString]) -> TypeTarget {
        if let Some(builder) = self.typing.started_builder(path) {
            return builder;
        }
        if let [owner @ .., owner_last, function] = path {
            let is_type_name = owner_last.chars().next().is_some_and(char::is_uppercase);
            let is_constructor = self.typing.is_constructor(function);
            if is_type_name && is_constructor {
                let mut type_path = owner.to_vec();
                type_path.push(owner_last.clone());
                return TypeTarget::External(type_path);
            }
        }
        external_result(path)
    }
}

/// A value an external function returned, of a type not written anywhere: it belongs to
/// that crate, which is all that is known.
fn external_result(path: &[CompactString]) -> TypeTarget {
    match path.first() {
        Some(root) => TypeTarget::External(vec![root.clone(), "<result>".into()]),
        None => TypeTarget::Unknown("result of an unnamed function".to_string()),
    }
}
