//! Store-level tests of `PgStore` against a live Postgres, mirroring the in-memory store's
//! semantics. Skipped (loudly) without `VALGHALLA_PG_URL`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::sync::Arc;

use common::*;
use valghalla_core::ids::{
    AreaId, ElectionId, LinkId, MessageId, ParticipantId, SeatId, TeamId, WorkLocationId,
};
use valghalla_core::memory::MemoryStore;
use valghalla_core::model::{Op, RecordKey, RecordKind};
use valghalla_core::store::{
    AuditFilter, Change, ChangeSet, DeliveryStatus, DeliveryUpdate, Expect, OutboxFilter, Query,
    Store, StoreError,
};
use valghalla_store_pg::{PgStore, TenantId};

fn put(record: valghalla_core::model::Record, expect: Expect) -> Change {
    Change {
        op: Op::Put(record),
        expect,
    }
}

fn op(op: Op, expect: Expect) -> Change {
    Change { op, expect }
}

fn set(changes: Vec<Change>) -> ChangeSet {
    ChangeSet {
        changes,
        ..ChangeSet::default()
    }
}

async fn version(store: &dyn Store, key: RecordKey) -> Option<u64> {
    store.get(key).await.unwrap().map(|v| v.version)
}

fn assert_conflict(r: Result<(), StoreError>) {
    match r {
        Err(StoreError::Conflict { .. }) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_tracked_in_their_own_table() {
    let Some(pool) = pool(2).await else { return };
    PgStore::migrate(&pool).await.unwrap();
    let table: Option<String> =
        sqlx::query_scalar("SELECT to_regclass('valghalla._sqlx_migrations')::text")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(table.as_deref(), Some("valghalla._sqlx_migrations"));
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM valghalla._sqlx_migrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        applied,
        i64::try_from(PgStore::migrator().iter().count()).unwrap()
    );
}

#[test]
fn tenant_ids_are_checked() {
    assert!(TenantId::new("0621").is_ok());
    assert!(TenantId::new("kolding_kommune-2").is_ok());
    assert!(TenantId::new("").is_err());
    assert!(TenantId::new("a b").is_err());
    assert!(TenantId::new("x'; DROP TABLE y").is_err());
    assert!(TenantId::new(&"a".repeat(64)).is_err());
}

#[tokio::test]
async fn versions_follow_put_touch_and_delete() {
    let Some(store) = fresh_store(2).await else {
        return;
    };
    let id = AreaId::new();
    let key = RecordKey::Area(id);
    store
        .apply(set(vec![put(area(id, "Nord"), Expect::Absent)]))
        .await
        .unwrap();
    assert_eq!(version(&store, key).await, Some(1));
    store
        .apply(set(vec![put(area(id, "Syd"), Expect::Version(1))]))
        .await
        .unwrap();
    let got = store.get(key).await.unwrap().unwrap();
    assert_eq!(got.version, 2);
    assert_eq!(got.value, area(id, "Syd"));
    store
        .apply(set(vec![put(area(id, "Øst"), Expect::Any)]))
        .await
        .unwrap();
    store
        .apply(set(vec![op(Op::Touch(key), Expect::Any)]))
        .await
        .unwrap();
    assert_eq!(version(&store, key).await, Some(4));
    store
        .apply(set(vec![op(Op::Touch(key), Expect::Version(4))]))
        .await
        .unwrap();
    store
        .apply(set(vec![op(Op::Delete(key), Expect::Version(5))]))
        .await
        .unwrap();
    assert_eq!(version(&store, key).await, None);
    // Put under Any on a missing record inserts at version 1.
    store
        .apply(set(vec![put(area(id, "Vest"), Expect::Any)]))
        .await
        .unwrap();
    assert_eq!(version(&store, key).await, Some(1));
}

#[tokio::test]
async fn failed_preconditions_are_conflicts_as_in_memory() {
    let Some(pg) = fresh_store(2).await else {
        return;
    };
    let memory = MemoryStore::new();
    let stores: [&dyn Store; 2] = [&pg, &memory];
    let id = AreaId::new();
    let key = RecordKey::Area(id);
    let missing = RecordKey::Area(AreaId::new());
    for store in stores {
        store
            .apply(set(vec![put(area(id, "Nord"), Expect::Absent)]))
            .await
            .unwrap();
        assert_conflict(
            store
                .apply(set(vec![put(area(id, "x"), Expect::Absent)]))
                .await,
        );
        assert_conflict(
            store
                .apply(set(vec![put(area(id, "x"), Expect::Version(2))]))
                .await,
        );
        assert_conflict(
            store
                .apply(set(vec![op(Op::Touch(missing), Expect::Any)]))
                .await,
        );
        assert_conflict(
            store
                .apply(set(vec![op(Op::Touch(key), Expect::Version(7))]))
                .await,
        );
        assert_conflict(
            store
                .apply(set(vec![op(Op::Touch(key), Expect::Absent)]))
                .await,
        );
        assert_conflict(
            store
                .apply(set(vec![op(Op::Delete(key), Expect::Absent)]))
                .await,
        );
        assert_conflict(
            store
                .apply(set(vec![op(Op::Delete(missing), Expect::Version(1))]))
                .await,
        );
        assert_conflict(
            store
                .apply(set(vec![op(Op::Delete(key), Expect::Version(2))]))
                .await,
        );
        assert_conflict(
            store
                .apply(set(vec![put(area(AreaId::new(), "x"), Expect::Version(1))]))
                .await,
        );
        // Fine: deleting a missing record under Any, and Touch/Delete expecting absence of a
        // missing record.
        store
            .apply(set(vec![op(Op::Delete(missing), Expect::Any)]))
            .await
            .unwrap();
        store
            .apply(set(vec![op(Op::Touch(missing), Expect::Absent)]))
            .await
            .unwrap();
        store
            .apply(set(vec![op(Op::Delete(missing), Expect::Absent)]))
            .await
            .unwrap();
        assert_eq!(version(store, key).await, Some(1));
        assert_eq!(version(store, missing).await, None);
    }
}

#[tokio::test]
async fn a_change_set_whose_last_op_conflicts_writes_nothing() {
    let Some(store) = fresh_store(2).await else {
        return;
    };
    let existing = AreaId::new();
    store
        .apply(set(vec![put(area(existing, "Nord"), Expect::Absent)]))
        .await
        .unwrap();
    let (a, b) = (AreaId::new(), AreaId::new());
    let p = ParticipantId::new();
    // Link keys sort last, so the failing op is also the last one applied.
    let mut changes = set(vec![
        put(link(LinkId::new(), "never"), Expect::Version(9)),
        put(area(a, "A"), Expect::Absent),
        put(area(b, "B"), Expect::Any),
        put(participant(p, cpr(0), &[]), Expect::Absent),
        op(Op::Touch(RecordKey::Area(existing)), Expect::Any),
    ]);
    changes.audit.push(audit(1, Some(p), None));
    changes.messages.push(message(MessageId::new(), p, None, 1));
    assert_conflict(store.apply(changes).await);
    assert_eq!(version(&store, RecordKey::Area(a)).await, None);
    assert_eq!(version(&store, RecordKey::Area(b)).await, None);
    assert_eq!(version(&store, RecordKey::Participant(p)).await, None);
    assert_eq!(version(&store, RecordKey::Area(existing)).await, Some(1));
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
async fn a_key_written_twice_is_refused_before_touching_the_store() {
    let Some(store) = fresh_store(2).await else {
        return;
    };
    let id = AreaId::new();
    let r = store
        .apply(set(vec![
            put(area(id, "A"), Expect::Any),
            op(Op::Touch(RecordKey::Area(id)), Expect::Any),
        ]))
        .await;
    assert!(matches!(r, Err(StoreError::Backend { .. })), "{r:?}");
    assert_eq!(version(&store, RecordKey::Area(id)).await, None);
}

#[tokio::test]
async fn one_participant_per_cpr_and_one_link_per_token() {
    let Some(store) = fresh_store(2).await else {
        return;
    };
    let (p1, p2, p3) = (
        ParticipantId::new(),
        ParticipantId::new(),
        ParticipantId::new(),
    );
    store
        .apply(set(vec![put(participant(p1, cpr(0), &[]), Expect::Absent)]))
        .await
        .unwrap();
    // Same CPR, another participant: a conflict, with no CPR number in the error.
    let err = store
        .apply(set(vec![put(participant(p2, cpr(0), &[]), Expect::Absent)]))
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(!text.contains(&cpr(0).reveal()), "CPR leaked into {text}");
    // Two new participants with one CPR in one change set.
    assert_conflict(
        store
            .apply(set(vec![
                put(participant(p2, cpr(1), &[]), Expect::Absent),
                put(participant(p3, cpr(1), &[]), Expect::Absent),
            ]))
            .await,
    );
    // Swapping CPR numbers inside one change set is fine (constraints are checked at commit).
    store
        .apply(set(vec![put(participant(p2, cpr(1), &[]), Expect::Absent)]))
        .await
        .unwrap();
    store
        .apply(set(vec![
            put(participant(p1, cpr(1), &[]), Expect::Version(1)),
            put(participant(p2, cpr(0), &[]), Expect::Version(1)),
        ]))
        .await
        .unwrap();
    // A CPR number freed by a delete in the same change set can be reused.
    store
        .apply(set(vec![
            op(Op::Delete(RecordKey::Participant(p1)), Expect::Any),
            put(participant(p3, cpr(1), &[]), Expect::Absent),
        ]))
        .await
        .unwrap();
    let found = store.query(&Query::ParticipantByCpr(cpr(1))).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].value.key(), RecordKey::Participant(p3));

    let (l1, l2) = (LinkId::new(), LinkId::new());
    store
        .apply(set(vec![put(link(l1, "secret-1"), Expect::Absent)]))
        .await
        .unwrap();
    assert_conflict(
        store
            .apply(set(vec![put(link(l2, "secret-1"), Expect::Any)]))
            .await,
    );
    store
        .apply(set(vec![put(link(l2, "secret-2"), Expect::Any)]))
        .await
        .unwrap();
    let found = store
        .query(&Query::LinkByToken(
            valghalla_core::model::LinkToken::from_string("secret-2".into()),
        ))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].value.key(), RecordKey::Link(l2));
}

