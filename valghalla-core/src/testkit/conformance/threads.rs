//! Threads between a person and the secretariat: the record kind stored, selected by
//! participant and deleted with its participant, and the service's two-way conversation on the
//! store (the answer in the outbox, a stranger told the thread does not exist).

use chrono::{TimeZone, Utc};

use super::{one, put, sorted, version};
use crate::ids::{ParticipantId, ThreadId};
use crate::messages::MessageKind;
use crate::model::{Op, Post, PostAuthor, Record, RecordKey, RecordKind, Thread, ThreadState};
use crate::rules::access::{Actor, StaffRole};
use crate::service::{Correspondence, Error, ThreadDraft};
use crate::store::{Change, ChangeSet, DynStore, Expect, OutboxFilter, Query};
use crate::testkit::generator::{Dataset, Spec};
use crate::testkit::scenario::{Scenario, election_day};

fn thread(participant: ParticipantId, subject: &str) -> Thread {
    let at = Utc
        .with_ymd_and_hms(2026, 11, 1, 10, 0, 0)
        .single()
        .expect("t");
    Thread {
        id: ThreadId::new(),
        participant,
        subject: subject.into(),
        seat: None,
        posts: vec![Post {
            author: PostAuthor::Person,
            text: "Må jeg tage min hund med?\nHun er rolig!".into(),
            at,
            message: None,
        }],
        state: ThreadState::Open,
        unread_by_secretariat: true,
        unread_by_participant: false,
        created_at: at,
    }
}

/// A thread is stored with versions like every record, read back unchanged, selected by its
/// participant ([`Query::ThreadsOfParticipant`]) and by kind, and deleted with its participant
/// in one change set.
pub async fn threads_are_stored_and_selected_by_participant(store: DynStore) {
    let data = Dataset::generate(&Spec::small(), 11);
    store.apply(data.change_set()).await.expect("load");
    let (a, b) = (data.participants[0].id, data.participants[1].id);
    let first = thread(a, "Hund");
    let second = thread(a, "Parkering");
    let theirs = thread(b, "Kørsel");
    store
        .apply(ChangeSet {
            changes: [&first, &second, &theirs]
                .into_iter()
                .map(|t| put(Record::Thread(t.clone()), Expect::Absent))
                .collect(),
            ..Default::default()
        })
        .await
        .expect("insert threads");
    let got = store
        .get(RecordKey::Thread(first.id))
        .await
        .expect("get")
        .expect("present");
    assert_eq!(got.version, 1);
    assert_eq!(got.value, Record::Thread(first.clone()));
    let of_a = sorted(
        store
            .query(&Query::ThreadsOfParticipant(a))
            .await
            .expect("query"),
    );
    assert_eq!(
        of_a,
        sorted(vec![
            crate::model::Versioned {
                value: Record::Thread(first.clone()),
                version: 1
            },
            crate::model::Versioned {
                value: Record::Thread(second.clone()),
                version: 1
            },
        ])
    );
    assert_eq!(
        store
            .query(&Query::All(RecordKind::Thread))
            .await
            .expect("all")
            .len(),
        3
    );
    // An answer is a new version; a stale one conflicts.
    let mut answered = first.clone();
    answered.posts.push(Post {
        author: PostAuthor::Secretariat { user: "sek".into() },
        text: "Ja, gerne.".into(),
        at: first.created_at,
        message: None,
    });
    answered.unread_by_participant = true;
    store
        .apply(one(put(
            Record::Thread(answered.clone()),
            Expect::Version(1),
        )))
        .await
        .expect("update");
    assert_eq!(version(&store, RecordKey::Thread(first.id)).await, Some(2));
    let stale = store
        .apply(one(put(Record::Thread(answered), Expect::Version(1))))
        .await
        .expect_err("stale");
    assert!(stale.is_conflict(), "{stale}");
    // The participant goes with their threads in one change set.
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
                        op: Op::Delete(RecordKey::Thread(theirs.id)),
                        expect: Expect::Any,
                    },
                ],
                ..Default::default()
            })
            .await
            .expect("participant and threads deleted together");
        assert!(
            store
                .query(&Query::ThreadsOfParticipant(b))
                .await
                .expect("query")
                .is_empty()
        );
    }
}

