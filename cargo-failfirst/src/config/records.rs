//! `[[knowledge.http]]`, `[[knowledge.retry]]`, `[[knowledge.sql]]` and `write-apis` made into
//! the records the analysis ships for the libraries it knows (`lint_core::knowledge`): a
//! team's library is read exactly as reqwest, backon or sqlx are.

use lint_core::knowledge::http::{
    BuilderType, ClientType, DefaultTimeout, HttpLibrary, RequestFunction, Send, Verb,
};
use lint_core::knowledge::retry::{
    Bound, DefaultWorstCase, Errors, Jitter, Limit, RetryLibrary, RetryStart,
};
use lint_core::knowledge::sql::SqlLibrary;
use lint_core::knowledge::{ClientBounds, WriteApi};
use toml::Spanned;

use super::error::ConfigError;
use super::schema::{
    BoundName, ErrorsName, HttpDeclaration, JitterName, RetryDeclaration, SqlDeclaration,
    WriteApiEntry,
};
use super::written::{identifier, rust_path, Source};

/// The word of `send` that says awaiting a request sends it (a keyword, never a method).
const SEND_ON_AWAIT: &str = "await";

pub(super) fn http_library(
    declared: &Spanned<HttpDeclaration>,
    source: &Source,
) -> Result<HttpLibrary, ConfigError> {
    let declared = declared.get_ref();
    if declared.clients.get_ref().is_empty() {
        return Err(source
            .error_at(
                declared.clients.span(),
                "no client types declared".to_string(),
            )
            .with_label("expected types such as [\"acme_http::Client\"]"));
    }
    if declared.send.get_ref().is_empty() {
        return Err(source
            .error_at(
                declared.send.span(),
                "no way of sending declared".to_string(),
            )
            .with_label("expected methods such as [\"send\"], or [\"await\"]"));
    }
    let type_path = |written: &Spanned<String>| {
        rust_path(
            written,
            2,
            "a type path such as `acme_http::Client`",
            source,
        )
    };
    let default_timeout = declared.default_timeout_ms.map(|ms| DefaultTimeout {
        what: format!("the {ms} ms default timeout declared in the configuration"),
        ms: Some(ms),
    });
    let mut clients = Vec::new();
    for client in declared.clients.get_ref() {
        clients.push(ClientType {
            path: type_path(client)?,
            default_timeout: default_timeout.clone(),
        });
    }
    let mut builders = Vec::new();
    for builder in &declared.builders {
        let builder = builder.get_ref();
        let mut finishers = identifiers(&builder.finishers, source)?;
        if finishers.is_empty() {
            finishers.push("build".to_string());
        }
        builders.push(BuilderType {
            builder: type_path(&builder.type_path)?,
            builds: type_path(&builder.builds)?,
            finishers,
            // Configuration names a builder by its type; no function of the built type
            // starts one.
            started_by: Vec::new(),
        });
    }
    let mut request_types = Vec::new();
    for request_type in &declared.request_types {
        request_types.push(type_path(request_type)?);
    }
    let mut request_functions = Vec::new();
    for function in &declared.request_functions {
        let function = function.get_ref();
        request_functions.push(RequestFunction {
            path: rust_path(
                &function.path,
                2,
                "a function path such as `acme_http::post`",
                source,
            )?,
            http_method: match &function.method {
                Some(method) => http_method(method, source)?,
                None => None,
            },
            sends: function.sends,
            default_timeout: default_timeout.clone(),
        });
    }
    let mut verbs = Vec::new();
    if let Some(declared_verbs) = &declared.verbs {
        for (method, sent) in declared_verbs.get_ref() {
            let span = declared_verbs.span();
            verbs.push(Verb {
                method: identifier(&Spanned::new(span.clone(), method.clone()), source)?,
                http_method: http_method(&Spanned::new(span, sent.clone()), source)?,
            });
        }
    }
    let mut send = Vec::new();
    for way in declared.send.get_ref() {
        send.push(if way.get_ref().trim() == SEND_ON_AWAIT {
            Send::Await
        } else {
            Send::Method(identifier(way, source)?)
        });
    }
    let timeout_methods = identifiers(&declared.timeout_methods, source)?;
    Ok(HttpLibrary {
        clients,
        builders,
        request_types,
        request_functions,
        verbs,
        send,
        execute_methods: identifiers(&declared.execute_methods, source)?,
        bounds: ClientBounds {
            timeout_methods,
            connect_timeout_methods: identifiers(&declared.connect_timeout_methods, source)?,
            retrying_middleware: Vec::new(),
            timeout_config_keys: Vec::new(),
        },
        header_methods: identifiers(&declared.header_methods, source)?,
    })
}

