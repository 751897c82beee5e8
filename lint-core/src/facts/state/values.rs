//! Where the values a write stores come from: made anew by this run (`Uuid::new_v4()`, a
//! random token, `now()`), handed in by the caller (a parameter, or a field of one), or
//! given by the request, a read or a constant. A unique key filled from the request meets
//! the row of a first attempt on a retry; one filled with a fresh value never does.

use super::reader::Reader;
use super::{InsertedValues, ValueOrigin, SELF_PARAMETER};
use crate::facts::deadlines::path_is;
use crate::facts::sql::{InsertedRow, SqlValue};
use crate::index::{
    CallSite, CallTarget, Callee, CompactString, FnId, Mention, ValueExpr, WorkspaceIndex,
};
use crate::knowledge::sql::EntityBuilder;
use crate::knowledge::{
    Knowledge, FRESH_CONSTRUCTORS, FRESH_ID_CONSTRUCTORS, FRESH_VALUE_FUNCTIONS,
    FRESH_VALUE_METHODS, ID_TYPE_SUFFIXES, STRUCT_BUILDERS,
};
use crate::location::{Position, TextRange};

/// Locals are followed this many assignments back.
const MAX_DEPTH: usize = 4;

/// Where the bound values of a statement come from: `$n` is the `n`-th.
pub(super) enum Bound<'a> {
    /// `query!("..", a, b)`: argument `n` of the macro.
    MacroArguments(&'a crate::index::MacroUse),
    /// `sqlx::query("..").bind(a).bind(b)`: the `n`-th `.bind(..)`, in order.
    Binds(Vec<&'a CallSite>),
    /// Not seen (`client.execute(sql, &[..])`).
    Unseen,
}

impl Reader<'_> {
    /// The row an SQL `INSERT` writes, each value traced back to where it comes from.
    pub(super) fn inserted_sql_row(
        &self,
        table: &str,
        row: &InsertedRow,
        bound: &Bound<'_>,
        at: Position,
    ) -> InsertedValues {
        let columns = row
            .values
            .iter()
            .map(|(column, value)| {
                let origin = match value {
                    SqlValue::Fresh(what) => ValueOrigin::Fresh(format!("{what} in the SQL")),
                    SqlValue::Default => ValueOrigin::Default,
                    SqlValue::Fixed => ValueOrigin::Given,
                    SqlValue::Parameter(number) => match bound {
                        Bound::MacroArguments(used) => {
                            self.origin_of_names(used.argument_names(*number), at, 0)
                        }
                        Bound::Binds(binds) => binds
                            .get(number.saturating_sub(1))
                            .map(|bind| self.origin_of(&bind.arg_mentions.items, at, 0))
                            .unwrap_or(ValueOrigin::Given),
                        Bound::Unseen => ValueOrigin::Given,
                    },
                };
                (column.clone(), origin)
            })
            .collect::<Vec<_>>();
        InsertedValues {
            table: table.to_string(),
            complete: !columns.is_empty(),
            columns,
            conflict_target: row.conflict_target.clone(),
            plain: row.plain,
            columns_from_parameter: None,
        }
    }

    /// The row of a builder insert: diesel `.values((users::email.eq(e), ..))` or
    /// `.values(&new_user)`, sea-orm `ActiveModel { email: Set(e), .. }`. `mentions` are the
    /// argument's (or the model's).
    pub(super) fn inserted_builder_row(
        &self,
        table: &str,
        mentions: &[Mention],
        at: Position,
        conflict_target: Option<Vec<String>>,
    ) -> InsertedValues {
        let mut columns = column_value_pairs(self.knowledge, mentions)
            .into_iter()
            .map(|(column, value)| (column, self.origin_of(value, at, 0)))
            .collect::<Vec<_>>();
        let mut complete = !columns.is_empty();
        let mut columns_from_parameter = None;
        if columns.is_empty() {
            // `.values(&form)`: the fields of the struct the local holds.
            if let Some((fields, whole)) = self.struct_fields_of(mentions, at) {
                complete = whole;
                columns = fields;
            } else {
                // A struct the caller builds: `.values(form)`, `.values(self)`.
                columns_from_parameter = self.parameter_named(mentions);
            }
        }
        InsertedValues {
            table: table.to_string(),
            plain: conflict_target.is_none(),
            columns,
            conflict_target,
            complete,
            columns_from_parameter,
        }
    }

    /// The fields of the struct a value names: the struct literal its local was built from
    /// (each field traced; `Set(x)` read as `x`, `NotSet` left to the database), or the
    /// fields of a parameter's struct type (each the caller's to say). The flag is false
    /// when some fields are not seen (`..Default::default()`).
    pub(super) fn struct_fields_of(
        &self,
        mentions: &[Mention],
        at: Position,
    ) -> Option<(Vec<(String, ValueOrigin)>, bool)> {
        let name = mentions.iter().find_map(|item| match item {
            Mention::Name(name) => Some(name),
            _ => None,
        })?;
        let body = self.body();
        if let Some(local) = self.local_named(name, at) {
            let init = local.init_range?;
            let Some(literal) = body
                .struct_literals
                .iter()
                .filter(|literal| init.contains_range(&literal.range))
                .min_by_key(|literal| literal.range.start)
            else {
                return self
                    .built_fields(init)
                    .or_else(|| self.constructed_fields(init).map(|fields| (fields, true)));
            };
            let fields = literal
                .fields
                .iter()
                .filter(|field| !left_to_database(self.knowledge, &field.mentions.items))
                .map(|field| {
                    (
                        field.name.as_str().to_ascii_lowercase(),
                        self.origin_of(&field.mentions.items, field.range.start, 1),
                    )
                })
                .collect();
            return Some((fields, true));
        }
        let summary = &self.index.fn_def(self.function).summary;
        let position = summary
            .params
            .iter()
            .position(|param| param.bindings.iter().any(|(bound, _)| bound == name))?;
        let ty = &summary.params[position].ty;
        let context = self.index.fn_def(self.function).module;
        let crate::index::TypeTarget::Local(type_id) = self.index.resolve_type(context, ty, None)
        else {
            return None;
        };
        let fields = self
            .index
            .type_def(type_id)
            .summary
            .fields
            .iter()
            .map(|(field, _)| {
                (
                    field.as_str().to_ascii_lowercase(),
                    ValueOrigin::Param {
                        position,
                        field: Some(field.to_string()),
                    },
                )
            })
            .collect();
        Some((fields, true))
    }

    /// `NewUser::builder().email(e).maybe_name(n).build()`: each setter of a builder
    /// derive's chain, followed back from the call that finishes it, gives a field and its
    /// value. The fields are all seen unless the chain starts with arguments (bon's
    /// `start_fn` members, whose fields the call does not name).
    fn built_fields(&self, init: TextRange) -> Option<(Vec<(String, ValueOrigin)>, bool)> {
        let calls = &self.body().calls;
        let inside = |call: &&CallSite| init.contains_range(&call.range);
        for builder in STRUCT_BUILDERS {
            let Some(Callee::Method {
                receiver: mut chain,
                ..
            }) = calls
                .iter()
                .filter(inside)
                .find(|call| matches!(&call.callee, Callee::Method { method, .. } if method == builder.finish))
                .map(|call| call.callee.clone())
            else {
                continue;
            };
            let mut fields = Vec::new();
            // Each setter is the call whose method and receiver are the chain's link.
            loop {
                match chain {
                    ValueExpr::MethodCall { receiver, method } => {
                        let setter = calls.iter().filter(inside).find(|call| {
                            matches!(&call.callee, Callee::Method { receiver: written, method: name }
                                if *name == method && written == receiver.as_ref())
                        });
                        if let Some(setter) = setter {
                            let field = method
                                .strip_prefix(builder.optional_prefix)
                                .unwrap_or(&method);
                            fields.push((
                                field.to_ascii_lowercase(),
                                self.origin_of(&setter.arg_mentions.items, setter.range.start, 1),
                            ));
                        }
                        chain = *receiver;
                    }
                    ValueExpr::Call { callee, args }
                        if callee.last().is_some_and(|last| last == builder.entry) =>
                    {
                        return Some((fields, args.is_empty()));
                    }
                    _ => break,
                }
            }
        }
        None
    }

    /// `NewUsedJti::new(jti, expires_at)`: a workspace constructor that ends in a struct
    /// literal. Each field is traced to the argument it is built from, or is fresh when the
    /// constructor makes it (`id: Uuid::new_v4()`).
    fn constructed_fields(&self, init: TextRange) -> Option<Vec<(String, ValueOrigin)>> {
        let body = self.body();
        // The outermost call of the initialiser: the first to start, the longest of those.
        let (position, call) = body
            .calls
            .iter()
            .enumerate()
            .filter(|(_, call)| init.contains_range(&call.range))
            .min_by(|(_, a), (_, b)| {
                a.range
                    .start
                    .cmp(&b.range.start)
                    .then(b.range.end.cmp(&a.range.end))
            })?;
        if !matches!(call.callee, Callee::Path(_)) {
            return None;
        }
        let CallTarget::Local(targets) = self.resolved.get(position)? else {
            return None;
        };
        let constructor = &self.index.fn_def(*targets.first()?).summary;
        if constructor.has_self {
            return None;
        }
        let output = constructor.output.as_ref()?.path.last()?;
        let literal = constructor
            .body
            .struct_literals
            .iter()
            .filter(|literal| {
                let made = literal.path.last();
                made == Some(output) || output == "Self" || made.is_some_and(|made| made == "Self")
            })
            .max_by_key(|literal| literal.range.start)?;
        let fields = literal
            .fields
            .iter()
            .map(|field| {
                let items = &field.mentions.items;
                let parameter = items.iter().find_map(|item| match item {
                    Mention::Name(name) => constructor
                        .params
                        .iter()
                        .position(|param| param.bindings.iter().any(|(bound, _)| bound == name)),
                    _ => None,
                });
                let origin = if let Some(what) = fresh_in(items).or_else(|| {
                    items.iter().find_map(|item| match item {
                        Mention::Path(path) => new_id(path),
                        _ => None,
                    })
                }) {
                    ValueOrigin::Fresh(format!("{what} in `{}`", constructor.name))
                } else if let Some(parameter) = parameter {
                    self.origin_of(call.arg_mentions.argument(parameter), call.range.start, 1)
                } else {
                    ValueOrigin::Given
                };
                (field.name.as_str().to_ascii_lowercase(), origin)
            })
            .collect();
        Some(fields)
    }

    fn local_named(&self, name: &str, at: Position) -> Option<&crate::index::LocalBinding> {
        self.body().local_at(name, at)
    }

    /// The parameter a value names, `self` as [`SELF_PARAMETER`].
    fn parameter_named(&self, mentions: &[Mention]) -> Option<usize> {
        let name = mentions.iter().find_map(|item| match item {
            Mention::Name(name) => Some(name),
            _ => None,
        })?;
        if name == "self" && self.index.fn_def(self.function).summary.has_self {
            return Some(SELF_PARAMETER);
        }
        self.param_position(name)
    }

    fn param_position(&self, name: &str) -> Option<usize> {
        self.index
            .fn_def(self.function)
            .summary
            .params
            .iter()
            .position(|param| param.bindings.iter().any(|(bound, _)| bound == name))
    }

    /// Where an expression's value comes from, from what it mentions.
    pub(crate) fn origin_of(&self, items: &[Mention], at: Position, depth: usize) -> ValueOrigin {
        if let Some(what) = fresh_in(items) {
            return ValueOrigin::Fresh(what);
        }
        if depth > MAX_DEPTH {
            return ValueOrigin::Given;
        }
        let mut origin = ValueOrigin::Given;
        for (position, item) in items.iter().enumerate() {
            let Mention::Name(name) = item else {
                continue;
            };
            if let Some(local) = self.local_named(name, at) {
                match self.origin_of_local(local, depth) {
                    fresh @ ValueOrigin::Fresh(_) => return fresh,
                    ValueOrigin::Param { .. } if origin == ValueOrigin::Given => {
                        origin = self.origin_of_local(local, depth)
                    }
                    _ => {}
                }
            } else if let Some(param) = self.parameter_named(std::slice::from_ref(item)) {
                if origin == ValueOrigin::Given {
                    // `form.email`: the field is the name just before its base.
                    let field = position
                        .checked_sub(1)
                        .and_then(|before| match &items[before] {
                            Mention::Name(field) => Some(field.to_string()),
                            _ => None,
                        });
                    origin = ValueOrigin::Param {
                        position: param,
                        field,
                    };
                }
            } else if let Some(what) = self.fresh_helper(name) {
                return ValueOrigin::Fresh(what);
            }
        }
        // `CustomerId::new()`: a workspace function that makes a fresh value, or an id
        // newtype's constructor whose body is out of sight.
        for item in items {
            if let Mention::Path(path) = item {
                if let Some(what) = self.fresh_path_helper(path) {
                    return ValueOrigin::Fresh(what);
                }
            }
        }
        origin
    }

    /// A function of the workspace called by this path here that returns a fresh value;
    /// where the function is out of sight, an id newtype's constructor that takes nothing.
    fn fresh_path_helper(&self, path: &[CompactString]) -> Option<String> {
        self.body()
            .calls
            .iter()
            .enumerate()
            .filter(|(_, call)| matches!(&call.callee, Callee::Path(written) if written.as_slice() == path))
            .find_map(|(position, call)| match &self.resolved[position] {
                CallTarget::Local(targets) => targets
                    .iter()
                    .find_map(|target| returns_fresh(self.index, *target))
                    .or_else(|| {
                        let generator = path
                            .last()
                            .is_some_and(|last| FRESH_CONSTRUCTORS.contains(&last.as_str()));
                        (generator && call.arg_mentions.items.is_empty())
                            .then(|| new_id(path))
                            .flatten()
                    }),
                _ if call.arg_mentions.items.is_empty() => new_id(path),
                _ => None,
            })
    }

    /// The same, from the identifiers of a macro argument (written order: `req.user.email`
    /// gives `req`, `user`, `email`).
    pub(super) fn origin_of_names(
        &self,
        names: &[CompactString],
        at: Position,
        depth: usize,
    ) -> ValueOrigin {
        let items: Vec<Mention> = names
            .iter()
            .rev()
            .map(|name| Mention::Name(name.clone()))
            .collect();
        // Pairs such as `Uuid` `new_v4` are paths in the macro's tokens.
        for pair in names.windows(2) {
            let path = [pair[0].clone(), pair[1].clone()];
            if let Some(what) = fresh_path(&path) {
                return ValueOrigin::Fresh(what);
            }
        }
        if let Some(method) = names
            .iter()
            .find(|name| FRESH_VALUE_METHODS.contains(&name.as_str()))
        {
            return ValueOrigin::Fresh(format!("`{method}()`"));
        }
        self.origin_of(&items, at, depth)
    }

    fn origin_of_local(&self, local: &crate::index::LocalBinding, depth: usize) -> ValueOrigin {
        // `let reply = client.post(..).send().await?`: what a downstream call that is not
        // idempotent returns (an id it made, an alias for an upload) is new on each call,
        // so a retry of the handler gets another; sent with a key, the retry gets the
        // first reply back.
        if let Some(call) = local.init_range.and_then(|init| {
            self.downstream.iter().find(|call| {
                init.contains_range(&call.range) && call.idempotent() != Some(true) && !call.has_key
            })
        }) {
            return ValueOrigin::Fresh(format!(
                "the reply of the {} at line {}",
                call.kind.describe(),
                crate::index::line_in_words(self.function, call.range.start.line)
            ));
        }
        let origin = self.origin_of(&local.init_mentions.items, local.scope.start, depth + 1);
        if matches!(origin, ValueOrigin::Fresh(_)) {
            return origin;
        }
        // A workspace helper called in the initialiser that makes a fresh value
        // (`let token = generate_subscription_token();`).
        if let Some(init) = local.init_range {
            if let Some(what) = self.fresh_helper_within(init) {
                return ValueOrigin::Fresh(what);
            }
        }
        // `let mut key; loop { key = get_random(32); match insert(&key) { .. } }`: a local
        // declared without a value holds what is assigned to it, a fresh value when any
        // assignment makes one (drawn again until it is unique, it is still new).
        if local.init_range.is_none() {
            for assignment in self.body().assignments.iter().filter(|assignment| {
                assignment.target == local.name
                    && assignment.operator == "="
                    && local.scope.contains_range(&assignment.range)
            }) {
                if let ValueOrigin::Fresh(what) =
                    self.origin_of(&assignment.value.items, assignment.range.start, depth + 1)
                {
                    return ValueOrigin::Fresh(what);
                }
                if let Some(what) = self.fresh_helper_within(assignment.range) {
                    return ValueOrigin::Fresh(what);
                }
            }
        }
        origin
    }

    /// A workspace helper called within `range` that returns a fresh value.
    fn fresh_helper_within(&self, range: crate::location::TextRange) -> Option<String> {
        self.body()
            .calls
            .iter()
            .enumerate()
            .filter(|(_, call)| range.contains_range(&call.range))
            .find_map(|(position, _)| match &self.resolved[position] {
                CallTarget::Local(targets) => targets
                    .iter()
                    .find_map(|target| returns_fresh(self.index, *target)),
                _ => None,
            })
    }

    /// A function of the workspace called by `name` here that returns a fresh value.
    fn fresh_helper(&self, name: &str) -> Option<String> {
        self.body()
            .calls
            .iter()
            .enumerate()
            .filter(|(_, call)| {
                matches!(&call.callee, Callee::Path(path) if path.last().is_some_and(|last| last == name))
            })
            .find_map(|(position, _)| match &self.resolved[position] {
                CallTarget::Local(targets) => targets
                    .iter()
                    .find_map(|target| returns_fresh(self.index, *target)),
                _ => None,
            })
    }
}

