use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("insufficient funds")]
    InsufficientFunds,
    #[error("a request with this idempotency key is still in progress")]
    Conflict,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("ledger request failed")]
    Ledger(#[from] reqwest::Error),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::InsufficientFunds => StatusCode::PAYMENT_REQUIRED,
            AppError::Conflict => StatusCode::CONFLICT,
            AppError::Db(err) => {
                tracing::error!(error = %err, "database error");
                StatusCode::INTERNAL_SERVER_ERROR
            }
            AppError::Ledger(err) => {
                tracing::error!(error = %err, "ledger error");
                StatusCode::BAD_GATEWAY
            }
        };
        (status, Json(json!({ "error": self.to_string() }))).into_response()
    }
}
