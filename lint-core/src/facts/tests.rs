//! Facts on small functions written inline.

use std::path::PathBuf;

use super::*;
use crate::analysis::index_of_sources;
use crate::knowledge::Knowledge;
use crate::sources::{CrateInput, CrateRoot, InputFile, TargetKind};

pub(super) fn facts_of(source: &str, function: &str) -> FunctionFacts {
    let root = PathBuf::from("/ws/shop/src/lib.rs");
    let input = CrateInput {
        name: "shop".into(),
        lib_name: "shop".into(),
        roots: vec![CrateRoot {
            path: root.clone(),
            kind: TargetKind::Lib,
        }],
        files: vec![InputFile {
            path: root,
            display_path: "src/lib.rs".into(),
            reported: true,
            named: true,
        }],
        dependencies: Vec::new(),
        renamed_dependencies: Vec::new(),
    };
    let index = index_of_sources(&[input], &[source]);
    let id = (0..index.fns.len() as u32)
        .map(FnId)
        .find(|id| index.fn_def(*id).summary.name == function)
        .unwrap_or_else(|| panic!("no `{function}`"));
    function_facts(&index, &Knowledge::builtin(), id)
}

#[test]
fn a_jittered_exponential_loop_has_growing_delay_and_jitter() {
    let facts = facts_of(
        r#"
        use rand::Rng;
        use reqwest::Client;
        pub async fn get(client: &Client, url: &str) -> Result<(), reqwest::Error> {
            for attempt in 1..=5 {
                match client.get(url).send().await {
                    Ok(resp) => return Ok(()),
                    Err(err) if attempt < 5 && is_transient(&err) => {
                        let ceiling = BASE * 2u32.pow(attempt);
                        tokio::time::sleep(rand::thread_rng().gen_range(Duration::ZERO..=ceiling)).await;
                    }
                    Err(err) => return Err(err),
                }
            }
            unreachable!()
        }
        "#,
        "get",
    );
    assert_eq!(facts.retries.len(), 1, "{facts:#?}");
    let retry = &facts.retries[0];
    assert_eq!(retry.delay, Delay::Growing, "{retry:#?}");
    assert!(retry.jitter);
    assert_eq!(retry.budget, Budget::Attempts);
    assert!(!retry.all_errors);
}

fn bound_of_only_call(source: &str, function: &str) -> Bound {
    let facts = facts_of(source, function);
    assert_eq!(facts.downstream.len(), 1, "{facts:#?}");
    facts.downstream[0].bound.clone()
}

#[test]
fn a_local_client_from_a_builder_is_a_client() {
    let bound = bound_of_only_call(
        "use reqwest::Client; pub async fn go() { let c = Client::builder().build().unwrap(); c.get(\"u\").send().await; }",
        "go",
    );
    assert!(matches!(bound, Bound::Unbounded(_)), "{bound:?}");
}

#[test]
fn an_accessor_leads_to_the_field_and_its_construction() {
    let bound = bound_of_only_call(
        r#"
        use reqwest::Client;
        pub struct Ctx { client: Client }
        impl Ctx { pub fn client(&self) -> &Client { &self.client } }
        fn make() -> Ctx { Ctx { client: Client::builder().timeout(std::time::Duration::from_secs(2)).build().unwrap() } }
        pub async fn go(ctx: &Ctx) { ctx.client().get("u").send().await; }
        "#,
        "go",
    );
    assert!(matches!(bound, Bound::Fixed { .. }), "{bound:?}");
}

#[test]
fn a_client_parameter_is_the_callers_field_and_not_a_tests_client() {
    let bound = bound_of_only_call(
        r#"
        use reqwest::Client;
        pub struct Keys { client: Client }
        impl Keys {
            pub fn new() -> Self {
                let client = Client::builder().timeout(std::time::Duration::from_secs(5)).build().unwrap();
                Self { client }
            }
            pub async fn key(&self) { load(&self.client).await; }
        }
        pub async fn load(client: &Client) { client.get("u").send().await; }
        #[cfg(test)]
        mod tests {
            #[tokio::test]
            async fn loads() { let client = reqwest::Client::new(); super::load(&client).await; }
        }
        "#,
        "load",
    );
    assert!(matches!(bound, Bound::Fixed { .. }), "{bound:?}");
}

#[test]
fn a_client_whose_construction_is_out_of_sight_is_unknown_not_unbounded() {
    let bound = bound_of_only_call(
        "pub async fn go(client: &reqwest::Client) { client.post(\"u\").send().await; }",
        "go",
    );
    assert!(matches!(bound, Bound::Unknown(_)), "{bound:?}");
}

