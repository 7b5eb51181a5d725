//! The Postgres store for valghalla: many municipalities in one database.
//!
//! [`PgStore`] implements [`Store`] on a [`PgPool`] for one municipality (a [`TenantId`]). Every
//! table of the schema carries the tenant in every primary and unique key, and every statement
//! filters by it, so a store made for one municipality can neither see nor change another's rows:
//! the same ids and the same CPR numbers may exist in two tenants.
//!
//! # Schema and migrations
//!
//! Everything lives in the schema `valghalla`, created by the library's own migrations, which
//! are embedded in the binary and tracked in `valghalla._sqlx_migrations` (never the host's
//! `_sqlx_migrations`). They run only when the host calls [`PgStore::migrate`], once at startup
//! from one process; they are forward-only.
//!
//! A table per record kind holds `(tenant, id, version, doc jsonb)`; the columns that queries
//! and constraints need (a seat's slot, state and participant; a participant's CPR number; a
//! link's token) are generated from the document, so they cannot disagree with it. Constraints
//! back the invariants: one participant per CPR number and one link per token in a tenant, a
//! seat is vacant exactly when nobody holds it, and a seat's election and participant exist
//! (checked at commit, so the order of the ops in a change set does not matter).
//!
//! # Concurrency
//!
//! [`Store::apply`] runs one READ COMMITTED transaction in which each change is a conditional
//! write (`UPDATE … WHERE version = $v`, `INSERT … ON CONFLICT DO NOTHING`, …) whose row
//! count is checked, so two change sets can never both succeed on the same version. The writes
//! of a change set, its audit entries and messages and the check of the row counts are one
//! statement of data-modifying CTEs, sent in one round trip (a change set of more than a hundred
//! items takes several statements in one transaction); a batch of reads
//! ([`Store::read_many`]) is one `UNION ALL` query. The SQL of both is assembled from fixed
//! fragments, with every value a bound parameter. Unique and
//! foreign-key violations, serialization failures and deadlocks are [`StoreError::Conflict`];
//! lost connections, a server shutting down and pool timeouts are
//! [`StoreError::Unavailable`].
//!
//! ```no_run
//! # async fn run() -> Result<(), valghalla_core::store::StoreError> {
//! use valghalla_store_pg::{PgStore, TenantId};
//!
//! let tenant = TenantId::new("0621").expect("a valid tenant id");
//! let store = PgStore::connect("postgres://valghalla@db/valghalla", tenant).await?;
//! PgStore::migrate(store.pool()).await?;
//! # Ok(())
//! # }
//! ```

mod batch;
mod error;
mod rows;
mod sql;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::{Connection, Row};

use valghalla_core::model::{AuditEntry, Record, RecordKey, Versioned};
use valghalla_core::store::{
    AuditFilter, ChangeSet, DeliveryUpdate, OutboxFilter, OutboxMessage, Query, Read, Store,
    StoreError, duplicate_keys,
};

pub use sqlx::PgPool;
pub use sqlx::migrate::Migrator;

use crate::error::{STORE, map};
use crate::rows::{from_json, nanos, to_json, versioned};

/// The library's migrations, tracked in `valghalla._sqlx_migrations` (see `sqlx.toml`).
static MIGRATOR: Migrator = sqlx::migrate!();

/// The number of connections [`PgStore::connect`] opens at most.
pub const DEFAULT_POOL_SIZE: u32 = 16;

/// A municipality's id in a shared database: 1 to 63 ASCII letters, digits, `-` or `_` (for
/// example the kommunekode, `"0621"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(String);

/// A tenant id that is empty, too long or has characters other than ASCII letters, digits,
/// `-` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a tenant id is 1 to 63 ASCII letters, digits, '-' or '_'")]
pub struct InvalidTenantId;

impl TenantId {
    /// Checks and wraps a tenant id.
    pub fn new(id: &str) -> Result<Self, InvalidTenantId> {
        let ok = (1..=63).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(TenantId(id.to_owned()))
        } else {
            Err(InvalidTenantId)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TenantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for TenantId {
    type Err = InvalidTenantId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TenantId::new(s)
    }
}

/// A [`Store`] for one municipality in a shared Postgres database.
///
/// Cheap to clone (the pool is shared); make one per municipality over the same pool.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    tenant: TenantId,
}

