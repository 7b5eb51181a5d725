//! Opening a database file: recognising it, setting the connection up, and migrating its schema.
//!
//! The schema version is `PRAGMA user_version`; `PRAGMA application_id` is [`APPLICATION_ID`],
//! which marks a file as a valghalla database. Migrations are numbered, forward-only SQL files
//! embedded in the crate; all missing ones run in one transaction.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use crate::error::OpenError;

/// `PRAGMA application_id` of a valghalla database: "VGHL" in ASCII.
pub const APPLICATION_ID: i32 = 0x5647_484c;

/// The embedded migrations: `(version, SQL)`, in order. Version `n` is the schema after the
/// `n`-th migration. Never edit a released one; add the next.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_tables.sql")),
    (
        2,
        include_str!("../migrations/0002_indexes_and_team_members.sql"),
    ),
    (3, include_str!("../migrations/0003_communication.sql")),
    (4, include_str!("../migrations/0004_cancelled_messages.sql")),
    (5, include_str!("../migrations/0005_threads.sql")),
    (7, include_str!("../migrations/0007_election_day.sql")),
    (8, include_str!("../migrations/0008_notes.sql")),
];

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = 8;

/// How long a statement waits for another connection's lock before it gives up with
/// `StoreError::Unavailable`.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

fn sqlite(path: &Path, e: rusqlite::Error) -> OpenError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        match f.code {
            ErrorCode::NotADatabase => {
                return OpenError::NotADatabase {
                    path: path.to_owned(),
                };
            }
            ErrorCode::ReadOnly => {
                return OpenError::ReadOnly {
                    path: path.to_owned(),
                };
            }
            _ => {}
        }
    }
    OpenError::Sqlite {
        path: path.to_owned(),
        source: Box::new(e),
    }
}

/// Checks what a path is before SQLite touches it.
pub(crate) fn check_path(path: &Path) -> Result<(), OpenError> {
    let directory = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !directory.is_dir() {
        return Err(OpenError::MissingDirectory {
            path: path.to_owned(),
            directory,
        });
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(OpenError::NotADatabase {
            path: path.to_owned(),
        }),
        // A file marked read-only is refused even where the process could write it anyway
        // (as root): its owner asked for it not to be changed.
        Ok(m) if m.permissions().readonly() => Err(OpenError::ReadOnly {
            path: path.to_owned(),
        }),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(OpenError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Recognises the database, sets the connection up and migrates it. Changes nothing in a file
/// that is not a valghalla database or that has a newer schema.
pub(crate) fn prepare(conn: &mut Connection, path: &Path) -> Result<(), OpenError> {
    let e = |e| sqlite(path, e);
    // Before anything else (pitfall P10): wait for other connections' locks.
    conn.busy_timeout(BUSY_TIMEOUT).map_err(e)?;
    if conn.is_readonly(rusqlite::MAIN_DB).map_err(e)? {
        return Err(OpenError::ReadOnly {
            path: path.to_owned(),
        });
    }

    // Recognise the file; these reads change nothing.
    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(e)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(e)?;
    if application_id != APPLICATION_ID {
        let objects: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(e)?;
        if application_id != 0 || objects > 0 || version != 0 {
            return Err(OpenError::NotValghalla {
                path: path.to_owned(),
                application_id,
                objects,
            });
        }
    }
    if version > SCHEMA_VERSION {
        return Err(OpenError::NewerSchema {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }

    // WAL: readers never block the writer and a commit is one append. It cannot be switched
    // inside a transaction, so it comes first. (An in-memory database stays in "memory" mode.)
    let _mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(e)?;
    // In WAL mode NORMAL never corrupts the database and never loses a commit when the process
    // dies (the WAL is in the OS's cache); only a power failure or OS crash may lose the last
    // commits before the next checkpoint. See the crate docs.
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(e)?;
    conn.pragma_update(None, "foreign_keys", true).map_err(e)?;
    // The store checkpoints in the background (see `checkpoint`); this is the backstop.
    conn.pragma_update(
        None,
        "wal_autocheckpoint",
        crate::checkpoint::BACKSTOP_PAGES,
    )
    .map_err(e)?;
    conn.set_prepared_statement_cache_capacity(64);

    if version < SCHEMA_VERSION {
        migrate(conn, path)?;
    }
    Ok(())
}

/// Runs the missing migrations in one transaction.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), OpenError> {
    let e = |e| sqlite(path, e);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(e)?;
    // Read again under the write lock: another process may have migrated meanwhile.
    let version: i64 = tx
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(e)?;
    if version > SCHEMA_VERSION {
        return Err(OpenError::NewerSchema {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    for (n, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > version) {
        tx.execute_batch(sql)
            .map_err(|source| OpenError::Migration {
                path: path.to_owned(),
                version: *n,
                source: Box::new(source),
            })?;
        tracing::info!(path = %path.display(), version = n, "migrated the valghalla database");
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(e)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(e)?;
    tx.commit().map_err(e)
}
