//! Decoded master data, kept per connection.
//!
//! A command reads the municipality, every election type and task type, and its seat's election,
//! work location and team; decoding their JSON was about half of its reading time. Master data
//! rarely changes, so each connection keeps what it decoded, keyed by row and checked against
//! the row's version on every read: the statement still runs, only the decoding is skipped.
//!
//! A version names one content of a row except when a row is deleted and inserted again (it
//! starts over at 1). This connection forgets the rows it deletes; when another connection has
//! committed anything (`PRAGMA data_version` changed), everything is forgotten.

use std::collections::HashMap;

use rusqlite::Connection;
use valghalla_core::model::{Record, RecordKey, RecordKind, Versioned};
use valghalla_core::store::StoreError;

use crate::error::map_sqlite;
use crate::rows::key_id;

/// The decoded records of one connection.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    /// `PRAGMA data_version` when the records were last known to be current.
    data_version: Option<i64>,
    records: HashMap<RecordKind, HashMap<String, Versioned<Record>>>,
}

impl Decoded {
    /// Whether records of `kind` are kept: master data, which commands read all the time and
    /// which changes seldom (not seats, participants, rejections or links).
    pub(crate) fn keeps(kind: RecordKind) -> bool {
        match kind {
            RecordKind::Municipality
            | RecordKind::Area
            | RecordKind::WorkLocation
            | RecordKind::TaskType
            | RecordKind::Team
            | RecordKind::SpecialDiet
            | RecordKind::ElectionType
            | RecordKind::Election
            | RecordKind::Communication => true,
            RecordKind::Seat
            | RecordKind::Participant
            | RecordKind::Rejection
            | RecordKind::Link => false,
        }
    }

    /// Forgets everything if another connection has committed since the last call. Call it at
    /// the start of every read transaction, inside it.
    pub(crate) fn check(&mut self, conn: &Connection) -> Result<(), StoreError> {
        let now: i64 = conn
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(|e| map_sqlite(e, None))?;
        if self.data_version != Some(now) {
            self.records.clear();
            self.data_version = Some(now);
        }
        Ok(())
    }

    /// The record of `kind` in row `id` at `version`, if it was decoded before.
    pub(crate) fn get(&self, kind: RecordKind, id: &str, version: u64) -> Option<Record> {
        self.records
            .get(&kind)?
            .get(id)
            .filter(|v| v.version == version)
            .map(|v| v.value.clone())
    }

    /// Keeps a record just decoded from row `id`, if its kind is kept.
    pub(crate) fn keep(&mut self, id: &str, record: &Versioned<Record>) {
        let kind = record.value.key().kind();
        if Decoded::keeps(kind) {
            self.records
                .entry(kind)
                .or_default()
                .insert(id.to_owned(), record.clone());
        }
    }

    /// Forgets the row of `key` (it is being deleted).
    pub(crate) fn forget(&mut self, key: &RecordKey) {
        let id = match key_id(key) {
            rusqlite::types::Value::Text(s) => s,
            rusqlite::types::Value::Integer(i) => i.to_string(),
            _ => return,
        };
        if let Some(rows) = self.records.get_mut(&key.kind()) {
            rows.remove(&id);
        }
    }
}