#[test]
fn a_lazy_static_client_built_in_a_block_keeps_its_timeout() {
    let bound = bound_of_only_call(
        r#"
        use std::sync::LazyLock;
        static CLIENT: LazyLock<reqwest::Client> = LazyLock::new(|| {
            let builder = reqwest::Client::builder();
            builder.timeout(std::time::Duration::from_secs(3)).build().unwrap()
        });
        pub async fn go() { CLIENT.get("u").send().await; }
        "#,
        "go",
    );
    assert!(matches!(bound, Bound::Fixed { .. }), "{bound:?}");
}

#[test]
fn a_channel_send_is_not_a_downstream_call() {
    let facts = facts_of(
        "use tokio::sync::mpsc; pub async fn go(tx: mpsc::Sender<u32>) { tx.send(1).await.ok(); let (a, _b) = tokio::sync::oneshot::channel::<u8>(); a.send(2).ok(); }",
        "go",
    );
    assert!(facts.downstream.is_empty(), "{facts:#?}");
}

#[test]
fn a_request_built_by_a_helper_is_a_downstream_call() {
    let facts = facts_of(
        r#"
        fn make(client: &reqwest::Client, url: &str) -> Result<reqwest::RequestBuilder, String> { Ok(client.post(url)) }
        pub async fn go(client: &reqwest::Client) { make(client, "u").unwrap().send().await; }
        "#,
        "go",
    );
    assert_eq!(facts.downstream.len(), 1, "{facts:#?}");
    assert_eq!(
        facts.downstream[0].kind,
        DownstreamKind::Http {
            method: Some("POST".into()),
            url_action: None,
        }
    );
    assert!(matches!(facts.downstream[0].bound, Bound::Unknown(_)));
}

#[test]
fn a_hyper_client_request_is_a_downstream_call() {
    let facts = facts_of(
        r#"
        use hyper_util::client::legacy::{Client, connect::HttpConnector};
        pub async fn go(req: axum::extract::Request) {
            let client: Client<HttpConnector, axum::body::Body> = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
            client.request(req).await;
        }
        "#,
        "go",
    );
    assert_eq!(facts.downstream.len(), 1, "{facts:#?}");
    assert!(
        matches!(facts.downstream[0].bound, Bound::Unbounded(_)),
        "{:?}",
        facts.downstream[0].bound
    );
}

#[test]
fn a_request_from_a_helper_with_a_nested_static_client_keeps_the_builder_timeout() {
    let facts = facts_of(
        r#"
        use std::sync::LazyLock;
        use reqwest::{Client, ClientBuilder};
        fn builder() -> ClientBuilder { Client::builder().timeout(std::time::Duration::from_secs(10)) }
        fn make_request(url: &str) -> Result<reqwest::RequestBuilder, String> {
            static INSTANCE: LazyLock<Client> = LazyLock::new(|| builder().build().expect("client"));
            Ok(INSTANCE.post(url))
        }
        pub async fn go() { make_request("u").unwrap().send().await; }
        "#,
        "go",
    );
    assert_eq!(facts.downstream.len(), 1, "{facts:#?}");
    assert!(
        matches!(facts.downstream[0].bound, Bound::Fixed { .. }),
        "{:?}",
        facts.downstream[0].bound
    );
}

#[test]
fn an_axum_state_client_is_followed_to_with_state() {
    let bound = bound_of_only_call(
        r#"
        use axum::{extract::State, routing::get, Router};
        use reqwest::Client;
        pub async fn fetch(State(client): State<Client>) { client.get("u").send().await; }
        pub fn app() -> Router {
            let client = Client::builder().timeout(std::time::Duration::from_secs(2)).build().unwrap();
            Router::new().route("/", get(fetch)).with_state(client.clone())
        }
        "#,
        "fetch",
    );
    assert!(matches!(bound, Bound::Fixed { .. }), "{bound:?}");
}

#[test]
fn a_write_through_a_connection_parameter_takes_the_callers_transaction() {
    let facts = facts_of(
        r#"
        use sqlx::PgConnection;
        pub async fn apply_debit(conn: &mut PgConnection, account: Uuid, amount: i64) -> sqlx::Result<()> {
            sqlx::query!(
                "UPDATE accounts SET balance = balance - $1 WHERE id = $2",
                amount,
                account
            )
            .execute(&mut *conn)
            .await?;
            Ok(())
        }
        "#,
        "apply_debit",
    );
    assert_eq!(facts.accesses.len(), 1, "{facts:#?}");
    let access = &facts.accesses[0];
    assert_eq!(access.executor, Executor::Param("conn".to_string()));
    assert!(matches!(
        access.access,
        Access::Write {
            idempotent: false,
            ..
        }
    ));
}

