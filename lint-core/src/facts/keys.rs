//! Where a handler takes its idempotency key from: a header such as `Idempotency-Key`, a
//! request field such as `idempotency_key`, a message's id in a consumer.

use crate::index::{FnId, WorkspaceIndex};
use crate::knowledge::{Knowledge, MESSAGE_ID_NAMES};
use crate::location::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySource {
    pub range: TextRange,
    /// `header `Idempotency-Key``, `field `idempotency_key``.
    pub what: String,
}

fn key_field(knowledge: &Knowledge, name: &str) -> bool {
    let lowered = name.to_ascii_lowercase();
    knowledge.is_idempotency_key(name) || MESSAGE_ID_NAMES.iter().any(|part| lowered.contains(part))
}

pub(super) fn key_sources(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
) -> Vec<KeySource> {
    let summary = &index.fn_def(function).summary;
    // A value made here (`let request_id = Uuid::new_v4()`) is not the request's key,
    // whatever its name.
    let generated = |name: &str| {
        summary.body.locals.iter().any(|local| {
            local.name == name && super::state::fresh_in(&local.init_mentions.items).is_some()
        })
    };
    let key_field = |name: &str| key_field(knowledge, name) && !generated(name);
    let mut out = Vec::new();
    for param in &summary.params {
        for (name, _) in &param.bindings {
            if key_field(name) {
                out.push(KeySource {
                    range: summary.name_range,
                    what: format!("parameter `{name}`"),
                });
            }
        }
        if param
            .ty
            .path
            .iter()
            .chain(param.ty.args.iter().flat_map(|arg| arg.path.iter()))
            .any(|segment| segment.to_ascii_lowercase().contains("idempotency"))
        {
            out.push(KeySource {
                range: summary.name_range,
                what: "an idempotency-key extractor".to_string(),
            });
        }
    }
    for call in &summary.body.calls {
        if let Some(header) = call
            .arg_mentions
            .literals()
            .find(|literal| knowledge.is_idempotency_key(literal))
        {
            out.push(KeySource {
                range: call.range,
                what: format!("header `{header}`"),
            });
        } else if let Some(field) = call.arg_mentions.names().find(|name| key_field(name)) {
            out.push(KeySource {
                range: call.range,
                what: format!("field `{field}`"),
            });
        }
    }
    for used in &summary.body.macros {
        if let Some(field) = used.names.iter().find(|name| key_field(name)) {
            out.push(KeySource {
                range: used.range,
                what: format!("field `{field}`"),
            });
        }
    }
    for local in &summary.body.locals {
        if key_field(&local.name) && super::state::fresh_in(&local.init_mentions.items).is_none() {
            out.push(KeySource {
                range: local.scope,
                what: format!("`{}`", local.name),
            });
        }
    }
    out
}

/// Keys by data flow: a table that this function looks a row up in (and looks at what it
/// found), then, after other work, writes a row holding a value it did not make (the
/// request's), is where it records what it has done, whatever the table's name: the
/// lookup is a dedup check and the insert records the key. Work is a write to another
/// table or a non-idempotent downstream call made here between the two. Both accesses are
/// marked as the key's, so that the lookup guards what follows it and `dedup-race` judges
/// the late record.
pub(super) fn mark_tables_used_as_keys(
    accesses: &mut [super::StateAccess],
    downstream: &[super::DownstreamCall],
) {
    use super::{Access, ValueOrigin};
    let mut marked = Vec::new();
    for (read_at, read) in accesses.iter().enumerate() {
        let Access::Read { tables, .. } = &read.access else {
            continue;
        };
        if read.key_table || !read.outcome_checked || tables.is_empty() {
            continue;
        }
        let after_read = |range: &TextRange| range.start > read.range.end;
        let record = accesses.iter().enumerate().find(|(_, write)| {
            after_read(&write.range)
                && write.tables().iter().any(|table| tables.contains(table))
                && write.inserted.as_ref().is_some_and(|inserted| {
                    inserted.columns.iter().any(|(_, origin)| {
                        matches!(origin, ValueOrigin::Given | ValueOrigin::Param { .. })
                    })
                })
        });
        let Some((record_at, record)) = record else {
            continue;
        };
        let between = |range: &TextRange| after_read(range) && range.end < record.range.start;
        let work_between = accesses.iter().any(|other| {
            other.is_write()
                && between(&other.range)
                && !other.tables().iter().any(|table| tables.contains(table))
        }) || downstream
            .iter()
            .any(|call| call.idempotent() == Some(false) && between(&call.range));
        if work_between {
            marked.extend([read_at, record_at]);
        }
    }
    for position in marked {
        if let Some(access) = accesses.get_mut(position) {
            access.key_table = true;
        }
    }
}
