//! lettre: `AsyncSmtpTransport::<Tokio1Executor>::relay(host)?.credentials(..).build()` (or
//! `from_url(url)?..build()`, `starttls_relay`, `builder_dangerous`) and then
//! `mailer.send(message).await`; the blocking `SmtpTransport` is built and sends the same
//! way. Each SMTP command waits at most the transport's timeout, 60 s unless the builder's
//! `.timeout(Some(d))` says otherwise. The server has the message once it answers the
//! final `DATA`: a send that times out after that has been delivered, and sending it again
//! delivers it twice.

use crate::knowledge::{path, ClientMethod, DirectClient};

/// lettre's `DEFAULT_TIMEOUT`, in milliseconds.
const DEFAULT_TIMEOUT_MS: u64 = 60_000;

pub fn clients() -> Vec<DirectClient> {
    // The traits too: a mailer generic over `T: AsyncTransport` sends through them.
    [
        "lettre::AsyncSmtpTransport",
        "lettre::SmtpTransport",
        "lettre::AsyncTransport",
        "lettre::Transport",
    ]
    .iter()
    .map(|type_path| DirectClient {
        type_path: path(type_path),
        methods: ["send", "send_raw"]
            .iter()
            .map(|name| ClientMethod {
                name: name.to_string(),
                http_method: None,
                idempotent: Some(false),
            })
            .collect(),
        declared: false,
        default_timeout_ms: Some(DEFAULT_TIMEOUT_MS),
        service: Some("SMTP".to_string()),
        sender_argument: None,
    })
    .collect()
}
