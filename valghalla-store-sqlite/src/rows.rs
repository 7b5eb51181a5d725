//! How records map to rows: the table of each kind, the columns copied out of a record for
//! constraints and queries, and the JSON document.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use valghalla_core::model::{Record, RecordKey, RecordKind, SeatState, SlotKey};

use crate::error::{corrupt_json, encode_failed};
use valghalla_core::store::StoreError;

/// The table that holds a kind (the kind's stable name).
pub(crate) fn table(kind: RecordKind) -> &'static str {
    kind.name()
}

/// The primary-key value of a record key (the one municipality and communication rows have
/// id 1).
pub(crate) fn key_id(key: &RecordKey) -> Value {
    match key {
        RecordKey::Municipality | RecordKey::Communication => Value::Integer(1),
        other => Value::Text(other.id_string()),
    }
}

/// An instant as nanoseconds since the epoch; instants outside 1677–2262 saturate (they still
/// order correctly against every instant inside that range).
pub(crate) fn nanos(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(if t.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

pub(crate) fn date(d: NaiveDate) -> Value {
    Value::Text(d.format("%Y-%m-%d").to_string())
}

pub(crate) fn text(s: impl ToString) -> Value {
    Value::Text(s.to_string())
}

fn opt_text(s: Option<impl ToString>) -> Value {
    s.map_or(Value::Null, |s| Value::Text(s.to_string()))
}

/// The slot columns, in the order `election_id, work_location_id, task_type_id, team_id, date`.
pub(crate) fn slot_values(slot: &SlotKey) -> [Value; 5] {
    [
        text(slot.election),
        text(slot.work_location),
        text(slot.task_type),
        text(slot.team),
        date(slot.date),
    ]
}

/// The columns a record's table has besides `id`, `doc` and `version`, with their values.
pub(crate) fn columns(record: &Record) -> Vec<(&'static str, Value)> {
    match record {
        Record::WorkLocation(w) => vec![("area_id", text(w.area))],
        Record::Election(e) => vec![("election_type_id", text(e.election_type))],
        Record::Participant(p) => vec![("cpr", Value::Text(p.cpr.reveal()))],
        Record::Link(l) => vec![("token", text(l.token.as_str()))],
        Record::Thread(t) => vec![("participant_id", text(t.participant))],
        Record::Note(n) => vec![("participant_id", text(n.participant))],
        Record::Seat(s) => {
            let [e, w, t, team, d] = slot_values(&s.slot);
            let state = match s.state {
                SeatState::Vacant => "vacant",
                SeatState::Invited { .. } => "invited",
                SeatState::Accepted { .. } => "accepted",
            };
            vec![
                ("election_id", e),
                ("work_location_id", w),
                ("task_type_id", t),
                ("team_id", team),
                ("date", d),
                ("state", text(state)),
                ("participant_id", opt_text(s.state.participant())),
            ]
        }
        Record::Rejection(r) => {
            let [e, w, t, team, d] = slot_values(&r.slot);
            vec![
                ("election_id", e),
                ("work_location_id", w),
                ("task_type_id", t),
                ("team_id", team),
                ("date", d),
                ("seat_id", text(r.seat)),
                ("participant_id", text(r.participant)),
            ]
        }
        Record::Municipality(_)
        | Record::Area(_)
        | Record::TaskType(_)
        | Record::Team(_)
        | Record::SpecialDiet(_)
        | Record::ElectionType(_)
        | Record::Communication(_)
        | Record::Attendance(_)
        | Record::Reserve(_)
        | Record::SeatOffer(_) => Vec::new(),
    }
}

/// How many of a kind's leading [`columns`] place the record rather than describe its state: a
/// seat's slot. They are set when the record is created and in practice never change.
fn place_columns(kind: RecordKind) -> usize {
    match kind {
        RecordKind::Seat => 5,
        _ => 0,
    }
}

/// `UPDATE …` of an existing record whose place (see [`place_columns`]) is unchanged: sets the
/// other columns and the document and adds one to the version; changes no row when the place
/// differs. Parameters as in [`upsert_sql`].
///
/// Why not always the upsert: its `DO UPDATE` sets every column, and SQLite rewrites every index
/// entry of a column it sets, equal or not. A seat's state change through the upsert rewrote the
/// entries of all five seat indexes (about 4 more WAL pages per command: 18 instead of 14).
pub(crate) fn update_sql(kind: RecordKind, columns: &[&str]) -> String {
    let t = table(kind);
    let fixed = place_columns(kind).min(columns.len());
    let mut sets = String::new();
    let mut place = String::new();
    for (i, n) in columns.iter().enumerate() {
        if i < fixed {
            place.push_str(&format!(" AND {n} = ?{}", i + 2));
        } else {
            sets.push_str(&format!("{n} = ?{}, ", i + 2));
        }
    }
    let doc = columns.len() + 2;
    format!("UPDATE {t} SET {sets}doc = ?{doc}, version = version + 1 WHERE id = ?1{place}")
}

/// `INSERT … ON CONFLICT (id) DO UPDATE …` for a record with these columns: inserts at
/// version 1 or replaces and adds one to the version.
pub(crate) fn upsert_sql(kind: RecordKind, columns: &[&str]) -> String {
    let t = table(kind);
    let mut cols = String::from("id");
    let mut params = String::from("?1");
    let mut sets = String::new();
    for (i, n) in columns.iter().enumerate() {
        cols.push_str(", ");
        cols.push_str(n);
        params.push_str(&format!(", ?{}", i + 2));
        sets.push_str(&format!("{n} = excluded.{n}, "));
    }
    let doc = columns.len() + 2;
    format!(
        "INSERT INTO {t} ({cols}, doc, version) VALUES ({params}, ?{doc}, 1) \
         ON CONFLICT (id) DO UPDATE SET {sets}doc = excluded.doc, version = {t}.version + 1"
    )
}

/// The record's entity as JSON (without the `Record` enum's tag: the table says the kind).
pub(crate) fn encode(record: &Record) -> Result<String, StoreError> {
    let r = match record {
        Record::Municipality(x) => serde_json::to_string(x),
        Record::Area(x) => serde_json::to_string(x),
        Record::WorkLocation(x) => serde_json::to_string(x),
        Record::TaskType(x) => serde_json::to_string(x),
        Record::Team(x) => serde_json::to_string(x),
        Record::SpecialDiet(x) => serde_json::to_string(x),
        Record::ElectionType(x) => serde_json::to_string(x),
        Record::Election(x) => serde_json::to_string(x),
        Record::Seat(x) => serde_json::to_string(x),
        Record::Participant(x) => serde_json::to_string(x),
        Record::Rejection(x) => serde_json::to_string(x),
        Record::Link(x) => serde_json::to_string(x),
        Record::Communication(x) => serde_json::to_string(x),
        Record::Thread(x) => serde_json::to_string(x),
        Record::Attendance(x) => serde_json::to_string(x),
        Record::Reserve(x) => serde_json::to_string(x),
        Record::SeatOffer(x) => serde_json::to_string(x),
        Record::Note(x) => serde_json::to_string(x),
    };
    r.map_err(|e| encode_failed(record.key().kind(), &e))
}

/// Decodes a stored document of `kind`; `id` only names the row in an error.
pub(crate) fn decode(
    kind: RecordKind,
    id: &dyn Fn() -> String,
    doc: &str,
) -> Result<Record, StoreError> {
    let r = match kind {
        RecordKind::Municipality => serde_json::from_str(doc).map(Record::Municipality),
        RecordKind::Area => serde_json::from_str(doc).map(Record::Area),
        RecordKind::WorkLocation => serde_json::from_str(doc).map(Record::WorkLocation),
        RecordKind::TaskType => serde_json::from_str(doc).map(Record::TaskType),
        RecordKind::Team => serde_json::from_str(doc).map(Record::Team),
        RecordKind::SpecialDiet => serde_json::from_str(doc).map(Record::SpecialDiet),
        RecordKind::ElectionType => serde_json::from_str(doc).map(Record::ElectionType),
        RecordKind::Election => serde_json::from_str(doc).map(Record::Election),
        RecordKind::Seat => serde_json::from_str(doc).map(Record::Seat),
        RecordKind::Participant => serde_json::from_str(doc).map(Record::Participant),
        RecordKind::Rejection => serde_json::from_str(doc).map(Record::Rejection),
        RecordKind::Link => serde_json::from_str(doc).map(Record::Link),
        RecordKind::Communication => serde_json::from_str(doc).map(Record::Communication),
        RecordKind::Thread => serde_json::from_str(doc).map(Record::Thread),
        RecordKind::Attendance => serde_json::from_str(doc).map(Record::Attendance),
        RecordKind::Reserve => serde_json::from_str(doc).map(Record::Reserve),
        RecordKind::SeatOffer => serde_json::from_str(doc).map(Record::SeatOffer),
        RecordKind::Note => serde_json::from_str(doc).map(Record::Note),
    };
    r.map_err(|e| corrupt_json(table(kind), &id(), &e))
}