pub(super) fn retry_library(
    declared: &Spanned<RetryDeclaration>,
    source: &Source,
) -> Result<RetryLibrary, ConfigError> {
    let declared = declared.get_ref();
    let name = declared.name.get_ref().trim();
    if name.is_empty() {
        return Err(source
            .error_at(declared.name.span(), "empty value".to_string())
            .with_label("expected the name findings give a retry of it"));
    }
    let mut starts = Vec::new();
    for function in &declared.functions {
        let function = function.get_ref();
        starts.push(RetryStart::Function {
            path: rust_path(
                &function.path,
                2,
                "a function path such as `house_retry::again`",
                source,
            )?,
            operation_arg: function.operation_argument,
            every_error: function.every_error,
        });
    }
    for method in &declared.methods {
        let method = method.get_ref();
        starts.push(RetryStart::Method {
            name: identifier(&method.name, source)?,
            builders: identifiers(&method.builders, source)?,
        });
    }
    if starts.is_empty() {
        return Err(source
            .error_at(declared.name.span(), "no way of starting a retry declared".to_string())
            .with_label("expected functions = [{ path = \"..\", operation-argument = 1 }] or methods = [..]"));
    }
    let mut changed_by = Vec::new();
    for (method, bound) in &declared.limit_changed_by {
        let span = declared.name.span();
        changed_by.push((
            identifier(&Spanned::new(span, method.clone()), source)?,
            bound_of(*bound),
        ));
    }
    Ok(RetryLibrary {
        name: name.to_string(),
        starts,
        constant_strategies: identifiers(&declared.constant_strategies, source)?,
        jitter: match declared.jitter {
            JitterName::UnlessConstant => Jitter::UnlessConstant,
            JitterName::WhenNamed => Jitter::WhenNamed {
                methods: identifiers(&declared.jitter_methods, source)?,
                names: identifiers(&declared.jitter_names, source)?,
            },
        },
        limit: Limit {
            default: bound_of(declared.limit),
            changed_by,
        },
        errors: match declared.errors {
            ErrorsName::AsStarted => Errors::AsStarted,
            ErrorsName::QuestionMark => Errors::QuestionMarkUnlessClassified {
                methods: identifiers(&declared.permanent_methods, source)?,
                functions: identifiers(&declared.permanent_functions, source)?,
            },
        },
        default_worst_case: match declared.worst_case_ms {
            Some(ms) => Some(DefaultWorstCase {
                ms,
                overridden_by: identifiers(&declared.worst_case_overridden_by, source)?,
                growing_only: false,
            }),
            None => None,
        },
    })
}

pub(super) fn sql_library(
    declared: &Spanned<SqlDeclaration>,
    source: &Source,
) -> Result<SqlLibrary, ConfigError> {
    let declared = declared.get_ref();
    let name = identifier(&declared.name, source)?;
    let mut crates = identifiers(&declared.crates, source)?;
    if crates.is_empty() {
        crates.push(name.clone());
    }
    let mut text_functions = Vec::new();
    for function in &declared.text_functions {
        text_functions.push(rust_path(
            function,
            2,
            "a function path such as `house_db::raw`",
            source,
        )?);
    }
    Ok(SqlLibrary {
        name,
        crates,
        query_macros: identifiers(&declared.query_macros, source)?,
        text_functions,
        text_methods: identifiers(&declared.text_methods, source)?,
        run_methods: identifiers(&declared.run_methods, source)?,
        bind_methods: identifiers(&declared.bind_methods, source)?,
        row_methods: identifiers(&declared.row_methods, source)?,
        transaction_methods: identifiers(&declared.transaction_methods, source)?,
        commit_methods: identifiers(&declared.commit_methods, source)?,
        conflict_methods: identifiers(&declared.conflict_methods, source)?,
        write_functions: write_functions(&declared.write_functions, source)?,
        ..SqlLibrary::default()
    })
}

/// `[knowledge] write-apis`: a data layer known only by the functions that write, a SQL
/// record with nothing else in it.
pub(super) fn write_api_library(
    entries: &[Spanned<WriteApiEntry>],
    source: &Source,
) -> Result<Option<SqlLibrary>, ConfigError> {
    if entries.is_empty() {
        return Ok(None);
    }
    Ok(Some(SqlLibrary {
        name: "write-apis".to_string(),
        write_functions: write_functions(entries, source)?,
        ..SqlLibrary::default()
    }))
}

fn write_functions(
    entries: &[Spanned<WriteApiEntry>],
    source: &Source,
) -> Result<Vec<WriteApi>, ConfigError> {
    let mut functions = Vec::new();
    for entry in entries {
        let path = Spanned::new(entry.span(), entry.get_ref().path.clone());
        functions.push(WriteApi {
            path: rust_path(
                &path,
                2,
                "a function or method path such as `ledger::Repo::debit`",
                source,
            )?,
            idempotent: entry.get_ref().idempotent,
        });
    }
    Ok(functions)
}

fn identifiers(written: &[Spanned<String>], source: &Source) -> Result<Vec<String>, ConfigError> {
    written
        .iter()
        .map(|name| identifier(name, source))
        .collect()
}

/// `"POST"` (any case) as the HTTP method a call sends; `"*"` when an argument gives it.
fn http_method(written: &Spanned<String>, source: &Source) -> Result<Option<String>, ConfigError> {
    let text = written.get_ref().trim();
    if text == "*" {
        return Ok(None);
    }
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphabetic()) {
        return Ok(Some(text.to_ascii_uppercase()));
    }
    Err(source
        .error_at(written.span(), format!("`{text}` is not an HTTP method"))
        .with_label("expected a method such as \"POST\", or \"*\" when an argument gives it"))
}

fn bound_of(name: BoundName) -> Bound {
    match name {
        BoundName::Attempts => Bound::Attempts,
        BoundName::Elapsed => Bound::Elapsed,
        BoundName::Unbounded => Bound::Unbounded,
    }
}