#[tokio::test]
async fn a_seat_needs_its_election_and_participant_in_any_op_order() {
    let Some(store) = fresh_store(2).await else {
        return;
    };
    let (e, s, p) = (ElectionId::new(), SeatId::new(), ParticipantId::new());
    let sl = slot(e, WorkLocationId::new(), 10);
    // Missing election: conflict at commit.
    assert_conflict(
        store
            .apply(set(vec![put(seat(s, sl, None), Expect::Absent)]))
            .await,
    );
    // The seat before its election and participant in one change set is fine.
    store
        .apply(set(vec![
            put(seat(s, sl, Some(p)), Expect::Absent),
            put(participant(p, cpr(2), &[]), Expect::Absent),
            put(election(e), Expect::Absent),
        ]))
        .await
        .unwrap();
    // Deleting a participant who still holds a seat is a conflict.
    assert_conflict(
        store
            .apply(set(vec![op(
                Op::Delete(RecordKey::Participant(p)),
                Expect::Any,
            )]))
            .await,
    );
    assert_eq!(version(&store, RecordKey::Participant(p)).await, Some(1));
}

#[tokio::test]
async fn queries_select_the_same_sets_as_the_memory_store() {
    let Some(pg) = fresh_store(2).await else {
        return;
    };
    let memory = MemoryStore::new();
    let (e1, e2) = (ElectionId::new(), ElectionId::new());
    let (w1, w2) = (WorkLocationId::new(), WorkLocationId::new());
    let (p1, p2) = (ParticipantId::new(), ParticipantId::new());
    let (t1, t2) = (TeamId::new(), TeamId::new());
    let rej = valghalla_core::model::Rejection {
        id: valghalla_core::ids::RejectionId::new(),
        slot: slot(e1, w1, 10),
        seat: SeatId::new(),
        participant: p1,
        at: at(5),
        kind: valghalla_core::model::RejectionKind::Declined,
    };
    let changes = set(vec![
        put(election(e1), Expect::Absent),
        put(election(e2), Expect::Absent),
        put(participant(p1, cpr(0), &[t1]), Expect::Absent),
        put(participant(p2, cpr(1), &[t1, t2]), Expect::Absent),
        put(seat(SeatId::new(), slot(e1, w1, 10), None), Expect::Absent),
        put(
            seat(SeatId::new(), slot(e1, w1, 10), Some(p1)),
            Expect::Absent,
        ),
        put(
            seat(SeatId::new(), slot(e1, w1, 11), Some(p2)),
            Expect::Absent,
        ),
        put(seat(SeatId::new(), slot(e1, w2, 10), None), Expect::Absent),
        put(
            seat(SeatId::new(), slot(e2, w1, 10), Some(p1)),
            Expect::Absent,
        ),
        put(
            valghalla_core::model::Record::Rejection(rej),
            Expect::Absent,
        ),
        put(link(LinkId::new(), "tok-a"), Expect::Absent),
        put(
            valghalla_core::model::Record::Municipality(valghalla_core::model::Municipality {
                code: valghalla_core::MunicipalityCode::parse("0621").unwrap(),
                name: name("Kolding Kommune"),
            }),
            Expect::Absent,
        ),
    ]);
    pg.apply(changes.clone()).await.unwrap();
    memory.apply(changes).await.unwrap();
    let queries = vec![
        Query::All(RecordKind::Seat),
        Query::All(RecordKind::Municipality),
        Query::All(RecordKind::Area),
        Query::SeatsOfElection(e1),
        Query::SeatsOfElection(e2),
        Query::SeatsAtLocation {
            election: e1,
            work_location: w1,
        },
        Query::SeatsAtLocation {
            election: e1,
            work_location: w2,
        },
        Query::SeatsOfSlot(slot(e1, w1, 10)),
        Query::SeatsOfSlot(slot(e1, w1, 11)),
        Query::SeatsOfSlot(slot(e2, w2, 11)),
        Query::SeatsOfParticipant(p1),
        Query::SeatsOfParticipant(p2),
        Query::ParticipantByCpr(cpr(1)),
        Query::ParticipantByCpr(cpr(3)),
        Query::MembersOfTeam(t1),
        Query::MembersOfTeam(t2),
        Query::MembersOfTeam(TeamId::new()),
        Query::LinkByToken(valghalla_core::model::LinkToken::from_string(
            "tok-a".into(),
        )),
        Query::LinkByToken(valghalla_core::model::LinkToken::from_string(
            "tok-b".into(),
        )),
        Query::RejectionsOfElection(e1),
        Query::RejectionsOfElection(e2),
        Query::RejectionsOfParticipant(p1),
        Query::RejectionsOfParticipant(p2),
    ];
    for q in &queries {
        let a = sorted(pg.query(q).await.unwrap());
        let b = sorted(memory.query(q).await.unwrap());
        assert_eq!(a, b, "{q:?}");
    }
    assert_eq!(
        pg.query(&Query::SeatsOfElection(e1)).await.unwrap().len(),
        4
    );
    let muni = pg.get(RecordKey::Municipality).await.unwrap().unwrap();
    assert_eq!(muni.version, 1);
}

