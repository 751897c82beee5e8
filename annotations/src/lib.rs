//! Attributes that state a handler's intent for `cargo failfirst`. Each one leaves the item
//! exactly as written: no code is generated and nothing runs. The linter reads them from the
//! source and holds the code to them.
//!
//! ```
//! use failfirst::{deadline, idempotent};
//!
//! #[failfirst::handler]
//! async fn settle(order_id: i64) -> Result<(), String> {
//!     let _ = order_id;
//!     Ok(())
//! }
//!
//! #[idempotent(key = "Idempotency-Key")]
//! #[deadline(ms = 800)]
//! async fn charge(amount_cents: i64) -> Result<(), String> {
//!     let _ = amount_cents;
//!     Ok(())
//! }
//! ```

use proc_macro::TokenStream;

/// Marks a function as an RPC handler that failfirst must judge, when no framework routing
/// makes that visible (an in-house framework, a job, a callback).
///
/// ```
/// #[failfirst::handler]
/// fn on_invoice_paid(invoice_id: u64) {
///     let _ = invoice_id;
/// }
/// ```
#[proc_macro_attribute]
pub fn handler(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Promises that running the handler twice with the same request leaves the data as running
/// it once; `key = "Header-Name"` names the idempotency key it checks and records.
///
/// ```
/// #[failfirst::idempotent(key = "Idempotency-Key")]
/// fn create_payment(amount_cents: i64) -> i64 {
///     amount_cents
/// }
/// ```
#[proc_macro_attribute]
pub fn idempotent(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Promises how the handler bounds its downstream calls: `propagate` (every bound derives
/// from the incoming deadline) or `ms = N` (its own budget).
///
/// ```
/// #[failfirst::deadline(ms = 800)]
/// fn quote(sku: &str) -> usize {
///     sku.len()
/// }
/// ```
#[proc_macro_attribute]
pub fn deadline(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
