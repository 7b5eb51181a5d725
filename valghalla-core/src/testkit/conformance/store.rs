//! The store's own contract: versions and preconditions, all-or-nothing change sets,
//! `read_and_apply`, uniqueness, and queries that select what the memory store selects.

use super::{Capabilities, area, audit, conflict_on, message, one, put, sorted, version};
use crate::cpr::Cpr;
use crate::ids::{LinkId, ParticipantId, SeatId};
use crate::memory::MemoryStore;
use crate::messages::MessageKind;
use crate::model::{
    Area, Link, LinkAuthor, LinkKind, LinkToken, Op, Record, RecordKey, RecordKind, Seat,
    SeatState, Versioned,
};
use crate::store::{
    AuditFilter, Change, ChangeSet, DynStore, Expect, OutboxFilter, Query, Read, Store, StoreError,
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
    assert!(conflict_on(&err, key), "{err}");
    // Put under Any on a missing record inserts at version 1.
    let b = area("Syd");
    store
        .apply(one(put(Record::Area(b.clone()), Expect::Any)))
        .await
        .expect("upsert of a new record");
    assert_eq!(version(&store, RecordKey::Area(b.id)).await, Some(1));
}

/// Every precondition is checked for every kind of write, as the contract in
/// [`ChangeSet`] says: a table of (op, precondition, whether the record exists) and whether the
/// write conflicts. A conflict changes nothing.
pub async fn every_precondition_is_checked(store: DynStore) {
    let a = area("Nord");
    let key = RecordKey::Area(a.id);
    let missing = RecordKey::Area(crate::ids::AreaId::new());
    store
        .apply(one(put(Record::Area(a.clone()), Expect::Absent)))
        .await
        .expect("insert");
    let other = || Record::Area(area("Syd"));
    let cases: Vec<(&str, Change, bool)> = vec![
        (
            "put absent, exists",
            put(Record::Area(a.clone()), Expect::Absent),
            true,
        ),
        (
            "put stale version",
            put(Record::Area(a.clone()), Expect::Version(2)),
            true,
        ),
        (
            "put version, missing",
            put(other(), Expect::Version(1)),
            true,
        ),
        (
            "touch any, missing",
            Change {
                op: Op::Touch(missing),
                expect: Expect::Any,
            },
            true,
        ),
        (
            "touch stale version",
            Change {
                op: Op::Touch(key),
                expect: Expect::Version(7),
            },
            true,
        ),
        (
            "touch absent, exists",
            Change {
                op: Op::Touch(key),
                expect: Expect::Absent,
            },
            true,
        ),
        (
            "delete absent, exists",
            Change {
                op: Op::Delete(key),
                expect: Expect::Absent,
            },
            true,
        ),
        (
            "delete version, missing",
            Change {
                op: Op::Delete(missing),
                expect: Expect::Version(1),
            },
            true,
        ),
        (
            "delete stale version",
            Change {
                op: Op::Delete(key),
                expect: Expect::Version(2),
            },
            true,
        ),
        (
            "delete any, missing",
            Change {
                op: Op::Delete(missing),
                expect: Expect::Any,
            },
            false,
        ),
        (
            "touch absent, missing",
            Change {
                op: Op::Touch(missing),
                expect: Expect::Absent,
            },
            false,
        ),
        (
            "delete absent, missing",
            Change {
                op: Op::Delete(missing),
                expect: Expect::Absent,
            },
            false,
        ),
    ];
    for (case, change, conflicts) in cases {
        let written = change.op.key();
        let result = store.apply(one(change)).await;
        match (result, conflicts) {
            (Err(e), true) => assert!(conflict_on(&e, written), "{case}: {e}"),
            (Ok(()), false) => {}
            (result, _) => panic!("{case}: expected a conflict: {conflicts}, got {result:?}"),
        }
        assert_eq!(version(&store, key).await, Some(1), "{case}");
        assert_eq!(version(&store, missing).await, None, "{case}");
    }
}

