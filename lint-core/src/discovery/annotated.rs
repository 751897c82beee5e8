//! Functions marked by the annotations crate: `#[failfirst::handler]`, `#[idempotent]`,
//! `#[deadline(..)]`, by full path or through an import (possibly renamed).

use std::collections::BTreeMap;

use super::attributes::external_attribute_path;
use crate::index::{FnId, WorkspaceIndex};
use crate::knowledge::{ANNOTATION_CRATE, HANDLER_ANNOTATIONS};

/// Each annotated function with the annotations it carries, by their failfirst names.
pub(crate) fn annotations(index: &WorkspaceIndex) -> BTreeMap<FnId, Vec<String>> {
    let mut out = BTreeMap::new();
    for (position, def) in index.fns.iter().enumerate() {
        if def.summary.attrs.is_empty() || def.summary.is_test {
            continue;
        }
        let function = FnId(position as u32);
        let names: Vec<String> = def
            .summary
            .attrs
            .iter()
            .filter_map(|attr| external_attribute_path(index, function, attr))
            .filter_map(|path| match path.as_slice() {
                [crate_name, name]
                    if crate_name == ANNOTATION_CRATE
                        && HANDLER_ANNOTATIONS.contains(&name.as_str()) =>
                {
                    Some(name.to_string())
                }
                _ => None,
            })
            .collect();
        if !names.is_empty() {
            out.insert(function, names);
        }
    }
    out
}
