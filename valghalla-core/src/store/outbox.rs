//! The transactional outbox: messages written in the same atomic change as the state change
//! that caused them, and drained later by a dispatcher.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ElectionId, MessageId, ParticipantId, SeatId};
use crate::messages::MessageKind;
use crate::messages::calendar::MessageCalendar;

/// Where a message is in its delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryStatus {
    /// Waiting to be sent (first try or a retry).
    Pending,
    /// Delivered to the channel's provider.
    Sent {
        /// When.
        at: DateTime<Utc>,
        /// Through which channel (`digital_post`, `email`, `sms`, …).
        channel: String,
        /// The provider's id for the message, if it gave one (to find it in the provider's
        /// logs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// Given up: the reason is permanent or retries ran out.
    Failed {
        /// When.
        at: DateTime<Utc>,
        /// Why, without personal data.
        reason: String,
    },
    /// Never delivered: by the time it was due its reason no longer held (the seat is no longer
    /// offered to or held by the recipient, …); see `rules::staleness`.
    Cancelled {
        /// When.
        at: DateTime<Utc>,
        /// Why, without personal data.
        reason: String,
    },
}

/// A message waiting in, or delivered from, the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Id; also the idempotency key given to providers, so a retry is never a second message.
    pub id: MessageId,
    /// Kind.
    pub kind: MessageKind,
    /// Recipient.
    pub participant: ParticipantId,
    /// The election it concerns (messages of inactive elections wait for activation).
    pub election: Option<ElectionId>,
    /// The seat it concerns.
    pub seat: Option<SeatId>,
    /// The template values, snapshotted when the change happened (token name without `!` →
    /// value), so a later change to the seat cannot garble the message.
    pub facts: BTreeMap<String, String>,
    /// For group messages: the subject and body the secretariat wrote.
    pub custom: Option<(String, String)>,
    /// The calendar entry the message carries (the task, or its cancellation), snapshotted
    /// with the facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<MessageCalendar>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Delivery status.
    pub status: DeliveryStatus,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Not before this instant (backoff).
    pub next_attempt_at: DateTime<Utc>,
    /// The last error, if any attempt failed.
    pub last_error: Option<String>,
}

/// Which outbox messages to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxFilter {
    /// Only pending messages due at or before this instant.
    pub due_at: Option<DateTime<Utc>>,
    /// Only to this participant.
    pub participant: Option<ParticipantId>,
    /// Only about this election.
    pub election: Option<ElectionId>,
    /// At most this many (0: no limit).
    pub limit: usize,
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryUpdate {
    /// The message.
    pub id: MessageId,
    /// The attempt count the dispatcher read (optimistic lock).
    pub expected_attempts: u32,
    /// The new status.
    pub status: DeliveryStatus,
    /// When to try again, for a pending retry.
    pub next_attempt_at: DateTime<Utc>,
    /// The error of this attempt, if it failed.
    pub error: Option<String>,
}
