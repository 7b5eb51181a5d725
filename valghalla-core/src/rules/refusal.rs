//! Refusals: a command refused with every [`Violation`] found, each with a stable
//! [`RefusalCode`] and its reason in Danish and English.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::eligibility::{RuleFailure, RuleId};
use crate::ids::{ElectionId, ParticipantId, SeatId, TaskTypeId, TeamId, WorkLocationId};
use crate::time::{Lang, TimeWindow, format_date};
use crate::values::DanishMessage;

/// The stable code of a refusal's reason, for programs and tests. It is shown (and
/// serialized) as the same text it has always had: `double-booked`, `age18`, `trusted-task`, …
/// Several violations may share a code (a double booking found at booking time or when times
/// change; a trusted task refused on a route or in a link).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefusalCode {
    /// An eligibility rule failed: the rule's own code (`alive`, `age18`, `residency`, …).
    Ineligible(RuleId),
    /// `double-booked`.
    DoubleBooked,
    /// `seat-not-vacant`.
    SeatNotVacant,
    /// `not-invited`.
    NotInvited,
    /// `wrong-invitation-token`.
    WrongInvitationToken,
    /// `not-your-seat`.
    NotYourSeat,
    /// `locked`.
    Locked,
    /// `task-in-the-past`.
    TaskInThePast,
    /// `not-team-member`.
    NotTeamMember,
    /// `trusted-task`.
    TrustedTask,
    /// `election-inactive`.
    ElectionInactive,
    /// `date-outside-period`.
    DateOutsidePeriod,
    /// `location-not-in-election`.
    LocationNotInElection,
    /// `team-not-at-location`.
    TeamNotAtLocation,
    /// `task-type-not-at-location`.
    TaskTypeNotAtLocation,
    /// `no-vacant-seat`.
    NoVacantSeat,
    /// `has-completed-task`.
    HasCompletedTask,
    /// `link-does-not-cover-seat`.
    LinkDoesNotCoverSeat,
    /// `election-active`.
    ElectionActive,
    /// `cannot-register`.
    CannotRegister,
    /// `not-the-day`.
    NotTheDay,
    /// `not-expected`.
    NotExpected,
    /// `left-outside-task`.
    LeftOutsideTask,
    /// `not-a-no-show`.
    NotANoShow,
    /// `no-reserves`.
    NoReserves,
    /// `offer-open`.
    OfferOpen,
    /// `offer-taken`.
    OfferTaken,
    /// `not-offered`.
    NotOffered,
    /// `other-election`.
    OtherElection,
}

impl RefusalCode {
    /// The code as text.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::Ineligible(rule) => rule.code(),
            RefusalCode::DoubleBooked => "double-booked",
            RefusalCode::SeatNotVacant => "seat-not-vacant",
            RefusalCode::NotInvited => "not-invited",
            RefusalCode::WrongInvitationToken => "wrong-invitation-token",
            RefusalCode::NotYourSeat => "not-your-seat",
            RefusalCode::Locked => "locked",
            RefusalCode::TaskInThePast => "task-in-the-past",
            RefusalCode::NotTeamMember => "not-team-member",
            RefusalCode::CannotRegister => "cannot-register",
            RefusalCode::TrustedTask => "trusted-task",
            RefusalCode::ElectionInactive => "election-inactive",
            RefusalCode::DateOutsidePeriod => "date-outside-period",
            RefusalCode::LocationNotInElection => "location-not-in-election",
            RefusalCode::TeamNotAtLocation => "team-not-at-location",
            RefusalCode::TaskTypeNotAtLocation => "task-type-not-at-location",
            RefusalCode::NoVacantSeat => "no-vacant-seat",
            RefusalCode::HasCompletedTask => "has-completed-task",
            RefusalCode::LinkDoesNotCoverSeat => "link-does-not-cover-seat",
            RefusalCode::ElectionActive => "election-active",
            RefusalCode::NotTheDay => "not-the-day",
            RefusalCode::NotExpected => "not-expected",
            RefusalCode::LeftOutsideTask => "left-outside-task",
            RefusalCode::NotANoShow => "not-a-no-show",
            RefusalCode::NoReserves => "no-reserves",
            RefusalCode::OfferOpen => "offer-open",
            RefusalCode::OfferTaken => "offer-taken",
            RefusalCode::NotOffered => "not-offered",
            RefusalCode::OtherElection => "other-election",
        }
    }
}

