//! The audit log and the outbox: written with the change and only with it, filtered, delivered
//! optimistically and purged.

use chrono::{Duration, TimeZone, Utc};
use std::sync::Arc;

use super::{area, audit, message, put};
use crate::ids::{ElectionId, MessageId, ParticipantId};
use crate::memory::MemoryStore;
use crate::model::Record;
use crate::store::{
    AuditFilter, ChangeSet, DeliveryStatus, DeliveryUpdate, DynStore, Expect, OutboxFilter,
};

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
        reference: Some("2.0.0 Ok: queued as 4ZxY".into()),
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

/// The same script of audit entries, messages, deliveries and purges on the store under test
/// and on the memory store: every answer is the same, for every filter (ties in time, combined
/// filters and limits included), and a stale attempt count or an unknown message is a conflict.
pub async fn audit_and_outbox_answer_as_the_memory_store_does(store: DynStore) {
    let memory: DynStore = Arc::new(MemoryStore::new());
    let at = |minutes: i64| {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("t")
            + Duration::minutes(minutes)
    };
    let (p1, p2) = (ParticipantId::new(), ParticipantId::new());
    let (e1, e2) = (ElectionId::new(), ElectionId::new());
    let entry = |minutes, participant, election| {
        let mut a = audit(minutes, election);
        a.participant = participant;
        a
    };
    let note = |minutes, participant, election| {
        let mut m = message(participant, minutes);
        m.election = election;
        m
    };
    let (m1, m2, m3) = (
        note(10, p1, Some(e1)),
        note(5, p2, None),
        note(10, p1, Some(e2)),
    );
    // Written by two change sets, so entries at the same instant come from either.
    let first = ChangeSet {
        audit: vec![
            entry(10, Some(p1), Some(e1)),
            entry(10, Some(p2), Some(e1)),
            entry(5, Some(p1), None),
        ],
        messages: vec![m1.clone(), m2.clone()],
        ..ChangeSet::default()
    };
    let second = ChangeSet {
        audit: vec![entry(20, None, Some(e2)), entry(10, None, None)],
        messages: vec![m3.clone()],
        ..ChangeSet::default()
    };
    for s in [&store, &memory] {
        s.apply(first.clone()).await.expect("apply");
        s.apply(second.clone()).await.expect("apply");
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
            election: Some(e1),
            limit: 1,
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
            due_at: Some(at(100)),
            participant: Some(p1),
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
            election: Some(e1),
            limit: 1,
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
                store.audit_log(f).await.expect("audit"),
                memory.audit_log(f).await.expect("audit"),
                "{label}: {f:?}"
            );
        }
        for f in &outbox_filters {
            assert_eq!(
                store.outbox(f).await.expect("outbox"),
                memory.outbox(f).await.expect("outbox"),
                "{label}: {f:?}"
            );
        }
    };
    compare("after apply").await;

    let sent = DeliveryUpdate {
        id: m1.id,
        expected_attempts: 0,
        status: DeliveryStatus::Sent {
            at: at(30),
            channel: "email".into(),
            reference: None,
        },
        next_attempt_at: at(30),
        error: None,
    };
    let retry = DeliveryUpdate {
        id: m2.id,
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
        id: m3.id,
        expected_attempts: 0,
        status: DeliveryStatus::Failed {
            at: at(31),
            reason: "no channel".into(),
        },
        next_attempt_at: at(31),
        error: Some("no channel".into()),
    };
    for s in [&store, &memory] {
        for update in [&sent, &retry, &retry_again, &failed] {
            s.record_delivery(update.clone()).await.expect("delivery");
        }
        let stale = s
            .record_delivery(sent.clone())
            .await
            .expect_err("a stale attempt count");
        assert!(stale.is_conflict(), "{stale}");
        let unknown = s
            .record_delivery(DeliveryUpdate {
                id: MessageId::new(),
                ..sent.clone()
            })
            .await
            .expect_err("an unknown message");
        assert!(unknown.is_conflict(), "{unknown}");
    }
    compare("after deliveries").await;
    let retried = store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox")
        .into_iter()
        .find(|m| m.id == m2.id)
        .expect("the retried message");
    assert_eq!(retried.attempts, 2);
    assert_eq!(retried.last_error.as_deref(), Some("provider timed out"));

    for s in [&store, &memory] {
        assert_eq!(s.purge_audit(at(10)).await.expect("purge"), 1);
        // m2 is still pending; m1 (sent) and m3 (failed), created at 10, are not before 10.
        assert_eq!(s.purge_outbox(at(10)).await.expect("purge"), 0);
        assert_eq!(s.purge_outbox(at(11)).await.expect("purge"), 2);
    }
    compare("after purges").await;
}