/// The conversation through the service: a person writes, the inbox counts it unread, the
/// administrator's opening reads it, the answer reaches the person's outbox and their unread
/// count, a stranger and a reader cannot write as the person, the person's communication log
/// has both directions, and deleting the person deletes the thread.
pub async fn threads_converse_through_the_service(store: DynStore) {
    let s = Scenario::new(store).await;
    let karen = s.person("Karen", "Jensen", 0).await;
    let ole = s.person("Ole", "Hansen", 1).await;
    let karen_actor = Scenario::citizen(&karen);
    let ole_actor = Scenario::citizen(&ole);
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    let seat = s.seats(slot, 1).await[0].id;
    // A seat that is not hers is missing to her.
    let foreign = s
        .svc
        .write_to_secretariat(
            &karen_actor,
            ThreadDraft {
                subject: "Om pladsen".into(),
                text: "Hej".into(),
                seat: Some(seat),
            },
        )
        .await
        .expect_err("not her seat");
    assert!(matches!(foreign, Error::NotFound { .. }), "{foreign}");
    let empty = s
        .svc
        .write_to_secretariat(
            &karen_actor,
            ThreadDraft {
                subject: "  ".into(),
                text: "Hej".into(),
                seat: None,
            },
        )
        .await
        .expect_err("empty subject");
    assert!(
        matches!(empty, Error::Invalid(ref f) if f.field == "subject"),
        "{empty}"
    );
    let id = s
        .svc
        .write_to_secretariat(
            &karen_actor,
            ThreadDraft {
                subject: "Hund".into(),
                text: "Må jeg tage min hund med!".into(),
                seat: None,
            },
        )
        .await
        .expect("write");
    let inbox = s.svc.inbox(&s.admin, false).await.expect("inbox");
    assert_eq!((inbox.unread, inbox.open, inbox.threads.len()), (1, 1, 1));
    assert_eq!(inbox.threads[0].name, "Karen Jensen");
    // Nobody else reads it, and a stranger is told it does not exist.
    let hidden = s.svc.open_thread(&ole_actor, id).await.expect_err("ole");
    assert!(matches!(hidden, Error::NotFound { .. }), "{hidden}");
    assert!(
        s.svc
            .my_threads(&ole_actor)
            .await
            .expect("ole's")
            .is_empty()
    );
    assert!(s.svc.inbox(&ole_actor, false).await.is_err());
    assert!(
        s.svc
            .add_to_thread(&ole_actor, id, "Mig også")
            .await
            .is_err()
    );
    // A reader opens it without reading it for the administrators.
    let reader = Actor::Secretariat {
        user: "læser".into(),
        role: StaffRole::Reader,
    };
    s.svc.open_thread(&reader, id).await.expect("reader opens");
    assert_eq!(s.svc.inbox(&s.admin, false).await.expect("inbox").unread, 1);
    assert!(s.svc.answer_thread(&reader, id, "Nej").await.is_err());
    s.svc.open_thread(&s.admin, id).await.expect("admin opens");
    assert_eq!(s.svc.inbox(&s.admin, false).await.expect("inbox").unread, 0);
    // The answer goes out to Karen and waits for her on "Mine beskeder".
    let message = s
        .svc
        .answer_thread(&s.admin, id, "Ja, <b>gerne</b>! Husk snor.")
        .await
        .expect("answer");
    let outbox = s
        .store
        .outbox(&OutboxFilter {
            participant: Some(karen.id),
            ..Default::default()
        })
        .await
        .expect("outbox");
    let sent = outbox
        .iter()
        .find(|m| m.id == message)
        .expect("the answer is in the outbox");
    assert_eq!(sent.kind, MessageKind::Group);
    let (_, body) = sent.custom.as_ref().expect("its text");
    assert!(body.contains(&format!("/beskeder/{id}")), "{body}");
    assert!(!body.contains("<b>gerne"), "the answer is escaped: {body}");
    assert_eq!(
        s.svc.my_unread_threads(&karen_actor).await.expect("unread"),
        1
    );
    let read = s
        .svc
        .open_thread(&karen_actor, id)
        .await
        .expect("karen opens");
    assert_eq!(read.posts.len(), 2);
    assert_eq!(
        s.svc.my_unread_threads(&karen_actor).await.expect("unread"),
        0
    );
    // Closed, then opened again by her next post.
    s.svc.close_thread(&s.admin, id).await.expect("close");
    assert_eq!(
        s.svc
            .inbox(&s.admin, true)
            .await
            .expect("open")
            .threads
            .len(),
        0
    );
    s.svc
        .add_to_thread(&karen_actor, id, "Tak!")
        .await
        .expect("karen writes again");
    let inbox = s.svc.inbox(&s.admin, true).await.expect("open");
    assert_eq!((inbox.unread, inbox.threads.len()), (1, 1));
    // Her communication log has both directions: her two posts in, the answer out, newest
    // first; Ole's has none of it; a reader and Karen herself do not read the log.
    let log = s
        .svc
        .correspondence(&s.admin, karen.id, 0)
        .await
        .expect("karen's log");
    let incoming: Vec<(&str, bool)> = log
        .iter()
        .filter_map(|c| match c {
            Correspondence::Incoming(p) if p.thread == id && p.subject == "Hund" => {
                Some((p.text.as_str(), p.first))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        incoming,
        [("Tak!", false), ("Må jeg tage min hund med!", true)]
    );
    assert!(
        log.iter()
            .any(|c| matches!(c, Correspondence::Outgoing(m) if m.message == message)),
        "{log:?}"
    );
    assert!(log.windows(2).all(|w| w[0].at() >= w[1].at()), "{log:?}");
    assert_eq!(
        s.svc
            .correspondence(&s.admin, karen.id, 1)
            .await
            .expect("limited")
            .len(),
        1
    );
    let oles = s
        .svc
        .correspondence(&s.admin, ole.id, 0)
        .await
        .expect("ole's log");
    assert!(
        oles.iter().all(|c| match c {
            Correspondence::Incoming(_) => false,
            Correspondence::Outgoing(m) => m.participant == ole.id,
        }),
        "{oles:?}"
    );
    for actor in [&reader, &karen_actor] {
        assert!(matches!(
            s.svc.correspondence(actor, karen.id, 0).await,
            Err(Error::Denied(_))
        ));
    }
    // Deleting Karen deletes her threads.
    s.svc
        .delete_participant(&s.admin, karen.id)
        .await
        .expect("delete");
    assert!(
        s.store
            .get(RecordKey::Thread(id))
            .await
            .expect("get")
            .is_none()
    );
}
