//! The rule engine: pure functions from facts to a [`Decision`] (the writes, the messages, the
//! audit entries) or a [`Refused`] listing every violation with its reasons.
//!
//! Nothing here does I/O or reads a clock: the caller passes the facts and the time in a
//! [`Ctx`]. The service ([`crate::service`]) loads the facts, runs a rule and applies the decision
//! atomically.

pub mod access;
pub mod booking;
pub mod distribution;
pub mod eligibility;
pub mod lifecycle;
pub mod links;
pub mod staleness;

#[cfg(test)]
mod distribution_tests;
#[cfg(test)]
mod lifecycle_tests;
#[cfg(test)]
mod prop_tests;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AuditId, ElectionId, ParticipantId, SeatId, TaskTypeId, TeamId, WorkLocationId};
use crate::messages::MessageKind;
use crate::model::{AuditAction, AuditEntry, Op};
use crate::time::{Lang, TimeWindow, format_date, local_date};
use crate::values::DanishMessage;

pub use eligibility::{Compared, RuleFailure, RuleId};

/// The context a rule runs in: the time, and who acts (for the audit entry).
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Now.
    pub now: DateTime<Utc>,
    /// Who acts, as the audit log shows it (never a CPR number).
    pub actor: String,
}

impl Ctx {
    /// Today in Denmark.
    pub fn today(&self) -> NaiveDate {
        local_date(self.now)
    }

    /// An audit entry by this context's actor.
    pub fn audit(
        &self,
        action: AuditAction,
        subject_kind: &str,
        subject_id: impl ToString,
        participant: Option<ParticipantId>,
        election: Option<ElectionId>,
        description: impl Into<String>,
    ) -> AuditEntry {
        AuditEntry {
            id: AuditId::new(),
            at: self.now,
            actor: self.actor.clone(),
            action,
            subject_kind: subject_kind.to_owned(),
            subject_id: subject_id.to_string(),
            participant,
            election,
            description: description.into(),
        }
    }
}

/// A message a decision asks to send. The service snapshots the facts the template needs and
/// puts it in the outbox in the same atomic write as the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageIntent {
    /// What kind of message.
    pub kind: MessageKind,
    /// To whom.
    pub participant: ParticipantId,
    /// About which seat, if any.
    pub seat: Option<SeatId>,
}

/// What a rule decided: the writes, the messages and the audit entries, applied together or not
/// at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    /// Writes.
    pub ops: Vec<Op>,
    /// Messages to send.
    pub messages: Vec<MessageIntent>,
    /// Audit entries.
    pub audit: Vec<AuditEntry>,
}

impl Decision {
    /// Appends another decision.
    pub fn merge(&mut self, other: Decision) {
        self.ops.extend(other.ops);
        self.messages.extend(other.messages);
        self.audit.extend(other.audit);
    }
}

/// A seat as a refusal names it to a person: the task, where, and when (shown in Danish local
/// time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatLabel {
    /// The seat.
    pub seat: SeatId,
    /// Its task type's title.
    pub task_type: String,
    /// Its work location's title.
    pub work_location: String,
    /// When it is.
    pub window: TimeWindow,
}

impl SeatLabel {
    /// "Tilforordnet at Korsbæk Skole, 17.11.2026 07:30–22:00" (or "på" in Danish).
    pub fn describe(&self, lang: Lang) -> String {
        let at = match lang {
            Lang::Da => "på",
            Lang::En => "at",
        };
        format!(
            "{} {at} {}, {}",
            self.task_type,
            self.work_location,
            self.window.display(lang)
        )
    }
}

