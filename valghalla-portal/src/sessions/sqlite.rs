//! Sessions in the SQLite file of the data, on a connection of their own (the same bundled
//! SQLite as the store). Each call runs on tokio's blocking pool.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};

use super::stored::{SessionsError, decode, encode, new_key};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS portal_sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS portal_sessions_expiry ON portal_sessions (expires_at);
CREATE TABLE IF NOT EXISTS portal_keys (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
";

/// The SQLite session table.
#[derive(Clone)]
pub struct SqliteSessions {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for SqliteSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteSessions")
    }
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(format!("sqlite sessions: {e}"))
}

impl SqliteSessions {
    /// Opens the table in the file at `path`, creating it if missing; returns the signing key
    /// kept in the same file.
    pub async fn open(path: PathBuf) -> std::result::Result<(Self, Vec<u8>), SessionsError> {
        tokio::task::spawn_blocking(move || {
            let e = |e: rusqlite::Error| SessionsError(e.to_string());
            let conn = Connection::open(&path).map_err(e)?;
            conn.busy_timeout(std::time::Duration::from_secs(10))
                .map_err(e)?;
            conn.execute_batch(SCHEMA).map_err(e)?;
            conn.execute(
                "INSERT OR IGNORE INTO portal_keys (name, value) VALUES ('cookie', ?1)",
                params![new_key()],
            )
            .map_err(e)?;
            let key: Vec<u8> = conn
                .query_row(
                    "SELECT value FROM portal_keys WHERE name = 'cookie'",
                    [],
                    |r| r.get(0),
                )
                .map_err(e)?;
            Ok((
                SqliteSessions {
                    conn: Arc::new(Mutex::new(conn)),
                },
                key,
            ))
        })
        .await
        .map_err(|e| SessionsError(e.to_string()))?
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let conn = conn.lock().map_err(|_| backend("connection poisoned"))?;
            f(&conn).map_err(backend)
        })
        .await
        .map_err(backend)?
    }

    pub async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let (id, data, expires) = (
                record.id.to_string(),
                encode(record)?,
                record.expiry_date.unix_timestamp(),
            );
            let inserted = self
                .with(move |c| {
                    c.execute(
                        "INSERT INTO portal_sessions (id, data, expires_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT (id) DO NOTHING",
                        params![id, data, expires],
                    )
                })
                .await?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    pub async fn save(&self, record: &Record) -> Result<()> {
        let (id, data, expires) = (
            record.id.to_string(),
            encode(record)?,
            record.expiry_date.unix_timestamp(),
        );
        self.with(move |c| {
            c.execute(
                "INSERT INTO portal_sessions (id, data, expires_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
                params![id, data, expires],
            )
        })
        .await
        .map(|_| ())
    }

    pub async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let (key, now) = (
            id.to_string(),
            time::OffsetDateTime::now_utc().unix_timestamp(),
        );
        let row: Option<(String, i64)> = self
            .with(move |c| {
                c.query_row(
                    "SELECT data, expires_at FROM portal_sessions WHERE id = ?1 AND expires_at > ?2",
                    params![key, now],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
            })
            .await?;
        row.map(|(data, expires)| decode(*id, &data, expires))
            .transpose()
    }

    pub async fn delete(&self, id: &Id) -> Result<()> {
        let key = id.to_string();
        self.with(move |c| c.execute("DELETE FROM portal_sessions WHERE id = ?1", params![key]))
            .await
            .map(|_| ())
    }

    pub async fn delete_expired(&self) -> Result<u64> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.with(move |c| {
            c.execute(
                "DELETE FROM portal_sessions WHERE expires_at <= ?1",
                params![now],
            )
        })
        .await
        .map(|n| n as u64)
    }
}
