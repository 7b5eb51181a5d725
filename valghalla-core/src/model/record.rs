//! Records: the stored form of every entity, and the operations a change is made of.

use serde::{Deserialize, Serialize};

use crate::ids::{
    AreaId, ElectionId, ElectionTypeId, LinkId, NoteId, OfferId, ParticipantId, RejectionId,
    SeatId, SpecialDietId, TaskTypeId, TeamId, ThreadId, WorkLocationId,
};
use crate::messages::CommunicationSettings;
use crate::model::{
    Area, Attendance, Election, ElectionType, Link, Note, Participant, Rejection, Reserve, Seat,
    SeatOffer, SpecialDiet, TaskType, Team, Thread, WorkLocation,
};
use crate::values::{MunicipalityCode, Name};

/// The municipality a store holds: its code (for the residency rule) and name (for messages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Municipality {
    /// Kommunekode.
    pub code: MunicipalityCode,
    /// Name, e.g. "Kolding Kommune".
    pub name: Name,
}

/// Any stored entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(
    missing_docs,
    reason = "each variant holds the entity it is named after"
)]
pub enum Record {
    Municipality(Municipality),
    Area(Area),
    WorkLocation(WorkLocation),
    TaskType(TaskType),
    Team(Team),
    SpecialDiet(SpecialDiet),
    ElectionType(ElectionType),
    Election(Election),
    Seat(Seat),
    Participant(Participant),
    Rejection(Rejection),
    Link(Link),
    /// The one record of message templates and election template choices.
    Communication(CommunicationSettings),
    Thread(Thread),
    /// The attendance at one seat on election day (stored under the seat's id).
    Attendance(Attendance),
    /// The days a participant stands by as a reserve (stored under the participant's id).
    Reserve(Reserve),
    /// A missing person's seat offered to the reserves of the day.
    SeatOffer(SeatOffer),
    /// A secretariat-only note about a participant.
    Note(Note),
}

/// The key of a stored entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(
    missing_docs,
    reason = "each variant holds the id of the entity it is named after"
)]
pub enum RecordKey {
    /// The one municipality record.
    Municipality,
    Area(AreaId),
    WorkLocation(WorkLocationId),
    TaskType(TaskTypeId),
    Team(TeamId),
    SpecialDiet(SpecialDietId),
    ElectionType(ElectionTypeId),
    Election(ElectionId),
    Seat(SeatId),
    Participant(ParticipantId),
    Rejection(RejectionId),
    Link(LinkId),
    /// The one communication-settings record.
    Communication,
    Thread(ThreadId),
    /// A seat's attendance, by the seat's id.
    Attendance(SeatId),
    /// A participant's reserve days, by the participant's id.
    Reserve(ParticipantId),
    SeatOffer(OfferId),
    Note(NoteId),
}

/// The kinds of record, for listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(missing_docs, reason = "one per record variant")]
pub enum RecordKind {
    Municipality,
    Area,
    WorkLocation,
    TaskType,
    Team,
    SpecialDiet,
    ElectionType,
    Election,
    Seat,
    Participant,
    Rejection,
    Link,
    Communication,
    Thread,
    Attendance,
    Reserve,
    SeatOffer,
    Note,
}

impl RecordKind {
    /// Every kind.
    pub const ALL: [RecordKind; 18] = [
        RecordKind::Municipality,
        RecordKind::Area,
        RecordKind::WorkLocation,
        RecordKind::TaskType,
        RecordKind::Team,
        RecordKind::SpecialDiet,
        RecordKind::ElectionType,
        RecordKind::Election,
        RecordKind::Seat,
        RecordKind::Participant,
        RecordKind::Rejection,
        RecordKind::Link,
        RecordKind::Communication,
        RecordKind::Thread,
        RecordKind::Attendance,
        RecordKind::Reserve,
        RecordKind::SeatOffer,
        RecordKind::Note,
    ];

