//! Errors: opening a database ([`OpenError`]) and mapping SQLite's errors into the core's
//! [`StoreError`].

use std::path::PathBuf;

use rusqlite::ErrorCode;
use valghalla_core::model::{RecordKey, RecordKind};
use valghalla_core::store::StoreError;

pub(crate) const STORE: &str = "sqlite";

/// SQLite's extended result codes for constraint violations.
const CONSTRAINT_FOREIGNKEY: i32 = 787;
const CONSTRAINT_PRIMARYKEY: i32 = 1555;
const CONSTRAINT_UNIQUE: i32 = 2067;

/// Why a database could not be opened. Every message names the file and says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The directory the file would be in does not exist.
    #[error(
        "cannot open the valghalla database {path}: the directory {directory} does not exist; create it or choose another path"
    )]
    MissingDirectory {
        /// The database file.
        path: PathBuf,
        /// The missing directory.
        directory: PathBuf,
    },
    /// The file cannot be written (its permissions, a read-only mount, …).
    #[error(
        "cannot open the valghalla database {path} for writing: the file is read-only; make it writable (e.g. chmod u+w) or choose another path"
    )]
    ReadOnly {
        /// The database file.
        path: PathBuf,
    },
    /// The file exists but is not an SQLite database.
    #[error(
        "{path} is not an SQLite database (it is some other kind of file, or damaged); choose another path, or move the file away if a valghalla database should be created there"
    )]
    NotADatabase {
        /// The file.
        path: PathBuf,
    },
    /// The file is an SQLite database of some other application.
    #[error(
        "{path} is an SQLite database, but not a valghalla database (application_id {application_id:#010x}, {objects} schema objects); valghalla will not change it: choose another path"
    )]
    NotValghalla {
        /// The file.
        path: PathBuf,
        /// Its `PRAGMA application_id`.
        application_id: i32,
        /// How many tables, indexes, … it has.
        objects: i64,
    },
    /// The database was written by a newer valghalla; it has not been changed.
    #[error(
        "the valghalla database {path} has schema version {found}, but this valghalla supports only up to version {supported}; upgrade valghalla (the file was not changed)"
    )]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// The schema version found in the file.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },
    /// A migration failed; the database was left at its old version.
    #[error(
        "upgrading the valghalla database {path} to schema version {version} failed, so it was left unchanged: {source}"
    )]
    Migration {
        /// The file.
        path: PathBuf,
        /// The migration that failed.
        version: i64,
        /// SQLite's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Reading the file's metadata or starting the connection thread failed.
    #[error("cannot open the valghalla database {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Any other SQLite failure while opening.
    #[error("cannot open the valghalla database {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Maps a SQLite error met while writing `key` (if known) into a [`StoreError`].
///
/// Uniqueness and foreign-key violations are conflicts, as on every store; a busy or locked
/// database is unavailable; a damaged file is corrupt. SQLite's messages name tables and columns,
/// never the values bound to a statement, so no CPR number can leak through them.
pub(crate) fn map_sqlite(e: rusqlite::Error, key: Option<RecordKey>) -> StoreError {
    let rusqlite::Error::SqliteFailure(failure, message) = &e else {
        return StoreError::Backend {
            store: STORE,
            message: e.to_string(),
        };
    };
    let message = message.clone().unwrap_or_else(|| failure.to_string());
    match failure.extended_code {
        CONSTRAINT_UNIQUE | CONSTRAINT_PRIMARYKEY => {
            return StoreError::Conflict {
                key,
                reason: format!("unique value already taken ({message})"),
            };
        }
        CONSTRAINT_FOREIGNKEY => {
            return StoreError::Conflict {
                key: None,
                reason: "the change set leaves a record referring to one that does not exist \
                         (a missing or deleted election, location, task type, team, area, \
                         election type or participant)"
                    .into(),
            };
        }
        _ => {}
    }
    match failure.code {
        // A full disk (or the size cap of `SqliteStore::limit_size`) rolls the transaction back
        // whole; it passes when space is freed, like a busy database.
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked | ErrorCode::DiskFull => {
            StoreError::Unavailable {
                store: STORE,
                message,
            }
        }
        ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => StoreError::Corrupt {
            store: STORE,
            message,
        },
        _ => StoreError::Backend {
            store: STORE,
            message,
        },
    }
}

/// A stored JSON document that does not decode. The message gives the row and where the JSON
/// broke, never serde's text (which can quote the value, e.g. a CPR number).
pub(crate) fn corrupt_json(table: &str, id: &str, e: &serde_json::Error) -> StoreError {
    StoreError::Corrupt {
        store: STORE,
        message: format!(
            "{table} row {id}: the JSON document does not decode ({:?} error at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ),
    }
}

/// A record that does not encode (a bug).
pub(crate) fn encode_failed(kind: RecordKind, e: &serde_json::Error) -> StoreError {
    StoreError::Backend {
        store: STORE,
        message: format!(
            "a {} record could not be encoded as JSON ({:?} error)",
            kind.name(),
            e.classify()
        ),
    }
}
