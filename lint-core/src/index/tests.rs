//! Resolver tests: small crates written inline, one expectation each.

use std::path::PathBuf;

use super::*;
use crate::analysis::index_of_sources;
use crate::sources::{CrateInput, CrateRoot, InputFile, TargetKind};

/// Builds an index of crates given as `(crate name, [(path, source)])`; the first file of
/// each crate is its library root.
fn index_of(crates: &[(&str, &[(&str, &str)])]) -> WorkspaceIndex {
    let mut inputs = Vec::new();
    let mut sources = Vec::new();
    for (name, files) in crates {
        let root = PathBuf::from(format!("/ws/{name}"));
        inputs.push(CrateInput {
            dependencies: Vec::new(),
            renamed_dependencies: Vec::new(),
            name: name.to_string(),
            lib_name: name.to_string(),
            roots: vec![CrateRoot {
                path: root.join(files[0].0),
                kind: TargetKind::Lib,
            }],
            files: files
                .iter()
                .map(|(path, _)| InputFile {
                    path: root.join(path),
                    display_path: path.to_string(),
                    reported: true,
                    named: true,
                })
                .collect(),
        });
        sources.extend(files.iter().map(|(_, source)| *source));
    }
    index_of_sources(&inputs, &sources)
}

fn function(index: &WorkspaceIndex, path: &str) -> FnId {
    (0..index.fns.len() as u32)
        .map(FnId)
        .find(|id| index.fn_path(*id) == path)
        .unwrap_or_else(|| {
            panic!(
                "no function `{path}`; have {:?}",
                (0..index.fns.len() as u32)
                    .map(|id| index.fn_path(FnId(id)))
                    .collect::<Vec<_>>()
            )
        })
}

/// Where each call in `caller` goes, as readable strings.
fn calls_of(index: &WorkspaceIndex, caller: &str) -> Vec<String> {
    let id = function(index, caller);
    let context = index.context_of(id);
    index
        .fn_def(id)
        .summary
        .body
        .calls
        .iter()
        .map(|call| match index.resolve_call(context, call) {
            CallTarget::Local(targets) => targets
                .iter()
                .map(|target| index.fn_path(*target))
                .collect::<Vec<_>>()
                .join(" | "),
            CallTarget::External(path) => format!("extern {}", path.join("::")),
            CallTarget::Unresolved(reason) => format!("unresolved: {reason}"),
            CallTarget::Constructor => "constructor".to_string(),
        })
        .collect()
}

#[test]
fn resolves_paths_through_modules_uses_renames_and_globs() {
    let index = index_of(&[(
        "shop",
        &[
            ("src/lib.rs", "mod payments; mod handlers;"),
            ("src/payments.rs", "pub fn charge() {} pub fn refund() {}"),
            (
                "src/handlers.rs",
                "use crate::payments; use crate::payments::charge as pay; \
                 mod inner { use crate::payments::*; pub fn via_glob() { refund(); } } \
                 pub fn handle() { crate::payments::charge(); payments::refund(); pay(); super::payments::charge(); inner::via_glob(); }",
            ),
        ],
    )]);
    assert_eq!(
        calls_of(&index, "shop::handlers::handle"),
        [
            "shop::payments::charge",
            "shop::payments::refund",
            "shop::payments::charge",
            "shop::payments::charge",
            "shop::handlers::inner::via_glob"
        ]
    );
    assert_eq!(
        calls_of(&index, "shop::handlers::inner::via_glob"),
        ["shop::payments::refund"]
    );
}