/// Runs the same audit and outbox script on both stores and compares every answer.
#[tokio::test]
async fn audit_and_outbox_behave_as_in_memory() {
    let Some(pg) = fresh_store(2).await else {
        return;
    };
    let memory = MemoryStore::new();
    let (p1, p2) = (ParticipantId::new(), ParticipantId::new());
    let (e1, e2) = (ElectionId::new(), ElectionId::new());
    let (m1, m2, m3) = (MessageId::new(), MessageId::new(), MessageId::new());
    let changes = ChangeSet {
        audit: vec![
            audit(10, Some(p1), Some(e1)),
            audit(10, Some(p2), Some(e1)),
            audit(5, Some(p1), None),
            audit(20, None, Some(e2)),
            audit(10, None, None),
        ],
        messages: vec![
            message(m1, p1, Some(e1), 10),
            message(m2, p2, None, 5),
            message(m3, p1, Some(e2), 10),
        ],
        ..ChangeSet::default()
    };
    let stores: [&dyn Store; 2] = [&pg, &memory];
    for s in stores {
        s.apply(changes.clone()).await.unwrap();
    }
    let audit_filters = [
        AuditFilter::default(),
        AuditFilter {
            participant: Some(p1),
            ..AuditFilter::default()
        },
        AuditFilter {
            election: Some(e1),
            ..AuditFilter::default()
        },
        AuditFilter {
            participant: Some(p1),
            election: Some(e1),
            limit: 0,
        },
        AuditFilter {
            limit: 2,
            ..AuditFilter::default()
        },
    ];
    let outbox_filters = [
        OutboxFilter::default(),
        OutboxFilter {
            due_at: Some(at(7)),
            ..OutboxFilter::default()
        },
        OutboxFilter {
            due_at: Some(at(10)),
            ..OutboxFilter::default()
        },
        OutboxFilter {
            participant: Some(p1),
            ..OutboxFilter::default()
        },
        OutboxFilter {
            election: Some(e2),
            ..OutboxFilter::default()
        },
        OutboxFilter {
            limit: 1,
            ..OutboxFilter::default()
        },
    ];
    let compare = async |label: &str| {
        for f in &audit_filters {
            assert_eq!(
                pg.audit_log(f).await.unwrap(),
                memory.audit_log(f).await.unwrap(),
                "{label}: {f:?}"
            );
        }
        for f in &outbox_filters {
            assert_eq!(
                pg.outbox(f).await.unwrap(),
                memory.outbox(f).await.unwrap(),
                "{label}: {f:?}"
            );
        }
    };
    compare("after apply").await;

    let sent = DeliveryUpdate {
        id: m1,
        expected_attempts: 0,
        status: DeliveryStatus::Sent {
            at: at(30),
            channel: "email".into(),
        },
        next_attempt_at: at(30),
        error: None,
    };
    let retry = DeliveryUpdate {
        id: m2,
        expected_attempts: 0,
        status: DeliveryStatus::Pending,
        next_attempt_at: at(60),
        error: Some("provider timed out".into()),
    };
    let retry_again = DeliveryUpdate {
        expected_attempts: 1,
        error: None,
        ..retry.clone()
    };
    let failed = DeliveryUpdate {
        id: m3,
        expected_attempts: 0,
        status: DeliveryStatus::Failed {
            at: at(31),
            reason: "no channel".into(),
        },
        next_attempt_at: at(31),
        error: Some("no channel".into()),
    };
    for s in stores {
        s.record_delivery(sent.clone()).await.unwrap();
        s.record_delivery(retry.clone()).await.unwrap();
        s.record_delivery(retry_again.clone()).await.unwrap();
        s.record_delivery(failed.clone()).await.unwrap();
        // A stale attempt count and an unknown message are conflicts.
        assert_conflict(s.record_delivery(sent.clone()).await);
        assert_conflict(
            s.record_delivery(DeliveryUpdate {
                id: MessageId::new(),
                ..sent.clone()
            })
            .await,
        );
    }
    compare("after deliveries").await;
    assert_eq!(
        pg.outbox(&OutboxFilter::default()).await.unwrap()[0].attempts,
        2
    );

    for s in stores {
        assert_eq!(s.purge_audit(at(10)).await.unwrap(), 1);
        // m2 is still pending; m1 (sent) and m3 (failed) created at 10 are not before 10.
        assert_eq!(s.purge_outbox(at(10)).await.unwrap(), 0);
        assert_eq!(s.purge_outbox(at(11)).await.unwrap(), 2);
    }
    compare("after purges").await;
}

