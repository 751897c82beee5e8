//! What a caller gives its callee, where the code says it: a constant (`Method::POST`,
//! `"POST"`), `None` or `Some(..)`, a parameter of the caller handed on, or the fields of a
//! struct built by a literal or by a constructor of the workspace
//! (`LedgerEntry::credit(.., None)` builds an entry whose `idempotency_key` is `None`).
//!
//! A helper's facts may depend on a parameter: the HTTP method a `make_request(method, url)`
//! sends, or a key it adds only `if let Some(key) = &entry.idempotency_key`. The helper's
//! facts name the parameter ([`ParamRef`]); when a handler's path is followed, each caller's
//! [`GivenArgument`]s settle it for that path (see [`super::reach`]). Where the caller's
//! argument is not known, the helper's own answer stands.

use crate::index::{CallSite, CallTarget, Callee, FnId, Mention, WorkspaceIndex};
use crate::knowledge::REQUEST_METHOD_ACCESSORS;
use crate::location::Position;

/// The "field" of a parameter that is a request, for its HTTP method (`req.method()`): a
/// handler given the incoming request gives the method it is routed as there.
pub const REQUEST_METHOD: &str = "method()";

/// Constructors are followed this many calls deep, locals this many bindings back.
const MAX_DEPTH: usize = 3;

/// Methods that keep whether an `Option` holds a value, and a constant what it is:
/// `key.map(str::to_owned)` is present exactly when `key` is.
const PRESERVING_METHODS: &[&str] = &[
    "map",
    "cloned",
    "copied",
    "clone",
    "as_ref",
    "as_deref",
    "as_mut",
    "to_owned",
    "to_string",
    "into",
];

/// A parameter of a function (by position, `self` not counted), or a field of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamRef {
    pub position: usize,
    pub field: Option<String>,
}

/// What a value is, as far as the code at hand says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Given {
    /// `None`: the optional value is absent.
    Nothing,
    /// `Some(..)`: it is present.
    Something,
    /// A constant: the last segment of a path (`Method::POST` gives `POST`), or a literal.
    Constant(String),
    /// A parameter of the function it is written in (or a field of one): its caller decides.
    Param(ParamRef),
    /// A request built here and handed to a helper that sends it (`execute(request_builder,
    /// ..)`): what it is, as if it were sent here.
    Request(Box<GivenRequest>),
    /// The HTTP method of the incoming request, which the route the handler answers names
    /// (`GET /image/{name}` proxies a `GET`).
    RouteMethod(String),
}

/// A request being built, as the function that built it reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GivenRequest {
    pub method: Option<String>,
    pub url_action: Option<String>,
    pub has_key: bool,
    pub bound: super::Bound,
    pub api: String,
    pub method_unknown: Option<String>,
    pub retried_by_client: bool,
}

/// What one argument of a call is, whole and field by field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GivenArgument {
    pub whole: Option<Given>,
    /// For a struct built here by a literal or a constructor of the workspace, each field
    /// the code says something of.
    pub fields: Vec<(String, Given)>,
}

impl GivenArgument {
    /// The argument in the caller's caller's terms: a parameter of the caller becomes what
    /// the caller was given for it.
    pub fn settled(&self, outer: &[GivenArgument]) -> GivenArgument {
        let settle = |given: &Given| match given {
            Given::Param(param) => lookup(outer, param).cloned(),
            known => Some(known.clone()),
        };
        let mut fields: Vec<(String, Given)> = self
            .fields
            .iter()
            .filter_map(|(name, given)| Some((name.clone(), settle(given)?)))
            .collect();
        // A struct parameter handed on whole carries the fields its caller built.
        if let Some(Given::Param(ParamRef {
            position,
            field: None,
        })) = &self.whole
        {
            if let Some(outer) = outer.get(*position) {
                fields.extend(outer.fields.iter().cloned());
            }
        }
        GivenArgument {
            whole: self.whole.as_ref().and_then(settle),
            fields,
        }
    }
}

/// What the arguments of a call give for `param` of the callee, and, for a field of a
/// parameter the caller hands on whole from its own parameters (`adapt(&req)` reading
/// `req.method()`), that field of the caller's parameter.
pub fn lookup_through(arguments: &[GivenArgument], param: &ParamRef) -> Option<Given> {
    if let Some(given) = lookup(arguments, param) {
        return Some(given.clone());
    }
    let field = param.field.clone()?;
    match arguments.get(param.position)?.whole.as_ref()? {
        Given::Param(ParamRef {
            position,
            field: None,
        }) => Some(Given::Param(ParamRef {
            position: *position,
            field: Some(field),
        })),
        _ => None,
    }
}

/// What the arguments of a call give for parameter `param` of the callee.
pub fn lookup<'a>(arguments: &'a [GivenArgument], param: &ParamRef) -> Option<&'a Given> {
    let argument = arguments.get(param.position)?;
    match &param.field {
        Some(field) => argument
            .fields
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(field))
            .map(|(_, given)| given),
        None => argument.whole.as_ref(),
    }
}

