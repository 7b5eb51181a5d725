//! How records and values are stored: each record is a JSON document of the entity (without
//! the `Record` wrapper) in its kind's table, keyed by its id as a UUID; instants are
//! nanoseconds since the Unix epoch.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;
use valghalla_core::model::{Record, RecordKey, RecordKind, Versioned};
use valghalla_core::store::StoreError;

use crate::error::{self, STORE, corrupt, map};

/// An instant as nanoseconds since the Unix epoch (exact, so ordering and filters agree with
/// the in-memory store); instants outside 1677–2262 saturate.
pub(crate) fn nanos(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(if t.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

pub(crate) fn to_json<T: Serialize>(what: &str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| error::encode(what, &e))
}

pub(crate) fn from_json<T: DeserializeOwned>(what: &str, doc: &str) -> Result<T, StoreError> {
    serde_json::from_str(doc).map_err(|e| corrupt(what, &e))
}

/// The id column of a key (the nil UUID for the one municipality and communication records).
pub(crate) fn key_uuid(key: &RecordKey) -> Uuid {
    match key {
        RecordKey::Municipality | RecordKey::Communication => Uuid::nil(),
        RecordKey::Area(id) => id.as_uuid(),
        RecordKey::WorkLocation(id) => id.as_uuid(),
        RecordKey::TaskType(id) => id.as_uuid(),
        RecordKey::Team(id) => id.as_uuid(),
        RecordKey::SpecialDiet(id) => id.as_uuid(),
        RecordKey::ElectionType(id) => id.as_uuid(),
        RecordKey::Election(id) => id.as_uuid(),
        RecordKey::Seat(id) => id.as_uuid(),
        RecordKey::Participant(id) => id.as_uuid(),
        RecordKey::Rejection(id) => id.as_uuid(),
        RecordKey::Link(id) => id.as_uuid(),
        RecordKey::Thread(id) => id.as_uuid(),
        RecordKey::Attendance(id) => id.as_uuid(),
        RecordKey::Reserve(id) => id.as_uuid(),
        RecordKey::SeatOffer(id) => id.as_uuid(),
        RecordKey::Note(id) => id.as_uuid(),
    }
}

/// The document stored for a record: the entity itself, without the `Record` wrapper.
pub(crate) fn encode_record(record: &Record) -> Result<String, StoreError> {
    const WHAT: &str = "a record";
    match record {
        Record::Municipality(x) => to_json(WHAT, x),
        Record::Area(x) => to_json(WHAT, x),
        Record::WorkLocation(x) => to_json(WHAT, x),
        Record::TaskType(x) => to_json(WHAT, x),
        Record::Team(x) => to_json(WHAT, x),
        Record::SpecialDiet(x) => to_json(WHAT, x),
        Record::ElectionType(x) => to_json(WHAT, x),
        Record::Election(x) => to_json(WHAT, x),
        Record::Seat(x) => to_json(WHAT, x),
        Record::Participant(x) => to_json(WHAT, x),
        Record::Rejection(x) => to_json(WHAT, x),
        Record::Link(x) => to_json(WHAT, x),
        Record::Communication(x) => to_json(WHAT, x),
        Record::Thread(x) => to_json(WHAT, x),
        Record::Attendance(x) => to_json(WHAT, x),
        Record::Reserve(x) => to_json(WHAT, x),
        Record::SeatOffer(x) => to_json(WHAT, x),
        Record::Note(x) => to_json(WHAT, x),
    }
}

pub(crate) fn decode_record(kind: RecordKind, doc: &str) -> Result<Record, StoreError> {
    let what = kind.name();
    Ok(match kind {
        RecordKind::Municipality => Record::Municipality(from_json(what, doc)?),
        RecordKind::Area => Record::Area(from_json(what, doc)?),
        RecordKind::WorkLocation => Record::WorkLocation(from_json(what, doc)?),
        RecordKind::TaskType => Record::TaskType(from_json(what, doc)?),
        RecordKind::Team => Record::Team(from_json(what, doc)?),
        RecordKind::SpecialDiet => Record::SpecialDiet(from_json(what, doc)?),
        RecordKind::ElectionType => Record::ElectionType(from_json(what, doc)?),
        RecordKind::Election => Record::Election(from_json(what, doc)?),
        RecordKind::Seat => Record::Seat(from_json(what, doc)?),
        RecordKind::Participant => Record::Participant(from_json(what, doc)?),
        RecordKind::Rejection => Record::Rejection(from_json(what, doc)?),
        RecordKind::Link => Record::Link(from_json(what, doc)?),
        RecordKind::Communication => Record::Communication(from_json(what, doc)?),
        RecordKind::Thread => Record::Thread(from_json(what, doc)?),
        RecordKind::Attendance => Record::Attendance(from_json(what, doc)?),
        RecordKind::Reserve => Record::Reserve(from_json(what, doc)?),
        RecordKind::SeatOffer => Record::SeatOffer(from_json(what, doc)?),
        RecordKind::Note => Record::Note(from_json(what, doc)?),
    })
}

/// Reads an `(i, version, doc)` row of a batch of reads.
pub(crate) fn versioned(kind: RecordKind, row: &PgRow) -> Result<Versioned<Record>, StoreError> {
    let version: i64 = row.try_get(1).map_err(|e| map(e, None))?;
    let doc: String = row.try_get(2).map_err(|e| map(e, None))?;
    let version = u64::try_from(version).map_err(|_| StoreError::Corrupt {
        store: STORE,
        message: format!("a {} has a negative version", kind.name()),
    })?;
    Ok(Versioned {
        value: decode_record(kind, &doc)?,
        version,
    })
}
