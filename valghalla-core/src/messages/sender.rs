//! The sender port: what a channel (Digital Post, e-mail, SMS) implements to deliver a message
//! the dispatcher ([`crate::service::Dispatcher`]) has rendered, and what it answers.

use async_trait::async_trait;

use super::MessageKind;
use super::channel::Channel;
use crate::cpr::Cpr;
use crate::ids::MessageId;
use crate::values::{Email, MobileNumber};

/// Where a message goes. The CPR number is only ever handed to a Digital Post sender inside
/// [`MessageSender::send`]; its `Debug` form is masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// Digital Post to a CPR number.
    DigitalPost(Cpr),
    /// An e-mail address.
    Email(Email),
    /// A mobile number.
    Sms(MobileNumber),
}

/// A file sent with a message (the task's calendar file). A channel that cannot carry files
/// (SMS) leaves it out: the message's link leads to the same file in "Mine opgaver".
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file's name, e.g. `opgave.ics`.
    pub file_name: String,
    /// Its MIME type, e.g. `text/calendar; charset=utf-8; method=REQUEST`.
    pub content_type: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The content names the recipient: only its size is shown.
        f.debug_struct("Attachment")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// One message ready for a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The outbox message id: give it to the provider as the idempotency key, so a retry is
    /// never a second message.
    pub idempotency_key: MessageId,
    /// What kind of message it is.
    pub kind: MessageKind,
    /// The channel it is rendered for.
    pub channel: Channel,
    /// The recipient's address on that channel.
    pub recipient: Recipient,
    /// The recipient's name (for an e-mail's `To:` display name).
    pub recipient_name: String,
    /// Subject (Digital Post label, e-mail subject; SMS senders ignore it).
    pub subject: String,
    /// Body: HTML for Digital Post and e-mail, plain text for SMS.
    pub body: String,
    /// Files sent with it (the calendar file of an acceptance, a task reminder or a
    /// cancellation).
    pub attachments: Vec<Attachment>,
    /// The attempt this is, from 1.
    pub attempt: u32,
}

/// A provider's acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Receipt {
    /// The provider's id for the message, if it returns one.
    pub provider_reference: Option<String>,
}

/// Why a send failed. Reasons must not contain personal data (no CPR numbers, no addresses).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later (connection refused, timeout, provider busy).
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// Retrying will not help (address refused, message rejected).
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// The channel itself is down (the server refuses connections or does not answer, the
    /// login is refused): no message on it can go now. The dispatcher counts it against this
    /// message like a temporary failure and then pauses the channel (see
    /// [`Dispatcher`](crate::service::Dispatcher)), so an outage does not use up every waiting
    /// message's attempts.
    #[error("channel unavailable: {0}")]
    Unavailable(String),
}

/// A channel implementation: Digital Post, e-mail or SMS through a provider.
///
/// Implementations must treat [`Outgoing::idempotency_key`] as the message's identity at the
/// provider where the provider supports it (Digital Post's message UUID, an SMS gateway's
/// reference, an e-mail's `Message-ID`), so a retry after a crash does not deliver twice.
#[async_trait]
pub trait MessageSender: Send + Sync + std::fmt::Debug {
    /// The channel this sender delivers on.
    fn channel(&self) -> Channel;
    /// Sends one message.
    async fn send(&self, msg: &Outgoing) -> Result<Receipt, SendError>;
}