/// A change set that writes one key twice is a bug of its caller: refused before anything is
/// written, and not as a conflict (retrying would not help).
pub async fn a_key_written_twice_is_refused(store: DynStore) {
    let a = area("Nord");
    let key = RecordKey::Area(a.id);
    let err = store
        .apply(ChangeSet {
            changes: vec![
                put(Record::Area(a), Expect::Any),
                Change {
                    op: Op::Touch(key),
                    expect: Expect::Any,
                },
            ],
            ..Default::default()
        })
        .await
        .expect_err("a key written twice");
    assert!(matches!(err, StoreError::Backend { .. }), "{err}");
    assert_eq!(version(&store, key).await, None);
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
    let data = Dataset::generate(&Spec::small(), 3);
    store.apply(data.change_set()).await.expect("load");
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
    assert!(conflict_on(&err, RecordKey::Area(a.id)), "{err}");
    assert_eq!(
        store.get(RecordKey::Area(b.id)).await.expect("get"),
        None,
        "no partial write"
    );
    assert_eq!(version(&store, RecordKey::Area(a.id)).await, Some(1));
    // The failing change first in the list, on a link (a store that orders its writes by key
    // writes links last), after an insert of a participant, a touch and an upsert.
    let mut newcomer = data.participants[0].clone();
    newcomer.id = ParticipantId::new();
    newcomer.cpr = Cpr::parse("0303801234").expect("cpr");
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
    let c = area("Øst");
    let bad = ChangeSet {
        changes: vec![
            put(Record::Link(link.clone()), Expect::Version(9)),
            put(Record::Area(c.clone()), Expect::Any),
            put(Record::Participant(newcomer.clone()), Expect::Absent),
            Change {
                op: Op::Touch(RecordKey::Area(a.id)),
                expect: Expect::Any,
            },
        ],
        audit: vec![audit(1, None)],
        messages: vec![message(newcomer.id, 1)],
    };
    let err = store.apply(bad).await.expect_err("stale version");
    assert!(conflict_on(&err, RecordKey::Link(link.id)), "{err}");
    for key in [
        RecordKey::Area(c.id),
        RecordKey::Participant(newcomer.id),
        RecordKey::Link(link.id),
    ] {
        assert_eq!(
            version(&store, key).await,
            None,
            "no partial write: {key:?}"
        );
    }
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
    assert!(conflict_on(&stale, key), "{stale}");
    store
        .apply(one(Change {
            op: Op::Touch(key),
            expect: Expect::Any,
        }))
        .await
        .expect("touch under Any");
    assert_eq!(version(&store, key).await, Some(3));
    let nothing = RecordKey::Area(crate::ids::AreaId::new());
    let missing = store
        .apply(one(Change {
            op: Op::Touch(nothing),
            expect: Expect::Any,
        }))
        .await
        .expect_err("touching nothing");
    assert!(conflict_on(&missing, nothing), "{missing}");
    let stale_delete = store
        .apply(one(Change {
            op: Op::Delete(key),
            expect: Expect::Version(2),
        }))
        .await
        .expect_err("stale delete");
    assert!(conflict_on(&stale_delete, key), "{stale_delete}");
    let missing_delete = store
        .apply(one(Change {
            op: Op::Delete(nothing),
            expect: Expect::Version(1),
        }))
        .await
        .expect_err("deleting nothing at a version");
    assert!(conflict_on(&missing_delete, nothing), "{missing_delete}");
    store
        .apply(one(Change {
            op: Op::Delete(key),
            expect: Expect::Version(3),
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
    // People without seats, so a store that enforces references lets them be deleted.
    let free: Vec<&crate::model::Participant> = data
        .participants
        .iter()
        .filter(|p| {
            !data
                .seats
                .iter()
                .any(|s| s.state.participant() == Some(p.id))
        })
        .collect();
    assert!(free.len() >= 2, "the generator leaves people without seats");
    let existing = free[0];
    let mut twin = free[1].clone();
    twin.id = ParticipantId::new();
    twin.cpr = existing.cpr;
    let err = store
        .apply(one(put(Record::Participant(twin.clone()), Expect::Absent)))
        .await
        .expect_err("duplicate CPR");
    assert!(err.is_conflict(), "{err}");
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains(&existing.cpr.reveal()[6..]),
        "no CPR in errors: {text}"
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
        .apply(one(put(
            Record::Participant(edited.clone()),
            Expect::Version(1),
        )))
        .await
        .expect("edit keeps its CPR");
    // Two participants swap their numbers in one change set (uniqueness holds when the change
    // set is written), and a number freed by a delete is taken by a new participant in the
    // same change set.
    let other = free[1].clone();
    let (mut swapped_a, mut swapped_b) = (edited.clone(), other.clone());
    swapped_a.cpr = other.cpr;
    swapped_b.cpr = edited.cpr;
    store
        .apply(ChangeSet {
            changes: vec![
                put(Record::Participant(swapped_a), Expect::Version(2)),
                put(Record::Participant(swapped_b), Expect::Version(1)),
            ],
            ..Default::default()
        })
        .await
        .expect("a swap of numbers");
    let found = store
        .query(&Query::ParticipantByCpr(other.cpr))
        .await
        .expect("query");
    assert_eq!(
        found.iter().map(|v| v.value.key()).collect::<Vec<_>>(),
        vec![RecordKey::Participant(edited.id)]
    );
    let mut heir = a.clone();
    heir.id = ParticipantId::new();
    heir.cpr = other.cpr;
    store
        .apply(ChangeSet {
            changes: vec![
                Change {
                    op: Op::Delete(RecordKey::Participant(edited.id)),
                    expect: Expect::Any,
                },
                put(Record::Participant(heir.clone()), Expect::Absent),
            ],
            ..Default::default()
        })
        .await
        .expect("a freed number taken in the same change set");
    let found = store
        .query(&Query::ParticipantByCpr(other.cpr))
        .await
        .expect("query");
    assert_eq!(
        found.iter().map(|v| v.value.key()).collect::<Vec<_>>(),
        vec![RecordKey::Participant(heir.id)]
    );
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
    // Under Any (an upsert): the token is still taken.
    let err = store
        .apply(one(put(Record::Link(copy), Expect::Any)))
        .await
        .expect_err("duplicate token");
    assert!(err.is_conflict());
    let found = store
        .query(&Query::LinkByToken(link.token.clone()))
        .await
        .expect("query");
    assert_eq!(
        found.into_iter().map(|v| v.value).collect::<Vec<_>>(),
        vec![Record::Link(link)]
    );
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
    let rejection = crate::model::Rejection {
        id: crate::ids::RejectionId::new(),
        slot: taken_seat.slot,
        seat: taken_seat.id,
        participant: taken,
        at: data.now,
        kind: crate::model::RejectionKind::Declined,
    };
    for s in [&*store, &reference as &dyn Store] {
        s.apply(ChangeSet {
            changes: vec![
                put(Record::Link(link.clone()), Expect::Absent),
                put(Record::Rejection(rejection.clone()), Expect::Absent),
            ],
            ..Default::default()
        })
        .await
        .expect("link and rejection");
    }
    // Each of these selects something, so the comparison below is not between two empty
    // answers.
    let selecting = vec![
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
    ];
    for q in &selecting {
        assert!(
            !reference.query(q).await.expect("query").is_empty(),
            "{q:?} selects something"
        );
    }
    let mut queries = selecting;
    // And these nothing.
    queries.extend([
        Query::SeatContext(SeatId::new()),
        Query::SeatsOfElection(crate::ids::ElectionId::new()),
        Query::SeatsOfParticipant(ParticipantId::new()),
        Query::ParticipantByCpr(Cpr::parse("3112991234").expect("cpr")),
        Query::MembersOfTeam(crate::ids::TeamId::new()),
        Query::LinkByToken(LinkToken::generate()),
        Query::RejectionsOfParticipant(ParticipantId::new()),
        Query::ThreadsOfParticipant(ParticipantId::new()),
        Query::NotesOfParticipant(ParticipantId::new()),
    ]);
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
            RecordKind::Thread,
            RecordKind::Note,
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
    // Every record round-trips unchanged.
    for r in data.records() {
        let got = store.get(r.key()).await.expect("get").expect("present");
        assert_eq!(got.value, r);
    }
}

/// References are enforced as the store states ([`Capabilities::enforces_references`]): an
/// enforcing store refuses a seat in an election that does not exist and the deletion of a
/// participant who holds a seat, and writes nothing of either; a store that does not enforce
/// them accepts both. On every store, the order of the ops in a change set does not matter (a
/// seat before its election and holder), and a holder is deleted with their seat freed in the
/// same change set.
pub async fn references_are_enforced_as_stated(store: DynStore, capabilities: Capabilities) {
    let data = Dataset::generate(&Spec::small(), 4);
    let mut records = data.records();
    records.reverse();
    store
        .apply(ChangeSet {
            changes: records
                .into_iter()
                .map(|r| put(r, Expect::Absent))
                .collect(),
            ..Default::default()
        })
        .await
        .expect("children before parents in one change set");
    // A seat before its holder in one change set.
    let vacant = data
        .seats
        .iter()
        .find(|s| s.state == SeatState::Vacant)
        .expect("a vacant seat");
    let mut holder = data.participants[0].clone();
    holder.id = ParticipantId::new();
    holder.cpr = Cpr::parse("0404801234").expect("cpr");
    let held = Seat {
        state: SeatState::Accepted {
            participant: holder.id,
            accepted_at: data.now,
            via: crate::model::AcceptedVia::Invitation,
            task_reminder_at: None,
        },
        ..vacant.clone()
    };
    store
        .apply(ChangeSet {
            changes: vec![
                put(Record::Seat(held.clone()), Expect::Version(1)),
                put(Record::Participant(holder.clone()), Expect::Absent),
            ],
            ..Default::default()
        })
        .await
        .expect("a seat before its holder");

    // A seat in an election that does not exist.
    let mut slot = vacant.slot;
    slot.election = crate::ids::ElectionId::new();
    let stray = Seat::vacant(slot);
    let result = store
        .apply(one(put(Record::Seat(stray.clone()), Expect::Absent)))
        .await;
    // Deleting the holder alone.
    let alone = store
        .apply(one(Change {
            op: Op::Delete(RecordKey::Participant(holder.id)),
            expect: Expect::Any,
        }))
        .await;
    if capabilities.enforces_references {
        let err = result.expect_err("a seat in a missing election");
        assert!(err.is_conflict(), "{err}");
        assert_eq!(version(&store, RecordKey::Seat(stray.id)).await, None);
        let err = alone.expect_err("deleting a holder alone");
        assert!(err.is_conflict(), "{err}");
        assert_eq!(
            version(&store, RecordKey::Participant(holder.id)).await,
            Some(1)
        );
        // With the seat freed in the same change set, the holder goes.
        store
            .apply(ChangeSet {
                changes: vec![
                    Change {
                        op: Op::Delete(RecordKey::Participant(holder.id)),
                        expect: Expect::Any,
                    },
                    put(Record::Seat(vacant.clone()), Expect::Version(2)),
                ],
                ..Default::default()
            })
            .await
            .expect("the holder deleted with the seat freed");
    } else {
        result.expect("a store that does not enforce references stores the seat");
        assert_eq!(version(&store, RecordKey::Seat(stray.id)).await, Some(1));
        alone.expect("a store that does not enforce references deletes the holder");
    }
    assert_eq!(
        version(&store, RecordKey::Participant(holder.id)).await,
        None
    );
    // A deleted participant is no team's member any more.
    assert!(
        !holder.teams.is_empty(),
        "the holder was a member of a team"
    );
    for team in &holder.teams {
        let members = store
            .query(&Query::MembersOfTeam(*team))
            .await
            .expect("query");
        assert!(
            members
                .iter()
                .all(|v| v.value.key() != RecordKey::Participant(holder.id)),
            "{team}"
        );
    }
}
