//! State: the reads and writes a function makes to its stores (SQL through sqlx, diesel,
//! sea-orm or tokio-postgres; Redis), on which executor (a transaction, a pool, a parameter
//! the caller fills), and the transactions it opens and commits.
//!
//! The store API decides, never a method name alone: `.execute(..)` counts when the query it
//! runs is seen (a `query!` macro, `sqlx::query("..")`, a diesel or sea-orm write, or SQL
//! text that parses), and `cache.insert(..)` on a map is not a write.

mod kv;
mod queries;
mod reader;
mod transactions;
mod values;

pub(crate) use values::fresh_in;

pub(super) use transactions::transactions;

use super::sql::SqlStatement;
use super::DownstreamCall;
use crate::index::{CallTarget, Callee, FnId, WorkspaceIndex};
use crate::knowledge::{
    Knowledge, APPEND_ONLY_TABLE_PARTS, OUTBOX_TABLE_PARTS, RATE_LIMIT_TABLE_PARTS,
};
use crate::location::TextRange;
use reader::Reader;

/// One read or write of a store.
#[derive(Clone, Debug)]
pub struct StateAccess {
    pub range: TextRange,
    /// Findings point at the statement's first line.
    pub statement: TextRange,
    pub store: Store,
    /// How it is written: `sqlx::query!`, `diesel::insert_into`, `redis INCR`.
    pub api: String,
    pub access: Access,
    pub executor: Executor,
    /// One of its tables (or its Redis key) is named as an idempotency or inbox record, or
    /// is used as one by data flow: looked up, then written a row of the request's after the
    /// work (`keys::mark_tables_used_as_keys`).
    pub key_table: bool,
    /// The values bound into it include an idempotency key or message id
    /// (`.bind(req.idempotency_key)`, `query!(.., event.event_id)`).
    pub binds_key: bool,
    /// What the access did is looked at (`rows_affected()`, a `RETURNING` row fetched
    /// optionally, the result of `SET NX` bound and tested).
    pub outcome_checked: bool,
    /// For an insert, the row it writes: which unique key it meets is read from it.
    pub inserted: Option<InsertedValues>,
    /// A state transition (`UPDATE .. SET status = 'released' WHERE .. AND status =
    /// 'held'`): only the first of two runs changes the row.
    pub transition: bool,
    /// The insert's failure is answered with a read (`.or_else(|_| <lookup>)`, an error arm
    /// that fetches the row): a unique violation on a retry gives back the stored result.
    pub failure_answered_by_read: bool,
}

/// The row an insert writes: its table and, per column it gives, where the value comes
/// from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsertedValues {
    pub table: String,
    pub columns: Vec<(String, ValueOrigin)>,
    /// `ON CONFLICT (a, b)`, diesel's `.on_conflict(col)`: the unique key it expects.
    pub conflict_target: Option<Vec<String>>,
    /// Every column the insert gives is listed (not so for a form whose fields are not
    /// seen).
    pub complete: bool,
    /// A plain insert, with no conflict clause: a row that meets a unique key fails.
    pub plain: bool,
    /// The row is a struct handed in by the caller as this parameter (`.values(form)`
    /// with `form: &Self::Form`, or `self` as [`SELF_PARAMETER`]): its columns are the fields
    /// of the struct literal the caller built, known once the call is followed.
    pub columns_from_parameter: Option<usize>,
}

/// The position that stands for `self` among a function's parameters.
pub(crate) const SELF_PARAMETER: usize = usize::MAX;

impl InsertedValues {
    pub fn origin(&self, column: &str) -> Option<&ValueOrigin> {
        self.columns
            .iter()
            .find(|(name, _)| name == column)
            .map(|(_, origin)| origin)
    }
}

/// Where a stored value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueOrigin {
    /// Made anew by each run: `Uuid::new_v4()`, `now()`, a random token; the text says
    /// which.
    Fresh(String),
    /// A parameter of the function (by position, `self` not counted), or a field of it: the
    /// caller's argument decides.
    Param {
        position: usize,
        field: Option<String>,
    },
    /// The request, a value read, a constant: the same again on a retry.
    Given,
    /// `DEFAULT`: the column's default in the schema.
    Default,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    Sql,
    Redis,
}

