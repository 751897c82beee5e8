use axum::extract::State;
use axum::http::StatusCode;

use crate::AppState;

pub async fn live() -> &'static str { //~ handler: GET /healthz
    "ok"
}

pub async fn ready(State(state): State<AppState>) -> Result<&'static str, StatusCode> { //~ handler: GET /readyz
    sqlx::query("SELECT 1").execute(&state.db).await.map_err(|err| {
        tracing::warn!(error = %err, "readiness check failed");
        StatusCode::SERVICE_UNAVAILABLE
    })?;
    Ok("ready")
}