impl std::fmt::Display for RefusalCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RefusalCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
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
    /// A party secretary cannot register this person for the task. Says nothing about why:
    /// the person is not (yet) in the secretary's team, so their age, eligibility, bookings and
    /// whether they are already known are not the secretary's to read.
    CannotRegister,
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
    /// Election day has not come for the seat (attendance is recorded on the day or later;
    /// a seat is offered to reserves on the day).
    NotTheDay {
        /// The seat's date.
        date: NaiveDate,
    },
    /// The person is not expected at the seat: they neither hold it nor were recorded there.
    NotExpected,
    /// A time of leaving early must lie inside the task's time.
    LeftOutsideTask {
        /// The task's time.
        window: TimeWindow,
    },
    /// Only the seat of someone recorded as not arrived can be offered to the reserves.
    NotANoShow,
    /// No reserve of the day may take the seat: none stands by, or those who do are not
    /// eligible for the task or are busy at its time.
    NoReserves {
        /// The day's reserves skipped, and why.
        skipped: SkippedReserves,
    },
    /// The seat is already offered to the reserves and not yet taken.
    OfferOpen,
    /// Someone else took the offered seat first.
    OfferTaken,
    /// The offer was not made to this person (an unknown or forged take link).
    NotOffered,
    /// A person is moved to a seat of another election than the one they leave.
    OtherElection,
}

