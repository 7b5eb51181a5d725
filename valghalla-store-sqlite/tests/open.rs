//! Opening databases: creation, migrations, and the specific errors for files that are not (or
//! not yet, or no longer) this valghalla's databases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;
use rusqlite::Connection;
use valghalla_core::model::*;
use valghalla_core::store::{Expect, Query, Store};
use valghalla_store_sqlite::{APPLICATION_ID, MIGRATIONS, OpenError, SCHEMA_VERSION, SqliteStore};

fn pragma(path: &Path, name: &str) -> i64 {
    let c = Connection::open(path).unwrap();
    c.pragma_query_value(None, name, |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn a_new_file_is_marked_and_at_the_current_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    SqliteStore::open(&path).unwrap().close().await;
    assert_eq!(pragma(&path, "application_id"), i64::from(APPLICATION_ID));
    assert_eq!(pragma(&path, "user_version"), SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, MIGRATIONS.last().unwrap().0);
    let c = Connection::open(&path).unwrap();
    let mode: String = c
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // Reopening an up-to-date database works and changes nothing.
    SqliteStore::open(&path).unwrap().close().await;
    assert_eq!(pragma(&path, "user_version"), SCHEMA_VERSION);
}

#[tokio::test]
async fn a_version_1_database_is_migrated_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    let world = World::new();
    let p = participant(cpr(0), &[world.teams[0].id, world.teams[1].id]);
    let q = participant(cpr(1), &[world.teams[1].id]);
    {
        // What valghalla 0.1 with only migration 0001 wrote.
        let c = Connection::open(&path).unwrap();
        c.execute_batch(MIGRATIONS[0].1).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        for (x, version) in [(&p, 3), (&q, 1)] {
            c.execute(
                "INSERT INTO participant (id, cpr, doc, version) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    x.id.to_string(),
                    x.cpr.reveal(),
                    serde_json::to_string(x).unwrap(),
                    version
                ],
            )
            .unwrap();
        }
        c.execute(
            "INSERT INTO area (id, doc, version) VALUES (?1, ?2, 1)",
            rusqlite::params![
                world.area.id.to_string(),
                serde_json::to_string(&world.area).unwrap()
            ],
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(
        store
            .get(RecordKey::Participant(p.id))
            .await
            .unwrap()
            .unwrap(),
        Versioned {
            value: Record::Participant(p.clone()),
            version: 3
        }
    );
    assert_eq!(
        sorted(&store, &Query::MembersOfTeam(world.teams[1].id)).await,
        {
            let mut v = vec![
                (RecordKey::Participant(p.id), 3),
                (RecordKey::Participant(q.id), 1),
            ];
            v.sort();
            v
        }
    );
    assert_eq!(
        sorted(&store, &Query::MembersOfTeam(world.teams[0].id)).await,
        vec![(RecordKey::Participant(p.id), 3)]
    );
    assert_eq!(
        sorted(&store, &Query::All(RecordKind::Area)).await,
        vec![(RecordKey::Area(world.area.id), 1)]
    );
    // And it takes new writes that need version 2 (the rest of the world and a seat).
    let mut records: Vec<Record> = world
        .records()
        .into_iter()
        .filter(|r| !matches!(r, Record::Area(_)))
        .collect();
    let mut seat = Seat::vacant(world.slot(0));
    seat.state = invited(q.id);
    records.push(Record::Seat(seat));
    store.apply(puts(records, Expect::Absent)).await.unwrap();
    store.close().await;
    assert_eq!(pragma(&path, "user_version"), SCHEMA_VERSION);
}

#[tokio::test]
async fn a_version_3_outbox_is_migrated_with_its_messages_and_takes_cancellations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.db");
    let pending = message(10, valghalla_core::ids::ParticipantId::new(), None);
    {
        let c = Connection::open(&path).unwrap();
        for (_, sql) in &MIGRATIONS[..3] {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", 3).unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        c.execute(
            "INSERT INTO outbox (id, created_at, participant_id, election_id, status, attempts, \
             next_attempt_at, doc) VALUES (?1, 10, ?2, NULL, 'pending', 0, 10, ?3)",
            rusqlite::params![
                pending.id.to_string(),
                pending.participant.to_string(),
                serde_json::to_string(&pending).unwrap()
            ],
        )
        .unwrap();
        // Version 3 could not store a cancelled message.
        assert!(
            c.execute("UPDATE outbox SET status = 'cancelled'", [])
                .is_err()
        );
    }
    let store = SqliteStore::open(&path).unwrap();
    let all = store
        .outbox(&valghalla_core::store::OutboxFilter::default())
        .await
        .unwrap();
    assert_eq!(all, vec![pending.clone()]);
    let cancelled = valghalla_core::store::DeliveryStatus::Cancelled {
        at: at(20),
        reason: "pladsen er ikke længere tilbudt modtageren".into(),
    };
    store
        .record_delivery(valghalla_core::store::DeliveryUpdate {
            id: pending.id,
            expected_attempts: 0,
            status: cancelled.clone(),
            next_attempt_at: at(20),
            error: None,
        })
        .await
        .unwrap();
    let all = store
        .outbox(&valghalla_core::store::OutboxFilter::default())
        .await
        .unwrap();
    assert_eq!(all[0].status, cancelled);
    store.close().await;
    assert_eq!(pragma(&path, "user_version"), SCHEMA_VERSION);
}

#[tokio::test]
async fn a_database_from_a_newer_valghalla_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    SqliteStore::open(&path).unwrap().close().await;
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 7)
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(
        matches!(err, OpenError::NewerSchema { found, supported, .. }
            if found == SCHEMA_VERSION + 7 && supported == SCHEMA_VERSION),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&path.display().to_string()) && text.contains("upgrade"),
        "{text}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(pragma(&path, "user_version"), SCHEMA_VERSION + 7);
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    let content = "These are my notes, not a database.\n".repeat(200);
    std::fs::write(&path, &content).unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, OpenError::NotADatabase { .. }), "{err}");
    assert!(err.to_string().contains(&path.display().to_string()));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), content);
    assert!(matches!(
        SqliteStore::open(dir.path()).unwrap_err(),
        OpenError::NotADatabase { .. }
    ));
}

#[test]
fn another_applications_database_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            OpenError::NotValghalla {
                application_id: 0,
                objects: 1,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // Marked by another application, even if empty.
    let path = dir.path().join("marked.db");
    {
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "application_id", 0x1234).unwrap();
    }
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            OpenError::NotValghalla {
                application_id: 0x1234,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_missing_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("valghalla.db");
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(
        matches!(&err, OpenError::MissingDirectory { directory, .. } if directory == &dir.path().join("no-such-dir")),
        "{err}"
    );
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(!path.exists());
}

/// Tests run as root here, where file permissions do not stop writes; the store refuses a file
/// marked read-only all the same (it checks the permission bits before SQLite opens the file),
/// so the error is the same for root and for other users.
#[tokio::test]
async fn a_read_only_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.db");
    SqliteStore::open(&path).unwrap().close().await;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, OpenError::ReadOnly { .. }), "{err}");
    assert!(err.to_string().contains("chmod"), "{err}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    SqliteStore::open(&path).unwrap().close().await;
}

#[tokio::test]
async fn an_in_memory_store_starts_empty_and_at_the_current_schema() {
    let store = SqliteStore::open_in_memory().unwrap();
    assert_eq!(store.path(), Path::new(":memory:"));
    assert!(
        store
            .query(&Query::All(RecordKind::Seat))
            .await
            .unwrap()
            .is_empty()
    );
    store.close().await;
}
