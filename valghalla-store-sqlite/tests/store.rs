//! Store-level tests of `SqliteStore`: the semantics of `valghalla_core::store`, as the memory
//! store defines them, plus the constraints only the SQL schema adds.

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
    AuditFilter, Change, ChangeSet, DeliveryStatus, DeliveryUpdate, DynStore, Expect, OutboxFilter,
    Query, Read, Store, StoreError,
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

#[tokio::test]
async fn insert_then_absent_again_conflicts() {
    let (store, world) = store_with_world().await;
    let seat = Seat::vacant(world.slot(0));
    let put = || change(Op::Put(Record::Seat(seat.clone())), Expect::Absent);
    store.apply(put()).await.unwrap();
    let got = store.get(RecordKey::Seat(seat.id)).await.unwrap().unwrap();
    assert_eq!(got.version, 1);
    assert_eq!(got.value, Record::Seat(seat.clone()));
    let err = store.apply(put()).await.unwrap_err();
    assert!(is_conflict_on(&err, RecordKey::Seat(seat.id)), "{err}");
}

#[tokio::test]
async fn a_failed_precondition_writes_nothing_of_the_change_set() {
    let (store, world) = store_with_world().await;
    let seat = Seat::vacant(world.slot(0));
    store
        .apply(change(Op::Put(Record::Seat(seat.clone())), Expect::Absent))
        .await
        .unwrap();
    let before = snapshot(store.as_ref()).await;

    let p = participant(cpr(0), &[world.teams[0].id]);
    let other = Seat::vacant(world.slot(1));
    let mut taken = seat.clone();
    taken.state = invited(p.id);
    let cs = ChangeSet {
        changes: vec![
            Change {
                op: Op::Put(Record::Participant(p.clone())),
                expect: Expect::Absent,
            },
            Change {
                op: Op::Put(Record::Seat(other)),
                expect: Expect::Any,
            },
            // Stale: the seat is at version 1.
            Change {
                op: Op::Put(Record::Seat(taken)),
                expect: Expect::Version(7),
            },
        ],
        audit: vec![audit(1, Some(p.id), None)],
        messages: vec![message(1, p.id, None)],
    };
    let err = store.apply(cs).await.unwrap_err();
    assert!(is_conflict_on(&err, RecordKey::Seat(seat.id)), "{err}");
    assert_eq!(snapshot(store.as_ref()).await, before);
    assert!(
        store
            .audit_log(&AuditFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .outbox(&OutboxFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn versions_count_puts_and_touches() {
    let (store, world) = store_with_world().await;
    let p = participant(cpr(0), &[]);
    let key = RecordKey::Participant(p.id);
    store
        .apply(change(
            Op::Put(Record::Participant(p.clone())),
            Expect::Absent,
        ))
        .await
        .unwrap();
    store
        .apply(change(Op::Touch(key), Expect::Version(1)))
        .await
        .unwrap();
    let v = store.get(key).await.unwrap().unwrap();
    assert_eq!(v.version, 2);
    assert_eq!(v.value, Record::Participant(p.clone()));
    store
        .apply(change(
            Op::Put(Record::Participant(p.clone())),
            Expect::Version(2),
        ))
        .await
        .unwrap();
    assert_eq!(store.get(key).await.unwrap().unwrap().version, 3);
    let err = store
        .apply(change(Op::Touch(key), Expect::Version(2)))
        .await
        .unwrap_err();
    assert!(is_conflict_on(&err, key));

    // Touching a missing record conflicts even without a precondition.
    let missing = RecordKey::Seat(valghalla_core::ids::SeatId::new());
    let err = store
        .apply(change(Op::Touch(missing), Expect::Any))
        .await
        .unwrap_err();
    assert!(is_conflict_on(&err, missing));

    // Deleting a missing record is fine under Any, a conflict under Version.
    store
        .apply(change(Op::Delete(missing), Expect::Any))
        .await
        .unwrap();
    assert!(
        store
            .apply(change(Op::Delete(missing), Expect::Version(1)))
            .await
            .unwrap_err()
            .is_conflict()
    );
    store
        .apply(change(Op::Delete(key), Expect::Version(3)))
        .await
        .unwrap();
    assert!(store.get(key).await.unwrap().is_none());
    let _ = world;
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

#[tokio::test]
async fn one_participant_per_cpr_number() {
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
    // No CPR number in the error.
    let text = format!("{err} {err:?}");
    assert!(!text.contains(CPRS[0]) && !text.contains("1234"), "{text}");

    // Two new participants with one number in one change set.
    let c = participant(cpr(1), &[]);
    let d = participant(cpr(1), &[]);
    assert!(
        store
            .apply(puts(
                vec![Record::Participant(c.clone()), Record::Participant(d)],
                Expect::Absent
            ))
            .await
            .unwrap_err()
            .is_conflict()
    );

    // Swapping numbers between two participants in one change set is fine, and so is giving a
    // deleted participant's number to a new one.
    store
        .apply(change(
            Op::Put(Record::Participant(c.clone())),
            Expect::Absent,
        ))
        .await
        .unwrap();
    let (mut a2, mut c2) = (a.clone(), c.clone());
    a2.cpr = c.cpr;
    c2.cpr = a.cpr;
    store
        .apply(puts(
            vec![Record::Participant(a2), Record::Participant(c2)],
            Expect::Version(1),
        ))
        .await
        .unwrap();
    let found = store.query(&Query::ParticipantByCpr(cpr(1))).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].value.key(), RecordKey::Participant(a.id));
    let e = participant(cpr(1), &[]);
    let cs = ChangeSet {
        changes: vec![
            Change {
                op: Op::Put(Record::Participant(e.clone())),
                expect: Expect::Absent,
            },
            Change {
                op: Op::Delete(RecordKey::Participant(a.id)),
                expect: Expect::Any,
            },
        ],
        ..ChangeSet::default()
    };
    store.apply(cs).await.unwrap();
    let found = store.query(&Query::ParticipantByCpr(cpr(1))).await.unwrap();
    assert_eq!(found[0].value.key(), RecordKey::Participant(e.id));
}

#[tokio::test]
async fn one_link_per_token() {
    let (store, world) = store_with_world().await;
    let a = link("token-a", world.teams[0].id);
    store
        .apply(change(Op::Put(Record::Link(a.clone())), Expect::Absent))
        .await
        .unwrap();
    let b = link("token-a", world.teams[1].id);
    assert!(
        store
            .apply(change(Op::Put(Record::Link(b)), Expect::Absent))
            .await
            .unwrap_err()
            .is_conflict()
    );
    let found = store
        .query(&Query::LinkByToken(LinkToken::from_string(
            "token-a".into(),
        )))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].value, Record::Link(a));
}

#[tokio::test]
async fn a_change_set_writing_a_key_twice_is_refused() {
    let (store, world) = store_with_world().await;
    let seat = Seat::vacant(world.slot(0));
    let cs = puts(
        vec![Record::Seat(seat.clone()), Record::Seat(seat.clone())],
        Expect::Any,
    );
    let err = store.apply(cs).await.unwrap_err();
    assert!(matches!(err, StoreError::Backend { .. }), "{err}");
    assert!(store.get(RecordKey::Seat(seat.id)).await.unwrap().is_none());
}

#[tokio::test]
async fn dangling_references_conflict_and_the_order_of_ops_does_not_matter() {
    let store: DynStore = Arc::new(SqliteStore::open_in_memory().unwrap());
    let world = World::new();
    // Children before parents in one change set: fine, foreign keys are checked at commit.
    let mut records = world.records();
    records.reverse();
    let seat = Seat::vacant(world.slot(3));
    records.insert(0, Record::Seat(seat.clone()));
    store.apply(puts(records, Expect::Absent)).await.unwrap();

    // A seat in an election that does not exist.
    let mut slot = world.slot(0);
    slot.election = valghalla_core::ids::ElectionId::new();
    let before = snapshot(store.as_ref()).await;
    let err = store
        .apply(change(
            Op::Put(Record::Seat(Seat::vacant(slot))),
            Expect::Absent,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { key: None, .. }),
        "{err}"
    );
    assert_eq!(snapshot(store.as_ref()).await, before);

    // A participant who holds a seat cannot be deleted alone, but with the seat freed, yes.
    let p = participant(cpr(2), &[world.teams[0].id]);
    let mut taken = seat.clone();
    taken.state = accepted(p.id);
    store
        .apply(puts(
            vec![Record::Participant(p.clone()), Record::Seat(taken)],
            Expect::Any,
        ))
        .await
        .unwrap();
    let err = store
        .apply(change(
            Op::Delete(RecordKey::Participant(p.id)),
            Expect::Any,
        ))
        .await
        .unwrap_err();
    assert!(err.is_conflict());
    let cs = ChangeSet {
        changes: vec![
            Change {
                op: Op::Delete(RecordKey::Participant(p.id)),
                expect: Expect::Any,
            },
            Change {
                op: Op::Put(Record::Seat(seat.clone())),
                expect: Expect::Version(2),
            },
        ],
        ..ChangeSet::default()
    };
    store.apply(cs).await.unwrap();
    assert!(
        store
            .query(&Query::MembersOfTeam(world.teams[0].id))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn queries_select_what_the_memory_store_selects() {
    let (store, world) = store_with_world().await;
    let p = participant(cpr(0), &[world.teams[0].id, world.teams[1].id]);
    let q = participant(cpr(1), &[world.teams[1].id]);
    let mut records = vec![
        Record::Participant(p.clone()),
        Record::Participant(q.clone()),
    ];
    let mut seats = Vec::new();
    for i in 0..40 {
        let mut s = Seat::vacant(world.slot(i));
        if i % 5 == 1 {
            s.state = invited(p.id);
        } else if i % 5 == 2 {
            s.state = accepted(q.id);
        }
        seats.push(s.clone());
        records.push(Record::Seat(s));
    }
    let r = rejection(&seats[0], p.id);
    records.push(Record::Rejection(r.clone()));
    records.push(Record::Municipality(Municipality {
        code: valghalla_core::MunicipalityCode::parse("621").unwrap(),
        name: name("Kolding Kommune"),
    }));
    store
        .apply(puts(records.clone(), Expect::Absent))
        .await
        .unwrap();

    let memory: DynStore = Arc::new(valghalla_core::memory::MemoryStore::new());
    memory.apply(world.change_set()).await.unwrap();
    memory.apply(puts(records, Expect::Absent)).await.unwrap();

    let e0 = world.elections[0].id;
    let queries = vec![
        Query::All(RecordKind::Seat),
        Query::All(RecordKind::Municipality),
        Query::SeatsOfElection(e0),
        Query::SeatsAtLocation {
            election: e0,
            work_location: world.locations[1].id,
        },
        Query::SeatsOfSlot(world.slot(0)),
        Query::SeatsOfSlot(world.slot(16)),
        Query::SeatsOfParticipant(p.id),
        Query::SeatsOfParticipant(q.id),
        Query::ParticipantByCpr(cpr(0)),
        Query::ParticipantByCpr(cpr(4)),
        Query::MembersOfTeam(world.teams[0].id),
        Query::MembersOfTeam(world.teams[1].id),
        Query::RejectionsOfElection(e0),
        Query::RejectionsOfElection(world.elections[1].id),
        Query::RejectionsOfParticipant(p.id),
        Query::RejectionsOfParticipant(q.id),
    ];
    // Queries 9, 13 and 15 select nothing; the others something.
    for (i, query) in queries.iter().enumerate() {
        let got = sorted(store.as_ref(), query).await;
        assert_eq!(got, sorted(memory.as_ref(), query).await, "{query:?}");
        if ![9, 13, 15].contains(&i) {
            assert!(!got.is_empty(), "{query:?} should select something");
        }
    }
    assert_eq!(
        snapshot(store.as_ref()).await,
        snapshot(memory.as_ref()).await
    );
    assert_eq!(
        store.get(RecordKey::Municipality).await.unwrap(),
        memory.get(RecordKey::Municipality).await.unwrap()
    );
}

#[tokio::test]
async fn the_audit_log_is_newest_first_filtered_limited_and_purged() {
    let (store, world) = store_with_world().await;
    let memory: DynStore = Arc::new(valghalla_core::memory::MemoryStore::new());
    let p = valghalla_core::ids::ParticipantId::new();
    let e = world.elections[0].id;
    let entries = [
        audit(5, Some(p), None),
        audit(1, None, Some(e)),
        audit(5, None, Some(e)),
        audit(9, Some(p), Some(e)),
        audit(3, None, None),
    ];
    for chunk in entries.chunks(2) {
        let cs = ChangeSet {
            audit: chunk.to_vec(),
            ..ChangeSet::default()
        };
        store.apply(cs.clone()).await.unwrap();
        memory.apply(cs).await.unwrap();
    }
    let filters = [
        AuditFilter::default(),
        AuditFilter {
            participant: Some(p),
            ..AuditFilter::default()
        },
        AuditFilter {
            election: Some(e),
            limit: 2,
            ..AuditFilter::default()
        },
        AuditFilter {
            participant: Some(p),
            election: Some(e),
            limit: 0,
        },
    ];
    for f in &filters {
        assert_eq!(
            store.audit_log(f).await.unwrap(),
            memory.audit_log(f).await.unwrap(),
            "{f:?}"
        );
    }
    assert_eq!(store.audit_log(&filters[0]).await.unwrap()[0].at, at(9));
    assert_eq!(store.purge_audit(at(5)).await.unwrap(), 2);
    assert_eq!(memory.purge_audit(at(5)).await.unwrap(), 2);
    assert_eq!(
        store.audit_log(&filters[0]).await.unwrap(),
        memory.audit_log(&filters[0]).await.unwrap()
    );
}

#[tokio::test]
async fn the_outbox_delivers_optimistically_and_purges_what_is_done() {
    let (store, world) = store_with_world().await;
    let memory: DynStore = Arc::new(valghalla_core::memory::MemoryStore::new());
    let p = valghalla_core::ids::ParticipantId::new();
    let e = world.elections[1].id;
    let messages = vec![
        message(3, p, Some(e)),
        message(1, p, None),
        message(2, valghalla_core::ids::ParticipantId::new(), Some(e)),
        message(2, p, Some(e)),
    ];
    let cs = ChangeSet {
        messages: messages.clone(),
        ..ChangeSet::default()
    };
    store.apply(cs.clone()).await.unwrap();
    memory.apply(cs).await.unwrap();

    let sent = DeliveryUpdate {
        id: messages[1].id,
        expected_attempts: 0,
        status: DeliveryStatus::Sent {
            at: at(4),
            channel: "email".into(),
        },
        next_attempt_at: at(4),
        error: None,
    };
    let retry = DeliveryUpdate {
        id: messages[0].id,
        expected_attempts: 0,
        status: DeliveryStatus::Pending,
        next_attempt_at: at(100),
        error: Some("provider timed out".into()),
    };
    for s in [&store, &memory] {
        s.record_delivery(sent.clone()).await.unwrap();
        s.record_delivery(retry.clone()).await.unwrap();
        // Another dispatcher read attempts = 0 too: it loses.
        assert!(
            s.record_delivery(retry.clone())
                .await
                .unwrap_err()
                .is_conflict()
        );
        let mut missing = retry.clone();
        missing.id = valghalla_core::ids::MessageId::new();
        assert!(s.record_delivery(missing).await.unwrap_err().is_conflict());
    }
    let filters = [
        OutboxFilter::default(),
        OutboxFilter {
            due_at: Some(at(50)),
            ..OutboxFilter::default()
        },
        OutboxFilter {
            due_at: Some(at(100)),
            participant: Some(p),
            ..OutboxFilter::default()
        },
        OutboxFilter {
            election: Some(e),
            limit: 2,
            ..OutboxFilter::default()
        },
    ];
    for f in &filters {
        assert_eq!(
            store.outbox(f).await.unwrap(),
            memory.outbox(f).await.unwrap(),
            "{f:?}"
        );
    }
    let all = store.outbox(&filters[0]).await.unwrap();
    assert_eq!(all.len(), 4);
    let retried = all.iter().find(|m| m.id == messages[0].id).unwrap();
    assert_eq!(retried.attempts, 1);
    assert_eq!(retried.last_error.as_deref(), Some("provider timed out"));

    assert_eq!(store.purge_outbox(at(1000)).await.unwrap(), 1);
    assert_eq!(memory.purge_outbox(at(1000)).await.unwrap(), 1);
    assert_eq!(
        store.outbox(&filters[0]).await.unwrap(),
        memory.outbox(&filters[0]).await.unwrap()
    );
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
