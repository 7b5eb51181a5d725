//! Slots, seats and their states.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{
    ElectionId, ParticipantId, RejectionId, SeatId, TaskTypeId, TeamId, WorkLocationId,
};
use crate::model::link::random_token;

/// A slot: the seats of one team for one task type at one work location on one date of one
/// election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SlotKey {
    /// Election.
    pub election: ElectionId,
    /// Work location.
    pub work_location: WorkLocationId,
    /// Task type.
    pub task_type: TaskTypeId,
    /// The team whose seats these are.
    pub team: TeamId,
    /// The date of the task (its window may run into the next day).
    pub date: NaiveDate,
}

/// A secret code sent in an invitation link (at least 128 random bits, URL-safe).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InvitationToken(String);

impl InvitationToken {
    /// A fresh random token.
    pub fn generate() -> Self {
        InvitationToken(random_token())
    }

    /// Wraps a token read from a link or a store.
    pub fn from_string(s: String) -> Self {
        InvitationToken(s)
    }

    /// The token text, for building the invitation link.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for InvitationToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InvitationToken(…)")
    }
}

/// How a seat came to be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AcceptedVia {
    /// The participant answered an invitation.
    Invitation,
    /// The participant took a vacant seat through an open link or the vacancy overview.
    OpenLink,
    /// The secretariat answered on the participant's behalf.
    OnBehalf,
    /// A team responsible placed a member of their team directly.
    PlacedByTeamResponsible,
    /// A reserve took the seat of someone who did not turn up, through an offer's take link.
    Reserve,
}

/// The state of a seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeatState {
    /// Nobody holds it.
    Vacant,
    /// A participant is invited and has not answered.
    Invited {
        /// Who.
        participant: ParticipantId,
        /// The code in their invitation link.
        token: InvitationToken,
        /// When the invitation was made.
        invited_at: DateTime<Utc>,
        /// When the last invitation reminder was queued.
        last_reminder_at: Option<DateTime<Utc>>,
    },
    /// A participant holds it.
    Accepted {
        /// Who.
        participant: ParticipantId,
        /// When.
        accepted_at: DateTime<Utc>,
        /// How.
        via: AcceptedVia,
        /// When the task reminder was queued (at most once).
        task_reminder_at: Option<DateTime<Utc>>,
    },
}

/// The three statuses the overviews count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SeatStatus {
    /// Ledig.
    Vacant,
    /// Ubesvaret.
    Invited,
    /// Accepteret.
    Accepted,
}

impl SeatState {
    /// The participant holding or invited to the seat.
    pub fn participant(&self) -> Option<ParticipantId> {
        match self {
            SeatState::Vacant => None,
            SeatState::Invited { participant, .. } | SeatState::Accepted { participant, .. } => {
                Some(*participant)
            }
        }
    }

    /// The status.
    pub fn status(&self) -> SeatStatus {
        match self {
            SeatState::Vacant => SeatStatus::Vacant,
            SeatState::Invited { .. } => SeatStatus::Invited,
            SeatState::Accepted { .. } => SeatStatus::Accepted,
        }
    }
}

/// One seat: one person needed in a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    /// Id.
    pub id: SeatId,
    /// Its slot.
    pub slot: SlotKey,
    /// Its state.
    pub state: SeatState,
}

impl Seat {
    /// A vacant seat in `slot`.
    pub fn vacant(slot: SlotKey) -> Self {
        Seat {
            id: SeatId::new(),
            slot,
            state: SeatState::Vacant,
        }
    }
}

/// Why a participant left a seat, for the rejection history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RejectionKind {
    /// Declined an invitation.
    Declined,
    /// Withdrew after accepting (or before answering) from "my tasks".
    Withdrew,
    /// The secretariat declined on their behalf.
    DeclinedOnBehalf,
    /// Their team responsible removed them from the team.
    RemovedFromTeam,
}

/// A history entry: a participant said no to a seat in a slot, so they are not asked again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// Id.
    pub id: RejectionId,
    /// The slot.
    pub slot: SlotKey,
    /// The seat they left.
    pub seat: SeatId,
    /// Who.
    pub participant: ParticipantId,
    /// When.
    pub at: DateTime<Utc>,
    /// How.
    pub kind: RejectionKind,
}