impl std::fmt::Debug for PgStore {
    // The pool's options hold the connection URL, password included: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("tenant", &self.tenant)
            .field("connections", &self.pool.size())
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// A store for `tenant` on an existing pool. Does not touch the database.
    pub fn new(pool: PgPool, tenant: TenantId) -> Self {
        PgStore { pool, tenant }
    }

    /// Opens a pool of at most [`DEFAULT_POOL_SIZE`] connections to `url` (one connection is
    /// made now, so a wrong address fails here) and makes a store for `tenant` on it.
    ///
    /// Does not run migrations: see [`PgStore::migrate`].
    pub async fn connect(url: &str, tenant: TenantId) -> Result<Self, StoreError> {
        let options: PgConnectOptions = url.parse().map_err(|_| StoreError::Backend {
            store: STORE,
            // The URL may hold a password: never echo it.
            message: "the Postgres connection URL is not valid".into(),
        })?;
        // One direct connection first: a pool only reports that it timed out, while this
        // tells why (connection refused, authentication failed, unknown database, …).
        let probe = PgConnection::connect_with(&options)
            .await
            .map_err(|e| map(e, None))?;
        probe.close().await.map_err(|e| map(e, None))?;
        let pool = PgPoolOptions::new()
            .max_connections(DEFAULT_POOL_SIZE)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| map(e, None))?;
        Ok(PgStore::new(pool, tenant))
    }

    /// Creates or updates the schema `valghalla` (idempotent; takes an advisory lock, so
    /// concurrent callers wait for each other). The host calls it once at startup; the store
    /// never migrates by itself.
    pub async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
        MIGRATOR.run(pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::Execute(e) => map(e, None),
            e => StoreError::Backend {
                store: STORE,
                message: format!("migration failed: {e}"),
            },
        })
    }

    /// The embedded migrations, for hosts that run them with their own tooling.
    pub fn migrator() -> &'static Migrator {
        &MIGRATOR
    }

    /// The pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The municipality this store reads and writes.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }
}

fn limit(n: usize) -> Option<i64> {
    (n > 0).then(|| i64::try_from(n).unwrap_or(i64::MAX))
}