#[test]
fn a_query_given_to_the_transaction_runs_in_it() {
    let facts = facts_of(
        r#"
        pub async fn subscribe(pool: &PgPool, email: &str) -> sqlx::Result<()> {
            let mut transaction = pool.begin().await?;
            let query = sqlx::query!("INSERT INTO subscriptions (email) VALUES ($1)", email);
            transaction.execute(query).await?;
            transaction
                .execute(sqlx::query!("UPDATE counters SET n = n + 1"))
                .await?;
            transaction.commit().await?;
            Ok(())
        }
        "#,
        "subscribe",
    );
    assert_eq!(facts.accesses.len(), 2, "{facts:#?}");
    for access in &facts.accesses {
        assert_eq!(
            access.executor,
            Executor::Transaction("transaction".to_string())
        );
        assert!(matches!(
            access.access,
            Access::Write {
                idempotent: false,
                ..
            }
        ));
    }
}

#[test]
fn a_query_built_in_a_local_is_read_where_it_runs() {
    let facts = facts_of(
        r#"
        use diesel::prelude::*;
        pub fn remove(conn: &mut PgConnection, id: i32) -> QueryResult<usize> {
            let query = diesel::delete(posts::table.find(id));
            query.execute(conn)
        }
        pub async fn bump(pool: &PgPool) -> sqlx::Result<()> {
            let query = sqlx::query("UPDATE counters SET n = n + 1");
            query.execute(pool).await?;
            Ok(())
        }
        "#,
        "remove",
    );
    assert_eq!(facts.accesses.len(), 1, "{facts:#?}");
    assert!(matches!(
        facts.accesses[0].access,
        Access::Write {
            idempotent: true,
            ..
        }
    ));
    assert_eq!(
        facts.accesses[0].executor,
        Executor::Param("conn".to_string())
    );
}

#[test]
fn a_method_given_by_the_caller_is_left_to_the_caller() {
    let facts = facts_of(
        "use reqwest::{Client, Method}; \
         pub async fn send(http: &Client, method: Method, url: &str) { http.request(method, url).send().await; }",
        "send",
    );
    assert_eq!(facts.downstream.len(), 1, "{facts:#?}");
    let call = &facts.downstream[0];
    assert_eq!(call.idempotent(), None, "{call:#?}");
    let param = given::ParamRef {
        position: 1,
        field: None,
    };
    assert_eq!(call.depends.http_method, Some(param), "{call:#?}");
    let post = vec![
        given::GivenArgument::default(),
        given::GivenArgument {
            whole: Some(given::Given::Constant("POST".to_string())),
            fields: Vec::new(),
        },
    ];
    let settled = call.settled(&post);
    assert_eq!(settled.idempotent(), Some(false), "{settled:#?}");
    assert_eq!(
        settled.kind,
        DownstreamKind::Http {
            method: Some("POST".to_string()),
            url_action: None,
        }
    );
}

#[test]
fn a_key_added_under_if_let_depends_on_the_field_the_caller_fills() {
    let facts = facts_of(
        "pub struct Entry { pub idempotency_key: Option<String> } \
         pub async fn post(http: &reqwest::Client, entry: &Entry) { \
           let mut request = http.post(\"u\"); \
           if let Some(key) = &entry.idempotency_key { request = request.header(\"Idempotency-Key\", key); } \
           request.send().await; }",
        "post",
    );
    assert_eq!(facts.downstream.len(), 1, "{facts:#?}");
    let call = &facts.downstream[0];
    assert!(call.has_key);
    let param = given::ParamRef {
        position: 1,
        field: Some("idempotency_key".to_string()),
    };
    assert_eq!(call.depends.key_only_if_given, Some(param), "{call:#?}");
    let without_key = vec![
        given::GivenArgument::default(),
        given::GivenArgument {
            whole: None,
            fields: vec![("idempotency_key".to_string(), given::Given::Nothing)],
        },
    ];
    assert!(!call.settled(&without_key).has_key);
    assert!(call.settled(&[]).has_key);
}

#[test]
fn an_active_model_is_written_to_the_table_of_its_entity_wherever_it_was_made() {
    let facts = facts_of(
        r#"
        use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
        pub async fn create(db: &DatabaseConnection, org: String, name: String) -> Result<(), sea_orm::DbErr> {
            let app = application::ActiveModel::new(org);
            let mut pair = (app, name);
            let (app, name) = pair;
            app.insert(db).await?;
            event_type::ActiveModel { name: Set(name), ..Default::default() }.insert(db).await?;
            Ok(())
        }
        "#,
        "create",
    );
    let written: Vec<String> = facts
        .accesses
        .iter()
        .map(|access| access.describe())
        .collect();
    assert_eq!(
        written,
        ["INSERT INTO application", "INSERT INTO event_type"],
        "{facts:#?}"
    );
}
