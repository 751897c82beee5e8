use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::clients::ledger::{self, LedgerEntry};
use crate::db::{self, Payment, PAYMENT_COLUMNS};
use crate::error::AppError;
use crate::AppState;

const MAX_LEDGER_ATTEMPTS: u32 = 3;

#[derive(Debug, Deserialize)]
pub struct ChargeRequest {
    pub account_id: Uuid,
    pub amount_cents: i64,
    pub currency: String,
}

#[derive(Debug, Serialize)]
pub struct ChargeResponse {
    pub account_id: Uuid,
    pub amount_cents: i64,
    pub status: &'static str,
}

#[derive(Debug, Deserialize)]
pub struct RefundRequest {
    pub amount_cents: Option<i64>,
    pub reason: String,
}

/// Legacy card-on-file charge used by the mobile app: debits in place, then
/// tells the ledger.
pub async fn charge( //~ handler: POST /api/payments/charge
    State(state): State<AppState>,
    Json(req): Json<ChargeRequest>,
) -> Result<Json<ChargeResponse>, AppError> {
    if req.amount_cents <= 0 {
        return Err(AppError::BadRequest("amount_cents must be positive".into()));
    }
    if !db::debit_account(&state.db, req.account_id, req.amount_cents).await? {
        return Err(AppError::InsufficientFunds);
    }
    let entry = LedgerEntry::debit(req.account_id, req.amount_cents, &req.currency, None);
    ledger::post_entry_legacy(&state.ledger_url, &entry).await?;
    Ok(Json(ChargeResponse { account_id: req.account_id, amount_cents: req.amount_cents, status: "captured" }))
}

/// Charge keyed by the client's `Idempotency-Key`: a retried request gets the
/// original payment back and the account is debited once.
pub async fn create_payment( //~ handler: POST /api/payments
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<ChargeRequest>,
) -> Result<(StatusCode, Json<Payment>), AppError> {
    let key = headers
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .ok_or_else(|| AppError::BadRequest("Idempotency-Key header is required".into()))?
        .to_owned();
    if req.amount_cents <= 0 {
        return Err(AppError::BadRequest("amount_cents must be positive".into()));
    }

    let mut tx = state.db.begin().await?;
    let inserted = sqlx::query_as::<_, Payment>(&format!(
        "INSERT INTO payments (id, account_id, amount_cents, currency, status, idempotency_key) \
         VALUES ($1, $2, $3, $4, 'captured', $5) \
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING {PAYMENT_COLUMNS}"
    ))
    .bind(Uuid::new_v4())
    .bind(req.account_id)
    .bind(req.amount_cents)
    .bind(&req.currency)
    .bind(&key)
    .fetch_optional(&mut *tx)
    .await?;

    let (status, payment) = match inserted {
        Some(payment) => {
            let debited = sqlx::query("UPDATE accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1")
                .bind(payment.amount_cents)
                .bind(payment.account_id)
                .execute(&mut *tx)
                .await?;
            if debited.rows_affected() == 0 {
                tx.rollback().await?;
                return Err(AppError::InsufficientFunds);
            }
            tx.commit().await?;
            (StatusCode::CREATED, payment)
        }
        None => {
            tx.rollback().await?;
            let existing = db::find_payment_by_key(&state.db, &key).await?.ok_or(AppError::Conflict)?;
            (StatusCode::OK, existing)
        }
    };

    // The ledger dedupes on the key, so posting again on a replay is safe and
    // repairs an earlier attempt that failed after the commit.
    let entry = LedgerEntry::debit(payment.account_id, payment.amount_cents, &payment.currency, Some(&key));
    state.ledger.post_entry(&entry).await?;
    Ok((status, Json(payment)))
}

pub async fn refund( //~ handler: POST /api/payments/{id}/refund
    State(state): State<AppState>,
    Path(payment_id): Path<Uuid>,
    Json(req): Json<RefundRequest>,
) -> Result<StatusCode, AppError> {
    let payment = db::find_payment(&state.db, payment_id).await?.ok_or(AppError::NotFound)?;
    let amount = req.amount_cents.unwrap_or(payment.amount_cents);
    if amount <= 0 || amount > payment.amount_cents || payment.status != "captured" {
        return Err(AppError::BadRequest("payment cannot be refunded for that amount".into()));
    }
    tracing::info!(%payment_id, amount, reason = %req.reason, "refunding payment");

    // The ledger returns 503 while it deploys; try a few times before giving up.
    let entry = LedgerEntry::credit(payment.account_id, amount, &payment.currency, None);
    let mut attempts = 0;
    loop {
        attempts += 1;
        match state.ledger.post_entry(&entry).await {
            Ok(()) => break,
            Err(err) if attempts < MAX_LEDGER_ATTEMPTS => {
                tracing::warn!(%payment_id, attempts, error = %err, "ledger refund failed, retrying");
            }
            Err(err) => return Err(err.into()),
        }
    }

    sqlx::query("UPDATE accounts SET balance = balance + $1 WHERE id = $2")
        .bind(amount)
        .bind(payment.account_id)
        .execute(&state.db)
        .await?;
    sqlx::query("UPDATE payments SET status = 'refunded' WHERE id = $1")
        .bind(payment_id)
        .execute(&state.db)
        .await?;
    Ok(StatusCode::ACCEPTED)
}
