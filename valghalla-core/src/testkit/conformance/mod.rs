//! The conformance suite: plain async functions that take a fresh store and check that it
//! behaves like the contract in [`crate::store`] says — and like the memory store does.
//! Run them all with [`crate::conformance_tests!`].
//!
//! - [`store`]: the store's own contract (versions, preconditions, uniqueness, queries);
//! - [`log`]: the audit log and the outbox;
//! - [`service`]: the service end to end on the store;
//! - [`races`]: concurrent commands through the service;
//! - [`election_day`]: attendance, reserves and offers through the service, with their races;
//! - [`model`]: random command sequences against the memory store;
//! - [`threads`]: threads with the secretariat, stored and through the service;
//! - [`notes`]: the secretariat's notes about a participant, stored and through the service.

pub mod election_day;
pub mod log;
pub mod model;
pub mod notes;
pub mod races;
pub mod service;
pub mod store;
pub mod threads;

pub use election_day::{
    a_reserve_racing_for_two_overlapping_seats_gets_one, an_election_morning_through_the_service,
    concurrent_reserves_take_an_offered_seat_once, election_day_commands_are_authorised,
    only_reserves_who_may_take_a_seat_are_offered_it,
};
pub use log::{
    audit_and_outbox_answer_as_the_memory_store_does, audit_and_outbox_are_written_with_the_change,
    audit_log_filters_and_purges, outbox_delivery_is_optimistic_and_purgeable,
};
pub use model::model_based;
pub use races::{
    concurrent_bookings_of_one_person_admit_one, concurrent_edits_lose_no_update,
    concurrent_takers_fill_exactly_the_free_seats, racing_writers_of_one_version_have_one_winner,
};
pub use service::{
    calendar_entries_are_stored_with_their_messages, invite_accept_withdraw_through_the_service,
    overview_counts_match_hand_counts, participant_queries_match_hand_counts,
    unauthorised_actors_change_nothing,
};
/// What a store does beyond the contract every store keeps, stated as data: the suite checks
/// each capability as the store states it (the store crate passes its capabilities to
/// [`conformance_tests!`](crate::conformance_tests)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// A change set that would leave a dangling reference is refused with a conflict: a seat
    /// whose election or holder does not exist when the change set is written, a participant
    /// deleted while a seat names them. The SQL stores enforce references with foreign keys;
    /// the memory store does not (the service never writes a dangling reference).
    pub enforces_references: bool,
}

impl Capabilities {
    /// Nothing beyond the contract (the memory store).
    pub const CONTRACT: Capabilities = Capabilities {
        enforces_references: false,
    };

    /// The contract, and references enforced (the SQL stores).
    pub const ENFORCING_REFERENCES: Capabilities = Capabilities {
        enforces_references: true,
    };
}

pub use notes::{
    notes_are_stored_and_selected_by_participant, notes_are_the_secretariats_through_the_service,
};
pub use store::{
    a_key_written_twice_is_refused, communication_settings_round_trip,
    every_precondition_is_checked, one_participant_per_cpr_and_one_link_per_token,
    preconditions_are_all_or_nothing, puts_get_versions,
    queries_select_what_the_memory_store_selects, read_and_apply_reads_decides_and_writes,
    references_are_enforced_as_stated, touch_and_delete,
};
pub use threads::{
    threads_are_stored_and_selected_by_participant, threads_converse_through_the_service,
};

use chrono::{Duration, TimeZone, Utc};

use crate::ids::{MessageId, ParticipantId};
use crate::messages::MessageKind;
use crate::model::{ActorLabel, Area, AuditAction, AuditEntry, Op, Record, RecordKey, Versioned};
use crate::store::{Change, ChangeSet, DeliveryStatus, DynStore, Expect, OutboxMessage};
use crate::values::Name;

pub(super) fn area(name: &str) -> Area {
    Area {
        id: crate::ids::AreaId::new(),
        name: Name::parse(name).expect("name"),
        description: String::new(),
    }
}

pub(super) fn put(record: Record, expect: Expect) -> Change {
    Change {
        op: Op::Put(record),
        expect,
    }
}

pub(super) fn one(change: Change) -> ChangeSet {
    ChangeSet {
        changes: vec![change],
        ..Default::default()
    }
}

pub(super) async fn version(store: &DynStore, key: RecordKey) -> Option<u64> {
    store.get(key).await.expect("get").map(|v| v.version)
}

pub(super) fn audit(at_minutes: i64, election: Option<crate::ids::ElectionId>) -> AuditEntry {
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

pub(super) fn message(participant: ParticipantId, minutes: i64) -> OutboxMessage {
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
        calendar: None,
        created_at: at,
        status: DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: at,
        last_error: None,
    }
}

/// Whether `err` is a conflict that names `key`.
pub(super) fn conflict_on(err: &crate::store::StoreError, key: RecordKey) -> bool {
    matches!(err, crate::store::StoreError::Conflict { key: Some(k), .. } if *k == key)
}

/// Records as `key@version`, sorted: what two stores' answers are compared by.
pub(super) fn sorted(mut records: Vec<Versioned<Record>>) -> Vec<String> {
    let mut out: Vec<String> = records
        .drain(..)
        .map(|v| format!("{:?}@{}", v.value.key(), v.version))
        .collect();
    out.sort();
    out
}
