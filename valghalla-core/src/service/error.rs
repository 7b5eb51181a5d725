//! What a command or query can end in besides success, kept in two kinds (as cedar does):
//!
//! - **outcomes**: the command is not allowed or not possible as asked — a denial, a refusal
//!   by the rules, invalid input, something missing, a conflict with the data. A host shows
//!   them to the user, in Danish ([`DanishMessage`]) or English (`Display`);
//! - **failures** ([`Error::Failed`] with a [`Failure`]): what the service runs on failed — the
//!   store, the CPR registry, the data kept changing, a calendar file the host's settings or
//!   the stored task cannot make. A host logs them and asks the user to try again later.
//!
//! Both enums are `#[non_exhaustive]`: a new kind of error is not a breaking change. The rules'
//! own reasons, [`Violation`](crate::rules::Violation), stay exhaustive: a host should notice
//! a new rule.

use chrono::NaiveDate;

use crate::apportion::staffing::StaffingError;
use crate::autofill::SolveError;
use crate::cpr::Cpr;
use crate::ids::MessageId;
use crate::messages::calendar::CalendarError;
use crate::messages::{LibraryError, TemplateError};
use crate::model::{RecordKey, RecordKind};
use crate::rules::access::Denied;
use crate::rules::{RefusalCode, Refused};
use crate::store::StoreError;
use crate::time::format_date;
use crate::values::{DanishMessage, FieldError};

use super::MAX_ATTEMPTS;
use super::ports::RegistryError;

/// Everything that can go wrong in a command or query (see the module docs).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The actor may not do this.
    #[error("not allowed: {0}")]
    Denied(#[from] Denied),
    /// A rule refused the command; every reason is listed.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// Input was invalid.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Something the command names does not exist.
    #[error("{what} does not exist")]
    NotFound {
        /// What was not found.
        what: Missing,
    },
    /// The command conflicts with the data as it is (a name in use, something still in use).
    #[error(transparent)]
    Conflict(#[from] Conflict),
    /// The municipality has not been set up (call `set_municipality` first).
    #[error("the municipality is not set up yet; set its code and name first")]
    NotConfigured,
    /// The CPR registry has no person with the number.
    #[error("the CPR registry has no person with CPR number {0}")]
    NotInRegistry(Cpr),
    /// A message template was refused (unknown tokens, empty body, …).
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A change to the template library was refused (default template, duplicate title, …).
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// No staffing could be proposed from the council's input.
    #[error(transparent)]
    Staffing(#[from] StaffingError),
    /// What the service runs on failed, not the command: try again later.
    #[error(transparent)]
    Failed(#[from] Failure),
}

/// What a command named that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Missing {
    /// A record.
    Record(RecordKey),
    /// A message in the outbox.
    Message(MessageId),
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::Record(key) => write!(f, "{} {}", key.kind().name(), key.id_string()),
            Missing::Message(id) => write!(f, "message {id}"),
        }
    }
}

/// A failure of what the service runs on (see [`Error::Failed`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Failure {
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// The data kept changing under the command ([`MAX_ATTEMPTS`] conflicts in a row).
    #[error("the data changed {MAX_ATTEMPTS} times while the command ran; try again")]
    Busy,
    /// The CPR registry could not be reached or answered with an error.
    #[error("the CPR registry is unavailable: {0}")]
    Registry(String),
    /// The auto-fill solver refused its instance (a bug: the service builds valid instances).
    #[error("auto-fill: {0}")]
    AutoFill(SolveError),
    /// A calendar file could not be made: the host's calendar domain is not a domain name, or
    /// the stored task's window is empty. Not the asker's doing: the request was fine, what it
    /// runs on is not.
    #[error(transparent)]
    Calendar(CalendarError),
}

impl Error {
    pub(crate) fn not_found(key: RecordKey) -> Self {
        Error::NotFound {
            what: Missing::Record(key),
        }
    }

    pub(crate) fn busy() -> Self {
        Error::Failed(Failure::Busy)
    }

    /// Whether the error is a refusal with a violation of `code`.
    pub fn is_refused(&self, code: RefusalCode) -> bool {
        matches!(self, Error::Refused(r) if r.has(code))
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Failed(Failure::Store(e))
    }
}

impl From<RegistryError> for Error {
    fn from(e: RegistryError) -> Self {
        match e {
            RegistryError::NotFound(cpr) => Error::NotInRegistry(cpr),
            RegistryError::Unavailable(why) => Error::Failed(Failure::Registry(why)),
        }
    }
}

impl From<SolveError> for Error {
    fn from(e: SolveError) -> Self {
        Error::Failed(Failure::AutoFill(e))
    }
}

