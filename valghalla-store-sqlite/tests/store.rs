//! What only the SQLite store can check: its columns, its file (reopening, checkpoints), its
//! per-connection cache, its connection threads, and its stored data of earlier versions. The
//! store's contract is the conformance suite's (tests/conformance.rs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::sync::Arc;

use common::*;
use valghalla_core::model::*;
use valghalla_core::store::{
    AuditFilter, DynStore, Expect, OutboxFilter, Query, Read, Store, StoreError,
};
use valghalla_store_sqlite::SqliteStore;

async fn store_with_world() -> (DynStore, World) {
    let store: DynStore = Arc::new(SqliteStore::open_in_memory().unwrap());
    let world = World::new();
    store.apply(world.change_set()).await.unwrap();
    (store, world)
}

fn is_conflict_on(e: &StoreError, key: RecordKey) -> bool {
    matches!(e, StoreError::Conflict { key: Some(k), .. } if *k == key)
}

/// A state change writes only the state columns (see `rows::update_sql`); a seat moved to
/// another slot must still be found in its new slot, and only there.
#[tokio::test]
async fn a_seat_put_again_is_found_by_its_new_state_and_its_new_slot() {
    let (store, world) = store_with_world().await;
    let p = participant(cpr(0), &[]);
    let seat = Seat::vacant(world.slot(0));
    let key = RecordKey::Seat(seat.id);
    store
        .apply(puts(
            vec![Record::Participant(p.clone()), Record::Seat(seat.clone())],
            Expect::Absent,
        ))
        .await
        .unwrap();
    let of_slot = |slot| Query::SeatsOfSlot(slot);
    let ids = |found: Vec<Versioned<Record>>| -> Vec<RecordKey> {
        found.into_iter().map(|v| v.value.key()).collect()
    };

    // Puts `seat` over `version` and reads it back.
    let put_again = async |seat: &Seat, version| {
        store
            .apply(change(
                Op::Put(Record::Seat(seat.clone())),
                Expect::Version(version),
            ))
            .await
            .unwrap();
        let v = store.get(key).await.unwrap().unwrap();
        (v.version, v.value)
    };

    let invited = Seat {
        state: invited(p.id),
        ..seat.clone()
    };
    assert_eq!(
        put_again(&invited, 1).await,
        (2, Record::Seat(invited.clone()))
    );
    let held = store.query(&Query::SeatsOfParticipant(p.id)).await.unwrap();
    assert_eq!(ids(held), vec![key]);

    let moved = Seat {
        slot: world.slot(1),
        ..invited
    };
    assert_eq!(put_again(&moved, 2).await, (3, Record::Seat(moved.clone())));
    assert!(!ids(store.query(&of_slot(world.slot(0))).await.unwrap()).contains(&key));
    assert!(ids(store.query(&of_slot(world.slot(1))).await.unwrap()).contains(&key));
    let held = store.query(&Query::SeatsOfParticipant(p.id)).await.unwrap();
    assert_eq!(ids(held), vec![key]);
}

/// A second participant with a taken CPR number: the conflict names the new participant (the
/// conformance suite checks the uniqueness itself on every store) and never the number.
#[tokio::test]
async fn a_taken_cpr_number_is_a_conflict_on_the_new_participant() {
    let (store, _world) = store_with_world().await;
    let a = participant(cpr(0), &[]);
    store
        .apply(change(
            Op::Put(Record::Participant(a.clone())),
            Expect::Absent,
        ))
        .await
        .unwrap();
    let b = participant(cpr(0), &[]);
    let err = store
        .apply(change(
            Op::Put(Record::Participant(b.clone())),
            Expect::Absent,
        ))
        .await
        .unwrap_err();
    assert!(is_conflict_on(&err, RecordKey::Participant(b.id)), "{err}");
    let text = format!("{err} {err:?}");
    assert!(!text.contains(CPRS[0]) && !text.contains("1234"), "{text}");
}

#[tokio::test]
async fn a_file_database_keeps_its_data_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("valghalla.db");
    let world = World::new();
    let p = participant(cpr(3), &[world.teams[1].id]);
    let before = {
        let store: DynStore = Arc::new(SqliteStore::open(&path).unwrap());
        store.apply(world.change_set()).await.unwrap();
        let mut seat = Seat::vacant(world.slot(5));
        seat.state = invited(p.id);
        let mut cs = puts(
            vec![Record::Participant(p.clone()), Record::Seat(seat)],
            Expect::Absent,
        );
        cs.audit.push(audit(1, Some(p.id), None));
        cs.messages.push(message(1, p.id, None));
        store.apply(cs).await.unwrap();
        snapshot(store.as_ref()).await
    };
    let store: DynStore = Arc::new(SqliteStore::open(&path).unwrap());
    assert_eq!(snapshot(store.as_ref()).await, before);
    assert_eq!(
        sorted(store.as_ref(), &Query::MembersOfTeam(world.teams[1].id)).await,
        vec![(RecordKey::Participant(p.id), 1)]
    );
    assert_eq!(
        store
            .audit_log(&AuditFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.outbox(&OutboxFilter::default()).await.unwrap().len(),
        1
    );
}

