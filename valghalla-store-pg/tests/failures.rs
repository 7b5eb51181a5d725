//! Connection failures: a closed port, connections killed while idle and mid-transaction.
//! The server is never restarted; backends are terminated with `pg_terminate_backend`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod common;

use std::time::Duration;

use common::*;
use sqlx::postgres::PgPoolOptions;
use valghalla_core::ids::{AreaId, LinkId, ParticipantId};
use valghalla_core::model::{Op, RecordKey};
use valghalla_core::store::{AuditFilter, Change, ChangeSet, Expect, Store, StoreError};
use valghalla_store_pg::PgStore;

fn put(record: valghalla_core::model::Record, expect: Expect) -> Change {
    Change {
        op: Op::Put(record),
        expect,
    }
}

/// Terminates every backend whose application name is `app`; returns how many.
async fn terminate(admin: &sqlx::PgPool, app: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE application_name = $1 AND pid <> pg_backend_pid()",
    )
    .bind(app)
    .fetch_one(admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_closed_port_is_unavailable_with_a_clear_message() {
    // Needs no server; still honours the skip switch so the suite behaves the same everywhere.
    if url().is_none() {
        return;
    }
    let err = PgStore::connect("postgres://postgres@127.0.0.1:1/test", fresh_tenant())
        .await
        .unwrap_err();
    match &err {
        StoreError::Unavailable { store, message } => {
            assert_eq!(*store, "postgres");
            assert!(message.to_lowercase().contains("refused"), "{message}");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    println!("{err}");

    // A lazy pool reports the same through a command, within its acquire timeout.
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy("postgres://postgres@127.0.0.1:1/test")
        .unwrap();
    let store = PgStore::new(pool, fresh_tenant());
    let err = store.get(RecordKey::Municipality).await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
    println!("{err}");
}

#[tokio::test]
async fn killed_idle_connections_are_replaced() {
    let Some(url) = url() else { return };
    let app = format!("valghalla-idle-{}", uuid::Uuid::new_v4().simple());
    let pool = pool_at(&url, 3, &app).await;
    let admin = pool_at(&url, 1, "valghalla-admin").await;
    let store = PgStore::new(pool, fresh_tenant());
    let id = AreaId::new();
    store
        .apply(ChangeSet {
            changes: vec![put(area(id, "Nord"), Expect::Absent)],
            ..ChangeSet::default()
        })
        .await
        .unwrap();
    assert!(terminate(&admin, &app).await >= 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The pool checks a connection before handing it out, so the next command just works.
    let got = store.get(RecordKey::Area(id)).await.unwrap().unwrap();
    assert_eq!(got.version, 1);
}

#[tokio::test]
async fn a_connection_killed_mid_transaction_writes_nothing_and_the_next_command_succeeds() {
    let Some(url) = url() else { return };
    let app = format!("valghalla-mid-{}", uuid::Uuid::new_v4().simple());
    let pool = pool_at(&url, 2, &app).await;
    let admin = pool_at(&url, 2, "valghalla-admin").await;
    let store = PgStore::new(pool, fresh_tenant());
    let locked = LinkId::new();
    store
        .apply(ChangeSet {
            changes: vec![put(link(locked, "locked"), Expect::Absent)],
            ..ChangeSet::default()
        })
        .await
        .unwrap();

    // Another session holds the link's row lock, so the store's transaction stops there, after
    // it has already inserted an area and a participant (link keys sort last).
    let mut blocker = admin.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM valghalla.link WHERE tenant = $1 AND id = $2 FOR UPDATE")
        .bind(store.tenant().as_str())
        .bind(locked.as_uuid())
        .execute(&mut *blocker)
        .await
        .unwrap();
    let (a, p) = (AreaId::new(), ParticipantId::new());
    let mut changes = ChangeSet {
        changes: vec![
            put(area(a, "Nord"), Expect::Absent),
            put(participant(p, cpr(0), &[]), Expect::Absent),
            put(link(locked, "locked-2"), Expect::Version(1)),
        ],
        ..ChangeSet::default()
    };
    changes.audit.push(audit(1, Some(p), None));
    let writer = {
        let store = store.clone();
        tokio::spawn(async move { store.apply(changes).await })
    };
    // Wait until the store's backend is waiting for the lock, then kill it.
    let mut waiting = false;
    for _ in 0..100 {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE application_name = $1 AND wait_event_type = 'Lock'",
        )
        .bind(&app)
        .fetch_one(&admin)
        .await
        .unwrap();
        if n > 0 {
            waiting = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(waiting, "the store's transaction never blocked");
    assert!(terminate(&admin, &app).await >= 1);
    let err = tokio::time::timeout(Duration::from_secs(10), writer)
        .await
        .expect("apply returns after its connection is killed")
        .unwrap()
        .unwrap_err();
    println!("{err}");
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
    blocker.rollback().await.unwrap();

    // Nothing of the change set was written, and the store works again.
    assert_eq!(store.get(RecordKey::Area(a)).await.unwrap(), None);
    assert_eq!(store.get(RecordKey::Participant(p)).await.unwrap(), None);
    assert!(
        store
            .audit_log(&AuditFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    let link_now = store.get(RecordKey::Link(locked)).await.unwrap().unwrap();
    assert_eq!(link_now.version, 1);
    store
        .apply(ChangeSet {
            changes: vec![put(area(a, "Nord"), Expect::Absent)],
            ..ChangeSet::default()
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .get(RecordKey::Area(a))
            .await
            .unwrap()
            .unwrap()
            .version,
        1
    );
}