impl From<CalendarError> for Error {
    fn from(e: CalendarError) -> Self {
        Error::Failed(Failure::Calendar(e))
    }
}

impl From<crate::exchange::ExchangeError> for Error {
    /// A file that cannot be used as a whole (e.g. a missing column) is invalid input.
    fn from(e: crate::exchange::ExchangeError) -> Self {
        Error::Invalid(FieldError::new(
            "file",
            "fil",
            e.to_string(),
            e.message_da(),
        ))
    }
}

impl DanishMessage for Error {
    fn message_da(&self) -> String {
        match self {
            Error::Denied(_) => "Du har ikke adgang til dette.".into(),
            Error::Refused(r) => r.message_da(),
            Error::Invalid(f) => f.message_da(),
            Error::NotFound { .. } => "Det findes ikke (længere).".into(),
            Error::Conflict(c) => c.message_da(),
            Error::NotConfigured => "Kommunen er ikke sat op endnu.".into(),
            Error::NotInRegistry(_) => "CPR-registret kender ikke personen.".into(),
            Error::Template(e) => e.message_da(),
            Error::Library(e) => e.message_da(),
            Error::Staffing(e) => e.message_da(),
            Error::Failed(f) => f.message_da(),
        }
    }
}

impl DanishMessage for Failure {
    fn message_da(&self) -> String {
        match self {
            Failure::Store(_) => "Der opstod en fejl ved lagring; prøv igen.".into(),
            Failure::Busy => "Data blev ændret imens; prøv igen.".into(),
            Failure::Registry(_) => "CPR-registret svarer ikke; prøv igen senere.".into(),
            Failure::AutoFill(_) => "Den automatiske udfyldning fejlede.".into(),
            Failure::Calendar(_) => "Kalenderfilen kunne ikke laves; prøv igen senere.".into(),
        }
    }
}

/// A change that would lose seats someone is invited to or holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatLosingChange {
    /// An edit of a work location (its teams, task types or elections).
    WorkLocationEdit,
    /// Deleting a work location.
    WorkLocationDeletion,
    /// Deleting a team or a task type.
    Deletion,
}

/// A command that conflicts with the data as it is, with what to do about it, in English
/// (`Display`) and Danish ([`DanishMessage`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Conflict {
    /// Another record of the kind has the name (names are unique, ignoring case).
    #[error("{} '{name}' already exists; choose another name", article_en(*kind))]
    NameTaken {
        /// The kind: an area, a work location, a task type, a team or a special diet.
        kind: RecordKind,
        /// The name.
        name: String,
    },
    /// An election with the title already exists on the election day.
    #[error("an election called '{title}' on {day} already exists")]
    ElectionExists {
        /// The title.
        title: String,
        /// The election day.
        day: NaiveDate,
    },
    /// A participant with the CPR number already exists.
    #[error("a participant with this CPR number already exists")]
    CprTaken,
    /// The participant still has tasks ahead.
    #[error("the participant still has upcoming tasks; remove them from their seats first")]
    UpcomingTasks,
    /// No anonymous CPR number is left for the participant's birth year.
    #[error("no anonymous CPR number left for that birth year")]
    NoAnonymousCpr,
    /// Seats someone is invited to or holds would be lost by the change.
    #[error(
        "{seats} seat(s) with an invited or accepted participant would be lost by {}; remove those participants first",
        change_en(*change)
    )]
    TakenSeats {
        /// How many.
        seats: usize,
        /// The change.
        change: SeatLosingChange,
    },
    /// The area still has work locations.
    #[error("the area '{area}' still has work locations; move or delete them first")]
    AreaHasWorkLocations {
        /// The area's name.
        area: String,
    },
    /// The last area cannot be deleted.
    #[error("at least one area must remain")]
    LastArea,
    /// The work location is part of an active election.
    #[error(
        "'{location}' is part of an active election; deactivate the election or remove the location from it first"
    )]
    LocationInActiveElection {
        /// The work location's title.
        location: String,
    },
    /// A member of the team has no other team.
    #[error("{member} has no other team; move or delete the team's members first")]
    MemberHasNoOtherTeam {
        /// The member's name (the secretariat may read it).
        member: String,
    },
    /// Only a message whose delivery failed can be sent again.
    #[error("the message has not failed, so it cannot be sent again")]
    MessageNotFailed,
    /// The election type is used by an election.
    #[error("the election type '{election_type}' is in use")]
    ElectionTypeInUse {
        /// The election type's title.
        election_type: String,
    },
}

fn article_en(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Area => "An area",
        RecordKind::WorkLocation => "A work location",
        RecordKind::TaskType => "A task type",
        RecordKind::Team => "A team",
        RecordKind::SpecialDiet => "A special diet",
        _ => "A record",
    }
}

