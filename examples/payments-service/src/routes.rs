use axum::routing::{get, post};
use axum::Router;
use tower_http::trace::TraceLayer;

use crate::handlers::{health, orders, payments};
use crate::AppState;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/payments", post(payments::create_payment))
        .route("/payments/charge", post(payments::charge))
        .route("/payments/{id}/refund", post(payments::refund))
        .route("/orders", post(orders::create_order))
        .route("/orders/{id}", get(orders::get_order));

    Router::new()
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .nest("/api", api)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