#[test]
fn resolves_methods_through_field_and_parameter_types() {
    let index = index_of(&[(
        "shop",
        &[
            ("src/lib.rs", "mod repo; mod service; pub use service::Service;"),
            ("src/repo.rs", "pub struct Repo; impl Repo { pub fn debit(&self) {} pub fn new() -> Self { Repo } }"),
            (
                "src/service.rs",
                "use std::sync::Arc; use crate::repo::Repo; \
                 pub struct AppState { pub repo: Arc<Repo> } \
                 pub struct Service { repo: Arc<Repo> } \
                 impl Service { \
                   pub fn pay(&self) { self.repo.debit(); Self::helper(); Service::helper(); } \
                   fn helper() {} } \
                 pub async fn handler(State(state): State<AppState>, repo: &Repo) { state.repo.debit(); repo.debit(); let local = Repo::new(); local.debit(); }",
            ),
        ],
    )]);
    assert_eq!(
        calls_of(&index, "shop::service::Service::pay"),
        [
            "shop::repo::Repo::debit",
            "shop::service::Service::helper",
            "shop::service::Service::helper"
        ]
    );
    assert_eq!(
        calls_of(&index, "shop::service::handler"),
        [
            "shop::repo::Repo::debit",
            "shop::repo::Repo::debit",
            "shop::repo::Repo::new",
            "shop::repo::Repo::debit"
        ]
    );
}

#[test]
fn names_external_paths_in_full() {
    let index = index_of(&[(
        "shop",
        &[(
            "src/lib.rs",
            "use reqwest::Client; use std::time::Duration; \
             pub async fn call() { \
               let client = Client::new(); client.post(\"u\"); \
               let built = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().unwrap(); built.get(\"u\"); \
               let typed: reqwest::Client = make(); typed.put(\"u\"); } \
             fn make() -> reqwest::Client { Client::new() }",
        )],
    )]);
    let calls = calls_of(&index, "shop::call");
    assert!(
        calls.contains(&"extern reqwest::Client::post".to_string()),
        "{calls:?}"
    );
    assert!(
        calls.contains(&"extern reqwest::Client::get".to_string()),
        "{calls:?}"
    );
    assert!(
        calls.contains(&"extern reqwest::Client::put".to_string()),
        "{calls:?}"
    );
    assert!(
        calls.contains(&"extern std::time::Duration::from_secs".to_string()),
        "{calls:?}"
    );
}

#[test]
fn resolves_across_workspace_crates() {
    let index = index_of(&[
        (
            "ledger",
            &[("src/lib.rs", "pub mod api { pub fn post_entry() {} }")],
        ),
        (
            "shop",
            &[(
                "src/lib.rs",
                "use ledger::api; pub fn pay() { api::post_entry(); ledger::api::post_entry(); }",
            )],
        ),
    ]);
    assert_eq!(
        calls_of(&index, "shop::pay"),
        ["ledger::api::post_entry", "ledger::api::post_entry"]
    );
}

#[test]
fn follows_path_attributes_and_modules_declared_inside_inline_modules() {
    let index = index_of(&[(
        "shop",
        &[
            ("src/lib.rs", "#[path = \"legacy/old_payments.rs\"] mod payments; mod api { pub mod v1; } pub fn go() { payments::charge(); api::v1::list(); }"),
            ("src/legacy/old_payments.rs", "pub fn charge() {}"),
            ("src/api/v1.rs", "pub fn list() {}"),
        ],
    )]);
    assert_eq!(
        calls_of(&index, "shop::go"),
        ["shop::payments::charge", "shop::api::v1::list"]
    );
}

#[test]
fn dispatches_trait_objects_to_every_impl() {
    let index = index_of(&[(
        "shop",
        &[(
            "src/lib.rs",
            "pub trait Store { fn save(&self); } pub struct Pg; pub struct Memory; \
             impl Store for Pg { fn save(&self) {} } impl Store for Memory { fn save(&self) {} } \
             pub struct App { store: Box<dyn Store> } impl App { pub fn run(&self) { self.store.save(); } }",
        )],
    )]);
    assert_eq!(
        calls_of(&index, "shop::App::run"),
        ["shop::Pg::save | shop::Memory::save"]
    );
}

#[test]
fn says_why_a_call_is_unresolved() {
    let index = index_of(&[(
        "shop",
        &[("src/lib.rs", "pub fn go(value: impl Fn()) { let f = || {}; f(); mystery(); let x = make_it(); x.frobnicate(); }")],
    )]);
    let calls = calls_of(&index, "shop::go");
    assert!(calls[0].contains("local value"), "{calls:?}");
    assert!(calls[1].contains("`mystery` is not defined"), "{calls:?}");
    assert!(
        calls[3].starts_with("unresolved: receiver of `.frobnicate()`"),
        "{calls:?}"
    );
    let unresolved = index.unresolved_calls(std::iter::once(function(&index, "shop::go")));
    assert_eq!(unresolved.len(), 4);
}

