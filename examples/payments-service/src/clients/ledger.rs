//! HTTP client for the ledger service.

use std::time::Duration;

use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Debit,
    Credit,
}

#[derive(Debug, Serialize)]
pub struct LedgerEntry {
    pub account_id: Uuid,
    pub direction: Direction,
    pub amount_cents: i64,
    pub currency: String,
    /// Sent as the `Idempotency-Key` header; the ledger dedupes on it.
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

impl LedgerEntry {
    pub fn debit(account_id: Uuid, amount_cents: i64, currency: &str, key: Option<&str>) -> Self {
        Self::new(account_id, Direction::Debit, amount_cents, currency, key)
    }

    pub fn credit(account_id: Uuid, amount_cents: i64, currency: &str, key: Option<&str>) -> Self {
        Self::new(account_id, Direction::Credit, amount_cents, currency, key)
    }

    fn new(account_id: Uuid, direction: Direction, amount_cents: i64, currency: &str, key: Option<&str>) -> Self {
        Self {
            account_id,
            direction,
            amount_cents,
            currency: currency.to_owned(),
            idempotency_key: key.map(str::to_owned),
        }
    }
}

#[derive(Clone)]
pub struct LedgerClient {
    http: reqwest::Client,
    base_url: String,
}

impl LedgerClient {
    pub fn new(base_url: &str) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .build()?;
        Ok(Self { http, base_url: base_url.trim_end_matches('/').to_owned() })
    }

    pub async fn post_entry(&self, entry: &LedgerEntry) -> Result<(), reqwest::Error> {
        let mut request = self.http.post(format!("{}/v1/entries", self.base_url)).json(entry);
        if let Some(key) = &entry.idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        request.send().await?.error_for_status()?;
        Ok(())
    }
}

/// Pre-`LedgerClient` code path, still used by the mobile charge endpoint.
pub async fn post_entry_legacy(base_url: &str, entry: &LedgerEntry) -> Result<(), reqwest::Error> {
    let client = reqwest::Client::new();
    client
        .post(format!("{base_url}/v1/entries"))
        .json(entry)
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}
