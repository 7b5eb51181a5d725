//! Message channels for valghalla: implementations of
//! [`MessageSender`](valghalla_core::messages::MessageSender) that need I/O, kept out of
//! `valghalla-core` so the core stays free of runtime and network dependencies.
//!
//! * [`file::FileSender`]: for development — writes each message to a folder, one file per
//!   message named by its idempotency key (a retry overwrites instead of duplicating). Never
//!   a CPR number in a file name.
//! * `smtp::SmtpSender` (feature `smtp`): e-mail over SMTP with `lettre` on tokio with rustls:
//!   a plain-text and an HTML part, the outbox message id as `Message-ID`, STARTTLS or implicit
//!   TLS (an internal CA's root certificate can be added), and failures sorted into temporary
//!   and permanent for the dispatcher's retries. Its tests run against a real SMTP server
//!   (`tests/support/mailbox_server.py`, Debian's `python3-aiosmtpd`).
//! * [`providers`]: what a municipality's Digital Post and SMS providers must do; there are no
//!   real implementations here. Tests use
//!   [`RecordingSender`](valghalla_core::testkit::RecordingSender), which records and never
//!   sends.

pub mod file;
mod io_text;
pub mod providers;
#[cfg(feature = "smtp")]
pub mod smtp;

pub use file::FileSender;
#[cfg(feature = "smtp")]
pub use smtp::{SmtpConfig, SmtpSecurity, SmtpSender, SmtpSetupError};
