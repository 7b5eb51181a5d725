//! The embedded SQLite store for valghalla: one database file, no server.
//!
//! [`SqliteStore`] implements [`valghalla_core::store::Store`] with the same semantics as the
//! reference [`valghalla_core::memory::MemoryStore`]: the same conflicts, the same uniqueness
//! rules (one participant per CPR number, one link per token) and the same query results.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use valghalla_core::store::DynStore;
//! use valghalla_store_sqlite::SqliteStore;
//!
//! let store: DynStore = Arc::new(SqliteStore::open("valghalla.db")?);
//! # Ok(()) }
//! ```
//!
//! # Threads
//!
//! SQLite is a blocking library, so no SQLite call runs on the async executor: a file database
//! has one writer thread and one reader thread, each owning one connection and running the jobs
//! sent to it over a channel (answers come back through a `tokio::sync::oneshot`, which works on
//! any executor), and a third thread that checkpoints the WAL (below). Writes are serialised by
//! the one writer, as SQLite serialises them anyway; `get` and `query` (lists, the overview) run
//! on the reader beside writes thanks to WAL and always see every change set whose `apply` has
//! returned. An in-memory database has a single thread for everything (a second connection would
//! see a different, empty database).
//!
//! A command is one job on the writer: [`read_and_apply`](Store::read_and_apply) reads, runs the
//! command's decision (pure computation, handed over by the service) and writes in one
//! `BEGIN IMMEDIATE` transaction. One thread hand-off instead of two, no separate read
//! transaction, and no second look at the preconditions of records it has just read under the
//! write lock. The writer's page cache holds what the last commands wrote, where the reader's is
//! dropped whenever another connection has written. Each connection also keeps the records it
//! has decoded, keyed by their stored JSON (`cache.rs`): the municipality, types, station, team
//! and person that every command reads are decoded once, not on every read.
//!
//! # Atomicity and durability
//!
//! Every [`apply`](valghalla_core::store::Store::apply) is one `BEGIN IMMEDIATE` transaction: all
//! preconditions are checked inside it and any failure rolls it back. The order of ops in a change
//! set does not matter: records are written parents first, and a change set that deletes checks
//! foreign keys at `COMMIT` (`PRAGMA defer_foreign_keys`).
//!
//! The database runs in WAL mode with `synchronous = NORMAL`: a crash of the process (even
//! `SIGKILL`) never loses a committed change set and never leaves half of one; a power failure or
//! operating-system crash may lose the change sets committed since the last checkpoint, but
//! never corrupts the file. A thread of the store checkpoints about 0.1 s after writes (off the
//! commands' path: a command never waits for an `fsync`), so that window is short. That is the
//! usual trade for a desktop/embedded store; a host that needs more can run
//! `PRAGMA synchronous = FULL` itself.
//!
//! # Integrity beyond the memory store
//!
//! The schema also enforces referential integrity, which the memory store does not: a seat must
//! name an existing election, work location, task type, team and (when not vacant) participant;
//! a work location its area; an election its election type; a rejection its election and
//! participant. A change set that would leave a dangling reference fails with
//! `StoreError::Conflict` (`key: None`) and writes
//! nothing.
//!
//! # Schema
//!
//! See the embedded migrations ([`MIGRATIONS`]): one table per record kind with the record as
//! JSON in `doc`, its `version`, and the columns the constraints and queries need; `audit`;
//! `outbox`; and `participant_team` (team membership as rows). A database carries
//! [`APPLICATION_ID`] and its schema version in `PRAGMA user_version`; opening an older one
//! migrates it, opening a newer one fails with [`OpenError::NewerSchema`] and changes nothing.

#![deny(rustdoc::broken_intra_doc_links)]