#[async_trait]
impl Store for PgStore {
    /// Answers the whole batch with one query: one round trip.
    async fn read_many(&self, reads: &[Read]) -> Result<Vec<Vec<Versioned<Record>>>, StoreError> {
        if reads.is_empty() {
            return Ok(Vec::new());
        }
        let (statement, parts) = batch::reads(self.tenant.as_str(), reads)?;
        let rows = statement
            .into_query(true)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map(e, None))?;
        let mut out: Vec<Vec<Versioned<Record>>> = reads.iter().map(|_| Vec::new()).collect();
        for row in &rows {
            let i: i32 = row.try_get(0).map_err(|e| map(e, None))?;
            let part = usize::try_from(i).ok().and_then(|i| parts.get(i));
            let Some((found, kind)) = part.and_then(|&(r, kind)| Some((out.get_mut(r)?, kind)))
            else {
                return Err(StoreError::Corrupt {
                    store: STORE,
                    message: format!("a batch of reads answered for part {i}"),
                });
            };
            found.push(versioned(kind, row)?);
        }
        // A document whose id disagrees with its row would break every invariant: refuse it.
        for (read, found) in reads.iter().zip(&out) {
            if let (Read::Get(key), Some(v)) = (read, found.first())
                && v.value.key() != *key
            {
                return Err(StoreError::Corrupt {
                    store: STORE,
                    message: format!("the row for {key:?} holds another record"),
                });
            }
        }
        Ok(out)
    }

    async fn get(&self, key: RecordKey) -> Result<Option<Versioned<Record>>, StoreError> {
        let mut found = self.read_many(&[Read::Get(key)]).await?;
        Ok(found.pop().and_then(|mut rows| rows.pop()))
    }

    async fn query(&self, query: &Query) -> Result<Vec<Versioned<Record>>, StoreError> {
        let mut found = self.read_many(&[Read::Query(query.clone())]).await?;
        Ok(found.pop().unwrap_or_default())
    }

    /// Writes the change set with one statement (one round trip, its own transaction); a large
    /// one with several statements in one transaction.
    async fn apply(&self, mut changes: ChangeSet) -> Result<(), StoreError> {
        if let Some(key) = duplicate_keys(&changes).first() {
            return Err(StoreError::Backend {
                store: STORE,
                message: format!("change set writes {key:?} twice"),
            });
        }
        if changes.is_empty() {
            return Ok(());
        }
        // One lock order for every change set: fewer deadlocks between concurrent writers.
        changes.changes.sort_by_key(|c| c.op.key());
        let statements = batch::writes(self.tenant.as_str(), &changes)?;
        let failed =
            |e: sqlx::Error| match batch::failed_change(&e).and_then(|i| changes.changes.get(i)) {
                Some(change) => StoreError::conflict(
                    change.op.key(),
                    format!(
                        "expected {:?}: missing, already there or at another version",
                        change.expect
                    ),
                ),
                None => map(e, None),
            };
        if statements.len() == 1 {
            for (statement, persistent) in statements {
                statement
                    .into_query(persistent)
                    .execute(&self.pool)
                    .await
                    .map_err(failed)?;
            }
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(|e| map(e, None))?;
        for (statement, persistent) in statements {
            if let Err(e) = statement.into_query(persistent).execute(&mut *tx).await {
                // Best effort: a dropped transaction is rolled back by the pool anyway.
                let _ = tx.rollback().await;
                return Err(failed(e));
            }
        }
        tx.commit().await.map_err(|e| map(e, None))
    }

    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(sql::AUDIT_LOG)
            .bind(self.tenant.as_str())
            .bind(filter.participant.map(|p| p.as_uuid()))
            .bind(filter.election.map(|e| e.as_uuid()))
            .bind(limit(filter.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map(e, None))?;
        rows.iter()
            .map(|doc| from_json("an audit entry", doc))
            .collect()
    }

    async fn outbox(&self, filter: &OutboxFilter) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(sql::OUTBOX)
            .bind(self.tenant.as_str())
            .bind(filter.due_at.map(nanos))
            .bind(filter.participant.map(|p| p.as_uuid()))
            .bind(filter.election.map(|e| e.as_uuid()))
            .bind(limit(filter.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map(e, None))?;
        rows.iter()
            .map(|doc| from_json("an outbox message", doc))
            .collect()
    }

    async fn record_delivery(&self, update: DeliveryUpdate) -> Result<(), StoreError> {
        let tenant = self.tenant.as_str();
        let id = update.id.as_uuid();
        let n = sqlx::query(sql::RECORD_DELIVERY)
            .bind(tenant)
            .bind(id)
            .bind(i64::from(update.expected_attempts))
            .bind(nanos(update.next_attempt_at))
            .bind(to_json("a delivery status", &update.status)?)
            .bind(to_json("an instant", &update.next_attempt_at)?)
            .bind(update.error.as_deref())
            .execute(&self.pool)
            .await
            .map_err(|e| map(e, None))?
            .rows_affected();
        if n == 1 {
            return Ok(());
        }
        let exists: bool = sqlx::query_scalar(sql::MESSAGE_EXISTS)
            .bind(tenant)
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| map(e, None))?;
        Err(StoreError::Conflict {
            key: None,
            reason: if exists {
                format!("message {} was updated by someone else", update.id)
            } else {
                format!("message {} does not exist", update.id)
            },
        })
    }

    async fn purge_audit(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        sqlx::query(sql::PURGE_AUDIT)
            .bind(self.tenant.as_str())
            .bind(nanos(before))
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| map(e, None))
    }

    async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        sqlx::query(sql::PURGE_OUTBOX)
            .bind(self.tenant.as_str())
            .bind(nanos(before))
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| map(e, None))
    }
}
