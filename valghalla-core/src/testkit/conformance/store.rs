//! The store's own contract: versions and preconditions, all-or-nothing change sets,
//! `read_and_apply`, uniqueness, and queries that select what the memory store selects.

use super::{area, audit, message, one, put, sorted, version};
use crate::cpr::Cpr;
use crate::ids::{LinkId, ParticipantId, SeatId};
use crate::memory::MemoryStore;
use crate::messages::MessageKind;
use crate::model::{
    Area, Link, LinkAuthor, LinkKind, LinkToken, Op, Record, RecordKey, RecordKind, Versioned,
};
use crate::store::{
    AuditFilter, Change, ChangeSet, DynStore, Expect, OutboxFilter, Query, Read, Store,
};
use crate::testkit::generator::{Dataset, Spec};
use crate::values::Name;

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
