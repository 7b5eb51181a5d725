//! The conformance suite: plain async functions that take a fresh store and check that it
//! behaves like the contract in [`crate::store`] says — and like the memory store does.
//! Run them all with [`crate::conformance_tests!`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};

use super::generator::{Dataset, Spec};
use super::scenario::{Scenario, election_day};
use crate::cpr::Cpr;
use crate::ids::{LinkId, MessageId, ParticipantId, SeatId};
use crate::memory::MemoryStore;
use crate::messages::MessageKind;
use crate::model::{
    ActorLabel, Area, AuditAction, AuditEntry, InvitationToken, Link, LinkAuthor, LinkKind,
    LinkToken, Op, Record, RecordKey, RecordKind, Seat, SeatState, SeatStatus, Versioned,
};
use crate::rules::RefusalCode;
use crate::rules::access::{Actor, PersonActor, StaffRole};
use crate::rules::lifecycle::Answer;
use crate::service::{AreaDraft, Error, OverviewFilter, ParticipantFilter, SeatRef};
use crate::store::{
    AuditFilter, Change, ChangeSet, DeliveryStatus, DeliveryUpdate, DynStore, Expect, OutboxFilter,
    OutboxMessage, Query, Read, Store,
};
use crate::values::Name;

fn area(name: &str) -> Area {
    Area {
        id: crate::ids::AreaId::new(),
        name: Name::parse(name).expect("name"),
        description: String::new(),
    }
}

fn put(record: Record, expect: Expect) -> Change {
    Change {
        op: Op::Put(record),
        expect,
    }
}

fn one(change: Change) -> ChangeSet {
    ChangeSet {
        changes: vec![change],
        ..Default::default()
    }
}

async fn version(store: &DynStore, key: RecordKey) -> Option<u64> {
    store.get(key).await.expect("get").map(|v| v.version)
}

fn audit(at_minutes: i64, election: Option<crate::ids::ElectionId>) -> AuditEntry {
    AuditEntry {
        id: crate::ids::AuditId::new(),
        at: Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("t")
            + Duration::minutes(at_minutes),
        actor: ActorLabel::Job {
            name: "test".into(),
        },
        action: AuditAction::Edit,
        subject: RecordKey::Area(crate::ids::AreaId::new()).into(),
        participant: None,
        election,
        description: "test".into(),
    }
}

fn message(participant: ParticipantId, minutes: i64) -> OutboxMessage {
    let at = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("t")
        + Duration::minutes(minutes);
    OutboxMessage {
        id: MessageId::new(),
        kind: MessageKind::Invitation,
        participant,
        election: None,
        seat: None,
        facts: [("name".to_string(), "Karen".to_string())].into(),
        custom: None,
        created_at: at,
        status: DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: at,
        last_error: None,
    }
}

/// Put inserts at version 1 and replaces with version + 1; get returns what was put.
pub async fn puts_get_versions(store: DynStore) {
    let a = area("Nord");
    let key = RecordKey::Area(a.id);
    assert_eq!(store.get(key).await.expect("get"), None);
    store
        .apply(one(put(Record::Area(a.clone()), Expect::Absent)))
        .await
        .expect("insert");
    assert_eq!(
        store.get(key).await.expect("get"),
        Some(Versioned {
            value: Record::Area(a.clone()),
            version: 1
        })
    );
    let mut renamed = a.clone();
    renamed.name = Name::parse("Nordvest").expect("name");
    store
        .apply(one(put(Record::Area(renamed.clone()), Expect::Version(1))))
        .await
        .expect("update");
    assert_eq!(version(&store, key).await, Some(2));
    store
        .apply(one(put(Record::Area(a.clone()), Expect::Any)))
        .await
        .expect("upsert");
    assert_eq!(version(&store, key).await, Some(3));
    let err = store
        .apply(one(put(Record::Area(a.clone()), Expect::Absent)))
        .await
        .expect_err("insert over an existing record conflicts");
    assert!(err.is_conflict(), "{err}");
}

/// The one communication record (templates and election choices) round-trips with versions,
/// like the municipality record.
pub async fn communication_settings_round_trip(store: DynStore) {
    use crate::messages::{
        Channel, CommunicationSettings, ElectionTemplates, Template, TemplateLibrary,
    };
    let key = RecordKey::Communication;
    assert_eq!(store.get(key).await.expect("get"), None);
    let mut library = TemplateLibrary::with_defaults();
    let own = crate::ids::TemplateId::new();
    library
        .insert(
            own,
            Template::parse(
                "Egen skabelon",
                Channel::Sms,
                "",
                "Hej !name, se !invitation",
            )
            .expect("template"),
        )
        .expect("insert");
    let mut settings = CommunicationSettings::default();
    settings.set_library(&library);
    let mut choices = ElectionTemplates::default();
    choices.per_kind.insert(MessageKind::Invitation, own);
    choices
        .per_task_type
        .entry(crate::ids::TaskTypeId::new())
        .or_default()
        .insert(MessageKind::TaskReminder, own);
    settings
        .elections
        .insert(crate::ids::ElectionId::new(), choices);
    store
        .apply(one(put(
            Record::Communication(settings.clone()),
            Expect::Absent,
        )))
        .await
        .expect("insert");
    let got = store.get(key).await.expect("get").expect("present");
    assert_eq!(got.version, 1);
    assert_eq!(got.value, Record::Communication(settings.clone()));
    let all = store
        .query(&Query::All(RecordKind::Communication))
        .await
        .expect("query");
    assert_eq!(all.len(), 1);
    settings.elections.clear();
    store
        .apply(one(put(
            Record::Communication(settings.clone()),
            Expect::Version(1),
        )))
        .await
        .expect("update");
    assert_eq!(version(&store, key).await, Some(2));
    let err = store
        .apply(one(put(
            Record::Communication(settings),
            Expect::Version(1),
        )))
        .await
        .expect_err("a stale version conflicts");
    assert!(err.is_conflict(), "{err}");
}