/// One reason a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Violation {
    /// An eligibility rule failed.
    Ineligible(RuleFailure),
    /// The participant already holds or is invited to a seat whose time overlaps.
    DoubleBooked {
        /// The other seat.
        seat: SeatId,
        /// Its election.
        election: ElectionId,
        /// Its time window.
        window: TimeWindow,
    },
    /// The seat is not vacant.
    SeatNotVacant,
    /// The seat holds no invitation for this participant.
    NotInvited,
    /// The invitation code does not match (an old or forged link).
    WrongInvitationToken,
    /// The seat is not held by or offered to this participant.
    NotYourSeat,
    /// Inside the lock period: too late to withdraw (or to delete one's profile, which would
    /// withdraw from the seat).
    Locked {
        /// The last day withdrawing was possible.
        last_day: NaiveDate,
        /// The locked seat, when the refusal must say which one.
        seat: Option<SeatLabel>,
    },
    /// The task has already taken place.
    TaskInThePast {
        /// Its date.
        date: NaiveDate,
    },
    /// The participant is not a member of the seat's team.
    NotTeamMember {
        /// The team.
        team: TeamId,
    },
    /// The task type is a position of trust and cannot be taken through this route.
    TrustedTask {
        /// The task type.
        task_type: TaskTypeId,
    },
    /// A team responsible's link may not offer trusted task types: the secretariat has not
    /// allowed it for the team.
    TrustedLinkNotAllowed,
    /// The election is not active.
    ElectionInactive,
    /// The date is outside the election's working period.
    DateOutsidePeriod {
        /// The date.
        date: NaiveDate,
    },
    /// The work location is not part of the election.
    LocationNotInElection {
        /// The location.
        work_location: WorkLocationId,
    },
    /// The team does not staff the work location.
    TeamNotAtLocation {
        /// The team.
        team: TeamId,
    },
    /// The task type is not done at the work location.
    TaskTypeNotAtLocation {
        /// The task type.
        task_type: TaskTypeId,
    },
    /// No vacant seat is left in the slot.
    NoVacantSeat,
    /// The participant has an accepted task that already took place, so they cannot be removed.
    HasCompletedTask,
    /// The link is revoked, unknown, or does not cover this seat.
    LinkDoesNotCoverSeat,
    /// The election is active and must be deactivated first.
    ElectionActive,
    /// A change of times (a task type's window) would make a participant hold two seats whose
    /// times overlap.
    EditCreatesDoubleBooking {
        /// The participant.
        participant: ParticipantId,
        /// Their name (the refusal goes to the secretariat, who may read it).
        name: String,
        /// The two seats, with their times after the change.
        seats: Box<[SeatLabel; 2]>,
    },
}

impl Violation {
    /// A stable code for programs (`double-booked`, `age18`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Violation::Ineligible(f) => f.rule.code(),
            Violation::DoubleBooked { .. } | Violation::EditCreatesDoubleBooking { .. } => {
                "double-booked"
            }
            Violation::SeatNotVacant => "seat-not-vacant",
            Violation::NotInvited => "not-invited",
            Violation::WrongInvitationToken => "wrong-invitation-token",
            Violation::NotYourSeat => "not-your-seat",
            Violation::Locked { .. } => "locked",
            Violation::TaskInThePast { .. } => "task-in-the-past",
            Violation::NotTeamMember { .. } => "not-team-member",
            Violation::TrustedTask { .. } | Violation::TrustedLinkNotAllowed => "trusted-task",
            Violation::ElectionInactive => "election-inactive",
            Violation::DateOutsidePeriod { .. } => "date-outside-period",
            Violation::LocationNotInElection { .. } => "location-not-in-election",
            Violation::TeamNotAtLocation { .. } => "team-not-at-location",
            Violation::TaskTypeNotAtLocation { .. } => "task-type-not-at-location",
            Violation::NoVacantSeat => "no-vacant-seat",
            Violation::HasCompletedTask => "has-completed-task",
            Violation::LinkDoesNotCoverSeat => "link-does-not-cover-seat",
            Violation::ElectionActive => "election-active",
        }
    }

    /// The reason in English.
    pub fn message_en(&self) -> String {
        match self {
            Violation::Ineligible(f) => f.message_en(),
            Violation::DoubleBooked { window, .. } => format!(
                "The person already has a task on {} that overlaps this one.",
                window.display(Lang::En)
            ),
            Violation::SeatNotVacant => {
                "The seat is already taken or offered to someone else.".into()
            }
            Violation::NotInvited => {
                "There is no open invitation to this seat for the person.".into()
            }
            Violation::WrongInvitationToken => "The invitation link is no longer valid.".into(),
            Violation::NotYourSeat => "The seat is not yours.".into(),
            Violation::Locked {
                last_day,
                seat: None,
            } => format!(
                "It is too late to withdraw: the last day was {}. Contact the election secretariat.",
                format_date(*last_day)
            ),
            Violation::Locked {
                last_day,
                seat: Some(seat),
            } => format!(
                "It is too late to withdraw from {}: the last day was {}. Contact the election secretariat.",
                seat.describe(Lang::En),
                format_date(*last_day)
            ),
            Violation::TaskInThePast { date } => {
                format!(
                    "The task on {} has already taken place.",
                    format_date(*date)
                )
            }
            Violation::NotTeamMember { .. } => {
                "The person is not a member of the seat's team.".into()
            }
            Violation::TrustedTask { .. } => {
                "This is a position of trust; it is filled by invitation only.".into()
            }
            Violation::TrustedLinkNotAllowed => {
                "The election secretariat has not allowed this team's links to offer positions of trust (such as valgstyrer); leave them out or ask the secretariat.".into()
            }
            Violation::ElectionInactive => "The election is not active.".into(),
            Violation::DateOutsidePeriod { date } => {
                format!(
                    "{} is outside the election's working period.",
                    format_date(*date)
                )
            }
            Violation::LocationNotInElection { .. } => {
                "The work location is not part of the election.".into()
            }
            Violation::TeamNotAtLocation { .. } => {
                "The team does not staff this work location.".into()
            }
            Violation::TaskTypeNotAtLocation { .. } => {
                "The task type is not done at this work location.".into()
            }
            Violation::NoVacantSeat => "No seat is free any more.".into(),
            Violation::HasCompletedTask => {
                "The person has a task that already took place and cannot be removed.".into()
            }
            Violation::LinkDoesNotCoverSeat => "The link is not valid for this seat.".into(),
            Violation::ElectionActive => "The election is active; deactivate it first.".into(),
            Violation::EditCreatesDoubleBooking { name, seats, .. } => format!(
                "{name} would hold two tasks at the same time: {} and {}. Move or remove one of them first.",
                seats[0].describe(Lang::En),
                seats[1].describe(Lang::En)
            ),
        }
    }
}

