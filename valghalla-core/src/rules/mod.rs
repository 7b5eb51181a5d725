//! The rule engine: pure functions from facts to a decision (the writes, the messages, the
//! audit entries) or a [`Refused`] listing every violation with its reasons.
//!
//! Nothing here does I/O or reads a clock: the caller passes the facts and the time in a
//! context. The service ([`crate::service`]) loads the facts, runs a rule and applies the
//! decision atomically; the rules themselves are the crate's own, and what a host reads of them
//! is public here: the access policy ([`access`]), refusals ([`Refused`], [`Violation`],
//! [`RefusalCode`]) and the few values commands take or return ([`Answer`],
//! [`DistributionReport`]).

pub mod access;
pub mod board;
pub(crate) mod booking;
pub(crate) mod distribution;
pub(crate) mod election_day;
pub(crate) mod eligibility;
pub(crate) mod lifecycle;
pub(crate) mod links;
pub(crate) mod party;
mod refusal;
pub(crate) mod staleness;

#[cfg(test)]
mod distribution_tests;
#[cfg(test)]
mod lifecycle_tests;
#[cfg(test)]
mod move_tests;
#[cfg(test)]
mod prop_tests;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AuditId, ElectionId, ParticipantId, SeatId};
use crate::messages::MessageKind;
use crate::model::{ActorLabel, AuditAction, AuditEntry, AuditEvent, AuditSubject, Op};
use crate::time::local_date;

pub use distribution::{DistributionReport, MAX_SEATS_PER_SLOT};
pub use eligibility::{AcceptedCitizenship, Compared, RuleFailure, RuleId};
pub use lifecycle::Answer;
pub use refusal::{RefusalCode, Refused, SeatLabel, SkippedReserves, Violation};

/// The context a rule runs in: the time, and who acts (for the audit entry).
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// Now.
    pub now: DateTime<Utc>,
    /// Who acts, as the audit log shows it (never a CPR number).
    pub actor: ActorLabel,
}

impl Ctx {
    /// Today in Denmark.
    pub(crate) fn today(&self) -> NaiveDate {
        local_date(self.now)
    }

    /// An audit entry by this context's actor.
    pub(crate) fn audit(
        &self,
        action: AuditAction,
        subject: impl Into<AuditSubject>,
        participant: Option<ParticipantId>,
        election: Option<ElectionId>,
        event: AuditEvent<'_>,
    ) -> AuditEntry {
        AuditEntry {
            id: AuditId::new(),
            at: self.now,
            actor: self.actor.clone(),
            action,
            subject: subject.into(),
            participant,
            election,
            description: event.description(),
        }
    }
}

/// A message a decision asks to send. The service snapshots the facts the template needs and
/// puts it in the outbox in the same atomic write as the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MessageIntent {
    /// What kind of message.
    pub kind: MessageKind,
    /// To whom.
    pub participant: ParticipantId,
    /// About which seat, if any.
    pub seat: Option<SeatId>,
    /// A text of its own (subject, body; tokens allowed) instead of the kind's template, sent
    /// on the channel of group messages.
    pub custom: Option<(String, String)>,
}

/// What a rule decided: the writes, the messages and the audit entries, applied together or not
/// at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Decision {
    /// Writes.
    pub ops: Vec<Op>,
    /// Messages to send.
    pub messages: Vec<MessageIntent>,
    /// Audit entries.
    pub audit: Vec<AuditEntry>,
}

impl Decision {
    /// Appends another decision.
    pub(crate) fn merge(&mut self, other: Decision) {
        self.ops.extend(other.ops);
        self.messages.extend(other.messages);
        self.audit.extend(other.audit);
    }
}
