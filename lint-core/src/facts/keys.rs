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
