//! The domain model: plain data, typed so that invalid states cannot be built.
//!
//! Entities are constructed from already-parsed values (see [`crate::values`]); the few
//! cross-field invariants (an election's working period contains its election day, …) are
//! checked by constructors that return errors.

mod audit;
mod audit_text;
mod election;
mod election_day;
mod link;
mod master;
mod note;
mod participant;
mod record;
mod seat;
mod thread;

pub use audit::{
    ActorLabel, AuditAction, AuditEntry, AuditFormatError, AuditSubject, Exported, Imported,
};
pub(crate) use audit_text::{AuditEvent, CprLookup, ImportCounts, SeatChange};
pub use election::{
    DateRange, Election, ElectionError, ElectionKind, ElectionType, EligibilityRule,
    MAX_LOCK_PERIOD_DAYS, MAX_WORKING_PERIOD_DAYS, PLAUSIBLE_YEARS, shift_date,
};
pub use election_day::{
    Attendance, AttendanceEntry, AttendanceStatus, OfferRecipient, OfferTaken, Reserve, ReserveDay,
    SeatOffer,
};
pub use link::{Link, LinkAuthor, LinkKind, LinkToken, VacancyFilter};
pub use master::{
    Address, Area, LocationScope, SpecialDiet, TaskType, Team, TeamKind, Trust, WorkLocation,
    title_names_chair,
};
pub use note::{MAX_NOTE_CHARS, Note, parse_note};
pub use participant::{Consent, Contact, CountryCode, Participant, PersonRecord};
pub use record::{Entity, Municipality, Op, Record, RecordKey, RecordKind};
pub use seat::{
    AcceptedVia, InvitationToken, Rejection, RejectionKind, Seat, SeatState, SeatStatus, SlotKey,
};
pub use thread::{
    MAX_POST_CHARS, MAX_SUBJECT_CHARS, Post, PostAuthor, Thread, ThreadState, parse_post,
    parse_subject,
};

/// A stored value with the version the store keeps for optimistic concurrency.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Versioned<T> {
    /// The value.
    pub value: T,
    /// Increases by one with every write.
    pub version: u64,
}
