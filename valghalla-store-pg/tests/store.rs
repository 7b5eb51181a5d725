//! What only the Postgres store can check: its migrations, its tenants, its statements for large
//! change sets and reads, and its stored data of earlier versions. The store's contract is the
//! conformance suite's (tests/conformance.rs). Skipped (loudly) without `VALGHALLA_PG_URL`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod common;

use common::*;
use valghalla_core::ids::{
    AreaId, ElectionId, LinkId, MessageId, ParticipantId, SeatId, TeamId, WorkLocationId,
};
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
            reference: None,
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
