//! The service's rules and refusals, driven through `Valghalla` on the memory store with the
//! Korsbæk scenario: the law and safety defects found in acceptance testing (issue 15), the
//! commands of master data and elections, and a property test that drives every command with
//! arbitrary input.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod arbitrary;
mod calendar;
mod elections;
mod held_messages;
mod links;
mod local_time;
mod lock;
mod master_data;
mod membership;
mod moving;
mod party;
mod refusals;
mod secretariat;
mod time_edits;

use std::sync::Arc;

use valghalla_core::memory::MemoryStore;
use valghalla_core::model::{Participant, Record, RecordKind, Seat};
use valghalla_core::rules::access::Actor;
use valghalla_core::store::{AuditFilter, OutboxFilter, Query};
use valghalla_core::testkit::scenario::Scenario;

/// The scenario on a fresh memory store.
pub async fn scenario() -> Scenario {
    Scenario::new(Arc::new(MemoryStore::new())).await
}

/// A seat as stored now.
pub async fn seat(s: &Scenario, id: valghalla_core::ids::SeatId) -> Seat {
    match s
        .store
        .get(valghalla_core::model::RecordKey::Seat(id))
        .await
        .unwrap()
        .map(|v| v.value)
    {
        Some(Record::Seat(seat)) => seat,
        other => panic!("no seat {id}: {other:?}"),
    }
}

/// A participant as stored now, if they exist.
pub async fn participant(
    s: &Scenario,
    id: valghalla_core::ids::ParticipantId,
) -> Option<Participant> {
    match s
        .store
        .get(valghalla_core::model::RecordKey::Participant(id))
        .await
        .unwrap()
        .map(|v| v.value)
    {
        Some(Record::Participant(p)) => Some(p),
        _ => None,
    }
}

/// Everything the store holds, as comparable text: every record with its version, the audit
/// log and the outbox.
pub async fn dump(s: &Scenario) -> String {
    let store = &s.store;
    let mut out = Vec::new();
    for kind in [
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
        RecordKind::Thread,
        RecordKind::Attendance,
        RecordKind::Reserve,
        RecordKind::SeatOffer,
        RecordKind::Note,
    ] {
        let mut rows: Vec<String> = store
            .query(&Query::All(kind))
            .await
            .unwrap()
            .into_iter()
            .map(|v| format!("{} {:?}", v.version, v.value))
            .collect();
        rows.sort();
        out.extend(rows);
    }
    for key in [
        valghalla_core::model::RecordKey::Municipality,
        valghalla_core::model::RecordKey::Communication,
    ] {
        out.push(format!("{:?}", store.get(key).await.unwrap()));
    }
    out.push(format!(
        "{:?}",
        store.audit_log(&AuditFilter::default()).await.unwrap()
    ));
    out.push(format!(
        "{:?}",
        store.outbox(&OutboxFilter::default()).await.unwrap()
    ));
    out.join("\n")
}

/// A logged-in participant without responsibilities.
pub fn citizen(p: &Participant) -> Actor {
    Scenario::citizen(p)
}
