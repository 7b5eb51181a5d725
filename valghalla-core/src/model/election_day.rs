//! Election day: who turned up at each seat, who stands by as a reserve, and the offers of a
//! missing person's seat to the reserves of the day.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ElectionId, OfferId, ParticipantId, SeatId};
use crate::model::{InvitationToken, SlotKey};

/// What happened to one expected person at their seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttendanceStatus {
    /// Mødt: they came.
    Arrived,
    /// Ikke mødt: they did not come (a no-show; not paid).
    NotArrived,
    /// Gået før tid: they came and left early, at `at`.
    LeftEarly {
        /// When they left.
        at: DateTime<Utc>,
    },
}

impl AttendanceStatus {
    /// Whether the person did the task (and is paid for it).
    pub fn worked(self) -> bool {
        !matches!(self, AttendanceStatus::NotArrived)
    }
}

/// One person's attendance at a seat, as last recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceEntry {
    /// Who.
    pub participant: ParticipantId,
    /// What happened.
    pub status: AttendanceStatus,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it (the station's responsible, its chair or the secretariat), as the audit
    /// log names an actor (`staff:<user>`, `participant:<id>`).
    pub recorded_by: String,
}

/// The attendance at one seat (*fremmøde*): an entry per person who held it on the day. A
/// no-show whose seat went to a reserve keeps their entry, beside the reserve's.
///
/// Stored under the seat's id ([`RecordKey::Attendance`](crate::model::RecordKey::Attendance)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    /// The seat.
    pub seat: SeatId,
    /// Its slot (election, location, task type, team, date).
    pub slot: SlotKey,
    /// One entry per person, in the order they were first recorded.
    pub entries: Vec<AttendanceEntry>,
}

impl Attendance {
    /// No entries yet for `seat` in `slot`.
    pub fn empty(seat: SeatId, slot: SlotKey) -> Self {
        Attendance {
            seat,
            slot,
            entries: Vec::new(),
        }
    }

    /// What was recorded for `participant`.
    pub fn of(&self, participant: ParticipantId) -> Option<&AttendanceEntry> {
        self.entries.iter().find(|e| e.participant == participant)
    }
}

/// One day a person stands by as a reserve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReserveDay {
    /// The election.
    pub election: ElectionId,
    /// The date.
    pub date: NaiveDate,
    /// When they signed up.
    pub signed_up_at: DateTime<Utc>,
    /// Who signed them up (themselves through the link, or the secretariat), as the audit log
    /// names an actor.
    pub by: String,
}

/// The days a participant stands by as a reserve (*reserve*), stored under the participant's
/// id ([`RecordKey::Reserve`](crate::model::RecordKey::Reserve)): one record per person, so a
/// person is a reserve for a day at most once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reserve {
    /// The participant.
    pub participant: ParticipantId,
    /// The days, in the order they signed up.
    pub days: Vec<ReserveDay>,
}

impl Reserve {
    /// Whether they stand by on `date` of `election`.
    pub fn stands_by(&self, election: ElectionId, date: NaiveDate) -> bool {
        self.days
            .iter()
            .any(|d| d.election == election && d.date == date)
    }
}

/// A reserve an offer went to, with the code in their take link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferRecipient {
    /// The reserve.
    pub participant: ParticipantId,
    /// The secret in their take link.
    pub token: InvitationToken,
}

/// Who took an offered seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferTaken {
    /// The reserve.
    pub participant: ParticipantId,
    /// When.
    pub at: DateTime<Utc>,
}

/// A missing person's seat offered to the reserves of the day (*tilbud til reserver*): the
/// first of them to take it gets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatOffer {
    /// Id.
    pub id: OfferId,
    /// The seat.
    pub seat: SeatId,
    /// Its slot.
    pub slot: SlotKey,
    /// The person recorded as not arrived.
    pub no_show: ParticipantId,
    /// When it was offered.
    pub offered_at: DateTime<Utc>,
    /// Who offered it, as the audit log names an actor.
    pub offered_by: String,
    /// The reserves it went to.
    pub recipients: Vec<OfferRecipient>,
    /// Who took it, once someone has.
    pub taken: Option<OfferTaken>,
}

impl SeatOffer {
    /// The recipient whose take link holds `token`.
    pub fn recipient_with(&self, token: &str) -> Option<&OfferRecipient> {
        self.recipients.iter().find(|r| r.token.as_str() == token)
    }
}