#[tokio::test]
async fn tenants_are_isolated() {
    let Some(pool) = pool(4).await else { return };
    let a = PgStore::new(pool.clone(), fresh_tenant());
    let b = PgStore::new(pool, fresh_tenant());
    let (p, e, s, l) = (
        ParticipantId::new(),
        ElectionId::new(),
        SeatId::new(),
        LinkId::new(),
    );
    let sl = slot(e, WorkLocationId::new(), 10);
    let m = MessageId::new();
    let everything = |label: &str| {
        let mut c = set(vec![
            put(
                participant(p, cpr(0), &[TeamId::from_uuid(uuid::Uuid::from_u128(1))]),
                Expect::Absent,
            ),
            put(election(e), Expect::Absent),
            put(seat(s, sl, Some(p)), Expect::Absent),
            put(link(l, "shared-token"), Expect::Absent),
            put(
                area(AreaId::from_uuid(uuid::Uuid::from_u128(9)), label),
                Expect::Absent,
            ),
        ]);
        c.audit.push(audit(1, Some(p), Some(e)));
        c.messages.push(message(m, p, Some(e), 1));
        c
    };
    // The same ids, CPR number and token in both tenants.
    a.apply(everything("A")).await.unwrap();
    b.apply(everything("B")).await.unwrap();

    // Tenant A changes and deletes its copies…
    a.apply(set(vec![
        put(
            area(AreaId::from_uuid(uuid::Uuid::from_u128(9)), "A2"),
            Expect::Version(1),
        ),
        op(Op::Touch(RecordKey::Participant(p)), Expect::Version(1)),
        op(Op::Delete(RecordKey::Link(l)), Expect::Version(1)),
    ]))
    .await
    .unwrap();
    a.record_delivery(DeliveryUpdate {
        id: m,
        expected_attempts: 0,
        status: DeliveryStatus::Sent {
            at: at(2),
            channel: "sms".into(),
        },
        next_attempt_at: at(2),
        error: None,
    })
    .await
    .unwrap();
    assert_eq!(a.purge_audit(at(100)).await.unwrap(), 1);
    assert_eq!(a.purge_outbox(at(100)).await.unwrap(), 1);

    // …and tenant B sees none of it.
    let area_b = b
        .get(RecordKey::Area(AreaId::from_uuid(uuid::Uuid::from_u128(9))))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(area_b.version, 1);
    assert_eq!(
        area_b.value,
        area(AreaId::from_uuid(uuid::Uuid::from_u128(9)), "B")
    );
    assert_eq!(version(&b, RecordKey::Participant(p)).await, Some(1));
    assert_eq!(version(&b, RecordKey::Link(l)).await, Some(1));
    assert_eq!(b.audit_log(&AuditFilter::default()).await.unwrap().len(), 1);
    let outbox_b = b.outbox(&OutboxFilter::default()).await.unwrap();
    assert_eq!(outbox_b.len(), 1);
    assert_eq!(outbox_b[0].attempts, 0);
    for q in [
        Query::ParticipantByCpr(cpr(0)),
        Query::SeatsOfElection(e),
        Query::SeatsOfParticipant(p),
        Query::MembersOfTeam(TeamId::from_uuid(uuid::Uuid::from_u128(1))),
        Query::All(RecordKind::Area),
    ] {
        assert_eq!(b.query(&q).await.unwrap().len(), 1, "{q:?}");
    }

    // A tenant's reads see only its own rows; a third tenant sees nothing.
    let c = PgStore::new(b.pool().clone(), fresh_tenant());
    assert!(c.get(RecordKey::Participant(p)).await.unwrap().is_none());
    assert!(
        c.query(&Query::ParticipantByCpr(cpr(0)))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        c.query(&Query::All(RecordKind::Seat))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        c.audit_log(&AuditFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(c.outbox(&OutboxFilter::default()).await.unwrap().is_empty());
    assert_conflict(
        c.record_delivery(DeliveryUpdate {
            id: m,
            expected_attempts: 0,
            status: DeliveryStatus::Pending,
            next_attempt_at: at(2),
            error: None,
        })
        .await,
    );
    // Touching or conditionally writing another tenant's record is a conflict, not a write.
    assert_conflict(
        c.apply(set(vec![op(
            Op::Touch(RecordKey::Participant(p)),
            Expect::Any,
        )]))
        .await,
    );
    assert_conflict(
        c.apply(set(vec![put(election(e), Expect::Version(1))]))
            .await,
    );
    assert_eq!(version(&b, RecordKey::Election(e)).await, Some(1));
    assert_eq!(c.purge_audit(at(100)).await.unwrap(), 0);
    assert_eq!(c.purge_outbox(at(100)).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_32_racing_writers_on_one_version_exactly_one_wins() {
    let Some(store) = fresh_store(16).await else {
        return;
    };
    let store = Arc::new(store);
    let id = AreaId::new();
    store
        .apply(set(vec![put(area(id, "start"), Expect::Absent)]))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..32 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            store
                .apply(set(vec![put(
                    area(id, &format!("writer {i}")),
                    Expect::Version(1),
                )]))
                .await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => won += 1,
            Err(e) => assert!(e.is_conflict(), "{e:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(version(&*store, RecordKey::Area(id)).await, Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_inserts_and_cpr_claims_have_one_winner() {
    let Some(store) = fresh_store(16).await else {
        return;
    };
    let store = Arc::new(store);
    // 32 inserts of one key, and 32 new participants claiming one CPR number.
    let id = AreaId::new();
    let mut tasks = Vec::new();
    for i in 0..32 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let a = store
                .apply(set(vec![put(area(id, &format!("w{i}")), Expect::Absent)]))
                .await;
            let b = store
                .apply(set(vec![put(
                    participant(ParticipantId::new(), cpr(3), &[]),
                    Expect::Absent,
                )]))
                .await;
            (a, b)
        }));
    }
    let (mut a_won, mut b_won) = (0, 0);
    for t in tasks {
        let (a, b) = t.await.unwrap();
        for (r, won) in [(a, &mut a_won), (b, &mut b_won)] {
            match r {
                Ok(()) => *won += 1,
                Err(e) => assert!(e.is_conflict(), "{e:?}"),
            }
        }
    }
    assert_eq!((a_won, b_won), (1, 1));
    assert_eq!(
        store
            .query(&Query::ParticipantByCpr(cpr(3)))
            .await
            .unwrap()
            .len(),
        1
    );
}

/// The overview's read: ~2,400 seats of one election. Prints the timings; the bound is loose
/// (debug build, shared machine) and only catches a pathological plan.
#[tokio::test]
async fn the_overview_reads_2400_seats_of_an_election() {
    let Some(store) = fresh_store(2).await else {
        return;
    };
    let e = ElectionId::new();
    let locations: Vec<WorkLocationId> = (0..40).map(|_| WorkLocationId::new()).collect();
    let mut changes = vec![put(election(e), Expect::Absent)];
    for i in 0..2400u32 {
        let sl = slot(e, locations[(i % 40) as usize], 10 + i % 2);
        changes.push(put(seat(SeatId::new(), sl, None), Expect::Absent));
    }
    let started = std::time::Instant::now();
    store.apply(set(changes)).await.unwrap();
    let written = started.elapsed();
    let started = std::time::Instant::now();
    let seats = store.query(&Query::SeatsOfElection(e)).await.unwrap();
    let read = started.elapsed();
    assert_eq!(seats.len(), 2400);
    let started = std::time::Instant::now();
    let at_one = store
        .query(&Query::SeatsAtLocation {
            election: e,
            work_location: locations[0],
        })
        .await
        .unwrap();
    assert_eq!(at_one.len(), 60);
    println!(
        "2400 seats: written in {written:?}, read in {read:?}, one location in {:?}",
        started.elapsed()
    );
    assert!(read < std::time::Duration::from_secs(5), "{read:?}");
}

/// A change set is written by one statement; a failed precondition still names its record.
#[tokio::test]
async fn a_failed_precondition_names_its_record() {
    let Some(pg) = fresh_store(2).await else {
        return;
    };
    let (first, second) = (AreaId::new(), AreaId::new());
    pg.apply(set(vec![put(area(first, "Nord"), Expect::Absent)]))
        .await
        .unwrap();
    let stale = pg
        .apply(set(vec![
            put(area(first, "Nord 2"), Expect::Version(1)),
            put(area(second, "Syd"), Expect::Version(3)),
        ]))
        .await;
    match stale {
        Err(StoreError::Conflict { key, .. }) => assert_eq!(key, Some(RecordKey::Area(second))),
        other => panic!("expected a conflict on the second area, got {other:?}"),
    }
    assert_eq!(version(&pg, RecordKey::Area(first)).await, Some(1));
}

/// A change set larger than one statement holds is written by several statements in one
/// transaction: a conflict in the last one leaves nothing of the first ones.
#[tokio::test]
async fn a_large_change_set_is_all_or_nothing() {
    let Some(pg) = fresh_store(2).await else {
        return;
    };
    let ids: Vec<AreaId> = (0..250).map(|_| AreaId::new()).collect();
    let mut changes: Vec<Change> = ids
        .iter()
        .map(|&id| put(area(id, "Område"), Expect::Absent))
        .collect();
    changes.push(put(area(AreaId::new(), "Sidst"), Expect::Version(1)));
    assert_conflict(pg.apply(set(changes.clone())).await);
    assert!(
        pg.query(&Query::All(RecordKind::Area))
            .await
            .unwrap()
            .is_empty()
    );

    changes.pop();
    pg.apply(set(changes)).await.unwrap();
    assert_eq!(
        pg.query(&Query::All(RecordKind::Area)).await.unwrap().len(),
        ids.len()
    );
}

/// Audit entries stored by earlier versions (the actor's label and the subject's kind and id as
/// text; the stored form has not changed) read back typed.
#[tokio::test]
async fn audit_entries_stored_by_earlier_versions_read_back_typed() {
    let Some(store) = fresh_store(2).await else {
        return;
    };
    let (seat, p) = (SeatId::new(), ParticipantId::new());
    let doc = format!(
        r#"{{"id":"{}","at":"2026-11-07T09:00:00Z","actor":"staff:jens","action":"SeatChange","subject_kind":"seat","subject_id":"{seat}","participant":"{p}","election":null,"description":"invited (seat {seat}, participant {p})"}}"#,
        valghalla_core::ids::AuditId::new()
    );
    sqlx::query(
        "INSERT INTO valghalla.audit (tenant, at_ns, participant_id, election_id, doc) \
         VALUES ($1, 0, $2, NULL, $3::jsonb)",
    )
    .bind(store.tenant().as_str())
    .bind(p.as_uuid())
    .bind(&doc)
    .execute(store.pool())
    .await
    .unwrap();
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
        valghalla_core::model::ActorLabel::Staff {
            user: "jens".into()
        }
    );
    assert_eq!(entries[0].subject, RecordKey::Seat(seat).into());
    assert_eq!(
        serde_json::to_value(&entries[0]).unwrap(),
        serde_json::from_str::<serde_json::Value>(&doc).unwrap()
    );
}