/// A change set whose last precondition fails writes nothing at all — not its other ops, its
/// audit entries or its messages.
pub async fn preconditions_are_all_or_nothing(store: DynStore) {
    let a = area("Nord");
    store
        .apply(one(put(Record::Area(a.clone()), Expect::Absent)))
        .await
        .expect("insert");
    let b = area("Syd");
    let p = ParticipantId::new();
    let bad = ChangeSet {
        changes: vec![
            put(Record::Area(b.clone()), Expect::Absent),
            put(Record::Area(a.clone()), Expect::Version(7)),
        ],
        audit: vec![audit(0, None)],
        messages: vec![message(p, 0)],
    };
    let err = store.apply(bad).await.expect_err("stale version");
    assert!(err.is_conflict(), "{err}");
    assert_eq!(
        store.get(RecordKey::Area(b.id)).await.expect("get"),
        None,
        "no partial write"
    );
    assert_eq!(version(&store, RecordKey::Area(a.id)).await, Some(1));
    assert!(
        store
            .audit_log(&AuditFilter::default())
            .await
            .expect("audit")
            .is_empty()
    );
    assert!(
        store
            .outbox(&OutboxFilter::default())
            .await
            .expect("outbox")
            .is_empty()
    );
    // Expecting a version of a record that does not exist is a conflict too.
    let err = store
        .apply(one(put(Record::Area(area("Øst")), Expect::Version(1))))
        .await
        .expect_err("missing record");
    assert!(err.is_conflict());
}

/// `read_and_apply` hands `decide` the answers `read_many` would give, applies the change set it
/// returns with its preconditions, and writes nothing when it returns `None` or a precondition
/// fails.
pub async fn read_and_apply_reads_decides_and_writes(store: DynStore) {
    let a = area("Nord");
    store
        .apply(one(put(Record::Area(a.clone()), Expect::Absent)))
        .await
        .expect("insert");
    let (ka, b) = (RecordKey::Area(a.id), area("Syd"));
    let reads = vec![
        Read::Get(ka),
        Read::Get(RecordKey::Area(b.id)),
        Read::Query(Query::All(RecordKind::Area)),
    ];
    let expected = store.read_many(&reads).await.expect("read_many");
    // Whatever `decide` saw, passed out for the assertions below.
    let seen = |answers: &Vec<Vec<Versioned<Record>>>| {
        answers
            .iter()
            .map(|found| found.iter().map(|v| (v.value.key(), v.version)).collect())
            .collect::<Vec<Vec<_>>>()
    };
    let (tell, heard) = std::sync::mpsc::channel();

    let renamed = Area {
        name: Name::parse("Nord-Vest").expect("name"),
        ..a.clone()
    };
    let (tell_1, b_1, renamed_1) = (tell.clone(), b.clone(), renamed.clone());
    store
        .read_and_apply(
            &reads,
            Box::new(move |answers| {
                let _ = tell_1.send(seen(&answers));
                let version = answers.first()?.first()?.version;
                Some(ChangeSet {
                    changes: vec![
                        put(Record::Area(renamed_1), Expect::Version(version)),
                        put(Record::Area(b_1), Expect::Absent),
                    ],
                    audit: vec![audit(0, None)],
                    messages: vec![],
                })
            }),
        )
        .await
        .expect("read_and_apply");
    assert_eq!(heard.recv().expect("decide ran"), seen(&expected));
    assert_eq!(
        store.get(ka).await.expect("get"),
        Some(Versioned {
            value: Record::Area(renamed),
            version: 2
        })
    );
    assert_eq!(version(&store, RecordKey::Area(b.id)).await, Some(1));
    let audit_entries = || async {
        store
            .audit_log(&AuditFilter::default())
            .await
            .expect("audit")
            .len()
    };
    assert_eq!(audit_entries().await, 1);

    // `None`: nothing is written.
    let tell_2 = tell.clone();
    store
        .read_and_apply(
            &reads,
            Box::new(move |answers| {
                let _ = tell_2.send(seen(&answers));
                None
            }),
        )
        .await
        .expect("read_and_apply");
    let now = heard.recv().expect("decide ran");
    assert_eq!(
        now,
        seen(&store.read_many(&reads).await.expect("read_many"))
    );
    assert_eq!(now[0], vec![(ka, 2)], "decide sees the last change set");
    assert_eq!(version(&store, ka).await, Some(2));

    // A failed precondition: a conflict, and nothing of the change set is written.
    let c = area("Øst");
    let c_key = RecordKey::Area(c.id);
    let err = store
        .read_and_apply(
            &reads,
            Box::new(move |_| {
                Some(ChangeSet {
                    changes: vec![
                        put(Record::Area(c), Expect::Absent),
                        Change {
                            op: Op::Touch(ka),
                            expect: Expect::Version(7),
                        },
                    ],
                    audit: vec![audit(1, None)],
                    messages: vec![],
                })
            }),
        )
        .await
        .expect_err("stale version");
    assert!(err.is_conflict(), "{err}");
    assert_eq!(
        store.get(c_key).await.expect("get"),
        None,
        "no partial write"
    );
    assert_eq!(version(&store, ka).await, Some(2));
    assert_eq!(audit_entries().await, 1);
}

/// Touch bumps a version without changing the record; Delete removes; both honour their
/// preconditions.
pub async fn touch_and_delete(store: DynStore) {
    let a = area("Nord");
    let key = RecordKey::Area(a.id);
    store
        .apply(one(put(Record::Area(a.clone()), Expect::Absent)))
        .await
        .expect("insert");
    store
        .apply(one(Change {
            op: Op::Touch(key),
            expect: Expect::Version(1),
        }))
        .await
        .expect("touch");
    assert_eq!(
        store.get(key).await.expect("get"),
        Some(Versioned {
            value: Record::Area(a.clone()),
            version: 2
        })
    );
    let stale = store
        .apply(one(Change {
            op: Op::Touch(key),
            expect: Expect::Version(1),
        }))
        .await
        .expect_err("stale touch");
    assert!(stale.is_conflict());
    let missing = store
        .apply(one(Change {
            op: Op::Touch(RecordKey::Area(crate::ids::AreaId::new())),
            expect: Expect::Any,
        }))
        .await
        .expect_err("touching nothing");
    assert!(missing.is_conflict());
    let stale_delete = store
        .apply(one(Change {
            op: Op::Delete(key),
            expect: Expect::Version(1),
        }))
        .await
        .expect_err("stale delete");
    assert!(stale_delete.is_conflict());
    store
        .apply(one(Change {
            op: Op::Delete(key),
            expect: Expect::Version(2),
        }))
        .await
        .expect("delete");
    assert_eq!(store.get(key).await.expect("get"), None);
    store
        .apply(one(Change {
            op: Op::Delete(key),
            expect: Expect::Any,
        }))
        .await
        .expect("deleting nothing under Any is fine");
}