/// A small function of the workspace that returns a value it generates
/// (`fn generate_subscription_token() -> String { rand::thread_rng()... }`).
fn returns_fresh(index: &WorkspaceIndex, function: FnId) -> Option<String> {
    let summary = &index.fn_def(function).summary;
    summary.output.as_ref()?;
    if summary.body.calls.len() > 12 {
        return None;
    }
    // A generator called only to decide (`if claims.iat > Utc::now() { return Err(..) }`)
    // makes nothing the function returns.
    let tested = |range: &crate::location::TextRange| {
        summary
            .body
            .branchings
            .iter()
            .any(|branching| branching.tested.contains_range(range))
    };
    summary
        .body
        .calls
        .iter()
        .filter(|call| !tested(&call.range))
        .find_map(|call| match &call.callee {
            Callee::Path(path) => fresh_path(path),
            Callee::Method { method, .. } => FRESH_VALUE_METHODS
                .contains(&method.as_str())
                .then(|| format!("`.{method}()`")),
        })
        // `nanoid!(9)`: a generator written as a macro.
        .or_else(|| {
            summary.body.macros.iter().find_map(|used| {
                fresh_path(&used.path).map(|_| format!("`{}!()`", used.path.join("::")))
            })
        })
        .map(|what| format!("{what} in `{}`", summary.name))
}

