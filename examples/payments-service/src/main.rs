mod clients;
mod db;
mod error;
mod handlers;
mod routes;

use sqlx::PgPool;
use tracing_subscriber::EnvFilter;

use crate::clients::ledger::LedgerClient;

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub ledger: LedgerClient,
    /// Base URL of the ledger API; the legacy charge path still builds its own requests.
    pub ledger_url: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();

    let database_url = std::env::var("DATABASE_URL")?;
    let ledger_url = std::env::var("LEDGER_URL").unwrap_or_else(|_| "http://ledger.internal:8080".to_owned());

    let state = AppState {
        db: db::connect(&database_url).await?,
        ledger: LedgerClient::new(&ledger_url)?,
        ledger_url,
    };

    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
    tracing::info!(addr = %listener.local_addr()?, "payments service listening");
    axum::serve(listener, routes::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutdown requested, draining connections");
}