#[test]
fn survives_import_cycles() {
    let index = index_of(&[(
        "shop",
        &[("src/lib.rs", "mod a { pub use super::b::*; } mod b { pub use super::a::*; } pub fn go() { a::missing(); }")],
    )]);
    assert!(calls_of(&index, "shop::go")[0].starts_with("unresolved"));
}

#[test]
fn a_function_glob_imported_beside_a_module_of_its_name_wins_in_value_position() {
    let index = index_of(&[(
        "shop",
        &[
            (
                "src/lib.rs",
                "mod routes; use crate::routes::home; pub fn go() { home(); }",
            ),
            ("src/routes/mod.rs", "mod home; pub use home::*;"),
            ("src/routes/home.rs", "pub fn home() {}"),
        ],
    )]);
    assert_eq!(calls_of(&index, "shop::go"), ["shop::routes::home::home"]);
}

#[test]
fn a_binding_that_shadows_a_parameter_reads_the_parameter() {
    let index = index_of(&[(
        "shop",
        &[(
            "src/lib.rs",
            "use std::sync::Arc; use tokio::sync::RwLock; \
             pub struct Repo; impl Repo { pub fn debit(&self) {} } \
             pub struct App { pub repo: Repo } \
             pub async fn handler(State(state): State<Arc<RwLock<App>>>) { \
               let state = state.read().await; state.repo.debit(); \
               let state = state; state.repo.debit(); }",
        )],
    )]);
    assert_eq!(
        calls_of(&index, "shop::handler"),
        ["extern std::read", "shop::Repo::debit", "shop::Repo::debit"],
        "read() on the lock, then the shadowing bindings, keep the type"
    );
}

#[test]
fn impls_of_inert_traits_are_not_indexed() {
    let index = index_of(&[(
        "shop",
        &[(
            "src/lib.rs",
            "pub struct Repo; \
             impl std::fmt::Debug for Repo { fn fmt(&self, f: &mut Formatter) -> Result { Ok(()) } } \
             impl Repo { pub fn debit(&self) {} } \
             pub fn handler(repo: &Repo, out: &mut Formatter) { repo.debit(); Repo::fmt(repo, out); }",
        )],
    )]);
    let calls = calls_of(&index, "shop::handler");
    assert_eq!(calls[0], "shop::Repo::debit");
    assert!(calls[1].starts_with("unresolved"), "{calls:?}");
}

/// A client generated by `tonic::include_proto!` is named by the user's path, each segment
/// once (not `..::PromotionsClient::PromotionsClient::evaluate`).
#[test]
fn names_generated_clients_without_doubled_segments() {
    let index = index_of(&[(
        "shop",
        &[(
            "src/lib.rs",
            "pub mod pb { tonic::include_proto!(\"promotions\"); } \
             use pb::promotions_client::PromotionsClient; \
             pub async fn call(mut client: PromotionsClient<tonic::transport::Channel>) { \
               client.evaluate(tonic::Request::new(())).await; }",
        )],
    )]);
    let calls = calls_of(&index, "shop::call");
    assert!(
        calls.contains(
            &"extern shop::pb::promotions_client::PromotionsClient::evaluate".to_string()
        ),
        "{calls:?}"
    );
}

