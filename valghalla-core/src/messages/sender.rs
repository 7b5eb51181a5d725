//! The sender port: what a channel (Digital Post, e-mail, SMS) implements to deliver a message
//! the dispatcher ([`crate::service::Dispatcher`]) has rendered, and what it answers.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

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

/// A sender **for tests**: it delivers nothing, it records. It behaves like a provider that
/// honours idempotency keys (a second send with a key it has seen is acknowledged but not
/// delivered again) and counts every attempt. Failures can be injected.
///
/// Never use it as a real channel: it exists so tests can see what would have been sent.
#[derive(Debug, Clone)]
pub struct RecordingSender {
    channel: Channel,
    state: Arc<Mutex<RecordingState>>,
}

#[derive(Debug, Default)]
struct RecordingState {
    delivered: BTreeMap<MessageId, Outgoing>,
    order: Vec<MessageId>,
    calls: BTreeMap<MessageId, u32>,
    fail_next: u32,
    permanent: Option<String>,
}

impl RecordingSender {
    /// A recording sender posing as `channel`.
    pub fn new(channel: Channel) -> Self {
        RecordingSender {
            channel,
            state: Arc::new(Mutex::new(RecordingState::default())),
        }
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut RecordingState) -> T) -> T {
        match self.state.lock() {
            Ok(mut s) => f(&mut s),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Makes the next `k` sends fail temporarily.
    pub fn fail_next(&self, k: u32) {
        self.with_state(|s| s.fail_next = k);
    }

    /// Makes every send fail permanently with `reason` (`None`: stop failing).
    pub fn fail_permanently(&self, reason: Option<&str>) {
        self.with_state(|s| s.permanent = reason.map(str::to_owned));
    }

    /// The messages delivered, once each, in delivery order.
    pub fn delivered(&self) -> Vec<Outgoing> {
        self.with_state(|s| {
            s.order
                .iter()
                .filter_map(|id| s.delivered.get(id).cloned())
                .collect()
        })
    }

    /// How many times a message was handed over (failed attempts included).
    pub fn attempts(&self, id: MessageId) -> u32 {
        self.with_state(|s| s.calls.get(&id).copied().unwrap_or(0))
    }

    /// How many send calls there were in all.
    pub fn total_attempts(&self) -> u32 {
        self.with_state(|s| s.calls.values().sum())
    }
}

#[async_trait]
impl MessageSender for RecordingSender {
    fn channel(&self) -> Channel {
        self.channel
    }

    async fn send(&self, msg: &Outgoing) -> Result<Receipt, SendError> {
        self.with_state(|s| {
            *s.calls.entry(msg.idempotency_key).or_default() += 1;
            if let Some(reason) = &s.permanent {
                return Err(SendError::Permanent(reason.clone()));
            }
            if s.fail_next > 0 {
                s.fail_next -= 1;
                return Err(SendError::Temporary("injected failure".into()));
            }
            if let std::collections::btree_map::Entry::Vacant(slot) =
                s.delivered.entry(msg.idempotency_key)
            {
                slot.insert(msg.clone());
                s.order.push(msg.idempotency_key);
            }
            Ok(Receipt {
                provider_reference: Some(msg.idempotency_key.to_string()),
            })
        })
    }
}