/// What each argument of `call`, written in `function`, is.
pub fn given_arguments(
    index: &WorkspaceIndex,
    function: FnId,
    call: &CallSite,
) -> Vec<GivenArgument> {
    given_arguments_at(index, function, call, 0)
}

fn given_arguments_at(
    index: &WorkspaceIndex,
    function: FnId,
    call: &CallSite,
    depth: usize,
) -> Vec<GivenArgument> {
    if call.arg_mentions.items.is_empty() {
        return Vec::new();
    }
    let count = 1 + call
        .arg_mentions
        .items
        .iter()
        .filter(|item| **item == Mention::NextArgument)
        .count();
    (0..count)
        .map(|position| {
            let items = call.arg_mentions.argument(position);
            GivenArgument {
                whole: given_value(index, function, items, call.range.start, depth),
                fields: struct_fields(index, function, items, call.range.start, depth)
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// What an expression is, from what it mentions: a constant, `None`/`Some(..)`, a
/// parameter or a field of one, or a local bound to one of those.
pub fn given_value(
    index: &WorkspaceIndex,
    function: FnId,
    items: &[Mention],
    at: Position,
    depth: usize,
) -> Option<Given> {
    if let [Mention::Name(name), ..] = items {
        if name == "Some" {
            return Some(Given::Something);
        }
    }
    // `key.map(str::to_owned)`, `method.clone()`: what the value is, seen through.
    let core: Vec<&Mention> = items
        .iter()
        .filter(|item| !matches!(item, Mention::Method(method) if PRESERVING_METHODS.contains(&method.as_str())))
        .collect();
    let core: &[&Mention] = match core.as_slice() {
        // `key.map(str::to_owned)`: the path is the mapping function's.
        [name @ Mention::Name(_), Mention::Path(_)] => &[*name],
        [field @ Mention::Name(_), base @ Mention::Name(_), Mention::Path(_)] => &[*field, *base],
        other => other,
    };
    // `request.method()`, `convert_method(req.method())`: the method of the request a
    // parameter holds, through conversions.
    if let [prefix @ .., Mention::Method(accessor), Mention::Name(base)] = core {
        let conversions_only = prefix.iter().all(|item| {
            matches!(
                item,
                Mention::Name(_) | Mention::Path(_) | Mention::Method(_)
            )
        });
        if REQUEST_METHOD_ACCESSORS.contains(&accessor.as_str())
            && conversions_only
            && local_named(index, function, base, at).is_none()
        {
            return param_position(index, function, base).map(|position| {
                Given::Param(ParamRef {
                    position,
                    field: Some(REQUEST_METHOD.to_string()),
                })
            });
        }
    }
    match core {
        [Mention::Name(name)] if name == "None" => Some(Given::Nothing),
        [Mention::Path(path)] => path.last().map(|last| Given::Constant(last.to_string())),
        [Mention::Literal(text)] => Some(Given::Constant(text.to_string())),
        [Mention::Name(name)] => {
            if let Some(local) = local_named(index, function, name, at) {
                if depth >= MAX_DEPTH {
                    return None;
                }
                return given_value(
                    index,
                    function,
                    &local.init_mentions.items,
                    local.scope.start,
                    depth + 1,
                );
            }
            param_position(index, function, name).map(|position| {
                Given::Param(ParamRef {
                    position,
                    field: None,
                })
            })
        }
        // `entry.idempotency_key`: the field comes before its base.
        [Mention::Name(field), Mention::Name(base)] => {
            if local_named(index, function, base, at).is_some() {
                return None;
            }
            param_position(index, function, base).map(|position| {
                Given::Param(ParamRef {
                    position,
                    field: Some(field.to_string()),
                })
            })
        }
        _ => None,
    }
}

/// The fields of the struct an argument names: the struct literal or the workspace
/// constructor its local was built with.
fn struct_fields(
    index: &WorkspaceIndex,
    function: FnId,
    items: &[Mention],
    at: Position,
    depth: usize,
) -> Option<Vec<(String, Given)>> {
    let [Mention::Name(name)] = items else {
        return None;
    };
    let local = local_named(index, function, name, at)?;
    let init = local.init_range?;
    let body = &index.fn_def(function).summary.body;
    if let Some(literal) = body
        .struct_literals
        .iter()
        .filter(|literal| init.contains_range(&literal.range))
        .min_by_key(|literal| literal.range.start)
    {
        return Some(
            literal
                .fields
                .iter()
                .filter_map(|field| {
                    let given = given_value(
                        index,
                        function,
                        &field.mentions.items,
                        field.range.start,
                        depth + 1,
                    )?;
                    Some((field.name.to_string(), given))
                })
                .collect(),
        );
    }
    // `LedgerEntry::credit(..)`: the outermost call of the initialiser, if the workspace
    // defines it.
    let constructor = body
        .calls
        .iter()
        .filter(|call| init.contains_range(&call.range))
        .min_by_key(|call| (call.range.start, std::cmp::Reverse(call.range.end)))?;
    constructed_fields(index, function, constructor, depth)
}

/// The fields of what a call of a workspace constructor returns, in the caller's terms.
fn constructed_fields(
    index: &WorkspaceIndex,
    function: FnId,
    call: &CallSite,
    depth: usize,
) -> Option<Vec<(String, Given)>> {
    if depth >= MAX_DEPTH || !matches!(call.callee, Callee::Path(_)) {
        return None;
    }
    let CallTarget::Local(targets) = index.resolve_call(index.context_of(function), call) else {
        return None;
    };
    let [constructor] = targets.as_slice() else {
        return None;
    };
    let fields = returned_fields(index, *constructor, depth + 1)?;
    let arguments = given_arguments_at(index, function, call, depth + 1);
    Some(
        fields
            .into_iter()
            .filter_map(|(name, given)| {
                let given = match given {
                    Given::Param(param) => lookup(&arguments, &param)?.clone(),
                    known => known,
                };
                Some((name, given))
            })
            .collect(),
    )
}

/// The fields of the struct a constructor returns, in its own parameters' terms: its
/// `Self { .. }` literal, or the constructor it calls.
fn returned_fields(
    index: &WorkspaceIndex,
    constructor: FnId,
    depth: usize,
) -> Option<Vec<(String, Given)>> {
    let summary = &index.fn_def(constructor).summary;
    if summary.has_self || summary.output.is_none() {
        return None;
    }
    let body = &summary.body;
    if let Some(literal) = body.struct_literals.last() {
        return Some(
            literal
                .fields
                .iter()
                .filter_map(|field| {
                    let given = given_value(
                        index,
                        constructor,
                        &field.mentions.items,
                        field.range.start,
                        depth,
                    )?;
                    Some((field.name.to_string(), given))
                })
                .collect(),
        );
    }
    let inner = body
        .calls
        .iter()
        .filter(|call| matches!(call.callee, Callee::Path(_)))
        .max_by_key(|call| call.range.end)?;
    constructed_fields(index, constructor, inner, depth)
}

fn local_named<'a>(
    index: &'a WorkspaceIndex,
    function: FnId,
    name: &str,
    at: Position,
) -> Option<&'a crate::index::LocalBinding> {
    index.fn_def(function).summary.body.local_at(name, at)
}

/// The position of the parameter binding `name` (`self` not counted).
pub fn param_position(index: &WorkspaceIndex, function: FnId, name: &str) -> Option<usize> {
    index
        .fn_def(function)
        .summary
        .params
        .iter()
        .position(|param| param.bindings.iter().any(|(bound, _)| bound == name))
}

/// The value an argument of a call names, as far as its mentions tell: the one local,
/// parameter or `self` of the calling function it names, with the fields read and the
/// methods called on it (`&client`, `Wrapper(client)`, `Client::new(service.clone())`,
/// `&state.http`, `Wrapper::from(self.http_client.clone())`, `context.pictrs_client()`).
/// `None` when it names no such value, or several (`Wrapper::new(config.timeout, client)`:
/// which one is the client is not told).
pub fn argument_value(
    index: &WorkspaceIndex,
    caller: FnId,
    call: &crate::index::CallSite,
    argument: usize,
) -> Option<crate::index::ValueExpr> {
    use crate::index::{Mention, ValueExpr};
    let def = index.fn_def(caller);
    let mentions = call.arg_mentions.argument(argument);
    let is_value = |mention: &Mention| match mention {
        Mention::Name(name) => {
            name == "self"
                || def
                    .summary
                    .body
                    .locals
                    .iter()
                    .any(|local| local.name == *name && local.scope.contains(call.range.start))
                || param_position(index, caller, name).is_some()
        }
        _ => false,
    };
    let mut values = mentions
        .iter()
        .enumerate()
        .filter(|(_, mention)| is_value(mention));
    let (root_at, Mention::Name(root_name)) = values.next()? else {
        return None;
    };
    if values.next().is_some() {
        return None;
    }
    let mut value = match root_name.as_str() {
        "self" => ValueExpr::SelfValue,
        name => ValueExpr::Name(name.into()),
    };
    // What is read from the value is mentioned before it, outermost first: `self.http.clone()`
    // mentions `clone`, `http`, then `self`.
    for mention in mentions[..root_at].iter().rev() {
        value = match mention {
            Mention::Name(field) => ValueExpr::Field(Box::new(value), field.clone()),
            Mention::Method(method) => ValueExpr::MethodCall {
                receiver: Box::new(value),
                method: method.clone(),
            },
            _ => break,
        };
    }
    Some(value)
}