    /// A stable lower-case name (`work_location`, …), used as a table name by stores.
    pub fn name(self) -> &'static str {
        match self {
            RecordKind::Municipality => "municipality",
            RecordKind::Area => "area",
            RecordKind::WorkLocation => "work_location",
            RecordKind::TaskType => "task_type",
            RecordKind::Team => "team",
            RecordKind::SpecialDiet => "special_diet",
            RecordKind::ElectionType => "election_type",
            RecordKind::Election => "election",
            RecordKind::Seat => "seat",
            RecordKind::Participant => "participant",
            RecordKind::Rejection => "rejection",
            RecordKind::Link => "link",
            RecordKind::Communication => "communication",
            RecordKind::Thread => "thread",
            RecordKind::Attendance => "attendance",
            RecordKind::Reserve => "reserve",
            RecordKind::SeatOffer => "seat_offer",
            RecordKind::Note => "note",
        }
    }
}

impl Record {
    /// The record's key.
    pub fn key(&self) -> RecordKey {
        match self {
            Record::Municipality(_) => RecordKey::Municipality,
            Record::Area(x) => RecordKey::Area(x.id),
            Record::WorkLocation(x) => RecordKey::WorkLocation(x.id),
            Record::TaskType(x) => RecordKey::TaskType(x.id),
            Record::Team(x) => RecordKey::Team(x.id),
            Record::SpecialDiet(x) => RecordKey::SpecialDiet(x.id),
            Record::ElectionType(x) => RecordKey::ElectionType(x.id),
            Record::Election(x) => RecordKey::Election(x.id),
            Record::Seat(x) => RecordKey::Seat(x.id),
            Record::Participant(x) => RecordKey::Participant(x.id),
            Record::Rejection(x) => RecordKey::Rejection(x.id),
            Record::Link(x) => RecordKey::Link(x.id),
            Record::Communication(_) => RecordKey::Communication,
            Record::Thread(x) => RecordKey::Thread(x.id),
            Record::Attendance(x) => RecordKey::Attendance(x.seat),
            Record::Reserve(x) => RecordKey::Reserve(x.participant),
            Record::SeatOffer(x) => RecordKey::SeatOffer(x.id),
            Record::Note(x) => RecordKey::Note(x.id),
        }
    }
}

impl RecordKey {
    /// The kind of record the key names.
    pub fn kind(&self) -> RecordKind {
        match self {
            RecordKey::Municipality => RecordKind::Municipality,
            RecordKey::Area(_) => RecordKind::Area,
            RecordKey::WorkLocation(_) => RecordKind::WorkLocation,
            RecordKey::TaskType(_) => RecordKind::TaskType,
            RecordKey::Team(_) => RecordKind::Team,
            RecordKey::SpecialDiet(_) => RecordKind::SpecialDiet,
            RecordKey::ElectionType(_) => RecordKind::ElectionType,
            RecordKey::Election(_) => RecordKind::Election,
            RecordKey::Seat(_) => RecordKind::Seat,
            RecordKey::Participant(_) => RecordKind::Participant,
            RecordKey::Rejection(_) => RecordKind::Rejection,
            RecordKey::Link(_) => RecordKind::Link,
            RecordKey::Communication => RecordKind::Communication,
            RecordKey::Thread(_) => RecordKind::Thread,
            RecordKey::Attendance(_) => RecordKind::Attendance,
            RecordKey::Reserve(_) => RecordKind::Reserve,
            RecordKey::SeatOffer(_) => RecordKind::SeatOffer,
            RecordKey::Note(_) => RecordKind::Note,
        }
    }

