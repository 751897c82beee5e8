//! From the file as written to a checked [`Config`]: rule names exist, globs compile, paths
//! are Rust paths; the knowledge extensions are appended to the built-in tables.

use std::collections::BTreeMap;
use std::path::Path;

use lint_core::knowledge::kv::{CommandEffect, KeyValueCommand};
use lint_core::knowledge::{ClientMethod, DirectClient, Knowledge};
use lint_core::report::Level;
use lint_core::rules::{closest_rule, find_rule};
use toml::Spanned;

use super::error::ConfigError;
use super::records;
use super::schema::{CommandEffectName, ConfigFile, GrpcVerbs, Idempotency, LevelName};
use super::written::{identifier, is_identifier, non_empty, rust_path, Source, DOCS_HELP};
use super::{Config, Exclusions};

/// Mistakes found so far: every check runs, and the configuration is refused with all of
/// them at once, rather than one per run of the tool.
#[derive(Default)]
struct Mistakes(Vec<ConfigError>);

impl Mistakes {
    /// The value, or `None` with its mistake kept.
    fn keep<T>(&mut self, checked: Result<T, ConfigError>) -> Option<T> {
        checked.map_err(|mistake| self.0.push(mistake)).ok()
    }
}

pub(crate) fn checked(
    written: ConfigFile,
    folder: &Path,
    source: &Source,
) -> Result<Config, ConfigError> {
    let mut mistakes = Mistakes::default();
    let mut config = Config {
        levels: levels(&written.rules, source, &mut mistakes),
        exclusions: exclusions(&written.exclude, folder, source, &mut mistakes),
        fail_under: written
            .fail_under
            .as_ref()
            .map(|percentage| percentage.get_ref().0),
        baseline: written
            .baseline
            .as_ref()
            .and_then(|file| mistakes.keep(non_empty(file, source)))
            .map(|file| folder.join(file)),
        max_file_bytes: match &written.max_file_size {
            Some(size) if *size.get_ref() == 0 => {
                mistakes.0.push(
                    source
                        .error_at(
                            size.span(),
                            "`max-file-size` must be more than 0 bytes".to_string(),
                        )
                        .with_help(DOCS_HELP),
                );
                None
            }
            Some(size) => Some(*size.get_ref()),
            None => None,
        },
        max_path_steps: match &written.max_path_steps {
            Some(steps) if *steps.get_ref() == 0 => {
                mistakes.0.push(
                    source
                        .error_at(
                            steps.span(),
                            "`max-path-steps` must be more than 0".to_string(),
                        )
                        .with_help(DOCS_HELP),
                );
                None
            }
            Some(steps) => Some(*steps.get_ref()),
            None => None,
        },
        ..Config::default()
    };
    let knowledge = &mut config.knowledge;
    for attribute in &written.handlers.attributes {
        let path = rust_path(
            attribute,
            1,
            "an attribute path such as `my_rpc::endpoint`",
            source,
        );
        knowledge.handler_attributes.extend(mistakes.keep(path));
    }
    for method in &written.handlers.routing_methods {
        let method = identifier(method, source);
        knowledge.routing_methods.extend(mistakes.keep(method));
    }
    extend_clients(knowledge, &written, source, &mut mistakes);
    for header in &written.knowledge.deadlines.headers {
        let header = non_empty(header, source);
        knowledge.deadline_headers.extend(mistakes.keep(header));
    }
    for type_path in &written.knowledge.deadlines.types {
        let path = rust_path(type_path, 1, "a type such as `my_rpc::Deadline`", source);
        if let Some(path) = mistakes.keep(path) {
            knowledge.deadline_types.extend(path.last().cloned());
        }
    }
    // The team's libraries become records of the same types as the built-in ones, read
    // after them.
    for declared in &written.knowledge.http {
        let library = records::http_library(declared, source);
        knowledge.http_libraries.extend(mistakes.keep(library));
    }
    for declared in &written.knowledge.retry {
        let library = records::retry_library(declared, source);
        knowledge.retry_libraries.extend(mistakes.keep(library));
    }
    for declared in &written.knowledge.sql {
        let library = records::sql_library(declared, source);
        knowledge.sql_libraries.extend(mistakes.keep(library));
    }
    let write_apis = records::write_api_library(&written.knowledge.write_apis, source);
    if let Some(library) = mistakes.keep(write_apis) {
        knowledge.sql_libraries.extend(library);
    }
    for table in &written.knowledge.key_tables {
        let table = non_empty(table, source);
        knowledge.key_tables.extend(mistakes.keep(table));
    }
    for name in &written.knowledge.key_names {
        let name = non_empty(name, source);
        knowledge.key_names.extend(mistakes.keep(name));
    }
    mistakes.keep(extend_redis(knowledge, &written, source));
    grpc_verbs(knowledge, &written.knowledge.grpc, source, &mut mistakes);
    match ConfigError::all(mistakes.0) {
        Some(mistakes) => Err(mistakes),
        None => Ok(config),
    }
}

