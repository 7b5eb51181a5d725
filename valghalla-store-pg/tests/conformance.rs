//! The shared conformance suite (`valghalla_core::conformance_tests!`) against `PgStore`, each
//! test on a fresh tenant with a pool of 16 connections.
//!
//! Without `VALGHALLA_PG_URL` each test prints `SKIPPED` and returns; with
//! `VALGHALLA_REQUIRE_PG=1` a missing URL fails every test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod common;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::{Semaphore, SemaphorePermit};
use valghalla_core::model::{AuditEntry, Record, RecordKey, Versioned};
use valghalla_core::store::{
    AuditFilter, ChangeSet, DeliveryUpdate, DynStore, OutboxFilter, OutboxMessage, Query, Store,
    StoreError,
};
use valghalla_store_pg::PgStore;

/// The suite's stores alive at once, so parallel tests stay far below the server's
/// `max_connections` (4 × 16 connections).
static STORES: Semaphore = Semaphore::const_new(4);

/// A `PgStore` holding one of the [`STORES`] permits until it is dropped.
#[derive(Debug)]
struct Limited {
    store: PgStore,
    _permit: SemaphorePermit<'static>,
}

#[async_trait]
impl Store for Limited {
    async fn get(&self, key: RecordKey) -> Result<Option<Versioned<Record>>, StoreError> {
        self.store.get(key).await
    }
    async fn query(&self, query: &Query) -> Result<Vec<Versioned<Record>>, StoreError> {
        self.store.query(query).await
    }
    async fn apply(&self, changes: ChangeSet) -> Result<(), StoreError> {
        self.store.apply(changes).await
    }
    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        self.store.audit_log(filter).await
    }
    async fn outbox(&self, filter: &OutboxFilter) -> Result<Vec<OutboxMessage>, StoreError> {
        self.store.outbox(filter).await
    }
    async fn record_delivery(&self, update: DeliveryUpdate) -> Result<(), StoreError> {
        self.store.record_delivery(update).await
    }
    async fn purge_audit(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.store.purge_audit(before).await
    }
    async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.store.purge_outbox(before).await
    }
}

async fn fresh_store() -> Option<DynStore> {
    let url = common::url()?;
    let permit = STORES
        .acquire()
        .await
        .expect("the semaphore is never closed");
    let pool = common::pool_at(&url, 16, "valghalla-conformance").await;
    Some(Arc::new(Limited {
        store: PgStore::new(pool, common::fresh_tenant()),
        _permit: permit,
    }))
}

// Postgres enforces references with foreign keys.
valghalla_core::conformance_tests!(
    skippable: fresh_store,
    capabilities = valghalla_core::testkit::conformance::Capabilities::ENFORCING_REFERENCES
);