mod actor;
mod backup;
mod cache;
mod checkpoint;
mod error;
mod ops;
mod rows;
mod schema;

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use valghalla_core::model::{AuditEntry, Record, RecordKey, Versioned};
use valghalla_core::store::{
    AuditFilter, ChangeSet, Decide, DeliveryUpdate, OutboxFilter, OutboxMessage, Query, Read,
    Store, StoreError,
};

use crate::actor::{Actor, Db};
pub use crate::backup::{BackupError, Copied, Verified, backup, restore, verify};
use crate::checkpoint::Checkpointer;
pub use crate::error::OpenError;
pub use crate::schema::{APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION};

/// A valghalla store in an SQLite database. Use it as `Arc<dyn Store>`.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    writer: Actor,
    /// A read-only connection for reads; `None` for an in-memory database.
    reader: Option<Actor>,
    /// Checkpoints the WAL beside the writer; `None` for an in-memory database.
    checkpointer: Option<Checkpointer>,
}

impl SqliteStore {
    /// Opens the database at `path`, creating it if the file does not exist and migrating it if
    /// it has an older schema.
    ///
    /// Blocks while it opens and migrates; call it before starting to serve, or from a blocking
    /// task.
    ///
    /// # Errors
    ///
    /// [`OpenError`] says what is wrong with the path: a missing directory, a read-only file,
    /// a file that is not an SQLite database, a database of another application, a database from
    /// a newer valghalla, or a failed migration. None of these changes the file.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, OpenError> {
        let path = path.as_ref().to_path_buf();
        schema::check_path(&path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn =
            Connection::open_with_flags(&path, flags).map_err(|e| open_failed(&path, e))?;
        schema::prepare(&mut conn, &path)?;

        let reader = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|r| {
            r.busy_timeout(schema::BUSY_TIMEOUT)?;
            r.set_prepared_statement_cache_capacity(64);
            Ok(r)
        })
        .map_err(|e| open_failed(&path, e))?;
        let checkpoints = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|c| {
            c.busy_timeout(schema::BUSY_TIMEOUT)?;
            Ok(c)
        })
        .map_err(|e| open_failed(&path, e))?;

        let io = |source| OpenError::Io {
            path: path.clone(),
            source,
        };
        let writer = Actor::spawn(conn, "valghalla-sqlite-writer").map_err(io)?;
        let reader = Actor::spawn(reader, "valghalla-sqlite-reader").map_err(io)?;
        let checkpointer = Checkpointer::spawn(checkpoints).map_err(io)?;
        Ok(SqliteStore {
            path,
            writer,
            reader: Some(reader),
            checkpointer: Some(checkpointer),
        })
    }

    /// A fresh database in memory (for tests and trials): gone when the store is dropped.
    ///
    /// # Errors
    ///
    /// [`OpenError::Sqlite`] if SQLite cannot allocate it, [`OpenError::Io`] if the connection
    /// thread cannot start.
    pub fn open_in_memory() -> Result<SqliteStore, OpenError> {
        let path = PathBuf::from(":memory:");
        let mut conn = Connection::open_in_memory().map_err(|e| open_failed(&path, e))?;
        schema::prepare(&mut conn, &path)?;
        let writer =
            Actor::spawn(conn, "valghalla-sqlite-memory").map_err(|source| OpenError::Io {
                path: path.clone(),
                source,
            })?;
        Ok(SqliteStore {
            path,
            writer,
            reader: None,
            checkpointer: None,
        })
    }

    /// Caps the database file at about `max_bytes` (`PRAGMA max_page_count` on the writer, never
    /// below its current size): a write that would grow it further fails with
    /// `StoreError::Unavailable` ("database or disk is full") and changes nothing, while reads
    /// go on. A host sets it to keep a runaway from filling the disk the database shares with
    /// others; it also lets the tests fill the "disk" on purpose. Returns the cap in pages.
    ///
    /// # Errors
    ///
    /// The store's error if the writer cannot set it.
    pub async fn limit_size(&self, max_bytes: u64) -> Result<u64, StoreError> {
        self.writer
            .call(move |c| {
                let e = |e| crate::error::map_sqlite(e, None);
                let page_size: i64 = c
                    .conn
                    .pragma_query_value(None, "page_size", |r| r.get(0))
                    .map_err(e)?;
                let wanted = max_bytes / u64::try_from(page_size).unwrap_or(4096).max(1);
                let pages = i64::try_from(wanted).unwrap_or(i64::MAX).max(1);
                let set: i64 = c
                    .conn
                    .pragma_update_and_check(None, "max_page_count", pages, |r| r.get(0))
                    .map_err(e)?;
                Ok(u64::try_from(set).unwrap_or(0))
            })
            .await
    }

    /// The database file (`:memory:` for an in-memory database).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Finishes the work already sent, closes the database (checkpointing the WAL into the file
    /// when this is the last connection) and returns when it is closed. Dropping the store
    /// closes it too, in the background.
    pub async fn close(self) {
        let SqliteStore {
            writer,
            reader,
            checkpointer,
            ..
        } = self;
        if let Some(reader) = reader {
            reader.close().await;
        }
        if let Some(checkpointer) = checkpointer {
            checkpointer.close().await;
        }
        writer.close().await;
    }

    /// Runs a job that writes on the writer, then tells the checkpointer.
    async fn write<R: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Db) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let done = self.writer.call(job).await?;
        if let Some(c) = &self.checkpointer {
            c.after_write();
        }
        Ok(done)
    }

    fn reader(&self) -> &Actor {
        self.reader.as_ref().unwrap_or(&self.writer)
    }
}

