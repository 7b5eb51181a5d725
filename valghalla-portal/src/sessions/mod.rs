//! Where sessions live: `tower-sessions`' [`SessionStore`] over the same database as the data —
//! a table in the SQLite file, or a table in Postgres (so several host processes on one
//! database serve the same logged-in users) — or in memory, for a portal over the memory
//! store (tests, embedding).
//!
//! The published session stores pin other versions of sqlx and SQLite than ours, and the trait
//! is small, so the portal implements it here. Each database also keeps the key that signs the
//! anonymous visitors' CSRF cookies, so every host on one database shares it.

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;
mod stored;

pub use stored::SessionsError;

use async_trait::async_trait;
use tower_cookies::Key;
use tower_sessions::MemoryStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// The sessions of a portal, and the key signing its cookies.
#[derive(Clone)]
pub struct Sessions {
    backend: Backend,
    key: Key,
}

#[derive(Clone, Debug)]
enum Backend {
    Memory(MemoryStore),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlite::SqliteSessions),
    #[cfg(feature = "postgres")]
    Postgres(postgres::PgSessions),
}

impl std::fmt::Debug for Sessions {
    // Never print the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Sessions {
    /// Sessions in this process's memory, with a fresh key: for a portal over the memory
    /// store. Expired sessions are not read, but only dropped when the process ends.
    pub fn memory() -> Self {
        Sessions {
            backend: Backend::Memory(MemoryStore::default()),
            key: Key::generate(),
        }
    }

    /// Sessions in the SQLite database at `path` (the store's file: open the store first),
    /// in a table `portal_sessions`.
    #[cfg(feature = "sqlite")]
    pub async fn sqlite(path: impl Into<std::path::PathBuf>) -> Result<Self, SessionsError> {
        let (s, key) = sqlite::SqliteSessions::open(path.into()).await?;
        Ok(Sessions {
            backend: Backend::Sqlite(s),
            key: Key::try_from(key.as_slice()).map_err(|e| SessionsError(e.to_string()))?,
        })
    }

    /// Sessions in Postgres, in the schema `valghalla_portal` (created if missing).
    #[cfg(feature = "postgres")]
    pub async fn postgres(pool: valghalla::postgres::PgPool) -> Result<Self, SessionsError> {
        let (s, key) = postgres::PgSessions::open(pool).await?;
        Ok(Sessions {
            backend: Backend::Postgres(s),
            key: Key::try_from(key.as_slice()).map_err(|e| SessionsError(e.to_string()))?,
        })
    }

    /// The key signing the portal's cookies.
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// Deletes the sessions whose idle time ran out; returns how many.
    pub async fn delete_expired(&self) -> Result<u64, session_store::Error> {
        match &self.backend {
            // The memory store never returns an expired session; it has no cleanup.
            Backend::Memory(_) => Ok(0),
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(s) => s.delete_expired().await,
            #[cfg(feature = "postgres")]
            Backend::Postgres(s) => s.delete_expired().await,
        }
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match &self.backend {
            Backend::Memory(s) => s.create(record).await,
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(s) => s.create(record).await,
            #[cfg(feature = "postgres")]
            Backend::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match &self.backend {
            Backend::Memory(s) => s.save(record).await,
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(s) => s.save(record).await,
            #[cfg(feature = "postgres")]
            Backend::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match &self.backend {
            Backend::Memory(s) => s.load(id).await,
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(s) => s.load(id).await,
            #[cfg(feature = "postgres")]
            Backend::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match &self.backend {
            Backend::Memory(s) => s.delete(id).await,
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(s) => s.delete(id).await,
            #[cfg(feature = "postgres")]
            Backend::Postgres(s) => s.delete(id).await,
        }
    }
}