/// `TenantId::new()`: a constructor of an id newtype that takes nothing makes a new id
/// (the caller checks that it takes nothing and that its body is out of sight).
fn new_id(path: &[CompactString]) -> Option<String> {
    let [.., type_name, constructor] = path else {
        return None;
    };
    let type_like = type_name.starts_with(|c: char| c.is_ascii_uppercase());
    let id_type = type_like
        && ID_TYPE_SUFFIXES
            .iter()
            .any(|suffix| type_name.ends_with(suffix));
    let fresh = id_type && FRESH_ID_CONSTRUCTORS.contains(&constructor.as_str())
        || type_like && FRESH_CONSTRUCTORS.contains(&constructor.as_str());
    fresh.then(|| format!("`{type_name}::{constructor}()`"))
}

/// The generator an expression calls, if any.
pub(crate) fn fresh_in(items: &[Mention]) -> Option<String> {
    items.iter().find_map(|item| match item {
        Mention::Path(path) => fresh_path(path),
        Mention::Method(method) if FRESH_VALUE_METHODS.contains(&method.as_str()) => {
            Some(format!("`.{method}()`"))
        }
        _ => None,
    })
}

fn fresh_path(path: &[CompactString]) -> Option<String> {
    FRESH_VALUE_FUNCTIONS
        .iter()
        .find(|known| {
            path.len() >= known.len()
                && path[path.len() - known.len()..]
                    .iter()
                    .zip(known.iter())
                    .all(|(written, known)| written == known)
                || path_is(path, known)
        })
        .map(|known| format!("`{}()`", known.join("::")))
}

