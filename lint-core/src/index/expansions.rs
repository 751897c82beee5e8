//! The workspace's `macro_rules!` expanded in the functions that invoke them, when and only
//! when something reads such a function's definition ([`WorkspaceIndex::fn_def`]): the
//! facts of a handler's path. A scan of the workspace reads bodies as written
//! (`fn_calls`, discovery), so a large workspace pays for the functions its handlers reach,
//! not for every invocation it holds.
//!
//! A crate sees its own definitions and the `#[macro_export]` ones of the crates it depends
//! on (textual order and `#[macro_use]` are not followed); a function is expanded when it
//! writes an invocation of one of them. Each expansion is made once and kept.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::collect::{expand_body, VisibleMacro, VisibleMacros};
use super::{
    reads, Callee, CrateId, FnDef, FnId, FnSummary, MacroRules, Read, ValueExpr, WalkHints,
    WorkspaceIndex,
};
use crate::sources::CrateInput;

/// The definitions each crate sees and the expansions made so far.
#[derive(Debug, Default)]
pub(super) struct MacroExpansions {
    /// The definitions met while the index was built, with their crates.
    definitions: Vec<(CrateId, Arc<MacroRules>)>,
    /// What the walk is told, for walking an expansion as it walked the file.
    hints: Option<Arc<WalkHints>>,
    /// By crate: the definitions its code may invoke.
    visible: Vec<VisibleMacros>,
    /// The functions that invoke a visible definition, and their expanded definitions once
    /// read (`None` when no invocation expanded).
    expanded: HashMap<FnId, OnceLock<Option<Box<FnDef>>>>,
}

impl MacroExpansions {
    pub(super) fn add_definitions(&mut self, crate_id: CrateId, rules: Vec<MacroRules>) {
        self.definitions
            .extend(rules.into_iter().map(|rules| (crate_id, Arc::new(rules))));
    }

    /// Settles which definitions each crate sees, and which functions invoke one.
    pub(super) fn prepare(
        index: &mut WorkspaceIndex,
        crates: &[CrateInput],
        hints: Option<Arc<WalkHints>>,
    ) {
        let expansions = &mut index.expansions;
        expansions.hints = hints;
        if expansions.definitions.is_empty() || expansions.hints.is_none() {
            return;
        }
        let crate_by_lib_name: HashMap<&str, usize> = crates
            .iter()
            .enumerate()
            .map(|(position, crate_input)| (crate_input.lib_name.as_str(), position))
            .collect();
        expansions.visible = crates
            .iter()
            .enumerate()
            .map(|(position, crate_input)| {
                let mut visible = VisibleMacros::new();
                let own = CrateId(position as u32);
                let dependencies: Vec<(CrateId, &str)> = crate_input
                    .dependencies
                    .iter()
                    .filter_map(|name| {
                        let dependency = *crate_by_lib_name.get(name.as_str())?;
                        (dependency != position).then(|| {
                            (
                                CrateId(dependency as u32),
                                crates[dependency].lib_name.as_str(),
                            )
                        })
                    })
                    .collect();
                for (crate_id, rules) in &expansions.definitions {
                    let crate_path = if *crate_id == own {
                        "crate"
                    } else if rules.exported {
                        match dependencies.iter().find(|(id, _)| id == crate_id) {
                            Some((_, name)) => name,
                            None => continue,
                        }
                    } else {
                        continue;
                    };
                    visible
                        .entry(rules.name.clone())
                        .or_default()
                        .push(VisibleMacro {
                            rules: Arc::clone(rules),
                            crate_path: crate_path.into(),
                        });
                }
                visible
            })
            .collect();
        for position in 0..index.fns.len() {
            let id = FnId(position as u32);
            index.refresh_expansion(id);
        }
    }
}

impl WorkspaceIndex {
    /// The expanded definition of a function that invokes a visible `macro_rules!`, made on
    /// the first call; `None` for any other function.
    pub(super) fn expanded_fn_def(&self, id: FnId) -> Option<&FnDef> {
        if self.expansions.expanded.is_empty() {
            return None;
        }
        let cell = self.expansions.expanded.get(&id)?;
        cell.get_or_init(|| {
            let def = &self.fns[id.0 as usize];
            let hints = self.expansions.hints.as_deref()?;
            let visible = self
                .expansions
                .visible
                .get(self.modules[def.module.0 as usize].crate_id.0 as usize)?;
            let body = expand_body(&def.summary.body, visible, hints)?;
            Some(Box::new(FnDef {
                module: def.module,
                file: def.file,
                owner: def.owner,
                summary: Box::new(FnSummary {
                    body,
                    ..without_body(&def.summary)
                }),
            }))
        })
        .as_deref()
    }