impl DanishMessage for Violation {
    fn message_da(&self) -> String {
        match self {
            Violation::Ineligible(f) => f.message_da(),
            Violation::DoubleBooked { window, .. } => format!(
                "Personen har allerede en opgave den {}, som overlapper denne.",
                window.display(Lang::Da)
            ),
            Violation::SeatNotVacant => "Pladsen er allerede besat eller tilbudt en anden.".into(),
            Violation::NotInvited => {
                "Der er ingen åben invitation til denne plads for personen.".into()
            }
            Violation::WrongInvitationToken => "Invitationslinket er ikke længere gyldigt.".into(),
            Violation::NotYourSeat => "Pladsen er ikke din.".into(),
            Violation::Locked {
                last_day,
                seat: None,
            } => format!(
                "Det er for sent at melde fra: sidste dag var {}. Kontakt valgsekretariatet.",
                format_date(*last_day)
            ),
            Violation::Locked {
                last_day,
                seat: Some(seat),
            } => format!(
                "Det er for sent at melde fra {}: sidste dag var {}. Kontakt valgsekretariatet.",
                seat.describe(Lang::Da),
                format_date(*last_day)
            ),
            Violation::TaskInThePast { date } => {
                format!(
                    "Opgaven den {} har allerede fundet sted.",
                    format_date(*date)
                )
            }
            Violation::NotTeamMember { .. } => "Personen er ikke medlem af pladsens team.".into(),
            Violation::TrustedTask { .. } => {
                "Det er en betroet opgave; den besættes kun ved invitation.".into()
            }
            Violation::TrustedLinkNotAllowed => {
                "Valgsekretariatet har ikke tilladt, at teamets links tilbyder betroede opgaver (som valgstyrer); udelad dem, eller spørg sekretariatet.".into()
            }
            Violation::ElectionInactive => "Valget er ikke aktivt.".into(),
            Violation::DateOutsidePeriod { date } => {
                format!(
                    "{} ligger uden for valgets arbejdsperiode.",
                    format_date(*date)
                )
            }
            Violation::LocationNotInElection { .. } => "Arbejdsstedet er ikke med i valget.".into(),
            Violation::TeamNotAtLocation { .. } => "Teamet bemander ikke dette arbejdssted.".into(),
            Violation::TaskTypeNotAtLocation { .. } => {
                "Opgavetypen udføres ikke på dette arbejdssted.".into()
            }
            Violation::NoVacantSeat => "Der er ikke flere ledige pladser.".into(),
            Violation::HasCompletedTask => {
                "Personen har en opgave, der allerede har fundet sted, og kan ikke fjernes.".into()
            }
            Violation::LinkDoesNotCoverSeat => "Linket gælder ikke for denne plads.".into(),
            Violation::ElectionActive => "Valget er aktivt; deaktivér det først.".into(),
            Violation::EditCreatesDoubleBooking { name, seats, .. } => format!(
                "{name} ville få to opgaver på samme tid: {} og {}. Flyt eller fjern den ene først.",
                seats[0].describe(Lang::Da),
                seats[1].describe(Lang::Da)
            ),
        }
    }
}

/// A command refused, with every reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused: {}", .violations.iter().map(Violation::message_en).collect::<Vec<_>>().join(" "))]
pub struct Refused {
    /// Every violation found (never empty).
    pub violations: Vec<Violation>,
}

impl Refused {
    /// Refused for one reason.
    pub fn one(v: Violation) -> Self {
        Refused {
            violations: vec![v],
        }
    }

    /// `Ok(())` when `violations` is empty, else refused with all of them.
    pub fn check(violations: Vec<Violation>) -> Result<(), Refused> {
        if violations.is_empty() {
            Ok(())
        } else {
            Err(Refused { violations })
        }
    }

    /// Whether one of the violations has `code`.
    pub fn has(&self, code: &str) -> bool {
        self.violations.iter().any(|v| v.code() == code)
    }
}

impl DanishMessage for Refused {
    fn message_da(&self) -> String {
        self.violations
            .iter()
            .map(DanishMessage::message_da)
            .collect::<Vec<_>>()
            .join(" ")
    }
}
