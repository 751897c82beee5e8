//! gRPC methods the workspace serves itself: a service calling another of the same
//! workspace (`aliases.resolve_aliases(..)` on a generated client, served by an
//! `impl Aliases for AliasDirectory` here). Where no contract says whether the method has
//! side effects and its name is no read's, the implementation says it: a method whose own
//! path writes nothing and calls nothing that a second call would repeat is idempotent.

use std::collections::BTreeMap;

use super::reach::{reach_unserved, FactsCache, Reach};
use super::sql::schema::Schemas;
use super::DownstreamKind;
use crate::index::{FnId, WorkspaceIndex};
use crate::knowledge::Knowledge;

/// Settles the gRPC calls of `out` that are judged mutating but served in the workspace
/// by implementations that only read.
pub(super) fn calls_served_read_only(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    schemas: &Schemas,
    cache: &mut FactsCache,
    step_limit: u64,
    out: &mut Reach,
) {
    let mut judged: BTreeMap<FnId, bool> = BTreeMap::new();
    for reached in &mut out.calls {
        if reached.call.idempotent() != Some(false) {
            continue;
        }
        let DownstreamKind::Grpc { method, client, .. } = &reached.call.kind else {
            continue;
        };
        let Some(service) = client.last().and_then(|name| name.strip_suffix("Client")) else {
            continue;
        };
        let servers = serving(index, service, method);
        if servers.is_empty() {
            continue;
        }
        let read_only = servers.iter().all(|server| {
            *judged.entry(*server).or_insert_with(|| {
                only_reads(index, knowledge, schemas, cache, *server, step_limit)
            })
        });
        if read_only {
            reached.call.declared_idempotence = Some(true);
        }
    }
}

/// The workspace's implementations of `method` of the generated service trait `service`
/// (tests' aside).
fn serving(index: &WorkspaceIndex, service: &str, method: &str) -> Vec<FnId> {
    index
        .impls
        .iter()
        .filter(|served| !served.is_test)
        .filter(|served| {
            served
                .trait_path
                .as_ref()
                .and_then(|path| path.last())
                .is_some_and(|name| name == service)
        })
        .flat_map(|served| served.methods.iter().copied())
        .filter(|function| index.fn_name(*function) == method)
        .collect()
}

/// Whether a served method's path, followed to its end, writes nothing and makes no call
/// a second run would repeat.
fn only_reads(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    schemas: &Schemas,
    cache: &mut FactsCache,
    server: FnId,
    step_limit: u64,
) -> bool {
    let served = reach_unserved(
        index,
        knowledge,
        schemas,
        cache,
        server,
        None,
        step_limit,
        Vec::new(),
    );
    !served.exhausted
        && served.cut.is_empty()
        && served
            .accesses
            .iter()
            .all(|access| !access.access.is_write())
        && served
            .calls
            .iter()
            .all(|call| call.call.idempotent() == Some(true))
}