/// Two participants may not share a CPR number, nor two links a token — even when both are
/// written in one change set.
pub async fn one_participant_per_cpr_and_one_link_per_token(store: DynStore) {
    let data = Dataset::generate(&Spec::small(), 1);
    store.apply(data.change_set()).await.expect("load");
    let existing = &data.participants[0];
    let mut twin = data.participants[1].clone();
    twin.id = ParticipantId::new();
    twin.cpr = existing.cpr;
    let err = store
        .apply(one(put(Record::Participant(twin.clone()), Expect::Absent)))
        .await
        .expect_err("duplicate CPR");
    assert!(err.is_conflict(), "{err}");
    assert!(
        !format!("{err}").contains(&existing.cpr.reveal()[6..]),
        "no CPR in errors"
    );
    // Both new in one change set.
    let mut a = twin.clone();
    a.cpr = Cpr::parse("0202801234").expect("cpr");
    let mut b = a.clone();
    b.id = ParticipantId::new();
    let err = store
        .apply(ChangeSet {
            changes: vec![
                put(Record::Participant(a.clone()), Expect::Absent),
                put(Record::Participant(b), Expect::Absent),
            ],
            ..Default::default()
        })
        .await
        .expect_err("duplicate CPR in one change set");
    assert!(err.is_conflict());
    assert_eq!(
        store.get(RecordKey::Participant(a.id)).await.expect("get"),
        None
    );
    // Replacing a participant keeps its own CPR without conflict.
    let mut edited = existing.clone();
    edited.contact.mobile = None;
    store
        .apply(one(put(Record::Participant(edited), Expect::Version(1))))
        .await
        .expect("edit keeps its CPR");
    let link = Link {
        id: LinkId::new(),
        token: LinkToken::generate(),
        kind: LinkKind::Team {
            team: data.teams[0].id,
        },
        created_at: data.now,
        revoked_at: None,
        made_by: LinkAuthor::Secretariat,
    };
    store
        .apply(one(put(Record::Link(link.clone()), Expect::Absent)))
        .await
        .expect("link");
    let copy = Link {
        id: LinkId::new(),
        ..link.clone()
    };
    let err = store
        .apply(one(put(Record::Link(copy), Expect::Absent)))
        .await
        .expect_err("duplicate token");
    assert!(err.is_conflict());
}

fn sorted(mut records: Vec<Versioned<Record>>) -> Vec<String> {
    let mut out: Vec<String> = records
        .drain(..)
        .map(|v| format!("{:?}@{}", v.value.key(), v.version))
        .collect();
    out.sort();
    out
}

/// Every query selects the same records (and versions) as the memory store does.
pub async fn queries_select_what_the_memory_store_selects(store: DynStore) {
    let data = Dataset::generate(&Spec::small(), 2);
    let reference = MemoryStore::new();
    store.apply(data.change_set()).await.expect("load");
    reference
        .apply(data.change_set())
        .await
        .expect("load reference");
    let taken = data
        .seats
        .iter()
        .find_map(|s| s.state.participant())
        .expect("the generator places someone");
    let taken_seat = data
        .seats
        .iter()
        .find(|s| s.state.participant() == Some(taken))
        .expect("the seat of the placed participant");
    let vacant_seat = data
        .seats
        .iter()
        .find(|s| s.state.participant().is_none())
        .expect("the generator leaves seats vacant");
    let seat = &data.seats[0];
    let link = Link {
        id: LinkId::new(),
        token: LinkToken::generate(),
        kind: LinkKind::Seat { seat: seat.id },
        created_at: data.now,
        revoked_at: None,
        made_by: LinkAuthor::Secretariat,
    };
    for s in [&*store, &reference as &dyn Store] {
        s.apply(one(put(Record::Link(link.clone()), Expect::Absent)))
            .await
            .expect("link");
    }
    let mut queries = vec![
        Query::SeatsOfElection(data.election.id),
        Query::SeatsAtLocation {
            election: data.election.id,
            work_location: data.work_locations[1].id,
        },
        Query::SeatsOfSlot(seat.slot),
        Query::SeatsOfParticipant(taken),
        Query::ParticipantByCpr(data.participants[3].cpr),
        Query::MembersOfTeam(data.teams[0].id),
        Query::LinkByToken(link.token.clone()),
        Query::RejectionsOfElection(data.election.id),
        Query::RejectionsOfParticipant(taken),
        Query::SeatContext(taken_seat.id),
        Query::SeatContext(vacant_seat.id),
        Query::SeatContext(SeatId::new()),
    ];
    queries.extend(
        [
            RecordKind::Municipality,
            RecordKind::Area,
            RecordKind::WorkLocation,
            RecordKind::TaskType,
            RecordKind::Team,
            RecordKind::SpecialDiet,
            RecordKind::ElectionType,
            RecordKind::Election,
            RecordKind::Seat,
            RecordKind::Participant,
            RecordKind::Rejection,
            RecordKind::Link,
            RecordKind::Communication,
        ]
        .map(Query::All),
    );
    for q in &queries {
        let got = sorted(store.query(q).await.expect("query"));
        let want = sorted(reference.query(q).await.expect("query"));
        assert_eq!(got, want, "{q:?}");
    }
    // The context of a held seat: its election, location and team, its holder and the holder's
    // seats, nothing else.
    let context = sorted(
        store
            .query(&Query::SeatContext(taken_seat.id))
            .await
            .expect("context"),
    );
    let holders_seats = data
        .seats
        .iter()
        .filter(|s| s.state.participant() == Some(taken))
        .count();
    assert_eq!(context.len(), 4 + holders_seats, "{context:?}");
    // Records round-trip unchanged.
    for r in data.records().into_iter().take(40) {
        let got = store.get(r.key()).await.expect("get").expect("present");
        assert_eq!(got.value, r);
    }
}