fn open_failed(path: &Path, e: rusqlite::Error) -> OpenError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        if f.code == rusqlite::ErrorCode::NotADatabase {
            return OpenError::NotADatabase {
                path: path.to_owned(),
            };
        }
        if f.code == rusqlite::ErrorCode::ReadOnly {
            return OpenError::ReadOnly {
                path: path.to_owned(),
            };
        }
    }
    OpenError::Sqlite {
        path: path.to_owned(),
        source: Box::new(e),
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn get(&self, key: RecordKey) -> Result<Option<Versioned<Record>>, StoreError> {
        self.reader().call(move |c| ops::get(c, key)).await
    }

    async fn query(&self, query: &Query) -> Result<Vec<Versioned<Record>>, StoreError> {
        let query = query.clone();
        self.reader().call(move |c| ops::query(c, &query)).await
    }

    async fn read_many(&self, reads: &[Read]) -> Result<Vec<Vec<Versioned<Record>>>, StoreError> {
        // On the writer, whose page cache is warm (see "Threads" above).
        let reads = reads.to_vec();
        self.writer.call(move |c| ops::read_many(c, &reads)).await
    }

    async fn apply(&self, changes: ChangeSet) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        self.write(move |c| ops::apply(c, changes)).await
    }

    async fn read_and_apply(&self, reads: &[Read], decide: Decide) -> Result<(), StoreError> {
        // One job on the writer (see "Threads" above).
        let reads = reads.to_vec();
        self.write(move |c| ops::read_and_apply(c, &reads, decide))
            .await
    }

    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let filter = filter.clone();
        self.reader()
            .call(move |c| ops::audit_log(&c.conn, &filter))
            .await
    }

    async fn outbox(&self, filter: &OutboxFilter) -> Result<Vec<OutboxMessage>, StoreError> {
        let filter = filter.clone();
        self.reader()
            .call(move |c| ops::outbox(&c.conn, &filter))
            .await
    }

    async fn record_delivery(&self, update: DeliveryUpdate) -> Result<(), StoreError> {
        self.write(move |c| ops::record_delivery(&mut c.conn, update))
            .await
    }

    async fn purge_audit(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.write(move |c| ops::purge_audit(&c.conn, before)).await
    }

    async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.write(move |c| ops::purge_outbox(&c.conn, before))
            .await
    }
}