#[test]
fn a_chain_of_path_modules_stops_at_the_depth_limit_and_says_so() {
    // lib.rs declares m1; each mN.rs declares the next through `#[path]`, beside it. Built
    // on this test thread (2 MiB in a debug build): the tree is placed without recursion.
    let length = 3_000;
    let names: Vec<String> = (1..=length).map(|n| format!("m{n}.rs")).collect();
    let sources: Vec<String> = (1..=length)
        .map(|n| {
            format!(
                "#[path = \"m{}.rs\"]\npub mod m{};\npub fn f{n}() {{}}\n",
                n + 1,
                n + 1
            )
        })
        .collect();
    let mut files: Vec<(&str, &str)> = vec![("lib.rs", "#[path = \"m1.rs\"]\npub mod m1;\n")];
    files.extend(
        names
            .iter()
            .map(String::as_str)
            .zip(sources.iter().map(String::as_str)),
    );
    let index = index_of(&[("chain", &files)]);
    let deepest = index.modules.iter().map(|module| module.path.len()).max();
    assert_eq!(deepest, Some(MAX_MODULE_DEPTH));
    assert_eq!(index.problems.len(), 1, "{:?}", index.problems);
    let (file, problem) = &index.problems[0];
    assert_eq!(
        index.file(*file).display_path,
        format!("m{MAX_MODULE_DEPTH}.rs")
    );
    let below = length - MAX_MODULE_DEPTH;
    assert!(
        problem
            .message
            .contains(&format!("nor the {below} files it declares")),
        "{}",
        problem.message
    );
    // No file below the limit was placed again as a file no root reaches.
    assert!(index
        .files
        .iter()
        .skip(MAX_MODULE_DEPTH)
        .all(|file| file.module.is_none()));
}

#[test]
fn a_value_chosen_by_a_match_or_an_if_has_the_type_its_ways_agree_on() {
    let index = index_of(&[(
        "mail",
        &[
            (
                "src/lib.rs",
                "pub struct Relay; \
                 impl Relay { pub fn plain() -> Relay { Relay } pub fn tls() -> Result<Relay, ()> { Ok(Relay) } pub fn send(&self) {} } \
                 pub struct Queue; impl Queue { pub fn new() -> Queue { Queue } pub fn send(&self) {} } \
                 pub enum Mode { Plain, Tls } \
                 pub fn by_match(mode: Mode) -> Result<(), ()> { \
                     let relay = match mode { Mode::Plain => Relay::plain(), Mode::Tls => Relay::tls()?, }; \
                     relay.send(); Ok(()) } \
                 pub fn by_if(tls: bool) -> Result<(), ()> { \
                     let relay = if tls { Relay::tls()? } else if !tls { Relay::plain() } else { return Err(()) }; \
                     relay.send(); Ok(()) } \
                 pub fn disagreeing(tls: bool) { \
                     let sender = if tls { Relay::plain() } else { Queue::new() }; \
                     sender.send(); }",
            ),
        ],
    )]);
    for chooser in ["mail::by_match", "mail::by_if"] {
        let calls = calls_of(&index, chooser);
        assert!(
            calls.iter().any(|call| call == "mail::Relay::send"),
            "{chooser}: {calls:?}"
        );
    }
    let disagreeing = calls_of(&index, "mail::disagreeing");
    assert!(
        disagreeing
            .iter()
            .any(|call| call.contains("typed differently")),
        "{disagreeing:?}"
    );
}

#[test]
fn a_renamed_dependency_is_the_package_it_names_outside_the_workspace() {
    let mut index = index_of(&[
        ("common", &[("src/lib.rs", "pub fn load() {}")]),
        (
            "routes",
            &[(
                "src/lib.rs",
                "use codegen::post; use common_old::load as load_old; \
                 pub fn handle() { load_old(); common::load(); codegen::get(); post(); }",
            )],
        ),
    ]);
    // `codegen = { package = "actix-web-codegen" }` and `common_old = { package = "common",
    // version = "0.1" }`: a registry version of a crate the workspace also holds.
    let routes = index
        .crates
        .iter()
        .position(|info| info.name == "routes")
        .expect("the routes crate");
    index.crates[routes].renamed_dependencies = vec![
        ("codegen".into(), "actix_web_codegen".into()),
        ("common_old".into(), "common".into()),
    ];
    assert_eq!(
        calls_of(&index, "routes::handle"),
        [
            "extern common::load",
            "common::load",
            "extern actix_web_codegen::get",
            "extern actix_web_codegen::post"
        ]
    );
}
