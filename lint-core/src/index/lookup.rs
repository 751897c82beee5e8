//! Which functions' bodies name what: the whole-workspace questions the facts ask — who
//! builds a `Type { .. }`, who calls something named `name`, who builds routes — answered
//! from a list instead of a walk over every function of the workspace.
//!
//! The lists hold function ids in increasing order, so that a question answered from them
//! visits the functions a scan would have found, in the order the scan found them. They
//! are kept current when a file's summary is replaced in place (`patch`).

use std::collections::HashMap;

use super::{Callee, CompactString, FnId, FnSummary};

/// Functions by what their bodies name.
#[derive(Debug, Default)]
pub struct BodyLookup {
    /// By the last segment of a struct literal's path (`Self` included).
    literals_by_type: HashMap<CompactString, Vec<FnId>>,
    /// By the last segment of a called path, or the name of a called method.
    calls_by_name: HashMap<CompactString, Vec<FnId>>,
    /// Functions with statements that build routes.
    route_builders: Vec<FnId>,
}

impl BodyLookup {
    /// The functions whose bodies hold a struct literal whose path ends in `name`.
    pub fn building(&self, name: &str) -> &[FnId] {
        self.literals_by_type.get(name).map_or(&[], Vec::as_slice)
    }

    /// The functions whose bodies call a path ending in `name`, or a method `name`.
    pub fn calling(&self, name: &str) -> &[FnId] {
        self.calls_by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The functions whose bodies build routes.
    pub fn route_builders(&self) -> &[FnId] {
        &self.route_builders
    }

    /// Records what `summary`, the body of `function`, names.
    pub(super) fn add(&mut self, function: FnId, summary: &FnSummary) {
        for name in Self::literal_names(summary) {
            insert_sorted(
                self.literals_by_type.entry(name.clone()).or_default(),
                function,
            );
        }
        for name in Self::called_names(summary) {
            insert_sorted(
                self.calls_by_name.entry(name.clone()).or_default(),
                function,
            );
        }
        if !summary.body.route_statements.is_empty() {
            insert_sorted(&mut self.route_builders, function);
        }
    }

    /// Forgets what `summary`, the body `function` had, names.
    pub(super) fn remove(&mut self, function: FnId, summary: &FnSummary) {
        for name in Self::literal_names(summary) {
            if let Some(list) = self.literals_by_type.get_mut(name.as_str()) {
                remove_sorted(list, function);
            }
        }
        for name in Self::called_names(summary) {
            if let Some(list) = self.calls_by_name.get_mut(name.as_str()) {
                remove_sorted(list, function);
            }
        }
        remove_sorted(&mut self.route_builders, function);
    }

    fn literal_names(summary: &FnSummary) -> impl Iterator<Item = &CompactString> {
        summary
            .body
            .struct_literals
            .iter()
            .filter_map(|literal| literal.path.last())
    }

    fn called_names(summary: &FnSummary) -> impl Iterator<Item = &CompactString> {
        summary
            .body
            .calls
            .iter()
            .filter_map(|call| match &call.callee {
                Callee::Path(path) => path.last(),
                Callee::Method { method, .. } => Some(method),
            })
    }
}

/// The ids of the functions in any of `lists`, each once, in increasing order.
pub fn union(lists: &[&[FnId]]) -> Vec<FnId> {
    let mut all: Vec<FnId> = lists.iter().flat_map(|list| list.iter().copied()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

fn insert_sorted(list: &mut Vec<FnId>, function: FnId) {
    if let Err(position) = list.binary_search(&function) {
        list.insert(position, function);
    }
}

fn remove_sorted(list: &mut Vec<FnId>, function: FnId) {
    if let Ok(position) = list.binary_search(&function) {
        list.remove(position);
    }
}