fn levels(
    rules: &BTreeMap<Spanned<String>, Spanned<LevelName>>,
    source: &Source,
    mistakes: &mut Mistakes,
) -> BTreeMap<String, Level> {
    let mut levels = BTreeMap::new();
    for (name, level) in rules {
        if find_rule(name.get_ref()).is_none() {
            let error = source.error_at(name.span(), format!("unknown rule `{}`", name.get_ref()));
            mistakes.0.push(
                match closest_rule(name.get_ref()) {
                    Some(rule) => error.with_label(format!("did you mean `{}`?", rule.name)),
                    None => error.with_label("not a rule of failfirst"),
                }
                .with_help("`cargo failfirst rules` lists every rule"),
            );
            continue;
        }
        let level = match level.get_ref() {
            LevelName::Deny => Level::Deny,
            LevelName::Warn => Level::Warn,
            LevelName::Allow => Level::Allow,
        };
        levels.insert(name.get_ref().clone(), level);
    }
    levels
}

/// More globs than anyone writes by hand: a list generated file by file, whose matcher
/// would take gigabytes (half a million globs took 5.5 GB and 24 s).
const MAX_EXCLUDE_GLOBS: usize = 10_000;

/// The excluded globs as one matcher (`ignore`'s overrides, a single `globset` set), so
/// that each path the walk meets is matched once against all of them.
fn exclusions(
    globs: &[Spanned<String>],
    folder: &Path,
    source: &Source,
    mistakes: &mut Mistakes,
) -> Exclusions {
    if globs.is_empty() {
        return Exclusions::default();
    }
    if let Some(past) = globs.get(MAX_EXCLUDE_GLOBS) {
        mistakes.0.push(
            source
                .error_at(
                    past.span(),
                    format!(
                        "`exclude` has {} globs, more than the {MAX_EXCLUDE_GLOBS} failfirst takes",
                        globs.len()
                    ),
                )
                .with_label("the first glob past the limit")
                .with_help("each glob costs memory in the matcher (about 8 KiB): exclude whole folders or name patterns, such as `generated/**` or `**/*_pb.rs`, rather than file after file"),
        );
        return Exclusions::default();
    }
    let before = mistakes.0.len();
    let mut builder = ignore::overrides::OverrideBuilder::new(folder);
    for glob in globs {
        let Some(pattern) = mistakes.keep(non_empty(glob, source)) else {
            continue;
        };
        // An override glob selects what to read; `!` turns it into one that leaves out.
        let added = builder.add(&format!("!{pattern}")).map_err(|error| {
            // The reason alone: the message quotes the glob with the `!` added above.
            let text = error.to_string();
            let reason = text.rsplit_once("': ").map_or(text.as_str(), |(_, reason)| reason);
            source
                .error_at(glob.span(), format!("invalid glob `{pattern}`"))
                .with_label(reason.to_string())
                .with_help("globs follow .gitignore's syntax, relative to the configuration's folder: `generated/**`, `**/*_pb.rs`")
        });
        mistakes.keep(added);
    }
    if mistakes.0.len() > before {
        return Exclusions::default();
    }
    let matcher = builder.build().map_err(|error| {
        ConfigError::whole_file(source.file.clone(), format!("invalid `exclude`: {error}"))
    });
    Exclusions {
        matcher: mistakes.keep(matcher),
    }
}