    /// The id as text (empty for the municipality and communication records).
    pub fn id_string(&self) -> String {
        match self {
            RecordKey::Municipality | RecordKey::Communication => String::new(),
            RecordKey::Area(id) => id.to_string(),
            RecordKey::WorkLocation(id) => id.to_string(),
            RecordKey::TaskType(id) => id.to_string(),
            RecordKey::Team(id) => id.to_string(),
            RecordKey::SpecialDiet(id) => id.to_string(),
            RecordKey::ElectionType(id) => id.to_string(),
            RecordKey::Election(id) => id.to_string(),
            RecordKey::Seat(id) => id.to_string(),
            RecordKey::Participant(id) => id.to_string(),
            RecordKey::Rejection(id) => id.to_string(),
            RecordKey::Link(id) => id.to_string(),
            RecordKey::Thread(id) => id.to_string(),
            RecordKey::Attendance(id) => id.to_string(),
            RecordKey::Reserve(id) => id.to_string(),
            RecordKey::SeatOffer(id) => id.to_string(),
            RecordKey::Note(id) => id.to_string(),
        }
    }
}

/// One write in a change.
#[allow(
    clippy::large_enum_variant,
    reason = "a handful of ops per command; boxing records would only add noise"
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Op {
    /// Create or replace a record.
    Put(Record),
    /// Delete a record.
    Delete(RecordKey),
    /// Bump a record's version without changing it: a lock that makes two concurrent commands on
    /// the same participant conflict (e.g. booking two seats at once).
    Touch(RecordKey),
}

impl Op {
    /// The key the op writes.
    pub fn key(&self) -> RecordKey {
        match self {
            Op::Put(r) => r.key(),
            Op::Delete(k) | Op::Touch(k) => *k,
        }
    }
}

/// An entity that is stored as one [`Record`] variant, for typed access to a store.
pub trait Entity: Sized + Clone {
    /// Its id type.
    type Id: Copy + std::fmt::Display;
    /// Its kind.
    const KIND: RecordKind;
    /// The key of the entity with `id`.
    fn key_of(id: Self::Id) -> RecordKey;
    /// Its own key.
    fn key(&self) -> RecordKey;
    /// Unwraps a record of this kind.
    fn from_record(record: Record) -> Option<Self>;
    /// Wraps it as a record.
    fn into_record(self) -> Record;
}

macro_rules! entity {
    ($ty:ident, $id:ident) => {
        impl Entity for $ty {
            type Id = $id;
            const KIND: RecordKind = RecordKind::$ty;
            fn key_of(id: $id) -> RecordKey {
                RecordKey::$ty(id)
            }
            fn key(&self) -> RecordKey {
                RecordKey::$ty(self.id)
            }
            fn from_record(record: Record) -> Option<Self> {
                match record {
                    Record::$ty(x) => Some(x),
                    _ => None,
                }
            }
            fn into_record(self) -> Record {
                Record::$ty(self)
            }
        }
    };
}

entity!(Area, AreaId);
entity!(WorkLocation, WorkLocationId);
entity!(TaskType, TaskTypeId);
entity!(Team, TeamId);
entity!(SpecialDiet, SpecialDietId);
entity!(ElectionType, ElectionTypeId);
entity!(Election, ElectionId);
entity!(Seat, SeatId);
entity!(Participant, ParticipantId);
entity!(Rejection, RejectionId);
entity!(Link, LinkId);

/// An entity stored under another entity's id (a seat's attendance, a person's reserve days).
macro_rules! keyed_entity {
    ($ty:ident, $field:ident, $id:ident) => {
        impl Entity for $ty {
            type Id = $id;
            const KIND: RecordKind = RecordKind::$ty;
            fn key_of(id: $id) -> RecordKey {
                RecordKey::$ty(id)
            }
            fn key(&self) -> RecordKey {
                RecordKey::$ty(self.$field)
            }
            fn from_record(record: Record) -> Option<Self> {
                match record {
                    Record::$ty(x) => Some(x),
                    _ => None,
                }
            }
            fn into_record(self) -> Record {
                Record::$ty(self)
            }
        }
    };
}

keyed_entity!(Attendance, seat, SeatId);
keyed_entity!(Reserve, participant, ParticipantId);
entity!(SeatOffer, OfferId);
entity!(Thread, ThreadId);
entity!(Note, NoteId);
