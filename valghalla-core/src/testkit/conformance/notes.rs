//! The secretariat's notes about a participant: the record kind stored, selected by
//! participant, carried by a tenant's export and deleted with its participant; and the
//! service's rules on the store (administrators write their own, the secretariat reads, nobody
//! else learns whether there are any, every write and showing audit-logged).

use chrono::{TimeZone, Utc};

use super::{one, put, sorted, version};
use crate::ids::{NoteId, ParticipantId};
use crate::model::{
    AuditAction, LocationScope, MAX_NOTE_CHARS, Note, Op, Record, RecordKey, RecordKind,
};
use crate::rules::access::{Actor, PersonActor, StaffRole};
use crate::service::Error;
use crate::store::{AuditFilter, Change, ChangeSet, DynStore, Expect, Query};
use crate::testkit::generator::{Dataset, Spec};
use crate::testkit::scenario::Scenario;

fn note(participant: ParticipantId, text: &str) -> Note {
    Note {
        id: NoteId::new(),
        participant,
        text: text.into(),
        author: "birte".into(),
        created_at: Utc
            .with_ymd_and_hms(2026, 11, 1, 10, 0, 0)
            .single()
            .expect("t"),
        edited_at: None,
    }
}

/// A note is stored with versions like every record, read back unchanged, selected by its
/// participant ([`Query::NotesOfParticipant`]) and by kind, read by a tenant's export, and
/// deleted with its participant in one change set.
pub async fn notes_are_stored_and_selected_by_participant(store: DynStore) {
    let data = Dataset::generate(&Spec::small(), 12);
    store.apply(data.change_set()).await.expect("load");
    let (a, b) = (data.participants[0].id, data.participants[1].id);
    let first = note(a, "Ringer helst om formiddagen.\nHar nøglen til skolen!");
    let second = note(a, "Kører selv");
    let theirs = note(b, "Vegetar");
    store
        .apply(ChangeSet {
            changes: [&first, &second, &theirs]
                .into_iter()
                .map(|n| put(Record::Note(n.clone()), Expect::Absent))
                .collect(),
            ..Default::default()
        })
        .await
        .expect("insert notes");
    let got = store
        .get(RecordKey::Note(first.id))
        .await
        .expect("get")
        .expect("present");
    assert_eq!(got.version, 1);
    assert_eq!(got.value, Record::Note(first.clone()));
    let of_a = sorted(
        store
            .query(&Query::NotesOfParticipant(a))
            .await
            .expect("query"),
    );
    assert_eq!(
        of_a,
        sorted(vec![
            crate::model::Versioned {
                value: Record::Note(first.clone()),
                version: 1
            },
            crate::model::Versioned {
                value: Record::Note(second.clone()),
                version: 1
            },
        ])
    );
    assert!(
        store
            .query(&Query::NotesOfParticipant(ParticipantId::new()))
            .await
            .expect("query")
            .is_empty()
    );
    assert_eq!(
        store
            .query(&Query::All(RecordKind::Note))
            .await
            .expect("all")
            .len(),
        3
    );
    // An edit is a new version; a stale one conflicts.
    let mut edited = first.clone();
    edited.text = "Ringer helst efter kl. 16.".into();
    edited.edited_at = Some(first.created_at);
    store
        .apply(one(put(Record::Note(edited.clone()), Expect::Version(1))))
        .await
        .expect("update");
    assert_eq!(version(&store, RecordKey::Note(first.id)).await, Some(2));
    let stale = store
        .apply(one(put(Record::Note(edited.clone()), Expect::Version(1))))
        .await
        .expect_err("stale");
    assert!(stale.is_conflict(), "{stale}");
    // A tenant's export carries every note, as stored.
    let exported = crate::transfer::read_tenant(store.as_ref())
        .await
        .expect("export");
    assert_eq!(exported.counts_by_kind().get("note"), Some(&3));
    assert!(exported.records.contains(&Record::Note(edited)));
    // The participant goes with their notes in one change set.
    let held = data.seats.iter().any(|s| s.state.participant() == Some(b));
    if !held {
        store
            .apply(ChangeSet {
                changes: vec![
                    Change {
                        op: Op::Delete(RecordKey::Participant(b)),
                        expect: Expect::Any,
                    },
                    Change {
                        op: Op::Delete(RecordKey::Note(theirs.id)),
                        expect: Expect::Any,
                    },
                ],
                ..Default::default()
            })
            .await
            .expect("participant and notes deleted together");
        assert!(
            store
                .query(&Query::NotesOfParticipant(b))
                .await
                .expect("query")
                .is_empty()
        );
    }
}

