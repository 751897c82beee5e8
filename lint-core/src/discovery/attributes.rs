//! Reading attributes through imports: `#[rpc]` after `use failfirst::handler as rpc;` is
//! failfirst's `handler`; `#[post("/x")]` after `use actix_web::post;` is actix-web's.

use crate::index::{AttrSummary, FnId, Resolution, WorkspaceIndex};

/// The full path an attribute names, if it leads outside the workspace:
/// `["actix_web", "post"]`, `["failfirst", "handler"]`.
pub(crate) fn external_attribute_path(
    index: &WorkspaceIndex,
    function: FnId,
    attr: &AttrSummary,
) -> Option<Vec<crate::index::CompactString>> {
    let module = index.fn_outline(function).module;
    match index.resolve_path(module, &attr.path) {
        Ok(Resolution::External(path)) => Some(path),
        _ => None,
    }
}

/// The crate an attribute comes from, if it can be told: `Some("actix_web")`.
pub(crate) fn attribute_crate(
    index: &WorkspaceIndex,
    function: FnId,
    attr: &AttrSummary,
) -> Option<String> {
    external_attribute_path(index, function, attr)
        .and_then(|path| path.first().map(ToString::to_string))
}
