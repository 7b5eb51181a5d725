//! Each assignment command reads from its store once and writes once: a store that pays per
//! round trip (a connection thread, a database server) pays two per command.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use valghalla_core::memory::MemoryStore;
use valghalla_core::model::{AuditEntry, Record, RecordKey, Versioned};
use valghalla_core::rules::Answer;
use valghalla_core::store::{
    AuditFilter, ChangeSet, DeliveryUpdate, OutboxFilter, OutboxMessage, Query, Read, Store,
    StoreError,
};
use valghalla_core::testkit::scenario::{Scenario, election_day};

/// The memory store, counting the calls that would be round trips.
#[derive(Debug, Default)]
struct Counting {
    inner: MemoryStore,
    reads: AtomicUsize,
    applies: AtomicUsize,
}

impl Counting {
    /// (reads, applies) since the last call.
    fn take(&self) -> (usize, usize) {
        (
            self.reads.swap(0, Ordering::SeqCst),
            self.applies.swap(0, Ordering::SeqCst),
        )
    }
}

#[async_trait]
impl Store for Counting {
    async fn get(&self, key: RecordKey) -> Result<Option<Versioned<Record>>, StoreError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.inner.get(key).await
    }
    async fn query(&self, query: &Query) -> Result<Vec<Versioned<Record>>, StoreError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.inner.query(query).await
    }
    async fn read_many(&self, reads: &[Read]) -> Result<Vec<Vec<Versioned<Record>>>, StoreError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.inner.read_many(reads).await
    }
    async fn apply(&self, changes: ChangeSet) -> Result<(), StoreError> {
        self.applies.fetch_add(1, Ordering::SeqCst);
        self.inner.apply(changes).await
    }
    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        self.inner.audit_log(filter).await
    }
    async fn outbox(&self, filter: &OutboxFilter) -> Result<Vec<OutboxMessage>, StoreError> {
        self.inner.outbox(filter).await
    }
    async fn record_delivery(&self, update: DeliveryUpdate) -> Result<(), StoreError> {
        self.inner.record_delivery(update).await
    }
    async fn purge_audit(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.inner.purge_audit(before).await
    }
    async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.inner.purge_outbox(before).await
    }
}

#[tokio::test]
async fn assignment_commands_read_once_and_write_once() {
    let store = Arc::new(Counting::default());
    let s = Scenario::new(store.clone()).await;
    let karen = s.person("Karen", "Jensen", 0).await;
    let other = s.person("Ole", "Hansen", 0).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    let seats = s.seats(slot, 2).await;
    let (seat, second) = (seats[0].id, seats[1].id);
    let karen_actor = Scenario::citizen(&karen);
    store.take();

    s.svc.invite(&s.admin, seat, karen.id).await.unwrap();
    assert_eq!(store.take(), (1, 1), "invite");
    s.svc.accept(&karen_actor, seat, None).await.unwrap();
    assert_eq!(store.take(), (1, 1), "accept");
    s.svc.remove_from_seat(&s.admin, seat).await.unwrap();
    assert_eq!(store.take(), (1, 1), "remove");

    s.svc.invite(&s.admin, second, other.id).await.unwrap();
    store.take();
    s.svc
        .answer_on_behalf(&s.admin, second, Answer::Accept, None)
        .await
        .unwrap();
    assert_eq!(
        store.take(),
        (1, 1),
        "answer on behalf (the holder's bookings come along)"
    );
}