/// Audit entries and messages are stored with the change, and only with it.
pub async fn audit_and_outbox_are_written_with_the_change(store: DynStore) {
    let p = ParticipantId::new();
    let entry = audit(1, None);
    let m = message(p, 1);
    store
        .apply(ChangeSet {
            changes: vec![put(Record::Area(area("Nord")), Expect::Absent)],
            audit: vec![entry.clone()],
            messages: vec![m.clone()],
        })
        .await
        .expect("apply");
    assert_eq!(
        store
            .audit_log(&AuditFilter::default())
            .await
            .expect("audit"),
        vec![entry]
    );
    assert_eq!(
        store
            .outbox(&OutboxFilter::default())
            .await
            .expect("outbox"),
        vec![m]
    );
}

/// Delivery updates are optimistic on the attempt count; due filters and purges behave; a
/// cancelled message keeps its status and is never due.
pub async fn outbox_delivery_is_optimistic_and_purgeable(store: DynStore) {
    let p = ParticipantId::new();
    let (first, second) = (message(p, 1), message(ParticipantId::new(), 2));
    store
        .apply(ChangeSet {
            messages: vec![second.clone(), first.clone()],
            ..Default::default()
        })
        .await
        .expect("apply");
    let all = store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox");
    assert_eq!(
        all.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![first.id, second.id],
        "oldest first"
    );
    let mine = store
        .outbox(&OutboxFilter {
            participant: Some(p),
            ..Default::default()
        })
        .await
        .expect("outbox");
    assert_eq!(mine.len(), 1);
    let due = store
        .outbox(&OutboxFilter {
            due_at: Some(first.created_at),
            ..Default::default()
        })
        .await
        .expect("due");
    assert_eq!(due.iter().map(|m| m.id).collect::<Vec<_>>(), vec![first.id]);
    let retry_at = first.created_at + Duration::hours(1);
    store
        .record_delivery(DeliveryUpdate {
            id: first.id,
            expected_attempts: 0,
            status: DeliveryStatus::Pending,
            next_attempt_at: retry_at,
            error: Some("timeout".into()),
        })
        .await
        .expect("first attempt");
    let stale = store
        .record_delivery(DeliveryUpdate {
            id: first.id,
            expected_attempts: 0,
            status: DeliveryStatus::Pending,
            next_attempt_at: retry_at,
            error: None,
        })
        .await
        .expect_err("a second dispatcher with a stale count");
    assert!(stale.is_conflict());
    let after = store
        .outbox(&OutboxFilter {
            participant: Some(p),
            ..Default::default()
        })
        .await
        .expect("outbox");
    assert_eq!(after[0].attempts, 1);
    assert_eq!(after[0].last_error.as_deref(), Some("timeout"));
    assert_eq!(after[0].next_attempt_at, retry_at);
    let sent = DeliveryStatus::Sent {
        at: retry_at,
        channel: "email".into(),
    };
    store
        .record_delivery(DeliveryUpdate {
            id: first.id,
            expected_attempts: 1,
            status: sent.clone(),
            next_attempt_at: retry_at,
            error: None,
        })
        .await
        .expect("second attempt");
    let due = store
        .outbox(&OutboxFilter {
            due_at: Some(retry_at),
            ..Default::default()
        })
        .await
        .expect("due");
    assert_eq!(
        due.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![second.id],
        "sent messages are not due"
    );
    // A cancelled message keeps its status and reason, and is never due again.
    let third = message(p, 3);
    store
        .apply(ChangeSet {
            messages: vec![third.clone()],
            ..Default::default()
        })
        .await
        .expect("apply");
    let cancelled = DeliveryStatus::Cancelled {
        at: retry_at,
        reason: "pladsen er ikke længere tilbudt modtageren".into(),
    };
    store
        .record_delivery(DeliveryUpdate {
            id: third.id,
            expected_attempts: 0,
            status: cancelled.clone(),
            next_attempt_at: retry_at,
            error: None,
        })
        .await
        .expect("cancel");
    let stored = store
        .outbox(&OutboxFilter {
            participant: Some(p),
            ..Default::default()
        })
        .await
        .expect("outbox");
    assert_eq!(
        stored.iter().map(|m| &m.status).collect::<Vec<_>>(),
        vec![&sent, &cancelled]
    );
    let due = store
        .outbox(&OutboxFilter {
            due_at: Some(retry_at + Duration::days(1)),
            ..Default::default()
        })
        .await
        .expect("due");
    assert_eq!(
        due.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![second.id],
        "cancelled messages are not due"
    );
    // Purge removes only delivered, failed or cancelled messages older than the cut-off.
    let purged = store
        .purge_outbox(retry_at + Duration::days(1))
        .await
        .expect("purge");
    assert_eq!(purged, 2);
    let left = store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox");
    assert_eq!(
        left.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![second.id]
    );
}