impl Violation {
    /// Its stable code for programs (shown as `double-booked`, `age18`, …).
    pub fn code(&self) -> RefusalCode {
        match self {
            Violation::Ineligible(f) => RefusalCode::Ineligible(f.rule),
            Violation::DoubleBooked { .. } | Violation::EditCreatesDoubleBooking { .. } => {
                RefusalCode::DoubleBooked
            }
            Violation::SeatNotVacant => RefusalCode::SeatNotVacant,
            Violation::NotInvited => RefusalCode::NotInvited,
            Violation::WrongInvitationToken => RefusalCode::WrongInvitationToken,
            Violation::NotYourSeat => RefusalCode::NotYourSeat,
            Violation::Locked { .. } => RefusalCode::Locked,
            Violation::TaskInThePast { .. } => RefusalCode::TaskInThePast,
            Violation::NotTeamMember { .. } => RefusalCode::NotTeamMember,
            Violation::CannotRegister => RefusalCode::CannotRegister,
            Violation::TrustedTask { .. } | Violation::TrustedLinkNotAllowed => {
                RefusalCode::TrustedTask
            }
            Violation::ElectionInactive => RefusalCode::ElectionInactive,
            Violation::DateOutsidePeriod { .. } => RefusalCode::DateOutsidePeriod,
            Violation::LocationNotInElection { .. } => RefusalCode::LocationNotInElection,
            Violation::TeamNotAtLocation { .. } => RefusalCode::TeamNotAtLocation,
            Violation::TaskTypeNotAtLocation { .. } => RefusalCode::TaskTypeNotAtLocation,
            Violation::NoVacantSeat => RefusalCode::NoVacantSeat,
            Violation::HasCompletedTask => RefusalCode::HasCompletedTask,
            Violation::LinkDoesNotCoverSeat => RefusalCode::LinkDoesNotCoverSeat,
            Violation::ElectionActive => RefusalCode::ElectionActive,
            Violation::NotTheDay { .. } => RefusalCode::NotTheDay,
            Violation::NotExpected => RefusalCode::NotExpected,
            Violation::LeftOutsideTask { .. } => RefusalCode::LeftOutsideTask,
            Violation::NotANoShow => RefusalCode::NotANoShow,
            Violation::NoReserves { .. } => RefusalCode::NoReserves,
            Violation::OfferOpen => RefusalCode::OfferOpen,
            Violation::OfferTaken => RefusalCode::OfferTaken,
            Violation::NotOffered => RefusalCode::NotOffered,
            Violation::OtherElection => RefusalCode::OtherElection,
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
            Violation::CannotRegister => {
                "The party cannot register this person for the task. Ask them to sign up through the party's link, or write to the election secretariat.".into()
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
            Violation::NotTheDay { date } => format!(
                "The task is on {}; attendance and reserves wait for that day.",
                format_date(*date)
            ),
            Violation::NotExpected => {
                "The person is not expected at this seat; choose someone who holds it.".into()
            }
            Violation::LeftOutsideTask { window } => format!(
                "The time of leaving must lie within the task's time, {}.",
                window.display(Lang::En)
            ),
            Violation::NotANoShow => {
                "Only the seat of someone recorded as not arrived can be offered to the reserves; record them as not arrived first.".into()
            }
            Violation::NoReserves { skipped } if skipped.total() == 0 => {
                "Nobody stands by as a reserve that day; sign reserves up first.".into()
            }
            Violation::NoReserves { skipped } => format!(
                "None of the day's reserves can take the seat: {}; sign up more reserves.",
                skipped.message_en()
            ),
            Violation::OfferOpen => {
                "The seat is already offered to the reserves; wait for someone to take it.".into()
            }
            Violation::OfferTaken => "Another reserve took the seat first.".into(),
            Violation::NotOffered => "The offer link is not valid for you.".into(),
            Violation::OtherElection => {
                "The new seat belongs to another election; choose a seat in the same election.".into()
            }
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
            Violation::CannotRegister => {
                "Partiet kan ikke registrere personen til opgaven. Bed personen melde sig via partiets link, eller skriv til valgsekretariatet.".into()
            }
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
            Violation::NotTheDay { date } => format!(
                "Opgaven er den {}; fremmøde og reserver venter til den dag.",
                format_date(*date)
            ),
            Violation::NotExpected => {
                "Personen er ikke ventet på denne plads; vælg en, der har pladsen.".into()
            }
            Violation::LeftOutsideTask { window } => format!(
                "Tidspunktet for at gå skal ligge inden for opgavens tid, {}.",
                window.display(Lang::Da)
            ),
            Violation::NotANoShow => {
                "Kun pladsen for en, der er registreret som ikke mødt, kan tilbydes reserverne; registrér personen som ikke mødt først.".into()
            }
            Violation::NoReserves { skipped } if skipped.total() == 0 => {
                "Ingen reserver står til rådighed den dag; tilmeld reserver først.".into()
            }
            Violation::NoReserves { skipped } => format!(
                "Ingen af dagens reserver kan tage pladsen: {}; tilmeld flere reserver.",
                skipped.message_da()
            ),
            Violation::OfferOpen => {
                "Pladsen er allerede tilbudt reserverne; vent på, at en tager den.".into()
            }
            Violation::OfferTaken => "En anden reserve tog pladsen først.".into(),
            Violation::NotOffered => "Tilbudslinket gælder ikke for dig.".into(),
            Violation::OtherElection => "Den nye plads hører til et andet valg; vælg en plads i samme valg.".into(),
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
    pub fn has(&self, code: RefusalCode) -> bool {
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

/// The reserves of a seat's day whom an offer skips, by why: the same checks taking the seat
/// makes (taking it goes through the checks every route onto a seat makes), so nobody is sent a take link that would refuse
/// them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedReserves {
    /// Not eligible for the task (the election type's rules, when its task type checks them).
    pub ineligible: u32,
    /// Holding or invited to a seat at an overlapping time.
    pub busy: u32,
}

impl SkippedReserves {
    /// How many were skipped.
    pub fn total(&self) -> u32 {
        self.ineligible.saturating_add(self.busy)
    }

    /// Why, in Danish: "2 er ikke valgbare til opgaven, 1 har en anden opgave på det
    /// tidspunkt" (empty when nobody was skipped).
    pub fn message_da(&self) -> String {
        let mut parts = Vec::new();
        if self.ineligible > 0 {
            let adjective = if self.ineligible == 1 {
                "valgbar"
            } else {
                "valgbare"
            };
            parts.push(format!(
                "{} er ikke {adjective} til opgaven",
                self.ineligible
            ));
        }
        if self.busy > 0 {
            parts.push(format!(
                "{} har en anden opgave på det tidspunkt",
                self.busy
            ));
        }
        parts.join(", ")
    }

    /// Why, in English: "2 are not eligible for the task, 1 has another task at that time".
    pub fn message_en(&self) -> String {
        let mut parts = Vec::new();
        if self.ineligible > 0 {
            let verb = if self.ineligible == 1 { "is" } else { "are" };
            parts.push(format!(
                "{} {verb} not eligible for the task",
                self.ineligible
            ));
        }
        if self.busy > 0 {
            let verb = if self.busy == 1 { "has" } else { "have" };
            parts.push(format!("{} {verb} another task at that time", self.busy));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EligibilityRule;

    /// The codes are a contract with hosts and their tests: each renders as the text it has
    /// always had, and serializes as that text.
    #[test]
    fn refusal_codes_render_as_their_stable_text() {
        let cases = [
            (RefusalCode::Ineligible(RuleId::Alive), "alive"),
            (
                RefusalCode::Ineligible(RuleId::Rule(EligibilityRule::Age18OnElectionDay)),
                "age18",
            ),
            (RefusalCode::DoubleBooked, "double-booked"),
            (RefusalCode::SeatNotVacant, "seat-not-vacant"),
            (RefusalCode::NotInvited, "not-invited"),
            (RefusalCode::WrongInvitationToken, "wrong-invitation-token"),
            (RefusalCode::NotYourSeat, "not-your-seat"),
            (RefusalCode::Locked, "locked"),
            (RefusalCode::TaskInThePast, "task-in-the-past"),
            (RefusalCode::NotTeamMember, "not-team-member"),
            (RefusalCode::TrustedTask, "trusted-task"),
            (RefusalCode::ElectionInactive, "election-inactive"),
            (RefusalCode::DateOutsidePeriod, "date-outside-period"),
            (
                RefusalCode::LocationNotInElection,
                "location-not-in-election",
            ),
            (RefusalCode::TeamNotAtLocation, "team-not-at-location"),
            (
                RefusalCode::TaskTypeNotAtLocation,
                "task-type-not-at-location",
            ),
            (RefusalCode::NoVacantSeat, "no-vacant-seat"),
            (RefusalCode::HasCompletedTask, "has-completed-task"),
            (
                RefusalCode::LinkDoesNotCoverSeat,
                "link-does-not-cover-seat",
            ),
            (RefusalCode::ElectionActive, "election-active"),
            (RefusalCode::CannotRegister, "cannot-register"),
            (RefusalCode::NotTheDay, "not-the-day"),
            (RefusalCode::NotExpected, "not-expected"),
            (RefusalCode::LeftOutsideTask, "left-outside-task"),
            (RefusalCode::NotANoShow, "not-a-no-show"),
            (RefusalCode::NoReserves, "no-reserves"),
            (RefusalCode::OfferOpen, "offer-open"),
            (RefusalCode::OfferTaken, "offer-taken"),
            (RefusalCode::NotOffered, "not-offered"),
            (RefusalCode::OtherElection, "other-election"),
        ];
        for (code, text) in cases {
            assert_eq!(code.to_string(), text);
            assert_eq!(
                serde_json::to_string(&code).expect("json"),
                format!("\"{text}\"")
            );
        }
        let refused = Refused::one(Violation::TrustedLinkNotAllowed);
        assert!(refused.has(RefusalCode::TrustedTask));
        assert!(!refused.has(RefusalCode::Locked));
    }
}
