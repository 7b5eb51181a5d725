//! Backups of a live file and their checks, and the size cap: a backup taken while a writer
//! commits is a sound snapshot that opens as a store; `verify` and `restore` refuse a file from
//! a newer valghalla and leave the target untouched; a write past the cap fails whole with
//! `StoreError::Unavailable` and the store goes on reading.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use valghalla_core::model::{Op, Record, RecordKind};
use valghalla_core::store::{Change, ChangeSet, Expect, Query, Store, StoreError};
use valghalla_core::testkit::generator::{Dataset, Spec};
use valghalla_store_sqlite::{BackupError, SCHEMA_VERSION, SqliteStore, backup, restore, verify};

async fn seeded(path: &std::path::Path) -> (SqliteStore, Dataset) {
    let store = SqliteStore::open(path).unwrap();
    let ds = Dataset::generate(&Spec::small(), 3);
    store.apply(ds.change_set()).await.unwrap();
    (store, ds)
}

/// A change set rewriting one area (a new version each time).
fn touch_area(ds: &Dataset, n: u64) -> ChangeSet {
    let mut area = ds.areas[(n as usize) % ds.areas.len()].clone();
    area.name = valghalla_core::values::Name::parse(&format!("Område {n}")).unwrap();
    ChangeSet {
        changes: vec![Change {
            op: Op::Put(Record::Area(area)),
            expect: Expect::Any,
        }],
        ..ChangeSet::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_while_a_writer_commits_is_a_sound_snapshot_that_opens() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let (store, ds) = seeded(&db).await;
    let store = Arc::new(store);
    let stop = Arc::new(AtomicBool::new(false));
    let commits = Arc::new(AtomicU64::new(0));
    let writer = {
        let (store, stop, commits, ds) = (store.clone(), stop.clone(), commits.clone(), ds.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let n = commits.fetch_add(1, Ordering::SeqCst);
                store.apply(touch_area(&ds, n)).await.unwrap();
            }
        })
    };
    while commits.load(Ordering::SeqCst) < 20 {
        tokio::task::yield_now().await;
    }
    let to = dir.path().join("kopi.db");
    let (d, t) = (db.clone(), to.clone());
    let copied = tokio::task::spawn_blocking(move || backup(&d, &t))
        .await
        .unwrap()
        .unwrap();
    let after = commits.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    assert!(after > 20, "the writer went on during the backup");
    assert_eq!(copied.verified.schema_version, SCHEMA_VERSION);
    let v = verify(&to).unwrap();
    assert_eq!(v, copied.verified);
    assert!(
        !dir.path().join("kopi.db-wal").exists(),
        "one self-contained file"
    );
    let copy = SqliteStore::open(&to).unwrap();
    let areas = copy.query(&Query::All(RecordKind::Area)).await.unwrap();
    assert_eq!(areas.len(), ds.areas.len(), "every record of the snapshot");
    let participants = copy
        .query(&Query::All(RecordKind::Participant))
        .await
        .unwrap();
    assert_eq!(participants.len(), ds.participants.len());
}

#[tokio::test]
async fn a_file_from_a_newer_valghalla_is_refused_and_the_target_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let (store, _) = seeded(&db).await;
    store.close().await;
    let newer = dir.path().join("newer.db");
    backup(&db, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    match verify(&newer) {
        Err(BackupError::Schema { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
        other => panic!("{other:?}"),
    }
    let before = std::fs::read(&db).unwrap();
    assert!(matches!(
        restore(&newer, &db),
        Err(BackupError::Schema { .. })
    ));
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(matches!(
        verify(&dir.path().join("missing.db")),
        Err(BackupError::Missing { .. })
    ));
}

#[tokio::test]
async fn a_write_past_the_size_cap_fails_whole_and_reads_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let (store, ds) = seeded(&db).await;
    let pages = store.limit_size(0).await.unwrap();
    assert!(pages > 0, "never below the current size");
    // One change set far larger than the room left: all of it, or none.
    let mut big = ChangeSet::default();
    for n in 0..2000 {
        let area = valghalla_core::model::Area {
            id: valghalla_core::ids::AreaId::new(),
            name: valghalla_core::values::Name::parse(&format!("Fyldområde {n}")).unwrap(),
            description: "x".repeat(2000),
        };
        big.changes.push(Change {
            op: Op::Put(Record::Area(area)),
            expect: Expect::Absent,
        });
    }
    match store.apply(big).await {
        Err(StoreError::Unavailable { message, .. }) => {
            assert!(message.contains("full"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let areas = store.query(&Query::All(RecordKind::Area)).await.unwrap();
    assert_eq!(areas.len(), ds.areas.len(), "nothing of it was written");
    store.limit_size(1 << 40).await.unwrap();
    store.apply(touch_area(&ds, 1)).await.unwrap();
    store.close().await;
    verify(&db).unwrap();
}