/// An active model's field that says its column is left to the database (sea-orm's
/// `NotSet`) and not set.
fn left_to_database(knowledge: &Knowledge, items: &[Mention]) -> bool {
    let says = |list: fn(&EntityBuilder) -> &[String]| {
        items.iter().any(|item| {
            mention_last(item).is_some_and(|last| {
                knowledge
                    .sql_libraries
                    .iter()
                    .filter_map(|library| library.entities.as_ref())
                    .any(|entities| list(entities).iter().any(|word| word == last))
            })
        })
    };
    says(|entities| &entities.value_not_set) && !says(|entities| &entities.value_set)
}

fn mention_last(item: &Mention) -> Option<&str> {
    match item {
        Mention::Name(name) => Some(name.as_str()),
        Mention::Path(path) => path.last().map(CompactString::as_str),
        Mention::Method(method) => Some(method.as_str()),
        _ => None,
    }
}

/// diesel's `(users::email.eq(e), users::name.eq(n))`: each `.eq(..)` (a table builder's
/// column method) on a column path gives the column and the mentions of its value. The
/// mentions come method first, then the receiver, then the argument: `eq`, `users::email`,
/// `e`.
fn column_value_pairs<'m>(
    knowledge: &Knowledge,
    items: &'m [Mention],
) -> Vec<(String, &'m [Mention])> {
    let pairs_column = |method: &str| {
        knowledge
            .sql_libraries
            .iter()
            .filter_map(|library| library.tables.as_ref())
            .any(|tables| tables.column_method == method)
    };
    let mut pairs: Vec<(String, usize, usize)> = Vec::new();
    let mut position = 0;
    while position + 1 < items.len() {
        let is_column = matches!(&items[position], Mention::Method(method) if pairs_column(method))
            && matches!(&items[position + 1], Mention::Path(_) | Mention::Name(_));
        if is_column {
            if let Some(last) = pairs.last_mut() {
                last.2 = position;
            }
            let column = mention_last(&items[position + 1])
                .unwrap_or_default()
                .to_ascii_lowercase();
            pairs.push((column, position + 2, items.len()));
            position += 2;
        } else {
            position += 1;
        }
    }
    pairs
        .into_iter()
        .map(|(column, start, end)| (column, &items[start.min(end)..end]))
        .collect()
}
