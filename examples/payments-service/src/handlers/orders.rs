use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct NewOrder {
    pub account_id: Uuid,
    pub items: Vec<NewItem>,
}

#[derive(Debug, Deserialize)]
pub struct NewItem {
    pub sku: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct Order {
    pub id: Uuid,
    pub account_id: Uuid,
    pub status: String,
    pub total_cents: i64,
}

pub async fn create_order( //~ handler: POST /api/orders
    State(state): State<AppState>,
    Json(new): Json<NewOrder>,
) -> Result<(StatusCode, Json<Order>), AppError> {
    if new.items.is_empty() || new.items.iter().any(|i| i.quantity <= 0 || i.unit_price_cents < 0) {
        return Err(AppError::BadRequest("an order needs items with positive quantities".into()));
    }
    let total_cents: i64 = new.items.iter().map(|i| i.unit_price_cents * i64::from(i.quantity)).sum();

    let mut tx = state.db.begin().await?;
    let order = sqlx::query_as::<_, Order>(
        "INSERT INTO orders (id, account_id, status, total_cents) VALUES ($1, $2, 'open', $3) \
         RETURNING id, account_id, status, total_cents",
    )
    .bind(Uuid::new_v4())
    .bind(new.account_id)
    .bind(total_cents)
    .fetch_one(&mut *tx)
    .await?;

    for item in &new.items {
        sqlx::query(
            "INSERT INTO order_items (order_id, sku, quantity, unit_price_cents) VALUES ($1, $2, $3, $4)",
        )
        .bind(order.id)
        .bind(&item.sku)
        .bind(item.quantity)
        .bind(item.unit_price_cents)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;

    tracing::info!(order_id = %order.id, total_cents, "order created");
    Ok((StatusCode::CREATED, Json(order)))
}

pub async fn get_order( //~ handler: GET /api/orders/{id}
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Order>, AppError> {
    let order = sqlx::query_as::<_, Order>(
        "SELECT id, account_id, status, total_cents FROM orders WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Json(order))
}