fn extend_clients(
    knowledge: &mut Knowledge,
    written: &ConfigFile,
    source: &Source,
    mistakes: &mut Mistakes,
) {
    for client in &written.knowledge.clients {
        let type_path = mistakes.keep(rust_path(
            &client.type_path,
            2,
            "a type path with its crate, such as `my_payments::Client`",
            source,
        ));
        if client.methods.get_ref().is_empty() {
            mistakes.0.push(source
                .error_at(client.methods.span(), "no methods declared".to_string())
                .with_label("expected methods such as { charge = \"non-idempotent\", get_status = \"idempotent\" }"));
            continue;
        }
        let mut methods = Vec::new();
        for (name, idempotency) in client.methods.get_ref() {
            if !is_identifier(name) {
                mistakes.0.push(
                    source
                        .error_at(
                            client.methods.span(),
                            format!("`{name}` is not a method name"),
                        )
                        .with_label("expected Rust method names as keys"),
                );
                continue;
            }
            methods.push(ClientMethod {
                name: name.clone(),
                http_method: None,
                idempotent: Some(*idempotency == Idempotency::Idempotent),
            });
        }
        if let Some(type_path) = type_path {
            knowledge.direct_clients.push(DirectClient {
                type_path,
                methods,
                declared: true,
                default_timeout_ms: client.default_timeout_ms,
                service: None,
                sender_argument: None,
            });
        }
    }
}

/// `[knowledge.grpc]`: read verbs added to every gRPC library's record, or taken away.
fn grpc_verbs(
    knowledge: &mut Knowledge,
    written: &GrpcVerbs,
    source: &Source,
    mistakes: &mut Mistakes,
) {
    let mut added = Vec::new();
    for verb in &written.read_verbs {
        added.extend(mistakes.keep(grpc_verb(verb, knowledge, source)));
    }
    for library in &mut knowledge.grpc_libraries {
        for verb in &added {
            if !library.read_verbs.contains(verb) {
                library.read_verbs.push(verb.clone());
            }
        }
    }
    for verb in &written.mutating_verbs {
        let Some(name) = mistakes.keep(grpc_verb(verb, knowledge, source)) else {
            continue;
        };
        if added.contains(&name) {
            mistakes.0.push(
                source
                    .error_at(
                        verb.span(),
                        format!("`{name}` is also listed in `read-verbs`"),
                    )
                    .with_label("a verb either reads or mutates")
                    .with_help(DOCS_HELP),
            );
            continue;
        }
        let known = knowledge
            .grpc_libraries
            .iter()
            .any(|library| library.read_verbs.contains(&name));
        if !known {
            let verbs = knowledge
                .grpc_libraries
                .first()
                .map(|library| library.read_verbs.join(", "))
                .unwrap_or_default();
            mistakes.0.push(
                source
                    .error_at(
                        verb.span(),
                        format!(
                            "`{name}` is not a read verb: a name starting with it already mutates"
                        ),
                    )
                    .with_label(format!("expected one of the read verbs: {verbs}"))
                    .with_help(DOCS_HELP),
            );
            continue;
        }
        for library in &mut knowledge.grpc_libraries {
            library.read_verbs.retain(|known| *known != name);
        }
    }
}