/// The audit log is newest first, filters by participant and election, limits, and purges.
pub async fn audit_log_filters_and_purges(store: DynStore) {
    let e = crate::ids::ElectionId::new();
    let p = ParticipantId::new();
    let mut with_p = audit(3, None);
    with_p.participant = Some(p);
    let entries = vec![audit(1, None), audit(2, Some(e)), with_p.clone()];
    store
        .apply(ChangeSet {
            audit: entries.clone(),
            ..Default::default()
        })
        .await
        .expect("apply");
    let all = store
        .audit_log(&AuditFilter::default())
        .await
        .expect("audit");
    assert_eq!(
        all.iter().map(|a| a.at).collect::<Vec<_>>(),
        vec![entries[2].at, entries[1].at, entries[0].at]
    );
    let limited = store
        .audit_log(&AuditFilter {
            limit: 1,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(limited, vec![with_p.clone()]);
    let by_p = store
        .audit_log(&AuditFilter {
            participant: Some(p),
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(by_p, vec![with_p]);
    let by_e = store
        .audit_log(&AuditFilter {
            election: Some(e),
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(by_e, vec![entries[1].clone()]);
    assert_eq!(store.purge_audit(entries[1].at).await.expect("purge"), 1);
    assert_eq!(
        store
            .audit_log(&AuditFilter::default())
            .await
            .expect("audit")
            .len(),
        2
    );
}

/// Invite → accept → withdraw through the service, with messages in the outbox and rejections
/// in the history.
pub async fn invite_accept_withdraw_through_the_service(store: DynStore) {
    let s = Scenario::new(store).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    let seats = s.seats(slot, 2).await;
    let karen = s.person("Karen", "Jensen", 0).await;
    s.svc
        .invite(&s.admin, seats[0].id, karen.id)
        .await
        .expect("invite");
    let token = match &s.slot_seats(slot).await[0].state {
        SeatState::Invited { token, .. } => token.clone(),
        other => panic!("expected invited, got {other:?}"),
    };
    let karen_actor = Scenario::citizen(&karen);
    let forged = InvitationToken::from_string("forged".into());
    let wrong = s
        .svc
        .accept(&karen_actor, seats[0].id, Some(&forged))
        .await
        .expect_err("wrong token");
    assert!(
        wrong.is_refused(RefusalCode::WrongInvitationToken),
        "{wrong}"
    );
    s.svc
        .accept(&karen_actor, seats[0].id, Some(&token))
        .await
        .expect("accept");
    assert!(matches!(
        s.slot_seats(slot).await[0].state,
        SeatState::Accepted { .. }
    ));
    let kinds: Vec<MessageKind> = s
        .store
        .outbox(&OutboxFilter {
            participant: Some(karen.id),
            ..Default::default()
        })
        .await
        .expect("outbox")
        .iter()
        .map(|m| m.kind)
        .collect();
    let mut kinds = kinds;
    kinds.sort();
    assert_eq!(
        kinds,
        vec![MessageKind::Invitation, MessageKind::Registration]
    );
    // Ten days before the task: outside the 4-day lock period.
    s.svc
        .withdraw(&karen_actor, seats[0].id)
        .await
        .expect("withdraw");
    assert_eq!(s.slot_seats(slot).await[0].state, SeatState::Vacant);
    let rejections = s
        .store
        .query(&Query::RejectionsOfParticipant(karen.id))
        .await
        .expect("q");
    assert_eq!(rejections.len(), 1);
    // Inside the lock period a withdrawal is refused with the last day.
    s.svc
        .invite(&s.admin, seats[1].id, karen.id)
        .await
        .expect("invite again");
    s.clock.set(
        Utc.with_ymd_and_hms(2026, 11, 14, 9, 0, 0)
            .single()
            .expect("t"),
    );
    let locked = s
        .svc
        .withdraw(&karen_actor, seats[1].id)
        .await
        .expect_err("locked");
    assert!(locked.is_refused(RefusalCode::Locked), "{locked}");
    assert!(matches!(
        s.slot_seats(slot).await[1].state,
        SeatState::Invited { .. }
    ));
}

/// The overview's counts equal counts made by hand, per cell, per location and per team.
pub async fn overview_counts_match_hand_counts(store: DynStore) {
    let s = Scenario::new(store).await;
    let day = election_day();
    let a_tf = s.slot(0, &s.tilforordnet, 0, day);
    let v_tf = s.slot(0, &s.tilforordnet, 1, day);
    let a_vs = s.slot(1, &s.valgstyrer, 0, day);
    let a_seats = s.seats(a_tf, 4).await;
    s.seats(v_tf, 2).await;
    let vs = s.seats(a_vs, 1).await;
    let (p1, p2, p3) = (
        s.person("Anne", "Bech", 0).await,
        s.person("Bo", "Dahl", 0).await,
        s.person("Åse", "Ørum", 0).await,
    );
    s.svc
        .invite(&s.admin, a_seats[0].id, p1.id)
        .await
        .expect("invite");
    s.svc
        .invite(&s.admin, a_seats[1].id, p2.id)
        .await
        .expect("invite");
    s.svc
        .accept(&Scenario::citizen(&p2), a_seats[1].id, None)
        .await
        .expect("accept");
    s.svc
        .invite(&s.admin, vs[0].id, p3.id)
        .await
        .expect("invite");
    s.svc
        .decline(&Scenario::citizen(&p3), vs[0].id, None)
        .await
        .expect("decline");
    let o = s
        .svc
        .overview(&s.admin, s.election.id, &OverviewFilter::default())
        .await
        .expect("overview");
    assert_eq!(
        (
            o.totals.seats,
            o.totals.vacant,
            o.totals.invited,
            o.totals.accepted,
            o.totals.rejected
        ),
        (7, 5, 1, 1, 1)
    );
    let locs: Vec<&str> = o.areas[0]
        .locations
        .iter()
        .map(|l| l.title.as_str())
        .collect();
    assert_eq!(locs, vec!["Hallen", "Korsbæk Skole"], "Danish order");
    let skole = &o.areas[0].locations[1];
    let a_row = skole
        .rows
        .iter()
        .find(|r| r.team == s.teams[0].id)
        .expect("row");
    assert_eq!(
        (
            a_row.counts.seats,
            a_row.counts.vacant,
            a_row.counts.invited,
            a_row.counts.accepted
        ),
        (4, 2, 1, 1)
    );
    let hallen = &o.areas[0].locations[0];
    assert_eq!(
        (
            hallen.totals.seats,
            hallen.totals.vacant,
            hallen.totals.rejected
        ),
        (1, 1, 1)
    );
    let a_share = o
        .shares
        .iter()
        .find(|t| t.team == s.teams[0].id)
        .expect("share");
    assert_eq!(
        (
            a_share.counts.seats,
            a_share.share_permille,
            a_share.filled_permille
        ),
        (5, 714, 200)
    );
    // A team's own overview never shows another team.
    let secretary = s.person("Per", "Holm", 0).await;
    s.svc
        .set_team_responsible(
            &s.admin,
            s.teams[0].id,
            secretary.id,
            Some(crate::model::LocationScope::All),
        )
        .await
        .expect("responsible");
    let actor = s.actor_for(&secretary).await;
    let mine = s
        .svc
        .team_overview(&actor, s.election.id, s.teams[0].id)
        .await
        .expect("team overview");
    assert!(
        mine.areas
            .iter()
            .flat_map(|a| &a.locations)
            .flat_map(|l| &l.rows)
            .all(|r| r.team == s.teams[0].id)
    );
    assert_eq!(mine.totals.seats, 5);
    let theirs = s
        .svc
        .team_overview(&actor, s.election.id, s.teams[1].id)
        .await
        .expect_err("other team");
    assert!(matches!(theirs, Error::Denied(_)));
    // Filters.
    let only_v = s
        .svc
        .overview(
            &s.admin,
            s.election.id,
            &OverviewFilter {
                teams: [s.teams[1].id].into(),
                ..Default::default()
            },
        )
        .await
        .expect("overview");
    assert_eq!(only_v.totals.seats, 2);
}

/// Participant lists, own tasks, team members, location staff and the audit log answer what
/// was done, in Danish order.
pub async fn participant_queries_match_hand_counts(store: DynStore) {
    let s = Scenario::new(store).await;
    let day = election_day();
    let tf = s.seats(s.slot(0, &s.tilforordnet, 0, day), 3).await;
    // The final count runs 17:00–02:00 the day after: it does not overlap election day.
    let ft = s
        .seats(s.slot(1, &s.fintaeller, 0, day + Duration::days(1)), 1)
        .await;
    let (oe, aa, b) = (
        s.person("Øjvind", "Ørum", 0).await,
        s.person("Aase", "Aagaard", 0).await,
        s.person("Bente", "Bech", 1).await,
    );
    for (seat, p) in [(tf[0].id, &oe), (tf[1].id, &aa), (ft[0].id, &oe)] {
        s.svc.invite(&s.admin, seat, p.id).await.expect("invite");
    }
    s.svc
        .accept(&Scenario::citizen(&aa), tf[1].id, None)
        .await
        .expect("accept");
    let rows = s
        .svc
        .participant_list(&s.admin, s.election.id, &ParticipantFilter::default())
        .await
        .expect("list");
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["Øjvind Ørum", "Øjvind Ørum", "Aase Aagaard"],
        "Danish order: Ø before Aa"
    );
    let accepted = s
        .svc
        .participant_list(
            &s.admin,
            s.election.id,
            &ParticipantFilter {
                statuses: [SeatStatus::Accepted].into(),
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].participant, aa.id);
    let by_location = s
        .svc
        .participant_list(
            &s.admin,
            s.election.id,
            &ParticipantFilter {
                work_locations: [s.stations[1].id].into(),
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(by_location.len(), 1);
    assert_eq!(by_location[0].task_type, "Fintæller");
    let mine = s
        .svc
        .my_tasks(&Scenario::citizen(&oe))
        .await
        .expect("my tasks");
    assert_eq!(mine.len(), 2);
    assert!(
        mine.iter()
            .all(|t| t.status == SeatStatus::Invited && !t.locked)
    );
    let members = s
        .svc
        .team_members(&s.admin, s.teams[0].id)
        .await
        .expect("members");
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, vec!["Øjvind Ørum", "Aase Aagaard"]);
    assert_eq!(members[0].seats.len(), 2);
    assert!(!names.contains(&b.full_name().as_str()));
    let staff = s
        .svc
        .location_staff(&s.admin, s.election.id, s.stations[0].id)
        .await
        .expect("staff");
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].people.len(), 1, "only accepted people");
    assert_eq!(staff[0].counts.seats, 3);
    let log = s
        .svc
        .audit_log(
            &s.admin,
            &AuditFilter {
                participant: Some(aa.id),
                ..Default::default()
            },
        )
        .await
        .expect("log");
    assert!(log.iter().any(|e| e.description.contains("accepted")));
    for e in &log {
        assert!(
            !e.description.contains(&aa.cpr.reveal()[6..]),
            "no CPR in the audit log"
        );
    }
}

/// Every command refuses an actor without the right, with a typed error, and changes nothing.
pub async fn unauthorised_actors_change_nothing(store: DynStore) {
    let s = Scenario::new(store).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    let seats = s.seats(slot, 2).await;
    let p = s.person("Karen", "Jensen", 0).await;
    let other = s.person("Ole", "Olsen", 1).await;
    s.svc
        .invite(&s.admin, seats[0].id, p.id)
        .await
        .expect("invite");
    let before = sorted(
        s.store
            .query(&Query::SeatsOfElection(s.election.id))
            .await
            .expect("q"),
    );
    let outbox_before = s
        .store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox")
        .len();
    let reader = Actor::Secretariat {
        user: "læser".into(),
        role: StaffRole::Reader,
    };
    let stranger = Scenario::citizen(&other);
    let anonymous = Actor::Anonymous;
    let secretary_of_v = Actor::Person(PersonActor {
        participant: other.id,
        responsible_for_teams: [(s.teams[1].id, crate::model::LocationScope::All)].into(),
        responsible_for_locations: BTreeSet::new(),
    });
    for actor in [&reader, &stranger, &anonymous, &secretary_of_v] {
        let results: Vec<(&str, Result<(), Error>)> = vec![
            (
                "invite",
                s.svc.invite(actor, seats[1].id, other.id).await.map(|_| ()),
            ),
            ("remove", s.svc.remove_from_seat(actor, seats[0].id).await),
            (
                "on behalf",
                s.svc
                    .answer_on_behalf(actor, seats[0].id, Answer::Accept, None)
                    .await,
            ),
            (
                "distribute",
                s.svc.set_seat_count(actor, slot, 9).await.map(|_| ()),
            ),
            (
                "place",
                s.svc
                    .place_member(actor, seats[1].id, other.id)
                    .await
                    .map(|_| ()),
            ),
            (
                "area",
                s.svc
                    .create_area(
                        actor,
                        AreaDraft {
                            name: "Ny".into(),
                            description: "".into(),
                        },
                    )
                    .await
                    .map(|_| ()),
            ),
            (
                "activate",
                s.svc.set_election_active(actor, s.election.id, false).await,
            ),
            (
                "delete participant",
                s.svc.delete_participant(actor, p.id).await.map(drop),
            ),
            (
                "remove from team",
                s.svc.remove_from_team(actor, s.teams[0].id, p.id).await,
            ),
            (
                "link",
                s.svc
                    .create_link(
                        actor,
                        LinkKind::Team {
                            team: s.teams[0].id,
                        },
                    )
                    .await
                    .map(|_| ()),
            ),
        ];
        for (what, r) in results {
            assert!(
                matches!(r, Err(Error::Denied(_))),
                "{what} by {actor:?}: {r:?}"
            );
        }
        if !matches!(actor, Actor::Person(_)) {
            let r = s.svc.accept(actor, seats[0].id, None).await;
            assert!(matches!(r, Err(Error::Denied(_))), "accept by {actor:?}");
        }
    }
    // A citizen cannot answer someone else's invitation: the seat is not theirs.
    let r = s.svc.accept(&stranger, seats[0].id, None).await;
    assert!(
        r.as_ref()
            .is_err_and(|e| e.is_refused(RefusalCode::NotInvited)),
        "{r:?}"
    );
    let after = sorted(
        s.store
            .query(&Query::SeatsOfElection(s.election.id))
            .await
            .expect("q"),
    );
    assert_eq!(before, after, "nothing changed");
    assert_eq!(
        outbox_before,
        s.store
            .outbox(&OutboxFilter::default())
            .await
            .expect("outbox")
            .len()
    );
    // Overview and CPR: readers read, citizens don't.
    assert!(
        s.svc
            .overview(&reader, s.election.id, &OverviewFilter::default())
            .await
            .is_ok()
    );
    assert!(matches!(
        s.svc
            .overview(&stranger, s.election.id, &OverviewFilter::default())
            .await,
        Err(Error::Denied(_))
    ));
    assert_eq!(
        s.svc
            .participant(&reader, p.id)
            .await
            .expect("view")
            .full_cpr,
        None
    );
    assert!(
        s.svc
            .participant(&s.admin, p.id)
            .await
            .expect("view")
            .full_cpr
            .is_some()
    );
}

/// 32 tasks race to take the 8 seats of one slot: exactly 8 succeed, the rest are told no seat
/// is free, and no seat holds two people.
pub async fn concurrent_takers_fill_exactly_the_free_seats(store: DynStore) {
    let s = Scenario::new(store).await;
    let slot = s.slot(0, &s.tilforordnet, 2, election_day());
    s.seats(slot, 8).await;
    let mut people = Vec::new();
    for i in 0..32 {
        people.push(s.person(&format!("Frivillig{i}"), "Hansen", 2).await);
    }
    let mut handles = Vec::new();
    for p in people {
        let svc = s.svc.clone();
        handles.push(tokio::spawn(async move {
            svc.take_seat(&Scenario::citizen(&p), SeatRef::AnyIn(slot), None)
                .await
        }));
    }
    let mut ok = 0;
    for h in handles {
        match h.await.expect("task") {
            Ok(_) => ok += 1,
            Err(e) => assert!(e.is_refused(RefusalCode::NoVacantSeat), "unexpected: {e}"),
        }
    }
    assert_eq!(ok, 8);
    let seats = s.slot_seats(slot).await;
    let holders: BTreeSet<_> = seats.iter().filter_map(|x| x.state.participant()).collect();
    assert_eq!(holders.len(), 8);
    assert!(
        seats
            .iter()
            .all(|x| matches!(x.state, SeatState::Accepted { .. }))
    );
}

/// 16 tasks race to put one person into 16 overlapping seats: exactly one succeeds.
pub async fn concurrent_bookings_of_one_person_admit_one(store: DynStore) {
    let s = Scenario::new(store).await;
    let day = election_day();
    let mut seats = Vec::new();
    for station in 0..3 {
        for (tt, team) in [
            (&s.tilforordnet, 0),
            (&s.valgstyrer, 0),
            (&s.tilforordnet, 1),
        ] {
            seats.extend(s.seats(s.slot(station, tt, team, day), 2).await);
        }
    }
    seats.truncate(16);
    assert_eq!(seats.len(), 16);
    let p = s.person("Karen", "Jensen", 0).await;
    let mut handles = Vec::new();
    for seat in &seats {
        let (svc, admin, id, pid) = (s.svc.clone(), s.admin.clone(), seat.id, p.id);
        handles.push(tokio::spawn(async move {
            svc.invite(&admin, id, pid).await.map(|_| ())
        }));
    }
    let mut ok = 0;
    for h in handles {
        match h.await.expect("task") {
            Ok(()) => ok += 1,
            Err(e) => assert!(e.is_refused(RefusalCode::DoubleBooked), "unexpected: {e}"),
        }
    }
    assert_eq!(ok, 1);
    let held = s
        .store
        .query(&Query::SeatsOfParticipant(p.id))
        .await
        .expect("q");
    assert_eq!(held.len(), 1);
}

/// Concurrent edits of the same team lose no update: six secretaries granted at once are all
/// responsible afterwards (each command reads the team, adds one, and writes it back).
pub async fn concurrent_edits_lose_no_update(store: DynStore) {
    let s = Scenario::new(store).await;
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(s.person(&format!("Sekretær{i}"), "Holm", 0).await.id);
    }
    let mut handles = Vec::new();
    for p in people.clone() {
        let (svc, admin, team) = (s.svc.clone(), s.admin.clone(), s.teams[0].id);
        handles.push(tokio::spawn(async move {
            svc.set_team_responsible(&admin, team, p, Some(crate::model::LocationScope::All))
                .await
        }));
    }
    for h in handles {
        h.await.expect("task").expect("grant");
    }
    let team = s
        .svc
        .teams(&s.admin)
        .await
        .expect("teams")
        .into_iter()
        .find(|t| t.id == s.teams[0].id)
        .expect("team");
    assert_eq!(team.responsibles.keys().copied().collect::<Vec<_>>(), {
        let mut p = people;
        p.sort();
        p
    });
}

/// The store under test and the memory store, driven by the same random command sequences
/// through the service, end in the same observable state after every step.
pub fn model_based<F, Fut>(fresh: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = DynStore>,
{
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let command = (0u8..8, 0usize..6, 0usize..6, 0u32..4);
    let result = runner.run(&prop::collection::vec(command, 1..24), |commands| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let under_test = Model::new(fresh().await).await;
            let reference = Model::new(Arc::new(MemoryStore::new())).await;
            for (i, c) in commands.iter().enumerate() {
                let a = under_test.run(*c).await;
                let b = reference.run(*c).await;
                prop_assert_eq!(&a, &b, "step {} {:?}", i, c);
                prop_assert_eq!(
                    under_test.observe().await,
                    reference.observe().await,
                    "after step {} {:?}",
                    i,
                    c
                );
            }
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("model-based test failed: {e}");
    }
}

/// A fixed little world both stores start from (same ids), and a way to run one command.
struct Model {
    s: Scenario,
    people: Vec<crate::model::Participant>,
    slots: Vec<crate::model::SlotKey>,
}

impl Model {
    async fn new(store: DynStore) -> Model {
        let s = Scenario::new(store).await;
        let day = election_day();
        let slots = vec![
            s.slot(0, &s.tilforordnet, 0, day),
            s.slot(0, &s.valgstyrer, 0, day),
            s.slot(1, &s.fintaeller, 0, day),
            s.slot(1, &s.fintaeller, 0, day - Duration::days(1)),
            s.slot(2, &s.tilforordnet, 1, day),
            s.slot(2, &s.tilforordnet, 0, day + Duration::days(1)),
        ];
        let mut people = Vec::new();
        for (i, name) in ["Anne", "Bo", "Carl", "Dorte", "Erik", "Åse"]
            .iter()
            .enumerate()
        {
            people.push(s.person(name, "Hansen", if i == 3 { 1 } else { 0 }).await);
        }
        Model { s, people, slots }
    }

    /// The slot's seats in a stable order: by state then by holder (ids differ between stores).
    async fn seat(&self, slot: usize, index: usize) -> Option<Seat> {
        let mut seats = self.s.slot_seats(self.slots[slot % self.slots.len()]).await;
        seats.sort_by_key(|s| {
            (
                s.state.status(),
                s.state.participant().map(|p| self.person_index(p)),
            )
        });
        seats.into_iter().nth(index)
    }

    fn person_index(&self, p: ParticipantId) -> usize {
        self.people
            .iter()
            .position(|x| x.id == p)
            .unwrap_or(usize::MAX)
    }

    /// Runs one command; returns a comparable summary of its outcome.
    async fn run(&self, (op, a, b, n): (u8, usize, usize, u32)) -> String {
        let s = &self.s;
        let person = &self.people[b % self.people.len()];
        let citizen = Scenario::citizen(person);
        let outcome: Result<(), Error> = match op {
            0 => s
                .svc
                .set_seat_count(&s.admin, self.slots[a % self.slots.len()], n)
                .await
                .map(|_| ()),
            1 => match self.seat(a, n as usize).await {
                Some(seat) => s.svc.invite(&s.admin, seat.id, person.id).await.map(|_| ()),
                None => Ok(()),
            },
            2 => match self.seat(a, n as usize).await {
                Some(seat) => s.svc.accept(&citizen, seat.id, None).await,
                None => Ok(()),
            },
            3 => s
                .svc
                .take_seat(
                    &citizen,
                    SeatRef::AnyIn(self.slots[a % self.slots.len()]),
                    None,
                )
                .await
                .map(|_| ()),
            4 => match self.seat(a, n as usize).await {
                Some(seat) => s.svc.withdraw(&citizen, seat.id).await,
                None => Ok(()),
            },
            5 => match self.seat(a, n as usize).await {
                Some(seat) => s.svc.remove_from_seat(&s.admin, seat.id).await,
                None => Ok(()),
            },
            6 => match self.seat(a, n as usize).await {
                Some(seat) => {
                    s.svc
                        .answer_on_behalf(
                            &s.admin,
                            seat.id,
                            if n % 2 == 0 {
                                Answer::Accept
                            } else {
                                Answer::Decline
                            },
                            None,
                        )
                        .await
                }
                None => Ok(()),
            },
            _ => match self.seat(a, n as usize).await {
                Some(seat) => s.svc.decline(&citizen, seat.id, None).await,
                None => Ok(()),
            },
        };
        match outcome {
            Ok(()) => "ok".into(),
            Err(Error::Refused(r)) => {
                let mut codes: Vec<&str> = r.violations.iter().map(|v| v.code().as_str()).collect();
                codes.sort();
                format!("refused {codes:?}")
            }
            Err(e) => format!("error {e}"),
        }
    }

    /// Per slot: the sorted list of (status, holder index); plus the rejections per person and
    /// the outbox message kinds per person.
    async fn observe(&self) -> String {
        let mut out = String::new();
        for slot in &self.slots {
            let mut states: Vec<(SeatStatus, usize)> = self
                .s
                .slot_seats(*slot)
                .await
                .iter()
                .map(|x| {
                    (
                        x.state.status(),
                        x.state
                            .participant()
                            .map_or(usize::MAX, |p| self.person_index(p)),
                    )
                })
                .collect();
            states.sort();
            out.push_str(&format!("{states:?}\n"));
        }
        let mut per_person: BTreeMap<usize, (usize, Vec<MessageKind>)> = BTreeMap::new();
        for (i, p) in self.people.iter().enumerate() {
            let rejections = self
                .s
                .store
                .query(&Query::RejectionsOfParticipant(p.id))
                .await
                .expect("q")
                .len();
            let kinds = self
                .s
                .store
                .outbox(&OutboxFilter {
                    participant: Some(p.id),
                    ..Default::default()
                })
                .await
                .expect("outbox")
                .iter()
                .map(|m| m.kind)
                .collect::<Vec<_>>();
            let mut kinds = kinds;
            kinds.sort();
            per_person.insert(i, (rejections, kinds));
        }
        out.push_str(&format!("{per_person:?}"));
        out
    }
}