    /// Whether a function's loops may call a method of one of `methods` on a variable
    /// (`consumer.recv()`): as written, or in the arms of the visible `macro_rules!` it
    /// invokes (by their text, without expanding them; an arm that invokes a macro in turn
    /// may call anything). A scan of the workspace asks this before reading a definition
    /// ([`WorkspaceIndex::fn_def`]), which expands the function's invocations: most
    /// functions need not be.
    ///
    /// A read of the definition ([`Read::Definition`]) unless no call names such a method
    /// and no visible macro is invoked: where calls are, and the invocations, may change
    /// without changing what a call names.
    pub fn loop_may_call_method(&self, id: FnId, methods: &[&str]) -> bool {
        let def = &self.fns[id.0 as usize];
        let body = &def.summary.body;
        let names_method = |call: &super::CallSite| matches!(&call.callee, Callee::Method { method, .. } if methods.contains(&method.as_str()));
        let invokes_visible = self.expansions.expanded.contains_key(&id);
        if !invokes_visible && !self.fn_calls(id).iter().any(names_method) {
            return false;
        }
        reads::note_read(Read::Definition(id));
        let in_a_loop = body.calls.iter().any(|call| {
            names_method(call)
                && matches!(
                    &call.callee,
                    Callee::Method {
                        receiver: ValueExpr::Name(_),
                        ..
                    }
                )
                && body
                    .loops
                    .iter()
                    .any(|written| written.range.contains_range(&call.range))
        });
        if in_a_loop || !invokes_visible {
            return in_a_loop;
        }
        let (Some(written), Some(visible)) = (
            body.written_macros.as_deref(),
            self.expansions
                .visible
                .get(self.modules[def.module.0 as usize].crate_id.0 as usize),
        ) else {
            return false;
        };
        // The invoked definitions, and those their arms invoke in turn.
        let mut pending: Vec<&str> = written
            .iter()
            .map(|invocation| invocation.name.as_str())
            .collect();
        let mut seen: Vec<&str> = Vec::new();
        while let Some(name) = pending.pop() {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let arms = visible
                .get(name)
                .into_iter()
                .flatten()
                .flat_map(|candidate| &candidate.rules.arms);
            for arm in arms {
                let text: &str = &arm.transcriber;
                if methods.iter().any(|method| text.contains(method)) {
                    return true;
                }
                pending.extend(invoked_names(text).filter(|name| visible.contains_key(*name)));
            }
        }
        false
    }

    /// Forgets what was expanded of a function, and notes whether it invokes a visible
    /// definition: after the index is built, and when its summary is replaced.
    pub(super) fn refresh_expansion(&mut self, id: FnId) {
        let def = &self.fns[id.0 as usize];
        let invokes = def
            .summary
            .body
            .written_macros
            .as_deref()
            .is_some_and(|written| {
                self.expansions
                    .visible
                    .get(self.modules[def.module.0 as usize].crate_id.0 as usize)
                    .is_some_and(|visible| {
                        written
                            .iter()
                            .any(|invocation| visible.contains_key(&invocation.name))
                    })
            });
        if invokes {
            self.expansions.expanded.insert(id, OnceLock::new());
        } else {
            self.expansions.expanded.remove(&id);
        }
    }
}

/// The names a macro transcriber's text invokes: each identifier followed by `!`.
fn invoked_names(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('!').filter_map(move |(bang, _)| {
        let before = text[..bang].trim_end();
        let start = before
            .char_indices()
            .rev()
            .find(|(_, character)| !(character.is_alphanumeric() || *character == '_'))
            .map_or(0, |(at, character)| at + character.len_utf8());
        let name = &before[start..];
        (!name.is_empty()).then_some(name)
    })
}

/// A function's summary without its body (which the caller gives).
fn without_body(summary: &FnSummary) -> FnSummary {
    FnSummary {
        name: summary.name.clone(),
        name_range: summary.name_range,
        range: summary.range,
        attrs: summary.attrs.clone(),
        is_async: summary.is_async,
        has_self: summary.has_self,
        params: summary.params.clone(),
        output: summary.output.clone(),
        is_test: summary.is_test,
        body: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::analysis::index_of_sources;
    use crate::sources::{CrateRoot, InputFile, TargetKind};

    fn crate_input(name: &str, dependencies: &[&str]) -> CrateInput {
        let path = PathBuf::from(format!("/ws/{name}/src/lib.rs"));
        CrateInput {
            name: name.to_string(),
            lib_name: name.to_string(),
            roots: vec![CrateRoot {
                path: path.clone(),
                kind: TargetKind::Lib,
            }],
            files: vec![InputFile {
                path,
                display_path: format!("{name}/src/lib.rs"),
                reported: true,
                named: true,
            }],
            dependencies: dependencies.iter().map(|name| name.to_string()).collect(),
            renamed_dependencies: Vec::new(),
        }
    }

    /// The paths a function calls, as read through its definition.
    fn called(index: &WorkspaceIndex, name: &str) -> Vec<String> {
        let id = (0..index.fns.len() as u32)
            .map(FnId)
            .find(|id| index.fn_name(*id) == name)
            .unwrap_or_else(|| panic!("no function `{name}`"));
        index
            .fn_def(id)
            .summary
            .body
            .calls
            .iter()
            .map(|call| match &call.callee {
                super::super::Callee::Path(path) => path.join("::"),
                super::super::Callee::Method { method, .. } => format!(".{method}"),
            })
            .collect()
    }

    #[test]
    fn a_crate_expands_its_own_macros_and_its_dependencies_exported_ones() {
        let crates = [
            crate_input("store", &[]),
            crate_input("api", &["store"]),
            crate_input("other", &[]),
        ];
        let store = "#[macro_export]
            macro_rules! save { ($id:expr) => { $crate::db::insert($id) }; }
            macro_rules! hidden { ($id:expr) => { secret($id) }; }
            pub fn local(id: u32) { save!(id); hidden!(id); }";
        let api = "macro_rules! twice { ($e:expr) => { { $e; $e; } }; }
            pub fn handle(id: u32) { store::save!(id); hidden!(id); twice!(ping(id)); }";
        let other = "pub fn unrelated(id: u32) { save!(id); }";
        let index = index_of_sources(&crates, &[store, api, other]);
        assert_eq!(called(&index, "local"), ["crate::db::insert", "secret"]);
        // `hidden!` is not exported: its argument is read as code, as an unknown macro's.
        assert_eq!(
            called(&index, "handle"),
            ["store::db::insert", "ping", "ping"]
        );
        // No dependency on `store`: `save!` is an unknown macro there.
        assert_eq!(called(&index, "unrelated"), Vec::<String>::new());
    }
}