impl Store {
    pub fn name(self) -> &'static str {
        match self {
            Store::Sql => "the SQL database",
            Store::Redis => "Redis",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    Read {
        tables: Vec<String>,
        /// `FOR UPDATE`: the rows stay locked until the transaction ends.
        locks: bool,
    },
    Write {
        /// `UPDATE accounts SET balance = balance ± ..`, `redis INCR`.
        description: String,
        tables: Vec<String>,
        /// Running it twice leaves the same state as once.
        idempotent: bool,
        /// Only the first of two attempts takes effect (`ON CONFLICT DO NOTHING`, `SET NX`).
        conditional: bool,
    },
    /// A store is used but what the statement does cannot be told: the reason.
    Unknown(String),
}

impl StateAccess {
    /// The tables (or Redis keys' prefixes) it touches.
    pub fn tables(&self) -> &[String] {
        match &self.access {
            Access::Read { tables, .. } | Access::Write { tables, .. } => tables,
            Access::Unknown(_) => &[],
        }
    }

    /// It touches an idempotency-key or inbox table: one named so, or one that a key is
    /// claimed in (`INSERT INTO payment_keys .. ON CONFLICT DO NOTHING` binding
    /// `req.idempotency_key`).
    pub fn on_key_table(&self) -> bool {
        self.key_table
            || self.binds_key
                && matches!(
                    self.access,
                    Access::Write {
                        conditional: true,
                        ..
                    }
                )
    }

    /// An append-only record (audit trail, log): a second row on a retry changes no state
    /// that decisions are made on.
    pub fn on_append_only_table(&self) -> bool {
        !self.tables().is_empty()
            && self.tables().iter().all(|table| {
                APPEND_ONLY_TABLE_PARTS
                    .iter()
                    .any(|part| table.contains(part))
            })
    }

    /// A rate limit's bucket: what it counts is the attempts, a retry included.
    pub fn on_rate_limit_table(&self) -> bool {
        !self.tables().is_empty()
            && self.tables().iter().all(|table| {
                RATE_LIMIT_TABLE_PARTS
                    .iter()
                    .any(|part| table.contains(part))
            })
    }

    /// A write to an outbox or delivery queue: work handed to a sender that retries it.
    pub fn on_outbox_table(&self) -> bool {
        self.is_write()
            && self
                .tables()
                .iter()
                .any(|table| OUTBOX_TABLE_PARTS.iter().any(|part| table.contains(part)))
    }

    pub fn is_write(&self) -> bool {
        matches!(self.access, Access::Write { .. })
    }

    pub fn describe(&self) -> String {
        match &self.access {
            Access::Read { tables, .. } => format!("read of {}", tables.join(", ")),
            Access::Write { description, .. } => description.clone(),
            Access::Unknown(_) => format!("`{}`", self.api),
        }
    }
}

/// What runs the statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Executor {
    /// A transaction this function opened, by the local it is bound to (or the closure that
    /// is the transaction: `transaction closure`).
    Transaction(String),
    /// A parameter: the caller decides (a `&mut *tx` passed in, or a pool).
    Param(String),
    /// A pool or a plain connection: the statement commits on its own.
    Autocommit,
}

/// A transaction opened in a function.
#[derive(Clone, Debug)]
pub struct Transaction {
    pub name: String,
    /// The statement that opens it.
    pub opened: TextRange,
    /// Where it is open: the local's scope, or the closure's body.
    pub scope: TextRange,
    /// The statement that commits it, if any.
    pub committed: Option<TextRange>,
}

/// The accesses and transactions of one function.
pub(super) fn state_accesses(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    resolved: &[CallTarget],
    transactions: &[Transaction],
    downstream: &[DownstreamCall],
) -> Vec<StateAccess> {
    let reader = Reader {
        index,
        knowledge,
        function,
        resolved,
        transactions,
        downstream,
    };
    let body = &index.fn_def(function).summary.body;
    let mut out = Vec::new();
    for (position, call) in body.calls.iter().enumerate() {
        let found = reader
            .configured_write(position, call)
            .or_else(|| match &call.callee {
                Callee::Method { receiver, method } => reader
                    .query_run(call, method)
                    .or_else(|| reader.sql_text_method(call, receiver, method))
                    .or_else(|| reader.active_model(call, receiver, method))
                    .or_else(|| reader.key_value(position, call, receiver, method)),
                Callee::Path(_) => None,
            });
        out.extend(found.map(|mut access| {
            access.key_table = access
                .tables()
                .iter()
                .any(|table| knowledge.is_key_name(table));
            // A state transition changes only the rows still in the state it tests: run
            // again, it finds none, whatever it adds to them (`SET status = 'pending',
            // retries = retries + 1 WHERE status = 'failed'`).
            if let Access::Write { idempotent, .. } = &mut access.access {
                *idempotent |= access.transition;
            }
            access
        }));
    }
    let answered: Vec<bool> = out
        .iter()
        .map(|access| access.inserted.is_some() && failure_answered_by_read(body, access, &out))
        .collect();
    for (access, answered) in out.iter_mut().zip(answered) {
        access.failure_answered_by_read = answered;
    }
    out
}