/// Notes through the service: an administrator writes one (bad text refused at the field,
/// nothing saved), the secretariat's readers read but never write, a party secretary, the
/// person, a link holder and a job are denied alike whether or not there are notes; only the
/// author edits or deletes a note; every write and every showing is in the audit log (never
/// the text); deleting or anonymising the person deletes their notes.
pub async fn notes_are_the_secretariats_through_the_service(store: DynStore) {
    let s = Scenario::new(store).await;
    let karen = s.person("Karen", "Jensen", 0).await;
    let ole = s.person("Ole", "Hansen", 0).await;
    let reader = Actor::Secretariat {
        user: "læser".into(),
        role: StaffRole::Reader,
    };
    let colleague = Actor::Secretariat {
        user: "kollega".into(),
        role: StaffRole::Administrator,
    };
    let secretary = Actor::Person(PersonActor {
        participant: ole.id,
        responsible_for_teams: [(s.teams[0].id, LocationScope::All)].into(),
        responsible_for_locations: Default::default(),
    });
    let admin_user = match &s.admin {
        Actor::Secretariat { user, .. } => user.clone(),
        other => panic!("the scenario's administrator is {other:?}"),
    };
    let outsiders = [
        secretary,
        Scenario::citizen(&karen),
        Actor::Anonymous,
        Actor::System { job: "sync".into() },
    ];
    let audit_of = |action: AuditAction| {
        let store = s.store.clone();
        async move {
            store
                .audit_log(&AuditFilter::default())
                .await
                .expect("audit")
                .into_iter()
                // The notes' own entries, and the showings of them (of the participant).
                .filter(|e| {
                    e.action == action
                        && e.participant == Some(karen.id)
                        && (e.subject.kind() == "note" || e.description.contains("note"))
                })
                .collect::<Vec<_>>()
        }
    };
    // What an outsider is told before there are notes...
    let mut before = Vec::new();
    for actor in &outsiders {
        let e = s.svc.notes(actor, karen.id).await.expect_err("outsider");
        assert!(matches!(e, Error::Denied(_)), "{actor:?}: {e}");
        before.push(e.to_string());
    }
    // Bad text is refused at the field; nothing is saved.
    for bad in [" \n ".to_owned(), "x".repeat(MAX_NOTE_CHARS + 1)] {
        let e = s
            .svc
            .add_note(&s.admin, karen.id, &bad)
            .await
            .expect_err("bad");
        assert!(
            matches!(e, Error::Invalid(ref f) if f.field == "note"),
            "{e}"
        );
    }
    assert!(
        s.store
            .query(&Query::All(RecordKind::Note))
            .await
            .expect("all")
            .is_empty()
    );
    assert!(audit_of(AuditAction::Create).await.is_empty());
    // Only administrators write.
    for actor in outsiders.iter().chain([&reader]) {
        let e = s
            .svc
            .add_note(actor, karen.id, "Hej")
            .await
            .expect_err("not an administrator");
        assert!(matches!(e, Error::Denied(_)), "{actor:?}: {e}");
    }
    let missing = s
        .svc
        .add_note(&s.admin, ParticipantId::new(), "Hej")
        .await
        .expect_err("nobody");
    assert!(matches!(missing, Error::NotFound { .. }), "{missing}");
    let first = s
        .svc
        .add_note(&s.admin, karen.id, "Ringer helst om formiddagen.")
        .await
        .expect("write");
    s.clock.advance(chrono::Duration::minutes(5));
    let second = s
        .svc
        .add_note(&colleague, karen.id, "Har nøglen til skolen.")
        .await
        .expect("write");
    let created = audit_of(AuditAction::Create).await;
    assert_eq!(created.len(), 2);
    assert!(
        created
            .iter()
            .all(|e| !e.description.contains("formiddagen") && !e.description.contains("nøglen")),
        "the log never holds the text"
    );
    // The secretariat reads them, newest first; each showing is logged.
    let shown = s.svc.notes(&reader, karen.id).await.expect("reader reads");
    assert_eq!(
        shown.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![second, first]
    );
    assert_eq!(
        (shown[0].author.as_str(), shown[1].author.as_str()),
        ("kollega", admin_user.as_str())
    );
    s.svc.notes(&s.admin, karen.id).await.expect("admin reads");
    assert_eq!(audit_of(AuditAction::View).await.len(), 2);
    // ...and what they are told now: the same, and nothing more is logged.
    for (actor, was) in outsiders.iter().zip(&before) {
        let e = s.svc.notes(actor, karen.id).await.expect_err("outsider");
        assert_eq!(&e.to_string(), was, "{actor:?} learns nothing");
        for (id, text) in [(first, "x"), (NoteId::new(), "x")] {
            let edit = s.svc.edit_note(actor, id, text).await.expect_err("edit");
            let delete = s.svc.delete_note(actor, id).await.expect_err("delete");
            assert!(matches!(edit, Error::Denied(_)), "{edit}");
            assert!(matches!(delete, Error::Denied(_)), "{delete}");
        }
    }
    assert_eq!(audit_of(AuditAction::View).await.len(), 2);
    // Only the author changes a note; the reader changes none.
    for actor in [&colleague, &reader] {
        assert!(matches!(
            s.svc.edit_note(actor, first, "Ændret").await,
            Err(Error::Denied(_))
        ));
        assert!(matches!(
            s.svc.delete_note(actor, first).await,
            Err(Error::Denied(_))
        ));
    }
    let e = s
        .svc
        .edit_note(&s.admin, first, "")
        .await
        .expect_err("empty");
    assert!(
        matches!(e, Error::Invalid(ref f) if f.field == "note"),
        "{e}"
    );
    s.svc
        .edit_note(&s.admin, first, "Ringer helst efter kl. 16.")
        .await
        .expect("author edits");
    let after = s.svc.notes(&s.admin, karen.id).await.expect("read");
    let edited = after.iter().find(|n| n.id == first).expect("first");
    assert_eq!(edited.text, "Ringer helst efter kl. 16.");
    assert!(edited.edited_at.is_some());
    s.svc
        .delete_note(&colleague, second)
        .await
        .expect("author deletes");
    assert_eq!(audit_of(AuditAction::Edit).await.len(), 1);
    assert!(
        audit_of(AuditAction::Delete)
            .await
            .iter()
            .any(|e| e.subject == RecordKey::Note(second).into())
    );
    // Deleting Karen deletes her notes; anonymising Ole deletes his.
    s.svc
        .add_note(&s.admin, ole.id, "Tidligere valgstyrer")
        .await
        .expect("write");
    s.svc
        .delete_participant(&s.admin, karen.id)
        .await
        .expect("delete");
    assert!(
        s.store
            .get(RecordKey::Note(first))
            .await
            .expect("get")
            .is_none()
    );
    s.svc
        .anonymise_participant(&s.admin, ole.id)
        .await
        .expect("anonymise");
    assert!(
        s.store
            .query(&Query::All(RecordKind::Note))
            .await
            .expect("all")
            .is_empty(),
        "no note outlives its person"
    );
}
