//! Mail transports, one record per file: the types that send an e-mail and what bounds a
//! send. A sent e-mail cannot be taken back and no SMTP server deduplicates one, so every
//! send is a non-idempotent call.

pub mod lettre;