/// A read made when the write fails: later in its own statement (`.or_else(|_| ..fetch..)`),
/// or in an error arm on its result.
fn failure_answered_by_read(
    body: &crate::index::BodySummary,
    write: &StateAccess,
    accesses: &[StateAccess],
) -> bool {
    let bound_to = body.locals.iter().find(|local| {
        local
            .init_range
            .is_some_and(|range| range.contains_range(&write.range))
    });
    let arms: Vec<TextRange> = body
        .error_arms
        .iter()
        .filter(|arm| {
            arm.scrutinee.is_some_and(|scrutinee| scrutinee.contains_range(&write.range))
                || matches!((bound_to, &arm.scrutinee_name), (Some(local), Some(name)) if local.name == *name && local.scope.contains(arm.range.start))
        })
        .map(|arm| arm.range)
        .collect();
    accesses.iter().any(|other| {
        matches!(other.access, Access::Read { .. })
            && (write.statement.contains_range(&other.range) && other.range.start > write.range.end
                || arms.iter().any(|arm| arm.contains_range(&other.range)))
    })
}

/// Whether SQL statements claim a key: a conditional insert whose columns or conflict
/// target name one (`INSERT INTO payments (.., idempotency_key) .. ON CONFLICT
/// (idempotency_key) DO NOTHING`).
fn claims_key_column(knowledge: &Knowledge, statements: &[SqlStatement]) -> bool {
    statements.iter().any(|statement| {
        statement.is_conditional()
            && statement
                .columns
                .iter()
                .any(|column| knowledge.is_key_name(column))
    })
}

/// Where each argument of a call comes from, as the callee's parameters see it; for a
/// method call, the receiver too.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArgumentOrigin {
    pub whole: Option<ValueOrigin>,
    /// For an argument that names a local built by a struct literal (`&form`), each field.
    pub fields: Vec<(String, ValueOrigin)>,
}

/// The origin of a method call's receiver (`form.insert(conn)`), as the callee's `self`.
pub(super) fn receiver_origin(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    resolved: &[CallTarget],
    downstream: &[DownstreamCall],
    call: &crate::index::CallSite,
) -> Option<ArgumentOrigin> {
    let crate::index::Callee::Method {
        receiver: crate::index::ValueExpr::Name(name),
        ..
    } = &call.callee
    else {
        return None;
    };
    let reader = Reader {
        index,
        knowledge,
        function,
        resolved,
        transactions: &[],
        downstream,
    };
    let items = [crate::index::Mention::Name(name.clone())];
    Some(ArgumentOrigin {
        whole: Some(reader.origin_of(&items, call.range.start, 0)),
        fields: reader
            .struct_fields_of(&items, call.range.start)
            .map(|(fields, _)| fields)
            .unwrap_or_default(),
    })
}

/// The origins of a call's arguments, in order.
pub(super) fn argument_origins(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    resolved: &[CallTarget],
    downstream: &[DownstreamCall],
    call: &crate::index::CallSite,
) -> Vec<ArgumentOrigin> {
    let reader = Reader {
        index,
        knowledge,
        function,
        resolved,
        transactions: &[],
        downstream,
    };
    let count = call
        .arg_mentions
        .items
        .iter()
        .filter(|item| **item == crate::index::Mention::NextArgument)
        .count()
        + usize::from(!call.arg_mentions.items.is_empty());
    (0..count)
        .map(|position| {
            let items = call.arg_mentions.argument(position);
            ArgumentOrigin {
                whole: Some(reader.origin_of(items, call.range.start, 0)),
                fields: reader
                    .struct_fields_of(items, call.range.start)
                    .map(|(fields, _)| fields)
                    .unwrap_or_default(),
            }
        })
        .collect()
}
