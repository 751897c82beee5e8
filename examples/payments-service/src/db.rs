use std::time::Duration;

use serde::Serialize;
use sqlx::postgres::{PgPool, PgPoolOptions};
use uuid::Uuid;

pub const PAYMENT_COLUMNS: &str = "id, account_id, amount_cents, currency, status, idempotency_key";

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Payment {
    pub id: Uuid,
    pub account_id: Uuid,
    pub amount_cents: i64,
    pub currency: String,
    pub status: String,
    pub idempotency_key: Option<String>,
}

pub async fn connect(url: &str) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(20)
        .acquire_timeout(Duration::from_secs(3))
        .connect(url)
        .await
}

/// Debits an account in place. Returns `false` when the balance is too low.
pub async fn debit_account(pool: &PgPool, account_id: Uuid, amount_cents: i64) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("UPDATE accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1")
        .bind(amount_cents)
        .bind(account_id)
        .execute(pool)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn find_payment(pool: &PgPool, id: Uuid) -> Result<Option<Payment>, sqlx::Error> {
    sqlx::query_as::<_, Payment>(&format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn find_payment_by_key(pool: &PgPool, key: &str) -> Result<Option<Payment>, sqlx::Error> {
    sqlx::query_as::<_, Payment>(&format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE idempotency_key = $1"))
        .bind(key)
        .fetch_optional(pool)
        .await
}
