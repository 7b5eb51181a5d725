//! Sessions in Postgres, in a schema of the portal's own (`valghalla_portal`) beside the
//! store's, so every host process on the database shares them.

use sqlx::{PgPool, Row};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};

use super::stored::{SessionsError, decode, encode, new_key};

/// The Postgres session table.
#[derive(Clone)]
pub struct PgSessions {
    pool: PgPool,
}

impl std::fmt::Debug for PgSessions {
    // The pool's options hold the connection URL: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgSessions")
    }
}

fn backend(e: sqlx::Error) -> Error {
    Error::Backend(format!("postgres sessions: {e}"))
}

const SCHEMA: [&str; 4] = [
    "CREATE SCHEMA IF NOT EXISTS valghalla_portal",
    "CREATE TABLE IF NOT EXISTS valghalla_portal.sessions (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        expires_at BIGINT NOT NULL
    )",
    "CREATE INDEX IF NOT EXISTS sessions_expiry ON valghalla_portal.sessions (expires_at)",
    "CREATE TABLE IF NOT EXISTS valghalla_portal.keys (name TEXT PRIMARY KEY, value BYTEA NOT NULL)",
];

impl PgSessions {
    /// Creates the schema if missing (one transaction, behind an advisory lock: two hosts
    /// starting at once would otherwise race on `CREATE SCHEMA`); returns the signing key kept
    /// in the database.
    pub async fn open(pool: PgPool) -> std::result::Result<(Self, Vec<u8>), SessionsError> {
        let e = |e: sqlx::Error| SessionsError(e.to_string());
        let mut tx = pool.begin().await.map_err(e)?;
        sqlx::query("SELECT pg_advisory_xact_lock(7461828391)")
            .execute(&mut *tx)
            .await
            .map_err(e)?;
        for statement in SCHEMA {
            sqlx::query(statement).execute(&mut *tx).await.map_err(e)?;
        }
        sqlx::query(
            "INSERT INTO valghalla_portal.keys (name, value) VALUES ('cookie', $1)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(new_key())
        .execute(&mut *tx)
        .await
        .map_err(e)?;
        let key: Vec<u8> =
            sqlx::query_scalar("SELECT value FROM valghalla_portal.keys WHERE name = 'cookie'")
                .fetch_one(&mut *tx)
                .await
                .map_err(e)?;
        tx.commit().await.map_err(e)?;
        Ok((PgSessions { pool }, key))
    }

    pub async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let n = sqlx::query(
                "INSERT INTO valghalla_portal.sessions (id, data, expires_at) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(record.id.to_string())
            .bind(encode(record)?)
            .bind(record.expiry_date.unix_timestamp())
            .execute(&self.pool)
            .await
            .map_err(backend)?
            .rows_affected();
            if n == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    pub async fn save(&self, record: &Record) -> Result<()> {
        sqlx::query(
            "INSERT INTO valghalla_portal.sessions (id, data, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(record.id.to_string())
        .bind(encode(record)?)
        .bind(record.expiry_date.unix_timestamp())
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    pub async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let row = sqlx::query(
            "SELECT data, expires_at FROM valghalla_portal.sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(id.to_string())
        .bind(time::OffsetDateTime::now_utc().unix_timestamp())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(|r| {
            let data: String = r.try_get(0).map_err(backend)?;
            let expires: i64 = r.try_get(1).map_err(backend)?;
            decode(*id, &data, expires)
        })
        .transpose()
    }

    pub async fn delete(&self, id: &Id) -> Result<()> {
        sqlx::query("DELETE FROM valghalla_portal.sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    pub async fn delete_expired(&self) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM valghalla_portal.sessions WHERE expires_at <= $1")
                .bind(time::OffsetDateTime::now_utc().unix_timestamp())
                .execute(&self.pool)
                .await
                .map_err(backend)?
                .rows_affected(),
        )
    }
}