/// A verb as RPC names start with it, in snake case: `resolve`, `batch_get`.
fn grpc_verb(
    written: &Spanned<String>,
    knowledge: &Knowledge,
    source: &Source,
) -> Result<String, ConfigError> {
    let verb = written.get_ref().trim();
    let is_snake_case = !verb.is_empty()
        && verb.split('_').all(|word| {
            word.chars()
                .next()
                .is_some_and(|first| first.is_ascii_lowercase())
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !is_snake_case {
        let mut snake = String::new();
        for (position, c) in verb.chars().filter(|c| c.is_alphanumeric()).enumerate() {
            if c.is_uppercase() && position > 0 {
                snake.push('_');
            }
            snake.extend(c.to_lowercase());
        }
        let example = if snake.is_empty() {
            "resolve".to_string()
        } else {
            snake
        };
        return Err(source
            .error_at(
                written.span(),
                format!("`{verb}` is not a verb in snake case"),
            )
            .with_label(format!(
                "expected the first words of an RPC's name in snake case, such as `{example}`"
            ))
            .with_help(DOCS_HELP));
    }
    let joiner = knowledge.grpc_libraries.iter().find_map(|library| {
        library
            .clause_joiners
            .iter()
            .find(|joiner| verb.split('_').any(|word| word == joiner.as_str()))
    });
    if let Some(joiner) = joiner {
        return Err(source
            .error_at(
                written.span(),
                format!("`{joiner}` joins two clauses of a name, each with its own verb"),
            )
            .with_label("expected a single verb, such as `resolve`")
            .with_help(DOCS_HELP));
    }
    Ok(verb.to_string())
}

/// `[knowledge.redis]`: commands and crates added to the built-in Redis record.
fn extend_redis(
    knowledge: &mut Knowledge,
    written: &ConfigFile,
    source: &Source,
) -> Result<(), ConfigError> {
    let extension = &written.knowledge.redis;
    let Some(store) = knowledge
        .key_value_stores
        .iter_mut()
        .find(|store| store.label == "redis")
    else {
        return Ok(());
    };
    for crate_name in &extension.crates {
        let name = non_empty(crate_name, source)?;
        if !is_identifier(&name) {
            return Err(source
                .error_at(crate_name.span(), format!("`{name}` is not a crate name"))
                .with_label(
                    "expected a crate name as Rust code writes it, such as `house_cache`",
                ));
        }
        store.crates.push(name);
    }
    let Some(commands) = &extension.commands else {
        return Ok(());
    };
    for (name, effect) in commands.get_ref() {
        if !is_identifier(name) {
            return Err(source
                .error_at(commands.span(), format!("`{name}` is not a method name"))
                .with_label("expected Rust method names as keys"));
        }
        let effect = match effect {
            CommandEffectName::Read => CommandEffect::Read,
            CommandEffectName::Idempotent => CommandEffect::IdempotentWrite,
            CommandEffectName::Accumulating => CommandEffect::AccumulatingWrite,
            CommandEffectName::Claim => CommandEffect::Claim,
        };
        // A configured command replaces a built-in one of the same name.
        store.commands.retain(|command| command.method != *name);
        store.commands.push(KeyValueCommand {
            method: name.clone(),
            effect,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked_text(text: &str) -> Result<Config, ConfigError> {
        let source = Source {
            file: "failfirst.toml".to_string(),
            text,
        };
        let written = super::super::locate::parse_file(&source)?;
        checked(written, Path::new("/ws"), &source)
    }

    #[test]
    fn knowledge_extensions_are_appended_to_the_built_in_tables() {
        let config = checked_text(
            r#"
            [knowledge]
            write-apis = ["ledger::Repo::debit", { path = "ledger::Repo::set_status", idempotent = true }]
            key-tables = ["processed_requests"]
            key-names = ["x-house-request-id"]

            [knowledge.deadlines]
            headers = ["x-house-deadline-ms"]
            types = ["house_rpc::Deadline"]

            [[knowledge.clients]]
            type = "house_payments::Client"
            methods = { charge = "non-idempotent", status = "idempotent" }

            [knowledge.redis]
            crates = ["house_cache"]
            commands = { bump_quota = "accumulating", claim_slot = "claim", set = "claim" }
            "#,
        )
        .unwrap_or_else(|error| panic!("{}", error.render(false)));
        let knowledge = &config.knowledge;
        let redis = &knowledge.key_value_stores[0];
        assert!(redis.owns_crate("house_cache") && redis.owns_crate("redis"));
        let effect = |name: &str| redis.command(name).map(|command| command.effect);
        assert_eq!(effect("bump_quota"), Some(CommandEffect::AccumulatingWrite));
        assert_eq!(effect("claim_slot"), Some(CommandEffect::Claim));
        assert_eq!(effect("set"), Some(CommandEffect::Claim));
        assert_eq!(effect("incr"), Some(CommandEffect::AccumulatingWrite));
        let builtin = Knowledge::builtin();
        let path = |text: &str| text.split("::").map(str::to_string).collect::<Vec<_>>();
        // Write APIs are a SQL record with nothing but its write functions, read after the
        // built-in ones.
        assert_eq!(
            knowledge.sql_libraries.len(),
            builtin.sql_libraries.len() + 1
        );
        assert_eq!(
            knowledge
                .sql_libraries
                .last()
                .map(|library| library.write_functions.clone()),
            Some(vec![
                lint_core::knowledge::WriteApi {
                    path: path("ledger::Repo::debit"),
                    idempotent: false
                },
                lint_core::knowledge::WriteApi {
                    path: path("ledger::Repo::set_status"),
                    idempotent: true
                },
            ])
        );
        assert!(knowledge
            .write_api(&["ledger", "Repo", "debit"])
            .is_some_and(|api| !api.idempotent));
        assert_eq!(knowledge.key_tables, ["processed_requests"]);
        assert_eq!(knowledge.key_names, ["x-house-request-id"]);
        assert_eq!(
            knowledge.deadline_headers.len(),
            builtin.deadline_headers.len() + 1
        );
        assert!(knowledge.is_deadline_header("X-House-Deadline-Ms"));
        assert!(knowledge.is_deadline_type("Deadline"));
        let client = knowledge
            .direct_client(&["house_payments", "Client"])
            .unwrap_or_else(|| panic!("no declared client"));
        assert!(client.declared);
        assert_eq!(
            client.method("charge").and_then(|method| method.idempotent),
            Some(false)
        );
        assert_eq!(
            client.method("status").and_then(|method| method.idempotent),
            Some(true)
        );
    }

    #[test]
    fn declared_libraries_are_records_of_the_built_in_types() {
        use lint_core::knowledge::http::{HttpLibrary, Send};
        use lint_core::knowledge::retry::{Bound, Jitter};
        let config = checked_text(
            r#"
            [[knowledge.http]]
            clients = ["acme_http::Client"]
            builders = [{ type = "acme_http::ClientBuilder", builds = "acme_http::Client", finishers = ["finish"] }]
            request-functions = [{ path = "acme_http::post", method = "post" }]
            verbs = { post = "POST", call = "*" }
            send = ["dispatch", "await"]
            timeout-methods = ["deadline"]
            header-methods = ["with_header"]

            [[knowledge.retry]]
            name = "house-retry"
            functions = [{ path = "house_retry::again", operation-argument = 1 }]
            constant-strategies = ["Steady"]
            jitter-methods = ["jittered"]
            limit = "unbounded"
            limit-changed-by = { attempts = "attempts" }

            [[knowledge.sql]]
            name = "house_db"
            text-methods = ["run_sql"]
            write-functions = ["house_db::Ledger::append"]
            "#,
        )
        .unwrap_or_else(|error| panic!("{}", error.render(false)));
        let knowledge = &config.knowledge;
        let builtin = Knowledge::builtin();
        let http: &HttpLibrary = knowledge
            .http_libraries
            .last()
            .unwrap_or_else(|| panic!("no HTTP record"));
        assert_eq!(
            knowledge.http_libraries.len(),
            builtin.http_libraries.len() + 1
        );
        assert!(http.client(&["acme_http", "Client"]).is_some());
        assert_eq!(
            http.request_function(&["acme_http", "post"])
                .and_then(|function| function.http_method.clone()),
            Some("POST".to_string())
        );
        assert_eq!(
            http.verb("call").map(|verb| verb.http_method.clone()),
            Some(None)
        );
        assert_eq!(http.send, [Send::Method("dispatch".into()), Send::Await]);
        assert!(http.is_timeout_method("deadline") && http.is_header_method("with_header"));
        let retry = knowledge
            .retry_libraries
            .last()
            .unwrap_or_else(|| panic!("no retry record"));
        assert_eq!(retry.name, "house-retry");
        assert_eq!(
            retry.function_start(&["house_retry", "again"]),
            Some((1, false))
        );
        assert_eq!(retry.limit.default, Bound::Unbounded);
        assert_eq!(
            retry.limit.changed_by,
            [("attempts".to_string(), Bound::Attempts)]
        );
        assert_eq!(
            retry.jitter,
            Jitter::WhenNamed {
                methods: vec!["jittered".into()],
                names: Vec::new()
            }
        );
        let sql = knowledge
            .sql_libraries
            .last()
            .unwrap_or_else(|| panic!("no SQL record"));
        assert_eq!(
            (sql.name.as_str(), sql.crates.as_slice()),
            ("house_db", &["house_db".to_string()][..])
        );
        assert!(knowledge.sql_says(|library| &library.text_methods, "run_sql"));
        assert!(knowledge
            .write_api(&["house_db", "Ledger", "append"])
            .is_some());
    }

    #[test]
    fn a_declared_library_with_a_wrong_word_is_a_mistake() {
        let error = |text: &str| {
            checked_text(text)
                .err()
                .map(|error| error.render(false))
                .unwrap_or_default()
        };
        let verb = error(
            "[[knowledge.http]]\nclients = [\"a::C\"]\nsend = [\"send\"]\nverbs = { post = \"to the bank\" }\n",
        );
        assert!(
            verb.contains("`to the bank` is not an HTTP method"),
            "{verb}"
        );
        let start = error("[[knowledge.retry]]\nname = \"r\"\nlimit = \"attempts\"\n");
        assert!(
            start.contains("failfirst.toml:2:8: no way of starting a retry declared"),
            "{start}"
        );
        let limit = error("[[knowledge.retry]]\nname = \"r\"\nlimit = \"sometimes\"\n");
        assert!(limit.contains("sometimes"), "{limit}");
    }

    #[test]
    fn an_empty_file_changes_nothing() {
        let config = checked_text("").unwrap_or_else(|error| panic!("{}", error.render(false)));
        assert_eq!(config.knowledge, Knowledge::builtin());
        assert!(config.levels.is_empty() && config.fail_under.is_none());
    }

    #[test]
    fn every_mistake_is_reported_at_once_each_with_its_line() {
        let error = checked_text(
            "exclude = [\"gen/[\", \"ok/**\", \"\"]\nbaseline = \" \"\n\
             [rules]\nretry-without-bakoff = \"deny\"\nnot-a-rule = \"warn\"\n\
             [[knowledge.clients]]\ntype = \"Client\"\nmethods = {}\n",
        )
        .err()
        .map(|error| error.render(false))
        .unwrap_or_default();
        for expected in [
            "failfirst.toml:1:12: invalid glob `gen/[`",
            "failfirst.toml:1:30: empty value",
            "failfirst.toml:2:12: empty value",
            "failfirst.toml:4:1: unknown rule `retry-without-bakoff`",
            "did you mean `retry-without-backoff`?",
            "failfirst.toml:5:1: unknown rule `not-a-rule`",
            "failfirst.toml:7:8: `Client` is not a Rust path",
            "failfirst.toml:8:11: no methods declared",
            "error: 7 mistakes in failfirst.toml",
        ] {
            assert!(error.contains(expected), "{expected} not in:\n{error}");
        }
    }

    #[test]
    fn a_client_without_methods_is_a_mistake() {
        let error = checked_text("[[knowledge.clients]]\ntype = \"a::B\"\nmethods = {}\n")
            .err()
            .map(|error| error.render(false))
            .unwrap_or_default();
        assert!(
            error.contains("failfirst.toml:3:11: no methods declared"),
            "{error}"
        );
    }
}