fn change_en(change: SeatLosingChange) -> &'static str {
    match change {
        SeatLosingChange::WorkLocationEdit => "this change to the work location",
        SeatLosingChange::WorkLocationDeletion => "deleting the work location",
        SeatLosingChange::Deletion => "this deletion",
    }
}

impl DanishMessage for Conflict {
    fn message_da(&self) -> String {
        match self {
            Conflict::NameTaken { kind, name } => {
                let what = match kind {
                    RecordKind::Area => "et område med navnet",
                    RecordKind::WorkLocation => "et arbejdssted med titlen",
                    RecordKind::TaskType => "en opgavetype med titlen",
                    RecordKind::Team => "et team med navnet",
                    RecordKind::SpecialDiet => "en specialkost med navnet",
                    _ => "noget med navnet",
                };
                format!("Der findes allerede {what} '{name}'; vælg et andet navn.")
            }
            Conflict::ElectionExists { title, day } => format!(
                "Der findes allerede et valg med titlen '{title}' den {}.",
                format_date(*day)
            ),
            Conflict::CprTaken => "Der findes allerede en deltager med dette CPR-nummer.".into(),
            Conflict::UpcomingTasks => {
                "Deltageren har stadig kommende opgaver; fjern vedkommende fra pladserne først."
                    .into()
            }
            Conflict::NoAnonymousCpr => {
                "Der er ikke flere anonyme CPR-numre til det fødselsår.".into()
            }
            Conflict::TakenSeats { seats, change } => {
                let by = match change {
                    SeatLosingChange::WorkLocationEdit => "denne ændring af arbejdsstedet",
                    SeatLosingChange::WorkLocationDeletion => "sletning af arbejdsstedet",
                    SeatLosingChange::Deletion => "denne sletning",
                };
                format!(
                    "{seats} plads(er) med en inviteret eller tilmeldt deltager ville gå tabt ved {by}; fjern først de deltagere fra pladserne."
                )
            }
            Conflict::AreaHasWorkLocations { area } => {
                format!("Området '{area}' har stadig arbejdssteder; flyt eller slet dem først.")
            }
            Conflict::LastArea => "Der skal være mindst ét område.".into(),
            Conflict::LocationInActiveElection { location } => format!(
                "'{location}' er med i et aktivt valg; deaktivér valget, eller fjern arbejdsstedet fra det først."
            ),
            Conflict::MemberHasNoOtherTeam { member } => format!(
                "{member} er ikke med i andre teams; flyt eller slet teamets medlemmer først."
            ),
            Conflict::MessageNotFailed => {
                "Beskeden er ikke fejlet, så den kan ikke sendes igen.".into()
            }
            Conflict::ElectionTypeInUse { election_type } => {
                format!("Valgtypen '{election_type}' er i brug.")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A conflict tells the user what to do in both languages: the Danish message is Danish,
    /// not the English one (as it was when a conflict was only a string).
    #[test]
    fn a_conflict_is_told_in_english_and_in_danish() {
        let err = Error::from(Conflict::NameTaken {
            kind: RecordKind::Team,
            name: "Venstre".into(),
        });
        assert_eq!(
            err.to_string(),
            "A team 'Venstre' already exists; choose another name"
        );
        assert_eq!(
            err.message_da(),
            "Der findes allerede et team med navnet 'Venstre'; vælg et andet navn."
        );
        let err = Error::from(Conflict::TakenSeats {
            seats: 2,
            change: SeatLosingChange::WorkLocationDeletion,
        });
        assert!(
            err.to_string()
                .contains("lost by deleting the work location")
        );
        assert!(err.message_da().contains("ved sletning af arbejdsstedet"));
    }

    #[test]
    fn infrastructure_failures_are_apart_from_outcomes() {
        let store = Error::from(StoreError::Unavailable {
            store: "test",
            message: "down".into(),
        });
        assert!(matches!(store, Error::Failed(Failure::Store(_))));
        let registry = Error::from(RegistryError::Unavailable("timeout".into()));
        assert!(matches!(registry, Error::Failed(Failure::Registry(_))));
        let unknown = Error::from(RegistryError::NotFound(
            Cpr::parse("0101901234").expect("cpr"),
        ));
        assert!(matches!(unknown, Error::NotInRegistry(_)));
        let calendar = Error::from(CalendarError::Domain("not a domain".into()));
        assert!(matches!(calendar, Error::Failed(Failure::Calendar(_))));
        assert_eq!(unknown.message_da(), "CPR-registret kender ikke personen.");
    }
}
