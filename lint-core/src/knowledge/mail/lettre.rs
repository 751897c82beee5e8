//! lettre: `AsyncSmtpTransport::<Tokio1Executor>::relay(host)?.credentials(..).build()` (or
//! `from_url(url)?..build()`, `starttls_relay`, `builder_dangerous`) and then
//! `mailer.send(message).await`; the blocking `SmtpTransport` is built and sends the same
//! way. Each SMTP command waits at most the transport's timeout, 60 s unless the builder's
//! `.timeout(Some(d))` says otherwise. The server has the message once it answers the
//! final `DATA`: a send that times out after that has been delivered, and sending it again
//! delivers it twice.

use crate::knowledge::http::BuilderType;
use crate::knowledge::{path, words, ClientMethod, DirectClient};

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
        // `test_connection` only asks the server whether it answers (SMTP `NOOP`).
        methods: [
            ("send", false),
            ("send_raw", false),
            ("test_connection", true),
        ]
        .iter()
        .map(|(name, idempotent)| ClientMethod {
            name: name.to_string(),
            http_method: None,
            idempotent: Some(*idempotent),
        })
        .collect(),
        declared: false,
        default_timeout_ms: Some(DEFAULT_TIMEOUT_MS),
        service: Some("SMTP".to_string()),
        sender_argument: None,
    })
    .collect()
}

/// `AsyncSmtpTransport::relay(host)?` (and `starttls_relay`, `builder_dangerous`,
/// `from_url`) hands back the transport's builder, whose `build()` is the transport: the
/// way lettre's documentation builds a mailer, often inline where the mail is sent.
pub fn builders() -> Vec<BuilderType> {
    [
        (
            "lettre::AsyncSmtpTransport",
            "lettre::transport::smtp::AsyncSmtpTransportBuilder",
        ),
        (
            "lettre::SmtpTransport",
            "lettre::transport::smtp::SmtpTransportBuilder",
        ),
    ]
    .iter()
    .map(|(transport, builder)| BuilderType {
        builder: path(builder),
        builds: path(transport),
        finishers: words(&["build"]),
        started_by: words(&["relay", "starttls_relay", "builder_dangerous", "from_url"]),
    })
    .collect()
}
