//! tonic: methods of `impl Service for T` that take a `Request<_>` and return
//! `Result<Response<_>, Status>` (or tonic's own `Result<Response<_>>`). The service is the
//! trait; its proto package is known when the trait comes from a module holding
//! `tonic::include_proto!("package")`.

use super::{DiscoveredHandler, HandlerFunction};
use crate::index::{FnSummary, Resolution, WorkspaceIndex};
use crate::vocab::{Framework, Route};

pub(crate) fn discover(index: &WorkspaceIndex) -> Vec<DiscoveredHandler> {
    let mut out = Vec::new();
    for impl_def in &index.impls {
        let Some(trait_path) = &impl_def.trait_path else {
            continue;
        };
        if impl_def.is_test {
            continue;
        }
        // The service as the generated code names it: `use ..::MetersService as
        // MetersServiceGrpc;` still serves `MetersService`.
        let declared_name = match &impl_def.trait_resolution {
            Some(Resolution::External(path)) => path.last(),
            Some(Resolution::Generated { rest, .. }) => rest.last(),
            _ => None,
        };
        let Some(service) = declared_name.or(trait_path.last()) else {
            continue;
        };
        // Looked up once the impl has a gRPC method: most impls of a trait have none.
        let mut package: Option<Option<String>> = None;
        for method in &impl_def.methods {
            let summary = &index.fn_outline(*method).summary;
            if !is_grpc_method(summary, || expanded_output(index, *method))
                && !returns_tonic_result(index, *method)
            {
                continue;
            }
            let package = package.get_or_insert_with(|| {
                impl_def
                    .trait_resolution
                    .as_ref()
                    .and_then(|resolution| index.proto_package(resolution))
                    .map(str::to_string)
            });
            out.push(DiscoveredHandler {
                function: HandlerFunction::Function(*method),
                framework: Framework::Tonic,
                route: Route::Grpc {
                    package: package.clone(),
                    service: service.to_string(),
                    method: pascal_case(&summary.name),
                },
                annotations: Vec::new(),
            });
        }
    }
    out
}

/// The return type with a type alias expanded: `type EchoResult<T> = Result<Response<T>,
/// Status>` is common in tonic services.
fn expanded_output(
    index: &WorkspaceIndex,
    method: crate::index::FnId,
) -> Option<crate::index::TypeRef> {
    let def = index.fn_outline(method);
    let output = def.summary.output.as_ref()?;
    match index.resolve_path(def.module, &output.path) {
        Ok(crate::index::Resolution::Type(type_id))
            if index.type_def(type_id).summary.kind == crate::index::TypeItemKind::Alias =>
        {
            index
                .type_def(type_id)
                .summary
                .fields
                .first()
                .map(|(_, aliased)| aliased.clone())
        }
        _ => Some(output.clone()),
    }
}

/// `-> tonic::Result<Response<T>>` (or `Result<Response<T>>` with `use tonic::Result`):
/// tonic's own alias, whose error is a `Status`.
fn returns_tonic_result(index: &WorkspaceIndex, method: crate::index::FnId) -> bool {
    let def = index.fn_outline(method);
    let summary = &def.summary;
    let Some(output) = &summary.output else {
        return false;
    };
    let takes_request = summary.has_self
        && summary.params.len() == 1
        && summary.params[0].ty.last_name() == Some("Request");
    takes_request
        && output.last_name() == Some("Result")
        && output.args.len() == 1
        && output.args[0].last_name() == Some("Response")
        && matches!(
            index.resolve_path(def.module, &output.path),
            Ok(Resolution::External(path)) if path.first().is_some_and(|root| root == "tonic")
        )
}

/// Whether the method takes a `Request<_>` and its `output()` (the return type, an alias
/// expanded: only worked out for a method that takes a request) is `Result<Response<_>,
/// Status>`.
fn is_grpc_method(
    summary: &FnSummary,
    output: impl FnOnce() -> Option<crate::index::TypeRef>,
) -> bool {
    let takes_request = summary.has_self
        && summary.params.len() == 1
        && summary.params[0].ty.last_name() == Some("Request");
    takes_request
        && output().is_some_and(|output| {
            output.last_name() == Some("Result")
                && output.args.len() == 2
                && output.args[0].last_name() == Some("Response")
                && output.args[1].last_name() == Some("Status")
        })
}

fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn method_names_become_pascal_case() {
        assert_eq!(super::pascal_case("get_payment"), "GetPayment");
        assert_eq!(super::pascal_case("charge"), "Charge");
    }
}