/// The store checkpoints in the background: shortly after a commit its pages are in the
/// database file itself, not only in the WAL, while the store stays open. Checked on a copy of
/// the database file alone, which SQLite opens without the WAL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commits_reach_the_database_file_shortly_without_closing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("valghalla.db");
    let copy = dir.path().join("copy.db");
    let store = SqliteStore::open(&path).unwrap();
    let world = World::new();
    store.apply(world.change_set()).await.unwrap();
    let p = participant(cpr(7), &[]);
    store
        .apply(change(
            Op::Put(Record::Participant(p.clone())),
            Expect::Absent,
        ))
        .await
        .unwrap();
    let in_file_alone = || {
        std::fs::copy(&path, &copy).unwrap();
        let conn = rusqlite::Connection::open(&copy).unwrap();
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM participant WHERE id = ?1",
                [p.id.to_string()],
                |r| r.get(0),
            )
            .unwrap_or(0);
        n == 1
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !in_file_alone() {
        assert!(
            std::time::Instant::now() < deadline,
            "the commit was not checkpointed into the database file within 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        path.with_extension("db-wal").exists(),
        "the store is still open in WAL mode"
    );
    store.close().await;
}

/// Each connection keeps the records it decoded (see `cache.rs`). A row deleted and inserted
/// again starts over at version 1: neither this store nor one writing the same file from
/// elsewhere may then be answered with the old record of that row and version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_read_again_is_never_stale_after_a_delete_and_insert_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("valghalla.db");
    let here = SqliteStore::open(&path).unwrap();
    let elsewhere = SqliteStore::open(&path).unwrap();
    let named = |n: &str| Area {
        id: valghalla_core::ids::AreaId::from_uuid(uuid::Uuid::from_u128(7)),
        name: name(n),
        description: String::new(),
    };
    let key = RecordKey::Area(named("Nord").id);
    let reads = [Read::Get(key), Read::Query(Query::All(RecordKind::Area))];
    // Both the writer (`read_many`) and the reader (`get`) of `here` must see the new record.
    let seen = async |store: &SqliteStore| {
        let many = store.read_many(&reads).await.unwrap();
        let one = store.get(key).await.unwrap();
        (many[0].first().cloned(), many[1].first().cloned(), one)
    };
    let expect = |n: &str| {
        let v = Some(Versioned {
            value: Record::Area(named(n)),
            version: 1,
        });
        (v.clone(), v.clone(), v)
    };

    here.apply(change(Op::Put(Record::Area(named("Nord"))), Expect::Absent))
        .await
        .unwrap();
    assert_eq!(seen(&here).await, expect("Nord"));
    here.apply(change(Op::Delete(key), Expect::Version(1)))
        .await
        .unwrap();
    here.apply(change(Op::Put(Record::Area(named("Syd"))), Expect::Absent))
        .await
        .unwrap();
    assert_eq!(seen(&here).await, expect("Syd"), "deleted by this store");

    elsewhere
        .apply(change(Op::Delete(key), Expect::Version(1)))
        .await
        .unwrap();
    elsewhere
        .apply(change(Op::Put(Record::Area(named("Øst"))), Expect::Absent))
        .await
        .unwrap();
    assert_eq!(
        seen(&here).await,
        expect("Øst"),
        "deleted by another connection"
    );
    here.close().await;
    elsewhere.close().await;
}

#[tokio::test]
async fn reads_and_writes_run_concurrently_from_many_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let store: DynStore = Arc::new(SqliteStore::open(dir.path().join("db")).unwrap());
    let world = World::new();
    store.apply(world.change_set()).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = store.clone();
        let world = world.clone();
        tasks.push(tokio::spawn(async move {
            for j in 0..20 {
                let seat = Seat::vacant(world.slot(i * 20 + j));
                store
                    .apply(change(Op::Put(Record::Seat(seat.clone())), Expect::Absent))
                    .await
                    .unwrap();
                assert!(store.get(RecordKey::Seat(seat.id)).await.unwrap().is_some());
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        store
            .query(&Query::All(RecordKind::Seat))
            .await
            .unwrap()
            .len(),
        160
    );
}

/// Audit entries stored by earlier versions (the actor's label and the subject's kind and id as
/// text; the stored form has not changed) read back typed.
#[tokio::test]
async fn audit_entries_stored_by_earlier_versions_read_back_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("valghalla.db");
    drop(SqliteStore::open(&path).unwrap());
    let (seat, p) = (
        valghalla_core::ids::SeatId::new(),
        valghalla_core::ids::ParticipantId::new(),
    );
    let doc = format!(
        r#"{{"id":"{}","at":"2026-11-07T09:00:00Z","actor":"staff:jens","action":"SeatChange","subject_kind":"seat","subject_id":"{seat}","participant":"{p}","election":null,"description":"invited (seat {seat}, participant {p})"}}"#,
        valghalla_core::ids::AuditId::new()
    );
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO audit (id, at, participant_id, election_id, doc) VALUES (?1, 0, ?2, NULL, ?3)",
            rusqlite::params![valghalla_core::ids::AuditId::new().to_string(), p.to_string(), doc],
        )
        .unwrap();
    let store = SqliteStore::open(&path).unwrap();
    let entries = store
        .audit_log(&AuditFilter {
            participant: Some(p),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].actor,
        ActorLabel::Staff {
            user: "jens".into()
        }
    );
    assert_eq!(entries[0].subject, RecordKey::Seat(seat).into());
    assert_eq!(
        serde_json::to_value(&entries[0]).unwrap(),
        serde_json::from_str::<serde_json::Value>(&doc).unwrap()
    );
}
